//! POST JSON and a form: `requests.post(url, json=...)` and `requests.post(url, data=...)`.
//!
//! Run it with `cargo run --example post_json`. It needs no network: a tiny server on
//! 127.0.0.1, started by this program, answers with what it received.

mod common;

use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct NewPost<'a> {
    title: &'a str,
    body: &'a str,
    draft: bool,
}

#[derive(Debug, Deserialize)]
struct Created {
    id: u32,
    received: String,
}

fn main() -> Result<(), plainwire::Error> {
    // The server shows the request it got, and echoes the body back inside a JSON reply.
    let base = common::serve(|request| {
        let body = String::from_utf8_lossy(&request.body);
        println!("[server] received:\n{}\n{body}\n", request.head);
        let reply = serde_json::json!({ "id": 101, "received": body });
        common::response("201 Created", "application/json", &reply.to_string())
    });

    // .json() serialises the value and sets Content-Type: application/json.
    let post = NewPost {
        title: "plainwire",
        body: "no async runtime",
        draft: false,
    };
    let created: Created = plainwire::post(&format!("{base}/posts"))
        .json(&post)?
        .send()?
        // requests' raise_for_status(): a 4xx or 5xx becomes an Err.
        .error_for_status()?
        .json()?;
    println!("created #{} from {}", created.id, created.received);

    // .form() sends application/x-www-form-urlencoded pairs.
    let resp = plainwire::post(&format!("{base}/login"))
        .form(&[("user", "jane doe"), ("remember", "yes & forever")])
        .send()?;
    println!("{} {}", resp.status(), resp.text()?);
    Ok(())
}
