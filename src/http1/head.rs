//! Reading a response head (status line and header fields) out of a byte buffer, with httparse.
//!
//! Sans-IO: [`parse_response_head`] is handed whatever bytes have arrived so far and answers
//! "not yet" (`Ok(None)`), "here is the head, and it used this many bytes", or an error.
//! It never reads a socket. Informational (1xx) heads are returned like any other; skipping
//! them is the caller's loop, because only the caller knows whether it is waiting for `100 Continue`.

use std::mem::MaybeUninit;
use std::ops::Range;

use crate::error::{Error, ErrorKind, Result};
use crate::http1::headers::Headers;
use crate::printable::needs_escape;

/// Bounds on a response head, so that a hostile server cannot make us buffer without end.
///
/// ```
/// use plainwire::http1::head::{parse_response_head, HeadLimits};
///
/// let limits = HeadLimits { max_head_size: 64, ..HeadLimits::default() };
/// let head = format!("HTTP/1.1 200 OK\r\nX-Padding: {}\r\n\r\n", "a".repeat(100));
/// let err = parse_response_head(head.as_bytes(), &limits).unwrap_err();
/// assert_eq!(err.kind(), plainwire::ErrorKind::Protocol);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HeadLimits {
    /// The most bytes a head may take, status line and blank line included.
    pub max_head_size: usize,
    /// The most header fields a head may carry.
    pub max_headers: usize,
}

impl HeadLimits {
    /// 64 KiB: far above any real server's head (nginx's default limit on request heads is 8 KiB
    /// a line), far below anything that would strain memory.
    pub const DEFAULT_MAX_HEAD_SIZE: usize = 64 * 1024;
    /// 1024 fields. Real responses carry ten to thirty fields, and some (CDNs, many
    /// `Set-Cookie` or `Link` fields) several hundred: 500 fields of 14 bytes are 7 KB, far
    /// inside [`HeadLimits::DEFAULT_MAX_HEAD_SIZE`], and must not fail. It is the head-size
    /// limit that bounds memory; this count only bounds what each field costs beside its
    /// bytes: a 32-byte httparse slot while parsing (on the stack up to 128 fields, on the heap
    /// beyond, as many as the head received has lines) and a 32-byte index kept in
    /// [`Headers`] with the response. So at most 64 KiB beside a head of at most 64 KiB, where
    /// no count limit at all would let a 64 KiB head of 3-byte fields (`a:` and LF) cost
    /// 21,845 of each, 1.4 MiB. Measured (release build): a head of 20 fields parses in about
    /// 0.6 µs, one of 500 in about 11 µs, some 23 ns a field either way. For comparison, curl
    /// stops at 5000 fields and 300 KiB, hyper at 100 fields.
    pub const DEFAULT_MAX_HEADERS: usize = 1024;
}

impl Default for HeadLimits {
    fn default() -> HeadLimits {
        HeadLimits {
            max_head_size: HeadLimits::DEFAULT_MAX_HEAD_SIZE,
            max_headers: HeadLimits::DEFAULT_MAX_HEADERS,
        }
    }
}

/// The HTTP version of a response, or of a request's line
/// ([`RequestBuilder::http_version`](crate::RequestBuilder::http_version)).
///
/// ```
/// use plainwire::Version;
/// assert_eq!(Version::Http11.as_str(), "HTTP/1.1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Version {
    /// HTTP/1.0: no keep-alive unless the server asks for it.
    Http10,
    /// HTTP/1.1.
    Http11,
}

