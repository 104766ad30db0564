//! `-z` (`--time-cond`) and `-R` (`--remote-time`): dates between the tool, the server's
//! `Last-Modified` and the file system, through the library's HTTP-date reader
//! (`plainwire::http1::date`). It reads a file's time and sets one; it sends nothing.
//!
//! As curl documents (docs/cmdline-opts/time-cond.md, remote-time.md):
//!
//! * `-z DATE` asks for the document only if it changed after DATE (`If-Modified-Since`),
//!   `-z -DATE` only if it did not (`If-Unmodified-Since`);
//! * DATE that is not a date names a file whose modification time is used; a file that does
//!   not exist either is a warning, and the transfer goes on without a condition;
//! * a server that ignores the condition and sends the document anyway with a `Last-Modified`
//!   that does not meet it gets its body skipped, as libcurl does ("the condition is unmet");
//!   so does a 304: in both cases no output file is made;
//! * `-R` gives the output file the `Last-Modified` time of the response.
//!
//! Dates are read in the three HTTP-date formats (RFC 9110 section 5.6.7), `Sun, 06 Nov 1994
//! 08:49:37 GMT` and its two obsolete forms; curl's `curl_getdate` reads more (`20240115`,
//! `15 Jan 2024`, ...): those are taken as file names here.

use std::path::Path;
use std::time::SystemTime;

use plainwire::http1::date;

/// A `-z` condition, resolved to a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeCondition {
    /// `-z -DATE`: only if not modified since.
    pub older: bool,
    /// The time.
    pub time: SystemTime,
}

impl TimeCondition {
    /// The request header: its name and value.
    pub fn header(&self) -> (&'static str, String) {
        let name = match self.older {
            true => "If-Unmodified-Since",
            false => "If-Modified-Since",
        };
        (name, date::format(self.time))
    }

    /// Whether a document last modified at `last_modified` meets the condition (libcurl's
    /// `Curl_meets_timecondition`): newer than the time for `-z DATE`, not newer for
    /// `-z -DATE`.
    pub fn met_by(&self, last_modified: SystemTime) -> bool {
        match self.older {
            false => last_modified > self.time,
            true => last_modified <= self.time,
        }
    }
}

/// The condition a `-z` value asks for, and a warning when it is neither a date nor a file
/// (then there is no condition, as in curl).
pub fn parse(value: &str, now: SystemTime) -> (Option<TimeCondition>, Option<String>) {
    let (older, text) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let time = date::parse(text, now).or_else(|| {
        std::fs::metadata(Path::new(text))
            .and_then(|m| m.modified())
            .ok()
    });
    match time {
        Some(time) => (Some(TimeCondition { older, time }), None),
        None => (
            None,
            Some(format!(
                "Illegal date format for -z, --time-cond (and not a filename): '{text}'. Disabling time condition. Write the date as 'Sun, 06 Nov 1994 08:49:37 GMT'."
            )),
        ),
    }
}

/// The time a `Last-Modified` value says, if it is an HTTP-date.
pub fn last_modified(value: &str) -> Option<SystemTime> {
    date::parse(value, SystemTime::now())
}

/// `-R`: sets `path`'s modification time to `time`. A failure is a warning, as in curl.
pub fn set_file_time(path: &Path, time: SystemTime) {
    let set = std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(time));
    if let Err(e) = set {
        crate::console::warn(&format!(
            "failed to set the file time of {}: {e}",
            path.display()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    const NOV_1994: u64 = 784_111_777;

    #[test]
    fn a_date_or_its_negation() {
        let time = UNIX_EPOCH + Duration::from_secs(NOV_1994);
        let now = SystemTime::now();
        let (newer, warning) = parse("Sun, 06 Nov 1994 08:49:37 GMT", now);
        assert_eq!(newer, Some(TimeCondition { older: false, time }));
        assert_eq!(warning, None);
        let (older, _) = parse("-Sunday, 06-Nov-94 08:49:37 GMT", now);
        assert_eq!(older, Some(TimeCondition { older: true, time }));
        assert_eq!(
            newer.unwrap().header(),
            (
                "If-Modified-Since",
                "Sun, 06 Nov 1994 08:49:37 GMT".to_string()
            )
        );
        assert_eq!(older.unwrap().header().0, "If-Unmodified-Since");
    }

    #[test]
    fn a_file_gives_its_time_and_anything_else_a_warning() {
        let path = std::env::temp_dir().join(format!("plainwire-tc-{}", std::process::id()));
        std::fs::write(&path, "x").unwrap();
        let time = UNIX_EPOCH + Duration::from_secs(NOV_1994);
        set_file_time(&path, time);
        let (condition, warning) = parse(path.to_str().unwrap(), SystemTime::now());
        assert_eq!(condition, Some(TimeCondition { older: false, time }));
        assert_eq!(warning, None);
        std::fs::remove_file(&path).unwrap();
        let (condition, warning) = parse("yesterday-ish", SystemTime::now());
        assert_eq!(condition, None);
        assert!(warning.unwrap().contains("Disabling time condition"));
    }

    #[test]
    fn conditions_are_met_as_libcurl_judges_them() {
        let at = |s| UNIX_EPOCH + Duration::from_secs(s);
        let newer = TimeCondition {
            older: false,
            time: at(100),
        };
        assert!(newer.met_by(at(101)));
        assert!(!newer.met_by(at(100)), "the same second is not newer");
        let older = TimeCondition {
            older: true,
            time: at(100),
        };
        assert!(older.met_by(at(100)));
        assert!(!older.met_by(at(101)));
    }
}
