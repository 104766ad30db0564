//! Content codings (RFC 9110 section 8.4.1): which one a `Content-Encoding` names. Naming only;
//! undoing a coding is the body reader's job, with the `gzip` feature.

use crate::http1::headers::list_items;

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

    /// The coding to undo for a response whose `Content-Encoding` fields have these `values`,
    /// read together as one list (RFC 9110 section 5.3: two fields are one list, `gzip` and
    /// `gzip` meaning the body was compressed twice); `identity` entries are no coding.
    /// `Some(Identity)` for none; `None` when the list holds a coding that cannot be undone, or
    /// more than one: the body is then handed over as it came, never half-decoded.
    ///
    /// ```
    /// use plainwire::http1::coding::ContentCoding;
    /// assert_eq!(ContentCoding::from_values([&b"gzip"[..]]), Some(ContentCoding::Gzip));
    /// assert_eq!(ContentCoding::from_values([&b"identity, deflate"[..]]), Some(ContentCoding::Deflate));
    /// assert_eq!(ContentCoding::from_values(Vec::<&[u8]>::new()), Some(ContentCoding::Identity));
    /// assert_eq!(ContentCoding::from_values([&b"gzip"[..], b"gzip"]), None);
    /// assert_eq!(ContentCoding::from_values([&b"br"[..]]), None);
    /// ```
    pub fn from_values<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Option<ContentCoding> {
        let mut codings = list_items(values).filter(|name| !name.eq_ignore_ascii_case(b"identity"));
        let Some(first) = codings.next() else {
            return Some(ContentCoding::Identity);
        };
        if codings.next().is_some() {
            return None;
        }
        ContentCoding::undoable(first)
    }

    /// The coding a list item names, if it is one plainwire can undo (gzip, x-gzip,
    /// deflate): one rule for Content-Encoding and for a transfer coding under chunked.
    pub(crate) fn undoable(name: &[u8]) -> Option<ContentCoding> {
        let coding = std::str::from_utf8(name)
            .ok()
            .map(|name| ContentCoding::from_header(Some(name)))?;
        (coding != ContentCoding::Identity).then_some(coding)
    }
}
