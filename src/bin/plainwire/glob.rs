//! URL globbing, as curl does it: `{a,b}` sets and `[1-3]`, `[01-10]`, `[a-z]`, `[1-10:2]`
//! ranges expand one URL argument into many, and `#N` in an `-o` name takes the text the N-th
//! glob gave. It does not touch the network or the file system, and it never expands eagerly:
//! [`Glob::get`] computes the URL at an index, so `[1-1000000]` costs no memory.
//!
//! The rules are curl's (docs/cmdline-opts/globoff.md and output.md):
//!
//! * the rightmost glob varies fastest: `{a,b}[1-2]` gives `a1 a2 b1 b2`;
//! * `\` escapes `{`, `[`, `}` and `]` outside a set, and any character inside one;
//! * sets do not nest; a set may hold empty elements (`{a,}`) but not be empty (`{}`);
//! * a numeric range with a leading zero pads every value to the width of its start
//!   (`[01-10]` gives `01 … 10`); a step follows a colon (`[1-10:2]`);
//! * a letter range spans at most `a`-`z` (or `A`-`Z`, or any 26 letters in ASCII order);
//! * `[` that opens an IPv6 address (`http://[::1]:8080/`) or `[]` is taken literally.
//!
//! Errors carry curl's messages and the 1-based column where the pattern went wrong; the
//! caller reports them as curl's exit code 3.

use std::fmt;

/// The most globs in one URL: enough for any real pattern, and a bound on the work a hostile
/// argument can ask for while the URL is being parsed (curl's `GLOB_PATTERN_NUM` is 100 too).
const MAX_GLOBS: usize = 100;

/// A URL pattern made of literal parts and globs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    parts: Vec<Part>,
    /// How many URLs the pattern gives: the product of every glob's length.
    count: u64,
}

/// One piece of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Text taken as it is.
    Literal(String),
    /// `{a,b,c}`.
    Set(Vec<String>),
    /// `[a-z]` or `[a-z:2]`.
    Letters { first: u8, step: u8, len: u64 },
    /// `[1-10]`, `[01-10]`, `[1-10:3]`; `width` pads with zeros.
    Numbers {
        first: u64,
        step: u64,
        len: u64,
        width: usize,
    },
}

impl Part {
    /// How many values this part takes in turn (1 for literal text).
    fn len(&self) -> u64 {
        match self {
            Part::Literal(_) => 1,
            Part::Set(items) => items.len() as u64,
            Part::Letters { len, .. } | Part::Numbers { len, .. } => *len,
        }
    }

    /// The `index`-th value, `index < self.len()`.
    fn value(&self, index: u64) -> String {
        match self {
            Part::Literal(text) => text.clone(),
            Part::Set(items) => items[index as usize].clone(),
            Part::Letters { first, step, .. } => {
                // index * step stays within the 26 letters checked at parse time.
                char::from(first + (index as u8) * step).to_string()
            }
            Part::Numbers {
                first, step, width, ..
            } => format!("{:0width$}", first + index * step),
        }
    }
}

/// One URL of a pattern, and the text each glob gave it (for `#1`, `#2`, … in `-o`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The URL.
    pub url: String,
    /// The value of each glob, in the order the globs appear.
    pub values: Vec<String>,
}

/// A pattern that is not a valid glob: curl's message and the 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    /// What is wrong, in curl's words ("bad range", "unmatched brace", …).
    pub message: &'static str,
    /// Where, counting characters from 1; 0 when no column applies.
    pub column: usize,
}

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column > 0 {
            write!(f, "{} in URL position {}", self.message, self.column)
        } else {
            f.write_str(self.message)
        }
    }
}

fn error(message: &'static str, column: usize) -> GlobError {
    GlobError { message, column }
}

