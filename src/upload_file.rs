//! A file named as a request body or a multipart part: checked when it is named, opened when it
//! is sent. It does not read the file or decide how the body is framed.
//!
//! One rule for both ([`RequestBuilder::body_file`](crate::RequestBuilder::body_file) and
//! [`Part::file`](crate::multipart::Part::file)): a directory is refused; a regular file is
//! opened once, to prove it readable before any connection is made, and its length comes from
//! its metadata; anything else (a named pipe, `/dev/stdin`) is not opened now, since opening a
//! pipe blocks until a writer appears, and its length is unknown.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

/// Checks `path` as an upload: `Some(length)` for a regular file, readable now; `None` for a
/// file of another kind, to be opened when it is read.
pub(crate) fn check(path: &Path) -> Result<Option<u64>> {
    let metadata = std::fs::metadata(path).map_err(|err| cannot_open(path, err))?;
    if metadata.is_dir() {
        return Err(Error::new(
            ErrorKind::Io,
            format!("{} is a directory, not a file", path.display()),
        ));
    }
    if !metadata.is_file() {
        return Ok(None);
    }
    open(path)?;
    Ok(Some(metadata.len()))
}

/// Opens `path` for reading, with the error every upload of a file gives.
pub(crate) fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|err| cannot_open(path, err))
}

fn cannot_open(path: &Path, err: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("could not open {}", path.display())).with_source(err)
}
