//! Issue 7: TLS details, timings and the trace, checked against loopback servers whose
//! settings are known.
#![cfg(feature = "tls")]

mod support;

use std::sync::{Arc, Mutex};

#[cfg(feature = "inspect")]
use plainwire::CertificateSummary;
use plainwire::{Agent, TraceEvent};
use support::*;

fn tls_agent() -> Agent {
    trusting_test_ca(Agent::builder()).build().unwrap()
}

/// Trace events as they were recorded: (short name, Display text).
type Recorded = Arc<Mutex<Vec<(String, String)>>>;

/// An agent that records its trace.
fn recording_agent(builder: plainwire::AgentBuilder) -> (Agent, Recorded) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let agent = builder
        .trace(move |event| {
            let name = match event {
                TraceEvent::Resolved { .. } => "resolved",
                TraceEvent::Connected { reused: false, .. } => "connected",
                TraceEvent::Connected { reused: true, .. } => "reused",
                TraceEvent::TlsHandshake(_) => "tls",
                TraceEvent::RequestHead(_) => "request",
                TraceEvent::ResponseHead(_) => "response",
                TraceEvent::BodyProgress { .. } => "progress",
                TraceEvent::ConnectionPooled => "pooled",
                TraceEvent::ConnectionClosed { .. } => "closed",
                _ => "other",
            };
            sink.lock()
                .unwrap()
                .push((name.to_string(), event.to_string()));
        })
        .build()
        .unwrap();
    (agent, events)
}

fn names(events: &Mutex<Vec<(String, String)>>) -> Vec<String> {
    events
        .lock()
        .unwrap()
        .drain(..)
        .map(|(name, _)| name)
        // TLS records and body bytes: tests/tls_trace.rs follows those.
        .filter(|name| name != "other")
        .collect()
}

#[cfg(feature = "inspect")]
#[test]
fn tls_details_match_a_tls13_server() {
    let config = server_tls_config_with(
        "localhost.pem",
        "localhost.key",
        &[&rustls::version::TLS13],
        None,
    );
    let server = HttpServer::start_tls(config, |_| Reply::new(200).body("ok"));
    let resp = tls_agent().get(&server.url("/")).send().unwrap();
    let tls = resp.tls().expect("TLS details");
    assert_eq!(tls.version, "TLSv1.3");
    let server_side = &server.tls_sessions()[0];
    assert_eq!(
        tls.cipher_suite,
        format!("{:?}", server_side.cipher_suite.unwrap())
    );
    assert_eq!(tls.alpn.as_deref(), Some("http/1.1"));
    assert!(!tls.resumed);
    assert_eq!(tls.peer_certificates.len(), 1);
    let leaf = &tls.peer_certificates[0];
    assert_eq!(leaf.subject, "CN=localhost");
    assert_eq!(leaf.issuer, "CN=plainwire test CA");
    assert_eq!(
        leaf.subject_alt_names,
        vec!["localhost", "127.0.0.1", "::1"]
    );
    assert_eq!(leaf.not_before, "2024-01-01 00:00:00 UTC");
    assert_eq!(leaf.not_after, "2125-01-01 00:00:00 UTC");
    assert_eq!(leaf.key_type, "EC P-256");
}

#[cfg(feature = "inspect")]
#[test]
fn tls12_an_rsa_key_and_a_chain_are_described() {
    let config = server_tls_config_with(
        "rsa-localhost.pem",
        "rsa-localhost.key",
        &[&rustls::version::TLS12],
        None,
    );
    let server = HttpServer::start_tls(config, |_| Reply::new(200));
    let resp = tls_agent().get(&server.url("/")).send().unwrap();
    let tls = resp.tls().unwrap();
    assert_eq!(tls.version, "TLSv1.2");
    assert!(
        tls.cipher_suite.starts_with("TLS_ECDHE_RSA_WITH_"),
        "{}",
        tls.cipher_suite
    );
    assert_eq!(tls.peer_certificates[0].key_type, "RSA 2048");

    let chained = HttpServer::start_tls(
        server_tls_config("chained-leaf.pem", "chained-leaf.key"),
        |_| Reply::new(200),
    );
    let resp = tls_agent().get(&chained.url("/")).send().unwrap();
    let certs = &resp.tls().unwrap().peer_certificates;
    assert_eq!(certs.len(), 2);
    assert_eq!(certs[0].issuer, certs[1].subject);
    assert_eq!(certs[1].issuer, "CN=plainwire test CA");
}

