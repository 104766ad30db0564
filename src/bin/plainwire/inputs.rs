//! The inputs of one operation, read before its first transfer: `@FILE` and `@-` values of
//! `-d` and friends, `--json`, `--url-query`, `-F`, `-H`, `--proxy-header` and `-w`, the
//! `--pinnedpubkey` file and the `--etag-compare` file, turned into the body, the query, the
//! header lists, the pinned digests and the write-out format every transfer of the operation
//! uses. It sends nothing.
//!
//! Each input is read once (curl reads them while parsing), so `-d @-` takes standard input
//! once however many URLs follow. A file that cannot be read is curl's 26.

use std::io::Read;

use crate::args::{HeaderArg, Operation};
use crate::body::{self, RequestBody};
use crate::failure::Failure;
use crate::form::ReadyForm;
use crate::time_cond::{self, TimeCondition};
use crate::values::{self, Header, Source};

/// Header fields `-H 'Name:'` cannot leave out, and why: they are kept, with a warning.
const KEPT_FIELDS: [(&str, &str); 3] = [
    (
        "host",
        "HTTP/1.1 requires it in every request (RFC 9112 section 3.2)",
    ),
    (
        "content-length",
        "it frames the body, which plainwire sends whole",
    ),
    (
        "transfer-encoding",
        "it frames the body, which plainwire sends whole",
    ),
];

/// What an operation's transfers send and print, with every file read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// The request body, if the options make one.
    pub body: Option<RequestBody>,
    /// What goes into the query: `-G` data, then `--url-query` pieces, joined with `&`.
    pub query: Option<String>,
    /// `-H` headers in order, `@FILE` lines included.
    pub headers: Vec<Header>,
    /// The `-w` format.
    pub write_out: Option<String>,
    /// `-F` fields, with stdin and `<FILE` contents read.
    pub form: ReadyForm,
    /// `--proxy-header` headers in order, `@FILE` lines included.
    pub proxy_headers: Vec<Header>,
    /// `--pinnedpubkey`: the digests pinned.
    pub pinned_keys: Vec<[u8; 32]>,
    /// `--etag-compare`: the `If-None-Match` value.
    pub if_none_match: Option<String>,
    /// `-z`: the time condition, when its value is a date or a file.
    pub time_condition: Option<TimeCondition>,
}

/// Reads the inputs `op` names and builds what its transfers send.
pub fn prepare(op: &Operation) -> Result<Prepared, Failure> {
    let mut headers = header_args(&op.headers)?;
    // -H 'Host:' and the framing fields stay: say so rather than ignore the request.
    headers.retain(|h| {
        let kept = KEPT_FIELDS
            .iter()
            .find(|(name, _)| h.value.is_none() && h.name.eq_ignore_ascii_case(name));
        if let Some((_, why)) = kept {
            crate::console::warn(&format!(
                "-H '{}:': the {} header is sent anyway: {why}",
                h.name, h.name
            ));
        }
        kept.is_none()
    });
    let proxy_headers = header_args(&op.proxy_headers)?;
    for header in proxy_headers.iter().filter(|h| h.value.is_none()) {
        crate::console::warn(&format!(
            "--proxy-header '{}:': leaving out a header the proxy gets is not supported; ignored",
            header.name
        ));
    }

    let data = if op.data.is_empty() {
        None
    } else {
        Some(body::join(&op.data, &mut read)?)
    };
    // -G takes the data for the query; otherwise it is the body.
    let json = if op.json.is_empty() {
        None
    } else {
        let mut bytes = Vec::new();
        for piece in &op.json {
            bytes.extend(read(piece)?);
        }
        Some(bytes)
    };
    let (body, get_data) = match (json, data) {
        (Some(bytes), _) => (Some(RequestBody { bytes, json: true }), None),
        (None, Some(bytes)) if !op.get => (Some(RequestBody { bytes, json: false }), None),
        (None, data) => (None, data),
    };
    let mut query_parts = Vec::new();
    query_parts.extend(get_data);
    if !op.url_query.is_empty() {
        query_parts.push(body::join(&op.url_query, &mut read)?);
    }
    // Bytes that are not UTF-8 (a browser's "Copy as cURL" writes é as the one byte 0xE9)
    // keep their value as %XX, where reading them as text would replace them with U+FFFD.
    let query = (!query_parts.is_empty())
        .then(|| plainwire::percent_encode_non_ascii(&query_parts.join(&b'&')).into_owned());

    // A format read from a file or stdin is read as curl 7.88 reads it (file2string): each
    // line up to its first CR or its LF, the lines joined (a newline is written with `\n`).
    let write_out = match &op.write_out {
        Some(source @ Source::Inline(_)) => {
            Some(String::from_utf8_lossy(&read(source)?).into_owned())
        }
        Some(source) => {
            let format: Vec<u8> = read(source)?
                .split(|&b| b == b'\n')
                .flat_map(|line| line.split(|&b| b == b'\r').next().unwrap_or_default())
                .copied()
                .collect();
            Some(String::from_utf8_lossy(&format).into_owned())
        }
        None => None,
    };
    let form = ReadyForm::prepare(&op.form, &mut read)?;
    let pinned_keys = match &op.pinned_key {
        Some(pin) => crate::tls_options::pinned_digests(pin)?,
        None => Vec::new(),
    };
    let if_none_match = op.etag_compare.as_deref().map(|path| {
        let (value, warning) = crate::etag::compare_value(path);
        if let Some(warning) = warning {
            crate::console::warn(&warning);
        }
        value
    });
    let time_condition = op.time_cond.as_deref().and_then(|value| {
        let (condition, warning) = time_cond::parse(value, std::time::SystemTime::now());
        if let Some(warning) = warning {
            crate::console::warn(&warning);
        }
        condition
    });
    Ok(Prepared {
        body,
        query,
        headers,
        write_out,
        form,
        proxy_headers,
        pinned_keys,
        if_none_match,
        time_condition,
    })
}

