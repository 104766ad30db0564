//! One call, from an [`Outgoing`] request to an [`Answer`]: the deadline, the retry when a
//! kept-alive connection turns out to be dead, and the redirect chain. This file carries out
//! decisions; the rules that make them live in the files it calls.
//!
//! Reading down from [`run`]: [`request_head`](super::request_head) builds the bytes,
//! [`connect`](super::connect) finds a connection, [`exchange`](super::exchange) sends and reads
//! the head, a [`WireBody`] is left holding the connection for the body, and
//! [`redirect`](super::redirect) says whether the call goes on.

use std::io::Read;
use std::time::{Duration, Instant, SystemTime};

use crate::client::auth_challenge::{self, DigestSession, Step};
use crate::client::connect::{connection_for, Reuse};
use crate::client::cookie_field;
use crate::client::credentials;
use crate::client::default_headers::caller_values;
use crate::client::exchange::{self, exchange, Failed, Message, Sent};
use crate::client::proxy::Proxy;
use crate::client::redirect::{self, Answered, Policy, Redirect, RedirectHop, BODY_HEADERS};
use crate::client::request_head::{self, HeadInput};
use crate::client::retry::{self, Attempt, Clock, Outcome, Retry, IDEMPOTENT};
use crate::client::send_body::{self, expects_continue};
use crate::client::wire_body::PoolReturn;
use crate::client::{
    Answer, CallSettings, Outgoing, Reply, SendBody, Settings, Shared, WireBody, WireOptions,
};
use crate::defaults::{MAX_REDIRECT_HISTORY, REDIRECT_DRAIN_MAX, REDIRECT_DRAIN_TIME};
use crate::error::{Error, ErrorKind, Result};
use crate::expect_continue::ExpectContinue;
use crate::http1::body::BodyDecoder;
use crate::http1::close_reason::CloseReason;
use crate::http1::coding::ContentCoding;
use crate::http1::framing::{content_length, response_framing, BodyFraming};
use crate::http1::headers::{list_has_token, Known};
use crate::http1::write::check_method;
use crate::timings::Timings;
use crate::trace::TraceEvent;
use crate::transport::connection::Connection;
use crate::transport::deadline::Deadline;
use crate::url::Url;

