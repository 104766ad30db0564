//! The command line (and `-K` config files) into an [`Invocation`]: global options and one
//! [`Operation`] per `--next` group. It reads config files and nothing else; `@FILE` values
//! are returned as [`Source`]s for [`crate::inputs`] to read.
//!
//! Hand-written and dependency-free, following curl's spelling and rules:
//!
//! * short flags combine (`-sSL`); a value-taking short flag takes the rest of its cluster as
//!   its value (`-XPOST`, `-ofile`) or, when nothing is left, the next argument;
//! * long flags take `--flag value` or `--flag=value`; a flag's value is always the next
//!   argument, even if it starts with `-`; a boolean flag `--flag` has an off form
//!   `--no-flag` (and `--no-progress-meter` an on form `--progress-meter`);
//! * `--` ends the options; a lone `-` is a URL; anything else that is not an option is a URL;
//! * `-o`/`-O` are matched to the URLs of their group in order, whatever their positions;
//! * `--next` (`-:`) starts a new group: per-URL options reset, global ones (`-v`, `-s`, `-S`,
//!   `-Z`, `--parallel-max`, `--fail-early`, `-#`, `--no-progress-meter`, `--stderr`) stay;
//! * a single-valued option given twice keeps the last value; `-H`, `-d`, `-b` accumulate;
//! * `-K FILE` reads options from a file in curl's config syntax ([`crate::config_file`]), as
//!   if they stood where `-K` does; `-q` as the first argument skips the default config file;
//! * `-h` and `-V` stop parsing at once and ask for the help or the version.
//!
//! Every option is described once, in [`SPECS`], and its effect is applied in one `match` in
//! [`Parser::apply`].

use std::error::Error;
use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config_file;
use crate::form::{self, FormField};
use crate::interface::{self, InterfaceArg};
use crate::routes::{self, ConnectToArg, ResolveArg};
use crate::tls_options::{self, FileType, PinArg, TlsArg};
use crate::values::{self, DataPiece, Header, Protocols, Source};

/// How deep `-K` files may name further `-K` files: enough for any layout, and an end to a
/// file that names itself.
const MAX_CONFIG_DEPTH: usize = 8;

/// Everything the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Options that hold for the whole run.
    pub globals: Globals,
    /// The groups of URLs with their options, in order (one unless `--next` is used).
    pub operations: Vec<Operation>,
    /// Warnings found while parsing, shown unless `-s`.
    pub warnings: Vec<String>,
}

/// Options that hold for every operation: `--next` does not reset them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Globals {
    /// `-v`: the wire on stderr. `-v` and `--trace`/`--trace-ascii` exclude each other: the
    /// last one given wins, as in curl.
    pub verbose: bool,
    /// `--trace FILE` or `--trace-ascii FILE`: a full dump of the transfer.
    pub trace: Option<TraceTarget>,
    /// `--trace-time`: a time of day before each `-v` line and trace entry.
    pub trace_time: bool,
    /// `-s`: no meter, warnings or errors.
    pub silent: bool,
    /// `-S`: errors even with `-s`.
    pub show_error: bool,
    /// `-#`: a bar of `#` instead of the meter.
    pub progress_bar: bool,
    /// `--no-progress-meter`: no meter, but warnings and errors still.
    pub no_progress_meter: bool,
    /// `-Z`: transfers run at the same time.
    pub parallel: bool,
    /// `--parallel-max`: how many at once with `-Z`.
    pub parallel_max: usize,
    /// `--fail-early`: stop at the first failed transfer.
    pub fail_early: bool,
    /// `--stderr FILE`: where stderr's text goes instead (`-` for stdout).
    pub stderr: Option<PathBuf>,
}

impl Default for Globals {
    fn default() -> Globals {
        Globals {
            verbose: false,
            trace: None,
            trace_time: false,
            silent: false,
            show_error: false,
            progress_bar: false,
            no_progress_meter: false,
            parallel: false,
            parallel_max: values::PARALLEL_DEFAULT,
            fail_early: false,
            stderr: None,
        }
    }
}

/// Where `--trace` or `--trace-ascii` writes, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceTarget {
    /// The file; `-` is stdout and `%` stderr, as in curl.
    pub path: PathBuf,
    /// `--trace-ascii`: the text column only, lines cut at CRLF; `--trace`: hex and text.
    pub ascii: bool,
}

/// Where one URL's body goes, as `-o`/`-O` say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputArg {
    /// `-o FILE`; `-o -` means stdout, and allows binary output to a terminal.
    File(PathBuf),
    /// `-O`: a file named like the URL's last path segment.
    RemoteName,
    /// `--no-remote-name`: stdout, even under `--remote-name-all`.
    Stdout,
}

/// A `-H` argument: one header, or `@FILE` with one header per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderArg {
    /// A header given on the command line.
    Field(Header),
    /// `@FILE` or `@-`.
    File(Source),
}

