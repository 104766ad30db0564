//! Where a response goes: stdout or a file, and the streaming copy of the body into it.
//!
//! The body is copied as it arrives through one 64 KiB buffer and written through at once
//! (stdout is flushed after every read, a file is unbuffered), so a slow or endless stream
//! shows up as it comes and memory stays flat whatever the body's size: `-N` is always so.
//! A failure to write is curl's 23; a failure to read keeps the library's number.
//!
//! As curl does, binary output to a terminal is refused: when stdout is a terminal and `-o -`
//! was not given, a NUL byte in the first 2000 bytes stops the transfer with a warning.

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::failure::{self, Failure};
use crate::progress::Progress;

/// The size of the copy buffer.
const COPY_BUFFER: usize = 64 * 1024;

/// How far into the output a NUL byte counts as binary output (curl's 2000).
const BINARY_CHECK_BYTES: u64 = 2000;

/// curl's warning for binary output to a terminal, with plainwire's name.
pub const BINARY_WARNING: &str = "Binary output can mess up your terminal. Use \"--output -\" to tell plainwire to output it to your terminal anyway, or consider \"--output <FILE>\" to save to a file.";

/// The destination of the response heads (with `-i` or `-I`) and body.
pub enum Sink {
    /// Standard output, locked for each write so that parallel transfers share it.
    Stdout {
        /// Refuse binary output: stdout is a terminal and `-o -` was not given.
        guard_binary: bool,
        /// Bytes written so far.
        written: u64,
    },
    /// A file, created (or truncated) when the response is known to be wanted.
    File(File, PathBuf),
}

impl Sink {
    /// Standard output; `explicit` when `-o -` asked for it, which allows binary output to a
    /// terminal.
    pub fn stdout(explicit: bool) -> Sink {
        Sink::Stdout {
            guard_binary: !explicit && io::stdout().is_terminal(),
            written: 0,
        }
    }

    /// The file at `path`, made with its directories when `create_dirs`; never replacing an
    /// existing file when `exclusive` (a name the server chose, `-J`). Failing is curl's 23.
    pub fn file(path: &Path, create_dirs: bool, exclusive: bool) -> Result<Sink, Failure> {
        if create_dirs {
            create_parent_dirs(path)?;
        }
        let mut options = OpenOptions::new();
        options.write(true);
        if exclusive {
            options.create_new(true);
        } else {
            options.create(true).truncate(true);
        }
        options
            .open(path)
            .map(|file| Sink::File(file, path.to_path_buf()))
            .map_err(|e| Failure::write(path.display(), &e))
    }

    /// The file at `path`, appended to (made when missing): a resumed download (`-C`). 23
    /// when it cannot be opened.
    pub fn append(path: &Path, create_dirs: bool) -> Result<Sink, Failure> {
        open_append(path, create_dirs).map(|file| Sink::File(file, path.to_path_buf()))
    }

    /// Writes all of `bytes` and flushes them through to the file or pipe.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        match self {
            Sink::Stdout {
                guard_binary,
                written,
            } => {
                if refuses_binary(*guard_binary, *written, bytes) {
                    crate::console::warn(BINARY_WARNING);
                    let mut failure =
                        Failure::new(failure::WRITE_ERROR, "binary output to a terminal");
                    failure.quiet = true;
                    return Err(failure);
                }
                *written += bytes.len() as u64;
                let mut out = io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|()| out.flush())
                    .map_err(|e| Failure::write("stdout", &e))
            }
            Sink::File(file, path) => file
                .write_all(bytes)
                .map_err(|e| Failure::write(path.display(), &e)),
        }
    }

    /// The file's path, for a file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Sink::File(_, path) => Some(path),
            Sink::Stdout { .. } => None,
        }
    }
}

/// Whether writing `bytes` after `written` others is binary output to refuse: guarded, early
/// in the output, and holding a NUL byte.
fn refuses_binary(guard_binary: bool, written: u64, bytes: &[u8]) -> bool {
    guard_binary && written < BINARY_CHECK_BYTES && bytes.contains(&0)
}

/// The file at `path` opened for appending, made when missing (with its directories when
/// `create_dirs`): a resumed download, the `--etag-save` file. 23 when it cannot be opened.
pub fn open_append(path: &Path, create_dirs: bool) -> Result<File, Failure> {
    if create_dirs {
        create_parent_dirs(path)?;
    }
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| Failure::write(path.display(), &e))
}

