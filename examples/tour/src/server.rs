//! The tour's server: HTTPS on 127.0.0.1 with the fixture certificates, a handful of routes.
//!
//! It is deliberately tiny (a thread per connection, keep-alive, Content-Length bodies only):
//! just enough for the tour to have something real to talk to.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Where a fixture file lives: in the repository's `fixtures/`, two levels above this package.
pub fn fixture(name: &str) -> String {
    format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Starts the server in the background, speaking TLS 1.3 and 1.2, and returns its address.
pub fn start() -> SocketAddr {
    start_with(rustls::DEFAULT_VERSIONS)
}

/// Starts a server that speaks only TLS 1.2, for the contrast with 1.3.
pub fn start_tls12_only() -> SocketAddr {
    start_with(&[&rustls::version::TLS12])
}

/// Starts the server with these protocol versions.
fn start_with(versions: &[&'static rustls::SupportedProtocolVersion]) -> SocketAddr {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(fixture("localhost.pem"))
            .expect("fixture certificate")
            .collect::<Result<_, _>>()
            .expect("fixture certificate");
    let key = PrivateKeyDer::from_pem_file(fixture("localhost.key")).expect("fixture key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let config = Arc::new(config);

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            thread::spawn(move || serve(config, tcp));
        }
    });
    addr
}

fn serve(config: Arc<rustls::ServerConfig>, tcp: TcpStream) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    // Without this, the session tickets and the first response wait on each other's ACKs.
    let _ = tcp.set_nodelay(true);
    let Ok(session) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(session, tcp);
    let mut buf = Vec::new();
    loop {
        // Read one request head (and its Content-Length body).
        let head_end = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 4096];
            match tls.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        if request.parse(&buf[..head_end]).is_err() {
            return;
        }
        let method = request.method.unwrap_or("").to_string();
        let path = request.path.unwrap_or("").to_string();
        let length: usize = request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-length"))
            .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match tls.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body: Vec<u8> = buf[head_end..head_end + length].to_vec();
        buf.drain(..head_end + length);

        let Some((status, content_type, reply)) = route(&method, &path, &body) else {
            // The silent endpoint: hold the connection and say nothing.
            thread::sleep(Duration::from_secs(5));
            return;
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            reply.len()
        );
        let mut out = response.into_bytes();
        out.extend_from_slice(&reply);
        if tls.write_all(&out).is_err() || tls.flush().is_err() {
            return;
        }
    }
}

/// The routes: status, content type, body; `None` for the endpoint that never answers.
fn route(method: &str, path: &str, body: &[u8]) -> Option<(&'static str, &'static str, Vec<u8>)> {
    Some(match (method, path) {
        ("GET", "/posts/1") => (
            "200 OK",
            "application/json",
            br#"{"id":1,"title":"Hello, HTTPS","body":"Sent over TLS from a server in this process."}"#.to_vec(),
        ),
        ("POST", "/posts") => {
            let mut created = br#"{"id":101,"received":"#.to_vec();
            created.extend_from_slice(body);
            created.push(b'}');
            ("201 Created", "application/json", created)
        }
        ("GET", "/slow") => return None,
        _ => ("404 Not Found", "text/plain", b"no such page\n".to_vec()),
    })
}
