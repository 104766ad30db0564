//! Whole handshakes between a rustls client and a rustls server in memory: the bytes each
//! side writes are fed to a reader for their direction, then handed to the other side, in
//! the order they would cross a socket.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{
    ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection,
};

use crate::tls_record::{Direction, HandshakeObserver, RecordReader, TlsRecord, TlsVersion};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn certs(name: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(fixture(name))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub(super) fn server_config(
    cert: &str,
    key: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> ServerConfig {
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            certs(cert),
            PrivateKeyDer::from_pem_file(fixture(key)).unwrap(),
        )
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

pub(super) fn client_config(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> ClientConfig {
    let mut roots = RootCertStore::empty();
    for cert in certs("ca.pem") {
        roots.add(cert).unwrap();
    }
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// Both ends of a connection, the readers watching the wire, and what they said.
pub(super) struct Wire {
    client: Connection,
    server: Connection,
    observer: HandshakeObserver,
    to_server: RecordReader,
    to_client: RecordReader,
    pub records: Vec<TlsRecord>,
    /// Every chunk each side wrote, in order: (direction, bytes).
    pub chunks: Vec<(Direction, Vec<u8>)>,
    pub client_error: Option<rustls::Error>,
    pub server_error: Option<rustls::Error>,
}

impl Wire {
    pub(super) fn new(client: ClientConfig, server: ServerConfig) -> Wire {
        let name = ServerName::try_from("localhost").unwrap();
        Wire {
            client: ClientConnection::new(Arc::new(client), name)
                .unwrap()
                .into(),
            server: ServerConnection::new(Arc::new(server)).unwrap().into(),
            observer: HandshakeObserver::new(),
            to_server: RecordReader::new(Direction::ClientToServer),
            to_client: RecordReader::new(Direction::ServerToClient),
            records: Vec::new(),
            chunks: Vec::new(),
            client_error: None,
            server_error: None,
        }
    }

    /// Moves bytes both ways until neither side has anything to send.
    pub(super) fn pump(&mut self) {
        loop {
            let moved =
                self.transfer(Direction::ClientToServer) | self.transfer(Direction::ServerToClient);
            if !moved {
                break;
            }
        }
    }

    fn transfer(&mut self, direction: Direction) -> bool {
        let (from, to, reader, error) = match direction {
            Direction::ClientToServer => (
                &mut self.client,
                &mut self.server,
                &mut self.to_server,
                &mut self.server_error,
            ),
            Direction::ServerToClient => (
                &mut self.server,
                &mut self.client,
                &mut self.to_client,
                &mut self.client_error,
            ),
        };
        let mut moved = false;
        while from.wants_write() {
            let mut bytes = Vec::new();
            from.write_tls(&mut bytes).unwrap();
            let records = &mut self.records;
            reader.feed(&mut self.observer, &bytes, |record| records.push(record));
            if error.is_none() {
                let mut rest = &bytes[..];
                while !rest.is_empty() {
                    to.read_tls(&mut rest).unwrap();
                    if let Err(e) = to.process_new_packets() {
                        *error = Some(e);
                        break;
                    }
                }
            }
            self.chunks.push((direction, bytes));
            moved = true;
        }
        moved
    }

    /// Sends `data` from the client (`ClientToServer`) or the server as application data.
    pub(super) fn send(&mut self, direction: Direction, data: &[u8]) {
        use std::io::Write;
        let conn = match direction {
            Direction::ClientToServer => &mut self.client,
            Direction::ServerToClient => &mut self.server,
        };
        conn.writer().write_all(data).unwrap();
        self.pump();
    }

    pub(super) fn close(&mut self, direction: Direction) {
        match direction {
            Direction::ClientToServer => self.client.send_close_notify(),
            Direction::ServerToClient => self.server.send_close_notify(),
        }
        self.pump();
    }

    /// The one-line descriptions, with the length of records whose size varies from run to
    /// run (signatures, tickets) written as `N`.
    fn lines(&self) -> Vec<String> {
        self.records
            .iter()
            .map(|r| without_length(&r.to_string()))
            .collect()
    }

    /// The records (5-byte header and payload) written in `direction`, in order.
    pub(super) fn wire_records(&self, direction: Direction) -> Vec<Vec<u8>> {
        let stream: Vec<u8> = self
            .chunks
            .iter()
            .filter(|(d, _)| *d == direction)
            .flat_map(|(_, bytes)| bytes.iter().copied())
            .collect();
        let mut records = Vec::new();
        let mut rest = &stream[..];
        while rest.len() >= 5 {
            let len = 5 + usize::from(u16::from_be_bytes([rest[3], rest[4]]));
            records.push(rest[..len].to_vec());
            rest = &rest[len..];
        }
        records
    }
}

/// `..., 662 bytes:` becomes `..., N bytes:`, except for the sizes a test wants to see.
fn without_length(line: &str) -> String {
    let Some(rest) = line.strip_suffix(" bytes:") else {
        return line.to_string();
    };
    let Some((head, number)) = rest.rsplit_once(", ") else {
        return line.to_string();
    };
    match number {
        // Sizes fixed by the protocol: a TLS 1.2 Finished (8-byte explicit nonce, 16-byte
        // message, 16-byte tag), a TLS 1.2 alert (8 + 2 + 16), a TLS 1.3 alert (2 + 1 + 16),
        // the TLS 1.3 client Finished with SHA-384 (4 + 48 + 1 + 16).
        "40" | "26" | "19" | "69" => line.to_string(),
        _ => format!("{head}, N bytes:"),
    }
}

fn tls13_only() -> &'static [&'static rustls::SupportedProtocolVersion] {
    static TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
    &TLS13
}

fn tls12_only() -> &'static [&'static rustls::SupportedProtocolVersion] {
    static TLS12: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS12];
    &TLS12
}

/// A request, a response, and the client's close_notify after the handshake.
fn exchange(wire: &mut Wire) {
    wire.pump();
    wire.send(
        Direction::ClientToServer,
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );
    wire.send(
        Direction::ServerToClient,
        b"HTTP/1.1 204 No Content\r\n\r\n",
    );
    wire.close(Direction::ClientToServer);
}

/// RFC 8446 figure 1, as it crosses the wire.
#[test]
fn a_tls13_handshake_record_by_record() {
    let mut wire = Wire::new(
        client_config(rustls::ALL_VERSIONS),
        server_config("localhost.pem", "localhost.key", tls13_only()),
    );
    exchange(&mut wire);
    assert!(wire.client_error.is_none() && wire.server_error.is_none());
    assert_eq!(
        wire.lines(),
        [
            "TLSv1.3 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.3 (IN), TLS handshake, Server hello (2):",
            "TLSv1.3 (IN), TLS change cipher, Change cipher spec (1):",
            "TLSv1.3 (IN), TLS app data, encrypted handshake (EncryptedExtensions, \
             CertificateRequest*, Certificate, CertificateVerify, Finished), N bytes:",
            "TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):",
            "TLSv1.3 (OUT), TLS app data, encrypted handshake (Certificate*, \
             CertificateVerify*, Finished), 69 bytes:",
            // The session ticket, which looks like any other encrypted record.
            "TLSv1.3 (IN), TLS app data, application data (or NewSessionTicket, KeyUpdate), \
             N bytes:",
            "TLSv1.3 (OUT), TLS app data, application data (or KeyUpdate), N bytes:",
            "TLSv1.3 (IN), TLS app data, application data (or NewSessionTicket, KeyUpdate), \
             N bytes:",
            "TLSv1.3 (OUT), TLS app data, encrypted alert (by its size), 19 bytes:",
        ]
    );
    assert_eq!(wire.observer.negotiated_version(), Some(TlsVersion::TLS13));
    // The request: 35 bytes of HTTP, 1 byte of inner content type, a 16-byte tag.
    assert_eq!(wire.records[7].length, 35 + 1 + 16);
    let sent: usize = wire
        .chunks
        .iter()
        .filter(|(d, _)| *d == Direction::ClientToServer)
        .map(|(_, b)| b.len())
        .sum();
    assert_eq!(wire.to_server.bytes_seen(), sent as u64);
}

/// A client that offers TLS 1.3 and 1.2, a server that speaks only 1.2: RFC 5246 figure 1.
/// Until the ServerHello is seen, curl (and this reader) name the version the client offers.
#[test]
fn a_tls12_handshake_record_by_record() {
    let mut wire = Wire::new(
        client_config(rustls::ALL_VERSIONS),
        server_config("localhost.pem", "localhost.key", tls12_only()),
    );
    exchange(&mut wire);
    assert!(wire.client_error.is_none() && wire.server_error.is_none());
    assert_eq!(
        wire.lines(),
        [
            "TLSv1.3 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.3 (IN), TLS handshake, Server hello (2):",
            "TLSv1.2 (IN), TLS handshake, Certificate (11):",
            "TLSv1.2 (IN), TLS handshake, Server key exchange (12):",
            "TLSv1.2 (IN), TLS handshake, Server finished (14):",
            "TLSv1.2 (OUT), TLS handshake, Client key exchange (16):",
            "TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):",
            "TLSv1.2 (OUT), TLS handshake, encrypted handshake (Finished), 40 bytes:",
            "TLSv1.2 (IN), TLS change cipher, Change cipher spec (1):",
            "TLSv1.2 (IN), TLS handshake, encrypted handshake (Finished), 40 bytes:",
            "TLSv1.2 (OUT), TLS app data, application data, N bytes:",
            "TLSv1.2 (IN), TLS app data, application data, N bytes:",
            "TLSv1.2 (OUT), TLS alert, encrypted alert, 26 bytes:",
        ]
    );
    assert_eq!(wire.observer.negotiated_version(), Some(TlsVersion::TLS12));
    // The request: an 8-byte explicit nonce, 35 bytes of HTTP, a 16-byte tag.
    assert_eq!(wire.records[10].length, 8 + 35 + 16);
}

/// A server certificate from an unknown CA: in TLS 1.2 the client's alert goes out in the
/// clear and is read by name.
#[test]
fn a_refused_certificate_ends_in_an_alert_tls12() {
    let mut wire = Wire::new(
        client_config(tls12_only()),
        server_config("other-leaf.pem", "other-leaf.key", rustls::ALL_VERSIONS),
    );
    wire.pump();
    assert!(matches!(
        wire.client_error,
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer
        ))
    ));
    assert_eq!(
        wire.lines(),
        [
            "TLSv1.2 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.2 (IN), TLS handshake, Server hello (2):",
            "TLSv1.2 (IN), TLS handshake, Certificate (11):",
            "TLSv1.2 (IN), TLS handshake, Server key exchange (12):",
            "TLSv1.2 (IN), TLS handshake, Server finished (14):",
            "TLSv1.2 (OUT), TLS alert, unknown CA (560):",
        ]
    );
}

