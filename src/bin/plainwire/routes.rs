//! `--resolve` and `--connect-to` values, as curl writes them (docs/cmdline-opts/resolve.md,
//! connect-to.md), into rules for `AgentBuilder::resolve` and `AgentBuilder::connect_to`. Pure:
//! it parses text and folds a list; it resolves and connects nothing.
//!
//! * `--resolve [+]HOST:PORT:ADDR[,ADDR]...` gives `HOST:PORT` these addresses, IPv6 ones in
//!   brackets; `-HOST:PORT` takes back what an earlier `--resolve` gave. A leading `+` (curl:
//!   "time out the entry after a minute") is accepted and changes nothing, since an entry only
//!   ever serves one run. A host of `*` (any host) is refused: the library matches names
//!   exactly.
//! * `--connect-to HOST1:PORT1:HOST2:PORT2`: a connection for `HOST1:PORT1` goes to
//!   `HOST2:PORT2`; an empty field matches any host or port on the left and keeps it on the
//!   right.

use std::net::IpAddr;

/// One `--resolve` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveArg {
    /// `HOST:PORT:ADDR,...`: these addresses, in order.
    Add {
        /// The host name, lowercase, without brackets.
        host: String,
        /// The port.
        port: u16,
        /// The addresses.
        addrs: Vec<IpAddr>,
    },
    /// `-HOST:PORT`: forget what earlier values gave this host and port.
    Remove {
        /// The host name, lowercase, without brackets.
        host: String,
        /// The port.
        port: u16,
    },
}

/// One `--connect-to` rule; `None` is an empty field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectToArg {
    /// The request's host it applies to.
    pub host: Option<String>,
    /// The request's port it applies to.
    pub port: Option<u16>,
    /// Where to connect instead.
    pub to_host: Option<String>,
    /// Which port to connect to instead.
    pub to_port: Option<u16>,
}

/// Parses a `--resolve` value.
pub fn resolve(value: &str) -> Result<ResolveArg, String> {
    let bad = || format!("'{value}' is not HOST:PORT:ADDRESS[,ADDRESS]... or -HOST:PORT");
    if let Some(rest) = value.strip_prefix('-') {
        let (host, rest) = host_field(rest).ok_or_else(bad)?;
        let port = port_field(rest).ok_or_else(bad)?;
        return Ok(ResolveArg::Remove {
            host: checked_host(host)?,
            port,
        });
    }
    let value_without_plus = value.strip_prefix('+').unwrap_or(value);
    let (host, rest) = host_field(value_without_plus).ok_or_else(bad)?;
    let (port, addrs) = rest.split_once(':').ok_or_else(bad)?;
    let port = port_field(port).ok_or_else(bad)?;
    let mut list = Vec::new();
    for addr in addrs.split(',') {
        let addr = addr.trim();
        let inner = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let ip: IpAddr = inner
            .parse()
            .map_err(|_| format!("'{addr}' is not an IP address"))?;
        list.push(ip);
    }
    Ok(ResolveArg::Add {
        host: checked_host(host)?,
        port,
        addrs: list,
    })
}

/// Parses a `--connect-to` value.
pub fn connect_to(value: &str) -> Result<ConnectToArg, String> {
    let bad = || format!("'{value}' is not HOST1:PORT1:HOST2:PORT2 (fields may be empty)");
    let (host, rest) = host_field(value).ok_or_else(bad)?;
    let (port, rest) = rest.split_once(':').ok_or_else(bad)?;
    let (to_host, to_port) = host_field(rest).ok_or_else(bad)?;
    let optional_port = |text: &str| match text {
        "" => Ok(None),
        text => port_field(text).map(Some).ok_or_else(bad),
    };
    let optional_host = |text: &str| (!text.is_empty()).then(|| text.to_ascii_lowercase());
    Ok(ConnectToArg {
        host: optional_host(host),
        port: optional_port(port)?,
        to_host: (!to_host.is_empty()).then(|| to_host.to_string()),
        to_port: optional_port(to_port)?,
    })
}

