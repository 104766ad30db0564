//! A TCP socket whose timeouts are set from an [`IoBudget`] before each blocking operation.
//!
//! Setting a socket timeout is a system call, so the last value set is remembered and the call
//! is skipped when the timeout on the socket will do: when it is no longer than the one wanted
//! and at least a [`KEPT_SHARE`] of it. An operation that then times out early is given the
//! difference and tried once more, so that every operation waits exactly as long as its budget
//! allows, never longer and never shorter. One that a signal interrupts (`EINTR`) is tried
//! again for what is left of its wait.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::transport::deadline::IoBudget;

/// A timeout already on the socket is kept for an operation that wants a longer one if it is at
/// least this share of it (1/`KEPT_SHARE`: a quarter). With the defaults, a new connection's
/// TLS handshake runs under what is left of the 30 s connect timeout (29.999 s, say) and its
/// first request under the 60 s write and head timeouts; a keep-alive request reads its head
/// under what is left of the head timeout (59.99995 s) and its body under the read timeout
/// (60 s). Keeping the shorter timeout saves a system call each time. It costs nothing in
/// accuracy (see [`TimedSocket`]): only a peer that stays silent past it costs one more wake-up
/// and one more system call, and the share bounds how early that wake-up can come. Timeouts are
/// set in whole milliseconds, rounded down, so that the next request's head timeout (a few
/// microseconds more or less) finds the one on the socket no longer than it wants.
pub const KEPT_SHARE: u32 = 4;

/// A connected TCP socket, its peer's name for messages, and the timeouts currently on it.
///
/// A timeout on the socket is never longer than the budget wants; when it is shorter (kept under
/// [`KEPT_SHARE`], or rounded down to whole milliseconds), the difference is remembered, and a
/// read or write that times out is given it and tried once more.
pub struct TimedSocket {
    stream: TcpStream,
    peer: String,
    read: ArmedTimeout,
    write: ArmedTimeout,
    nonblocking: bool,
}

/// A socket timeout as set, and how much shorter it is than the one last asked for.
#[derive(Debug, Clone, Copy, Default)]
struct ArmedTimeout {
    /// The value on the socket; `None` is no timeout.
    set: Option<Duration>,
    /// What the last operation may still wait once `set` has run out.
    short_by: Duration,
    /// When the wait the budget last allowed ends, if the budget has a deadline: a signal's
    /// retry waits only what is left of it.
    until: Option<Instant>,
}

impl ArmedTimeout {
    /// The timeout to set for an operation that may wait `wanted`, or `None` when the one
    /// already set will do (then `short_by` says how much more it may wait after it).
    fn update(&mut self, wanted: Option<Duration>) -> Option<Option<Duration>> {
        match (self.set, wanted) {
            (Some(set), Some(wanted)) if set <= wanted && set >= wanted / KEPT_SHARE => {
                self.short_by = wanted - set;
                None
            }
            (None, None) => {
                self.short_by = Duration::ZERO;
                None
            }
            _ => {
                // Whole milliseconds, rounded down; at least one (zero would mean "none").
                let value = wanted.map(|wanted| {
                    Duration::from_millis(
                        u64::try_from(wanted.as_millis()).unwrap_or(u64::MAX).max(1),
                    )
                });
                self.short_by = match (value, wanted) {
                    (Some(value), Some(wanted)) => wanted.saturating_sub(value),
                    _ => Duration::ZERO,
                };
                Some(value)
            }
        }
    }
}

