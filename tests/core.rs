//! HTTP behaviour end to end, against the in-process servers of `tests/support`: what goes on
//! the wire (asserted byte for byte), how each kind of response is read, and the errors.
//!
//! TLS lives in `tests/tls.rs`, timeouts in `tests/timeouts.rs`.

mod support;

use std::io::Read;
use std::time::Duration;

use plainwire::{Agent, ErrorKind, Version};
use support::*;

/// The User-Agent plainwire sends by default.
const USER_AGENT: &str = concat!("plainwire/", env!("CARGO_PKG_VERSION"));

/// An agent that ignores proxy variables, with a read timeout short enough that a client
/// waiting for bytes that will never come fails the test quickly instead of hanging it.
fn agent() -> Agent {
    Agent::builder()
        .proxy_from_env(false)
        .read_timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap()
}

/// A server that answers the n-th request on each connection with `responses[n]`, verbatim,
/// and closes the connection after the last one.
fn keep_alive_server(responses: &[&[u8]]) -> ScriptedServer {
    let responses: Vec<Vec<u8>> = responses.iter().map(|r| r.to_vec()).collect();
    ScriptedServer::start(move |conn| {
        for response in &responses {
            if conn.read_request_head().is_empty() {
                return;
            }
            conn.write_all(response);
        }
    })
}

/// The head of the `index`-th request an HttpServer received, as text.
fn head_text(server: &HttpServer, index: usize) -> String {
    String::from_utf8(server.request_heads()[index].clone()).unwrap()
}

/// The plainwire error inside an `io::Error` that came out of a body read.
fn inner_error(err: &std::io::Error) -> &plainwire::Error {
    err.get_ref()
        .and_then(|inner| inner.downcast_ref::<plainwire::Error>())
        .unwrap_or_else(|| panic!("the io::Error does not carry a plainwire::Error: {err:?}"))
}

/// The Accept-Encoding line the `gzip` feature adds to every request.
const ACCEPT_ENCODING: &str = if cfg!(feature = "gzip") {
    "Accept-Encoding: gzip, deflate\r\n"
} else {
    ""
};

// ---------------------------------------------------------------------------------------------
// Requests: the bytes on the wire
// ---------------------------------------------------------------------------------------------

#[test]
fn a_get_sends_exactly_the_default_head() {
    let server = HttpServer::start(|_| Reply::text("hi"));
    let resp = agent().get(&server.url("/hello")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "hi");
    let expected = format!(
        "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUser-Agent: {USER_AGENT}\r\nAccept: */*\r\n{ACCEPT_ENCODING}\r\n",
        server.port()
    );
    assert_eq!(head_text(&server, 0), expected);
}

#[cfg(feature = "json")]
mod json {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Post {
        id: u32,
        title: String,
        tags: Vec<String>,
    }

