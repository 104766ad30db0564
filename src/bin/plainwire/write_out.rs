//! `-w FORMAT`: a line of facts about the transfer, printed to stdout after it, even when it
//! failed (as in curl, where `%{http_code}` is then `000`).
//!
//! Supported: `%{http_code}`, `%{size_download}`, `%{url_effective}`, curl's five timings
//! (`%{time_namelookup}`, `%{time_connect}`, `%{time_appconnect}`, `%{time_starttransfer}`,
//! `%{time_total}`, in seconds with six decimals), `%%`, and the escapes `\n`, `\r`, `\t` and
//! `\\`. An unknown variable prints nothing and a warning on stderr, as in curl; any other `%`
//! or `\` is printed as it is.

/// What the transfer did, for `-w`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// The final response's status; 0 if none arrived.
    pub http_code: u16,
    /// Body bytes received (and written).
    pub size_download: u64,
    /// The last URL used: after redirects, or the URL as given if nothing answered.
    pub url_effective: String,
    /// Where the time went, once a response arrived.
    pub timings: Option<plainwire::Timings>,
}

/// A duration as curl prints it: seconds, six decimals.
fn seconds(stats: &Stats, pick: fn(&plainwire::Timings) -> std::time::Duration) -> String {
    let duration = stats.timings.as_ref().map(pick).unwrap_or_default();
    format!("{:.6}", duration.as_secs_f64())
}

/// `format` with its variables and escapes replaced, and the names of unknown variables.
pub fn render(format: &str, stats: &Stats) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut unknown = Vec::new();
    let mut rest = format;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '%' if after.starts_with('%') => {
                out.push('%');
                rest = &after[1..];
            }
            '%' if after.starts_with('{') => match after.find('}') {
                Some(end) => {
                    let name = &after[1..end];
                    match name {
                        "http_code" => out.push_str(&format!("{:03}", stats.http_code)),
                        "size_download" => out.push_str(&stats.size_download.to_string()),
                        "url_effective" => out.push_str(&stats.url_effective),
                        "time_namelookup" => {
                            out.push_str(&seconds(stats, plainwire::Timings::time_namelookup))
                        }
                        "time_connect" => {
                            out.push_str(&seconds(stats, plainwire::Timings::time_connect))
                        }
                        "time_appconnect" => {
                            out.push_str(&seconds(stats, plainwire::Timings::time_appconnect))
                        }
                        "time_starttransfer" => {
                            out.push_str(&seconds(stats, plainwire::Timings::time_starttransfer));
                        }
                        "time_total" => {
                            out.push_str(&seconds(stats, plainwire::Timings::time_total))
                        }
                        _ => unknown.push(name.to_string()),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            },
            '\\' => {
                let escaped = match after.chars().next() {
                    Some('n') => Some('\n'),
                    Some('r') => Some('\r'),
                    Some('t') => Some('\t'),
                    Some('\\') => Some('\\'),
                    _ => None,
                };
                match escaped {
                    Some(e) => {
                        out.push(e);
                        rest = &after[1..];
                    }
                    None => {
                        out.push('\\');
                        rest = after;
                    }
                }
            }
            _ => {
                out.push(c);
                rest = after;
            }
        }
    }
    (out, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> Stats {
        Stats {
            http_code: 200,
            size_download: 1234,
            url_effective: "http://example.com/final".to_string(),
            timings: None,
        }
    }

    #[test]
    fn variables() {
        let (out, unknown) = render("%{http_code} %{size_download} %{url_effective}", &stats());
        assert_eq!(out, "200 1234 http://example.com/final");
        assert!(unknown.is_empty());
    }

    #[test]
    fn escapes() {
        let (out, _) = render(r"a\nb\tc\rd\\e\qf", &stats());
        assert_eq!(out, "a\nb\tc\rd\\e\\qf");
        assert_eq!(render("end\\", &stats()).0, "end\\");
    }

    #[test]
    fn percent_signs() {
        assert_eq!(render("100%% %d %{", &stats()).0, "100% %d %{");
        assert_eq!(render("%{http_code", &stats()).0, "%{http_code");
    }

    #[test]
    fn no_response_is_000() {
        assert_eq!(render("%{http_code}", &Stats::default()).0, "000");
    }

    #[test]
    fn unknown_variables_print_nothing_and_are_reported() {
        let (out, unknown) = render("[%{time_travel}]", &stats());
        assert_eq!(out, "[]");
        assert_eq!(unknown, vec!["time_travel".to_string()]);
    }

    #[test]
    fn timings_print_as_seconds_with_six_decimals() {
        let (out, unknown) = render("%{time_namelookup} %{time_total}", &stats());
        assert_eq!(out, "0.000000 0.000000");
        assert!(unknown.is_empty());
    }

    #[test]
    fn non_ascii_passes_through() {
        assert_eq!(render("é%{http_code}ü", &stats()).0, "é200ü");
    }
}
