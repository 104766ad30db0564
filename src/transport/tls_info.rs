//! [`TlsInfo`]: what a TLS handshake settled on, and whom it was with. A record of it only: it
//! verifies nothing (rustls and webpki did, in the handshake).

#[cfg(feature = "inspect")]
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
    /// Whether the server's certificate chain was verified against the trusted roots: false
    /// only for an agent built with
    /// [`danger_accept_invalid_certs`](crate::AgentBuilder::danger_accept_invalid_certs)
    /// (a pinned key, if any, was still checked). A trace says so, in words, on each
    /// handshake.
    pub certificate_verified: bool,
    /// The server's certificate chain as sent, leaf first; a certificate this crate's small
    /// reader cannot summarise is left out. With the `inspect` feature (in `default`).
    #[cfg(feature = "inspect")]
    pub peer_certificates: Vec<CertificateSummary>,
}

/// What a TLS handshake settled on, as a connection keeps it: the [`TlsInfo`] without the
/// summaries of the certificates, and the certificates as sent, which are summarised the
/// first time the `TlsInfo` is asked for. The summaries take more work than anything else a
/// new connection does outside TLS itself (formatted names and dates, a score of small
/// allocations per certificate), for something few callers look at.
#[derive(Debug)]
pub(crate) struct NegotiatedTls {
    /// The `TlsInfo` with `peer_certificates` still empty.
    negotiated: TlsInfo,
    /// The server's certificates as sent (DER), leaf first.
    #[cfg(feature = "inspect")]
    certificates: Vec<Vec<u8>>,
    /// The whole `TlsInfo`, once asked for.
    #[cfg(feature = "inspect")]
    info: std::sync::OnceLock<TlsInfo>,
}

impl NegotiatedTls {
    /// Keeps what a finished handshake negotiated; `certificate_verified` says whether the
    /// session's configuration verifies the server's certificate chain.
    #[cfg(feature = "tls")]
    pub(crate) fn from_session(
        session: &rustls::ClientConnection,
        certificate_verified: bool,
    ) -> NegotiatedTls {
        NegotiatedTls {
            negotiated: TlsInfo::negotiated(session, certificate_verified),
            #[cfg(feature = "inspect")]
            certificates: session
                .peer_certificates()
                .unwrap_or_default()
                .iter()
                .map(|cert| cert.as_ref().to_vec())
                .collect(),
            #[cfg(feature = "inspect")]
            info: std::sync::OnceLock::new(),
        }
    }

    /// The handshake's [`TlsInfo`], its certificates summarised on the first call.
    pub(crate) fn info(&self) -> &TlsInfo {
        #[cfg(feature = "inspect")]
        return self.info.get_or_init(|| TlsInfo {
            peer_certificates: self
                .certificates
                .iter()
                .filter_map(|der| CertificateSummary::from_der(der))
                .collect(),
            ..self.negotiated.clone()
        });
        #[cfg(not(feature = "inspect"))]
        &self.negotiated
    }
}

impl TlsInfo {
    /// Reads what a finished handshake negotiated, but for the certificates.
    #[cfg(feature = "tls")]
    fn negotiated(session: &rustls::ClientConnection, certificate_verified: bool) -> TlsInfo {
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
        TlsInfo {
            version,
            cipher_suite,
            alpn,
            resumed,
            certificate_verified,
            #[cfg(feature = "inspect")]
            peer_certificates: Vec::new(),
        }
    }
}