/// The URLs of one `--next` group and the options that apply to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The URLs (and `--url` values), in order, as given.
    pub urls: Vec<String>,
    /// `-o`/`-O`, in order; the N-th goes with the N-th URL.
    pub outputs: Vec<OutputArg>,
    /// `--remote-name-all`: `-O` for every URL without an output of its own.
    pub remote_name_all: bool,
    /// `-J`: name the `-O` file after the Content-Disposition header.
    pub remote_header_name: bool,
    /// `--create-dirs`: make the directories an output file needs.
    pub create_dirs: bool,
    /// `--output-dir`: the directory for `-o` and `-O` files.
    pub output_dir: Option<PathBuf>,
    /// `-g`: URLs are taken literally, without globbing.
    pub globoff: bool,
    /// `-X`: the method as given; see [`Operation::method_for`].
    pub method: Option<String>,
    /// `-H`: headers in order.
    pub headers: Vec<HeaderArg>,
    /// `-d`, `--data-*`: body pieces, joined with `&` once read.
    pub data: Vec<DataPiece>,
    /// `--json`: the JSON body, in pieces sent one after the other (curl appends a second
    /// `--json` to the first, with no separator).
    pub json: Vec<Source>,
    /// `-G`: the data goes into the query of a GET (or HEAD with `-I`).
    pub get: bool,
    /// `--url-query`: pieces added to the query.
    pub url_query: Vec<DataPiece>,
    /// `-I`: send HEAD and print the response head.
    pub head: bool,
    /// `-i`: print the response heads before the body.
    pub include: bool,
    /// `-L`: follow redirects.
    pub location: bool,
    /// `--max-redirs`: redirect limit with `-L` (`-1` gives `u32::MAX`).
    pub max_redirs: u32,
    /// `-f`: on status >= 400 print no body and exit 22.
    pub fail: bool,
    /// `--fail-with-body`: on status >= 400 write the body, then exit 22.
    pub fail_with_body: bool,
    /// `-k`: skip certificate verification.
    pub insecure: bool,
    /// `--cacert`: PEM file of trusted CA certificates.
    pub cacert: Option<PathBuf>,
    /// `--capath`: directory of PEM CA files.
    pub capath: Option<PathBuf>,
    /// `-E`/`--cert`: client certificate chain (PEM, may also hold the key).
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
    /// `-A`: the User-Agent; empty sends none.
    pub user_agent: Option<String>,
    /// `-e`: the Referer.
    pub referer: Option<String>,
    /// `-e ';auto'`: set the Referer on each redirect `-L` follows.
    pub auto_referer: bool,
    /// `-b 'a=1; b=2'`: cookies sent as they are, joined with `; `.
    pub cookies: Vec<String>,
    /// `-D FILE`: where the response heads are written (`-` for stdout).
    pub dump_header: Option<PathBuf>,
    /// `--remove-on-error`: delete the output file of a failed transfer.
    pub remove_on_error: bool,
    /// `--proto`: the protocols a transfer may use.
    pub protocols: Protocols,
    /// `--max-filesize`: largest body to accept, in bytes.
    pub max_filesize: Option<u64>,
    /// `-w`: write-out format, or where to read it.
    pub write_out: Option<Source>,
    /// `-F`, `--form-string`: multipart form fields, in order.
    pub form: Vec<FormField>,
    /// `-T`, in order; the N-th goes with the N-th URL (`-` is stdin).
    pub upload_files: Vec<PathBuf>,
    /// `--compressed`: ask for gzip and deflate and write the body decoded.
    pub compressed: bool,
    /// `-b FILE`: cookie files to load (no `=` in the value; `-` is stdin, empty is none).
    pub cookie_files: Vec<PathBuf>,
    /// `-c FILE`: where to save the cookies after the transfers (`-` is stdout).
    pub cookie_jar: Option<PathBuf>,
    /// `-j`: drop the session cookies of the loaded cookie files.
    pub junk_session_cookies: bool,
    /// `--retry`, `--retry-delay`, `--retry-max-time`, `--retry-all-errors`,
    /// `--retry-connrefused`.
    pub retry: RetryArgs,
    /// `-r`: the byte range to ask for, as given.
    pub range: Option<String>,
    /// `-C`: where to resume.
    pub continue_at: Option<ContinueAt>,
    /// `--basic`, `--digest`, `--anyauth`: how `-u` credentials are sent.
    pub auth: AuthScheme,
    /// `-n`, `--netrc-optional`, `--netrc-file`.
    pub netrc: NetrcArgs,
    /// `--noproxy`: hosts reached directly.
    pub noproxy: Option<String>,
    /// `-U`: the proxy's user and password.
    pub proxy_user: Option<(String, String)>,
    /// `--location-trusted`: `-L`, and credentials go along to other hosts.
    pub location_trusted: bool,
    /// `--post301`, `--post302`, `--post303`: keep POST after these redirects.
    pub post_on_redirect: Vec<u16>,
    /// `--resolve`, in order.
    pub resolve: Vec<ResolveArg>,
    /// `--connect-to`, in order.
    pub connect_to: Vec<ConnectToArg>,
    /// `-4`, `-6`.
    pub ip_family: IpFamilyArg,
    /// `--interface`: the local end of the connections.
    pub interface: Option<InterfaceArg>,
    /// `-0`: HTTP/1.0.
    pub http10: bool,
    /// `--tlsv1.x`: the oldest TLS version.
    pub tls_min: Option<TlsArg>,
    /// `--tls-max`: the newest TLS version (`None`: the newest there is).
    pub tls_max: Option<TlsArg>,
    /// `--pinnedpubkey`.
    pub pinned_key: Option<PinArg>,
    /// `--limit-rate`: bytes per second, each way.
    pub limit_rate: Option<u64>,
    /// `--speed-limit`: bytes per second.
    pub speed_limit: Option<u64>,
    /// `--speed-time`.
    pub speed_time: Option<Duration>,
    /// `--etag-save`.
    pub etag_save: Option<PathBuf>,
    /// `--etag-compare`.
    pub etag_compare: Option<PathBuf>,
    /// `-z`: a date, `-DATE`, or a file whose time to use, as given.
    pub time_cond: Option<String>,
    /// `-R`: give the output file the server's Last-Modified time.
    pub remote_time: bool,
    /// `--path-as-is`: send `/../` and `/./` as they are.
    pub path_as_is: bool,
    /// `--request-target`: the request target in place of the URL's path.
    pub request_target: Option<String>,
    /// `--proxy-header`: headers for the proxy only.
    pub proxy_headers: Vec<HeaderArg>,
    /// `-p`: tunnel through the proxy with CONNECT, also for http URLs.
    pub proxytunnel: bool,
    /// `--ignore-content-length`.
    pub ignore_content_length: bool,
    /// `--raw`: no transfer or content decoding.
    pub raw: bool,
    /// `--tr-encoding`: ask for a gzip transfer coding (`TE: gzip`).
    pub tr_encoding: bool,
    /// `-E CERT:PASSWORD`: a password was given (encrypted keys are not supported).
    pub cert_password: bool,
    /// `--cert-type`.
    pub cert_type: FileType,
    /// `--key-type`.
    pub key_type: FileType,
    /// `--proto-redir`: the protocols a redirect may lead to.
    pub proto_redir: Protocols,
}

/// `-C`: where a download resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContinueAt {
    /// `-C -`: after the bytes the output file already holds.
    FromOutput,
    /// `-C OFFSET`.
    Offset(u64),
}

/// How `-u` credentials are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthScheme {
    /// `--basic` (the default): with the first request.
    #[default]
    Basic,
    /// `--digest`: in answer to the server's Digest challenge.
    Digest,
    /// `--anyauth`: the strongest scheme the server's 401 offers.
    Any,
}

/// `-4`, `-6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IpFamilyArg {
    /// Either.
    #[default]
    Any,
    /// `-4`.
    V4,
    /// `-6`.
    V6,
}

/// `-n`, `--netrc-optional`, `--netrc-file`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetrcArgs {
    /// `-n` or `--netrc-optional`: use the user's `.netrc`.
    pub enabled: bool,
    /// `--netrc-file`: this file in place of the user's.
    pub file: Option<PathBuf>,
}

/// The `--retry` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetryArgs {
    /// `--retry N`: retries after a transient failure (0: none).
    pub count: u32,
    /// `--retry-delay`: the wait between retries (zero: curl's backoff).
    pub delay: Option<Duration>,
    /// `--retry-max-time`: no retry starts after this long (zero: no limit).
    pub max_time: Option<Duration>,
    /// `--retry-all-errors`.
    pub all_errors: bool,
    /// `--retry-connrefused`.
    pub connrefused: bool,
}

