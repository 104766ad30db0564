//! The TLS options' values: `--tlsv1.x` and `--tls-max` versions, `--pinnedpubkey`, and the
//! client certificate and key in the forms curl takes (`--cert-type`, `--key-type`). It reads
//! the files these options name and turns them into what the library takes (PEM text, SHA-256
//! digests); it connects nothing.
//!
//! What rustls cannot do is refused here with curl's number for it: TLS 1.0 and 1.1 as the
//! newest version (rustls speaks 1.2 and 1.3 only), encrypted keys and PKCS#12 bundles (the
//! library reads unencrypted PEM), engines and providers (OpenSSL's).

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::base64;
use crate::failure::{self, Failure};

/// A TLS version named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsArg {
    /// 1.0 (`--tlsv1`, `--tlsv1.0`, `--tls-max 1.0`).
    V1_0,
    /// 1.1.
    V1_1,
    /// 1.2.
    V1_2,
    /// 1.3.
    V1_3,
}

/// `--tls-max VERSION`: `1.0` to `1.3`, or `default` (`None`: the newest there is).
pub fn tls_max(value: &str) -> Result<Option<TlsArg>, String> {
    Ok(Some(match value {
        "default" => return Ok(None),
        "1.0" => TlsArg::V1_0,
        "1.1" => TlsArg::V1_1,
        "1.2" => TlsArg::V1_2,
        "1.3" => TlsArg::V1_3,
        _ => return Err(format!("'{value}' is not 1.0, 1.1, 1.2, 1.3 or default")),
    }))
}

/// The versions to offer, from the oldest asked for (`--tlsv1.x`, default 1.2) and the newest
/// allowed (`--tls-max`, default 1.3). Versions rustls does not speak count as their nearest:
/// "1.0 or later" is 1.2 or later; a newest version below 1.2, or an oldest above the newest,
/// cannot be met (curl's 4: not built in).
#[cfg(feature = "tls")]
pub fn versions(
    oldest: Option<TlsArg>,
    newest: Option<TlsArg>,
) -> Result<Option<(plainwire::TlsVersion, plainwire::TlsVersion)>, Failure> {
    use plainwire::TlsVersion;
    if oldest.is_none() && newest.is_none() {
        return Ok(None);
    }
    let newest = newest.unwrap_or(TlsArg::V1_3);
    if newest < TlsArg::V1_2 {
        return Err(Failure::new(
            failure::NOT_BUILT_IN,
            "--tls-max: TLS 1.0 and 1.1 are not supported (rustls speaks TLS 1.2 and 1.3)",
        ));
    }
    let oldest = oldest.unwrap_or(TlsArg::V1_2).max(TlsArg::V1_2);
    if oldest > newest {
        return Err(Failure::usage(
            "the oldest TLS version asked for (--tlsv1.3) is newer than --tls-max",
        ));
    }
    let version = |v: TlsArg| match v {
        TlsArg::V1_3 => TlsVersion::Tls1_3,
        _ => TlsVersion::Tls1_2,
    };
    Ok(Some((version(oldest), version(newest))))
}

/// A `--pinnedpubkey` value: digests, or a file holding the public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinArg {
    /// `sha256//BASE64[;sha256//BASE64]...`: the digests of the keys' DER.
    Digests(Vec<[u8; 32]>),
    /// A file with one public key, PEM (`-----BEGIN PUBLIC KEY-----`) or DER.
    File(std::path::PathBuf),
}

/// Parses a `--pinnedpubkey` value: a list of `sha256//` digests, or else a file name. As in
/// curl, an item that is not the base64 of a SHA-256 digest is no error of the command line: it
/// can match no key, so it is left out with a warning (returned, for the parser to show
/// unless `-s`), and a list left empty fails each transfer with 90 before it connects
/// ([`pinned_digests`]).
pub fn pinned(value: &str) -> (PinArg, Vec<String>) {
    if !value.starts_with("sha256//") {
        return (PinArg::File(value.into()), Vec::new());
    }
    let mut digests = Vec::new();
    let mut warnings = Vec::new();
    for item in value.split(';') {
        let digest = item
            .trim()
            .strip_prefix("sha256//")
            .and_then(base64::decode)
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
        match digest {
            Some(digest) => digests.push(digest),
            None => warnings.push(format!(
                "--pinnedpubkey: '{item}' is not sha256// and the base64 of a SHA-256 digest: \
                 it can match no key"
            )),
        }
    }
    (PinArg::Digests(digests), warnings)
}

