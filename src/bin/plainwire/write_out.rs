//! `-w FORMAT`: text about a transfer, written after it, also when it failed (as in curl,
//! where `%{http_code}` is then `000`). It renders; [`crate::multi`] writes the pieces out.
//!
//! The syntax is curl's (docs/cmdline-opts/write-out.md): `%{name}` variables, `%header{name}`
//! (the final response's header, trimmed), `%{json}` (every variable below as one object),
//! `%{header_json}` (the final response's headers, lowercase names, values in arrays),
//! `%{onerror}` (the rest only when the transfer failed), `%{stdout}`, `%{stderr}` and
//! `%output{FILE}` / `%output{>>FILE}` (where the rest goes), `%%`, and the escapes `\n`,
//! `\r`, `\t`. An unknown variable prints nothing and a warning; any other `%` or `\` is
//! printed as it is, with the character after it (`\\` stays two, `\%{x}` is no variable),
//! as curl 7.88 prints them.
//!
//! Variables: `content_type`, `errormsg`, `exitcode`, `filename_effective`, `http_code`,
//! `http_version`, `local_ip`, `local_port`, `method`, `num_certs`, `num_connects`,
//! `num_headers`, `num_redirects`, `num_retries` (curl 8.9), `redirect_url`, `referer`, `remote_ip`, `remote_port`,
//! `response_code`, `scheme`, `size_download`, `size_header`, `size_request`, `size_upload`,
//! `speed_download`, `speed_upload`, `time_appconnect`, `time_connect`, `time_namelookup`,
//! `time_pretransfer`, `time_redirect`, `time_starttransfer`, `time_total`, `url`,
//! `url_effective`, `urlnum`. Sizes of request heads count Authorization values only as far
//! as plainwire knows them (its own `-u`, `--oauth2-bearer`, `-H`); the library's trace masks
//! the others.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use plainwire::Timings;

/// The longest header name `%header{}` looks up (curl's buffer holds 255 characters).
const MAX_HEADER_NAME: usize = 255;

/// What `-w` can tell about a transfer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The final response's status; 0 if none arrived.
    pub response_code: u16,
    /// `1` or `1.1`; `None` if no response arrived.
    pub http_version: Option<&'static str>,
    /// The final response's Content-Type.
    pub content_type: Option<String>,
    /// Redirects followed.
    pub num_redirects: u32,
    /// Where a redirect that was not followed points, resolved.
    pub redirect_url: Option<String>,
    /// Bytes of every response head received.
    pub size_header: u64,
    /// Bytes of every request sent, heads and bodies.
    pub size_request: u64,
    /// Body bytes received.
    pub size_download: u64,
    /// Body bytes sent.
    pub size_upload: u64,
    /// The URL as given (after globbing), `%{url}`.
    pub url: String,
    /// The last URL used.
    pub url_effective: String,
    /// The method of the last request.
    pub method: String,
    /// The exit code of the transfer.
    pub exitcode: u8,
    /// The error message when it failed.
    pub errormsg: Option<String>,
    /// The last connection's server address.
    pub remote: Option<SocketAddr>,
    /// The last connection's own address.
    pub local: Option<SocketAddr>,
    /// New connections made.
    pub num_connects: u32,
    /// Retries made by `--retry`.
    pub num_retries: u32,
    /// Certificates the server sent in the last TLS handshake.
    pub num_certs: usize,
    /// The final response head, for `%header{}`, `%{header_json}` and `%{num_headers}`.
    pub last_head: Option<Vec<u8>>,
    /// The file the body went to.
    pub filename_effective: Option<String>,
    /// The Referer sent.
    pub referer: Option<String>,
    /// Which URL argument the transfer came from, from 0.
    pub urlnum: u64,
    /// Where the time went, once a response arrived.
    pub timings: Option<Timings>,
    /// The whole transfer by the tool's own clock, failed or not: `time_total`.
    pub total: Duration,
}

