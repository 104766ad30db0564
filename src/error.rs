//! The one error type: what went wrong ([`ErrorKind`]), a sentence that says so, and the cause.
//!
//! Every failure in plainwire is an [`Error`]. A caller matches on [`Error::kind`]; a person reads
//! its `Display` text, which names the host involved; a debugger follows [`std::error::Error::source`]
//! down to the `io::Error` or `rustls::Error` underneath. Credentials never appear in a message.
//!
//! Some failures leave something for the caller to look at: the [`Response`](crate::Response)
//! behind a status error, the redirect chain behind a refused redirect. An `Error` carries it as
//! an attachment of type `Any`, because this file sits at the bottom of the import graph, below
//! the types it would have to name (they return this `Error`). The typed getters are written
//! beside those types: [`Error::response`], [`Error::into_response`] and [`Error::redirects`]
//! in `response.rs`.

use std::any::Any;
use std::fmt;
use std::time::Duration;

/// A failed call: see [`Error::kind`] for what kind of failure it was.
///
/// Its `Display` text says what happened and names the host; its
/// [`source`](std::error::Error::source) is the cause underneath, if any. It converts into
/// `Box<dyn std::error::Error>` and from `std::io::Error`, so `?` works either way.
///
/// ```
/// use plainwire::ErrorKind;
///
/// // A port on this machine that nothing listens on.
/// let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
///
/// let err = plainwire::get(&format!("http://127.0.0.1:{port}/")).send().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Connect);
/// assert_eq!(err.kind().curl_exit_code(), 7); // curl: (7) Failed to connect
/// assert!(err.to_string().contains("127.0.0.1"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Error {
    kind: ErrorKind,
    message: String,
    timeout_phase: Option<TimeoutPhase>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    /// Whether the message already says what the source says, perhaps shortened: then
    /// `Display` does not add the source's own text.
    source_told: bool,
    /// What the failed call leaves for its caller (see the module docs); `Send + Sync`, so
    /// that the error stays `Send + Sync`.
    attached: Option<Box<dyn Any + Send + Sync>>,
}

/// What kind of failure an [`Error`] is, for callers to match on.
///
/// Each kind corresponds to one of curl's exit codes, given by [`ErrorKind::curl_exit_code`],
/// which is what the `plainwire` command-line tool exits with.
///
/// ```
/// # fn demo(err: plainwire::Error) {
/// use plainwire::ErrorKind;
/// match err.kind() {
///     ErrorKind::Certificate | ErrorKind::Tls => eprintln!("TLS trouble: {err}"),
///     ErrorKind::Timeout => eprintln!("too slow: {err}"),
///     _ => eprintln!("failed: {err}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL could not be parsed (curl 3).
    InvalidUrl,
    /// The URL's scheme is neither `http` nor `https`, or `https` without the `tls` feature (curl 1).
    UnsupportedScheme,
    /// A method, header name or header value cannot go on the wire: not a token, or holds CR, LF, NUL or another control character (curl 43).
    InvalidRequest,
    /// The host name did not resolve (curl 6).
    Dns,
    /// No TCP connection could be made to any resolved address (curl 7).
    Connect,
    /// The proxy answered the `CONNECT` for an https URL (or `proxy_tunnel`) with a status
    /// other than 2xx, such as 407 for missing credentials or 403; the message names it
    /// (curl 56). Not retried by default: the same request meets the same answer.
    TunnelRefused,
    /// The connection's local end could not be had: the local address is not on this machine,
    /// the interface does not exist or may not be used, or the peer has no address of the local
    /// address's family (curl 45). Only an agent given a local end (feature `bind`) fails so.
    Bind,
    /// A timeout or the overall deadline struck; [`Error::timeout_phase`] says where (curl 28).
    Timeout,
    /// The TLS handshake or TLS record layer failed for a reason other than the server's certificate (curl 35).
    Tls,
    /// The server's certificate was not accepted: unknown issuer, expired, not yet valid, wrong name (curl 60).
    Certificate,
    /// [`Response::error_for_status`](crate::Response::error_for_status) found a status of 400 or more (curl 22);
    /// [`Error::response`] gives that response back, its body unread.
    Status(u16),
    /// The server's reply is not valid HTTP/1.x, or breaks a limit on its head (curl 8).
    Protocol,
    /// The server closed the connection without sending a single byte of a response (curl 52).
    EmptyReply,
    /// The body ended before its declared length or before its last chunk (curl 18).
    Truncated,
    /// The connection was reset or broken while receiving (curl 56).
    ConnectionReset,
    /// The redirect limit was reached (curl 47); [`Error::redirects`] gives the chain.
    TooManyRedirects,
    /// A redirect from `https` to `http`, which is refused unless allowed on the agent (curl 47 as well).
    InsecureRedirect,
    /// The body is larger than the configured limit (curl 63).
    BodyTooLarge,
    /// A body could not be decoded: as text in its declared charset, or out of its content
    /// coding (a gzip or deflate body that is corrupt) (curl 61).
    Decode,
    /// Reading or writing a local file or a caller's stream failed, or another I/O error (curl 26).
    Io,
    /// A JSON body could not be serialised or parsed (curl has none of its own; 8, "weird
    /// server reply", as the CLI reports it).
    Json,
    /// A configuration value is unusable, such as a CA bundle with no certificate in it (curl 77).
    Config,
    /// The client certificate or its key could not be read or used: unreadable, encrypted,
    /// or not matching each other (curl 58).
    ClientCertificate,
    /// The server's public key is not one of those pinned with
    /// [`AgentBuilder::pin_public_key`](crate::AgentBuilder::pin_public_key) (curl 90).
    PinnedKey,
}

