//! `Content-Range` (RFC 9110 section 14.4): which bytes of the whole a 206 response carries, or
//! how long the whole is in a 416. Only the `bytes` unit; it does not read `multipart/byteranges`
//! bodies, and it does not check the range against the one requested: the caller does.

use std::fmt;
use std::ops::RangeInclusive;

/// The longest field value [`ContentRange::parse`] reads, in bytes (after trimming whitespace).
///
/// `bytes ` and three 20-digit numbers (the most a `u64` has) with their separators take 68;
/// anything longer cannot be a valid value that we could represent.
pub const MAX_CONTENT_RANGE_LEN: usize = 128;

/// A `Content-Range` field value in bytes, as RFC 9110 section 14.4 defines it.
///
/// ```text
/// Content-Range     = range-unit SP ( range-resp / unsatisfied-range )
/// range-resp        = incl-range "/" ( complete-length / "*" )
/// incl-range        = first-pos "-" last-pos
/// unsatisfied-range = "*/" complete-length
/// ```
///
/// A download resumes from a 206 by checking that [`ContentRange::range`] starts where the
/// local copy ends:
///
/// ```
/// use plainwire::http1::content_range::ContentRange;
///
/// let range = ContentRange::parse("bytes 21010-47021/47022").unwrap();
/// assert_eq!(range.range(), Some(21010..=47021));
/// assert_eq!(range.complete_length(), Some(47022));
/// assert_eq!(range.part_length(), Some(26012));
///
/// // A 416 says how long the whole is now.
/// let unsatisfied = ContentRange::parse("bytes */47022").unwrap();
/// assert_eq!(unsatisfied, ContentRange::Unsatisfied { complete_length: 47022 });
///
/// // RFC 9110 section 14.4: last-pos before first-pos, or past the end, is invalid.
/// assert_eq!(ContentRange::parse("bytes 500-400/1000"), None);
/// assert_eq!(ContentRange::parse("bytes 0-1000/1000"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentRange {
    /// `bytes first-last/complete` or `bytes first-last/*`: the part a 206 (Partial Content)
    /// carries, `first` and `last` inclusive and counted from zero.
    Bytes {
        /// The position of the first byte in the part.
        first: u64,
        /// The position of the last byte in the part (inclusive).
        last: u64,
        /// The length of the whole representation, or `None` for `*` (unknown).
        complete_length: Option<u64>,
    },
    /// `bytes */complete`: a 416 (Range Not Satisfiable) stating the current length of the whole.
    Unsatisfied {
        /// The length of the whole representation.
        complete_length: u64,
    },
}

impl ContentRange {
    /// Parses a `Content-Range` field value; `None` if it is not a valid one in bytes.
    ///
    /// The unit is read without regard to case (RFC 9110 section 14.1); a unit other than
    /// `bytes` is `None`. A range whose last position is before its first, or a complete
    /// length not greater than the last position, is invalid (section 14.4) and is `None`, as is
    /// a number too large for a `u64`. Surrounding spaces and tabs are ignored.
    pub fn parse(value: &str) -> Option<ContentRange> {
        let value = value.trim_matches([' ', '\t']);
        if value.len() > MAX_CONTENT_RANGE_LEN {
            return None;
        }
        let (unit, rest) = value.split_once(' ')?;
        if !unit.eq_ignore_ascii_case("bytes") {
            return None;
        }
        let (range, complete) = rest.split_once('/')?;
        if range == "*" {
            return Some(ContentRange::Unsatisfied {
                complete_length: number(complete)?,
            });
        }
        let (first, last) = range.split_once('-')?;
        let (first, last) = (number(first)?, number(last)?);
        let complete_length = match complete {
            "*" => None,
            digits => Some(number(digits)?),
        };
        if last < first || complete_length.is_some_and(|complete| complete <= last) {
            return None;
        }
        Some(ContentRange::Bytes {
            first,
            last,
            complete_length,
        })
    }

    /// The positions of the bytes the part holds, both ends included; `None` for a 416's
    /// `bytes */complete`.
    pub fn range(&self) -> Option<RangeInclusive<u64>> {
        match *self {
            ContentRange::Bytes { first, last, .. } => Some(first..=last),
            ContentRange::Unsatisfied { .. } => None,
        }
    }

    /// How many bytes the part holds (`last - first + 1`), which the body's length must equal;
    /// `None` for a 416, for a part that covers all 2^64 positions, or for one built by hand
    /// with `last` before `first` ([`ContentRange::parse`] refuses those).
    pub fn part_length(&self) -> Option<u64> {
        match *self {
            ContentRange::Bytes { first, last, .. } => last.checked_sub(first)?.checked_add(1),
            ContentRange::Unsatisfied { .. } => None,
        }
    }

    /// The length of the whole representation, if the server said it.
    pub fn complete_length(&self) -> Option<u64> {
        match *self {
            ContentRange::Bytes {
                complete_length, ..
            } => complete_length,
            ContentRange::Unsatisfied { complete_length } => Some(complete_length),
        }
    }
}

/// Writes the field value in its RFC 9110 form: `bytes 0-499/1234`, `bytes 0-499/*` or
/// `bytes */1234`.
impl fmt::Display for ContentRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ContentRange::Bytes {
                first,
                last,
                complete_length: Some(complete),
            } => write!(f, "bytes {first}-{last}/{complete}"),
            ContentRange::Bytes {
                first,
                last,
                complete_length: None,
            } => write!(f, "bytes {first}-{last}/*"),
            ContentRange::Unsatisfied { complete_length } => {
                write!(f, "bytes */{complete_length}")
            }
        }
    }
}

