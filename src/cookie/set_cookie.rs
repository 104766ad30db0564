//! Parsing one Set-Cookie field value by RFC 6265bis section 5.6, into a name, a value and the
//! attributes the storage model reads; it decides nothing about the request the line came with
//! (that is section 5.7, in the store).
//!
//! The algorithm is the RFC's, step for step: cut at the first `;`, split the name from the
//! value at the first `=` (no `=` makes a nameless cookie), trim spaces and tabs, then read each
//! `;`-separated attribute. Unknown attributes are ignored, and so is an attribute whose value
//! is longer than [`MAX_ATTRIBUTE_VALUE_BYTES`]; when an attribute is given twice, the last one
//! counts. Nothing is percent-decoded or unquoted.
//!
//! On top of the RFC, the line must be UTF-8 (the jar keeps text) and the name, value and path
//! must not hold a tab (the cookie file format could not store it).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::cookie::{has_forbidden_control, SameSite};
use super::date::parse_cookie_date;
use super::limits::{MAX_ATTRIBUTE_VALUE_BYTES, MAX_LIFETIME, MAX_NAME_VALUE_BYTES};
use super::refusal::Refusal;

/// What a Set-Cookie line says, once parsed: "the user agent receives a cookie" with these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SetCookie {
    pub(crate) name: String,
    pub(crate) value: String,
    /// From the last valid Max-Age attribute if there is one, else the last valid Expires
    /// (RFC 6265bis 5.7 step 6), both cut to [`MAX_LIFETIME`]; `None` for a session cookie.
    pub(crate) expires: Option<SystemTime>,
    /// The last Domain attribute, lowercased, without a leading dot; possibly empty.
    pub(crate) domain: Option<String>,
    /// The last Path attribute's value if it starts with `/`; `None` if there was no Path
    /// attribute or the last one asks for the default path.
    pub(crate) path: Option<String>,
    /// Whether there was a Path attribute at all (the `__Host-` prefix asks for one).
    pub(crate) has_path_attribute: bool,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    /// The last SameSite attribute if its value is Strict, Lax or None (any other value is the
    /// RFC's "Default", which is `None` here).
    pub(crate) same_site: Option<SameSite>,
}

/// Parses a Set-Cookie field value received at `now` (for Max-Age), or says why the whole line
/// is ignored.
pub(crate) fn parse_set_cookie(line: &[u8], now: SystemTime) -> Result<SetCookie, Refusal> {
    // Step 1: a control character other than HTAB anywhere ignores the line.
    if line
        .iter()
        .any(|&b| matches!(b, 0x00..=0x08 | 0x0A..=0x1F | 0x7F))
    {
        return Err(Refusal::ControlCharacter);
    }
    let line = std::str::from_utf8(line).map_err(|_| Refusal::NotUtf8)?;

    // Step 2: the name-value-pair runs to the first ';'.
    let (pair, mut unparsed_attributes) = match line.find(';') {
        Some(semicolon) => line.split_at(semicolon),
        None => (line, ""),
    };
    // Step 3: no '=' means an empty name and the whole pair as the value.
    let (name, value) = pair.split_once('=').unwrap_or(("", pair));
    // Step 4.
    let (name, value) = (trim_wsp(name), trim_wsp(value));
    // Step 5.
    if name.len() + value.len() > MAX_NAME_VALUE_BYTES {
        return Err(Refusal::TooLarge);
    }
    if name.contains('\t') || value.contains('\t') {
        return Err(Refusal::Tab);
    }
    debug_assert!(!has_forbidden_control(name) && !has_forbidden_control(value));

    let mut cookie = SetCookie {
        name: name.to_owned(),
        value: value.to_owned(),
        expires: None,
        domain: None,
        path: None,
        has_path_attribute: false,
        secure: false,
        http_only: false,
        same_site: None,
    };
    let mut max_age: Option<SystemTime> = None;
    let mut expires: Option<SystemTime> = None;

    // The attributes: each ';' starts one, up to the next ';'.
    while let Some(rest) = unparsed_attributes.strip_prefix(';') {
        let (cookie_av, remaining) = match rest.find(';') {
            Some(semicolon) => rest.split_at(semicolon),
            None => (rest, ""),
        };
        unparsed_attributes = remaining;
        let (attribute_name, attribute_value) =
            cookie_av.split_once('=').unwrap_or((cookie_av, ""));
        let (attribute_name, attribute_value) =
            (trim_wsp(attribute_name), trim_wsp(attribute_value));
        if attribute_value.len() > MAX_ATTRIBUTE_VALUE_BYTES {
            continue;
        }
        let is = |known: &str| attribute_name.eq_ignore_ascii_case(known);
        if is("Expires") {
            // 5.6.1: an unparseable date ignores the attribute.
            if let Some(seconds) = parse_cookie_date(attribute_value.as_bytes()) {
                expires = Some(cap_lifetime(time_from_unix(seconds), now));
            }
        } else if is("Max-Age") {
            if let Some(expiry) = parse_max_age(attribute_value, now) {
                max_age = Some(expiry);
            }
        } else if is("Domain") {
            // 5.6.3: an empty value is ignored, so an earlier Domain stands; otherwise drop one
            // leading '.' and lowercase. (5.7 checks the rest.)
            if !attribute_value.is_empty() {
                let domain = attribute_value.strip_prefix('.').unwrap_or(attribute_value);
                cookie.domain = Some(domain.to_ascii_lowercase());
            }
        } else if is("Path") {
            // 5.6.4: an empty value or one not starting with '/' means the default path.
            if attribute_value.contains('\t') {
                return Err(Refusal::Tab);
            }
            cookie.has_path_attribute = true;
            cookie.path = attribute_value
                .starts_with('/')
                .then(|| attribute_value.to_owned());
        } else if is("Secure") {
            cookie.secure = true;
        } else if is("HttpOnly") {
            cookie.http_only = true;
        } else if is("SameSite") {
            let value = |known: &str| attribute_value.eq_ignore_ascii_case(known);
            cookie.same_site = if value("None") {
                Some(SameSite::None)
            } else if value("Strict") {
                Some(SameSite::Strict)
            } else if value("Lax") {
                Some(SameSite::Lax)
            } else {
                None
            };
        }
    }
    // 5.7 step 6: Max-Age wins over Expires, wherever each stands in the line.
    cookie.expires = max_age.or(expires);
    Ok(cookie)
}

