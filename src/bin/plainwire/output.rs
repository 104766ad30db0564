//! Where the response goes: stdout, or the `-o` file; and the streaming copy of the body.
//!
//! The body is copied as it arrives through one 64 KiB buffer and flushed after every read,
//! so that a slow or endless stream shows up as it comes and memory stays flat whatever the
//! body's size. A failure to write is curl's 23; a failure to read keeps the library's number.

use std::fs::File;
use std::io::{self, Read, StdoutLock, Write};
use std::path::{Path, PathBuf};

use crate::failure::Failure;
use crate::progress::Progress;

/// The size of the copy buffer.
const COPY_BUFFER: usize = 64 * 1024;

/// The destination of the response head (with `-i` or `-I`) and body.
pub enum Sink {
    /// Standard output.
    Stdout(StdoutLock<'static>),
    /// The `-o` file, created (or truncated) when the response is known to be wanted.
    File(File, PathBuf),
}

impl Sink {
    /// The `-o` file, or stdout without one (or with `-o -`, as in curl). Creating the file
    /// is a write failure (23), as when its directory does not exist.
    pub fn open(output: Option<&Path>) -> Result<Sink, Failure> {
        match output.filter(|path| !is_stdout(path)) {
            None => Ok(Sink::Stdout(io::stdout().lock())),
            Some(path) => File::create(path)
                .map(|file| Sink::File(file, path.to_path_buf()))
                .map_err(|e| Failure::write(path.display(), &e)),
        }
    }

    /// Writes all of `bytes` and flushes them through to the file or pipe.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let result = match self {
            Sink::Stdout(out) => out.write_all(bytes).and_then(|()| out.flush()),
            Sink::File(file, _) => file.write_all(bytes),
        };
        result.map_err(|e| self.failure(&e))
    }

    fn failure(&self, err: &io::Error) -> Failure {
        match self {
            Sink::Stdout(_) => Failure::write("stdout", err),
            Sink::File(_, path) => Failure::write(path.display(), err),
        }
    }
}

/// Whether `-o` names stdout: `-o -`.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Copies the body from `body` to `sink` until its end, counting bytes into `copied` (kept
/// even when the copy fails, for `-w %{size_download}`) and feeding the progress meter.
pub fn copy_body(
    body: &mut impl Read,
    sink: &mut Sink,
    copied: &mut u64,
    mut progress: Option<&mut Progress>,
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
        if let Some(progress) = progress.as_deref_mut() {
            progress.advance(n as u64);
        }
    };
    if let Some(progress) = progress {
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

    fn temp_file(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("plainwire-output-{}-{name}", std::process::id()))
    }

    #[test]
    fn copies_every_byte_and_counts_them() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = temp_file("copy");
        let mut sink = Sink::open(Some(&path)).unwrap();
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
        let path = temp_file("partial");
        let mut sink = Sink::open(Some(&path)).unwrap();
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
}
