//! The floor: what no HTTP client can beat. A bare rustls `ClientConnection` (ring) over std's
//! `TcpStream` (or the bare `TcpStream` for http URLs) that writes a fixed, minimal request and
//! reads the response by its Content-Length, parsing the head with httparse. No timeouts, no
//! pool, no header map, no allocation per request beyond rustls' own; the request of a new
//! TLS connection goes out with the client's Finished message.
//!
//! Its "agent" is the rustls `ClientConfig`: made once and shared (with rustls' default
//! in-memory session cache, so a new connection resumes where the server offers it), or, in
//! the `agent` workload, made anew from the CA file for every request. In the `threads`
//! workload each thread keeps a connection of its own over the shared configuration.
//!
//! With `BENCH_FLOOR_RULES=1` (the client `rules` of `benches/run`: what plainwire's rules cost
//! any client), the floor keeps them too: User-Agent and Accept on every request; before
//! each request on a connection that has served one, the reuse check on its socket (switch to
//! non-blocking, peek, expect nothing, switch back: three system calls, as plainwire); and a new
//! socket set up as plainwire sets it (std's bounded connect, `TCP_NODELAY`, read and write
//! timeouts, its local address asked for).

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use plainwire_benches::{
    fail, measure, measure_threads, Args, Mode, DOWNLOAD_BUFFER, POST_JSON, POST_REPLY, THREADS,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};

/// Room for a response head and small bodies.
const INPUT: usize = 16 * 1024;

/// Whether `BENCH_FLOOR_RULES` asks the floor to keep plainwire's rules (see the module doc).
fn rules() -> bool {
    static RULES: OnceLock<bool> = OnceLock::new();
    *RULES.get_or_init(|| std::env::var_os("BENCH_FLOOR_RULES").is_some_and(|v| v == "1"))
}

/// A URL taken apart: only what the floor needs.
struct Target {
    tls: bool,
    authority: String,
    host: String,
    port: u16,
    path: String,
}

fn parse_url(url: &str) -> Target {
    let (tls, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        fail(format!("not an http(s) URL: {url}"))
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().unwrap_or_else(|_| fail("bad port"))),
        None => (authority, if tls { 443 } else { 80 }),
    };
    Target {
        tls,
        authority: authority.to_string(),
        host: host.to_string(),
        port,
        path: if path.is_empty() { "/" } else { path }.to_string(),
    }
}

enum Io {
    Plain(TcpStream),
    Tls(Box<ClientConnection>, TcpStream),
}

impl Io {
    fn socket(&self) -> &TcpStream {
        match self {
            Io::Plain(sock) | Io::Tls(_, sock) => sock,
        }
    }

    /// plainwire's reuse check: nothing may have arrived on an idle connection.
    fn check_idle(&self) -> io::Result<()> {
        let sock = self.socket();
        sock.set_nonblocking(true)?;
        let peeked = sock.peek(&mut [0u8; 1]);
        sock.set_nonblocking(false)?;
        match peeked {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            other => Err(io::Error::other(format!("not idle: {other:?}"))),
        }
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match self {
            Io::Plain(sock) => sock.write_all(data),
            Io::Tls(conn, sock) => {
                conn.writer().write_all(data)?;
                while conn.wants_write() {
                    conn.write_tls(sock)?;
                }
                Ok(())
            }
        }
    }

    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self {
            Io::Plain(sock) => sock.read(out),
            Io::Tls(conn, sock) => loop {
                match conn.reader().read(out) {
                    Ok(n) => return Ok(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                    Err(e) => return Err(e),
                }
                // The handshake's own messages (and the request held back until it is done).
                while conn.wants_write() {
                    conn.write_tls(sock)?;
                }
                if conn.read_tls(sock)? == 0 {
                    return Ok(0);
                }
                conn.process_new_packets().map_err(io::Error::other)?;
            },
        }
    }
}

struct Conn {
    io: Io,
    /// Whether a request went out on this connection already.
    used: bool,
    input: Vec<u8>,
    start: usize,
    end: usize,
}