/// Where a piece of the output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output, the default.
    Stdout,
    /// Standard error (`%{stderr}`).
    Stderr,
    /// A file (`%output{FILE}`), appended to when `append` (`%output{>>FILE}`).
    File {
        /// The file.
        path: PathBuf,
        /// Whether to append rather than truncate.
        append: bool,
    },
}

/// A format rendered: pieces of output and where each goes, and the unknown variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Text and its destination, in order.
    pub pieces: Vec<(Target, Vec<u8>)>,
    /// Names of unknown variables, for warnings.
    pub unknown: Vec<String>,
}

impl Rendered {
    fn push(&mut self, target: &Target, text: &str) {
        match self.pieces.last_mut() {
            Some((last, bytes)) if last == target => bytes.extend_from_slice(text.as_bytes()),
            _ => self.pieces.push((target.clone(), text.as_bytes().to_vec())),
        }
    }
}

/// `format` with its variables and escapes replaced.
pub fn render(format: &str, report: &Report) -> Rendered {
    let mut out = Rendered::default();
    let mut target = Target::Stdout;
    let mut rest = format;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '%' if after.starts_with('%') => {
                out.push(&target, "%");
                rest = &after[1..];
            }
            '%' if after.starts_with('{') => {
                let Some(end) = after.find('}') else {
                    out.push(&target, "%{");
                    rest = &after[1..];
                    continue;
                };
                let name = &after[1..end];
                rest = &after[end + 1..];
                match name {
                    "stdout" => target = Target::Stdout,
                    "stderr" => target = Target::Stderr,
                    "onerror" if report.exitcode == 0 => break,
                    "onerror" => {}
                    "json" => out.push(&target, &json(report)),
                    "header_json" => out.push(&target, &header_json(report)),
                    _ => match variable(name, report) {
                        Some(value) => out.push(&target, &value.text()),
                        None => out.unknown.push(name.to_string()),
                    },
                }
            }
            '%' if after.starts_with("header{") || after.starts_with("output{") => {
                let open = &after[7..];
                let Some(end) = open.find('}') else {
                    out.push(&target, &rest[..8]);
                    rest = open;
                    continue;
                };
                let argument = &open[..end];
                if after.starts_with("header{") {
                    if let Some(value) = header(report, argument) {
                        out.push(&target, &value);
                    }
                } else {
                    target = match argument.strip_prefix(">>") {
                        Some(path) => Target::File {
                            path: path.into(),
                            append: true,
                        },
                        None => Target::File {
                            path: argument.into(),
                            append: false,
                        },
                    };
                }
                rest = &open[end + 1..];
            }
            // curl's three escapes; any other pair is written as it is, both characters
            // taken (`\\` stays two, and `\%{x}` is no variable), as curl 7.88 writes them.
            '\\' | '%' if !after.is_empty() => {
                let next = after.chars().next().unwrap_or_default();
                let escaped = match (c, next) {
                    ('\\', 'n') => "\n",
                    ('\\', 'r') => "\r",
                    ('\\', 't') => "\t",
                    _ => &rest[..c.len_utf8() + next.len_utf8()],
                };
                out.push(&target, escaped);
                rest = &after[next.len_utf8()..];
            }
            _ => {
                out.push(&target, &rest[..c.len_utf8()]);
                rest = after;
            }
        }
    }
    out
}

/// A variable's value: text, a number, seconds, or nothing (JSON `null`, empty text).
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Number(u64),
    /// `http_code`: three digits in text, a number in JSON.
    Code(u16),
    Seconds(Duration),
    Null,
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Number(n) => n.to_string(),
            Value::Code(code) => format!("{code:03}"),
            Value::Seconds(d) => format!("{}.{:06}", d.as_secs(), d.subsec_micros()),
            Value::Null => String::new(),
        }
    }

    fn json(&self) -> String {
        match self {
            Value::Text(text) => json_string(text),
            Value::Code(code) => code.to_string(),
            Value::Null => "null".to_string(),
            other => other.text(),
        }
    }
}

