//! Response header fields: the head's bytes as they arrived, indexed by field; and the one list
//! of the fields that carry credentials. Parsing the head is [`super::head`]'s job, not this one.
//!
//! Keeping the raw head and a list of ranges into it costs two allocations per response,
//! whatever the number of fields, and lets a trace show the head byte for byte.
//! Lookups compare names ASCII-case-insensitively, as RFC 9110 section 5.1 requires.

use std::fmt;
use std::ops::Range;

/// The header fields that carry credentials: `Authorization`, `Cookie` and
/// `Proxy-Authorization` in a request, and `Set-Cookie` (RFC 6265 section 4.1), the cookie a
/// server hands over to be sent back as one, in a response. A redirect that leaves the origin
/// drops them (from the request and from the agent's defaults alike), so that a server cannot
/// harvest them by redirecting elsewhere; the trace and `Debug` output mask their values.
/// Compared case-insensitively.
pub const CREDENTIAL_FIELDS: [&str; 4] = [
    "authorization",
    "cookie",
    "proxy-authorization",
    "set-cookie",
];

/// Whether `name` is one of the [`CREDENTIAL_FIELDS`].
///
/// ```
/// assert!(plainwire::http1::headers::is_credential(b"Proxy-Authorization"));
/// assert!(plainwire::http1::headers::is_credential(b"set-cookie"));
/// assert!(!plainwire::http1::headers::is_credential(b"Accept"));
/// ```
pub fn is_credential(name: &[u8]) -> bool {
    CREDENTIAL_FIELDS
        .iter()
        .any(|field| name.eq_ignore_ascii_case(field.as_bytes()))
}

/// Whether a comma-separated field value (RFC 9110 section 5.6.1) holds `token`,
/// case-insensitively: `Connection: keep-alive, Close` holds `close`. The one place this rule
/// is written, for responses and requests alike.
///
/// ```
/// use plainwire::http1::headers::list_has_token;
/// assert!(list_has_token(b"keep-alive, Close", "close"));
/// assert!(!list_has_token(b"closed", "close"));
/// ```
pub fn list_has_token(value: &[u8], token: &str) -> bool {
    value
        .split(|&b| b == b',')
        .any(|item| item.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

/// The header fields of a response, in the order received, repeated names kept.
///
/// ```
/// # fn demo(resp: &plainwire::Response) {
/// let headers = resp.headers();
/// if let Some(kind) = headers.get("content-type") {
///     println!("content type: {kind}");
/// }
/// for (name, value) in headers.iter() {
///     println!("{name}: {}", String::from_utf8_lossy(value));
/// }
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Headers {
    raw: Vec<u8>,
    fields: Vec<FieldRange>,
}

#[derive(Clone)]
struct FieldRange {
    name: Range<usize>,
    value: Range<usize>,
}

impl Headers {
    /// Fields indexed into `raw`; each name range must hold ASCII (httparse checks token syntax).
    pub(crate) fn from_raw(raw: Vec<u8>, fields: Vec<(Range<usize>, Range<usize>)>) -> Headers {
        let fields = fields
            .into_iter()
            .map(|(name, value)| FieldRange { name, value })
            .collect();
        Headers { raw, fields }
    }

    /// The response head exactly as received (status line, fields, blank line), with any
    /// obsolete line folding already replaced by spaces.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The first value of `name` as text, or `None` when absent or not valid UTF-8
    /// (use [`Headers::get_bytes`] for the bytes).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_bytes(name)
            .and_then(|value| std::str::from_utf8(value).ok())
    }

    /// The first value of `name` as bytes.
    pub fn get_bytes(&self, name: &str) -> Option<&[u8]> {
        // Names compared as bytes: a lookup need not check that every name is UTF-8.
        self.fields
            .iter()
            .find(|field| self.raw[field.name.clone()].eq_ignore_ascii_case(name.as_bytes()))
            .map(|field| &self.raw[field.value.clone()])
    }

    /// Every value of `name` that is valid UTF-8, in the order received.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.iter()
            .filter(|(field, _)| field.eq_ignore_ascii_case(name))
            .filter_map(|(_, value)| std::str::from_utf8(value).ok())
            .collect()
    }

    /// Every value of `name` as bytes, in the order received.
    pub fn get_all_bytes<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |field| self.raw[field.name.clone()].eq_ignore_ascii_case(name.as_bytes()))
            .map(move |field| &self.raw[field.value.clone()])
    }

    /// Whether at least one field is called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.get_bytes(name).is_some()
    }

    /// Whether any value of `name`, read as a comma-separated list, holds `token`
    /// (case-insensitive), as in `Connection: keep-alive, close`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.get_all_bytes(name)
            .any(|value| list_has_token(value, token))
    }

    /// All fields as (name, value) pairs, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.fields.iter().map(|field| {
            let name = std::str::from_utf8(&self.raw[field.name.clone()]).unwrap_or("");
            (name, &self.raw[field.value.clone()])
        })
    }

    /// The number of fields, repeated names counted each time.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl fmt::Debug for Headers {
    /// Every field, the values of the [credential fields](CREDENTIAL_FIELDS) (Set-Cookie
    /// among them) masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(name, value)| {
                let shown = if is_credential(name.as_bytes()) {
                    "*****".into()
                } else {
                    String::from_utf8_lossy(value)
                };
                (name, shown)
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Headers {
        let raw = b"Content-Type: text/plain\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX: \xff\r\n"
            .to_vec();
        Headers::from_raw(
            raw,
            vec![
                (0..12, 14..24),
                (26..36, 38..41),
                (43..53, 55..58),
                (60..61, 63..64),
            ],
        )
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(sample().get("content-TYPE"), Some("text/plain"));
    }

    #[test]
    fn repeated_fields_are_kept_in_order() {
        assert_eq!(sample().get_all("Set-Cookie"), vec!["a=1", "b=2"]);
    }

    #[test]
    fn non_utf8_values_have_no_str_view_but_keep_their_bytes() {
        let headers = sample();
        assert_eq!(headers.get("x"), None);
        assert_eq!(headers.get_bytes("x"), Some(&b"\xff"[..]));
    }

    #[test]
    fn tokens_are_found_in_comma_lists() {
        let raw = b"Connection: keep-alive, Close".to_vec();
        let headers = Headers::from_raw(raw, vec![(0..10, 12..29)]);
        assert!(headers.has_token("connection", "close"));
        assert!(!headers.has_token("connection", "upgrade"));
    }
}
