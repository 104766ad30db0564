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
//! request lines, `< ` for response lines, `} [N bytes data]` and `{ [N bytes data]` for data
//! sent and received. Credentials (Authorization, Proxy-Authorization, Cookie, Set-Cookie,
//! and header fields named with
//! [`AgentBuilder::secret_header`](crate::AgentBuilder::secret_header)) are masked in heads
//! before any hook sees them, unless the agent was built with
//! [`trace_unmasked`](crate::AgentBuilder::trace_unmasked) (then `{}` and `{:?}` on an event
//! still mask the credential fields, not the named ones); bodies are handed over as they are,
//! since only the caller knows what they hold.
//!
//! With the `tls` and `inspect` features (both default), each TLS record is reported as it crosses the socket
//! ([`TraceEvent::TlsRecord`], then [`TraceEvent::TlsData`] with its bytes): the handshake
//! message by message, then the encrypted records. They are looked at only when a hook is
//! set; an agent without one never cuts records.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::http1::close_reason::CloseReason;
use crate::http1::headers::is_credential;
use crate::printable::escape_for_terminal;
use crate::transport::tls_info::TlsInfo;

/// A hook that receives trace events.
pub(crate) type TraceHook = Arc<dyn Fn(&TraceEvent<'_>) + Send + Sync>;

/// The agent's trace hook, if it has one, and the fields whose values it must never see:
/// events are built only when someone listens.
#[derive(Clone, Default)]
pub(crate) struct Tracer {
    hook: Option<TraceHook>,
    secrets: SecretHeaders,
    /// The caller asked for heads as they crossed the wire
    /// ([`AgentBuilder::trace_unmasked`](crate::AgentBuilder::trace_unmasked)).
    unmasked: bool,
}

impl Tracer {
    /// A tracer that hands events to `hook`, or drops them when there is none, masking the
    /// values of `secrets` in the heads it is given to show unless `unmasked`.
    pub(crate) fn new(hook: Option<TraceHook>, secrets: SecretHeaders, unmasked: bool) -> Tracer {
        Tracer {
            hook,
            secrets,
            unmasked,
        }
    }

    /// Hands the event `make` builds to the hook; `make` runs only if there is a hook.
    pub(crate) fn emit<'a>(&self, make: impl FnOnce() -> TraceEvent<'a>) {
        if let Some(hook) = &self.hook {
            // While a panic unwinds (the hook's own, say), the body and the connection it drops
            // still close and would report it; a hook that panicked once may panic again, and a
            // second panic while unwinding aborts the process, every thread with it.
            if !std::thread::panicking() {
                hook(&make());
            }
        }
    }

    /// Whether a hook is listening, for events that are costly to prepare.
    pub(crate) fn is_on(&self) -> bool {
        self.hook.is_some()
    }

    /// `head` as the hook may see it: a copy with secret values masked (see
    /// [`SecretHeaders::mask_head`]), or the head itself when the caller asked for it unmasked.
    pub(crate) fn head_for_hook<'h>(&self, head: &'h [u8]) -> std::borrow::Cow<'h, [u8]> {
        if self.unmasked {
            head.into()
        } else {
            self.secrets.mask_head(head).into()
        }
    }
}

