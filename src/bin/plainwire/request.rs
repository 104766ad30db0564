//! From an operation's options to a configured [`Agent`] and a ready-to-send
//! [`RequestBuilder`]. This is the only file that knows how each option maps onto the
//! library: timeouts, redirects, trust, proxy, routes, authentication, cookies, retries,
//! headers and the body.
//!
//! Operations whose agent settings agree ([`AgentSettings`]) share one agent, so that
//! connections are reused across URLs and `--next` groups, as curl reuses them.
//!
//! Headers: the tool's own (User-Agent, Referer, Cookie, Authorization, Content-Type, Range,
//! If-None-Match, and Accept for `--json`) each give way to a `-H` of the same name, and
//! `-H 'Name:'` leaves them and the library's (Accept, Expect, ...) out; `-H` headers follow,
//! in order.

use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use plainwire::{Agent, CookieJar, RequestBuilder, Response, Scheme};

use crate::args::{AuthScheme, IpFamilyArg, NetrcArgs, Operation};
use crate::body::{path_encode, FORM_TYPE, JSON_TYPE};
use crate::failure::{self, Failure};
use crate::inputs::Prepared;
use crate::interface::{InterfaceArg, LocalEnd};
use crate::rate_limit::Paced;
use crate::routes::{self, ConnectToArg};
use crate::tls_options::{FileType, TlsArg};
use crate::values::Protocols;

/// The User-Agent sent unless `-A` or `-H` says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("plainwire/", env!("CARGO_PKG_VERSION"));

/// The longest Cookie header `-b` builds; a cookie that would make it longer is skipped with
/// a warning (curl's limit, which matches what servers accept).
const MAX_COOKIE_LINE: usize = 8200;

/// `--speed-time` when only `--speed-limit` is given (curl's default).
const DEFAULT_SPEED_TIME: Duration = Duration::from_secs(30);

/// `--speed-limit` when only `--speed-time` is given (curl's default: 1 byte per second).
const DEFAULT_SPEED_LIMIT: u64 = 1;

