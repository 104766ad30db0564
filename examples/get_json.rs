//! GET a JSON document: `requests.get(url, params=...).json()`.
//!
//! Run it with `cargo run --example get_json`. It needs no network: a tiny server on
//! 127.0.0.1, started by this program, stands in for the API.

mod common;

use serde::Deserialize;

/// The fields we want from a post; any others in the JSON are ignored.
#[derive(Debug, Deserialize)]
struct Post {
    id: u32,
    title: String,
    tags: Vec<String>,
}

fn main() -> Result<(), plainwire::Error> {
    let base = common::serve(|request| {
        println!("[server] received:\n{}", request.head);
        common::response(
            "200 OK",
            "application/json; charset=utf-8",
            r#"{"id": 1, "title": "Hello, plainwire", "tags": ["rust", "http"], "views": 42}"#,
        )
    });

    // requests.get(url, params={"expand": "tags"})
    let resp = plainwire::get(&format!("{base}/posts/1"))
        .query("expand", "tags")
        .header("Accept", "application/json")
        .send()?;

    // Status and headers are there before the body is read.
    println!("status:       {} {}", resp.status(), resp.reason());
    println!("content type: {:?}", resp.content_type());
    println!("length:       {:?}", resp.content_length());

    // .json() reads the whole body and parses it into any Deserialize type.
    let post: Post = resp.json()?;
    println!(
        "post #{}: {:?}, tagged {:?}",
        post.id, post.title, post.tags
    );

    // Or into a serde_json::Value, when the shape is not known in advance.
    let value: serde_json::Value = plainwire::get(&format!("{base}/posts/1")).send()?.json()?;
    println!("views: {}", value["views"]);
    Ok(())
}
