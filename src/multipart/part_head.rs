//! The lines before each part's data: the delimiter, `Content-Disposition` with the escaped
//! field name and file name, and `Content-Type`. It writes bytes; it does not read any data.
//!
//! Escaping follows the HTML standard's "multipart/form-data encoding algorithm" (since
//! whatwg/html#6282, which matched it to Chromium and Safari), as browsers do and as RFC 7578
//! section 4.2 leaves room for: in field names and file names, LF becomes `%0A`, CR `%0D` and
//! `"` `%22`, and "the user agent must not perform any other escapes". So a backslash goes
//! out as it is: escaping it (`\\`, the quoted-string rule of RFC 2045, and curl's old
//! default) would reach servers that follow the browsers as two backslashes. We go one step
//! further than browsers on line breaks and refuse them (see [`check_text`]): a name holding
//! one is almost always a bug, and `%0D` would reach the server as three literal characters.
//!
//! Non-ASCII names go out as UTF-8, as browsers send them; RFC 7578 section 4.2 says the
//! `filename*` parameter of RFC 5987 "MUST NOT be used".

/// Appends one part's head: `--boundary`, `Content-Disposition: form-data; name="…"` with
/// `; filename="…"` when there is a file name, a `Content-Type` line when there is a type,
/// and the empty line. `name` and `file_name` must have passed [`check_text`].
pub(super) fn write(
    out: &mut Vec<u8>,
    boundary: &str,
    name: &str,
    file_name: Option<&str>,
    content_type: Option<&str>,
) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
    push_escaped(out, name);
    out.push(b'"');
    if let Some(file_name) = file_name {
        out.extend_from_slice(b"; filename=\"");
        push_escaped(out, file_name);
        out.push(b'"');
    }
    out.extend_from_slice(b"\r\n");
    if let Some(content_type) = content_type {
        out.extend_from_slice(b"Content-Type: ");
        out.extend_from_slice(content_type.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// Appends the closing delimiter, `--boundary--` and CRLF, which ends the body.
pub(super) fn write_closing(out: &mut Vec<u8>, boundary: &str) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
}

/// The text of a field name or file name inside its quotes: `"` as `%22`, all else verbatim.
fn push_escaped(out: &mut Vec<u8>, text: &str) {
    for byte in text.bytes() {
        if byte == b'"' {
            out.extend_from_slice(b"%22");
        } else {
            out.push(byte);
        }
    }
}

/// How an error message names a field: its name, quoted and escaped, never its value.
pub(super) fn field(name: &str) -> String {
    format!("multipart field {name:?}")
}

/// Checks a field name or file name for the bytes that would break the head: CR and LF (which
/// would end the header line) and NUL. Returns what was found, for the error message.
pub(super) fn check_text(text: &str) -> Result<(), &'static str> {
    match text.bytes().find(|b| matches!(b, b'\r' | b'\n' | 0)) {
        None => Ok(()),
        Some(b'\r') => Err("a CR"),
        Some(b'\n') => Err("an LF"),
        Some(_) => Err("a NUL"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(name: &str, file_name: Option<&str>, content_type: Option<&str>) -> String {
        let mut out = Vec::new();
        write(&mut out, "B", name, file_name, content_type);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_field_has_a_name_and_no_type() {
        assert_eq!(
            head("a", None, None),
            "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
        );
    }

    #[test]
    fn a_file_has_a_file_name_and_a_type() {
        assert_eq!(
            head("f", Some("a.txt"), Some("text/plain")),
            "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        );
    }

    #[test]
    fn quotes_become_percent_22_and_backslashes_stay() {
        assert_eq!(
            head("say \"hi\"", Some("C:\\dir\\\"q\".txt"), None),
            "--B\r\nContent-Disposition: form-data; name=\"say %22hi%22\"; \
             filename=\"C:\\dir\\%22q%22.txt\"\r\n\r\n"
        );
    }

    #[test]
    fn a_percent_sign_is_not_escaped() {
        // The HTML standard: "The user agent must not perform any other escapes."
        assert_eq!(
            head("100%", None, None),
            "--B\r\nContent-Disposition: form-data; name=\"100%\"\r\n\r\n"
        );
    }

    #[test]
    fn non_ascii_goes_out_as_utf8() {
        let text = head("f", Some("résumé.pdf"), None);
        assert!(text.contains("filename=\"résumé.pdf\""));
        assert!(!text.contains("filename*"));
    }

    #[test]
    fn line_breaks_and_nul_are_refused() {
        assert_eq!(check_text("a\rb"), Err("a CR"));
        assert_eq!(check_text("a\nb"), Err("an LF"));
        assert_eq!(check_text("a\0b"), Err("a NUL"));
        assert_eq!(check_text("tab\tand \"quote\" and \\"), Ok(()));
    }

    #[test]
    fn the_closing_delimiter() {
        let mut out = Vec::new();
        write_closing(&mut out, "B");
        assert_eq!(out, b"--B--\r\n");
    }
}
