//! The request head as bytes: request line, our default fields, the agent's and the request's
//! own, merged and checked. Pure: no I/O, and it decides nothing about where the bytes go.

use std::borrow::Cow;

use crate::client::default_headers::caller_values;
use crate::client::proxy::{forwarded_proxy_fields, Proxy};
use crate::client::send_body::Framing;
use crate::client::settings::Settings;
use crate::error::Result;
use crate::http1::head::Version;
use crate::http1::write::{check_header, decimal, write_field, write_request_line};
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
    /// names goes out (the request's own fields still do). Cookie was applied before: see
    /// `cookie`.
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
    /// After a redirect to another host or port: an agent's default Host stays behind.
    pub(crate) without_default_host: bool,
    /// The Authorization value of the call's own making, if any: Basic from the URL's user
    /// information or from `.netrc`, or an answer to a Digest challenge. An Authorization
    /// field of the agent's defaults or of the request replaces it.
    pub(crate) authorization: Option<&'a str>,
    /// An answer to a Digest challenge: it goes with the request's own fields, so that it
    /// replaces every other Authorization field.
    pub(crate) digest_answer: Option<&'a str>,
    /// The Cookie header: the agent's jar's cookies for this URL, unless the agent or the
    /// request removes Cookie, and the request's own, given after any removal (`call` merges
    /// them). Removing Cookie does not drop it here: that was applied to the jar's part. A
    /// Cookie header of the agent's defaults or of the request replaces it, as in requests.
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

/// The request-target for a caller's own `target` (curl's `--request-target`,
/// `--path-as-is`): as given, but through a proxy that forwards the request, one in origin form
/// (`/path`) goes behind the URL's scheme and authority, and `*` (`OPTIONS *`) becomes the
/// scheme and authority alone (RFC 9112 section 3.2.4). A proxy needs the absolute form
/// (section 3.2.2): given `/path` or `*`, it would take the request, credentials and all, for
/// one addressed to itself. curl sends the target as given, also to a proxy.
pub(crate) fn callers_target<'a>(url: &Url, target: &'a str, forwarded: bool) -> Cow<'a, str> {
    let whole = url.as_str();
    let origin = &whole[..whole.len() - url.path_and_query().len()];
    match target {
        "*" if forwarded => Cow::Owned(origin.to_string()),
        _ if forwarded && target.starts_with('/') => Cow::Owned(format!("{origin}{target}")),
        _ => Cow::Borrowed(target),
    }
}

