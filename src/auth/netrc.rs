//! `.netrc` files as curl reads them (`lib/netrc.c`, and its `--netrc` documentation): where
//! the file is, its tokens, and the entry for a host. It does not decide when credentials are
//! sent or dropped (on a redirect to another origin, say): the caller does.
//!
//! ```text
//! # a comment line
//! machine api.example.com login alice password "s3cret with spaces"
//! machine ftp.example.com
//!     login bob
//!     password hunter2
//!     account ignored-by-http
//! macdef init
//! cd /pub
//!
//! default login anonymous password guest@
//! ```
//!
//! - tokens are separated by whitespace; `machine NAME` starts an entry, `default` starts the
//!   entry for every other host; `login`, `password` and `account` take the next token as their
//!   value; other words are ignored, as curl does;
//! - a token in double quotes may hold spaces, with `\"`, `\\`, `\n`, `\r` and `\t` escapes
//!   (curl 7.84 and later); a quote must close on its line;
//! - `macdef NAME` is followed by a macro for FTP clients, skipped up to the next empty line;
//! - a `#` where a token would start begins a comment, to the end of the line, as in curl
//!   (`password s3cret # was: hunter2` is the password `s3cret`); a `#` inside a token, or a
//!   quoted token that starts with one, is part of the token;
//! - a field given again in one entry replaces its value until the entry has both a login
//!   and a password; from then on, later values are ignored, as curl stops reading an entry
//!   once it has both.
//!
//! Passwords never appear in `Debug` output or in error messages, which give line numbers only.

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// The largest `.netrc` read, in bytes: curl's own limit (`MAX_NETRC_FILE`). A file of
/// credentials is a few lines; anything larger is not one, and is refused before it is held
/// in memory.
pub(crate) const MAX_NETRC_FILE: u64 = 128 * 1024;

/// The longest token, in bytes: curl's `MAX_NETRC_TOKEN`. Longer is a syntax error.
pub(crate) const MAX_NETRC_TOKEN: usize = 4096;

/// The credentials of one `machine` (or the `default`) entry.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct NetrcEntry {
    /// `None` for the `default` entry.
    machine: Option<String>,
    login: Option<String>,
    password: Option<String>,
    account: Option<String>,
}

impl NetrcEntry {
    /// The user name, if the entry gives one.
    pub(crate) fn login(&self) -> Option<&str> {
        self.login.as_deref()
    }

    /// The password, if the entry gives one.
    pub(crate) fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The FTP account, if the entry gives one (HTTP has no use for it; parsed so that a file
    /// written for curl reads the same, and checked by the tests).
    #[cfg(test)]
    pub(crate) fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }
}

/// Shows the machine and login; the password and account only as `<hidden>`.
impl fmt::Debug for NetrcEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |secret: &Option<String>| secret.as_ref().map(|_| "<hidden>");
        f.debug_struct("NetrcEntry")
            .field("machine", &self.machine)
            .field("login", &self.login)
            .field("password", &hidden(&self.password))
            .field("account", &hidden(&self.account))
            .finish()
    }
}

/// A parsed `.netrc` file: its entries in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Netrc {
    entries: Vec<NetrcEntry>,
}

impl Netrc {
    /// Parses the text of a `.netrc` file.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`] for a quote that does not close on its line or a token longer than
    /// [`MAX_NETRC_TOKEN`], with the line number and never the token.
    pub(crate) fn parse(text: &str) -> Result<Netrc> {
        let mut entries: Vec<NetrcEntry> = Vec::new();
        let mut state = State::Outside;
        let mut macro_body = false;
        for (index, line) in text.split('\n').enumerate() {
            let line_number = index + 1;
            if macro_body {
                // The macro ends at the first empty line ("consecutive new-line characters",
                // ftp(1)); a line of spaces is macro text, as curl reads it.
                macro_body = !(line.is_empty() || line.starts_with('\r'));
                continue;
            }
            let mut rest = line;
            while let Some(token) = next_token(&mut rest, line_number)? {
                state = match state {
                    State::MachineName => {
                        entries.push(NetrcEntry::new(Some(token)));
                        State::Outside
                    }
                    State::Value(keyword) => {
                        // A field before any entry belongs to none, and is dropped.
                        if let Some(entry) = entries.last_mut() {
                            if entry.login.is_none() || entry.password.is_none() {
                                *entry.field(keyword) = Some(token);
                            }
                        }
                        State::Outside
                    }
                    State::Outside => match Keyword::of(&token) {
                        Some(Keyword::Machine) => State::MachineName,
                        Some(Keyword::Default) => {
                            entries.push(NetrcEntry::new(None));
                            State::Outside
                        }
                        Some(Keyword::Macdef) => {
                            // The rest of this line is the macro's name; its body follows.
                            macro_body = true;
                            break;
                        }
                        Some(Keyword::Field(field)) => State::Value(field),
                        None => State::Outside,
                    },
                };
            }
        }
        Ok(Netrc { entries })
    }

