//! What a response tells beyond its status and body, and what an error keeps of it: the
//! response behind `error_for_status`, the redirect history and the chain behind a refused
//! redirect, the status classes, `Link`, the peer's address, `Content-Range`, text in its
//! charset, and JSON errors that say where. Against servers on 127.0.0.1, through the public API.

mod support;
use support::*;

use std::sync::{Arc, Mutex};

use plainwire::{Agent, ContentRange, ErrorKind};

// ---------------------------------------------------------------------------
// The response behind an error
// ---------------------------------------------------------------------------

/// Answers every request with 422, an explanation in the body and a header, like an API does.
fn refusing_api() -> HttpServer {
    HttpServer::start(|_| {
        Reply::new(422)
            .header("Content-Type", "application/json")
            .header("X-Error-Code", "E_NAME_TAKEN")
            .body(r#"{"error": "name already taken"}"#)
    })
}

#[test]
fn error_for_status_gives_back_the_response_with_headers_and_body() {
    let server = refusing_api();
    let resp = agent().get(&server.url("/users")).send().unwrap();
    let err = resp.error_for_status().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status(422));

    let resp = err.response().expect("a status error keeps its response");
    assert_eq!(resp.status(), 422);
    assert_eq!(resp.header("x-error-code"), Some("E_NAME_TAKEN"));
    assert_eq!(resp.url().as_str(), server.url("/users"));

    let resp = err.into_response().unwrap();
    assert_eq!(resp.text().unwrap(), r#"{"error": "name already taken"}"#);
}

#[test]
fn a_status_error_still_travels_through_question_marks() {
    fn fetch(url: &str) -> Result<String, plainwire::Error> {
        let resp = plainwire::get(url).send()?.error_for_status()?;
        resp.text()
    }
    let server = refusing_api();
    let err = fetch(&server.url("/")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status(422));
    assert!(err.to_string().contains("422"), "{err}");
    let body = err.into_response().unwrap().text_lossy().unwrap();
    assert!(body.contains("already taken"), "{body}");
}

#[test]
fn a_status_error_with_its_response_crosses_threads() {
    let server = refusing_api();
    let err = agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .error_for_status()
        .unwrap_err();
    // Send: the body is read on another thread. Sync: shared by reference meanwhile.
    let shared = Arc::new(err);
    let peek = Arc::clone(&shared);
    let status = std::thread::spawn(move || peek.response().map(|resp| resp.status()))
        .join()
        .unwrap();
    assert_eq!(status, Some(422));
    let err = Arc::into_inner(shared).unwrap();
    let body = std::thread::spawn(move || err.into_response().unwrap().text().unwrap())
        .join()
        .unwrap();
    assert!(body.contains("already taken"));
}

#[test]
fn other_errors_carry_no_response() {
    let server = HttpServer::start(|_| Reply::text("fine"));
    let resp = agent().get(&server.url("/")).send().unwrap();
    let resp = resp.error_for_status().expect("200 is no error");
    assert_eq!(resp.text().unwrap(), "fine");

    let err = agent().get("http://[::1/").send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidUrl);
    assert!(err.response().is_none());
    assert!(err.redirects().is_empty());
}

// ---------------------------------------------------------------------------
// Redirect history and the chain behind a refused redirect
// ---------------------------------------------------------------------------

/// `/a` -> 301 `/b` -> 302 (absolute) `/c` -> 307 `d` (relative) -> `/d` answers 200.
fn three_hops() -> HttpServer {
    let base = Arc::new(Mutex::new(String::new()));
    let server_base = Arc::clone(&base);
    let server = HttpServer::start(move |req| match req.path() {
        "/a" => Reply::new(301).header("Location", "/b"),
        "/b" => {
            let absolute = format!("{}c", server_base.lock().unwrap());
            Reply::new(302).header("Location", absolute)
        }
        "/c" => Reply::new(307).header("Location", "d"),
        _ => Reply::text("the end"),
    });
    *base.lock().unwrap() = server.url("/");
    server
}

