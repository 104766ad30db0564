//! The jar as a whole: Set-Cookie lines in, Cookie headers and cookie files out, one rule of
//! RFC 6265bis per test. The parts have their own tests beside them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::limits::{
    MAX_COOKIES, MAX_COOKIES_PER_DOMAIN, MAX_COOKIES_PER_SITE, MAX_COOKIE_HEADER_BYTES,
    MAX_LIFETIME,
};
use super::refusal::Refusal;
use super::{Cookie, CookieJar, SameSite};
use crate::url::Url;

const T0: u64 = 1_700_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn url(input: &str) -> Url {
    Url::parse(input).expect("a valid URL")
}

/// Stores one Set-Cookie line from a response to `from` at `now`, saying why if refused.
fn set_at(jar: &CookieJar, from: &str, line: &str, now: SystemTime) -> Result<(), Refusal> {
    super::jar::receive(&mut jar.lock(), &url(from), line.as_bytes(), now)
        .map_err(|(_, refusal)| refusal)
}

fn set(jar: &CookieJar, from: &str, line: &str) -> Result<(), Refusal> {
    set_at(jar, from, line, at(T0))
}

fn header_at(jar: &CookieJar, to: &str, now: SystemTime) -> Option<String> {
    jar.cookie_header_at(&url(to), now)
}

fn header(jar: &CookieJar, to: &str) -> Option<String> {
    header_at(jar, to, at(T0))
}

/// Every cookie in the jar, expired by the system clock or not (the tests' clock is `T0`).
fn stored(jar: &CookieJar) -> Vec<Cookie> {
    jar.lock().by_creation()
}

// --- Scope: domain ---

#[test]
fn a_cookie_without_domain_goes_back_to_its_host_only() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1").unwrap();
    assert_eq!(header(&jar, "http://example.com/").as_deref(), Some("a=1"));
    assert_eq!(header(&jar, "http://www.example.com/"), None);
    assert_eq!(header(&jar, "http://other.com/"), None);
    let cookie = jar.get("example.com", "/", "a").unwrap();
    assert!(cookie.host_only());
}

#[test]
fn a_domain_cookie_goes_to_the_domain_and_its_subdomains() {
    let jar = CookieJar::new();
    set(&jar, "http://www.example.com/", "a=1; Domain=example.com").unwrap();
    assert_eq!(header(&jar, "http://example.com/").as_deref(), Some("a=1"));
    assert_eq!(
        header(&jar, "http://a.b.example.com/").as_deref(),
        Some("a=1")
    );
    assert_eq!(header(&jar, "http://badexample.com/"), None);
    assert!(!jar.get("example.com", "/", "a").unwrap().host_only());
}

#[test]
fn the_domain_attribute_loses_its_leading_dot_and_case() {
    let jar = CookieJar::new();
    set(&jar, "http://www.example.com/", "a=1; Domain=.EXAMPLE.com").unwrap();
    assert_eq!(
        jar.get(".example.com", "/", "a").unwrap().domain(),
        "example.com"
    );
}

#[test]
fn an_empty_domain_attribute_makes_a_host_only_cookie() {
    let jar = CookieJar::new();
    set(&jar, "http://www.example.com/", "a=1; Domain=").unwrap();
    assert!(jar.get("www.example.com", "/", "a").unwrap().host_only());
}

#[test]
fn the_host_must_be_inside_the_domain_attribute() {
    let jar = CookieJar::new();
    let refused = Err(Refusal::DomainMismatch);
    assert_eq!(
        set(&jar, "http://example.com/", "a=1; Domain=other.com"),
        refused
    );
    assert_eq!(
        set(&jar, "http://example.com/", "a=1; Domain=www.example.com"),
        refused
    );
    assert_eq!(
        set(&jar, "http://badexample.com/", "a=1; Domain=example.com"),
        refused
    );
    assert_eq!(
        set(&jar, "http://example.com/", "a=1; Domain=example.com."),
        refused
    );
    assert!(jar.is_empty());
}

#[test]
fn a_domain_attribute_that_is_not_ascii_is_refused() {
    let jar = CookieJar::new();
    assert_eq!(
        set(&jar, "http://example.com/", "a=1; Domain=exämple.com"),
        Err(Refusal::InvalidDomain)
    );
}

// --- No supercookies ---

#[test]
fn a_public_suffix_domain_is_refused() {
    let jar = CookieJar::new();
    let refused = Err(Refusal::PublicSuffix);
    assert_eq!(set(&jar, "http://example.com/", "a=1; Domain=com"), refused);
    assert_eq!(
        set(&jar, "http://shop.example.co.uk/", "a=1; Domain=co.uk"),
        refused
    );
    assert_eq!(
        set(&jar, "http://me.github.io/", "a=1; Domain=github.io"),
        refused
    );
    assert_eq!(
        set(&jar, "http://example.com/", "a=1; Domain=.com"),
        refused
    );
    assert!(jar.is_empty());
    // The registrable domain itself is fine.
    set(
        &jar,
        "http://shop.example.co.uk/",
        "a=1; Domain=example.co.uk",
    )
    .unwrap();
    assert_eq!(
        header(&jar, "http://example.co.uk/").as_deref(),
        Some("a=1")
    );
}

#[test]
fn a_public_suffix_that_is_the_host_itself_gives_a_host_only_cookie() {
    // RFC 6265bis 5.7 step 9.3.
    let jar = CookieJar::new();
    set(&jar, "http://localhost:8080/", "a=1; Domain=localhost").unwrap();
    let cookie = jar.get("localhost", "/", "a").unwrap();
    assert!(cookie.host_only());
    assert_eq!(header(&jar, "http://localhost/").as_deref(), Some("a=1"));
}

// --- IP addresses ---

