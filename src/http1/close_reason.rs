//! [`CloseReason`]: why a connection may not carry another request. Naming only: the framing
//! rules decide some of these, the body reader the rest.

use std::fmt;

/// Why a connection was closed after a response instead of being kept for the next request.
///
/// A kept-alive connection may carry our next request only when nothing but our next response
/// can arrive on it; each of these is a way that could fail to hold, or a way the peer asked to
/// close. The trace reports it ([`TraceEvent::ConnectionClosed`](crate::TraceEvent::ConnectionClosed)).
///
/// ```
/// use plainwire::CloseReason;
/// assert_eq!(CloseReason::Http10.to_string(), "an HTTP/1.0 response without keep-alive");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// The response said `Connection: close` (RFC 9112 section 9.6).
    ResponseSaidClose,
    /// The request said `Connection: close`, after which the connection carries nothing else.
    RequestSaidClose,
    /// An HTTP/1.0 response without `Connection: keep-alive` (RFC 9112 section 9.3).
    Http10,
    /// The body had no length and ran until the server closed the connection.
    CloseDelimited,
    /// The response carried both Transfer-Encoding and Content-Length, or Transfer-Encoding in
    /// HTTP/1.0: framing that two parties could read differently (RFC 9112 section 6.1).
    AmbiguousFraming,
    /// The server answered before we had sent the request body, so the connection's state is
    /// unknown.
    AnsweredBeforeBody,
    /// The server sent bytes beyond the end of the response: they cannot be anyone's answer.
    BytesAfterResponse,
    /// The response was dropped, or reading stopped, before its body was read to its end.
    BodyNotRead,
    /// The body ended with the connection, as a close-delimited body does.
    EndedWithBody,
    /// The server closed the connection before the end of the body.
    Truncated,
    /// Reading the body failed (a framing error, a timeout, a reset).
    ReadFailed,
    /// A CONNECT succeeded, so the connection became a tunnel: what follows is no HTTP
    /// response of ours, and the connection is closed rather than kept (a client that wants the
    /// tunnel opens it through a proxy setting, not with a CONNECT of its own).
    Tunnel,
    /// The pool keeps no idle connections (a limit of 0), or the socket could not be made to
    /// wait in it.
    PoolRefused,
}

impl CloseReason {
    /// A phrase for traces: "the response said Connection: close", …
    pub fn describe(self) -> &'static str {
        match self {
            CloseReason::ResponseSaidClose => "the response said Connection: close",
            CloseReason::RequestSaidClose => "the request said Connection: close",
            CloseReason::Http10 => "an HTTP/1.0 response without keep-alive",
            CloseReason::CloseDelimited => "the body ends only when the connection closes",
            CloseReason::AmbiguousFraming => {
                "the response's framing was ambiguous (Transfer-Encoding with Content-Length or HTTP/1.0)"
            }
            CloseReason::AnsweredBeforeBody => "the server answered before the request body was sent",
            CloseReason::BytesAfterResponse => "the server sent bytes after the end of the response",
            CloseReason::BodyNotRead => "the response was dropped before its body was read",
            CloseReason::EndedWithBody => "the body ended with the connection",
            CloseReason::Truncated => "the server closed it before the end of the body",
            CloseReason::ReadFailed => "reading the body failed",
            CloseReason::Tunnel => "the connection became a tunnel",
            CloseReason::PoolRefused => "the pool keeps no idle connections",
        }
    }
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}
