//! `BodyDecoder` over each `BodyFraming` variant, fed in pieces, then `end_of_input`.
//!
//! Input: byte 0 picks the framing (and, in bit 2, whether verbatim bytes bypass `decode`),
//! bytes 1-2 a Content-Length (0 to 65535), byte 3 the output buffer size; the rest is the
//! bytes after the head.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainwire::http1::body::BodyDecoder;
use plainwire::http1::framing::BodyFraming;
use plainwire::ErrorKind;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let length = u64::from(u16::from_le_bytes([data[1], data[2]]));
    let framing = match data[0] % 4 {
        0 => BodyFraming::NoBody,
        1 => BodyFraming::ContentLength(length),
        2 => BodyFraming::Chunked,
        _ => BodyFraming::CloseDelimited,
    };
    let bypass = data[0] & 4 != 0;
    let out_size = usize::from(data[3] % 32) + 1;
    let mut input = &data[4..];

    let mut decoder = BodyDecoder::new(framing);
    let mut out = vec![0u8; out_size];
    let mut body = 0u64;
    let mut failed = false;
    while !input.is_empty() && !decoder.is_done() {
        let verbatim = decoder.verbatim_len();
        if bypass && verbatim > 0 {
            let n = input
                .len()
                .min(out_size)
                .min(usize::try_from(verbatim).unwrap_or(usize::MAX));
            decoder.consume_verbatim(n as u64);
            body += n as u64;
            input = &input[n..];
            continue;
        }
        match decoder.decode(input, &mut out) {
            Ok((consumed, written)) => {
                assert!(consumed <= input.len() && written <= out_size && written <= consumed);
                assert!(consumed > 0, "no progress");
                body += written as u64;
                input = &input[consumed..];
            }
            Err(err) => {
                assert_eq!(
                    framing,
                    BodyFraming::Chunked,
                    "only chunked bodies fail: {err}"
                );
                assert_eq!(err.kind(), ErrorKind::Protocol);
                failed = true;
                break;
            }
        }
    }
    if failed {
        return;
    }
    match framing {
        BodyFraming::NoBody => assert_eq!(body, 0),
        BodyFraming::ContentLength(total) => {
            assert!(body <= total);
            assert_eq!(decoder.is_done(), body == total);
        }
        BodyFraming::CloseDelimited => {
            assert!(!decoder.is_done());
            assert!(input.is_empty(), "a close-delimited body takes everything");
        }
        BodyFraming::Chunked => {}
    }
    let was_done = decoder.is_done();
    match decoder.end_of_input() {
        Ok(()) => {
            assert!(was_done || framing == BodyFraming::CloseDelimited);
            assert!(decoder.is_done());
        }
        Err(err) => {
            assert!(!was_done);
            assert_eq!(err.kind(), ErrorKind::Truncated);
        }
    }
});
