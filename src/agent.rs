//! The [`Agent`]: shared configuration and a pool of kept-alive connections; and its builder.
//! What a call does with them is the middle layer's business ([`crate::client`]).
//!
//! An agent is to plainwire what a `Session` is to requests: make one, configure it once, and
//! send every request through it so that connections are reused. It is cheap to clone (an
//! `Arc`) and can be shared between threads. The free functions ([`crate::get`] …) use a
//! default agent, created on first use.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

#[cfg(feature = "env")]
use crate::auth::netrc::Netrc;
#[cfg(feature = "env")]
use crate::client::proxy::EnvProxies;
use crate::client::proxy::Proxy;
use crate::client::settings::{LowSpeed, ProxySetting, Settings};
use crate::client::Shared;
#[cfg(feature = "cookies")]
use crate::cookie::CookieJar;
use crate::defaults;
use crate::error::{Error, Result};
use crate::expect_continue::ExpectContinue;
use crate::http1::write::check_header;
use crate::middleware::{Chain, Middleware};
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;
use crate::trace::{TraceEvent, TraceHook, Tracer};
use crate::transport::pool::{IdlePool, PoolLimits};
#[cfg(feature = "tls")]
use crate::transport::trust::TlsVersion;

/// Shared configuration and connection pool for requests. Cheap to clone; `Send + Sync`.
///
/// ```no_run
/// use std::time::Duration;
/// let agent = plainwire::Agent::builder()
///     .timeout(Duration::from_secs(10))
///     .user_agent("my-tool/1.0")
///     .build()?;
/// let body = agent.get("https://example.com/").send()?.text()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Clone)]
pub struct Agent {
    shared: Arc<Shared>,
    /// The caller's middleware, run around each call; `None` when there is none, so that a
    /// call without it costs nothing.
    middleware: Option<Chain>,
}

/// Builds an [`Agent`]: start with [`Agent::builder`], chain the settings, end with
/// [`build`](AgentBuilder::build). Each setter's documentation gives its default, and
/// [`defaults`](crate::defaults) lists them all with their reasons.
///
/// ```
/// use std::time::Duration;
///
/// // s = requests.Session(); s.headers["Accept"] = "application/json"
/// let agent = plainwire::Agent::builder()
///     .timeout(Duration::from_secs(30))
///     .default_header("Accept", "application/json")
///     .max_redirects(5)
///     .cookie_store(true)
///     .build()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
#[must_use]
pub struct AgentBuilder {
    settings: Settings,
    pool: PoolLimits,
    proxy_from_env: bool,
    error: Option<Error>,
    trace: Option<TraceHook>,
    trace_unmasked: bool,
    middleware: Vec<Arc<dyn Middleware>>,
    #[cfg(feature = "cookies")]
    cookies: Option<CookieJar>,
    netrc: Option<NetrcSource>,
    #[cfg(feature = "tls")]
    trust: crate::transport::trust::TrustSettings,
    #[cfg(feature = "tls")]
    key_log_from_env: bool,
}

/// Where the agent's `.netrc` comes from.
#[derive(Debug)]
#[cfg_attr(not(feature = "env"), allow(dead_code))]
enum NetrcSource {
    /// `$NETRC`, else `~/.netrc`; none is no error.
    Default,
    /// A file named by the caller.
    File(std::path::PathBuf),
}

impl Default for AgentBuilder {
    fn default() -> AgentBuilder {
        AgentBuilder {
            settings: Settings::default(),
            pool: PoolLimits {
                max_idle_per_host: defaults::MAX_IDLE_PER_HOST,
                max_idle: defaults::MAX_IDLE,
                idle_timeout: defaults::IDLE_TIMEOUT,
            },
            proxy_from_env: cfg!(feature = "env"),
            error: None,
            trace: None,
            trace_unmasked: false,
            middleware: Vec::new(),
            #[cfg(feature = "cookies")]
            cookies: None,
            netrc: None,
            #[cfg(feature = "tls")]
            trust: crate::transport::trust::TrustSettings::new(),
            #[cfg(feature = "tls")]
            key_log_from_env: false,
        }
    }
}

impl std::fmt::Debug for AgentBuilder {
    /// The settings, with the values of secret header fields masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentBuilder")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl AgentBuilder {
    // Every timeout setter takes `impl Into<Option<Duration>>`: a `Duration` sets the limit,
    // `None` removes it.

