//! The [`Agent`]: shared configuration and a pool of kept-alive connections.
//!
//! An agent is to plainwire what a `Session` is to requests: make one, configure it once, and
//! send every request through it so that connections are reused. It is cheap to clone (an
//! `Arc`) and can be shared between threads. The free functions ([`crate::get`] …) use a
//! default agent, created on first use.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::http1::head::HeadLimits;
use crate::proxy::{EnvProxies, Proxy};
use crate::request::RequestBuilder;
use crate::trace::{TraceEvent, TraceHook};
use crate::transport::pool::{IdlePool, PoolLimits};
use crate::url::Url;

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
    inner: Arc<AgentInner>,
}

/// What every clone of an agent shares.
pub(crate) struct AgentInner {
    pub(crate) config: Config,
    pub(crate) pool: IdlePool,
    pub(crate) trace: Option<TraceHook>,
    #[cfg(feature = "tls")]
    pub(crate) tls: Arc<rustls::ClientConfig>,
}

impl AgentInner {
    /// Hands `event` to the trace hook, if there is one.
    pub(crate) fn trace<'a>(&self, event: impl FnOnce() -> TraceEvent<'a>) {
        if let Some(hook) = &self.trace {
            hook(&event());
        }
    }

    /// The trace hook, for events that borrow data made only when someone is listening.
    pub(crate) fn tracer(&self) -> Option<&TraceHook> {
        self.trace.as_ref()
    }
}

/// Settings an agent applies to each request.
#[derive(Debug, Clone)]
pub(crate) struct Config {
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
    pub(crate) unusable: Option<(crate::ErrorKind, String)>,
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

impl Config {
    /// The proxy for `url`, if any.
    pub(crate) fn proxy_for(&self, url: &Url) -> Option<&Proxy> {
        match &self.proxy {
            ProxySetting::None => None,
            ProxySetting::Env(env) => env.for_url(url),
            ProxySetting::Fixed(proxy) => Some(proxy),
        }
    }
}

/// The defaults, each with its reason.
impl Default for Config {
    fn default() -> Config {
        Config {
            // Long enough for a slow handshake across the world, short enough that an
            // unreachable host does not look like a hang.
            connect_timeout: Some(Duration::from_secs(30)),
            // A peer silent for a minute in the middle of a response is gone; this is what
            // makes a silent server end in an error even when no deadline is set.
            read_timeout: Some(Duration::from_secs(60)),
            write_timeout: Some(Duration::from_secs(60)),
            // No overall deadline by default: a large download may legitimately take hours.
            timeout: None,
            // As curl's --max-redirs and requests' default (30) suggest, loops end early.
            max_redirects: 10,
            allow_https_to_http: false,
            head_limits: HeadLimits::default(),
            // Bounds bytes()/text()/json(); streaming reads are unbounded unless asked.
            max_body_size: 10 * 1024 * 1024,
            user_agent: Some(concat!("plainwire/", env!("CARGO_PKG_VERSION")).to_string()),
            default_headers: Vec::new(),
            proxy: ProxySetting::None,
            // With the gzip feature, compressed bodies are asked for and decoded by default.
            decompress: cfg!(feature = "gzip"),
            unusable: None,
        }
    }
}

/// Builds an [`Agent`]. Every setting has a documented default; see [`Agent::builder`].
#[must_use]
pub struct AgentBuilder {
    config: Config,
    pool: PoolLimits,
    proxy_from_env: bool,
    error: Option<Error>,
    trace: Option<TraceHook>,
    #[cfg(feature = "tls")]
    trust: crate::transport::trust::TrustSettings,
}

impl Default for AgentBuilder {
    fn default() -> AgentBuilder {
        AgentBuilder {
            config: Config::default(),
            pool: PoolLimits::default(),
            proxy_from_env: true,
            error: None,
            trace: None,
            #[cfg(feature = "tls")]
            trust: crate::transport::trust::TrustSettings::new(),
        }
    }
}

impl std::fmt::Debug for AgentBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentBuilder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AgentBuilder {
    /// The overall deadline for each call, from the first byte of name resolution to the last
    /// byte of the body, redirects included. Default: none.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    /// The limit on opening a connection: TCP connect to every resolved address, plus the TLS
    /// handshake. Default: 30 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = Some(timeout);
        self
    }

