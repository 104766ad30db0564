//! [`Form`]: the fields of a `multipart/form-data` body in order, its boundary, and what a
//! request needs from it (type, length, a reader). Sending it is the request's job, not this.

use std::fmt;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

use super::part::{Part, PartData};
use super::reader::FormReader;
use super::{boundary, mime, part_head};

/// A `multipart/form-data` body (RFC 7578): named fields in order, each a [`Part`].
///
/// Building reads as one chain: a mistake such as a CR in a field name is remembered and
/// returned by [`into_reader`](Form::into_reader), before any byte is produced. Only
/// [`file`](Form::file) returns a `Result` at once, because opening a file is where most
/// uploads fail and the caller should hear of it early.
///
/// ```
/// use std::io::Read;
/// use plainwire::multipart::{Form, Part};
///
/// let form = Form::new()
///     .text("title", "Holiday")
///     .part("photo", Part::bytes(vec![0xff, 0xd8, 0xff]).file_name("beach.jpg"));
/// assert!(form.content_type().starts_with("multipart/form-data; boundary=plainwire-"));
///
/// let length = form.content_length();
/// let mut body = Vec::new();
/// form.into_reader()?.read_to_end(&mut body)?;
/// assert_eq!(length, Some(body.len() as u64));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a form does nothing until it is sent"]
pub struct Form {
    boundary: String,
    fields: Vec<(String, Part)>,
    /// The first mistake made while building, returned by `into_reader`.
    error: Option<Error>,
}

impl Form {
    /// An empty form with a fresh random boundary.
    pub fn new() -> Form {
        Form {
            boundary: boundary::generate(),
            fields: Vec::new(),
            error: None,
        }
    }

    /// Adds a text field.
    ///
    /// ```
    /// // requests: data={"title": "Holiday"} beside files=; curl -F title=Holiday
    /// let form = plainwire::multipart::Form::new().text("title", "Holiday");
    /// ```
    pub fn text(self, name: impl Into<String>, value: impl Into<String>) -> Form {
        self.part(name, Part::text(value))
    }