/// The request head: request line, then Host, User-Agent, Accept, credentials and body framing,
/// then the agent's default headers and the request's own.
///
/// A field of the agent's defaults replaces ours of the same name, and a field of the request
/// replaces both, in the place of the field it replaces (the request's fields never replace
/// each other, so a request may send a name twice). A name the agent or the request removes
/// leaves ours out (but Cookie: `call` left the jar's cookies out of [`HeadInput::cookie`], and
/// what is left are the request's own); a name the request removes leaves the agent's default
/// out too. The body's
/// framing fields are always ours, written from `framing`, which has already honoured (or
/// refused) a caller's Content-Length or Transfer-Encoding: theirs are checked and dropped
/// here, so that a field can never disagree with the bytes we send, which is how request
/// smuggling starts. The agent's default headers cannot set the framing at all.
/// Through a proxy, Proxy-Authorization is the proxy's value ([`proxy_authorization`]): on this
/// head for an http URL, on the CONNECT and not here for an https one.
pub(crate) fn build(
    settings: &Settings,
    input: &HeadInput<'_>,
    body_room: usize,
) -> Result<Vec<u8>> {
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
        without_default_host,
        authorization,
        digest_answer,
        cookie,
    } = *input;
    let mut digits = [0u8; 20];
    let length = match framing {
        Framing::Length(bytes) => decimal(bytes, &mut digits),
        Framing::Chunked | Framing::None => "",
    };

    let request_removes = |name: &str| removed.iter().any(|r| r.eq_ignore_ascii_case(name));
    let any_removed = !removed.is_empty() || settings.default_headers.removes_any();
    let kept = |field: &Field<'_>| {
        !any_removed
            || is_framing(field.0)
            || !(settings.default_headers.removes(field.0) || request_removes(field.0))
    };

    // Our fields, in order, but those the agent or the request removes; `true` where the
    // value still needs checking (it came from a caller or a server) and `false` where we
    // vouch for it: a constant, a number, the URL's own host and port, which the URL parser
    // let through only without spaces and control characters, or the agent's User-Agent,
    // which `AgentBuilder::user_agent` checked once (the agent is not built with one that
    // fails). On the stack, but for a forwarding proxy's fields.
    let mut fixed = [("", "", false); 8];
    let mut len = 0;
    for field in [
        Some(("Host", url.host_and_port(), false)),
        settings
            .user_agent
            .as_deref()
            .map(|agent| ("User-Agent", agent, false)),
        Some(("Accept", "*/*", false)),
        settings
            .decompress
            .then_some(("Accept-Encoding", "gzip, deflate", false)),
        authorization.map(|value| ("Authorization", value, true)),
    ]
    .into_iter()
    .flatten()
    .filter(kept)
    .chain(cookie.map(|value| ("Cookie", value, true)))
    {
        fixed[len] = field;
        len += 1;
    }
    let before_proxy = len;
    for field in [
        match framing {
            Framing::Length(_) => Some(("Content-Length", length, false)),
            Framing::Chunked => Some(("Transfer-Encoding", "chunked", false)),
            Framing::None => None,
        },
        expect_continue.then_some(("Expect", "100-continue", false)),
    ]
    .into_iter()
    .flatten()
    .filter(kept)
    {
        fixed[len] = field;
        len += 1;
    }
    let with_proxy: Vec<Field<'_>>;
    let ours: &[Field<'_>] = match proxy {
        None => &fixed[..len],
        Some(proxy) => {
            let credentials = proxy
                .authorization()
                .map(|c| ("Proxy-Authorization", c, true));
            let fields = forwarded_proxy_fields(proxy, &settings.proxy_headers);
            with_proxy = fixed[..before_proxy]
                .iter()
                .copied()
                .chain(
                    credentials
                        .into_iter()
                        .chain(fields.map(|(name, value)| (name, value, true)))
                        .filter(kept),
                )
                .chain(fixed[before_proxy..len].iter().copied())
                .collect();
            &with_proxy
        }
    };
    let ours = || ours.iter().copied();

    // The agent's default fields were checked when they were set (`DefaultHeaders::set`, which
    // makes the agent's `build` fail on a field it refuses), so they are written unchecked; a
    // framing field among them is left out.
    let mut agent_defaults = Vec::new();
    for (name, value) in settings.default_headers.fields() {
        let stays_behind = (without_default_credentials
            && settings.secret_headers.is_secret(name.as_bytes()))
            || (without_default_host && name.eq_ignore_ascii_case("host"));
        // A caller's Proxy-Authorization is the proxy's (see `proxy_authorization`): on this
        // head only as the forwarding proxy's own, on the CONNECT for a tunnel, and never to
        // an origin, with a proxy or without.
        let proxys = name.eq_ignore_ascii_case("proxy-authorization");
        if !is_framing(name) && !stays_behind && !proxys && !request_removes(name) {
            agent_defaults.push((name.as_str(), value.as_str(), false));
        }
    }
    // The request's own fields: its framing fields are checked and left out (`framing` has
    // honoured them), and a Proxy-Authorization is the proxy's, never the origin's, as for the
    // agent's defaults above. Read in place, without a list of their own, unless merged.
    for (name, value) in headers.iter().filter(|(name, _)| is_framing(name)) {
        check_header(name, value)?;
    }
    let own = || {
        headers
            .iter()
            .filter(|(name, _)| {
                !is_framing(name) && !name.eq_ignore_ascii_case("proxy-authorization")
            })
            .map(|(name, value)| (name.as_str(), value.as_str(), true))
            .chain(digest_answer.map(|answer| ("Authorization", answer, true)))
    };

    let mut out = Vec::with_capacity(HEAD_ROOM + body_room);
    let version = if http10 {
        Version::Http10
    } else {
        Version::Http11
    };
    write_request_line(&mut out, method, target, version)?;
    let same_name = |a: &Field<'_>, b: &Field<'_>| a.0.eq_ignore_ascii_case(b.0);
    let collides = agent_defaults
        .iter()
        .any(|field| ours().any(|our| same_name(&our, field)))
        || own().any(|field| {
            ours().any(|our| same_name(&our, &field))
                || agent_defaults
                    .iter()
                    .any(|default| same_name(default, &field))
        });
    if collides {
        // A name of ours set again by the agent or the request, or an agent default by the
        // request: merged in place.
        let fields = ours().collect();
        let own: Vec<Field<'_>> = own().collect();
        let fields = replace_in_place(replace_in_place(fields, &agent_defaults), &own);
        write_fields(&mut out, fields)?;
    } else {
        // Nothing replaces anything: ours, then the agent's, then the request's, each in order.
        write_fields(&mut out, ours())?;
        write_fields(&mut out, agent_defaults)?;
        write_fields(&mut out, own())?;
    }
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