    /// The entry for `host`: the first `machine` entry whose name is `host` (compared without
    /// regard to ASCII case), else the `default` entry.
    ///
    /// Only an entry that can be used is taken, and the search goes on past any other to later
    /// entries and `default`. With no `login` (no user name in the URL), that is one with both
    /// a login and a password. With `login`, one for that login with a password, else one with
    /// a password and no login at all, as curl 7.88 chooses (checked against it). curl would
    /// then even take another login's password for the URL's user; plainwire does not.
    pub(crate) fn lookup(&self, host: &str, login: Option<&str>) -> Option<&NetrcEntry> {
        let candidates = || {
            let machines = self.entries.iter().filter(|entry| {
                entry
                    .machine
                    .as_deref()
                    .is_some_and(|machine| machine.eq_ignore_ascii_case(host))
            });
            let defaults = self.entries.iter().filter(|entry| entry.machine.is_none());
            machines
                .chain(defaults)
                .filter(|entry| entry.password.is_some())
        };
        match login {
            None => candidates().find(|entry| entry.login.is_some()),
            Some(user) => candidates()
                .find(|entry| entry.login.as_deref() == Some(user))
                .or_else(|| candidates().find(|entry| entry.login.is_none())),
        }
    }

    /// Reads and parses the file at `path`, named by the caller (`--netrc-file`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if it cannot be read, and [`ErrorKind::Config`] if it is larger than
    /// [`MAX_NETRC_FILE`], not UTF-8, or not valid; each names the file.
    pub(crate) fn load(path: &Path) -> Result<Netrc> {
        let text = read_limited(path).map_err(|e| {
            Error::new(ErrorKind::Io, format!("cannot read {}", path.display())).with_source(e)
        })?;
        Netrc::parse_file(&text, path)
    }

    /// Reads the `.netrc` curl would: the file `$NETRC` names, else `.netrc` in the home
    /// directory (`$HOME`, on Windows also `%USERPROFILE%`, and there `_netrc` when `.netrc`
    /// is missing). `None` when there is no such file or it cannot be read: a missing default
    /// file is not an error.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`] when the file is read but too large, not UTF-8, or not valid.
    pub(crate) fn load_default() -> Result<Option<Netrc>> {
        for path in default_paths(|name| std::env::var_os(name)) {
            if let Ok(text) = read_limited(&path) {
                return Netrc::parse_file(&text, &path).map(Some);
            }
        }
        Ok(None)
    }

    /// Parses the bytes of the file at `path`, naming it in errors.
    fn parse_file(bytes: &[u8], path: &Path) -> Result<Netrc> {
        let config =
            |what: String| Error::new(ErrorKind::Config, format!("{}: {what}", path.display()));
        if bytes.len() as u64 > MAX_NETRC_FILE {
            return Err(config(format!(
                "larger than the {} KiB a .netrc may be",
                MAX_NETRC_FILE / 1024
            )));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            config(format!("line {line} is not UTF-8 text"))
        })?;
        Netrc::parse(text).map_err(|e| config(e.message().to_owned()))
    }
}

