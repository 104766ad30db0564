//! The description of one record (or one handshake message in it) as plain data, and its
//! two printed forms: curl's one line, and a longer view of the fields a learner wants.
//! Nothing here reads bytes; [`RecordReader`](super::RecordReader) fills these in.

use std::fmt;

use super::handshake::{Bytes, HandshakeMessage};
use super::names::{AlertDescription, AlertLevel, ContentType, HandshakeType, TlsVersion};

/// Which way a record travels, named from the client's side as curl does: `OUT` is what the
/// client sends.
///
/// ```
/// use plainwire::tls_record::Direction;
/// assert_eq!(Direction::ClientToServer.to_string(), "OUT");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server (`OUT`).
    ClientToServer,
    /// Server to client (`IN`).
    ServerToClient,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::ClientToServer => "OUT",
            Direction::ServerToClient => "IN",
        })
    }
}

/// An alert (RFC 8446 section 6): a level and a description.
///
/// ```
/// use plainwire::tls_record::{Alert, AlertDescription, AlertLevel, Detail, Direction};
/// use plainwire::tls_record::{HandshakeObserver, RecordReader};
///
/// // The server does not trust our client certificate's issuer: fatal (2), unknown_ca (48).
/// let mut reader = RecordReader::new(Direction::ServerToClient);
/// let mut alerts = Vec::new();
/// reader.feed(&mut HandshakeObserver::new(), &[21, 3, 3, 0, 2, 2, 48], |r| {
///     if let Detail::Alert(alert) = r.detail {
///         alerts.push(alert);
///     }
/// });
/// assert_eq!(alerts, [Alert { level: AlertLevel(2), description: AlertDescription(48) }]);
/// assert_eq!(alerts[0].description.curl_text(), "unknown CA");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    /// warning (1) or fatal (2).
    pub level: AlertLevel,
    /// What went wrong, or close_notify.
    pub description: AlertDescription,
}

/// What an encrypted record carries, as far as the RFCs let an observer without the keys
/// tell, from where the handshake is.
///
/// In TLS 1.3 every encrypted record says `application_data` on the outside and hides its
/// real type inside the encryption (RFC 8446 section 5.2); what it holds follows from the
/// order the RFC prescribes. A `*` marks a message sent only in some handshakes, as in the
/// RFC's figure 1.
///
/// ```
/// use plainwire::tls_record::{Detail, Direction, EncryptedContent, HandshakeObserver, RecordReader};
///
/// // Application data (type 23) before any handshake: not what TLS allows.
/// let mut reader = RecordReader::new(Direction::ClientToServer);
/// let mut details = Vec::new();
/// reader.feed(&mut HandshakeObserver::new(), &[23, 3, 3, 0, 3, 1, 2, 3], |r| details.push(r.detail));
/// assert_eq!(details, [Detail::Encrypted(EncryptedContent::Unexpected)]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncryptedContent {
    /// TLS 1.3, server, after ServerHello and before the client's Finished: the rest of the
    /// server's handshake (RFC 8446 sections 4.3 and 4.4). `resumed`: the server accepted a
    /// pre-shared key, so there is no Certificate or CertificateVerify.
    ServerHandshake {
        /// Whether the server accepted a pre-shared key.
        resumed: bool,
    },
    /// TLS 1.3, client, its first encrypted record: its Finished, after Certificate and
    /// CertificateVerify if the server asked for a certificate (RFC 8446 section 4.4).
    ClientHandshake,
    /// TLS 1.2, the first handshake record after ChangeCipherSpec: Finished (RFC 5246
    /// section 7.4.9).
    Finished,
    /// TLS 1.2, a later encrypted handshake record (a renegotiation).
    Handshake,
    /// Application data. In TLS 1.3 it may also be a post-handshake message (RFC 8446
    /// section 4.6): NewSessionTicket or KeyUpdate from a server, KeyUpdate from a client,
    /// which look the same from outside.
    ApplicationData {
        /// TLS 1.3: a post-handshake message is possible.
        tls13: bool,
        /// Sent by the server.
        from_server: bool,
    },
    /// TLS 1.3 early data (0-RTT), sent before the ServerHello (RFC 8446 section 4.2.10).
    EarlyData,
    /// An encrypted alert. In TLS 1.2 the record type says so; in TLS 1.3 (`by_size`) it is
    /// told by its size: 2 bytes of alert, 1 of inner content type, 16 of AEAD tag.
    Alert {
        /// Whether the record was taken for an alert by its size alone.
        by_size: bool,
    },
    /// Application data before the handshake allows any (the peer is not speaking TLS as
    /// expected).
    Unexpected,
}

