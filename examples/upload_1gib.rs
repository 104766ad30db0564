//! Uploads 1 GiB as a multipart file part through plainwire, to show that memory does not grow
//! with the upload: the peak resident set size should stay a few MiB whatever the part's size.
//!
//! ```text
//! cargo build --release --example upload_1gib
//! target/release/examples/upload_1gib file      # a 1 GiB file: Form::file, Content-Length
//! target/release/examples/upload_1gib chunked   # a reader of unknown length: chunked
//! ```
//!
//! It needs no network: a thread on 127.0.0.1 reads the body, counts it and checks that it
//! ends with the closing delimiter. The file is a sparse file in the temporary directory (it
//! takes no disk space, and is removed at the end); the reader yields a repeating pattern. At
//! the end it prints the throughput and, on Linux, the process's peak RSS (`VmHWM`), the server
//! thread's buffers included.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

use plainwire::multipart::{Form, Part};

/// The part's length: 1 GiB.
const TOTAL: u64 = 1 << 30;
/// The size of the server's read buffer.
const BUFFER: usize = 64 * 1024;

/// The byte at `offset` of the reader's data.
fn pattern(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// A reader of `TOTAL` pattern bytes, of unknown length to plainwire.
struct PatternReader {
    offset: u64,
}

impl Read for PatternReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = usize::try_from(TOTAL - self.offset).unwrap_or(usize::MAX);
        let n = buf.len().min(left);
        for (i, byte) in buf[..n].iter_mut().enumerate() {
            *byte = pattern(self.offset + i as u64);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Serves one request: answers `100 Continue` if asked, reads the body (by length or chunked)
/// and answers with the number of body bytes.
fn serve(tcp: TcpStream) -> std::io::Result<u64> {
    let mut writer = tcp.try_clone()?;
    let mut reader = BufReader::with_capacity(BUFFER, tcp);
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse::<u64>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
        if lower.starts_with("expect:") && lower.contains("100-continue") {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let mut received = 0u64;
    let mut tail = Vec::new();
    let mut consume = |reader: &mut BufReader<TcpStream>, mut n: u64| -> std::io::Result<()> {
        while n > 0 {
            let buf = reader.fill_buf()?;
            if buf.is_empty() {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let take = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
            // Keep the last bytes, to check the closing delimiter.
            tail.extend_from_slice(&buf[take.saturating_sub(256)..take]);
            if tail.len() > 256 {
                tail.drain(..tail.len() - 256);
            }
            reader.consume(take);
            received += take as u64;
            n -= take as u64;
        }
        Ok(())
    };
    if chunked {
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let size = u64::from_str_radix(line.trim(), 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk line {line:?}")))?;
            if size == 0 {
                let mut end = String::new();
                reader.read_line(&mut end)?;
                break;
            }
            consume(&mut reader, size)?;
            let mut crlf = [0u8; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else {
        consume(&mut reader, length.unwrap_or(0))?;
    }
    if !String::from_utf8_lossy(&tail).ends_with("--\r\n") {
        return Err(std::io::Error::other(
            "the body does not end with a closing delimiter",
        ));
    }
    let reply = received.to_string();
    writer.write_all(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{reply}",
            reply.len()
        )
        .as_bytes(),
    )?;
    Ok(received)
}

/// The peak resident set size, from /proc (Linux only).
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    Some(line["VmHWM:".len()..].trim().to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mode = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "file".to_string());
    let dir = std::env::temp_dir().join(format!("plainwire-upload-{}", std::process::id()));
    let form = match mode.as_str() {
        "file" => {
            std::fs::create_dir_all(&dir)?;
            let path = dir.join("1gib.bin");
            // Sparse: a gigabyte of zeros that takes no disk space.
            std::fs::File::create(&path)?.set_len(TOTAL)?;
            Form::new().text("name", "1gib.bin").file("data", &path)?
        }
        "chunked" => Form::new().text("name", "pattern").part(
            "data",
            Part::reader(PatternReader { offset: 0 }).file_name("pattern.bin"),
        ),
        other => return Err(format!("unknown mode {other:?}: use \"file\" or \"chunked\"").into()),
    };
    let length = form.content_length();

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/upload", listener.local_addr()?);
    let server = std::thread::spawn(move || match listener.accept() {
        Ok((tcp, _)) => serve(tcp),
        Err(err) => Err(err),
    });

    let agent = plainwire::Agent::builder().proxy_from_env(false).build()?;
    let started = Instant::now();
    let answer = agent
        .post(&url)
        .multipart(form)
        .send()?
        .error_for_status()?
        .text()?;
    let elapsed = started.elapsed();
    let received = server.join().expect("the server thread panicked")?;
    let _ = std::fs::remove_dir_all(&dir);

    if received < TOTAL || answer != received.to_string() {
        return Err(format!("the server received {received} bytes ({answer})").into());
    }
    if let Some(length) = length {
        if length != received {
            return Err(format!("sent {received} bytes, announced {length}").into());
        }
    }
    println!(
        "{mode}: {received} body bytes ({}) in {:.2} s ({:.0} MiB/s)",
        if length.is_some() {
            "Content-Length"
        } else {
            "chunked"
        },
        elapsed.as_secs_f64(),
        received as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64(),
    );
    if let Some(peak) = peak_rss() {
        println!("peak RSS (VmHWM): {peak}");
    }
    Ok(())
}
