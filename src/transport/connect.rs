//! Resolving a host name and opening a TCP connection to one of its addresses. No TLS and no
//! proxy here: `transport/tls.rs` and `client/connect.rs` stack those on top.
//!
//! Name resolution uses the system resolver through `std`, which blocks and cannot be told to
//! stop. When there is a deadline to keep, resolution therefore runs on a helper thread that we
//! stop waiting for when the deadline passes; the middle layer gives one to every connection
//! it opens by default (the connect timeout, or the call's deadline if sooner). IP literals skip resolution altogether, and so do
//! localhost names, which are loopback by definition (RFC 6761 section 6.3).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result, TimeoutPhase};
use crate::transport::deadline::Deadline;
use crate::transport::local_end::LocalEnd;

/// `host:port` as it is written in URLs and messages: an IPv6 address in brackets
/// (`[::1]:443`, RFC 3986 section 3.2.2). The one place this rule is written.
///
/// ```text
/// assert_eq!(HostPort("::1", 443).to_string(), "[::1]:443");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HostPort<'a>(pub &'a str, pub u16);

impl std::fmt::Display for HostPort<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let HostPort(host, port) = *self;
        if host.contains(':') {
            write!(f, "[{host}]:{port}")
        } else {
            write!(f, "{host}:{port}")
        }
    }
}

/// Lookups whose thread may still be waiting on the system resolver, in the whole process:
/// at most this many. Each costs a thread; a resolver that stops answering would otherwise
/// let them grow with every call. Real lookups end in seconds, so 64 at once is far beyond
/// what a program has in flight.
pub const MAX_PENDING_LOOKUPS: usize = 64;

/// Lookups whose thread is still running.
static PENDING_LOOKUPS: AtomicUsize = AtomicUsize::new(0);

/// One lookup counted in [`PENDING_LOOKUPS`] until it is dropped: when its thread has the
/// answer, or with the thread's work if the thread could not be started.
struct PendingLookup;

impl PendingLookup {
    /// Counts one more lookup, unless [`MAX_PENDING_LOOKUPS`] are already pending.
    fn start() -> Option<PendingLookup> {
        if PENDING_LOOKUPS.fetch_add(1, Ordering::SeqCst) >= MAX_PENDING_LOOKUPS {
            PENDING_LOOKUPS.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(PendingLookup)
    }
}

impl Drop for PendingLookup {
    fn drop(&mut self) {
        PENDING_LOOKUPS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether `host` is a localhost name: `localhost` or a name under it (`app.localhost`), in
/// any case, with or without the trailing dot of a fully qualified name.
///
/// RFC 6761 section 6.3: such names are the loopback address, and name resolution "SHOULD NOT
/// send queries for localhost names" to DNS. So we never ask the system resolver about them,
/// which keeps a name that must mean this machine from being answered by anyone else, and
/// needs no helper thread. curl does the same (since 7.78 for `localhost`, 7.85 for names under
/// it, 8.12 for the forms with a trailing dot). Environment proxies are bypassed by this rule
/// too; a proxy set explicitly still gets the request, and resolves the name itself.
///
/// ```text
/// assert!(is_localhost_name("localhost"));
/// assert!(is_localhost_name("api.LocalHost."));
/// assert!(!is_localhost_name("localhost.example.com"));
/// assert!(!is_localhost_name("mylocalhost"));
/// ```
pub fn is_localhost_name(host: &str) -> bool {
    const NAME: &[u8] = b"localhost";
    let host = host.strip_suffix('.').unwrap_or(host).as_bytes();
    let Some(start) = host.len().checked_sub(NAME.len()) else {
        return false;
    };
    host[start..].eq_ignore_ascii_case(NAME) && (start == 0 || host[start - 1] == b'.')
}

/// The addresses of `host`: an IP address as it is; for a localhost name
/// ([`is_localhost_name`]), 127.0.0.1 and then ::1, without asking the system resolver; any
/// other name, in the order the system resolver gives them.
pub fn resolve(host: &str, port: u16, deadline: Deadline) -> Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if is_localhost_name(host) {
        // IPv4 first, since we try one address after the other (curl lists ::1 first and
        // tries both families at once): what a local server listens on most often. One that
        // listens on ::1 alone refuses the first attempt at once, and the second reaches it.
        return Ok(vec![
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port),
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port),
        ]);
    }
    system_resolve(host, port, deadline)
}