/// Sends a request and follows redirects, within one deadline.
pub(crate) fn run(shared: &Shared, outgoing: Outgoing) -> Result<Answer> {
    let Outgoing {
        mut method,
        mut url,
        mut headers,
        removed_headers,
        cookies,
        digest_auth,
        mut body,
        overrides,
        mut wire,
    } = outgoing;
    check_method(&method)?;
    let settings = &shared.settings;
    if let Some((kind, message)) = &settings.unusable {
        return Err(Error::new(*kind, message.clone()));
    }
    let call = settings.for_call(&overrides);
    // One deadline for the whole chain: redirects and retries never restart the clock.
    let deadline = Deadline::after(call.timeout);
    let started = Instant::now();
    let policy = Policy {
        max_redirects: call.max_redirects,
        allow_https_to_http: settings.allow_https_to_http,
        rules: settings.redirect_rules,
    };
    let mut followed = 0;
    let mut left_origin = false;
    // Whether a redirect has led to another host or port: a Host set for the first one
    // (the request's or the agent's) is not this one's.
    let mut host_moved = false;

    // The redirects followed: the answer's history, or the chain behind a refused redirect.
    let mut history = Vec::new();

    // Digest credentials, the request's or the agent's, unless the request carries its own
    // Authorization field.
    let digest_credentials = digest_auth
        .as_ref()
        .or(settings.digest_auth.as_ref())
        .filter(|_| {
            !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        });
    let mut digest = digest_credentials.map(DigestSession::new);
    // Digest answers go to the call's first origin only, even when the caller trusts redirects
    // with credentials: an answer is made for one server's challenge.
    let first_url = digest.as_ref().map(|_| url.clone());
    let left_first_origin = |url: &Url| {
        first_url
            .as_ref()
            .is_some_and(|first| !url.same_origin(first))
    };
    // Retries made by the retry policy, in all the hops of the call.
    let mut retries = 0;
    // The time for one try (the policy's `try_timeout`) runs from the call's start through
    // the redirects and Digest answers that follow, until a retry starts a try anew: a chain
    // of redirects is one try, as curl's `-m` with `--retry` bounds a transfer.
    let mut this_try = try_deadline(deadline, &call);
    // The URL's credentials (`https://user:pass@host/`) are the caller's: kept to go on with
    // the redirects that may take them (a copy only when there are some).
    let callers_credentials = url.username().is_some().then(|| url.clone());

    loop {
        let own_authorization =
            credentials::basic_for(&url, settings.netrc.as_deref(), left_origin).transpose()?;
        // The proxy for this hop, decided once (the no_proxy rules and the environment's
        // proxies are read here only).
        let proxy = settings.proxy_for(&url)?;
        let forwarded = settings.forwards(&url, proxy);
        // The caller's request-target is the first request's only; a redirect names its own.
        let own_target = wire.target.take();
        let own_line = own_target
            .as_deref()
            .map(|own| request_head::callers_target(&url, own, forwarded));
        let target = own_line
            .as_deref()
            .unwrap_or_else(|| request_head::request_target(&url, forwarded));
        // Digest's uri is the request-target as the origin sees it: a forwarding proxy turns
        // the absolute form into the origin form, and servers compare uri with the line they
        // get. curl and requests send the origin form too.
        let digest_uri = own_target
            .as_deref()
            .unwrap_or_else(|| url.path_and_query());
        let mut digest_answer = digest.as_mut().and_then(|session| {
            session.first_authorization(&attempt(
                &method,
                digest_uri,
                &body,
                left_first_origin(&url),
            ))
        });
        let reply = loop {
            let hop = Hop {
                method: &method,
                url: &url,
                target,
                wire: &wire,
                headers: &headers,
                removed: &removed_headers,
                cookies: &cookies,
                proxy,
                without_default_credentials: left_origin,
                host_moved,
                authorization: own_authorization.as_deref(),
                digest_answer: digest_answer.as_deref(),
                // The time of earlier requests in a redirect chain; none for the first.
                redirected: if followed == 0 {
                    Duration::ZERO
                } else {
                    started.elapsed()
                },
            };
            let reply = send_retrying(
                shared,
                &call,
                &hop,
                &mut body,
                (deadline, &mut this_try),
                started,
                &mut retries,
            )?;
            #[cfg(feature = "cookies")]
            if let Some(jar) = &shared.cookies {
                // Every response's cookies, a redirect's included: they apply to the next hop.
                jar.store_response_cookies(&url, reply.head.headers.all_known(Known::SetCookie));
            }
            let step = match digest.as_mut() {
                Some(session) => session.after_response(
                    reply.head.status,
                    reply.head.headers.get_all("www-authenticate"),
                    &attempt(&method, digest_uri, &body, left_first_origin(&url)),
                ),
                None => Step::Return,
            };
            match step {
                Step::Return => break reply,
                Step::Resend(value) => {
                    drain(reply.body);
                    digest_answer = Some(value);
                }
            }
        };
        let answered = Answered {
            url: &url,
            method: &method,
            body_replayable: body.is_replayable(),
            followed,
        };
        let status = reply.head.status;
        let location = redirect::location(&reply.head.headers);
        let location = location.as_deref();
        let next = match redirect::next(status, location, answered, policy) {
            Redirect::Return => {
                return Ok(Answer {
                    // The call's own URL, moved: it is not needed again.
                    url: url.into_without_credentials(),
                    history,
                    retries,
                    reply,
                });
            }
            Redirect::Refuse(error) => {
                if let Some(to) = location {
                    keep(&mut history, RedirectHop::new(&url, status, to));
                }
                return Err(error.attach(history));
            }
            Redirect::Follow(next) => {
                keep(
                    &mut history,
                    RedirectHop::new(&url, status, location.unwrap_or_default()),
                );
                next
            }
        };
        drain(reply.body);
        if next.leaves_origin {
            // Credentials, and the fields the caller named secret, stay with their origin.
            let secrets = &settings.secret_headers;
            headers.retain(|(name, _)| !secrets.is_secret(name.as_bytes()));
            left_origin = true;
        }
        if next.url.host() != url.host() || next.url.port() != url.port() {
            // A Host of the caller's names the server it was set for, not this one (curl drops
            // it too); an agent's default Host stays behind from here on (see `Hop`).
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case("host"));
            host_moved = true;
        }
        if let Some(referer) = &next.referer {
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case("referer"));
            headers.push(("Referer".to_string(), referer.clone()));
        }
        if !next.keep_body {
            body = SendBody::Empty;
            headers.retain(|(name, _)| !BODY_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)));
        }
        // The caller's URL credentials go on where the caller's other credentials do: within
        // the origin, or everywhere when the caller trusts redirects with them. A Location's
        // own userinfo is never used: the server chose it, and would have the call log in,
        // as whoever it names, wherever it points.
        url = match &callers_credentials {
            Some(callers) if !left_origin => next.url.with_credentials_of(callers),
            _ => next.url.into_without_credentials(),
        };
        method = super::method(&next.method);
        followed += 1;
    }
}

