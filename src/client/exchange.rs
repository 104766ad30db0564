//! One request and the head of its response, over one connection: the exchange. Which
//! connection, and what to do with the answer, are decided elsewhere.
//!
//! The order of events: write the head (with a small body in the same write); if we asked for
//! `100 Continue`, wait briefly for it; send the body; then read heads until a final one
//! arrives, skipping informational (1xx) ones. The body of the response is left on the
//! connection for a [`BodyReader`](crate::BodyReader).

use std::io::Read;

use crate::client::send_body::{self, ExactLength, Framing};
use crate::client::settings::CallSettings;
use crate::client::SendBody;
use crate::defaults::{COALESCE_BODY_MAX, CONTINUE_WAIT, MAX_INFORMATIONAL, UPLOAD_CHUNK};
use crate::error::{Error, ErrorKind, Result, TimeoutPhase};
use crate::http1::head::{head_too_large, parse_response_head_after, HeadLimits, ResponseHead};
use crate::http1::write::{chunk_header, CHUNK_END, CHUNK_HEADER_MAX, LAST_CHUNK};
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

/// A failed exchange, and how far it had got.
pub(crate) struct Failed {
    pub error: Error,
    /// No byte of a response had arrived: the request may be sent again, if the retry policy
    /// and the method allow.
    pub before_response: bool,
    /// The connection was closed or reset before any byte of a response: on a kept-alive
    /// connection, the sign that the server had closed it before our request arrived, so that
    /// an idempotent request is sent once more on a fresh connection.
    pub nothing_received: bool,
}

impl Failed {
    /// A failure before the request could be sent: resolving, connecting, the TLS handshake.
    pub(crate) fn connecting(error: Error) -> Failed {
        Failed {
            error,
            before_response: true,
            nothing_received: false,
        }
    }
}

impl From<Error> for Failed {
    /// A failure that no retry can mend: a response that is not valid HTTP, a bad request.
    fn from(error: Error) -> Failed {
        Failed {
            error,
            before_response: false,
            nothing_received: false,
        }
    }
}

/// A request as it goes on the wire: its head, already serialised and checked, and its body
/// with the framing and the Expect decision taken for it.
pub(crate) struct Message<'a> {
    /// The head; a body that [`coalesces`] is appended for the write and taken off again, so
    /// that the head can be sent once more on another connection.
    pub(crate) head: &'a mut Vec<u8>,
    pub(crate) body: &'a mut SendBody,
    pub(crate) framing: Framing,
    /// Whether to wait for `100 Continue` before sending the body.
    pub(crate) expect_continue: bool,
}

/// Sends the request and reads the final response head.
pub(crate) fn exchange(
    conn: &mut Connection,
    message: Message<'_>,
    call: &CallSettings,
    tracer: &Tracer,
    deadline: Deadline,
) -> std::result::Result<Sent, Failed> {
    let Message {
        head,
        body,
        framing,
        expect_continue,
    } = message;
    // The whole upload is held to a minimum speed too (see `upload_time`): a server that takes
    // a byte now and then stays under the write timeout, which bounds each silence.
    let upload_time = send_body::upload_time(body, call.low_speed, call.write_timeout);
    let write = deadline
        .earliest(Deadline::named("the upload's minimum speed", upload_time))
        .budget(call.write_timeout, TimeoutPhase::SendRequest);
    let limits = &call.head_limits;
    // A stream that declared no bytes is read now, before its head is shown or sent: there is
    // nothing left to send after it.
    let body_sent_with_head = stream_declared_empty(body, framing).map_err(|error| Failed {
        error,
        before_response: true,
        nothing_received: false,
    })?;
    if tracer.is_on() {
        let shown = tracer.head_for_hook(head);
        tracer.emit(|| TraceEvent::RequestHead(&shown[..]));
    }
    let before_response = |error: Error| Failed {
        error,
        before_response: true,
        nothing_received: true,
    };

    // A small body of known length goes out in the same write as the head.
    let coalesced = match &*body {
        SendBody::Bytes(bytes) if coalesces(bytes, framing, expect_continue) => {
            trace_body(tracer, bytes);
            let head_len = head.len();
            head.extend_from_slice(bytes);
            let sent = conn.write_all(head, &write);
            head.truncate(head_len);
            sent.map_err(before_response)?;
            true
        }
        _ => {
            conn.write_all(head, &write).map_err(before_response)?;
            body_sent_with_head
        }
    };

    // Whether a response head (a 1xx) has arrived: from then on a failure is not a connection
    // the server had given up on before our request, and the request must not be sent again.
    let mut heard = false;
    if expect_continue {
        // The interim heads are held to the head timeout too: a server that drips them a line
        // at a time never leaves the one-second silence after which the body goes out anyway.
        let continue_by = head_deadline(deadline, call);
        let heads = continue_by.budget(call.read_timeout, TimeoutPhase::ReadHead);
        let early = await_continue(conn, &heads, deadline, limits, tracer, &mut heard)
            .map_err(|error| unanswered(conn, error, heard))?;
        if let Some(early) = early {
            return Ok(Sent {
                head: early,
                body_sent: false,
            });
        }
    }

    if !coalesced {
        if let Err(error) = send_body(conn, body, framing, &write, tracer) {
            if let Some(head) = answer_sent_early(conn, &error, deadline, call, tracer) {
                return Ok(Sent {
                    head,
                    body_sent: false,
                });
            }
            return Err(unanswered(conn, error, heard));
        }
    }

    // The head has a deadline of its own from here: a server that drips it a byte at a time
    // stays under the read timeout, which bounds each silence, but not under this.
    let head_by = head_deadline(deadline, call);
    let read = head_by.budget(call.read_timeout, TimeoutPhase::ReadHead);
    for _ in 0..=MAX_INFORMATIONAL {
        let head = read_response_head(conn, &read, limits, tracer)
            .map_err(|error| unanswered(conn, error, heard))?;
        if head.status == 101 {
            return Err(unasked_switch().into());
        }
        if !head.is_informational() {
            return Ok(Sent {
                head,
                body_sent: true,
            });
        }
        heard = true;
    }
    Err(too_many_informational().into())
}

