//! Redirects (method and body per status, relative and absolute Location, credentials, https to
//! http, limits, one deadline for the whole chain) and the ways of sending credentials.

mod support;
use support::*;

use std::io::Cursor;
use std::time::Duration;

use plainwire::{Agent, ErrorKind};

/// The requests `server` received for `path`.
fn requests_to(server: &HttpServer, path: &str) -> Vec<Request> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path() == path)
        .collect()
}

// ---------------------------------------------------------------------------
// Method and body
// ---------------------------------------------------------------------------

/// `/r/CODE` redirects with CODE to `/final`, which says what it received in its head.
fn redirector() -> HttpServer {
    HttpServer::start(|req| {
        if let Some(code) = req.path().strip_prefix("/r/") {
            Reply::new(code.parse().unwrap()).header("Location", "/final")
        } else {
            Reply::text("final").header("X-Method", &req.method)
        }
    })
}

#[test]
fn a_redirect_not_followed_says_where_it_points() {
    let server = HttpServer::start(|req| match req.path() {
        "/spaced" => Reply::new(302).header("Location", " /a b "),
        "/moved" => Reply::new(301).header("Location", "/final"),
        _ => Reply::new(300).header("Location", "/choice"),
    });
    let stays = builder().max_redirects(0).build().unwrap();
    let resp = stays.get(&server.url("/moved")).send().unwrap();
    assert_eq!(resp.redirect_url().unwrap().as_str(), server.url("/final"));
    // Resolved as a redirect is followed: trimmed, spaces encoded.
    let resp = stays.get(&server.url("/spaced")).send().unwrap();
    assert_eq!(resp.redirect_url().unwrap().as_str(), server.url("/a%20b"));
    // 300 is not a redirect plainwire follows.
    let resp = stays.get(&server.url("/other")).send().unwrap();
    assert_eq!(resp.redirect_url(), None);
}

#[test]
fn the_redirect_matrix_of_status_and_method() {
    let server = redirector();
    let agent = agent();
    for status in [301u16, 302, 303, 307, 308] {
        for method in ["GET", "POST", "HEAD"] {
            let mut request = agent.request(method, &server.url(&format!("/r/{status}")));
            if method == "POST" {
                request = request
                    .header("Content-Type", "text/plain")
                    .header("Content-Encoding", "identity")
                    .body("payload");
            }
            let resp = request.send().unwrap();
            let case = format!("{method} then {status}");
            assert_eq!(resp.status(), 200, "{case}");
            assert_eq!(resp.url().as_str(), server.url("/final"), "{case}");

            let (expected_method, keeps_body) = match (status, method) {
                (301 | 302, "POST") => ("GET", false),
                (303, "HEAD") => ("HEAD", false),
                (303, _) => ("GET", false),
                (_, m) => (m, m == "POST"),
            };
            assert_eq!(resp.header("x-method"), Some(expected_method), "{case}");
            drop(resp);

            let last = server.requests().pop().unwrap();
            assert_eq!(last.path(), "/final", "{case}");
            assert_eq!(last.method, expected_method, "{case}");
            if keeps_body {
                assert_eq!(last.body, b"payload", "{case}");
                assert_eq!(last.header("content-type"), Some("text/plain"), "{case}");
                assert_eq!(last.header("content-length"), Some("7"), "{case}");
                assert_eq!(last.header("content-encoding"), Some("identity"), "{case}");
            } else {
                assert!(last.body.is_empty(), "{case}");
                for name in [
                    "content-type",
                    "content-length",
                    "content-encoding",
                    "transfer-encoding",
                ] {
                    assert_eq!(last.header(name), None, "{case}: {name} was kept");
                }
            }
        }
    }
}

#[test]
fn put_keeps_its_body_on_301_and_302_and_loses_it_on_303() {
    let server = redirector();
    let agent = agent();
    for (status, method, body) in [
        (301, "PUT", &b"data"[..]),
        (302, "PUT", b"data"),
        (303, "PUT", b""),
        (303, "DELETE", b""),
    ] {
        let resp = agent
            .request(method, &server.url(&format!("/r/{status}")))
            .body("data")
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
        let last = server.requests().pop().unwrap();
        let expected = if status == 303 { "GET" } else { method };
        assert_eq!(last.method, expected, "{method} then {status}");
        assert_eq!(last.body, body, "{method} then {status}");
    }
}

