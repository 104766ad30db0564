//! The values options take: numbers, sizes, seconds, headers, methods, protocol lists, the
//! `@FILE` rule. Pure functions from text to values; each error is the message that follows
//! `option -X: ` in a usage error. Nothing here reads a file.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use plainwire::http1::write::{is_field_value, is_request_target, is_token, is_token_byte};

/// Where an option's bytes come from: `@FILE`, `@-` (standard input) or the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The bytes given on the command line.
    Inline(Vec<u8>),
    /// `@FILE`: this file's contents, read before the first transfer.
    File(PathBuf),
    /// `@-`: standard input, read before the first transfer.
    Stdin,
}

impl Source {
    /// `@-` is stdin, `@FILE` a file, anything else the literal bytes. Bytes, not text: a
    /// browser's "Copy as cURL" writes the characters U+0080 to U+00FF of a body as `\xNN`
    /// in `$'...'`, which the shell makes single Latin-1 bytes, and curl sends them as given.
    pub fn from_at(value: impl AsRef<[u8]>) -> Source {
        let value = value.as_ref();
        match value.strip_prefix(b"@") {
            Some(b"-") => Source::Stdin,
            Some(file) => Source::File(path_from_bytes(file)),
            None => Source::Inline(value.to_vec()),
        }
    }

    /// Like [`Source::from_at`] for a file name that follows an `@` or `<` already taken off
    /// (`name@FILE`, `-F name=@FILE`): `-` is stdin, anything else a file.
    pub fn from_file_name(name: impl AsRef<[u8]>) -> Source {
        match name.as_ref() {
            b"-" => Source::Stdin,
            name => Source::File(path_from_bytes(name)),
        }
    }
}

/// A file name given as bytes on the command line: any bytes on Unix, where a name is bytes;
/// elsewhere its text, with what is not UTF-8 replaced.
pub fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(os_string_from_bytes(bytes))
}

/// Bytes of a command-line argument as an argument again: as they are on Unix; elsewhere
/// their text, with what is not UTF-8 replaced.
pub fn os_string_from_bytes(bytes: &[u8]) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(bytes).to_os_string()
    }
    #[cfg(not(unix))]
    {
        OsString::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// A piece of request data (`-d` and friends) or of the query (`--url-query`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataPiece {
    /// Bytes sent as they are; `strip_line_breaks` drops CR, LF and NUL from what a file or
    /// stdin gave (curl's `-d @FILE`).
    Bytes {
        /// Where the bytes come from.
        source: Source,
        /// Whether CR, LF and NUL are dropped.
        strip_line_breaks: bool,
    },
    /// `--data-urlencode`: `content` URL-encoded, after `name=` when there is a name.
    UrlEncoded {
        /// The name part, already encoded by the user (curl's rule).
        name: Option<Vec<u8>>,
        /// The content to encode.
        content: Source,
    },
}

impl DataPiece {
    /// `-d`/`--data`/`--data-ascii`: `@FILE` is read with line breaks dropped.
    pub fn data(value: impl AsRef<[u8]>) -> DataPiece {
        let source = Source::from_at(value);
        let strip_line_breaks = !matches!(source, Source::Inline(_));
        DataPiece::Bytes {
            source,
            strip_line_breaks,
        }
    }

    /// `--data-binary`: `@FILE` is read byte for byte.
    pub fn binary(value: impl AsRef<[u8]>) -> DataPiece {
        DataPiece::Bytes {
            source: Source::from_at(value),
            strip_line_breaks: false,
        }
    }

    /// `--data-raw`: the bytes as they are, `@` included.
    pub fn raw(value: impl AsRef<[u8]>) -> DataPiece {
        DataPiece::Bytes {
            source: Source::Inline(value.as_ref().to_vec()),
            strip_line_breaks: false,
        }
    }

    /// `--data-urlencode` in its five forms: `content`, `=content`, `name=content`,
    /// `@file`, `name@file`. The first `=` decides; without one, the first `@` does.
    pub fn url_encoded(value: impl AsRef<[u8]>) -> DataPiece {
        let value = value.as_ref();
        let split = value
            .iter()
            .position(|&b| b == b'=')
            .or_else(|| value.iter().position(|&b| b == b'@'))
            .map(|at| (&value[..at], value[at], &value[at + 1..]));
        let (name, content) = match split {
            None => (None, Source::Inline(value.to_vec())),
            Some((name, separator, rest)) => {
                let name = (!name.is_empty()).then(|| name.to_vec());
                let content = if separator == b'@' {
                    Source::from_file_name(rest)
                } else {
                    Source::Inline(rest.to_vec())
                };
                (name, content)
            }
        };
        DataPiece::UrlEncoded { name, content }
    }