#[test]
fn an_ip_host_only_matches_itself() {
    let jar = CookieJar::new();
    set(&jar, "http://127.0.0.1:8080/", "a=1").unwrap();
    set(&jar, "http://127.0.0.1:8080/", "b=2; Domain=127.0.0.1").unwrap();
    assert_eq!(
        set(&jar, "http://10.0.0.1/", "c=3; Domain=0.0.1"),
        Err(Refusal::DomainMismatch)
    );
    assert_eq!(
        set(&jar, "http://10.0.0.1/", "c=3; Domain=1"),
        Err(Refusal::PublicSuffix)
    );
    assert_eq!(
        header(&jar, "http://127.0.0.1/").as_deref(),
        Some("a=1; b=2")
    );
    assert_eq!(header(&jar, "http://127.0.0.2/"), None);
}

#[test]
fn an_ipv6_host_is_its_own_domain() {
    let jar = CookieJar::new();
    set(&jar, "http://[::1]:8080/", "a=1").unwrap();
    assert_eq!(jar.cookies()[0].domain(), "::1");
    assert_eq!(header(&jar, "http://[::1]/").as_deref(), Some("a=1"));
    assert_eq!(header(&jar, "http://[::2]/"), None);
}

#[test]
fn cookies_are_shared_across_ports_and_schemes() {
    // RFC 6265bis section 8.5: cookies do not isolate by port or scheme.
    let jar = CookieJar::new();
    set(&jar, "http://example.com:8080/", "a=1").unwrap();
    assert_eq!(header(&jar, "https://example.com/").as_deref(), Some("a=1"));
}

// --- Scope: path ---

#[test]
fn the_default_path_is_the_request_path_directory() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/docs/web/index.html?q=1", "a=1").unwrap();
    assert_eq!(jar.cookies()[0].path(), "/docs/web");
    assert_eq!(
        header(&jar, "http://example.com/docs/web").as_deref(),
        Some("a=1")
    );
    assert_eq!(
        header(&jar, "http://example.com/docs/web/x").as_deref(),
        Some("a=1")
    );
    assert_eq!(header(&jar, "http://example.com/docs/webby"), None);
    assert_eq!(header(&jar, "http://example.com/docs"), None);
}

#[test]
fn the_path_attribute_sets_the_path() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/a/b/c", "a=1; Path=/").unwrap();
    set(&jar, "http://example.com/", "b=2; Path=/b").unwrap();
    assert_eq!(header(&jar, "http://example.com/").as_deref(), Some("a=1"));
    assert_eq!(
        header(&jar, "http://example.com/b/x").as_deref(),
        Some("b=2; a=1")
    );
}

#[test]
fn a_relative_path_attribute_means_the_default_path() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/docs/page", "a=1; Path=other").unwrap();
    assert_eq!(jar.cookies()[0].path(), "/docs");
}

#[test]
fn the_query_is_not_part_of_the_path() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1; Path=/x").unwrap();
    assert_eq!(
        header(&jar, "http://example.com/x?y=/z").as_deref(),
        Some("a=1")
    );
    assert_eq!(header(&jar, "http://example.com/?/x"), None);
}

// --- Secure ---

#[test]
fn a_secure_cookie_is_sent_over_https_only() {
    let jar = CookieJar::new();
    set(&jar, "https://example.com/", "a=1; Secure").unwrap();
    assert_eq!(header(&jar, "https://example.com/").as_deref(), Some("a=1"));
    assert_eq!(header(&jar, "http://example.com/"), None);
}

#[test]
fn localhost_over_http_is_not_secure() {
    let jar = CookieJar::new();
    for from in ["http://localhost/", "http://127.0.0.1/", "http://[::1]/"] {
        assert_eq!(
            set(&jar, from, "a=1; Secure"),
            Err(Refusal::SecureFromInsecureOrigin),
            "{from}"
        );
    }
    jar.insert(Cookie::new("a", "1", "localhost").with_secure(true))
        .unwrap();
    assert_eq!(header(&jar, "http://localhost/"), None);
    assert_eq!(header(&jar, "https://localhost/").as_deref(), Some("a=1"));
}

#[test]
fn only_https_may_set_a_secure_cookie() {
    let jar = CookieJar::new();
    assert_eq!(
        set(&jar, "http://example.com/", "a=1; Secure"),
        Err(Refusal::SecureFromInsecureOrigin)
    );
    assert!(jar.is_empty());
}

// --- Strict secure cookies (RFC 6265bis 5.7 step 16) ---

#[test]
fn a_nameless_cookie_may_not_overlay_a_secure_one_under_the_name_it_is_read_by() {
    // `=a=evil` has no name and the value `a=evil`, and goes out as `a=evil`, which a server
    // reads as a cookie named a: it would stand beside the Secure a, first for a longer path.
    let overlay = Err(Refusal::WouldOverlaySecure);
    let jar = CookieJar::new();
    set(&jar, "https://example.com/", "a=secret; Secure").unwrap();
    assert_eq!(
        set(&jar, "http://example.com/", "=a=evil; Path=/app"),
        overlay
    );
    assert_eq!(set(&jar, "http://example.com/", "=a; Path=/app"), overlay);
    // A nameless Secure cookie is read by its name too.
    let jar = CookieJar::new();
    set(&jar, "https://example.com/", "=b=secret; Secure").unwrap();
    assert_eq!(
        set(&jar, "http://example.com/", "b=evil; Path=/app"),
        overlay
    );
    // Under other names, they stay allowed.
    set(&jar, "http://example.com/", "=c=plain; Path=/app").unwrap();
    set(&jar, "http://example.com/", "bb=plain; Path=/app").unwrap();
}

#[test]
fn http_may_not_overlay_a_secure_cookie() {
    let jar = CookieJar::new();
    set(
        &jar,
        "https://example.com/",
        "a=secret; Secure; Path=/login",
    )
    .unwrap();
    let overlay = Err(Refusal::WouldOverlaySecure);
    assert_eq!(
        set(&jar, "http://example.com/", "a=evil; Path=/login"),
        overlay
    );
    assert_eq!(
        set(&jar, "http://example.com/", "a=evil; Path=/login/en"),
        overlay
    );
    assert_eq!(
        set(
            &jar,
            "http://www.example.com/",
            "a=evil; Domain=example.com; Path=/login"
        ),
        overlay,
        "a domain that domain-matches the secure cookie's"
    );
    // The RFC's own examples of what stays allowed: a path the secure one does not cover.
    set(&jar, "http://example.com/", "a=plain; Path=/").unwrap();
    set(&jar, "http://example.com/", "a=plain; Path=/foo").unwrap();
    // Another name is another cookie.
    set(&jar, "http://example.com/", "b=1; Path=/login").unwrap();
    assert_eq!(
        jar.get("example.com", "/login", "a").unwrap().value(),
        "secret"
    );
}

