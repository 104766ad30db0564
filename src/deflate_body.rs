//! A `Content-Encoding: deflate` body, decoded: zlib as RFC 9110 says, or raw deflate as some
//! servers send it. It does not decode gzip (flate2's `MultiGzDecoder` does, in
//! [`BodyReader`](crate::BodyReader)).
//!
//! RFC 9110 section 8.4.1.2 defines `deflate` as the zlib format (RFC 1950): a two-byte header,
//! the deflate data (RFC 1951), a checksum. Some servers (older IIS, some PHP setups) send the
//! bare deflate data under the same name; browsers, curl and urllib3 accept both. The two are
//! told apart by the first two bytes: a zlib header names compression method 8 in its low four
//! bits and makes a multiple of 31 when read as a big-endian number (RFC 1950 section 2.2).
//! Bare deflate data that happens to begin that way is decoded as zlib and fails as corrupt:
//! the odds are small, and the error says so rather than handing over wrong bytes, since zlib's
//! checksum is checked.
//!
//! Bytes after the end of the deflate data, within the body, are an error too, as in curl: the
//! data says where it ends, so whatever follows was not meant as part of it, and dropping it
//! without a word would hide a damaged or doctored body.

use std::io::{BufRead, BufReader, Chain, Cursor, Read, Take};

use flate2::bufread::{DeflateDecoder, ZlibDecoder};

use crate::client::WireBody;

/// The bytes read to tell the formats apart (two, or fewer if the body is shorter), then the
/// rest of the body, buffered so that what is left after the deflate data can be seen.
type Sniffed = BufReader<Chain<Take<Cursor<[u8; 2]>>, WireBody>>;

/// A `deflate` body: undecided until its first two bytes are read.
pub(crate) enum DeflateBody {
    /// Nothing read yet.
    Unread(Option<WireBody>),
    /// A zlib stream (RFC 1950).
    Zlib(ZlibDecoder<Sniffed>),
    /// Bare deflate data (RFC 1951).
    Raw(DeflateDecoder<Sniffed>),
}

impl DeflateBody {
    pub(crate) fn new(wire: WireBody) -> DeflateBody {
        DeflateBody::Unread(Some(wire))
    }

    /// The body on the wire below the decoder.
    pub(crate) fn wire(&self) -> Option<&WireBody> {
        match self {
            DeflateBody::Unread(wire) => wire.as_ref(),
            DeflateBody::Zlib(decoder) => Some(decoder.get_ref().get_ref().get_ref().1),
            DeflateBody::Raw(decoder) => Some(decoder.get_ref().get_ref().get_ref().1),
        }
    }

    /// The body on the wire below the decoder, to change how it is read.
    pub(crate) fn wire_mut(&mut self) -> Option<&mut WireBody> {
        match self {
            DeflateBody::Unread(wire) => wire.as_mut(),
            DeflateBody::Zlib(decoder) => Some(decoder.get_mut().get_mut().get_mut().1),
            DeflateBody::Raw(decoder) => Some(decoder.get_mut().get_mut().get_mut().1),
        }
    }
}

/// Whether `first` and `second` make a zlib header: method 8 (deflate), and the header check
/// (RFC 1950 section 2.2).
fn is_zlib_header(first: u8, second: u8) -> bool {
    first & 0x0f == 8 && (u16::from(first) << 8 | u16::from(second)) % 31 == 0
}

impl Read for DeflateBody {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self {
                DeflateBody::Zlib(decoder) => {
                    let n = decoder.read(out)?;
                    return end_checked(n, out, decoder.get_mut());
                }
                DeflateBody::Raw(decoder) => {
                    let n = decoder.read(out)?;
                    return end_checked(n, out, decoder.get_mut());
                }
                DeflateBody::Unread(wire) => {
                    let Some(mut wire) = wire.take() else {
                        // Reading the first bytes failed before: the body is not usable.
                        return Err(std::io::ErrorKind::BrokenPipe.into());
                    };
                    let mut first = [0u8; 2];
                    let mut got = 0;
                    while got < first.len() {
                        match wire.read(&mut first[got..])? {
                            0 => break,
                            n => got += n,
                        }
                    }
                    // `got` is at most 2.
                    let sniffed = BufReader::new(Cursor::new(first).take(got as u64).chain(wire));
                    *self = if got == 2 && !is_zlib_header(first[0], first[1]) {
                        DeflateBody::Raw(DeflateDecoder::new(sniffed))
                    } else {
                        DeflateBody::Zlib(ZlibDecoder::new(sniffed))
                    };
                }
            }
        }
    }
}

/// `n`, what a decoder gave for `out`, unless the decoder says the data has ended (0 for a
/// non-empty `out`) while the body still has bytes: those are refused as invalid data.
fn end_checked(n: usize, out: &[u8], rest: &mut Sniffed) -> std::io::Result<usize> {
    if n == 0 && !out.is_empty() && !rest.fill_buf()?.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "bytes after the end of the deflate data",
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_headers_are_told_from_deflate_data() {
        // The header of every compression level flate2 and zlib write.
        for second in [0x01, 0x5e, 0x9c, 0xda] {
            assert!(is_zlib_header(0x78, second), "{second:#x}");
        }
        // Bare deflate data: a final fixed-Huffman block, a stored block.
        assert!(!is_zlib_header(0xcb, 0x48));
        assert!(!is_zlib_header(0x01, 0x05));
        // Method 8 but a failed check.
        assert!(!is_zlib_header(0x78, 0x00));
    }
}
