//! [`WireBody`]: the bytes of a response body as framed on the wire, read off the connection;
//! content codings (gzip) are left to the body reader above.
//!
//! It pulls bytes from the connection through the [`BodyDecoder`], under the call's deadline
//! and the read timeout. When the body ends cleanly on a reusable connection, the connection
//! goes back to the pool through a [`PoolReturn`]. An early end of the stream is an error of
//! kind [`ErrorKind::Truncated`](crate::ErrorKind::Truncated), never a quiet short read.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::low_speed::SpeedWatch;
use crate::client::settings::{CallSettings, LowSpeed};
use crate::defaults::BUFFERED_MIN_SPEED;
use crate::error::{Error, ErrorKind, Result, TimeoutPhase};
use crate::http1::body::BodyDecoder;
use crate::http1::close_reason::CloseReason;
use crate::trace::{TraceEvent, Tracer};
use crate::transport::connection::{Connection, INPUT_BUFFER};
use crate::transport::deadline::{Deadline, IoBudget};
use crate::transport::pool::IdlePool;

/// Where a body puts its connection back when it ends: a handle on the agent's pool, and the
/// trace that reports what became of the connection.
#[derive(Clone)]
pub(crate) struct PoolReturn {
    pub(crate) pool: Arc<IdlePool>,
    pub(crate) tracer: Tracer,
}

/// The most bytes of a raw chunked body handed out per step (curl's `--raw`, a rare mode):
/// the decoder runs over them into a scratch buffer of this size on the stack.
const RAW_STEP: usize = 4096;

/// Reads into a caller's buffer at least this large skip our input buffer; smaller reads go
/// through it, so that tiny reads do not each cost a system call.
const DIRECT_READ_MIN: usize = 4 * 1024;

/// The body of a response as sent, transfer coding removed but content coding (gzip) kept.
/// The public [`BodyReader`](crate::BodyReader) reads through it.
///
/// Dropping it before the end closes the connection, unless the rest of the body has already
/// arrived, in which case the connection is kept for reuse.
pub struct WireBody {
    conn: Option<Box<Connection>>,
    decoder: BodyDecoder,
    /// Why the connection may not be reused after this body, if it may not.
    close: Option<CloseReason>,
    home: PoolReturn,
    deadline: Deadline,
    read_timeout: Option<Duration>,
    /// The low-speed limit, if the call has one.
    speed: Option<SpeedWatch>,
    /// Hand out the chunked framing with the data (curl's `--raw`).
    raw: bool,
    received: u64,
    /// The declared length, for progress reports.
    total: Option<u64>,
    /// When the body was read to its end.
    finished_at: Option<Instant>,
    /// The error a read failed with: every later read fails with it again, so that nothing
    /// after a broken frame, and no quiet end, is ever handed out as body.
    failed: Option<Error>,
    /// At most this many bytes may be received (see [`WireBody::limit_received`]); `u64::MAX`
    /// when there is no such limit (kept to one word: the body is moved with every response).
    received_limit: u64,
}

impl WireBody {
    pub(crate) fn new(
        conn: Box<Connection>,
        decoder: BodyDecoder,
        close: Option<CloseReason>,
        home: PoolReturn,
        deadline: Deadline,
        call: &CallSettings,
        raw: bool,
    ) -> WireBody {
        let total = match decoder {
            BodyDecoder::Length { total, .. } => Some(total),
            BodyDecoder::Done => Some(0),
            _ => None,
        };
        let mut reader = WireBody {
            conn: Some(conn),
            decoder,
            close,
            home,
            deadline,
            read_timeout: call.read_timeout,
            speed: call.low_speed.map(SpeedWatch::new),
            raw,
            received: 0,
            total,
            finished_at: None,
            failed: None,
            received_limit: u64::MAX,
        };
        if reader.decoder.is_done() {
            reader.finish();
        }
        reader
    }

    /// The same body, to be read within `limit` (called `what` in messages) as well as the
    /// call's deadline.
    pub(crate) fn within(mut self, limit: Duration, what: &'static str) -> WireBody {
        self.deadline = self.deadline.earliest(Deadline::named(what, Some(limit)));
        self
    }

