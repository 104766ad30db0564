//! Digest authentication (RFC 7616) against scripted challenges: the server checks every
//! response hash with the RFC's formula, on the nonce it gave and the cnonce and nonce count
//! the client sent, so a wrong field anywhere is a failed test.
#![cfg(feature = "digest")]

mod support;

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use md5::Md5;
use sha2::{Digest, Sha256};
use support::*;

const REALM: &str = "plainwire@test";
const USER: &str = "Mufasa";
const PASSWORD: &str = "Circle of Life";

/// `H(data)` in lowercase hex, for `MD5` or `SHA-256`.
fn h(algorithm: &str, data: &str) -> String {
    let bytes = match algorithm {
        "MD5" => Md5::digest(data.as_bytes()).to_vec(),
        "SHA-256" => Sha256::digest(data.as_bytes()).to_vec(),
        other => panic!("no {other} in this test"),
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The parameters of a `Digest` Authorization value, unquoted; none for another scheme.
fn params(value: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(rest) = value.strip_prefix("Digest ") else {
        return out;
    };
    let mut chars = rest.chars().peekable();
    loop {
        let name: String = chars.by_ref().take_while(|&c| c != '=').collect();
        if name.is_empty() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
            chars.by_ref().take_while(|&c| c != ',').for_each(drop);
        } else {
            value = chars.by_ref().take_while(|&c| c != ',').collect();
        }
        out.insert(name.trim().to_string(), value.trim().to_string());
        while chars.peek() == Some(&' ') {
            chars.next();
        }
    }
}

/// A 401 with a Digest challenge for `nonce`.
fn challenge(algorithm: Option<&str>, nonce: &str, stale: bool) -> Reply {
    let mut value = format!("Digest realm=\"{REALM}\", qop=\"auth\", nonce=\"{nonce}\"");
    if let Some(algorithm) = algorithm {
        value.push_str(&format!(", algorithm={algorithm}"));
    }
    if stale {
        value.push_str(", stale=true");
    }
    Reply::new(401)
        .header("WWW-Authenticate", value)
        .body("denied")
}

/// Whether `req` answers the challenge for `nonce` with the right credentials, for its own
/// method and target, with nonce count `nc`.
fn answers(req: &Request, algorithm: &str, nonce: &str, nc: &str) -> bool {
    let Some(value) = req.header("authorization") else {
        return false;
    };
    let p = params(value);
    let field = |name: &str| p.get(name).map(String::as_str).unwrap_or("");
    let ha1 = h(algorithm, &format!("{USER}:{REALM}:{PASSWORD}"));
    let ha2 = h(algorithm, &format!("{}:{}", req.method, req.target));
    let expected = h(
        algorithm,
        &format!("{ha1}:{nonce}:{nc}:{}:auth:{ha2}", field("cnonce")),
    );
    field("username") == USER
        && field("realm") == REALM
        && field("nonce") == nonce
        && field("uri") == req.target
        && field("nc") == nc
        && field("qop") == "auth"
        && field("response") == expected
}

/// A server that wants the SHA-256 answer to nonce `n1`, with nonce count 1, everywhere.
fn sha256_server() -> HttpServer {
    HttpServer::start(|req| {
        if answers(req, "SHA-256", "n1", "00000001") {
            Reply::text("welcome")
        } else {
            challenge(Some("SHA-256"), "n1", false)
        }
    })
}

#[test]
fn a_challenge_is_answered_once_on_the_same_connection() {
    let server = sha256_server();
    let resp = agent()
        .get(&server.url("/private?x=1"))
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().unwrap(), "welcome");
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].header("authorization"), None);
    let answer = params(seen[1].header("authorization").unwrap());
    assert_eq!(answer["uri"], "/private?x=1");
    assert_eq!(answer["algorithm"], "SHA-256");
    // The 401's body was read off, so the answer went on the same connection.
    assert_eq!(seen[0].connection, seen[1].connection);
}

#[test]
fn through_a_forwarding_proxy_the_uri_is_the_origin_form() {
    // The proxy gets "GET http://origin.test/private?x=1" and passes the origin "GET
    // /private?x=1", which is what the origin compares uri with (curl and requests send it
    // so too). This server plays the proxy and checks what uri the answer carries.
    let proxy = HttpServer::start(|req| {
        let uri = req
            .header("authorization")
            .map(|value| params(value).get("uri").cloned().unwrap_or_default());
        match uri.as_deref() {
            Some("/private?x=1") => Reply::text("welcome"),
            Some(other) => Reply::new(403).body(format!("uri {other}")),
            None => challenge(Some("SHA-256"), "n1", false),
        }
    });
    let agent = builder().proxy(&proxy.url("/")).build().unwrap();
    let resp = agent
        .get("http://origin.test/private?x=1")
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200, "{:?}", resp.text());
    assert_eq!(proxy.requests()[1].target, "http://origin.test/private?x=1");
}

#[test]
fn md5_and_a_body_that_is_sent_again() {
    let server = HttpServer::start(|req| {
        if answers(req, "MD5", "m1", "00000001") {
            Reply::text(req.body_text())
        } else {
            challenge(None, "m1", false)
        }
    });
    let resp = agent()
        .post(&server.url("/upload"))
        .digest_auth(USER, PASSWORD)
        .body("payload")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().unwrap(), "payload");
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.body == b"payload"));
    // No algorithm in the challenge, none in the answer (MD5 is implied).
    assert!(!params(seen[1].header("authorization").unwrap()).contains_key("algorithm"));
}

