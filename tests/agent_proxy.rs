//! HTTP proxies: absolute-form requests for http URLs, CONNECT tunnels for https URLs, proxy
//! credentials, and proxies chosen from (a stand-in for) the environment.

mod support;
use support::*;

use plainwire::{Agent, EnvProxies, ErrorKind, Proxy, Url};

// ---------------------------------------------------------------------------
// http URLs: absolute-form
// ---------------------------------------------------------------------------

const PROXY_CREDENTIALS: &str = "Basic cHVzZXI6cHBhc3M="; // puser:ppass

#[test]
fn an_http_url_goes_to_the_proxy_in_absolute_form_with_proxy_credentials() {
    // The origin must never be contacted: the proxy answers for it.
    let origin = HttpServer::start(|_| Reply::text("direct"));
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = builder()
        .proxy(&proxy.url_with_credentials("puser:ppass"))
        .build()
        .unwrap();
    for i in 0..3 {
        let url = origin.url(&format!("/some/path?q={i}"));
        let body = agent.get(&url).send().unwrap().text().unwrap();
        assert_eq!(body, format!("proxied GET {url}"));
    }
    assert_eq!(origin.connections(), 0);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 3);
    assert_eq!(
        proxy.request_lines()[0],
        format!(
            "GET http://127.0.0.1:{}/some/path?q=0 HTTP/1.1",
            origin.port()
        )
    );
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some(PROXY_CREDENTIALS)
    );
    assert_eq!(
        header(&heads[0], "host"),
        Some(format!("127.0.0.1:{}", origin.port()).as_str())
    );
    // Kept alive: three requests over one connection to the proxy.
    assert_eq!(proxy.connections(), 1);
}

#[test]
fn an_http_post_through_the_proxy_carries_its_body() {
    let proxy = TestProxy::start(None);
    let agent = builder().proxy(&proxy.url()).build().unwrap();
    let resp = agent
        .post("http://origin.invalid:8080/submit")
        .body("hello")
        .send()
        .unwrap();
    assert_eq!(
        resp.text().unwrap(),
        "proxied POST http://origin.invalid:8080/submit"
    );
    let heads = proxy.heads();
    assert_eq!(header(&heads[0], "proxy-authorization"), None);
    assert_eq!(header(&heads[0], "host"), Some("origin.invalid:8080"));
    // The next request on the same connection parsed fine, so the body was framed right.
    let resp = agent.get("http://origin.invalid:8080/next").send().unwrap();
    assert_eq!(
        resp.text().unwrap(),
        "proxied GET http://origin.invalid:8080/next"
    );
    assert_eq!(proxy.connections(), 1);
}

#[test]
fn a_407_for_an_http_url_is_an_ordinary_response() {
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = builder().proxy(&proxy.url()).build().unwrap();
    let resp = agent.get("http://origin.invalid/").send().unwrap();
    assert_eq!(resp.status(), 407);
    let agent = builder()
        .proxy(&proxy.url_with_credentials("puser:wrong"))
        .build()
        .unwrap();
    assert_eq!(
        agent.get("http://origin.invalid/").send().unwrap().status(),
        407
    );
}

// ---------------------------------------------------------------------------
// https URLs: CONNECT
// ---------------------------------------------------------------------------

#[cfg(feature = "tls")]
fn tls_origin() -> HttpServer {
    HttpServer::start_tls(server_tls_config("localhost.pem", "localhost.key"), |req| {
        Reply::text(format!("secret {}", req.target))
    })
}

#[cfg(feature = "tls")]
#[test]
fn an_https_url_goes_through_a_connect_tunnel() {
    let origin = tls_origin();
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url_with_credentials("puser:ppass"))
        .build()
        .unwrap();
    for i in 0..3 {
        let body = agent
            .get(&origin.url(&format!("/s{i}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, format!("secret /s{i}"));
    }
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert_eq!(
        proxy.request_lines()[0],
        format!("CONNECT localhost:{} HTTP/1.1", origin.port())
    );
    assert_eq!(
        header(&heads[0], "host"),
        Some(format!("localhost:{}", origin.port()).as_str())
    );
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some(PROXY_CREDENTIALS)
    );
    // The tunnel is kept alive like any connection, and is TLS end to end.
    assert_eq!(proxy.connections(), 1);
    assert_eq!(origin.connections(), 1);
    assert_eq!(origin.tls_sessions()[0].sni.as_deref(), Some("localhost"));
    // The origin sees an origin-form request and never the proxy's credentials.
    let requests = origin.requests();
    assert_eq!(requests[0].target, "/s0");
    assert_eq!(requests[0].header("proxy-authorization"), None);
}

/// A proxy that answers a CONNECT with `answer`, then answers the request that comes through
/// with "tunnelled"; and an agent that tunnels through it.
fn tunnelling(answer: &'static [u8]) -> (ScriptedServer, plainwire::Agent) {
    let proxy = ScriptedServer::start(move |conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(answer);
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ntunnelled");
    });
    let agent = builder()
        .proxy(&proxy.url("/"))
        .proxy_tunnel(true)
        .build()
        .unwrap();
    (proxy, agent)
}

