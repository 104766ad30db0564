//! Writing the TLS secrets of each connection to a key log file, so that Wireshark or tshark
//! can decrypt a capture of it; never on unless a caller names the file.
//!
//! The format is NSS's (`<label> <client random> <secret>`, hex, one line a secret), which
//! rustls produces through its [`rustls::KeyLog`] hook and every TLS analyser reads.
//! rustls' own `KeyLogFile` opens whatever `SSLKEYLOGFILE` names; this one writes to the
//! path it is given, so that the library never acts on the environment by itself (the CLI
//! reads `SSLKEYLOGFILE`, as curl does), and an unusable path is an error when the agent is
//! built rather than a silent nothing.
//!
//! Anyone who reads this file can decrypt every session logged in it: it is created
//! readable by its owner only (mode 0600 on Unix; an existing file keeps its mode).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
#[cfg(unix)]
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind, Result};

/// A [`rustls::KeyLog`] that appends NSS key log lines to a file.
///
/// Each line goes to the file in one `write` as soon as rustls hands over the secret, in
/// append mode, so that several programs (curl, a browser, plainwire) can share one file.
/// If a write fails, nothing more is written: a full disk should not cost a request.
pub struct KeyLogWriter {
    path: PathBuf,
    state: Mutex<State>,
}

struct State {
    file: File,
    /// The first write error; once set, the writer writes nothing more.
    failed: Option<io::ErrorKind>,
}

impl KeyLogWriter {
    /// Opens `path` for appending, creating it (mode 0600 on Unix) if needed.
    ///
    /// Fails with [`ErrorKind::Io`] if the file cannot be opened or created.
    pub fn open(path: impl AsRef<Path>) -> Result<Arc<KeyLogWriter>> {
        let path = path.as_ref();
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot open the TLS key log file {}: {e}", path.display()),
            )
            .with_source(e)
        })?;
        Ok(Arc::new(KeyLogWriter {
            path: path.to_path_buf(),
            state: Mutex::new(State { file, failed: None }),
        }))
    }

    /// The error of the first write that failed, if one did; nothing has been written since.
    #[cfg(test)]
    pub fn write_error(&self) -> Option<io::ErrorKind> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).failed
    }
}

/// One key log line: `CLIENT_RANDOM <64 hex digits> <96 hex digits>\n`.
fn key_log_line(label: &str, client_random: &[u8], secret: &[u8]) -> String {
    let mut line =
        String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 3);
    line.push_str(label);
    line.push(' ');
    for b in client_random {
        line.push_str(&format!("{b:02x}"));
    }
    line.push(' ');
    for b in secret {
        line.push_str(&format!("{b:02x}"));
    }
    line.push('\n');
    line
}

impl rustls::KeyLog for KeyLogWriter {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = key_log_line(label, client_random, secret);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.failed.is_some() {
            return;
        }
        if let Err(e) = state.file.write_all(line.as_bytes()) {
            state.failed = Some(e.kind());
        }
    }
}