    /// Holds a body about to be read into memory to [`BUFFERED_MIN_SPEED`] over each read-timeout
    /// period, unless the call set a low-speed limit of its own or has no read timeout.
    pub(crate) fn hold_to_buffered_minimum(&mut self) {
        if let (None, Some(period)) = (&self.speed, self.read_timeout) {
            self.speed = Some(SpeedWatch::new(LowSpeed {
                bytes_per_second: BUFFERED_MIN_SPEED,
                period,
            }));
        }
    }

    /// Fails reads once more than `most` bytes have come off the connection: for a compressed
    /// body, whose size limit counts decoded bytes, so that compressed data that decodes to
    /// nothing (empty deflate blocks, empty gzip members) cannot be read without end inside a
    /// single read of the decoder.
    #[cfg(feature = "gzip")]
    pub(crate) fn limit_received(&mut self, most: u64) {
        self.received_limit = most;
    }

    /// Body bytes read off the connection so far, as they came (before a content coding is
    /// undone; without the chunked framing).
    #[cfg(feature = "gzip")]
    pub(crate) fn received(&self) -> u64 {
        self.received
    }

    /// Whether the body is known to be empty (no body, or a zero Content-Length).
    pub(crate) fn is_empty(&self) -> bool {
        self.total == Some(0)
    }

    /// Reads body bytes into `out`; `Ok(0)` at the end of the body. Once a read has failed,
    /// every later one fails the same way.
    pub(crate) fn read_body(&mut self, out: &mut [u8]) -> Result<usize> {
        if let Some(failed) = &self.failed {
            return Err(failed.again());
        }
        if out.is_empty() {
            return Ok(0);
        }
        self.read_framed(out).inspect_err(|err| {
            self.failed = Some(err.again());
            self.close(CloseReason::ReadFailed);
        })
    }

    /// [`WireBody::read_body`] without the memory of a failure.
    fn read_framed(&mut self, out: &mut [u8]) -> Result<usize> {
        loop {
            let Some(conn) = self.conn.as_mut() else {
                return Ok(0);
            };
            if self.decoder.is_done() {
                self.finish();
                return Ok(0);
            }
            let verbatim = self.decoder.verbatim_len();
            let raw_chunks = self.raw && matches!(self.decoder, BodyDecoder::Chunked(_));
            let written = if raw_chunks && !conn.buffered().is_empty() {
                // The decoder still finds where the body ends; what it consumed is handed out
                // as it came, framing and all.
                let mut scratch = [0u8; RAW_STEP];
                let take = conn.buffered().len().min(out.len()).min(RAW_STEP);
                let input = &conn.buffered()[..take];
                let (consumed, _) = self
                    .decoder
                    .decode(input, &mut scratch[..take])
                    .map_err(|e| e.context(conn.key().authority()))?;
                out[..consumed].copy_from_slice(&input[..consumed]);
                conn.consume(consumed);
                consumed
            } else if !conn.buffered().is_empty() {
                let (consumed, written) = self
                    .decoder
                    .decode(conn.buffered(), out)
                    .map_err(|e| e.context(conn.key().authority()))?;
                conn.consume(consumed);
                written
            } else if verbatim > 0 && out.len() >= DIRECT_READ_MIN && !raw_chunks {
                let want = out
                    .len()
                    .min(usize::try_from(verbatim).unwrap_or(usize::MAX));
                let budget = read_budget(self.deadline, &mut self.speed, self.read_timeout);
                let read = conn.read_direct(&mut out[..want], &budget);
                let Some(n) = watch_speed(&mut self.speed, read)? else {
                    continue;
                };
                if n == 0 {
                    self.end_of_input()?;
                    continue;
                }
                self.decoder.consume_verbatim(n as u64);
                n
            } else {
                let budget = read_budget(self.deadline, &mut self.speed, self.read_timeout);
                let read = conn.fill(&budget, INPUT_BUFFER);
                if watch_speed(&mut self.speed, read)? == Some(0) {
                    self.end_of_input()?;
                }
                continue;
            };
            if written == 0 {
                // Only framing (a chunk header, say) was consumed.
                continue;
            }
            // Body bytes count toward the low-speed limit, and its period is judged, as they
            // are handed out, not as they are read: chunk framing and padding are not the
            // body, and counted, 23 bytes of them for each byte let a server stretch the floor
            // of a buffered body 24 times. (A read that times out at the period's end is
            // judged in `watch_speed`.)
            if let Some(watch) = &mut self.speed {
                watch.record(written)?;
            }

            self.received += written as u64;
            if self.received > self.received_limit {
                let most = self.received_limit;
                let err = Error::new(
                    ErrorKind::BodyTooLarge,
                    format!(
                        "the compressed response body passed {most} bytes, more than the body's \
                         limit allows for its compressed form"
                    ),
                );
                self.failed = Some(err.again());
                return Err(err);
            }
            self.home
                .tracer
                .emit(|| TraceEvent::ResponseBody(&out[..written]));
            self.home.tracer.emit(|| TraceEvent::BodyProgress {
                received: self.received,
                total: self.total,
            });
            if self.decoder.is_done() {
                self.finish();
            }
            return Ok(written);
        }
    }