/// Every variable, in the alphabetical order `%{json}` lists them.
const VARIABLES: [&str; 36] = [
    "content_type",
    "errormsg",
    "exitcode",
    "filename_effective",
    "http_code",
    "http_version",
    "local_ip",
    "local_port",
    "method",
    "num_certs",
    "num_connects",
    "num_headers",
    "num_redirects",
    "num_retries",
    "redirect_url",
    "referer",
    "remote_ip",
    "remote_port",
    "response_code",
    "scheme",
    "size_download",
    "size_header",
    "size_request",
    "size_upload",
    "speed_download",
    "speed_upload",
    "time_appconnect",
    "time_connect",
    "time_namelookup",
    "time_pretransfer",
    "time_redirect",
    "time_starttransfer",
    "time_total",
    "url",
    "url_effective",
    "urlnum",
];

fn variable(name: &str, r: &Report) -> Option<Value> {
    let text = |t: &Option<String>| t.clone().map_or(Value::Null, Value::Text);
    let time = |pick: fn(&Timings) -> Duration| {
        Value::Seconds(r.timings.as_ref().map(pick).unwrap_or_default())
    };
    let ip = |a: Option<SocketAddr>| Value::Text(a.map(|a| a.ip().to_string()).unwrap_or_default());
    let port = |a: Option<SocketAddr>| Value::Number(a.map_or(0, |a| u64::from(a.port())));
    Some(match name {
        "content_type" => text(&r.content_type),
        "errormsg" => text(&r.errormsg),
        "exitcode" => Value::Number(u64::from(r.exitcode)),
        "filename_effective" => text(&r.filename_effective),
        "http_code" | "response_code" => Value::Code(r.response_code),
        "http_version" => Value::Text(r.http_version.unwrap_or("0").to_string()),
        "local_ip" => ip(r.local),
        "local_port" => port(r.local),
        "method" => Value::Text(r.method.clone()),
        "num_certs" => Value::Number(r.num_certs as u64),
        "num_connects" => Value::Number(u64::from(r.num_connects)),
        "num_headers" => Value::Number(num_headers(r) as u64),
        "num_redirects" => Value::Number(u64::from(r.num_redirects)),
        "num_retries" => Value::Number(u64::from(r.num_retries)),
        "redirect_url" => text(&r.redirect_url),
        "referer" => text(&r.referer),
        "remote_ip" => ip(r.remote),
        "remote_port" => port(r.remote),
        // In capitals, as curl 7.88 prints it (`HTTP`, `HTTPS`).
        "scheme" => Value::Text(crate::urls::scheme_of(&r.url_effective).to_ascii_uppercase()),
        "size_download" => Value::Number(r.size_download),
        "size_header" => Value::Number(r.size_header),
        "size_request" => Value::Number(r.size_request),
        "size_upload" => Value::Number(r.size_upload),
        "speed_download" => Value::Number(speed(r.size_download, r)),
        "speed_upload" => Value::Number(speed(r.size_upload, r)),
        "time_appconnect" => time(Timings::time_appconnect),
        "time_connect" => time(Timings::time_connect),
        "time_namelookup" => time(Timings::time_namelookup),
        "time_pretransfer" => time(|t| t.time_connect() + t.tls),
        "time_redirect" => time(|t| t.redirect),
        "time_starttransfer" => time(Timings::time_starttransfer),
        "time_total" => Value::Seconds(time_total(r)),
        "url" => Value::Text(r.url.clone()),
        "url_effective" => Value::Text(r.url_effective.clone()),
        "urlnum" => Value::Number(r.urlnum),
        _ => return None,
    })
}

/// The whole transfer, by the tool's clock, which runs also when no response came (a
/// timeout, a refused connection) and through the body.
fn time_total(r: &Report) -> Duration {
    r.total
}

/// Bytes per second over the whole transfer, as a whole number.
fn speed(bytes: u64, r: &Report) -> u64 {
    let seconds = time_total(r).as_secs_f64();
    if seconds > 0.0 {
        (bytes as f64 / seconds) as u64
    } else {
        0
    }
}

