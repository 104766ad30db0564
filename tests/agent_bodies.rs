//! Request bodies (bytes, text, JSON, forms, streams, files, multipart), the caller's framing
//! fields, `Expect: 100-continue`, a range request, and the limits an agent puts on what a
//! server sends back.

mod support;
use support::*;

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plainwire::ErrorKind;

fn echo_server() -> HttpServer {
    HttpServer::start(|req| Reply::text(format!("{} bytes", req.body.len())))
}

fn last(server: &HttpServer) -> Request {
    server.requests().pop().expect("no request arrived")
}

// ---------------------------------------------------------------------------
// Sized bodies
// ---------------------------------------------------------------------------

#[test]
fn a_bytes_body_is_sent_exactly_with_its_length() {
    let server = echo_server();
    let body: Vec<u8> = (0..=255u8).chain([0, b'\r', b'\n', 0]).collect();
    let resp = agent()
        .post(&server.url("/"))
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "260 bytes");
    let req = last(&server);
    assert_eq!(req.body, body);
    assert_eq!(req.header("content-length"), Some("260"));
    assert!(!req.chunked);
    assert_eq!(req.header("expect"), None);
    assert_eq!(req.header("content-type"), None);
}

#[test]
fn a_string_body_is_sent_as_utf8() {
    let server = echo_server();
    agent()
        .put(&server.url("/"))
        .body("héllo wörld")
        .send()
        .unwrap();
    let req = last(&server);
    assert_eq!(req.method, "PUT");
    assert_eq!(req.body, "héllo wörld".as_bytes());
    assert_eq!(req.header("content-length"), Some("13"));

    agent()
        .patch(&server.url("/"))
        .body(String::from("owned"))
        .send()
        .unwrap();
    assert_eq!(last(&server).body, b"owned");
}

#[test]
fn an_empty_post_says_content_length_zero_and_a_get_says_nothing() {
    let server = echo_server();
    agent().post(&server.url("/")).send().unwrap();
    assert_eq!(last(&server).header("content-length"), Some("0"));
    agent().get(&server.url("/")).send().unwrap();
    let req = last(&server);
    assert_eq!(req.header("content-length"), None);
    assert_eq!(req.header("transfer-encoding"), None);
}

#[cfg(feature = "json")]
#[derive(serde::Serialize)]
struct Post<'a> {
    title: &'a str,
    id: u32,
    tags: Vec<&'a str>,
}

#[cfg(feature = "json")]
#[test]
fn a_json_body_is_exact_and_typed() {
    let server = echo_server();
    let post = Post {
        title: "hé \"quoted\"",
        id: 7,
        tags: vec!["a", "b"],
    };
    agent()
        .post(&server.url("/"))
        .json(&post)
        .unwrap()
        .send()
        .unwrap();
    let req = last(&server);
    let expected = r#"{"title":"hé \"quoted\"","id":7,"tags":["a","b"]}"#.as_bytes();
    assert_eq!(req.body, expected, "{}", req.body_text());
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header_all("content-type").len(), 1);
    assert_eq!(
        req.header("content-length"),
        Some(expected.len().to_string().as_str())
    );

    // A Content-Type set by the caller is kept, and not doubled.
    agent()
        .post(&server.url("/"))
        .header("Content-Type", "application/vnd.api+json")
        .json(&serde_json::json!({"k": [1, 2]}))
        .unwrap()
        .send()
        .unwrap();
    let req = last(&server);
    assert_eq!(req.body, br#"{"k":[1,2]}"#);
    assert_eq!(
        req.header_all("content-type"),
        vec![&b"application/vnd.api+json"[..]]
    );
}

#[test]
fn a_form_body_is_urlencoded_exactly() {
    let server = echo_server();
    agent()
        .post(&server.url("/"))
        .form(&[
            ("name", "Jane Doe"),
            ("q", "a&b=c/d?"),
            ("ü", "~*-._"),
            ("", ""),
        ])
        .send()
        .unwrap();
    let req = last(&server);
    assert_eq!(
        req.body_text(),
        "name=Jane+Doe&q=a%26b%3Dc%2Fd%3F&%C3%BC=%7E*-._&="
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(req.header("content-length"), Some("49"));
}

// ---------------------------------------------------------------------------
// Streamed bodies and 100-continue
// ---------------------------------------------------------------------------

/// The byte at `offset` of a deterministic, non-repeating-looking test stream.
fn pattern(offset: usize) -> u8 {
    let x = offset as u64;
    ((x * 31 + (x >> 8) * 7 + (x >> 16) * 13) % 251) as u8
}

/// A reader of `len` pattern bytes that hands them out in uneven pieces.
struct PatternReader {
    offset: usize,
    len: usize,
    reads: usize,
}

impl Read for PatternReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.reads += 1;
        let piece = [1, 7000, 65536, 100_000, 3][self.reads % 5];
        let n = out.len().min(piece).min(self.len - self.offset);
        for (i, byte) in out[..n].iter_mut().enumerate() {
            *byte = pattern(self.offset + i);
        }
        self.offset += n;
        Ok(n)
    }
}