/// Whether a blocking socket operation ran out of time (Linux reports it as `EAGAIN`).
fn timed_out(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

impl TimedSocket {
    /// Wraps a connected socket; `peer` names it in error messages ("example.com:443").
    pub fn new(stream: TcpStream, peer: String) -> TimedSocket {
        TimedSocket {
            stream,
            peer,
            read: ArmedTimeout::default(),
            write: ArmedTimeout::default(),
            nonblocking: false,
        }
    }

    /// The peer's name, for messages.
    pub fn peer(&self) -> &str {
        &self.peer
    }

    /// Names the peer anew: once a proxy's tunnel is open, what answers on this socket is the
    /// origin, and an error (a certificate refused, a timeout) is about it, not the proxy.
    pub fn rename_peer(&mut self, peer: String) {
        self.peer = peer;
    }

    /// The local address, if the socket still knows it.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.stream.local_addr().ok()
    }

    /// Sets the read timeout the budget allows, unless the one set will do.
    pub fn arm_read(&mut self, budget: &IoBudget) -> Result<()> {
        let (allowed, now) = budget
            .socket_timeout_from()
            .map_err(|e| e.context(&self.peer))?;
        self.read.until = now.zip(allowed).map(|(now, allowed)| now + allowed);
        if let Some(timeout) = self.read.update(allowed) {
            self.stream
                .set_read_timeout(timeout)
                .map_err(|e| budget.io_error(e, &self.peer))?;
            self.read.set = timeout;
        }
        Ok(())
    }

    /// Sets the write timeout the budget allows, unless the one set will do.
    pub fn arm_write(&mut self, budget: &IoBudget) -> Result<()> {
        let (allowed, now) = budget
            .socket_timeout_from()
            .map_err(|e| e.context(&self.peer))?;
        self.write.until = now.zip(allowed).map(|(now, allowed)| now + allowed);
        if let Some(timeout) = self.write.update(allowed) {
            self.stream
                .set_write_timeout(timeout)
                .map_err(|e| budget.io_error(e, &self.peer))?;
            self.write.set = timeout;
        }
        Ok(())
    }

    /// Writes all of `data`, setting the timeout the budget allows before each `write`. One
    /// `write` may wait a whole timeout and then take a few bytes, so a peer that reads a little
    /// now and then would keep a single `write_all` going past the budget's deadline; asking the
    /// budget again before each one ends the writes on time.
    pub fn write_all_within(&mut self, mut data: &[u8], budget: &IoBudget) -> Result<()> {
        while !data.is_empty() {
            self.arm_write(budget)?;
            match self.write(data) {
                Ok(0) => {
                    let zero = std::io::Error::from(std::io::ErrorKind::WriteZero);
                    return Err(budget.io_error(zero, &self.peer));
                }
                Ok(n) => data = &data[n..],
                Err(e) => return Err(budget.io_error(e, &self.peer)),
            }
        }
        Ok(())
    }

    /// Switches non-blocking mode, for checking an idle connection without waiting.
    pub fn set_nonblocking(&mut self, nonblocking: bool) -> std::io::Result<()> {
        self.stream.set_nonblocking(nonblocking)?;
        self.nonblocking = nonblocking;
        Ok(())
    }

    /// Looks at waiting bytes without consuming them (non-blocking mode makes this a poll).
    pub fn peek(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.peek(buf)
    }
}

impl Read for TimedSocket {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.within_timeout(Way::Read, |stream| stream.read(buf))
    }
}

/// Which way an operation on the socket goes, for its timeout.
#[derive(Debug, Clone, Copy)]
enum Way {
    Read,
    Write,
}

impl TimedSocket {
    /// The timeout on the socket for `way`.
    fn armed(&mut self, way: Way) -> &mut ArmedTimeout {
        match way {
            Way::Read => &mut self.read,
            Way::Write => &mut self.write,
        }
    }

    /// Puts `timeout` on the socket for `way`.
    fn put_timeout(&mut self, way: Way, timeout: Duration) -> std::io::Result<()> {
        match way {
            Way::Read => self.stream.set_read_timeout(Some(timeout))?,
            Way::Write => self.stream.set_write_timeout(Some(timeout))?,
        }
        self.armed(way).set = Some(timeout);
        Ok(())
    }

    /// Runs `op` (one read or write) for as long as its budget allows, no longer and no
    /// shorter:
    ///
    /// - One that times out before the budget's time is up (the timeout on the socket was
    ///   shorter) waits the rest and tries once more.
    /// - One that a signal interrupts tries again, for what is left of its wait. Linux does
    ///   not restart a socket call that has a timeout, even for a handler installed with
    ///   `SA_RESTART`, and a process that is stopped and resumed gets the same `EINTR` without
    ///   any handler: a program's signals must not fail a transfer. Nor may they stretch a
    ///   deadline: under one, what is left is measured from when the budget armed the wait;
    ///   without one, from the first signal, so that an idle limit stretches by at most what
    ///   had passed before it.
    fn within_timeout(
        &mut self,
        way: Way,
        mut op: impl FnMut(&mut TcpStream) -> std::io::Result<usize>,
    ) -> std::io::Result<usize> {
        // Without a deadline: when the wait ends, counted from the first signal.
        let mut signalled: Option<Option<Instant>> = None;
        loop {
            let result = match op(&mut self.stream) {
                Err(e)
                    if timed_out(&e)
                        && !self.nonblocking
                        && !self.armed(way).short_by.is_zero() =>
                {
                    let rest = std::mem::take(&mut self.armed(way).short_by);
                    self.put_timeout(way, rest.max(Duration::from_millis(1)))?;
                    op(&mut self.stream)
                }
                other => other,
            };
            match result {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    let armed = *self.armed(way);
                    let until = armed.until.or_else(|| {
                        *signalled.get_or_insert_with(|| {
                            end_of_wait(Instant::now(), armed.set, armed.short_by)
                        })
                    });
                    if let (Some(until), false) = (until, self.nonblocking) {
                        let left = until.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            return Err(std::io::ErrorKind::TimedOut.into());
                        }
                        self.armed(way).short_by = Duration::ZERO;
                        self.put_timeout(way, left.max(Duration::from_millis(1)))?;
                    }
                }
                other => return other,
            }
        }
    }
}

/// When a wait without a deadline ends, counted from `now`: the timeout `set` on the socket
/// and what it fell `short_by`. `None` when nothing was set, or when the end is past what an
/// `Instant` holds (`Duration::MAX`, "wait as long as it takes"): the wait goes on as set.
fn end_of_wait(now: Instant, set: Option<Duration>, short_by: Duration) -> Option<Instant> {
    now.checked_add(set?)?.checked_add(short_by)
}

