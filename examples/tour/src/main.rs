//! The plainwire tour: Python's requests tutorial, in Rust, against a real HTTPS server.
//!
//! Run it with `cargo run -p plainwire-tour` (add `--release` for a release build's timings).
//! It needs no network: the server is started on 127.0.0.1 by this program, with the test
//! certificates in the repository's `fixtures/`. Each step prints what went over the wire
//! (`>` lines we sent, `<` lines we received, `*` events), then what came back through the API.

mod server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use plainwire::{Agent, ErrorKind, TraceEvent};

fn main() -> Result<(), plainwire::Error> {
    let addr = server::start();
    let base = format!("https://localhost:{}", addr.port());
    println!(
        "A loopback HTTPS server is listening on {addr}, with a certificate from a test CA.\n"
    );
    if cfg!(debug_assertions) {
        // `cargo run -p plainwire-tour` builds in debug mode, the quickest build from a clean
        // clone; the handshake and the rest then take a few times longer than in release.
        println!("(A debug build: the timings shown are slower than with --release.)\n");
    }

    // Every agent in the tour prints the wire through this hook.
    let show_wire = Arc::new(|event: &TraceEvent<'_>| {
        if !matches!(event, TraceEvent::BodyProgress { .. }) {
            println!("    {}", event.to_string().replace('\n', "\n    "));
        }
    });
    let traced = |builder: plainwire::AgentBuilder| {
        let hook = show_wire.clone();
        builder.trace(move |event| hook(event))
    };

    step(1, "Trust a custom CA: requests.get(url, verify=\"ca.pem\")");
    println!("    Agent::builder().ca_file(\"fixtures/ca.pem\")?.build()?\n");
    let agent = traced(Agent::builder().ca_file(server::fixture("ca.pem"))?).build()?;

    step(2, "GET and JSON: requests.get(url).json()");
    let resp = agent.get(&format!("{base}/posts/1")).send()?;
    describe(&resp);
    let post: serde_json::Value = resp.json()?;
    println!("    resp.json()? -> title = {}", post["title"]);

    step(3, "POST JSON: requests.post(url, json=payload)");
    let payload = serde_json::json!({ "title": "plainwire", "body": "no async runtime" });
    let resp = agent
        .post(&format!("{base}/posts"))
        .json(&payload)?
        .send()?;
    describe(&resp);
    println!("    resp.text()? -> {}", resp.text()?);
    println!("    (the same connection was reused: no second handshake above)");

    step(4, "The default roots do not know our test CA");
    let err = plainwire::get(&format!("{base}/posts/1"))
        .send()
        .unwrap_err();
    println!(
        "    plainwire::get(url).send() -> Err, kind {:?}",
        err.kind()
    );
    println!("    message: {err}");
    assert_eq!(err.kind(), ErrorKind::Certificate);
    // The tour is built without plainwire's `env` feature, so its default roots are always
    // webpki-roots: SSL_CERT_FILE and the like, which cargo run may set, are not read.
    println!(
        "    (the default roots: webpki-roots, Mozilla's, compiled in; this build reads no\n    \
         SSL_CERT_FILE: see docs/trust.md)"
    );

    step(5, "Insecure mode: requests.get(url, verify=False)");
    println!("    WARNING: danger_accept_invalid_certs(true) accepts any certificate from anyone.");
    println!(
        "    The connection is encrypted, but to whoever answered. Never use it in production."
    );
    let insecure = Agent::builder().danger_accept_invalid_certs(true).build()?;
    let resp = insecure.get(&format!("{base}/posts/1")).send()?;
    println!(
        "    status {} even though nothing vouches for this server",
        resp.status()
    );

    step(
        6,
        "A timeout against a silent endpoint: requests.get(url, timeout=0.5)",
    );
    let err = agent
        .get(&format!("{base}/slow"))
        .timeout(Duration::from_millis(500))
        .send()
        .unwrap_err();
    println!(
        "    -> Err, kind {:?}, phase {:?}",
        err.kind(),
        err.timeout_phase()
    );
    println!("    message: {err}");
    assert_eq!(err.kind(), ErrorKind::Timeout);

    step(7, "error_for_status on a 404: resp.raise_for_status()");
    let resp = agent.get(&format!("{base}/missing")).send()?;
    println!("    a 404 is still Ok(Response): status {}", resp.status());
    let err = resp.error_for_status().unwrap_err();
    println!("    resp.error_for_status() -> Err, kind {:?}", err.kind());
    println!("    message: {err}");
    assert_eq!(err.kind(), ErrorKind::Status(404));

    step(8, "Underneath HTTPS: a TLS 1.3 handshake, record by record");
    println!("    Every record that crosses the socket, as the trace hook reports it:");
    println!("    TraceEvent::TlsRecord, printed with {{:#}} for the fields (RFC 8446).\n");
    let (agent, records) = traced_records(Agent::builder().ca_file(server::fixture("ca.pem"))?)?;
    agent.get(&format!("{base}/posts/1")).send()?.text()?;
    print_records(&records);

    step(
        9,
        "The same with a server that speaks only TLS 1.2 (RFC 5246)",
    );
    println!("    More travels in the clear: the certificate and the key exchange; each side's");
    println!("    Finished comes after its ChangeCipherSpec, encrypted.\n");
    let tls12 = format!("https://localhost:{}", server::start_tls12_only().port());
    let (agent, records) = traced_records(Agent::builder().ca_file(server::fixture("ca.pem"))?)?;
    agent.get(&format!("{tls12}/posts/1")).send()?.text()?;
    print_records(&records);

    step(10, "A refused certificate ends in an alert");
    println!("    An agent that does not trust the test CA, against the TLS 1.2 server, where");
    println!("    the alert goes out in the clear and can be read by name.\n");
    let (agent, records) = traced_records(Agent::builder().roots_from_env(false))?;
    let err = agent.get(&format!("{tls12}/posts/1")).send().unwrap_err();
    print_records(&records);
    println!("\n    -> Err, kind {:?}: {err}", err.kind());
    assert_eq!(err.kind(), ErrorKind::Certificate);
    println!("    (In TLS 1.3 the same alert is encrypted: the trace knows it by its size.)");

    println!(
        "\nThat was the whole tour. Read the guide next (docs/guide.md, plainwire::guide in the"
    );
    println!("API docs): it walks the source from get() to the socket and back.");
    Ok(())
}

