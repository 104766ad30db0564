//! HTTP Digest authentication (RFC 7616), the client's half: choosing a Digest challenge and
//! computing the `Authorization` value for each request. It does not send requests or decide
//! when to retry; the caller sends the value, and retries once when [`DigestAuth::is_stale`]
//! says the server only wants a fresh nonce.
//!
//! ```text
//! HA1      = H(user ":" realm ":" password)                      algorithm MD5, SHA-256, ...
//!          = H(H(user ":" realm ":" password) ":" nonce ":" cnonce)   the -sess variants
//! HA2      = H(method ":" request-uri)                           qop=auth (or no qop)
//!          = H(method ":" request-uri ":" H(body))               qop=auth-int
//! response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)  with a qop (RFC 7616 3.4.1)
//!          = H(HA1 ":" nonce ":" HA2)                            without: RFC 2069, kept by RFC 2617
//! ```
//!
//! Of several Digest challenges, the one with the strongest hash we support is taken
//! (SHA-512/256, then SHA-256, then MD5; the first listed among equals). RFC 7616 section 3.7
//! lets a client's "local policy" override the server's order, and a server that still lists
//! MD5 first for old clients should not make us use it.

use std::fmt::Write as _;

use md5::Md5;
use sha2::{Digest, Sha256, Sha512_256};

use super::challenge::Challenge;
use crate::error::{Error, ErrorKind, Result};

/// The hash functions of RFC 7616 section 6.1's registry that we support, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Hash {
    Md5,
    Sha256,
    Sha512_256,
}

/// A Digest algorithm: a hash, and whether it is a `-sess` variant (RFC 7616 section 3.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Algorithm {
    hash: Hash,
    session: bool,
}

impl Algorithm {
    /// The algorithm a challenge's `algorithm` parameter names (without regard to case);
    /// absent means MD5 (RFC 7616 section 3.3).
    fn named(name: Option<&str>) -> Option<Algorithm> {
        let Some(name) = name else {
            return Some(Algorithm {
                hash: Hash::Md5,
                session: false,
            });
        };
        let (base, session) = match name.len().checked_sub(5) {
            Some(at) if name.is_char_boundary(at) && name[at..].eq_ignore_ascii_case("-sess") => {
                (&name[..at], true)
            }
            _ => (name, false),
        };
        let hash = [
            ("MD5", Hash::Md5),
            ("SHA-256", Hash::Sha256),
            ("SHA-512-256", Hash::Sha512_256),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(base))?
        .1;
        Some(Algorithm { hash, session })
    }

    /// The name as RFC 7616 section 6.1 registers it.
    fn name(self) -> &'static str {
        match (self.hash, self.session) {
            (Hash::Md5, false) => "MD5",
            (Hash::Md5, true) => "MD5-sess",
            (Hash::Sha256, false) => "SHA-256",
            (Hash::Sha256, true) => "SHA-256-sess",
            (Hash::Sha512_256, false) => "SHA-512-256",
            (Hash::Sha512_256, true) => "SHA-512-256-sess",
        }
    }

    /// `H(parts joined)`, in lowercase hex (RFC 7616 section 3.4.1: "the hexadecimal
    /// representation ... lowercase").
    fn hex(self, parts: &[&[u8]]) -> String {
        fn run<D: Digest>(parts: &[&[u8]]) -> String {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hex(&hasher.finalize())
        }
        match self.hash {
            Hash::Md5 => run::<Md5>(parts),
            Hash::Sha256 => run::<Sha256>(parts),
            Hash::Sha512_256 => run::<Sha512_256>(parts),
        }
    }
}

/// The quality of protection a request uses (RFC 7616 section 3.3, `qop`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qop {
    /// Authentication only: the method and request-target are covered.
    Auth,
    /// Also the body's integrity: its hash is covered too.
    AuthInt,
}

