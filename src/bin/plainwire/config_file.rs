//! Config files in curl's syntax (`-K FILE`, and the default `plainwirerc`): text into
//! option-and-value entries. It reads nothing and applies nothing; [`crate::args`] does both.
//!
//! The syntax is curl's (docs/cmdline-opts/config.md), one option per line:
//!
//! ```text
//! # a comment: '#' as the first non-blank character
//! url = "https://example.com/"      # long name without dashes; '=' or ':' may separate
//! output: "page.html"
//! --user-agent "plainwire/1"        # with dashes, only whitespace separates
//! -O
//! silent
//! ```
//!
//! A value in double quotes may hold whitespace and the escapes `\\`, `\"`, `\t`, `\n`, `\r`
//! and `\v` (a backslash before any other character is dropped); an unquoted value ends at the
//! first whitespace. Text after an unquoted value, other than a `#` comment, is an error here
//! (curl warns and goes on; a line that does not say what it means is refused instead).
//!
//! The default file: plainwire does not read curl's `~/.curlrc`, whose options may be ones
//! plainwire lacks or treats differently. It reads `$XDG_CONFIG_HOME/plainwire/plainwirerc`,
//! or else `~/.plainwirerc`, unless `-q` (`--disable`) is the first argument.

use std::path::PathBuf;

/// The largest config file read: far beyond any real one, and a bound on memory for a file
/// that is not a config file at all (curl allows lines of up to 10 MB).
pub const MAX_CONFIG_BYTES: u64 = 10 * 1024 * 1024;

/// One option line of a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line number, for messages.
    pub line: usize,
    /// The option as written: `url`, `--url`, `-o`, `-sS`.
    pub option: String,
    /// Its value, if the line has one.
    pub value: Option<String>,
}

