//! Mutual TLS: a loopback server that requires a client certificate from the fixture client CA.
#![cfg(feature = "tls")]

mod support;

use plainwire::{Agent, ErrorKind};
use support::*;

fn mtls_server(versions: &[&'static rustls::SupportedProtocolVersion]) -> HttpServer {
    let config = server_tls_config_with(
        "localhost.pem",
        "localhost.key",
        versions,
        Some("client-ca.pem"),
    );
    HttpServer::start_tls(config, |_| Reply::new(200).body("hello, client"))
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap()
}

fn agent_with(cert: &str, key: &str) -> Agent {
    trusting_test_ca(Agent::builder())
        .client_cert(&read(cert), &read(key))
        .unwrap()
        .build()
        .unwrap()
}

#[test]
fn the_right_certificate_is_accepted_and_the_server_sees_its_subject() {
    for versions in [
        &[&rustls::version::TLS13][..],
        &[&rustls::version::TLS12][..],
    ] {
        let server = mtls_server(versions);
        let agent = agent_with("client.pem", "client.key");
        let body = agent.get(&server.url("/")).send().unwrap().text().unwrap();
        assert_eq!(body, "hello, client");
        let sessions = server.tls_sessions();
        let leaf = &sessions[0].client_certs[0];
        // The summary needs the `inspect` feature; the certificate arrived either way.
        #[cfg(feature = "inspect")]
        {
            let summary = plainwire::CertificateSummary::from_der(leaf.as_ref()).unwrap();
            assert_eq!(summary.subject, "CN=plainwire test client");
        }
        assert!(!leaf.as_ref().is_empty());
    }
}

#[test]
fn rsa_pkcs1_and_ec_sec1_keys_work() {
    let server = mtls_server(&[&rustls::version::TLS13]);
    for (cert, key) in [
        ("client-rsa.pem", "client-rsa-pkcs1.key"),
        ("client-ec.pem", "client-ec-sec1.key"),
    ] {
        let resp = agent_with(cert, key).get(&server.url("/")).send().unwrap();
        assert_eq!(resp.status(), 200, "{cert}");
    }
}

#[test]
fn without_a_certificate_the_error_is_tls_and_names_client_authentication() {
    for versions in [
        &[&rustls::version::TLS13][..],
        &[&rustls::version::TLS12][..],
    ] {
        let server = mtls_server(versions);
        let agent = trusting_test_ca(Agent::builder()).build().unwrap();
        let err = agent
            .get(&server.url("/"))
            .send()
            .and_then(|r| r.bytes())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
        assert!(err.to_string().contains("client authentication"), "{err}");
    }
}

#[test]
fn a_certificate_from_another_ca_is_refused() {
    let server = mtls_server(&[&rustls::version::TLS13]);
    let agent = agent_with("client-other.pem", "client-other.key");
    let err = agent
        .get(&server.url("/"))
        .send()
        .and_then(|r| r.bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("client authentication"), "{err}");
}

#[test]
fn problems_with_the_identity_are_errors_at_build_time() {
    let cases = [
        ("client.pem", "client-other.key", "does not match"),
        ("client.pem", "client-encrypted.key", "encrypted"),
        ("client.key", "client.key", "no certificate"),
    ];
    for (cert, key, expected) in cases {
        let err = Agent::builder()
            .client_cert(&read(cert), &read(key))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ClientCertificate);
        assert!(err.to_string().contains(expected), "{cert} {key}: {err}");
    }
    let err = Agent::builder()
        .client_cert_file(fixture("missing.pem"), None)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ClientCertificate);
    assert!(err.to_string().contains("missing.pem"), "{err}");
}

#[test]
fn chain_and_key_in_one_file() {
    let server = mtls_server(&[&rustls::version::TLS13]);
    let dir = std::env::temp_dir().join(format!("plainwire-identity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let both = dir.join("both.pem");
    let mut pem = read("client.pem");
    pem.extend(read("client.key"));
    std::fs::write(&both, pem).unwrap();
    let agent = trusting_test_ca(Agent::builder())
        .client_cert_file(&both, None)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(agent.get(&server.url("/")).send().unwrap().status(), 200);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn native_roots_load_a_store_that_does_not_trust_the_test_ca() {
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200)
    });
    let agent = Agent::builder().native_roots().unwrap().build().unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate);
}
