//! One request and the head of its response, over one connection: the exchange. Which
//! connection, and what to do with the answer, are decided elsewhere.
//!
//! The order of events: write the head (with a small body in the same write); if we asked for
//! `100 Continue`, wait briefly for it; send the body; then read heads until a final one
//! arrives, skipping informational (1xx) ones. The body of the response is left on the
//! connection for a [`BodyReader`](crate::BodyReader).

use std::io::Read;

use crate::client::settings::CallSettings;
use crate::client::SendBody;
use crate::defaults::{COALESCE_BODY_MAX, CONTINUE_WAIT, MAX_INFORMATIONAL, UPLOAD_CHUNK};
use crate::error::{Error, ErrorKind, Result, TimeoutPhase};
use crate::http1::head::{parse_response_head, HeadLimits, ResponseHead};
use crate::http1::write::{write_chunk_header, CHUNK_END, LAST_CHUNK};
use crate::trace::{TraceEvent, Tracer};
use crate::transport::connection::Connection;
use crate::transport::deadline::{Deadline, IoBudget};

/// What came of sending a request.
pub(crate) struct Sent {
    /// The final response head.
    pub head: ResponseHead,
    /// False when the server answered before we sent the body, so the connection's state is
    /// unknown and it must not be reused.
    pub body_sent: bool,
}

/// A failed exchange, and whether it failed before any byte of a response arrived (and so
/// may be retried on a fresh connection, for an idempotent request).
pub(crate) struct Failed {
    pub error: Error,
    pub nothing_received: bool,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Failed {
        Failed {
            error,
            nothing_received: false,
        }
    }
}

/// Sends `head` (already serialised and checked) and `body`, and reads the final response head.
pub(crate) fn exchange(
    conn: &mut Connection,
    head: &[u8],
    body: &mut SendBody,
    expect_continue: bool,
    call: &CallSettings,
    tracer: &Tracer,
    deadline: Deadline,
) -> std::result::Result<Sent, Failed> {
    let write = deadline.budget(call.write_timeout, TimeoutPhase::SendRequest);
    let read = deadline.budget(call.read_timeout, TimeoutPhase::ReadHead);
    let limits = &call.head_limits;
    if tracer.is_on() {
        let masked = tracer.mask_head(head);
        tracer.emit(|| TraceEvent::RequestHead(&masked));
    }
    let before_response = |error: Error| Failed {
        error,
        nothing_received: true,
    };

    match body {
        SendBody::Bytes(bytes) if !expect_continue && bytes.len() <= COALESCE_BODY_MAX => {
            trace_body(tracer, bytes);
            let mut message = Vec::with_capacity(head.len() + bytes.len());
            message.extend_from_slice(head);
            message.extend_from_slice(bytes);
            conn.write_all(&message, &write).map_err(before_response)?;
        }
        _ => conn.write_all(head, &write).map_err(before_response)?,
    }

    if expect_continue {
        let early =
            await_continue(conn, &read, limits, tracer).map_err(|error| unanswered(conn, error))?;
        if let Some(early) = early {
            return Ok(Sent {
                head: early,
                body_sent: false,
            });
        }
    }

    match body {
        SendBody::Empty => {}
        SendBody::Bytes(bytes) if !expect_continue && bytes.len() <= COALESCE_BODY_MAX => {}
        SendBody::Bytes(bytes) => {
            trace_body(tracer, bytes);
            conn.write_all(bytes, &write)
                .map_err(|error| unanswered(conn, error))?
        }
        SendBody::Reader(reader) => send_chunked(conn, reader, &write, tracer)?,
    }

    // The head has a deadline of its own from here: a server that drips it a byte at a time
    // stays under the read timeout, which bounds each silence, but not under this.
    let head_by = deadline.earliest(Deadline::named("the head timeout", call.head_timeout));
    let read = head_by.budget(call.read_timeout, TimeoutPhase::ReadHead);
    for _ in 0..=MAX_INFORMATIONAL {
        let head = read_response_head(conn, &read, limits, tracer)
            .map_err(|error| unanswered(conn, error))?;
        if head.status == 101 {
            return Err(Error::new(
                ErrorKind::Protocol,
                "the server switched protocols, which we never asked for",
            )
            .into());
        }
        if !head.is_informational() {
            return Ok(Sent {
                head,
                body_sent: true,
            });
        }
    }
    Err(too_many_informational().into())
}

