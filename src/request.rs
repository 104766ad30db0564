//! [`RequestBuilder`]: method, URL, headers, query, body and timeout of one request; then `send`.
//!
//! Mistakes (a bad URL, a header with a line break) are remembered and returned by
//! [`RequestBuilder::send`], so that building reads as one chain; nothing is sent if any part
//! is wrong.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use crate::auth;
use crate::client::settings::LowSpeed;
use crate::client::{call, Outgoing, Overrides, SendBody, Shared};
#[cfg(feature = "json")]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::response::Response;
use crate::url::{form_urlencode, Url};

/// A request being built. Start one with [`crate::get`], [`Agent::get`](crate::Agent::get) and
/// friends.
///
/// ```no_run
/// use std::time::Duration;
/// let resp = plainwire::get("https://httpbin.org/get")
///     .query("q", "rust http")
///     .header("Accept", "application/json")
///     .timeout(Duration::from_secs(5))
///     .send()?;
/// println!("{}", resp.status());
/// # Ok::<(), plainwire::Error>(())
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    /// The agent's settings and pool, shared with every clone of the agent.
    shared: Arc<Shared>,
    method: String,
    url: Result<Url>,
    headers: Vec<(String, String)>,
    body: SendBody,
    overrides: Overrides,
    error: Option<Error>,
}

impl RequestBuilder {
    pub(crate) fn new(shared: Arc<Shared>, method: &str, url: &str) -> RequestBuilder {
        RequestBuilder {
            shared,
            method: method.to_string(),
            url: Url::parse(url),
            headers: Vec::new(),
            body: SendBody::Empty,
            overrides: Overrides::default(),
            error: None,
        }
    }

    /// Adds a header. Headers go out in the order added, after the defaults (Host, User-Agent,
    /// Accept, Content-Length), and one with the same name as a default replaces it. A name
    /// that is not a token, or a value with CR, LF or NUL, makes `send` fail before connecting.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds `key=value` to the URL's query, percent-encoded.
    pub fn query(mut self, key: &str, value: &str) -> Self {
        if let Ok(url) = &mut self.url {
            url.append_query_pair(key, value);
        }
        self
    }

    /// Sends `Authorization: Basic …` with these credentials. A user name that contains a `:`
    /// cannot be told from the password that follows it (RFC 7617 section 2), so it makes
    /// `send` fail, as does a control character in either part.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        match auth::basic(user, password) {
            Ok(value) => self.set_header("Authorization", value),
            Err(err) => {
                self.error = self.error.or(Some(err));
                self
            }
        }
    }

    /// Sends `Authorization: Bearer <token>`.
    pub fn bearer_auth(self, token: &str) -> Self {
        let value = auth::bearer(token);
        self.set_header("Authorization", value)
    }

    /// Replaces any header of the same name.
    fn set_header(mut self, name: &str, value: String) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value));
        self
    }

    /// The deadline for this call, from name resolution to the last byte of the body,
    /// redirects included; overrides the agent's [`timeout`](crate::AgentBuilder::timeout).
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.overrides.timeout = timeout.into();
        self
    }

    /// The read (idle) timeout for this call, in place of the agent's
    /// [`read_timeout`](crate::AgentBuilder::read_timeout).
    pub fn read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.overrides.read_timeout = Some(timeout.into());
        self
    }

    /// The head timeout for this call, in place of the agent's
    /// [`head_timeout`](crate::AgentBuilder::head_timeout).
    pub fn head_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.overrides.head_timeout = Some(timeout.into());
        self
    }

    /// The low-speed limit for this call, in place of the agent's
    /// [`low_speed_limit`](crate::AgentBuilder::low_speed_limit).
    pub fn low_speed_limit(mut self, bytes_per_second: u64, period: Duration) -> Self {
        self.overrides.low_speed = Some(Some(LowSpeed {
            bytes_per_second,
            period,
        }));
        self
    }

    /// The most redirects this call follows; 0 returns a redirect as the response, like
    /// requests' `allow_redirects=False`. In place of the agent's
    /// [`max_redirects`](crate::AgentBuilder::max_redirects).
    pub fn max_redirects(mut self, max: u32) -> Self {
        self.overrides.max_redirects = Some(max);
        self
    }

    /// The largest body [`Response::bytes`], `text` and `json` read into memory for this call,
    /// in place of the agent's [`max_body_size`](crate::AgentBuilder::max_body_size).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.overrides.max_body_size = Some(bytes);
        self
    }

    /// Sends these bytes as the body, with a Content-Length.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = SendBody::Bytes(body.into());
        self
    }

    /// Streams the body from `reader`, with chunked transfer coding and `Expect: 100-continue`.
    /// A streamed body cannot be sent twice, so a 307 or 308 redirect is returned as the
    /// response instead of followed.
    pub fn body_reader(mut self, reader: impl Read + Send + 'static) -> Self {
        self.body = SendBody::Reader(Box::new(reader));
        self
    }

    /// Sends `value` as JSON, with `Content-Type: application/json` unless one was set.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(value).map_err(|e| {
            Error::new(
                ErrorKind::Json,
                "could not serialise the request body as JSON",
            )
            .with_source(e)
        })?;
        Ok(self.with_content_type("application/json").body(bytes))
    }

    /// Sends these pairs as an `application/x-www-form-urlencoded` body.
    pub fn form(self, pairs: &[(&str, &str)]) -> Self {
        let mut body = String::new();
        for (i, (key, value)) in pairs.iter().enumerate() {
            if i > 0 {
                body.push('&');
            }
            form_urlencode(&mut body, key);
            body.push('=');
            form_urlencode(&mut body, value);
        }
        self.with_content_type("application/x-www-form-urlencoded")
            .body(body)
    }

    fn with_content_type(self, content_type: &str) -> Self {
        if self
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            self
        } else {
            self.header("Content-Type", content_type)
        }
    }

    /// Sends the request and reads the response head. The body is left on the connection to be
    /// read through the [`Response`]. Every status is `Ok`; see
    /// [`Response::error_for_status`] to turn 4xx and 5xx into errors.
    pub fn send(self) -> Result<Response> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let outgoing = Outgoing {
            method: self.method,
            url: self.url?,
            headers: self.headers,
            body: self.body,
            overrides: self.overrides,
        };
        let answer = call::run(&self.shared, outgoing)?;
        Ok(Response::from_answer(answer))
    }
}

impl std::fmt::Debug for RequestBuilder {
    /// Method, URL (without userinfo) and header fields, the values of secret ones masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secrets = &self.shared.settings.secret_headers;
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("url", &self.url.as_ref().map(Url::as_str).ok())
            .field("headers", &secrets.debug_fields(&self.headers))
            .finish_non_exhaustive()
    }
}
