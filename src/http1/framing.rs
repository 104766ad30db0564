//! How long is the response body, and may the connection carry another request afterwards?
//!
//! This is RFC 9112 section 6.3 ("Message Body Length") for responses, written in the RFC's
//! order. It decides; it reads no bytes. [`BodyDecoder`](super::body::BodyDecoder) then
//! applies the decision to the bytes.

use crate::error::{Error, ErrorKind, Result};
use crate::http1::close_reason::CloseReason;
use crate::http1::coding::ContentCoding;
use crate::http1::head::{ResponseHead, Version};
use crate::http1::headers::{list_items, Known};

/// Where a response body ends; [`response_framing`] decides it.
///
/// ```
/// use plainwire::http1::body::BodyDecoder;
/// use plainwire::http1::framing::BodyFraming;
///
/// // A body framed by its length is over after that many bytes, whatever follows.
/// let mut body = BodyDecoder::new(BodyFraming::ContentLength(5));
/// let mut out = [0; 16];
/// let (used, written) = body.decode(b"helloHTTP/1.1 ...", &mut out)?;
/// assert_eq!((used, &out[..written]), (5, &b"hello"[..]));
/// assert!(body.is_done());
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// There is no body, whatever the header fields say.
    NoBody,
    /// Exactly this many bytes follow the head.
    ContentLength(u64),
    /// The body is chunked and ends with the last chunk and trailer section.
    Chunked,
    /// The body is everything until the server closes the connection.
    CloseDelimited,
}

/// The decision for one response: its body framing, and whether the connection may be reused.
///
/// ```
/// use plainwire::http1::framing::{response_framing, BodyFraming};
/// use plainwire::http1::head::{parse_response_head, HeadLimits};
/// use plainwire::CloseReason;
///
/// let bytes = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\n";
/// let (head, _) = parse_response_head(bytes, &HeadLimits::default())?.unwrap();
/// let framing = response_framing("GET", &head)?;
/// assert_eq!(framing.body, BodyFraming::ContentLength(3));
/// assert_eq!(framing.close, Some(CloseReason::ResponseSaidClose));
/// assert!(!framing.is_reusable());
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// Where the body ends.
    pub body: BodyFraming,
    /// Why the connection must close once this body has been read; `None` when it may carry
    /// another request.
    pub close: Option<CloseReason>,
    /// A transfer coding applied before chunked (`Transfer-Encoding: gzip, chunked`), which the
    /// reader must undo; [`ContentCoding::Identity`] for a plain chunked body or none.
    pub transfer_coding: ContentCoding,
}

impl Framing {
    /// Whether the connection can carry another request once this body has been read.
    pub fn is_reusable(&self) -> bool {
        self.close.is_none()
    }
}

