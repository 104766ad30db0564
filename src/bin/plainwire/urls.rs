//! From the URL arguments to the list of transfers: each URL expanded by its glob, given its
//! query (`-G`, `--url-query`), its scheme when it has none, and its destination (`-o`, `-O`,
//! `--remote-name-all`, `--output-dir`, `#N` in names). It opens no file and sends nothing.
//!
//! The list is never built whole: [`Plan`] hands out one [`Planned`] transfer at a time, so a
//! glob of a million URLs costs no memory. Rules, as curl's docs give them:
//!
//! * the N-th `-o`/`-O` of an operation goes with its N-th URL; a URL without one writes to
//!   stdout, or to its remote name under `--remote-name-all`;
//! * a glob's URLs share their URL argument's output; `#1`, `#2`, … in an `-o` name take the
//!   text each glob gave;
//! * `-O` names the file after the last segment of the URL's path (trailing slashes dropped);
//!   a URL with no path segment saves to `plainwire_response`;
//! * `--output-dir DIR` puts `-o` and `-O` files in DIR (`DIR/NAME`, as curl joins them);
//! * a URL without `scheme://` is taken as `http://` (curl's guess, minus its other schemes);
//! * the N-th `-T FILE` goes with the N-th URL; a URL whose path is empty or ends in `/` gets
//!   the file's name added (what follows its last `/` or `\`, URL-encoded), as curl does;
//! * a `-T` file name is globbed too, unless `-g` (curl's upload-file.md: `-T "{file1,file2}"`
//!   uploads both): each file goes to each URL of its URL argument, the files in the outer
//!   loop, as curl orders them.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::args::{Operation, OutputArg};
use crate::failure::{self, Failure};
use crate::glob::{fill_output_name, Glob};
use crate::inputs::Prepared;

/// The file name `-O` uses when the URL has no path segment (curl's is `curl_response`).
pub const DEFAULT_REMOTE_NAME: &str = "plainwire_response";

/// One transfer to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Which operation (`--next` group) it belongs to.
    pub op: usize,
    /// The URL argument it came from, counting from 0 across the command line
    /// (`%{urlnum}`; a glob's URLs share one).
    pub urlnum: u64,
    /// The URL as expanded, with its query (`%{url}`).
    pub url: String,
    /// The URL to fetch: [`Planned::url`] with a scheme.
    pub fetch: String,
    /// Where the body goes, or why that cannot be worked out.
    pub destination: Result<Destination, Failure>,
    /// `-T`: the file to upload (`-` or `.` for stdin).
    pub upload: Option<PathBuf>,
}

/// Where a transfer's body (and `-i` heads) go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output; `explicit` for `-o -`, which allows binary output to a terminal.
    Stdout {
        /// Whether `-o -` asked for it.
        explicit: bool,
    },
    /// A file.
    File {
        /// The path, `--output-dir` included.
        path: PathBuf,
        /// `-O -J`: the Content-Disposition filename may replace the name, in `dir`.
        from_header: bool,
        /// `--output-dir`, for a Content-Disposition name.
        dir: Option<PathBuf>,
    },
}

/// One URL argument, ready to expand.
struct Item {
    op: usize,
    urlnum: u64,
    glob: Option<Glob>,
    literal: String,
    output: Option<OutputArg>,
    remote_name_all: bool,
    remote_header_name: bool,
    output_dir: Option<PathBuf>,
    query: Option<String>,
    upload: Option<Upload>,
}

/// A `-T` argument: one file, or a pattern of files.
enum Upload {
    File(PathBuf),
    Glob(Glob),
}

impl Upload {
    /// `-T`'s argument, globbed unless `globoff` or it is not UTF-8 (a pattern is text).
    fn new(path: &std::path::Path, globoff: bool) -> Result<Upload, Failure> {
        let pattern = path.to_str().filter(|_| !globoff);
        let Some(pattern) = pattern else {
            return Ok(Upload::File(path.to_path_buf()));
        };
        let glob = Glob::parse(pattern).map_err(|e| {
            Failure::new(
                failure::URL_MALFORMAT,
                format!("{e}: -T {}", shown_in_error(pattern)),
            )
        })?;
        Ok(match glob.len() {
            1 => Upload::File(PathBuf::from(glob.get(0).url)),
            _ => Upload::Glob(glob),
        })
    }