#[test]
fn a_ten_mebibyte_stream_arrives_byte_for_byte_in_chunks_after_100_continue() {
    const LEN: usize = 10 << 20;
    let server = HttpServer::start(|req| {
        let wrong = req
            .body
            .iter()
            .enumerate()
            .position(|(i, &b)| b != pattern(i));
        Reply::text(format!("{} bytes, first wrong: {wrong:?}", req.body.len()))
    });
    let resp = agent()
        .post(&server.url("/upload"))
        .header("Content-Type", "application/octet-stream")
        .body_reader(PatternReader {
            offset: 0,
            len: LEN,
            reads: 0,
        })
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.text().unwrap(),
        format!("{LEN} bytes, first wrong: None")
    );
    let req = last(&server);
    assert!(req.chunked);
    assert_eq!(req.header("transfer-encoding"), Some("chunked"));
    assert_eq!(req.header("content-length"), None);
    assert_eq!(req.header("expect"), Some("100-continue"));
    assert_eq!(req.header("content-type"), Some("application/octet-stream"));
    assert!(req.trailers.is_empty());
}

#[test]
fn an_empty_stream_is_one_last_chunk() {
    let server = echo_server();
    let resp = agent()
        .post(&server.url("/"))
        .body_reader(std::io::empty())
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "0 bytes");
    let req = last(&server);
    assert!(req.chunked);
    assert!(
        req.raw.ends_with(b"\r\n\r\n0\r\n\r\n"),
        "{:?}",
        String::from_utf8_lossy(&req.raw)
    );
}

#[test]
fn a_failing_body_reader_is_an_io_error() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let server = echo_server();
    let err = fails_as_io(agent().post(&server.url("/")).body_reader(Failing));
    assert!(err.to_string().contains("disk on fire"), "{err}");
}

#[test]
fn only_a_sized_body_over_a_mebibyte_asks_for_100_continue() {
    let server = echo_server();
    let agent = agent();
    let big = vec![b'b'; (1 << 20) + 1];
    let resp = agent
        .post(&server.url("/"))
        .body(big.clone())
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), format!("{} bytes", big.len()));
    let req = last(&server);
    assert_eq!(req.header("expect"), Some("100-continue"));
    assert_eq!(
        req.header("content-length"),
        Some(big.len().to_string().as_str())
    );
    assert!(!req.chunked);
    assert!(req.body == big);

    let exactly = vec![b'e'; 1 << 20];
    agent.post(&server.url("/")).body(exactly).send().unwrap();
    assert_eq!(last(&server).header("expect"), None);
    // The connection stayed in step through both.
    assert_eq!(server.connections(), 1);
}

/// Per connection: the request head, and how many bytes arrived after the refusal.
type Refusals = Arc<Mutex<Vec<(String, usize)>>>;

/// A server that refuses any body at once, without reading it, and records how many body
/// bytes arrive afterwards (until the client closes the connection).
fn refuses_bodies() -> (ScriptedServer, Refusals) {
    refuses_bodies_after(b"")
}

/// [`refuses_bodies`], with `before` (a `100 Continue`, say) in the same write as the 413.
fn refuses_bodies_after(before: &'static [u8]) -> (ScriptedServer, Refusals) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = ScriptedServer::start(move |conn| {
        let head = conn.read_request_head();
        if head.is_empty() {
            return;
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let refusal = b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\n\r\ntoo big!";
        conn.write_all(&[before, &refusal[..]].concat());
        conn.set_read_timeout(Some(Duration::from_secs(5)));
        let after = conn.read_to_end().len();
        log.lock().unwrap().push((head, after));
    });
    (server, seen)
}

#[test]
fn a_413_before_100_continue_is_returned_and_the_sized_body_never_sent() {
    // Alone, or right behind a 100: the server says go on and refuses in the same breath.
    // Sent then, the body would reach it as the next request, and its answer to that would
    // wait on the connection for the next caller.
    for before in [&b""[..], b"HTTP/1.1 100 Continue\r\n\r\n"] {
        let (server, seen) = refuses_bodies_after(before);
        let agent = agent();
        let resp = agent
            .post(&server.url("/"))
            .body(vec![b'x'; 2 << 20])
            .send()
            .unwrap();
        assert_eq!(resp.status(), 413);
        assert_eq!(resp.text().unwrap(), "too big!");
        // The connection's state is unknown, so it is closed, not pooled.
        assert_eq!(agent.idle_connections(), 0);
        assert!(wait_until(Duration::from_secs(8), || seen
            .lock()
            .unwrap()
            .len()
            == 1));
        let (head, after) = seen.lock().unwrap()[0].clone();
        assert!(
            head.to_ascii_lowercase().contains("expect: 100-continue"),
            "{head}"
        );
        assert_eq!(after, 0, "body bytes were sent after the 413");
    }
}

#[test]
fn line_ends_or_an_interim_head_behind_100_continue_still_send_the_body() {
    // A stray CRLF after the 100, or a 103 right behind it with nothing after: the server is
    // waiting for the body, not answering without it.
    for behind in [
        &b"\r\n"[..],
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n",
    ] {
        let server = ScriptedServer::start(move |conn| {
            if conn.read_request_head().is_empty() {
                return;
            }
            conn.write_all(&[&b"HTTP/1.1 100 Continue\r\n\r\n"[..], behind].concat());
            let body = conn.read_exact_body(5);
            conn.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",
                    String::from_utf8_lossy(&body)
                )
                .as_bytes(),
            );
        });
        let agent = builder()
            .head_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let resp = agent
            .post(&server.url("/"))
            .expect_continue(plainwire::ExpectContinue::Always)
            .body("hello")
            .send()
            .unwrap();
        assert_eq!(resp.text().unwrap(), "hello");
    }
}

