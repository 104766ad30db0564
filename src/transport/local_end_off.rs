//! The local end of a connection in a build without the `bind` feature: always the system's
//! choice. The transport calls the same methods on it as on the real one (`local_end.rs`), and
//! std makes every socket.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::error::Result;

/// No choice of local end: this build cannot bind a socket before it connects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalEnd {}

impl LocalEnd {
    /// Every address of `remote`: any of them can be reached from where the system chooses.
    pub fn reachable(&self, remote: &[SocketAddr]) -> Result<Vec<SocketAddr>> {
        Ok(remote.to_vec())
    }

    /// One attempt to connect to `remote`, waiting at most `timeout`; never a bind error.
    pub fn connect(
        &self,
        remote: &SocketAddr,
        timeout: Option<Duration>,
    ) -> Result<io::Result<TcpStream>> {
        Ok(match timeout {
            Some(timeout) => TcpStream::connect_timeout(remote, timeout),
            None => TcpStream::connect(remote),
        })
    }
}
