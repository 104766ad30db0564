//! A tunnel through an HTTP proxy: the `CONNECT` request and its answer (RFC 9110 section
//! 9.3.6). HTTP syntax, so it is not in the transport; the TLS that follows is not its business.

use crate::client::exchange::read_response_head;
use crate::client::proxy::{proxy_fields, Proxy};
use crate::client::settings::Settings;
use crate::defaults::MAX_INFORMATIONAL;
use crate::error::{Error, ErrorKind, Result, TimeoutPhase};
use crate::http1::write::write_request_head;
use crate::trace::{TraceEvent, Tracer};
use crate::transport::connect::HostPort;
use crate::transport::connection::{Connection, ConnectionInfo, PoolKey};
use crate::transport::deadline::Deadline;
use crate::transport::stream::Stream;
use crate::url::Url;

/// Asks the proxy on `stream` to connect us to the origin of `url` (RFC 9110 section 9.3.6),
/// or to where a route (curl's `--connect-to`) sends it, and returns the same stream, which now
/// leads there.
pub(crate) fn open_tunnel(
    stream: Stream,
    key: PoolKey,
    url: &Url,
    proxy: &Proxy,
    settings: &Settings,
    tracer: &Tracer,
    connect_by: Deadline,
) -> Result<Stream> {
    let (host, port) = settings.routes.target(url.host(), url.port());
    let authority = HostPort(host, port).to_string();
    // The caller's header fields for the proxy (curl's `--proxy-header`) go here too, and
    // never to the origin; a Host among them replaces ours.
    let callers = &settings.proxy_headers;
    let own_host = callers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"));
    let mut headers = Vec::with_capacity(2 + callers.len());
    if !own_host {
        headers.push(("Host", authority.as_str()));
    }
    // The proxy URL's credentials, or else the caller's Proxy-Authorization
    // (`Proxy::with_caller_authorization`): on the CONNECT, never through the tunnel.
    if let Some(credentials) = proxy.authorization() {
        headers.push(("Proxy-Authorization", credentials));
    }
    headers.extend(proxy_fields(proxy, callers));
    let limits = &settings.head_limits;
    let mut request = Vec::with_capacity(128);
    write_request_head(&mut request, "CONNECT", &authority, headers)?;

    let mut conn = Connection::new(stream, key, ConnectionInfo::default());
    // Each silence of the proxy is bounded by the read timeout too, as in a TLS handshake.
    let budget = connect_by.budget(settings.read_timeout, TimeoutPhase::ProxyTunnel);
    if tracer.is_on() {
        let shown = tracer.head_for_hook(&request);
        tracer.emit(|| TraceEvent::RequestHead(&shown[..]));
    }
    conn.write_all(&request, &budget)?;
    // Interim (1xx) answers come before the final one and say nothing of the tunnel (RFC 9110
    // section 15.2), as many as a request may get. A 101 is no interim answer: the connection
    // leaves HTTP/1.1 after it (section 15.2.2), so nothing that follows answers the CONNECT.
    let mut interim = 0;
    let head = loop {
        let head = read_response_head(&mut conn, &budget, limits, tracer)
            .map_err(|e| e.context(format!("proxy {proxy}")))?;
        if !head.is_informational() || head.status == 101 || interim == MAX_INFORMATIONAL {
            break head;
        }
        interim += 1;
    };
    if !(200..300).contains(&head.status) {
        return Err(Error::new(
            ErrorKind::TunnelRefused,
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
