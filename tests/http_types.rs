//! The `http` crate's types in and out (feature `http`).
#![cfg(feature = "http")]

mod support;
use support::*;

use std::io::Read;

/// The text of the answer to `request`, sent through `request_http`.
fn answer_to(request: http::Request<Vec<u8>>) -> String {
    agent()
        .request_http(request)
        .send()
        .unwrap()
        .text()
        .unwrap()
}

#[test]
fn an_http_request_is_sent_with_its_method_headers_and_body() {
    let server = HttpServer::start(|req| {
        Reply::text(format!(
            "{} {} {} {}",
            req.method,
            req.target,
            req.header("x-signed").unwrap_or("-"),
            req.body_text()
        ))
    });
    let request = http::Request::post(server.url("/items?x=1"))
        .header("X-Signed", "sig")
        .body(b"payload".to_vec())
        .unwrap();
    let body = answer_to(request);
    assert_eq!(body, "POST /items?x=1 sig payload");
}

#[test]
fn a_response_becomes_an_http_response_with_its_body_still_a_stream() {
    let server = HttpServer::start(|_| {
        Reply::new(201)
            .body("streamed")
            .header("Set-Cookie", "a=1")
            .header("Set-Cookie", "b=2")
    });
    let resp = agent().get(&server.url("/made")).send().unwrap();
    let mut converted: http::Response<plainwire::BodyReader> = resp.into();
    assert_eq!(converted.status(), http::StatusCode::CREATED);
    assert_eq!(converted.version(), http::Version::HTTP_11);
    let cookies: Vec<_> = converted.headers().get_all("set-cookie").iter().collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert_eq!(
        converted
            .extensions()
            .get::<plainwire::Url>()
            .unwrap()
            .path(),
        "/made"
    );
    let mut body = String::new();
    converted.body_mut().read_to_string(&mut body).unwrap();
    assert_eq!(body, "streamed");
}

#[test]
fn a_header_value_that_is_not_text_is_refused_when_sent() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let request = http::Request::get(server.url("/"))
        .header("X-Bin", http::HeaderValue::from_bytes(b"\xff").unwrap())
        .body(Vec::new())
        .unwrap();
    let err = agent().request_http(request).send().unwrap_err();
    assert_eq!(err.kind(), plainwire::ErrorKind::InvalidRequest);
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_utf8_header_value_goes_through_as_header_takes_it() {
    let server =
        HttpServer::start(|req| Reply::text(req.header("x-name").unwrap_or("-").to_string()));
    let request = http::Request::get(server.url("/"))
        .header(
            "X-Name",
            http::HeaderValue::from_bytes("café".as_bytes()).unwrap(),
        )
        .body(Vec::new())
        .unwrap();
    let body = answer_to(request);
    assert_eq!(body, "café");
}

#[test]
fn secret_fields_stay_masked_in_the_converted_responses_debug() {
    let server = HttpServer::start(|_| {
        Reply::text("ok")
            .header("X-Api-Key", "K3Y")
            .header("Set-Cookie", "sid=s3cr3t")
    });
    let agent = builder().secret_header("X-Api-Key").build().unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    let converted: http::Response<plainwire::BodyReader> = resp.into();
    let shown = format!("{:?}", converted.headers());
    assert!(
        !shown.contains("K3Y") && !shown.contains("s3cr3t"),
        "{shown}"
    );
    // Masked in Debug only: the values are there to read.
    assert_eq!(converted.headers()["x-api-key"], "K3Y");
}

#[cfg(feature = "gzip")]
#[test]
fn a_decoded_body_loses_the_fields_that_described_the_wire() {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(b"decoded body").unwrap();
    let gzipped = encoder.finish().unwrap();
    let server = HttpServer::start(move |_| {
        Reply::new(200)
            .header("Content-Encoding", "gzip")
            .body(gzipped.clone())
    });
    let resp = agent().get(&server.url("/")).send().unwrap();
    let mut converted: http::Response<plainwire::BodyReader> = resp.into();
    assert!(converted.headers().get("content-encoding").is_none());
    assert!(converted.headers().get("content-length").is_none());
    let mut body = String::new();
    converted.body_mut().read_to_string(&mut body).unwrap();
    assert_eq!(body, "decoded body");
}

#[cfg(feature = "gzip")]
#[test]
fn a_transfer_coding_undone_leaves_the_content_coding_named() {
    // `Transfer-Encoding: gzip, chunked` over a gzip Content-Encoding: the transfer coding is
    // undone, the content coding is not, so the converted response must still name it.
    use std::io::Write;
    let gzip = |data: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    };
    let content = gzip(b"payload");
    let wire = gzip(&content);
    let server = ScriptedServer::start(move |conn| {
        if conn.read_request_head().is_empty() {
            return;
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\
                    Transfer-Encoding: gzip, chunked\r\n\r\n";
        conn.write_all(head.as_bytes());
        conn.write_all(format!("{:x}\r\n", wire.len()).as_bytes());
        conn.write_all(&wire);
        conn.write_all(b"\r\n0\r\n\r\n");
    });
    let resp = agent().get(&server.url("/")).send().unwrap();
    let mut converted: http::Response<plainwire::BodyReader> = resp.into();
    assert_eq!(converted.headers()["content-encoding"], "gzip");
    let mut body = Vec::new();
    converted.body_mut().read_to_end(&mut body).unwrap();
    assert_eq!(body, content);
}