impl EncryptedContent {
    /// The short label of the one-line form.
    fn label(self) -> &'static str {
        match self {
            EncryptedContent::ServerHandshake { resumed: false } => {
                "encrypted handshake (EncryptedExtensions, CertificateRequest*, Certificate, CertificateVerify, Finished)"
            }
            EncryptedContent::ServerHandshake { resumed: true } => {
                "encrypted handshake (EncryptedExtensions, Finished)"
            }
            EncryptedContent::ClientHandshake => {
                "encrypted handshake (Certificate*, CertificateVerify*, Finished)"
            }
            EncryptedContent::Finished => "encrypted handshake (Finished)",
            EncryptedContent::Handshake => "encrypted handshake",
            EncryptedContent::ApplicationData { tls13: false, .. } => "application data",
            EncryptedContent::ApplicationData {
                tls13: true,
                from_server: true,
            } => "application data (or NewSessionTicket, KeyUpdate)",
            EncryptedContent::ApplicationData {
                tls13: true,
                from_server: false,
            } => "application data (or KeyUpdate)",
            EncryptedContent::EarlyData => "early data (0-RTT)",
            EncryptedContent::Alert { by_size: false } => "encrypted alert",
            EncryptedContent::Alert { by_size: true } => "encrypted alert (by its size)",
            EncryptedContent::Unexpected => "application data before the handshake allows it",
        }
    }

    /// One or two sentences with the RFC section, for the detailed form.
    fn explanation(self) -> &'static str {
        match self {
            EncryptedContent::ServerHandshake { .. } => {
                "RFC 8446 4.3-4.4: after ServerHello the server encrypts the rest of its flight \
                 with its handshake key; one record may hold several messages, or one message \
                 several records. * marks a message sent only when needed."
            }
            EncryptedContent::ClientHandshake => {
                "RFC 8446 4.4: the client's Finished under its handshake key, after its \
                 Certificate and CertificateVerify if the server asked for a certificate (*)."
            }
            EncryptedContent::Finished => {
                "RFC 5246 7.4.9: Finished is the first message under the keys just agreed; it \
                 proves both sides saw the same handshake."
            }
            EncryptedContent::Handshake => {
                "RFC 5246: a handshake message after Finished, under the session keys."
            }
            EncryptedContent::ApplicationData { tls13: false, .. } => {
                "RFC 5246 6.2.3: application data (HTTP) under the session keys."
            }
            EncryptedContent::ApplicationData { tls13: true, .. } => {
                "RFC 8446 4.6, 5.2: application data (HTTP) under the traffic keys; a \
                 post-handshake message looks the same from outside."
            }
            EncryptedContent::EarlyData => {
                "RFC 8446 4.2.10: data sent with the ClientHello, before the server answered."
            }
            EncryptedContent::Alert { by_size: false } => {
                "RFC 5246 7.2: after ChangeCipherSpec alerts are encrypted too."
            }
            EncryptedContent::Alert { by_size: true } => {
                "RFC 8446 5.2: 19 bytes = a 2-byte alert, its 1-byte content type and a \
                 16-byte AEAD tag; no handshake message or request is that small."
            }
            EncryptedContent::Unexpected => {
                "Application data may only follow a finished handshake (or 0-RTT, when \
                 offered)."
            }
        }
    }
}

