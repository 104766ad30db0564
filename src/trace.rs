//! Seeing a call happen: [`TraceEvent`]s delivered, in order, to a hook on the agent.
//!
//! ```no_run
//! let agent = plainwire::Agent::builder()
//!     .trace(|event| eprintln!("{event}"))
//!     .build()?;
//! agent.get("https://example.com/").send()?.text()?;
//! # Ok::<(), plainwire::Error>(())
//! ```
//!
//! Printed with `{}`, events look like curl's `--verbose`: `* ` for what happened, `> ` for
//! request lines, `< ` for response lines. Credentials are masked before any hook sees them.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::http1::close_reason::CloseReason;
use crate::http1::headers::is_credential;
use crate::transport::tls_info::TlsInfo;

/// A hook that receives trace events.
pub(crate) type TraceHook = Arc<dyn Fn(&TraceEvent<'_>) + Send + Sync>;

/// The agent's trace hook, if it has one: events are built only when someone listens.
#[derive(Clone, Default)]
pub(crate) struct Tracer(Option<TraceHook>);

impl Tracer {
    /// A tracer that hands events to `hook`, or drops them when there is none.
    pub(crate) fn new(hook: Option<TraceHook>) -> Tracer {
        Tracer(hook)
    }

    /// Hands the event `make` builds to the hook; `make` runs only if there is a hook.
    pub(crate) fn emit<'a>(&self, make: impl FnOnce() -> TraceEvent<'a>) {
        if let Some(hook) = &self.0 {
            hook(&make());
        }
    }

    /// Whether a hook is listening, for events that are costly to prepare.
    pub(crate) fn is_on(&self) -> bool {
        self.0.is_some()
    }
}

/// One step of a call, in the order they happen.
#[derive(Debug)]
#[non_exhaustive]
pub enum TraceEvent<'a> {
    /// A host name resolved to these addresses.
    Resolved {
        /// The name that was resolved.
        host: &'a str,
        /// Its addresses, in the order they will be tried.
        addrs: &'a [SocketAddr],
    },
    /// A connection is ready: made anew, or taken from the pool.
    Connected {
        /// The server's address.
        remote: Option<SocketAddr>,
        /// Our address.
        local: Option<SocketAddr>,
        /// Whether it had carried an earlier request.
        reused: bool,
    },
    /// A TLS handshake finished.
    TlsHandshake(&'a TlsInfo),
    /// The request head as sent, with Authorization and Proxy-Authorization values masked.
    RequestHead(&'a [u8]),
    /// A response head as received (informational ones included).
    ResponseHead(&'a [u8]),
    /// Body bytes received so far, and the total if the server declared it.
    BodyProgress {
        /// Bytes received so far.
        received: u64,
        /// The Content-Length, if any.
        total: Option<u64>,
    },
    /// The body was read to its end and the connection went back to the pool.
    ConnectionPooled,
    /// The connection was closed rather than pooled, and why.
    ConnectionClosed {
        /// Why it could not be kept.
        reason: CloseReason,
    },
    /// The [retry policy](crate::RetryPolicy) sends the request again after a wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// let event = plainwire::TraceEvent::Retrying {
    ///     attempt: 1,
    ///     reason: "HTTP status 503",
    ///     wait: Duration::from_millis(1500),
    /// };
    /// assert_eq!(event.to_string(), "* Retry 1 in 1.500 s: HTTP status 503");
    /// ```
    Retrying {
        /// Which retry this is in the call: 1 for the first.
        attempt: u32,
        /// Why: the status, or the error, in words.
        reason: &'a str,
        /// How long the call waits before sending the request again.
        wait: Duration,
    },
}

impl fmt::Display for TraceEvent<'_> {
    /// curl's verbose style: `*` events, `>` request lines, `<` response lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceEvent::Resolved { host, addrs } => {
                let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
                write!(f, "* Host {host} resolved to {}", list.join(", "))
            }
            TraceEvent::Connected {
                remote,
                local,
                reused,
            } => {
                let remote = remote.map_or_else(|| "?".to_string(), |a| a.to_string());
                let local = local.map_or_else(|| "?".to_string(), |a| a.to_string());
                let how = if *reused {
                    "Re-using connection"
                } else {
                    "Connected"
                };
                write!(f, "* {how} to {remote} from {local}")
            }
            TraceEvent::TlsHandshake(tls) => {
                write!(f, "* TLS handshake: {} / {}", tls.version, tls.cipher_suite)?;
                if let Some(alpn) = &tls.alpn {
                    write!(f, "\n* ALPN: server accepted {alpn}")?;
                }
                if tls.resumed {
                    write!(f, "\n* TLS session resumed")?;
                }
                for (depth, cert) in tls.peer_certificates.iter().enumerate() {
                    write!(
                        f,
                        "\n* Certificate level {depth}: subject: {}",
                        cert.subject
                    )?;
                    write!(f, "\n*   issuer: {}", cert.issuer)?;
                    write!(f, "\n*   valid: {} to {}", cert.not_before, cert.not_after)?;
                    write!(f, "\n*   key: {}", cert.key_type)?;
                    if !cert.subject_alt_names.is_empty() {
                        write!(
                            f,
                            "\n*   subjectAltName: {}",
                            cert.subject_alt_names.join(", ")
                        )?;
                    }
                }
                Ok(())
            }
            TraceEvent::RequestHead(head) => write_head(f, "> ", head),
            TraceEvent::ResponseHead(head) => write_head(f, "< ", head),
            TraceEvent::BodyProgress {
                received,
                total: Some(total),
            } => {
                write!(f, "* Received {received} of {total} body bytes")
            }
            TraceEvent::BodyProgress {
                received,
                total: None,
            } => write!(f, "* Received {received} body bytes"),
            TraceEvent::ConnectionPooled => write!(f, "* Connection kept alive for reuse"),
            TraceEvent::ConnectionClosed { reason } => write!(f, "* Connection closed: {reason}"),
            TraceEvent::Retrying {
                attempt,
                reason,
                wait,
            } => write!(
                f,
                "* Retry {attempt} in {:.3} s: {reason}",
                wait.as_secs_f64()
            ),
        }
    }
}