/// The digests a `--pinnedpubkey` value pins, reading its file if it names one: the SHA-256 of
/// the SubjectPublicKeyInfo DER. A file that cannot be read, or holds no public key, is
/// curl's 90: nothing could match it.
pub fn pinned_digests(pin: &PinArg) -> Result<Vec<[u8; 32]>, Failure> {
    let path = match pin {
        PinArg::Digests(digests) if digests.is_empty() => {
            return Err(Failure::new(
                failure::PINNED_KEY_MISMATCH,
                "--pinnedpubkey: no item is a SHA-256 digest, so no key can match",
            ))
        }
        PinArg::Digests(digests) => return Ok(digests.clone()),
        PinArg::File(path) => path,
    };
    let fail = |why: String| {
        Failure::new(
            failure::PINNED_KEY_MISMATCH,
            format!("--pinnedpubkey: {}: {why}", path.display()),
        )
    };
    // At most 1 MiB, as curl reads a pin file: a key is a few hundred bytes.
    let bytes = read_within(path, 1 << 20).map_err(|e| fail(e.to_string()))?;
    let der = match std::str::from_utf8(&bytes) {
        Ok(text) if text.contains("-----BEGIN") => base64::decode_pem_body(text, "PUBLIC KEY")
            .ok_or_else(|| fail("no PUBLIC KEY block in it".to_string()))?,
        _ => bytes,
    };
    // A SubjectPublicKeyInfo is a DER SEQUENCE.
    if der.first() != Some(&0x30) {
        return Err(fail("not a public key in PEM or DER".to_string()));
    }
    Ok(vec![Sha256::digest(&der).into()])
}

/// The type of a client certificate or key file (`--cert-type`, `--key-type`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FileType {
    /// PEM, the default.
    #[default]
    Pem,
    /// DER: armoured as PEM for the library.
    Der,
    /// What the library cannot load (P12, ENG, PROV), as given.
    Other(String),
}

/// `--cert-type` or `--key-type`: PEM, DER, or anything else curl knows (refused when used).
pub fn file_type(value: &str) -> FileType {
    match value.to_ascii_uppercase().as_str() {
        "PEM" => FileType::Pem,
        "DER" => FileType::Der,
        _ => FileType::Other(value.to_string()),
    }
}

/// The client certificate chain as PEM, from a file of this type.
pub fn certificate_pem(path: &Path, kind: &FileType) -> Result<Vec<u8>, Failure> {
    match kind {
        FileType::Pem => read_identity(path),
        FileType::Der => Ok(base64::pem("CERTIFICATE", &read_identity(path)?).into_bytes()),
        FileType::Other(name) => Err(unsupported_type("--cert-type", name)),
    }
}

/// The private key as PEM, from a file of this type. A DER key is armoured under the label its
/// structure shows: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE
/// KEY`).
pub fn key_pem(path: &Path, kind: &FileType) -> Result<Vec<u8>, Failure> {
    match kind {
        FileType::Pem => read_identity(path),
        FileType::Der => {
            let bytes = read_identity(path)?;
            let label = der_key_label(&bytes).ok_or_else(|| {
                Failure::new(
                    failure::CERT_PROBLEM,
                    format!("{}: not a private key in DER", path.display()),
                )
            })?;
            Ok(base64::pem(label, &bytes).into_bytes())
        }
        FileType::Other(name) => Err(unsupported_type("--key-type", name)),
    }
}

/// The PEM label for a DER private key, from the start of its structure:
///
/// ```text
/// PKCS#8 (RFC 5208)  SEQUENCE { INTEGER 0, SEQUENCE { algorithm } ... }
/// PKCS#1 (RFC 8017)  SEQUENCE { INTEGER 0, INTEGER modulus ... }
/// SEC1 (RFC 5915)    SEQUENCE { INTEGER 1, OCTET STRING key ... }
/// ```
fn der_key_label(der: &[u8]) -> Option<&'static str> {
    let mut at = skip_header(der, 0, 0x30)?;
    // The version: INTEGER of one byte.
    if der.get(at..at + 2)? != [0x02, 0x01] {
        return None;
    }
    let version = *der.get(at + 2)?;
    at += 3;
    match (version, *der.get(at)?) {
        (0, 0x30) => Some("PRIVATE KEY"),
        (0, 0x02) => Some("RSA PRIVATE KEY"),
        (1, 0x04) => Some("EC PRIVATE KEY"),
        _ => None,
    }
}

/// The offset of the content of the DER element with `tag` at `at`.
fn skip_header(der: &[u8], at: usize, tag: u8) -> Option<usize> {
    if *der.get(at)? != tag {
        return None;
    }
    let first = *der.get(at + 1)?;
    match first {
        0..=0x7f => Some(at + 2),
        0x81..=0x84 => Some(at + 2 + usize::from(first & 0x7f)),
        _ => None,
    }
}

/// A file's bytes, if there are at most `limit` of them: a path to something without end
/// (`/dev/zero`) is an error, not a read until memory runs out.
fn read_within(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB",
            limit >> 20
        )));
    }
    Ok(bytes)
}