/// Where [`Netrc::load_default`] looks, in order, reading variables through `var`.
fn default_paths(var: impl Fn(&str) -> Option<OsString>) -> Vec<PathBuf> {
    if let Some(file) = var("NETRC").filter(|v| !v.is_empty()) {
        return vec![PathBuf::from(file)];
    }
    let home = var("HOME").filter(|v| !v.is_empty()).or_else(|| {
        if cfg!(windows) {
            var("USERPROFILE").filter(|v| !v.is_empty())
        } else {
            None
        }
    });
    let Some(home) = home.map(PathBuf::from) else {
        return Vec::new();
    };
    let mut paths = vec![home.join(".netrc")];
    if cfg!(windows) {
        paths.push(home.join("_netrc"));
    }
    paths
}

/// The file's bytes, at most [`MAX_NETRC_FILE`] + 1 of them (so that "too large" can be told).
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_NETRC_FILE + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What the parser expects next.
#[derive(Clone, Copy)]
enum State {
    /// A keyword, or a word to ignore.
    Outside,
    /// The name after `machine`.
    MachineName,
    /// The value after `login`, `password` or `account`.
    Value(Field),
}

#[derive(Clone, Copy)]
enum Field {
    Login,
    Password,
    Account,
}

enum Keyword {
    Machine,
    Default,
    Macdef,
    Field(Field),
}

impl Keyword {
    /// Keywords are matched without regard to ASCII case, as curl does.
    fn of(token: &str) -> Option<Keyword> {
        let is = |keyword: &str| token.eq_ignore_ascii_case(keyword);
        if is("machine") {
            Some(Keyword::Machine)
        } else if is("default") {
            Some(Keyword::Default)
        } else if is("macdef") {
            Some(Keyword::Macdef)
        } else if is("login") {
            Some(Keyword::Field(Field::Login))
        } else if is("password") {
            Some(Keyword::Field(Field::Password))
        } else if is("account") {
            Some(Keyword::Field(Field::Account))
        } else {
            None
        }
    }
}

impl NetrcEntry {
    fn new(machine: Option<String>) -> NetrcEntry {
        NetrcEntry {
            machine,
            login: None,
            password: None,
            account: None,
        }
    }

    fn field(&mut self, field: Field) -> &mut Option<String> {
        match field {
            Field::Login => &mut self.login,
            Field::Password => &mut self.password,
            Field::Account => &mut self.account,
        }
    }
}

