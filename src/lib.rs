//! # plainwire
//!
//! A small blocking HTTP/1.1 and HTTPS client that you can read from end to end.
//!
//! plainwire is for programs that want to make HTTP requests without an async runtime: command
//! line tools, build scripts, tests, small services. It speaks HTTP/1.1 over TCP and over TLS
//! (rustls, with the Mozilla roots from webpki-roots), keeps connections alive, follows
//! redirects, and bounds everything a server could use against it: time, head size, body size.
//! It keeps cookies when asked, uploads forms and files, and does not do HTTP/2 or HTTP/3,
//! async, or caching.
//!
//! ```no_run
//! # #[cfg(feature = "json")] {
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
//! # }
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! (The JSON methods need the `json` feature, on by default, and the example names
//! `serde_json` itself, so a crate that copies it lists `serde_json` among its dependencies.)
//!
//! ## Responses and errors, as in requests
//!
//! | requests | plainwire |
//! |---|---|
//! | `r.raise_for_status()` | [`resp.error_for_status()?`](Response::error_for_status) |
//! | `HTTPError.response` | [`err.response()`](Error::response), [`err.into_response()`](Error::into_response): headers and body still readable |
//! | `r.history` | [`resp.history()`](Response::history): each [`RedirectHop`]'s URL, status and Location |
//! | `TooManyRedirects` | [`ErrorKind::TooManyRedirects`], with the chain in [`err.redirects()`](Error::redirects) |
//! | `r.ok` | `resp.status() < 400` ([`error_for_status()?`](Response::error_for_status) to make the rest an error); [`resp.is_success()`](Response::is_success) is 2xx only |
//! | `r.is_redirect` | [`resp.is_redirect()`](Response::is_redirect) (any 3xx, `Location` or not) |
//! | `r.cookies` | `resp.cookies()` (feature `cookies`): the cookies its Set-Cookie fields set |
//! | `r.links["next"]["url"]` | [`resp.links().get("next")`](Response::links), then [`WebLink::url`] (resolved) |
//! | the peer's address | [`resp.remote_addr()`](Response::remote_addr), [`resp.local_addr()`](Response::local_addr) |
//! | `r.headers["Content-Range"]` | [`resp.content_range()`](Response::content_range), parsed ([`ContentRange`]) |
//! | `r.text` | [`resp.text_lossy()?`](Response::text_lossy); [`resp.text()?`](Response::text) fails on bad bytes |
//! | `r.encoding` | [`resp.charset()`](Response::charset); no charset means UTF-8, not ISO-8859-1 |
//! | `r.encoding = "iso-8859-1"`, then `r.text` | [`resp.text_in("iso-8859-1")?`](Response::text_in) (strict, as `text()` is) |
//! | `r.json()` | [`resp.json()?`](Response::json): a decode error quotes the body where it stopped |
//!
//! ```no_run
//! use plainwire::ErrorKind;
//!
//! // try: requests.get(url).raise_for_status()
//! // except HTTPError as e: print(e.response.status_code, e.response.text)
//! match plainwire::get("https://api.example.com/items/7").send()?.error_for_status() {
//!     Ok(resp) => println!("{}", resp.text()?),
//!     Err(err) if matches!(err.kind(), ErrorKind::Status(_)) => {
//!         let resp = err.into_response().expect("a status error keeps its response");
//!         eprintln!("{} {}", resp.status(), resp.text_lossy()?);
//!     }
//!     Err(err) => return Err(err),
//! }
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! ## Coming from requests
//!
//! An [`Agent`] is a requests `Session`: default headers (set, replaced and removed without
//! regard to case), query pairs, credentials (Basic, bearer, Digest, `.netrc`), trust and
//! proxies. A [`RequestBuilder`] says per call what requests lets you say per call: headers
//! (and which defaults to leave out), query pairs, auth, body, timeouts, redirects, the body
//! size limit; its documentation lists each with its requests spelling, and says why trust
//! and proxies stay on the agent.
//!
//! ```no_run
//! // s = requests.Session(); s.params = {"key": "k"}; s.auth = ("u", "p")
//! let agent = plainwire::Agent::builder()
//!     .query("key", "k")
//!     .basic_auth("u", "p")
//!     .remove_default_header("User-Agent")
//!     .build()?;
//! // s.get(url, params={"page": 2}, headers={"Accept": "text/html"}, allow_redirects=False)
//! let resp = agent
//!     .get("https://example.com/list")
//!     .query("page", 2)
//!     .header("Accept", "text/html")
//!     .max_redirects(0)
//!     .send()?;
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! Authentication and trust, as requests and curl spell them (Basic, bearer and Digest can be
//! the agent's too, for every request, as requests' `s.auth`):
//!
//! | requests | curl | plainwire |
//! |---|---|---|
//! | `auth=("u", "p")` | `-u u:p` | [`.basic_auth("u", "p")`](RequestBuilder::basic_auth), or `https://u:p@host/` |
//! | `headers={"Authorization": "Bearer t"}` | `--oauth2-bearer t` | [`.bearer_auth("t")`](RequestBuilder::bearer_auth) |
//! | `auth=HTTPDigestAuth("u", "p")` | `--digest -u u:p` | `.digest_auth("u", "p")` (feature `digest`) |
//! | `~/.netrc` (always) | `-n`, `--netrc-file f` | [`.netrc(true)`](AgentBuilder::netrc), [`.netrc_file(f)`](AgentBuilder::netrc_file) (when asked) |
//! | `cert=("c.pem", "k.pem")` | `--cert c.pem --key k.pem` | `AgentBuilder::client_cert_file` (feature `tls`) |
//! | `verify="ca.pem"`, `REQUESTS_CA_BUNDLE` | `--cacert ca.pem`, `CURL_CA_BUNDLE` | `AgentBuilder::ca_file`; the variables as `AgentBuilder::roots_from_env` says (`docs/trust.md` has the table) |
//!
//! Credentials you give are dropped when a redirect leaves the origin
//! ([`redirect_keep_credentials`](AgentBuilder::redirect_keep_credentials) is curl's
//! `--location-trusted`), and never appear in errors, `Debug` output or the trace.
//!
//! ## Cookies and sessions
//!
//! An agent keeps cookies when asked ([`AgentBuilder::cookie_store`]), in a [`CookieJar`] that
//! follows RFC 6265bis; the free functions keep none. The jar is a handle to read, change,
//! share between agents, and load or save in curl's cookie-file format.
//!
//! | requests | curl | plainwire |
//! |---|---|---|
//! | `requests.Session()` (keeps cookies) | `-c jar.txt` | [`Agent::builder().cookie_store(true)`](AgentBuilder::cookie_store) |
//! | `s.cookies.get("sid", domain=d)` | | [`agent.cookie_jar()`](Agent::cookie_jar), then [`jar.get(d, "/", "sid")`](CookieJar::get) |
//! | `s.cookies.set(...)`, `del s.cookies[...]` | | [`jar.insert(Cookie::new(...))?`](CookieJar::insert), [`jar.remove(...)`](CookieJar::remove) |
//! | `MozillaCookieJar(f).load()`, `.save()` | `-b f`, `-c f` | [`CookieJar::from_file(f)?`](CookieJar::from_file) with [`.cookie_jar(jar)`](AgentBuilder::cookie_jar), [`jar.save_file(f)?`](CookieJar::save_file) |
//!
//! ## Uploads
//!
//! | requests | curl | plainwire |
//! |---|---|---|
//! | `files={"f": open("a.txt", "rb")}, data={"k": "v"}` | `-F k=v -F f=@a.txt` | [`.multipart(Form::new().text("k", "v").file("f", "a.txt")?)`](RequestBuilder::multipart) |
//! | `data=open("big.iso", "rb")` | `-T big.iso` | [`.body_file("big.iso")`](RequestBuilder::body_file), with Content-Length |
//! | a reader of known length | | [`.body_reader_sized(reader, length)`](RequestBuilder::body_reader_sized), with Content-Length |
//! | `data=generator()` | `-T -` | [`.body_reader(reader)`](RequestBuilder::body_reader), chunked |
//! | | `-H 'Expect:'` | [`.expect_continue(ExpectContinue::Never)`](RequestBuilder::expect_continue) |
//!
//! Files and readers are streamed, never held in memory; see [`multipart`] for the form, and
//! [`ExpectContinue`] for when a body waits for `100 Continue` (curl's rule by default).
//!
//! ## Retries
//!
//! Nothing is retried unless asked. A [`RetryPolicy`], on the agent or on one request, is curl's
//! `--retry` (and urllib3's `Retry` with a `status_forcelist`): connection errors before any
//! response byte and 408, 429, 500, 502, 503, 504, for idempotent methods, with backoff and
//! jitter, `Retry-After` honoured, all within the call's deadline. Which errors, the jitter
//! (or a fixed delay) and a limit on the time spent retrying are settings of the policy.
//!
//! ```no_run
//! // HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[429, 503])); curl --retry 3
//! use plainwire::RetryPolicy;
//! let agent = plainwire::Agent::builder()
//!     .retry(RetryPolicy::new(3).statuses(&[429, 503]))
//!     .build()?;
//! let resp = agent.get("https://api.example.com/items").send()?;
//! println!("{} after {} retries", resp.status(), resp.retries());
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! ## Middleware
//!
//! Your own code around every call of an agent ([`AgentBuilder::middleware`]), as requests'
//! hooks and custom `AuthBase`, and ureq's middleware: change the request (sign it, add a
//! token), look at the response, send again, or refuse. See [`middleware`] for the types and a
//! token-refresh example.
//!
//! ## Text in other charsets
//!
//! [`Response::text`] decodes the body in the charset its Content-Type names (UTF-8 when none
//! is named; a byte order mark wins; `iso-8859-1` is read as windows-1252, as browsers do);
//! [`Response::text_lossy`] never fails on decoding (reading the body still can). UTF-8, UTF-16 and windows-1252 need no feature; the
//! other WHATWG charsets (Shift_JIS, EUC-KR, GB18030, ...) need `charset` (encoding_rs).
//!
//! ## The `http` crate's types
//!
//! With the feature `http`, code that builds or signs requests with the `http` crate hands an
//! `http::Request` to `Agent::request_http` (requests' nearest is `Session.send` of a
//! `PreparedRequest`), and a [`Response`] becomes an `http::Response<BodyReader>`, the body
//! still a stream.
//!
//! ## Seeing underneath
//!
//! | requests | curl | plainwire |
//! |---|---|---|
//! | `HTTPConnection.debuglevel = 1` | `-v` | [`AgentBuilder::trace`]: each [`TraceEvent`], printed as curl prints it |
//! | | `-v` (TLS lines), `--trace` | the same hook: each TLS record as it crosses the socket, decoded by `tls_record` (features `tls` and `inspect`) |
//! | | `SSLKEYLOGFILE=keys.txt` | `AgentBuilder::key_log_file` (feature `tls`), `AgentBuilder::key_log_from_env` (features `tls` and `env`) |
//! | `r.elapsed` | `-w '%{time_total}'` | [`resp.timings()`](Response::timings), [`Timings`] |
//! | | `-v` (the certificate) | [`resp.tls()`](Response::tls), [`TlsInfo`] |
//!
//! `docs/wireshark.md` in the repository shows how to decrypt a capture with the key log, and
//! `cargo run -p plainwire-tour` shows all of this offline, against a server on 127.0.0.1.
//!
//! ## How it is built
//!
//! The [`guide`] walks the source from `get()` to the socket and back, file by file. The map, in
//! the order a call runs through it:
//!
//! 1. `lib.rs` → `agent.rs` → `request.rs` (with `url.rs`): what you ask for, collected.
//! 2. `client/`, the middle layer, one call in order: `call.rs` (deadline, retries, the redirect
//!    loop), `proxy.rs`, `request_head.rs`, `connect.rs` (pool, or TCP, `tunnel.rs`, TLS),
//!    `exchange.rs`, `wire_body.rs`, and `redirect.rs`, the decision whether to go on.
//! 3. [`http1`], HTTP/1.1 on byte buffers, never a socket: the request head, the response head,
//!    the framing of the body (RFC 9112 section 6.3), chunked decoding.
//! 4. `transport/`, bytes and nothing of HTTP: resolving, TCP, TLS driven by hand, timeouts,
//!    the pool of idle connections.
//! 5. Back up: `response.rs` and [`BodyReader`] read the body through `client/wire_body.rs`,
//!    which returns the connection to the [`Agent`]'s pool when the body ends.
//!
//! Each layer imports only from those below it; `tests/layering.rs` checks that. Every default
//! and limit, with its reason, is on one page: [`defaults`].
//!
//! ## Safe by default
//!
//! - Certificates are verified: against the webpki roots, or the roots a CA variable such as
//!   `SSL_CERT_FILE` names (feature `env`; see `docs/trust.md`); turning verification off is
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
//! - `cookies` (default): the cookie jar (`AgentBuilder::cookie_store`, `CookieJar`).
//! - `inspect` (default): `TlsInfo::peer_certificates` (`CertificateSummary`) and the trace's
//!   TLS records (`TraceEvent::TlsRecord`, `TraceEvent::TlsData`).
//! - `env` (default): roots, proxies and the key log from environment variables, and
//!   `.netrc`; without it no agent reads them, and asking for them fails
//!   [`AgentBuilder::build`].
//! - `gzip`: asks for gzip and deflate bodies and decodes them, through flate2 (pure Rust).
//! - `native-roots`: [`AgentBuilder::native_roots`] on macOS and Windows, via rustls-native-certs.
//! - `digest`: HTTP Digest authentication (`RequestBuilder::digest_auth`,
//!   `AgentBuilder::digest_auth`), through the RustCrypto crates md-5 and sha2.
//! - `public-suffix` (with `cookies`): the cookie jar refuses Domain attributes on the whole Public Suffix List,
//!   through psl (without it, a built-in table of the common ones).
//! - `charset`: [`Response::text`] decodes every WHATWG charset, through encoding_rs.
//! - `http`: conversions from `http::Request` and to `http::Response`.
//! - `bind`: the local end of connections (`AgentBuilder::local_address`, and on Linux
//!   `AgentBuilder::interface`), through socket2; curl's `--interface`.
//! - `cli`: the `plainwire` command-line tool (`cargo install plainwire --features cli`).
//!
//! With `--no-default-features`, plainwire is a plain-HTTP client on httparse alone.

#![forbid(unsafe_code)]
// docs.rs (`--cfg docsrs`, nightly): mark each feature-gated item with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod agent;
mod auth;
mod body_reader;
mod charset;
mod client;
#[cfg(feature = "cookies")]
mod cookie;
pub mod defaults;
#[cfg(feature = "gzip")]
mod deflate_body;
mod error;
#[cfg(feature = "json")]
mod excerpt;
mod expect_continue;
pub mod http1;
#[cfg(feature = "http")]
mod http_types;
#[cfg(feature = "json")]
mod json_body;
mod key_value;
pub mod middleware;
pub mod multipart;
pub mod printable;
mod random;
mod request;
mod response;
mod retry;
mod timings;
#[cfg(any(feature = "tls", fuzzing))]
pub mod tls_record;
mod trace;
mod transport;
mod upload_file;
mod url;
mod web_link;

pub use agent::{default_agent, Agent, AgentBuilder};
pub use body_reader::BodyReader;
pub use client::proxy::{EnvProxies, Proxy};
pub use client::redirect::RedirectHop;
pub use client::settings::IpFamily;
#[cfg(feature = "cookies")]
pub use cookie::{Cookie, CookieJar, SameSite};
pub use error::{Error, ErrorKind, Result, TimeoutPhase};
pub use expect_continue::ExpectContinue;
pub use http1::close_reason::CloseReason;
pub use http1::content_range::ContentRange;
pub use http1::head::Version;
pub use http1::headers::Headers;
pub use key_value::KeyValue;
pub use request::RequestBuilder;
pub use response::Response;
pub use retry::RetryPolicy;
pub use timings::Timings;
pub use trace::TraceEvent;
pub use transport::tls_info::TlsInfo;
#[cfg(feature = "tls")]
pub use transport::trust::TlsVersion;
#[cfg(feature = "inspect")]
pub use transport::x509::CertificateSummary;
pub use url::{form_urlencode, percent_encode_non_ascii, HostKind, Scheme, Url};
pub use web_link::{WebLink, WebLinks};

/// Entry points for the fuzz targets in `fuzz/` to the crate-private parsers of header values
/// and files: only in a `cfg(fuzzing)` build (cargo-fuzz sets it), never in the API.
#[cfg(fuzzing)]
#[doc(hidden)]
#[allow(missing_docs)]
pub mod fuzz_entry {
    pub fn challenges(value: &str) -> usize {
        crate::auth::challenge::Challenge::parse_all([value]).len()
    }

    pub fn netrc(text: &str) -> bool {
        crate::auth::netrc::Netrc::parse(text).is_ok()
    }

    pub fn no_proxy(list: &str, host: &str, port: u16) -> bool {
        crate::client::no_proxy::NoProxy::parse(list).matches(host, port)
    }

    pub fn retry_after(value: &str) -> Option<std::time::Duration> {
        crate::http1::retry_after::parse(value, std::time::SystemTime::UNIX_EPOCH)
    }
}

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
///
/// ```no_run
/// // requests.head(url).headers["Content-Length"]
/// let resp = plainwire::head("https://example.com/big.iso").send()?;
/// println!("{:?}", resp.content_length());
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn head(url: &str) -> RequestBuilder {
    default_agent().head(url)
}

/// Starts a POST request to `url` with the [default agent](default_agent).
///
/// ```no_run
/// // requests.post(url, data={"q": "rust"})
/// let resp = plainwire::post("https://example.com/search").form([("q", "rust")]).send()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn post(url: &str) -> RequestBuilder {
    default_agent().post(url)
}

/// Starts a PUT request to `url` with the [default agent](default_agent).
///
/// ```no_run
/// // requests.put(url, data=b"...")
/// plainwire::put("https://example.com/notes/1").body("new text").send()?.error_for_status()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn put(url: &str) -> RequestBuilder {
    default_agent().put(url)
}