/// The state of Digest authentication with one server: the chosen challenge, and the count
/// of requests made with its nonce.
///
/// It holds no credential: the user name and password are given to each
/// [`DigestAuth::authorization`] call, so that `Debug` has nothing to hide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigestAuth {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm,
    /// Whether the challenge named its algorithm; if not, we do not name it either, as
    /// RFC 2617's example (and curl) do.
    algorithm_named: bool,
    /// `None` when the challenge has no `qop` (RFC 2069 compatibility).
    qop: Option<QopOffer>,
    userhash: bool,
    stale: bool,
    /// Requests made with this nonce so far (the last `nc` sent).
    nonce_count: u32,
    /// For a `-sess` algorithm, the client nonce of the first answer, sent with every later
    /// one: RFC 2617 section 3.2.2.2 computes the session key (A1) "only once - on the first
    /// request ... following receipt of a WWW-Authenticate challenge", from that first cnonce,
    /// while RFC 7616 section 3.4.2 reads it from each request's cnonce. With the one cnonce
    /// both agree, as curl keeps it; `nc` still tells the requests apart. Other algorithms
    /// take a fresh cnonce for each answer.
    session_cnonce: Option<String>,
}

/// Which qop values a challenge offers among those we support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct QopOffer {
    auth: bool,
    auth_int: bool,
}

