//! The progress meter: one line on stderr, redrawn in place with `\r` at most five times a
//! second, shown while a body downloads (see [`crate::transfer`] for when: as curl, whenever
//! the body does not go to a terminal, unless `-s` or `--no-progress-meter`).
//!
//! ```text
//!  42%  4.2 MiB / 10.0 MiB  1.3 MiB/s  0:00:04 left
//! ```
//!
//! Without a Content-Length it shows what it can: bytes so far and the rate. When the
//! transfer ends (well or not) the line is drawn one last time and ended with a newline, so
//! that an error message starts on a line of its own. [`Progress`] is what the body copy
//! feeds; `-#` has its own drawing in [`crate::progress_bar`].

use std::time::{Duration, Instant};

/// The shortest time between two redraws.
const REDRAW_EVERY: Duration = Duration::from_millis(200);

/// Something that shows a download's progress.
pub trait Progress {
    /// `n` more bytes arrived.
    fn advance(&mut self, n: u64);
    /// The transfer ended: draw the last state and end the line. Called again, it does
    /// nothing.
    fn finish(&mut self);
}

/// The progress meter for one download.
pub struct Meter {
    total: Option<u64>,
    done: u64,
    started: Instant,
    last_draw: Instant,
    /// Width of the last line drawn, to blank out what a shorter line leaves behind.
    width: usize,
    finished: bool,
}

impl Meter {
    /// A meter for a body of `total` bytes, if known. The first line is drawn after one
    /// redraw interval, once the rate means something; a quicker transfer only shows the last.
    pub fn new(total: Option<u64>) -> Meter {
        let started = Instant::now();
        Meter {
            total,
            done: 0,
            started,
            last_draw: started,
            width: 0,
            finished: false,
        }
    }

    fn draw(&mut self, last: bool) {
        let line = render(self.done, self.total, self.started.elapsed(), last);
        let padding = self.width.saturating_sub(line.len());
        self.width = line.len();
        crate::console::meter(&format!("{line}{:padding$}", ""));
    }
}

impl Progress for Meter {
    fn advance(&mut self, n: u64) {
        self.done += n;
        let now = Instant::now();
        if now.duration_since(self.last_draw) >= REDRAW_EVERY {
            self.last_draw = now;
            self.draw(false);
        }
    }

    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.draw(true);
            crate::console::end_meter();
        }
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        self.finish();
    }
}

/// One line of the meter: `done` bytes of `total` after `elapsed`; `last` when the transfer
/// has ended, which shows the time taken instead of the time left.
pub fn render(done: u64, total: Option<u64>, elapsed: Duration, last: bool) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        done as f64 / seconds
    } else {
        0.0
    };
    let mut line = String::new();
    if let Some(total) = total {
        let percent = if total == 0 {
            100
        } else {
            (u128::from(done.min(total)) * 100 / u128::from(total)) as u64
        };
        line.push_str(&format!("{percent:3}%  {} / {}", bytes(done), bytes(total)));
    } else {
        line.push_str(&bytes(done));
    }
    line.push_str(&format!("  {}/s", bytes(rate as u64)));
    if last {
        line.push_str(&format!("  {} total", clock(elapsed.as_secs())));
    } else if let Some(total) = total {
        if rate > 0.0 {
            let left = total.saturating_sub(done) as f64 / rate;
            line.push_str(&format!("  {} left", clock(left as u64)));
        }
    }
    line
}

/// A byte count for people: `512 B`, `1.5 KiB`, `3.2 MiB`, `1.0 GiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Seconds as `H:MM:SS`.
fn clock(seconds: u64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(10 << 20), "10.0 MiB");
        assert_eq!(bytes(3 << 30), "3.0 GiB");
        assert_eq!(bytes(u64::MAX), "16777216.0 TiB");
    }

    #[test]
    fn clock_format() {
        assert_eq!(clock(0), "0:00:00");
        assert_eq!(clock(61), "0:01:01");
        assert_eq!(clock(3 * 3600 + 59 * 60 + 7), "3:59:07");
    }

    #[test]
    fn known_length_shows_percent_rate_and_time_left() {
        let line = render(4 << 20, Some(10 << 20), Duration::from_secs(2), false);
        assert_eq!(line, " 40%  4.0 MiB / 10.0 MiB  2.0 MiB/s  0:00:03 left");
    }

    #[test]
    fn unknown_length_shows_bytes_and_rate() {
        let line = render(2048, None, Duration::from_secs(2), false);
        assert_eq!(line, "2.0 KiB  1.0 KiB/s");
    }

    #[test]
    fn the_last_line_shows_the_time_taken() {
        let line = render(100, Some(100), Duration::from_secs(65), true);
        assert_eq!(line, "100%  100 B / 100 B  1 B/s  0:01:05 total");
    }

    #[test]
    fn nothing_divides_by_zero() {
        assert_eq!(
            render(0, Some(0), Duration::ZERO, false),
            "100%  0 B / 0 B  0 B/s"
        );
        // More bytes than announced (the server lied) stays at 100%.
        assert!(render(200, Some(100), Duration::from_secs(1), false).starts_with("100%"));
    }
}
