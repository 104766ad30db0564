//! The request API as requests users reach for it: headers removed and replaced in place,
//! agent-level query pairs and credentials, displayable values and pairs, the last body
//! winning, JSON that JSON cannot hold. Each asserted on the bytes the server received.

mod support;

use std::collections::BTreeMap;

use plainwire::ErrorKind;
use support::*;

/// The User-Agent plainwire sends by default.
const USER_AGENT: &str = concat!("plainwire/", env!("CARGO_PKG_VERSION"));

/// The Accept-Encoding line the `gzip` feature adds to every request.
const ACCEPT_ENCODING: &str = if cfg!(feature = "gzip") {
    "Accept-Encoding: gzip, deflate\r\n"
} else {
    ""
};

/// The head of the last request `server` received, as text.
fn last_head(server: &HttpServer) -> String {
    String::from_utf8(server.request_heads().pop().unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Removing headers
// ---------------------------------------------------------------------------------------------

#[test]
fn a_request_removes_our_defaults() {
    let server = HttpServer::start(|_| Reply::new(204));
    agent()
        .get(&server.url("/"))
        .remove_header("User-Agent")
        .remove_header("accept")
        .remove_header("Accept-Encoding")
        .send()
        .unwrap();
    let expected = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        server.port()
    );
    assert_eq!(last_head(&server), expected);
}

#[test]
fn an_agent_removes_our_defaults_and_a_request_may_add_one_back() {
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = builder()
        .remove_default_header("USER-AGENT")
        .remove_default_header("Accept")
        .build()
        .unwrap();
    agent.get(&server.url("/")).send().unwrap();
    let expected = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{ACCEPT_ENCODING}\r\n",
        server.port()
    );
    assert_eq!(last_head(&server), expected);
    agent
        .get(&server.url("/"))
        .header("Accept", "text/html")
        .send()
        .unwrap();
    let expected = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{ACCEPT_ENCODING}Accept: text/html\r\n\r\n",
        server.port()
    );
    assert_eq!(last_head(&server), expected);
}

#[test]
fn a_default_set_again_after_its_removal_comes_back() {
    let server = HttpServer::start(|_| Reply::new(204));
    builder()
        .remove_default_header("User-Agent")
        .user_agent("again/1")
        .remove_default_header("X-Gone")
        .default_header("X-Gone", "back")
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("user-agent"), Some("again/1"));
    assert_eq!(req.header("x-gone"), Some("back"));
}

#[test]
fn the_last_of_user_agent_and_a_default_user_agent_field_wins() {
    let server = HttpServer::start(|_| Reply::new(204));
    let sent = |agent: plainwire::AgentBuilder| {
        agent.build().unwrap().get(&server.url("/")).send().unwrap();
        let requests = server.requests();
        requests
            .last()
            .unwrap()
            .header("user-agent")
            .map(str::to_string)
    };
    let field_then_setter = builder()
        .default_header("User-Agent", "from-default")
        .user_agent("from-setter");
    assert_eq!(sent(field_then_setter).as_deref(), Some("from-setter"));
    let field_then_none = builder()
        .default_header("User-Agent", "from-default")
        .user_agent("");
    assert_eq!(sent(field_then_none), None);
    let setter_then_field = builder()
        .user_agent("from-setter")
        .default_header("User-Agent", "from-default");
    assert_eq!(sent(setter_then_field).as_deref(), Some("from-default"));
}

#[test]
fn a_request_removes_the_agents_default_and_its_own_earlier_header() {
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = builder().default_header("X-Team", "core").build().unwrap();
    agent
        .get(&server.url("/"))
        .header("X-Once", "1")
        .remove_header("x-once")
        .remove_header("X-Team")
        .header("X-Later", "kept")
        .send()
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("x-team"), None);
    assert_eq!(req.header("x-once"), None);
    assert_eq!(req.header("x-later"), Some("kept"));
    // The next request still has the agent's default.
    agent.get(&server.url("/")).send().unwrap();
    assert_eq!(server.requests()[1].header("x-team"), Some("core"));
}

#[test]
fn removing_authorization_leaves_the_urls_credentials_out() {
    let server = HttpServer::start(|_| Reply::new(204));
    let url = server.url("/").replace("http://", "http://user:pass@");
    agent().get(&url).send().unwrap();
    assert!(server.requests()[0].header("authorization").is_some());
    agent()
        .get(&url)
        .remove_header("Authorization")
        .send()
        .unwrap();
    assert_eq!(server.requests()[1].header("authorization"), None);
}