impl Version {
    /// "HTTP/1.0" or "HTTP/1.1".
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// A parsed response head: what [`parse_response_head`] returns.
///
/// ```
/// use plainwire::http1::head::{parse_response_head, HeadLimits, Version};
///
/// let bytes = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 120\r\n\r\n";
/// let (head, _) = parse_response_head(bytes, &HeadLimits::default())?.unwrap();
/// assert_eq!((head.version, head.status), (Version::Http10, 503));
/// assert_eq!(head.reason(), "Service Unavailable");
/// assert_eq!(head.headers.get("retry-after"), Some("120"));
/// assert!(!head.is_informational());
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResponseHead {
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// The three-digit status code.
    pub status: u16,
    /// Where the reason phrase's bytes are in the head.
    reason: Range<usize>,
    /// The reason phrase as text when its bytes are not already plain text: see
    /// [`ResponseHead::reason`].
    reason_text: Option<Box<str>>,
    /// The header fields, backed by the head's bytes.
    pub headers: Headers,
}

impl ResponseHead {
    /// The reason phrase as text, possibly empty: its bytes read as UTF-8 when they are, as
    /// ISO-8859-1 otherwise (the charset HTTP/1.1 once gave such bytes, RFC 2616 section 2.2),
    /// with control characters (C1, which a terminal may obey) and bidirectional formatting
    /// characters ([`needs_escape`]) replaced by U+FFFD. A client
    /// should not act on it (RFC 9112 section 4); it is for people.
    pub fn reason(&self) -> &str {
        match &self.reason_text {
            Some(text) => text,
            // Checked when parsed: plain UTF-8 text, or `reason_text` is set.
            None => std::str::from_utf8(self.reason_bytes()).unwrap_or(""),
        }
    }

    /// The reason phrase's bytes as received (RFC 9112 section 4: `*( HTAB / SP / VCHAR /
    /// obs-text )`), possibly empty.
    pub fn reason_bytes(&self) -> &[u8] {
        &self.headers.raw()[self.reason.clone()]
    }

    /// Whether this is an informational (1xx) head that precedes the final one.
    pub fn is_informational(&self) -> bool {
        (100..200).contains(&self.status)
    }
}

/// Header slots kept on the stack (4 KiB, never initialised); a head with more fields uses
/// the heap.
const STACK_HEADER_SLOTS: usize = 128;

/// Parses a response head from the start of `buf`.
///
/// Returns `Ok(None)` while the head is incomplete and still within `limits.max_head_size`,
/// and `Ok(Some((head, used)))` once complete, where `used` is the number of bytes the head took;
/// what follows belongs to the body.
///
/// Leniencies, each one RFC 9112 allows a user agent: a bare LF ends a line (section 2.2);
/// obsolete line folding is replaced by spaces (section 5.2). Whitespace between a field name
/// and its colon is not one of them: section 5.1 allows none, because readers that disagreed
/// about it (`Content-Length : 5` ignored by one, obeyed by another) have let attackers smuggle
/// messages past proxies; a server must reject such a request, and hyper rejects such a
/// response, as plainwire does.
///
/// # Errors
///
/// [`ErrorKind::Protocol`] when the bytes are not an HTTP/1.x response head, when the head is
/// larger than `limits.max_head_size` or has more than `limits.max_headers` fields, and when
/// the status code is below 100.
///
/// ```
/// use plainwire::http1::head::{parse_response_head, HeadLimits};
///
/// let limits = HeadLimits::default();
/// // Not all there yet: that is an answer too, not an error.
/// assert!(parse_response_head(b"HTTP/1.1 200 OK\r\nContent-Le", &limits)?.is_none());
///
/// let bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
/// let (head, used) = parse_response_head(bytes, &limits)?.unwrap();
/// assert_eq!(head.status, 200);
/// assert_eq!(&bytes[used..], b"hello"); // what follows the head is the body's
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn parse_response_head(
    buf: &[u8],
    limits: &HeadLimits,
) -> Result<Option<(ResponseHead, usize)>> {
    parse_response_head_after(buf, limits, 0)
}

/// [`parse_response_head`] of a head that `before` bytes of it (empty lines before the status
/// line, taken off already) count against the size limit: `buf` holds the rest.
pub(crate) fn parse_response_head_after(
    buf: &[u8],
    limits: &HeadLimits,
    before: usize,
) -> Result<Option<(ResponseHead, usize)>> {
    let room = limits.max_head_size.saturating_sub(before);
    let window = &buf[..buf.len().min(room)];

    // An ordinary head parses into slots on the stack, which httparse fills without their
    // being initialised first. Only a head with more fields than they hold is parsed again,
    // into slots on the heap: as many as it has lines (every field ends in an LF), so that it
    // allocates for the fields it has, not for the limit. httparse uses a slot only for a
    // field it has read to its end, so the number of slots changes nothing but where it
    // stops with `TooManyHeaders`; the second parse gives what one with enough slots would.
    //
    // The first parse is strict: httparse then refuses a CR or LF anywhere in a field value,
    // so a head it accepts holds no obsolete line folding, and nothing in it needs replacing.
    // Only a head it refuses is parsed again with folding allowed, and its folds replaced
    // below; a head that is invalid either way gets the lenient parse's error.
    let mut stack_slots = [const { MaybeUninit::uninit() }; STACK_HEADER_SLOTS];
    let mut heap_slots = Vec::new();
    let strict = parse_with_room(
        window,
        &mut stack_slots,
        &mut heap_slots,
        limits.max_headers,
        false,
    );
    let folds_possible = matches!(strict.0, Err(err) if err != httparse::Error::TooManyHeaders);
    let (status, response) = if folds_possible {
        parse_with_room(
            window,
            &mut stack_slots,
            &mut heap_slots,
            limits.max_headers,
            true,
        )
    } else {
        strict
    };

    let used = match status {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) if buf.len() >= room => {
            return Err(head_too_large(limits.max_head_size));
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "the response has more than the limit of {} header fields",
                    limits.max_headers
                ),
            ));
        }
        Err(err) => {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!("the reply is not a valid HTTP/1.x response head ({err})"),
            ));
        }
    };

    let version = match response.version {
        Some(0) => Version::Http10,
        _ => Version::Http11,
    };
    let status = response.code.unwrap_or(0);
    if status < 100 {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!("the response status {status:03} is not a valid status code"),
        ));
    }

    // Offsets into `buf` of each slice httparse handed back, so the copy can be indexed.
    // An empty part may point anywhere (httparse may hand back a static "").
    let span = |part: &[u8]| {
        let start = (part.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize);
        if part.is_empty() || start.checked_add(part.len()).is_none_or(|end| end > used) {
            0..0
        } else {
            start..start + part.len()
        }
    };
    let reason = reason_span(&buf[..used]);
    let mut raw = buf[..used].to_vec();
    if folds_possible {
        replace_folds(&mut raw, response.headers, span);
    }
    let fields = response
        .headers
        .iter()
        .map(|h| (span(h.name.as_bytes()), span(h.value)));

    let reason_text = reason_as_text(&raw[reason.clone()]);
    let head = ResponseHead {
        version,
        status,
        reason,
        reason_text,
        headers: Headers::from_raw(raw, fields),
    };
    Ok(Some((head, used)))
}

