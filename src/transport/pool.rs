//! Idle keep-alive connections, waiting for the next request to the same origin.
//!
//! A connection is keyed by scheme, host, port and proxy: two requests may share a connection
//! only if all four are equal. The pool is bounded per key and in total, and forgets
//! connections that have been idle too long; the newest idle connection is reused first,
//! since it is the least likely to have been closed by the server.
//!
//! There is no thread to close connections as they expire: each `take`, which every request
//! makes, closes those that have waited too long, and dropping the agent's last clone closes
//! the rest. An agent that goes quiet after a burst keeps its idle sockets open (in CLOSE_WAIT
//! once the servers close their side) until it is next used or dropped.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::transport::connection::{Connection, PoolKey};

/// Bounds on the pool; the agent's come from [`crate::defaults`].
#[derive(Debug, Clone, Copy)]
pub struct PoolLimits {
    /// Idle connections kept for one key.
    pub max_idle_per_host: usize,
    /// Idle connections kept in all.
    pub max_idle: usize,
    /// How long a connection may wait before it is closed.
    pub idle_timeout: Duration,
}

/// The idle connections of one agent, each boxed so that taking and putting one moves a
/// pointer, not the connection.
pub struct IdlePool {
    limits: PoolLimits,
    #[allow(clippy::vec_box)] // Boxed so that a connection moves in and out as a pointer.
    idle: Mutex<Vec<Box<Connection>>>,
}

impl IdlePool {
    /// An empty pool.
    pub fn new(limits: PoolLimits) -> IdlePool {
        IdlePool {
            limits,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Takes the newest usable idle connection whose key `is_key` accepts (a predicate, so that
    /// a caller need not build a key, and allocate its host, to look one up), closing stale ones
    /// on the way: too old, or with anything arrived on it while it waited
    /// ([`Connection::reuse`]).
    pub fn take(&self, is_key: impl Fn(&PoolKey) -> bool) -> Option<Box<Connection>> {
        if self.limits.max_idle == 0 {
            return None;
        }
        loop {
            // One clock read for every idle connection's age, before the lock.
            let now = Instant::now();
            let (candidate, expired) = {
                let mut idle = self.lock();
                let expired = self.remove_expired(&mut idle, now);
                let candidate = idle
                    .iter()
                    .rposition(|conn| is_key(conn.key()))
                    .map(|index| idle.remove(index));
                (candidate, expired)
            };
            // Outside the lock, which is never held across a system call: closing the expired
            // connections, and checking the candidate.
            drop(expired);
            if let Some(conn) = candidate?.reuse() {
                return Some(conn);
            }
        }
    }

    /// Puts a connection whose last response was read to its end back for reuse; a connection
    /// that is not quiet ([`Connection::is_quiet`]) is closed instead. Its idle time counts from
    /// `now`, the caller's reading of the clock at the response's end. Returns whether it was kept.
    pub fn put(&self, mut conn: Box<Connection>, now: Instant) -> bool {
        if self.limits.max_idle == 0 || self.limits.max_idle_per_host == 0 || !conn.is_quiet() {
            return false;
        }
        let Some(conn) = conn.into_idle(now) else {
            return false;
        };
        let evicted = {
            let mut idle = self.lock();
            let same_key = idle.iter().filter(|c| c.key() == conn.key()).count();
            let evicted = if same_key >= self.limits.max_idle_per_host {
                idle.iter()
                    .position(|c| c.key() == conn.key())
                    .map(|oldest| idle.remove(oldest))
            } else if idle.len() >= self.limits.max_idle {
                Some(idle.remove(0))
            } else {
                None
            };
            idle.push(conn);
            evicted
        };
        // Closed outside the lock.
        drop(evicted);
        true
    }

    /// Takes the connections that have waited too long out of `idle`, for the caller to close
    /// once the lock is released.
    #[allow(clippy::vec_box)]
    fn remove_expired(
        &self,
        idle: &mut Vec<Box<Connection>>,
        now: Instant,
    ) -> Vec<Box<Connection>> {
        let timeout = self.limits.idle_timeout;
        if idle.iter().all(|conn| conn.idle_at(now) < timeout) {
            return Vec::new();
        }
        let (fresh, expired) = std::mem::take(idle)
            .into_iter()
            .partition(|conn| conn.idle_at(now) < timeout);
        *idle = fresh;
        expired
    }

    /// The number of idle connections that have not waited too long, for tests and traces.
    pub fn len(&self) -> usize {
        let timeout = self.limits.idle_timeout;
        let now = Instant::now();
        self.lock()
            .iter()
            .filter(|conn| conn.idle_at(now) < timeout)
            .count()
    }

    #[allow(clippy::vec_box)]
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Box<Connection>>> {
        // A panic elsewhere while holding the lock leaves a list that is still valid.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
