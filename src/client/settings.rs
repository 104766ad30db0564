//! [`Settings`]: what an agent applies to each call, as values; [`Overrides`]: what one request
//! changes of them; [`CallSettings`]: the two combined for one call. The reasons for the
//! defaults live in [`crate::defaults`]. No behaviour here.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::credentials::Credentials;
use crate::auth::netrc::Netrc;
use crate::client::default_headers::DefaultHeaders;
use crate::client::no_proxy::NoProxy;
#[cfg(feature = "env")]
use crate::client::proxy::EnvProxies;
use crate::client::proxy::Proxy;
use crate::client::redirect::RedirectRules;
use crate::defaults;
use crate::expect_continue::ExpectContinue;
use crate::http1::head::HeadLimits;
use crate::retry::RetryPolicy;
use crate::trace::SecretHeaders;
use crate::transport::local_end::LocalEnd;
use crate::url::Url;

/// Settings an agent applies to each request.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) write_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    /// `None`: not set, so the read timeout (see [`Settings::for_call`]).
    pub(crate) head_timeout: Option<Option<Duration>>,
    pub(crate) low_speed: Option<LowSpeed>,
    pub(crate) max_redirects: u32,
    pub(crate) allow_https_to_http: bool,
    pub(crate) redirect_rules: RedirectRules,
    pub(crate) head_limits: HeadLimits,
    pub(crate) max_body_size: u64,
    pub(crate) user_agent: Option<String>,
    pub(crate) default_headers: DefaultHeaders,
    /// Query pairs appended to the URL of every request, after the request's own.
    pub(crate) query: Vec<(String, String)>,
    /// Credentials for Digest authentication, answered when a server asks for them.
    pub(crate) digest_auth: Option<Credentials>,
    /// The `.netrc` whose Basic credentials go to the hosts it names.
    pub(crate) netrc: Option<Arc<Netrc>>,
    /// The header fields whose values the trace and `Debug` output mask.
    pub(crate) secret_headers: SecretHeaders,
    pub(crate) proxy: ProxySetting,
    /// Header fields for the proxy only: on the CONNECT, or on a request forwarded in
    /// absolute form (curl's `--proxy-header`).
    pub(crate) proxy_headers: Vec<(String, String)>,
    /// Whether plain http through a proxy goes through a CONNECT tunnel too (curl's `-p`).
    pub(crate) proxy_tunnel: bool,
    /// Where names resolve and connections go, in place of the resolver (curl's `--resolve`,
    /// `--connect-to`, `-4`, `-6`).
    pub(crate) routes: Routes,
    /// The local address and interface of every connection (feature `bind`; without it, the
    /// system's choice).
    pub(crate) local_end: LocalEnd,
    /// Hosts reached directly whatever the proxy setting (curl's `--noproxy`), in place of the
    /// environment's `no_proxy`.
    pub(crate) no_proxy: Option<NoProxy>,
    pub(crate) decompress: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) expect_continue: ExpectContinue,
    /// Set when the agent could not be built from the environment: every call fails with it.
    pub(crate) unusable: Option<(crate::error::ErrorKind, String)>,
}