#[test]
fn a_413_before_100_continue_is_returned_and_the_stream_never_read() {
    struct Watched(Arc<AtomicBool>);
    impl Read for Watched {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.0.store(true, Ordering::SeqCst);
            out[0] = b'!';
            Ok(1)
        }
    }
    let (server, seen) = refuses_bodies();
    let touched = Arc::new(AtomicBool::new(false));
    let resp = agent()
        .post(&server.url("/"))
        .body_reader(Watched(touched.clone()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 413);
    drop(resp);
    assert!(!touched.load(Ordering::SeqCst), "the body was read");
    assert!(wait_until(Duration::from_secs(8), || seen
        .lock()
        .unwrap()
        .len()
        == 1));
    assert_eq!(seen.lock().unwrap()[0].1, 0);
}

#[test]
fn an_answer_sent_before_the_server_closed_on_a_body_is_returned() {
    // Without Expect, the body goes out at once; the server answers 413 and closes without
    // reading it, which resets the connection under the client's writes. The answer is what the
    // caller needs, not the reset (curl and urllib3 read it too).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let answer = b"HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 8\r\n\r\ntoo big!";
        std::io::Write::write_all(&mut conn, answer).unwrap();
        // Closed with the body unread: the kernel answers the client's writes with a reset.
    });
    let agent = agent();
    let resp = agent
        .post(&url)
        .expect_continue(plainwire::ExpectContinue::Never)
        .body(vec![b'x'; 16 << 20])
        .send()
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.text().unwrap(), "too big!");
    assert_eq!(agent.idle_connections(), 0);
}

/// A server that reads one request's head, then writes with `answer` (given the connection and
/// a receiver that ends when the test lets go) and reads nothing more, keeping the connection
/// open: our body writes wait until their timeout. Its URL, and the sender to drop at the end.
fn stops_reading_after_the_head(
    answer: impl FnOnce(&mut std::net::TcpStream, &std::sync::mpsc::Receiver<()>) + Send + 'static,
) -> (String, std::sync::mpsc::Sender<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (done, held) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        answer(&mut conn, &held);
        // Open, unread, until the test is over.
        let _ = held.recv();
    });
    (url, done)
}

/// A 64 MiB upload (more than loopback's socket buffers hold) to `url`, on an agent whose
/// writes time out after 500 ms (and whose heads after 2 s); the agent, and what it got.
fn upload_to_a_server_that_stopped_reading(
    url: &str,
) -> (plainwire::Agent, plainwire::Result<plainwire::Response>) {
    let agent = builder()
        .write_timeout(Duration::from_millis(500))
        .head_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let got = agent
        .post(url)
        .expect_continue(plainwire::ExpectContinue::Never)
        .body(vec![b'x'; 64 << 20])
        .send();
    (agent, got)
}

#[test]
fn an_answer_sent_before_the_server_stopped_reading_a_body_is_returned() {
    // The server answers 413 and reads no more, keeping the connection open: our writes wait
    // until the write timeout. The answer has been there all along; it is returned then,
    // rather than the timeout (curl returns it at once, watching the socket both ways).
    let (url, done) = stops_reading_after_the_head(|conn, _| {
        let answer = b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\n\r\ntoo big!";
        std::io::Write::write_all(conn, answer).unwrap();
    });
    let (agent, got) = upload_to_a_server_that_stopped_reading(&url);
    let resp = got.unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.text().unwrap(), "too big!");
    assert_eq!(agent.idle_connections(), 0);
    drop(done);
}

#[test]
fn a_2xx_before_the_server_stopped_reading_a_body_is_no_answer() {
    // The upload did not go through: a 200 sent before it stalled would report a cut upload
    // as a success. The write's timeout is the error.
    let (url, done) = stops_reading_after_the_head(|conn, _| {
        let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        std::io::Write::write_all(conn, answer).unwrap();
    });
    let err = upload_to_a_server_that_stopped_reading(&url).1.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    drop(done);
}

#[test]
fn an_early_answer_dripped_after_a_write_timeout_is_held_to_the_head_timeout() {
    // Read after the body stopped going out, it is a head like any other: a server that
    // drips it a byte at a time stays under each silence's limit, but not the head timeout.
    let (url, done) = stops_reading_after_the_head(|conn, held| {
        for byte in b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n" {
            let over = held.recv_timeout(Duration::from_millis(300)).is_ok();
            if over || std::io::Write::write_all(conn, &[*byte]).is_err() {
                break;
            }
        }
    });
    let err = upload_to_a_server_that_stopped_reading(&url).1.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    drop(done);
}

