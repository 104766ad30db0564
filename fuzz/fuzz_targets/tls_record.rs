//! `tls_record::RecordReader` on both directions of a connection, sharing one
//! `HandshakeObserver`, fed in fuzzer-chosen pieces; then the same bytes again in smaller
//! pieces.
//!
//! Input: byte 0 seeds the split points; bytes 1-2 are the big-endian length of the
//! client-to-server stream, which follows; the rest is the server-to-client stream. The two
//! are interleaved chunk by chunk, as a connection's reads and writes would be.
//!
//! Checks, beyond "no panic": the readers never hold more than one record and one
//! handshake message; they count every byte; every record yields at least one description
//! and no input yields more descriptions than bytes; the same bytes in finer pieces give the
//! same descriptions; the one-line form is one short line and neither form holds a control
//! character a peer could use on a terminal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainwire::tls_record::{
    Direction, HandshakeObserver, RecordReader, TlsRecord, MAX_HANDSHAKE_MESSAGE,
    MAX_RECORD_PAYLOAD,
};

/// A small xorshift generator for split points.
struct Splits(u32);

impl Splits {
    fn next(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 as usize % bound
    }
}

/// The two streams cut into chunks and interleaved: (direction, bytes) in feeding order.
fn interleave<'a>(client: &'a [u8], server: &'a [u8], seed: u8) -> Vec<(Direction, &'a [u8])> {
    let mut splits = Splits(u32::from(seed) | 0x100);
    let mut rest = [client, server];
    let mut chunks = Vec::new();
    while !rest[0].is_empty() || !rest[1].is_empty() {
        let side = splits.next(2);
        let len = (1 + splits.next(600)).min(rest[side].len());
        let (chunk, after) = rest[side].split_at(len);
        rest[side] = after;
        if !chunk.is_empty() {
            let direction = [Direction::ClientToServer, Direction::ServerToClient][side];
            chunks.push((direction, chunk));
        }
    }
    chunks
}

/// Feeds `chunks`, each cut into `pieces` pieces at most; returns the descriptions.
fn read(chunks: &[(Direction, &[u8])], pieces: usize, seed: u8) -> Vec<TlsRecord> {
    let mut splits = Splits(u32::from(seed) << 8 | 0x5a);
    let mut observer = HandshakeObserver::new();
    let mut readers = [
        RecordReader::new(Direction::ClientToServer),
        RecordReader::new(Direction::ServerToClient),
    ];
    let mut fed = [0u64; 2];
    let mut records = Vec::new();
    for (direction, chunk) in chunks {
        let side = usize::from(*direction == Direction::ServerToClient);
        let mut rest = *chunk;
        for _ in 1..pieces {
            let at = splits.next(rest.len() + 1);
            let (piece, after) = rest.split_at(at);
            readers[side].feed(&mut observer, piece, |r| records.push(r));
            rest = after;
        }
        readers[side].feed(&mut observer, rest, |r| records.push(r));
        fed[side] += chunk.len() as u64;
        let reader = &readers[side];
        assert_eq!(reader.bytes_seen(), fed[side], "bytes went uncounted");
        assert!(
            reader.buffered_len() <= 5 + MAX_RECORD_PAYLOAD + MAX_HANDSHAKE_MESSAGE,
            "holds {} bytes",
            reader.buffered_len()
        );
    }
    records
}

/// Whether `stream` holds its whole first record, or a first header the reader refuses at once.
fn first_record_is_whole(stream: &[u8]) -> bool {
    let [_, major, _, high, low, ..] = *stream else {
        return false;
    };
    let length = usize::from(u16::from_be_bytes([high, low]));
    major != 3 || length > MAX_RECORD_PAYLOAD || stream.len() >= 5 + length
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let seed = data[0];
    let client_len = usize::from(u16::from_be_bytes([data[1], data[2]]));
    let body = &data[3..];
    let (client, server) = body.split_at(client_len.min(body.len()));
    let chunks = interleave(client, server, seed);

    let records = read(&chunks, 1, seed);
    assert!(
        records.len() <= body.len(),
        "{} descriptions from {} bytes",
        records.len(),
        body.len()
    );
    if first_record_is_whole(client) || first_record_is_whole(server) {
        assert!(!records.is_empty(), "a whole record went undescribed");
    }
    for record in &records {
        let line = record.to_string();
        assert!(line.len() < 512, "a long line: {line}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
        let detail = format!("{record:#}");
        assert!(
            !detail.chars().any(|c| c.is_control() && c != '\n'),
            "{detail:?}"
        );
    }

    let finer = read(&chunks, 3, seed);
    assert_eq!(records, finer, "finer pieces changed the descriptions");
});
