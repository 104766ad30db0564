//! `-#`/`--progress-bar`: curl's bar of `#` signs and a percentage, instead of the meter.
//!
//! ```text
//! ###########################################                          61.3%
//! ```
//!
//! The bar spans `$COLUMNS` columns (when it holds a number from 21 to 9999), else 79 (curl
//! also asks the terminal; that takes a system call this crate does not make). Without a
//! known size it shows curl's moving `-=O=-` with `#` signs flying along a sine wave. Redrawn
//! at most ten times a second, and always at 100%; ended with a newline once drawn.

use std::time::{Duration, Instant};

use crate::progress::Progress;

/// The shortest time between two redraws (curl's 10 Hz).
const REDRAW_EVERY: Duration = Duration::from_millis(100);
/// The width when `$COLUMNS` says nothing usable.
const DEFAULT_WIDTH: usize = 79;
/// The widest bar drawn (curl's `MAX_BARLENGTH`).
const MAX_WIDTH: usize = 256;

/// A progress bar for one download.
pub struct Bar {
    total: Option<u64>,
    done: u64,
    width: usize,
    last_draw: Option<Instant>,
    drawn: bool,
    finished: bool,
    /// The flying animation for an unknown size: the phase of the wave and the ship.
    tick: usize,
    ship: usize,
    ship_step: isize,
}

impl Bar {
    /// A bar for a body of `total` bytes, if known, `columns` wide (`$COLUMNS`).
    pub fn new(total: Option<u64>, columns: Option<&str>) -> Bar {
        Bar {
            total,
            done: 0,
            width: width(columns),
            last_draw: None,
            drawn: false,
            finished: false,
            tick: 150,
            ship: 0,
            ship_step: 1,
        }
    }

    fn draw(&mut self, moved: bool) {
        let line = match self.total {
            Some(total) => line(self.done, total, self.width),
            None => self.fly(moved),
        };
        crate::console::meter(&line);
        self.drawn = true;
    }

    /// curl's flying hashes over the `-=O=-` ship, for a body of unknown size.
    fn fly(&mut self, moved: bool) -> String {
        let mut cells = vec![b' '; self.width - 1];
        cells[self.ship..self.ship + 5].copy_from_slice(b"-=O=-");
        let span = (self.width - 2) as f64;
        for offset in [0, 5, 10, 15] {
            let phase = ((self.tick + offset) % 200 + 1) as f64 / 200.0;
            let height = (phase * std::f64::consts::TAU).sin() * 0.5 + 0.5;
            cells[(height * span) as usize] = b'#';
        }
        self.tick = (self.tick + 2) % 200;
        if moved {
            let next = self.ship as isize + self.ship_step;
            if next < 0 || next as usize > self.width - 6 {
                self.ship_step = -self.ship_step;
            } else {
                self.ship = next as usize;
            }
        }
        String::from_utf8_lossy(&cells).into_owned()
    }
}

impl Progress for Bar {
    fn advance(&mut self, n: u64) {
        self.done += n;
        let complete = self.total.is_some_and(|total| self.done >= total);
        let due = self.last_draw.is_none_or(|at| at.elapsed() >= REDRAW_EVERY);
        if due || complete {
            self.last_draw = Some(Instant::now());
            self.draw(n > 0);
        }
    }

    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        if self.total.is_some() && !self.drawn {
            self.draw(false);
        }
        if self.drawn {
            crate::console::end_meter();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The bar's width from `$COLUMNS`.
fn width(columns: Option<&str>) -> usize {
    columns
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&c| c > 20 && c < 10_000)
        .unwrap_or(DEFAULT_WIDTH)
        .min(MAX_WIDTH)
}

/// One bar line for `done` of `total` bytes: `#` signs over `width - 7` columns, then the
/// percentage in six.
pub fn line(done: u64, total: u64, width: usize) -> String {
    let total = total.max(done);
    let fraction = if total == 0 {
        1.0
    } else {
        done as f64 / total as f64
    };
    let bar_width = width - 7;
    let hashes = "#".repeat((bar_width as f64 * fraction) as usize);
    format!("{hashes:<bar_width$} {:5.1}%", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_width_comes_from_columns() {
        assert_eq!(width(Some("40")), 40);
        assert_eq!(width(Some("20")), DEFAULT_WIDTH);
        assert_eq!(width(Some("wide")), DEFAULT_WIDTH);
        assert_eq!(width(None), DEFAULT_WIDTH);
        assert_eq!(width(Some("5000")), MAX_WIDTH);
    }

    #[test]
    fn lines_fill_with_the_fraction() {
        assert_eq!(line(0, 100, 27), format!("{:20}   0.0%", ""));
        assert_eq!(line(50, 100, 27), format!("{:<20}  50.0%", "#".repeat(10)));
        assert_eq!(line(100, 100, 27), format!("{} 100.0%", "#".repeat(20)));
        // More than announced stays at 100%; an empty body is complete.
        assert_eq!(line(200, 100, 27), line(100, 100, 27));
        assert_eq!(line(0, 0, 27), line(1, 1, 27));
    }

    #[test]
    fn the_flying_ship_stays_inside_the_line() {
        let mut bar = Bar::new(None, Some("30"));
        for _ in 0..500 {
            let line = bar.fly(true);
            assert_eq!(line.len(), 29);
            assert!(line.contains("-=O=-") || line.contains('#'));
        }
    }
}
