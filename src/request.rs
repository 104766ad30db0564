//! [`RequestBuilder`]: method, URL, headers, query, body and timeout of one request; then `send`.
//!
//! Mistakes (a bad URL, a header with a line break) are remembered and returned by
//! [`RequestBuilder::send`], so that building reads as one chain; nothing is sent if any part
//! is wrong.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::auth;
use crate::client::send_body::Stream;
use crate::client::settings::LowSpeed;
use crate::client::{call, Outgoing, Overrides, SendBody, Shared};
#[cfg(feature = "json")]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::expect_continue::ExpectContinue;
use crate::multipart::{Form, FormBody};
use crate::response::Response;
use crate::retry::RetryPolicy;
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

    /// Sends `Authorization: Basic …` with these credentials.
    pub fn basic_auth(self, user: &str, password: &str) -> Self {
        let value = auth::basic(user, password);
        self.set_header("Authorization", value)
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

    /// Streams the body from `reader`, read to its end as it is sent, with chunked transfer
    /// coding (a `Content-Length` header set on the request sends it with that length
    /// instead, and the reader must then yield exactly that many bytes). A streamed body is
    /// read once: a 307 or 308 redirect is returned as the response instead of followed, and
    /// the [retry policy](RequestBuilder::retry) stops once the reader has been read from.
    /// It asks for `100 Continue` first, under the default [`ExpectContinue`] rule.
    ///
    /// ```no_run
    /// let stdin = std::io::stdin();
    /// let resp = plainwire::post("https://example.com/upload").body_reader(stdin).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_reader(mut self, reader: impl Read + Send + 'static) -> Self {
        self.body = SendBody::Stream(Stream::once(Box::new(reader), None));
        self
    }

    /// Streams the body from `reader`, which will yield exactly `length` bytes, sent with
    /// `Content-Length: length` (presigned S3 uploads and many APIs refuse chunked bodies). A
    /// reader that ends sooner, or has more, fails the call with
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) (its message says how many bytes were missing)
    /// and the connection is closed with the body incomplete, so the server never takes it
    /// for a whole one: finding "more" reads one byte past `length`, before the last bytes
    /// are sent, and sends neither. Read once, like [`body_reader`](RequestBuilder::body_reader).
    ///
    /// ```no_run
    /// let data = std::io::Cursor::new(vec![0u8; 4096]);
    /// plainwire::put("https://bucket.example.com/key?X-Amz-Signature=...")
    ///     .body_reader_sized(data, 4096)
    ///     .send()?
    ///     .error_for_status()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_reader_sized(mut self, reader: impl Read + Send + 'static, length: u64) -> Self {
        self.body = SendBody::Stream(Stream::once(Box::new(reader), Some(length)));
        self
    }

    /// Streams the file at `path` as the body, never holding it in memory, like curl's `-T`.
    /// A regular file goes out with its size (from its metadata) as `Content-Length`, and is
    /// opened anew for each try, so that a [retry](RequestBuilder::retry) or a 307 redirect
    /// can send it again; a file that changes size meanwhile fails the call. Anything else (a
    /// pipe, `/dev/stdin`) is read once, to its end, chunked. A file that cannot be opened
    /// makes [`send`](RequestBuilder::send) fail with [`ErrorKind::Io`](crate::ErrorKind::Io)
    /// before connecting.
    ///
    /// ```no_run
    /// plainwire::put("https://example.com/backups/db.tar")
    ///     .body_file("db.tar")
    ///     .send()?
    ///     .error_for_status()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn body_file(mut self, path: impl AsRef<Path>) -> Self {
        match Stream::file(path.as_ref()) {
            Ok(stream) => self.body = SendBody::Stream(stream),
            Err(err) => self.error = self.error.or(Some(err)),
        }
        self
    }

    /// Sends a `multipart/form-data` body (RFC 7578), like requests' `files=` and curl's
    /// `-F`, with the form's `Content-Type` (which names its boundary) in place of any other.
    /// When every part's length is known (text, bytes, regular files, sized readers) it goes
    /// out with a `Content-Length`; otherwise chunked. Files are streamed, never held in
    /// memory. A form without readers can be sent again (by a [retry](RequestBuilder::retry),
    /// or after a 307 or 308); one with a reader is read once, like
    /// [`body_reader`](RequestBuilder::body_reader). A mistake in the form (a CR in a field
    /// name) makes [`send`](RequestBuilder::send) fail before connecting.
    ///
    /// ```no_run
    /// use plainwire::multipart::{Form, Part};
    /// let form = Form::new()
    ///     .text("title", "Holiday")
    ///     .file("photo", "beach.jpg")?
    ///     .part("notes", Part::bytes(b"sunny".to_vec()).file_name("notes.txt"));
    /// let resp = plainwire::post("https://example.com/upload").multipart(form).send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn multipart(mut self, form: Form) -> Self {
        let content_type = form.content_type();
        let length = form.content_length();
        match form.into_body() {
            Ok(FormBody::Replayable(open)) => {
                self.body = SendBody::Stream(Stream::reopen(open, length));
            }
            Ok(FormBody::Once(reader)) => {
                self.body = SendBody::Stream(Stream::once(reader, length));
            }
            Err(err) => self.error = self.error.or(Some(err)),
        }
        self.set_header("Content-Type", content_type)
    }

    /// When this request asks for `100 Continue` before sending its body, in place of the
    /// agent's [rule](crate::AgentBuilder::expect_continue).
    ///
    /// ```no_run
    /// use plainwire::ExpectContinue;
    /// plainwire::put("https://example.com/big")
    ///     .expect_continue(ExpectContinue::Never)
    ///     .body_file("big.iso")
    ///     .send()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn expect_continue(mut self, rule: ExpectContinue) -> Self {
        self.overrides.expect_continue = Some(rule);
        self
    }

    /// The retry policy of this request, in place of the agent's
    /// [`retry`](crate::AgentBuilder::retry); [`RetryPolicy::none`] turns retries off for it.
    ///
    /// ```no_run
    /// use plainwire::RetryPolicy;
    /// // A POST with an idempotency key may be sent twice.
    /// let resp = plainwire::post("https://api.example.com/payments")
    ///     .header("Idempotency-Key", "7c1e0f64")
    ///     .retry(RetryPolicy::new(3).retry_non_idempotent(true))
    ///     .body("{}")
    ///     .send()?;
    /// println!("{} after {} retries", resp.status(), resp.retries());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.overrides.retry = Some(policy);
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
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("url", &self.url.as_ref().map(Url::as_str).ok())
            .finish_non_exhaustive()
    }
}
