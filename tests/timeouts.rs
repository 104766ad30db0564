//! Timeouts: every way a server can make a call wait ends in an error of kind Timeout that
//! names the phase and the limit that ran out.
//!
//! No elapsed time is asserted, so a busy machine cannot make these tests fail. Each server
//! ends its script in something other than a timeout (a dripping one finishes its body after
//! 50 to 100 s, a silent one closes when its own read timeout runs out), so a client that
//! ignored its limit gets a body, or a truncation, and fails the kind, phase and message checks.

mod support;

use std::io::Read;
use std::time::Duration;

use plainwire::{ErrorKind, TimeoutPhase};
use support::*;

/// Runs `call`, checks it failed with a timeout in `phase`.
fn assert_times_out<T: std::fmt::Debug>(
    phase: TimeoutPhase,
    call: impl FnOnce() -> plainwire::Result<T>,
) -> plainwire::Error {
    let err = call().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout_phase(), Some(phase), "{err}");
    err
}

/// A server that reads the request and then says nothing until the client hangs up.
fn silent_server() -> ScriptedServer {
    ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.read_to_end();
    })
}

/// Writes each of `pieces` after a wait of `every`, until the client goes away.
fn drip<'a>(conn: &mut Conn, pieces: impl IntoIterator<Item = &'a [u8]>, every: Duration) {
    for piece in pieces {
        conn.sleep(every);
        if !conn.write_all(piece) {
            return;
        }
    }
}

/// A server that sends a head announcing 1000 bytes, then one byte every 100 ms (100 s in all).
fn dripping_server() -> ScriptedServer {
    ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        drip(conn, [&b"x"[..]; 1000], Duration::from_millis(100));
    })
}

#[test]
fn the_read_timeout_ends_a_wait_for_the_head() {
    let server = silent_server();
    let agent = builder()
        .read_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = assert_times_out(TimeoutPhase::ReadHead, || {
        agent.get(&server.url("/")).send()
    });
    let message = err.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{}", server.port())),
        "{message}"
    );
    assert!(
        message.contains("waiting for the response head"),
        "{message}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_signal_during_a_wait_without_end_fails_nothing() {
    // A read timeout of Duration::MAX ("as long as it takes") with no deadline: a stop and a
    // continue interrupt the read (EINTR, see tests/cli.rs), and the wait goes on, where
    // counting down to an end past what an Instant holds panicked. The process is stopped,
    // so the call runs in a child running this test alone. (A kernel with HZ=1000 takes such a
    // timeout for none at all and restarts the read: there this passes either way, and the
    // unit test of `end_of_wait` in socket.rs is what covers the sum.)
    const CHILD: &str = "PLAINWIRE_TEST_SIGNALLED_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let server = ScriptedServer::start(|conn| {
            conn.read_request_head();
            println!("the child is waiting");
            conn.sleep(Duration::from_millis(1500));
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        let agent = builder()
            .read_timeout(Some(Duration::MAX))
            .write_timeout(Some(Duration::MAX))
            .build()
            .unwrap();
        let body = agent.get(&server.url("/")).send().unwrap().text().unwrap();
        assert_eq!(body, "ok");
        return;
    }
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_signal_during_a_wait_without_end_fails_nothing",
        ])
        .args(["--nocapture", "--test-threads", "1"])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // The test harness writes its "test … ..." before it, on the same line.
    assert!(lines.any(|line| line.is_ok_and(|line| line.ends_with("the child is waiting"))));
    // The child is now waiting for the answer's head.
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.id().to_string();
    for signal in ["-STOP", "-CONT"] {
        let status = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(100));
    }
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}: {}", rest.join("\n"));
}

#[test]
fn the_read_timeout_ends_a_wait_for_the_body() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        conn.read_to_end();
    });
    let agent = builder()
        .read_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadBody, || resp.bytes());
    // The read timeout, or the floor on speed over the same period (bytes() has both): a
    // limit of 300 ms, not a default of a minute.
    assert!(err.to_string().contains("300ms"), "{err}");
}