#[test]
fn a_streamed_body_is_not_sent_again_so_307_and_308_are_returned() {
    let server = redirector();
    let agent = agent();
    for status in [307, 308] {
        let resp = agent
            .post(&server.url(&format!("/r/{status}")))
            .body_reader(Cursor::new(b"streamed".to_vec()))
            .send()
            .unwrap();
        assert_eq!(resp.status(), status);
        assert_eq!(resp.header("location"), Some("/final"));
        assert_eq!(resp.url().as_str(), server.url(&format!("/r/{status}")));
    }
    assert!(requests_to(&server, "/final").is_empty());
    let sent = requests_to(&server, "/r/307");
    assert_eq!(sent[0].body, b"streamed");

    // A redirect that drops the body anyway is followed.
    let resp = agent
        .post(&server.url("/r/303"))
        .body_reader(Cursor::new(b"streamed".to_vec()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let last = server.requests().pop().unwrap();
    assert_eq!((last.method.as_str(), last.body.len()), ("GET", 0));
    assert_eq!(last.header("transfer-encoding"), None);
}

#[test]
fn a_307_sent_before_100_continue_is_followed_with_the_whole_body() {
    // The first server answers as soon as it sees the head, without reading the body.
    let target = HttpServer::start(|req| Reply::text(format!("{} bytes", req.body.len())));
    let location = target.url("/landing");
    let first = ScriptedServer::start(move |conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(
            format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
                .as_bytes(),
        );
        conn.set_read_timeout(Some(Duration::from_secs(5)));
        conn.read_to_end();
    });
    let body = vec![b'z'; (1 << 20) + 10];
    let agent = agent();
    let resp = agent
        .put(&first.url("/"))
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.url().as_str(), target.url("/landing"));
    assert_eq!(resp.text().unwrap(), format!("{} bytes", body.len()));
    let landed = target.requests().pop().unwrap();
    assert_eq!(landed.method, "PUT");
    assert!(landed.body == body);
    // Only the target's connection is kept: the first one's state was unknown.
    assert_eq!(agent.idle_connections(), 1);
    let head = String::from_utf8_lossy(&first.requests()[0]).to_ascii_lowercase();
    assert!(head.contains("expect: 100-continue"), "{head}");
}

// ---------------------------------------------------------------------------
// Location
// ---------------------------------------------------------------------------

#[test]
fn relative_and_absolute_locations() {
    let other = HttpServer::start(|req| Reply::text(format!("other {}", req.target)));
    let other_url = other.url("/elsewhere?x=1");
    let network_path = format!("//127.0.0.1:{}/net", other.port());
    let server = HttpServer::start(move |req| match req.query() {
        Some("go=1") => Reply::new(302).header("Location", "/x"),
        Some("go=2") => Reply::new(302).header("Location", "x"),
        Some("go=3") => Reply::new(302).header("Location", "../x"),
        Some("go=4") => Reply::new(302).header("Location", "?q"),
        Some("go=5") => Reply::new(302).header("Location", &other_url),
        Some("go=6") => Reply::new(302).header("Location", &network_path),
        Some("go=7") => Reply::new(302).header("Location", "../../../../x#fragment"),
        _ => Reply::text(format!("here {}", req.target)),
    });
    let agent = agent();
    let cases = [
        (1, server.url("/x"), "here /x"),
        (2, server.url("/a/b/x"), "here /a/b/x"),
        (3, server.url("/a/x"), "here /a/x"),
        (4, server.url("/a/b/c?q"), "here /a/b/c?q"),
        (5, other.url("/elsewhere?x=1"), "other /elsewhere?x=1"),
        (6, other.url("/net"), "other /net"),
        (7, server.url("/x"), "here /x"),
    ];
    for (go, url, body) in cases {
        let resp = agent
            .get(&server.url(&format!("/a/b/c?go={go}")))
            .send()
            .unwrap();
        assert_eq!(resp.url().as_str(), url, "case {go}");
        assert_eq!(resp.text().unwrap(), body, "case {go}");
    }
}