    /// `--url-query`: like `--data-urlencode`, except that a leading `+` means "as it is".
    pub fn url_query(value: impl AsRef<[u8]>) -> DataPiece {
        let value = value.as_ref();
        match value.strip_prefix(b"+") {
            Some(raw) => DataPiece::raw(raw),
            None => DataPiece::url_encoded(value),
        }
    }
}

/// A `-H` header: `Name: value`, `Name;` (empty value) or `Name:` (leave it out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The field name as given.
    pub name: String,
    /// The value; `None` for `Name:`, which asks that the header not be sent.
    pub value: Option<String>,
}

/// `Name: value` (value trimmed), `Name;` for an empty value, `Name:` to leave it out.
pub fn header(value: &str) -> Result<Header, String> {
    if !is_field_value(value) {
        return Err(format!("header {CONTROL}"));
    }
    let (name, value) = match value.split_once(':') {
        Some((name, value)) => {
            let value = value.trim_matches([' ', '\t']);
            (name, (!value.is_empty()).then(|| value.to_string()))
        }
        None => match value.strip_suffix(';') {
            Some(name) => (name, Some(String::new())),
            None => return Err("header must be 'Name: value' or 'Name;'".to_string()),
        },
    };
    if !is_token(name) {
        return Err(bad_name(name));
    }
    Ok(Header {
        name: name.to_string(),
        value,
    })
}

/// Why `name` is not a header name, in the library's words: quoted only up to the first
/// character a name cannot hold, since what follows may be a mistyped secret
/// (`Authorization Bearer abc;`), and a usage error is printed.
fn bad_name(name: &str) -> String {
    plainwire::http1::write::not_a_name("header name", name, is_token_byte)
}

/// A method: non-empty, no whitespace or control characters.
pub fn method(value: &str) -> Result<String, String> {
    if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("method must be non-empty, without spaces, CR or LF".to_string())
    } else {
        Ok(value.to_string())
    }
}

/// Why a value that would go into a header or the request line is refused.
const CONTROL: &str = "must not contain CR, LF, NUL or another control character";

/// Text that goes into a header field as it is (`-A`, `-e`, `-b`, `--oauth2-bearer`): the
/// library's rule for a field value, checked here so that the error names the option and
/// comes before any transfer, as every other usage error does.
pub fn field_value(value: &str) -> Result<String, String> {
    if is_field_value(value) {
        Ok(value.to_string())
    } else {
        Err(CONTROL.to_string())
    }
}

/// `--request-target`: the library's rule for a request target (not empty, ASCII, no space or
/// control character), checked here for the same reason.
pub fn request_target(value: &str) -> Result<String, String> {
    if is_request_target(value) {
        Ok(value.to_string())
    } else {
        Err(
            "must not be empty, or contain a space, a control character or a character \
             that is not ASCII (percent-encode it)"
                .to_string(),
        )
    }
}

/// `-u` and `-U`: `user:password`, split at the first colon; without one the password is
/// empty.
pub fn credentials(value: &str) -> (String, String) {
    match value.split_once(':') {
        Some((name, password)) => (name.to_string(), password.to_string()),
        None => (value.to_string(), String::new()),
    }
}

const BAD_NUMBER: &str = "expected a proper numerical parameter";

/// `--max-redirs`: a non-negative integer, or `-1` for no limit (curl).
pub fn redirs(value: &str) -> Result<u32, String> {
    if value == "-1" {
        return Ok(u32::MAX);
    }
    digits(value)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| BAD_NUMBER.to_string())
}

/// A count: one or more ASCII digits.
pub fn count(value: &str) -> Result<u64, String> {
    digits(value)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| BAD_NUMBER.to_string())
}

/// Seconds as a non-negative decimal: `5`, `0.25`, `.5`, `5.`; no sign, exponent, `inf` or
/// `NaN`. Digits beyond nanoseconds are dropped.
pub fn seconds(value: &str) -> Result<Duration, String> {
    let bad = || BAD_NUMBER.to_string();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    let secs = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().map_err(|_| bad())?
    };
    let mut nanos = 0u32;
    for place in 0..9 {
        let digit = fraction.as_bytes().get(place).map_or(0, |b| b - b'0');
        nanos = nanos * 10 + u32::from(digit);
    }
    Ok(Duration::new(secs, nanos))
}

