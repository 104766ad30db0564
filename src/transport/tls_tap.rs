//! Watching the TLS records of one connection go by, for the trace: the bytes rustls reads and
//! writes, cut into records and described by [`crate::tls_record`]. It decrypts nothing and
//! changes nothing; a connection has a tap only while someone traces.
//!
//! The tap sees what `read_tls` took from the socket and what `write_tls` put on it, in the
//! order they crossed it. Each direction's bytes go to a [`RecordReader`] of their own; the
//! two share a [`HandshakeObserver`], since what one side may send depends on what the other
//! sent. For each record the hook hears its description(s) first (one per handshake message
//! in a cleartext handshake record), then the record's bytes, header included: curl's
//! `--trace` shows the same pair as `== Info: TLSv1.3 (OUT), TLS handshake, Client hello (1):`
//! and `=> Send SSL data`.

use std::sync::Arc;

use crate::tls_record::{Direction, HandshakeObserver, RecordReader, TlsRecord};

/// The record header: content type (1 byte), legacy version (2), length (2), RFC 8446
/// section 5.1.
const HEADER_LEN: usize = 5;

/// What a [`TlsTap`] reports.
#[derive(Debug)]
pub enum TlsTraceEvent<'a> {
    /// One record, or one handshake message in a cleartext handshake record, described.
    Record(&'a TlsRecord),
    /// The bytes of one whole record as they crossed the socket, 5-byte header included,
    /// after its description. Once a direction has stopped being TLS (a plain HTTP answer
    /// on a TLS port, say), its bytes come in the pieces they were read in.
    Bytes {
        /// Which way they went.
        direction: Direction,
        /// The record.
        bytes: &'a [u8],
    },
}

/// The callback a tap reports to: the client layer turns each event into a trace event.
pub type TlsTraceHook = Arc<dyn Fn(TlsTraceEvent<'_>) + Send + Sync>;

/// The records of one TLS connection, described as they cross the socket.
pub struct TlsTap {
    hook: TlsTraceHook,
    observer: HandshakeObserver,
    to_server: DirectionTap,
    to_client: DirectionTap,
}

/// One direction: its reader, and the record in progress, kept whole so that the hook can
/// have its bytes (at most 5 + 65535 bytes, what a record header can announce).
struct DirectionTap {
    reader: RecordReader,
    record: Vec<u8>,
}

impl TlsTap {
    /// A tap for a new connection, reporting to `hook`.
    pub fn new(hook: TlsTraceHook) -> TlsTap {
        TlsTap {
            hook,
            observer: HandshakeObserver::new(),
            to_server: DirectionTap {
                reader: RecordReader::new(Direction::ClientToServer),
                record: Vec::new(),
            },
            to_client: DirectionTap {
                reader: RecordReader::new(Direction::ServerToClient),
                record: Vec::new(),
            },
        }
    }

    /// The next `bytes` that went `direction` over the socket.
    pub fn feed(&mut self, direction: Direction, bytes: &[u8]) {
        let tap = match direction {
            Direction::ClientToServer => &mut self.to_server,
            Direction::ServerToClient => &mut self.to_client,
        };
        let hook = &*self.hook;
        let observer = &mut self.observer;
        let describe = |record: TlsRecord| hook(TlsTraceEvent::Record(&record));
        let mut input = bytes;
        while !input.is_empty() {
            if tap.reader.is_stopped() {
                hook(TlsTraceEvent::Bytes {
                    direction,
                    bytes: input,
                });
                return;
            }
            if tap.record.len() < HEADER_LEN {
                let n = (HEADER_LEN - tap.record.len()).min(input.len());
                tap.record.extend_from_slice(&input[..n]);
                input = &input[n..];
                if tap.record.len() < HEADER_LEN {
                    return;
                }
                // The reader judges the header at once: a header that is not TLS is
                // reported now, not after 64 KiB of whatever follows.
                tap.reader.feed(observer, &tap.record, describe);
                if tap.reader.is_stopped() {
                    hook(TlsTraceEvent::Bytes {
                        direction,
                        bytes: &tap.record,
                    });
                    tap.record.clear();
                    continue;
                }
            }
            let length = usize::from(u16::from_be_bytes([tap.record[3], tap.record[4]]));
            let n = (HEADER_LEN + length - tap.record.len()).min(input.len());
            let start = tap.record.len();
            tap.record.extend_from_slice(&input[..n]);
            input = &input[n..];
            if n > 0 {
                tap.reader.feed(observer, &tap.record[start..], describe);
            }
            if tap.record.len() == HEADER_LEN + length {
                hook(TlsTraceEvent::Bytes {
                    direction,
                    bytes: &tap.record,
                });
                tap.record.clear();
            }
        }
    }
}

impl std::fmt::Debug for TlsTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTap")
            .field("observer", &self.observer)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// What the hook heard, as text: a record's line, or `bytes OUT 6`.
    fn heard(feeds: &[(Direction, &[u8])]) -> Vec<String> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let mut tap = TlsTap::new(Arc::new(move |event: TlsTraceEvent<'_>| {
            let line = match event {
                TlsTraceEvent::Record(record) => record.to_string(),
                TlsTraceEvent::Bytes { direction, bytes } => {
                    format!("bytes {direction} {:?}", bytes)
                }
            };
            sink.lock().unwrap().push(line);
        }));
        for (direction, bytes) in feeds {
            tap.feed(*direction, bytes);
        }
        let lines = log.lock().unwrap().clone();
        lines
    }

    const OUT: Direction = Direction::ClientToServer;
    const IN: Direction = Direction::ServerToClient;

    #[test]
    fn a_record_is_described_then_handed_on_whole_whatever_its_pieces() {
        let record = [21u8, 3, 3, 0, 2, 2, 40];
        let expected = [
            "TLSv1.2 (IN), TLS alert, handshake failure (552):".to_string(),
            format!("bytes IN {:?}", record),
        ];
        for cut in 0..=record.len() {
            let (a, b) = record.split_at(cut);
            assert_eq!(heard(&[(IN, a), (IN, b)]), expected, "cut at {cut}");
        }
    }

    #[test]
    fn two_records_in_one_read_are_two_pairs() {
        let bytes = [20u8, 3, 3, 0, 1, 1, 21, 3, 3, 0, 2, 1, 0];
        assert_eq!(
            heard(&[(OUT, &bytes)]),
            [
                "TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):".to_string(),
                format!("bytes OUT {:?}", &bytes[..6]),
                "TLSv1.2 (OUT), TLS alert, close notify (256):".to_string(),
                format!("bytes OUT {:?}", &bytes[6..]),
            ]
        );
    }

    #[test]
    fn an_empty_record_ends_with_its_header() {
        let bytes = [23u8, 3, 3, 0, 0];
        let lines = heard(&[(IN, &bytes)]);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[1], format!("bytes IN {:?}", bytes));
    }

    #[test]
    fn a_plain_http_answer_is_reported_at_once_then_passed_through() {
        let lines = heard(&[(IN, b"HTTP/1.1 400 Bad"), (IN, b" Request\r\n")]);
        assert_eq!(
            lines,
            [
                // No ClientHello went by, so the version is the header's, which is not one.
                "0x5454 (IN), malformed record: not TLS: the peer answers in plain HTTP (\"HTTP/\")"
                    .to_string(),
                format!("bytes IN {:?}", b"HTTP/"),
                format!("bytes IN {:?}", b"1.1 400 Bad"),
                format!("bytes IN {:?}", b" Request\r\n"),
            ]
        );
    }
}