#[test]
fn interim_answers_to_connect_come_before_the_tunnel() {
    // RFC 9110 section 15.2: a client parses 1xx answers before the final one.
    let (proxy, agent) =
        tunnelling(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 Connection established\r\n\r\n");
    let resp = agent.get("http://origin.test/x").send().unwrap();
    assert_eq!(resp.text().unwrap(), "tunnelled");
    let requests = proxy.requests();
    assert!(requests[0].starts_with(b"CONNECT origin.test:80 HTTP/1.1\r\n"));
    assert!(requests[1].starts_with(b"GET /x HTTP/1.1\r\n"));
}

#[test]
fn a_101_to_connect_is_no_tunnel() {
    // RFC 9110 section 15.2.2: after a 101 the connection speaks another protocol, so the
    // "200" that follows it is not the proxy's answer (curl: "CONNECT tunnel failed, response
    // 101"). Nothing goes through it.
    let (proxy, agent) = tunnelling(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\n\
          HTTP/1.1 200 Connection established\r\n\r\n",
    );
    let err = agent.get("http://origin.test/x").send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TunnelRefused, "{err}");
    assert!(
        err.to_string().ends_with(": 101 Switching Protocols"),
        "{err}"
    );
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn a_proxy_silent_after_connect_times_out_in_its_own_phase() {
    // Not "during the TLS handshake": no handshake has begun. The proxy hangs up once the
    // client does, so a client without the limit would fail otherwise.
    let proxy = ScriptedServer::start(|conn| {
        conn.read_request_head();
        conn.read_to_end();
    });
    let agent = builder()
        .proxy(&proxy.url("/"))
        .proxy_tunnel(true)
        .read_timeout(Some(std::time::Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = agent.get("http://origin.test/x").send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(
        err.timeout_phase(),
        Some(plainwire::TimeoutPhase::ProxyTunnel)
    );
    assert!(err.to_string().contains("CONNECT"), "{err}");
}

#[test]
fn interim_answers_to_connect_are_bounded() {
    // As many as a request may get (plainwire::defaults::MAX_INFORMATIONAL): the next head is
    // taken as the proxy's answer, and a 1xx is no tunnel.
    let limit = plainwire::defaults::MAX_INFORMATIONAL;
    let proxy = ScriptedServer::start(move |conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        conn.write_all(&b"HTTP/1.1 100 Continue\r\n\r\n".repeat(limit));
        conn.write_all(
            b"HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 Connection established\r\n\r\n",
        );
    });
    let agent = builder()
        .proxy(&proxy.url("/"))
        .proxy_tunnel(true)
        .build()
        .unwrap();
    let err = agent.get("http://origin.test/x").send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TunnelRefused, "{err}");
    assert!(err.to_string().ends_with(": 103 Early Hints"), "{err}");
}

#[cfg(feature = "tls")]
#[test]
fn proxy_header_fields_never_double_ours() {
    // A Host among them replaces the CONNECT's, and stays off a forwarded request, whose Host
    // names its URL's host; a Proxy-Authorization among them yields to the proxy URL's
    // credentials, on the CONNECT and on a forwarded request alike.
    let origin = tls_origin();
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url_with_credentials("puser:ppass"))
        .proxy_header("Host", format!("localhost:{}", origin.port()))
        .proxy_header("Proxy-Authorization", "Basic d3Jvbmc6d3Jvbmc=")
        .build()
        .unwrap();
    assert_eq!(agent.get(&origin.url("/")).send().unwrap().status(), 200);
    assert_eq!(
        agent.get("http://origin.invalid/").send().unwrap().status(),
        200
    );
    let heads = proxy.heads();
    let connect = &heads[0];
    assert_eq!(connect.matches("\r\nHost: ").count(), 1, "{connect}");
    let forwarded = heads.last().unwrap();
    assert_eq!(forwarded.matches("\r\nHost: ").count(), 1, "{forwarded}");
    assert_eq!(header(forwarded, "host"), Some("origin.invalid"));
    for head in [connect, forwarded] {
        assert_eq!(head.matches("roxy-Authorization").count(), 1, "{head}");
        assert_eq!(header(head, "proxy-authorization"), Some(PROXY_CREDENTIALS));
    }
}