#[test]
fn http_may_not_delete_a_secure_cookie() {
    let jar = CookieJar::new();
    set(&jar, "https://example.com/", "a=secret; Secure").unwrap();
    assert_eq!(
        set(&jar, "http://example.com/", "a=; Max-Age=0"),
        Err(Refusal::WouldOverlaySecure)
    );
    assert_eq!(jar.len(), 1);
    set(&jar, "https://example.com/", "a=; Max-Age=0").unwrap();
    assert!(jar.is_empty());
}

#[test]
fn https_may_overlay_a_secure_cookie_with_a_plain_one() {
    let jar = CookieJar::new();
    set(&jar, "https://example.com/", "a=1; Secure").unwrap();
    set(&jar, "https://example.com/", "a=2").unwrap();
    assert_eq!(header(&jar, "http://example.com/").as_deref(), Some("a=2"));
}

// --- HttpOnly and SameSite ---

#[test]
fn http_only_is_kept_and_the_cookie_sent() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1; HttpOnly").unwrap();
    assert!(jar.cookies()[0].http_only());
    assert_eq!(header(&jar, "http://example.com/").as_deref(), Some("a=1"));
}

#[test]
fn same_site_is_kept_and_never_filters() {
    let jar = CookieJar::new();
    set(&jar, "https://example.com/", "a=1; SameSite=Strict").unwrap();
    set(&jar, "https://example.com/", "b=2; SameSite=Lax").unwrap();
    set(&jar, "https://example.com/", "c=3; SameSite=None; Secure").unwrap();
    let kinds: Vec<Option<SameSite>> = jar.cookies().iter().map(Cookie::same_site).collect();
    assert_eq!(
        kinds,
        [
            Some(SameSite::Strict),
            Some(SameSite::Lax),
            Some(SameSite::None)
        ]
    );
    assert_eq!(
        header(&jar, "https://example.com/").as_deref(),
        Some("a=1; b=2; c=3")
    );
}

#[test]
fn same_site_none_needs_secure() {
    let jar = CookieJar::new();
    assert_eq!(
        set(&jar, "https://example.com/", "a=1; SameSite=None"),
        Err(Refusal::SameSiteNoneWithoutSecure)
    );
}

// --- Prefixes (RFC 6265bis section 5.4 and 5.7 steps 20 to 22) ---

#[test]
fn the_rfc_examples_of_refused_prefixed_cookies() {
    let jar = CookieJar::new();
    for line in [
        "__Secure-SID=12345; Domain=site.example",
        "__secure-SID=12345; Domain=site.example",
        "__SECURE-SID=12345; Domain=site.example",
        "__Host-SID=12345",
        "__host-SID=12345; Secure",
        "__host-SID=12345; Domain=site.example",
        "__HOST-SID=12345; Domain=site.example; Path=/",
        "__Host-SID=12345; Secure; Domain=site.example; Path=/",
        "__host-SID=12345; Secure; Domain=site.example; Path=/",
        "__HOST-SID=12345; Secure; Domain=site.example; Path=/",
    ] {
        assert!(set(&jar, "https://site.example/", line).is_err(), "{line}");
    }
    assert!(jar.is_empty());
}

#[test]
fn the_rfc_examples_of_accepted_prefixed_cookies() {
    let jar = CookieJar::new();
    for line in [
        "__Secure-SID=12345; Domain=site.example; Secure",
        "__secure-SID=12345; Domain=site.example; Secure",
        "__SECURE-SID=12345; Domain=site.example; Secure",
        "__Host-SID=12345; Secure; Path=/",
        "__host-SID=12345; Secure; Path=/",
        "__HOST-SID=12345; Secure; Path=/",
    ] {
        assert_eq!(set(&jar, "https://site.example/", line), Ok(()), "{line}");
    }
    // Names that differ in case are different cookies.
    assert_eq!(jar.len(), 6);
}

#[test]
fn host_prefix_needs_a_path_attribute_of_root() {
    let jar = CookieJar::new();
    // The default path of a request to / is / too, but the attribute must be there.
    assert_eq!(
        set(&jar, "https://site.example/", "__Host-a=1; Secure"),
        Err(Refusal::HostPrefix)
    );
    assert_eq!(
        set(
            &jar,
            "https://site.example/",
            "__Host-a=1; Secure; Path=/app"
        ),
        Err(Refusal::HostPrefix)
    );
    // "Path=" asks for the default path, which is / here: the attribute is present.
    assert_eq!(
        set(&jar, "https://site.example/", "__Host-a=1; Secure; Path="),
        Ok(())
    );
}

#[test]
fn a_prefix_that_is_only_similar_is_not_a_prefix() {
    let jar = CookieJar::new();
    set(&jar, "http://site.example/", "__Secure_SID=1").unwrap();
    set(&jar, "http://site.example/", "_Host-SID=1").unwrap();
    set(&jar, "http://site.example/", "x__Host-SID=1").unwrap();
    assert_eq!(jar.len(), 3);
}

#[test]
fn a_nameless_cookie_may_not_look_prefixed() {
    let jar = CookieJar::new();
    for line in [
        "__Secure-SID; Secure",
        "=__Host-SID=1; Secure; Path=/",
        "__host-x",
    ] {
        assert_eq!(
            set(&jar, "https://site.example/", line),
            Err(Refusal::NamelessPrefix),
            "{line}"
        );
    }
}

// --- Names and values ---

