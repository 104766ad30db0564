//! Turn certificate verification off: `requests.get(url, verify=False)`, `curl --insecure`.
//!
//! Run it with `cargo run --example insecure`. It needs no network: an HTTPS server on
//! 127.0.0.1, started by this program, presents a self-signed certificate.
//!
//! Don't do this outside a test. Without verification the connection is still encrypted,
//! but anyone on the network path can stand in for the server. If a certificate is rejected,
//! the error says why; trusting the right CA (see the `custom_ca` example) is the fix.

mod common;

use plainwire::{Agent, ErrorKind};

fn main() -> Result<(), plainwire::Error> {
    let base = common::serve_tls("self-signed.pem", "self-signed.key", |_| {
        common::response("200 OK", "text/plain", "hello from a self-signed server\n")
    });

    let err = plainwire::get(&base).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate);
    println!("verified:   {err}");

    // The one switch that accepts any certificate: expired, self-signed, for another name.
    let agent = Agent::builder().danger_accept_invalid_certs(true).build()?;
    let text = agent.get(&base).send()?.text()?;
    println!("unverified: {}", text.trim_end());
    Ok(())
}
