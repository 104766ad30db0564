//! Text from a body's bytes, given the charset label of its `Content-Type`: the decoding half of
//! the WHATWG Encoding standard. It does not guess a charset the server did not name (no
//! sniffing of HTML `<meta>` or statistics, unlike requests' `apparent_encoding`) and it never
//! encodes.
//!
//! Every build decodes by hand:
//!
//! - UTF-8, with its byte order mark removed;
//! - UTF-16LE and UTF-16BE (so that a byte order mark means the same in every build);
//! - windows-1252, which is what the labels `iso-8859-1`, `latin1` and `us-ascii` name.
//!
//! The last point is the Encoding standard's, and browsers', reading: servers label
//! windows-1252 text (curly quotes, the euro sign) as ISO-8859-1 so often that the standard
//! maps the label to windows-1252, whose bytes 0x80 to 0x9F are printable characters where
//! ISO-8859-1 has invisible C1 controls. We follow it in every build, so a text never changes
//! with a feature, and a byte that was meant as a C1 control (never seen in text) comes out as
//! `€`, `“` and the like instead. It also means `us-ascii` never fails on a byte above 0x7F.
//!
//! With the `charset` feature, encoding_rs decodes every other label of the standard
//! (`shift_jis`, `euc-kr`, `gb18030`, `koi8-r`, ...). Without it, those labels are an
//! [`ErrorKind::Decode`] that names the charset and the feature.
//!
//! A byte order mark wins over the label, as the standard's "decode" says: a UTF-8 or UTF-16
//! BOM at the start selects that encoding and is removed.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Result};

/// The longest charset label quoted in an error message, in characters.
///
/// The longest label of the Encoding standard is 24 characters (`csisolatin1`-like aliases are
/// shorter); a longer one is not a charset, and the cut keeps a hostile header from filling
/// the message.
pub(crate) const MAX_LABEL_IN_MESSAGE: usize = 40;

/// windows-1252 bytes 0x80 to 0x9F (the Encoding standard's index-windows-1252); every other
/// byte is the Unicode code point of the same number. The five bytes the index leaves to C1
/// controls (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to those controls.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The Encoding standard's labels for UTF-8.
const UTF_8_LABELS: &[&str] = &[
    "unicode-1-1-utf-8",
    "unicode11utf8",
    "unicode20utf8",
    "utf-8",
    "utf8",
    "x-unicode20utf8",
];

/// The Encoding standard's labels for windows-1252, ISO-8859-1 and US-ASCII among them.
const WINDOWS_1252_LABELS: &[&str] = &[
    "ansi_x3.4-1968",
    "ascii",
    "cp1252",
    "cp819",
    "csisolatin1",
    "ibm819",
    "iso-8859-1",
    "iso-ir-100",
    "iso8859-1",
    "iso88591",
    "iso_8859-1",
    "iso_8859-1:1987",
    "l1",
    "latin1",
    "us-ascii",
    "windows-1252",
    "x-cp1252",
];

/// The Encoding standard's labels for UTF-16LE (`utf-16` alone means little-endian).
const UTF_16LE_LABELS: &[&str] = &[
    "csunicode",
    "iso-10646-ucs-2",
    "ucs-2",
    "unicode",
    "unicodefeff",
    "utf-16",
    "utf-16le",
];

/// The Encoding standard's labels for UTF-16BE.
const UTF_16BE_LABELS: &[&str] = &["unicodefffe", "utf-16be"];

/// Whether `label` names a charset this build can decode; the error [`decode`] would give.
pub(crate) fn check_label(label: &str) -> Result<()> {
    Charset::for_label(label).map(drop)
}

/// Decodes `bytes` as text in the charset `label` names (a label as in `charset=...`, any
/// case, surrounding whitespace and quotes ignored).
///
/// # Errors
///
/// [`ErrorKind::Decode`], naming the charset, when the bytes are not valid in it (with the
/// offset of the first bad byte where known), when the label names no charset, or when it
/// names one that this build cannot decode.
pub(crate) fn decode<'a>(bytes: &'a [u8], label: &str) -> Result<Cow<'a, str>> {
    let (charset, bytes) = match sniff_bom(bytes) {
        Some(found) => found,
        None => (Charset::for_label(label)?, bytes),
    };
    charset.decode(bytes)
}

/// Decodes `bytes` as [`decode`] does, but puts U+FFFD (�) in place of what is not valid,
/// as browsers and requests' `r.text` do: `Response::text_lossy`.
///
/// # Errors
///
/// [`ErrorKind::Decode`] only for a label that names no charset this build can decode.
pub(crate) fn decode_lossy<'a>(bytes: &'a [u8], label: &str) -> Result<Cow<'a, str>> {
    let (charset, bytes) = match sniff_bom(bytes) {
        Some(found) => found,
        None => (Charset::for_label(label)?, bytes),
    };
    Ok(charset.decode_lossy(bytes))
}