    #[derive(Serialize)]
    struct NewPost<'a> {
        title: &'a str,
        draft: bool,
    }

    #[test]
    fn get_json_into_a_struct() {
        let server = HttpServer::start(|req| {
            assert_eq!(req.path(), "/posts/1");
            Reply::new(200)
                .header("Content-Type", "application/json")
                .body(r#"{"id":1,"title":"Hello","tags":["a","b"],"extra":null}"#)
        });
        let resp = agent().get(&server.url("/posts/1")).send().unwrap();
        assert_eq!(resp.content_type().as_deref(), Some("application/json"));
        let post: Post = resp.json().unwrap();
        assert_eq!(
            post,
            Post {
                id: 1,
                title: "Hello".into(),
                tags: vec!["a".into(), "b".into()]
            }
        );
    }

    #[test]
    fn get_json_value_with_the_free_function() {
        let server = HttpServer::start(|_| Reply::new(200).body(r#"{"ok":true,"n":[1,2,3]}"#));
        let value: serde_json::Value = plainwire::get(&server.url("/"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(value, serde_json::json!({"ok": true, "n": [1, 2, 3]}));
    }

    #[test]
    fn post_json_sends_exactly_these_bytes() {
        let server = HttpServer::start(|_| Reply::new(201).body(r#"{"id":7}"#));
        let resp = agent()
            .post(&server.url("/posts"))
            .json(&NewPost {
                title: "héllo \"world\"",
                draft: false,
            })
            .unwrap()
            .send()
            .unwrap();
        assert_eq!(resp.status(), 201);
        let body = r#"{"title":"héllo \"world\"","draft":false}"#;
        let expected = format!(
            "POST /posts HTTP/1.1\r\n\
             Host: 127.0.0.1:{}\r\n\
             User-Agent: {USER_AGENT}\r\n\
             Accept: */*\r\n\
             {ACCEPT_ENCODING}\
             Content-Length: {}\r\n\
             Content-Type: application/json\r\n\
             \r\n\
             {body}",
            server.port(),
            body.len()
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(
            String::from_utf8(requests[0].raw.clone()).unwrap(),
            expected
        );
        assert_eq!(requests[0].body, body.as_bytes());
    }

    #[test]
    fn a_callers_content_type_wins_over_json() {
        let server = HttpServer::start(|_| Reply::new(204));
        agent()
            .post(&server.url("/"))
            .header("Content-Type", "application/vnd.api+json")
            .json(&[1, 2])
            .unwrap()
            .send()
            .unwrap();
        let req = &server.requests()[0];
        assert_eq!(
            req.header_all("content-type"),
            vec![&b"application/vnd.api+json"[..]]
        );
        assert_eq!(req.body, b"[1,2]");
    }

    #[test]
    fn a_body_that_is_not_the_expected_json_is_a_json_error() {
        let server = HttpServer::start(|_| Reply::new(200).body(r#"{"id":"not a number"}"#));
        let err = agent()
            .get(&server.url("/"))
            .send()
            .unwrap()
            .json::<Post>()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Json, "{err}");
        let source = std::error::Error::source(&err).expect("the serde_json error");
        assert!(source.is::<serde_json::Error>(), "{source:?}");
    }
}

#[test]
fn custom_headers_go_out_in_order_and_replace_defaults_in_their_place() {
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = Agent::builder()
        .proxy_from_env(false)
        .default_header("X-Agent-Default", "from-agent")
        .build()
        .unwrap();
    agent
        .get(&server.url("/h"))
        .header("X-Zulu", "1")
        .header("X-Alpha", "2")
        .header("user-agent", "mine/1.0")
        .header("ACCEPT", "application/json")
        .header("X-Dup", "a")
        .header("X-Dup", "b")
        .header("X-Tab", "a\tb")
        .send()
        .unwrap();
    let expected = format!(
        "GET /h HTTP/1.1\r\n\
         Host: 127.0.0.1:{}\r\n\
         user-agent: mine/1.0\r\n\
         ACCEPT: application/json\r\n\
         {ACCEPT_ENCODING}\
         X-Agent-Default: from-agent\r\n\
         X-Zulu: 1\r\n\
         X-Alpha: 2\r\n\
         X-Dup: a\r\n\
         X-Dup: b\r\n\
         X-Tab: a\tb\r\n\
         \r\n",
        server.port()
    );
    assert_eq!(head_text(&server, 0), expected);
}

#[test]
fn a_request_header_replaces_the_agents_default_header() {
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = Agent::builder()
        .proxy_from_env(false)
        .default_header("X-Token", "agent")
        .user_agent("")
        .build()
        .unwrap();
    agent
        .get(&server.url("/"))
        .header("x-token", "request")
        .send()
        .unwrap();
    agent.get(&server.url("/")).send().unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header_all("x-token"), vec![&b"request"[..]]);
    assert_eq!(requests[1].header_all("x-token"), vec![&b"agent"[..]]);
    // user_agent("") sends none at all.
    assert_eq!(requests[0].header("user-agent"), None);
}

#[test]
fn body_framing_headers_that_disagree_with_the_body_are_refused_before_connecting() {
    let server = HttpServer::start(|_| Reply::new(204));
    for headers in [
        &[("Content-Length", "999"), ("Transfer-Encoding", "chunked")][..],
        &[("Content-Length", "999")][..],
        &[("Transfer-Encoding", "gzip, chunked")][..],
    ] {
        let mut request = agent().put(&server.url("/"));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let err = request.body("abc").send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{headers:?}: {err}");
    }
    assert_eq!(server.connections(), 0);

    // One that agrees is sent once, as ours.
    agent()
        .put(&server.url("/"))
        .header("content-length", "3")
        .body("abc")
        .send()
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header_all("content-length"), vec![&b"3"[..]]);
    assert!(req.header("transfer-encoding").is_none());
    assert_eq!(req.body, b"abc");
}

#[test]
fn every_method_with_agent_methods_and_free_functions() {
    let server = HttpServer::start(|req| Reply::text(req.method.clone()));
    let agent = agent();
    let url = server.url("/m");
    type Start = fn(&Agent, &str) -> plainwire::RequestBuilder;
    type Free = fn(&str) -> plainwire::RequestBuilder;
    let cases: [(&str, Start, Free); 7] = [
        ("GET", Agent::get, plainwire::get),
        ("HEAD", Agent::head, plainwire::head),
        ("POST", Agent::post, plainwire::post),
        ("PUT", Agent::put, plainwire::put),
        ("PATCH", Agent::patch, plainwire::patch),
        ("DELETE", Agent::delete, plainwire::delete),
        ("OPTIONS", Agent::options, plainwire::options),
    ];
    for (method, with_agent, free) in cases {
        for builder in [with_agent(&agent, &url), free(&url)] {
            let resp = builder.send().unwrap();
            assert_eq!(resp.status(), 200);
            let body = resp.text().unwrap();
            let expected_body = if method == "HEAD" { "" } else { method };
            assert_eq!(body, expected_body, "{method}");
            let req = server.requests().pop().unwrap();
            assert_eq!(req.method, method);
            assert_eq!(req.target, "/m");
            // A method that usually carries a body says it is empty.
            let length = req.header("content-length");
            match method {
                "POST" | "PUT" | "PATCH" => assert_eq!(length, Some("0"), "{method}"),
                _ => assert_eq!(length, None, "{method}"),
            }
        }
    }
    for builder in [
        plainwire::request("PROPFIND", &url),
        agent.request("PROPFIND", &url),
    ] {
        assert_eq!(builder.send().unwrap().text().unwrap(), "PROPFIND");
        let head = server.request_heads().pop().unwrap();
        assert!(head.starts_with(b"PROPFIND /m HTTP/1.1\r\n"), "{head:?}");
    }
}

#[test]
fn query_pairs_are_form_encoded_and_appended() {
    let server = HttpServer::start(|_| Reply::new(204));
    agent()
        .get(&server.url("/search?x=1"))
        .query("q", "rust http")
        .query("sym", "a&b=c/d?é~*-._")
        .query("", "")
        .send()
        .unwrap();
    agent()
        .get(&server.url("/plain"))
        .query("k", "v")
        .send()
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].target,
        "/search?x=1&q=rust+http&sym=a%26b%3Dc%2Fd%3F%C3%A9%7E*-._&="
    );
    assert_eq!(requests[1].target, "/plain?k=v");
}

#[test]
fn the_url_is_sent_normalised_and_without_its_fragment() {
    let server = HttpServer::start(|_| Reply::new(204));
    let url = format!(
        "HTTP://LocalHost:{}/a/./b/../c/%7e/ü?q=\"x\"#fragment",
        server.port()
    );
    let resp = agent().get(&url).send().unwrap();
    assert_eq!(
        resp.url().as_str(),
        format!(
            "http://localhost:{}/a/c/%7e/%C3%BC?q=%22x%22",
            server.port()
        )
    );
    let head = head_text(&server, 0);
    assert!(
        head.starts_with(&format!(
            "GET /a/c/%7e/%C3%BC?q=%22x%22 HTTP/1.1\r\nHost: localhost:{}\r\n",
            server.port()
        )),
        "{head}"
    );
}

#[test]
fn userinfo_becomes_basic_auth_and_never_reaches_the_request_line() {
    let server = HttpServer::start(|_| Reply::new(204));
    let url = format!(
        "http://alice:p%40ss%3Aword@127.0.0.1:{}/private",
        server.port()
    );
    let resp = agent().get(&url).send().unwrap();
    // The response's URL drops the credentials too.
    assert_eq!(
        resp.url().as_str(),
        format!("http://127.0.0.1:{}/private", server.port())
    );
    let head = head_text(&server, 0);
    assert!(head.starts_with("GET /private HTTP/1.1\r\n"), "{head}");
    // base64("alice:p@ss:word")
    assert!(
        head.contains("\r\nAuthorization: Basic YWxpY2U6cEBzczp3b3Jk\r\n"),
        "{head}"
    );
    assert!(
        !head.contains("alice") && !head.contains("p%40ss"),
        "{head}"
    );
}

#[test]
fn basic_auth_and_bearer_auth() {
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = agent();
    agent
        .get(&server.url("/"))
        .basic_auth("Aladdin", "open sesame")
        .send()
        .unwrap();
    agent
        .get(&server.url("/"))
        .bearer_auth("tok.en-123")
        .send()
        .unwrap();
    // An explicit basic_auth replaces the URL's userinfo, and the last auth call wins.
    let with_userinfo = format!("http://url:creds@127.0.0.1:{}/", server.port());
    agent
        .get(&with_userinfo)
        .header("Authorization", "Custom x")
        .bearer_auth("first")
        .basic_auth("user", "")
        .send()
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].header_all("authorization"),
        vec![&b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="[..]]
    );
    assert_eq!(
        requests[1].header_all("authorization"),
        vec![&b"Bearer tok.en-123"[..]]
    );
    // base64("user:")
    assert_eq!(
        requests[2].header_all("authorization"),
        vec![&b"Basic dXNlcjo="[..]]
    );
}

#[test]
fn form_bodies_are_url_encoded() {
    let server = HttpServer::start(|_| Reply::new(204));
    agent()
        .post(&server.url("/login"))
        .form(&[
            ("name", "Jane Doe"),
            ("q", "a&b=c+d"),
            ("empty", ""),
            ("ü", "✓"),
        ])
        .send()
        .unwrap();
    let body = "name=Jane+Doe&q=a%26b%3Dc%2Bd&empty=&%C3%BC=%E2%9C%93";
    let expected = format!(
        "POST /login HTTP/1.1\r\n\
         Host: 127.0.0.1:{}\r\n\
         User-Agent: {USER_AGENT}\r\n\
         Accept: */*\r\n\
         {ACCEPT_ENCODING}\
         Content-Length: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         \r\n\
         {body}",
        server.port(),
        body.len()
    );
    assert_eq!(
        String::from_utf8(server.requests()[0].raw.clone()).unwrap(),
        expected
    );
}

#[test]
fn a_streamed_body_goes_out_chunked() {
    let server = HttpServer::start(|req| Reply::text(req.body.clone()));
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let resp = agent()
        .post(&server.url("/upload"))
        .body_reader(std::io::Cursor::new(data.clone()))
        .send()
        .unwrap();
    assert_eq!(resp.bytes().unwrap(), data);
    let req = &server.requests()[0];
    assert!(req.chunked);
    assert_eq!(req.header("content-length"), None);
    assert_eq!(req.body, data);
}

// ---------------------------------------------------------------------------------------------
// Invalid requests never leave the process
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_headers_and_methods_are_refused_before_connecting() {
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = agent();
    let url = server.url("/");
    let bad = [
        agent.get(&url).header("X-Bad", "a\r\nInjected: 1"),
        agent.get(&url).header("X-Bad", "line\nfeed"),
        agent.get(&url).header("X-Bad", "carriage\rreturn"),
        agent.get(&url).header("X-Bad", "nul\0byte"),
        agent.get(&url).header("X-Bad\r\nInjected", "1"),
        agent.get(&url).header("Bad Name", "1"),
        agent.get(&url).header("Bad:Name", "1"),
        agent.get(&url).header("", "1"),
        agent.get(&url).header("Content-Length", "1\r\nX: y"),
        agent.get(&url).bearer_auth("token\r\nX-Injected: 1"),
        agent.request("GE T", &url),
        agent.request("GET\r\n", &url),
        agent.request("", &url),
        agent.request("GET /evil HTTP/1.1\r\nX:", &url),
        plainwire::request("PÖST", &url),
    ];
    for builder in bad {
        let description = format!("{builder:?}");
        let err = builder.send().unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidRequest,
            "{description}: {err}"
        );
    }
    // Proof that none of them connected: the next good request is the server's first
    // connection (had any bad one connected, it would have been accepted before this one).
    agent.get(&url).send().unwrap();
    assert_eq!(server.connections(), 1);
    assert_eq!(server.request_heads().len(), 1);
}

/// The agent's own fields are checked once, when it is built, and request heads then write
/// them unchecked: an agent with a field that could not be sent is never built.
#[test]
fn an_agent_with_a_field_that_could_not_be_sent_is_not_built() {
    let refused = [
        (
            "default field value",
            Agent::builder().default_header("X-Default", "a\r\nInjected: 1"),
        ),
        (
            "default field name",
            Agent::builder().default_header("X-Bad\r\nInjected", 1),
        ),
        (
            "default field NUL",
            Agent::builder().default_header("X-Default", "nul\0"),
        ),
        (
            "User-Agent",
            Agent::builder().user_agent("tool/1\r\nInjected: 1"),
        ),
        (
            "bearer token",
            Agent::builder().bearer_auth("t0ken\nInjected: 1"),
        ),
        // A later good value, or a removal, does not make the agent usable: the first mistake
        // is the one reported, as for every builder setting.
        (
            "replaced default",
            Agent::builder()
                .default_header("X-Default", "a\nb")
                .default_header("X-Default", "ok"),
        ),
        (
            "removed default",
            Agent::builder()
                .default_header("X-Default", "a\nb")
                .remove_default_header("X-Default"),
        ),
    ];
    for (what, builder) in refused {
        let err = builder.proxy_from_env(false).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what}: {err}");
    }

    // What the check lets through goes out as it was given, trimmed of blanks at either end.
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = Agent::builder()
        .proxy_from_env(false)
        .user_agent("tool/1 (tab\there)")
        .default_header("X-Default", " spaced value\t")
        .build()
        .unwrap();
    agent.get(&server.url("/")).send().unwrap();
    // The bytes as sent: the test server's parser would trim the blanks itself.
    let head = String::from_utf8(server.request_heads()[0].clone()).unwrap();
    assert!(
        head.contains("\r\nUser-Agent: tool/1 (tab\there)\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nX-Default: spaced value\r\n"), "{head}");
}

#[test]
fn invalid_urls_are_refused_before_connecting() {
    let server = HttpServer::start(|_| Reply::new(204));
    let port = server.port();
    let cases = [
        (
            format!("http://127.0.0.1:{port}/a b"),
            ErrorKind::InvalidUrl,
        ),
        (
            format!("http://127.0.0.1:{port}/a\r\nX: y"),
            ErrorKind::InvalidUrl,
        ),
        (
            format!("ftp://127.0.0.1:{port}/"),
            ErrorKind::UnsupportedScheme,
        ),
        ("127.0.0.1/".to_string(), ErrorKind::InvalidUrl),
    ];
    for (url, kind) in cases {
        let err = agent().get(&url).send().unwrap_err();
        assert_eq!(err.kind(), kind, "{url:?}: {err}");
    }
    agent().get(&server.url("/")).send().unwrap();
    assert_eq!(server.connections(), 1);
}

#[cfg(not(feature = "tls"))]
#[test]
fn https_without_the_tls_feature_is_an_unsupported_scheme_before_connecting() {
    let server = HttpServer::start(|_| Reply::new(204));
    let url = format!("https://127.0.0.1:{}/", server.port());
    let err = agent().get(&url).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedScheme, "{err}");
    assert!(err.to_string().contains("tls"), "{err}");
    agent().get(&server.url("/")).send().unwrap();
    assert_eq!(server.connections(), 1);
}