    /// The overall deadline for each call, from the first byte of name resolution to the last
    /// byte of the body, redirects included. Default: none.
    ///
    /// ```
    /// use std::time::Duration;
    /// let agent = plainwire::Agent::builder()
    ///     .timeout(Duration::from_secs(10)) // the whole call
    ///     .connect_timeout(Duration::from_secs(3))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.timeout = timeout.into();
        self
    }

    /// The limit on opening a connection: resolving the name (on a helper thread, since the
    /// system resolver cannot be interrupted; not for an IP address or a localhost name,
    /// which need no resolver), TCP connect to every resolved address, and the TLS handshake.
    /// Default: [30 seconds](crate::defaults::CONNECT_TIMEOUT).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.connect_timeout = timeout.into();
        self
    }

    /// How long the server may stay silent while we wait for any part of a response.
    /// Default: [60 seconds](crate::defaults::READ_TIMEOUT). `None` waits forever, unless
    /// another limit is set.
    ///
    /// ```
    /// use std::time::Duration;
    /// // A stream of events may be quiet for minutes: no idle limit, but a bounded head.
    /// let agent = plainwire::Agent::builder()
    ///     .read_timeout(None)
    ///     .head_timeout(Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.read_timeout = timeout.into();
        self
    }

    /// How long a write may block on a server that does not read. Default:
    /// [60 seconds](crate::defaults::WRITE_TIMEOUT).
    ///
    /// ```
    /// use std::time::Duration;
    /// let agent = plainwire::Agent::builder().write_timeout(Duration::from_secs(120)).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn write_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.write_timeout = timeout.into();
        self
    }

    /// How long the response head may take in all, from the end of the request to the end of
    /// the head, so that a server dripping its head a byte at a time cannot hold a call. The
    /// wait for `100 Continue` before a body is held to it as well, from the end of the
    /// request's head. Default: the [read timeout](AgentBuilder::read_timeout) (so [60
    /// seconds](crate::defaults::HEAD_TIMEOUT) unless that is changed): raising the read timeout
    /// for a server that thinks long before it answers raises this with it.
    pub fn head_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.head_timeout = Some(timeout.into());
        self
    }

    /// curl's low-speed limit (`--speed-limit`, `--speed-time`): a body that brings fewer than
    /// `bytes_per_second` on average over any `period` is aborted with
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout). Default: none for a body read as a
    /// stream, as in curl, since a stream of events may rightly trickle; a body read into memory
    /// must keep up [1 KiB/s](crate::defaults::BUFFERED_MIN_SPEED) over each read-timeout period.
    /// A limit set here replaces that floor; one of 0 bytes a second, or over a zero period,
    /// bounds nothing (as curl's), so it takes the floor away. Periods are counted from the
    /// first time a read waits on the server, so a body that came with its head, or a caller
    /// who reads the body a while after the head, spends none of the server's time.
    ///
    /// An upload of known length is held to it too, as a whole: it must be sent within one
    /// `period` plus its length at `bytes_per_second`. Without a limit, an upload of bytes, a
    /// file or a form is held to 1 KiB/s over the write timeout that way; one from the caller's
    /// reader is not.
    ///
    /// ```
    /// use std::time::Duration;
    /// // Give up on a download that brings less than 1 KiB/s for half a minute.
    /// let agent = plainwire::Agent::builder()
    ///     .low_speed_limit(1024, Duration::from_secs(30))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn low_speed_limit(mut self, bytes_per_second: u64, period: Duration) -> Self {
        self.settings.low_speed = Some(LowSpeed {
            bytes_per_second,
            period,
        });
        self
    }

    /// The most redirects followed in one call; 0 returns redirects as responses. Default: 10.
    ///
    /// ```
    /// // requests: s.max_redirects = 3
    /// let agent = plainwire::Agent::builder().max_redirects(3).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn max_redirects(mut self, max: u32) -> Self {
        self.settings.max_redirects = max;
        self
    }

    /// Sends a failed request again as `policy` says: after a connection error or a 503, say,
    /// with backoff and within the call's deadline (see [`RetryPolicy`] for the rules).
    /// Default: [`RetryPolicy::none`]; a request can set its own with
    /// [`RequestBuilder::retry`].
    ///
    /// ```
    /// use plainwire::RetryPolicy;
    /// let agent = plainwire::Agent::builder()
    ///     .retry(RetryPolicy::new(3).statuses(&[429, 503]))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Which requests ask for `100 Continue` before sending their body. Default: curl's rule,
    /// bodies above [1 MiB](crate::defaults::EXPECT_CONTINUE_MIN) or of unknown length (see
    /// [`ExpectContinue`]); a request can set its own with
    /// [`RequestBuilder::expect_continue`].
    ///
    /// ```
    /// use plainwire::ExpectContinue;
    /// let agent = plainwire::Agent::builder()
    ///     .expect_continue(ExpectContinue::LargerThan(64 * 1024))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn expect_continue(mut self, rule: ExpectContinue) -> Self {
        self.settings.expect_continue = rule;
        self
    }

    /// Whether a redirect may lead from `https` to `http`. Default: false, which makes such a
    /// redirect an [`ErrorKind::InsecureRedirect`](crate::ErrorKind::InsecureRedirect) error.
    ///
    /// ```
    /// // Only for a legacy site you trust, on a network you trust.
    /// let agent = plainwire::Agent::builder().redirect_https_to_http(true).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn redirect_https_to_http(mut self, allow: bool) -> Self {
        self.settings.allow_https_to_http = allow;
        self
    }

    /// Keeps a POST a POST, with its body, when following a redirect with `status` (301, 302
    /// or 303), as curl's `--post301`, `--post302` and `--post303`; RFC 9110 section 15.4 lets
    /// 301 and 302 keep the method, but browsers and most clients turn such a POST into a GET,
    /// and so do we by default. Other statuses are ignored.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .keep_post_on_redirect(301)
    ///     .keep_post_on_redirect(302)
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn keep_post_on_redirect(mut self, status: u16) -> Self {
        if let Some(index) = [301, 302, 303].iter().position(|&s| s == status) {
            self.settings.redirect_rules.keep_post[index] = true;
        }
        self
    }

    /// **Careful.** Sends credentials (Authorization and Cookie fields, the agent's and the
    /// request's, and the URL's user and password) along when a redirect leads to another
    /// origin, as curl's `--location-trusted`. Default: false, and any server you talk to can
    /// then send them anywhere by redirecting. Never from `https` to `http`, even when
    /// [`redirect_https_to_http`](AgentBuilder::redirect_https_to_http) allows the redirect:
    /// credentials are not sent unencrypted to a server that asked for nothing.
    ///
    /// ```
    /// // Every host this agent talks to is ours, and they redirect among themselves.
    /// let agent = plainwire::Agent::builder()
    ///     .basic_auth("deploy", "s3cret")
    ///     .redirect_keep_credentials(true)
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn redirect_keep_credentials(mut self, keep: bool) -> Self {
        self.settings.redirect_rules.keep_credentials = keep;
        self
    }

    /// Sends `Referer` with each redirected request, naming the URL that redirected (without
    /// credentials), as curl's `--referer ';auto'`. Default: false.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder().auto_referer(true).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn auto_referer(mut self, enabled: bool) -> Self {
        self.settings.redirect_rules.auto_referer = enabled;
        self
    }

    /// The schemes a redirect may lead to, as curl's `--proto-redir`: a redirect to any other
    /// is refused with [`ErrorKind::UnsupportedScheme`](crate::ErrorKind::UnsupportedScheme).
    /// Default: http and https (a redirect from https to http is refused anyway, unless
    /// [`redirect_https_to_http`](AgentBuilder::redirect_https_to_http) allows it).
    ///
    /// ```
    /// use plainwire::Scheme;
    /// let agent = plainwire::Agent::builder().redirect_schemes(&[Scheme::Https]).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn redirect_schemes(mut self, schemes: &[crate::url::Scheme]) -> Self {
        let allows = |scheme| schemes.contains(&scheme);
        self.settings.redirect_rules.schemes = [
            allows(crate::url::Scheme::Http),
            allows(crate::url::Scheme::Https),
        ];
        self
    }

    /// The largest response head accepted, in bytes. Default: 64 KiB.
    ///
    /// ```
    /// // A server with a great many Set-Cookie fields.
    /// let agent = plainwire::Agent::builder().max_head_size(256 * 1024).max_headers(4096).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn max_head_size(mut self, bytes: usize) -> Self {
        self.settings.head_limits.max_head_size = bytes;
        self
    }

    /// The most header fields accepted in a response. Default: 1024 (the head size,
    /// [`max_head_size`](AgentBuilder::max_head_size), is what bounds memory).
    pub fn max_headers(mut self, count: usize) -> Self {
        self.settings.head_limits.max_headers = count;
        self
    }

    /// The largest body that [`Response::bytes`](crate::Response::bytes), `text` and `json` will
    /// read into memory. Default: 10 MiB. Streaming reads are bounded only by
    /// [`Response::limit_body`](crate::Response::limit_body).
    ///
    /// ```
    /// // Bodies read whole may be up to 100 MiB.
    /// let agent = plainwire::Agent::builder().max_body_size(100 << 20).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.settings.max_body_size = bytes;
        self
    }

    /// The User-Agent header; an empty string sends none. Default: `plainwire/VERSION`.
    /// Replaces a `default_header("User-Agent", ..)` set before it, and undoes a
    /// [`remove_default_header("User-Agent")`](AgentBuilder::remove_default_header).
    /// A value with CR, LF, NUL or another control character but tab makes
    /// [`build`](AgentBuilder::build) fail with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest).
    ///
    /// ```
    /// let agent = plainwire::Agent::builder().user_agent("my-tool/1.2").build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        // Checked once, here, as `default_header` checks its fields: request heads then write
        // it as it is.
        if let Err(err) = check_header("User-Agent", user_agent) {
            self.remember(err);
        }
        self.settings.user_agent = (!user_agent.is_empty()).then(|| user_agent.to_string());
        // The last setter wins: a default_header("User-Agent", ..) set before goes, and so
        // does a removal.
        self.settings.default_headers.remove("user-agent");
        self.settings.default_headers.restore("user-agent");
        self
    }

    /// A header sent with every request, like requests' `session.headers[name] = value`; the
    /// value is anything [`Display`](std::fmt::Display). Names compare without regard to case:
    /// setting `ACCEPT` then `accept` keeps one field, with the last value, in the place of the
    /// first. It replaces our own field of that name (User-Agent, Accept, ...) in its place,
    /// and a request's own header of that name replaces it in turn. A default Authorization,
    /// Cookie or Proxy-Authorization stays behind when a redirect leaves the origin, and a
    /// default Host when it leads to another host or port. A name
    /// that is not a token, or a value with CR, LF, NUL or another control character but tab,
    /// makes [`build`](AgentBuilder::build) fail with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest): the agent's fields
    /// are checked once, here, not for every request.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .default_header("Accept", "application/json")
    ///     .default_header("X-Api-Version", 3)
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn default_header(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        if let Err(err) = self.settings.default_headers.set(name, value.to_string()) {
            self.remember(err);
        }
        self
    }

    /// Sends no header named `name` by default: neither one set with
    /// [`default_header`](AgentBuilder::default_header) nor our own (User-Agent, Accept,
    /// Accept-Encoding, the URL's credentials, the cookie jar's Cookie, `Expect`). A request may
    /// still add it with [`RequestBuilder::header`]; a later `default_header` of the name sets
    /// it again. As `del session.headers["User-Agent"]` in requests.
    ///
    /// Host cannot be removed: HTTP/1.1 requires it in every request (RFC 9112 section 3.2), so
    /// `build` fails with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest).
    /// Content-Length and Transfer-Encoding frame the body and stay plainwire's own; removing
    /// them does nothing.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .remove_default_header("User-Agent")
    ///     .remove_default_header("Accept")
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn remove_default_header(mut self, name: &str) -> Self {
        if name.eq_ignore_ascii_case("host") {
            self.remember(crate::request::host_is_required());
        } else {
            self.settings.default_headers.remove(name);
        }
        self
    }

    /// Adds `key=value` to the query of every request's URL, form-encoded, after the request's
    /// own pairs, as requests' `session.params`. A request that gives the same key with
    /// [`RequestBuilder::query`] sends its own value alone. Redirects are followed to the URL the
    /// server gives, without adding the pairs again.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .query("api_version", 2)
    ///     .query("format", "json")
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn query(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.settings
            .query
            .push((key.to_string(), value.to_string()));
        self
    }

    /// Sends `Authorization: Basic …` with every request, as requests' `session.auth =
    /// (user, password)`. Like every default credential it stays behind when a redirect leaves
    /// the origin, and a request's own Authorization replaces it. Replaces the agent's other
    /// authentication (bearer, Digest).
    ///
    /// ```
    /// let agent = plainwire::Agent::builder().basic_auth("ana", "s3cret").build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        match crate::auth::basic(user, password) {
            Ok(value) => self.authorization(value),
            Err(err) => {
                self.remember(err);
                self
            }
        }
    }

    /// Sends `Authorization: Bearer <token>` with every request; see
    /// [`basic_auth`](AgentBuilder::basic_auth) for where it goes and where not. A token with
    /// a CR, LF or other control character but tab makes [`build`](AgentBuilder::build) fail.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder().bearer_auth("t0ken").build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn bearer_auth(self, token: &str) -> Self {
        self.authorization(crate::auth::bearer(token))
    }

    /// Sets the agent's one Authorization field.
    fn authorization(mut self, value: String) -> Self {
        self.settings.digest_auth = None;
        if let Err(err) = self.settings.default_headers.set("Authorization", value) {
            self.remember(err);
        }
        self
    }

    /// Answers Digest challenges (RFC 7616) with these credentials on every request, as
    /// [`RequestBuilder::digest_auth`] does for one: a 401 with a Digest challenge is answered
    /// by sending the request once more (twice for a stale nonce), never to an origin other
    /// than the request's first. A request with its own Authorization is left alone. Replaces
    /// the agent's other authentication, and sends no Basic credentials from the URL or
    /// `.netrc`.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .digest_auth("Mufasa", "Circle of Life")
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "digest")]
    pub fn digest_auth(mut self, user: &str, password: &str) -> Self {
        self.settings.default_headers.remove("Authorization");
        self.settings.digest_auth =
            Some(crate::auth::credentials::Credentials::new(user, password));
        self
    }

    /// Whether to send Basic credentials from the user's `.netrc`, as curl's `--netrc` (and
    /// requests, which always does): the file `$NETRC` names, else `~/.netrc` (on Windows
    /// also `%USERPROFILE%`, and `_netrc`). Default: false. The file is read when the agent
    /// is built; a missing file is no error, one that cannot be parsed is.
    ///
    /// The entry for a request's host (a `machine` entry, else `default`) is used when the URL
    /// has no password, and only for the host and login the URL names: with
    /// `https://bob@host/`, only an entry with login `bob`. Never when the request or the
    /// agent sets its own Authorization, and never after a redirect has left the first
    /// request's origin.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder().netrc(true).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn netrc(mut self, enabled: bool) -> Self {
        self.netrc = enabled.then_some(NetrcSource::Default);
        self
    }

    /// Reads credentials from this `.netrc` file, as curl's `--netrc-file`; see
    /// [`netrc`](AgentBuilder::netrc). `build` fails if the file cannot be read or parsed.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::builder().netrc_file("/etc/myapp/netrc").build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn netrc_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.netrc = Some(NetrcSource::File(path.as_ref().to_path_buf()));
        self
    }

    /// Names a header field whose values are secret, such as `X-Api-Key`: like Authorization,
    /// Cookie and Set-Cookie, its values are masked in the [trace](AgentBuilder::trace) (in
    /// request and response heads alike, unless the agent was built with
    /// [`trace_unmasked`](AgentBuilder::trace_unmasked)) and in the `Debug` output of the
    /// agent, its requests and their responses, and it is dropped when a redirect leaves the
    /// origin. It is still sent as given. A [`Headers`](crate::Headers) on its own (what
    /// [`Response::headers`](crate::Response::headers) returns) knows nothing of the agent: its
    /// `Debug` masks only the credential fields.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .default_header("X-Api-Key", "k-123")
    ///     .secret_header("X-Api-Key")
    ///     .build()?;
    /// assert!(!format!("{agent:?}").contains("k-123"));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn secret_header(mut self, name: &str) -> Self {
        self.settings.secret_headers.add(name);
        self
    }

    /// Whether to send `Accept-Encoding: gzip, deflate` and decompress such bodies as they are
    /// read. Default: true. The size limits apply to the decompressed bytes. A request that sets
    /// its own Accept-Encoding gets the body as sent.
    ///
    /// ```
    /// // Keep gzip bodies compressed, to save them as they came.
    /// let agent = plainwire::Agent::builder().decompress(false).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "gzip")]
    pub fn decompress(mut self, enabled: bool) -> Self {
        self.settings.decompress = enabled;
        self
    }

    /// Sends every request through this HTTP proxy (`http://[user:pass@]host:port`), in place
    /// of the environment's (requests' `proxies={"http": ..., "https": ...}`, here one for
    /// both). An unusable proxy URL makes [`build`](AgentBuilder::build) fail.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .proxy("http://user:secret@proxy.internal:3128")
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn proxy(mut self, proxy_url: &str) -> Self {
        match Proxy::new(proxy_url) {
            Ok(proxy) => self.settings.proxy = ProxySetting::Fixed(proxy),
            Err(err) => self.remember(err),
        }
        self
    }

    /// Sends a header field to the proxy only (curl's `--proxy-header`): on the `CONNECT` that
    /// opens a tunnel, and on a plain-http request the proxy forwards; never through a tunnel
    /// to the origin, and never when no proxy is used. A `Host` replaces the CONNECT's own, and
    /// is left out of a forwarded request, whose Host must name its URL's host; a
    /// `Proxy-Authorization` is left out when the proxy's URL carries credentials, which win.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .proxy("http://proxy.internal:3128")
    ///     .proxy_header("X-Proxy-Team", "builds")
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn proxy_header(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        let value = value.to_string();
        match check_header(name, &value) {
            Ok(()) => self.settings.proxy_headers.push((name.to_string(), value)),
            Err(err) => self.remember(err),
        }
        self
    }

    /// Sends plain-http requests through a `CONNECT` tunnel too, as curl's `-p`
    /// (`--proxytunnel`), instead of asking the proxy to forward them: the proxy then sees
    /// only where the connection goes. Default: false (https always goes through a tunnel).
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .proxy("http://proxy.internal:3128")
    ///     .proxy_tunnel(true)
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn proxy_tunnel(mut self, tunnel: bool) -> Self {
        self.settings.proxy_tunnel = tunnel;
        self
    }

    /// Whether to take proxies from `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy`
    /// (see [`EnvProxies`](crate::EnvProxies)) when no [`AgentBuilder::proxy`] is set. Default:
    /// true, as in curl, requests and ureq; without the `env` feature, false, and `true` makes
    /// [`build`](AgentBuilder::build) fail. Loopback destinations are never proxied this way.
    /// A variable naming a proxy plainwire cannot use (`socks5://...`, a malformed URL) fails
    /// the requests it would carry, with an error naming the variable, and no others.
    ///
    /// ```
    /// // requests: s.trust_env = False (for proxies)
    /// let agent = plainwire::Agent::builder().proxy_from_env(false).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.proxy_from_env = enabled;
        self
    }

    /// Resolves `host` (with `port`) to `addr` without asking the resolver, as curl's
    /// `--resolve host:port:addr`: call it again to add addresses, tried in the order given.
    /// TLS still checks the certificate against `host`, and Host says `host`.
    ///
    /// Without a route, `localhost` and the names under it (`app.localhost`) go to 127.0.0.1
    /// and then ::1 without the resolver, as in curl (RFC 6761 section 6.3: they are loopback,
    /// and resolvers are not to ask DNS about them); a route is the way to send one elsewhere.
    ///
    /// ```
    /// use std::net::{IpAddr, Ipv4Addr};
    /// let agent = plainwire::Agent::builder()
    ///     .resolve("example.com", 443, IpAddr::V4(Ipv4Addr::LOCALHOST))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn resolve(mut self, host: &str, port: u16, addr: std::net::IpAddr) -> Self {
        let resolve = &mut self.settings.routes.resolve;
        match resolve
            .iter_mut()
            .find(|(name, p, _)| *p == port && name.eq_ignore_ascii_case(host))
        {
            Some((_, _, addrs)) => addrs.push(addr),
            None => resolve.push((host.to_ascii_lowercase(), port, vec![addr])),
        }
        self
    }

    /// Connects to `to_host:to_port` whenever a request is for `host:port`, as curl's
    /// `--connect-to HOST:PORT:TO_HOST:TO_PORT`: the request itself, its Host field, TLS's
    /// server name and the certificate check all stay with `host`. `None` matches any host or
    /// port on the left, and keeps it on the right. Rules are tried in the order added. Through
    /// a proxy, the proxy is still reached at its own address; a tunnel's `CONNECT` asks for
    /// `to_host:to_port`, and a forwarded request is the proxy's to route (as curl).
    ///
    /// ```
    /// // Every request to example.com:443 goes to a staging machine instead.
    /// let agent = plainwire::Agent::builder()
    ///     .connect_to(Some("example.com"), Some(443), Some("staging.example.net"), None)
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn connect_to(
        mut self,
        host: Option<&str>,
        port: Option<u16>,
        to_host: Option<&str>,
        to_port: Option<u16>,
    ) -> Self {
        self.settings
            .routes
            .connect_to
            .push(crate::client::settings::ConnectTo {
                from_host: host.map(str::to_ascii_lowercase),
                from_port: port,
                to_host: to_host.map(str::to_string),
                to_port,
            });
        self
    }

    /// Which address family connections use: [`IpFamily::V4`](crate::IpFamily::V4) as curl's
    /// `-4`, [`IpFamily::V6`](crate::IpFamily::V6) as `-6`. Default: any.
    ///
    /// ```
    /// use plainwire::IpFamily;
    /// let agent = plainwire::Agent::builder().ip_family(IpFamily::V4).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn ip_family(mut self, family: crate::client::settings::IpFamily) -> Self {
        self.settings.routes.family = family;
        self
    }

    /// The local address of every connection (the proxy's too), as requests'
    /// `source_address` and curl's `--interface host!ADDRESS`; `None`, the default, leaves it
    /// to the system. The port is always the system's choice. Only the server's addresses of
    /// the same family are tried: an IPv4 address cannot reach an IPv6 server. A call fails
    /// with [`ErrorKind::Bind`](crate::ErrorKind::Bind) when the address is not on this
    /// machine, or when the server has no address of its family. A link-local IPv6 address
    /// (`fe80::/10`) needs a scope this setting cannot carry: use
    /// [`interface`](AgentBuilder::interface). The local port is taken when the socket is
    /// bound, so very many connections from one address run out of ports sooner.
    ///
    /// ```
    /// use std::net::{IpAddr, Ipv4Addr};
    /// // Linux answers to all of 127.0.0.0/8: the server sees this connection come from .2.
    /// let agent = plainwire::Agent::builder()
    ///     .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "bind")]
    pub fn local_address(mut self, address: impl Into<Option<std::net::IpAddr>>) -> Self {
        self.settings.local_end.set_address(address.into());
        self
    }

    /// The network interface every connection goes through (the proxy's too), by name, as
    /// curl's `--interface if!NAME`: Linux's `SO_BINDTODEVICE`, which also reaches a VRF. With
    /// no [`local_address`](AgentBuilder::local_address), the system picks the address, as
    /// it routes through the interface. A name that is empty, holds a NUL or is longer than
    /// Linux's 15 bytes fails [`build`](AgentBuilder::build) with
    /// [`ErrorKind::Config`](crate::ErrorKind::Config); a call fails with
    /// [`ErrorKind::Bind`](crate::ErrorKind::Bind) when there is no such interface, or when
    /// the process may not bind to it (kernels before 5.7 ask for `CAP_NET_RAW`).
    ///
    /// ```
    /// // Through the loopback interface only.
    /// let agent = plainwire::Agent::builder().interface("lo").build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(all(
        feature = "bind",
        any(target_os = "android", target_os = "fuchsia", target_os = "linux")
    ))]
    pub fn interface(mut self, name: &str) -> Self {
        if let Err(err) = self.settings.local_end.set_interface(name) {
            self.remember(err);
        }
        self
    }

    /// Hosts to reach directly whatever the proxy setting, as curl's `--noproxy`: the syntax of
    /// `NO_PROXY` (comma-separated names matching themselves and their subdomains, IP addresses
    /// and CIDR ranges, `host:port`, `*` alone for every host). It replaces the environment's
    /// `no_proxy`.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder()
    ///     .proxy("http://proxy.internal:3128")
    ///     .no_proxy("internal.example, 10.0.0.0/8")
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.settings.no_proxy = Some(crate::client::no_proxy::NoProxy::parse(list));
        self
    }

    /// Idle connections kept per origin. Default: 8. 0 turns connection reuse off.
    ///
    /// ```
    /// use std::time::Duration;
    /// let agent = plainwire::Agent::builder()
    ///     .max_idle_per_host(2)
    ///     .max_idle(16)
    ///     .idle_timeout(Duration::from_secs(30))
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn max_idle_per_host(mut self, count: usize) -> Self {
        self.pool.max_idle_per_host = count;
        self
    }

    /// Idle connections kept in all. Default: 64.
    pub fn max_idle(mut self, count: usize) -> Self {
        self.pool.max_idle = count;
        self
    }

    /// How long an idle connection is kept. Default:
    /// [90 seconds](crate::defaults::IDLE_TIMEOUT). `None` keeps it until the pool is full or
    /// the server closes it (which the check before each reuse sees). Takes the same type as
    /// the other timeouts. No thread watches the clock: an expired connection is closed by the
    /// agent's next request, or when the agent's last clone is dropped.
    ///
    /// ```
    /// use std::time::Duration;
    /// let agent = plainwire::Agent::builder()
    ///     .idle_timeout(Duration::from_secs(30))
    ///     .build()?;
    /// let forever = plainwire::Agent::builder().idle_timeout(None).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.pool.idle_timeout = timeout.into().unwrap_or(Duration::MAX);
        self
    }

    /// Trusts the CA certificates in this PEM file. As with `curl --cacert` and requests'
    /// `verify="/path"`, they replace the default roots unless [`AgentBuilder::webpki_roots`]
    /// says otherwise. Fails if the file cannot be read or holds no certificate.
    ///
    /// ```no_run
    /// // requests.get(url, verify="ca.pem"), curl --cacert ca.pem
    /// let agent = plainwire::Agent::builder().ca_file("ca.pem")?.build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn ca_file(self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = crate::transport::trust::read_trust_file(path).map_err(|e| {
            Error::new(
                crate::error::ErrorKind::Config,
                format!("could not read the CA file {}", path.display()),
            )
            .with_source(e)
        })?;
        self.ca_pem_named(&pem, &path.display().to_string())
    }

    /// Trusts the CA certificates in every PEM file of this directory (OpenSSL's hashed
    /// layout or any other; files without a certificate are skipped), like `curl --capath`.
    /// Like [`AgentBuilder::ca_file`], they replace the default roots, so a directory without
    /// a certificate trusts nothing: every server's certificate then fails to verify
    /// ([`ErrorKind::Certificate`](crate::ErrorKind::Certificate), curl's 60). Fails if the
    /// directory cannot be read.
    ///
    /// ```no_run
    /// // curl --capath /etc/ssl/certs
    /// let agent = plainwire::Agent::builder().ca_dir("/etc/ssl/certs")?.build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn ca_dir(mut self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let certs = crate::transport::trust::read_pem_dir(path, "the CA directory")?;
        self.trust.extra_roots.extend(certs);
        self.trust.roots_named = true;
        Ok(self)
    }

    /// Trusts the CA certificates in this PEM text; see [`AgentBuilder::ca_file`].
    ///
    /// ```no_run
    /// // A CA compiled into the program.
    /// const CA: &[u8] = b"-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";
    /// let agent = plainwire::Agent::builder().ca_pem(CA)?.build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn ca_pem(self, pem: &[u8]) -> Result<Self> {
        self.ca_pem_named(pem, "the CA bundle")
    }

    #[cfg(feature = "tls")]
    fn ca_pem_named(mut self, pem: &[u8], what: &str) -> Result<Self> {
        let certs = crate::transport::trust::parse_pem_certificates(pem, what)?;
        self.trust.extra_roots.extend(certs);
        self.trust.roots_named = true;
        Ok(self)
    }

    /// Trusts the operating system's roots in place of webpki-roots (unless
    /// [`AgentBuilder::webpki_roots`] asks for both). With the `native-roots` feature this uses
    /// rustls-native-certs, which works on Linux, macOS and Windows. Without it, on Linux it
    /// reads the distribution's CA bundle (`/etc/ssl/certs/ca-certificates.crt`,
    /// `/etc/pki/tls/certs/ca-bundle.crt`, …), which needs no extra dependency; other
    /// platforms need the feature. Fails if no certificate is found.
    ///
    /// ```no_run
    /// // The company CA the administrator installed, as curl built on the system's TLS sees it.
    /// let agent = plainwire::Agent::builder().native_roots()?.build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn native_roots(mut self) -> Result<Self> {
        self.trust
            .extra_roots
            .extend(crate::transport::trust::native_roots()?);
        self.trust.roots_named = true;
        Ok(self)
    }

    /// Whether the environment supplies the roots in place of webpki-roots when no CA was
    /// given on the builder. Default: true, as with requests, curl and OpenSSL (without the
    /// `env` feature, false, and `true` makes [`build`](AgentBuilder::build) fail). The first
    /// of these that is set and not empty decides:
    ///
    /// 1. `REQUESTS_CA_BUNDLE`: a PEM file or a directory of PEM files, as requests reads it;
    /// 2. `CURL_CA_BUNDLE`: the same;
    /// 3. `SSL_CERT_FILE` (a PEM file) and `SSL_CERT_DIR` (directories of PEM files,
    ///    `:`-separated), together, as OpenSSL and curl read them.
    ///
    /// An empty variable is as if unset, and no value turns verification off. A variable that
    /// names something unreadable, or with no certificate in it, does not make `build` fail:
    /// plain http requests still work, and every https request fails with an
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) error that names the variable.
    /// `docs/trust.md` has the whole table, and the reasons for the order.
    ///
    /// Trust is the agent's, never one request's: a kept-alive connection is verified once and
    /// then serves later requests from the pool. requests' `verify="ca.pem"` for one call is an
    /// agent of its own here: `Agent::builder().ca_file("ca.pem")?.build()?`.
    ///
    /// ```
    /// // Trust webpki-roots whatever the environment says.
    /// let agent = plainwire::Agent::builder().roots_from_env(false).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn roots_from_env(mut self, enabled: bool) -> Self {
        self.trust.roots_from_env = enabled;
        self
    }

    /// Presents this certificate chain (PEM, leaf first) with this private key (PEM: PKCS#8,
    /// PKCS#1 or SEC1, unencrypted) to servers that ask for one: mutual TLS, like requests'
    /// `cert=(cert, key)` and curl's `--cert`/`--key`. The key may be in the same PEM text as
    /// the chain. Fails now, not at the first request, if the key is encrypted, missing, or
    /// does not match the certificate ([`ErrorKind::ClientCertificate`](crate::ErrorKind::ClientCertificate)).
    ///
    /// ```no_run
    /// let chain = std::fs::read("client.pem")?;
    /// let key = std::fs::read("client.key")?;
    /// let agent = plainwire::Agent::builder().client_cert(&chain, &key)?.build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn client_cert(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Result<Self> {
        self.trust.client_identity = Some(crate::transport::trust::ClientIdentity::from_pem(
            chain_pem, key_pem,
        )?);
        Ok(self)
    }

    /// [`AgentBuilder::client_cert`] from files; with `key_path` `None`, the key is read from
    /// the certificate file.
    ///
    /// ```no_run
    /// // requests: cert=("client.pem", "client.key"); curl --cert client.pem --key client.key
    /// use std::path::Path;
    /// let agent = plainwire::Agent::builder()
    ///     .client_cert_file("client.pem", Some(Path::new("client.key")))?
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn client_cert_file(
        self,
        cert_path: impl AsRef<std::path::Path>,
        key_path: Option<&std::path::Path>,
    ) -> Result<Self> {
        let read = |path: &std::path::Path| {
            crate::transport::trust::read_trust_file(path).map_err(|e| {
                Error::new(
                    crate::error::ErrorKind::ClientCertificate,
                    format!("could not read {}", path.display()),
                )
                .with_source(e)
            })
        };
        let chain = read(cert_path.as_ref())?;
        let key = match key_path {
            Some(path) => read(path)?,
            None => chain.clone(),
        };
        self.client_cert(&chain, &key)
    }

    /// Whether to trust the Mozilla roots built in through webpki-roots. Default: true when no
    /// roots were given on the builder (a CA file, directory or PEM, or the native roots) and
    /// no CA variable of the environment names any (see `roots_from_env`); false otherwise.
    ///
    /// ```no_run
    /// // The company CA and the public ones.
    /// let agent = plainwire::Agent::builder()
    ///     .ca_file("corp-ca.pem")?
    ///     .webpki_roots(true)
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn webpki_roots(mut self, enabled: bool) -> Self {
        self.trust.webpki_roots = Some(enabled);
        self
    }

    /// The oldest and newest TLS versions to offer, as curl's `--tlsv1.2` and `--tls-max`.
    /// Default: TLS 1.2 and 1.3, rustls's safe defaults (nothing older exists in rustls).
    ///
    /// ```
    /// use plainwire::TlsVersion;
    /// let agent = plainwire::Agent::builder()
    ///     .tls_versions(TlsVersion::Tls1_2, TlsVersion::Tls1_2)
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn tls_versions(mut self, oldest: TlsVersion, newest: TlsVersion) -> Self {
        self.trust.versions = Some((oldest, newest));
        self
    }

    /// Accepts a server only if the SHA-256 digest of its certificate's public key (the DER of
    /// its SubjectPublicKeyInfo) is one of the pinned ones, as curl's
    /// `--pinnedpubkey sha256//…` (call once per key to pin several). The certificate is still
    /// verified as usual; a key that is not pinned fails with
    /// [`ErrorKind::PinnedKey`](crate::ErrorKind::PinnedKey).
    ///
    /// ```
    /// // openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der |
    /// //     openssl dgst -sha256 -binary
    /// let digest = [0u8; 32];
    /// let agent = plainwire::Agent::builder().pin_public_key(digest).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn pin_public_key(mut self, spki_sha256: [u8; 32]) -> Self {
        self.trust.pinned_keys.push(spki_sha256);
        self
    }

    /// **Dangerous.** Accepts any server certificate: expired, self-signed, issued for another
    /// name, or presented by an attacker. The connection is still encrypted, but to whoever
    /// answered, so anyone on the network path can read and change everything. Use it only
    /// against a test server you control, never in production, never as a fix for an error you
    /// do not understand (the error's message says what was wrong with the certificate).
    /// Like requests' `verify=False` and curl's `--insecure`. Each response's
    /// [`TlsInfo::certificate_verified`](crate::TlsInfo::certificate_verified) is then false,
    /// and a trace says "Certificate NOT verified" with each handshake.
    ///
    /// ```
    /// // Only for a test server with a self-made certificate, on this machine.
    /// let agent = plainwire::Agent::builder().danger_accept_invalid_certs(true).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.trust.accept_invalid_certs = accept;
        self
    }

    /// Appends the TLS secrets of every connection to the file at `path`, in the NSS key log
    /// format that Wireshark and tshark read to decrypt a capture (docs/wireshark.md); like
    /// pointing `SSLKEYLOGFILE` at it for curl or a browser. The file is opened now, created
    /// readable by its owner only (mode 0600 on Unix); if it cannot be, `build` fails with
    /// [`ErrorKind::Io`](crate::ErrorKind::Io). Anyone who reads the file can decrypt every
    /// session logged in it. Default: no key log.
    ///
    /// ```
    /// let path = std::env::temp_dir().join("plainwire-doc-keys.txt");
    /// let agent = plainwire::Agent::builder().key_log_file(&path).build()?;
    /// # drop(agent); std::fs::remove_file(&path).ok();
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn key_log_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        match crate::transport::key_log::KeyLogWriter::open(path) {
            Ok(writer) => self.trust.key_log = Some(writer),
            Err(err) => self.remember(err),
        }
        self
    }

    /// Whether `SSLKEYLOGFILE`, when set and not empty, names a key log file as for
    /// [`AgentBuilder::key_log_file`] (which wins when both are given). Read once, by `build`.
    /// A file that cannot be opened makes every https request through the agent fail with
    /// [`ErrorKind::Io`](crate::ErrorKind::Io), naming the variable, as a CA variable that
    /// cannot be read does; plain http requests work. Default: false: the library never writes
    /// secrets because of the environment alone (the `plainwire` tool turns it on, as curl
    /// reads the variable).
    ///
    /// ```
    /// // Honoured only when the program says so.
    /// let agent = plainwire::Agent::builder().key_log_from_env(true).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn key_log_from_env(mut self, enabled: bool) -> Self {
        self.key_log_from_env = enabled;
        self
    }

    /// Whether the agent keeps cookies, like a requests `Session`: every response's Set-Cookie
    /// (redirects' included) goes into a [`CookieJar`](crate::CookieJar), and each request
    /// sends the cookies that apply to its URL. Default: false; the default agent behind
    /// [`crate::get`] never keeps cookies.
    ///
    /// ```
    /// let agent = plainwire::Agent::builder().cookie_store(true).build()?;
    /// assert!(agent.cookie_jar().is_some_and(|jar| jar.is_empty()));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "cookies")]
    pub fn cookie_store(mut self, enabled: bool) -> Self {
        self.cookies = enabled.then(|| self.cookies.take().unwrap_or_default());
        self
    }

    /// Keeps cookies in `jar`, a handle that can be shared with other agents or read and saved
    /// by the caller (loaded from a curl cookie file, say). Implies
    /// [`cookie_store(true)`](AgentBuilder::cookie_store).
    ///
    /// ```
    /// use plainwire::{Agent, CookieJar};
    ///
    /// // Two agents (say, with different proxies) that share one login.
    /// let jar = CookieJar::new();
    /// let direct = Agent::builder().cookie_jar(jar.clone()).build()?;
    /// let proxied = Agent::builder()
    ///     .proxy("http://proxy.internal:3128")
    ///     .cookie_jar(jar.clone())
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    ///
    /// With curl's cookie files (`curl -b cookies.txt -c cookies.txt`):
    ///
    /// ```no_run
    /// use plainwire::{Agent, CookieJar};
    ///
    /// let jar = CookieJar::from_file("cookies.txt")?;
    /// let agent = Agent::builder().cookie_jar(jar.clone()).build()?;
    /// agent.get("https://example.com/account").send()?;
    /// jar.save_file("cookies.txt")?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    #[cfg(feature = "cookies")]
    pub fn cookie_jar(mut self, jar: CookieJar) -> Self {
        self.cookies = Some(jar);
        self
    }

    /// Adds `middleware` around every call of the agent: code of the caller's that may change
    /// the request before it goes, look at the response after it comes, and send the request
    /// again (token refresh, request signing, logging), as requests' hooks and ureq's
    /// middleware. Middleware added first
    /// runs first, outermost. See [`crate::middleware`].
    ///
    /// ```
    /// use plainwire::middleware::{Next, Request};
    /// let agent = plainwire::Agent::builder()
    ///     .middleware(|mut request: Request, next: Next<'_>| {
    ///         request.set_header("X-Request-Id", 42)?;
    ///         next.send(request)
    ///     })
    ///     .build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Calls `hook` with each [`TraceEvent`] of every call, in order: addresses resolved,
    /// connection made or reused, TLS handshake, request and response heads (credentials
    /// masked, see [`AgentBuilder::secret_header`], unless asked otherwise with
    /// [`AgentBuilder::trace_unmasked`]), body progress, and what became of the
    /// connection. The hook runs on the calling thread, in the middle of the call, so it
    /// should be quick. A panic in it unwinds through the call; what the call closes on the
    /// way out is not reported. Printed with `{}`, the events read like curl's `--verbose`.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// let lines = Arc::new(Mutex::new(Vec::new()));
    /// let sink = lines.clone();
    /// let agent = plainwire::Agent::builder()
    ///     .trace(move |event| sink.lock().unwrap().push(event.to_string()))
    ///     .build()?;
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// agent.get(&url).bearer_auth("t0ken").send()?.text()?;
    ///
    /// let lines = lines.lock().unwrap();
    /// assert!(lines.iter().any(|line| line.starts_with("> GET / HTTP/1.1")));
    /// assert!(lines.iter().any(|line| line.contains("Authorization: Bearer *****")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trace(mut self, hook: impl Fn(&TraceEvent<'_>) + Send + Sync + 'static) -> Self {
        self.trace = Some(Arc::new(hook));
        self
    }

    /// Hands the [trace](AgentBuilder::trace) hook request and response heads exactly as they
    /// crossed the wire, secret values included: Authorization, Cookie, Set-Cookie and the
    /// fields named with [`secret_header`](AgentBuilder::secret_header). Off by default, so
    /// that a trace written to a log holds no credential.
    ///
    /// For a tool that writes heads out as its user's data, to a place the user chose, as
    /// curl's `-i` and `-D` do, or that counts their bytes (curl's `%{size_header}`). `{}` on
    /// an event and [`TraceEvent::masked_head`] still mask the credential fields, not the
    /// fields named with `secret_header`.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=42\r\nContent-Length: 0\r\n\r\n")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// use std::sync::{Arc, Mutex};
    /// use plainwire::TraceEvent;
    ///
    /// let heads = Arc::new(Mutex::new(Vec::new()));
    /// let sink = heads.clone();
    /// let agent = plainwire::Agent::builder()
    ///     .trace(move |event| {
    ///         if let TraceEvent::ResponseHead(head) = event {
    ///             sink.lock().unwrap().push(head.to_vec());
    ///         }
    ///     })
    ///     .trace_unmasked(true)
    ///     .build()?;
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// agent.get(&url).send()?;
    /// let heads = heads.lock().unwrap();
    /// assert!(String::from_utf8_lossy(&heads[0]).contains("Set-Cookie: sid=42"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trace_unmasked(mut self, unmasked: bool) -> Self {
        self.trace_unmasked = unmasked;
        self
    }

    /// Remembers `err` for [`build`](AgentBuilder::build) to return, unless an earlier mistake
    /// is already remembered: the first mistake is the one reported.
    fn remember(&mut self, err: Error) {
        self.error = self.error.take().or(Some(err));
    }

    /// Builds the agent. Fails on a setting that cannot be used (an invalid proxy URL, an
    /// unusable CA certificate given to the builder, a `.netrc` that cannot be read or parsed,
    /// a default header field or
    /// User-Agent that fails the header check, even if a later call replaced or removed it:
    /// the first mistake is the one reported).
    ///
    /// ```
    /// use plainwire::ErrorKind;
    ///
    /// let err = plainwire::Agent::builder().proxy("socks5://proxy:1080").build().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
    /// ```
    pub fn build(self) -> Result<Agent> {
        if let Some(err) = self.error {
            return Err(err);
        }
        #[cfg(not(feature = "env"))]
        if let Some(what) = self.environment_asked_for() {
            return Err(Error::new(
                crate::error::ErrorKind::Config,
                format!("{what} needs plainwire's `env` feature, which this build leaves out"),
            ));
        }
        #[cfg_attr(not(feature = "env"), allow(unused_mut))]
        let mut settings = self.settings;
        #[cfg(feature = "env")]
        {
            if self.proxy_from_env && matches!(settings.proxy, ProxySetting::None) {
                // A variable naming a proxy plainwire cannot use fails the requests it would
                // carry, not the agent: requests it would not carry (no_proxy, loopback, the
                // other scheme) still go.
                settings.proxy = ProxySetting::Env(Box::new(EnvProxies::from_env_keeping_errors()));
            }
            settings.netrc = match self.netrc {
                None => None,
                Some(NetrcSource::Default) => Netrc::load_default()?.map(Arc::new),
                Some(NetrcSource::File(path)) => Some(Arc::new(Netrc::load(&path)?)),
            };
        }
        let tracer = Tracer::new(
            self.trace,
            settings.secret_headers.clone(),
            self.trace_unmasked,
        );
        Ok(Agent {
            shared: Arc::new(Shared {
                settings,
                pool: Arc::new(IdlePool::new(self.pool)),
                tracer,
                #[cfg(feature = "cookies")]
                cookies: self.cookies,
                #[cfg(feature = "tls")]
                tls: tls_config(self.trust, self.key_log_from_env)?,
            }),
            middleware: (!self.middleware.is_empty()).then(|| Chain::from(self.middleware)),
        })
    }
}

