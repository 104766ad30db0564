//! The `http` crate's types in and out (feature `http`).
#![cfg(feature = "http")]

mod support;
use support::*;

use std::io::Read;

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
    let body = agent()
        .request_http(request)
        .send()
        .unwrap()
        .text()
        .unwrap();
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