// ---------------------------------------------------------------------------------------------
// Reading responses: framing
// ---------------------------------------------------------------------------------------------

#[test]
fn a_truncated_content_length_body_is_an_error_through_bytes() {
    let server = ScriptedServer::respond_with("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    let err = agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Truncated, "{err}");
}

#[test]
fn a_truncated_content_length_body_is_an_error_through_read() {
    let server = ScriptedServer::respond_with("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    let mut resp = agent().get(&server.url("/")).send().unwrap();
    let mut body = Vec::new();
    let err = resp.read_to_end(&mut body).unwrap_err();
    assert_eq!(body, b"abc");
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "{err}");
    assert_eq!(inner_error(&err).kind(), ErrorKind::Truncated);
}

#[test]
fn a_truncated_chunked_body_is_an_error_through_bytes_and_read() {
    let cut_between_chunks = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
    let cut_inside_a_chunk = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhel";
    let cut_in_the_trailers =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n";
    for response in [cut_between_chunks, cut_inside_a_chunk, cut_in_the_trailers] {
        let server = ScriptedServer::respond_with(response);
        let err = agent()
            .get(&server.url("/"))
            .send()
            .unwrap()
            .bytes()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Truncated, "{response:?}: {err}");

        let server = ScriptedServer::respond_with(response);
        let mut reader = agent().get(&server.url("/")).send().unwrap().into_reader();
        let err = std::io::copy(&mut reader, &mut std::io::sink()).unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::UnexpectedEof,
            "{response:?}"
        );
        assert_eq!(
            inner_error(&err).kind(),
            ErrorKind::Truncated,
            "{response:?}"
        );
    }
}

