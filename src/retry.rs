//! [`RetryPolicy`]: when a call sends its request again, and how long it waits first, as
//! values. It decides nothing itself: the decision for one response is the pure function in
//! `client/retry.rs`, and the waiting is the call loop's.

use std::fmt;
use std::time::Duration;

use crate::defaults;
use crate::error::ErrorKind;

/// When a request is sent again after a failure: an opt-in policy, for every call of an agent
/// ([`AgentBuilder::retry`](crate::AgentBuilder::retry)) or for one request
/// ([`RequestBuilder::retry`](crate::RequestBuilder::retry)), like urllib3's `Retry` and
/// curl's `--retry`. Without one, nothing is retried.
///
/// A request is sent again when all of these hold:
///
/// - it failed before any byte of a response arrived, with one of the
///   [`errors`](RetryPolicy::errors) (by default [a connection error](crate::defaults::RETRY_ERRORS):
///   refused, reset, closed without an answer, a name that did not resolve, a time limit;
///   a refused connection is judged on its own by
///   [`connection_refused`](RetryPolicy::connection_refused)), or with any error at all under
///   [`all_errors`](RetryPolicy::all_errors); or its response has one of the
///   [`statuses`](RetryPolicy::statuses), by default
///   [408, 429, 500, 502, 503 and 504](crate::defaults::RETRY_STATUSES);
/// - its method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE: RFC 9110 section
///   9.2.2), unless [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) says a POST
///   or PATCH may be sent twice;
/// - its body can be sent again: bytes, a file
///   ([`body_file`](crate::RequestBuilder::body_file)), a form without readers, or a stream
///   not yet read (the server answered before `100 Continue`). A stream that has begun to be
///   read cannot;
/// - fewer than [`max_retries`](RetryPolicy::max_retries) retries were made in this call;
/// - less than [`max_retry_time`](RetryPolicy::max_retry_time) (if set) has passed since the
///   call's first try began;
/// - the wait ends before the call's [deadline](crate::RequestBuilder::timeout), which never
///   restarts.
///
/// The wait is exponential backoff, or the response's `Retry-After` (seconds or an HTTP-date)
/// when that is longer (as curl waits the larger of the two); a `Retry-After` longer than
/// [`max_retry_after`](RetryPolicy::max_retry_after), or that would end after
/// `max_retry_time`, ends the retries. The backoff has full jitter: a
/// random wait between zero and a ceiling that starts at
/// [1 s](crate::defaults::RETRY_BACKOFF_INITIAL) and doubles with each retry, up to
/// [30 s](crate::defaults::RETRY_BACKOFF_MAX). The random spread keeps many clients that failed
/// together from coming back together; [`jitter(false)`](RetryPolicy::jitter) waits the
/// ceiling itself (1 s, 2 s, 4 s...), and `backoff(d, d).jitter(false)` waits `d` every time.
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
    pub(crate) errors: ErrorSet,
    pub(crate) connection_refused: bool,
    pub(crate) all_errors: bool,
    pub(crate) non_idempotent: bool,
    pub(crate) backoff_initial: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) jitter: bool,
    pub(crate) max_retry_after: Duration,
    pub(crate) max_retry_time: Option<Duration>,
    pub(crate) try_timeout: Option<Duration>,
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
            errors: ErrorSet::of(&defaults::RETRY_ERRORS),
            connection_refused: true,
            all_errors: false,
            non_idempotent: false,
            backoff_initial: defaults::RETRY_BACKOFF_INITIAL,
            backoff_max: defaults::RETRY_BACKOFF_MAX,
            jitter: true,
            max_retry_after: defaults::RETRY_AFTER_MAX,
            max_retry_time: None,
            try_timeout: None,
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

    /// Whether a failed try (an error rather than a response) is retried at all; which errors
    /// are is said by [`errors`](RetryPolicy::errors) and
    /// [`connection_refused`](RetryPolicy::connection_refused). Default: true. False leaves
    /// the [`statuses`](RetryPolicy::statuses) alone retried, unless
    /// [`all_errors`](RetryPolicy::all_errors) says otherwise.
    ///
    /// ```
    /// // Retry 503s only, never a refused or reset connection.
    /// let policy = plainwire::RetryPolicy::new(2).statuses(&[503]).connection_errors(false);
    /// ```
    pub const fn connection_errors(mut self, retry: bool) -> RetryPolicy {
        self.connection_errors = retry;
        self
    }

    /// The kinds of error retried when they strike before any byte of a response arrived, in
    /// place of [the default list](crate::defaults::RETRY_ERRORS) (`Connect`, `Dns`,
    /// `Timeout`, `ConnectionReset`, `EmptyReply`), like urllib3's separate `connect` and
    /// `read` counts. [`ErrorKind::Status`] is ignored here (the
    /// [`statuses`](RetryPolicy::statuses) say which responses are retried), and a refused
    /// connection follows [`connection_refused`](RetryPolicy::connection_refused) whether or
    /// not `Connect` is listed: `Connect` here means the other ways a connection fails (a
    /// host that cannot be reached, say). A proxy that refuses the tunnel is
    /// [`ErrorKind::TunnelRefused`], which is not retried unless listed.
    ///
    /// ```
    /// use plainwire::{ErrorKind, RetryPolicy};
    ///
    /// // curl's `--retry`: a time limit and a name that did not resolve, no broken connection.
    /// let policy = RetryPolicy::new(3)
    ///     .errors(&[ErrorKind::Timeout, ErrorKind::Dns])
    ///     .connection_refused(false);
    /// assert!(policy.retries_error_kind(ErrorKind::Timeout));
    /// assert!(!policy.retries_error_kind(ErrorKind::ConnectionReset));
    /// ```
    pub const fn errors(mut self, kinds: &[ErrorKind]) -> RetryPolicy {
        self.errors = ErrorSet::of(kinds);
        self
    }

    /// Whether a refused connection (nothing listens on the port: `ECONNREFUSED`) is
    /// retried, apart from the other [`errors`](RetryPolicy::errors). Default: true, since a
    /// service that restarts refuses connections for a moment; curl retries it only when told
    /// (`--retry-connrefused`).
    ///
    /// ```
    /// let policy = plainwire::RetryPolicy::new(3).connection_refused(false);
    /// ```
    pub const fn connection_refused(mut self, retry: bool) -> RetryPolicy {
        self.connection_refused = retry;
        self
    }

    /// Whether every error is retried, not only the [`errors`](RetryPolicy::errors) listed: a
    /// TLS or certificate failure, a reply that is not HTTP, an error after the response
    /// began to arrive (before its head was whole), as curl's `--retry-all-errors`. Default:
    /// false. A request that cannot be sent at all (an invalid URL or header) is still not
    /// retried: every try would fail the same way before a byte went out. The method and body rules still hold: a POST is sent again only under
    /// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent), and a stream that has been
    /// read from never is. An error while the caller reads the body comes after the call has
    /// returned, and is not retried.
    ///
    /// ```
    /// let policy = plainwire::RetryPolicy::new(5).all_errors(true);
    /// ```
    pub const fn all_errors(mut self, retry: bool) -> RetryPolicy {
        self.all_errors = retry;
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

    /// Whether each backoff wait is drawn at random below its ceiling (true, the default:
    /// full jitter), or is the ceiling itself (false: `initial`, then twice that, up to `max`,
    /// as curl waits and as urllib3 does with `backoff_jitter=0`). A longer `Retry-After` is
    /// waited as given either way.
    ///
    /// ```
    /// use std::time::Duration;
    /// use plainwire::RetryPolicy;
    ///
    /// // curl's default: 1 s, 2 s, 4 s... up to 10 minutes.
    /// let doubling = RetryPolicy::new(5)
    ///     .backoff(Duration::from_secs(1), Duration::from_secs(600))
    ///     .jitter(false);
    /// // A fixed delay (curl's `--retry-delay 2`): 2 s before every retry.
    /// let fixed = RetryPolicy::new(5)
    ///     .backoff(Duration::from_secs(2), Duration::from_secs(2))
    ///     .jitter(false);
    /// ```
    pub const fn jitter(mut self, jitter: bool) -> RetryPolicy {
        self.jitter = jitter;
        self
    }

    /// A limit on the time spent retrying: once `limit` has passed since the call's first try
    /// began, no more retries are made (curl's `--retry-max-time`). Default: none. The clock
    /// is read when a try has failed, before its wait: a retry decided in time goes ahead
    /// after its backoff, and a try under way runs to its end (the call's own
    /// [deadline](crate::RequestBuilder::timeout) bounds it, and is not restarted or moved by
    /// this). A `Retry-After` that would end past the limit ends the retries at once.
    ///
    /// ```
    /// use std::time::Duration;
    /// // Up to 10 retries, but none once two minutes have passed.
    /// let policy = plainwire::RetryPolicy::new(10).max_retry_time(Duration::from_secs(120));
    /// ```
    pub const fn max_retry_time(mut self, limit: Duration) -> RetryPolicy {
        self.max_retry_time = Some(limit);
        self
    }

    /// A deadline for each try, the first and every retry, from its start to the last byte of
    /// its body, through the redirects it follows: a try that runs out of it fails with a
    /// timeout, which the policy may retry, and the next try has the whole of it again (curl's
    /// `--max-time` with `--retry`). A chain of redirects is one try, however long. The call's
    /// own [deadline](crate::RequestBuilder::timeout) still bounds every try and every wait.
    /// Default: none.
    ///
    /// ```
    /// use std::time::Duration;
    /// // Three tries of at most 5 s each; a server that hangs once costs 5 s, not the call.
    /// let policy = plainwire::RetryPolicy::new(2).try_timeout(Duration::from_secs(5));
    /// ```
    pub const fn try_timeout(mut self, limit: Duration) -> RetryPolicy {
        self.try_timeout = Some(limit);
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

    /// Whether an error of `kind` before any byte of a response is retried (when the rest of
    /// the rules allow); a refused connection follows
    /// [`connection_refused`](RetryPolicy::connection_refused) instead.
    ///
    /// ```
    /// use plainwire::{ErrorKind, RetryPolicy};
    /// assert!(RetryPolicy::new(1).retries_error_kind(ErrorKind::Timeout));
    /// assert!(!RetryPolicy::new(1).retries_error_kind(ErrorKind::Tls));
    /// assert!(RetryPolicy::new(1).all_errors(true).retries_error_kind(ErrorKind::Tls));
    /// ```
    pub const fn retries_error_kind(&self, kind: ErrorKind) -> bool {
        !NEVER_RETRIED.contains(kind)
            && (self.all_errors || (self.connection_errors && self.errors.contains(kind)))
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
            .field("errors", &self.errors)
            .field("connection_refused", &self.connection_refused)
            .field("all_errors", &self.all_errors)
            .field("non_idempotent", &self.non_idempotent)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("jitter", &self.jitter)
            .field("max_retry_after", &self.max_retry_after)
            .field("max_retry_time", &self.max_retry_time)
            .field("try_timeout", &self.try_timeout)
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

/// Errors no policy retries, not even with [`all_errors`](RetryPolicy::all_errors): a URL that
/// does not parse or names a scheme we cannot speak, and a request that cannot be written (a
/// header with a line break, a Content-Length that disagrees with the body). They are the
/// request's own faults, found before a byte is sent, and every try would meet them again.
pub(crate) const NEVER_RETRIED: ErrorSet = ErrorSet::of(&[
    ErrorKind::InvalidUrl,
    ErrorKind::UnsupportedScheme,
    ErrorKind::InvalidRequest,
]);

/// A set of error kinds, one bit each ([`ErrorKind::Status`] has none): `Copy` and free of
/// allocation, like [`StatusSet`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ErrorSet(u32);

impl ErrorSet {
    /// Every kind the set can hold, in the order of their bits.
    const KINDS: [ErrorKind; 23] = [
        ErrorKind::InvalidUrl,
        ErrorKind::UnsupportedScheme,
        ErrorKind::InvalidRequest,
        ErrorKind::Dns,
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Tls,
        ErrorKind::Certificate,
        ErrorKind::Protocol,
        ErrorKind::EmptyReply,
        ErrorKind::Truncated,
        ErrorKind::ConnectionReset,
        ErrorKind::TooManyRedirects,
        ErrorKind::InsecureRedirect,
        ErrorKind::BodyTooLarge,
        ErrorKind::Decode,
        ErrorKind::Io,
        ErrorKind::Json,
        ErrorKind::Config,
        ErrorKind::ClientCertificate,
        ErrorKind::PinnedKey,
        ErrorKind::Bind,
        ErrorKind::TunnelRefused,
    ];

    /// The bit of `kind`; none for a status, which is not an error of a try.
    const fn bit(kind: ErrorKind) -> u32 {
        let index = match kind {
            ErrorKind::InvalidUrl => 0,
            ErrorKind::UnsupportedScheme => 1,
            ErrorKind::InvalidRequest => 2,
            ErrorKind::Dns => 3,
            ErrorKind::Connect => 4,
            ErrorKind::Timeout => 5,
            ErrorKind::Tls => 6,
            ErrorKind::Certificate => 7,
            ErrorKind::Protocol => 8,
            ErrorKind::EmptyReply => 9,
            ErrorKind::Truncated => 10,
            ErrorKind::ConnectionReset => 11,
            ErrorKind::TooManyRedirects => 12,
            ErrorKind::InsecureRedirect => 13,
            ErrorKind::BodyTooLarge => 14,
            ErrorKind::Decode => 15,
            ErrorKind::Io => 16,
            ErrorKind::Json => 17,
            ErrorKind::Config => 18,
            ErrorKind::ClientCertificate => 19,
            ErrorKind::PinnedKey => 20,
            ErrorKind::Bind => 21,
            ErrorKind::TunnelRefused => 22,
            ErrorKind::Status(_) => return 0,
        };
        1 << index
    }

    const fn of(kinds: &[ErrorKind]) -> ErrorSet {
        let mut bits = 0;
        let mut i = 0;
        while i < kinds.len() {
            bits |= Self::bit(kinds[i]);
            i += 1;
        }
        ErrorSet(bits)
    }

    pub(crate) const fn contains(&self, kind: ErrorKind) -> bool {
        self.0 & Self::bit(kind) != 0
    }
}

impl fmt::Debug for ErrorSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(Self::KINDS.iter().filter(|&&kind| self.contains(kind)))
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
    fn the_default_errors_are_the_connection_errors() {
        let policy = RetryPolicy::new(1);
        let retried: Vec<ErrorKind> = ErrorSet::KINDS
            .into_iter()
            .filter(|&kind| policy.retries_error_kind(kind))
            .collect();
        assert_eq!(retried, {
            let mut sorted = defaults::RETRY_ERRORS;
            sorted.sort_by_key(|&kind| ErrorSet::bit(kind));
            sorted
        });
        assert!(!policy.retries_error_kind(ErrorKind::Status(503)));
    }

    #[test]
    fn every_kind_has_its_own_bit() {
        let mut seen = 0u32;
        for (index, kind) in ErrorSet::KINDS.into_iter().enumerate() {
            assert_eq!(ErrorSet::bit(kind), 1 << index, "{kind:?}");
            seen |= ErrorSet::bit(kind);
        }
        assert_eq!(seen.count_ones() as usize, ErrorSet::KINDS.len());
    }

    #[test]
    fn errors_replace_the_list_and_all_errors_takes_every_kind() {
        let policy = RetryPolicy::new(1).errors(&[ErrorKind::Timeout, ErrorKind::Status(500)]);
        assert!(policy.retries_error_kind(ErrorKind::Timeout));
        assert!(!policy.retries_error_kind(ErrorKind::Connect));
        assert!(!policy.retries_error_kind(ErrorKind::Status(500)));
        let debug = format!("{policy:?}");
        assert!(debug.contains("errors: {Timeout}"), "{debug}");
        let all = policy.all_errors(true).connection_errors(false);
        for kind in ErrorSet::KINDS {
            assert_eq!(
                all.retries_error_kind(kind),
                !NEVER_RETRIED.contains(kind),
                "{kind:?}"
            );
        }
        assert!(!all.retries_error_kind(ErrorKind::InvalidRequest));
        let off = policy.connection_errors(false);
        assert!(!off.retries_error_kind(ErrorKind::Timeout));
    }

    #[test]
    fn the_new_settings_leave_the_defaults_as_they_were() {
        let policy = RetryPolicy::new(2);
        assert!(policy.jitter);
        assert!(policy.connection_refused);
        assert!(!policy.all_errors);
        assert_eq!(policy.max_retry_time, None);
    }

    #[test]
    fn none_retries_nothing() {
        assert_eq!(RetryPolicy::none().max_retries(), 0);
        assert_eq!(RetryPolicy::default(), RetryPolicy::none());
    }
}
