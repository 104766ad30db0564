//! `-v`: what the transfer did, in curl's notation, through [`crate::console`].
//!
//! The library's trace hook reports each step as it happens, for every request of a redirect
//! chain: `*` lines for events (addresses, connections, each TLS handshake message and alert
//! as it crosses the socket, the handshake's outcome and the server's certificates), `>`
//! lines for the request head as sent (Authorization, Proxy-Authorization and Cookie values
//! masked), `<` lines for the response head as received (Set-Cookie values masked). curl
//! shows cookies in clear; a `-v` log pasted into a bug report should not. Left out, as curl
//! leaves them out of `-v`: body progress (the meter's job), the bytes of bodies and records
//! (`--trace` dumps them), and the encrypted records that carry the HTTP itself.
//! [`crate::trace_record::hook`] calls [`print`] when `-v` is on.

use plainwire::TraceEvent;

/// Prints one event's lines; a head is followed by a lone `>` or `<`, as curl ends it. With
/// `--trace-time`, each line starts with the time.
pub fn print(event: &TraceEvent<'_>) {
    let shown = match event {
        TraceEvent::BodyProgress { .. }
        | TraceEvent::RequestBody(_)
        | TraceEvent::ResponseBody(_)
        | TraceEvent::TlsData { .. } => false,
        TraceEvent::TlsRecord(record) => !record.is_application_data(),
        _ => true,
    };
    if !shown {
        return;
    }
    let mut text = event.to_string();
    match event {
        TraceEvent::RequestHead(_) => text.push_str("\n>"),
        TraceEvent::ResponseHead(_) => text.push_str("\n<"),
        _ => {}
    }
    let time = crate::trace_dump::timestamp();
    if !time.is_empty() {
        text = text
            .lines()
            .map(|line| format!("{time}{line}"))
            .collect::<Vec<_>>()
            .join("\n");
    }
    crate::console::line(&text);
}
