//! `-J`: the file name a Content-Disposition header suggests, reduced to a safe last path
//! component. Pure text handling; [`crate::transfer`] decides where the file goes and never
//! lets it replace an existing one.
//!
//! As curl (docs/cmdline-opts/remote-header-name.md): only the `filename=` parameter is read
//! (not `filename*=`), quoted with `"` or `'` or up to the next `;`; anything up to the last
//! `/` or `\` is cut off; no percent-decoding is done. Unlike curl, a `filename=` inside
//! another parameter's `"`-quoted value is none (`title="; filename=x.sh"`), and a
//! `"`-quoted name's `\"` and `\\` are undone (RFC 9110 section 5.6.4). A name that is then empty, or
//! starts with `.`, or holds a control character or a bidirectional formatting character, is
//! no name at all, and the URL's is used (curl would try to use it). A leading `.` covers `.`
//! and `..`, and the hidden files a server has no business making in the directory it is run
//! in: `.bashrc`, `.npmrc`, or the
//! `.plainwirerc` that later runs read by default. A bidirectional formatting character
//! (U+202E, right-to-left override, and its kin) makes a name show other than it is:
//! `invoice\u{202e}fdp.exe` is listed as `invoiceexe.pdf` (Unicode Technical Report 36,
//! section 2.1; CVE-2021-42574 for source code). On Windows, neither is a name Windows would
//! read as a drive, a stream or a device, or would change ([`windows_misreads`]).

/// The file name in a Content-Disposition value, if it names one that can be used.
pub fn filename(value: &str) -> Option<String> {
    let start = find_parameter(value)?;
    let rest = value[start..].trim_start_matches([' ', '\t']);
    let name = match rest.chars().next() {
        Some('"') => unquote(&rest[1..]),
        Some('\'') => {
            let inner = &rest[1..];
            inner[..inner.find('\'').unwrap_or(inner.len())].to_string()
        }
        _ => rest[..rest.find(';').unwrap_or(rest.len())].to_string(),
    };
    let name = name.trim_end_matches([' ', '\t']);
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let unusable = base.is_empty()
        || base.starts_with('.')
        || base.chars().any(plainwire::printable::needs_escape)
        || (cfg!(windows) && windows_misreads(base));
    (!unusable).then(|| base.to_string())
}

