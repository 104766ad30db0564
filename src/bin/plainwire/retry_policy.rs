//! The `--retry` options as the library's [`RetryPolicy`], which makes the retries: the
//! request is sent again inside the one call, before any byte of a body is written out.
//! What this file does not do: retry a failure while the body is read (that comes after the
//! call has returned).
//!
//! curl's rules (docs/cmdline-opts/retry*.md and curl 7.88's `tool_operate.c`) and how they
//! map:
//!
//! | curl | plainwire |
//! |---|---|
//! | `--retry N`: a timeout, a name that did not resolve, HTTP 408, 429, 500, 502, 503, 504 | `errors(&[Timeout, Dns])`, the same statuses; a refused, reset or silent connection is not retried |
//! | `--retry-connrefused`: a refused connection too | `connection_refused(true)` |
//! | `--retry-all-errors`: any error; with `-f`, any HTTP status of 400 or more | `all_errors(true)`; with `-f`, every status from 400 to 599 |
//! | any method | any method (`retry_non_idempotent`) |
//! | waits 1 s, doubling up to 10 minutes | `backoff(1 s, 10 min).jitter(false)` |
//! | `--retry-delay S`: waits S each time (0: the default backoff) | `backoff(S, S).jitter(false)` |
//! | honours `Retry-After` | honoured up to 10 minutes; a longer one ends the retries |
//! | `--retry-max-time T`: no retry once T has passed since the first try, read before the wait; a `Retry-After` past T ends the retries (0: no limit) | `max_retry_time(T)`, the same rule |

use std::time::Duration;

use plainwire::defaults::RETRY_BACKOFF_INITIAL;
use plainwire::{ErrorKind, RetryPolicy};

use crate::args::RetryArgs;

/// The errors curl's `--retry` retries: a time limit, and a name that did not resolve (curl
/// 7.88's `CURLE_OPERATION_TIMEDOUT` and `CURLE_COULDNT_RESOLVE_HOST`/`_PROXY`).
pub const TRANSIENT_ERRORS: [ErrorKind; 2] = [ErrorKind::Timeout, ErrorKind::Dns];

/// The longest wait of curl's backoff ("until it reaches 10 minutes"), and the longest
/// `Retry-After` honoured.
pub const LONGEST_WAIT: Duration = Duration::from_secs(600);

/// The policy for these options (`fail`: `-f` or `--fail-with-body` was given); `None` when
/// `--retry` asks for none.
pub fn policy(args: &RetryArgs, fail: bool) -> Option<RetryPolicy> {
    if args.count == 0 {
        return None;
    }
    // curl waits exactly: a fixed delay, or 1 s doubling, never a random draw.
    let (initial, max) = match args.delay.filter(|d| !d.is_zero()) {
        Some(delay) => (delay, delay),
        // curl's first wait is 1 s, as is the library's.
        None => (RETRY_BACKOFF_INITIAL, LONGEST_WAIT),
    };
    let mut policy = RetryPolicy::new(args.count)
        .errors(&TRANSIENT_ERRORS)
        .connection_refused(args.connrefused)
        .all_errors(args.all_errors)
        .retry_non_idempotent(true)
        .backoff(initial, max)
        .jitter(false)
        .max_retry_after(LONGEST_WAIT);
    if let Some(limit) = args.max_time.filter(|t| !t.is_zero()) {
        policy = policy.max_retry_time(limit);
    }
    // Otherwise the library's statuses are curl's: 408, 429, 500, 502, 503, 504.
    if args.all_errors && fail {
        let every_error: Vec<u16> = (400..600).collect();
        policy = policy.statuses(&every_error);
    }
    Some(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(count: u32) -> RetryArgs {
        RetryArgs {
            count,
            ..RetryArgs::default()
        }
    }

    /// The policy the options must give: curl's rules written out.
    fn curls(count: u32) -> RetryPolicy {
        RetryPolicy::new(count)
            .errors(&TRANSIENT_ERRORS)
            .connection_refused(false)
            .retry_non_idempotent(true)
            .backoff(Duration::from_secs(1), LONGEST_WAIT)
            .jitter(false)
            .max_retry_after(LONGEST_WAIT)
    }

    #[test]
    fn no_retry_no_policy() {
        assert_eq!(policy(&args(0), false), None);
    }

    #[test]
    fn curls_statuses_errors_and_backoff_for_any_method() {
        let p = policy(&args(3), false).unwrap();
        assert_eq!(p, curls(3));
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(p.retries_status(status), "{status}");
        }
        assert!(!p.retries_status(404));
        assert!(!p.retries_status(501));
        assert!(p.retries_error_kind(ErrorKind::Timeout));
        assert!(!p.retries_error_kind(ErrorKind::ConnectionReset));
        assert!(!p.retries_error_kind(ErrorKind::Tls));
    }

    #[test]
    fn connrefused_adds_a_refused_connection_only() {
        let refused = RetryArgs {
            connrefused: true,
            ..args(2)
        };
        assert_eq!(
            policy(&refused, false).unwrap(),
            curls(2).connection_refused(true)
        );
    }

    #[test]
    fn all_errors_retries_any_error_and_with_fail_every_http_error() {
        let all = RetryArgs {
            all_errors: true,
            ..args(2)
        };
        let p = policy(&all, false).unwrap();
        assert!(p.retries_error_kind(ErrorKind::Tls));
        assert!(p.retries_error_kind(ErrorKind::Protocol));
        assert!(!p.retries_status(404));
        assert!(policy(&all, true).unwrap().retries_status(404));
    }

    #[test]
    fn a_delay_is_a_fixed_wait_and_zero_is_the_default_backoff() {
        let second = Duration::from_secs(1);
        let delayed = RetryArgs {
            delay: Some(2 * second),
            ..args(4)
        };
        assert_eq!(
            policy(&delayed, false).unwrap(),
            curls(4).backoff(2 * second, 2 * second)
        );
        let zero = RetryArgs {
            delay: Some(Duration::ZERO),
            ..args(4)
        };
        assert_eq!(policy(&zero, false).unwrap(), curls(4));
    }

    #[test]
    fn max_time_limits_the_time_not_the_count() {
        let second = Duration::from_secs(1);
        let limited = RetryArgs {
            max_time: Some(10 * second),
            ..args(10)
        };
        let p = policy(&limited, false).unwrap();
        assert_eq!(p.max_retries(), 10);
        assert_eq!(p, curls(10).max_retry_time(10 * second));
        let unlimited = RetryArgs {
            max_time: Some(Duration::ZERO),
            ..args(10)
        };
        assert_eq!(policy(&unlimited, false).unwrap(), curls(10));
    }
}
