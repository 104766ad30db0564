//! [`Failure`]: why a run of the tool failed, as curl's exit code and a one-line message.
//!
//! Every way the tool can fail ends up here, so that the exit codes live in one file. Library
//! errors take their number from [`plainwire::ErrorKind::curl_exit_code`]; the tool's own
//! failures (the command line, local files, the output) use the constants below.

use std::fmt::Display;
use std::io;
use std::path::Path;

/// curl 1: the URL's protocol is not one plainwire speaks, or `--proto` does not allow it.
pub const UNSUPPORTED_PROTOCOL: u8 = 1;
/// curl 2: the command line is wrong, or asks for something not supported yet.
pub const BAD_COMMAND_LINE: u8 = 2;
/// curl 3: a URL (or its glob pattern) is malformed.
pub const URL_MALFORMAT: u8 = 3;
/// curl 4: a feature this build leaves out (`--cacert` without the `tls` feature), or one
/// plainwire does not have (TLS 1.1 as the newest version).
pub const NOT_BUILT_IN: u8 = 4;
/// curl 18: the body ended before the length it was announced with (here: a resumed part of
/// unknown length that ended short of its `Content-Range`).
pub const PARTIAL_FILE: u8 = 18;
/// curl 22: the server answered with a status of 400 or more, and `-f` was given.
pub const HTTP_ERROR: u8 = 22;
/// curl 23: writing the output (stdout or the `-o` file) failed.
pub const WRITE_ERROR: u8 = 23;
/// curl 33: `-C` asked to resume and the server did not answer with that range.
pub const RANGE_ERROR: u8 = 33;
/// curl 26: reading a `@FILE` value (or `@-`, stdin), or a `-K` config file, failed.
pub const READ_ERROR: u8 = 26;
/// curl 45: `--interface` names a host that does not resolve, or an interface where plainwire
/// cannot bind to one by name.
pub const INTERFACE_FAILED: u8 = 45;
/// curl 47: the redirect limit was reached.
pub const TOO_MANY_REDIRECTS: u8 = 47;
/// curl 58: the client certificate or key cannot be used (encrypted, PKCS#12, unreadable).
pub const CERT_PROBLEM: u8 = 58;
/// curl 56: a receive error with no better description.
pub const RECV_ERROR: u8 = 56;
/// curl 61: with `--compressed`, a content coding plainwire cannot undo.
pub const BAD_CONTENT_ENCODING: u8 = 61;
/// curl 63: the body is larger than `--max-filesize`.
pub const FILESIZE_EXCEEDED: u8 = 63;
/// curl 65: with `-L`, a redirect that keeps the body (307, 308, or 301 and 302 for a method
/// other than POST) after an upload that cannot be read again (stdin, a pipe).
pub const SEND_FAIL_REWIND: u8 = 65;
/// curl 90: the server's public key is not the pinned one, or the pinned key file is unusable.
pub const PINNED_KEY_MISMATCH: u8 = 90;

/// A failed run: the exit code, and the message printed as `plainwire: (N) message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The process exit code, one of curl's numbers.
    pub code: u8,
    /// What went wrong, in one line.
    pub message: String,
    /// Exit with the code but print nothing, whatever `-S` says (stdout was closed under us).
    pub quiet: bool,
}

impl Failure {
    /// A failure with this exit code and message.
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            quiet: false,
        }
    }

    /// A library error, with curl's number for its kind.
    pub fn from_error(err: &plainwire::Error) -> Failure {
        // curl's codes all fit in a byte; anything else would be a library bug, shown as 1.
        let code = u8::try_from(err.kind().curl_exit_code()).unwrap_or(1);
        Failure::new(code, one_line(&err.to_string()))
    }

    /// An error that came out of the response body's `io::Read`: the library error inside it
    /// when there is one, otherwise a receive error.
    pub fn from_body_read(err: io::Error) -> Failure {
        match err
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<plainwire::Error>())
        {
            Some(inner) => Failure::from_error(inner),
            None => Failure::new(
                RECV_ERROR,
                format!("failure when receiving the body: {err}"),
            ),
        }
    }

    /// Writing to `target` (`"stdout"` or a file name) failed. A closed pipe on stdout is the
    /// reader's choice (`plainwire URL | head`), not something to complain about: it exits 23
    /// without a message.
    pub fn write(target: impl Display, err: &io::Error) -> Failure {
        let mut failure = Failure::new(
            WRITE_ERROR,
            one_line(&format!("failed writing the output to {target}: {err}")),
        );
        failure.quiet = err.kind() == io::ErrorKind::BrokenPipe;
        failure
    }

    /// Reading an `@FILE` value from `path` failed.
    pub fn read_file(path: &Path, err: &io::Error) -> Failure {
        Failure::new(
            READ_ERROR,
            one_line(&format!("failed to read {}: {err}", path.display())),
        )
    }

    /// Reading an `@-` value from standard input failed.
    pub fn read_stdin(err: &io::Error) -> Failure {
        Failure::new(
            READ_ERROR,
            one_line(&format!("failed to read stdin: {err}")),
        )
    }

    /// A command-line mistake, or a flag that is not supported yet.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(BAD_COMMAND_LINE, message)
    }

    /// A mistake found while parsing the command line or a config file.
    pub fn from_usage(err: crate::args::UsageError) -> Failure {
        Failure::new(err.exit_code, one_line(&err.message))
    }
}

/// Keeps the promise of one line per error, whatever a source error's text holds.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipe_is_quiet_and_other_write_errors_are_not() {
        let pipe = io::Error::new(io::ErrorKind::BrokenPipe, "pipe");
        let failure = Failure::write("stdout", &pipe);
        assert_eq!(failure.code, WRITE_ERROR);
        assert!(failure.quiet);
        let full = io::Error::other("disk full");
        let failure = Failure::write("out.bin", &full);
        assert_eq!(failure.code, WRITE_ERROR);
        assert!(!failure.quiet);
        assert!(failure.message.contains("out.bin"), "{}", failure.message);
    }

    #[test]
    fn a_foreign_body_read_error_is_a_receive_error() {
        let failure = Failure::from_body_read(io::Error::other("odd"));
        assert_eq!(failure.code, RECV_ERROR);
    }

    #[test]
    fn messages_stay_on_one_line() {
        let err = io::Error::other("two\r\nlines");
        assert_eq!(
            Failure::read_stdin(&err).message,
            "failed to read stdin: two  lines"
        );
    }
}
