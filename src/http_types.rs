//! The `http` crate's types, in and out (feature `http`): an `http::Request` becomes a
//! [`RequestBuilder`], and a [`Response`] an `http::Response` with its body still a stream.
//! Nothing here sends; the conversions only copy what the types hold.
//!
//! ```no_run
//! // A request built, or signed, by code that speaks `http`:
//! let request = http::Request::post("https://api.example.com/items")
//!     .header("content-type", "application/json")
//!     .body(br#"{"name":"plainwire"}"#.to_vec())?;
//! let agent = plainwire::Agent::new();
//! let response: http::Response<plainwire::BodyReader> = agent.request_http(request).send()?.into();
//! println!("{}", response.status());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::agent::Agent;
use crate::body_reader::BodyReader;
use crate::error::{Error, ErrorKind};
use crate::http1::head::Version;
use crate::request::RequestBuilder;
use crate::response::Response;

impl Agent {
    /// Starts a request from an `http::Request`: its method, URI, header fields and body. The
    /// URI must be absolute (`https://host/path`); an `HTTP/1.0` version is kept, and any
    /// other is sent as HTTP/1.1, the newest plainwire speaks. Header values
    /// that are not text are refused when the request is sent.
    ///
    /// ```no_run
    /// let request = http::Request::get("https://example.com/").body(Vec::new())?;
    /// let resp = plainwire::Agent::new().request_http(request).send()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn request_http<B: Into<Vec<u8>>>(&self, request: http::Request<B>) -> RequestBuilder {
        let (parts, body) = request.into_parts();
        let mut builder = self.request(parts.method.as_str(), &parts.uri.to_string());
        if parts.version == http::Version::HTTP_10 {
            builder = builder.http_version(Version::Http10);
        }
        for (name, value) in &parts.headers {
            // UTF-8, as `header` takes it (`to_str` would refuse all but visible ASCII).
            match std::str::from_utf8(value.as_bytes()) {
                Ok(text) => builder = builder.header(name.as_str(), text),
                Err(_) => {
                    return builder.fail(Error::new(
                        ErrorKind::InvalidRequest,
                        format!("the value of header {:?} is not text", name.as_str()),
                    ))
                }
            }
        }
        let body = body.into();
        if body.is_empty() {
            builder
        } else {
            builder.body(body)
        }
    }
}

impl From<Response> for http::Response<BodyReader> {
    /// The status, version and header fields (repeated ones kept, in order), with the body as
    /// the stream it still is; the final URL goes into the extensions as a [`crate::Url`]. A
    /// field `http` would refuse (none that httparse accepted should be) is left out, and so,
    /// when the body is handed over decoded, are Content-Encoding and Content-Length, which
    /// describe the bytes that came (as reqwest does). Credential fields and the agent's
    /// secret ones are marked sensitive, so that `http`'s `Debug` masks them as ours does.
    fn from(response: Response) -> http::Response<BodyReader> {
        let status = http::StatusCode::from_u16(response.status());
        let version = match response.version() {
            Version::Http10 => http::Version::HTTP_10,
            Version::Http11 => http::Version::HTTP_11,
        };
        let (decoded, content_decoded) = response.body_is_decoded();
        let mut headers = http::HeaderMap::with_capacity(response.headers().len());
        for (name, value) in response.headers().iter() {
            // Under `Transfer-Encoding: gzip, chunked` the transfer coding is undone and a
            // Content-Encoding stays: it still describes the body.
            let describes_the_wire = (content_decoded
                && name.eq_ignore_ascii_case("content-encoding"))
                || (decoded && name.eq_ignore_ascii_case("content-length"));
            if describes_the_wire {
                continue;
            }
            if let (Ok(field), Ok(mut value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_bytes(value),
            ) {
                value.set_sensitive(response.is_secret_field(name.as_bytes()));
                headers.append(field, value);
            }
        }
        let url = response.url().clone();
        let mut converted = http::Response::new(response.into_reader());
        // A status httparse read is three digits from 100 up, which `http` takes.
        if let Ok(status) = status {
            *converted.status_mut() = status;
        }
        *converted.version_mut() = version;
        *converted.headers_mut() = headers;
        converted.extensions_mut().insert(url);
        converted
    }
}