#[test]
fn a_nameless_cookie_is_sent_as_its_value() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "token123").unwrap();
    set(&jar, "http://example.com/", "a=1").unwrap();
    assert_eq!(
        header(&jar, "http://example.com/").as_deref(),
        Some("token123; a=1")
    );
}

#[test]
fn a_cookie_with_an_empty_value_is_sent_with_its_equals_sign() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "flag=").unwrap();
    assert_eq!(
        header(&jar, "http://example.com/").as_deref(),
        Some("flag=")
    );
}

#[test]
fn a_cookie_with_neither_name_nor_value_is_ignored() {
    let jar = CookieJar::new();
    for line in ["", "=", " = ; Path=/", ";", "; Secure"] {
        assert_eq!(
            set(&jar, "https://example.com/", line),
            Err(Refusal::Empty),
            "{line:?}"
        );
    }
}

// --- Replacement and deletion ---

#[test]
fn a_cookie_replaces_the_one_with_the_same_name_domain_and_path() {
    let jar = CookieJar::new();
    set_at(&jar, "http://example.com/", "a=1", at(T0)).unwrap();
    set_at(&jar, "http://example.com/", "b=2", at(T0 + 1)).unwrap();
    set_at(&jar, "http://example.com/", "a=3; HttpOnly", at(T0 + 2)).unwrap();
    assert_eq!(jar.len(), 2);
    let a = jar.get("example.com", "/", "a").unwrap();
    assert_eq!(a.value(), "3");
    assert!(a.http_only());
    // The replacement keeps the creation time, so it still comes first.
    assert_eq!(a.created(), at(T0));
    assert_eq!(
        header_at(&jar, "http://example.com/", at(T0 + 3)).as_deref(),
        Some("a=3; b=2")
    );
}

#[test]
fn another_path_or_kind_of_domain_is_another_cookie() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1").unwrap();
    set(&jar, "http://example.com/", "a=2; Path=/x").unwrap();
    set(&jar, "http://example.com/", "a=3; Domain=example.com").unwrap();
    assert_eq!(jar.len(), 3);
    assert_eq!(
        header(&jar, "http://example.com/x").as_deref(),
        Some("a=2; a=1; a=3")
    );
    assert_eq!(jar.get(".example.com", "/", "a").unwrap().value(), "3");
    assert_eq!(jar.get("example.com", "/", "a").unwrap().value(), "1");
}

#[test]
fn max_age_zero_deletes() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1").unwrap();
    set(&jar, "http://example.com/", "a=; Max-Age=0").unwrap();
    assert!(jar.is_empty());
}

#[test]
fn a_past_expires_deletes() {
    // RFC 6265bis section 3.1's example.
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "lang=en-US").unwrap();
    set(
        &jar,
        "http://example.com/",
        "lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT",
    )
    .unwrap();
    assert!(jar.is_empty());
}

#[test]
fn deleting_needs_the_same_domain_and_path() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1; Path=/x").unwrap();
    set(&jar, "http://example.com/", "a=; Max-Age=0").unwrap();
    set(
        &jar,
        "http://example.com/",
        "a=; Max-Age=0; Domain=example.com; Path=/x",
    )
    .unwrap();
    assert_eq!(jar.len(), 1);
    set(&jar, "http://example.com/", "a=; Max-Age=0; Path=/x").unwrap();
    assert!(jar.is_empty());
}

#[test]
fn a_deletion_of_nothing_stores_nothing() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1; Max-Age=-5").unwrap();
    assert!(jar.is_empty());
}

// --- Expiry ---

#[test]
fn a_cookie_is_sent_until_it_expires() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1; Max-Age=60").unwrap();
    assert_eq!(
        header_at(&jar, "http://example.com/", at(T0 + 60)).as_deref(),
        Some("a=1")
    );
    assert_eq!(header_at(&jar, "http://example.com/", at(T0 + 61)), None);
    assert!(jar.is_empty(), "and then it is evicted");
}

#[test]
fn an_expires_date_is_honoured() {
    let jar = CookieJar::new();
    set(
        &jar,
        "http://example.com/",
        "a=1; Expires=Wed, 15 Nov 2023 22:13:20 GMT",
    )
    .unwrap();
    assert_eq!(stored(&jar)[0].expires(), Some(at(1_700_086_400)));
}

#[test]
fn no_cookie_lives_longer_than_400_days() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "a=1; Max-Age=999999999").unwrap();
    set(
        &jar,
        "http://example.com/",
        "b=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    )
    .unwrap();
    let cookies = stored(&jar);
    assert_eq!(cookies.len(), 2);
    for cookie in cookies {
        assert_eq!(
            cookie.expires(),
            Some(at(T0) + MAX_LIFETIME),
            "{}",
            cookie.name()
        );
    }
}

#[test]
fn session_cookies_are_kept_until_cleared() {
    let jar = CookieJar::new();
    set(&jar, "http://example.com/", "session=1").unwrap();
    set(&jar, "http://example.com/", "persistent=1; Max-Age=3600").unwrap();
    assert_eq!(
        header_at(&jar, "http://example.com/", at(T0 + 10_000_000)).as_deref(),
        Some("session=1")
    );
    jar.clear_session_cookies();
    assert!(jar.is_empty());
}

#[test]
fn clear_expired_uses_the_clock() {
    let jar = CookieJar::new();
    // Stored at a time long past: by the system clock, it expired long ago.
    set_at(&jar, "http://example.com/", "a=1; Max-Age=60", at(T0)).unwrap();
    set_at(&jar, "http://example.com/", "b=1", at(T0)).unwrap();
    assert_eq!(jar.len(), 2);
    jar.clear_expired();
    assert_eq!(jar.len(), 1);
    assert!(jar.get("example.com", "/", "b").is_some());
}

// --- The Cookie header ---

