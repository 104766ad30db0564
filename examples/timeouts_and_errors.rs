//! Timeouts, and telling failures apart: `requests.get(url, timeout=...)` and its exceptions.
//!
//! Run it with `cargo run --example timeouts_and_errors`. It needs no network: it starts a
//! server on 127.0.0.1 that answers some paths, and one that never answers at all.

mod common;

use std::net::TcpListener;
use std::time::Duration;

use plainwire::{Agent, ErrorKind};

fn main() -> Result<(), plainwire::Error> {
    let base = common::serve(|request| {
        if request.head.starts_with("GET /missing ") {
            common::response("404 Not Found", "text/plain", "no such page\n")
        } else {
            common::response("200 OK", "text/plain", "fine\n")
        }
    });

    // A server that accepts connections and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").expect("cannot listen on 127.0.0.1");
    let silent_url = format!("http://{}/", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new(); // Each connection stays open, unanswered.
        for tcp in silent.incoming() {
            held.push(tcp);
        }
    });

    // A port where nothing listens.
    let closed_url = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("cannot listen on 127.0.0.1");
        format!("http://{}/", listener.local_addr().unwrap())
    };

    // Every limit has a default; these are shorter, for the demonstration.
    let agent = Agent::builder()
        .connect_timeout(Duration::from_secs(5)) // name lookup, TCP connect, TLS handshake
        .read_timeout(Some(Duration::from_millis(500))) // how long the server may stay silent
        .build()?;

    // A 404 is a response, not an error...
    let resp = agent.get(&format!("{base}/missing")).send()?;
    println!("GET /missing: {} {}", resp.status(), resp.reason());
    // ...until error_for_status() makes it one (requests' raise_for_status()).
    describe(resp.error_for_status().map(drop));

    // A silent server: the read timeout ends the wait.
    describe(agent.get(&silent_url).send().map(drop));

    // An overall deadline for one call, from connecting to the last byte of the body.
    describe(
        agent
            .get(&silent_url)
            .timeout(Duration::from_millis(300))
            .send()
            .map(drop),
    );

    // Nothing listening.
    describe(agent.get(&closed_url).send().map(drop));

    // And a call that works.
    println!("GET /: {}", agent.get(&base).send()?.text()?.trim_end());
    Ok(())
}

/// What a program would do with each kind of failure: match on its kind.
fn describe(result: Result<(), plainwire::Error>) {
    let Err(err) = result else {
        println!("ok");
        return;
    };
    let what = match err.kind() {
        ErrorKind::Timeout => format!("timed out {:?}", err.timeout_phase()),
        ErrorKind::Connect => "could not connect".to_string(),
        ErrorKind::Status(code) => format!("HTTP status {code}"),
        other => format!("{other:?}"),
    };
    // Display says what happened and names the host; curl's exit code is there for scripts.
    println!("{what} (curl exit {}): {err}", err.kind().curl_exit_code());
}