/// Whether `body` is a stream that declared no bytes (`Content-Length: 0`), checked to have
/// none. Its head is the whole request, so whether the source has more must be known before
/// the head goes out: [`ExactLength`] holds a body's last bytes back until it has looked past
/// them, and such a body has none to hold back.
///
/// # Errors
///
/// When the source cannot be opened, or has a byte.
fn stream_declared_empty(body: &mut SendBody, framing: Framing) -> Result<bool> {
    match body {
        SendBody::Stream(stream) if framing == Framing::Length(0) => {
            let replayable = stream.is_replayable();
            read_body(&mut ExactLength::new(stream.reader()?, 0), &mut [0u8; 1])?;
            // It gave nothing: a reader read once can still be sent on another connection
            // (after a kept-alive one turns out dropped), probed again there.
            if replayable {
                stream.unmark_started();
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Whether a body of `bytes` goes out in the same write as the head: when its length is
/// known and small, and no `100 Continue` is awaited before it.
pub(crate) fn coalesces(bytes: &[u8], framing: Framing, expect_continue: bool) -> bool {
    !expect_continue
        && framing == Framing::Length(bytes.len() as u64)
        && bytes.len() <= COALESCE_BODY_MAX
}

/// Sends the body as `framing` says: as it is, or in chunks. A stream is held to the length
/// the framing announced, so that a source that ends early or yields more fails the request
/// (and the connection is closed) instead of sending a body that disagrees with its head.
fn send_body(
    conn: &mut Connection,
    body: &mut SendBody,
    framing: Framing,
    budget: &IoBudget,
    tracer: &Tracer,
) -> Result<()> {
    let chunked = framing == Framing::Chunked;
    match body {
        SendBody::Empty if chunked => conn.write_all(LAST_CHUNK, budget),
        SendBody::Empty => Ok(()),
        SendBody::Bytes(bytes) if chunked => send_chunked(conn, &mut &bytes[..], budget, tracer),
        SendBody::Bytes(bytes) => {
            trace_body(tracer, bytes);
            conn.write_all(bytes, budget)
        }
        SendBody::Stream(stream) => {
            let length = match framing {
                Framing::Length(length) => Some(length),
                Framing::Chunked | Framing::None => stream.length(),
            };
            let mut reader = stream.reader()?;
            match (length, chunked) {
                (Some(length), true) => {
                    send_chunked(conn, &mut ExactLength::new(reader, length), budget, tracer)
                }
                (Some(length), false) => {
                    send_raw(conn, &mut ExactLength::new(reader, length), budget, tracer)
                }
                (None, true) => send_chunked(conn, &mut reader, budget, tracer),
                // Framing::None is only ever chosen for an empty body.
                (None, false) => send_raw(conn, &mut reader, budget, tracer),
            }
        }
    }
}

/// Reads the next piece of the body into `buf`; 0 at its end. A failure of the source is an
/// [`ErrorKind::Io`] error, whatever it carries: a body read from another response (a proxy
/// that streams one download into an upload) can fail with that transfer's timeout or reset,
/// which must not pass for this request's own, to be retried as a connection the server
/// had dropped.
fn read_body(reader: &mut dyn Read, buf: &mut [u8]) -> Result<usize> {
    const CONTEXT: &str = "reading the request body failed";
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let error = Error::from_io(e, CONTEXT);
                return Err(match error.kind() {
                    ErrorKind::Io => error,
                    _ => Error::new(ErrorKind::Io, CONTEXT).with_source(error),
                });
            }
        }
    }
}

/// Streams `reader` as it is, for a body framed by Content-Length.
fn send_raw(
    conn: &mut Connection,
    reader: &mut dyn Read,
    budget: &IoBudget,
    tracer: &Tracer,
) -> Result<()> {
    let mut buf = vec![0u8; UPLOAD_CHUNK];
    loop {
        let n = read_body(reader, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        trace_body(tracer, &buf[..n]);
        conn.write_all(&buf[..n], budget)?;
    }
}

fn too_many_informational() -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("the server sent more than {MAX_INFORMATIONAL} informational (1xx) responses"),
    )
}

