//! `WWW-Authenticate` and `Proxy-Authenticate` field values as challenges (RFC 9110 sections
//! 11.2 and 11.6.1): a scheme with a token68 or auth-params. It does not choose a scheme or
//! compute credentials: `auth::digest` and the caller do.
//!
//! ```text
//! WWW-Authenticate = #challenge
//! challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param       = token BWS "=" BWS ( token / quoted-string )
//! token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//! ```
//!
//! One field may hold several challenges, each with a comma-separated list of parameters, so
//! a comma can end a parameter or a challenge. After a comma, what follows is read as another
//! parameter when it has the shape `token BWS "=" BWS value`, and as a new challenge
//! otherwise, which is how RFC 9110's grammar tells them apart. A malformed challenge is
//! skipped up to the next comma outside quotes, and parsing goes on.
//!
//! Beyond the grammar, as curl reads them: a tab may follow the scheme, and a parameter's value
//! may be an unquoted token68 (a base64 nonce, `nonce=dGVzdA/+x==`).

// Only Digest authentication reads challenges so far.
#![cfg_attr(not(feature = "digest"), allow(dead_code))]

use crate::http1::write::is_token_byte;

/// The most challenges kept from one response; the rest are ignored. Servers send one to
/// three (Digest with two algorithms, Basic); the bound keeps a hostile header's cost flat.
pub(crate) const MAX_CHALLENGES: usize = 16;

/// The most auth-params kept for one challenge; the rest are ignored. Digest defines ten.
pub(crate) const MAX_AUTH_PARAMS: usize = 32;

/// One challenge: an authentication scheme and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    scheme: String,
    token68: Option<String>,
    params: Vec<(String, String)>,
}

// scheme, token68 and params serve schemes other than Digest, which nothing answers yet.
#[allow(dead_code)]
impl Challenge {
    /// Every challenge of every field value given, in order (RFC 9110 section 11.6.1: a
    /// response may carry several fields, and each field several challenges).
    pub(crate) fn parse_all<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
        let mut challenges = Vec::new();
        for value in values {
            let mut parser = Parser {
                rest: value.as_bytes(),
            };
            while challenges.len() < MAX_CHALLENGES {
                match parser.challenge() {
                    Parsed::Challenge(challenge) => challenges.push(challenge),
                    Parsed::Malformed => parser.skip_past_comma(),
                    Parsed::End => break,
                }
            }
        }
        challenges
    }

    /// The scheme as written (`Digest`, `basic`); compare it without regard to case
    /// (RFC 9110 section 11.1).
    pub(crate) fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Whether the scheme is `scheme`, compared without regard to case.
    pub(crate) fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The token68 form's data (`Negotiate YII...`), if the challenge has it.
    pub(crate) fn token68(&self) -> Option<&str> {
        self.token68.as_deref()
    }

    /// The value of the first auth-param named `name` (without regard to case; RFC 9110
    /// section 11.2: "parameter names are matched case-insensitively"), unquoted.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The auth-params in order: names lowercase, values unquoted.
    pub(crate) fn params(&self) -> &[(String, String)] {
        &self.params
    }
}

enum Parsed {
    Challenge(Challenge),
    Malformed,
    End,
}

struct Parser<'a> {
    rest: &'a [u8],
}

