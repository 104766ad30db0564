//! One byte stream to a server, plain TCP or TLS, with budgeted reads and writes. It knows no
//! HTTP and keeps no buffer: [`Connection`](super::connection::Connection) buffers above it.

use std::io::Read;

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

    /// Writes all of `data`, within the budget.
    pub fn write_all(&mut self, data: &[u8], budget: &IoBudget) -> Result<()> {
        match self {
            Stream::Plain(socket) => socket.write_all_within(data, budget),
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.write_all(data, budget),
        }
    }

    /// Names the peer anew, for messages (see [`TimedSocket::rename_peer`]).
    pub fn rename_peer(&mut self, peer: String) {
        match self {
            Stream::Plain(socket) => socket.rename_peer(peer),
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.rename_peer(peer),
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

    /// Whether the stream holds nothing of the peer's that we have not read: over TLS, no
    /// plaintext, no close and no part of a record inside the session. Makes no system call.
    pub fn is_quiet(&mut self) -> bool {
        match self {
            Stream::Plain(_) => true,
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.is_quiet(),
        }
    }

    /// Switches the socket between blocking (for a call) and non-blocking (while idle, so that
    /// [`Stream::poll_idle`] can look without waiting).
    pub fn set_nonblocking(&mut self, nonblocking: bool) -> std::io::Result<()> {
        match self {
            Stream::Plain(socket) => socket.set_nonblocking(nonblocking),
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.set_nonblocking(nonblocking),
        }
    }

    /// Checks an idle stream, in non-blocking mode, without waiting: `true` if the server has
    /// neither closed it nor sent anything. Over plain TCP this is one `recv(MSG_PEEK)`.
    pub fn poll_idle(&mut self) -> bool {
        match self {
            Stream::Plain(socket) => {
                let mut probe = [0u8; 1];
                matches!(socket.peek(&mut probe), Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock)
            }
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.poll_idle(),
        }
    }
}
