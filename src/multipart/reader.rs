//! [`FormReader`]: a form's encoded body as an `io::Read`, produced part by part. It keeps at
//! most one file open and one part's head in memory; it never buffers part data.
//!
//! The reader is a state machine whose states are named for what it produces next:
//!
//! ```text
//! NextPart --(a field is left: queue its head)--------------> Data
//! Data     --(its data ends, at its length: queue CRLF)-----> NextPart
//! NextPart --(no field is left: queue the closing delimiter)-> End
//! any      --(an error)-------------------------------------> Failed
//! ```
//!
//! Each transition queues framing bytes (a part's head, the CRLF after its data, the closing
//! delimiter) that go out before the state's own output. An error moves to `Failed`, which
//! every later read repeats, so that a caller who retries cannot get a body with a part
//! missing.

use std::io::{self, Read};
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::upload_file;

use super::part::{Part, PartData};
use super::part_head::{self, field};

/// The body of a [`Form`](super::Form), from [`Form::into_reader`](super::Form::into_reader).
pub(super) struct FormReader {
    boundary: String,
    fields: std::vec::IntoIter<(String, Part)>,
    /// Framing waiting to go out before the state's output; reused from part to part.
    framing: Vec<u8>,
    /// How much of `framing` has gone out.
    framing_sent: usize,
    state: State,
}

/// What the reader produces once the framing is out.
enum State {
    /// The next part's head (and opening its file), or the closing delimiter if none is left.
    NextPart,
    /// The current part's data.
    Data(Data),
    /// Nothing more: the closing delimiter was the last framing.
    End,
    /// An error: every read fails.
    Failed,
}

/// A part's data being sent.
enum Data {
    /// From memory.
    Bytes { bytes: Arc<Vec<u8>>, sent: usize },
    /// From a file or the caller's reader.
    Stream(Stream),
}

/// Data from a file or a reader, held to its declared length when it has one.
struct Stream {
    source: Box<dyn Read + Send>,
    length: Option<u64>,
    sent: u64,
    /// The field, as messages name it.
    field: String,
    is_file: bool,
}

impl FormReader {
    pub(super) fn new(boundary: String, fields: Vec<(String, Part)>) -> FormReader {
        FormReader {
            boundary,
            fields: fields.into_iter(),
            framing: Vec::new(),
            framing_sent: 0,
            state: State::NextPart,
        }
    }

    /// Produces the next bytes into `buf` (not empty); 0 only at the end of the body.
    fn produce(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.framing_sent < self.framing.len() {
                let n = copy(&self.framing[self.framing_sent..], buf);
                self.framing_sent += n;
                return Ok(n);
            }
            match &mut self.state {
                State::NextPart => self.start_next_part()?,
                State::Data(data) => {
                    let n = data.read(buf)?;
                    if n > 0 {
                        return Ok(n);
                    }
                    // Dropping the data closes its file before the next one opens.
                    self.state = State::NextPart;
                    self.queue(|out, _| out.extend_from_slice(b"\r\n"));
                }
                State::End => return Ok(0),
                State::Failed => {
                    return Err(io::Error::other(Error::new(
                        ErrorKind::Io,
                        "the multipart body already failed to be read",
                    )))
                }
            }
        }
    }

    /// Takes the next field: opens its file if it is one, and queues its head; or queues the
    /// closing delimiter when no field is left.
    fn start_next_part(&mut self) -> io::Result<()> {
        let Some((name, part)) = self.fields.next() else {
            self.queue(part_head::write_closing);
            self.state = State::End;
            return Ok(());
        };
        let stream = |source: Box<dyn Read + Send>, length, is_file| {
            Data::Stream(Stream {
                source,
                length,
                sent: 0,
                field: field(&name),
                is_file,
            })
        };
        let content_type = part.content_type().map(str::to_string);
        let data = match part.data {
            PartData::Bytes(bytes) => Data::Bytes { bytes, sent: 0 },
            PartData::File { path, length } => {
                let file = upload_file::open(&path)
                    .map_err(|err| io::Error::other(err.context(field(&name))))?;
                stream(Box::new(file), length, true)
            }
            PartData::Reader { reader, length } => stream(reader, length, false),
        };
        let file_name = part.file_name;
        self.queue(|out, boundary| {
            part_head::write(
                out,
                boundary,
                &name,
                file_name.as_deref(),
                content_type.as_deref(),
            );
        });
        self.state = State::Data(data);
        Ok(())
    }

    /// Replaces the framing (all sent by now) with what `write` appends.
    fn queue(&mut self, write: impl FnOnce(&mut Vec<u8>, &str)) {
        self.framing.clear();
        self.framing_sent = 0;
        write(&mut self.framing, &self.boundary);
    }
}

impl Read for FormReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let result = self.produce(buf);
        if let Err(err) = &result {
            // An interrupted read is the one error a caller is meant to retry.
            if err.kind() != io::ErrorKind::Interrupted {
                self.state = State::Failed;
                self.framing.clear();
                self.framing_sent = 0;
            }
        }
        result
    }
}

impl Data {
    /// The next bytes of data; 0 at its end, after checking the length of a stream.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Data::Bytes { bytes, sent } => {
                let n = copy(&bytes[*sent..], buf);
                *sent += n;
                Ok(n)
            }
            Data::Stream(stream) => stream.read(buf),
        }
    }
}

impl Stream {
    /// Reads no further than the declared length; at the length, makes sure the source has
    /// ended. Without a length, reads to the source's end.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(length) = self.length else {
            return self.source.read(buf);
        };
        let remaining = length - self.sent;
        if remaining == 0 {
            return if self.yields_more()? {
                Err(self.too_long(length))
            } else {
                Ok(0)
            };
        }
        let want = usize::try_from(remaining).map_or(buf.len(), |r| r.min(buf.len()));
        let n = self.source.read(&mut buf[..want])?;
        if n == 0 {
            return Err(self.too_short(length));
        }
        self.sent += n as u64;
        Ok(n)
    }

    /// Whether the source has a byte beyond the declared length (which is then dropped: the
    /// read fails anyway).
    fn yields_more(&mut self) -> io::Result<bool> {
        let mut probe = [0u8; 1];
        loop {
            match self.source.read(&mut probe) {
                Ok(n) => return Ok(n > 0),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    fn too_short(&self, length: u64) -> io::Error {
        let (sent, missing) = (self.sent, length - self.sent);
        let message = if self.is_file {
            format!(
                "{}: the file ended after {sent} of its {length} bytes ({missing} missing); \
                 it shrank after it was added to the form",
                self.field
            )
        } else {
            format!(
                "{}: the reader ended after {sent} of its declared {length} bytes ({missing} missing)",
                self.field
            )
        };
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            Error::new(ErrorKind::Io, message),
        )
    }

    fn too_long(&self, length: u64) -> io::Error {
        let message = if self.is_file {
            format!(
                "{}: the file holds more than its {length} bytes; \
                 it grew after it was added to the form",
                self.field
            )
        } else {
            format!(
                "{}: the reader yields more than its declared {length} bytes",
                self.field
            )
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            Error::new(ErrorKind::Io, message),
        )
    }
}

/// Copies as much of `from` as fits into `to`; returns how much.
fn copy(from: &[u8], to: &mut [u8]) -> usize {
    let n = from.len().min(to.len());
    to[..n].copy_from_slice(&from[..n]);
    n
}