impl Parser<'_> {
    /// One challenge, and the comma after it if the next list element is another challenge.
    fn challenge(&mut self) -> Parsed {
        self.skip_while(|b| is_ows(b) || b == b',');
        if self.rest.is_empty() {
            return Parsed::End;
        }
        let scheme = self.token();
        if scheme.is_empty() {
            return Parsed::Malformed;
        }
        let mut challenge = Challenge {
            scheme: scheme.to_owned(),
            token68: None,
            params: Vec::new(),
        };
        // RFC 9110 asks for spaces; a tab is taken too, as curl takes it.
        let spaces = self.skip_while(is_ows);
        match self.rest.first() {
            None | Some(b',') => return Parsed::Challenge(challenge),
            Some(_) if spaces == 0 => return Parsed::Malformed,
            Some(_) => {}
        }
        if looks_like_param(self.rest) {
            match self.params(&mut challenge.params) {
                Some(()) => Parsed::Challenge(challenge),
                None => Parsed::Malformed,
            }
        } else {
            let len = self.rest.iter().take_while(|&&b| is_token68(b)).count();
            let len = len + self.rest[len..].iter().take_while(|&&b| b == b'=').count();
            if len == 0 {
                return Parsed::Malformed;
            }
            challenge.token68 = Some(String::from_utf8_lossy(&self.rest[..len]).into_owned());
            self.rest = &self.rest[len..];
            self.skip_while(is_ows);
            match self.rest.first() {
                None | Some(b',') => Parsed::Challenge(challenge),
                Some(_) => Parsed::Malformed,
            }
        }
    }

    /// `auth-param *( OWS "," OWS auth-param )`, stopping before a comma that starts a new
    /// challenge; `None` if something else follows a parameter.
    fn params(&mut self, params: &mut Vec<(String, String)>) -> Option<()> {
        loop {
            let name = self.token().to_ascii_lowercase();
            self.skip_while(is_ows);
            self.rest = self.rest.strip_prefix(b"=")?;
            self.skip_while(is_ows);
            let value = if self.rest.first() == Some(&b'"') {
                self.quoted_string()?
            } else {
                let value = self.unquoted_value();
                if value.is_empty() {
                    return None;
                }
                value.to_owned()
            };
            if params.len() < MAX_AUTH_PARAMS {
                params.push((name, value));
            }
            self.skip_while(is_ows);
            match self.rest.first() {
                None => return Some(()),
                Some(b',') => {
                    // Another parameter of this challenge, or the next challenge?
                    let after = self
                        .rest
                        .iter()
                        .take_while(|&&b| is_ows(b) || b == b',')
                        .count();
                    if !looks_like_param(&self.rest[after..]) {
                        return Some(());
                    }
                    self.rest = &self.rest[after..];
                }
                Some(_) => return None,
            }
        }
    }

    /// A `token` (possibly empty), as text.
    fn token(&mut self) -> &str {
        let len = self.rest.iter().take_while(|&&b| is_token_byte(b)).count();
        let (token, rest) = self.rest.split_at(len);
        self.rest = rest;
        // tchar is ASCII, so this never fails.
        std::str::from_utf8(token).unwrap_or_default()
    }

    /// A parameter's value without quotes: a token, or, beyond the RFC, a token68 such as a
    /// base64 nonce (`dGVzdA/+x==`), which servers send unquoted and curl reads.
    fn unquoted_value(&mut self) -> &str {
        let len = self
            .rest
            .iter()
            .take_while(|&&b| is_token_byte(b) || b == b'/')
            .count();
        let len = len + self.rest[len..].iter().take_while(|&&b| b == b'=').count();
        let (value, rest) = self.rest.split_at(len);
        self.rest = rest;
        // tchar, '/' and '=' are ASCII, so this never fails.
        std::str::from_utf8(value).unwrap_or_default()
    }

    /// A quoted-string with its quoted-pairs undone; `None` if it does not close.
    fn quoted_string(&mut self) -> Option<String> {
        let (text, rest) = crate::http1::quoted_string::read(self.rest)?;
        self.rest = rest;
        Some(text)
    }

    /// Skips up to and including the next comma outside a quoted-string.
    fn skip_past_comma(&mut self) {
        let (mut quoted, mut escaped) = (false, false);
        for (i, &b) in self.rest.iter().enumerate() {
            match b {
                _ if escaped => escaped = false,
                b'\\' if quoted => escaped = true,
                b'"' => quoted = !quoted,
                b',' if !quoted => {
                    self.rest = &self.rest[i + 1..];
                    return;
                }
                _ => {}
            }
        }
        self.rest = &[];
    }

    /// Skips bytes while `skip` holds, and says how many.
    fn skip_while(&mut self, skip: impl Fn(u8) -> bool) -> usize {
        let n = self.rest.iter().take_while(|&&b| skip(b)).count();
        self.rest = &self.rest[n..];
        n
    }
}

/// Whether `rest` starts with `token BWS "=" BWS` followed by a value (a token, a token68 or
/// a quoted-string): an
/// auth-param, not a token68 (which may end in `=` but never has a value after it) nor the
/// next challenge's scheme.
fn looks_like_param(rest: &[u8]) -> bool {
    let name = rest.iter().take_while(|&&b| is_token_byte(b)).count();
    if name == 0 {
        return false;
    }
    let mut i = name + rest[name..].iter().take_while(|&&b| is_ows(b)).count();
    if rest.get(i) != Some(&b'=') {
        return false;
    }
    i += 1;
    i += rest[i..].iter().take_while(|&&b| is_ows(b)).count();
    rest.get(i)
        .is_some_and(|&b| is_token_byte(b) || b == b'/' || b == b'"')
}