impl std::fmt::Debug for Settings {
    /// Every setting, the values of secret header fields masked. Written out field by field so
    /// that a new setting must be added here, and someone decides whether it can be shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Settings {
            connect_timeout,
            read_timeout,
            write_timeout,
            timeout,
            head_timeout,
            low_speed,
            retry,
            expect_continue,
            max_redirects,
            allow_https_to_http,
            redirect_rules,
            head_limits,
            max_body_size,
            user_agent,
            default_headers,
            secret_headers,
            query,
            digest_auth,
            netrc,
            proxy,
            proxy_headers,
            proxy_tunnel,
            routes,
            local_end,
            no_proxy,
            decompress,
            unusable,
        } = self;
        f.debug_struct("Settings")
            .field("connect_timeout", connect_timeout)
            .field("read_timeout", read_timeout)
            .field("write_timeout", write_timeout)
            .field("timeout", timeout)
            .field("head_timeout", head_timeout)
            .field("low_speed", low_speed)
            .field("retry", retry)
            .field("expect_continue", expect_continue)
            .field("max_redirects", max_redirects)
            .field("allow_https_to_http", allow_https_to_http)
            .field("redirect_rules", redirect_rules)
            .field("head_limits", head_limits)
            .field("max_body_size", max_body_size)
            .field("user_agent", user_agent)
            .field(
                "default_headers",
                &secret_headers.debug_fields(default_headers.fields()),
            )
            .field("secret_headers", secret_headers)
            // Shown as every URL is, in errors and traces: a key belongs in a header field
            // named with `secret_header`, not in a query.
            .field("query", query)
            .field("digest_auth", &digest_auth.as_ref().map(|_| "*****"))
            .field("netrc", &netrc.as_ref().map(|_| "*****"))
            .field("proxy", proxy)
            .field("proxy_headers", &secret_headers.debug_fields(proxy_headers))
            .field("proxy_tunnel", proxy_tunnel)
            .field("routes", routes)
            .field("local_end", local_end)
            .field("no_proxy", no_proxy)
            .field("decompress", decompress)
            .field("unusable", unusable)
            .finish()
    }
}

/// Where proxies come from.
#[derive(Debug, Clone)]
pub(crate) enum ProxySetting {
    /// No proxy at all.
    None,
    /// The environment, read once when the agent was built.
    #[cfg(feature = "env")]
    Env(Box<EnvProxies>),
    /// One proxy for every URL.
    Fixed(Proxy),
}

impl Settings {
    /// Whether a request to `url` through `proxy` is forwarded by it in absolute form (plain
    /// http, no tunnel asked for), rather than sent through a CONNECT tunnel (https, or `-p`).
    pub(crate) fn forwards(&self, url: &Url, proxy: Option<&Proxy>) -> bool {
        proxy.is_some() && url.scheme() == crate::url::Scheme::Http && !self.proxy_tunnel
    }

    /// The proxy for `url`, if any; an error when the environment names one for it that
    /// plainwire cannot use.
    pub(crate) fn proxy_for(&self, url: &Url) -> crate::error::Result<Option<&Proxy>> {
        if let Some(no_proxy) = &self.no_proxy {
            if no_proxy.matches(url.host(), url.port()) {
                return Ok(None);
            }
        }
        Ok(match &self.proxy {
            ProxySetting::None => None,
            #[cfg(feature = "env")]
            // The agent's own no_proxy list, when it has one, replaces the environment's.
            ProxySetting::Env(env) => return env.checked_for_url(url, self.no_proxy.is_some()),
            ProxySetting::Fixed(proxy) => Some(proxy),
        })
    }
}

impl Default for Settings {
    /// The values of [`crate::defaults`]; with the `gzip` feature, compressed bodies are asked
    /// for and decoded.
    fn default() -> Settings {
        Settings {
            connect_timeout: Some(defaults::CONNECT_TIMEOUT),
            read_timeout: Some(defaults::READ_TIMEOUT),
            write_timeout: Some(defaults::WRITE_TIMEOUT),
            timeout: None,
            head_timeout: None,
            low_speed: None,
            max_redirects: defaults::MAX_REDIRECTS,
            allow_https_to_http: false,
            redirect_rules: RedirectRules::default(),
            head_limits: HeadLimits::default(),
            max_body_size: defaults::MAX_BODY_SIZE,
            user_agent: Some(concat!("plainwire/", env!("CARGO_PKG_VERSION")).to_string()),
            default_headers: DefaultHeaders::default(),
            query: Vec::new(),
            digest_auth: None,
            netrc: None,
            secret_headers: SecretHeaders::default(),
            proxy: ProxySetting::None,
            proxy_headers: Vec::new(),
            proxy_tunnel: false,
            routes: Routes::default(),
            local_end: LocalEnd::default(),
            no_proxy: None,
            decompress: cfg!(feature = "gzip"),
            retry: RetryPolicy::none(),
            expect_continue: ExpectContinue::default(),
            unusable: None,
        }
    }
}

