//! The `NO_PROXY` list as curl reads it: which hosts a request reaches directly although a proxy
//! is set. It does not read the environment, resolve names or choose a proxy; the proxy
//! selection does, and asks [`NoProxy::matches`] about the URL's host and port.
//!
//! There is no standard for this variable; curl's reading (its `--noproxy` and `NO_PROXY`
//! documentation and `lib/noproxy.c`) is the one most tools follow, and ours is that, plus
//! `host:port` entries and bracketed IPv6 addresses as Go's `net/http` accepts them:
//!
//! - entries are separated by commas and whitespace; empty ones are ignored;
//! - the whole list `*` matches every host (an entry `*` among others matches nothing, as in
//!   curl);
//! - a domain name matches itself and every name under it: `example.com` matches
//!   `example.com` and `www.example.com`, never `notexample.com`. A leading `.` or `*.` is
//!   accepted and means the same; a trailing `.` is ignored on both sides; case is ignored;
//! - an IPv4 or IPv6 address matches that address, and with `/bits` a CIDR range
//!   (`10.0.0.0/8`, `fe80::/10`); an IPv6 address may be written in brackets (`[::1]`). Addresses
//!   match only hosts written as addresses: no name is resolved;
//! - `entry:port` (`[::1]:8080` for IPv6) matches only requests to that port.
//!
//! An entry that is none of these (`10.0.0.0/40`, `host:http`) is ignored rather than read as
//! something broader than it says.

use std::net::IpAddr;

/// A parsed `NO_PROXY` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NoProxy {
    /// The list was `*`: no host uses the proxy.
    everything: bool,
    entries: Vec<Entry>,
}

/// One entry: what it matches, and on which port if it says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    pattern: Pattern,
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// Lowercase, without a leading or trailing dot: matches itself and its subdomains.
    Domain(String),
    /// An IPv4 network: the first `prefix` bits of `network`.
    Ipv4 { network: u32, prefix: u32 },
    /// An IPv6 network: the first `prefix` bits of `network`.
    Ipv6 { network: u128, prefix: u32 },
}

impl NoProxy {
    /// Reads a `NO_PROXY` (or `--noproxy`) value. It never fails: an entry it cannot read is
    /// ignored, and an empty list matches nothing.
    pub(crate) fn parse(list: &str) -> NoProxy {
        if list.trim() == "*" {
            return NoProxy {
                everything: true,
                entries: Vec::new(),
            };
        }
        let entries = list
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .filter(|token| !token.is_empty())
            .filter_map(Entry::parse)
            .collect();
        NoProxy {
            everything: false,
            entries,
        }
    }

    /// Whether a request to `host` on `port` goes direct. `host` is as in a URL: a domain name
    /// (any case, a trailing dot allowed), an IPv4 address, or an IPv6 address with or without
    /// its brackets.
    pub(crate) fn matches(&self, host: &str, port: u16) -> bool {
        if self.everything {
            return true;
        }
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let address = bare.parse::<IpAddr>().ok();
        let name = bare.strip_suffix('.').unwrap_or(bare);
        self.entries.iter().any(|entry| {
            entry.port.is_none_or(|p| p == port)
                && match (&entry.pattern, address) {
                    (Pattern::Domain(domain), None) => domain_matches(name, domain),
                    (Pattern::Ipv4 { network, prefix }, Some(IpAddr::V4(ip))) => {
                        same_prefix(u128::from(u32::from(ip)), u128::from(*network), *prefix, 32)
                    }
                    (Pattern::Ipv6 { network, prefix }, Some(IpAddr::V6(ip))) => {
                        same_prefix(u128::from(ip), *network, *prefix, 128)
                    }
                    _ => false,
                }
        })
    }

    /// Whether the list matches no host at all.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        !self.everything && self.entries.is_empty()
    }
}

