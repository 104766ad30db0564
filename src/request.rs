//! [`RequestBuilder`]: method, URL, headers, query, body and timeout of one request; then `send`.
//!
//! Mistakes (a bad URL, a header with a line break) are remembered and returned by
//! [`RequestBuilder::send`], so that building reads as one chain; nothing is sent if any part
//! is wrong.

use std::fmt::Display;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::auth;
use crate::auth::credentials::Credentials;
use crate::client::send_body::Stream;
use crate::client::settings::LowSpeed;
use crate::client::{
    self, call, cookie_field, Method, Outgoing, Overrides, SendBody, Shared, WireOptions,
};
use crate::error::{Error, ErrorKind, Result};
use crate::expect_continue::ExpectContinue;
use crate::key_value::{sealed::Pair, KeyValue};
use crate::middleware::{Chain, Next, Request as MiddlewareRequest};
use crate::multipart::{complete_boundary, Form, FormBody};
use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::url::{form_urlencode, Url};

/// A request being built. Start one with [`crate::get`], [`Agent::get`](crate::Agent::get) and
/// friends.
///
/// ```no_run
/// use std::time::Duration;
/// let resp = plainwire::get("https://httpbin.org/get")
///     .query("q", "rust http")
///     .header("Accept", "application/json")
///     .timeout(Duration::from_secs(5))
///     .send()?;
/// println!("{}", resp.status());
/// # Ok::<(), plainwire::Error>(())
/// ```
///
/// # Per request, or on the agent
///
/// What requests lets you say per call, a request says here, in place of its agent's setting:
///
/// | requests | plainwire |
/// |---|---|
/// | `requests.get(url, params={"q": "x"})` | [`.query("q", "x")`](RequestBuilder::query), [`.query_pairs(&[("q", "x")])`](RequestBuilder::query_pairs) |
/// | `headers={"Accept": "text/html"}` | [`.header("Accept", "text/html")`](RequestBuilder::header), [`.headers(...)`](RequestBuilder::headers) |
/// | `headers={"User-Agent": None}` (a session header left out) | [`.remove_header("User-Agent")`](RequestBuilder::remove_header) |
/// | `auth=("user", "pass")` | [`.basic_auth("user", "pass")`](RequestBuilder::basic_auth) |
/// | `auth=HTTPDigestAuth("user", "pass")` | `.digest_auth("user", "pass")` (feature `digest`) |
/// | `data={"a": "b"}` | [`.form(&[("a", "b")])`](RequestBuilder::form) |
/// | `json=payload` | [`.json(&payload)?`](RequestBuilder::json) |
/// | `data=b"bytes"` | [`.body(bytes)`](RequestBuilder::body) |
/// | `data=open("f", "rb")` | [`.body_file("f")`](RequestBuilder::body_file) (sized, and sent again on a redirect or retry); [`.body_reader(r)`](RequestBuilder::body_reader) for any reader (chunked, sent once) |
/// | `timeout=10` (the whole call here; requests' is per read) | [`.timeout(Duration::from_secs(10))`](RequestBuilder::timeout) |
/// | `timeout=(3.05, 27)` | the read part: [`.read_timeout(Duration::from_secs(27))`](RequestBuilder::read_timeout); the connect part is the agent's ([`AgentBuilder::connect_timeout`](crate::AgentBuilder::connect_timeout)), as is the write timeout |
/// | `allow_redirects=False` | [`.max_redirects(0)`](RequestBuilder::max_redirects) |
/// | `stream=True` | [`.send()?.into_reader()`](crate::Response::into_reader), with [`limit_body(bytes)`](crate::Response::limit_body) for a size check (a stream has no limit of its own) |
/// | — (curl's `--speed-limit`) | [`.low_speed_limit(bytes, period)`](RequestBuilder::low_speed_limit) |
///
/// Two kinds of setting stay on the [`Agent`](crate::Agent), because they belong to
/// connections, which the agent's requests share through its pool:
///
/// - **Which servers to trust** (requests' `verify=` and `cert=`). A kept-alive connection was
///   verified once, with the agent's roots, and serves every later request to that origin;
///   a per-request CA could not apply to the connection a request is given. Make an agent for
///   each trust setting:
///   `let agent = Agent::builder().ca_file("ca.pem")?.build()?;`
///   (see [`AgentBuilder::ca_file`](crate::AgentBuilder::ca_file) and `docs/trust.md`).
/// - **Proxies** (requests' `proxies=`). The proxy decides where the connection goes and is
///   part of the pool's key; an agent with one proxy setting keeps its pool coherent:
///   `let agent = Agent::builder().proxy("http://proxy:3128").build()?;`
///   (see [`AgentBuilder::proxy`](crate::AgentBuilder::proxy)).
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    /// The agent's settings and pool, shared with every clone of the agent.
    shared: Arc<Shared>,
    /// The agent's middleware, if it has any.
    middleware: Option<Chain>,
    method: Method,
    url: Result<Url>,
    headers: Vec<(String, String)>,
    /// The header names removed: none of our defaults or the agent's of these names go out.
    removed: Vec<String>,
    /// Cookies given to `cookie`, sent with the jar's.
    cookies: Vec<(String, String)>,
    /// The keys given to `query` and `query_pairs`: the agent's query pairs of these keys
    /// are not added.
    query_keys: Vec<String>,
    body: SendBody,
    /// The Content-Type that goes with the body (`json`, `form`), unless the caller sets one.
    body_content_type: Option<String>,
    digest_auth: Option<Credentials>,
    overrides: Overrides,
    wire: WireOptions,
    error: Option<Error>,
}

