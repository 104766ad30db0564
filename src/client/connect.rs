//! Getting a connection for a URL: from the pool, or made afresh. What goes over it is the
//! exchange's business, not this file's.
//!
//! A fresh connection is made in the order the protocols stack up: resolve the host (the
//! proxy's, if there is one), open TCP, ask the proxy for a tunnel when the URL is https, and
//! run the TLS handshake with the origin. The connect timeout bounds all of it together.

#[cfg(feature = "tls")]
use std::sync::Arc;
use std::time::Instant;

use crate::client::proxy::Proxy;
use crate::client::tunnel::open_tunnel;
use crate::client::Shared;
use crate::error::{Error, ErrorKind, Result};
use crate::trace::TraceEvent;
use crate::transport::connect::{connect, resolve, HostPort};
use crate::transport::connection::{Connection, ConnectionInfo, PoolKey};
use crate::transport::deadline::Deadline;
use crate::transport::socket::TimedSocket;
use crate::transport::stream::Stream;
use crate::url::{Scheme, Url};

/// The pool key of requests to `url` through `proxy`.
pub(crate) fn pool_key(url: &Url, proxy: Option<&Proxy>) -> PoolKey {
    PoolKey {
        scheme: url.scheme().as_str(),
        host: url.host().to_string(),
        port: url.port(),
        proxy: proxy.map(Proxy::pool_name),
    }
}

/// Whether a connection may come from the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reuse {
    /// An idle one if there is one, after the pool has checked that nothing (no byte, no
    /// close) arrived on it while it waited; otherwise a new one.
    Pooled,
    /// A new connection only: the retry after a pooled one proved dead.
    Never,
}

/// A connection to the origin of `url`: an idle one from the pool if `reuse` allows and one
/// is there, otherwise a new one.
pub(crate) fn connection_for(
    shared: &Shared,
    url: &Url,
    proxy: Option<&Proxy>,
    deadline: Deadline,
    reuse: Reuse,
) -> Result<Box<Connection>> {
    if reuse == Reuse::Pooled {
        let proxy_name = proxy.map(Proxy::pool_name);
        let (scheme, host, port) = (url.scheme().as_str(), url.host(), url.port());
        let is_key = |key: &PoolKey| key.is(scheme, host, port, proxy_name.as_deref());
        if let Some(conn) = shared.pool.take(is_key) {
            shared.tracer.emit(|| TraceEvent::Connected {
                remote: conn.info().remote,
                local: conn.info().local,
                reused: true,
            });
            return Ok(conn);
        }
    }
    if url.scheme() == Scheme::Https && cfg!(not(feature = "tls")) {
        return Err(Error::new(
            ErrorKind::UnsupportedScheme,
            "https URLs need plainwire's `tls` feature, which this build leaves out",
        ));
    }

    let key = pool_key(url, proxy);
    let routes = &shared.settings.routes;
    let (host, port) = match proxy {
        // The proxy is reached at its own address: a route (curl's --connect-to) is for the
        // origin, and through a tunnel it changes where the CONNECT asks to go.
        Some(proxy) => (proxy.host(), proxy.port()),
        None => routes.target(url.host(), url.port()),
    };
    let tracer = &shared.tracer;
    let connect_by = deadline.earliest(Deadline::named(
        "the connect timeout",
        shared.settings.connect_timeout,
    ));
    let mut info = ConnectionInfo::default();

    let started = Instant::now();
    let mut addrs = match routes.resolved(host, port) {
        Some(addrs) => addrs,
        // Name resolution counts towards the connect timeout, as in curl.
        // With no connect timeout and no deadline, the read timeout still bounds the wait.
        None => resolve(
            host,
            port,
            connect_by.or_else_limit(shared.settings.read_timeout),
        )?,
    };
    addrs.retain(|addr| routes.family.allows(addr));
    if addrs.is_empty() {
        return Err(Error::new(
            ErrorKind::Dns,
            format!(
                "{} has no address of the family asked for ({:?})",
                HostPort(host, port),
                routes.family
            ),
        ));
    }
    info.dns = started.elapsed();
    tracer.emit(|| TraceEvent::Resolved {
        host,
        addrs: &addrs,
    });

    let started = Instant::now();
    let (tcp, remote) = connect(&addrs, &shared.settings.local_end, connect_by)?;
    info.tcp = started.elapsed();
    let socket = TimedSocket::new(tcp, HostPort(host, port).to_string());
    info.remote = Some(remote);
    info.local = socket.local_addr();
    tracer.emit(|| TraceEvent::Connected {
        remote: info.remote,
        local: info.local,
        reused: false,
    });

    let started = Instant::now();
    let mut stream = Stream::Plain(socket);
    let settings = &shared.settings;
    if let Some(proxy) = proxy.filter(|proxy| !settings.forwards(url, Some(proxy))) {
        stream = open_tunnel(
            stream,
            key.clone(),
            url,
            proxy,
            settings,
            tracer,
            connect_by,
        )?;
        let origin = HostPort(url.host(), url.port());
        let proxy = HostPort(host, port);
        stream.rename_peer(format!("{origin} (through the proxy {proxy})"));
    }
    #[cfg(feature = "tls")]
    if url.scheme() == Scheme::Https {
        let Stream::Plain(socket) = stream else {
            unreachable!("TLS is only ever added once")
        };
        // Each silence of the handshake is bounded by the read timeout too, so that a server
        // that accepts TCP and never speaks TLS ends in an error even with no connect timeout.
        let idle = shared.settings.read_timeout;
        let budget = connect_by.budget(idle, crate::error::TimeoutPhase::Handshake);
        let tls = crate::transport::tls::TlsStream::handshake(
            shared.tls.config()?,
            url.host(),
            socket,
            &budget,
            tls_tap(tracer),
        )?;
        let details = Arc::new(crate::transport::tls_info::NegotiatedTls::from_session(
            tls.session(),
            shared.tls.verifies_chain(),
        ));
        tracer.emit(|| TraceEvent::TlsHandshake(details.info()));
        info.tls = Some(details);
        stream = Stream::Tls(Box::new(tls));
    }
    // Only https has a handshake (and a tunnel before it, through a proxy).
    if url.scheme() == Scheme::Https {
        info.handshake = started.elapsed();
    }

    Ok(Box::new(Connection::new(stream, key, info)))
}

