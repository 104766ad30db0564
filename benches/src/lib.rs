//! What every benchmark client shares: the command line, the workloads' constants, the timing
//! loop and the one line of results that `benches/run` reads.
//!
//! Every client is run as `bench_CLIENT MODE URL CA_FILE COUNT`, where MODE is one of
//!
//! - `keepalive`: COUNT sequential GETs of URL through one client, kept alive where the client
//!   can keep connections (minreq and attohttpc cannot: each of their requests connects anew);
//! - `fresh`: COUNT sequential GETs, each on a new connection (the client is made once, with
//!   connection reuse turned off: "one agent, no reuse"); whether the TLS handshake is a full
//!   one or a resumption is up to the server `benches/run` points it at;
//! - `agent`: COUNT sequential GETs, each through a client made for it (its TLS configuration
//!   and trust store included): "a new agent per request";
//! - `threads`: COUNT keep-alive GETs in all, spread over [`THREADS`] threads that share one
//!   client (the floor, which has no pool, gives each thread a connection of its own);
//! - `download`: COUNT GETs of a large body, read through a 64 KiB buffer;
//! - `post`: COUNT sequential POSTs of [`POST_JSON`], on kept-alive connections.
//!
//! It prints one line, `mode=… count=… secs=… bytes=… cpu_ns=… peak_rss_kib=…`: the time of
//! the requests alone (the client is made before the clock starts), the body bytes received,
//! the CPU time the process's threads spent on the requests (user and system, from the
//! scheduler's per-thread accounting), and the process's peak resident set size (VmHWM).

use std::fmt::Display;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Barrier;
use std::time::Instant;

/// The body of each POST, as JSON text. Clients with a JSON API send it through that API
/// (parsed once into a `serde_json::Value` before the clock starts).
pub const POST_JSON: &str = r#"{"name":"plainwire","tags":["bench","json"],"count":1}"#;

/// The answer of the POST endpoint.
pub const POST_REPLY: &[u8] = br#"{"ok":true}"#;

/// The buffer a download is streamed through.
pub const DOWNLOAD_BUFFER: usize = 64 * 1024;

/// How many threads share one client in the `threads` workload.
pub const THREADS: usize = 8;

/// A workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sequential GETs on one kept-alive connection.
    KeepAlive,
    /// Sequential GETs, each on a new connection of the same client.
    Fresh,
    /// Sequential GETs, each through a new client.
    Agent,
    /// Keep-alive GETs from [`THREADS`] threads sharing one client.
    Threads,
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
                "usage: {} keepalive|fresh|agent|threads|download|post URL CA_FILE COUNT",
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
            "agent" => Mode::Agent,
            "threads" => Mode::Threads,
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
    let cpu_before = process_cpu_ns();
    let started = Instant::now();
    let mut bytes = 0u64;
    for i in 0..args.count {
        match one() {
            Ok(n) => bytes += n,
            Err(e) => fail(format!("request {} of {}: {e}", i + 1, args.count)),
        }
    }
    let secs = started.elapsed().as_secs_f64();
    report(
        args,
        secs,
        bytes,
        process_cpu_ns().saturating_sub(cpu_before),
    );
}

/// Runs COUNT requests over `threads` threads (each its share, the first ones one more when
/// COUNT does not divide), and prints the result line like [`measure`]. Each thread calls
/// `make` with its index for its own request function before the clock starts (that is where
/// the floor opens its connection); all start together, and the clock stops when the last
/// one is done.
pub fn measure_threads<E, F>(args: &Args, threads: usize, make: impl Fn(usize) -> F + Sync)
where
    E: Display,
    F: FnMut() -> Result<u64, E>,
{
    let start = Barrier::new(threads + 1);
    let bytes = AtomicU64::new(0);
    let cpu_before = process_cpu_ns();
    let started = std::thread::scope(|scope| {
        for t in 0..threads {
            let share =
                args.count / threads as u64 + u64::from((t as u64) < args.count % threads as u64);
            let (make, start, bytes) = (&make, &start, &bytes);
            scope.spawn(move || {
                let mut one = make(t);
                start.wait();
                let mut mine = 0u64;
                for i in 0..share {
                    match one() {
                        Ok(n) => mine += n,
                        Err(e) => fail(format!("thread {t}, request {} of {share}: {e}", i + 1)),
                    }
                }
                bytes.fetch_add(mine, Ordering::Relaxed);
                // This thread's CPU time, before it exits and leaves /proc/self/task.
                EXITED_THREADS_CPU_NS.fetch_add(thread_cpu_ns(), Ordering::Relaxed);
            });
        }
        start.wait();
        // Leaving the scope joins every thread, so the clock read after it covers them all.
        Instant::now()
    });
    let secs = started.elapsed().as_secs_f64();
    let cpu = process_cpu_ns() + EXITED_THREADS_CPU_NS.load(Ordering::Relaxed);
    report(
        args,
        secs,
        bytes.into_inner(),
        cpu.saturating_sub(cpu_before),
    );
}

fn report(args: &Args, secs: f64, bytes: u64, cpu_ns: u64) {
    println!(
        "mode={:?} count={} secs={secs:.6} bytes={bytes} cpu_ns={cpu_ns} peak_rss_kib={}",
        args.mode,
        args.count,
        peak_rss_kib()
    );
}

/// The CPU time of threads of [`measure_threads`] that have ended.
static EXITED_THREADS_CPU_NS: AtomicU64 = AtomicU64::new(0);

/// The CPU time (user and system) of every live thread of this process, in nanoseconds: the
/// first field of each /proc/self/task/*/schedstat, which the scheduler keeps to the
/// nanosecond (getrusage and /proc/self/stat count in 10 ms ticks, too coarse for a run of a
/// few tenths of a second). 0 where there is no such file. Threads a client keeps in the
/// background (reqwest's runtime) are counted too.
pub fn process_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .map(|task| schedstat_ns(&task.path().join("schedstat")))
        .sum()
}

/// The CPU time of the calling thread, in nanoseconds.
pub fn thread_cpu_ns() -> u64 {
    schedstat_ns(std::path::Path::new("/proc/thread-self/schedstat"))
}

fn schedstat_ns(path: &std::path::Path) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
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
