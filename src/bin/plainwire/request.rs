//! From an operation's options to a configured [`Agent`] and a ready-to-send
//! [`RequestBuilder`]. This is the only file that knows how each option maps onto the
//! library: timeouts, redirects, trust, proxy, authentication, headers and the body.
//!
//! Operations whose agent settings agree ([`AgentSettings`]) share one agent, so that
//! connections are reused across URLs and `--next` groups, as curl reuses them.
//!
//! Headers: the tool's own (User-Agent, Referer, Cookie, Authorization, Content-Type, and
//! Accept for `--json`) each give way to a `-H` of the same name, and `-H 'Name:'` leaves
//! them out; `-H` headers follow, in order.

use plainwire::{Agent, RequestBuilder};

use crate::args::Operation;
use crate::body::{FORM_TYPE, JSON_TYPE};
use crate::failure::{self, Failure};
use crate::inputs::Prepared;

/// The User-Agent sent unless `-A` or `-H` says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("plainwire/", env!("CARGO_PKG_VERSION"));

/// The longest Cookie header `-b` builds; a cookie that would make it longer is skipped with
/// a warning (curl's limit, which matches what servers accept).
const MAX_COOKIE_LINE: usize = 8200;

/// What an agent is built from: the settings of an operation that are the agent's, not the
/// request's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSettings {
    max_redirects: u32,
    connect_timeout: Option<std::time::Duration>,
    max_time: Option<std::time::Duration>,
    proxy: Option<String>,
    user_agent: String,
    insecure: bool,
    cacert: Option<std::path::PathBuf>,
    capath: Option<std::path::PathBuf>,
    cert: Option<std::path::PathBuf>,
    key: Option<std::path::PathBuf>,
}

impl AgentSettings {
    /// The agent settings of `op`.
    pub fn of(op: &Operation, prepared: &Prepared) -> AgentSettings {
        // The agent writes the User-Agent in its place after Host, as curl does; a -H of that
        // name (or 'User-Agent:') takes over.
        let user_agent = if named(prepared, "user-agent") {
            String::new()
        } else {
            op.user_agent
                .clone()
                .unwrap_or_else(|| DEFAULT_USER_AGENT.to_string())
        };
        AgentSettings {
            // Without -L a redirect is the answer, as in curl.
            max_redirects: if op.location { op.max_redirs } else { 0 },
            connect_timeout: op.connect_timeout,
            max_time: op.max_time,
            proxy: op.proxy.clone(),
            user_agent,
            insecure: op.insecure,
            cacert: op.cacert.clone(),
            capath: op.capath.clone(),
            cert: op.cert.clone(),
            key: op.key.clone(),
        }
    }
}

/// Whether a `-H` names this header (with a value, or as `Name:` to leave it out).
fn named(prepared: &Prepared, name: &str) -> bool {
    prepared
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case(name))
}

/// The agent for these settings, with the trace hook that feeds `-v`, `-i` and `-w`.
pub fn agent(settings: &AgentSettings) -> Result<Agent, Failure> {
    let mut builder = Agent::builder()
        .max_redirects(settings.max_redirects)
        .user_agent(&settings.user_agent);
    // curl reads a zero as "no limit"; the library's defaults stay for the connect timeout
    // (30 s) since it cannot be switched off, and no overall deadline is the default anyway.
    if let Some(limit) = settings.connect_timeout.filter(|d| !d.is_zero()) {
        builder = builder.connect_timeout(limit);
    }
    if let Some(limit) = settings.max_time.filter(|d| !d.is_zero()) {
        // The overall deadline bounds every wait, so the 60 s idle limit (a guard for runs
        // without -m) would only cut a transfer short that -m allows.
        builder = builder
            .timeout(limit)
            .read_timeout(None)
            .write_timeout(None);
    }
    // The body is written as the server sent it: no Accept-Encoding, no decoding (curl
    // without --compressed).
    #[cfg(feature = "gzip")]
    {
        builder = builder.decompress(false);
    }
    if let Some(proxy) = &settings.proxy {
        builder = builder.proxy(proxy);
    }
    builder = trust(builder, settings)?;
    builder = builder.trace(crate::trace_record::hook);
    // As curl does: the TLS secrets go where SSLKEYLOGFILE says, for Wireshark.
    #[cfg(feature = "tls")]
    {
        builder = builder.key_log_from_env(true);
    }
    builder.build().map_err(|e| Failure::from_error(&e))
}

/// `-k`, `--cacert`, `--capath`, and the client certificate (`--cert`, `--key`).
#[cfg(feature = "tls")]
fn trust(
    mut builder: plainwire::AgentBuilder,
    settings: &AgentSettings,
) -> Result<plainwire::AgentBuilder, Failure> {
    let fail = |e: plainwire::Error| Failure::from_error(&e);
    if let Some(path) = &settings.cacert {
        builder = builder.ca_file(path).map_err(fail)?;
    }
    if let Some(dir) = &settings.capath {
        builder = builder.ca_dir(dir).map_err(fail)?;
    }
    match (&settings.cert, &settings.key) {
        // As in curl, the key may sit in the certificate file when --key is not given.
        (Some(cert), key) => {
            builder = builder
                .client_cert_file(cert, key.as_deref())
                .map_err(fail)?
        }
        (None, Some(_)) => return Err(Failure::usage("option --key: needs --cert".to_string())),
        (None, None) => {}
    }
    Ok(builder.danger_accept_invalid_certs(settings.insecure))
}