#[test]
fn the_deadline_ends_a_silent_wait_shorter_than_the_read_timeout() {
    // The read timeout (60 s by default) would never strike: the deadline must cut each wait.
    let server = silent_server();
    let agent = builder().build().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadHead, || {
        agent
            .get(&server.url("/"))
            .timeout(Duration::from_secs(1))
            .send()
    });
    assert!(err.to_string().contains("deadline of 1s"), "{err}");

    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        conn.read_to_end();
    });
    assert_times_out(TimeoutPhase::ReadBody, || {
        agent
            .get(&server.url("/"))
            .timeout(Duration::from_secs(1))
            .send()?
            .bytes()
    });
}

#[test]
fn a_request_can_take_the_agents_deadline_away() {
    // requests' timeout=None: the call waits as long as the server takes, within the read
    // timeout, whatever the agent's deadline.
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.sleep(Duration::from_millis(1000));
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    let agent = builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert_times_out(TimeoutPhase::ReadHead, || {
        agent.get(&server.url("/")).send()
    });
    let resp = agent.get(&server.url("/")).timeout(None).send().unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
}

#[test]
fn the_deadline_ends_a_dripping_body() {
    let server = dripping_server();
    let agent = builder().build().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadBody, || {
        agent
            .get(&server.url("/"))
            .timeout(Duration::from_secs(1))
            .send()?
            .bytes()
    });
    assert!(err.to_string().contains("deadline of 1s"), "{err}");
}

#[test]
fn the_deadline_ends_a_dripping_body_read_as_a_stream() {
    let server = dripping_server();
    let mut resp = builder()
        .build()
        .unwrap()
        .get(&server.url("/"))
        .timeout(Duration::from_secs(1))
        .send()
        .unwrap();
    let mut body = Vec::new();
    let err = resp.read_to_end(&mut body).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    let inner = err
        .get_ref()
        .unwrap()
        .downcast_ref::<plainwire::Error>()
        .unwrap();
    assert_eq!(inner.kind(), ErrorKind::Timeout);
    assert_eq!(inner.timeout_phase(), Some(TimeoutPhase::ReadBody));
    assert!(body.len() < 1000);
}

#[test]
fn the_agents_deadline_applies_to_every_call() {
    let server = dripping_server();
    let agent = builder().timeout(Duration::from_secs(1)).build().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadBody, || {
        agent.get(&server.url("/")).send()?.bytes()
    });
    assert!(err.to_string().contains("deadline of 1s"), "{err}");
}

#[test]
fn the_deadline_ends_a_dripping_head() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        let head = [&b"HTTP/1.1 200 OK\r\nX-Slow: "[..], &[b'y'; 1000]].concat();
        drip(conn, head.chunks(1), Duration::from_millis(100));
    });
    let agent = builder().build().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadHead, || {
        agent
            .get(&server.url("/"))
            .timeout(Duration::from_secs(1))
            .send()
    });
    assert!(err.to_string().contains("deadline of 1s"), "{err}");
}

#[test]
fn the_write_timeout_ends_an_upload_nobody_reads() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        // Never read the body; just wait for the client to give up.
        conn.sleep(Duration::from_secs(5));
    });
    let agent = builder()
        .write_timeout(Some(Duration::from_millis(300)))
        .read_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let body = vec![0u8; 64 * 1024 * 1024];
    let err = assert_times_out(TimeoutPhase::SendRequest, || {
        agent.put(&server.url("/")).body(body).send()
    });
    assert!(err.to_string().contains("timeout of 300ms"), "{err}");
}

/// A server that takes the request body 16 KiB every 10 ms (1.6 MB/s): never silent for long,
/// so every write makes progress within any write timeout, but slow.
fn slow_reader_server() -> ScriptedServer {
    ScriptedServer::start(|conn| {
        conn.read_request_head();
        while conn.read_exact_body(16 * 1024).len() == 16 * 1024 {
            conn.sleep(Duration::from_millis(10));
        }
    })
}

