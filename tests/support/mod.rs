//! In-process test servers for plainwire's integration tests.
//!
//! * [`ScriptedServer`]: a raw TCP (optionally TLS) server on 127.0.0.1 that
//!   runs a closure per accepted connection, for byte-exact and misbehaving
//!   responses.
//! * [`HttpServer`]: a tiny, well-behaved HTTP/1.1 server (keep-alive,
//!   Content-Length and chunked request bodies) built on top of it, calling a
//!   `Fn(&Request) -> Reply` handler.
//! * [`fixture`], [`server_tls_config`] and friends: access to the PEM files in
//!   `fixtures/` (regenerate them with `bash fixtures/make-certs.sh`).
//!
//! Servers only ever listen on loopback addresses. Client misbehaviour never
//! panics a server thread: it is logged to stderr and the connection dropped.
//! Dropping a server stops its accept loop; connection threads end when their
//! closure returns (idle sockets time out after [`IO_TIMEOUT`]).
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};

/// Read/write timeout put on every accepted socket, so that a client that
/// goes quiet cannot keep a connection thread alive for long.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head [`Conn::read_request_head`] accepts.
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest line [`Conn::read_line`] accepts (chunk-size lines, trailers).
pub const MAX_LINE: usize = 8 * 1024;
/// Largest request body [`HttpServer`] accepts.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Fixtures and TLS configuration
// ---------------------------------------------------------------------------

/// Path of a file in the crate's `fixtures/` folder.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// All certificates in a PEM file (a fixture name, or an absolute path).
pub fn load_certs(file: &str) -> Vec<CertificateDer<'static>> {
    let path = fixture(file);
    let certs = CertificateDer::pem_file_iter(&path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .unwrap_or_else(|e| panic!("cannot read certificates from {}: {e}", path.display()));
    assert!(!certs.is_empty(), "no certificates in {}", path.display());
    certs
}

/// The private key in a PEM file (PKCS#8, PKCS#1 or SEC1; not encrypted).
pub fn load_key(file: &str) -> PrivateKeyDer<'static> {
    let path = fixture(file);
    PrivateKeyDer::from_pem_file(&path)
        .unwrap_or_else(|e| panic!("cannot read private key from {}: {e}", path.display()))
}

/// A root store holding every certificate in `file`.
pub fn root_store(file: &str) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(file) {
        roots
            .add(cert)
            .unwrap_or_else(|e| panic!("bad CA certificate in {file}: {e}"));
    }
    roots
}

/// Server config (ring provider, TLS 1.2 + 1.3, ALPN `http/1.1` offered, no
/// client auth) serving `cert_file` (full chain) with `key_file`.
pub fn server_tls_config(cert_file: &str, key_file: &str) -> Arc<ServerConfig> {
    server_tls_config_with(cert_file, key_file, rustls::DEFAULT_VERSIONS, None)
}

/// Like [`server_tls_config`], limited to `versions` (e.g.
/// `&[&rustls::version::TLS12]`). With `client_ca` set, client certificates
/// are REQUIRED and verified against the CA(s) in that file.
pub fn server_tls_config_with(
    cert_file: &str,
    key_file: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
    client_ca: Option<&str>,
) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("unsupported TLS protocol versions");
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(root_store(ca)), provider)
                    .build()
                    .unwrap_or_else(|e| panic!("cannot build client verifier for {ca}: {e}"));
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(load_certs(cert_file), load_key(key_file))
        .unwrap_or_else(|e| panic!("bad server cert/key {cert_file}/{key_file}: {e}"));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// What a TLS handshake negotiated, as seen by the server.
#[derive(Clone, Debug)]
pub struct TlsInfo {
    pub version: Option<rustls::ProtocolVersion>,
    pub cipher_suite: Option<rustls::CipherSuite>,
    /// ALPN protocol agreed on, if the client offered one we support.
    pub alpn: Option<Vec<u8>>,
    /// SNI host name sent by the client (never sent for IP addresses).
    pub sni: Option<String>,
    /// Client certificate chain (empty unless client auth was used).
    pub client_certs: Vec<CertificateDer<'static>>,
}

impl TlsInfo {
    fn of(conn: &ServerConnection) -> Self {
        TlsInfo {
            version: conn.protocol_version(),
            cipher_suite: conn.negotiated_cipher_suite().map(|s| s.suite()),
            alpn: conn.alpn_protocol().map(<[u8]>::to_vec),
            sni: conn.server_name().map(str::to_owned),
            client_certs: conn
                .peer_certificates()
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
        }
    }
}

