//! The numbers TLS puts on the wire, and their names: versions, cipher suites, groups,
//! signature schemes, extensions, handshake types, alerts. Not a registry: only the values
//! rustls and OpenSSL offer or the RFCs define for TLS 1.2 and 1.3; anything else prints as hex.
//!
//! Each number is a small type of its own (`CipherSuite(0x1302)`), so that a list of them
//! prints as names and a value nobody named prints as `0x1234` instead of being lost. The
//! names follow the IANA "TLS Parameters" registry and RFC 8446, except the cipher suites,
//! which use rustls' spelling (`TLS13_AES_256_GCM_SHA384`, IANA's `TLS_AES_256_GCM_SHA384`),
//! as [`TlsInfo`](crate::TlsInfo) does.

use std::fmt;

/// Looks `value` up in a table of `(value, name)` pairs.
fn lookup<T: Copy + PartialEq>(table: &[(T, &'static str)], value: T) -> Option<&'static str> {
    table
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, name)| *name)
}

/// Whether a two-byte value is one of the sixteen GREASE values of RFC 8701 (`0x0a0a`,
/// `0x1a1a`, ... `0xfafa`): values a client offers at random so that servers learn to ignore
/// what they do not know.
///
/// ```
/// use plainwire::tls_record::is_grease;
/// assert!(is_grease(0x0a0a) && is_grease(0xfafa));
/// assert!(!is_grease(0x0304) && !is_grease(0x0a1a));
/// ```
pub fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// Writes `name`, or `GREASE(0x1a1a)`, or the value in hex.
fn write_u16(f: &mut fmt::Formatter<'_>, name: Option<&str>, value: u16) -> fmt::Result {
    match name {
        Some(name) => f.write_str(name),
        None if is_grease(value) => write!(f, "GREASE({value:#06x})"),
        None => write!(f, "{value:#06x}"),
    }
}

/// A protocol version as it appears on the wire (RFC 8446 section 4.2.1): `0x0304` is TLS 1.3.
///
/// ```
/// use plainwire::tls_record::TlsVersion;
/// assert_eq!(TlsVersion(0x0303).to_string(), "TLSv1.2");
/// assert_eq!(TlsVersion(0x7f1c).to_string(), "0x7f1c");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TlsVersion(pub u16);

impl TlsVersion {
    /// SSL 3.0, long dead; its number lives on in every record header.
    pub const SSL3: TlsVersion = TlsVersion(0x0300);
    /// TLS 1.0: the record version of most first ClientHellos (RFC 8446 section 5.1).
    pub const TLS10: TlsVersion = TlsVersion(0x0301);
    /// TLS 1.1.
    pub const TLS11: TlsVersion = TlsVersion(0x0302);
    /// TLS 1.2 (RFC 5246), and the `legacy_version` of every TLS 1.3 hello.
    pub const TLS12: TlsVersion = TlsVersion(0x0303);
    /// TLS 1.3 (RFC 8446); only ever in the `supported_versions` extension.
    pub const TLS13: TlsVersion = TlsVersion(0x0304);

    /// The name curl prints (`TLSv1.3`), if the version has one.
    pub fn name(self) -> Option<&'static str> {
        lookup(
            &[
                (0x0300, "SSLv3"),
                (0x0301, "TLSv1.0"),
                (0x0302, "TLSv1.1"),
                (0x0303, "TLSv1.2"),
                (0x0304, "TLSv1.3"),
            ],
            self.0,
        )
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_u16(f, self.name(), self.0)
    }
}

/// A cipher suite (RFC 8446 appendix B.4, RFC 5246 appendix A.5 and the RFCs after it).
///
/// ```
/// use plainwire::tls_record::CipherSuite;
/// assert_eq!(CipherSuite(0x1302).to_string(), "TLS13_AES_256_GCM_SHA384");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CipherSuite(pub u16);

