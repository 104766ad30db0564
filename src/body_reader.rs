//! [`BodyReader`]: a response body as a `std::io::Read`, decoded and within its limit. It
//! knows no framing and touches no socket: the [`WireBody`] under it does.
//!
//! Under it, a [`WireBody`] reads the framed bytes off the connection. On top, this type undoes
//! a content coding (gzip or deflate, with the `gzip` feature, when we asked for it) and counts
//! what it hands out against the body's limit, so that a small compressed body cannot expand
//! past the limit either.

use std::io::Read;
use std::time::Instant;

use crate::client::WireBody;
#[cfg(feature = "gzip")]
use crate::deflate_body::DeflateBody;
use crate::error::{Error, ErrorKind, Result};
use crate::http1::coding::ContentCoding;

/// The body of a response, read as a stream. Get one from
/// [`Response::into_reader`](crate::Response::into_reader), or read the `Response` itself.
///
/// An early end of the stream is an error of kind
/// [`ErrorKind::Truncated`](crate::ErrorKind::Truncated), carried inside the `io::Error`, never
/// a quiet short read. Dropping the reader before the end closes the connection, unless the rest
/// of the body has already arrived, in which case the connection is kept for reuse.
///
/// ```
/// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// # let url = format!("http://{}/", listener.local_addr()?);
/// # std::thread::spawn(move || -> std::io::Result<()> {
/// #     use std::io::{Read, Write};
/// #     let (mut socket, _) = listener.accept()?;
/// #     socket.read(&mut [0; 4096])?;
/// #     // Promises 10 bytes, sends 2, and hangs up.
/// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhi")
/// # });
/// use std::io::Read;
/// use plainwire::ErrorKind;
///
/// // `url`: a server on 127.0.0.1 that this example starts; it promises 10 bytes, sends 2
/// // and closes the connection.
/// let mut body = plainwire::get(&url).send()?.into_reader();
/// let err = body.read_to_end(&mut Vec::new()).unwrap_err();
/// assert_eq!(body.bytes_read(), 2);
/// assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
/// // The plainwire error inside the io::Error comes back out with `From`:
/// assert_eq!(plainwire::Error::from(err).kind(), ErrorKind::Truncated);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BodyReader {
    source: Source,
    /// Whether what is undone is the body's Content-Encoding, not a transfer coding
    /// (`Transfer-Encoding: gzip, chunked`, under which a content coding stays as sent).
    undoes_content_coding: bool,
    limit: Option<u64>,
    delivered: u64,
}

/// Where the bytes come from: the wire as is, or through a decompressor.
// The unboxed `Identity` is the common case; boxing it would cost an allocation per response.
#[allow(clippy::large_enum_variant)]
enum Source {
    /// Given up after the limit was passed.
    Abandoned,
    /// Given up after the compressed data was found corrupt: every later read fails again
    /// with this ([`Error::again`], as a failed `WireBody` does), where a decompressor that has
    /// reported a bad checksum once would then say "the end".
    #[cfg(feature = "gzip")]
    Corrupt(Error),
    Identity(WireBody),
    #[cfg(feature = "gzip")]
    Gzip(Box<flate2::read::MultiGzDecoder<WireBody>>),
    #[cfg(feature = "gzip")]
    Deflate(Box<DeflateBody>),
}

impl BodyReader {
    /// `wire` with `coding` undone as it is read; `transfer_coded` when that coding is the
    /// transfer coding, not the Content-Encoding.
    pub(crate) fn new(wire: WireBody, coding: ContentCoding, transfer_coded: bool) -> BodyReader {
        let source = match coding {
            _ if wire.is_empty() => Source::Identity(wire),
            #[cfg(feature = "gzip")]
            ContentCoding::Gzip => Source::Gzip(Box::new(flate2::read::MultiGzDecoder::new(wire))),
            #[cfg(feature = "gzip")]
            ContentCoding::Deflate => Source::Deflate(Box::new(DeflateBody::new(wire))),
            // Without the `gzip` feature we never ask for a coding, so none is ever undone.
            _ => Source::Identity(wire),
        };
        BodyReader {
            source,
            undoes_content_coding: !transfer_coded,
            limit: None,
            delivered: 0,
        }
    }

    fn wire(&self) -> Option<&WireBody> {
        match &self.source {
            Source::Abandoned => None,
            #[cfg(feature = "gzip")]
            Source::Corrupt(_) => None,
            Source::Identity(wire) => Some(wire),
            #[cfg(feature = "gzip")]
            Source::Gzip(decoder) => Some(decoder.get_ref()),
            #[cfg(feature = "gzip")]
            Source::Deflate(decoder) => decoder.wire(),
        }
    }

    /// [`BodyReader::wire`], to change how it is read.
    fn wire_mut(&mut self) -> Option<&mut WireBody> {
        match &mut self.source {
            Source::Abandoned => None,
            #[cfg(feature = "gzip")]
            Source::Corrupt(_) => None,
            Source::Identity(wire) => Some(wire),
            #[cfg(feature = "gzip")]
            Source::Gzip(decoder) => Some(decoder.get_mut()),
            #[cfg(feature = "gzip")]
            Source::Deflate(decoder) => decoder.wire_mut(),
        }
    }