/// What an agent is built from: the settings of an operation that are the agent's, not the
/// request's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSettings {
    max_redirects: u32,
    connect_timeout: Option<Duration>,
    max_time: Option<Duration>,
    /// `--retry` given: `-m` then limits each try (the retry policy's), not the whole call.
    retries: bool,
    /// `-x`, with the `-U` credentials in it.
    proxy: Option<String>,
    /// `-U` without `-x`: refused when the agent is built.
    proxy_user_without_proxy: bool,
    noproxy: Option<String>,
    user_agent: String,
    insecure: bool,
    cacert: Option<PathBuf>,
    capath: Option<PathBuf>,
    cert: Option<PathBuf>,
    cert_type: FileType,
    cert_password: bool,
    key: Option<PathBuf>,
    key_type: FileType,
    tls_min: Option<TlsArg>,
    tls_max: Option<TlsArg>,
    pinned_keys: Vec<[u8; 32]>,
    compressed: bool,
    /// Whether the agent keeps cookies in the run's jar.
    cookies: bool,
    netrc: NetrcArgs,
    resolve: Vec<(String, u16, Vec<IpAddr>)>,
    connect_to: Vec<ConnectToArg>,
    ip_family: IpFamilyArg,
    /// `--interface`.
    interface: Option<InterfaceArg>,
    /// `--proxy-header`, with values.
    proxy_headers: Vec<(String, String)>,
    proxytunnel: bool,
    /// `--location-trusted`.
    keep_credentials: bool,
    /// `--post301`, `--post302`, `--post303`.
    keep_post: Vec<u16>,
    /// `-e ';auto'` with `-L`.
    auto_referer: bool,
    /// The schemes a redirect may lead to: `--proto` and `--proto-redir` both allow them.
    redirect_protocols: Protocols,
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
        // An empty -x turns proxies off, whatever -U says (see `agent`).
        let proxy = op.proxy.as_deref().map(|proxy| match proxy {
            "" => String::new(),
            proxy => proxy_url(proxy, op.proxy_user.as_ref()),
        });
        AgentSettings {
            // Without -L a redirect is the answer, as in curl.
            max_redirects: if op.location { op.max_redirs } else { 0 },
            connect_timeout: op.connect_timeout,
            max_time: op.max_time,
            retries: op.retry.count > 0,
            proxy,
            proxy_user_without_proxy: op.proxy_user.is_some() && op.proxy.is_none(),
            noproxy: op.noproxy.clone(),
            user_agent,
            insecure: op.insecure,
            cacert: op.cacert.clone(),
            capath: op.capath.clone(),
            cert: op.cert.clone(),
            cert_type: op.cert_type.clone(),
            cert_password: op.cert_password,
            key: op.key.clone(),
            key_type: op.key_type.clone(),
            tls_min: op.tls_min,
            tls_max: op.tls_max,
            pinned_keys: prepared.pinned_keys.clone(),
            compressed: op.compressed,
            cookies: crate::cookies::engine_on(op),
            netrc: op.netrc.clone(),
            resolve: routes::fold(&op.resolve),
            connect_to: op.connect_to.clone(),
            ip_family: op.ip_family,
            interface: op.interface.clone(),
            proxy_headers: prepared
                .proxy_headers
                .iter()
                .filter_map(|h| Some((h.name.clone(), h.value.clone()?)))
                .collect(),
            proxytunnel: op.proxytunnel,
            keep_credentials: op.location_trusted,
            keep_post: op.post_on_redirect.clone(),
            auto_referer: op.auto_referer && op.location,
            redirect_protocols: Protocols {
                http: op.protocols.http && op.proto_redir.http,
                https: op.protocols.https && op.proto_redir.https,
            },
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

/// The agent for these settings, with the trace hook that feeds `-v`, `-i` and `-w`, and the
/// run's cookie jar when the settings keep cookies.
pub fn agent(settings: &AgentSettings, jar: Option<&CookieJar>) -> Result<Agent, Failure> {
    let mut builder = Agent::builder()
        .max_redirects(settings.max_redirects)
        .user_agent(&settings.user_agent);
    // curl reads a zero as "no limit"; the library's defaults stay for the connect timeout
    // (30 s) since it cannot be switched off, and no overall deadline is the default anyway.
    if let Some(limit) = settings.connect_timeout.filter(|d| !d.is_zero()) {
        builder = builder.connect_timeout(limit);
    }
    if let Some(limit) = settings.max_time {
        // The deadline bounds every wait, so the 60 s idle limit (a guard for runs without -m)
        // would only cut a transfer short that -m allows. With --retry, -m is each try's
        // (curl: "each transfer"), set on the retry policy; without, the whole call's. -m 0
        // is curl's "no limit": it turns the idle limit off too, and waits as curl does.
        if !settings.retries && !limit.is_zero() {
            builder = builder.timeout(limit);
        }
        builder = builder.read_timeout(None).write_timeout(None);
    }
    // Without --compressed the body is written as the server sent it: no Accept-Encoding of
    // ours, no decoding (curl without --compressed). With it, the library asks for gzip and
    // deflate and decodes them.
    #[cfg(feature = "gzip")]
    {
        builder = builder.decompress(settings.compressed);
    }
    if settings.proxy_user_without_proxy {
        return Err(Failure::usage(
            "option -U: give the proxy with -x as well (plainwire puts the credentials in the proxy's URL; for a proxy from the environment, write them into it: http_proxy=http://user:password@host:port)",
        ));
    }
    match settings.proxy.as_deref() {
        // curl: an empty proxy turns proxies off, the environment's too.
        Some("") => builder = builder.proxy_from_env(false),
        Some(proxy) => builder = builder.proxy(proxy),
        None => {}
    }
    // curl reads no_proxy (then NO_PROXY, as the library reads the environment's) for a -x
    // proxy too; --noproxy replaces it. Without -x the library reads it with the proxies.
    let with_x = settings
        .proxy
        .as_deref()
        .is_some_and(|proxy| !proxy.is_empty());
    let from_env = || {
        ["no_proxy", "NO_PROXY"]
            .iter()
            .find_map(|name| std::env::var(name).ok())
    };
    let no_proxy = settings
        .noproxy
        .clone()
        .or_else(|| with_x.then(from_env).flatten());
    if let Some(list) = &no_proxy {
        builder = builder.no_proxy(list);
    }
    for (name, value) in &settings.proxy_headers {
        builder = builder.proxy_header(name, value);
    }
    builder = builder
        .proxy_tunnel(settings.proxytunnel)
        .redirect_keep_credentials(settings.keep_credentials)
        .auto_referer(settings.auto_referer);
    for status in &settings.keep_post {
        builder = builder.keep_post_on_redirect(*status);
    }
    if settings.redirect_protocols != Protocols::ALL {
        let allowed = [
            (settings.redirect_protocols.http, Scheme::Http),
            (settings.redirect_protocols.https, Scheme::Https),
        ];
        let schemes: Vec<Scheme> = allowed
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, scheme)| *scheme)
            .collect();
        builder = builder.redirect_schemes(&schemes);
    }
    builder = netrc(builder, &settings.netrc);
    for (host, port, addrs) in &settings.resolve {
        for addr in addrs {
            builder = builder.resolve(host, *port, *addr);
        }
    }
    for rule in &settings.connect_to {
        builder = builder.connect_to(
            rule.host.as_deref(),
            rule.port,
            rule.to_host.as_deref(),
            rule.to_port,
        );
    }
    builder = match settings.ip_family {
        IpFamilyArg::Any => builder,
        IpFamilyArg::V4 => builder.ip_family(plainwire::IpFamily::V4),
        IpFamilyArg::V6 => builder.ip_family(plainwire::IpFamily::V6),
    };
    if let Some(arg) = &settings.interface {
        let local = LocalEnd::of(arg, settings.ip_family)?;
        builder = builder.local_address(local.address);
        // `LocalEnd::of` names an interface only where the library can bind to one.
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        if let Some(name) = &local.interface {
            builder = builder.interface(name);
        }
    }
    builder = trust(builder, settings)?;
    if let (true, Some(jar)) = (settings.cookies, jar) {
        builder = builder.cookie_jar(jar.clone());
    }
    // Heads as they crossed the wire: `-i` and `-D` write them as the user's data, and `-w`
    // counts their bytes. `-v` and `--trace` mask credentials for themselves.
    builder = builder
        .trace(crate::trace_record::hook)
        .trace_unmasked(true);
    // As curl does: the TLS secrets go where SSLKEYLOGFILE says, for Wireshark.
    #[cfg(feature = "tls")]
    {
        builder = builder.key_log_from_env(true);
    }
    builder.build().map_err(|e| Failure::from_error(&e))
}

