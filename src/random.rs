//! Random 64-bit words from std alone, for values that must differ and be unguessable to a
//! peer: a backoff's jitter, a multipart boundary, a Digest client nonce, the cookie jar's
//! temporary file name. Not cryptographic:
//! never use it for a key, a token or anything that must stay secret.
//!
//! Each [`RandomState`] holds `SipHash` keys (128 bits) that std took from the operating
//! system's random source when the thread first needed one, and every new `RandomState` has
//! different keys. Hashing a process-wide counter and the time with them gives words that
//! differ between processes and between draws (the counter keeps two draws in the same
//! instant apart), and that nobody without the keys can predict; seeing earlier words does not
//! reveal the keys. A random-number crate would add a dependency for nothing more.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Numbers every draw in this process, so that no two are hashed from the same input.
static DRAWN: AtomicU64 = AtomicU64::new(0);

/// `N` random words, from one set of fresh keys over the draw's number, the time and the
/// word's index.
pub(crate) fn words<const N: usize>() -> [u64; N] {
    let keys = RandomState::new();
    let count = DRAWN.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    std::array::from_fn(|index| keys.hash_one((count, nanos, index)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_draws_differ() {
        assert_ne!(words::<2>(), words::<2>());
    }

    #[test]
    fn the_words_of_one_draw_differ() {
        let [a, b, c] = words::<3>();
        assert!(a != b && b != c && a != c);
    }
}
