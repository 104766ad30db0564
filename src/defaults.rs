//! Every default and limit plainwire applies, each with the reason for its value; no code.
//!
//! This page is to plainwire what rustls's `manual` is to rustls: the place that says why a
//! default is what it is. Each constant below is used where the rule applies, and nowhere is a
//! second copy of it written out: the limits of the head parser and of the chunked decoder live
//! with them in [`crate::http1`], which knows nothing above it, and are named here. The setters
//! on [`AgentBuilder`](crate::AgentBuilder) (and, where it makes sense, on
//! [`RequestBuilder`](crate::RequestBuilder)) change the configurable ones.
//!
//! | What | Default | Setter |
//! |---|---|---|
//! | Opening a connection (name resolution, TCP, TLS) | [`CONNECT_TIMEOUT`] | `connect_timeout` |
//! | Silence while reading a response | [`READ_TIMEOUT`] | `read_timeout` |
//! | A write the server does not take | [`WRITE_TIMEOUT`] | `write_timeout` |
//! | The response head, in all | the read timeout ([`HEAD_TIMEOUT`]) | `head_timeout` |
//! | A body that trickles (curl's `--speed-limit`), read as a stream | none | `low_speed_limit` |
//! | A body that trickles, read into memory (`bytes`, `text`, `json`) | [`BUFFERED_MIN_SPEED`] over each `read_timeout` | `low_speed_limit` (replaces it) |
//! | An upload of bytes, a file or a form the server takes slowly | one `write_timeout` plus its length at [`BUFFERED_MIN_SPEED`] | `low_speed_limit` (replaces it, and holds sized readers too) |
//! | The whole call | none | `timeout` |
//! | Redirects followed | [`MAX_REDIRECTS`] | `max_redirects` |
//! | Redirects kept in a response's history, the last ones | [`MAX_REDIRECT_HISTORY`] | — |
//! | Response head size | [`MAX_HEAD_SIZE`] | `max_head_size` |
//! | Response header fields | [`MAX_HEADERS`] | `max_headers` |
//! | Informational (1xx) heads before the final one | [`MAX_INFORMATIONAL`] | — |
//! | Body read into memory (`bytes`, `text`, `json`) | [`MAX_BODY_SIZE`] | `max_body_size` |
//! | Idle connections per origin, in all, and for how long | [`MAX_IDLE_PER_HOST`], [`MAX_IDLE`], [`IDLE_TIMEOUT`] | `max_idle_per_host`, `max_idle`, `idle_timeout` |
//! | `Expect: 100-continue` for a body above, or of unknown length | [`EXPECT_CONTINUE_MIN`] | `expect_continue` |
//! | Waiting for `100 Continue` | [`CONTINUE_WAIT`] | — |
//! | Retries | none (opt in with a [`RetryPolicy`](crate::RetryPolicy)) | `retry` |
//! | Statuses retried | [`RETRY_STATUSES`] | `RetryPolicy::statuses` |
//! | Errors retried | [`RETRY_ERRORS`], and a refused connection | `RetryPolicy::errors`, `connection_refused`, `all_errors` |
//! | Backoff between retries: first ceiling, largest; drawn at random below the ceiling | [`RETRY_BACKOFF_INITIAL`], [`RETRY_BACKOFF_MAX`]; yes | `RetryPolicy::backoff`, `jitter` |
//! | The longest `Retry-After` waited for | [`RETRY_AFTER_MAX`] | `RetryPolicy::max_retry_after` |
//! | Time after the first try when retries stop | none (the call's `timeout` still bounds them) | `RetryPolicy::max_retry_time` |
//! | Body bytes read off a redirect, a retried response or a 401 being answered, to keep its connection, and for how long | [`REDIRECT_DRAIN_MAX`], [`REDIRECT_DRAIN_TIME`] | — |
//! | Answers to Digest challenges for one request | [`DIGEST_ANSWERS`] | — |
//! | Chunk-size line, chunk extensions in a body, trailer section | [`MAX_CHUNK_LINE`], [`MAX_CHUNK_PADDING`], [`MAX_TRAILER_SECTION`] | — |
//! | TLS records without data (tickets, key updates) that may restart the read timeout in one read | 8 (`transport::tls::MAX_EMPTY_RECORDS`) | — |
//! | Reads of TLS housekeeping an idle connection may take when checked for reuse (more: not reused) | 8 (`transport::tls::MAX_IDLE_READS`) | — |
//! | Name lookups still unanswered, in the whole process | 64 (`transport::connect::MAX_PENDING_LOOKUPS`) | — |
//! | A CA bundle, certificate or key file read | [`MAX_TRUST_FILE`] | — |
//! | The charset of a text body that names none | [`DEFAULT_CHARSET`] | — |
//! | Body quoted on each side of a JSON error | [`JSON_ERROR_CONTEXT`] | — |
//!
//! What the others do, for comparison: curl has no timeouts by default (but a 300 s connect
//! timeout) and follows no redirects unless `-L` is given, then at most 50; requests has no
//! timeout at all unless one is passed, and follows up to 30 redirects; ureq 3 follows 10 and
//! has no timeouts by default.

