//! GET one HTTPS URL with the default roots and print the body: the floor, a bare rustls
//! (ring) connection over std's TcpStream, the request written by hand, the head parsed by
//! httparse and the body read by its Content-Length.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: hello URL")?;
    let rest = url.strip_prefix("https://").ok_or("not an https URL")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse()?),
        None => (authority, 443),
    };

    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn = ClientConnection::new(Arc::new(config), ServerName::try_from(host.to_string())?)?;
    let mut tls = StreamOwned::new(conn, TcpStream::connect((host, port))?);
    write!(
        tls,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )?;

    let mut input = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let (used, length) = loop {
        let n = tls.read(&mut chunk)?;
        if n == 0 {
            return Err("the server closed the connection before the head".into());
        }
        input.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut head = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(used) = head.parse(&input)? {
            let length = head
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| {
                    std::str::from_utf8(h.value)
                        .ok()?
                        .trim()
                        .parse::<usize>()
                        .ok()
                })
                .ok_or("no Content-Length")?;
            break (used, length);
        }
    };
    let mut body = input.split_off(used);
    while body.len() < length {
        let n = tls.read(&mut chunk)?;
        if n == 0 {
            return Err("the body was cut short".into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    std::io::stdout().write_all(&body)?;
    Ok(())
}
