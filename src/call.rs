//! One call, from `send()` to a [`Response`]: the head on the wire, a retry when a kept-alive
//! connection turns out to be dead, and the redirect chain.
//!
//! This is the top of the request path. Reading down from [`perform`]: [`request_head`] builds
//! the bytes, [`crate::establish`] finds a connection, [`crate::exchange`] sends and reads the
//! head, and a [`BodyReader`] is left holding the connection for the body.

use std::time::{Duration, Instant};

use crate::agent::{Agent, Config};
use crate::body_reader::{BodyReader, ContentCoding};
use crate::error::{Error, ErrorKind, Result};
use crate::establish::{connection_for, Reuse};
use crate::exchange::{exchange, Failed, Sent, EXPECT_CONTINUE_MIN};
use crate::http1::body::BodyDecoder;
use crate::http1::framing::response_framing;
use crate::http1::write::{check_method, write_request_head};
use crate::proxy::Proxy;
use crate::redirect::{is_redirect, leaves_origin, next_method, BODY_HEADERS, CREDENTIAL_HEADERS};
use crate::request::{RequestBuilder, SendBody};
use crate::response::Response;
use crate::timings::Timings;
use crate::transport::connection::Connection;
use crate::transport::deadline::Deadline;
use crate::url::{Scheme, Url};
use crate::wire_body::WireBody;

/// Methods that may be sent twice with the same effect as once (RFC 9110 section 9.2.2), and
/// so may be retried when a reused connection fails before any response arrives.
const IDEMPOTENT: [&str; 6] = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"];

/// How many body bytes of a redirect response we read to keep its connection reusable.
const REDIRECT_DRAIN_MAX: u64 = 64 * 1024;

/// Sends a built request and follows redirects, within one deadline.
pub(crate) fn perform(request: RequestBuilder) -> Result<Response> {
    let RequestBuilder {
        agent,
        mut method,
        url,
        mut headers,
        mut body,
        timeout,
        ..
    } = request;
    let mut url = url?;
    check_method(&method)?;
    let config = &agent.inner().config;
    if let Some((kind, message)) = &config.unusable {
        return Err(Error::new(*kind, message.clone()));
    }
    // One deadline for the whole chain: redirects and retries never restart the clock.
    let deadline = Deadline::after(timeout.or(config.timeout));
    let started = Instant::now();
    let mut redirects = 0;

    loop {
        let response = send_once(
            &agent,
            &method,
            &url,
            &headers,
            &mut body,
            deadline,
            // The time of earlier requests in a redirect chain; none for the first.
            if redirects == 0 {
                Duration::ZERO
            } else {
                started.elapsed()
            },
        )?;
        let status = response.status();
        if config.max_redirects == 0 || !is_redirect(status) {
            return Ok(response);
        }
        let Some(location) = response.header("location").map(str::to_string) else {
            return Ok(response);
        };
        let (next_method, keeps_body) = next_method(status, &method);
        if keeps_body && matches!(body, SendBody::Reader(_)) {
            // A streamed body is gone; the redirect is the caller's to handle.
            return Ok(response);
        }
        if redirects >= config.max_redirects {
            return Err(Error::new(
                ErrorKind::TooManyRedirects,
                format!("stopped after {redirects} redirects, at {url}"),
            ));
        }
        let next = url
            .join(&crate::redirect::encode_spaces(location.trim()))
            .map_err(|e| e.context(format!("the redirect from {url} has an unusable Location")))?;
        if url.scheme() == Scheme::Https
            && next.scheme() == Scheme::Http
            && !config.allow_https_to_http
        {
            return Err(Error::new(
                ErrorKind::InsecureRedirect,
                format!("refused to follow a redirect from {url} to the unencrypted {next}"),
            ));
        }
        drain(response);
        if leaves_origin(&url, &next) {
            headers.retain(|(name, _)| {
                !CREDENTIAL_HEADERS
                    .iter()
                    .any(|c| name.eq_ignore_ascii_case(c))
            });
        }
        if !keeps_body {
            body = SendBody::Empty;
            headers.retain(|(name, _)| !BODY_HEADERS.iter().any(|c| name.eq_ignore_ascii_case(c)));
        }
        url = next;
        method = next_method;
        redirects += 1;
    }
}

