//! A short, printable excerpt of a document around a position, for an error message that says
//! where a parser stopped. It does not parse anything itself, and it never quotes more than a
//! bounded number of bytes, whatever the document.

use std::ops::Range;

use crate::printable::escape_for_terminal;

/// Where the excerpt marks the position.
pub(crate) const MARK: &str = "⟨here⟩";

/// The byte offset of `line` and `column` in `document`, as serde_json reports a position:
/// both count from 1, and the column counts bytes up to and including the one at fault (0 at
/// the start of a line, as for an empty document). `None` for line 0, which is no position.
/// A position past the end is clamped to the end.
pub(crate) fn offset_of(document: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        // The byte after the (line - 1)th newline; past the end if there are fewer lines.
        document
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(document.len(), |(newline, _)| newline + 1)
    };
    Some(
        line_start
            .saturating_add(column.saturating_sub(1))
            .min(document.len()),
    )
}

/// `document` around byte `at`: at most `context` bytes on each side, cut at character
/// boundaries and marked `…` where cut, control characters escaped (`\n`, `\u{1b}`), and
/// [`MARK`] at `at`. Invalid UTF-8 shows as U+FFFD.
pub(crate) fn around(document: &[u8], at: usize, context: usize) -> String {
    let at = at.min(document.len());
    let before = char_aligned(document, at.saturating_sub(context)..at);
    let after = char_aligned(document, at..at.saturating_add(context).min(document.len()));
    let mut out = String::with_capacity(2 * context + MARK.len() + 8);
    if before.start > 0 {
        out.push('…');
    }
    push_printable(&mut out, &document[before]);
    out.push_str(MARK);
    push_printable(&mut out, &document[after.clone()]);
    if after.end < document.len() {
        out.push('…');
    }
    out
}

/// `range` narrowed so that it neither starts nor ends inside a UTF-8 sequence (a byte
/// 0b10xxxxxx continues one): at most three bytes come off each end.
fn char_aligned(document: &[u8], range: Range<usize>) -> Range<usize> {
    let continues = |i: usize| document.get(i).is_some_and(|&b| b & 0xC0 == 0x80);
    let (mut start, mut end) = (range.start, range.end);
    while start < end && start > 0 && continues(start) && range.start + 3 > start {
        start += 1;
    }
    while end > start && continues(end) && end + 3 > range.end {
        end -= 1;
    }
    start..end
}

/// `text` made safe to quote in a message: control characters escaped, and when it is longer
/// than `max_chars`, its first and last halves of that with `…` between (the end of a parser's
/// message says where it stopped).
pub(crate) fn bounded(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let count = text.chars().count();
    if count <= max_chars {
        push_printable(&mut out, text.as_bytes());
        return out;
    }
    let half = max_chars / 2;
    let head_end = text
        .char_indices()
        .nth(half)
        .map_or(text.len(), |(at, _)| at);
    let tail_start = text
        .char_indices()
        .nth(count - half)
        .map_or(text.len(), |(at, _)| at);
    push_printable(&mut out, &text.as_bytes()[..head_end]);
    out.push('…');
    push_printable(&mut out, &text.as_bytes()[tail_start..]);
    out
}

/// Appends `bytes` as text (invalid UTF-8 as U+FFFD), with control characters written as
/// escapes, so that the excerpt stays on one line and cannot drive a terminal.
fn push_printable(out: &mut String, bytes: &[u8]) {
    out.push_str(&escape_for_terminal(&String::from_utf8_lossy(bytes)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_keeps_its_ends_and_escapes_controls() {
        assert_eq!(bounded("short\u{1b}", 10), "short\\u{1b}");
        let long = format!("start {} end at line 1", "x".repeat(1000));
        let kept = bounded(&long, 20);
        assert_eq!(kept, "start xxxx… at line 1");
    }

    #[test]
    fn the_mark_is_before_the_byte_at_fault() {
        // serde_json: `expected ident at line 1 column 8`, the `o` of `nope`.
        let doc = br#"{"a": nope}"#;
        let at = offset_of(doc, 1, 8).unwrap();
        assert_eq!(around(doc, at, 40), r#"{"a": n⟨here⟩ope}"#);
    }

    #[test]
    fn lines_after_the_first_count_from_their_newline() {
        // serde_json: `trailing comma at line 2 column 13`, the `]`.
        let doc = b"{\"a\": 1,\n \"b\": [1, 2,]}";
        let at = offset_of(doc, 2, 13).unwrap();
        assert_eq!(doc[at], b']');
        assert_eq!(around(doc, at, 40), r#"{"a": 1,\n "b": [1, 2,⟨here⟩]}"#);
    }

    #[test]
    fn a_long_document_is_cut_on_both_sides() {
        let doc = format!("[{}x{}]", "1, ".repeat(100), ", 2".repeat(100));
        let at = doc.find('x').unwrap();
        let excerpt = around(doc.as_bytes(), at, 9);
        assert_eq!(excerpt, "…1, 1, 1, ⟨here⟩x, 2, 2, …");
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let doc = "ééééé!ééééé".as_bytes();
        let at = doc.iter().position(|&b| b == b'!').unwrap();
        // 3 bytes each side would split an `é` (2 bytes): one whole `é` is kept instead.
        assert_eq!(around(doc, at, 3), "…é⟨here⟩!é…");
    }

    #[test]
    fn control_characters_are_escaped() {
        let doc = b"\"a\x1b[31m\rb\"";
        assert_eq!(around(doc, 2, 40), "\"a⟨here⟩\\u{1b}[31m\\rb\"");
    }

    #[test]
    fn positions_out_of_range_are_clamped() {
        assert_eq!(offset_of(b"", 1, 0), Some(0));
        assert_eq!(offset_of(b"{", 9, 9), Some(1));
        assert_eq!(offset_of(b"{}", 0, 0), None);
        assert_eq!(around(b"", 5, 40), "⟨here⟩");
        assert_eq!(around(b"{\"a\": 1", 6, 40), "{\"a\": ⟨here⟩1");
    }
}
