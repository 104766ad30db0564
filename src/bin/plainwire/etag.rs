//! `--etag-compare FILE` and `--etag-save FILE`: a conditional request from a saved ETag, and
//! the ETag a response brings saved for the next run. As curl does it (src/tool_operate.c,
//! tool_cb_hdr.c):
//!
//! * compare: the file's text (its lines joined, line breaks dropped) is sent as
//!   `If-None-Match`; a missing or empty file sends `If-None-Match: ""`, which matches
//!   nothing, with a warning when the file is missing;
//! * save: the file is created (never emptied) before the transfer, so that a response without
//!   an ETag leaves the saved one in place; the ETag of a 2xx or 3xx response replaces the
//!   file's contents, followed by a newline, once the transfer has succeeded. `-` is stdout.
//!   Unlike curl, which saves it as the head arrives: saved from a body cut short, it would
//!   make every later compare take the broken file for current.
//!
//! Both options work with one URL only, as in curl.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::failure::Failure;

/// The `If-None-Match` value from a `--etag-compare` file, and a warning if it cannot be read.
pub fn compare_value(path: &Path) -> (String, Option<String>) {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text: String = String::from_utf8_lossy(&bytes)
                .chars()
                .filter(|&c| c != '\r' && c != '\n')
                .collect();
            if text.is_empty() {
                ("\"\"".to_string(), None)
            } else {
                (text, None)
            }
        }
        Err(e) => (
            "\"\"".to_string(),
            Some(format!("Failed to open {}: {e}", path.display())),
        ),
    }
}

/// Where `--etag-save` writes.
pub enum EtagFile {
    /// `-`.
    Stdout,
    /// The file, opened for appending (not emptied).
    File(File),
}

/// Opens the `--etag-save` file, making its directories with `--create-dirs`; 23 on failure.
pub fn open(path: &Path, create_dirs: bool) -> Result<EtagFile, Failure> {
    if path.as_os_str() == "-" {
        return Ok(EtagFile::Stdout);
    }
    crate::output::open_append(path, create_dirs).map(EtagFile::File)
}

impl EtagFile {
    /// Saves `etag` (trimmed) in place of what the file held; 23 on failure. One store at a
    /// time in the process: transfers side by side (`-Z` over a glob) each empty the file
    /// and then append to it, and two of them in between each other's steps left two lines,
    /// which a later `--etag-compare` joins into no valid ETag.
    pub fn store(&mut self, etag: &str, path: &Path) -> Result<(), Failure> {
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let line = format!("{}\n", etag.trim());
        let written = match self {
            EtagFile::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line.as_bytes()).and_then(|()| out.flush())
            }
            EtagFile::File(file) => file
                .set_len(0)
                .and_then(|()| file.write_all(line.as_bytes())),
        };
        written.map_err(|e| Failure::write(path.display(), &e))
    }
}

/// Whether the ETag of a response with `status` is saved (2xx and 3xx only).
pub fn saves(status: u16) -> bool {
    (200..400).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("plainwire-etag-{}-{name}", std::process::id()))
    }

    #[test]
    fn the_compare_value_is_the_file_without_line_breaks() {
        let path = temp("compare");
        std::fs::write(&path, "\"abc\"\r\n").unwrap();
        assert_eq!(compare_value(&path), ("\"abc\"".to_string(), None));
        std::fs::write(&path, "").unwrap();
        assert_eq!(compare_value(&path), ("\"\"".to_string(), None));
        std::fs::remove_file(&path).unwrap();
        let (value, warning) = compare_value(&path);
        assert_eq!(value, "\"\"");
        assert!(warning.unwrap().starts_with("Failed to open"));
    }

    #[test]
    fn saving_replaces_and_opening_keeps() {
        let path = temp("save");
        std::fs::write(&path, "\"old\"\n").unwrap();
        let mut file = open(&path, false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "\"old\"\n");
        file.store(" \"new\" ", &path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "\"new\"\n");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn only_2xx_and_3xx_etags_are_saved() {
        assert!(saves(200) && saves(304) && saves(206));
        assert!(!saves(404) && !saves(500) && !saves(100));
    }
}
