//! [`TestProxy`]: a loopback HTTP proxy for the proxy tests: absolute-form requests answered by
//! the proxy itself, CONNECT tunnels spliced to 127.0.0.1, optional required credentials.

use super::*;

use std::sync::atomic::AtomicBool;

/// A loopback HTTP proxy, a thread per connection. `CONNECT host:port` is answered with 200 and
/// spliced to 127.0.0.1:port; an absolute-form request is answered by the proxy itself with
/// `proxied METHOD TARGET`, keeping the connection alive. With credentials required, anything
/// without the right `Proxy-Authorization` gets 407.
pub struct TestProxy {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl TestProxy {
    pub fn start(required: Option<&str>) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let required = required.map(str::to_string);
        let (h, c, s) = (heads.clone(), connections.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let (heads, required) = (h.clone(), required.clone());
                thread::spawn(move || proxy_connection(stream, &heads, required.as_deref()));
            }
        });
        TestProxy {
            addr,
            heads,
            connections,
            stop,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url_with_credentials(&self, userinfo: &str) -> String {
        format!("http://{userinfo}@{}", self.addr)
    }

    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }

    pub fn request_lines(&self) -> Vec<String> {
        self.heads()
            .iter()
            .map(|h| h.lines().next().unwrap_or("").to_string())
            .collect()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Reads a head (through CRLFCRLF) into `buf`; `None` at EOF or on error.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head: Vec<u8> = buf.drain(..at + 4).collect();
            return Some(String::from_utf8_lossy(&head).into_owned());
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn proxy_connection(mut client: TcpStream, heads: &Mutex<Vec<String>>, required: Option<&str>) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    while let Some(head) = read_head(&mut client, &mut buf) {
        heads.lock().unwrap().push(head.clone());
        let mut parts = head.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let authorized = match required {
            None => true,
            Some(r) => header(&head, "proxy-authorization") == Some(r),
        };
        if !authorized {
            let _ = client.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                  Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n",
            );
            if method == "CONNECT" {
                return;
            }
            continue;
        }
        if method == "CONNECT" {
            let port: u16 = target.rsplit(':').next().unwrap().parse().unwrap();
            let Ok(mut origin) = TcpStream::connect(("127.0.0.1", port)) else {
                let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                return;
            };
            let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            let _ = origin.write_all(&buf);
            splice(client, origin);
            return;
        }
        let length: usize = header(&head, "content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < length {
            let mut chunk = [0u8; 4096];
            match client.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..length);
        let body = format!("proxied {method} {target}");
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if client.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

/// Copies bytes both ways until either side closes.
fn splice(client: TcpStream, origin: TcpStream) {
    let (mut client_read, mut origin_write) =
        (client.try_clone().unwrap(), origin.try_clone().unwrap());
    let upstream = thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut origin_write);
        let _ = origin_write.shutdown(Shutdown::Write);
    });
    let (mut origin_read, mut client_write) = (origin, client);
    let _ = std::io::copy(&mut origin_read, &mut client_write);
    let _ = client_write.shutdown(Shutdown::Write);
    let _ = upstream.join();
}