/// `-n`, `--netrc-optional`, `--netrc-file`. As in curl, a `--netrc-file` that does not
/// exist is skipped (libcurl treats a missing file as "no match"), and so is a missing
/// `~/.netrc`.
fn netrc(builder: plainwire::AgentBuilder, netrc: &NetrcArgs) -> plainwire::AgentBuilder {
    match &netrc.file {
        Some(path) if path.exists() => builder.netrc_file(path),
        Some(_) => builder,
        None if netrc.enabled => builder.netrc(true),
        None => builder,
    }
}

/// The `-x` proxy as a URL for the library: `http://` when it names no scheme; port 1080 when an
/// http proxy names none, as curl assumes ("If the port number is not specified in the proxy
/// string, it is assumed to be 1080", docs/cmdline-opts/proxy.md), where the library, as
/// requests, takes the scheme's; and with `-U`'s `user:password@` (percent-encoded) in place
/// of any it had.
fn proxy_url(proxy: &str, credentials: Option<&(String, String)>) -> String {
    let (scheme, rest) = proxy.split_once("://").unwrap_or(("http", proxy));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (Some(userinfo), host),
        None => (None, authority),
    };
    // After an IPv6 literal's `]`, or anywhere in a name or IPv4 address.
    let names_port = host
        .rfind(']')
        .map_or(host.contains(':'), |close| host[close..].contains(':'));
    let port = match names_port || !scheme.eq_ignore_ascii_case("http") {
        true => "",
        false => ":1080",
    };
    let userinfo = match (credentials, userinfo) {
        (Some((user, password)), _) => format!("{}:{}@", path_encode(user), path_encode(password)),
        (None, Some(userinfo)) => format!("{userinfo}@"),
        (None, None) => String::new(),
    };
    format!("{scheme}://{userinfo}{host}{port}{tail}")
}