#[test]
fn a_route_never_moves_the_proxy() {
    // curl's --connect-to is for the origin: a rule matching every host must not send the
    // request, and the proxy's credentials, to the rule's target instead of the proxy.
    let elsewhere = HttpServer::start(|_| Reply::text("not the proxy"));
    let origin = HttpServer::start(|_| Reply::text("direct"));
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = builder()
        .proxy(&proxy.url_with_credentials("puser:ppass"))
        .connect_to(None, None, Some("127.0.0.1"), Some(elsewhere.port()))
        .build()
        .unwrap();
    let url = origin.url("/r");
    let body = agent.get(&url).send().unwrap().text().unwrap();
    assert_eq!(body, format!("proxied GET {url}"));
    assert_eq!(elsewhere.connections(), 0);
    assert_eq!(proxy.heads().len(), 1);
}

#[cfg(feature = "tls")]
#[test]
fn an_error_through_a_tunnel_names_the_origin_not_the_proxy() {
    let origin = tls_origin();
    let proxy = TestProxy::start(None);
    // The test CA is not trusted: the origin's certificate is refused.
    let agent = builder().proxy(&proxy.url()).build().unwrap();
    let err = agent.get(&origin.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    let proxy_port = proxy
        .url()
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    assert!(
        err.to_string().starts_with(&format!(
            "localhost:{} (through the proxy 127.0.0.1:{proxy_port})",
            origin.port()
        )),
        "{err}"
    );
}

#[cfg(feature = "tls")]
#[test]
fn a_route_changes_where_the_tunnel_goes() {
    let origin = tls_origin();
    let proxy = TestProxy::start(None);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let unused = listener.local_addr().unwrap().port();
    drop(listener);
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url())
        .connect_to(Some("localhost"), Some(unused), None, Some(origin.port()))
        .build()
        .unwrap();
    let resp = agent
        .get(&format!("https://localhost:{unused}/t"))
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "secret /t");
    assert_eq!(
        proxy.request_lines()[0],
        format!("CONNECT localhost:{} HTTP/1.1", origin.port())
    );
}

#[cfg(feature = "tls")]
#[test]
fn a_proxy_that_refuses_the_tunnel_is_a_tunnel_error() {
    let origin = tls_origin();
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url())
        .build()
        .unwrap();
    let err = agent.get(&origin.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TunnelRefused, "{err:?}");
    assert!(err.to_string().contains("407"), "{err}");
    assert!(!err.to_string().contains("ppass"), "{err}");
    assert_eq!(origin.connections(), 0);

    // The wrong credentials fare no better.
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url_with_credentials("puser:nope"))
        .build()
        .unwrap();
    let err = agent.get(&origin.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TunnelRefused, "{err:?}");
    assert!(!err.to_string().contains("nope"), "{err}");

    // A retry policy does not send the refused CONNECT again: its answer would be the same.
    let before = proxy.heads().len();
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url())
        .retry(plainwire::RetryPolicy::new(2).backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(1),
        ))
        .build()
        .unwrap();
    let err = agent.get(&origin.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TunnelRefused, "{err:?}");
    assert_eq!(proxy.heads().len(), before + 1);
}

#[cfg(feature = "tls")]
#[test]
fn a_callers_proxy_authorization_goes_on_the_connect_never_to_the_origin() {
    let origin = tls_origin();
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url())
        .build()
        .unwrap();
    let body = agent
        .get(&origin.url("/r"))
        .header("Proxy-Authorization", PROXY_CREDENTIALS)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "secret /r");
    let heads = proxy.heads();
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some(PROXY_CREDENTIALS)
    );
    let requests = origin.requests();
    assert_eq!(requests[0].header("proxy-authorization"), None);
}