/// The same in TLS 1.3: the alert is encrypted, and known by its size only.
#[test]
fn a_refused_certificate_ends_in_an_alert_tls13() {
    let mut wire = Wire::new(
        client_config(rustls::ALL_VERSIONS),
        server_config("other-leaf.pem", "other-leaf.key", rustls::ALL_VERSIONS),
    );
    wire.pump();
    assert!(matches!(
        wire.server_error,
        Some(rustls::Error::AlertReceived(
            rustls::AlertDescription::UnknownCA
        ))
    ));
    assert_eq!(
        wire.lines().last().map(String::as_str),
        Some("TLSv1.3 (OUT), TLS app data, encrypted alert (by its size), 19 bytes:")
    );
}

/// RFC 8446 section 4.1.4: the client's key share is for x25519, the server takes only
/// secp384r1, so it asks for another ClientHello.
#[test]
fn a_hello_retry_request_and_the_second_client_hello() {
    let mut provider = rustls::crypto::ring::default_provider();
    provider.kx_groups = vec![rustls::crypto::ring::kx_group::SECP384R1];
    let mut server = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(tls13_only())
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            certs("localhost.pem"),
            PrivateKeyDer::from_pem_file(fixture("localhost.key")).unwrap(),
        )
        .unwrap();
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut wire = Wire::new(client_config(rustls::ALL_VERSIONS), server);
    wire.pump();
    assert!(wire.client_error.is_none() && wire.server_error.is_none());
    assert_eq!(
        wire.lines()[..6],
        [
            "TLSv1.3 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.3 (IN), TLS handshake, Hello retry request (2):",
            "TLSv1.3 (IN), TLS change cipher, Change cipher spec (1):",
            "TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):",
            "TLSv1.3 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.3 (IN), TLS handshake, Server hello (2):",
        ]
    );
    let retry = format!("{:#}", wire.records[1]);
    assert!(
        retry.contains("\n  key share wanted for: secp384r1"),
        "{retry}"
    );
    let second = format!("{:#}", wire.records[4]);
    assert!(
        second.contains("\n  key shares: secp384r1 (97 bytes)"),
        "{second}"
    );
    assert!(format!("{}", wire.records[6]).contains("encrypted handshake (EncryptedExtensions"));
}