/// The header lines of the final response head (the status line is not one).
fn header_lines(r: &Report) -> Vec<(String, String)> {
    let Some(head) = &r.last_head else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(head);
    text.split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_string(), value.trim().to_string()))
        .collect()
}

fn num_headers(r: &Report) -> usize {
    header_lines(r).len()
}

/// `%header{name}`: the first value of `name` in the final response, trimmed.
fn header(r: &Report, name: &str) -> Option<String> {
    if name.len() > MAX_HEADER_NAME {
        return None;
    }
    header_lines(r)
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// `%{json}`: every variable, then `curl_version` (naming plainwire), as curl lists them.
fn json(r: &Report) -> String {
    let mut out = String::from("{");
    for name in VARIABLES {
        let value = variable(name, r).unwrap_or(Value::Null);
        out.push_str(&json_string(name));
        out.push(':');
        out.push_str(&value.json());
        out.push(',');
    }
    out.push_str("\"curl_version\":");
    out.push_str(&json_string(concat!(
        "plainwire/",
        env!("CARGO_PKG_VERSION")
    )));
    out.push('}');
    out
}

/// `%{header_json}`: the final response's headers as curl prints them, one name per line,
/// lowercase, each name's values in an array in the order they came.
fn header_json(r: &Report) -> String {
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in header_lines(r) {
        let name = name.to_ascii_lowercase();
        match grouped.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => grouped.push((name, vec![value])),
        }
    }
    let fields: Vec<String> = grouped
        .iter()
        .map(|(name, values)| {
            let values: Vec<String> = values.iter().map(|v| json_string(v)).collect();
            format!("{}:[{}]", json_string(name), values.join(","))
        })
        .collect();
    format!("{{{}\n}}", fields.join(",\n"))
}

