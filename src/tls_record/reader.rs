//! Cutting one direction of a TLS byte stream into records (RFC 8446 section 5.1), and
//! cleartext handshake records into messages, in whatever pieces the bytes arrive. It never
//! reads a socket and never decrypts; it keeps at most one record and one handshake message.

use super::handshake::{HandshakeBody, HandshakeMessage};
use super::limits::{MAX_HANDSHAKE_MESSAGE, MAX_RECORD_PAYLOAD};
use super::names::{AlertDescription, AlertLevel, ContentType, HandshakeType, TlsVersion};
use super::observer::HandshakeObserver;
use super::record::{Alert, Detail, Direction, TlsRecord};

/// The record header: content type (1 byte), legacy_record_version (2), length (2).
const HEADER_LEN: usize = 5;

/// Reads the records of one direction of a TLS connection and describes each.
///
/// Feed it the bytes exactly as they cross the socket, in any pieces; it calls back once per
/// complete record, or once per handshake message in a cleartext handshake record. The two
/// directions of a connection need one reader each and one shared [`HandshakeObserver`].
///
/// ```
/// use plainwire::tls_record::{Direction, HandshakeObserver, RecordReader};
///
/// let mut observer = HandshakeObserver::new();
/// let mut reader = RecordReader::new(Direction::ClientToServer);
/// let mut lines = Vec::new();
/// // A change_cipher_spec record, arriving in two pieces.
/// reader.feed(&mut observer, &[20, 3, 3], |r| lines.push(r.to_string()));
/// assert!(lines.is_empty());
/// reader.feed(&mut observer, &[0, 1, 1], |r| lines.push(r.to_string()));
/// assert_eq!(lines, ["TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):"]);
/// assert_eq!(reader.bytes_seen(), 6);
/// ```
#[derive(Debug, Clone)]
pub struct RecordReader {
    direction: Direction,
    /// The header of the record in progress, `header_len` bytes of it so far.
    header: [u8; HEADER_LEN],
    header_len: usize,
    /// Payload bytes of the record in progress still to come.
    remaining: usize,
    /// The payload so far, for the record types read in the clear (change_cipher_spec,
    /// alert, handshake); at most [`MAX_RECORD_PAYLOAD`] bytes.
    payload: Vec<u8>,
    /// The handshake message being put together from records.
    message: MessageAssembler,
    /// A record header was unusable: no more parsing, only counting.
    stopped: bool,
    bytes_seen: u64,
}

impl RecordReader {
    /// A reader for the bytes going in `direction`.
    pub fn new(direction: Direction) -> RecordReader {
        RecordReader {
            direction,
            header: [0; HEADER_LEN],
            header_len: 0,
            remaining: 0,
            payload: Vec::new(),
            message: MessageAssembler::default(),
            stopped: false,
            bytes_seen: 0,
        }
    }

    /// The direction this reader reads.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// All bytes fed so far, parsed or not.
    pub fn bytes_seen(&self) -> u64 {
        self.bytes_seen
    }

    /// Whether the reader met an unusable record header and now only counts bytes.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Bytes held for the record and the handshake message in progress; never more than
    /// `5 + MAX_RECORD_PAYLOAD + MAX_HANDSHAKE_MESSAGE`.
    pub fn buffered_len(&self) -> usize {
        self.header_len + self.payload.len() + self.message.buf.len()
    }

    /// Takes the next `bytes` of this direction, calling `each` with a description of every
    /// record (or handshake message) they complete, in order. Bytes that end mid-record are
    /// kept (or, for an encrypted record, counted) until the rest arrives.
    pub fn feed(
        &mut self,
        observer: &mut HandshakeObserver,
        bytes: &[u8],
        mut each: impl FnMut(TlsRecord),
    ) {
        self.bytes_seen = self.bytes_seen.saturating_add(bytes.len() as u64);
        let mut input = bytes;
        while !input.is_empty() && !self.stopped {
            if self.header_len < HEADER_LEN {
                let n = (HEADER_LEN - self.header_len).min(input.len());
                self.header[self.header_len..self.header_len + n].copy_from_slice(&input[..n]);
                self.header_len += n;
                input = &input[n..];
                if self.header_len == HEADER_LEN {
                    self.start_record(observer, &mut each);
                }
                continue;
            }
            let n = self.remaining.min(input.len());
            if keeps_payload(self.content_type()) {
                self.payload.extend_from_slice(&input[..n]);
            }
            self.remaining -= n;
            input = &input[n..];
            if self.remaining == 0 {
                self.finish_record(observer, &mut each);
            }
        }
    }