/// Where in a call a timeout struck, so that a message can say "while connecting" or "while reading the body".
///
/// ```no_run
/// use plainwire::TimeoutPhase;
///
/// if let Err(err) = plainwire::get("https://example.com/").send() {
///     match err.timeout_phase() {
///         Some(TimeoutPhase::Connect | TimeoutPhase::Resolve) => eprintln!("host unreachable?"),
///         Some(phase) => eprintln!("too slow {}", phase.describe()),
///         None => eprintln!("{err}"),
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Resolving the host name.
    Resolve,
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake.
    Handshake,
    /// A proxy's answer to CONNECT, the tunnel an https request (or `proxy_tunnel`) goes
    /// through.
    ProxyTunnel,
    /// Writing the request head or body.
    SendRequest,
    /// Waiting for and reading the response head.
    ReadHead,
    /// Reading the response body.
    ReadBody,
}

impl TimeoutPhase {
    /// A phrase for messages: "while connecting", …
    ///
    /// ```
    /// use plainwire::TimeoutPhase;
    /// assert_eq!(TimeoutPhase::Connect.describe(), "while connecting");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            TimeoutPhase::Resolve => "while resolving the host name",
            TimeoutPhase::Connect => "while connecting",
            TimeoutPhase::Handshake => "during the TLS handshake",
            TimeoutPhase::ProxyTunnel => "while the proxy set up the tunnel (CONNECT)",
            TimeoutPhase::SendRequest => "while sending the request",
            TimeoutPhase::ReadHead => "while waiting for the response head",
            TimeoutPhase::ReadBody => "while reading the response body",
        }
    }
}

impl ErrorKind {
    /// The exit code curl uses for this kind of failure.
    ///
    /// ```
    /// use plainwire::ErrorKind;
    /// assert_eq!(ErrorKind::Timeout.curl_exit_code(), 28);
    /// assert_eq!(ErrorKind::Certificate.curl_exit_code(), 60);
    /// assert_eq!(ErrorKind::Status(404).curl_exit_code(), 22); // curl -f
    /// ```
    pub fn curl_exit_code(self) -> i32 {
        match self {
            ErrorKind::UnsupportedScheme => 1,
            ErrorKind::InvalidUrl => 3,
            ErrorKind::Dns => 6,
            ErrorKind::Connect => 7,
            ErrorKind::Protocol | ErrorKind::Json => 8,
            ErrorKind::Truncated => 18,
            ErrorKind::Status(_) => 22,
            ErrorKind::Io => 26,
            ErrorKind::Timeout => 28,
            ErrorKind::Tls => 35,
            ErrorKind::InvalidRequest => 43,
            ErrorKind::Bind => 45,
            ErrorKind::TooManyRedirects | ErrorKind::InsecureRedirect => 47,
            ErrorKind::EmptyReply => 52,
            ErrorKind::ConnectionReset | ErrorKind::TunnelRefused => 56,
            ErrorKind::Certificate => 60,
            ErrorKind::Decode => 61,
            ErrorKind::BodyTooLarge => 63,
            ErrorKind::ClientCertificate => 58,
            ErrorKind::PinnedKey => 90,
            ErrorKind::Config => 77,
        }
    }
}

