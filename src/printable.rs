//! Text from a peer made safe to show on a terminal: the characters a terminal may obey, or
//! that make text show other than it is, written as escapes. It does not decode bytes, bound
//! lengths or add quotes; its callers do that.
//!
//! plainwire shows a peer's text this way wherever it shows it: in a trace, in an error's
//! message, in a JSON error's excerpt. A tool that prints what a server sent (a header's
//! value, a file name it suggests) can do the same.

use std::borrow::Cow;

/// Whether `c` is one [`escape_for_terminal`] writes as an escape: a control character (C0, DEL
/// and C1), which a terminal may obey (U+009B, say, is CSI, the start of an escape sequence,
/// encoded in UTF-8 or not), or one of Unicode's bidirectional formatting characters (UAX #9,
/// table 1: the embeddings, overrides and isolates, their terminators, and the three implicit
/// marks), which make text show other than it is: `invoice\u{202e}fdp.exe` shows as
/// `invoiceexe.pdf` (Unicode Technical Report 36, section 2.1; CVE-2021-42574).
///
/// ```
/// use plainwire::printable::needs_escape;
///
/// assert!(needs_escape('\u{1b}'));
/// assert!(needs_escape('\u{202e}'));
/// assert!(!needs_escape('é'));
/// ```
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with each character that [`needs_escape`] written as an escape: `\n`, `\r` and `\t`
/// by name, the others as `\u{1b}`. Everything else, letters of any script included, stays as
/// it is, and text without such a character is not copied.
///
/// ```
/// use plainwire::printable::escape_for_terminal;
///
/// assert_eq!(escape_for_terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
/// assert_eq!(escape_for_terminal("München"), "München");
/// ```
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.extend(c.escape_unicode()),
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
            escape_for_terminal("München"),
            Cow::Borrowed("München")
        ));
        assert_eq!(escape_for_terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            escape_for_terminal("a\u{9b}31mb\u{7f}"),
            "a\\u{9b}31mb\\u{7f}"
        );
        assert_eq!(escape_for_terminal("a\r\n\tb\0"), "a\\r\\n\\tb\\u{0}");
    }

    #[test]
    fn bidirectional_formatting_characters_are_escaped() {
        assert_eq!(
            escape_for_terminal("invoice\u{202e}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        for c in [
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{2066}', '\u{2069}',
        ] {
            assert!(needs_escape(c), "{c:?}");
        }
        // Their neighbours, and other format characters that reorder nothing, stay.
        for c in ['\u{200d}', '\u{2029}', '\u{202f}', '\u{2065}', '\u{206a}'] {
            assert!(!needs_escape(c), "{c:?}");
        }
    }
}