    /// How long the server may stay silent while we wait for any part of a response.
    /// Default: 60 seconds. `None` waits forever, unless an overall timeout is set.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.read_timeout = timeout;
        self
    }

    /// How long a write may block on a server that does not read. Default: 60 seconds.
    pub fn write_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.write_timeout = timeout;
        self
    }

    /// The most redirects followed in one call; 0 returns redirects as responses. Default: 10.
    pub fn max_redirects(mut self, max: u32) -> Self {
        self.config.max_redirects = max;
        self
    }

    /// Whether a redirect may lead from `https` to `http`. Default: false, which makes such a
    /// redirect an [`ErrorKind::InsecureRedirect`](crate::ErrorKind::InsecureRedirect) error.
    pub fn redirect_https_to_http(mut self, allow: bool) -> Self {
        self.config.allow_https_to_http = allow;
        self
    }

    /// The largest response head accepted, in bytes. Default: 64 KiB.
    pub fn max_head_size(mut self, bytes: usize) -> Self {
        self.config.head_limits.max_head_size = bytes;
        self
    }

    /// The most header fields accepted in a response. Default: 100.
    pub fn max_headers(mut self, count: usize) -> Self {
        self.config.head_limits.max_headers = count;
        self
    }

    /// The largest body that [`Response::bytes`](crate::Response::bytes), `text` and `json` will
    /// read into memory. Default: 10 MiB. Streaming reads are bounded only by
    /// [`Response::limit_body`](crate::Response::limit_body).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.config.max_body_size = bytes;
        self
    }

    /// The User-Agent header; an empty string sends none. Default: `plainwire/VERSION`.
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        self.config.user_agent = (!user_agent.is_empty()).then(|| user_agent.to_string());
        self
    }

    /// A header sent with every request (a request's own header of the same name wins).
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.config
            .default_headers
            .push((name.to_string(), value.to_string()));
        self
    }

    /// Whether to send `Accept-Encoding: gzip, deflate` and decompress such bodies as they are
    /// read. Default: true. The size limits apply to the decompressed bytes. A request that sets
    /// its own Accept-Encoding gets the body as sent.
    #[cfg(feature = "gzip")]
    pub fn decompress(mut self, enabled: bool) -> Self {
        self.config.decompress = enabled;
        self
    }

    /// Sends every request through this HTTP proxy (`http://[user:pass@]host:port`).
    pub fn proxy(mut self, proxy_url: &str) -> Self {
        match Proxy::new(proxy_url) {
            Ok(proxy) => self.config.proxy = ProxySetting::Fixed(proxy),
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
                crate::ErrorKind::Config,
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
                    crate::ErrorKind::ClientCertificate,
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
        let mut config = self.config;
        if self.proxy_from_env && matches!(config.proxy, ProxySetting::None) {
            config.proxy = ProxySetting::Env(EnvProxies::from_env()?);
        }
        Ok(Agent {
            inner: Arc::new(AgentInner {
                config,
                pool: IdlePool::new(self.pool),
                trace: self.trace,
                #[cfg(feature = "tls")]
                tls: self.trust.build()?,
            }),
        })
    }
}

macro_rules! method_shortcuts {
    ($($name:ident => $method:literal),* $(,)?) => {$(
        #[doc = concat!("Starts a ", $method, " request to `url`.")]
        pub fn $name(&self, url: &str) -> RequestBuilder {
            self.request($method, url)
        }
    )*};
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
        builder.config.unusable = Some((err.kind(), err.to_string()));
        // Without the environment, the defaults leave nothing that could fail.
        builder
            .build()
            .expect("the default settings without the environment are valid")
    }

    /// Starts a request with any method, such as `"PROPFIND"`; the method must be a token.
    pub fn request(&self, method: &str, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, url)
    }

    method_shortcuts! {
        get => "GET",
        head => "HEAD",
        post => "POST",
        put => "PUT",
        patch => "PATCH",
        delete => "DELETE",
        options => "OPTIONS",
    }

    /// The number of idle connections in the pool.
    pub fn idle_connections(&self) -> usize {
        self.inner.pool.len()
    }

    pub(crate) fn inner(&self) -> &AgentInner {
        &self.inner
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
            .field("config", &self.inner.config)
            .field("idle_connections", &self.inner.pool.len())
            .finish_non_exhaustive()
    }
}

/// The agent behind [`crate::get`] and the other free functions: default settings, created on
/// first use, shared by the whole process.
pub fn default_agent() -> &'static Agent {
    static AGENT: OnceLock<Agent> = OnceLock::new();
    AGENT.get_or_init(Agent::new)
}
