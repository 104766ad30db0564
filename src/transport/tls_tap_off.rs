//! The TLS record tap of a build without the `inspect` feature: a type with no values, so
//! that no connection ever has a tap and nothing of the record reader is built in. The
//! transport calls the same method on it as on the real one (`tls_tap.rs`), and the
//! compiler knows that no call can happen.

use crate::tls_record::Direction;

/// No tap: this build cannot describe TLS records (see the `inspect` feature).
pub enum TlsTap {}

impl TlsTap {
    /// Never called: there is no tap to call it on.
    pub fn feed(&mut self, _direction: Direction, _bytes: &[u8]) {
        match *self {}
    }
}