/// The Max-Age attribute (RFC 6265bis 5.6.2): an optional `-` and digits only. Zero or less
/// expires the cookie at once (the earliest representable time, here the Unix epoch); a larger
/// value is cut to [`MAX_LIFETIME`].
fn parse_max_age(value: &str, now: SystemTime) -> Option<SystemTime> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Any run of digits is valid; only whether it is zero and whether it exceeds the cap
    // matter, so saturating arithmetic is exact here.
    let seconds = digits.bytes().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    if negative || seconds == 0 {
        return Some(UNIX_EPOCH);
    }
    let lifetime = Duration::from_secs(seconds).min(MAX_LIFETIME);
    Some(now.checked_add(lifetime).unwrap_or(now))
}

/// Seconds since the Unix epoch as a time; a time before the epoch becomes the epoch, the
/// earliest the jar represents (RFC 6265bis 5.6.1 step 5 allows this). Such a cookie is expired.
fn time_from_unix(seconds: i64) -> SystemTime {
    u64::try_from(seconds).map_or(UNIX_EPOCH, |secs| UNIX_EPOCH + Duration::from_secs(secs))
}

/// An Expires time no later than [`MAX_LIFETIME`] after `now` (RFC 6265bis 5.5).
fn cap_lifetime(expires: SystemTime, now: SystemTime) -> SystemTime {
    match now.checked_add(MAX_LIFETIME) {
        Some(limit) if expires > limit => limit,
        _ => expires,
    }
}

