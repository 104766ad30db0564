//! The request head as bytes: request line, our default fields, the agent's and the request's
//! own, merged and checked. Pure: no I/O, and it decides nothing about where the bytes go.

use crate::client::proxy::Proxy;
use crate::client::send_body::Framing;
use crate::client::settings::Settings;
use crate::error::Result;
use crate::http1::headers::is_credential;
use crate::http1::write::{check_header, write_request_head};
use crate::url::{Scheme, Url};

/// What a request head is built from, besides the agent's settings.
pub(crate) struct HeadInput<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a Url,
    /// The request's own header fields, in the order given.
    pub(crate) headers: &'a [(String, String)],
    /// How the body is delimited, from [`send_body::framing`](crate::client::send_body::framing).
    pub(crate) framing: Framing,
    /// The proxy the request goes through, if any.
    pub(crate) proxy: Option<&'a Proxy>,
    /// Whether to add `Expect: 100-continue` (not when the request has an Expect field).
    pub(crate) expect_continue: bool,
    /// After a redirect left the first request's origin: the agent's default credential fields
    /// stay behind too.
    pub(crate) without_default_credentials: bool,
    /// The Cookie header the agent's jar has for this URL, if any. A Cookie header of the
    /// agent's defaults or of the request replaces it, as in requests.
    pub(crate) cookie: Option<&'a str>,
}

/// The request head: request line, then Host, User-Agent, Accept, credentials and body framing,
/// then the agent's default headers and the request's own, a later name replacing an earlier.
/// The body's framing fields are always ours, written from `framing`, which has already
/// honoured (or refused) a caller's Content-Length or Transfer-Encoding: theirs are checked and
/// dropped here, so that a field can never disagree with the bytes we send, which is how
/// request smuggling starts. The agent's default headers cannot set the framing at all.
pub(crate) fn build(settings: &Settings, input: &HeadInput<'_>) -> Result<Vec<u8>> {
    let HeadInput {
        method,
        url,
        headers,
        framing,
        proxy,
        expect_continue,
        without_default_credentials,
        cookie,
    } = *input;
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
        Vec::with_capacity(8 + headers.len() + settings.default_headers.len());
    fields.push(("Host", &host));
    if let Some(agent) = &settings.user_agent {
        fields.push(("User-Agent", agent));
    }
    fields.push(("Accept", "*/*"));
    if settings.decompress {
        fields.push(("Accept-Encoding", "gzip, deflate"));
    }
    if let Some(basic) = &basic {
        fields.push(("Authorization", basic));
    }
    if let Some(cookie) = cookie {
        fields.push(("Cookie", cookie));
    }
    if let (Some(proxy), Scheme::Http) = (proxy, url.scheme()) {
        if let Some(credentials) = proxy.authorization() {
            fields.push(("Proxy-Authorization", credentials));
        }
    }
    match framing {
        Framing::Length(bytes) => {
            length = bytes.to_string();
            fields.push(("Content-Length", &length));
        }
        Framing::Chunked => fields.push(("Transfer-Encoding", "chunked")),
        Framing::None => {}
    }
    if expect_continue {
        fields.push(("Expect", "100-continue"));
    }
    // The agent's defaults replace ours; the request's replace both, but never each other,
    // so a request may send a name twice.
    for (own, agent_defaults) in [(&settings.default_headers[..], true), (headers, false)] {
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
                check_header(name, value)?;
                continue;
            }
            if agent_defaults && without_default_credentials && is_credential(name.as_bytes()) {
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