/// The suites rustls and OpenSSL offer by default, the older ones OpenSSL can still be asked
/// for, and the two signalling values.
const CIPHER_SUITES: &[(u16, &str)] = &[
    (0x1301, "TLS13_AES_128_GCM_SHA256"),
    (0x1302, "TLS13_AES_256_GCM_SHA384"),
    (0x1303, "TLS13_CHACHA20_POLY1305_SHA256"),
    (0x1304, "TLS13_AES_128_CCM_SHA256"),
    (0x1305, "TLS13_AES_128_CCM_8_SHA256"),
    (0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    // RFC 5746 section 3.3: "I support secure renegotiation", written as a suite.
    (0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
    // RFC 7507: "this is a retry at a lower version".
    (0x5600, "TLS_FALLBACK_SCSV"),
];

impl CipherSuite {
    /// The suite's name, if it is one of those in the table.
    pub fn name(self) -> Option<&'static str> {
        lookup(CIPHER_SUITES, self.0)
    }
}

impl fmt::Display for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_u16(f, self.name(), self.0)
    }
}

/// A key exchange group (RFC 8446 section 4.2.7; RFC 7919 for ffdhe; the ML-KEM hybrids of
/// draft-ietf-tls-ecdhe-mlkem).
///
/// ```
/// use plainwire::tls_record::NamedGroup;
/// assert_eq!(NamedGroup(0x001d).to_string(), "x25519");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NamedGroup(pub u16);

const NAMED_GROUPS: &[(u16, &str)] = &[
    (0x0017, "secp256r1"),
    (0x0018, "secp384r1"),
    (0x0019, "secp521r1"),
    (0x001d, "x25519"),
    (0x001e, "x448"),
    (0x0100, "ffdhe2048"),
    (0x0101, "ffdhe3072"),
    (0x0102, "ffdhe4096"),
    (0x0103, "ffdhe6144"),
    (0x0104, "ffdhe8192"),
    (0x0200, "MLKEM512"),
    (0x0201, "MLKEM768"),
    (0x0202, "MLKEM1024"),
    (0x11eb, "SecP256r1MLKEM768"),
    (0x11ec, "X25519MLKEM768"),
    (0x11ed, "SecP384r1MLKEM1024"),
    (0x6399, "X25519Kyber768Draft00"),
];

impl NamedGroup {
    /// The group's name, if it is one of those in the table.
    pub fn name(self) -> Option<&'static str> {
        lookup(NAMED_GROUPS, self.0)
    }
}

impl fmt::Display for NamedGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_u16(f, self.name(), self.0)
    }
}

/// A signature scheme (RFC 8446 section 4.2.3; in TLS 1.2 the same two bytes are a hash and
/// a signature algorithm, RFC 5246 section 7.4.1.4.1).
///
/// ```
/// use plainwire::tls_record::SignatureScheme;
/// assert_eq!(SignatureScheme(0x0403).to_string(), "ecdsa_secp256r1_sha256");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureScheme(pub u16);

const SIGNATURE_SCHEMES: &[(u16, &str)] = &[
    (0x0201, "rsa_pkcs1_sha1"),
    (0x0203, "ecdsa_sha1"),
    (0x0401, "rsa_pkcs1_sha256"),
    (0x0501, "rsa_pkcs1_sha384"),
    (0x0601, "rsa_pkcs1_sha512"),
    (0x0403, "ecdsa_secp256r1_sha256"),
    (0x0503, "ecdsa_secp384r1_sha384"),
    (0x0603, "ecdsa_secp521r1_sha512"),
    (0x0804, "rsa_pss_rsae_sha256"),
    (0x0805, "rsa_pss_rsae_sha384"),
    (0x0806, "rsa_pss_rsae_sha512"),
    (0x0807, "ed25519"),
    (0x0808, "ed448"),
    (0x0809, "rsa_pss_pss_sha256"),
    (0x080a, "rsa_pss_pss_sha384"),
    (0x080b, "rsa_pss_pss_sha512"),
    (0x081a, "ecdsa_brainpoolP256r1tls13_sha256"),
    (0x081b, "ecdsa_brainpoolP384r1tls13_sha384"),
    (0x081c, "ecdsa_brainpoolP512r1tls13_sha512"),
    (0x0904, "mldsa44"),
    (0x0905, "mldsa65"),
    (0x0906, "mldsa87"),
];

impl SignatureScheme {
    /// The scheme's name, if it is one of those in the table.
    pub fn name(self) -> Option<&'static str> {
        lookup(SIGNATURE_SCHEMES, self.0)
    }
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_u16(f, self.name(), self.0)
    }
}

