//! [`RetryPolicy`]: when a call sends its request again, and how long it waits first, as
//! values. It decides nothing itself: the decision for one response is the pure function in
//! `client/retry.rs`, and the waiting is the call loop's.

use std::fmt;
use std::time::Duration;

use crate::defaults;

/// When a request is sent again after a failure: an opt-in policy, for every call of an agent
/// ([`AgentBuilder::retry`](crate::AgentBuilder::retry)) or for one request
/// ([`RequestBuilder::retry`](crate::RequestBuilder::retry)), like urllib3's `Retry` and
/// curl's `--retry`. Without one, nothing is retried.
///
/// A request is sent again when all of these hold:
///
/// - it failed before any byte of a response arrived, with a connection error (refused,
///   reset, closed without an answer, a name that did not resolve, a time limit), or its
///   response has one of the [`statuses`](RetryPolicy::statuses), by default
///   [408, 429, 500, 502, 503 and 504](crate::defaults::RETRY_STATUSES);
/// - its method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE: RFC 9110 section
///   9.2.2), unless [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) says a POST
///   or PATCH may be sent twice;
/// - its body can be sent again: bytes, a file
///   ([`body_file`](crate::RequestBuilder::body_file)), a form without readers, or a stream
///   not yet read (the server answered before `100 Continue`). A stream that has begun to be
///   read cannot;
/// - fewer than [`max_retries`](RetryPolicy::max_retries) retries were made in this call;
/// - the wait ends before the call's [deadline](crate::RequestBuilder::timeout), which never
///   restarts.
///
/// The wait is the response's `Retry-After` (seconds or an HTTP-date) when it has one; one
/// longer than [`max_retry_after`](RetryPolicy::max_retry_after) ends the retries. Otherwise
/// it is exponential backoff with full jitter: a random wait between zero and a ceiling that
/// starts at [1 s](crate::defaults::RETRY_BACKOFF_INITIAL) and doubles with each retry, up to
/// [30 s](crate::defaults::RETRY_BACKOFF_MAX). The random spread keeps many clients that failed
/// together from coming back together.
///
/// When the retries end, the call returns what its last try got: the response (a 503 is a
/// response like any other, with [`Response::retries`](crate::Response::retries) saying how
/// many retries it took) or the error. Each retry shows in the trace as
/// [`TraceEvent::Retrying`](crate::TraceEvent::Retrying).
///
/// ```
/// use std::time::Duration;
/// use plainwire::RetryPolicy;
///
/// let agent = plainwire::Agent::builder()
///     .retry(RetryPolicy::new(3).backoff(Duration::from_millis(200), Duration::from_secs(5)))
///     .build()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) statuses: StatusSet,
    pub(crate) connection_errors: bool,
    pub(crate) non_idempotent: bool,
    pub(crate) backoff_initial: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) max_retry_after: Duration,
}

impl RetryPolicy {
    /// Retries nothing: the agent's default, and how one request turns off its agent's policy.
    ///
    /// ```
    /// # let url = "http://127.0.0.1:9/";
    /// let request = plainwire::post(url).retry(plainwire::RetryPolicy::none());
    /// ```
    pub const fn none() -> RetryPolicy {
        RetryPolicy::new(0)
    }

