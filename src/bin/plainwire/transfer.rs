//! One transfer, start to end: send the request, judge the response, write the heads and the
//! body out, and gather what `-w` reports. [`crate::multi`] runs transfers one after another
//! or side by side; this file knows nothing of the others.
//!
//! The order of the checks is curl's: a response that `-f` or `--max-filesize` refuses is
//! refused before a byte of its body is written, and before the `-o` file is created (with
//! `-f -i` its head is still written, as curl 7.88 does). The progress meter shows, as in
//! curl, whenever the body does not go to a terminal, unless `-s` or `--no-progress-meter`.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use plainwire::http1::coding::ContentCoding;
use plainwire::Agent;

use crate::args::{Globals, Operation};
use crate::dump_header::HeaderDump;
use crate::failure::{self, Failure};
use crate::inputs::Prepared;
use crate::output::{copy_body, Sink};
use crate::progress::{Meter, Progress};
use crate::progress_bar::Bar;
use crate::rate_limit::Paced;
use crate::request::TransferInputs;
use crate::resume::{self, Resumed};
use crate::urls::{self, Destination, Planned};
use crate::write_out::Report;
use crate::{content_disposition, etag, request, time_cond, trace_record};

/// What a transfer needs besides its URL.
pub struct Context<'a> {
    /// Its operation's options.
    pub op: &'a Operation,
    /// Its operation's inputs, read.
    pub prepared: &'a Prepared,
    /// The agent its operation uses, or why there is none.
    pub agent: &'a Result<Agent, Failure>,
    /// The global options.
    pub globals: &'a Globals,
    /// `-D`, shared with the operation's other transfers.
    pub header_dump: Option<&'a HeaderDump>,
    /// Whether a progress display may show (not with `-Z`, `-s` or `--no-progress-meter`).
    pub progress: bool,
}

/// `url` without the user name and password it may carry, as a response's URL is: what `-w`'s
/// `url_effective` shows before a response (or when none comes). A URL that does not parse
/// (the transfer fails on it) is shown as an error message would show it
/// ([`crate::urls::shown_in_error`]): not at all when it holds an `@`, since where its user
/// information ends cannot be told.
fn without_credentials(url: &str) -> String {
    plainwire::Url::parse(url).map_or_else(
        |_| crate::urls::shown_in_error(url),
        |url| url.without_credentials().as_str().to_string(),
    )
}

/// Makes the transfer `planned` describes; its result and what `-w` reports.
pub fn run(ctx: &Context<'_>, planned: &Planned) -> (Result<(), Failure>, Report) {
    let op = ctx.op;
    let mut report = Report {
        url: planned.url.clone(),
        url_effective: without_credentials(&planned.fetch),
        method: op.method_for(planned.upload.is_some()).to_string(),
        referer: request::referer(op, ctx.prepared),
        urlnum: planned.urlnum,
        // The file it is planned for, as curl reports it even when no body comes (a refused
        // connection, -f, a complete -C); a -J name replaces it once the file is opened.
        filename_effective: match &planned.destination {
            Ok(Destination::File { path, .. }) => Some(path.display().to_string()),
            _ => None,
        },
        ..Report::default()
    };
    let keep_heads = op.include || op.head || ctx.header_dump.is_some();
    trace_record::begin(keep_heads, ctx.globals.verbose, op.retry.count);
    let mut created = None;
    let started = std::time::Instant::now();
    let result = attempt(ctx, planned, &mut report, &mut created);
    // The whole transfer, failed or not (curl's time_total: "the full operation").
    report.total = started.elapsed();
    let record = trace_record::end();

    report.size_header = record.size_header;
    report.size_upload = record.size_upload;
    report.size_request = record.size_request_heads + record.size_upload;
    if record.heads_dropped {
        crate::console::warn(&format!(
            "response heads past {} MiB were not shown",
            trace_record::MAX_KEPT_HEAD_BYTES >> 20
        ));
    }
    if let Some(method) = record.method {
        report.method = method;
    }
    report.num_connects = record.connects;
    report.num_retries = record.retries;
    report.num_redirects = record.final_responses.saturating_sub(1);
    report.remote = record.remote;
    report.local = record.local;
    if report.last_head.is_none() {
        report.last_head = record.last_head;
    }
    // No response was returned, but redirects may have come before the failure: http_code is
    // the last one's status, as curl reports "the last retrieved" response's.
    if report.response_code == 0 {
        report.response_code = report
            .last_head
            .as_deref()
            .and_then(trace_record::status_of)
            .filter(|&status| status >= 200)
            .unwrap_or(0);
    }
    if let Err(failure) = &result {
        report.exitcode = failure.code;
        report.errormsg = Some(failure.message.clone());
        if let Some(path) = created.filter(|_| op.remove_on_error) {
            remove_partial_file(&path);
        }
    }
    (result, report)
}

