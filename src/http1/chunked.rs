//! Decoding the chunked transfer coding (RFC 9112 section 7.1), a byte at a time if need be.
//!
//! ```text
//! chunked-body   = *chunk last-chunk trailer-section CRLF
//! chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! last-chunk     = 1*("0") [ chunk-ext ] CRLF
//! ```
//!
//! [`ChunkedDecoder`] is a state machine fed with whatever bytes have arrived; it copies chunk
//! data out and keeps only a few counters, so its memory use does not depend on the input.
//! Chunk extensions are skipped and trailer fields discarded, within named bounds. Line ends
//! must be CRLF: chunked framing is where lenient parsers disagree, and disagreement is what
//! request smuggling is made of.

use crate::error::{Error, ErrorKind, Result};

/// The longest chunk-size line we accept, extensions included: generous for real extensions,
/// small enough that a server cannot keep us skipping one line forever.
pub const MAX_CHUNK_LINE: usize = 4096;

/// The most bytes of trailer fields we read (and discard) after the last chunk.
pub const MAX_TRAILER_SECTION: usize = 16 * 1024;

/// The most bytes of chunk-size lines, in one body, beyond what a bare size needs
/// ([`PLAIN_SIZE_LINE`] a line): extensions, whitespace, leading zeros. A size line is bounded
/// by [`MAX_CHUNK_LINE`], but without this a server could send a 4 KiB line for each byte of
/// data, and make us read thousands of bytes for each byte the body limit counts. Real
/// extensions are rare and short; 16 KiB, as in hyper.
pub const MAX_CHUNK_PADDING: usize = 16 * 1024;

/// The bytes of a size line that are never padding: 16 hex digits (a `u64`) and room to
/// spare.
pub const PLAIN_SIZE_LINE: usize = 20;

/// Where the decoder is in the chunked grammar: each state is named for what it expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Hex digits of a chunk size; `digits` counts them (at least one is needed).
    Size { size: u64, digits: usize },
    /// Whitespace after the chunk size: only more of it, the `;` of an extension, or the CR
    /// may follow (RFC 9112: `chunk-ext = *( BWS ";" BWS ext-name … )`).
    SizeWhitespace { size: u64 },
    /// Skipping a chunk extension up to the CR ending the size line.
    Extension { size: u64 },
    /// The LF ending a size line.
    SizeLineLf { size: u64 },
    /// Chunk data: this many bytes still to come.
    Data { remaining: u64 },
    /// The CR after chunk data.
    DataCr,
    /// The LF after chunk data.
    DataLf,
    /// The start of a trailer line, or of the empty line that ends the body.
    TrailerLineStart,
    /// Inside a trailer field line.
    TrailerLine,
    /// The LF ending a trailer field line.
    TrailerLineLf,
    /// The LF of the empty line that ends the body.
    FinalLf,
    /// The body is complete.
    Done,
}

/// Decodes a chunked body. Feed it with [`ChunkedDecoder::decode`] until [`ChunkedDecoder::is_done`].
///
/// ```
/// use plainwire::http1::chunked::ChunkedDecoder;
///
/// let wire = b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
/// let mut decoder = ChunkedDecoder::new();
/// let mut body = Vec::new();
/// let mut out = [0; 4]; // a small buffer: the decoder stops and resumes anywhere
/// let mut input = &wire[..];
/// while !decoder.is_done() {
///     let (used, written) = decoder.decode(input, &mut out)?;
///     body.extend_from_slice(&out[..written]);
///     input = &input[used..];
/// }
/// assert_eq!(body, b"hello, world");
/// assert_eq!(input, b"NEXT"); // the next response's bytes, untouched
///
/// // A line that ends in a bare LF is refused: lenient chunk parsing is how requests are smuggled.
/// assert!(ChunkedDecoder::new().decode(b"5\nhello", &mut out).is_err());
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    /// Bytes of the current size line, to enforce [`MAX_CHUNK_LINE`].
    line_len: usize,
    /// Bytes of the trailer section so far, to enforce [`MAX_TRAILER_SECTION`].
    trailer_len: usize,
    /// Bytes of size lines beyond [`PLAIN_SIZE_LINE`] so far, to enforce [`MAX_CHUNK_PADDING`].
    padding: usize,
}

impl Default for ChunkedDecoder {
    fn default() -> ChunkedDecoder {
        ChunkedDecoder::new()
    }
}

