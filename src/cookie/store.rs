//! The cookie store: RFC 6265bis section 5.7 (which cookies to keep, replacing and evicting) and
//! section 5.8 (which to send, in what order); no locking, no I/O and no clock, since the jar
//! passes the time in.
//!
//! Cookies are kept by their domain field, so that building a Cookie header looks up the
//! request's host and each of its parent domains instead of scanning the whole jar.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::cookie::Cookie;
use super::domain::{domain_matches, is_ip_address, is_public_suffix, site_of};
use super::limits::{
    MAX_ATTRIBUTE_VALUE_BYTES, MAX_COOKIES, MAX_COOKIES_PER_DOMAIN, MAX_COOKIES_PER_SITE,
    MAX_COOKIE_HEADER_BYTES,
};
use super::path::{default_path, path_matches};
use super::refusal::Refusal;
use super::set_cookie::SetCookie;
use crate::url::{HostKind, Scheme, Url};

/// The cookies of a jar, by domain.
#[derive(Debug, Default)]
pub(crate) struct Store {
    by_domain: BTreeMap<String, Vec<Cookie>>,
    len: usize,
    /// The next [`Cookie::creation_index`].
    next_index: u64,
}

/// Whether a request to `url` goes over a "secure" connection, in the RFC's words. Only https
/// counts: unlike browsers and curl, the jar does not trust `http://localhost` or
/// `http://127.0.0.1` with Secure cookies, since a proxy or a port forward can sit behind them.
fn is_secure(url: &Url) -> bool {
    url.scheme() == Scheme::Https
}

/// The name a server reads in a cookie as it is sent: its own, or, for a cookie without a name
/// (`Set-Cookie: =sid=x`, sent as its value alone, `sid=x`), its value up to the first `=`.
/// Without this, a nameless cookie from plain http could stand beside a Secure `sid` under
/// that name, past step 16.
fn name_as_read<'a>(name: &'a str, value: &'a str) -> &'a str {
    if name.is_empty() {
        value.split('=').next().unwrap_or_default().trim()
    } else {
        name
    }
}

impl Store {
    /// How many cookies the store holds, expired ones not yet evicted included.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// RFC 6265bis section 5.7: stores (or refuses) the cookie a response to `url` set.
    pub(crate) fn receive(
        &mut self,
        url: &Url,
        set: SetCookie,
        now: SystemTime,
    ) -> Result<(), Refusal> {
        let host = url.host();
        let secure_origin = is_secure(url);

        // Steps 7 and 8: the Domain attribute must be ASCII (CHAR).
        let mut domain_attribute = set.domain.unwrap_or_default();
        if !domain_attribute.is_ascii() {
            return Err(Refusal::InvalidDomain);
        }
        // Step 9: a public suffix is refused, unless it is the host itself, which then gets a
        // host-only cookie.
        if !domain_attribute.is_empty()
            && !is_ip_address(&domain_attribute)
            && is_public_suffix(&domain_attribute)
        {
            if domain_attribute == host {
                domain_attribute.clear();
            } else {
                return Err(Refusal::PublicSuffix);
            }
        }
        // Step 10: the host must domain-match the Domain attribute (an IP address matches only
        // itself).
        let (domain, host_only) = if domain_attribute.is_empty() {
            (host.to_owned(), true)
        } else if domain_matches(host, &domain_attribute) {
            (domain_attribute, false)
        } else {
            return Err(Refusal::DomainMismatch);
        };
        if domain.len() > MAX_ATTRIBUTE_VALUE_BYTES {
            return Err(Refusal::InvalidDomain);
        }
        // Step 11.
        let path = set
            .path
            .unwrap_or_else(|| default_path(url.path()).to_owned());
        if path.len() > MAX_ATTRIBUTE_VALUE_BYTES {
            // Only a default path can be this long: an attribute this long was ignored.
            return Err(Refusal::InvalidPath);
        }
        // Steps 12 and 13: only an https response may set a Secure cookie.
        if set.secure && !secure_origin {
            return Err(Refusal::SecureFromInsecureOrigin);
        }
        // Step 16: nor may a plain http one shadow a Secure cookie ("Strict Secure Cookies").
        if !set.secure
            && !secure_origin
            && self.would_overlay_secure(name_as_read(&set.name, &set.value), &domain, &path)
        {
            return Err(Refusal::WouldOverlaySecure);
        }
        let cookie = Cookie {
            name: set.name,
            value: set.value,
            domain,
            host_only,
            path,
            expires: set.expires,
            secure: set.secure,
            http_only: set.http_only,
            same_site: set.same_site,
            created: now,
            last_access: now,
            creation_index: 0,
        };
        // Steps 2 and 17 to 22 (step 18, SameSite for cross-site requests, never applies: every
        // request of an HTTP client is same-site, having no client in the RFC's sense).
        cookie.check_flags(set.has_path_attribute && cookie.path == "/")?;
        self.put(cookie, now);
        Ok(())
    }