#[test]
fn longer_paths_come_first_then_older_cookies() {
    let jar = CookieJar::new();
    set_at(&jar, "http://example.com/", "root=1; Path=/", at(T0)).unwrap();
    set_at(&jar, "http://example.com/", "deep=1; Path=/a/b", at(T0 + 1)).unwrap();
    set_at(&jar, "http://example.com/", "new=1; Path=/a", at(T0 + 3)).unwrap();
    set_at(&jar, "http://example.com/", "old=1; Path=/a", at(T0 + 2)).unwrap();
    assert_eq!(
        header_at(&jar, "http://example.com/a/b/c", at(T0 + 4)).as_deref(),
        Some("deep=1; old=1; new=1; root=1")
    );
}

#[test]
fn cookies_set_at_the_same_instant_keep_their_order() {
    let jar = CookieJar::new();
    let lines: [&[u8]; 3] = [b"c=1", b"a=1", b"b=1"];
    jar.store_response_cookies_at(&url("http://example.com/"), lines, at(T0));
    assert_eq!(
        header(&jar, "http://example.com/").as_deref(),
        Some("c=1; a=1; b=1")
    );
}

#[test]
fn sending_updates_the_last_access_time() {
    let jar = CookieJar::new();
    set_at(&jar, "http://example.com/", "a=1; Path=/a", at(T0)).unwrap();
    set_at(&jar, "http://example.com/", "b=1; Path=/b", at(T0)).unwrap();
    header_at(&jar, "http://example.com/a", at(T0 + 5));
    assert_eq!(
        jar.get("example.com", "/a", "a").unwrap().last_access(),
        at(T0 + 5)
    );
    assert_eq!(
        jar.get("example.com", "/b", "b").unwrap().last_access(),
        at(T0)
    );
}

#[test]
fn the_header_stops_short_of_8190_bytes() {
    let jar = CookieJar::new();
    let value = "v".repeat(1000);
    for i in 0..10 {
        // Longer paths for later cookies, so they come first.
        let path = "/x".repeat(i + 1);
        set(
            &jar,
            "http://example.com/",
            &format!("c{i}={value}; Path={path}"),
        )
        .unwrap();
    }
    let sent = header(&jar, &format!("http://example.com{}", "/x".repeat(10))).unwrap();
    assert!(sent.len() <= MAX_COOKIE_HEADER_BYTES, "{}", sent.len());
    assert_eq!(
        sent.matches("; ").count() + 1,
        8,
        "eight 1003-byte cookies fit"
    );
    assert!(sent.starts_with("c9="), "the most specific first");
    assert!(!sent.contains("c0=") && !sent.contains("c1="));
}

#[test]
fn no_cookie_no_header() {
    let jar = CookieJar::new();
    assert_eq!(header(&jar, "http://example.com/"), None);
}

// --- Limits and eviction ---

#[test]
fn at_most_50_cookies_per_domain_the_least_recently_used_go() {
    let jar = CookieJar::new();
    for i in 0..MAX_COOKIES_PER_DOMAIN {
        let secs = T0 + u64::try_from(i).unwrap();
        set_at(
            &jar,
            "http://example.com/",
            &format!("c{i}=1; Path=/{i}"),
            at(secs),
        )
        .unwrap();
    }
    // Using c0 makes c1 the least recently used.
    header_at(&jar, "http://example.com/0", at(T0 + 100));
    set_at(&jar, "http://example.com/", "new=1", at(T0 + 101)).unwrap();
    assert_eq!(jar.len(), MAX_COOKIES_PER_DOMAIN);
    assert!(jar.get("example.com", "/0", "c0").is_some());
    assert!(jar.get("example.com", "/1", "c1").is_none());
    assert!(jar.get("example.com", "/", "new").is_some());
    // Another domain has a limit of its own.
    set_at(&jar, "http://www.example.com/", "w=1", at(T0 + 102)).unwrap();
    assert_eq!(jar.len(), MAX_COOKIES_PER_DOMAIN + 1);
}

#[test]
fn one_site_cannot_push_another_sites_cookies_out() {
    // A host with many labels may set cookies for each of its parent domains; together they
    // count against one site (evil.test), so the jar never fills with them.
    let jar = CookieJar::new();
    set_at(&jar, "http://victim.example/", "session=1", at(T0)).unwrap();
    // 61 parent domains of 50 cookies each would be more than the jar's 3000.
    let labels = vec!["x"; 61];
    let host = format!("{}.evil.test", labels.join("."));
    let mut secs = T0 + 1;
    for depth in 0..labels.len() {
        let domain = format!("{}.evil.test", labels[depth..].join("."));
        for i in 0..MAX_COOKIES_PER_DOMAIN {
            let line = format!("f{depth}x{i}=1; Domain={domain}");
            set_at(&jar, &format!("http://{host}/"), &line, at(secs)).unwrap();
            secs += 1;
        }
    }
    assert!(jar.len() <= MAX_COOKIES_PER_SITE + 1, "{}", jar.len());
    assert_eq!(
        header_at(&jar, "http://victim.example/", at(secs)).as_deref(),
        Some("session=1")
    );
}

#[test]
fn in_a_full_domain_non_secure_cookies_go_before_secure_ones() {
    let jar = CookieJar::new();
    set_at(&jar, "http://example.com/", "plain=1", at(T0 + 10)).unwrap();
    for i in 0..MAX_COOKIES_PER_DOMAIN - 1 {
        let secs = T0 + u64::try_from(i).unwrap();
        set_at(
            &jar,
            "https://example.com/",
            &format!("s{i}=1; Secure"),
            at(secs),
        )
        .unwrap();
    }
    set_at(&jar, "https://example.com/", "last=1; Secure", at(T0 + 200)).unwrap();
    assert!(
        jar.get("example.com", "/", "plain").is_none(),
        "evicted though used later"
    );
    assert!(jar.get("example.com", "/", "s0").is_some());
}

