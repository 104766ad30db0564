//! The local end of a connection: the address, and on Linux the network interface, that a TCP
//! socket is bound to before it connects. It opens sockets; which remote address to try, and
//! for how long, is [`connect`](crate::transport::connect)'s business.
//!
//! std's `TcpStream::connect` makes the socket and connects it in one call, with no step in
//! between to bind it. socket2 has the system calls one by one (`socket`, `setsockopt` with
//! `SO_BINDTODEVICE`, `bind`, `connect`) and turns the result into a `TcpStream`, so the rest
//! of the transport never knows the difference. Only the `bind` feature builds this file;
//! without it, `local_end_off.rs` stands in and the system chooses every local end.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::error::{Error, ErrorKind, Result};

/// The longest interface name Linux has, in bytes: `IFNAMSIZ` (16) less the terminating NUL.
/// The kernel cuts a longer `SO_BINDTODEVICE` value to this length, and could then bind to
/// another interface than the one named; so a longer name is refused instead.
pub const MAX_INTERFACE_NAME: usize = 15;

/// Where a connection's local end is: the system's choice unless an address or an interface
/// is set. The local port is always the system's choice, taken when the socket is bound, before
/// it connects: socket2 0.5 has no `IP_BIND_ADDRESS_NO_PORT` (which curl sets to defer it), so
/// very many connections from one local address run out of ports sooner than unbound ones. A
/// link-local IPv6 address carries no scope here, so binding to one fails (`ErrorKind::Bind`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalEnd {
    /// The local address (requests' `source_address`, curl's `--interface host!ADDRESS`).
    address: Option<IpAddr>,
    /// The interface, by name (`SO_BINDTODEVICE`, curl's `--interface if!NAME`): only the
    /// systems that have the option.
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    interface: Option<String>,
}

impl LocalEnd {
    /// Binds sockets to `address`, or no address (`None`, the default).
    pub fn set_address(&mut self, address: Option<IpAddr>) {
        self.address = address;
    }

    /// Binds sockets to the interface `name`. An empty name, a NUL in it, or a name longer than
    /// [`MAX_INTERFACE_NAME`] is a [`ErrorKind::Config`] error: the kernel would read it as
    /// "no interface" or as another name.
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn set_interface(&mut self, name: &str) -> Result<()> {
        let problem = if name.is_empty() {
            Some("is empty")
        } else if name.len() > MAX_INTERFACE_NAME {
            Some("is longer than the 15 bytes Linux allows")
        } else if name.contains('\0') {
            Some("holds a NUL")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::new(
                ErrorKind::Config,
                format!("the interface name {name:?} {problem}"),
            ));
        }
        self.interface = Some(name.to_string());
        Ok(())
    }

    /// Whether anything is set: otherwise sockets are made by std, as without this feature.
    fn is_system_chosen(&self) -> bool {
        *self == LocalEnd::default()
    }

    /// The addresses of `remote` a socket from this local end can reach, in their order: those
    /// of the local address's family (an IPv4 socket cannot reach an IPv6 peer, nor the other
    /// way round). None of them is an [`ErrorKind::Bind`] error.
    pub fn reachable(&self, remote: &[SocketAddr]) -> Result<Vec<SocketAddr>> {
        let Some(address) = self.address else {
            return Ok(remote.to_vec());
        };
        let same_family: Vec<SocketAddr> = remote
            .iter()
            .filter(|addr| addr.is_ipv4() == address.is_ipv4())
            .copied()
            .collect();
        if same_family.is_empty() && !remote.is_empty() {
            let family = if address.is_ipv4() { "IPv4" } else { "IPv6" };
            let list: Vec<String> = remote.iter().map(ToString::to_string).collect();
            return Err(Error::new(
                ErrorKind::Bind,
                format!(
                    "could not bind to {address}: it is {family}, and none of {} is",
                    list.join(", ")
                ),
            ));
        }
        Ok(same_family)
    }

    /// One attempt to connect to `remote` from this local end, waiting at most `timeout`
    /// (`None`: as long as the system does). The outer error is a local end that cannot be
    /// had ([`ErrorKind::Bind`]), which every other address would meet too; the inner one is
    /// this attempt's failure to connect.
    pub fn connect(
        &self,
        remote: &SocketAddr,
        timeout: Option<Duration>,
    ) -> Result<io::Result<TcpStream>> {
        if self.is_system_chosen() {
            return Ok(match timeout {
                Some(timeout) => TcpStream::connect_timeout(remote, timeout),
                None => TcpStream::connect(remote),
            });
        }
        let socket = match Socket::new(
            Domain::for_address(*remote),
            Type::STREAM,
            Some(Protocol::TCP),
        ) {
            Ok(socket) => socket,
            // No socket (too many files open, say): std's connect would fail the same way.
            Err(err) => return Ok(Err(err)),
        };
        self.bind(&socket, remote)?;
        let remote = SockAddr::from(*remote);
        let connected = match timeout {
            Some(timeout) => socket.connect_timeout(&remote, timeout),
            None => socket.connect(&remote),
        };
        Ok(connected.map(|()| TcpStream::from(socket)))
    }

    /// Binds `socket`, made for `remote`, to the interface and the address (or, with only an
    /// interface, leaves the address to the system: the interface's own address, when the
    /// system routes through it).
    fn bind(&self, socket: &Socket, remote: &SocketAddr) -> Result<()> {
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        if let Some(name) = &self.interface {
            // Needs CAP_NET_RAW on kernels before 5.7; a name that is no interface is ENODEV.
            socket.bind_device(Some(name.as_bytes())).map_err(|err| {
                Error::new(
                    ErrorKind::Bind,
                    format!("could not bind to interface '{name}'"),
                )
                .with_source(err)
            })?;
        }
        if let Some(address) = self.address {
            // `reachable` kept only the remote addresses of the local address's family.
            debug_assert_eq!(address.is_ipv4(), remote.is_ipv4());
            socket
                .bind(&SockAddr::from(SocketAddr::new(address, 0)))
                .map_err(|err| {
                    Error::new(ErrorKind::Bind, format!("could not bind to {address}"))
                        .with_source(err)
                })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn with_no_address_every_remote_address_is_reachable() {
        let remote = addrs(&["[::1]:80", "127.0.0.1:80"]);
        assert_eq!(LocalEnd::default().reachable(&remote).unwrap(), remote);
    }

    #[test]
    fn a_local_address_reaches_its_own_family_in_order() {
        let mut local = LocalEnd::default();
        local.set_address(Some("::1".parse().unwrap()));
        let remote = addrs(&["127.0.0.1:80", "[::2]:80", "10.0.0.1:80", "[::1]:80"]);
        let expected = addrs(&["[::2]:80", "[::1]:80"]);
        assert_eq!(local.reachable(&remote).unwrap(), expected);
    }

    #[test]
    fn a_local_address_of_another_family_than_every_remote_one_is_a_bind_error() {
        let mut local = LocalEnd::default();
        local.set_address(Some("127.0.0.2".parse().unwrap()));
        let err = local.reachable(&addrs(&["[::1]:80"])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Bind);
        assert_eq!(
            err.to_string(),
            "could not bind to 127.0.0.2: it is IPv4, and none of [::1]:80 is"
        );
    }

    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    #[test]
    fn an_interface_name_of_fifteen_bytes_is_the_longest() {
        let mut local = LocalEnd::default();
        assert!(local.set_interface("fifteen-bytes-x").is_ok());
        let err = local.set_interface("sixteen-bytes-xx").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        // The refused name leaves the one set before.
        assert_eq!(local.interface.as_deref(), Some("fifteen-bytes-x"));
    }
}