/// The entries that remain once every `-HOST:PORT` has taken back what came before it: one
/// `(host, port, addresses)` per pair, in the order first given.
pub fn fold(args: &[ResolveArg]) -> Vec<(String, u16, Vec<IpAddr>)> {
    let mut entries: Vec<(String, u16, Vec<IpAddr>)> = Vec::new();
    for arg in args {
        match arg {
            ResolveArg::Add { host, port, addrs } => {
                match entries.iter_mut().find(|(h, p, _)| h == host && p == port) {
                    Some((_, _, known)) => known.extend(addrs),
                    None => entries.push((host.clone(), *port, addrs.clone())),
                }
            }
            ResolveArg::Remove { host, port } => {
                entries.retain(|(h, p, _)| !(h == host && p == port));
            }
        }
    }
    entries
}

/// The host field at the start of `text` (an IPv6 address in brackets, or everything up to
/// the first `:`), without brackets, and what follows its `:`.
fn host_field(text: &str) -> Option<(&str, &str)> {
    if let Some(bracketed) = text.strip_prefix('[') {
        let (host, rest) = bracketed.split_once(']')?;
        return Some((host, rest.strip_prefix(':')?));
    }
    text.split_once(':')
}

/// A port: 1 to 65535, digits only.
fn port_field(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|&port| port != 0)
}

/// A `--resolve` host: not empty, not the wildcard, lowercase.
fn checked_host(host: &str) -> Result<String, String> {
    match host {
        "" => Err("the host name is empty".to_string()),
        "*" => Err("a wildcard host ('*') is not supported; name each host".to_string()),
        host => Ok(host.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn resolve_gives_a_host_and_port_addresses() {
        assert_eq!(
            resolve("Example.com:443:127.0.0.1,[::1]"),
            Ok(ResolveArg::Add {
                host: "example.com".to_string(),
                port: 443,
                addrs: vec![ip("127.0.0.1"), ip("::1")],
            })
        );
        assert_eq!(
            resolve("+a.test:80:10.0.0.1"),
            resolve("a.test:80:10.0.0.1"),
            "+ changes nothing"
        );
        assert_eq!(
            resolve("[::1]:8080:127.0.0.1"),
            Ok(ResolveArg::Add {
                host: "::1".to_string(),
                port: 8080,
                addrs: vec![ip("127.0.0.1")],
            })
        );
    }

    #[test]
    fn resolve_minus_takes_back() {
        assert_eq!(
            resolve("-a.test:80"),
            Ok(ResolveArg::Remove {
                host: "a.test".to_string(),
                port: 80
            })
        );
        let args = [
            resolve("a.test:80:10.0.0.1").unwrap(),
            resolve("b.test:80:10.0.0.2").unwrap(),
            resolve("a.test:80:10.0.0.3").unwrap(),
            resolve("-b.test:80").unwrap(),
        ];
        assert_eq!(
            fold(&args),
            vec![(
                "a.test".to_string(),
                80,
                vec![ip("10.0.0.1"), ip("10.0.0.3")]
            )]
        );
    }

    #[test]
    fn resolve_refuses_what_it_cannot_use() {
        for bad in [
            "a.test",
            "a.test:80",
            "a.test:http:127.0.0.1",
            "a.test:0:127.0.0.1",
            "a.test:70000:127.0.0.1",
            "a.test:80:localhost",
            "a.test:80:",
            ":80:127.0.0.1",
            "[::1:80:127.0.0.1",
        ] {
            assert!(resolve(bad).is_err(), "{bad:?}");
        }
        assert!(resolve("*:80:127.0.0.1").unwrap_err().contains("wildcard"));
    }

    #[test]
    fn connect_to_with_empty_fields() {
        assert_eq!(
            connect_to("example.com:443:127.0.0.1:8443"),
            Ok(ConnectToArg {
                host: Some("example.com".to_string()),
                port: Some(443),
                to_host: Some("127.0.0.1".to_string()),
                to_port: Some(8443),
            })
        );
        assert_eq!(
            connect_to("::127.0.0.1:"),
            Ok(ConnectToArg {
                host: None,
                port: None,
                to_host: Some("127.0.0.1".to_string()),
                to_port: None,
            })
        );
        assert_eq!(
            connect_to("[::1]:80:[::2]:81"),
            Ok(ConnectToArg {
                host: Some("::1".to_string()),
                port: Some(80),
                to_host: Some("::2".to_string()),
                to_port: Some(81),
            })
        );
        for bad in ["a:1:b", "a:x:b:1", "a:1:b:65536", "a"] {
            assert!(connect_to(bad).is_err(), "{bad:?}");
        }
    }
}
