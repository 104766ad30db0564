//! The `--retry` options as the library's [`RetryPolicy`], which makes the retries: the
//! request is sent again inside the one call, before any byte of a body is written out.
//!
//! curl's rules (docs/cmdline-opts/retry*.md) and how they map:
//!
//! | curl | plainwire |
//! |---|---|
//! | retried: a timeout, HTTP 408, 429, 500, 502, 503, 504 | the same statuses; every connection error the library counts as transient (a timeout, a name that did not resolve, a refused or reset connection, a connection closed without an answer), before any byte of a response |
//! | `--retry-connrefused`: a refused connection too | already so: accepted |
//! | `--retry-all-errors`: any error; with `-f`, any HTTP status of 400 or more | with `-f`, every status from 400 to 599; errors other than connection errors (TLS, a bad reply) are not retried |
//! | any method | any method (`retry_non_idempotent`) |
//! | waits 1 s, doubling up to 10 minutes | the same ceilings, each wait drawn at random below its ceiling (the library's full jitter) |
//! | `--retry-delay S`: waits S each time | waits drawn at random up to S: the library's backoff has no fixed wait |
//! | honours `Retry-After` | honoured up to 10 minutes (or `--retry-max-time`); a longer one ends the retries |
//! | `--retry-max-time T`: no retry starts after T | the retries are cut to as many as fit in T with their longest waits |
//!
//! The library has no "stop retrying after T since the first try" setting, nor a fixed wait:
//! both are approximated here as the table says.

use std::time::Duration;

use plainwire::RetryPolicy;

use crate::args::RetryArgs;

/// The statuses curl's `--retry` retries.
pub const TRANSIENT_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// The first wait of curl's backoff.
pub const FIRST_WAIT: Duration = Duration::from_secs(1);

/// The longest wait of curl's backoff ("until it reaches 10 minutes"), and the longest
/// `Retry-After` honoured when `--retry-max-time` does not say.
pub const LONGEST_WAIT: Duration = Duration::from_secs(600);

/// The policy for these options (`fail`: `-f` or `--fail-with-body` was given); `None` when
/// `--retry` asks for none.
pub fn policy(args: &RetryArgs, fail: bool) -> Option<RetryPolicy> {
    let (initial, max) = match args.delay.filter(|d| !d.is_zero()) {
        Some(delay) => (delay, delay),
        None => (FIRST_WAIT, LONGEST_WAIT),
    };
    let time_limit = args.max_time.filter(|t| !t.is_zero());
    let count = match time_limit {
        Some(limit) => args.count.min(retries_within(limit, initial, max)),
        None => args.count,
    };
    if count == 0 {
        return None;
    }
    let policy = RetryPolicy::new(count)
        .connection_errors(true)
        .retry_non_idempotent(true)
        .backoff(initial, max)
        .max_retry_after(time_limit.unwrap_or(LONGEST_WAIT));
    Some(if args.all_errors && fail {
        let every_error: Vec<u16> = (400..600).collect();
        policy.statuses(&every_error)
    } else {
        policy.statuses(&TRANSIENT_STATUSES)
    })
}

/// How many retries fit in `limit` when each waits its longest: `initial`, doubling up to
/// `max`.
fn retries_within(limit: Duration, initial: Duration, max: Duration) -> u32 {
    let mut total = Duration::ZERO;
    let mut ceiling = initial;
    let mut retries = 0;
    while retries < u32::MAX {
        total = total.saturating_add(ceiling);
        if total > limit {
            break;
        }
        retries += 1;
        ceiling = ceiling.saturating_mul(2).min(max);
    }
    retries
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

    #[test]
    fn no_retry_no_policy() {
        assert_eq!(policy(&args(0), false), None);
    }

    #[test]
    fn curls_statuses_and_any_method() {
        let p = policy(&args(3), false).unwrap();
        assert_eq!(p.max_retries(), 3);
        for status in TRANSIENT_STATUSES {
            assert!(p.retries_status(status), "{status}");
        }
        assert!(!p.retries_status(404));
        assert!(!p.retries_status(501));
    }

    #[test]
    fn all_errors_with_fail_retries_every_http_error() {
        let all = RetryArgs {
            all_errors: true,
            ..args(2)
        };
        assert!(policy(&all, true).unwrap().retries_status(404));
        assert!(!policy(&all, false).unwrap().retries_status(404));
    }

    #[test]
    fn max_time_cuts_the_retries_to_what_fits() {
        let second = Duration::from_secs(1);
        // 1 + 2 + 4 = 7 s fit in 10 s; a fourth wait (8 s) does not.
        assert_eq!(retries_within(10 * second, second, LONGEST_WAIT), 3);
        assert_eq!(retries_within(5 * second, 2 * second, 2 * second), 2);
        assert_eq!(retries_within(Duration::ZERO, second, second), 0);
        let limited = RetryArgs {
            max_time: Some(10 * second),
            ..args(10)
        };
        assert_eq!(policy(&limited, false).unwrap().max_retries(), 3);
        let unlimited = RetryArgs {
            max_time: Some(Duration::ZERO),
            ..args(10)
        };
        assert_eq!(policy(&unlimited, false).unwrap().max_retries(), 10);
    }
}
