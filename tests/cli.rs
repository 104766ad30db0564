//! The `plainwire` command-line tool, run as a process against servers on 127.0.0.1.
//!
//! Each test runs the built binary with some flags and checks the exit code and the exact
//! bytes on stdout (and, where it matters, stderr and what the server received). Timeouts
//! in these tests are limits the tool must apply, never thresholds a test measures: a test
//! that checks `-m` looks at the exit code (28), and the server it talks to stays silent for
//! much longer than the limit (until the tool hangs up).

mod support;

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_plainwire");

/// A tool that has not exited after this long is hung: kill it and fail, rather than hang
/// the test run. Every test here finishes in well under a second when things work.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Variables that could reroute a request or change what is trusted; removed from the
/// tool's environment.
const ENV_VARS: [&str; 10] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// What a run of the tool did.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Asserts the exit code, showing stderr when it is wrong.
    fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            code,
            "exit code; stderr: {}\nstdout: {:?}",
            self.stderr,
            self.stdout_text()
        );
        self
    }

    /// Asserts that stderr is exactly one `plainwire: (N) ...` line.
    fn expect_error_line(&self, code: i32) -> &Run {
        self.expect_code(code);
        let prefix = format!("plainwire: ({code}) ");
        assert!(
            self.stderr.starts_with(&prefix)
                && self.stderr.ends_with('\n')
                && self.stderr.lines().count() == 1,
            "stderr should be one '{prefix}...' line: {:?}",
            self.stderr
        );
        self
    }
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for var in ENV_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs the tool with stdin closed.
fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

/// Runs the tool with `stdin` (if any) fed to it.
fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = command(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start plainwire");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    finish(child)
}