/// A byte count: an integer with an optional curl suffix, `k`, `m` or `g` (powers of 1024,
/// either case) or `b` (bytes).
pub fn size(value: &str) -> Result<u64, String> {
    let (number, unit) = match value.char_indices().next_back() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&value[..at], Some(c)),
        _ => (value, None),
    };
    let multiplier: u64 = match unit.map(|c| c.to_ascii_lowercase()) {
        None | Some('b') => 1,
        Some('k') => 1 << 10,
        Some('m') => 1 << 20,
        Some('g') => 1 << 30,
        Some(_) => return Err(BAD_NUMBER.to_string()),
    };
    digits(number)
        .and_then(|d| d.parse::<u64>().ok())
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| BAD_NUMBER.to_string())
}

/// A count that fits 32 bits (`--retry`).
pub fn count_u32(value: &str) -> Result<u32, String> {
    count(value).and_then(|n| u32::try_from(n).map_err(|_| BAD_NUMBER.to_string()))
}

/// `-r RANGE`, as curl takes it: a lone number gets its dash (`500` is `500-`), with a
/// warning; characters other than digits, `-` and `,` are sent, with a warning. The range and
/// the warning, if any.
pub fn range(value: &str) -> (String, Option<String>) {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return (
            format!("{value}-"),
            Some(
                "A specified range MUST include at least one dash (-). Appending one for you"
                    .to_string(),
            ),
        );
    }
    let odd = value
        .bytes()
        .any(|b| !(b.is_ascii_digit() || b == b'-' || b == b','));
    let warning = odd.then(|| {
        "Invalid character is found in given range. A specified range MUST have only digits in \
         'start'-'stop'. The server's response to this request is uncertain."
            .to_string()
    });
    (value.to_string(), warning)
}

/// `s` if it is one or more ASCII digits (`str::parse` would allow `+`).
fn digits(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// `-E`/`--cert CERT[:PASSWORD]`: the file name, with `\:` standing for a colon in it, and
/// whether a password follows (it is not kept: plainwire reads only unencrypted keys, and the
/// caller refuses it).
pub fn cert(value: &str) -> (PathBuf, bool) {
    let mut name = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(':' | '\\')) => name.push(chars.next().unwrap()),
            ':' => return (PathBuf::from(name), true),
            c => name.push(c),
        }
    }
    (PathBuf::from(name), false)
}

/// The protocols a transfer may use (`--proto`); plainwire speaks only these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protocols {
    /// `http` allowed.
    pub http: bool,
    /// `https` allowed.
    pub https: bool,
}

impl Protocols {
    /// Every protocol: the default.
    pub const ALL: Protocols = Protocols {
        http: true,
        https: true,
    };

    /// Whether `scheme` (lowercase) is allowed.
    pub fn allows(self, scheme: &str) -> bool {
        match scheme {
            "http" => self.http,
            "https" => self.https,
            _ => false,
        }
    }

    /// Applies a `--proto` list (`=https`, `-all,https`, `+http,-https`) to this set, left to
    /// right. Names plainwire does not speak (`ftp`, …) are skipped, and returned for a warning.
    pub fn apply(&mut self, list: &str) -> Vec<String> {
        let mut unknown = Vec::new();
        for token in list.split(',').filter(|t| !t.is_empty()) {
            let name = token.trim_start_matches(['+', '-', '=']);
            let modifier = token[..token.len() - name.len()].chars().next_back();
            let (http, https) = match name.to_ascii_lowercase().as_str() {
                "all" => (true, true),
                "http" => (true, false),
                "https" => (false, true),
                _ => {
                    unknown.push(name.to_string());
                    (false, false)
                }
            };
            match modifier {
                Some('-') => {
                    self.http &= !http;
                    self.https &= !https;
                }
                Some('=') => *self = Protocols { http, https },
                _ => {
                    self.http |= http;
                    self.https |= https;
                }
            }
        }
        unknown
    }
}

/// `--parallel-max`: how many transfers run at once with `-Z` (curl's default is 50).
pub const PARALLEL_DEFAULT: usize = 50;
/// The most transfers at once: each runs on a thread of its own, and curl 7.88's limit (300)
/// is far beyond what one command needs.
pub const PARALLEL_MAX: usize = 300;

