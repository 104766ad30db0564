//! The body as bytes on the wire, through the public API of `Form` and `Part`.

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Form, Part};
use crate::error::{Error, ErrorKind};

/// A directory of its own under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "plainwire-multipart-{}-{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The whole body, read with a buffer of `chunk` bytes; also checks it against the
/// announced length.
fn body_in_reads_of(form: Form, chunk: usize) -> io::Result<Vec<u8>> {
    let length = form.content_length();
    let mut reader = form.into_reader().expect("a valid form");
    let mut body = Vec::new();
    let mut buf = vec![0; chunk];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if let Some(length) = length {
        assert_eq!(
            length,
            body.len() as u64,
            "content_length disagrees with the body"
        );
    }
    Ok(body)
}

fn body(form: Form) -> String {
    String::from_utf8(body_in_reads_of(form, 8192).unwrap()).unwrap()
}

/// The error a read failed with, as a plainwire error.
fn read_error(form: Form) -> (Error, Vec<u8>) {
    let mut reader = form.into_reader().expect("a valid form");
    let mut body = Vec::new();
    let mut buf = [0; 7];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => panic!("the body ended without an error"),
            Ok(n) => body.extend_from_slice(&buf[..n]),
            Err(err) => return (Error::from_io(err, "reading"), body),
        }
    }
}

/// The error a form was built with.
fn build_error(form: Form) -> Error {
    match form.into_reader() {
        Ok(_) => panic!("the form was accepted"),
        Err(err) => err,
    }
}

/// A reader that yields its bytes `step` at a time, like a socket.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn trickle(data: &[u8], step: usize) -> Trickle {
    Trickle {
        data: data.to_vec(),
        at: 0,
        step,
    }
}

#[test]
fn text_fields_in_order_without_content_type() {
    let form = Form::new()
        .text("k", "v")
        .text("empty", "")
        .text("k", "second")
        .with_boundary("B");
    assert_eq!(form.content_type(), "multipart/form-data; boundary=B");
    assert_eq!(
        body(form),
        "--B\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n\
         --B\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n\
         --B\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nsecond\r\n\
         --B--\r\n"
    );
}

#[test]
fn an_empty_form_is_the_closing_delimiter() {
    let form = Form::new().with_boundary("B");
    assert_eq!(form.content_length(), Some(7));
    assert_eq!(body(form), "--B--\r\n");
}

#[test]
fn a_file_has_its_name_and_a_type_from_its_extension() {
    let dir = TempDir::new();
    let path = dir.file("a.txt", b"hello\n");
    let form = Form::new().file("f", &path).unwrap().with_boundary("B");
    assert_eq!(form.content_length(), Some(93 + 6 + 2 + 7));
    assert_eq!(
        body(form),
        "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nhello\n\r\n--B--\r\n"
    );
}

#[test]
fn a_file_of_unknown_extension_is_octet_stream() {
    let dir = TempDir::new();
    let path = dir.file("blob.bin", &[0, 1, 2]);
    let text = body(Form::new().file("f", &path).unwrap().with_boundary("B"));
    assert!(text.contains("filename=\"blob.bin\"\r\nContent-Type: application/octet-stream\r\n"));
}

#[test]
fn a_file_part_can_be_renamed_and_retyped() {
    let dir = TempDir::new();
    let path = dir.file("tmp123", b"{}");
    let part = Part::file(&path)
        .unwrap()
        .file_name("data.json")
        .mime_type("application/vnd.api+json");
    let text = body(Form::new().part("doc", part).with_boundary("B"));
    assert!(text.contains(
        "name=\"doc\"; filename=\"data.json\"\r\nContent-Type: application/vnd.api+json\r\n\r\n{}\r\n"
    ));
}

#[test]
fn bytes_with_a_file_name_and_a_type() {
    let part = Part::bytes(vec![0x89, b'P', b'N', b'G'])
        .file_name("logo")
        .mime_type("image/png");
    let form = Form::new().part("img", part).with_boundary("B");
    assert_eq!(
        body_in_reads_of(form, 8192).unwrap(),
        b"--B\r\nContent-Disposition: form-data; name=\"img\"; filename=\"logo\"\r\n\
          Content-Type: image/png\r\n\r\n\x89PNG\r\n--B--\r\n"
    );
}

#[test]
fn bytes_with_a_file_name_only_take_the_type_of_its_extension() {
    let part = Part::bytes("a,b\n").file_name("t.csv");
    let text = body(Form::new().part("t", part).with_boundary("B"));
    assert!(text.contains("filename=\"t.csv\"\r\nContent-Type: text/csv\r\n"));
}

#[test]
fn a_field_with_a_type_but_no_file_name() {
    let part = Part::text("{\"a\":1}").mime_type("application/json");
    assert_eq!(
        body(Form::new().part("meta", part).with_boundary("B")),
        "--B\r\nContent-Disposition: form-data; name=\"meta\"\r\n\
         Content-Type: application/json\r\n\r\n{\"a\":1}\r\n--B--\r\n"
    );
}