/// A hello extension (RFC 8446 section 4.2 and the IANA registry).
///
/// ```
/// use plainwire::tls_record::ExtensionType;
/// assert_eq!(ExtensionType(43).to_string(), "supported_versions");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionType(pub u16);

impl ExtensionType {
    /// `server_name` (RFC 6066 section 3): the host the client wants, in the clear.
    pub const SERVER_NAME: ExtensionType = ExtensionType(0);
    /// `supported_groups` (RFC 8446 section 4.2.7).
    pub const SUPPORTED_GROUPS: ExtensionType = ExtensionType(10);
    /// `signature_algorithms` (RFC 8446 section 4.2.3).
    pub const SIGNATURE_ALGORITHMS: ExtensionType = ExtensionType(13);
    /// `application_layer_protocol_negotiation` (RFC 7301).
    pub const ALPN: ExtensionType = ExtensionType(16);
    /// `pre_shared_key` (RFC 8446 section 4.2.11).
    pub const PRE_SHARED_KEY: ExtensionType = ExtensionType(41);
    /// `early_data` (RFC 8446 section 4.2.10).
    pub const EARLY_DATA: ExtensionType = ExtensionType(42);
    /// `supported_versions` (RFC 8446 section 4.2.1).
    pub const SUPPORTED_VERSIONS: ExtensionType = ExtensionType(43);
    /// `key_share` (RFC 8446 section 4.2.8).
    pub const KEY_SHARE: ExtensionType = ExtensionType(51);

    /// The extension's name, if it is one of those in the table.
    pub fn name(self) -> Option<&'static str> {
        lookup(
            &[
                (0, "server_name"),
                (1, "max_fragment_length"),
                (5, "status_request"),
                (10, "supported_groups"),
                (11, "ec_point_formats"),
                (13, "signature_algorithms"),
                (14, "use_srtp"),
                (15, "heartbeat"),
                (16, "application_layer_protocol_negotiation"),
                (18, "signed_certificate_timestamp"),
                (19, "client_certificate_type"),
                (20, "server_certificate_type"),
                (21, "padding"),
                (22, "encrypt_then_mac"),
                (23, "extended_master_secret"),
                (27, "compress_certificate"),
                (28, "record_size_limit"),
                (35, "session_ticket"),
                (41, "pre_shared_key"),
                (42, "early_data"),
                (43, "supported_versions"),
                (44, "cookie"),
                (45, "psk_key_exchange_modes"),
                (47, "certificate_authorities"),
                (48, "oid_filters"),
                (49, "post_handshake_auth"),
                (50, "signature_algorithms_cert"),
                (51, "key_share"),
                (57, "quic_transport_parameters"),
                (0x4469, "application_settings"),
                (0xfe0d, "encrypted_client_hello"),
                (0xff01, "renegotiation_info"),
            ],
            self.0,
        )
    }
}

impl fmt::Display for ExtensionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_u16(f, self.name(), self.0)
    }
}

/// A handshake message type (RFC 8446 section 4; RFC 5246 section 7.4 for those TLS 1.3
/// dropped).
///
/// ```
/// use plainwire::tls_record::HandshakeType;
/// assert_eq!(HandshakeType::SERVER_HELLO_DONE.to_string(), "server_hello_done");
/// assert_eq!(HandshakeType::SERVER_HELLO_DONE.curl_name(), "Server finished");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HandshakeType(pub u8);

/// Value, RFC name, and the name curl prints (its `ssl_msg_type`, after OpenSSL's constants;
/// "Unknown" where curl has none).
const HANDSHAKE_TYPES: &[(u8, &str, &str)] = &[
    (0, "hello_request", "Hello request"),
    (1, "client_hello", "Client hello"),
    (2, "server_hello", "Server hello"),
    (3, "hello_verify_request", "Unknown"),
    (4, "new_session_ticket", "Newsession Ticket"),
    (5, "end_of_early_data", "End of early data"),
    (8, "encrypted_extensions", "Encrypted Extensions"),
    (11, "certificate", "Certificate"),
    (12, "server_key_exchange", "Server key exchange"),
    (13, "certificate_request", "Request CERT"),
    (14, "server_hello_done", "Server finished"),
    (15, "certificate_verify", "CERT verify"),
    (16, "client_key_exchange", "Client key exchange"),
    (20, "finished", "Finished"),
    (21, "certificate_url", "Unknown"),
    (22, "certificate_status", "Certificate Status"),
    (23, "supplemental_data", "Supplemental data"),
    (24, "key_update", "Key update"),
    (25, "compressed_certificate", "Unknown"),
    (67, "next_protocol", "Next protocol"),
    (254, "message_hash", "Message hash"),
];