#[test]
fn removing_expect_sends_a_large_body_without_it() {
    let server = HttpServer::start(|req| Reply::text(req.body.len().to_string()));
    let body = vec![b'x'; 2 * 1024 * 1024];
    let resp = agent()
        .put(&server.url("/"))
        .remove_header("Expect")
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), body.len().to_string());
    assert_eq!(server.requests()[0].header("expect"), None);
    // Without the removal, the same body asks first.
    agent().put(&server.url("/")).body(body).send().unwrap();
    assert_eq!(server.requests()[1].header("expect"), Some("100-continue"));
}

#[test]
fn host_cannot_be_removed() {
    let server = HttpServer::start(|_| Reply::new(204));
    let err = agent()
        .get(&server.url("/"))
        .remove_header("host")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("RFC 9112"), "{err}");
    let err = builder().remove_default_header("Host").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.connections(), 0);
    // Replacing it is allowed.
    agent()
        .get(&server.url("/"))
        .header("Host", "example.test")
        .send()
        .unwrap();
    assert_eq!(server.requests()[0].header("host"), Some("example.test"));
    // Twice is refused before anything is sent: a server must answer it with 400.
    for request in [
        agent()
            .get(&server.url("/"))
            .header("Host", "a.test")
            .header("host", "b.test"),
        agent()
            .get(&server.url("/"))
            .headers([("Host", "a.test"), ("HOST", "b.test")]),
    ] {
        let err = request.send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert!(err.to_string().contains("given twice"), "{err}");
    }
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn removing_the_framing_fields_does_nothing() {
    let server = HttpServer::start(|_| Reply::new(204));
    agent()
        .post(&server.url("/"))
        .remove_header("Content-Length")
        .body("abc")
        .send()
        .unwrap();
    assert_eq!(server.requests()[0].header("content-length"), Some("3"));
}

// ---------------------------------------------------------------------------------------------
// Replacing headers in place
// ---------------------------------------------------------------------------------------------

#[test]
fn agent_defaults_are_one_per_name_whatever_the_case() {
    let server = HttpServer::start(|_| Reply::new(204));
    builder()
        .default_header("ACCEPT", "text/html")
        .default_header("X-Second", "2")
        .default_header("accept", "application/json")
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap();
    let expected = format!(
        "GET / HTTP/1.1\r\n\
         Host: 127.0.0.1:{}\r\n\
         User-Agent: {USER_AGENT}\r\n\
         accept: application/json\r\n\
         {ACCEPT_ENCODING}\
         X-Second: 2\r\n\
         \r\n",
        server.port()
    );
    assert_eq!(last_head(&server), expected);
}

#[test]
fn a_request_header_takes_the_place_of_the_default_it_replaces() {
    let server = HttpServer::start(|_| Reply::new(204));
    builder()
        .default_header("X-First", "a")
        .default_header("X-Second", "b")
        .user_agent("")
        .remove_default_header("Accept")
        .remove_default_header("Accept-Encoding")
        .build()
        .unwrap()
        .get(&server.url("/"))
        .header("X-New", "n")
        .header("x-first", "replaced")
        .send()
        .unwrap();
    let expected = format!(
        "GET / HTTP/1.1\r\n\
         Host: 127.0.0.1:{}\r\n\
         x-first: replaced\r\n\
         X-Second: b\r\n\
         X-New: n\r\n\
         \r\n",
        server.port()
    );
    assert_eq!(last_head(&server), expected);
}

// ---------------------------------------------------------------------------------------------
// Displayable values and pairs
// ---------------------------------------------------------------------------------------------