impl Glob {
    /// The pattern in `url`.
    pub fn parse(url: &str) -> Result<Glob, GlobError> {
        let chars: Vec<char> = url.chars().collect();
        let mut parts = Vec::new();
        let mut count: u64 = 1;
        let mut at = 0;
        let mut literal = String::new();
        while at < chars.len() {
            match chars[at] {
                '[' => {
                    if let Some(skip) = literal_bracket(&chars[at..]) {
                        literal.extend(&chars[at..at + skip]);
                        at += skip;
                        continue;
                    }
                    flush(&mut literal, &mut parts);
                    let (part, next) = parse_range(&chars, at + 1)?;
                    count = multiply(count, part.len(), next)?;
                    push_glob(&mut parts, part, next)?;
                    at = next;
                }
                '{' => {
                    flush(&mut literal, &mut parts);
                    let (part, next) = parse_set(&chars, at + 1)?;
                    count = multiply(count, part.len(), next)?;
                    push_glob(&mut parts, part, next)?;
                    at = next;
                }
                '}' | ']' => return Err(error("unmatched close brace/bracket", at + 1)),
                '\\' if matches!(chars.get(at + 1), Some('{' | '[' | '}' | ']')) => {
                    literal.push(chars[at + 1]);
                    at += 2;
                }
                c => {
                    literal.push(c);
                    at += 1;
                }
            }
        }
        flush(&mut literal, &mut parts);
        Ok(Glob { parts, count })
    }

    /// How many URLs the pattern gives (1 for a URL without globs).
    pub fn len(&self) -> u64 {
        self.count
    }

    /// The URL at `index` (`index < self.len()`), in curl's order: the rightmost glob varies
    /// fastest.
    pub fn get(&self, index: u64) -> Expansion {
        let mut picks = vec![0u64; self.parts.len()];
        let mut rest = index;
        for (pick, part) in picks.iter_mut().zip(&self.parts).rev() {
            let len = part.len();
            *pick = rest % len;
            rest /= len;
        }
        let mut url = String::new();
        let mut values = Vec::new();
        for (part, pick) in self.parts.iter().zip(picks) {
            let value = part.value(pick);
            url.push_str(&value);
            if !matches!(part, Part::Literal(_)) {
                values.push(value);
            }
        }
        Expansion { url, values }
    }
}

/// `template` with each `#N` replaced by the N-th glob's value (1-based); a `#N` with no such
/// glob stays as it is, as in curl.
pub fn fill_output_name(template: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(hash) = rest.find('#') {
        out.push_str(&rest[..hash]);
        let after = &rest[hash + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let value = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| values.get(n));
        match value {
            Some(value) => {
                out.push_str(value);
                rest = &after[digits..];
            }
            None => {
                out.push('#');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Ends the literal text gathered so far as a part of its own.
fn flush(literal: &mut String, parts: &mut Vec<Part>) {
    if !literal.is_empty() {
        parts.push(Part::Literal(std::mem::take(literal)));
    }
}

fn push_glob(parts: &mut Vec<Part>, part: Part, column: usize) -> Result<(), GlobError> {
    let globs = parts
        .iter()
        .filter(|p| !matches!(p, Part::Literal(_)))
        .count();
    if globs >= MAX_GLOBS {
        return Err(error("too many globs", column));
    }
    parts.push(part);
    Ok(())
}

fn multiply(count: u64, len: u64, column: usize) -> Result<u64, GlobError> {
    count
        .checked_mul(len)
        .ok_or(error("range overflow", column))
}

/// How many characters at the start of `chars` (which starts with `[`) are an IPv6 address in
/// brackets or `[]`, to be taken literally; `None` for a range. An address has no `-` and at
/// least two colons; a range has a `-` and at most one colon (curl's rule).
fn literal_bracket(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|&c| c == ']')?;
    let inside = &chars[1..close];
    let colons = inside.iter().filter(|&&c| c == ':').count();
    let address = inside
        .iter()
        .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '%'))
        || inside.contains(&'%'); // a zone id may hold any name
    let ipv6 = colons >= 2 && !inside.contains(&'-') && address;
    (inside.is_empty() || ipv6).then_some(close + 1)
}

/// A `{…}` set whose first element starts at `start`; the set and the index after its `}`.
fn parse_set(chars: &[char], start: usize) -> Result<(Part, usize), GlobError> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut at = start;
    loop {
        match chars.get(at) {
            None => return Err(error("unmatched brace", start)),
            Some('{' | '[') => return Err(error("nested brace", at + 1)),
            Some(']') => return Err(error("unexpected close bracket", at + 1)),
            Some('}') => {
                if at == start {
                    return Err(error("empty string within braces", at + 1));
                }
                items.push(item);
                return Ok((Part::Set(items), at + 1));
            }
            Some(',') => {
                items.push(std::mem::take(&mut item));
                at += 1;
            }
            Some('\\') if at + 1 < chars.len() => {
                item.push(chars[at + 1]);
                at += 2;
            }
            Some(&c) => {
                item.push(c);
                at += 1;
            }
        }
    }
}

