//! From [`Args`] to a configured [`Agent`] and a ready-to-send [`RequestBuilder`].
//!
//! This is the only file that knows how each flag maps onto the library: timeouts, redirects,
//! trust, proxy, authentication, headers and the body.

use plainwire::{Agent, RequestBuilder};

use crate::args::Args;
use crate::body::{RequestBody, FORM_TYPE, JSON_TYPE};
use crate::failure::{self, Failure};

/// The agent for this run: one call, configured from the flags.
pub fn agent(args: &Args) -> Result<Agent, Failure> {
    // Without -L a redirect is the answer, as in curl.
    let mut builder =
        Agent::builder().max_redirects(if args.location { args.max_redirs } else { 0 });
    // curl reads a zero as "no limit"; the library's defaults stay for the connect timeout
    // (30 s) since it cannot be switched off, and no overall deadline is the default anyway.
    if let Some(limit) = args.connect_timeout.filter(|d| !d.is_zero()) {
        builder = builder.connect_timeout(limit);
    }
    if let Some(limit) = args.max_time.filter(|d| !d.is_zero()) {
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
    if let Some(proxy) = &args.proxy {
        builder = builder.proxy(proxy);
    }
    builder = trust(builder, args)?;
    builder = crate::verbose::install(builder, args.verbose);
    builder.build().map_err(|e| Failure::from_error(&e))
}

/// `-k`, `--cacert`, `--capath`, and the client certificate (`--cert`, `--key`).
#[cfg(feature = "tls")]
fn trust(
    mut builder: plainwire::AgentBuilder,
    args: &Args,
) -> Result<plainwire::AgentBuilder, Failure> {
    let fail = |e: plainwire::Error| Failure::from_error(&e);
    if let Some(path) = &args.cacert {
        builder = builder.ca_file(path).map_err(fail)?;
    }
    if let Some(dir) = &args.capath {
        builder = builder.ca_dir(dir).map_err(fail)?;
    }
    match (&args.cert, &args.key) {
        // As in curl, the key may sit in the certificate file when --key is not given.
        (Some(cert), key) => {
            builder = builder
                .client_cert_file(cert, key.as_deref())
                .map_err(fail)?
        }
        (None, Some(_)) => return Err(Failure::usage("option --key: needs --cert".to_string())),
        (None, None) => {}
    }
    Ok(builder.danger_accept_invalid_certs(args.insecure))
}

/// Without TLS there is nothing to trust: `--cacert` cannot do what it says, and `-k` has
/// nothing to loosen (an https URL fails on its own, with curl's 1).
#[cfg(not(feature = "tls"))]
fn trust(
    builder: plainwire::AgentBuilder,
    args: &Args,
) -> Result<plainwire::AgentBuilder, Failure> {
    let flags = [
        ("--cacert", args.cacert.is_some()),
        ("--capath", args.capath.is_some()),
        ("--cert", args.cert.is_some()),
        ("--key", args.key.is_some()),
    ];
    if let Some((flag, _)) = flags.iter().find(|(_, given)| *given) {
        return Err(Failure::new(
            failure::NOT_BUILT_IN,
            format!("option {flag}: this plainwire was built without TLS support"),
        ));
    }
    Ok(builder)
}

/// The request: method, headers, credentials and body.
pub fn build(agent: &Agent, args: &Args, body: Option<RequestBody>) -> RequestBuilder {
    let mut request = agent.request(args.effective_method(), &args.url);
    let has_header = |name: &str| {
        args.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };

    // A -H Authorization is what the user asked for, as in curl; -u and --oauth2-bearer
    // only fill in when there is none (the bearer token wins over -u).
    if !has_header("authorization") {
        if let Some((user, password)) = &args.user {
            request = request.basic_auth(user, password);
        }
        if let Some(token) = &args.bearer {
            request = request.bearer_auth(token);
        }
    }
    if let Some(body) = body {
        let content_type = if body.json { JSON_TYPE } else { FORM_TYPE };
        if !has_header("content-type") {
            request = request.header("Content-Type", content_type);
        }
        if body.json && !has_header("accept") {
            request = request.header("Accept", JSON_TYPE);
        }
        request = request.body(body.bytes);
    }
    for (name, value) in &args.headers {
        request = request.header(name, value);
    }
    request
}

/// With `-L --max-redirs 0`, the agent returns the first redirect as a response (its limit of
/// zero means "do not follow"); curl calls that reaching the limit.
pub fn redirect_limit_reached(args: &Args, response: &plainwire::Response) -> Option<Failure> {
    let redirect = matches!(response.status(), 301 | 302 | 303 | 307 | 308);
    (args.location && args.max_redirs == 0 && redirect && response.header("location").is_some())
        .then(|| {
            Failure::new(
                failure::TOO_MANY_REDIRECTS,
                "maximum (0) redirects followed",
            )
        })
}
