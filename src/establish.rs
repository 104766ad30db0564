//! Getting a connection for a URL: from the pool, or made afresh.
//!
//! A fresh connection is made in the order the protocols stack up: resolve the host (the
//! proxy's, if there is one), open TCP, ask the proxy for a tunnel when the URL is https, and
//! run the TLS handshake with the origin. The connect timeout bounds all of it together.

#[cfg(feature = "tls")]
use std::sync::Arc;
use std::time::Instant;

use crate::agent::AgentInner;
use crate::error::{Error, ErrorKind, Result, TimeoutPhase};
use crate::exchange::read_response_head;
use crate::http1::write::write_request_head;
use crate::proxy::Proxy;
use crate::trace::{mask_credentials, TraceEvent};
use crate::transport::connect::{connect, resolve};
use crate::transport::connection::{Connection, ConnectionInfo};
use crate::transport::deadline::Deadline;
use crate::transport::pool::PoolKey;
use crate::transport::socket::TimedSocket;
use crate::transport::stream::Stream;
use crate::url::{Scheme, Url};

/// The pool key of requests to `url` through `proxy`.
pub(crate) fn pool_key(url: &Url, proxy: Option<&Proxy>) -> PoolKey {
    PoolKey {
        scheme: url.scheme().as_str(),
        host: url.host().to_string(),
        port: url.port(),
        proxy: proxy.map(Proxy::authority),
    }
}

/// Whether a connection may come from the pool, and how carefully.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reuse {
    /// A new connection only.
    Never,
    /// An idle one if there is one. The request is retried on a fresh connection if this one
    /// proves dead before answering, so the pool skips its close check.
    Retryable,
    /// An idle one, first checked for a close the server sent while it waited: the request
    /// cannot be sent twice (a POST, or a streamed body).
    Checked,
}

/// A connection to the origin of `url`: an idle one from the pool if `reuse` allows and one
/// is there, otherwise a new one.
pub(crate) fn connection_for(
    agent: &AgentInner,
    url: &Url,
    proxy: Option<&Proxy>,
    deadline: Deadline,
    reuse: Reuse,
) -> Result<Connection> {
    let key = pool_key(url, proxy);
    if reuse != Reuse::Never {
        if let Some(conn) = agent.pool.take(&key, reuse == Reuse::Checked) {
            agent.trace(|| TraceEvent::Connected {
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

    let (host, port) = match proxy {
        Some(proxy) => (proxy.host(), proxy.port()),
        None => (url.host(), url.port()),
    };
    let config = &agent.config;
    let connect_by = deadline.earliest(Deadline::named(
        "the connect timeout",
        config.connect_timeout,
    ));
    let mut info = ConnectionInfo::default();

    let started = Instant::now();
    let addrs = resolve(host, port, deadline)?;
    info.dns = started.elapsed();
    agent.trace(|| TraceEvent::Resolved {
        host,
        addrs: &addrs,
    });

    let started = Instant::now();
    let tcp = connect(&addrs, connect_by)?;
    info.tcp = started.elapsed();
    let peer = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let socket = TimedSocket::new(tcp, peer);
    info.remote = socket.remote_addr();
    info.local = socket.local_addr();
    agent.trace(|| TraceEvent::Connected {
        remote: info.remote,
        local: info.local,
        reused: false,
    });

    let started = Instant::now();
    let mut stream = Stream::Plain(socket);
    if let (Some(proxy), Scheme::Https) = (proxy, url.scheme()) {
        stream = open_tunnel(stream, url, proxy, agent, connect_by)?;
    }
    #[cfg(feature = "tls")]
    if url.scheme() == Scheme::Https {
        let Stream::Plain(socket) = stream else {
            unreachable!("TLS is only ever added once")
        };
        let budget = connect_by.budget(None, TimeoutPhase::Handshake);
        let tls = crate::transport::tls::TlsStream::handshake(
            agent.tls.clone(),
            url.host(),
            socket,
            &budget,
        )?;
        let details = Arc::new(crate::tls_info::TlsInfo::from_session(tls.session()));
        agent.trace(|| TraceEvent::TlsHandshake(&details));
        info.tls = Some(details);
        stream = Stream::Tls(Box::new(tls));
    }
    // Only https has a handshake (and a tunnel before it, through a proxy).
    if url.scheme() == Scheme::Https {
        info.handshake = started.elapsed();
    }

    Ok(Connection::new(stream, key, info))
}

/// Asks the proxy on `stream` to connect us to the origin of `url` (RFC 9110 section 9.3.6),
/// and returns the same stream, which now leads to the origin.
fn open_tunnel(
    stream: Stream,
    url: &Url,
    proxy: &Proxy,
    agent: &AgentInner,
    connect_by: Deadline,
) -> Result<Stream> {
    let authority = url.authority();
    let mut headers = vec![("Host", authority.as_str())];
    if let Some(credentials) = proxy.authorization() {
        headers.push(("Proxy-Authorization", credentials));
    }
    let mut request = Vec::with_capacity(128);
    write_request_head(&mut request, "CONNECT", &authority, headers)?;

    let mut conn = Connection::new(
        stream,
        pool_key(url, Some(proxy)),
        ConnectionInfo::default(),
    );
    let budget = connect_by.budget(None, TimeoutPhase::Handshake);
    if let Some(trace) = agent.tracer() {
        trace(&TraceEvent::RequestHead(&mask_credentials(&request)));
    }
    conn.write_all(&request, &budget)?;
    let head = read_response_head(&mut conn, &budget, agent)
        .map_err(|e| e.context(format!("proxy {proxy}")))?;
    if !(200..300).contains(&head.status) {
        return Err(Error::new(
            ErrorKind::Connect,
            format!(
                "the proxy {proxy} refused the tunnel to {authority}: {} {}",
                head.status,
                head.reason()
            ),
        ));
    }
    if !conn.buffered().is_empty() {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "the proxy {proxy} sent data after accepting the tunnel, before the TLS handshake"
            ),
        ));
    }
    Ok(conn.into_stream())
}