#[test]
fn a_reader_of_unknown_length_has_no_content_length() {
    let form = Form::new()
        .text("k", "v")
        .part("log", Part::reader(trickle(b"line 1\nline 2\n", 3)))
        .with_boundary("B");
    assert_eq!(form.content_length(), None);
    assert_eq!(
        body(form),
        "--B\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n\
         --B\r\nContent-Disposition: form-data; name=\"log\"\r\n\r\nline 1\nline 2\n\r\n\
         --B--\r\n"
    );
}

#[test]
fn a_reader_with_its_exact_length_has_a_content_length() {
    let form = Form::new()
        .part("r", Part::reader_with_length(trickle(b"12345", 2), 5))
        .with_boundary("B");
    assert_eq!(form.content_length(), Some(49 + 5 + 2 + 7));
    assert_eq!(
        body(form),
        "--B\r\nContent-Disposition: form-data; name=\"r\"\r\n\r\n12345\r\n--B--\r\n"
    );
}

#[test]
fn quotes_in_names_are_percent_encoded_and_backslashes_kept() {
    let part = Part::bytes("x").file_name("my \"best\" \\ file.txt");
    let text = body(Form::new().part("a\"b", part).with_boundary("B"));
    assert!(text.contains(
        "Content-Disposition: form-data; name=\"a%22b\"; filename=\"my %22best%22 \\ file.txt\"\r\n"
    ));
}

#[test]
fn non_ascii_names_go_out_as_utf8() {
    let part = Part::bytes("x").file_name("résumé.pdf");
    let text = body(Form::new().part("ünï", part).with_boundary("B"));
    assert!(
        text.contains("name=\"ünï\"; filename=\"résumé.pdf\"\r\nContent-Type: application/pdf\r\n")
    );
}

