//! A summary of an X.509 certificate (subject, issuer, names, validity, key) read from DER.
//!
//! rustls verifies certificates with webpki and hands back only their DER bytes, so showing a
//! person "who is this server" needs a little parsing. This is a small reader for exactly the
//! fields we show, not a validator: it trusts nothing, bounds everything by the input's length,
//! and answers `None` for anything it does not understand. Verification stays with webpki.
//!
//! ```text
//! Certificate  ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
//! TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer Name,
//!                               validity, subject Name, subjectPublicKeyInfo,
//!                               [1] [2] unique ids OPTIONAL, [3] extensions OPTIONAL }
//! ```

#![warn(clippy::pedantic)]
// Getters and predicates: ignoring one is harmless, and `#[must_use]` on each is noise.
#![allow(clippy::must_use_candidate)]

/// DER tags used here (X.690 section 8): universal, and the context-specific ones of X.509.
// Without `inspect`, only what pinning and the certificate error messages read is used.
#[cfg_attr(not(feature = "inspect"), allow(dead_code))]
mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const OID: u8 = 0x06;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    pub const VERSION: u8 = 0xa0;
    pub const EXTENSIONS: u8 = 0xa3;
    pub const SAN_DNS: u8 = 0x82;
    pub const SAN_IP: u8 = 0x87;
}

/// Object identifiers, as their DER content bytes.
#[cfg_attr(not(feature = "inspect"), allow(dead_code))]
mod oid {
    pub const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
    pub const COUNTRY: &[u8] = &[0x55, 0x04, 0x06];
    pub const LOCALITY: &[u8] = &[0x55, 0x04, 0x07];
    pub const STATE: &[u8] = &[0x55, 0x04, 0x08];
    pub const ORGANIZATION: &[u8] = &[0x55, 0x04, 0x0a];
    pub const ORGANIZATIONAL_UNIT: &[u8] = &[0x55, 0x04, 0x0b];
    pub const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
    pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    pub const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    pub const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    pub const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    pub const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    pub const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
}

/// The family of keys an algorithm identifier belongs to, from its OID: the PKCS #1 arc for
/// RSA keys and their signatures (RFC 8017 appendix A), the ANSI X9.62 arc for EC keys and
/// ECDSA signatures (RFC 5480, RFC 5758), and Ed25519 and Ed448 (RFC 8410).
#[cfg(feature = "tls")]
fn key_family(algorithm_id: &[u8]) -> Option<&'static str> {
    const FAMILIES: [(&[u8], &str); 4] = [
        (&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01], "RSA"),
        (&[0x2a, 0x86, 0x48, 0xce, 0x3d], "EC"),
        (&[0x2b, 0x65, 0x70], "Ed25519"),
        (&[0x2b, 0x65, 0x71], "Ed448"),
    ];
    let oid = Der::new(algorithm_id).next_raw_of(tag::OID)?;
    FAMILIES
        .iter()
        .find(|(arc, _)| oid.starts_with(arc))
        .map(|&(_, family)| family)
}

/// Whether a signature of the algorithm `signature_algorithm_id` cannot have been made with a
/// key of the algorithm `public_key_algorithm_id` at all (an ECDSA signature and an RSA key):
/// both are `AlgorithmIdentifier` contents, as webpki reports them when a key does not fit a
/// signature. When they are of two families, the certificate tried as the issuer only shares
/// the real issuer's name; the real issuer is not among those trusted. When they are of one
/// family, the combination itself is what is not supported.
#[cfg(feature = "tls")]
pub fn cannot_have_signed(signature_algorithm_id: &[u8], public_key_algorithm_id: &[u8]) -> bool {
    match (
        key_family(signature_algorithm_id),
        key_family(public_key_algorithm_id),
    ) {
        (Some(signature), Some(key)) => signature != key,
        _ => false,
    }
}

