//! HTTP-date (RFC 9110 section 5.6.7) to and from [`SystemTime`]: the three formats a recipient
//! must accept, and IMF-fixdate out. It does not read the looser dates of cookies (RFC 6265
//! section 5.1.1) or any time zone but GMT, and it reads no clock of its own.
//!
//! ```text
//! IMF-fixdate   Sun, 06 Nov 1994 08:49:37 GMT    the one format to send
//! rfc850-date   Sunday, 06-Nov-94 08:49:37 GMT   obsolete, two-digit year
//! asctime-date  Sun Nov  6 08:49:37 1994         obsolete, C's asctime()
//! ```
//!
//! The calendar arithmetic is our own (days from a civil date and back, on the proleptic
//! Gregorian calendar), so that no date crate is needed for four fields.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest field value [`parse`] looks at, in bytes (after trimming whitespace).
///
/// The longest valid HTTP-date is an rfc850-date with "Wednesday": 33 bytes. Anything much
/// longer is not a date, and refusing it early keeps the work per value constant.
pub const MAX_HTTP_DATE_LEN: usize = 64;

/// Seconds in a day. An HTTP-date counts no leap seconds (RFC 9110 section 5.6.7: "the same as
/// a POSIX `time_t`"), except a `:60` written by a server, read as the next second.
const SECONDS_PER_DAY: i64 = 86_400;

/// The window for an rfc850-date's two-digit year: RFC 9110 section 5.6.7 says a year that
/// "appears to be more than 50 years in the future" is the most recent past year with the same
/// last two digits.
const RFC850_FUTURE_YEARS: i64 = 50;

/// The last second IMF-fixdate can write: 9999-12-31 23:59:59, for its four-digit year.
const MAX_FORMAT_SECONDS: i64 = 253_402_300_799;
/// The first second IMF-fixdate can write: 0000-01-01 00:00:00.
const MIN_FORMAT_SECONDS: i64 = -62_167_219_200;

const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAY_NAMES_LONG: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an HTTP-date in any of its three formats (RFC 9110 section 5.6.7: "A recipient that
/// parses a timestamp value in an HTTP field MUST accept all three HTTP-date formats").
///
/// `now` serves only the rfc850-date's two-digit year, which is placed within 50 years of it.
/// Surrounding spaces and tabs are ignored; names (`Sun`, `Nov`, `GMT`) are read without regard
/// to case. The day name is checked to be a day name but not to match the date: it is
/// redundant, and the date is what the sender meant. An impossible date (`31 Apr`,
/// `29 Feb 2023`, hour 24) is `None`, as is anything else that is not an HTTP-date.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use plainwire::http1::date;
/// let time = date::parse("Sun, 06 Nov 1994 08:49:37 GMT", SystemTime::now()).unwrap();
/// assert_eq!(time, UNIX_EPOCH + Duration::from_secs(784_111_777));
/// assert_eq!(date::parse("Sunday, 06-Nov-94 08:49:37 GMT", SystemTime::now()), Some(time));
/// assert_eq!(date::parse("Sun Nov  6 08:49:37 1994", SystemTime::now()), Some(time));
/// ```
pub fn parse(text: &str, now: SystemTime) -> Option<SystemTime> {
    let text = text.trim_matches([' ', '\t']);
    if text.len() > MAX_HTTP_DATE_LEN {
        return None;
    }
    let fields = match text.find(',') {
        Some(3) => imf_fixdate(text)?,
        Some(_) => rfc850_date(text, year_of(now))?,
        None => asctime_date(text)?,
    };
    fields.to_system_time()
}

/// Formats `time` as an IMF-fixdate, the one format RFC 9110 section 5.6.7 lets a sender
/// generate. Fractions of a second are dropped; a time outside the years 0000 to 9999, which
/// the four-digit year cannot hold, is written as the nearest one it can.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let time = UNIX_EPOCH + Duration::from_secs(784_111_777);
/// assert_eq!(plainwire::http1::date::format(time), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
pub fn format(time: SystemTime) -> String {
    let seconds = unix_seconds(time).clamp(MIN_FORMAT_SECONDS, MAX_FORMAT_SECONDS);
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAY_NAMES[weekday(days)],
        day,
        MONTH_NAMES[month as usize - 1],
        year,
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
    )
}

