//! The request head as bytes: request line, our default fields, the agent's and the request's
//! own, merged and checked. Pure: no I/O, and it decides nothing about where the bytes go.

use crate::client::proxy::Proxy;
use crate::client::send_body::Framing;
use crate::client::settings::Settings;
use crate::error::Result;
use crate::http1::head::Version;
use crate::http1::write::{check_header, write_request_head_as};
use crate::url::Url;

/// What a request head is built from, besides the agent's settings.
pub(crate) struct HeadInput<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a Url,
    /// The request-target, from [`request_target`] or given by the caller.
    pub(crate) target: &'a str,
    /// Whether the request line says `HTTP/1.0` rather than `HTTP/1.1`.
    pub(crate) http10: bool,
    /// The request's own header fields, in the order given.
    pub(crate) headers: &'a [(String, String)],
    /// The names the request removes: none of our fields or the agent's defaults of these
    /// names goes out (the request's own fields still do).
    pub(crate) removed: &'a [String],
    /// How the body is delimited, from [`send_body::framing`](crate::client::send_body::framing).
    pub(crate) framing: Framing,
    /// The proxy that forwards this request in absolute form, if one does (plain http through a
    /// proxy without a tunnel): its credentials and the proxy header fields then go on this
    /// head. A proxy reached through a tunnel sees only the CONNECT.
    pub(crate) proxy: Option<&'a Proxy>,
    /// Whether to add `Expect: 100-continue` (not when the request has an Expect field).
    pub(crate) expect_continue: bool,
    /// After a redirect left the first request's origin: the agent's default credential fields
    /// stay behind too.
    pub(crate) without_default_credentials: bool,
    /// The Authorization value of the call's own making, if any: Basic from the URL's user
    /// information or from `.netrc`, or an answer to a Digest challenge. An Authorization
    /// field of the agent's defaults or of the request replaces it.
    pub(crate) authorization: Option<&'a str>,
    /// An answer to a Digest challenge: it goes with the request's own fields, so that it
    /// replaces every other Authorization field.
    pub(crate) digest_answer: Option<&'a str>,
    /// The Cookie header the agent's jar has for this URL, if any. A Cookie header of the
    /// agent's defaults or of the request replaces it, as in requests.
    pub(crate) cookie: Option<&'a str>,
}

/// The fields that frame the body: always ours, never set or removed by a caller, since a
/// caller's Content-Length or Transfer-Encoding could disagree with the bytes we send, which is
/// how request smuggling starts.
const FRAMING: [&str; 2] = ["content-length", "transfer-encoding"];

/// The request-target of the request line (RFC 9112 section 3.2): origin-form (`/path?query`),
/// or, for a request a proxy forwards, absolute-form (the whole URL).
pub(crate) fn request_target(url: &Url, forwarded: bool) -> &str {
    if forwarded {
        url.as_str()
    } else {
        url.path_and_query()
    }
}