    fn content_type(&self) -> ContentType {
        ContentType(self.header[0])
    }

    fn record_version(&self) -> TlsVersion {
        TlsVersion(u16::from_be_bytes([self.header[1], self.header[2]]))
    }

    fn record_length(&self) -> usize {
        usize::from(u16::from_be_bytes([self.header[3], self.header[4]]))
    }

    /// The header is complete: check it, then wait for the payload (or finish at once if
    /// there is none).
    fn start_record(&mut self, observer: &mut HandshakeObserver, each: &mut impl FnMut(TlsRecord)) {
        let length = self.record_length();
        let problem = if self.header[1] != 3 {
            // RFC 8446 section 5.1: legacy_record_version is 0x0301 or 0x0303; every TLS and
            // SSL 3 version starts with 3. Anything else is not TLS at all.
            Some(not_tls(&self.header))
        } else if length > MAX_RECORD_PAYLOAD {
            Some(format!(
                "a record of {length} bytes, over the {MAX_RECORD_PAYLOAD} TLS allows \
                 (RFC 5246 6.2.3)"
            ))
        } else {
            None
        };
        if let Some(reason) = problem {
            self.stopped = true;
            self.header_len = 0;
            each(self.describe(
                observer,
                Detail::Malformed {
                    reason,
                    fatal: true,
                },
            ));
            return;
        }
        self.remaining = length;
        self.payload.clear();
        if keeps_payload(self.content_type()) {
            self.payload.reserve_exact(length);
        }
        if length == 0 {
            self.finish_record(observer, each);
        }
    }

    /// The whole record is here: describe it (and each handshake message it completes), and
    /// tell the observer.
    fn finish_record(
        &mut self,
        observer: &mut HandshakeObserver,
        each: &mut impl FnMut(TlsRecord),
    ) {
        self.header_len = 0;
        let content_type = self.content_type();
        let length = self.record_length();
        if content_type != ContentType::HANDSHAKE {
            // RFC 8446 section 5.1: handshake messages may not be interleaved with other
            // record types; a message cut off this way will never be completed.
            self.message.reset();
        }
        if let Some(content) = observer.encrypted(self.direction, content_type, length) {
            each(self.describe(observer, Detail::Encrypted(content)));
            observer.saw_encrypted(self.direction, content);
            return;
        }
        let payload = std::mem::take(&mut self.payload);
        match content_type {
            ContentType::HANDSHAKE => self.handshake_record(observer, &payload, each),
            ContentType::CHANGE_CIPHER_SPEC => {
                let detail = if payload == [1] {
                    Detail::ChangeCipherSpec
                } else {
                    Detail::Malformed {
                        reason: format!(
                            "change_cipher_spec of {} bytes; it is the single byte 1 \
                             (RFC 5246 7.1)",
                            payload.len()
                        ),
                        fatal: false,
                    }
                };
                each(self.describe(observer, detail));
                observer.saw_change_cipher_spec(self.direction);
            }
            ContentType::ALERT => {
                let detail = match payload[..] {
                    [level, description] => Detail::Alert(Alert {
                        level: AlertLevel(level),
                        description: AlertDescription(description),
                    }),
                    _ => Detail::Malformed {
                        reason: format!(
                            "an alert record of {} bytes; an alert is 2 (RFC 8446 6)",
                            payload.len()
                        ),
                        fatal: false,
                    },
                };
                each(self.describe(observer, detail));
            }
            ContentType::HEARTBEAT => each(self.describe(observer, Detail::Heartbeat)),
            _ => each(self.describe(observer, Detail::UnknownType)),
        }
        // Keep the allocation for the next record.
        self.payload = payload;
        self.payload.clear();
    }

    /// A cleartext handshake record: one description per message it completes, or one for
    /// the fragment if it completes none.
    fn handshake_record(
        &mut self,
        observer: &mut HandshakeObserver,
        payload: &[u8],
        each: &mut impl FnMut(TlsRecord),
    ) {
        if payload.is_empty() {
            each(self.describe(
                observer,
                Detail::Malformed {
                    reason: "an empty handshake record (RFC 8446 5.1 forbids them)".into(),
                    fatal: false,
                },
            ));
            return;
        }
        let mut described = false;
        let mut input = payload;
        while !input.is_empty() {
            let (used, message) = self.message.push(input);
            input = &input[used..];
            if let Some(message) = message {
                // curl prints a ClientHello with the highest version it offers, and a
                // ServerHello with the version offered before it (the one it chooses shows
                // from the next message on): so the observer learns a ClientHello before
                // describing it, and anything else after.
                let client_hello = matches!(message.body, HandshakeBody::ClientHello(_));
                if client_hello {
                    observer.saw_handshake(&message);
                }
                let record = self.describe(observer, Detail::Handshake(message));
                if let (false, Detail::Handshake(message)) = (client_hello, &record.detail) {
                    observer.saw_handshake(message);
                }
                each(record);
                described = true;
            }
        }
        if !described {
            let (msg_type, received, total) = self.message.progress();
            each(self.describe(
                observer,
                Detail::HandshakeFragment {
                    msg_type,
                    received,
                    total,
                },
            ));
        }
    }