#[test]
fn a_line_break_in_a_field_name_is_refused_and_the_field_named() {
    let err = build_error(Form::new().text("bad\r\nX-Evil: 1", "secret"));
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let message = err.to_string();
    assert!(
        message.contains("the field name contains a CR"),
        "{message}"
    );
    assert!(message.contains(r#""bad\r\nX-Evil: 1""#), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

#[test]
fn a_line_break_in_a_file_name_is_refused_naming_the_field_not_the_file() {
    let part = Part::bytes("x").file_name("evil\n.txt");
    let err = build_error(Form::new().text("ok", "v").part("upload", part));
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let message = err.to_string();
    assert!(message.contains("multipart field \"upload\""), "{message}");
    assert!(
        message.contains("the file name contains an LF"),
        "{message}"
    );
    assert!(!message.contains("evil"), "{message}");
}

#[test]
fn a_line_break_in_a_value_is_data_not_a_problem() {
    let text = body(Form::new().text("k", "two\r\nlines").with_boundary("B"));
    assert!(text.contains("\r\n\r\ntwo\r\nlines\r\n--B--"));
}

#[test]
fn an_implausible_media_type_is_refused() {
    let err = build_error(Form::new().part("p", Part::text("x").mime_type("text/plain\r\nX: 1")));
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = build_error(Form::new().part("p", Part::text("x").mime_type("plain")));
    assert!(err.to_string().contains("type/subtype"), "{err}");
}

#[test]
fn the_first_mistake_is_the_one_reported() {
    let err = build_error(
        Form::new()
            .text("first\n", "v")
            .part("second", Part::text("x").mime_type("nope")),
    );
    assert!(err.to_string().contains("first"), "{err}");
}

#[cfg(unix)]
#[test]
fn form_file_refuses_a_line_break_in_the_file_s_own_name_at_once() {
    let dir = TempDir::new();
    let path = dir.file("two\nlines.txt", b"x");
    let err = Form::new().file("f", &path).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("multipart field \"f\""), "{err}");
}

#[test]
fn a_missing_file_is_an_error_at_once_naming_the_field() {
    let dir = TempDir::new();
    let err = Form::new().file("f", dir.0.join("absent.txt")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string()
            .starts_with("multipart field \"f\": could not open"),
        "{err}"
    );
}

#[test]
fn a_directory_is_not_a_file() {
    let dir = TempDir::new();
    let err = Part::file(&dir.0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("is a directory"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_device_is_read_to_its_end_with_no_length_known() {
    let form = Form::new()
        .file("null", "/dev/null")
        .unwrap()
        .with_boundary("B");
    assert_eq!(form.content_length(), None);
    assert!(body(form).contains(
        "filename=\"null\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n"
    ));
}

#[test]
fn a_reader_shorter_than_declared_fails_saying_how_much_is_missing() {
    let form = Form::new().part("r", Part::reader_with_length(trickle(b"abc", 2), 10));
    let (err, sent) = read_error(form);
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string()
            .contains("the reader ended after 3 of its declared 10 bytes (7 missing)"),
        "{err}"
    );
    assert!(sent.ends_with(b"abc"));
}

#[test]
fn a_reader_longer_than_declared_fails_after_its_length() {
    let form = Form::new().part("r", Part::reader_with_length(trickle(b"abcdef", 4), 4));
    let (err, sent) = read_error(form);
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string()
            .contains("multipart field \"r\": the reader yields more than its declared 4 bytes"),
        "{err}"
    );
    // Not one byte past the declared length went out, nor the CRLF that would end the part.
    assert!(sent.ends_with(b"\r\n\r\nabcd"), "{sent:?}");
}

#[test]
fn a_file_that_shrank_after_it_was_added_fails() {
    let dir = TempDir::new();
    let path = dir.file("data.bin", &[7; 100]);
    let form = Form::new().file("f", &path).unwrap();
    std::fs::write(&path, [7; 60]).unwrap();
    let (err, _) = read_error(form);
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string()
            .contains("the file ended after 60 of its 100 bytes (40 missing)"),
        "{err}"
    );
}

#[test]
fn a_file_that_grew_after_it_was_added_fails() {
    let dir = TempDir::new();
    let path = dir.file("data.bin", &[7; 100]);
    let form = Form::new().file("f", &path).unwrap();
    std::fs::write(&path, [7; 101]).unwrap();
    let (err, _) = read_error(form);
    assert!(
        err.to_string()
            .contains("the file holds more than its 100 bytes"),
        "{err}"
    );
}

#[test]
fn a_file_removed_after_it_was_added_fails_naming_the_field() {
    let dir = TempDir::new();
    let path = dir.file("gone.txt", b"x");
    let form = Form::new().text("k", "v").file("f", &path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let (err, sent) = read_error(form);
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string()
            .starts_with("multipart field \"f\": could not open"),
        "{err}"
    );
    // The file is opened before its head goes out.
    assert!(sent.ends_with(b"v\r\n"), "{sent:?}");
}

#[test]
fn after_an_error_every_read_fails() {
    let form = Form::new()
        .part("r", Part::reader_with_length(trickle(b"ab", 2), 3))
        .text("after", "v");
    let mut reader = form.into_reader().unwrap();
    let mut sink = Vec::new();
    assert!(reader.read_to_end(&mut sink).is_err());
    assert!(reader.read(&mut [0; 64]).is_err());
}

#[test]
fn one_byte_reads_and_large_reads_give_the_same_body() {
    let dir = TempDir::new();
    let contents: Vec<u8> = (0..=255).cycle().take(5000).collect();
    let path = dir.file("big.dat", &contents);
    let form = || {
        Form::new()
            .text("a", "1")
            .file("f", &path)
            .unwrap()
            .part("b", Part::bytes(contents.clone()).file_name("b.bin"))
            .part("r", Part::reader_with_length(trickle(&contents, 333), 5000))
            .part("u", Part::reader(trickle(&contents, 1000)))
            .with_boundary("B")
    };
    let small = body_in_reads_of(form(), 1).unwrap();
    let large = body_in_reads_of(form(), 1 << 20).unwrap();
    let odd = body_in_reads_of(form(), 4097).unwrap();
    assert_eq!(small, large);
    assert_eq!(small, odd);
    // Heads (a: 49, f: 109, b: 107, r and u: 49), data, a CRLF after each, the closing 7.
    assert_eq!(
        small.len(),
        (49 + 109 + 107 + 49 + 49) + (1 + 4 * 5000) + 5 * 2 + 7
    );
}

#[test]
fn every_form_draws_its_own_boundary() {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..200 {
        let form = Form::new();
        assert!(form.boundary().starts_with("plainwire-"));
        assert!(form.content_type().ends_with(form.boundary()));
        assert!(seen.insert(form.boundary().to_string()));
    }
}

#[test]
fn a_boundary_found_in_a_part_is_drawn_again() {
    let form = Form::new();
    let first = form.boundary().to_string();
    let echo = format!("hello\r\n--{first}--\r\n");
    let form = form
        .text("echo", echo.clone())
        .part("again", Part::bytes(echo));
    assert_ne!(form.boundary(), first);
    let boundary = form.boundary().to_string();
    let text = body(form);
    assert_eq!(text.matches(boundary.as_str()).count(), 3);
}

#[test]
fn debug_shows_names_but_never_values() {
    let form = Form::new()
        .text("password", "hunter2")
        .part("key", Part::bytes("s3cr3t").file_name("id.key"));
    let shown = format!("{form:?}");
    assert!(
        shown.contains("password") && shown.contains("id.key"),
        "{shown}"
    );
    assert!(
        !shown.contains("hunter2") && !shown.contains("s3cr3t"),
        "{shown}"
    );
}

#[test]
fn the_reader_is_send_and_static() {
    fn check<T: Read + Send + 'static>(_: &T) {}
    check(&Form::new().into_reader().unwrap());
}
