//! `Url::parse`, `Url::join` against fixed bases, and the round trip
//! `Url::parse(url.as_str()) == url` (without its credentials, which `as_str` never shows).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainwire::{HostKind, Url};

const BASES: [&str; 3] = [
    "http://user:pw@example.com:8080/a/b/c?q=1",
    "https://[2001:db8::1]/",
    "http://10.0.0.1/dir/file.html",
];

/// Everything a parsed URL promises, and its round trip.
fn check(url: &Url) {
    let s = url.as_str();
    assert!(
        !s.bytes().any(|b| b <= b' ' || b >= 0x7f),
        "the serialization holds a space, control or non-ASCII byte: {s:?}"
    );
    assert!(!s.contains('#'), "a fragment survived: {s:?}");
    assert!(url.path().starts_with('/'), "{s:?}");
    assert!(s.ends_with(url.path_and_query()), "{s:?}");
    assert_eq!(
        url.path_and_query(),
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    );
    assert!(url.port() != 0);
    assert!(!url.host().is_empty());
    let _ = url.host_header();
    let _ = url.authority();
    if url.host_kind() == HostKind::Domain {
        assert!(!url.host().bytes().any(|b| b.is_ascii_uppercase()), "{s:?}");
    }
    let again = match Url::parse(s) {
        Ok(again) => again,
        Err(err) => panic!("{s:?} does not parse again: {err}"),
    };
    assert_eq!(again, url.without_credentials(), "round trip of {s:?}");
    assert_eq!(again.as_str(), s);
    let _ = url.same_origin(&again);
    let mut with_pair = url.clone();
    with_pair.append_query_pair("k y", "v&=\u{e9}");
    let _ = Url::parse(with_pair.as_str()).expect("a URL with an appended pair parses");
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(url) = Url::parse(input) {
        check(&url);
        if let Ok(joined) = url.join("../x/./y?z#f") {
            check(&joined);
        }
    }
    for base in BASES {
        let base = Url::parse(base).unwrap();
        if let Ok(joined) = base.join(input) {
            check(&joined);
        }
    }
});
