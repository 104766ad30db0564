//! What the library's trace hook tells about the transfer running on this thread: every
//! response head (for `-i`, `-I` and `-D` along a redirect chain), the sizes and addresses
//! `-w` reports, the `-v` lines and the `--trace` dump. It does not decide what is printed
//! where, except that `-v` goes to [`crate::verbose`] and the rest to [`crate::trace_dump`].
//!
//! Every agent gets the same [`hook`]. The library calls it on the thread that sends the
//! request and reads the body, so a thread-local record routes each event to its transfer,
//! also when `-Z` runs several transfers on one shared agent.

use std::cell::RefCell;
use std::net::SocketAddr;

use plainwire::TraceEvent;

/// The most bytes of response heads kept for `-i`/`-I`/`-D` in one transfer: the library's
/// limits give at most 11 hops of 17 heads of 64 KiB with the default `--max-redirs`, about
/// 12 MiB; heads past this (a redirect loop under `--max-redirs -1`) are counted, not kept.
pub const MAX_KEPT_HEAD_BYTES: usize = 16 * 1024 * 1024;

/// What one transfer's trace said.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TraceRecord {
    /// Response heads as received, in order, informational ones and redirects included, those
    /// of tries that were retried left out, as curl starts its output over for a retry (only
    /// when asked to keep them, and within [`MAX_KEPT_HEAD_BYTES`]).
    pub heads: Vec<Vec<u8>>,
    /// Heads received but not kept because of the limit.
    pub heads_dropped: bool,
    /// The last response head received.
    pub last_head: Option<Vec<u8>>,
    /// Bytes of every response head received.
    pub size_header: u64,
    /// Final (non-1xx) responses received, but those of tries that were retried: one more than
    /// the redirects followed.
    pub final_responses: u32,
    /// Bytes of every request head sent.
    pub size_request_heads: u64,
    /// Body bytes sent, counted as they go (every try, redirects and retries included).
    pub size_upload: u64,
    /// Retries the retry policy made (`--retry`).
    pub retries: u32,
    /// The method of the last request sent.
    pub method: Option<String>,
    /// New connections made.
    pub connects: u32,
    /// The last connection's peer and local addresses.
    pub remote: Option<SocketAddr>,
    /// Our end of the last connection.
    pub local: Option<SocketAddr>,
}

/// The record being filled on this thread, and how.
struct Recording {
    record: TraceRecord,
    keep_heads: bool,
    kept_bytes: usize,
    /// Where the current try's heads start in `record.heads`, and how many final responses
    /// it got: a retry drops them.
    try_start: usize,
    try_finals: u32,
    verbose: bool,
    /// `--retry N`, for the "retries left" of the retry warning.
    retry_limit: u32,
}

thread_local! {
    static CURRENT: RefCell<Option<Recording>> = const { RefCell::new(None) };
}

/// Starts recording this thread's transfer: heads are kept when `keep_heads`, and `-v` lines
/// printed when `verbose`; `retry_limit` is the `--retry` count, for the retry warnings.
pub fn begin(keep_heads: bool, verbose: bool, retry_limit: u32) {
    CURRENT.with(|current| {
        *current.borrow_mut() = Some(Recording {
            record: TraceRecord::default(),
            keep_heads,
            kept_bytes: 0,
            try_start: 0,
            try_finals: 0,
            verbose,
            retry_limit,
        });
    });
}

/// The heads kept so far, taken out of the record (they are written once).
pub fn take_heads() -> Vec<Vec<u8>> {
    CURRENT.with(|current| {
        current
            .borrow_mut()
            .as_mut()
            .map(|r| std::mem::take(&mut r.record.heads))
            .unwrap_or_default()
    })
}

/// Ends the recording and gives what it recorded.
pub fn end() -> TraceRecord {
    CURRENT.with(|current| {
        current
            .borrow_mut()
            .take()
            .map(|r| r.record)
            .unwrap_or_default()
    })
}

/// The trace hook every agent gets.
pub fn hook(event: &TraceEvent<'_>) {
    let (verbose, retry_limit) = CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        let Some(recording) = current.as_mut() else {
            return (false, 0);
        };
        recording.note(event);
        (recording.verbose, recording.retry_limit)
    });
    if let TraceEvent::Retrying {
        attempt,
        reason,
        wait,
    } = event
    {
        crate::console::warn(&retry_warning(*attempt, reason, *wait, retry_limit));
    }
    if verbose {
        crate::verbose::print(event);
    }
    crate::trace_dump::write(event);
}

/// curl 7.88's warning before a retry: "Problem : HTTP error. Will retry in 1 seconds. 3
/// retries left.", with the library's reason and its wait (in milliseconds when under a
/// second). As in curl, the retries left count the one about to be made: the first of
/// `--retry 3` says 3.
fn retry_warning(attempt: u32, reason: &str, wait: std::time::Duration, limit: u32) -> String {
    let wait = match wait.as_secs() {
        0 => format!("{} ms", wait.as_millis()),
        secs => format!("{secs} seconds"),
    };
    let left = limit.saturating_sub(attempt.saturating_sub(1));
    let plural = if left == 1 { "retry" } else { "retries" };
    format!("Problem: {reason}. Will retry in {wait}. {left} {plural} left.")
}

