//! A TCP socket whose timeouts are set from an [`IoBudget`] before each blocking operation.
//!
//! Setting a socket timeout is a system call, so the last value set is remembered and the call
//! is skipped when it would not change anything, which is the common case without a deadline.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::error::Result;
use crate::transport::deadline::IoBudget;

/// A connected TCP socket, its peer's name for messages, and the timeouts currently on it.
pub struct TimedSocket {
    stream: TcpStream,
    peer: String,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl TimedSocket {
    /// Wraps a connected socket; `peer` names it in error messages ("example.com:443").
    pub fn new(stream: TcpStream, peer: String) -> TimedSocket {
        TimedSocket {
            stream,
            peer,
            read_timeout: None,
            write_timeout: None,
        }
    }

    /// The peer's name, for messages.
    pub fn peer(&self) -> &str {
        &self.peer
    }

    /// The remote address, if the socket still knows it.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.stream.peer_addr().ok()
    }

    /// The local address, if the socket still knows it.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.stream.local_addr().ok()
    }

    /// Sets the read timeout the budget allows, unless it is already set.
    pub fn arm_read(&mut self, budget: &IoBudget) -> Result<()> {
        let timeout = budget.socket_timeout()?;
        if timeout != self.read_timeout {
            self.stream
                .set_read_timeout(timeout)
                .map_err(|e| budget.io_error(e, &self.peer))?;
            self.read_timeout = timeout;
        }
        Ok(())
    }

    /// Sets the write timeout the budget allows, unless it is already set.
    pub fn arm_write(&mut self, budget: &IoBudget) -> Result<()> {
        let timeout = budget.socket_timeout()?;
        if timeout != self.write_timeout {
            self.stream
                .set_write_timeout(timeout)
                .map_err(|e| budget.io_error(e, &self.peer))?;
            self.write_timeout = timeout;
        }
        Ok(())
    }

    /// Switches non-blocking mode, for checking an idle connection without waiting.
    pub fn set_nonblocking(&self, nonblocking: bool) -> std::io::Result<()> {
        self.stream.set_nonblocking(nonblocking)
    }

    /// Looks at waiting bytes without consuming them (non-blocking mode makes this a poll).
    pub fn peek(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.peek(buf)
    }
}

impl Read for TimedSocket {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.read(buf)
    }
}

impl Write for TimedSocket {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }

    /// rustls hands over all its queued records at once: one `writev`, not a `write` each.
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        self.stream.write_vectored(bufs)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}
