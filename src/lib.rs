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
//!
//! With `--no-default-features`, plainwire is a plain-HTTP client on httparse alone.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod agent;
mod auth;
mod body_reader;
mod call;
mod error;
mod establish;
mod exchange;
mod headers;
pub mod http1;
mod proxy;
mod redirect;
mod request;
mod response;
mod timings;
mod tls_info;
#[cfg(any(feature = "tls", fuzzing))]
pub mod tls_record;
mod trace;
mod transport;
mod url;
mod wire_body;
mod x509;

pub use agent::{default_agent, Agent, AgentBuilder};
pub use body_reader::BodyReader;
pub use error::{Error, ErrorKind, Result, TimeoutPhase};
pub use headers::Headers;
pub use http1::head::Version;
pub use proxy::{EnvProxies, Proxy};
pub use request::RequestBuilder;
pub use response::Response;
pub use timings::Timings;
pub use tls_info::TlsInfo;
pub use trace::TraceEvent;
pub use url::{form_urlencode, HostKind, Scheme, Url};
pub use x509::CertificateSummary;

#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

macro_rules! free_functions {
    ($($name:ident => $method:literal),* $(,)?) => {$(
        #[doc = concat!("Starts a ", $method, " request to `url` with the [default agent](default_agent).")]
        pub fn $name(url: &str) -> RequestBuilder {
            default_agent().request($method, url)
        }
    )*};
}

free_functions! {
    get => "GET",
    head => "HEAD",
    post => "POST",
    put => "PUT",
    patch => "PATCH",
    delete => "DELETE",
    options => "OPTIONS",
}

/// Starts a request with any method (a token such as `"PROPFIND"`) with the default agent.
pub fn request(method: &str, url: &str) -> RequestBuilder {
    default_agent().request(method, url)
}
