//! Seeing underneath TLS through the public API: every record of a handshake in the trace, in
//! socket order, with its bytes; and the key log an agent writes when asked, checked against
//! the secrets the server derived.
#![cfg(all(feature = "tls", feature = "inspect"))]

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plainwire::tls_record::{Direction, TlsRecord};
use plainwire::{Agent, AgentBuilder, ErrorKind, TraceEvent};
use support::*;

/// One trace event, kept.
#[derive(Debug, Clone)]
enum Seen {
    Record(TlsRecord),
    Data(Direction, Vec<u8>),
    Other(String),
}

/// An agent trusting the test CA whose trace goes into the returned log.
fn traced(builder: AgentBuilder) -> (Agent, Arc<Mutex<Vec<Seen>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let agent = trusting_test_ca(builder)
        .proxy_from_env(false)
        .read_timeout(Duration::from_secs(10))
        .trace(move |event| {
            let seen = match event {
                TraceEvent::TlsRecord(record) => Seen::Record((*record).clone()),
                TraceEvent::TlsData { direction, bytes } => Seen::Data(*direction, bytes.to_vec()),
                other => Seen::Other(other.to_string()),
            };
            sink.lock().unwrap().push(seen);
        })
        .build()
        .unwrap();
    (agent, log)
}

fn server(versions: &[&'static rustls::SupportedProtocolVersion], cert: &str) -> HttpServer {
    let key = cert.replace(".pem", ".key");
    let config = server_tls_config_with(cert, &key, versions, None);
    HttpServer::start_tls(config, |_| Reply::text("hello"))
}

/// The trace as lines: a record's curl line, with lengths that vary from run to run (the
/// certificate flight, the session tickets) as N; `* TLS handshake: ...` and the heads' first
/// lines; data events left out.
fn lines(log: &[Seen]) -> Vec<String> {
    log.iter()
        .filter_map(|seen| match seen {
            Seen::Record(record) => Some(without_length(&record.to_string())),
            Seen::Data(..) => None,
            Seen::Other(text) => Some(text.lines().next().unwrap_or("").to_string()),
        })
        .collect()
}

/// `..., 1234 bytes:` as `..., N bytes:`, except for the sizes the protocol fixes: the TLS
/// 1.3 client Finished with SHA-384 (69), a TLS 1.3 alert (19), a TLS 1.2 Finished (40).
fn without_length(line: &str) -> String {
    match line
        .strip_suffix(" bytes:")
        .and_then(|rest| rest.rsplit_once(", "))
    {
        Some((_, "69" | "19" | "40")) | None => line.to_string(),
        Some((head, _)) => format!("{head}, N bytes:"),
    }
}

/// The lines up to the handshake summary, and the rest.
fn split_at_summary(lines: &[String]) -> (&[String], &[String]) {
    let at = lines
        .iter()
        .position(|l| l.starts_with("* TLS handshake: "))
        .unwrap_or_else(|| panic!("no handshake summary in {lines:#?}"));
    (&lines[..at], &lines[at..])
}

#[test]
fn a_tls13_handshake_record_by_record_before_the_summary() {
    let server = server(&[&rustls::version::TLS13], "localhost.pem");
    let (agent, log) = traced(Agent::builder());
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "hello");
    let log = log.lock().unwrap().clone();
    let lines = lines(&log);
    let (handshake, after) = split_at_summary(&lines);
    let handshake: Vec<&str> = handshake
        .iter()
        .map(String::as_str)
        .filter(|l| l.starts_with("TLSv"))
        .collect();
    assert_eq!(
        handshake,
        [
            "TLSv1.3 (OUT), TLS handshake, Client hello (1):",
            "TLSv1.3 (IN), TLS handshake, Server hello (2):",
            "TLSv1.3 (IN), TLS change cipher, Change cipher spec (1):",
            "TLSv1.3 (IN), TLS app data, encrypted handshake (EncryptedExtensions, \
             CertificateRequest*, Certificate, CertificateVerify, Finished), N bytes:",
            "TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):",
            "TLSv1.3 (OUT), TLS app data, encrypted handshake (Certificate*, \
             CertificateVerify*, Finished), 69 bytes:",
        ],
        "{lines:#?}"
    );
    assert!(
        after[0].starts_with("* TLS handshake: TLSv1.3"),
        "{lines:#?}"
    );
    // After the summary: the request, then only application data (session tickets included,
    // which look the same from outside).
    let records_after: Vec<&TlsRecord> = log
        .iter()
        .skip_while(|s| !matches!(s, Seen::Other(t) if t.starts_with("* TLS handshake")))
        .filter_map(|s| match s {
            Seen::Record(r) => Some(r),
            _ => None,
        })
        .collect();
    assert!(!records_after.is_empty());
    assert!(
        records_after.iter().all(|r| r.is_application_data()),
        "{lines:#?}"
    );
    assert!(records_after
        .iter()
        .any(|r| r.direction == Direction::ClientToServer));
}

