//! `-F` and `--form-string` values, as curl reads them (docs/cmdline-opts/form.md and its
//! `tool_formparse.c`), and the `multipart/form-data` form they make. Parsing is pure; the
//! form is built by [`build`] for each transfer, since a form is sent once.
//!
//! The syntax, `name=content[;param]...`:
//!
//! * `name=text` is a text field; `name=<FILE` a text field read from FILE (`<-`: stdin);
//!   `name=@FILE` a file upload, named after FILE's last component (`@-`: stdin, named `-`);
//! * `;type=TYPE` sets the part's Content-Type (parameters after it, such as
//!   `;charset=utf-8`, stay part of it, as in curl); `;filename=NAME` the file name sent;
//! * a value with `;` or `,` in it, or leading spaces, is written in double quotes, with `\"`
//!   and `\\` inside; an unquoted value loses its trailing spaces;
//! * `--form-string name=value` takes the value as it is: no `@`, `<` or `;type=`.
//!
//! Refused, with a message: several files in one field (`@a,b`, which curl sends as a nested
//! `multipart/mixed`), nested multiparts (`=(`, `=)`), `headers=` (RFC 7578 section 4.8: a
//! form part "MUST NOT" carry other header fields, and the library sends none) and
//! `encoder=` (for mail). An unknown parameter is skipped with a warning, as in curl.

use plainwire::multipart::{Form, Part};

use crate::failure::Failure;
use crate::values::Source;

/// One form field, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// The field name (empty for `=value`).
    pub name: String,
    /// Where its data comes from.
    pub content: FormContent,
    /// `;type=`.
    pub mime_type: Option<String>,
    /// `;filename=`.
    pub file_name: Option<String>,
}

/// Where a form field's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormContent {
    /// The text given.
    Text(String),
    /// `<FILE`, `<-`: a text field with the contents of a file or stdin.
    TextFrom(Source),
    /// `@FILE`, `@-`: a file upload.
    File(Source),
}

/// A `-F` value parsed: the field, and warnings for what was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The field.
    pub field: FormField,
    /// Warnings to show (unknown parameters, text after a quoted value).
    pub warnings: Vec<String>,
}

/// Parses a `-F` value; `literal` for `--form-string`.
pub fn parse(value: &str, literal: bool) -> Result<Parsed, String> {
    let (name, content) = value
        .split_once('=')
        .ok_or_else(|| "is not 'name=content'".to_string())?;
    let mut warnings = Vec::new();
    let field = |content, params: Params| FormField {
        name: name.to_string(),
        content,
        mime_type: params.mime_type,
        file_name: params.file_name,
    };
    if literal {
        let parsed = field(FormContent::Text(content.to_string()), Params::default());
        return Ok(Parsed {
            field: parsed,
            warnings,
        });
    }
    if content.starts_with('(') || (name.is_empty() && content == ")") {
        return Err(
            "nested multiparts ('=(' ... '=)') are not supported; use --form-string for text that starts with '('"
                .to_string(),
        );
    }
    let parsed = if let Some(files) = content.strip_prefix('@') {
        let (data, rest) = word(files, true, &mut warnings);
        let (params, rest) = params(rest, true, &mut warnings)?;
        if rest.starts_with(',') {
            return Err(
                "several files in one field ('@a,b') are not supported; give one -F per file, or quote a name with a comma in it"
                    .to_string(),
            );
        }
        field(FormContent::File(Source::from_file_name(&data)), params)
    } else if let Some(file) = content.strip_prefix('<') {
        let (data, rest) = word(file, false, &mut warnings);
        let (mut params, _) = params(rest, false, &mut warnings)?;
        if let Some(name) = params.file_name.take() {
            warnings.push(format!(
                "-F: field filename not allowed with '<' (a text field): {name}"
            ));
        }
        field(FormContent::TextFrom(Source::from_file_name(&data)), params)
    } else {
        let (data, rest) = word(content, false, &mut warnings);
        let (params, _) = params(rest, false, &mut warnings)?;
        field(FormContent::Text(data), params)
    };
    Ok(Parsed {
        field: parsed,
        warnings,
    })
}

/// The parameters after a value.
#[derive(Default)]
struct Params {
    mime_type: Option<String>,
    file_name: Option<String>,
}

