//! Property tests: what must hold for every input, not just the ones we thought of.
//!
//! - A chunked body, cut into chunks of random sizes with random extensions and trailers and
//!   delivered in random pieces, decodes to the same bytes through [`ChunkedDecoder`] and
//!   through a real [`plainwire::Response`].
//! - Any bytes at all, read as a response head and body, end in `Ok` or `Err`: never a panic,
//!   and never a head larger than the limit.
//! - No method, header name, header value or URL can put a bare CR or LF on the wire: the
//!   request either fails before connecting or goes out as well-formed CRLF-ended lines.
//!
//! The cases that need a server are kept few (see `SERVER_CASES`) so that `cargo test` stays
//! quick; the fuzz targets in `fuzz/` explore the sans-IO parsers much further.

mod support;

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plainwire::http1::body::BodyDecoder;
use plainwire::http1::chunked::ChunkedDecoder;
use plainwire::http1::framing::response_framing;
use plainwire::http1::head::{parse_response_head, HeadLimits};
use plainwire::http1::write::write_request_head;
use plainwire::{Agent, ErrorKind, Url};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use support::*;

/// Cases for properties that go through a loopback server.
const SERVER_CASES: u32 = 64;
/// Cases for the purely in-memory properties.
const MEMORY_CASES: u32 = 512;

fn agent() -> Agent {
    Agent::builder()
        .proxy_from_env(false)
        .read_timeout(Some(Duration::from_secs(5)))
        .max_redirects(0)
        .build()
        .unwrap()
}