/// `--parallel-max N`: below 1 gives the default, above the limit the limit (as curl).
pub fn parallel_max(value: &str) -> Result<usize, String> {
    let n = count(value)?;
    Ok(match n {
        0 => PARALLEL_DEFAULT,
        n => usize::try_from(n).unwrap_or(PARALLEL_MAX).min(PARALLEL_MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_split_at_the_first_colon() {
        let pair = |user: &str, password: &str| (user.to_string(), password.to_string());
        assert_eq!(credentials("ann:se:cret"), pair("ann", "se:cret"));
        assert_eq!(credentials("ann"), pair("ann", ""));
        assert_eq!(credentials(":pw"), pair("", "pw"));
    }

    fn inline(text: &str) -> Source {
        Source::Inline(text.as_bytes().to_vec())
    }

    #[test]
    fn at_sources() {
        assert_eq!(Source::from_at("@-"), Source::Stdin);
        assert_eq!(Source::from_at("@f.txt"), Source::File("f.txt".into()));
        assert_eq!(Source::from_at("a@b"), inline("a@b"));
    }

    #[test]
    fn data_strips_line_breaks_only_from_files_and_stdin() {
        assert_eq!(
            DataPiece::data("a=1"),
            DataPiece::Bytes {
                source: inline("a=1"),
                strip_line_breaks: false
            }
        );
        assert_eq!(
            DataPiece::data("@f"),
            DataPiece::Bytes {
                source: Source::File("f".into()),
                strip_line_breaks: true
            }
        );
        assert_eq!(
            DataPiece::binary("@-"),
            DataPiece::Bytes {
                source: Source::Stdin,
                strip_line_breaks: false
            }
        );
        assert_eq!(
            DataPiece::raw("@f"),
            DataPiece::Bytes {
                source: inline("@f"),
                strip_line_breaks: false
            }
        );
    }

    #[test]
    fn data_urlencode_in_its_five_forms() {
        let encoded = |name: Option<&str>, content: Source| DataPiece::UrlEncoded {
            name: name.map(|name| name.as_bytes().to_vec()),
            content,
        };
        assert_eq!(DataPiece::url_encoded("a b"), encoded(None, inline("a b")));
        assert_eq!(DataPiece::url_encoded("=a=b"), encoded(None, inline("a=b")));
        assert_eq!(
            DataPiece::url_encoded("n=a@b"),
            encoded(Some("n"), inline("a@b"))
        );
        assert_eq!(
            DataPiece::url_encoded("@f"),
            encoded(None, Source::File("f".into()))
        );
        assert_eq!(
            DataPiece::url_encoded("n@-"),
            encoded(Some("n"), Source::Stdin)
        );
        // The first '=' wins over an earlier '@'.
        assert_eq!(
            DataPiece::url_encoded("a@b=c"),
            encoded(Some("a@b"), inline("c"))
        );
    }

    #[test]
    fn url_query_plus_means_as_it_is() {
        assert_eq!(DataPiece::url_query("+a b"), DataPiece::raw("a b"));
        assert_eq!(DataPiece::url_query("a b"), DataPiece::url_encoded("a b"));
    }

    #[test]
    fn headers() {
        let h = |name: &str, value: Option<&str>| Header {
            name: name.to_string(),
            value: value.map(str::to_string),
        };
        assert_eq!(
            header("Accept: text/html"),
            Ok(h("Accept", Some("text/html")))
        );
        assert_eq!(header("X-A:b"), Ok(h("X-A", Some("b"))));
        assert_eq!(
            header("Host:  a.example:8080 \t"),
            Ok(h("Host", Some("a.example:8080")))
        );
        assert_eq!(header("X-Empty;"), Ok(h("X-Empty", Some(""))));
        assert_eq!(header("X-Gone:"), Ok(h("X-Gone", None)));
        assert_eq!(header("X-Gone:  "), Ok(h("X-Gone", None)));
        assert_eq!(
            header("Cookie: a=1; b=2"),
            Ok(h("Cookie", Some("a=1; b=2")))
        );
    }

    #[test]
    fn bad_headers() {
        for bad in ["X: a\r\nEvil: 1", "X: a\n", "X: a\r", "X\n: a", "X\r\n;"] {
            assert_eq!(
                header(bad).unwrap_err(),
                "header must not contain CR, LF, NUL or another control character"
            );
        }
        assert_eq!(
            header("NoColon").unwrap_err(),
            "header must be 'Name: value' or 'Name;'"
        );
        for bad in [": v", ";", "Bad Name: v", "(x): v"] {
            assert!(header(bad).unwrap_err().contains("header name"), "{bad:?}");
        }
        // The name is quoted only up to what a name cannot hold, never a value typed into it.
        assert_eq!(
            header("Authorization Bearer s3cret;").unwrap_err(),
            "not a valid header name: ' ' after \"Authorization\" (the rest is not shown)"
        );
        assert_eq!(
            header("(x): v").unwrap_err(),
            "not a valid header name: it starts with '(' (the rest is not shown)"
        );
        assert_eq!(header(": v").unwrap_err(), "a header name cannot be empty");
    }

    #[test]
    fn methods() {
        assert_eq!(method("PROPFIND"), Ok("PROPFIND".to_string()));
        for bad in ["", "GE T", "GET\r\n", "G\nET", "GET\t"] {
            assert!(method(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn redirect_limits() {
        assert_eq!(redirs("3"), Ok(3));
        assert_eq!(redirs("-1"), Ok(u32::MAX));
        for bad in ["", "-2", "+3", "1.5", "x", "4294967296"] {
            assert_eq!(redirs(bad).unwrap_err(), BAD_NUMBER, "{bad:?}");
        }
    }

    #[test]
    fn fractional_seconds() {
        let cases = [
            ("0.5", Duration::from_millis(500)),
            (".25", Duration::from_millis(250)),
            ("2.", Duration::from_secs(2)),
            ("1.000000001", Duration::new(1, 1)),
            ("1.0000000019", Duration::new(1, 1)),
            ("007.010", Duration::from_millis(7010)),
        ];
        for (text, expected) in cases {
            assert_eq!(seconds(text), Ok(expected), "{text}");
        }
        for bad in [
            "",
            ".",
            "-1",
            "+1",
            "NaN",
            "inf",
            "1e3",
            "1.2.3",
            " 1",
            "1 ",
            "0x10",
            "1s",
            "99999999999999999999",
        ] {
            assert!(seconds(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ranges_as_curl_fixes_them() {
        assert_eq!(range("0-499"), ("0-499".to_string(), None));
        assert_eq!(range("0-0,-1"), ("0-0,-1".to_string(), None));
        let (fixed, warning) = range("500");
        assert_eq!(fixed, "500-");
        assert!(warning.unwrap().contains("Appending one"));
        let (kept, warning) = range("a-b");
        assert_eq!(kept, "a-b");
        assert!(warning.unwrap().contains("Invalid character"));
    }

    #[test]
    fn sizes_with_suffixes() {
        let cases = [
            ("1000", 1000),
            ("1k", 1024),
            ("2K", 2048),
            ("3m", 3 << 20),
            ("5g", 5 << 30),
            ("12b", 12),
            ("0k", 0),
        ];
        for (text, expected) in cases {
            assert_eq!(size(text), Ok(expected), "{text}");
        }
        for bad in [
            "",
            "k",
            "-1",
            "+1",
            "1.5k",
            "1kb",
            "1x",
            "1 k",
            "18446744073709551616",
            "17179869184g",
        ] {
            assert!(size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn certificate_names_and_passwords() {
        assert_eq!(cert("client.pem"), (PathBuf::from("client.pem"), false));
        assert_eq!(
            cert(r"odd\:name.pem"),
            (PathBuf::from("odd:name.pem"), false)
        );
        assert_eq!(
            cert("client.pem:secret"),
            (PathBuf::from("client.pem"), true)
        );
    }

    #[test]
    fn protocol_lists() {
        let after = |list: &str| {
            let mut protocols = Protocols::ALL;
            protocols.apply(list);
            (protocols.http, protocols.https)
        };
        assert_eq!(after("=https"), (false, true));
        assert_eq!(after("-all,https"), (false, true));
        assert_eq!(after("-all,https,+http"), (true, true));
        assert_eq!(after("=http,https"), (true, true));
        assert_eq!(after("-https"), (true, false));
        assert_eq!(after("=ftp"), (false, false));
        let mut protocols = Protocols::ALL;
        assert_eq!(protocols.apply("-ftps,http"), vec!["ftps".to_string()]);
        assert!(protocols.allows("http") && !protocols.allows("ftp"));
    }

    #[test]
    fn parallel_limits() {
        assert_eq!(parallel_max("10"), Ok(10));
        assert_eq!(parallel_max("0"), Ok(PARALLEL_DEFAULT));
        assert_eq!(parallel_max("100000"), Ok(PARALLEL_MAX));
        assert!(parallel_max("-1").is_err());
    }
}
