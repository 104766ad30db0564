//! Connection reuse: a kept-alive connection carries only its own response. Not the pool's
//! bounds and retries (tests/agent_pool.rs has those), only what must never cross from one
//! response to the next.
//!
//! A server can send bytes after a response's framed end: past its Content-Length, after the
//! last chunk, a "body" on a 204, a 304 or a HEAD answer, in the same write as the response or
//! a moment later. Whatever it sends, the next request on the same agent must get the answer
//! the server gave to *that* request. The rules tested here:
//!
//! 1. A connection goes back to the pool only if its response ended exactly at its framing and
//!    nothing is buffered beyond it (in our buffer or inside rustls).
//! 2. A pooled connection is looked at, without blocking, before every reuse, for every
//!    method: data or an end of stream found there closes it, and a fresh one is used.
//! 3. A 2xx answer to a caller's CONNECT never leaves its connection in the pool.
//! 4. After a framing error in a body (or a truncation), every later read of that body fails
//!    too; framing bytes are never handed out as data, and an error never becomes a quiet end.
//!
//! Each table runs every combination (over plain TCP and over TLS) and reports every failing
//! one on a line of its own, as tests/hostile.rs does. Where a server must send something
//! "later", the test and its server take turns through channels: no clock decides anything.

mod support;

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use plainwire::{Agent, ErrorKind, Response};
use rustls::ServerConfig;
use support::{turns, Conn, ScriptedServer, ServerTurns};

/// What a misbehaving server sends after a response: a response in its own right, so that a
/// client that reads it takes it for its answer instead of failing.
const EXCESS: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nintrude";
/// The large Content-Length body: many times the client's 16 KiB input buffer, so that most of
/// it is read straight into the caller's buffer, past ours.
const LARGE: usize = 256 * 1024;
/// How much of a large body goes out in the last write, together with any excess: one TLS
/// record, one TCP segment.
const LAST_PIECE: usize = 1024;
/// The agent's read timeout: short, so that a client that wrongly waits fails in seconds.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Table rows run at once: most of a row's time is spent waiting on loopback.
const WORKERS: usize = 8;

// ---------------------------------------------------------------------------------------------
// Servers, agents and tables
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

/// Plain TCP, and TLS when the client is built with it.
fn transports() -> Vec<Transport> {
    if cfg!(feature = "tls") {
        vec![Transport::Plain, Transport::Tls]
    } else {
        vec![Transport::Plain]
    }
}

fn tls_config() -> Arc<ServerConfig> {
    static CONFIG: OnceLock<Arc<ServerConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| support::server_tls_config("localhost.pem", "localhost.key"))
        .clone()
}

/// A scripted server on 127.0.0.1 running `script` for every connection.
fn start(
    transport: Transport,
    script: impl Fn(&mut Conn) + Send + Sync + 'static,
) -> ScriptedServer {
    match transport {
        Transport::Plain => ScriptedServer::start(script),
        Transport::Tls => ScriptedServer::start_tls(tls_config(), script),
    }
}

/// A fresh agent for one row, trusting the fixtures' CA over TLS.
fn agent(transport: Transport) -> Agent {
    let builder = Agent::builder()
        .proxy_from_env(false)
        .read_timeout(Some(READ_TIMEOUT));
    #[cfg(feature = "tls")]
    let builder = match transport {
        Transport::Tls => builder
            .ca_file(support::fixture("ca.pem"))
            .expect("fixtures/ca.pem"),
        Transport::Plain => builder,
    };
    #[cfg(not(feature = "tls"))]
    let _ = transport;
    builder.build().expect("agent")
}

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    /// The server's number for the connection it came on (0 for the first).
    conn: usize,
    method: String,
    /// Its `X-Request-Id`.
    id: String,
}

