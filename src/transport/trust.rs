//! Which servers we trust, and who we are: the rustls client configuration an agent shares.
//!
//! By default the roots are Mozilla's, as shipped by the `webpki-roots` crate, so a build
//! trusts the same authorities on every platform. In their place a caller may give PEM bundles
//! of its own, point `REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`, `SSL_CERT_FILE` or `SSL_CERT_DIR`
//! at some (see [`EnvRoots`] for the order), or use the operating system's store; or (loudly)
//! turn verification off. A client certificate, for servers that ask for one (mutual TLS), is
//! loaded and checked against its key here too. `docs/trust.md` has the whole table.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Error, ErrorKind, Result};
use crate::printable::escape_for_terminal;
use crate::transport::x509;

/// What the agent builder collected about trust, turned into a [`ClientConfig`] by [`TrustSettings::build`].
#[derive(Debug, Default)]
pub struct TrustSettings {
    /// Trusted roots given explicitly, as DER, from `ca_file`, `ca_dir`, `ca_pem` or
    /// `native_roots`.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Whether the caller named where the roots come from (any of the setters above), even a
    /// directory that held none: then the named roots replace the defaults, and with none
    /// named nothing is trusted, as with an empty `curl --capath` directory.
    pub roots_named: bool,
    /// Whether to trust webpki-roots as well; `None` means "only if no other roots were given",
    /// which is what `curl --cacert` and requests' `verify=path` do.
    pub webpki_roots: Option<bool>,
    /// Whether the environment ([`EnvRoots`]) may supply the roots when no explicit ones were
    /// given.
    pub roots_from_env: bool,
    /// Accept any certificate. Dangerous; see `AgentBuilder::danger_accept_invalid_certs`.
    pub accept_invalid_certs: bool,
    /// The certificate chain and key we present when a server asks for one.
    pub client_identity: Option<ClientIdentity>,
    /// The oldest and newest TLS versions offered; `None` for rustls's safe defaults (1.2 and
    /// 1.3).
    pub versions: Option<(TlsVersion, TlsVersion)>,
    /// SHA-256 digests of the server public keys (SubjectPublicKeyInfo) accepted; empty for
    /// any key. Checked after the certificate itself was verified.
    pub pinned_keys: Vec<[u8; 32]>,
    /// Where the TLS secrets go, for Wireshark: only when a caller asked.
    pub key_log: Option<Arc<crate::transport::key_log::KeyLogWriter>>,
}

/// A TLS protocol version plainwire can speak.
///
/// ```
/// use plainwire::TlsVersion;
/// // Only TLS 1.3, as curl's `--tlsv1.3`.
/// let agent = plainwire::Agent::builder()
///     .tls_versions(TlsVersion::Tls1_3, TlsVersion::Tls1_3)
///     .build()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum TlsVersion {
    /// TLS 1.2 (RFC 5246).
    Tls1_2,
    /// TLS 1.3 (RFC 8446).
    Tls1_3,
}

impl TlsVersion {
    fn rustls(self) -> &'static rustls::SupportedProtocolVersion {
        match self {
            TlsVersion::Tls1_2 => &rustls::version::TLS12,
            TlsVersion::Tls1_3 => &rustls::version::TLS13,
        }
    }
}

/// The SHA-256 digest of `data`, through the ring provider that rustls already carries.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let suite = rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256
        .tls13()
        .expect("a TLS 1.3 suite");
    let digest = suite.common.hash_provider.hash(data);
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest.as_ref()[..32]);
    out
}

