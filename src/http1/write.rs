//! Writing a request head, and the chunked framing of a streamed request body, into a buffer.
//!
//! Everything that goes on the wire passes through here, so this is where it is checked:
//! a method must be a token, a header name must be a token, and no CR, LF, NUL or other control
//! byte may appear in a method, target, name or value (a value may hold tabs). A bad request is
//! an error before any byte is written.
//! Whitespace around a value is trimmed: it is never part of the value (RFC 9110 section 5.5).

use std::io::Write;

use crate::error::{Error, ErrorKind, Result};
use crate::http1::head::Version;

/// Whether `byte` may appear in a token (RFC 9110 section 5.6.2): ``!#$%&'*+-.^_`|~``, digits, letters.
///
/// ```
/// use plainwire::http1::write::is_token_byte;
/// assert!(is_token_byte(b'~') && !is_token_byte(b':') && !is_token_byte(b' '));
/// ```
pub fn is_token_byte(byte: u8) -> bool {
    TOKEN_BYTES[usize::from(byte)]
}

/// [`is_token_byte`] for every byte, worked out once: a header name is checked for every field
/// of every request.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        // `byte` is below 256, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        byte += 1;
    }
    table
};

/// Whether `s` is a non-empty token: the syntax of methods and header names.
///
/// ```
/// use plainwire::http1::write::is_token;
/// assert!(is_token("X-Request-Id"));
/// assert!(!is_token("X Request") && !is_token(""));
/// ```
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// Why `name` is not a valid `what` (a header name, a cookie name): its first byte that
/// `allowed` refuses, and the name only up to there, since what follows may be a secret
/// (`Authorization: Bearer …` pasted as a header's name, `sid=…` as a cookie's). The one
/// wording of that rule, for the library's errors and a command line's alike.
///
/// ```
/// use plainwire::http1::write::{is_token_byte, not_a_name};
/// assert_eq!(
///     not_a_name("header name", "Authorization: Bearer s3cret", is_token_byte),
///     "not a valid header name: ':' after \"Authorization\" (the rest is not shown)"
/// );
/// ```
pub fn not_a_name(what: &str, name: &str, allowed: impl Fn(u8) -> bool) -> String {
    let first_refused = name.bytes().position(|b| !allowed(b)).map(|mut at| {
        // The start of the character that holds the refused byte.
        while !name.is_char_boundary(at) {
            at -= 1;
        }
        at
    });
    match first_refused {
        None => format!("a {what} cannot be empty"),
        Some(0) => format!(
            "not a valid {what}: it starts with {:?} (the rest is not shown)",
            name.chars().next().unwrap_or_default()
        ),
        Some(at) => format!(
            "not a valid {what}: {:?} after {:?} (the rest is not shown)",
            name[at..].chars().next().unwrap_or_default(),
            &name[..at]
        ),
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidRequest, message)
}

/// Whether `s` may be sent as a header field's value: no control character but horizontal tab
/// (RFC 9110 section 5.5), so no CR, LF or NUL that could end the line or the head early.
/// [`check_header`] applies this rule; it is public so that a caller that takes values before
/// it has a request (a command line) can refuse the same values with its own message.
///
/// ```
/// use plainwire::http1::write::is_field_value;
/// assert!(is_field_value("text/html,\tapplication/json") && is_field_value(""));
/// assert!(!is_field_value("a\r\nSet-Cookie: evil=1") && !is_field_value("a\u{1}b"));
/// ```
pub fn is_field_value(s: &str) -> bool {
    first_control_byte(s).is_none()
}

/// Whether `s` may be sent as a request target: not empty, and no space or control byte, which
/// would end the request line's target early or break the line, and nothing but ASCII (RFC
/// 9112 section 3.2: a target is a URI, so any other character is percent-encoded).
///
/// ```
/// use plainwire::http1::write::is_request_target;
/// assert!(is_request_target("/search?q=a%20b") && is_request_target("*"));
/// assert!(!is_request_target("/a b") && !is_request_target("/\r\nX: 1") && !is_request_target(""));
/// assert!(!is_request_target("/caf\u{e9}"));
/// ```
pub fn is_request_target(s: &str) -> bool {
    !s.is_empty() && !s.bytes().any(|b| b <= b' ' || b >= 0x7f)
}