#[test]
fn each_record_is_followed_by_its_bytes() {
    let server = server(&[&rustls::version::TLS13], "localhost.pem");
    let (agent, log) = traced(Agent::builder());
    agent.get(&server.url("/")).send().unwrap().text().unwrap();
    let log = log.lock().unwrap().clone();
    let mut pending: Option<&TlsRecord> = None;
    let mut records = 0;
    for seen in &log {
        match seen {
            Seen::Record(record) => pending = Some(record),
            Seen::Data(direction, bytes) => {
                let record = pending.take().expect("bytes without a record before them");
                assert_eq!(*direction, record.direction);
                assert_eq!(bytes.len(), 5 + record.length, "{record}");
                assert_eq!(bytes[0], record.content_type.0);
                records += 1;
            }
            Seen::Other(_) => {}
        }
    }
    assert!(records >= 7, "{log:#?}");
    // The first bytes out are the ClientHello record: handshake (22), then msg_type 1.
    let first = log.iter().find_map(|s| match s {
        Seen::Data(d, b) => Some((*d, b.clone())),
        _ => None,
    });
    let (direction, bytes) = first.unwrap();
    assert_eq!(direction, Direction::ClientToServer);
    assert_eq!((bytes[0], bytes[5]), (22, 1));
}

#[test]
fn a_tls12_handshake_names_every_message() {
    let server = server(&[&rustls::version::TLS12], "localhost.pem");
    let (agent, log) = traced(Agent::builder());
    agent.get(&server.url("/")).send().unwrap().text().unwrap();
    let lines = lines(&log.lock().unwrap());
    let (handshake, after) = split_at_summary(&lines);
    let handshake: Vec<&str> = handshake
        .iter()
        .map(String::as_str)
        .filter(|l| l.starts_with("TLSv"))
        .collect();
    assert_eq!(
        handshake,
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
        ],
        "{lines:#?}"
    );
    assert!(after[0].starts_with("* TLS handshake: TLSv1.2"));
}

#[test]
fn a_refused_certificate_ends_in_the_clients_alert() {
    let server = server(&[&rustls::version::TLS12], "other-leaf.pem");
    let (agent, log) = traced(Agent::builder());
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate);
    let lines = lines(&log.lock().unwrap());
    assert_eq!(
        lines.last().map(String::as_str),
        Some("TLSv1.2 (OUT), TLS alert, unknown CA (560):"),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("* TLS handshake:")));
}

#[test]
fn a_refused_certificate_in_tls13_ends_in_an_encrypted_alert() {
    let server = server(&[&rustls::version::TLS13], "other-leaf.pem");
    let (agent, log) = traced(Agent::builder());
    agent.get(&server.url("/")).send().unwrap_err();
    let lines = lines(&log.lock().unwrap());
    assert_eq!(
        lines.last().map(String::as_str),
        Some("TLSv1.3 (OUT), TLS app data, encrypted alert (by its size), 19 bytes:"),
        "{lines:#?}"
    );
}

#[test]
fn a_pooled_connection_keeps_describing_its_records() {
    let server = server(&[&rustls::version::TLS13], "localhost.pem");
    let (agent, log) = traced(Agent::builder());
    for _ in 0..2 {
        agent.get(&server.url("/")).send().unwrap().text().unwrap();
    }
    assert_eq!(server.connections(), 1);
    let log = log.lock().unwrap();
    let reused = log
        .iter()
        .position(|s| matches!(s, Seen::Other(t) if t.starts_with("* Re-using connection")))
        .expect("the second request reuses the connection");
    let out_after_reuse = log[reused..].iter().any(|s| {
        matches!(s, Seen::Record(r) if r.direction == Direction::ClientToServer
            && r.is_application_data())
    });
    assert!(out_after_reuse, "{log:#?}");
}

#[test]
fn bodies_are_traced_as_sent_and_received() {
    let server =
        HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |req| {
            Reply::text(format!("got {}", req.body_text()))
        });
    let (agent, log) = traced(Agent::builder());
    let resp = agent.post(&server.url("/")).body("a=1").send().unwrap();
    assert_eq!(resp.text().unwrap(), "got a=1");
    let lines = lines(&log.lock().unwrap());
    assert!(
        lines.contains(&"} [3 bytes data]".to_string()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"{ [7 bytes data]".to_string()),
        "{lines:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The key log
// ---------------------------------------------------------------------------------------------

/// The key log lines the server derived, collected as rustls hands them over.
#[derive(Debug, Default)]
struct ServerSecrets(Mutex<Vec<String>>);

impl rustls::KeyLog for ServerSecrets {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        self.0
            .lock()
            .unwrap()
            .push(format!("{label} {} {}", hex(client_random), hex(secret)));
    }
}

