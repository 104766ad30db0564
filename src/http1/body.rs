//! Turning the bytes after a response head into body bytes, and knowing when the body ends.
//!
//! [`BodyDecoder`] applies a [`BodyFraming`] decision. It counts, it delegates chunked bodies
//! to [`ChunkedDecoder`], and it is the one place that says, from the framing, whether an end
//! of input is the end of the body or a truncation (the transport adds one case it alone can
//! see: a TLS stream closed without `close_notify`). Bulk bytes can bypass it:
//! [`BodyDecoder::verbatim_len`] says how many of the next input bytes are body bytes as they
//! stand, so the caller may read them straight into its own buffer and report them with
//! [`BodyDecoder::consume_verbatim`].

use crate::error::{Error, ErrorKind, Result};
use crate::http1::chunked::ChunkedDecoder;
use crate::http1::framing::BodyFraming;

/// The state of one response body being read.
///
/// ```
/// use plainwire::http1::body::BodyDecoder;
/// use plainwire::http1::framing::BodyFraming;
/// use plainwire::ErrorKind;
///
/// let mut body = BodyDecoder::new(BodyFraming::ContentLength(10));
/// let mut out = [0; 16];
/// let (_, written) = body.decode(b"hi", &mut out)?;
/// assert_eq!(&out[..written], b"hi");
/// // The server hangs up 8 bytes short: that is a truncation, never a short success.
/// assert_eq!(body.end_of_input().unwrap_err().kind(), ErrorKind::Truncated);
///
/// // A body without a length ends when the connection does.
/// let mut body = BodyDecoder::new(BodyFraming::CloseDelimited);
/// body.decode(b"all of it", &mut out)?;
/// assert!(body.end_of_input().is_ok() && body.is_done());
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum BodyDecoder {
    /// No body, or a body already read to its end.
    Done,
    /// A Content-Length body: this many bytes still to come, out of `total`.
    Length {
        /// Bytes still expected.
        remaining: u64,
        /// The declared length, for messages.
        total: u64,
    },
    /// A chunked body.
    Chunked(ChunkedDecoder),
    /// A body that ends when the server closes the connection.
    UntilClose,
}

impl BodyDecoder {
    /// A decoder for a body framed as `framing`.
    pub fn new(framing: BodyFraming) -> BodyDecoder {
        match framing {
            BodyFraming::NoBody | BodyFraming::ContentLength(0) => BodyDecoder::Done,
            BodyFraming::ContentLength(total) => BodyDecoder::Length {
                remaining: total,
                total,
            },
            BodyFraming::Chunked => BodyDecoder::Chunked(ChunkedDecoder::new()),
            BodyFraming::CloseDelimited => BodyDecoder::UntilClose,
        }
    }

    /// Whether the body has been read to its end (always false for a close-delimited body,
    /// whose end only [`BodyDecoder::end_of_input`] can announce).
    pub fn is_done(&self) -> bool {
        match self {
            BodyDecoder::Done => true,
            BodyDecoder::Chunked(chunked) => chunked.is_done(),
            _ => false,
        }
    }

    /// How many of the next input bytes are body bytes exactly as they stand.
    pub fn verbatim_len(&self) -> u64 {
        match self {
            BodyDecoder::Done => 0,
            BodyDecoder::Length { remaining, .. } => *remaining,
            BodyDecoder::Chunked(chunked) => chunked.data_remaining(),
            BodyDecoder::UntilClose => u64::MAX,
        }
    }

    /// Records that `n` verbatim bytes (at most [`BodyDecoder::verbatim_len`]) were taken.
    pub fn consume_verbatim(&mut self, n: u64) {
        match self {
            BodyDecoder::Length { remaining, .. } => {
                *remaining -= n.min(*remaining);
                if *remaining == 0 {
                    *self = BodyDecoder::Done;
                }
            }
            BodyDecoder::Chunked(chunked) => chunked.consume_data(n),
            BodyDecoder::Done | BodyDecoder::UntilClose => {}
        }
    }

    /// Decodes from `input` into `output`; returns (input consumed, output written).
    /// Input left over after the body is done belongs to whatever the server sends next.
    ///
    /// # Errors
    ///
    /// Those of [`ChunkedDecoder::decode`], for a chunked body; the other framings only count.
    pub fn decode(&mut self, input: &[u8], output: &mut [u8]) -> Result<(usize, usize)> {
        if let BodyDecoder::Chunked(chunked) = self {
            return chunked.decode(input, output);
        }
        let n = input
            .len()
            .min(output.len())
            .min(usize::try_from(self.verbatim_len()).unwrap_or(usize::MAX));
        output[..n].copy_from_slice(&input[..n]);
        self.consume_verbatim(n as u64);
        Ok((n, n))
    }

    /// The connection has no more bytes. That ends a close-delimited body; any other body that
    /// is not done was cut short, which is [`ErrorKind::Truncated`] and never a short success.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Truncated`] when a length or chunked body is not done.
    pub fn end_of_input(&mut self) -> Result<()> {
        match self {
            BodyDecoder::Done => Ok(()),
            BodyDecoder::UntilClose => {
                *self = BodyDecoder::Done;
                Ok(())
            }
            BodyDecoder::Length { remaining, total } => Err(Error::new(
                ErrorKind::Truncated,
                format!(
                    "the connection closed {remaining} bytes before the end of a {total}-byte body"
                ),
            )),
            BodyDecoder::Chunked(chunked) if chunked.is_done() => Ok(()),
            BodyDecoder::Chunked(_) => Err(Error::new(
                ErrorKind::Truncated,
                "the connection closed before the last chunk of a chunked body",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_body_stops_at_its_length() {
        let mut decoder = BodyDecoder::new(BodyFraming::ContentLength(5));
        let mut out = [0u8; 16];
        let (consumed, written) = decoder.decode(b"helloHTTP/1.1", &mut out).unwrap();
        assert_eq!((consumed, written), (5, 5));
        assert!(decoder.is_done());
    }

    #[test]
    fn an_early_end_of_a_length_body_is_truncation() {
        let mut decoder = BodyDecoder::new(BodyFraming::ContentLength(10));
        let mut out = [0u8; 16];
        decoder.decode(b"hello", &mut out).unwrap();
        let err = decoder.end_of_input().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Truncated);
        assert!(
            err.to_string()
                .contains("5 bytes before the end of a 10-byte body"),
            "{err}"
        );
    }

    #[test]
    fn an_early_end_of_a_chunked_body_is_truncation() {
        let mut decoder = BodyDecoder::new(BodyFraming::Chunked);
        let mut out = [0u8; 16];
        decoder.decode(b"5\r\nhel", &mut out).unwrap();
        assert_eq!(
            decoder.end_of_input().unwrap_err().kind(),
            ErrorKind::Truncated
        );
    }

    #[test]
    fn a_close_delimited_body_ends_at_end_of_input() {
        let mut decoder = BodyDecoder::new(BodyFraming::CloseDelimited);
        assert!(!decoder.is_done());
        decoder.end_of_input().unwrap();
        assert!(decoder.is_done());
    }

    #[test]
    fn zero_length_and_no_body_start_done() {
        assert!(BodyDecoder::new(BodyFraming::ContentLength(0)).is_done());
        assert!(BodyDecoder::new(BodyFraming::NoBody).is_done());
    }

    #[test]
    fn verbatim_reads_are_counted() {
        let mut decoder = BodyDecoder::new(BodyFraming::ContentLength(10));
        assert_eq!(decoder.verbatim_len(), 10);
        decoder.consume_verbatim(10);
        assert!(decoder.is_done());
    }
}
