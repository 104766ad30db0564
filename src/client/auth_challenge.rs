//! Answering a server that asks for credentials: after a 401 with a Digest challenge, whether
//! the call sends the request again, and with which Authorization. The decision is made here
//! and carried out by the call loop ([`call`](super::call)); no I/O. It does not parse
//! challenges or compute digests: [`crate::auth::challenge`] and `crate::auth::digest` do.
//!
//! The rules, from RFC 7616 section 3.3 and RFC 9110 section 11.6.1:
//!
//! 1. Only a 401 with a usable Digest challenge is answered, and only while the call is on its
//!    first origin: credentials never go to another origin, whatever it asks.
//! 2. A request is sent again at most [`DIGEST_ANSWERS`](crate::defaults::DIGEST_ANSWERS) times: once to answer the challenge, and
//!    once more only if the server says the answer's nonce had expired (`stale=true`: the
//!    credentials were right). Any other 401 to an answer means wrong credentials, and is the
//!    response.
//! 3. A body that cannot be sent twice (a reader already read from) is not: its 401 is the
//!    response. A file or a form reopens, and is sent again; only `qop=auth-int`, which hashes
//!    the body, needs it in memory.
//! 4. A later request of the call to the same origin (after a redirect) carries an answer to the
//!    last challenge from the start, with the nonce's use counted (`nc`), which saves a round
//!    trip. That answer counts as the request's first: a 401 to it with a new nonce is answered
//!    (the server wants a nonce of its own for this request), one with the same nonce and not
//!    stale means wrong credentials, as in rule 2, and is the response. Answering it again
//!    would count the nonce's uses from 1 again, which a server that guards against replays
//!    refuses (RFC 7616 section 3.4: `nc` counts the requests sent with the nonce).
//!
//! Each call starts afresh: nothing is remembered between calls, so each costs one 401.

// Without the `digest` feature, nothing sets Digest credentials.
#![cfg_attr(not(feature = "digest"), allow(dead_code))]

use crate::auth::credentials::Credentials;
#[cfg(feature = "digest")]
use crate::auth::{challenge::Challenge, digest::DigestAuth};
#[cfg(feature = "digest")]
use crate::defaults::DIGEST_ANSWERS;

/// What the call does after a response.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The response is the answer.
    Return,
    /// Drain the response, and send the same request again with this Authorization value.
    Resend(String),
}

/// One request of the call, as far as a Digest answer needs it.
pub(crate) struct Attempt<'a> {
    pub(crate) method: &'a str,
    /// The request-target as sent on the request line.
    pub(crate) target: &'a str,
    /// The body, when it is in memory (empty for none); `None` for a stream, which cannot be
    /// hashed in advance (for `qop=auth-int`).
    pub(crate) body: Option<&'a [u8]>,
    /// Whether the body can be sent again: one in memory, a file or a form that reopens; not a
    /// reader that has been read from.
    pub(crate) replayable: bool,
    /// Whether a redirect has led the call away from its first origin.
    pub(crate) left_origin: bool,
}

/// The state of Digest authentication through one call.
#[derive(Debug)]
pub(crate) struct DigestSession<'a> {
    credentials: &'a Credentials,
    /// The last challenge answered, with the count of its nonce's uses.
    #[cfg(feature = "digest")]
    last: Option<DigestAuth>,
    /// The answers sent for the current request, the one it carried from the start included.
    answers: u8,
    /// Whether the current request carried an answer from the start (rule 4).
    answered_up_front: bool,
}

