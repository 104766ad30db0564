//! `-C` (`--continue-at`): where a download resumes, and what the server's answer means for
//! the output file. Pure but for [`offset`], which looks at the output file's size.
//!
//! The rules are libcurl's (lib/http.c) for a resumed GET, but where libcurl would take a
//! file that is not the document for complete:
//!
//! * `-C -` resumes after the bytes the output file holds (none for stdout, or a missing
//!   file); `-C N` after N bytes; an offset of 0 sends no Range at all;
//! * the request asks for `Range: bytes=N-`, and the body is appended to the file;
//! * a 206 whose `Content-Range` starts at N, and whose Content-Length, if it has one, is the
//!   range's length, is appended; one of unknown length, up to its range's length, and it
//!   must be that long ([`check_part`]);
//! * a 416 (Range Not Satisfiable) means the file is complete already, unless its
//!   `Content-Range` states another length: nothing is written and the transfer succeeds,
//!   even with `-f` (libcurl takes any 416);
//! * any other answer without such a `Content-Range` is a whole body: a 200 exactly N bytes
//!   long means the file is complete already (libcurl takes any status); otherwise the server
//!   cannot resume (curl's 33), and the file is left as it was.
//!
//! Resuming uploads (`-C` with `-T`) is refused: HTTP has no standard way to do it.

use std::io::Read;

use plainwire::ContentRange;

use crate::args::ContinueAt;
use crate::failure::{self, Failure};
use crate::urls::Destination;

/// The byte offset to resume at: `-C N`, or with `-C -` the size of the output file.
pub fn offset(continue_at: Option<ContinueAt>, destination: &Destination) -> u64 {
    match (continue_at, destination) {
        (None, _) => 0,
        (Some(ContinueAt::Offset(n)), _) => n,
        (Some(ContinueAt::FromOutput), Destination::File { path, .. }) => {
            std::fs::metadata(path).map_or(0, |m| m.len())
        }
        (Some(ContinueAt::FromOutput), Destination::Stdout { .. }) => 0,
    }
}

/// The Range header value for a resumed download.
pub fn range_header(offset: u64) -> String {
    format!("bytes={offset}-")
}

/// The length of a resumed part (a judged 206) that only its `Content-Range` gives: its
/// Content-Length, when it has one, was checked against the range already ([`judge`]); one
/// of unknown length (chunked, or until the close) is taken at most this long, and must be
/// this long. `None` when the library undid the Content-Encoding (`--compressed`), since the
/// range counts the bytes as sent.
pub fn unframed_part(response: &plainwire::Response) -> Option<u64> {
    if response.content_length().is_some() || response.is_content_decoded() {
        return None;
    }
    response.content_range()?.part_length()
}

/// After `written` bytes of a part of `part` bytes ([`unframed_part`]) went to the file: a
/// part that ended short is a partial file (18); one with bytes past its range, which are not
/// written, is a range error (33).
pub fn check_part(part: u64, written: u64, rest: &mut impl Read) -> Result<(), Failure> {
    if written < part {
        return Err(Failure::new(
            failure::PARTIAL_FILE,
            format!(
                "the resumed part ended {} bytes short of its Content-Range",
                part - written
            ),
        ));
    }
    let mut byte = [0u8; 1];
    match rest.read(&mut byte) {
        Ok(0) => Ok(()),
        Ok(_) => Err(Failure::new(
            failure::RANGE_ERROR,
            "the resumed part went on past its Content-Range: the rest was not written",
        )),
        Err(e) => Err(Failure::from_body_read(e)),
    }
}

/// What the final response to a request resumed at `offset` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resumed {
    /// Append the body to the output.
    Append,
    /// The output is complete already: write nothing, succeed.
    Complete,
    /// The server did not resume: fail with curl's 33, writing nothing.
    Refused,
}