    /// Adds a file from `path`, streamed when the body is read: see [`Part::file`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] when the file cannot be opened; [`ErrorKind::InvalidRequest`] when
    /// the field name or the file's name holds a CR, LF or NUL. The message names the field.
    ///
    /// ```
    /// use plainwire::multipart::Form;
    /// # let dir = std::env::temp_dir().join(format!("plainwire-doc-form-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # let path = dir.join("notes.txt");
    /// # std::fs::write(&path, "buy milk")?;
    ///
    /// // requests.post(url, files={"upload": open(path, "rb")}); curl -F upload=@notes.txt
    /// let form = Form::new().file("upload", &path)?;
    /// assert!(form.content_length().is_some()); // a regular file: its size is known
    ///
    /// let missing = Form::new().file("upload", "/no/such/file");
    /// assert_eq!(missing.unwrap_err().kind(), plainwire::ErrorKind::Io);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn file(self, name: impl Into<String>, path: impl AsRef<Path>) -> Result<Form> {
        let name = name.into();
        let part = Part::file(path).map_err(|err| err.context(part_head::field(&name)))?;
        check(&name, &part)?;
        Ok(self.part(name, part))
    }

    /// Adds a field with any [`Part`].
    pub fn part(mut self, name: impl Into<String>, part: Part) -> Form {
        let name = name.into();
        if self.error.is_none() {
            self.error = check(&name, &part).err();
        }
        let clash = matches!(&part.data, PartData::Bytes(bytes) if boundary::occurs_in(bytes, &self.boundary));
        self.fields.push((name, part));
        if clash {
            self.redraw_boundary();
        }
        self
    }

    /// The boundary between parts, as in [`content_type`](Form::content_type).
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The request's `Content-Type`: `multipart/form-data; boundary=…`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// A caller's own `multipart/...` Content-Type completed with this form's boundary, as
    /// [`RequestBuilder::multipart`](crate::RequestBuilder::multipart) completes one set on
    /// the request (and curl, `-H 'Content-Type: multipart/form-data'` with `-F`): without its
    /// boundary, no server can split the body into its parts. A boundary it names that is not
    /// the form's is replaced: the body does not use it. `None` when `value` is not multipart
    /// or names this form's boundary already.
    ///
    /// ```
    /// let form = plainwire::multipart::Form::new().text("a", "1");
    /// let completed = form.complete_content_type("multipart/mixed").unwrap();
    /// assert_eq!(completed, format!("multipart/mixed; boundary={}", form.boundary()));
    /// assert_eq!(form.complete_content_type("text/plain"), None);
    /// let replaced = form.complete_content_type("multipart/form-data; boundary=XYZ").unwrap();
    /// assert_eq!(replaced, form.content_type());
    /// ```
    pub fn complete_content_type(&self, value: &str) -> Option<String> {
        complete_boundary(value, &self.content_type())
    }

    /// A second form with the same fields and boundary, for a caller that sends the body
    /// itself and may have to send it again (through its own reader, such as one that paces
    /// the upload): `None` when a part gives its bytes once (a reader, or a file that is not
    /// a regular one), or a mistake was made while building. Bytes are shared, not copied.
    ///
    /// ```
    /// use std::io::Read;
    /// let form = plainwire::multipart::Form::new().text("a", "1");
    /// let again = form.try_clone().unwrap();
    /// let (mut first, mut second) = (Vec::new(), Vec::new());
    /// form.into_reader()?.read_to_end(&mut first)?;
    /// again.into_reader()?.read_to_end(&mut second)?;
    /// assert_eq!(first, second);
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn try_clone(&self) -> Option<Form> {
        if self.error.is_some() {
            return None;
        }
        Some(Form {
            boundary: self.boundary.clone(),
            fields: copy_fields(&self.fields)?,
            error: None,
        })
    }

    /// The exact length of the body in bytes when every part's length is known (text, bytes,
    /// regular files, readers with a length), so that the request can carry a
    /// `Content-Length`; `None` when a part is a reader of unknown length, so that the request
    /// goes out chunked.
    ///
    /// ```
    /// use plainwire::multipart::{Form, Part};
    ///
    /// let sized = Form::new().text("a", "1").part("b", Part::bytes(vec![0; 100]));
    /// assert!(sized.content_length().is_some()); // sent with Content-Length
    ///
    /// let stdin = Part::reader(std::io::stdin()).file_name("input.txt");
    /// assert_eq!(Form::new().part("c", stdin).content_length(), None); // sent chunked
    /// ```
    pub fn content_length(&self) -> Option<u64> {
        let mut head = Vec::new();
        let mut total: u64 = 0;
        for (name, part) in &self.fields {
            head.clear();
            part_head::write(
                &mut head,
                &self.boundary,
                name,
                part.file_name.as_deref(),
                part.content_type(),
            );
            total = total
                .checked_add(head.len() as u64)?
                .checked_add(part.length()?)?
                .checked_add(2)?;
        }
        head.clear();
        part_head::write_closing(&mut head, &self.boundary);
        total.checked_add(head.len() as u64)
    }

    /// The encoded body as a stream: each part's head and data in turn, then the closing
    /// delimiter. It reads one file at a time, opening it when its turn comes, and holds no
    /// more than one part's head in memory, whatever the sizes of the parts.
    ///
    /// Reading fails with an `io::Error` that holds a [`crate::Error`] of kind
    /// [`ErrorKind::Io`] when a file cannot be opened, or when a file or a sized reader yields
    /// fewer or more bytes than its length.
    ///
    /// # Errors
    ///
    /// The first mistake made while building the form: [`ErrorKind::InvalidRequest`] for a CR,
    /// LF or NUL in a field name or file name, or a media type that is not `type/subtype`.
    pub fn into_reader(self) -> Result<impl Read + Send + 'static> {
        match self.error {
            Some(err) => Err(err),
            None => Ok(FormReader::new(self.boundary, self.fields)),
        }
    }

    /// The body as a request sends it: when every part can be read again (text, bytes,
    /// files), a way to open the body afresh for each try, so that a retry or a 307 redirect
    /// can send it again; when a part is a caller's reader, the one reader.
    ///
    /// # Errors
    ///
    /// As [`into_reader`](Form::into_reader): the first mistake made while building the form.
    pub(crate) fn into_body(self) -> Result<FormBody> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let Form {
            boundary, fields, ..
        } = self;
        if copy_fields(&fields).is_none() {
            return Ok(FormBody::Once(Box::new(FormReader::new(boundary, fields))));
        }
        let open = move || -> Result<Box<dyn Read + Send>> {
            let copy = copy_fields(&fields).ok_or_else(|| {
                Error::new(
                    ErrorKind::Io,
                    "the multipart form can no longer be read again",
                )
            })?;
            Ok(Box::new(FormReader::new(boundary.clone(), copy)))
        };
        Ok(FormBody::Replayable(Box::new(open)))
    }

    /// Draws boundaries until one occurs in no part held in memory. Streamed parts are not
    /// scanned: that would mean reading a file twice (or a reader, which cannot be read
    /// twice), and their authors cannot aim at a boundary they have no means to predict
    /// (see the `boundary` module). Parts in memory are cheap to scan, and they are where a
    /// caller might put a boundary it has seen, such as this form's own.
    fn redraw_boundary(&mut self) {
        for _ in 0..boundary::MAX_TRIES {
            self.boundary = boundary::generate();
            let clash = self.fields.iter().any(|(_, part)| match &part.data {
                PartData::Bytes(bytes) => boundary::occurs_in(bytes, &self.boundary),
                PartData::File { .. } | PartData::Reader { .. } => false,
            });
            if !clash {
                return;
            }
        }
        self.error.get_or_insert_with(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                "could not draw a multipart boundary that is absent from the form's data",
            )
        });
    }

    /// Makes the boundary `boundary`, for tests that compare exact bytes.
    #[cfg(test)]
    pub(super) fn with_boundary(mut self, boundary: &str) -> Form {
        self.boundary = boundary.to_string();
        self
    }
}

