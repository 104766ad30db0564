//! One stored cookie: its name and value and the fields RFC 6265bis section 5.7 keeps beside
//! them; parsing Set-Cookie lines and deciding what to send are the jar's job, not this type's.

use std::fmt;
use std::time::SystemTime;

use super::domain::{is_ip_address, is_public_suffix};
use super::limits::{MAX_ATTRIBUTE_VALUE_BYTES, MAX_NAME_VALUE_BYTES};
use super::refusal::Refusal;

/// A cookie as the [`CookieJar`](crate::CookieJar) keeps it.
///
/// A jar hands out copies ([`CookieJar::get`](crate::CookieJar::get),
/// [`CookieJar::cookies`](crate::CookieJar::cookies)); changing one changes nothing in the jar
/// until it is [inserted](crate::CookieJar::insert) again.
///
/// `Debug` shows every field but the value, which is often a session token.
///
/// ```
/// use plainwire::Cookie;
///
/// // A cookie for example.com and its subdomains (the leading dot), under /api, over https only.
/// let cookie = Cookie::new("theme", "dark", ".example.com")
///     .with_path("/api")
///     .with_secure(true);
/// assert_eq!(cookie.domain(), "example.com");
/// assert!(!cookie.host_only());
/// assert_eq!(format!("{cookie:?}").contains("dark"), false);
/// ```
#[derive(Clone)]
pub struct Cookie {
    pub(super) name: String,
    pub(super) value: String,
    pub(super) domain: String,
    pub(super) host_only: bool,
    pub(super) path: String,
    pub(super) expires: Option<SystemTime>,
    pub(super) secure: bool,
    pub(super) http_only: bool,
    pub(super) same_site: Option<SameSite>,
    pub(super) created: SystemTime,
    pub(super) last_access: SystemTime,
    /// The order in which the jar created its cookies: it breaks ties between equal creation
    /// times, so that the order of a Cookie header never depends on the clock's resolution.
    pub(super) creation_index: u64,
}

