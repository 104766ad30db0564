//! Command-line parsing for the `plainwire` tool: `plainwire [OPTIONS] URL`.
//!
//! Hand-written and dependency-free, following curl's spelling and rules:
//!
//! * short flags combine (`-sSL`); a value-taking short flag takes the rest
//!   of its cluster as its value (`-XPOST`, `-ofile`) or, when nothing is
//!   left, the next argument (`-sSLo out.txt`);
//! * long flags take `--flag value` or `--flag=value`;
//! * a flag's value is always the next argument, even if it starts with `-`;
//! * `--` ends the options; a lone `-` is a positional argument;
//! * options may come before or after the URL, and exactly one URL is taken;
//! * a single-valued option given twice keeps the last value (as in curl);
//!   `-H` and `-d` accumulate;
//! * `-h` and `-V` stop parsing at once and ask for the help or the version.
//!
//! Every flag is described once, in [`SPECS`], and its effect is applied in
//! one `match` in [`Parser::apply`]. Nothing here touches the file system:
//! `@FILE` bodies are returned as [`Body::File`] for the caller to read.

use std::error::Error;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Redirect limit used with `-L` when `--max-redirs` is not given.
pub const DEFAULT_MAX_REDIRS: u32 = 10;

/// The help text printed for `-h`/`--help`, one line per flag.
pub const HELP: &str = "\
Usage: plainwire [options...] <url>
     --cacert <file>          CA certificates (PEM) to verify the server with
     --capath <dir>           Directory of CA certificate (PEM) files
     --cert <file>            Client certificate (PEM chain, may include key)
     --connect-timeout <secs> Maximum time allowed to connect (fractions ok)
 -d, --data <data>            HTTP POST data; '@FILE' reads a file, '@-' stdin
 -f, --fail                   Fail fast with no output on HTTP errors (exit 22)
 -I, --head                   Show document info only (HEAD request)
 -H, --header <header>        Pass custom header 'Name: value' ('Name;' = empty)
 -h, --help                   Show this help and exit
 -i, --include                Include the response status line and headers
 -k, --insecure               Allow insecure server connections
     --json <data>            HTTP POST JSON; '@FILE' reads a file, '@-' stdin
     --key <file>             Client private key (PEM)
 -L, --location               Follow redirects
     --max-filesize <bytes>   Maximum body size to accept (k, m, g suffixes)
     --max-redirs <num>       Maximum number of redirects with -L (default 10)
 -m, --max-time <secs>        Maximum time allowed for the transfer
     --oauth2-bearer <token>  OAuth 2 Bearer Token
 -o, --output <file>          Write the body to <file> instead of stdout
 -x, --proxy <url>            Use this proxy
 -X, --request <method>       Specify request method to use
 -S, --show-error             Show error even when -s is used
 -s, --silent                 Silent mode
 -u, --user <user:password>   Server user and password
 -v, --verbose                Make the operation more talkative
 -V, --version                Show version number and exit
 -w, --write-out <format>     Output <format> after completion
";

/// Where a request body (`-d` or `--json`) comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// The bytes given on the command line.
    Inline(Vec<u8>),
    /// `@FILE`: the contents of this file, read by the caller.
    File(PathBuf),
    /// `@-`: standard input, read by the caller.
    Stdin,
}

impl Body {
    /// `@-` is stdin, `@FILE` a file, anything else the literal bytes.
    fn from_arg(value: String) -> Body {
        if value == "@-" {
            Body::Stdin
        } else if let Some(file) = value.strip_prefix('@') {
            Body::File(PathBuf::from(file))
        } else {
            Body::Inline(value.into_bytes())
        }
    }
}

/// Everything a run of the tool needs, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// The one URL to fetch.
    pub url: String,
    /// `-X`: the method as given; see [`Args::effective_method`].
    pub method: Option<String>,
    /// `-H`: headers in order, value trimmed; `Name;` gives an empty value.
    pub headers: Vec<(String, String)>,
    /// `-d`: body pieces, to be joined with `&` once read.
    pub data: Vec<Body>,
    /// `--json`: the JSON body.
    pub json: Option<Body>,
    /// `-I`: send HEAD and print the response head.
    pub head: bool,
    /// `-i`: print the status line and headers before the body.
    pub include: bool,
    /// `-o`: write the body to this file.
    pub output: Option<PathBuf>,
    /// `-L`: follow redirects.
    pub location: bool,
    /// `--max-redirs`: redirect limit with `-L` (`-1` gives `u32::MAX`).
    pub max_redirs: u32,
    /// `-f`: on status >= 400 print no body and exit 22.
    pub fail: bool,
    /// `-k`: skip certificate verification.
    pub insecure: bool,
    /// `--cacert`: PEM file of trusted CA certificates.
    pub cacert: Option<PathBuf>,
    /// `--capath`: directory of PEM CA files.
    pub capath: Option<PathBuf>,
    /// `--cert`: client certificate chain (PEM, may also hold the key).
    pub cert: Option<PathBuf>,
    /// `--key`: client private key (PEM).
    pub key: Option<PathBuf>,
    /// `--connect-timeout`, as given (zero means "no limit" in curl).
    pub connect_timeout: Option<Duration>,
    /// `-m`: limit for the whole transfer (zero means "no limit" in curl).
    pub max_time: Option<Duration>,
    /// `-u`: user and password for basic auth (password empty if not given).
    pub user: Option<(String, String)>,
    /// `--oauth2-bearer`: token for `Authorization: Bearer`.
    pub bearer: Option<String>,
    /// `-x`: proxy URL, as given.
    pub proxy: Option<String>,
    /// `-v`: verbose output.
    pub verbose: bool,
    /// `-s`: silent mode.
    pub silent: bool,
    /// `-S`: show errors even with `-s`.
    pub show_error: bool,
    /// `--max-filesize`: largest body to accept, in bytes.
    pub max_filesize: Option<u64>,
    /// `-w`: write-out format, as given.
    pub write_out: Option<String>,
}

