//! `plainwire [OPTIONS] URL...`: a small curl, on the plainwire library.
//!
//! Bodies go to stdout (or `-o`/`-O` files) byte for byte as the servers sent them, minus the
//! transfer coding; errors go to stderr as one line, `plainwire: (N) message`, and the exit
//! code is N, with curl's numbers. Each file does one job, in the order a run uses them:
//!
//! * `config_file.rs`: curl's config file syntax (`-K`, the default `plainwirerc`);
//! * `args.rs` (with `values.rs`, `form.rs`, `routes.rs`, `tls_options.rs` and `help.rs`): the
//!   command line, into an [`args::Invocation`];
//! * `inputs.rs` (with `body.rs`, `form.rs`, `etag.rs`): `@FILE` values read, bodies, forms
//!   and queries built;
//! * `glob.rs` and `urls.rs`: URL globs expanded, each URL given its query and destination;
//! * `multi.rs`: the transfers, one after another or in parallel, and `-w` after each;
//! * `cookies.rs`: the run's cookie jar, loaded before the first transfer, saved after the last;
//! * `request.rs` (with `retry_policy.rs`, `tls_options.rs`, `base64.rs`): the options, into
//!   agents and requests;
//! * `transfer.rs`: one transfer, start to end (`content_disposition.rs` for `-J`, `resume.rs`
//!   for `-C`, `etag.rs`, `rate_limit.rs` for `--limit-rate`);
//! * `trace_record.rs`: what the library's trace hook says about a transfer (`verbose.rs`: `-v`,
//!   `trace_dump.rs`: `--trace` and `--trace-ascii`);
//! * `output.rs` and `dump_header.rs`: stdout, `-o` files and `-D`;
//! * `progress.rs` and `progress_bar.rs`: the meter and `-#`;
//! * `write_out.rs`: `-w`;
//! * `console.rs`: everything on stderr (`--stderr`, `-s`, `-S`);
//! * `failure.rs`: exit codes and messages.

mod args;
mod base64;
mod body;
mod config_file;
mod console;
mod content_disposition;
mod cookies;
mod dump_header;
mod etag;
mod failure;
mod form;
mod glob;
mod help;
mod inputs;
mod interface;
mod multi;
mod output;
mod progress;
mod progress_bar;
mod rate_limit;
mod request;
mod resume;
mod retry_policy;
mod routes;
mod time_cond;
mod tls_options;
mod trace_dump;
mod trace_record;
mod transfer;
mod urls;
mod values;
mod verbose;
mod write_out;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use args::Command;
use failure::Failure;

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().skip(1).collect();
    let default_config = match args::skips_default_config(argv.first()) {
        true => None,
        false => config_file::default_path(),
    };
    let result = match args::parse(default_config.as_deref(), argv) {
        // -s cannot be known yet, so a command-line mistake is always shown.
        Err(err) => Err(Failure::from_usage(err)),
        Ok(Command::Help) => print(help::HELP),
        Ok(Command::Version) => print(&format!("plainwire {}\n", env!("CARGO_PKG_VERSION"))),
        Ok(Command::Run(invocation)) => multi::run(invocation),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            console::error(&failure);
            ExitCode::from(failure.code)
        }
    }
}

/// Writes `text` to stdout.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::write("stdout", &e))
}
