//! HTTP/1.1 as bytes in and bytes out: no sockets, no TLS, no clocks.
//!
//! Each module here works on buffers the caller owns, so every rule can be tested byte for
//! byte and fuzzed without a network. The transport side (`src/transport/`) moves the bytes;
//! this side knows what they mean. The module is public so that it can be read, tested and fuzzed on
//! its own; most users need only [`crate::get`] and friends.
//!
//! - [`write`](mod@write): the request head, checked as it is written, and chunked framing for uploads.
//! - [`head`]: the response head, through httparse, within limits.
//! - [`framing`]: RFC 9112 section 6.3: how long the body is, and whether the connection lives on.
//! - [`chunked`]: the chunked transfer coding, as a state machine.
//! - [`body`]: applying the framing to the bytes after the head; telling an end from a truncation.
//! - [`headers`]: a response's header fields, and the one list of fields that carry credentials.
//! - [`coding`]: the content codings we can undo, by name.
//! - [`close_reason`]: why a connection may not carry another request.
//! - [`content_range`]: the `Content-Range` of a 206 or a 416 (RFC 9110 section 14.4).
//! - [`link`]: the `Link` field (RFC 8288) as links to look up by relation type.
//! - [`media_type`]: the parameters of a media type (a Content-Type's `charset`), read.
//! - [`quoted_string`]: the quoted-string of RFC 9110 section 5.6.4, read.
//! - [`date`]: HTTP-dates (RFC 9110 section 5.6.7); `retry_after` (crate-private): the
//!   `Retry-After` field, for the retry policy.

// The sans-IO layer is held to clippy's pedantic lints, all of it, here once. Getters and
// predicates: ignoring one is harmless, and `#[must_use]` on each is noise.
#![warn(clippy::pedantic)]
#![allow(clippy::must_use_candidate)]

pub mod body;
pub mod chunked;
pub mod close_reason;
pub mod coding;
pub mod content_range;
pub mod date;
pub mod framing;
pub mod head;
pub mod headers;
pub mod link;
pub mod media_type;
pub mod quoted_string;
pub(crate) mod retry_after;
pub mod write;