/// The error for a response head that reaches `max_head_size` bytes without its end.
pub(crate) fn head_too_large(max_head_size: usize) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("the response head is larger than the limit of {max_head_size} bytes"),
    )
}

/// Replaces each obsolete line fold in the values of `headers` with spaces, in `raw`, the copy
/// of the head their bytes were parsed from (`span` says where a value lies in it). RFC 9112
/// section 5.2 asks a user agent to replace each obs-fold with one or more spaces before reading
/// the value. httparse lets a CR into a value only just before an LF, and an LF only as part of
/// a fold, so a value without an LF has nothing to replace.
fn replace_folds(
    raw: &mut [u8],
    headers: &[httparse::Header<'_>],
    span: impl Fn(&[u8]) -> Range<usize>,
) {
    for header in headers.iter().filter(|h| h.value.contains(&b'\n')) {
        for byte in &mut raw[span(header.value)] {
            if *byte == b'\r' || *byte == b'\n' {
                *byte = b' ';
            }
        }
    }
}

/// httparse over `window` with room for up to `max_headers` fields: in `stack` first, then, if
/// they do not fit, in `heap` slots for as many fields as the head has lines. With `folding`,
/// obsolete line folding is accepted (and left in the values for the caller to replace).
fn parse_with_room<'h, 'b>(
    window: &'b [u8],
    stack: &'h mut [MaybeUninit<httparse::Header<'b>>; STACK_HEADER_SLOTS],
    heap: &'h mut Vec<MaybeUninit<httparse::Header<'b>>>,
    max_headers: usize,
    folding: bool,
) -> (httparse::Result<usize>, httparse::Response<'h, 'b>) {
    let on_stack = max_headers.min(STACK_HEADER_SLOTS);
    let (status, response) = parse_into(window, &mut stack[..on_stack], folding);
    match status {
        Err(httparse::Error::TooManyHeaders) if max_headers > STACK_HEADER_SLOTS => {
            // One pass over at most `max_head_size` bytes: not worth the bytecount crate.
            #[allow(clippy::naive_bytecount)]
            let lines = window.iter().filter(|&&b| b == b'\n').count();
            *heap = vec![MaybeUninit::uninit(); max_headers.min(lines)];
            parse_into(window, heap, folding)
        }
        _ => (status, response),
    }
}