impl Args {
    /// The method to send: `-X` wins; else HEAD with `-I`; else POST when a
    /// body (`-d` or `--json`) is given; else GET.
    pub fn effective_method(&self) -> &str {
        if let Some(method) = &self.method {
            method
        } else if self.head {
            "HEAD"
        } else if !self.data.is_empty() || self.json.is_some() {
            "POST"
        } else {
            "GET"
        }
    }

    /// All options at their defaults, no URL yet.
    fn empty() -> Args {
        Args {
            url: String::new(),
            method: None,
            headers: Vec::new(),
            data: Vec::new(),
            json: None,
            head: false,
            include: false,
            output: None,
            location: false,
            max_redirs: DEFAULT_MAX_REDIRS,
            fail: false,
            insecure: false,
            cacert: None,
            capath: None,
            cert: None,
            key: None,
            connect_timeout: None,
            max_time: None,
            user: None,
            bearer: None,
            proxy: None,
            verbose: false,
            silent: false,
            show_error: false,
            max_filesize: None,
            write_out: None,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
// Parsed once per process; boxing `Args` would only add noise for callers.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Make a request.
    Run(Args),
    /// `-h`/`--help`: print [`HELP`] and exit 0.
    Help,
    /// `-V`/`--version`: print the version and exit 0.
    Version,
}

/// A command-line mistake. Display gives the message; the caller prints
/// `plainwire: (2) <message>` and exits 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for UsageError {}

/// Parses the arguments, WITHOUT the program name (`argv[0]`).
pub fn parse<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, UsageError> {
    Parser::default().run(args.into_iter())
}

/// Every option the tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Request,
    Header,
    Data,
    Json,
    Head,
    Include,
    Output,
    Location,
    MaxRedirs,
    Fail,
    Insecure,
    Cacert,
    Capath,
    Cert,
    Key,
    ConnectTimeout,
    MaxTime,
    User,
    Bearer,
    Proxy,
    Verbose,
    Silent,
    ShowError,
    MaxFilesize,
    WriteOut,
    Help,
    Version,
}

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    Nothing,
    Value,
}

/// One row of the option table.
struct Spec {
    short: Option<char>,
    long: &'static str,
    takes: Takes,
    opt: Opt,
}

const fn spec(short: Option<char>, long: &'static str, takes: Takes, opt: Opt) -> Spec {
    Spec {
        short,
        long,
        takes,
        opt,
    }
}

/// The option table: short letter, long name, whether a value follows.
const SPECS: &[Spec] = &[
    spec(Some('X'), "request", Takes::Value, Opt::Request),
    spec(Some('H'), "header", Takes::Value, Opt::Header),
    spec(Some('d'), "data", Takes::Value, Opt::Data),
    spec(None, "json", Takes::Value, Opt::Json),
    spec(Some('I'), "head", Takes::Nothing, Opt::Head),
    spec(Some('i'), "include", Takes::Nothing, Opt::Include),
    spec(Some('o'), "output", Takes::Value, Opt::Output),
    spec(Some('L'), "location", Takes::Nothing, Opt::Location),
    spec(None, "max-redirs", Takes::Value, Opt::MaxRedirs),
    spec(Some('f'), "fail", Takes::Nothing, Opt::Fail),
    spec(Some('k'), "insecure", Takes::Nothing, Opt::Insecure),
    spec(None, "cacert", Takes::Value, Opt::Cacert),
    spec(None, "capath", Takes::Value, Opt::Capath),
    spec(None, "cert", Takes::Value, Opt::Cert),
    spec(None, "key", Takes::Value, Opt::Key),
    spec(None, "connect-timeout", Takes::Value, Opt::ConnectTimeout),
    spec(Some('m'), "max-time", Takes::Value, Opt::MaxTime),
    spec(Some('u'), "user", Takes::Value, Opt::User),
    spec(None, "oauth2-bearer", Takes::Value, Opt::Bearer),
    spec(Some('x'), "proxy", Takes::Value, Opt::Proxy),
    spec(Some('v'), "verbose", Takes::Nothing, Opt::Verbose),
    spec(Some('s'), "silent", Takes::Nothing, Opt::Silent),
    spec(Some('S'), "show-error", Takes::Nothing, Opt::ShowError),
    spec(None, "max-filesize", Takes::Value, Opt::MaxFilesize),
    spec(Some('w'), "write-out", Takes::Value, Opt::WriteOut),
    spec(Some('h'), "help", Takes::Nothing, Opt::Help),
    spec(Some('V'), "version", Takes::Nothing, Opt::Version),
];

