//! Which servers we trust: the rustls client configuration an agent shares between connections.
//!
//! By default the roots are Mozilla's, as shipped by the `webpki-roots` crate, so a build
//! trusts the same authorities on every platform. A caller may add PEM bundles of its own,
//! use them instead, or (loudly) turn verification off.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Error, ErrorKind, Result};

/// What the agent builder collected about trust, turned into a [`ClientConfig`] by [`TrustSettings::build`].
#[derive(Debug, Clone, Default)]
pub struct TrustSettings {
    /// Extra trusted roots, as DER, from `ca_file` or `ca_pem`.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Whether to trust webpki-roots as well; `None` means "only if no extra roots were given",
    /// which is what `curl --cacert` and requests' `verify=path` do.
    pub webpki_roots: Option<bool>,
    /// Accept any certificate. Dangerous; see `AgentBuilder::danger_accept_invalid_certs`.
    pub accept_invalid_certs: bool,
}

/// The crypto provider: ring, the only one this crate enables.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Parses every certificate in a PEM bundle; `what` names the source for messages.
pub fn parse_pem_certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("{what}: not a valid PEM certificate bundle ({e})"),
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

impl TrustSettings {
    /// Builds the shared client configuration: TLS 1.2 and 1.3, ALPN `http/1.1`, session
    /// resumption through rustls' default in-memory cache.
    pub fn build(&self) -> Result<Arc<ClientConfig>> {
        let provider = provider();
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Tls,
                    "the TLS provider supports no protocol version",
                )
                .with_source(e)
            })?;

        let mut config = if self.accept_invalid_certs {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate { provider }))
                .with_no_client_auth()
        } else {
            let mut roots = RootCertStore::empty();
            if self.webpki_roots.unwrap_or(self.extra_roots.is_empty()) {
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
            for cert in &self.extra_roots {
                roots.add(cert.clone()).map_err(|e| {
                    Error::new(
                        ErrorKind::Config,
                        "a CA certificate could not be used as a trust anchor",
                    )
                    .with_source(e)
                })?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
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
