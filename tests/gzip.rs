//! The `gzip` feature: compressed bodies asked for, decoded, and bounded after decoding.
#![cfg(feature = "gzip")]

mod support;

use std::io::{Read, Write};

use plainwire::{Agent, ErrorKind};
use support::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Bare deflate data (RFC 1951), without zlib's header and checksum.
fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn serve(coding: &'static str, body: Vec<u8>) -> HttpServer {
    HttpServer::start(move |_| {
        Reply::new(200)
            .header("Content-Encoding", coding)
            .body(body.clone())
    })
}

#[test]
fn gzip_and_deflate_bodies_are_decoded_and_asked_for() {
    let text = "the quick brown fox ".repeat(1000);
    for (coding, encoded) in [
        ("gzip", gzip(text.as_bytes())),
        ("deflate", zlib(text.as_bytes())),
    ] {
        let server = serve(coding, encoded);
        let body = Agent::new()
            .get(&server.url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(body, text, "{coding}");
        assert_eq!(
            server.requests()[0].header("accept-encoding"),
            Some("gzip, deflate")
        );
    }
}

#[test]
fn bare_deflate_data_under_deflate_is_decoded_too() {
    // As some servers send it (RFC 9110 says zlib); curl, browsers and urllib3 accept it.
    let text = "bare deflate, ".repeat(100);
    let resp = agent()
        .get(&serve("deflate", raw_deflate(text.as_bytes())).url("/"))
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), text);
    // A zlib header with corrupt data after it stays an error.
    let mut corrupt = zlib(text.as_bytes());
    corrupt[10] ^= 0xff;
    let err = agent()
        .get(&serve("deflate", corrupt).url("/"))
        .send()
        .unwrap()
        .text()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[test]
fn a_body_compressed_twice_is_handed_over_as_it_came() {
    // Two Content-Encoding fields are one list: gzip, then gzip again. One layer undone would
    // look like a body and be wrong; more than one coding is left to the caller.
    let twice = gzip(&gzip(b"hello"));
    let expected = twice.clone();
    let server = HttpServer::start(move |_| {
        Reply::new(200)
            .header("Content-Encoding", "gzip")
            .header("Content-Encoding", "gzip")
            .body(twice.clone())
    });
    let resp = agent().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.bytes().unwrap(), expected);
}

