//! The reader against real handshakes: recorded records from `fixtures/tls_records/`, and
//! whole handshakes between an in-memory rustls client and server.

mod handshakes;
mod recorded;