/// A client certificate chain and its private key, checked to belong together.
pub struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("certificates", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// The crypto provider: ring, the only one this crate enables.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// What is wrong with a PEM file, in words: rustls-pki-types shows the marker or line it
/// means as a list of byte values.
fn pem_problem(error: &rustls::pki_types::pem::Error) -> String {
    use rustls::pki_types::pem::Error as Pem;
    let text = |bytes: &[u8]| escape_for_terminal(&String::from_utf8_lossy(bytes)).into_owned();
    match error {
        Pem::MissingSectionEnd { end_marker } => {
            format!("no -----END {}----- line", text(end_marker).trim())
        }
        Pem::IllegalSectionStart { line } => {
            format!("a malformed BEGIN line: {:?}", text(line))
        }
        other => other.to_string(),
    }
}

/// Parses every certificate in a PEM bundle; `what` names the source for messages.
pub fn parse_pem_certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "{what}: not a valid PEM certificate bundle ({})",
                    pem_problem(&e)
                ),
            )
        })?;
    if certs.is_empty() {
        return Err(Error::new(
            ErrorKind::Config,
            format!("{what}: no certificate found in it"),
        ));
    }
    Ok(certs)
}

/// The largest CA bundle, certificate or key file read (`plainwire::defaults` says why).
pub const MAX_TRUST_FILE: u64 = 16 * 1024 * 1024;

/// The bytes of a CA bundle, certificate or key file, within [`MAX_TRUST_FILE`]: a larger
/// one is an error, rather than read until memory runs out. A pipe is read as a file is
/// (`--cacert <(...)`).
pub fn read_trust_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_TRUST_FILE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TRUST_FILE {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB",
            MAX_TRUST_FILE >> 20
        )));
    }
    Ok(bytes)
}

/// Reads a PEM bundle from a file; `what` names it for messages.
pub fn read_pem_file(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let pem = read_trust_file(path).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("{what}: could not read {}", path.display()),
        )
        .with_source(e)
    })?;
    parse_pem_certificates(&pem, &format!("{what} ({})", path.display()))
}

/// The certificates of a file an environment variable names. Only a regular file is read: the
/// variables are read when an agent is built, for plain http too, and a pipe without a
/// writer (say) would hold that build, where a caller's own `ca_file` may be a pipe.
#[cfg(feature = "env")]
fn read_env_file(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>> {
    if std::fs::metadata(path).is_ok_and(|found| !found.is_file()) {
        return Err(Error::new(
            ErrorKind::Config,
            format!("{what}: {} is not a regular file", path.display()),
        ));
    }
    read_pem_file(path, what)
}

/// Every certificate in the PEM files of a directory (OpenSSL's `c_rehash` layout, or any
/// other); files that hold no certificate are skipped, and a directory without any gives none.
/// `what` names the source for messages.
pub fn read_pem_dir(dir: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("{what}: could not read the directory {}", dir.display()),
        )
        .with_source(e)
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut certs = Vec::new();
    for path in paths.iter().filter(|p| p.is_file()) {
        if let Ok(found) = read_pem_file(path, what) {
            certs.extend(found);
        }
    }
    Ok(certs)
}