/// A tap that reports each TLS record of a new connection to the trace, when the agent has a
/// trace hook; `None` otherwise, so that an untraced connection never looks at its records.
#[cfg(all(feature = "tls", feature = "inspect"))]
fn tls_tap(tracer: &crate::trace::Tracer) -> Option<crate::transport::tls_tap::TlsTap> {
    use crate::transport::tls_tap::{TlsTap, TlsTraceEvent};
    if !tracer.is_on() {
        return None;
    }
    let tracer = tracer.clone();
    Some(TlsTap::new(Arc::new(
        move |event: TlsTraceEvent<'_>| match event {
            TlsTraceEvent::Record(record) => tracer.emit(|| TraceEvent::TlsRecord(record)),
            TlsTraceEvent::Bytes { direction, bytes } => {
                tracer.emit(|| TraceEvent::TlsData { direction, bytes })
            }
        },
    )))
}

/// No tap: a build without the `inspect` feature describes no TLS records.
#[cfg(all(feature = "tls", not(feature = "inspect")))]
fn tls_tap(_tracer: &crate::trace::Tracer) -> Option<crate::transport::tls_tap::TlsTap> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_key_is_the_one_its_url_and_proxy_would_make() {
        let proxy = Proxy::new("http://u:p@proxy.example:3128").unwrap();
        let urls = [
            "http://a.example/",
            "https://a.example/",
            "http://a.example:81/",
            "http://b.example/",
        ];
        for first in urls {
            for second in urls {
                for (p1, p2) in [
                    (None, None),
                    (Some(&proxy), None),
                    (Some(&proxy), Some(&proxy)),
                ] {
                    let (a, b) = (Url::parse(first).unwrap(), Url::parse(second).unwrap());
                    let name = p2.map(Proxy::pool_name);
                    let is = pool_key(&a, p1).is(
                        b.scheme().as_str(),
                        b.host(),
                        b.port(),
                        name.as_deref(),
                    );
                    assert_eq!(is, pool_key(&a, p1) == pool_key(&b, p2), "{first} {second}");
                }
            }
        }
    }
}