/// A `[…]` range whose text starts at `start`; the range and the index after its `]`.
fn parse_range(chars: &[char], start: usize) -> Result<(Part, usize), GlobError> {
    let close = chars[start..]
        .iter()
        .position(|&c| c == ']')
        .map(|i| start + i)
        .ok_or(error("bad range", start))?;
    let text: String = chars[start..close].iter().collect();
    // curl points just past the range.
    let bad = || error("bad range", close + 2);
    let first = text.chars().next().ok_or_else(bad)?;
    let part = if first.is_ascii_alphabetic() {
        letter_range(&text).ok_or_else(bad)?
    } else if first.is_ascii_digit() {
        number_range(&text).ok_or_else(bad)?
    } else {
        return Err(error("bad range specification", start));
    };
    Ok((part, close + 1))
}

/// `a-z` or `a-z:N`.
fn letter_range(text: &str) -> Option<Part> {
    let bytes = text.as_bytes();
    let (&first, &dash, &last) = (bytes.first()?, bytes.get(1)?, bytes.get(2)?);
    if dash != b'-' || !last.is_ascii_alphabetic() {
        return None;
    }
    let step: u64 = match &text[3..] {
        "" => 1,
        rest => rest.strip_prefix(':')?.parse().ok()?,
    };
    let span = u64::from(last.checked_sub(first)?);
    let valid = step > 0 && span <= u64::from(b'z' - b'a') && (span == 0 || step <= span);
    if !valid || (span == 0 && step != 1) {
        return None;
    }
    Some(Part::Letters {
        first,
        step: step as u8,
        len: span / step + 1,
    })
}

/// `1-10`, `01-10` (zero-padded), `1-10:N`; blanks may follow the `-`.
fn number_range(text: &str) -> Option<Part> {
    let (low, rest) = text.split_once('-')?;
    let (high, step) = match rest.split_once(':') {
        // A `+` may lead the step, as curl reads it (strtoul), and as `[a-c:+1]` is read.
        Some((high, step)) => {
            let step = step.strip_prefix('+').unwrap_or(step);
            (high, digits(step)?.parse::<u64>().ok()?)
        }
        None => (rest, 1),
    };
    let high = high.trim_start_matches([' ', '\t']);
    let first: u64 = digits(low)?.parse().ok()?;
    let last: u64 = digits(high)?.parse().ok()?;
    let span = last.checked_sub(first)?;
    if step == 0 || (span == 0 && step != 1) || (span > 0 && step > span) {
        return None;
    }
    let width = if low.starts_with('0') { low.len() } else { 0 };
    Some(Part::Numbers {
        first,
        step,
        len: span / step + 1,
        width,
    })
}

