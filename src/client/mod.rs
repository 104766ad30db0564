//! The middle layer: one call, from a built request to a response head with its body still on
//! the wire. It joins [`crate::http1`] (bytes and their meaning) to [`crate::transport`] (moving
//! bytes); it knows nothing of the public builders above it, which hand it an [`Outgoing`] and
//! get back an [`Answer`].
//!
//! The files, in the order a call runs through them:
//!
//! 1. [`call`]: the loop of one call: the deadline, the retry on a dead pooled connection, the
//!    redirect chain. It carries out decisions; it makes none.
//! 2. [`proxy`]: which proxy, if any, a URL goes through (decided first: the request line
//!    depends on it).
//! 3. [`request_head`]: the request head as bytes, built and checked before any socket opens,
//!    with the body's framing from [`send_body`] and the Cookie field from [`cookie_field`].
//! 4. [`connect`]: a connection: from the pool, or new (resolve, TCP, [`tunnel`], TLS).
//! 5. [`exchange`]: the head (and body) out, response heads in until a final one.
//! 6. [`wire_body`]: the framed body bytes off the connection, under the [`low_speed`] limit;
//!    at their end, the connection goes back to the pool.
//! 7. [`redirect`]: whether and where the call goes next, a pure decision the loop carries out;
//!    [`retry`]: whether a request is sent again, and when, likewise.
//!
//! [`settings`] holds the values an agent applies, [`Shared`] what all clones of an agent share.

pub(crate) mod auth_challenge;
pub(crate) mod call;
pub(crate) mod connect;
pub(crate) mod cookie_field;
pub(crate) mod credentials;
pub(crate) mod default_headers;
pub(crate) mod exchange;
pub(crate) mod low_speed;
pub(crate) mod no_proxy;
pub(crate) mod proxy;
pub(crate) mod redirect;
pub(crate) mod request_head;
pub(crate) mod retry;
pub(crate) mod send_body;
pub(crate) mod settings;
pub(crate) mod tunnel;
pub(crate) mod wire_body;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::client::redirect::RedirectHop;
use crate::http1::coding::ContentCoding;
use crate::http1::head::ResponseHead;
use crate::timings::Timings;
use crate::trace::Tracer;
use crate::transport::pool::IdlePool;
use crate::transport::tls_info::NegotiatedTls;
use crate::url::Url;

pub(crate) use send_body::SendBody;
pub(crate) use settings::{CallSettings, Overrides, Settings};
pub(crate) use wire_body::WireBody;

/// What every clone of an agent shares: its settings, its pool, its TLS configuration and its
/// trace hook.
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    pub(crate) pool: Arc<IdlePool>,
    pub(crate) tracer: Tracer,
    /// The cookie jar, when the agent keeps cookies.
    #[cfg(feature = "cookies")]
    pub(crate) cookies: Option<crate::cookie::CookieJar>,
    #[cfg(feature = "tls")]
    /// The TLS client configuration, or the error https requests fail with when the
    /// environment's roots could not be read.
    pub(crate) tls: crate::transport::trust::ClientTls,
}

/// A request as the public builder hands it down: everything checked that can be checked
/// without the network is still to be checked here (the builder only collects).
pub(crate) struct Outgoing {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: Vec<(String, String)>,
    /// The header names this request removes (of our defaults and the agent's).
    pub(crate) removed_headers: Vec<String>,
    /// The request's own cookies, checked, merged with the jar's by [`cookie_field`].
    pub(crate) cookies: Vec<(String, String)>,
    /// Credentials for Digest authentication, in place of the agent's.
    pub(crate) digest_auth: Option<crate::auth::credentials::Credentials>,
    pub(crate) body: SendBody,
    /// What this request changes of the agent's settings.
    pub(crate) overrides: Overrides,
    /// How this request is written and its response read, when not the usual way.
    pub(crate) wire: WireOptions,
}

/// A request method: one of the standard ones borrowed (no allocation per request), any
/// other owned.
pub(crate) type Method = std::borrow::Cow<'static, str>;

/// `name` as a [`Method`].
pub(crate) fn method(name: &str) -> Method {
    const STANDARD: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
    ];
    match STANDARD.iter().find(|standard| **standard == name) {
        Some(standard) => Method::Borrowed(standard),
        None => Method::Owned(name.to_string()),
    }
}

/// How a request is written and its response read, where a caller asks for something other
/// than the usual (curl's `--http1.0`, `--request-target`, `--ignore-content-length`, `--raw`).
#[derive(Debug, Clone, Default)]
pub(crate) struct WireOptions {
    /// Send `HTTP/1.0` in the request line; the connection then carries nothing more.
    pub(crate) http10: bool,
    /// The request-target of the first request, in place of the URL's.
    pub(crate) target: Option<String>,
    /// Read a body framed by Content-Length until the connection closes instead.
    pub(crate) ignore_content_length: bool,
    /// Hand the body over as it came: chunked framing and content coding included.
    pub(crate) raw: bool,
}

/// The final response of a call: the last request's [`Reply`], and what the call learnt on
/// the way.
pub(crate) struct Answer {
    /// The URL that answered, after redirects, without credentials.
    pub(crate) url: Url,
    /// The redirects followed before this answer, in order.
    pub(crate) history: Vec<RedirectHop>,
    /// How many times the retry policy sent a request again in this call.
    pub(crate) retries: u32,
    pub(crate) reply: Reply,
}

/// The response to one request of a call: its head, its body still on the wire, and what its
/// connection was.
pub(crate) struct Reply {
    pub(crate) head: ResponseHead,
    pub(crate) body: WireBody,
    /// The content coding to undo as the body is read: identity unless we asked for
    /// compression ourselves, or the body has a transfer coding.
    pub(crate) coding: ContentCoding,
    /// Whether `coding` is the transfer coding (`Transfer-Encoding: gzip, chunked`), under
    /// which a Content-Encoding stays as sent.
    pub(crate) transfer_coded: bool,
    /// The body's length as the framing read it from Content-Length (for a response without a
    /// body, such as the answer to HEAD, the length it announces); `None` when unknown.
    pub(crate) content_length: Option<u64>,
    /// How much of the body may be read into memory at once.
    pub(crate) max_body_size: u64,
    pub(crate) timings: Timings,
    /// When the head was read: the body's time in [`Timings`] counts from here.
    pub(crate) head_at: Instant,
    pub(crate) tls: Option<Arc<NegotiatedTls>>,
    /// The connection's peer (the proxy's address through a proxy) and our end of it.
    pub(crate) remote_addr: Option<SocketAddr>,
    pub(crate) local_addr: Option<SocketAddr>,
    /// The agent's secret header fields, for the response's `Debug` to mask.
    pub(crate) secrets: crate::trace::SecretHeaders,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_methods_are_borrowed_and_others_owned() {
        assert!(matches!(method("GET"), Method::Borrowed("GET")));
        assert!(matches!(method("DELETE"), Method::Borrowed("DELETE")));
        // Methods are case-sensitive (RFC 9110 section 9.1): "get" is not GET.
        assert_eq!(method("get"), "get");
        assert!(matches!(method("get"), Method::Owned(_)));
        assert!(matches!(method("PROPFIND"), Method::Owned(_)));
    }
}
