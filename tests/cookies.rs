//! Cookies through an agent: stored from every response (redirects included), sent where they
//! apply, and kept by no one who did not ask.

#![cfg(feature = "cookies")]

mod support;
use support::*;

use plainwire::{Agent, CookieJar};

fn keeping_cookies() -> Agent {
    builder().cookie_store(true).build().unwrap()
}

/// A login flow: POST /login sets a session cookie on its 303, which sends us to /account;
/// /account answers only with the session cookie.
fn login_server() -> HttpServer {
    HttpServer::start(|req| match req.path() {
        "/login" if req.method == "POST" => Reply::new(303)
            .header("Location", "/account")
            .header("Set-Cookie", "session=s3cr3t; Path=/; HttpOnly")
            .header("Set-Cookie", "theme=dark; Path=/account"),
        "/account" => match req.header("cookie") {
            Some(cookie) if cookie.contains("session=s3cr3t") => {
                Reply::text(format!("welcome ({cookie})"))
            }
            _ => Reply::new(401),
        },
        _ => Reply::new(404),
    })
}

#[test]
fn a_cookie_set_on_a_redirect_goes_with_the_next_hop_and_later_requests() {
    let server = login_server();
    let agent = keeping_cookies();
    let resp = agent
        .post(&server.url("/login"))
        .form(&[("user", "ann")])
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.text().unwrap(),
        "welcome (theme=dark; session=s3cr3t)",
        "the longer path first (RFC 6265bis section 5.8.3)"
    );
    // Later requests carry it too, and nothing leaves the jar unasked.
    let again = agent.get(&server.url("/account")).send().unwrap();
    assert_eq!(again.status(), 200);
    let jar = agent.cookie_jar().unwrap();
    assert_eq!(jar.len(), 2);
    assert_eq!(
        jar.get("127.0.0.1", "/", "session").unwrap().value(),
        "s3cr3t"
    );
}

#[test]
fn the_default_agent_and_an_agent_not_asked_keep_no_cookies() {
    let server = login_server();
    let agent = builder().build().unwrap();
    assert!(agent.cookie_jar().is_none());
    let resp = agent.post(&server.url("/login")).body("").send().unwrap();
    assert_eq!(resp.status(), 401);
    let resp = plainwire::post(&server.url("/login"))
        .body("")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[test]
fn cookies_follow_their_own_domain_rules_across_origins() {
    // Two origins on 127.0.0.1: a host-only cookie of one is sent to the other only if the
    // host matches (cookies ignore ports, RFC 6265bis section 8.5).
    let other =
        HttpServer::start(|req| Reply::text(req.header("cookie").unwrap_or("none").to_string()));
    let target = other.url("/");
    let first = HttpServer::start(move |_| {
        Reply::new(302)
            .header("Location", &target)
            .header("Set-Cookie", "host_only=1")
    });
    let agent = keeping_cookies();
    let body = agent.get(&first.url("/")).send().unwrap().text().unwrap();
    assert_eq!(
        body, "host_only=1",
        "same host, another port: the cookie's rules, not origins"
    );
    // A name the cookie was not set for gets nothing.
    let other_name = other.url_with_host("localhost", "/");
    let body = agent.get(&other_name).send().unwrap().text().unwrap();
    assert_eq!(body, "none");
}

#[test]
fn a_secure_cookie_is_never_sent_over_plain_http() {
    let server =
        HttpServer::start(|req| Reply::text(req.header("cookie").unwrap_or("none").to_string()));
    let jar = CookieJar::new();
    let url = plainwire::Url::parse(&server.url("/")).unwrap();
    let https = plainwire::Url::parse("https://127.0.0.1/").unwrap();
    jar.add(&https, "token=t; Secure").unwrap();
    jar.add(&url, "plain=p").unwrap();
    let agent = builder().cookie_jar(jar).build().unwrap();
    let body = agent.get(&server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(body, "plain=p");
}

#[test]
fn an_explicit_cookie_header_replaces_the_jars_and_a_jar_loads_and_saves_curls_files() {
    let server =
        HttpServer::start(|req| Reply::text(req.header("cookie").unwrap_or("none").to_string()));
    let dir = std::env::temp_dir().join(format!("plainwire-cookies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cookies.txt");
    std::fs::write(
        &file,
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom_file\tyes\n",
    )
    .unwrap();
    let jar = CookieJar::from_file(&file).unwrap();
    let agent = builder().cookie_jar(jar.clone()).build().unwrap();
    let body = agent.get(&server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(body, "from_file=yes");
    let body = agent
        .get(&server.url("/"))
        .header("Cookie", "mine=1")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "mine=1");
    jar.save_file(&file).unwrap();
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains("127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom_file\tyes"),
        "{saved}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn removing_cookie_drops_the_jars_and_earlier_ones_and_keeps_later_ones() {
    // As for any header: remove_header drops the defaults (here the jar's cookies) and what
    // the request gave so far; a cookie given afterwards is sent.
    let server =
        HttpServer::start(|req| Reply::text(req.header("cookie").unwrap_or("none").to_string()));
    let jar = CookieJar::new();
    jar.add(&plainwire::Url::parse(&server.url("/")).unwrap(), "jar=1")
        .unwrap();
    let agent = builder().cookie_jar(jar).build().unwrap();
    let sent = |request: plainwire::RequestBuilder| request.send().unwrap().text().unwrap();
    let url = server.url("/");
    assert_eq!(sent(agent.get(&url).cookie("a", "1")), "jar=1; a=1");
    assert_eq!(
        sent(
            agent
                .get(&url)
                .cookie("a", "1")
                .remove_header("Cookie")
                .cookie("b", "2")
        ),
        "b=2"
    );
    assert_eq!(
        sent(agent.get(&url).cookie("a", "1").remove_header("cookie")),
        "none"
    );
    // The agent's removal leaves the jar's out, and the request's own go.
    let agent = builder()
        .cookie_jar(agent.cookie_jar().unwrap().clone())
        .remove_default_header("Cookie")
        .build()
        .unwrap();
    assert_eq!(sent(agent.get(&url)), "none");
    assert_eq!(sent(agent.get(&url).cookie("a", "1")), "a=1");
}

#[test]
fn a_response_tells_the_cookies_it_sets_as_a_jar_would_store_them() {
    // requests' r.cookies, without an agent that keeps cookies: a cookie for this host, one
    // whose Domain is another site (refused), and one that removes a cookie (none).
    let server = HttpServer::start(|_| {
        Reply::text("hi")
            .header("Set-Cookie", "sid=42; Path=/; HttpOnly")
            .header("Set-Cookie", "evil=1; Domain=other.example")
            .header("Set-Cookie", "gone=; Max-Age=0")
    });
    let resp = agent().get(&server.url("/login")).send().unwrap();
    let cookies = resp.cookies();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert_eq!((cookies[0].name(), cookies[0].value()), ("sid", "42"));
    assert!(cookies[0].http_only());
    assert_eq!(cookies[0].domain(), "127.0.0.1");
}
