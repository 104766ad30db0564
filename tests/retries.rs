//! The retry policy against scripted servers: which failures are retried, how long the call
//! waits (Retry-After, backoff), what stops the retries (the method, a streamed body, the
//! deadline), and what the call returns when they end.

mod support;
use support::*;

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use plainwire::multipart::{Form, Part};
use plainwire::{Agent, AgentBuilder, ErrorKind, RetryPolicy, TraceEvent};

/// A backoff too short to slow the tests down.
const QUICK: Duration = Duration::from_millis(1);

/// Up to `retries` retries, with a backoff too short to notice.
fn policy(retries: u32) -> RetryPolicy {
    RetryPolicy::new(retries).backoff(QUICK, QUICK)
}

/// The Retrying events of an agent's trace: (attempt, reason, wait).
type Retries = Arc<Mutex<Vec<(u32, String, Duration)>>>;

fn traced(builder: AgentBuilder) -> (Agent, Retries) {
    let seen: Retries = Arc::default();
    let log = seen.clone();
    let agent = builder
        .trace(move |event| {
            if let TraceEvent::Retrying {
                attempt,
                reason,
                wait,
            } = event
            {
                log.lock()
                    .unwrap()
                    .push((*attempt, reason.to_string(), *wait));
            }
        })
        .build()
        .unwrap();
    (agent, seen)
}

/// A server that answers the first `failures` requests with `failure`, then 200 "ok"; it
/// counts the requests.
fn fails_then_ok(
    failures: usize,
    failure: impl Fn() -> Reply + Send + Sync + 'static,
) -> (HttpServer, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let server = HttpServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < failures {
            failure()
        } else {
            Reply::text("ok")
        }
    });
    (server, count)
}

fn unavailable(retry_after: &str) -> Reply {
    Reply::new(503)
        .header("Retry-After", retry_after)
        .body("busy")
}

#[test]
fn a_503_with_retry_after_is_retried_after_that_wait() {
    let (server, count) = fails_then_ok(1, || unavailable("1"));
    let (agent, trace) = traced(builder().retry(policy(3)));
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.retries(), 1);
    assert_eq!(resp.text().unwrap(), "ok");
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert_eq!(
        *trace.lock().unwrap(),
        [(1, "HTTP status 503".to_string(), Duration::from_secs(1))]
    );
    // The 503's body was read off, so both requests shared one connection.
    let requests = server.requests();
    assert_eq!(requests[0].connection, requests[1].connection);
}

/// `t` as an IMF-fixdate (RFC 9110 section 5.6.7), such as `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[test]
fn the_test_formats_http_dates_right() {
    let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
    assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

#[test]
fn a_429_with_an_http_date_retry_after_waits_until_then() {
    let (server, count) = fails_then_ok(1, || {
        let then = SystemTime::now() + Duration::from_secs(2);
        Reply::new(429).header("Retry-After", http_date(then))
    });
    let (agent, trace) = traced(builder().retry(policy(1)));
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.retries(), 1);
    assert_eq!(count.load(Ordering::SeqCst), 2);
    let trace = trace.lock().unwrap();
    let (attempt, reason, wait) = &trace[0];
    assert_eq!((*attempt, reason.as_str()), (1, "HTTP status 429"));
    // The date is whole seconds, two ahead of the server's clock: the wait is what is left of
    // them, far longer than the backoff's 1 ms would have been.
    assert!(*wait > QUICK && *wait <= Duration::from_secs(2), "{wait:?}");
}

#[test]
fn a_post_is_not_retried_unless_the_caller_says_so() {
    let (server, count) = fails_then_ok(usize::MAX, || unavailable("0"));
    let agent = builder().retry(policy(2)).build().unwrap();
    let resp = agent.post(&server.url("/")).body("order=1").send().unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.retries(), 0);
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let resp = agent
        .post(&server.url("/"))
        .body("order=1")
        .retry(policy(2).retry_non_idempotent(true))
        .send()
        .unwrap();
    // Retries exhausted on a status: the last response is the answer, not an error.
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.retries(), 2);
    assert_eq!(resp.text().unwrap(), "busy");
    assert_eq!(count.load(Ordering::SeqCst), 4);
    let bodies: Vec<Vec<u8>> = server.requests().iter().map(|r| r.body.clone()).collect();
    assert!(bodies.iter().all(|b| b == b"order=1"), "{bodies:?}");
}