/// Decides the framing of the response `head` to a request with `method`.
///
/// The numbered rules of RFC 9112 section 6.3 that apply to a response, in order:
///
/// 1. A response to HEAD, and any 1xx, 204 or 304 response, has no body.
/// 2. A 2xx response to CONNECT has no body: the connection becomes a tunnel.
/// 3. Transfer-Encoding overrides Content-Length, and a message with both must not leave the
///    connection reusable.
/// 4. With Transfer-Encoding, chunked as the final coding means a chunked body. Before it we
///    accept one of gzip or deflate, for the reader to undo (only with the `gzip` feature, which
///    the caller checks); any other coding is refused rather than handed back encoded.
/// 5. Content-Length values that differ, or are not a number, are an unrecoverable error.
/// 6. A valid Content-Length gives the body's length.
/// 7. (Requests only.)
/// 8. Otherwise the body runs until the server closes the connection.
///
/// # Errors
///
/// [`ErrorKind::Protocol`] for transfer codings other than `chunked`, alone or after one gzip
/// or deflate, and for a
/// Content-Length that is not a decimal number or that disagrees with another.
///
/// ```
/// use plainwire::http1::framing::{response_framing, BodyFraming};
/// use plainwire::http1::head::{parse_response_head, HeadLimits};
/// use plainwire::CloseReason;
///
/// let parse = |bytes: &[u8]| parse_response_head(bytes, &HeadLimits::default()).map(|h| h.unwrap().0);
///
/// // Rule 1: the answer to HEAD has no body, whatever Content-Length says.
/// let head = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")?;
/// assert_eq!(response_framing("HEAD", &head)?.body, BodyFraming::NoBody);
///
/// // Rule 3: Transfer-Encoding wins over Content-Length, and the connection is not reused.
/// let head = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")?;
/// let framing = response_framing("GET", &head)?;
/// assert_eq!(framing.body, BodyFraming::Chunked);
/// assert_eq!(framing.close, Some(CloseReason::AmbiguousFraming));
///
/// // Rule 8: no length at all, so the body runs until the server closes.
/// let head = parse(b"HTTP/1.1 200 OK\r\n\r\n")?;
/// assert_eq!(response_framing("GET", &head)?.body, BodyFraming::CloseDelimited);
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn response_framing(method: &str, head: &ResponseHead) -> Result<Framing> {
    let headers = &head.headers;
    // RFC 9112 section 9.3: "close" ends the connection whatever the version; only then does
    // an HTTP/1.0 response need "keep-alive" to keep it.
    let mut close = if headers.known_has_token(Known::Connection, "close") {
        Some(CloseReason::ResponseSaidClose)
    } else {
        match head.version {
            Version::Http11 => None,
            Version::Http10 if headers.known_has_token(Known::Connection, "keep-alive") => None,
            Version::Http10 => Some(CloseReason::Http10),
        }
    };

    // Rules 1 and 2.
    let status = head.status;
    if method == "HEAD"
        || (100..200).contains(&status)
        || status == 204
        || status == 304
        || (method == "CONNECT" && (200..300).contains(&status))
    {
        if method == "CONNECT" && (200..300).contains(&status) {
            close = Some(CloseReason::Tunnel);
        }
        return Ok(Framing {
            body: BodyFraming::NoBody,
            close,
            transfer_coding: ContentCoding::Identity,
        });
    }

    // Rules 3 and 4.
    if headers.has_known(Known::TransferEncoding) {
        let transfer_coding = chunked_transfer_coding(head)?;
        if headers.has_known(Known::ContentLength) || head.version == Version::Http10 {
            // Both framings at once is the signature of request smuggling; an HTTP/1.0 message
            // with Transfer-Encoding has unreliable framing (RFC 9112 section 6.1). Read this
            // body, then close.
            close = Some(CloseReason::AmbiguousFraming);
        }
        return Ok(Framing {
            body: BodyFraming::Chunked,
            close,
            transfer_coding,
        });
    }

    // Rules 5 and 6.
    if let Some(length) = content_length(head)? {
        return Ok(Framing {
            body: BodyFraming::ContentLength(length),
            close,
            transfer_coding: ContentCoding::Identity,
        });
    }

    // Rule 8.
    Ok(Framing {
        body: BodyFraming::CloseDelimited,
        close: Some(CloseReason::CloseDelimited),
        transfer_coding: ContentCoding::Identity,
    })
}

/// The transfer coding under chunked: none for a lone `chunked`, or one gzip or deflate before
/// it (`gzip, chunked`). Anything else is refused.
fn chunked_transfer_coding(head: &ResponseHead) -> Result<ContentCoding> {
    let mut codings = list_items(head.headers.all_known(Known::TransferEncoding));
    let is_chunked = |coding: &[u8]| coding.eq_ignore_ascii_case(b"chunked");
    let found = match (codings.next(), codings.next(), codings.next()) {
        (Some(last), None, None) if is_chunked(last) => Some(ContentCoding::Identity),
        (Some(first), Some(last), None) if is_chunked(last) => ContentCoding::undoable(first),
        _ => None,
    };
    found.ok_or_else(|| {
        let listed: Vec<String> = head
            .headers
            .all_known(Known::TransferEncoding)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        Error::new(
            ErrorKind::Protocol,
            format!(
                "unsupported transfer coding {:?}: only chunked is understood, after at most one \
                 gzip or deflate",
                listed.join(", ")
            ),
        )
    })
}

/// The Content-Length, if any: every field and list item must be the same decimal number
/// (RFC 9110 section 8.6 lets a recipient accept `5, 5` as 5). The framing uses it, and so
/// does what a response reports as its length; a request's Content-Length is read by the same
/// rule, in the same code.
///
/// # Errors
///
/// [`ErrorKind::Protocol`] for a value that is not a decimal number, or values that differ.
///
/// ```
/// use plainwire::http1::framing::content_length;
/// use plainwire::http1::head::{parse_response_head, HeadLimits};
///
/// let parse = |bytes: &[u8]| parse_response_head(bytes, &HeadLimits::default()).map(|h| h.unwrap().0);
/// assert_eq!(content_length(&parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n")?)?, Some(5));
/// assert!(content_length(&parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n")?).is_err());
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn content_length(head: &ResponseHead) -> Result<Option<u64>> {
    // A value that reaches here holds no CR, LF or other control byte but a tab (httparse
    // refuses them, and the head parser turns each obs-fold into spaces), so trimming list
    // items of spaces and tabs is trimming them of all ASCII whitespace.
    parse_content_length(head.headers.all_known(Known::ContentLength)).map_err(|problem| {
        let message = match problem {
            LengthProblem::NotANumber { value, .. } => format!(
                "invalid Content-Length {:?}",
                String::from_utf8_lossy(value)
            ),
            LengthProblem::Conflict(previous, parsed) => {
                format!("conflicting Content-Length values {previous} and {parsed}")
            }
        };
        Error::new(ErrorKind::Protocol, message)
    })
}