    fn len(&self) -> u64 {
        match self {
            Upload::File(_) => 1,
            Upload::Glob(glob) => glob.len(),
        }
    }

    fn get(&self, index: u64) -> PathBuf {
        match self {
            Upload::File(path) => path.clone(),
            Upload::Glob(glob) => PathBuf::from(glob.get(index).url),
        }
    }
}

impl Item {
    /// How many URLs its glob gives.
    fn urls(&self) -> u64 {
        self.glob.as_ref().map_or(1, Glob::len)
    }

    /// How many transfers: each upload file to each URL.
    fn len(&self) -> Option<u64> {
        self.urls()
            .checked_mul(self.upload.as_ref().map_or(1, Upload::len))
    }
}

/// The transfers of a command line, handed out in order.
pub struct Plan {
    items: Vec<Item>,
    item: usize,
    index: u64,
    total: u64,
}

impl Plan {
    /// The plan for these operations; fails (curl's 3) on the first malformed glob, before any
    /// transfer starts.
    pub fn new(ops: &[Operation], prepared: &[Prepared]) -> Result<Plan, Failure> {
        let mut items = Vec::new();
        let mut urlnum = 0;
        for (index, (op, prepared)) in ops.iter().zip(prepared).enumerate() {
            for (n, url) in op.urls.iter().enumerate() {
                let glob = match op.globoff {
                    true => None,
                    false => Some(Glob::parse(url).map_err(|e| {
                        Failure::new(
                            failure::URL_MALFORMAT,
                            format!("{e}: {}", shown_in_error(url)),
                        )
                    })?),
                };
                items.push(Item {
                    op: index,
                    urlnum,
                    glob,
                    literal: url.clone(),
                    output: op.outputs.get(n).cloned(),
                    remote_name_all: op.remote_name_all,
                    remote_header_name: op.remote_header_name,
                    output_dir: op.output_dir.clone(),
                    query: prepared.query.clone(),
                    upload: op
                        .upload_files
                        .get(n)
                        .map(|path| Upload::new(path, op.globoff))
                        .transpose()?,
                });
                urlnum += 1;
            }
        }
        let total = items
            .iter()
            .try_fold(0u64, |sum, item| sum.checked_add(item.len()?))
            .ok_or_else(|| Failure::new(failure::URL_MALFORMAT, "too many URLs"))?;
        Ok(Plan {
            items,
            item: 0,
            index: 0,
            total,
        })
    }

    /// How many transfers there are in all.
    pub fn len(&self) -> u64 {
        self.total
    }
}

impl Iterator for Plan {
    type Item = Planned;

    fn next(&mut self) -> Option<Planned> {
        loop {
            let item = self.items.get(self.item)?;
            if self.index >= item.len().unwrap_or(u64::MAX) {
                self.item += 1;
                self.index = 0;
                continue;
            }
            let index = self.index;
            self.index += 1;
            return Some(plan_one(item, index));
        }
    }
}

fn plan_one(item: &Item, index: u64) -> Planned {
    // The upload files in the outer loop, the URLs in the inner one, as curl runs them.
    let (upload_index, url_index) = (index / item.urls(), index % item.urls());
    let upload = item.upload.as_ref().map(|upload| upload.get(upload_index));
    let (expanded, values) = match &item.glob {
        Some(glob) => {
            let expansion = glob.get(url_index);
            (expansion.url, expansion.values)
        }
        None => (item.literal.clone(), Vec::new()),
    };
    let expanded = with_scheme_slashes(&expanded).into_owned();
    let url = match &item.query {
        Some(query) => add_query(&expanded, query),
        None => expanded,
    };
    let url = match &upload {
        Some(file) => with_upload_name(&url, file),
        None => url,
    };
    let fetch = with_scheme(&url);
    let destination = destination(item, &fetch, &values);
    Planned {
        op: item.op,
        urlnum: item.urlnum,
        url,
        fetch,
        destination,
        upload,
    }
}