/// The SameSite attribute of a cookie (RFC 6265bis section 4.1.2.7).
///
/// The jar stores it, saves it nowhere (the cookie file has no field for it) and never filters
/// on it: a plain HTTP client has no page whose site a request could be "cross-site" from, so
/// every request is same-site (RFC 6265bis section 5.2: "the request has no client"). The one
/// rule that applies is that a `SameSite=None` cookie must be Secure.
///
/// ```
/// use plainwire::{Cookie, CookieJar, SameSite};
///
/// let jar = CookieJar::new();
/// let cookie = Cookie::new("id", "1", "example.com").with_same_site(SameSite::None);
/// assert!(jar.insert(cookie.clone()).is_err(), "SameSite=None needs Secure");
/// jar.insert(cookie.with_secure(true))?;
/// assert_eq!(jar.get("example.com", "/", "id").unwrap().same_site(), Some(SameSite::None));
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None`: the cookie must also be Secure.
    None,
}

impl Cookie {
    /// A session cookie `name=value` for `domain`, path `/`, not Secure, not HttpOnly.
    ///
    /// A `domain` with a leading dot (`.example.com`) makes a domain cookie, sent to the domain
    /// and its subdomains, as the cookie file format and Python's `http.cookiejar` write it;
    /// without one it is host-only, sent to that exact host. The domain is lowercased.
    /// [`CookieJar::insert`](crate::CookieJar::insert) checks the result.
    ///
    /// ```
    /// use plainwire::Cookie;
    /// assert!(Cookie::new("a", "1", "example.com").host_only());
    /// assert!(!Cookie::new("a", "1", ".example.com").host_only());
    /// ```
    pub fn new(name: impl Into<String>, value: impl Into<String>, domain: &str) -> Cookie {
        let (domain, host_only) = match domain.strip_prefix('.') {
            Some(rest) => (rest, false),
            None => (domain, true),
        };
        let now = SystemTime::now();
        Cookie {
            name: name.into(),
            value: value.into(),
            domain: domain.to_ascii_lowercase(),
            host_only,
            path: "/".to_owned(),
            expires: None,
            secure: false,
            http_only: false,
            same_site: None,
            created: now,
            last_access: now,
            creation_index: 0,
        }
    }

    /// The same cookie with path `path` (which must start with `/`).
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Cookie {
        self.path = path.into();
        self
    }

    /// The same cookie, host-only (`true`: sent to its domain alone) or a domain cookie
    /// (`false`: sent to its domain and every subdomain).
    #[must_use]
    pub fn with_host_only(mut self, host_only: bool) -> Cookie {
        self.host_only = host_only;
        self
    }

    /// The same cookie, persistent until `expires` instead of a session cookie.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let week = SystemTime::now() + Duration::from_secs(7 * 24 * 3600);
    /// let cookie = plainwire::Cookie::new("remember", "yes", "example.com").with_expires(week);
    /// assert_eq!(cookie.expires(), Some(week));
    /// ```
    #[must_use]
    pub fn with_expires(mut self, expires: SystemTime) -> Cookie {
        self.expires = Some(expires);
        self
    }

    /// The same cookie with the Secure flag: sent over https only.
    #[must_use]
    pub fn with_secure(mut self, secure: bool) -> Cookie {
        self.secure = secure;
        self
    }

    /// The same cookie with the HttpOnly flag (kept and saved; an HTTP client has no scripts to
    /// hide it from).
    #[must_use]
    pub fn with_http_only(mut self, http_only: bool) -> Cookie {
        self.http_only = http_only;
        self
    }

    /// The same cookie with a SameSite attribute (see [`SameSite`] for what the jar does with it).
    #[must_use]
    pub fn with_same_site(mut self, same_site: SameSite) -> Cookie {
        self.same_site = Some(same_site);
        self
    }

    /// The name; empty for a cookie set without one (`Set-Cookie: token`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value, as the server sent it (quotes included, nothing decoded).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The domain, lowercase, without a leading dot: the host that set it for a host-only
    /// cookie, the Domain attribute otherwise.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Whether the cookie goes to its domain alone (`true`, no Domain attribute) or to its
    /// subdomains as well.
    pub fn host_only(&self) -> bool {
        self.host_only
    }

    /// The path the cookie applies to, and below.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// When the cookie expires; `None` for a session cookie.
    pub fn expires(&self) -> Option<SystemTime> {
        self.expires
    }

    /// Whether the cookie is sent over https only.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Whether the server marked the cookie HttpOnly.
    pub fn http_only(&self) -> bool {
        self.http_only
    }

    /// The SameSite attribute, if the server gave one the jar recognises.
    pub fn same_site(&self) -> Option<SameSite> {
        self.same_site
    }

    /// When the jar first stored a cookie of this name, domain and path (a replacement keeps
    /// the time of the cookie it replaces).
    pub fn created(&self) -> SystemTime {
        self.created
    }

    /// When the jar last sent the cookie, or stored it if it has not sent it yet.
    pub fn last_access(&self) -> SystemTime {
        self.last_access
    }

    /// Whether the cookie expired before `now` (RFC 6265bis 5.7: "an expiry date in the past").
    pub(super) fn is_expired(&self, now: SystemTime) -> bool {
        self.expires.is_some_and(|expires| expires < now)
    }

    /// Whether `other` is the same cookie in the sense of RFC 6265bis 5.7 step 23: the same
    /// name, domain, host-only flag and path.
    pub(super) fn same_key(&self, other: &Cookie) -> bool {
        self.name == other.name
            && self.domain == other.domain
            && self.host_only == other.host_only
            && self.path == other.path
    }

    /// The checks for a cookie that did not come from a Set-Cookie line (built with
    /// [`Cookie::new`] or read from a cookie file): what the Set-Cookie grammar and RFC 6265bis
    /// section 5.7 would have guaranteed, and the rules on the result.
    pub(super) fn check_by_hand(&self) -> Result<(), Refusal> {
        let (name, value) = (self.name.as_str(), self.value.as_str());
        if has_forbidden_control(name) || has_forbidden_control(value) {
            return Err(Refusal::ControlCharacter);
        }
        if name.contains('\t') || value.contains('\t') {
            return Err(Refusal::Tab);
        }
        if name.contains(['=', ';']) || value.contains(';') {
            return Err(Refusal::Delimiter);
        }
        if name.trim_matches(' ') != name || value.trim_matches(' ') != value {
            return Err(Refusal::Whitespace);
        }
        if name.len() + value.len() > MAX_NAME_VALUE_BYTES {
            return Err(Refusal::TooLarge);
        }
        let domain = self.domain.as_str();
        if domain.is_empty()
            || domain.len() > MAX_ATTRIBUTE_VALUE_BYTES
            || !domain.bytes().all(is_host_name_byte)
        {
            return Err(Refusal::InvalidDomain);
        }
        if !self.host_only && !is_ip_address(domain) && is_public_suffix(domain) {
            return Err(Refusal::PublicSuffix);
        }
        let path = self.path.as_str();
        if !path.starts_with('/')
            || path.len() > MAX_ATTRIBUTE_VALUE_BYTES
            || path.bytes().any(|b| b.is_ascii_control())
        {
            return Err(Refusal::InvalidPath);
        }
        self.check_flags(path == "/")
    }

    /// RFC 6265bis 5.7 steps 2 and 19 to 22: the rules on the name, the flags and the prefixes.
    /// `root_path_given` says whether a Path attribute made the path `/` (step 21).
    pub(super) fn check_flags(&self, root_path_given: bool) -> Result<(), Refusal> {
        if self.name.is_empty() && self.value.is_empty() {
            return Err(Refusal::Empty);
        }
        if self.same_site == Some(SameSite::None) && !self.secure {
            return Err(Refusal::SameSiteNoneWithoutSecure);
        }
        if starts_with_ignore_case(&self.name, "__Secure-") && !self.secure {
            return Err(Refusal::SecurePrefix);
        }
        if starts_with_ignore_case(&self.name, "__Host-")
            && !(self.secure && self.host_only && root_path_given && self.path == "/")
        {
            return Err(Refusal::HostPrefix);
        }
        if self.name.is_empty()
            && (starts_with_ignore_case(&self.value, "__Secure-")
                || starts_with_ignore_case(&self.value, "__Host-"))
        {
            return Err(Refusal::NamelessPrefix);
        }
        Ok(())
    }
}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cookie")
            .field("name", &self.name)
            .field("value", &"*****")
            .field("domain", &self.domain)
            .field("host_only", &self.host_only)
            .field("path", &self.path)
            .field("expires", &self.expires)
            .field("secure", &self.secure)
            .field("http_only", &self.http_only)
            .field("same_site", &self.same_site)
            .field("created", &self.created)
            .field("last_access", &self.last_access)
            .finish()
    }
}