fn temp_path(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tls-trace-{}-{name}.keys", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// One request through an agent logging to a fresh file; the client's lines, the server's,
/// and the client random of the ClientHello as the trace saw it.
fn logged_request(
    name: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> (BTreeSet<String>, BTreeSet<String>, String) {
    let secrets = Arc::new(ServerSecrets::default());
    let mut config =
        (*server_tls_config_with("localhost.pem", "localhost.key", versions, None)).clone();
    config.key_log = secrets.clone();
    let server = HttpServer::start_tls(Arc::new(config), |_| Reply::text("hello"));
    let path = temp_path(name);
    let (agent, log) = traced(Agent::builder().key_log_file(&path));
    agent.get(&server.url("/")).send().unwrap().text().unwrap();
    let client: BTreeSet<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    std::fs::remove_file(&path).unwrap();
    let server_lines: BTreeSet<String> = secrets.0.lock().unwrap().iter().cloned().collect();
    // The ClientHello record: 5-byte record header, 4-byte message header, 2-byte version,
    // then the 32-byte random (RFC 8446 section 4.1.2).
    let hello = log
        .lock()
        .unwrap()
        .iter()
        .find_map(|s| match s {
            Seen::Data(Direction::ClientToServer, bytes) => Some(bytes.clone()),
            _ => None,
        })
        .unwrap();
    let random = hello[11..43].iter().map(|b| format!("{b:02x}")).collect();
    (client, server_lines, random)
}

/// Each line's label, after checking that it names the connection by `random`.
fn labels(lines: &BTreeSet<String>, random: &str) -> BTreeSet<String> {
    lines
        .iter()
        .map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            assert_eq!(fields.len(), 3, "{line}");
            assert_eq!(fields[1], random, "{line}");
            fields[0].to_string()
        })
        .collect()
}

#[test]
fn the_key_log_holds_the_secrets_the_server_derived_tls13() {
    let (client, server, random) = logged_request("tls13", &[&rustls::version::TLS13]);
    assert_eq!(client, server);
    assert_eq!(
        labels(&client, &random),
        BTreeSet::from(
            [
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0",
                "SERVER_TRAFFIC_SECRET_0",
                "EXPORTER_SECRET",
            ]
            .map(String::from)
        )
    );
}

#[test]
fn the_key_log_holds_the_master_secret_the_server_derived_tls12() {
    let (client, server, random) = logged_request("tls12", &[&rustls::version::TLS12]);
    assert_eq!(client, server);
    assert_eq!(
        labels(&client, &random),
        BTreeSet::from(["CLIENT_RANDOM".to_string()])
    );
}

#[test]
fn an_unusable_key_log_path_fails_the_build() {
    let path = temp_path("missing-dir").join("keys.txt");
    let err = Agent::builder().key_log_file(&path).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("keys.txt"), "{err}");
}

#[test]
fn sslkeylogfile_is_read_only_when_asked() {
    let server = server(&[&rustls::version::TLS13], "localhost.pem");
    let path = temp_path("env");
    // Only agents built with key_log_from_env(true) read the variable, and no other test in
    // this file builds one, so setting it here cannot change another test.
    std::env::set_var("SSLKEYLOGFILE", &path);
    let ignored = trusting_test_ca(Agent::builder());
    ignored
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap();
    assert!(!path.exists(), "written without being asked");
    let asked = trusting_test_ca(Agent::builder())
        .key_log_from_env(true)
        .build()
        .unwrap();
    asked.get(&server.url("/")).send().unwrap();
    // A file that cannot be opened fails https requests, naming the variable, and hides no
    // mistake of the builder's, which still fails `build`.
    std::env::set_var("SSLKEYLOGFILE", temp_path("no-such-dir").join("keys.txt"));
    let unusable = trusting_test_ca(Agent::builder())
        .key_log_from_env(true)
        .build()
        .unwrap();
    let err = unusable.get(&server.url("/")).send().unwrap_err();
    assert!(err.to_string().contains("SSLKEYLOGFILE"), "{err}");
    let mistaken = Agent::builder()
        .key_log_from_env(true)
        .webpki_roots(false)
        .build()
        .unwrap_err();
    assert_eq!(mistaken.kind(), ErrorKind::Config, "{mistaken}");
    std::env::remove_var("SSLKEYLOGFILE");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
}