impl fmt::Debug for KeyLogWriter {
    /// The path only: what the file holds is secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyLogWriter")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    use rustls::{
        ClientConfig, ClientConnection, Connection, KeyLog, ServerConfig, ServerConnection,
    };

    use super::*;

    /// A path in the temporary directory, unique to this process and `name`, removed first.
    fn temp_path(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "plainwire-keylog-{}-{name}.txt",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn lines_are_in_nss_format_and_appended() {
        let path = temp_path("format");
        std::fs::write(&path, "# an earlier line\n").unwrap();
        let writer = KeyLogWriter::open(&path).unwrap();
        writer.log("CLIENT_RANDOM", &[0x01, 0xab], &[0xff, 0x00, 0x10]);
        writer.log("EXPORTER_SECRET", &[0x02], &[0x03]);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            text,
            "# an earlier line\nCLIENT_RANDOM 01ab ff0010\nEXPORTER_SECRET 02 03\n"
        );
        assert_eq!(writer.write_error(), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp_path("mode");
        let _writer = KeyLogWriter::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        std::fs::remove_file(&path).unwrap();
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_path_that_cannot_be_opened_is_an_error_at_once() {
        let path = temp_path("missing-dir").join("keys.txt");
        let err = KeyLogWriter::open(&path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io);
        assert!(err.to_string().contains("keys.txt"), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn after_a_failed_write_nothing_more_is_written() {
        let writer = KeyLogWriter::open("/dev/full").unwrap();
        writer.log("CLIENT_RANDOM", &[1], &[2]);
        assert_eq!(writer.write_error(), Some(io::ErrorKind::StorageFull));
        writer.log("CLIENT_RANDOM", &[1], &[2]);
        assert_eq!(writer.write_error(), Some(io::ErrorKind::StorageFull));
    }

    #[test]
    fn debug_shows_the_path_only() {
        let path = temp_path("debug");
        let writer = KeyLogWriter::open(&path).unwrap();
        writer.log("CLIENT_RANDOM", &[0xaa], &[0xbb, 0xcc]);
        let debug = format!("{writer:?}");
        std::fs::remove_file(&path).unwrap();
        assert!(
            debug.contains("plainwire-keylog-") && !debug.contains("bbcc"),
            "{debug}"
        );
    }

    /// What the server logs, as rustls hands it over.
    #[derive(Debug, Default)]
    struct Collected(Mutex<Vec<String>>);

    impl KeyLog for Collected {
        fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
            let line = key_log_line(label, client_random, secret);
            self.0.lock().unwrap().push(line.trim_end().to_string());
        }
    }

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name)
    }

    /// A handshake between an in-memory client logging to `path` and a server logging to
    /// the returned collector; also returns the client random from the ClientHello on the
    /// wire.
    fn handshake(
        path: &Path,
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> (Arc<Collected>, Vec<u8>) {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(fixture("ca.pem")).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
        let mut client = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        client.key_log = KeyLogWriter::open(path).unwrap();
        let certs = CertificateDer::pem_file_iter(fixture("localhost.pem"))
            .unwrap()
            .collect::<std::result::Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(fixture("localhost.key")).unwrap();
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let collected = Arc::new(Collected::default());
        server.key_log = collected.clone();

        let name = ServerName::try_from("localhost").unwrap();
        let mut client: Connection = ClientConnection::new(Arc::new(client), name)
            .unwrap()
            .into();
        let mut server: Connection = ServerConnection::new(Arc::new(server)).unwrap().into();
        let mut first_flight = None;
        while client.is_handshaking() || server.is_handshaking() {
            let moved = transfer(&mut client, &mut server, &mut first_flight)
                | transfer(&mut server, &mut client, &mut first_flight);
            assert!(moved, "the handshake stalled");
        }
        // The ClientHello record: a 5-byte record header, a 4-byte message header, the
        // 2-byte legacy_version, then the 32-byte random (RFC 8446 section 4.1.2).
        let random = first_flight.unwrap()[11..43].to_vec();
        (collected, random)
    }

    /// Moves what `from` has to send to `to`; keeps the first bytes sent in `first`.
    fn transfer(from: &mut Connection, to: &mut Connection, first: &mut Option<Vec<u8>>) -> bool {
        let mut moved = false;
        while from.wants_write() {
            let mut bytes = Vec::new();
            from.write_tls(&mut bytes).unwrap();
            first.get_or_insert_with(|| bytes.clone());
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                to.read_tls(&mut rest).unwrap();
                to.process_new_packets().unwrap();
            }
            moved = true;
        }
        moved
    }

    fn client_lines(path: &Path) -> BTreeSet<String> {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::remove_file(path).unwrap();
        text.lines().map(str::to_string).collect()
    }

    /// The client's logged secrets are the real ones: the server derived the same, for the
    /// same client random and labels.
    #[test]
    fn tls13_secrets_match_the_servers() {
        let path = temp_path("tls13");
        let (server, random) = handshake(&path, &[&rustls::version::TLS13]);
        let client = client_lines(&path);
        let server: BTreeSet<String> = server.0.lock().unwrap().iter().cloned().collect();
        assert_eq!(client, server);
        let random: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let labels: BTreeSet<&str> = client
            .iter()
            .map(|line| {
                let mut fields = line.split(' ');
                let label = fields.next().unwrap();
                assert_eq!(fields.next(), Some(random.as_str()), "{line}");
                assert_eq!(
                    fields.next().map(str::len),
                    Some(96),
                    "a SHA-384 secret: {line}"
                );
                label
            })
            .collect();
        assert_eq!(
            labels,
            BTreeSet::from([
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0",
                "SERVER_TRAFFIC_SECRET_0",
                "EXPORTER_SECRET",
            ])
        );
    }

    #[test]
    fn tls12_master_secret_matches_the_servers() {
        let path = temp_path("tls12");
        let (server, random) = handshake(&path, &[&rustls::version::TLS12]);
        let client = client_lines(&path);
        let server: BTreeSet<String> = server.0.lock().unwrap().iter().cloned().collect();
        assert_eq!(client, server);
        let random: String = random.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(client.len(), 1);
        let line = client.first().unwrap();
        assert!(
            line.starts_with(&format!("CLIENT_RANDOM {random} ")),
            "{line}"
        );
        // The 48-byte master secret (RFC 5246 section 8.1).
        assert_eq!(line.len(), "CLIENT_RANDOM ".len() + 64 + 1 + 96);
    }
}
