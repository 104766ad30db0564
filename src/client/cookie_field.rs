//! The Cookie field of one request: the agent's jar's cookies for the URL merged with the
//! request's own ([`RequestBuilder::cookie`](crate::RequestBuilder::cookie)). It decides which
//! go and in what order; it neither parses Set-Cookie nor writes the head.
//!
//! As requests merges `cookies=` with a session's cookies, a request's own cookie replaces the
//! jar's of the same name; as curl joins `-b 'a=1'` to a cookie file's, they travel in one
//! field, the jar's first. A request's own cookies are bound to the origin the call started
//! at, like every credential the caller gave: a redirect to another origin leaves them
//! behind, while the jar's follow their own domain rules.

use crate::error::{Error, ErrorKind, Result};
use crate::http1::write::not_a_name;

/// The value of the Cookie field, if any cookie goes: `jar` is the jar's field for this URL
/// (`a=1; b=2`), `own` the request's cookies, which go unless the call `left_origin`.
pub(crate) fn merge(
    jar: Option<String>,
    own: &[(String, String)],
    left_origin: bool,
) -> Option<String> {
    if own.is_empty() || left_origin {
        return jar;
    }
    let mut field = String::new();
    let replaced = |pair: &str| {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        own.iter().any(|(own, _)| own == name)
    };
    for pair in jar.iter().flat_map(|jar| jar.split("; ")) {
        if !replaced(pair) {
            field.push_str(pair);
            field.push_str("; ");
        }
    }
    for (name, value) in own {
        // A cookie without a name is its value alone (RFC 6265bis section 5.8.3 step 4).
        if !name.is_empty() {
            field.push_str(name);
            field.push('=');
        }
        field.push_str(value);
        field.push_str("; ");
    }
    field.truncate(field.len() - 2);
    Some(field)
}

/// Checks a cookie a caller gives a request, so that one cookie cannot become two or end the
/// field: the name without `=`, `;`, white space or control characters; the value without `;`
/// or control characters. Browsers send back what servers set, spaces and commas included,
/// which RFC 6265 section 4.1.1 asks servers not to use; so, as curl's `-b`, this refuses only
/// what would break the field. A cookie without a name (`Set-Cookie: token`, sent back as
/// `token`) is allowed, unless its value holds `=`, which a server would read as a name.
pub(crate) fn check(name: &str, value: &str) -> Result<()> {
    let breaks = |b: u8| b == b';' || b.is_ascii_control();
    let in_name = |b: u8| !(breaks(b) || b == b'=' || b == b' ');
    if !name.bytes().all(in_name) {
        // `sid=s3cret` given as a name: only what comes before the '=' is quoted.
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            not_a_name("cookie name", name, in_name),
        ));
    }
    if name.is_empty() && (value.is_empty() || value.contains('=')) {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            "a cookie without a name needs a value without '='",
        ));
    }
    if value.bytes().any(breaks) {
        // The value may be a secret: it is not quoted.
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("the value of cookie {name:?} holds a ';' or a control character"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_jars_cookies_come_first_then_the_requests() {
        let field = merge(Some("r=1; s=2".into()), &own(&[("sid", "abc")]), false);
        assert_eq!(field.as_deref(), Some("r=1; s=2; sid=abc"));
    }

    #[test]
    fn a_requests_cookie_replaces_the_jars_of_the_same_name() {
        let field = merge(Some("sid=old; r=1".into()), &own(&[("sid", "new")]), false);
        assert_eq!(field.as_deref(), Some("r=1; sid=new"));
    }

    #[test]
    fn a_cookie_without_a_name_goes_as_its_value() {
        let field = merge(Some("r=1".into()), &own(&[("", "flag"), ("a", "")]), false);
        assert_eq!(field.as_deref(), Some("r=1; flag; a="));
    }

    #[test]
    fn without_a_jar_the_requests_cookies_go_alone() {
        let field = merge(None, &own(&[("a", "1"), ("b", "2")]), false);
        assert_eq!(field.as_deref(), Some("a=1; b=2"));
    }

    #[test]
    fn a_redirect_to_another_origin_leaves_the_requests_cookies_behind() {
        assert_eq!(merge(None, &own(&[("a", "1")]), true), None);
        let field = merge(Some("r=1".into()), &own(&[("a", "1")]), true);
        assert_eq!(field.as_deref(), Some("r=1"));
    }

    #[test]
    fn a_bad_cookie_name_is_quoted_only_up_to_its_first_bad_byte() {
        let err = check("sid=s3cret", "").unwrap_err();
        assert_eq!(
            err.message(),
            "not a valid cookie name: '=' after \"sid\" (the rest is not shown)"
        );
    }

    #[test]
    fn names_and_values_that_would_split_a_cookie_are_refused() {
        assert!(check("sid", "abc").is_ok());
        assert!(check("sid", "\"quoted\"").is_ok());
        assert!(check("sid", "").is_ok());
        // A cookie without a name is its value; one with '=' in it would be read as a name.
        assert!(check("", "token").is_ok());
        assert!(check("", "a=b").is_err());
        assert!(check("", "").is_err());
        assert!(check("a=b", "x").is_err());
        assert!(check("a b", "x").is_err());
        assert!(check("sid", "a; admin=1").is_err());
        assert!(check("sid", "a\r\nX: y").is_err());
        // What servers set and browsers send back, though RFC 6265 advises against it.
        assert!(check("sid", "a,b c").is_ok());
    }

    #[test]
    fn a_refused_value_is_not_quoted_in_the_error() {
        let err = check("sid", "s3cret;value").unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }
}
