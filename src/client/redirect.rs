//! Whether a response sends the call elsewhere, and what the next request looks like: a pure
//! decision ([`next`]) that the call loop carries out. No I/O, no state.
//!
//! The rules are those of RFC 9110 section 15.4 as browsers, curl and requests apply them:
//! 301 and 302 turn a POST into a GET without a body (a historical change the RFC allows);
//! 303 turns anything but HEAD into a GET; 307 and 308 repeat the request exactly, which needs
//! a body that can be sent again. A redirect from https to http is refused unless allowed, and
//! one that leaves the origin takes no credentials along.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind};
use crate::http1::headers::{Headers, Known};
use crate::url::{Scheme, Url};

/// The header fields that describe a body: dropped when a redirect drops the body.
pub(crate) const BODY_HEADERS: [&str; 4] = [
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
];

/// What the agent allows of redirects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// The most redirects followed; 0 returns every redirect as the response.
    pub(crate) max_redirects: u32,
    /// Whether a redirect may lead from https to http.
    pub(crate) allow_https_to_http: bool,
    /// The rules a caller may change (curl's `--post30x`, `--location-trusted`,
    /// `--proto-redir`, `--referer ';auto'`).
    pub(crate) rules: RedirectRules,
}

/// What a caller may change of how redirects are followed; the defaults are the safe and
/// common ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RedirectRules {
    /// Whether a POST stays a POST, body and all, after a 301, a 302, a 303 (curl's
    /// `--post301`, `--post302`, `--post303`). Default: none, as browsers.
    pub(crate) keep_post: [bool; 3],
    /// Whether credentials follow a redirect to another origin (curl's `--location-trusted`).
    /// Default: false.
    pub(crate) keep_credentials: bool,
    /// Whether each redirected request says where it came from in `Referer` (curl's
    /// `--referer ';auto'`). Default: false.
    pub(crate) auto_referer: bool,
    /// Which schemes a redirect may lead to (curl's `--proto-redir`): `[http, https]`.
    pub(crate) schemes: [bool; 2],
}

impl Default for RedirectRules {
    fn default() -> RedirectRules {
        RedirectRules {
            keep_post: [false; 3],
            keep_credentials: false,
            auto_referer: false,
            schemes: [true, true],
        }
    }
}

/// The request a response has just answered, as far as a redirect cares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answered<'a> {
    pub(crate) url: &'a Url,
    pub(crate) method: &'a str,
    /// Whether the body (if any) can be sent again.
    pub(crate) body_replayable: bool,
    /// Redirects followed so far in this call.
    pub(crate) followed: u32,
}

/// What to do with a response.
#[derive(Debug)]
pub(crate) enum Redirect {
    /// It is the answer: not a redirect we follow, or one we must leave to the caller.
    Return,
    /// Send the next request.
    Follow(NextHop),
    /// A redirect we must not follow; the error says why.
    Refuse(Error),
}

/// The next request of a redirect chain.
#[derive(Debug)]
pub(crate) struct NextHop {
    pub(crate) url: Url,
    pub(crate) method: String,
    /// Whether the body and its header fields go along (307, 308) or are dropped.
    pub(crate) keep_body: bool,
    /// Whether the next URL is of another origin, so that credentials stay behind (never
    /// set when the caller trusts redirects with them).
    pub(crate) leaves_origin: bool,
    /// The `Referer` to send, when the caller asked for one on redirects.
    pub(crate) referer: Option<String>,
}

/// One redirect of a call: the URL that answered with it, its status and its `Location`, as
/// [`Response::history`](crate::Response::history) and
/// [`Error::redirects`](crate::Error::redirects) list them.
///
/// Plain data, not a `Response` as in requests' `r.history`: a redirect's body is read off
/// (so that its connection can carry the next request) before the next request goes out, so
/// there is nothing left to read; what is kept is what a caller asks of a hop, and the history
/// stays cheap to keep, `Clone`, `Send` and `Sync`.
///
/// ```no_run
/// let resp = plainwire::get("http://example.com/old").send()?;
/// for hop in resp.history() {
///     println!("{} {} -> {}", hop.status(), hop.url(), hop.location());
/// }
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectHop {
    url: Url,
    status: u16,
    location: String,
}

impl RedirectHop {
    /// The hop that `url` answered with `status` and `location`; credentials left out of both.
    pub(crate) fn new(url: &Url, status: u16, location: &str) -> RedirectHop {
        RedirectHop {
            url: url.without_credentials(),
            status,
            location: without_userinfo(location).into_owned(),
        }
    }

    /// The URL that answered with the redirect (without credentials).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirect's status: 301, 302, 303, 307 or 308.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Location` field as the server sent it (often relative to [`RedirectHop::url`]),
    /// with any userinfo (`user:password@`) removed.
    pub fn location(&self) -> &str {
        &self.location
    }
}

