//! `parse_response_head` with small (fuzzer-chosen) and default limits; on success, the framing
//! decision for GET and HEAD.
//!
//! Input: byte 0 picks `max_head_size` (0 to 1020), byte 1 `max_headers` (0 to 15); the rest is
//! what the server sent. The same bytes are then parsed again under the default limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainwire::http1::framing::{response_framing, BodyFraming};
use plainwire::http1::head::{parse_response_head, HeadLimits};
use plainwire::http1::write::is_token;

fn check(buf: &[u8], limits: &HeadLimits) {
    let Ok(parsed) = parse_response_head(buf, limits) else {
        return;
    };
    let Some((head, used)) = parsed else {
        // "Not yet" is only allowed while the head could still fit.
        assert!(
            buf.len() < limits.max_head_size,
            "Ok(None) at or past the size limit"
        );
        return;
    };
    assert!(
        used <= buf.len() && used <= limits.max_head_size,
        "used {used}"
    );
    assert_eq!(head.headers.raw().len(), used, "raw() is the head's bytes");
    assert!(head.headers.len() <= limits.max_headers);
    assert!((100..=999).contains(&head.status), "status {}", head.status);
    let _ = head.reason();
    let _ = head.is_informational();
    for (name, value) in head.headers.iter() {
        assert!(is_token(name), "field name {name:?} is not a token");
        assert!(
            !value.contains(&b'\r') && !value.contains(&b'\n'),
            "a field value holds a line end: {value:?}"
        );
    }

    // The head alone parses to the same head: nothing after it was needed.
    let (again, used_again) = parse_response_head(&buf[..used], limits)
        .expect("the head alone parses")
        .expect("the head alone is complete");
    assert_eq!(used_again, used);
    assert_eq!(again.status, head.status);
    assert_eq!(again.headers.raw(), head.headers.raw());

    match response_framing("HEAD", &head) {
        Ok(framing) => assert_eq!(framing.body, BodyFraming::NoBody),
        Err(_) => panic!("a response to HEAD always has a framing"),
    }
    if let Ok(framing) = response_framing("GET", &head) {
        if framing.body == BodyFraming::CloseDelimited {
            assert!(
                !framing.is_reusable(),
                "a close-delimited body cannot leave the connection reusable"
            );
        }
    }
    let _ = response_framing("CONNECT", &head);
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let small = HeadLimits {
        max_head_size: usize::from(data[0]) * 4,
        max_headers: usize::from(data[1] % 16),
    };
    let buf = &data[2..];
    check(buf, &small);
    check(buf, &HeadLimits::default());
});
