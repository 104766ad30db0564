//! The parsers of header values and files that a server (or a file of the user's) feeds
//! plainwire, each fed the same bytes: Set-Cookie into a jar and the Cookie header back,
//! curl's cookie file, Link, Content-Range, HTTP-date, Retry-After, WWW-Authenticate
//! challenges, `.netrc`, NO_PROXY. Checks, beyond "no panic": a Cookie header holds no CR, LF
//! or NUL; a Content-Range read back prints as it parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainwire::http1::content_range::ContentRange;
use plainwire::http1::link::Links;
use plainwire::{CookieJar, Url};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    let url = Url::parse("https://www.example.com/a/b").unwrap();
    let jar = CookieJar::new();
    jar.store_response_cookies(&url, data.split(|&b| b == b'\n'));
    if let Some(header) = jar.cookie_header(&url) {
        assert!(
            !header.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0),
            "{header:?}"
        );
    }
    let _ = jar.load_netscape(data);
    let mut saved = Vec::new();
    let _ = jar.save_netscape(&mut saved);

    let links = Links::parse(text.split('\n'));
    for link in links.iter() {
        let _ = (link.uri_reference(), link.rel());
    }

    if let Some(range) = ContentRange::parse(&text) {
        assert_eq!(ContentRange::parse(&range.to_string()), Some(range));
    }
    let _ = plainwire::http1::date::parse(&text, std::time::SystemTime::UNIX_EPOCH);
    let _ = plainwire::fuzz_entry::retry_after(&text);
    let _ = plainwire::fuzz_entry::challenges(&text);
    let _ = plainwire::fuzz_entry::netrc(&text);
    let _ = plainwire::fuzz_entry::no_proxy(&text, "www.example.com", 443);
});