    fn describe(&self, observer: &HandshakeObserver, detail: Detail) -> TlsRecord {
        TlsRecord {
            direction: self.direction,
            version: observer.display_version(self.record_version()),
            content_type: self.content_type(),
            record_version: self.record_version(),
            length: self.record_length(),
            detail,
        }
    }
}

/// Whether a record's payload is kept to be decoded: the types that may travel in the clear.
/// Application data and unknown types are only counted.
fn keeps_payload(content_type: ContentType) -> bool {
    matches!(
        content_type,
        ContentType::CHANGE_CIPHER_SPEC | ContentType::ALERT | ContentType::HANDSHAKE
    )
}

/// Why a header is not a TLS record; names the usual culprit, a plain HTTP server's answer.
fn not_tls(header: &[u8; HEADER_LEN]) -> String {
    if header.starts_with(b"HTTP/") {
        "not TLS: the peer answers in plain HTTP (\"HTTP/\")".into()
    } else {
        format!(
            "not TLS: a record header cannot start {:02x} {:02x} {:02x}",
            header[0], header[1], header[2]
        )
    }
}

/// Puts handshake messages together from the records they arrive in (RFC 8446 section 5.1:
/// a message may span records, a record may hold several messages). Keeps at most
/// [`MAX_HANDSHAKE_MESSAGE`] bytes; a longer message is skipped and described by type and
/// length only.
#[derive(Debug, Clone, Default)]
struct MessageAssembler {
    /// The message so far, 4-byte header included, while it fits the limit.
    buf: Vec<u8>,
    /// A message over the limit being skipped: its type, its length, and how many of its
    /// bytes are still to come.
    skipping: Option<(HandshakeType, usize, usize)>,
}

impl MessageAssembler {
    fn reset(&mut self) {
        self.buf.clear();
        self.skipping = None;
    }

    /// Takes bytes from `input`, up to the end of the current message. Returns how many it
    /// took, and the message if that completed it.
    fn push(&mut self, input: &[u8]) -> (usize, Option<HandshakeMessage>) {
        if let Some((msg_type, length, left)) = &mut self.skipping {
            let n = (*left).min(input.len());
            *left -= n;
            if *left > 0 {
                return (n, None);
            }
            let message = HandshakeMessage::too_large(*msg_type, *length);
            self.skipping = None;
            return (n, Some(message));
        }
        let mut used = 0;
        if self.buf.len() < 4 {
            used = (4 - self.buf.len()).min(input.len());
            self.buf.extend_from_slice(&input[..used]);
            if self.buf.len() < 4 {
                return (used, None);
            }
            let length = message_length(&self.buf);
            if 4 + length > MAX_HANDSHAKE_MESSAGE {
                self.skipping = Some((HandshakeType(self.buf[0]), length, length));
                self.buf.clear();
                let (n, message) = self.push(&input[used..]);
                return (used + n, message);
            }
            self.buf.reserve_exact(length);
        }
        let total = 4 + message_length(&self.buf);
        let n = (total - self.buf.len()).min(input.len() - used);
        self.buf.extend_from_slice(&input[used..used + n]);
        used += n;
        if self.buf.len() < total {
            return (used, None);
        }
        let message = HandshakeMessage::parse(&self.buf);
        self.buf.clear();
        (used, Some(message))
    }

    /// The message in progress: its type, bytes received (header included), and its whole
    /// length once the header is in.
    fn progress(&self) -> (HandshakeType, usize, Option<usize>) {
        if let Some((msg_type, length, left)) = self.skipping {
            return (msg_type, 4 + length - left, Some(4 + length));
        }
        let msg_type = HandshakeType(self.buf.first().copied().unwrap_or(0));
        let total = (self.buf.len() >= 4).then(|| 4 + message_length(&self.buf));
        (msg_type, self.buf.len(), total)
    }
}

/// The 3-byte length in a handshake message header (`buf` holds at least 4 bytes).
fn message_length(buf: &[u8]) -> usize {
    usize::from(buf[1]) << 16 | usize::from(buf[2]) << 8 | usize::from(buf[3])
}