/// Reads one request (head and Content-Length body); `None` when the client has gone.
fn read_request(conn: &mut Conn) -> Option<Seen> {
    let head = conn.read_request_head();
    if head.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let field = |name: &str| {
        text.lines().skip(1).find_map(|line| {
            let (field, value) = line.split_once(':')?;
            field
                .trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    };
    let length = field("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    conn.read_exact_body(length);
    Some(Seen {
        conn: conn.index(),
        method: text.split(' ').next().unwrap_or_default().to_string(),
        id: field("x-request-id").unwrap_or_default(),
    })
}

/// The server's numbers for the connections that carried request `id`. A client that read
/// something else as its answer may not have waited for the server to see the request, so a
/// request not seen yet is given a moment (on success it has always been seen already).
fn connections_of(log: &Mutex<Vec<Seen>>, id: &str) -> Vec<usize> {
    let seen = || -> Vec<usize> {
        let log = log.lock().unwrap();
        log.iter().filter(|s| s.id == id).map(|s| s.conn).collect()
    };
    support::wait_until(Duration::from_secs(1), || !seen().is_empty());
    seen()
}

/// A well-behaved answer naming its request: the id in `X-Echo-Id`, and as the body.
fn echo(method: &str, id: &str) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nX-Echo-Id: {id}\r\nContent-Length: {}\r\n\r\n",
        id.len()
    )
    .into_bytes();
    if method != "HEAD" {
        answer.extend_from_slice(id.as_bytes());
    }
    answer
}

/// Sends a request with `X-Request-Id: id` (and a small body for the methods that carry one).
fn send(agent: &Agent, method: &str, url: &str, id: &str) -> plainwire::Result<Response> {
    let request = agent.request(method, url).header("X-Request-Id", id);
    match method {
        "PUT" | "POST" | "PATCH" => request.body(format!("payload of {id}")),
        _ => request,
    }
    .send()
}

/// The size of the buffer [`read_streaming`] reads into.
const STREAM_BUFFER: usize = 64 * 1024;

/// Reads a body as a streaming caller does, into a buffer of [`STREAM_BUFFER`] bytes: large
/// enough that the client reads a large body's end straight into it, no further than the
/// framing, which leaves any excess in the kernel or in rustls rather than in the client's own
/// buffer. (`Response::bytes` sizes its reads to what is left, so its last reads are small.)
fn read_streaming(response: Response) -> std::io::Result<Vec<u8>> {
    let mut reader = response.into_reader();
    let mut body = Vec::new();
    let mut buf = vec![0u8; STREAM_BUFFER];
    loop {
        match reader.read(&mut buf)? {
            0 => return Ok(body),
            n => body.extend_from_slice(&buf[..n]),
        }
    }
}

/// Printable bytes, cut after `max`.
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

/// Runs `check` on every row, [`WORKERS`] at a time, and returns `label: problem` for every
/// row that failed (a panic is a failure too).
fn run_table<C: Send + Sync>(
    rows: Vec<(String, C)>,
    check: fn(&C) -> Result<(), String>,
) -> Vec<String> {
    let queue = Mutex::new(rows.into_iter().collect::<VecDeque<_>>());
    let failures = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| loop {
                let Some((label, row)) = queue.lock().unwrap().pop_front() else {
                    return;
                };
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&row)))
                        .unwrap_or_else(|panic| {
                            let text = panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            Err(format!("panicked: {text}"))
                        });
                if let Err(problem) = outcome {
                    println!("FAIL  {label}: {problem}");
                    failures.lock().unwrap().push(format!("{label}: {problem}"));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    failures
}

fn assert_table(what: &str, total: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} of {total} {what} failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Every framing, every timing, every next method
// ---------------------------------------------------------------------------------------------

/// How the first response is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// `Content-Length: 5`.
    LengthSmall,
    /// A `Content-Length` of [`LARGE`] bytes.
    LengthLarge,
    /// A chunked body.
    Chunked,
    /// `204 No Content`.
    NoContent,
    /// `304 Not Modified`, with the Content-Length the representation would have.
    NotModified,
    /// The answer to a HEAD request, with the Content-Length a GET would have.
    HeadAnswer,
}

const FRAMINGS: [Framing; 6] = [
    Framing::LengthSmall,
    Framing::LengthLarge,
    Framing::Chunked,
    Framing::NoContent,
    Framing::NotModified,
    Framing::HeadAnswer,
];

/// The methods of the second request.
const NEXT_METHODS: [&str; 7] = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "POST", "PATCH"];

fn large_body() -> Vec<u8> {
    (0..LARGE).map(|i| b'a' + (i % 26) as u8).collect()
}

