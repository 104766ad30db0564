//! [`ScriptedServer`]: a raw TCP (optionally TLS) server on 127.0.0.1 that runs a closure per
//! accepted connection, for byte-exact and misbehaving responses.

use super::*;

/// State shared between a server handle, its accept loop and connections.
pub(super) struct Shared {
    pub(super) stop: AtomicBool,
    pub(super) connections: AtomicUsize,
    pub(super) requests: Mutex<Vec<Vec<u8>>>,
    pub(super) tls_sessions: Mutex<Vec<TlsInfo>>,
    pub(super) handshake_errors: Mutex<Vec<String>>,
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
    /// A server that answers each request with the address the connection came from (the
    /// client's local end), for tests of where connections are made from.
    pub fn echo_peer() -> Self {
        Self::start(|conn| {
            while !conn.read_request_head().is_empty() {
                let peer = conn.peer_addr().ip().to_string();
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", peer.len());
                conn.write_all(head.as_bytes());
                conn.write_all(peer.as_bytes());
            }
        })
    }

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