/// Whether a `-T` name means stdin (`-`, or `.` for curl's non-blocking stdin).
pub fn is_stdin(upload: &std::path::Path) -> bool {
    upload.as_os_str() == "-" || upload.as_os_str() == "."
}

/// `url` with the name of the uploaded `file` added to its path, when the path is empty or
/// ends in `/` (curl: "If there is no file part in the specified URL"). Stdin adds nothing.
pub fn with_upload_name(url: &str, file: &std::path::Path) -> String {
    if is_stdin(file) {
        return url.to_string();
    }
    let file = file.to_string_lossy();
    let name = file.rsplit(['/', '\\']).next().unwrap_or("");
    if name.is_empty() {
        return url.to_string();
    }
    let after_scheme = authority_start(url);
    let path_start = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| after_scheme + at);
    let path_end = url[path_start..]
        .find(['?', '#'])
        .map_or(url.len(), |at| path_start + at);
    let path = &url[path_start..path_end];
    let separator = match path {
        "" => "/",
        p if p.ends_with('/') => "",
        _ => return url.to_string(),
    };
    let encoded = crate::body::path_encode(name);
    format!(
        "{}{separator}{encoded}{}",
        &url[..path_end],
        &url[path_end..]
    )
}

/// Where the authority of `url` starts: after its `scheme://`, or at 0 when it has none. A
/// `://` in the query (`host?u=http://x/`) is not a scheme's.
fn authority_start(url: &str) -> usize {
    match url.find("://") {
        Some(at) if !url[..at].contains(['/', '?', '#']) => at + 3,
        _ => 0,
    }
}

/// Where the body of `url` goes, by its URL argument's output option.
fn destination(item: &Item, url: &str, values: &[String]) -> Result<Destination, Failure> {
    let file = |name: PathBuf, from_header: bool| Destination::File {
        path: in_dir(item.output_dir.as_ref(), name),
        from_header,
        dir: item.output_dir.clone(),
    };
    match &item.output {
        Some(OutputArg::File(path)) if path.as_os_str() == "-" => {
            Ok(Destination::Stdout { explicit: true })
        }
        Some(OutputArg::File(path)) => {
            let name = match (&item.glob, path.to_str()) {
                (Some(_), Some(template)) => PathBuf::from(fill_output_name(template, values)),
                _ => path.clone(),
            };
            if name.as_os_str().is_empty() {
                return Err(Failure::new(
                    failure::WRITE_ERROR,
                    "output glob produces an empty string",
                ));
            }
            Ok(file(name, false))
        }
        Some(OutputArg::RemoteName) => Ok(file(remote_name(url).into(), item.remote_header_name)),
        None if item.remote_name_all => Ok(file(remote_name(url).into(), item.remote_header_name)),
        Some(OutputArg::Stdout) | None => Ok(Destination::Stdout { explicit: false }),
    }
}

/// `DIR/NAME` when there is an output directory, as curl joins them (an absolute NAME too).
pub fn in_dir(dir: Option<&PathBuf>, name: PathBuf) -> PathBuf {
    match dir {
        Some(dir) => {
            let mut joined = OsString::from(dir.as_os_str());
            joined.push("/");
            joined.push(name.as_os_str());
            PathBuf::from(joined)
        }
        None => name,
    }
}

/// The `-O` name of a URL: the last segment of its path, trailing slashes dropped.
pub fn remote_name(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    // The query and fragment first: a '/' in them is no path (http://h?q=/a/x.txt has none).
    let before_query = after_scheme.split(['?', '#']).next().unwrap_or("");
    let path = match before_query.find('/') {
        Some(at) => &before_query[at..],
        None => "",
    };
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit(['/', '\\']).next() {
        Some(name) if !name.is_empty() && trimmed.contains('/') => name.to_string(),
        _ => DEFAULT_REMOTE_NAME.to_string(),
    }
}

