//! HTTPS: which certificates are trusted, which are refused and why, and TLS versions.
//! The fixtures are described in `fixtures/README.md`.
#![cfg(feature = "tls")]

mod support;

use std::io::Read;
use std::time::Duration;

use plainwire::{Agent, AgentBuilder, ErrorKind};
use rustls::CertificateError;
use support::*;

fn builder() -> AgentBuilder {
    Agent::builder()
        .proxy_from_env(false)
        .read_timeout(Some(Duration::from_secs(5)))
}

/// An agent trusting the test CA (`fixtures/ca.pem`) only.
fn test_ca_agent() -> Agent {
    trusting_test_ca(builder()).build().unwrap()
}

/// An agent accepting any certificate.
fn insecure() -> Agent {
    builder().danger_accept_invalid_certs(true).build().unwrap()
}

/// An HTTPS server presenting `cert`, answering "secure" to everything.
fn server_with(cert: &str, key: &str) -> HttpServer {
    HttpServer::start_tls(server_tls_config(cert, key), |_| Reply::text("secure"))
}

/// The rustls error at the bottom of a certificate failure.
fn certificate_error(err: &plainwire::Error) -> CertificateError {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(rustls::Error::InvalidCertificate(reason)) = cause.downcast_ref() {
            return reason.clone();
        }
        source = cause.source();
    }
    panic!("no rustls::Error::InvalidCertificate under {err:?}")
}

// ---------------------------------------------------------------------------------------------
// Trusted
// ---------------------------------------------------------------------------------------------

#[test]
fn the_test_ca_from_ca_file_is_trusted_and_connections_are_reused() {
    let server = server_with("localhost.pem", "localhost.key");
    let agent = test_ca_agent();
    for _ in 0..3 {
        let resp = agent.get(&server.url("/")).send().unwrap();
        assert_eq!(resp.url().as_str(), server.url("/"));
        assert_eq!(resp.text().unwrap(), "secure");
    }
    assert_eq!(server.connections(), 1);
    let session = &server.tls_sessions()[0];
    assert_eq!(session.sni.as_deref(), Some("localhost"));
    assert_eq!(session.alpn.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(session.version, Some(rustls::ProtocolVersion::TLSv1_3));
}

#[test]
fn the_test_ca_from_ca_pem_is_trusted() {
    let server = server_with("localhost.pem", "localhost.key");
    let pem = std::fs::read(fixture("ca.pem")).unwrap();
    let agent = builder().ca_pem(&pem).unwrap().build().unwrap();
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "secure"
    );
}

#[test]
fn the_test_ca_is_trusted_alongside_the_webpki_roots_when_asked() {
    let server = server_with("localhost.pem", "localhost.key");
    let agent = trusting_test_ca(builder())
        .webpki_roots(true)
        .build()
        .unwrap();
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "secure"
    );
}

