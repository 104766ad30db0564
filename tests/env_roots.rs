//! SSL_CERT_FILE and SSL_CERT_DIR, read by the default agent. One test in its own process,
//! because it sets environment variables.
#![cfg(feature = "tls")]

mod support;

use plainwire::{Agent, ErrorKind};
use support::*;

#[test]
fn the_environment_supplies_roots_unless_the_builder_does() {
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200).body("ok")
    });
    let url = server.url("/");

    // Without the variables, the test CA is unknown.
    std::env::remove_var("SSL_CERT_FILE");
    std::env::remove_var("SSL_CERT_DIR");
    assert_eq!(
        Agent::new().get(&url).send().unwrap_err().kind(),
        ErrorKind::Certificate
    );

    // SSL_CERT_FILE names a bundle.
    std::env::set_var("SSL_CERT_FILE", fixture("ca.pem"));
    assert_eq!(Agent::new().get(&url).send().unwrap().text().unwrap(), "ok");

    // An explicit CA on the builder wins over the environment.
    let other = Agent::builder()
        .ca_file(fixture("other-ca.pem"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        other.get(&url).send().unwrap_err().kind(),
        ErrorKind::Certificate
    );

    // SSL_CERT_DIR names a directory of PEM files.
    std::env::remove_var("SSL_CERT_FILE");
    let dir = std::env::temp_dir().join(format!("plainwire-certdir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture("ca.pem"), dir.join("ca.pem")).unwrap();
    std::fs::write(dir.join("README"), "not a certificate").unwrap();
    std::env::set_var("SSL_CERT_DIR", &dir);
    assert_eq!(Agent::new().get(&url).send().unwrap().status(), 200);
    std::env::remove_var("SSL_CERT_DIR");

    // An unreadable bundle is an error that names the variable.
    std::env::set_var("SSL_CERT_FILE", dir.join("missing.pem"));
    let err = Agent::builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("$SSL_CERT_FILE"), "{err}");
    // …and one with no certificate in it, too.
    std::env::set_var("SSL_CERT_FILE", dir.join("README"));
    let err = Agent::builder().build().unwrap_err();
    assert!(err.to_string().contains("$SSL_CERT_FILE"), "{err}");
    // Agent::new (and so the free functions' default agent) does not panic: each request
    // returns the error instead.
    let err = Agent::new().get(&url).send().unwrap_err();
    assert!(err.to_string().contains("$SSL_CERT_FILE"), "{err}");
    // Turning the environment off ignores it.
    assert!(Agent::builder().roots_from_env(false).build().is_ok());
    std::env::remove_var("SSL_CERT_FILE");
    std::fs::remove_dir_all(dir).unwrap();
}