/// The bytes of a whole session fed one at a time give the same descriptions as fed in the
/// chunks rustls wrote.
#[test]
fn byte_by_byte_reads_the_same() {
    for server_versions in [tls13_only(), tls12_only()] {
        let mut wire = Wire::new(
            client_config(rustls::ALL_VERSIONS),
            server_config("localhost.pem", "localhost.key", server_versions),
        );
        exchange(&mut wire);
        let mut observer = HandshakeObserver::new();
        let mut readers = [
            RecordReader::new(Direction::ClientToServer),
            RecordReader::new(Direction::ServerToClient),
        ];
        let mut records = Vec::new();
        for (direction, bytes) in &wire.chunks {
            let reader = &mut readers[usize::from(*direction == Direction::ServerToClient)];
            for byte in bytes {
                reader.feed(&mut observer, std::slice::from_ref(byte), |r| {
                    records.push(r)
                });
            }
        }
        assert_eq!(records, wire.records);
    }
}

/// Writes `fixtures/tls_records/*.bin` from fresh handshakes. Run by hand after changing the
/// fixtures' certificates: `cargo test --lib write_tls_record_fixtures -- --ignored`.
#[test]
#[ignore = "writes fixtures"]
fn write_tls_record_fixtures() {
    let dir = fixture("tls_records");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, records: &[Vec<u8>]| {
        std::fs::write(dir.join(name), records.concat()).unwrap();
    };
    let mut tls13 = Wire::new(
        client_config(rustls::ALL_VERSIONS),
        server_config("localhost.pem", "localhost.key", tls13_only()),
    );
    tls13.pump();
    let to_server = tls13.wire_records(Direction::ClientToServer);
    let to_client = tls13.wire_records(Direction::ServerToClient);
    write("client_hello.bin", &to_server[..1]);
    write("server_hello.bin", &to_client[..1]);

    let mut tls12 = Wire::new(
        client_config(rustls::ALL_VERSIONS),
        server_config("localhost.pem", "localhost.key", tls12_only()),
    );
    tls12.pump();
    let to_server = tls12.wire_records(Direction::ClientToServer);
    let to_client = tls12.wire_records(Direction::ServerToClient);
    write("tls12_server_flight.bin", &to_client[..1]);
    write("tls12_client_flight.bin", &to_server[1..4]);

    // A server that issues session tickets sends one in the clear, before its
    // ChangeCipherSpec (RFC 5077 section 3.3).
    let mut ticketing = server_config("localhost.pem", "localhost.key", tls12_only());
    ticketing.ticketer = rustls::crypto::ring::Ticketer::new().unwrap();
    let mut tickets = Wire::new(client_config(rustls::ALL_VERSIONS), ticketing);
    tickets.pump();
    let to_client = tickets.wire_records(Direction::ServerToClient);
    write("tls12_new_session_ticket.bin", &to_client[1..2]);

    let mut refused = Wire::new(
        client_config(tls12_only()),
        server_config("other-leaf.pem", "other-leaf.key", rustls::ALL_VERSIONS),
    );
    refused.pump();
    let to_server = refused.wire_records(Direction::ClientToServer);
    write("alert_unknown_ca.bin", &to_server[1..2]);

    let mut provider = rustls::crypto::ring::default_provider();
    provider.kx_groups = vec![rustls::crypto::ring::kx_group::SECP384R1];
    let mut server = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(tls13_only())
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            certs("localhost.pem"),
            PrivateKeyDer::from_pem_file(fixture("localhost.key")).unwrap(),
        )
        .unwrap();
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut retry = Wire::new(client_config(rustls::ALL_VERSIONS), server);
    retry.pump();
    let to_client = retry.wire_records(Direction::ServerToClient);
    write("hello_retry_request.bin", &to_client[..1]);
}

