//! [`Credentials`]: a user name and password held for a scheme that computes its header from
//! them (Digest) rather than sending a fixed value. It does not decide where they go.

// Without the `digest` feature, nothing sets Digest credentials.
#![cfg_attr(not(feature = "digest"), allow(dead_code))]

use std::fmt;

/// A user name and its password. `Debug` shows neither.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    user: String,
    password: String,
}

impl Credentials {
    pub(crate) fn new(user: &str, password: &str) -> Credentials {
        Credentials {
            user: user.to_string(),
            password: password.to_string(),
        }
    }

    /// The user name.
    pub(crate) fn user(&self) -> &str {
        &self.user
    }

    /// The password.
    pub(crate) fn password(&self) -> &str {
        &self.password
    }
}

/// `Credentials(<hidden>)`: even the user name stays out of logs.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(<hidden>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_neither_user_nor_password() {
        let debug = format!("{:?}", Credentials::new("alice", "s3cret"));
        assert!(
            !debug.contains("alice") && !debug.contains("s3cret"),
            "{debug}"
        );
    }
}