/// `-H` (or `--proxy-header`) arguments as headers, `@FILE` lines included.
fn header_args(args: &[HeaderArg]) -> Result<Vec<Header>, Failure> {
    let mut headers = Vec::new();
    for arg in args {
        match arg {
            HeaderArg::Field(header) => headers.push(header.clone()),
            HeaderArg::File(source) => headers.extend(header_lines(source)?),
        }
    }
    Ok(headers)
}

/// The bytes of one input. stdin is read to its end (a second `@-` finds it empty).
pub fn read(source: &Source) -> Result<Vec<u8>, Failure> {
    match source {
        Source::Inline(bytes) => Ok(bytes.clone()),
        Source::File(path) => std::fs::read(path).map_err(|e| Failure::read_file(path, &e)),
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::read_stdin(&e))?;
            Ok(bytes)
        }
    }
}

/// The headers of a `-H @FILE`: one per line, blank lines skipped.
fn header_lines(source: &Source) -> Result<Vec<Header>, Failure> {
    let bytes = read(source)?;
    let name = match source {
        Source::File(path) => path.display().to_string(),
        _ => "stdin".to_string(),
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::usage(format!("option -H: {name} is not valid UTF-8")))?;
    let mut headers = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let header = values::header(line).map_err(|message| {
            Failure::usage(format!("option -H: {name}:{}: {message}", index + 1))
        })?;
        headers.push(header);
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::DataPiece;

    fn op_with(edit: impl FnOnce(&mut Operation)) -> Operation {
        let mut op = Operation::default();
        edit(&mut op);
        op
    }

    #[test]
    fn data_makes_a_form_body() {
        let op = op_with(|op| op.data = vec![DataPiece::data("a=1"), DataPiece::data("b=2")]);
        let prepared = prepare(&op).unwrap();
        assert_eq!(
            prepared.body,
            Some(RequestBody {
                bytes: b"a=1&b=2".to_vec(),
                json: false
            })
        );
        assert_eq!(prepared.query, None);
    }

    #[test]
    fn get_moves_the_data_into_the_query_before_url_query() {
        let op = op_with(|op| {
            op.get = true;
            op.data = vec![DataPiece::data("a=1"), DataPiece::url_encoded("b=x y")];
            op.url_query = vec![
                DataPiece::url_query("q=1 2"),
                DataPiece::url_query("+r=a b"),
            ];
        });
        let prepared = prepare(&op).unwrap();
        assert_eq!(prepared.body, None);
        assert_eq!(prepared.query.as_deref(), Some("a=1&b=x+y&q=1+2&r=a b"));
    }

    #[test]
    fn json_is_kept_as_given() {
        let op = op_with(|op| op.json = vec![Source::Inline(b"{\"a\": 1}\n".to_vec())]);
        let body = prepare(&op).unwrap().body.unwrap();
        assert!(body.json);
        assert_eq!(body.bytes, b"{\"a\": 1}\n");
    }

    #[test]
    fn header_files_give_one_header_per_line() {
        let path = std::env::temp_dir().join(format!("plainwire-inputs-{}", std::process::id()));
        std::fs::write(&path, "X-A: 1\r\n\nX-B;\nX-C: two words\n").unwrap();
        let op = op_with(|op| op.headers = vec![HeaderArg::File(Source::File(path.clone()))]);
        let headers = prepare(&op).unwrap().headers;
        let names: Vec<_> = headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["X-A", "X-B", "X-C"]);
        assert_eq!(headers[2].value.as_deref(), Some("two words"));
        std::fs::write(&path, "X-A: 1\nbroken\n").unwrap();
        let failure = prepare(&op).unwrap_err();
        assert_eq!(failure.code, 2);
        assert!(failure
            .message
            .ends_with(":2: header must be 'Name: value' or 'Name;'"));
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn host_and_framing_fields_are_never_left_out() {
        let removals = ["Host:", "Accept:", "Content-Length:", "X-Mine:"];
        let op = op_with(|op| {
            op.headers = removals
                .iter()
                .map(|h| HeaderArg::Field(values::header(h).unwrap()))
                .collect()
        });
        let names: Vec<String> = prepare(&op)
            .unwrap()
            .headers
            .into_iter()
            .map(|h| h.name)
            .collect();
        assert_eq!(names, ["Accept", "X-Mine"]);
    }

    #[test]
    fn an_unreadable_file_is_26() {
        let op = op_with(|op| op.data = vec![DataPiece::data("@/nonexistent/plainwire")]);
        assert_eq!(prepare(&op).unwrap_err().code, 26);
    }
}
