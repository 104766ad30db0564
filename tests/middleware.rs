//! Middleware: the caller's code around each call, changing the request and the response.

mod support;
use support::*;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use plainwire::middleware::{Next, Request};
use plainwire::Response;

#[test]
fn a_middleware_sets_a_header_on_every_request() {
    let server = HttpServer::start(|req| Reply::text(req.header("x-signed").unwrap_or("none")));
    let agent = builder()
        .middleware(|mut request: Request, next: Next<'_>| {
            let signature = format!("{} {}", request.method(), request.url().path());
            request.set_header("X-Signed", signature)?;
            next.send(request)
        })
        .build()
        .unwrap();
    let body = agent
        .get(&server.url("/a/b"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "GET /a/b");
}

#[test]
fn a_middleware_refreshes_a_token_and_sends_again_after_a_401() {
    let server = HttpServer::start(|req| match req.header("authorization") {
        Some("Bearer fresh") => Reply::text("welcome"),
        _ => Reply::new(401),
    });
    let refreshed = Arc::new(AtomicUsize::new(0));
    let counter = refreshed.clone();
    let agent = builder()
        .middleware(move |mut request: Request, next: Next<'_>| {
            request.set_header("Authorization", "Bearer stale")?;
            let again = request.try_clone();
            let response = next.send(request)?;
            match again {
                Some(mut again) if response.status() == 401 => {
                    counter.fetch_add(1, Ordering::SeqCst);
                    again.set_header("Authorization", "Bearer fresh")?;
                    next.send(again)
                }
                _ => Ok(response),
            }
        })
        .build()
        .unwrap();
    let resp = agent.post(&server.url("/")).body("data").send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().unwrap(), "welcome");
    assert_eq!(refreshed.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].body_text(), "data", "the body went again");
}

#[test]
fn middleware_runs_in_the_order_added_and_sees_the_final_response() {
    let server = HttpServer::start(|req| {
        if req.path() == "/old" {
            Reply::new(302).header("Location", "/new")
        } else {
            Reply::text("moved here")
        }
    });
    let log = Arc::new(Mutex::new(Vec::new()));
    let (first, second) = (log.clone(), log.clone());
    let agent = builder()
        .middleware(
            move |request: Request, next: Next<'_>| -> plainwire::Result<Response> {
                first.lock().unwrap().push("outer before".to_string());
                let response = next.send(request)?;
                first
                    .lock()
                    .unwrap()
                    .push(format!("outer after {}", response.status()));
                Ok(response)
            },
        )
        .middleware(move |request: Request, next: Next<'_>| {
            second.lock().unwrap().push("inner before".to_string());
            next.send(request)
        })
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/old")).send().unwrap();
    assert_eq!(resp.url().path(), "/new");
    assert_eq!(
        *log.lock().unwrap(),
        ["outer before", "inner before", "outer after 200"],
        "one call, redirects inside it"
    );
}

#[test]
fn a_streamed_body_cannot_be_cloned_and_a_bad_header_is_refused() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = builder()
        .middleware(|mut request: Request, next: Next<'_>| {
            assert!(request.try_clone().is_none());
            assert!(request.body().is_none());
            assert!(request.set_header("X-Bad", "a\r\nInjected: yes").is_err());
            next.send(request)
        })
        .build()
        .unwrap();
    let resp = agent
        .put(&server.url("/"))
        .body_reader(std::io::Cursor::new(b"streamed".to_vec()))
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "ok");
    assert!(server.requests()[0].header("injected").is_none());
}

#[test]
fn a_middleware_can_refuse_a_request_without_sending_it() {
    let server = HttpServer::start(|_| Reply::text("ok"));
    let agent = builder()
        .middleware(|request: Request, next: Next<'_>| {
            if request.url().host() == "127.0.0.1" && request.method() == "DELETE" {
                return Err(plainwire::middleware::refused("no deletes here"));
            }
            next.send(request)
        })
        .build()
        .unwrap();
    let err = agent.delete(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), plainwire::ErrorKind::InvalidRequest);
    assert_eq!(server.connections(), 0);
    assert_eq!(
        agent.get(&server.url("/")).send().unwrap().text().unwrap(),
        "ok"
    );
}