/// The roots an environment names, in the order plainwire reads the variables. The first
/// that applies decides; a variable that is unset or empty is skipped (as requests does), so
/// an empty value never disables anything, and never verification.
///
/// 1. `REQUESTS_CA_BUNDLE`: a PEM file, or a directory of PEM files (as requests reads it);
/// 2. `CURL_CA_BUNDLE`: the same (requests reads it second; curl reads it before the two
///    OpenSSL variables, and ignores them when it is set);
/// 3. `SSL_CERT_FILE` (a PEM file) and `SSL_CERT_DIR` (directories of PEM files,
///    `:`-separated), together, as OpenSSL and curl read them.
#[cfg(feature = "env")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvRoots {
    /// `REQUESTS_CA_BUNDLE` or `CURL_CA_BUNDLE`: a PEM file or a directory.
    Bundle {
        /// The variable's name, for messages.
        variable: &'static str,
        /// Its value.
        path: String,
    },
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR`, one or both set.
    OpenSsl {
        /// `SSL_CERT_FILE`.
        file: Option<String>,
        /// `SSL_CERT_DIR`.
        dir: Option<String>,
    },
}

/// The bundle variables, in the order they are read.
#[cfg(feature = "env")]
pub const BUNDLE_VARIABLES: [&str; 2] = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"];

#[cfg(feature = "env")]
impl EnvRoots {
    /// The roots the environment names, reading variables through `lookup`; `None` if no
    /// variable of the four is set and not empty.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<EnvRoots> {
        let set = |name: &str| lookup(name).filter(|value| !value.is_empty());
        for variable in BUNDLE_VARIABLES {
            if let Some(path) = set(variable) {
                return Some(EnvRoots::Bundle { variable, path });
            }
        }
        let (file, dir) = (set("SSL_CERT_FILE"), set("SSL_CERT_DIR"));
        (file.is_some() || dir.is_some()).then_some(EnvRoots::OpenSsl { file, dir })
    }

    /// The certificates these variables name. Fails, naming the variable, when a file or
    /// directory cannot be read or holds no certificate.
    pub fn read(&self) -> Result<Vec<CertificateDer<'static>>> {
        match self {
            EnvRoots::Bundle { variable, path } => {
                let what = format!("${variable}");
                let path = Path::new(path);
                if path.is_dir() {
                    let certs = read_pem_dir(path, &what)?;
                    if certs.is_empty() {
                        return Err(Error::new(
                            ErrorKind::Config,
                            format!("{what}: no PEM certificate found in {}", path.display()),
                        ));
                    }
                    Ok(certs)
                } else {
                    read_env_file(path, &what)
                }
            }
            EnvRoots::OpenSsl { file, dir } => {
                let mut roots = Vec::new();
                if let Some(file) = file {
                    roots.extend(read_env_file(Path::new(file), "$SSL_CERT_FILE")?);
                }
                for dir in dir.iter().flat_map(|dirs| dirs.split(':')) {
                    if dir.is_empty() {
                        continue;
                    }
                    let certs = read_pem_dir(Path::new(dir), "$SSL_CERT_DIR")?;
                    // A variable names a store to use; one without a certificate is a mistake.
                    if certs.is_empty() {
                        return Err(Error::new(
                            ErrorKind::Config,
                            format!("$SSL_CERT_DIR: no PEM certificate found in {dir}"),
                        ));
                    }
                    roots.extend(certs);
                }
                Ok(roots)
            }
        }
    }
}

/// The shared client configuration, or why the environment made one impossible.
///
/// Roots named by an environment variable that cannot be read make every https request fail
/// with the error that names the variable, and leave plain http alone: a wrong
/// `REQUESTS_CA_BUNDLE` must not break requests that never use a certificate.
#[derive(Debug, Clone)]
pub enum ClientTls {
    /// Ready for handshakes.
    Ready {
        config: Arc<ClientConfig>,
        /// Whether the server's certificate chain is verified: false when the agent accepts
        /// any certificate (a pinned key is still checked).
        verifies_chain: bool,
    },
    /// What the environment named for TLS could not be used: its roots could not be read, or
    /// its key log file (`SSLKEYLOGFILE`) opened.
    Unusable {
        /// The error's kind.
        kind: ErrorKind,
        /// The error's whole text.
        message: String,
    },
}

impl ClientTls {
    /// Whether handshakes verify the server's certificate chain: false only when the agent
    /// accepts any certificate.
    pub fn verifies_chain(&self) -> bool {
        !matches!(
            self,
            ClientTls::Ready {
                verifies_chain: false,
                ..
            }
        )
    }

    /// The configuration, or the error that made it unusable.
    pub fn config(&self) -> Result<Arc<ClientConfig>> {
        match self {
            ClientTls::Ready { config, .. } => Ok(config.clone()),
            ClientTls::Unusable { kind, message } => Err(Error::new(*kind, message.clone())),
        }
    }
}

/// Where Linux distributions keep their CA bundle, in the order Go's crypto/x509 looks.
#[cfg(not(feature = "native-roots"))]
pub const SYSTEM_BUNDLES: [&str; 6] = [
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Gentoo, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL 6
    "/etc/ssl/ca-bundle.pem",             // openSUSE
    "/etc/pki/tls/cacert.pem",            // OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7
    "/etc/ssl/cert.pem",                  // Alpine
];

/// The operating system's trusted roots.
pub fn native_roots() -> Result<Vec<CertificateDer<'static>>> {
    #[cfg(feature = "native-roots")]
    {
        let found = rustls_native_certs::load_native_certs();
        if found.certs.is_empty() {
            let why = found
                .errors
                .first()
                .map_or_else(String::new, |e| format!(" ({e})"));
            return Err(Error::new(
                ErrorKind::Config,
                format!("the system's trust store holds no certificate{why}"),
            ));
        }
        Ok(found.certs)
    }
    #[cfg(not(feature = "native-roots"))]
    {
        if !cfg!(target_os = "linux") {
            return Err(Error::new(
                ErrorKind::Config,
                "native_roots() needs plainwire's `native-roots` feature on this platform",
            ));
        }
        let bundle = SYSTEM_BUNDLES
            .iter()
            .map(Path::new)
            .find(|path| path.is_file())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    "no system CA bundle found (looked in /etc/ssl and /etc/pki)",
                )
            })?;
        read_pem_file(bundle, "the system CA bundle")
    }
}

impl ClientIdentity {
    /// A chain (leaf first) and key from PEM. The key may be PKCS#8, PKCS#1 (RSA) or SEC1 (EC),
    /// unencrypted, and in the same text as the chain or not; it must match the leaf.
    pub fn from_pem(chain_pem: &[u8], key_pem: &[u8]) -> Result<ClientIdentity> {
        let fail = |message: String| Error::new(ErrorKind::ClientCertificate, message);
        let chain = CertificateDer::pem_slice_iter(chain_pem)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| {
                fail(format!(
                    "the client certificate is not valid PEM ({})",
                    pem_problem(&e)
                ))
            })?;
        if chain.is_empty() {
            return Err(fail(
                "no certificate found where the client certificate was expected".into(),
            ));
        }
        // PKCS#8 "ENCRYPTED PRIVATE KEY", or a legacy OpenSSL key with "Proc-Type: 4,ENCRYPTED".
        let contains = |needle: &[u8]| key_pem.windows(needle.len()).any(|w| w == needle);
        let encrypted = contains(b"BEGIN ENCRYPTED PRIVATE KEY") || contains(b"4,ENCRYPTED");
        if encrypted {
            return Err(fail(
                "the client key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)"
                    .into(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
            fail(format!(
                "no usable private key found for the client certificate ({})",
                pem_problem(&e)
            ))
        })?;
        rustls::sign::CertifiedKey::from_der(chain.clone(), key.clone_key(), &provider()).map_err(
            |e| {
                let why = match e {
                    rustls::Error::InconsistentKeys(_) => {
                        "the private key does not match the client certificate".to_string()
                    }
                    other => {
                        format!("the client certificate and key cannot be used together ({other})")
                    }
                };
                fail(why)
            },
        )?;
        Ok(ClientIdentity { chain, key })
    }
}

impl TrustSettings {
    /// Settings that read the environment's roots, as an agent does by default.
    pub fn new() -> TrustSettings {
        TrustSettings {
            roots_from_env: cfg!(feature = "env"),
            ..TrustSettings::default()
        }
    }

    /// Builds the shared client configuration: TLS 1.2 and 1.3, ALPN `http/1.1`, session
    /// resumption through rustls' default in-memory cache.
    ///
    /// Fails on what the builder was given (no roots at all, an unusable client certificate).
    /// Roots from the environment that cannot be read do not fail here: they make the result
    /// [`ClientTls::Unusable`], for https requests to fail with.
    pub fn build(&self) -> Result<ClientTls> {
        let roots = if self.accept_invalid_certs {
            None
        } else {
            match self.root_store()? {
                Ok(roots) => Some(roots),
                Err(env_error) => {
                    return Ok(ClientTls::Unusable {
                        kind: env_error.kind(),
                        message: env_error.to_string(),
                    })
                }
            }
        };
        let provider = provider();
        let versions: Vec<&'static rustls::SupportedProtocolVersion> = match self.versions {
            None => rustls::DEFAULT_VERSIONS.to_vec(),
            Some((min, max)) => [TlsVersion::Tls1_2, TlsVersion::Tls1_3]
                .into_iter()
                .filter(|v| (min..=max).contains(v))
                .map(TlsVersion::rustls)
                .collect(),
        };
        if versions.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                "the oldest TLS version allowed is newer than the newest",
            ));
        }
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&versions)
            .map_err(|e| {
                Error::new(
                    ErrorKind::Tls,
                    "the TLS provider supports no protocol version",
                )
                .with_source(e)
            })?;

        let builder = match (roots, self.pinned_keys.is_empty()) {
            (None, true) => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate { provider })),
            (Some(roots), true) if roots.servers.is_empty() => {
                builder.with_root_certificates(roots.cas)
            }
            (Some(roots), true) => builder
                .dangerous()
                .with_custom_certificate_verifier(roots.verifier(&provider)?),
            // A pin is checked whether or not the chain is: curl's `--pinnedpubkey` with `-k`.
            (roots, false) => {
                let verified: Arc<dyn ServerCertVerifier> = match roots {
                    None => Arc::new(AcceptAnyCertificate {
                        provider: provider.clone(),
                    }),
                    Some(roots) => roots.verifier(&provider)?,
                };
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(PinnedKeys {
                        verified,
                        pins: self.pinned_keys.clone(),
                    }))
            }
        };
        let mut config = match &self.client_identity {
            Some(identity) => builder
                .with_client_auth_cert(identity.chain.clone(), identity.key.clone_key())
                .map_err(|e| {
                    Error::new(
                        ErrorKind::ClientCertificate,
                        "the client certificate cannot be used",
                    )
                    .with_source(e)
                })?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        if let Some(key_log) = &self.key_log {
            config.key_log = key_log.clone();
        }
        Ok(ClientTls::Ready {
            config: Arc::new(config),
            verifies_chain: !self.accept_invalid_certs,
        })
    }

    /// The roots: explicit ones, else the environment's ([`EnvRoots`]), else webpki-roots;
    /// webpki-roots also whenever asked for explicitly. The outer error is the builder's
    /// mistake; the inner one, roots the environment names that cannot be read. The common
    /// cases (webpki-roots alone, or the environment's roots alone) are parsed once per
    /// process and shared, so that making an agent stays cheap even when `SSL_CERT_DIR` names
    /// a directory of hundreds of files.
    fn root_store(&self) -> Result<Result<Roots>> {
        let named = self.roots_named || !self.extra_roots.is_empty();
        let explicit = named || self.webpki_roots.is_some();
        #[cfg(feature = "env")]
        if !explicit && self.roots_from_env {
            if let Some(env) = EnvRoots::from_lookup(|name| std::env::var(name).ok()) {
                return Ok(env_store(env));
            }
        }
        if !explicit {
            return Ok(Ok(webpki_store()));
        }
        if !named && self.webpki_roots == Some(false) {
            return Err(Error::new(
                ErrorKind::Config,
                "webpki_roots(false) without a CA file, directory or PEM leaves no root \
                 certificate to check a server against",
            ));
        }
        let mut roots = RootCertStore::empty();
        if self.webpki_roots.unwrap_or(!named) {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        anchors(roots, self.extra_roots.clone()).map(Ok)
    }
}

/// The certificates trusted: CA certificates as trust anchors, which vouch for the servers
/// whose chains lead to them, and servers' own certificates, each of which vouches for its
/// own server and no other.
///
/// rustls (webpki) takes any certificate as an anchor, a name and a key, and reads none of its
/// extensions: a server's certificate (`CA:FALSE`) trusted so that that one server is, as the
/// usual "trust this self-signed server" goes, would sign certificates for any name. So a
/// certificate that is no CA's ([`x509::is_ca`]) is kept apart, and matched whole.
#[derive(Debug, Clone)]
struct Roots {
    cas: Arc<RootCertStore>,
    /// Each server certificate, with a store that holds it alone as an anchor.
    servers: Arc<[(CertificateDer<'static>, Arc<RootCertStore>)]>,
}

impl Roots {
    /// A verifier of these roots, for a configuration that cannot take the store alone: the
    /// CAs' webpki verifier, and beside it one for each server's certificate, with that
    /// certificate as its only anchor, which a server must send as it is.
    fn verifier(&self, provider: &Arc<CryptoProvider>) -> Result<Arc<dyn ServerCertVerifier>> {
        let webpki = |store: Arc<RootCertStore>| {
            rustls::client::WebPkiServerVerifier::builder_with_provider(store, provider.clone())
                .build()
                .map_err(|e| Error::new(ErrorKind::Config, "no usable trusted root").with_source(e))
        };
        if self.cas.is_empty() && self.servers.is_empty() {
            // No root at all (an empty CA directory): every server's certificate is refused
            // as from an unknown issuer, as rustls refuses it without a pin (webpki would not
            // be built over an empty store). Signatures are checked with the provider's
            // algorithms, as any verifier checks them.
            return Ok(Arc::new(TrustedCertificates {
                cas: None,
                servers: Vec::new(),
                signatures: Arc::new(AcceptAnyCertificate {
                    provider: provider.clone(),
                }),
            }));
        }
        let cas = match self.cas.is_empty() {
            true => None,
            false => Some(webpki(self.cas.clone())?),
        };
        let servers = self
            .servers
            .iter()
            .map(|(cert, alone)| Ok((cert.clone(), webpki(alone.clone())?)))
            .collect::<Result<Vec<_>>>()?;
        // Any of them checks a handshake's signature as the others would: with the provider's
        // algorithms. Without `cas`, there are `servers`.
        let signatures: Arc<dyn ServerCertVerifier> = match &cas {
            Some(cas) => cas.clone(),
            None => servers[0].1.clone(),
        };
        Ok(Arc::new(TrustedCertificates {
            cas,
            servers,
            signatures,
        }))
    }
}

/// Adds `certs` to `roots`: CA certificates as trust anchors, others as servers' own
/// ([`Roots`]). A bundle may hold certificates webpki cannot use (an unknown algorithm, say);
/// like OpenSSL, skip those rather than refuse the whole bundle. No certificate at all (an
/// empty CA directory) is an empty store, which trusts no server.
fn anchors(mut roots: RootCertStore, certs: Vec<CertificateDer<'static>>) -> Result<Roots> {
    let given = certs.len();
    let (cas, servers): (Vec<_>, Vec<_>) = certs
        .into_iter()
        .partition(|cert| x509::is_ca(cert.as_ref()) == Some(true));
    let (_added, _ignored) = roots.add_parsable_certificates(cas);
    let servers: Vec<_> = servers
        .into_iter()
        .filter_map(|cert| {
            let mut alone = RootCertStore::empty();
            alone.add(cert.clone()).ok()?;
            Some((cert, Arc::new(alone)))
        })
        .collect();
    if roots.is_empty() && servers.is_empty() && given > 0 {
        return Err(Error::new(
            ErrorKind::Config,
            "none of the given CA certificates can be used as a trust anchor",
        ));
    }
    Ok(Roots {
        cas: Arc::new(roots),
        servers: servers.into(),
    })
}

/// webpki-roots as a store, made once.
fn webpki_store() -> Roots {
    static STORE: OnceLock<Roots> = OnceLock::new();
    STORE
        .get_or_init(|| Roots {
            cas: Arc::new(RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            }),
            servers: Arc::new([]),
        })
        .clone()
}

/// The environment's roots as a store, made once for each value of the variables.
#[cfg(feature = "env")]
fn env_store(env: EnvRoots) -> Result<Roots> {
    static STORE: std::sync::Mutex<Option<(EnvRoots, Roots)>> = std::sync::Mutex::new(None);
    let mut cached = STORE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((cached_env, store)) = cached.as_ref() {
        if *cached_env == env {
            return Ok(store.clone());
        }
    }
    let store = anchors(RootCertStore::empty(), env.read()?)?;
    *cached = Some((env, store.clone()));
    Ok(store)
}

/// A verifier that accepts any certificate for any name, while still checking that the server
/// holds the key of the certificate it sent (the handshake signature). It protects against
/// nothing but passive eavesdropping: anyone on the path can impersonate the server.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Accepts a server whose certificate is one of `servers`, sent as it is and verified with
/// itself as the only anchor (its name, its dates), or else whose chain the CAs' verifier
/// accepts. See [`Roots`].
#[derive(Debug)]
struct TrustedCertificates {
    /// `None` when only servers' own certificates are trusted.
    cas: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    servers: Vec<(
        CertificateDer<'static>,
        Arc<rustls::client::WebPkiServerVerifier>,
    )>,
    /// One of the above, for the handshake's signature, which does not depend on the roots
    /// (with no root at all, the provider's algorithms through [`AcceptAnyCertificate`],
    /// whose certificate check is never asked for here).
    signatures: Arc<dyn ServerCertVerifier>,
}

impl ServerCertVerifier for TrustedCertificates {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let itself = self
            .servers
            .iter()
            .find(|(cert, _)| cert.as_ref() == end_entity.as_ref());
        match (itself, &self.cas) {
            (Some((_, verifier)), _) => {
                verifier.verify_server_cert(end_entity, &[], server_name, ocsp_response, now)
            }
            (None, Some(cas)) => {
                cas.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            (None, None) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.signatures.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.signatures.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.signatures.supported_verify_schemes()
    }
}

/// A server's public key that is not among the pinned ones.
#[derive(Debug)]
pub struct PinMismatch;

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the server's public key is not one of the pinned keys")
    }
}

impl std::error::Error for PinMismatch {}

/// Accepts a server whose certificate `verified` accepts and whose public key is pinned.
#[derive(Debug)]
struct PinnedKeys {
    verified: Arc<dyn ServerCertVerifier>,
    pins: Vec<[u8; 32]>,
}

impl ServerCertVerifier for PinnedKeys {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let verified = self.verified.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let pinned = crate::transport::x509::subject_public_key_info(end_entity.as_ref())
            .is_some_and(|spki| self.pins.contains(&sha256(spki)));
        if pinned {
            Ok(verified)
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(PinMismatch))),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.verified.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.verified.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.verified.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pem_file_is_described_in_words() {
        let err = parse_pem_certificates(b"-----BEGIN CERTIFICATE-----\nMIIB\n", "x").unwrap_err();
        assert!(
            err.message()
                .contains("(no -----END CERTIFICATE----- line)"),
            "{err}"
        );
    }

    #[test]
    fn sha256_of_abc_is_the_fips_180_example() {
        let digest = sha256(b"abc");
        assert_eq!(digest[..4], [0xba, 0x78, 0x16, 0xbf]);
        assert_eq!(digest[28..], [0xf2, 0x00, 0x15, 0xad]);
    }

    #[test]
    fn the_pinned_digest_is_of_the_subject_public_key_info_as_openssl_computes_it() {
        let pem = fixture("localhost.pem");
        let der = parse_pem_certificates(&pem, "test").unwrap().remove(0);
        let spki = crate::transport::x509::subject_public_key_info(der.as_ref()).unwrap();
        // openssl x509 -in fixtures/localhost.pem -pubkey -noout | openssl pkey -pubin
        //     -outform der | openssl dgst -sha256
        assert_eq!(sha256(spki)[..4], [0xcf, 0x60, 0xa1, 0xf0]);
        assert_eq!(spki[0], 0x30, "a SEQUENCE, tag and length included");
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn pkcs8_pkcs1_and_sec1_keys_load() {
        ClientIdentity::from_pem(&fixture("client.pem"), &fixture("client.key")).unwrap();
        ClientIdentity::from_pem(&fixture("client-rsa.pem"), &fixture("client-rsa-pkcs1.key"))
            .unwrap();
        ClientIdentity::from_pem(&fixture("client-ec.pem"), &fixture("client-ec-sec1.key"))
            .unwrap();
    }

    #[test]
    fn a_mismatched_key_is_refused() {
        let err = ClientIdentity::from_pem(&fixture("client.pem"), &fixture("client-other.key"))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ClientCertificate);
        assert!(err.to_string().contains("does not match"), "{err}");
    }

    #[test]
    fn an_encrypted_key_is_refused_with_a_hint() {
        let err =
            ClientIdentity::from_pem(&fixture("client.pem"), &fixture("client-encrypted.key"))
                .unwrap_err();
        assert!(err.to_string().contains("encrypted"), "{err}");
    }

    #[test]
    fn a_key_file_is_not_a_certificate() {
        let err =
            ClientIdentity::from_pem(&fixture("client.key"), &fixture("client.key")).unwrap_err();
        assert!(err.to_string().contains("no certificate"), "{err}");
    }

    #[cfg(feature = "env")]
    #[test]
    fn env_roots_name_the_variable_that_failed() {
        let open_ssl = |file: Option<String>, dir: Option<String>| EnvRoots::OpenSsl { file, dir };
        let err = open_ssl(Some("/nonexistent/ca.pem".to_string()), None)
            .read()
            .unwrap_err();
        assert!(err.to_string().contains("$SSL_CERT_FILE"), "{err}");
        let dir = format!("{}/src", env!("CARGO_MANIFEST_DIR"));
        let err = open_ssl(None, Some(dir)).read().unwrap_err();
        assert!(err.to_string().contains("$SSL_CERT_DIR"), "{err}");
    }

    #[cfg(feature = "env")]
    #[test]
    fn env_roots_read_a_file_and_a_directory() {
        let file = format!("{}/fixtures/ca.pem", env!("CARGO_MANIFEST_DIR"));
        let dir = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
        let roots = EnvRoots::OpenSsl {
            file: Some(file),
            dir: Some(format!(":{dir}:")),
        }
        .read()
        .unwrap();
        assert!(roots.len() > 10, "{}", roots.len());
    }

    #[cfg(feature = "env")]
    #[test]
    fn the_bundle_variables_come_first_and_empty_ones_are_skipped() {
        let env = |vars: &[(&str, &str)]| {
            EnvRoots::from_lookup(|name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            })
        };
        let bundle = |variable, path: &str| EnvRoots::Bundle {
            variable,
            path: path.to_string(),
        };
        let all = [
            ("REQUESTS_CA_BUNDLE", "/r"),
            ("CURL_CA_BUNDLE", "/c"),
            ("SSL_CERT_FILE", "/f"),
            ("SSL_CERT_DIR", "/d"),
        ];
        assert_eq!(env(&all), Some(bundle("REQUESTS_CA_BUNDLE", "/r")));
        assert_eq!(env(&all[1..]), Some(bundle("CURL_CA_BUNDLE", "/c")));
        assert_eq!(
            env(&[("REQUESTS_CA_BUNDLE", ""), ("CURL_CA_BUNDLE", "/c")]),
            Some(bundle("CURL_CA_BUNDLE", "/c"))
        );
        assert_eq!(
            env(&[("CURL_CA_BUNDLE", ""), ("SSL_CERT_DIR", "/d")]),
            Some(EnvRoots::OpenSsl {
                file: None,
                dir: Some("/d".to_string())
            })
        );
        assert_eq!(
            env(&[("REQUESTS_CA_BUNDLE", ""), ("SSL_CERT_FILE", "")]),
            None
        );
        assert_eq!(env(&[]), None);
    }

    #[cfg(feature = "env")]
    #[test]
    fn a_bundle_variable_may_name_a_file_or_a_directory() {
        let read = |path: String| {
            EnvRoots::Bundle {
                variable: "REQUESTS_CA_BUNDLE",
                path,
            }
            .read()
        };
        let fixtures = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
        assert_eq!(read(format!("{fixtures}/ca.pem")).unwrap().len(), 1);
        assert!(read(fixtures.clone()).unwrap().len() > 1);
        let err = read(format!("{fixtures}/missing.pem")).unwrap_err();
        assert!(err.to_string().contains("$REQUESTS_CA_BUNDLE"), "{err}");
    }

    #[test]
    fn native_roots_are_found_on_this_machine() {
        assert!(!native_roots().unwrap().is_empty());
    }
}