/// `-k`, `--cacert`, `--capath`, the client certificate (`--cert`, `--key`, their types),
/// the TLS versions and `--pinnedpubkey`.
#[cfg(feature = "tls")]
fn trust(
    mut builder: plainwire::AgentBuilder,
    settings: &AgentSettings,
) -> Result<plainwire::AgentBuilder, Failure> {
    use crate::tls_options;
    let fail = |e: plainwire::Error| Failure::from_error(&e);
    if let Some(path) = &settings.cacert {
        builder = builder.ca_file(path).map_err(fail)?;
    }
    if let Some(dirs) = &settings.capath {
        // Several directories, as curl takes them: `path1:path2` (`;` on Windows).
        for dir in std::env::split_paths(dirs).filter(|dir| !dir.as_os_str().is_empty()) {
            builder = builder.ca_dir(dir).map_err(fail)?;
        }
    }
    if settings.cert_password {
        return Err(Failure::new(
            failure::CERT_PROBLEM,
            "-E CERT:PASSWORD: encrypted keys are not supported; decrypt the key first (openssl pkey -in KEY -out PLAIN.pem) and give it without a password",
        ));
    }
    match (&settings.cert, &settings.key) {
        // As in curl, the key may sit in the certificate file when --key is not given.
        (Some(cert), key)
            if settings.cert_type == FileType::Pem && settings.key_type == FileType::Pem =>
        {
            builder = builder
                .client_cert_file(cert, key.as_deref())
                .map_err(fail)?
        }
        (Some(cert), key) => {
            tls_options::check_type("--cert-type", &settings.cert_type)?;
            tls_options::check_type("--key-type", &settings.key_type)?;
            let chain = tls_options::certificate_pem(cert, &settings.cert_type)?;
            let key = match key {
                Some(key) => tls_options::key_pem(key, &settings.key_type)?,
                None if settings.cert_type == FileType::Pem => chain.clone(),
                None => {
                    return Err(Failure::new(
                        failure::CERT_PROBLEM,
                        "a DER certificate holds no private key: give it with --key",
                    ))
                }
            };
            builder = builder.client_cert(&chain, &key).map_err(fail)?;
        }
        (None, Some(_)) => return Err(Failure::usage("option --key: needs --cert".to_string())),
        (None, None) => {}
    }
    if let Some((oldest, newest)) = tls_options::versions(settings.tls_min, settings.tls_max)? {
        builder = builder.tls_versions(oldest, newest);
    }
    for digest in &settings.pinned_keys {
        builder = builder.pin_public_key(*digest);
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
        ("--pinnedpubkey", !settings.pinned_keys.is_empty()),
    ];
    if let Some((flag, _)) = flags.iter().find(|(_, given)| *given) {
        return Err(Failure::new(
            failure::NOT_BUILT_IN,
            format!("option {flag}: this plainwire was built without TLS support"),
        ));
    }
    Ok(builder)
}

/// What one transfer adds to its operation's request.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransferInputs<'a> {
    /// `-T`: the file to upload, `-` or `.` for stdin.
    pub upload: Option<&'a Path>,
    /// `-C`: the offset to resume at (0: none).
    pub resume_from: u64,
}

/// Sends the request for `url` and reads the response head. With `--anyauth`, a 401 that
/// offers Basic only (a Digest challenge is answered by the library) is answered by sending
/// the request again with Basic credentials, if it came from `url`'s origin: a 401 from
/// where a redirect led says nothing of what `url`'s server accepts, and Basic is the
/// password in clear text, so it goes only to a server that asked for it.
pub fn send(
    agent: &Agent,
    op: &Operation,
    prepared: &Prepared,
    url: &str,
    inputs: TransferInputs<'_>,
) -> Result<Response, Failure> {
    let first = build(agent, op, prepared, url, inputs, false)?
        .send()
        .map_err(|e| Failure::from_error(&e))?;
    let stdin_upload = inputs.upload.is_some_and(crate::urls::is_stdin);
    // Credentials from -u, or else the URL's or .netrc's, which the first request held back
    // for Digest (see `build`): the second request sends them as Basic.
    let answer_with_basic = op.auth == AuthScheme::Any
        && (op.user.is_some() || agent.own_credentials(url).is_some())
        && !named(prepared, "authorization")
        && first.status() == 401
        && challenged_by_origin_of(&first, url)
        && offers_basic_only(&first)
        && !stdin_upload;
    if !answer_with_basic {
        return Ok(first);
    }
    // Read the challenge's body so that its connection can carry the second request, as much
    // of it as the library reads off a redirect; a longer body closes the connection instead.
    let mut challenge = first;
    let _ = std::io::copy(
        &mut (&mut challenge).take(plainwire::defaults::REDIRECT_DRAIN_MAX),
        &mut std::io::sink(),
    );
    drop(challenge);
    build(agent, op, prepared, url, inputs, true)?
        .send()
        .map_err(|e| Failure::from_error(&e))
}

