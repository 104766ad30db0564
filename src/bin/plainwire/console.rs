//! Everything the tool writes to stderr: errors, warnings, `-v` lines, the progress meter.
//! It sends them where `--stderr` says, applies `-s`/`-S`, and keeps lines whole: a meter
//! line, drawn in place with `\r`, is ended before any other text is written, so that a `-v`
//! line or an error never glues onto it. It does not decide what to say.
//!
//! One lock guards the destination, so lines from parallel transfers never interleave
//! mid-line. With `--stderr -` the console writes to stdout with that lock held, so whoever
//! needs both takes the console first ([`hold`]), then stdout's lock: in the other order, two
//! threads could each wait on the other's.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use crate::failure::Failure;

/// Where stderr's text goes.
enum Target {
    Stderr,
    /// `--stderr -`.
    Stdout,
    /// `--stderr FILE`.
    File(File),
}

struct Console {
    target: Target,
    /// A meter line is on screen without its newline.
    meter_open: bool,
    /// `-s`: no meter, warnings or errors.
    silent: bool,
    /// `-S`: errors even with `-s`.
    show_error: bool,
}

static CONSOLE: Mutex<Console> = Mutex::new(Console {
    target: Target::Stderr,
    meter_open: false,
    silent: false,
    show_error: false,
});

fn console() -> MutexGuard<'static, Console> {
    // A panic while writing leaves nothing half-done that matters here.
    CONSOLE.lock().unwrap_or_else(|e| e.into_inner())
}

impl Console {
    fn write(&mut self, bytes: &[u8]) {
        // Nowhere left to tell anyone about a failure to write to stderr.
        let _ = match &mut self.target {
            Target::Stderr => {
                let mut err = io::stderr().lock();
                err.write_all(bytes).and_then(|()| err.flush())
            }
            Target::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Target::File(file) => file.write_all(bytes),
        };
    }

    fn end_meter(&mut self) {
        if self.meter_open {
            self.meter_open = false;
            self.write(b"\n");
        }
    }
}

/// Applies `-s` and `-S`.
pub fn configure(silent: bool, show_error: bool) {
    let mut console = console();
    console.silent = silent;
    console.show_error = show_error;
}

/// `--stderr PATH`: from now on, stderr's text goes to this file (created or truncated), or
/// to stdout for `-`.
pub fn redirect(path: &Path) -> Result<(), Failure> {
    let target = if path.as_os_str() == "-" {
        Target::Stdout
    } else {
        Target::File(File::create(path).map_err(|e| Failure::write(path.display(), &e))?)
    };
    console().target = target;
    Ok(())
}

/// Whether `-s` is on (the meter then stays off).
pub fn silent() -> bool {
    console().silent
}

/// One line of text (a `-v` line): the meter line is ended first.
pub fn line(text: &str) {
    let mut console = console();
    console.end_meter();
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    console.write(&bytes);
}

/// The console, held: for writing to stdout and stderr in one piece (`-w` output with
/// `%{stderr}` in it). Take it before stdout's lock, never after.
pub struct Held(MutexGuard<'static, Console>);

/// Holds the console until the [`Held`] is dropped.
pub fn hold() -> Held {
    Held(console())
}

impl Held {
    /// Bytes as they are (`-w` output switched to stderr), after ending the meter line.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.0.end_meter();
        self.0.write(bytes);
    }
}

/// `plainwire: warning: message`, unless `-s`.
pub fn warn(message: &str) {
    if !console().silent {
        line(&format!("plainwire: warning: {message}"));
    }
}

/// `plainwire: (N) message`, unless `-s` without `-S`, or the failure is a quiet one.
pub fn error(failure: &Failure) {
    let show = {
        let console = console();
        !console.silent || console.show_error
    };
    if show && !failure.quiet {
        line(&format!(
            "plainwire: ({}) {}",
            failure.code, failure.message
        ));
    }
}

/// Draws a meter line in place: `\r`, the text, and no newline.
pub fn meter(text: &str) {
    let mut console = console();
    console.meter_open = true;
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.push(b'\r');
    bytes.extend_from_slice(text.as_bytes());
    console.write(&bytes);
}

/// Ends the meter line, if one is open.
pub fn end_meter() {
    console().end_meter();
}