/// Whether Windows would take `name` for something other than a file of that name in the
/// directory: a drive or a stream (`C:x`, `x:stream`, which `:` makes), a device (`CON`,
/// `NUL`, `COM1.txt`: the reserved names, whatever their extension), a name it would change
/// (a trailing `.` or space is dropped), or one it cannot create (`<>"|?*`). curl cleans such
/// names on Windows too (`sanitize_file_name`).
fn windows_misreads(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let upper = stem.to_ascii_uppercase();
    let device = matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ["COM", "LPT"].iter().any(|prefix| {
        upper.strip_prefix(prefix).is_some_and(|n| {
            matches!(n, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9")
                || matches!(n, "\u{b9}" | "\u{b2}" | "\u{b3}")
        })
    });
    device || name.ends_with(['.', ' ']) || name.contains([':', '<', '>', '"', '|', '?', '*'])
}

/// Where the value of the `filename=` parameter starts (case-insensitive name). A parameter
/// name starts the value or follows `;` and blanks (not `xfilename=`), outside any quoted
/// value: `title="; filename=x"` names no file. A value is quoted when it starts with `"`
/// after its `=`; a `"` inside a bare value (`name=x"y`) opens nothing.
fn find_parameter(value: &str) -> Option<usize> {
    const NAME: &[u8] = b"filename=";
    let bytes = value.as_bytes();
    let mut at = 0;
    // Where the scan is: at a parameter's start, after a value's `=`, inside a quoted value,
    // or anywhere else.
    let (mut starts_parameter, mut starts_value, mut quoted) = (true, false, false);
    while at < bytes.len() {
        let byte = bytes[at];
        if quoted {
            match byte {
                b'\\' => at += 1,
                b'"' => quoted = false,
                _ => {}
            }
        } else if starts_parameter
            && bytes[at..].len() >= NAME.len()
            && bytes[at..at + NAME.len()].eq_ignore_ascii_case(NAME)
        {
            return Some(at + NAME.len());
        } else {
            match byte {
                b';' => (starts_parameter, starts_value) = (true, false),
                b' ' | b'\t' => {}
                b'=' => (starts_parameter, starts_value) = (false, true),
                b'"' if starts_value => (quoted, starts_value) = (true, false),
                _ => (starts_parameter, starts_value) = (false, false),
            }
        }
        at += 1;
    }
    None
}

/// The text of a quoted string whose opening `"` is gone, up to the closing one; one that
/// never closes runs to the end. Of its `\` escapes (RFC 9110 section 5.6.4), only `\"` and
/// `\\` are undone: a name such as `C:\fakepath\a.txt` was meant with its backslashes, which
/// senders rarely escape (RFC 6266 appendix D), and is then cut at the last one.
fn unquote(inner: &str) -> String {
    let mut text = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' if matches!(chars.peek(), Some('"' | '\\')) => text.extend(chars.next()),
            c => text.push(c),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_bare_names() {
        assert_eq!(
            filename("attachment; filename=\"report.pdf\""),
            Some("report.pdf".into())
        );
        assert_eq!(
            filename("attachment; filename='a b.txt'"),
            Some("a b.txt".into())
        );
        assert_eq!(
            filename("attachment; filename=data.csv; size=3"),
            Some("data.csv".into())
        );
        assert_eq!(filename("attachment;FileName=x.bin"), Some("x.bin".into()));
        assert_eq!(filename("filename=first.txt"), Some("first.txt".into()));
    }

    #[test]
    fn a_name_inside_another_parameters_quotes_is_none_and_escapes_are_undone() {
        assert_eq!(
            filename(r#"attachment; title="; filename=inq.sh"; filename=good.txt"#),
            Some("good.txt".into())
        );
        assert_eq!(
            filename(r#"attachment; title="a \"; filename=x\""; filename=ok.txt"#),
            Some("ok.txt".into())
        );
        assert_eq!(
            filename(r#"attachment; filename="a\"b\\c.txt""#),
            Some("c.txt".into())
        );
        assert_eq!(
            filename(r#"attachment; filename="a\"b.txt""#),
            Some("a\"b.txt".into())
        );
        assert_eq!(filename(r#"attachment; title="filename=x""#), None);
        // A quote inside a bare value opens nothing.
        assert_eq!(
            filename(r#"attachment; name=x"y; filename=z.txt"#),
            Some("z.txt".into())
        );
        // Backslashes other than escapes of `"` and `\` stay, and cut the path.
        assert_eq!(
            filename(r#"attachment; filename="C:\fakepath\a.txt""#),
            Some("a.txt".into())
        );
    }

    #[test]
    fn only_the_last_path_component_is_kept() {
        assert_eq!(
            filename("attachment; filename=\"../evil/name.txt\""),
            Some("name.txt".into())
        );
        assert_eq!(
            filename("attachment; filename=\"/etc/passwd\""),
            Some("passwd".into())
        );
        assert_eq!(
            filename("attachment; filename=\"..\\\\win\\\\x.exe\""),
            Some("x.exe".into())
        );
    }

    #[test]
    fn unusable_names_are_none() {
        for value in [
            "attachment",
            "attachment; filename=",
            "attachment; filename=\"dir/\"",
            "attachment; filename=\"..\"",
            "attachment; filename=.",
            "attachment; filename=\"a\u{1b}b\"",
            "attachment; filename=\"invoice\u{202e}fdp.exe\"",
            "attachment; filename=\"x\u{2067}y\"",
            "attachment; filename=\"x\u{200f}\"",
            "attachment; xfilename=no.txt",
        ] {
            assert_eq!(filename(value), None, "{value:?}");
        }
    }

    #[test]
    fn names_windows_would_misread_are_known() {
        for name in [
            "C:drive.txt",
            "x:stream.txt",
            "CON",
            "nul.txt",
            "Com1.log",
            "LPT9",
            "COM\u{b9}.txt",
            "conin$",
            "trailing.",
            "trailing ",
            "a?b",
            "a*b",
            "a|b",
        ] {
            assert!(windows_misreads(name), "{name:?}");
        }
        for name in [
            "report.pdf",
            "CONTRACT.txt",
            "com10.txt",
            "lpt.txt",
            "nul-free.txt",
        ] {
            assert!(!windows_misreads(name), "{name:?}");
        }
    }

    #[test]
    fn encoded_names_are_not_read() {
        assert_eq!(filename("attachment; filename*=UTF-8''n%C3%A4me.txt"), None);
        assert_eq!(
            filename("attachment; filename*=UTF-8''x.txt; filename=\"plain.txt\""),
            Some("plain.txt".into())
        );
    }
}