#[test]
fn history_lists_each_redirect_with_url_status_and_location() {
    let server = three_hops();
    let resp = agent().get(&server.url("/a")).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.url().as_str(), server.url("/d"));

    let hops: Vec<(String, u16, String)> = resp
        .history()
        .iter()
        .map(|hop| {
            (
                hop.url().to_string(),
                hop.status(),
                hop.location().to_string(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            (server.url("/a"), 301, "/b".to_string()),
            (server.url("/b"), 302, server.url("/c")),
            (server.url("/c"), 307, "d".to_string()),
        ]
    );
    assert_eq!(resp.text().unwrap(), "the end");
}

#[test]
fn history_keeps_no_credentials() {
    let server = three_hops();
    let url = server.url("/a").replace("http://", "http://user:s3cret@");
    let resp = agent().get(&url).send().unwrap();
    assert_eq!(resp.history().len(), 3);
    for hop in resp.history() {
        assert_eq!(hop.url().username(), None);
        assert_eq!(hop.url().password(), None);
    }
    assert!(!format!("{:?}", resp.history()).contains("s3cret"));
}

#[test]
fn a_response_without_redirects_has_no_history() {
    let server = HttpServer::start(|_| Reply::text("here"));
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert!(resp.history().is_empty());
}

#[test]
fn too_many_redirects_carries_the_chain_and_the_last_url() {
    // `/loop/N` sends us on to `/loop/N+1`, forever.
    let server = HttpServer::start(|req| {
        let n: u32 = req.path().trim_start_matches("/loop/").parse().unwrap();
        Reply::new(302).header("Location", format!("/loop/{}", n + 1))
    });
    let err = agent()
        .get(&server.url("/loop/0"))
        .max_redirects(3)
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRedirects);

    // Three followed, and the fourth, refused, last.
    let chain = err.redirects();
    let urls: Vec<String> = chain.iter().map(|hop| hop.url().to_string()).collect();
    assert_eq!(
        urls,
        [0, 1, 2, 3].map(|n| server.url(&format!("/loop/{n}")))
    );
    assert!(chain.iter().all(|hop| hop.status() == 302));
    let last = chain.last().unwrap();
    assert_eq!(last.location(), "/loop/4");
    assert!(err.to_string().contains(&server.url("/loop/3")), "{err}");
}

#[test]
fn a_redirect_to_an_unusable_location_carries_the_chain() {
    let server = HttpServer::start(|req| match req.path() {
        "/start" => Reply::new(302).header("Location", "/next"),
        _ => Reply::new(301).header("Location", "ftp://files.example/x"),
    });
    let err = agent().get(&server.url("/start")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
    let chain: Vec<(u16, &str)> = err
        .redirects()
        .iter()
        .map(|hop| (hop.status(), hop.location()))
        .collect();
    assert_eq!(chain, [(302, "/next"), (301, "ftp://files.example/x")]);
}

#[test]
fn a_status_error_after_redirects_gives_their_history() {
    let server = HttpServer::start(|req| match req.path() {
        "/old" => Reply::new(308).header("Location", "/gone"),
        _ => Reply::new(410),
    });
    let err = agent()
        .get(&server.url("/old"))
        .send()
        .unwrap()
        .error_for_status()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status(410));
    assert_eq!(err.redirects().len(), 1);
    assert_eq!(err.redirects()[0].url().as_str(), server.url("/old"));
}

// ---------------------------------------------------------------------------
// Status classes
// ---------------------------------------------------------------------------

#[test]
fn each_status_falls_in_exactly_its_class() {
    let server = HttpServer::start(|req| {
        let status: u16 = req.path().trim_start_matches('/').parse().unwrap();
        Reply::new(status)
    });
    let agent = Agent::builder()
        .proxy_from_env(false)
        .max_redirects(0)
        .build()
        .unwrap();
    for status in [
        200u16, 204, 299, 301, 304, 399, 400, 404, 499, 500, 503, 599,
    ] {
        let resp = agent
            .get(&server.url(&format!("/{status}")))
            .send()
            .unwrap();
        assert_eq!(resp.status(), status);
        let classes = [
            resp.is_informational(),
            resp.is_success(),
            resp.is_redirect(),
            resp.is_client_error(),
            resp.is_server_error(),
        ];
        let expected = usize::from(status / 100) - 1;
        for (class, is) in classes.iter().enumerate() {
            assert_eq!(*is, class == expected, "{status}: class {class}");
        }
    }
}

// ---------------------------------------------------------------------------
// Link, the peer's address, Content-Range
// ---------------------------------------------------------------------------

