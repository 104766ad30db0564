//! A request body: where its bytes come from ([`SendBody`], [`Stream`]), how it is delimited
//! on the wire ([`framing`]: Content-Length or chunked), and whether it asks for `100 Continue`
//! first ([`expects_continue`]). The decisions are pure; writing the bytes is the exchange's.
//!
//! The framing honours the caller: a request's own `Content-Length` must agree with a body
//! whose length is known, and gives a length to a stream that has none; a request's own
//! `Transfer-Encoding: chunked` sends any body chunked. Any other transfer coding is refused,
//! since we would not apply it. Whatever is decided goes out as our own field, so that the
//! head and the body can never disagree (the way request smuggling begins).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use std::time::Duration;

use crate::client::default_headers::caller_values;
use crate::client::settings::LowSpeed;
use crate::defaults::BUFFERED_MIN_SPEED;
use crate::error::{Error, ErrorKind, Result};
use crate::expect_continue::ExpectContinue;
use crate::http1::framing::{parse_content_length, LengthProblem};
use crate::http1::headers::list_has_token;
use crate::upload_file;

/// A request body.
pub(crate) enum SendBody {
    /// No body.
    Empty,
    /// Bytes known in advance: sent with Content-Length, and sent again after a 307 or 308 or
    /// on a retry.
    Bytes(Vec<u8>),
    /// Bytes read as they are sent: the caller's reader, a file, a multipart form.
    Stream(Stream),
}

impl SendBody {
    /// Whether the body can be sent a second time (after a redirect, or on a retry).
    pub(crate) fn is_replayable(&self) -> bool {
        match self {
            SendBody::Empty | SendBody::Bytes(_) => true,
            SendBody::Stream(stream) => stream.is_replayable(),
        }
    }

    /// The body's length when it is known before it is read.
    pub(crate) fn known_length(&self) -> Option<u64> {
        match self {
            SendBody::Empty => Some(0),
            SendBody::Bytes(bytes) => Some(bytes.len() as u64),
            SendBody::Stream(stream) => stream.length,
        }
    }
}

/// How long sending `body` may take in all, if it is held to a minimum speed: one period plus
/// its length at that speed. The write timeout bounds each silence, but a server that takes a
/// few bytes now and then stays under it; this bounds the whole upload.
///
/// The speed and period are the call's low-speed limit when it has one (curl's
/// `--speed-limit`, which holds uploads too), for any body of known length. Without one, a
/// body whose bytes are ours to send at once (bytes, a file, a form) is held to
/// [`BUFFERED_MIN_SPEED`] over the write timeout, the floor a body read into memory is held to;
/// a caller's reader or opener is not, since the reader itself may rightly be slow (a pipe, a
/// recording, a reader paced by the caller, as the CLI's `--limit-rate`). `None`: no such bound (an unknown length, an empty body, no write timeout).
pub(crate) fn upload_time(
    body: &SendBody,
    low_speed: Option<LowSpeed>,
    write_timeout: Option<Duration>,
) -> Option<Duration> {
    let length = body.known_length().filter(|&length| length > 0)?;
    let ours = match body {
        SendBody::Empty => false,
        SendBody::Bytes(_) => true,
        SendBody::Stream(stream) => stream.ours,
    };
    let (bytes_per_second, period) = match (low_speed, write_timeout) {
        // As in the download: such a limit bounds nothing, and replaces the floor.
        (Some(limit), _) if limit.bounds_nothing() => return None,
        (Some(limit), _) => (limit.bytes_per_second, limit.period),
        (None, Some(period)) if ours => (BUFFERED_MIN_SPEED, period),
        (None, _) => return None,
    };
    let at_speed = u128::from(length) * 1000 / u128::from(bytes_per_second.max(1));
    let at_speed = Duration::from_millis(u64::try_from(at_speed).unwrap_or(u64::MAX));
    Some(period.saturating_add(at_speed))
}

/// A body read as it is sent, with the length its source promised, if any.
pub(crate) struct Stream {
    length: Option<u64>,
    source: Source,
    /// Whether the bytes are ours to send at once (a file, a form of files and bytes), not a
    /// caller's reader or opener, which may rightly be slow (see [`upload_time`]).
    ours: bool,
}

/// Where a stream's bytes come from.
enum Source {
    /// A reader that can be read once; `started` once its first byte has been asked for.
    Once {
        reader: Box<dyn Read + Send>,
        started: bool,
    },
    /// Opens a fresh reader for each try: a regular file, a form of files and bytes.
    Reopen(Box<Opener>),
}