/// The request-target as `url` writes it, `/../` and `/./` left in (`--path-as-is`): from the
/// first `/` after the authority up to a fragment; `/` when the path is empty. Bytes that are
/// not ASCII are percent-encoded, as the URL parser encodes them (a request line is ASCII,
/// RFC 9112 section 3.2).
fn raw_target(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[after_scheme..];
    let rest = rest.split('#').next().unwrap_or("");
    let target = match rest.find(['/', '?']) {
        Some(at) if rest[at..].starts_with('/') => rest[at..].to_string(),
        Some(at) => format!("/{}", &rest[at..]),
        None => "/".to_string(),
    };
    plainwire::percent_encode_non_ascii(target.as_bytes()).into_owned()
}

/// Whether `response` came from the origin of `url`, the URL the transfer started at.
fn challenged_by_origin_of(response: &Response, url: &str) -> bool {
    plainwire::Url::parse(url).is_ok_and(|url| url.same_origin(response.url()))
}

/// Whether a 401's challenges offer Basic and not Digest (RFC 9110 section 11.6.1: the scheme
/// is the first token of a `WWW-Authenticate` challenge). Every field counts, text or not: a
/// Digest challenge with a Latin-1 realm, which the library cannot answer, still means the
/// server takes Digest, and is no reason to send the password in clear text.
fn offers_basic_only(response: &Response) -> bool {
    let fields: Vec<String> = response
        .headers()
        .get_all_bytes("www-authenticate")
        .map(|value| String::from_utf8_lossy(value).into_owned())
        .collect();
    let schemes: Vec<String> = fields
        .iter()
        .flat_map(|value| value.split(','))
        .filter_map(|challenge| {
            let first = challenge.split_whitespace().next()?;
            // A parameter (`realm="x"`) of the challenge before is not a scheme.
            (!first.contains('=')).then(|| first.to_ascii_lowercase())
        })
        .collect();
    schemes.iter().any(|s| s == "basic") && !schemes.iter().any(|s| s == "digest")
}

