//! One transfer, start to end: send the request, judge the response, write it out.
//!
//! The order of the checks is curl's: a response that `-f` or `--max-filesize` refuses is
//! refused before a byte of it is written, and before the `-o` file is created.

use std::io::IsTerminal;

use crate::args::Args;
use crate::body::request_body;
use crate::failure::{self, Failure};
use crate::output::{copy_body, is_stdout, Sink};
use crate::progress::Progress;
use crate::request;
use crate::write_out::Stats;

/// Runs the transfer `args` describe, recording in `stats` what `-w` reports.
pub fn run(args: &Args, stats: &mut Stats) -> Result<(), Failure> {
    if args.insecure {
        crate::warn(
            args,
            "--insecure: the server's certificate is not verified; anyone on the network path can read and change this transfer",
        );
    }
    let agent = request::agent(args)?;
    let body = request_body(args)?;

    let mut response = request::build(&agent, args, body)
        .send()
        .map_err(|e| Failure::from_error(&e))?;
    stats.http_code = response.status();
    stats.url_effective = response.url().to_string();

    if let Some(failure) = request::redirect_limit_reached(args, &response) {
        return Err(failure);
    }
    if args.fail && response.status() >= 400 {
        return Err(Failure::new(
            failure::HTTP_ERROR,
            format!(
                "the requested URL returned error: {} {}",
                response.status(),
                response.reason()
            )
            .trim_end(),
        ));
    }
    if let (Some(max), false) = (args.max_filesize, args.head) {
        if let Some(length) = response.content_length().filter(|&length| length > max) {
            return Err(Failure::new(
                failure::FILESIZE_EXCEEDED,
                format!("the body of {length} bytes is larger than --max-filesize ({max} bytes)"),
            ));
        }
        response = response.limit_body(max);
    }

    let mut sink = Sink::open(args.output.as_deref())?;
    if args.include || args.head {
        sink.write(response.headers().raw())?;
    }
    if args.head {
        stats.timings = Some(response.timings());
        return Ok(());
    }
    let to_file = args.output.as_deref().is_some_and(|path| !is_stdout(path));
    let mut progress = (to_file && !args.silent && std::io::stderr().is_terminal())
        .then(|| Progress::new(response.content_length()));
    copy_body(
        &mut response,
        &mut sink,
        &mut stats.size_download,
        progress.as_mut(),
    )?;
    stats.timings = Some(response.timings());
    Ok(())
}