#[test]
fn wrong_credentials_get_the_second_401_with_its_body() {
    let server = sha256_server();
    let resp = agent()
        .get(&server.url("/"))
        .digest_auth(USER, "wrong")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.text().unwrap(), "denied");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_stale_nonce_is_answered_once_more_and_no_more() {
    // n1 is stale once answered; n2 is good.
    let server = HttpServer::start(|req| {
        if answers(req, "SHA-256", "n2", "00000001") {
            Reply::text("fresh")
        } else if answers(req, "SHA-256", "n1", "00000001") {
            challenge(Some("SHA-256"), "n2", true)
        } else {
            challenge(Some("SHA-256"), "n1", false)
        }
    });
    let resp = agent()
        .get(&server.url("/"))
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "fresh");
    assert_eq!(server.requests().len(), 3);

    // A server that calls every answer stale gets one answer and one more, then the 401.
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let always_stale = HttpServer::start(move |req| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let stale = req.header("authorization").is_some();
        challenge(Some("SHA-256"), &format!("s{n}"), stale)
    });
    let resp = agent()
        .get(&always_stale.url("/"))
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[test]
fn another_origins_challenge_is_not_answered() {
    let elsewhere = sha256_server();
    let target = elsewhere.url("/private");
    let server = HttpServer::start(move |_| Reply::new(302).header("Location", &target));
    let resp = agent()
        .get(&server.url("/go"))
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
    let seen = elsewhere.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("authorization"), None);
}

#[test]
fn a_same_origin_redirect_carries_an_answer_with_the_nonce_counted() {
    let server = HttpServer::start(|req| match req.path() {
        "/a" if answers(req, "SHA-256", "n1", "00000001") => {
            Reply::new(302).header("Location", "/b")
        }
        "/b" if answers(req, "SHA-256", "n1", "00000002") => Reply::text("b"),
        _ => challenge(Some("SHA-256"), "n1", false),
    });
    let resp = agent()
        .get(&server.url("/a"))
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "b");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(paths, ["/a", "/a", "/b"]);
}

#[test]
fn an_agent_answers_for_every_request_but_one_with_its_own_authorization() {
    let server = sha256_server();
    let agent = builder().digest_auth(USER, PASSWORD).build().unwrap();
    for _ in 0..2 {
        assert_eq!(agent.get(&server.url("/")).send().unwrap().status(), 200);
    }
    assert_eq!(server.requests().len(), 4);
    let resp = agent
        .get(&server.url("/"))
        .bearer_auth("mine")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
    let seen = server.requests();
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[4].header("authorization"), Some("Bearer mine"));
}

#[test]
fn a_requests_digest_replaces_the_agents_basic_credentials() {
    let server = sha256_server();
    let agent = builder().basic_auth("ana", "s3cret").build().unwrap();
    let resp = agent
        .get(&server.url("/"))
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let seen = server.requests();
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(seen[1].header_all("authorization").len(), 1);
}

#[test]
fn a_streamed_body_is_not_sent_twice() {
    let server = sha256_server();
    let resp = agent()
        .put(&server.url("/"))
        .digest_auth(USER, PASSWORD)
        .body_reader(Cursor::new(b"stream".to_vec()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_file_and_a_form_are_sent_again_with_the_answer() {
    let server = HttpServer::start(|req| {
        if answers(req, "SHA-256", "n1", "00000001") {
            Reply::text(req.body.len().to_string())
        } else {
            challenge(Some("SHA-256"), "n1", false)
        }
    });
    let path = std::env::temp_dir().join(format!("plainwire-digest-{}.txt", std::process::id()));
    std::fs::write(&path, b"file body").unwrap();
    let resp = agent()
        .put(&server.url("/file"))
        .digest_auth(USER, PASSWORD)
        .body_file(&path)
        .send()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().unwrap(), "9");
    let form = plainwire::multipart::Form::new().text("k", "v");
    let resp = agent()
        .post(&server.url("/form"))
        .digest_auth(USER, PASSWORD)
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let seen = server.requests();
    assert_eq!(seen.len(), 4);
    // Each body went out whole both times.
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(seen[2].body, seen[3].body);
    assert!(String::from_utf8_lossy(&seen[3].body).contains("name=\"k\""));
}

#[test]
fn an_answer_never_goes_ahead_to_another_origin_even_with_trusted_redirects() {
    let elsewhere = HttpServer::start(|req| {
        Reply::text(req.header("authorization").unwrap_or("none").to_string())
    });
    let target = elsewhere.url("/landing");
    let server = HttpServer::start(move |req| {
        if answers(req, "SHA-256", "n1", "00000001") {
            Reply::new(302).header("Location", &target)
        } else {
            challenge(Some("SHA-256"), "n1", false)
        }
    });
    let resp = builder()
        .redirect_keep_credentials(true)
        .build()
        .unwrap()
        .get(&server.url("/a"))
        .digest_auth(USER, PASSWORD)
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "none");
}