/// The addresses the system resolver gives for `host`, asked on a helper thread when there is
/// a deadline.
fn system_resolve(host: &str, port: u16, deadline: Deadline) -> Result<Vec<SocketAddr>> {
    let lookup = {
        let host = host.to_string();
        move || {
            (host.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>)
        }
    };
    let result = match deadline.remaining() {
        None => lookup(),
        Some(left) => {
            // A lookup we stopped waiting for keeps its thread until the resolver answers; a
            // resolver that never does must not make threads pile up without end.
            let Some(pending) = PendingLookup::start() else {
                return Err(Error::new(
                    ErrorKind::Dns,
                    format!(
                        "could not resolve host {host}: {MAX_PENDING_LOOKUPS} earlier lookups \
                         are still unanswered"
                    ),
                ));
            };
            let counted = move || {
                let answer = lookup();
                drop(pending);
                answer
            };
            match within(left, counted)? {
                Some(result) => result,
                None => return Err(deadline.expired_error(TimeoutPhase::Resolve).context(host)),
            }
        }
    };
    match result {
        Ok(addrs) if !addrs.is_empty() => Ok(addrs),
        Ok(_) => Err(Error::new(
            ErrorKind::Dns,
            format!("{host} has no addresses"),
        )),
        Err(err) => Err(
            Error::new(ErrorKind::Dns, format!("could not resolve host {host}")).with_source(err),
        ),
    }
}

/// Runs `work` on a helper thread and waits for its answer at most `left`: `None` if it has
/// not answered by then (it is left to finish, and its answer to be dropped, on its own).
///
/// The answer is handed over in a slot the helper fills and we wait on (a mutex and a
/// condition variable: all a one-shot hand-over needs, where a channel would bring std's whole
/// channel machinery into every build).
fn within<T: Send + 'static>(
    left: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<Option<T>> {
    let slot = Arc::new((Mutex::new(None), Condvar::new()));
    let helper = Arc::clone(&slot);
    std::thread::Builder::new()
        .name("plainwire-resolve".into())
        .spawn(move || {
            let answer = work();
            let (filled, ready) = &*helper;
            *filled.lock().unwrap_or_else(PoisonError::into_inner) = Some(answer);
            ready.notify_one();
        })
        .map_err(|e| {
            Error::new(ErrorKind::Io, "could not start a resolver thread").with_source(e)
        })?;
    let (filled, ready) = &*slot;
    let waiting = filled.lock().unwrap_or_else(PoisonError::into_inner);
    let (mut answer, _) = ready
        .wait_timeout_while(waiting, left, |answer| answer.is_none())
        .unwrap_or_else(PoisonError::into_inner);
    Ok(answer.take())
}