#[test]
fn an_empty_body_under_a_coding_is_empty() {
    // Nothing to decompress: curl and urllib3 read it as empty.
    let chunked = ScriptedServer::respond_with(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert_eq!(
        agent()
            .get(&chunked.url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap(),
        ""
    );
    let closed = ScriptedServer::respond_with(
        "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(
        agent()
            .get(&closed.url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap(),
        ""
    );
}

#[test]
fn compressed_bytes_that_decode_to_nothing_are_held_to_the_limit_too() {
    // Empty stored deflate blocks (5 bytes each, none final) decode to nothing: without a
    // limit on the compressed bytes, an endless stream of them would be read forever.
    let blocks = [0u8, 0, 0, 0xff, 0xff].repeat(400_000);
    let server = serve("deflate", blocks);
    let err = agent()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .limit_body(1 << 20)
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err}");
    assert!(err.to_string().contains("compressed"), "{err}");
}

#[test]
fn a_chunked_gzip_body_is_decoded_as_a_stream() {
    let text = "streamed ".repeat(5000);
    let encoded = gzip(text.as_bytes());
    let server = ScriptedServer::start(move |conn| {
        conn.read_request_head();
        conn.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        for piece in encoded.chunks(777) {
            conn.write_all(format!("{:x}\r\n", piece.len()).as_bytes());
            conn.write_all(piece);
            conn.write_all(b"\r\n");
        }
        conn.write_all(b"0\r\n\r\n");
    });
    let mut decoded = String::new();
    Agent::new()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .read_to_string(&mut decoded)
        .unwrap();
    assert_eq!(decoded, text);
}

#[test]
fn a_caller_who_sets_accept_encoding_gets_the_bytes_as_sent() {
    let encoded = gzip(b"raw please");
    let server = serve("gzip", encoded.clone());
    let resp = Agent::new()
        .get(&server.url("/"))
        .header("Accept-Encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(resp.bytes().unwrap(), encoded);
}

#[test]
fn decompression_can_be_turned_off() {
    let encoded = gzip(b"raw please");
    let server = serve("gzip", encoded.clone());
    let agent = Agent::builder().decompress(false).build().unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert!(!resp.is_content_decoded());
    assert_eq!(resp.bytes().unwrap(), encoded);
    assert!(Agent::new()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .is_content_decoded());
    assert_eq!(server.requests()[0].header("accept-encoding"), None);
}

#[test]
fn the_size_limit_counts_decoded_bytes() {
    // 8 MiB of zeros compress to a few KiB: a small body that would expand past the limit.
    let bomb = gzip(&vec![0u8; 8 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024);
    let server = serve("gzip", bomb);
    let agent = Agent::builder().max_body_size(1024 * 1024).build().unwrap();
    let err = agent
        .get(&server.url("/"))
        .send()
        .unwrap()
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    let err = Agent::new()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .limit_body(1000)
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
}

#[test]
fn corrupt_gzip_is_a_decode_error() {
    let server = serve("gzip", b"this is not gzip at all".to_vec());
    let err = Agent::new()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[test]
fn a_corrupt_body_stays_an_error_on_every_later_read() {
    // A bad checksum is reported once by the decompressor, which then says "the end": a
    // caller that reads on after the error must not get a clean end of the body.
    let mut encoded = gzip(b"hello, checksummed world");
    let crc = encoded.len() - 8;
    encoded[crc] ^= 0xff;
    let mut body = agent()
        .get(&serve("gzip", encoded).url("/"))
        .send()
        .unwrap()
        .into_reader();
    let mut read = Vec::new();
    let err = body.read_to_end(&mut read).unwrap_err();
    assert!(
        err.to_string().contains("could not be decompressed"),
        "{err}"
    );
    for _ in 0..2 {
        let again = body.read(&mut [0u8; 64]);
        assert!(again.is_err(), "{again:?}");
    }
}

#[test]
fn bytes_after_the_end_of_deflate_data_are_a_decode_error() {
    // The deflate data says where it ends; what follows inside the body was not part of it.
    // Dropping it would hand over a damaged body as whole (curl refuses it too). Gzip reports
    // such bytes as a member that does not start as one.
    for encoded in [zlib(b"the real body"), raw_deflate(b"the real body")] {
        let mut body = encoded;
        body.extend_from_slice(b"appended by someone");
        let err = agent()
            .get(&serve("deflate", body).url("/"))
            .send()
            .unwrap()
            .text()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    }
    // Without anything after it, the same data is read whole.
    let resp = agent()
        .get(&serve("deflate", raw_deflate(b"the real body")).url("/"))
        .send()
        .unwrap();
    assert_eq!(resp.text().unwrap(), "the real body");
}

#[test]
fn a_truncated_gzip_body_is_still_truncated() {
    let encoded = gzip("cut short ".repeat(1000).as_bytes());
    let server = ScriptedServer::start(move |conn| {
        conn.read_request_head();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            encoded.len()
        );
        conn.write_all(head.as_bytes());
        conn.write_all(&encoded[..encoded.len() / 2]);
    });
    let err = Agent::new()
        .get(&server.url("/"))
        .send()
        .unwrap()
        .bytes()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Truncated, "{err}");
}

#[test]
fn an_empty_compressed_response_is_empty() {
    let server = HttpServer::start(|_| Reply::new(204).header("Content-Encoding", "gzip"));
    let resp = Agent::new().get(&server.url("/")).send().unwrap();
    assert_eq!(resp.bytes().unwrap(), b"");
}