fn protocol(message: &str) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("invalid chunked body: {message}"),
    )
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body.
    pub fn new() -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size { size: 0, digits: 0 },
            line_len: 0,
            trailer_len: 0,
            padding: 0,
        }
    }

    /// Whether the last chunk and the trailer section have been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// If the decoder is inside chunk data, how many bytes of it remain: that many bytes of
    /// input are body bytes as they stand, and may bypass [`ChunkedDecoder::decode`].
    pub fn data_remaining(&self) -> u64 {
        match self.state {
            State::Data { remaining } => remaining,
            _ => 0,
        }
    }

    /// Records that `n` bytes of chunk data (at most [`ChunkedDecoder::data_remaining`]) were
    /// taken directly from the input.
    pub fn consume_data(&mut self, n: u64) {
        if let State::Data { remaining } = self.state {
            let remaining = remaining - n.min(remaining);
            self.state = if remaining == 0 {
                State::DataCr
            } else {
                State::Data { remaining }
            };
        }
    }

    /// Decodes from `input` into `output`. Returns (bytes of input consumed, bytes of output
    /// written). Stops when the input is used up, the output is full, or the body is done;
    /// whatever input is left over belongs to the next response.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Protocol`] when the input breaks the chunked grammar (a missing or
    /// overflowing chunk size, a line not ended by CRLF, a control byte in an extension or a
    /// trailer) or a bound ([`MAX_CHUNK_LINE`], [`MAX_CHUNK_PADDING`], [`MAX_TRAILER_SECTION`]).
    pub fn decode(&mut self, input: &[u8], output: &mut [u8]) -> Result<(usize, usize)> {
        let mut consumed = 0;
        let mut written = 0;
        while consumed < input.len() && self.state != State::Done {
            if let State::Data { remaining } = self.state {
                let room = output.len() - written;
                if room == 0 {
                    break;
                }
                let n = (input.len() - consumed).min(room).min(clamp(remaining));
                output[written..written + n].copy_from_slice(&input[consumed..consumed + n]);
                consumed += n;
                written += n;
                self.consume_data(n as u64);
                continue;
            }
            self.step(input[consumed])?;
            consumed += 1;
        }
        Ok((consumed, written))
    }

    /// Advances the grammar by one byte outside chunk data.
    fn step(&mut self, byte: u8) -> Result<()> {
        self.state = match self.state {
            State::Size { size, digits } => {
                self.count_line_byte()?;
                if let Some(value) = hex_value(byte) {
                    let size = size
                        .checked_mul(16)
                        .and_then(|s| s.checked_add(u64::from(value)))
                        .ok_or_else(|| protocol("chunk size overflows 64 bits"))?;
                    State::Size {
                        size,
                        digits: digits + 1,
                    }
                } else if digits == 0 {
                    return Err(protocol("chunk size missing"));
                } else {
                    after_size(size, byte)?
                }
            }
            State::SizeWhitespace { size } => {
                self.count_line_byte()?;
                after_size(size, byte)?
            }
            State::Extension { size } => {
                self.count_line_byte()?;
                match byte {
                    b'\r' => State::SizeLineLf { size },
                    b'\t' | b' '..=0x7e | 0x80..=0xff => State::Extension { size },
                    _ => return Err(protocol("control character in chunk extension")),
                }
            }
            State::SizeLineLf { size } => {
                if byte != b'\n' {
                    return Err(protocol("chunk size line not ended by CRLF"));
                }
                self.line_len = 0;
                if size == 0 {
                    State::TrailerLineStart
                } else {
                    State::Data { remaining: size }
                }
            }
            State::Data { .. } => unreachable!("chunk data is copied by decode, not stepped"),
            State::DataCr if byte == b'\r' => State::DataLf,
            State::DataLf if byte == b'\n' => State::Size { size: 0, digits: 0 },
            State::DataCr | State::DataLf => {
                return Err(protocol("chunk data not followed by CRLF"));
            }
            State::TrailerLineStart => {
                self.count_trailer_byte()?;
                match byte {
                    b'\r' => State::FinalLf,
                    // A bare LF here would end the body for a lenient parser and not for us.
                    b'\n' | 0 => return Err(protocol("invalid byte in trailer field")),
                    _ => State::TrailerLine,
                }
            }
            State::TrailerLine => {
                self.count_trailer_byte()?;
                match byte {
                    b'\r' => State::TrailerLineLf,
                    b'\n' | 0 => return Err(protocol("invalid byte in trailer field")),
                    _ => State::TrailerLine,
                }
            }
            State::TrailerLineLf | State::FinalLf if byte != b'\n' => {
                return Err(protocol("trailer line not ended by CRLF"));
            }
            State::TrailerLineLf => State::TrailerLineStart,
            State::FinalLf | State::Done => State::Done,
        };
        Ok(())
    }

    /// Counts a byte of a chunk-size line, leading zeros and extensions included, against
    /// [`MAX_CHUNK_LINE`], and past [`PLAIN_SIZE_LINE`] against [`MAX_CHUNK_PADDING`].
    fn count_line_byte(&mut self) -> Result<()> {
        self.line_len += 1;
        if self.line_len > MAX_CHUNK_LINE {
            return Err(protocol("chunk size line longer than 4096 bytes"));
        }
        if self.line_len > PLAIN_SIZE_LINE {
            self.padding += 1;
            if self.padding > MAX_CHUNK_PADDING {
                return Err(protocol(
                    "more than 16 KiB of chunk extensions and padding in one body",
                ));
            }
        }
        Ok(())
    }

    fn count_trailer_byte(&mut self) -> Result<()> {
        self.trailer_len += 1;
        if self.trailer_len > MAX_TRAILER_SECTION {
            return Err(protocol("trailer section larger than 16 KiB"));
        }
        Ok(())
    }
}