/// The transfer itself; `created` names the output file once it exists.
fn attempt(
    ctx: &Context<'_>,
    planned: &Planned,
    report: &mut Report,
    created: &mut Option<PathBuf>,
) -> Result<(), Failure> {
    let op = ctx.op;
    let scheme = urls::scheme_of(&planned.fetch);
    if matches!(scheme.as_str(), "http" | "https") && !op.protocols.allows(&scheme) {
        return Err(Failure::new(
            failure::UNSUPPORTED_PROTOCOL,
            format!("protocol \"{scheme}\" is not allowed by --proto"),
        ));
    }
    let destination = planned.destination.clone()?;
    let agent = ctx.agent.as_ref().map_err(Clone::clone)?;
    if let Some(dump) = ctx.header_dump {
        dump.open()?;
    }
    if op.continue_at.is_some() && planned.upload.is_some() {
        return Err(Failure::usage(
            "-C with -T: resuming an upload is not supported (HTTP has no standard way to do it)",
        ));
    }
    let resume_from = resume::offset(op.continue_at, &destination);
    let mut etag_file = match &op.etag_save {
        Some(path) => Some((etag::open(path, op.create_dirs)?, path)),
        None => None,
    };

    let inputs = TransferInputs {
        upload: planned.upload.as_deref(),
        resume_from,
    };
    let sent = request::send(agent, op, ctx.prepared, &planned.fetch, inputs);
    let heads = trace_record::take_heads();
    if let Some(dump) = ctx.header_dump {
        dump.write(&heads)?;
    }
    let response = match sent {
        Ok(response) => response,
        Err(failure) => {
            // Redirects answered before the failure (a next hop that refuses the connection,
            // the redirect limit): -i shows their heads, as -D does and as curl does.
            if !heads.is_empty() {
                heads_only(ctx, &destination, &heads, created, resume_from > 0)?;
            }
            return Err(failure);
        }
    };
    let status = response.status();
    report.response_code = status;
    report.url_effective = response.url().to_string();
    report.http_version = Some(match response.version() {
        plainwire::Version::Http10 => "1",
        _ => "1.1",
    });
    report.content_type = response.header("content-type").map(str::to_string);
    report.last_head = Some(response.headers().raw().to_vec());
    #[cfg(feature = "tls")]
    {
        report.num_certs = response.tls().map_or(0, |tls| tls.peer_certificates.len());
    }
    report.redirect_url = response.redirect_url().map(|url| url.to_string());

    let redirect_url = report.redirect_url.as_deref();
    if let Some(failure) = request::redirect_limit_reached(op, redirect_url)
        .or_else(|| request::upload_not_sent_again(op, redirect_url))
    {
        return Err(failure);
    }
    // The ETag is saved once the transfer has succeeded: saved from a body cut short, it
    // would make every later --etag-compare take the broken file for current. To stdout
    // (`--etag-save -`) it goes now, before the body, as curl writes it: a script reads it
    // there as it comes, and no later run takes it for the file's.
    let mut tag = response
        .header("etag")
        .filter(|_| etag::saves(status))
        .map(str::to_owned);
    if let (Some((file @ etag::EtagFile::Stdout, path)), Some(early)) = (etag_file.as_mut(), &tag) {
        file.store(early, path)?;
        tag = None;
    }
    deliver(
        ctx,
        &destination,
        response,
        &heads,
        report,
        created,
        resume_from,
    )?;
    if let (Some((file, path)), Some(tag)) = (etag_file.as_mut(), tag) {
        // The output file is whole: a tag that cannot be saved is no reason to remove it.
        created.take();
        file.store(&tag, path)?;
    }
    Ok(())
}