/// Parsing state: the options so far and the URL, if seen.
struct Parser {
    args: Args,
    url: Option<String>,
}

impl Default for Parser {
    fn default() -> Parser {
        Parser {
            args: Args::empty(),
            url: None,
        }
    }
}

impl Parser {
    fn run(mut self, mut argv: impl Iterator<Item = OsString>) -> Result<Command, UsageError> {
        let mut options_ended = false;
        while let Some(raw) = argv.next() {
            if options_ended || raw == "-" || raw.as_encoded_bytes().first() != Some(&b'-') {
                self.positional(raw)?;
                continue;
            }
            let arg = raw.into_string().map_err(|bad| {
                usage(format!(
                    "option {}: is not valid UTF-8",
                    bad.to_string_lossy()
                ))
            })?;
            if arg == "--" {
                options_ended = true;
            } else if let Some(long) = arg.strip_prefix("--") {
                let (name, attached) = match long.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (long, None),
                };
                let spec = SPECS
                    .iter()
                    .find(|s| s.long == name)
                    .ok_or_else(|| usage(format!("option --{name}: is unknown")))?;
                let shown = format!("--{name}");
                let value = match (spec.takes, attached) {
                    (Takes::Nothing, None) => None,
                    (Takes::Nothing, Some(_)) => {
                        return Err(usage(format!("option {shown}: does not take a value")))
                    }
                    (Takes::Value, Some(value)) => Some(OsString::from(value)),
                    (Takes::Value, None) => Some(next_value(&shown, &mut argv)?),
                };
                if let Some(command) = self.apply(spec.opt, &shown, value)? {
                    return Ok(command);
                }
            } else {
                // A cluster of short flags, e.g. `-sSL`, `-sSLo out`, `-XPOST`.
                let cluster = &arg[1..];
                for (at, letter) in cluster.char_indices() {
                    let shown = format!("-{letter}");
                    let spec = SPECS
                        .iter()
                        .find(|s| s.short == Some(letter))
                        .ok_or_else(|| usage(format!("option {shown}: is unknown")))?;
                    // A value-taking letter ends the cluster: its value is
                    // the rest of the cluster, or else the next argument.
                    let rest = &cluster[at + letter.len_utf8()..];
                    let value = match spec.takes {
                        Takes::Nothing => None,
                        Takes::Value if rest.is_empty() => Some(next_value(&shown, &mut argv)?),
                        Takes::Value => Some(OsString::from(rest)),
                    };
                    let ends_cluster = value.is_some();
                    if let Some(command) = self.apply(spec.opt, &shown, value)? {
                        return Ok(command);
                    }
                    if ends_cluster {
                        break;
                    }
                }
            }
        }
        self.finish()
    }

    /// Takes the URL; there must be exactly one.
    fn positional(&mut self, raw: OsString) -> Result<(), UsageError> {
        let url = raw
            .into_string()
            .map_err(|_| usage("URL is not valid UTF-8"))?;
        if url.is_empty() {
            return Err(usage("empty URL"));
        }
        if let Some(first) = &self.url {
            return Err(usage(format!(
                "only one URL is supported (got '{first}' and '{url}')"
            )));
        }
        self.url = Some(url);
        Ok(())
    }

    /// Applies one option. `shown` is the option as the user spelled it,
    /// for messages; `value` is `Some` exactly for value-taking options.
    /// Returns a command when parsing should stop (`-h`, `-V`).
    fn apply(
        &mut self,
        opt: Opt,
        shown: &str,
        value: Option<OsString>,
    ) -> Result<Option<Command>, UsageError> {
        let a = &mut self.args;
        match opt {
            Opt::Request => a.method = Some(method(shown, text(shown, value)?)?),
            Opt::Header => a.headers.push(header(shown, &text(shown, value)?)?),
            Opt::Data => {
                if a.json.is_some() {
                    return Err(usage(format!(
                        "option {shown}: cannot be combined with --json"
                    )));
                }
                a.data.push(Body::from_arg(text(shown, value)?));
            }
            Opt::Json => {
                if !a.data.is_empty() {
                    return Err(usage(format!("option {shown}: cannot be combined with -d")));
                }
                if a.json.is_some() {
                    return Err(usage(format!("option {shown}: given more than once")));
                }
                a.json = Some(Body::from_arg(text(shown, value)?));
            }
            Opt::Head => a.head = true,
            Opt::Include => a.include = true,
            Opt::Output => a.output = Some(path(shown, value)?),
            Opt::Location => a.location = true,
            Opt::MaxRedirs => a.max_redirs = redirs(shown, &text(shown, value)?)?,
            Opt::Fail => a.fail = true,
            Opt::Insecure => a.insecure = true,
            Opt::Cacert => a.cacert = Some(path(shown, value)?),
            Opt::Capath => a.capath = Some(path(shown, value)?),
            Opt::Cert => a.cert = Some(path(shown, value)?),
            Opt::Key => a.key = Some(path(shown, value)?),
            Opt::ConnectTimeout => a.connect_timeout = Some(seconds(shown, &text(shown, value)?)?),
            Opt::MaxTime => a.max_time = Some(seconds(shown, &text(shown, value)?)?),
            Opt::User => {
                let user = text(shown, value)?;
                a.user = Some(match user.split_once(':') {
                    Some((name, password)) => (name.to_string(), password.to_string()),
                    None => (user, String::new()),
                });
            }
            Opt::Bearer => a.bearer = Some(no_crlf(shown, text(shown, value)?)?),
            Opt::Proxy => a.proxy = Some(text(shown, value)?),
            Opt::Verbose => a.verbose = true,
            Opt::Silent => a.silent = true,
            Opt::ShowError => a.show_error = true,
            Opt::MaxFilesize => a.max_filesize = Some(size(shown, &text(shown, value)?)?),
            Opt::WriteOut => a.write_out = Some(text(shown, value)?),
            Opt::Help => return Ok(Some(Command::Help)),
            Opt::Version => return Ok(Some(Command::Version)),
        }
        Ok(None)
    }

    /// Checks what can only be checked once everything is seen.
    fn finish(mut self) -> Result<Command, UsageError> {
        let url = self.url.ok_or_else(|| usage("no URL specified"))?;
        if self.args.head && (!self.args.data.is_empty() || self.args.json.is_some()) {
            return Err(usage(
                "-I (HEAD) cannot be combined with a request body (-d, --json)",
            ));
        }
        self.args.url = url;
        Ok(Command::Run(self.args))
    }
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

