//! `plainwire [OPTIONS] URL`: a small curl, on the plainwire library.
//!
//! The body goes to stdout (or `-o FILE`) byte for byte as the server sent it, minus the
//! transfer coding; errors go to stderr as one line, `plainwire: (N) message`, and the exit
//! code is N, with curl's numbers. Each file does one job:
//!
//! * `args.rs`: the command line, into [`args::Args`];
//! * `request.rs`: the flags, into an agent and a request;
//! * `body.rs`: the request body (`-d`, `--json`), from files or stdin;
//! * `transfer.rs`: one transfer, start to end;
//! * `output.rs`: stdout or the `-o` file, and the streaming copy;
//! * `progress.rs`: the progress meter for `-o`;
//! * `verbose.rs`: the `-v` lines;
//! * `write_out.rs`: `-w`;
//! * `failure.rs`: exit codes and messages.

mod args;
mod body;
mod failure;
mod output;
mod progress;
mod request;
mod transfer;
mod verbose;
mod write_out;

use std::io::Write;
use std::process::ExitCode;

use args::{Args, Command};
use failure::Failure;
use write_out::Stats;

fn main() -> ExitCode {
    let command = match args::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        // -s cannot be known yet, so a command-line mistake is always shown.
        Err(err) => return exit(Err(Failure::usage(err.to_string())), true),
    };
    match command {
        Command::Help => exit(print(args::HELP), true),
        Command::Version => exit(
            print(&format!("plainwire {}\n", env!("CARGO_PKG_VERSION"))),
            true,
        ),
        Command::Run(args) => {
            let show_errors = !args.silent || args.show_error;
            exit(run(&args), show_errors)
        }
    }
}

/// A run with the parsed arguments: the transfer, then `-w`.
fn run(args: &Args) -> Result<(), Failure> {
    let mut stats = Stats {
        url_effective: args.url.clone(),
        ..Stats::default()
    };
    let result = transfer::run(args, &mut stats);
    let Some(format) = &args.write_out else {
        return result;
    };
    // -w reports on failed transfers too; the transfer's own failure comes first.
    if let Err(failure) = &result {
        report(failure, !args.silent || args.show_error);
    }
    let (text, unknown) = write_out::render(format, &stats);
    for name in unknown {
        warn(args, &format!("unknown --write-out variable: '{name}'"));
    }
    let written = print(&text);
    match result {
        Err(mut failure) => {
            failure.quiet = true; // already reported
            Err(failure)
        }
        Ok(()) => written,
    }
}

/// Writes `text` to stdout.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::write("stdout", &e))
}

/// The exit code for `result`, after printing its failure if `show` allows.
fn exit(result: Result<(), Failure>, show: bool) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            report(&failure, show);
            ExitCode::from(failure.code)
        }
    }
}

/// `plainwire: (N) message` on stderr, unless silenced.
fn report(failure: &Failure, show: bool) {
    if show && !failure.quiet {
        let _ = writeln!(
            std::io::stderr(),
            "plainwire: ({}) {}",
            failure.code,
            failure.message
        );
    }
}

/// `plainwire: warning: message` on stderr, unless `-s`.
pub fn warn(args: &Args, message: &str) {
    if !args.silent {
        let _ = writeln!(std::io::stderr(), "plainwire: warning: {message}");
    }
}
