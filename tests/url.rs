//! The URL parser through its public API: what is accepted and how it is normalised, what is
//! refused and with which kind, how references are resolved (RFC 3986 section 5.4), and that
//! credentials never show.
//!
//! Tables first: each row is one case, and a failure names its input.

mod support;

use plainwire::{form_urlencode, ErrorKind, HostKind, Scheme, Url};

fn parse(input: &str) -> Url {
    Url::parse(input).unwrap_or_else(|err| panic!("{input:?} should parse: {err}"))
}

fn parse_err(input: &str) -> plainwire::Error {
    match Url::parse(input) {
        Ok(url) => panic!("{input:?} should not parse, got {url}"),
        Err(err) => err,
    }
}

#[test]
fn normalisation() {
    let cases = [
        ("http://example.com", "http://example.com/"),
        ("HTTP://EXAMPLE.COM/Path", "http://example.com/Path"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/", "http://example.com/"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("https://example.com:80/", "https://example.com:80/"),
        ("http://example.com:/x", "http://example.com/x"),
        ("  http://example.com/ \t\n", "http://example.com/"),
        ("http://example.com?q", "http://example.com/?q"),
        ("http://example.com#top", "http://example.com/"),
        (
            "http://example.com/p?q=1#frag?x",
            "http://example.com/p?q=1",
        ),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/../../x", "http://example.com/x"),
        ("http://example.com/a/b/..", "http://example.com/a/"),
        ("http://example.com/a//b", "http://example.com/a//b"),
        (
            "http://example.com/a?b=../c/./d",
            "http://example.com/a?b=../c/./d",
        ),
        (
            "http://example.com/ü?ö=ß",
            "http://example.com/%C3%BC?%C3%B6=%C3%9F",
        ),
        (
            "http://example.com/a%2Fb%zz%4",
            "http://example.com/a%2Fb%25zz%254",
        ),
        ("http://example.com/%7e%7E", "http://example.com/%7e%7E"),
        (
            "http://example.com/\"<>\\^`{|}",
            "http://example.com/%22%3C%3E%5C%5E%60%7B%7C%7D",
        ),
        (
            "http://example.com/:@!$&'()*+,;=-._~",
            "http://example.com/:@!$&'()*+,;=-._~",
        ),
        (
            "http://example.com/p?a=1?b=2",
            "http://example.com/p?a=1?b=2",
        ),
        ("http://example.com./", "http://example.com./"),
        ("http://under_score.example/", "http://under_score.example/"),
        ("http://xn--mnchen-3ya.de/", "http://xn--mnchen-3ya.de/"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
        ("http://[::1]/", "http://[::1]/"),
        (
            "http://[2001:DB8:0:0:0:0:0:1]:81/",
            "http://[2001:db8::1]:81/",
        ),
        ("http://[::ffff:192.0.2.1]/", "http://[::ffff:192.0.2.1]/"),
        ("http://user:pass@example.com/", "http://example.com/"),
        ("http://example.com/path@x", "http://example.com/path@x"),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input).as_str(), expected, "{input:?}");
        // Parsing the normal form again changes nothing.
        assert_eq!(parse(expected).as_str(), expected, "{expected:?}");
    }
}

#[test]
fn parts() {
    let url = parse("HTTPS://user%20name:p%3Ass@Example.COM:8443/a/b%20c?x=1&y#frag");
    assert_eq!(url.scheme(), Scheme::Https);
    assert_eq!(url.host(), "example.com");
    assert_eq!(url.host_kind(), HostKind::Domain);
    assert_eq!(url.port(), 8443);
    assert_eq!(url.host_header(), "example.com:8443");
    assert_eq!(url.authority(), "example.com:8443");
    assert_eq!(url.path(), "/a/b%20c");
    assert_eq!(url.query(), Some("x=1&y"));
    assert_eq!(url.path_and_query(), "/a/b%20c?x=1&y");
    assert_eq!(url.username(), Some("user name"));
    assert_eq!(url.password(), Some("p:ss"));

    let url = parse("http://example.com");
    assert_eq!(url.scheme(), Scheme::Http);
    assert_eq!(url.port(), 80);
    assert_eq!(url.host_header(), "example.com");
    assert_eq!(url.authority(), "example.com:80");
    assert_eq!(url.path(), "/");
    assert_eq!(url.query(), None);
    assert_eq!(url.path_and_query(), "/");
    assert_eq!(url.username(), None);
    assert_eq!(url.password(), None);

    assert_eq!(parse("http://h/?").query(), Some(""));
    assert_eq!(parse("https://h/").port(), 443);
    assert_eq!(Scheme::Http.default_port(), 80);
    assert_eq!(Scheme::Https.as_str(), "https");
}