#[test]
fn a_location_is_trimmed_of_ascii_white_space_only() {
    // U+00A0 before `//host`: a reference whose path starts with it, on the same host, as
    // Url::join, curl and browsers read it. Trimmed as white space, it named another host,
    // past any check of the caller's that a Location does not start with `//`.
    let other = HttpServer::start(|_| Reply::text("other"));
    let sneaky = format!("\u{a0}//127.0.0.1:{}/nbsp", other.port());
    let server = HttpServer::start(move |req| match req.path() {
        "/r" => Reply::new(302).header("Location", &sneaky),
        _ => Reply::text("here"),
    });
    let resp = agent().get(&server.url("/r")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "here");
    assert_eq!(other.requests().len(), 0);
}

#[test]
fn a_location_that_is_not_utf8_is_followed_encoded() {
    // A Latin-1 path, as old servers send: followed with its bytes percent-encoded, as curl
    // does. Read only as UTF-8, the redirect was returned as if there were no Location.
    let server = HttpServer::start(|req| match req.path() {
        "/r" => Reply::new(302).header("Location", b"/caf\xe9"),
        _ => Reply::text(format!("here {}", req.target)),
    });
    let resp = agent().get(&server.url("/r")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "here /caf%E9");
    let resp = agent()
        .get(&server.url("/r"))
        .max_redirects(0)
        .send()
        .unwrap();
    assert_eq!(
        resp.redirect_url().map(|url| url.to_string()),
        Some(server.url("/caf%E9"))
    );
}

#[test]
fn an_unusable_locations_text_reaches_the_error_escaped() {
    // The host of a Location is quoted in the error, which a tool prints: U+009D starts an
    // operating system command (a window's title, on some terminals the clipboard), U+009B a
    // control sequence, U+202E shows what follows it reversed.
    for location in [
        "http://x\u{9d}0;PWNED\u{9c}\u{202e}fdp.exe/",
        "http://[bad\u{9b}2J/",
    ] {
        let server = HttpServer::start(move |_| Reply::new(302).header("Location", location));
        let err = agent().get(&server.url("/r")).send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidUrl, "{err}");
        let shown = err.to_string();
        assert!(
            !shown.contains(['\u{9b}', '\u{9c}', '\u{9d}', '\u{202e}']),
            "{shown:?}"
        );
        assert!(shown.contains("\\u{"), "{shown:?}");
    }
}

#[test]
fn a_redirect_without_location_is_returned() {
    let server = HttpServer::start(|_| Reply::new(302));
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_final_url_has_no_credentials() {
    let server = redirector();
    let url = server
        .url("/r/302")
        .replace("http://", "http://user:secret@");
    let resp = agent().get(&url).send().unwrap();
    assert_eq!(resp.url().as_str(), server.url("/final"));
    assert_eq!(resp.url().username(), None);
    assert!(!format!("{:?}", resp.url()).contains("secret"));

    // Nor has the first URL, when it answers without a redirect.
    let url = server
        .url("/final")
        .replace("http://", "http://user:secret@");
    let resp = agent().get(&url).send().unwrap();
    assert_eq!(resp.url().as_str(), server.url("/final"));
    assert_eq!((resp.url().username(), resp.url().password()), (None, None));
    assert!(!format!("{:?}", resp.url()).contains("secret"));
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

const BASIC_USER_PASS: &str = "Basic dXNlcjpwYXNz"; // user:pass

/// `/same` redirects within the server; `/cross` to `target`; `/landing` answers.
fn credential_server(target: String) -> HttpServer {
    HttpServer::start(move |req| match req.path() {
        "/same" => Reply::new(302).header("Location", "/landing"),
        "/cross" => Reply::new(302).header("Location", &target),
        _ => Reply::text("landed"),
    })
}

fn landing(server: &HttpServer) -> Request {
    requests_to(server, "/landing")
        .pop()
        .expect("no request landed")
}

#[test]
fn credentials_are_kept_within_the_origin() {
    let server = credential_server(String::new());
    let agent = agent();

    agent
        .get(&server.url("/same"))
        .basic_auth("user", "pass")
        .header("Cookie", "session=1")
        .header("X-Other", "kept")
        .send()
        .unwrap();
    let req = landing(&server);
    assert_eq!(req.header("authorization"), Some(BASIC_USER_PASS));
    assert_eq!(req.header("cookie"), Some("session=1"));
    assert_eq!(req.header("x-other"), Some("kept"));

    let url = server.url("/same").replace("http://", "http://user:pass@");
    agent.get(&url).send().unwrap();
    assert_eq!(
        landing(&server).header("authorization"),
        Some(BASIC_USER_PASS)
    );
}

#[test]
fn credentials_are_dropped_when_a_redirect_leaves_the_origin() {
    // Another port on the same host is another origin.
    let other = HttpServer::start(|_| Reply::text("landed elsewhere"));
    let server = credential_server(other.url("/landing"));
    let agent = agent();

    let resp = agent
        .get(&server.url("/cross"))
        .basic_auth("user", "pass")
        .header("Cookie", "session=1")
        .header("Proxy-Authorization", "Basic c2VjcmV0")
        .header("X-Other", "kept")
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "landed elsewhere");
    let req = landing(&other);
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.header("cookie"), None);
    assert_eq!(req.header("proxy-authorization"), None);
    assert_eq!(req.header("x-other"), Some("kept"));
    // The first hop had them.
    let first = requests_to(&server, "/cross").pop().unwrap();
    assert_eq!(first.header("authorization"), Some(BASIC_USER_PASS));
    assert_eq!(first.header("cookie"), Some("session=1"));

    agent
        .get(&server.url("/cross"))
        .bearer_auth("token")
        .send()
        .unwrap();
    assert_eq!(landing(&other).header("authorization"), None);

    let url = server.url("/cross").replace("http://", "http://user:pass@");
    agent.get(&url).send().unwrap();
    assert_eq!(landing(&other).header("authorization"), None);
    assert_eq!(other.requests().len(), 3);
}