impl DigestAuth {
    /// The Digest challenge to answer among `challenges` (all of a 401's `WWW-Authenticate`
    /// fields, or a 407's `Proxy-Authenticate`): the one with the strongest supported hash,
    /// the first listed among equals. `None` if there is no usable Digest challenge: none at
    /// all, no `realm` or `nonce`, an algorithm or qop we do not support, or a `-sess`
    /// algorithm without a qop (its cnonce would have nowhere to go).
    pub(crate) fn from_challenges(challenges: &[Challenge]) -> Option<DigestAuth> {
        let mut best: Option<DigestAuth> = None;
        for challenge in challenges.iter().filter(|c| c.is("Digest")) {
            let Some(candidate) = DigestAuth::from_challenge(challenge) else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|b| candidate.algorithm.hash > b.algorithm.hash)
            {
                best = Some(candidate);
            }
        }
        best
    }

    fn from_challenge(challenge: &Challenge) -> Option<DigestAuth> {
        let realm = challenge.param("realm")?.to_owned();
        let nonce = challenge.param("nonce")?.to_owned();
        let algorithm = Algorithm::named(challenge.param("algorithm"))?;
        let qop = match challenge.param("qop") {
            None => None,
            Some(list) => {
                let offered = |name: &str| {
                    list.split(',')
                        .any(|q| q.trim_matches([' ', '\t']).eq_ignore_ascii_case(name))
                };
                let offer = QopOffer {
                    auth: offered("auth"),
                    auth_int: offered("auth-int"),
                };
                if !offer.auth && !offer.auth_int {
                    return None;
                }
                Some(offer)
            }
        };
        if algorithm.session && qop.is_none() {
            return None;
        }
        let is_true = |name: &str| {
            challenge
                .param(name)
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        };
        Some(DigestAuth {
            realm,
            nonce,
            opaque: challenge.param("opaque").map(str::to_owned),
            algorithm,
            algorithm_named: challenge.param("algorithm").is_some(),
            qop,
            userhash: is_true("userhash"),
            stale: is_true("stale"),
            nonce_count: 0,
            session_cnonce: None,
        })
    }

    /// Whether the challenge said `stale=true`: the credentials were right but the nonce had
    /// expired (RFC 7616 section 3.3), so the request may be retried once with this new nonce
    /// without asking the user again.
    pub(crate) fn is_stale(&self) -> bool {
        self.stale
    }

    /// The server's nonce, which the answers to this challenge count their uses of.
    pub(crate) fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The protection space's realm, for messages.
    #[allow(dead_code)] // No message names it yet.
    pub(crate) fn realm(&self) -> &str {
        &self.realm
    }

    /// The `Authorization` (or `Proxy-Authorization`) value for one request, counting one
    /// more use of the nonce.
    ///
    /// `uri` is the request-target as sent (`/path?query`); `body` the request body when it is
    /// in memory, `None` for a stream. qop=auth is used when offered; qop=auth-int (the body's
    /// hash) only when it is the only one offered and the body is given.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] when the server offers only qop=auth-int and the body
    /// is a stream, whose hash cannot be known before it is sent.
    pub(crate) fn authorization(
        &mut self,
        user: &str,
        password: &str,
        method: &str,
        uri: &str,
        body: Option<&[u8]>,
    ) -> Result<String> {
        let cnonce = match self.algorithm.session {
            true => self
                .session_cnonce
                .get_or_insert_with(random_cnonce)
                .clone(),
            false => random_cnonce(),
        };
        self.authorization_with_cnonce(user, password, method, uri, body, &cnonce)
    }

    /// [`DigestAuth::authorization`] with a given client nonce (the tests give the RFC's).
    fn authorization_with_cnonce(
        &mut self,
        user: &str,
        password: &str,
        method: &str,
        uri: &str,
        body: Option<&[u8]>,
        cnonce: &str,
    ) -> Result<String> {
        let qop = match self.qop {
            None => None,
            Some(offer) if offer.auth => Some(Qop::Auth),
            Some(_) if body.is_some() => Some(Qop::AuthInt),
            Some(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    format!(
                        "the server's Digest challenge (realm \"{}\") asks for qop=auth-int, \
                         which needs the whole request body in memory, not a stream",
                        self.realm.escape_debug()
                    ),
                ))
            }
        };
        self.nonce_count = self.nonce_count.saturating_add(1);
        let nc = format!("{:08x}", self.nonce_count);
        let alg = self.algorithm;
        let colon: &[u8] = b":";

        let mut ha1 = alg.hex(&[
            user.as_bytes(),
            colon,
            self.realm.as_bytes(),
            colon,
            password.as_bytes(),
        ]);
        if alg.session {
            ha1 = alg.hex(&[
                ha1.as_bytes(),
                colon,
                self.nonce.as_bytes(),
                colon,
                cnonce.as_bytes(),
            ]);
        }
        let ha2 = match (qop, body) {
            (Some(Qop::AuthInt), Some(body)) => {
                let body_hash = alg.hex(&[body]);
                alg.hex(&[
                    method.as_bytes(),
                    colon,
                    uri.as_bytes(),
                    colon,
                    body_hash.as_bytes(),
                ])
            }
            _ => alg.hex(&[method.as_bytes(), colon, uri.as_bytes()]),
        };
        let qop_name = match qop {
            Some(Qop::Auth) => "auth",
            Some(Qop::AuthInt) => "auth-int",
            None => "",
        };
        let response = if qop.is_some() {
            alg.hex(&[
                ha1.as_bytes(),
                colon,
                self.nonce.as_bytes(),
                colon,
                nc.as_bytes(),
                colon,
                cnonce.as_bytes(),
                colon,
                qop_name.as_bytes(),
                colon,
                ha2.as_bytes(),
            ])
        } else {
            alg.hex(&[
                ha1.as_bytes(),
                colon,
                self.nonce.as_bytes(),
                colon,
                ha2.as_bytes(),
            ])
        };

        let mut value = String::from("Digest ");
        if self.userhash {
            // RFC 7616 section 3.4.4: the user name hashed with the realm, in place of the name.
            let hashed = alg.hex(&[user.as_bytes(), colon, self.realm.as_bytes()]);
            push_quoted(&mut value, "username", &hashed);
        } else if user.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            push_quoted(&mut value, "username", user);
        } else {
            // RFC 7616 section 3.4.4: a name that a quoted-string cannot hold goes as username*,
            // in the RFC 8187 encoding.
            let _ = write!(value, "username*=UTF-8''{}, ", ext_value_encode(user));
        }
        push_quoted(&mut value, "realm", &self.realm);
        push_quoted(&mut value, "uri", uri);
        if self.algorithm_named {
            let _ = write!(value, "algorithm={}, ", alg.name());
        }
        push_quoted(&mut value, "nonce", &self.nonce);
        if qop.is_some() {
            let _ = write!(value, "nc={nc}, ");
            push_quoted(&mut value, "cnonce", cnonce);
            let _ = write!(value, "qop={qop_name}, ");
        }
        push_quoted(&mut value, "response", &response);
        if let Some(opaque) = &self.opaque {
            push_quoted(&mut value, "opaque", opaque);
        }
        if self.userhash {
            value.push_str("userhash=true, ");
        }
        value.truncate(value.len() - 2); // the last ", "
        Ok(value)
    }
}