#[test]
fn a_server_that_never_sends_100_gets_the_body_after_a_wait() {
    // (Expect sent, wait between head and first body byte, body)
    let timing = Arc::new(Mutex::new(None));
    let log = timing.clone();
    let server = ScriptedServer::start(move |conn| {
        let head = conn.read_request_head();
        if head.is_empty() {
            return;
        }
        let head_at = Instant::now();
        let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let mut body = conn.read_exact_body(1);
        let body_at = Instant::now();
        body.extend(conn.read_exact_body(length - 1));
        let reply = format!("{} bytes", body.len());
        // Logged before answering, so the client finds it once it has the answer.
        *log.lock().unwrap() = Some((
            head.contains("expect: 100-continue"),
            body_at - head_at,
            body,
        ));
        conn.write_all(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{reply}",
                reply.len()
            )
            .as_bytes(),
        );
    });
    let body: Vec<u8> = (0..(3 << 19)).map(pattern).collect();
    let resp = agent()
        .post(&server.url("/"))
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), format!("{} bytes", body.len()));
    let (expected, waited, received) = timing.lock().unwrap().take().unwrap();
    assert!(expected);
    assert!(received == body);
    // The client waited for a 100 that never came (about a second) before sending. A lower
    // bound only: a slow machine can only make the wait longer.
    assert!(
        waited >= Duration::from_millis(500),
        "sent after {waited:?}"
    );
}

#[test]
fn a_server_that_never_sends_100_gets_the_body_when_the_read_timeout_is_short() {
    // The wait for 100 ends at the read timeout, which is then also the head timeout: a silence
    // that long still sends the body, and is not the head timeout running out.
    let server = ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        let body = conn.read_exact_body(4);
        let reply = format!("got {}", String::from_utf8_lossy(&body));
        conn.write_all(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{reply}",
                reply.len()
            )
            .as_bytes(),
        );
    });
    let resp = agent()
        .post(&server.url("/"))
        .read_timeout(Duration::from_millis(300))
        .expect_continue(plainwire::ExpectContinue::Always)
        .body("data")
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "got data");
}

#[test]
fn a_body_from_an_opener_is_sent_again_after_a_307() {
    let server = HttpServer::start(|req| match req.path() {
        "/old" => Reply::new(307).header("Location", "/new"),
        _ => Reply::text(String::from_utf8_lossy(&req.body).into_owned()),
    });
    let opened = Arc::new(Mutex::new(0));
    let count = Arc::clone(&opened);
    let resp = agent()
        .put(&server.url("/old"))
        .body_reopen(Some(5), move || {
            *count.lock().unwrap() += 1;
            Ok(&b"hello"[..])
        })
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "hello");
    assert_eq!(*opened.lock().unwrap(), 2);
    let requests = server.requests();
    assert_eq!(requests[0].header("content-length"), Some("5"));
    assert_eq!(requests[1].body, b"hello");

    // An opener that fails fails the call.
    let err = agent()
        .put(&server.url("/new"))
        .body_reopen(None, || -> std::io::Result<&[u8]> {
            Err(std::io::Error::other("no such report"))
        })
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
}

#[test]
fn an_unasked_101_during_the_continue_wait_is_an_error() {
    // After a 101 the connection speaks another protocol: what follows is not our answer,
    // whether it comes while we wait for 100 Continue or after the body.
    let server = ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\
              HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        );
    });
    let err = agent()
        .post(&server.url("/"))
        .expect_continue(plainwire::ExpectContinue::Always)
        .body("data")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(err.to_string().contains("switched protocols"), "{err}");
}

#[test]
fn a_request_that_got_an_interim_head_while_waiting_is_not_sent_again() {
    // On a reused connection, a request that fails before any answer may be sent again on a
    // new one: the server may have closed the connection before it saw ours. A 103 says the
    // server saw it, so the request must not go out twice, even while we wait for 100.
    let server = ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(b"HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n");
    });
    let agent = agent();
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
    let err = agent
        .put(&server.url("/"))
        .expect_continue(plainwire::ExpectContinue::Always)
        .body("data")
        .send()
        .unwrap_err();
    assert_ne!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(
        server.connections(),
        1,
        "sent again on a new connection: {err}"
    );
}

// ---------------------------------------------------------------------------
// Limits on what comes back
// ---------------------------------------------------------------------------

fn response_with_header_of(size: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nX-Big: {}\r\nContent-Length: 2\r\n\r\nok",
        "a".repeat(size)
    )
    .into_bytes()
}

#[test]
fn max_head_size_bounds_the_response_head() {
    let agent = builder().max_head_size(1024).build().unwrap();
    let big = ScriptedServer::respond_with(response_with_header_of(2000));
    let err = agent.get(&big.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(err.to_string().contains("1024"), "{err}");

    let small = ScriptedServer::respond_with(response_with_header_of(500));
    assert_eq!(
        agent.get(&small.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
    // The default limit (64 KiB) takes the 2000-byte header.
    assert_eq!(
        self::agent()
            .get(&big.url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap(),
        "ok"
    );
}

#[test]
fn empty_lines_before_the_status_line_count_against_the_head_not_the_body() {
    // The empty lines are the head's, the bytes after the head the body's: a large body that
    // comes in the first reads with them is no head over its limit.
    let mut response = b"\r\n".to_vec();
    response.extend(response_with_header_of(40_000));
    response.truncate(response.len() - 2); // the "ok" body, replaced:
    let head_end = response.len();
    let body = vec![b'b'; 100_000];
    let mut whole = String::from_utf8(response[..head_end].to_vec()).unwrap();
    whole = whole.replace("Content-Length: 2", "Content-Length: 100000");
    let mut bytes = whole.into_bytes();
    bytes.extend(&body);
    let server = ScriptedServer::respond_with(bytes);
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.bytes().unwrap().len(), 100_000);

    // A server that sends only an empty line and closes sent something: not an empty reply
    // (which a reused connection's request may be sent again for).
    let server = ScriptedServer::respond_with(&b"\r\n"[..]);
    let err = agent().get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}

#[test]
fn a_reset_after_empty_lines_is_no_empty_reply_to_send_again() {
    // On a reused connection, a request that got nothing before a reset may be sent again on a
    // new one. Empty lines before a status line are something: the server saw the request.
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(Mutex::new(0));
    let count = Arc::clone(&connections);
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { return };
            *count.lock().unwrap() += 1;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut writer = stream;
            let mut read_head = || {
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        return;
                    }
                }
            };
            read_head();
            if n > 0 {
                let _ = writer.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
                continue;
            }
            let _ = writer.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            read_head();
            let _ = writer.write_all(b"\r\n\r\n");
            std::thread::sleep(Duration::from_millis(100));
            let _ = socket2::SockRef::from(&writer).set_linger(Some(Duration::ZERO));
            drop((writer, reader));
        }
    });
    let url = format!("http://127.0.0.1:{port}/");
    let agent = agent();
    assert_eq!(agent.get(&url).send().unwrap().text().unwrap(), "ok");
    let second = agent.get(&url).send();
    assert!(
        second.is_err(),
        "sent again: {:?}",
        second.map(|r| r.status())
    );
    assert_eq!(*connections.lock().unwrap(), 1);
}