/// Makes a fresh reader over the same bytes.
pub(crate) type Opener = dyn Fn() -> Result<Box<dyn Read + Send>> + Send;

impl Stream {
    /// The caller's reader, read once; `length` is what it promised, if anything.
    pub(crate) fn once(reader: Box<dyn Read + Send>, length: Option<u64>) -> Stream {
        Stream {
            length,
            source: Source::Once {
                reader,
                started: false,
            },
            ours: false,
        }
    }

    /// A caller's source that `open` can read again from the start as often as needed
    /// ([`RequestBuilder::body_reopen`](crate::RequestBuilder::body_reopen)): its readers may be
    /// slow on purpose (paced, say), as a caller's reader may.
    pub(crate) fn reopen(open: Box<Opener>, length: Option<u64>) -> Stream {
        Stream {
            length,
            source: Source::Reopen(open),
            ours: false,
        }
    }

    /// A source of ours that `open` reads again from the start (a file, a form of files and
    /// bytes): its bytes are there to send at once.
    pub(crate) fn reopen_ours(open: Box<Opener>, length: Option<u64>) -> Stream {
        Stream {
            ours: true,
            ..Stream::reopen(open, length)
        }
    }

    /// The file at `path`, streamed. A regular file is opened now (so that a missing or
    /// unreadable one fails before any connection), takes its length from its metadata, and
    /// is opened again for each try, so it can be sent again. Anything else (a pipe,
    /// `/dev/stdin`) is opened when the body is sent, read to its end once, and goes chunked.
    pub(crate) fn file(path: &Path) -> Result<Stream> {
        let Some(length) = upload_file::check(path)? else {
            // Opening a named pipe blocks until a writer comes: not now, but when it is read.
            let path = path.to_path_buf();
            return Ok(Stream::once(Box::new(OpenWhenRead::Closed(path)), None));
        };
        let path = path.to_path_buf();
        let open =
            move || -> Result<Box<dyn Read + Send>> { Ok(Box::new(upload_file::open(&path)?)) };
        Ok(Stream::reopen_ours(Box::new(open), Some(length)))
    }

    /// The length the source promised, if any.
    pub(crate) fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether the stream can be sent (again): a source that reopens can; a reader can until
    /// its first byte has been asked for.
    pub(crate) fn is_replayable(&self) -> bool {
        match &self.source {
            Source::Once { started, .. } => !started,
            Source::Reopen(_) => true,
        }
    }

    /// Undoes what [`reader`](Stream::reader) marked, for a reader that gave nothing: it can
    /// be sent (again) as before, since nothing was taken from it.
    pub(crate) fn unmark_started(&mut self) {
        if let Source::Once { started, .. } = &mut self.source {
            *started = false;
        }
    }

    /// The reader for this try, from the start of the body. A reader that can be read once
    /// is marked as started.
    pub(crate) fn reader(&mut self) -> Result<Box<dyn Read + Send + '_>> {
        match &mut self.source {
            Source::Once { reader, started } => {
                *started = true;
                Ok(Box::new(reader))
            }
            Source::Reopen(open) => open(),
        }
    }
}

/// A file that is opened on the first read.
enum OpenWhenRead {
    Closed(PathBuf),
    Open(File),
}

impl Read for OpenWhenRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let OpenWhenRead::Closed(path) = self {
            let file = upload_file::open(path).map_err(io::Error::other)?;
            *self = OpenWhenRead::Open(file);
        }
        match self {
            OpenWhenRead::Open(file) => file.read(buf),
            OpenWhenRead::Closed(_) => Ok(0),
        }
    }
}

/// How a request's body is delimited on the wire (RFC 9112 section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// No body and no field about one (a GET without a body).
    None,
    /// `Content-Length: n`, and exactly n bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// How `body`, sent with `method` and the request's own `headers`, is framed:
///
/// 1. The request's `Transfer-Encoding`, if any, must be `chunked` (we apply no other coding),
///    and cannot come with a `Content-Length` (RFC 9112 section 6.2): the body goes chunked.
/// 2. The request's `Content-Length`, if any, must be one decimal number (RFC 9110 section
///    8.6), equal to the body's length when that is known: a stream of unknown length takes
///    it, and must then yield exactly that many bytes.
/// 3. Otherwise a body of known length is sent with its Content-Length, a stream of unknown
///    length chunked, and no body as `Content-Length: 0` for the methods that expect one.
///
/// Fails with [`ErrorKind::InvalidRequest`] before any connection is made.
pub(crate) fn framing(
    method: &str,
    body: &SendBody,
    headers: &[(String, String)],
) -> Result<Framing> {
    let invalid = |message: String| Error::new(ErrorKind::InvalidRequest, message);
    let values = |name: &'static str| {
        headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, value)| value.split(','))
            .map(|item| item.trim_matches([' ', '\t']))
    };
    let known = body.known_length();

    let mut codings = values("transfer-encoding").peekable();
    if codings.peek().is_some() {
        if let Some(coding) = codings.find(|c| !c.eq_ignore_ascii_case("chunked")) {
            return Err(invalid(format!(
                "Transfer-Encoding: {coding} is refused: plainwire applies no transfer coding \
                 but chunked"
            )));
        }
        if values("content-length").next().is_some() {
            return Err(invalid(
                "a request cannot have both Content-Length and Transfer-Encoding \
                 (RFC 9112 section 6.2)"
                    .to_string(),
            ));
        }
        return Ok(Framing::Chunked);
    }

    let content_length = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.as_bytes());
    let declared = parse_content_length(content_length).map_err(|problem| match problem {
        // The item is a piece of a `str` cut at a comma and at spaces and tabs, so it is
        // whole UTF-8 and printed as it was given.
        LengthProblem::NotANumber { item, .. } => invalid(format!(
            "Content-Length: {:?} is not a number of bytes",
            String::from_utf8_lossy(item)
        )),
        LengthProblem::Conflict(earlier, length) => invalid(format!(
            "the request has two Content-Length values, {earlier} and {length}"
        )),
    })?;
    match (declared, known) {
        (Some(declared), Some(known)) if declared != known => Err(invalid(format!(
            "the request's Content-Length says {declared} bytes, but its body has {known}"
        ))),
        (Some(length), _) => Ok(Framing::Length(length)),
        (None, Some(0)) if matches!(body, SendBody::Empty) => {
            Ok(if matches!(method, "POST" | "PUT" | "PATCH") {
                Framing::Length(0)
            } else {
                Framing::None
            })
        }
        (None, Some(length)) => Ok(Framing::Length(length)),
        (None, None) => Ok(Framing::Chunked),
    }
}

/// Whether to wait for `100 Continue` before sending the body, and whether the `Expect` field
/// is ours to add (the request's own, or its agent's default, is sent as given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expect {
    pub(crate) wait: bool,
    pub(crate) add_field: bool,
}

/// Applies `rule` to a body framed as `framing`, unless a header field (the request's own,
/// else an agent default) already says: `Expect: 100-continue` waits whatever the size, any
/// other value waits for nothing. A request without a body never waits.
pub(crate) fn expects_continue(
    rule: ExpectContinue,
    body: &SendBody,
    framing: Framing,
    headers: &[(String, String)],
    default_headers: &[(String, String)],
) -> Expect {
    let length = match framing {
        Framing::Length(length) => Some(length),
        Framing::None => Some(0),
        Framing::Chunked => body.known_length(),
    };
    let has_body = !matches!(body, SendBody::Empty) && length != Some(0);
    let asks = caller_values(default_headers, headers, "expect")
        .map(|value| list_has_token(value.as_bytes(), "100-continue"))
        .reduce(|a, b| a || b);
    match asks {
        Some(asks) => Expect {
            wait: asks && has_body,
            add_field: false,
        },
        None => {
            let wait = has_body && rule.applies_to(length);
            Expect {
                wait,
                add_field: wait,
            }
        }
    }
}

/// A source held to the length it promised: it yields exactly `length` bytes, and a read fails
/// if the source ends sooner or has more. "More" is found by reading one byte past the end,
/// which is never sent, before the last bytes are handed over: so a source that is too long
/// fails with the body one piece short, and the server never sees a complete request.
pub(crate) struct ExactLength<R> {
    inner: R,
    length: u64,
    read: u64,
    /// Whether the source was seen to end at the length.
    ended: bool,
}

impl<R: Read> ExactLength<R> {
    pub(crate) fn new(inner: R, length: u64) -> ExactLength<R> {
        ExactLength {
            inner,
            length,
            read: 0,
            ended: false,
        }
    }