/// The response judged (`-f`, `--max-filesize`, `-C`, `-z`, a 304) and written out to
/// `destination`, heads first when asked; `resume_from` is the offset a `-C` asked from.
fn deliver(
    ctx: &Context<'_>,
    destination: &Destination,
    mut response: plainwire::Response,
    heads: &[Vec<u8>],
    report: &mut Report,
    created: &mut Option<PathBuf>,
    resume_from: u64,
) -> Result<(), Failure> {
    let op = ctx.op;
    let status = response.status();
    // The times as the head came, for every way out; once a body is read, taken again.
    report.timings = Some(response.timings());
    // With -C, the file holds what an earlier transfer got: it is appended to or left alone,
    // never truncated, whatever the answer (curl opens it for appending).
    let resuming = resume_from > 0;
    // A 416 to a resumed GET says the file is complete: no error, even with -f (libcurl).
    let resumed_get = resuming && report.method == "GET";
    let http_error =
        (op.fail || op.fail_with_body) && status >= 400 && !(resumed_get && status == 416);
    let reason = response.reason().to_string();
    let http_failure = || {
        Failure::new(
            failure::HTTP_ERROR,
            format!("the requested URL returned error: {status} {reason}").trim_end(),
        )
    };
    // An error body never lands in a file being resumed: it is no part of the document.
    if http_error && (!op.fail_with_body || resuming) {
        heads_only(ctx, destination, heads, created, resuming)?;
        return Err(http_failure());
    }
    if let (Some(max), false) = (op.max_filesize, op.head) {
        // The Content-Length of a response without a body (HEAD, 204, 304) is no body's.
        let declared = response
            .content_length()
            .filter(|_| !response.body_is_empty());
        if let Some(length) = declared.filter(|&length| length > max) {
            return Err(Failure::new(
                failure::FILESIZE_EXCEEDED,
                format!("the body of {length} bytes is larger than --max-filesize ({max} bytes)"),
            ));
        }
        response = response.limit_body(max);
    }

    // With --compressed, a coding the library did not undo cannot be written as asked.
    if op.compressed && !op.head {
        if let Some(coding) = unknown_coding(&response) {
            return Err(Failure::new(
                failure::BAD_CONTENT_ENCODING,
                format!("Unrecognized content encoding type: {coding:?} (plainwire decodes gzip and deflate)"),
            ));
        }
    }
    // Whatever the method, a resumed transfer's answer is judged before anything is written:
    // only the rest of the document (a 206 from the right offset) is appended to the file.
    let append = match resuming && !http_error && !op.head {
        false => false,
        true => match resume::judge(
            resume_from,
            status,
            response.content_range(),
            response.content_length(),
        ) {
            Resumed::Append => true,
            Resumed::Complete => return Ok(()),
            Resumed::Refused => {
                return Err(Failure::new(
                    failure::RANGE_ERROR,
                    "HTTP server does not seem to support byte ranges. Cannot resume.",
                ))
            }
        },
    };

    // A 304, whatever asked for it (-z, --etag-compare, a caller's If-None-Match), or with -z
    // a document whose Last-Modified does not meet the condition, is no news: no body, and the
    // output file is left as it is (libcurl's "condition unmet"; curl's test 1566).
    let last_modified = response
        .header("last-modified")
        .and_then(time_cond::last_modified);
    let unmet = ctx
        .prepared
        .time_condition
        .as_ref()
        .is_some_and(|condition| {
            (200..300).contains(&status)
                && op.range.is_none()
                && last_modified.is_some_and(|time| !condition.met_by(time))
        });
    if status == 304 || unmet {
        heads_only(ctx, destination, heads, created, resuming)?;
        return Ok(());
    }

    let suggested = response
        .header("content-disposition")
        .and_then(content_disposition::filename);
    // Resuming, only the heads of -I reach here without a judged 206: appended too.
    let mut sink = open(ctx, destination, suggested, created, append || resuming)?;
    report.filename_effective = sink.path().map(|p| p.display().to_string());
    if op.include || op.head {
        write_heads(&mut sink, heads)?;
    }
    if op.head {
        return if http_error {
            Err(http_failure())
        } else {
            Ok(())
        };
    }
    let progress = progress(ctx, destination, response.content_length());
    // A resumed part whose length only its Content-Range says is written up to that length.
    let part = append.then(|| resume::unframed_part(&response)).flatten();
    let mut body = (&mut response).take(part.unwrap_or(u64::MAX));
    let copied = match op.limit_rate {
        Some(rate) => copy_body(
            &mut Paced::new(&mut body, rate),
            &mut sink,
            &mut report.size_download,
            progress,
        ),
        None => copy_body(&mut body, &mut sink, &mut report.size_download, progress),
    };
    report.timings = Some(response.timings());
    copied?;
    if let Some(part) = part {
        resume::check_part(part, report.size_download, &mut response)?;
    }
    if http_error {
        return Err(http_failure());
    }
    // -R: the file takes the document's time, once it is written and closed.
    if let (true, Some(path), Some(time)) = (op.remote_time, sink.path(), last_modified) {
        let path = path.to_path_buf();
        drop(sink);
        time_cond::set_file_time(&path, time);
    }
    Ok(())
}

