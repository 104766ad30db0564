//! Request data as curl builds it from `-d`, `--data-ascii`, `--data-binary`, `--data-raw`,
//! `--data-urlencode` and `--url-query`: pieces joined with `&`, some URL-encoded. Pure: the
//! bytes of `@FILE` pieces come in through a reader function ([`crate::inputs`] reads them).
//!
//! The rules are curl's (docs/cmdline-opts/data*.md, url-query.md):
//!
//! * pieces are joined with `&`, in command-line order;
//! * `-d @FILE` (and `@-`) drops carriage returns, line feeds and NUL bytes from what it
//!   reads, so that a form kept in a file with a trailing newline sends no stray `\n`;
//!   `--data-binary @FILE` keeps every byte; `--data-raw` never reads a file;
//! * `--data-urlencode` encodes its content as curl does: ASCII letters, digits and `-._~`
//!   stay, a space becomes `+`, every other byte `%XX` (uppercase); the name part is sent
//!   as it is;
//! * `--json` is sent exactly as given or read.
//!
//! Bodies are read whole before the request is sent, so that they go out with a
//! Content-Length (and can be sent again after a 307 or 308 redirect).

use crate::failure::Failure;
use crate::values::{DataPiece, Source};

/// The Content-Type `-d` sends unless `-H` names one.
pub const FORM_TYPE: &str = "application/x-www-form-urlencoded";
/// The Content-Type and Accept `--json` sends unless `-H` names them.
pub const JSON_TYPE: &str = "application/json";

/// A request body ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Whether it came from `--json` (otherwise from `-d` and friends).
    pub json: bool,
}

/// The pieces joined with `&`, each read through `read` and encoded as its kind asks.
pub fn join(
    pieces: &[DataPiece],
    read: &mut dyn FnMut(&Source) -> Result<Vec<u8>, Failure>,
) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        match piece {
            DataPiece::Bytes {
                source,
                strip_line_breaks,
            } => {
                let mut bytes = read(source)?;
                if *strip_line_breaks {
                    bytes.retain(|&b| !matches!(b, b'\r' | b'\n' | b'\0'));
                }
                out.extend_from_slice(&bytes);
            }
            DataPiece::UrlEncoded { name, content } => {
                if let Some(name) = name {
                    out.extend_from_slice(name);
                    out.push(b'=');
                }
                url_encode(&read(content)?, &mut out);
            }
        }
    }
    Ok(out)
}

/// curl's `--data-urlencode` encoding of `bytes`, appended to `out`.
pub fn url_encode(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b' ' => out.push(b'+'),
            _ if is_unreserved(b) => out.push(b),
            _ => out.extend_from_slice(&percent(b)),
        }
    }
}

/// `text` percent-encoded for a URL path segment or userinfo: the unreserved characters
/// stay, every other byte (a space too) becomes `%XX` in uppercase hex.
pub fn path_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.extend(percent(b).map(char::from));
        }
    }
    out
}

/// RFC 3986 section 2.3: ASCII letters, digits and `-._~` never need encoding.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// `b` as `%XX`, uppercase as RFC 3986 section 2.1 recommends.
fn percent(b: u8) -> [u8; 3] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joins with files served from a fixed map.
    fn joined(pieces: &[DataPiece]) -> Vec<u8> {
        join(pieces, &mut |source| {
            Ok(match source {
                Source::Inline(bytes) => bytes.clone(),
                Source::File(_) => b"file con\ntent&=\r\n\0".to_vec(),
                Source::Stdin => b"from stdin\n".to_vec(),
            })
        })
        .unwrap()
    }

    #[test]
    fn pieces_are_joined_with_ampersands() {
        let pieces = [DataPiece::data("a=1"), DataPiece::raw("b=2")];
        assert_eq!(joined(&pieces), b"a=1&b=2");
        assert_eq!(joined(&[]), b"");
    }

    #[test]
    fn data_from_a_file_drops_line_breaks_and_nul() {
        assert_eq!(joined(&[DataPiece::data("@f")]), b"file content&=");
        assert_eq!(joined(&[DataPiece::data("@-")]), b"from stdin");
    }

    #[test]
    fn binary_data_keeps_every_byte() {
        assert_eq!(
            joined(&[DataPiece::binary("@f")]),
            b"file con\ntent&=\r\n\0"
        );
    }

    #[test]
    fn url_encoding_as_curl_does_it() {
        assert_eq!(
            joined(&[DataPiece::url_encoded("a=b c*~+é")]),
            b"a=b+c%2A~%2B%C3%A9"
        );
        assert_eq!(joined(&[DataPiece::url_encoded("=x y")]), b"x+y");
        assert_eq!(
            joined(&[DataPiece::url_encoded("plain text")]),
            b"plain+text"
        );
        assert_eq!(
            joined(&[DataPiece::url_encoded("@f")]),
            b"file+con%0Atent%26%3D%0D%0A%00"
        );
        assert_eq!(joined(&[DataPiece::url_encoded("n@-")]), b"n=from+stdin%0A");
    }

    #[test]
    fn path_encoding_keeps_only_unreserved_characters() {
        assert_eq!(path_encode("a-b.c_d~09AZ"), "a-b.c_d~09AZ");
        assert_eq!(path_encode("a b+c/d@é"), "a%20b%2Bc%2Fd%40%C3%A9");
        assert_eq!(path_encode("\0\x7f"), "%00%7F");
    }

    #[test]
    fn a_read_failure_stops_the_join() {
        let result = join(&[DataPiece::data("@f")], &mut |_| {
            Err(Failure::new(26, "gone"))
        });
        assert_eq!(result.unwrap_err().code, 26);
    }
}