impl fmt::Display for EncryptedContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a record (or one handshake message in it) is.
///
/// ```
/// use plainwire::tls_record::{Detail, Direction, HandshakeObserver, RecordReader};
///
/// // A change_cipher_spec record, then bytes that are not TLS at all.
/// let mut reader = RecordReader::new(Direction::ServerToClient);
/// let mut details = Vec::new();
/// reader.feed(&mut HandshakeObserver::new(), b"\x14\x03\x03\x00\x01\x01HTTP/1.1 400", |r| {
///     details.push(r.detail)
/// });
/// assert_eq!(details[0], Detail::ChangeCipherSpec);
/// assert!(matches!(details[1], Detail::Malformed { fatal: true, .. }));
/// assert!(reader.is_stopped()); // it counts this direction's bytes from now on, nothing more
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Detail {
    /// A complete handshake message in the clear. A record with several messages gives
    /// one description each; a message split over records is described with the record it
    /// ends in.
    Handshake(HandshakeMessage),
    /// A handshake record in which no message ended: part of a message that continues in
    /// the next record.
    HandshakeFragment {
        /// The type of the message it belongs to.
        msg_type: HandshakeType,
        /// Bytes of that message received so far, header included.
        received: usize,
        /// The message's whole length with its 4-byte header, once the header is complete.
        total: Option<usize>,
    },
    /// change_cipher_spec: in TLS 1.2, "my next record is encrypted"; in TLS 1.3 a no-op
    /// kept for middleboxes (RFC 8446 appendix D.4).
    ChangeCipherSpec,
    /// An alert in the clear.
    Alert(Alert),
    /// An encrypted record, and what it carries at this point of the handshake.
    Encrypted(EncryptedContent),
    /// A heartbeat record (RFC 6520); not decoded.
    Heartbeat,
    /// A record of a content type TLS does not define; not decoded.
    UnknownType,
    /// A record (or its content) that breaks the protocol. `fatal`: the header itself was
    /// unusable, so the reader no longer parses this direction (it keeps counting bytes).
    Malformed {
        /// What is wrong, with the numbers involved.
        reason: String,
        /// Whether the reader stopped parsing this direction.
        fatal: bool,
    },
}

/// One TLS record as it crossed the socket, or one handshake message in a record: what
/// [`RecordReader`](super::RecordReader) hands out. Plain data.
///
/// `{}` prints curl's one line; `{:#}` adds a line per field worth knowing:
///
/// ```
/// use plainwire::tls_record::{Direction, HandshakeObserver, RecordReader};
///
/// // A fatal handshake_failure alert, as a server sends it in the clear.
/// let bytes = [21, 3, 3, 0, 2, 2, 40];
/// let mut observer = HandshakeObserver::new();
/// let mut reader = RecordReader::new(Direction::ServerToClient);
/// let mut lines = Vec::new();
/// reader.feed(&mut observer, &bytes, |record| lines.push(format!("{record:#}")));
/// assert_eq!(
///     lines,
///     ["TLSv1.2 (IN), TLS alert, handshake failure (552):\n  \
///       record: alert (21), legacy version TLSv1.2, 2 bytes\n  \
///       alert: fatal (2), handshake_failure (40)"]
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRecord {
    /// Which way it went.
    pub direction: Direction,
    /// The protocol version in use, as curl shows it: the version the client offers until
    /// the ServerHello has been seen, the negotiated one after; the record header's version
    /// if neither is known.
    pub version: TlsVersion,
    /// The content type in the record header (for TLS 1.3 encrypted records, always
    /// application_data).
    pub content_type: ContentType,
    /// `legacy_record_version` from the header (RFC 8446 section 5.1): frozen at TLS 1.2 (or
    /// TLS 1.0 in a first ClientHello), never the negotiated version.
    pub record_version: TlsVersion,
    /// The record's payload length, the 5-byte header not included.
    pub length: usize,
    /// What the record (or the message in it) is.
    pub detail: Detail,
}