impl<'a> DigestSession<'a> {
    pub(crate) fn new(credentials: &'a Credentials) -> DigestSession<'a> {
        DigestSession {
            credentials,
            #[cfg(feature = "digest")]
            last: None,
            answers: 0,
            answered_up_front: false,
        }
    }

    /// Starts a new request of the call: the Authorization it carries from the start, an
    /// answer to the last challenge of this origin, if there was one (rule 4).
    pub(crate) fn first_authorization(&mut self, attempt: &Attempt<'_>) -> Option<String> {
        self.answers = 0;
        self.answered_up_front = false;
        if attempt.left_origin {
            return None;
        }
        #[cfg(feature = "digest")]
        if let Some(digest) = &mut self.last {
            let value = answer(digest, self.credentials, attempt);
            if value.is_some() {
                self.answers = 1;
                self.answered_up_front = true;
            }
            return value;
        }
        None
    }

    /// What to do after a response of `status` whose `WWW-Authenticate` fields are
    /// `challenges`, to the request `attempt`.
    pub(crate) fn after_response<'v>(
        &mut self,
        status: u16,
        challenges: impl IntoIterator<Item = &'v str>,
        attempt: &Attempt<'_>,
    ) -> Step {
        if status != 401 || attempt.left_origin || !attempt.replayable {
            return Step::Return;
        }
        #[cfg(feature = "digest")]
        {
            let Some(mut digest) = DigestAuth::from_challenges(&Challenge::parse_all(challenges))
            else {
                return Step::Return;
            };
            let new_nonce = self
                .last
                .as_ref()
                .is_none_or(|last| last.nonce() != digest.nonce());
            let allowed = match self.answers {
                0 => true,
                answers if answers >= DIGEST_ANSWERS => false,
                // Rule 4: the up-front answer's nonce was not this request's to use.
                1 if self.answered_up_front && new_nonce => true,
                _ => digest.is_stale(),
            };
            if !allowed {
                return Step::Return;
            }
            let Some(value) = answer(&mut digest, self.credentials, attempt) else {
                return Step::Return;
            };
            self.answers += 1;
            self.last = Some(digest);
            Step::Resend(value)
        }
        #[cfg(not(feature = "digest"))]
        {
            let _ = (challenges, self.credentials, self.answers);
            Step::Return
        }
    }
}

/// The Authorization value answering `digest` for `attempt`; `None` when it cannot be made
/// (a server that offers only qop=auth-int, for a stream).
#[cfg(feature = "digest")]
fn answer(
    digest: &mut DigestAuth,
    credentials: &Credentials,
    attempt: &Attempt<'_>,
) -> Option<String> {
    digest
        .authorization(
            credentials.user(),
            credentials.password(),
            attempt.method,
            attempt.target,
            attempt.body,
        )
        .ok()
}

#[cfg(all(test, feature = "digest"))]
mod tests {
    use super::*;

    const CHALLENGE: &str = r#"Digest realm="r", nonce="n1", qop="auth""#;
    const STALE: &str = r#"Digest realm="r", nonce="n2", qop="auth", stale=true"#;