#[test]
fn conflicting_content_lengths_are_a_protocol_error() {
    for response in [
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nabcd",
        "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\nabcd",
    ] {
        let server = ScriptedServer::respond_with(response);
        let err = agent().get(&server.url("/")).send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol, "{response:?}: {err}");
    }
}

#[test]
fn repeated_equal_content_lengths_are_accepted() {
    let server = ScriptedServer::respond_with(
        "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 4, 4\r\n\r\nabcd",
    );
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "abcd");
}

#[test]
fn no_body_is_read_for_204_304_and_head_and_the_connection_is_reused() {
    // Each of these heads announces a body that never comes: a client that waited for it
    // would time out, and a client that read the next response as a body would fail too.
    let server = keep_alive_server(&[
        b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nETag: \"x\"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext",
    ]);
    let agent = agent();
    let url = server.url("/");

    let resp = agent.get(&url).send().unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.bytes().unwrap(), b"");
    assert_eq!(agent.idle_connections(), 1);

    let mut resp = agent
        .get(&url)
        .header("If-None-Match", "\"x\"")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 304);
    let mut body = Vec::new();
    resp.read_to_end(&mut body).unwrap();
    assert!(body.is_empty());

    let resp = agent.head(&url).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.content_length(), Some(5));
    assert_eq!(resp.text().unwrap(), "");

    let resp = agent.get(&url).send().unwrap();
    assert_eq!(resp.status(), 304);
    drop(resp);

    let resp = agent.get(&url).send().unwrap();
    assert_eq!(resp.text().unwrap(), "next");
    assert_eq!(
        server.connections(),
        1,
        "every request should share one connection"
    );
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn head_with_the_http_server_reuses_the_connection() {
    let server = HttpServer::start(|_| Reply::text("0123456789"));
    let agent = agent();
    for _ in 0..3 {
        let resp = agent.head(&server.url("/")).send().unwrap();
        assert_eq!(resp.content_length(), Some(10));
        assert_eq!(resp.bytes().unwrap(), b"");
        assert_eq!(
            agent.get(&server.url("/")).send().unwrap().text().unwrap(),
            "0123456789"
        );
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_close_delimited_body_is_read_to_the_end() {
    let body: Vec<u8> = (0..300_000u32).map(|i| (i % 256) as u8).collect();
    let mut response = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    response.extend_from_slice(&body);
    let server = ScriptedServer::respond_with(response.clone());
    let agent = agent();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.content_length(), None);
    assert_eq!(resp.bytes().unwrap(), body);
    assert_eq!(agent.idle_connections(), 0);

    // The same through a small-buffer streaming read, and for HTTP/1.0.
    let mut response10 = b"HTTP/1.0 200 OK\r\n\r\n".to_vec();
    response10.extend_from_slice(&body);
    for response in [response, response10] {
        let server = ScriptedServer::respond_with(response);
        let mut reader = agent.get(&server.url("/")).send().unwrap();
        let mut received = Vec::new();
        let mut buf = [0u8; 777];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            received.extend_from_slice(&buf[..n]);
        }
        assert_eq!(received, body);
    }
}

#[test]
fn chunked_bodies_with_extensions_and_trailers() {
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
        5;name=value\r\nhello\r\n\
        6 ; quoted=\"a;b\"\r\n world\r\n\
        B\r\n, chunked!\n\r\n\
        0;last\r\n\
        X-Trailer: yes\r\n\
        X-Other: 1\r\n\
        \r\n";
    let server = keep_alive_server(&[
        chunked,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter",
    ]);
    let agent = agent();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.content_length(), None);
    assert_eq!(resp.text().unwrap(), "hello world, chunked!\n");
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().bytes().unwrap(),
        b""
    );
    // The trailers were consumed exactly: the next response starts where they ended.
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "after"
    );
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_chunked_body_read_one_byte_at_a_time() {
    let server = ScriptedServer::respond_with(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1;x=y\r\nd\r\n0\r\n\r\n",
    );
    let mut resp = agent().get(&server.url("/")).send().unwrap();
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while resp.read(&mut byte).unwrap() == 1 {
        out.push(byte[0]);
    }
    assert_eq!(out, b"abcd");
}

#[test]
fn bad_chunked_framing_is_a_protocol_error() {
    for response in [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxxxx",
    ] {
        let server = ScriptedServer::respond_with(response);
        let result = agent().get(&server.url("/")).send().and_then(|r| r.bytes());
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol, "{response:?}: {err}");
    }
}

#[test]
fn transfer_encoding_wins_over_content_length_and_the_connection_is_closed() {
    let server = keep_alive_server(&[
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno",
    ]);
    let agent = agent();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
    assert_eq!(agent.idle_connections(), 0);
}