/// Removes leading and trailing WSP (space and horizontal tab), and nothing else.
fn trim_wsp(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_SECS: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW_SECS)
    }

    fn parse(line: &str) -> SetCookie {
        parse_set_cookie(line.as_bytes(), now()).expect("parses")
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn name_and_value() {
        let c = parse("SID=31d4d96e407aad42");
        assert_eq!(
            (c.name.as_str(), c.value.as_str()),
            ("SID", "31d4d96e407aad42")
        );
        assert_eq!(c.expires, None);
        assert_eq!((c.domain, c.path), (None, None));
        assert!(!c.secure && !c.http_only && !c.has_path_attribute);
    }

    #[test]
    fn name_and_value_are_trimmed_of_spaces_and_tabs_only() {
        let c = parse(" \t a b \t=\t c d ; Secure");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("a b", "c d"));
    }

    #[test]
    fn the_value_runs_to_the_first_semicolon_and_may_hold_equals() {
        let c = parse("a=b=c==; Path=/");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("a", "b=c=="));
    }

    #[test]
    fn quotes_and_percent_escapes_are_kept() {
        let c = parse("a=\"x%20y\"");
        assert_eq!(c.value, "\"x%20y\"");
    }

    #[test]
    fn no_equals_sign_makes_a_nameless_cookie() {
        let c = parse("token123; Secure");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("", "token123"));
        let c = parse("=value");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("", "value"));
    }

    #[test]
    fn an_empty_line_parses_to_an_empty_cookie_that_5_7_refuses() {
        let c = parse("");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("", ""));
    }

    #[test]
    fn control_characters_ignore_the_line() {
        for line in ["a=b\r\nX: y", "a=b\0", "a\x7f=b", "a=b; Path=/\x01"] {
            assert_eq!(
                parse_set_cookie(line.as_bytes(), now()),
                Err(Refusal::ControlCharacter),
                "{line:?}"
            );
        }
    }

    #[test]
    fn a_tab_inside_the_name_or_value_is_refused() {
        assert_eq!(parse_set_cookie(b"a=b\tc", now()), Err(Refusal::Tab));
        // A tab around them is whitespace, trimmed.
        assert_eq!(parse("a=\tb\t").value, "b");
    }

    #[test]
    fn a_tab_inside_the_path_is_refused() {
        assert_eq!(
            parse_set_cookie(b"a=b; Path=/x\ty", now()),
            Err(Refusal::Tab)
        );
    }

    #[test]
    fn non_utf8_is_refused() {
        assert_eq!(parse_set_cookie(b"a=\xff", now()), Err(Refusal::NotUtf8));
    }

    #[test]
    fn name_plus_value_may_be_4096_bytes_but_no_more() {
        let ok = format!("n={}", "v".repeat(4095));
        assert_eq!(parse(&ok).value.len(), 4095);
        let too_long = format!("n={}", "v".repeat(4096));
        assert_eq!(
            parse_set_cookie(too_long.as_bytes(), now()),
            Err(Refusal::TooLarge)
        );
        // Attributes do not count toward it.
        let with_attributes = format!("{ok}; Path=/{}; Domain=example.com", "p".repeat(1000));
        assert!(parse_set_cookie(with_attributes.as_bytes(), now()).is_ok());
    }

    #[test]
    fn attribute_names_are_case_insensitive_and_trimmed() {
        let c = parse("a=b;  sEcUrE ; HTTPONLY;path = /x ; DOMAIN= Example.COM");
        assert!(c.secure && c.http_only);
        assert_eq!(c.path.as_deref(), Some("/x"));
        assert_eq!(c.domain.as_deref(), Some("example.com"));
    }

    #[test]
    fn unknown_attributes_and_empty_ones_are_ignored() {
        let c = parse("a=b; Version=1; Comment=hi; ;; Priority=High; =x");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("a", "b"));
        assert!(!c.secure);
    }

    #[test]
    fn flags_with_a_value_still_count() {
        let c = parse("a=b; Secure=no; HttpOnly=false");
        assert!(c.secure && c.http_only);
    }

    #[test]
    fn an_attribute_value_over_1024_bytes_is_ignored_alone() {
        let long_path = format!("/{}", "p".repeat(1024));
        let c = parse(&format!("a=b; Path=/short; Path={long_path}; Secure"));
        assert_eq!(c.path.as_deref(), Some("/short"));
        assert!(c.secure);
        let exactly = format!("/{}", "p".repeat(1023));
        assert_eq!(parse(&format!("a=b; Path={exactly}")).path, Some(exactly));
    }

    #[test]
    fn the_domain_loses_one_leading_dot_and_is_lowercased() {
        assert_eq!(
            parse("a=b; Domain=.Example.com").domain.as_deref(),
            Some("example.com")
        );
        assert_eq!(
            parse("a=b; Domain=..example.com").domain.as_deref(),
            Some(".example.com")
        );
        assert_eq!(parse("a=b; Domain=.").domain.as_deref(), Some(""));
    }

    #[test]
    fn an_empty_domain_attribute_is_ignored() {
        // RFC 6265bis 5.6.3: "the user agent SHOULD ignore the cookie-av entirely".
        assert_eq!(parse("a=b; Domain=").domain, None);
        assert_eq!(
            parse("a=b; Domain=example.test; Domain=").domain.as_deref(),
            Some("example.test")
        );
    }

    #[test]
    fn the_last_domain_and_path_win() {
        let c = parse("a=b; Domain=a.example; Path=/one; Domain=b.example; Path=/two");
        assert_eq!(c.domain.as_deref(), Some("b.example"));
        assert_eq!(c.path.as_deref(), Some("/two"));
    }

    #[test]
    fn a_path_not_starting_with_slash_asks_for_the_default() {
        for line in [
            "a=b; Path=",
            "a=b; Path=docs",
            "a=b; Path=/x; Path=relative",
        ] {
            let c = parse(line);
            assert_eq!(c.path, None, "{line}");
            assert!(c.has_path_attribute, "{line}");
        }
    }

    #[test]
    fn expires_sets_the_expiry() {
        let c = parse("a=b; Expires=Wed, 15 Nov 2023 22:13:20 GMT");
        assert_eq!(c.expires, Some(at(1_700_086_400)));
    }

    #[test]
    fn an_unparseable_expires_is_ignored() {
        assert_eq!(parse("a=b; Expires=tomorrow").expires, None);
        let c = parse("a=b; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Expires=never");
        assert_eq!(c.expires, Some(at(1_700_086_400)), "the last valid one");
    }

    #[test]
    fn an_expires_before_1970_is_the_epoch() {
        assert_eq!(
            parse("a=b; Expires=Thu, 01 Jan 1601 00:00:00 GMT").expires,
            Some(UNIX_EPOCH)
        );
    }

    #[test]
    fn expires_is_cut_to_400_days() {
        let c = parse("a=b; Expires=Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(c.expires, Some(now() + MAX_LIFETIME));
    }

    #[test]
    fn max_age_counts_from_now() {
        assert_eq!(
            parse("a=b; Max-Age=3600").expires,
            Some(at(NOW_SECS + 3600))
        );
    }

    #[test]
    fn max_age_zero_or_negative_expires_at_once() {
        for line in [
            "a=b; Max-Age=0",
            "a=b; Max-Age=-1",
            "a=b; Max-Age=-0",
            "a=b; max-age=000",
        ] {
            assert_eq!(parse(line).expires, Some(UNIX_EPOCH), "{line}");
        }
    }

    #[test]
    fn max_age_is_cut_to_400_days_even_when_huge() {
        let c = parse("a=b; Max-Age=99999999999999999999999999999999");
        assert_eq!(c.expires, Some(now() + MAX_LIFETIME));
    }

    #[test]
    fn a_malformed_max_age_is_ignored() {
        for line in [
            "a=b; Max-Age=",
            "a=b; Max-Age=-",
            "a=b; Max-Age=+5",
            "a=b; Max-Age=5s",
            "a=b; Max-Age=1.5",
            "a=b; Max-Age=--1",
        ] {
            assert_eq!(parse(line).expires, None, "{line}");
        }
    }

    #[test]
    fn max_age_wins_over_expires_in_either_order() {
        let expected = Some(at(NOW_SECS + 60));
        assert_eq!(
            parse("a=b; Max-Age=60; Expires=Wed, 15 Nov 2023 22:13:20 GMT").expires,
            expected
        );
        assert_eq!(
            parse("a=b; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=60").expires,
            expected
        );
        // An invalid Max-Age leaves Expires in charge.
        assert_eq!(
            parse("a=b; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=soon").expires,
            Some(at(1_700_086_400))
        );
    }

    #[test]
    fn same_site_values() {
        assert_eq!(
            parse("a=b; SameSite=Strict").same_site,
            Some(SameSite::Strict)
        );
        assert_eq!(parse("a=b; SameSite=lax").same_site, Some(SameSite::Lax));
        assert_eq!(parse("a=b; SameSite=NONE").same_site, Some(SameSite::None));
        assert_eq!(parse("a=b; SameSite=bogus").same_site, None);
        // The last SameSite attribute counts, even when its value is unknown.
        assert_eq!(parse("a=b; SameSite=Lax; SameSite=bogus").same_site, None);
    }
}
