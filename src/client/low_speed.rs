//! [`SpeedWatch`]: curl's low-speed limit over a body as it is read: a transfer slower than so
//! many bytes a second over a whole period is aborted. It counts and keeps time; reading is the
//! body's job. A limit of 0 bytes a second, or over less than a millisecond, bounds nothing, as
//! in curl.

use std::time::{Duration, Instant};

use crate::client::settings::LowSpeed;
use crate::error::{Error, ErrorKind, TimeoutPhase};
use crate::transport::deadline::Deadline;

/// The current period of a transfer under a low-speed limit.
///
/// The first period starts at the first wait on the socket, not when the watch is made: a
/// body that arrived with its head is handed out without reading the clock, and a caller
/// who reads the body later than the head does not spend the server's period.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpeedWatch {
    limit: LowSpeed,
    /// `None` until the first wait.
    period_start: Option<Instant>,
    received: u64,
}

impl SpeedWatch {
    /// Watches a transfer from its first wait on the socket on.
    pub(crate) fn new(limit: LowSpeed) -> SpeedWatch {
        SpeedWatch {
            limit,
            period_start: None,
            received: 0,
        }
    }

    /// A new period starting now.
    fn restart(&mut self) {
        self.period_start = Some(Instant::now());
        self.received = 0;
    }

    /// How long the current period has run; zero before the first wait.
    fn elapsed(&self) -> Duration {
        self.period_start
            .map_or(Duration::ZERO, |start| start.elapsed())
    }

    /// Whether the limit bounds nothing ([`LowSpeed::bounds_nothing`]).
    fn is_off(&self) -> bool {
        self.limit.bounds_nothing()
    }

    /// The bytes a period must bring: the limit times the period, at least one byte.
    fn needed(&self) -> u64 {
        let bytes = u128::from(self.limit.bytes_per_second) * self.limit.period.as_millis() / 1000;
        u64::try_from(bytes).unwrap_or(u64::MAX).max(1)
    }

    /// When the current period ends: the next read must not wait past it, so that a server
    /// that goes silent is caught on time. Called before each wait; the first call starts the
    /// first period.
    pub(crate) fn deadline(&mut self) -> Deadline {
        if self.is_off() {
            return Deadline::none();
        }
        let start = *self.period_start.get_or_insert_with(Instant::now);
        Deadline::named_from("the low-speed period", start, self.limit.period)
    }

    /// Accounts for `n` bytes just received (0 after a read that timed out at the end of the
    /// period). Fails when a period ended with fewer bytes than the limit asks; starts a new
    /// period when one ended with enough.
    pub(crate) fn record(&mut self, n: usize) -> Result<(), Error> {
        self.received = self.received.saturating_add(n as u64);
        if self.is_off() || self.elapsed() < self.limit.period {
            return Ok(());
        }
        if self.received < self.needed() {
            let LowSpeed {
                bytes_per_second,
                period,
            } = self.limit;
            let mut err = Error::new(
                ErrorKind::Timeout,
                format!(
                    "the transfer was slower than the low-speed limit of {bytes_per_second} bytes \
                     per second over {period:?}: {} bytes arrived",
                    self.received
                ),
            );
            err.set_timeout_phase(TimeoutPhase::ReadBody);
            return Err(err);
        }
        self.restart();
        Ok(())
    }

    /// Whether a timeout at `deadline` was the end of a period rather than another limit.
    pub(crate) fn period_ended(&self) -> bool {
        !self.is_off() && self.elapsed() >= self.limit.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A watch whose first period has begun.
    fn watch(bytes_per_second: u64, period: Duration) -> SpeedWatch {
        let mut watch = SpeedWatch::new(LowSpeed {
            bytes_per_second,
            period,
        });
        watch.deadline();
        watch
    }

    #[test]
    fn a_period_must_bring_the_rate_times_its_length() {
        assert_eq!(watch(100, Duration::from_secs(3)).needed(), 300);
        assert_eq!(watch(10, Duration::from_millis(100)).needed(), 1);
    }

    #[test]
    fn a_slow_period_fails_and_a_fast_one_starts_the_next() {
        let period = Duration::from_millis(1);
        // A millisecond at a million bytes a second needs 1000 bytes.
        let mut slow = watch(1_000_000, period);
        let mut fast = watch(1, period);
        std::thread::sleep(2 * period);
        let err = slow.record(5).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::ReadBody));
        fast.record(5).unwrap();
        assert_eq!(fast.received, 0, "a new period began");
    }

    #[test]
    fn the_first_period_starts_at_the_first_wait() {
        let period = Duration::from_millis(1);
        let mut watch = SpeedWatch::new(LowSpeed {
            bytes_per_second: 1_000_000,
            period,
        });
        std::thread::sleep(2 * period);
        assert!(!watch.period_ended(), "no period before the first wait");
        watch.record(5).unwrap();
        watch.deadline();
        std::thread::sleep(2 * period);
        assert!(watch.period_ended());
        assert_eq!(watch.record(5).unwrap_err().kind(), ErrorKind::Timeout);
    }

    #[test]
    fn a_limit_of_nothing_or_over_no_time_bounds_nothing() {
        for (bytes_per_second, period) in [
            (0, Duration::from_millis(1)),
            (1_000_000, Duration::ZERO),
            (1_000_000, Duration::from_nanos(5)),
            (0, Duration::ZERO),
        ] {
            let mut watch = watch(bytes_per_second, period);
            assert!(watch.deadline().remaining().is_none());
            std::thread::sleep(Duration::from_millis(2));
            assert!(!watch.period_ended());
            watch.record(0).unwrap();
        }
    }

    #[test]
    fn within_a_period_nothing_is_judged() {
        let mut watch = watch(1_000_000, Duration::from_secs(3600));
        watch.record(1).unwrap();
        assert!(!watch.period_ended());
    }
}
