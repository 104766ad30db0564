//! Media types for parts: a guess from a file name's extension, and a check of a caller's own.
//!
//! The table is deliberately small (the types people upload most); it is not a MIME database,
//! and an unknown extension is `application/octet-stream`, as RFC 7578 section 4.4 says.

use crate::http1::write::is_token;

/// The type of a file whose extension is not in [`BY_EXTENSION`]: RFC 7578 section 4.4, "file
/// data SHOULD be labeled with an appropriate media type, if known, or application/octet-stream".
pub(super) const UNKNOWN_FILE_TYPE: &str = "application/octet-stream";

/// Extensions (lowercase, without the dot) and their media types, as browsers send them.
const BY_EXTENSION: &[(&str, &str)] = &[
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("csv", "text/csv"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("css", "text/css"),
    ("js", "text/javascript"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("pdf", "application/pdf"),
    ("zip", "application/zip"),
    ("gz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("wasm", "application/wasm"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("svg", "image/svg+xml"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("mp4", "video/mp4"),
    ("webm", "video/webm"),
];

/// The media type for a file called `file_name`, from its extension (any case);
/// [`UNKNOWN_FILE_TYPE`] when there is none or it is not in the table.
pub(super) fn for_file_name(file_name: &str) -> &'static str {
    let Some((_, extension)) = file_name.rsplit_once('.') else {
        return UNKNOWN_FILE_TYPE;
    };
    BY_EXTENSION
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(extension))
        .map_or(UNKNOWN_FILE_TYPE, |&(_, media_type)| media_type)
}

/// Checks a media type given by the caller: `type/subtype`, both tokens (RFC 9110 section 8.3.1),
/// optionally followed by `;` and parameters free of control characters (tab aside).
/// Returns why not, for the error message.
pub(super) fn check(media_type: &str) -> Result<(), &'static str> {
    if media_type
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        return Err("contains a control character such as CR or LF");
    }
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, subtype)) if is_token(kind) && is_token(subtype) => Ok(()),
        _ => Err("is not of the form type/subtype"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extensions_in_any_case() {
        assert_eq!(for_file_name("notes.txt"), "text/plain");
        assert_eq!(for_file_name("PHOTO.JPG"), "image/jpeg");
        assert_eq!(for_file_name("archive.tar.gz"), "application/gzip");
    }

    #[test]
    fn unknown_or_missing_extension_is_octet_stream() {
        assert_eq!(for_file_name("data.bin"), UNKNOWN_FILE_TYPE);
        assert_eq!(for_file_name("Makefile"), UNKNOWN_FILE_TYPE);
        assert_eq!(for_file_name("trailing."), UNKNOWN_FILE_TYPE);
    }

    #[test]
    fn plausible_media_types_pass() {
        assert_eq!(check("image/png"), Ok(()));
        assert_eq!(check("application/vnd.api+json"), Ok(()));
        assert_eq!(check("text/plain; charset=utf-8"), Ok(()));
    }

    #[test]
    fn implausible_media_types_are_refused() {
        assert!(check("png").is_err());
        assert!(check("image/").is_err());
        assert!(check("/png").is_err());
        assert!(check("image/png/x").is_err());
        assert!(check("image png/x").is_err());
        assert!(check("").is_err());
    }

    #[test]
    fn line_breaks_are_refused_even_in_parameters() {
        assert!(check("text/plain\r\nX-Injected: 1").is_err());
        assert!(check("text/plain; a=\nb").is_err());
        assert!(check("text/plain\0").is_err());
    }
}
