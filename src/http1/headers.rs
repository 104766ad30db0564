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

/// The items of the comma-separated lists in `values`, one list however many fields carry it
/// (RFC 9110 section 5.6.1): trimmed, empty ones left out.
pub(crate) fn list_items<'a>(
    values: impl IntoIterator<Item = &'a [u8]>,
) -> impl Iterator<Item = &'a [u8]> {
    values
        .into_iter()
        .flat_map(|value| value.split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|item| !item.is_empty())
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
    /// Which [`Known`] names occur, one bit each.
    present: u16,
}

#[derive(Clone)]
struct FieldRange {
    name: Range<usize>,
    value: Range<usize>,
    /// The field's name as a [`Known`] (its discriminant), or [`UNKNOWN`].
    known: u8,
}

/// The names that every response is asked about (its framing, where a redirect goes, what
/// the retry policy and the cookie jar read) or that callers ask about most. Each field's name
/// is matched against them once, as the head is indexed; a lookup of one of them then compares
/// a byte per field instead of the name, and one of a name that is absent scans nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Known {
    Connection,
    ContentEncoding,
    ContentLength,
    ContentType,
    Location,
    RetryAfter,
    SetCookie,
    TransferEncoding,
    WwwAuthenticate,
}

impl Known {
    /// Every known name, in the order of the variants.
    #[cfg(test)]
    const ALL: [Known; 9] = [
        Known::Connection,
        Known::ContentEncoding,
        Known::ContentLength,
        Known::ContentType,
        Known::Location,
        Known::RetryAfter,
        Known::SetCookie,
        Known::TransferEncoding,
        Known::WwwAuthenticate,
    ];

    /// The name, lowercase.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Known::Connection => "connection",
            Known::ContentEncoding => "content-encoding",
            Known::ContentLength => "content-length",
            Known::ContentType => "content-type",
            Known::Location => "location",
            Known::RetryAfter => "retry-after",
            Known::SetCookie => "set-cookie",
            Known::TransferEncoding => "transfer-encoding",
            Known::WwwAuthenticate => "www-authenticate",
        }
    }

    /// The known names `len` bytes long, if any.
    fn of_length(len: usize) -> Option<&'static [Known]> {
        Some(match len {
            8 => &[Known::Location],
            10 => &[Known::Connection, Known::SetCookie],
            11 => &[Known::RetryAfter],
            12 => &[Known::ContentType],
            14 => &[Known::ContentLength],
            16 => &[Known::ContentEncoding, Known::WwwAuthenticate],
            17 => &[Known::TransferEncoding],
            _ => return None,
        })
    }

    /// The known name a field's `name` is, compared without regard to case; `name` must be a
    /// token (httparse lets no other name through), which makes the comparison a few word
    /// operations ([`token_is`]).
    fn of_token(name: &[u8]) -> Option<Known> {
        let candidates = Known::of_length(name.len())?;
        candidates
            .iter()
            .copied()
            .find(|known| token_is(name, known.name().as_bytes()))
    }

    /// The known name `name` is, compared without regard to case; any bytes.
    fn of(name: &[u8]) -> Option<Known> {
        let candidates = Known::of_length(name.len())?;
        let first = name[0].to_ascii_lowercase();
        candidates.iter().copied().find(|known| {
            let lower = known.name().as_bytes();
            lower[0] == first && name.eq_ignore_ascii_case(lower)
        })
    }

    fn bit(self) -> u16 {
        1 << self as u8
    }
}

/// Whether the token `name` is `lower` (lowercase letters and `-`, 8 to 24 bytes) in any
/// case. Setting bit 5 (`| 0x20`) of a letter lowercases it; of any other token byte, it gives
/// a letter or `-` only if the byte was already one (the one other byte it makes `-` of is CR,
/// which no token holds). So eight bytes at a time compare as integers.
fn token_is(name: &[u8], lower: &[u8]) -> bool {
    const CASE: u64 = 0x2020_2020_2020_2020;
    let n = lower.len();
    debug_assert!((8..=24).contains(&n));
    let word = |bytes: &[u8], at: usize| {
        u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
    };
    name.len() == n
        && word(name, 0) | CASE == word(lower, 0)
        && word(name, n - 8) | CASE == word(lower, n - 8)
        && (n <= 16 || word(name, 8) | CASE == word(lower, 8))
}

/// The [`FieldRange::known`] of a name that is not [`Known`].
const UNKNOWN: u8 = u8::MAX;

impl Headers {
    /// Fields indexed into `raw`; each name range must hold ASCII (httparse checks token syntax).
    pub(crate) fn from_raw(
        raw: Vec<u8>,
        fields: impl IntoIterator<Item = (Range<usize>, Range<usize>)>,
    ) -> Headers {
        let mut present = 0;
        let fields = fields
            .into_iter()
            .map(|(name, value)| {
                let known = Known::of_token(&raw[name.clone()]).map_or(UNKNOWN, |known| {
                    present |= known.bit();
                    known as u8
                });
                FieldRange { name, value, known }
            })
            .collect();
        Headers {
            raw,
            fields,
            present,
        }
    }

