//! [`ExpectContinue`]: which requests ask the server for `100 Continue` before sending their
//! body. The rule as a value; the waiting is the exchange's.

use crate::defaults;

/// When a request with a body is sent with `Expect: 100-continue` (RFC 9110 section 10.1.1):
/// the head goes first, and the body follows once the server answers `100 Continue`, or after
/// [a second](crate::defaults::CONTINUE_WAIT) of silence, since some servers never answer it.
/// A server that refuses the request (401, 413) can say so before the body is sent; the body
/// is then never sent (nor read, for a stream), and the connection is closed.
///
/// The default follows curl (since 8.0.0): bodies larger than
/// [1 MiB](crate::defaults::EXPECT_CONTINUE_MIN), and bodies whose length is unknown (a stream
/// sent chunked). A request with an empty body never asks, and neither does an HTTP/1.0
/// request, whose server must ignore the expectation.
///
/// A request's own `Expect` header wins over the rule: `Expect: 100-continue` waits for the
/// 100 whatever the body's size; any other value is sent as it is, and nothing is waited for.
/// Set it on an agent ([`AgentBuilder::expect_continue`](crate::AgentBuilder::expect_continue))
/// or per request ([`RequestBuilder::expect_continue`](crate::RequestBuilder::expect_continue)).
///
/// ```
/// use plainwire::ExpectContinue;
///
/// // A server behind a proxy that mishandles Expect: never ask.
/// let agent = plainwire::Agent::builder()
///     .expect_continue(ExpectContinue::Never)
///     .build()?;
///
/// assert_eq!(ExpectContinue::default(), ExpectContinue::LargerThan(1024 * 1024));
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpectContinue {
    /// Never: the body follows the head at once.
    Never,
    /// For every body that is not empty.
    Always,
    /// For a body larger than this many bytes, or of unknown length.
    LargerThan(u64),
}

impl ExpectContinue {
    /// Whether a body of `length` bytes (`None`: unknown until read) asks for `100 Continue`.
    ///
    /// ```
    /// use plainwire::ExpectContinue;
    /// let rule = ExpectContinue::LargerThan(10);
    /// assert!(!rule.applies_to(Some(10)));
    /// assert!(rule.applies_to(Some(11)));
    /// assert!(rule.applies_to(None));
    /// assert!(!ExpectContinue::Always.applies_to(Some(0)));
    /// ```
    pub fn applies_to(self, length: Option<u64>) -> bool {
        match (self, length) {
            (_, Some(0)) | (ExpectContinue::Never, _) => false,
            (ExpectContinue::Always, _) | (ExpectContinue::LargerThan(_), None) => true,
            (ExpectContinue::LargerThan(min), Some(length)) => length > min,
        }
    }
}

impl Default for ExpectContinue {
    /// [`LargerThan`](ExpectContinue::LargerThan)([`EXPECT_CONTINUE_MIN`](defaults::EXPECT_CONTINUE_MIN)).
    fn default() -> ExpectContinue {
        ExpectContinue::LargerThan(defaults::EXPECT_CONTINUE_MIN)
    }
}
