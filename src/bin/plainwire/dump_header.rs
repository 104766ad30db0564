//! `-D FILE` (`--dump-header`): every response head received, as received, informational
//! ones and each redirect hop included, written to a file or (`-D -`) to stdout. It writes;
//! the heads come from [`crate::trace_record`].
//!
//! As curl documents: the file is created even when no head arrives; the transfers of one
//! operation append to the same file; `--create-dirs` makes its directories. One file is
//! shared by the operation's transfers, also when they run in parallel.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::failure::Failure;

/// The `-D` destination of one operation.
pub struct HeaderDump {
    path: PathBuf,
    create_dirs: bool,
    /// Created on first use; `None` before that and for stdout.
    file: Mutex<Option<File>>,
}

impl HeaderDump {
    /// `-D path` (`-` for stdout), creating directories when `create_dirs`.
    pub fn new(path: PathBuf, create_dirs: bool) -> HeaderDump {
        HeaderDump {
            path,
            create_dirs,
            file: Mutex::new(None),
        }
    }

    fn is_stdout(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// Creates (truncates) the file the first time; later calls keep it. 23 on failure.
    pub fn open(&self) -> Result<(), Failure> {
        if self.is_stdout() {
            return Ok(());
        }
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if file.is_none() {
            if self.create_dirs {
                crate::output::create_parent_dirs(&self.path)?;
            }
            *file = Some(
                File::create(&self.path).map_err(|e| Failure::write(self.path.display(), &e))?,
            );
        }
        Ok(())
    }

    /// Appends these heads. 23 on failure.
    pub fn write(&self, heads: &[Vec<u8>]) -> Result<(), Failure> {
        if heads.is_empty() {
            return Ok(());
        }
        if self.is_stdout() {
            let mut out = std::io::stdout().lock();
            for head in heads {
                out.write_all(head)
                    .map_err(|e| Failure::write("stdout", &e))?;
            }
            return out.flush().map_err(|e| Failure::write("stdout", &e));
        }
        self.open()?;
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let file = file.as_mut().expect("opened above");
        for head in heads {
            file.write_all(head)
                .map_err(|e| Failure::write(self.path.display(), &e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_of_several_transfers_append_to_one_file() {
        let dir = std::env::temp_dir().join(format!("plainwire-dump-{}", std::process::id()));
        let path = dir.join("sub/heads.txt");
        let dump = HeaderDump::new(path.clone(), true);
        dump.open().unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"",
            "created before any head"
        );
        dump.write(&[b"HTTP/1.1 302 Found\r\n\r\n".to_vec()])
            .unwrap();
        dump.open().unwrap();
        dump.write(&[b"HTTP/1.1 200 OK\r\n\r\n".to_vec()]).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"HTTP/1.1 302 Found\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