/// Adds `hop` to the call's history, which keeps the last [`MAX_REDIRECT_HISTORY`].
fn keep(history: &mut Vec<RedirectHop>, hop: RedirectHop) {
    if history.len() == MAX_REDIRECT_HISTORY {
        history.remove(0);
    }
    history.push(hop);
}

/// A request of the call as a Digest answer needs it: the body's bytes when they are in
/// memory (empty for none), `None` for a stream; whether it can be sent again.
fn attempt<'a>(
    method: &'a str,
    target: &'a str,
    sent: &'a SendBody,
    left_origin: bool,
) -> auth_challenge::Attempt<'a> {
    let body = match sent {
        SendBody::Empty => Some(&[][..]),
        SendBody::Bytes(bytes) => Some(&bytes[..]),
        SendBody::Stream(_) => None,
    };
    auth_challenge::Attempt {
        method,
        target,
        body,
        replayable: sent.is_replayable(),
        left_origin,
    }
}

/// Reads what little is left of a redirect's (or an answered 401's) body so its connection can
/// be reused, within [`REDIRECT_DRAIN_MAX`] bytes and [`REDIRECT_DRAIN_TIME`]: a body that is
/// longer or slower closes its connection instead, and the call goes on.
fn drain(body: WireBody) {
    let body = body.within(REDIRECT_DRAIN_TIME, "the time for a redirect's body");
    let _ = std::io::copy(&mut body.take(REDIRECT_DRAIN_MAX), &mut std::io::sink());
}

/// One request of a call.
struct Hop<'a> {
    method: &'a str,
    url: &'a Url,
    /// The request-target of the request line.
    target: &'a str,
    /// How the request is written and its response read.
    wire: &'a WireOptions,
    headers: &'a [(String, String)],
    /// The header names the request removes.
    removed: &'a [String],
    /// The request's own cookies.
    cookies: &'a [(String, String)],
    /// The proxy the agent's settings give this URL, if any.
    proxy: Option<&'a Proxy>,
    /// The call left the first request's origin: the caller's credentials, its cookies
    /// included, stay behind.
    without_default_credentials: bool,
    /// A redirect has led to another host or port: the agent's default Host, if it has one,
    /// names the server it was set for, and stays behind.
    host_moved: bool,
    /// Basic credentials of the call's own (the URL's, `.netrc`'s).
    authorization: Option<&'a str>,
    /// An answer to a Digest challenge, sent as the request's own Authorization field.
    digest_answer: Option<&'a str>,
    redirected: Duration,
}

