//! The request head as bytes: request line, our default fields, the agent's and the request's
//! own, merged and checked. Pure: no I/O, and it decides nothing about where the bytes go.

use crate::client::proxy::Proxy;
use crate::client::settings::Settings;
use crate::client::SendBody;
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
    pub(crate) body: &'a SendBody,
    /// The proxy the request goes through, if any.
    pub(crate) proxy: Option<&'a Proxy>,
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
/// The body's framing fields are always ours: a caller's Content-Length or Transfer-Encoding
/// could disagree with the bytes we send, which is how request smuggling starts.
/// Through a proxy, Proxy-Authorization is the proxy's value ([`proxy_authorization`]): on this
/// head for an http URL, on the CONNECT and not here for an https one.
pub(crate) fn build(settings: &Settings, input: &HeadInput<'_>) -> Result<Vec<u8>> {
    let HeadInput {
        method,
        url,
        headers,
        body,
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
    // A user name with a '%3A' decodes to one with a ':', which Basic cannot carry.
    let basic = url
        .username()
        .map(|user| crate::auth::basic(user, url.password().unwrap_or("")))
        .transpose()?;
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
    match body {
        SendBody::Bytes(bytes) => {
            length = bytes.len().to_string();
            fields.push(("Content-Length", &length));
        }
        SendBody::Reader(_) => fields.push(("Transfer-Encoding", "chunked")),
        SendBody::Empty if matches!(method, "POST" | "PUT" | "PATCH") => {
            fields.push(("Content-Length", "0"));
        }
        SendBody::Empty => {}
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
            // Through a proxy, the caller's Proxy-Authorization is the proxy's (see
            // `proxy_authorization`): on this head for http, on the CONNECT for https.
            if proxy.is_some() && name.eq_ignore_ascii_case("proxy-authorization") {
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

/// The `Proxy-Authorization` value the caller gave, if any: the request's own field, else the
/// agent's default (unless a redirect left the first origin, which leaves the defaults'
/// credentials behind). Through a proxy it goes to the proxy only, on the request for an http
/// URL and on the `CONNECT` for an https one (never through the tunnel to the origin), and
/// only when the proxy URL has no credentials of its own
/// ([`Proxy::with_caller_authorization`]).
pub(crate) fn proxy_authorization<'a>(
    settings: &'a Settings,
    headers: &'a [(String, String)],
    without_default_credentials: bool,
) -> Option<&'a str> {
    let find = |fields: &'a [(String, String)]| {
        fields
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("proxy-authorization"))
            .map(|(_, value)| value.as_str())
    };
    find(headers).or_else(|| {
        if without_default_credentials {
            None
        } else {
            find(&settings.default_headers)
        }
    })
}