/// What a certificate says about itself, for people to read. A response's
/// [`TlsInfo::peer_certificates`](crate::TlsInfo::peer_certificates) holds the server's.
///
/// ```no_run
/// // openssl x509 -in cert.pem -outform der -out cert.der
/// let der = std::fs::read("cert.der")?;
/// if let Some(cert) = plainwire::CertificateSummary::from_der(&der) {
///     println!("{} ({}), issued by {}", cert.subject, cert.key_type, cert.issuer);
///     println!("valid {} to {}, for {}", cert.not_before, cert.not_after, cert.subject_alt_names.join(", "));
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Anything that is not a certificate gives `None`, never a panic:
///
/// ```
/// assert_eq!(plainwire::CertificateSummary::from_der(b"\x30\x03\x02\x01\x00"), None);
/// ```
#[cfg(feature = "inspect")]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateSummary {
    /// The subject's distinguished name, as `CN=localhost, O=Example`.
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// DNS names and IP addresses from the subjectAltName extension.
    pub subject_alt_names: Vec<String>,
    /// Start of validity, as `2024-01-01 00:00:00 UTC`.
    pub not_before: String,
    /// End of validity, likewise.
    pub not_after: String,
    /// The public key's type and size, as `EC P-256` or `RSA 2048`.
    pub key_type: String,
}

/// The fields of a certificate's `TBSCertificate` up to its issuer, read: what follows them
/// (issuer, validity, subject, `subjectPublicKeyInfo`, extensions) is left in the cursor. With
/// it, whether the certificate is of version 3 (`[0] EXPLICIT Version DEFAULT v1`, whose
/// INTEGER is 2 for version 3), the one that has extensions.
fn tbs_after_signature(der: &[u8]) -> Option<(Der<'_>, bool)> {
    let mut outer = Der::new(der);
    let mut certificate = outer.next_of(tag::SEQUENCE)?;
    let mut tbs = certificate.next_of(tag::SEQUENCE)?;
    let version_3 = match tbs.peek_tag() {
        Some(tag::VERSION) => {
            Der::new(tbs.next_raw_of(tag::VERSION)?).next_raw_of(tag::INTEGER)? == [2]
        }
        _ => false,
    };
    tbs.next_raw_of(tag::INTEGER)?; // serial number
    tbs.next_of(tag::SEQUENCE)?; // signature algorithm
    Some((tbs, version_3))
}

/// The value (the content of its OCTET STRING) of the extension `id`, from what follows a
/// `TBSCertificate`'s `subjectPublicKeyInfo` (the unique identifiers `[1]` and `[2]`, then
/// `[3]`, the extensions); `None` if the certificate has no such extension.
#[cfg(any(feature = "tls", feature = "inspect"))]
fn extension<'a>(mut after_key: Der<'a>, id: &[u8]) -> Option<&'a [u8]> {
    while let Some((tag, content)) = after_key.read() {
        if tag != tag::EXTENSIONS {
            continue;
        }
        let mut extensions = Der::new(content).next_of(tag::SEQUENCE)?;
        while let Some(mut extension) = extensions.next_of(tag::SEQUENCE) {
            if extension.next_raw_of(tag::OID)? != id {
                continue;
            }
            if extension.peek_tag() == Some(tag::BOOLEAN) {
                extension.read()?; // critical
            }
            return extension.next_raw_of(tag::OCTET_STRING);
        }
    }
    None
}

/// The certificate's `SubjectPublicKeyInfo` as encoded (tag, length and content): what HTTP
/// public-key pinning and curl's `--pinnedpubkey` hash. `None` if `der` is not a certificate
/// this reader understands.
#[cfg(feature = "tls")]
pub fn subject_public_key_info(der: &[u8]) -> Option<&[u8]> {
    let (mut tbs, _) = tbs_after_signature(der)?;
    tbs.next_of(tag::SEQUENCE)?; // issuer
    tbs.next_of(tag::SEQUENCE)?; // validity
    tbs.next_of(tag::SEQUENCE)?; // subject
    let before = tbs.input;
    tbs.next_of(tag::SEQUENCE)?;
    Some(&before[..before.len() - tbs.input.len()])
}

