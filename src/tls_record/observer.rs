//! Where a handshake is, as seen from outside: what each side offered and chose, and from
//! which record on each side encrypts. It holds no keys and decrypts nothing; it is what
//! lets a reader say what an encrypted record must carry at that point.
//!
//! The two [`RecordReader`](super::RecordReader)s of a connection share one observer, since
//! what one side may send depends on what the other sent (the client encrypts once it has
//! seen the ServerHello).

use super::handshake::{HandshakeBody, HandshakeMessage};
use super::names::{ContentType, TlsVersion};
use super::record::{Direction, EncryptedContent};

/// The size of a TLS 1.3 record holding one encrypted alert and no padding: a 2-byte alert,
/// the 1-byte inner content type, and the 16-byte tag every TLS 1.3 AEAD suite but the
/// rarely used CCM_8 adds (RFC 8446 section 5.2). No handshake message, and no HTTP
/// request or response, is that short, so a record of this size is taken for an alert.
pub const ENCRYPTED_ALERT_LEN: usize = 2 + 1 + 16;

/// The handshake state shared by the two readers of one connection.
///
/// ```
/// use plainwire::tls_record::{Direction, HandshakeObserver, RecordReader};
///
/// let mut observer = HandshakeObserver::new();
/// let mut to_server = RecordReader::new(Direction::ClientToServer);
/// let mut to_client = RecordReader::new(Direction::ServerToClient);
/// // ... feed each reader the bytes of its direction, in the order they cross the socket:
/// to_server.feed(&mut observer, &[], |record| println!("{record}"));
/// to_client.feed(&mut observer, &[], |record| println!("{record}"));
/// assert_eq!(observer.negotiated_version(), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct HandshakeObserver {
    /// The highest version in the (last) ClientHello.
    offered: Option<TlsVersion>,
    /// The version from the ServerHello, or from a HelloRetryRequest.
    negotiated: Option<TlsVersion>,
    /// A real ServerHello (not a HelloRetryRequest) has been seen.
    server_hello_seen: bool,
    /// The ClientHello offered early data.
    early_data_offered: bool,
    /// The TLS 1.3 server accepted a pre-shared key.
    resumed: bool,
    /// TLS 1.3: the client's first encrypted record (its Finished) has gone by.
    client_finished: bool,
    /// TLS 1.2: each side's ChangeCipherSpec, after which it encrypts (client, server).
    changed_cipher: [bool; 2],
    /// TLS 1.2: each side's Finished (its first encrypted handshake record) has gone by.
    finished: [bool; 2],
}

fn side(direction: Direction) -> usize {
    match direction {
        Direction::ClientToServer => 0,
        Direction::ServerToClient => 1,
    }
}

impl HandshakeObserver {
    /// A connection on which nothing has been seen yet.
    pub fn new() -> HandshakeObserver {
        HandshakeObserver::default()
    }

    /// The version the ServerHello (or a HelloRetryRequest) chose, once seen.
    pub fn negotiated_version(&self) -> Option<TlsVersion> {
        self.negotiated
    }

    /// The version to print for the next record, as curl does: the negotiated one, else the
    /// highest one offered, else the record header's.
    pub(crate) fn display_version(&self, record_version: TlsVersion) -> TlsVersion {
        self.negotiated.or(self.offered).unwrap_or(record_version)
    }

    fn is_tls13(&self) -> bool {
        self.server_hello_seen && self.negotiated == Some(TlsVersion::TLS13)
    }

    /// Whether a record of `content_type` and `length` from `direction` is encrypted at this
    /// point, and if so, what it carries. `None`: it travels in the clear.
    pub(crate) fn encrypted(
        &self,
        direction: Direction,
        content_type: ContentType,
        length: usize,
    ) -> Option<EncryptedContent> {
        let from_server = direction == Direction::ServerToClient;
        if self.is_tls13() {
            // RFC 8446 section 5.2: after the ServerHello every encrypted record is
            // application_data outside; change_cipher_spec and alerts sent in the clear
            // (before keys were ready) keep their own types.
            if content_type != ContentType::APPLICATION_DATA {
                return None;
            }
            return Some(if length == ENCRYPTED_ALERT_LEN {
                EncryptedContent::Alert { by_size: true }
            } else if self.client_finished {
                EncryptedContent::ApplicationData {
                    tls13: true,
                    from_server,
                }
            } else if from_server {
                EncryptedContent::ServerHandshake {
                    resumed: self.resumed,
                }
            } else {
                EncryptedContent::ClientHandshake
            });
        }
        if self.server_hello_seen && self.changed_cipher[side(direction)] {
            // RFC 5246 section 7.1: every record after this side's ChangeCipherSpec.
            return match content_type {
                ContentType::HANDSHAKE if !self.finished[side(direction)] => {
                    Some(EncryptedContent::Finished)
                }
                ContentType::HANDSHAKE => Some(EncryptedContent::Handshake),
                ContentType::ALERT => Some(EncryptedContent::Alert { by_size: false }),
                ContentType::APPLICATION_DATA => Some(EncryptedContent::ApplicationData {
                    tls13: false,
                    from_server,
                }),
                _ => None,
            };
        }
        if content_type != ContentType::APPLICATION_DATA {
            return None;
        }
        Some(
            if !from_server && self.early_data_offered && !self.server_hello_seen {
                EncryptedContent::EarlyData
            } else {
                EncryptedContent::Unexpected
            },
        )
    }

    /// Notes an encrypted record that went by.
    pub(crate) fn saw_encrypted(&mut self, direction: Direction, content: EncryptedContent) {
        match content {
            EncryptedContent::ClientHandshake => self.client_finished = true,
            EncryptedContent::Finished => self.finished[side(direction)] = true,
            _ => {}
        }
    }

    /// Notes a change_cipher_spec: in TLS 1.2 the sender encrypts from its next record on;
    /// in TLS 1.3 it means nothing (RFC 8446 appendix D.4).
    pub(crate) fn saw_change_cipher_spec(&mut self, direction: Direction) {
        if self.server_hello_seen && self.negotiated != Some(TlsVersion::TLS13) {
            self.changed_cipher[side(direction)] = true;
        }
    }

    /// Notes a cleartext handshake message.
    pub(crate) fn saw_handshake(&mut self, message: &HandshakeMessage) {
        match &message.body {
            HandshakeBody::ClientHello(hello) => {
                self.offered = Some(hello.max_version());
                self.early_data_offered = hello.offers_early_data;
            }
            HandshakeBody::ServerHello(hello) if hello.is_retry_request => {
                // RFC 8446 section 4.1.4: the version is settled, the handshake starts over
                // with a second ClientHello, still in the clear.
                self.negotiated = Some(hello.version());
                self.early_data_offered = false;
            }
            HandshakeBody::ServerHello(hello) => {
                self.negotiated = Some(hello.version());
                self.server_hello_seen = true;
                self.resumed = hello.accepts_psk;
            }
            _ => {}
        }
    }
}
