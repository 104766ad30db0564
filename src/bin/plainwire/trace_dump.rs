//! `--trace FILE` and `--trace-ascii FILE`: everything sent and received, in curl's dump
//! format; and `--trace-time`'s clock. It formats and writes; what happened comes from the
//! library's trace hook ([`crate::trace_record::hook`] calls [`write`]).
//!
//! ```text
//! == Info: TLSv1.3 (OUT), TLS handshake, Client hello (1):
//! => Send SSL data, 517 bytes (0x205)
//! 0000: 16 03 01 02 00 01 00 01 fc 03 03 3c 6e 1b 91 55 ...........<n..U
//! ...
//! => Send header, 78 bytes (0x4e)
//! 0000: 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a GET / HTTP/1.1..
//! ```
//!
//! Events are `== Info:` lines; heads, bodies and TLS records are dumped: 16 bytes a line in
//! hex and as text (`.` for what is not printable), or with `--trace-ascii` 64 bytes a line
//! as text only, a line ending at each CRLF. As in curl, the request head is dumped whole,
//! the response head line by line; "SSL data" is each TLS record as it crossed the socket.
//! Unlike curl, the values of credential fields (Authorization, Cookie, Set-Cookie, ...) are
//! masked in both heads, and the byte counts are those of the masked heads; bodies are dumped with their transfer coding (chunked) removed, and
//! `--trace-time` gives UTC, since the standard library knows no local time zone.

use std::fs::File;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use plainwire::TraceEvent;

use crate::args::TraceTarget;

/// Bytes a `--trace` line shows: 16, in hex and as text.
const HEX_WIDTH: usize = 0x10;

/// Bytes a `--trace-ascii` line shows at most: 64, as text only.
const ASCII_WIDTH: usize = 0x40;

/// Where the dump goes, and in which form.
struct Dump {
    out: Box<dyn Write + Send>,
    ascii: bool,
}

static DUMP: Mutex<Option<Dump>> = Mutex::new(None);

/// `--trace-time`.
static TIME: AtomicBool = AtomicBool::new(false);

/// Whether [`DUMP`] holds a destination, so that a run without a trace takes no lock for
/// each event.
static ON: AtomicBool = AtomicBool::new(false);

fn dump() -> MutexGuard<'static, Option<Dump>> {
    // A panic while writing leaves nothing half-done that matters here.
    DUMP.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the trace: creates (or truncates) the file, or takes stdout for `-` and stderr
/// for `%`. A file that cannot be created is a warning, and no trace, as in curl.
pub fn configure(target: Option<&TraceTarget>, time: bool) {
    TIME.store(time, Ordering::Relaxed);
    let Some(target) = target else {
        return;
    };
    let out: Box<dyn Write + Send> = match target.path.to_str() {
        Some("-") => Box::new(io::stdout()),
        Some("%") => Box::new(io::stderr()),
        _ => match File::create(&target.path) {
            Ok(file) => Box::new(io::BufWriter::new(file)),
            Err(e) => {
                crate::console::warn(&format!(
                    "cannot create the trace file {}: {e}",
                    target.path.display()
                ));
                return;
            }
        },
    };
    *dump() = Some(Dump {
        out,
        ascii: target.ascii,
    });
    ON.store(true, Ordering::Relaxed);
}

/// `HH:MM:SS.uuuuuu ` (UTC) when `--trace-time` is on, else nothing.
pub fn timestamp() -> String {
    if !TIME.load(Ordering::Relaxed) {
        return String::new();
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:06} ",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        now.subsec_micros()
    )
}

/// Writes one event to the trace, if there is one.
pub fn write(event: &TraceEvent<'_>) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let mut guard = dump();
    let Some(dump) = guard.as_mut() else {
        return;
    };
    let text = format_event(event, dump.ascii, &timestamp());
    if text.is_empty() {
        return;
    }
    // Nowhere to report a failure to write the trace; the transfer goes on, as in curl.
    let _ = dump.out.write_all(&text).and_then(|()| dump.out.flush());
}

/// One event in the dump format, each line behind `time` (empty without `--trace-time`).
fn format_event(event: &TraceEvent<'_>, ascii: bool, time: &str) -> Vec<u8> {
    let mut out = Vec::new();
    match event {
        TraceEvent::RequestHead(_) => {
            let head = event.masked_head().unwrap_or_default();
            hex_dump(&mut out, time, "=> Send header", &head, ascii);
        }
        TraceEvent::RequestBody(bytes) => hex_dump(&mut out, time, "=> Send data", bytes, ascii),
        TraceEvent::ResponseHead(_) => {
            let head = event.masked_head().unwrap_or_default();
            for line in head.split_inclusive(|&b| b == b'\n') {
                hex_dump(&mut out, time, "<= Recv header", line, ascii);
            }
        }
        TraceEvent::ResponseBody(bytes) => hex_dump(&mut out, time, "<= Recv data", bytes, ascii),
        TraceEvent::TlsData { direction, bytes } => {
            let text = match direction {
                plainwire::tls_record::Direction::ClientToServer => "=> Send SSL data",
                plainwire::tls_record::Direction::ServerToClient => "<= Recv SSL data",
            };
            hex_dump(&mut out, time, text, bytes, ascii);
        }
        // The meter has that job, and curl's trace has no such entry.
        TraceEvent::BodyProgress { .. } => {}
        // Everything else is an event, `* ...` in its display form.
        other => {
            for line in other.to_string().lines() {
                let line = line.strip_prefix("* ").unwrap_or(line);
                out.extend_from_slice(format!("{time}== Info: {line}\n").as_bytes());
            }
        }
    }
    out
}