#[test]
fn ip_hosts() {
    let v4 = parse("http://192.168.0.1:8080/");
    assert_eq!(v4.host_kind(), HostKind::Ipv4);
    assert_eq!(v4.host(), "192.168.0.1");
    assert_eq!(v4.authority(), "192.168.0.1:8080");

    let v6 = parse("https://[0:0:0:0:0:0:0:1]:8443/x");
    assert_eq!(v6.host_kind(), HostKind::Ipv6);
    assert_eq!(v6.host(), "::1", "no brackets, for DNS and TLS");
    assert_eq!(v6.host_header(), "[::1]:8443");
    assert_eq!(v6.authority(), "[::1]:8443");

    let v6 = parse("http://[::1]/");
    assert_eq!(v6.host_header(), "[::1]");
    assert_eq!(v6.authority(), "[::1]:80");
}

#[test]
fn userinfo() {
    let cases: [(&str, Option<&str>, Option<&str>); 8] = [
        ("http://alice:secret@h/", Some("alice"), Some("secret")),
        ("http://alice@h/", Some("alice"), None),
        ("http://alice:@h/", Some("alice"), Some("")),
        ("http://:secret@h/", Some(""), Some("secret")),
        ("http://@h/", None, None),
        ("http://a%40b:c%3Ad@h/", Some("a@b"), Some("c:d")),
        ("http://a@b:c@h/", Some("a@b"), Some("c")),
        ("http://us%C3%A9r:%E2%9C%93@h:81/", Some("usér"), Some("✓")),
    ];
    for (input, user, password) in cases {
        let url = parse(input);
        assert_eq!(url.username(), user, "{input:?}");
        assert_eq!(url.password(), password, "{input:?}");
        assert!(url.as_str().starts_with("http://h"), "{input:?}: {url}");
    }
}

#[test]
fn credentials_never_show() {
    let url = parse("https://alice:hunter2@example.com/private");
    for shown in [
        url.as_str().to_string(),
        url.to_string(),
        format!("{url:?}"),
        format!("{:?}", url.without_credentials()),
    ] {
        assert_eq!(shown, "https://example.com/private");
    }
    let bare = url.without_credentials();
    assert_eq!((bare.username(), bare.password()), (None, None));
    assert_eq!(bare.as_str(), url.as_str());

    // Nor in errors about the rest of the URL.
    for input in [
        "http://alice:hunter2@exa mple.com/",
        "http://alice:hunter2@example.com:99999/",
        "http://alice:hunter2@exa..mple.com/",
        "http://alice:hunter2@[::1/",
        "http://alice:hunter2%ff@example.com/",
        "gopher://alice:hunter2@example.com/",
    ] {
        let err = parse_err(input);
        let text = format!("{err} {err:?}");
        assert!(!text.contains("hunter2"), "{input:?}: {text}");
    }
}