    /// Up to `max_retries` retries in one call (so `max_retries + 1` tries), with the default
    /// statuses, connection errors retried, idempotent methods only, and the default backoff.
    ///
    /// ```
    /// let policy = plainwire::RetryPolicy::new(3);
    /// assert_eq!(policy.max_retries(), 3);
    /// assert!(policy.retries_status(503));
    /// assert!(!policy.retries_status(501));
    /// ```
    pub const fn new(max_retries: u32) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            statuses: StatusSet::of(&defaults::RETRY_STATUSES),
            connection_errors: true,
            non_idempotent: false,
            backoff_initial: defaults::RETRY_BACKOFF_INITIAL,
            backoff_max: defaults::RETRY_BACKOFF_MAX,
            max_retry_after: defaults::RETRY_AFTER_MAX,
        }
    }

    /// The statuses retried, in place of the default list; codes outside 100–599 are ignored,
    /// and an empty list retries connection errors only.
    ///
    /// ```
    /// let policy = plainwire::RetryPolicy::new(2).statuses(&[429, 503]);
    /// assert!(policy.retries_status(429));
    /// assert!(!policy.retries_status(500));
    /// ```
    pub const fn statuses(mut self, statuses: &[u16]) -> RetryPolicy {
        self.statuses = StatusSet::of(statuses);
        self
    }

    /// Whether a connection error before any byte of a response is retried. Default: true.
    ///
    /// ```
    /// // Retry 503s only, never a refused or reset connection.
    /// let policy = plainwire::RetryPolicy::new(2).statuses(&[503]).connection_errors(false);
    /// ```
    pub const fn connection_errors(mut self, retry: bool) -> RetryPolicy {
        self.connection_errors = retry;
        self
    }

    /// Whether requests whose method is not idempotent (POST, PATCH, and any other not named
    /// in RFC 9110 section 9.2.2) are retried too. Default: false, since a POST that reached
    /// the server before the connection broke may have taken effect: say true only when
    /// sending it twice is harmless (an idempotency key, say).
    ///
    /// ```
    /// let policy = plainwire::RetryPolicy::new(2).retry_non_idempotent(true);
    /// ```
    pub const fn retry_non_idempotent(mut self, retry: bool) -> RetryPolicy {
        self.non_idempotent = retry;
        self
    }

    /// The backoff: the first retry waits at random up to `initial`, and each later one up to
    /// twice the ceiling before, never above `max`. Defaults:
    /// [1 s](crate::defaults::RETRY_BACKOFF_INITIAL) and
    /// [30 s](crate::defaults::RETRY_BACKOFF_MAX).
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = plainwire::RetryPolicy::new(5)
    ///     .backoff(Duration::from_millis(100), Duration::from_secs(2));
    /// ```
    pub const fn backoff(mut self, initial: Duration, max: Duration) -> RetryPolicy {
        self.backoff_initial = initial;
        self.backoff_max = max;
        self
    }

    /// The longest `Retry-After` honoured: a response that asks for a longer wait is returned
    /// as it is. Default: [60 s](crate::defaults::RETRY_AFTER_MAX).
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = plainwire::RetryPolicy::new(3).max_retry_after(Duration::from_secs(10));
    /// ```
    pub const fn max_retry_after(mut self, max: Duration) -> RetryPolicy {
        self.max_retry_after = max;
        self
    }

    /// The most retries in one call.
    pub const fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether a response with `status` is retried (when the rest of the rules allow).
    pub const fn retries_status(&self, status: u16) -> bool {
        self.statuses.contains(status)
    }
}

impl Default for RetryPolicy {
    /// [`RetryPolicy::none`].
    fn default() -> RetryPolicy {
        RetryPolicy::none()
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("statuses", &self.statuses)
            .field("connection_errors", &self.connection_errors)
            .field("non_idempotent", &self.non_idempotent)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("max_retry_after", &self.max_retry_after)
            .finish()
    }
}

/// A set of status codes 100 to 599, one bit each: `Copy` and free of allocation, so that a
/// policy travels down a call by value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusSet([u64; 8]);

impl StatusSet {
    /// The lowest code the set holds.
    const FIRST: u16 = 100;
    /// The highest: RFC 9110 section 15 defines classes 1xx to 5xx only.
    const LAST: u16 = 599;

    const fn of(statuses: &[u16]) -> StatusSet {
        let mut bits = [0u64; 8];
        let mut i = 0;
        while i < statuses.len() {
            let status = statuses[i];
            if status >= Self::FIRST && status <= Self::LAST {
                let index = (status - Self::FIRST) as usize;
                bits[index / 64] |= 1 << (index % 64);
            }
            i += 1;
        }
        StatusSet(bits)
    }

    pub(crate) const fn contains(&self, status: u16) -> bool {
        if status < Self::FIRST || status > Self::LAST {
            return false;
        }
        let index = (status - Self::FIRST) as usize;
        self.0[index / 64] & (1 << (index % 64)) != 0
    }
}

impl fmt::Debug for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries((Self::FIRST..=Self::LAST).filter(|&status| self.contains(status)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_statuses_are_curls_transient_ones() {
        let policy = RetryPolicy::new(1);
        let retried: Vec<u16> = (0..1000).filter(|&s| policy.retries_status(s)).collect();
        assert_eq!(retried, defaults::RETRY_STATUSES);
    }

    #[test]
    fn codes_outside_the_five_classes_are_ignored() {
        let policy = RetryPolicy::new(1).statuses(&[0, 99, 100, 599, 600, 999, u16::MAX]);
        let retried: Vec<u16> = (0..=u16::MAX)
            .filter(|&s| policy.retries_status(s))
            .collect();
        assert_eq!(retried, [100, 599]);
    }

    #[test]
    fn debug_lists_the_statuses() {
        let policy = RetryPolicy::new(2).statuses(&[503, 429]);
        let debug = format!("{policy:?}");
        assert!(debug.contains("statuses: {429, 503}"), "{debug}");
    }

    #[test]
    fn none_retries_nothing() {
        assert_eq!(RetryPolicy::none().max_retries(), 0);
        assert_eq!(RetryPolicy::default(), RetryPolicy::none());
    }
}