#[test]
fn an_empty_reply_is_its_own_error() {
    let server = ScriptedServer::start(|conn| {
        conn.read_request_head();
    });
    let err = agent().get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::EmptyReply, "{err}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
}

#[test]
fn a_reply_cut_inside_the_head_is_a_protocol_error() {
    let server = ScriptedServer::respond_with("HTTP/1.1 200 OK\r\nContent-Le");
    let err = agent().get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}

#[test]
fn a_reply_that_is_not_http_is_a_protocol_error() {
    let server = ScriptedServer::respond_with("SSH-2.0-OpenSSH_9.6\r\n\r\n");
    let err = agent().get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}

#[test]
fn obs_fold_header_values_are_unfolded() {
    let server = ScriptedServer::respond_with(
        "HTTP/1.1 200 OK\r\nX-Folded: first\r\n  second\r\n\tthird\r\nX-After: yes\r\nContent-Length: 2\r\n\r\nok",
    );
    let resp = agent().get(&server.url("/")).send().unwrap();
    let folded = resp.header("x-folded").unwrap();
    assert!(!folded.contains(['\r', '\n']), "{folded:?}");
    assert_eq!(
        folded.split_whitespace().collect::<Vec<_>>(),
        ["first", "second", "third"]
    );
    assert_eq!(resp.header("x-after"), Some("yes"));
    assert_eq!(resp.text().unwrap(), "ok");
}

#[test]
fn informational_responses_before_the_final_one_are_skipped() {
    let server = keep_alive_server(&[
        b"HTTP/1.1 100 Continue\r\n\r\n\
          HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n\
          HTTP/1.1 102 Processing\r\n\r\n\
          HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Final: 1\r\n\r\nfinal",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain",
    ]);
    let agent = agent();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.header("x-final"), Some("1"));
    assert_eq!(resp.header("link"), None);
    assert_eq!(resp.text().unwrap(), "final");
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "again"
    );
    assert_eq!(server.connections(), 1);
}

#[test]
fn connections_are_reused_and_a_stale_one_is_replaced() {
    // The server closes each connection after one response, without Connection: close.
    let server = ScriptedServer::start(|conn| {
        if !conn.read_request_head().is_empty() {
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    });
    let agent = agent();
    for _ in 0..3 {
        assert_eq!(
            agent.get(&server.url("/")).send().unwrap().text().unwrap(),
            "ok"
        );
        // Let the server's close arrive before the next request.
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.connections(), 3);
}

/// A server whose first connection answers one request, then reads the next one and closes
/// without a word: a keep-alive connection that died just as it was reused.
fn dies_on_reuse_server() -> ScriptedServer {
    ScriptedServer::start(|conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
        if conn.index() == 0 {
            conn.read_request_head();
            conn.abort();
        }
    })
}

#[test]
fn an_idempotent_request_is_retried_once_when_a_reused_connection_dies() {
    let server = dies_on_reuse_server();
    let agent = agent();
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "first"
    );
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "first"
    );
    assert_eq!(server.connections(), 2);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_post_is_not_retried_when_a_reused_connection_dies() {
    let server = dies_on_reuse_server();
    let agent = agent();
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "first"
    );
    let err = agent
        .post(&server.url("/"))
        .body("once")
        .send()
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::EmptyReply | ErrorKind::ConnectionReset
        ),
        "{err}"
    );
    assert_eq!(server.connections(), 1);
}

// ---------------------------------------------------------------------------------------------
// The Response API
// ---------------------------------------------------------------------------------------------

#[test]
fn status_reason_version_and_headers() {
    let server = ScriptedServer::respond_with(
        "HTTP/1.0 201 Created It Is\r\n\
         Content-Type: Text/HTML; Charset=\"ISO-8859-1\"\r\n\
         Set-Cookie: a=1\r\n\
         X-Empty:\r\n\
         set-cookie: b=2\r\n\
         Content-Length: 3\r\n\
         SET-COOKIE: c=3\r\n\
         \r\n\
         abc",
    );
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.reason(), "Created It Is");
    assert_eq!(resp.version(), Version::Http10);
    assert_eq!(resp.version().as_str(), "HTTP/1.0");
    assert_eq!(
        resp.header("CONTENT-TYPE"),
        Some("Text/HTML; Charset=\"ISO-8859-1\"")
    );
    assert_eq!(resp.header("x-empty"), Some(""));
    assert_eq!(resp.header("x-missing"), None);
    assert_eq!(resp.headers_all("Set-Cookie"), ["a=1", "b=2", "c=3"]);
    assert_eq!(resp.headers().get_all("set-cookie"), ["a=1", "b=2", "c=3"]);
    assert_eq!(resp.headers().len(), 6);
    assert!(resp.headers().contains("x-EMPTY"));
    let names: Vec<&str> = resp.headers().iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "Content-Type",
            "Set-Cookie",
            "X-Empty",
            "set-cookie",
            "Content-Length",
            "SET-COOKIE"
        ]
    );
    assert_eq!(resp.content_type().as_deref(), Some("text/html"));
    assert_eq!(resp.charset().as_deref(), Some("iso-8859-1"));
    assert_eq!(resp.content_length(), Some(3));
    assert!(resp
        .headers()
        .raw()
        .starts_with(b"HTTP/1.0 201 Created It Is\r\n"));
    assert_eq!(resp.text().unwrap(), "abc");
}

#[test]
fn an_empty_reason_and_a_missing_content_type() {
    let server = ScriptedServer::respond_with("HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n");
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.status(), 299);
    assert_eq!(resp.reason(), "");
    assert_eq!(resp.version(), Version::Http11);
    assert_eq!(resp.content_type(), None);
    assert_eq!(resp.charset(), None);
    assert_eq!(resp.content_length(), Some(0));
}

#[test]
fn text_decodes_utf8_by_default() {
    let server = HttpServer::start(|_| Reply::new(200).body("héllo ✓ 🦀"));
    let text = agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(text, "héllo ✓ 🦀");
}

