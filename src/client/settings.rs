//! [`Settings`]: what an agent applies to each call, as values; the reasons live in
//! [`crate::defaults`]. No behaviour here.

use std::time::Duration;

use crate::client::proxy::{EnvProxies, Proxy};
use crate::defaults;
use crate::http1::head::HeadLimits;
use crate::trace::SecretHeaders;
use crate::url::Url;

/// Settings an agent applies to each request.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) write_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_redirects: u32,
    pub(crate) allow_https_to_http: bool,
    pub(crate) head_limits: HeadLimits,
    pub(crate) max_body_size: u64,
    pub(crate) user_agent: Option<String>,
    pub(crate) default_headers: Vec<(String, String)>,
    /// The header fields whose values the trace and `Debug` output mask.
    pub(crate) secret_headers: SecretHeaders,
    pub(crate) proxy: ProxySetting,
    pub(crate) decompress: bool,
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
            max_redirects,
            allow_https_to_http,
            head_limits,
            max_body_size,
            user_agent,
            default_headers,
            secret_headers,
            proxy,
            decompress,
            unusable,
        } = self;
        f.debug_struct("Settings")
            .field("connect_timeout", connect_timeout)
            .field("read_timeout", read_timeout)
            .field("write_timeout", write_timeout)
            .field("timeout", timeout)
            .field("max_redirects", max_redirects)
            .field("allow_https_to_http", allow_https_to_http)
            .field("head_limits", head_limits)
            .field("max_body_size", max_body_size)
            .field("user_agent", user_agent)
            .field(
                "default_headers",
                &secret_headers.debug_fields(default_headers),
            )
            .field("secret_headers", secret_headers)
            .field("proxy", proxy)
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
    Env(EnvProxies),
    /// One proxy for every URL.
    Fixed(Proxy),
}

impl Settings {
    /// The proxy for `url`, if any.
    pub(crate) fn proxy_for(&self, url: &Url) -> Option<&Proxy> {
        match &self.proxy {
            ProxySetting::None => None,
            ProxySetting::Env(env) => env.for_url(url),
            ProxySetting::Fixed(proxy) => Some(proxy),
        }
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
            max_redirects: defaults::MAX_REDIRECTS,
            allow_https_to_http: false,
            head_limits: HeadLimits::default(),
            max_body_size: defaults::MAX_BODY_SIZE,
            user_agent: Some(concat!("plainwire/", env!("CARGO_PKG_VERSION")).to_string()),
            default_headers: Vec::new(),
            secret_headers: SecretHeaders::default(),
            proxy: ProxySetting::None,
            decompress: cfg!(feature = "gzip"),
            unusable: None,
        }
    }
}