/// Half a body ("hello" of 10 bytes), then only what `then` sends, records without data:
/// what reading the body as a stream (no speed floor) under a 1 s read timeout comes to. It
/// must be a timeout: without a bound on such records, each would restart the timeout, and
/// rustls itself ends the connection after 32 key updates without data, with a TLS error.
fn read_past_records_without_data(then: fn(&mut Conn)) -> plainwire::Error {
    let server = ScriptedServer::start_tls(
        server_tls_config("localhost.pem", "localhost.key"),
        move |conn| {
            if conn.read_request_head().is_empty() {
                return;
            }
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
            then(conn);
        },
    );
    let agent = trusting_test_ca(builder())
        .read_timeout(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let mut body = Vec::new();
    let err = resp.into_reader().read_to_end(&mut body).unwrap_err();
    assert_eq!(body, b"hello");
    plainwire::Error::from(err)
}

#[test]
fn records_without_data_do_not_restart_the_read_timeout_for_ever() {
    // A TLS 1.3 server may send records that carry no data (key updates, session tickets).
    // A few may restart the read timeout, as any bytes do; a stream of them must not, or a
    // read of a body that stops coming never ends. rustls sets no bound on session tickets.
    let err = read_past_records_without_data(|conn| {
        // Until the client hangs up (bounded, should it never).
        for _ in 0..400 {
            conn.sleep(Duration::from_millis(200));
            if !conn.tls_key_update() {
                return;
            }
        }
    });
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[test]
fn records_without_data_are_counted_however_they_are_cut_into_reads() {
    // Each record's last byte comes with the next record's first: no read ends at a
    // record's end, and records must still be counted as they complete.
    let err = read_past_records_without_data(|conn| {
        conn.tls_key_updates_cut_across_reads(60, Duration::from_millis(200));
    });
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[test]
fn a_slow_record_is_not_silence() {
    // One 16 KiB record that takes longer than the read timeout to arrive (2 s against 1 s),
    // its bytes coming steadily, 100 ms apart: the server is not silent, and the body is read.
    let body = vec![b'x'; 16_000];
    let record = body.clone();
    let server = ScriptedServer::start_tls(
        server_tls_config("localhost.pem", "localhost.key"),
        move |conn| {
            if conn.read_request_head().is_empty() {
                return;
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                record.len()
            );
            conn.write_all(head.as_bytes());
            conn.write_slowly_as_one_record(&record, 800, Duration::from_millis(100));
        },
    );
    let agent = trusting_test_ca(builder())
        .read_timeout(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let mut got = Vec::new();
    resp.into_reader().read_to_end(&mut got).unwrap();
    assert_eq!(got, body);
}

#[test]
fn no_webpki_roots_and_no_ca_fails_the_build() {
    // Nothing to check a server against: an agent that fails every https request later
    // would hide the mistake.
    let err = builder().webpki_roots(false).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("webpki_roots(false)"), "{err}");
    // With a CA, or when no certificate is checked, there is something (or nothing) to do.
    let server = server_with("localhost.pem", "localhost.key");
    for agent in [
        trusting_test_ca(builder())
            .webpki_roots(false)
            .build()
            .unwrap(),
        builder()
            .webpki_roots(false)
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap(),
    ] {
        assert_eq!(
            agent.get(&server.url("/")).send().unwrap().text().unwrap(),
            "secure"
        );
    }
}

#[cfg(feature = "json")]
#[test]
fn get_and_post_json_over_https() {
    let server =
        HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |req| {
            Reply::new(200)
                .header("Content-Type", "application/json")
                .body(format!(
                    r#"{{"method":"{}","received":{}}}"#,
                    req.method,
                    req.body.len()
                ))
        });
    let agent = test_ca_agent();
    let value: serde_json::Value = agent.get(&server.url("/")).send().unwrap().json().unwrap();
    assert_eq!(value, serde_json::json!({"method": "GET", "received": 0}));
    let value: serde_json::Value = agent
        .post(&server.url("/"))
        .json(&serde_json::json!({"k": "v"}))
        .unwrap()
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(value, serde_json::json!({"method": "POST", "received": 9}));
    let head = String::from_utf8(server.request_heads()[1].clone()).unwrap();
    assert!(
        head.contains(&format!("\r\nHost: localhost:{}\r\n", server.port())),
        "{head}"
    );
}

#[test]
fn request_bodies_larger_than_rustls_buffer_go_out_whole() {
    // rustls holds at most 64 KiB of unsent TLS data; a body (or a chunk of a streamed one)
    // larger than that must still go out, sent as the session takes it.
    let server =
        HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |req| {
            Reply::text(format!(
                "{} {}",
                req.body.len(),
                req.body.iter().map(|&b| u64::from(b)).sum::<u64>()
            ))
        });
    let agent = test_ca_agent();
    let body: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let expected = format!(
        "{} {}",
        body.len(),
        body.iter().map(|&b| u64::from(b)).sum::<u64>()
    );
    // In memory, with a Content-Length.
    let resp = agent
        .post(&server.url("/"))
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), expected);
    // Head and a small body, larger than 64 KiB together.
    let long = "v".repeat(70_000);
    let resp = agent
        .post(&server.url("/"))
        .header("X-Long", &long)
        .body("small")
        .send()
        .unwrap();
    assert_eq!(
        resp.text().unwrap(),
        format!("5 {}", b"small".iter().map(|&b| u64::from(b)).sum::<u64>())
    );
    // A reader of unknown length: sent chunked, 64 KiB a chunk.
    let resp = agent
        .post(&server.url("/"))
        .body_reader(std::io::Cursor::new(body.clone()))
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), expected);
}