fn too_many_informational() -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("the server sent more than {MAX_INFORMATIONAL} informational (1xx) responses"),
    )
}

/// A failure that may mean the server closed the connection before answering (a kept-alive
/// connection it had already given up on): the connection was closed or reset, and not one
/// byte of a response had arrived. Whether it happened while we waited for the head, for
/// `100 Continue`, or while we were still sending the body, the request may be retried.
fn unanswered(conn: &Connection, error: Error) -> Failed {
    Failed {
        nothing_received: matches!(
            error.kind(),
            ErrorKind::EmptyReply | ErrorKind::ConnectionReset
        ) && conn.buffered().is_empty(),
        error,
    }
}

/// Waits up to [`CONTINUE_WAIT`] for `100 Continue`. Returns a final head if the server
/// answered without waiting for the body; `None` when the body should be sent.
fn await_continue(
    conn: &mut Connection,
    read: &IoBudget,
    limits: &HeadLimits,
    tracer: &Tracer,
) -> Result<Option<ResponseHead>> {
    let wait = IoBudget {
        idle: Some(
            read.idle
                .map_or(CONTINUE_WAIT, |idle| idle.min(CONTINUE_WAIT)),
        ),
        ..*read
    };
    for _ in 0..=MAX_INFORMATIONAL {
        match read_response_head(conn, &wait, limits, tracer) {
            Ok(head) if head.status == 100 => return Ok(None),
            Ok(head) if head.is_informational() => continue,
            Ok(head) => return Ok(Some(head)),
            // The server is silent: it may not know `Expect` at all. Send the body.
            Err(err) if err.kind() == ErrorKind::Timeout && read.socket_timeout().is_ok() => {
                return Ok(None)
            }
            Err(err) => return Err(err),
        }
    }
    Err(too_many_informational())
}

/// Reports body bytes about to be sent, if there are any.
fn trace_body(tracer: &Tracer, bytes: &[u8]) {
    if !bytes.is_empty() {
        tracer.emit(|| TraceEvent::RequestBody(bytes));
    }
}

/// Streams `reader` as a chunked body: each chunk's framing and data in one write.
fn send_chunked(
    conn: &mut Connection,
    reader: &mut dyn Read,
    budget: &IoBudget,
    tracer: &Tracer,
) -> Result<()> {
    // Room in front of the data for the longest chunk-size line ("10000\r\n").
    const FRAMING: usize = 8;
    let mut buf = vec![0u8; FRAMING + UPLOAD_CHUNK + CHUNK_END.len()];
    loop {
        let n = match reader.read(&mut buf[FRAMING..FRAMING + UPLOAD_CHUNK]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::from_io(e, "reading the request body failed")),
        };
        if n == 0 {
            return conn.write_all(LAST_CHUNK, budget);
        }
        trace_body(tracer, &buf[FRAMING..FRAMING + n]);
        let mut framing = Vec::with_capacity(FRAMING);
        write_chunk_header(&mut framing, n);
        let start = FRAMING - framing.len();
        buf[start..FRAMING].copy_from_slice(&framing);
        buf[FRAMING + n..FRAMING + n + CHUNK_END.len()].copy_from_slice(CHUNK_END);
        conn.write_all(&buf[start..FRAMING + n + CHUNK_END.len()], budget)?;
    }
}

/// Reads one response head from `conn`, filling its buffer as needed, and consumes it.
pub(crate) fn read_response_head(
    conn: &mut Connection,
    budget: &IoBudget,
    limits: &HeadLimits,
    tracer: &Tracer,
) -> Result<ResponseHead> {
    loop {
        if !conn.buffered().is_empty() {
            if let Some((head, used)) = parse_response_head(conn.buffered(), limits)? {
                conn.consume(used);
                if tracer.is_on() {
                    let masked = tracer.mask_head(head.headers.raw());
                    tracer.emit(|| TraceEvent::ResponseHead(&masked));
                }
                return Ok(head);
            }
        }
        let already = conn.buffered().len();
        if conn.fill(budget, limits.max_head_size)? == 0 {
            return Err(if already == 0 {
                Error::new(
                    ErrorKind::EmptyReply,
                    "the server closed the connection without sending a response",
                )
            } else {
                Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "the server closed the connection after {already} bytes of a response head"
                    ),
                )
            });
        }
    }
}
