//! HTTP proxies: which one a URL goes through, from the agent's settings or the environment.
//!
//! An `http` URL is sent to the proxy as an ordinary request whose target is the whole URL
//! (absolute-form, RFC 9112 section 3.2.2). An `https` URL goes through a `CONNECT` tunnel
//! (RFC 9110 section 9.3.6): the proxy connects us to the origin and then only relays bytes,
//! so the TLS session is between us and the origin, and the proxy sees none of it.
//!
//! Proxy credentials go to the proxy and nowhere else: on the request for an `http` URL, on the
//! `CONNECT` for an `https` one, never through the tunnel to the origin.

use std::borrow::Cow;
use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;

use crate::auth;
use crate::client::no_proxy::NoProxy;
use crate::error::{Error, ErrorKind, Result};
use crate::url::{HostKind, Scheme, Url};

/// An HTTP proxy: where it is and, if it needs them, the credentials it gets.
///
/// ```
/// let proxy = plainwire::Proxy::new("http://user:secret@proxy.internal:3128")?;
/// assert_eq!(proxy.to_string(), "http://proxy.internal:3128/");
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    url: Url,
    authorization: Option<String>,
}

impl Proxy {
    /// A proxy from its URL. `host:port` without a scheme means `http://host:port`, as in curl.
    /// Only `http://` proxies are supported; userinfo becomes `Proxy-Authorization: Basic …`.
    pub fn new(proxy_url: &str) -> Result<Proxy> {
        let with_scheme;
        let text = if proxy_url.contains("://") {
            proxy_url
        } else {
            with_scheme = format!("http://{proxy_url}");
            &with_scheme
        };
        let url = Url::parse(text).map_err(|e| e.context("invalid proxy URL"))?;
        if url.scheme() != Scheme::Http {
            return Err(Error::new(
                ErrorKind::UnsupportedScheme,
                "only http:// proxies are supported (an https URL is tunnelled through one with CONNECT)",
            ));
        }
        let authorization = url
            .username()
            .map(|user| auth::basic(user, url.password().unwrap_or("")))
            .transpose()
            .map_err(|e| e.context("invalid proxy URL"))?;
        Ok(Proxy {
            url: url.without_credentials(),
            authorization,
        })
    }

    /// The proxy's host.
    pub fn host(&self) -> &str {
        self.url.host()
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.url.port()
    }

    /// `host:port`, for pool keys and messages.
    pub fn authority(&self) -> String {
        self.url.authority()
    }

    /// The `Proxy-Authorization` value, if the proxy URL had credentials.
    pub(crate) fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }

    /// This proxy with the caller's `Proxy-Authorization` value (a request header or an agent
    /// default) when its URL had no credentials of its own. The URL's credentials win: they
    /// were given for this proxy, while a header is given for every proxy a request may take
    /// (the environment's differ by scheme), so only the URL's are sure to be meant for it.
    pub(crate) fn with_caller_authorization(&self, caller: Option<&str>) -> Cow<'_, Proxy> {
        match (&self.authorization, caller) {
            (None, Some(value)) => Cow::Owned(Proxy {
                url: self.url.clone(),
                authorization: Some(value.to_string()),
            }),
            _ => Cow::Borrowed(self),
        }
    }

    /// What tells connections through this proxy apart in the pool: its `host:port` and, when
    /// it gets credentials, a tag standing for them (a keyed hash, never the credentials), so
    /// that a tunnel a proxy opened for one caller's credentials never carries another
    /// caller's request.
    pub(crate) fn pool_name(&self) -> String {
        static KEYS: OnceLock<RandomState> = OnceLock::new();
        match &self.authorization {
            None => self.authority(),
            Some(credentials) => {
                let tag = KEYS.get_or_init(RandomState::new).hash_one(credentials);
                format!("{} (credentials {tag:016x})", self.authority())
            }
        }
    }
}

impl std::fmt::Display for Proxy {
    /// The proxy URL without its credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.url)
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.url.as_str())
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<masked>"),
            )
            .finish()
    }
}