/// `url` with `query` added: after its own query with `&`, before any fragment.
pub fn add_query(url: &str, query: &str) -> String {
    let (base, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let separator = match base.find('?') {
        Some(at) if at + 1 < base.len() => "&",
        Some(_) => "",
        None => "?",
    };
    format!("{base}{separator}{query}{fragment}")
}

/// `url` with `http://` in front when it has no `scheme://` (curl's guess). [`plan_one`]
/// mends a one-slash scheme first ([`with_scheme_slashes`]).
pub fn with_scheme(url: &str) -> String {
    let has_scheme = url.split_once("://").is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if has_scheme {
        url.to_string()
    } else {
        format!("http://{url}")
    }
}

/// `url` with two slashes after an `http:` or `https:` that has one (`https:/host/x`, a
/// typo), as curl reads it: guessed, `http://https:/host/x` went in clear text to a host
/// named `https`, credentials and all. Without a slash (`http:8080`) it is no scheme but a
/// host and port, as curl reads that too.
pub fn with_scheme_slashes(url: &str) -> std::borrow::Cow<'_, str> {
    for scheme in ["http", "https"] {
        // Bytes, not text: what follows the scheme's letters may be any character.
        let named = url.as_bytes().get(..scheme.len() + 1).is_some_and(|head| {
            head[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
                && head[scheme.len()] == b':'
        });
        // After the ASCII letters and ':', `scheme.len() + 1` is a character boundary.
        let rest = named.then(|| &url[scheme.len() + 1..]);
        if let Some(rest) = rest.filter(|rest| rest.starts_with('/') && !rest.starts_with("//")) {
            return format!("{scheme}://{}", rest.trim_start_matches('/')).into();
        }
    }
    url.into()
}

/// The scheme of a URL that has one, lowercase.
pub fn scheme_of(url: &str) -> String {
    url.split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase())
        .unwrap_or_default()
}