/// A JSON string literal: `"` and `\` escaped, `\b \f \n \r \t`, any other control
/// character `\u00xx`, everything else as it is.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a str always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            response_code: 200,
            http_version: Some("1.1"),
            content_type: Some("text/plain".to_string()),
            size_download: 1234,
            size_header: 100,
            url: "example.com/x".to_string(),
            url_effective: "http://example.com/final".to_string(),
            method: "GET".to_string(),
            remote: Some("127.0.0.1:8080".parse().unwrap()),
            local: Some("127.0.0.1:50000".parse().unwrap()),
            num_connects: 1,
            last_head: Some(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Dup: a\r\nx-dup:  b \r\n\r\n"
                    .to_vec(),
            ),
            ..Report::default()
        }
    }

    /// The whole output, wherever it goes.
    fn text(format: &str, r: &Report) -> String {
        let rendered = render(format, r);
        rendered
            .pieces
            .iter()
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    #[test]
    fn variables() {
        let out = text(
            "%{http_code} %{response_code} %{size_download} %{url_effective} %{url}",
            &report(),
        );
        assert_eq!(out, "200 200 1234 http://example.com/final example.com/x");
        let out = text(
            "%{http_version} %{scheme} %{method} %{remote_ip}:%{remote_port} %{local_port} %{num_connects}",
            &report(),
        );
        assert_eq!(out, "1.1 HTTP GET 127.0.0.1:8080 50000 1");
        assert_eq!(
            text("%{content_type}|%{num_headers}", &report()),
            "text/plain|3"
        );
    }

    #[test]
    fn escapes() {
        // Any other pair is written as it is, both characters taken, as curl 7.88 does.
        assert_eq!(text(r"a\nb\tc\rd\\e\qf", &report()), "a\nb\tc\rd\\\\e\\qf");
        assert_eq!(text("end\\", &report()), "end\\");
        assert_eq!(text(r"\%{http_code}|%\n", &report()), r"\%{http_code}|%\n");
    }

    #[test]
    fn percent_signs() {
        assert_eq!(text("100%% %d %{", &report()), "100% %d %{");
        assert_eq!(text("%{http_code", &report()), "%{http_code");
        assert_eq!(text("%header{x", &report()), "%header{x");
        assert_eq!(text(r"%{a\n", &report()), "%{a\n");
    }

    #[test]
    fn no_response_is_000_and_empty_values() {
        let out = text(
            "%{http_code}|%{content_type}|%{remote_ip}|%{http_version}",
            &Report::default(),
        );
        assert_eq!(out, "000|||0");
    }

    #[test]
    fn unknown_variables_print_nothing_and_are_reported() {
        let rendered = render("[%{time_travel}]", &report());
        assert_eq!(rendered.unknown, vec!["time_travel".to_string()]);
        assert_eq!(text("[%{time_travel}]", &report()), "[]");
    }

    #[test]
    fn timings_print_as_seconds_with_six_decimals() {
        let mut r = report();
        let mut timings = Timings::default();
        timings.dns = Duration::from_micros(1_500);
        timings.wait = Duration::from_millis(2);
        r.timings = Some(timings);
        r.total = Duration::from_micros(3_500);
        assert_eq!(
            text("%{time_namelookup} %{time_total} %{time_appconnect}", &r),
            "0.001500 0.003500 0.000000"
        );
        // 1234 bytes in 3.5 ms.
        assert_eq!(text("%{speed_download}", &r), "352571");
    }

    #[test]
    fn headers_by_name() {
        assert_eq!(text("[%header{x-dup}]", &report()), "[a]");
        assert_eq!(text("[%header{Content-TYPE}]", &report()), "[text/plain]");
        assert_eq!(text("[%header{missing}]", &report()), "[]");
    }

    #[test]
    fn header_json_groups_values_under_lowercase_names() {
        assert_eq!(
            text("%{header_json}", &report()),
            "{\"content-type\":[\"text/plain\"],\n\"x-dup\":[\"a\",\"b\"]\n}"
        );
    }

    #[test]
    fn json_lists_every_variable() {
        let out = text("%{json}", &report());
        assert!(
            out.starts_with("{\"content_type\":\"text/plain\",\"errormsg\":null,"),
            "{out}"
        );
        assert!(out.contains(",\"http_code\":200,"), "{out}");
        assert!(out.contains(",\"time_total\":0.000000,"), "{out}");
        assert!(out.ends_with(&format!(
            ",\"urlnum\":0,\"curl_version\":\"plainwire/{}\"}}",
            env!("CARGO_PKG_VERSION")
        )));
        for name in VARIABLES {
            assert!(out.contains(&format!("\"{name}\":")), "{name}");
        }
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
        assert_eq!(
            json_string("\u{8}\u{c}\r\t\u{1f}\u{7f}/"),
            "\"\\b\\f\\r\\t\\u001f\u{7f}/\""
        );
    }

    #[test]
    fn onerror_stops_a_successful_report() {
        assert_eq!(text("ok%{onerror}failed: %{errormsg}", &report()), "ok");
        let mut r = report();
        r.exitcode = 7;
        r.errormsg = Some("refused".to_string());
        assert_eq!(
            text("ok%{onerror} failed: %{errormsg}", &r),
            "ok failed: refused"
        );
    }

    #[test]
    fn targets_switch() {
        let rendered = render(
            "a%{stderr}b%output{>>f.txt}c%{stdout}d%output{g}e",
            &report(),
        );
        assert_eq!(
            rendered.pieces,
            vec![
                (Target::Stdout, b"a".to_vec()),
                (Target::Stderr, b"b".to_vec()),
                (
                    Target::File {
                        path: "f.txt".into(),
                        append: true
                    },
                    b"c".to_vec()
                ),
                (Target::Stdout, b"d".to_vec()),
                (
                    Target::File {
                        path: "g".into(),
                        append: false
                    },
                    b"e".to_vec()
                ),
            ]
        );
    }

    #[test]
    fn non_ascii_passes_through() {
        assert_eq!(text("é%{http_code}ü", &report()), "é200ü");
    }
}