/// `s` if it is one or more ASCII digits.
fn digits(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every URL a pattern gives, in order.
    fn all(pattern: &str) -> Vec<String> {
        let glob = Glob::parse(pattern).unwrap();
        (0..glob.len()).map(|i| glob.get(i).url).collect()
    }

    fn fails(pattern: &str) -> GlobError {
        Glob::parse(pattern).unwrap_err()
    }

    #[test]
    fn a_url_without_globs_is_one_url() {
        assert_eq!(all("http://h/a?b=c"), ["http://h/a?b=c"]);
    }

    #[test]
    fn a_set() {
        assert_eq!(all("h/{one,two,}x"), ["h/onex", "h/twox", "h/x"]);
    }

    #[test]
    fn a_number_range() {
        assert_eq!(all("h/[1-3]"), ["h/1", "h/2", "h/3"]);
    }

    #[test]
    fn a_zero_padded_range() {
        let urls = all("h/[01-10]");
        assert_eq!(urls.first().unwrap(), "h/01");
        assert_eq!(urls.last().unwrap(), "h/10");
        assert_eq!(urls.len(), 10);
        assert_eq!(all("h/[008-010]"), ["h/008", "h/009", "h/010"]);
    }

    #[test]
    fn a_step() {
        assert_eq!(all("h/[1-10:4]"), ["h/1", "h/5", "h/9"]);
        assert_eq!(all("h/[a-e:2]"), ["h/a", "h/c", "h/e"]);
        assert_eq!(all("h/[1-3:+2]"), ["h/1", "h/3"]);
        assert_eq!(all("h/[a-c:+2]"), ["h/a", "h/c"]);
    }

    #[test]
    fn a_letter_range() {
        assert_eq!(all("[a-c]"), ["a", "b", "c"]);
        assert_eq!(all("[A-A]"), ["A"]);
    }

    #[test]
    fn the_rightmost_glob_varies_fastest() {
        assert_eq!(all("{a,b}[1-2]"), ["a1", "a2", "b1", "b2"]);
    }

    #[test]
    fn values_feed_hash_numbers_in_output_names() {
        let glob = Glob::parse("http://{site,host}.x/[1-2]").unwrap();
        let third = glob.get(2);
        assert_eq!(third.url, "http://host.x/1");
        assert_eq!(third.values, ["host", "1"]);
        assert_eq!(fill_output_name("#1_#2.txt", &third.values), "host_1.txt");
        // No such glob: kept as written, like a '#' without digits.
        assert_eq!(fill_output_name("#3#x#", &third.values), "#3#x#");
        assert_eq!(fill_output_name("#01", &third.values), "host");
    }

    #[test]
    fn backslash_escapes() {
        assert_eq!(all(r"h/\{a\}\[1\]"), ["h/{a}[1]"]);
        assert_eq!(all(r"{a\,b,c}"), ["a,b", "c"]);
    }

    #[test]
    fn ipv6_addresses_and_empty_brackets_are_literal() {
        assert_eq!(
            all("http://[::1]:8080/[1-2]"),
            ["http://[::1]:8080/1", "http://[::1]:8080/2"]
        );
        assert_eq!(
            all("http://[fe80::1%25eth0]/"),
            ["http://[fe80::1%25eth0]/"]
        );
        assert_eq!(all("a[]b"), ["a[]b"]);
    }

    #[test]
    fn malformed_patterns_are_errors_with_a_column() {
        assert_eq!(fails("h/{a,b"), error("unmatched brace", 3));
        assert_eq!(fails("h/{a,{b}}").message, "nested brace");
        assert_eq!(fails("h/{}").message, "empty string within braces");
        assert_eq!(fails("h/a}").message, "unmatched close brace/bracket");
        assert_eq!(fails("h/a]").column, 4);
        assert_eq!(fails("h/[3-1]").message, "bad range");
        assert_eq!(fails("h/[1-3").message, "bad range");
        assert_eq!(fails("h/[1-3:0]").message, "bad range");
        assert_eq!(fails("h/[1-3:5]").message, "bad range");
        assert_eq!(fails("h/[a-Z]").message, "bad range");
        assert_eq!(fails("h/[-1]").message, "bad range specification");
        assert_eq!(fails("h/[3-1]").to_string(), "bad range in URL position 8");
    }

    #[test]
    fn the_count_cannot_overflow() {
        let huge = "[1-99999999999999999][1-99999999999999999]";
        assert_eq!(fails(huge).message, "range overflow");
    }

    #[test]
    fn a_huge_range_costs_nothing_until_used() {
        let glob = Glob::parse("h/[1-4000000000]").unwrap();
        assert_eq!(glob.len(), 4_000_000_000);
        assert_eq!(glob.get(3_999_999_999).url, "h/4000000000");
    }

    #[test]
    fn too_many_globs() {
        let pattern = "{a}".repeat(MAX_GLOBS + 1);
        assert_eq!(fails(&pattern).message, "too many globs");
        assert!(Glob::parse(&"{a}".repeat(MAX_GLOBS)).is_ok());
    }
}