impl Recording {
    fn note(&mut self, event: &TraceEvent<'_>) {
        let record = &mut self.record;
        match event {
            TraceEvent::Connected {
                remote,
                local,
                reused,
            } => {
                if !reused {
                    record.connects += 1;
                }
                record.remote = *remote;
                record.local = *local;
            }
            TraceEvent::RequestHead(head) => {
                self.try_start = record.heads.len();
                self.try_finals = 0;
                record.size_request_heads += head.len() as u64;
                record.method = head
                    .split(|&b| b == b' ')
                    .next()
                    .map(|m| String::from_utf8_lossy(m).into_owned());
            }
            TraceEvent::RequestBody(bytes) => record.size_upload += bytes.len() as u64,
            TraceEvent::Retrying { .. } => {
                record.retries += 1;
                let start = self.try_start.min(record.heads.len());
                let dropped: usize = record.heads.drain(start..).map(|h| h.len()).sum();
                self.kept_bytes = self.kept_bytes.saturating_sub(dropped);
                record.final_responses = record.final_responses.saturating_sub(self.try_finals);
            }
            TraceEvent::ResponseHead(head) => {
                record.size_header += head.len() as u64;
                if !is_informational(head) {
                    record.final_responses += 1;
                    self.try_finals += 1;
                }
                record.last_head = Some(head.to_vec());
                if self.keep_heads {
                    if self.kept_bytes + head.len() <= MAX_KEPT_HEAD_BYTES {
                        self.kept_bytes += head.len();
                        record.heads.push(head.to_vec());
                    } else {
                        record.heads_dropped = true;
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a response head is a 1xx one.
fn is_informational(head: &[u8]) -> bool {
    status_of(head).is_some_and(|status| (100..200).contains(&status))
}

/// The status code of a response head as the trace gives it (`HTTP/1.1 302 Found\r\n...`).
pub fn status_of(head: &[u8]) -> Option<u16> {
    let code = head.split(|&b| b == b' ').nth(1)?;
    std::str::from_utf8(code).ok()?.trim_end().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retried_trys_heads_are_dropped_and_its_redirects_kept() {
        begin(true, false, 2);
        hook(&TraceEvent::RequestHead(b"GET /a HTTP/1.1\r\n\r\n"));
        hook(&TraceEvent::ResponseHead(
            b"HTTP/1.1 302 Found\r\nLocation: /b\r\n\r\n",
        ));
        hook(&TraceEvent::RequestHead(b"GET /b HTTP/1.1\r\n\r\n"));
        hook(&TraceEvent::ResponseHead(b"HTTP/1.1 503 Busy\r\n\r\n"));
        hook(&TraceEvent::Retrying {
            attempt: 1,
            reason: "HTTP error",
            wait: std::time::Duration::ZERO,
        });
        hook(&TraceEvent::RequestHead(b"GET /b HTTP/1.1\r\n\r\n"));
        hook(&TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\n\r\n"));
        let heads = take_heads();
        let record = end();
        assert_eq!(heads.len(), 2);
        assert!(heads[0].starts_with(b"HTTP/1.1 302"));
        assert!(heads[1].starts_with(b"HTTP/1.1 200"));
        assert_eq!(record.final_responses, 2, "one redirect");
        assert_eq!(record.retries, 1);
    }

    #[test]
    fn heads_sizes_and_addresses_are_recorded() {
        begin(true, false, 0);
        let remote: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        hook(&TraceEvent::Connected {
            remote: Some(remote),
            local: Some(local),
            reused: false,
        });
        hook(&TraceEvent::RequestHead(
            b"POST /a HTTP/1.1\r\nAuthorization: Basic *****\r\nContent-Length: 3\r\n\r\n",
        ));
        hook(&TraceEvent::RequestBody(b"a=1"));
        hook(&TraceEvent::ResponseHead(b"HTTP/1.1 100 Continue\r\n\r\n"));
        hook(&TraceEvent::ResponseHead(
            b"HTTP/1.1 302 Found\r\nLocation: /b\r\n\r\n",
        ));
        hook(&TraceEvent::Connected {
            remote: Some(remote),
            local: Some(local),
            reused: true,
        });
        hook(&TraceEvent::RequestHead(b"GET /b HTTP/1.1\r\n\r\n"));
        hook(&TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\n\r\n"));
        let heads = take_heads();
        let record = end();
        assert_eq!(heads.len(), 3);
        assert!(record.heads.is_empty(), "taken");
        assert_eq!(record.final_responses, 2);
        assert_eq!(record.connects, 1);
        assert_eq!(record.remote, Some(remote));
        assert_eq!(record.local, Some(local));
        assert_eq!(record.size_upload, 3);
        assert_eq!(record.method.as_deref(), Some("GET"));
        assert_eq!(
            record.last_head.as_deref(),
            Some(&b"HTTP/1.1 200 OK\r\n\r\n"[..])
        );
        let expected: usize = heads.iter().map(Vec::len).sum();
        assert_eq!(record.size_header, expected as u64);
    }

    #[test]
    fn retries_are_counted_and_announced() {
        begin(false, false, 3);
        hook(&TraceEvent::Retrying {
            attempt: 1,
            reason: "HTTP status 503",
            wait: std::time::Duration::from_millis(1500),
        });
        assert_eq!(end().retries, 1);
        assert_eq!(
            retry_warning(
                1,
                "HTTP status 503",
                std::time::Duration::from_millis(1500),
                3
            ),
            "Problem: HTTP status 503. Will retry in 1 seconds. 3 retries left."
        );
        assert_eq!(
            retry_warning(3, "x", std::time::Duration::from_millis(20), 3),
            "Problem: x. Will retry in 20 ms. 1 retry left."
        );
    }

    #[test]
    fn heads_are_kept_only_when_asked() {
        begin(false, false, 0);
        hook(&TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\n\r\n"));
        let record = end();
        assert!(record.heads.is_empty());
        assert_eq!(record.size_header, 19);
    }

    #[test]
    fn events_without_a_recording_are_ignored() {
        let _ = end();
        hook(&TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\n\r\n"));
        assert_eq!(end(), TraceRecord::default());
    }
}
