//! [`TlsInfo`]: what a TLS handshake settled on, and whom it was with.

use crate::transport::x509::CertificateSummary;

/// The outcome of a TLS handshake: protocol version, cipher suite, ALPN protocol, whether the
/// session was resumed, and the certificates the server presented (leaf first).
///
/// ```no_run
/// let resp = plainwire::get("https://example.com/").send()?;
/// if let Some(tls) = resp.tls() {
///     println!("{} with {}", tls.version, tls.cipher_suite);
///     if let Some(leaf) = tls.peer_certificates.first() {
///         println!("server: {} (issued by {})", leaf.subject, leaf.issuer);
///     }
/// }
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsInfo {
    /// The protocol version, as `TLSv1.3` or `TLSv1.2`.
    pub version: String,
    /// The cipher suite, as rustls names it (`TLS13_AES_256_GCM_SHA384`).
    pub cipher_suite: String,
    /// The protocol agreed through ALPN (`http/1.1`), if the server took part.
    pub alpn: Option<String>,
    /// Whether the handshake resumed an earlier session instead of a full exchange.
    pub resumed: bool,
    /// The server's certificate chain as sent, leaf first; a certificate this crate's small
    /// reader cannot summarise is left out.
    pub peer_certificates: Vec<CertificateSummary>,
}

impl TlsInfo {
    /// Reads what a finished handshake negotiated.
    #[cfg(feature = "tls")]
    pub(crate) fn from_session(session: &rustls::ClientConnection) -> TlsInfo {
        let version = match session.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
            Some(other) => format!("{other:?}"),
            None => "unknown".to_string(),
        };
        let cipher_suite = session.negotiated_cipher_suite().map_or_else(
            || "unknown".to_string(),
            |suite| format!("{:?}", suite.suite()),
        );
        let alpn = session
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned());
        let resumed = session.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
        let peer_certificates = session
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .filter_map(|cert| CertificateSummary::from_der(cert.as_ref()))
            .collect();
        TlsInfo {
            version,
            cipher_suite,
            alpn,
            resumed,
            peer_certificates,
        }
    }
}