impl HandshakeType {
    /// ClientHello (RFC 8446 section 4.1.2).
    pub const CLIENT_HELLO: HandshakeType = HandshakeType(1);
    /// ServerHello, and HelloRetryRequest, which is a ServerHello (RFC 8446 section 4.1.3).
    pub const SERVER_HELLO: HandshakeType = HandshakeType(2);
    /// NewSessionTicket (RFC 5077 in TLS 1.2, RFC 8446 section 4.6.1).
    pub const NEW_SESSION_TICKET: HandshakeType = HandshakeType(4);
    /// Certificate (RFC 5246 section 7.4.2, RFC 8446 section 4.4.2).
    pub const CERTIFICATE: HandshakeType = HandshakeType(11);
    /// ServerKeyExchange, TLS 1.2 only (RFC 5246 section 7.4.3, RFC 8422 section 5.4).
    pub const SERVER_KEY_EXCHANGE: HandshakeType = HandshakeType(12);
    /// ServerHelloDone, TLS 1.2 only (RFC 5246 section 7.4.5).
    pub const SERVER_HELLO_DONE: HandshakeType = HandshakeType(14);
    /// ClientKeyExchange, TLS 1.2 only (RFC 5246 section 7.4.7, RFC 8422 section 5.7).
    pub const CLIENT_KEY_EXCHANGE: HandshakeType = HandshakeType(16);
    /// Finished (RFC 5246 section 7.4.9, RFC 8446 section 4.4.4).
    pub const FINISHED: HandshakeType = HandshakeType(20);

    /// The RFC's name (`server_hello_done`), if the type has one.
    pub fn name(self) -> Option<&'static str> {
        HANDSHAKE_TYPES
            .iter()
            .find(|(v, _, _)| *v == self.0)
            .map(|(_, name, _)| *name)
    }

    /// The name curl prints for this type in `-v` (`Server finished` for server_hello_done,
    /// `Unknown` for the types curl does not name).
    pub fn curl_name(self) -> &'static str {
        HANDSHAKE_TYPES
            .iter()
            .find(|(v, _, _)| *v == self.0)
            .map_or("Unknown", |(_, _, curl)| *curl)
    }
}

impl fmt::Display for HandshakeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{:#04x}", self.0),
        }
    }
}

/// An alert's level (RFC 8446 section 6; in TLS 1.3 every alert but close_notify and
/// user_canceled is fatal whatever its level says).
///
/// ```
/// use plainwire::tls_record::AlertLevel;
/// assert_eq!(AlertLevel(2).to_string(), "fatal");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AlertLevel(pub u8);

impl fmt::Display for AlertLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("warning"),
            2 => f.write_str("fatal"),
            other => write!(f, "{other:#04x}"),
        }
    }
}

/// An alert's description (RFC 8446 section 6, plus the TLS 1.2 ones of RFC 5246 section
/// 7.2 that TLS 1.3 retired).
///
/// ```
/// use plainwire::tls_record::AlertDescription;
/// assert_eq!(AlertDescription(48).to_string(), "unknown_ca");
/// assert_eq!(AlertDescription(48).curl_text(), "unknown CA");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AlertDescription(pub u8);