#[test]
fn a_locations_own_userinfo_is_never_used() {
    // The server chose it: it would have the call log in, as whoever it names, wherever it
    // points. curl and requests leave it out too.
    let other = HttpServer::start(|_| Reply::text("landed elsewhere"));
    let server = credential_server(other.url("/landing").replace("http://", "http://evil:e@"));
    let resp = agent().get(&server.url("/cross")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "landed elsewhere");
    assert_eq!(landing(&other).header("authorization"), None);
    // Nor in place of the caller's, within the origin.
    let server = HttpServer::start(|req| match req.path() {
        "/abs" => {
            let host = req.header("host").unwrap();
            Reply::new(302).header("Location", format!("http://evil:e@{host}/landing"))
        }
        _ => Reply::text("landed"),
    });
    let url = server.url("/abs").replace("http://", "http://user:pass@");
    agent().get(&url).send().unwrap();
    assert_eq!(
        landing(&server).header("authorization"),
        Some(BASIC_USER_PASS)
    );
}

#[test]
fn the_url_credentials_follow_an_absolute_location_within_the_origin() {
    // As a relative one: the same resource should not answer 401 or 200 by how the server
    // spells its Location.
    let server = HttpServer::start(|req| match req.path() {
        "/abs" => {
            let host = req.header("host").unwrap();
            Reply::new(302).header("Location", format!("http://{host}/landing"))
        }
        _ => Reply::text("landed"),
    });
    let url = server.url("/abs").replace("http://", "http://user:pass@");
    let resp = agent().get(&url).send().unwrap();
    assert_eq!(resp.url().username(), None, "the final URL keeps none");
    assert_eq!(
        landing(&server).header("authorization"),
        Some(BASIC_USER_PASS)
    );
}

#[test]
fn another_host_name_for_the_same_server_is_another_origin() {
    let server = HttpServer::start(|req| match req.path() {
        "/cross" => Reply::new(302).header("Location", req.header("x-target").unwrap()),
        _ => Reply::text("landed"),
    });
    let target = server.url_with_host("localhost", "/landing");
    agent()
        .get(&server.url("/cross"))
        .header("X-Target", &target)
        .basic_auth("user", "pass")
        .header("Cookie", "c=1")
        .send()
        .unwrap();
    let req = landing(&server);
    assert_eq!(
        req.header("host"),
        Some(format!("localhost:{}", server.port()).as_str())
    );
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.header("cookie"), None);
}