use std::time::Duration;

use crate::error::ErrorKind;

/// Opening a connection, name resolution, TCP connect and TLS handshake together: 30 seconds.
/// Long enough for a slow handshake across the world, short enough that an unreachable host
/// does not look like a hang.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a server may stay silent in the middle of a response: 60 seconds. A peer silent for
/// a minute is gone; this is what makes a silent server end in an error even when no deadline
/// is set.
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// How long one write may block on a server that does not read: 60 seconds, as for reads.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the response head may take in all, from the end of the request to the blank line
/// that ends the head: the read timeout, so 60 seconds. The read timeout bounds each silence,
/// but a server that drips its head one byte every 59 seconds stays under it forever; this
/// bounds the whole head. It is the read timeout's value, and follows that timeout when a
/// caller changes it without setting a head timeout: a server allowed to think for longer
/// before it answers is not cut short by a limit the caller never set.
pub const HEAD_TIMEOUT: Duration = READ_TIMEOUT;

/// The least a body read into memory (`bytes`, `text`, `json`) must bring, on average, over
/// each read-timeout period (60 seconds by default) when the call sets no low-speed limit of its
/// own: 1 KiB a second. The read timeout bounds each silence, but a server that drips a byte
/// every 59 seconds stays under it; with this floor, reading the 10 MiB that
/// [`MAX_BODY_SIZE`] allows can take at most about three hours, and a drip ends after one
/// period. 1 KiB/s is 8 kbit/s, below any link still in use; a server slower than that for a
/// whole minute is not sending a document. A body read as a stream
/// ([`Response::into_reader`](crate::Response::into_reader)) is not held to it, since a stream
/// of events may rightly trickle; no read timeout (`read_timeout(None)`) means no floor either.
///
/// An upload of bytes, a file or a form is held to the same speed the other way: it must be
/// sent within one write-timeout period plus its length at this speed, since a server that
/// takes a few bytes now and then stays under the write timeout. A body from the caller's
/// reader is not, since the reader itself may rightly be slow.
pub const BUFFERED_MIN_SPEED: u64 = 1024;

/// Redirects followed in one call: 10. Real chains are one to three hops; a loop ends early.
pub const MAX_REDIRECTS: u32 = 10;

/// Redirects a call keeps in its history ([`Response::history`](crate::Response::history),
/// [`Error::redirects`](crate::Error::redirects)): the last 50. Each hop keeps its URL and
/// its `Location`, which may be as long as a head; with `max_redirects` raised without bound
/// (curl's `--max-redirs -1`), a server that redirects to itself would otherwise grow the
/// history as long as the call lasts.
pub const MAX_REDIRECT_HISTORY: usize = 50;

/// The largest response head: 64 KiB. Far above any real server's head (nginx's limit on
/// request heads is 8 KiB a line), far below anything that would strain memory.
pub const MAX_HEAD_SIZE: usize = crate::http1::head::HeadLimits::DEFAULT_MAX_HEAD_SIZE;