/// Proxies chosen from the environment, the way curl reads it.
///
/// `http_proxy` serves `http` URLs, `https_proxy` serves `https` URLs, `all_proxy` serves both
/// when the specific one is unset. `https_proxy`, `all_proxy` and `no_proxy` are also read in
/// upper case, the lower-case one winning when both are set.
///
/// `http_proxy` is read in lower case only, as curl has done since 2001: a CGI server (RFC 3875
/// section 4.1.18) turns a request's `Proxy:` header into the variable `HTTP_PROXY`, so under
/// CGI, and in anything started from a CGI program, the upper-case name is chosen by whoever
/// sent the request ("httpoxy", CVE-2016-5385 and its siblings). A `Proxy:` header can make no
/// other variable read here (CGI names them all `HTTP_` + the field name), so the lower-case
/// rule is the whole defence and no check of `REQUEST_METHOD` is needed: Go, which does read
/// `HTTP_PROXY`, instead refuses every `http` proxy when `REQUEST_METHOD` is set.
///
/// A variable that is set decides, even when it is empty: `http_proxy=""` means no proxy for
/// `http` URLs, whatever `all_proxy` says; an empty `no_proxy` lists no host, whatever
/// `NO_PROXY` says. (curl treats an empty variable as unset; an explicitly empty one reads as
/// "no proxy" to most people, and Python's urllib agrees.)
///
/// `no_proxy` lists hosts to reach directly, as curl reads it (see `client/no_proxy.rs`): `*`
/// alone for all; a name matching itself and its subdomains (with or without a leading `.` or
/// `*.`, a trailing dot ignored); an IP address or a CIDR range (`10.0.0.0/8`, `fe80::/10`),
/// IPv6 in brackets or not; any of these with `:port` to match that port only. Loopback destinations
/// (`localhost`, 127.0.0.0/8, `::1`) are always reached directly, as in Go's net/http:
/// a proxy elsewhere cannot reach this machine's loopback anyway.
///
/// ```
/// use plainwire::{EnvProxies, Url};
///
/// // As if the environment said https_proxy=proxy:3128 no_proxy=.internal
/// let env = EnvProxies::from_lookup(|name| match name {
///     "https_proxy" => Some("proxy:3128".to_string()),
///     "no_proxy" => Some(".internal".to_string()),
///     _ => None,
/// })?;
/// let proxy = env.for_url(&Url::parse("https://example.com/")?).unwrap();
/// assert_eq!(proxy.authority(), "proxy:3128");
/// assert!(env.for_url(&Url::parse("https://git.internal/")?).is_none()); // no_proxy
/// assert!(env.for_url(&Url::parse("http://example.com/")?).is_none()); // no http_proxy
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvProxies {
    /// The proxy for http URLs, if a variable names one; `Err` when the variable names one
    /// plainwire cannot use (a `socks5://` one in `all_proxy`, say): kept, not fatal, when an
    /// agent reads the environment, so that it fails only the requests that proxy would carry.
    http: Option<std::result::Result<Proxy, Unusable>>,
    /// The same for https URLs.
    https: Option<std::result::Result<Proxy, Unusable>>,
    no_proxy: NoProxy,
}

/// Why a variable's proxy cannot be used: the error it made, kept as its kind and message.
type Unusable = (ErrorKind, String);

impl EnvProxies {
    /// Reads the process environment. A variable holding an unusable proxy URL is an error
    /// that names the variable.
    pub fn from_env() -> Result<EnvProxies> {
        EnvProxies::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads through `lookup` instead of the process environment (for tests and embedders).
    /// A variable holding an unusable proxy URL is an error that names the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<EnvProxies> {
        let env = EnvProxies::from_lookup_keeping_errors(lookup);
        let unusable = [&env.http, &env.https]
            .into_iter()
            .find_map(|slot| slot.as_ref()?.as_ref().err());
        match unusable {
            Some((kind, message)) => Err(Error::new(*kind, message.clone())),
            None => Ok(env),
        }
    }

    /// The process environment as an agent reads it: a variable holding an unusable proxy URL
    /// is kept as the error of the URLs it would serve ([`EnvProxies::unusable_for`]).
    #[cfg(feature = "env")]
    pub(crate) fn from_env_keeping_errors() -> EnvProxies {
        EnvProxies::from_lookup_keeping_errors(|name| std::env::var(name).ok())
    }