/// A failure while sending, or while waiting for the head. If not one byte of a response has
/// arrived, the request may be tried again ([`Failed::before_response`]); if, moreover, the
/// connection was closed or reset, it may be a kept-alive connection the server had already
/// given up on ([`Failed::nothing_received`]), whether we were waiting for the head, for
/// `100 Continue`, or still sending the body. `heard` says an informational head had already
/// come: then a response had begun, whatever the buffer holds now.
fn unanswered(conn: &Connection, error: Error, heard: bool) -> Failed {
    let before_response = !heard && conn.buffered().is_empty();
    Failed {
        nothing_received: before_response
            && matches!(
                error.kind(),
                ErrorKind::EmptyReply | ErrorKind::ConnectionReset
            ),
        before_response,
        error,
    }
}

/// The final head a server sent before our body stopped going out: a server may answer a
/// request it refuses (413, 401) before reading the body, and then close, which the kernel
/// answers our writes with a reset, or stop reading, which leaves our writes waiting until
/// the write timeout. What the server sent first can still be read, and is what the caller
/// needs (curl and urllib3 read it too). Only after a reset or a timeout, waiting no longer
/// than [`CONTINUE_WAIT`] for each part of it and the head timeout for all of it; and only a
/// refusal (300 or more): a 2xx before the body is all sent does not answer the request
/// whose upload then failed, and returned, would report a cut upload as a success. `None`
/// leaves the write's error as the error.
///
/// Over TLS this finds nothing after a write timeout: rustls's unsent records go out before
/// anything is read, and a server that stopped reading takes none of them.
fn answer_sent_early(
    conn: &mut Connection,
    error: &Error,
    deadline: Deadline,
    call: &CallSettings,
    tracer: &Tracer,
) -> Option<ResponseHead> {
    if !matches!(
        error.kind(),
        ErrorKind::ConnectionReset | ErrorKind::Timeout
    ) {
        return None;
    }
    let read = head_deadline(deadline, call)
        .budget(Some(short_wait(call.read_timeout)), TimeoutPhase::ReadHead);
    read_response_head(conn, &read, &call.head_limits, tracer)
        .ok()
        .filter(|head| head.status >= 300)
}

/// The deadline of a response head that starts now: the head timeout, within the call's
/// `deadline`. A server that drips a head stays under the read timeout, which bounds each
/// silence, but not under this.
fn head_deadline(deadline: Deadline, call: &CallSettings) -> Deadline {
    deadline.earliest(Deadline::named("the head timeout", call.head_timeout))
}

/// The silence allowed while waiting for a head that may not come (a `100 Continue`, an answer
/// sent early, before a reset or a write timeout): [`CONTINUE_WAIT`], or the read timeout if
/// that is shorter.
fn short_wait(read_timeout: Option<std::time::Duration>) -> std::time::Duration {
    read_timeout.map_or(CONTINUE_WAIT, |idle| idle.min(CONTINUE_WAIT))
}

