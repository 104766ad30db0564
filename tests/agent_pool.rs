//! The agent's connection pool: keep-alive, what may and may not be reused, the retry of an
//! idempotent request on a stale pooled connection, and sharing one agent between threads.

mod support;
use support::*;

use std::io::Read;
use std::net::Shutdown;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use plainwire::ErrorKind;

/// One request read off a scripted connection.
#[derive(Clone, Debug)]
struct Seen {
    /// The connection's index on the server.
    conn: usize,
    /// The request line, without CRLF.
    line: String,
    /// The Content-Length body.
    body: Vec<u8>,
}

/// What a scripted server saw.
#[derive(Default)]
struct Log {
    requests: Mutex<Vec<Seen>>,
    /// Connections the server has closed (its write side) after answering.
    closed: AtomicUsize,
    /// Per connection, everything the client sent after the server closed it.
    after_close: Mutex<Vec<(usize, Vec<u8>)>>,
}

impl Log {
    fn requests(&self) -> Vec<Seen> {
        self.requests.lock().unwrap().clone()
    }

    fn lines(&self) -> Vec<String> {
        self.requests().into_iter().map(|s| s.line).collect()
    }

    fn after_close(&self, conn: usize) -> Option<Vec<u8>> {
        self.after_close
            .lock()
            .unwrap()
            .iter()
            .find(|(c, _)| *c == conn)
            .map(|(_, bytes)| bytes.clone())
    }
}

/// Reads one request (head and Content-Length body) off a scripted connection and logs it.
fn read_request(conn: &mut Conn, log: &Log) -> Option<Seen> {
    let head = conn.read_request_head();
    if head.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let length = text
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let body = conn.read_exact_body(length);
    let seen = Seen {
        conn: conn.index(),
        line: text.lines().next().unwrap_or("").to_string(),
        body,
    };
    log.requests.lock().unwrap().push(seen.clone());
    Some(seen)
}