impl Write for TimedSocket {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.within_timeout(Way::Write, |stream| stream.write(buf))
    }

    /// rustls hands over all its queued records at once: one `writev`, not a `write` each.
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        self.within_timeout(Way::Write, |stream| stream.write_vectored(bufs))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TimeoutPhase;
    use crate::transport::deadline::Deadline;
    use std::net::TcpListener;

    #[test]
    fn a_wait_too_long_for_an_instant_has_no_end() {
        // What a signal during a wait with a `Duration::MAX` timeout counts down to; the sum
        // panicked. (tests/timeouts.rs stops a real wait; a kernel with HZ=1000 takes such a
        // timeout for none, and restarts the read, so only this test reaches the sum there.)
        let now = Instant::now();
        assert_eq!(end_of_wait(now, Some(Duration::MAX), Duration::ZERO), None);
        // As the socket holds it: whole milliseconds set, the rest short.
        let set = Duration::from_millis(u64::MAX);
        assert_eq!(end_of_wait(now, Some(set), Duration::MAX - set), None);
        assert_eq!(end_of_wait(now, None, Duration::ZERO), None);
        let second = Duration::from_secs(1);
        assert_eq!(
            end_of_wait(now, Some(second), second),
            Some(now + 2 * second)
        );
    }

    const MS: Duration = Duration::from_millis(1);

    /// A timeout of `set` on the socket, as long as the one last asked for.
    fn armed_at(set: Duration) -> ArmedTimeout {
        ArmedTimeout {
            set: Some(set),
            ..ArmedTimeout::default()
        }
    }

    #[test]
    fn a_timeout_is_set_in_whole_milliseconds_rounded_down() {
        let mut armed = ArmedTimeout::default();
        let wanted = Duration::from_micros(59_999_950);
        assert_eq!(armed.update(Some(wanted)), Some(Some(59_999 * MS)));
        armed.set = Some(59_999 * MS);
        assert_eq!(armed.short_by, Duration::from_micros(950));
    }

    #[test]
    fn a_timeout_a_little_shorter_than_wanted_is_kept() {
        let mut armed = armed_at(59_999 * MS);
        // The next request's head timeout, then a body under the whole read timeout.
        assert_eq!(armed.update(Some(Duration::from_micros(59_999_990))), None);
        assert_eq!(armed.short_by, Duration::from_micros(990));
        assert_eq!(armed.update(Some(60_000 * MS)), None);
        assert_eq!(armed.short_by, MS);
    }

    #[test]
    fn a_timeout_longer_than_wanted_is_never_kept() {
        let mut armed = armed_at(60_000 * MS);
        let wanted = Duration::from_micros(59_999_999);
        assert_eq!(armed.update(Some(wanted)), Some(Some(59_999 * MS)));
    }

    #[test]
    fn the_handshakes_timeout_is_kept_for_the_first_request() {
        // What is left of the 30 s connect timeout after the connect, then the 60 s write and
        // head timeouts of the request.
        let mut armed = armed_at(29_999 * MS);
        assert_eq!(armed.update(Some(60_000 * MS)), None);
        assert_eq!(armed.short_by, 30_001 * MS);
    }

    #[test]
    fn a_timeout_under_a_quarter_of_the_one_wanted_is_replaced() {
        let mut armed = armed_at(10 * MS);
        assert_eq!(armed.update(Some(40 * MS)), None);
        assert_eq!(
            armed.update(Some(40 * MS + Duration::from_micros(1))),
            Some(Some(40 * MS))
        );
        assert_eq!(armed.update(None), Some(None));
        armed.set = None;
        assert_eq!(armed.update(None), None);
    }

    #[test]
    fn under_a_millisecond_is_one() {
        let mut armed = ArmedTimeout::default();
        assert_eq!(
            armed.update(Some(Duration::from_micros(300))),
            Some(Some(MS))
        );
        assert_eq!(armed.short_by, Duration::ZERO);
    }

    #[test]
    fn a_read_that_times_out_early_waits_the_rest() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stream = TcpStream::connect(addr).unwrap();
        let _silent = listener.accept().unwrap();
        let mut socket = TimedSocket::new(stream, addr.to_string());
        let budget = |idle| Deadline::none().budget(Some(idle), TimeoutPhase::ReadBody);

        socket.arm_read(&budget(20 * MS)).unwrap();
        assert_eq!(socket.read.set, Some(20 * MS));
        // Kept: 30.5 ms short of what is wanted, which the read must still wait.
        socket
            .arm_read(&budget(Duration::from_micros(50_500)))
            .unwrap();
        assert_eq!(socket.read.set, Some(20 * MS));
        let err = socket.read(&mut [0u8; 1]).unwrap_err();
        assert!(timed_out(&err), "{err}");
        // It waited the 20 ms on the socket, then the 30.5 ms it was short by.
        assert_eq!(socket.read.set, Some(Duration::from_micros(30_500)));
        assert_eq!(socket.read.short_by, Duration::ZERO);
    }
}