/// The first byte of `value` that [`is_field_value`] refuses.
fn first_control_byte(value: &str) -> Option<u8> {
    value
        .bytes()
        .find(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
}

/// Checks a method: a token, such as `GET` or `PROPFIND`.
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] when `method` is not a token.
///
/// ```
/// use plainwire::http1::write::check_method;
/// assert!(check_method("PROPFIND").is_ok());
/// assert!(check_method("GET /admin").is_err());
/// ```
pub fn check_method(method: &str) -> Result<()> {
    if is_token(method) {
        Ok(())
    } else {
        Err(invalid(format!("{method:?} is not a valid HTTP method")))
    }
}

/// Checks a header field: the name a token ([`is_token`]); the value free of CR, LF, NUL and
/// other control characters but horizontal tab ([`is_field_value`]).
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] when the name is not a token, or the value holds a control
/// character other than horizontal tab.
///
/// ```
/// use plainwire::http1::write::check_header;
/// assert!(check_header("Accept", "text/html,\tapplication/json").is_ok());
/// let err = check_header("X-Name", "a\r\nSet-Cookie: evil=1").unwrap_err();
/// assert_eq!(err.kind(), plainwire::ErrorKind::InvalidRequest);
/// ```
pub fn check_header(name: &str, value: &str) -> Result<()> {
    if !is_token(name) {
        return Err(invalid(not_a_name("header name", name, is_token_byte)));
    }
    if let Some(bad) = first_control_byte(value) {
        let what = match bad {
            b'\r' => "a CR".to_string(),
            b'\n' => "an LF".to_string(),
            0 => "a NUL".to_string(),
            other => format!("the control character 0x{other:02x}"),
        };
        return Err(invalid(format!(
            "the value of header {name:?} contains {what}"
        )));
    }
    Ok(())
}

/// Writes `METHOD target HTTP/1.1`, each header line, and the blank line, after checking every
/// part. `target` is the request target as the URL parser produced it (origin-form, absolute-form
/// for a proxy, or authority-form for CONNECT); it is checked for whitespace and control bytes.
///
/// Spaces and tabs at either end of a header value are left out. RFC 9110 section 5.5: "a field
/// value does not include leading or trailing whitespace", and a recipient must strip it
/// before reading the value; sent as given, `X-Token: abc ` reaches one server as `abc` and
/// another, or a signature check, as `abc `. Trimming, not refusing, because the value means
/// the same either way (as curl, which skips the blanks after the colon of a `-H` header).
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] when the method, the target or a header fails its check;
/// nothing is left in `out` then.
///
/// ```
/// # use plainwire::http1::write::write_request_head;
/// let mut out = Vec::new();
/// write_request_head(&mut out, "GET", "/", [("Host", "example.com")]).unwrap();
/// assert_eq!(out, b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
/// ```
pub fn write_request_head<'a>(
    out: &mut Vec<u8>,
    method: &str,
    target: &str,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<()> {
    write_request_head_as(out, method, target, Version::Http11, headers)
}

/// [`write_request_head`] with the request line naming `version`: `HTTP/1.0` for a server
/// that needs it (curl's `--http1.0`).
///
/// # Errors
///
/// As [`write_request_head`].
///
/// ```
/// # use plainwire::http1::write::write_request_head_as;
/// # use plainwire::Version;
/// let mut out = Vec::new();
/// write_request_head_as(&mut out, "GET", "/", Version::Http10, [("Host", "h")]).unwrap();
/// assert_eq!(out, b"GET / HTTP/1.0\r\nHost: h\r\n\r\n");
/// ```
pub fn write_request_head_as<'a>(
    out: &mut Vec<u8>,
    method: &str,
    target: &str,
    version: Version,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<()> {
    let start = out.len();
    write_request_line(out, method, target, version)?;
    for (name, value) in headers {
        if let Err(err) = write_field(out, name, value, true) {
            out.truncate(start);
            return Err(err);
        }
    }
    out.extend_from_slice(b"\r\n");
    Ok(())
}

