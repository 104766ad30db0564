//! `-v`: what the transfer did, on stderr, in curl's notation.
//!
//! The library's trace hook reports each step as it happens, for every request of a redirect
//! chain: `*` lines for events (addresses, connections, the TLS handshake and the server's
//! certificates), `>` lines for the request head as sent (Authorization, Proxy-Authorization
//! and Cookie values masked), `<` lines for the response head as received (Set-Cookie values
//! masked). curl shows cookies in clear; a `-v` log pasted into a bug report should not. Body progress is left out; the progress meter has that job.

use std::io::Write;

use plainwire::{AgentBuilder, TraceEvent};

/// Installs the `-v` printer on the agent being built, when `on`.
pub fn install(builder: AgentBuilder, on: bool) -> AgentBuilder {
    if !on {
        return builder;
    }
    builder.trace(|event| {
        if matches!(event, TraceEvent::BodyProgress { .. }) {
            return;
        }
        let mut err = std::io::stderr().lock();
        // stderr closed: nothing to tell anyone.
        let _ = writeln!(err, "{event}");
        if matches!(
            event,
            TraceEvent::RequestHead(_) | TraceEvent::ResponseHead(_)
        ) {
            let prefix = if matches!(event, TraceEvent::RequestHead(_)) {
                ">"
            } else {
                "<"
            };
            let _ = writeln!(err, "{prefix}");
        }
    })
}