#[test]
fn a_second_agent_resumes_the_session_only_within_one_agent() {
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200).close()
    });
    let agent = tls_agent();
    assert!(
        !agent
            .get(&server.url("/"))
            .send()
            .unwrap()
            .tls()
            .unwrap()
            .resumed
    );
    assert!(
        agent
            .get(&server.url("/"))
            .send()
            .unwrap()
            .tls()
            .unwrap()
            .resumed
    );
    assert!(
        !tls_agent()
            .get(&server.url("/"))
            .send()
            .unwrap()
            .tls()
            .unwrap()
            .resumed
    );
}

#[test]
fn plain_http_has_no_tls_details() {
    let server = HttpServer::start(|_| Reply::new(200));
    let resp = Agent::new().get(&server.url("/")).send().unwrap();
    assert!(resp.tls().is_none());
    assert!(resp.timings().tls.is_zero());
    assert!(resp.timings().time_appconnect().is_zero());
}

#[test]
fn an_agent_that_accepts_any_certificate_says_so_on_every_handshake() {
    // Insecure only when asked, and loud: the details and the trace both say the chain went
    // unchecked, for a certificate that would have passed as for one that would not.
    for (cert, key) in [
        ("localhost.pem", "localhost.key"),
        ("self-signed.pem", "self-signed.key"),
    ] {
        let config = server_tls_config(cert, key);
        let server = HttpServer::start_tls(config, |_| Reply::new(200).body("ok"));
        let (agent, events) = recording_agent(Agent::builder().danger_accept_invalid_certs(true));
        let resp = agent.get(&server.url("/")).send().unwrap();
        assert!(!resp.tls().unwrap().certificate_verified, "{cert}");
        let handshake = events
            .lock()
            .unwrap()
            .iter()
            .find(|(name, _)| name == "tls")
            .map(|(_, text)| text.clone())
            .unwrap();
        assert!(
            handshake.contains("\n* Certificate NOT verified"),
            "{cert}: {handshake}"
        );
    }
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200).body("ok")
    });
    let (agent, events) = recording_agent(trusting_test_ca(Agent::builder()));
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert!(resp.tls().unwrap().certificate_verified);
    assert!(!events
        .lock()
        .unwrap()
        .iter()
        .any(|(_, text)| text.contains("NOT verified")));
}

#[test]
fn timings_are_ordered_and_add_up() {
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200).body(vec![7u8; 100_000])
    });
    let agent = tls_agent();
    let mut resp = agent.get(&server.url("/")).send().unwrap();
    let before = resp.timings();
    assert_eq!(before.body, None, "the body has not been read yet");
    std::io::copy(&mut resp, &mut std::io::sink()).unwrap();
    let t = resp.timings();
    assert!(t.body.is_some());
    assert!(!t.tls.is_zero() && !t.connect.is_zero());
    assert!(t.time_namelookup() <= t.time_connect());
    assert!(t.time_connect() <= t.time_appconnect());
    assert!(t.time_appconnect() <= t.time_starttransfer());
    assert!(t.time_starttransfer() <= t.time_total());
    assert_eq!(
        t.time_total(),
        t.dns + t.connect + t.tls + t.wait + t.body.unwrap()
    );

    // A reused connection spends nothing on connecting, as in curl.
    let resp = agent.get(&server.url("/")).send().unwrap();
    let t = resp.timings();
    assert!(t.dns.is_zero() && t.connect.is_zero() && t.tls.is_zero());
}

#[test]
fn redirects_count_in_the_timings() {
    let server = HttpServer::start(|req| match req.path() {
        "/start" => Reply::new(302).header("Location", "/end"),
        _ => Reply::new(200).body("done"),
    });
    let resp = Agent::new().get(&server.url("/start")).send().unwrap();
    assert!(!resp.timings().redirect.is_zero());
    assert!(resp.timings().time_namelookup() >= resp.timings().redirect);
}