/// Why a list of Content-Length field values is not one length; each caller words it as its
/// own error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LengthProblem<'a> {
    /// `item` (trimmed), one of the comma-separated items of the field value `value`, is not
    /// `1*DIGIT` within a u64.
    NotANumber { value: &'a [u8], item: &'a [u8] },
    /// Two items differ: the length read so far, then the one that disagrees with it.
    Conflict(u64, u64),
}

/// The length that Content-Length field `values` give, or `None` for no field: each value is
/// a comma-separated list (RFC 9110 section 5.6.1, items trimmed of spaces and tabs), and every
/// item must be the same decimal number (RFC 9110 section 8.6 lets a recipient accept `5, 5`
/// as 5). The one parser of this field, for requests and responses alike; the first problem,
/// in field order, is the one returned.
pub(crate) fn parse_content_length<'a>(
    values: impl IntoIterator<Item = &'a [u8]>,
) -> std::result::Result<Option<u64>, LengthProblem<'a>> {
    let mut length: Option<u64> = None;
    for value in values {
        for item in value.split(|&b| b == b',') {
            let item = trim_spaces_and_tabs(item);
            let parsed = parse_decimal(item).ok_or(LengthProblem::NotANumber { value, item })?;
            match length {
                Some(previous) if previous != parsed => {
                    return Err(LengthProblem::Conflict(previous, parsed));
                }
                _ => length = Some(parsed),
            }
        }
    }
    Ok(length)
}

