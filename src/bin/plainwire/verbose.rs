//! `-v`: what the transfer did, in curl's notation, through [`crate::console`].
//!
//! The library's trace hook reports each step as it happens, for every request of a redirect
//! chain: `*` lines for events (addresses, connections, the TLS handshake and the server's
//! certificates), `>` lines for the request head as sent (Authorization, Proxy-Authorization
//! and Cookie values masked), `<` lines for the response head as received (Set-Cookie values
//! masked). curl shows cookies in clear; a `-v` log pasted into a bug report should not. Body
//! progress is left out; the progress meter has that job. [`crate::trace_record::hook`] calls
//! [`print`] when `-v` is on.

use plainwire::TraceEvent;

/// Prints one event's lines; a head is followed by a lone `>` or `<`, as curl ends it.
pub fn print(event: &TraceEvent<'_>) {
    if matches!(event, TraceEvent::BodyProgress { .. }) {
        return;
    }
    let mut text = event.to_string();
    match event {
        TraceEvent::RequestHead(_) => text.push_str("\n>"),
        TraceEvent::ResponseHead(_) => text.push_str("\n<"),
        _ => {}
    }
    crate::console::line(&text);
}
