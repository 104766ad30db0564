//! The request body: `-d` pieces and `--json`, read from the command line, files or stdin.
//!
//! The rules are curl's:
//!
//! * `-d` pieces are joined with `&`; a piece read from `@FILE` or `@-` loses its carriage
//!   returns and line feeds (curl's `--data`, as opposed to its `--data-binary`), so that a
//!   form kept in a file with a trailing newline sends no stray `\n`;
//! * `--json` is sent exactly as given or read, byte for byte;
//! * `-d` defaults to `Content-Type: application/x-www-form-urlencoded`, `--json` to
//!   `Content-Type: application/json` and `Accept: application/json`; a `-H` of the same
//!   name wins (see [`crate::request`]).
//!
//! Bodies are read whole before the request is sent, so that they go out with a
//! Content-Length (and can be sent again after a 307 or 308 redirect).

use std::io::Read;

use crate::args::{Args, Body};
use crate::failure::Failure;

/// The Content-Type `-d` sends unless `-H` names one.
pub const FORM_TYPE: &str = "application/x-www-form-urlencoded";
/// The Content-Type and Accept `--json` sends unless `-H` names them.
pub const JSON_TYPE: &str = "application/json";

/// A request body ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Whether it came from `--json` (otherwise from `-d`).
    pub json: bool,
}

/// The body the command line asks for, if any. Fails with curl's 26 when a file or stdin
/// cannot be read.
pub fn request_body(args: &Args) -> Result<Option<RequestBody>, Failure> {
    if let Some(json) = &args.json {
        return Ok(Some(RequestBody {
            bytes: read(json)?,
            json: true,
        }));
    }
    if args.data.is_empty() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    for (i, piece) in args.data.iter().enumerate() {
        if i > 0 {
            bytes.push(b'&');
        }
        let mut piece_bytes = read(piece)?;
        if !matches!(piece, Body::Inline(_)) {
            strip_line_breaks(&mut piece_bytes);
        }
        bytes.extend_from_slice(&piece_bytes);
    }
    Ok(Some(RequestBody { bytes, json: false }))
}

/// The bytes of one body argument.
fn read(body: &Body) -> Result<Vec<u8>, Failure> {
    match body {
        Body::Inline(bytes) => Ok(bytes.clone()),
        Body::File(path) => std::fs::read(path).map_err(|e| Failure::read_file(path, &e)),
        Body::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::read_stdin(&e))?;
            Ok(bytes)
        }
    }
}

/// curl's `--data @FILE`: carriage returns and line feeds are dropped.
fn strip_line_breaks(bytes: &mut Vec<u8>) {
    bytes.retain(|&b| b != b'\r' && b != b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_stripped() {
        let mut bytes = b"a=1\r\nb=2\n\nc=3\r".to_vec();
        strip_line_breaks(&mut bytes);
        assert_eq!(bytes, b"a=1b=2c=3");
    }
}
