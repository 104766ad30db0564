//! Resolving a host name and opening a TCP connection to one of its addresses.
//!
//! Name resolution uses the system resolver through `std`, which blocks and cannot be told to
//! stop. When the call has a deadline, resolution therefore runs on a helper thread that we stop
//! waiting for when the deadline passes. IP literals skip resolution altogether, and so do
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
/// send queries for localhost names" to DNS. So we never ask the resolver about them, which
/// keeps a name that must mean this machine from being answered by anyone else, and needs no
/// helper thread. curl does the same (since 7.78 for `localhost`, 7.85 for names under it).
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

/// The addresses of `host`, in the order the resolver gave them; for a localhost name
/// ([`is_localhost_name`]), 127.0.0.1 and then ::1, without asking the resolver.
pub fn resolve(host: &str, port: u16, deadline: Deadline) -> Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if is_localhost_name(host) {
        // IPv4 first: what a local server listens on most often. One that listens on ::1
        // alone refuses the first attempt at once, and the second reaches it.
        return Ok(vec![
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port),
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port),
        ]);
    }
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
    let mut last_error = None;
    let mut tried = 0;
    for (index, addr) in addrs.iter().enumerate() {
        let timeout = match deadline.remaining() {
            Some(left) if left.is_zero() => break,
            Some(left) => {
                let share = left / u32::try_from(addrs.len() - index).unwrap_or(u32::MAX);
                Some(share.max(Duration::from_millis(1)))
            }
            None => None,
        };
        // A local end that cannot be bound ends the call: every address would meet it.
        tried += 1;
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
            Err(err) => last_error = Some(err),
        }
    }
    match last_error {
        // The cause is the last attempt's; the message names every address tried, so that
        // `localhost` refused on both 127.0.0.1 and ::1 does not read as an IPv6 problem.
        Some(err)
            if !matches!(
                err.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            Err(Error::new(
                ErrorKind::Connect,
                format!("could not connect to {}", one_of(&addrs[..tried])),
            )
            .with_source(err))
        }
        _ => {
            let peer = addrs.first().map_or_else(String::new, ToString::to_string);
            Err(deadline.expired_error(TimeoutPhase::Connect).context(peer))
        }
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
        // The resolver here knows `localhost` from /etc/hosts, with its own list and order,
        // and knows no name under it.
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
        let closed = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
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
        let closed = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
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
        let closed = |ip: &str| {
            TcpListener::bind((ip, 0))
                .and_then(|listener| listener.local_addr())
                .ok()
        };
        let addrs: Vec<SocketAddr> = ["127.0.0.1", "127.0.0.2", "::1"]
            .into_iter()
            .filter_map(closed)
            .collect();
        let err = connect(
            &addrs,
            &LocalEnd::default(),
            Deadline::after(Some(Duration::from_secs(5))),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect);
        assert_eq!(
            err.message(),
            format!("could not connect to {}", one_of(&addrs))
        );
        assert_eq!(one_of(&addrs[..1]), addrs[0].to_string());
        let [a, b] = ["127.0.0.1:1", "[::1]:2"].map(|a| a.parse::<SocketAddr>().unwrap());
        assert_eq!(one_of(&[a, b]), "127.0.0.1:1 or [::1]:2");
        assert_eq!(one_of(&[a, b, a]), "127.0.0.1:1, [::1]:2 or 127.0.0.1:1");
    }
}