/// A value at the start of `text` (blanks before it skipped): quoted, with `\"` and `\\`, or
/// up to the next `;` (or `,` for files), trailing blanks dropped. Returns it and the rest,
/// which starts at the `;`, `,` or the end.
fn word<'a>(text: &'a str, files: bool, warnings: &mut Vec<String>) -> (String, &'a str) {
    let text = text.trim_start_matches([' ', '\t']);
    let ends = |c: char| c == ';' || (files && c == ',');
    if let Some(quoted) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' if matches!(quoted[at + 1..].chars().next(), Some('\\' | '"')) => {
                    value.push(chars.next().map_or('\\', |(_, c)| c));
                }
                '"' => {
                    let after = &quoted[at + 1..];
                    let end = after.find(ends).unwrap_or(after.len());
                    if !after[..end].trim().is_empty() {
                        warnings.push("-F: trailing data after a quoted form value".to_string());
                    }
                    return (value, &after[end..]);
                }
                c => value.push(c),
            }
        }
        // No closing quote: the value is taken as unquoted, from its opening quote.
    }
    let end = text.find(ends).unwrap_or(text.len());
    (
        text[..end].trim_end_matches([' ', '\t']).to_string(),
        &text[end..],
    )
}

/// The `;type=`, `;filename=` ... parameters at the start of `rest`, and what follows them
/// (a `,` before another file, for a file field).
fn params<'a>(
    mut rest: &'a str,
    files: bool,
    warnings: &mut Vec<String>,
) -> Result<(Params, &'a str), String> {
    let mut params = Params::default();
    while let Some(after) = rest.strip_prefix(';') {
        let after = after.trim_start_matches([' ', '\t']);
        let key = |k: &str| {
            after
                .get(..k.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(k))
        };
        let next_end = |s: &str| {
            s.find(|c| c == ';' || (files && c == ','))
                .unwrap_or(s.len())
        };
        if params.mime_type.is_none() && key("type=") {
            let value = after["type=".len()..].trim_start_matches([' ', '\t']);
            // RFC 2045's tspecials end a type; what follows may be its parameters.
            let end = value
                .find(|c: char| "()<>@,;:\\\"[]?=\r\n ".contains(c))
                .unwrap_or(value.len());
            params.mime_type = Some(value[..end].to_string());
            rest = &value[end..];
            // Anything up to the next ';' belongs to the type too (curl keeps it).
            let tail_end = next_end(rest);
            if let Some(mime) = params.mime_type.as_mut() {
                mime.push_str(rest[..tail_end].trim_end());
            }
            rest = &rest[tail_end..];
        } else if key("filename=") {
            let (name, tail) = word(&after["filename=".len()..], files, warnings);
            params.file_name = Some(name);
            rest = tail;
        } else if key("headers=") {
            return Err(
                "headers= is not supported: a form part carries only Content-Disposition and Content-Type (RFC 7578 section 4.8)"
                    .to_string(),
            );
        } else if key("encoder=") {
            return Err("encoder= is for mail and is not supported".to_string());
        } else if let Some(mime) = params.mime_type.as_mut() {
            // After a type, other parameters are the type's own (`;charset=utf-8`).
            let end = next_end(after);
            mime.push(';');
            mime.push_str(after[..end].trim_end());
            rest = &after[end..];
        } else {
            let (unknown, tail) = word(after, files, warnings);
            if !unknown.is_empty() {
                warnings.push(format!("-F: skip unknown form field: {unknown}"));
            }
            rest = tail;
        }
    }
    Ok((params, rest))
}