/// Reads what little is left of a redirect's body so its connection can be reused.
fn drain(response: Response) {
    let mut reader = response.into_reader();
    let _ = std::io::copy(
        &mut std::io::Read::take(&mut reader, REDIRECT_DRAIN_MAX),
        &mut std::io::sink(),
    );
}

/// Names the server in an error about what it sent (no reply, or not valid HTTP), which the
/// sans-IO layer that found it cannot do; the transport's own errors already name the peer.
fn from_server(error: Error, url: &Url) -> Error {
    match error.kind() {
        ErrorKind::EmptyReply | ErrorKind::Protocol => error.context(url.authority()),
        _ => error,
    }
}

/// One request to one URL: on a pooled connection if there is one, retried once on a fresh
/// connection if the pooled one proves dead before answering and the request is idempotent.
/// `redirected` is the time already spent on earlier requests of a redirect chain.
fn send_once(
    agent: &Agent,
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    body: &mut SendBody,
    deadline: Deadline,
    redirected: Duration,
) -> Result<Response> {
    let inner = agent.inner();
    let config = &inner.config;
    let proxy = config.proxy_for(url);
    let expect_continue = match body {
        SendBody::Empty => false,
        SendBody::Bytes(bytes) => bytes.len() > EXPECT_CONTINUE_MIN,
        SendBody::Reader(_) => true,
    };
    // Built and checked before connecting: a bad header never opens a socket.
    let head = request_head(config, method, url, headers, body, proxy, expect_continue)?;

    // A request that can be sent twice is retried on a fresh connection if a pooled one proves
    // dead before answering; one that cannot (a POST, a streamed body) gets a checked one.
    let retryable = IDEMPOTENT.contains(&method) && !matches!(body, SendBody::Reader(_));
    let mut attempt = |reuse: Reuse| -> std::result::Result<(Connection, Sent, Instant), Failed> {
        let mut conn = connection_for(inner, url, proxy, deadline, reuse)?;
        let ready = Instant::now();
        match exchange(&mut conn, &head, body, expect_continue, inner, deadline) {
            Ok(sent) => Ok((conn, sent, ready)),
            Err(failed) => Err(Failed {
                nothing_received: failed.nothing_received && conn.is_reused(),
                error: from_server(failed.error, url),
            }),
        }
    };
    let first = attempt(if retryable {
        Reuse::Retryable
    } else {
        Reuse::Checked
    });
    let (conn, sent, ready) = match first {
        Ok(done) => done,
        // The server had closed the idle connection (its keep-alive timeout, a restart) and
        // the request never reached it, so sending it again is safe.
        Err(Failed {
            nothing_received: true,
            ..
        }) if retryable => attempt(Reuse::Never).map_err(|failed| failed.error)?,
        Err(failed) => return Err(failed.error),
    };

    let framing = response_framing(method, &sent.head).map_err(|e| from_server(e, url))?;
    let info = conn.info();
    let (dns, connect, tls) = if conn.is_reused() {
        (Duration::ZERO, Duration::ZERO, Duration::ZERO)
    } else {
        (info.dns, info.tcp, info.handshake)
    };
    let timings = Timings {
        redirect: redirected,
        dns,
        connect,
        tls,
        wait: ready.elapsed(),
        body: None,
    };
    let tls_info = info.tls.clone();
    let reusable = framing.reusable && sent.body_sent && !asks_to_close(config, headers);
    let wire = WireBody::new(
        conn,
        BodyDecoder::new(framing.body),
        reusable,
        agent.clone(),
        deadline,
    );
    let coding = if asked_for_compression(config, headers) {
        ContentCoding::from_header(sent.head.headers.get("content-encoding"))
    } else {
        ContentCoding::Identity
    };
    let body = BodyReader::new(wire, coding);
    Ok(Response::new(
        url.without_credentials(),
        sent.head,
        body,
        config.max_body_size,
        timings,
        tls_info,
    ))
}

