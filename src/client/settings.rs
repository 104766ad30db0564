//! [`Settings`]: what an agent applies to each call, as values; the reasons live in
//! [`crate::defaults`]. No behaviour here.

use std::time::Duration;

use crate::client::proxy::{EnvProxies, Proxy};
use crate::defaults;
use crate::http1::head::HeadLimits;
use crate::url::Url;

/// Settings an agent applies to each request.
#[derive(Debug, Clone)]
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
    pub(crate) proxy: ProxySetting,
    pub(crate) decompress: bool,
    /// Set when the agent could not be built from the environment: every call fails with it.
    pub(crate) unusable: Option<(crate::error::ErrorKind, String)>,
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
            proxy: ProxySetting::None,
            decompress: cfg!(feature = "gzip"),
            unusable: None,
        }
    }
}
