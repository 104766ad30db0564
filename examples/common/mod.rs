//! A stand-in server for the examples, so that each one runs without a network.
//!
//! It listens on 127.0.0.1, reads each request (head and Content-Length body), and writes back
//! whatever the example's `respond` function returns, then closes the connection. A thread per
//! connection, one request per connection: enough to talk to, and nothing more.
#![allow(dead_code)] // Each example uses a part of it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

/// A request as the server received it.
pub struct Request {
    /// The request line and header lines, as sent.
    pub head: String,
    /// The body, if there was a Content-Length.
    pub body: Vec<u8>,
}

/// Starts a plain HTTP server and returns its base URL, `http://127.0.0.1:PORT`.
pub fn serve(respond: fn(&Request) -> Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot listen on 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            thread::spawn(move || answer(tcp, respond));
        }
    });
    base
}

/// Starts an HTTPS server presenting `fixtures/<cert>` (with `fixtures/<key>`) and returns its
/// base URL, `https://localhost:PORT`.
pub fn serve_tls(cert: &str, key: &str, respond: fn(&Request) -> Vec<u8>) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let chain = CertificateDer::pem_file_iter(fixture(cert))
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .expect("fixture certificate");
    let key = PrivateKeyDer::from_pem_file(fixture(key)).expect("fixture key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, key))
        .expect("server TLS configuration");
    let config = Arc::new(config);

    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot listen on 127.0.0.1");
    let base = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            thread::spawn(move || {
                let _ = tcp.set_nodelay(true);
                if let Ok(session) = rustls::ServerConnection::new(config) {
                    answer(rustls::StreamOwned::new(session, tcp), respond);
                }
            });
        }
    });
    base
}

/// The path of a file in `fixtures/`.
pub fn fixture(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A complete response with a body of `content_type`.
pub fn response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Reads one request from `stream` and writes the response to it.
fn answer(stream: impl Read + Write, respond: fn(&Request) -> Vec<u8>) {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => head.push_str(&line),
        }
    }
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let stream = reader.get_mut();
    let _ = stream.write_all(&respond(&Request { head, body }));
    let _ = stream.flush();
}