/// A line that cannot be read: its number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The entries of a config file, in order.
pub fn parse(text: &str) -> Result<Vec<Entry>, SyntaxError> {
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if let Some(entry) = parse_line(raw, line)? {
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// Where the default config file is, if there is one: `$XDG_CONFIG_HOME/plainwire/plainwirerc`
/// when that file exists, else `$HOME/.plainwirerc` when that file exists.
pub fn default_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(|dir| PathBuf::from(dir).join("plainwire").join("plainwirerc"));
    let home = std::env::var_os("HOME")
        .filter(|dir| !dir.is_empty())
        .map(|dir| PathBuf::from(dir).join(".plainwirerc"));
    [xdg, home]
        .into_iter()
        .flatten()
        .find(|path| path.is_file())
}

/// curl's `ISBLANK`/`ISSPACE`: ASCII whitespace only. A no-break space (U+00A0) or another
/// Unicode space is part of a value, as curl reads the bytes.
fn is_blank(c: char) -> bool {
    c.is_ascii_whitespace()
}

fn parse_line(raw: &str, line: usize) -> Result<Option<Entry>, SyntaxError> {
    let text = raw.trim_start_matches(is_blank);
    // curl skips lines starting with '#', '/', '*' and empty ones.
    if text.is_empty() || text.starts_with(['#', '/', '*']) {
        return Ok(None);
    }
    let dashed = text.starts_with('-');
    let is_separator = |c: char| is_blank(c) || (!dashed && (c == '=' || c == ':'));
    let end = text.find(is_separator).unwrap_or(text.len());
    let option = text[..end].to_string();
    let rest = text[end..].trim_start_matches(is_separator);
    // A lone '#' followed by more words is a comment after the option (`silent # quiet`,
    // which curl takes with a warning); a value that starts with '#' (`#frag`) stays one.
    let value = if rest.starts_with("# ") || rest.starts_with("#\t") {
        None
    } else if let Some(quoted) = rest.strip_prefix('"') {
        let (value, after) = unquote(quoted).ok_or_else(|| SyntaxError {
            line,
            message: format!("option '{option}': the quoted value has no closing quote"),
        })?;
        check_nothing_after(after, &option, line)?;
        Some(value)
    } else {
        let end = rest.find(is_blank).unwrap_or(rest.len());
        check_nothing_after(&rest[end..], &option, line)?;
        (end > 0).then(|| rest[..end].to_string())
    };
    Ok(Some(Entry {
        line,
        option,
        value,
    }))
}

/// Only whitespace or a `#` comment may follow a value.
fn check_nothing_after(after: &str, option: &str, line: usize) -> Result<(), SyntaxError> {
    let after = after.trim_start_matches(is_blank);
    if after.is_empty() || after.starts_with('#') {
        Ok(())
    } else {
        Err(SyntaxError {
            line,
            message: format!(
                "option '{option}': unquoted whitespace in its value; put the value in double quotes"
            ),
        })
    }
}

/// The text of a quoted value (after its opening quote) with escapes applied, and what
/// follows its closing quote; `None` when the quote is never closed.
fn unquote(text: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((out, &text[at + 1..])),
            '\\' => match chars.next() {
                Some((_, 't')) => out.push('\t'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 'v')) => out.push('\u{b}'),
                Some((_, other)) => out.push(other),
                None => return None,
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(line: usize, option: &str, value: Option<&str>) -> Entry {
        Entry {
            line,
            option: option.to_string(),
            value: value.map(str::to_string),
        }
    }

    fn one(text: &str) -> Entry {
        let mut entries = parse(text).unwrap();
        assert_eq!(entries.len(), 1, "{text:?}");
        entries.remove(0)
    }

    #[test]
    fn the_separators_of_a_long_name_without_dashes() {
        for text in [
            "url = x",
            "url=x",
            "url: x",
            "url :x",
            "url x",
            "  url   =  x  ",
        ] {
            assert_eq!(one(text), entry(1, "url", Some("x")), "{text:?}");
        }
    }

    #[test]
    fn a_dashed_option_is_separated_by_whitespace_only() {
        assert_eq!(one("--url x"), entry(1, "--url", Some("x")));
        assert_eq!(one("-o out"), entry(1, "-o", Some("out")));
        // '=' is part of the dashed option, as on the command line.
        assert_eq!(one("--url=x"), entry(1, "--url=x", None));
        assert_eq!(one("-sS"), entry(1, "-sS", None));
    }

    #[test]
    fn a_flag_without_a_value() {
        assert_eq!(one("silent"), entry(1, "silent", None));
        assert_eq!(one("  silent  "), entry(1, "silent", None));
        // As in curl, what follows a flag is its value: `#` starts a comment only after one.
        assert_eq!(one("silent #"), entry(1, "silent", Some("#")));
    }

    #[test]
    fn quoted_values_keep_whitespace_and_apply_escapes() {
        assert_eq!(
            one(r#"user-agent = "a b\t\"c\" \\ \n \q""#).value.unwrap(),
            "a b\t\"c\" \\ \n q"
        );
        assert_eq!(one(r#"header = "X: 1" # why"#).value.unwrap(), "X: 1");
        assert_eq!(one(r#"data = """#).value.unwrap(), "");
        // A value that starts with ':' or '=' needs quotes.
        assert_eq!(one(r#"data = "=x""#).value.unwrap(), "=x");
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_lines_counted() {
        let text = "# comment\n\n   # indented\n/ slash\n* star\nurl = a\r\n-O\n";
        assert_eq!(
            parse(text).unwrap(),
            vec![entry(6, "url", Some("a")), entry(7, "-O", None)]
        );
    }

    #[test]
    fn a_comment_may_follow_an_option() {
        let text = "silent # quiet please\nurl = a # the site\ndata = #x\n";
        assert_eq!(
            parse(text).unwrap(),
            vec![
                entry(1, "silent", None),
                entry(2, "url", Some("a")),
                entry(3, "data", Some("#x"))
            ]
        );
    }

    #[test]
    fn only_ascii_whitespace_separates() {
        // A no-break space is part of the value, as curl reads the bytes.
        let entry = parse_line("user-agent = a\u{a0}b", 1).unwrap().unwrap();
        assert_eq!(entry.value.as_deref(), Some("a\u{a0}b"));
    }

    #[test]
    fn unquoted_whitespace_is_refused() {
        let err = parse("silent\nuser-agent = two words").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("user-agent"), "{}", err.message);
    }

    #[test]
    fn an_unclosed_quote_is_refused() {
        assert_eq!(parse(r#"url = "x"#).unwrap_err().line, 1);
        assert_eq!(parse(r#"url = "x\"#).unwrap_err().line, 1);
    }

    #[test]
    fn text_after_a_closing_quote_is_refused() {
        assert!(parse(r#"url = "x" y"#).is_err());
    }
}