/// RFC 8446 section 2.2: a second connection resumes the first with a pre-shared key from
/// its session ticket, and the server's encrypted flight has no certificate.
#[test]
fn a_resumed_tls13_handshake_skips_the_certificate() {
    let client = client_config(rustls::ALL_VERSIONS);
    let server = server_config("localhost.pem", "localhost.key", tls13_only());
    // Clones share the client's ticket store and the server's session cache.
    let mut first = Wire::new(client.clone(), server.clone());
    exchange(&mut first);
    let mut second = Wire::new(client, server);
    second.pump();
    assert!(second.client_error.is_none() && second.server_error.is_none());
    let hello = format!("{:#}", second.records[0]);
    assert!(
        hello.contains("\n  pre-shared key: offered (resumption)"),
        "{hello}"
    );
    let server_hello = format!("{:#}", second.records[1]);
    assert!(server_hello.contains("\n  pre-shared key: accepted (resumed session)"));
    assert!(second.lines().contains(
        &"TLSv1.3 (IN), TLS app data, encrypted handshake (EncryptedExtensions, Finished), \
          N bytes:"
            .to_string()
    ));
}

/// A client configuration that presents the fixture client certificate.
fn client_config_with_certificate(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> ClientConfig {
    let mut roots = RootCertStore::empty();
    for cert in certs("ca.pem") {
        roots.add(cert).unwrap();
    }
    ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(
            certs("client.pem"),
            PrivateKeyDer::from_pem_file(fixture("client.key")).unwrap(),
        )
        .unwrap()
}

/// A server that requires a certificate from the fixture client CA.
fn server_config_requiring_certificate(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> ServerConfig {
    let mut roots = RootCertStore::empty();
    for cert in certs("client-ca.pem") {
        roots.add(cert).unwrap();
    }
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
            .build()
            .unwrap();
    ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            certs("localhost.pem"),
            PrivateKeyDer::from_pem_file(fixture("localhost.key")).unwrap(),
        )
        .unwrap()
}

/// Mutual TLS 1.2 (RFC 5246 sections 7.4.4, 7.4.6 and 7.4.8): the server asks for a
/// certificate, and the client's Certificate and CertificateVerify travel in the clear.
#[test]
fn a_tls12_client_certificate_in_the_clear() {
    let mut wire = Wire::new(
        client_config_with_certificate(tls12_only()),
        server_config_requiring_certificate(tls12_only()),
    );
    wire.pump();
    assert!(wire.client_error.is_none() && wire.server_error.is_none());
    assert_eq!(
        wire.lines()[..9],
        [
            "TLSv1.2 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.2 (IN), TLS handshake, Server hello (2):",
            "TLSv1.2 (IN), TLS handshake, Certificate (11):",
            "TLSv1.2 (IN), TLS handshake, Server key exchange (12):",
            "TLSv1.2 (IN), TLS handshake, Request CERT (13):",
            "TLSv1.2 (IN), TLS handshake, Server finished (14):",
            "TLSv1.2 (OUT), TLS handshake, Certificate (11):",
            "TLSv1.2 (OUT), TLS handshake, Client key exchange (16):",
            "TLSv1.2 (OUT), TLS handshake, CERT verify (15):",
        ]
    );
    let request = format!("{:#}", wire.records[4]);
    assert!(
        request.contains("message: certificate_request (13)"),
        "{request}"
    );
    let verify = format!("{:#}", wire.records[8]);
    assert!(
        verify.contains("message: certificate_verify (15)"),
        "{verify}"
    );
}

/// Mutual TLS 1.3: the request, the client's certificate and its signature are all inside
/// the encrypted flights, which are longer than without them.
#[test]
fn a_tls13_client_certificate_is_encrypted() {
    let mut wire = Wire::new(
        client_config_with_certificate(tls13_only()),
        server_config_requiring_certificate(tls13_only()),
    );
    wire.pump();
    assert!(wire.client_error.is_none() && wire.server_error.is_none());
    let flight = wire
        .records
        .iter()
        .find(|r| {
            r.direction == Direction::ClientToServer
                && matches!(r.detail, crate::tls_record::Detail::Encrypted(_))
                && r.length > 69
        })
        .map(|r| r.to_string())
        .unwrap();
    assert!(
        flight.starts_with(
            "TLSv1.3 (OUT), TLS app data, encrypted handshake (Certificate*, \
             CertificateVerify*, Finished), "
        ),
        "{flight}"
    );
}

/// A client that speaks only TLS 1.3 and a server that speaks only 1.2 (RFC 8446 appendix
/// D): the server refuses in the clear.
#[test]
fn a_version_mismatch_ends_in_a_protocol_version_alert() {
    let mut wire = Wire::new(
        client_config(tls13_only()),
        server_config("localhost.pem", "localhost.key", tls12_only()),
    );
    wire.pump();
    assert!(wire.server_error.is_some());
    assert_eq!(
        wire.lines(),
        [
            "TLSv1.3 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.3 (IN), TLS alert, protocol version (582):",
        ]
    );
    assert_eq!(
        format!("{:#}", wire.records[1]).lines().last(),
        Some("  alert: fatal (2), protocol_version (70)")
    );
}

/// A server that wants a client certificate and gets an empty Certificate message, in TLS
/// 1.2: its alert is in the clear, since it has not yet sent its ChangeCipherSpec. rustls
/// names the reason with TLS 1.3's certificate_required (RFC 8446 section 6.2).
#[test]
fn a_missing_client_certificate_ends_in_an_alert_tls12() {
    let mut wire = Wire::new(
        client_config(tls12_only()),
        server_config_requiring_certificate(tls12_only()),
    );
    wire.pump();
    assert!(wire.server_error.is_some());
    assert_eq!(
        wire.lines()[4..],
        [
            "TLSv1.2 (IN), TLS handshake, Request CERT (13):",
            "TLSv1.2 (IN), TLS handshake, Server finished (14):",
            "TLSv1.2 (OUT), TLS handshake, Certificate (11):",
            "TLSv1.2 (OUT), TLS handshake, Client key exchange (16):",
            "TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):",
            "TLSv1.2 (OUT), TLS handshake, encrypted handshake (Finished), 40 bytes:",
            "TLSv1.2 (IN), TLS alert, certificate required (628):",
        ]
    );
    let empty = format!("{:#}", wire.records[6]);
    assert!(empty.contains("certificates: 0"), "{empty}");
}