    /// The proxy for `url`, as an agent asks (`ignoring_no_proxy` when it has a list of its
    /// own): an error when the variable for `url`'s scheme names a proxy plainwire cannot use,
    /// and neither `no_proxy` nor loopback keeps `url` from it.
    #[cfg(feature = "env")]
    pub(crate) fn checked_for_url(
        &self,
        url: &Url,
        ignoring_no_proxy: bool,
    ) -> Result<Option<&Proxy>> {
        match self.slot_for(url, ignoring_no_proxy) {
            None => Ok(None),
            Some(Ok(proxy)) => Ok(Some(proxy)),
            Some(Err((kind, message))) => Err(Error::new(*kind, message.clone())),
        }
    }

    /// What the variable for `url`'s scheme holds, if `url` would go through it: never for
    /// loopback, nor for a host on `no_proxy` unless `ignoring_no_proxy`.
    fn slot_for(
        &self,
        url: &Url,
        ignoring_no_proxy: bool,
    ) -> Option<&std::result::Result<Proxy, Unusable>> {
        let slot = match url.scheme() {
            Scheme::Http => self.http.as_ref(),
            Scheme::Https => self.https.as_ref(),
        }?;
        let bypassed = is_loopback(url)
            || (!ignoring_no_proxy && self.no_proxy.matches(url.host(), url.port()));
        (!bypassed).then_some(slot)
    }

    /// [`EnvProxies::from_lookup`], keeping an unusable variable's error for the URLs it would
    /// serve.
    pub(crate) fn from_lookup_keeping_errors(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> EnvProxies {
        // Each setting's variables, in the order they are asked for: the lower-case name, then
        // its upper-case twin; `http_proxy` has no twin (httpoxy, above).
        const HTTP: &[&str] = &["http_proxy"];
        const HTTPS: &[&str] = &["https_proxy", "HTTPS_PROXY"];
        const ALL: &[&str] = &["all_proxy", "ALL_PROXY"];
        const NO_PROXY: &[&str] = &["no_proxy", "NO_PROXY"];
        // The first of `names` that is set, empty or not, with the name it was found under.
        let read = |names: &[&'static str]| -> Option<(&'static str, String)> {
            names
                .iter()
                .find_map(|&var| lookup(var).map(|value| (var, value)))
        };
        let parse = |names: &[&'static str]| -> Result<Option<Proxy>> {
            match read(names).or_else(|| read(ALL)) {
                Some((_, value)) if value.trim().is_empty() => Ok(None),
                Some((var, value)) => Proxy::new(value.trim())
                    .map(Some)
                    .map_err(|e| e.context(format!("${var}"))),
                None => Ok(None),
            }
        };
        let no_proxy = read(NO_PROXY)
            .map(|(_, value)| NoProxy::parse(&value))
            .unwrap_or_default();
        let kept = |parsed: Result<Option<Proxy>>| match parsed {
            Ok(proxy) => proxy.map(Ok),
            Err(err) => Some(Err((err.kind(), err.to_string()))),
        };
        EnvProxies {
            http: kept(parse(HTTP)),
            https: kept(parse(HTTPS)),
            no_proxy,
        }
    }

    /// The proxy for `url`, if any.
    pub fn for_url(&self, url: &Url) -> Option<&Proxy> {
        self.slot_for(url, false)?.as_ref().ok()
    }
}

/// The caller's proxy header fields (curl's `--proxy-header`) that go with a request to
/// `proxy`: all of them, but a Proxy-Authorization when the proxy's URL carries credentials,
/// which win (as they win over a caller's Proxy-Authorization among the request's fields): a
/// request never carries two.
pub(crate) fn proxy_fields<'a>(
    proxy: &Proxy,
    fields: &'a [(String, String)],
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    let own_credentials = proxy.authorization().is_some();
    fields
        .iter()
        .filter(move |(name, _)| {
            !(own_credentials && name.eq_ignore_ascii_case("proxy-authorization"))
        })
        .map(|(name, value)| (name.as_str(), value.as_str()))
}