/// The content codings of a response that the library left as it came, if any: one it cannot
/// undo (`br`, `zstd`, ...), or more than one (the library's rule,
/// `ContentCoding::from_values`). `identity` and none are no coding.
fn unknown_coding(response: &plainwire::Response) -> Option<String> {
    let values = response.headers().get_all_bytes("content-encoding");
    ContentCoding::from_values(values)
        .is_none()
        .then(|| response.headers_all("content-encoding").join(", "))
}

/// Opens the destination: stdout, or the file (with `-J`, named as the server suggests, in
/// `--output-dir`, never replacing a file; appended to when `append`, for `-C`). Records a
/// created file in `created`.
fn open(
    ctx: &Context<'_>,
    destination: &Destination,
    suggested: Option<String>,
    created: &mut Option<PathBuf>,
    append: bool,
) -> Result<Sink, Failure> {
    match destination {
        Destination::Stdout { explicit } => Ok(Sink::stdout(*explicit)),
        Destination::File {
            path,
            from_header,
            dir,
        } => {
            let (path, exclusive) = match suggested.filter(|_| *from_header) {
                Some(name) => (urls::in_dir(dir.as_ref(), PathBuf::from(name)), true),
                None => (path.clone(), false),
            };
            let sink = match append {
                true => Sink::append(&path, ctx.op.create_dirs)?,
                false => Sink::file(&path, ctx.op.create_dirs, exclusive)?,
            };
            *created = Some(path);
            Ok(sink)
        }
    }
}

/// `--remove-on-error`: deletes the output file, if it is a regular file (never `/dev/null` or
/// a pipe, as curl documents).
fn remove_partial_file(path: &Path) {
    let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
    if regular {
        // Nothing more to do if it cannot be removed: the transfer's failure is reported.
        let _ = std::fs::remove_file(path);
    }
}

/// With `-i` or `-I`, the heads alone written to the destination: a transfer that ends
/// before its body (`-f`, a 304, a failure after redirects).
fn heads_only(
    ctx: &Context<'_>,
    destination: &Destination,
    heads: &[Vec<u8>],
    created: &mut Option<PathBuf>,
    append: bool,
) -> Result<(), Failure> {
    if ctx.op.include || ctx.op.head {
        let mut sink = open(ctx, destination, None, created, append)?;
        write_heads(&mut sink, heads)?;
    }
    Ok(())
}

/// Writes the response heads (`-i`, `-I`).
fn write_heads(sink: &mut Sink, heads: &[Vec<u8>]) -> Result<(), Failure> {
    for head in heads {
        sink.write(head)?;
    }
    Ok(())
}

/// The progress display for this body, if one should show: not when the body goes to a
/// terminal (curl's rule), and not with `-s`, `--no-progress-meter` or `-Z`.
fn progress(
    ctx: &Context<'_>,
    destination: &Destination,
    total: Option<u64>,
) -> Option<Box<dyn Progress>> {
    let to_terminal = match destination {
        Destination::Stdout { .. } => std::io::stdout().is_terminal(),
        Destination::File { path, .. } => is_terminal_device(path),
    };
    if !ctx.progress || to_terminal || crate::console::silent() {
        return None;
    }
    Some(if ctx.globals.progress_bar {
        let columns = std::env::var("COLUMNS").ok();
        Box::new(Bar::new(total, columns.as_deref()))
    } else {
        Box::new(Meter::new(total))
    })
}

/// `-o /dev/tty` is a terminal too.
fn is_terminal_device(path: &Path) -> bool {
    path == Path::new("/dev/tty")
}