    /// Stores a cookie made by hand or read from a file, after [`Cookie::check_by_hand`].
    pub(crate) fn insert(&mut self, mut cookie: Cookie, now: SystemTime) -> Result<(), Refusal> {
        cookie.check_by_hand()?;
        cookie.created = now;
        cookie.last_access = now;
        self.put(cookie, now);
        Ok(())
    }

    /// Step 16's test: is there a Secure cookie that a server reads as named `name`
    /// ([`name_as_read`]) whose domain domain-matches `domain` or the other way round, and
    /// whose path `path` path-matches?
    fn would_overlay_secure(&self, name: &str, domain: &str, path: &str) -> bool {
        self.iter().any(|old| {
            old.secure
                && name_as_read(&old.name, &old.value) == name
                && (domain_matches(&old.domain, domain) || domain_matches(domain, &old.domain))
                && path_matches(path, &old.path)
        })
    }

    /// Steps 23 and 24, then eviction: replaces the cookie with the same name, domain,
    /// host-only flag and path (keeping its creation time), or adds a new one. A cookie that is
    /// already expired only removes the one it replaces: that is how servers delete cookies.
    fn put(&mut self, mut cookie: Cookie, now: SystemTime) {
        let cookies = self.by_domain.entry(cookie.domain.clone()).or_default();
        let old = cookies
            .iter()
            .position(|old| old.same_key(&cookie))
            .map(|at| cookies.remove(at));
        if let Some(old) = &old {
            cookie.created = old.created;
            cookie.creation_index = old.creation_index;
        } else {
            cookie.creation_index = self.next_index;
            self.next_index += 1;
        }
        let removed = usize::from(old.is_some());
        if cookie.is_expired(now) {
            self.len -= removed;
            if cookies.is_empty() {
                self.by_domain.remove(&cookie.domain);
            }
            return;
        }
        let domain = cookie.domain.clone();
        cookies.push(cookie);
        self.len = self.len + 1 - removed;
        self.remove_expired(now);
        self.remove_excess(&domain);
    }

    /// RFC 6265bis 5.7: "The user agent MUST evict all expired cookies".
    pub(crate) fn remove_expired(&mut self, now: SystemTime) {
        self.retain(|cookie| !cookie.is_expired(now));
    }

    /// Removes the session cookies: what the RFC does "when the current session is over".
    pub(crate) fn remove_session_cookies(&mut self) {
        self.retain(|cookie| cookie.expires.is_some());
    }