impl RequestBuilder {
    pub(crate) fn new(
        shared: Arc<Shared>,
        middleware: Option<Chain>,
        method: &str,
        url: &str,
    ) -> RequestBuilder {
        RequestBuilder {
            shared,
            middleware,
            method: client::method(method),
            url: Url::parse(url),
            headers: Vec::new(),
            removed: Vec::new(),
            cookies: Vec::new(),
            query_keys: Vec::new(),
            body: SendBody::Empty,
            body_content_type: None,
            digest_auth: None,
            overrides: Overrides::default(),
            wire: WireOptions::default(),
            error: None,
        }
    }

    /// Adds a header; the value is anything [`Display`]. Headers go out in the order added,
    /// after the defaults (Host, User-Agent, Accept, Content-Length); one with the same name as
    /// a default (ours or the agent's) replaces it, in its place. Adding a name twice sends it
    /// twice, but for Host, which makes `send` fail. A name that is not a token, or a value
    /// with a control character other than tab (CR, LF, NUL, ...), makes `send` fail before
    /// connecting. Content-Length and Transfer-Encoding are written by plainwire from the body: a caller's Content-Length must agree with a body of known length (or sizes a
    /// streamed one), `Transfer-Encoding: chunked` sends the body chunked, and anything else
    /// makes `send` fail before connecting.
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let request = agent
    ///     .get("http://localhost/")
    ///     .header("Accept", "application/json")
    ///     .header("X-Request-Id", 42);
    /// # drop(request);
    /// ```
    pub fn header(mut self, name: &str, value: impl Display) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        if name.eq_ignore_ascii_case("host") {
            return self.refuse_a_second_host();
        }
        self
    }

    /// Adds each header of `headers`, as [`header`](RequestBuilder::header) does; any
    /// [`KeyValue`] pairs (`&[("a", "b")]`, a `Vec` or a map).
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let request = agent
    ///     .get("http://localhost/")
    ///     .headers([("Accept", "text/html"), ("X-Client", "docs")]);
    /// # drop(request);
    /// ```
    pub fn headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: KeyValue,
    {
        self.headers
            .extend(headers.into_iter().map(Pair::into_strings));
        self.refuse_a_second_host()
    }

    /// Makes `send` fail when the request's own fields hold Host twice: a server must answer
    /// such a request with 400 (RFC 9112 section 3.2), and which one a proxy or a cache would
    /// believe is anyone's guess. Other names may be given twice.
    fn refuse_a_second_host(self) -> Self {
        let hosts = self
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("host"));
        if hosts.count() > 1 {
            return self.fail(Error::new(
                ErrorKind::InvalidRequest,
                "the Host header was given twice; a request carries one (RFC 9112 section 3.2)",
            ));
        }
        self
    }

    /// Sends no header named `name` from the defaults, ours (User-Agent, Accept,
    /// Accept-Encoding, the URL's credentials, the cookie jar's Cookie, `Expect`) or the
    /// agent's, and drops the ones this request added so far; a `header` of that name added
    /// afterwards is sent. As requests' `headers={"User-Agent": None}` and curl's
    /// `-H "User-Agent:"`. For Cookie, the same holds of [`cookie`](RequestBuilder::cookie):
    /// the jar's cookies and the request's so far are dropped, and ones given afterwards sent.
    ///
    /// Host cannot be removed: HTTP/1.1 requires it in every request (RFC 9112 section 3.2),
    /// so `send` fails with [`ErrorKind::InvalidRequest`]; give it another value with
    /// `header("Host", ...)` instead. Content-Length and Transfer-Encoding frame the body and
    /// stay plainwire's own; removing them does nothing.
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let request = agent
    ///     .get("http://localhost/")
    ///     .remove_header("User-Agent")
    ///     .remove_header("accept");
    /// # drop(request);
    /// ```
    pub fn remove_header(mut self, name: &str) -> Self {
        if name.eq_ignore_ascii_case("host") {
            return self.fail(host_is_required());
        }
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if name.eq_ignore_ascii_case("cookie") {
            self.cookies.clear();
        }
        if !self.removed.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            self.removed.push(name.to_string());
        }
        self
    }

    /// Sends the cookie `name=value` with this request, in the one Cookie field with the
    /// agent's [cookie jar](crate::AgentBuilder::cookie_jar)'s cookies for the URL (the jar's
    /// first); a jar's cookie of the same name is left out. As requests'
    /// `get(url, cookies={...})` and curl's `-b 'name=value'`. The jar keeps nothing of it.
    ///
    /// The cookie goes to the origin the call starts at, and along redirects that stay there:
    /// like the request's credentials, it stays behind when a redirect leaves the origin.
    /// A name with `=`, `;`, a space or a control character, or a value with `;` or a control
    /// character, fails `send` with [`ErrorKind::InvalidRequest`]. An empty name sends the
    /// value alone (`token`, as a browser sends a cookie set without a name), which then must
    /// hold no `=`. A Cookie field set with
    /// [`header`](RequestBuilder::header) replaces the jar's and these.
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let request = agent
    ///     .get("http://localhost/")
    ///     .cookie("sessionid", "38afes7a8")
    ///     .cookie("theme", "dark");
    /// # drop(request);
    /// ```
    pub fn cookie(mut self, name: &str, value: impl Display) -> Self {
        let value = value.to_string();
        match cookie_field::check(name, &value) {
            Ok(()) => {
                self.cookies.push((name.to_string(), value));
                self
            }
            Err(err) => self.fail(err),
        }
    }

    /// Adds `key=value` to the URL's query, form-encoded; the value is anything [`Display`].
    /// An agent's [`query`](crate::AgentBuilder::query) pair with the same key is then left
    /// out, as requests merges `params`.
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let request = agent.get("http://localhost/search").query("q", "rust").query("page", 2);
    /// # drop(request);
    /// ```
    pub fn query(mut self, key: &str, value: impl Display) -> Self {
        if let Ok(url) = &mut self.url {
            url.append_query_pair(key, &value.to_string());
        }
        self.query_keys.push(key.to_string());
        self
    }

    /// Adds each pair of `pairs` to the URL's query, as [`query`](RequestBuilder::query) does;
    /// any [`KeyValue`] pairs.
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let request = agent
    ///     .get("http://localhost/search")
    ///     .query_pairs([("q", "rust"), ("sort", "stars")]);
    /// # drop(request);
    /// ```
    pub fn query_pairs<I>(mut self, pairs: I) -> Self
    where
        I: IntoIterator,
        I::Item: KeyValue,
    {
        for (key, value) in pairs.into_iter().map(Pair::into_strings) {
            self = self.query(&key, value);
        }
        self
    }

    /// Sends `Authorization: Basic …` with these credentials, in place of any other
    /// Authorization (a header added earlier, the URL's, the agent's). A user name that
    /// contains a `:` cannot be told from the password that follows it (RFC 7617 section 2), so
    /// it makes `send` fail, as does a control character in either part.
    ///
    /// ```no_run
    /// // requests.get(url, auth=("ana", "s3cret")); curl -u ana:s3cret
    /// let resp = plainwire::get("https://example.com/private").basic_auth("ana", "s3cret").send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn basic_auth(self, user: &str, password: &str) -> Self {
        match auth::basic(user, password) {
            Ok(value) => self.set_authorization(value),
            Err(err) => self.fail(err),
        }
    }

    /// Sends `Authorization: Bearer <token>`, in place of any other Authorization.
    ///
    /// ```no_run
    /// // curl --oauth2-bearer t0ken
    /// let resp = plainwire::get("https://api.example.com/me").bearer_auth("t0ken").send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn bearer_auth(self, token: &str) -> Self {
        let value = auth::bearer(token);
        self.set_authorization(value)
    }

    /// Answers a server's Digest challenge (RFC 7616: MD5, SHA-256 and SHA-512/256, qop=auth
    /// and auth-int) with these credentials, as requests' `auth=HTTPDigestAuth(user, pass)`
    /// and curl's `--digest -u user:pass`.
    ///
    /// The request goes out without credentials; a 401 with a Digest challenge from the same
    /// origin is answered by sending the request once more with the Authorization computed for
    /// it, and once again if the server says the nonce was stale. Credentials never go to
    /// another origin: after a redirect away, a 401 is the response. A reader
    /// ([`body_reader`](RequestBuilder::body_reader)) cannot be sent twice, so its 401 is the
    /// response too; a file or a form reopens and is sent again (a server that offers only
    /// `qop=auth-int` needs the body in memory, to hash it). Replaces any other Authorization
    /// (a header, the URL's, the agent's).
    ///
    /// ```no_run
    /// let resp = plainwire::get("https://example.com/private")
    ///     .digest_auth("Mufasa", "Circle of Life")
    ///     .send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "digest")]
    pub fn digest_auth(self, user: &str, password: &str) -> Self {
        let mut this = self.remove_header("Authorization");
        this.digest_auth = Some(Credentials::new(user, password));
        this
    }

    /// Sets the one Authorization field this request sends.
    fn set_authorization(mut self, value: String) -> Self {
        self.digest_auth = None;
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
        self.headers.push(("Authorization".to_string(), value));
        self
    }

    /// The deadline for this call, from name resolution to the last byte of the body,
    /// redirects included; overrides the agent's [`timeout`](crate::AgentBuilder::timeout),
    /// and `None` takes it away for this call (requests' `timeout=None`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use plainwire::{ErrorKind, TimeoutPhase};
    ///
    /// // A server that accepts the connection and never answers.
    /// let silent = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/", silent.local_addr()?);
    ///
    /// let err = plainwire::get(&url).timeout(Duration::from_millis(100)).send().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Timeout);
    /// assert_eq!(err.timeout_phase(), Some(TimeoutPhase::ReadHead));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.overrides.timeout = Some(timeout.into());
        self
    }

    /// The read (idle) timeout for this call, in place of the agent's
    /// [`read_timeout`](crate::AgentBuilder::read_timeout).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// // requests.get(url, timeout=(3.05, 27)): the read part
    /// let resp = plainwire::get("https://example.com/slow")
    ///     .read_timeout(Duration::from_secs(27))
    ///     .send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.overrides.read_timeout = Some(timeout.into());
        self
    }

    /// The head timeout for this call, in place of the agent's
    /// [`head_timeout`](crate::AgentBuilder::head_timeout).
    pub fn head_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.overrides.head_timeout = Some(timeout.into());
        self
    }

    /// The low-speed limit for this call, in place of the agent's
    /// [`low_speed_limit`](crate::AgentBuilder::low_speed_limit).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// // curl --speed-limit 1000 --speed-time 20
    /// let resp = plainwire::get("https://example.com/big.iso")
    ///     .low_speed_limit(1000, Duration::from_secs(20))
    ///     .send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn low_speed_limit(mut self, bytes_per_second: u64, period: Duration) -> Self {
        self.overrides.low_speed = Some(Some(LowSpeed {
            bytes_per_second,
            period,
        }));
        self
    }

    /// The most redirects this call follows; 0 returns a redirect as the response, like
    /// requests' `allow_redirects=False`. In place of the agent's
    /// [`max_redirects`](crate::AgentBuilder::max_redirects).
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// // requests.get(url, allow_redirects=False)
    /// // `url`: a server on 127.0.0.1 that this example starts, and that redirects.
    /// let resp = plainwire::get(&url).max_redirects(0).send()?;
    /// assert_eq!(resp.status(), 302);
    /// assert_eq!(resp.header("location"), Some("/elsewhere"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_redirects(mut self, max: u32) -> Self {
        self.overrides.max_redirects = Some(max);
        self
    }

    /// The largest body [`Response::bytes`], `text` and `json` read into memory for this call,
    /// in place of the agent's [`max_body_size`](crate::AgentBuilder::max_body_size).
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// use plainwire::ErrorKind;
    ///
    /// // `url`: a server on 127.0.0.1 that this example starts, with an 11-byte body.
    /// let err = plainwire::get(&url).max_body_size(5).send()?.bytes().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.overrides.max_body_size = Some(bytes);
        self
    }

    /// Sends these bytes as the body, with a Content-Length. Replaces a body given before
    /// (and its Content-Type, if `json` or `form` set one).
    ///
    /// ```no_run
    /// // requests.post(url, data=b"<ping/>", headers={"Content-Type": "application/xml"})
    /// let resp = plainwire::post("https://example.com/rpc")
    ///     .header("Content-Type", "application/xml")
    ///     .body("<ping/>")
    ///     .send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body(self, body: impl Into<Vec<u8>>) -> Self {
        self.with_body(SendBody::Bytes(body.into()), None)
    }

    /// Streams the body from `reader`, read to its end as it is sent, with chunked transfer
    /// coding (a `Content-Length` header set on the request sends it with that length
    /// instead, and the reader must then yield exactly that many bytes). A streamed body is
    /// read once: once the reader has been read from, a redirect that keeps the body (307,
    /// 308, a 301 or 302 for a method other than POST, or one that
    /// [`keep_post_on_redirect`](crate::AgentBuilder::keep_post_on_redirect) keeps a POST for)
    /// is returned as the response instead of followed, and the
    /// [retry policy](RequestBuilder::retry) stops.
    /// It asks for `100 Continue` first, under the default [`ExpectContinue`] rule.
    ///
    /// ```no_run
    /// let stdin = std::io::stdin();
    /// let resp = plainwire::post("https://example.com/upload").body_reader(stdin).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_reader(self, reader: impl Read + Send + 'static) -> Self {
        self.with_body(SendBody::Stream(Stream::once(Box::new(reader), None)), None)
    }

    /// Streams the body from `reader`, which will yield exactly `length` bytes, sent with
    /// `Content-Length: length` (presigned S3 uploads and many APIs refuse chunked bodies). A
    /// reader that ends sooner, or has more, fails the call with
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) (its message says how many bytes were missing)
    /// and the connection is closed with the body incomplete, so the server never takes it
    /// for a whole one: finding "more" reads one byte past `length`, before the last bytes
    /// are sent, and sends neither. Read once, like [`body_reader`](RequestBuilder::body_reader).
    ///
    /// ```no_run
    /// let data = std::io::Cursor::new(vec![0u8; 4096]);
    /// plainwire::put("https://bucket.example.com/key?X-Amz-Signature=...")
    ///     .body_reader_sized(data, 4096)
    ///     .send()?
    ///     .error_for_status()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_reader_sized(self, reader: impl Read + Send + 'static, length: u64) -> Self {
        let stream = Stream::once(Box::new(reader), Some(length));
        self.with_body(SendBody::Stream(stream), None)
    }

    /// Streams the body from a reader that `open` makes anew for each try, so that, unlike
    /// [`body_reader`](RequestBuilder::body_reader), it can be sent again: by a
    /// [retry](RequestBuilder::retry), after a 307 or 308, or to answer a Digest challenge.
    /// With a `length`, every reader must yield exactly that many bytes, sent with a
    /// `Content-Length` (see [`body_reader_sized`](RequestBuilder::body_reader_sized));
    /// without, the body goes chunked. An error from `open` fails the call with
    /// [`ErrorKind::Io`](crate::ErrorKind::Io). As for `body_reader`, the readers are held to
    /// the write timeout for each silence and to a low-speed limit given, but not to the floor
    /// of 1 KiB/s that plainwire holds its own bodies to: a reader may be slow on purpose.
    ///
    /// ```no_run
    /// // A generated body, paced or transformed by the reader, that a retry can make again.
    /// let report = "date,count\n2026-11-30,42\n".repeat(1000);
    /// let length = report.len() as u64;
    /// plainwire::put("https://example.com/reports/today.csv")
    ///     .body_reopen(Some(length), move || Ok(std::io::Cursor::new(report.clone())))
    ///     .retry(plainwire::RetryPolicy::new(3))
    ///     .send()?
    ///     .error_for_status()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_reopen<R, F>(self, length: Option<u64>, open: F) -> Self
    where
        R: Read + Send + 'static,
        F: Fn() -> std::io::Result<R> + Send + 'static,
    {
        let open = move || -> Result<Box<dyn Read + Send>> {
            match open() {
                Ok(reader) => Ok(Box::new(reader)),
                Err(e) => {
                    Err(Error::new(ErrorKind::Io, "could not open the request body").with_source(e))
                }
            }
        };
        self.with_body(
            SendBody::Stream(Stream::reopen(Box::new(open), length)),
            None,
        )
    }

    /// Streams the file at `path` as the body, never holding it in memory, like curl's `-T`.
    /// A regular file goes out with its size (from its metadata) as `Content-Length`, and is
    /// opened anew for each try, so that a [retry](RequestBuilder::retry) or a 307 redirect
    /// can send it again; a file that changes size meanwhile fails the call. Anything else (a
    /// pipe, `/dev/stdin`) is read once, to its end, chunked. A file that cannot be opened
    /// makes [`send`](RequestBuilder::send) fail with [`ErrorKind::Io`](crate::ErrorKind::Io)
    /// before connecting.
    ///
    /// ```no_run
    /// plainwire::put("https://example.com/backups/db.tar")
    ///     .body_file("db.tar")
    ///     .send()?
    ///     .error_for_status()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_file(self, path: impl AsRef<Path>) -> Self {
        match Stream::file(path.as_ref()) {
            Ok(stream) => self.with_body(SendBody::Stream(stream), None),
            Err(err) => self.fail(err),
        }
    }

    /// Sends a `multipart/form-data` body (RFC 7578), like requests' `files=` and curl's
    /// `-F`, with the form's `Content-Type` (which names its boundary) in place of any set
    /// before it. A `multipart/...` Content-Type set after it without a boundary is given the
    /// form's, as curl does.
    /// When every part's length is known (text, bytes, regular files, sized readers) it goes
    /// out with a `Content-Length`; otherwise chunked. Files are streamed, never held in
    /// memory. A form without readers can be sent again (by a [retry](RequestBuilder::retry),
    /// or after a 307 or 308); one with a reader is read once, like
    /// [`body_reader`](RequestBuilder::body_reader). A mistake in the form (a CR in a field
    /// name) makes [`send`](RequestBuilder::send) fail before connecting.
    ///
    /// ```no_run
    /// use plainwire::multipart::{Form, Part};
    /// let form = Form::new()
    ///     .text("title", "Holiday")
    ///     .file("photo", "beach.jpg")?
    ///     .part("notes", Part::bytes(b"sunny".to_vec()).file_name("notes.txt"));
    /// let resp = plainwire::post("https://example.com/upload").multipart(form).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn multipart(mut self, form: Form) -> Self {
        let content_type = form.content_type();
        let length = form.content_length();
        let stream = match form.into_body() {
            Ok(FormBody::Replayable(open)) => Stream::reopen_ours(open, length),
            Ok(FormBody::Once(reader)) => Stream::once(reader, length),
            Err(err) => return self.fail(err),
        };
        // The boundary is in the form's Content-Type: one set before cannot describe this body.
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        self.with_body(SendBody::Stream(stream), Some(content_type))
    }

    /// When this request asks for `100 Continue` before sending its body, in place of the
    /// agent's [rule](crate::AgentBuilder::expect_continue).
    ///
    /// ```no_run
    /// use plainwire::ExpectContinue;
    /// plainwire::put("https://example.com/big")
    ///     .expect_continue(ExpectContinue::Never)
    ///     .body_file("big.iso")
    ///     .send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn expect_continue(mut self, rule: ExpectContinue) -> Self {
        self.overrides.expect_continue = Some(rule);
        self
    }

    /// Sends `HTTP/1.0` in the request line instead of `HTTP/1.1`, for a server that needs it
    /// (curl's `--http1.0`); the connection is then closed after the response. Only
    /// [`Version::Http10`](crate::Version::Http10) and `Http11` exist. A body of unknown length
    /// (a stream) cannot go in HTTP/1.0, which has no chunked coding: `send` fails.
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://old.example.com/")
    ///     .http_version(plainwire::Version::Http10)
    ///     .send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn http_version(mut self, version: crate::http1::head::Version) -> Self {
        self.wire.http10 = version == crate::http1::head::Version::Http10;
        self
    }

    /// Sends `target` as the request-target of the request line in place of the URL's path
    /// and query (curl's `--request-target`), such as `*` for `OPTIONS *`, or a path with
    /// `/../` left as it is (curl's `--path-as-is`). Only the first request of the call: a
    /// redirect names its own. It is checked like everything else that goes on the wire: no
    /// space, CR, LF or other control character. Through a proxy that forwards the request, a
    /// target that starts with `/` goes behind the URL's scheme and host, and `*` becomes the
    /// scheme and host alone, as a proxy needs (curl sends the target as given).
    ///
    /// ```no_run
    /// let resp = plainwire::options("http://example.com/").request_target("*").send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn request_target(mut self, target: &str) -> Self {
        self.wire.target = Some(target.to_string());
        self
    }

    /// Reads a body that has a Content-Length as if it had none, until the server closes the
    /// connection (curl's `--ignore-content-length`, for servers that send a wrong one). The
    /// connection is not reused.
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://broken.example.com/").ignore_content_length(true).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn ignore_content_length(mut self, ignore: bool) -> Self {
        self.wire.ignore_content_length = ignore;
        self
    }

    /// Hands out the body as it came off the wire: a chunked body with its chunk framing, a
    /// compressed one still compressed (curl's `--raw`). Where the body ends is still read
    /// from its framing.
    ///
    /// ```no_run
    /// // Save a chunked response exactly as it travelled.
    /// let mut resp = plainwire::get("http://example.com/stream").raw_body(true).send()?;
    /// std::io::copy(&mut resp, &mut std::fs::File::create("stream.raw")?)?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn raw_body(mut self, raw: bool) -> Self {
        self.wire.raw = raw;
        self
    }

    /// The retry policy of this request, in place of the agent's
    /// [`retry`](crate::AgentBuilder::retry); [`RetryPolicy::none`] turns retries off for it.
    ///
    /// ```no_run
    /// use plainwire::RetryPolicy;
    /// // A POST with an idempotency key may be sent twice.
    /// let resp = plainwire::post("https://api.example.com/payments")
    ///     .header("Idempotency-Key", "7c1e0f64")
    ///     .retry(RetryPolicy::new(3).retry_non_idempotent(true))
    ///     .body("{}")
    ///     .send()?;
    /// println!("{} after {} retries", resp.status(), resp.retries());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.overrides.retry = Some(policy);
        self
    }

    /// Sends `value` as JSON, with `Content-Type: application/json` unless the request sets its
    /// own Content-Type header. Replaces a body given before, and its Content-Type: the last
    /// body wins.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`] if the value cannot be serialised, and if it holds a float that is
    /// NaN or infinite: JSON has no such numbers (RFC 8259 section 6), and serde_json would
    /// quietly send `null` in their place.
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let request = agent.post("http://localhost/").json(&serde_json::json!({"n": 1.5}))?;
    /// let refused = agent.post("http://localhost/").json(&[f64::NAN]).unwrap_err();
    /// assert_eq!(refused.kind(), plainwire::ErrorKind::Json);
    /// # drop(request);
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<Self> {
        let bytes = crate::json_body::to_json(value)?;
        Ok(self.with_body(SendBody::Bytes(bytes), Some("application/json".to_string())))
    }

    /// Sends these pairs as an `application/x-www-form-urlencoded` body, with that
    /// Content-Type unless the request sets its own; any [`KeyValue`] pairs (`&[("a", "b")]`,
    /// `[("n", 1)]`, a `Vec` or a map). Replaces a body given before, and its Content-Type.
    ///
    /// ```
    /// # let agent = plainwire::Agent::new();
    /// let login = agent.post("http://localhost/login").form(&[("user", "ana"), ("pass", "x")]);
    /// let vote = agent.post("http://localhost/vote").form([("id", 7), ("stars", 5)]);
    /// # drop((login, vote));
    /// ```
    pub fn form<I>(self, pairs: I) -> Self
    where
        I: IntoIterator,
        I::Item: KeyValue,
    {
        let mut body = String::new();
        for (i, (key, value)) in pairs.into_iter().map(Pair::into_strings).enumerate() {
            if i > 0 {
                body.push('&');
            }
            form_urlencode(&mut body, &key);
            body.push('=');
            form_urlencode(&mut body, &value);
        }
        self.with_body(
            SendBody::Bytes(body.into_bytes()),
            Some("application/x-www-form-urlencoded".to_string()),
        )
    }

    /// Remembers `err` for [`send`](RequestBuilder::send) to return, unless an earlier mistake
    /// is already remembered: the first mistake is the one reported.
    pub(crate) fn fail(mut self, err: Error) -> Self {
        self.error = self.error.or(Some(err));
        self
    }

    /// Sets the body, and the Content-Type that goes with it (none for raw bytes or a stream);
    /// every body method goes through here, so that the last body wins with its type.
    fn with_body(mut self, body: SendBody, content_type: Option<String>) -> Self {
        self.body = body;
        self.body_content_type = content_type;
        self
    }

    /// Sends the request and reads the response head. The body is left on the connection to be
    /// read through the [`Response`]. Every status is `Ok`; see
    /// [`Response::error_for_status`] to turn 4xx and 5xx into errors.
    ///
    /// A mistake made while building (a bad URL, a header with a line break) is returned
    /// here, before anything is sent:
    ///
    /// ```
    /// use plainwire::ErrorKind;
    ///
    /// let err = plainwire::get("ftp://example.com/").send().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
    ///
    /// let err = plainwire::get("http://localhost/").header("X", "a\r\nEvil: 1").send().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    /// ```
    pub fn send(self) -> Result<Response> {
        // The URL was given first, so its mistake is the first one made.
        let mut url = self.url?;
        if let Some(err) = self.error {
            return Err(err);
        }
        for (key, value) in &self.shared.settings.query {
            if !self.query_keys.contains(key) {
                url.append_query_pair(key, value);
            }
        }
        let mut headers = self.headers;
        if let Some(content_type) = self.body_content_type {
            let named = |name: &str| name.eq_ignore_ascii_case("content-type");
            // The caller's Content-Type, or their removing it, wins over the body's; but a
            // multipart type of the caller's without a boundary gets the form's.
            match headers.iter_mut().find(|(n, _)| named(n)) {
                Some((_, value)) => {
                    // As curl completes `-H 'Content-Type: multipart/form-data'` given with `-F`.
                    if let Some(completed) = complete_boundary(value, &content_type) {
                        *value = completed;
                    }
                }
                None if !self.removed.iter().any(|r| named(r)) => {
                    headers.push(("Content-Type".to_string(), content_type));
                }
                None => {}
            }
        }
        let outgoing = Outgoing {
            method: self.method,
            url,
            headers,
            removed_headers: self.removed,
            cookies: self.cookies,
            digest_auth: self.digest_auth,
            body: self.body,
            overrides: self.overrides,
            wire: self.wire,
        };
        match &self.middleware {
            Some(chain) => Next::new(chain, &self.shared).send(MiddlewareRequest::new(outgoing)),
            None => Ok(Response::from_answer(call::run(&self.shared, outgoing)?)),
        }
    }
}

/// The error of removing Host, which HTTP/1.1 requires.
pub(crate) fn host_is_required() -> Error {
    Error::new(
        ErrorKind::InvalidRequest,
        "the Host header cannot be removed: HTTP/1.1 requires it in every request \
         (RFC 9112 section 3.2); set another value with header(\"Host\", ...) instead",
    )
}

impl std::fmt::Debug for RequestBuilder {
    /// Method, URL (without userinfo) and header fields, the values of secret ones masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secrets = &self.shared.settings.secret_headers;
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("url", &self.url.as_ref().map(Url::as_str).ok())
            .field("headers", &secrets.debug_fields(&self.headers))
            .finish_non_exhaustive()
    }
}
