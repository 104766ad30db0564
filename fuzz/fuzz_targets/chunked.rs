//! `ChunkedDecoder::decode` fed the input split at fuzzer-chosen points, with small output
//! buffers, against one call over the whole input with an output buffer as large as the input.
//!
//! Input: byte 0 is the output buffer size (1 to 16) in its low nibble, and whether chunk data
//! bypasses `decode` (as `WireBody` does with `data_remaining`/`consume_data`) in bit 4;
//! byte 1 seeds the split points; the rest is the chunked stream.
//!
//! Both are also checked against `grammar`, a second decoder written from RFC 9112 section 7.1
//! line by line instead of byte by byte, with plainwire's strictness (CRLF only; only
//! whitespace before an extension's `;`; no bare LF or NUL in trailers).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainwire::http1::chunked::{ChunkedDecoder, MAX_CHUNK_LINE};

/// The outcome of decoding a whole stream: the body, how much input was consumed, whether the
/// body is done, and whether it failed.
#[derive(Debug, PartialEq)]
struct Outcome {
    body: Vec<u8>,
    consumed: usize,
    done: bool,
    failed: bool,
}

fn reference(input: &[u8]) -> Outcome {
    let mut decoder = ChunkedDecoder::new();
    let mut out = vec![0; input.len()];
    match decoder.decode(input, &mut out) {
        Ok((consumed, written)) => {
            assert!(consumed <= input.len() && written <= out.len());
            assert!(written <= consumed, "more output than input");
            out.truncate(written);
            Outcome {
                body: out,
                consumed,
                done: decoder.is_done(),
                failed: false,
            }
        }
        Err(_) => Outcome {
            body: Vec::new(),
            consumed: 0,
            done: false,
            failed: true,
        },
    }
}

/// The reference: the whole input at once, as a recursive-descent reading of the grammar.
/// Running out of input is "not done yet", never an error. Bounds are not modelled: inputs
/// are compared only when shorter than [`MAX_CHUNK_LINE`], so no bound can be reached.
fn grammar(input: &[u8]) -> Outcome {
    let mut body = Vec::new();
    let incomplete = |body: Vec<u8>| Outcome {
        body,
        consumed: input.len(),
        done: false,
        failed: false,
    };
    let failed = Outcome {
        body: Vec::new(),
        consumed: 0,
        done: false,
        failed: true,
    };
    let mut p = 0;
    macro_rules! next {
        () => {{
            let Some(&b) = input.get(p) else {
                return incomplete(body);
            };
            b
        }};
    }
    macro_rules! expect {
        ($byte:expr) => {{
            if next!() != $byte {
                return failed;
            }
            p += 1;
        }};
    }
    loop {
        // chunk-size = 1*HEXDIG
        let mut size: u64 = 0;
        let mut digits = 0;
        while let Some(value) = char::from(next!()).to_digit(16) {
            match size
                .checked_mul(16)
                .and_then(|s| s.checked_add(u64::from(value)))
            {
                Some(s) => size = s,
                None => return failed,
            }
            digits += 1;
            p += 1;
        }
        if digits == 0 {
            return failed;
        }
        // [ BWS ";" ext ] CRLF
        while matches!(next!(), b' ' | b'\t') {
            p += 1;
        }
        if next!() == b';' {
            p += 1;
            loop {
                match next!() {
                    b'\r' => break,
                    b'\t' | b' '..=0x7e | 0x80..=0xff => p += 1,
                    _ => return failed,
                }
            }
        }
        expect!(b'\r');
        expect!(b'\n');
        if size == 0 {
            break;
        }
        // chunk-data CRLF
        let available = (input.len() - p) as u64;
        if available < size {
            body.extend_from_slice(&input[p..]);
            return incomplete(body);
        }
        body.extend_from_slice(&input[p..p + size as usize]);
        p += size as usize;
        expect!(b'\r');
        expect!(b'\n');
    }
    // trailer-section CRLF
    loop {
        if next!() == b'\r' {
            p += 1;
            expect!(b'\n');
            return Outcome {
                body,
                consumed: p,
                done: true,
                failed: false,
            };
        }
        loop {
            match next!() {
                b'\r' => break,
                b'\n' | 0 => return failed,
                _ => p += 1,
            }
        }
        expect!(b'\r');
        expect!(b'\n');
    }
}

/// Cuts `input` into pieces whose lengths follow a small xorshift generator seeded by `seed`.
fn pieces(input: &[u8], seed: u8) -> Vec<&[u8]> {
    let mut state = u32::from(seed) | 0x100;
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let len = (state as usize % 9).min(rest.len());
        let (piece, after) = rest.split_at(len);
        out.push(piece);
        rest = after;
    }
    out
}

fn split(input: &[u8], seed: u8, out_size: usize, bypass: bool) -> Outcome {
    let mut decoder = ChunkedDecoder::new();
    let mut body = Vec::new();
    let mut consumed_total = 0;
    let mut out = vec![0u8; out_size];
    // The decoder keeps no input: bytes it has not consumed stay with the caller, who
    // offers them again with the next piece (as a connection's buffer does).
    let mut pending: Vec<u8> = Vec::new();
    for piece in pieces(input, seed) {
        pending.extend_from_slice(piece);
        while !pending.is_empty() && !decoder.is_done() {
            let remaining = decoder.data_remaining();
            if bypass && remaining > 0 {
                let n = pending.len().min(out_size).min(remaining as usize);
                body.extend_from_slice(&pending[..n]);
                decoder.consume_data(n as u64);
                assert_eq!(decoder.data_remaining(), remaining - n as u64);
                pending.drain(..n);
                consumed_total += n;
                continue;
            }
            match decoder.decode(&pending, &mut out) {
                Ok((consumed, written)) => {
                    assert!(consumed <= pending.len(), "consumed more than given");
                    assert!(written <= out.len(), "wrote more than the buffer");
                    assert!(written <= consumed, "more output than input");
                    assert!(
                        consumed > 0,
                        "no progress with input and an empty output buffer"
                    );
                    body.extend_from_slice(&out[..written]);
                    pending.drain(..consumed);
                    consumed_total += consumed;
                }
                Err(_) => {
                    return Outcome {
                        body: Vec::new(),
                        consumed: 0,
                        done: false,
                        failed: true,
                    }
                }
            }
        }
    }
    Outcome {
        body,
        consumed: consumed_total,
        done: decoder.is_done(),
        failed: false,
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let out_size = usize::from(data[0] & 0x0f) + 1;
    let bypass = data[0] & 0x10 != 0;
    let input = &data[2..];
    let whole = reference(input);
    let pieces = split(input, data[1], out_size, bypass);
    assert_eq!(whole, pieces, "splitting the input changed the outcome");
    if input.len() < MAX_CHUNK_LINE {
        assert_eq!(
            whole,
            grammar(input),
            "the decoder and the grammar disagree"
        );
    }
    if !whole.failed {
        assert!(whole.body.len() <= input.len());
        if !whole.done {
            assert_eq!(
                whole.consumed,
                input.len(),
                "stopped early without being done"
            );
        }
    }
});