    /// When the body was read to its end, if it has been.
    pub(crate) fn finished_at(&self) -> Option<Instant> {
        self.finished_at
    }

    /// The server closed the stream: the end of a close-delimited body, or a truncation.
    ///
    /// Over TLS, a close-delimited body is complete only if a close_notify announced the close
    /// (RFC 9112 section 9.8): a bare TCP close could come from anyone on the path.
    fn end_of_input(&mut self) -> Result<()> {
        let unannounced = matches!(self.decoder, BodyDecoder::UntilClose)
            && self.conn.as_ref().is_some_and(|conn| !conn.ended_cleanly());
        let result = if unannounced {
            Err(Error::new(
                ErrorKind::Truncated,
                "the TLS connection closed without a close_notify alert, so the body, which ends \
                 only at the close, may have been cut short",
            ))
        } else {
            self.decoder.end_of_input()
        };
        let result = result.map_err(|e| match &self.conn {
            Some(conn) => e.context(conn.key().authority()),
            None => e,
        });
        // Either way, this connection has nothing more to give.
        let reason = if result.is_ok() {
            self.finished_at = Some(Instant::now());
            CloseReason::EndedWithBody
        } else {
            CloseReason::Truncated
        };
        self.close(reason);
        result
    }

    /// Drops the connection, saying why.
    fn close(&mut self, reason: CloseReason) {
        if self.conn.take().is_some() {
            self.home
                .tracer
                .emit(|| TraceEvent::ConnectionClosed { reason });
        }
    }

    /// The body is done: the connection goes back to the pool if it may be reused and nothing
    /// of the peer's is waiting on it beyond the end of this response.
    fn finish(&mut self) {
        let now = *self.finished_at.get_or_insert_with(Instant::now);
        let quiet = self.conn.as_deref_mut().is_some_and(Connection::is_quiet);
        if let Some(reason) = self.close {
            self.close(reason);
        } else if !quiet {
            self.close(CloseReason::BytesAfterResponse);
        } else if let Some(conn) = self.conn.take() {
            let tracer = &self.home.tracer;
            if self.home.pool.put(conn, now) {
                tracer.emit(|| TraceEvent::ConnectionPooled);
            } else {
                let reason = CloseReason::PoolRefused;
                tracer.emit(|| TraceEvent::ConnectionClosed { reason });
            }
        }
    }
}

/// The budget of a read that must wait on the socket: the call's deadline, the end of the
/// low-speed period if there is a limit, and the read timeout. The period's end reads the
/// clock (and the first one starts the period), so this is asked for only before a wait,
/// never for bytes already buffered.
fn read_budget(
    deadline: Deadline,
    speed: &mut Option<SpeedWatch>,
    read_timeout: Option<Duration>,
) -> IoBudget {
    let deadline = match speed {
        Some(watch) => deadline.earliest(watch.deadline()),
        None => deadline,
    };
    deadline.budget(read_timeout, TimeoutPhase::ReadBody)
}