#[test]
fn header_query_and_form_take_any_displayable_value_and_pairs() {
    let server = HttpServer::start(|_| Reply::new(204));
    let pairs: Vec<(&str, f64)> = vec![("ratio", 0.5)];
    let map = BTreeMap::from([("z", "last"), ("a", "first")]);
    agent()
        .post(&server.url("/p"))
        .header("X-Count", 42)
        .headers([("X-Pair", "1"), ("X-Pair", "2")])
        .headers(&vec![("X-Ref", 'c')])
        .query("page", 2)
        .query_pairs(&[("q", "a b")])
        .query_pairs(&pairs)
        .query_pairs(&map)
        .form([("n", 1), ("m", -3)])
        .send()
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("x-count"), Some("42"));
    assert_eq!(req.header_all("x-pair"), vec![&b"1"[..], &b"2"[..]]);
    assert_eq!(req.header("x-ref"), Some("c"));
    assert_eq!(req.target, "/p?page=2&q=a+b&ratio=0.5&a=first&z=last");
    assert_eq!(req.body, b"n=1&m=-3");

    // Today's form(&[(&str, &str)]) still compiles, and so do a Vec and a map.
    let fields: Vec<(String, String)> = vec![("a".into(), "x&y".into())];
    for request in [
        agent().post(&server.url("/")).form(&[("a", "x&y")]),
        agent().post(&server.url("/")).form(&fields),
        agent()
            .post(&server.url("/"))
            .form(BTreeMap::from([("a", "x&y")])),
    ] {
        request.send().unwrap();
        assert_eq!(server.requests().pop().unwrap().body, b"a=x%26y");
    }
}

// ---------------------------------------------------------------------------------------------
// Agent-level query pairs
// ---------------------------------------------------------------------------------------------

#[test]
fn agent_query_pairs_go_on_every_url_after_the_requests_own() {
    let server = HttpServer::start(|req| {
        if req.path() == "/old" {
            Reply::new(302).header("Location", "/new?from=old")
        } else {
            Reply::new(204)
        }
    });
    let agent = builder()
        .query("api_key", "k 1")
        .query("v", 2)
        .build()
        .unwrap();
    agent.get(&server.url("/a?x=0")).send().unwrap();
    agent
        .get(&server.url("/b"))
        .query("v", 3)
        .query("extra", true)
        .send()
        .unwrap();
    agent.get(&server.url("/old")).send().unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/a?x=0&api_key=k+1&v=2",
            // The request's own value of a key replaces the agent's.
            "/b?v=3&extra=true&api_key=k+1",
            "/old?api_key=k+1&v=2",
            // A redirect goes where the server says, with nothing added.
            "/new?from=old",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Agent-level credentials
// ---------------------------------------------------------------------------------------------

#[test]
fn agent_credentials_go_to_the_first_origin_only() {
    let other = HttpServer::start(|_| Reply::new(204));
    let target = other.url("/landed");
    let server = HttpServer::start(move |req| match req.path() {
        "/away" => Reply::new(302).header("Location", &target),
        "/here" => Reply::new(302).header("Location", "/landed"),
        _ => Reply::new(204),
    });
    let agent = builder().basic_auth("ana", "s3cret").build().unwrap();
    let basic = "Basic YW5hOnMzY3JldA==";
    agent.get(&server.url("/here")).send().unwrap();
    let seen = server.requests();
    assert_eq!(seen[0].header("authorization"), Some(basic));
    assert_eq!(seen[1].header("authorization"), Some(basic));

    agent.get(&server.url("/away")).send().unwrap();
    assert_eq!(server.requests()[2].header("authorization"), Some(basic));
    assert_eq!(other.requests()[0].header("authorization"), None);
}

#[test]
fn a_requests_own_authorization_replaces_the_agents_in_its_place() {
    let server = HttpServer::start(|_| Reply::new(204));
    let agent = builder().bearer_auth("agent-token").build().unwrap();
    agent.get(&server.url("/")).send().unwrap();
    agent
        .get(&server.url("/"))
        .bearer_auth("request-token")
        .send()
        .unwrap();
    let seen = server.requests();
    assert_eq!(seen[0].header("authorization"), Some("Bearer agent-token"));
    assert_eq!(
        seen[1].header_all("authorization"),
        vec![&b"Bearer request-token"[..]]
    );
    // The agent's authorization replaces the URL's, in requests' order.
    let url = server.url("/").replace("http://", "http://u:p@");
    agent.get(&url).send().unwrap();
    assert_eq!(
        server.requests()[2].header_all("authorization"),
        vec![&b"Bearer agent-token"[..]]
    );
}

#[test]
fn the_agents_debug_output_hides_its_credentials() {
    let agent = builder()
        .basic_auth("ana", "s3cret")
        .default_header("X-Visible", "yes")
        .build()
        .unwrap();
    let debug = format!("{agent:?}");
    assert!(!debug.contains("YW5hOnMzY3JldA"), "{debug}");
    assert!(debug.contains("X-Visible"), "{debug}");
}

// ---------------------------------------------------------------------------------------------
// Bodies: the last one wins, with its Content-Type
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "json")]
mod bodies {
    use super::*;