impl Framing {
    fn name(self) -> &'static str {
        match self {
            Framing::LengthSmall => "content-length-5",
            Framing::LengthLarge => "content-length-256k",
            Framing::Chunked => "chunked",
            Framing::NoContent => "204",
            Framing::NotModified => "304",
            Framing::HeadAnswer => "head",
        }
    }

    fn method(self) -> &'static str {
        match self {
            Framing::HeadAnswer => "HEAD",
            _ => "GET",
        }
    }

    /// The response, exactly framed, as the writes the server makes: a large body's last
    /// [`LAST_PIECE`] bytes go in a write of their own, so that excess bytes added to the last
    /// write travel with the body's end (one TLS record, one TCP segment).
    fn writes(self) -> Vec<Vec<u8>> {
        let head = |status: &str, fields: &str| {
            format!("HTTP/1.1 {status}\r\nX-Echo-Id: first\r\n{fields}\r\n").into_bytes()
        };
        match self {
            Framing::LengthSmall => {
                let mut all = head("200 OK", "Content-Length: 5\r\n");
                all.extend_from_slice(b"hello");
                vec![all]
            }
            Framing::LengthLarge => {
                let body = large_body();
                let mut first = head("200 OK", &format!("Content-Length: {LARGE}\r\n"));
                first.extend_from_slice(&body[..LARGE - LAST_PIECE]);
                vec![first, body[LARGE - LAST_PIECE..].to_vec()]
            }
            Framing::Chunked => {
                let mut all = head("200 OK", "Transfer-Encoding: chunked\r\n");
                all.extend_from_slice(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
                vec![all]
            }
            Framing::NoContent => vec![head("204 No Content", "")],
            Framing::NotModified => vec![head("304 Not Modified", "Content-Length: 5\r\n")],
            Framing::HeadAnswer => vec![head("200 OK", "Content-Length: 5\r\n")],
        }
    }

    /// The body the client must read.
    fn body(self) -> Vec<u8> {
        match self {
            Framing::LengthSmall => b"hello".to_vec(),
            Framing::LengthLarge => large_body(),
            Framing::Chunked => b"hello world".to_vec(),
            Framing::NoContent | Framing::NotModified | Framing::HeadAnswer => Vec::new(),
        }
    }

    fn status(self) -> u16 {
        match self {
            Framing::NoContent => 204,
            Framing::NotModified => 304,
            _ => 200,
        }
    }
}

/// When the server sends the excess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// In the same write as the end of the response.
    SameWrite,
    /// Once the client has read the whole response (and pooled the connection).
    Later,
}