#[test]
fn a_head_larger_than_the_default_limit_is_refused() {
    let huge = ScriptedServer::respond_with(response_with_header_of(100 * 1024));
    let err = agent().get(&huge.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(err.to_string().contains("65536"), "{err}");
}

fn response_with_headers(count: usize) -> Vec<u8> {
    let mut out = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..count {
        out.push_str(&format!("X-H{i}: {i}\r\n"));
    }
    out.push_str("Content-Length: 2\r\n\r\nok");
    out.into_bytes()
}

#[test]
fn max_headers_bounds_the_number_of_fields() {
    let agent = builder().max_headers(5).build().unwrap();
    let many = ScriptedServer::respond_with(response_with_headers(10));
    let err = agent.get(&many.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(err.to_string().contains("5 header fields"), "{err}");

    // Four of ours and Content-Length make five.
    let few = ScriptedServer::respond_with(response_with_headers(4));
    let resp = agent.get(&few.url("/")).send().unwrap();
    assert_eq!(resp.header("x-h3"), Some("3"));
    assert_eq!(resp.text().unwrap(), "ok");

    let lots = ScriptedServer::respond_with(response_with_headers(150));
    let agent = builder().max_headers(200).build().unwrap();
    assert_eq!(
        agent
            .get(&lots.url("/"))
            .send()
            .unwrap()
            .headers_all("x-h149"),
        vec!["149"]
    );
}

#[test]
fn five_hundred_small_fields_are_accepted_by_default() {
    // 499 of ours and Content-Length: 500 fields, 7 KB.
    let response = response_with_headers(499);
    assert!(response.len() < 8 * 1024);
    let server = ScriptedServer::respond_with(response);
    let resp = builder()
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap();
    assert_eq!(resp.headers().len(), 500);
    assert_eq!(resp.header("x-h498"), Some("498"));
    assert_eq!(resp.text().unwrap(), "ok");
}

#[test]
fn max_body_size_bounds_bytes_text_and_json() {
    let server = HttpServer::start(|req| {
        let n: usize = req.path()[1..].parse().unwrap();
        let body = "7".repeat(n);
        if req.query() == Some("chunked") {
            Reply::new(200)
                .header("Transfer-Encoding", "chunked")
                .body(format!("{n:x}\r\n{body}\r\n0\r\n\r\n"))
        } else {
            Reply::new(200).body(body)
        }
    });
    let agent = builder().max_body_size(100).build().unwrap();

    assert_eq!(
        agent
            .get(&server.url("/100"))
            .send()
            .unwrap()
            .text()
            .unwrap()
            .len(),
        100
    );
    assert_eq!(
        agent
            .get(&server.url("/100?chunked"))
            .send()
            .unwrap()
            .bytes()
            .unwrap()
            .len(),
        100
    );
    for url in [server.url("/101"), server.url("/101?chunked")] {
        let err = agent.get(&url).send().unwrap().bytes().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{url}: {err:?}");
        let err = agent.get(&url).send().unwrap().text().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{url}: {err:?}");
        #[cfg(feature = "json")]
        {
            let err = agent
                .get(&url)
                .send()
                .unwrap()
                .json::<serde_json::Value>()
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{url}: {err:?}");
        }
    }

    // Streaming reads are not bounded by it.
    let mut streamed = Vec::new();
    agent
        .get(&server.url("/5000?chunked"))
        .send()
        .unwrap()
        .read_to_end(&mut streamed)
        .unwrap();
    assert_eq!(streamed.len(), 5000);

    // A limit on the response itself wins.
    let err = agent
        .get(&server.url("/50"))
        .send()
        .unwrap()
        .limit_body(10)
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    let body = agent
        .get(&server.url("/1000"))
        .send()
        .unwrap()
        .limit_body(1000)
        .bytes()
        .unwrap();
    assert_eq!(body.len(), 1000);
}

// ---------------------------------------------------------------------------
// Sized streams, files and the caller's Content-Length
// ---------------------------------------------------------------------------

#[test]
fn a_sized_stream_goes_out_with_its_length_not_chunked() {
    let server = echo_server();
    let body: Vec<u8> = (0..200_000).map(pattern).collect();
    let resp = agent()
        .put(&server.url("/object"))
        .body_reader_sized(std::io::Cursor::new(body.clone()), body.len() as u64)
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "200000 bytes");
    let req = last(&server);
    assert!(!req.chunked);
    assert_eq!(req.header("content-length"), Some("200000"));
    assert_eq!(req.header("transfer-encoding"), None);
    // 200 kB is under curl's 1 MiB: no Expect.
    assert_eq!(req.header("expect"), None);
    assert!(req.body == body);
}

#[test]
fn the_callers_content_length_sizes_a_stream() {
    let server = echo_server();
    agent()
        .put(&server.url("/"))
        .header("Content-Length", "11")
        .body_reader(&b"hello world"[..])
        .send()
        .unwrap();
    let req = last(&server);
    assert!(!req.chunked);
    assert_eq!(req.header_all("content-length"), vec![&b"11"[..]]);
    assert_eq!(req.body, b"hello world");
}

#[test]
fn a_content_length_that_disagrees_with_the_body_fails_before_connecting() {
    let server = echo_server();
    let err = agent()
        .post(&server.url("/"))
        .header("Content-Length", "4")
        .body("abc")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(
        err.to_string().contains("says 4 bytes, but its body has 3"),
        "{err}"
    );
    let err = agent()
        .put(&server.url("/"))
        .header("Content-Length", "4")
        .body_reader_sized(&b"abc"[..], 3)
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.connections(), 0);
}

