//! [`SpeedWatch`]: curl's low-speed limit over a body as it is read: a transfer slower than so
//! many bytes a second over a whole period is aborted. It counts and keeps time; reading is the
//! body's job.

use std::time::Instant;

use crate::client::settings::LowSpeed;
use crate::error::{Error, ErrorKind, TimeoutPhase};
use crate::transport::deadline::Deadline;

/// The current period of a transfer under a low-speed limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpeedWatch {
    limit: LowSpeed,
    period_start: Instant,
    received: u64,
}

impl SpeedWatch {
    /// Starts watching now.
    pub(crate) fn start(limit: LowSpeed) -> SpeedWatch {
        SpeedWatch {
            limit,
            period_start: Instant::now(),
            received: 0,
        }
    }

    /// The bytes a period must bring: the limit times the period, at least one byte.
    fn needed(&self) -> u64 {
        let bytes = u128::from(self.limit.bytes_per_second) * self.limit.period.as_millis() / 1000;
        u64::try_from(bytes).unwrap_or(u64::MAX).max(1)
    }

    /// When the current period ends: the next read must not wait past it, so that a server
    /// that goes silent is caught on time.
    pub(crate) fn deadline(&self) -> Deadline {
        let left = self
            .limit
            .period
            .saturating_sub(self.period_start.elapsed());
        Deadline::named("the low-speed period", Some(left))
    }

    /// Accounts for `n` bytes just received (0 after a read that timed out at the end of the
    /// period). Fails when a period ended with fewer bytes than the limit asks; starts a new
    /// period when one ended with enough.
    pub(crate) fn record(&mut self, n: usize) -> Result<(), Error> {
        self.received = self.received.saturating_add(n as u64);
        if self.period_start.elapsed() < self.limit.period {
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
        *self = SpeedWatch::start(self.limit);
        Ok(())
    }

    /// Whether a timeout at `deadline` was the end of a period rather than another limit.
    pub(crate) fn period_ended(&self) -> bool {
        self.period_start.elapsed() >= self.limit.period
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn watch(bytes_per_second: u64, period: Duration) -> SpeedWatch {
        SpeedWatch::start(LowSpeed {
            bytes_per_second,
            period,
        })
    }

    #[test]
    fn a_period_must_bring_the_rate_times_its_length() {
        assert_eq!(watch(100, Duration::from_secs(3)).needed(), 300);
        assert_eq!(watch(0, Duration::from_secs(3)).needed(), 1);
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
    fn within_a_period_nothing_is_judged() {
        let mut watch = watch(1_000_000, Duration::from_secs(3600));
        watch.record(1).unwrap();
        assert!(!watch.period_ended());
    }
}