#[test]
fn basic_bearer_and_userinfo_authorization() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = agent();
    let last_auth = || {
        server
            .requests()
            .pop()
            .unwrap()
            .header("authorization")
            .map(str::to_string)
    };

    agent
        .get(&server.url("/"))
        .basic_auth("user", "pass")
        .send()
        .unwrap();
    assert_eq!(last_auth().as_deref(), Some(BASIC_USER_PASS));

    agent
        .get(&server.url("/"))
        .basic_auth("alice", "s3cret")
        .send()
        .unwrap();
    assert_eq!(last_auth().as_deref(), Some("Basic YWxpY2U6czNjcmV0"));

    agent
        .get(&server.url("/"))
        .bearer_auth("abc.def")
        .send()
        .unwrap();
    assert_eq!(last_auth().as_deref(), Some("Bearer abc.def"));

    // The last call wins, and only one Authorization goes out.
    agent
        .get(&server.url("/"))
        .bearer_auth("first")
        .basic_auth("user", "pass")
        .send()
        .unwrap();
    let req = server.requests().pop().unwrap();
    assert_eq!(
        req.header_all("authorization"),
        vec![BASIC_USER_PASS.as_bytes()]
    );

    // Userinfo is percent-decoded before encoding.
    let url = server.url("/").replace("http://", "http://user:pa%20ss@");
    agent.get(&url).send().unwrap();
    assert_eq!(last_auth().as_deref(), Some("Basic dXNlcjpwYSBzcw==")); // user:pa ss
    let req = server.requests().pop().unwrap();
    assert_eq!(req.target, "/");
    assert!(!String::from_utf8_lossy(&req.raw).contains("pa%20ss"));

    let url = server.url("/").replace("http://", "http://user@");
    agent.get(&url).send().unwrap();
    assert_eq!(last_auth().as_deref(), Some("Basic dXNlcjo=")); // user:

    agent.get(&server.url("/")).send().unwrap();
    assert_eq!(last_auth(), None);
}

#[test]
fn a_user_name_with_a_colon_is_refused_before_connecting() {
    // RFC 7617 section 2: the first colon ends the user-id.
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = agent();
    let err = agent
        .get(&server.url("/"))
        .basic_auth("ali:ce", "pass")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(!err.to_string().contains("ali"), "{err}");
    // A later setter does not make the mistake go away.
    let err = agent
        .get(&server.url("/"))
        .basic_auth("ali:ce", "pass")
        .bearer_auth("token")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");

    // In a URL a raw ':' ends the user name, so only an encoded one can be in it.
    let url = server.url("/").replace("http://", "http://ali%3Ace:pass@");
    let err = agent.get(&url).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(server.connections(), 0);

    let url = server.url("/").replace("http://", "http://alice:pa:ss@");
    agent.get(&url).send().unwrap();
    let sent = server.requests().pop().unwrap();
    // alice:pa:ss
    assert_eq!(sent.header("authorization"), Some("Basic YWxpY2U6cGE6c3M="));

    let err = plainwire::Proxy::new("http://ali%3Ace:pass@proxy.example:3128").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
}

// ---------------------------------------------------------------------------
// https to http
// ---------------------------------------------------------------------------

#[cfg(feature = "tls")]
#[test]
fn a_redirect_from_https_to_http_is_refused_unless_allowed() {
    let plain = HttpServer::start(|_| Reply::text("plain"));
    let target = plain.url("/plain");
    let tls = HttpServer::start_tls(
        server_tls_config("localhost.pem", "localhost.key"),
        move |_| Reply::new(302).header("Location", &target),
    );
    let strict = trusting_test_ca(builder()).build().unwrap();
    let err = strict.get(&tls.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsecureRedirect, "{err:?}");
    assert_eq!(plain.connections(), 0);

    let lax = trusting_test_ca(builder())
        .redirect_https_to_http(true)
        .build()
        .unwrap();
    let resp = lax.get(&tls.url("/")).send().unwrap();
    assert_eq!(resp.url().as_str(), plain.url("/plain"));
    assert_eq!(resp.text().unwrap(), "plain");

    // Trusting redirects with credentials does not send them unencrypted.
    let trusting = trusting_test_ca(builder())
        .redirect_https_to_http(true)
        .redirect_keep_credentials(true)
        .build()
        .unwrap();
    trusting
        .get(&tls.url("/"))
        .basic_auth("user", "pass")
        .header("Cookie", "session=1")
        .send()
        .unwrap();
    let landed = plain.requests().pop().unwrap();
    assert_eq!(landed.header("authorization"), None);
    assert_eq!(landed.header("cookie"), None);
}

