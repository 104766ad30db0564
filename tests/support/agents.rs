//! The client side of the tests: agents that trust the fixtures' test CA, built from a test
//! file's own base builder (each file sets what it needs: a read timeout, no environment
//! proxies).

use super::*;

/// The base builder of most test files: no proxy from the environment of the test run, so
/// that a developer's `http_proxy` never gets between a test and its loopback server.
pub fn builder() -> plainwire::AgentBuilder {
    plainwire::Agent::builder().proxy_from_env(false)
}

/// An agent from [`builder`].
pub fn agent() -> plainwire::Agent {
    builder().build().unwrap()
}

/// `builder`, trusting the test CA (`fixtures/ca.pem`) only, in place of the default roots.
#[cfg(feature = "tls")]
pub fn trusting_test_ca(builder: plainwire::AgentBuilder) -> plainwire::AgentBuilder {
    builder
        .ca_file(fixture("ca.pem"))
        .expect("fixtures/ca.pem is a readable PEM bundle")
}