/// A URI reference without the userinfo of its authority: `http://u:p@h/x` is `http://h/x`.
/// A reference without an authority (`/x`, `x?y`) is returned as it is.
fn without_userinfo(reference: &str) -> Cow<'_, str> {
    let scheme_end = reference
        .find(':')
        .filter(|&colon| !reference[..colon].contains(['/', '?', '#']));
    let after_scheme = scheme_end.map_or(0, |colon| colon + 1);
    if !reference[after_scheme..].starts_with("//") {
        return reference.into();
    }
    let authority_start = after_scheme + 2;
    let authority_end = reference[authority_start..]
        .find(['/', '?', '#'])
        .map_or(reference.len(), |end| authority_start + end);
    match reference[authority_start..authority_end].rfind('@') {
        Some(at) => {
            let mut cleaned = String::with_capacity(reference.len());
            cleaned.push_str(&reference[..authority_start]);
            cleaned.push_str(&reference[authority_start + at + 1..]);
            cleaned.into()
        }
        None => reference.into(),
    }
}

/// Decides what a response with `status` and `location` means for the request it answered.
pub(crate) fn next(
    status: u16,
    location: Option<&str>,
    answered: Answered<'_>,
    policy: Policy,
) -> Redirect {
    if policy.max_redirects == 0 || !is_redirect(status) {
        return Redirect::Return;
    }
    let Some(location) = location else {
        return Redirect::Return;
    };
    let (method, keep_body) = next_method(status, answered.method, policy.rules.keep_post);
    if keep_body && !answered.body_replayable {
        // A streamed body is gone; the redirect is the caller's to handle.
        return Redirect::Return;
    }
    let url = answered.url;
    if answered.followed >= policy.max_redirects {
        return Redirect::Refuse(Error::new(
            ErrorKind::TooManyRedirects,
            format!("stopped after {} redirects, at {url}", answered.followed),
        ));
    }
    let next = match resolve(url, location) {
        Ok(next) => next,
        Err(e) => {
            return Redirect::Refuse(
                e.context(format!("the redirect from {url} has an unusable Location")),
            )
        }
    };
    if url.scheme() == Scheme::Https && next.scheme() == Scheme::Http && !policy.allow_https_to_http
    {
        return Redirect::Refuse(Error::new(
            ErrorKind::InsecureRedirect,
            format!("refused to follow a redirect from {url} to the unencrypted {next}"),
        ));
    }
    let allowed = match next.scheme() {
        Scheme::Http => policy.rules.schemes[0],
        Scheme::Https => policy.rules.schemes[1],
    };
    if !allowed {
        return Redirect::Refuse(Error::new(
            ErrorKind::UnsupportedScheme,
            format!(
                "refused to follow a redirect from {url} to {next}: {} redirects are not allowed",
                next.scheme().as_str()
            ),
        ));
    }
    // Trusting redirects with credentials never extends to sending them unencrypted.
    let downgrade = url.scheme() == Scheme::Https && next.scheme() == Scheme::Http;
    let leaves_origin = !url.same_origin(&next) && (!policy.rules.keep_credentials || downgrade);
    let referer =
        (policy.rules.auto_referer).then(|| url.without_credentials().as_str().to_string());
    Redirect::Follow(NextHop {
        url: next,
        method,
        keep_body,
        leaves_origin,
        referer,
    })
}

/// Whether `status` is a redirect we follow (RFC 9110 section 15.4).
pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The next request's method after a redirect with `status`, and whether it keeps the body.
fn next_method(status: u16, method: &str, keep_post: [bool; 3]) -> (String, bool) {
    let keeps_post = |index: usize| method == "POST" && keep_post[index];
    match status {
        301 if keeps_post(0) => (method.to_string(), true),
        302 if keeps_post(1) => (method.to_string(), true),
        303 if keeps_post(2) => (method.to_string(), true),
        301 | 302 if method == "POST" => ("GET".to_string(), false),
        303 if method != "HEAD" => ("GET".to_string(), false),
        303 => ("HEAD".to_string(), false),
        _ => (method.to_string(), true),
    }
}

/// The first `Location` of `headers` as text, its bytes that are not ASCII percent-encoded
/// when they are not UTF-8 (a Latin-1 path): curl and browsers follow such a redirect, where
/// reading the field only as UTF-8 left it unfollowed without a word. UTF-8 is left to
/// [`Url::join`], which encodes it the same way.
pub(crate) fn location(headers: &Headers) -> Option<Cow<'_, str>> {
    let value = headers.all_known(Known::Location).next()?;
    Some(match std::str::from_utf8(value) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => crate::url::percent_encode_non_ascii(value),
    })
}