/// The request line of [`write_request_head_as`], after checking the method and the target;
/// nothing is written when either is wrong.
pub(crate) fn write_request_line(
    out: &mut Vec<u8>,
    method: &str,
    target: &str,
    version: Version,
) -> Result<()> {
    check_method(method)?;
    if !is_request_target(target) {
        return Err(invalid(format!("{target:?} is not a valid request target")));
    }
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.push(b' ');
    out.extend_from_slice(version.as_str().as_bytes());
    out.extend_from_slice(b"\r\n");
    Ok(())
}

/// One header line of [`write_request_head_as`], its value trimmed. With `check`, the field
/// is checked first ([`check_header`]) and nothing is written when it fails; without, the
/// caller vouches for it (a constant, or a value built only of valid bytes).
pub(crate) fn write_field(out: &mut Vec<u8>, name: &str, value: &str, check: bool) -> Result<()> {
    if check {
        check_header(name, value)?;
    }
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = value.as_bytes();
    let value = if bytes.first().is_some_and(blank) || bytes.last().is_some_and(blank) {
        value.trim_matches([' ', '\t'])
    } else {
        value
    };
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
    Ok(())
}

/// `n` in decimal, written into `digits`, without going through `fmt` (this runs for
/// every request: a Content-Length, a URL's port).
pub(crate) fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &str {
    let mut start = digits.len();
    loop {
        start -= 1;
        // A remainder below 10.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (n % 10) as u8;
        digits[start] = b'0' + digit;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&digits[start..]).expect("ASCII digits")
}

/// The framing before `len` bytes of chunk data: the size in hex and CRLF.
///
/// ```
/// use plainwire::http1::write::{write_chunk_header, CHUNK_END, LAST_CHUNK};
///
/// let mut out = Vec::new();
/// write_chunk_header(&mut out, 26);
/// out.extend_from_slice(b"abcdefghijklmnopqrstuvwxyz");
/// out.extend_from_slice(CHUNK_END);
/// out.extend_from_slice(LAST_CHUNK);
/// assert_eq!(out, b"1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n");
/// ```
pub fn write_chunk_header(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(chunk_header(len, &mut [0; CHUNK_HEADER_MAX]));
}

/// Room for the longest chunk-size line: a usize in hex (16 digits) and CRLF.
pub(crate) const CHUNK_HEADER_MAX: usize = 18;

/// The framing before `len` bytes of chunk data, written into `line` on the caller's stack:
/// what [`write_chunk_header`] appends to a `Vec`.
pub(crate) fn chunk_header(len: usize, line: &mut [u8; CHUNK_HEADER_MAX]) -> &[u8] {
    let written = {
        let mut rest = &mut line[..];
        write!(rest, "{len:x}\r\n").expect("a usize in hex and CRLF fit in 18 bytes");
        CHUNK_HEADER_MAX - rest.len()
    };
    &line[..written]
}

/// The CRLF that follows chunk data.
pub const CHUNK_END: &[u8] = b"\r\n";