    fn sent(request: plainwire::RequestBuilder, server: &HttpServer) -> Request {
        request.send().unwrap();
        server.requests().pop().unwrap()
    }

    #[test]
    fn form_then_json_sends_json() {
        let server = HttpServer::start(|_| Reply::new(204));
        let req = sent(
            agent()
                .post(&server.url("/"))
                .form(&[("a", "b")])
                .json(&[1])
                .unwrap(),
            &server,
        );
        assert_eq!(req.body, b"[1]");
        assert_eq!(
            req.header_all("content-type"),
            vec![&b"application/json"[..]]
        );
    }

    #[test]
    fn json_then_form_sends_the_form() {
        let server = HttpServer::start(|_| Reply::new(204));
        let req = sent(
            agent()
                .post(&server.url("/"))
                .json(&[1])
                .unwrap()
                .form(&[("a", "b")]),
            &server,
        );
        assert_eq!(req.body, b"a=b");
        assert_eq!(
            req.header_all("content-type"),
            vec![&b"application/x-www-form-urlencoded"[..]]
        );
    }

    #[test]
    fn raw_bytes_after_json_have_no_content_type() {
        let server = HttpServer::start(|_| Reply::new(204));
        let req = sent(
            agent()
                .post(&server.url("/"))
                .json(&[1])
                .unwrap()
                .body("raw"),
            &server,
        );
        assert_eq!(req.body, b"raw");
        assert_eq!(req.header("content-type"), None);
    }

    #[test]
    fn the_callers_content_type_wins_over_any_body() {
        let server = HttpServer::start(|_| Reply::new(204));
        let req = sent(
            agent()
                .post(&server.url("/"))
                .header("Content-Type", "application/vnd.api+json")
                .form(&[("a", "b")])
                .json(&[2])
                .unwrap(),
            &server,
        );
        assert_eq!(
            req.header_all("content-type"),
            vec![&b"application/vnd.api+json"[..]]
        );
        assert_eq!(req.body, b"[2]");
        // A removed Content-Type stays removed.
        let req = sent(
            agent()
                .post(&server.url("/"))
                .remove_header("Content-Type")
                .json(&[3])
                .unwrap(),
            &server,
        );
        assert_eq!(req.header("content-type"), None);
    }

    #[test]
    fn a_callers_multipart_type_without_a_boundary_gets_the_forms() {
        // As curl does with -H 'Content-Type: multipart/form-data' and -F: a multipart body
        // cannot be split into its parts without its boundary.
        let server = HttpServer::start(|_| Reply::new(204));
        // A form sent with the caller's Content-Type `own`: what arrived, and the form's
        // boundary.
        let send = |own: &str| {
            let form = plainwire::multipart::Form::new().text("a", "b");
            let boundary = form.boundary().to_string();
            let request = agent()
                .post(&server.url("/"))
                .multipart(form)
                .header("Content-Type", own);
            (sent(request, &server), boundary)
        };
        let (req, boundary) = send("multipart/mixed");
        assert_eq!(
            req.header("content-type"),
            Some(format!("multipart/mixed; boundary={boundary}").as_str())
        );
        assert!(String::from_utf8_lossy(&req.body).starts_with(&format!("--{boundary}\r\n")));
        // One that names another boundary gets the form's in its place: the body has no
        // part under the other (requests sends such a header as it is, and the server finds
        // no parts). One that is not multipart is the caller's to answer for.
        let (req, boundary) = send("multipart/form-data; boundary=mine");
        assert_eq!(
            req.header("content-type"),
            Some(format!("multipart/form-data; boundary={boundary}").as_str())
        );
        let (req, _) = send("text/plain");
        assert_eq!(req.header("content-type"), Some("text/plain"));
    }

