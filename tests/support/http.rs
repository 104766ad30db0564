//! [`HttpServer`]: a small, well-behaved HTTP/1.1 server (keep-alive, Content-Length and
//! chunked request bodies) on top of [`ScriptedServer`], calling a `Fn(&Request) -> Reply`.

use super::*;

/// One request received by [`HttpServer`].
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Request target exactly as sent (`/path?query`, or absolute-form).
    pub target: String,
    /// HTTP/1.x minor version (0 or 1).
    pub version: u8,
    /// Header fields in order, names as sent.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body after de-chunking.
    pub body: Vec<u8>,
    /// Whether the body came with `Transfer-Encoding: chunked`.
    pub chunked: bool,
    /// Trailer fields of a chunked body.
    pub trailers: Vec<(String, Vec<u8>)>,
    /// Exact bytes received for this request: head plus body framing.
    pub raw: Vec<u8>,
    /// [`Conn::index`] of the connection it arrived on (same value = the
    /// client reused the connection).
    pub connection: usize,
}

impl Request {
    /// First value of header `name` (case-insensitive), if it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_bytes(name)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// First value of header `name` (case-insensitive), as bytes.
    pub fn header_bytes(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Every value of header `name` (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .collect()
    }

    /// The target without its query string.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The query string (without `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A response for [`HttpServer`] to send.
///
/// `Content-Length` is added from the body unless the reply sets
/// `Content-Length` or `Transfer-Encoding` itself (then the body is written
/// as given), or the status has no body (1xx, 204, 304). HEAD requests get
/// the headers only.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub reason: Option<String>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    /// Close the connection after this reply (adds `Connection: close`).
    pub close: bool,
    /// When set, written verbatim instead of everything above.
    pub raw: Option<Vec<u8>>,
}

impl Reply {
    pub fn new(status: u16) -> Self {
        Reply {
            status,
            reason: None,
            headers: Vec::new(),
            body: Vec::new(),
            close: false,
            raw: None,
        }
    }

    /// `200 OK` with a `text/plain` body.
    pub fn text(body: impl Into<Vec<u8>>) -> Self {
        Reply::new(200)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(body)
    }

    /// Bytes written verbatim as the whole response (keep-alive continues
    /// unless the request or `.close()` says otherwise).
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Reply {
            raw: Some(bytes.into()),
            ..Reply::new(0)
        }
    }