impl Error {
    /// A new error of `kind` with a message saying what happened.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            timeout_phase: None,
            source: None,
            source_told: false,
            attached: None,
        }
    }

    /// A timeout in `phase`; `limit` is the budget that ran out, for the message.
    pub(crate) fn timeout(phase: TimeoutPhase, what: &str, limit: Duration) -> Error {
        let mut err = Error::new(
            ErrorKind::Timeout,
            format!("{what} of {limit:?} ran out {}", phase.describe()),
        );
        err.timeout_phase = Some(phase);
        err
    }

    /// Marks a timeout with the phase it struck in.
    pub(crate) fn set_timeout_phase(&mut self, phase: TimeoutPhase) {
        self.timeout_phase = Some(phase);
    }

    /// Attaches the underlying cause.
    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Error {
        self.source = Some(source.into());
        self
    }

    /// Attaches the underlying cause, whose text the message already gives in a form of its
    /// own (shortened, or with its control characters escaped): `Display` shows the message
    /// alone.
    #[cfg(feature = "json")]
    pub(crate) fn with_source_told(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Error {
        self.source = Some(source.into());
        self.source_told = true;
        self
    }

    /// Attaches what the failed call leaves for its caller: a `Response`, a redirect chain.
    pub(crate) fn attach(mut self, value: impl Any + Send + Sync) -> Error {
        self.attached = Some(Box::new(value));
        self
    }

    /// The attachment, if there is one of type `T`.
    pub(crate) fn attached<T: Any>(&self) -> Option<&T> {
        self.attached.as_deref()?.downcast_ref()
    }

    /// The attachment, taken out of the error, if there is one of type `T`.
    pub(crate) fn into_attached<T: Any>(self) -> Option<T> {
        self.attached?.downcast().ok().map(|boxed| *boxed)
    }

    /// The same error, classified as `kind`: for a failure whose meaning depends on where it
    /// happened (a reset during a TLS handshake is a failed handshake).
    #[cfg(feature = "tls")]
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.kind = kind;
        self
    }

    /// The same failure, reported a second time (a body read again after it failed): kind,
    /// phase and the whole message, its cause's text included; the cause itself stays with the
    /// first report.
    pub(crate) fn again(&self) -> Error {
        Error {
            kind: self.kind,
            message: self.to_string(),
            timeout_phase: self.timeout_phase,
            source: None,
            source_told: false,
            attached: None,
        }
    }

    /// Prefixes the message with context, such as the host involved.
    pub(crate) fn context(mut self, context: impl fmt::Display) -> Error {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The kind of failure, for matching.
    ///
    /// ```no_run
    /// use plainwire::ErrorKind;
    ///
    /// match plainwire::get("https://self-signed.example/").send() {
    ///     Ok(resp) => println!("{}", resp.status()),
    ///     Err(err) if err.kind() == ErrorKind::Certificate => eprintln!("untrusted: {err}"),
    ///     Err(err) => eprintln!("failed: {err}"),
    /// }
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// For [`ErrorKind::Timeout`]: the phase of the call in which the time ran out; `None`
    /// for every other kind.
    ///
    /// ```
    /// use std::time::Duration;
    /// use plainwire::TimeoutPhase;
    ///
    /// // A server that accepts the connection and never answers.
    /// let silent = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/", silent.local_addr()?);
    ///
    /// let err = plainwire::get(&url).timeout(Duration::from_millis(100)).send().unwrap_err();
    /// assert_eq!(err.timeout_phase(), Some(TimeoutPhase::ReadHead));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn timeout_phase(&self) -> Option<TimeoutPhase> {
        self.timeout_phase
    }

    /// The message alone, without the cause appended.
    ///
    /// ```
    /// let err = plainwire::Error::from(std::io::Error::other("disk full"));
    /// assert_eq!(err.message(), "an I/O operation failed");
    /// assert_eq!(err.to_string(), "an I/O operation failed: disk full");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = self.source.as_ref().filter(|_| !self.source_told) {
            let text = source.to_string();
            if !text.is_empty() && !self.message.contains(&text) {
                write!(f, ": {text}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(phase) = self.timeout_phase {
            d.field("timeout_phase", &phase);
        }
        match &self.source {
            // Its text is in the message already, bounded and escaped there; whole, it could
            // quote a megabyte of the body (a serde error names the value it refused), and
            // `Debug` is what `unwrap` and `main`'s `Result` print.
            Some(_) if self.source_told => {
                d.field("source", &format_args!("(told in the message)"));
            }
            Some(source) => {
                d.field("source", source);
            }
            None => {}
        }
        if self.attached.is_some() {
            // What it is shows through the typed getters; the message names status and URL.
            d.field("attached", &true);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<Error> for std::io::Error {
    /// Lets a plainwire error travel through `std::io::Read`, and come back out intact:
    /// `io_error.into_inner()` and `downcast::<plainwire::Error>()` recover it.
    fn from(err: Error) -> std::io::Error {
        let kind = match err.kind {
            ErrorKind::Timeout => std::io::ErrorKind::TimedOut,
            ErrorKind::Truncated => std::io::ErrorKind::UnexpectedEof,
            ErrorKind::ConnectionReset => std::io::ErrorKind::ConnectionReset,
            _ => std::io::ErrorKind::Other,
        };
        std::io::Error::new(kind, err)
    }
}

/// Lets `?` turn an I/O error into a plainwire error of kind [`ErrorKind::Io`], the I/O error
/// kept as its [`source`](std::error::Error::source), so that a function can read a file and
/// send it with one error type. A plainwire error that travelled inside an `io::Error` (out of
/// a body read) comes back out as it was.
///
/// ```
/// fn upload(path: &str) -> plainwire::Result<u16> {
///     let bytes = std::fs::read(path)?;
///     Ok(plainwire::post("http://localhost/upload").body(bytes).send()?.status())
/// }
/// let err = upload("/nonexistent/file").unwrap_err();
/// assert_eq!(err.kind(), plainwire::ErrorKind::Io);
/// assert!(std::error::Error::source(&err).is_some());
/// ```
impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::from_io(err, "an I/O operation failed")
    }
}