#[test]
fn the_client_says_close_notify_before_it_closes() {
    // RFC 8446 section 6.1. The server answers with Connection: close and then reads on: a
    // clean end of the stream (Ok(0)) means close_notify came first; a bare TCP close is an
    // UnexpectedEof from rustls.
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let config = server_tls_config("localhost.pem", "localhost.key");
        let mut conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            tls.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        tls.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
            .unwrap();
        let mut rest = Vec::new();
        tls.read_to_end(&mut rest).map_err(|e| e.kind())
    });
    let resp = test_ca_agent()
        .get(&format!("https://localhost:{port}/"))
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
    assert_eq!(server.join().unwrap(), Ok(0));
}

#[test]
fn a_chain_through_the_intermediate_is_trusted() {
    let server = server_with("chained-leaf.pem", "chained-leaf.key");
    let resp = test_ca_agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "secure");
}

#[test]
fn an_rsa_certificate_is_trusted() {
    let server = server_with("rsa-localhost.pem", "rsa-localhost.key");
    let resp = test_ca_agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "secure");
}

#[test]
fn an_ipv4_literal_matches_the_ip_san_and_sends_no_sni() {
    let server = server_with("localhost.pem", "localhost.key");
    let url = server.url_with_host("127.0.0.1", "/ip");
    let resp = test_ca_agent().get(&url).send().unwrap();
    assert_eq!(resp.text().unwrap(), "secure");
    assert_eq!(server.tls_sessions()[0].sni, None);
}

#[test]
fn an_ipv6_literal_matches_the_ip_san() {
    let config = server_tls_config("localhost.pem", "localhost.key");
    let Ok(server) = HttpServer::bind("[::1]:0", Some(config), |_| Reply::text("secure v6")) else {
        eprintln!("skipped: IPv6 loopback is not available");
        return;
    };
    let url = server.url_with_host("[::1]", "/");
    let resp = test_ca_agent().get(&url).send().unwrap();
    assert_eq!(resp.text().unwrap(), "secure v6");
}

#[test]
fn a_server_allowing_only_tls12_works() {
    let config = server_tls_config_with(
        "localhost.pem",
        "localhost.key",
        &[&rustls::version::TLS12],
        None,
    );
    let server = HttpServer::start_tls(config, |_| Reply::text("old but fine"));
    let agent = test_ca_agent();
    for _ in 0..2 {
        let resp = agent.get(&server.url("/")).send().unwrap();
        assert_eq!(resp.text().unwrap(), "old but fine");
    }
    assert_eq!(server.connections(), 1);
    assert_eq!(
        server.tls_sessions()[0].version,
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
}

#[test]
fn a_close_delimited_body_over_tls_ends_at_close_notify() {
    let body = "0123456789".repeat(5000);
    let response = format!("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{body}");
    let server = ScriptedServer::respond_with_tls(
        server_tls_config("localhost.pem", "localhost.key"),
        response,
    );
    let resp = test_ca_agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.text().unwrap(), body);
}

#[test]
fn a_truncated_body_over_tls_is_truncated() {
    let server = ScriptedServer::start_tls(
        server_tls_config("localhost.pem", "localhost.key"),
        |conn| {
            if !conn.read_request_head().is_empty() {
                conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
                conn.abort();
            }
        },
    );
    let mut resp = test_ca_agent().get(&server.url("/")).send().unwrap();
    let mut body = Vec::new();
    let err = resp.read_to_end(&mut body).unwrap_err();
    assert_eq!(body, b"only this");
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    let inner = err
        .get_ref()
        .unwrap()
        .downcast_ref::<plainwire::Error>()
        .unwrap();
    assert_eq!(inner.kind(), ErrorKind::Truncated);
}

// ---------------------------------------------------------------------------------------------
// Refused
// ---------------------------------------------------------------------------------------------

#[test]
fn the_default_roots_refuse_the_test_ca() {
    let server = server_with("localhost.pem", "localhost.key");
    let from_builder = builder().build().unwrap().get(&server.url("/")).send();
    let from_default_agent = plainwire::get(&server.url("/")).send();
    for result in [from_builder, from_default_agent] {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
        assert_eq!(certificate_error(&err), CertificateError::UnknownIssuer);
        let message = err.to_string();
        assert!(
            message.contains(&format!("localhost:{}", server.port())),
            "{message}"
        );
        assert!(
            message.contains("trusted certificate authority"),
            "{message}"
        );
    }
    // Nothing was sent: the handshake failed before any request.
    assert!(server.requests().is_empty());
}