/// The last chunk and an empty trailer section: the end of a chunked body.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_header_name_is_quoted_only_up_to_its_first_bad_byte() {
        // A curl -H line pasted as a name: its value, a secret, stays out of the message.
        let err = check_header("Authorization: Bearer s3cret", "").unwrap_err();
        assert_eq!(
            err.message(),
            "not a valid header name: ':' after \"Authorization\" (the rest is not shown)"
        );
        let err = check_header(" X", "").unwrap_err();
        assert!(err.message().contains("starts with ' '"), "{err}");
        let err = check_header("Xé", "").unwrap_err();
        assert!(err.message().contains("'é' after \"X\""), "{err}");
        assert!(check_header("", "")
            .unwrap_err()
            .message()
            .contains("cannot be empty"));
    }

    #[test]
    fn a_head_with_headers_in_the_order_given() {
        let mut out = Vec::new();
        write_request_head(
            &mut out,
            "POST",
            "/a?b=c",
            [("Host", "h:8080"), ("X-A", "1"), ("x-a", "2")],
        )
        .unwrap();
        assert_eq!(
            out,
            b"POST /a?b=c HTTP/1.1\r\nHost: h:8080\r\nX-A: 1\r\nx-a: 2\r\n\r\n"
        );
    }

    #[test]
    fn cr_lf_and_nul_in_a_value_are_refused_and_nothing_is_written() {
        for value in ["a\r\nInjected: yes", "a\nb", "a\rb", "a\0b"] {
            let mut out = Vec::new();
            let err = write_request_head(&mut out, "GET", "/", [("X", value)]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
            assert!(out.is_empty());
        }
    }

    #[test]
    fn a_tab_in_a_value_is_allowed() {
        check_header("X", "a\tb").unwrap();
    }

    #[test]
    fn whitespace_around_a_value_is_left_out_and_inside_it_kept() {
        let mut out = Vec::new();
        write_request_head(
            &mut out,
            "GET",
            "/",
            [
                ("A", "  one  "),
                ("B", "\ttwo\t words \t"),
                ("C", " \t "),
                ("D", ""),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            b"GET / HTTP/1.1\r\nA: one\r\nB: two\t words\r\nC: \r\nD: \r\n\r\n"
        );
    }

    #[test]
    fn header_names_must_be_tokens() {
        for name in ["", "Bad Name", "Bad:Name", "X\r\n", "Ünicode"] {
            assert_eq!(
                check_header(name, "v").unwrap_err().kind(),
                ErrorKind::InvalidRequest,
                "{name:?}"
            );
        }
    }

    #[test]
    fn the_token_table_is_rfc_9110s_tchar() {
        let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        for byte in 0..=255u8 {
            assert_eq!(is_token_byte(byte), tchar(byte), "{byte:#04x}");
        }
    }

    #[test]
    fn methods_must_be_tokens() {
        check_method("PROPFIND").unwrap();
        for method in ["", "GET /", "GE\rT", "GET\n"] {
            assert_eq!(
                check_method(method).unwrap_err().kind(),
                ErrorKind::InvalidRequest,
                "{method:?}"
            );
        }
    }

    #[test]
    fn a_target_with_whitespace_is_refused() {
        let mut out = Vec::new();
        assert!(write_request_head(&mut out, "GET", "/a b", []).is_err());
        assert!(write_request_head(&mut out, "GET", "/a\r\nb", []).is_err());
    }

    #[test]
    fn chunk_headers_are_lowercase_hex() {
        let mut out = Vec::new();
        write_chunk_header(&mut out, 255);
        assert_eq!(out, b"ff\r\n");
    }

    #[test]
    fn decimal_writes_every_digit_and_no_more() {
        let mut digits = [0; 20];
        assert_eq!(decimal(0, &mut digits), "0");
        assert_eq!(decimal(10, &mut digits), "10");
        assert_eq!(decimal(65_535, &mut digits), "65535");
        assert_eq!(decimal(u64::MAX, &mut digits), "18446744073709551615");
    }

    #[test]
    fn a_chunk_header_is_the_size_in_hex_and_crlf() {
        let mut line = [0; CHUNK_HEADER_MAX];
        assert_eq!(chunk_header(0, &mut line), b"0\r\n");
        assert_eq!(chunk_header(0x1a, &mut line), b"1a\r\n");
        assert_eq!(chunk_header(0x10000, &mut line), b"10000\r\n");
        let longest = chunk_header(usize::MAX, &mut line).len();
        assert_eq!(longest, 2 * std::mem::size_of::<usize>() + 2);
    }
}