#[test]
fn a_status_not_in_the_list_is_returned_at_once() {
    let (server, count) = fails_then_ok(1, || Reply::new(503));
    let agent = builder().retry(policy(2).statuses(&[429])).build().unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!((resp.status(), resp.retries()), (503, 0));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn a_request_turns_off_its_agents_policy() {
    let (server, count) = fails_then_ok(1, || unavailable("0"));
    let agent = builder().retry(policy(2)).build().unwrap();
    let resp = agent
        .get(&server.url("/"))
        .retry(RetryPolicy::none())
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (503, 0));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn a_retry_after_that_outlasts_the_deadline_ends_the_call_with_the_response() {
    let (server, count) = fails_then_ok(usize::MAX, || unavailable("5"));
    let agent = builder().retry(policy(3)).build().unwrap();
    let resp = agent
        .get(&server.url("/"))
        .timeout(Duration::from_secs(2))
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (503, 0));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn the_deadline_does_not_restart_for_a_retry() {
    // Each try asks for a second's wait. The first fits the 1.8 s deadline; the second try
    // starts with about 0.8 s left, which the next wait would outlast, so the call ends there
    // with the second 503, rather than making all five retries as a deadline per try would.
    let (server, count) = fails_then_ok(usize::MAX, || unavailable("1"));
    let agent = builder().retry(policy(5)).build().unwrap();
    let resp = agent
        .get(&server.url("/"))
        .timeout(Duration::from_millis(1800))
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (503, 1));
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[test]
fn a_retry_after_beyond_the_maximum_returns_the_response() {
    let (server, count) = fails_then_ok(1, || unavailable("120"));
    let agent = builder().retry(policy(3)).build().unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!((resp.status(), resp.retries()), (503, 0));
    assert_eq!(resp.header("retry-after"), Some("120"));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

/// A reader that counts how many times it was read from.
struct Counted {
    data: std::io::Cursor<Vec<u8>>,
    reads: Arc<AtomicUsize>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.data.read(buf)
    }
}

#[test]
fn a_streamed_body_that_was_sent_stops_the_retries() {
    let (server, count) = fails_then_ok(usize::MAX, || unavailable("0"));
    let agent = builder().retry(policy(3)).build().unwrap();
    let reads = Arc::new(AtomicUsize::new(0));
    let resp = agent
        .put(&server.url("/"))
        .body_reader(Counted {
            data: std::io::Cursor::new(b"payload".to_vec()),
            reads: reads.clone(),
        })
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (503, 0));
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(reads.load(Ordering::SeqCst) > 0);
    assert_eq!(server.requests()[0].body, b"payload");
}

#[test]
fn a_stream_the_server_refused_before_100_continue_is_still_sent_on_the_retry() {
    // The first connection answers 503 to the head alone; the second takes the body.
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = received.clone();
    let server = ScriptedServer::start(move |conn| {
        let head = String::from_utf8_lossy(&conn.read_request_head()).to_ascii_lowercase();
        if head.is_empty() {
            return;
        }
        assert!(head.contains("expect: 100-continue"), "{head}");
        if conn.index() == 0 {
            conn.write_all(b"HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        let body = conn.read_exact_body(7);
        log.lock().unwrap().push(body);
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    let agent = builder()
        .retry(policy(3))
        .expect_continue(plainwire::ExpectContinue::Always)
        .build()
        .unwrap();
    let reads = Arc::new(AtomicUsize::new(0));
    let resp = agent
        .put(&server.url("/"))
        .body_reader_sized(
            Counted {
                data: std::io::Cursor::new(b"payload".to_vec()),
                reads: reads.clone(),
            },
            7,
        )
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (200, 1));
    assert_eq!(*received.lock().unwrap(), [b"payload".to_vec()]);
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_file_and_a_form_of_files_are_sent_again_whole() {
    let dir = std::env::temp_dir().join(format!("plainwire-retries-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("data.bin");
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();

    let (server, count) = fails_then_ok(1, || unavailable("0"));
    let agent = builder().retry(policy(2)).build().unwrap();
    let resp = agent
        .put(&server.url("/file"))
        .body_file(&path)
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (200, 1));
    let requests = server.requests();
    for req in &requests {
        assert_eq!(req.header("content-length"), Some("100000"));
        assert!(req.body == data, "the file was not sent whole");
    }

    let (server, count_form) = fails_then_ok(1, || unavailable("0"));
    let form = Form::new()
        .text("kind", "backup")
        .file("data", &path)
        .unwrap()
        .part("note", Part::bytes(b"twice".to_vec()));
    let resp = agent
        .post(&server.url("/form"))
        .retry(policy(2).retry_non_idempotent(true))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (200, 1));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[0].body == requests[1].body,
        "the form differed on the retry"
    );
    assert!(!requests[0].chunked);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        count.load(Ordering::SeqCst) + count_form.load(Ordering::SeqCst),
        4
    );
}

#[test]
fn a_connection_closed_without_an_answer_is_retried() {
    let server = ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        if conn.index() == 0 {
            conn.abort();
            return;
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    let (agent, trace) = traced(builder().retry(policy(2)));
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!((resp.status(), resp.retries()), (200, 1));
    assert_eq!(server.connections(), 2);
    let trace = trace.lock().unwrap();
    assert_eq!(trace.len(), 1);
    assert!(
        trace[0].1.contains("closed the connection"),
        "{:?}",
        trace[0]
    );

    // Without a policy, the same failure is the call's error.
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.abort();
    });
    let err = builder()
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::EmptyReply | ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
}

#[test]
fn when_connection_errors_run_out_the_last_error_is_returned() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.abort();
    });
    let (agent, trace) = traced(builder().retry(policy(2)));
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::EmptyReply | ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
    assert_eq!(server.connections(), 3);
    let attempts: Vec<u32> = trace.lock().unwrap().iter().map(|t| t.0).collect();
    assert_eq!(attempts, [1, 2]);
}