/// Makes the directories `path` needs (mode 0750 on Unix, as curl); 23 when that fails.
pub fn create_parent_dirs(path: &Path) -> Result<(), Failure> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o750);
    }
    builder.create(parent).map_err(|e| {
        Failure::new(
            failure::WRITE_ERROR,
            format!("cannot create directory {}: {e}", parent.display()).replace(['\r', '\n'], " "),
        )
    })
}

/// Copies the body from `body` to `sink` until its end, counting bytes into `copied` (kept
/// even when the copy fails, for `-w %{size_download}`) and feeding the progress display.
pub fn copy_body(
    body: &mut impl Read,
    sink: &mut Sink,
    copied: &mut u64,
    mut progress: Option<Box<dyn Progress>>,
) -> Result<(), Failure> {
    let mut buffer = vec![0u8; COPY_BUFFER];
    let result = loop {
        let n = match body.read(&mut buffer) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(Failure::from_body_read(e)),
        };
        *copied += n as u64;
        if let Err(failure) = sink.write(&buffer[..n]) {
            break Err(failure);
        }
        if let Some(progress) = progress.as_mut() {
            progress.advance(n as u64);
        }
    };
    if let Some(progress) = progress.as_mut() {
        progress.finish();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out `data` in pieces of at most `piece` bytes, then fails or ends.
    struct Pieces {
        data: Vec<u8>,
        piece: usize,
        fail_at_end: bool,
    }

    impl Read for Pieces {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return if self.fail_at_end {
                    Err(io::Error::other("gone"))
                } else {
                    Ok(0)
                };
            }
            let n = self.piece.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data.drain(..n);
            Ok(n)
        }
    }

    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("plainwire-output-{}-{name}", std::process::id()))
    }

    #[test]
    fn copies_every_byte_and_counts_them() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = temp_path("copy");
        let mut sink = Sink::file(&path, false, false).unwrap();
        let mut body = Pieces {
            data: data.clone(),
            piece: 70_000,
            fail_at_end: false,
        };
        let mut copied = 0;
        copy_body(&mut body, &mut sink, &mut copied, None).unwrap();
        drop(sink);
        assert_eq!(copied, data.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), data);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_read_error_keeps_what_was_written() {
        let path = temp_path("partial");
        let mut sink = Sink::file(&path, false, false).unwrap();
        let mut body = Pieces {
            data: b"partial".to_vec(),
            piece: 3,
            fail_at_end: true,
        };
        let mut copied = 0;
        let failure = copy_body(&mut body, &mut sink, &mut copied, None).unwrap_err();
        drop(sink);
        assert_eq!(failure.code, crate::failure::RECV_ERROR);
        assert_eq!(copied, 7);
        assert_eq!(std::fs::read(&path).unwrap(), b"partial");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn binary_output_to_a_terminal_is_refused_early_only() {
        assert!(refuses_binary(true, 0, b"a\0b"));
        assert!(refuses_binary(true, BINARY_CHECK_BYTES - 1, b"\0"));
        // Past the first 2000 bytes a NUL is let through (curl checks only the start), text
        // is always fine, and `-o -` or a pipe turns the check off.
        assert!(!refuses_binary(true, BINARY_CHECK_BYTES, b"\0"));
        assert!(!refuses_binary(true, 0, b"text"));
        assert!(!refuses_binary(false, 0, b"\0"));
        let mut guarded = Sink::Stdout {
            guard_binary: true,
            written: 0,
        };
        let failure = guarded.write(b"a\0b").unwrap_err();
        assert_eq!(failure.code, failure::WRITE_ERROR);
        assert!(failure.quiet, "the warning says it all");
    }

    #[test]
    fn a_resumed_file_is_appended_to() {
        let path = temp_path("append");
        std::fs::write(&path, "12345").unwrap();
        let mut sink = Sink::append(&path, false).unwrap();
        sink.write(b"6789").unwrap();
        drop(sink);
        assert_eq!(std::fs::read(&path).unwrap(), b"123456789");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn exclusive_files_are_never_replaced() {
        let path = temp_path("exclusive");
        std::fs::write(&path, "mine").unwrap();
        let failure = Sink::file(&path, false, true).err().unwrap();
        assert_eq!(failure.code, failure::WRITE_ERROR);
        assert_eq!(std::fs::read(&path).unwrap(), b"mine");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn directories_are_made_on_request() {
        let dir = temp_path("dirs");
        let path = dir.join("a/b/c.txt");
        assert!(Sink::file(&path, false, false).is_err());
        let mut sink = Sink::file(&path, true, false).unwrap();
        sink.write(b"x").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