#[test]
fn the_low_speed_limit_ends_an_upload_the_server_takes_slowly() {
    // 64 MiB at 1.6 MB/s would take 40 s, every write making progress; at the limit of
    // 100 MiB/s it must be sent in 100 ms + 0.64 s. More than the kernel's buffers can take.
    let server = slow_reader_server();
    let agent = builder()
        .low_speed_limit(100 * 1024 * 1024, Duration::from_millis(100))
        .build()
        .unwrap();
    let body = vec![0u8; 64 * 1024 * 1024];
    let err = assert_times_out(TimeoutPhase::SendRequest, || {
        agent.put(&server.url("/")).body(body).send()
    });
    assert!(err.to_string().contains("upload's minimum speed"), "{err}");
}

/// A server whose sockets have a 4 KiB receive buffer, taking the request body 1 KiB every
/// 10 ms (100 KB/s) for at most 30 s, then closing. The small window keeps the client's send
/// queue short, so a blocked `write` is woken often and each one takes a little: every write
/// makes progress, within any timeout, but slowly.
fn trickle_reader_server() -> std::net::SocketAddr {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    socket.listen(1).unwrap();
    let listener: std::net::TcpListener = socket.into();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let Ok((mut conn, _)) = listener.accept() else {
            return;
        };
        let mut piece = [0u8; 1024];
        for _ in 0..3000 {
            match conn.read(&mut piece) {
                Ok(0) | Err(_) => return,
                Ok(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    addr
}

#[test]
fn the_deadline_ends_an_upload_the_server_takes_a_little_at_a_time() {
    // One `write` may wait a whole socket timeout and then return having taken a few KiB: a
    // deadline asked only before the first would let 64 MiB at 100 KB/s go on for 11 minutes
    // (the server gives up after 30 s, and the call then fails with a reset, not a timeout).
    let addr = trickle_reader_server();
    let body = vec![0u8; 64 * 1024 * 1024];
    let err = assert_times_out(TimeoutPhase::SendRequest, || {
        builder()
            .build()
            .unwrap()
            .put(&format!("http://{addr}/"))
            .timeout(Duration::from_secs(1))
            .expect_continue(plainwire::ExpectContinue::Never)
            .body(body)
            .send()
    });
    assert!(err.to_string().contains("deadline of 1s"), "{err}");
}

#[cfg(feature = "tls")]
mod tls {
    use super::*;
    use std::io::Write;
    use std::net::TcpStream;

    use rustls::ServerConnection;

    #[test]
    fn the_connect_timeout_ends_a_handshake_nobody_answers() {
        // Accepts TCP, reads the ClientHello, answers nothing.
        let server = silent_server();
        let url = format!("https://127.0.0.1:{}/", server.port());
        let agent = builder()
            .connect_timeout(Duration::from_millis(500))
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap();
        let err = assert_times_out(TimeoutPhase::Handshake, || agent.get(&url).send());
        assert!(err.to_string().contains("TLS handshake"), "{err}");
    }

    #[test]
    fn the_read_timeout_ends_a_silent_handshake_when_there_is_no_connect_timeout() {
        let server = silent_server();
        let url = format!("https://127.0.0.1:{}/", server.port());
        let agent = builder()
            .connect_timeout(None)
            .read_timeout(Duration::from_millis(500))
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap();
        assert_times_out(TimeoutPhase::Handshake, || agent.get(&url).send());
    }

    #[test]
    fn the_deadline_ends_a_handshake_nobody_answers() {
        let server = silent_server();
        let url = format!("https://127.0.0.1:{}/", server.port());
        let agent = builder().danger_accept_invalid_certs(true).build().unwrap();
        assert_times_out(TimeoutPhase::Handshake, || {
            agent.get(&url).timeout(Duration::from_millis(500)).send()
        });
    }

    /// Runs the server side of TLS by hand over the raw socket, so that the test controls
    /// how the encrypted bytes are written.
    fn accept_tls(tcp: &mut &TcpStream) -> Option<ServerConnection> {
        let config = server_tls_config("localhost.pem", "localhost.key");
        let mut tls = ServerConnection::new(config).ok()?;
        while tls.is_handshaking() || tls.wants_write() {
            if tls.wants_write() {
                tls.write_tls(tcp).ok()?;
            } else {
                if tls.read_tls(tcp).ok()? == 0 {
                    return None;
                }
                tls.process_new_packets().ok()?;
            }
        }
        // Read until the end of the request head, which may have arrived with the handshake.
        let mut request = Vec::new();
        loop {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = tls.reader().read(&mut chunk) {
                if n == 0 {
                    return None;
                }
                request.extend_from_slice(&chunk[..n]);
            }
            if request.windows(4).any(|w| w == b"\r\n\r\n") {
                return Some(tls);
            }
            if tls.read_tls(tcp).ok()? == 0 {
                return None;
            }
            tls.process_new_packets().ok()?;
        }
    }

    /// Encrypts `plaintext` into TLS records.
    fn seal(tls: &mut ServerConnection, plaintext: &[u8]) -> Vec<u8> {
        tls.writer().write_all(plaintext).unwrap();
        let mut records = Vec::new();
        while tls.wants_write() {
            tls.write_tls(&mut records).unwrap();
        }
        records
    }

    /// A TLS server that sends a head announcing 1000 bytes and then drips the body: one
    /// byte of plaintext per TLS record, or the body's records one encrypted byte at a time.
    fn tls_dripping_server(record_per_byte: bool) -> ScriptedServer {
        ScriptedServer::start(move |conn| {
            let mut tcp = conn.tcp();
            let Some(mut tls) = accept_tls(&mut tcp) else {
                return;
            };
            let head = seal(&mut tls, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            if tcp.write_all(&head).is_err() {
                return;
            }
            let pieces: Vec<Vec<u8>> = if record_per_byte {
                (0..1000).map(|_| seal(&mut tls, b"x")).collect()
            } else {
                seal(&mut tls, &[b'x'; 1000])
                    .into_iter()
                    .map(|byte| vec![byte])
                    .collect()
            };
            for piece in pieces {
                std::thread::sleep(Duration::from_millis(100));
                if tcp.write_all(&piece).and_then(|()| tcp.flush()).is_err() {
                    return;
                }
            }
        })
    }

    #[test]
    fn the_deadline_ends_a_wait_inside_a_tls_record() {
        // Half of the body's record arrives, then nothing: the TLS layer must not wait for
        // the rest of the record beyond the deadline (the read timeout is 60 s).
        let server = ScriptedServer::start(|conn| {
            let mut tcp = conn.tcp();
            let Some(mut tls) = accept_tls(&mut tcp) else {
                return;
            };
            let head = seal(&mut tls, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            let body = seal(&mut tls, &[b'x'; 1000]);
            let _ = tcp.write_all(&head);
            let _ = tcp.write_all(&body[..body.len() / 2]);
            conn.read_to_end();
        });
        let url = format!("https://localhost:{}/", server.port());
        let agent = agent_trusting_test_ca();
        assert_times_out(TimeoutPhase::ReadBody, || {
            agent
                .get(&url)
                .timeout(Duration::from_secs(1))
                .send()?
                .bytes()
        });
    }

    fn agent_trusting_test_ca() -> plainwire::Agent {
        trusting_test_ca(builder()).build().unwrap()
    }

    #[test]
    fn the_deadline_ends_a_tls_body_dripping_one_record_per_byte() {
        let server = tls_dripping_server(true);
        let url = format!("https://localhost:{}/", server.port());
        let agent = agent_trusting_test_ca();
        assert_times_out(TimeoutPhase::ReadBody, || {
            agent
                .get(&url)
                .timeout(Duration::from_secs(1))
                .send()?
                .bytes()
        });
    }

    #[test]
    fn the_deadline_ends_a_tls_record_dripping_one_byte_at_a_time() {
        let server = tls_dripping_server(false);
        let url = format!("https://localhost:{}/", server.port());
        let agent = agent_trusting_test_ca();
        assert_times_out(TimeoutPhase::ReadBody, || {
            agent
                .get(&url)
                .timeout(Duration::from_secs(1))
                .send()?
                .bytes()
        });
    }

    #[test]
    fn the_read_timeout_ends_a_wait_for_the_head_over_tls() {
        let server = ScriptedServer::start_tls(
            server_tls_config("localhost.pem", "localhost.key"),
            |conn| {
                conn.read_request_head();
                conn.read_to_end();
            },
        );
        let agent = trusting_test_ca(builder())
            .read_timeout(Some(Duration::from_millis(300)))
            .build()
            .unwrap();
        assert_times_out(TimeoutPhase::ReadHead, || {
            agent.get(&server.url("/")).send()
        });
    }
}

/// A server that drips a response head one byte every 50 ms, far longer than any bound here.
fn head_dripping_server() -> ScriptedServer {
    ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        let head = format!("HTTP/1.1 200 OK\r\nX-Padding: {}\r\n\r\n", "p".repeat(1000));
        drip(conn, head.as_bytes().chunks(1), Duration::from_millis(50));
    })
}

/// An agent whose head timeout (500 ms) is far shorter than its read timeout (5 s): a head
/// that drips within the read timeout is ended by the head timeout alone.
fn head_limited_agent() -> plainwire::Agent {
    builder()
        .read_timeout(Duration::from_secs(5))
        .head_timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

#[test]
fn the_head_timeout_ends_a_head_dripped_under_the_read_timeout() {
    // Each byte comes well within the read timeout; only a limit on the whole head ends this.
    let server = head_dripping_server();
    let agent = head_limited_agent();
    let err = assert_times_out(TimeoutPhase::ReadHead, || {
        agent.get(&server.url("/")).send()
    });
    assert!(err.to_string().contains("the head timeout"), "{err}");
    // It names the server, as a timeout on a silent one does.
    let server_addr = server.url("/").replace("http://", "").replace('/', "");
    assert!(err.to_string().starts_with(&server_addr), "{err}");
}

#[test]
fn the_head_timeout_ends_an_interim_head_dripped_while_we_wait_to_send_the_body() {
    // The wait for `100 Continue` gives up on a silence of a second and sends the body, but a
    // server that sends a line of its interim head more often than that is held only by the
    // head timeout. It drips for 30 s at most, then closes, so a client without the limit
    // fails with something other than a timeout.
    let server = ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(b"HTTP/1.1 100 Continue\r\n");
        drip(conn, [&b"X: y\r\n"[..]; 300], Duration::from_millis(100));
    });
    let agent = head_limited_agent();
    let err = assert_times_out(TimeoutPhase::ReadHead, || {
        agent
            .put(&server.url("/"))
            .expect_continue(plainwire::ExpectContinue::Always)
            .body("data")
            .send()
    });
    assert!(err.to_string().contains("the head timeout"), "{err}");
}

#[test]
fn a_request_can_set_its_own_head_timeout() {
    let server = head_dripping_server();
    let agent = builder()
        .read_timeout(Duration::from_secs(5))
        .head_timeout(None)
        .build()
        .unwrap();
    let err = assert_times_out(TimeoutPhase::ReadHead, || {
        agent
            .get(&server.url("/"))
            .head_timeout(Duration::from_millis(500))
            .send()
    });
    assert!(
        err.to_string().contains("the head timeout of 500ms"),
        "{err}"
    );
}

#[test]
fn the_low_speed_limit_ends_a_body_that_trickles() {
    // One byte every 100 ms is 10 bytes a second, under the limit of 1000 over 300 ms.
    let server = dripping_server();
    let agent = builder()
        .low_speed_limit(1000, Duration::from_millis(300))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadBody, || resp.bytes());
    assert!(err.to_string().contains("low-speed limit"), "{err}");
}

#[test]
fn the_low_speed_limit_counts_body_bytes_not_chunk_framing() {
    // 24 bytes on the wire for each byte of body, one chunk every 10 ms: 2,400 bytes a
    // second of framing, 100 of body, under the limit of 500 over 200 ms. Counted on the
    // wire, the framing kept it going (the server ends its 300 chunks after about 3 s).
    let server = ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk: &[u8] = b"0000000000000000001\r\nx\r\n";
        drip(
            conn,
            std::iter::repeat_n(chunk, 300),
            Duration::from_millis(10),
        );
        conn.write_all(b"0\r\n\r\n");
    });
    let agent = builder()
        .low_speed_limit(500, Duration::from_millis(200))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadBody, || resp.bytes());
    assert!(err.to_string().contains("low-speed limit"), "{err}");
}