/// The request for `url`: method, headers, credentials and body. `basic` sends `-u` as Basic
/// whatever the scheme asked for (the second request of `--anyauth`).
fn build(
    agent: &Agent,
    op: &Operation,
    prepared: &Prepared,
    url: &str,
    inputs: TransferInputs<'_>,
    basic: bool,
) -> Result<RequestBuilder, Failure> {
    let mut request = agent.request(op.method_for(inputs.upload.is_some()), url);
    let named = |name: &str| named(prepared, name);

    for header in prepared.headers.iter().filter(|h| h.value.is_none()) {
        request = request.remove_header(&header.name);
    }
    if let Some(referer) = op.referer.as_deref().filter(|_| !named("referer")) {
        request = request.header("Referer", referer);
    }
    // -b 'a=1; b=2' goes with the jar's cookies in one field (the jar's first), as in curl.
    if let Some(line) = cookie_line(&op.cookies).filter(|_| !named("cookie")) {
        for (name, value) in cookie_pairs(&line) {
            request = request.cookie(name, value);
        }
    }
    // A -H Authorization is what the user asked for, as in curl; -u and --oauth2-bearer
    // only fill in when there is none (the bearer token wins over -u).
    if !named("authorization") {
        if let Some((user, password)) = &op.user {
            request = match op.auth {
                AuthScheme::Basic => request.basic_auth(user, password),
                _ if basic => request.basic_auth(user, password),
                AuthScheme::Digest | AuthScheme::Any => request.digest_auth(user, password),
            };
        } else if matches!(op.auth, AuthScheme::Digest | AuthScheme::Any) && !basic {
            // --digest without -u: the URL's or .netrc's credentials answer Digest, as in
            // curl, instead of going out in the clear as Basic on the first request.
            if let Some((user, password)) = agent.own_credentials(url) {
                request = request.digest_auth(&user, &password);
            }
        }
        if let Some(token) = &op.bearer {
            request = request.bearer_auth(token);
        }
    }
    if !named("range") {
        if inputs.resume_from > 0 {
            request = request.header("Range", crate::resume::range_header(inputs.resume_from));
        } else if let Some(range) = &op.range {
            request = request.header("Range", format!("bytes={range}"));
        }
    }
    if let Some(etag) = prepared
        .if_none_match
        .as_deref()
        .filter(|_| !named("if-none-match"))
    {
        request = request.header("If-None-Match", etag);
    }
    if let Some((name, value)) = prepared
        .time_condition
        .map(|condition| condition.header())
        .filter(|(name, _)| !named(name))
    {
        request = request.header(name, value);
    }
    if op.http10 {
        request = request.http_version(plainwire::Version::Http10);
    }
    if let Some(target) = &op.request_target {
        request = request.request_target(target);
    } else if op.path_as_is {
        request = request.request_target(&raw_target(url));
    }
    if op.ignore_content_length {
        request = request.ignore_content_length(true);
    }
    if op.raw {
        request = request.raw_body(true);
    }
    // --tr-encoding, as curl asks: a compressed transfer coding, which the library undoes
    // (RFC 9112 section 7.4: TE is a hop-by-hop field, so Connection names it).
    if op.tr_encoding && !named("te") {
        request = request.header("TE", "gzip");
        if !named("connection") {
            request = request.header("Connection", "TE");
        }
    }
    let completed_type;
    (request, completed_type) = body(request, op, prepared, inputs.upload, &named)?;
    // curl sends the first of several -H Host and skips the rest; the library refuses two.
    let mut host_given = false;
    for header in &prepared.headers {
        let is_host = header.value.is_some() && header.name.eq_ignore_ascii_case("host");
        if is_host && std::mem::replace(&mut host_given, true) {
            continue;
        }
        // With --compressed, a copied Accept-Encoding (a browser's "gzip, deflate, br, zstd")
        // would let the server answer in a coding plainwire cannot undo, and would stop the
        // library from decoding at all (it decodes only what it asked for). It is left out,
        // so that the library asks for what it can decode, gzip and deflate, and decodes it;
        // the server never sends br or zstd. curl decodes what it asked for in the same way.
        let copied_encoding = op.compressed && header.name.eq_ignore_ascii_case("accept-encoding");
        let value = match &completed_type {
            Some(completed) if header.name.eq_ignore_ascii_case("content-type") => Some(completed),
            _ => header.value.as_ref(),
        };
        if let (Some(value), false) = (value, copied_encoding) {
            request = request.header(&header.name, value);
        }
    }
    if let Some(mut policy) = crate::retry_policy::policy(&op.retry, op.fail || op.fail_with_body) {
        // -m with --retry: each try has the whole of it (see `agent`).
        if let Some(limit) = op.max_time.filter(|d| !d.is_zero()) {
            policy = policy.try_timeout(limit);
        }
        request = request.retry(policy);
    }
    // A limit of 0, or a time of 0, bounds nothing: the library's rule, as curl's.
    match (op.speed_limit, op.speed_time) {
        (None, None) => {}
        (limit, time) => {
            request = request.low_speed_limit(
                limit.unwrap_or(DEFAULT_SPEED_LIMIT),
                time.unwrap_or(DEFAULT_SPEED_TIME),
            )
        }
    }
    Ok(request)
}

