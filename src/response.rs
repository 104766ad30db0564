//! [`Response`]: the status and head of a response, what the call learnt on its way (the
//! redirects, the peer's address), and its body as a stream or in one piece: bytes, text in
//! its charset, or JSON. It does not interpret the body beyond that, nor cache anything.
//!
//! Also here: the getters that give back what a failed call leaves behind
//! ([`Error::response`], [`Error::redirects`]), written beside the types they return.

use crate::trace::SecretHeaders;
use std::borrow::Cow;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::body_reader::BodyReader;
use crate::charset;
use crate::client::redirect::{self, RedirectHop};
use crate::client::Answer;
use crate::defaults::DEFAULT_CHARSET;
use crate::error::{Error, ErrorKind, Result};
use crate::http1::content_range::ContentRange;
use crate::http1::head::{ResponseHead, Version};
use crate::http1::headers::Headers;
use crate::http1::link::Links;
use crate::timings::Timings;
use crate::transport::tls_info::{NegotiatedTls, TlsInfo};
use crate::url::Url;
use crate::web_link::WebLinks;

/// A response whose head has arrived and whose body is still on the connection.
///
/// Every status is a `Response`, 404 and 500 included; [`Response::error_for_status`] is how to
/// make 4xx and 5xx an error. Read the body once: as a stream (this type implements `Read`, or
/// see [`Response::into_reader`]), or whole with [`Response::bytes`], [`Response::text`] or
/// [`Response::json`].
///
/// ```no_run
/// let resp = plainwire::get("https://example.com/").send()?;
/// println!("{} {}", resp.status(), resp.reason());
/// println!("type: {:?}", resp.content_type());
/// let html = resp.text()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
pub struct Response {
    url: Url,
    head: ResponseHead,
    body: BodyReader,
    content_length: Option<u64>,
    max_body_size: u64,
    timings: Timings,
    head_at: Instant,
    tls: Option<Arc<NegotiatedTls>>,
    history: Vec<RedirectHop>,
    remote_addr: Option<SocketAddr>,
    local_addr: Option<SocketAddr>,
    retries: u32,
    /// The agent's secret header fields, masked in `Debug`.
    secrets: SecretHeaders,
}

impl Response {
    /// Whether the body is handed out decoded (gzip or deflate undone), and whether what was
    /// undone is its Content-Encoding (not a transfer coding): the head's Content-Length, and
    /// then its Content-Encoding, describe the bytes that came, not these.
    #[cfg(feature = "http")]
    pub(crate) fn body_is_decoded(&self) -> (bool, bool) {
        (self.body.is_decoded(), self.body.is_content_decoded())
    }

    /// Whether the field `name` is a secret (a credential field, or one the agent named):
    /// masked wherever a head is shown.
    #[cfg(feature = "http")]
    pub(crate) fn is_secret_field(&self, name: &[u8]) -> bool {
        self.secrets.is_secret(name)
    }
}

impl std::fmt::Debug for Response {
    /// The response's head and what the call learnt, header values of credential and secret
    /// fields (Set-Cookie, those named with `AgentBuilder::secret_header`) masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("url", &self.url.as_str())
            .field("status", &self.head.status)
            .field("reason", &self.reason())
            .field("version", &self.head.version)
            .field("headers", &self.secrets.debug_headers(&self.head.headers))
            .field("content_length", &self.content_length)
            .field("body", &self.body)
            .field("timings", &self.timings)
            .field("tls", &self.tls)
            .field("history", &self.history)
            .field("remote_addr", &self.remote_addr)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

// An `Error` carries the `Response` behind a status error, and `Error` is `Send + Sync`: a field
// that is not (an `Rc`, a `Cell`) must fail to compile here, not in a caller's thread pool.
const _: () = {
    const fn send_and_sync<T: Send + Sync + 'static>() {}
    send_and_sync::<Response>();
};

impl Response {
    /// The response to a call's final request, its body still on the wire.
    pub(crate) fn from_answer(answer: Answer) -> Response {
        let Answer {
            url,
            history,
            retries,
            reply,
        } = answer;
        Response {
            url,
            head: reply.head,
            body: BodyReader::new(reply.body, reply.coding, reply.transfer_coded),
            content_length: reply.content_length,
            max_body_size: reply.max_body_size,
            timings: reply.timings,
            head_at: reply.head_at,
            tls: reply.tls,
            history,
            remote_addr: reply.remote_addr,
            local_addr: reply.local_addr,
            retries,
            secrets: reply.secrets,
        }
    }