/// curl's dump of `bytes`: a title line with the size, then the lines of the hex (or text)
/// view, each behind its offset.
fn hex_dump(out: &mut Vec<u8>, time: &str, title: &str, bytes: &[u8], ascii: bool) {
    let size = bytes.len();
    out.extend_from_slice(format!("{time}{title}, {size} bytes (0x{size:x})\n").as_bytes());
    let mut at = 0;
    while at < size {
        out.extend_from_slice(format!("{at:04x}: ").as_bytes());
        let next = if ascii {
            text_line(out, bytes, at)
        } else {
            let line = &bytes[at..size.min(at + HEX_WIDTH)];
            for column in 0..HEX_WIDTH {
                match line.get(column) {
                    Some(b) => out.extend_from_slice(format!("{b:02x} ").as_bytes()),
                    None => out.extend_from_slice(b"   "),
                }
            }
            out.extend(line.iter().map(|&b| printable(b)));
            at + HEX_WIDTH
        };
        out.push(b'\n');
        at = next;
    }
}

/// One `--trace-ascii` line from `at`: up to [`ASCII_WIDTH`] bytes, ending early at a CRLF,
/// which is left out. Returns where the next line starts.
fn text_line(out: &mut Vec<u8>, bytes: &[u8], at: usize) -> usize {
    let crlf = |i: usize| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n');
    let end = bytes.len().min(at + ASCII_WIDTH);
    for (i, &b) in bytes.iter().enumerate().take(end).skip(at) {
        if crlf(i) {
            return i + 2;
        }
        out.push(printable(b));
    }
    // A CRLF right after a full line belongs to it, not to an empty line of its own.
    if end == at + ASCII_WIDTH && crlf(end) {
        return end + 2;
    }
    end
}

/// A byte as the text column shows it: itself if it is printable ASCII, else `.`.
fn printable(b: u8) -> u8 {
    if (0x20..0x80).contains(&b) {
        b
    } else {
        b'.'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(event: &TraceEvent<'_>, ascii: bool) -> String {
        String::from_utf8(format_event(event, ascii, "")).unwrap()
    }

    #[test]
    fn hex_lines_are_16_bytes_with_the_text_beside_them() {
        let head = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(
            text(&TraceEvent::RequestHead(head), false),
            "=> Send header, 27 bytes (0x1b)\n\
             0000: 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a GET / HTTP/1.1..\n\
             0010: 48 6f 73 74 3a 20 61 0d 0a 0d 0a                Host: a....\n"
        );
    }

    #[test]
    fn ascii_lines_end_at_each_crlf_which_is_left_out() {
        let head = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(
            text(&TraceEvent::RequestHead(head), true),
            "=> Send header, 27 bytes (0x1b)\n\
             0000: GET / HTTP/1.1\n\
             0010: Host: a\n\
             0019: \n"
        );
    }

    #[test]
    fn ascii_lines_are_at_most_64_bytes() {
        let body = [b'x'; 65];
        assert_eq!(
            text(&TraceEvent::ResponseBody(&body), true),
            format!(
                "<= Recv data, 65 bytes (0x41)\n0000: {}\n0040: x\n",
                "x".repeat(64)
            )
        );
        // A CRLF just after a full line ends that line.
        let mut body = vec![b'y'; 64];
        body.extend_from_slice(b"\r\nz");
        assert_eq!(
            text(&TraceEvent::ResponseBody(&body), true),
            format!(
                "<= Recv data, 67 bytes (0x43)\n0000: {}\n0042: z\n",
                "y".repeat(64)
            )
        );
    }

    #[test]
    fn the_response_head_is_dumped_line_by_line() {
        let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
        assert_eq!(
            text(&TraceEvent::ResponseHead(head), true),
            "<= Recv header, 17 bytes (0x11)\n0000: HTTP/1.1 200 OK\n\
             <= Recv header, 6 bytes (0x6)\n0000: A: b\n\
             <= Recv header, 2 bytes (0x2)\n0000: \n"
        );
    }

    #[test]
    fn events_are_info_lines_and_progress_is_left_out() {
        assert_eq!(
            text(&TraceEvent::ConnectionPooled, false),
            "== Info: Connection kept alive for reuse\n"
        );
        let progress = TraceEvent::BodyProgress {
            received: 1,
            total: None,
        };
        assert_eq!(text(&progress, false), "");
    }

    #[test]
    fn tls_records_are_named_then_dumped_as_ssl_data() {
        use plainwire::tls_record::{Direction, HandshakeObserver, RecordReader};
        let bytes = [21u8, 3, 3, 0, 2, 2, 48];
        let mut records = Vec::new();
        RecordReader::new(Direction::ClientToServer).feed(
            &mut HandshakeObserver::new(),
            &bytes,
            |r| records.push(r),
        );
        let mut dump = text(&TraceEvent::TlsRecord(&records[0]), false);
        dump.push_str(&text(
            &TraceEvent::TlsData {
                direction: Direction::ClientToServer,
                bytes: &bytes,
            },
            false,
        ));
        assert_eq!(
            dump,
            format!(
                "== Info: TLSv1.2 (OUT), TLS alert, unknown CA (560):\n\
                 => Send SSL data, 7 bytes (0x7)\n\
                 0000: 15 03 03 00 02 02 30{}......0\n",
                " ".repeat(3 * 9 + 1)
            )
        );
    }

    #[test]
    fn timestamps_come_before_every_title_and_info_line() {
        let dump =
            String::from_utf8(format_event(&TraceEvent::RequestBody(b"a"), false, "T ")).unwrap();
        assert!(dump.starts_with("T => Send data, 1 bytes (0x1)\n0000: 61"));
    }
}