impl Default for Form {
    fn default() -> Form {
        Form::new()
    }
}

/// Shows the field names and their parts, never the values.
impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form")
            .field("boundary", &self.boundary)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

/// A form's body as a request takes it, from [`Form::into_body`].
pub(crate) enum FormBody {
    /// Opens the body from its start, as often as asked.
    Replayable(Box<dyn Fn() -> Result<Box<dyn Read + Send>> + Send>),
    /// The body, to be read once.
    Once(Box<dyn Read + Send>),
}

/// `value`, a caller's `multipart/...` Content-Type, with the boundary of `body_type`
/// (`multipart/form-data; boundary=...`): added when it names none; put in place of another
/// it names, which the body does not use, so that no server looks for parts that are not
/// there. The media type is then kept and its other parameters are left out (those of
/// `multipart/related`, `type` and `start`, among them: a form's parts are form-data, which
/// they would not describe). `None` when `value` needs nothing, or `body_type` is no form's.
pub(crate) fn complete_boundary(value: &str, body_type: &str) -> Option<String> {
    let (_, boundary) = body_type.split_once("; boundary=")?;
    let value = value.trim();
    if !value.to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    match crate::http1::media_type::parameter(value, "boundary") {
        None => Some(format!("{value}; boundary={boundary}")),
        Some(named) if named == boundary => None,
        Some(_) => {
            let media_type = value.split(';').next().unwrap_or(value).trim_end();
            Some(format!("{media_type}; boundary={boundary}"))
        }
    }
}

/// A copy of every field over the same data, or `None` when a part gives its bytes once (a
/// reader, or a file that is not a regular one).
fn copy_fields(fields: &[(String, Part)]) -> Option<Vec<(String, Part)>> {
    fields
        .iter()
        .map(|(name, part)| Some((name.clone(), part.try_clone()?)))
        .collect()
}

/// Checks what goes into a part's head: the field name, the file name and the media type.
fn check(name: &str, part: &Part) -> Result<()> {
    let invalid =
        |what: String| Error::new(ErrorKind::InvalidRequest, what).context(part_head::field(name));
    if let Err(found) = part_head::check_text(name) {
        return Err(invalid(format!("the field name contains {found}")));
    }
    if let Some(file_name) = &part.file_name {
        if let Err(found) = part_head::check_text(file_name) {
            return Err(invalid(format!("the file name contains {found}")));
        }
    }
    if let Some(mime_type) = &part.mime_type {
        if let Err(why) = mime::check(mime_type) {
            return Err(invalid(format!("the media type {why}")));
        }
    }
    Ok(())
}
