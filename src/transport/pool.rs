//! Idle keep-alive connections, waiting for the next request to the same origin.
//!
//! A connection is keyed by scheme, host, port and proxy: two requests may share a connection
//! only if all four are equal. The pool is bounded per key and in total, and forgets
//! connections that have been idle too long; the newest idle connection is reused first,
//! since it is the least likely to have been closed by the server.

use std::sync::Mutex;
use std::time::Duration;

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

/// The idle connections of one agent.
pub struct IdlePool {
    limits: PoolLimits,
    idle: Mutex<Vec<Connection>>,
}

impl IdlePool {
    /// An empty pool.
    pub fn new(limits: PoolLimits) -> IdlePool {
        IdlePool {
            limits,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Takes the newest usable idle connection for `key`, closing stale ones on the way.
    /// `check_closed` is passed to [`Connection::reuse`].
    pub fn take(&self, key: &PoolKey, check_closed: bool) -> Option<Connection> {
        if self.limits.max_idle == 0 {
            return None;
        }
        loop {
            let candidate = {
                let mut idle = self.lock();
                let timeout = self.limits.idle_timeout;
                idle.retain(|conn| conn.idle_for() < timeout);
                let index = idle.iter().rposition(|conn| conn.key() == key)?;
                idle.remove(index)
            };
            // Checked outside the lock: it makes system calls.
            if let Some(conn) = candidate.reuse(check_closed) {
                return Some(conn);
            }
        }
    }

    /// Puts a connection whose last response was read to its end back for reuse.
    pub fn put(&self, conn: Connection) {
        if self.limits.max_idle == 0 || self.limits.max_idle_per_host == 0 {
            return;
        }
        let conn = conn.into_idle();
        let mut idle = self.lock();
        let same_key = idle.iter().filter(|c| c.key() == conn.key()).count();
        if same_key >= self.limits.max_idle_per_host {
            if let Some(oldest) = idle.iter().position(|c| c.key() == conn.key()) {
                idle.remove(oldest);
            }
        } else if idle.len() >= self.limits.max_idle {
            idle.remove(0);
        }
        idle.push(conn);
    }

    /// The number of idle connections, for tests and traces.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A panic elsewhere while holding the lock leaves a list that is still valid.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