/// The state after a chunk size (or whitespace after it) on reading `byte`.
fn after_size(size: u64, byte: u8) -> Result<State> {
    match byte {
        b'\r' => Ok(State::SizeLineLf { size }),
        b';' => Ok(State::Extension { size }),
        b' ' | b'\t' => Ok(State::SizeWhitespace { size }),
        _ => Err(protocol("unexpected byte after the chunk size")),
    }
}

/// The value of an ASCII hex digit, either case.
fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// A u64 count as a usize, saturating on 32-bit targets.
fn clamp(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes all of `input` at once; returns the body and the leftover input.
    fn decode_all(input: &[u8]) -> Result<(Vec<u8>, usize, bool)> {
        let mut decoder = ChunkedDecoder::new();
        let mut out = vec![0; input.len()];
        let (consumed, written) = decoder.decode(input, &mut out)?;
        out.truncate(written);
        Ok((out, input.len() - consumed, decoder.is_done()))
    }

    #[test]
    fn two_chunks_and_the_last_chunk() {
        let (body, left, done) = decode_all(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").unwrap();
        assert_eq!(body, b"hello world");
        assert_eq!((left, done), (0, true));
    }

    #[test]
    fn uppercase_hex_and_leading_zeros() {
        let (body, _, done) = decode_all(b"000A\r\n0123456789\r\n00000\r\n\r\n").unwrap();
        assert_eq!(body, b"0123456789");
        assert!(done);
    }

    #[test]
    fn extensions_are_skipped() {
        let (body, _, done) = decode_all(b"3;name=value;x=\"q\"\r\nabc\r\n0;end\r\n\r\n").unwrap();
        assert_eq!(body, b"abc");
        assert!(done);
    }

    #[test]
    fn extensions_are_bounded_over_the_whole_body() {
        // Each line is under MAX_CHUNK_LINE; together they pass MAX_CHUNK_PADDING.
        let chunk = format!("1;{}\r\nX\r\n", "a".repeat(1000));
        let count = MAX_CHUNK_PADDING / (1000 - PLAIN_SIZE_LINE) + 2;
        let input = chunk.repeat(count) + "0\r\n\r\n";
        let err = decode_all(input.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("16 KiB of chunk extensions"),
            "{err}"
        );
        // A long stream of plain size lines spends none of it, nor do short extensions.
        let input = "1\r\nX\r\n".repeat(50_000) + "3;name=value\r\nabc\r\n0\r\n\r\n";
        let (body, _, done) = decode_all(input.as_bytes()).unwrap();
        assert_eq!(body.len(), 50_003);
        assert!(done);
    }

    #[test]
    fn trailers_are_read_and_discarded() {
        let (body, left, done) =
            decode_all(b"3\r\nabc\r\n0\r\nExpires: never\r\nX: y\r\n\r\nNEXT").unwrap();
        assert_eq!(body, b"abc");
        assert_eq!((left, done), (4, true));
    }

    #[test]
    fn one_byte_at_a_time_gives_the_same_body() {
        let input = b"4;a=b\r\nWiki\r\n5\r\npedia\r\n0\r\nT: 1\r\n\r\n";
        let mut decoder = ChunkedDecoder::new();
        let mut body = Vec::new();
        for byte in input.chunks(1) {
            let mut out = [0u8; 1];
            let (consumed, written) = decoder.decode(byte, &mut out).unwrap();
            assert_eq!(consumed, 1);
            body.extend_from_slice(&out[..written]);
        }
        assert_eq!(body, b"Wikipedia");
        assert!(decoder.is_done());
    }

    #[test]
    fn a_small_output_buffer_is_respected() {
        let mut decoder = ChunkedDecoder::new();
        let mut out = [0u8; 2];
        let (consumed, written) = decoder
            .decode(b"5\r\nhello\r\n0\r\n\r\n", &mut out)
            .unwrap();
        assert_eq!((consumed, written), (5, 2));
        assert_eq!(&out, b"he");
        assert_eq!(decoder.data_remaining(), 3);
    }

    #[test]
    fn an_overflowing_chunk_size_is_refused() {
        let err = decode_all(b"10000000000000000\r\n").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol);
        assert!(err.to_string().contains("overflows"), "{err}");
    }

    #[test]
    fn chunk_data_must_be_followed_by_crlf() {
        let err = decode_all(b"3\r\nabcX\r\n0\r\n\r\n").unwrap_err();
        assert!(err.to_string().contains("not followed by CRLF"), "{err}");
    }

    #[test]
    fn a_missing_size_is_refused() {
        assert_eq!(decode_all(b"\r\n").unwrap_err().kind(), ErrorKind::Protocol);
        assert_eq!(
            decode_all(b"x\r\n").unwrap_err().kind(),
            ErrorKind::Protocol
        );
    }

    #[test]
    fn a_bare_lf_after_the_size_is_refused() {
        assert_eq!(
            decode_all(b"3\nabc\r\n").unwrap_err().kind(),
            ErrorKind::Protocol
        );
    }

    #[test]
    fn an_endless_extension_hits_the_line_limit() {
        let mut input = b"1;".to_vec();
        input.resize(MAX_CHUNK_LINE + 10, b'a');
        assert!(decode_all(&input).unwrap_err().to_string().contains("4096"));
    }

    #[test]
    fn endless_leading_zeros_hit_the_line_limit() {
        // Found by review while fuzzing: zeros never overflow the size, and the line limit was
        // only counted in extensions, so a size line of zeros could go on for ever.
        let mut input = vec![b'0'; MAX_CHUNK_LINE + 10];
        input.extend_from_slice(b"5\r\nhello\r\n0\r\n\r\n");
        let err = decode_all(&input).unwrap_err();
        assert!(err.to_string().contains("4096"), "{err}");
        // Within the limit, leading zeros are fine.
        let mut input = vec![b'0'; MAX_CHUNK_LINE - 3];
        input.extend_from_slice(b"5\r\nhello\r\n0\r\n\r\n");
        assert_eq!(decode_all(&input).unwrap().0, b"hello");
    }

    #[test]
    fn only_whitespace_and_an_extension_may_follow_the_size() {
        let (body, _, done) = decode_all(b"5 \t;x=1\r\nhello\r\n0 \r\n\r\n").unwrap();
        assert_eq!((body.as_slice(), done), (&b"hello"[..], true));
        // "5 5" is not a size of 5 with an extension, nor 55: it is an error, as in hyper.
        for input in [
            &b"5 5\r\nhello\r\n"[..],
            b"5 x\r\n",
            b"5x\r\n",
            b"5\t\x00\r\n",
        ] {
            let err = decode_all(input).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Protocol, "{input:?}");
        }
    }

    #[test]
    fn a_trailer_line_cannot_start_with_a_bare_lf_or_nul() {
        // "0\r\n\n" ends the body for a parser that takes a bare LF as a line end; we used to
        // read the LF as the start of a trailer field and go on.
        for input in [&b"0\r\n\n\r\n\r\n"[..], b"0\r\n\0X: y\r\n\r\n"] {
            let err = decode_all(input).unwrap_err();
            assert!(err.to_string().contains("trailer"), "{input:?}: {err}");
        }
    }

    #[test]
    fn an_endless_trailer_hits_the_section_limit() {
        let mut input = b"0\r\nX: ".to_vec();
        input.resize(MAX_TRAILER_SECTION + 10, b'a');
        assert!(decode_all(&input)
            .unwrap_err()
            .to_string()
            .contains("16 KiB"));
    }

    #[test]
    fn an_incomplete_body_is_not_done() {
        let (body, _, done) = decode_all(b"5\r\nhel").unwrap();
        assert_eq!(body, b"hel");
        assert!(!done);
    }
}