#[test]
fn links_resolve_against_the_final_url() {
    let server = HttpServer::start(|req| match req.path() {
        "/start" => Reply::new(302).header("Location", "/api/v2/items?page=2"),
        _ => Reply::text("[]")
            .header(
                "Link",
                "<?page=3>; rel=\"next\", <items?page=1>; rel=\"prev first\"",
            )
            .header(
                "Link",
                "<https://mirror.example/items>; rel=alternate; title=\"Mirror\", \
                 <mailto:ops@example.com>; rel=author",
            ),
    });
    let resp = agent().get(&server.url("/start")).send().unwrap();
    let links = resp.links();
    assert_eq!(
        links.get("next").unwrap().url().as_str(),
        server.url("/api/v2/items?page=3")
    );
    let prev = links.get("first").unwrap();
    assert_eq!(prev.url().as_str(), server.url("/api/v2/items?page=1"));
    assert_eq!(prev.rel(), ["prev", "first"]);
    let mirror = links.get("ALTERNATE").unwrap();
    assert_eq!(mirror.url().as_str(), "https://mirror.example/items");
    assert_eq!(mirror.param("title"), Some("Mirror"));
    // A mailto: target is no URL of ours to resolve.
    assert!(links.get("author").is_none());
    assert_eq!(links.len(), 3);
}

#[test]
fn a_byte_that_is_not_utf8_hides_no_links() {
    // A Latin-1 title: the field value is not UTF-8, which RFC 9110 allows (obs-text).
    let server = HttpServer::start(|_| {
        Reply::text("[]").header("Link", &b"<?page=2>; rel=next; title=\"Ger\xe4t\""[..])
    });
    let resp = agent().get(&server.url("/items")).send().unwrap();
    let next = resp.links();
    let next = next.get("next").expect("the link is read");
    assert_eq!(next.url().as_str(), server.url("/items?page=2"));
    assert_eq!(next.param("title"), Some("Ger\u{fffd}t"));
}

#[test]
fn a_response_without_link_has_no_links() {
    let server = HttpServer::start(|_| Reply::text("x"));
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert!(resp.links().is_empty());
}

#[test]
fn remote_and_local_addresses_are_the_two_ends_of_the_connection() {
    let client_end = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&client_end);
    let server = ScriptedServer::start(move |conn| {
        *seen.lock().unwrap() = Some(conn.peer_addr());
        conn.read_request_head();
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.remote_addr(), Some(server.addr()));
    assert_eq!(resp.local_addr(), *client_end.lock().unwrap());
    assert!(resp.local_addr().is_some());
}

#[test]
fn a_reused_connection_still_knows_its_peer() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = agent();
    let first = agent.get(&server.url("/")).send().unwrap();
    let first_local = first.local_addr();
    assert_eq!(first.text().unwrap(), "ok");
    let second = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(
        server.connections(),
        1,
        "the second request reused the connection"
    );
    assert_eq!(second.remote_addr(), Some(server.addr()));
    assert_eq!(second.local_addr(), first_local);
}

/// Answers with the status and Content-Range in the path: `/206/bytes%205-9/20`.
fn ranges() -> HttpServer {
    HttpServer::start(|req| {
        let path = req.path().trim_start_matches('/').replace("%20", " ");
        let (status, range) = path.split_once('/').unwrap();
        let status: u16 = status.parse().unwrap();
        let body = if status == 206 { "56789" } else { "" };
        Reply::new(status).header("Content-Range", range).body(body)
    })
}

#[test]
fn a_206_says_which_bytes_it_carries() {
    let server = ranges();
    let resp = agent()
        .get(&server.url("/206/bytes%205-9/20"))
        .send()
        .unwrap();
    let range = resp.content_range().unwrap();
    assert_eq!(
        range,
        ContentRange::Bytes {
            first: 5,
            last: 9,
            complete_length: Some(20)
        }
    );
    assert_eq!(range.part_length(), Some(5));
    assert_eq!(resp.text().unwrap(), "56789");
}

#[test]
fn a_416_says_how_long_the_whole_is() {
    let server = ranges();
    let resp = agent()
        .get(&server.url("/416/bytes%20*/20"))
        .send()
        .unwrap();
    assert_eq!(
        resp.content_range(),
        Some(ContentRange::Unsatisfied {
            complete_length: 20
        })
    );
}

#[test]
fn content_range_means_nothing_on_other_statuses_or_when_invalid() {
    let server = ranges();
    let agent = agent();
    let on_200 = agent.get(&server.url("/200/bytes%200-4/5")).send().unwrap();
    assert_eq!(on_200.content_range(), None);
    let invalid = agent
        .get(&server.url("/206/bytes%209-5/20"))
        .send()
        .unwrap();
    assert_eq!(invalid.content_range(), None);
}

#[test]
fn content_range_sent_twice_means_nothing_even_when_one_is_not_utf8() {
    // Which of the two is the body's range is anyone's guess; the one that is not UTF-8 must
    // not make the other look like the only one.
    let server = HttpServer::start(|_| {
        Reply::new(206)
            .header("Content-Range", "bytes 5-9/10")
            .header("Content-Range", b"bytes 0-9/10\xff")
            .body("56789")
    });
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.content_range(), None);
}

