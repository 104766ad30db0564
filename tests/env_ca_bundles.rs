//! REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE, and their precedence over SSL_CERT_FILE and
//! SSL_CERT_DIR (docs/trust.md). One test in its own process, because it sets environment
//! variables, which every thread of a process shares.
#![cfg(all(feature = "tls", feature = "env"))]

mod support;

use plainwire::{Agent, ErrorKind};
use support::*;

const VARIABLES: [&str; 4] = [
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// Sets exactly these of the four variables (the others removed), and returns what a request
/// through a fresh default agent gives: the body, or the error.
fn with_env(vars: &[(&str, &std::path::Path)], url: &str) -> Result<String, plainwire::Error> {
    for name in VARIABLES {
        std::env::remove_var(name);
    }
    for (name, value) in vars {
        std::env::set_var(name, value);
    }
    Agent::new().get(url).send()?.text()
}

#[test]
fn the_bundle_variables_in_their_order() {
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200).body("ok")
    });
    let url = server.url("/");
    let plain = HttpServer::start(|_| Reply::new(200).body("plain"));
    let good = fixture("ca.pem");
    let wrong = fixture("other-ca.pem");
    let missing = fixture("missing-ca.pem");
    let empty = std::path::Path::new("");
    let kind = |result: Result<String, plainwire::Error>| result.map_err(|e| e.kind());

    // Nothing set: webpki-roots, which do not know the test CA.
    assert_eq!(kind(with_env(&[], &url)), Err(ErrorKind::Certificate));

    // Each bundle variable alone.
    assert_eq!(
        kind(with_env(&[("REQUESTS_CA_BUNDLE", &good)], &url)),
        Ok("ok".into())
    );
    assert_eq!(
        kind(with_env(&[("CURL_CA_BUNDLE", &good)], &url)),
        Ok("ok".into())
    );

    // REQUESTS_CA_BUNDLE first, as requests reads them.
    let both = [("REQUESTS_CA_BUNDLE", &*good), ("CURL_CA_BUNDLE", &*wrong)];
    assert_eq!(kind(with_env(&both, &url)), Ok("ok".into()));
    let both = [("REQUESTS_CA_BUNDLE", &*wrong), ("CURL_CA_BUNDLE", &*good)];
    assert_eq!(kind(with_env(&both, &url)), Err(ErrorKind::Certificate));

    // A bundle variable replaces SSL_CERT_FILE and SSL_CERT_DIR, as curl's CURL_CA_BUNDLE does.
    let over = [("CURL_CA_BUNDLE", &*wrong), ("SSL_CERT_FILE", &*good)];
    assert_eq!(kind(with_env(&over, &url)), Err(ErrorKind::Certificate));
    let over = [("CURL_CA_BUNDLE", &*good), ("SSL_CERT_FILE", &*wrong)];
    assert_eq!(kind(with_env(&over, &url)), Ok("ok".into()));

    // An empty variable is as if unset: the next one decides, and nothing is disabled.
    let skipped = [("REQUESTS_CA_BUNDLE", empty), ("CURL_CA_BUNDLE", &*good)];
    assert_eq!(kind(with_env(&skipped, &url)), Ok("ok".into()));
    let skipped = [("REQUESTS_CA_BUNDLE", empty), ("CURL_CA_BUNDLE", empty)];
    assert_eq!(kind(with_env(&skipped, &url)), Err(ErrorKind::Certificate));
    assert_eq!(with_env(&skipped, &plain.url("/")).unwrap(), "plain");

    // A directory, as requests allows.
    let dir = std::env::temp_dir().join(format!("plainwire-bundledir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&good, dir.join("ca.pem")).unwrap();
    assert_eq!(
        kind(with_env(&[("REQUESTS_CA_BUNDLE", &dir)], &url)),
        Ok("ok".into())
    );

    // An unreadable one fails https with an error naming it, and never plain http.
    let err = with_env(&[("CURL_CA_BUNDLE", &missing)], &url).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("$CURL_CA_BUNDLE"), "{err}");
    assert_eq!(
        with_env(&[("CURL_CA_BUNDLE", &missing)], &plain.url("/")).unwrap(),
        "plain"
    );
    // It does not fall back to the next variable: the one that was set is what was meant.
    let err = with_env(
        &[("REQUESTS_CA_BUNDLE", &missing), ("CURL_CA_BUNDLE", &good)],
        &url,
    )
    .unwrap_err();
    assert!(err.to_string().contains("$REQUESTS_CA_BUNDLE"), "{err}");

    // The builder's own trust wins over all of them, and roots_from_env(false) ignores them.
    let agent = Agent::builder().ca_file(&good).unwrap().build().unwrap();
    assert_eq!(agent.get(&url).send().unwrap().status(), 200);
    let agent = Agent::builder().roots_from_env(false).build().unwrap();
    assert_eq!(
        agent.get(&url).send().unwrap_err().kind(),
        ErrorKind::Certificate
    );

    for name in VARIABLES {
        std::env::remove_var(name);
    }
    std::fs::remove_dir_all(dir).unwrap();
}