/// Value, RFC name, and the text curl prints (OpenSSL's `SSL_alert_desc_string_long`).
const ALERTS: &[(u8, &str, &str)] = &[
    (0, "close_notify", "close notify"),
    // (sic) OpenSSL's spelling, which curl prints.
    (10, "unexpected_message", "unexpected_message"),
    (20, "bad_record_mac", "bad record mac"),
    (21, "decryption_failed_RESERVED", "decryption failed"),
    (22, "record_overflow", "record overflow"),
    (
        30,
        "decompression_failure_RESERVED",
        "decompression failure",
    ),
    (40, "handshake_failure", "handshake failure"),
    (41, "no_certificate_RESERVED", "no certificate"),
    (42, "bad_certificate", "bad certificate"),
    (43, "unsupported_certificate", "unsupported certificate"),
    (44, "certificate_revoked", "certificate revoked"),
    (45, "certificate_expired", "certificate expired"),
    (46, "certificate_unknown", "certificate unknown"),
    (47, "illegal_parameter", "illegal parameter"),
    (48, "unknown_ca", "unknown CA"),
    (49, "access_denied", "access denied"),
    (50, "decode_error", "decode error"),
    (51, "decrypt_error", "decrypt error"),
    (60, "export_restriction_RESERVED", "export restriction"),
    (70, "protocol_version", "protocol version"),
    (71, "insufficient_security", "insufficient security"),
    (80, "internal_error", "internal error"),
    (86, "inappropriate_fallback", "inappropriate fallback"),
    (90, "user_canceled", "user canceled"),
    (100, "no_renegotiation_RESERVED", "no renegotiation"),
    (109, "missing_extension", "missing extension"),
    (110, "unsupported_extension", "unsupported extension"),
    (
        111,
        "certificate_unobtainable_RESERVED",
        "certificate unobtainable",
    ),
    (112, "unrecognized_name", "unrecognized name"),
    (
        113,
        "bad_certificate_status_response",
        "bad certificate status response",
    ),
    (
        114,
        "bad_certificate_hash_value_RESERVED",
        "bad certificate hash value",
    ),
    (115, "unknown_psk_identity", "unknown PSK identity"),
    (116, "certificate_required", "certificate required"),
    (120, "no_application_protocol", "no application protocol"),
    (121, "ech_required", "ECH required"),
];

impl AlertDescription {
    /// close_notify: the sender will send no more (RFC 8446 section 6.1).
    pub const CLOSE_NOTIFY: AlertDescription = AlertDescription(0);

    /// The RFC's name (`unknown_ca`), if the value has one.
    pub fn name(self) -> Option<&'static str> {
        ALERTS
            .iter()
            .find(|(v, _, _)| *v == self.0)
            .map(|(_, name, _)| *name)
    }

    /// The text curl prints for this alert in `-v` (`unknown CA`), `unknown` if none.
    pub fn curl_text(self) -> &'static str {
        ALERTS
            .iter()
            .find(|(v, _, _)| *v == self.0)
            .map_or("unknown", |(_, _, text)| *text)
    }
}

impl fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{:#04x}", self.0),
        }
    }
}

/// A record's content type (RFC 8446 section 5.1; heartbeat is RFC 6520).
///
/// ```
/// use plainwire::tls_record::ContentType;
/// assert_eq!(ContentType::HANDSHAKE.to_string(), "handshake");
/// assert_eq!(ContentType::HANDSHAKE.curl_name(), "TLS handshake");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentType(pub u8);

impl ContentType {
    /// change_cipher_spec (20): "from the next record on, I encrypt" in TLS 1.2, a no-op kept
    /// for middleboxes in TLS 1.3 (RFC 8446 appendix D.4).
    pub const CHANGE_CIPHER_SPEC: ContentType = ContentType(20);
    /// alert (21).
    pub const ALERT: ContentType = ContentType(21);
    /// handshake (22).
    pub const HANDSHAKE: ContentType = ContentType(22);
    /// application_data (23); in TLS 1.3 also the outer type of every encrypted record.
    pub const APPLICATION_DATA: ContentType = ContentType(23);
    /// heartbeat (24), RFC 6520; of Heartbleed fame, unused by rustls.
    pub const HEARTBEAT: ContentType = ContentType(24);

