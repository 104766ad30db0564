//! [`Part`]: the value of one field (text, bytes, a file, or a reader), with an optional file
//! name and media type. A part holds its data or where to get it; it writes nothing itself.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Result;
use crate::upload_file;

use super::mime;

/// The value of one field of a [`Form`](super::Form): text, bytes, a file or a reader, with an
/// optional file name and media type.
///
/// A part with a file name is a file upload: it carries a `Content-Type`, the one given with
/// [`mime_type`](Part::mime_type), else one guessed from the file name's extension, else
/// `application/octet-stream` (RFC 7578 section 4.4). A part without a file name is a plain
/// field, sent without `Content-Type` (as browsers send text fields) unless one is given.
///
/// Parts take no other header fields: RFC 7578 section 4.8 says that headers other than
/// `Content-Type` and `Content-Disposition` "MUST NOT be included".
///
/// ```
/// use plainwire::multipart::{Form, Part};
///
/// // Sent as a file, with `Content-Type: text/csv` from the extension.
/// let csv = Part::bytes("id,name\n1,Ada\n").file_name("people.csv");
/// assert_eq!(csv.length(), Some(14));
/// let form = Form::new().text("kind", "people").part("upload", csv);
/// ```
#[must_use = "a part does nothing until it is added to a form"]
pub struct Part {
    pub(super) data: PartData,
    pub(super) file_name: Option<String>,
    pub(super) mime_type: Option<String>,
}

/// Where a part's data comes from.
pub(super) enum PartData {
    /// In memory: text or bytes, shared with the copies a request makes to send it again.
    Bytes(Arc<Vec<u8>>),
    /// A file, opened again when its turn comes. `length` is its size when it was added
    /// (`None` for a pipe or a device, which is read to its end).
    File { path: PathBuf, length: Option<u64> },
    /// The caller's reader, with the length it promised, if any.
    Reader {
        reader: Box<dyn Read + Send>,
        length: Option<u64>,
    },
}

impl Part {
    /// A text value, sent as UTF-8 without a `Content-Type`.
    ///
    /// ```
    /// let part = plainwire::multipart::Part::text("hello");
    /// assert_eq!(part.length(), Some(5));
    /// ```
    pub fn text(value: impl Into<String>) -> Part {
        Part::from_data(PartData::Bytes(Arc::new(value.into().into_bytes())))
    }

    /// Bytes held in memory. Give a [`file_name`](Part::file_name) to send them as a file.
    ///
    /// ```
    /// let part = plainwire::multipart::Part::bytes(vec![0x89, b'P', b'N', b'G'])
    ///     .file_name("logo.png");
    /// assert_eq!(part.length(), Some(4));
    /// ```
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Part {
        Part::from_data(PartData::Bytes(Arc::new(bytes.into())))
    }