impl Error {
    /// Recovers a plainwire error that travelled through `std::io::Read` (see the `From` impl),
    /// or wraps any other I/O error as [`ErrorKind::Io`].
    pub(crate) fn from_io(err: std::io::Error, context: &str) -> Error {
        if err.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            let inner = err.into_inner().expect("checked: there is an inner error");
            return *inner.downcast::<Error>().expect("checked: it is ours");
        }
        Error::new(ErrorKind::Io, context.to_string()).with_source(err)
    }
}

/// Shorthand for results in this crate.
///
/// ```no_run
/// fn status_of(url: &str) -> plainwire::Result<u16> {
///     Ok(plainwire::head(url).send()?.status())
/// }
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_survives_a_trip_through_io_error() {
        let err = Error::new(ErrorKind::Truncated, "body ended 3 bytes early");
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::UnexpectedEof);
        let back = Error::from_io(io, "reading");
        assert_eq!(back.kind(), ErrorKind::Truncated);
        assert_eq!(back.to_string(), "body ended 3 bytes early");
    }

    #[test]
    fn other_io_errors_become_io_kind_with_source() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "nope");
        let err = Error::from_io(io, "reading the upload");
        assert_eq!(err.kind(), ErrorKind::Io);
        assert_eq!(err.to_string(), "reading the upload: nope");
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn question_mark_turns_io_errors_into_io_kind() {
        fn read() -> Result<Vec<u8>> {
            Ok(std::fs::read("/nonexistent/plainwire-test")?)
        }
        let err = read().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io);
        let source = std::error::Error::source(&err).unwrap();
        assert!(source.is::<std::io::Error>(), "{source:?}");
        let back: Error = std::io::Error::from(Error::new(ErrorKind::Timeout, "slow")).into();
        assert_eq!(back.kind(), ErrorKind::Timeout);
    }

    #[test]
    fn error_is_send_and_sync() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<Error>();
    }
}