#[test]
fn the_callers_transfer_encoding_chunked_sends_bytes_chunked() {
    let server = echo_server();
    agent()
        .post(&server.url("/"))
        .header("Transfer-Encoding", "chunked")
        .body("hello")
        .send()
        .unwrap();
    let req = last(&server);
    assert!(req.chunked);
    assert_eq!(req.header("content-length"), None);
    assert_eq!(req.header_all("transfer-encoding"), vec![&b"chunked"[..]]);
    assert!(
        req.raw.ends_with(b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        "{:?}",
        String::from_utf8_lossy(&req.raw)
    );
}

/// Per connection: the request head, and every byte that followed it until the client closed.
type Uploads = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A server that records what it receives and never answers: the client must end the
/// connection itself.
fn records_uploads() -> (ScriptedServer, Uploads) {
    let seen: Uploads = Arc::default();
    let log = seen.clone();
    let server = ScriptedServer::start(move |conn| {
        let head = conn.read_request_head();
        if head.is_empty() {
            return;
        }
        let rest = conn.read_to_end();
        log.lock()
            .unwrap()
            .push((String::from_utf8_lossy(&head).into_owned(), rest));
    });
    (server, seen)
}

/// Sends `request`, whose body's source fails or breaks its promise, and returns the error,
/// checked to be the body's (`Io`), not the server's.
fn fails_as_io(request: plainwire::RequestBuilder) -> plainwire::Error {
    let err = request.send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err:?}");
    err
}

#[test]
fn a_sized_upload_cut_short_is_an_error_and_never_a_complete_request() {
    let (server, seen) = records_uploads();
    let err = fails_as_io(
        agent()
            .put(&server.url("/"))
            .body_reader_sized(std::io::repeat(b'x').take(10_000), 100_000),
    );
    assert!(
        err.to_string().contains("after 10000 of the 100000 bytes")
            && err.to_string().contains("90000 bytes missing"),
        "{err}"
    );
    assert!(wait_until(Duration::from_secs(8), || seen
        .lock()
        .unwrap()
        .len()
        == 1));
    let (head, body) = seen.lock().unwrap()[0].clone();
    assert!(head.contains("Content-Length: 100000"), "{head}");
    assert_eq!(body.len(), 10_000, "the server got a complete request");
}

#[test]
fn a_sized_upload_with_extra_bytes_is_an_error_and_never_a_complete_request() {
    let (server, seen) = records_uploads();
    let err = fails_as_io(
        agent()
            .put(&server.url("/"))
            .body_reader_sized(std::io::repeat(b'x').take(100_001), 100_000),
    );
    assert!(
        err.to_string().contains("more than the 100000 bytes"),
        "{err}"
    );
    assert!(wait_until(Duration::from_secs(8), || seen
        .lock()
        .unwrap()
        .len()
        == 1));
    let body_len = seen.lock().unwrap()[0].1.len();
    assert!(
        body_len < 100_000,
        "the server got {body_len} bytes: a whole body"
    );
}

#[test]
fn a_body_sized_zero_with_bytes_is_an_error_before_the_head_goes() {
    // A Content-Length of 0 makes the head the whole request: the extra bytes must be found
    // before it goes, since nothing can be held back after it.
    let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let log = seen.clone();
    let server = ScriptedServer::start(move |conn| {
        let bytes = conn.read_to_end();
        log.lock().unwrap().push(bytes);
    });
    let err = fails_as_io(
        agent()
            .put(&server.url("/"))
            .body_reader_sized(&b"data"[..], 0),
    );
    assert!(err.to_string().contains("declared a length of 0"), "{err}");
    assert!(wait_until(Duration::from_secs(8), || seen
        .lock()
        .unwrap()
        .len()
        == 1));
    let sent = seen.lock().unwrap()[0].clone();
    assert_eq!(
        String::from_utf8_lossy(&sent),
        "",
        "the server got a request"
    );
    // An empty source sized zero is an empty body, and, nothing taken from it, it can be
    // sent again: a 307 is followed (as a dropped kept-alive connection is retried).
    let server = HttpServer::start(|req| match req.path() {
        "/old" => Reply::new(307).header("Location", "/new"),
        _ => Reply::text(format!("{} bytes", req.body.len())),
    });
    let resp = agent()
        .put(&server.url("/old"))
        .body_reader_sized(&b""[..], 0)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().unwrap(), "0 bytes");
}