/// Whether the certificate may issue others, as RFC 5280 section 4.2.1.9 says: a version 3
/// certificate if its basicConstraints extension says `cA TRUE`, and its keyUsage extension,
/// if it has one, allows keyCertSign (section 4.2.1.3: an appliance's self-signed certificate
/// often says `CA:TRUE` and allows only digitalSignature; OpenSSL and curl refuse it as a CA);
/// a version 1 or 2 one (which has no extensions) if it is self-issued, a root, as OpenSSL
/// decides. A version 1 leaf is
/// what `openssl x509 -req` makes without `-extfile`. `None` if `der` is not a certificate
/// this reader understands.
///
/// rustls (webpki) takes any certificate it is given as a trust anchor, a name and a key, and
/// checks none of its extensions: a server's own certificate, trusted so that that one server
/// is, would vouch for any name. [`crate::transport::trust`] asks this first.
#[cfg(feature = "tls")]
pub fn is_ca(der: &[u8]) -> Option<bool> {
    let (mut tbs, version_3) = tbs_after_signature(der)?;
    let issuer = tbs.next_raw_of(tag::SEQUENCE)?;
    tbs.next_of(tag::SEQUENCE)?; // validity
    let subject = tbs.next_raw_of(tag::SEQUENCE)?;
    tbs.next_of(tag::SEQUENCE)?; // subjectPublicKeyInfo
    if !version_3 {
        return Some(issuer == subject);
    }
    // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL }.
    // A version 3 certificate without the extension is no CA's: a CA's must have it.
    let Some(value) = extension(tbs, oid::BASIC_CONSTRAINTS) else {
        return Some(false);
    };
    let mut constraints = Der::new(value).next_of(tag::SEQUENCE)?;
    // DER writes TRUE as 0xff, and nothing else is.
    let says_ca = match constraints.peek_tag() {
        Some(tag::BOOLEAN) => constraints.next_raw_of(tag::BOOLEAN)? == [0xff],
        _ => false,
    };
    if !says_ca {
        return Some(false);
    }
    // KeyUsage ::= BIT STRING; keyCertSign is bit 5, the 0x04 of the first byte after the
    // count of unused bits.
    Some(match extension(tbs, oid::KEY_USAGE) {
        None => true,
        Some(usage) => {
            let bits = Der::new(usage).next_raw_of(tag::BIT_STRING)?;
            bits.get(1).is_some_and(|first| first & 0x04 != 0)
        }
    })
}

#[cfg(feature = "inspect")]
impl CertificateSummary {
    /// Reads the summary from a certificate's DER bytes; `None` if they are not a certificate
    /// this reader understands. Never panics, whatever the input.
    pub fn from_der(der: &[u8]) -> Option<CertificateSummary> {
        let (mut tbs, _) = tbs_after_signature(der)?;
        let issuer = distinguished_name(tbs.next_of(tag::SEQUENCE)?)?;
        let mut validity = tbs.next_of(tag::SEQUENCE)?;
        let not_before = time(validity.read()?)?;
        let not_after = time(validity.read()?)?;
        let subject = distinguished_name(tbs.next_of(tag::SEQUENCE)?)?;
        let key_type = key_type(tbs.next_of(tag::SEQUENCE)?)?;
        let subject_alt_names = extension(tbs, oid::SUBJECT_ALT_NAME)
            .and_then(alt_names)
            .unwrap_or_default();
        Some(CertificateSummary {
            subject: shown(subject),
            issuer: shown(issuer),
            subject_alt_names: subject_alt_names.into_iter().map(shown).collect(),
            not_before,
            not_after,
            key_type,
        })
    }
}

/// Text from a certificate as it may be shown: control characters (a terminal's escape
/// sequences, line breaks) written as escapes (`\n`, `\u{1b}`), so that a certificate cannot
/// write to the screen it is printed on. Letters of any script stay as they are.
#[cfg(feature = "inspect")]
fn shown(text: String) -> String {
    match crate::printable::escape_for_terminal(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

/// A cursor over DER-encoded values.
#[derive(Clone, Copy)]
struct Der<'a> {
    input: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(input: &'a [u8]) -> Der<'a> {
        Der { input }
    }

    fn peek_tag(&self) -> Option<u8> {
        self.input.first().copied()
    }

    /// The next value's tag and content. Only definite lengths of up to four bytes (DER).
    fn read(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.input.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let length = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (bytes, after) = rest.split_at(count);
            rest = after;
            bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        };
        if rest.len() < length {
            return None;
        }
        let (content, after) = rest.split_at(length);
        self.input = after;
        Some((tag, content))
    }

    /// The next value's content, which must have `expected` as its tag.
    fn next_raw_of(&mut self, expected: u8) -> Option<&'a [u8]> {
        let (tag, content) = self.read()?;
        (tag == expected).then_some(content)
    }

    /// The next value, which must have `expected` as its tag, as a cursor over its content.
    fn next_of(&mut self, expected: u8) -> Option<Der<'a>> {
        self.next_raw_of(expected).map(Der::new)
    }
}

