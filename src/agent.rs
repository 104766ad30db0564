//! The [`Agent`]: shared configuration and a pool of kept-alive connections; and its builder.
//! What a call does with them is the middle layer's business ([`crate::client`]).
//!
//! An agent is to plainwire what a `Session` is to requests: make one, configure it once, and
//! send every request through it so that connections are reused. It is cheap to clone (an
//! `Arc`) and can be shared between threads. The free functions ([`crate::get`] …) use a
//! default agent, created on first use.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::client::proxy::{EnvProxies, Proxy};
use crate::client::settings::{LowSpeed, ProxySetting, Settings};
use crate::client::Shared;
use crate::cookie::CookieJar;
use crate::defaults;
use crate::error::{Error, Result};
use crate::expect_continue::ExpectContinue;
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;
use crate::trace::{TraceEvent, TraceHook, Tracer};
use crate::transport::pool::{IdlePool, PoolLimits};

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
}

/// Builds an [`Agent`]. Every setting has a documented default; see [`Agent::builder`].
#[must_use]
pub struct AgentBuilder {
    settings: Settings,
    pool: PoolLimits,
    proxy_from_env: bool,
    error: Option<Error>,
    trace: Option<TraceHook>,
    cookies: Option<CookieJar>,
    #[cfg(feature = "tls")]
    trust: crate::transport::trust::TrustSettings,
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
            proxy_from_env: true,
            error: None,
            trace: None,
            cookies: None,
            #[cfg(feature = "tls")]
            trust: crate::transport::trust::TrustSettings::new(),
        }
    }
}