    #[test]
    fn nan_and_infinity_are_refused_before_anything_is_sent() {
        let server = HttpServer::start(|_| Reply::new(204));
        #[derive(serde::Serialize)]
        struct Reading {
            celsius: f64,
        }
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = agent()
                .post(&server.url("/"))
                .json(&Reading { celsius: value })
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Json);
            assert!(err.to_string().contains("cannot represent"), "{err}");
        }
        assert_eq!(server.connections(), 0);
    }

    #[test]
    fn a_value_that_can_be_serialised_once_is_sent_whole() {
        // A body serialised from an iterator, as serde's `collect_seq` makes easy: it gives
        // its items once. A check in a pass of its own took them, and `[]` went out.
        struct Readings(std::cell::Cell<Option<std::vec::IntoIter<f64>>>);
        impl serde::Serialize for Readings {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.take().into_iter().flatten())
            }
        }
        let server = HttpServer::start(|_| Reply::new(204));
        let readings = Readings(Some(vec![20.5, 21.0].into_iter()).into());
        let req = sent(
            agent().post(&server.url("/")).json(&readings).unwrap(),
            &server,
        );
        assert_eq!(req.body, b"[20.5,21.0]");
    }
}

mod cookies {
    use super::*;

    #[test]
    fn a_requests_cookies_go_in_one_field_and_stay_with_their_origin() {
        let other = HttpServer::start(|req| {
            Reply::text(req.header("cookie").unwrap_or("none").to_string())
        });
        let elsewhere = other.url("/");
        let server = HttpServer::start(move |req| match req.path() {
            "/here" => Reply::new(302).header("Location", "/there"),
            "/away" => Reply::new(302).header("Location", &elsewhere),
            _ => Reply::text(req.header("cookie").unwrap_or("none").to_string()),
        });
        let text = |path: &str| {
            agent()
                .get(&server.url(path))
                .cookie("sid", "abc")
                .cookie("theme", "dark mode")
                .send()
                .unwrap()
                .text()
                .unwrap()
        };
        assert_eq!(text("/there"), "sid=abc; theme=dark mode");
        assert_eq!(
            text("/here"),
            "sid=abc; theme=dark mode",
            "same origin: they follow"
        );
        assert_eq!(text("/away"), "none", "another origin: they stay behind");
    }

    #[test]
    fn a_requests_cookies_do_not_come_back_with_a_redirect_home() {
        // A -> B -> A: once the call has left the origin, they stay behind for good, as the
        // request's other credentials do.
        let home = HttpServer::start(|req| match req.path() {
            "/start" => Reply::new(302).header("Location", req.header("x-away").unwrap_or("/")),
            _ => Reply::text(req.header("cookie").unwrap_or("none").to_string()),
        });
        let back = home.url("/end");
        let away = HttpServer::start(move |_| Reply::new(302).header("Location", &back));
        let body = agent()
            .get(&home.url("/start"))
            .header("X-Away", away.url("/"))
            .cookie("sid", "abc")
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, "none");
        assert_eq!(home.requests()[0].header("cookie"), Some("sid=abc"));
        assert_eq!(away.requests()[0].header("cookie"), None);
    }

    #[test]
    fn a_cookie_that_would_split_the_field_is_refused_before_anything_is_sent() {
        let server = HttpServer::start(|_| Reply::new(204));
        for (name, value) in [
            ("sid", "a; admin=1"),
            ("a=b", "1"),
            // Without a name, a value with '=' would be read as another cookie's name.
            ("", "a=1"),
            ("sid", "a\r\nX: 1"),
        ] {
            let err = agent()
                .get(&server.url("/"))
                .cookie(name, value)
                .send()
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{name:?}={value:?}");
        }
        assert_eq!(server.connections(), 0);
    }

    #[cfg(feature = "cookies")]
    #[test]
    fn a_requests_cookies_join_the_jars_and_replace_those_of_the_same_name() {
        let server = HttpServer::start(|req| match req.path() {
            "/login" => Reply::new(302)
                .header("Location", "/home")
                .header("Set-Cookie", "r=1")
                .header("Set-Cookie", "sid=from-jar"),
            _ => Reply::text(req.header("cookie").unwrap_or("none").to_string()),
        });
        let agent = builder().cookie_store(true).build().unwrap();
        let body = agent
            .get(&server.url("/login"))
            .cookie("sid", "mine")
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, "r=1; sid=mine", "the jar's first, then the request's");
        // The jar kept its own: the request's cookie was for that call only.
        let again = agent
            .get(&server.url("/home"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(again, "r=1; sid=from-jar");
    }
}

#[test]
fn a_bad_url_is_the_first_mistake_whatever_follows() {
    // The URL is given first; a later setter's mistake does not hide it.
    let err = agent()
        .get("ftp://example.com/")
        .basic_auth("a:b", "p")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), plainwire::ErrorKind::UnsupportedScheme, "{err}");
}
