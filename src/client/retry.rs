//! Whether a request is sent again, and after how long: a pure decision ([`next`]) that the call
//! loop carries out, as [`redirect::next`](super::redirect::next) is for redirects. No I/O and
//! no clock of its own: the time, what is left of the deadline and a random fraction come in
//! as arguments, so that every rule is a test case.
//!
//! The rules are [`RetryPolicy`]'s (its documentation lists them), checked in this order: the
//! retries left; the time spent since the first try (`max_retry_time`); what went wrong (a
//! status in the policy's list, or an error it retries); the method; the body; then the wait
//! (`Retry-After`, or backoff with or without jitter), which must fit the policy's maximum,
//! its time limit and the call's deadline.
//!
//! This is not the retry on a dead pooled connection: when a kept-alive connection turns out
//! to have been closed by the server before our request reached it, the call sends an
//! idempotent request once more on a fresh connection, at once, before this decision is asked
//! for and without counting against the policy. Only what that second try gets reaches
//! [`next`].

use std::time::{Duration, SystemTime};

use crate::error::{Error, ErrorKind};
use crate::http1::retry_after;
use crate::retry::{RetryPolicy, NEVER_RETRIED};

/// Methods that may be sent twice with the same effect as once (RFC 9110 section 9.2.2).
pub(crate) const IDEMPOTENT: [&str; 6] = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"];

/// What one try of a request got.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// A final response.
    Response {
        status: u16,
        /// Its `Retry-After` field, if any.
        retry_after: Option<&'a str>,
    },
    /// An error, and whether it struck before any byte of a response arrived.
    Failed {
        error: &'a Error,
        before_response: bool,
    },
}

/// The request a try was for, as far as a retry cares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt<'a> {
    pub(crate) method: &'a str,
    /// Whether the body (if any) can be sent again.
    pub(crate) body_replayable: bool,
    /// Retries already made in this call.
    pub(crate) retries: u32,
}

/// The moment of the decision.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Now, for a `Retry-After` that is a date.
    pub(crate) now: SystemTime,
    /// What is left of the call's deadline; `None` when it has none.
    pub(crate) remaining: Option<Duration>,
    /// The time since the call's first try began, for the policy's `max_retry_time`.
    pub(crate) elapsed: Duration,
    /// A random number in [0, 1), for the jitter (see [`jitter`]).
    pub(crate) jitter: f64,
}

/// What to do with what a try got.
#[derive(Debug, PartialEq)]
pub(crate) enum Retry {
    /// Hand it to the caller: a response as the call's answer, an error as its error.
    Return,
    /// Send the request again after `wait`; `reason` says why, for the trace.
    After { wait: Duration, reason: String },
}

/// Decides whether the request that got `outcome` is sent again, and when.
pub(crate) fn next(
    outcome: Outcome<'_>,
    attempt: Attempt<'_>,
    policy: &RetryPolicy,
    clock: Clock,
) -> Retry {
    if attempt.retries >= policy.max_retries {
        return Retry::Return;
    }
    // curl's --retry-max-time: read before the wait, so a retry decided in time goes ahead.
    let time_left = policy
        .max_retry_time
        .map(|limit| limit.saturating_sub(clock.elapsed));
    if time_left.is_some_and(|left| left.is_zero()) {
        return Retry::Return;
    }
    let (reason, retry_after) = match outcome {
        Outcome::Response {
            status,
            retry_after,
        } if policy.statuses.contains(status) => (format!("HTTP status {status}"), retry_after),
        Outcome::Failed {
            error,
            before_response,
        } if retries_error(policy, error, before_response) => (error.to_string(), None),
        _ => return Retry::Return,
    };
    if !policy.non_idempotent && !IDEMPOTENT.contains(&attempt.method) {
        return Retry::Return;
    }
    if !attempt.body_replayable {
        return Retry::Return;
    }
    let wait = match retry_after.and_then(|value| retry_after::parse(value, clock.now)) {
        Some(asked) if asked > policy.max_retry_after => return Retry::Return,
        // The server named a time that falls after the limit: waiting for it cannot help.
        Some(asked) if time_left.is_some_and(|left| asked > left) => return Retry::Return,
        // The server's time is the least to wait, never a reason to wait less than the
        // backoff would (as curl: a `Retry-After: 0` on every 503 must not make the retries
        // come back to back).
        Some(asked) => asked.max(backoff_for(policy, attempt.retries, clock.jitter)),
        None => backoff_for(policy, attempt.retries, clock.jitter),
    };
    // The deadline never restarts: a wait that would reach it ends the call now, with what
    // this try got, rather than a timeout after a sleep that could not help.
    if clock.remaining.is_some_and(|left| wait >= left) {
        return Retry::Return;
    }
    Retry::After { wait, reason }
}