#[test]
fn expired_cookies_go_before_any_live_one() {
    let jar = CookieJar::new();
    set_at(
        &jar,
        "http://example.com/",
        "short=1; Max-Age=1; Path=/s",
        at(T0),
    )
    .unwrap();
    for i in 1..MAX_COOKIES_PER_DOMAIN {
        let secs = T0 + 10 + u64::try_from(i).unwrap();
        set_at(
            &jar,
            "http://example.com/",
            &format!("c{i}=1; Path=/{i}"),
            at(secs),
        )
        .unwrap();
    }
    assert_eq!(
        jar.len(),
        MAX_COOKIES_PER_DOMAIN - 1,
        "the expired one is gone already"
    );
    set_at(&jar, "http://example.com/", "more=1", at(T0 + 100)).unwrap();
    assert_eq!(jar.len(), MAX_COOKIES_PER_DOMAIN);
    assert!(jar.get("example.com", "/1", "c1").is_some());
}

#[test]
fn at_most_3000_cookies_in_all_the_least_recently_used_go() {
    let jar = CookieJar::new();
    let domains = MAX_COOKIES / MAX_COOKIES_PER_DOMAIN + 1;
    let mut secs = T0;
    for d in 0..domains {
        for i in 0..MAX_COOKIES_PER_DOMAIN {
            secs += 1;
            let from = format!("http://d{d}.example/");
            set_at(&jar, &from, &format!("c{i}=1; Path=/{i}"), at(secs)).unwrap();
        }
    }
    assert_eq!(jar.len(), MAX_COOKIES);
    // The first domain's cookies were the least recently used: all gone.
    assert_eq!(header_at(&jar, "http://d0.example/0", at(secs)), None);
    assert!(jar
        .get(&format!("d{}.example", domains - 1), "/0", "c0")
        .is_some());
}

// --- By hand ---

#[test]
fn add_takes_a_set_cookie_line_and_says_why_it_refuses() {
    let jar = CookieJar::new();
    let https = url("https://example.com/");
    jar.add(&https, "a=1; Domain=example.com; Path=/; Secure")
        .unwrap();
    assert_eq!(jar.len(), 1);
    let err = jar.add(&https, "b=hunter2; Domain=com").unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("public suffix"), "{err}");
    assert!(err.to_string().contains("\"b\""), "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let err = jar
        .add(&url("http://example.com/"), "hunter2; Secure")
        .unwrap_err();
    assert!(err.to_string().contains("nameless"), "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[test]
fn insert_checks_and_replaces() {
    let jar = CookieJar::new();
    jar.insert(Cookie::new("a", "1", "example.com")).unwrap();
    jar.insert(Cookie::new("a", "2", "example.com")).unwrap();
    assert_eq!(jar.len(), 1);
    assert_eq!(jar.get("example.com", "/", "a").unwrap().value(), "2");
    let err = jar
        .insert(Cookie::new("a", "x; admin=1", "example.com"))
        .unwrap_err();
    assert!(!err.to_string().contains("admin"), "{err}");
    assert!(jar
        .insert(Cookie::new("a", "1", ".com"))
        .is_err_and(|e| e.to_string().contains("public suffix")));
}

#[test]
fn insert_an_expired_cookie_deletes() {
    let jar = CookieJar::new();
    jar.insert(Cookie::new("a", "1", "example.com")).unwrap();
    jar.insert(Cookie::new("a", "", "example.com").with_expires(UNIX_EPOCH))
        .unwrap();
    assert!(jar.is_empty());
}

#[test]
fn get_and_remove_by_domain_path_and_name() {
    let jar = CookieJar::new();
    jar.insert(Cookie::new("a", "host", "example.com")).unwrap();
    jar.insert(Cookie::new("a", "domain", ".example.com"))
        .unwrap();
    jar.insert(Cookie::new("a", "api", "example.com").with_path("/api"))
        .unwrap();
    assert_eq!(jar.get("EXAMPLE.com", "/", "a").unwrap().value(), "host");
    assert_eq!(jar.get(".example.com", "/", "a").unwrap().value(), "domain");
    assert!(jar.get("example.com", "/", "b").is_none());
    assert!(jar.remove(".example.com", "/", "a"));
    assert_eq!(jar.len(), 2);
    assert!(jar.remove("example.com", "/api", "a"));
    assert!(!jar.remove("example.com", "/api", "a"));
    jar.clear();
    assert!(jar.is_empty());
}

#[test]
fn cookies_lists_oldest_first() {
    let jar = CookieJar::new();
    set_at(&jar, "http://b.example/", "second=1", at(T0 + 1)).unwrap();
    set_at(&jar, "http://a.example/", "third=1", at(T0 + 2)).unwrap();
    set_at(&jar, "http://c.example/", "first=1", at(T0)).unwrap();
    let names: Vec<String> = jar.cookies().iter().map(|c| c.name().to_owned()).collect();
    assert_eq!(names, ["first", "second", "third"]);
}

// --- The jar as a shared handle ---

#[test]
fn a_clone_shares_the_cookies() {
    let jar = CookieJar::new();
    let other = jar.clone();
    other.insert(Cookie::new("a", "1", "example.com")).unwrap();
    assert_eq!(jar.len(), 1);
}

#[test]
fn threads_share_one_jar() {
    fn is_send_sync<T: Send + Sync + Clone + Default>() {}
    is_send_sync::<CookieJar>();
    let jar = CookieJar::new();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let jar = jar.clone();
            scope.spawn(move || {
                for i in 0..10 {
                    jar.insert(Cookie::new(
                        format!("t{t}c{i}"),
                        "1",
                        &format!("h{t}.example"),
                    ))
                    .unwrap();
                }
            });
        }
    });
    assert_eq!(jar.len(), 40);
}

#[test]
fn debug_shows_neither_names_nor_values() {
    let jar = CookieJar::new();
    jar.insert(Cookie::new("SID", "31d4d96e407aad42", "example.com"))
        .unwrap();
    assert_eq!(format!("{jar:?}"), "CookieJar { cookies: 1 }");
}

// --- The Netscape cookie file ---