/// The characters of a token68 before its trailing `=`s.
fn is_token68(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Vec<Challenge> {
        Challenge::parse_all([value])
    }

    fn pairs(challenge: &Challenge) -> Vec<(&str, &str)> {
        challenge
            .params()
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn rfc_9110_11_6_1_example_two_challenges_in_one_field() {
        let challenges = parse(
            r#"Basic realm="simple", Newauth realm="apps", type=1, title="Login to \"apps\"""#,
        );
        assert_eq!(challenges.len(), 2);
        assert!(challenges[0].is("basic"));
        assert_eq!(pairs(&challenges[0]), [("realm", "simple")]);
        assert_eq!(challenges[1].scheme(), "Newauth");
        assert_eq!(
            pairs(&challenges[1]),
            [
                ("realm", "apps"),
                ("type", "1"),
                ("title", r#"Login to "apps""#)
            ]
        );
    }

    #[test]
    fn rfc_7617_basic_with_charset() {
        let c = &parse(r#"Basic realm="foo", charset="UTF-8""#)[0];
        assert_eq!(c.param("realm"), Some("foo"));
        assert_eq!(c.param("CHARSET"), Some("UTF-8"));
    }

    #[test]
    fn rfc_7616_3_9_1_digest_challenge() {
        let c = &parse(
            r#"Digest
       realm="http-auth@example.org",
       qop="auth, auth-int",
       algorithm=SHA-256,
       nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
       opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
                .replace('\n', " ")
                .as_str(),
        )[0];
        assert!(c.is("Digest"));
        assert_eq!(c.param("realm"), Some("http-auth@example.org"));
        assert_eq!(c.param("qop"), Some("auth, auth-int"));
        assert_eq!(c.param("algorithm"), Some("SHA-256"));
        assert_eq!(
            c.param("nonce"),
            Some("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v")
        );
        assert_eq!(c.params().len(), 5);
    }

    #[test]
    fn several_fields() {
        let challenges = Challenge::parse_all(["Digest realm=a, nonce=b", "Basic realm=c"]);
        assert_eq!(challenges.len(), 2);
        assert!(challenges[1].is("Basic"));
    }

    #[test]
    fn token68_challenges() {
        let challenges = parse("Negotiate YIIBhgYGKwYBBQUCoIIBejCC==, Basic realm=x, NTLM");
        assert_eq!(challenges.len(), 3);
        assert_eq!(challenges[0].token68(), Some("YIIBhgYGKwYBBQUCoIIBejCC=="));
        assert!(challenges[0].params().is_empty());
        assert!(challenges[2].is("ntlm"));
        assert_eq!(challenges[2].token68(), None);
    }

    #[test]
    fn a_token68_ending_in_equals_is_not_a_parameter() {
        let c = &parse("Custom abc=")[0];
        assert_eq!(c.token68(), Some("abc="));
        let c = &parse("Custom abc==, Basic realm=x")[0];
        assert_eq!(c.token68(), Some("abc=="));
    }

    #[test]
    fn an_unquoted_base64_value_and_a_tab_after_the_scheme_are_read() {
        // Beyond RFC 9110, as servers send them and curl reads them.
        let c = &parse("Digest\trealm=\"r\", nonce=dGVzdA/+x==, qop=auth")[0];
        assert!(c.is("Digest"));
        assert_eq!(
            pairs(c),
            [("realm", "r"), ("nonce", "dGVzdA/+x=="), ("qop", "auth")]
        );
    }

    #[test]
    fn schemes_without_data() {
        let challenges = parse("Bearer, Basic");
        assert_eq!(challenges.len(), 2);
        assert!(challenges[0].params().is_empty());
    }

    #[test]
    fn whitespace_around_equals_and_empty_list_elements() {
        let challenges = parse(" , Digest realm = \"r\" ,, nonce= n , , Basic realm=x ,");
        assert_eq!(challenges.len(), 2);
        assert_eq!(pairs(&challenges[0]), [("realm", "r"), ("nonce", "n")]);
    }

    #[test]
    fn commas_inside_quotes_do_not_split() {
        let c = &parse(r#"Digest realm="a, b=c", qop="auth,auth-int""#)[0];
        assert_eq!(c.param("realm"), Some("a, b=c"));
        assert_eq!(c.param("qop"), Some("auth,auth-int"));
    }

    #[test]
    fn parameter_names_are_lowercased() {
        let c = &parse("Digest Realm=x, NONCE=y")[0];
        assert_eq!(pairs(c), [("realm", "x"), ("nonce", "y")]);
    }

    #[test]
    fn a_malformed_challenge_does_not_hide_the_next() {
        let challenges = parse(r#"Weird realm="x" junk, Digest realm="r", nonce="n""#);
        assert_eq!(challenges.len(), 1);
        assert!(challenges[0].is("Digest"));
        let challenges = parse(r#"="x", Basic realm=y"#);
        assert_eq!(challenges.len(), 1);
        assert!(challenges[0].is("Basic"));
    }

    #[test]
    fn a_scheme_glued_to_its_data_is_malformed() {
        assert!(parse("Basic\"x\"").is_empty());
    }

    #[test]
    fn an_unterminated_quote_drops_the_rest() {
        assert!(parse(r#"Digest realm="never closed, Basic realm=x"#).is_empty());
    }

    #[test]
    fn empty_and_blank_values_have_no_challenges() {
        assert!(parse("").is_empty());
        assert!(parse(" , ").is_empty());
    }

    #[test]
    fn the_numbers_of_challenges_and_params_are_bounded() {
        let many = "Basic realm=x, ".repeat(MAX_CHALLENGES * 4);
        assert_eq!(parse(&many).len(), MAX_CHALLENGES);
        let params = format!("Digest {}", "p=1, ".repeat(MAX_AUTH_PARAMS * 4));
        assert_eq!(parse(&params)[0].params().len(), MAX_AUTH_PARAMS);
    }
}