impl Default for Operation {
    fn default() -> Operation {
        Operation {
            urls: Vec::new(),
            outputs: Vec::new(),
            remote_name_all: false,
            remote_header_name: false,
            create_dirs: false,
            output_dir: None,
            globoff: false,
            method: None,
            headers: Vec::new(),
            data: Vec::new(),
            json: Vec::new(),
            get: false,
            url_query: Vec::new(),
            head: false,
            include: false,
            location: false,
            // With `-L` and no `--max-redirs`: the library's limit.
            max_redirs: plainwire::defaults::MAX_REDIRECTS,
            fail: false,
            fail_with_body: false,
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
            user_agent: None,
            referer: None,
            auto_referer: false,
            cookies: Vec::new(),
            dump_header: None,
            remove_on_error: false,
            protocols: Protocols::ALL,
            max_filesize: None,
            write_out: None,
            form: Vec::new(),
            upload_files: Vec::new(),
            compressed: false,
            cookie_files: Vec::new(),
            cookie_jar: None,
            junk_session_cookies: false,
            retry: RetryArgs::default(),
            range: None,
            continue_at: None,
            auth: AuthScheme::Basic,
            netrc: NetrcArgs::default(),
            noproxy: None,
            proxy_user: None,
            location_trusted: false,
            post_on_redirect: Vec::new(),
            resolve: Vec::new(),
            connect_to: Vec::new(),
            ip_family: IpFamilyArg::Any,
            interface: None,
            http10: false,
            tls_min: None,
            tls_max: None,
            pinned_key: None,
            limit_rate: None,
            speed_limit: None,
            speed_time: None,
            etag_save: None,
            etag_compare: None,
            time_cond: None,
            remote_time: false,
            path_as_is: false,
            request_target: None,
            proxy_headers: Vec::new(),
            proxytunnel: false,
            ignore_content_length: false,
            raw: false,
            tr_encoding: false,
            cert_password: false,
            cert_type: FileType::Pem,
            key_type: FileType::Pem,
            proto_redir: Protocols::ALL,
        }
    }
}

impl Operation {
    /// Whether the data options make a request body (not so with `-G`, where they make the
    /// query).
    pub fn has_body(&self) -> bool {
        !self.json.is_empty() || (!self.data.is_empty() && !self.get) || !self.form.is_empty()
    }