/// One step of a call, in the order they happen: `{}` prints it as curl's `--verbose` would,
/// and a program can match on it.
///
/// ```
/// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// # let url = format!("http://{}/", listener.local_addr()?);
/// # std::thread::spawn(move || -> std::io::Result<()> {
/// #     use std::io::{Read, Write};
/// #     let (mut socket, _) = listener.accept()?;
/// #     for _ in 0..2 {
/// #         socket.read(&mut [0; 4096])?;
/// #         socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")?;
/// #     }
/// #     socket.read_to_end(&mut Vec::new()).map(drop)
/// # });
/// use std::sync::{Arc, Mutex};
/// use plainwire::TraceEvent;
///
/// let reused = Arc::new(Mutex::new(Vec::new()));
/// let seen = reused.clone();
/// let agent = plainwire::Agent::builder()
///     .trace(move |event| {
///         if let TraceEvent::Connected { reused, .. } = event {
///             seen.lock().unwrap().push(*reused);
///         }
///     })
///     .build()?;
/// // `url`: a server on 127.0.0.1 that this example starts.
/// agent.get(&url).send()?.text()?;
/// agent.get(&url).send()?.text()?;
/// // The second request went over the connection the first one left in the pool.
/// assert_eq!(*reused.lock().unwrap(), [false, true]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// One TLS record, or one handshake message in a cleartext handshake record, as it crossed
    /// the socket: `{}` prints curl's line (`* TLSv1.3 (OUT), TLS handshake, Client hello
    /// (1):`), `{:#}` adds the fields and the RFC section. Both directions, in socket order,
    /// from the ClientHello to the last alert. See [`crate::tls_record`].
    #[cfg(all(feature = "tls", feature = "inspect"))]
    TlsRecord(&'a crate::tls_record::TlsRecord),
    /// The bytes of the TLS record just described, 5-byte header included, as they crossed
    /// the socket (ciphertext once the handshake has keys): curl's "SSL data".
    #[cfg(all(feature = "tls", feature = "inspect"))]
    TlsData {
        /// Which way they went.
        direction: crate::tls_record::Direction,
        /// The record.
        bytes: &'a [u8],
    },
    /// The request head as sent, the values of secret fields masked: Authorization,
    /// Proxy-Authorization (both keep their scheme: `Basic *****`), Cookie, and those named
    /// with [`AgentBuilder::secret_header`](crate::AgentBuilder::secret_header). Unmasked,
    /// exactly as sent, for an agent built with
    /// [`trace_unmasked`](crate::AgentBuilder::trace_unmasked); `{}` masks the credential
    /// fields either way.
    RequestHead(&'a [u8]),
    /// Request body bytes as they are sent, before any transfer coding (curl's "Send data").
    /// Reported as they are: a body may hold secrets the library cannot recognise.
    RequestBody(&'a [u8]),
    /// A response head as received (informational ones included), the values of secret fields
    /// masked: Set-Cookie, and those named with
    /// [`AgentBuilder::secret_header`](crate::AgentBuilder::secret_header). Unmasked, exactly as
    /// received, for an agent built with
    /// [`trace_unmasked`](crate::AgentBuilder::trace_unmasked); `{}` masks the credential
    /// fields either way.
    ResponseHead(&'a [u8]),
    /// Response body bytes as read, transfer coding (chunked) removed, content coding (gzip)
    /// kept: curl's "Recv data". Followed by a [`TraceEvent::BodyProgress`].
    ResponseBody(&'a [u8]),
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
                if !tls.certificate_verified {
                    write!(
                        f,
                        "\n* Certificate NOT verified: the agent accepts any certificate"
                    )?;
                }
                #[cfg(feature = "inspect")]
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
            #[cfg(all(feature = "tls", feature = "inspect"))]
            TraceEvent::TlsRecord(record) if f.alternate() => write!(f, "* {record:#}"),
            #[cfg(all(feature = "tls", feature = "inspect"))]
            TraceEvent::TlsRecord(record) => write!(f, "* {record}"),
            #[cfg(all(feature = "tls", feature = "inspect"))]
            TraceEvent::TlsData { direction, bytes } => {
                let arrow = match direction {
                    crate::tls_record::Direction::ClientToServer => '}',
                    crate::tls_record::Direction::ServerToClient => '{',
                };
                write!(f, "{arrow} [{} bytes data]", bytes.len())
            }
            TraceEvent::RequestHead(head) => write_head(f, "> ", &mask_credentials(head)),
            TraceEvent::ResponseHead(head) => write_head(f, "< ", &mask_credentials(head)),
            TraceEvent::RequestBody(bytes) => write!(f, "}} [{} bytes data]", bytes.len()),
            TraceEvent::ResponseBody(bytes) => write!(f, "{{ [{} bytes data]", bytes.len()),
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

impl fmt::Debug for TraceEvent<'_> {
    /// The event's fields; a head as text, the values of the credential fields masked, as
    /// `{}` shows it (it may be unmasked for an agent built with
    /// [`trace_unmasked`](crate::AgentBuilder::trace_unmasked)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceEvent::Resolved { host, addrs } => f
                .debug_struct("Resolved")
                .field("host", host)
                .field("addrs", addrs)
                .finish(),
            TraceEvent::Connected {
                remote,
                local,
                reused,
            } => f
                .debug_struct("Connected")
                .field("remote", remote)
                .field("local", local)
                .field("reused", reused)
                .finish(),
            TraceEvent::TlsHandshake(tls) => f.debug_tuple("TlsHandshake").field(tls).finish(),
            #[cfg(all(feature = "tls", feature = "inspect"))]
            TraceEvent::TlsRecord(record) => f.debug_tuple("TlsRecord").field(record).finish(),
            #[cfg(all(feature = "tls", feature = "inspect"))]
            TraceEvent::TlsData { direction, bytes } => f
                .debug_struct("TlsData")
                .field("direction", direction)
                .field("bytes", bytes)
                .finish(),
            TraceEvent::RequestHead(head) => f
                .debug_tuple("RequestHead")
                .field(&String::from_utf8_lossy(&mask_credentials(head)))
                .finish(),
            TraceEvent::RequestBody(bytes) => f.debug_tuple("RequestBody").field(bytes).finish(),
            TraceEvent::ResponseHead(head) => f
                .debug_tuple("ResponseHead")
                .field(&String::from_utf8_lossy(&mask_credentials(head)))
                .finish(),
            TraceEvent::ResponseBody(bytes) => f.debug_tuple("ResponseBody").field(bytes).finish(),
            TraceEvent::BodyProgress { received, total } => f
                .debug_struct("BodyProgress")
                .field("received", received)
                .field("total", total)
                .finish(),
            TraceEvent::ConnectionPooled => f.write_str("ConnectionPooled"),
            TraceEvent::ConnectionClosed { reason } => f
                .debug_struct("ConnectionClosed")
                .field("reason", reason)
                .finish(),
            TraceEvent::Retrying {
                attempt,
                reason,
                wait,
            } => f
                .debug_struct("Retrying")
                .field("attempt", attempt)
                .field("reason", reason)
                .field("wait", wait)
                .finish(),
        }
    }
}

impl TraceEvent<'_> {
    /// For a [`RequestHead`](TraceEvent::RequestHead) or a
    /// [`ResponseHead`](TraceEvent::ResponseHead), the head with the values of the
    /// [credential fields](crate::http1::headers::CREDENTIAL_FIELDS) masked, as `{}` shows it:
    /// for a log written from an agent built with
    /// [`trace_unmasked`](crate::AgentBuilder::trace_unmasked). `None` for other events.
    ///
    /// ```
    /// use plainwire::TraceEvent;
    /// let event = TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=42\r\n\r\n");
    /// let masked = event.masked_head().unwrap();
    /// assert_eq!(masked, b"HTTP/1.1 200 OK\r\nSet-Cookie: *****\r\n\r\n");
    /// ```
    pub fn masked_head(&self) -> Option<Vec<u8>> {
        match self {
            TraceEvent::RequestHead(head) | TraceEvent::ResponseHead(head) => {
                Some(mask_credentials(head))
            }
            _ => None,
        }
    }
}

/// `head` with the values of the credential fields masked; masking a masked head again
/// changes nothing.
fn mask_credentials(head: &[u8]) -> Vec<u8> {
    SecretHeaders::default().mask_head(head)
}

/// Each line of a head behind `prefix`, without the blank line that ends it; its control
/// characters escaped, since a response head may carry C1 controls (as UTF-8 or obs-text) that
/// some terminals obey.
fn write_head(f: &mut fmt::Formatter<'_>, prefix: &str, head: &[u8]) -> fmt::Result {
    let text = String::from_utf8_lossy(head);
    let mut first = true;
    for line in text.split("\r\n").filter(|line| !line.is_empty()) {
        if !first {
            writeln!(f)?;
        }
        first = false;
        write!(f, "{prefix}{}", escape_for_terminal(line))?;
    }
    Ok(())
}

/// The header fields whose values are secret, and how they are masked: the one rule for the
/// trace and for `Debug` output. Secret are the
/// [credential fields](crate::http1::headers::CREDENTIAL_FIELDS) (`Set-Cookie` among them) and
/// the fields a caller named with [`AgentBuilder::secret_header`](crate::AgentBuilder::secret_header).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SecretHeaders {
    /// The names a caller added, in lower case; shared, since every response keeps a copy.
    named: Arc<Vec<String>>,
}