/// Puts the outcome of one read through the low-speed limit, if there is one: what a read
/// brings counts once it is handed out as body (see `read_framed`), so only a read that timed
/// out at the end of a period is judged here. `Ok(None)` then when that period had brought
/// enough: read again, in the next period.
fn watch_speed(speed: &mut Option<SpeedWatch>, read: Result<usize>) -> Result<Option<usize>> {
    match (speed, read) {
        (Some(watch), Err(err)) if err.kind() == ErrorKind::Timeout && watch.period_ended() => {
            watch.record(0).map(|()| None)
        }
        (_, read) => read.map(Some),
    }
}

impl Read for WireBody {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.read_body(out).map_err(Into::into)
    }
}

impl Drop for WireBody {
    /// If the rest of the body is already in the buffer, consume it so the connection can be
    /// reused; never wait for the network here.
    fn drop(&mut self) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let mut scratch = [0u8; 1024];
        let reusable = self.close.is_none();
        while reusable && !self.decoder.is_done() && !conn.buffered().is_empty() {
            match self.decoder.decode(conn.buffered(), &mut scratch) {
                Ok((consumed, _)) => conn.consume(consumed),
                Err(_) => break,
            }
        }
        if reusable && self.decoder.is_done() {
            self.finish();
        } else {
            self.close(self.close.unwrap_or(CloseReason::BodyNotRead));
        }
    }
}