    /// The method to send: `-X` wins; else HEAD with `-I`; else PUT when a file is uploaded
    /// (`-T`); else POST when there is a body; else GET.
    pub fn method_for(&self, upload: bool) -> &str {
        if let Some(method) = &self.method {
            method
        } else if self.head {
            "HEAD"
        } else if upload {
            "PUT"
        } else if self.has_body() {
            "POST"
        } else {
            "GET"
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Make the transfers.
    Run(Invocation),
    /// `-h`/`--help`: print the help and exit 0.
    Help,
    /// `-V`/`--version`: print the version and exit 0.
    Version,
}

/// A command-line mistake, or a config file that cannot be read. Display gives the message;
/// the caller prints `plainwire: (N) <message>` and exits with [`UsageError::exit_code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// What is wrong.
    pub message: String,
    /// curl's 2 for a mistake, 26 for a `-K` file that cannot be read.
    pub exit_code: u8,
    /// Whether the message names the config file and line it came from already (an included
    /// file's), so that the files that include it do not name theirs too.
    pub located: bool,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for UsageError {}

/// Parses the default config file (if any) and then the arguments (WITHOUT the program name).
pub fn parse<I: IntoIterator<Item = OsString>>(
    default_config: Option<&Path>,
    args: I,
) -> Result<Command, UsageError> {
    let mut parser = Parser::default();
    if let Some(path) = default_config {
        if let Some(command) = parser.config_file(path)? {
            return Ok(command);
        }
    }
    let mut argv = args.into_iter();
    if let Some(command) = parser.argv(&mut argv)? {
        return Ok(command);
    }
    parser.finish()
}

/// Whether `-q`/`--disable` is the first argument, which skips the default config file; as in
/// curl, `-q` may start a cluster of short options (`-qs`).
pub fn skips_default_config(first: Option<&OsString>) -> bool {
    first.is_some_and(|arg| {
        arg == "--disable" || arg.to_str().is_some_and(|arg| arg.starts_with("-q"))
    })
}

/// Every option the tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Url,
    Next,
    Globoff,
    Request,
    Header,
    Data,
    DataAscii,
    DataBinary,
    DataRaw,
    DataUrlencode,
    Json,
    Get,
    UrlQuery,
    Head,
    Include,
    Output,
    RemoteName,
    RemoteNameAll,
    RemoteHeaderName,
    CreateDirs,
    OutputDir,
    DumpHeader,
    Location,
    MaxRedirs,
    Fail,
    FailWithBody,
    FailEarly,
    Insecure,
    Cacert,
    Capath,
    Cert,
    CertType,
    Key,
    SslNoRevoke,
    ConnectTimeout,
    MaxTime,
    User,
    Basic,
    Bearer,
    Proxy,
    UserAgent,
    Referer,
    Cookie,
    Proto,
    NoKeepalive,
    KeepaliveTime,
    TcpNodelay,
    Http2,
    Http11,
    Verbose,
    Trace,
    TraceAscii,
    TraceTime,
    Silent,
    ShowError,
    ProgressBar,
    NoProgressMeter,
    NoBuffer,
    Stderr,
    RemoveOnError,
    MaxFilesize,
    WriteOut,
    Parallel,
    ParallelMax,
    Config,
    Disable,
    Help,
    Version,
    Form,
    FormString,
    UploadFile,
    Compressed,
    CookieJar,
    JunkSessionCookies,
    Retry,
    RetryDelay,
    RetryMaxTime,
    RetryAllErrors,
    RetryConnrefused,
    Range,
    ContinueAt,
    Digest,
    AnyAuth,
    Netrc,
    NetrcOptional,
    NetrcFile,
    Noproxy,
    ProxyUser,
    LocationTrusted,
    Post301,
    Post302,
    Post303,
    Resolve,
    ConnectTo,
    Ipv4,
    Ipv6,
    Http10,
    Tlsv1_0,
    Tlsv1_1,
    Tlsv1_2,
    Tlsv1_3,
    TlsMax,
    PinnedPubkey,
    LimitRate,
    SpeedLimit,
    SpeedTime,
    EtagSave,
    EtagCompare,
    TimeCond,
    RemoteTime,
    PathAsIs,
    RequestTarget,
    ProxyHeader,
    Proxytunnel,
    Interface,
    IgnoreContentLength,
    Raw,
    TrEncoding,
    KeyType,
    ProtoRedir,
}

/// Whether and how an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    /// A command or marker: `-h`, `--next`.
    Nothing,
    /// A boolean: `--flag` is on, `--no-flag` off.
    Switch,
    /// A value follows.
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

use Takes::{Nothing, Switch, Value};

/// The option table: short letter, long name, whether a value follows.
const SPECS: &[Spec] = &[
    spec(None, "url", Value, Opt::Url),
    spec(Some(':'), "next", Nothing, Opt::Next),
    spec(Some('g'), "globoff", Switch, Opt::Globoff),
    spec(Some('X'), "request", Value, Opt::Request),
    spec(Some('H'), "header", Value, Opt::Header),
    spec(Some('d'), "data", Value, Opt::Data),
    spec(None, "data-ascii", Value, Opt::DataAscii),
    spec(None, "data-binary", Value, Opt::DataBinary),
    spec(None, "data-raw", Value, Opt::DataRaw),
    spec(None, "data-urlencode", Value, Opt::DataUrlencode),
    spec(None, "json", Value, Opt::Json),
    spec(Some('G'), "get", Switch, Opt::Get),
    spec(None, "url-query", Value, Opt::UrlQuery),
    spec(Some('I'), "head", Switch, Opt::Head),
    spec(Some('i'), "include", Switch, Opt::Include),
    spec(Some('o'), "output", Value, Opt::Output),
    spec(Some('O'), "remote-name", Switch, Opt::RemoteName),
    spec(None, "remote-name-all", Switch, Opt::RemoteNameAll),
    spec(
        Some('J'),
        "remote-header-name",
        Switch,
        Opt::RemoteHeaderName,
    ),
    spec(None, "create-dirs", Switch, Opt::CreateDirs),
    spec(None, "output-dir", Value, Opt::OutputDir),
    spec(Some('D'), "dump-header", Value, Opt::DumpHeader),
    spec(Some('L'), "location", Switch, Opt::Location),
    spec(None, "max-redirs", Value, Opt::MaxRedirs),
    spec(Some('f'), "fail", Switch, Opt::Fail),
    spec(None, "fail-with-body", Switch, Opt::FailWithBody),
    spec(None, "fail-early", Switch, Opt::FailEarly),
    spec(Some('k'), "insecure", Switch, Opt::Insecure),
    spec(None, "cacert", Value, Opt::Cacert),
    spec(None, "capath", Value, Opt::Capath),
    spec(Some('E'), "cert", Value, Opt::Cert),
    spec(None, "cert-type", Value, Opt::CertType),
    spec(None, "key", Value, Opt::Key),
    spec(None, "ssl-no-revoke", Switch, Opt::SslNoRevoke),
    spec(None, "connect-timeout", Value, Opt::ConnectTimeout),
    spec(Some('m'), "max-time", Value, Opt::MaxTime),
    spec(Some('u'), "user", Value, Opt::User),
    spec(None, "basic", Switch, Opt::Basic),
    spec(None, "oauth2-bearer", Value, Opt::Bearer),
    spec(Some('x'), "proxy", Value, Opt::Proxy),
    spec(Some('A'), "user-agent", Value, Opt::UserAgent),
    spec(Some('e'), "referer", Value, Opt::Referer),
    spec(Some('b'), "cookie", Value, Opt::Cookie),
    spec(None, "proto", Value, Opt::Proto),
    spec(None, "no-keepalive", Switch, Opt::NoKeepalive),
    spec(None, "keepalive-time", Value, Opt::KeepaliveTime),
    spec(None, "tcp-nodelay", Switch, Opt::TcpNodelay),
    spec(None, "http1.1", Switch, Opt::Http11),
    spec(None, "http2", Switch, Opt::Http2),
    spec(Some('v'), "verbose", Switch, Opt::Verbose),
    spec(None, "trace", Value, Opt::Trace),
    spec(None, "trace-ascii", Value, Opt::TraceAscii),
    spec(None, "trace-time", Switch, Opt::TraceTime),
    spec(Some('s'), "silent", Switch, Opt::Silent),
    spec(Some('S'), "show-error", Switch, Opt::ShowError),
    spec(Some('#'), "progress-bar", Switch, Opt::ProgressBar),
    spec(None, "no-progress-meter", Switch, Opt::NoProgressMeter),
    spec(Some('N'), "no-buffer", Switch, Opt::NoBuffer),
    spec(None, "stderr", Value, Opt::Stderr),
    spec(None, "remove-on-error", Switch, Opt::RemoveOnError),
    spec(None, "max-filesize", Value, Opt::MaxFilesize),
    spec(Some('w'), "write-out", Value, Opt::WriteOut),
    spec(Some('Z'), "parallel", Switch, Opt::Parallel),
    spec(None, "parallel-max", Value, Opt::ParallelMax),
    spec(Some('K'), "config", Value, Opt::Config),
    spec(Some('q'), "disable", Switch, Opt::Disable),
    spec(Some('h'), "help", Nothing, Opt::Help),
    spec(Some('V'), "version", Nothing, Opt::Version),
    spec(Some('F'), "form", Value, Opt::Form),
    spec(None, "form-string", Value, Opt::FormString),
    spec(Some('T'), "upload-file", Value, Opt::UploadFile),
    spec(None, "compressed", Switch, Opt::Compressed),
    spec(Some('c'), "cookie-jar", Value, Opt::CookieJar),
    spec(
        Some('j'),
        "junk-session-cookies",
        Switch,
        Opt::JunkSessionCookies,
    ),
    spec(None, "retry", Value, Opt::Retry),
    spec(None, "retry-delay", Value, Opt::RetryDelay),
    spec(None, "retry-max-time", Value, Opt::RetryMaxTime),
    spec(None, "retry-all-errors", Switch, Opt::RetryAllErrors),
    spec(None, "retry-connrefused", Switch, Opt::RetryConnrefused),
    spec(Some('r'), "range", Value, Opt::Range),
    spec(Some('C'), "continue-at", Value, Opt::ContinueAt),
    spec(None, "digest", Switch, Opt::Digest),
    spec(None, "anyauth", Switch, Opt::AnyAuth),
    spec(Some('n'), "netrc", Switch, Opt::Netrc),
    spec(None, "netrc-optional", Switch, Opt::NetrcOptional),
    spec(None, "netrc-file", Value, Opt::NetrcFile),
    spec(None, "noproxy", Value, Opt::Noproxy),
    spec(Some('U'), "proxy-user", Value, Opt::ProxyUser),
    spec(None, "location-trusted", Switch, Opt::LocationTrusted),
    spec(None, "post301", Switch, Opt::Post301),
    spec(None, "post302", Switch, Opt::Post302),
    spec(None, "post303", Switch, Opt::Post303),
    spec(None, "resolve", Value, Opt::Resolve),
    spec(None, "connect-to", Value, Opt::ConnectTo),
    spec(Some('4'), "ipv4", Nothing, Opt::Ipv4),
    spec(Some('6'), "ipv6", Nothing, Opt::Ipv6),
    spec(Some('0'), "http1.0", Nothing, Opt::Http10),
    spec(Some('1'), "tlsv1", Nothing, Opt::Tlsv1_0),
    spec(None, "tlsv1.0", Nothing, Opt::Tlsv1_0),
    spec(None, "tlsv1.1", Nothing, Opt::Tlsv1_1),
    spec(None, "tlsv1.2", Nothing, Opt::Tlsv1_2),
    spec(None, "tlsv1.3", Nothing, Opt::Tlsv1_3),
    spec(None, "tls-max", Value, Opt::TlsMax),
    spec(None, "pinnedpubkey", Value, Opt::PinnedPubkey),
    spec(None, "limit-rate", Value, Opt::LimitRate),
    spec(Some('Y'), "speed-limit", Value, Opt::SpeedLimit),
    spec(Some('y'), "speed-time", Value, Opt::SpeedTime),
    spec(None, "etag-save", Value, Opt::EtagSave),
    spec(None, "etag-compare", Value, Opt::EtagCompare),
    spec(Some('z'), "time-cond", Value, Opt::TimeCond),
    spec(Some('R'), "remote-time", Switch, Opt::RemoteTime),
    spec(None, "path-as-is", Switch, Opt::PathAsIs),
    spec(None, "request-target", Value, Opt::RequestTarget),
    spec(None, "proxy-header", Value, Opt::ProxyHeader),
    spec(Some('p'), "proxytunnel", Switch, Opt::Proxytunnel),
    spec(None, "interface", Value, Opt::Interface),
    spec(
        None,
        "ignore-content-length",
        Switch,
        Opt::IgnoreContentLength,
    ),
    spec(None, "raw", Switch, Opt::Raw),
    spec(None, "tr-encoding", Switch, Opt::TrEncoding),
    spec(None, "key-type", Value, Opt::KeyType),
    spec(None, "proto-redir", Value, Opt::ProtoRedir),
];

/// A long name, and whether it switches its option on: `--flag` and `--no-flag`, and for the
/// options named in the negative (`--no-progress-meter`) the positive form as "off".
fn find_long(name: &str) -> Option<(&'static Spec, bool)> {
    if let Some(spec) = SPECS.iter().find(|s| s.long == name) {
        return Some((spec, true));
    }
    let switch = |long: &str| SPECS.iter().find(|s| s.long == long && s.takes == Switch);
    if let Some(spec) = name.strip_prefix("no-").and_then(switch) {
        return Some((spec, false));
    }
    switch(&format!("no-{name}")).map(|spec| (spec, false))
}

/// Parsing state: the options so far.
#[derive(Default)]
struct Parser {
    globals: Globals,
    done: Vec<Operation>,
    current: Operation,
    warnings: Vec<String>,
    config_depth: usize,
}

impl Parser {
    /// Parses command-line arguments; `Some` when `-h` or `-V` ends the parse.
    fn argv(
        &mut self,
        argv: &mut dyn Iterator<Item = OsString>,
    ) -> Result<Option<Command>, UsageError> {
        let mut options_ended = false;
        while let Some(raw) = argv.next() {
            if options_ended || raw == "-" || raw.as_encoded_bytes().first() != Some(&b'-') {
                self.url(raw)?;
                continue;
            }
            let arg = match raw.into_string() {
                Ok(arg) => arg,
                Err(raw) => {
                    // `--data-raw=…` or `-d…` with a value that is not UTF-8: the option
                    // takes the value as the next argument would be taken.
                    let (option, value) =
                        split_attached(raw.as_encoded_bytes()).ok_or_else(|| {
                            usage(format!(
                                "option {}: is not valid UTF-8",
                                raw.to_string_lossy()
                            ))
                        })?;
                    let mut value = Some(values::os_string_from_bytes(value));
                    if let Some(command) =
                        self.option(&option, &mut || value.take().or_else(|| argv.next()))?
                    {
                        return Ok(Some(command));
                    }
                    if value.is_some() {
                        return Err(usage(format!("option {option}: does not take a value")));
                    }
                    continue;
                }
            };
            if arg == "--" {
                options_ended = true;
            } else if let Some(command) = self.option(&arg, &mut || argv.next())? {
                return Ok(Some(command));
            }
        }
        Ok(None)
    }

