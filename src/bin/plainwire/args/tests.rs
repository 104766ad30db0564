//! The parser, one rule or option per test. Values' own rules are tested in `values.rs`.

use super::*;

fn try_parse(argv: &[&str]) -> Result<Command, UsageError> {
    parse(None, argv.iter().map(OsString::from))
}

/// Parses `argv` that must give a run.
fn run(argv: &[&str]) -> Invocation {
    match try_parse(argv) {
        Ok(Command::Run(invocation)) => invocation,
        other => panic!("{argv:?}: expected a run, got {other:?}"),
    }
}

/// The one operation `argv` gives.
fn op(argv: &[&str]) -> Operation {
    let mut invocation = run(argv);
    assert_eq!(invocation.operations.len(), 1, "{argv:?}");
    invocation.operations.remove(0)
}

/// Parses `argv` that must fail; gives the message.
fn fail(argv: &[&str]) -> String {
    match try_parse(argv) {
        Err(e) => e.message,
        Ok(other) => panic!("{argv:?}: expected an error, got {other:?}"),
    }
}

const URL: &str = "http://example.com/";

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("plainwire-args-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

// ---- URLs ----

#[test]
fn url_alone_gives_defaults() {
    let invocation = run(&[URL]);
    let expected = Operation {
        urls: vec![URL.to_string()],
        ..Operation::default()
    };
    assert_eq!(invocation.operations, vec![expected]);
    assert_eq!(invocation.globals, Globals::default());
    assert!(invocation.warnings.is_empty());
    assert_eq!(invocation.operations[0].max_redirs, 10);
    assert_eq!(invocation.operations[0].method_for(false), "GET");
}

#[test]
fn no_url_is_an_error() {
    assert_eq!(fail(&[]), "no URL specified");
    assert_eq!(fail(&["-sL"]), "no URL specified");
    assert_eq!(
        fail(&[URL, "--next", "-s"]),
        "no URL specified after --next"
    );
}

#[test]
fn several_urls_and_url_options_keep_their_order() {
    let op = op(&[
        "http://a/",
        "--url",
        "http://b/",
        "http://c/",
        "--url=http://d/",
    ]);
    assert_eq!(
        op.urls,
        ["http://a/", "http://b/", "http://c/", "http://d/"]
    );
}

#[test]
fn empty_url_is_an_error() {
    assert_eq!(fail(&[""]), "empty URL");
    assert_eq!(fail(&["--url", ""]), "empty URL");
}

#[test]
fn options_may_follow_the_url() {
    let op = op(&[URL, "-L", "-o", "out"]);
    assert_eq!(op.urls, [URL]);
    assert!(op.location);
    assert_eq!(op.outputs, [OutputArg::File("out".into())]);
}

#[test]
fn double_dash_ends_options() {
    let op = op(&["-L", "--", "-weird-url", "-s"]);
    assert_eq!(op.urls, ["-weird-url", "-s"]);
}

#[test]
fn lone_dash_is_a_url() {
    assert_eq!(op(&["-"]).urls, ["-"]);
}

// ---- parsing rules ----

#[test]
fn short_flags_combine() {
    let invocation = run(&["-sSLikfv", URL]);
    let (g, op) = (&invocation.globals, &invocation.operations[0]);
    assert!(g.silent && g.show_error && g.verbose);
    assert!(op.location && op.include && op.insecure && op.fail);
}

#[test]
fn combined_shorts_end_with_a_value_taking_flag() {
    let invocation = run(&["-sSLo", "out.txt", URL]);
    assert!(invocation.globals.silent);
    assert_eq!(
        invocation.operations[0].outputs,
        [OutputArg::File("out.txt".into())]
    );
}

#[test]
fn short_values_may_be_attached() {
    let op = op(&["-XPOST", "-Hx:y", "-ofile", "-Lm2.5", URL]);
    assert_eq!(op.method.as_deref(), Some("POST"));
    assert_eq!(op.outputs, [OutputArg::File("file".into())]);
    assert!(op.location);
    assert_eq!(op.max_time, Some(Duration::from_millis(2500)));
    // After a value-taking letter, the rest is its value.
    let op2 = self::op(&["-osL", URL]);
    assert_eq!(op2.outputs, [OutputArg::File("sL".into())]);
    assert!(!op2.location);
}

#[test]
fn long_flags_take_separate_or_equals_values() {
    let op = op(&["--request", "PUT", "--output=o.bin", "--data=a=b", URL]);
    assert_eq!(op.method.as_deref(), Some("PUT"));
    assert_eq!(op.outputs, [OutputArg::File("o.bin".into())]);
    assert_eq!(op.data, [DataPiece::data("a=b")]);
    assert_eq!(
        self::op(&["--write-out=", URL]).write_out,
        Some(Source::Inline(Vec::new()))
    );
}

#[test]
fn value_may_start_with_a_dash() {
    let op = op(&["-d", "-x", "-o", "-", URL]);
    assert_eq!(op.data, [DataPiece::data("-x")]);
    assert_eq!(op.outputs, [OutputArg::File("-".into())]);
    assert_eq!(op.proxy, None);
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
    assert_eq!(fail(&["-sW", URL]), "option -W: is unknown");
    // No prefix abbreviations, and --no- only for switches.
    assert_eq!(fail(&["--loc", URL]), "option --loc: is unknown");
    assert_eq!(
        fail(&["--no-output", URL]),
        "option --no-output: is unknown"
    );
}

#[test]
fn value_on_a_switch_is_an_error() {
    assert_eq!(
        fail(&["--location=yes", URL]),
        "option --location: does not take a value"
    );
}

#[test]
fn switches_have_a_no_form() {
    assert!(!op(&["-L", "--no-location", URL]).location);
    let g = run(&["--no-progress-meter", URL]).globals;
    assert!(g.no_progress_meter);
    let g = run(&["--no-progress-meter", "--progress-meter", URL]).globals;
    assert!(!g.no_progress_meter);
    let op = op(&["--remote-name-all", "--no-remote-name-all", URL]);
    assert!(!op.remote_name_all);
}

#[test]
fn repeated_single_valued_option_keeps_last() {
    let op = op(&["-X", "PUT", "-X", "PATCH", "-A", "a", "-A", "b", URL]);
    assert_eq!(op.method.as_deref(), Some("PATCH"));
    assert_eq!(op.user_agent.as_deref(), Some("b"));
}

#[cfg(unix)]
#[test]
fn non_utf8_is_refused_except_for_paths() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(vec![b'f', 0xff]);
    let os = OsString::from;
    let parse_os = |v: Vec<OsString>| parse(None, v);

    let Command::Run(invocation) = parse_os(vec![os("-o"), bad.clone(), os(URL)]).unwrap() else {
        panic!("expected a run")
    };
    assert_eq!(
        invocation.operations[0].outputs,
        [OutputArg::File(PathBuf::from(bad.clone()))]
    );
    let e = parse_os(vec![os("-H"), bad.clone(), os(URL)]).unwrap_err();
    assert_eq!(e.message, "option -H: value is not valid UTF-8");
    let e = parse_os(vec![bad.clone()]).unwrap_err();
    assert_eq!(e.message, "URL is not valid UTF-8");
    let mut flag = b"--".to_vec();
    flag.push(0xff);
    let e = parse_os(vec![OsString::from_vec(flag), os(URL)]).unwrap_err();
    assert!(e.message.contains("not valid UTF-8"), "{e}");
}

