//! `.netrc` through `AgentBuilder::netrc` and `netrc_file`: which credentials go where. One
//! test in its own process, because it points NETRC and HOME at temporary files, and the
//! environment is shared by every thread of a process.

#![cfg(feature = "env")]

mod support;

use std::path::PathBuf;

use plainwire::ErrorKind;
use support::*;

/// `Basic base64(user:password)`, written out for the test's few pairs.
fn basic(user: &str, password: &str) -> String {
    let known = [
        ("alice", "wonder", "Basic YWxpY2U6d29uZGVy"),
        ("bob", "builder", "Basic Ym9iOmJ1aWxkZXI="),
        ("home", "sweet", "Basic aG9tZTpzd2VldA=="),
        ("file", "named", "Basic ZmlsZTpuYW1lZA=="),
    ];
    let (_, _, value) = known
        .iter()
        .find(|(u, p, _)| *u == user && *p == password)
        .expect("a known pair");
    value.to_string()
}

/// A fresh temporary directory for this process.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plainwire-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn netrc_credentials_go_to_their_host_only() {
    let other = HttpServer::start(|_| Reply::new(204));
    let elsewhere = other.url("/landed");
    let server = HttpServer::start(move |req| match req.path() {
        "/away" => Reply::new(302).header("Location", &elsewhere),
        _ => Reply::new(204),
    });
    let host = "127.0.0.1";
    let dir = temp_dir("netrc");
    let netrc = dir.join("netrc");
    std::fs::write(
        &netrc,
        format!(
            "machine {host} login alice password wonder\n\
             machine {host} login bob password builder\n\
             machine example.invalid login eve password nope\n"
        ),
    )
    .unwrap();
    std::env::set_var("NETRC", &netrc);
    std::env::remove_var("HOME");
    let authorization = |index: usize| {
        server.requests()[index]
            .header("authorization")
            .map(str::to_string)
    };

    // Off by default.
    builder()
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap();
    assert_eq!(authorization(0), None);

    // $NETRC, the first entry for the host.
    let agent = builder().netrc(true).build().unwrap();
    agent.get(&server.url("/")).send().unwrap();
    assert_eq!(authorization(1), Some(basic("alice", "wonder")));

    // A login in the URL picks that login's entry.
    let url = server.url("/").replace("http://", "http://bob@");
    agent.get(&url).send().unwrap();
    assert_eq!(authorization(2), Some(basic("bob", "builder")));

    // The request's own Authorization wins.
    agent
        .get(&server.url("/"))
        .bearer_auth("mine")
        .send()
        .unwrap();
    assert_eq!(authorization(3).as_deref(), Some("Bearer mine"));

    // A redirect to another origin takes nothing along, even where the file would match
    // nothing else: the first origin's entry stays behind.
    agent.get(&server.url("/away")).send().unwrap();
    assert_eq!(authorization(4), Some(basic("alice", "wonder")));
    assert_eq!(other.requests()[0].header("authorization"), None);

    // Without $NETRC, ~/.netrc.
    std::env::remove_var("NETRC");
    let home = temp_dir("home");
    std::fs::write(
        home.join(".netrc"),
        format!("machine {host}\n  login home\n  password sweet\n"),
    )
    .unwrap();
    std::env::set_var("HOME", &home);
    builder()
        .netrc(true)
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap();
    assert_eq!(authorization(5), Some(basic("home", "sweet")));

    // A named file, whatever the environment says.
    let named = dir.join("named");
    std::fs::write(&named, "default login file password named\n").unwrap();
    builder()
        .netrc_file(&named)
        .build()
        .unwrap()
        .get(&server.url("/"))
        .send()
        .unwrap();
    assert_eq!(authorization(6), Some(basic("file", "named")));

    // No default file is no error; a named file that is missing is, and so is a bad one.
    std::env::set_var("HOME", dir.join("nowhere"));
    builder().netrc(true).build().unwrap();
    let err = builder()
        .netrc_file(dir.join("missing"))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    std::fs::write(&named, "machine x password \"never closed\n").unwrap();
    let err = builder().netrc_file(&named).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(!err.to_string().contains("never closed"), "{err}");

    std::env::remove_var("HOME");
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(home).unwrap();
}