impl AgentBuilder {
    /// What the builder was asked to read from the environment, which a build without the
    /// `env` feature cannot: named for the error.
    #[cfg(not(feature = "env"))]
    fn environment_asked_for(&self) -> Option<&'static str> {
        #[cfg(feature = "tls")]
        if self.trust.roots_from_env {
            return Some("roots_from_env (trusted roots from the environment)");
        }
        #[cfg(feature = "tls")]
        if self.key_log_from_env {
            return Some("key_log_from_env (SSLKEYLOGFILE)");
        }
        if self.proxy_from_env {
            return Some("proxy_from_env (proxies from the environment)");
        }
        self.netrc.as_ref().map(|_| ".netrc")
    }
}

/// The rustls configuration of an agent; with `key_log_from_env`, the key log file that
/// `SSLKEYLOGFILE` names, unless one was given.
#[cfg(feature = "tls")]
fn tls_config(
    #[cfg_attr(not(feature = "env"), allow(unused_mut))]
    mut trust: crate::transport::trust::TrustSettings,
    key_log_from_env: bool,
) -> Result<crate::transport::trust::ClientTls> {
    // A key log file the environment names that cannot be opened fails https requests, as a
    // CA variable that cannot be read does (docs/trust.md): not `build`, so that plain http
    // through the agent works; nor is it skipped, since the secrets were asked for. The rest
    // is built first all the same, so that the builder's own mistakes still fail `build`.
    #[cfg(feature = "env")]
    if key_log_from_env && trust.key_log.is_none() {
        if let Some(path) = std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty()) {
            match crate::transport::key_log::KeyLogWriter::open(&path) {
                Ok(writer) => trust.key_log = Some(writer),
                Err(err) => {
                    trust.build()?;
                    let err = err.context("$SSLKEYLOGFILE");
                    return Ok(crate::transport::trust::ClientTls::Unusable {
                        kind: err.kind(),
                        message: err.to_string(),
                    });
                }
            }
        }
    }
    // Without `env`, `build` has refused `key_log_from_env` already.
    let _ = key_log_from_env;
    trust.build()
}