    /// Checks that the source has nothing beyond the length.
    fn check_end(&mut self) -> io::Result<()> {
        let mut probe = [0u8; 1];
        loop {
            match self.inner.read(&mut probe) {
                Ok(0) => {
                    self.ended = true;
                    return Ok(());
                }
                Ok(_) => {
                    let message = match self.length {
                        0 => "the request body has bytes, though it declared a length of 0; \
                              none of them was sent"
                            .to_string(),
                        length => format!(
                            "the request body has more than the {length} bytes it declared \
                             (Content-Length); its last bytes were held back, so the \
                             server got an incomplete request"
                        ),
                    };
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        Error::new(ErrorKind::Io, message),
                    ));
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }
}

impl<R: Read> Read for ExactLength<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let (length, read) = (self.length, self.read);
        let remaining = length - read;
        if remaining == 0 {
            if !self.ended {
                self.check_end()?;
            }
            return Ok(0);
        }
        let want = usize::try_from(remaining).map_or(buf.len(), |r| r.min(buf.len()));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                Error::new(
                    ErrorKind::Io,
                    format!(
                        "the request body ended after {read} of the {length} bytes it declared \
                         (Content-Length): {remaining} bytes missing"
                    ),
                ),
            ));
        }
        if n as u64 == remaining {
            self.check_end()?;
        }
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_of_ours_is_held_to_the_floor_over_the_write_timeout() {
        let minute = Some(Duration::from_secs(60));
        let body = SendBody::Bytes(vec![0; 10 * 1024 * 1024]);
        // 10 MiB at 1 KiB/s, plus one period.
        assert_eq!(
            upload_time(&body, None, minute),
            Some(Duration::from_secs(60 + 10 * 1024))
        );
        let open = || Box::new(|| Ok(Box::new(io::empty()) as Box<dyn Read + Send>));
        let file = SendBody::Stream(Stream::reopen_ours(open(), Some(2048)));
        assert_eq!(
            upload_time(&file, None, minute),
            Some(Duration::from_secs(62))
        );
        // A caller's opener is the caller's reader again and again: it may be slow on purpose
        // (the CLI's --limit-rate), so the floor is not ours to impose.
        let callers = SendBody::Stream(Stream::reopen(open(), Some(2048)));
        assert_eq!(upload_time(&callers, None, minute), None);
        assert_eq!(
            upload_time(&body, None, None),
            None,
            "no write timeout, no floor"
        );
        assert_eq!(upload_time(&SendBody::Empty, None, minute), None);
    }

    #[test]
    fn a_callers_reader_is_held_only_to_a_low_speed_limit_it_was_given() {
        let minute = Some(Duration::from_secs(60));
        let reader = || SendBody::Stream(Stream::once(Box::new(io::empty()), Some(4096)));
        assert_eq!(upload_time(&reader(), None, minute), None);
        let limit = LowSpeed {
            bytes_per_second: 2048,
            period: Duration::from_secs(5),
        };
        assert_eq!(
            upload_time(&reader(), Some(limit), minute),
            Some(Duration::from_secs(7))
        );
        let instant = LowSpeed {
            bytes_per_second: 2048,
            period: Duration::ZERO,
        };
        assert_eq!(upload_time(&reader(), Some(instant), minute), None);
        let nothing = LowSpeed {
            bytes_per_second: 0,
            period: Duration::from_secs(5),
        };
        assert_eq!(upload_time(&reader(), Some(nothing), minute), None);
        // Ours (bytes), which without a limit is held to the floor: such a limit replaces it.
        let bytes = SendBody::Bytes(vec![0; 4096]);
        assert!(upload_time(&bytes, None, minute).is_some());
        assert_eq!(upload_time(&bytes, Some(nothing), minute), None);
        let unknown = SendBody::Stream(Stream::once(Box::new(io::empty()), None));
        assert_eq!(
            upload_time(&unknown, Some(limit), minute),
            None,
            "length unknown"
        );
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn stream(length: Option<u64>) -> SendBody {
        SendBody::Stream(Stream::once(Box::new(io::empty()), length))
    }

    fn frame(method: &str, body: &SendBody, headers: &[(&str, &str)]) -> Result<Framing> {
        framing(method, body, &fields(headers))
    }

    #[test]
    fn a_body_of_known_length_has_a_content_length() {
        let body = SendBody::Bytes(b"hello".to_vec());
        assert_eq!(frame("POST", &body, &[]).unwrap(), Framing::Length(5));
        assert_eq!(
            frame("PUT", &stream(Some(7)), &[]).unwrap(),
            Framing::Length(7)
        );
    }

    #[test]
    fn a_stream_of_unknown_length_goes_chunked() {
        assert_eq!(frame("POST", &stream(None), &[]).unwrap(), Framing::Chunked);
    }

    #[test]
    fn no_body_says_zero_only_where_a_body_is_expected() {
        assert_eq!(
            frame("POST", &SendBody::Empty, &[]).unwrap(),
            Framing::Length(0)
        );
        assert_eq!(frame("GET", &SendBody::Empty, &[]).unwrap(), Framing::None);
    }

    #[test]
    fn the_callers_content_length_sizes_a_stream() {
        let framing = frame("PUT", &stream(None), &[("content-length", "1234")]).unwrap();
        assert_eq!(framing, Framing::Length(1234));
    }

    #[test]
    fn the_callers_content_length_must_agree_with_a_known_length() {
        let body = SendBody::Bytes(b"hello".to_vec());
        assert_eq!(
            frame("POST", &body, &[("Content-Length", "5")]).unwrap(),
            Framing::Length(5)
        );
        let err = frame("POST", &body, &[("Content-Length", "6")]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(
            err.to_string().contains("says 6 bytes, but its body has 5"),
            "{err}"
        );
        let err = frame("PUT", &stream(Some(3)), &[("Content-Length", "4")]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        let err = frame("POST", &SendBody::Empty, &[("Content-Length", "4")]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }

    #[test]
    fn the_callers_content_length_zero_is_sent_even_on_a_get() {
        let framing = frame("GET", &SendBody::Empty, &[("Content-Length", "0")]).unwrap();
        assert_eq!(framing, Framing::Length(0));
    }

    #[test]
    fn a_content_length_is_one_decimal_number() {
        for bad in ["", "-1", "+5", "0x10", "1.0", "5 5", "18446744073709551616"] {
            let err = frame("PUT", &stream(None), &[("Content-Length", bad)]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        }
        // A repeated value is one value (RFC 9110 section 8.6); two values are a conflict.
        assert_eq!(
            frame("PUT", &stream(None), &[("Content-Length", "5, 5")]).unwrap(),
            Framing::Length(5)
        );
        let err = frame(
            "PUT",
            &stream(None),
            &[("Content-Length", "5"), ("Content-Length", "6")],
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }

    #[test]
    fn a_bad_content_length_is_worded_for_a_request() {
        let message = |value: &str| {
            frame("PUT", &stream(None), &[("Content-Length", value)])
                .unwrap_err()
                .message()
                .to_string()
        };
        assert_eq!(
            message("5, x\u{e9} "),
            "Content-Length: \"x\u{e9}\" is not a number of bytes"
        );
        assert_eq!(
            message("5,\u{c}"),
            "Content-Length: \"\\u{c}\" is not a number of bytes"
        );
        assert_eq!(
            message("5, 6"),
            "the request has two Content-Length values, 5 and 6"
        );
    }

    #[test]
    fn the_callers_chunked_sends_any_body_chunked() {
        let body = SendBody::Bytes(b"hello".to_vec());
        let te = [("Transfer-Encoding", "chunked")];
        assert_eq!(frame("POST", &body, &te).unwrap(), Framing::Chunked);
        assert_eq!(
            frame("PUT", &stream(Some(3)), &te).unwrap(),
            Framing::Chunked
        );
    }

    #[test]
    fn another_transfer_coding_is_refused() {
        let body = SendBody::Bytes(b"hello".to_vec());
        for coding in ["gzip", "gzip, chunked", "identity"] {
            let err = frame("POST", &body, &[("Transfer-Encoding", coding)]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{coding}");
        }
    }

    #[test]
    fn chunked_and_a_content_length_together_are_refused() {
        let err = frame(
            "POST",
            &stream(None),
            &[("Transfer-Encoding", "chunked"), ("Content-Length", "5")],
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("RFC 9112"), "{err}");
    }

    fn expect(rule: ExpectContinue, body: &SendBody, headers: &[(&str, &str)]) -> Expect {
        let headers = fields(headers);
        let framing = framing("POST", body, &headers).unwrap();
        expects_continue(rule, body, framing, &headers, &[])
    }

    const OURS: Expect = Expect {
        wait: true,
        add_field: true,
    };
    const NO: Expect = Expect {
        wait: false,
        add_field: false,
    };

    #[test]
    fn curls_rule_asks_for_large_bodies_and_unknown_lengths() {
        let rule = ExpectContinue::default();
        let mib = 1 << 20;
        assert_eq!(expect(rule, &SendBody::Bytes(vec![0; mib]), &[]), NO);
        assert_eq!(expect(rule, &SendBody::Bytes(vec![0; mib + 1]), &[]), OURS);
        assert_eq!(expect(rule, &stream(Some(mib as u64 + 1)), &[]), OURS);
        assert_eq!(expect(rule, &stream(Some(10)), &[]), NO);
        assert_eq!(expect(rule, &stream(None), &[]), OURS);
        // A stream sized by the caller's Content-Length is judged by that length.
        assert_eq!(expect(rule, &stream(None), &[("Content-Length", "10")]), NO);
    }

    #[test]
    fn an_empty_body_never_asks() {
        assert_eq!(expect(ExpectContinue::Always, &SendBody::Empty, &[]), NO);
        assert_eq!(expect(ExpectContinue::Always, &stream(Some(0)), &[]), NO);
        let asks = [("Expect", "100-continue")];
        assert_eq!(expect(ExpectContinue::Always, &SendBody::Empty, &asks), NO);
    }

    #[test]
    fn never_and_always_mean_what_they_say() {
        let small = SendBody::Bytes(b"x".to_vec());
        assert_eq!(expect(ExpectContinue::Always, &small, &[]), OURS);
        assert_eq!(expect(ExpectContinue::Never, &stream(None), &[]), NO);
    }

    #[test]
    fn the_callers_expect_field_wins() {
        let small = SendBody::Bytes(b"x".to_vec());
        let asks = [("Expect", "100-Continue")];
        let waits_for_theirs = Expect {
            wait: true,
            add_field: false,
        };
        assert_eq!(
            expect(ExpectContinue::Never, &small, &asks),
            waits_for_theirs
        );
        let other = [("Expect", "something-else")];
        assert_eq!(expect(ExpectContinue::Always, &stream(None), &other), NO);
    }

    #[test]
    fn an_agent_default_expect_counts_when_the_request_has_none() {
        let body = stream(None);
        let defaults = fields(&[("Expect", "nothing")]);
        let framing = framing("POST", &body, &[]).unwrap();
        let got = expects_continue(ExpectContinue::Always, &body, framing, &[], &defaults);
        assert_eq!(got, NO);
    }

    fn read_all(reader: impl Read) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut reader = reader;
        reader.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn an_exact_source_reads_through() {
        let got = read_all(ExactLength::new(&b"hello"[..], 5)).unwrap();
        assert_eq!(got, b"hello");
    }

    #[test]
    fn a_short_source_is_an_error_that_says_how_much_is_missing() {
        let err = read_all(ExactLength::new(&b"hel"[..], 5)).unwrap_err();
        let err = Error::from_io(err, "reading");
        assert_eq!(err.kind(), ErrorKind::Io);
        assert!(err.to_string().contains("after 3 of the 5 bytes"), "{err}");
        assert!(err.to_string().contains("2 bytes missing"), "{err}");
    }

    #[test]
    fn a_long_source_is_an_error_found_by_one_byte() {
        struct Counted<'a>(&'a [u8], usize);
        impl Read for Counted<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.read(buf)?;
                self.1 += n;
                Ok(n)
            }
        }
        let mut source = Counted(b"hello, world", 0);
        let mut exact = ExactLength::new(&mut source, 5);
        let mut out = Vec::new();
        let err = exact.read_to_end(&mut out).unwrap_err();
        // The last piece was held back: what was handed over is short of the length.
        assert!(out.len() < 5, "{out:?}");
        let err = Error::from_io(err, "reading");
        assert!(err.to_string().contains("more than the 5 bytes"), "{err}");
        assert_eq!(source.1, 6, "read more than one byte past the end");
    }

    #[test]
    fn a_source_of_length_zero_is_checked_too() {
        assert_eq!(read_all(ExactLength::new(&b""[..], 0)).unwrap(), b"");
        assert!(read_all(ExactLength::new(&b"x"[..], 0)).is_err());
    }

    #[test]
    fn a_reader_is_replayable_until_read() {
        let mut stream = Stream::once(Box::new(&b"abc"[..]), Some(3));
        assert!(stream.is_replayable());
        let _ = stream.reader().unwrap();
        assert!(!stream.is_replayable());
    }

    #[test]
    fn a_reopened_source_starts_again_each_time() {
        let open = || -> Result<Box<dyn Read + Send>> { Ok(Box::new(&b"abc"[..])) };
        let mut stream = Stream::reopen(Box::new(open), Some(3));
        for _ in 0..2 {
            assert_eq!(read_all(stream.reader().unwrap()).unwrap(), b"abc");
            assert!(stream.is_replayable());
        }
    }
}