#[test]
fn an_empty_ca_directory_trusts_nothing() {
    let server = server_with("localhost.pem", "localhost.key");
    let dir = std::env::temp_dir().join(format!("plainwire-empty-ca-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Named roots replace the defaults and the environment's; none named, none trusted.
    let agent = builder().ca_dir(&dir).unwrap().build().unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    assert_eq!(certificate_error(&err), CertificateError::UnknownIssuer);
    assert!(server.requests().is_empty());

    // The test CA in the same directory makes the same server trusted.
    std::fs::copy(fixture("ca.pem"), dir.join("ca.pem")).unwrap();
    let agent = builder().ca_dir(&dir).unwrap().build().unwrap();
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "secure"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_certificate_error_has_the_rustls_error_as_its_source() {
    let server = server_with("expired.pem", "expired.key");
    let err = test_ca_agent().get(&server.url("/")).send().unwrap_err();
    let source = std::error::Error::source(&err).expect("a source");
    assert!(
        matches!(
            source.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(_))
        ),
        "{source:?}"
    );
    fn is_send_sync<T: Send + Sync + 'static>(_: &T) {}
    is_send_sync(&err);
}

#[test]
fn bad_certificates_are_refused_with_the_reason() {
    type Reason = fn(&CertificateError) -> bool;
    let cases: [(&str, Reason, &str); 6] = [
        (
            "expired",
            |r| {
                matches!(
                    r,
                    CertificateError::Expired | CertificateError::ExpiredContext { .. }
                )
            },
            "expired",
        ),
        (
            "not-yet-valid",
            |r| {
                matches!(
                    r,
                    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
                )
            },
            "not valid yet",
        ),
        (
            "wrong-name",
            |r| {
                matches!(
                    r,
                    CertificateError::NotValidForName
                        | CertificateError::NotValidForNameContext { .. }
                )
            },
            "not valid for this host name",
        ),
        (
            "self-signed",
            |r| matches!(r, CertificateError::UnknownIssuer),
            "not issued by a trusted",
        ),
        (
            "other-leaf",
            |r| matches!(r, CertificateError::UnknownIssuer),
            "not issued by a trusted",
        ),
        (
            "chained-leaf-only",
            |r| matches!(r, CertificateError::UnknownIssuer),
            "not issued by a trusted",
        ),
    ];
    let agent = test_ca_agent();
    for (name, expected_reason, phrase) in cases {
        let key = if name == "chained-leaf-only" {
            "chained-leaf.key".to_string()
        } else {
            format!("{name}.key")
        };
        let server = server_with(&format!("{name}.pem"), &key);
        let err = agent.get(&server.url("/")).send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Certificate, "{name}: {err}");
        let reason = certificate_error(&err);
        assert!(expected_reason(&reason), "{name}: {reason:?}");
        assert!(err.to_string().contains(phrase), "{name}: {err}");
        assert!(server.requests().is_empty(), "{name}");
    }
}

#[test]
fn a_ca_certificate_as_the_servers_own_is_refused_with_the_reason() {
    // What `openssl req -x509` makes by default: a self-signed certificate with CA:TRUE. The
    // test CA serves as one here; trusting it does not make it a server certificate.
    let server = server_with("ca.pem", "ca.key");
    let err = test_ca_agent().get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    assert!(err.to_string().contains("it is a CA certificate"), "{err}");
    assert!(!err.to_string().contains("  "), "{err}");
}

#[test]
fn a_trusted_server_certificate_vouches_for_that_server_only() {
    // Trusting one self-signed server (CA:FALSE) must not let its key sign for others, as it
    // would if the certificate were a trust anchor like a CA's (curl: "invalid CA
    // certificate"). Whoever holds that one server's key could then be any host.
    let trusting = |agent: plainwire::AgentBuilder| {
        agent
            .ca_file(fixture("self-signed.pem"))
            .unwrap()
            .build()
            .unwrap()
    };
    // Beside the test CA too, and with a pin of the forged key, which takes another verifier.
    let agents = [
        trusting(builder()),
        trusting(trusting_test_ca(builder())),
        trusting(builder().pin_public_key(FORGED_KEY_SHA256)),
    ];
    let forged = server_with("forged-by-self-signed.pem", "forged-by-self-signed.key");
    let itself = server_with("self-signed.pem", "self-signed.key");
    for agent in &agents {
        let err = agent.get(&forged.url("/")).send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    }
    // The same for an appliance's certificate that says CA:TRUE but whose keyUsage does not
    // allow signing certificates (RFC 5280 section 4.2.1.3; curl: "invalid CA certificate").
    let appliance = builder()
        .ca_file(fixture("appliance.pem"))
        .unwrap()
        .build()
        .unwrap();
    let forged_by_appliance = server_with("forged-by-appliance.pem", "forged-by-appliance.key");
    let err = appliance
        .get(&forged_by_appliance.url("/"))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    for agent in &agents[..2] {
        assert_eq!(
            agent.get(&itself.url("/")).send().unwrap().text().unwrap(),
            "secure"
        );
    }
    // The CA's servers are still the CA's.
    let signed = server_with("localhost.pem", "localhost.key");
    assert_eq!(
        agents[1]
            .get(&signed.url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap(),
        "secure"
    );
}

#[cfg(unix)]
#[test]
fn a_ca_or_key_file_without_end_is_refused_not_read_into_memory() {
    // /dev/zero as a CA file, a certificate or a key: read to its end, it would take all the
    // memory there is. Files are read up to 16 MiB (defaults::MAX_TRUST_FILE).
    let zero = std::path::Path::new("/dev/zero");
    let err = builder().ca_file(zero).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(format!("{err:#}").contains("larger than 16 MiB"), "{err:#}");
    let err = builder().client_cert_file(zero, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ClientCertificate, "{err}");
}

#[test]
fn trusting_another_ca_refuses_the_test_certificates() {
    let server = server_with("localhost.pem", "localhost.key");
    let agent = builder()
        .ca_file(fixture("other-ca.pem"))
        .unwrap()
        .build()
        .unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    // And that agent does trust what other-ca signed.
    let other = server_with("other-leaf.pem", "other-leaf.key");
    assert_eq!(
        agent.get(&other.url("/")).send().unwrap().text().unwrap(),
        "secure"
    );
}

#[test]
fn danger_accept_invalid_certs_accepts_anything() {
    let agent = insecure();
    for (cert, key) in [
        ("localhost.pem", "localhost.key"),
        ("expired.pem", "expired.key"),
        ("not-yet-valid.pem", "not-yet-valid.key"),
        ("self-signed.pem", "self-signed.key"),
        ("wrong-name.pem", "wrong-name.key"),
        ("other-leaf.pem", "other-leaf.key"),
        ("chained-leaf-only.pem", "chained-leaf.key"),
    ] {
        let server = server_with(cert, key);
        let resp = agent.get(&server.url("/")).send();
        assert_eq!(resp.unwrap().text().unwrap(), "secure", "{cert}");
    }
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_error() {
    // What a plain HTTP server does with a ClientHello: answers 400 and closes.
    let server = ScriptedServer::start(|conn| {
        conn.read_exact_body(5);
        conn.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    let url = format!("https://127.0.0.1:{}/", server.port());
    let err = insecure().get(&url).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Unusable CA bundles
// ---------------------------------------------------------------------------------------------

#[test]
fn a_missing_ca_file_is_a_config_error_naming_it() {
    let path = fixture("no-such-ca.pem");
    let err = builder().ca_file(&path).map(drop).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.to_string().contains("no-such-ca.pem"), "{err}");
    let source = std::error::Error::source(&err).expect("the io::Error");
    assert_eq!(
        source
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind),
        Some(std::io::ErrorKind::NotFound)
    );
}

#[test]
fn a_ca_file_without_certificates_is_a_config_error_naming_it() {
    for name in ["README.md", "localhost.key"] {
        let err = builder().ca_file(fixture(name)).map(drop).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{name}: {err}");
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
    for pem in [
        &b""[..],
        b"not a pem at all",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n",
    ] {
        let err = builder().ca_pem(pem).map(drop).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{pem:?}: {err}");
    }
}

#[test]
fn a_pem_certificate_that_is_not_a_ca_is_refused_or_useless() {
    // A PEM block that parses but holds garbage cannot become a trust anchor.
    let garbage = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let result = builder().ca_pem(garbage).and_then(AgentBuilder::build);
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
}

// ---------------------------------------------------------------------------
// Versions and pinned keys (curl's --tlsv1.2, --tls-max, --pinnedpubkey)
// ---------------------------------------------------------------------------

/// SHA-256 of the SubjectPublicKeyInfo of fixtures/localhost.pem, as
/// `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256` gives.
const LOCALHOST_KEY_SHA256: [u8; 32] = [
    0xcf, 0x60, 0xa1, 0xf0, 0xd5, 0x8a, 0x57, 0x57, 0x57, 0xbb, 0x2d, 0xc8, 0x8a, 0xd9, 0x61, 0x02,
    0x75, 0x8c, 0x7b, 0x3b, 0x23, 0x3d, 0xb2, 0x53, 0x09, 0xd8, 0x88, 0x67, 0xf1, 0xec, 0x98, 0xf8,
];

/// The same digest of fixtures/forged-by-self-signed.pem.
const FORGED_KEY_SHA256: [u8; 32] = [
    0xac, 0xf5, 0x67, 0xc4, 0xcf, 0x54, 0x42, 0x70, 0x57, 0x50, 0x21, 0x0f, 0xaf, 0xd2, 0xd9, 0x47,
    0x91, 0x85, 0x36, 0xa7, 0x54, 0x8a, 0x7f, 0x24, 0x6e, 0xae, 0x60, 0x68, 0x2e, 0x5a, 0x34, 0x6f,
];

/// The same digest of fixtures/other-ca.pem: a key this server does not have.
const OTHER_KEY_SHA256: [u8; 32] = [
    0x03, 0x97, 0xf4, 0xf2, 0x44, 0x89, 0x5b, 0x0a, 0x3c, 0x5a, 0xaf, 0xad, 0xdc, 0x1d, 0x1c, 0xae,
    0x4b, 0x3f, 0xb3, 0x30, 0x6e, 0xfb, 0xfc, 0xc1, 0x1d, 0x40, 0xf4, 0xd2, 0x44, 0x92, 0x3b, 0x00,
];

#[test]
fn a_pinned_key_is_accepted_among_others() {
    let server = server_with("localhost.pem", "localhost.key");
    let agent = trusting_test_ca(builder())
        .pin_public_key(OTHER_KEY_SHA256)
        .pin_public_key(LOCALHOST_KEY_SHA256)
        .build()
        .unwrap();
    let body = agent.get(&server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(body, "secure");
}

#[test]
fn a_key_that_is_not_pinned_is_refused_even_with_a_valid_chain() {
    let server = server_with("localhost.pem", "localhost.key");
    let agent = trusting_test_ca(builder())
        .pin_public_key(OTHER_KEY_SHA256)
        .build()
        .unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PinnedKey, "{err}");
    assert_eq!(err.kind().curl_exit_code(), 90);
}

#[test]
fn a_pin_is_checked_even_when_the_chain_is_not() {
    let server = server_with("self-signed.pem", "self-signed.key");
    let agent = builder()
        .danger_accept_invalid_certs(true)
        .pin_public_key(OTHER_KEY_SHA256)
        .build()
        .unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PinnedKey, "{err}");
}

#[test]
fn the_newest_tls_version_can_be_capped() {
    let server = server_with("localhost.pem", "localhost.key");
    let agent = trusting_test_ca(builder())
        .tls_versions(plainwire::TlsVersion::Tls1_2, plainwire::TlsVersion::Tls1_2)
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.tls().unwrap().version, "TLSv1.2");
}

#[test]
fn a_client_wanting_only_tls_1_3_refuses_a_tls_1_2_server() {
    let config = server_tls_config_with(
        "localhost.pem",
        "localhost.key",
        &[&rustls::version::TLS12],
        None,
    );
    let server = HttpServer::start_tls(config, |_| Reply::text("secure"));
    let agent = trusting_test_ca(builder())
        .tls_versions(plainwire::TlsVersion::Tls1_3, plainwire::TlsVersion::Tls1_3)
        .build()
        .unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
}

#[test]
fn an_empty_version_range_is_a_configuration_error() {
    let err = builder()
        .tls_versions(plainwire::TlsVersion::Tls1_3, plainwire::TlsVersion::Tls1_2)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
}