#[cfg(feature = "tls")]
#[test]
fn an_agents_default_proxy_authorization_goes_on_the_connect_never_to_the_origin() {
    let origin = tls_origin();
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url())
        .default_header("Proxy-Authorization", PROXY_CREDENTIALS)
        .build()
        .unwrap();
    for path in ["/a", "/b"] {
        let body = agent.get(&origin.url(path)).send().unwrap().text().unwrap();
        assert_eq!(body, format!("secret {path}"));
    }
    assert_eq!(proxy.heads().len(), 1, "one tunnel, reused");
    for request in origin.requests() {
        assert_eq!(request.header("proxy-authorization"), None);
    }
}

#[cfg(feature = "tls")]
#[test]
fn the_proxy_urls_own_credentials_win_over_a_callers_header() {
    let origin = tls_origin();
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url_with_credentials("puser:ppass"))
        .build()
        .unwrap();
    let resp = agent
        .get(&origin.url("/"))
        .header("Proxy-Authorization", "Basic d3Jvbmc6d3Jvbmc=")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        header(&proxy.heads()[0], "proxy-authorization"),
        Some(PROXY_CREDENTIALS)
    );
    assert_eq!(origin.requests()[0].header("proxy-authorization"), None);

    // For an http URL too: one rule.
    let resp = agent
        .get("http://origin.invalid/")
        .header("Proxy-Authorization", "Basic d3Jvbmc6d3Jvbmc=")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let heads = proxy.heads();
    let last = heads.last().unwrap();
    assert_eq!(header(last, "proxy-authorization"), Some(PROXY_CREDENTIALS));
    assert_eq!(last.matches("roxy-Authorization").count(), 1, "{last}");
}

#[test]
fn a_callers_proxy_authorization_for_an_http_url_goes_to_the_proxy() {
    let proxy = TestProxy::start(Some(PROXY_CREDENTIALS));
    let agent = builder().proxy(&proxy.url()).build().unwrap();
    let resp = agent
        .get("http://origin.invalid/")
        .header("Proxy-Authorization", PROXY_CREDENTIALS)
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "proxied GET http://origin.invalid/");
}

#[cfg(feature = "tls")]
#[test]
fn a_tunnel_opened_with_one_callers_credentials_never_carries_anothers_request() {
    let origin = tls_origin();
    let proxy = TestProxy::start(None);
    let agent = trusting_test_ca(builder())
        .proxy(&proxy.url())
        .build()
        .unwrap();
    for credentials in ["Basic YTph", "Basic Yjpi", "Basic YTph"] {
        let resp = agent
            .get(&origin.url("/"))
            .header("Proxy-Authorization", credentials)
            .send()
            .unwrap();
        assert_eq!(resp.text().unwrap(), "secret /");
    }
    let connects: Vec<Option<String>> = proxy
        .heads()
        .iter()
        .map(|head| header(head, "proxy-authorization").map(str::to_string))
        .collect();
    // a's tunnel is reused for a's third request; b got its own.
    assert_eq!(
        connects,
        vec![
            Some("Basic YTph".to_string()),
            Some("Basic Yjpi".to_string())
        ]
    );
}