fn missing(shown: &str) -> UsageError {
    usage(format!("option {shown}: requires parameter"))
}

fn bad_number(shown: &str) -> UsageError {
    usage(format!(
        "option {shown}: expected a proper numerical parameter"
    ))
}

/// The argument after a value-taking option.
fn next_value(
    shown: &str,
    argv: &mut impl Iterator<Item = OsString>,
) -> Result<OsString, UsageError> {
    argv.next().ok_or_else(|| missing(shown))
}

/// The option's value as UTF-8 text.
fn text(shown: &str, value: Option<OsString>) -> Result<String, UsageError> {
    value
        .ok_or_else(|| missing(shown))?
        .into_string()
        .map_err(|_| usage(format!("option {shown}: value is not valid UTF-8")))
}

/// The option's value as a path; any bytes the OS allows are accepted.
fn path(shown: &str, value: Option<OsString>) -> Result<PathBuf, UsageError> {
    value.map(PathBuf::from).ok_or_else(|| missing(shown))
}

fn no_crlf(shown: &str, value: String) -> Result<String, UsageError> {
    if value.contains(['\r', '\n']) {
        Err(usage(format!("option {shown}: must not contain CR or LF")))
    } else {
        Ok(value)
    }
}

/// A method: non-empty, no whitespace or control characters.
fn method(shown: &str, value: String) -> Result<String, UsageError> {
    if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(usage(format!(
            "option {shown}: method must be non-empty, without spaces, CR or LF"
        )))
    } else {
        Ok(value)
    }
}

/// `Name: value` (value trimmed), or `Name;` for an empty value.
fn header(shown: &str, value: &str) -> Result<(String, String), UsageError> {
    if value.contains(['\r', '\n', '\0']) {
        return Err(usage(format!(
            "option {shown}: header must not contain CR, LF or NUL"
        )));
    }
    let (name, value) = match value.split_once(':') {
        Some((name, value)) => (name, value.trim_matches([' ', '\t'])),
        None => match value.strip_suffix(';') {
            Some(name) => (name, ""),
            None => {
                return Err(usage(format!(
                    "option {shown}: header must be 'Name: value' or 'Name;'"
                )))
            }
        },
    };
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(usage(format!("option {shown}: bad header name '{name}'")));
    }
    Ok((name.to_string(), value.to_string()))
}

/// An RFC 9110 `tchar`: what a header name is made of.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `--max-redirs`: a non-negative integer, or `-1` for no limit (curl).
fn redirs(shown: &str, value: &str) -> Result<u32, UsageError> {
    if value == "-1" {
        return Ok(u32::MAX);
    }
    digits(value)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| bad_number(shown))
}

/// Seconds as a non-negative decimal: `5`, `0.25`, `.5`, `5.`; no sign,
/// exponent, `inf` or `NaN`. Digits beyond nanoseconds are dropped.
fn seconds(shown: &str, value: &str) -> Result<Duration, UsageError> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad_number(shown));
    }
    let secs = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().map_err(|_| bad_number(shown))?
    };
    let mut nanos = 0u32;
    for place in 0..9 {
        let digit = fraction.as_bytes().get(place).map_or(0, |b| b - b'0');
        nanos = nanos * 10 + u32::from(digit);
    }
    Ok(Duration::new(secs, nanos))
}

