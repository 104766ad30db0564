//! SSL_CERT_FILE and SSL_CERT_DIR, read by the default agent. One test in its own process,
//! because it sets environment variables (REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE are in
//! tests/env_ca_bundles.rs).
#![cfg(all(feature = "tls", feature = "env"))]

mod support;

use plainwire::{Agent, ErrorKind};
use support::*;

#[test]
fn the_environment_supplies_roots_unless_the_builder_does() {
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200).body("ok")
    });
    let url = server.url("/");
    let plain = HttpServer::start(|_| Reply::new(200).body("plain"));

    // Without the variables, the test CA is unknown.
    for name in [
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    ] {
        std::env::remove_var(name);
    }
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

    // An unreadable bundle fails every https request with an error that names the variable,
    // and leaves plain http alone: the agent builds.
    std::env::set_var("SSL_CERT_FILE", dir.join("missing.pem"));
    let agent = Agent::builder().build().unwrap();
    let err = agent.get(&url).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("$SSL_CERT_FILE"), "{err}");
    assert_eq!(
        agent.get(&plain.url("/")).send().unwrap().text().unwrap(),
        "plain"
    );
    // …and one with no certificate in it, too.
    std::env::set_var("SSL_CERT_FILE", dir.join("README"));
    let err = Agent::builder()
        .build()
        .unwrap()
        .get(&url)
        .send()
        .unwrap_err();
    assert!(err.to_string().contains("$SSL_CERT_FILE"), "{err}");
    // Agent::new (and so the free functions' default agent) behaves the same.
    let err = Agent::new().get(&url).send().unwrap_err();
    assert!(err.to_string().contains("$SSL_CERT_FILE"), "{err}");
    assert_eq!(
        Agent::new().get(&plain.url("/")).send().unwrap().status(),
        200
    );
    // Turning the environment off ignores it.
    let agent = Agent::builder().roots_from_env(false).build().unwrap();
    assert_eq!(
        agent.get(&url).send().unwrap_err().kind(),
        ErrorKind::Certificate
    );
    // A pipe, or a device, is no bundle: the variables are read when an agent is built, for
    // plain http too, and a pipe without a writer would hold the build (curl reads its CA
    // file only for https).
    let fifo = dir.join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    for named in [fifo.as_path(), std::path::Path::new("/dev/zero")] {
        std::env::set_var("SSL_CERT_FILE", named);
        let (built, agent) = std::sync::mpsc::channel();
        std::thread::spawn(move || built.send(Agent::builder().build().unwrap()));
        let Ok(agent) = agent.recv_timeout(std::time::Duration::from_secs(30)) else {
            // Let the stuck build go before failing.
            drop(std::fs::OpenOptions::new().write(true).open(&fifo));
            panic!("building an agent waited on {}", named.display());
        };
        let err = agent.get(&url).send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert!(err.to_string().contains("not a regular file"), "{err}");
        assert_eq!(agent.get(&plain.url("/")).send().unwrap().status(), 200);
    }
    std::env::remove_var("SSL_CERT_FILE");
    std::fs::remove_dir_all(dir).unwrap();
}
