//! Trust a private certificate authority: `requests.get(url, verify="ca.pem")`.
//!
//! Run it with `cargo run --example custom_ca`. It needs no network: an HTTPS server on
//! 127.0.0.1, started by this program, presents a certificate for `localhost` issued by the
//! test CA in `fixtures/ca.pem`, which no browser or operating system trusts.

mod common;

use plainwire::{Agent, ErrorKind};

fn main() -> Result<(), plainwire::Error> {
    let base = common::serve_tls("localhost.pem", "localhost.key", |_| {
        common::response("200 OK", "text/plain", "hello over TLS\n")
    });

    // With the default roots the test CA is unknown: Mozilla's, from webpki-roots, or the
    // bundle SSL_CERT_FILE and the like name (which `cargo run` may set: docs/trust.md).
    let err = plainwire::get(&base).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate);
    println!("default roots: {err}");

    // Trust the test CA instead. As with `curl --cacert`, it replaces the default roots;
    // `.webpki_roots(true)` would keep them as well. `ca_pem(bytes)` takes the PEM text.
    let agent = Agent::builder()
        .ca_file(common::fixture("ca.pem"))?
        .build()?;
    let resp = agent.get(&base).send()?;
    println!(
        "with ca.pem:   {} {}",
        resp.status(),
        resp.text()?.trim_end()
    );

    // The certificate must still be valid and name the host: the CA is trusted, nothing else.
    let expired = common::serve_tls("expired.pem", "expired.key", |_| {
        common::response("200 OK", "text/plain", "unreachable")
    });
    let err = agent.get(&expired).send().unwrap_err();
    println!("expired:       {err}");
    Ok(())
}