#[test]
fn a_bad_request_is_never_retried() {
    let (server, _) = fails_then_ok(0, || Reply::new(500));
    let agent = builder().retry(policy(3)).build().unwrap();
    let err = agent
        .put(&server.url("/"))
        .header("Content-Length", "4")
        .body("abc")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.connections(), 0);
}

#[test]
fn retries_count_across_a_redirect() {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let server = HttpServer::start(move |req| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        match (req.path(), n) {
            ("/a", 0) => unavailable("0"),
            ("/a", _) => Reply::new(302).header("Location", "/b"),
            ("/b", 2) => unavailable("0"),
            _ => Reply::text("done"),
        }
    });
    let agent = builder().retry(policy(2)).build().unwrap();
    let resp = agent.get(&server.url("/a")).send().unwrap();
    assert_eq!(resp.retries(), 2);
    assert_eq!(resp.text().unwrap(), "done");
    assert_eq!(count.load(Ordering::SeqCst), 4);

    // The budget is the call's: with one retry, the second 503 is the answer.
    count.store(0, Ordering::SeqCst);
    let resp = agent
        .get(&server.url("/a"))
        .retry(policy(1))
        .send()
        .unwrap();
    assert_eq!((resp.status(), resp.retries()), (503, 1));
    assert_eq!(resp.url().path(), "/b");
}

#[test]
fn each_try_has_its_own_time_when_the_policy_gives_one() {
    // The first answer comes too late for its try (3 s against 1 s); the retry has the whole
    // second again, which a loopback answer needs a small part of.
    let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = seen.clone();
    let server = HttpServer::start(move |_| {
        if count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_secs(3));
        }
        Reply::text("in time")
    });
    let agent = builder()
        .retry(policy(1).try_timeout(Duration::from_secs(1)))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(
        (resp.retries(), resp.text().unwrap().as_str()),
        (1, "in time")
    );
}

#[test]
fn a_chain_of_redirects_is_one_try() {
    // Five hops of 0.4 s each: every hop is in time for a try of 1 s, the chain is not. A try
    // started anew at each hop would let a server that redirects slowly hold the call for
    // ever, which a time for each try (curl's -m with --retry) is there to prevent.
    let server = HttpServer::start(|req| {
        std::thread::sleep(Duration::from_millis(400));
        match req
            .path()
            .strip_prefix("/hop/")
            .and_then(|n| n.parse::<u32>().ok())
        {
            Some(n) if n < 5 => Reply::new(302).header("Location", format!("/hop/{}", n + 1)),
            _ => Reply::text("end of the chain"),
        }
    });
    let agent = builder()
        .retry(policy(0).try_timeout(Duration::from_secs(1)))
        .build()
        .unwrap();
    let err = agent.get(&server.url("/hop/1")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("the time for one try"), "{err}");
}

/// A port on this machine that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_refused_connection_is_retried_by_default_and_can_be_left_alone() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let (agent, trace) = traced(builder().retry(policy(2)));
    let err = agent.get(&url).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(trace.lock().unwrap().len(), 2);

    let (agent, trace) = traced(builder().retry(policy(2).connection_refused(false)));
    let err = agent.get(&url).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert!(trace.lock().unwrap().is_empty());
}

#[test]
fn all_errors_retries_a_reply_that_is_not_http() {
    // Two bad replies: one for each agent's first try.
    let (server, count) = fails_then_ok(2, || Reply::raw("SSH-2.0-OpenSSH_9.6\r\n"));
    let agent = builder().retry(policy(2)).build().unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let agent = builder().retry(policy(2).all_errors(true)).build().unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.retries(), 1);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[test]
fn without_jitter_the_backoff_waits_its_ceiling() {
    let (server, _) = fails_then_ok(2, || Reply::new(503));
    let step = Duration::from_millis(5);
    let policy = RetryPolicy::new(2).backoff(step, step * 10).jitter(false);
    let (agent, trace) = traced(builder().retry(policy));
    assert_eq!(agent.get(&server.url("/")).send().unwrap().status(), 200);
    let waits: Vec<Duration> = trace.lock().unwrap().iter().map(|t| t.2).collect();
    assert_eq!(waits, [step, step * 2]);
}

#[test]
fn max_retry_time_stops_the_retries_once_it_has_passed() {
    // Each answer takes longer than the limit, so no retry is begun.
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let server = HttpServer::start(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(60));
        Reply::new(503)
    });
    let limited = policy(3).max_retry_time(Duration::from_millis(50));
    let agent = builder().retry(limited).build().unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.retries(), 0);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}
