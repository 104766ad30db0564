//! [`RecordBoundary`]: whether a stream of TLS bytes stops exactly at the end of a record.
//! It reads record headers and counts; it decrypts nothing and knows no record types.
//!
//! rustls buffers the bytes of a record until the whole record has arrived, and offers no way
//! to ask whether it holds such a partial record. A kept-alive connection whose TLS session
//! holds half a record is not idle: the rest of that record is somebody's data. So the
//! transport feeds every byte it hands to rustls through this counter as well, and a pooled
//! connection must be at a boundary. The records it has seen complete are counted too, for
//! the cap on records without data in one read (`TlsStream::read`).

/// The TLS record header: content type (1), legacy version (2), length (2), RFC 8446 section 5.1.
const HEADER_LEN: usize = 5;

/// Where in the record framing a stream of TLS bytes stands.
#[derive(Debug, Clone, Default)]
pub struct RecordBoundary {
    /// Bytes of the current record's header seen so far (0 to 4; 5 is a complete header).
    header: [u8; HEADER_LEN],
    header_seen: usize,
    /// Bytes of the current record's payload still to come.
    payload_left: usize,
    /// Records whose last byte has been fed.
    completed: u64,
}

impl RecordBoundary {
    /// A stream that has not started, which is at a boundary.
    pub fn new() -> RecordBoundary {
        RecordBoundary::default()
    }

    /// Accounts for `bytes`, the next bytes of the stream.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.payload_left > 0 {
                let skip = self.payload_left.min(bytes.len());
                self.payload_left -= skip;
                bytes = &bytes[skip..];
                if self.payload_left == 0 {
                    self.completed += 1;
                }
                continue;
            }
            let take = (HEADER_LEN - self.header_seen).min(bytes.len());
            self.header[self.header_seen..self.header_seen + take].copy_from_slice(&bytes[..take]);
            self.header_seen += take;
            bytes = &bytes[take..];
            if self.header_seen == HEADER_LEN {
                self.payload_left =
                    usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                self.header_seen = 0;
                if self.payload_left == 0 {
                    self.completed += 1;
                }
            }
        }
    }

    /// How many records have been fed to their last byte.
    pub fn records_completed(&self) -> u64 {
        self.completed
    }

    /// Whether the bytes fed so far end exactly where a record ends (or nothing was fed).
    pub fn at_boundary(&self) -> bool {
        self.header_seen == 0 && self.payload_left == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An application-data record with `len` payload bytes.
    fn record(len: u16) -> Vec<u8> {
        let mut bytes = vec![23, 3, 3];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend(std::iter::repeat_n(0xaa, usize::from(len)));
        bytes
    }

    #[test]
    fn whole_records_end_at_a_boundary() {
        let mut boundary = RecordBoundary::new();
        assert!(boundary.at_boundary());
        let mut stream = record(10);
        stream.extend(record(0));
        stream.extend(record(300));
        boundary.feed(&stream);
        assert!(boundary.at_boundary());
    }

    #[test]
    fn completed_records_are_counted_however_the_bytes_are_cut() {
        let mut stream = record(10);
        let mut ends = vec![stream.len()];
        for len in [0, 300, 7] {
            stream.extend(record(len));
            ends.push(stream.len());
        }
        for cut in 1..stream.len() {
            let mut boundary = RecordBoundary::new();
            boundary.feed(&stream[..cut]);
            // Counted when the record's last byte comes, not before.
            let ended = ends.iter().filter(|&&end| end <= cut).count() as u64;
            assert_eq!(boundary.records_completed(), ended, "cut at {cut}");
            boundary.feed(&stream[cut..]);
            assert_eq!(boundary.records_completed(), 4, "cut at {cut}");
        }
        // One record, cut one byte past its end: complete, and the next begun.
        let mut boundary = RecordBoundary::new();
        boundary.feed(&stream[..16]);
        assert_eq!(boundary.records_completed(), 1);
        assert!(!boundary.at_boundary());
    }

    #[test]
    fn any_cut_inside_a_record_is_not_a_boundary_whatever_the_pieces() {
        let mut stream = record(10);
        stream.extend(record(20));
        let ends = [15, stream.len()];
        for piece in 1..=stream.len() {
            let mut boundary = RecordBoundary::new();
            let mut fed = 0;
            for chunk in stream.chunks(piece) {
                boundary.feed(chunk);
                fed += chunk.len();
                assert_eq!(
                    boundary.at_boundary(),
                    ends.contains(&fed),
                    "piece {piece}, fed {fed}"
                );
            }
        }
    }

    #[test]
    fn a_partial_header_is_not_a_boundary() {
        let mut boundary = RecordBoundary::new();
        boundary.feed(&[23, 3]);
        assert!(!boundary.at_boundary());
        boundary.feed(&[3, 0, 0]);
        assert!(
            boundary.at_boundary(),
            "an empty record ends with its header"
        );
    }
}
