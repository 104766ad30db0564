//! What every benchmark client shares: the command line, the workloads' constants, the timing
//! loop and the one line of results that `benches/run` reads.
//!
//! Every client is run as `bench_CLIENT MODE URL CA_FILE COUNT`, where MODE is one of
//!
//! - `keepalive`: COUNT sequential GETs of URL through one client, kept alive where the client
//!   can keep connections (minreq and attohttpc cannot: each of their requests connects anew);
//! - `fresh`: COUNT sequential GETs, each on a new connection with a full TLS handshake (the
//!   client is made once, with connection reuse turned off);
//! - `download`: COUNT GETs of a large body, read through a 64 KiB buffer;
//! - `post`: COUNT sequential POSTs of [`POST_JSON`], on kept-alive connections.
//!
//! It prints one line, `mode=… count=… secs=… bytes=… peak_rss_kib=…`: the time of the
//! requests alone (the client is made before the clock starts), the body bytes received, and
//! the process's peak resident set size (VmHWM).

use std::fmt::Display;
use std::time::Instant;

/// The body of each POST, as JSON text. Clients with a JSON API send it through that API
/// (parsed once into a `serde_json::Value` before the clock starts).
pub const POST_JSON: &str = r#"{"name":"plainwire","tags":["bench","json"],"count":1}"#;

/// The answer of the POST endpoint.
pub const POST_REPLY: &[u8] = br#"{"ok":true}"#;

/// The buffer a download is streamed through.
pub const DOWNLOAD_BUFFER: usize = 64 * 1024;

/// A workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sequential GETs on one kept-alive connection.
    KeepAlive,
    /// Sequential GETs, each on a new connection.
    Fresh,
    /// A large body streamed through [`DOWNLOAD_BUFFER`].
    Download,
    /// Sequential JSON POSTs on one kept-alive connection.
    Post,
}

/// The command line.
#[derive(Debug, Clone)]
pub struct Args {
    /// What to do.
    pub mode: Mode,
    /// The URL to request.
    pub url: String,
    /// The CA certificate (PEM) to trust for https URLs.
    pub ca_file: String,
    /// How many requests.
    pub count: u64,
}

impl Args {
    /// The command line, or exit with a usage message.
    pub fn parse() -> Args {
        let argv: Vec<String> = std::env::args().collect();
        let usage = || -> ! {
            eprintln!(
                "usage: {} keepalive|fresh|download|post URL CA_FILE COUNT",
                argv.first().map_or("bench", String::as_str)
            );
            std::process::exit(2)
        };
        if argv.len() != 5 {
            usage();
        }
        let mode = match argv[1].as_str() {
            "keepalive" => Mode::KeepAlive,
            "fresh" => Mode::Fresh,
            "download" => Mode::Download,
            "post" => Mode::Post,
            _ => usage(),
        };
        let count = argv[4].parse().unwrap_or_else(|_| usage());
        Args {
            mode,
            url: argv[2].clone(),
            ca_file: argv[3].clone(),
            count,
        }
    }

    /// The CA file's PEM text.
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(&self.ca_file)
            .unwrap_or_else(|e| fail(format!("cannot read {}: {e}", self.ca_file)))
    }
}

/// Prints `message` and exits with status 1.
pub fn fail(message: impl Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

/// Runs `one` COUNT times, each returning the body bytes it received, times the whole loop and
/// prints the result line. Any error ends the process with status 1: a benchmark that quietly
/// skips failures measures nothing.
pub fn measure<E: Display>(args: &Args, mut one: impl FnMut() -> Result<u64, E>) {
    let started = Instant::now();
    let mut bytes = 0u64;
    for i in 0..args.count {
        match one() {
            Ok(n) => bytes += n,
            Err(e) => fail(format!("request {} of {}: {e}", i + 1, args.count)),
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "mode={:?} count={} secs={secs:.6} bytes={bytes} peak_rss_kib={}",
        args.mode,
        args.count,
        peak_rss_kib()
    );
}

/// Checks a status code and a body, for clients that give us the whole body.
pub fn check(status: u16, body: &[u8], mode: Mode) -> Result<u64, String> {
    if status != 200 {
        return Err(format!("status {status}"));
    }
    if mode == Mode::Post && body != POST_REPLY {
        return Err(format!(
            "unexpected reply {:?}",
            String::from_utf8_lossy(body)
        ));
    }
    if body.is_empty() {
        return Err("empty body".into());
    }
    Ok(body.len() as u64)
}

/// Reads `reader` to its end through a [`DOWNLOAD_BUFFER`] (allocated once per process and
/// reused), returning the bytes read.
pub fn drain(reader: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<u64> {
    let mut total = 0u64;
    loop {
        match reader.read(buf) {
            Ok(0) => return Ok(total),
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The peak resident set size of this process, in KiB (VmHWM in /proc/self/status; 0 where
/// there is no such file).
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
