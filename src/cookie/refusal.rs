//! Why the jar did not store a cookie: one reason per rule, for [`CookieJar::add`]'s and
//! [`CookieJar::insert`]'s errors; it never holds the cookie's value.
//!
//! [`CookieJar::add`]: super::CookieJar::add
//! [`CookieJar::insert`]: super::CookieJar::insert

use std::fmt;

use super::limits::{MAX_ATTRIBUTE_VALUE_BYTES, MAX_NAME_VALUE_BYTES};

/// The rule a cookie broke. A response's cookie that breaks one is ignored, as RFC 6265bis
/// says; a cookie added by hand is an error that names the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A control character other than HTAB (RFC 6265bis 5.6 step 1, 5.7 step 3).
    ControlCharacter,
    /// The line is not UTF-8; the jar stores text.
    NotUtf8,
    /// A tab inside the name, value or path: the cookie file format separates fields with tabs.
    Tab,
    /// Name and value longer than [`MAX_NAME_VALUE_BYTES`] together (5.6 step 5, 5.7 step 4).
    TooLarge,
    /// Neither a name nor a value (5.7 step 2).
    Empty,
    /// By hand: `=` or `;` in the name, or `;` in the value, which would change the Cookie header.
    Delimiter,
    /// By hand: whitespace at either end of the name or value, which a Set-Cookie line trims.
    Whitespace,
    /// The domain is empty, not ASCII (5.7 step 8), holds a character no host name has, or is
    /// too long.
    InvalidDomain,
    /// The Domain attribute is a public suffix and not the request's host (5.7 step 9).
    PublicSuffix,
    /// The request's host does not domain-match the Domain attribute (5.7 step 10).
    DomainMismatch,
    /// By hand: the path does not start with `/`, is not printable, or is too long.
    InvalidPath,
    /// A Secure cookie from a response that did not come over https (5.7 step 13).
    SecureFromInsecureOrigin,
    /// A non-secure response's cookie would shadow an existing Secure one (5.7 step 16).
    WouldOverlaySecure,
    /// SameSite=None without Secure (5.7 step 19).
    SameSiteNoneWithoutSecure,
    /// A `__Secure-` name without Secure (5.7 step 20).
    SecurePrefix,
    /// A `__Host-` name without Secure, with a Domain, or with a path other than `/` (step 21).
    HostPrefix,
    /// A nameless cookie whose value starts with `__Secure-` or `__Host-` (5.7 step 22).
    NamelessPrefix,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::ControlCharacter => f.write_str("it holds a control character"),
            Refusal::NotUtf8 => f.write_str("it is not valid UTF-8"),
            Refusal::Tab => f.write_str(
                "its name, value or path holds a tab, which a cookie file could not hold",
            ),
            Refusal::TooLarge => write!(
                f,
                "its name and value are longer than {MAX_NAME_VALUE_BYTES} bytes together"
            ),
            Refusal::Empty => f.write_str("it has neither a name nor a value"),
            Refusal::Delimiter => f.write_str(
                "its name holds '=' or ';', or its value holds ';', which would change the Cookie header",
            ),
            Refusal::Whitespace => {
                f.write_str("its name or value starts or ends with a space or a tab")
            }
            Refusal::InvalidDomain => write!(
                f,
                "its domain is empty, holds a character other than letters, digits, '.', '-', '_' and ':', or is longer than {MAX_ATTRIBUTE_VALUE_BYTES} bytes"
            ),
            Refusal::PublicSuffix => f.write_str(
                "its domain is a public suffix, and a cookie for a whole registry would be sent to every site under it",
            ),
            Refusal::DomainMismatch => {
                f.write_str("its Domain attribute does not domain-match the request's host")
            }
            Refusal::InvalidPath => write!(
                f,
                "its path does not start with '/', is not printable, or is longer than {MAX_ATTRIBUTE_VALUE_BYTES} bytes"
            ),
            Refusal::SecureFromInsecureOrigin => {
                f.write_str("it is Secure but did not come over https")
            }
            Refusal::WouldOverlaySecure => f.write_str(
                "it did not come over https and would shadow a Secure cookie of the same name",
            ),
            Refusal::SameSiteNoneWithoutSecure => f.write_str("it is SameSite=None but not Secure"),
            Refusal::SecurePrefix => f.write_str("its name starts with __Secure- but it is not Secure"),
            Refusal::HostPrefix => f.write_str(
                "its name starts with __Host- but it is not Secure, has a Domain, or has a path other than /",
            ),
            Refusal::NamelessPrefix => {
                f.write_str("it has no name and its value starts with __Secure- or __Host-")
            }
        }
    }
}
