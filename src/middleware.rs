//! Middleware: the caller's own code around each call an agent makes, which may look at or
//! change the request before it goes, look at the response after it comes, send the request
//! again, or refuse it without sending ([`refused`]). It cannot make up a response: a
//! [`Response`] comes only from [`Next::send`]. It runs on the calling thread, in the order added; the agent adds none of
//! its own. The read-only trace hook ([`AgentBuilder::trace`](crate::AgentBuilder::trace)) is
//! the tool for watching; middleware is for changing.
//!
//! A middleware sees one call: the request as built, and the final response after any
//! redirects were followed. To sign every request, or to refresh a token and try once more
//! when the server answers 401:
//!
//! ```no_run
//! use plainwire::middleware::{Next, Request};
//! use plainwire::{Agent, Response, Result};
//!
//! fn current_token() -> String { "t0ken".into() }
//! fn refresh_token() -> String { "fresh".into() }
//!
//! let agent = Agent::builder()
//!     .middleware(|mut request: Request, next: Next<'_>| -> Result<Response> {
//!         request.set_header("Authorization", format!("Bearer {}", current_token()))?;
//!         // A body read from a stream cannot be sent twice: only retry what can be.
//!         let again = request.try_clone();
//!         let response = next.send(request)?;
//!         match again {
//!             Some(mut again) if response.status() == 401 => {
//!                 again.set_header("Authorization", format!("Bearer {}", refresh_token()))?;
//!                 next.send(again)
//!             }
//!             _ => Ok(response),
//!         }
//!     })
//!     .build()?;
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! | requests | plainwire |
//! |---|---|
//! | `s.hooks["response"].append(f)` | `.middleware(\|req: Request, next: Next<'_>\| { let r = next.send(req)?; f(&r); Ok(r) })` |
//! | a custom `AuthBase` (`r.headers[...] = ...`) | `.middleware(\|mut req: Request, next: Next<'_>\| { req.set_header(...)?; next.send(req) })` |
//!
//! A closure needs its parameter types written out, as above: Rust infers them only where a
//! function asks for a closure directly, and `middleware` asks for any [`Middleware`].
//!
//! A middleware that needs a request of its own (to fetch a token, say) should make it with
//! another agent: a call through the agent it belongs to runs the whole chain again, this
//! middleware included, with no bound but the caller's. And an agent kept inside one of its
//! own middlewares holds itself: it, its pool and its connections are never freed.

use std::sync::Arc;

use crate::client::{call, Outgoing, Overrides, SendBody, Shared};
use crate::error::{Error, ErrorKind, Result};
use crate::http1::write::check_header;
use crate::response::Response;
use crate::url::Url;

/// Code that runs around each call of an agent; see the [module docs](self).
///
/// A closure `Fn(Request, Next<'_>) -> Result<Response>` is a middleware; a type of your own
/// can be one too, holding what it needs:
///
/// ```
/// use plainwire::middleware::{Middleware, Next, Request};
/// use plainwire::{Response, Result};
///
/// /// Signs each request with a key (a stand-in for an HMAC over method, path and date).
/// struct Sign {
///     key_id: String,
/// }
///
/// impl Middleware for Sign {
///     fn handle(&self, mut request: Request, next: Next<'_>) -> Result<Response> {
///         let signature = format!("{}:{} {}", self.key_id, request.method(), request.url().path());
///         request.set_header("X-Signature", signature)?;
///         next.send(request)
///     }
/// }
///
/// let agent = plainwire::Agent::builder()
///     .middleware(Sign { key_id: "k1".to_string() })
///     .build()?;
/// # Ok::<(), plainwire::Error>(())
/// ```
pub trait Middleware: Send + Sync + 'static {
    /// Handles one call: changes `request` if it needs to, passes it on with
    /// [`Next::send`] (or refuses it with an error, such as [`refused`]), and returns the
    /// response.
    fn handle(&self, request: Request, next: Next<'_>) -> Result<Response>;
}

impl<F> Middleware for F
where
    F: Fn(Request, Next<'_>) -> Result<Response> + Send + Sync + 'static,
{
    fn handle(&self, request: Request, next: Next<'_>) -> Result<Response> {
        self(request, next)
    }
}

/// The chain of an agent's middleware, shared by every request it starts.
pub(crate) type Chain = Arc<[Arc<dyn Middleware>]>;

/// A request on its way through the middleware: what will be sent, as the builder left it.
///
/// The agent's own fields (Host, User-Agent, the body's framing, cookies, the agent's default
/// headers) are added when it is sent, after every middleware: these are the request's own.
/// So are the request's cookies (`RequestBuilder::cookie`), which join the jar's in the Cookie
/// field then, and go only to the origin the call started at; a `set_header("Cookie", ...)`
/// replaces them all, as on the builder.
///
/// ```
/// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// # let url = format!("http://{}/", listener.local_addr()?);
/// # std::thread::spawn(move || -> std::io::Result<()> {
/// #     use std::io::{Read, Write};
/// #     let (mut socket, _) = listener.accept()?;
/// #     socket.read(&mut [0; 4096])?;
/// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")?;
/// #     socket.read_to_end(&mut Vec::new()).map(drop)
/// # });
/// use std::sync::{Arc, Mutex};
/// use plainwire::middleware::{Next, Request};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = seen.clone();
/// let agent = plainwire::Agent::builder()
///     .middleware(move |request: Request, next: Next<'_>| {
///         let body = request.body().map(|b| String::from_utf8_lossy(b).into_owned());
///         log.lock().unwrap().push(format!("{} {} {body:?}", request.method(), request.url()));
///         next.send(request)
///     })
///     .build()?;
/// // `url`: a server on 127.0.0.1 that this example starts.
/// agent.post(&url).body("hi").send()?;
/// assert_eq!(seen.lock().unwrap()[0], format!("POST {url} Some(\"hi\")"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Request {
    outgoing: Outgoing,
}