/// Overrides of name resolution and of where a connection goes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Routes {
    /// `host:port` resolves to these addresses (curl's `--resolve`).
    pub(crate) resolve: Vec<(String, u16, Vec<IpAddr>)>,
    /// A connection for `host:port` goes to another `host:port` (curl's `--connect-to`); a
    /// `None` matches any host or port, or keeps it.
    pub(crate) connect_to: Vec<ConnectTo>,
    /// Which address family to use.
    pub(crate) family: IpFamily,
}

/// One `--connect-to` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectTo {
    pub(crate) from_host: Option<String>,
    pub(crate) from_port: Option<u16>,
    pub(crate) to_host: Option<String>,
    pub(crate) to_port: Option<u16>,
}

impl Routes {
    /// Where a connection for `host:port` really goes: the first matching `connect_to` rule's
    /// target, or the same place.
    pub(crate) fn target<'a>(&'a self, host: &'a str, port: u16) -> (&'a str, u16) {
        for rule in &self.connect_to {
            let host_matches = rule
                .from_host
                .as_deref()
                .is_none_or(|from| from.eq_ignore_ascii_case(host));
            if host_matches && rule.from_port.is_none_or(|from| from == port) {
                return (
                    rule.to_host.as_deref().unwrap_or(host),
                    rule.to_port.unwrap_or(port),
                );
            }
        }
        (host, port)
    }

    /// The addresses `host:port` resolves to by an override, if there is one.
    pub(crate) fn resolved(&self, host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        self.resolve
            .iter()
            .find(|(name, p, _)| *p == port && name.eq_ignore_ascii_case(host))
            .map(|(_, _, addrs)| addrs.iter().map(|ip| SocketAddr::new(*ip, port)).collect())
    }
}

/// Which IP address family connections use, as curl's `-4` and `-6`.
///
/// ```
/// let agent = plainwire::Agent::builder()
///     .ip_family(plainwire::IpFamily::V4)
///     .build()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IpFamily {
    /// Whatever the resolver gives, in its order.
    #[default]
    Any,
    /// IPv4 addresses only (curl `-4`).
    V4,
    /// IPv6 addresses only (curl `-6`).
    V6,
}

impl IpFamily {
    /// Whether `addr` is of this family.
    pub(crate) fn allows(self, addr: &SocketAddr) -> bool {
        match self {
            IpFamily::Any => true,
            IpFamily::V4 => addr.is_ipv4(),
            IpFamily::V6 => addr.is_ipv6(),
        }
    }
}

/// curl's low-speed limit (`--speed-limit`, `--speed-time`): a transfer that receives fewer than
/// `bytes_per_second` on average over any `period` is aborted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LowSpeed {
    pub(crate) bytes_per_second: u64,
    pub(crate) period: Duration,
}

impl LowSpeed {
    /// Whether the limit bounds nothing: 0 bytes a second, or a period shorter than the
    /// millisecond it is counted in (curl turns its limit off for a zero speed or time). Such
    /// a limit still replaces the floor a body read into memory or an upload is held to, as
    /// any limit the caller sets does.
    pub(crate) fn bounds_nothing(&self) -> bool {
        self.bytes_per_second == 0 || self.period < Duration::from_millis(1)
    }
}

/// What one request changes of its agent's settings, as requests takes `timeout=` or
/// `allow_redirects=` per call. `None` keeps the agent's value.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Overrides {
    /// `Some(None)`: no deadline for this call, whatever the agent's.
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) read_timeout: Option<Option<Duration>>,
    pub(crate) head_timeout: Option<Option<Duration>>,
    pub(crate) low_speed: Option<Option<LowSpeed>>,
    pub(crate) max_redirects: Option<u32>,
    pub(crate) max_body_size: Option<u64>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) expect_continue: Option<ExpectContinue>,
}

/// The time limits and bounds one call runs with: the agent's settings, with the request's
/// overrides applied. Small and `Copy`, so that it can travel down the call by value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallSettings {
    pub(crate) timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) write_timeout: Option<Duration>,
    pub(crate) head_timeout: Option<Duration>,
    pub(crate) low_speed: Option<LowSpeed>,
    pub(crate) max_redirects: u32,
    pub(crate) max_body_size: u64,
    pub(crate) head_limits: HeadLimits,
    pub(crate) retry: RetryPolicy,
    pub(crate) expect_continue: ExpectContinue,
}