fn read_identity(path: &Path) -> Result<Vec<u8>, Failure> {
    read_within(path, plainwire::defaults::MAX_TRUST_FILE).map_err(|e| {
        Failure::new(
            failure::CERT_PROBLEM,
            format!("could not read {}: {e}", path.display()),
        )
    })
}

/// Refuses a `--cert-type` or `--key-type` the library cannot load, before any file is read.
pub fn check_type(option: &str, kind: &FileType) -> Result<(), Failure> {
    match kind {
        FileType::Other(name) => Err(unsupported_type(option, name)),
        _ => Ok(()),
    }
}

fn unsupported_type(option: &str, name: &str) -> Failure {
    Failure::new(
        failure::CERT_PROBLEM,
        format!(
            "{option} {name} is not supported; plainwire reads PEM and DER (convert a PKCS#12 bundle with: openssl pkcs12 -in FILE -nodes -out FILE.pem)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_max_values() {
        assert_eq!(tls_max("1.2"), Ok(Some(TlsArg::V1_2)));
        assert_eq!(tls_max("default"), Ok(None));
        assert!(tls_max("1.4").is_err());
        assert!(tls_max("TLSv1.2").is_err());
    }

    #[cfg(feature = "tls")]
    #[test]
    fn versions_rustls_can_offer() {
        use plainwire::TlsVersion::{Tls1_2, Tls1_3};
        assert_eq!(versions(None, None).unwrap(), None);
        assert_eq!(
            versions(Some(TlsArg::V1_0), None).unwrap(),
            Some((Tls1_2, Tls1_3))
        );
        assert_eq!(
            versions(Some(TlsArg::V1_3), None).unwrap(),
            Some((Tls1_3, Tls1_3))
        );
        assert_eq!(
            versions(None, Some(TlsArg::V1_2)).unwrap(),
            Some((Tls1_2, Tls1_2))
        );
        assert_eq!(
            versions(None, Some(TlsArg::V1_1)).unwrap_err().code,
            failure::NOT_BUILT_IN
        );
        assert_eq!(
            versions(Some(TlsArg::V1_3), Some(TlsArg::V1_2))
                .unwrap_err()
                .code,
            failure::BAD_COMMAND_LINE
        );
    }

    #[test]
    fn pinned_digests_in_base64() {
        let digest = [7u8; 32];
        let one = format!("sha256//{}", base64::encode(&digest));
        assert_eq!(pinned(&one), (PinArg::Digests(vec![digest]), vec![]));
        let two = format!("{one};sha256//{}", base64::encode(&[9u8; 32]));
        assert_eq!(pinned(&two).0, PinArg::Digests(vec![digest, [9u8; 32]]));
        // Malformed items can match nothing: left out, as curl never matches them.
        let (none, warnings) = pinned("sha256//AAAA");
        assert_eq!(none, PinArg::Digests(vec![]), "too short");
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            pinned(&format!("{one};md5//x")).0,
            PinArg::Digests(vec![digest])
        );
        assert_eq!(
            pinned_digests(&none).unwrap_err().code,
            failure::PINNED_KEY_MISMATCH
        );
        assert_eq!(pinned("key.pem").0, PinArg::File("key.pem".into()));
    }

    #[test]
    fn a_public_key_file_is_hashed_as_der() {
        let dir = std::env::temp_dir().join(format!("plainwire-pin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let der = vec![0x30, 0x03, 0x02, 0x01, 0x05];
        let expected: [u8; 32] = Sha256::digest(&der).into();
        let der_path = dir.join("key.der");
        std::fs::write(&der_path, &der).unwrap();
        let pem_path = dir.join("key.pem");
        std::fs::write(&pem_path, base64::pem("PUBLIC KEY", &der)).unwrap();
        for path in [der_path, pem_path] {
            assert_eq!(pinned_digests(&PinArg::File(path)).unwrap(), vec![expected]);
        }
        let missing = PinArg::File(dir.join("missing"));
        assert_eq!(
            pinned_digests(&missing).unwrap_err().code,
            failure::PINNED_KEY_MISMATCH
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn der_keys_are_labelled_by_their_structure() {
        // The first bytes of each structure are enough.
        let pkcs8 = [0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13];
        let pkcs1 = [0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82];
        let sec1 = [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
        assert_eq!(der_key_label(&pkcs8), Some("PRIVATE KEY"));
        assert_eq!(der_key_label(&pkcs1), Some("RSA PRIVATE KEY"));
        assert_eq!(der_key_label(&sec1), Some("EC PRIVATE KEY"));
        assert_eq!(der_key_label(b"-----BEGIN"), None);
        assert_eq!(der_key_label(&[0x30]), None);
    }

    #[test]
    fn file_types() {
        assert_eq!(file_type("der"), FileType::Der);
        assert_eq!(file_type("PEM"), FileType::Pem);
        assert_eq!(file_type("P12"), FileType::Other("P12".to_string()));
    }
}
