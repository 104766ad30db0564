//! The hostile-server corpus: every case in `fixtures/hostile/` (see its README.md), each over
//! plain TCP and over TLS, against a scripted server on 127.0.0.1.
//!
//! A case is a `NAME.case` file saying what the server does and what plainwire must make of it
//! (the exact body bytes, or an error of a given kind), and a `NAME.raw` file holding the exact
//! bytes the server writes. One test runs them all, in parallel, and reports every failing case
//! by name at the end rather than stopping at the first.

mod support;

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use plainwire::{Agent, ErrorKind, TimeoutPhase, Version};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use support::{fixture, server_tls_config_with, turns, ServerTurns};

/// The read timeout every case runs with unless it sets its own: short, so that a case that
/// wrongly waits for more bytes fails in seconds instead of a minute.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long any one request of a case may take unless the case says otherwise (`within:`).
const DEFAULT_WITHIN: Duration = Duration::from_secs(10);
/// How long the whole corpus may take before unfinished runs are reported as hung.
const WATCHDOG: Duration = Duration::from_secs(60);
/// Runs at once: most of a run's time is spent waiting, so more than the cores.
const WORKERS: usize = 16;
/// The longest a server connection thread lingers (stalling, dripping, draining).
const SERVER_LINGER: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// The case format
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Plain,
    Tls,
}