#[test]
fn trace_events_arrive_in_order_for_new_and_reused_connections() {
    let server = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::new(200).body("body")
    });
    let (agent, events) = recording_agent(trusting_test_ca(Agent::builder()));

    agent.get(&server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(
        names(&events),
        [
            "resolved",
            "connected",
            "tls",
            "request",
            "response",
            "progress",
            "pooled"
        ]
    );

    agent.get(&server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(
        names(&events),
        ["reused", "request", "response", "progress", "pooled"]
    );

    // A response dropped unread closes its connection, and says so.
    let slow = HttpServer::start(|_| Reply::new(200).body(vec![1u8; 1 << 20]));
    drop(agent.get(&slow.url("/")).send().unwrap());
    let last = names(&events);
    assert_eq!(last.first().map(String::as_str), Some("resolved"));
    assert_eq!(last.last().map(String::as_str), Some("closed"));
}

#[test]
fn credentials_never_appear_in_the_trace() {
    let server = HttpServer::start(|_| Reply::new(200).body("ok"));
    let (agent, events) = recording_agent(Agent::builder());
    let url = server
        .url("/")
        .replace("http://", "http://alice:url-secret@");
    agent.get(&url).send().unwrap().text().unwrap();
    agent
        .get(&server.url("/"))
        .bearer_auth("token-secret")
        .send()
        .unwrap()
        .text()
        .unwrap();
    agent
        .get(&server.url("/"))
        .header("proxy-authorization", "Basic proxy-secret")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let text: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.clone())
        .collect();
    let text = text.join("\n");
    for secret in [
        "url-secret",
        "token-secret",
        "proxy-secret",
        "YWxpY2U6dXJsLXNlY3JldA",
    ] {
        assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
    }
    assert!(text.contains("> Authorization: Basic *****"), "{text}");
    assert!(text.contains("> Authorization: Bearer *****"), "{text}");
    // …while the server did receive them.
    assert!(server.requests()[1]
        .header("authorization")
        .unwrap()
        .contains("token-secret"));
}

#[cfg(feature = "inspect")]
#[test]
fn fixture_certificates_summarise_as_openssl_says() {
    let der = load_certs("rsa-localhost.pem").remove(0);
    let summary = CertificateSummary::from_der(der.as_ref()).unwrap();
    assert_eq!(summary.subject, "CN=localhost");
    assert_eq!(summary.key_type, "RSA 2048");
    let expired = CertificateSummary::from_der(load_certs("expired.pem")[0].as_ref()).unwrap();
    assert_eq!(expired.not_after, "2001-01-01 00:00:00 UTC");
    let ca = CertificateSummary::from_der(load_certs("ca.pem")[0].as_ref()).unwrap();
    assert_eq!(ca.subject, ca.issuer);
    assert!(ca.subject_alt_names.is_empty());
}

#[test]
fn cookies_and_named_secret_headers_never_appear_in_the_trace() {
    let server = HttpServer::start(|_| {
        Reply::new(200)
            .header("Set-Cookie", "sid=response-cookie; Path=/")
            .header("set-cookie", "other=second-cookie")
            .header("X-Api-Key", "response-key")
            .header("X-Plain", "visible")
            .body("ok")
    });
    let (agent, events) = recording_agent(
        Agent::builder()
            .default_header("X-Api-Key", "default-key")
            .secret_header("x-api-key")
            .secret_header("X-Session-Token"),
    );
    let resp = agent
        .get(&server.url("/"))
        .header("Cookie", "sid=request-cookie")
        .header("X-Session-Token", "session-token")
        .send()
        .unwrap();
    // The caller's response keeps every value: only the trace is masked.
    assert_eq!(
        resp.headers_all("set-cookie"),
        vec!["sid=response-cookie; Path=/", "other=second-cookie"]
    );
    resp.text().unwrap();
    let text: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.clone())
        .collect();
    let text = text.join("\n");
    for secret in [
        "request-cookie",
        "response-cookie",
        "second-cookie",
        "default-key",
        "response-key",
        "session-token",
    ] {
        assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
    }
    for masked in [
        "> Cookie: *****",
        "> X-Api-Key: *****",
        "> X-Session-Token: *****",
        "< Set-Cookie: *****",
        "< set-cookie: *****",
        "< X-Api-Key: *****",
        "< X-Plain: visible",
    ] {
        assert!(text.contains(masked), "no {masked:?} in:\n{text}");
    }
    // The server received them all.
    let request = &server.requests()[0];
    assert_eq!(request.header("cookie"), Some("sid=request-cookie"));
    assert_eq!(request.header("x-api-key"), Some("default-key"));
}