#[test]
fn refused() {
    use ErrorKind::{InvalidUrl, UnsupportedScheme};
    let cases = [
        ("", InvalidUrl),
        ("   ", InvalidUrl),
        ("example.com/path", InvalidUrl),
        ("/relative/path", InvalidUrl),
        ("localhost:8080", UnsupportedScheme),
        ("ftp://example.com/", UnsupportedScheme),
        ("file:///etc/passwd", UnsupportedScheme),
        ("ws://example.com/", UnsupportedScheme),
        ("http:example.com", InvalidUrl),
        ("http:/example.com", InvalidUrl),
        ("http://", InvalidUrl),
        ("http:///path", InvalidUrl),
        ("http://:80/", InvalidUrl),
        ("http://user@/", InvalidUrl),
        ("http://host:0/", InvalidUrl),
        ("http://host:65536/", InvalidUrl),
        ("http://host:123456/", InvalidUrl),
        ("http://host:-1/", InvalidUrl),
        ("http://host:8o/", InvalidUrl),
        ("http://host:80:81/", InvalidUrl),
        ("http://exa mple.com/", InvalidUrl),
        ("http://example.com/a b", InvalidUrl),
        ("http://example.com/a\tb", InvalidUrl),
        ("http://example.com/a\r\nHost: evil", InvalidUrl),
        ("http://example.com/\0", InvalidUrl),
        ("http://exa..mple.com/", InvalidUrl),
        ("http://.example.com/", InvalidUrl),
        ("http://example.com../", InvalidUrl),
        ("http://exa%6Dple.com/", InvalidUrl),
        ("http://exa<mple.com/", InvalidUrl),
        ("http://münchen.de/", InvalidUrl),
        ("http://a\\@b/", InvalidUrl),
        ("http://[::1/", InvalidUrl),
        ("http://[::1]x/", InvalidUrl),
        ("http://[::g]/", InvalidUrl),
        ("http://[127.0.0.1]/", InvalidUrl),
        ("http://[fe80::1%25eth0]/", InvalidUrl),
        ("http://::1/", InvalidUrl),
        ("http://256.0.0.1/", InvalidUrl),
        ("http://1.2.3/", InvalidUrl),
        ("http://127.1/", InvalidUrl),
        ("http://0x7f.0.0.1/", InvalidUrl),
        ("http://example.0x10/", InvalidUrl),
        ("http://1.2.3.4.5/", InvalidUrl),
        ("http://example.123/", InvalidUrl),
    ];
    for (input, kind) in cases {
        let err = parse_err(input);
        assert_eq!(err.kind(), kind, "{input:?}: {err}");
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn messages_say_what_is_wrong() {
    let cases = [
        ("ftp://example.com/", "\"ftp\""),
        ("example.com", "scheme"),
        ("http://example.com/a b", "space"),
        ("http://host:70000/", "70000"),
        ("http://münchen.de/", "IDNA"),
        ("http://[fe80::1%25eth0]/", "zone"),
        ("http://127.1/", "IPv4"),
    ];
    for (input, phrase) in cases {
        let err = parse_err(input);
        assert!(err.to_string().contains(phrase), "{input:?}: {err}");
    }
}

#[test]
fn from_str_is_parse() {
    let url: Url = "HTTP://Example.com:80".parse().unwrap();
    assert_eq!(url, parse("http://example.com/"));
    let err = "nope".parse::<Url>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidUrl);
}

#[test]
fn same_origin() {
    let url = parse("http://example.com/a");
    assert!(url.same_origin(&parse("HTTP://EXAMPLE.com:80/b?c")));
    assert!(url.same_origin(&parse("http://user:pw@example.com/")));
    assert!(!url.same_origin(&parse("https://example.com/a")));
    assert!(!url.same_origin(&parse("http://example.com:8080/a")));
    assert!(!url.same_origin(&parse("http://www.example.com/a")));
}

/// RFC 3986 section 5.4: every normal and abnormal example whose result is http(s), with the
/// fragment dropped and an empty path written as "/".
#[test]
fn join_rfc_3986_examples() {
    let base = parse("http://a/b/c/d;p?q");
    let cases = [
        // 5.4.1 Normal examples.
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"),
        ("//g", "http://g/"),
        ("?y", "http://a/b/c/d;p?y"),
        ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q"),
        ("g#s", "http://a/b/c/g"),
        ("g?y#s", "http://a/b/c/g?y"),
        (";x", "http://a/b/c/;x"),
        ("g;x", "http://a/b/c/g;x"),
        ("g;x?y#s", "http://a/b/c/g;x?y"),
        ("", "http://a/b/c/d;p?q"),
        (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"),
        ("..", "http://a/b/"),
        ("../", "http://a/b/"),
        ("../g", "http://a/b/g"),
        ("../..", "http://a/"),
        ("../../", "http://a/"),
        ("../../g", "http://a/g"),
        // 5.4.2 Abnormal examples.
        ("../../../g", "http://a/g"),
        ("../../../../g", "http://a/g"),
        ("/./g", "http://a/g"),
        ("/../g", "http://a/g"),
        ("g.", "http://a/b/c/g."),
        (".g", "http://a/b/c/.g"),
        ("g..", "http://a/b/c/g.."),
        ("..g", "http://a/b/c/..g"),
        ("./../g", "http://a/b/g"),
        ("./g/.", "http://a/b/c/g/"),
        ("g/./h", "http://a/b/c/g/h"),
        ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
        ("g;x=1/../y", "http://a/b/c/y"),
        ("g?y/./x", "http://a/b/c/g?y/./x"),
        ("g?y/../x", "http://a/b/c/g?y/../x"),
        ("g#s/./x", "http://a/b/c/g"),
        ("g#s/../x", "http://a/b/c/g"),
        ("http:g", "http://a/b/c/g"),
    ];
    for (reference, expected) in cases {
        let joined = base
            .join(reference)
            .unwrap_or_else(|err| panic!("{reference:?} should resolve: {err}"));
        assert_eq!(joined.as_str(), expected, "{reference:?}");
    }
}

#[test]
fn join_absolute_and_refused_references() {
    let base = parse("https://user:pw@example.com:8443/dir/page?x");
    let other = base.join("http://other.example/new").unwrap();
    assert_eq!(other.as_str(), "http://other.example/new");
    assert_eq!(other.username(), None);

    let network_path = base.join("//cdn.example/lib.js").unwrap();
    assert_eq!(network_path.as_str(), "https://cdn.example/lib.js");
    assert_eq!(network_path.username(), None);

    // A relative reference keeps the base's authority, and with it its userinfo (RFC 3986).
    let relative = base.join("../up?y=1").unwrap();
    assert_eq!(relative.as_str(), "https://example.com:8443/up?y=1");
    assert_eq!(relative.username(), Some("user"));
    assert_eq!(relative.without_credentials().username(), None);

    let encoded = base.join("naïve path?q=ü").unwrap_err();
    assert_eq!(encoded.kind(), ErrorKind::InvalidUrl, "{encoded}");
    assert_eq!(
        base.join("na%C3%AFve?q=ü").unwrap().as_str(),
        "https://example.com:8443/dir/na%C3%AFve?q=%C3%BC"
    );

    for (reference, kind) in [
        ("ftp://example.com/", ErrorKind::UnsupportedScheme),
        ("javascript:alert(1)", ErrorKind::UnsupportedScheme),
        ("https://bad host/", ErrorKind::InvalidUrl),
        ("//[::1/", ErrorKind::InvalidUrl),
        ("/a\r\nb", ErrorKind::InvalidUrl),
    ] {
        let err = base.join(reference).unwrap_err();
        assert_eq!(err.kind(), kind, "{reference:?}: {err}");
    }
}

#[test]
fn append_query_pair_and_form_urlencode() {
    let cases = [
        ("http://h/p", "http://h/p?a+b=c%26d%3De"),
        ("http://h/p?", "http://h/p?a+b=c%26d%3De"),
        ("http://h/p?x=1", "http://h/p?x=1&a+b=c%26d%3De"),
        ("http://h/p?x=1&", "http://h/p?x=1&a+b=c%26d%3De"),
        ("http://h/p#frag", "http://h/p?a+b=c%26d%3De"),
    ];
    for (input, expected) in cases {
        let mut url = parse(input);
        url.append_query_pair("a b", "c&d=e");
        assert_eq!(url.as_str(), expected, "{input:?}");
        assert_eq!(url.query(), expected.split_once('?').map(|(_, q)| q));
    }

    let mut out = String::from("prefix:");
    form_urlencode(&mut out, "a b&c=d/e?é*-._~+%\n");
    assert_eq!(out, "prefix:a+b%26c%3Dd%2Fe%3F%C3%A9*-._%7E%2B%25%0A");
}

// ---------------------------------------------------------------------------
// Userinfo never in an error message, whatever is malformed
// ---------------------------------------------------------------------------

/// The user name and the two halves of the password below: none may appear in an error.
const SECRET_WORDS: [&str; 3] = ["KWVW", "QZQZ", "XJXJ"];

/// Passwords that put a delimiter, a space or a bad escape between two secret words.
const PASSWORDS: [&str; 16] = [
    "QZQZXJXJ",
    "QZQZ/XJXJ",
    "QZQZ#XJXJ",
    "QZQZ?XJXJ",
    "QZQZ@XJXJ",
    "QZQZ:XJXJ",
    "QZQZ XJXJ",
    "QZQZ\\XJXJ",
    "QZQZ[XJXJ",
    "QZQZ]XJXJ",
    "QZQZ%zzXJXJ",
    "QZQZ%FFXJXJ",
    "QZQZ%XJXJ",
    "QZQZ\u{e9}XJXJ",
    "QZQZ\tXJXJ",
    "QZQZ\"XJXJ",
];

/// URLs with userinfo `U:P` and something wrong elsewhere (or nothing).
const MALFORMED: [&str; 20] = [
    "http://U:P@example.com/",
    "http://U:P@exa!mple/",
    "http://U:P@example.com:99999/",
    "http://U:P@example.com:8o/",
    "http://U:P@/",
    "http://U:P@[::1/",
    "http://U:P@[fe80::1%25eth0]/",
    "http://U:P@ex ample.com/",
    "http://U:P@ex\u{e4}mple.com/",
    "http://U:P@1.2.3.999/",
    "http://U:P@a..b/",
    "ftp://U:P@example.com/",
    "socks5://U:P@proxy.example:1080",
    "https://U:P@proxy.example:3128",
    "U:P@example.com",
    "U:P@example.com:8080",
    "http:U:P@example.com",
    "http:/U:P@example.com",
    "http://U:P@example.com:3128\\x",
    " http://U:P@example.com:0/ ",
];

/// What an error shows of `input`'s secret words, as a line for the report; `None` if nothing.
fn shown_secret(what: &str, input: &str, err: &plainwire::Error) -> Option<String> {
    let shown = format!("{err}\n{err:?}");
    SECRET_WORDS
        .iter()
        .find(|word| shown.contains(*word))
        .map(|word| format!("{what} of {input:?} shows {word}: {shown}"))
}

#[test]
fn no_error_quotes_any_part_of_the_userinfo() {
    let base = parse("http://example.com/a/b");
    let mut leaks = Vec::new();
    for template in MALFORMED {
        for password in PASSWORDS {
            let input = template
                .replacen('U', "usrKWVW", 1)
                .replacen('P', password, 1);
            let input = input.as_str();
            let mut errors = Vec::new();
            if let Err(err) = Url::parse(input) {
                errors.push(("Url::parse", err));
            }
            if let Err(err) = base.join(input) {
                errors.push(("Url::join", err));
            }
            if let Err(err) = plainwire::Proxy::new(input) {
                errors.push(("Proxy::new", err));
            }
            for var in ["https_proxy", "http_proxy", "ALL_PROXY"] {
                let value = input.to_string();
                let env = plainwire::EnvProxies::from_lookup(move |name| {
                    (name == var).then(|| value.clone())
                });
                if let Err(err) = env {
                    errors.push((var, err));
                }
            }
            let agent = plainwire::Agent::builder()
                .proxy_from_env(false)
                .proxy(input)
                .build();
            if let Err(err) = agent {
                errors.push(("AgentBuilder::proxy", err));
            }
            leaks.extend(
                errors
                    .iter()
                    .filter_map(|(what, err)| shown_secret(what, input, err)),
            );
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}