/// A runner for `cases` cases, or as many as `PROPTEST_CASES` says (for a longer run).
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// Cuts `bytes` at the given points (taken modulo its length, in any order).
fn split_at_points(bytes: &[u8], points: &[usize]) -> Vec<Vec<u8>> {
    if bytes.is_empty() {
        return vec![Vec::new()];
    }
    let mut cuts: Vec<usize> = points.iter().map(|p| p % bytes.len()).collect();
    cuts.push(0);
    cuts.push(bytes.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| bytes[w[0]..w[1]].to_vec())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Chunked bodies: the decoder and a real response agree
// ---------------------------------------------------------------------------------------------

/// A body and one way to send it chunked.
#[derive(Debug, Clone)]
struct ChunkedCase {
    body: Vec<u8>,
    /// The chunked encoding of `body`, as a server would send it.
    wire: Vec<u8>,
    /// Where the wire bytes are cut into separate writes (and separate `decode` calls).
    splits: Vec<usize>,
    /// The size of the output buffer handed to the decoder.
    out_size: usize,
}

fn chunk_extension() -> impl Strategy<Value = String> {
    // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val a token or a
    // quoted string.
    proptest::collection::vec(
        (
            "[ \t]{0,2}",
            "[a-z][a-z0-9-]{0,7}",
            proptest::option::of("[a-zA-Z0-9]{1,6}|\"[a-z ;=]{0,6}\""),
        ),
        0..3,
    )
    .prop_map(|exts| {
        exts.into_iter()
            .map(|(space, name, value)| match value {
                Some(value) => format!("{space};{name}={value}"),
                None => format!("{space};{name}"),
            })
            .collect()
    })
}

fn chunked_case() -> impl Strategy<Value = ChunkedCase> {
    (
        proptest::collection::vec(any::<u8>(), 0..3000),
        proptest::collection::vec((1usize..700, chunk_extension(), any::<bool>()), 1..12),
        chunk_extension(),
        proptest::collection::vec("[A-Za-z][A-Za-z0-9-]{0,10}: [ -~]{0,20}", 0..4),
        proptest::collection::vec(any::<usize>(), 0..24),
        1usize..100,
    )
        .prop_map(|(body, chunks, last_ext, trailers, splits, out_size)| {
            let mut wire = Vec::new();
            let mut rest = &body[..];
            let mut sizes = chunks.iter().cycle();
            while !rest.is_empty() {
                let (size, ext, upper) = sizes.next().unwrap();
                let n = (*size).min(rest.len());
                let size = if *upper {
                    format!("{n:X}")
                } else {
                    format!("{n:x}")
                };
                wire.extend_from_slice(format!("{size}{ext}\r\n").as_bytes());
                wire.extend_from_slice(&rest[..n]);
                wire.extend_from_slice(b"\r\n");
                rest = &rest[n..];
            }
            wire.extend_from_slice(format!("0{last_ext}\r\n").as_bytes());
            for trailer in &trailers {
                wire.extend_from_slice(trailer.as_bytes());
                wire.extend_from_slice(b"\r\n");
            }
            wire.extend_from_slice(b"\r\n");
            ChunkedCase {
                body,
                wire,
                splits,
                out_size,
            }
        })
}

/// Decodes `pieces` one after the other, as they would arrive, keeping unconsumed bytes for
/// the next call as a connection's buffer does.
fn decode_pieces(pieces: &[Vec<u8>], out_size: usize) -> (Vec<u8>, bool, usize) {
    let mut decoder = ChunkedDecoder::new();
    let mut out = vec![0u8; out_size];
    let mut body = Vec::new();
    let mut pending = Vec::new();
    for piece in pieces {
        pending.extend_from_slice(piece);
        while !pending.is_empty() && !decoder.is_done() {
            let (consumed, written) = decoder.decode(&pending, &mut out).unwrap();
            assert!(consumed <= pending.len() && written <= out.len());
            assert!(consumed > 0, "no progress");
            body.extend_from_slice(&out[..written]);
            pending.drain(..consumed);
        }
    }
    (body, decoder.is_done(), pending.len())
}

#[test]
fn chunked_bodies_decode_the_same_through_the_decoder_and_a_response() {
    // One keep-alive server for every case; it sends whatever the current case put here.
    let current: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let shared = current.clone();
    let server = ScriptedServer::start(move |conn| loop {
        if conn.read_request_head().is_empty() {
            return;
        }
        let pieces = shared.lock().unwrap().clone();
        conn.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for piece in &pieces {
            if !conn.write_all(piece) {
                return;
            }
        }
    });
    let agent = agent();
    let url = server.url("/chunked");

    runner(SERVER_CASES)
        .run(&chunked_case(), |case| {
            let pieces = split_at_points(&case.wire, &case.splits);

            let (decoded, done, left) = decode_pieces(&pieces, case.out_size);
            prop_assert!(done, "the decoder did not reach the end");
            prop_assert_eq!(left, 0);
            prop_assert_eq!(&decoded, &case.body);

            *current.lock().unwrap() = pieces;
            let mut reader = agent.get(&url).send().unwrap().into_reader();
            let mut through_response = Vec::new();
            let mut buf = vec![0u8; case.out_size];
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                through_response.extend_from_slice(&buf[..n]);
            }
            prop_assert_eq!(&through_response, &case.body);
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Any bytes: Ok or Err, never a panic, never past the head limit
// ---------------------------------------------------------------------------------------------

/// Bytes that are sometimes nearly a response: a plausible head start, then anything.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just(b"Content-Length: 5\r\n".to_vec()),
        Just(b"Content-Length: 99999\r\n".to_vec()),
        Just(b"Transfer-Encoding: chunked\r\n".to_vec()),
        Just(b"Connection: close\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"5\r\nhello\r\n0\r\n\r\n".to_vec()),
        Just(b"HTTP/1.1 100 Continue\r\n\r\n".to_vec()),
        "[ -~]{0,20}\r\n".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    (
        prop_oneof![
            Just(b"HTTP/1.1 200 OK\r\n".to_vec()),
            Just(b"HTTP/1.0 204 \r\n".to_vec()),
            Just(b"HTTP/1.1 ".to_vec()),
            Just(Vec::new()),
        ],
        proptest::collection::vec(line, 0..12),
    )
        .prop_map(|(start, lines)| {
            let mut bytes = start;
            for line in lines {
                bytes.extend_from_slice(&line);
            }
            bytes
        })
}

/// Reads `input` as a response arriving in `pieces`: the head under `limits`, then the body
/// under the framing for GET, then the end of input. Returns whether it got that far.
fn read_as_response(pieces: &[Vec<u8>], limits: &HeadLimits, out_size: usize) -> bool {
    let mut buffered: Vec<u8> = Vec::new();
    let mut pieces = pieces.iter();
    let (head, used) = loop {
        match parse_response_head(&buffered, limits) {
            Err(_) => return false,
            Ok(Some(parsed)) => break parsed,
            Ok(None) => {
                assert!(
                    buffered.len() < limits.max_head_size,
                    "asked for more past the limit"
                );
                match pieces.next() {
                    Some(piece) => buffered.extend_from_slice(piece),
                    None => return false,
                }
            }
        }
    };
    assert!(used <= buffered.len());
    assert!(head.headers.raw().len() <= limits.max_head_size);
    assert!(head.headers.len() <= limits.max_headers);
    buffered.drain(..used);

    let Ok(framing) = response_framing("GET", &head) else {
        return false;
    };
    let mut decoder = BodyDecoder::new(framing.body);
    let mut out = vec![0u8; out_size];
    loop {
        while !buffered.is_empty() && !decoder.is_done() {
            match decoder.decode(&buffered, &mut out) {
                Ok((consumed, written)) => {
                    assert!(consumed <= buffered.len() && written <= out.len());
                    buffered.drain(..consumed);
                }
                Err(err) => {
                    assert_eq!(err.kind(), ErrorKind::Protocol);
                    return false;
                }
            }
        }
        if decoder.is_done() {
            return true;
        }
        match pieces.next() {
            Some(piece) => buffered.extend_from_slice(piece),
            None => {
                let _ = decoder.end_of_input();
                return true;
            }
        }
    }
}

#[test]
fn any_bytes_read_as_a_response_end_in_ok_or_err() {
    let strategy = (
        prop_oneof![
            hostile_bytes(),
            proptest::collection::vec(any::<u8>(), 0..600)
        ],
        proptest::collection::vec(any::<usize>(), 0..16),
        0usize..400,
        0usize..8,
        1usize..64,
    );
    runner(MEMORY_CASES)
        .run(
            &strategy,
            |(bytes, splits, max_head_size, max_headers, out_size)| {
                let pieces = split_at_points(&bytes, &splits);
                let small = HeadLimits {
                    max_head_size,
                    max_headers,
                };
                read_as_response(&pieces, &small, out_size);
                read_as_response(&pieces, &HeadLimits::default(), out_size);
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn any_bytes_from_a_server_end_in_ok_or_err() {
    let current: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let shared = current.clone();
    // One response per connection, then close: the bytes may not be a response at all.
    let server = ScriptedServer::start(move |conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        let pieces = shared.lock().unwrap().clone();
        for piece in &pieces {
            if !conn.write_all(piece) {
                return;
            }
        }
    });
    let url = server.url("/anything");
    let strategy = (
        hostile_bytes(),
        proptest::collection::vec(any::<usize>(), 0..8),
        64usize..400,
        1usize..64,
    );
    runner(SERVER_CASES)
        .run(&strategy, |(bytes, splits, max_head_size, out_size)| {
            *current.lock().unwrap() = split_at_points(&bytes, &splits);
            let agent = Agent::builder()
                .proxy_from_env(false)
                .read_timeout(Some(Duration::from_secs(5)))
                .max_redirects(0)
                .max_head_size(max_head_size)
                .build()
                .unwrap();
            let Ok(resp) = agent.get(&url).send() else {
                return Ok(());
            };
            prop_assert!(resp.headers().raw().len() <= max_head_size);
            let mut reader = resp.into_reader();
            let mut buf = vec![0u8; out_size];
            let mut total = 0;
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                total += n;
                prop_assert!(total <= bytes.len(), "more body than bytes sent");
            }
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// No CR or LF on the wire
// ---------------------------------------------------------------------------------------------

/// Text that often holds CR, LF, NUL, spaces, colons or non-ASCII characters.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}",
        "[A-Za-z0-9\r\n\0 \t:;/?#%\u{80}-\u{10ffff}-]{0,12}",
        any::<String>(),
    ]
}

fn has_line_break(s: &str) -> bool {
    s.contains(['\r', '\n'])
}

/// Checks that `head` is `request-line CRLF *(field-line CRLF) CRLF`, with no CR or LF
/// anywhere else, and returns its lines.
fn well_formed_lines(head: &[u8]) -> Vec<&[u8]> {
    assert!(
        head.ends_with(b"\r\n\r\n"),
        "the head does not end with CRLF CRLF: {head:?}"
    );
    // Every line, the blank one left out, ends with CRLF.
    let lines: Vec<&[u8]> = head[..head.len() - 2]
        .split_inclusive(|&b| b == b'\n')
        .map(|line| {
            line.strip_suffix(b"\r\n")
                .unwrap_or_else(|| panic!("bare LF in {head:?}"))
        })
        .collect();
    for line in &lines {
        assert!(!line.is_empty(), "an empty line inside the head: {head:?}");
        assert!(!line.contains(&b'\r'), "a bare CR in {head:?}");
    }
    for field in &lines[1..] {
        assert!(
            field.windows(2).any(|w| w == b": "),
            "a field line without ': ' in {head:?}"
        );
    }
    lines
}

#[test]
fn write_request_head_never_writes_a_bare_cr_or_lf() {
    let strategy = (
        nasty_text(),
        nasty_text(),
        proptest::collection::vec((nasty_text(), nasty_text()), 0..4),
    );
    runner(MEMORY_CASES)
        .run(&strategy, |(method, target, headers)| {
            let mut out = Vec::new();
            let fields = headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
            let result = write_request_head(&mut out, &method, &target, fields);
            let any_break = has_line_break(&method)
                || has_line_break(&target)
                || headers
                    .iter()
                    .any(|(n, v)| has_line_break(n) || has_line_break(v));
            match result {
                Ok(()) => {
                    prop_assert!(!any_break, "a line break was accepted");
                    let lines = well_formed_lines(&out);
                    prop_assert_eq!(lines.len(), 1 + headers.len());
                    let request_line = format!("{method} {target} HTTP/1.1");
                    prop_assert_eq!(lines[0], request_line.as_bytes());
                    for ((name, value), line) in headers.iter().zip(&lines[1..]) {
                        // Whitespace around a value is no part of it (RFC 9110 section 5.5).
                        let field = format!("{name}: {}", value.trim_matches([' ', '\t']));
                        prop_assert_eq!(*line, field.as_bytes());
                    }
                }
                Err(err) => {
                    prop_assert_eq!(err.kind(), ErrorKind::InvalidRequest);
                    prop_assert!(out.is_empty(), "a refused head left bytes behind");
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn no_request_puts_a_bare_cr_or_lf_on_the_wire() {
    let server = ScriptedServer::start(|conn| loop {
        if conn.read_request_head().is_empty() {
            return;
        }
        if !conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") {
            return;
        }
    });
    let agent = agent();
    let strategy = (nasty_text(), nasty_text(), nasty_text(), nasty_text());
    runner(SERVER_CASES)
        .run(&strategy, |(method, name_suffix, value, path)| {
            // A prefix and suffix keep the generated parts away from the URL's ends (where
            // whitespace is trimmed) and keep the name clear of the fields plainwire owns.
            let url = format!("http://127.0.0.1:{}/{path}.x", server.port());
            let name = format!("X-{name_suffix}");
            let before = server.connections();
            let requests_before = server.requests().len();
            let result = agent.request(&method, &url).header(&name, &value).send();

            let bad_url = has_line_break(&path);
            let bad_request = has_line_break(&method) || has_line_break(&name) || has_line_break(&value);
            if bad_url || bad_request {
                let err = match result {
                    Ok(_) => panic!("a request with a line break was sent: {method:?} {url:?} {name:?} {value:?}"),
                    Err(err) => err,
                };
                // The URL is checked first, so it decides when it is wrong for any reason.
                let url_fails = Url::parse(&url).is_err();
                prop_assert!(url_fails || !bad_url, "a URL with a line break parsed");
                let expected = if url_fails { ErrorKind::InvalidUrl } else { ErrorKind::InvalidRequest };
                prop_assert_eq!(err.kind(), expected, "{}", err);
                prop_assert_eq!(server.connections(), before, "it connected anyway");
                return Ok(());
            }
            let Ok(resp) = result else {
                // Refused for another reason (a method that is not a token, a control
                // character in a value, an invalid URL): refused before connecting, too.
                prop_assert_eq!(server.connections(), before);
                return Ok(());
            };
            drop(resp);
            let requests = server.requests();
            prop_assert_eq!(requests.len(), requests_before + 1);
            let head = requests.last().unwrap();
            let lines = well_formed_lines(head);
            let target = Url::parse(&url).unwrap();
            let request_line = format!("{method} {} HTTP/1.1", target.path_and_query());
            prop_assert_eq!(lines[0], request_line.as_bytes());
            let ours = format!("{name}: {}", value.trim_matches([' ', '\t']));
            prop_assert!(
                lines.contains(&ours.as_bytes()),
                "the header {:?} is missing from {:?}",
                ours,
                String::from_utf8_lossy(head)
            );
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------
// Userinfo never in an error message
// ---------------------------------------------------------------------------

/// The runs of four or more of the letters secrets are made of (`QZXJK`), which no message
/// has any other reason to contain.
fn secret_runs(text: &str) -> Vec<&str> {
    text.split(|c: char| !"QZXJK".contains(c))
        .filter(|run| run.len() >= 4)
        .collect()
}

/// A URL (or proxy variable value) with a secret user name and password, and some part of it
/// malformed or not.
fn url_with_secrets() -> impl Strategy<Value = (String, Vec<String>)> {
    let secret = "[QZXJK]{4,6}";
    let noise = "[/#?@:\\[\\] %\\\\a-z0-9.\u{e9}\"]{0,3}";
    (
        prop_oneof![
            Just("http://"),
            Just("https://"),
            Just("ftp://"),
            Just(""),
            Just("http:"),
            Just("socks5://"),
        ],
        (secret, noise, secret, noise, secret),
        prop_oneof![
            Just("example.com"),
            Just("exa!mple"),
            Just(""),
            Just("[::1"),
            Just("1.2.3.999"),
            Just("a..b"),
        ],
        prop_oneof![Just(""), Just(":99999"), Just(":8o"), Just(":3128")],
        prop_oneof![Just(""), Just("/"), Just("/a?b#c")],
    )
        .prop_map(|(scheme, (user, n1, p1, n2, p2), host, port, path)| {
            let url = format!("{scheme}{user}{n1}:{p1}{n2}{p2}@{host}{port}{path}");
            (url, vec![user, p1, p2])
        })
}

#[test]
fn no_error_quotes_any_part_of_a_urls_userinfo() {
    let base = Url::parse("http://example.com/a/b").unwrap();
    runner(MEMORY_CASES)
        .run(&url_with_secrets(), |(input, secrets)| {
            let mut errors = Vec::new();
            errors.extend(Url::parse(&input).err());
            errors.extend(base.join(&input).err());
            errors.extend(plainwire::Proxy::new(&input).err());
            let value = input.clone();
            errors.extend(
                plainwire::EnvProxies::from_lookup(move |name| {
                    (name == "https_proxy").then(|| value.clone())
                })
                .err(),
            );
            for err in errors {
                let shown = format!("{err}\n{err:?}");
                for secret in &secrets {
                    prop_assert!(
                        !shown.contains(secret.as_str()),
                        "{:?} shows {:?}: {}",
                        input,
                        secret,
                        shown
                    );
                }
                // Nor any run of secret letters: a piece of one secret joined to another.
                prop_assert!(secret_runs(&shown).is_empty(), "{:?}: {}", input, shown);
            }
            Ok(())
        })
        .unwrap();
}