impl Settings {
    /// The settings of one call: these, with `overrides` applied.
    pub(crate) fn for_call(&self, overrides: &Overrides) -> CallSettings {
        let read_timeout = overrides.read_timeout.unwrap_or(self.read_timeout);
        CallSettings {
            timeout: overrides.timeout.unwrap_or(self.timeout),
            read_timeout,
            write_timeout: self.write_timeout,
            // Unless set, the head timeout is the read timeout, so that raising the one raises
            // the other: a server may then be silent before its head as long as the read
            // timeout allows (see `defaults::HEAD_TIMEOUT`).
            head_timeout: overrides
                .head_timeout
                .or(self.head_timeout)
                .unwrap_or(read_timeout),
            low_speed: overrides.low_speed.unwrap_or(self.low_speed),
            max_redirects: overrides.max_redirects.unwrap_or(self.max_redirects),
            max_body_size: overrides.max_body_size.unwrap_or(self.max_body_size),
            head_limits: self.head_limits,
            retry: overrides.retry.unwrap_or(self.retry),
            expect_continue: overrides.expect_continue.unwrap_or(self.expect_continue),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_has_a_deadline_of_its_own_by_default() {
        let call = Settings::default().for_call(&Overrides::default());
        assert_eq!(call.head_timeout, Some(defaults::HEAD_TIMEOUT));
        assert_eq!(call.read_timeout, Some(defaults::READ_TIMEOUT));
        assert_eq!(call.low_speed, None);
    }

    #[cfg(feature = "env")]
    #[test]
    fn a_proxy_variable_plainwire_cannot_use_fails_only_the_requests_it_would_carry() {
        // all_proxy=socks5://... (plainwire speaks to HTTP proxies only), no_proxy=.internal
        let env = EnvProxies::from_lookup_keeping_errors(|name| match name {
            "all_proxy" => Some("socks5://127.0.0.1:1080".to_string()),
            "no_proxy" => Some(".internal".to_string()),
            _ => None,
        });
        let settings = Settings {
            proxy: ProxySetting::Env(Box::new(env)),
            ..Settings::default()
        };
        let url = |text: &str| Url::parse(text).unwrap();
        let err = settings
            .proxy_for(&url("https://example.com/"))
            .unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::UnsupportedScheme);
        assert!(err.to_string().contains("$all_proxy"), "{err}");
        assert!(settings.proxy_for(&url("http://example.com/")).is_err());
        // no_proxy and loopback never meet that proxy.
        assert_eq!(
            settings.proxy_for(&url("http://git.internal/")).unwrap(),
            None
        );
        assert_eq!(
            settings.proxy_for(&url("http://127.0.0.1:8080/")).unwrap(),
            None
        );
    }

    #[test]
    fn the_head_timeout_unless_set_is_the_read_timeout() {
        let long = Some(Duration::from_secs(100));
        let raised = Overrides {
            read_timeout: Some(long),
            ..Overrides::default()
        };
        assert_eq!(Settings::default().for_call(&raised).head_timeout, long);
        let none = Overrides {
            read_timeout: Some(None),
            ..Overrides::default()
        };
        assert_eq!(Settings::default().for_call(&none).head_timeout, None);
        // One set, by the agent or the request, stays.
        let agents = Settings {
            head_timeout: Some(Some(Duration::from_secs(10))),
            ..Settings::default()
        };
        assert_eq!(
            agents.for_call(&raised).head_timeout,
            Some(Duration::from_secs(10))
        );
        let requests = Overrides {
            head_timeout: Some(None),
            ..raised
        };
        assert_eq!(Settings::default().for_call(&requests).head_timeout, None);
    }

    #[test]
    fn a_request_overrides_only_what_it_names() {
        let overrides = Overrides {
            read_timeout: Some(None),
            max_redirects: Some(0),
            ..Overrides::default()
        };
        let call = Settings::default().for_call(&overrides);
        assert_eq!(call.read_timeout, None);
        assert_eq!(call.max_redirects, 0);
        assert_eq!(call.max_body_size, defaults::MAX_BODY_SIZE);
    }
}
