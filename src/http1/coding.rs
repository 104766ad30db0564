//! Content codings (RFC 9110 section 8.4.1): which one a `Content-Encoding` names. Naming only;
//! undoing a coding is the body reader's job, with the `gzip` feature.

/// A content coding plainwire can undo (with the `gzip` feature; without it, a body is
/// handed over as it came).
///
/// ```
/// use plainwire::http1::coding::ContentCoding;
/// assert_eq!(ContentCoding::from_header(Some("x-gzip")), ContentCoding::Gzip);
/// assert_eq!(ContentCoding::from_header(None), ContentCoding::Identity);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCoding {
    /// None: the bytes are the content.
    Identity,
    /// `gzip` (RFC 1952), also spelt `x-gzip` (RFC 9110 section 8.4.1.3).
    Gzip,
    /// `deflate`: zlib-wrapped deflate (RFC 1950), as RFC 9110 section 8.4.1.2 defines it.
    Deflate,
}

impl ContentCoding {
    /// The coding named by a Content-Encoding value; [`ContentCoding::Identity`] for none, for
    /// `identity`, and for anything else, which is then handed over as it came.
    ///
    /// ```
    /// use plainwire::http1::coding::ContentCoding;
    /// assert_eq!(ContentCoding::from_header(Some(" GZIP")), ContentCoding::Gzip);
    /// assert_eq!(ContentCoding::from_header(Some("br")), ContentCoding::Identity);
    /// ```
    pub fn from_header(value: Option<&str>) -> ContentCoding {
        let Some(value) = value.map(str::trim) else {
            return ContentCoding::Identity;
        };
        if value.eq_ignore_ascii_case("gzip") || value.eq_ignore_ascii_case("x-gzip") {
            ContentCoding::Gzip
        } else if value.eq_ignore_ascii_case("deflate") {
            ContentCoding::Deflate
        } else {
            ContentCoding::Identity
        }
    }
}