/// A Name as `CN=…, O=…`, attributes in the order they appear.
#[cfg(feature = "inspect")]
fn distinguished_name(mut rdns: Der<'_>) -> Option<String> {
    let mut parts = Vec::new();
    while let Some(mut set) = rdns.next_of(tag::SET) {
        while let Some(mut attribute) = set.next_of(tag::SEQUENCE) {
            let oid = attribute.next_raw_of(tag::OID)?;
            let (_, value) = attribute.read()?;
            let label = match oid {
                oid::COMMON_NAME => "CN",
                oid::COUNTRY => "C",
                oid::LOCALITY => "L",
                oid::STATE => "ST",
                oid::ORGANIZATION => "O",
                oid::ORGANIZATIONAL_UNIT => "OU",
                _ => continue,
            };
            parts.push(format!("{label}={}", String::from_utf8_lossy(value)));
        }
    }
    Some(parts.join(", "))
}

/// A `UTCTime` (`YYMMDDHHMMSSZ`) or `GeneralizedTime` (`YYYYMMDDHHMMSSZ`) as `YYYY-MM-DD HH:MM:SS UTC`.
#[cfg(feature = "inspect")]
fn time((tag, content): (u8, &[u8])) -> Option<String> {
    let text = std::str::from_utf8(content).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = match (tag, digits.len()) {
        (tag::UTC_TIME, 12) => {
            // RFC 5280 section 4.1.2.5.1: YY of 50 or more is 19YY, otherwise 20YY.
            let century = if digits[..2] >= *"50" { "19" } else { "20" };
            format!("{century}{digits}")
        }
        (tag::GENERALIZED_TIME, 14) => digits.to_string(),
        _ => return None,
    };
    Some(format!(
        "{}-{}-{} {}:{}:{} UTC",
        &full[0..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    ))
}

/// The key's algorithm and size from a `SubjectPublicKeyInfo`.
#[cfg(feature = "inspect")]
fn key_type(mut spki: Der<'_>) -> Option<String> {
    let mut algorithm = spki.next_of(tag::SEQUENCE)?;
    let algorithm_oid = algorithm.next_raw_of(tag::OID)?;
    let key = spki.next_raw_of(tag::BIT_STRING)?;
    Some(match algorithm_oid {
        oid::RSA => {
            // The bit string (after its unused-bits byte) holds SEQUENCE { modulus, exponent }.
            let mut key = Der::new(key.get(1..)?).next_of(tag::SEQUENCE)?;
            let modulus = key.next_raw_of(tag::INTEGER)?;
            let significant = modulus
                .iter()
                .position(|&b| b != 0)
                .map_or(0, |i| modulus.len() - i);
            format!("RSA {}", significant * 8)
        }
        oid::EC => match algorithm.next_raw_of(tag::OID) {
            Some(oid::P256) => "EC P-256".to_string(),
            Some(oid::P384) => "EC P-384".to_string(),
            Some(oid::P521) => "EC P-521".to_string(),
            _ => "EC".to_string(),
        },
        oid::ED25519 => "Ed25519".to_string(),
        _ => "unknown".to_string(),
    })
}

/// DNS names and IP addresses from the value of a subjectAltName extension.
#[cfg(feature = "inspect")]
fn alt_names(value: &[u8]) -> Option<Vec<String>> {
    let mut names = Der::new(value).next_of(tag::SEQUENCE)?;
    let mut out = Vec::new();
    while let Some((tag, content)) = names.read() {
        match tag {
            tag::SAN_DNS => out.push(String::from_utf8_lossy(content).into_owned()),
            tag::SAN_IP => {
                if let Ok(v4) = <[u8; 4]>::try_from(content) {
                    out.push(std::net::Ipv4Addr::from(v4).to_string());
                } else if let Ok(v6) = <[u8; 16]>::try_from(content) {
                    out.push(std::net::Ipv6Addr::from(v6).to_string());
                }
            }
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "inspect")]
    fn control_characters_in_certificate_text_are_escaped_and_letters_kept() {
        assert_eq!(shown("CN=M\u{fc}nchen".to_string()), "CN=M\u{fc}nchen");
        assert_eq!(shown("CN=a\u{1b}[2Jb".to_string()), "CN=a\\u{1b}[2Jb");
    }

    #[test]
    fn lengths_beyond_the_input_are_refused() {
        assert!(Der::new(&[0x30, 0x05, 0x01]).read().is_none());
        assert!(Der::new(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff])
            .read()
            .is_none());
        assert!(Der::new(&[0x30, 0x80]).read().is_none());
    }

    #[cfg(feature = "tls")]
    #[test]
    fn basic_constraints_say_who_may_issue_certificates() {
        let der = |name: &str| {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/").to_string() + name;
            crate::transport::trust::read_pem_file(std::path::Path::new(&path), "test")
                .unwrap()
                .remove(0)
        };
        assert_eq!(is_ca(&der("ca.pem")), Some(true));
        assert_eq!(is_ca(&der("intermediate-ca.pem")), Some(true));
        assert_eq!(
            is_ca(&der("appliance.pem")),
            Some(false),
            "CA:TRUE, keyUsage without keyCertSign"
        );
        assert_eq!(is_ca(&der("localhost.pem")), Some(false));
        assert_eq!(
            is_ca(&der("self-signed.pem")),
            Some(false),
            "CA:FALSE, self-signed"
        );
        assert_eq!(
            is_ca(&der("v1-root.pem")),
            Some(true),
            "version 1, self-issued"
        );
        assert_eq!(
            is_ca(&der("v1-leaf.pem")),
            Some(false),
            "version 1, by the CA"
        );
        assert_eq!(is_ca(b"\x30\x03\x02\x01\x00"), None);
    }

    #[test]
    fn long_form_lengths_are_read() {
        let mut value = vec![0x04, 0x81, 0x80];
        value.extend([7u8; 0x80]);
        let (tag, content) = Der::new(&value).read().unwrap();
        assert_eq!((tag, content.len()), (0x04, 0x80));
    }

    #[cfg(feature = "inspect")]
    #[test]
    fn utc_time_years_follow_rfc_5280() {
        assert_eq!(
            time((tag::UTC_TIME, b"491231235959Z")).unwrap(),
            "2049-12-31 23:59:59 UTC"
        );
        assert_eq!(
            time((tag::UTC_TIME, b"500101000000Z")).unwrap(),
            "1950-01-01 00:00:00 UTC"
        );
        assert_eq!(
            time((tag::GENERALIZED_TIME, b"21250101000000Z")).unwrap(),
            "2125-01-01 00:00:00 UTC"
        );
        assert!(time((tag::UTC_TIME, b"5001010000Z")).is_none());
    }

    #[cfg(feature = "tls")]
    #[test]
    fn an_ecdsa_signature_cannot_come_from_an_rsa_key() {
        // As webpki reports them: ecdsa-with-SHA256, and rsaEncryption with its NULL.
        let ecdsa_sha256 = [6, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 3, 2];
        let rsa = [6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1, 5, 0];
        let ec_p521 = [
            6, 7, 0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1, 6, 5, 0x2b, 0x81, 4, 0, 0x23,
        ];
        let rsa_pss = [6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 10];
        assert!(cannot_have_signed(&ecdsa_sha256, &rsa));
        assert!(cannot_have_signed(&rsa_pss, &ec_p521));
        // One family: an unsupported combination, not a stranger's key.
        assert!(!cannot_have_signed(&ecdsa_sha256, &ec_p521));
        assert!(!cannot_have_signed(&rsa_pss, &rsa));
        // Nothing understood, nothing claimed.
        assert!(!cannot_have_signed(&[], &rsa));
        assert!(!cannot_have_signed(&[6, 3, 1, 2, 3], &rsa));
    }

    #[cfg(feature = "inspect")]
    #[test]
    fn garbage_gives_none_and_never_panics() {
        for len in 0u8..64 {
            let junk: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(37).wrapping_add(0x30))
                .collect();
            let _ = CertificateSummary::from_der(&junk);
        }
        assert!(CertificateSummary::from_der(&[]).is_none());
    }
}