/// What a masked value shows in place of the secret.
const MASK: &[u8] = b"*****";

impl SecretHeaders {
    /// Makes values of the field `name` secret too.
    pub(crate) fn add(&mut self, name: &str) {
        let name = name.trim().to_ascii_lowercase();
        if !name.is_empty() && !self.named.contains(&name) {
            Arc::make_mut(&mut self.named).push(name);
        }
    }

    /// Whether values of the field `name` are secret (names compare case-insensitively).
    pub(crate) fn is_secret(&self, name: &[u8]) -> bool {
        is_credential(name)
            || self
                .named
                .iter()
                .any(|named| name.eq_ignore_ascii_case(named.as_bytes()))
    }

    /// `value` as a trace or a `Debug` output may show it: unchanged for a field that is not
    /// secret; otherwise asterisks, after the scheme of an `Authorization` or
    /// `Proxy-Authorization` (`Basic *****`), which says what kind of credential it was and is
    /// no secret. A cookie's every byte may be, and so may those of a field the caller named:
    /// its first word is no scheme (`X-Upstream-Authorization: token rest` shows `*****`).
    pub(crate) fn masked<'a>(&self, name: &[u8], value: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        if !self.is_secret(name) {
            return value.into();
        }
        let value = value.trim_ascii();
        let mut out = Vec::with_capacity(24);
        let is_authorization = name.eq_ignore_ascii_case(b"authorization")
            || name.eq_ignore_ascii_case(b"proxy-authorization");
        if is_authorization {
            let scheme = value.split(|&b| b == b' ').next().unwrap_or_default();
            if scheme.len() < value.len() {
                out.extend_from_slice(scheme);
                out.push(b' ');
            }
        }
        out.extend_from_slice(MASK);
        out.into()
    }

    /// `headers` as `Debug` shows them, the value of each secret field masked.
    pub(crate) fn debug_headers<'a>(
        &'a self,
        headers: &'a crate::http1::headers::Headers,
    ) -> impl fmt::Debug + 'a {
        MaskedHeaders {
            secrets: self,
            headers,
        }
    }

    /// A copy of a head (request or response) with the value of each secret field masked.
    pub(crate) fn mask_head(&self, head: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(head.len());
        for line in head.split_inclusive(|&b| b == b'\n') {
            match line.iter().position(|&b| b == b':') {
                Some(end) if self.is_secret(&line[..end]) => {
                    out.extend_from_slice(&line[..=end]);
                    out.push(b' ');
                    out.extend_from_slice(&self.masked(&line[..end], &line[end + 1..]));
                    out.extend_from_slice(b"\r\n");
                }
                _ => out.extend_from_slice(line),
            }
        }
        out
    }

    /// Header fields for a `Debug` output, secret values masked.
    pub(crate) fn debug_fields<'a>(
        &'a self,
        fields: &'a [(String, String)],
    ) -> impl fmt::Debug + 'a {
        MaskedFields {
            secrets: self,
            fields,
        }
    }
}