    /// What the TLS handshake of this response's connection settled on; `None` for plain HTTP.
    ///
    /// ```no_run
    /// let resp = plainwire::get("https://example.com/").send()?;
    /// if let Some(tls) = resp.tls() {
    ///     println!("{} {} alpn={:?}", tls.version, tls.cipher_suite, tls.alpn);
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn tls(&self) -> Option<&TlsInfo> {
        self.tls.as_deref().map(NegotiatedTls::info)
    }

    /// Where the time went: name resolution, connect, TLS, waiting for the head and, once the
    /// body has been read to its end through this response, reading it.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// use std::io::Read;
    ///
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// let mut resp = plainwire::get(&url).send()?;
    /// assert_eq!(resp.timings().body, None); // the body is not read yet
    /// resp.read_to_end(&mut Vec::new())?;
    /// let t = resp.timings();
    /// assert!(t.body.is_some());
    /// println!("connect {:?}, first byte {:?}, total {:?}",
    ///     t.time_connect(), t.time_starttransfer(), t.time_total());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timings(&self) -> Timings {
        Timings {
            body: self
                .body
                .finished_at()
                .map(|end| end.saturating_duration_since(self.head_at)),
            ..self.timings
        }
    }

    /// How many times the [retry policy](crate::RetryPolicy) sent the request again before
    /// this response: 0 when the first try answered (or no policy is set).
    ///
    /// ```no_run
    /// let resp = plainwire::get("https://example.com/")
    ///     .retry(plainwire::RetryPolicy::new(3))
    ///     .send()?;
    /// println!("{} after {} retries", resp.status(), resp.retries());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The status code, such as 200 or 404.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// let resp = plainwire::get(&url).send()?; // every status is Ok here
    /// assert_eq!(resp.status(), 404);
    /// assert_eq!(resp.reason(), "Not Found");
    /// assert_eq!(resp.version(), plainwire::Version::Http11);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(&self) -> u16 {
        self.head.status
    }

    /// Whether the status is 1xx (Informational). A call never returns one: interim answers
    /// (100, 103) are read past, and `101 Switching Protocols`, which plainwire never asks
    /// for, fails the call. For completeness beside the other classes.
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/").send()?;
    /// assert!(!resp.is_informational());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn is_informational(&self) -> bool {
        (100..200).contains(&self.status())
    }

    /// Whether the status is 2xx (Successful). requests' `r.ok` is wider: anything below 400,
    /// `status() < 400` here ([`error_for_status`](Response::error_for_status) fails on the
    /// rest).
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/").send()?;
    /// if resp.is_success() {
    ///     println!("{}", resp.text()?);
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status())
    }

    /// Whether the status is 3xx (Redirection), `304 Not Modified` included: a redirect that
    /// was not followed (redirects turned off, the limit of a stream body, no `Location`).
    /// requests' `r.is_redirect` also asks for a `Location`; here that is
    /// `resp.is_redirect() && resp.header("location").is_some()`.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::builder().max_redirects(0).build()?;
    /// let resp = agent.get("http://example.com/old").send()?;
    /// if resp.is_redirect() {
    ///     println!("moved to {:?}", resp.header("location"));
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status())
    }

    /// Whether the status is 4xx (Client Error).
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/missing").send()?;
    /// if resp.is_client_error() {
    ///     eprintln!("we asked wrongly: {}", resp.status());
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.status())
    }

    /// Whether the status is 5xx (Server Error).
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/").send()?;
    /// if resp.is_server_error() {
    ///     eprintln!("the server failed: {}", resp.status());
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.status())
    }

    /// The reason phrase as text, such as "Not Found"; possibly empty. Bytes that are not
    /// UTF-8 are read as ISO-8859-1, and control characters are replaced by U+FFFD; see
    /// [`Response::reason_bytes`] for the bytes as sent.
    pub fn reason(&self) -> &str {
        self.head.reason()
    }

    /// The reason phrase's bytes as the server sent them; possibly empty.
    pub fn reason_bytes(&self) -> &[u8] {
        self.head.reason_bytes()
    }

    /// HTTP/1.0 or HTTP/1.1.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The URL that answered, after any redirects (without credentials): requests' `r.url`.
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/old").send()?;
    /// println!("ended at {}", resp.url());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The cookies this response sets, read from its `Set-Cookie` fields as a
    /// [`CookieJar`](crate::CookieJar) would store them for [`url`](Response::url): requests'
    /// `r.cookies`. A line a jar refuses (a Domain of another site, a public suffix) and one
    /// that removes a cookie (`Max-Age=0`) give none. Only this response's fields: a redirect's
    /// cookies before it are in the agent's jar, when it keeps one.
    ///
    /// ```no_run
    /// let resp = plainwire::post("https://example.com/login").form(&[("user", "ann")]).send()?;
    /// let session = resp.cookies().into_iter().find(|c| c.name() == "sid");
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "cookies")]
    pub fn cookies(&self) -> Vec<crate::cookie::Cookie> {
        let jar = crate::cookie::CookieJar::new();
        jar.store_response_cookies(&self.url, self.head.headers.get_all_bytes("set-cookie"));
        jar.cookies()
    }

    /// Where a redirect points: its `Location` resolved against [`url`](Response::url), as
    /// plainwire would follow it (curl's `%{redirect_url}`). `None` when the status is not a
    /// redirect plainwire follows (301, 302, 303, 307, 308), or the Location is missing or
    /// unusable.
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/old").max_redirects(0).send()?;
    /// if let Some(next) = resp.redirect_url() {
    ///     println!("{} would lead to {next}", resp.status());
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn redirect_url(&self) -> Option<Url> {
        if !redirect::is_redirect(self.status()) {
            return None;
        }
        let location = redirect::location(self.headers())?;
        redirect::resolve(&self.url, &location).ok()
    }

    /// The redirects that led to this response, the first request's first; empty when none was
    /// followed. requests' `r.history`, as plain data rather than responses (see
    /// [`RedirectHop`] for why). A chain longer than
    /// [`MAX_REDIRECT_HISTORY`](crate::defaults::MAX_REDIRECT_HISTORY) (50, past the default
    /// [`max_redirects`](crate::AgentBuilder::max_redirects)) keeps its last ones.
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/old").send()?;
    /// for hop in resp.history() {
    ///     println!("{} {} -> {}", hop.status(), hop.url(), hop.location());
    /// }
    /// println!("{} {}", resp.status(), resp.url());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn history(&self) -> &[RedirectHop] {
        &self.history
    }

    /// The address of the peer that sent the response: the server's, or the proxy's when the
    /// request went through one (curl's `%{remote_ip}` and `%{remote_port}`). `None` only if the
    /// system could not say.
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/").send()?;
    /// if let Some(addr) = resp.remote_addr() {
    ///     println!("answered by {}", addr.ip());
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.remote_addr
    }

    /// Our end of the connection the response came on (curl's `%{local_ip}` and
    /// `%{local_port}`).
    ///
    /// ```no_run
    /// let resp = plainwire::get("http://example.com/").send()?;
    /// println!("from {:?}", resp.local_addr());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addr
    }

    /// All header fields. Their `Debug` masks the credential fields, not those the agent
    /// named secret ([`AgentBuilder::secret_header`](crate::AgentBuilder::secret_header)),
    /// which only the `Response`'s own `Debug` knows.
    pub fn headers(&self) -> &Headers {
        &self.head.headers
    }

    /// The first value of a header, as text; `None` if absent or not UTF-8. Names compare
    /// without regard to case, as requests' `r.headers["content-type"]`.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nVary: Accept\r\nVary: Cookie\r\nContent-Length: 0\r\n\r\n")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// let resp = plainwire::get(&url).send()?;
    /// assert_eq!(resp.header("content-type"), Some("text/html; charset=UTF-8"));
    /// assert_eq!(resp.headers_all("Vary"), ["Accept", "Cookie"]);
    /// assert_eq!(resp.content_type().as_deref(), Some("text/html"));
    /// assert_eq!(resp.charset().as_deref(), Some("utf-8"));
    /// assert_eq!(resp.content_length(), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.headers.get(name)
    }

    /// Every value of a header, as text, in the order received.
    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        self.head.headers.get_all(name)
    }

    /// The links of the `Link` header (RFC 8288), targets resolved against [`Response::url`]:
    /// requests' `r.links`, looked up by relation type. Empty when there is no `Link` header.
    ///
    /// ```no_run
    /// // requests: r.links["next"]["url"]
    /// let resp = plainwire::get("https://api.example.com/items").send()?;
    /// if let Some(next) = resp.links().get("next") {
    ///     let page = plainwire::get(next.url().as_str()).send()?;
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn links(&self) -> WebLinks {
        // As bytes: one that is not UTF-8 (in a title) must not hide the field's links.
        let values = self.head.headers.get_all_bytes("link");
        WebLinks::resolve(&Links::parse(values), &self.url)
    }

    /// Whether the body is handed out with its Content-Encoding (gzip or deflate) undone, as
    /// the `gzip` feature does unless told not to: the head's
    /// Content-Length, Content-Range and Content-Encoding then describe the bytes as they
    /// came, not these. False when only a transfer coding was undone, and for a coding this
    /// build cannot undo, which is handed out as it came.
    ///
    /// ```no_run
    /// let resp = plainwire::get("https://example.com/").send()?;
    /// let length = resp.content_length().filter(|_| !resp.is_content_decoded());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn is_content_decoded(&self) -> bool {
        self.body.is_content_decoded()
    }

    /// The `Content-Range` of a 206 (Partial Content) or a 416 (Range Not Satisfiable): which
    /// bytes of the whole the body holds, or how long the whole is. `None` for any other status
    /// (the field has no meaning there, RFC 9110 section 14.4), and when the field is absent,
    /// sent more than once, or not a valid range in bytes.
    ///
    /// ```no_run
    /// use plainwire::ContentRange;
    ///
    /// let resp = plainwire::get("http://example.com/big.iso").header("Range", "bytes=1000-").send()?;
    /// match resp.content_range() {
    ///     Some(ContentRange::Bytes { first: 1000, .. }) => { /* append the body at byte 1000 */ }
    ///     Some(ContentRange::Unsatisfied { complete_length }) => println!("the whole is {complete_length} bytes"),
    ///     _ => { /* a 200: the whole file from its start */ }
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn content_range(&self) -> Option<ContentRange> {
        if !matches!(self.status(), 206 | 416) {
            return None;
        }
        // As bytes: a second field that is not UTF-8 is a second field all the same.
        let mut values = self.head.headers.get_all_bytes("content-range");
        match (values.next(), values.next()) {
            (Some(value), None) => ContentRange::parse(std::str::from_utf8(value).ok()?),
            _ => None,
        }
    }

    /// The media type of the body without parameters, lowercase: `"application/json"` for
    /// `Content-Type: Application/JSON; charset=utf-8`.
    pub fn content_type(&self) -> Option<String> {
        let value = self.header("content-type")?;
        let media = value.split(';').next()?.trim();
        (!media.is_empty()).then(|| media.to_ascii_lowercase())
    }

    /// The `charset` parameter of the Content-Type, lowercase, if any.
    pub fn charset(&self) -> Option<String> {
        let value = self.header("content-type")?;
        crate::http1::media_type::parameter(value, "charset")
            .map(|label| label.to_ascii_lowercase())
    }

    /// Whether the response is known to have no body before any of it is read: the answer to
    /// HEAD, a 204 or a 304 (RFC 9112 section 6.3), or a `Content-Length: 0`. Such a
    /// response's [`content_length`](Response::content_length) may still name the length the
    /// body would have had.
    ///
    /// ```no_run
    /// let resp = plainwire::head("https://example.com/big.iso").send()?;
    /// assert!(resp.body_is_empty());
    /// println!("{:?} bytes if fetched", resp.content_length());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The Content-Length, if the server sent one that frames the body (or, for a response
    /// without a body such as the answer to HEAD, one that says how long the body would be).
    /// `Content-Length: 5, 5` is 5, exactly as the framing read it.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Limits how many body bytes may be read, through any method; beyond it reads fail with
    /// [`ErrorKind::BodyTooLarge`]. Without it, streaming reads are unbounded, and `bytes`,
    /// `text` and `json` are bounded by the agent's
    /// [`max_body_size`](crate::AgentBuilder::max_body_size).
    ///
    /// ```no_run
    /// use std::io::Read;
    /// // Stream at most 1 GiB to disk.
    /// let resp = plainwire::get("https://example.com/big.iso").send()?;
    /// let mut body = resp.limit_body(1 << 30).into_reader();
    /// std::io::copy(&mut body, &mut std::fs::File::create("big.iso")?)?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn limit_body(mut self, max_bytes: u64) -> Response {
        self.body.set_limit(Some(max_bytes));
        self
    }

    /// `Err` of kind [`ErrorKind::Status`] for a status of 400 or more, like requests'
    /// `raise_for_status()`; the response itself otherwise. The error keeps the response, its
    /// body unread, as requests' `HTTPError.response`: see [`Error::response`] and
    /// [`Error::into_response`].
    ///
    /// ```no_run
    /// use plainwire::ErrorKind;
    ///
    /// match plainwire::get("https://api.example.com/items/7").send()?.error_for_status() {
    ///     Ok(resp) => println!("{}", resp.text()?),
    ///     Err(err) if matches!(err.kind(), ErrorKind::Status(404)) => println!("no such item"),
    ///     Err(err) => {
    ///         // The API says why in the body: read it before giving up.
    ///         let why = err.response().and_then(|resp| resp.header("x-error-code")).map(str::to_owned);
    ///         let body = err.into_response().map(|resp| resp.text_lossy()).transpose()?;
    ///         eprintln!("failed ({why:?}): {body:?}");
    ///     }
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn error_for_status(self) -> Result<Response> {
        let status = self.status();
        if status >= 400 {
            let message = format!("HTTP status {status} {} from {}", self.reason(), self.url);
            return Err(Error::new(ErrorKind::Status(status), message).attach(self));
        }
        Ok(self)
    }

    /// The body as a stream (a [`BodyReader`], `std::io::Read`): requests' `stream=True`
    /// and `r.raw`. Reading the `Response` itself does the same.
    ///
    /// ```no_run
    /// // with requests.get(url, stream=True) as r: shutil.copyfileobj(r.raw, f)
    /// let resp = plainwire::get("https://example.com/big.iso").send()?;
    /// let mut file = std::fs::File::create("big.iso")?;
    /// std::io::copy(&mut resp.into_reader(), &mut file)?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn into_reader(self) -> BodyReader {
        self.body
    }

    /// The whole body in memory, within the limit (see [`Response::limit_body`]): requests'
    /// `r.content`. Unless the call set a [`low_speed_limit`](crate::AgentBuilder::low_speed_limit),
    /// the body must keep up [`BUFFERED_MIN_SPEED`](crate::defaults::BUFFERED_MIN_SPEED) (1 KiB/s)
    /// over each read-timeout period, so that a server dripping it cannot hold the call for
    /// days; read it with [`Response::into_reader`] to have no such floor.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n\x89PNG")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// let bytes = plainwire::get(&url).send()?.bytes()?;
    /// assert_eq!(bytes, b"\x89PNG");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bytes(mut self) -> Result<Vec<u8>> {
        let limit = self.body.limit().unwrap_or(self.max_body_size);
        // A compressed body's Content-Length says nothing of its decoded size, and that of a
        // response without a body (HEAD, 304) says how long one would have been.
        let declared = self
            .content_length()
            .filter(|_| !self.body.is_decoded() && !self.body.is_empty());
        if let Some(length) = declared {
            if length > limit {
                return Err(Error::new(
                    ErrorKind::BodyTooLarge,
                    format!("the response body of {length} bytes is larger than the limit of {limit} bytes"),
                ));
            }
        }
        self.body.set_limit(Some(limit));
        self.body.hold_to_buffered_minimum();
        // Read straight into the result: sized to the declared length when there is one (plus
        // a byte, to see the end without growing), in 64 KiB steps otherwise. Each byte of room
        // is zeroed once, when it is added; `filled` says how much of it holds the body.
        let expected = declared.map_or(0, |length| length.min(limit).min(1 << 24) + 1);
        let mut body = Vec::new();
        let mut filled = 0;
        loop {
            if filled == body.len() {
                let step = match usize::try_from(expected) {
                    Ok(expected) if body.is_empty() && expected > 0 => expected,
                    _ => 64 * 1024,
                };
                body.resize(body.len() + step, 0);
            }
            let n = self.body.read_body(&mut body[filled..])?;
            if n == 0 {
                body.truncate(filled);
                return Ok(body);
            }
            filled += n;
        }
    }

    /// The whole body as text, decoded from the charset its Content-Type names, within the
    /// limit (see [`Response::limit_body`]).
    ///
    /// Every build decodes UTF-8, UTF-16 and windows-1252 (which the labels `iso-8859-1`,
    /// `latin1` and `us-ascii` name, as in browsers); the `charset` feature adds every charset
    /// of the WHATWG Encoding standard (`shift_jis`, `euc-kr`, `gb18030`, ...). A body whose
    /// Content-Type names no charset is read as UTF-8 ([`DEFAULT_CHARSET`], where requests
    /// guesses ISO-8859-1 for `text/*`); a byte order mark at the start wins over any label.
    ///
    /// Strict: bytes not valid in the charset, or a charset this build cannot decode, are an
    /// [`ErrorKind::Decode`] error. requests' `r.text` never fails that way; its match is
    /// [`Response::text_lossy`].
    ///
    /// ```no_run
    /// let resp = plainwire::get("https://example.com/").send()?;
    /// let html = resp.text()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn text(self) -> Result<String> {
        let label = self.charset();
        self.decoded(label.as_deref().unwrap_or(DEFAULT_CHARSET))
    }

    /// The whole body as text in the charset `label` names (a WHATWG label: `iso-8859-1`,
    /// `latin1`, `shift_jis`, ...), whatever the Content-Type says: requests' `r.encoding =
    /// "..."` before `r.text`, for a server that names the wrong charset or none. Strict as
    /// [`Response::text`] is, where requests' `r.text` replaces what does not decode; a byte
    /// order mark still wins over the label. A label this build cannot decode is an
    /// [`ErrorKind::Decode`] error before the body is read.
    ///
    /// ```no_run
    /// // The server says UTF-8, but the page is Latin-1.
    /// let page = plainwire::get("https://example.com/old").send()?.text_in("iso-8859-1")?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn text_in(self, label: &str) -> Result<String> {
        charset::check_label(label)
            .map_err(|e| e.context(format!("the body from {}", self.url)))?;
        self.decoded(label)
    }

    /// The whole body decoded in `label`'s charset, or the one its byte order mark names
    /// (which wins, even over a label that names none): `text` and `text_in`.
    fn decoded(self, label: &str) -> Result<String> {
        let url = self.url.clone();
        let bytes = self.bytes()?;
        into_string(bytes, |bytes| charset::decode(bytes, label))
            .map_err(|e| e.context(format!("the body from {url}")))
    }

    /// The whole body as text, as [`Response::text`] decodes it but with U+FFFD (`�`) in place
    /// of what is not valid; a charset this build cannot decode is read as UTF-8 the same way.
    /// It fails only as reading fails (the connection, the size limit): requests' `r.text`.
    ///
    /// ```no_run
    /// let resp = plainwire::get("https://example.com/legacy-page").send()?;
    /// let text = resp.text_lossy()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn text_lossy(self) -> Result<String> {
        let label = self.charset();
        let label = label.as_deref().unwrap_or(DEFAULT_CHARSET);
        let bytes = self.bytes()?;
        into_string(bytes, |bytes| {
            Ok(charset::decode_lossy(bytes, label).unwrap_or_else(|_| charset::lossy_utf8(bytes)))
        })
    }

    /// The whole body parsed as JSON into `T` (a `serde_json::Value`, or your own type), within
    /// the limit (see [`Response::limit_body`]).
    ///
    /// A body that is not the expected JSON is an [`ErrorKind::Json`] error whose message says
    /// where parsing stopped and quotes the body around that spot (at most
    /// [`JSON_ERROR_CONTEXT`](crate::defaults::JSON_ERROR_CONTEXT) bytes on each side):
    /// `expected value at line 1 column 8, near: {"a": 1, ⟨here⟩nope}`. Its
    /// [`source`](std::error::Error::source) is the `serde_json::Error`, with `line()`,
    /// `column()` and `classify()`. A UTF-8 byte order mark before the JSON is skipped.
    ///
    /// ```no_run
    /// use std::error::Error as _;
    ///
    /// match plainwire::get("https://api.example.com/posts/1").send()?.json::<serde_json::Value>() {
    ///     Ok(post) => println!("{}", post["title"]),
    ///     Err(err) => {
    ///         eprintln!("{err}");
    ///         if let Some(json) = err.source().and_then(|s| s.downcast_ref::<serde_json::Error>()) {
    ///             eprintln!("line {}, column {}", json.line(), json.column());
    ///         }
    ///     }
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        let url = self.url.clone();
        let bytes = self.bytes()?;
        // RFC 8259 section 8.1: a parser may ignore a UTF-8 byte order mark, and some servers
        // send one (text() leaves it out too).
        let json = bytes.strip_prefix(charset::UTF_8_BOM).unwrap_or(&bytes);
        serde_json::from_slice(json).map_err(|e| json_error(&url, json, e))
    }
}