/// One request to one URL, sent again as the retry policy decides ([`retry::next`]): after
/// each try that gets a status the policy lists, or an error it retries, it waits (the
/// response's Retry-After, or backoff) and sends the request anew. Returns what the last try
/// got. `deadlines` are the call's and the try's under way ([`try_deadline`]), which a retry
/// starts anew. `started` is when the call's first try began (for the policy's
/// `max_retry_time`); `retries` counts the retries of the whole call, across redirects.
fn send_retrying(
    shared: &Shared,
    call: &CallSettings,
    hop: &Hop<'_>,
    body: &mut SendBody,
    deadlines: (Deadline, &mut Deadline),
    started: Instant,
    retries: &mut u32,
) -> Result<Reply> {
    let (deadline, this_try) = deadlines;
    loop {
        let result = send_once(shared, call, hop, body, *this_try);
        if *retries >= call.retry.max_retries {
            // What `retry::next` answers first; without asking it, no clock is read and no
            // jitter drawn for a call that cannot be retried (no policy, or none left).
            return result.map_err(|failed| failed.error);
        }
        let outcome = match &result {
            Ok(reply) => Outcome::Response {
                status: reply.head.status,
                retry_after: reply.head.headers.known(Known::RetryAfter),
            },
            Err(failed) => Outcome::Failed {
                error: &failed.error,
                before_response: failed.before_response,
            },
        };
        let attempt = Attempt {
            method: hop.method,
            body_replayable: body.is_replayable(),
            retries: *retries,
        };
        let clock = Clock {
            now: SystemTime::now(),
            remaining: deadline.remaining(),
            elapsed: started.elapsed(),
            jitter: retry::jitter(),
        };
        let (wait, reason) = match retry::next(outcome, attempt, &call.retry, clock) {
            Retry::Return => return result.map_err(|failed| failed.error),
            Retry::After { wait, reason } => (wait, reason),
        };
        *retries += 1;
        shared.tracer.emit(|| TraceEvent::Retrying {
            attempt: *retries,
            reason: &reason,
            wait,
        });
        if let Ok(reply) = result {
            #[cfg(feature = "cookies")]
            if let Some(jar) = &shared.cookies {
                // A response that is retried may still set cookies (a load balancer's, say).
                jar.store_response_cookies(hop.url, reply.head.headers.all_known(Known::SetCookie));
            }
            drain(reply.body);
        }
        std::thread::sleep(wait);
        *this_try = try_deadline(deadline, call);
    }
}

/// The deadline of a try that starts now: the retry policy's time for one try, within the
/// call's `deadline`.
fn try_deadline(deadline: Deadline, call: &CallSettings) -> Deadline {
    deadline.earliest(Deadline::named(
        "the time for one try",
        call.retry.try_timeout,
    ))
}