#[test]
fn connections_through_a_proxy_and_direct_ones_are_pooled_apart() {
    let origin = HttpServer::start(|_| Reply::text("direct"));
    let proxy = TestProxy::start(None);
    let proxied = builder().proxy(&proxy.url()).build().unwrap();
    let direct = builder().build().unwrap();
    for _ in 0..2 {
        assert!(proxied
            .get(&origin.url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap()
            .starts_with("proxied"));
        assert_eq!(
            direct.get(&origin.url("/")).send().unwrap().text().unwrap(),
            "direct"
        );
    }
    assert_eq!(proxy.connections(), 1);
    assert_eq!(origin.connections(), 1);
}

#[test]
fn hosts_on_the_agents_no_proxy_list_are_reached_directly() {
    let origin = HttpServer::start(|_| Reply::text("direct"));
    let proxy = TestProxy::start(None);
    let port = origin.port();
    let direct = builder()
        .proxy(&proxy.url())
        .no_proxy(&format!("example.invalid, 127.0.0.0/8:{port}"))
        .build()
        .unwrap();
    let body = direct.get(&origin.url("/")).send().unwrap().text().unwrap();
    assert_eq!(body, "direct");
    // Another port is not on the list: through the proxy.
    let other_port = builder()
        .proxy(&proxy.url())
        .no_proxy(&format!("127.0.0.1:{}", port.wrapping_add(1)))
        .build()
        .unwrap();
    let body = other_port
        .get(&origin.url("/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(body.starts_with("proxied"), "{body}");
    assert_eq!(proxy.connections(), 1);
    assert_eq!(origin.connections(), 1);
}

// ---------------------------------------------------------------------------
// Proxies from the environment, without touching the process environment
// ---------------------------------------------------------------------------

fn env(vars: &[(&str, &str)]) -> EnvProxies {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    EnvProxies::from_lookup(move |name| {
        vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
    .unwrap()
}

fn proxy_for(proxies: &EnvProxies, url: &str) -> Option<String> {
    proxies
        .for_url(&Url::parse(url).unwrap())
        .map(|p| p.authority())
}

#[test]
fn env_proxies_by_scheme() {
    let proxies = env(&[
        ("http_proxy", "http://hp.example:3128"),
        ("HTTPS_PROXY", "sp.example:8443"),
    ]);
    assert_eq!(
        proxy_for(&proxies, "http://example.com/"),
        Some("hp.example:3128".into())
    );
    assert_eq!(
        proxy_for(&proxies, "https://example.com/"),
        Some("sp.example:8443".into())
    );

    let only_all = env(&[("ALL_PROXY", "http://all.example:1080")]);
    assert_eq!(
        proxy_for(&only_all, "http://example.com/"),
        Some("all.example:1080".into())
    );
    assert_eq!(
        proxy_for(&only_all, "https://example.com/"),
        Some("all.example:1080".into())
    );

    assert_eq!(proxy_for(&env(&[]), "http://example.com/"), None);
    assert_eq!(
        proxy_for(&env(&[("http_proxy", "  ")]), "http://example.com/"),
        None
    );
}

#[test]
fn no_proxy_matching() {
    let proxies = env(&[
        ("all_proxy", "http://p.example:1"),
        (
            "no_proxy",
            "internal.example, .corp.example,*.wild.example,10.0.0.7",
        ),
    ]);
    for direct in [
        "http://internal.example/",
        "https://api.internal.example/",
        "http://a.b.corp.example/",
        "http://corp.example/",
        "http://x.wild.example/",
        "http://10.0.0.7:8080/",
        "http://INTERNAL.example/",
        "http://internal.example./",
    ] {
        assert_eq!(proxy_for(&proxies, direct), None, "{direct}");
    }
    for proxied in [
        "http://notinternal.example/",
        "http://internal.example.com/",
        "http://example/",
        "http://10.0.0.70/",
        "http://corp.example.org/",
    ] {
        assert_eq!(
            proxy_for(&proxies, proxied),
            Some("p.example:1".into()),
            "{proxied}"
        );
    }
    let star = env(&[("all_proxy", "p.example:1"), ("NO_PROXY", "*")]);
    assert_eq!(proxy_for(&star, "https://anything.example/"), None);
}

#[test]
fn loopback_urls_bypass_env_proxies() {
    let proxies = env(&[("all_proxy", "http://p.example:1")]);
    for url in [
        "http://127.0.0.1:8080/",
        "https://127.1.2.3/",
        "http://localhost/",
        "http://api.localhost:3000/",
        "http://localhost./",
        "http://api.localhost.:3000/",
        "http://[::1]:80/",
    ] {
        assert_eq!(proxy_for(&proxies, url), None, "{url}");
    }
    assert_eq!(
        proxy_for(&proxies, "http://128.0.0.1/"),
        Some("p.example:1".into())
    );
}

#[test]
fn a_malformed_env_proxy_is_an_error_naming_the_variable() {
    let err = EnvProxies::from_lookup(|name| (name == "https_proxy").then(|| "ftp://x:1".into()))
        .unwrap_err();
    assert!(err.to_string().contains("$https_proxy"), "{err}");
}

#[test]
fn proxy_urls_and_their_credentials() {
    let proxy = Proxy::new("http://user:secret@proxy.example:3128").unwrap();
    assert_eq!(proxy.host(), "proxy.example");
    assert_eq!(proxy.port(), 3128);
    assert_eq!(proxy.authority(), "proxy.example:3128");
    assert!(!format!("{proxy} {proxy:?}").contains("secret"));
    assert_eq!(
        Proxy::new("proxy.example:8080").unwrap().authority(),
        "proxy.example:8080"
    );
    assert_eq!(
        Proxy::new("https://proxy.example").unwrap_err().kind(),
        ErrorKind::UnsupportedScheme
    );
    let err = builder().proxy("socks5://p:1").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
}

#[test]
fn proxy_from_env_false_reads_no_environment() {
    // Reading the process environment is what proxy_from_env(true) does at build time; the
    // setting shows in the agent's Debug output, whatever the environment of this run holds.
    let without = builder().build().unwrap();
    assert!(
        format!("{without:?}").contains("proxy: None"),
        "{without:?}"
    );
    let with = Agent::builder().build().unwrap();
    assert!(format!("{with:?}").contains("proxy: Env("), "{with:?}");
    // An explicit proxy wins over the environment.
    let fixed = Agent::builder().proxy("p.example:1").build().unwrap();
    assert!(format!("{fixed:?}").contains("proxy: Fixed("), "{fixed:?}");
}

#[cfg(feature = "tls")]
#[test]
fn proxy_headers_go_to_the_proxy_on_a_forwarded_request_and_on_the_connect_only() {
    let origin = HttpServer::start(|_| Reply::text("direct"));
    let tls = tls_origin();
    let proxy = TestProxy::start(None);
    let agent = builder()
        .proxy(&proxy.url())
        .proxy_header("X-Proxy-Only", "yes")
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    agent.get(&origin.url("/")).send().unwrap().text().unwrap();
    agent.get(&tls.url("/")).send().unwrap().text().unwrap();
    let heads = proxy.heads();
    assert_eq!(heads.len(), 2);
    assert!(
        heads
            .iter()
            .all(|h| header(h, "x-proxy-only") == Some("yes")),
        "{heads:?}"
    );
    assert!(tls.requests()[0].header("x-proxy-only").is_none());
}

#[test]
fn a_callers_request_target_goes_to_a_proxy_in_absolute_form() {
    // curl's --path-as-is through a proxy: the path as given, behind the scheme and host. In
    // origin form the proxy would take the request as one addressed to itself.
    let proxy = TestProxy::start(None);
    let agent = builder().proxy(&proxy.url()).build().unwrap();
    agent
        .get("http://origin.invalid/x/y")
        .request_target("/x/../y")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(
        proxy.request_lines(),
        ["GET http://origin.invalid/x/../y HTTP/1.1"]
    );
    // OPTIONS * goes as the scheme and authority alone (RFC 9112 section 3.2.4).
    agent
        .request("OPTIONS", "http://origin.invalid:8080/")
        .request_target("*")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(
        proxy.request_lines()[1],
        "OPTIONS http://origin.invalid:8080 HTTP/1.1"
    );
}

#[test]
fn proxy_tunnel_sends_plain_http_through_a_connect_too() {
    let origin = HttpServer::start(|req| Reply::text(req.target.clone()));
    let proxy = TestProxy::start(None);
    let agent = builder()
        .proxy(&proxy.url())
        .proxy_tunnel(true)
        .build()
        .unwrap();
    let body = agent
        .get(&origin.url("/p?q=1"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "/p?q=1", "origin-form inside the tunnel");
    assert!(
        proxy.request_lines()[0].starts_with("CONNECT 127.0.0.1:"),
        "{:?}",
        proxy.request_lines()
    );
}

#[test]
fn a_callers_proxy_authorization_never_reaches_an_origin_reached_directly() {
    let origin = HttpServer::start(|req| {
        Reply::text(
            req.header("proxy-authorization")
                .unwrap_or("none")
                .to_string(),
        )
    });
    let proxy = TestProxy::start(None);
    // On the no_proxy list: straight to the origin.
    let bypassing = builder()
        .proxy(&proxy.url())
        .no_proxy("127.0.0.1")
        .default_header("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0")
        .build()
        .unwrap();
    let body = bypassing
        .get(&origin.url("/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "none");
    // No proxy at all, and the request's own field.
    let body = builder()
        .build()
        .unwrap()
        .get(&origin.url("/"))
        .header("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "none");
    assert_eq!(proxy.connections(), 0);
}