impl std::fmt::Debug for AgentBuilder {
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
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.timeout = timeout.into();
        self
    }

    /// The limit on opening a connection: TCP connect to every resolved address, plus the TLS
    /// handshake. Default: [30 seconds](crate::defaults::CONNECT_TIMEOUT).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.connect_timeout = timeout.into();
        self
    }

    /// How long the server may stay silent while we wait for any part of a response.
    /// Default: [60 seconds](crate::defaults::READ_TIMEOUT). `None` waits forever, unless
    /// another limit is set.
    pub fn read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.read_timeout = timeout.into();
        self
    }

    /// How long a write may block on a server that does not read. Default:
    /// [60 seconds](crate::defaults::WRITE_TIMEOUT).
    pub fn write_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.write_timeout = timeout.into();
        self
    }

    /// How long the response head may take in all, from the end of the request to the end of
    /// the head, so that a server dripping its head a byte at a time cannot hold a call.
    /// Default: [60 seconds](crate::defaults::HEAD_TIMEOUT).
    pub fn head_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.settings.head_timeout = timeout.into();
        self
    }

    /// curl's low-speed limit (`--speed-limit`, `--speed-time`): a body that brings fewer than
    /// `bytes_per_second` on average over any `period` is aborted with
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout). Default: none, as in curl, since a
    /// stream of events may rightly trickle.
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
    pub fn redirect_https_to_http(mut self, allow: bool) -> Self {
        self.settings.allow_https_to_http = allow;
        self
    }

    /// The largest response head accepted, in bytes. Default: 64 KiB.
    pub fn max_head_size(mut self, bytes: usize) -> Self {
        self.settings.head_limits.max_head_size = bytes;
        self
    }

    /// The most header fields accepted in a response. Default: 100.
    pub fn max_headers(mut self, count: usize) -> Self {
        self.settings.head_limits.max_headers = count;
        self
    }

    /// The largest body that [`Response::bytes`](crate::Response::bytes), `text` and `json` will
    /// read into memory. Default: 10 MiB. Streaming reads are bounded only by
    /// [`Response::limit_body`](crate::Response::limit_body).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.settings.max_body_size = bytes;
        self
    }

    /// The User-Agent header; an empty string sends none. Default: `plainwire/VERSION`.
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        self.settings.user_agent = (!user_agent.is_empty()).then(|| user_agent.to_string());
        self
    }

    /// A header sent with every request (a request's own header of the same name wins).
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.settings
            .default_headers
            .push((name.to_string(), value.to_string()));
        self
    }

    /// Whether to send `Accept-Encoding: gzip, deflate` and decompress such bodies as they are
    /// read. Default: true. The size limits apply to the decompressed bytes. A request that sets
    /// its own Accept-Encoding gets the body as sent.
    #[cfg(feature = "gzip")]
    pub fn decompress(mut self, enabled: bool) -> Self {
        self.settings.decompress = enabled;
        self
    }

    /// Sends every request through this HTTP proxy (`http://[user:pass@]host:port`).
    pub fn proxy(mut self, proxy_url: &str) -> Self {
        match Proxy::new(proxy_url) {
            Ok(proxy) => self.settings.proxy = ProxySetting::Fixed(proxy),
            Err(err) => self.error = self.error.or(Some(err)),
        }
        self
    }

    /// Whether to take proxies from `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy`
    /// (see [`EnvProxies`]) when no [`AgentBuilder::proxy`] is set. Default: true, as in curl,
    /// requests and ureq. Loopback destinations are never proxied this way.
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.proxy_from_env = enabled;
        self
    }

    /// Idle connections kept per origin. Default: 8. 0 turns connection reuse off.
    pub fn max_idle_per_host(mut self, count: usize) -> Self {
        self.pool.max_idle_per_host = count;
        self
    }

    /// Idle connections kept in all. Default: 64.
    pub fn max_idle(mut self, count: usize) -> Self {
        self.pool.max_idle = count;
        self
    }

    /// How long an idle connection is kept. Default: 90 seconds.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool.idle_timeout = timeout;
        self
    }

    /// Trusts the CA certificates in this PEM file. As with `curl --cacert` and requests'
    /// `verify="/path"`, they replace the default roots unless [`AgentBuilder::webpki_roots`]
    /// says otherwise. Fails if the file cannot be read or holds no certificate.
    #[cfg(feature = "tls")]
    pub fn ca_file(self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
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
    /// Like [`AgentBuilder::ca_file`], they replace the default roots. Fails if the directory
    /// cannot be read or holds no certificate.
    #[cfg(feature = "tls")]
    pub fn ca_dir(mut self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let certs = crate::transport::trust::read_pem_dir(path, "the CA directory")?;
        self.trust.extra_roots.extend(certs);
        Ok(self)
    }

    /// Trusts the CA certificates in this PEM text; see [`AgentBuilder::ca_file`].
    #[cfg(feature = "tls")]
    pub fn ca_pem(self, pem: &[u8]) -> Result<Self> {
        self.ca_pem_named(pem, "the CA bundle")
    }

    #[cfg(feature = "tls")]
    fn ca_pem_named(mut self, pem: &[u8], what: &str) -> Result<Self> {
        let certs = crate::transport::trust::parse_pem_certificates(pem, what)?;
        self.trust.extra_roots.extend(certs);
        Ok(self)
    }

    /// Trusts the operating system's roots in place of webpki-roots (unless
    /// [`AgentBuilder::webpki_roots`] asks for both). With the `native-roots` feature this uses
    /// rustls-native-certs, which works on Linux, macOS and Windows. Without it, on Linux it
    /// reads the distribution's CA bundle (`/etc/ssl/certs/ca-certificates.crt`,
    /// `/etc/pki/tls/certs/ca-bundle.crt`, …), which needs no extra dependency; other
    /// platforms need the feature. Fails if no certificate is found.
    #[cfg(feature = "tls")]
    pub fn native_roots(mut self) -> Result<Self> {
        self.trust
            .extra_roots
            .extend(crate::transport::trust::native_roots()?);
        Ok(self)
    }

    /// Whether `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (directories of PEM files,
    /// `:`-separated) supply the roots in place of webpki-roots when they are set and no CA was
    /// given on the builder. Default: true, as with curl and OpenSSL. A variable that names
    /// something unreadable, or with no certificate in it, makes `build` fail with an error that
    /// names the variable.
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
    #[cfg(feature = "tls")]
    pub fn client_cert(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Result<Self> {
        self.trust.client_identity = Some(crate::transport::trust::ClientIdentity::from_pem(
            chain_pem, key_pem,
        )?);
        Ok(self)
    }

    /// [`AgentBuilder::client_cert`] from files; with `key_path` `None`, the key is read from
    /// the certificate file.
    #[cfg(feature = "tls")]
    pub fn client_cert_file(
        self,
        cert_path: impl AsRef<std::path::Path>,
        key_path: Option<&std::path::Path>,
    ) -> Result<Self> {
        let read = |path: &std::path::Path| {
            std::fs::read(path).map_err(|e| {
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
    /// CA file or PEM was given, false otherwise.
    #[cfg(feature = "tls")]
    pub fn webpki_roots(mut self, enabled: bool) -> Self {
        self.trust.webpki_roots = Some(enabled);
        self
    }

    /// **Dangerous.** Accepts any server certificate: expired, self-signed, issued for another
    /// name, or presented by an attacker. The connection is still encrypted, but to whoever
    /// answered, so anyone on the network path can read and change everything. Use it only
    /// against a test server you control, never in production, never as a fix for an error you
    /// do not understand (the error's message says what was wrong with the certificate).
    /// Like requests' `verify=False` and curl's `--insecure`.
    #[cfg(feature = "tls")]
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.trust.accept_invalid_certs = accept;
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
    pub fn cookie_store(mut self, enabled: bool) -> Self {
        self.cookies = enabled.then(|| self.cookies.take().unwrap_or_default());
        self
    }

    /// Keeps cookies in `jar`, a handle that can be shared with other agents or read and saved
    /// by the caller (loaded from a curl cookie file, say). Implies
    /// [`cookie_store(true)`](AgentBuilder::cookie_store).
    pub fn cookie_jar(mut self, jar: CookieJar) -> Self {
        self.cookies = Some(jar);
        self
    }

    /// Calls `hook` with each [`TraceEvent`] of every call, in order: addresses resolved,
    /// connection made or reused, TLS handshake, request and response heads (credentials
    /// masked), body progress, and what became of the connection. The hook runs on the calling
    /// thread, in the middle of the call, so it should be quick.
    pub fn trace(mut self, hook: impl Fn(&TraceEvent<'_>) + Send + Sync + 'static) -> Self {
        self.trace = Some(Arc::new(hook));
        self
    }

    /// Builds the agent. Fails on a setting that cannot be used (an invalid proxy URL, an
    /// unusable CA certificate, a malformed proxy variable in the environment).
    pub fn build(self) -> Result<Agent> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let mut settings = self.settings;
        if self.proxy_from_env && matches!(settings.proxy, ProxySetting::None) {
            settings.proxy = ProxySetting::Env(EnvProxies::from_env()?);
        }
        Ok(Agent {
            shared: Arc::new(Shared {
                settings,
                pool: Arc::new(IdlePool::new(self.pool)),
                tracer: Tracer::new(self.trace),
                cookies: self.cookies,
                #[cfg(feature = "tls")]
                tls: self.trust.build()?,
            }),
        })
    }
}

impl Agent {
    /// A builder with the default settings.
    pub fn builder() -> AgentBuilder {
        AgentBuilder::default()
    }

    /// An agent with the default settings. It never panics: if the environment it reads is
    /// unusable (a malformed proxy variable, an `SSL_CERT_FILE` that cannot be read), every
    /// request through it fails with that error. Use [`Agent::builder`] to get the error at
    /// once instead.
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

    /// Starts a request with any method, such as `"PROPFIND"`; the method must be a token.
    pub fn request(&self, method: &str, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.shared.clone(), method, url)
    }

    /// Starts a GET request to `url`.
    pub fn get(&self, url: &str) -> RequestBuilder {
        self.request("GET", url)
    }

    /// Starts a HEAD request to `url`.
    pub fn head(&self, url: &str) -> RequestBuilder {
        self.request("HEAD", url)
    }

    /// Starts a POST request to `url`.
    pub fn post(&self, url: &str) -> RequestBuilder {
        self.request("POST", url)
    }

    /// Starts a PUT request to `url`.
    pub fn put(&self, url: &str) -> RequestBuilder {
        self.request("PUT", url)
    }

    /// Starts a PATCH request to `url`.
    pub fn patch(&self, url: &str) -> RequestBuilder {
        self.request("PATCH", url)
    }

    /// Starts a DELETE request to `url`.
    pub fn delete(&self, url: &str) -> RequestBuilder {
        self.request("DELETE", url)
    }

    /// Starts an OPTIONS request to `url`.
    pub fn options(&self, url: &str) -> RequestBuilder {
        self.request("OPTIONS", url)
    }

    /// The agent's cookie jar, if it keeps cookies ([`AgentBuilder::cookie_store`]).
    pub fn cookie_jar(&self) -> Option<&CookieJar> {
        self.shared.cookies.as_ref()
    }

    /// The number of idle connections in the pool.
    pub fn idle_connections(&self) -> usize {
        self.shared.pool.len()
    }
}

impl Default for Agent {
    fn default() -> Agent {
        Agent::new()
    }
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("settings", &self.shared.settings)
            .field("idle_connections", &self.shared.pool.len())
            .finish_non_exhaustive()
    }
}

/// The agent behind [`crate::get`] and the other free functions: default settings, created on
/// first use, shared by the whole process.
pub fn default_agent() -> &'static Agent {
    static AGENT: OnceLock<Agent> = OnceLock::new();
    AGENT.get_or_init(Agent::new)
}