/// The parts of a date as written, before they are checked to form a real date.
struct DateFields {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl DateFields {
    /// The instant, if the fields name a real one.
    fn to_system_time(&self) -> Option<SystemTime> {
        let valid = (1..=12).contains(&self.month)
            && (1..=days_in_month(self.year, self.month)).contains(&self.day)
            && self.hour <= 23
            && self.minute <= 59
            // RFC 9110 section 5.6.7: second = 2DIGIT, "00-60" with a leap second allowed.
            && self.second <= 60;
        if !valid {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let seconds = days * SECONDS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        if seconds >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_secs(seconds.unsigned_abs()))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs()))
        }
    }
}

/// `IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT`, with
/// `date1 = day SP month SP year` (`06 Nov 1994`).
fn imf_fixdate(text: &str) -> Option<DateFields> {
    let mut c = Cursor::new(text);
    c.name(&DAY_NAMES)?;
    c.literal(", ")?;
    let day = c.digits(2)?;
    c.literal(" ")?;
    let month = c.name(&MONTH_NAMES)? + 1;
    c.literal(" ")?;
    let year = i64::from(c.digits(4)?);
    c.literal(" ")?;
    let (hour, minute, second) = c.time_of_day()?;
    c.literal(" GMT")?;
    c.end()?;
    Some(DateFields {
        year,
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// `rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT`, with
/// `date2 = day "-" month "-" 2DIGIT` (`06-Nov-94`). The century comes from `now_year`.
fn rfc850_date(text: &str, now_year: i64) -> Option<DateFields> {
    let mut c = Cursor::new(text);
    c.name(&DAY_NAMES_LONG)?;
    c.literal(", ")?;
    let day = c.digits(2)?;
    c.literal("-")?;
    let month = c.name(&MONTH_NAMES)? + 1;
    c.literal("-")?;
    let two_digits = i64::from(c.digits(2)?);
    c.literal(" ")?;
    let (hour, minute, second) = c.time_of_day()?;
    c.literal(" GMT")?;
    c.end()?;
    Some(DateFields {
        year: rfc850_year(two_digits, now_year),
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// `asctime-date = day-name SP date3 SP time-of-day SP year`, with
/// `date3 = month SP ( 2DIGIT / ( SP DIGIT ) )` (`Nov  6`).
fn asctime_date(text: &str) -> Option<DateFields> {
    let mut c = Cursor::new(text);
    c.name(&DAY_NAMES)?;
    c.literal(" ")?;
    let month = c.name(&MONTH_NAMES)? + 1;
    c.literal(" ")?;
    let day = if c.literal(" ").is_some() {
        c.digits(1)?
    } else {
        c.digits(2)?
    };
    c.literal(" ")?;
    let (hour, minute, second) = c.time_of_day()?;
    c.literal(" ")?;
    let year = i64::from(c.digits(4)?);
    c.end()?;
    Some(DateFields {
        year,
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// The full year for an rfc850-date's two digits: the year ending in them that is at most
/// [`RFC850_FUTURE_YEARS`] after `now_year` and less than 100 years before it.
fn rfc850_year(two_digits: i64, now_year: i64) -> i64 {
    let year = now_year.div_euclid(100) * 100 + two_digits;
    if year > now_year + RFC850_FUTURE_YEARS {
        year - 100
    } else if year <= now_year + RFC850_FUTURE_YEARS - 100 {
        year + 100
    } else {
        year
    }
}

/// A reader over the bytes of one date; every step either matches or gives `None`.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            rest: text.as_bytes(),
        }
    }

    /// Takes `expected`, ignoring ASCII case (only "GMT" has letters).
    fn literal(&mut self, expected: &str) -> Option<()> {
        let n = expected.len();
        if self.rest.len() >= n && self.rest[..n].eq_ignore_ascii_case(expected.as_bytes()) {
            self.rest = &self.rest[n..];
            Some(())
        } else {
            None
        }
    }

    /// Takes one of `names`, ignoring ASCII case, and gives its index.
    fn name(&mut self, names: &[&str]) -> Option<u32> {
        let index = names.iter().position(|name| {
            self.rest.len() >= name.len()
                && self.rest[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        })?;
        self.rest = &self.rest[names[index].len()..];
        u32::try_from(index).ok()
    }

    /// Takes exactly `n` ASCII digits (n is at most 4 here, so the value fits).
    fn digits(&mut self, n: usize) -> Option<u32> {
        let digits = self.rest.get(..n)?;
        let mut value = 0;
        for &b in digits {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.rest = &self.rest[n..];
        Some(value)
    }

    /// `time-of-day = hour ":" minute ":" second`, two digits each.
    fn time_of_day(&mut self) -> Option<(u32, u32, u32)> {
        let hour = self.digits(2)?;
        self.literal(":")?;
        let minute = self.digits(2)?;
        self.literal(":")?;
        let second = self.digits(2)?;
        Some((hour, minute, second))
    }

    fn end(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }
}

/// Whether `year` is a leap year in the Gregorian calendar.
fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1 to 12) of `year`, in the proleptic Gregorian calendar.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar.
///
/// The year is counted from March, so that the leap day falls at its end; 400-year eras of
/// 146,097 days make the arithmetic exact for any year, before 1970 too.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719,468 days from 0000-03-01 to 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both fit: month is 1 to 12 and day 1 to 31 by construction.
    let small = |n: i64| u32::try_from(n).unwrap_or(0);
    (year, small(month), small(day))
}

/// The day of the week of `days` after 1970-01-01 (a Thursday), 0 for Sunday.
fn weekday(days: i64) -> usize {
    // 0 to 6 by `rem_euclid`.
    usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0)
}

/// Whole seconds from the Unix epoch to `time`, rounded down, saturating at `i64`'s ends.
fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            -whole - i64::from(before.subsec_nanos() > 0)
        }
    }
}

/// The calendar year that `now` falls in.
fn year_of(now: SystemTime) -> i64 {
    civil_from_days(unix_seconds(now).div_euclid(SECONDS_PER_DAY)).0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06 08:49:37 GMT, the instant of RFC 9110's examples.
    const RFC_EXAMPLE_SECONDS: u64 = 784_111_777;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    /// 2025-06-01 00:00:00 GMT, a fixed "now" for the two-digit years.
    fn now() -> SystemTime {
        at(1_748_736_000)
    }

    fn parsed(text: &str) -> Option<SystemTime> {
        parse(text, now())
    }

    #[test]
    fn rfc_9110_examples_all_three_formats() {
        let expected = Some(at(RFC_EXAMPLE_SECONDS));
        assert_eq!(parsed("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
        assert_eq!(parsed("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
        assert_eq!(parsed("Sun Nov  6 08:49:37 1994"), expected);
    }

    #[test]
    fn format_writes_imf_fixdate() {
        assert_eq!(
            format(at(RFC_EXAMPLE_SECONDS)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(format(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn format_drops_fractions_of_a_second() {
        let time = at(RFC_EXAMPLE_SECONDS) + Duration::from_millis(999);
        assert_eq!(format(time), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn format_before_the_epoch_rounds_down() {
        let time = UNIX_EPOCH - Duration::from_millis(1);
        assert_eq!(format(time), "Wed, 31 Dec 1969 23:59:59 GMT");
    }

    #[test]
    fn format_clamps_to_four_digit_years() {
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(format(far), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn format_then_parse_is_the_identity() {
        // Every day from 1900 to 2100 would be 73,000 cases; every 997th second over
        // those years covers each month, leap days and every hour.
        let mut seconds: i64 = -2_208_988_800; // 1900-01-01
        while seconds < 4_102_444_800 {
            let time = if seconds >= 0 {
                UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
            } else {
                UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
            };
            assert_eq!(parsed(&format(time)), Some(time), "{}", format(time));
            seconds += 997 * 3_601;
        }
    }

    #[test]
    fn civil_days_round_trip_over_eight_centuries() {
        for days in -200_000..200_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn leap_day_in_a_leap_year() {
        assert!(parsed("Thu, 29 Feb 2024 12:00:00 GMT").is_some());
        assert!(parsed("Tue, 29 Feb 2000 12:00:00 GMT").is_some()); // divisible by 400
    }

    #[test]
    fn leap_day_in_other_years_is_refused() {
        assert_eq!(parsed("Wed, 29 Feb 2023 12:00:00 GMT"), None);
        assert_eq!(parsed("Mon, 29 Feb 1900 12:00:00 GMT"), None); // divisible by 100
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in [
            "Thu, 31 Apr 2025 00:00:00 GMT",
            "Thu, 00 Jan 2025 00:00:00 GMT",
            "Thu, 32 Jan 2025 00:00:00 GMT",
            "Thu, 01 Jan 2025 24:00:00 GMT",
            "Thu, 01 Jan 2025 23:60:00 GMT",
            "Thu, 01 Jan 2025 23:59:61 GMT",
            "Thu, 01 Foo 2025 00:00:00 GMT",
        ] {
            assert_eq!(parsed(text), None, "{text}");
        }
    }

    #[test]
    fn a_leap_second_reads_as_the_next_second() {
        assert_eq!(
            parsed("Sat, 31 Dec 2016 23:59:60 GMT"),
            parsed("Sun, 01 Jan 2017 00:00:00 GMT")
        );
    }

    #[test]
    fn rfc850_years_more_than_50_years_ahead_are_in_the_past() {
        // RFC 9110 section 5.6.7, with "now" in 2025.
        let year = |text: &str| format(parsed(text).unwrap())[12..16].to_string();
        assert_eq!(year("Sunday, 06-Nov-94 08:49:37 GMT"), "1994");
        assert_eq!(year("Thursday, 06-Nov-75 08:49:37 GMT"), "2075");
        assert_eq!(year("Wednesday, 06-Nov-76 08:49:37 GMT"), "1976");
        assert_eq!(year("Monday, 06-Nov-00 08:49:37 GMT"), "2000");
        assert_eq!(year("Saturday, 06-Nov-32 08:49:37 GMT"), "2032");
    }

    #[test]
    fn rfc850_years_near_a_century_end() {
        assert_eq!(rfc850_year(1, 2099), 2101);
        assert_eq!(rfc850_year(49, 2099), 2149);
        assert_eq!(rfc850_year(50, 2099), 2050);
        assert_eq!(rfc850_year(99, 2000), 1999);
        assert_eq!(rfc850_year(50, 2000), 2050);
        assert_eq!(rfc850_year(51, 2000), 1951);
    }

    #[test]
    fn asctime_accepts_a_two_digit_day() {
        assert_eq!(
            parsed("Sun Nov 16 08:49:37 1994"),
            parsed("Wed, 16 Nov 1994 08:49:37 GMT")
        );
        assert_eq!(
            parsed("Sun Nov 06 08:49:37 1994"),
            Some(at(RFC_EXAMPLE_SECONDS))
        );
    }

    #[test]
    fn names_are_read_without_regard_to_case() {
        assert_eq!(
            parsed("sun, 06 NOV 1994 08:49:37 gmt"),
            Some(at(RFC_EXAMPLE_SECONDS))
        );
    }

    #[test]
    fn a_wrong_day_name_is_tolerated() {
        assert_eq!(
            parsed("Mon, 06 Nov 1994 08:49:37 GMT"),
            Some(at(RFC_EXAMPLE_SECONDS))
        );
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(
            parsed(" \tSun, 06 Nov 1994 08:49:37 GMT "),
            Some(at(RFC_EXAMPLE_SECONDS))
        );
    }

    #[test]
    fn dates_before_1970_are_instants_too() {
        let time = parsed("Thu, 01 Jan 1570 00:00:00 GMT").unwrap();
        assert_eq!(format(time), "Thu, 01 Jan 1570 00:00:00 GMT");
    }

    #[test]
    fn malformed_dates_are_refused() {
        for text in [
            "",
            "0",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37",        // no GMT
            "Sun, 06 Nov 1994 08:49:37 UTC",    // another zone
            "Sun, 06 Nov 1994 08:49:37 +0000",  // numeric zone
            "Sun, 6 Nov 1994 08:49:37 GMT",     // one-digit day
            "Sun, 06 Nov 94 08:49:37 GMT",      // two-digit year in IMF-fixdate
            "Sun,06 Nov 1994 08:49:37 GMT",     // missing space
            "Sun, 06 Nov 1994 08:49:37 GMT x",  // trailing garbage
            "Sun, 06 Nov 1994 8:49:37 GMT",     // one-digit hour
            "Sunday, 06-Nov-1994 08:49:37 GMT", // four-digit year in rfc850
            "Sun, 06-Nov-94 08:49:37 GMT",      // short day name with rfc850
            "Sun Nov 6 08:49:37 1994",          // asctime day needs two columns
            "Sun Nov  6 08:49:37 94",           // two-digit year in asctime
            "Sun, ０6 Nov 1994 08:49:37 GMT",   // non-ASCII digit
            "Sun, 06 Nov 1994 08:49:37 GMT\0",  // NUL
            "Fooday, 06-Nov-94 08:49:37 GMT",   // not a day name
        ] {
            assert_eq!(parsed(text), None, "{text:?}");
        }
    }

    #[test]
    fn overlong_input_is_refused_before_it_is_read() {
        let long = format!("Sun, 06 Nov 1994 08:49:37 GMT{}", " x".repeat(40));
        assert_eq!(parsed(&long), None);
        let padded = format!("{}Sun, 06 Nov 1994 08:49:37 GMT", " ".repeat(1000));
        assert_eq!(parsed(&padded), Some(at(RFC_EXAMPLE_SECONDS)));
    }
}
