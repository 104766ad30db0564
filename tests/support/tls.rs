//! Fixtures and TLS: the certificates and keys in `fixtures/`, and rustls server
//! configurations built from them.

use super::*;

/// Path of a file in the crate's `fixtures/` folder.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// All certificates in a PEM file (a fixture name, or an absolute path).
pub fn load_certs(file: &str) -> Vec<CertificateDer<'static>> {
    let path = fixture(file);
    let certs = CertificateDer::pem_file_iter(&path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .unwrap_or_else(|e| panic!("cannot read certificates from {}: {e}", path.display()));
    assert!(!certs.is_empty(), "no certificates in {}", path.display());
    certs
}

/// The private key in a PEM file (PKCS#8, PKCS#1 or SEC1; not encrypted).
pub fn load_key(file: &str) -> PrivateKeyDer<'static> {
    let path = fixture(file);
    PrivateKeyDer::from_pem_file(&path)
        .unwrap_or_else(|e| panic!("cannot read private key from {}: {e}", path.display()))
}

/// A root store holding every certificate in `file`.
pub fn root_store(file: &str) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(file) {
        roots
            .add(cert)
            .unwrap_or_else(|e| panic!("bad CA certificate in {file}: {e}"));
    }
    roots
}

/// Server config (ring provider, TLS 1.2 + 1.3, ALPN `http/1.1` offered, no
/// client auth) serving `cert_file` (full chain) with `key_file`.
pub fn server_tls_config(cert_file: &str, key_file: &str) -> Arc<ServerConfig> {
    server_tls_config_with(cert_file, key_file, rustls::DEFAULT_VERSIONS, None)
}

/// Like [`server_tls_config`], limited to `versions` (e.g.
/// `&[&rustls::version::TLS12]`). With `client_ca` set, client certificates
/// are REQUIRED and verified against the CA(s) in that file.
pub fn server_tls_config_with(
    cert_file: &str,
    key_file: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
    client_ca: Option<&str>,
) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("unsupported TLS protocol versions");
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(root_store(ca)), provider)
                    .build()
                    .unwrap_or_else(|e| panic!("cannot build client verifier for {ca}: {e}"));
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(load_certs(cert_file), load_key(key_file))
        .unwrap_or_else(|e| panic!("bad server cert/key {cert_file}/{key_file}: {e}"));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// What a TLS handshake negotiated, as seen by the server.
#[derive(Clone, Debug)]
pub struct TlsInfo {
    pub version: Option<rustls::ProtocolVersion>,
    pub cipher_suite: Option<rustls::CipherSuite>,
    /// ALPN protocol agreed on, if the client offered one we support.
    pub alpn: Option<Vec<u8>>,
    /// SNI host name sent by the client (never sent for IP addresses).
    pub sni: Option<String>,
    /// Client certificate chain (empty unless client auth was used).
    pub client_certs: Vec<CertificateDer<'static>>,
}

impl TlsInfo {
    pub(super) fn of(conn: &ServerConnection) -> Self {
        TlsInfo {
            version: conn.protocol_version(),
            cipher_suite: conn.negotiated_cipher_suite().map(|s| s.suite()),
            alpn: conn.alpn_protocol().map(<[u8]>::to_vec),
            sni: conn.server_name().map(str::to_owned),
            client_certs: conn
                .peer_certificates()
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
        }
    }
}