#[test]
fn text_decodes_latin1() {
    for content_type in [
        "text/plain; charset=ISO-8859-1",
        "text/plain;charset=latin1",
        "text/plain; charset=\"iso-8859-1\"",
    ] {
        let server = HttpServer::start(move |_| {
            Reply::new(200)
                .header("Content-Type", content_type)
                .body(b"caf\xe9 \xa3\xff".to_vec())
        });
        let text = agent()
            .get(&server.url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(text, "café £ÿ", "{content_type}");
    }
}

#[test]
fn text_refuses_invalid_utf8_and_unsupported_charsets() {
    let server = HttpServer::start(|req| match req.path() {
        // A label of no charset: refused by every build (Shift_JIS is decoded with the
        // `charset` feature; tests/responses.rs covers it).
        "/unknown" => Reply::new(200)
            .header("Content-Type", "text/plain; charset=x-no-such-charset")
            .body(b"\x82\xa0".to_vec()),
        _ => Reply::new(200)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(b"ok \xff\xfe".to_vec()),
    });
    let err = agent()
        .get(&server.url("/unknown"))
        .send()
        .unwrap()
        .text()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("x-no-such-charset"), "{err}");
    let err = agent()
        .get(&server.url("/bad-utf8"))
        .send()
        .unwrap()
        .text()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[test]
fn error_for_status() {
    let server = HttpServer::start(|req| match req.path() {
        "/ok" => Reply::text("fine"),
        "/moved" => Reply::new(304),
        _ => Reply::new(404).body("no such page"),
    });
    let agent = agent();
    let resp = agent
        .get(&server.url("/ok"))
        .send()
        .unwrap()
        .error_for_status()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "fine");
    let resp = agent.get(&server.url("/moved")).send().unwrap();
    assert_eq!(resp.error_for_status().unwrap().status(), 304);

    let err = agent
        .get(&server.url("/missing"))
        .send()
        .unwrap()
        .error_for_status()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status(404));
    let message = err.to_string();
    assert!(message.contains("404"), "{message}");
    assert!(message.contains("127.0.0.1"), "{message}");
}

#[test]
fn error_statuses_are_ok_responses_with_readable_bodies() {
    let server = HttpServer::start(|req| match req.path() {
        "/teapot" => Reply::new(418)
            .reason("I'm a teapot")
            .body("short and stout"),
        _ => Reply::new(500).body("boom"),
    });
    let agent = agent();
    let resp = agent.get(&server.url("/teapot")).send().unwrap();
    assert_eq!((resp.status(), resp.reason()), (418, "I'm a teapot"));
    assert_eq!(resp.text().unwrap(), "short and stout");
    let resp = agent.post(&server.url("/fail")).body("x").send().unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(resp.text().unwrap(), "boom");
    assert_eq!(server.connections(), 1);
}

#[test]
fn bytes_over_max_body_size_is_body_too_large() {
    let big = vec![b'x'; 2000];
    let server = HttpServer::start(move |req| match req.path() {
        "/sized" => Reply::new(200).body(big.clone()),
        "/exact" => Reply::new(200).body(big[..1000].to_vec()),
        _ => Reply::new(200)
            .header("Transfer-Encoding", "chunked")
            .body(format!("7d0\r\n{}\r\n0\r\n\r\n", "y".repeat(2000))),
    });
    let agent = Agent::builder()
        .proxy_from_env(false)
        .max_body_size(1000)
        .build()
        .unwrap();
    // With a Content-Length: refused before reading.
    let err = agent
        .get(&server.url("/sized"))
        .send()
        .unwrap()
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err}");
    // Without one: refused once the limit is passed.
    let err = agent
        .get(&server.url("/chunked"))
        .send()
        .unwrap()
        .text()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err}");
    // Exactly the limit is fine.
    assert_eq!(
        agent
            .get(&server.url("/exact"))
            .send()
            .unwrap()
            .bytes()
            .unwrap()
            .len(),
        1000
    );
    // A streaming read is not bound by max_body_size.
    let mut resp = agent.get(&server.url("/chunked")).send().unwrap();
    let mut body = Vec::new();
    resp.read_to_end(&mut body).unwrap();
    assert_eq!(body.len(), 2000);
    // limit_body raises the limit for bytes() as well.
    let resp = agent
        .get(&server.url("/sized"))
        .send()
        .unwrap()
        .limit_body(5000);
    assert_eq!(resp.bytes().unwrap().len(), 2000);
}

#[test]
fn limit_body_bounds_a_streaming_read() {
    let body = "z".repeat(10_000);
    for framing in ["length", "chunked", "close"] {
        let body = body.clone();
        let server = ScriptedServer::respond_with(match framing {
            "length" => format!("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n{body}"),
            "chunked" => format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2710\r\n{body}\r\n0\r\n\r\n"
            ),
            _ => format!("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{body}"),
        });
        let resp = agent()
            .get(&server.url("/"))
            .send()
            .unwrap()
            .limit_body(100);
        let mut reader = resp.into_reader();
        let mut received = Vec::new();
        let err = reader.read_to_end(&mut received).unwrap_err();
        assert_eq!(
            inner_error(&err).kind(),
            ErrorKind::BodyTooLarge,
            "{framing}: {err}"
        );
        assert!(
            received.len() <= 100,
            "{framing}: read {} bytes",
            received.len()
        );
        // And it stays refused.
        let err = reader.read(&mut [0u8; 16]).unwrap_err();
        assert_eq!(
            inner_error(&err).kind(),
            ErrorKind::BodyTooLarge,
            "{framing}"
        );

        // Within the limit, a streaming read succeeds.
        let server = ScriptedServer::respond_with(format!(
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}",
            &body[..100]
        ));
        let mut resp = agent()
            .get(&server.url("/"))
            .send()
            .unwrap()
            .limit_body(100);
        let mut received = Vec::new();
        resp.read_to_end(&mut received).unwrap();
        assert_eq!(received.len(), 100);
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn errors_are_send_sync_and_static() {
    fn check<T: Send + Sync + std::error::Error + 'static>() {}
    check::<plainwire::Error>();
}

#[test]
fn a_closed_port_is_a_connect_error_naming_the_address_with_an_io_source() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let err = agent()
        .get(&format!("http://127.0.0.1:{port}/"))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    let source = std::error::Error::source(&err).expect("a source");
    let io = source
        .downcast_ref::<std::io::Error>()
        .expect("an io::Error");
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[test]
fn error_messages_name_the_host_once() {
    let server = ScriptedServer::start(|conn| {
        let head = String::from_utf8(conn.read_request_head()).unwrap_or_default();
        let path = head.split(' ').nth(1).unwrap_or("");
        let response: &[u8] = match path {
            "/empty" => b"",
            "/cut-head" => b"HTTP/1.1 200 OK\r\nContent-",
            "/not-http" => b"hello\r\n\r\n",
            "/conflict" => b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "/truncated" => b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
            "/truncated-chunked" => {
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc"
            }
            "/bad-chunk" => b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
            "/silent" => {
                conn.read_to_end();
                b""
            }
            _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        };
        conn.write_all(response);
    });
    let host = format!("127.0.0.1:{}", server.port());
    let agent = Agent::builder()
        .proxy_from_env(false)
        .read_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let get = |path: &str| agent.get(&server.url(path)).send();
    let errors = [
        get("/empty").unwrap_err(),
        get("/cut-head").unwrap_err(),
        get("/not-http").unwrap_err(),
        get("/conflict").unwrap_err(),
        get("/truncated").unwrap().bytes().unwrap_err(),
        get("/truncated-chunked").unwrap().bytes().unwrap_err(),
        get("/bad-chunk").unwrap().bytes().unwrap_err(),
        get("/silent").unwrap_err(),
        get("/missing").unwrap().error_for_status().unwrap_err(),
    ];
    for err in errors {
        let message = err.to_string();
        let named = message.matches(&host).count();
        assert_eq!(
            named,
            1,
            "{:?} should name {host} once: {message}",
            err.kind()
        );
    }
}