/// The request body: the `-T` file, the `-F` form, or the `-d`/`--json` bytes, paced by
/// `--limit-rate`. With it, a `-H` multipart Content-Type that names no boundary, completed
/// with the form's, to send in its place (without `--limit-rate`, the library completes it).
fn body(
    mut request: RequestBuilder,
    op: &Operation,
    prepared: &Prepared,
    upload: Option<&Path>,
    named: &dyn Fn(&str) -> bool,
) -> Result<(RequestBuilder, Option<String>), Failure> {
    let rate = op.limit_rate;
    if let Some(path) = upload {
        if crate::urls::is_stdin(path) {
            let stdin = std::io::stdin();
            let request = match rate {
                Some(rate) => paced_body(request, stdin, rate, None),
                None => request.body_reader(stdin),
            };
            return Ok((request, None));
        }
        let Some(rate) = rate else {
            return Ok((request.body_file(path), None));
        };
        let file = std::fs::File::open(path).map_err(|e| Failure::read_file(path, &e))?;
        let length = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        if length.is_none() {
            // A pipe or a device: read once.
            return Ok((paced_body(request, file, rate, None), None));
        }
        // A regular file is opened again for each try, as body_file does.
        let path = path.to_path_buf();
        let request = request.body_reopen(length, move || {
            Ok(Paced::new(std::fs::File::open(&path)?, rate))
        });
        return Ok((request, None));
    }
    if !prepared.form.is_empty() {
        let form = prepared.form.build()?;
        let Some(rate) = rate else {
            return Ok((request.multipart(form), None));
        };
        let given_type = prepared
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("content-type"))
            .find_map(|h| h.value.as_deref());
        let completed = given_type.and_then(|given| form.complete_content_type(given));
        if !named("content-type") {
            request = request.header("Content-Type", form.content_type());
        }
        let length = form.content_length();
        // A form of bytes and regular files is read afresh for each try (a retry, a 307, a
        // Digest challenge), as `multipart` sends it; one with stdin or a pipe, once.
        let request = match form.try_clone() {
            Some(_) => request.body_reopen(length, move || {
                let again = form
                    .try_clone()
                    .ok_or_else(|| std::io::Error::other("the form can no longer be read again"))?;
                Ok(Paced::new(again.into_reader()?, rate))
            }),
            None => {
                let reader = form.into_reader().map_err(|e| Failure::from_error(&e))?;
                paced_body(request, reader, rate, length)
            }
        };
        return Ok((request, completed));
    }
    if let Some(body) = &prepared.body {
        let content_type = if body.json { JSON_TYPE } else { FORM_TYPE };
        if !named("content-type") {
            request = request.header("Content-Type", content_type);
        }
        if body.json && !named("accept") {
            request = request.header("Accept", JSON_TYPE);
        }
        request = match rate {
            Some(rate) => {
                // Bytes can be sent again (a retry, a 307, a Digest challenge): a fresh paced
                // reader over them for each try.
                let length = body.bytes.len() as u64;
                let bytes: std::sync::Arc<[u8]> = body.bytes.as_slice().into();
                request.body_reopen(Some(length), move || {
                    Ok(Paced::new(std::io::Cursor::new(bytes.clone()), rate))
                })
            }
            None => request.body(body.bytes.clone()),
        };
    }
    Ok((request, None))
}

/// `reader` as the body, paced at `rate` bytes per second (`--limit-rate`), read once (stdin,
/// a pipe, a form); sent with a Content-Length when its `length` is known, chunked otherwise.
fn paced_body(
    request: RequestBuilder,
    reader: impl Read + Send + 'static,
    rate: u64,
    length: Option<u64>,
) -> RequestBuilder {
    let paced = Paced::new(reader, rate);
    match length {
        Some(length) => request.body_reader_sized(paced, length),
        None => request.body_reader(paced),
    }
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

/// The `name=value` pairs of a `-b` cookie line, trimmed; a piece without `=` is a cookie
/// without a name, sent as it is (`flag`), as curl sends the line as given and a browser's
/// "Copy as cURL" holds such cookies.
fn cookie_pairs(line: &str) -> impl Iterator<Item = (&str, &str)> {
    line.split(';')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.split_once('=').unwrap_or(("", piece)))
        .map(|(name, value)| (name.trim(), value.trim()))
}

/// With `-L --max-redirs 0`, the agent returns the first redirect as a response (its limit of
/// zero means "do not follow"); curl calls that reaching the limit. `redirect_url` is the
/// response's [`redirect_url`](plainwire::Response::redirect_url): where the library would have
/// gone, had the limit allowed it.
pub fn redirect_limit_reached(op: &Operation, redirect_url: Option<&str>) -> Option<Failure> {
    (op.location && op.max_redirs == 0 && redirect_url.is_some()).then(|| {
        Failure::new(
            failure::TOO_MANY_REDIRECTS,
            "maximum (0) redirects followed",
        )
    })
}