#[test]
fn a_body_source_that_fails_with_another_transfers_error_is_an_io_error() {
    // Streaming one download into an upload: the download is cut short. That is the upload's
    // source failing (Io), not this request's response being truncated.
    let download = ScriptedServer::start(|conn| {
        if !conn.read_request_head().is_empty() {
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
        }
    });
    let (upload, _) = records_uploads();
    let source = agent()
        .get(&download.url("/"))
        .send()
        .unwrap()
        .into_reader();
    let err = fails_as_io(agent().put(&upload.url("/")).body_reader(source));
    assert!(
        err.to_string().contains("reading the request body failed"),
        "{err}"
    );
}

#[test]
fn a_callers_opener_may_be_slower_than_the_floor_for_our_own_bodies() {
    // A reader paced at 500 bytes a second (the CLI's --limit-rate 500): plainwire holds its
    // own bodies to 1 KiB/s over the write timeout, but this slowness is the caller's choice.
    struct Paced(usize);
    impl Read for Paced {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.min(buf.len()).min(10);
            if n > 0 {
                std::thread::sleep(Duration::from_millis(20));
            }
            buf[..n].fill(b'p');
            self.0 -= n;
            Ok(n)
        }
    }
    let server = echo_server();
    let agent = builder()
        .write_timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap();
    let resp = agent
        .put(&server.url("/"))
        .body_reopen(Some(300), || Ok(Paced(300)))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(last(&server).body.len(), 300);
}

/// A file in a directory of its own, removed on drop.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let dir =
            std::env::temp_dir().join(format!("plainwire-bodies-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn a_file_body_is_streamed_with_its_size() {
    let contents: Vec<u8> = (0..300_000).map(pattern).collect();
    let file = TempFile::new("upload.bin", &contents);
    let server = echo_server();
    agent()
        .put(&server.url("/"))
        .body_file(&file.0)
        .send()
        .unwrap();
    let req = last(&server);
    assert!(!req.chunked);
    assert_eq!(req.header("content-length"), Some("300000"));
    assert!(req.body == contents);

    let err = agent()
        .put(&server.url("/"))
        .body_file(file.0.with_file_name("missing.bin"))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("missing.bin"), "{err}");
    assert_eq!(server.connections(), 1);
}

// ---------------------------------------------------------------------------
// Multipart forms
// ---------------------------------------------------------------------------

#[test]
fn a_multipart_form_of_known_parts_has_exact_bytes_and_a_content_length() {
    use plainwire::multipart::{Form, Part};
    let file = TempFile::new("notes.txt", b"line one\nline two\n");
    let server = echo_server();
    let form = Form::new()
        .text("title", "Holiday")
        .part(
            "photo",
            Part::bytes(vec![0x89, b'P', b'N', b'G', b'\r', b'\n']).file_name("beach.png"),
        )
        .file("notes", &file.0)
        .unwrap();
    let b = form.boundary().to_string();
    let mut expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHoliday\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"beach.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&[0x89, b'P', b'N', b'G', b'\r', b'\n']);
    expected.extend_from_slice(
        format!(
            "\r\n--{b}\r\nContent-Disposition: form-data; name=\"notes\"; filename=\"notes.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nline one\nline two\n\r\n\
             --{b}--\r\n"
        )
        .as_bytes(),
    );
    agent()
        .post(&server.url("/upload"))
        .header("Content-Type", "text/plain")
        .multipart(form)
        .send()
        .unwrap();
    let req = last(&server);
    assert!(!req.chunked);
    assert_eq!(
        req.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
    // The form's type, with its boundary, replaces the one set earlier.
    assert_eq!(
        req.header_all("content-type"),
        vec![format!("multipart/form-data; boundary={b}").as_bytes()]
    );
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        String::from_utf8_lossy(&expected)
    );
    assert!(req.body == expected);
}

#[test]
fn a_multipart_form_with_a_reader_of_unknown_length_goes_chunked() {
    use plainwire::multipart::{Form, Part};
    let server = echo_server();
    let form = Form::new()
        .text("k", "v")
        .part("log", Part::reader(&b"streamed\n"[..]).file_name("app.txt"));
    let b = form.boundary().to_string();
    agent()
        .post(&server.url("/"))
        .multipart(form)
        .send()
        .unwrap();
    let req = last(&server);
    assert!(req.chunked);
    assert_eq!(req.header("content-length"), None);
    assert_eq!(
        req.body_text(),
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"log\"; filename=\"app.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nstreamed\n\r\n\
             --{b}--\r\n"
        )
    );
}

