//! The quoted-string of RFC 9110 section 5.6.4, read: `"` … `"` with `\` escaping the next
//! byte. Reading only; the fields that contain quoted-strings (Link, WWW-Authenticate) are
//! parsed where they are used.

/// Reads the quoted-string at the start of `input` (which starts with its opening `"`), undoing
/// its quoted-pairs: the text and what follows the closing quote, or `None` if it never closes.
/// Bytes that are not UTF-8 are replaced, as in a lossy view.
///
/// ```
/// use plainwire::http1::quoted_string::read;
/// assert_eq!(read(br#""a \"b\" c", rest"#), Some(("a \"b\" c".to_string(), &b", rest"[..])));
/// assert_eq!(read(br#""unclosed"#), None);
/// ```
pub fn read(input: &[u8]) -> Option<(String, &[u8])> {
    let mut out = Vec::new();
    let mut i = 1; // past the opening quote
    while let Some(&b) = input.get(i) {
        match b {
            b'\\' => {
                out.push(*input.get(i + 1)?);
                i += 2;
            }
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), &input[i + 1..])),
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_at_the_very_end_does_not_close_the_string() {
        assert_eq!(read(br#""abc\"#), None);
        assert_eq!(read(br#""abc\""#), None);
    }

    #[test]
    fn an_empty_string_and_escaped_backslashes() {
        assert_eq!(read(br#""""#), Some((String::new(), &b""[..])));
        assert_eq!(read(br#""a\\b""#), Some(("a\\b".to_string(), &b""[..])));
    }
}