/// With `-L`, a redirect returned although the limit allows it: the library follows every
/// redirect it can, and returns one only when the body it must send again cannot be read
/// again (an upload from stdin or a pipe). curl fails then with 65 ("seek callback returned
/// error"): the upload has not reached its destination, so a zero exit would be a lie.
pub fn upload_not_sent_again(op: &Operation, redirect_url: Option<&str>) -> Option<Failure> {
    let url = redirect_url.filter(|_| op.location && op.max_redirs != 0)?;
    Some(Failure::new(
        failure::SEND_FAIL_REWIND,
        format!(
            "the redirect to {url} needs the upload again, and it was read once (stdin or a pipe)"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_time_zero_waits_for_a_silent_server_as_curl_does() {
        // Without -m the library's 60 s idle limit stays; -m 0 is curl's "no limit", which
        // turns it off too.
        let debug = |max_time| {
            let settings = AgentSettings {
                max_time,
                ..AgentSettings::of(&Operation::default(), &Prepared::default())
            };
            format!("{:?}", agent(&settings, None).unwrap())
        };
        assert!(
            debug(None).contains("read_timeout: Some(60s)"),
            "{}",
            debug(None)
        );
        let zero = debug(Some(Duration::ZERO));
        assert!(zero.contains("read_timeout: None"), "{zero}");
        assert!(zero.contains("write_timeout: None"), "{zero}");
    }

    #[test]
    fn cookies_are_joined_as_curl_joins_them() {
        let cookies =
            |list: &[&str]| cookie_line(&list.iter().map(|c| c.to_string()).collect::<Vec<_>>());
        assert_eq!(cookies(&[]), None);
        assert_eq!(cookies(&["a=1; b=2"]).unwrap(), "a=1; b=2");
        assert_eq!(cookies(&["a=1", "b=2", " c=3"]).unwrap(), "a=1; b=2; c=3");
    }

    #[test]
    fn a_cookie_line_splits_into_pairs() {
        let pairs: Vec<_> = cookie_pairs("a=1;  b=x=y ;flag; ;c=").collect();
        assert_eq!(pairs, [("a", "1"), ("b", "x=y"), ("", "flag"), ("c", "")]);
    }

    #[test]
    fn a_cookie_beyond_the_limit_is_skipped() {
        let big = format!("big={}", "x".repeat(MAX_COOKIE_LINE));
        let list = vec!["a=1".to_string(), big, "b=2".to_string()];
        assert_eq!(cookie_line(&list).unwrap(), "a=1; b=2");
    }

    #[test]
    fn proxy_credentials_go_into_the_url_encoded() {
        let credentials =
            |user: &str, password: &str| Some((user.to_string(), password.to_string()));
        assert_eq!(
            proxy_url("proxy:3128", credentials("ann", "p@ss:w/rd").as_ref()),
            "http://ann:p%40ss%3Aw%2Frd@proxy:3128"
        );
        assert_eq!(
            proxy_url("http://old:x@proxy:3128/", credentials("new", "").as_ref()),
            "http://new:@proxy:3128/"
        );
    }

    #[test]
    fn a_proxy_without_a_port_is_on_1080_as_curl_assumes() {
        assert_eq!(proxy_url("proxy", None), "http://proxy:1080");
        assert_eq!(
            proxy_url("HTTP://u:p@proxy/", None),
            "HTTP://u:p@proxy:1080/"
        );
        assert_eq!(proxy_url("[::1]", None), "http://[::1]:1080");
        assert_eq!(proxy_url("[::1]:8080", None), "http://[::1]:8080");
        assert_eq!(proxy_url("10.0.0.1:80", None), "http://10.0.0.1:80");
        // Other schemes are the library's to refuse, unchanged.
        assert_eq!(proxy_url("socks5://proxy", None), "socks5://proxy");
    }

    #[test]
    fn raw_targets_keep_dot_segments() {
        assert_eq!(raw_target("http://h/a/../b/./c?x=1#f"), "/a/../b/./c?x=1");
        assert_eq!(raw_target("http://h"), "/");
        assert_eq!(raw_target("http://h?q"), "/?q");
        assert_eq!(raw_target("http://u@h:8/../x"), "/../x");
        assert_eq!(
            raw_target("http://h/a/../\u{e9}?q=\u{e9}"),
            "/a/../%C3%A9?q=%C3%A9"
        );
    }
}