/// The TLS records one agent's trace reports, kept in order.
type Records = Arc<Mutex<Vec<String>>>;

/// An agent whose trace keeps each TLS record: the handshake's in the long form (`{:#}`),
/// the application data's in curl's one line.
fn traced_records(builder: plainwire::AgentBuilder) -> Result<(Agent, Records), plainwire::Error> {
    let records: Records = Arc::default();
    let sink = records.clone();
    let agent = builder
        .trace(move |event| {
            if let TraceEvent::TlsRecord(record) = event {
                let text = if record.is_application_data() {
                    format!("{event}")
                } else {
                    format!("{event:#}")
                };
                sink.lock().unwrap().push(text);
            }
        })
        .build()?;
    Ok((agent, records))
}

/// Prints the records kept so far, and forgets them.
fn print_records(records: &Records) {
    for record in records.lock().unwrap().drain(..) {
        println!("    {}", record.replace('\n', "\n    "));
    }
}

fn step(number: u32, title: &str) {
    println!("\n== {number}. {title}\n");
}

/// Prints what the API says about a response: status, TLS and timings.
fn describe(resp: &plainwire::Response) {
    println!(
        "    status {} {}, content type {:?}",
        resp.status(),
        resp.reason(),
        resp.content_type()
    );
    if let Some(tls) = resp.tls() {
        println!(
            "    TLS: {} {}, ALPN {:?}, resumed {}",
            tls.version, tls.cipher_suite, tls.alpn, tls.resumed
        );
    }
    let t = resp.timings();
    println!(
        "    timings: dns {:?}, tcp {:?}, tls {:?}, waiting {:?}",
        t.dns, t.connect, t.tls, t.wait
    );
}
