//! `--limit-rate`: a reader that hands out bytes no faster than a rate, for the body copied
//! from the response (downloads) and the body read into the request (uploads). Reading slower
//! is all it takes: TCP's flow control then slows the other end, so no byte is ever dropped.
//!
//! The pace is the average since the first byte, as curl averages "over a period of multiple
//! seconds": before each read the reader waits until the bytes moved so far are due at the
//! rate, and it reads at most a quarter of a second's worth at a time, so that a slow rate
//! moves in small steps rather than in bursts of a whole buffer. The arithmetic is [`wait`]
//! and [`step`], pure functions of their arguments.

use std::io::{self, Read};
use std::time::{Duration, Instant};

/// The share of a second's worth of bytes one read may take (a quarter of a second).
const STEPS_PER_SECOND: u64 = 4;

/// How long to wait before moving more bytes, when `moved` bytes went in `elapsed` and the
/// rate is `rate` bytes per second: until they are due, or not at all if they are.
pub fn wait(moved: u64, elapsed: Duration, rate: u64) -> Duration {
    if rate == 0 {
        return Duration::ZERO;
    }
    // The remainder is below `rate`, so its nanoseconds are below 10^9; worked out in 128
    // bits, as `remainder * 10^9` passes 64 for a rate above 18 GB/s.
    let nanos = u128::from(moved % rate) * 1_000_000_000 / u128::from(rate);
    let due = Duration::from_secs(moved / rate)
        + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
    due.saturating_sub(elapsed)
}

/// The most bytes one read may take at `rate`, given a buffer of `buffer` bytes: a quarter of
/// a second's worth, at least one byte.
pub fn step(rate: u64, buffer: usize) -> usize {
    let quarter = usize::try_from(rate / STEPS_PER_SECOND).unwrap_or(usize::MAX);
    quarter.clamp(1, buffer.max(1))
}

/// `inner`, read no faster than `rate` bytes per second.
pub struct Paced<R> {
    inner: R,
    rate: u64,
    moved: u64,
    started: Option<Instant>,
}

impl<R> Paced<R> {
    /// `inner` at `rate` bytes per second (more than zero).
    pub fn new(inner: R, rate: u64) -> Paced<R> {
        Paced {
            inner,
            rate: rate.max(1),
            moved: 0,
            started: None,
        }
    }
}

impl<R: Read> Read for Paced<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let started = *self.started.get_or_insert_with(Instant::now);
        let pause = wait(self.moved, started.elapsed(), self.rate);
        if !pause.is_zero() {
            std::thread::sleep(pause);
        }
        let limit = step(self.rate, out.len());
        let n = self.inner.read(&mut out[..limit])?;
        self.moved += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_due_at_the_rate() {
        let second = Duration::from_secs(1);
        assert_eq!(wait(0, Duration::ZERO, 100), Duration::ZERO);
        assert_eq!(wait(100, Duration::ZERO, 100), second);
        assert_eq!(wait(150, Duration::ZERO, 100), Duration::from_millis(1500));
        assert_eq!(
            wait(100, Duration::from_millis(400), 100),
            Duration::from_millis(600)
        );
        // Behind the pace: no wait.
        assert_eq!(wait(100, Duration::from_secs(2), 100), Duration::ZERO);
        assert_eq!(wait(u64::MAX, Duration::ZERO, 1).as_secs(), u64::MAX);
        // `--limit-rate 100G` after 28 GiB: half a second's worth past the 20 GB boundary.
        let rate = 20_000_000_000;
        assert_eq!(
            wait(rate + rate / 2, Duration::ZERO, rate),
            Duration::from_millis(1500)
        );
    }

    #[test]
    fn a_read_takes_a_quarter_second_of_bytes() {
        assert_eq!(step(4096, 65536), 1024);
        assert_eq!(step(1, 65536), 1, "at least one byte");
        assert_eq!(step(u64::MAX, 65536), 65536, "never more than the buffer");
    }

    #[test]
    fn every_byte_arrives_in_order() {
        let data: Vec<u8> = (0..=255).collect();
        // A rate at which these bytes are due within a millisecond.
        let mut paced = Paced::new(&data[..], 1 << 20);
        let mut out = Vec::new();
        paced.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
    }
}