impl Request {
    pub(crate) fn new(outgoing: Outgoing) -> Request {
        Request { outgoing }
    }

    /// The method, such as `"GET"`.
    pub fn method(&self) -> &str {
        &self.outgoing.method
    }

    /// Replaces the method; it must be a token, checked when the request is sent.
    pub fn set_method(&mut self, method: &str) {
        self.outgoing.method = crate::client::method(method);
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        &self.outgoing.url
    }

    /// Replaces the URL.
    pub fn set_url(&mut self, url: Url) {
        self.outgoing.url = url;
    }

    /// The request's own header fields, in the order they will be sent.
    pub fn headers(&self) -> &[(String, String)] {
        &self.outgoing.headers
    }

    /// The first value of a header field of the request's own, if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.outgoing
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header field, replacing any of the same name.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] for a name that is not a token or a value with CR, LF or
    /// NUL in it.
    pub fn set_header(&mut self, name: &str, value: impl std::fmt::Display) -> Result<()> {
        let value = value.to_string();
        check_header(name, &value)?;
        self.remove_header(name);
        self.outgoing.headers.push((name.to_string(), value));
        Ok(())
    }

    /// Removes every header field of the request's own called `name`.
    pub fn remove_header(&mut self, name: &str) {
        self.outgoing
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// The body, when it is held in memory (bytes, a string, JSON, a form); `None` for no
    /// body and for a body read from a stream, which no middleware can see without
    /// consuming it.
    pub fn body(&self) -> Option<&[u8]> {
        match &self.outgoing.body {
            SendBody::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Replaces the body with these bytes.
    pub fn set_body(&mut self, body: impl Into<Vec<u8>>) {
        self.outgoing.body = SendBody::Bytes(body.into());
    }

    /// A copy to send again, if the body is held in memory (`None` for a body read from a
    /// stream or a file, which only the call itself can send again).
    pub fn try_clone(&self) -> Option<Request> {
        let body = match &self.outgoing.body {
            SendBody::Empty => SendBody::Empty,
            SendBody::Bytes(bytes) => SendBody::Bytes(bytes.clone()),
            SendBody::Stream(_) => return None,
        };
        Some(Request {
            outgoing: Outgoing {
                method: self.outgoing.method.clone(),
                url: self.outgoing.url.clone(),
                headers: self.outgoing.headers.clone(),
                removed_headers: self.outgoing.removed_headers.clone(),
                cookies: self.outgoing.cookies.clone(),
                digest_auth: self.outgoing.digest_auth.clone(),
                body,
                overrides: self.outgoing.overrides,
                wire: self.outgoing.wire.clone(),
            },
        })
    }

    /// What this request changes of the agent's settings.
    fn overrides(&self) -> &Overrides {
        &self.outgoing.overrides
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.outgoing.method)
            .field("url", &self.outgoing.url.as_str())
            .field("headers", &self.outgoing.headers.len())
            .field("overrides", self.overrides())
            .finish_non_exhaustive()
    }
}

/// The rest of the chain: the middleware after this one, and then the call itself.
///
/// ```
/// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// # let url = format!("http://{}/", listener.local_addr()?);
/// # std::thread::spawn(move || -> std::io::Result<()> {
/// #     use std::io::{Read, Write};
/// #     let (mut socket, _) = listener.accept()?;
/// #     socket.read(&mut [0; 4096])?;
/// #     socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")?;
/// #     socket.read_to_end(&mut Vec::new()).map(drop)
/// # });
/// use plainwire::middleware::{Next, Request};
///
/// // requests: s.hooks["response"].append(log_status)
/// let agent = plainwire::Agent::builder()
///     .middleware(|request: Request, next: Next<'_>| {
///         let response = next.send(request)?;
///         eprintln!("{} {}", response.status(), response.url());
///         Ok(response)
///     })
///     .build()?;
/// // `url`: a server on 127.0.0.1 that this example starts.
/// assert_eq!(agent.get(&url).send()?.status(), 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Next<'a> {
    rest: &'a [Arc<dyn Middleware>],
    shared: &'a Shared,
}

impl<'a> Next<'a> {
    pub(crate) fn new(chain: &'a [Arc<dyn Middleware>], shared: &'a Shared) -> Next<'a> {
        Next {
            rest: chain,
            shared,
        }
    }

    /// Passes `request` on to the next middleware, or sends it when there is none. May be
    /// called more than once (to try again), each time with its own request.
    ///
    /// # Errors
    ///
    /// Whatever the rest of the chain or the call returns.
    pub fn send(&self, request: Request) -> Result<Response> {
        match self.rest.split_first() {
            Some((first, rest)) => first.handle(
                request,
                Next {
                    rest,
                    shared: self.shared,
                },
            ),
            None => {
                let answer = call::run(self.shared, request.outgoing)?;
                Ok(Response::from_answer(answer))
            }
        }
    }
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("middleware_left", &self.rest.len())
            .finish_non_exhaustive()
    }
}

/// An error for a middleware to return when it refuses a request itself.
///
/// ```
/// let err = plainwire::middleware::refused("no token for this host");
/// assert_eq!(err.kind(), plainwire::ErrorKind::InvalidRequest);
/// ```
pub fn refused(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidRequest, message)
}
