//! `multipart/form-data` request bodies (RFC 7578): text fields, files streamed from disk, and
//! parts from bytes or readers. It encodes bodies; it does not parse them (no server side),
//! and it knows no other multipart type (no `multipart/mixed`, no e-mail).
//!
//! Where Python's requests writes
//!
//! ```python
//! requests.post(url, data={'k': 'v'}, files={'f': open('a.txt', 'rb')})
//! ```
//!
//! plainwire writes
//!
//! ```no_run
//! use plainwire::multipart::Form;
//! # let url = "http://127.0.0.1:9/";
//! plainwire::post(url)
//!     .multipart(Form::new().text("k", "v").file("f", "a.txt")?)
//!     .send()?;
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! [`RequestBuilder::multipart`](crate::RequestBuilder::multipart) sends a form; a form whose
//! parts are all text, bytes or regular files can be sent again (a retry, a 307 redirect),
//! since its files are opened anew and its bytes are shared, not copied. A reader, or a file
//! that is not a regular one (a pipe, `/dev/stdin`), gives its bytes once: a form with one is
//! sent once.
//!
//! A [`Form`] is the list of fields; each field's value is a [`Part`]. The request takes from
//! it three things: [`Form::content_type`] (which carries the boundary),
//! [`Form::content_length`] (known when every part's size is, so the request is sent with
//! `Content-Length`; otherwise it goes out chunked) and [`Form::into_reader`], which produces
//! the body one part at a time, reading files as it goes, with memory flat whatever their sizes.
//!
//! On the wire, each part is its head, its data and a CRLF; the body ends with the closing
//! delimiter (RFC 2046 section 5.1.1):
//!
//! ```text
//! --plainwire-<32 hex digits>\r\n
//! Content-Disposition: form-data; name="k"\r\n
//! \r\n
//! v\r\n
//! --plainwire-<32 hex digits>\r\n
//! Content-Disposition: form-data; name="f"; filename="a.txt"\r\n
//! Content-Type: text/plain\r\n
//! \r\n
//! <the bytes of a.txt>\r\n
//! --plainwire-<32 hex digits>--\r\n
//! ```
//!
//! The files are in the order the request reads them:
//! - [`form`](Form): the fields, the boundary, and the checks of names and media types.
//! - [`part`](Part): one field's value and where its data comes from.
//! - `boundary`: drawing a random boundary, and why it is unpredictable enough.
//! - `mime`: media types from file extensions; the check of a caller's own type.
//! - `part_head`: the lines before each part's data, and how names are escaped.
//! - `reader`: the body as an `io::Read`, a state machine over the parts.

#![warn(clippy::pedantic)]
// Getters and predicates: ignoring one is harmless, and `#[must_use]` on each is noise.
#![allow(clippy::must_use_candidate)]

mod boundary;
mod form;
mod mime;
mod part;
mod part_head;
mod reader;

pub use form::Form;
pub(crate) use form::{complete_boundary, FormBody};
pub use part::Part;

#[cfg(test)]
mod tests;