    fn attempt() -> Attempt<'static> {
        Attempt {
            method: "GET",
            target: "/a",
            body: Some(b""),
            replayable: true,
            left_origin: false,
        }
    }

    fn credentials() -> Credentials {
        Credentials::new("Mufasa", "Circle of Life")
    }

    fn resent(step: Step) -> String {
        match step {
            Step::Resend(value) => value,
            Step::Return => panic!("expected a resend"),
        }
    }

    #[test]
    fn a_401_with_a_digest_challenge_is_answered_once() {
        let credentials = credentials();
        let mut session = DigestSession::new(&credentials);
        assert_eq!(session.first_authorization(&attempt()), None);
        let value = resent(session.after_response(401, [CHALLENGE], &attempt()));
        assert!(value.starts_with("Digest username=\"Mufasa\""), "{value}");
        assert!(value.contains("uri=\"/a\"") && value.contains("nc=00000001"));
        assert_eq!(
            session.after_response(401, [CHALLENGE], &attempt()),
            Step::Return
        );
    }

    #[test]
    fn a_stale_nonce_earns_one_more_answer() {
        let credentials = credentials();
        let mut session = DigestSession::new(&credentials);
        resent(session.after_response(401, [CHALLENGE], &attempt()));
        let value = resent(session.after_response(401, [STALE], &attempt()));
        assert!(value.contains("nonce=\"n2\"") && value.contains("nc=00000001"));
        assert_eq!(
            session.after_response(401, [STALE], &attempt()),
            Step::Return
        );
    }

    #[test]
    fn other_responses_are_returned() {
        let credentials = credentials();
        let mut session = DigestSession::new(&credentials);
        assert_eq!(
            session.after_response(200, [CHALLENGE], &attempt()),
            Step::Return
        );
        assert_eq!(
            session.after_response(407, [CHALLENGE], &attempt()),
            Step::Return
        );
        assert_eq!(
            session.after_response(401, [r#"Basic realm="r""#], &attempt()),
            Step::Return
        );
        assert_eq!(session.after_response(401, [], &attempt()), Step::Return);
    }

    #[test]
    fn never_on_another_origin() {
        let credentials = credentials();
        let mut session = DigestSession::new(&credentials);
        let away = Attempt {
            left_origin: true,
            ..attempt()
        };
        assert_eq!(
            session.after_response(401, [CHALLENGE], &away),
            Step::Return
        );
        resent(session.after_response(401, [CHALLENGE], &attempt()));
        assert_eq!(session.first_authorization(&away), None);
    }

    #[test]
    fn a_stream_is_not_sent_again() {
        let credentials = credentials();
        let mut session = DigestSession::new(&credentials);
        let stream = Attempt {
            body: None,
            replayable: false,
            ..attempt()
        };
        assert_eq!(
            session.after_response(401, [CHALLENGE], &stream),
            Step::Return
        );
    }

    #[test]
    fn a_stream_that_reopens_is_sent_again_unless_its_bytes_must_be_hashed() {
        let credentials = credentials();
        let file = Attempt {
            body: None,
            replayable: true,
            ..attempt()
        };
        let value =
            resent(DigestSession::new(&credentials).after_response(401, [CHALLENGE], &file));
        assert!(value.contains("qop=auth,"), "{value}");
        let auth_int_only = r#"Digest realm="r", nonce="n1", qop="auth-int""#;
        assert_eq!(
            DigestSession::new(&credentials).after_response(401, [auth_int_only], &file),
            Step::Return
        );
    }

    /// A later request of the call, to another path of the origin (after a redirect).
    fn next_request() -> Attempt<'static> {
        Attempt {
            target: "/b",
            ..attempt()
        }
    }

    #[test]
    fn a_later_request_answers_up_front_and_counts_the_nonce() {
        let credentials = credentials();
        let mut session = DigestSession::new(&credentials);
        resent(session.after_response(401, [CHALLENGE], &attempt()));
        let next = next_request();
        let value = session.first_authorization(&next).unwrap();
        assert!(
            value.contains("uri=\"/b\"") && value.contains("nc=00000002"),
            "{value}"
        );
        // A 401 to it with a nonce of its own is answered, the new nonce counted from 1.
        let other = r#"Digest realm="r", nonce="n3", qop="auth""#;
        let value = resent(session.after_response(401, [other], &next));
        assert!(value.contains("nonce=\"n3\"") && value.contains("nc=00000001"));
    }

    #[test]
    fn a_401_to_an_up_front_answer_with_its_own_nonce_is_the_response() {
        // The same nonce, not stale: the credentials were wrong. Answering again would count
        // the nonce from 1 a second time.
        let credentials = credentials();
        let mut session = DigestSession::new(&credentials);
        resent(session.after_response(401, [CHALLENGE], &attempt()));
        let next = next_request();
        session.first_authorization(&next).unwrap();
        assert_eq!(
            session.after_response(401, [CHALLENGE], &next),
            Step::Return
        );
        // A stale one earns the one more answer, as for any request.
        session.first_authorization(&next).unwrap();
        let value = resent(session.after_response(401, [STALE], &next));
        assert!(value.contains("nonce=\"n2\"") && value.contains("nc=00000001"));
    }
}