    /// A file, named by the last component of `path` and typed by its extension.
    ///
    /// The file is opened now, so that a missing or unreadable file is an error here, and its
    /// size is taken from its metadata; it is opened again and streamed when the body is read,
    /// never held in memory. A file whose size changes in between makes the upload fail. A
    /// path that is not a regular file (a pipe, `/dev/stdin`) is read to its end, with no
    /// length known in advance, and only once: a form with such a part is not sent again for
    /// a retry or a 307.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be opened or is a directory.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("plainwire-doc-part-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # let path = dir.join("report.pdf");
    /// # std::fs::write(&path, b"%PDF-1.7")?;
    /// let part = plainwire::multipart::Part::file(&path)?;
    /// assert_eq!(part.length(), Some(8));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn file(path: impl AsRef<Path>) -> Result<Part> {
        let path = path.as_ref();
        // A regular file is opened now, to prove it readable; a named pipe is not, since
        // opening one blocks until a writer appears.
        let length = upload_file::check(path)?;
        // A path that names no file (such as `/`) has no last component; the part is then sent
        // as a file without a name, which RFC 7578 section 4.2 allows.
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Ok(Part {
            data: PartData::File {
                path: path.to_path_buf(),
                length,
            },
            file_name,
            mime_type: None,
        })
    }

    /// Data from a reader of unknown length, read to its end when the body is sent. A form
    /// with such a part has no [`content_length`](super::Form::content_length), so the request
    /// goes out chunked.
    ///
    /// ```
    /// use plainwire::multipart::{Form, Part};
    /// // curl -F "log=@-": a file read from standard input.
    /// let form = Form::new().part("log", Part::reader(std::io::stdin()).file_name("log.txt"));
    /// ```
    pub fn reader(reader: impl Read + Send + 'static) -> Part {
        Part::from_data(PartData::Reader {
            reader: Box::new(reader),
            length: None,
        })
    }

    /// Data from a reader that will yield exactly `length` bytes. Reading the body fails if it
    /// yields fewer (the message says how many were missing) or more, rather than sending a
    /// body that disagrees with its `Content-Length`.
    ///
    /// ```
    /// use plainwire::multipart::{Form, Part};
    ///
    /// let data = std::io::Cursor::new(vec![7u8; 4096]);
    /// let part = Part::reader_with_length(data, 4096).file_name("blob.bin");
    /// assert_eq!(part.length(), Some(4096));
    /// let form = Form::new().part("blob", part);
    /// assert!(form.content_length().is_some()); // so the request has a Content-Length
    /// ```
    pub fn reader_with_length(reader: impl Read + Send + 'static, length: u64) -> Part {
        Part::from_data(PartData::Reader {
            reader: Box::new(reader),
            length: Some(length),
        })
    }

    /// Sets the file name sent in `Content-Disposition`, which makes the part a file upload.
    /// A CR, LF or NUL in it makes the form fail when it is sent.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Part {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the `Content-Type`, such as `"image/png"` or `"text/plain; charset=utf-8"`. A value
    /// that is not `type/subtype`, or holds a control character, makes the form fail when it
    /// is sent.
    ///
    /// ```
    /// use plainwire::multipart::Part;
    /// // requests: files={"doc": ("report", data, "application/pdf")}
    /// let part = Part::bytes(b"%PDF-1.7".to_vec()).file_name("report").mime_type("application/pdf");
    /// ```
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Part {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// The number of data bytes, when known in advance.
    pub fn length(&self) -> Option<u64> {
        match &self.data {
            PartData::Bytes(bytes) => Some(bytes.len() as u64),
            PartData::File { length, .. } | PartData::Reader { length, .. } => *length,
        }
    }

    /// A second part over the same data, for a request to send again: `None` for a reader,
    /// which can be read only once, and for a file that is not a regular one (a pipe,
    /// `/dev/stdin`), which gives its bytes once too. Bytes are shared, not copied; a regular
    /// file is opened anew.
    pub(super) fn try_clone(&self) -> Option<Part> {
        let data = match &self.data {
            PartData::Bytes(bytes) => PartData::Bytes(Arc::clone(bytes)),
            PartData::File {
                path,
                length: Some(length),
            } => PartData::File {
                path: path.clone(),
                length: Some(*length),
            },
            PartData::File { length: None, .. } | PartData::Reader { .. } => return None,
        };
        Some(Part {
            data,
            file_name: self.file_name.clone(),
            mime_type: self.mime_type.clone(),
        })
    }

    /// The `Content-Type` this part is sent with, if any (see [`Part`]).
    pub(super) fn content_type(&self) -> Option<&str> {
        match (&self.mime_type, &self.file_name) {
            (Some(given), _) => Some(given),
            (None, Some(file_name)) => Some(mime::for_file_name(file_name)),
            (None, None) => None,
        }
    }

    fn from_data(data: PartData) -> Part {
        Part {
            data,
            file_name: None,
            mime_type: None,
        }
    }
}

/// Shows the kind of data and its length, never the data: a field may hold a password.
impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.data {
            PartData::Bytes(_) => "bytes",
            PartData::File { .. } => "file",
            PartData::Reader { .. } => "reader",
        };
        f.debug_struct("Part")
            .field("data", &kind)
            .field("length", &self.length())
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .finish()
    }
}