impl std::fmt::Debug for WireBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireBody")
            .field("decoder", &self.decoder)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    use super::*;
    use crate::http1::framing::BodyFraming;
    use crate::http1::head::{parse_response_head, HeadLimits};
    use crate::transport::connection::{ConnectionInfo, PoolKey};
    use crate::transport::pool::PoolLimits;
    use crate::transport::socket::TimedSocket;
    use crate::transport::stream::Stream;

    /// 8 MiB: many times every buffer involved.
    const LARGE: usize = 8 << 20;

    /// A connection to a loopback server that sends `bytes` and closes.
    fn connection_to(bytes: Vec<u8>) -> Connection {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut tcp, _) = listener.accept().unwrap();
            // The client may stop reading early on a failure; that is its test's business.
            let _ = tcp.write_all(&bytes);
        });
        let tcp = TcpStream::connect(addr).unwrap();
        let key = PoolKey {
            scheme: "http",
            host: "127.0.0.1".to_string(),
            port: addr.port(),
            proxy: None,
        };
        Connection::new(
            Stream::Plain(TimedSocket::new(tcp, addr.to_string())),
            key,
            ConnectionInfo::default(),
        )
    }

    /// A body whose connection is never pooled.
    fn unpooled(conn: Connection, decoder: BodyDecoder) -> WireBody {
        let home = PoolReturn {
            pool: Arc::new(IdlePool::new(PoolLimits {
                max_idle_per_host: 0,
                max_idle: 0,
                idle_timeout: Duration::ZERO,
            })),
            tracer: Tracer::default(),
        };
        let call = crate::client::Settings::default().for_call(&Default::default());
        WireBody::new(
            Box::new(conn),
            decoder,
            Some(CloseReason::BodyNotRead),
            home,
            Deadline::none(),
            &call,
            false,
        )
    }

    /// The byte at `offset` of the test bodies.
    fn pattern(offset: usize) -> u8 {
        (offset % 251) as u8
    }

    fn chunked(body: &[u8]) -> Vec<u8> {
        // Chunk sizes that straddle every buffer boundary: small, odd, and larger than
        // INPUT_BUFFER, with an extension now and then.
        let sizes = [1, 7, 4093, 16 * 1024 + 5, 100_000, 3];
        let mut wire = Vec::new();
        let mut rest = body;
        for (i, size) in sizes.iter().cycle().enumerate() {
            if rest.is_empty() {
                break;
            }
            let n = (*size).min(rest.len());
            let ext = if i % 3 == 0 { ";i=1" } else { "" };
            wire.extend_from_slice(format!("{n:x}{ext}\r\n").as_bytes());
            wire.extend_from_slice(&rest[..n]);
            wire.extend_from_slice(b"\r\n");
            rest = &rest[n..];
        }
        wire.extend_from_slice(b"0\r\nX-Trailer: 1\r\n\r\n");
        wire
    }

    /// Reads the whole body of `reader`, with read sizes cycling through small ones (through
    /// the input buffer) and large ones (straight into the caller's buffer), and after every
    /// read checks that the connection's input buffer is no larger than `bound`.
    fn read_checking_bound(mut reader: WireBody, bound: usize) -> Vec<u8> {
        let sizes = [1, 100, 64 * 1024, 4095, 4096, 20_000, 1 << 20];
        let mut out = vec![0u8; 1 << 20];
        let mut body = Vec::new();
        for size in sizes.iter().cycle() {
            let n = reader.read_body(&mut out[..*size]).unwrap();
            if let Some(conn) = &reader.conn {
                assert!(
                    conn.input_capacity() <= bound,
                    "the input buffer grew to {} bytes (bound {bound}) after {} body bytes",
                    conn.input_capacity(),
                    body.len()
                );
                assert!(conn.buffered().len() <= bound);
            }
            if n == 0 {
                break;
            }
            body.extend_from_slice(&out[..n]);
        }
        body
    }

    fn large_body() -> Vec<u8> {
        (0..LARGE).map(pattern).collect()
    }

    #[test]
    fn streaming_a_large_length_body_keeps_the_input_buffer_within_its_bound() {
        let body = large_body();
        let mut wire = body.clone();
        // Some body bytes arrive with nothing before them, as after a head in the same read.
        wire.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
        let conn = connection_to(wire);
        let decoder = BodyDecoder::new(BodyFraming::ContentLength(LARGE as u64));
        let reader = unpooled(conn, decoder);
        assert_eq!(read_checking_bound(reader, INPUT_BUFFER), body);
    }

    #[test]
    fn streaming_a_large_chunked_body_keeps_the_input_buffer_within_its_bound() {
        let body = large_body();
        let conn = connection_to(chunked(&body));
        let decoder = BodyDecoder::new(BodyFraming::Chunked);
        let reader = unpooled(conn, decoder);
        assert_eq!(read_checking_bound(reader, INPUT_BUFFER), body);
    }

    #[test]
    fn streaming_a_large_close_delimited_body_keeps_the_input_buffer_within_its_bound() {
        let body = large_body();
        let conn = connection_to(body.clone());
        let decoder = BodyDecoder::new(BodyFraming::CloseDelimited);
        let reader = unpooled(conn, decoder);
        assert_eq!(read_checking_bound(reader, INPUT_BUFFER), body);
    }

    #[test]
    fn a_buffer_grown_by_a_large_head_does_not_grow_further_during_the_body() {
        // A 40 KiB head grows the input buffer past INPUT_BUFFER (up to the head limit); the
        // body that follows must not grow it again.
        let mut wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n".to_vec();
        for i in 0..50 {
            wire.extend_from_slice(format!("X-Padding-{i:02}: {}\r\n", "p".repeat(800)).as_bytes());
        }
        wire.extend_from_slice(b"\r\n");
        let body = large_body();
        wire.extend_from_slice(&chunked(&body));
        let mut conn = connection_to(wire);

        let limits = HeadLimits::default();
        let budget = Deadline::none().budget(None, TimeoutPhase::ReadHead);
        let used = loop {
            if let Some((_, used)) = parse_response_head(conn.buffered(), &limits).unwrap() {
                break used;
            }
            assert!(conn.fill(&budget, limits.max_head_size).unwrap() > 0);
        };
        conn.consume(used);
        let grown = conn.input_capacity();
        assert!(
            grown > INPUT_BUFFER && grown <= limits.max_head_size,
            "{grown}"
        );

        let decoder = BodyDecoder::new(BodyFraming::Chunked);
        let reader = unpooled(conn, decoder);
        assert_eq!(read_checking_bound(reader, grown), body);
    }
}
