//! [`Response`]: the status and head of a response, and its body as a stream or in one piece.

use std::io::Read;
use std::sync::Arc;
use std::time::Instant;

use crate::body_reader::BodyReader;
use crate::client::Answer;
use crate::error::{Error, ErrorKind, Result};
use crate::http1::head::{ResponseHead, Version};
use crate::http1::headers::Headers;
use crate::timings::Timings;
use crate::transport::tls_info::TlsInfo;
use crate::url::Url;

/// A response whose head has arrived and whose body is still on the connection.
///
/// Every status is a `Response`, 404 and 500 included; [`Response::error_for_status`] is how to
/// make 4xx and 5xx an error. Read the body once: as a stream (this type implements `Read`, or
/// see [`Response::into_reader`]), or whole with [`Response::bytes`], [`Response::text`] or
/// [`Response::json`].
///
/// ```no_run
/// let resp = plainwire::get("https://example.com/").send()?;
/// println!("{} {}", resp.status(), resp.reason());
/// println!("type: {:?}", resp.content_type());
/// let html = resp.text()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug)]
pub struct Response {
    url: Url,
    head: ResponseHead,
    body: BodyReader,
    content_length: Option<u64>,
    max_body_size: u64,
    timings: Timings,
    head_at: Instant,
    tls: Option<Arc<TlsInfo>>,
    retries: u32,
}

impl Response {
    /// The response to a call's final request, its body still on the wire.
    pub(crate) fn from_answer(answer: Answer) -> Response {
        Response {
            url: answer.url,
            head: answer.head,
            body: BodyReader::new(answer.body, answer.coding),
            content_length: answer.content_length,
            max_body_size: answer.max_body_size,
            timings: answer.timings,
            head_at: Instant::now(),
            tls: answer.tls,
            retries: answer.retries,
        }
    }

    /// What the TLS handshake of this response's connection settled on; `None` for plain HTTP.
    pub fn tls(&self) -> Option<&TlsInfo> {
        self.tls.as_deref()
    }

    /// Where the time went: name resolution, connect, TLS, waiting for the head and, once the
    /// body has been read to its end through this response, reading it.
    pub fn timings(&self) -> Timings {
        Timings {
            body: self
                .body
                .finished_at()
                .map(|end| end.saturating_duration_since(self.head_at)),
            ..self.timings
        }
    }

    /// How many times the [retry policy](crate::RetryPolicy) sent the request again before
    /// this response: 0 when the first try answered (or no policy is set).
    ///
    /// ```no_run
    /// let resp = plainwire::get("https://example.com/")
    ///     .retry(plainwire::RetryPolicy::new(3))
    ///     .send()?;
    /// println!("{} after {} retries", resp.status(), resp.retries());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The status code, such as 200 or 404.
    pub fn status(&self) -> u16 {
        self.head.status
    }

    /// The reason phrase, such as "Not Found"; possibly empty.
    pub fn reason(&self) -> &str {
        self.head.reason()
    }

    /// HTTP/1.0 or HTTP/1.1.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The URL that answered, after any redirects (without credentials).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// All header fields.
    pub fn headers(&self) -> &Headers {
        &self.head.headers
    }

    /// The first value of a header, as text; `None` if absent or not UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.headers.get(name)
    }

    /// Every value of a header, as text, in the order received.
    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        self.head.headers.get_all(name)
    }

    /// The media type of the body without parameters, lowercase: `"application/json"` for
    /// `Content-Type: Application/JSON; charset=utf-8`.
    pub fn content_type(&self) -> Option<String> {
        let value = self.header("content-type")?;
        let media = value.split(';').next()?.trim();
        (!media.is_empty()).then(|| media.to_ascii_lowercase())
    }

    /// The `charset` parameter of the Content-Type, lowercase, if any.
    pub fn charset(&self) -> Option<String> {
        let value = self.header("content-type")?;
        value.split(';').skip(1).find_map(|param| {
            let (name, value) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
        })
    }

    /// The Content-Length, if the server sent one that frames the body (or, for a response
    /// without a body such as the answer to HEAD, one that says how long the body would be).
    /// `Content-Length: 5, 5` is 5, exactly as the framing read it.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Limits how many body bytes may be read, through any method; beyond it reads fail with
    /// [`ErrorKind::BodyTooLarge`]. Without it, streaming reads are unbounded, and `bytes`,
    /// `text` and `json` are bounded by the agent's
    /// [`max_body_size`](crate::AgentBuilder::max_body_size).
    pub fn limit_body(mut self, max_bytes: u64) -> Response {
        self.body.set_limit(Some(max_bytes));
        self
    }

    /// `Err` of kind [`ErrorKind::Status`] for a status of 400 or more, like requests'
    /// `raise_for_status()`; the response itself otherwise.
    pub fn error_for_status(self) -> Result<Response> {
        let status = self.status();
        if status >= 400 {
            let message = format!("HTTP status {status} {} from {}", self.reason(), self.url);
            return Err(Error::new(ErrorKind::Status(status), message));
        }
        Ok(self)
    }

    /// The body as a stream.
    pub fn into_reader(self) -> BodyReader {
        self.body
    }

    /// The whole body in memory, within the limit (see [`Response::limit_body`]).
    pub fn bytes(mut self) -> Result<Vec<u8>> {
        let limit = self.body.limit().unwrap_or(self.max_body_size);
        // A compressed body's Content-Length says nothing of its decoded size.
        let declared = self.content_length().filter(|_| !self.body.is_decoded());
        if let Some(length) = declared {
            if length > limit {
                return Err(Error::new(
                    ErrorKind::BodyTooLarge,
                    format!("the response body of {length} bytes is larger than the limit of {limit} bytes"),
                ));
            }
        }
        self.body.set_limit(Some(limit));
        // Read straight into the result: sized to the declared length when there is one (plus
        // a byte, to see the end without growing), in 64 KiB steps otherwise.
        let expected = declared.map_or(0, |length| length.min(limit).min(1 << 24) + 1);
        let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        loop {
            if body.len() == body.capacity() {
                body.reserve(64 * 1024);
            }
            let filled = body.len();
            body.resize(body.capacity(), 0);
            let n = self.body.read_body(&mut body[filled..])?;
            body.truncate(filled + n);
            if n == 0 {
                return Ok(body);
            }
        }
    }

    /// The whole body as text, decoded from its charset: UTF-8 (the default), US-ASCII or
    /// ISO-8859-1. Invalid UTF-8, or another charset, is an [`ErrorKind::Decode`] error; use
    /// [`Response::bytes`] and a decoder of your choice for those.
    pub fn text(self) -> Result<String> {
        let charset = self.charset();
        let url = self.url.clone();
        let bytes = self.bytes()?;
        match charset.as_deref() {
            None | Some("utf-8" | "utf8" | "us-ascii" | "ascii") => String::from_utf8(bytes).map_err(|e| {
                Error::new(
                    ErrorKind::Decode,
                    format!("the body from {url} is not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
                )
            }),
            Some("iso-8859-1" | "latin1" | "latin-1" | "l1") => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
            Some(other) => Err(Error::new(
                ErrorKind::Decode,
                format!("cannot decode the charset {other:?} of the body from {url}; read it with bytes()"),
            )),
        }
    }

    /// The whole body parsed as JSON into `T` (a `serde_json::Value`, or your own type).
    #[cfg(feature = "json")]
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        let url = self.url.clone();
        let bytes = self.bytes()?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::new(
                ErrorKind::Json,
                format!("the body from {url} is not the expected JSON"),
            )
            .with_source(e)
        })
    }
}

impl Read for Response {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.body.read(out)
    }
}