/// A header field on its way to the head: name, value, and whether it needs checking.
type Field<'a> = (&'a str, &'a str, bool);

/// Room for a request head without a long URL or many fields: the head and a small body are
/// written into one buffer, allocated once.
const HEAD_ROOM: usize = 256;

/// Writes each field of `fields`, checking those that need it.
fn write_fields<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = Field<'a>>) -> Result<()> {
    for (name, value, check) in fields {
        write_field(out, name, value, check)?;
    }
    Ok(())
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
    let defaults: &[(String, String)] = if without_default_credentials {
        &[]
    } else {
        settings.default_headers.fields()
    };
    caller_values(defaults, headers, "proxy-authorization").next()
}

/// Whether `name` is one of the body's framing fields.
fn is_framing(name: &str) -> bool {
    FRAMING.iter().any(|f| name.eq_ignore_ascii_case(f))
}

/// `fields` with `replacements` put in: the replacements of a name already there take the
/// place of its first field, and its other fields go; the replacements of a new name follow
/// at the end, in their order. Names compare without regard to case (RFC 9110 section 5.1).
fn replace_in_place<T: Copy + FieldName>(fields: Vec<T>, replacements: &[T]) -> Vec<T> {
    if replacements.is_empty() {
        return fields;
    }
    let mut placed = vec![false; replacements.len()];
    let mut out = Vec::with_capacity(fields.len() + replacements.len());
    for field in fields {
        let same_name = |other: &T| other.name().eq_ignore_ascii_case(field.name());
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

/// The name of a field, for [`replace_in_place`].
trait FieldName {
    fn name(&self) -> &str;
}

impl FieldName for Field<'_> {
    fn name(&self) -> &str {
        self.0
    }
}

#[cfg(test)]
impl FieldName for (&str, &str) {
    fn name(&self) -> &str {
        self.0
    }
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

    use crate::http1::write::write_request_head_as;

    /// The head built the plain way (a list of fields, filtered, then merged), as the builder
    /// made it before the one-buffer rewrite, kept to compare with.
    fn reference(settings: &Settings, input: &HeadInput<'_>) -> Result<Vec<u8>> {
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
            without_default_host,
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
        let cookie_at = fields.len();
        if let Some(proxy) = proxy {
            if let Some(credentials) = proxy.authorization() {
                fields.push(("Proxy-Authorization", credentials));
            }
            fields.extend(forwarded_proxy_fields(proxy, &settings.proxy_headers));
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
        let removes = |name: &str| settings.default_headers.removes(name) || request_removes(name);
        let mut kept: Vec<(&str, &str)> = Vec::with_capacity(fields.len() + 1);
        for (at, &(name, value)) in fields.iter().enumerate() {
            // The Cookie field is not removed here: `call` left the jar's cookies out.
            if at == cookie_at {
                kept.extend(cookie.map(|cookie| ("Cookie", cookie)));
            }
            if is_framing(name) || !removes(name) {
                kept.push((name, value));
            }
        }
        if cookie_at == fields.len() {
            kept.extend(cookie.map(|cookie| ("Cookie", cookie)));
        }
        let fields = kept;
        let mut agent_defaults = Vec::with_capacity(settings.default_headers.fields().len());
        for (name, value) in settings.default_headers.fields() {
            if is_framing(name) {
                check_header(name, value)?;
            } else {
                let stays_behind = (without_default_credentials
                    && settings.secret_headers.is_secret(name.as_bytes()))
                    || (without_default_host && name.eq_ignore_ascii_case("host"));
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
                // The proxy's, never the origin's.
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

    mod same_bytes {
        use super::super::*;
        use super::reference;
        use proptest::prelude::*;

        /// What one case varies: the agent, the request and the call's own fields.
        #[derive(Debug, Clone)]
        struct Case {
            user_agent: Option<String>,
            decompress: bool,
            defaults: Vec<(String, String)>,
            agent_removes: Vec<String>,
            headers: Vec<(String, String)>,
            removed: Vec<String>,
            framing: Framing,
            forwarded: bool,
            proxy_headers: Vec<(String, String)>,
            expect_continue: bool,
            without_default_credentials: bool,
            without_default_host: bool,
            authorization: Option<String>,
            digest_answer: Option<String>,
            cookie: Option<String>,
            http10: bool,
            url: String,
        }

        fn both(case: &Case) -> (Result<Vec<u8>>, Result<Vec<u8>>) {
            // The agent's settings as its builder leaves them: a User-Agent or default field
            // that fails the check makes `build` fail, so no head is built with one (the
            // reference, which checks them, would refuse it; tests/core.rs checks the builder).
            let mut settings = Settings {
                user_agent: case
                    .user_agent
                    .clone()
                    .filter(|agent| check_header("User-Agent", agent).is_ok()),
                decompress: case.decompress,
                ..Settings::default()
            };
            for (name, value) in &case.defaults {
                let _refused = settings.default_headers.set(name, value.clone());
            }
            for name in &case.agent_removes {
                settings.default_headers.remove(name);
            }
            settings.proxy_headers.clone_from(&case.proxy_headers);
            let url = Url::parse(&case.url).unwrap();
            let proxy = Proxy::new("http://user:secret@proxy.example:3128").unwrap();
            let input = HeadInput {
                method: "POST",
                url: &url,
                target: request_target(&url, case.forwarded),
                http10: case.http10,
                headers: &case.headers,
                removed: &case.removed,
                framing: case.framing,
                proxy: case.forwarded.then_some(&proxy),
                expect_continue: case.expect_continue,
                without_default_credentials: case.without_default_credentials,
                without_default_host: case.without_default_host,
                authorization: case.authorization.as_deref(),
                digest_answer: case.digest_answer.as_deref(),
                cookie: case.cookie.as_deref(),
            };
            let body_room = 7;
            (
                build(&settings, &input, body_room),
                reference(&settings, &input),
            )
        }

        fn assert_same(case: &Case) {
            match both(case) {
                (Ok(new), Ok(old)) => assert_eq!(
                    String::from_utf8_lossy(&new),
                    String::from_utf8_lossy(&old),
                    "{case:?}"
                ),
                (Err(new), Err(old)) => {
                    assert_eq!((new.kind(), new.to_string()), (old.kind(), old.to_string()));
                }
                (new, old) => panic!("{case:?}: {new:?} against {old:?}"),
            }
        }

        fn plain() -> Case {
            Case {
                user_agent: Some("plainwire/0.1.0".into()),
                decompress: false,
                defaults: Vec::new(),
                agent_removes: Vec::new(),
                headers: Vec::new(),
                removed: Vec::new(),
                framing: Framing::None,
                forwarded: false,
                proxy_headers: Vec::new(),
                expect_continue: false,
                without_default_credentials: false,
                without_default_host: false,
                authorization: None,
                digest_answer: None,
                cookie: None,
                http10: false,
                url: "http://127.0.0.1:18080/small".into(),
            }
        }

        fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
                .collect()
        }

        #[test]
        fn a_table_of_requests() {
            let json = Case {
                headers: pairs(&[("Content-Type", "application/json")]),
                framing: Framing::Length(22),
                ..plain()
            };
            let cases = [
                plain(),
                Case {
                    decompress: true,
                    user_agent: None,
                    ..plain()
                },
                json.clone(),
                Case {
                    framing: Framing::Chunked,
                    expect_continue: true,
                    ..json.clone()
                },
                Case {
                    headers: pairs(&[("accept", "text/html"), ("X-A", "1"), ("x-a", "2")]),
                    ..plain()
                },
                Case {
                    defaults: pairs(&[("User-Agent", "mine"), ("X-Agent", "a"), ("Cookie", "c=1")]),
                    headers: pairs(&[("x-agent", "b"), ("Host", "other:81")]),
                    cookie: Some("jar=1".into()),
                    ..plain()
                },
                Case {
                    defaults: pairs(&[("Authorization", "Bearer t"), ("Proxy-Authorization", "p")]),
                    without_default_credentials: true,
                    authorization: Some("Basic dTpw".into()),
                    ..plain()
                },
                Case {
                    defaults: pairs(&[("Host", "a.test"), ("X-Team", "core")]),
                    without_default_host: true,
                    ..plain()
                },
                Case {
                    agent_removes: vec!["accept".into(), "X-Gone".into()],
                    removed: vec!["User-Agent".into(), "content-length".into()],
                    framing: Framing::Length(0),
                    ..plain()
                },
                Case {
                    forwarded: true,
                    proxy_headers: pairs(&[("X-Proxy", "1")]),
                    headers: pairs(&[("Proxy-Authorization", "mine")]),
                    ..plain()
                },
                Case {
                    digest_answer: Some("Digest x".into()),
                    authorization: Some("Basic a".into()),
                    ..plain()
                },
                Case {
                    http10: true,
                    url: "https://[::1]:8443/a?b=c".into(),
                    ..plain()
                },
                Case {
                    headers: pairs(&[("Content-Length", "22"), ("Transfer-Encoding", "gzip")]),
                    ..json.clone()
                },
                Case {
                    headers: pairs(&[("X-Bad", "a\r\nb")]),
                    ..plain()
                },
                Case {
                    defaults: pairs(&[("Bad Name", "v"), ("X-Good", "v")]),
                    ..plain()
                },
                Case {
                    headers: pairs(&[("X-Trim", "  v \t")]),
                    ..plain()
                },
            ];
            for case in &cases {
                assert_same(case);
            }
        }

        fn names() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("Host".to_string()),
                Just("user-agent".to_string()),
                Just("ACCEPT".to_string()),
                Just("Accept-Encoding".to_string()),
                Just("Authorization".to_string()),
                Just("cookie".to_string()),
                Just("Proxy-Authorization".to_string()),
                Just("Content-Length".to_string()),
                Just("transfer-encoding".to_string()),
                Just("Expect".to_string()),
                Just("Content-Type".to_string()),
                "X-[a-c]",
                "[a-z :]{0,3}",
            ]
        }

        fn fields() -> impl Strategy<Value = Vec<(String, String)>> {
            proptest::collection::vec((names(), "[a-z0-9 \t\r]{0,4}"), 0..4)
        }

        fn case() -> impl Strategy<Value = Case> {
            (
                (
                    proptest::option::of("[a-z/ \t\r]{0,4}"),
                    any::<bool>(),
                    fields(),
                    proptest::collection::vec(names(), 0..2),
                    fields(),
                    proptest::collection::vec(names(), 0..2),
                ),
                (
                    prop_oneof![
                        Just(Framing::None),
                        Just(Framing::Chunked),
                        (0u64..100_000).prop_map(Framing::Length)
                    ],
                    any::<bool>(),
                    fields(),
                    any::<bool>(),
                    any::<bool>(),
                ),
                (
                    proptest::option::of("[a-zA-Z0-9]{0,4}"),
                    proptest::option::of("[a-z]{0,4}"),
                    proptest::option::of("[a-z=]{0,4}"),
                    any::<bool>(),
                    any::<bool>(),
                ),
            )
                .prop_map(|(a, b, c)| Case {
                    user_agent: a.0,
                    decompress: a.1,
                    defaults: a.2,
                    agent_removes: a.3,
                    headers: a.4,
                    removed: a.5,
                    framing: b.0,
                    forwarded: b.1,
                    proxy_headers: b.2,
                    expect_continue: b.3,
                    without_default_credentials: b.4,
                    authorization: c.0,
                    digest_answer: c.1,
                    cookie: c.2,
                    http10: c.3,
                    without_default_host: c.4,
                    url: "http://example.com:8080/a?b".into(),
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn generated_requests(case in case()) {
                assert_same(&case);
            }
        }

        #[test]
        fn room_is_left_for_the_body() {
            let settings = Settings::default();
            let url = Url::parse("http://example.com/").unwrap();
            let input = HeadInput {
                method: "POST",
                url: &url,
                target: "/",
                http10: false,
                headers: &[],
                removed: &[],
                framing: Framing::Length(4000),
                proxy: None,
                expect_continue: false,
                without_default_credentials: false,
                without_default_host: false,
                authorization: None,
                digest_answer: None,
                cookie: None,
            };
            let head = build(&settings, &input, 4000).unwrap();
            assert!(head.capacity() >= head.len() + 4000);
        }
    }
}