impl Transport {
    fn name(self) -> &'static str {
        match self {
            Transport::Plain => "plain",
            Transport::Tls => "tls",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Body(Vec<u8>),
    Error(ErrorKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handshake {
    /// A real rustls server.
    Rustls,
    /// No TLS: read the ClientHello, then write the raw bytes as they are.
    Raw,
    /// Read the ClientHello, then say nothing.
    Stall,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Then {
    /// TLS close_notify (over TLS), TCP FIN, then wait for the client to hang up.
    Close,
    /// TCP FIN without a TLS close_notify.
    Fin,
    /// Answer every further request on the connection with the same bytes.
    Keep,
    /// Say nothing more, until the client hangs up.
    Stall,
    /// A TCP RST (SO_LINGER 0, then close).
    Reset,
    /// One byte (`x`) every so often, until the client hangs up.
    Drip(Duration),
    /// These bytes again and again, as fast as the client takes them, until it hangs up.
    Flood(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Case {
    name: String,
    raw: Vec<u8>,
    expect: Expect,
    expect_plain: Option<Expect>,
    expect_tls: Option<Expect>,
    /// What a build without the `gzip` feature must do instead of `expect`.
    expect_without_gzip: Option<Expect>,
    status: Option<u16>,
    version: Option<Version>,
    reason: Option<String>,
    headers: Vec<(String, String)>,
    header_bytes: Vec<(String, Vec<u8>)>,
    header_not_text: Vec<String>,
    header_absent: Vec<String>,
    method: String,
    requests: usize,
    connections: Option<usize>,
    transports: Vec<Transport>,
    server_cert: (String, String),
    trust: String,
    tls12_only: bool,
    client_ca: Option<String>,
    alpn: Option<Vec<u8>>,
    handshake: Handshake,
    layer_tcp: bool,
    then: Then,
    bytewise: bool,
    deadline: Option<Duration>,
    read_timeout: Option<Duration>,
    max_body: Option<u64>,
    within: Duration,
    timeout_phase: Option<TimeoutPhase>,
    /// Bytes written after the response, once the client has read it.
    later: Option<Vec<u8>>,
    /// After the requests, `Agent::idle_connections()` is this.
    pooled: Option<usize>,
    /// One more request, with this method, to `/NAME/then`, answered with [`THEN_ANSWER`].
    then_request: Option<String>,
    expect_then: Option<Expect>,
}

/// The server's answer to a then-request (`then-request:`), on whatever connection it comes: a
/// well-framed response that no `.raw` file contains, so that a client that reads anything
/// else as its answer is caught.
const THEN_ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nX-Answer: then\r\nContent-Length: 4\r\n\r\nthen";

impl Case {
    /// Whether the client and the server take turns (see [`support::turns`]): the client
    /// waits until the server has written everything for one request before the next.
    fn takes_turns(&self) -> bool {
        self.later.is_some() || self.then_request.is_some()
    }

    fn expected(&self, transport: Transport) -> &Expect {
        if let (Some(without), false) = (&self.expect_without_gzip, cfg!(feature = "gzip")) {
            return without;
        }
        let specific = match transport {
            Transport::Plain => &self.expect_plain,
            Transport::Tls => &self.expect_tls,
        };
        specific.as_ref().unwrap_or(&self.expect)
    }
}

fn hostile_dir() -> PathBuf {
    fixture("hostile")
}

/// Parses `NAME.case` (and reads `NAME.raw` and any body file next to it).
fn load_case(path: &Path) -> Result<Case, String> {
    let dir = path.parent().expect("a case file is in a folder");
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("case file name is not UTF-8")?
        .to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let raw_path = dir.join(format!("{name}.raw"));
    let raw =
        std::fs::read(&raw_path).map_err(|e| format!("cannot read {}: {e}", raw_path.display()))?;

    let mut case = Case {
        name,
        raw,
        expect: Expect::Body(Vec::new()),
        expect_plain: None,
        expect_tls: None,
        expect_without_gzip: None,
        status: None,
        version: None,
        reason: None,
        headers: Vec::new(),
        header_bytes: Vec::new(),
        header_not_text: Vec::new(),
        header_absent: Vec::new(),
        method: "GET".to_string(),
        requests: 1,
        connections: None,
        transports: vec![Transport::Plain, Transport::Tls],
        server_cert: ("localhost.pem".to_string(), "localhost.key".to_string()),
        trust: "ca.pem".to_string(),
        tls12_only: false,
        client_ca: None,
        alpn: None,
        handshake: Handshake::Rustls,
        layer_tcp: false,
        then: Then::Close,
        bytewise: false,
        deadline: None,
        read_timeout: None,
        max_body: None,
        within: DEFAULT_WITHIN,
        timeout_phase: None,
        later: None,
        pooled: None,
        then_request: None,
        expect_then: None,
    };
    let mut has_expect = false;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", number + 1);
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| at(format!("not `key: value`: {line:?}")))?;
        let value = value.trim();
        match key.trim() {
            "expect" => {
                case.expect = parse_expect(value, dir).map_err(at)?;
                has_expect = true;
            }
            "expect-plain" => case.expect_plain = Some(parse_expect(value, dir).map_err(at)?),
            "expect-tls" => case.expect_tls = Some(parse_expect(value, dir).map_err(at)?),
            "expect-without-gzip" => {
                case.expect_without_gzip = Some(parse_expect(value, dir).map_err(at)?)
            }
            "status" => case.status = Some(value.parse().map_err(|_| at("bad status".into()))?),
            "version" => {
                case.version = Some(match value {
                    "HTTP/1.0" => Version::Http10,
                    "HTTP/1.1" => Version::Http11,
                    _ => return Err(at(format!("bad version {value:?}"))),
                })
            }
            "reason" => {
                let bytes = parse_quoted(value).map_err(at)?;
                case.reason =
                    Some(String::from_utf8(bytes).map_err(|_| at("reason not UTF-8".into()))?);
            }
            "header" => {
                let (name, quoted) = split_name(value).map_err(at)?;
                let bytes = parse_quoted(quoted).map_err(at)?;
                let text = String::from_utf8(bytes).map_err(|_| at("use header-bytes".into()))?;
                case.headers.push((name, text));
            }
            "header-bytes" => {
                let (name, quoted) = split_name(value).map_err(at)?;
                case.header_bytes
                    .push((name, parse_quoted(quoted).map_err(at)?));
            }
            "header-not-text" => case.header_not_text.push(value.to_string()),
            "header-absent" => case.header_absent.push(value.to_string()),
            "method" => case.method = value.to_string(),
            "requests" => {
                case.requests = value.parse().map_err(|_| at("bad requests".into()))?;
            }
            "connections" => {
                case.connections = Some(value.parse().map_err(|_| at("bad connections".into()))?);
            }
            "transport" => {
                case.transports = match value {
                    "plain" => vec![Transport::Plain],
                    "tls" => vec![Transport::Tls],
                    "both" => vec![Transport::Plain, Transport::Tls],
                    _ => return Err(at(format!("bad transport {value:?}"))),
                }
            }
            "server-cert" => {
                let (cert, key) = value
                    .split_once(' ')
                    .ok_or_else(|| at("server-cert: CERT.pem KEY.key".into()))?;
                case.server_cert = (cert.trim().to_string(), key.trim().to_string());
            }
            "trust" => case.trust = value.to_string(),
            "tls-versions" => {
                case.tls12_only = match value {
                    "1.2" => true,
                    "1.2 1.3" => false,
                    _ => return Err(at(format!("bad tls-versions {value:?}"))),
                }
            }
            "client-ca" => case.client_ca = Some(value.to_string()),
            "alpn" => case.alpn = Some(value.as_bytes().to_vec()),
            "max-body" => {
                case.max_body = Some(value.parse().map_err(|_| at("bad max-body".into()))?);
            }
            "handshake" => {
                case.handshake = match value {
                    "rustls" => Handshake::Rustls,
                    "raw" => Handshake::Raw,
                    "stall" => Handshake::Stall,
                    _ => return Err(at(format!("bad handshake {value:?}"))),
                }
            }
            "layer" => {
                case.layer_tcp = match value {
                    "tcp" => true,
                    "stream" => false,
                    _ => return Err(at(format!("bad layer {value:?}"))),
                }
            }
            "then" => case.then = parse_then(value).map_err(at)?,
            "write" => {
                case.bytewise = match value {
                    "whole" => false,
                    "bytewise" => true,
                    _ => return Err(at(format!("bad write {value:?}"))),
                }
            }
            "deadline" => case.deadline = Some(parse_duration(value).map_err(at)?),
            "read-timeout" => case.read_timeout = Some(parse_duration(value).map_err(at)?),
            "within" => case.within = parse_duration(value).map_err(at)?,
            "timeout-phase" => case.timeout_phase = Some(parse_phase(value).map_err(at)?),
            "later" => case.later = Some(parse_quoted(value).map_err(at)?),
            "pooled" => case.pooled = Some(value.parse().map_err(|_| at("bad pooled".into()))?),
            "then-request" => case.then_request = Some(value.to_string()),
            "expect-then" => case.expect_then = Some(parse_expect(value, dir).map_err(at)?),
            other => return Err(at(format!("unknown key {other:?}"))),
        }
    }
    if !has_expect {
        return Err("no `expect:` line".to_string());
    }
    if case.then_request.is_some() != case.expect_then.is_some() {
        return Err("`then-request:` and `expect-then:` go together".to_string());
    }
    Ok(case)
}

fn parse_expect(value: &str, dir: &Path) -> Result<Expect, String> {
    let (what, rest) = value.split_once(' ').unwrap_or((value, ""));
    let rest = rest.trim();
    match what {
        "body" => Ok(Expect::Body(parse_quoted(rest)?)),
        "body-file" => std::fs::read(dir.join(rest))
            .map(Expect::Body)
            .map_err(|e| format!("cannot read body file {rest}: {e}")),
        "error" => parse_kind(rest).map(Expect::Error),
        _ => Err(format!("bad expect {value:?}")),
    }
}

fn parse_kind(name: &str) -> Result<ErrorKind, String> {
    Ok(match name {
        "Protocol" => ErrorKind::Protocol,
        "Truncated" => ErrorKind::Truncated,
        "EmptyReply" => ErrorKind::EmptyReply,
        "ConnectionReset" => ErrorKind::ConnectionReset,
        "Timeout" => ErrorKind::Timeout,
        "Tls" => ErrorKind::Tls,
        "Certificate" => ErrorKind::Certificate,
        "Connect" => ErrorKind::Connect,
        "Io" => ErrorKind::Io,
        "BodyTooLarge" => ErrorKind::BodyTooLarge,
        "Decode" => ErrorKind::Decode,
        "TooManyRedirects" => ErrorKind::TooManyRedirects,
        "InsecureRedirect" => ErrorKind::InsecureRedirect,
        "UnsupportedScheme" => ErrorKind::UnsupportedScheme,
        "InvalidUrl" => ErrorKind::InvalidUrl,
        _ => return Err(format!("unknown error kind {name:?}")),
    })
}

fn parse_phase(name: &str) -> Result<TimeoutPhase, String> {
    Ok(match name {
        "Connect" => TimeoutPhase::Connect,
        "Handshake" => TimeoutPhase::Handshake,
        "SendRequest" => TimeoutPhase::SendRequest,
        "ReadHead" => TimeoutPhase::ReadHead,
        "ReadBody" => TimeoutPhase::ReadBody,
        _ => return Err(format!("unknown timeout phase {name:?}")),
    })
}

fn parse_then(value: &str) -> Result<Then, String> {
    Ok(match value.split_once(' ') {
        None if value == "close" => Then::Close,
        None if value == "fin" => Then::Fin,
        None if value == "keep" => Then::Keep,
        None if value == "stall" => Then::Stall,
        None if value == "reset" => Then::Reset,
        Some(("drip", every)) => Then::Drip(parse_duration(every.trim())?),
        Some(("flood", unit)) => Then::Flood(parse_quoted(unit.trim())?),
        _ => return Err(format!("bad then {value:?}")),
    })
}

/// `250ms` or `2s`.
fn parse_duration(value: &str) -> Result<Duration, String> {
    let bad = || format!("bad duration {value:?} (250ms, 2s)");
    if let Some(ms) = value.strip_suffix("ms") {
        return ms.parse().map(Duration::from_millis).map_err(|_| bad());
    }
    if let Some(s) = value.strip_suffix('s') {
        return s.parse().map(Duration::from_secs).map_err(|_| bad());
    }
    Err(bad())
}

/// `name "quoted"` → (name, `"quoted"`).
fn split_name(value: &str) -> Result<(String, &str), String> {
    let (name, rest) = value
        .split_once(' ')
        .ok_or_else(|| format!("expected `NAME \"VALUE\"`, got {value:?}"))?;
    Ok((name.to_string(), rest.trim()))
}

/// A double-quoted string with the escapes `\\ \" \r \n \t \0 \xNN`.
fn parse_quoted(value: &str) -> Result<Vec<u8>, String> {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .ok_or_else(|| format!("expected a double-quoted string, got {value:?}"))?;
    let mut out = Vec::new();
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        out.push(match bytes.next() {
            Some(b'\\') => b'\\',
            Some(b'"') => b'"',
            Some(b'r') => b'\r',
            Some(b'n') => b'\n',
            Some(b't') => b'\t',
            Some(b'0') => 0,
            Some(b'x') => {
                let hex = [bytes.next().unwrap_or(b'?'), bytes.next().unwrap_or(b'?')];
                let hex = std::str::from_utf8(&hex).map_err(|_| "bad \\x escape")?;
                u8::from_str_radix(hex, 16).map_err(|_| format!("bad \\x escape {hex:?}"))?
            }
            other => return Err(format!("bad escape \\{:?}", other.map(char::from))),
        });
    }
    Ok(out)
}

/// Bytes for a message: printable ASCII as is, the rest escaped, cut after `max` bytes.
fn show(bytes: &[u8], max: usize) -> String {
    let mut out: String = bytes[..bytes.len().min(max)]
        .iter()
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect();
    if bytes.len() > max {
        out.push_str(&format!("... ({} bytes in all)", bytes.len()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The scripted server
// ---------------------------------------------------------------------------------------------

/// The server side of one accepted connection, plain or TLS.
enum Wire {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Wire {
    fn tcp(&self) -> &TcpStream {
        match self {
            Wire::Plain(tcp) => tcp,
            Wire::Tls(tls) => &tls.sock,
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Wire::Plain(tcp) => tcp.read(buf),
            Wire::Tls(tls) => tls.read(buf),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Wire::Plain(tcp) => tcp.write_all(bytes).and_then(|()| tcp.flush()),
            Wire::Tls(tls) => tls.write_all(bytes).and_then(|()| tls.flush()),
        }
    }

    /// Writes straight to the TCP socket, under TLS if there is TLS.
    fn write_tcp(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Wire::Tls(tls) = self {
            // Whatever TLS still has to send (session tickets) goes first.
            while tls.conn.wants_write() {
                tls.conn.write_tls(&mut tls.sock)?;
            }
        }
        let mut tcp = self.tcp();
        tcp.write_all(bytes)
    }
}

/// A loopback server running one case's script on every connection it accepts.
struct Server {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(
        case: Arc<Case>,
        tls: Option<Arc<ServerConfig>>,
        raw_tls: bool,
        turns: Option<Arc<ServerTurns>>,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopped) = (connections.clone(), stop.clone());
        thread::spawn(move || {
            for tcp in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(tcp) = tcp else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let (case, tls, turns) = (case.clone(), tls.clone(), turns.clone());
                thread::spawn(move || serve(tcp, &case, tls, raw_tls, turns.as_deref()));
            }
        });
        Server {
            addr,
            connections,
            stop,
        }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// Runs the case's script on one accepted connection.
fn serve(
    tcp: TcpStream,
    case: &Case,
    tls: Option<Arc<ServerConfig>>,
    raw_tls: bool,
    turns: Option<&ServerTurns>,
) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(SERVER_LINGER));
    let _ = tcp.set_write_timeout(Some(SERVER_LINGER));
    if raw_tls {
        // A server that does not speak TLS (1.2 or 1.3) at all.
        read_client_hello(&tcp);
        let mut wire = Wire::Plain(tcp);
        match case.handshake {
            Handshake::Stall => finish(wire, &Then::Stall),
            _ => {
                if wire.write(&case.raw).is_ok() {
                    finish(wire, &case.then);
                }
            }
        }
        return;
    }
    let mut wire = match tls {
        None => Wire::Plain(tcp),
        Some(config) => {
            let Ok(conn) = ServerConnection::new(config) else {
                return;
            };
            let mut tls = StreamOwned::new(conn, tcp);
            while tls.conn.is_handshaking() {
                // A client refusing our certificate ends up here; nothing to do but leave.
                if tls.conn.complete_io(&mut tls.sock).is_err() {
                    return;
                }
            }
            Wire::Tls(Box::new(tls))
        }
    };
    let mut input = Vec::new();
    loop {
        let Some((method, target)) = read_request_head(&mut wire, &mut input) else {
            return;
        };
        if target.ends_with("/then") {
            let answer = if method == "HEAD" {
                &THEN_ANSWER[..THEN_ANSWER.len() - 4]
            } else {
                THEN_ANSWER
            };
            if wire.write(answer).is_err() {
                return;
            }
            continue;
        }
        let mut written = if case.layer_tcp {
            wire.write_tcp(&case.raw)
        } else if case.bytewise {
            case.raw.iter().try_for_each(|b| wire.write(&[*b]))
        } else {
            wire.write(&case.raw)
        };
        if let (Some(later), Some(turns), true) = (&case.later, turns, written.is_ok()) {
            turns.await_client();
            written = wire.write(later);
        }
        if let Some(turns) = turns {
            turns.written();
        }
        if written.is_err() || case.then != Then::Keep {
            break;
        }
    }
    finish(wire, &case.then);
}

/// Reads one request head (our client sends no request bodies here) and returns its method
/// and target. `None` when the client has gone.
fn read_request_head(wire: &mut Wire, input: &mut Vec<u8>) -> Option<(String, String)> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = input.windows(4).position(|w| w == b"\r\n\r\n") {
            let head: Vec<u8> = input.drain(..end + 4).collect();
            let line = String::from_utf8_lossy(&head);
            let mut words = line.split(' ');
            let method = words.next().unwrap_or_default().to_string();
            let target = words.next().unwrap_or_default().to_string();
            return Some((method, target));
        }
        match wire.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => input.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads one TLS record: the ClientHello.
fn read_client_hello(mut tcp: &TcpStream) {
    let mut record = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if record.len() >= 5 {
            let length = usize::from(u16::from_be_bytes([record[3], record[4]]));
            if record.len() >= 5 + length {
                return;
            }
        }
        match tcp.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => record.extend_from_slice(&chunk[..n]),
        }
    }
}

/// What the server does once its bytes are written.
fn finish(mut wire: Wire, then: &Then) {
    match then {
        Then::Close | Then::Keep | Then::Fin => {
            if let (Then::Close | Then::Keep, Wire::Tls(tls)) = (then, &mut wire) {
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
            let _ = wire.tcp().shutdown(Shutdown::Write);
            // Wait for the client to hang up, so that unread bytes of its never turn our FIN
            // into an RST.
            drain(wire.tcp(), Duration::from_secs(5));
        }
        Then::Stall => drain(wire.tcp(), SERVER_LINGER),
        Then::Reset => {
            // Let the bytes already written reach the client before the RST overtakes them.
            thread::sleep(Duration::from_millis(100));
            let _ = socket2::SockRef::from(wire.tcp()).set_linger(Some(Duration::ZERO));
            drop(wire);
        }
        Then::Drip(every) => {
            let started = Instant::now();
            while started.elapsed() < SERVER_LINGER {
                thread::sleep(*every);
                if wire.write(b"x").is_err() {
                    break;
                }
            }
        }
        Then::Flood(unit) => {
            // Batched, so that a flood is a flood even in a debug build.
            let batch = unit.repeat((16 * 1024 / unit.len().max(1)).max(1));
            let started = Instant::now();
            while started.elapsed() < SERVER_LINGER {
                if wire.write(&batch).is_err() {
                    break;
                }
            }
        }
    }
}

/// Reads and discards until the client closes, errs, or `limit` passes.
fn drain(mut tcp: &TcpStream, limit: Duration) {
    let started = Instant::now();
    let _ = tcp.set_read_timeout(Some(Duration::from_millis(200)));
    let mut scratch = [0u8; 4096];
    while started.elapsed() < limit {
        match tcp.read(&mut scratch) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The client side
// ---------------------------------------------------------------------------------------------

/// Runs one case over one transport: Ok, or what went wrong.
fn run(case: &Arc<Case>, transport: Transport) -> Result<(), String> {
    let tls = transport == Transport::Tls;
    let raw_tls = tls && case.handshake != Handshake::Rustls;
    let config = (tls && !raw_tls).then(|| {
        let versions: &[&'static rustls::SupportedProtocolVersion] = if case.tls12_only {
            &[&rustls::version::TLS12]
        } else {
            rustls::DEFAULT_VERSIONS
        };
        let config = server_tls_config_with(
            &case.server_cert.0,
            &case.server_cert.1,
            versions,
            case.client_ca.as_deref(),
        );
        match &case.alpn {
            Some(alpn) => {
                let mut config = (*config).clone();
                config.alpn_protocols = vec![alpn.clone()];
                Arc::new(config)
            }
            None => config,
        }
    });
    let (client_turns, server_turns) = turns();
    let server_turns = case.takes_turns().then(|| Arc::new(server_turns));
    let server = Server::start(case.clone(), config, raw_tls, server_turns);

    let mut builder = Agent::builder()
        .proxy_from_env(false)
        .read_timeout(Some(case.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT)));
    if let Some(limit) = case.max_body {
        builder = builder.max_body_size(limit);
    }
    // Without the `tls` feature, TLS runs are skipped (see the test).
    #[cfg(feature = "tls")]
    if tls {
        builder = builder
            .ca_file(fixture(&case.trust))
            .map_err(|e| format!("bad trust file: {e}"))?;
    }
    let agent = builder.build().map_err(|e| format!("agent: {e}"))?;
    let url = match transport {
        Transport::Plain => format!("http://127.0.0.1:{}/{}", server.addr.port(), case.name),
        Transport::Tls => format!("https://localhost:{}/{}", server.addr.port(), case.name),
    };

    let expected = case.expected(transport);
    for i in 1..=case.requests {
        let nth = if case.requests > 1 {
            format!("request {i}: ")
        } else {
            String::new()
        };
        let started = Instant::now();
        let outcome = request(&agent, case, &url);
        let elapsed = started.elapsed();
        if elapsed > case.within {
            return Err(format!(
                "{nth}took {elapsed:?}, more than {:?}",
                case.within
            ));
        }
        check(case, expected, outcome).map_err(|e| format!("{nth}{e}"))?;
        if i == case.requests {
            check_pooled(case, &agent)?;
        }
        if case.takes_turns() {
            client_turns.response_read();
            client_turns.await_server()?;
        }
    }
    if let (Some(method), Some(expected)) = (&case.then_request, &case.expect_then) {
        let outcome = request_then(&agent, case, method, &format!("{url}/then"));
        check(case, expected, outcome).map_err(|e| format!("then-request {method}: {e}"))?;
    }
    if let Some(want) = case.connections {
        let got = server.connections();
        if got != want {
            return Err(format!(
                "the server saw {got} connections for {} requests, expected {want}",
                case.requests
            ));
        }
    }
    Ok(())
}

/// `pooled:`: the number of idle connections the agent keeps after the requests.
fn check_pooled(case: &Case, agent: &Agent) -> Result<(), String> {
    match case.pooled {
        Some(want) if agent.idle_connections() != want => Err(format!(
            "the agent keeps {} idle connections after the requests, expected {want}",
            agent.idle_connections()
        )),
        _ => Ok(()),
    }
}

/// Sends the then-request; an answer other than [`THEN_ANSWER`] (which says `X-Answer: then`)
/// is a failed check.
fn request_then(agent: &Agent, case: &Case, method: &str, url: &str) -> Outcome {
    let mut builder = agent.request(method, url);
    if let Some(deadline) = case.deadline {
        builder = builder.timeout(deadline);
    }
    let response = builder.send()?;
    if response.header("x-answer") != Some("then") {
        let head = format!(
            "status {}, X-Answer {:?}",
            response.status(),
            response.header("x-answer")
        );
        let body = response.bytes().unwrap_or_default();
        return Ok(Err(format!(
            "not the server's answer to it ({head}, body {:?})",
            show(&body, 60)
        )));
    }
    response.bytes().map(Ok)
}

/// What the client made of one request: the response's checks and body, or an error.
type Outcome = Result<Result<Vec<u8>, String>, plainwire::Error>;

/// Sends one request and reads the whole body. The inner `Err` is a failed check on the head.
fn request(agent: &Agent, case: &Case, url: &str) -> Outcome {
    let mut builder = agent.request(&case.method, url);
    if let Some(deadline) = case.deadline {
        builder = builder.timeout(deadline);
    }
    let response = builder.send()?;
    if let Err(problem) = check_head(case, &response) {
        return Ok(Err(problem));
    }
    response.bytes().map(Ok)
}

fn check_head(case: &Case, response: &plainwire::Response) -> Result<(), String> {
    if let Some(status) = case.status {
        if response.status() != status {
            return Err(format!("status {}, expected {status}", response.status()));
        }
    }
    if let Some(version) = case.version {
        if response.version() != version {
            return Err(format!(
                "version {:?}, expected {version:?}",
                response.version()
            ));
        }
    }
    if let Some(reason) = &case.reason {
        if response.reason() != reason {
            return Err(format!(
                "reason {:?}, expected {reason:?}",
                response.reason()
            ));
        }
    }
    for (name, value) in &case.headers {
        if response.header(name) != Some(value.as_str()) {
            return Err(format!(
                "header {name}: {:?}, expected {value:?}",
                response.header(name)
            ));
        }
    }
    for (name, value) in &case.header_bytes {
        let got = response.headers().get_bytes(name);
        if got != Some(value.as_slice()) {
            return Err(format!(
                "header {name} as bytes: {:?}, expected {:?}",
                got.map(|b| show(b, 100)),
                show(value, 100)
            ));
        }
    }
    for name in &case.header_not_text {
        if let Some(text) = response.header(name) {
            return Err(format!(
                "header {name} read as text {text:?}, expected None"
            ));
        }
    }
    for name in &case.header_absent {
        if response.headers().contains(name) {
            return Err(format!("header {name} is present, expected absent"));
        }
    }
    Ok(())
}

fn check(case: &Case, expected: &Expect, outcome: Outcome) -> Result<(), String> {
    match (expected, outcome) {
        (_, Ok(Err(problem))) => Err(problem),
        (Expect::Body(want), Ok(Ok(got))) if got == *want => Ok(()),
        (Expect::Body(want), Ok(Ok(got))) => Err(format!(
            "body {:?}, expected {:?}",
            show(&got, 120),
            show(want, 120)
        )),
        (Expect::Body(want), Err(err)) => Err(format!(
            "error {:?} ({err}), expected body {:?}",
            err.kind(),
            show(want, 120)
        )),
        (Expect::Error(kind), Ok(Ok(got))) => Err(format!(
            "body {:?}, expected error {kind:?}",
            show(&got, 120)
        )),
        (Expect::Error(kind), Err(err)) if err.kind() != *kind => Err(format!(
            "error {:?} ({err}), expected error {kind:?}",
            err.kind()
        )),
        (Expect::Error(_), Err(err)) => match case.timeout_phase {
            Some(phase) if err.timeout_phase() != Some(phase) => Err(format!(
                "timeout in phase {:?} ({err}), expected {phase:?}",
                err.timeout_phase()
            )),
            _ => Ok(()),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

/// Every case file, parsed, sorted by name; broken case files are failures too.
fn load_corpus() -> (Vec<Arc<Case>>, Vec<String>) {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(hostile_dir())
        .expect("fixtures/hostile exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "case"))
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match load_case(&path) {
            Ok(case) => cases.push(Arc::new(case)),
            Err(e) => problems.push(format!("{}: bad case file: {e}", path.display())),
        }
    }
    (cases, problems)
}

/// Files that belong to no case, and cases the README does not list.
fn check_folder(cases: &[Arc<Case>]) -> Vec<String> {
    let mut problems = Vec::new();
    let dir = hostile_dir();
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    for case in cases {
        if !readme.contains(&format!("`{}`", case.name)) {
            problems.push(format!(
                "{}: not listed in fixtures/hostile/README.md",
                case.name
            ));
        }
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("");
        let known = cases.iter().any(|c| c.name == stem);
        if matches!(ext, "raw" | "body") && !known {
            problems.push(format!("{}: belongs to no case", path.display()));
        }
    }
    problems
}

#[test]
fn every_hostile_server_case_ends_as_the_rfc_demands() {
    let (cases, mut failures) = load_corpus();
    failures.extend(check_folder(&cases));
    assert!(
        cases.len() >= 60,
        "only {} cases in fixtures/hostile",
        cases.len()
    );

    let mut runs: Vec<(Arc<Case>, Transport)> = Vec::new();
    for case in &cases {
        for &transport in &case.transports {
            if transport == Transport::Tls && cfg!(not(feature = "tls")) {
                continue;
            }
            runs.push((case.clone(), transport));
        }
    }
    // The slow ones (timeouts, stalls) first, so that they overlap with everything else.
    runs.sort_by_key(|(case, _)| case.deadline.is_none() && case.read_timeout.is_none());
    let total = runs.len();

    let queue = Arc::new(Mutex::new(runs.into_iter().collect::<VecDeque<_>>()));
    let in_flight = Arc::new(Mutex::new(Vec::<String>::new()));
    let (sender, results) = mpsc::channel();
    for _ in 0..WORKERS {
        let (queue, in_flight, sender) = (queue.clone(), in_flight.clone(), sender.clone());
        thread::spawn(move || loop {
            let Some((case, transport)) = queue.lock().unwrap().pop_front() else {
                return;
            };
            let label = format!("{} [{}]", case.name, transport.name());
            in_flight.lock().unwrap().push(label.clone());
            let started = Instant::now();
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&case, transport)))
                    .unwrap_or_else(|panic| {
                        let text = panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        Err(format!("panicked: {text}"))
                    });
            in_flight.lock().unwrap().retain(|l| *l != label);
            if sender.send((label, result, started.elapsed())).is_err() {
                return;
            }
        });
    }
    drop(sender);

    let started = Instant::now();
    let mut finished = 0;
    while finished < total {
        let left = WATCHDOG.saturating_sub(started.elapsed());
        match results.recv_timeout(left) {
            Ok((label, result, took)) => {
                match &result {
                    Ok(()) => println!("ok    {label} ({took:.1?})"),
                    Err(e) => println!("FAIL  {label}: {e}"),
                }
                if let Err(e) = result {
                    failures.push(format!("{label}: {e}"));
                }
                finished += 1;
            }
            Err(_) => break,
        }
    }
    if finished < total {
        for label in in_flight.lock().unwrap().iter() {
            failures.push(format!(
                "{label}: did not finish within {WATCHDOG:?} (hung?)"
            ));
        }
        let never_started = queue.lock().unwrap().len();
        if never_started > 0 {
            failures.push(format!("{never_started} runs never started"));
        }
    }
    println!(
        "{} cases, {total} runs, {} failures, in {:.1?}",
        cases.len(),
        failures.len(),
        started.elapsed()
    );
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {total} hostile-server runs failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
