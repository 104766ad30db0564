//! Base64 (RFC 4648 section 4, the standard alphabet with `=` padding) both ways, for the two
//! places the tool meets it: `--pinnedpubkey sha256//BASE64` and PEM armour (a DER certificate
//! or key given with `--cert-type DER` is armoured for the library, which reads PEM; a public
//! key file for `--pinnedpubkey` is unarmoured). It does not do the URL-safe alphabet.

/// The standard alphabet (RFC 4648 section 4, table 1).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// How many characters a PEM body line holds (RFC 7468 section 2: "exactly 64 characters
/// except for the final line").
const PEM_LINE: usize = 64;

/// `bytes` in base64, padded.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes `text` encodes; `None` if it is not base64: a character outside the alphabet,
/// a length that is not a multiple of four, or padding anywhere but at the end. Whitespace is
/// not skipped here (see [`decode_pem_body`]).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, quad) in bytes.chunks(4).enumerate() {
        let last = index == bytes.len() / 4 - 1;
        let padding = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - padding] {
            n = n << 6 | u32::from(value(c)?);
        }
        n <<= 6 * padding as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Some(out)
}

/// The value of one alphabet character.
fn value(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u8)
}

/// `der` armoured as PEM under `label` (RFC 7468): `-----BEGIN label-----`, the base64 in lines
/// of 64, `-----END label-----`.
pub fn pem(label: &str, der: &[u8]) -> String {
    let body = encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    // The base64 text is ASCII, so any byte offset is a character boundary.
    for start in (0..body.len()).step_by(PEM_LINE) {
        out.push_str(&body[start..body.len().min(start + PEM_LINE)]);
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER bytes of the first PEM block labelled `label` in `text`, whitespace in its body
/// skipped; `None` without such a block or if its body is not base64.
pub fn decode_pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let length = text[start..].find(&end)?;
    let body: String = text[start..start + length]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    decode(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 section 10.
    const VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn the_rfc_test_vectors_both_ways() {
        for (plain, encoded) in VECTORS {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(
                decode(encoded).as_deref(),
                Some(plain.as_bytes()),
                "{encoded}"
            );
        }
    }

    #[test]
    fn every_byte_survives_a_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&bytes)), Some(bytes));
    }

    #[test]
    fn what_is_not_base64_is_refused() {
        for bad in ["Zg=", "Zg", "Z===", "Zg==Zg==", "Zm9v!A==", "Zm 9v", "=Zm9"] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn pem_armour_round_trips_in_lines_of_64() {
        let der: Vec<u8> = (0..100).collect();
        let text = pem("CERTIFICATE", &der);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines.last(), Some(&"-----END CERTIFICATE-----"));
        assert_eq!(decode_pem_body(&text, "CERTIFICATE"), Some(der));
        assert_eq!(decode_pem_body(&text, "PUBLIC KEY"), None);
    }
}
