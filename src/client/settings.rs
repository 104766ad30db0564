//! [`Settings`]: what an agent applies to each call, as values; [`Overrides`]: what one request
//! changes of them; [`CallSettings`]: the two combined for one call. The reasons for the
//! defaults live in [`crate::defaults`]. No behaviour here.

use std::time::Duration;

use crate::client::proxy::{EnvProxies, Proxy};
use crate::defaults;
use crate::expect_continue::ExpectContinue;
use crate::http1::head::HeadLimits;
use crate::retry::RetryPolicy;
use crate::url::Url;

/// Settings an agent applies to each request.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) write_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) head_timeout: Option<Duration>,
    pub(crate) low_speed: Option<LowSpeed>,
    pub(crate) max_redirects: u32,
    pub(crate) allow_https_to_http: bool,
    pub(crate) head_limits: HeadLimits,
    pub(crate) max_body_size: u64,
    pub(crate) user_agent: Option<String>,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) proxy: ProxySetting,
    pub(crate) decompress: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) expect_continue: ExpectContinue,
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
            head_timeout: Some(defaults::HEAD_TIMEOUT),
            low_speed: None,
            max_redirects: defaults::MAX_REDIRECTS,
            allow_https_to_http: false,
            head_limits: HeadLimits::default(),
            max_body_size: defaults::MAX_BODY_SIZE,
            user_agent: Some(concat!("plainwire/", env!("CARGO_PKG_VERSION")).to_string()),
            default_headers: Vec::new(),
            proxy: ProxySetting::None,
            decompress: cfg!(feature = "gzip"),
            retry: RetryPolicy::none(),
            expect_continue: ExpectContinue::default(),
            unusable: None,
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

/// What one request changes of its agent's settings, as requests takes `timeout=` or
/// `allow_redirects=` per call. `None` keeps the agent's value.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Overrides {
    pub(crate) timeout: Option<Duration>,
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
        CallSettings {
            timeout: overrides.timeout.or(self.timeout),
            read_timeout: overrides.read_timeout.unwrap_or(self.read_timeout),
            write_timeout: self.write_timeout,
            head_timeout: overrides.head_timeout.unwrap_or(self.head_timeout),
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