    /// One option argument (`--long`, `--long=value`, `-abc`), taking values from `next`.
    fn option(
        &mut self,
        arg: &str,
        next: &mut dyn FnMut() -> Option<OsString>,
    ) -> Result<Option<Command>, UsageError> {
        if let Some(long) = arg.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            let shown = format!("--{name}");
            let (spec, on) =
                find_long(name).ok_or_else(|| usage(format!("option {shown}: is unknown")))?;
            let value = match (spec.takes, attached) {
                (Nothing | Switch, None) => None,
                (Nothing | Switch, Some(_)) => {
                    return Err(usage(format!("option {shown}: does not take a value")))
                }
                (Value, Some(value)) => Some(OsString::from(value)),
                (Value, None) => Some(next().ok_or_else(|| missing(&shown))?),
            };
            return self.apply(spec.opt, &shown, value, on);
        }
        // A cluster of short flags, e.g. `-sSL`, `-sSLo out`, `-XPOST`.
        let cluster = &arg[1..];
        for (at, letter) in cluster.char_indices() {
            let shown = format!("-{letter}");
            let spec = SPECS
                .iter()
                .find(|s| s.short == Some(letter))
                .ok_or_else(|| usage(format!("option {shown}: is unknown")))?;
            // A value-taking letter ends the cluster: its value is the rest of the cluster,
            // or else the next argument.
            let rest = &cluster[at + letter.len_utf8()..];
            let value = match spec.takes {
                Nothing | Switch => None,
                Value if rest.is_empty() => Some(next().ok_or_else(|| missing(&shown))?),
                Value => Some(OsString::from(rest)),
            };
            let ends_cluster = value.is_some();
            if let Some(command) = self.apply(spec.opt, &shown, value, true)? {
                return Ok(Some(command));
            }
            if ends_cluster {
                break;
            }
        }
        Ok(None)
    }

    /// A URL: positional, or `--url`.
    fn url(&mut self, raw: OsString) -> Result<(), UsageError> {
        let url = raw
            .into_string()
            .map_err(|_| usage("URL is not valid UTF-8"))?;
        if url.is_empty() {
            return Err(usage("empty URL"));
        }
        self.current.urls.push(url);
        Ok(())
    }

    /// Reads and applies a config file (`-K`, or the default one).
    fn config_file(&mut self, path: &Path) -> Result<Option<Command>, UsageError> {
        if self.config_depth >= MAX_CONFIG_DEPTH {
            return Err(usage(format!(
                "config files nested deeper than {MAX_CONFIG_DEPTH}"
            )));
        }
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let text = read_config(path).map_err(|e| UsageError {
            message: format!("cannot read config from '{name}': {e}"),
            exit_code: crate::failure::READ_ERROR,
            located: false,
        })?;
        let entries = config_file::parse(&text).map_err(|e| UsageError {
            located: true,
            ..usage(format!("{name}:{}: {}", e.line, e.message))
        })?;
        self.config_depth += 1;
        let mut result = Ok(None);
        for entry in entries {
            // The innermost file names where the error is; named again at each level, a file
            // that includes itself made a message of eight prefixes.
            result = self.config_entry(&entry);
            if let Err(e) = &mut result {
                if !std::mem::replace(&mut e.located, true) {
                    e.message = format!("{name}:{}: {}", entry.line, e.message);
                }
            }
            if !matches!(result, Ok(None)) {
                break;
            }
        }
        self.config_depth -= 1;
        result
    }