/// `item` without the spaces and tabs (RFC 9110 OWS) at either end.
fn trim_spaces_and_tabs(mut item: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = item {
        item = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = item {
        item = rest;
    }
    item
}

/// A non-empty run of ASCII digits as a u64; `None` on anything else or on overflow.
fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http1::head::{parse_response_head, HeadLimits};

    fn framing(method: &str, head: &str) -> Result<Framing> {
        let (head, _) = parse_response_head(head.as_bytes(), &HeadLimits::default())
            .unwrap()
            .unwrap();
        response_framing(method, &head)
    }

    fn body(method: &str, head: &str) -> BodyFraming {
        framing(method, head).unwrap().body
    }

    #[test]
    fn head_responses_have_no_body_even_with_content_length() {
        assert_eq!(
            body("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"),
            BodyFraming::NoBody
        );
    }

    #[test]
    fn statuses_204_and_304_have_no_body() {
        assert_eq!(
            body(
                "GET",
                "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n"
            ),
            BodyFraming::NoBody
        );
        assert_eq!(
            body("GET", "HTTP/1.1 304 Not Modified\r\n\r\n"),
            BodyFraming::NoBody
        );
    }

    #[test]
    fn chunked_wins_over_content_length_and_forbids_reuse() {
        let f = framing(
            "GET",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            f,
            Framing {
                body: BodyFraming::Chunked,
                close: Some(CloseReason::AmbiguousFraming),
                transfer_coding: ContentCoding::Identity,
            }
        );
    }

    #[test]
    fn chunked_alone_is_reusable() {
        let f = framing(
            "GET",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            f,
            Framing {
                body: BodyFraming::Chunked,
                close: None,
                transfer_coding: ContentCoding::Identity,
            }
        );
    }

    #[test]
    fn gzip_or_deflate_under_chunked_is_for_the_reader_to_undo() {
        let f = framing(
            "GET",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        )
        .unwrap();
        assert_eq!(f.body, BodyFraming::Chunked);
        assert_eq!(f.transfer_coding, ContentCoding::Gzip);
        let f = framing(
            "GET",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .unwrap();
        assert_eq!(f.transfer_coding, ContentCoding::Deflate);
    }

    #[test]
    fn other_transfer_codings_are_refused() {
        for value in [
            "gzip, gzip, chunked",
            "chunked, gzip",
            "br, chunked",
            "gzip",
        ] {
            let head = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: {value}\r\n\r\n");
            let err = framing("GET", &head).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Protocol, "{value}");
        }
        let err = framing(
            "GET",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: x-custom\r\n\r\n",
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol);
    }

    #[test]
    fn identical_content_lengths_are_one_length() {
        assert_eq!(
            body(
                "GET",
                "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n"
            ),
            BodyFraming::ContentLength(5)
        );
    }

    #[test]
    fn different_content_lengths_are_a_protocol_error() {
        let err = framing(
            "GET",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol);
    }

    #[test]
    fn negative_non_numeric_and_overflowing_lengths_are_protocol_errors() {
        for value in ["-1", "abc", "+5", "", "18446744073709551616", "5 5"] {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\n");
            assert_eq!(
                framing("GET", &head).unwrap_err().kind(),
                ErrorKind::Protocol,
                "{value:?}"
            );
        }
    }

    #[test]
    fn no_length_means_read_until_close_and_no_reuse() {
        let f = framing("GET", "HTTP/1.1 200 OK\r\n\r\n").unwrap();
        assert_eq!(
            f,
            Framing {
                body: BodyFraming::CloseDelimited,
                close: Some(CloseReason::CloseDelimited),
                transfer_coding: ContentCoding::Identity,
            }
        );
    }

    #[test]
    fn connection_close_forbids_reuse() {
        assert!(!framing(
            "GET",
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        )
        .unwrap()
        .is_reusable());
    }

    #[test]
    fn http_1_0_is_reused_only_when_it_asks_for_keep_alive() {
        assert!(
            !framing("GET", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
                .unwrap()
                .is_reusable()
        );
        assert!(framing(
            "GET",
            "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"
        )
        .unwrap()
        .is_reusable());
    }

    #[test]
    fn a_successful_connect_has_no_body() {
        assert_eq!(
            body("CONNECT", "HTTP/1.1 200 Connection established\r\n\r\n"),
            BodyFraming::NoBody
        );
    }

    fn parse_list(
        values: &[&'static str],
    ) -> std::result::Result<Option<u64>, LengthProblem<'static>> {
        parse_content_length(values.iter().map(|v| v.as_bytes()))
    }

    #[test]
    fn no_content_length_field_is_no_length() {
        assert_eq!(parse_list(&[]), Ok(None));
    }

    #[test]
    fn one_decimal_number_is_the_length() {
        assert_eq!(parse_list(&["0"]), Ok(Some(0)));
        assert_eq!(parse_list(&["1234"]), Ok(Some(1234)));
        assert_eq!(parse_list(&["18446744073709551615"]), Ok(Some(u64::MAX)));
    }

    #[test]
    fn list_items_and_repeated_fields_that_agree_are_one_length() {
        // RFC 9110 section 8.6: `Content-Length: 42, 42` may be read as 42.
        assert_eq!(parse_list(&["42, 42"]), Ok(Some(42)));
        assert_eq!(parse_list(&["42", "42"]), Ok(Some(42)));
        assert_eq!(parse_list(&[" \t42\t,42 "]), Ok(Some(42)));
    }

    #[test]
    fn items_that_differ_are_a_conflict_in_field_order() {
        assert_eq!(parse_list(&["5, 6"]), Err(LengthProblem::Conflict(5, 6)));
        assert_eq!(parse_list(&["6", "5"]), Err(LengthProblem::Conflict(6, 5)));
    }

    #[test]
    fn an_item_that_is_not_digits_names_itself_and_its_field_value() {
        let not_a_number = |value: &'static str, item: &'static str| {
            Err(LengthProblem::NotANumber {
                value: value.as_bytes(),
                item: item.as_bytes(),
            })
        };
        assert_eq!(parse_list(&[""]), not_a_number("", ""));
        assert_eq!(parse_list(&["5,"]), not_a_number("5,", ""));
        assert_eq!(parse_list(&["+5"]), not_a_number("+5", "+5"));
        assert_eq!(parse_list(&["-1"]), not_a_number("-1", "-1"));
        assert_eq!(parse_list(&["5 5"]), not_a_number("5 5", "5 5"));
        assert_eq!(parse_list(&["0x10"]), not_a_number("0x10", "0x10"));
        assert_eq!(parse_list(&["5", "five"]), not_a_number("five", "five"));
    }

    #[test]
    fn a_number_beyond_u64_is_not_a_number() {
        assert_eq!(
            parse_list(&["18446744073709551616"]),
            Err(LengthProblem::NotANumber {
                value: b"18446744073709551616",
                item: b"18446744073709551616",
            })
        );
    }

    #[test]
    fn only_spaces_and_tabs_are_trimmed() {
        // A response value cannot hold these (the head parser refuses them, below); a request's
        // own value is refused as it was before the parser was shared.
        assert!(matches!(
            parse_list(&["5\x0c"]),
            Err(LengthProblem::NotANumber { .. })
        ));
        assert!(matches!(
            parse_list(&["5\r"]),
            Err(LengthProblem::NotANumber { .. })
        ));
    }

    #[test]
    fn a_response_value_holds_no_whitespace_but_spaces_and_tabs() {
        let limits = HeadLimits::default();
        assert!(parse_response_head(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5,\x0c5\r\n\r\n",
            &limits
        )
        .is_err());
        assert!(parse_response_head(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5,\x0b5\r\n\r\n",
            &limits
        )
        .is_err());
        // An obs-fold's CR LF become spaces before anyone reads the value.
        assert_eq!(
            body("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n 5\r\n\r\n"),
            BodyFraming::ContentLength(5)
        );
    }
}