/// Without TLS there is nothing to trust: `--cacert` cannot do what it says, and `-k` has
/// nothing to loosen (an https URL fails on its own, with curl's 1).
#[cfg(not(feature = "tls"))]
fn trust(
    builder: plainwire::AgentBuilder,
    settings: &AgentSettings,
) -> Result<plainwire::AgentBuilder, Failure> {
    let flags = [
        ("--cacert", settings.cacert.is_some()),
        ("--capath", settings.capath.is_some()),
        ("--cert", settings.cert.is_some()),
        ("--key", settings.key.is_some()),
    ];
    if let Some((flag, _)) = flags.iter().find(|(_, given)| *given) {
        return Err(Failure::new(
            failure::NOT_BUILT_IN,
            format!("option {flag}: this plainwire was built without TLS support"),
        ));
    }
    Ok(builder)
}

/// The request for `url`: method, headers, credentials and body.
pub fn build(agent: &Agent, op: &Operation, prepared: &Prepared, url: &str) -> RequestBuilder {
    let mut request = agent.request(op.effective_method(), url);
    let named = |name: &str| named(prepared, name);

    if let Some(referer) = op.referer.as_deref().filter(|_| !named("referer")) {
        request = request.header("Referer", referer);
    }
    if let Some(cookie) = cookie_line(&op.cookies).filter(|_| !named("cookie")) {
        request = request.header("Cookie", &cookie);
    }
    // A -H Authorization is what the user asked for, as in curl; -u and --oauth2-bearer
    // only fill in when there is none (the bearer token wins over -u).
    if !named("authorization") {
        if let Some((user, password)) = &op.user {
            request = request.basic_auth(user, password);
        }
        if let Some(token) = &op.bearer {
            request = request.bearer_auth(token);
        }
    }
    if let Some(body) = &prepared.body {
        let content_type = if body.json { JSON_TYPE } else { FORM_TYPE };
        if !named("content-type") {
            request = request.header("Content-Type", content_type);
        }
        if body.json && !named("accept") {
            request = request.header("Accept", JSON_TYPE);
        }
        request = request.body(body.bytes.clone());
    }
    for header in &prepared.headers {
        if let Some(value) = &header.value {
            request = request.header(&header.name, value);
        }
    }
    request
}

/// The Authorization value the request carries, when plainwire itself knows it (`-H`, `-u`,
/// `--oauth2-bearer`): the trace masks it, and `%{size_request}` wants its real length.
pub fn authorization_len(op: &Operation, prepared: &Prepared) -> Option<usize> {
    if let Some(header) = prepared
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("authorization"))
    {
        return header.value.as_ref().map(String::len);
    }
    if let Some(token) = &op.bearer {
        return Some("Bearer ".len() + token.len());
    }
    op.user.as_ref().map(|(user, password)| {
        let plain = user.len() + 1 + password.len();
        "Basic ".len() + plain.div_ceil(3) * 4
    })
}

/// The Referer the request carries, for `%{referer}`.
pub fn referer(op: &Operation, prepared: &Prepared) -> Option<String> {
    match prepared
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("referer"))
    {
        Some(header) => header.value.clone(),
        None => op.referer.clone(),
    }
}

/// `-b` cookies as one header value, joined with `; ` (curl's way); `None` without any.
fn cookie_line(cookies: &[String]) -> Option<String> {
    let mut line = String::new();
    for cookie in cookies {
        let separator = match (line.is_empty(), cookie.starts_with([' ', '\t'])) {
            (true, _) => "",
            (false, true) => ";",
            (false, false) => "; ",
        };
        if line.len() + separator.len() + cookie.len() > MAX_COOKIE_LINE {
            crate::console::warn(&format!(
                "skipped a cookie: the Cookie header would be longer than {MAX_COOKIE_LINE} bytes"
            ));
            continue;
        }
        line.push_str(separator);
        line.push_str(cookie);
    }
    (!line.is_empty()).then_some(line)
}

/// With `-L --max-redirs 0`, the agent returns the first redirect as a response (its limit of
/// zero means "do not follow"); curl calls that reaching the limit.
pub fn redirect_limit_reached(op: &Operation, response: &plainwire::Response) -> Option<Failure> {
    let redirect = is_redirect(response.status());
    (op.location && op.max_redirs == 0 && redirect && response.header("location").is_some()).then(
        || {
            Failure::new(
                failure::TOO_MANY_REDIRECTS,
                "maximum (0) redirects followed",
            )
        },
    )
}

/// The statuses a redirect follows (RFC 9110 section 15.4).
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_joined_as_curl_joins_them() {
        let cookies =
            |list: &[&str]| cookie_line(&list.iter().map(|c| c.to_string()).collect::<Vec<_>>());
        assert_eq!(cookies(&[]), None);
        assert_eq!(cookies(&["a=1; b=2"]).unwrap(), "a=1; b=2");
        assert_eq!(cookies(&["a=1", "b=2", " c=3"]).unwrap(), "a=1; b=2; c=3");
    }

    #[test]
    fn a_cookie_beyond_the_limit_is_skipped() {
        let big = format!("big={}", "x".repeat(MAX_COOKIE_LINE));
        let list = vec!["a=1".to_string(), big, "b=2".to_string()];
        assert_eq!(cookie_line(&list).unwrap(), "a=1; b=2");
    }

    #[test]
    fn authorization_lengths() {
        let mut op = Operation {
            user: Some(("aladdin".to_string(), "open sesame".to_string())),
            ..Operation::default()
        };
        // "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        assert_eq!(authorization_len(&op, &Prepared::default()), Some(34));
        op.bearer = Some("tok".to_string());
        assert_eq!(authorization_len(&op, &Prepared::default()), Some(10));
        let prepared = Prepared {
            headers: vec![crate::values::header("Authorization: X y").unwrap()],
            ..Prepared::default()
        };
        assert_eq!(authorization_len(&op, &prepared), Some(3));
    }
}