impl Entry {
    /// One entry of the list; `None` if it cannot be read.
    fn parse(token: &str) -> Option<Entry> {
        let (host, port) = split_port(token)?;
        let pattern = match host.split_once('/') {
            Some((address, bits)) => {
                let bits = parse_decimal(bits)?;
                match address.parse::<IpAddr>().ok()? {
                    IpAddr::V4(ip) if bits <= 32 => Pattern::Ipv4 {
                        network: u32::from(ip),
                        prefix: bits,
                    },
                    IpAddr::V6(ip) if bits <= 128 => Pattern::Ipv6 {
                        network: u128::from(ip),
                        prefix: bits,
                    },
                    _ => return None,
                }
            }
            None => match host.parse::<IpAddr>() {
                Ok(IpAddr::V4(ip)) => Pattern::Ipv4 {
                    network: u32::from(ip),
                    prefix: 32,
                },
                Ok(IpAddr::V6(ip)) => Pattern::Ipv6 {
                    network: u128::from(ip),
                    prefix: 128,
                },
                Err(_) => {
                    let domain = host
                        .strip_prefix("*.")
                        .or_else(|| host.strip_prefix('.'))
                        .unwrap_or(host);
                    let domain = domain.strip_suffix('.').unwrap_or(domain);
                    if domain.is_empty() {
                        return None;
                    }
                    Pattern::Domain(domain.to_ascii_lowercase())
                }
            },
        };
        Some(Entry { pattern, port })
    }
}

/// Splits `host:port`, `[v6]:port`, `[v6]` or a bare host (an unbracketed IPv6 address has more
/// than one colon and no port). `None` if a port is there but is not a port number.
fn split_port(token: &str) -> Option<(&str, Option<u16>)> {
    if let Some(bracketed) = token.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(parse_port(after.strip_prefix(':')?)?),
        };
        return Some((inside, port));
    }
    match token.split_once(':') {
        Some((host, port)) if !port.contains(':') => Some((host, Some(parse_port(port)?))),
        _ => Some((token, None)),
    }
}

/// A port from 1 to 65535 in decimal digits only.
fn parse_port(text: &str) -> Option<u16> {
    u16::try_from(parse_decimal(text)?)
        .ok()
        .filter(|&port| port != 0)
}