impl Agent {
    /// A builder with the default settings; see [`AgentBuilder`].
    ///
    /// ```
    /// let agent = plainwire::Agent::builder().user_agent("my-tool/1.0").build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn builder() -> AgentBuilder {
        AgentBuilder::default()
    }

    /// An agent with the default settings. It never panics: a proxy variable it cannot use
    /// (`all_proxy=socks5://...`, say) fails only the requests that variable would carry, and
    /// CA variables that cannot be read fail only its https requests (see
    /// [`AgentBuilder::roots_from_env`]). Any other setting [`Agent::builder`] could refuse is
    /// one it is given, so with none given, nothing fails here.
    ///
    /// ```
    /// // requests.Session()
    /// let agent = plainwire::Agent::new();
    /// assert_eq!(agent.idle_connections(), 0);
    /// ```
    pub fn new() -> Agent {
        Agent::builder().build().unwrap_or_else(Agent::unusable)
    }

    /// An agent that answers every request with `err`.
    fn unusable(err: Error) -> Agent {
        let mut builder = Agent::builder().proxy_from_env(false);
        #[cfg(feature = "tls")]
        {
            builder = builder.roots_from_env(false);
        }
        builder.settings.unusable = Some((err.kind(), err.to_string()));
        // Without the environment, the defaults leave nothing that could fail.
        builder
            .build()
            .expect("the default settings without the environment are valid")
    }

    /// Starts a request with any method, such as `"PROPFIND"`; the method must be a token
    /// (checked by [`send`](RequestBuilder::send)).
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::new();
    /// let resp = agent.request("PROPFIND", "https://example.com/dav/").header("Depth", 1).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn request(&self, method: &str, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.shared.clone(), self.middleware.clone(), method, url)
    }

    /// Starts a GET request to `url`.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// let agent = plainwire::Agent::new();
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// let resp = agent.get(&url).query("page", 2).send()?;
    /// assert_eq!(resp.status(), 200);
    /// assert_eq!(resp.text()?, "hi");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, url: &str) -> RequestBuilder {
        self.request("GET", url)
    }

    /// Starts a HEAD request to `url`.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::new();
    /// let resp = agent.head("https://example.com/file.zip").send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn head(&self, url: &str) -> RequestBuilder {
        self.request("HEAD", url)
    }

    /// Starts a POST request to `url`.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::new();
    /// let resp = agent.post("https://example.com/login").form([("user", "ana")]).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn post(&self, url: &str) -> RequestBuilder {
        self.request("POST", url)
    }

    /// Starts a PUT request to `url`.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::new();
    /// agent.put("https://example.com/notes/1").body("text").send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn put(&self, url: &str) -> RequestBuilder {
        self.request("PUT", url)
    }

    /// Starts a PATCH request to `url`.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::new();
    /// agent.patch("https://example.com/notes/1").body(r#"{"done":true}"#).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn patch(&self, url: &str) -> RequestBuilder {
        self.request("PATCH", url)
    }

    /// Starts a DELETE request to `url`.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::new();
    /// agent.delete("https://example.com/notes/1").send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn delete(&self, url: &str) -> RequestBuilder {
        self.request("DELETE", url)
    }

    /// Starts an OPTIONS request to `url`.
    ///
    /// ```no_run
    /// let agent = plainwire::Agent::new();
    /// let resp = agent.options("https://example.com/").send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn options(&self, url: &str) -> RequestBuilder {
        self.request("OPTIONS", url)
    }

    /// The agent's cookie jar, if it keeps cookies ([`AgentBuilder::cookie_store`]):
    /// requests' `s.cookies`.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=31d4; Path=/\r\nContent-Length: 0\r\n\r\n")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// let agent = plainwire::Agent::builder().cookie_store(true).build()?;
    /// // `url`: a server on 127.0.0.1 that this example starts, and sets a cookie.
    /// agent.get(&url).send()?;
    ///
    /// let jar = agent.cookie_jar().expect("the agent keeps cookies");
    /// assert_eq!(jar.get("127.0.0.1", "/", "sid").unwrap().value(), "31d4");
    /// // The next request to that server sends `Cookie: sid=31d4`.
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "cookies")]
    pub fn cookie_jar(&self) -> Option<&CookieJar> {
        self.shared.cookies.as_ref()
    }

    /// The number of idle connections in the pool: a connection goes back to it when a body
    /// has been read to its end, ready for the next request to the same origin.
    ///
    /// ```
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let url = format!("http://{}/", listener.local_addr()?);
    /// # std::thread::spawn(move || -> std::io::Result<()> {
    /// #     use std::io::{Read, Write};
    /// #     let (mut socket, _) = listener.accept()?;
    /// #     socket.read(&mut [0; 4096])?;
    /// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")?;
    /// #     socket.read_to_end(&mut Vec::new()).map(drop)
    /// # });
    /// let agent = plainwire::Agent::new();
    /// // `url`: a server on 127.0.0.1 that this example starts.
    /// let resp = agent.get(&url).send()?;
    /// assert_eq!(agent.idle_connections(), 0); // the body is still on the connection
    /// resp.text()?;
    /// assert_eq!(agent.idle_connections(), 1); // kept alive for the next request
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn idle_connections(&self) -> usize {
        self.shared.pool.len()
    }

    /// The user and password a request to `url` carries of the agent's own finding, as
    /// requests' `get_netrc_auth`: the URL's user information (percent-decoded), else the
    /// agent's [`.netrc`](AgentBuilder::netrc) entry for the host (for the URL's user, if it
    /// names one without a password; an empty password when the `.netrc` has none for that
    /// user, as curl sends it). These go out as Basic unless the request has other
    /// credentials; curl's `--digest` without `-u` answers Digest with them instead, which
    /// [`RequestBuilder::digest_auth`] does. `None` for a URL that does not parse.
    ///
    /// ```
    /// let agent = plainwire::Agent::new();
    /// let found = agent.own_credentials("https://ann:s%40cret@example.com/");
    /// assert_eq!(found, Some(("ann".to_string(), "s@cret".to_string())));
    /// ```
    pub fn own_credentials(&self, url: &str) -> Option<(String, String)> {
        let url = crate::url::Url::parse(url).ok()?;
        let netrc = self.shared.settings.netrc.as_deref();
        crate::client::credentials::own_credentials(&url, netrc, false)
            .map(|(user, password)| (user.to_string(), password.to_string()))
    }
}

impl Default for Agent {
    fn default() -> Agent {
        Agent::new()
    }
}

impl std::fmt::Debug for Agent {
    /// The settings, with the values of secret header fields masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("settings", &self.shared.settings)
            .field("idle_connections", &self.shared.pool.len())
            .finish_non_exhaustive()
    }
}

/// The agent behind [`crate::get`] and the other free functions: default settings, created on
/// first use, shared by the whole process. It keeps no cookies.
///
/// ```
/// let agent = plainwire::default_agent();
/// assert!(agent.cookie_jar().is_none());
/// // plainwire::get(url) is default_agent().get(url)
/// ```
pub fn default_agent() -> &'static Agent {
    static AGENT: OnceLock<Agent> = OnceLock::new();
    AGENT.get_or_init(Agent::new)
}
