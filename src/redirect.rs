//! What a redirect does to the next request: its method, its body, and its credentials.
//!
//! The rules are those of RFC 9110 section 15.4 as browsers, curl and requests apply them:
//! 301 and 302 turn a POST into a GET without a body (a historical change the RFC allows);
//! 303 turns anything but HEAD into a GET; 307 and 308 repeat the request exactly, which needs
//! a body that can be sent again.

use crate::url::Url;

/// The header fields that carry credentials: dropped when a redirect leaves the origin, so a
/// server cannot harvest them by redirecting elsewhere.
pub const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "cookie", "proxy-authorization"];

/// The header fields that describe a body: dropped when a redirect drops the body.
pub const BODY_HEADERS: [&str; 4] = [
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
];

/// Whether `status` is a redirect we follow.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The next request's method after a redirect with `status`, and whether it keeps the body.
pub fn next_method(status: u16, method: &str) -> (String, bool) {
    match status {
        301 | 302 if method == "POST" => ("GET".to_string(), false),
        303 if method != "HEAD" => ("GET".to_string(), false),
        303 => ("HEAD".to_string(), false),
        _ => (method.to_string(), true),
    }
}

/// A Location value with its spaces percent-encoded. RFC 3986 has no room for a raw space in
/// a URI, but servers send them; curl and browsers encode them rather than give up.
pub fn encode_spaces(location: &str) -> std::borrow::Cow<'_, str> {
    if location.contains(' ') {
        location.replace(' ', "%20").into()
    } else {
        location.into()
    }
}

/// Whether moving from `from` to `to` leaves the origin, so credentials must be dropped.
pub fn leaves_origin(from: &Url, to: &Url) -> bool {
    !from.same_origin(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_becomes_get_on_301_302_303() {
        for status in [301, 302, 303] {
            assert_eq!(next_method(status, "POST"), ("GET".to_string(), false));
        }
    }

    #[test]
    fn put_is_kept_on_301_and_302_but_not_303() {
        assert_eq!(next_method(302, "PUT"), ("PUT".to_string(), true));
        assert_eq!(next_method(303, "PUT"), ("GET".to_string(), false));
    }

    #[test]
    fn spaces_in_a_location_are_encoded() {
        assert_eq!(encode_spaces("/a b/c d"), "/a%20b/c%20d");
        assert_eq!(encode_spaces("/plain"), "/plain");
    }

    #[test]
    fn head_stays_head() {
        for status in [301, 302, 303, 307, 308] {
            assert_eq!(next_method(status, "HEAD").0, "HEAD");
        }
    }

    #[test]
    fn temporary_and_permanent_redirects_keep_method_and_body() {
        assert_eq!(next_method(307, "POST"), ("POST".to_string(), true));
        assert_eq!(next_method(308, "PATCH"), ("PATCH".to_string(), true));
    }
}