/// Whether the request went out with `Connection: close` (the request's own header, else the
/// agent's default), after which the connection must carry no other request (RFC 9112
/// section 9.6), whatever the response says.
fn asks_to_close(config: &Config, headers: &[(String, String)]) -> bool {
    let says_close = |fields: &[(String, String)]| {
        fields
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("connection"))
            .map(|(_, value)| {
                value
                    .split(',')
                    .any(|token| token.trim().eq_ignore_ascii_case("close"))
            })
            .reduce(|a, b| a || b)
    };
    says_close(headers)
        .or_else(|| says_close(&config.default_headers))
        .unwrap_or(false)
}

/// Whether the Accept-Encoding sent was ours, so that a compressed body is ours to decode; a
/// caller who sets Accept-Encoding gets the bytes as the server sent them.
fn asked_for_compression(config: &Config, headers: &[(String, String)]) -> bool {
    config.decompress
        && !config
            .default_headers
            .iter()
            .chain(headers)
            .any(|(name, _)| name.eq_ignore_ascii_case("accept-encoding"))
}

/// The request head: request line, then Host, User-Agent, Accept, credentials and body framing,
/// then the agent's default headers and the request's own, a later name replacing an earlier.
/// The body's framing fields are always ours: a caller's Content-Length or Transfer-Encoding
/// could disagree with the bytes we send, which is how request smuggling starts.
fn request_head(
    config: &Config,
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    body: &SendBody,
    proxy: Option<&Proxy>,
    expect_continue: bool,
) -> Result<Vec<u8>> {
    let target = match (proxy, url.scheme()) {
        // Through a proxy, plain http names the whole URL (absolute-form).
        (Some(_), Scheme::Http) => url.as_str(),
        _ => url.path_and_query(),
    };
    let host = url.host_header();
    let basic = url
        .username()
        .map(|user| crate::auth::basic(user, url.password().unwrap_or("")));
    let length;

    let mut fields: Vec<(&str, &str)> =
        Vec::with_capacity(8 + headers.len() + config.default_headers.len());
    fields.push(("Host", &host));
    if let Some(agent) = &config.user_agent {
        fields.push(("User-Agent", agent));
    }
    fields.push(("Accept", "*/*"));
    if config.decompress {
        fields.push(("Accept-Encoding", "gzip, deflate"));
    }
    if let Some(basic) = &basic {
        fields.push(("Authorization", basic));
    }
    if let (Some(proxy), Scheme::Http) = (proxy, url.scheme()) {
        if let Some(credentials) = proxy.authorization() {
            fields.push(("Proxy-Authorization", credentials));
        }
    }
    match body {
        SendBody::Bytes(bytes) => {
            length = bytes.len().to_string();
            fields.push(("Content-Length", &length));
        }
        SendBody::Reader(_) => fields.push(("Transfer-Encoding", "chunked")),
        SendBody::Empty if matches!(method, "POST" | "PUT" | "PATCH") => {
            fields.push(("Content-Length", "0"))
        }
        SendBody::Empty => {}
    }
    if expect_continue {
        fields.push(("Expect", "100-continue"));
    }
    // The agent's defaults replace ours; the request's replace both, but never each other,
    // so a request may send a name twice.
    for own in [&config.default_headers[..], headers] {
        if own.is_empty() {
            // Nothing to replace or add: skip the two vectors a merge would allocate.
            continue;
        }
        let replaceable = fields.len();
        let mut kept = Vec::with_capacity(replaceable);
        let mut added = Vec::with_capacity(own.len());
        for (name, value) in own {
            if name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("transfer-encoding")
            {
                crate::http1::write::check_header(name, value)?;
                continue;
            }
            added.push((name.as_str(), value.as_str()));
        }
        for field in fields.drain(..replaceable) {
            if !added
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(field.0))
            {
                kept.push(field);
            }
        }
        kept.extend(added);
        fields = kept;
    }

    let mut out = Vec::with_capacity(256);
    write_request_head(&mut out, method, target, fields)?;
    Ok(out)
}