impl Conn {
    /// Sends `request` and reads the response; the body goes through `body_buf` unless it
    /// arrived with the head. Returns the body's length.
    fn exchange(&mut self, request: &[u8], body_buf: &mut [u8], mode: Mode) -> io::Result<u64> {
        if self.used && rules() {
            self.io.check_idle()?;
        }
        self.used = true;
        self.io.write_all(request)?;
        let length = loop {
            if self.end > self.start {
                let mut headers = [httparse::EMPTY_HEADER; 32];
                let mut head = httparse::Response::new(&mut headers);
                match head.parse(&self.input[self.start..self.end]) {
                    Ok(httparse::Status::Complete(used)) => {
                        if head.code != Some(200) {
                            return Err(io::Error::other(format!("status {:?}", head.code)));
                        }
                        let length = head
                            .headers
                            .iter()
                            .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                            .and_then(|h| std::str::from_utf8(h.value).ok()?.parse::<u64>().ok())
                            .ok_or_else(|| io::Error::other("no Content-Length"))?;
                        self.start += used;
                        break length;
                    }
                    Ok(httparse::Status::Partial) => {}
                    Err(e) => return Err(io::Error::other(e)),
                }
            }
            if self.end == self.input.len() {
                return Err(io::Error::other("response head too large"));
            }
            match self.io.read(&mut self.input[self.end..])? {
                0 => return Err(io::Error::other("closed before the head")),
                n => self.end += n,
            }
        };
        let buffered = (self.end - self.start).min(length as usize);
        if mode == Mode::Post && &self.input[self.start..self.start + buffered] != POST_REPLY {
            return Err(io::Error::other("unexpected reply"));
        }
        self.start += buffered;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        let mut left = length - buffered as u64;
        while left > 0 {
            let want = body_buf
                .len()
                .min(usize::try_from(left).unwrap_or(usize::MAX));
            match self.io.read(&mut body_buf[..want])? {
                0 => return Err(io::Error::other("body truncated")),
                n => left -= n as u64,
            }
        }
        Ok(length)
    }
}

/// The TLS configuration: the CA file's certificates as the only roots, ring, TLS 1.2 and 1.3.
fn tls_config(ca_pem: &[u8]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        roots
            .add(cert.unwrap_or_else(|e| fail(e)))
            .unwrap_or_else(|e| fail(e));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| fail(e))
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

fn connect(
    target: &Target,
    config: Option<&Arc<ClientConfig>>,
    name: &ServerName<'static>,
) -> io::Result<Conn> {
    let sock = if rules() {
        let addr = (target.host.as_str(), target.port)
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::other("no address"))?;
        let sock = TcpStream::connect_timeout(&addr, Duration::from_secs(30))?;
        sock.set_nodelay(true)?;
        sock.local_addr()?;
        sock.set_write_timeout(Some(Duration::from_secs(60)))?;
        sock.set_read_timeout(Some(Duration::from_secs(60)))?;
        sock
    } else {
        TcpStream::connect((target.host.as_str(), target.port))?
    };
    let io = match config {
        Some(config) => Io::Tls(
            Box::new(
                ClientConnection::new(config.clone(), name.clone()).map_err(io::Error::other)?,
            ),
            sock,
        ),
        None => Io::Plain(sock),
    };
    Ok(Conn {
        io,
        used: false,
        input: vec![0; INPUT],
        start: 0,
        end: 0,
    })
}

fn main() {
    let args = Args::parse();
    let target = parse_url(&args.url);
    let ca_pem = args.ca_pem();
    let config = target.tls.then(|| tls_config(&ca_pem));
    let name = ServerName::try_from(target.host.clone()).unwrap_or_else(|e| fail(e));

    // plainwire's own fields, with BENCH_FLOOR_RULES: what it sends as curl does.
    let ours = if rules() {
        "User-Agent: plainwire/0.1.0\r\nAccept: */*\r\n"
    } else {
        ""
    };
    let request = match args.mode {
        Mode::Post => format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\n{ours}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{POST_JSON}",
            target.path,
            target.authority,
            POST_JSON.len()
        ),
        _ => format!("GET {} HTTP/1.1\r\nHost: {}\r\n{ours}\r\n", target.path, target.authority),
    };
    let request = request.as_bytes();
    let mut body_buf = vec![0u8; DOWNLOAD_BUFFER];

    match args.mode {
        Mode::Fresh => measure(&args, || {
            connect(&target, config.as_ref(), &name)?.exchange(request, &mut body_buf, args.mode)
        }),
        Mode::Agent => measure(&args, || {
            let config = target.tls.then(|| tls_config(&ca_pem));
            connect(&target, config.as_ref(), &name)?.exchange(request, &mut body_buf, args.mode)
        }),
        Mode::Threads => measure_threads(&args, THREADS, |_| {
            let mut conn = connect(&target, config.as_ref(), &name).unwrap_or_else(|e| fail(e));
            let mut body_buf = vec![0u8; DOWNLOAD_BUFFER];
            move || conn.exchange(request, &mut body_buf, args.mode)
        }),
        Mode::KeepAlive | Mode::Post | Mode::Download => {
            let mut conn = connect(&target, config.as_ref(), &name).unwrap_or_else(|e| fail(e));
            measure(&args, || conn.exchange(request, &mut body_buf, args.mode))
        }
    }
}