/// The request head: request line, then Host, User-Agent, Accept, credentials and body framing,
/// then the agent's default headers and the request's own.
///
/// A field of the agent's defaults replaces ours of the same name, and a field of the request
/// replaces both, in the place of the field it replaces (the request's fields never replace
/// each other, so a request may send a name twice). A name the agent or the request removes
/// leaves ours out; a name the request removes leaves the agent's default out too. The body's
/// framing fields are always ours, written from `framing`, which has already honoured (or
/// refused) a caller's Content-Length or Transfer-Encoding: theirs are checked and dropped
/// here, so that a field can never disagree with the bytes we send, which is how request
/// smuggling starts. The agent's default headers cannot set the framing at all.
/// Through a proxy, Proxy-Authorization is the proxy's value ([`proxy_authorization`]): on this
/// head for an http URL, on the CONNECT and not here for an https one.
pub(crate) fn build(settings: &Settings, input: &HeadInput<'_>) -> Result<Vec<u8>> {
    let HeadInput {
        method,
        url,
        target,
        http10,
        headers,
        removed,
        framing,
        proxy,
        expect_continue,
        without_default_credentials,
        authorization,
        digest_answer,
        cookie,
    } = *input;
    let host = url.host_header();
    let length;

    let mut fields: Vec<(&str, &str)> =
        Vec::with_capacity(8 + headers.len() + settings.default_headers.fields().len());
    fields.push(("Host", &host));
    if let Some(agent) = &settings.user_agent {
        fields.push(("User-Agent", agent));
    }
    fields.push(("Accept", "*/*"));
    if settings.decompress {
        fields.push(("Accept-Encoding", "gzip, deflate"));
    }
    if let Some(authorization) = authorization {
        fields.push(("Authorization", authorization));
    }
    if let Some(cookie) = cookie {
        fields.push(("Cookie", cookie));
    }
    if let Some(proxy) = proxy {
        if let Some(credentials) = proxy.authorization() {
            fields.push(("Proxy-Authorization", credentials));
        }
        for (name, value) in &settings.proxy_headers {
            fields.push((name, value));
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

    let request_removes = |name: &str| removed.iter().any(|r| r.eq_ignore_ascii_case(name));
    fields.retain(|(name, _)| {
        is_framing(name) || !(settings.default_headers.removes(name) || request_removes(name))
    });
    let mut agent_defaults = Vec::with_capacity(settings.default_headers.fields().len());
    for (name, value) in settings.default_headers.fields() {
        if is_framing(name) {
            check_header(name, value)?;
        } else {
            let stays_behind =
                without_default_credentials && settings.secret_headers.is_secret(name.as_bytes());
            // A caller's Proxy-Authorization is the proxy's (see `proxy_authorization`): on
            // this head only as the forwarding proxy's own, on the CONNECT for a tunnel, and
            // never to an origin, with a proxy or without.
            let proxys = name.eq_ignore_ascii_case("proxy-authorization");
            if !stays_behind && !proxys && !request_removes(name) {
                agent_defaults.push((name.as_str(), value.as_str()));
            }
        }
    }
    let mut own = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        if is_framing(name) {
            check_header(name, value)?;
        } else if name.eq_ignore_ascii_case("proxy-authorization") {
            // The proxy's, never the origin's: as for the agent's defaults, above.
        } else {
            own.push((name.as_str(), value.as_str()));
        }
    }
    if let Some(answer) = digest_answer {
        own.push(("Authorization", answer));
    }
    let fields = replace_in_place(replace_in_place(fields, &agent_defaults), &own);

    let mut out = Vec::with_capacity(256);
    let version = if http10 {
        Version::Http10
    } else {
        Version::Http11
    };
    write_request_head_as(&mut out, method, target, version, fields)?;
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
            find(settings.default_headers.fields())
        }
    })
}

/// Whether `name` is one of the body's framing fields.
fn is_framing(name: &str) -> bool {
    FRAMING.iter().any(|f| name.eq_ignore_ascii_case(f))
}

/// `fields` with `replacements` put in: the replacements of a name already there take the
/// place of its first field, and its other fields go; the replacements of a new name follow
/// at the end, in their order. Names compare without regard to case (RFC 9110 section 5.1).
fn replace_in_place<'a>(
    fields: Vec<(&'a str, &'a str)>,
    replacements: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    if replacements.is_empty() {
        return fields;
    }
    let mut placed = vec![false; replacements.len()];
    let mut out = Vec::with_capacity(fields.len() + replacements.len());
    for field in fields {
        let same_name = |other: &(&str, &str)| other.0.eq_ignore_ascii_case(field.0);
        if !replacements.iter().any(same_name) {
            out.push(field);
            continue;
        }
        for (replacement, done) in replacements.iter().zip(placed.iter_mut()) {
            if !*done && same_name(replacement) {
                out.push(*replacement);
                *done = true;
            }
        }
    }
    for (replacement, done) in replacements.iter().zip(&placed) {
        if !done {
            out.push(*replacement);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_takes_the_place_of_the_field_it_replaces() {
        let fields = vec![("Host", "h"), ("User-Agent", "ua"), ("Accept", "*/*")];
        let merged = replace_in_place(fields, &[("X-New", "1"), ("user-agent", "mine")]);
        assert_eq!(
            merged,
            [
                ("Host", "h"),
                ("user-agent", "mine"),
                ("Accept", "*/*"),
                ("X-New", "1")
            ]
        );
    }

    #[test]
    fn several_replacements_of_one_name_stay_together() {
        let fields = vec![("Accept", "*/*"), ("X-A", "1")];
        let merged = replace_in_place(fields, &[("ACCEPT", "a"), ("X-B", "2"), ("accept", "b")]);
        assert_eq!(
            merged,
            [("ACCEPT", "a"), ("accept", "b"), ("X-A", "1"), ("X-B", "2")]
        );
    }

    #[test]
    fn new_names_keep_their_order_and_repeats() {
        let merged = replace_in_place(vec![("Host", "h")], &[("X-Dup", "a"), ("X-Dup", "b")]);
        assert_eq!(merged, [("Host", "h"), ("X-Dup", "a"), ("X-Dup", "b")]);
    }
}