    /// What a decompressor's failure means: the end of an empty body when nothing at all came
    /// (a body that came empty is empty, whatever coding its head named, as curl and urllib3
    /// read it: there is nothing to decompress); otherwise the error ([`decode_error`]).
    /// Corrupt data is remembered: the decoder is dropped, and with it the body below (its
    /// connection goes back to the pool only if the body was read to its end, as for any
    /// body dropped), and every later read fails the same way.
    #[cfg(feature = "gzip")]
    fn decode_failure(&mut self, err: std::io::Error, coding: &str) -> Result<usize> {
        let err = decode_error(err, coding);
        let came_empty = self
            .wire()
            .is_some_and(|wire| wire.received() == 0 && wire.finished_at().is_some());
        if came_empty && err.kind() == ErrorKind::Decode {
            Ok(0)
        } else {
            if err.kind() == ErrorKind::Decode {
                self.source = Source::Corrupt(err.again());
            }
            Err(err)
        }
    }

    fn too_large(limit: u64) -> Error {
        Error::new(
            ErrorKind::BodyTooLarge,
            format!("the response body is larger than the limit of {limit} bytes"),
        )
    }

    /// Fails reads once more than `limit` body bytes (after decompression) have been read,
    /// with [`ErrorKind::BodyTooLarge`]. A compressed body's bytes as they come are held to it
    /// too, with room for deflate's own overhead on data it cannot shrink (5 bytes a 64 KiB
    /// block, and headers): compressed data that decodes to nothing would otherwise be read
    /// without end.
    pub(crate) fn set_limit(&mut self, limit: Option<u64>) {
        self.limit = limit;
        #[cfg(feature = "gzip")]
        if let (Some(limit), true) = (limit, self.is_decoded()) {
            if let Some(wire) = self.wire_mut() {
                wire.limit_received(limit.saturating_add(limit / 1024 + 4096));
            }
        }
    }

    /// Holds the body to the floor on speed of a body read into memory
    /// ([`BUFFERED_MIN_SPEED`](crate::defaults::BUFFERED_MIN_SPEED)), unless the call set its
    /// own low-speed limit.
    pub(crate) fn hold_to_buffered_minimum(&mut self) {
        if let Some(wire) = self.wire_mut() {
            wire.hold_to_buffered_minimum();
        }
    }

    /// Whether the body is known to be empty before it is read (no body, or a zero
    /// Content-Length).
    pub(crate) fn is_empty(&self) -> bool {
        self.wire().is_some_and(WireBody::is_empty)
    }

    /// The current limit.
    pub(crate) fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Whether the body is being decompressed.
    pub(crate) fn is_decoded(&self) -> bool {
        !matches!(self.source, Source::Identity(_) | Source::Abandoned)
    }

    /// Whether the body is handed out with its Content-Encoding undone: the head's
    /// Content-Encoding then describes the bytes that came, not these.
    pub(crate) fn is_content_decoded(&self) -> bool {
        self.is_decoded() && self.undoes_content_coding
    }

    /// When the body was read to its end off the connection, if it has been.
    pub(crate) fn finished_at(&self) -> Option<Instant> {
        self.wire().and_then(WireBody::finished_at)
    }

    /// Body bytes handed out so far (after decompression): for a progress bar, say.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// use std::io::Read;
    ///
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// let mut body = plainwire::get(&url).send()?.into_reader();
    /// let mut text = String::new();
    /// body.read_to_string(&mut text)?;
    /// assert_eq!((text.as_str(), body.bytes_read()), ("hello", 5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bytes_read(&self) -> u64 {
        self.delivered
    }

    /// Reads body bytes into `out`; `Ok(0)` at the end of the body.
    pub(crate) fn read_body(&mut self, out: &mut [u8]) -> Result<usize> {
        let n = match &mut self.source {
            Source::Abandoned => return Err(BodyReader::too_large(self.limit.unwrap_or(0))),
            Source::Identity(wire) => wire.read_body(out)?,
            #[cfg(feature = "gzip")]
            Source::Corrupt(failure) => return Err(failure.again()),
            #[cfg(feature = "gzip")]
            Source::Gzip(decoder) => match decoder.read(out) {
                Ok(n) => n,
                Err(err) => self.decode_failure(err, "gzip")?,
            },
            #[cfg(feature = "gzip")]
            Source::Deflate(decoder) => match decoder.read(out) {
                Ok(n) => n,
                Err(err) => self.decode_failure(err, "deflate")?,
            },
        };
        if let Some(limit) = self.limit {
            if self.delivered + n as u64 > limit {
                // Nothing more will be read: let the connection go.
                self.source = Source::Abandoned;
                return Err(BodyReader::too_large(limit));
            }
        }
        self.delivered += n as u64;
        Ok(n)
    }
}

/// An error from a decompressor: ours from the wire below (truncation, timeout) passes through;
/// anything else means the compressed data is corrupt.
#[cfg(feature = "gzip")]
fn decode_error(err: std::io::Error, coding: &str) -> Error {
    if err.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        return Error::from_io(err, "");
    }
    Error::new(
        ErrorKind::Decode,
        format!("the {coding} body could not be decompressed"),
    )
    .with_source(err)
}

impl Read for BodyReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.read_body(out).map_err(Into::into)
    }
}

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader")
            .field("wire", &self.wire())
            .field("decoded", &self.is_decoded())
            .field("content_decoded", &self.is_content_decoded())
            .field("delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}