/// The wait before retry `retries + 1` when the server names none: the backoff, drawn below
/// its ceiling when the policy jitters.
fn backoff_for(policy: &RetryPolicy, retries: u32, jitter: f64) -> Duration {
    if policy.jitter {
        backoff(policy, retries, jitter)
    } else {
        ceiling(policy, retries)
    }
}

/// Whether the policy retries a try that failed with `error`: never the request's own faults
/// ([`NEVER_RETRIED`]); any other error under `all_errors`;
/// otherwise one that struck before any byte of a response, when errors are retried at all
/// (`connection_errors`), and it is a refused connection that `connection_refused` allows or
/// another error of a kind on the policy's list (by default the transient ones of
/// [`RETRY_ERRORS`](crate::defaults::RETRY_ERRORS)).
fn retries_error(policy: &RetryPolicy, error: &Error, before_response: bool) -> bool {
    if NEVER_RETRIED.contains(error.kind()) {
        return false;
    }
    if policy.all_errors {
        return true;
    }
    if !before_response || !policy.connection_errors {
        return false;
    }
    if is_refused(error) {
        policy.connection_refused
    } else {
        policy.errors.contains(error.kind())
    }
}

/// Whether `error` is a refused connection: a connection error whose cause, somewhere down
/// its chain of sources, is the operating system's `ECONNREFUSED` (nothing listens there).
fn is_refused(error: &Error) -> bool {
    if error.kind() != ErrorKind::Connect {
        return false;
    }
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let refused = inner
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        if refused {
            return true;
        }
        cause = inner.source();
    }
    false
}

/// The backoff ceiling for a retry: the policy's initial value, doubled with each retry made,
/// never above its maximum. It is the wait itself when the policy has no jitter.
fn ceiling(policy: &RetryPolicy, retries: u32) -> Duration {
    let doubling = 1u32.checked_shl(retries).unwrap_or(u32::MAX);
    policy
        .backoff_initial
        .saturating_mul(doubling)
        .min(policy.backoff_max)
}

/// Exponential backoff with full jitter (as AWS's architecture blog named it): a wait drawn
/// uniformly from zero up to the [`ceiling`]. `jitter` is the random draw, in [0, 1).
fn backoff(policy: &RetryPolicy, retries: u32, jitter: f64) -> Duration {
    let ceiling = ceiling(policy, retries);
    let jitter = if (0.0..1.0).contains(&jitter) {
        jitter
    } else {
        0.0
    };
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * jitter)
        .unwrap_or(ceiling)
        .min(ceiling)
}