/// The error for a `101 Switching Protocols` we never asked for: what follows it is not HTTP/1.1.
fn unasked_switch() -> Error {
    Error::new(
        ErrorKind::Protocol,
        "the server switched protocols, which we never asked for",
    )
}

/// Waits up to [`CONTINUE_WAIT`] for `100 Continue`, reading heads under `heads` (the head
/// timeout and the call's deadline). Returns a final head if the server answered without
/// waiting for the body, `None` when the body should be sent; sets `heard` once any head has
/// arrived, error or not, so that the request is then never sent again.
///
/// A server that stays silent may not know `Expect` at all, so silence sends the body: a wait
/// that ends with nothing of a head received, unless the call's own `deadline` has passed. A
/// head timeout that runs out with part of a head received is a server dripping it, and an
/// error.
///
/// A `100 Continue` with more bytes right behind it (line ends aside) is a server that answers
/// without waiting for the body: sent now, the body would reach it as the next request, and
/// its answer to that would wait on the connection for whoever used it next. What follows is
/// read, under the head timeout, and its final head returned (the connection is then
/// closed); an interim head with nothing behind it sends the body after all.
fn await_continue(
    conn: &mut Connection,
    heads: &IoBudget,
    deadline: Deadline,
    limits: &HeadLimits,
    tracer: &Tracer,
    heard: &mut bool,
) -> Result<Option<ResponseHead>> {
    let wait = IoBudget {
        idle: Some(short_wait(heads.idle)),
        ..*heads
    };
    // Whether a 100 has come: from then on the server is answering, and what follows it is
    // read under the head timeout, not the short wait.
    let mut continued = false;
    for _ in 0..=MAX_INFORMATIONAL {
        let head = read_response_head(conn, if continued { heads } else { &wait }, limits, tracer);
        *heard |= head.is_ok();
        match head {
            Ok(head) if head.status == 101 => return Err(unasked_switch()),
            Ok(head) if head.is_informational() => {
                continued |= head.status == 100;
                // Nothing behind it but line ends (which the next read passes over): the
                // server waits for the body.
                let waits = conn.buffered().iter().all(|&b| b == b'\r' || b == b'\n');
                if continued && waits {
                    return Ok(None);
                }
            }
            Ok(head) => return Ok(Some(head)),
            Err(err)
                if err.kind() == ErrorKind::Timeout
                    && !continued
                    && !deadline.has_passed()
                    && (!heads.deadline.has_passed() || conn.buffered().is_empty()) =>
            {
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
    // The size of a chunk must fit in the hex digits that room leaves (6, with CRLF).
    const _: () = assert!(UPLOAD_CHUNK < 1 << 24);
    let mut buf = vec![0u8; FRAMING + UPLOAD_CHUNK + CHUNK_END.len()];
    loop {
        let n = read_body(reader, &mut buf[FRAMING..FRAMING + UPLOAD_CHUNK])?;
        if n == 0 {
            return conn.write_all(LAST_CHUNK, budget);
        }
        trace_body(tracer, &buf[FRAMING..FRAMING + n]);
        let mut line = [0; CHUNK_HEADER_MAX];
        let line = chunk_header(n, &mut line);
        let start = FRAMING - line.len();
        buf[start..FRAMING].copy_from_slice(line);
        buf[FRAMING + n..FRAMING + n + CHUNK_END.len()].copy_from_slice(CHUNK_END);
        conn.write_all(&buf[start..FRAMING + n + CHUNK_END.len()], budget)?;
    }
}

/// Reads one response head from `conn`, filling its buffer as needed, and consumes it.
///
/// httparse starts over on every call, so the buffer is parsed again only when a whole head may
/// have arrived: when its first bytes come (a reply that is not HTTP is refused at once), when
/// new bytes hold an empty line (`\n\n` or `\n\r\n`, the head's end), and when the size
/// limit is reached. Parsing at every read would let a server that sends its head a byte at a
/// time cost time in the square of the head's size: seconds of CPU for 64 KiB. When the
/// server closes, goes silent or fails, what it sent is parsed once more, so that a head that
/// is invalid is reported as such.
pub(crate) fn read_response_head(
    conn: &mut Connection,
    budget: &IoBudget,
    limits: &HeadLimits,
    tracer: &Tracer,
) -> Result<ResponseHead> {
    // How far the search for the head's end has gone (`None`: no bytes yet), and how much of
    // the buffer the last parse saw, both counted after the empty lines.
    let mut searched: Option<usize> = None;
    let mut parsed: Option<usize> = None;
    // Empty lines at the front of the buffer, before the status line, which httparse would
    // skip: passed over where they lie, so that a run of them is no head to parse again, and
    // counted against the size limit. They stay in the buffer until the head is taken, so
    // that a connection that fails after them has received something (see `unanswered`).
    let mut skipped = 0;
    loop {
        let more = empty_lines_at(&conn.buffered()[skipped..]);
        if more > 0 {
            skipped += more;
            (searched, parsed) = (None, None);
        }
        if skipped >= limits.max_head_size {
            return Err(head_too_large(limits.max_head_size));
        }
        let buffered = &conn.buffered()[skipped..];
        let room = limits.max_head_size - skipped;
        let parse = may_hold_whole_head(buffered, searched, room);
        if !buffered.is_empty() {
            searched = Some(buffered.len());
        }
        if parse {
            parsed = Some(buffered.len());
            if let Some(head) = take_head(conn, limits, skipped, tracer)? {
                return Ok(head);
            }
        }
        let already = conn.buffered().len();
        let filled = conn.fill(budget, limits.max_head_size);
        if matches!(filled, Ok(n) if n > 0) {
            continue;
        }
        if already > skipped && parsed != Some(already - skipped) {
            if let Some(head) = take_head(conn, limits, skipped, tracer)? {
                return Ok(head);
            }
        }
        filled?;
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

/// Whether `buffered` is worth parsing for a head, when an earlier call searched its first
/// `searched` bytes (`None`: none, so none were parsed either): it has bytes and none were
/// searched, or it has reached `max`, or the bytes since hold an empty line, which ends a
/// head. An empty line may straddle the last read ("\n" before it, "\r\n" after), so the
/// search starts two bytes back; each byte is searched about once.
fn may_hold_whole_head(buffered: &[u8], searched: Option<usize>, max: usize) -> bool {
    match searched {
        None => !buffered.is_empty(),
        Some(seen) => {
            let new = &buffered[seen.saturating_sub(2).min(buffered.len())..];
            buffered.len() >= max
                || new.windows(2).any(|w| w == b"\n\n")
                || new.windows(3).any(|w| w == b"\n\r\n")
        }
    }
}

/// How many bytes of empty lines (`\n` or `\r\n`) `bytes` starts with. A lone CR waits for
/// what follows it.
fn empty_lines_at(bytes: &[u8]) -> usize {
    let mut at = 0;
    loop {
        match &bytes[at..] {
            [b'\n', ..] => at += 1,
            [b'\r', b'\n', ..] => at += 2,
            _ => return at,
        }
    }
}

/// Parses the head that starts `skipped` bytes (of empty lines) into `conn`'s buffer, and
/// consumes it with them, if it is whole; the empty lines count against the size limit.
fn take_head(
    conn: &mut Connection,
    limits: &HeadLimits,
    skipped: usize,
    tracer: &Tracer,
) -> Result<Option<ResponseHead>> {
    let Some((head, used)) =
        parse_response_head_after(&conn.buffered()[skipped..], limits, skipped)?
    else {
        return Ok(None);
    };
    conn.consume(skipped + used);
    if tracer.is_on() {
        let shown = tracer.head_for_hook(head.headers.raw());
        tracer.emit(|| TraceEvent::ResponseHead(&shown[..]));
    }
    Ok(Some(head))
}

#[cfg(test)]
mod tests {
    use super::may_hold_whole_head;

    #[test]
    fn a_head_is_parsed_again_only_when_its_end_may_have_come() {
        let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
        // The first bytes are parsed at once; nothing is not.
        assert!(may_hold_whole_head(&head[..1], None, 1000));
        assert!(!may_hold_whole_head(b"", None, 1000));
        // Each byte up to the empty line: no parse, whatever lines end.
        for end in 2..head.len() - 1 {
            assert!(
                !may_hold_whole_head(&head[..end], Some(end - 1), 1000),
                "{end}"
            );
        }
        // The empty line, whole in the new bytes or straddling the last read.
        assert!(may_hold_whole_head(head, Some(head.len() - 1), 1000));
        assert!(may_hold_whole_head(head, Some(head.len() - 2), 1000));
        assert!(may_hold_whole_head(head, Some(head.len() - 3), 1000));
        assert!(may_hold_whole_head(b"HTTP/1.1 200 OK\n\n", Some(16), 1000));
        // The limit: parsed, for the parser's own error.
        assert!(may_hold_whole_head(&head[..10], Some(9), 10));
    }
}
