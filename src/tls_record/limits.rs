//! The bounds of the record reader, each with its reason; no code.

/// The longest record payload accepted: 2^14 + 2048 bytes, what TLS 1.2 allows a
/// TLSCiphertext (RFC 5246 section 6.2.3; TLS 1.3 allows only 2^14 + 256, RFC 8446 section
/// 5.2). A longer length field means the stream is not TLS or is hostile; the reader stops
/// parsing that direction instead of buffering it.
pub const MAX_RECORD_PAYLOAD: usize = (1 << 14) + 2048;

/// The longest handshake message put together from records, header included: 64 KiB. A
/// message may be up to 16 MiB long by its 3-byte length; real ones stay far below (a
/// certificate chain is a few kilobytes). A longer one is skipped, and described by its
/// type and length only.
pub const MAX_HANDSHAKE_MESSAGE: usize = 64 * 1024;
