//! The cookie-date algorithm of RFC 6265bis section 5.1.1, which reads the Expires attribute;
//! it neither writes dates nor parses HTTP-dates strictly.
//!
//! The algorithm is deliberately forgiving: it cuts the text into tokens at delimiters, then
//! takes the first token that looks like a time, the first that looks like a day of the month,
//! the first that names a month and the first that looks like a year, in that order of
//! preference, and ignores everything else (weekday names, "GMT", stray words). So the three
//! formats servers send all parse, and so does much of what they should not send:
//!
//! ```text
//! Sun, 06 Nov 1994 08:49:37 GMT    IMF-fixdate (RFC 9110)
//! Sunday, 06-Nov-94 08:49:37 GMT   RFC 850, two-digit year
//! Sun Nov  6 08:49:37 1994         asctime
//! ```
//!
//! The calendar arithmetic is [`crate::http1::date`]'s: one copy of it.

use crate::http1::date::{days_from_civil, days_in_month};

/// Parses `input` as a cookie-date (RFC 6265bis section 5.1.1) and returns it as seconds since
/// 1970-01-01T00:00:00Z (negative before it), or `None` where the algorithm fails.
///
/// Years from 1601 to 9999 are representable, as four digits allow; the algorithm refuses
/// years before 1601.
pub(crate) fn parse_cookie_date(input: &[u8]) -> Option<i64> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day_of_month: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<u32> = None;

    // Step 1: date-tokens are the runs of non-delimiters. Step 2: each token goes to the first
    // production it matches whose flag is not yet set, in the order time, day, month, year.
    for token in input.split(|&b| is_delimiter(b)).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(hms) = match_time(token) {
                time = Some(hms);
                continue;
            }
        }
        if day_of_month.is_none() {
            if let Some(day) = match_digits(token, 1, 2) {
                day_of_month = Some(day);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = match_month(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = match_digits(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }

    let (hour, minute, second) = time?;
    let (day, month, mut year) = (day_of_month?, month?, year?);
    // Steps 3 and 4: two-digit years. 70 to 99 are 1970 to 1999; 0 to 69 are 2000 to 2069.
    if (70..=99).contains(&year) {
        year += 1900;
    } else if year <= 69 {
        year += 2000;
    }
    // Step 5. (A leap second, 60, cannot be written in this syntax.)
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Step 6: the date must exist (no 30 February).
    if day > days_in_month(i64::from(year), month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// `min` to `max` digits at the start of `token`, then the end or a non-digit (and anything
/// after it): the shape of `day-of-month` (1 to 2 digits) and `year` (2 to 4 digits).
fn match_digits(token: &[u8], min: usize, max: usize) -> Option<u32> {
    let (value, rest) = leading_number(token, max)?;
    let digits = token.len() - rest.len();
    if digits < min || rest.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(value)
}

/// `time = hms-time [ non-digit *OCTET ]`, `hms-time = time-field ":" time-field ":" time-field`,
/// `time-field = 1*2DIGIT`.
fn match_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let (hour, rest) = leading_number(token, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (minute, rest) = leading_number(rest, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (second, rest) = leading_number(rest, 2)?;
    if rest.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((hour, minute, second))
}

/// `month = ( "jan" / "feb" / ... / "dec" ) *OCTET`, case-insensitively: 1 to 12.
fn match_month(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let prefix = token.get(..3)?;
    let index = MONTHS
        .iter()
        .position(|name| prefix.eq_ignore_ascii_case(&name[..]))?;
    u32::try_from(index + 1).ok()
}

/// At least one and at most `max` (at most 4) leading ASCII digits as a number, and the rest.
fn leading_number(token: &[u8], max: usize) -> Option<(u32, &[u8])> {
    let digits = token
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    let value = token[..digits]
        .iter()
        .fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
    Some((value, &token[digits..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<i64> {
        parse_cookie_date(s.as_bytes())
    }

    #[test]
    fn the_three_http_date_formats() {
        assert_eq!(date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(date("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
    }

    #[test]
    fn the_rfc_overview_example() {
        // RFC 6265bis section 3.1: "Expires=Wed, 09 Jun 2021 10:18:14 GMT".
        assert_eq!(date("Wed, 09 Jun 2021 10:18:14 GMT"), Some(1_623_233_894));
    }

    #[test]
    fn two_digit_years_70_to_99_are_the_1900s() {
        assert_eq!(date("01 Jan 70 00:00:00"), Some(0));
        assert_eq!(date("06 Nov 94 08:49:37"), Some(784_111_777));
        assert_eq!(date("31 Dec 99 23:59:59"), Some(946_684_799));
    }

    #[test]
    fn two_digit_years_0_to_69_are_the_2000s() {
        assert_eq!(date("01 Jan 00 00:00:00"), Some(946_684_800));
        assert_eq!(date("31 Dec 69 23:59:59"), Some(3_155_759_999));
        // The rule reads the number, not its width: "0069" is 69 as well.
        assert_eq!(date("31 Dec 0069 23:59:59"), Some(3_155_759_999));
    }

    #[test]
    fn three_digit_years_and_years_before_1601_fail() {
        assert_eq!(date("01 Jan 100 00:00:00"), None);
        assert_eq!(date("31 Dec 1600 23:59:59"), None);
        assert_eq!(date("01 Jan 1601 00:00:00"), Some(-11_644_473_600));
    }

    #[test]
    fn the_largest_four_digit_year() {
        assert_eq!(date("31 Dec 9999 23:59:59"), Some(253_402_300_799));
    }

    #[test]
    fn every_component_is_required() {
        assert_eq!(date("06 Nov 1994"), None, "no time");
        assert_eq!(
            date("Nov 1994 08:49:37"),
            None,
            "no day: 1994 is not 1*2DIGIT"
        );
        assert_eq!(date("06 1994 08:49:37"), None, "no month");
        assert_eq!(date("06 Nov 08:49:37"), None, "no year");
        assert_eq!(date(""), None);
    }

    #[test]
    fn out_of_range_fields_fail() {
        assert_eq!(date("00 Jan 2000 00:00:00"), None, "day 0");
        assert_eq!(date("32 Jan 2000 00:00:00"), None, "day 32");
        assert_eq!(date("01 Jan 2000 24:00:00"), None, "hour 24");
        assert_eq!(date("01 Jan 2000 23:60:00"), None, "minute 60");
        assert_eq!(date("01 Jan 2000 23:59:60"), None, "no leap seconds");
    }

    #[test]
    fn dates_that_do_not_exist_fail() {
        assert_eq!(date("31 Apr 2021 00:00:00"), None);
        assert_eq!(date("29 Feb 2023 00:00:00"), None);
        assert_eq!(
            date("29 Feb 1900 00:00:00"),
            None,
            "1900 is not a leap year"
        );
        assert_eq!(date("29 Feb 2000 00:00:00"), Some(951_782_400));
        assert_eq!(date("29 Feb 2024 12:00:00"), Some(1_709_208_000));
    }

    #[test]
    fn tokens_may_carry_trailing_junk_after_a_non_digit() {
        // day-of-month, year and time may be followed by a non-digit and anything.
        assert_eq!(date("06th Nov 1994AD 08:49:37Z"), Some(784_111_777));
        // A month is its first three letters.
        assert_eq!(date("06 November 1994 08:49:37"), Some(784_111_777));
        assert_eq!(date("06 NOV 1994 08:49:37"), Some(784_111_777));
    }

    #[test]
    fn too_many_digits_do_not_match() {
        assert_eq!(
            date("006 Nov 1994 08:49:37"),
            None,
            "a 3-digit day is no day"
        );
        assert_eq!(
            date("06 Nov 19945 08:49:37"),
            None,
            "a 5-digit year is no year"
        );
        assert_eq!(
            date("06 Nov 1994 008:49:37"),
            None,
            "a 3-digit hour is no time"
        );
        assert_eq!(
            date("06 Nov 1994 08:49:370"),
            None,
            "a 3-digit second is no time"
        );
    }

    #[test]
    fn the_first_match_of_each_kind_wins() {
        // The second time, day and month are ignored; "10" after the day is the year 2010.
        assert_eq!(
            date("09 Jun 10 10:00:00 11:11:11 12 Jul"),
            date("09 Jun 2010 10:00:00")
        );
        // A token is tried as a time before a day: "1:2:3" is a time, "4" the day.
        assert_eq!(date("1:2:3 4 Jan 2000"), Some(946_947_723));
    }

    #[test]
    fn delimiters_include_most_punctuation() {
        assert_eq!(date("Sun,+06/Nov/1994;08:49:37"), Some(784_111_777));
        assert_eq!(date("06 Nov 1994 08.49.37"), None, "'.' splits the time");
        assert_eq!(date("[06]{Nov}(1994)\t08:49:37"), Some(784_111_777));
    }

    #[test]
    fn non_ascii_bytes_are_part_of_tokens() {
        // %x80-FF are non-delimiters: "06\u{e9}" is a day followed by junk.
        assert_eq!(
            parse_cookie_date(b"06\xe9 Nov 1994 08:49:37"),
            Some(784_111_777)
        );
        assert_eq!(parse_cookie_date(b"\xff\xfe\x00"), None);
    }

    #[test]
    fn days_from_civil_matches_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(1601, 1, 1), -134_774);
    }
}