    /// The RFC's name (`application_data`), if the type has one.
    pub fn name(self) -> Option<&'static str> {
        match self.0 {
            20 => Some("change_cipher_spec"),
            21 => Some("alert"),
            22 => Some("handshake"),
            23 => Some("application_data"),
            24 => Some("heartbeat"),
            _ => None,
        }
    }

    /// The record type as curl's `-v` names it (`TLS app data`); heartbeat, which curl calls
    /// "TLS Unknown", is named here.
    pub fn curl_name(self) -> &'static str {
        match self.0 {
            20 => "TLS change cipher",
            21 => "TLS alert",
            22 => "TLS handshake",
            23 => "TLS app data",
            24 => "TLS heartbeat",
            _ => "TLS Unknown",
        }
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{:#04x}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_values_are_the_sixteen_of_rfc_8701() {
        let grease: Vec<u16> = (0..=u16::MAX).filter(|v| is_grease(*v)).collect();
        assert_eq!(grease.len(), 16);
        assert_eq!(grease[0], 0x0a0a);
        assert_eq!(grease[15], 0xfafa);
        assert_eq!(CipherSuite(0x3a3a).to_string(), "GREASE(0x3a3a)");
    }

    #[test]
    fn unknown_values_print_as_hex() {
        assert_eq!(CipherSuite(0x1399).to_string(), "0x1399");
        assert_eq!(NamedGroup(0x0042).to_string(), "0x0042");
        assert_eq!(SignatureScheme(0x0102).to_string(), "0x0102");
        assert_eq!(ExtensionType(0x7777).to_string(), "0x7777");
        assert_eq!(HandshakeType(99).to_string(), "0x63");
        assert_eq!(HandshakeType(99).curl_name(), "Unknown");
        assert_eq!(AlertDescription(200).to_string(), "0xc8");
        assert_eq!(AlertDescription(200).curl_text(), "unknown");
        assert_eq!(AlertLevel(3).to_string(), "0x03");
        assert_eq!(ContentType(99).to_string(), "0x63");
        assert_eq!(ContentType(99).curl_name(), "TLS Unknown");
    }

    /// RFC 8446 section 6: every AlertDescription of TLS 1.3 has a name and a curl text.
    #[test]
    fn every_tls13_alert_is_named() {
        let rfc8446 = [
            (0, "close_notify"),
            (10, "unexpected_message"),
            (20, "bad_record_mac"),
            (22, "record_overflow"),
            (40, "handshake_failure"),
            (42, "bad_certificate"),
            (43, "unsupported_certificate"),
            (44, "certificate_revoked"),
            (45, "certificate_expired"),
            (46, "certificate_unknown"),
            (47, "illegal_parameter"),
            (48, "unknown_ca"),
            (49, "access_denied"),
            (50, "decode_error"),
            (51, "decrypt_error"),
            (70, "protocol_version"),
            (71, "insufficient_security"),
            (80, "internal_error"),
            (86, "inappropriate_fallback"),
            (90, "user_canceled"),
            (109, "missing_extension"),
            (110, "unsupported_extension"),
            (112, "unrecognized_name"),
            (113, "bad_certificate_status_response"),
            (115, "unknown_psk_identity"),
            (116, "certificate_required"),
            (120, "no_application_protocol"),
        ];
        for (value, name) in rfc8446 {
            let alert = AlertDescription(value);
            assert_eq!(alert.name(), Some(name));
            assert_ne!(alert.curl_text(), "unknown", "{name}");
        }
    }

    #[test]
    fn tables_hold_no_duplicates() {
        for (i, (v, _)) in CIPHER_SUITES.iter().enumerate() {
            assert!(CIPHER_SUITES[i + 1..].iter().all(|(w, _)| w != v));
        }
        for (i, (v, _)) in NAMED_GROUPS.iter().enumerate() {
            assert!(NAMED_GROUPS[i + 1..].iter().all(|(w, _)| w != v));
        }
        for (i, (v, _)) in SIGNATURE_SCHEMES.iter().enumerate() {
            assert!(SIGNATURE_SCHEMES[i + 1..].iter().all(|(w, _)| w != v));
        }
        for (i, (v, _, _)) in ALERTS.iter().enumerate() {
            assert!(ALERTS[i + 1..].iter().all(|(w, _, _)| w != v));
        }
        for (i, (v, _, _)) in HANDSHAKE_TYPES.iter().enumerate() {
            assert!(HANDSHAKE_TYPES[i + 1..].iter().all(|(w, _, _)| w != v));
        }
    }
}