/// The URL a `Location` value names, resolved against `base` as a redirect is followed: the
/// value trimmed of ASCII white space only, its spaces encoded. A Unicode space (U+00A0,
/// U+3000) is part of the reference, as `Url::join`, curl and browsers read it: trimmed,
/// `"\u{a0}//evil.test/"` would become a reference to another host.
pub(crate) fn resolve(base: &Url, location: &str) -> crate::error::Result<Url> {
    base.join(&encode_spaces(
        location.trim_matches(|c: char| c.is_ascii_whitespace()),
    ))
}

/// A Location value with its spaces percent-encoded. RFC 3986 has no room for a raw space in
/// a URI, but servers send them; curl and browsers encode them rather than give up.
fn encode_spaces(location: &str) -> Cow<'_, str> {
    if location.contains(' ') {
        location.replace(' ', "%20").into()
    } else {
        location.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        max_redirects: 10,
        allow_https_to_http: false,
        rules: RedirectRules {
            keep_post: [false; 3],
            keep_credentials: false,
            auto_referer: false,
            schemes: [true, true],
        },
    };

    fn decide(status: u16, location: &str, from: &str, method: &str) -> Redirect {
        let url = Url::parse(from).unwrap();
        let answered = Answered {
            url: &url,
            method,
            body_replayable: true,
            followed: 0,
        };
        next(status, Some(location), answered, POLICY)
    }

    fn follow(status: u16, location: &str, from: &str, method: &str) -> NextHop {
        match decide(status, location, from, method) {
            Redirect::Follow(hop) => hop,
            other => panic!("expected Follow, got {other:?}"),
        }
    }

    #[test]
    fn post_becomes_get_on_301_302_303() {
        for status in [301, 302, 303] {
            assert_eq!(
                next_method(status, "POST", [false; 3]),
                ("GET".to_string(), false)
            );
        }
    }

    #[test]
    fn put_is_kept_on_301_and_302_but_not_303() {
        assert_eq!(
            next_method(302, "PUT", [false; 3]),
            ("PUT".to_string(), true)
        );
        assert_eq!(
            next_method(303, "PUT", [false; 3]),
            ("GET".to_string(), false)
        );
    }

    #[test]
    fn spaces_in_a_location_are_encoded() {
        assert_eq!(encode_spaces("/a b/c d"), "/a%20b/c%20d");
        assert_eq!(encode_spaces("/plain"), "/plain");
        assert_eq!(follow(302, "/a b", "http://h/", "GET").url.path(), "/a%20b");
    }

    #[test]
    fn a_post_may_stay_a_post_on_each_of_301_302_303() {
        assert_eq!(
            next_method(302, "POST", [false, true, false]),
            ("POST".to_string(), true)
        );
        assert_eq!(
            next_method(301, "POST", [false, true, false]),
            ("GET".to_string(), false)
        );
        assert_eq!(
            next_method(303, "POST", [false, false, true]),
            ("POST".to_string(), true)
        );
    }

    #[test]
    fn a_scheme_left_out_of_the_allowed_ones_is_refused() {
        let url = Url::parse("http://h/").unwrap();
        let answered = Answered {
            url: &url,
            method: "GET",
            body_replayable: true,
            followed: 0,
        };
        let https_only = Policy {
            rules: RedirectRules {
                schemes: [false, true],
                ..POLICY.rules
            },
            ..POLICY
        };
        assert!(matches!(
            next(302, Some("http://other/"), answered, https_only),
            Redirect::Refuse(e) if e.kind() == ErrorKind::UnsupportedScheme
        ));
        assert!(matches!(
            next(302, Some("https://other/"), answered, https_only),
            Redirect::Follow(_)
        ));
    }

    #[test]
    fn trusted_redirects_keep_credentials_and_auto_referer_names_the_last_url() {
        let url = Url::parse("http://user:pw@h/from?q=1").unwrap();
        let answered = Answered {
            url: &url,
            method: "GET",
            body_replayable: true,
            followed: 0,
        };
        let trusting = Policy {
            rules: RedirectRules {
                keep_credentials: true,
                auto_referer: true,
                ..POLICY.rules
            },
            ..POLICY
        };
        let Redirect::Follow(hop) = next(302, Some("http://other/"), answered, trusting) else {
            panic!("followed")
        };
        assert!(!hop.leaves_origin);
        assert_eq!(hop.referer.as_deref(), Some("http://h/from?q=1"));
    }

    #[test]
    fn trusted_redirects_drop_credentials_from_https_to_http() {
        let url = Url::parse("https://h/").unwrap();
        let answered = Answered {
            url: &url,
            method: "GET",
            body_replayable: true,
            followed: 0,
        };
        let trusting_and_lax = Policy {
            allow_https_to_http: true,
            rules: RedirectRules {
                keep_credentials: true,
                ..POLICY.rules
            },
            ..POLICY
        };
        let follow = |to| match next(302, Some(to), answered, trusting_and_lax) {
            Redirect::Follow(hop) => hop,
            _ => panic!("followed"),
        };
        assert!(follow("http://h/").leaves_origin);
        assert!(!follow("https://other/").leaves_origin);
    }

    #[test]
    fn head_stays_head() {
        for status in [301, 302, 303, 307, 308] {
            assert_eq!(next_method(status, "HEAD", [false; 3]).0, "HEAD");
        }
    }

    #[test]
    fn temporary_and_permanent_redirects_keep_method_and_body() {
        assert_eq!(
            next_method(307, "POST", [false; 3]),
            ("POST".to_string(), true)
        );
        assert_eq!(
            next_method(308, "PATCH", [false; 3]),
            ("PATCH".to_string(), true)
        );
    }

    #[test]
    fn a_streamed_body_leaves_a_307_to_the_caller() {
        let url = Url::parse("http://h/").unwrap();
        let answered = Answered {
            url: &url,
            method: "PUT",
            body_replayable: false,
            followed: 0,
        };
        assert!(matches!(
            next(307, Some("/b"), answered, POLICY),
            Redirect::Return
        ));
        // A 303 drops the body anyway, so it is followed.
        assert!(matches!(
            next(303, Some("/b"), answered, POLICY),
            Redirect::Follow(_)
        ));
    }

    #[test]
    fn leaving_the_origin_is_noticed() {
        assert!(!follow(302, "/b", "http://h/a", "GET").leaves_origin);
        assert!(follow(302, "http://other/b", "http://h/a", "GET").leaves_origin);
        assert!(follow(302, "http://h:8080/b", "http://h/a", "GET").leaves_origin);
        assert!(follow(302, "https://h/b", "http://h/a", "GET").leaves_origin);
    }

    #[test]
    fn https_to_http_is_refused() {
        let refused = decide(302, "http://h/", "https://h/", "GET");
        assert!(
            matches!(&refused, Redirect::Refuse(e) if e.kind() == ErrorKind::InsecureRedirect),
            "{refused:?}"
        );
    }

    #[test]
    fn the_limit_is_an_error_and_zero_turns_redirects_off() {
        let url = Url::parse("http://h/").unwrap();
        let answered = Answered {
            url: &url,
            method: "GET",
            body_replayable: true,
            followed: 10,
        };
        assert!(matches!(
            next(302, Some("/"), answered, POLICY),
            Redirect::Refuse(e) if e.kind() == ErrorKind::TooManyRedirects
        ));
        let off = Policy {
            max_redirects: 0,
            ..POLICY
        };
        assert!(matches!(
            next(
                302,
                Some("/"),
                Answered {
                    followed: 0,
                    ..answered
                },
                off
            ),
            Redirect::Return
        ));
    }

    #[test]
    fn a_hop_keeps_no_userinfo() {
        let url = Url::parse("http://user:secret@h/a").unwrap();
        let hop = RedirectHop::new(&url, 302, "http://u:p@other:81/b?c#d");
        assert_eq!(hop.url().as_str(), "http://h/a");
        assert_eq!(hop.url().password(), None);
        assert_eq!(hop.location(), "http://other:81/b?c#d");
        assert!(!format!("{hop:?}").contains("secret"));
    }

    #[test]
    fn userinfo_is_removed_from_every_form_of_reference() {
        assert_eq!(without_userinfo("//u:p@h/x"), "//h/x");
        assert_eq!(without_userinfo("https://a@b@h?q=@"), "https://h?q=@");
        assert_eq!(without_userinfo("/path/with@sign"), "/path/with@sign");
        assert_eq!(without_userinfo("rel?x=http://u:p@h"), "rel?x=http://u:p@h");
        assert_eq!(without_userinfo("http://h/x@y"), "http://h/x@y");
        assert_eq!(without_userinfo(""), "");
    }

    #[test]
    fn no_location_or_no_redirect_status_is_the_answer() {
        let url = Url::parse("http://h/").unwrap();
        let answered = Answered {
            url: &url,
            method: "GET",
            body_replayable: true,
            followed: 0,
        };
        assert!(matches!(
            next(302, None, answered, POLICY),
            Redirect::Return
        ));
        assert!(matches!(
            next(200, Some("/x"), answered, POLICY),
            Redirect::Return
        ));
        assert!(matches!(
            next(304, Some("/x"), answered, POLICY),
            Redirect::Return
        ));
    }
}
