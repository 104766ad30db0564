//! `SSL_CERT_DIR` naming a system store, as Debian's `/etc/ssl/certs` (which cargo also sets
//! for the programs it runs): a certificate from a CA that is not trusted is reported as such,
//! also when a trusted root happens to bear its issuer's name with another kind of key (a
//! `CN=localhost` CA with an RSA key against the fixtures' self-signed `CN=localhost`, an EC
//! key). The `CN=localhost` snakeoil certificate of Debian's ssl-cert package in the system
//! store is no CA, and vouches for no server but its own. One test in its own process, because
//! it sets environment variables.
#![cfg(all(feature = "tls", feature = "env"))]

mod support;

use std::path::Path;

use plainwire::{Agent, ErrorKind};
use support::*;

/// What the default agent says of the certificate `cert` presents, with the roots of `dir`.
fn refusal(dir: &Path, cert: &str, key: &str) -> String {
    let server = HttpServer::start_tls(server_tls_config(cert, key), |_| Reply::text("no"));
    // The variables that would come before SSL_CERT_DIR (see docs/trust.md).
    for variable in ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"] {
        std::env::remove_var(variable);
    }
    std::env::set_var("SSL_CERT_DIR", dir);
    let err = Agent::builder()
        .proxy_from_env(false)
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{cert}: {err}");
    assert!(server.requests().is_empty());
    err.to_string()
}

fn assert_untrusted_issuer(message: &str) {
    assert!(
        message.contains("not issued by a trusted certificate authority"),
        "{message}"
    );
    assert!(!message.contains("signature algorithm"), "{message}");
}

#[test]
fn an_untrusted_issuer_is_reported_as_one_even_when_a_trusted_root_bears_its_name() {
    // On any machine: a store whose only root is named CN=localhost and has an RSA key.
    let dir = std::env::temp_dir().join(format!("plainwire-same-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        fixture("rsa-localhost-ca.pem"),
        dir.join("localhost-rsa.pem"),
    )
    .unwrap();
    let message = refusal(&dir, "self-signed.pem", "self-signed.key");
    assert_untrusted_issuer(&message);
    assert!(message.contains("same name"), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();

    // The system store, where there is one.
    let system = Path::new("/etc/ssl/certs");
    if !system.is_dir() {
        eprintln!(
            "skipping the system store: {} is not a directory here",
            system.display()
        );
        return;
    }
    assert_untrusted_issuer(&refusal(system, "self-signed.pem", "self-signed.key"));
    assert_untrusted_issuer(&refusal(system, "other-leaf.pem", "other-leaf.key"));
    std::env::remove_var("SSL_CERT_DIR");
}