#[cfg(feature = "tls")]
#[test]
fn a_redirect_from_http_to_https_is_followed() {
    let tls = HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |_| {
        Reply::text("secure")
    });
    let target = tls.url("/s");
    let plain = HttpServer::start(move |_| Reply::new(301).header("Location", &target));
    let agent = trusting_test_ca(builder()).build().unwrap();
    let resp = agent.get(&plain.url("/")).send().unwrap();
    assert_eq!(resp.url().as_str(), tls.url("/s"));
    assert_eq!(resp.text().unwrap(), "secure");
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

#[test]
fn a_redirect_loop_ends_in_too_many_redirects() {
    let server = HttpServer::start(|_| Reply::new(302).header("Location", "/loop"));
    let err = agent().get(&server.url("/loop")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRedirects, "{err:?}");
    // The first request and the default ten redirects.
    assert_eq!(server.requests().len(), 11);
    // Every redirect went over the one kept-alive connection.
    assert_eq!(server.connections(), 1);
}

/// `/hop/N` redirects to `/hop/N-1`; `/hop/0` answers.
fn hops() -> HttpServer {
    HttpServer::start(|req| {
        let n: u32 = req.path().strip_prefix("/hop/").unwrap().parse().unwrap();
        if n == 0 {
            Reply::text("arrived")
        } else {
            Reply::new(307).header("Location", format!("/hop/{}", n - 1))
        }
    })
}

#[test]
fn max_redirects_zero_returns_the_redirect() {
    let server = hops();
    let agent = builder().max_redirects(0).build().unwrap();
    let resp = agent.get(&server.url("/hop/1")).send().unwrap();
    assert_eq!(resp.status(), 307);
    assert_eq!(resp.header("location"), Some("/hop/0"));
    assert_eq!(resp.url().as_str(), server.url("/hop/1"));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn max_redirects_bounds_the_chain() {
    let server = hops();
    let agent = builder().max_redirects(2).build().unwrap();
    let resp = agent.get(&server.url("/hop/2")).send().unwrap();
    assert_eq!(resp.url().as_str(), server.url("/hop/0"));
    assert_eq!(resp.text().unwrap(), "arrived");

    let err = agent.get(&server.url("/hop/3")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRedirects, "{err:?}");
    assert!(requests_to(&server, "/hop/0").len() == 1);
}

#[test]
fn a_long_chain_keeps_its_last_redirects() {
    // Each hop keeps its URL and Location; a chain with no bound on its length must not grow
    // the history as long as the server goes on.
    let kept = plainwire::defaults::MAX_REDIRECT_HISTORY;
    let server = hops();
    let agent = builder().max_redirects(u32::MAX).build().unwrap();
    let hops = kept + 20;
    let resp = agent
        .get(&server.url(&format!("/hop/{hops}")))
        .send()
        .unwrap();
    let history = resp.history();
    assert_eq!(history.len(), kept);
    assert_eq!(history[0].url().path(), format!("/hop/{kept}"));
    assert_eq!(history[kept - 1].location(), "/hop/0");
    assert_eq!(resp.text().unwrap(), "arrived");
    // And a refused redirect's chain too.
    let limited = builder().max_redirects(hops as u32 - 1).build().unwrap();
    let err = limited
        .get(&server.url(&format!("/hop/{hops}")))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRedirects, "{err}");
    assert_eq!(err.redirects().len(), kept);
}

#[test]
fn the_timeout_is_not_restarted_by_a_redirect() {
    // Each hop is well within the timeout; the two together are not.
    let server = HttpServer::start(|req| {
        std::thread::sleep(Duration::from_millis(1200));
        match req.path() {
            "/first" => Reply::new(302).header("Location", "/second"),
            _ => Reply::text("too late"),
        }
    });
    // With a clock restarted at the redirect, the second hop (1.2 s of 2) would succeed.
    let err = agent()
        .get(&server.url("/first"))
        .timeout(Duration::from_secs(2))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.to_string().contains("deadline of 2s"), "{err}");
    assert!(wait_until(Duration::from_secs(5), || requests_to(
        &server, "/second"
    )
    .len()
        == 1));

    // The agent's timeout behaves the same.
    let err = builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
        .get(&server.url("/first"))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
}