    /// Overrides the reason phrase (default: the standard one, or "Unknown").
    pub fn reason(mut self, reason: &str) -> Self {
        self.reason = Some(reason.to_string());
        self
    }

    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.headers
            .push((name.to_string(), value.as_ref().to_vec()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn close(mut self) -> Self {
        self.close = true;
        self
    }

    pub(super) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Serialises the reply; `head_only` for HEAD requests.
    pub(super) fn to_bytes(&self, head_only: bool, close: bool) -> Vec<u8> {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let reason = self
            .reason
            .clone()
            .unwrap_or_else(|| reason_phrase(self.status).to_string());
        let mut out = format!("HTTP/1.1 {} {reason}\r\n", self.status).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        let bodyless =
            (100..200).contains(&self.status) || self.status == 204 || self.status == 304;
        if !bodyless && !self.has_header("content-length") && !self.has_header("transfer-encoding")
        {
            out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        }
        if close && !self.has_header("connection") {
            out.extend_from_slice(b"Connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if !head_only && !bodyless {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

type HttpHandler = dyn Fn(&Request) -> Reply + Send + Sync + 'static;

/// A small real HTTP/1.1 server: parses requests (Content-Length or chunked
/// bodies, `Expect: 100-continue` answered), calls the handler, writes its
/// reply, and keeps the connection open until the client closes or asks for
/// `Connection: close` (HTTP/1.0 requests always close).
pub struct HttpServer {
    server: ScriptedServer,
    received: Arc<Mutex<Vec<Request>>>,
}

impl HttpServer {
    /// Plain HTTP on 127.0.0.1.
    pub fn start<H>(handler: H) -> Self
    where
        H: Fn(&Request) -> Reply + Send + Sync + 'static,
    {
        Self::bind("127.0.0.1:0", None, handler).expect("cannot bind 127.0.0.1:0")
    }

    /// HTTPS on 127.0.0.1 (see [`ScriptedServer::start_tls`]).
    pub fn start_tls<H>(config: Arc<ServerConfig>, handler: H) -> Self
    where
        H: Fn(&Request) -> Reply + Send + Sync + 'static,
    {
        Self::bind("127.0.0.1:0", Some(config), handler).expect("cannot bind 127.0.0.1:0")
    }

    /// Any local address, e.g. `"[::1]:0"`.
    pub fn bind<H>(addr: &str, tls: Option<Arc<ServerConfig>>, handler: H) -> io::Result<Self>
    where
        H: Fn(&Request) -> Reply + Send + Sync + 'static,
    {
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let handler: Arc<HttpHandler> = Arc::new(handler);
        let server =
            ScriptedServer::bind(addr, tls, move |conn| serve_http(conn, &*handler, &log))?;
        Ok(HttpServer { server, received })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// See [`ScriptedServer::url`].
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    pub fn url_with_host(&self, host: &str, path: &str) -> String {
        self.server.url_with_host(host, path)
    }

    pub fn connections(&self) -> usize {
        self.server.connections()
    }

    /// Every request parsed so far, in arrival order. A request is recorded
    /// before the handler runs, so it is visible once the client has a reply.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.received).clone()
    }

    /// Raw request heads (including ones that failed to parse).
    pub fn request_heads(&self) -> Vec<Vec<u8>> {
        self.server.requests()
    }

    pub fn tls_sessions(&self) -> Vec<TlsInfo> {
        self.server.tls_sessions()
    }

    pub fn handshake_errors(&self) -> Vec<String> {
        self.server.handshake_errors()
    }
}

/// Why reading a request failed.
enum ReadError {
    /// The client broke HTTP: answer with this status, then close.
    Bad(u16, String),
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn bad(status: u16, msg: impl Into<String>) -> ReadError {
    ReadError::Bad(status, msg.into())
}

/// The keep-alive loop of one HttpServer connection.
fn serve_http(conn: &mut Conn, handler: &HttpHandler, log: &Mutex<Vec<Request>>) {
    loop {
        let (request, mut close) = match read_request(conn) {
            Ok(Some(r)) => r,
            Ok(None) => return, // client closed between requests
            Err(ReadError::Io(e)) => {
                if !is_timeout(&e) {
                    conn.log(format_args!("reading request: {e}"));
                }
                return;
            }
            Err(ReadError::Bad(status, msg)) => {
                conn.log(format_args!("bad request, answering {status}: {msg}"));
                let reply = Reply::new(status)
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .body(msg);
                conn.write_all(&reply.to_bytes(false, true));
                return;
            }
        };
        lock(log).push(request.clone());
        let reply = handler(&request);
        close |= reply.close
            || reply
                .headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("connection") && has_token(v, "close"));
        let head_only = request.method.eq_ignore_ascii_case("HEAD");
        if !conn.write_all(&reply.to_bytes(head_only, close)) || close {
            return;
        }
    }
}

/// Whether a comma-separated header value contains `token` (case-insensitive).
pub fn has_token(value: &[u8], token: &str) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| trim(t).eq_ignore_ascii_case(token.as_bytes()))
}

/// Reads one full request. Ok(None) on a clean EOF before it; the bool says
/// whether the connection must close after the reply.
fn read_request(conn: &mut Conn) -> Result<Option<(Request, bool)>, ReadError> {
    let head = match conn.try_read_head() {
        Ok(Some(head)) => head,
        Ok(None) => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => return Err(bad(431, e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut slots);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(bad(400, "incomplete request head")),
        Err(httparse::Error::TooManyHeaders) => return Err(bad(431, "too many headers")),
        Err(e) => return Err(bad(400, format!("unparseable request head: {e}"))),
    }
    let mut request = Request {
        method: parsed.method.unwrap_or_default().to_string(),
        target: parsed.path.unwrap_or_default().to_string(),
        version: parsed.version.unwrap_or(1),
        headers: parsed
            .headers
            .iter()
            .map(|h| (h.name.to_string(), h.value.to_vec()))
            .collect(),
        body: Vec::new(),
        chunked: false,
        trailers: Vec::new(),
        raw: head,
        connection: conn.index(),
    };

    let connection_close = request
        .header_all("connection")
        .iter()
        .any(|v| has_token(v, "close"));
    let mut close = connection_close || request.version == 0;

    // Body framing (RFC 9112 §6): Transfer-Encoding wins over Content-Length.
    let te = request.header_all("transfer-encoding");
    let lengths = request.header_all("content-length");
    if !te.is_empty() {
        let last = te.last().and_then(|v| v.split(|&b| b == b',').next_back());
        if !last.is_some_and(|c| trim(c).eq_ignore_ascii_case(b"chunked")) {
            return Err(bad(400, "Transfer-Encoding without final chunked"));
        }
        if !lengths.is_empty() {
            close = true; // both framings: process as chunked, then close
        }
        send_continue_if_expected(conn, &request);
        read_chunked(conn, &mut request)?;
    } else if !lengths.is_empty() {
        let mut values = lengths.iter().flat_map(|v| v.split(|&b| b == b','));
        let first = trim(values.next().unwrap_or_default());
        if values.any(|v| trim(v) != first) {
            return Err(bad(400, "conflicting Content-Length values"));
        }
        let len = std::str::from_utf8(first)
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| bad(400, "invalid Content-Length"))?;
        if len > MAX_BODY {
            return Err(bad(413, format!("body of {len} bytes is too large")));
        }
        if len > 0 {
            send_continue_if_expected(conn, &request);
        }
        request.body = conn.try_read_exact(len)?;
        request.raw.extend_from_slice(&request.body);
    }
    Ok(Some((request, close)))
}

fn send_continue_if_expected(conn: &mut Conn, request: &Request) {
    if request
        .header("expect")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    {
        conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
}

/// Decodes a chunked body into `request.body`/`trailers`, appending the
/// framing to `request.raw`.
fn read_chunked(conn: &mut Conn, request: &mut Request) -> Result<(), ReadError> {
    request.chunked = true;
    loop {
        let line = conn.try_read_line(MAX_LINE).map_err(invalid_to_bad)?;
        request.raw.extend_from_slice(&line);
        let size_text = trim(line.split(|&b| b == b';').next().unwrap_or_default());
        let size = std::str::from_utf8(size_text)
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|s| usize::from_str_radix(s, 16).ok())
            .ok_or_else(|| bad(400, format!("bad chunk size line {:?}", lossy(&line))))?;
        if size == 0 {
            break;
        }
        if request.body.len() + size > MAX_BODY {
            return Err(bad(413, "chunked body too large"));
        }
        let data = conn.try_read_exact(size)?;
        request.raw.extend_from_slice(&data);
        request.body.extend_from_slice(&data);
        let crlf = conn.try_read_exact(2)?;
        request.raw.extend_from_slice(&crlf);
        if crlf != b"\r\n" {
            return Err(bad(400, "chunk data not followed by CRLF"));
        }
    }
    // Trailer section, ended by an empty line.
    loop {
        let line = conn.try_read_line(MAX_LINE).map_err(invalid_to_bad)?;
        request.raw.extend_from_slice(&line);
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            return Ok(());
        }
        let (name, value) = text
            .iter()
            .position(|&b| b == b':')
            .map(|i| (&text[..i], &text[i + 1..]))
            .ok_or_else(|| bad(400, format!("bad trailer line {:?}", lossy(&line))))?;
        request.trailers.push((lossy(name), trim(value).to_vec()));
    }
}

fn invalid_to_bad(e: io::Error) -> ReadError {
    if e.kind() == io::ErrorKind::InvalidData {
        bad(400, e.to_string())
    } else {
        ReadError::Io(e)
    }
}

/// Strips ASCII whitespace from both ends (`<[u8]>::trim_ascii` needs Rust
/// 1.80; the crate's MSRV is 1.75).
pub fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if !first.is_ascii_whitespace() {
            break;
        }
        bytes = rest;
    }
    while let [rest @ .., last] = bytes {
        if !last.is_ascii_whitespace() {
            break;
        }
        bytes = rest;
    }
    bytes
}

pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