/// The most header fields in a response head: 1024. The head size bounds memory; the count
/// only bounds the 64 bytes of bookkeeping each field costs (see
/// [`HeadLimits::DEFAULT_MAX_HEADERS`](crate::http1::head::HeadLimits::DEFAULT_MAX_HEADERS)),
/// so that 500 small fields, which real servers send, are accepted.
pub const MAX_HEADERS: usize = crate::http1::head::HeadLimits::DEFAULT_MAX_HEADERS;

/// Informational (1xx) heads accepted before the final one: 16. Real servers send one or two
/// (`100 Continue`, `103 Early Hints`); a server that sends them without end would otherwise
/// hold a call that has no deadline forever.
pub const MAX_INFORMATIONAL: usize = 16;

/// The largest body that `bytes()`, `text()` and `json()` read into memory: 10 MiB. Streaming
/// reads are unbounded unless [`Response::limit_body`](crate::Response::limit_body) says
/// otherwise.
pub const MAX_BODY_SIZE: u64 = 10 * 1024 * 1024;

/// Idle connections kept for one origin: 8 (ureq keeps 3, reqwest no limit); room for a few
/// threads that share an agent.
pub const MAX_IDLE_PER_HOST: usize = 8;

/// Idle connections kept in all: 64.
pub const MAX_IDLE: usize = 64;

/// How long an idle connection is kept: 90 seconds, as reqwest (ureq keeps one 15 seconds);
/// servers close idle connections on their own schedule, and the reuse check catches a
/// connection closed meanwhile.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// A body larger than this, or one whose length is unknown until it has been read (a stream
/// sent chunked), is sent with `Expect: 100-continue`, so that a server about to refuse it (a
/// 401, a 413) can say so before we send it all: 1 MiB. This is curl's rule since 8.0.0 (its
/// `EXPECT_100_THRESHOLD` in lib/http.h, applied in lib/http.c to every POST and PUT larger than
/// it or of unknown size); below it, the wait for `100 Continue` would cost more than sending.
/// [`ExpectContinue`](crate::ExpectContinue) changes the rule.
pub const EXPECT_CONTINUE_MIN: u64 = 1024 * 1024;

/// How long we wait for `100 Continue` before sending the body anyway, since some servers never
/// send it: 1 second, as curl.
pub const CONTINUE_WAIT: Duration = Duration::from_secs(1);

/// The statuses a [`RetryPolicy`](crate::RetryPolicy) retries unless given others: 408 Request
/// Timeout, 429 Too Many Requests, 500 Internal Server Error, 502 Bad Gateway, 503 Service
/// Unavailable and 504 Gateway Timeout. Each says "not now" rather than "no"; it is curl's
/// `--retry` list (without Cloudflare's private 522 and 524) and the list urllib3 users
/// usually give `status_forcelist`. A 500 may come back the same, but it is also what a server
/// says while it restarts.
pub const RETRY_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// The errors a [`RetryPolicy`](crate::RetryPolicy) retries unless given others, when they
/// strike before any byte of a response arrived: a connection that could not be made
/// (`Connect`; a refused one counts too, unless `connection_refused(false)`), a name that did
/// not resolve (`Dns`: it fails for a moment while a service comes up), a time limit
/// (`Timeout`), a connection reset (`ConnectionReset`) or closed without an answer
/// (`EmptyReply`). Each may go away by itself. A TLS or certificate failure, a reply that is
/// not HTTP, or a fault on our side would come back the same, so they are not on it. curl's
/// `--retry` takes only timeouts and unresolved names, and a refused connection with
/// `--retry-connrefused`; a library call more often meets a server that restarts.
pub const RETRY_ERRORS: [ErrorKind; 5] = [
    ErrorKind::Connect,
    ErrorKind::Dns,
    ErrorKind::Timeout,
    ErrorKind::ConnectionReset,
    ErrorKind::EmptyReply,
];