#[test]
fn an_agent_asked_for_unmasked_heads_traces_them_as_sent_and_received_and_display_still_masks() {
    let server = HttpServer::start(|_| {
        Reply::new(200)
            .header("Set-Cookie", "sid=response-cookie; Path=/")
            .body("ok")
    });
    let heads = Arc::new(Mutex::new(Vec::new()));
    let sink = heads.clone();
    let agent = Agent::builder()
        .proxy_from_env(false)
        .trace(move |event| {
            if let TraceEvent::RequestHead(head) | TraceEvent::ResponseHead(head) = event {
                let raw = String::from_utf8_lossy(head).into_owned();
                let masked = String::from_utf8(event.masked_head().unwrap()).unwrap();
                sink.lock().unwrap().push((raw, event.to_string(), masked));
            }
        })
        .trace_unmasked(true)
        .build()
        .unwrap();
    agent
        .get(&server.url("/"))
        .header("Cookie", "sid=request-cookie")
        .basic_auth("ann", "s3cret")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let heads = heads.lock().unwrap();
    let (request, shown, masked) = &heads[0];
    assert!(
        request.contains("\r\nCookie: sid=request-cookie\r\n"),
        "{request}"
    );
    assert!(
        request.contains("\r\nAuthorization: Basic YW5uOnMzY3JldA==\r\n"),
        "{request}"
    );
    assert_eq!(
        request.as_bytes(),
        &server.requests()[0].raw[..request.len()],
        "the head as sent"
    );
    for text in [shown, masked] {
        assert!(text.contains("Cookie: *****"), "{text}");
        assert!(text.contains("Authorization: Basic *****"), "{text}");
        assert!(
            !text.contains("request-cookie") && !text.contains("YW5u"),
            "{text}"
        );
    }
    let (response, shown, masked) = &heads[1];
    assert!(
        response.contains("Set-Cookie: sid=response-cookie; Path=/"),
        "{response}"
    );
    assert!(shown.contains("< Set-Cookie: *****"), "{shown}");
    assert!(!masked.contains("response-cookie"), "{masked}");
}

#[test]
fn a_named_secret_header_is_masked_in_debug_output() {
    let builder = Agent::builder()
        .proxy_from_env(false)
        .default_header("X-Api-Key", "default-key")
        .secret_header("X-API-KEY");
    assert!(!format!("{builder:?}").contains("default-key"));
    let agent = builder.build().unwrap();
    assert!(!format!("{agent:?}").contains("default-key"));
    let request = agent
        .get("http://127.0.0.1:1/")
        .header("x-api-key", "request-key");
    let text = format!("{request:?}");
    assert!(!text.contains("request-key"), "{text}");
    assert!(text.contains(r#"("x-api-key", "*****")"#), "{text}");
}

#[test]
fn a_trace_hook_that_panics_unwinds_one_call_and_aborts_nothing() {
    // Once it has panicked, this hook panics at every event, as one that unwraps a mutex
    // its first panic poisoned would. The call unwinds; the body and the connection it drops
    // on the way out would report their closing to the hook, and a second panic during
    // unwinding aborts the process, every other thread with it.
    let server = HttpServer::start(|_| Reply::text("a body to read"));
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trigger = armed.clone();
    let agent = Agent::builder()
        .trace(move |_| {
            if trigger.load(std::sync::atomic::Ordering::SeqCst) {
                panic!("the hook failed");
            }
        })
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    armed.store(true, std::sync::atomic::Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| resp.text()));
    assert!(outcome.is_err(), "the hook's panic reaches the caller");
    // The agent is still usable by a hook that no longer panics.
    armed.store(false, std::sync::atomic::Ordering::SeqCst);
    let again = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(again.text().unwrap(), "a body to read");
}