/// Appends `name="value", ` with `"` and `\` escaped as quoted-pairs (RFC 9110 section 5.6.4).
fn push_quoted(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push_str("\", ");
}

/// RFC 8187 section 3.2.1: UTF-8 bytes, attr-chars as they are and the rest as `%XX`.
fn ext_value_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A fresh client nonce: 128 bits in hex.
///
/// Drawn by [`crate::random`], which is not a cryptographic generator, and it need not be:
/// RFC 7616 asks of the cnonce that it be unique per request and unknown to the server in
/// advance (against chosen-plaintext attacks on the hash), not secret.
fn random_cnonce() -> String {
    let mut out = String::with_capacity(32);
    for random in crate::random::words::<2>() {
        let _ = write!(out, "{random:016x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 section 3.9.1's client nonce.
    const RFC_7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    fn digest(fields: &[&str]) -> DigestAuth {
        DigestAuth::from_challenges(&Challenge::parse_all(fields.iter().copied()))
            .expect("a usable Digest challenge")
    }

    /// The unquoted value of `name` in an Authorization value.
    fn field<'a>(value: &'a str, name: &str) -> Option<&'a str> {
        let value = value.strip_prefix("Digest ").unwrap();
        value.split(", ").find_map(|pair| {
            let (n, v) = pair.split_once('=')?;
            (n == name).then(|| v.trim_matches('"'))
        })
    }

    fn rfc_7616_challenge(algorithm: &str) -> String {
        format!(
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", \
             algorithm={algorithm}, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        )
    }

    fn mufasa(auth: &mut DigestAuth, cnonce: &str) -> String {
        auth.authorization_with_cnonce(
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            None,
            cnonce,
        )
        .unwrap()
    }

    #[test]
    fn rfc_7616_3_9_1_sha_256_is_chosen_and_reproduced() {
        // The RFC's example sends two challenges in two fields, SHA-256 first.
        let mut auth = digest(&[&rfc_7616_challenge("SHA-256"), &rfc_7616_challenge("MD5")]);
        let value = mufasa(&mut auth, RFC_7616_CNONCE);
        assert_eq!(
            value,
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
             uri=\"/dir/index.html\", algorithm=SHA-256, \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, \
             cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
             response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        );
    }

    #[test]
    fn rfc_7616_3_9_1_md5() {
        let mut auth = digest(&[&rfc_7616_challenge("MD5")]);
        let value = mufasa(&mut auth, RFC_7616_CNONCE);
        assert_eq!(
            field(&value, "response"),
            Some("8ca523f5e9506fed4657c9700eebdbec")
        );
        assert_eq!(field(&value, "algorithm"), Some("MD5"));
    }

    #[test]
    fn the_strongest_hash_wins_whatever_the_order() {
        let auth = digest(&[&rfc_7616_challenge("MD5"), &rfc_7616_challenge("SHA-256")]);
        assert_eq!(auth.algorithm.hash, Hash::Sha256);
        let both = format!(
            "{}, {}, Basic realm=\"x\"",
            rfc_7616_challenge("MD5"),
            rfc_7616_challenge("SHA-512-256")
        );
        assert_eq!(digest(&[&both]).algorithm.hash, Hash::Sha512_256);
    }

    #[test]
    fn rfc_2617_3_5_example() {
        let mut auth = digest(&[
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        ]);
        let value = auth
            .authorization_with_cnonce(
                "Mufasa",
                "Circle Of Life",
                "GET",
                "/dir/index.html",
                None,
                "0a4f113b",
            )
            .unwrap();
        assert_eq!(
            value,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
             uri=\"/dir/index.html\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             nc=00000001, cnonce=\"0a4f113b\", qop=auth, \
             response=\"6629fae49393a05397450978507c4ef1\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        );
    }

    #[test]
    fn without_qop_the_rfc_2069_response() {
        // RFC 2617 section 3.2.2.1's compatibility form, on RFC 2617's inputs; the expected
        // value is H(HA1:nonce:HA2) as computed independently (Python's hashlib).
        let mut auth = digest(&[
            "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
        ]);
        let value = auth
            .authorization_with_cnonce(
                "Mufasa",
                "Circle Of Life",
                "GET",
                "/dir/index.html",
                None,
                "unused",
            )
            .unwrap();
        assert_eq!(
            value,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
             uri=\"/dir/index.html\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             response=\"670fd8c2df070c60b045671b8b24ff02\""
        );
    }

    #[test]
    fn the_nonce_count_goes_up_with_each_use() {
        let mut auth = digest(&[&rfc_7616_challenge("SHA-256")]);
        mufasa(&mut auth, RFC_7616_CNONCE);
        let second = mufasa(&mut auth, RFC_7616_CNONCE);
        assert_eq!(field(&second, "nc"), Some("00000002"));
        // Python's hashlib, with nc=00000002.
        assert_eq!(
            field(&second, "response"),
            Some("8c8db27f49ff1c202f9fb49fa9d2e9eabf078dcc93db40dfd6527010091d1c8e")
        );
        for _ in 0..13 {
            mufasa(&mut auth, RFC_7616_CNONCE);
        }
        assert_eq!(field(&mufasa(&mut auth, "c"), "nc"), Some("00000010"));
    }

    #[test]
    fn a_new_challenge_starts_counting_again() {
        let mut auth = digest(&[&rfc_7616_challenge("SHA-256")]);
        mufasa(&mut auth, "a");
        let mut fresh = digest(&[&rfc_7616_challenge("SHA-256")]);
        assert_eq!(field(&mufasa(&mut fresh, "b"), "nc"), Some("00000001"));
    }

    #[test]
    fn sess_variant() {
        let mut auth = digest(&[&rfc_7616_challenge("SHA-256-sess")]);
        let value = mufasa(&mut auth, RFC_7616_CNONCE);
        assert_eq!(field(&value, "algorithm"), Some("SHA-256-sess"));
        // Python's hashlib: HA1 = H(H(user:realm:password):nonce:cnonce).
        assert_eq!(
            field(&value, "response"),
            Some("2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7")
        );
    }

    #[test]
    fn algorithm_names_ignore_case() {
        assert_eq!(
            digest(&[&rfc_7616_challenge("sha-256-SESS")]).algorithm,
            Algorithm {
                hash: Hash::Sha256,
                session: true
            }
        );
    }

    #[test]
    fn rfc_7616_3_9_2_userhash_with_sha_512_256() {
        // The RFC's inputs. Its printed username hash and response do not follow from them
        // (known errata); these are the values Python's hashlib gives.
        let mut auth = digest(&[
            "Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, \
             nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", \
             opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", charset=UTF-8, \
             userhash=true",
        ]);
        let value = auth
            .authorization_with_cnonce(
                "Jäsøn Doe",
                "Secret, or not?",
                "GET",
                "/doe.json",
                None,
                "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
            )
            .unwrap();
        assert_eq!(
            field(&value, "username"),
            Some("793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b")
        );
        assert_eq!(
            field(&value, "response"),
            Some("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5")
        );
        assert_eq!(field(&value, "algorithm"), Some("SHA-512-256"));
        assert!(value.ends_with(", userhash=true"), "{value}");
        assert!(!value.contains("Jäsøn"), "{value}");
    }

    #[test]
    fn a_non_ascii_user_name_goes_as_username_star() {
        let mut auth = digest(&[&rfc_7616_challenge("SHA-256")]);
        let value = auth
            .authorization_with_cnonce("Jäsøn Doe", "pw", "GET", "/", None, "c")
            .unwrap();
        assert!(
            value.starts_with("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, "),
            "{value}"
        );
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        let mut auth = digest(&[r#"Digest realm="a \"b\" \\c", nonce="n""#]);
        let value = auth
            .authorization_with_cnonce(r#"us"er"#, "pw", "GET", "/", None, "c")
            .unwrap();
        assert!(value.contains(r#"username="us\"er""#), "{value}");
        assert!(value.contains(r#"realm="a \"b\" \\c""#), "{value}");
    }

    #[test]
    fn auth_int_only_when_it_is_the_only_offer_and_the_body_is_known() {
        let challenge = "Digest realm=\"http-auth@example.org\", qop=\"auth-int\", \
                         nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\"";
        let mut auth = digest(&[challenge]);
        let value = auth
            .authorization_with_cnonce(
                "Mufasa",
                "Circle of Life",
                "POST",
                "/dir/index.html",
                Some(b"hello"),
                RFC_7616_CNONCE,
            )
            .unwrap();
        assert_eq!(field(&value, "qop"), Some("auth-int"));
        // Python's hashlib: HA2 = H(POST:/dir/index.html:H("hello")).
        assert_eq!(
            field(&value, "response"),
            Some("23fef4d928a3e9fa6e0b0de51288c997")
        );
        let err = auth
            .authorization("Mufasa", "Circle of Life", "POST", "/", None)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(!err.message().contains("Circle"), "{err}");
    }

    #[test]
    fn auth_is_preferred_over_auth_int() {
        let mut auth = digest(&[&rfc_7616_challenge("MD5")]);
        let value = auth
            .authorization_with_cnonce("u", "p", "PUT", "/", Some(b"body"), "c")
            .unwrap();
        assert_eq!(field(&value, "qop"), Some("auth"));
    }

    #[test]
    fn stale_is_reported() {
        let stale = format!("{}, stale=TRUE", rfc_7616_challenge("MD5"));
        assert!(digest(&[&stale]).is_stale());
        assert!(!digest(&[&rfc_7616_challenge("MD5")]).is_stale());
        let not = format!("{}, stale=false", rfc_7616_challenge("MD5"));
        assert!(!digest(&[&not]).is_stale());
    }

    #[test]
    fn unusable_challenges_are_passed_over() {
        let none = |fields: &[&str]| {
            DigestAuth::from_challenges(&Challenge::parse_all(fields.iter().copied())).is_none()
        };
        assert!(none(&["Basic realm=\"x\""]));
        assert!(none(&["Digest nonce=\"n\""])); // no realm
        assert!(none(&["Digest realm=\"r\""])); // no nonce
        assert!(none(&["Digest realm=r, nonce=n, algorithm=SHA-1"]));
        assert!(none(&["Digest realm=r, nonce=n, qop=\"auth-conf\""]));
        assert!(none(&["Digest realm=r, nonce=n, algorithm=MD5-sess"])); // -sess needs a qop
        assert!(none(&[]));
        // A usable one after an unusable one is found.
        let auth = digest(&[
            "Digest realm=r, nonce=n, algorithm=SHA-1",
            "Digest realm=r2, nonce=n2",
        ]);
        assert_eq!(auth.realm(), "r2");
    }

    #[test]
    fn random_cnonces_differ() {
        let a = random_cnonce();
        let b = random_cnonce();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    /// Two answers through the public entry point to one challenge naming `algorithm`.
    fn two_answers(algorithm: &str) -> (String, String) {
        let mut auth = digest(&[&rfc_7616_challenge(algorithm)]);
        let mut answer = || {
            auth.authorization("Mufasa", "Circle of Life", "GET", "/", None)
                .unwrap()
        };
        (answer(), answer())
    }

    #[test]
    fn the_public_entry_point_uses_a_random_cnonce() {
        let (first, second) = two_answers("SHA-256");
        assert_ne!(field(&first, "cnonce"), field(&second, "cnonce"));
        assert!(!first.contains("Circle"), "{first}");
    }

    #[test]
    fn a_session_algorithm_keeps_its_first_cnonce() {
        // The session key is made once, from the first cnonce (RFC 2617 section 3.2.2.2): a
        // server that keeps it must see the same cnonce again, with nc counting on.
        let (first, second) = two_answers("SHA-256-sess");
        assert_eq!(field(&first, "cnonce"), field(&second, "cnonce"));
        assert_eq!(field(&second, "nc"), Some("00000002"));
        assert_ne!(field(&first, "response"), field(&second, "response"));
    }

    #[test]
    fn debug_holds_no_credential() {
        let mut auth = digest(&[&rfc_7616_challenge("SHA-256")]);
        mufasa(&mut auth, "c");
        let debug = format!("{auth:?}");
        assert!(!debug.contains("Circle"), "{debug}");
        assert!(!debug.contains("Mufasa"), "{debug}");
    }
}