/// What a canonical host name or IP address is made of: lowercase letters, digits, `.`, `-`,
/// `_` (some names have it) and `:` (IPv6). So a domain can never start a comment line in a
/// cookie file.
fn is_host_name_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b':')
}

/// `%x00-08 / %x0A-1F / %x7F`: the control characters RFC 6265bis refuses (HTAB is not one).
pub(super) fn has_forbidden_control(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, 0x00..=0x08 | 0x0A..=0x1F | 0x7F))
}

/// Whether `text` starts with `prefix`, ASCII case-insensitively: RFC 6265bis section 5.4 says
/// user agents MUST match cookie name prefixes so, because some servers read names that way.
pub(super) fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let cookie = Cookie::new("SID", "31d4d96e407aad42", "example.com");
        let shown = format!("{cookie:?}");
        assert!(!shown.contains("31d4d96e407aad42"), "{shown}");
        assert!(shown.contains("SID"), "{shown}");
    }

    #[test]
    fn a_leading_dot_makes_a_domain_cookie() {
        let cookie = Cookie::new("a", "1", ".Example.COM");
        assert_eq!(cookie.domain(), "example.com");
        assert!(!cookie.host_only());
        assert!(Cookie::new("a", "1", "example.com").host_only());
    }

    #[test]
    fn new_cookies_are_session_cookies_for_root() {
        let cookie = Cookie::new("a", "1", "example.com");
        assert_eq!(cookie.path(), "/");
        assert_eq!(cookie.expires(), None);
        assert!(!cookie.secure() && !cookie.http_only());
        assert_eq!(cookie.same_site(), None);
    }

    #[test]
    fn by_hand_a_name_or_value_that_would_change_the_header_is_refused() {
        let check =
            |name: &str, value: &str| Cookie::new(name, value, "example.com").check_by_hand();
        assert_eq!(check("a=b", "1"), Err(Refusal::Delimiter));
        assert_eq!(check("a;b", "1"), Err(Refusal::Delimiter));
        assert_eq!(check("a", "1; admin=1"), Err(Refusal::Delimiter));
        assert_eq!(check("a", "1\r\nX: y"), Err(Refusal::ControlCharacter));
        assert_eq!(check("a", "1\t2"), Err(Refusal::Tab));
        assert_eq!(check(" a", "1"), Err(Refusal::Whitespace));
        assert_eq!(check("", ""), Err(Refusal::Empty));
        assert_eq!(check("a", &"x".repeat(4096)), Err(Refusal::TooLarge));
        assert_eq!(check("a", &"x".repeat(4095)), Ok(()));
        // Quotes, commas, spaces inside and non-ASCII are sent as they are.
        assert_eq!(check("a", "\"x, y\" ü"), Ok(()));
    }

    #[test]
    fn by_hand_domain_and_path_are_checked() {
        let ok = Cookie::new("a", "1", "example.com");
        assert_eq!(
            Cookie::new("a", "1", "").check_by_hand(),
            Err(Refusal::InvalidDomain)
        );
        for domain in [
            "exa mple.com",
            "#example.com",
            "example.com\t",
            "ex;ample.com",
        ] {
            assert_eq!(
                Cookie::new("a", "1", domain).check_by_hand(),
                Err(Refusal::InvalidDomain),
                "{domain:?}"
            );
        }
        assert_eq!(Cookie::new("a", "1", "::1").check_by_hand(), Ok(()));
        assert_eq!(
            ok.clone().with_path("api").check_by_hand(),
            Err(Refusal::InvalidPath)
        );
        assert_eq!(
            Cookie::new("a", "1", ".co.uk").check_by_hand(),
            Err(Refusal::PublicSuffix)
        );
        // A host-only cookie for a single-label host is fine: it goes to that host alone.
        assert_eq!(Cookie::new("a", "1", "localhost").check_by_hand(), Ok(()));
    }

    #[test]
    fn prefixes_are_matched_case_insensitively() {
        let secure_host = |name: &str| {
            Cookie::new(name, "1", "example.com")
                .with_secure(true)
                .check_by_hand()
        };
        assert_eq!(secure_host("__Host-id"), Ok(()));
        assert_eq!(secure_host("__HOST-id"), Ok(()));
        for name in ["__Secure-id", "__secure-id", "__SECURE-id"] {
            assert_eq!(
                Cookie::new(name, "1", "example.com").check_by_hand(),
                Err(Refusal::SecurePrefix),
                "{name}"
            );
        }
        for name in ["__Host-id", "__host-id"] {
            assert_eq!(
                Cookie::new(name, "1", ".example.com")
                    .with_secure(true)
                    .check_by_hand(),
                Err(Refusal::HostPrefix),
                "{name} with a domain"
            );
        }
        assert_eq!(
            Cookie::new("__Host-id", "1", "example.com")
                .with_secure(true)
                .with_path("/app")
                .check_by_hand(),
            Err(Refusal::HostPrefix)
        );
    }

    #[test]
    fn same_site_none_needs_secure() {
        let cookie = Cookie::new("a", "1", "example.com").with_same_site(SameSite::None);
        assert_eq!(
            cookie.clone().check_by_hand(),
            Err(Refusal::SameSiteNoneWithoutSecure)
        );
        assert_eq!(cookie.with_secure(true).check_by_hand(), Ok(()));
    }
}