#[test]
fn the_low_speed_limit_ends_a_body_gone_silent_without_a_read_timeout() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        conn.read_to_end();
    });
    let agent = builder().read_timeout(None).build().unwrap();
    let resp = agent
        .get(&server.url("/"))
        .low_speed_limit(1, Duration::from_millis(300))
        .send()
        .unwrap();
    let err = assert_times_out(TimeoutPhase::ReadBody, || resp.bytes());
    assert!(err.to_string().contains("low-speed limit"), "{err}");
}

#[test]
fn a_body_read_later_than_its_head_spends_none_of_the_low_speed_period() {
    // The server sends the body only when told, then a byte every 5 ms: 200 bytes a second,
    // four times the limit. The caller reads it 500 ms after the head, longer than a period.
    // Counted from the head, the first read (a byte or two, after more than a period) would
    // fail the limit; counted from the first wait, the body is read whole.
    let (go, told) = std::sync::mpsc::channel::<()>();
    let told = std::sync::Mutex::new(told);
    let server = ScriptedServer::start(move |conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        let _ = told.lock().unwrap().recv();
        for _ in 0..100 {
            conn.write_all(b"x");
            conn.sleep(Duration::from_millis(5));
        }
    });
    let agent = builder()
        .low_speed_limit(50, Duration::from_millis(400))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    go.send(()).unwrap();
    assert_eq!(resp.bytes().unwrap(), vec![b'x'; 100]);
}