/// A random number in [0, 1) for the backoff's jitter.
///
/// Jitter has to spread clients apart, not to be unpredictable to an attacker: two processes
/// that failed at the same instant must not come back at the same instant, which the draws of
/// [`crate::random`] (different in every process and every draw) ensure.
pub(crate) fn jitter() -> f64 {
    let [random] = crate::random::words::<1>();
    // The top 53 bits, the precision of an f64, scaled into [0, 1).
    (random >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    const POLICY: RetryPolicy = RetryPolicy::new(3);

    fn clock() -> Clock {
        Clock {
            now: UNIX_EPOCH + Duration::from_secs(946_684_679),
            remaining: None,
            elapsed: Duration::ZERO,
            jitter: 0.5,
        }
    }

    fn get(retries: u32) -> Attempt<'static> {
        Attempt {
            method: "GET",
            body_replayable: true,
            retries,
        }
    }

    fn status(status: u16) -> Outcome<'static> {
        Outcome::Response {
            status,
            retry_after: None,
        }
    }

    fn waits(decision: Retry) -> Duration {
        match decision {
            Retry::After { wait, .. } => wait,
            Retry::Return => panic!("expected a retry"),
        }
    }

    #[test]
    fn a_listed_status_is_retried_with_its_reason() {
        let decision = next(status(503), get(0), &POLICY, clock());
        assert_eq!(
            decision,
            Retry::After {
                wait: Duration::from_millis(500),
                reason: "HTTP status 503".to_string()
            }
        );
    }

    #[test]
    fn a_status_not_listed_is_returned() {
        for code in [200, 301, 400, 401, 404, 501] {
            assert_eq!(next(status(code), get(0), &POLICY, clock()), Retry::Return);
        }
        let only_429 = POLICY.statuses(&[429]);
        assert_eq!(next(status(503), get(0), &only_429, clock()), Retry::Return);
    }

    #[test]
    fn retries_stop_at_the_maximum() {
        assert!(matches!(
            next(status(503), get(2), &POLICY, clock()),
            Retry::After { .. }
        ));
        assert_eq!(next(status(503), get(3), &POLICY, clock()), Retry::Return);
        assert_eq!(
            next(status(503), get(0), &RetryPolicy::none(), clock()),
            Retry::Return
        );
    }

    #[test]
    fn rfc_9110_idempotent_methods_only_unless_told() {
        for method in ["POST", "PATCH", "CONNECT", "PROPFIND"] {
            let attempt = Attempt { method, ..get(0) };
            assert_eq!(next(status(503), attempt, &POLICY, clock()), Retry::Return);
            let told = POLICY.retry_non_idempotent(true);
            assert!(matches!(
                next(status(503), attempt, &told, clock()),
                Retry::After { .. }
            ));
        }
        for method in IDEMPOTENT {
            let attempt = Attempt { method, ..get(0) };
            assert!(matches!(
                next(status(503), attempt, &POLICY, clock()),
                Retry::After { .. }
            ));
        }
    }

    #[test]
    fn a_body_that_cannot_be_sent_again_stops_the_retries() {
        let attempt = Attempt {
            method: "PUT",
            body_replayable: false,
            retries: 0,
        };
        assert_eq!(next(status(503), attempt, &POLICY, clock()), Retry::Return);
    }

    #[test]
    fn rfc_9110_retry_after_in_seconds_is_the_wait() {
        let outcome = Outcome::Response {
            status: 503,
            retry_after: Some("2"),
        };
        assert_eq!(
            waits(next(outcome, get(0), &POLICY, clock())),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn rfc_9110_retry_after_as_a_date_counts_from_now() {
        // Two minutes after `clock().now`.
        let outcome = Outcome::Response {
            status: 429,
            retry_after: Some("Fri, 31 Dec 1999 23:59:59 GMT"),
        };
        let patient = POLICY.max_retry_after(Duration::from_secs(120));
        assert_eq!(
            waits(next(outcome, get(0), &patient, clock())),
            Duration::from_secs(120)
        );
        let past = Outcome::Response {
            status: 429,
            retry_after: Some("Sun, 06 Nov 1994 08:49:37 GMT"),
        };
        // A time already past asks for no wait: the backoff's (here 0.5 s, jitter 0.5 under
        // a 1 s ceiling) is waited.
        assert_eq!(
            waits(next(past, get(0), &POLICY, clock())),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn a_retry_after_beyond_the_maximum_returns_the_response() {
        let outcome = Outcome::Response {
            status: 503,
            retry_after: Some("61"),
        };
        assert_eq!(next(outcome, get(0), &POLICY, clock()), Retry::Return);
        let patient = POLICY.max_retry_after(Duration::from_secs(3600));
        assert_eq!(
            waits(next(outcome, get(0), &patient, clock())),
            Duration::from_secs(61)
        );
    }

    #[test]
    fn an_unusable_retry_after_means_backoff() {
        let outcome = Outcome::Response {
            status: 503,
            retry_after: Some("soon"),
        };
        assert_eq!(
            waits(next(outcome, get(0), &POLICY, clock())),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn a_wait_that_reaches_the_deadline_ends_the_call_now() {
        let outcome = Outcome::Response {
            status: 503,
            retry_after: Some("5"),
        };
        let short = Clock {
            remaining: Some(Duration::from_secs(5)),
            ..clock()
        };
        assert_eq!(next(outcome, get(0), &POLICY, short), Retry::Return);
        let long = Clock {
            remaining: Some(Duration::from_secs(6)),
            ..clock()
        };
        assert_eq!(
            waits(next(outcome, get(0), &POLICY, long)),
            Duration::from_secs(5)
        );
        let spent = Clock {
            remaining: Some(Duration::ZERO),
            ..clock()
        };
        assert_eq!(next(status(503), get(0), &POLICY, spent), Retry::Return);
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_with_full_jitter() {
        let policy = POLICY.backoff(Duration::from_secs(1), Duration::from_secs(5));
        let ceiling = |retries| backoff(&policy, retries, 0.999_999);
        let secs = |retries| ceiling(retries).as_secs_f64().round() as u64;
        assert_eq!(
            [secs(0), secs(1), secs(2), secs(3), secs(40)],
            [1, 2, 4, 5, 5]
        );
        assert_eq!(backoff(&policy, 2, 0.0), Duration::ZERO);
        assert_eq!(backoff(&policy, 2, 0.25), Duration::from_secs(1));
        assert!(ceiling(2) < Duration::from_secs(4));
    }

    #[test]
    fn backoff_survives_absurd_values() {
        let policy = POLICY.backoff(Duration::MAX, Duration::MAX);
        for jitter in [0.0, 0.5, 0.999_999, 1.0, -1.0, f64::NAN] {
            let wait = backoff(&policy, u32::MAX, jitter);
            assert!(wait <= Duration::MAX);
        }
    }

    fn failed(kind: ErrorKind, before_response: bool) -> Retry {
        let error = Error::new(kind, "it broke");
        let outcome = Outcome::Failed {
            error: &error,
            before_response,
        };
        next(outcome, get(0), &POLICY, clock())
    }

    #[test]
    fn a_connection_error_before_the_response_is_retried() {
        for kind in [
            ErrorKind::Connect,
            ErrorKind::Dns,
            ErrorKind::Timeout,
            ErrorKind::ConnectionReset,
            ErrorKind::EmptyReply,
        ] {
            assert_eq!(
                failed(kind, true),
                Retry::After {
                    wait: Duration::from_millis(500),
                    reason: "it broke".to_string()
                },
                "{kind:?}"
            );
        }
    }

    #[test]
    fn an_error_after_a_response_began_is_returned() {
        assert_eq!(failed(ErrorKind::ConnectionReset, false), Retry::Return);
    }

    #[test]
    fn errors_that_would_happen_again_are_returned() {
        for kind in [
            ErrorKind::Tls,
            ErrorKind::Certificate,
            ErrorKind::Protocol,
            ErrorKind::InvalidRequest,
            ErrorKind::Io,
        ] {
            assert_eq!(failed(kind, true), Retry::Return, "{kind:?}");
        }
    }

    #[test]
    fn connection_errors_can_be_left_alone() {
        let error = Error::new(ErrorKind::Connect, "refused");
        let outcome = Outcome::Failed {
            error: &error,
            before_response: true,
        };
        let policy = POLICY.connection_errors(false);
        assert_eq!(next(outcome, get(0), &policy, clock()), Retry::Return);
    }

    fn refused() -> Error {
        let cause = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        Error::new(ErrorKind::Connect, "could not connect to 127.0.0.1:9").with_source(cause)
    }

    fn after_error(error: &Error, before_response: bool, policy: &RetryPolicy) -> Retry {
        let outcome = Outcome::Failed {
            error,
            before_response,
        };
        next(outcome, get(0), policy, clock())
    }

    #[test]
    fn a_refused_connection_is_judged_on_its_own() {
        let error = refused();
        assert!(is_refused(&error));
        assert_ne!(after_error(&error, true, &POLICY), Retry::Return);
        let not_refused = POLICY.connection_refused(false);
        assert_eq!(after_error(&error, true, &not_refused), Retry::Return);
        // Other connection failures still follow the list.
        let unreachable = Error::new(ErrorKind::Connect, "no route to host");
        assert!(!is_refused(&unreachable));
        assert_ne!(after_error(&unreachable, true, &not_refused), Retry::Return);
        // And a refused connection is retried with `Connect` off the list, when allowed.
        let timeouts_and_refused = POLICY.errors(&[ErrorKind::Timeout]);
        assert_ne!(
            after_error(&error, true, &timeouts_and_refused),
            Retry::Return
        );
        assert_eq!(
            after_error(&unreachable, true, &timeouts_and_refused),
            Retry::Return
        );
    }

    #[test]
    fn curls_retry_takes_timeouts_and_names_that_did_not_resolve() {
        let curl = POLICY
            .errors(&[ErrorKind::Timeout, ErrorKind::Dns])
            .connection_refused(false);
        for kind in [ErrorKind::Timeout, ErrorKind::Dns] {
            let error = Error::new(kind, "slow");
            assert_ne!(after_error(&error, true, &curl), Retry::Return, "{kind:?}");
        }
        for kind in [
            ErrorKind::ConnectionReset,
            ErrorKind::EmptyReply,
            ErrorKind::Tls,
        ] {
            let error = Error::new(kind, "broke");
            assert_eq!(after_error(&error, true, &curl), Retry::Return, "{kind:?}");
        }
        assert_eq!(after_error(&refused(), true, &curl), Retry::Return);
    }

    #[test]
    fn all_errors_retries_any_error_even_after_the_response_began() {
        let all = POLICY.all_errors(true).connection_errors(false);
        for kind in [
            ErrorKind::Tls,
            ErrorKind::Certificate,
            ErrorKind::Protocol,
            ErrorKind::ConnectionReset,
        ] {
            let error = Error::new(kind, "broke");
            assert_ne!(after_error(&error, false, &all), Retry::Return, "{kind:?}");
        }
        assert_ne!(after_error(&refused(), true, &all), Retry::Return);
        let bad = Error::new(ErrorKind::InvalidRequest, "a header with a line break");
        assert_eq!(after_error(&bad, true, &all), Retry::Return);
    }

    #[test]
    fn all_errors_keeps_the_method_and_body_rules() {
        let all = POLICY.all_errors(true);
        let error = Error::new(ErrorKind::Tls, "handshake failed");
        let outcome = Outcome::Failed {
            error: &error,
            before_response: true,
        };
        let post = Attempt {
            method: "POST",
            ..get(0)
        };
        assert_eq!(next(outcome, post, &all, clock()), Retry::Return);
        let stream = Attempt {
            body_replayable: false,
            ..get(0)
        };
        assert_eq!(next(outcome, stream, &all, clock()), Retry::Return);
    }

    #[test]
    fn without_jitter_the_wait_is_the_ceiling() {
        let doubling = POLICY
            .backoff(Duration::from_secs(1), Duration::from_secs(600))
            .jitter(false);
        let wait = |retries| waits(next(status(503), get(retries), &doubling, clock()));
        let four = RetryPolicy::new(4).backoff(Duration::from_secs(1), Duration::from_secs(3));
        let capped = |retries| {
            let policy = four.jitter(false);
            waits(next(status(503), get(retries), &policy, clock()))
        };
        assert_eq!(
            [wait(0), wait(1), wait(2)],
            [1, 2, 4].map(Duration::from_secs)
        );
        assert_eq!(
            [capped(0), capped(1), capped(2), capped(3)],
            [1, 2, 3, 3].map(Duration::from_secs)
        );
    }

    #[test]
    fn a_fixed_delay_is_backoff_without_growth_or_jitter() {
        let fixed = POLICY
            .backoff(Duration::from_millis(200), Duration::from_millis(200))
            .jitter(false);
        for retries in 0..3 {
            assert_eq!(
                waits(next(status(503), get(retries), &fixed, clock())),
                Duration::from_millis(200)
            );
        }
        // A longer Retry-After is waited for; a shorter one does not cut the delay (curl
        // waits the larger of the two).
        let outcome = Outcome::Response {
            status: 503,
            retry_after: Some("3"),
        };
        assert_eq!(
            waits(next(outcome, get(0), &fixed, clock())),
            Duration::from_secs(3)
        );
        let now = Outcome::Response {
            status: 503,
            retry_after: Some("0"),
        };
        assert_eq!(
            waits(next(now, get(0), &fixed, clock())),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn max_retry_time_is_read_before_the_wait() {
        let limited = POLICY
            .backoff(Duration::from_secs(10), Duration::from_secs(10))
            .jitter(false)
            .max_retry_time(Duration::from_secs(15));
        let at = |secs| Clock {
            elapsed: Duration::from_secs(secs),
            ..clock()
        };
        // Decided at 14 s, the retry waits its 10 s and goes ahead past the limit.
        assert_eq!(
            waits(next(status(503), get(1), &limited, at(14))),
            Duration::from_secs(10)
        );
        assert_eq!(next(status(503), get(1), &limited, at(15)), Retry::Return);
        assert_eq!(next(status(503), get(0), &limited, at(16)), Retry::Return);
        let error = Error::new(ErrorKind::Timeout, "slow");
        let failed = Outcome::Failed {
            error: &error,
            before_response: true,
        };
        assert_eq!(next(failed, get(0), &limited, at(15)), Retry::Return);
    }

    #[test]
    fn a_retry_after_past_max_retry_time_ends_the_retries() {
        let limited = POLICY.max_retry_time(Duration::from_secs(10));
        let outcome = |after| Outcome::Response {
            status: 503,
            retry_after: Some(after),
        };
        let at = |secs| Clock {
            elapsed: Duration::from_secs(secs),
            ..clock()
        };
        assert_eq!(
            waits(next(outcome("4"), get(0), &limited, at(6))),
            Duration::from_secs(4)
        );
        assert_eq!(next(outcome("5"), get(0), &limited, at(6)), Retry::Return);
        // Without a limit, the same answer is waited for.
        assert_eq!(
            waits(next(outcome("5"), get(0), &POLICY, at(6))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn max_retry_time_never_moves_the_deadline() {
        let limited = POLICY.max_retry_time(Duration::from_secs(60));
        let short = Clock {
            remaining: Some(Duration::from_millis(100)),
            ..clock()
        };
        // The backoff (500 ms) is longer than what is left of the call: no retry.
        assert_eq!(next(status(503), get(0), &limited, short), Retry::Return);
    }

    #[test]
    fn jitter_is_in_the_unit_interval_and_varies() {
        let draws: Vec<f64> = (0..1000).map(|_| jitter()).collect();
        assert!(draws.iter().all(|j| (0.0..1.0).contains(j)));
        let low = draws.iter().filter(|&&j| j < 0.5).count();
        // Uniform draws: far from all on one side (the chance of this failing is below 2^-100).
        assert!((300..700).contains(&low), "{low} of 1000 below one half");
    }
}