/// Collects a started tool's output and exit code (stdout and stderr read on threads so that
/// a full pipe never blocks it).
fn finish(mut child: Child) -> Run {
    let collect = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = collect(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = collect(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let code = wait(&mut child);
    Run {
        code,
        stdout: stdout.join().unwrap(),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
    }
}

/// Waits for the tool to exit; its exit code. Kills it and fails if it hangs.
fn wait(child: &mut Child) -> i32 {
    let guard = Instant::now() + HANG_GUARD;
    loop {
        if let Some(status) = child.try_wait().expect("waiting for plainwire") {
            return status
                .code()
                .unwrap_or_else(|| panic!("plainwire was killed by a signal: {status}"));
        }
        if Instant::now() > guard {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plainwire hung for {HANG_GUARD:?}");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// A fresh, empty directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn path_str(path: &std::path::Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// A server answering every request with `reply`.
fn serve(reply: Reply) -> HttpServer {
    HttpServer::start(move |_| reply.clone())
}

/// Every byte value, a few times over: a body that any text handling would damage.
fn binary_body() -> Vec<u8> {
    (0..4096u32).map(|i| (i * 7 % 256) as u8).collect()
}

#[cfg(feature = "tls")]
fn ca() -> String {
    fixture("ca.pem").to_str().unwrap().to_string()
}

#[cfg(feature = "tls")]
fn tls_server(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> HttpServer {
    HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), handler)
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------
// The body on stdout
// ---------------------------------------------------------------------------

#[test]
fn get_writes_the_body_to_stdout_byte_for_byte() {
    let server = serve(Reply::new(200).body(binary_body()));
    let run = run(&[&server.url("/file")]);
    run.expect_code(0);
    assert_eq!(run.stdout, binary_body());
    assert_eq!(run.stderr, "");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].target, "/file");
}

#[test]
fn a_chunked_body_is_written_without_its_transfer_coding() {
    let server = ScriptedServer::respond_with(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n",
    );
    let run = run(&[&server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"hello, world");
}

#[test]
fn a_large_body_arrives_whole() {
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let server = serve(Reply::new(200).body(body.clone()));
    let run = run(&[&server.url("/big")]);
    run.expect_code(0);
    assert!(run.stdout == body, "{} bytes differ", run.stdout.len());
}

#[test]
fn the_body_is_streamed_not_buffered() {
    // The server sends the first half, then waits until the test has seen that half on the
    // tool's stdout before sending the rest. A tool that buffered the whole body would
    // print nothing until the server gave up waiting.
    let (release, released) = mpsc::channel::<()>();
    let released = Mutex::new(released);
    let waited_for_test = Arc::new(AtomicBool::new(false));
    let flag = waited_for_test.clone();
    let server = ScriptedServer::start(move |conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst");
        let got = released
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(60));
        flag.store(got.is_ok(), Ordering::SeqCst);
        conn.write_all(b"-last");
    });
    let mut child = command(&[&server.url("/")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 64];
    while seen.len() < 5 {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "stdout ended after {seen:?}");
        seen.extend_from_slice(&buf[..n]);
    }
    assert_eq!(seen, b"first");
    release.send(()).unwrap();
    stdout.read_to_end(&mut seen).unwrap();
    assert_eq!(wait(&mut child), 0);
    assert_eq!(seen, b"first-last");
    assert!(
        waited_for_test.load(Ordering::SeqCst),
        "the first half only reached stdout after the server stopped waiting"
    );
}

#[test]
fn a_content_coding_is_left_as_sent() {
    // Gzip bytes with Content-Encoding: gzip reach stdout undecoded, and the tool does not
    // ask for compression (curl without --compressed), whatever the library's features.
    let gzip_hello: &[u8] = &[
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9,
        0x07, 0x00, 0x86, 0xa6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00,
    ];
    let server = serve(
        Reply::new(200)
            .header("Content-Encoding", "gzip")
            .body(gzip_hello),
    );
    let run = run(&[&server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, gzip_hello);
    assert_eq!(server.requests()[0].header("accept-encoding"), None);
}

#[test]
fn any_status_exits_0_without_fail() {
    let server = serve(Reply::new(500).body("server trouble"));
    let run = run(&[&server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"server trouble");
}

// ---------------------------------------------------------------------------
// -i, -I
// ---------------------------------------------------------------------------

const ODD_HEAD: &str =
    "HTTP/1.1 201 Created\r\nX-Odd:   spaced  \r\nx-lower: case\r\nContent-Length: 5\r\n\r\n";

#[test]
fn include_prints_the_head_as_received_then_the_body() {
    let server = ScriptedServer::respond_with(format!("{ODD_HEAD}hello"));
    let run = run(&["-i", &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout_text(), format!("{ODD_HEAD}hello"));
}

#[test]
fn include_long_form() {
    let server = ScriptedServer::respond_with(format!("{ODD_HEAD}hello"));
    let run = run(&["--include", &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout_text(), format!("{ODD_HEAD}hello"));
}

#[test]
fn head_sends_head_and_prints_the_response_head() {
    let server = ScriptedServer::respond_with(ODD_HEAD);
    let run = run(&["-I", &server.url("/doc")]);
    run.expect_code(0);
    assert_eq!(run.stdout_text(), ODD_HEAD);
    let requests = server.requests();
    assert!(
        requests[0].starts_with(b"HEAD /doc HTTP/1.1\r\n"),
        "{}",
        String::from_utf8_lossy(&requests[0])
    );
}

#[test]
fn head_long_form_against_a_real_server() {
    let server = serve(
        Reply::new(200)
            .header("X-Test", "yes")
            .body("a body HEAD never sees"),
    );
    let run = run(&["--head", &server.url("/")]);
    run.expect_code(0);
    assert_eq!(
        run.stdout_text(),
        "HTTP/1.1 200 OK\r\nX-Test: yes\r\nContent-Length: 22\r\n\r\n"
    );
    assert_eq!(server.requests()[0].method, "HEAD");
}

// ---------------------------------------------------------------------------
// -o
// ---------------------------------------------------------------------------

#[test]
fn output_writes_the_body_to_the_file_and_nothing_to_stdout() {
    let dir = temp_dir("output");
    let file = dir.join("out.bin");
    let server = serve(Reply::new(200).body(binary_body()));
    let run = run(&["-o", path_str(&file), &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"");
    // No progress meter: stderr is not a terminal here.
    assert_eq!(run.stderr, "");
    assert_eq!(fs::read(&file).unwrap(), binary_body());
}

#[test]
fn output_with_include_puts_the_head_in_the_file() {
    let dir = temp_dir("output-include");
    let file = dir.join("out.txt");
    let server = ScriptedServer::respond_with(format!("{ODD_HEAD}hello"));
    let run = run(&["-i", "--output", path_str(&file), &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"");
    assert_eq!(
        fs::read(&file).unwrap(),
        format!("{ODD_HEAD}hello").as_bytes()
    );
}

#[test]
fn output_replaces_an_existing_file() {
    let dir = temp_dir("output-replace");
    let file = dir.join("out.txt");
    fs::write(&file, "old contents that are longer").unwrap();
    let server = serve(Reply::new(200).body("new"));
    run(&["-o", path_str(&file), &server.url("/")]).expect_code(0);
    assert_eq!(fs::read(&file).unwrap(), b"new");
}

#[test]
fn output_dash_is_stdout() {
    let server = serve(Reply::new(200).body("to stdout"));
    let run = run(&["-o", "-", &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"to stdout");
    assert!(!std::path::Path::new("-").exists());
}

#[test]
fn output_into_a_missing_directory_exits_23() {
    let dir = temp_dir("output-missing");
    let file = dir.join("no/such/dir/out.txt");
    let server = serve(Reply::new(200).body("hello"));
    let run = run(&["-o", path_str(&file), &server.url("/")]);
    run.expect_error_line(23);
    assert!(run.stderr.contains("out.txt"), "{}", run.stderr);
    assert_eq!(run.stdout, b"");
}

#[test]
fn a_closed_stdout_exits_23_quietly() {
    let server = serve(Reply::new(200).body(vec![b'x'; 1 << 20]));
    let mut child = command(&[&server.url("/")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the tool can have written anything.
    drop(child.stdout.take());
    let run = finish(child);
    run.expect_code(23);
    assert_eq!(run.stderr, "", "no message, and no panic");
}

// ---------------------------------------------------------------------------
// -d, --json
// ---------------------------------------------------------------------------

#[test]
fn data_posts_a_form() {
    let server = serve(Reply::new(200).body("ok"));
    let run = run(&["-d", "name=plain wire&x=1", &server.url("/form")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"ok");
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.body, b"name=plain wire&x=1");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.header("content-length"), Some("19"));
}

#[test]
fn repeated_data_is_joined_with_ampersands() {
    let server = serve(Reply::new(200));
    run(&["-d", "a=1", "--data", "b=2", "-dc=3", &server.url("/")]).expect_code(0);
    assert_eq!(server.requests()[0].body, b"a=1&b=2&c=3");
}

#[test]
fn data_from_a_file_drops_line_breaks_like_curl() {
    let dir = temp_dir("data-file");
    let file = dir.join("form.txt");
    fs::write(&file, "a=1\r\nb=2\n").unwrap();
    let server = serve(Reply::new(200));
    let at_file = format!("@{}", path_str(&file));
    run(&["-d", "x=0", "-d", &at_file, &server.url("/")]).expect_code(0);
    assert_eq!(server.requests()[0].body, b"x=0&a=1b=2");
}

#[test]
fn data_from_stdin() {
    let server = serve(Reply::new(200));
    let run = run_with_stdin(&["-d", "@-", &server.url("/")], Some(b"q=from stdin\n"));
    run.expect_code(0);
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.body, b"q=from stdin");
}

#[test]
fn a_header_overrides_the_form_content_type() {
    let server = serve(Reply::new(200));
    run(&[
        "-H",
        "Content-Type: text/plain",
        "-d",
        "raw text",
        &server.url("/"),
    ])
    .expect_code(0);
    let request = &server.requests()[0];
    assert_eq!(request.header_all("content-type"), vec![&b"text/plain"[..]]);
    assert_eq!(request.body, b"raw text");
}

#[test]
fn an_unreadable_data_file_exits_26_before_connecting() {
    let dir = temp_dir("data-missing");
    let server = serve(Reply::new(200));
    let at_file = format!("@{}", path_str(&dir.join("missing.txt")));
    let run = run(&["-d", &at_file, &server.url("/")]);
    run.expect_error_line(26);
    assert!(run.stderr.contains("missing.txt"), "{}", run.stderr);
    assert_eq!(server.connections(), 0);
}

#[test]
fn an_unreadable_json_file_exits_26() {
    let dir = temp_dir("json-missing");
    let server = serve(Reply::new(200));
    let at_file = format!("@{}", path_str(&dir));
    // A directory cannot be read as a file.
    run(&["--json", &at_file, &server.url("/")]).expect_error_line(26);
    assert_eq!(server.connections(), 0);
}

#[test]
fn json_sets_content_type_and_accept() {
    let server = serve(Reply::new(200).body("{}"));
    let run = run(&["--json", r#"{"a":1}"#, &server.url("/api")]);
    run.expect_code(0);
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.body, br#"{"a":1}"#);
    assert_eq!(
        request.header_all("content-type"),
        vec![&b"application/json"[..]]
    );
    assert_eq!(request.header_all("accept"), vec![&b"application/json"[..]]);
}

#[test]
fn json_from_a_file_is_sent_byte_for_byte() {
    let dir = temp_dir("json-file");
    let file = dir.join("body.json");
    let bytes = b"{\r\n  \"a\": [1, 2]\n}\n";
    fs::write(&file, bytes).unwrap();
    let server = serve(Reply::new(200));
    let at_file = format!("@{}", path_str(&file));
    run(&["--json", &at_file, &server.url("/")]).expect_code(0);
    assert_eq!(server.requests()[0].body, bytes);
}

#[test]
fn json_from_stdin() {
    let server = serve(Reply::new(200));
    let input = b"[true, false]\n";
    run_with_stdin(&["--json", "@-", &server.url("/")], Some(input)).expect_code(0);
    assert_eq!(server.requests()[0].body, input);
}

#[test]
fn headers_override_the_json_defaults() {
    let server = serve(Reply::new(200));
    run(&[
        "--json",
        "{}",
        "-H",
        "Accept: text/plain",
        "-H",
        "content-type: application/vnd.x+json",
        &server.url("/"),
    ])
    .expect_code(0);
    let request = &server.requests()[0];
    assert_eq!(request.header_all("accept"), vec![&b"text/plain"[..]]);
    assert_eq!(
        request.header_all("content-type"),
        vec![&b"application/vnd.x+json"[..]]
    );
}

// ---------------------------------------------------------------------------
// -X, -H and combined short flags
// ---------------------------------------------------------------------------

#[test]
fn request_sets_the_method() {
    let server = serve(Reply::new(200));
    run(&["-X", "DELETE", &server.url("/item")]).expect_code(0);
    run(&["--request", "PUT", "-d", "v", &server.url("/item")]).expect_code(0);
    let requests = server.requests();
    assert_eq!(requests[0].method, "DELETE");
    assert_eq!(requests[1].method, "PUT");
    assert_eq!(requests[1].body, b"v");
}

#[test]
fn combined_short_flags() {
    // -XPOST and -Hx:y take their values from the rest of the argument.
    let server = serve(Reply::new(200).body("ok"));
    run(&["-XPOST", "-Hx:y", "-HX-Two: 2", &server.url("/")]).expect_code(0);
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("x"), Some("y"));
    assert_eq!(request.header("x-two"), Some("2"));

    // -sSL: silent, but errors shown, following redirects.
    let redirects = HttpServer::start(|req| match req.path() {
        "/start" => Reply::new(302).header("Location", "/end"),
        _ => Reply::new(200).body("arrived"),
    });
    let run_ok = run(&["-sSL", &redirects.url("/start")]);
    run_ok.expect_code(0);
    assert_eq!(run_ok.stdout, b"arrived");
    let refused = format!("http://127.0.0.1:{}/", closed_port());
    run(&["-sSL", &refused]).expect_error_line(7);
}

#[test]
fn headers_are_sent_as_given() {
    let server = serve(Reply::new(200));
    run(&[
        "-H",
        "X-Token: abc def",
        "--header",
        "X-Empty;",
        "-H",
        "User-Agent: custom/1",
        &server.url("/"),
    ])
    .expect_code(0);
    let request = &server.requests()[0];
    assert_eq!(request.header("x-token"), Some("abc def"));
    assert_eq!(request.header("x-empty"), Some(""));
    assert_eq!(request.header_all("user-agent"), vec![&b"custom/1"[..]]);
}

#[test]
fn a_header_with_a_line_break_is_refused_with_2() {
    let server = serve(Reply::new(200));
    for bad in ["X: a\r\nEvil: 1", "X: a\nEvil: 1", "X: a\r"] {
        let run = run(&["-H", bad, &server.url("/")]);
        run.expect_error_line(2);
        assert!(run.stderr.contains("CR, LF"), "{}", run.stderr);
    }
    assert_eq!(server.connections(), 0);
}

// ---------------------------------------------------------------------------
// -L, --max-redirs
// ---------------------------------------------------------------------------

fn redirect_chain() -> HttpServer {
    HttpServer::start(|req| match req.path() {
        "/a" => Reply::new(301).header("Location", "/b").body("moved"),
        "/b" => Reply::new(302).header("Location", "/c"),
        "/c" => Reply::text("final"),
        _ => Reply::new(404),
    })
}

#[test]
fn redirects_are_not_followed_by_default() {
    let server = redirect_chain();
    let run = run(&["-i", &server.url("/a")]);
    run.expect_code(0);
    let out = run.stdout_text();
    assert!(out.starts_with("HTTP/1.1 301 "), "{out}");
    assert!(out.ends_with("\r\n\r\nmoved"), "{out}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn location_follows_redirects() {
    let server = redirect_chain();
    let run = run(&["-L", &server.url("/a")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"final");
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, ["/a", "/b", "/c"]);
}

#[test]
fn too_many_redirects_exits_47() {
    let server = HttpServer::start(|_| Reply::new(302).header("Location", "/again"));
    let run = run(&["--location", "--max-redirs", "3", &server.url("/")]);
    run.expect_error_line(47);
    assert_eq!(run.stdout, b"");
    assert_eq!(
        server.requests().len(),
        4,
        "the first request and 3 redirects"
    );
}

#[test]
fn the_default_redirect_limit_is_10() {
    let server = HttpServer::start(|_| Reply::new(302).header("Location", "/again"));
    run(&["-L", &server.url("/")]).expect_error_line(47);
    assert_eq!(server.requests().len(), 11);
}

#[test]
fn max_redirs_0_with_location_exits_47_on_the_first_redirect() {
    let server = redirect_chain();
    let redirected = run(&["-L", "--max-redirs", "0", &server.url("/a")]);
    redirected.expect_error_line(47);
    assert_eq!(redirected.stdout, b"");
    assert_eq!(server.requests().len(), 1);
    // A response that is not a redirect is fine.
    let direct = run(&["-L", "--max-redirs=0", &server.url("/c")]);
    direct.expect_code(0);
    assert_eq!(direct.stdout, b"final");
}

#[test]
fn max_redirs_is_enough_when_it_equals_the_chain() {
    let server = redirect_chain();
    let run = run(&["-L", "--max-redirs", "2", &server.url("/a")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"final");
}

#[cfg(feature = "tls")]
#[test]
fn a_redirect_from_https_to_http_exits_47() {
    let plain = serve(Reply::text("unencrypted"));
    let target = plain.url("/");
    let server = tls_server(move |_| Reply::new(302).header("Location", target.as_str()));
    let run = run(&["-L", "--cacert", &ca(), &server.url("/")]);
    run.expect_error_line(47);
    assert_eq!(plain.connections(), 0);
}

// ---------------------------------------------------------------------------
// -f
// ---------------------------------------------------------------------------

#[test]
fn fail_exits_22_and_prints_no_body() {
    let server = serve(Reply::new(404).body("the error page"));
    let run = run(&["-f", &server.url("/missing")]);
    run.expect_error_line(22);
    assert!(run.stderr.contains("404"), "{}", run.stderr);
    assert_eq!(run.stdout, b"");
}

#[test]
fn fail_with_include_prints_nothing_either() {
    let server = serve(Reply::new(503).body("busy"));
    let run = run(&["--fail", "-i", &server.url("/")]);
    run.expect_error_line(22);
    assert_eq!(run.stdout, b"");
}

#[test]
fn fail_does_not_create_the_output_file() {
    let dir = temp_dir("fail-output");
    let file = dir.join("out.txt");
    let server = serve(Reply::new(400));
    run(&["-f", "-o", path_str(&file), &server.url("/")]).expect_code(22);
    assert!(!file.exists());
}

#[test]
fn fail_passes_success_and_redirect_statuses() {
    let server = redirect_chain();
    let run_ok = run(&["-f", &server.url("/c")]);
    run_ok.expect_code(0);
    assert_eq!(run_ok.stdout, b"final");
    run(&["-f", &server.url("/a")]).expect_code(0);
}

// ---------------------------------------------------------------------------
// HTTPS: --cacert, -k
// ---------------------------------------------------------------------------

#[cfg(feature = "tls")]
#[test]
fn cacert_verifies_the_server() {
    let server = tls_server(|_| Reply::text("secure"));
    let run = run(&["--cacert", &ca(), &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"secure");
}

#[cfg(feature = "tls")]
#[test]
fn an_unverified_certificate_exits_60() {
    let server = tls_server(|_| Reply::text("secure"));
    // The test CA is not among the built-in roots.
    let run_default = run(&[&server.url("/")]);
    run_default.expect_error_line(60);
    assert_eq!(run_default.stdout, b"");
    // Nor is it the CA given.
    let other = fixture("other-ca.pem");
    run(&["--cacert", path_str(&other), &server.url("/")]).expect_error_line(60);
}

#[cfg(feature = "tls")]
#[test]
fn insecure_skips_verification_with_a_warning() {
    let server = tls_server(|_| Reply::text("secure"));
    let run_k = run(&["-k", &server.url("/")]);
    run_k.expect_code(0);
    assert_eq!(run_k.stdout, b"secure");
    assert!(
        run_k.stderr.starts_with("plainwire: warning: --insecure"),
        "{}",
        run_k.stderr
    );
    // -s silences the warning.
    let run_s = run(&["--insecure", "-s", &server.url("/")]);
    run_s.expect_code(0);
    assert_eq!(run_s.stdout, b"secure");
    assert_eq!(run_s.stderr, "");
}

#[cfg(feature = "tls")]
#[test]
fn an_unreadable_cacert_is_an_error() {
    let dir = temp_dir("cacert-missing");
    let server = tls_server(|_| Reply::text("secure"));
    let missing = dir.join("missing.pem");
    let run = run(&["--cacert", path_str(&missing), &server.url("/")]);
    run.expect_error_line(77);
    assert!(run.stderr.contains("missing.pem"), "{}", run.stderr);
    assert_eq!(server.connections(), 0);
}

#[cfg(feature = "tls")]
#[test]
fn garbage_during_the_tls_handshake_exits_35() {
    let server = ScriptedServer::start(|conn| {
        // The TLS record header of the ClientHello, then an HTTP answer instead of TLS.
        conn.read_exact_body(5);
        conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let url = format!("https://127.0.0.1:{}/", server.port());
    let run = run(&["--cacert", &ca(), &url]);
    run.expect_error_line(35);
}

// ---------------------------------------------------------------------------
// Timeouts: --connect-timeout, -m
// ---------------------------------------------------------------------------

/// A server that reads what it gets and never answers, until the client hangs up (or its
/// own socket timeout, far longer than the limits the tests set).
fn silent_server() -> ScriptedServer {
    ScriptedServer::start(|conn| {
        conn.read_to_end();
    })
}

#[test]
fn max_time_exits_28() {
    let server = silent_server();
    let run = run(&["-m", "0.3", &server.url("/")]);
    run.expect_error_line(28);
    assert_eq!(run.stdout, b"");
}

#[test]
fn max_time_long_form_covers_the_body_too() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
        conn.read_to_end();
    });
    let run = run(&["--max-time", "0.3", &server.url("/")]);
    run.expect_error_line(28);
    assert_eq!(run.stdout, b"some");
}

#[cfg(feature = "tls")]
#[test]
fn connect_timeout_covers_the_tls_handshake() {
    // TCP connects at once; the TLS handshake never gets an answer.
    let server = silent_server();
    let url = format!("https://127.0.0.1:{}/", server.port());
    let run = run(&["--connect-timeout", "0.3", "--cacert", &ca(), &url]);
    run.expect_error_line(28);
}

#[test]
fn generous_timeouts_let_a_transfer_through() {
    let server = serve(Reply::text("in time"));
    let run = run(&["--connect-timeout", "30", "-m", "60", &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"in time");
}

// ---------------------------------------------------------------------------
// -u, --oauth2-bearer, -x
// ---------------------------------------------------------------------------

#[test]
fn user_sends_basic_auth() {
    let server = serve(Reply::new(200));
    run(&["-u", "aladdin:open sesame", &server.url("/")]).expect_code(0);
    run(&["--user", "solo", &server.url("/")]).expect_code(0);
    let requests = server.requests();
    // base64("aladdin:open sesame") and base64("solo:")
    assert_eq!(
        requests[0].header("authorization"),
        Some("Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    assert_eq!(requests[1].header("authorization"), Some("Basic c29sbzo="));
}

#[test]
fn oauth2_bearer_sends_the_token() {
    let server = serve(Reply::new(200));
    run(&["--oauth2-bearer", "tok.en-123", &server.url("/")]).expect_code(0);
    assert_eq!(
        server.requests()[0].header_all("authorization"),
        vec![&b"Bearer tok.en-123"[..]]
    );
}

#[test]
fn an_authorization_header_wins_over_user() {
    let server = serve(Reply::new(200));
    run(&[
        "-u",
        "al:pw",
        "-H",
        "Authorization: Custom xyz",
        &server.url("/"),
    ])
    .expect_code(0);
    assert_eq!(
        server.requests()[0].header_all("authorization"),
        vec![&b"Custom xyz"[..]]
    );
}

#[test]
fn proxy_receives_the_absolute_url() {
    let proxy = serve(Reply::text("via proxy"));
    let proxy_address = format!("127.0.0.1:{}", proxy.port());
    let run = run(&["-x", &proxy_address, "http://origin.invalid/path?q=1"]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"via proxy");
    let request = &proxy.requests()[0];
    assert_eq!(request.target, "http://origin.invalid/path?q=1");
    assert_eq!(request.header("host"), Some("origin.invalid"));
}

#[test]
fn proxy_long_form_with_a_scheme() {
    let proxy = serve(Reply::text("via proxy"));
    run(&["--proxy", &proxy.url("/"), "http://origin.invalid/"]).expect_code(0);
    assert_eq!(proxy.requests()[0].target, "http://origin.invalid/");
}

// ---------------------------------------------------------------------------
// -v, -s, -S
// ---------------------------------------------------------------------------

#[test]
fn verbose_shows_the_wire_curl_style_on_stderr() {
    let server = serve(Reply::new(200).header("X-Test", "yes").body("body"));
    let url = server.url("/v");
    let run = run(&["-v", "-u", "alice:hunter2", &url]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"body", "verbose output stays off stdout");
    let lines: Vec<&str> = run.stderr.lines().collect();
    for expected in [
        format!("* Connected to 127.0.0.1:{} from", server.port()),
        "> GET /v HTTP/1.1".to_string(),
        format!("> Host: 127.0.0.1:{}", server.port()),
        "> Authorization: Basic *****".to_string(),
        "< HTTP/1.1 200 OK".to_string(),
        "< X-Test: yes".to_string(),
        "< Content-Length: 4".to_string(),
        "* Connection kept alive for reuse".to_string(),
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected.as_str())),
            "{expected:?} in {lines:#?}"
        );
    }
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

#[test]
fn verbose_masks_cookie_and_set_cookie_values() {
    let server = serve(
        Reply::new(200)
            .header("Set-Cookie", "sid=server-secret; HttpOnly")
            .body("body"),
    );
    let run = run(&["-v", "-H", "Cookie: sid=client-secret", &server.url("/")]);
    run.expect_code(0);
    assert!(run.stderr.contains("> Cookie: *****"), "{}", run.stderr);
    assert!(run.stderr.contains("< Set-Cookie: *****"), "{}", run.stderr);
    for secret in ["client-secret", "server-secret"] {
        assert!(!run.stderr.contains(secret), "{secret}: {}", run.stderr);
    }
}

#[cfg(feature = "tls")]
#[test]
fn verbose_shows_the_tls_handshake_and_every_redirect_hop() {
    let server = tls_server(|req| match req.path() {
        "/a" => Reply::new(302).header("Location", "/b"),
        _ => Reply::new(200).body("end"),
    });
    let run = run(&["--verbose", "-L", "--cacert", &ca(), &server.url("/a")]);
    run.expect_code(0);
    let err = &run.stderr;
    assert!(err.contains("* TLS handshake: TLSv1.3"), "{err}");
    assert!(
        err.contains("* Certificate level 0: subject: CN=localhost"),
        "{err}"
    );
    assert!(
        err.contains("> GET /a HTTP/1.1") && err.contains("< HTTP/1.1 302"),
        "{err}"
    );
    assert!(
        err.contains("> GET /b HTTP/1.1") && err.contains("< HTTP/1.1 200"),
        "{err}"
    );
}

#[test]
fn silent_hides_errors_and_show_error_brings_them_back() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let quiet = run(&["-s", &url]);
    quiet.expect_code(7);
    assert_eq!(quiet.stderr, "");
    run(&["--silent", "--show-error", &url]).expect_error_line(7);
    run(&["-S", &url]).expect_error_line(7);
}

// ---------------------------------------------------------------------------
// --max-filesize
// ---------------------------------------------------------------------------

#[test]
fn max_filesize_refuses_a_declared_length_before_writing() {
    let server = serve(Reply::new(200).body(vec![b'x'; 100]));
    let run = run(&["--max-filesize", "99", &server.url("/")]);
    run.expect_error_line(63);
    assert_eq!(run.stdout, b"");
}

#[test]
fn max_filesize_stops_a_chunked_body_at_the_limit() {
    let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..10 {
        chunked.extend_from_slice(b"a\r\n0123456789\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let server = ScriptedServer::respond_with(chunked);
    let run = run(&["--max-filesize", "25", &server.url("/")]);
    run.expect_error_line(63);
    assert!(run.stdout.len() <= 25, "{} bytes written", run.stdout.len());
}

#[test]
fn max_filesize_allows_a_body_of_exactly_the_limit() {
    let server = serve(Reply::new(200).body(vec![b'x'; 100]));
    let exact = run(&["--max-filesize", "100", &server.url("/")]);
    exact.expect_code(0);
    assert_eq!(exact.stdout.len(), 100);
    run(&["--max-filesize", "1k", &server.url("/")]).expect_code(0);
}

// ---------------------------------------------------------------------------
// -w
// ---------------------------------------------------------------------------

#[test]
fn write_out_reports_code_size_and_final_url() {
    let server = redirect_chain();
    let run = run(&[
        "-L",
        "-w",
        r"\n%{http_code} %{size_download} %{url_effective}\n",
        &server.url("/a"),
    ]);
    run.expect_code(0);
    assert_eq!(
        run.stdout_text(),
        format!("final\n200 5 {}\n", server.url("/c"))
    );
}

#[test]
fn write_out_after_a_failure_shows_000() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let run = run(&["--write-out", "%{http_code}|%{url_effective}", &url]);
    run.expect_error_line(7);
    assert_eq!(run.stdout_text(), format!("000|{url}"));
}

#[test]
fn write_out_with_fail_shows_the_status() {
    let server = serve(Reply::new(404).body("nope"));
    let run = run(&["-f", "-w", "%{http_code}", &server.url("/")]);
    run.expect_code(22);
    assert_eq!(run.stdout, b"404");
}

#[test]
fn write_out_warns_about_unknown_variables() {
    let server = serve(Reply::new(200).body("x"));
    let run = run(&["-w", "[%{time_travel}]", &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"x[]");
    assert!(run.stderr.contains("time_travel"), "{}", run.stderr);
}

#[cfg(feature = "tls")]
#[test]
fn write_out_reports_curls_five_timings_in_order() {
    let server = tls_server(|_| Reply::new(200).body("x"));
    let format = "\\n%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}";
    let run = run(&["--cacert", &ca(), "-w", format, &server.url("/")]);
    run.expect_code(0);
    let out = run.stdout_text();
    let times: Vec<f64> = out
        .lines()
        .nth(1)
        .unwrap()
        .split(' ')
        .map(|t| t.parse().unwrap())
        .collect();
    assert_eq!(times.len(), 5, "{out}");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(
        times[2] > 0.0,
        "an https transfer has a TLS handshake: {times:?}"
    );
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .split(' ')
            .all(|t| t.split('.').nth(1).map(str::len) == Some(6)),
        "{out}"
    );
}

// ---------------------------------------------------------------------------
// -h, -V, flags not supported yet
// ---------------------------------------------------------------------------

#[test]
fn help_prints_usage() {
    for flag in ["-h", "--help"] {
        let run = run(&[flag]);
        run.expect_code(0);
        let out = run.stdout_text();
        assert!(
            out.starts_with("Usage: plainwire [options...] <url>\n"),
            "{out}"
        );
        assert!(out.contains("--max-filesize"), "{out}");
        assert_eq!(run.stderr, "");
    }
}

#[test]
fn version_prints_the_version() {
    for flag in ["-V", "--version"] {
        let run = run(&[flag]);
        run.expect_code(0);
        assert_eq!(
            run.stdout_text(),
            format!("plainwire {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[cfg(feature = "tls")]
#[test]
fn capath_trusts_a_directory_of_certificates() {
    let server = tls_server(|_| Reply::new(200).body("trusted"));
    let dir = temp_dir("capath");
    std::fs::copy(fixture("ca.pem"), dir.join("ca.pem")).unwrap();
    let run = run(&["--capath", path_str(&dir), &server.url("/")]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"trusted");
    let empty = temp_dir("capath-empty");
    run_empty_capath(&empty, &server);
}

/// An empty --capath trusts nothing: the server's certificate fails (60), it is no
/// configuration error (77).
#[cfg(feature = "tls")]
fn run_empty_capath(dir: &std::path::Path, server: &HttpServer) {
    let run = run(&["--capath", path_str(dir), &server.url("/")]);
    run.expect_error_line(60);
    assert!(
        run.stderr
            .contains("not issued by a trusted certificate authority"),
        "{}",
        run.stderr
    );
}

#[cfg(feature = "tls")]
fn mtls_server() -> HttpServer {
    let config = server_tls_config_with(
        "localhost.pem",
        "localhost.key",
        &[&rustls::version::TLS13],
        Some("client-ca.pem"),
    );
    HttpServer::start_tls(config, |_| Reply::new(200).body("hello, client"))
}

#[cfg(feature = "tls")]
#[test]
fn cert_and_key_authenticate_the_client() {
    let server = mtls_server();
    let cert = fixture("client.pem");
    let key = fixture("client.key");
    let run = run(&[
        "--cacert",
        &ca(),
        "--cert",
        path_str(&cert),
        "--key",
        path_str(&key),
        &server.url("/"),
    ]);
    run.expect_code(0);
    assert_eq!(run.stdout, b"hello, client");
}

#[cfg(feature = "tls")]
#[test]
fn cert_with_the_key_in_the_same_file() {
    let server = mtls_server();
    let dir = temp_dir("cert-and-key");
    let both = dir.join("both.pem");
    let mut pem = std::fs::read(fixture("client.pem")).unwrap();
    pem.extend(std::fs::read(fixture("client.key")).unwrap());
    std::fs::write(&both, pem).unwrap();
    run(&[
        "--cacert",
        &ca(),
        "--cert",
        path_str(&both),
        &server.url("/"),
    ])
    .expect_code(0);
}

#[cfg(feature = "tls")]
#[test]
fn a_missing_client_certificate_exits_35() {
    let server = mtls_server();
    let run = run(&["--cacert", &ca(), &server.url("/")]);
    run.expect_error_line(35);
    assert!(
        run.stderr.contains("client authentication"),
        "{}",
        run.stderr
    );
}

#[cfg(feature = "tls")]
#[test]
fn an_unusable_client_certificate_exits_58_before_connecting() {
    let server = mtls_server();
    let cert = fixture("client.pem");
    let cases = [
        vec!["--cert", "/nonexistent/client.pem"],
        vec![
            "--cert",
            path_str(&cert),
            "--key",
            "/nonexistent/client.key",
        ],
    ];
    let other_key = fixture("client-other.key");
    let encrypted = fixture("client-encrypted.key");
    let more = [
        vec!["--cert", path_str(&cert), "--key", path_str(&other_key)],
        vec!["--cert", path_str(&cert), "--key", path_str(&encrypted)],
    ];
    for flags in cases.iter().chain(more.iter()) {
        let mut args = vec!["--cacert".to_string(), ca()];
        args.extend(flags.iter().map(|s| s.to_string()));
        args.push(server.url("/"));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&refs).expect_error_line(58);
    }
    assert_eq!(server.connections(), 0);
}

#[cfg(feature = "tls")]
#[test]
fn ssl_cert_file_from_the_environment_is_trusted() {
    let server = tls_server(|_| Reply::new(200).body("env"));
    let ca_path = fixture("ca.pem");
    let output = command(&[&server.url("/")])
        .env("SSL_CERT_FILE", &ca_path)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, b"env");
}

// ---------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------

#[test]
fn exit_1_unsupported_scheme() {
    run(&["ftp://127.0.0.1/file"]).expect_error_line(1);
}

#[test]
fn exit_2_bad_command_line() {
    run(&["--no-such-flag", "http://127.0.0.1/"]).expect_error_line(2);
    run(&[]).expect_error_line(2);
    run(&["-m", "soon", "http://127.0.0.1/"]).expect_error_line(2);
}

#[test]
fn exit_3_malformed_url() {
    run(&["http://[::1/"]).expect_error_line(3);
    run(&["no-scheme.example"]).expect_error_line(3);
}

/// `.invalid` never resolves (RFC 6761), and resolvers answer it without the network, or
/// fail just the same (still 6) when there is none.
#[test]
fn exit_6_name_not_resolved() {
    run(&["http://plainwire-test.invalid/"]).expect_error_line(6);
}

#[test]
fn exit_7_connection_refused() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    run(&[&url]).expect_error_line(7);
}

#[test]
fn exit_8_reply_is_not_http() {
    let server = ScriptedServer::respond_with("SSH-2.0-OpenSSH_9.6\r\n\r\n");
    run(&[&server.url("/")]).expect_error_line(8);
}

#[test]
fn exit_18_body_shorter_than_declared_keeps_what_arrived() {
    let server = ScriptedServer::respond_with("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
    let run = run(&[&server.url("/")]);
    run.expect_error_line(18);
    assert_eq!(run.stdout, b"hello");
}

#[test]
fn exit_52_empty_reply() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
    });
    run(&[&server.url("/")]).expect_error_line(52);
}

/// The server closes its socket with the request still unread in its receive buffer, which
/// makes the kernel send a RST instead of a FIN (no SO_LINGER, no unsafe code needed).
#[test]
fn exit_56_connection_reset() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        // Wait until the request is there, without reading it.
        let mut probe = [0u8; 1];
        let _ = stream.peek(&mut probe);
        let mut stream: TcpStream = stream;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart");
        drop(stream);
    });
    let run = run(&[&format!("http://127.0.0.1:{port}/")]);
    run.expect_error_line(56);
    // Only then: a tool that never connected would leave the server waiting in accept().
    server.join().unwrap();
}