    /// One line of a config file: a long name without dashes, or an option as on the
    /// command line, with the line's value as its value.
    fn config_entry(&mut self, entry: &config_file::Entry) -> Result<Option<Command>, UsageError> {
        let option = if entry.option.starts_with('-') {
            entry.option.clone()
        } else {
            format!("--{}", entry.option)
        };
        let mut value = entry.value.clone().map(OsString::from);
        let command = self.option(&option, &mut || value.take())?;
        if value.is_some() {
            return Err(usage(format!("option {option}: does not take a value")));
        }
        Ok(command)
    }

    /// Applies one option. `shown` is the option as the user spelled it, for messages;
    /// `value` is `Some` exactly for value-taking options; `on` is false for `--no-flag`.
    /// Returns a command when parsing should stop (`-h`, `-V`).
    fn apply(
        &mut self,
        opt: Opt,
        shown: &str,
        value: Option<OsString>,
        on: bool,
    ) -> Result<Option<Command>, UsageError> {
        let bad = |message: String| usage(format!("option {shown}: {message}"));
        let g = &mut self.globals;
        let op = &mut self.current;
        match opt {
            Opt::Url => self.url(value.ok_or_else(|| missing(shown))?)?,
            Opt::Next => {
                if !self.current.urls.is_empty() {
                    self.done.push(std::mem::take(&mut self.current));
                }
            }
            Opt::Globoff => op.globoff = on,
            Opt::Request => op.method = Some(values::method(&text(shown, value)?).map_err(bad)?),
            Opt::Header => {
                let text = text(shown, value)?;
                op.headers.push(match text.starts_with('@') {
                    true => HeaderArg::File(Source::from_at(&text)),
                    false => HeaderArg::Field(values::header(&text).map_err(bad)?),
                });
            }
            Opt::Data | Opt::DataAscii => {
                self.data(shown, DataPiece::data(bytes(shown, value)?))?
            }
            Opt::DataBinary => self.data(shown, DataPiece::binary(bytes(shown, value)?))?,
            Opt::DataRaw => self.data(shown, DataPiece::raw(bytes(shown, value)?))?,
            Opt::DataUrlencode => self.data(shown, DataPiece::url_encoded(bytes(shown, value)?))?,
            Opt::Json => {
                if !op.data.is_empty() {
                    return Err(bad("cannot be combined with -d".to_string()));
                }
                op.json.push(Source::from_at(bytes(shown, value)?));
            }
            Opt::Get => op.get = on,
            Opt::UrlQuery => op
                .url_query
                .push(DataPiece::url_query(bytes(shown, value)?)),
            Opt::Head => op.head = on,
            Opt::Include => op.include = on,
            Opt::Output => {
                let path = path(shown, value)?;
                if path.as_os_str().is_empty() {
                    return Err(bad("output file name has no length".to_string()));
                }
                op.outputs.push(OutputArg::File(path));
            }
            Opt::RemoteName => op.outputs.push(match on {
                true => OutputArg::RemoteName,
                false => OutputArg::Stdout,
            }),
            Opt::RemoteNameAll => op.remote_name_all = on,
            Opt::RemoteHeaderName => op.remote_header_name = on,
            Opt::CreateDirs => op.create_dirs = on,
            Opt::OutputDir => op.output_dir = Some(path(shown, value)?),
            Opt::DumpHeader => op.dump_header = Some(path(shown, value)?),
            Opt::Location => op.location = on,
            Opt::MaxRedirs => op.max_redirs = values::redirs(&text(shown, value)?).map_err(bad)?,
            Opt::Fail | Opt::FailWithBody => {
                if opt == Opt::Fail {
                    op.fail = on;
                } else {
                    op.fail_with_body = on;
                }
                if op.fail && op.fail_with_body {
                    return Err(bad(
                        "select either --fail or --fail-with-body, not both".to_string()
                    ));
                }
            }
            Opt::FailEarly => g.fail_early = on,
            Opt::Insecure => op.insecure = on,
            Opt::Cacert => op.cacert = Some(path(shown, value)?),
            Opt::Capath => op.capath = Some(path(shown, value)?),
            Opt::Cert => {
                let (path, password) = values::cert(&text(shown, value)?);
                op.cert = Some(path);
                op.cert_password = password;
            }
            Opt::CertType => op.cert_type = tls_options::file_type(&text(shown, value)?),
            Opt::KeyType => op.key_type = tls_options::file_type(&text(shown, value)?),
            Opt::Key => op.key = Some(path(shown, value)?),
            // Revocation is not checked at all, so there is nothing to switch off.
            Opt::SslNoRevoke => {}
            Opt::ConnectTimeout => {
                op.connect_timeout = Some(values::seconds(&text(shown, value)?).map_err(bad)?)
            }
            Opt::MaxTime => op.max_time = Some(values::seconds(&text(shown, value)?).map_err(bad)?),
            Opt::User => op.user = Some(values::credentials(&text(shown, value)?)),
            // --no-digest and --no-anyauth go back to the default, Basic.
            Opt::Basic => op.auth = AuthScheme::Basic,
            Opt::Digest => {
                op.auth = if on {
                    AuthScheme::Digest
                } else {
                    AuthScheme::Basic
                }
            }
            Opt::AnyAuth => {
                op.auth = if on {
                    AuthScheme::Any
                } else {
                    AuthScheme::Basic
                }
            }
            Opt::Bearer => {
                op.bearer = Some(values::field_value(&text(shown, value)?).map_err(bad)?)
            }
            Opt::Proxy => op.proxy = Some(text(shown, value)?),
            Opt::UserAgent => {
                op.user_agent = Some(values::field_value(&text(shown, value)?).map_err(bad)?)
            }
            Opt::Referer => {
                let referer = values::field_value(&text(shown, value)?).map_err(bad)?;
                let (url, auto) = match referer.strip_suffix(";auto") {
                    Some(url) => (url, true),
                    None => (referer.as_str(), false),
                };
                op.auto_referer = auto;
                op.referer = (!url.is_empty()).then(|| url.to_string());
            }
            Opt::Cookie => {
                // curl's rule: a value with '=' is cookies to send, any other a file to read.
                let cookie = values::field_value(&text(shown, value)?).map_err(bad)?;
                if cookie.contains('=') {
                    op.cookies.push(cookie);
                } else {
                    op.cookie_files.push(PathBuf::from(cookie));
                }
            }
            Opt::CookieJar => op.cookie_jar = Some(path(shown, value)?),
            Opt::JunkSessionCookies => op.junk_session_cookies = on,
            Opt::Proto => {
                let unknown = op.protocols.apply(&text(shown, value)?);
                for name in unknown {
                    self.warnings
                        .push(format!("{shown}: unrecognized protocol '{name}'"));
                }
            }
            // No TCP keep-alive probes are sent, so there is nothing to switch off; plainwire
            // speaks only HTTP/1.1.
            // Nothing for plainwire to do: it sends no TCP keepalive probes, always sets
            // TCP_NODELAY, and speaks HTTP/1.1, which curl's --http2 falls back to.
            Opt::NoKeepalive | Opt::TcpNodelay | Opt::Http11 | Opt::Http2 => {}
            Opt::KeepaliveTime => {
                values::count(&text(shown, value)?).map_err(bad)?;
            }
            Opt::Verbose => {
                if on && g.trace.take().is_some() {
                    self.warnings
                        .push("-v, --verbose overrides an earlier trace option".to_string());
                }
                g.verbose = on;
            }
            Opt::Trace | Opt::TraceAscii => {
                let path = path(shown, value)?;
                if path.as_os_str().is_empty() {
                    return Err(bad("trace file name has no length".to_string()));
                }
                if std::mem::take(&mut g.verbose) || g.trace.is_some() {
                    self.warnings.push(format!(
                        "{shown} overrides an earlier trace or verbose option"
                    ));
                }
                let ascii = opt == Opt::TraceAscii;
                g.trace = Some(TraceTarget { path, ascii });
            }
            Opt::TraceTime => g.trace_time = on,
            Opt::Silent => g.silent = on,
            Opt::ShowError => g.show_error = on,
            Opt::ProgressBar => g.progress_bar = on,
            Opt::NoProgressMeter => g.no_progress_meter = on,
            // `-N`: plainwire never holds output back.
            Opt::NoBuffer => {}
            Opt::Stderr => g.stderr = Some(path(shown, value)?),
            Opt::RemoveOnError => op.remove_on_error = on,
            Opt::MaxFilesize => {
                // 0 is no limit, as libcurl's CURLOPT_MAXFILESIZE takes it.
                op.max_filesize =
                    Some(values::size(&text(shown, value)?).map_err(bad)?).filter(|&max| max > 0)
            }
            Opt::WriteOut => op.write_out = Some(Source::from_at(&text(shown, value)?)),
            Opt::Parallel => g.parallel = on,
            Opt::ParallelMax => {
                g.parallel_max = values::parallel_max(&text(shown, value)?).map_err(bad)?
            }
            Opt::Config => {
                let path = path(shown, value)?;
                return self.config_file(&path);
            }
            // Only meaningful as the first argument, where main has already seen it.
            Opt::Disable => {}
            Opt::Form | Opt::FormString => {
                let parsed =
                    form::parse(&text(shown, value)?, opt == Opt::FormString).map_err(bad)?;
                self.warnings.extend(parsed.warnings);
                op.form.push(parsed.field);
            }
            Opt::UploadFile => op.upload_files.push(path(shown, value)?),
            Opt::Compressed => op.compressed = on,
            Opt::Retry => op.retry.count = values::count_u32(&text(shown, value)?).map_err(bad)?,
            Opt::RetryDelay => {
                op.retry.delay = Some(values::seconds(&text(shown, value)?).map_err(bad)?)
            }
            Opt::RetryMaxTime => {
                op.retry.max_time = Some(values::seconds(&text(shown, value)?).map_err(bad)?)
            }
            Opt::RetryAllErrors => op.retry.all_errors = on,
            Opt::RetryConnrefused => op.retry.connrefused = on,
            Opt::Range => {
                let (range, warning) = values::range(&text(shown, value)?);
                self.warnings.extend(warning);
                op.range = Some(range);
            }
            Opt::ContinueAt => {
                let value = text(shown, value)?;
                op.continue_at = Some(match value.as_str() {
                    "-" => ContinueAt::FromOutput,
                    offset => ContinueAt::Offset(values::count(offset).map_err(bad)?),
                });
            }
            Opt::Netrc => op.netrc.enabled = on,
            // A missing `.netrc` is no error for `-n` either, so this is `-n`.
            Opt::NetrcOptional => op.netrc.enabled = on,
            Opt::NetrcFile => op.netrc.file = Some(path(shown, value)?),
            Opt::Noproxy => op.noproxy = Some(text(shown, value)?),
            Opt::ProxyUser => op.proxy_user = Some(values::credentials(&text(shown, value)?)),
            Opt::LocationTrusted => {
                op.location_trusted = on;
                op.location |= on;
            }
            Opt::Post301 | Opt::Post302 | Opt::Post303 => {
                let status = match opt {
                    Opt::Post301 => 301,
                    Opt::Post302 => 302,
                    _ => 303,
                };
                op.post_on_redirect.retain(|&s| s != status);
                if on {
                    op.post_on_redirect.push(status);
                }
            }
            Opt::Resolve => op
                .resolve
                .push(routes::resolve(&text(shown, value)?).map_err(bad)?),
            Opt::ConnectTo => op
                .connect_to
                .push(routes::connect_to(&text(shown, value)?).map_err(bad)?),
            Opt::Ipv4 => op.ip_family = IpFamilyArg::V4,
            Opt::Ipv6 => op.ip_family = IpFamilyArg::V6,
            Opt::Http10 => op.http10 = true,
            // As in curl, the last says: --tlsv1.3 then --tlsv1.2 asks for 1.2 or later.
            Opt::Tlsv1_0 => op.tls_min = Some(TlsArg::V1_0),
            Opt::Tlsv1_1 => op.tls_min = Some(TlsArg::V1_1),
            Opt::Tlsv1_2 => op.tls_min = Some(TlsArg::V1_2),
            Opt::Tlsv1_3 => op.tls_min = Some(TlsArg::V1_3),
            Opt::TlsMax => op.tls_max = tls_options::tls_max(&text(shown, value)?).map_err(bad)?,
            Opt::PinnedPubkey => {
                let (pin, warnings) = tls_options::pinned(&text(shown, value)?);
                self.warnings.extend(warnings);
                op.pinned_key = Some(pin);
            }
            Opt::LimitRate => {
                let rate = values::size(&text(shown, value)?).map_err(bad)?;
                op.limit_rate = (rate > 0).then_some(rate);
            }
            Opt::SpeedLimit => {
                op.speed_limit = Some(values::count(&text(shown, value)?).map_err(bad)?)
            }
            Opt::SpeedTime => {
                // Whole seconds, as curl reads it.
                op.speed_time = Some(Duration::from_secs(
                    values::count(&text(shown, value)?).map_err(bad)?,
                ))
            }
            Opt::EtagSave => op.etag_save = Some(path(shown, value)?),
            Opt::EtagCompare => op.etag_compare = Some(path(shown, value)?),
            Opt::TimeCond => op.time_cond = Some(text(shown, value)?),
            Opt::RemoteTime => op.remote_time = on,
            Opt::PathAsIs => op.path_as_is = on,
            Opt::RequestTarget => {
                op.request_target = Some(values::request_target(&text(shown, value)?).map_err(bad)?)
            }
            Opt::ProxyHeader => {
                let text = text(shown, value)?;
                op.proxy_headers.push(match text.starts_with('@') {
                    true => HeaderArg::File(Source::from_at(&text)),
                    false => HeaderArg::Field(values::header(&text).map_err(bad)?),
                });
            }
            Opt::Proxytunnel => op.proxytunnel = on,
            Opt::Interface => {
                op.interface = Some(interface::parse(&text(shown, value)?).map_err(bad)?)
            }
            Opt::IgnoreContentLength => op.ignore_content_length = on,
            Opt::Raw => op.raw = on,
            Opt::TrEncoding => op.tr_encoding = on,
            Opt::ProtoRedir => {
                let unknown = op.proto_redir.apply(&text(shown, value)?);
                for name in unknown {
                    self.warnings
                        .push(format!("{shown}: unrecognized protocol '{name}'"));
                }
            }
            Opt::Help => return Ok(Some(Command::Help)),
            Opt::Version => return Ok(Some(Command::Version)),
        }
        Ok(None)
    }