/// A byte count: an integer with an optional curl suffix, `k`, `m` or `g`
/// (powers of 1024, either case) or `b` (bytes).
fn size(shown: &str, value: &str) -> Result<u64, UsageError> {
    let (number, unit) = match value.char_indices().next_back() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&value[..at], Some(c)),
        _ => (value, None),
    };
    let multiplier: u64 = match unit.map(|c| c.to_ascii_lowercase()) {
        None | Some('b') => 1,
        Some('k') => 1 << 10,
        Some('m') => 1 << 20,
        Some('g') => 1 << 30,
        Some(_) => return Err(bad_number(shown)),
    };
    digits(number)
        .and_then(|d| d.parse::<u64>().ok())
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| bad_number(shown))
}

/// `s` if it is one or more ASCII digits (`str::parse` would allow `+`).
fn digits(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_parse(argv: &[&str]) -> Result<Command, UsageError> {
        parse(argv.iter().map(OsString::from))
    }

    /// Parses `argv` that must give a run.
    fn run(argv: &[&str]) -> Args {
        match try_parse(argv) {
            Ok(Command::Run(args)) => args,
            other => panic!("{argv:?}: expected a run, got {other:?}"),
        }
    }

    /// Parses `argv` that must fail; gives the message.
    fn fail(argv: &[&str]) -> String {
        match try_parse(argv) {
            Err(e) => e.to_string(),
            Ok(other) => panic!("{argv:?}: expected an error, got {other:?}"),
        }
    }

    const URL: &str = "http://example.com/";

    // ---- defaults and the URL ----

    #[test]
    fn url_alone_gives_defaults() {
        let args = run(&[URL]);
        let mut expected = Args::empty();
        expected.url = URL.to_string();
        assert_eq!(args, expected);
        assert_eq!(args.max_redirs, 10);
        assert_eq!(args.effective_method(), "GET");
    }

    #[test]
    fn no_url_is_an_error() {
        assert_eq!(fail(&[]), "no URL specified");
        assert_eq!(fail(&["-sL"]), "no URL specified");
    }

    #[test]
    fn two_urls_are_an_error() {
        let msg = fail(&["http://a/", "http://b/"]);
        assert!(msg.contains("only one URL"), "{msg}");
    }

    #[test]
    fn empty_url_is_an_error() {
        assert_eq!(fail(&[""]), "empty URL");
    }

    #[test]
    fn options_may_follow_the_url() {
        let args = run(&[URL, "-L", "-o", "out"]);
        assert_eq!(args.url, URL);
        assert!(args.location);
        assert_eq!(args.output, Some(PathBuf::from("out")));
    }

    #[test]
    fn double_dash_ends_options() {
        let args = run(&["-s", "--", "-weird-url"]);
        assert_eq!(args.url, "-weird-url");
        assert!(args.silent);
        assert!(fail(&["--", URL, "-s"]).contains("only one URL"));
    }

    #[test]
    fn lone_dash_is_positional() {
        assert_eq!(run(&["-"]).url, "-");
    }

    // ---- parsing rules ----

    #[test]
    fn short_flags_combine() {
        let args = run(&["-sSLikfv", URL]);
        assert!(args.silent && args.show_error && args.location);
        assert!(args.include && args.insecure && args.fail && args.verbose);
    }

    #[test]
    fn combined_shorts_end_with_a_value_taking_flag() {
        let args = run(&["-sSLo", "out.txt", URL]);
        assert!(args.silent && args.show_error && args.location);
        assert_eq!(args.output, Some(PathBuf::from("out.txt")));
    }

    #[test]
    fn short_values_may_be_attached() {
        let args = run(&["-XPOST", "-Hx:y", "-ofile", "-sLm2.5", URL]);
        assert_eq!(args.method.as_deref(), Some("POST"));
        assert_eq!(args.headers, vec![("x".to_string(), "y".to_string())]);
        assert_eq!(args.output, Some(PathBuf::from("file")));
        assert!(args.silent && args.location);
        assert_eq!(args.max_time, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn attached_short_value_takes_rest_of_cluster() {
        // As in curl: after a value-taking letter, the rest is its value.
        let args = run(&["-osL", URL]);
        assert_eq!(args.output, Some(PathBuf::from("sL")));
        assert!(!args.silent && !args.location);
    }

    #[test]
    fn long_flags_take_separate_or_equals_values() {
        let args = run(&["--request", "PUT", "--output=o.bin", URL]);
        assert_eq!(args.method.as_deref(), Some("PUT"));
        assert_eq!(args.output, Some(PathBuf::from("o.bin")));
        // Only the first '=' splits.
        let args = run(&["--data=a=b", URL]);
        assert_eq!(args.data, vec![Body::Inline(b"a=b".to_vec())]);
        // An empty attached value is a value.
        assert_eq!(run(&["--write-out=", URL]).write_out.as_deref(), Some(""));
    }

    #[test]
    fn value_may_start_with_a_dash() {
        let args = run(&["-d", "-x", "-o", "-", URL]);
        assert_eq!(args.data, vec![Body::Inline(b"-x".to_vec())]);
        assert_eq!(args.output, Some(PathBuf::from("-")));
        assert_eq!(args.proxy, None);
    }

    #[test]
    fn missing_value_is_an_error() {
        assert_eq!(fail(&[URL, "-o"]), "option -o: requires parameter");
        assert_eq!(fail(&[URL, "-sLo"]), "option -o: requires parameter");
        assert_eq!(
            fail(&[URL, "--max-time"]),
            "option --max-time: requires parameter"
        );
    }

    #[test]
    fn unknown_flags_are_errors() {
        assert_eq!(fail(&["--bogus", URL]), "option --bogus: is unknown");
        assert_eq!(fail(&["-sq", URL]), "option -q: is unknown");
        // No prefix abbreviations.
        assert_eq!(fail(&["--loc", URL]), "option --loc: is unknown");
    }

    #[test]
    fn value_on_a_plain_flag_is_an_error() {
        assert_eq!(
            fail(&["--location=yes", URL]),
            "option --location: does not take a value"
        );
    }

    #[test]
    fn repeated_single_valued_option_keeps_last() {
        let args = run(&["-X", "PUT", "-X", "PATCH", "-o", "a", "-o", "b", URL]);
        assert_eq!(args.method.as_deref(), Some("PATCH"));
        assert_eq!(args.output, Some(PathBuf::from("b")));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_is_refused_except_for_paths() {
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![b'f', 0xff]);
        let argv = |v: Vec<OsString>| parse(v);
        let os = OsString::from;

        let ok = argv(vec![os("-o"), bad.clone(), os(URL)]).unwrap();
        let Command::Run(args) = ok else {
            panic!("expected a run")
        };
        assert_eq!(args.output, Some(PathBuf::from(bad.clone())));

        let e = argv(vec![os("-H"), bad.clone(), os(URL)]).unwrap_err();
        assert_eq!(e.to_string(), "option -H: value is not valid UTF-8");
        let e = argv(vec![bad.clone()]).unwrap_err();
        assert_eq!(e.to_string(), "URL is not valid UTF-8");
        let mut flag = b"--".to_vec();
        flag.push(0xff);
        let e = argv(vec![OsString::from_vec(flag), os(URL)]).unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8"), "{e}");
    }

    // ---- help and version ----

    #[test]
    fn help_flags() {
        assert_eq!(try_parse(&["-h"]), Ok(Command::Help));
        assert_eq!(try_parse(&["--help"]), Ok(Command::Help));
        // Stops parsing: no URL needed, later junk ignored.
        assert_eq!(try_parse(&["-sh", "--bogus"]), Ok(Command::Help));
        // Earlier mistakes are still reported.
        assert!(try_parse(&["--bogus", "-h"]).is_err());
    }

    #[test]
    fn version_flags() {
        assert_eq!(try_parse(&["-V"]), Ok(Command::Version));
        assert_eq!(try_parse(&["--version", URL]), Ok(Command::Version));
    }

    #[test]
    fn help_text_lists_every_flag() {
        for spec in SPECS {
            let line = HELP
                .lines()
                .find(|l| l.contains(&format!("--{} ", spec.long)))
                .unwrap_or_else(|| panic!("--{} missing from HELP", spec.long));
            match spec.short {
                Some(c) => assert!(line.starts_with(&format!(" -{c}, --")), "{line}"),
                None => assert!(line.starts_with("     --"), "{line}"),
            }
            assert_eq!(line.contains(" <"), spec.takes == Takes::Value, "{line}");
            assert!(line.len() <= 80, "{line}");
        }
        assert_eq!(HELP.lines().count(), SPECS.len() + 1);
    }

    #[test]
    fn table_has_no_duplicates() {
        for (i, a) in SPECS.iter().enumerate() {
            for b in &SPECS[i + 1..] {
                assert_ne!(a.long, b.long);
                assert!(a.short.is_none() || a.short != b.short, "{}", a.long);
            }
        }
    }

    // ---- one test per flag ----

    #[test]
    fn request() {
        assert_eq!(
            run(&["-X", "DELETE", URL]).method.as_deref(),
            Some("DELETE")
        );
        assert_eq!(run(&["--request=GET", URL]).method.as_deref(), Some("GET"));
    }

    #[test]
    fn request_method_is_validated() {
        for bad in ["", "GE T", "GET\r\n", "G\nET", "GET\t"] {
            let msg = fail(&["-X", bad, URL]);
            assert!(
                msg.starts_with("option -X: method must be"),
                "{bad:?}: {msg}"
            );
        }
    }

    #[test]
    fn header() {
        let args = run(&["-H", "Accept: text/html", "--header", "X-A:b", URL]);
        assert_eq!(
            args.headers,
            vec![
                ("Accept".to_string(), "text/html".to_string()),
                ("X-A".to_string(), "b".to_string()),
            ]
        );
    }

    #[test]
    fn header_value_is_trimmed_and_keeps_later_colons() {
        let args = run(&["-H", "Host:  a.example:8080 \t", URL]);
        assert_eq!(
            args.headers,
            vec![("Host".to_string(), "a.example:8080".to_string())]
        );
    }

    #[test]
    fn header_with_empty_value() {
        let args = run(&["-H", "X-Empty;", "-H", "X-Colon:", URL]);
        assert_eq!(
            args.headers,
            vec![
                ("X-Empty".to_string(), String::new()),
                ("X-Colon".to_string(), String::new()),
            ]
        );
        // A ';' inside a value is just text.
        let args = run(&["-H", "Cookie: a=1; b=2", URL]);
        assert_eq!(args.headers[0].1, "a=1; b=2");
    }

    #[test]
    fn header_crlf_is_refused() {
        for bad in ["X: a\r\nEvil: 1", "X: a\n", "X: a\r", "X\n: a", "X\r\n;"] {
            let msg = fail(&["-H", bad, URL]);
            assert_eq!(
                msg, "option -H: header must not contain CR, LF or NUL",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn header_needs_colon_or_semicolon() {
        let msg = fail(&["-H", "NoColon", URL]);
        assert_eq!(msg, "option -H: header must be 'Name: value' or 'Name;'");
    }

    #[test]
    fn header_name_is_validated() {
        for bad in [": v", ";", "Bad Name: v", "(x): v"] {
            let msg = fail(&["-H", bad, URL]);
            assert!(
                msg.starts_with("option -H: bad header name"),
                "{bad:?}: {msg}"
            );
        }
    }

    #[test]
    fn data() {
        let args = run(&["-d", "a=1", URL]);
        assert_eq!(args.data, vec![Body::Inline(b"a=1".to_vec())]);
        assert_eq!(args.effective_method(), "POST");
    }

    #[test]
    fn data_repeats_in_order() {
        let args = run(&["-d", "a=1", "--data", "@form.txt", "-d@-", URL]);
        assert_eq!(
            args.data,
            vec![
                Body::Inline(b"a=1".to_vec()),
                Body::File(PathBuf::from("form.txt")),
                Body::Stdin,
            ]
        );
    }

    #[test]
    fn data_may_be_empty() {
        assert_eq!(run(&["-d", "", URL]).data, vec![Body::Inline(Vec::new())]);
    }

    #[test]
    fn json() {
        let args = run(&["--json", "{\"a\":1}", URL]);
        assert_eq!(args.json, Some(Body::Inline(b"{\"a\":1}".to_vec())));
        assert_eq!(args.effective_method(), "POST");
        let args = run(&["--json=@body.json", URL]);
        assert_eq!(args.json, Some(Body::File(PathBuf::from("body.json"))));
        assert_eq!(run(&["--json", "@-", URL]).json, Some(Body::Stdin));
    }

    #[test]
    fn json_conflicts() {
        assert_eq!(
            fail(&["--json", "1", "--json", "2", URL]),
            "option --json: given more than once"
        );
        assert_eq!(
            fail(&["-d", "a", "--json", "1", URL]),
            "option --json: cannot be combined with -d"
        );
        assert_eq!(
            fail(&["--json", "1", "-d", "a", URL]),
            "option -d: cannot be combined with --json"
        );
    }

    #[test]
    fn head() {
        let args = run(&["-I", URL]);
        assert!(args.head);
        assert_eq!(args.effective_method(), "HEAD");
        assert!(run(&["--head", URL]).head);
    }

    #[test]
    fn head_with_body_is_an_error() {
        let msg = fail(&["-I", "-d", "x", URL]);
        assert!(msg.contains("-I (HEAD) cannot be combined"), "{msg}");
        assert!(fail(&["--json", "1", "--head", URL]).contains("cannot be combined"));
    }

    #[test]
    fn include() {
        assert!(run(&["-i", URL]).include);
        assert!(run(&["--include", URL]).include);
    }

    #[test]
    fn output() {
        assert_eq!(run(&["-o", "x", URL]).output, Some(PathBuf::from("x")));
        assert_eq!(
            run(&["--output", "dir/y", URL]).output,
            Some(PathBuf::from("dir/y"))
        );
    }

    #[test]
    fn location() {
        assert!(!run(&[URL]).location);
        assert!(run(&["-L", URL]).location);
        assert!(run(&["--location", URL]).location);
    }

    #[test]
    fn max_redirs() {
        assert_eq!(run(&["--max-redirs", "3", URL]).max_redirs, 3);
        assert_eq!(run(&["--max-redirs=0", URL]).max_redirs, 0);
        assert_eq!(run(&["--max-redirs", "-1", URL]).max_redirs, u32::MAX);
        for bad in ["", "-2", "+3", "1.5", "x", "4294967296"] {
            assert_eq!(
                fail(&["--max-redirs", bad, URL]),
                "option --max-redirs: expected a proper numerical parameter",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn fail_flag() {
        assert!(run(&["-f", URL]).fail);
        assert!(run(&["--fail", URL]).fail);
    }

    #[test]
    fn insecure() {
        assert!(run(&["-k", URL]).insecure);
        assert!(run(&["--insecure", URL]).insecure);
    }

    #[test]
    fn cacert_and_capath() {
        let args = run(&["--cacert", "ca.pem", "--capath=/etc/ssl/certs", URL]);
        assert_eq!(args.cacert, Some(PathBuf::from("ca.pem")));
        assert_eq!(args.capath, Some(PathBuf::from("/etc/ssl/certs")));
    }

    #[test]
    fn cert_and_key() {
        let args = run(&["--cert", "client.pem", "--key", "client.key", URL]);
        assert_eq!(args.cert, Some(PathBuf::from("client.pem")));
        assert_eq!(args.key, Some(PathBuf::from("client.key")));
    }

    #[test]
    fn connect_timeout() {
        let args = run(&["--connect-timeout", "3", URL]);
        assert_eq!(args.connect_timeout, Some(Duration::from_secs(3)));
    }

    #[test]
    fn max_time() {
        assert_eq!(
            run(&["-m", "7", URL]).max_time,
            Some(Duration::from_secs(7))
        );
        assert_eq!(run(&["--max-time=0", URL]).max_time, Some(Duration::ZERO));
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
            assert_eq!(run(&["-m", text, URL]).max_time, Some(expected), "{text}");
            assert_eq!(
                run(&["--connect-timeout", text, URL]).connect_timeout,
                Some(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_seconds_are_refused() {
        for bad in [
            "",
            ".",
            "-1",
            "+1",
            "NaN",
            "nan",
            "inf",
            "1e3",
            "1.2.3",
            " 1",
            "1 ",
            "0x10",
            "1s",
            "99999999999999999999",
        ] {
            assert_eq!(
                fail(&["-m", bad, URL]),
                "option -m: expected a proper numerical parameter",
                "{bad:?}"
            );
        }
        assert!(fail(&["--connect-timeout", "-0.5", URL]).contains("numerical"));
    }

    #[test]
    fn user() {
        let pair = |u: &str, p: &str| Some((u.to_string(), p.to_string()));
        assert_eq!(run(&["-u", "al:pw", URL]).user, pair("al", "pw"));
        assert_eq!(run(&["--user", "al", URL]).user, pair("al", ""));
        assert_eq!(run(&["-u", "al:", URL]).user, pair("al", ""));
        // Only the first ':' splits.
        assert_eq!(run(&["-ual:p:w", URL]).user, pair("al", "p:w"));
    }

    #[test]
    fn oauth2_bearer() {
        let args = run(&["--oauth2-bearer", "tok123", URL]);
        assert_eq!(args.bearer.as_deref(), Some("tok123"));
        assert_eq!(
            fail(&["--oauth2-bearer", "a\r\nX: y", URL]),
            "option --oauth2-bearer: must not contain CR or LF"
        );
    }

    #[test]
    fn proxy() {
        let args = run(&["-x", "http://proxy:3128", URL]);
        assert_eq!(args.proxy.as_deref(), Some("http://proxy:3128"));
        assert_eq!(run(&["--proxy=p:1", URL]).proxy.as_deref(), Some("p:1"));
    }

    #[test]
    fn verbose_silent_show_error() {
        let args = run(&["-v", "-s", "-S", URL]);
        assert!(args.verbose && args.silent && args.show_error);
        let args = run(&["--verbose", "--silent", "--show-error", URL]);
        assert!(args.verbose && args.silent && args.show_error);
        let args = run(&[URL]);
        assert!(!args.verbose && !args.silent && !args.show_error);
    }

    #[test]
    fn max_filesize() {
        assert_eq!(
            run(&["--max-filesize", "1000", URL]).max_filesize,
            Some(1000)
        );
        assert_eq!(run(&["--max-filesize=0", URL]).max_filesize, Some(0));
    }

    #[test]
    fn max_filesize_suffixes() {
        let cases = [
            ("1k", 1024),
            ("2K", 2048),
            ("3m", 3 << 20),
            ("1M", 1 << 20),
            ("5g", 5 << 30),
            ("1G", 1 << 30),
            ("12b", 12),
            ("0k", 0),
        ];
        for (text, expected) in cases {
            let args = run(&["--max-filesize", text, URL]);
            assert_eq!(args.max_filesize, Some(expected), "{text}");
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
            assert_eq!(
                fail(&["--max-filesize", bad, URL]),
                "option --max-filesize: expected a proper numerical parameter",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn write_out() {
        let args = run(&["-w", "%{http_code}\\n", URL]);
        assert_eq!(args.write_out.as_deref(), Some("%{http_code}\\n"));
        let args = run(&["--write-out", "a b", URL]);
        assert_eq!(args.write_out.as_deref(), Some("a b"));
    }

    // ---- effective_method ----

    #[test]
    fn effective_method_cases() {
        let method = |argv: &[&str]| run(argv).effective_method().to_string();
        assert_eq!(method(&[URL]), "GET");
        assert_eq!(method(&["-I", URL]), "HEAD");
        assert_eq!(method(&["-d", "x", URL]), "POST");
        assert_eq!(method(&["--json", "{}", URL]), "POST");
        assert_eq!(method(&["-X", "PUT", "-d", "x", URL]), "PUT");
        assert_eq!(method(&["-X", "GET", "-I", URL]), "GET");
        assert_eq!(method(&["-XOPTIONS", URL]), "OPTIONS");
    }

    #[test]
    fn usage_error_displays_its_message() {
        assert_eq!(UsageError("boom".to_string()).to_string(), "boom");
    }
}