#[test]
fn debug_output_masks_credential_header_values() {
    let secrets = [
        "agent-token",
        "agent-cookie",
        "agent-proxy",
        "request-token",
        "request-cookie",
        "url-password",
        // base64 of "user:request-pass"
        "dXNlcjpyZXF1ZXN0LXBhc3M",
    ];
    let builder = Agent::builder()
        .proxy_from_env(false)
        .default_header("Authorization", "Bearer agent-token")
        .default_header("cookie", "sid=agent-cookie")
        .default_header("Proxy-Authorization", "Basic agent-proxy")
        .default_header("X-Visible", "shown");
    let builder_text = format!("{builder:?}");
    let agent = builder.build().unwrap();
    let agent_text = format!("{agent:?}");
    let request = agent
        .get("http://user:url-password@127.0.0.1:1/")
        .header("Cookie", "sid=request-cookie")
        .header("X-Visible", "shown too")
        .bearer_auth("request-token")
        .basic_auth("user", "request-pass");
    let request_text = format!("{request:?}");
    for (what, text) in [
        ("AgentBuilder", &builder_text),
        ("Agent", &agent_text),
        ("RequestBuilder", &request_text),
    ] {
        for secret in secrets {
            assert!(!text.contains(secret), "{what} shows {secret}: {text}");
        }
        assert!(text.contains("shown"), "{what}: {text}");
    }
    assert!(
        builder_text.contains(r#"("Authorization", "Bearer *****")"#),
        "{builder_text}"
    );
    assert!(
        agent_text.contains(r#"("cookie", "*****")"#),
        "{agent_text}"
    );
    assert!(
        request_text.contains(r#"("Authorization", "Basic *****")"#),
        "{request_text}"
    );
    assert!(
        request_text.contains(r#"("X-Visible", "shown too")"#),
        "{request_text}"
    );
}

#[test]
fn content_length_5_comma_5_is_5_in_the_framing_and_in_the_response() {
    // RFC 9110 section 8.6: a list of identical values may be taken as that one value. The
    // framing and `Response::content_length` read it with one parser.
    for fields in [
        "Content-Length: 5, 5\r\n",
        "Content-Length: 5\r\ncontent-length: 5\r\n",
    ] {
        let head = format!("HTTP/1.1 200 OK\r\n{fields}\r\n");
        let response = format!("{head}hello");
        let server = keep_alive_server(&[response.as_bytes(), head.as_bytes()]);
        let agent = agent();
        let resp = agent.get(&server.url("/")).send().unwrap();
        assert_eq!(resp.content_length(), Some(5), "{fields:?}");
        assert_eq!(resp.text().unwrap(), "hello", "{fields:?}");
        // The answer to HEAD says how long the body would be, with the same parser.
        let resp = agent.head(&server.url("/")).send().unwrap();
        assert_eq!(resp.content_length(), Some(5), "{fields:?}");
        assert_eq!(resp.text().unwrap(), "", "{fields:?}");
        assert_eq!(server.connections(), 1, "{fields:?}");
    }
}

#[test]
fn a_non_ascii_reason_phrase_is_kept_as_bytes_and_as_text() {
    let latin1 = ScriptedServer::respond_with(
        &b"HTTP/1.1 404 Nicht gef\xfcnden\r\nContent-Length: 0\r\n\r\n"[..],
    );
    let resp = agent().get(&latin1.url("/")).send().unwrap();
    assert_eq!(resp.reason(), "Nicht gefünden");
    assert_eq!(resp.reason_bytes(), b"Nicht gef\xfcnden");
    let err = resp.error_for_status().unwrap_err();
    assert!(err.to_string().contains("404 Nicht gefünden"), "{err}");

    let utf8 = ScriptedServer::respond_with("HTTP/1.1 200 Grüße\r\nContent-Length: 0\r\n\r\n");
    let resp = agent().get(&utf8.url("/")).send().unwrap();
    assert_eq!(resp.reason(), "Grüße");
    assert_eq!(resp.reason_bytes(), "Grüße".as_bytes());
}

#[test]
fn whitespace_around_a_header_value_is_not_sent() {
    // RFC 9110 section 5.5: a field value does not include leading or trailing whitespace.
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = Agent::builder()
        .proxy_from_env(false)
        .default_header("X-Default", "\tdefault ")
        .build()
        .unwrap();
    agent
        .get(&server.url("/"))
        .header("X-Token", " abc ")
        .header("X-Inner", "a \t b")
        .bearer_auth("tok  ")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let head = String::from_utf8(server.request_heads().pop().unwrap()).unwrap();
    for line in [
        "\r\nX-Token: abc\r\n",
        "\r\nX-Inner: a \t b\r\n",
        "\r\nX-Default: default\r\n",
        "\r\nAuthorization: Bearer tok\r\n",
    ] {
        assert!(head.contains(line), "{line:?} not in {head:?}");
    }
}

// ---------------------------------------------------------------------------
// Where connections go: curl's --resolve, --connect-to, -4 and -6
// ---------------------------------------------------------------------------

#[test]
fn a_resolve_override_sends_a_name_to_the_address_given() {
    let server = HttpServer::start(|req| Reply::text(req.header("host").unwrap_or("").to_string()));
    let port = server.port();
    let agent = Agent::builder()
        .proxy_from_env(false)
        .resolve("example.invalid", port, "127.0.0.1".parse().unwrap())
        .build()
        .unwrap();
    let url = format!("http://example.invalid:{port}/");
    let body = agent.get(&url).send().unwrap().text().unwrap();
    assert_eq!(
        body,
        format!("example.invalid:{port}"),
        "Host stays the URL's"
    );
}

#[test]
fn localhost_names_reach_loopback_without_the_resolver() {
    // RFC 6761 section 6.3. Where the system resolver knows no name under localhost (and would
    // ask DNS about one), only the rule gets these requests through, and nothing leaves the
    // machine to find them.
    let server = HttpServer::start(|req| Reply::text(req.header("host").unwrap_or("").to_string()));
    let port = server.port();
    let agent = Agent::builder().proxy_from_env(false).build().unwrap();
    for host in [
        "localhost",
        "app.localhost",
        "API.LOCALHOST",
        "app.localhost.",
    ] {
        let resp = agent.get(&format!("http://{host}:{port}/")).send().unwrap();
        assert_eq!(resp.remote_addr(), Some(server.addr()), "{host}");
        let sent = resp.text().unwrap();
        assert!(
            sent.eq_ignore_ascii_case(&format!("{host}:{port}")),
            "Host stays the URL's: {sent:?} for {host}"
        );
    }
}

#[test]
fn localhost_reaches_a_server_on_ipv6_loopback_alone() {
    // localhost is 127.0.0.1 and then ::1: a server that listens on ::1 alone refuses the
    // first address at once and is reached on the second. (Where /etc/hosts names 127.0.0.1
    // alone for localhost, as many do, the system resolver would not get there.)
    let Ok(server) = HttpServer::bind("[::1]:0", None, |_| Reply::text("v6")) else {
        eprintln!("skipped: IPv6 loopback is not available");
        return;
    };
    let agent = Agent::builder().proxy_from_env(false).build().unwrap();
    let resp = agent
        .get(&format!("http://localhost:{}/", server.port()))
        .send()
        .unwrap();
    assert_eq!(resp.remote_addr(), Some(server.addr()));
    assert_eq!(resp.text().unwrap(), "v6");
}

#[test]
fn a_resolve_override_sends_a_localhost_name_elsewhere() {
    // Routes decide before names are resolved, the localhost rule included.
    let Ok(server) = HttpServer::bind("127.0.0.2:0", None, |_| Reply::text("routed")) else {
        eprintln!("skipped: 127.0.0.2 is not available");
        return;
    };
    let agent = Agent::builder()
        .proxy_from_env(false)
        .resolve("localhost", server.port(), "127.0.0.2".parse().unwrap())
        .build()
        .unwrap();
    let resp = agent
        .get(&format!("http://localhost:{}/", server.port()))
        .send()
        .unwrap();
    assert_eq!(resp.remote_addr(), Some(server.addr()));
    assert_eq!(resp.text().unwrap(), "routed");
}

#[test]
fn connect_to_sends_one_host_and_port_to_another_and_keeps_the_host_field() {
    let server = HttpServer::start(|req| Reply::text(req.header("host").unwrap_or("").to_string()));
    // A name that does not resolve: only the rule gets a request to it anywhere.
    let name = unresolvable_name();
    let agent = Agent::builder()
        .proxy_from_env(false)
        .connect_to(
            Some(&name),
            Some(80),
            Some("127.0.0.1"),
            Some(server.port()),
        )
        .build()
        .unwrap();
    let url = format!("http://{name}/");
    let body = agent.get(&url).send().unwrap().text().unwrap();
    assert_eq!(body, name);
    // Another port does not match the rule: the name is resolved, and fails.
    let err = agent.get(&format!("http://{name}:81/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Dns, "{err}");
}

#[test]
fn an_address_family_leaves_out_addresses_of_the_other() {
    let server = HttpServer::start(|_| Reply::text("v4"));
    let v6_only = Agent::builder()
        .proxy_from_env(false)
        .ip_family(plainwire::IpFamily::V6)
        .build()
        .unwrap();
    let err = v6_only.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Dns, "{err}");
    let v4_only = Agent::builder()
        .proxy_from_env(false)
        .ip_family(plainwire::IpFamily::V4)
        .build()
        .unwrap();
    let body = v4_only
        .get(&server.url("/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "v4");
}

// ---------------------------------------------------------------------------
// Writing and reading other than the usual way: curl's --http1.0, --request-target,
// --ignore-content-length, --raw
// ---------------------------------------------------------------------------

#[test]
fn an_http_1_0_request_says_so_and_its_connection_is_not_kept() {
    let server = ScriptedServer::respond_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    let agent = Agent::builder().proxy_from_env(false).build().unwrap();
    let resp = agent
        .get(&server.url("/"))
        .http_version(plainwire::Version::Http10)
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
    assert!(server.requests()[0].starts_with(b"GET / HTTP/1.0\r\n"));
    assert_eq!(agent.idle_connections(), 0);
    let err = agent
        .put(&server.url("/"))
        .http_version(plainwire::Version::Http10)
        .body_reader(std::io::Cursor::new(b"unsized".to_vec()))
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
}

#[test]
fn a_request_target_of_the_callers_replaces_the_urls_on_the_first_request_only() {
    let server = HttpServer::start(|req| {
        if req.target == "/a/../b" {
            Reply::new(302).header("Location", "/next/../c")
        } else {
            Reply::text(req.target.clone())
        }
    });
    let resp = agent()
        .get(&server.url("/ignored"))
        .request_target("/a/../b")
        .send()
        .unwrap();
    assert_eq!(
        resp.text().unwrap(),
        "/c",
        "the redirect's URL is normalised"
    );
    let err = agent()
        .get(&server.url("/"))
        .request_target("/a b")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn ignoring_the_content_length_reads_until_the_close() {
    let server =
        ScriptedServer::respond_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nmore than two");
    let body = agent()
        .get(&server.url("/"))
        .ignore_content_length(true)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "more than two");
}

#[test]
fn a_raw_body_keeps_its_chunked_framing() {
    let wire = "5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n";
    let server = ScriptedServer::respond_with(format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{wire}"
    ));
    let agent = Agent::builder().proxy_from_env(false).build().unwrap();
    let body = agent
        .get(&server.url("/"))
        .raw_body(true)
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert_eq!(String::from_utf8(body).unwrap(), wire);
}

#[test]
fn debug_of_a_response_masks_set_cookie_and_named_secret_fields() {
    let server = HttpServer::start(|_| {
        Reply::text("ok")
            .header("Set-Cookie", "sid=TOPSECRET")
            .header("X-Api-Key", "K3Y")
            .header("X-Plain", "shown")
    });
    let agent = Agent::builder()
        .proxy_from_env(false)
        .secret_header("X-Api-Key")
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let text = format!("{resp:?} {:?}", resp.headers());
    // Headers alone know only the fixed credential fields; the response knows its agent's.
    assert!(!text.contains("TOPSECRET"), "{text}");
    assert!(!format!("{resp:?}").contains("K3Y"), "{resp:?}");
    assert!(text.contains("shown"), "{text}");
}
