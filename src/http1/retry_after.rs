//! `Retry-After` (RFC 9110 section 10.2.3) as a wait from a given moment: delta-seconds or an
//! HTTP-date. It does not decide whether to retry or how long is too long to wait: the retry
//! policy does, with this value as one input.
//!
//! ```text
//! Retry-After = HTTP-date / delta-seconds
//! Retry-After: 120
//! Retry-After: Fri, 31 Dec 1999 23:59:59 GMT
//! ```

use std::time::{Duration, SystemTime};

use super::date;

/// The longest wait [`parse`] gives, in seconds: 2^31, about 68 years. A larger number saturates
/// here, as RFC 9111 section 1.2.2 says of delta-seconds too large to represent; the retry
/// policy's own maximum wait caps it far lower.
pub(crate) const MAX_RETRY_AFTER_SECONDS: u64 = 1 << 31;

/// The wait a `Retry-After` value asks for, counted from `now` (the moment the response
/// arrived).
///
/// - delta-seconds (`120`): that many seconds, saturating at [`MAX_RETRY_AFTER_SECONDS`];
/// - an HTTP-date in any of its three formats: the time from `now` until then, zero if it has
///   passed;
/// - anything else (`-1`, `1.5`, `soon`, an empty value): `None`, as if the field were absent.
///
/// Surrounding spaces and tabs are ignored.
pub(crate) fn parse(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim_matches([' ', '\t']);
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(delta_seconds(value)));
    }
    let until = date::parse(value, now)?;
    let wait = until.duration_since(now).unwrap_or(Duration::ZERO);
    Some(wait.min(Duration::from_secs(MAX_RETRY_AFTER_SECONDS)))
}

/// `delta-seconds = 1*DIGIT`, saturating at [`MAX_RETRY_AFTER_SECONDS`] however many digits
/// there are.
fn delta_seconds(digits: &str) -> u64 {
    digits.bytes().fold(0, |seconds: u64, digit| {
        seconds
            .saturating_mul(10)
            .saturating_add(u64::from(digit - b'0'))
            .min(MAX_RETRY_AFTER_SECONDS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    /// 1999-12-31 23:57:59 GMT: two minutes before RFC 9110's example date.
    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(946_684_679)
    }

    fn wait(value: &str) -> Option<Duration> {
        parse(value, now())
    }

    #[test]
    fn rfc_9110_delta_seconds_example() {
        assert_eq!(wait("120"), Some(Duration::from_secs(120)));
    }

    #[test]
    fn rfc_9110_http_date_example() {
        assert_eq!(
            wait("Fri, 31 Dec 1999 23:59:59 GMT"),
            Some(Duration::from_secs(120))
        );
    }

    #[test]
    fn obsolete_date_formats_count_too() {
        assert_eq!(
            wait("Friday, 31-Dec-99 23:59:59 GMT"),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            wait("Fri Dec 31 23:59:59 1999"),
            Some(Duration::from_secs(120))
        );
    }

    #[test]
    fn zero_means_now() {
        assert_eq!(wait("0"), Some(Duration::ZERO));
        assert_eq!(wait("000"), Some(Duration::ZERO));
    }

    #[test]
    fn a_date_in_the_past_is_no_wait() {
        assert_eq!(wait("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        assert_eq!(wait("Fri, 31 Dec 1999 23:57:59 GMT"), Some(Duration::ZERO));
    }

    #[test]
    fn absurd_delays_saturate() {
        let max = Some(Duration::from_secs(MAX_RETRY_AFTER_SECONDS));
        assert_eq!(wait("99999999999999999999999999999999"), max);
        assert_eq!(wait(&"9".repeat(10_000)), max);
        assert_eq!(wait("2147483648"), max);
        assert_eq!(
            wait("2147483647"),
            Some(Duration::from_secs(MAX_RETRY_AFTER_SECONDS - 1))
        );
        assert_eq!(wait("Fri, 31 Dec 9999 23:59:59 GMT"), max);
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(wait(" \t120 "), Some(Duration::from_secs(120)));
    }

    #[test]
    fn garbage_is_none() {
        for value in [
            "", " ", "-1", "+1", "1.5", "1e3", "12 0", "soon", "120s", "٣",
        ] {
            assert_eq!(wait(value), None, "{value:?}");
        }
    }
}
