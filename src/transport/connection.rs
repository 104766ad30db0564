//! A stream with an input buffer: what the HTTP layer reads heads from and writes requests to.
//!
//! The buffer holds bytes that have arrived but not yet been used: the rest of a head still
//! being parsed, or body bytes that came in the same read as the head. Bulk body bytes skip it
//! ([`Connection::read_direct`]), so a large download is copied once, from kernel to caller.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::transport::connect::HostPort;
use crate::transport::deadline::IoBudget;
use crate::transport::stream::Stream;
use crate::transport::tls_info::NegotiatedTls;

/// How much the input buffer starts with: one TLS record's worth of plaintext.
pub const INPUT_BUFFER: usize = 16 * 1024;

/// What a connection reaches: two requests may share one only when their keys are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// The origin's host, lowercase.
    pub host: String,
    /// The origin's port.
    pub port: u16,
    /// The proxy's `host:port`, when the connection goes through one.
    pub proxy: Option<String>,
}

impl PoolKey {
    /// Whether this is the key of `scheme://host:port` through the proxy called `proxy`: equal
    /// to the key those would make, without making it.
    pub fn is(&self, scheme: &str, host: &str, port: u16, proxy: Option<&str>) -> bool {
        self.scheme == scheme
            && self.host == host
            && self.port == port
            && self.proxy.as_deref() == proxy
    }

    /// The origin as `host:port` (an IPv6 address in brackets), to name the server in messages.
    pub fn authority(&self) -> String {
        HostPort(&self.host, self.port).to_string()
    }
}

/// How a connection came to be, for timings and traces.
#[derive(Debug, Clone, Default)]
pub struct ConnectionInfo {
    /// The address we connected to.
    pub remote: Option<SocketAddr>,
    /// Our end of the connection.
    pub local: Option<SocketAddr>,
    /// Time spent resolving the host name.
    pub dns: Duration,
    /// Time spent opening the TCP connection.
    pub tcp: Duration,
    /// Time spent on the TLS handshake (and any proxy tunnel before it).
    pub handshake: Duration,
    /// What the TLS handshake settled on, for an https connection.
    pub(crate) tls: Option<Arc<NegotiatedTls>>,
}

/// A connection to one origin, ready to carry requests one after another.
pub struct Connection {
    stream: Stream,
    input: Vec<u8>,
    start: usize,
    end: usize,
    key: PoolKey,
    info: ConnectionInfo,
    reused: bool,
    idle_since: Instant,
}

impl Connection {
    /// A fresh connection for `key`.
    pub fn new(stream: Stream, key: PoolKey, info: ConnectionInfo) -> Connection {
        Connection {
            stream,
            input: vec![0; INPUT_BUFFER],
            start: 0,
            end: 0,
            key,
            info,
            reused: false,
            idle_since: Instant::now(),
        }
    }

    /// Which origin (and proxy) this connection reaches.
    pub fn key(&self) -> &PoolKey {
        &self.key
    }

    /// How it was made.
    pub fn info(&self) -> &ConnectionInfo {
        &self.info
    }

    /// Whether it came out of the pool, having carried an earlier request.
    pub fn is_reused(&self) -> bool {
        self.reused
    }

    /// Bytes that have arrived and not yet been consumed.
    pub fn buffered(&self) -> &[u8] {
        &self.input[self.start..self.end]
    }

    /// The size of the input buffer (not how much of it is in use), for tests of its bound.
    #[cfg(test)]
    pub(crate) fn input_capacity(&self) -> usize {
        self.input.len()
    }

    /// Marks `n` buffered bytes as used.
    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads more bytes into the buffer, keeping what is there; grows the buffer up to
    /// `max_buffered` bytes when it is full. Returns the number of new bytes, 0 at end of
    /// stream; a buffer full at `max_buffered` is an error (callers parse before asking for
    /// more, so it means what they wait for is larger than they allow).
    pub fn fill(&mut self, budget: &IoBudget, max_buffered: usize) -> Result<usize> {
        if self.end == self.input.len() {
            if self.start > 0 {
                self.input.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let grown = (self.input.len() * 2).min(max_buffered.max(self.input.len()));
                if grown == self.input.len() {
                    // Not an end of stream: the caller asked for more room than it allows.
                    return Err(crate::error::Error::new(
                        crate::error::ErrorKind::Protocol,
                        format!(
                            "{max_buffered} bytes arrived without the end of what was expected"
                        ),
                    ));
                }
                self.input.resize(grown, 0);
            }
        }
        let n = self.stream.read(&mut self.input[self.end..], budget)?;
        self.end += n;
        Ok(n)
    }

    /// Gives up the buffer and returns the stream; only valid when nothing is buffered
    /// (after a proxy's CONNECT answer, before TLS starts over the tunnel).
    pub fn into_stream(self) -> Stream {
        debug_assert!(self.buffered().is_empty());
        self.stream
    }

    /// Reads straight into `out`, bypassing the buffer; only valid when nothing is buffered.
    pub fn read_direct(&mut self, out: &mut [u8], budget: &IoBudget) -> Result<usize> {
        debug_assert!(self.buffered().is_empty());
        self.stream.read(out, budget)
    }

    /// Whether an end of the stream read here is trustworthy as the end of the data (see
    /// [`Stream::ended_cleanly`]).
    pub fn ended_cleanly(&self) -> bool {
        self.stream.ended_cleanly()
    }

    /// Writes all of `data`.
    pub fn write_all(&mut self, data: &[u8], budget: &IoBudget) -> Result<()> {
        self.stream.write_all(data, budget)
    }

    /// Whether nothing of the peer's is waiting unread: nothing in our buffer, and (over TLS)
    /// nothing inside the session. Only such a connection may wait in the pool: a byte beyond
    /// the end of a response could only be read as the answer to someone else's request.
    pub fn is_quiet(&mut self) -> bool {
        self.buffered().is_empty() && self.stream.is_quiet()
    }

    /// Prepares the connection to wait in the pool: the buffer is shrunk back if a large head
    /// grew it, the socket goes into non-blocking mode so that [`Connection::reuse`] can look at
    /// it without waiting, and the idle clock starts at `now` (the caller's reading: the end of
    /// the response). `None` if the socket refuses.
    pub fn into_idle(mut self: Box<Self>, now: Instant) -> Option<Box<Connection>> {
        if self.input.len() > INPUT_BUFFER && self.buffered().is_empty() {
            self.input.truncate(INPUT_BUFFER);
            self.input.shrink_to_fit();
        }
        self.stream.set_nonblocking(true).ok()?;
        self.idle_since = now;
        Some(self)
    }

    /// How long it had been waiting in the pool at `now`.
    pub fn idle_at(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.idle_since)
    }

    /// Takes it out of the pool for another request, if nothing has arrived on it while it
    /// waited: no byte, no close, nothing inside the TLS session. Checked for every request,
    /// whatever its method: a request that could be retried on another connection is no
    /// excuse, since bytes waiting here would be read as its answer.
    pub fn reuse(mut self: Box<Self>) -> Option<Box<Connection>> {
        if !self.buffered().is_empty() || !self.stream.poll_idle() {
            return None;
        }
        self.stream.set_nonblocking(false).ok()?;
        self.reused = true;
        Some(self)
    }
}