/// Header fields that print with their secret values masked.
struct MaskedFields<'a> {
    secrets: &'a SecretHeaders,
    fields: &'a [(String, String)],
}

impl fmt::Debug for MaskedFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.fields.iter().map(|(name, value)| {
                let value = self.secrets.masked(name.as_bytes(), value.as_bytes());
                (name, String::from_utf8_lossy(&value).into_owned())
            }))
            .finish()
    }
}

/// A response's header fields for `Debug`, secret values masked.
struct MaskedHeaders<'a> {
    secrets: &'a SecretHeaders,
    headers: &'a crate::http1::headers::Headers,
}

impl fmt::Debug for MaskedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.headers.iter().map(|(name, value)| {
                let shown = self.secrets.masked(name.as_bytes(), value);
                (name, String::from_utf8_lossy(&shown).into_owned())
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_and_the_rest_kept() {
        let head = b"GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dXNlcjpwYXNz\r\nproxy-authorization: secret\r\n\r\n";
        let masked = String::from_utf8(SecretHeaders::default().mask_head(head)).unwrap();
        assert_eq!(
            masked,
            "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic *****\r\nproxy-authorization: *****\r\n\r\n"
        );
    }

    #[test]
    fn a_cookie_is_masked_whole_and_a_named_field_too() {
        let mut secrets = SecretHeaders::default();
        secrets.add("X-Api-Key");
        let head = b"GET / HTTP/1.1\r\nCookie: a=1; b=2\r\nX-API-Key: k 1\r\nX-Other: v\r\n\r\n";
        assert_eq!(
            String::from_utf8(secrets.mask_head(head)).unwrap(),
            "GET / HTTP/1.1\r\nCookie: *****\r\nX-API-Key: *****\r\nX-Other: v\r\n\r\n"
        );
        // A named field whose name ends like Authorization's has no scheme to show.
        secrets.add("X-Upstream-Authorization");
        let head = b"GET / HTTP/1.1\r\nX-Upstream-Authorization: SECRET rest\r\n\r\n";
        assert_eq!(
            String::from_utf8(secrets.mask_head(head)).unwrap(),
            "GET / HTTP/1.1\r\nX-Upstream-Authorization: *****\r\n\r\n"
        );
    }

    #[test]
    fn set_cookie_is_masked_in_a_response_head() {
        let head = b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=abc; Path=/\r\nset-cookie: b=2\r\n\r\n";
        assert_eq!(
            String::from_utf8(SecretHeaders::default().mask_head(head)).unwrap(),
            "HTTP/1.1 200 OK\r\nSet-Cookie: *****\r\nset-cookie: *****\r\n\r\n"
        );
    }

    #[test]
    fn a_debug_list_of_fields_masks_secret_values() {
        let fields = vec![
            ("Authorization".to_string(), "Bearer t0ken".to_string()),
            ("Accept".to_string(), "*/*".to_string()),
        ];
        let text = format!("{:?}", SecretHeaders::default().debug_fields(&fields));
        assert_eq!(
            text,
            r#"[("Authorization", "Bearer *****"), ("Accept", "*/*")]"#
        );
    }

    #[test]
    fn data_prints_as_its_length_with_curls_braces() {
        assert_eq!(
            TraceEvent::RequestBody(b"a=1").to_string(),
            "} [3 bytes data]"
        );
        assert_eq!(
            TraceEvent::ResponseBody(b"hello").to_string(),
            "{ [5 bytes data]"
        );
    }

    #[cfg(all(feature = "tls", feature = "inspect"))]
    #[test]
    fn a_tls_record_prints_curls_line_and_its_fields_with_the_alternate_form() {
        use crate::tls_record::{Direction, HandshakeObserver, RecordReader};
        let mut records = Vec::new();
        RecordReader::new(Direction::ServerToClient).feed(
            &mut HandshakeObserver::new(),
            &[21, 3, 3, 0, 2, 2, 48],
            |record| records.push(record),
        );
        let event = TraceEvent::TlsRecord(&records[0]);
        assert_eq!(
            event.to_string(),
            "* TLSv1.2 (IN), TLS alert, unknown CA (560):"
        );
        assert!(
            format!("{event:#}").ends_with("\n  alert: fatal (2), unknown_ca (48)"),
            "{event:#}"
        );
        let data = TraceEvent::TlsData {
            direction: Direction::ClientToServer,
            bytes: &[22, 3, 1, 0, 0],
        };
        assert_eq!(data.to_string(), "} [5 bytes data]");
    }

    #[test]
    fn heads_print_curl_style() {
        let event = TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n");
        assert_eq!(event.to_string(), "< HTTP/1.1 200 OK\n< A: b");
    }

    #[test]
    fn a_head_prints_its_control_characters_escaped() {
        // CSI as UTF-8 and as a lone obs-text byte, and an obs-fold's line break kept.
        let event =
            TraceEvent::ResponseHead(b"HTTP/1.1 200 OK\r\nA: \xc2\x9b2J\x9b\tb\r\n c\r\n\r\n");
        assert_eq!(
            event.to_string(),
            "< HTTP/1.1 200 OK\n< A: \\u{9b}2J\u{fffd}\\tb\n<  c"
        );
    }
}
