//! # plainwire
//!
//! A small blocking HTTP/1.1 and HTTPS client that you can read from end to end.
//!
//! plainwire is for programs that want to make HTTP requests without an async runtime: command
//! line tools, build scripts, tests, small services. It speaks HTTP/1.1 over TCP and over TLS
//! (rustls, with the Mozilla roots from webpki-roots), keeps connections alive, follows
//! redirects, and bounds everything a server could use against it: time, head size, body size.
//! It does not do HTTP/2 or HTTP/3, async, cookies or caching.
//!
//! ```no_run
//! // requests.get(url).json()
//! let resp = plainwire::get("https://api.example.com/posts/1").send()?;
//! if resp.status() == 200 {
//!     let post: serde_json::Value = resp.json()?;
//!     println!("{}", post["title"]);
//! }
//!
//! // requests.post(url, json=payload).raise_for_status()
//! let payload = serde_json::json!({ "title": "hello" });
//! plainwire::post("https://api.example.com/posts")
//!     .json(&payload)?
//!     .send()?
//!     .error_for_status()?;
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! ## How it is built
//!
//! The [`guide`] walks the source from `get()` to the socket and back, file by file.
//!
//! The HTTP/1.1 layer ([`http1`]) works on byte buffers and never touches a socket; the
//! transport (`src/transport/`) moves bytes and knows no HTTP. Between them, `call.rs` runs one
//! call: `establish.rs` finds a connection, `exchange.rs` sends the request and reads the head,
//! and a [`BodyReader`] reads the body off the connection and returns the connection to the
//! [`Agent`]'s pool when the body ends.
//!
//! ## Safe by default
//!
//! - Certificates are verified against the webpki roots; turning that off is
//!   [`AgentBuilder::danger_accept_invalid_certs`], and nothing else.
//! - A connect timeout (30 s) and an idle read timeout (60 s) are on by default, so no call can
//!   wait forever on a silent server; [`RequestBuilder::timeout`] sets an overall deadline.
//! - A body that ends before its declared length is an error ([`ErrorKind::Truncated`]), never
//!   a short success.
//! - CR, LF and NUL are refused in anything that goes on the wire.
//! - Redirects from https to http are refused, and credentials are dropped when a redirect
//!   leaves the origin.
//!
//! ## Features
//!
//! - `tls` (default): HTTPS through rustls with the ring provider, and webpki-roots.
//! - `json` (default): [`RequestBuilder::json`] and [`Response::json`], through serde_json.
//! - `gzip`: asks for gzip and deflate bodies and decodes them, through flate2 (pure Rust).
//! - `native-roots`: [`AgentBuilder::native_roots`] on macOS and Windows, via rustls-native-certs.
//! - `cli`: the `plainwire` command-line tool (`cargo install plainwire --features cli`).
//!
//! With `--no-default-features`, plainwire is a plain-HTTP client on httparse alone.

#![forbid(unsafe_code)]
// docs.rs (`--cfg docsrs`, nightly): mark each feature-gated item with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod agent;
mod auth;
mod body_reader;
mod charset;
mod client;
mod cookie;
pub mod defaults;
mod error;
mod expect_continue;
pub mod http1;
pub mod multipart;
mod request;
mod response;
mod retry;
mod timings;
#[cfg(any(feature = "tls", fuzzing))]
pub mod tls_record;
mod trace;
mod transport;
mod url;

pub use agent::{default_agent, Agent, AgentBuilder};
pub use body_reader::BodyReader;
pub use client::proxy::{EnvProxies, Proxy};
pub use cookie::{Cookie, CookieJar, SameSite};
pub use error::{Error, ErrorKind, Result, TimeoutPhase};
pub use expect_continue::ExpectContinue;
pub use http1::close_reason::CloseReason;
pub use http1::head::Version;
pub use http1::headers::Headers;
pub use request::RequestBuilder;
pub use response::Response;
pub use retry::RetryPolicy;
pub use timings::Timings;
pub use trace::TraceEvent;
pub use transport::tls_info::TlsInfo;
pub use transport::x509::CertificateSummary;
pub use url::{form_urlencode, HostKind, Scheme, Url};

#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

/// Starts a GET request to `url` with the [default agent](default_agent).
///
/// ```no_run
/// let resp = plainwire::get("https://example.com/").send()?;
/// println!("{}", resp.text()?);
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn get(url: &str) -> RequestBuilder {
    default_agent().get(url)
}

/// Starts a HEAD request to `url` with the [default agent](default_agent).
pub fn head(url: &str) -> RequestBuilder {
    default_agent().head(url)
}

/// Starts a POST request to `url` with the [default agent](default_agent).
pub fn post(url: &str) -> RequestBuilder {
    default_agent().post(url)
}

/// Starts a PUT request to `url` with the [default agent](default_agent).
pub fn put(url: &str) -> RequestBuilder {
    default_agent().put(url)
}

/// Starts a PATCH request to `url` with the [default agent](default_agent).
pub fn patch(url: &str) -> RequestBuilder {
    default_agent().patch(url)
}

/// Starts a DELETE request to `url` with the [default agent](default_agent).
pub fn delete(url: &str) -> RequestBuilder {
    default_agent().delete(url)
}

/// Starts an OPTIONS request to `url` with the [default agent](default_agent).
pub fn options(url: &str) -> RequestBuilder {
    default_agent().options(url)
}

/// Starts a request with any method (a token such as `"PROPFIND"`) with the default agent.
pub fn request(method: &str, url: &str) -> RequestBuilder {
    default_agent().request(method, url)
}
