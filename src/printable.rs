//! Text from a peer made safe to show on a terminal: its control characters written as
//! escapes. It does not decode bytes, bound lengths or add quotes; its callers do that.

use std::borrow::Cow;

/// `text` with each control character written as an escape: `\n`, `\r` and `\t` by name, the
/// others as `\u{1b}`. Control characters are C0, DEL and C1; U+009B, say, is CSI, which some
/// terminals obey as the start of an escape sequence, encoded in UTF-8 or not. Everything else,
/// letters of any script included, stays as it is, and text without a control character is
/// not copied.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_letters_kept() {
        assert!(matches!(
            escape_controls("München"),
            Cow::Borrowed("München")
        ));
        assert_eq!(escape_controls("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("a\u{9b}31mb\u{7f}"), "a\\u{9b}31mb\\u{7f}");
        assert_eq!(escape_controls("a\r\n\tb\0"), "a\\r\\n\\tb\\u{0}");
    }
}