/// A cookie file exactly as curl 8 writes it with `-c`: its header, a blank line, then one
/// tab-separated line per cookie, newest first, `#HttpOnly_` before HttpOnly cookies, a dot
/// before domain cookies' domains, 0 for session cookies.
const CURL_WRITTEN: &str = "# Netscape HTTP Cookie File\n\
# https://curl.se/docs/http-cookies.html\n\
# This file was generated by libcurl! Edit at your own risk.\n\
\n\
#HttpOnly_.example.com\tTRUE\t/\tTRUE\t4102444800\tsession\ts3cr3t\n\
example.com\tFALSE\t/api\tFALSE\t0\tlang\ten\n\
.example.org\tTRUE\t/\tFALSE\t4102444800\ttheme\tdark\n\
127.0.0.1\tFALSE\t/\tFALSE\t0\tlocal\t1\n";

#[test]
fn a_file_written_by_curl_is_read() {
    let jar = CookieJar::new();
    assert_eq!(jar.load_netscape(CURL_WRITTEN.as_bytes()).unwrap(), 4);
    let session = jar.get(".example.com", "/", "session").unwrap();
    assert!(session.secure() && session.http_only() && !session.host_only());
    assert_eq!(session.expires(), Some(at(4_102_444_800)));
    let lang = jar.get("example.com", "/api", "lang").unwrap();
    assert!(lang.host_only());
    assert_eq!(lang.expires(), None);

    let now = SystemTime::now();
    assert_eq!(
        header_at(&jar, "https://www.example.com/", now).as_deref(),
        Some("session=s3cr3t")
    );
    assert_eq!(header_at(&jar, "http://www.example.com/api", now), None);
    assert_eq!(
        header_at(&jar, "http://example.com/api/v1", now).as_deref(),
        Some("lang=en")
    );
    assert_eq!(
        header_at(&jar, "http://www.example.org/", now).as_deref(),
        Some("theme=dark")
    );
    assert_eq!(
        header_at(&jar, "http://127.0.0.1:3000/", now).as_deref(),
        Some("local=1")
    );
}