/// `url` as an error message may quote it, for a URL too malformed to parse: not at all when
/// it holds an `@`, since where user information ends cannot be told in a malformed URL (a
/// password may hold a `/`), and a password never goes into a message. The message's column
/// still points into the URL the user typed.
pub fn shown_in_error(url: &str) -> String {
    if url.contains('@') {
        "(the URL is not shown: it may hold a password)".to_string()
    } else {
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(argv_ops: Vec<Operation>) -> Vec<Planned> {
        let prepared: Vec<Prepared> = argv_ops.iter().map(|_| Prepared::default()).collect();
        Plan::new(&argv_ops, &prepared).unwrap().collect()
    }

    fn op(urls: &[&str], edit: impl FnOnce(&mut Operation)) -> Operation {
        let mut op = Operation {
            urls: urls.iter().map(|u| u.to_string()).collect(),
            ..Operation::default()
        };
        edit(&mut op);
        op
    }

    fn file(path: &str) -> Result<Destination, Failure> {
        Ok(Destination::File {
            path: path.into(),
            from_header: false,
            dir: None,
        })
    }

    #[test]
    fn an_upload_names_a_url_without_a_file_part() {
        let file = std::path::Path::new("dir/my file.txt");
        assert_eq!(
            with_upload_name("http://h/up/", file),
            "http://h/up/my%20file.txt"
        );
        assert_eq!(with_upload_name("http://h", file), "http://h/my%20file.txt");
        assert_eq!(
            with_upload_name("http://h/?q=1", file),
            "http://h/my%20file.txt?q=1"
        );
        assert_eq!(with_upload_name("h:8080", file), "h:8080/my%20file.txt");
        assert_eq!(with_upload_name("http://h/name", file), "http://h/name");
        // A '://' in the query is not the scheme's.
        assert_eq!(
            with_upload_name("h:8?u=http://x/", file),
            "h:8/my%20file.txt?u=http://x/"
        );
        assert_eq!(
            with_upload_name("http://h/", std::path::Path::new("-")),
            "http://h/"
        );
    }

    #[test]
    fn an_upload_name_is_globbed_each_file_to_each_url() {
        let transfers = plan(vec![op(&["h/[1-2]/"], |op| {
            op.upload_files = vec!["{a,b}.txt".into()];
        })]);
        let pairs: Vec<_> = transfers
            .iter()
            .map(|t| {
                (
                    t.url.as_str(),
                    t.upload.as_deref().unwrap().to_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("h/1/a.txt", "a.txt"),
                ("h/2/a.txt", "a.txt"),
                ("h/1/b.txt", "b.txt"),
                ("h/2/b.txt", "b.txt"),
            ]
        );
        // -g takes the name as it is.
        let transfers = plan(vec![op(&["h/"], |op| {
            op.upload_files = vec!["{a,b}.txt".into()];
            op.globoff = true;
        })]);
        assert_eq!(transfers.len(), 1);
        assert_eq!(
            transfers[0].upload.as_deref(),
            Some(std::path::Path::new("{a,b}.txt"))
        );
    }

    #[test]
    fn an_upload_name_follows_a_scheme_with_one_slash() {
        let transfers = plan(vec![op(&["http:/h:8"], |op| {
            op.upload_files = vec!["up.txt".into()];
        })]);
        assert_eq!(transfers[0].fetch, "http://h:8/up.txt");
    }

    #[test]
    fn outputs_go_with_urls_in_order() {
        let transfers = plan(vec![op(&["h/a", "h/b", "h/c"], |op| {
            op.outputs = vec![OutputArg::File("one".into()), OutputArg::File("-".into())]
        })]);
        assert_eq!(transfers[0].destination, file("one"));
        assert_eq!(
            transfers[1].destination,
            Ok(Destination::Stdout { explicit: true })
        );
        assert_eq!(
            transfers[2].destination,
            Ok(Destination::Stdout { explicit: false })
        );
        assert_eq!(transfers[2].fetch, "http://h/c");
        assert_eq!(
            transfers.iter().map(|t| t.urlnum).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }

    #[test]
    fn a_glob_expands_and_fills_hash_numbers() {
        let transfers = plan(vec![op(&["http://h/{a,b}/[1-2]"], |op| {
            op.outputs = vec![OutputArg::File("out_#1_#2.txt".into())]
        })]);
        let urls: Vec<&str> = transfers.iter().map(|t| t.fetch.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://h/a/1",
                "http://h/a/2",
                "http://h/b/1",
                "http://h/b/2"
            ]
        );
        assert_eq!(transfers[3].destination, file("out_b_2.txt"));
        assert!(transfers.iter().all(|t| t.urlnum == 0));
    }

    #[test]
    fn globoff_takes_the_url_literally() {
        let transfers = plan(vec![op(&["http://h/{a,b}"], |op| op.globoff = true)]);
        assert_eq!(transfers.len(), 1);
        assert_eq!(transfers[0].fetch, "http://h/{a,b}");
    }

    #[test]
    fn a_bad_globs_message_quotes_no_user_information() {
        for url in [
            "http://user:s3krit@[::1/",
            "http://user:s3krit@{a/x",
            "user:s3krit@[v1.x]/",
            "http://u:pa/s3krit@[::1/",
            "user:s3krit@h/[1-/?next=http://x",
        ] {
            let ops = vec![op(&[url], |_| {})];
            let failure = Plan::new(&ops, &[Prepared::default()]).err().unwrap();
            assert_eq!(failure.code, 3);
            assert!(!failure.message.contains("s3krit"), "{}", failure.message);
            assert!(!failure.message.contains("user"), "{}", failure.message);
        }
        let ops = vec![op(&["http://h/[3-1]"], |_| {})];
        let failure = Plan::new(&ops, &[Prepared::default()]).err().unwrap();
        assert!(
            failure.message.ends_with(": http://h/[3-1]"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_bad_glob_stops_the_plan() {
        let ops = vec![op(&["http://h/[3-1]"], |_| {})];
        let failure = Plan::new(&ops, &[Prepared::default()]).err().unwrap();
        assert_eq!(failure.code, 3);
        assert!(failure.message.starts_with("bad range in URL position"));
    }

    #[test]
    fn remote_names_and_output_dir() {
        let transfers = plan(vec![op(&["h/dir/file.txt?q=1", "h/dir/", "h"], |op| {
            op.remote_name_all = true;
            op.output_dir = Some("out".into());
            op.remote_header_name = true;
        })]);
        let paths: Vec<_> = transfers
            .iter()
            .map(|t| match &t.destination {
                Ok(Destination::File {
                    path, from_header, ..
                }) => {
                    assert!(from_header);
                    path.display().to_string()
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(paths, ["out/file.txt", "out/dir", "out/plainwire_response"]);
    }

    #[test]
    fn remote_name_cases() {
        assert_eq!(remote_name("http://h/a/b.txt"), "b.txt");
        assert_eq!(remote_name("http://h/a/b.txt#frag"), "b.txt");
        assert_eq!(remote_name("http://h/a/dir//"), "dir");
        assert_eq!(remote_name("http://h/"), DEFAULT_REMOTE_NAME);
        assert_eq!(remote_name("http://h"), DEFAULT_REMOTE_NAME);
        assert_eq!(remote_name("http://h/a\\b"), "b");
        // A '/' in the query or fragment of a URL without a path names nothing.
        assert_eq!(remote_name("http://h?q=/a/secret.txt"), DEFAULT_REMOTE_NAME);
        assert_eq!(remote_name("http://h#/frag.txt"), DEFAULT_REMOTE_NAME);
        assert_eq!(remote_name("http://h/p?q=/a/x.txt"), "p");
    }

    #[test]
    fn queries_are_added_before_the_fragment() {
        assert_eq!(add_query("http://h/p", "a=1"), "http://h/p?a=1");
        assert_eq!(add_query("http://h/p?x=0", "a=1"), "http://h/p?x=0&a=1");
        assert_eq!(add_query("http://h/p?", "a=1"), "http://h/p?a=1");
        assert_eq!(add_query("http://h/p#f", "a=1"), "http://h/p?a=1#f");
    }

    #[test]
    fn a_url_without_a_scheme_is_http() {
        assert_eq!(with_scheme("example.com/x"), "http://example.com/x");
        assert_eq!(with_scheme("localhost:8080"), "http://localhost:8080");
        assert_eq!(with_scheme("HTTPS://h/"), "HTTPS://h/");
        assert_eq!(with_scheme("ftp://h/"), "ftp://h/");
        assert_eq!(with_scheme("h/?next=http://x"), "http://h/?next=http://x");
        assert_eq!(scheme_of("HTTPS://h/"), "https");
        // A scheme with one slash is kept, as curl reads it, not taken for a host; without a
        // slash, it is a host and a port. (As plan_one guesses: the slashes first.)
        let guess = |url: &str| with_scheme(&with_scheme_slashes(url));
        assert_eq!(guess("https:/h/x"), "https://h/x");
        assert_eq!(guess("HTTP:/h:8/x"), "http://h:8/x");
        assert_eq!(guess("http:8080/x"), "http://http:8080/x");
        // Other text where the scheme would end is no scheme, and no panic.
        assert_eq!(guess("htt\u{e9}/x"), "http://htt\u{e9}/x");
        assert_eq!(guess("http\u{e9}/x"), "http://http\u{e9}/x");
    }

    #[test]
    fn operations_follow_each_other() {
        let transfers = plan(vec![op(&["h/a"], |_| {}), op(&["h/b", "h/c"], |_| {})]);
        let ops: Vec<(usize, u64)> = transfers.iter().map(|t| (t.op, t.urlnum)).collect();
        assert_eq!(ops, [(0, 0), (1, 1), (1, 2)]);
    }
}