#[test]
fn a_location_with_spaces_is_percent_encoded_as_curl_does() {
    let server = HttpServer::start(|req| match req.path() {
        "/start" => Reply::new(302).header("Location", "/a b/c"),
        _ => Reply::new(200).body(req.path().to_string()),
    });
    let resp = Agent::new().get(&server.url("/start")).send().unwrap();
    assert_eq!(resp.url().path(), "/a%20b/c");
    assert_eq!(resp.text().unwrap(), "/a%20b/c");
}

// ---------------------------------------------------------------------------
// The agent's default credential headers
// ---------------------------------------------------------------------------

/// An agent that sends all three credential fields with every request, and one other field.
fn agent_with_default_credentials() -> Agent {
    builder()
        .default_header("Authorization", "Bearer agent-token")
        .default_header("Cookie", "agent=1")
        .default_header("Proxy-Authorization", "Basic YWdlbnQ6cHJveHk=")
        .default_header("X-Agent", "kept")
        .build()
        .unwrap()
}

#[test]
fn the_agents_default_credentials_are_dropped_when_a_redirect_leaves_the_origin() {
    // Two loopback ports: two origins.
    let other = HttpServer::start(|_| Reply::text("landed elsewhere"));
    let server = credential_server(other.url("/landing"));
    let agent = agent_with_default_credentials();

    let resp = agent.get(&server.url("/cross")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "landed elsewhere");
    let first = requests_to(&server, "/cross").pop().unwrap();
    assert_eq!(first.header("authorization"), Some("Bearer agent-token"));
    assert_eq!(first.header("cookie"), Some("agent=1"));
    let req = landing(&other);
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.header("cookie"), None);
    assert_eq!(req.header("proxy-authorization"), None);
    assert_eq!(req.header("x-agent"), Some("kept"));

    // The next call starts at the first origin again, with the defaults.
    agent.get(&server.url("/landing")).send().unwrap();
    let again = landing(&server);
    assert_eq!(again.header("authorization"), Some("Bearer agent-token"));
}

#[test]
fn the_agents_default_credentials_are_kept_within_the_origin() {
    let server = credential_server(String::new());
    agent_with_default_credentials()
        .get(&server.url("/same"))
        .send()
        .unwrap();
    let req = landing(&server);
    assert_eq!(req.header("authorization"), Some("Bearer agent-token"));
    assert_eq!(req.header("cookie"), Some("agent=1"));
    // Proxy credentials go to a proxy or nowhere: never to an origin (tests/agent_proxy.rs).
    assert_eq!(req.header("proxy-authorization"), None);
    assert_eq!(req.header("x-agent"), Some("kept"));
}

#[test]
fn a_requests_own_credentials_replace_the_agents_and_both_stay_behind() {
    let other = HttpServer::start(|_| Reply::text("landed elsewhere"));
    let server = credential_server(other.url("/landing"));
    agent_with_default_credentials()
        .get(&server.url("/cross"))
        .basic_auth("user", "pass")
        .send()
        .unwrap();
    let first = requests_to(&server, "/cross").pop().unwrap();
    assert_eq!(
        first.header_all("authorization"),
        vec![BASIC_USER_PASS.as_bytes()]
    );
    let req = landing(&other);
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.header("cookie"), None);
}

// ---------------------------------------------------------------------------
// What a caller may change: curl's --post30x, --location-trusted, --referer ';auto',
// --proto-redir
// ---------------------------------------------------------------------------

#[test]
fn a_post_stays_a_post_on_the_statuses_asked_for() {
    let server = redirector();
    let agent = builder().keep_post_on_redirect(302).build().unwrap();
    let resp = agent
        .post(&server.url("/r/302"))
        .body("payload")
        .send()
        .unwrap();
    assert_eq!(resp.header("x-method"), Some("POST"));
    let last = requests_to(&server, "/final").pop().unwrap();
    assert_eq!(last.body_text(), "payload");
    // 301 was not named: still a GET.
    let resp = agent
        .post(&server.url("/r/301"))
        .body("payload")
        .send()
        .unwrap();
    assert_eq!(resp.header("x-method"), Some("GET"));
}