#[test]
fn a_file_is_written_as_curl_writes_it() {
    let jar = CookieJar::new();
    jar.load_netscape(CURL_WRITTEN.as_bytes()).unwrap();
    let mut out = Vec::new();
    jar.save_netscape(&mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let expected = "# Netscape HTTP Cookie File\n\
# https://curl.se/docs/http-cookies.html\n\
# This file was generated by plainwire! Edit at your own risk.\n\
\n\
#HttpOnly_.example.com\tTRUE\t/\tTRUE\t4102444800\tsession\ts3cr3t\n\
example.com\tFALSE\t/api\tFALSE\t0\tlang\ten\n\
.example.org\tTRUE\t/\tFALSE\t4102444800\ttheme\tdark\n\
127.0.0.1\tFALSE\t/\tFALSE\t0\tlocal\t1\n";
    assert_eq!(out, expected);
}

#[test]
fn a_file_round_trip_keeps_every_saved_field() {
    let jar = CookieJar::new();
    let later = SystemTime::now() + Duration::from_secs(3600);
    let originals = [
        Cookie::new("host", "1", "example.com"),
        Cookie::new("domain", "2", ".example.com").with_path("/a/b"),
        Cookie::new("secure", "3", "example.com")
            .with_secure(true)
            .with_expires(later),
        Cookie::new("http", "4", "example.com").with_http_only(true),
        Cookie::new("", "nameless", "example.net"),
        Cookie::new("quoted", "\"a b, c\"", "example.net"),
        Cookie::new("empty", "", "example.net"),
        Cookie::new("utf8", "grüße", "example.net"),
    ];
    for cookie in originals.clone() {
        jar.insert(cookie).unwrap();
    }
    let mut file = Vec::new();
    jar.save_netscape(&mut file).unwrap();
    let back = CookieJar::new();
    assert_eq!(back.load_netscape(&file[..]).unwrap(), originals.len());
    let restored = back.cookies();
    for (original, restored) in originals.iter().zip(&restored) {
        assert_eq!(restored.name(), original.name());
        assert_eq!(restored.value(), original.value());
        assert_eq!(restored.domain(), original.domain());
        assert_eq!(restored.host_only(), original.host_only());
        assert_eq!(restored.path(), original.path());
        assert_eq!(restored.secure(), original.secure());
        assert_eq!(restored.http_only(), original.http_only());
        let whole_seconds =
            |t: Option<SystemTime>| t.map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
        assert_eq!(
            whole_seconds(restored.expires()),
            whole_seconds(original.expires())
        );
    }
}

#[test]
fn loading_skips_what_it_cannot_use_and_counts_the_rest() {
    let file = "# comment\n\
\n\
.com\tTRUE\t/\tFALSE\t0\tsuper\tcookie\n\
example.com\tFALSE\t/\tFALSE\t1\texpired\t1\n\
example.com\tFALSE\t/\tFALSE\t0\tbad;name\t1\n\
example.com\tFALSE\trelative\tFALSE\t0\tpath\t1\n\
__Host-x\n\
example.com\tFALSE\t/\tFALSE\t0\t__Host-x\t1\n\
garbage line\n\
example.com\tFALSE\t/\tFALSE\t0\tgood\t1\r\n\
example.com\tFALSE\t/\tFALSE\t0\talso-good\t2";
    let jar = CookieJar::new();
    assert_eq!(jar.load_netscape(file.as_bytes()).unwrap(), 2);
    let names: Vec<String> = jar.cookies().iter().map(|c| c.name().to_owned()).collect();
    assert_eq!(names, ["good", "also-good"]);
}

#[test]
fn loading_skips_overlong_and_non_utf8_lines() {
    let mut file = Vec::new();
    file.extend_from_slice(
        format!(
            "example.com\tFALSE\t/\tFALSE\t0\tbig\t{}\n",
            "v".repeat(9000)
        )
        .as_bytes(),
    );
    file.extend_from_slice(b"example.com\tFALSE\t/\tFALSE\t0\tlatin\t\xe9\n");
    file.extend_from_slice(b"example.com\tFALSE\t/\tFALSE\t0\tok\t1\n");
    let jar = CookieJar::new();
    // A reader that hands out a few bytes at a time, as a pipe might.
    let reader = std::io::BufReader::with_capacity(7, &file[..]);
    assert_eq!(jar.load_netscape(reader).unwrap(), 1);
    assert!(jar.get("example.com", "/", "ok").is_some());
}

#[test]
fn a_loaded_cookie_replaces_one_with_the_same_key() {
    let jar = CookieJar::new();
    jar.insert(Cookie::new("a", "old", "example.com")).unwrap();
    jar.load_netscape(&b"example.com\tFALSE\t/\tFALSE\t0\ta\tnew\n"[..])
        .unwrap();
    assert_eq!(jar.get("example.com", "/", "a").unwrap().value(), "new");
}

#[test]
fn save_file_and_load_file() {
    let dir = std::env::temp_dir().join(format!("plainwire-cookies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cookies.txt");
    let jar = CookieJar::new();
    jar.insert(Cookie::new("a", "1", "example.com")).unwrap();
    jar.save_file(&path).unwrap();
    jar.insert(Cookie::new("b", "2", "example.com")).unwrap();
    jar.save_file(&path).unwrap();

    let back = CookieJar::from_file(&path).unwrap();
    assert_eq!(back.len(), 2);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["cookies.txt"], "no temporary file is left");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let missing = CookieJar::from_file(dir.join("missing.txt")).unwrap_err();
    assert_eq!(missing.kind(), crate::ErrorKind::Io);
    assert!(missing.to_string().contains("missing.txt"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- Hostile input ---

/// Lines that have broken cookie parsers somewhere.
const TRICKY_LINES: &[&str] = &[
    "",
    ";",
    "=",
    "==",
    ";;;;",
    "=;=;=",
    " ",
    "\t",
    "a",
    "a=",
    "=a",
    "a=b;",
    "a=b;;",
    "a=b; =",
    "a=b; Expires",
    "a=b; Expires=",
    "a=b; Expires=;",
    "a=b; Max-Age",
    "a=b; Max-Age=-",
    "a=b; Max-Age=18446744073709551616",
    "a=b; Max-Age=-18446744073709551616",
    "a=b; Domain",
    "a=b; Domain=.",
    "a=b; Domain=..",
    "a=b; Domain=...example.com",
    "a=b; Domain=example.com.",
    "a=b; Domain=:",
    "a=b; Domain=[::1]",
    "a=b; Path",
    "a=b; Path=/;",
    "a=b; Path=//",
    "a=b; Path=/%00",
    "a=b; SameSite",
    "a=b; SameSite=",
    "a=b; Secure=",
    "a=b; Expires=Mon, 99 Jan 9999 99:99:99 GMT",
    "a=b; Expires=0:0:0 1 jan 70",
    "a=b; Expires=99999999:99:99",
    "a=b; Expires=:::::::::: ::::",
    "a=b; Expires=jan jan jan",
    "a=b; Expires=1 1 1 1:1:1",
    "ü=ö; Path=/ä",
    "\u{feff}a=b",
    "a=\u{202e}b",
    "__Host-",
    "__Secure-",
    "__Host-=x; Secure; Path=/",
    "=__Host-",
];

#[test]
fn no_tricky_line_panics_or_puts_a_bad_byte_in_the_header() {
    for from in [
        "http://example.com/a/b",
        "https://example.com/",
        "http://127.0.0.1/",
        "http://[::1]/x",
    ] {
        let jar = CookieJar::new();
        for line in TRICKY_LINES {
            let _ = set(&jar, from, line);
            let _ = jar.add(&url(from), line);
        }
        for to in [from, "https://example.com/a/b/c", "http://sub.example.com/"] {
            if let Some(value) = header(&jar, to) {
                assert!(
                    !value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0),
                    "{value:?}"
                );
            }
        }
        let mut file = Vec::new();
        jar.save_netscape(&mut file).unwrap();
        let back = CookieJar::new();
        assert_eq!(
            back.load_netscape(&file[..]).unwrap(),
            jar.cookies().len(),
            "{from}"
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes at all as a Set-Cookie line: no panic, and what is stored can go on the
        /// wire and into a file and back.
        #[test]
        fn any_set_cookie_line(line in proptest::collection::vec(any::<u8>(), 0..300), secure in any::<bool>()) {
            let jar = CookieJar::new();
            let from = if secure { "https://example.com/p/q" } else { "http://example.com/p/q" };
            jar.store_response_cookies_at(&url(from), [&line[..]], at(T0));
            if let Some(value) = header(&jar, from) {
                prop_assert!(!value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0));
            }
            let mut file = Vec::new();
            jar.save_netscape(&mut file).unwrap();
            let back = CookieJar::new();
            back.load_netscape(&file[..]).unwrap();
            prop_assert_eq!(back.len(), jar.cookies().len());
        }

        /// Lines made of the characters that matter to the parser.
        #[test]
        fn structured_set_cookie_line(line in "[a-zA-Z0-9=; ,.:/_\\-\t]{0,120}") {
            let jar = CookieJar::new();
            jar.store_response_cookies_at(&url("https://www.example.com/a/b"), [line.as_bytes()], at(T0));
            prop_assert!(jar.len() <= 1);
            let _ = header(&jar, "https://www.example.com/a/b");
        }

        /// Any text as an Expires date.
        #[test]
        fn any_cookie_date(date in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = super::super::date::parse_cookie_date(&date);
        }

        /// Any bytes as a cookie file.
        #[test]
        fn any_cookie_file(file in proptest::collection::vec(any::<u8>(), 0..600)) {
            let jar = CookieJar::new();
            jar.load_netscape(&file[..]).unwrap();
        }

        /// Lines of a cookie file built from its own field syntax.
        #[test]
        fn structured_cookie_file_line(line in "(#HttpOnly_)?\\.?[a-z.]{0,12}\t(TRUE|FALSE|x)\t/[a-z/]{0,6}\t(TRUE|FALSE)\t[0-9]{0,12}\t[a-zA-Z_;=-]{0,8}(\t[a-z ;=]{0,8})?") {
            let jar = CookieJar::new();
            jar.load_netscape(line.as_bytes()).unwrap();
            let _ = header(&jar, "https://a.example/");
        }
    }
}
