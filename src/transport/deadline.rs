//! Time budgets: the overall deadline of a call, and the idle limit of each blocking operation.
//!
//! Before every blocking socket operation the transport asks an [`IoBudget`] how long it may
//! wait, and puts that on the socket (or keeps a timeout already there that will do; see
//! `transport/socket.rs`). Because the answer shrinks as the deadline nears, a server that
//! sends one byte at a time cannot hold a call past its deadline: each read is bounded by what
//! is left, not by a fresh allowance. The idle limit, by contrast, starts afresh with each
//! operation: it bounds silence, not a trickle (the low-speed limits do that).

use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result, TimeoutPhase};

/// The instant by which a whole call must be over, if any.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Option<Instant>,
    total: Duration,
    /// What this limit is called in messages: "the deadline", "the connect timeout".
    what: &'static str,
}

impl Deadline {
    /// No deadline: only per-operation limits apply.
    pub fn none() -> Deadline {
        Deadline {
            at: None,
            total: Duration::ZERO,
            what: "the deadline",
        }
    }

    /// A deadline `total` from now, or none.
    pub fn after(total: Option<Duration>) -> Deadline {
        Deadline::named("the deadline", total)
    }

    /// A limit `total` from now, called `what` in messages, or none.
    pub fn named(what: &'static str, total: Option<Duration>) -> Deadline {
        match total {
            Some(total) => Deadline::named_from(what, Instant::now(), total),
            None => Deadline::none(),
        }
    }

    /// A limit `total` from `start`, a reading of the clock the caller already has, called
    /// `what` in messages.
    pub fn named_from(what: &'static str, start: Instant, total: Duration) -> Deadline {
        Deadline {
            at: start.checked_add(total),
            total,
            what,
        }
    }

    /// Whichever of the two ends first.
    pub fn earliest(self, other: Deadline) -> Deadline {
        match (self.at, other.at) {
            (Some(a), Some(b)) if b < a => other,
            (None, Some(_)) => other,
            _ => self,
        }
    }

    /// This deadline, or, if there is none, a limit `fallback` from now (called "the read
    /// timeout" in messages), so that a wait with every other limit off is still bounded.
    pub fn or_else_limit(self, fallback: Option<Duration>) -> Deadline {
        if self.at.is_some() {
            self
        } else {
            Deadline::named("the read timeout", fallback)
        }
    }

    /// Time left before the deadline; `None` when there is no deadline, zero once it has passed.
    pub fn remaining(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether there is a deadline and it has passed.
    pub fn has_passed(&self) -> bool {
        self.remaining() == Some(Duration::ZERO)
    }

    /// The error for a call whose deadline ran out in `phase`.
    pub fn expired_error(&self, phase: TimeoutPhase) -> Error {
        Error::timeout(phase, self.what, self.total)
    }

    /// A budget for the next blocking operation in `phase`, idle for at most `idle`.
    pub fn budget(self, idle: Option<Duration>, phase: TimeoutPhase) -> IoBudget {
        IoBudget {
            deadline: self,
            idle,
            phase,
        }
    }
}

/// How long the next blocking operation may take, and how to word it if it takes longer.
#[derive(Debug, Clone, Copy)]
pub struct IoBudget {
    /// The call's overall deadline.
    pub deadline: Deadline,
    /// The longest the peer may stay silent during one operation (the read or write timeout).
    pub idle: Option<Duration>,
    /// What the call is doing, for the error message.
    pub phase: TimeoutPhase,
}

impl IoBudget {
    /// The timeout to put on the socket before the next operation: the idle limit or what is
    /// left of the deadline, whichever is shorter; `None` means wait indefinitely. An error
    /// once the deadline has passed, so that even a steady trickle of bytes ends on time. With
    /// it, the reading of the clock it was measured from when the budget has a deadline
    /// (without one, no clock is read).
    pub fn socket_timeout_from(&self) -> Result<(Option<Duration>, Option<Instant>)> {
        let now = self.deadline.at.map(|_| Instant::now());
        let left = self
            .deadline
            .at
            .zip(now)
            .map(|(at, now)| at.saturating_duration_since(now));
        let timeout = match (left, self.idle) {
            (Some(left), _) if left.is_zero() => {
                return Err(self.deadline.expired_error(self.phase))
            }
            (Some(left), Some(idle)) => Some(left.min(idle)),
            (left, idle) => left.or(idle),
        };
        // A zero timeout means "none" to std and is refused by setsockopt; round up.
        Ok((timeout.map(|t| t.max(Duration::from_millis(1))), now))
    }

    /// This budget with its idle limit counted from now and not again: for an operation made of
    /// several waits, no one of which may restart the limit. A TLS read waits on records, and
    /// records that carry no data (session tickets, key updates) must not keep it going.
    #[cfg(feature = "tls")]
    pub fn idle_from_now(&self) -> IoBudget {
        IoBudget {
            deadline: self
                .deadline
                .earliest(Deadline::named("the idle timeout", self.idle)),
            ..*self
        }
    }

    /// The error for a socket operation that timed out: the deadline's if it has passed,
    /// otherwise the idle limit's.
    pub fn timeout_error(&self) -> Error {
        match self.idle {
            Some(idle) if !self.deadline.has_passed() => {
                Error::timeout(self.phase, "the idle timeout", idle)
            }
            _ => self.deadline.expired_error(self.phase),
        }
    }

    /// Turns a socket error into an [`Error`]: timeouts into [`ErrorKind::Timeout`], resets into
    /// [`ErrorKind::ConnectionReset`], anything else into [`ErrorKind::Io`].
    pub fn io_error(&self, err: std::io::Error, peer: &str) -> Error {
        use std::io::ErrorKind as Io;
        match err.kind() {
            Io::WouldBlock | Io::TimedOut => self.timeout_error().context(peer),
            Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe => Error::new(
                ErrorKind::ConnectionReset,
                format!("{peer}: the connection was reset {}", self.phase.describe()),
            )
            .with_source(err),
            _ => Error::new(
                ErrorKind::Io,
                format!("{peer}: I/O error {}", self.phase.describe()),
            )
            .with_source(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_deadline_and_no_idle_limit_means_no_timeout() {
        let budget = Deadline::none().budget(None, TimeoutPhase::ReadBody);
        assert_eq!(
            budget
                .socket_timeout_from()
                .map(|(timeout, _)| timeout)
                .unwrap(),
            None
        );
    }

    #[test]
    fn the_idle_limit_applies_without_a_deadline() {
        let budget = Deadline::none().budget(Some(Duration::from_secs(3)), TimeoutPhase::ReadBody);
        assert_eq!(
            budget
                .socket_timeout_from()
                .map(|(timeout, _)| timeout)
                .unwrap(),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn the_deadline_shortens_the_idle_limit() {
        let deadline = Deadline::after(Some(Duration::from_secs(2)));
        let budget = deadline.budget(Some(Duration::from_secs(30)), TimeoutPhase::ReadBody);
        let timeout = budget
            .socket_timeout_from()
            .map(|(timeout, _)| timeout)
            .unwrap()
            .unwrap();
        assert!(timeout <= Duration::from_secs(2));
    }

    #[test]
    fn a_passed_deadline_is_an_error_naming_the_phase() {
        let deadline = Deadline::after(Some(Duration::ZERO));
        let err = deadline
            .budget(None, TimeoutPhase::ReadHead)
            .socket_timeout_from()
            .map(|(timeout, _)| timeout)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::ReadHead));
        assert!(
            err.to_string().contains("waiting for the response head"),
            "{err}"
        );
    }
}