/// A JSON decode error that says where parsing stopped, with the body around that spot.
#[cfg(feature = "json")]
fn json_error(url: &Url, body: &[u8], error: serde_json::Error) -> Error {
    use crate::defaults::JSON_ERROR_CONTEXT;
    use crate::excerpt;

    let near = excerpt::offset_of(body, error.line(), error.column())
        .map(|at| format!(", near: {}", excerpt::around(body, at, JSON_ERROR_CONTEXT)))
        .unwrap_or_default();
    // serde's own text ("expected value at line 1 column 8") goes in the message, so Display
    // does not repeat it from the source; but it quotes what it could not take whole (a 1 MB
    // string for a number field) and unescaped (an unknown variant), so it is bounded and
    // escaped like the excerpt.
    let said = excerpt::bounded(&error.to_string(), 4 * JSON_ERROR_CONTEXT);
    Error::new(
        ErrorKind::Json,
        format!("the body from {url} is not the expected JSON: {said}{near}"),
    )
    .with_source_told(error)
}

/// The text `decode` makes of `bytes`, as a `String` that reuses the body's memory when the
/// text is the bytes themselves (UTF-8 and ASCII, perhaps after a byte order mark).
fn into_string(
    mut bytes: Vec<u8>,
    decode: impl FnOnce(&[u8]) -> Result<Cow<'_, str>>,
) -> Result<String> {
    let (start, len) = match decode(&bytes)? {
        Cow::Owned(text) => return Ok(text),
        // A borrowed text is a part of `bytes`: find where, without unsafe code.
        Cow::Borrowed(text) => (text.as_ptr() as usize - bytes.as_ptr() as usize, text.len()),
    };
    bytes.truncate(start + len);
    bytes.drain(..start);
    // Checked once more, cheaply, rather than trusted without a check.
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            format!(
                "the text is not valid UTF-8 (at byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// What a failed call leaves behind, given back: stored in the error by this file's
/// [`Response::error_for_status`] and by the call loop, typed here because `error.rs` cannot
/// name these types (see its module docs).
impl Error {
    /// The response behind an [`ErrorKind::Status`] error from
    /// [`Response::error_for_status`], its headers readable; requests' `HTTPError.response`.
    /// `None` for every other error.
    ///
    /// ```no_run
    /// let err = plainwire::get("https://api.example.com/admin").send()?.error_for_status().unwrap_err();
    /// if let Some(resp) = err.response() {
    ///     println!("{} {:?}", resp.status(), resp.header("www-authenticate"));
    /// }
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn response(&self) -> Option<&Response> {
        self.attached::<Response>()
    }

    /// The response behind an [`ErrorKind::Status`] error, taken out of the error so that its
    /// body can be read; `None` for every other error.
    ///
    /// ```no_run
    /// fn fetch(url: &str) -> Result<String, plainwire::Error> {
    ///     match plainwire::get(url).send()?.error_for_status() {
    ///         Ok(resp) => resp.text(),
    ///         Err(err) => {
    ///             let message = err.to_string();
    ///             let body = err.into_response().map(|resp| resp.text_lossy()).transpose()?;
    ///             eprintln!("{message}: {}", body.unwrap_or_default());
    ///             Ok(String::new())
    ///         }
    ///     }
    /// }
    /// ```
    pub fn into_response(self) -> Option<Response> {
        self.into_attached::<Response>()
    }

    /// The redirects of the failed call, the first request's first (the last
    /// [`MAX_REDIRECT_HISTORY`](crate::defaults::MAX_REDIRECT_HISTORY) of a longer chain). For
    /// a refused redirect
    /// ([`ErrorKind::TooManyRedirects`], [`ErrorKind::InsecureRedirect`], a `Location` that is
    /// no usable URL), the chain ends with the refused one, whose [`RedirectHop::url`] is the
    /// last URL reached; for a status error, the response's [`history`](Response::history).
    /// Empty otherwise.
    ///
    /// ```no_run
    /// use plainwire::ErrorKind;
    ///
    /// if let Err(err) = plainwire::get("http://example.com/loop").send() {
    ///     if err.kind() == ErrorKind::TooManyRedirects {
    ///         for hop in err.redirects() {
    ///             eprintln!("{} {} -> {}", hop.status(), hop.url(), hop.location());
    ///         }
    ///     }
    /// }
    /// ```
    pub fn redirects(&self) -> &[RedirectHop] {
        match self.attached::<Vec<RedirectHop>>() {
            Some(chain) => chain,
            None => self.response().map_or(&[], Response::history),
        }
    }
}

impl Read for Response {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.body.read(out)
    }
}
