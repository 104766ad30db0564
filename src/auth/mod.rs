//! Authorization header values: HTTP Basic (RFC 7617) and Bearer (RFC 6750). It decides
//! nothing about when or where credentials go; the call loop does (`client/`).

pub(crate) mod challenge;
pub(crate) mod credentials;
#[cfg(feature = "digest")]
pub(crate) mod digest;
// Without `env`, no agent reads a `.netrc`: only the lookup an empty setting skips is used.
#[cfg_attr(not(feature = "env"), allow(dead_code))]
pub(crate) mod netrc;

use crate::error::{Error, ErrorKind, Result};

/// The `Authorization` value for Basic authentication: `Basic base64(user:password)`.
///
/// RFC 7617 section 2: the first colon separates the user-id from the password, so a user-id
/// containing a colon cannot be sent (the server would read another user and password), and
/// neither part may contain a control character. Such credentials are refused; the error never
/// quotes them.
pub fn basic(user: &str, password: &str) -> Result<String> {
    let refuse = |why: &str| {
        Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("Basic authentication: {why} (RFC 7617 section 2)"),
        ))
    };
    if user.contains(':') {
        return refuse("the user name contains a ':', which would end it early");
    }
    if user.chars().chain(password.chars()).any(char::is_control) {
        return refuse("the user name or password contains a control character");
    }
    let mut credentials = Vec::with_capacity(user.len() + 1 + password.len());
    credentials.extend_from_slice(user.as_bytes());
    credentials.push(b':');
    credentials.extend_from_slice(password.as_bytes());
    Ok(format!("Basic {}", base64(&credentials)))
}

/// The `Authorization` value for a bearer token.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Standard base64 with padding (RFC 4648 section 4): three bytes become four characters.
pub fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for group in input.chunks(3) {
        let bytes = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let bits = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(bits >> (18 - 6 * i) & 0x3f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn rfc_7617_example() {
        assert_eq!(
            basic("Aladdin", "open sesame").unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn a_colon_in_the_password_is_fine() {
        assert_eq!(basic("a", "b:c").unwrap(), "Basic YTpiOmM=");
    }

    #[test]
    fn a_colon_in_the_user_name_is_refused_without_quoting_it() {
        let err = basic("ali:ce", "pw").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(!err.to_string().contains("ali"), "{err}");
    }

    #[test]
    fn control_characters_are_refused() {
        for (user, password) in [("a\nb", "p"), ("a", "p\r"), ("a", "p\0"), ("a\u{85}", "p")] {
            let err = basic(user, password).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidRequest,
                "{user:?} {password:?}"
            );
        }
    }
}