/// One request to one URL: on a pooled connection if there is one, sent once more on a fresh
/// connection if the pooled one proves dead before answering and the request is idempotent.
/// That second try is part of this one and not a policy retry: it is made at once, and only
/// what it gets is returned.
fn send_once(
    shared: &Shared,
    call: &CallSettings,
    hop: &Hop<'_>,
    body: &mut SendBody,
    deadline: Deadline,
) -> std::result::Result<Reply, Failed> {
    let settings = &shared.settings;
    let Hop { method, url, .. } = *hop;
    let caller =
        request_head::proxy_authorization(settings, hop.headers, hop.without_default_credentials);
    let proxy = hop
        .proxy
        .map(|proxy| proxy.with_caller_authorization(caller));
    let proxy = proxy.as_deref();
    // Decided before connecting: a Content-Length that disagrees with the body never opens a
    // socket.
    let body_framing = send_body::framing(method, body, hop.headers)?;
    if hop.wire.http10 && body_framing == send_body::Framing::Chunked {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            "an HTTP/1.0 request cannot carry a body of unknown length (no chunked coding in \
             HTTP/1.0): give its length",
        )
        .into());
    }
    let expect = if removes(settings, hop, "expect") {
        // Removing Expect also removes the wait for 100 Continue.
        send_body::Expect {
            wait: false,
            add_field: false,
        }
    } else {
        // An HTTP/1.0 server must ignore the expectation (RFC 9110 section 10.1.1), so asking
        // would only cost the wait; as curl, we ask only when the caller's own field does.
        let rule = if hop.wire.http10 {
            ExpectContinue::Never
        } else {
            call.expect_continue
        };
        expects_continue(
            rule,
            body,
            body_framing,
            hop.headers,
            settings.default_headers.fields(),
        )
    };
    // The jar's cookies are a default of ours, which the agent or the request may remove; the
    // request's own are its own fields, and those given before a removal are gone already
    // (`RequestBuilder::remove_header`).
    #[cfg(feature = "cookies")]
    let jar = shared
        .cookies
        .as_ref()
        .filter(|_| !removes(settings, hop, "cookie"))
        .and_then(|jar| jar.cookie_header(url));
    #[cfg(not(feature = "cookies"))]
    let jar: Option<String> = None;
    let cookie = cookie_field::merge(jar, hop.cookies, hop.without_default_credentials);
    // Built and checked before connecting: a bad header never opens a socket. A small body
    // goes out in the same write, from the same buffer.
    let body_room = match &*body {
        SendBody::Bytes(bytes) if exchange::coalesces(bytes, body_framing, expect.wait) => {
            bytes.len()
        }
        _ => 0,
    };
    let mut head = request_head::build(
        settings,
        &HeadInput {
            method,
            url,
            target: hop.target,
            http10: hop.wire.http10,
            headers: hop.headers,
            removed: hop.removed,
            digest_answer: hop.digest_answer,
            framing: body_framing,
            proxy: proxy.filter(|proxy| settings.forwards(url, Some(proxy))),
            expect_continue: expect.add_field,
            without_default_credentials: hop.without_default_credentials,
            without_default_host: hop.host_moved,
            authorization: hop.authorization,
            cookie: cookie.as_deref(),
        },
        body_room,
    )?;

    // The pool hands out only a connection on which nothing arrived while it waited; the
    // server may still close it between that check and our write. A request that can be sent
    // twice is then retried on a fresh connection; one that cannot (a POST, a streamed body)
    // fails.
    let retryable = IDEMPOTENT.contains(&method) && body.is_replayable();
    let mut attempt = |reuse: Reuse,
                       body: &mut SendBody|
     -> std::result::Result<(Box<Connection>, Sent, Instant), Failed> {
        let mut conn =
            connection_for(shared, url, proxy, deadline, reuse).map_err(Failed::connecting)?;
        let ready = Instant::now();
        let tracer = &shared.tracer;
        let message = Message {
            head: &mut head,
            body,
            framing: body_framing,
            expect_continue: expect.wait,
        };
        match exchange(&mut conn, message, call, tracer, deadline) {
            Ok(sent) => Ok((conn, sent, ready)),
            Err(failed) => Err(Failed {
                nothing_received: failed.nothing_received && conn.is_reused(),
                before_response: failed.before_response,
                error: from_server(failed.error, url),
            }),
        }
    };
    let first = attempt(Reuse::Pooled, body);
    let (conn, sent, ready) = match first {
        Ok(done) => done,
        // The server had closed the idle connection (its keep-alive timeout, a restart) and
        // the request never reached it, so sending it again is safe: if the body can still be
        // sent whole. A stream read from on the way (after a `100 Continue`, say) cannot.
        Err(Failed {
            nothing_received: true,
            ..
        }) if retryable && body.is_replayable() => attempt(Reuse::Never, body)?,
        Err(failed) => return Err(failed),
    };

    let mut framing = response_framing(method, &sent.head).map_err(|e| from_server(e, url))?;
    if hop.wire.ignore_content_length {
        if let BodyFraming::ContentLength(_) = framing.body {
            // curl's --ignore-content-length: the body runs until the server closes.
            framing.body = BodyFraming::CloseDelimited;
            framing.close = Some(CloseReason::CloseDelimited);
        }
    }
    let info = conn.info();
    let (dns, connect, tls) = if conn.is_reused() {
        (Duration::ZERO, Duration::ZERO, Duration::ZERO)
    } else {
        (info.dns, info.tcp, info.handshake)
    };
    // One reading of the clock for the head's arrival: the wait for it, and the start of the
    // body's time (`Response::timings`).
    let head_at = Instant::now();
    let timings = Timings {
        redirect: hop.redirected,
        dns,
        connect,
        tls,
        wait: head_at.saturating_duration_since(ready),
        body: None,
    };
    let tls_info = info.tls.clone();
    let (remote_addr, local_addr) = (info.remote, info.local);
    let close = framing
        .close
        .or((!sent.body_sent).then_some(CloseReason::AnsweredBeforeBody))
        .or((hop.wire.http10 || asks_to_close(settings, hop.headers))
            .then_some(CloseReason::RequestSaidClose));
    let home = PoolReturn {
        pool: shared.pool.clone(),
        tracer: shared.tracer.clone(),
    };
    let content_length = match framing.body {
        BodyFraming::ContentLength(length) => Some(length),
        // No body follows, but a HEAD answer still says how long the body would be.
        BodyFraming::NoBody => content_length(&sent.head).ok().flatten(),
        BodyFraming::Chunked | BodyFraming::CloseDelimited => None,
    };
    let decoder = BodyDecoder::new(framing.body);
    let raw = hop.wire.raw;
    let wire = WireBody::new(conn, decoder, close, home, deadline, call, raw);
    // Unless raw: as received, neither the transfer coding nor the content coding undone.
    let transfer_coded = !raw && framing.transfer_coding != ContentCoding::Identity;
    let coding = if raw {
        ContentCoding::Identity
    } else if transfer_coded {
        // `Transfer-Encoding: gzip, chunked`: the transfer coding is ours to undo (a content
        // coding on top of it, rarer still, is then left as sent).
        if cfg!(not(feature = "gzip")) {
            return Err(Error::new(
                ErrorKind::Protocol,
                "the response's body has a gzip or deflate transfer coding, which this build \
                 cannot undo (plainwire's `gzip` feature)",
            )
            .context(url.authority())
            .into());
        }
        framing.transfer_coding
    } else if asked_for_compression(settings, hop) {
        // A coding that cannot be undone, or more than one: the body as it came.
        ContentCoding::from_values(sent.head.headers.all_known(Known::ContentEncoding))
            .unwrap_or(ContentCoding::Identity)
    } else {
        ContentCoding::Identity
    };
    Ok(Reply {
        head: sent.head,
        body: wire,
        coding,
        transfer_coded,
        content_length,
        max_body_size: call.max_body_size,
        timings,
        head_at,
        tls: tls_info,
        remote_addr,
        local_addr,
        secrets: settings.secret_headers.clone(),
    })
}

