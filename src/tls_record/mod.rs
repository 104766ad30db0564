//! A TLS record reader for the handshake trace: bytes in, one description per record out.
//! It never touches a socket, holds no keys and decrypts nothing.
//!
//! plainwire drives rustls by hand (`read_tls`, `write_tls`), so every TLS byte crosses
//! plainwire's own code. Fed those bytes, a [`RecordReader`] for each direction cuts them
//! into records (RFC 8446 section 5.1) and describes each in curl's one-line style:
//!
//! ```text
//! TLSv1.3 (OUT), TLS handshake, Client hello (1):
//! TLSv1.3 (IN), TLS handshake, Server hello (2):
//! TLSv1.3 (IN), TLS change cipher, Change cipher spec (1):
//! TLSv1.3 (IN), TLS app data, encrypted handshake (EncryptedExtensions, CertificateRequest*, Certificate, CertificateVerify, Finished), 2024 bytes:
//! ```
//!
//! What travels in the clear is decoded: the hellos with their offers and choices (versions,
//! cipher suites, groups and key shares, server name, ALPN, signature algorithms), TLS 1.2's
//! Certificate and key exchange messages, alerts, change_cipher_spec. What is encrypted is
//! described by what the RFCs say it must carry at that point, which a shared
//! [`HandshakeObserver`] follows across both directions; the `{:#}` form of a
//! [`TlsRecord`] adds the fields and the RFC section.
//!
//! Hostile input is expected: the reader keeps at most one record
//! ([`MAX_RECORD_PAYLOAD`]) and one handshake message ([`MAX_HANDSHAKE_MESSAGE`]), stops
//! parsing a direction at a header that is not TLS, and never panics.

mod handshake;
mod limits;
mod names;
mod observer;
mod reader;
mod record;

#[cfg(test)]
mod tests;

pub use handshake::{
    ClientHello, HandshakeBody, HandshakeMessage, KeyShare, Listed, ServerHello, ServerKeyExchange,
    MAX_LISTED,
};
pub use limits::{MAX_HANDSHAKE_MESSAGE, MAX_RECORD_PAYLOAD};
pub use names::{
    is_grease, AlertDescription, AlertLevel, CipherSuite, ContentType, ExtensionType,
    HandshakeType, NamedGroup, SignatureScheme, TlsVersion,
};
pub use observer::{HandshakeObserver, ENCRYPTED_ALERT_LEN};
pub use reader::RecordReader;
pub use record::{Alert, Detail, Direction, EncryptedContent, TlsRecord};