#[test]
fn a_body_faster_than_the_low_speed_limit_is_read_whole() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc");
        conn.sleep(Duration::from_millis(100));
        conn.write_all(b"def");
    });
    let agent = builder()
        .low_speed_limit(1, Duration::from_secs(5))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.bytes().unwrap(), b"abcdef");
}

/// A server that sends a head announcing 10 bytes, then one byte every 100 ms.
fn ten_byte_drip() -> ScriptedServer {
    ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
        for _ in 0..10 {
            conn.sleep(Duration::from_millis(100));
            conn.write_all(b"x");
        }
        conn.read_to_end();
    })
}

#[test]
fn a_body_read_into_memory_must_keep_up_a_floor_on_speed() {
    // 10 bytes a second, never silent for a read timeout of 500 ms, and far below
    // BUFFERED_MIN_SPEED (1 KiB/s) over each 500 ms: without the floor, `text()` would take
    // the 100 s the server drips for.
    let server = dripping_server();
    let agent = builder()
        .read_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let err = assert_times_out(TimeoutPhase::ReadBody, || resp.text());
    assert!(err.to_string().contains("1024 bytes per second"), "{err}");
}

#[test]
fn a_body_read_as_a_stream_has_no_floor_on_speed() {
    let server = ten_byte_drip();
    let agent = builder()
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut body = Vec::new();
    agent
        .get(&server.url("/"))
        .send()
        .unwrap()
        .into_reader()
        .read_to_end(&mut body)
        .unwrap();
    assert_eq!(body, b"xxxxxxxxxx");
}

#[test]
fn a_low_speed_limit_of_the_callers_replaces_the_floor() {
    let server = ten_byte_drip();
    let agent = builder()
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let resp = agent
        .get(&server.url("/"))
        .low_speed_limit(1, Duration::from_secs(5))
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "xxxxxxxxxx");
}