/// Starts a PATCH request to `url` with the [default agent](default_agent).
///
/// ```no_run
/// let resp = plainwire::patch("https://example.com/notes/1")
///     .header("Content-Type", "application/merge-patch+json")
///     .body(r#"{"done": true}"#)
///     .send()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn patch(url: &str) -> RequestBuilder {
    default_agent().patch(url)
}

/// Starts a DELETE request to `url` with the [default agent](default_agent).
///
/// ```no_run
/// plainwire::delete("https://example.com/notes/1").send()?.error_for_status()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn delete(url: &str) -> RequestBuilder {
    default_agent().delete(url)
}

/// Starts an OPTIONS request to `url` with the [default agent](default_agent).
///
/// ```no_run
/// let resp = plainwire::options("https://example.com/api").send()?;
/// println!("allowed: {:?}", resp.header("allow"));
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn options(url: &str) -> RequestBuilder {
    default_agent().options(url)
}

/// Starts a request with any method (a token such as `"PROPFIND"`) with the default agent.
///
/// ```no_run
/// // requests.request("PROPFIND", url, headers={"Depth": "1"})
/// let resp = plainwire::request("PROPFIND", "https://example.com/dav/")
///     .header("Depth", 1)
///     .send()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
pub fn request(method: &str, url: &str) -> RequestBuilder {
    default_agent().request(method, url)
}