impl fmt::Display for TlsRecord {
    /// `TLSv1.3 (OUT), TLS handshake, Client hello (1):` as curl's `-v` prints it; encrypted
    /// and other records undecoded by curl in the same shape, with their length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}), ", self.version, self.direction)?;
        let record_type = self.content_type.curl_name();
        match &self.detail {
            Detail::Handshake(message) => write!(
                f,
                "{record_type}, {} ({}):",
                message.curl_name(),
                message.msg_type.0
            )?,
            Detail::HandshakeFragment {
                msg_type,
                received,
                total,
            } => {
                write!(
                    f,
                    "{record_type}, part of {} ({}), ",
                    msg_type.curl_name(),
                    msg_type.0
                )?;
                match total {
                    Some(total) => write!(f, "{received} of {total} bytes:")?,
                    None => write!(f, "{}:", Bytes(*received))?,
                }
            }
            Detail::ChangeCipherSpec => write!(f, "{record_type}, Change cipher spec (1):")?,
            Detail::Alert(alert) => write!(
                f,
                "{record_type}, {} ({}):",
                alert.description.curl_text(),
                u16::from(alert.level.0) << 8 | u16::from(alert.description.0)
            )?,
            Detail::Encrypted(content) => {
                write!(f, "{record_type}, {content}, {}:", Bytes(self.length))?
            }
            Detail::Heartbeat => write!(f, "{record_type}, {}:", Bytes(self.length))?,
            Detail::UnknownType => write!(
                f,
                "{record_type}, content type {}, {}:",
                self.content_type.0,
                Bytes(self.length)
            )?,
            Detail::Malformed { reason, .. } => write!(f, "malformed record: {reason}")?,
        }
        if f.alternate() {
            self.write_fields(f)?;
        }
        Ok(())
    }
}

impl TlsRecord {
    /// Whether the record carries application data (or TLS 1.3 early data), as far as an
    /// observer can tell: the records curl's `-v` does not show, since they are the HTTP
    /// itself, which a trace shows in the clear anyway.
    ///
    /// ```
    /// use plainwire::tls_record::{Direction, HandshakeObserver, RecordReader};
    ///
    /// let mut records = Vec::new();
    /// let alert = [21, 3, 3, 0, 2, 1, 0];
    /// RecordReader::new(Direction::ServerToClient)
    ///     .feed(&mut HandshakeObserver::new(), &alert, |r| records.push(r));
    /// assert!(!records[0].is_application_data());
    /// ```
    pub fn is_application_data(&self) -> bool {
        matches!(
            self.detail,
            Detail::Encrypted(
                EncryptedContent::ApplicationData { .. } | EncryptedContent::EarlyData
            )
        )
    }

    /// The lines of the `{:#}` form after the first.
    fn write_fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !matches!(&self.detail, Detail::Malformed { fatal: true, .. }) {
            write!(
                f,
                "\n  record: {} ({}), legacy version {}, {}",
                self.content_type,
                self.content_type.0,
                self.record_version,
                Bytes(self.length)
            )?;
        }
        match &self.detail {
            Detail::Handshake(message) => message.write_fields(f),
            Detail::HandshakeFragment { .. } => f.write_str(
                "\n  the message continues in the next record (RFC 8446 5.1: handshake \
                 messages may span records)",
            ),
            Detail::ChangeCipherSpec if self.version == TlsVersion::TLS13 => f.write_str(
                "\n  RFC 8446 D.4: a no-op in TLS 1.3, sent so that middleboxes see what \
                 looks like a TLS 1.2 handshake",
            ),
            Detail::ChangeCipherSpec => f.write_str(
                "\n  RFC 5246 7.1: from the next record on, this side encrypts with the \
                 keys just agreed",
            ),
            Detail::Alert(alert) => write!(
                f,
                "\n  alert: {} ({}), {} ({})",
                alert.level, alert.level.0, alert.description, alert.description.0
            ),
            Detail::Encrypted(content) => {
                write!(f, "\n  encrypted: {}", content.explanation())
            }
            Detail::Heartbeat => f.write_str("\n  RFC 6520 heartbeat: not decoded"),
            Detail::UnknownType => f.write_str("\n  a content type TLS does not define"),
            Detail::Malformed { fatal: true, .. } => {
                f.write_str("\n  the reader stops here: the rest of this direction is only counted")
            }
            Detail::Malformed { fatal: false, .. } => Ok(()),
        }
    }
}