/// The caller's proxy header fields that go with a request the proxy forwards (absolute-form,
/// no tunnel): [`proxy_fields`] but a `Host`, which is for the CONNECT. A forwarded request's
/// Host must be the authority of its URL (RFC 9112 section 3.2.2), and a proxy ignores it
/// anyway; a second one would make the request one a server must refuse.
pub(crate) fn forwarded_proxy_fields<'a>(
    proxy: &Proxy,
    fields: &'a [(String, String)],
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    proxy_fields(proxy, fields).filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
}

/// Whether `url`'s host is this machine: a localhost name (the resolver's rule, so that a name
/// it sends to loopback is never sent to a proxy instead) or a loopback address.
fn is_loopback(url: &Url) -> bool {
    match url.host_kind() {
        HostKind::Domain => crate::transport::connect::is_localhost_name(url.host()),
        HostKind::Ipv4 | HostKind::Ipv6 => url
            .host()
            .parse::<std::net::IpAddr>()
            // ::ffff:127.0.0.1 is the IPv4 loopback address, reached over IPv6.
            .is_ok_and(|ip| ip.to_canonical().is_loopback()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> EnvProxies {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        EnvProxies::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .unwrap()
    }

    fn proxy_for(proxies: &EnvProxies, url: &str) -> Option<String> {
        proxies
            .for_url(&Url::parse(url).unwrap())
            .map(Proxy::authority)
    }

    #[test]
    fn loopback_addresses_never_go_through_a_proxy() {
        // ::ffff:127.0.0.1 is this machine's IPv4 loopback too: through a proxy it would be
        // the proxy host's.
        let proxies = env(&[("http_proxy", "p1:3128")]);
        for url in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]:8080/",
            "http://[::ffff:7f00:1]/",
        ] {
            assert_eq!(proxy_for(&proxies, url), None, "{url}");
        }
        assert!(proxy_for(&proxies, "http://[::ffff:10.0.0.1]/").is_some());
    }

    #[test]
    fn scheme_specific_variables_and_all_proxy() {
        let proxies = env(&[("http_proxy", "p1:3128"), ("ALL_PROXY", "http://p2:8080")]);
        assert_eq!(
            proxy_for(&proxies, "http://example.com/"),
            Some("p1:3128".into())
        );
        assert_eq!(
            proxy_for(&proxies, "https://example.com/"),
            Some("p2:8080".into())
        );
    }

    #[test]
    fn lower_case_wins() {
        let proxies = env(&[("HTTPS_PROXY", "upper:1"), ("https_proxy", "lower:2")]);
        assert_eq!(
            proxy_for(&proxies, "https://example.com/"),
            Some("lower:2".into())
        );
    }

    #[test]
    fn upper_case_http_proxy_is_never_read() {
        // httpoxy: under CGI, `HTTP_PROXY` is the request's `Proxy:` header.
        let cgi = env(&[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "attacker:80")]);
        assert_eq!(proxy_for(&cgi, "http://example.com/"), None);
        assert_eq!(proxy_for(&cgi, "https://example.com/"), None);
        let plain = env(&[("HTTP_PROXY", "upper:1"), ("all_proxy", "all:2")]);
        assert_eq!(
            proxy_for(&plain, "http://example.com/"),
            Some("all:2".into())
        );
    }

    #[test]
    fn upper_case_https_all_and_no_proxy_are_still_read() {
        let proxies = env(&[
            ("HTTPS_PROXY", "s:1"),
            ("ALL_PROXY", "a:2"),
            ("NO_PROXY", "direct.example"),
        ]);
        assert_eq!(
            proxy_for(&proxies, "https://example.com/"),
            Some("s:1".into())
        );
        assert_eq!(
            proxy_for(&proxies, "http://example.com/"),
            Some("a:2".into())
        );
        assert_eq!(proxy_for(&proxies, "https://direct.example/"), None);
    }

    #[test]
    fn an_empty_http_proxy_means_no_proxy() {
        let proxies = env(&[("http_proxy", ""), ("all_proxy", "all:2")]);
        assert_eq!(proxy_for(&proxies, "http://example.com/"), None);
        assert_eq!(
            proxy_for(&proxies, "https://example.com/"),
            Some("all:2".into())
        );
    }

    #[test]
    fn an_empty_lower_case_variable_wins_over_the_upper_case_one() {
        let https = env(&[("https_proxy", ""), ("HTTPS_PROXY", "upper:1")]);
        assert_eq!(proxy_for(&https, "https://example.com/"), None);
        let all = env(&[("all_proxy", " "), ("ALL_PROXY", "upper:1")]);
        assert_eq!(proxy_for(&all, "http://example.com/"), None);
        assert_eq!(proxy_for(&all, "https://example.com/"), None);
        let no_proxy = env(&[("all_proxy", "p:1"), ("no_proxy", ""), ("NO_PROXY", "*")]);
        assert_eq!(
            proxy_for(&no_proxy, "http://example.com/"),
            Some("p:1".into())
        );
    }

    #[test]
    fn an_empty_upper_case_variable_is_set_too() {
        let proxies = env(&[("HTTPS_PROXY", ""), ("all_proxy", "all:2")]);
        assert_eq!(proxy_for(&proxies, "https://example.com/"), None);
    }

    #[test]
    fn no_proxy_matches_domains_and_subdomains_only() {
        let proxies = env(&[
            ("all_proxy", "p:1"),
            ("NO_PROXY", "internal.example, .corp,10.1.2.3"),
        ]);
        assert_eq!(proxy_for(&proxies, "http://internal.example/"), None);
        assert_eq!(proxy_for(&proxies, "http://api.internal.example/"), None);
        assert_eq!(proxy_for(&proxies, "http://host.corp/"), None);
        assert_eq!(proxy_for(&proxies, "http://10.1.2.3/"), None);
        assert_eq!(
            proxy_for(&proxies, "http://notinternal.example/"),
            Some("p:1".into())
        );
    }

    #[test]
    fn no_proxy_takes_cidr_ranges_ports_trailing_dots_and_bracketed_ipv6() {
        let proxies = env(&[
            ("all_proxy", "p:1"),
            (
                "no_proxy",
                "10.0.0.0/8 [fe80::1], example.org., api.test:8443",
            ),
        ]);
        assert_eq!(proxy_for(&proxies, "http://10.20.30.40/"), None);
        assert_eq!(proxy_for(&proxies, "http://[fe80::1]/"), None);
        assert_eq!(proxy_for(&proxies, "http://www.example.org./"), None);
        assert_eq!(proxy_for(&proxies, "https://api.test:8443/"), None);
        assert_eq!(proxy_for(&proxies, "https://api.test/"), Some("p:1".into()));
        assert_eq!(proxy_for(&proxies, "http://11.0.0.1/"), Some("p:1".into()));
    }

    #[test]
    fn no_proxy_star_disables_proxies() {
        let proxies = env(&[("all_proxy", "p:1"), ("no_proxy", "*")]);
        assert_eq!(proxy_for(&proxies, "http://example.com/"), None);
    }

    #[test]
    fn loopback_is_never_proxied_from_the_environment() {
        let proxies = env(&[("all_proxy", "p:1")]);
        assert_eq!(proxy_for(&proxies, "http://127.0.0.1:8080/"), None);
        assert_eq!(proxy_for(&proxies, "http://localhost/"), None);
        assert_eq!(proxy_for(&proxies, "http://[::1]/"), None);
    }

    #[test]
    fn a_bad_proxy_variable_is_named_in_the_error() {
        let err = EnvProxies::from_lookup(|name| {
            (name == "HTTPS_PROXY").then(|| "socks5://x:1".to_string())
        })
        .unwrap_err();
        assert!(err.to_string().contains("$HTTPS_PROXY"), "{err}");
    }

    #[test]
    fn proxy_credentials_become_a_header_and_are_never_displayed() {
        let proxy = Proxy::new("http://user:pa%20ss@proxy:3128").unwrap();
        assert_eq!(
            proxy.authorization(),
            Some(auth::basic("user", "pa ss").unwrap().as_str())
        );
        assert!(!format!("{proxy} {proxy:?}").contains("pa"));
    }
}