    /// Keeps the cookies for which `keep` is true.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&Cookie) -> bool) {
        let mut len = 0;
        self.by_domain.retain(|_, cookies| {
            cookies.retain(&mut keep);
            len += cookies.len();
            !cookies.is_empty()
        });
        self.len = len;
    }

    /// RFC 6265bis 5.7 "remove excess cookies", after a cookie was added to `domain`. Expired
    /// cookies are gone already (priority 1); then, while `domain` has more than
    /// [`MAX_COOKIES_PER_DOMAIN`], its non-secure cookies go first (priority 2), then any of its
    /// cookies (3); the same while its site has more than [`MAX_COOKIES_PER_SITE`]; then,
    /// while the jar has more than [`MAX_COOKIES`], any cookie (4). Within a priority, the
    /// least recently used goes first.
    fn remove_excess(&mut self, domain: &str) {
        while let Some(cookies) = self.by_domain.get_mut(domain) {
            if cookies.len() <= MAX_COOKIES_PER_DOMAIN {
                break;
            }
            let victim = least_recently_used(cookies.iter().enumerate(), |c| !c.secure)
                .or_else(|| least_recently_used(cookies.iter().enumerate(), |_| true));
            if let Some(at) = victim {
                cookies.remove(at);
                self.len -= 1;
            }
        }
        // The same, for the whole site the domain belongs to. A jar with no more cookies
        // than a site may have cannot hold a site over it: nothing to count.
        if self.len > MAX_COOKIES_PER_SITE {
            let site = site_of(domain).to_string();
            let in_site = |name: &str| domain_matches(name, &site);
            let mut count: usize = self
                .by_domain
                .iter()
                .filter(|(name, _)| in_site(name))
                .map(|(_, cookies)| cookies.len())
                .sum();
            while count > MAX_COOKIES_PER_SITE {
                let of_site = || {
                    self.by_domain
                        .iter()
                        .filter(|(name, _)| in_site(name))
                        .flat_map(|(name, cookies)| {
                            cookies
                                .iter()
                                .enumerate()
                                .map(move |(at, c)| ((name, at), c))
                        })
                };
                let victim = least_recently_used(of_site(), |c| !c.secure)
                    .or_else(|| least_recently_used(of_site(), |_| true))
                    .map(|(name, at)| (name.clone(), at));
                let Some((name, at)) = victim else { break };
                self.remove_at(&name, at);
                count -= 1;
            }
        }
        while self.len > MAX_COOKIES {
            let every = self.by_domain.iter().flat_map(|(domain, cookies)| {
                cookies
                    .iter()
                    .enumerate()
                    .map(move |(at, c)| ((domain, at), c))
            });
            let victim =
                least_recently_used(every, |_| true).map(|(domain, at)| (domain.clone(), at));
            let Some((domain, at)) = victim else { break };
            self.remove_at(&domain, at);
        }
    }

    fn remove_at(&mut self, domain: &str, at: usize) {
        if let Some(cookies) = self.by_domain.get_mut(domain) {
            cookies.remove(at);
            self.len -= 1;
            if cookies.is_empty() {
                self.by_domain.remove(domain);
            }
        }
    }

    /// RFC 6265bis section 5.8.3: the Cookie header value for a request to `url` at `now`, or
    /// `None` when no cookie applies. Marks the cookies it includes as used at `now`.
    ///
    /// A cookie applies when its domain is the host (host-only) or domain-matches it, the
    /// request path path-matches its path, it is not Secure or the request is https, and it has
    /// not expired. They are sorted longest path first, then oldest first, and joined with
    /// `"; "`; the header stops before the first one that would take it past
    /// [`MAX_COOKIE_HEADER_BYTES`].
    pub(crate) fn cookie_header(&mut self, url: &Url, now: SystemTime) -> Option<String> {
        self.remove_expired(now);
        let host = url.host();
        let secure = is_secure(url);
        let request_path = url.path();

        // (domain, index) of each cookie that applies; the domain a slice of the URL's host, so
        // that the cookies sent can be updated below without copying it.
        let mut chosen: Vec<(&str, usize)> = Vec::new();
        for candidate in candidate_domains(host, url.host_kind() != HostKind::Domain) {
            let Some(cookies) = self.by_domain.get(candidate) else {
                continue;
            };
            for (at, cookie) in cookies.iter().enumerate() {
                let domain_ok = !cookie.host_only || cookie.domain == host;
                if domain_ok
                    && path_matches(request_path, &cookie.path)
                    && (!cookie.secure || secure)
                {
                    chosen.push((candidate, at));
                }
            }
        }
        let cookie_at = |&(domain, at): &(&str, usize)| &self.by_domain[domain][at];
        chosen.sort_by(|a, b| {
            let (a, b) = (cookie_at(a), cookie_at(b));
            b.path
                .len()
                .cmp(&a.path.len())
                .then(a.created.cmp(&b.created))
                .then(a.creation_index.cmp(&b.creation_index))
        });

        let mut header = String::new();
        let mut sent: Vec<(&str, usize)> = Vec::new();
        for choice in &chosen {
            let cookie = cookie_at(choice);
            let separator = if header.is_empty() { 0 } else { 2 };
            let pair =
                cookie.name.len() + usize::from(!cookie.name.is_empty()) + cookie.value.len();
            if header.len() + separator + pair > MAX_COOKIE_HEADER_BYTES {
                break;
            }
            if separator > 0 {
                header.push_str("; ");
            }
            if !cookie.name.is_empty() {
                header.push_str(&cookie.name);
                header.push('=');
            }
            header.push_str(&cookie.value);
            sent.push(*choice);
        }
        for (domain, at) in sent {
            if let Some(cookie) = self.by_domain.get_mut(domain).and_then(|c| c.get_mut(at)) {
                cookie.last_access = now;
            }
        }
        (!header.is_empty()).then_some(header)
    }

    /// Every cookie, by domain.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Cookie> {
        self.by_domain.values().flatten()
    }

    /// Every cookie, oldest first (by creation, as a cookie file lists them).
    pub(crate) fn by_creation(&self) -> Vec<Cookie> {
        let mut cookies: Vec<Cookie> = self.iter().cloned().collect();
        cookies.sort_by(|a, b| {
            a.created
                .cmp(&b.created)
                .then(a.creation_index.cmp(&b.creation_index))
        });
        cookies
    }

    /// The cookies named `name` with domain and path `domain` and `path`. A leading dot on
    /// `domain` selects only a domain cookie (not host-only), as in a cookie file; without one,
    /// either kind, the host-only one first.
    pub(crate) fn find(&self, domain: &str, path: &str, name: &str) -> Vec<&Cookie> {
        let query = Query::new(domain, path, name);
        let mut found: Vec<&Cookie> = self
            .by_domain
            .get(&query.domain)
            .into_iter()
            .flatten()
            .filter(|cookie| query.matches(cookie))
            .collect();
        found.sort_by_key(|cookie| !cookie.host_only);
        found
    }

    /// Removes what [`Store::find`] finds; returns how many.
    pub(crate) fn remove(&mut self, domain: &str, path: &str, name: &str) -> usize {
        let query = Query::new(domain, path, name);
        let Some(cookies) = self.by_domain.get_mut(&query.domain) else {
            return 0;
        };
        let before = cookies.len();
        cookies.retain(|cookie| !query.matches(cookie));
        let removed = before - cookies.len();
        if cookies.is_empty() {
            self.by_domain.remove(&query.domain);
        }
        self.len -= removed;
        removed
    }

    /// Removes every cookie.
    pub(crate) fn clear(&mut self) {
        self.by_domain.clear();
        self.len = 0;
    }
}