    /// The fields called `name`, in the order received.
    fn named<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a FieldRange> + 'n
    where
        'a: 'n,
    {
        let known = Known::of(name.as_bytes());
        let fields = match known {
            Some(known) if self.present & known.bit() == 0 => &[][..],
            _ => &self.fields[..],
        };
        fields.iter().filter(move |field| match known {
            Some(known) => field.known == known as u8,
            // Names compared as bytes: a lookup need not check that every name is UTF-8.
            None => self.raw[field.name.clone()].eq_ignore_ascii_case(name.as_bytes()),
        })
    }

    /// Every value of the known name `known`, in the order received: what
    /// [`Headers::get_all_bytes`] gives for its name, without comparing names.
    pub(crate) fn all_known(&self, known: Known) -> impl Iterator<Item = &[u8]> + '_ {
        let fields = if self.present & known.bit() == 0 {
            &[][..]
        } else {
            &self.fields[..]
        };
        fields
            .iter()
            .filter(move |field| field.known == known as u8)
            .map(|field| &self.raw[field.value.clone()])
    }

    /// The first value of the known name `known` as text: [`Headers::get`] of its name.
    pub(crate) fn known(&self, known: Known) -> Option<&str> {
        self.all_known(known)
            .next()
            .and_then(|value| std::str::from_utf8(value).ok())
    }

    /// Whether a field of the known name `known` is there: [`Headers::contains`] of its name.
    pub(crate) fn has_known(&self, known: Known) -> bool {
        self.present & known.bit() != 0
    }

    /// Whether a value of the known name `known` holds `token`: [`Headers::has_token`].
    pub(crate) fn known_has_token(&self, known: Known, token: &str) -> bool {
        self.all_known(known)
            .any(|value| list_has_token(value, token))
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
        self.named(name)
            .next()
            .map(|field| &self.raw[field.value.clone()])
    }

    /// Every value of `name` that is valid UTF-8, in the order received.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.named(name)
            .filter_map(|field| std::str::from_utf8(&self.raw[field.value.clone()]).ok())
            .collect()
    }

    /// Every value of `name` as bytes, in the order received.
    pub fn get_all_bytes<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.named(name)
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
    /// among them) masked. The fields an agent names secret
    /// (`AgentBuilder::secret_header`) are not known here: a `Response`'s own `Debug` masks
    /// those too.
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
    fn known_names_are_found_in_any_case_and_unknown_ones_too() {
        let raw = b"CONTENT-LENGTH: 5\r\nX-Content-Length: 6\r\nlocation: /a\r\nLocation: /b\r\n"
            .to_vec();
        let headers = Headers::from_raw(
            raw,
            vec![
                (0..14, 16..17),
                (19..35, 37..38),
                (40..48, 50..52),
                (54..62, 64..66),
            ],
        );
        assert_eq!(headers.get("Content-Length"), Some("5"));
        assert_eq!(headers.get("x-content-length"), Some("6"));
        assert_eq!(headers.get_all("LOCATION"), vec!["/a", "/b"]);
        assert!(!headers.contains("transfer-encoding"));
        assert!(!headers.contains("connection"));
        assert!(!headers.contains("content-lengt"));
    }

    #[test]
    fn every_known_name_is_known_and_only_it() {
        for (i, known) in Known::ALL.iter().enumerate() {
            assert_eq!(*known as usize, i);
            let name = known.name();
            assert_eq!(Known::of(name.as_bytes()), Some(*known), "{name}");
            assert_eq!(Known::of(name.to_uppercase().as_bytes()), Some(*known));
            for at in 0..name.len() {
                let mut other = name.as_bytes().to_vec();
                other[at] = b'x';
                assert_eq!(Known::of(&other), None, "{other:?}");
            }
        }
        assert!(Known::ALL.len() <= 16, "one bit each in `present`");
    }

    #[test]
    fn known_tokens_compare_as_the_exact_way_does() {
        use crate::http1::write::is_token_byte;
        let tokens: Vec<u8> = (0..=255u8).filter(|&b| is_token_byte(b)).collect();
        for known in Known::ALL {
            let name = known.name().as_bytes();
            assert!(name.iter().all(|&b| b.is_ascii_lowercase() || b == b'-'));
            assert_eq!(Known::of_token(name), Some(known));
            assert_eq!(
                Known::of_token(known.name().to_uppercase().as_bytes()),
                Some(known)
            );
            // Any one token byte in any place: the word compare agrees with the exact one.
            for at in 0..name.len() {
                for &byte in &tokens {
                    let mut other = name.to_vec();
                    other[at] = byte;
                    assert_eq!(Known::of_token(&other), Known::of(&other), "{other:?}");
                }
            }
        }
    }

    #[test]
    fn known_lookups_answer_as_the_lookups_by_name() {
        let headers = sample();
        for known in Known::ALL {
            let by_name: Vec<&[u8]> = headers.get_all_bytes(known.name()).collect();
            assert_eq!(headers.all_known(known).collect::<Vec<_>>(), by_name);
            assert_eq!(headers.known(known), headers.get(known.name()));
            assert_eq!(headers.has_known(known), headers.contains(known.name()));
        }
    }

    #[test]
    fn tokens_are_found_in_comma_lists() {
        let raw = b"Connection: keep-alive, Close".to_vec();
        let headers = Headers::from_raw(raw, vec![(0..10, 12..29)]);
        assert!(headers.has_token("connection", "close"));
        assert!(!headers.has_token("connection", "upgrade"));
    }
}
