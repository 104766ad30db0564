//! Streams 1 GiB through plainwire with a 64 KiB buffer, to show that memory does not grow with
//! the body: the peak resident set size should stay a few MiB whatever the body's length.
//!
//! ```text
//! cargo build --release --example stream_1gib
//! /usr/bin/time -v target/release/examples/stream_1gib length    # Content-Length: 1073741824
//! /usr/bin/time -v target/release/examples/stream_1gib chunked   # Transfer-Encoding: chunked
//! ```
//!
//! It needs no network: a thread serves the body from 127.0.0.1 out of one repeated buffer.
//! At the end it prints the throughput and, on Linux, the process's peak RSS (`VmHWM`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

/// The body's length: 1 GiB.
const TOTAL: u64 = 1 << 30;
/// The size of the client's read buffer, and of the server's repeated buffer.
const BUFFER: usize = 64 * 1024;

/// The byte at `offset` of the body: a pattern that does not repeat with the buffer, so that a
/// dropped or repeated block would show.
fn pattern(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// Serves one request on `tcp`: the 1 GiB body, framed by length or chunked.
fn serve(mut tcp: TcpStream, chunked: bool) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if tcp.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    if chunked {
        tcp.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")?;
    } else {
        tcp.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {TOTAL}\r\n\r\n").as_bytes())?;
    }
    // 251 * 261 bytes: a whole number of pattern periods, so the same buffer can be sent
    // again and again and the pattern still runs on across buffers.
    let block: Vec<u8> = (0..251 * 261).map(pattern).collect();
    let mut sent = 0u64;
    while sent < TOTAL {
        let n = block
            .len()
            .min(usize::try_from(TOTAL - sent).unwrap_or(usize::MAX));
        if chunked {
            tcp.write_all(format!("{n:x}\r\n").as_bytes())?;
            tcp.write_all(&block[..n])?;
            tcp.write_all(b"\r\n")?;
        } else {
            tcp.write_all(&block[..n])?;
        }
        sent += n as u64;
    }
    if chunked {
        tcp.write_all(b"0\r\n\r\n")?;
    }
    Ok(())
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
        .unwrap_or_else(|| "length".to_string());
    let chunked = match mode.as_str() {
        "length" => false,
        "chunked" => true,
        other => {
            return Err(format!("unknown mode {other:?}: use \"length\" or \"chunked\"").into())
        }
    };

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/1gib", listener.local_addr()?);
    let server = std::thread::spawn(move || match listener.accept() {
        Ok((tcp, _)) => serve(tcp, chunked),
        Err(err) => Err(err),
    });

    let agent = plainwire::Agent::builder().proxy_from_env(false).build()?;
    let started = Instant::now();
    let mut body = agent.get(&url).send()?.error_for_status()?.into_reader();
    let mut buf = vec![0u8; BUFFER];
    let mut received = 0u64;
    loop {
        let n = body.read(&mut buf)?;
        if n == 0 {
            break;
        }
        // Check the first and last byte of every read: cheap, and catches a lost block.
        if buf[0] != pattern(received) || buf[n - 1] != pattern(received + n as u64 - 1) {
            return Err(format!("wrong bytes at offset {received}").into());
        }
        received += n as u64;
    }
    let elapsed = started.elapsed();
    server.join().expect("the server thread panicked")?;

    if received != TOTAL {
        return Err(format!("received {received} bytes, expected {TOTAL}").into());
    }
    println!(
        "{mode}: {received} bytes in {:.2} s ({:.0} MiB/s), read buffer {} KiB",
        elapsed.as_secs_f64(),
        received as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64(),
        BUFFER / 1024
    );
    if let Some(peak) = peak_rss() {
        println!("peak RSS (VmHWM): {peak}");
    }
    Ok(())
}