fn ok(conn: &mut Conn, body: &str) {
    conn.write_all(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

// ---------------------------------------------------------------------------
// Keep-alive
// ---------------------------------------------------------------------------

#[test]
fn a_hundred_sequential_gets_share_one_connection() {
    let server = HttpServer::start(|req| Reply::text(format!("hello {}", req.path())));
    let agent = agent();
    for i in 0..100 {
        let body = agent
            .get(&server.url(&format!("/n{i}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, format!("hello /n{i}"));
    }
    assert_eq!(server.connections(), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 100);
    assert!(requests.iter().all(|r| r.connection == 0));
    assert_eq!(agent.idle_connections(), 1);
}

#[test]
fn a_small_unread_body_that_has_arrived_is_skipped_and_the_connection_reused() {
    let server = HttpServer::start(|req| Reply::text(format!("body of {}", req.path())));
    let agent = agent();
    let first = agent.get(&server.url("/first")).send().unwrap();
    assert_eq!(first.status(), 200);
    drop(first);
    let body = agent
        .get(&server.url("/second"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "body of /second");
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_small_unread_chunked_body_is_skipped_and_the_connection_reused() {
    let server = HttpServer::start(|req| {
        let path = req.path();
        Reply::new(200)
            .header("Transfer-Encoding", "chunked")
            .body(format!(
                "3\r\nabc\r\n{:x}\r\n{path}\r\n0\r\n\r\n",
                path.len()
            ))
    });
    let agent = agent();
    drop(agent.get(&server.url("/one")).send().unwrap());
    let body = agent
        .get(&server.url("/two"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "abc/two");
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_large_unread_body_does_not_poison_the_next_request() {
    let server = HttpServer::start(|req| {
        if req.path() == "/big" {
            Reply::new(200).body(vec![b'x'; 4 << 20])
        } else {
            Reply::text(format!("small {}", req.path()))
        }
    });
    let agent = agent();
    let big = agent.get(&server.url("/big")).send().unwrap();
    assert_eq!(big.content_length(), Some(4 << 20));
    drop(big);
    assert_eq!(agent.idle_connections(), 0);
    let body = agent
        .get(&server.url("/after"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "small /after");
    // The big body could not be skipped without waiting for it, so that connection was closed.
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_partly_read_body_does_not_poison_the_next_request() {
    let server = HttpServer::start(|req| {
        if req.path() == "/big" {
            Reply::new(200)
                .header("Transfer-Encoding", "chunked")
                .body(format!(
                    "{:x}\r\n{}\r\n0\r\n\r\n",
                    1 << 20,
                    "y".repeat(1 << 20)
                ))
        } else {
            Reply::text(format!("small {}", req.path()))
        }
    });
    let agent = agent();
    let mut big = agent.get(&server.url("/big")).send().unwrap();
    let mut start = [0u8; 10];
    big.read_exact(&mut start).unwrap();
    assert_eq!(&start, b"yyyyyyyyyy");
    drop(big);
    for i in 0..3 {
        let body = agent
            .get(&server.url(&format!("/s{i}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, format!("small /s{i}"));
    }
}

#[test]
fn http_1_0_responses_are_not_reused() {
    // The server would keep the connection open; the client must not use it again.
    let server = HttpServer::start(|req| {
        Reply::raw(format!(
            "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{}",
            req.path().len(),
            req.path()
        ))
    });
    let agent = agent();
    for i in 0..3 {
        let resp = agent.get(&server.url(&format!("/p{i}"))).send().unwrap();
        assert_eq!(resp.version(), plainwire::Version::Http10);
        assert_eq!(resp.text().unwrap(), format!("/p{i}"));
        assert_eq!(agent.idle_connections(), 0);
    }
    assert_eq!(server.connections(), 3);
}

#[test]
fn http_1_0_responses_with_keep_alive_are_reused() {
    let server = HttpServer::start(|req| {
        Reply::raw(format!(
            "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: {}\r\n\r\n{}",
            req.path().len(),
            req.path()
        ))
    });
    let agent = agent();
    for i in 0..3 {
        let body = agent
            .get(&server.url(&format!("/k{i}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, format!("/k{i}"));
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn connection_close_responses_are_not_reused() {
    // Raw replies: the server itself keeps the connection open, so only the client's respect
    // for `Connection: close` keeps it from reusing the connection.
    let server = HttpServer::start(|req| {
        Reply::raw(format!(
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{}",
            req.path().len(),
            req.path()
        ))
    });
    let agent = agent();
    for i in 0..3 {
        let body = agent
            .get(&server.url(&format!("/c{i}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, format!("/c{i}"));
        assert_eq!(agent.idle_connections(), 0);
    }
    assert_eq!(server.connections(), 3);
}

#[test]
fn a_request_that_says_connection_close_does_not_leave_its_connection_for_reuse() {
    // A server that keeps every connection open and never says `Connection: close` itself:
    // only the client's own `Connection: close` (RFC 9112 section 9.6) forbids reuse.
    let log = Arc::new(Log::default());
    let server_log = log.clone();
    let server = ScriptedServer::start(move |conn| {
        while let Some(seen) = read_request(conn, &server_log) {
            ok(conn, &seen.line);
        }
    });
    let agent = agent();
    agent
        .get(&server.url("/1"))
        .header("Connection", "close")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(agent.idle_connections(), 0);
    agent.get(&server.url("/2")).send().unwrap().text().unwrap();
    agent.get(&server.url("/3")).send().unwrap().text().unwrap();
    let conns: Vec<usize> = log.requests().iter().map(|s| s.conn).collect();
    assert_eq!(conns, vec![0, 1, 1]);

    // The same from the agent's default headers, unless a request overrides it.
    let closing = builder()
        .default_header("Connection", "Close")
        .build()
        .unwrap();
    for path in ["/4", "/5"] {
        closing
            .get(&server.url(path))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(closing.idle_connections(), 0);
    }
    closing
        .get(&server.url("/6"))
        .header("Connection", "keep-alive")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(closing.idle_connections(), 1);
    assert_eq!(server.connections(), 5);
}

#[test]
fn the_pool_is_keyed_by_host_and_port() {
    let a = HttpServer::start(|_| Reply::text("a"));
    let b = HttpServer::start(|_| Reply::text("b"));
    let agent = agent();
    for _ in 0..3 {
        assert_eq!(agent.get(&a.url("/")).send().unwrap().text().unwrap(), "a");
        assert_eq!(agent.get(&b.url("/")).send().unwrap().text().unwrap(), "b");
    }
    assert_eq!(a.connections(), 1);
    assert_eq!(b.connections(), 1);
    assert_eq!(agent.idle_connections(), 2);

    // The same socket address under another host name is another key.
    for _ in 0..3 {
        let body = agent
            .get(&a.url_with_host("localhost", "/"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, "a");
        assert_eq!(agent.get(&a.url("/")).send().unwrap().text().unwrap(), "a");
    }
    assert_eq!(a.connections(), 2);
    assert_eq!(agent.idle_connections(), 3);
}

#[test]
fn max_idle_per_host_zero_turns_reuse_off() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = builder().max_idle_per_host(0).build().unwrap();
    for _ in 0..3 {
        assert_eq!(
            agent.get(&server.url("/")).send().unwrap().text().unwrap(),
            "ok"
        );
        assert_eq!(agent.idle_connections(), 0);
    }
    assert_eq!(server.connections(), 3);
}

#[test]
fn max_idle_zero_turns_reuse_off() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = builder().max_idle(0).build().unwrap();
    for _ in 0..3 {
        assert_eq!(
            agent.get(&server.url("/")).send().unwrap().text().unwrap(),
            "ok"
        );
    }
    assert_eq!(server.connections(), 3);
}

#[test]
fn the_pool_keeps_at_most_max_idle_per_host_for_one_origin() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    for (limit, kept) in [(1, 1), (8, 3)] {
        let agent = builder().max_idle_per_host(limit).build().unwrap();
        // Three responses in flight at once need three connections; their small bodies have
        // arrived, so each goes back to the pool when dropped.
        let held: Vec<_> = (0..3)
            .map(|_| agent.get(&server.url("/")).send().unwrap())
            .collect();
        assert_eq!(agent.idle_connections(), 0);
        drop(held);
        assert_eq!(agent.idle_connections(), kept, "max_idle_per_host({limit})");
    }
}

#[test]
fn the_pool_keeps_at_most_max_idle_in_all() {
    let a = HttpServer::start(|_| Reply::text("a"));
    let b = HttpServer::start(|_| Reply::text("b"));
    let agent = builder().max_idle(1).build().unwrap();
    for _ in 0..2 {
        assert_eq!(agent.get(&a.url("/")).send().unwrap().text().unwrap(), "a");
        assert_eq!(agent.get(&b.url("/")).send().unwrap().text().unwrap(), "b");
        assert_eq!(agent.idle_connections(), 1);
    }
    // Each request found the other origin's connection in the only place.
    assert_eq!(a.connections(), 2);
    assert_eq!(b.connections(), 2);
}

#[test]
fn idle_connections_expire_after_the_idle_timeout() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let short = builder()
        .idle_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    assert_eq!(
        short.get(&server.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
    thread::sleep(Duration::from_millis(300));
    assert_eq!(
        short.get(&server.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
    assert_eq!(server.connections(), 2);

    // The same pause with the default idle timeout keeps the connection.
    let other = HttpServer::start(|_| Reply::text("ok"));
    let default = agent();
    assert_eq!(
        default.get(&other.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
    thread::sleep(Duration::from_millis(300));
    assert_eq!(
        default.get(&other.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
    assert_eq!(other.connections(), 1);
}

// ---------------------------------------------------------------------------
// Stale pooled connections
// ---------------------------------------------------------------------------

/// A server that answers one request per connection, then closes its side without having
/// said `Connection: close`, and records whatever the client still sends on it.
fn closes_after_each_response() -> (ScriptedServer, Arc<Log>) {
    let log = Arc::new(Log::default());
    let server_log = log.clone();
    let server = ScriptedServer::start(move |conn| {
        let Some(seen) = read_request(conn, &server_log) else {
            return;
        };
        ok(conn, &format!("answer to {}", seen.line));
        let _ = conn.tcp().shutdown(Shutdown::Write);
        server_log.closed.fetch_add(1, Ordering::SeqCst);
        conn.set_read_timeout(Some(Duration::from_secs(5)));
        let rest = conn.read_to_end();
        server_log
            .after_close
            .lock()
            .unwrap()
            .push((conn.index(), rest));
    });
    (server, log)
}

#[test]
fn a_get_on_a_connection_the_server_closed_while_idle_succeeds() {
    let (server, log) = closes_after_each_response();
    let agent = agent();
    for i in 0..5 {
        let body = agent
            .get(&server.url(&format!("/g{i}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, format!("answer to GET /g{i} HTTP/1.1"));
    }
    // Each request was answered once, each on a connection of its own.
    let requests = log.requests();
    assert_eq!(requests.len(), 5);
    for (i, seen) in requests.iter().enumerate() {
        assert_eq!(seen.conn, i, "{requests:?}");
    }
    assert_eq!(server.connections(), 5);
}

#[test]
fn a_post_after_the_server_closed_the_idle_connection_goes_on_a_fresh_one() {
    let (server, log) = closes_after_each_response();
    let agent = agent();
    assert!(agent
        .get(&server.url("/first"))
        .send()
        .unwrap()
        .text()
        .is_ok());
    assert!(wait_until(Duration::from_secs(5), || {
        log.closed.load(Ordering::SeqCst) == 1
    }));
    // Let the FIN arrive: now the pool's idle check can see the connection is closed.
    thread::sleep(Duration::from_millis(50));

    let body = agent
        .post(&server.url("/p"))
        .body("post-body-marker")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "answer to POST /p HTTP/1.1");
    let posts: Vec<Seen> = log
        .requests()
        .into_iter()
        .filter(|s| s.line.starts_with("POST"))
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body, b"post-body-marker");
    assert_eq!(posts[0].conn, 1);
    // Nothing was written on the closed connection.
    assert!(wait_until(Duration::from_secs(5), || log
        .after_close(0)
        .is_some()));
    assert_eq!(log.after_close(0).unwrap(), b"");
}

#[test]
fn a_post_racing_the_servers_close_is_never_sent_twice() {
    let (server, log) = closes_after_each_response();
    let agent = agent();
    for round in 0..5 {
        let get = format!("/g{round}");
        assert!(agent.get(&server.url(&get)).send().unwrap().text().is_ok());
        let marker = format!("post-body-{round}");
        // Sent at once: the server may or may not have closed the connection yet.
        let result = agent
            .post(&server.url("/p"))
            .body(marker.clone())
            .send()
            .and_then(|r| r.text());
        let answered = log
            .requests()
            .iter()
            .filter(|s| s.body == marker.as_bytes())
            .count();
        match result {
            Ok(body) => {
                assert_eq!(body, "answer to POST /p HTTP/1.1");
                assert_eq!(answered, 1);
            }
            Err(err) => {
                assert!(
                    matches!(
                        err.kind(),
                        ErrorKind::EmptyReply | ErrorKind::ConnectionReset
                    ),
                    "{err:?}"
                );
                assert_eq!(answered, 0);
            }
        }
        // Count the body everywhere the server saw it: answered, or written on a closed
        // connection. A retry after writing it on the stale connection would make it two.
        let get_conn = log
            .requests()
            .iter()
            .find(|s| s.line.starts_with(&format!("GET {get} ")))
            .unwrap()
            .conn;
        // The client closes that connection either way: found closed, or failed on.
        assert!(wait_until(Duration::from_secs(5), || log
            .after_close(get_conn)
            .is_some()));
        let on_stale = count(&log.after_close(get_conn).unwrap(), marker.as_bytes());
        assert!(
            on_stale + answered <= 1,
            "round {round}: the POST was sent twice"
        );
    }
}

/// A server that answers the first request on each connection, and closes the connection
/// as soon as it has read a second one, which the pool's idle check cannot foresee.
fn closes_on_the_next_request() -> (ScriptedServer, Arc<Log>) {
    closes_on_the_next_request_with(false, false)
}

/// The same, over TLS if `tls`, and closing abruptly (no TLS close_notify, no draining) if
/// `abort`.
fn closes_on_the_next_request_with(tls: bool, abort: bool) -> (ScriptedServer, Arc<Log>) {
    let log = Arc::new(Log::default());
    let server_log = log.clone();
    let config = tls.then(|| server_tls_config("localhost.pem", "localhost.key"));
    let server = ScriptedServer::bind("127.0.0.1:0", config, move |conn| {
        let mut answered = 0;
        while let Some(seen) = read_request(conn, &server_log) {
            if answered > 0 {
                // Close without a word.
                if abort {
                    conn.abort();
                }
                return;
            }
            ok(conn, &format!("answer to {}", seen.line));
            answered += 1;
        }
    })
    .unwrap();
    (server, log)
}

#[cfg(feature = "tls")]
fn tls_agent() -> plainwire::Agent {
    trusting_test_ca(builder()).build().unwrap()
}

#[cfg(feature = "tls")]
#[test]
fn over_tls_and_after_an_abrupt_close_too_a_get_is_retried_and_a_post_is_not() {
    for (tls, abort) in [(true, false), (true, true), (false, true)] {
        let case = format!("tls: {tls}, abort: {abort}");
        let (server, log) = closes_on_the_next_request_with(tls, abort);
        let agent = if tls { tls_agent() } else { agent() };
        assert!(agent.get(&server.url("/1")).send().unwrap().text().is_ok());
        let body = agent.get(&server.url("/2")).send().unwrap().text().unwrap();
        assert_eq!(body, "answer to GET /2 HTTP/1.1", "{case}");

        let err = agent
            .post(&server.url("/p"))
            .body("only-once")
            .send()
            .unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::EmptyReply | ErrorKind::ConnectionReset
            ),
            "{case}: {err:?}"
        );
        let lines = log.lines();
        let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
        assert_eq!(count("GET /2 "), 2, "{case}: {lines:?}");
        assert_eq!(count("POST /p "), 1, "{case}: {lines:?}");
        assert_eq!(server.connections(), 2, "{case}");
    }
}

#[cfg(feature = "tls")]
#[test]
fn over_tls_a_connection_the_server_closed_while_idle_is_not_used() {
    for abort in [false, true] {
        let log = Arc::new(Log::default());
        let server_log = log.clone();
        let server = ScriptedServer::start_tls(
            server_tls_config("localhost.pem", "localhost.key"),
            move |conn| {
                if let Some(seen) = read_request(conn, &server_log) {
                    ok(conn, &format!("answer to {}", seen.line));
                    if abort {
                        conn.abort();
                    } else {
                        conn.close();
                    }
                    server_log.closed.fetch_add(1, Ordering::SeqCst);
                }
            },
        );
        let agent = tls_agent();
        for i in 0..3 {
            let body = agent
                .get(&server.url(&format!("/g{i}")))
                .send()
                .unwrap()
                .text()
                .unwrap();
            assert_eq!(body, format!("answer to GET /g{i} HTTP/1.1"));
        }
        // Once the close has certainly arrived, even a POST is safe: it goes on a new
        // connection.
        assert!(wait_until(Duration::from_secs(5), || {
            log.closed.load(Ordering::SeqCst) == 3
        }));
        thread::sleep(Duration::from_millis(50));
        let body = agent
            .post(&server.url("/p"))
            .body("x")
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, "answer to POST /p HTTP/1.1");
        let requests = log.requests();
        assert_eq!(requests.len(), 4, "abort: {abort}");
        for (i, seen) in requests.iter().enumerate() {
            assert_eq!(seen.conn, i, "abort: {abort}: {requests:?}");
        }
    }
}

/// TLS 1.3 session tickets a server sends while the connection idles in the pool: enough
/// that reading them takes more socket reads than the reuse check allows an idle session
/// (`MAX_IDLE_READS`, 8, of at most 4 KiB each in rustls), few enough that a loopback socket
/// takes them all without the client reading. A ticket record is some 80 bytes: 600 make
/// about 48 KiB.
#[cfg(feature = "tls")]
const IDLE_TICKETS: usize = 600;

/// A server that keeps an idle connection busy with housekeeping, rather than data: the
/// reuse check reads a few records of it, then leaves the connection rather than read for
/// as long as the server sends (rustls takes any number of tickets, and no timeout bounds
/// that check, which must never wait).
#[cfg(feature = "tls")]
#[test]
fn over_tls_a_connection_the_server_keeps_busy_while_idle_is_not_reused() {
    use rustls::ServerConnection;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    use std::sync::mpsc;

    let config = {
        let mut config = (*server_tls_config("localhost.pem", "localhost.key")).clone();
        // The answer goes out with the server's Finished (0.5-RTT data), so the tickets,
        // which follow the client's Finished, come after it: the client has its answer
        // before they arrive, and the connection is in the pool when they do.
        config.send_half_rtt_data = true;
        config.send_tls13_tickets = IDLE_TICKETS;
        config.max_tls13_tickets = IDLE_TICKETS;
        Arc::new(config)
    };
    let answer = |body: &str| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tickets_sent, tickets_out) = mpsc::channel();
    let server = thread::spawn(move || {
        let serve = |tcp: &mut TcpStream, body: &str| -> std::io::Result<ServerConnection> {
            tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
            tcp.set_write_timeout(Some(Duration::from_secs(10)))?;
            // Every record out at once: the tickets are all with the client when we say so.
            tcp.set_nodelay(true)?;
            let closed = || std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
            let mut tls = ServerConnection::new(config.clone()).map_err(std::io::Error::other)?;
            // The ClientHello in, the server's flight and the answer out.
            while !tls.wants_write() {
                if tls.read_tls(tcp)? == 0 {
                    return Err(closed());
                }
                tls.process_new_packets().map_err(std::io::Error::other)?;
            }
            tls.writer().write_all(answer(body).as_bytes())?;
            while tls.wants_write() {
                tls.write_tls(tcp)?;
            }
            // The client's Finished and its request in; the tickets out.
            while tls.is_handshaking() {
                if tls.read_tls(tcp)? == 0 {
                    return Err(closed());
                }
                tls.process_new_packets().map_err(std::io::Error::other)?;
            }
            while tls.wants_write() {
                tls.write_tls(tcp)?;
            }
            Ok(tls)
        };
        let (mut first, _) = listener.accept().unwrap();
        let mut first_tls = serve(&mut first, "first").unwrap();
        tickets_sent.send(()).unwrap();
        // Whatever the client sends on the first connection from here is answered "reused".
        thread::spawn(move || {
            let mut plain = [0u8; 4096];
            while first_tls.read_tls(&mut first).is_ok_and(|n| n > 0) {
                if first_tls.process_new_packets().is_err() {
                    return;
                }
                if first_tls.reader().read(&mut plain).is_ok_and(|n| n > 0) {
                    let _ = first_tls.writer().write_all(answer("reused").as_bytes());
                    while first_tls.wants_write() {
                        if first_tls.write_tls(&mut first).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        // A new connection gets "fresh" (and tickets of its own, which no one reads); it stays
        // open until the client has read its answer.
        let (mut second, _) = listener.accept().unwrap();
        let _ = serve(&mut second, "fresh");
        second
    });

    let agent = trusting_test_ca(builder().resolve("localhost", port, [127, 0, 0, 1].into()))
        .build()
        .unwrap();
    let url = |path: &str| format!("https://localhost:{port}/{path}");
    let first = agent.get(&url("1")).send().unwrap().text().unwrap();
    assert_eq!(first, "first");
    tickets_out
        .recv_timeout(Duration::from_secs(10))
        .expect("the server sent its tickets");
    let second = agent.get(&url("2")).send().unwrap().text().unwrap();
    assert_eq!(second, "fresh", "the busy connection was reused");
    drop(server.join().unwrap());
}

#[test]
fn a_get_whose_reused_connection_closes_before_answering_is_retried_once() {
    let (server, log) = closes_on_the_next_request();
    let agent = agent();
    assert!(agent.get(&server.url("/1")).send().unwrap().text().is_ok());
    let body = agent.get(&server.url("/2")).send().unwrap().text().unwrap();
    assert_eq!(body, "answer to GET /2 HTTP/1.1");
    let requests = log.requests();
    let second: Vec<usize> = requests
        .iter()
        .filter(|s| s.line.starts_with("GET /2 "))
        .map(|s| s.conn)
        .collect();
    // Sent on the reused connection, then once more on a fresh one.
    assert_eq!(second, vec![0, 1], "{requests:?}");
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_put_is_idempotent_and_retried_with_its_body() {
    let (server, log) = closes_on_the_next_request();
    let agent = agent();
    assert!(agent.get(&server.url("/1")).send().unwrap().text().is_ok());
    let body = agent
        .put(&server.url("/item"))
        .body("put-body")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "answer to PUT /item HTTP/1.1");
    let puts: Vec<Seen> = log
        .requests()
        .into_iter()
        .filter(|s| s.line.starts_with("PUT"))
        .collect();
    assert_eq!(puts.len(), 2);
    assert!(puts.iter().all(|s| s.body == b"put-body"));
}

#[test]
fn a_large_put_whose_reused_connection_closes_while_awaiting_100_continue_is_retried() {
    // Answers the first request on each connection (with 100 Continue when asked); closes as
    // soon as it has read the head of a second one, so the client, waiting for 100 Continue,
    // sees the close before it has sent any of the body.
    let log = Arc::new(Log::default());
    let server_log = log.clone();
    let server = ScriptedServer::start(move |conn| {
        let mut answered = 0;
        loop {
            let head = conn.read_request_head();
            if head.is_empty() {
                return;
            }
            let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
            let line = text.lines().next().unwrap_or("").to_uppercase();
            if answered > 0 {
                server_log.requests.lock().unwrap().push(Seen {
                    conn: conn.index(),
                    line,
                    body: Vec::new(),
                });
                return;
            }
            let length: usize = text
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if text.contains("expect: 100-continue") {
                conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            let body = conn.read_exact_body(length);
            server_log.requests.lock().unwrap().push(Seen {
                conn: conn.index(),
                line: line.clone(),
                body,
            });
            ok(conn, &format!("answer to {line}"));
            answered += 1;
        }
    });
    let agent = agent();
    assert!(agent.get(&server.url("/1")).send().unwrap().text().is_ok());
    let big = vec![b'p'; 2 << 20];
    let resp = agent
        .put(&server.url("/big"))
        .body(big.clone())
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "answer to PUT /BIG HTTP/1.1");
    let puts: Vec<Seen> = log
        .requests()
        .into_iter()
        .filter(|s| s.line.starts_with("PUT"))
        .collect();
    assert_eq!(puts.len(), 2, "{:?}", log.lines());
    assert_eq!(puts[0].conn, 0);
    assert!(puts[0].body.is_empty());
    assert_eq!(puts[1].conn, 1);
    assert!(puts[1].body == big);
}

#[test]
fn a_post_whose_reused_connection_closes_before_answering_fails_and_is_sent_once() {
    let (server, log) = closes_on_the_next_request();
    let agent = agent();
    assert!(agent.get(&server.url("/1")).send().unwrap().text().is_ok());
    let err = agent
        .post(&server.url("/p"))
        .body("only-once")
        .send()
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::EmptyReply | ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
    let posts: Vec<Seen> = log
        .requests()
        .into_iter()
        .filter(|s| s.line.starts_with("POST"))
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body, b"only-once");
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_retry_happens_only_once() {
    // Answers the first request it ever sees; reads every later one and closes.
    let log = Arc::new(Log::default());
    let server_log = log.clone();
    let answered = Arc::new(AtomicUsize::new(0));
    let server = ScriptedServer::start(move |conn| {
        while let Some(seen) = read_request(conn, &server_log) {
            if answered.fetch_add(1, Ordering::SeqCst) > 0 {
                return;
            }
            ok(conn, &seen.line);
        }
    });
    let agent = agent();
    assert!(agent.get(&server.url("/1")).send().unwrap().text().is_ok());
    let err = agent.get(&server.url("/2")).send().unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::EmptyReply | ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
    let attempts = log
        .lines()
        .iter()
        .filter(|l| l.starts_with("GET /2 "))
        .count();
    assert_eq!(attempts, 2);
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_fresh_connection_that_closes_without_answering_is_not_retried() {
    let log = Arc::new(Log::default());
    let server_log = log.clone();
    let server = ScriptedServer::start(move |conn| {
        read_request(conn, &server_log);
    });
    let err = agent().get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::EmptyReply, "{err:?}");
    assert_eq!(log.requests().len(), 1);
    assert_eq!(server.connections(), 1);
}

// ---------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------

#[test]
fn eight_threads_share_one_agent_and_its_connections() {
    let server = Arc::new(HttpServer::start(|req| {
        Reply::text(format!("reply to {}", req.target))
    }));
    let agent = agent();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let agent = agent.clone();
            let server = server.clone();
            thread::spawn(move || {
                for i in 0..50 {
                    let target = format!("/t{t}/r{i}");
                    let body = agent
                        .get(&server.url(&target))
                        .send()
                        .unwrap()
                        .text()
                        .unwrap();
                    assert_eq!(body, format!("reply to {target}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(server.requests().len(), 400);
    let connections = server.connections();
    // At most one connection per thread can be busy at a time; a little slack for the
    // moment a connection is between its last body byte and the pool.
    assert!(connections <= 10, "{connections} connections");
    assert!(connections < 400);
    assert!(agent.idle_connections() <= 8);
}