// ---------------------------------------------------------------------------
// Text in its charset
// ---------------------------------------------------------------------------

/// Answers with the body and the Content-Type given to it.
fn serving(content_type: &'static str, body: &'static [u8]) -> HttpServer {
    HttpServer::start(move |_| {
        Reply::new(200)
            .header("Content-Type", content_type)
            .body(body)
    })
}

fn text_of(server: &HttpServer) -> plainwire::Result<String> {
    agent().get(&server.url("/")).send()?.text()
}

fn text_in_of(server: &HttpServer, label: &str) -> plainwire::Result<String> {
    agent().get(&server.url("/")).send()?.text_in(label)
}

fn lossy_text_of(server: &HttpServer) -> String {
    agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .text_lossy()
        .unwrap()
}

#[test]
fn text_without_a_charset_is_utf_8() {
    // requests would guess ISO-8859-1 for text/* and give "hÃ©llo".
    let server = serving("text/plain", "héllo €".as_bytes());
    assert_eq!(text_of(&server).unwrap(), "héllo €");
}

#[test]
fn iso_8859_1_is_read_as_windows_1252() {
    // 0x93 and 0x94 are curly quotes in windows-1252, which browsers read for this label.
    let server = serving("text/plain; charset=ISO-8859-1", b"\x93caf\xe9\x94");
    assert_eq!(text_of(&server).unwrap(), "\u{201C}café\u{201D}");
}

#[test]
fn a_charset_in_single_quotes_is_read() {
    // Servers write it so; requests strips both kinds of quote.
    let server = serving("text/plain; charset='iso-8859-1'", b"caf\xe9");
    assert_eq!(text_of(&server).unwrap(), "café");
}

#[test]
fn a_charset_inside_a_quoted_parameter_is_not_the_charset() {
    // A `;` inside a quoted value starts no parameter (RFC 9110 section 5.6.6): read as one,
    // this body would be decoded as windows-1252.
    let server = serving(
        r#"text/plain; title="a;charset=latin1"; charset=utf-8"#,
        "café".as_bytes(),
    );
    assert_eq!(text_of(&server).unwrap(), "café");
}

#[test]
fn text_in_decodes_in_the_callers_charset_whatever_the_server_says() {
    // The server says UTF-8, but the bytes are Latin-1: text() refuses, text_in reads them.
    let server = serving("text/plain; charset=utf-8", b"caf\xe9");
    let err = text_of(&server).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    for label in ["Latin1", "iso-8859-1"] {
        assert_eq!(text_in_of(&server, label).unwrap(), "café", "{label}");
    }
    // A label that names no charset is an error, not a guess.
    let err = text_in_of(&server, "no-such-charset").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[test]
fn a_response_without_a_body_is_empty_whatever_length_it_names() {
    // RFC 9110 section 8.6: a 304 or the answer to HEAD may name the length of the body it
    // does not carry; that is no body to refuse as too large.
    let server = HttpServer::start(|req| {
        let reply = if req.path() == "/304" {
            Reply::new(304)
        } else {
            Reply::new(200)
        };
        reply.header("Content-Length", "99999999999")
    });
    let resp = agent().get(&server.url("/304")).send().unwrap();
    assert!(resp.body_is_empty());
    assert_eq!(resp.bytes().unwrap(), b"");
    let resp = agent().head(&server.url("/big")).send().unwrap();
    assert!(resp.body_is_empty());
    assert_eq!(resp.limit_body(10).bytes().unwrap(), b"");
}

#[test]
fn a_byte_order_mark_wins_over_the_label() {
    let server = serving("text/plain; charset=iso-8859-1", b"\xFF\xFEh\x00i\x00");
    assert_eq!(text_of(&server).unwrap(), "hi");
    // Even over a label that names no charset.
    let server = serving("text/plain; charset=x-no-such", b"\xFF\xFEh\x00i\x00");
    assert_eq!(text_of(&server).unwrap(), "hi");
}

#[test]
fn invalid_text_is_an_error_from_text_and_replaced_by_text_lossy() {
    let server = serving("text/plain; charset=utf-8", b"ok \xFF\xFE then");
    let err = text_of(&server).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("UTF-8"), "{err}");
    assert!(err.to_string().contains(&server.url("/")), "{err}");
    assert_eq!(lossy_text_of(&server), "ok \u{FFFD}\u{FFFD} then");
}

/// こんにちは in Shift_JIS.
const SHIFT_JIS_HELLO: &[u8] = b"\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd";