/// Names the server in an error about what it sent (no reply, or not valid HTTP), which the
/// sans-IO layer that found it cannot do; the transport's own errors already name the peer.
fn from_server(error: Error, url: &Url) -> Error {
    match error.kind() {
        ErrorKind::EmptyReply | ErrorKind::Protocol => error.context(url.authority()),
        _ => error,
    }
}

/// Whether the request went out with `Connection: close` (the request's own header, else the
/// agent's default), after which the connection must carry no other request (RFC 9112
/// section 9.6), whatever the response says.
fn asks_to_close(settings: &Settings, headers: &[(String, String)]) -> bool {
    caller_values(settings.default_headers.fields(), headers, "connection")
        .any(|value| list_has_token(value.as_bytes(), "close"))
}

/// Whether the Accept-Encoding sent was ours, so that a compressed body is ours to decode; a
/// caller who sets or removes Accept-Encoding gets the bytes as the server sent them.
fn asked_for_compression(settings: &Settings, hop: &Hop<'_>) -> bool {
    settings.decompress
        && !removes(settings, hop, "accept-encoding")
        && caller_values(
            settings.default_headers.fields(),
            hop.headers,
            "accept-encoding",
        )
        .next()
        .is_none()
}

/// Whether the agent or the request removes the header `name` of our defaults.
fn removes(settings: &Settings, hop: &Hop<'_>, name: &str) -> bool {
    settings.default_headers.removes(name)
        || hop.removed.iter().any(|r| r.eq_ignore_ascii_case(name))
}