/// Each line of a head behind `prefix`, without the blank line that ends it.
fn write_head(f: &mut fmt::Formatter<'_>, prefix: &str, head: &[u8]) -> fmt::Result {
    let text = String::from_utf8_lossy(head);
    let mut first = true;
    for line in text.split("\r\n").filter(|line| !line.is_empty()) {
        if !first {
            writeln!(f)?;
        }
        first = false;
        write!(f, "{prefix}{line}")?;
    }
    Ok(())
}

/// A copy of a request head with the values of the
/// [credential fields](crate::http1::headers::CREDENTIAL_FIELDS) replaced by their scheme and
/// asterisks, so that a trace never shows a credential.
pub(crate) fn mask_credentials(head: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len());
    for line in head.split_inclusive(|&b| b == b'\n') {
        let name_end = line.iter().position(|&b| b == b':');
        let is_credential = name_end.is_some_and(|end| is_credential(&line[..end]));
        match name_end {
            Some(end) if is_credential => {
                let name = &line[..end];
                let value = line[end + 1..].trim_ascii();
                out.extend_from_slice(&line[..=end]);
                out.push(b' ');
                // An authorization scheme (`Basic`, `Bearer`) says what kind of credential it
                // was and is no secret; a cookie's every byte may be.
                if name.len() >= 13
                    && name[name.len() - 13..].eq_ignore_ascii_case(b"authorization")
                {
                    let scheme = value.split(|&b| b == b' ').next().unwrap_or_default();
                    if scheme.len() < value.len() {
                        out.extend_from_slice(scheme);
                        out.push(b' ');
                    }
                }
                out.extend_from_slice(b"*****\r\n");
            }
            _ => out.extend_from_slice(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_and_the_rest_kept() {
        let head = b"GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dXNlcjpwYXNz\r\nproxy-authorization: secret\r\n\r\n";
        let masked = String::from_utf8(mask_credentials(head)).unwrap();
        assert_eq!(
            masked,
            "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic *****\r\nproxy-authorization: *****\r\n\r\n"
        );
    }

    #[test]
    fn heads_print_curl_style() {
        let event = TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n");
        assert_eq!(event.to_string(), "< HTTP/1.1 200 OK\n< A: b");
    }
}