/// The bytes as UTF-8 with U+FFFD in place of what is not valid, and a UTF-8 byte order mark
/// removed: a view of any body that never fails, whatever its charset.
pub(crate) fn lossy_utf8(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes.strip_prefix(UTF_8_BOM).unwrap_or(bytes))
}

/// The UTF-8 byte order mark, which a text or JSON body may begin with.
pub(crate) const UTF_8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a decoder is chosen from: the charsets decoded here, or encoding_rs for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
    #[cfg(feature = "charset")]
    Other(&'static encoding_rs::Encoding),
}

/// The encoding a byte order mark at the start of `bytes` selects, and the bytes after it.
fn sniff_bom(bytes: &[u8]) -> Option<(Charset, &[u8])> {
    if let Some(rest) = bytes.strip_prefix(UTF_8_BOM) {
        Some((Charset::Utf8, rest))
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        Some((Charset::Utf16Be, rest))
    } else {
        bytes
            .strip_prefix(b"\xFF\xFE")
            .map(|rest| (Charset::Utf16Le, rest))
    }
}

impl Charset {
    /// The Encoding standard's "get an encoding": the label trimmed of ASCII whitespace and
    /// matched without regard to ASCII case.
    fn for_label(label: &str) -> Result<Charset> {
        let trimmed = label.trim_matches(|c: char| c.is_ascii_whitespace());
        let unquoted = trimmed
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or(trimmed);
        let known = |labels: &[&str]| labels.iter().any(|l| l.eq_ignore_ascii_case(unquoted));
        if known(UTF_8_LABELS) {
            return Ok(Charset::Utf8);
        }
        if known(WINDOWS_1252_LABELS) {
            return Ok(Charset::Windows1252);
        }
        if known(UTF_16LE_LABELS) {
            return Ok(Charset::Utf16Le);
        }
        if known(UTF_16BE_LABELS) {
            return Ok(Charset::Utf16Be);
        }
        Charset::other(unquoted)
    }

    #[cfg(feature = "charset")]
    fn other(label: &str) -> Result<Charset> {
        match encoding_rs::Encoding::for_label_no_replacement(label.as_bytes()) {
            Some(encoding) => Ok(Charset::Other(encoding)),
            None if encoding_rs::Encoding::for_label(label.as_bytes()).is_some() => {
                Err(Error::new(
                    ErrorKind::Decode,
                    format!(
                        "charset \"{}\" cannot be decoded: the Encoding standard maps it to \
                         \"replacement\", for safety",
                        shown(label)
                    ),
                ))
            }
            None => Err(unknown(label)),
        }
    }

    #[cfg(not(feature = "charset"))]
    fn other(label: &str) -> Result<Charset> {
        Err(Error::new(
            ErrorKind::Decode,
            format!(
                "charset \"{}\" is not decoded by this build, which knows UTF-8, UTF-16 and \
                 windows-1252 (ISO-8859-1, US-ASCII); plainwire's `charset` feature adds \
                 every charset of the WHATWG Encoding standard",
                shown(label)
            ),
        ))
    }

    /// The charset's name in messages.
    fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Utf16Le => "UTF-16LE",
            Charset::Utf16Be => "UTF-16BE",
            Charset::Windows1252 => "windows-1252",
            #[cfg(feature = "charset")]
            Charset::Other(encoding) => encoding.name(),
        }
    }

    fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>> {
        let invalid = |offset: Option<usize>| {
            let at = offset.map_or(String::new(), |o| format!(" (at byte {o})"));
            Error::new(
                ErrorKind::Decode,
                format!("the text is not valid {}{at}", self.name()),
            )
        };
        match self {
            Charset::Utf8 => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| invalid(Some(e.valid_up_to()))),
            Charset::Utf16Le => utf16(bytes, u16::from_le_bytes).map_err(|o| invalid(Some(o))),
            Charset::Utf16Be => utf16(bytes, u16::from_be_bytes).map_err(|o| invalid(Some(o))),
            Charset::Windows1252 => Ok(windows_1252(bytes)),
            #[cfg(feature = "charset")]
            Charset::Other(encoding) => encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or_else(|| invalid(None)),
        }
    }

    fn decode_lossy(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            Charset::Utf8 => String::from_utf8_lossy(bytes),
            Charset::Utf16Le => Cow::Owned(utf16_lossy(bytes, u16::from_le_bytes)),
            Charset::Utf16Be => Cow::Owned(utf16_lossy(bytes, u16::from_be_bytes)),
            Charset::Windows1252 => windows_1252(bytes),
            #[cfg(feature = "charset")]
            Charset::Other(encoding) => encoding.decode_without_bom_handling(bytes).0,
        }
    }
}

