//! One byte stream to a server, plain TCP or TLS, with budgeted reads and writes.

use std::io::{Read, Write};

use crate::error::Result;
use crate::transport::deadline::IoBudget;
use crate::transport::socket::TimedSocket;
#[cfg(feature = "tls")]
use crate::transport::tls::TlsStream;

/// A connected stream: plain TCP, or TLS over TCP.
pub enum Stream {
    /// Plain TCP.
    Plain(TimedSocket),
    /// TLS over TCP.
    #[cfg(feature = "tls")]
    Tls(Box<TlsStream>),
}

impl Stream {
    /// Reads some bytes; `Ok(0)` at the end of the stream.
    pub fn read(&mut self, out: &mut [u8], budget: &IoBudget) -> Result<usize> {
        match self {
            Stream::Plain(socket) => {
                socket.arm_read(budget)?;
                socket
                    .read(out)
                    .map_err(|e| budget.io_error(e, socket.peer()))
            }
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.read(out, budget),
        }
    }

    /// Writes all of `data`.
    pub fn write_all(&mut self, data: &[u8], budget: &IoBudget) -> Result<()> {
        match self {
            Stream::Plain(socket) => {
                socket.arm_write(budget)?;
                socket
                    .write_all(data)
                    .map_err(|e| budget.io_error(e, socket.peer()))
            }
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.write_all(data, budget),
        }
    }

    /// Whether an end of the stream, if one was read, is trustworthy as the end of the data:
    /// always over plain TCP; over TLS only if a close_notify announced it.
    pub fn ended_cleanly(&self) -> bool {
        match self {
            Stream::Plain(_) => true,
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => !tls.closed_without_notify(),
        }
    }

    /// Checks an idle stream without blocking: `true` if the server has neither closed it nor
    /// sent anything unasked.
    pub fn poll_idle(&mut self) -> bool {
        match self {
            Stream::Plain(socket) => {
                if socket.set_nonblocking(true).is_err() {
                    return false;
                }
                let mut probe = [0u8; 1];
                let alive = matches!(socket.peek(&mut probe), Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock);
                alive && socket.set_nonblocking(false).is_ok()
            }
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.poll_idle(),
        }
    }
}