#[test]
fn trusted_redirects_take_credentials_to_another_origin() {
    let other = HttpServer::start(|_| Reply::text("landed elsewhere"));
    let server = credential_server(other.url("/landing"));
    let agent = builder().redirect_keep_credentials(true).build().unwrap();
    agent
        .get(&server.url("/cross"))
        .basic_auth("user", "pass")
        .send()
        .unwrap();
    assert_eq!(
        landing(&other).header("authorization"),
        Some(BASIC_USER_PASS)
    );
    // The URL's user and password too, as the setting says.
    let url = server.url("/cross").replace("http://", "http://user:pass@");
    agent.get(&url).send().unwrap();
    assert_eq!(
        landing(&other).header("authorization"),
        Some(BASIC_USER_PASS)
    );
}

#[test]
fn auto_referer_names_the_url_that_redirected() {
    let server = redirector();
    let referring = builder().auto_referer(true).build().unwrap();
    referring.get(&server.url("/r/302")).send().unwrap();
    let last = requests_to(&server, "/final").pop().unwrap();
    assert_eq!(last.header("referer"), Some(server.url("/r/302").as_str()));
    // Without it, no Referer.
    agent().get(&server.url("/r/302")).send().unwrap();
    let last = requests_to(&server, "/final").pop().unwrap();
    assert_eq!(last.header("referer"), None);
}

#[test]
fn a_redirect_to_a_scheme_not_allowed_is_refused() {
    let server = redirector();
    let agent = builder()
        .redirect_schemes(&[plainwire::Scheme::Https])
        .build()
        .unwrap();
    let err = agent.get(&server.url("/r/302")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedScheme, "{err}");
    assert!(requests_to(&server, "/final").is_empty());
}

#[test]
fn a_redirect_body_dripped_slowly_closes_its_connection_instead_of_holding_the_call() {
    // The redirect's body comes a byte every 100 ms: 3 s in all, longer than the time a
    // redirect's body may take (1 s); the call goes on without it, on a new connection.
    let server = ScriptedServer::start(|conn| loop {
        let head = conn.read_request_head();
        if head.is_empty() {
            return;
        }
        if head.starts_with(b"GET /a ") {
            conn.write_all(b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 30\r\n\r\n");
            for _ in 0..30 {
                conn.sleep(Duration::from_millis(100));
                if !conn.write_all(b"x") {
                    return;
                }
            }
        } else {
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
        }
    });
    let body = agent()
        .get(&server.url("/a"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "done");
    assert_eq!(
        server.connections(),
        2,
        "the dripping connection was not waited for"
    );
}

#[test]
fn a_callers_host_and_named_secret_fields_stay_behind_on_a_redirect_to_another_origin() {
    let other = HttpServer::start(|req| {
        Reply::text(format!(
            "{} {}",
            req.header("host").unwrap_or("-"),
            req.header("x-api-key").unwrap_or("no key")
        ))
    });
    let target = other.url("/landing");
    let server = HttpServer::start(move |_| Reply::new(302).header("Location", &target));
    let agent = builder()
        .secret_header("X-Api-Key")
        .default_header("X-Api-Key", "K3Y")
        .build()
        .unwrap();
    let body = agent
        .get(&server.url("/"))
        .header("Host", "internal.example")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, format!("127.0.0.1:{} no key", other.port()));
    // Within the origin, both go along.
    let same = HttpServer::start(|req| {
        if req.path() == "/" {
            Reply::new(302).header("Location", "/next")
        } else {
            Reply::text(format!(
                "{} {}",
                req.header("host").unwrap_or("-"),
                req.header("x-api-key").unwrap_or("no key")
            ))
        }
    });
    let body = agent
        .get(&same.url("/"))
        .header("Host", "internal.example")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "internal.example K3Y");
}

#[test]
fn an_agents_default_host_stays_behind_on_a_redirect_to_another_host() {
    // As the request's own Host does: it names the server it was set for.
    let other = HttpServer::start(|req| Reply::text(req.header("host").unwrap_or("-").to_string()));
    let target = other.url("/landing");
    let server = HttpServer::start(move |req| {
        assert_eq!(req.header("host"), Some("a.test"));
        Reply::new(302).header("Location", &target)
    });
    let agent = builder().default_header("Host", "a.test").build().unwrap();
    let body = agent.get(&server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(body, format!("127.0.0.1:{}", other.port()));
}