/// Connects to each address in turn until one answers, from the `local` end, before
/// `deadline` (the earlier of the connect timeout and the call's deadline). Only the addresses
/// of the local address's family are tried, when there is one. Each attempt gets an equal
/// share of what is left, so one black-holed address cannot use up the time the others need.
/// Returns the stream and the address it reached, which is its peer's (so that nobody needs to
/// ask the socket).
pub fn connect(
    addrs: &[SocketAddr],
    local: &LocalEnd,
    deadline: Deadline,
) -> Result<(TcpStream, SocketAddr)> {
    let addrs = local.reachable(addrs)?;
    let mut cause: Option<std::io::Error> = None;
    let mut tried = 0;
    // Whether time ran out: before an address could be tried, or during the last attempt,
    // which had all that was left.
    let mut ran_out = false;
    for (index, addr) in addrs.iter().enumerate() {
        let timeout = match deadline.remaining() {
            Some(left) if left.is_zero() => {
                ran_out = true;
                break;
            }
            Some(left) => {
                let share = left / u32::try_from(addrs.len() - index).unwrap_or(u32::MAX);
                Some(share.max(Duration::from_millis(1)))
            }
            None => None,
        };
        tried += 1;
        // A local end that cannot be bound ends the call: every address would meet it.
        match local.connect(addr, timeout)? {
            Ok(stream) => {
                // Requests are written whole; waiting to coalesce them only adds latency.
                stream.set_nodelay(true).map_err(|e| {
                    Error::new(
                        ErrorKind::Connect,
                        format!("{addr}: could not set TCP_NODELAY"),
                    )
                    .with_source(e)
                })?;
                return Ok((stream, *addr));
            }
            Err(err) => {
                ran_out = matches!(
                    err.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                );
                if cause
                    .as_ref()
                    .is_none_or(|kept| telling(&err) >= telling(kept))
                {
                    cause = Some(err);
                }
            }
        }
    }
    // The message names every address tried (the first, if time ran out before any), so that
    // `localhost` refused on 127.0.0.1 and then ::1 does not read as a problem of ::1 alone;
    // the cause is the most telling failure.
    let tried_at = one_of(&addrs[..tried.max(1).min(addrs.len())]);
    match cause {
        Some(err) if !ran_out => Err(Error::new(
            ErrorKind::Connect,
            format!("could not connect to {tried_at}"),
        )
        .with_source(err)),
        _ => Err(deadline
            .expired_error(TimeoutPhase::Connect)
            .context(tried_at)),
    }
}

/// How much a failed attempt says, to choose the cause of a connect that failed at every
/// address: most, a refusal or a reset (a peer answered); least, an attempt this machine could
/// not even make (no such local address, as ::1 where IPv6 is off; no route); a timeout or
/// anything else in between. Of equal ones, the later is kept.
fn telling(err: &std::io::Error) -> u8 {
    use std::io::ErrorKind::{
        AddrNotAvailable, ConnectionRefused, ConnectionReset, HostUnreachable, NetworkUnreachable,
    };
    match err.kind() {
        ConnectionRefused | ConnectionReset => 2,
        AddrNotAvailable | NetworkUnreachable | HostUnreachable => 0,
        _ => 1,
    }
}