#[cfg(feature = "charset")]
#[test]
fn shift_jis_text_is_decoded_with_the_charset_feature() {
    let server = serving("text/html; charset=Shift_JIS", SHIFT_JIS_HELLO);
    assert_eq!(text_of(&server).unwrap(), "こんにちは");
    assert_eq!(lossy_text_of(&server), "こんにちは");
}

#[cfg(not(feature = "charset"))]
#[test]
fn shift_jis_without_the_charset_feature_names_it_and_text_lossy_still_reads() {
    let server = serving("text/html; charset=Shift_JIS", SHIFT_JIS_HELLO);
    let err = text_of(&server).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().to_lowercase().contains("shift_jis"),
        "{err}"
    );
    assert!(err.to_string().contains("`charset` feature"), "{err}");
    // Read as UTF-8 with replacements: never an error.
    assert!(lossy_text_of(&server).contains('\u{FFFD}'));
}

// ---------------------------------------------------------------------------
// JSON errors that say where
// ---------------------------------------------------------------------------

#[cfg(feature = "json")]
#[test]
fn a_json_error_gives_the_position_and_the_text_around_it() {
    use std::error::Error as _;

    let server = serving(
        "application/json",
        b"{\"id\": 7,\n \"tags\": [\"a\", \"b\",],\n \"name\": \"x\"}",
    );
    let err = agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .json::<serde_json::Value>()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Json);
    let message = err.to_string();
    assert!(message.contains("line 2 column 20"), "{message}");
    assert!(
        message.ends_with(r#"near: {"id": 7,\n "tags": ["a", "b",⟨here⟩],\n "name": "x"}"#),
        "{message}"
    );
    let json = err
        .source()
        .and_then(|source| source.downcast_ref::<serde_json::Error>())
        .expect("the serde_json error is the source");
    assert_eq!((json.line(), json.column()), (2, 20));
    // serde_json's text is said once, not again from the source.
    assert_eq!(message.matches("trailing comma").count(), 1, "{message}");
}

#[cfg(feature = "json")]
#[test]
fn a_byte_order_mark_before_json_is_skipped() {
    let server = serving("application/json", b"\xEF\xBB\xBF{\"a\": \"b\"}");
    let value: serde_json::Value = agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(value, serde_json::json!({"a": "b"}));
}

#[cfg(feature = "json")]
#[test]
fn a_json_error_never_quotes_a_value_whole_or_a_control_character_raw() {
    // serde's message quotes the value it could not take: a 1 MB string for a number, or an
    // unknown variant with an escape sequence in it.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Id {
        id: u64,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Color {
        Red,
    }
    let long = format!(r#"{{"id":"{}"}}"#, "x".repeat(1 << 20));
    let long: &'static [u8] = long.into_bytes().leak();
    let err = agent()
        .get(&serving("application/json", long).url("/"))
        .send()
        .unwrap()
        .json::<Id>()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Json);
    assert!(
        err.to_string().len() < 1000,
        "{} bytes",
        err.to_string().len()
    );
    // Nor in Debug, which `unwrap` and a `main` returning the error print.
    let shown = format!("{err:?}");
    assert!(shown.len() < 2000, "{} bytes", shown.len());
    let err = agent()
        .get(&serving("application/json", br#""\u001b]0;x\u0007""#).url("/"))
        .send()
        .unwrap()
        .json::<Color>()
        .unwrap_err();
    let message = err.to_string();
    assert!(
        !message.contains('\x1b') && !message.contains('\x07'),
        "{message:?}"
    );
    // The serde error is still the source, with its position.
    let json = std::error::Error::source(&err)
        .and_then(|source| source.downcast_ref::<serde_json::Error>())
        .expect("the serde_json error is the source");
    assert_eq!(json.line(), 1);
}

#[cfg(feature = "json")]
#[test]
fn a_json_error_in_a_large_body_quotes_only_a_little_of_it() {
    let mut body = format!("[{}", "1234567890, ".repeat(10_000)).into_bytes();
    body.extend_from_slice(b"oops, ");
    body.extend_from_slice("0987654321, ".repeat(10_000).as_bytes());
    body.extend_from_slice(b"0]");
    let body: &'static [u8] = body.leak();
    let server = serving("application/json", body);
    let err = agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .json::<Vec<u64>>()
        .unwrap_err();
    let message = err.to_string();
    let near = message.split("near: ").nth(1).expect("an excerpt");
    assert!(near.starts_with('…') && near.ends_with('…'), "{near}");
    assert!(near.contains("⟨here⟩"), "{near}");
    assert!(
        near.len() < 2 * plainwire::defaults::JSON_ERROR_CONTEXT + 20,
        "{near}"
    );
}