/// The ceiling of the first backoff: 1 second, curl's first `--retry` wait. Each retry doubles
/// the ceiling, and the wait is drawn at random below it (full jitter), so the first retry
/// waits half a second on average.
pub const RETRY_BACKOFF_INITIAL: Duration = Duration::from_secs(1);

/// The largest backoff ceiling: 30 seconds. curl grows to 10 minutes and urllib3 to 2; a
/// library call that has already waited that long between tries is better handed back to its
/// caller, who knows whether the work can wait. With full jitter the wait averages 15 s there.
pub const RETRY_BACKOFF_MAX: Duration = Duration::from_secs(30);

/// The longest `Retry-After` a retry waits for: 60 seconds. A server that asks for longer gets
/// its response returned at once, Retry-After and all, rather than a call that sits silent for
/// minutes; curl likewise stops retrying when Retry-After would outlast `--retry-max-time`.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);

/// How many body bytes of a redirect response (or of a response that is retried, or of a 401
/// whose Digest challenge is being answered) we read to keep its connection reusable: 64 KiB.
/// Such a body is a short note; anything longer costs more to read than a new connection.
pub const REDIRECT_DRAIN_MAX: u64 = 64 * 1024;

/// How long reading such a body may take in all: 1 second. The read timeout bounds each
/// silence, not a body dripped a byte at a time; a connection whose note takes longer than
/// this is closed instead of kept, and the call goes on.
pub const REDIRECT_DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(1);

/// How many times one request is sent again to answer Digest challenges: 2, one answer and
/// one more when the server says the answer's nonce had expired (`stale=true`, RFC 7616
/// section 3.3: the credentials were right). A server that asks again after that is refusing
/// the credentials, and asking forever must not hold the call.
pub const DIGEST_ANSWERS: u8 = 2;

/// A body up to this size goes out in the same write as the head: 64 KiB. One system call, one
/// TLS record, one TCP segment for the common small request.
pub const COALESCE_BODY_MAX: usize = 64 * 1024;

/// The size of each chunk of a streamed upload: 64 KiB, large enough that the chunk framing
/// costs nothing, small enough to keep memory flat.
pub const UPLOAD_CHUNK: usize = 64 * 1024;

/// The largest CA bundle, certificate or key file read (a CA file or directory's files, the
/// environment's CA files, a client certificate and its key): 16 MiB. Mozilla's bundle is
/// about 220 KiB; a path to something without end (`/dev/zero`) would otherwise be read into
/// memory until none is left.
#[cfg(feature = "tls")]
pub const MAX_TRUST_FILE: u64 = crate::transport::trust::MAX_TRUST_FILE;

/// The longest chunk-size line of a chunked body (see [`crate::http1::chunked`]).
pub const MAX_CHUNK_LINE: usize = crate::http1::chunked::MAX_CHUNK_LINE;

/// The largest trailer section of a chunked body (see [`crate::http1::chunked`]).
pub const MAX_TRAILER_SECTION: usize = crate::http1::chunked::MAX_TRAILER_SECTION;

/// Bytes of chunk-size lines in one body beyond what a bare size needs (extensions, padding):
/// 16 KiB, so that the chunked framing cannot carry kilobytes for each byte of body.
pub const MAX_CHUNK_PADDING: usize = crate::http1::chunked::MAX_CHUNK_PADDING;

/// The charset [`Response::text`](crate::Response::text) decodes a body in when its
/// Content-Type names none: UTF-8. RFC 2616 made ISO-8859-1 the default for `text/*`, and
/// requests still guesses it; RFC 7231 dropped that default (its Appendix B), JSON is UTF-8
/// by definition (RFC 8259 section 8.1), HTML5 and the Fetch standard decode unlabelled text
/// as UTF-8, and most unlabelled text on the web today is UTF-8. A byte order mark still wins.
pub const DEFAULT_CHARSET: &str = "utf-8";

/// How many bytes of the body a JSON decode error quotes on each side of the position where
/// parsing stopped: 40, enough to recognise the spot (a key, a value), little enough that a
/// message stays one readable line and a large body never ends up in a log.
pub const JSON_ERROR_CONTEXT: usize = 40;