impl When {
    fn name(self) -> &'static str {
        match self {
            When::SameWrite => "same-write",
            When::Later => "later",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Row {
    framing: Framing,
    when: When,
    next: &'static str,
    transport: Transport,
}

/// Whether excess bytes written with the end of the response are sure to be in the client's
/// input buffer or in rustls's by the time the body ends, so that rule 1 forbids pooling: they
/// came in the same TLS record, or the same read, as the body's last byte. Over plain TCP a
/// large body's end is read straight into the caller's buffer, no further than the framing, so
/// the excess may still wait in the kernel, where only the look before reuse can find it.
fn excess_arrives_with_the_end(row: &Row) -> bool {
    row.when == When::SameWrite
        && !(row.framing == Framing::LengthLarge && row.transport == Transport::Plain)
}

/// The server of one row: the request with id `first` gets the row's response and excess; any
/// other request gets its echo, on whatever connection it comes.
fn row_server(row: Row, turns: ServerTurns) -> (ScriptedServer, Arc<Mutex<Vec<Seen>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let server_log = log.clone();
    let server = start(row.transport, move |conn| {
        while let Some(seen) = read_request(conn) {
            server_log.lock().unwrap().push(seen.clone());
            if seen.id != "first" {
                conn.write_all(&echo(&seen.method, &seen.id));
                continue;
            }
            let mut writes = row.framing.writes();
            if row.when == When::SameWrite {
                writes.last_mut().unwrap().extend_from_slice(EXCESS);
            }
            for bytes in &writes {
                conn.write_all(bytes);
            }
            if row.when == When::Later {
                turns.await_client();
                conn.write_all(EXCESS);
            }
            turns.written();
        }
    });
    (server, log)
}

fn check_row(row: &Row) -> Result<(), String> {
    let (client, server_turns) = turns();
    let (server, log) = row_server(*row, server_turns);
    let agent = agent(row.transport);
    let url = server.url("/reuse");

    let first = send(&agent, row.framing.method(), &url, "first")
        .map_err(|e| format!("the first request failed: {e}"))?;
    if first.status() != row.framing.status() || first.header("x-echo-id") != Some("first") {
        return Err(format!(
            "the first answer is status {} with X-Echo-Id {:?}",
            first.status(),
            first.header("x-echo-id")
        ));
    }
    let body = read_streaming(first).map_err(|e| format!("reading the first body failed: {e}"))?;
    if body != row.framing.body() {
        return Err(format!("the first body is {:?}", show(&body, 60)));
    }
    let mut problems = Vec::new();
    if excess_arrives_with_the_end(row) && agent.idle_connections() != 0 {
        problems.push(
            "the connection went back to the pool with the excess bytes buffered behind its response"
                .to_string(),
        );
    }
    client.response_read();
    client.await_server()?;

    match send(&agent, row.next, &url, "second") {
        Err(e) => problems.push(format!("the second request failed: {e}")),
        Ok(second) => {
            let echoed = second.header("x-echo-id").map(str::to_string);
            match second.bytes() {
                Err(e) => problems.push(format!("reading the second body failed: {e}")),
                Ok(body) => {
                    let want: &[u8] = if row.next == "HEAD" { b"" } else { b"second" };
                    if echoed.as_deref() != Some("second") || body != want {
                        problems.push(format!(
                            "the second request got body {:?} with X-Echo-Id {echoed:?}, not its own answer",
                            show(&body, 60)
                        ));
                    }
                }
            }
        }
    }
    let on = connections_of(&log, "second");
    if on != [1] {
        problems.push(format!(
            "the server saw the second request on connection(s) {on:?}, expected once on a new one (1)"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn bytes_after_a_response_never_become_the_next_answer() {
    let mut rows = Vec::new();
    for transport in transports() {
        for framing in FRAMINGS {
            for when in [When::SameWrite, When::Later] {
                for next in NEXT_METHODS {
                    let label = format!(
                        "{} then {next}, excess {} [{}]",
                        framing.name(),
                        when.name(),
                        transport.name()
                    );
                    let row = Row {
                        framing,
                        when,
                        next,
                        transport,
                    };
                    rows.push((label, row));
                }
            }
        }
    }
    let total = rows.len();
    let failures = run_table(rows, check_row);
    assert_table("framing x timing x method rows", total, failures);
}

// ---------------------------------------------------------------------------------------------
// 2. Many threads, one agent, every answer checked against its request
// ---------------------------------------------------------------------------------------------
//
// The misbehaving server's excess bytes always travel with (or before) the end of their
// response, in the same write or in a later write that also carries the body's last bytes. Bytes
// sent only after a response has ended could cross a next request already on its way, and then
// no client could tell them from its answer; table 1 covers that case, with turns.

const THREADS: usize = 8;
const REQUESTS_PER_THREAD: usize = 200;
/// The seed of every random choice: a failure replays exactly.
const SEED: u64 = 0x7265_7573_6520_6964;
/// A stress response's large body: past the client's input buffer, so that its end is read
/// straight into the caller's buffer.
const STRESS_LARGE: usize = 40 * 1024;

/// A splitmix64 step: a well-mixed 64-bit value from any other.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A deterministic draw in `0..n` for request `(thread, number)` and purpose `salt`.
fn draw(thread: usize, number: usize, salt: u64, n: u64) -> u64 {
    mix(SEED ^ mix(((thread as u64) << 32 | number as u64) ^ salt.wrapping_mul(0x100_0000_01b3)))
        % n
}

fn request_id(thread: usize, number: usize) -> String {
    format!("t{thread}-r{number:03}")
}

/// `t3-r042` → (3, 42).
fn parse_id(id: &str) -> Option<(usize, usize)> {
    let (thread, number) = id.strip_prefix('t')?.split_once("-r")?;
    Some((thread.parse().ok()?, number.parse().ok()?))
}

/// What the server does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    /// A Content-Length answer.
    Length,
    /// A chunked answer.
    Chunked,
    /// A Content-Length answer of [`STRESS_LARGE`] bytes (the id, then dots).
    Large,
    /// A Content-Length answer followed, in the same write, by another request's answer.
    LengthThenForeign,
    /// A chunked answer followed, in the same write, by another request's answer.
    ChunkedThenForeign,
    /// A Content-Length answer whose last byte comes a moment later, together with another
    /// request's answer.
    LastByteThenForeign,
    /// A large answer whose last piece comes together with another request's answer.
    LargeThenForeign,
    /// A 204 "with a body": another request's answer.
    NoContentThenForeign,
    /// A 304 "with a body": another request's answer.
    NotModifiedThenForeign,
    /// A complete answer, then the server closes the connection.
    CloseAfter,
    /// Half an answer, then the server closes the connection.
    CloseMidBody,
    /// The server closes the connection without answering.
    CloseUnanswered,
}

/// The acts of a misbehaving server, each with its weight out of the sum.
const MISBEHAVING: [(Act, u64); 12] = [
    (Act::Length, 30),
    (Act::Chunked, 10),
    (Act::Large, 5),
    (Act::LengthThenForeign, 8),
    (Act::ChunkedThenForeign, 6),
    (Act::LastByteThenForeign, 6),
    (Act::LargeThenForeign, 5),
    (Act::NoContentThenForeign, 6),
    (Act::NotModifiedThenForeign, 6),
    (Act::CloseAfter, 6),
    (Act::CloseMidBody, 6),
    (Act::CloseUnanswered, 6),
];

/// The acts of a well-behaved server.
const WELL_BEHAVED: [(Act, u64); 3] = [(Act::Length, 6), (Act::Chunked, 3), (Act::Large, 1)];

fn choose(acts: &[(Act, u64)], thread: usize, number: usize) -> Act {
    let total: u64 = acts.iter().map(|(_, weight)| weight).sum();
    let mut at = draw(thread, number, 1, total);
    for (act, weight) in acts {
        if at < *weight {
            return *act;
        }
        at -= weight;
    }
    unreachable!("the draw is below the total")
}

fn choose_method(thread: usize, number: usize) -> &'static str {
    match draw(thread, number, 2, 12) {
        0..=5 => "GET",
        6 => "HEAD",
        7 => "PUT",
        8 => "DELETE",
        9 => "OPTIONS",
        10 => "POST",
        _ => "PATCH",
    }
}

/// The answer a stress server gives `id`, as the writes it makes, and whether it closes the
/// connection afterwards.
fn stress_answer(act: Act, method: &str, id: &str) -> (Vec<Vec<u8>>, bool) {
    // Another thread's request: a client that reads this as its answer has another's id.
    let foreign = match parse_id(id) {
        Some((thread, number)) => request_id((thread + 1) % THREADS, number),
        None => "t9-r999".to_string(),
    };
    let foreign = echo("GET", &foreign);
    let head_only = method == "HEAD";
    let with_body = |head: String, body: &[u8]| {
        let mut all = head.into_bytes();
        if !head_only {
            all.extend_from_slice(body);
        }
        all
    };
    let length = |body: &[u8]| {
        with_body(
            format!(
                "HTTP/1.1 200 OK\r\nX-Echo-Id: {id}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            ),
            body,
        )
    };
    let chunked = || {
        with_body(
            format!("HTTP/1.1 200 OK\r\nX-Echo-Id: {id}\r\nTransfer-Encoding: chunked\r\n\r\n"),
            format!("{:x}\r\n{id}\r\n0\r\n\r\n", id.len()).as_bytes(),
        )
    };
    let large = || {
        let mut body = id.as_bytes().to_vec();
        body.resize(STRESS_LARGE, b'.');
        let all = length(&body);
        // The last piece in a write of its own (one record, one segment).
        let cut = all.len().saturating_sub(LAST_PIECE);
        vec![all[..cut].to_vec(), all[cut..].to_vec()]
    };
    let then = |mut writes: Vec<Vec<u8>>| {
        writes.last_mut().unwrap().extend_from_slice(&foreign);
        writes
    };
    match act {
        Act::Length => (vec![length(id.as_bytes())], false),
        Act::Chunked => (vec![chunked()], false),
        Act::Large => (large(), false),
        Act::LengthThenForeign => (then(vec![length(id.as_bytes())]), false),
        Act::ChunkedThenForeign => (then(vec![chunked()]), false),
        Act::LastByteThenForeign => {
            let mut all = length(id.as_bytes());
            let last = all.split_off(all.len() - 1);
            (then(vec![all, last]), false)
        }
        Act::LargeThenForeign => (then(large()), false),
        Act::NoContentThenForeign => (
            then(vec![format!(
                "HTTP/1.1 204 No Content\r\nX-Echo-Id: {id}\r\n\r\n"
            )
            .into_bytes()]),
            false,
        ),
        Act::NotModifiedThenForeign => (
            then(vec![format!(
                "HTTP/1.1 304 Not Modified\r\nX-Echo-Id: {id}\r\nContent-Length: {}\r\n\r\n",
                id.len()
            )
            .into_bytes()]),
            false,
        ),
        Act::CloseAfter => (vec![length(id.as_bytes())], true),
        Act::CloseMidBody => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nX-Echo-Id: {id}\r\nContent-Length: {}\r\n\r\n",
                id.len() * 2
            );
            (vec![with_body(head, id.as_bytes())], true)
        }
        Act::CloseUnanswered => (Vec::new(), true),
    }
}

fn stress_server(transport: Transport, acts: &'static [(Act, u64)]) -> ScriptedServer {
    start(transport, move |conn| {
        while let Some(seen) = read_request(conn) {
            let (from, number) = parse_id(&seen.id).unwrap_or((THREADS, 0));
            let (writes, close) = stress_answer(choose(acts, from, number), &seen.method, &seen.id);
            for (i, bytes) in writes.iter().enumerate() {
                if i > 0 {
                    // "A moment later": a separate write the client may or may not have
                    // waited for; a server-side pause, never a client-side assertion.
                    thread::sleep(Duration::from_micros(200));
                }
                conn.write_all(bytes);
            }
            if close {
                return;
            }
        }
    })
}

/// What the stress clients saw.
#[derive(Default)]
struct Tally {
    answered: usize,
    failed: usize,
    /// Answers that were not the request's own, one line each.
    crossed: Vec<String>,
}

/// Checks one answer against its request: the id in `X-Echo-Id`, and the body (the id, the id
/// padded with dots, or nothing where there is no body).
fn check_answer(
    method: &str,
    id: &str,
    response: Response,
) -> Result<Result<(), String>, plainwire::Error> {
    let status = response.status();
    let echoed = response.header("x-echo-id").map(str::to_string);
    let body = response.bytes()?;
    let padded = body.starts_with(id.as_bytes()) && body[id.len()..].iter().all(|&b| b == b'.');
    let body_ok = match (method, status) {
        ("HEAD", _) | (_, 204 | 304) => body.is_empty(),
        _ => padded,
    };
    if echoed.as_deref() == Some(id) && body_ok {
        return Ok(Ok(()));
    }
    Ok(Err(format!(
        "{id} ({method}) got status {status}, X-Echo-Id {echoed:?}, body {:?}",
        show(&body, 40)
    )))
}

fn stress(transport: Transport, misbehaving: bool) -> Tally {
    let acts: &'static [(Act, u64)] = if misbehaving {
        &MISBEHAVING
    } else {
        &WELL_BEHAVED
    };
    let server = stress_server(transport, acts);
    let agent = agent(transport);
    let url = server.url("/stress");
    let tally = Mutex::new(Tally::default());
    thread::scope(|scope| {
        for thread in 0..THREADS {
            let (agent, url, tally) = (&agent, &url, &tally);
            scope.spawn(move || {
                for number in 0..REQUESTS_PER_THREAD {
                    let id = request_id(thread, number);
                    let method = choose_method(thread, number);
                    let outcome =
                        send(agent, method, url, &id).and_then(|r| check_answer(method, &id, r));
                    let mut tally = tally.lock().unwrap();
                    match outcome {
                        Ok(Ok(())) => tally.answered += 1,
                        Ok(Err(crossed)) => tally.crossed.push(crossed),
                        Err(e) if misbehaving => {
                            tally.failed += 1;
                            // Errors are allowed here, but only the kinds a misbehaving
                            // server can cause.
                            if !matches!(
                                e.kind(),
                                ErrorKind::Truncated
                                    | ErrorKind::EmptyReply
                                    | ErrorKind::ConnectionReset
                                    | ErrorKind::Protocol
                                    | ErrorKind::Io
                            ) {
                                tally
                                    .crossed
                                    .push(format!("{id} ({method}) failed oddly: {e}"));
                            }
                        }
                        Err(e) => tally.crossed.push(format!("{id} ({method}) failed: {e}")),
                    }
                }
            });
        }
    });
    tally.into_inner().unwrap()
}

/// Runs the stress test over every transport and returns what went wrong in each.
fn stress_problems(misbehaving: bool) -> Vec<String> {
    let total = THREADS * REQUESTS_PER_THREAD;
    let mut problems = Vec::new();
    for transport in transports() {
        let tally = stress(transport, misbehaving);
        let label = format!(
            "{} server [{}]",
            if misbehaving {
                "misbehaving"
            } else {
                "well-behaved"
            },
            transport.name()
        );
        if !tally.crossed.is_empty() {
            let shown = tally.crossed.iter().take(20).cloned().collect::<Vec<_>>();
            problems.push(format!(
                "{label}: {} of {total} requests did not get their own answer (first {}):\n    {}",
                tally.crossed.len(),
                shown.len(),
                shown.join("\n    ")
            ));
        }
        // A misbehaving server may make requests fail, but most are answered, or the test
        // proves nothing; a well-behaved one makes none fail.
        let enough = if misbehaving {
            tally.answered * 2 > total
        } else {
            tally.answered == total
        };
        if !enough {
            problems.push(format!(
                "{label}: {} of {total} requests answered, {} failed",
                tally.answered, tally.failed
            ));
        }
        println!(
            "{label}: {} answered, {} failed, {} crossed",
            tally.answered,
            tally.failed,
            tally.crossed.len()
        );
    }
    problems
}

#[test]
fn eight_threads_on_one_agent_each_get_their_own_answers_from_a_good_server() {
    let problems = stress_problems(false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn eight_threads_on_one_agent_never_get_another_requests_answer_from_a_bad_server() {
    let problems = stress_problems(true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 3. A caller's CONNECT
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct ConnectRow {
    /// When the server sends bytes through the "tunnel": never, with the 200, or later.
    excess: Option<When>,
    next: &'static str,
    transport: Transport,
}

fn check_connect(row: &ConnectRow) -> Result<(), String> {
    let (client, turns) = turns();
    let log = Arc::new(Mutex::new(Vec::new()));
    let server_log = log.clone();
    let row = *row;
    let server = start(row.transport, move |conn| {
        while let Some(seen) = read_request(conn) {
            server_log.lock().unwrap().push(seen.clone());
            if seen.method != "CONNECT" {
                conn.write_all(&echo(&seen.method, &seen.id));
                continue;
            }
            let mut established = b"HTTP/1.1 200 Connection established\r\n\r\n".to_vec();
            if row.excess == Some(When::SameWrite) {
                established.extend_from_slice(EXCESS);
            }
            conn.write_all(&established);
            if row.excess == Some(When::Later) {
                turns.await_client();
                conn.write_all(EXCESS);
            }
            turns.written();
        }
    });
    let agent = agent(row.transport);
    let url = server.url("/tunnel");
    let tunnel =
        send(&agent, "CONNECT", &url, "tunnel").map_err(|e| format!("the CONNECT failed: {e}"))?;
    if tunnel.status() != 200 {
        return Err(format!("the CONNECT got status {}", tunnel.status()));
    }
    let body = tunnel
        .bytes()
        .map_err(|e| format!("reading the CONNECT answer failed: {e}"))?;
    let mut problems = Vec::new();
    if !body.is_empty() {
        problems.push(format!(
            "a 2xx to CONNECT has no body, got {:?}",
            show(&body, 60)
        ));
    }
    if agent.idle_connections() != 0 {
        problems.push("the tunnel's connection went back to the pool".to_string());
    }
    client.response_read();
    client.await_server()?;
    match send(&agent, row.next, &url, "after") {
        Err(e) => problems.push(format!("the next request failed: {e}")),
        Ok(answer) => {
            let echoed = answer.header("x-echo-id").map(str::to_string);
            match answer.bytes() {
                Err(e) => problems.push(format!("reading the next answer failed: {e}")),
                Ok(body) if echoed.as_deref() != Some("after") || body != b"after" => problems
                    .push(format!(
                        "the next request got body {:?} with X-Echo-Id {echoed:?}",
                        show(&body, 60)
                    )),
                Ok(_) => {}
            }
        }
    }
    let on = connections_of(&log, "after");
    if on != [1] {
        problems.push(format!(
            "the server saw the next request on connection(s) {on:?}, not on a new one (1)"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn a_callers_connect_never_leaves_its_connection_in_the_pool() {
    let mut rows = Vec::new();
    for transport in transports() {
        for excess in [None, Some(When::SameWrite), Some(When::Later)] {
            for next in ["GET", "POST"] {
                let label = format!(
                    "CONNECT 200, bytes {}, then {next} [{}]",
                    excess.map_or("never", When::name),
                    transport.name()
                );
                rows.push((
                    label,
                    ConnectRow {
                        excess,
                        next,
                        transport,
                    },
                ));
            }
        }
    }
    let total = rows.len();
    let failures = run_table(rows, check_connect);
    assert_table("CONNECT rows", total, failures);
}

// ---------------------------------------------------------------------------------------------
// 4. After a framing error, only errors
// ---------------------------------------------------------------------------------------------

/// How the body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    /// `Response` itself, as a `std::io::Read`.
    Response,
    /// `Response::into_reader()`.
    IntoReader,
}

/// A body broken in its framing, or cut short, and reads that walk across the break.
#[derive(Debug)]
struct Broken {
    name: &'static str,
    /// Everything after the head, written in one write with it; then the server closes.
    wire: &'static [u8],
    /// `Transfer-Encoding: chunked`, or this Content-Length.
    length: Option<usize>,
    /// The sizes of the buffers the successive reads get.
    reads: &'static [usize],
}

/// Chunked bodies broken in their framing.
const FRAMING_ERRORS: [Broken; 5] = [
    // RFC 9112 section 7.1: chunk-size is 1*HEXDIG, and "3x" is not one. Read again from where
    // the decoder stopped, "5\r\n" looks like a size line, and what follows like chunk data.
    Broken {
        name: "bad chunk size line after a chunk",
        wire: b"5\r\nhello\r\n3x\r\nabc\r\n0\r\n\r\n",
        length: None,
        reads: &[100, 100, 100, 100, 100],
    },
    // A chunk whose data looks like framing, then a bad size line: a decoder that resumes
    // after the error reads the chunk's data as a size line, and what follows as data.
    Broken {
        name: "bad size line after data that looks like framing",
        wire: b"8\r\nabcd5\r\nX\r\n!Y\r\n0\r\n\r\n",
        length: None,
        reads: &[4, 100, 100, 100, 100],
    },
    Broken {
        name: "no chunk size at all",
        wire: b"zz\r\nhello\r\n0\r\n\r\n",
        length: None,
        reads: &[100, 100, 100, 100],
    },
    Broken {
        name: "chunk data not followed by CRLF",
        wire: b"5\r\nhelloXX5\r\nworld\r\n0\r\n\r\n",
        length: None,
        reads: &[100, 100, 100, 100],
    },
    Broken {
        name: "chunk size line ended by a bare LF, read a byte at a time",
        wire: b"5\nhello\r\n0\r\n\r\n",
        length: None,
        reads: &[1, 1, 1, 1, 1, 1],
    },
];

/// Bodies cut short by the server's close: the error that says so must not turn into a quiet
/// end of the body on the next read.
const TRUNCATIONS: [Broken; 2] = [
    Broken {
        name: "Content-Length 10, 5 bytes, close",
        wire: b"hello",
        length: Some(10),
        reads: &[100, 100, 100, 100],
    },
    Broken {
        name: "chunked, cut after a chunk",
        wire: b"5\r\nhello\r\n",
        length: None,
        reads: &[100, 100, 100, 100],
    },
];

/// One row: a broken body, read through one API over one transport.
#[derive(Debug)]
struct BrokenBody {
    body: &'static Broken,
    api: Api,
    transport: Transport,
}

fn check_broken_body(row: &BrokenBody) -> Result<(), String> {
    let mut answer = b"HTTP/1.1 200 OK\r\n".to_vec();
    match row.body.length {
        Some(length) => {
            answer.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes())
        }
        None => answer.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
    }
    answer.extend_from_slice(b"\r\n");
    answer.extend_from_slice(row.body.wire);
    let server = start(row.transport, move |conn| {
        if read_request(conn).is_some() {
            conn.write_all(&answer);
        }
        // Returning closes the connection (close_notify and FIN), so that no read waits.
    });
    let agent = agent(row.transport);
    let response = send(&agent, "GET", &server.url("/broken"), "broken")
        .map_err(|e| format!("the request failed before the body: {e}"))?;
    let mut reader: Box<dyn Read> = match row.api {
        Api::Response => Box::new(response),
        Api::IntoReader => Box::new(response.into_reader()),
    };
    let mut log = Vec::new();
    let mut first_error = None;
    let mut problems = Vec::new();
    for (i, &size) in row.body.reads.iter().enumerate() {
        let mut buf = vec![0u8; size];
        let outcome = reader.read(&mut buf);
        match (&outcome, first_error) {
            (Err(_), None) => first_error = Some(i + 1),
            (Ok(n), Some(at)) => problems.push(format!(
                "read {} returned Ok({n}) {:?} after read {at} had failed",
                i + 1,
                show(&buf[..*n], 40)
            )),
            _ => {}
        }
        log.push(match outcome {
            Ok(n) => format!("Ok({:?})", show(&buf[..n], 24)),
            Err(e) => format!("Err({:?})", e.kind()),
        });
    }
    if first_error.is_none() {
        problems.push("no read failed".to_string());
    }
    drop(reader);
    if agent.idle_connections() != 0 {
        problems.push("the broken body's connection went back to the pool".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} (reads: {})",
            problems.join("; "),
            log.join(", ")
        ))
    }
}

fn broken_body_rows(bodies: &'static [Broken]) -> Vec<(String, BrokenBody)> {
    let mut rows = Vec::new();
    for transport in transports() {
        for body in bodies {
            for api in [Api::Response, Api::IntoReader] {
                let via = match api {
                    Api::Response => "Response as Read",
                    Api::IntoReader => "into_reader()",
                };
                let label = format!("{}, via {via} [{}]", body.name, transport.name());
                let row = BrokenBody {
                    body,
                    api,
                    transport,
                };
                rows.push((label, row));
            }
        }
    }
    rows
}

#[test]
fn after_a_framing_error_every_later_read_fails_too() {
    let rows = broken_body_rows(&FRAMING_ERRORS);
    let total = rows.len();
    let failures = run_table(rows, check_broken_body);
    assert_table("framing-error rows", total, failures);
}

#[test]
fn after_a_truncation_every_later_read_fails_too() {
    let rows = broken_body_rows(&TRUNCATIONS);
    let total = rows.len();
    let failures = run_table(rows, check_broken_body);
    assert_table("truncation rows", total, failures);
}

/// A streamed upload on a kept-alive connection that the server cuts after `100 Continue` and
/// part of the body: the request had begun to be answered, and the stream cannot be sent whole
/// again, so the call fails; it is never sent again with only the rest of the stream.
#[test]
fn a_stream_cut_after_100_continue_is_not_sent_again_on_a_fresh_connection() {
    let server = ScriptedServer::start(|conn| {
        if conn.index() > 0 {
            // A retry: answer it as if it were whole, as a server would.
            conn.read_request_head();
            conn.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        conn.read_exact_body(1000);
        conn.abort();
    });
    let agent = Agent::builder().proxy_from_env(false).build().unwrap();
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
    let upload = std::io::Cursor::new(vec![b'x'; 196_608]);
    let result = agent.put(&server.url("/upload")).body_reader(upload).send();
    assert!(result.is_err(), "{:?}", result.map(|r| r.status()));
    assert_eq!(
        server.connections(),
        1,
        "no second connection carried the rest of the stream"
    );
}
