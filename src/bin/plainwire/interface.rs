//! `--interface` values, as curl writes them (docs/cmdline-opts/interface.md), and the local
//! end they ask of the agent. [`parse`] reads text and nothing else; [`LocalEnd::of`] looks
//! the names up: in `/sys/class/net` for an interface, with the resolver for a host.
//!
//! * `NAME`: an interface, if this machine has one by that name; else an IP address or a
//!   host name (curl tries in the same order).
//! * `if!NAME`: an interface only; curl exits 45 when there is none by that name.
//! * `host!NAME`: an IP address or a host name only.
//! * `ifhost!INTERFACE!HOST`: both (curl 8.9).
//!
//! An interface is bound to by name (`SO_BINDTODEVICE`), on Linux only. curl, when the
//! process may not do that (kernels before 5.7 ask for `CAP_NET_RAW`), binds to the
//! interface's address instead; plainwire, which cannot list addresses without unsafe code,
//! exits 45.

use std::net::{IpAddr, ToSocketAddrs};

use crate::args::IpFamilyArg;
use crate::failure::{Failure, INTERFACE_FAILED};

/// The longest name a Linux interface can have (`IFNAMSIZ` less its NUL). The library refuses
/// a longer one as a configuration error; since no interface has such a name, the tool answers
/// as curl does for a name that matches none: exit 45.
const MAX_INTERFACE_NAME: usize = 15;

/// One `--interface` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceArg {
    /// No prefix: an interface if there is one by this name, else an address or host name.
    Either(String),
    /// `if!NAME`.
    Interface(String),
    /// `host!NAME`.
    Host(String),
    /// `ifhost!INTERFACE!HOST`.
    Both {
        /// The interface.
        interface: String,
        /// The address or host name.
        host: String,
    },
}

/// Parses an `--interface` value.
pub fn parse(value: &str) -> Result<InterfaceArg, String> {
    let named = |name: &str| match name.is_empty() {
        true => Err(format!("'{value}' names no interface, address or host")),
        false => Ok(name.to_string()),
    };
    if let Some(name) = value.strip_prefix("if!") {
        return Ok(InterfaceArg::Interface(named(name)?));
    }
    if let Some(name) = value.strip_prefix("host!") {
        return Ok(InterfaceArg::Host(named(name)?));
    }
    if let Some(rest) = value.strip_prefix("ifhost!") {
        let (interface, host) = rest
            .split_once('!')
            .ok_or_else(|| format!("'{value}' is not ifhost!INTERFACE!HOST"))?;
        return Ok(InterfaceArg::Both {
            interface: named(interface)?,
            host: named(host)?,
        });
    }
    Ok(InterfaceArg::Either(named(value)?))
}

/// What the agent binds its connections to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalEnd {
    /// `AgentBuilder::interface`.
    pub interface: Option<String>,
    /// `AgentBuilder::local_address`.
    pub address: Option<IpAddr>,
}

impl LocalEnd {
    /// The local end `arg` asks for: interface names looked up, host names resolved (to the
    /// first address of the `-4`/`-6` family, or the first of all). A host that does not
    /// resolve, or an interface on a system without `SO_BINDTODEVICE`, is curl's exit 45.
    pub fn of(arg: &InterfaceArg, family: IpFamilyArg) -> Result<LocalEnd, Failure> {
        Ok(match arg {
            InterfaceArg::Either(name) => match name.parse::<IpAddr>() {
                Ok(address) => LocalEnd {
                    interface: None,
                    address: Some(address),
                },
                Err(_) if is_interface(name) => LocalEnd {
                    interface: Some(name.clone()),
                    address: None,
                },
                Err(_) => LocalEnd {
                    interface: None,
                    address: Some(address_of(name, family)?),
                },
            },
            InterfaceArg::Interface(name) => LocalEnd {
                interface: Some(interface(name)?),
                address: None,
            },
            InterfaceArg::Host(host) => LocalEnd {
                interface: None,
                address: Some(address_of(host, family)?),
            },
            InterfaceArg::Both {
                interface: name,
                host,
            } => LocalEnd {
                interface: Some(interface(name)?),
                address: Some(address_of(host, family)?),
            },
        })
    }
}