// ---- help and version ----

#[test]
fn help_and_version_stop_parsing() {
    assert_eq!(try_parse(&["-h"]), Ok(Command::Help));
    assert_eq!(try_parse(&["--help"]), Ok(Command::Help));
    assert_eq!(try_parse(&["-sh", "--bogus"]), Ok(Command::Help));
    assert!(try_parse(&["--bogus", "-h"]).is_err());
    assert_eq!(try_parse(&["-V"]), Ok(Command::Version));
    assert_eq!(try_parse(&["--version", URL]), Ok(Command::Version));
}

#[test]
fn help_text_lists_every_flag() {
    let help = crate::help::HELP;
    for spec in SPECS {
        let line = help
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
    let option_lines = help
        .lines()
        .filter(|l| l.starts_with(" -") || l.starts_with("     --"));
    assert_eq!(option_lines.count(), SPECS.len());
}

#[test]
fn table_has_no_duplicates() {
    for (i, a) in SPECS.iter().enumerate() {
        for b in &SPECS[i + 1..] {
            assert_ne!(a.long, b.long);
            assert!(a.short.is_none() || a.short != b.short, "{}", a.long);
        }
        // A --no- name must not shadow another option.
        if let Some(rest) = a.long.strip_prefix("no-") {
            assert!(SPECS.iter().all(|s| s.long != rest), "{}", a.long);
        }
    }
}

// ---- outputs ----

#[test]
fn outputs_pair_with_urls_in_order() {
    let op = op(&[
        "-o",
        "aa",
        "http://a/",
        "http://b/",
        "-O",
        "http://c/",
        "-o",
        "-",
    ]);
    assert_eq!(
        op.outputs,
        [
            OutputArg::File("aa".into()),
            OutputArg::RemoteName,
            OutputArg::File("-".into())
        ]
    );
    assert_eq!(op.urls.len(), 3);
}

#[test]
fn more_outputs_than_urls_is_a_warning() {
    let invocation = run(&["-o", "a", "-o", "b", URL]);
    assert_eq!(invocation.warnings, ["Got more output options than URLs"]);
}

#[test]
fn an_empty_output_name_is_an_error() {
    assert_eq!(
        fail(&["-o", "", URL]),
        "option -o: output file name has no length"
    );
}

#[test]
fn remote_name_options() {
    let op = op(&[
        "--remote-name-all",
        "-J",
        "--create-dirs",
        "--output-dir",
        "d",
        "--no-remote-name",
        URL,
    ]);
    assert!(op.remote_name_all && op.remote_header_name && op.create_dirs);
    assert_eq!(op.output_dir, Some(PathBuf::from("d")));
    assert_eq!(op.outputs, [OutputArg::Stdout]);
}

// ---- --next and globals ----

#[test]
fn next_starts_a_group_with_fresh_options() {
    let invocation = run(&[
        "-v",
        "-H",
        "X: 1",
        "http://a/",
        "--next",
        "-d",
        "x",
        "http://b/",
    ]);
    let ops = &invocation.operations;
    assert_eq!(ops.len(), 2);
    assert_eq!(ops[0].urls, ["http://a/"]);
    assert_eq!(ops[0].headers.len(), 1);
    assert_eq!(ops[0].method_for(false), "GET");
    assert_eq!(ops[1].urls, ["http://b/"]);
    assert!(ops[1].headers.is_empty());
    assert_eq!(ops[1].method_for(false), "POST");
    assert!(invocation.globals.verbose);
    // -: is the short form; a --next before any URL starts nothing.
    assert_eq!(
        run(&["-:", "http://a/", "-:", "http://b/"])
            .operations
            .len(),
        2
    );
}

#[test]
fn global_options() {
    let g = run(&[
        "-Z",
        "--parallel-max",
        "7",
        "--fail-early",
        "-#",
        "--stderr",
        "err.txt",
        URL,
    ])
    .globals;
    assert!(g.parallel && g.fail_early && g.progress_bar);
    assert_eq!(g.parallel_max, 7);
    assert_eq!(g.stderr, Some(PathBuf::from("err.txt")));
    assert!(fail(&["--parallel-max", "x", URL]).contains("numerical"));
}

// ---- -v and --trace ----

#[test]
fn trace_and_trace_ascii_name_a_file_and_a_form() {
    let g = run(&["--trace", "out.txt", "--trace-time", URL]).globals;
    let expected = TraceTarget {
        path: PathBuf::from("out.txt"),
        ascii: false,
    };
    assert_eq!(g.trace, Some(expected));
    assert!(g.trace_time && !g.verbose);
    let g = run(&["--trace-ascii", "-", URL]).globals;
    assert_eq!(g.trace.map(|t| (t.path, t.ascii)), Some(("-".into(), true)));
    assert!(fail(&["--trace", "", URL]).contains("no length"));
}

#[test]
fn verbose_and_trace_exclude_each_other_the_last_wins_with_a_warning() {
    let invocation = run(&["-v", "--trace-ascii", "t.txt", URL]);
    assert!(!invocation.globals.verbose && invocation.globals.trace.is_some());
    assert_eq!(invocation.warnings.len(), 1, "{:?}", invocation.warnings);
    let invocation = run(&["--trace", "t.txt", "-v", URL]);
    assert!(invocation.globals.verbose && invocation.globals.trace.is_none());
    assert!(invocation.warnings[0].contains("overrides"));
    assert!(run(&["--trace-time", "-v", URL]).warnings.is_empty());
}

// ---- bodies ----

#[test]
fn data_options_accumulate_in_order() {
    let op = op(&[
        "-d",
        "a=1",
        "--data-ascii",
        "@f1",
        "--data-binary",
        "@f2",
        "--data-raw",
        "@lit",
        "--data-urlencode",
        "n=v w",
        URL,
    ]);
    assert_eq!(
        op.data,
        [
            DataPiece::data("a=1"),
            DataPiece::data("@f1"),
            DataPiece::binary("@f2"),
            DataPiece::raw("@lit"),
            DataPiece::url_encoded("n=v w"),
        ]
    );
    assert_eq!(op.method_for(false), "POST");
}

#[test]
fn json_given_twice_is_kept_in_pieces_and_json_conflicts_with_d() {
    // curl: "Multi: append" (its own example splits one object over two --json).
    assert_eq!(
        op(&["--json", "{ \"drink\":", "--json", " \"coffee\" }", URL]).json,
        [
            Source::Inline(b"{ \"drink\":".to_vec()),
            Source::Inline(b" \"coffee\" }".to_vec())
        ]
    );
    assert_eq!(
        fail(&["-d", "a", "--json", "1", URL]),
        "option --json: cannot be combined with -d"
    );
    assert_eq!(
        fail(&["--json", "1", "--data-raw", "a", URL]),
        "option --data-raw: cannot be combined with --json"
    );
}

#[test]
fn get_moves_data_to_the_query() {
    let op = op(&["-G", "-d", "a=1", "--url-query", "+b=2", URL]);
    assert!(op.get && !op.has_body());
    assert_eq!(op.method_for(false), "GET");
    assert_eq!(op.url_query, [DataPiece::url_query("+b=2")]);
    assert_eq!(
        self::op(&["-G", "-I", "-d", "a", URL]).method_for(false),
        "HEAD"
    );
}

#[test]
fn one_method_only() {
    let both = |argv: &[&str]| {
        let message = fail(argv);
        assert!(
            message.starts_with("You can only select one HTTP request method!"),
            "{message}"
        );
        message
    };
    assert!(both(&["-I", "-d", "x", URL]).contains("HEAD (-I, --head) and POST"));
    both(&["--json", "1", "--head", URL]);
    assert!(both(&["-d", "x", "-F", "a=b", URL]).contains("multipart formpost"));
    assert!(both(&["-T", "f", "-F", "a=b", URL]).contains("PUT (-T"));
    both(&["-T", "f", "-d", "x", URL]);
    assert!(both(&["-G", "-F", "a=b", URL]).contains("GET (-G, --get)"));
    // -G takes the data out of the body.
    assert_eq!(op(&["-G", "-I", "-d", "x", URL]).method_for(false), "HEAD");
}

#[test]
fn effective_method_cases() {
    let method = |argv: &[&str]| op(argv).method_for(false).to_string();
    assert_eq!(method(&[URL]), "GET");
    assert_eq!(method(&["-I", URL]), "HEAD");
    assert_eq!(method(&["-d", "x", URL]), "POST");
    assert_eq!(method(&["--json", "{}", URL]), "POST");
    assert_eq!(method(&["-X", "PUT", "-d", "x", URL]), "PUT");
    assert_eq!(method(&["-X", "GET", "-I", URL]), "GET");
    assert_eq!(method(&["-F", "a=b", URL]), "POST");
    assert_eq!(op(&["-T", "f", URL]).method_for(true), "PUT");
    assert_eq!(op(&["-T", "f", "-X", "POST", URL]).method_for(true), "POST");
}

// ---- headers ----

#[test]
fn headers_and_header_files() {
    let op = op(&[
        "-H",
        "X-A: 1",
        "-H",
        "@hdrs.txt",
        "-H",
        "X-B;",
        "-H",
        "@-",
        URL,
    ]);
    assert_eq!(
        op.headers,
        [
            HeaderArg::Field(values::header("X-A: 1").unwrap()),
            HeaderArg::File(Source::File("hdrs.txt".into())),
            HeaderArg::Field(values::header("X-B;").unwrap()),
            HeaderArg::File(Source::Stdin),
        ]
    );
    assert_eq!(
        fail(&["-H", "X: a\r\nEvil: 1", URL]),
        "option -H: header must not contain CR, LF, NUL or another control character"
    );
}

#[test]
fn user_agent_referer_and_cookies() {
    let op = op(&[
        "-A",
        "",
        "-e",
        "http://r/;auto",
        "-b",
        "a=1; b=2",
        "-b",
        "c=3",
        URL,
    ]);
    assert_eq!(op.user_agent.as_deref(), Some(""));
    assert_eq!(op.referer.as_deref(), Some("http://r/"));
    assert!(op.auto_referer);
    assert_eq!(op.cookies, ["a=1; b=2", "c=3"]);
    let op = self::op(&["-e", ";auto", URL]);
    assert_eq!(op.referer, None);
    assert!(op.auto_referer);
    assert!(self::op(&["-e", ";auto", URL, "-L"]).auto_referer);
    assert!(fail(&["-A", "a\nb", URL]).contains("CR, LF"));
}

#[test]
fn header_text_options_refuse_what_the_library_would_not_send() {
    // The library's rule for a field value: a control character other than tab is refused
    // here, as a usage error naming the option, not later when the request is built (43).
    let refused = "must not contain CR, LF, NUL or another control character";
    for option in ["-A", "-e", "-b", "--oauth2-bearer"] {
        for bad in ["a\u{1}b", "a\rb", "a\u{7f}"] {
            assert_eq!(
                fail(&[option, bad, URL]),
                format!("option {option}: {refused}")
            );
        }
        run(&[option, "a\tb=1", URL]);
    }
    assert_eq!(
        fail(&["-H", "X: a\u{1b}b", URL]),
        format!("option -H: header {refused}")
    );
    for bad in ["/a b", "/caf\u{e9}"] {
        assert_eq!(
            fail(&["--request-target", bad, URL]),
            "option --request-target: must not be empty, or contain a space, a control character \
             or a character that is not ASCII (percent-encode it)"
        );
    }
    assert_eq!(
        op(&["--request-target", "*", URL])
            .request_target
            .as_deref(),
        Some("*")
    );
}

#[test]
fn user_splits_at_the_first_colon() {
    let pair = |u: &str, p: &str| Some((u.to_string(), p.to_string()));
    assert_eq!(op(&["-u", "al:pw", URL]).user, pair("al", "pw"));
    assert_eq!(op(&["--user", "al", URL]).user, pair("al", ""));
    assert_eq!(op(&["-ual:p:w", URL]).user, pair("al", "p:w"));
}

// ---- TLS ----

#[test]
fn cert_options() {
    let op = op(&["-E", "c.pem", "--cert-type", "PEM", "--key", "k.pem", URL]);
    assert_eq!(op.cert, Some(PathBuf::from("c.pem")));
    assert_eq!(op.key, Some(PathBuf::from("k.pem")));
    assert!(!op.cert_password);
    // What cannot be used is refused when the agent is built, with curl's 58.
    let op = self::op(&[
        "-E",
        "c.der:pw",
        "--cert-type",
        "der",
        "--key-type",
        "P12",
        URL,
    ]);
    assert!(op.cert_password);
    assert_eq!(op.cert_type, FileType::Der);
    assert_eq!(op.key_type, FileType::Other("P12".to_string()));
}

#[test]
fn continue_at_and_remote_header_name_cannot_be_combined() {
    // The server would choose which file the body is appended to.
    for offset in ["-", "4"] {
        assert_eq!(
            fail(&["-O", "-J", "-C", offset, URL]),
            "--continue-at and --remote-header-name cannot be combined"
        );
    }
}

#[test]
fn accepted_options_that_change_nothing() {
    let op = op(&[
        "--ssl-no-revoke",
        "--no-keepalive",
        "--keepalive-time",
        "60",
        "--tcp-nodelay",
        "--http1.1",
        "--http2",
        "--basic",
        URL,
    ]);
    assert_eq!(
        op,
        Operation {
            urls: vec![URL.to_string()],
            ..Operation::default()
        }
    );
}

#[test]
fn proto_applies_its_list_and_warns_about_unknown_names() {
    let invocation = run(&["--proto", "=https", "--proto", "+http,-gopher", URL]);
    assert_eq!(invocation.operations[0].protocols, Protocols::ALL);
    assert_eq!(
        invocation.warnings,
        ["--proto: unrecognized protocol 'gopher'"]
    );
    let op = op(&["--proto", "-all,https", URL]);
    assert!(!op.protocols.allows("http") && op.protocols.allows("https"));
}

// ---- config files ----

#[test]
fn config_file_options_apply_where_k_stands() {
    let path = temp_file(
        "k1",
        "# comment\nurl = \"http://from-config/\"\n-H \"X-Conf: 1\"\nlocation\noutput: out.txt\n",
    );
    let op = op(&[
        "-H",
        "X-First: 1",
        "-K",
        path.to_str().unwrap(),
        "http://argv/",
    ]);
    assert_eq!(op.urls, ["http://from-config/", "http://argv/"]);
    assert_eq!(op.headers.len(), 2);
    assert!(op.location);
    assert_eq!(op.outputs, [OutputArg::File("out.txt".into())]);
    let _ = std::fs::remove_file(path);
}

#[test]
fn config_file_mistakes_name_the_file_and_line() {
    let path = temp_file("k2", "silent\nno-such-option = 1\n");
    let msg = fail(&["-K", path.to_str().unwrap(), URL]);
    assert!(
        msg.ends_with(":2: option --no-such-option: is unknown"),
        "{msg}"
    );
    let path2 = temp_file("k3", "silent = yes\n");
    let msg = fail(&["--config", path2.to_str().unwrap(), URL]);
    assert!(
        msg.ends_with(":1: option --silent: does not take a value"),
        "{msg}"
    );
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(path2);
}

#[test]
fn an_unreadable_config_file_is_exit_26() {
    let err = try_parse(&["-K", "/nonexistent/plainwire.cfg", URL]).unwrap_err();
    assert_eq!(err.exit_code, crate::failure::READ_ERROR);
    assert!(err
        .message
        .starts_with("cannot read config from '/nonexistent/plainwire.cfg'"));
}

#[test]
fn a_config_file_naming_itself_stops() {
    let path = std::env::temp_dir().join(format!("plainwire-args-{}-self", std::process::id()));
    std::fs::write(&path, format!("config = \"{}\"\n", path.display())).unwrap();
    let msg = fail(&["-K", path.to_str().unwrap(), URL]);
    assert!(msg.contains("nested deeper than"), "{msg}");
    // Named once, not once for each level of nesting.
    assert_eq!(msg.matches(path.to_str().unwrap()).count(), 1, "{msg}");
    // A mistake in the including line itself is named by its file and line.
    std::fs::write(&path, "silent\nconfig\n").unwrap();
    let msg = fail(&["-K", path.to_str().unwrap(), URL]);
    assert!(msg.starts_with(&format!("{}:2: ", path.display())), "{msg}");
    // An included file's own syntax error is named by that file alone.
    let inner = path.with_extension("inner");
    std::fs::write(&inner, "url = \"http://h/\n").unwrap();
    std::fs::write(&path, format!("config = \"{}\"\n", inner.display())).unwrap();
    let msg = fail(&["-K", path.to_str().unwrap(), URL]);
    assert!(
        msg.starts_with(&format!("{}:1: ", inner.display())),
        "{msg}"
    );
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(inner);
}

#[test]
fn the_default_config_comes_first() {
    let path = temp_file("rc", "user-agent = \"from-rc\"\nsilent\n");
    let Command::Run(invocation) =
        parse(Some(&path), [URL, "-A", "argv"].iter().map(OsString::from)).unwrap()
    else {
        panic!("expected a run")
    };
    assert!(invocation.globals.silent);
    assert_eq!(invocation.operations[0].user_agent.as_deref(), Some("argv"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn disable_is_recognised_first_and_ignored_elsewhere() {
    assert!(skips_default_config(Some(&OsString::from("-q"))));
    assert!(skips_default_config(Some(&OsString::from("--disable"))));
    // A cluster that starts with -q, as curl reads it.
    assert!(skips_default_config(Some(&OsString::from("-qs"))));
    assert!(!skips_default_config(Some(&OsString::from("-s"))));
    assert!(!skips_default_config(Some(&OsString::from("-sq"))));
    assert!(!skips_default_config(None));
    assert_eq!(op(&["-sq", URL]).urls, [URL]);
}

// ---- the rest, one per option ----

#[test]
fn numbers_and_times() {
    let op = op(&[
        "--max-redirs",
        "-1",
        "--connect-timeout",
        "3",
        "-m",
        "0.5",
        "--max-filesize",
        "1k",
        URL,
    ]);
    assert_eq!(op.max_redirs, u32::MAX);
    assert_eq!(op.connect_timeout, Some(Duration::from_secs(3)));
    assert_eq!(op.max_time, Some(Duration::from_millis(500)));
    assert_eq!(op.max_filesize, Some(1024));
    assert_eq!(
        fail(&["-m", "soon", URL]),
        "option -m: expected a proper numerical parameter"
    );
}

#[test]
fn flags_per_operation() {
    let op = op(&[
        "-g",
        "--fail-with-body",
        "-N",
        "--remove-on-error",
        "-D",
        "h.txt",
        "-w",
        "@fmt.txt",
        "-k",
        URL,
    ]);
    assert!(op.globoff && op.fail_with_body && op.remove_on_error);
    assert!(self::op(&["-f", URL]).fail);
    assert!(fail(&["-f", "--fail-with-body", URL]).contains("not both"));
    assert!(op.insecure);
    assert_eq!(op.dump_header, Some(PathBuf::from("h.txt")));
    assert_eq!(op.write_out, Some(Source::File("fmt.txt".into())));
}

#[test]
fn bearer_and_proxy() {
    let op = op(&["--oauth2-bearer", "tok", "-x", "http://p:1", URL]);
    assert_eq!(op.bearer.as_deref(), Some("tok"));
    assert_eq!(op.proxy.as_deref(), Some("http://p:1"));
    assert!(fail(&["--oauth2-bearer", "a\r\nX: y", URL]).contains("CR, LF"));
}

#[test]
fn usage_error_displays_its_message() {
    assert_eq!(usage("boom").to_string(), "boom");
    assert_eq!(usage("boom").exit_code, 2);
}

// ---- cookies, bodies and uploads ----

#[test]
fn a_cookie_value_without_an_equals_sign_is_a_file() {
    let op = op(&[
        "-b", "a=1", "-b", "jar.txt", "-b", "", "-c", "out.txt", "-j", URL,
    ]);
    assert_eq!(op.cookies, ["a=1"]);
    assert_eq!(op.cookie_files, [PathBuf::from("jar.txt"), PathBuf::new()]);
    assert_eq!(op.cookie_jar, Some(PathBuf::from("out.txt")));
    assert!(op.junk_session_cookies);
}

#[test]
fn form_fields_and_form_strings() {
    let op = op(&[
        "-F",
        "a=@f.txt;type=text/plain",
        "--form-string",
        "b=@x",
        URL,
    ]);
    assert_eq!(op.form.len(), 2);
    assert_eq!(
        op.form[0].content,
        crate::form::FormContent::File(Source::File("f.txt".into()))
    );
    assert_eq!(
        op.form[1].content,
        crate::form::FormContent::Text("@x".to_string())
    );
    assert!(fail(&["-F", "novalue", URL]).starts_with("option -F: "));
    let invocation = run(&["-F", "a=1;bogus=2", URL]);
    assert_eq!(invocation.warnings.len(), 1);
}

#[test]
fn uploads_go_with_urls_in_order() {
    let op = op(&["-T", "a.txt", URL, "--upload-file", "-", URL]);
    assert_eq!(
        op.upload_files,
        [PathBuf::from("a.txt"), PathBuf::from("-")]
    );
}

// ---- retries, ranges, resuming ----

#[test]
fn retry_options() {
    let op = op(&[
        "--retry",
        "3",
        "--retry-delay",
        "2",
        "--retry-max-time",
        "60",
        "--retry-all-errors",
        "--retry-connrefused",
        URL,
    ]);
    assert_eq!(
        op.retry,
        RetryArgs {
            count: 3,
            delay: Some(Duration::from_secs(2)),
            max_time: Some(Duration::from_secs(60)),
            all_errors: true,
            connrefused: true,
        }
    );
    assert!(fail(&["--retry", "-1", URL]).contains("numerical"));
    assert!(fail(&["--retry", "99999999999", URL]).contains("numerical"));
}

#[test]
fn ranges_and_resuming() {
    assert_eq!(op(&["-r", "0-99", URL]).range.as_deref(), Some("0-99"));
    let fixed = run(&["-r", "100", URL]);
    assert_eq!(fixed.operations[0].range.as_deref(), Some("100-"));
    assert_eq!(fixed.warnings.len(), 1);
    assert_eq!(
        op(&["-C", "-", URL]).continue_at,
        Some(ContinueAt::FromOutput)
    );
    assert_eq!(
        op(&["-C", "42", URL]).continue_at,
        Some(ContinueAt::Offset(42))
    );
    assert!(fail(&["-C", "x", URL]).contains("numerical"));
    assert!(fail(&["-C", "-", "-r", "0-1", URL]).contains("cannot be combined"));
    assert!(fail(&["-C", "-", "--remove-on-error", URL]).contains("cannot be combined"));
}

// ---- auth, proxies, routes ----

#[test]
fn auth_schemes_last_one_wins() {
    assert_eq!(op(&[URL]).auth, AuthScheme::Basic);
    assert_eq!(op(&["--digest", URL]).auth, AuthScheme::Digest);
    assert_eq!(op(&["--digest", "--anyauth", URL]).auth, AuthScheme::Any);
    assert_eq!(op(&["--anyauth", "--basic", URL]).auth, AuthScheme::Basic);
    assert_eq!(
        op(&["--digest", "--no-digest", URL]).auth,
        AuthScheme::Basic
    );
}

#[test]
fn netrc_options() {
    assert!(op(&["-n", URL]).netrc.enabled);
    let optional = op(&["--netrc-optional", URL]).netrc;
    assert!(optional.enabled);
    assert_eq!(
        op(&["--netrc-file", "n.txt", URL]).netrc.file,
        Some(PathBuf::from("n.txt"))
    );
}

#[test]
fn proxy_options() {
    let op = op(&[
        "-U",
        "u:p:q",
        "--noproxy",
        "a.test,b.test",
        "-x",
        "h:1",
        URL,
    ]);
    assert_eq!(op.proxy_user, Some(("u".to_string(), "p:q".to_string())));
    assert_eq!(op.noproxy.as_deref(), Some("a.test,b.test"));
}

#[test]
fn route_options() {
    let op = op(&[
        "--resolve",
        "a.test:80:127.0.0.1",
        "--connect-to",
        "a.test:80:b.test:81",
        "-4",
        URL,
    ]);
    assert_eq!(op.resolve.len(), 1);
    assert_eq!(op.connect_to.len(), 1);
    assert_eq!(op.ip_family, IpFamilyArg::V4);
    assert_eq!(self::op(&["-4", "-6", URL]).ip_family, IpFamilyArg::V6);
    assert!(fail(&["--resolve", "*:80:127.0.0.1", URL]).contains("wildcard"));
    assert!(fail(&["--connect-to", "a:b", URL]).starts_with("option --connect-to: "));
}

#[test]
fn interface_takes_curls_three_forms() {
    use crate::interface::InterfaceArg;
    assert_eq!(
        op(&["--interface", "eth0", URL]).interface,
        Some(InterfaceArg::Either("eth0".into()))
    );
    assert_eq!(
        op(&[
            "--interface",
            "if!eth0",
            "--interface",
            "host!10.0.0.1",
            URL
        ])
        .interface,
        Some(InterfaceArg::Host("10.0.0.1".into()))
    );
    assert!(fail(&["--interface", "if!", URL]).starts_with("option --interface: "));
}

// ---- TLS ----

#[test]
fn tls_versions_and_pins() {
    let op = op(&["--tlsv1.3", "--tls-max", "1.3", URL]);
    assert_eq!(op.tls_min, Some(TlsArg::V1_3));
    assert_eq!(op.tls_max, Some(TlsArg::V1_3));
    assert_eq!(self::op(&["-1", URL]).tls_min, Some(TlsArg::V1_0));
    assert!(fail(&["--tls-max", "2", URL]).starts_with("option --tls-max: "));
    let pin = format!("sha256//{}", crate::base64::encode(&[1u8; 32]));
    assert_eq!(
        self::op(&["--pinnedpubkey", &pin, URL]).pinned_key,
        Some(PinArg::Digests(vec![[1u8; 32]]))
    );
    // As curl: a hash that is not one is no command-line error; it matches no key (90 later).
    assert_eq!(
        self::op(&["--pinnedpubkey", "sha256//AAAA", URL]).pinned_key,
        Some(PinArg::Digests(vec![]))
    );
}

// ---- speed ----

#[test]
fn speed_options() {
    let op = op(&["--limit-rate", "10k", "-Y", "100", "-y", "5", URL]);
    assert_eq!(op.limit_rate, Some(10 * 1024));
    assert_eq!(op.speed_limit, Some(100));
    assert_eq!(op.speed_time, Some(Duration::from_secs(5)));
    assert_eq!(self::op(&["--limit-rate", "0", URL]).limit_rate, None);
}

// ---- the rest of curl's HTTP options ----

#[test]
fn wire_and_redirect_options() {
    let op = op(&[
        "-0",
        "--path-as-is",
        "--request-target",
        "*",
        "--proxy-header",
        "X-A: 1",
        "-p",
        "--ignore-content-length",
        "--raw",
        "--location-trusted",
        "--post301",
        "--post303",
        "--no-post301",
        "--proto-redir",
        "=https",
        "-z",
        "-Sun, 06 Nov 1994 08:49:37 GMT",
        "-R",
        URL,
    ]);
    assert!(op.http10 && op.path_as_is && op.proxytunnel);
    assert!(op.ignore_content_length && op.raw);
    assert!(
        op.location_trusted && op.location,
        "--location-trusted implies -L"
    );
    assert_eq!(op.request_target.as_deref(), Some("*"));
    assert_eq!(op.proxy_headers.len(), 1);
    assert_eq!(op.post_on_redirect, [303]);
    assert_eq!(
        op.proto_redir,
        Protocols {
            http: false,
            https: true
        }
    );
    assert_eq!(
        op.time_cond.as_deref(),
        Some("-Sun, 06 Nov 1994 08:49:37 GMT")
    );
    assert!(op.remote_time);
}

#[test]
fn etag_options_work_with_one_url_only() {
    assert!(fail(&["--etag-save", "e", URL, URL]).contains("single URL"));
    assert!(op(&["--etag-compare", "e", URL]).etag_compare.is_some());
}