    /// Adds a piece of `-d` data.
    fn data(&mut self, shown: &str, piece: DataPiece) -> Result<(), UsageError> {
        if !self.current.json.is_empty() {
            return Err(usage(format!(
                "option {shown}: cannot be combined with --json"
            )));
        }
        self.current.data.push(piece);
        Ok(())
    }

    /// Checks what can only be checked once everything is seen.
    fn finish(mut self) -> Result<Command, UsageError> {
        if self.current.urls.is_empty() {
            return Err(usage(if self.done.is_empty() {
                "no URL specified"
            } else {
                "no URL specified after --next"
            }));
        }
        self.done.push(self.current);
        for op in &self.done {
            check_one_method(op)?;
            if op.continue_at.is_some() && op.range.is_some() {
                return Err(usage(
                    "-C (--continue-at) and -r (--range) cannot be combined: use one of them",
                ));
            }
            if op.continue_at.is_some() && op.remote_header_name {
                // The offset is measured on the file the URL names, and -J lets the server
                // name another: appending to it would add the server's bytes to any file it
                // picks (curl refuses the pair too).
                return Err(usage(
                    "--continue-at and --remote-header-name cannot be combined",
                ));
            }
            if op.continue_at.is_some() && op.remove_on_error {
                return Err(usage(
                    "--continue-at and --remove-on-error cannot be combined: a resumed file holds earlier data",
                ));
            }
            if (op.etag_save.is_some() || op.etag_compare.is_some()) && op.urls.len() > 1 {
                return Err(usage("The etag options only work on a single URL"));
            }
            if op.outputs.len() > op.urls.len() {
                self.warnings
                    .push("Got more output options than URLs".to_string());
            }
        }
        Ok(Command::Run(Invocation {
            globals: self.globals,
            operations: self.done,
            warnings: self.warnings,
        }))
    }
}