/// `1*DIGIT` as a `u64`: no sign, no spaces, no overflow.
fn number(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // An `Option`, to compare with what `parse` returns.
    #[allow(clippy::unnecessary_wraps)]
    fn bytes(first: u64, last: u64, complete_length: Option<u64>) -> Option<ContentRange> {
        Some(ContentRange::Bytes {
            first,
            last,
            complete_length,
        })
    }

    #[test]
    fn rfc_9110_examples() {
        // Section 14.4.
        assert_eq!(
            ContentRange::parse("bytes 42-1233/1234"),
            bytes(42, 1233, Some(1234))
        );
        assert_eq!(
            ContentRange::parse("bytes 42-1233/*"),
            bytes(42, 1233, None)
        );
        // Section 15.3.7.1.
        assert_eq!(
            ContentRange::parse("bytes 21010-47021/47022"),
            bytes(21010, 47021, Some(47022))
        );
        // Section 15.5.17.
        assert_eq!(
            ContentRange::parse("bytes */47022"),
            Some(ContentRange::Unsatisfied {
                complete_length: 47022
            })
        );
    }

    #[test]
    fn a_single_byte_and_the_whole() {
        assert_eq!(ContentRange::parse("bytes 0-0/1"), bytes(0, 0, Some(1)));
        assert_eq!(
            ContentRange::parse("bytes 0-99/100"),
            bytes(0, 99, Some(100))
        );
    }

    #[test]
    fn last_before_first_is_invalid() {
        assert_eq!(ContentRange::parse("bytes 500-499/1000"), None);
        assert_eq!(ContentRange::parse("bytes 500-499/*"), None);
    }

    #[test]
    fn complete_length_not_past_last_is_invalid() {
        assert_eq!(ContentRange::parse("bytes 0-100/100"), None);
        assert_eq!(ContentRange::parse("bytes 0-100/50"), None);
        assert_eq!(ContentRange::parse("bytes 0-0/0"), None);
    }

    #[test]
    fn an_empty_representation_can_be_unsatisfied() {
        assert_eq!(
            ContentRange::parse("bytes */0"),
            Some(ContentRange::Unsatisfied { complete_length: 0 })
        );
    }

    #[test]
    fn the_unit_is_case_insensitive() {
        assert_eq!(ContentRange::parse("Bytes 0-9/10"), bytes(0, 9, Some(10)));
        assert_eq!(
            ContentRange::parse("BYTES */10").unwrap().complete_length(),
            Some(10)
        );
    }

    #[test]
    fn other_units_are_not_read() {
        assert_eq!(ContentRange::parse("items 0-9/10"), None);
        assert_eq!(ContentRange::parse("none */10"), None);
    }

    #[test]
    fn the_largest_numbers_fit_and_larger_ones_are_refused() {
        let max = u64::MAX;
        assert_eq!(
            ContentRange::parse(&format!("bytes 0-{}/{max}", max - 1)),
            bytes(0, max - 1, Some(max))
        );
        assert_eq!(ContentRange::parse("bytes 0-18446744073709551616/*"), None);
        assert_eq!(ContentRange::parse("bytes */18446744073709551616"), None);
    }

    #[test]
    fn malformed_values_are_refused() {
        for value in [
            "",
            "bytes",
            "bytes ",
            "bytes 0-9",
            "bytes 0-9/",
            "bytes -9/10",
            "bytes 0-/10",
            "bytes 0 - 9/10",
            "bytes  0-9/10",
            "bytes=0-9/10",
            "bytes 0-9/10/11",
            "bytes +0-9/10",
            "bytes 0-9/+10",
            "bytes 0x0-9/10",
            "bytes */*",
            "bytes *-9/10",
            "bytes */",
            "bytes 0-9,20-29/100",
            "bytes ０-9/10",
        ] {
            assert_eq!(ContentRange::parse(value), None, "{value:?}");
        }
    }

    #[test]
    fn overlong_values_are_refused() {
        let padded = format!("bytes 0-9/{}10", "0".repeat(MAX_CONTENT_RANGE_LEN));
        assert_eq!(ContentRange::parse(&padded), None);
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(
            ContentRange::parse(" \tbytes 0-9/10 "),
            bytes(0, 9, Some(10))
        );
    }

    #[test]
    fn accessors() {
        let part = ContentRange::parse("bytes 100-199/1000").unwrap();
        assert_eq!(part.range(), Some(100..=199));
        assert_eq!(part.part_length(), Some(100));
        assert_eq!(part.complete_length(), Some(1000));
        let unknown = ContentRange::parse("bytes 100-199/*").unwrap();
        assert_eq!(unknown.complete_length(), None);
        let unsatisfied = ContentRange::parse("bytes */1000").unwrap();
        assert_eq!(unsatisfied.range(), None);
        assert_eq!(unsatisfied.part_length(), None);
        let everything = ContentRange::parse(&format!("bytes 0-{}/*", u64::MAX)).unwrap();
        assert_eq!(everything.part_length(), None);
        // Built by hand, backwards: no length, and no overflow.
        let backwards = ContentRange::Bytes {
            first: 2,
            last: 1,
            complete_length: None,
        };
        assert_eq!(backwards.part_length(), None);
    }

    #[test]
    fn display_writes_what_parse_reads() {
        for value in ["bytes 42-1233/1234", "bytes 42-1233/*", "bytes */47022"] {
            assert_eq!(ContentRange::parse(value).unwrap().to_string(), value);
        }
    }
}