/// `1*DIGIT` as a number of at most 5 digits (enough for a port or a prefix length).
fn parse_decimal(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Whether `name` is `domain` or a name under it, without regard to case.
fn domain_matches(name: &str, domain: &str) -> bool {
    if name.len() == domain.len() {
        return name.eq_ignore_ascii_case(domain);
    }
    name.len() > domain.len()
        && name.as_bytes()[name.len() - domain.len() - 1] == b'.'
        && name[name.len() - domain.len()..].eq_ignore_ascii_case(domain)
}

/// Whether the first `prefix` of the `width` low bits of `a` and `b` agree.
fn same_prefix(a: u128, b: u128, prefix: u32, width: u32) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = width - prefix;
    (a ^ b) >> shift == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(list: &str, host: &str) -> bool {
        NoProxy::parse(list).matches(host, 80)
    }

    #[test]
    fn an_empty_list_matches_nothing() {
        assert!(!direct("", "example.com"));
        assert!(!direct(" , ,", "example.com"));
        assert!(NoProxy::parse("").is_empty());
    }

    #[test]
    fn a_lone_star_matches_everything() {
        assert!(direct("*", "example.com"));
        assert!(direct(" * ", "10.1.2.3"));
        assert!(direct("*", "::1"));
    }

    #[test]
    fn a_star_among_other_entries_matches_nothing_as_in_curl() {
        assert!(!direct("localhost,*", "example.com"));
    }

    #[test]
    fn curl_docs_example_domain_and_subdomains() {
        // "local.com would match local.com, local.com:80, and www.local.com, but not
        // www.notlocal.com."
        let list = NoProxy::parse("local.com");
        assert!(list.matches("local.com", 80));
        assert!(list.matches("local.com", 8080));
        assert!(list.matches("www.local.com", 443));
        assert!(!list.matches("www.notlocal.com", 80));
        assert!(!list.matches("notlocal.com", 80));
        assert!(!list.matches("local.com.org", 80));
    }

    #[test]
    fn leading_dot_and_star_dot_mean_the_same() {
        for list in [".example.com", "*.example.com", "example.com"] {
            assert!(direct(list, "example.com"), "{list}");
            assert!(direct(list, "a.b.example.com"), "{list}");
            assert!(!direct(list, "badexample.com"), "{list}");
        }
    }

    #[test]
    fn trailing_dots_are_ignored_on_both_sides() {
        assert!(direct("example.com.", "example.com"));
        assert!(direct("example.com", "example.com."));
        assert!(direct("example.com.", "www.example.com."));
    }

    #[test]
    fn case_is_ignored() {
        assert!(direct("Example.COM", "www.example.com"));
        assert!(direct("example.com", "WWW.EXAMPLE.COM"));
    }

    #[test]
    fn commas_and_whitespace_separate_entries() {
        let list = NoProxy::parse(" a.example ,b.example\tc.example\n, ,d.example ");
        for host in ["a.example", "b.example", "c.example", "d.example"] {
            assert!(list.matches(host, 80), "{host}");
        }
        assert!(!list.matches("e.example", 80));
    }

    #[test]
    fn ipv4_addresses_match_exactly() {
        assert!(direct("10.1.2.3", "10.1.2.3"));
        assert!(!direct("10.1.2.3", "10.1.2.4"));
    }

    #[test]
    fn ipv4_cidr_ranges() {
        // curl's docs: "192.168.0.0/16" matches all addresses starting with "192.168".
        assert!(direct("192.168.0.0/16", "192.168.200.1"));
        assert!(!direct("192.168.0.0/16", "192.169.0.1"));
        assert!(direct("10.0.0.0/8", "10.255.255.255"));
        assert!(!direct("10.0.0.0/8", "11.0.0.0"));
        assert!(direct("10.1.2.3/32", "10.1.2.3"));
        assert!(!direct("10.1.2.3/32", "10.1.2.2"));
        assert!(direct("172.16.0.0/12", "172.31.0.1"));
        assert!(!direct("172.16.0.0/12", "172.32.0.1"));
        assert!(direct("0.0.0.0/0", "203.0.113.9"));
    }

    #[test]
    fn cidr_host_bits_in_the_entry_are_ignored() {
        assert!(direct("10.9.9.9/8", "10.0.0.1"));
    }

    #[test]
    fn ipv6_addresses_with_or_without_brackets() {
        for list in ["::1", "[::1]"] {
            assert!(direct(list, "::1"), "{list}");
            assert!(direct(list, "[::1]"), "{list}");
            assert!(!direct(list, "::2"), "{list}");
        }
        assert!(direct("2001:db8::1", "2001:DB8:0:0::1"));
    }

    #[test]
    fn ipv6_cidr_ranges() {
        assert!(direct("fe80::/10", "fe80::1"));
        assert!(direct("fe80::/10", "febf::1"));
        assert!(!direct("fe80::/10", "fec0::1"));
        assert!(direct("2001:db8::/32", "[2001:db8:ffff::1]"));
        assert!(!direct("2001:db8::/32", "2001:db9::1"));
        assert!(direct("[fd00::/8]", "fdff::1"));
        assert!(!direct("[fd00::/8]", "fe00::1"));
    }

    #[test]
    fn addresses_match_only_addresses_of_their_family() {
        assert!(!direct("10.0.0.0/8", "::ffff:10.0.0.1"));
        assert!(!direct("::/0", "10.0.0.1"));
        assert!(!direct("10.0.0.1", "example.com"));
    }

    #[test]
    fn names_are_not_resolved_or_compared_as_addresses() {
        assert!(!direct("127.0.0.1", "localhost"));
        assert!(!direct("localhost", "127.0.0.1"));
    }

    #[test]
    fn host_and_port_entries_match_only_that_port() {
        let list = NoProxy::parse("example.com:8080, 10.0.0.0/8:3128, [::1]:9000");
        assert!(list.matches("example.com", 8080));
        assert!(list.matches("www.example.com", 8080));
        assert!(!list.matches("example.com", 80));
        assert!(list.matches("10.2.3.4", 3128));
        assert!(!list.matches("10.2.3.4", 80));
        assert!(list.matches("::1", 9000));
        assert!(!list.matches("::1", 9001));
    }

    #[test]
    fn unreadable_entries_are_ignored_not_widened() {
        let list = NoProxy::parse(
            "10.0.0.0/33, ::/129, example.com/8, host:http, host:0, host:99999, [::1, [::1]x, ., *., 1.2.3.4/-1",
        );
        assert!(list.is_empty(), "{list:?}");
        assert!(!list.matches("10.0.0.1", 80));
        assert!(!list.matches("host", 80));
        assert!(!list.matches("example.com", 80));
    }

    #[test]
    fn a_partial_address_is_a_name_and_matches_no_address() {
        assert!(!direct("10.0", "10.0.0.1"));
    }

    #[test]
    fn prefix_arithmetic_at_the_edges() {
        assert!(same_prefix(0, u128::MAX, 0, 128));
        assert!(!same_prefix(0, 1, 128, 128));
        assert!(same_prefix(0xffff_ffff, 0xffff_fffe, 31, 32));
        assert!(!same_prefix(0xffff_ffff, 0x7fff_ffff, 1, 32));
    }
}