/// The fields with stdin and `<FILE` contents read, ready to become a form for each transfer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadyForm {
    fields: Vec<ReadyField>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ReadyField {
    name: String,
    data: ReadyData,
    mime_type: Option<String>,
    file_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ReadyData {
    /// In memory: text, a `<FILE`, or stdin (curl buffers stdin too).
    Bytes(Vec<u8>),
    /// A file, streamed when the form is sent.
    File(std::path::PathBuf),
}

impl ReadyForm {
    /// Reads what must be read once (stdin, `<FILE`) through `read`.
    pub fn prepare(
        fields: &[FormField],
        read: &mut dyn FnMut(&Source) -> Result<Vec<u8>, Failure>,
    ) -> Result<ReadyForm, Failure> {
        let mut ready = Vec::with_capacity(fields.len());
        for field in fields {
            let (data, file_name) = match &field.content {
                FormContent::Text(text) => (
                    ReadyData::Bytes(text.as_bytes().to_vec()),
                    field.file_name.clone(),
                ),
                FormContent::TextFrom(source) => (ReadyData::Bytes(read(source)?), None),
                FormContent::File(Source::File(path)) => {
                    (ReadyData::File(path.clone()), field.file_name.clone())
                }
                FormContent::File(source) => (
                    ReadyData::Bytes(read(source)?),
                    Some(field.file_name.clone().unwrap_or_else(|| "-".to_string())),
                ),
            };
            ready.push(ReadyField {
                name: field.name.clone(),
                data,
                mime_type: field.mime_type.clone(),
                file_name,
            });
        }
        Ok(ReadyForm { fields: ready })
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The form, for one transfer. A file that cannot be opened is curl's 26.
    pub fn build(&self) -> Result<Form, Failure> {
        let mut form = Form::new();
        for field in &self.fields {
            let mut part = match &field.data {
                ReadyData::Bytes(bytes) => Part::bytes(bytes.clone()),
                ReadyData::File(path) => Part::file(path).map_err(|e| {
                    let failure = Failure::from_error(&e);
                    Failure::new(
                        failure.code,
                        format!("-F {}: {}", field.name, failure.message),
                    )
                })?,
            };
            if let Some(name) = &field.file_name {
                part = part.file_name(name);
            }
            if let Some(mime) = &field.mime_type {
                part = part.mime_type(mime);
            }
            form = form.part(&field.name, part);
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(value: &str) -> FormField {
        let parsed = parse(value, false).unwrap();
        assert!(parsed.warnings.is_empty(), "{value}: {:?}", parsed.warnings);
        parsed.field
    }

    fn text(name: &str, value: &str) -> FormField {
        FormField {
            name: name.to_string(),
            content: FormContent::Text(value.to_string()),
            mime_type: None,
            file_name: None,
        }
    }

    #[test]
    fn a_text_field() {
        assert_eq!(field("name=John"), text("name", "John"));
        assert_eq!(field("a=b=c"), text("a", "b=c"));
        assert_eq!(field("empty="), text("empty", ""));
        assert_eq!(field("n=  padded  "), text("n", "padded"));
    }

    #[test]
    fn a_quoted_value_keeps_semicolons_and_spaces() {
        assert_eq!(
            field(r#"colors="red; green; blue";type=text/x-myapp"#),
            FormField {
                mime_type: Some("text/x-myapp".to_string()),
                ..text("colors", "red; green; blue")
            }
        );
        assert_eq!(field(r#"q=" a \"b\" \\ ""#), text("q", r#" a "b" \ "#));
        // Without its closing quote, the value is taken as it is.
        assert_eq!(field(r#"q="open"#), text("q", "\"open"));
    }

    #[test]
    fn a_file_upload_with_its_parameters() {
        assert_eq!(
            field("web=@index.html;type=text/html"),
            FormField {
                name: "web".to_string(),
                content: FormContent::File(Source::File("index.html".into())),
                mime_type: Some("text/html".to_string()),
                file_name: None,
            }
        );
        assert_eq!(
            field(r#"file=@"local,file";filename="name;in;post""#),
            FormField {
                name: "file".to_string(),
                content: FormContent::File(Source::File("local,file".into())),
                mime_type: None,
                file_name: Some("name;in;post".to_string()),
            }
        );
        assert_eq!(
            field("f=@-").content,
            FormContent::File(Source::Stdin),
            "@- is stdin"
        );
    }

    #[test]
    fn a_text_field_from_a_file() {
        let parsed = field("story=<hugefile.txt;type=text/plain");
        assert_eq!(
            parsed.content,
            FormContent::TextFrom(Source::File("hugefile.txt".into()))
        );
        assert_eq!(parsed.mime_type.as_deref(), Some("text/plain"));
        let with_name = parse("story=<f.txt;filename=x", false).unwrap();
        assert_eq!(with_name.field.file_name, None);
        assert_eq!(with_name.warnings.len(), 1);
    }

    #[test]
    fn a_type_keeps_its_parameters() {
        assert_eq!(
            field("t=hi;type=text/plain;charset=utf-8")
                .mime_type
                .as_deref(),
            Some("text/plain;charset=utf-8")
        );
        assert_eq!(
            field("t=hi;type=text/plain;charset=utf-8;filename=a.txt"),
            FormField {
                mime_type: Some("text/plain;charset=utf-8".to_string()),
                file_name: Some("a.txt".to_string()),
                ..text("t", "hi")
            }
        );
    }

    #[test]
    fn form_string_takes_everything_literally() {
        let parsed = parse("n=@not-a-file;type=x", true).unwrap();
        assert_eq!(parsed.field, text("n", "@not-a-file;type=x"));
    }

    #[test]
    fn unknown_parameters_are_skipped_with_a_warning() {
        let parsed = parse("a=1;color=blue", false).unwrap();
        assert_eq!(parsed.field, text("a", "1"));
        assert_eq!(parsed.warnings, ["-F: skip unknown form field: color=blue"]);
    }

    #[test]
    fn what_cannot_be_sent_is_refused() {
        assert!(parse("novalue", false).is_err());
        assert!(parse("f=@a.txt,b.txt", false)
            .unwrap_err()
            .contains("several files"));
        assert!(parse("n=(;type=multipart/mixed", false)
            .unwrap_err()
            .contains("nested"));
        assert!(parse("=)", false).unwrap_err().contains("nested"));
        assert!(parse("n=v;headers=\"X-A: 1\"", false)
            .unwrap_err()
            .contains("RFC 7578"));
        assert!(parse("n=v;encoder=base64", false).is_err());
    }
}