/// A cookie asked for by domain, path and name, as [`Store::find`] reads them.
struct Query<'a> {
    domain: String,
    domain_cookies_only: bool,
    path: &'a str,
    name: &'a str,
}

impl<'a> Query<'a> {
    fn new(domain: &str, path: &'a str, name: &'a str) -> Query<'a> {
        let (domain, domain_cookies_only) = match domain.strip_prefix('.') {
            Some(rest) => (rest, true),
            None => (domain, false),
        };
        Query {
            domain: domain.to_ascii_lowercase(),
            domain_cookies_only,
            path,
            name,
        }
    }

    fn matches(&self, cookie: &Cookie) -> bool {
        cookie.name == self.name
            && cookie.path == self.path
            && !(self.domain_cookies_only && cookie.host_only)
    }
}

/// The domains under which cookies for `host` can be stored: the host, then (for a host name)
/// each parent domain, `a.b.example.com`, `b.example.com`, `example.com`, `com`.
fn candidate_domains(host: &str, host_is_ip: bool) -> impl Iterator<Item = &str> {
    let parents = host
        .match_indices('.')
        .map(move |(dot, _)| &host[dot + 1..])
        .filter(move |parent| !host_is_ip && !parent.is_empty());
    std::iter::once(host).chain(parents)
}

/// The key (a position, or a domain and a position) of the least recently used cookie among
/// those `eligible` (ties: the older).
fn least_recently_used<'a, K>(
    cookies: impl Iterator<Item = (K, &'a Cookie)>,
    eligible: impl Fn(&Cookie) -> bool,
) -> Option<K> {
    cookies
        .filter(|(_, c)| eligible(c))
        .min_by_key(|(_, c)| (c.last_access, c.creation_index))
        .map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_the_host_and_its_parents() {
        let found: Vec<&str> = candidate_domains("a.b.example.com", false).collect();
        assert_eq!(
            found,
            ["a.b.example.com", "b.example.com", "example.com", "com"]
        );
        let found: Vec<&str> = candidate_domains("example.com.", false).collect();
        assert_eq!(found, ["example.com.", "com."]);
    }

    #[test]
    fn an_ip_address_is_its_only_candidate() {
        let found: Vec<&str> = candidate_domains("10.0.0.1", true).collect();
        assert_eq!(found, ["10.0.0.1"]);
    }
}