/// Judges the final response (its status, `Content-Range` and `Content-Length`) to a request
/// resumed at `offset` (more than zero): a GET, or whatever method `-X` or `-d` made it.
///
/// Complete: a 416 that states no length or the file's, or a 200 whose whole body is as long
/// as the file. curl takes any 416, and a body of the file's length with any status, for
/// complete; a 416 that says the document is another length, or an error page that happens to
/// be as long, says nothing of the file, and succeeding on it would hide a file that is not
/// the document.
///
/// Append: a 206 whose range starts at the offset, and whose Content-Length, if it has one, is
/// the range's length.
pub fn judge(
    offset: u64,
    status: u16,
    content_range: Option<ContentRange>,
    content_length: Option<u64>,
) -> Resumed {
    if status == 416 {
        return match content_range {
            Some(ContentRange::Unsatisfied { complete_length }) if complete_length != offset => {
                Resumed::Refused
            }
            _ => Resumed::Complete,
        };
    }
    // A Content-Length other than the part's length would write other bytes than the part
    // (curl appends them all). A body of unknown length is taken at its range's word.
    let resumed_here = content_range.is_some_and(|range| {
        range.range().is_some_and(|range| *range.start() == offset)
            && content_length.is_none_or(|length| Some(length) == range.part_length())
    });
    if resumed_here {
        Resumed::Append
    } else if status == 200 && content_length == Some(offset) {
        Resumed::Complete
    } else {
        Resumed::Refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(first: u64, last: u64, complete: u64) -> Option<ContentRange> {
        Some(ContentRange::Bytes {
            first,
            last,
            complete_length: Some(complete),
        })
    }

    #[test]
    fn a_206_from_the_offset_is_appended() {
        assert_eq!(
            judge(100, 206, range(100, 199, 200), Some(100)),
            Resumed::Append
        );
    }

    #[test]
    fn a_206_whose_length_is_not_its_parts_is_not_a_resume() {
        for length in [99, 101, 115] {
            assert_eq!(
                judge(100, 206, range(100, 199, 200), Some(length)),
                Resumed::Refused,
                "{length}"
            );
        }
        assert_eq!(judge(100, 206, range(100, 199, 200), None), Resumed::Append);
    }

    #[test]
    fn a_206_from_elsewhere_is_not_a_resume() {
        assert_eq!(
            judge(100, 206, range(0, 199, 200), Some(200)),
            Resumed::Refused
        );
    }

    #[test]
    fn a_416_means_the_file_is_complete() {
        let unsatisfied = Some(ContentRange::Unsatisfied {
            complete_length: 100,
        });
        assert_eq!(judge(100, 416, unsatisfied, Some(0)), Resumed::Complete);
        assert_eq!(judge(100, 416, None, None), Resumed::Complete);
        // Another length: the file is not the document.
        for length in [3, 300] {
            let other = Some(ContentRange::Unsatisfied {
                complete_length: length,
            });
            assert_eq!(judge(100, 416, other, None), Resumed::Refused, "{length}");
        }
    }

    #[test]
    fn a_whole_body_is_complete_only_when_it_is_as_long_as_the_file() {
        assert_eq!(judge(100, 200, None, Some(100)), Resumed::Complete);
        assert_eq!(judge(100, 200, None, Some(300)), Resumed::Refused);
        assert_eq!(judge(100, 200, None, None), Resumed::Refused);
        assert_eq!(judge(100, 404, None, Some(9)), Resumed::Refused);
        // Only a whole document counts: not an error page, nor a 206 without its range.
        assert_eq!(judge(100, 404, None, Some(100)), Resumed::Refused);
        assert_eq!(judge(100, 206, None, Some(100)), Resumed::Refused);
    }

    #[test]
    fn the_offset_comes_from_the_output_file() {
        let path = std::env::temp_dir().join(format!("plainwire-resume-{}", std::process::id()));
        std::fs::write(&path, b"12345").unwrap();
        let file = Destination::File {
            path: path.clone(),
            from_header: false,
            dir: None,
        };
        let stdout = Destination::Stdout { explicit: false };
        assert_eq!(offset(Some(ContinueAt::FromOutput), &file), 5);
        assert_eq!(offset(Some(ContinueAt::FromOutput), &stdout), 0);
        assert_eq!(offset(Some(ContinueAt::Offset(7)), &stdout), 7);
        assert_eq!(offset(None, &file), 0);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(offset(Some(ContinueAt::FromOutput), &file), 0);
        assert_eq!(range_header(5), "bytes=5-");
    }
}