// ---------------------------------------------------------------------------
// Conn: one accepted connection, plain or TLS
// ---------------------------------------------------------------------------

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

/// One accepted connection, handed to a [`ScriptedServer`] closure.
///
/// Reads are buffered (bytes past a request head stay available to the next
/// read). Reading methods never fail loudly: on EOF they return what they
/// have (possibly nothing), on errors they also log to stderr. `write_all`
/// puts the bytes on the wire before returning. When the closure returns,
/// the connection is closed gracefully (see [`Conn::close`]) unless the
/// closure already closed or aborted it.
pub struct Conn {
    stream: Stream,
    buf: Vec<u8>,
    index: usize,
    peer: SocketAddr,
    local: SocketAddr,
    tls: Option<TlsInfo>,
    shared: Arc<Shared>,
    write_failed: bool,
    closed: bool,
}

impl Conn {
    /// 0-based number of this connection, in accept order.
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Handshake details when this is a TLS connection.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.tls.as_ref()
    }

    /// The underlying socket, e.g. to change timeouts.
    pub fn tcp(&self) -> &TcpStream {
        self.stream.tcp()
    }

    /// Changes the read timeout (default [`IO_TIMEOUT`]; `None` = forever).
    pub fn set_read_timeout(&self, timeout: Option<Duration>) {
        let _ = self.tcp().set_read_timeout(timeout);
    }

    pub fn sleep(&self, duration: Duration) {
        thread::sleep(duration);
    }

    /// Reads up to and including the first CRLFCRLF and records it in
    /// [`ScriptedServer::requests`]. Returns an empty vec on EOF before a
    /// complete head, on errors, or if the head exceeds [`MAX_HEAD`].
    pub fn read_request_head(&mut self) -> Vec<u8> {
        match self.try_read_head() {
            Ok(Some(head)) => head,
            Ok(None) => Vec::new(),
            Err(e) => {
                self.log(format_args!("reading request head: {e}"));
                Vec::new()
            }
        }
    }

    /// Reads exactly `n` bytes, or fewer if the client closes or errors first.
    pub fn read_exact_body(&mut self, n: usize) -> Vec<u8> {
        if let Err(e) = self.fill_to(n) {
            self.log(format_args!("reading {n} body bytes: {e}"));
        }
        let n = n.min(self.buf.len());
        self.buf.drain(..n).collect()
    }

    /// Reads one line including its `\n` (or whatever came before EOF/error).
    pub fn read_line(&mut self) -> Vec<u8> {
        match self.try_read_line(MAX_LINE) {
            Ok(line) => line,
            Err(e) => {
                self.log(format_args!("reading line: {e}"));
                std::mem::take(&mut self.buf)
            }
        }
    }

    /// Reads until the client closes its side (or the read times out).
    pub fn read_to_end(&mut self) -> Vec<u8> {
        loop {
            match self.fill() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.log(format_args!("reading to end: {e}"));
                    break;
                }
            }
        }
        std::mem::take(&mut self.buf)
    }

    /// Writes and flushes `bytes`. Returns false (after logging) if the write
    /// failed or an earlier one did; the result may be ignored.
    pub fn write_all(&mut self, bytes: &[u8]) -> bool {
        if self.write_failed || self.closed {
            return false;
        }
        let result = match &mut self.stream {
            Stream::Plain(s) => s.write_all(bytes).and_then(|_| s.flush()),
            Stream::Tls(s) => s.write_all(bytes).and_then(|_| s.flush()),
        };
        if let Err(e) = result {
            self.log(format_args!("writing {} bytes: {e}", bytes.len()));
            self.write_failed = true;
        }
        !self.write_failed
    }

    /// Flushes pending output (`write_all` already flushes; kept for scripts
    /// that like to be explicit).
    pub fn flush(&mut self) -> bool {
        if self.write_failed || self.closed {
            return false;
        }
        let result = match &mut self.stream {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        };
        if let Err(e) = result {
            self.log(format_args!("flushing: {e}"));
            self.write_failed = true;
        }
        !self.write_failed
    }

    /// Graceful close: TLS close_notify (over TLS), TCP FIN, then a short
    /// drain of whatever the client still sends so that the kernel does not
    /// answer unread data with an RST (which can destroy a response the client
    /// has not read yet). Later reads return nothing and writes fail.
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        if let Stream::Tls(s) = &mut self.stream {
            s.conn.send_close_notify();
            let _ = s.flush();
        }
        let tcp = self.stream.tcp();
        let _ = tcp.shutdown(Shutdown::Write);
        let _ = tcp.set_read_timeout(Some(Duration::from_millis(100)));
        let deadline = Instant::now() + Duration::from_millis(500);
        let mut scratch = [0u8; 4096];
        let mut tcp = tcp;
        while Instant::now() < deadline {
            match tcp.read(&mut scratch) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) => {}
                Err(_) => break,
            }
        }
    }

    /// Abrupt close: shuts the TCP connection down at once, without a TLS
    /// close_notify (a "truncated" TLS stream) and without draining (unread
    /// client data may turn the FIN into an RST).
    pub fn abort(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        let _ = self.stream.tcp().shutdown(Shutdown::Both);
    }

    // -- internals ----------------------------------------------------------

    fn log(&self, msg: std::fmt::Arguments<'_>) {
        eprintln!(
            "[test server conn #{} from {}] {msg}",
            self.index, self.peer
        );
    }

    /// Reads more bytes into `buf`. Ok(false) on EOF (a TLS peer closing
    /// without close_notify also counts as EOF here).
    fn fill(&mut self) -> io::Result<bool> {
        if self.closed {
            return Ok(false);
        }
        let mut chunk = [0u8; 8192];
        loop {
            let result = match &mut self.stream {
                Stream::Plain(s) => s.read(&mut chunk),
                Stream::Tls(s) => s.read(&mut chunk),
            };
            return match result {
                Ok(0) => Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    Ok(true)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && self.tls.is_some() => {
                    Ok(false)
                }
                Err(e) => Err(e),
            };
        }
    }

    /// Fills `buf` to at least `n` bytes; UnexpectedEof if the client closes.
    fn fill_to(&mut self, n: usize) -> io::Result<()> {
        while self.buf.len() < n {
            if !self.fill()? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("client closed after {} of {n} bytes", self.buf.len()),
                ));
            }
        }
        Ok(())
    }

    /// Ok(None) on a clean EOF before any byte of a new head.
    fn try_read_head(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut searched = 0;
        loop {
            if let Some(pos) = find(&self.buf[searched..], b"\r\n\r\n") {
                let head: Vec<u8> = self.buf.drain(..searched + pos + 4).collect();
                lock(&self.shared.requests).push(head.clone());
                return Ok(Some(head));
            }
            searched = self.buf.len().saturating_sub(3);
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("request head longer than {MAX_HEAD} bytes"),
                ));
            }
            if !self.fill()? {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "client closed inside a request head ({} bytes)",
                        self.buf.len()
                    ),
                ));
            }
        }
    }

    fn try_read_line(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut searched = 0;
        loop {
            if let Some(pos) = self.buf[searched..].iter().position(|&b| b == b'\n') {
                return Ok(self.buf.drain(..searched + pos + 1).collect());
            }
            searched = self.buf.len();
            if self.buf.len() > max {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("line longer than {max} bytes"),
                ));
            }
            if !self.fill()? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "client closed inside a line",
                ));
            }
        }
    }

    fn try_read_exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        self.fill_to(n)?;
        Ok(self.buf.drain(..n).collect())
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.close();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Locks a mutex, ignoring poisoning (a panicking test closure must not make
/// every later assertion panic too).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns
/// its last value. For server-side facts that can lag the client's view,
/// e.g. `handshake_errors()` after the *client* rejected the certificate.
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// How long either side of [`turns`] waits for the other before going on alone: it bounds a
/// broken run; a passing run never waits for it.
pub const TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// Two one-way signals between a test and its scripted server, so that "later" means "after
/// the other side has done X" instead of "after some milliseconds": the test says when it has
/// read a response ([`ClientTurns::response_read`]), the server when it has written all it
/// meant to ([`ServerTurns::written`]).
pub fn turns() -> (ClientTurns, ServerTurns) {
    let (read, read_rx) = std::sync::mpsc::channel();
    let (written_tx, written) = std::sync::mpsc::channel();
    (
        ClientTurns { read, written },
        ServerTurns {
            read: Mutex::new(read_rx),
            written: Mutex::new(written_tx),
        },
    )
}

/// The test's side of [`turns`].
pub struct ClientTurns {
    read: std::sync::mpsc::Sender<()>,
    written: std::sync::mpsc::Receiver<()>,
}

impl ClientTurns {
    /// Tells the server the response has been read to its end.
    pub fn response_read(&self) {
        let _ = self.read.send(());
    }

    /// Waits until the server says it has written everything it meant to.
    pub fn await_server(&self) -> Result<(), String> {
        self.written
            .recv_timeout(TURN_TIMEOUT)
            .map_err(|_| format!("the server did not finish its writes within {TURN_TIMEOUT:?}"))
    }
}

/// The server's side of [`turns`]; share it between connections in an `Arc`.
pub struct ServerTurns {
    read: Mutex<std::sync::mpsc::Receiver<()>>,
    written: Mutex<std::sync::mpsc::Sender<()>>,
}

impl ServerTurns {
    /// Waits until the test has read the response (or has gone, or [`TURN_TIMEOUT`] passed).
    pub fn await_client(&self) {
        let _ = lock(&self.read).recv_timeout(TURN_TIMEOUT);
    }

    /// Tells the test everything is written.
    pub fn written(&self) {
        let _ = lock(&self.written).send(());
    }
}

// ---------------------------------------------------------------------------
// ScriptedServer
// ---------------------------------------------------------------------------

/// State shared between a server handle, its accept loop and connections.
struct Shared {
    stop: AtomicBool,
    connections: AtomicUsize,
    requests: Mutex<Vec<Vec<u8>>>,
    tls_sessions: Mutex<Vec<TlsInfo>>,
    handshake_errors: Mutex<Vec<String>>,
}

type Handler = dyn Fn(&mut Conn) + Send + Sync + 'static;

/// A loopback TCP server (optionally TLS) running a closure for every
/// accepted connection, each on its own thread. Stops accepting on drop.
pub struct ScriptedServer {
    addr: SocketAddr,
    tls: bool,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl ScriptedServer {
    /// Plain TCP server on 127.0.0.1 running `handler` for every connection.
    pub fn start<F>(handler: F) -> Self
    where
        F: Fn(&mut Conn) + Send + Sync + 'static,
    {
        Self::bind("127.0.0.1:0", None, handler).expect("cannot bind 127.0.0.1:0")
    }

    /// TLS server on 127.0.0.1. The handshake completes before `handler`
    /// runs; connections whose handshake fails are logged (see
    /// [`ScriptedServer::handshake_errors`]) and dropped.
    pub fn start_tls<F>(config: Arc<ServerConfig>, handler: F) -> Self
    where
        F: Fn(&mut Conn) + Send + Sync + 'static,
    {
        Self::bind("127.0.0.1:0", Some(config), handler).expect("cannot bind 127.0.0.1:0")
    }

    /// Server on any local address, e.g. `"[::1]:0"` (errors if that address
    /// family is unavailable, so a test can skip itself).
    pub fn bind<F>(addr: &str, tls: Option<Arc<ServerConfig>>, handler: F) -> io::Result<Self>
    where
        F: Fn(&mut Conn) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            tls_sessions: Mutex::new(Vec::new()),
            handshake_errors: Mutex::new(Vec::new()),
        });
        let is_tls = tls.is_some();
        let handler: Arc<Handler> = Arc::new(handler);
        let loop_shared = shared.clone();
        let accept_thread = thread::Builder::new()
            .name(format!("test-server-{}", addr.port()))
            .spawn(move || accept_loop(listener, tls, handler, loop_shared))?;
        Ok(ScriptedServer {
            addr,
            tls: is_tls,
            shared,
            accept_thread: Some(accept_thread),
        })
    }

    /// Plain server that, for every connection, reads one request head,
    /// writes `response` verbatim and closes.
    pub fn respond_with(response: impl Into<Vec<u8>>) -> Self {
        let response = response.into();
        Self::start(move |conn| {
            if !conn.read_request_head().is_empty() {
                conn.write_all(&response);
            }
        })
    }

    /// TLS version of [`ScriptedServer::respond_with`].
    pub fn respond_with_tls(config: Arc<ServerConfig>, response: impl Into<Vec<u8>>) -> Self {
        let response = response.into();
        Self::start_tls(config, move |conn| {
            if !conn.read_request_head().is_empty() {
                conn.write_all(&response);
            }
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// `http://127.0.0.1:PORT/path`, or `https://localhost:PORT/path` for TLS
    /// (IPv6 servers use `[::1]` in both cases). A leading `/` on `path` is
    /// optional.
    pub fn url(&self, path: &str) -> String {
        let host = match self.addr {
            SocketAddr::V4(_) if self.tls => "localhost".to_string(),
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        };
        self.url_with_host(&host, path)
    }

    /// URL for this server's scheme and port with an explicit host, e.g.
    /// `url_with_host("127.0.0.1", "/")` to use the IP SAN over TLS.
    pub fn url_with_host(&self, host: &str, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        let path = path.strip_prefix('/').unwrap_or(path);
        format!("{scheme}://{host}:{}/{path}", self.port())
    }

    /// Number of TCP connections accepted so far (including failed TLS
    /// handshakes).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Every request head read through [`Conn::read_request_head`], in order.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        lock(&self.shared.requests).clone()
    }

    /// Successful TLS handshakes, in completion order.
    pub fn tls_sessions(&self) -> Vec<TlsInfo> {
        lock(&self.shared.tls_sessions).clone()
    }

    /// Messages of failed TLS handshakes, in order. Recorded before the
    /// server's alert is sent; when the *client* aborts the handshake the
    /// record can lag the client's error, so use [`wait_until`] then.
    pub fn handshake_errors(&self) -> Vec<String> {
        lock(&self.shared.handshake_errors).clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocked accept() with a throwaway connection. Only wait for
        // the accept thread if that worked, so a drop can never hang.
        let woke = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let Some(handle) = self.accept_thread.take() {
            if woke {
                let _ = handle.join();
            }
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    handler: Arc<Handler>,
    shared: Arc<Shared>,
) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let tcp = match stream {
            Ok(tcp) => tcp,
            Err(e) => {
                eprintln!("[test server] accept failed: {e}");
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let index = shared.connections.fetch_add(1, Ordering::SeqCst);
        let (tls, handler, conn_shared) = (tls.clone(), handler.clone(), shared.clone());
        let spawned = thread::Builder::new()
            .name(format!("test-conn-{index}"))
            .spawn(move || serve_connection(tcp, index, tls, &*handler, conn_shared));
        if let Err(e) = spawned {
            eprintln!("[test server] cannot spawn connection thread: {e}");
        }
    }
}

fn serve_connection(
    tcp: TcpStream,
    index: usize,
    tls: Option<Arc<ServerConfig>>,
    handler: &Handler,
    shared: Arc<Shared>,
) {
    let _ = tcp.set_read_timeout(Some(IO_TIMEOUT));
    let _ = tcp.set_write_timeout(Some(IO_TIMEOUT));
    let _ = tcp.set_nodelay(true);
    let (peer, local) = match (tcp.peer_addr(), tcp.local_addr()) {
        (Ok(p), Ok(l)) => (p, l),
        _ => return, // already gone
    };
    let (stream, tls_info) = match tls {
        None => (Stream::Plain(tcp), None),
        Some(config) => match tls_handshake(tcp, config, &shared, index, peer) {
            Some(s) => {
                let info = TlsInfo::of(&s.conn);
                lock(&shared.tls_sessions).push(info.clone());
                (Stream::Tls(Box::new(s)), Some(info))
            }
            None => return,
        },
    };
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        index,
        peer,
        local,
        tls: tls_info,
        shared,
        write_failed: false,
        closed: false,
    };
    handler(&mut conn);
    // `conn` drops here: graceful close unless the handler closed it.
}

/// Runs the server side of a TLS handshake to completion. A failure is
/// logged and recorded in `shared.handshake_errors` *before* the alert goes
/// out, so a client that sees the alert also sees the recorded error.
fn tls_handshake(
    mut tcp: TcpStream,
    config: Arc<ServerConfig>,
    shared: &Shared,
    index: usize,
    peer: SocketAddr,
) -> Option<StreamOwned<ServerConnection, TcpStream>> {
    let fail = |msg: String| {
        eprintln!("[test server conn #{index} from {peer}] TLS handshake failed: {msg}");
        lock(&shared.handshake_errors).push(msg);
        None
    };
    let mut conn = match ServerConnection::new(config) {
        Ok(conn) => conn,
        Err(e) => return fail(e.to_string()),
    };
    loop {
        while conn.wants_write() {
            if let Err(e) = conn.write_tls(&mut tcp) {
                return fail(e.to_string());
            }
        }
        if !conn.is_handshaking() {
            return Some(StreamOwned::new(conn, tcp));
        }
        match conn.read_tls(&mut tcp) {
            Ok(0) => return fail("client closed during the handshake".to_string()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return fail(e.to_string()),
        }
        if let Err(e) = conn.process_new_packets() {
            let result = fail(e.to_string());
            // Last-gasp write of the alert describing the error, if any.
            let _ = conn.write_tls(&mut tcp);
            return result;
        }
    }
}

// ---------------------------------------------------------------------------
// HttpServer
// ---------------------------------------------------------------------------

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

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Serialises the reply; `head_only` for HEAD requests.
    fn to_bytes(&self, head_only: bool, close: bool) -> Vec<u8> {
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
fn has_token(value: &[u8], token: &str) -> bool {
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
fn trim(mut bytes: &[u8]) -> &[u8] {
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

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