/// `a`, `a or b`, `a, b or c`: the addresses a connection was tried at.
fn one_of(addrs: &[SocketAddr]) -> String {
    let mut out = String::new();
    for (index, addr) in addrs.iter().enumerate() {
        let last = index + 1 == addrs.len();
        match index {
            0 => {}
            _ if last => out.push_str(" or "),
            _ => out.push_str(", "),
        }
        out.push_str(&addr.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// An address on 127.0.0.1 where nothing listens: a port just bound and let go.
    fn closed_port() -> SocketAddr {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    }

    #[test]
    fn ipv6_hosts_are_bracketed_and_names_are_not() {
        assert_eq!(HostPort("::1", 443).to_string(), "[::1]:443");
        assert_eq!(HostPort("example.com", 80).to_string(), "example.com:80");
    }

    #[test]
    fn ip_literals_are_not_resolved() {
        let addrs = resolve("::1", 8080, Deadline::none()).unwrap();
        assert_eq!(addrs, vec!["[::1]:8080".parse().unwrap()]);
    }

    #[test]
    fn localhost_names_are_loopback_without_the_resolver() {
        let loopback: Vec<SocketAddr> =
            vec!["127.0.0.1:80".parse().unwrap(), "[::1]:80".parse().unwrap()];
        // Whatever the system resolver would say (where /etc/hosts names 127.0.0.1 alone for
        // localhost, or nothing under it, the old lookup gave other answers or none).
        for host in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "app.localhost",
            "a.b.localhost.",
        ] {
            assert_eq!(
                resolve(host, 80, Deadline::none()).unwrap(),
                loopback,
                "{host}"
            );
            let deadline = Deadline::after(Some(Duration::from_secs(10)));
            assert_eq!(resolve(host, 80, deadline).unwrap(), loopback, "{host}");
        }
    }

    #[test]
    fn the_system_resolver_answers_with_and_without_a_deadline() {
        // localhost through the system resolver, as any other name: /etc/hosts answers it
        // (whatever addresses it names), so no query leaves the machine.
        assert!(!system_resolve("localhost", 80, Deadline::none())
            .unwrap()
            .is_empty());
        let deadline = Deadline::after(Some(Duration::from_secs(10)));
        assert!(!system_resolve("localhost", 80, deadline)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn only_localhost_and_names_under_it_are_localhost_names() {
        for host in [
            "localhost",
            "Localhost.",
            ".localhost",
            "x.localhost",
            "x.y.LOCALHOST.",
        ] {
            assert!(is_localhost_name(host), "{host}");
        }
        for host in [
            "",
            ".",
            "localhost..",
            "mylocalhost",
            "x-localhost",
            "localhost.example.com",
            "localhost.localdomain",
            "localhos",
            "127.0.0.1",
        ] {
            assert!(!is_localhost_name(host), "{host}");
        }
    }

    #[test]
    fn a_helper_that_answers_in_time_is_heard() {
        assert_eq!(within(Duration::from_secs(30), || 7).unwrap(), Some(7));
    }

    #[test]
    fn a_helper_that_does_not_answer_in_time_is_not_waited_for() {
        // The helper would answer after a minute; the wait ends after 20 ms, with nothing.
        let slow = || std::thread::sleep(Duration::from_secs(60));
        assert_eq!(within(Duration::from_millis(20), slow).unwrap(), None);
    }

    #[test]
    fn a_refused_address_is_skipped_for_one_that_listens() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let closed = closed_port();
        let addrs = [closed, listener.local_addr().unwrap()];
        let (stream, peer) = connect(
            &addrs,
            &LocalEnd::default(),
            Deadline::after(Some(Duration::from_secs(5))),
        )
        .unwrap();
        assert_eq!(peer, listener.local_addr().unwrap());
        assert_eq!(stream.peer_addr().unwrap(), peer);
    }

    #[test]
    fn connection_refused_is_a_connect_error() {
        let closed = closed_port();
        let err = connect(
            &[closed],
            &LocalEnd::default(),
            Deadline::after(Some(Duration::from_secs(5))),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect);
        assert_eq!(err.message(), format!("could not connect to {closed}"));
    }

    #[test]
    fn a_refusal_at_every_address_names_each() {
        let addrs = [closed_port(), closed_port(), closed_port()];
        let err = connect(
            &addrs,
            &LocalEnd::default(),
            Deadline::after(Some(Duration::from_secs(5))),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect);
        let [a, b, c] = addrs;
        assert_eq!(
            err.message(),
            format!("could not connect to {a}, {b} or {c}")
        );
        let cause = std::error::Error::source(&err)
            .and_then(|source| source.downcast_ref::<std::io::Error>())
            .unwrap();
        assert_eq!(cause.kind(), std::io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn addresses_are_listed_with_commas_and_a_last_or() {
        let [a, b] = ["127.0.0.1:1", "[::1]:2"].map(|a| a.parse::<SocketAddr>().unwrap());
        assert_eq!(one_of(&[a]), "127.0.0.1:1");
        assert_eq!(one_of(&[a, b]), "127.0.0.1:1 or [::1]:2");
        assert_eq!(one_of(&[a, b, a]), "127.0.0.1:1, [::1]:2 or 127.0.0.1:1");
    }

    #[test]
    fn a_peer_that_answered_is_the_cause_over_an_address_this_machine_lacks() {
        use std::io::{Error as IoError, ErrorKind as Io};
        let rank = |kind| telling(&IoError::from(kind));
        // localhost where IPv6 is off: 127.0.0.1 refused, then ::1 not a local address.
        assert!(rank(Io::ConnectionRefused) > rank(Io::AddrNotAvailable));
        assert!(rank(Io::ConnectionReset) > rank(Io::TimedOut));
        assert!(rank(Io::TimedOut) > rank(Io::NetworkUnreachable));
        assert!(rank(Io::Other) > rank(Io::HostUnreachable));
    }

    #[test]
    fn a_deadline_already_past_is_a_connect_timeout_naming_the_address() {
        let closed = closed_port();
        let err = connect(
            &[closed, closed],
            &LocalEnd::default(),
            Deadline::after(Some(Duration::ZERO)),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Connect));
        assert!(err.to_string().contains(&closed.to_string()), "{err}");
    }
}