/// One httparse run over `window` into `slots`, lenient as [`parse_response_head`] says; with
/// `folding`, obsolete line folding is accepted too.
fn parse_into<'h, 'b>(
    window: &'b [u8],
    slots: &'h mut [MaybeUninit<httparse::Header<'b>>],
    folding: bool,
) -> (httparse::Result<usize>, httparse::Response<'h, 'b>) {
    let mut response = httparse::Response::new(&mut []);
    let status = httparse::ParserConfig::default()
        .allow_obsolete_multiline_headers_in_responses(folding)
        .parse_response_with_uninit_headers(&mut response, window, slots);
    (status, response)
}

/// Where the reason phrase is in a head whose status line httparse accepted: after
/// `HTTP/1.x SSS` and one space (RFC 9112 section 4), to the end of the line. httparse gives no
/// reason at all when it holds obs-text, so it is found here. The status line starts after
/// any empty lines, which httparse skips.
fn reason_span(head: &[u8]) -> Range<usize> {
    // "HTTP/1.1 200": the version, a space and the three digits that httparse checked.
    const BEFORE_REASON: usize = 12;
    let start = head
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(head.len());
    let line_end = head[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(head.len(), |end| start + end);
    let line = &head[start..line_end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > BEFORE_REASON && line[BEFORE_REASON] == b' ' {
        start + BEFORE_REASON + 1..start + line.len()
    } else {
        0..0
    }
}

/// The text of a reason phrase that is not plain UTF-8 text: UTF-8 or else ISO-8859-1, its
/// control characters replaced; `None` when the bytes can serve as they are.
fn reason_as_text(bytes: &[u8]) -> Option<Box<str>> {
    let plain = |c: char| !needs_escape(c) || c == '\t';
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.chars().all(plain) {
            return None;
        }
    }
    let decoded: String = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    Some(
        decoded
            .chars()
            .map(|c| {
                if plain(c) {
                    c
                } else {
                    char::REPLACEMENT_CHARACTER
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Option<(ResponseHead, usize)>> {
        parse_response_head(bytes, &HeadLimits::default())
    }

    fn complete(bytes: &[u8]) -> (ResponseHead, usize) {
        parse(bytes).expect("valid").expect("complete")
    }

    #[test]
    fn a_simple_head_and_where_the_body_starts() {
        let (head, used) = complete(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        assert_eq!(head.status, 200);
        assert_eq!(head.reason(), "OK");
        assert_eq!(head.version, Version::Http11);
        assert_eq!(head.headers.get("content-length"), Some("5"));
        assert_eq!(used, 38);
    }

    #[test]
    fn an_incomplete_head_asks_for_more() {
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap().is_none());
    }

    #[test]
    fn http_1_0_is_recognised() {
        assert_eq!(
            complete(b"HTTP/1.0 200 OK\r\n\r\n").0.version,
            Version::Http10
        );
    }

    #[test]
    fn a_utf8_reason_phrase_is_kept() {
        let (head, _) = complete("HTTP/1.1 200 Grüße dich\r\n\r\n".as_bytes());
        assert_eq!(head.reason(), "Grüße dich");
        assert_eq!(head.reason_bytes(), "Grüße dich".as_bytes());
    }

    #[test]
    fn a_latin1_reason_phrase_is_read_as_latin1_and_its_bytes_kept() {
        let (head, _) = complete(b"HTTP/1.1 404 Nicht gef\xfcnden\r\n\r\n");
        assert_eq!(head.reason(), "Nicht gefünden");
        assert_eq!(head.reason_bytes(), b"Nicht gef\xfcnden");
    }

    #[test]
    fn control_characters_in_a_reason_phrase_are_replaced_in_its_text() {
        // U+009B is CSI, which some terminals obey; as UTF-8 and as Latin-1.
        let (head, _) = complete(b"HTTP/1.1 200 a\xc2\x9bb\tc\r\n\r\n");
        assert_eq!(head.reason(), "a\u{fffd}b\tc");
        let (head, _) = complete(b"HTTP/1.1 200 a\x9bb\r\n\r\n");
        assert_eq!(head.reason(), "a\u{fffd}b");
        assert_eq!(head.reason_bytes(), b"a\x9bb");
        // U+202E, right-to-left override, shows what follows it reversed.
        let (head, _) = complete("HTTP/1.1 404 Not \u{202e}Found\r\n\r\n".as_bytes());
        assert_eq!(head.reason(), "Not \u{fffd}Found");
    }

    #[test]
    fn a_reason_phrase_is_found_after_empty_lines() {
        // httparse skips empty lines before the status line; so does the reason's span.
        let (head, _) = complete(b"\r\n\nHTTP/1.1 404 Not Found\r\n\r\n");
        assert_eq!(head.status, 404);
        assert_eq!(head.reason(), "Not Found");
    }

    #[test]
    fn a_reason_phrase_ends_at_a_bare_lf_too() {
        let (head, _) = complete(b"HTTP/1.1 200 OK\nA: b\n\n");
        assert_eq!(head.reason(), "OK");
    }

    #[test]
    fn an_empty_reason_phrase_is_accepted_with_or_without_its_space() {
        assert_eq!(complete(b"HTTP/1.1 204 \r\n\r\n").0.reason(), "");
        assert_eq!(complete(b"HTTP/1.1 204\r\n\r\n").0.reason_bytes(), b"");
        assert_eq!(complete(b"HTTP/1.1 204\r\n\r\n").0.status, 204);
    }

    #[test]
    fn obs_fold_becomes_spaces() {
        let (head, _) = complete(b"HTTP/1.1 200 OK\r\nX-Long: one\r\n two\r\n\r\n");
        assert_eq!(head.headers.get("x-long"), Some("one   two"));
    }

    #[test]
    fn a_cr_in_a_value_is_refused_unless_it_ends_a_line() {
        // So that only a value with an LF (a fold) can hold a CR: the fold scan relies on it.
        for head in [
            &b"HTTP/1.1 200 OK\r\nX-A: one\rtwo\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nX-A: one\r\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nX-A: one\r\n\rtwo\r\n\r\n",
        ] {
            assert_eq!(parse(head).unwrap_err().kind(), ErrorKind::Protocol);
        }
        let (head, _) = complete(b"HTTP/1.1 200 OK\r\nX-A: one\n\ttwo\r\n \r\n\r\n");
        assert_eq!(head.headers.get("x-a"), Some("one \ttwo"));
    }

    #[test]
    fn whitespace_before_the_colon_is_refused() {
        // RFC 9112 section 5.1: "No whitespace is allowed between the field name and colon."
        for head in [
            &b"HTTP/1.1 200 OK\r\nServer : x\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nContent-Length\t: 5\r\n\r\n",
        ] {
            assert_eq!(parse(head).unwrap_err().kind(), ErrorKind::Protocol);
        }
    }

    #[test]
    fn garbage_is_a_protocol_error() {
        let err = parse(b"SSH-2.0-OpenSSH_9.2\r\n\r\n").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol);
    }

    #[test]
    fn a_two_digit_status_is_a_protocol_error() {
        assert_eq!(
            parse(b"HTTP/1.1 20 OK\r\n\r\n").unwrap_err().kind(),
            ErrorKind::Protocol
        );
    }

    #[test]
    fn a_head_over_the_size_limit_is_refused() {
        let limits = HeadLimits {
            max_head_size: 32,
            max_headers: 10,
        };
        let head = b"HTTP/1.1 200 OK\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        let err = parse_response_head(head, &limits).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol);
        assert!(err.to_string().contains("32 bytes"), "{err}");
    }

    #[test]
    fn too_many_fields_are_refused() {
        let limits = HeadLimits {
            max_head_size: 1024,
            max_headers: 2,
        };
        let head = b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        let err = parse_response_head(head, &limits).unwrap_err();
        assert!(
            err.to_string().contains("limit of 2 header fields"),
            "{err}"
        );
    }

    #[test]
    fn five_hundred_small_fields_are_an_ordinary_head() {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..500 {
            head.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        assert!(head.len() < 8 * 1024);
        let (parsed, used) = complete(&head);
        assert_eq!(used, head.len());
        assert_eq!(parsed.headers.len(), 500);
        assert_eq!(parsed.headers.get("x-499"), Some("499"));
    }

    #[test]
    fn the_default_count_limit_still_holds() {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        for _ in 0..=HeadLimits::DEFAULT_MAX_HEADERS {
            head.extend_from_slice(b"a:\n");
        }
        head.extend_from_slice(b"\r\n");
        let err = parse(&head).unwrap_err();
        assert!(
            err.to_string().contains("limit of 1024 header fields"),
            "{err}"
        );
    }

    #[test]
    fn a_partial_head_with_more_lines_than_slots_on_the_stack() {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..300 {
            head.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
        }
        assert!(parse(&head).unwrap().is_none());
        head.extend_from_slice(b"\r\n");
        assert_eq!(complete(&head).0.headers.len(), 300);
    }

    #[test]
    fn more_fields_than_the_stack_holds_use_the_heap() {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..200 {
            head.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        let limits = HeadLimits {
            max_head_size: 64 * 1024,
            max_headers: 300,
        };
        let (parsed, _) = parse_response_head(&head, &limits).unwrap().unwrap();
        assert_eq!(parsed.headers.len(), 200);
        assert_eq!(parsed.headers.get("x-199"), Some("199"));
    }

    #[test]
    fn a_fold_is_replaced_wherever_it_is_and_however_many_fields_there_are() {
        // The strict first parse refuses each of these at the fold; the second one must find
        // it, on the stack or on the heap, before or after the stack's last slot.
        let limits = HeadLimits {
            max_head_size: 64 * 1024,
            max_headers: 300,
        };
        for (fields, folded) in [(3, 0), (3, 2), (200, 5), (200, 150), (200, 199)] {
            let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
            for i in 0..fields {
                if i == folded {
                    head.extend_from_slice(format!("X-{i}: a\r\n\tb\n c\r\n").as_bytes());
                } else {
                    head.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
                }
            }
            head.extend_from_slice(b"\r\n");
            let (parsed, used) = parse_response_head(&head, &limits).unwrap().unwrap();
            assert_eq!(used, head.len());
            assert_eq!(parsed.headers.len(), fields, "{fields} fields");
            let name = format!("x-{folded}");
            assert_eq!(
                parsed.headers.get(&name),
                Some("a  \tb  c"),
                "{fields} fields"
            );
            let last = format!("x-{}", fields - 1);
            assert!(parsed.headers.get(&last).is_some());
        }
    }

    #[test]
    fn a_head_without_folds_is_kept_byte_for_byte() {
        // Values with every byte a strict parse allows, CR and LF excepted, are not touched.
        let head = b"HTTP/1.1 200 OK\r\nX-A: a\tb \x80\xff~\r\nX-B:\r\n\r\n";
        let (parsed, _) = complete(head);
        assert_eq!(parsed.headers.raw(), &head[..]);
        assert_eq!(
            parsed.headers.get_bytes("x-a"),
            Some(&b"a\tb \x80\xff~"[..])
        );
    }

    #[test]
    fn a_head_invalid_either_way_gets_the_same_error_as_before() {
        let err = parse(b"HTTP/1.1 200 OK\r\n: no name\r\n\r\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("not a valid HTTP/1.x response head (invalid header name)"),
            "{err}"
        );
        let err = parse(b"HTTP/1.1 200 OK\r\nX-A: 1\r\n two\r\nX B: 2\r\n\r\n").unwrap_err();
        assert!(err.to_string().contains("invalid header name"), "{err}");
    }
}