/// What a request can be: one of HEAD (`-I`), a form body (`-d`, `--json`), a multipart form
/// (`-F`) and an upload (`-T`), as curl's "You can only select one HTTP request method!".
fn check_one_method(op: &Operation) -> Result<(), UsageError> {
    let kinds = [
        (op.head, "HEAD (-I, --head)"),
        (
            !op.json.is_empty() || (!op.data.is_empty() && !op.get),
            "POST (-d, --data, --json)",
        ),
        (!op.form.is_empty(), "multipart formpost (-F, --form)"),
        (!op.upload_files.is_empty(), "PUT (-T, --upload-file)"),
        // -G moves -d data into the query; a form or an upload has no place there.
        (
            op.get && (!op.form.is_empty() || !op.upload_files.is_empty()),
            "GET (-G, --get)",
        ),
    ];
    let mut asked = kinds
        .iter()
        .filter(|(given, _)| *given)
        .map(|(_, name)| *name);
    match (asked.next(), asked.next()) {
        (Some(first), Some(second)) => Err(usage(format!(
            "You can only select one HTTP request method! You asked for both {first} and {second}; -G sends -d data in the query"
        ))),
        _ => Ok(()),
    }
}

/// The contents of a config file (`-` for stdin), as UTF-8 text, within the size limit.
fn read_config(path: &Path) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    let limit = config_file::MAX_CONFIG_BYTES + 1;
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(path)?
            .take(limit)
            .read_to_end(&mut bytes)?;
    }
    if bytes.len() as u64 >= limit {
        return Err(std::io::Error::other(format!(
            "larger than {} bytes",
            config_file::MAX_CONFIG_BYTES
        )));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::other("not valid UTF-8"))
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError {
        message: message.into(),
        exit_code: crate::failure::BAD_COMMAND_LINE,
        located: false,
    }
}

fn missing(shown: &str) -> UsageError {
    usage(format!("option {shown}: requires parameter"))
}

/// The option's value as UTF-8 text.
fn text(shown: &str, value: Option<OsString>) -> Result<String, UsageError> {
    value
        .ok_or_else(|| missing(shown))?
        .into_string()
        .map_err(|_| usage(format!("option {shown}: value is not valid UTF-8")))
}

/// An option argument whose value is attached and not UTF-8, split into the option and the
/// value: `--name=value`, or a cluster of short options (`-sd` + value) up to its first
/// letter that takes a value. `None` when the option part itself is not text, or no letter of
/// the cluster takes a value.
fn split_attached(arg: &[u8]) -> Option<(String, &[u8])> {
    if let Some(long) = arg.strip_prefix(b"--") {
        let eq = long.iter().position(|&b| b == b'=')?;
        let name = std::str::from_utf8(&long[..eq]).ok()?;
        return Some((format!("--{name}"), &long[eq + 1..]));
    }
    let cluster = arg.strip_prefix(b"-")?;
    for (at, &letter) in cluster.iter().enumerate() {
        if !letter.is_ascii_graphic() {
            return None;
        }
        // An unknown letter ends the cluster here too, for `option` to name it.
        let spec = SPECS.iter().find(|s| s.short == Some(char::from(letter)));
        if spec.is_none_or(|spec| spec.takes == Value) {
            let option = std::str::from_utf8(&cluster[..=at]).ok()?;
            return Some((format!("-{option}"), &cluster[at + 1..]));
        }
    }
    None
}

/// The option's value as bytes, for the options that send data: any bytes are accepted, as
/// curl sends them (see [`Source::from_at`]).
fn bytes(shown: &str, value: Option<OsString>) -> Result<Vec<u8>, UsageError> {
    Ok(value.ok_or_else(|| missing(shown))?.into_encoded_bytes())
}

/// The option's value as a path; any bytes the OS allows are accepted.
fn path(shown: &str, value: Option<OsString>) -> Result<PathBuf, UsageError> {
    value.map(PathBuf::from).ok_or_else(|| missing(shown))
}

#[cfg(test)]
mod tests;