/// windows-1252 never fails: every byte is a character. ASCII text is borrowed as it is.
fn windows_1252(bytes: &[u8]) -> Cow<'_, str> {
    if bytes.is_ascii() {
        // ASCII is valid UTF-8 with the same meaning.
        return Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default());
    }
    Cow::Owned(
        bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            })
            .collect(),
    )
}

/// UTF-16 in the byte order `unit` reads; the offset of the first bad byte if it is not valid
/// (an odd length, or a surrogate without its pair).
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> std::result::Result<Cow<'static, str>, usize> {
    if bytes.len() % 2 == 1 {
        return Err(bytes.len() - 1);
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len());
    let mut offset = 0;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| offset)?;
        offset += c.len_utf16() * 2;
        text.push(c);
    }
    Ok(Cow::Owned(text))
}

/// UTF-16 with U+FFFD for an unpaired surrogate and for an odd last byte.
fn utf16_lossy(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if bytes.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// The label for a message: printable ASCII only, at most [`MAX_LABEL_IN_MESSAGE`] characters.
fn shown(label: &str) -> String {
    label
        .chars()
        .take(MAX_LABEL_IN_MESSAGE)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

#[cfg(feature = "charset")]
fn unknown(label: &str) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!(
            "unknown charset \"{}\": not a label of the WHATWG Encoding standard",
            shown(label)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], label: &str) -> String {
        decode(bytes, label).unwrap().into_owned()
    }

    fn error(bytes: &[u8], label: &str) -> Error {
        decode(bytes, label).unwrap_err()
    }

    #[test]
    fn utf_8() {
        assert_eq!(text("grüße, 世界".as_bytes(), "utf-8"), "grüße, 世界");
        assert_eq!(text(b"abc", "UTF8"), "abc");
    }

    #[test]
    fn valid_utf_8_is_borrowed_not_copied() {
        assert!(matches!(decode(b"abc", "utf-8").unwrap(), Cow::Borrowed(_)));
        assert!(matches!(
            decode(b"abc", "latin1").unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn invalid_utf_8_is_an_error_naming_the_charset_and_offset() {
        let err = error(b"ab\xFFcd", "utf-8");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.message().contains("UTF-8"), "{err}");
        assert!(err.message().contains("at byte 2"), "{err}");
    }

    #[test]
    fn a_utf_8_bom_is_removed() {
        assert_eq!(text(b"\xEF\xBB\xBFhi", "utf-8"), "hi");
        assert_eq!(lossy_utf8(b"\xEF\xBB\xBFhi"), "hi");
    }

    #[test]
    fn a_bom_wins_over_the_label() {
        // The Encoding standard's "decode": BOM sniffing comes before the label.
        assert_eq!(
            text(b"\xEF\xBB\xBFgr\xC3\xBC\xC3\x9F", "iso-8859-1"),
            "grüß"
        );
        assert_eq!(text(b"\xFF\xFEh\0i\0", "utf-8"), "hi");
        assert_eq!(text(b"\xFE\xFF\0h\0i", "windows-1252"), "hi");
        assert_eq!(text(b"\xEF\xBB\xBFhi", "no-such-charset"), "hi");
    }

    #[test]
    fn iso_8859_1_is_read_as_windows_1252() {
        // The pick documented above: 0x80 is the euro sign, not a C1 control.
        assert_eq!(text(b"\x80 5", "iso-8859-1"), "€ 5");
        assert_eq!(
            text(b"\x93quoted\x94", "ISO-8859-1"),
            "\u{201C}quoted\u{201D}"
        );
        assert_eq!(text(b"caf\xE9", "latin1"), "café");
    }

    #[test]
    fn us_ascii_is_read_as_windows_1252_too() {
        assert_eq!(text(b"plain", "us-ascii"), "plain");
        assert_eq!(text(b"\xA3", "US-ASCII"), "£");
    }

    #[test]
    fn every_windows_1252_byte_decodes() {
        let all: Vec<u8> = (0..=255).collect();
        let decoded = text(&all, "windows-1252");
        assert_eq!(decoded.chars().count(), 256);
        let chars: Vec<char> = decoded.chars().collect();
        assert_eq!(chars[0x41], 'A');
        assert_eq!(chars[0x81], '\u{81}');
        assert_eq!(chars[0x8A], 'Š');
        assert_eq!(chars[0x9F], 'Ÿ');
        assert_eq!(chars[0xA0], '\u{A0}');
        assert_eq!(chars[0xFF], 'ÿ');
    }

    #[test]
    fn utf_16_by_label() {
        assert_eq!(text(b"h\0i\0", "utf-16le"), "hi");
        assert_eq!(text(b"h\0i\0", "utf-16"), "hi");
        assert_eq!(text(b"\0h\0i", "utf-16be"), "hi");
        assert_eq!(text(b"\x3D\xD8\x00\xDE", "utf-16le"), "😀");
    }

    #[test]
    fn invalid_utf_16_is_an_error() {
        let odd = error(b"h\0i", "utf-16le");
        assert!(odd.message().contains("UTF-16LE"), "{odd}");
        assert!(odd.message().contains("at byte 2"), "{odd}");
        let lone_surrogate = error(b"h\0\x00\xD8i\0", "utf-16le");
        assert!(
            lone_surrogate.message().contains("at byte 2"),
            "{lone_surrogate}"
        );
    }

    #[test]
    fn labels_ignore_case_whitespace_and_quotes() {
        assert_eq!(text(b"\xE9", " Latin1\t"), "é");
        assert_eq!(text(b"ok", "\"utf-8\""), "ok");
    }

    #[test]
    fn lossy_decoding_replaces_what_is_invalid() {
        assert_eq!(decode_lossy(b"a\xFFb", "utf-8").unwrap(), "a\u{FFFD}b");
        assert_eq!(decode_lossy(b"h\0i", "utf-16le").unwrap(), "h\u{FFFD}");
        assert_eq!(lossy_utf8(b"a\xFFb"), "a\u{FFFD}b");
    }

    #[test]
    fn lossy_utf8_never_fails_and_keeps_valid_text_borrowed() {
        assert!(matches!(lossy_utf8("ü".as_bytes()), Cow::Borrowed("ü")));
        assert_eq!(lossy_utf8(b"\x80\x81"), "\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn an_unusable_label_is_quoted_only_in_part() {
        let hostile = format!("x{}\r\n", "y".repeat(500));
        let err = error(b"abc", &hostile);
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.message().len() < 400, "{err}");
        assert!(!err.message().contains('\r'), "{err}");
    }

    #[cfg(not(feature = "charset"))]
    #[test]
    fn other_charsets_need_the_feature() {
        let err = error(b"abc", "shift_jis");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.message().contains("shift_jis"), "{err}");
        assert!(err.message().contains("`charset` feature"), "{err}");
    }

    #[cfg(feature = "charset")]
    mod with_encoding_rs {
        use super::*;

        #[test]
        fn shift_jis() {
            // "日本語" in Shift_JIS.
            assert_eq!(text(b"\x93\xFA\x96\x7B\x8C\xEA", "Shift_JIS"), "日本語");
            assert_eq!(text(b"\x93\xFA\x96\x7B\x8C\xEA", "sjis"), "日本語");
        }

        #[test]
        fn euc_kr_and_koi8_r() {
            assert_eq!(text(b"\xC7\xD1\xB1\xB9", "euc-kr"), "한국");
            assert_eq!(text(b"\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r"), "Привет");
        }

        #[test]
        fn invalid_shift_jis_names_the_charset() {
            let err = error(b"\x93", "shift_jis");
            assert_eq!(err.kind(), ErrorKind::Decode);
            assert!(err.message().contains("Shift_JIS"), "{err}");
            assert_eq!(decode_lossy(b"a\x93", "shift_jis").unwrap(), "a\u{FFFD}");
        }

        #[test]
        fn unknown_labels_are_errors() {
            let err = error(b"abc", "no-such-charset");
            assert!(err.message().contains("unknown charset"), "{err}");
            assert!(err.message().contains("no-such-charset"), "{err}");
        }

        #[test]
        fn replacement_labels_are_refused() {
            let err = error(b"abc", "iso-2022-kr");
            assert!(err.message().contains("replacement"), "{err}");
        }

        #[test]
        fn our_windows_1252_agrees_with_encoding_rs() {
            let all: Vec<u8> = (0..=255).collect();
            let (theirs, _, had_errors) = encoding_rs::WINDOWS_1252.decode(&all);
            assert!(!had_errors);
            assert_eq!(text(&all, "iso-8859-1"), theirs);
        }

        #[test]
        fn our_labels_name_what_encoding_rs_names() {
            let expect = |labels: &[&str], encoding: &'static encoding_rs::Encoding| {
                for label in labels {
                    assert_eq!(
                        encoding_rs::Encoding::for_label(label.as_bytes()),
                        Some(encoding),
                        "{label}"
                    );
                }
            };
            expect(UTF_8_LABELS, encoding_rs::UTF_8);
            expect(WINDOWS_1252_LABELS, encoding_rs::WINDOWS_1252);
            expect(UTF_16LE_LABELS, encoding_rs::UTF_16LE);
            expect(UTF_16BE_LABELS, encoding_rs::UTF_16BE);
        }
    }
}