/// The next token of `line`, advancing past it: a run of non-whitespace, or a quoted token;
/// `None` at the end of the line or of what comes before a comment.
fn next_token(line: &mut &str, line_number: usize) -> Result<Option<String>> {
    let syntax = |what: &str| {
        Error::new(
            ErrorKind::Config,
            format!("syntax error on line {line_number}: {what}"),
        )
    };
    let start = line.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if start.is_empty() || start.starts_with('#') {
        *line = "";
        return Ok(None);
    }
    let token = if let Some(quoted) = start.strip_prefix('"') {
        let mut token = String::new();
        let mut chars = quoted.char_indices();
        loop {
            let Some((i, c)) = chars.next() else {
                return Err(syntax("a quoted token does not close on its line"));
            };
            match c {
                '"' => {
                    *line = &quoted[i + 1..];
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => token.push('\n'),
                    Some((_, 'r')) => token.push('\r'),
                    Some((_, 't')) => token.push('\t'),
                    Some((_, other)) => token.push(other),
                    None => return Err(syntax("a quoted token does not close on its line")),
                },
                _ => token.push(c),
            }
            if token.len() > MAX_NETRC_TOKEN {
                break;
            }
        }
        token
    } else {
        let end = start
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(start.len());
        *line = &start[end..];
        start[..end].to_owned()
    };
    if token.len() > MAX_NETRC_TOKEN {
        return Err(syntax(&format!(
            "a token is longer than {MAX_NETRC_TOKEN} bytes"
        )));
    }
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn netrc(text: &str) -> Netrc {
        Netrc::parse(text).unwrap()
    }

    /// (login, password) of the entry for `host`.
    fn creds(text: &str, host: &str) -> Option<(Option<String>, Option<String>)> {
        netrc(text)
            .lookup(host, None)
            .map(|e| (e.login.clone(), e.password.clone()))
    }

    fn pair(login: &str, password: &str) -> Option<(Option<String>, Option<String>)> {
        Some((Some(login.into()), Some(password.into())))
    }

    #[test]
    fn one_line_entry() {
        let text = "machine example.com login alice password s3cret";
        assert_eq!(creds(text, "example.com"), pair("alice", "s3cret"));
    }

    #[test]
    fn entries_across_lines_and_in_any_order() {
        let text = "machine a.example\n  password pa\n  login la\nmachine b.example login lb password pb\n";
        assert_eq!(creds(text, "a.example"), pair("la", "pa"));
        assert_eq!(creds(text, "b.example"), pair("lb", "pb"));
    }

    #[test]
    fn hosts_match_exactly_without_regard_to_case() {
        let text = "machine Example.COM login u password p";
        assert_eq!(creds(text, "example.com"), pair("u", "p"));
        assert_eq!(creds(text, "www.example.com"), None);
        assert_eq!(creds(text, "example.co"), None);
    }

    #[test]
    fn default_comes_last_whatever_its_place() {
        let text = "default login anon password guest\nmachine example.com login u password p";
        assert_eq!(creds(text, "example.com"), pair("u", "p"));
        assert_eq!(creds(text, "other.example"), pair("anon", "guest"));
    }

    #[test]
    fn no_entry_and_no_default_is_none() {
        assert_eq!(creds("machine a login u password p", "b"), None);
        assert_eq!(creds("", "b"), None);
    }

    #[test]
    fn the_first_matching_machine_wins() {
        let text = "machine h login first password 1\nmachine h login second password 2";
        assert_eq!(creds(text, "h"), pair("first", "1"));
    }

    #[test]
    fn a_login_from_the_url_picks_its_entry() {
        let text = "machine h login alice password pa\nmachine h login bob password pb\nmachine h password only";
        let n = netrc(text);
        assert_eq!(n.lookup("h", Some("bob")).unwrap().password(), Some("pb"));
        // An entry with a password and no login serves a login the URL names that has no
        // entry of its own, as in curl.
        assert_eq!(
            n.lookup("h", Some("carol")).unwrap().password(),
            Some("only")
        );
        assert!(netrc("machine h login alice password pa")
            .lookup("h", Some("bob"))
            .is_none());
    }

    #[test]
    fn keywords_ignore_case() {
        let text = "MACHINE h LOGIN u PASSWORD p";
        assert_eq!(creds(text, "h"), pair("u", "p"));
    }

    #[test]
    fn a_value_may_be_a_keyword() {
        let text = "machine h login machine password default";
        assert_eq!(creds(text, "h"), pair("machine", "default"));
    }

    #[test]
    fn account_is_read_and_unknown_words_ignored() {
        let n = netrc("machine h login u port 21 account acct password p");
        let entry = n.lookup("h", None).unwrap();
        assert_eq!(entry.account(), Some("acct"));
        assert_eq!(entry.password(), Some("p"));
    }

    #[test]
    fn quoted_tokens_as_curl_reads_them() {
        let text = r#"machine h login "user name" password "p\"a\\s\ts\nw\rd \x""#;
        assert_eq!(creds(text, "h"), pair("user name", "p\"a\\s\ts\nw\rd x"));
    }

    #[test]
    fn an_empty_quoted_password() {
        assert_eq!(
            creds(r#"machine h login u password """#, "h"),
            pair("u", "")
        );
    }

    #[test]
    fn a_quote_inside_a_plain_token_is_just_a_character() {
        assert_eq!(
            creds(r#"machine h login u password ab"c"#, "h"),
            pair("u", "ab\"c")
        );
    }

    #[test]
    fn an_unclosed_quote_is_a_syntax_error_without_the_secret() {
        let err = Netrc::parse("machine h login u\npassword \"s3cret and more").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("line 2"), "{err}");
        assert!(!err.message().contains("s3cret"), "{err}");
        assert!(!format!("{err:?}").contains("s3cret"));
    }

    #[test]
    fn a_quote_must_close_on_its_line() {
        assert!(Netrc::parse("machine h password \"a\nb\"").is_err());
    }

    #[test]
    fn overlong_tokens_are_refused() {
        let long = "x".repeat(MAX_NETRC_TOKEN + 1);
        assert!(Netrc::parse(&format!("machine h password {long}")).is_err());
        assert!(Netrc::parse(&format!("machine h password \"{long}\"")).is_err());
        let fits = "x".repeat(MAX_NETRC_TOKEN);
        assert!(Netrc::parse(&format!("machine h password {fits}")).is_ok());
    }

    #[test]
    fn a_hash_where_a_token_starts_begins_a_comment() {
        // As curl 7.88 reads them (checked against it): the rest of the line is a comment,
        // so an old password kept there is never sent.
        let text = "# machine h login evil password evil\n\
                    machine h login u password s3cret # was: password hunter2\n\
                    \x20 # login mallory\n\
                    machine q login a#b password \"#quoted\"\n";
        let n = netrc(text);
        let entry = n.lookup("h", None).unwrap();
        assert_eq!(entry.login(), Some("u"));
        assert_eq!(entry.password(), Some("s3cret"));
        // Inside a token, or quoted, '#' is part of it.
        let entry = n.lookup("q", None).unwrap();
        assert_eq!(entry.login(), Some("a#b"));
        assert_eq!(entry.password(), Some("#quoted"));
    }

    #[test]
    fn an_entry_is_read_until_it_has_a_login_and_a_password() {
        // As curl 7.88 reads it (checked against it): once both are in, later values are
        // ignored; before, a later value replaces an earlier one.
        let n = netrc("machine h login u password p1 password p2 login v");
        let entry = n.lookup("h", None).unwrap();
        assert_eq!((entry.login(), entry.password()), (Some("u"), Some("p1")));
        let n = netrc("machine h password p1 password p2 login u");
        let entry = n.lookup("h", None).unwrap();
        assert_eq!((entry.login(), entry.password()), (Some("u"), Some("p2")));
    }

    #[test]
    fn macdef_bodies_are_skipped_up_to_an_empty_line() {
        let text = "macdef init\nmachine evil login evil password evil\ncd /pub\n\nmachine h login u password p\n";
        let n = netrc(text);
        assert!(n.lookup("evil", None).is_none());
        assert_eq!(n.lookup("h", None).unwrap().login(), Some("u"));
    }

    #[test]
    fn only_an_empty_line_ends_a_macro() {
        // A line of spaces is macro text: the entry after it is still inside the macro.
        let text = "macdef m\nbody\n \t\nmachine h login macro password m\n\r\nmachine h login u password p";
        assert_eq!(creds(text, "h"), pair("u", "p"));
    }

    #[test]
    fn an_entry_without_credentials_does_not_hide_later_ones() {
        let text =
            "machine h\n  account a\nmachine h login u password p\ndefault login anon password g";
        assert_eq!(creds(text, "h"), pair("u", "p"));
        // Half an entry (a login alone, a password alone) is passed over too, as curl does.
        for half in ["machine h login u", "machine h password x"] {
            let text = format!("{half}\nmachine h login v password pv");
            assert_eq!(creds(&text, "h"), pair("v", "pv"), "{half}");
        }
        assert_eq!(
            creds("machine h login u\ndefault login d password g", "h"),
            pair("d", "g")
        );
        // For a login the URL names, an entry without a password is passed over, and one for
        // that login wins over an earlier one without a login (as curl 7.88.1 chooses).
        let n = netrc("machine h login bob\nmachine h login bob password pb");
        assert_eq!(n.lookup("h", Some("bob")).unwrap().password(), Some("pb"));
        let n = netrc("machine h password x\nmachine h login bob password pb");
        assert_eq!(n.lookup("h", Some("bob")).unwrap().password(), Some("pb"));
        let n = netrc("machine h login alice password pa\nmachine h password only");
        assert_eq!(n.lookup("h", Some("bob")).unwrap().password(), Some("only"));
        // Another login's password is never the URL user's (curl 7.88.1 sends it).
        assert!(netrc("machine h login alice password pa")
            .lookup("h", Some("bob"))
            .is_none());
    }

    #[test]
    fn crlf_line_ends() {
        let text = "machine h\r\nlogin u\r\npassword p\r\n";
        assert_eq!(creds(text, "h"), pair("u", "p"));
    }

    #[test]
    fn fields_outside_an_entry_are_ignored() {
        let text = "login stray password stray\nmachine h login u";
        let n = netrc(text);
        // The stray password went to no entry, and the one entry, without it, is no use.
        assert!(n.lookup("h", None).is_none());
        assert_eq!(n.entries.len(), 1);
    }

    #[test]
    fn a_machine_without_a_name_at_the_end_is_dropped() {
        assert_eq!(netrc("machine").entries.len(), 0);
        // "login" without its value: an entry with neither login nor password, passed over.
        let n = netrc("machine h login");
        assert_eq!(n.entries.len(), 1);
        assert!(n.lookup("h", None).is_none());
    }

    #[test]
    fn debug_never_shows_passwords() {
        let n = netrc("machine h login u password s3cret account acct-secret");
        let debug = format!("{n:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(!debug.contains("acct-secret"), "{debug}");
        assert!(debug.contains("<hidden>"), "{debug}");
        assert!(debug.contains("\"u\""), "{debug}");
    }

    // ---- Where the file is ----

    fn paths(vars: &[(&str, &str)]) -> Vec<PathBuf> {
        default_paths(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn netrc_variable_names_the_file() {
        assert_eq!(
            paths(&[("NETRC", "/etc/my-netrc"), ("HOME", "/home/u")]),
            [PathBuf::from("/etc/my-netrc")]
        );
    }

    #[test]
    fn otherwise_the_home_directory() {
        let found = paths(&[("HOME", "/home/u")]);
        assert_eq!(found[0], Path::new("/home/u").join(".netrc"));
        if cfg!(windows) {
            assert_eq!(found[1], Path::new("/home/u").join("_netrc"));
        } else {
            assert_eq!(found.len(), 1);
        }
        assert_eq!(
            paths(&[("NETRC", ""), ("HOME", "/h")])[0],
            Path::new("/h").join(".netrc")
        );
    }

    #[test]
    fn no_home_means_no_file() {
        if !cfg!(windows) {
            assert!(paths(&[("USERPROFILE", "C:\\Users\\u")]).is_empty());
        }
        assert!(paths(&[]).is_empty());
    }

    // ---- Reading files ----

    /// A file in a directory of this test's own, removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(name: &str, contents: &[u8]) -> TempFile {
            let dir =
                std::env::temp_dir().join(format!("plainwire-netrc-{}-{name}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(".netrc");
            std::fs::write(&path, contents).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
        }
    }

    #[test]
    fn load_reads_a_named_file() {
        let file = TempFile::new("load", b"machine h login u password p\n");
        let n = Netrc::load(&file.0).unwrap();
        assert_eq!(n.lookup("h", None).unwrap().password(), Some("p"));
    }

    #[test]
    fn a_named_file_that_cannot_be_read_is_an_error() {
        let missing = std::env::temp_dir().join("plainwire-netrc-does-not-exist/.netrc");
        let err = Netrc::load(&missing).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io);
        assert!(err.message().contains("does-not-exist"), "{err}");
        let dir = TempFile::new("dir", b"");
        assert_eq!(
            Netrc::load(dir.0.parent().unwrap()).unwrap_err().kind(),
            ErrorKind::Io
        );
    }

    #[test]
    fn a_file_too_large_is_refused() {
        let mut big = b"machine h login u password p\n".to_vec();
        big.resize(MAX_NETRC_FILE as usize + 1, b' ');
        let file = TempFile::new("big", &big);
        let err = Netrc::load(&file.0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("KiB"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_utf8_names_the_line() {
        let file = TempFile::new("latin1", b"machine h\nlogin u password caf\xE9\n");
        let err = Netrc::load(&file.0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("line 2"), "{err}");
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let file = TempFile::new("syntax", b"machine h password \"open\n");
        let err = Netrc::load(&file.0).unwrap_err();
        assert!(err.message().contains(".netrc"), "{err}");
        assert!(err.message().contains("line 1"), "{err}");
        assert!(!err.message().contains("open"), "{err}");
    }
}