#[test]
fn a_mistake_in_a_form_fails_before_connecting() {
    use plainwire::multipart::Form;
    let server = echo_server();
    let err = agent()
        .post(&server.url("/"))
        .multipart(Form::new().text("bad\r\nname", "v"))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_307_is_followed_with_a_form_of_bytes_and_returned_with_a_form_of_readers() {
    use plainwire::multipart::{Form, Part};
    let server = HttpServer::start(|req| match req.path() {
        "/old" => Reply::new(307).header("Location", "/new"),
        _ => Reply::text(format!("{} bytes", req.body.len())),
    });
    let form = Form::new().part("a", Part::bytes(b"bytes".to_vec()));
    let resp = agent()
        .post(&server.url("/old"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].body == requests[1].body);

    let form = Form::new().part("a", Part::reader(&b"once"[..]));
    let resp = agent()
        .post(&server.url("/old"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 307);
}

#[test]
fn a_form_with_a_file_part_that_is_not_a_regular_file_is_sent_once() {
    // A pipe or a device gives its bytes once: opened again for a 307, a pipe would give
    // nothing (or block until another writer came). So the form cannot be sent again, as a
    // reader cannot, and the 307 is returned. /dev/null stands for them here: it is read
    // without blocking, and a second opening would be followed as a regular file is.
    use plainwire::multipart::Form;
    let server = HttpServer::start(|req| match req.path() {
        "/old" => Reply::new(307).header("Location", "/new"),
        _ => Reply::text("taken"),
    });
    let form = Form::new().text("a", "1").file("f", "/dev/null").unwrap();
    let resp = agent()
        .post(&server.url("/old"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 307);
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------
// The Expect rule
// ---------------------------------------------------------------------------

#[test]
fn expect_follows_the_agents_rule_and_the_requests() {
    use plainwire::ExpectContinue;
    let server = echo_server();
    let expect = |req: &Request| req.header("expect").map(str::to_string);

    // The default: a stream of unknown length asks, a small sized one does not.
    agent()
        .put(&server.url("/"))
        .body_reader(&b"abc"[..])
        .send()
        .unwrap();
    assert_eq!(expect(&last(&server)).as_deref(), Some("100-continue"));
    agent()
        .put(&server.url("/"))
        .body_reader_sized(&b"abc"[..], 3)
        .send()
        .unwrap();
    assert_eq!(expect(&last(&server)), None);

    // An agent that never asks; a request of its that always does.
    let never = builder()
        .expect_continue(ExpectContinue::Never)
        .build()
        .unwrap();
    never
        .put(&server.url("/"))
        .body_reader(&b"abc"[..])
        .send()
        .unwrap();
    let req = last(&server);
    assert_eq!(expect(&req), None);
    assert!(req.chunked);
    never
        .post(&server.url("/"))
        .expect_continue(ExpectContinue::Always)
        .body("x")
        .send()
        .unwrap();
    assert_eq!(expect(&last(&server)).as_deref(), Some("100-continue"));

    // A lower threshold on the agent.
    let low = builder()
        .expect_continue(ExpectContinue::LargerThan(2))
        .build()
        .unwrap();
    low.post(&server.url("/")).body("xyz").send().unwrap();
    assert_eq!(expect(&last(&server)).as_deref(), Some("100-continue"));
    low.post(&server.url("/")).body("xy").send().unwrap();
    assert_eq!(expect(&last(&server)), None);

    // HTTP/1.0: a server must ignore the expectation, so none is asked for, but by a field
    // of the caller's own.
    low.post(&server.url("/"))
        .http_version(plainwire::Version::Http10)
        .body("xyz")
        .send()
        .unwrap();
    assert_eq!(expect(&last(&server)), None);
    low.post(&server.url("/"))
        .http_version(plainwire::Version::Http10)
        .header("Expect", "100-continue")
        .body("xyz")
        .send()
        .unwrap();
    assert_eq!(expect(&last(&server)).as_deref(), Some("100-continue"));
}

#[test]
fn the_callers_own_expect_field_is_sent_once_as_given() {
    let server = echo_server();
    agent()
        .post(&server.url("/"))
        .header("Expect", "100-continue")
        .body("small")
        .send()
        .unwrap();
    let req = last(&server);
    assert_eq!(req.header_all("expect"), vec![&b"100-continue"[..]]);
    assert_eq!(req.body, b"small");
}

// ---------------------------------------------------------------------------
// Range requests
// ---------------------------------------------------------------------------

#[test]
fn a_range_request_reads_its_206_part() {
    const WHOLE: &[u8] = b"0123456789abcdef";
    let server = HttpServer::start(|req| {
        let range = req.header("range").unwrap_or_default().to_string();
        let Some((first, last)) = range
            .strip_prefix("bytes=")
            .and_then(|spec| spec.split_once('-'))
            .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
        else {
            return Reply::new(200).body(WHOLE);
        };
        Reply::new(206)
            .header(
                "Content-Range",
                format!("bytes {first}-{last}/{}", WHOLE.len()),
            )
            .body(&WHOLE[first..=last])
    });
    let agent = agent();
    let resp = agent
        .get(&server.url("/file"))
        .header("Range", "bytes=10-15")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 206);
    assert_eq!(resp.header("content-range"), Some("bytes 10-15/16"));
    assert_eq!(resp.content_length(), Some(6));
    assert_eq!(resp.bytes().unwrap(), b"abcdef");
    assert_eq!(last(&server).header("range"), Some("bytes=10-15"));

    // The connection carries the next request in step.
    let resp = agent.get(&server.url("/file")).send().unwrap();
    assert_eq!(resp.bytes().unwrap(), WHOLE);
    assert_eq!(server.connections(), 1);
}