/// Whether this machine has a network interface called `name` (Linux lists them in
/// `/sys/class/net`); never on other systems, where plainwire cannot bind to one.
fn is_interface(name: &str) -> bool {
    let plain = !name.contains('/') && name != "." && name != "..";
    cfg!(target_os = "linux") && plain && std::path::Path::new("/sys/class/net").join(name).exists()
}

/// `name` as an interface to bind to; an error where binding to one by name is not possible.
fn interface(name: &str) -> Result<String, Failure> {
    let unbound = |why: &str| {
        Failure::new(
            INTERFACE_FAILED,
            format!("could not bind to interface '{name}': {why}"),
        )
    };
    if !cfg!(any(
        target_os = "android",
        target_os = "fuchsia",
        target_os = "linux"
    )) {
        return Err(unbound(
            "plainwire binds to an interface by name on Linux only",
        ));
    }
    if name.len() > MAX_INTERFACE_NAME || name.contains('\0') {
        return Err(unbound("no interface has such a name"));
    }
    // Whether there is such an interface, the kernel says when the socket is bound.
    Ok(name.to_string())
}

/// The address `host` (an IP address or a name) stands for.
fn address_of(host: &str, family: IpFamilyArg) -> Result<IpAddr, Failure> {
    let unbound = |why: &str| {
        Failure::new(
            INTERFACE_FAILED,
            format!("could not bind to '{host}': {why}"),
        )
    };
    if let Ok(address) = host.parse::<IpAddr>() {
        return Ok(address);
    }
    let addresses = (host, 0)
        .to_socket_addrs()
        .map_err(|err| unbound(&format!("it does not resolve ({err})")))?;
    addresses
        .map(|addr| addr.ip())
        .find(|ip| match family {
            IpFamilyArg::Any => true,
            IpFamilyArg::V4 => ip.is_ipv4(),
            IpFamilyArg::V6 => ip.is_ipv6(),
        })
        .ok_or_else(|| unbound("it has no address of the family asked for"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_value_is_either() {
        assert_eq!(parse("eth0"), Ok(InterfaceArg::Either("eth0".into())));
        assert_eq!(
            parse("10.0.0.1"),
            Ok(InterfaceArg::Either("10.0.0.1".into()))
        );
    }

    #[test]
    fn prefixes_say_which() {
        assert_eq!(
            parse("if!enp3s0"),
            Ok(InterfaceArg::Interface("enp3s0".into()))
        );
        assert_eq!(
            parse("host!10.0.0.1"),
            Ok(InterfaceArg::Host("10.0.0.1".into()))
        );
        assert_eq!(
            parse("ifhost!eth0!192.168.1.2"),
            Ok(InterfaceArg::Both {
                interface: "eth0".into(),
                host: "192.168.1.2".into()
            })
        );
    }

    #[test]
    fn empty_names_are_refused() {
        for value in [
            "",
            "if!",
            "host!",
            "ifhost!eth0!",
            "ifhost!!10.0.0.1",
            "ifhost!eth0",
        ] {
            assert!(parse(value).is_err(), "{value}");
        }
    }

    #[test]
    fn an_ip_address_is_an_address_with_or_without_host() {
        for (value, address) in [
            ("127.0.0.2", "127.0.0.2"),
            ("host!127.0.0.2", "127.0.0.2"),
            ("::1", "::1"),
        ] {
            let end = LocalEnd::of(&parse(value).unwrap(), IpFamilyArg::Any).unwrap();
            assert_eq!(end.interface, None, "{value}");
            assert_eq!(end.address, Some(address.parse().unwrap()), "{value}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_plain_name_is_an_interface_when_there_is_one() {
        let end = LocalEnd::of(&parse("lo").unwrap(), IpFamilyArg::Any).unwrap();
        assert_eq!(end.interface.as_deref(), Some("lo"));
        assert_eq!(end.address, None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_interface_name_longer_than_linux_allows_is_exit_45() {
        let arg = parse("if!sixteen-bytes-xx").unwrap();
        assert_eq!(LocalEnd::of(&arg, IpFamilyArg::Any).unwrap_err().code, 45);
    }

    #[test]
    fn a_host_name_resolves_in_the_family_asked_for() {
        // localhost is in /etc/hosts: no query leaves the machine.
        let end = LocalEnd::of(&parse("host!localhost").unwrap(), IpFamilyArg::V4).unwrap();
        assert_eq!(end.address, Some("127.0.0.1".parse().unwrap()));
    }
}
