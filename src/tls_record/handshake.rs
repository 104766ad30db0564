//! One cleartext handshake message, decoded into the fields worth showing a learner; not a
//! validator: a field that does not parse is reported, never guessed at, and the parse
//! never reads past the message it was given.
//!
//! Only messages that travel in the clear are decoded: the hellos (RFC 8446 section 4.1),
//! and TLS 1.2's Certificate, ServerKeyExchange, ClientKeyExchange and NewSessionTicket. The
//! rest are named by type and length.

use std::fmt;

use super::names::{
    is_grease, CipherSuite, ExtensionType, HandshakeType, NamedGroup, SignatureScheme, TlsVersion,
};

/// The most entries of one list (cipher suites, groups, certificates...) that a description
/// keeps; the rest are counted. OpenSSL offers 31 cipher suites, the longest real list; a
/// longer one is a test or an attack, and printed whole it would drown a trace.
pub const MAX_LISTED: usize = 64;

/// `SHA-256("HelloRetryRequest")`: the `random` of a ServerHello that is really a
/// HelloRetryRequest (RFC 8446 section 4.1.3).
const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// "DOWNGRD": the first 7 of the last 8 bytes of a ServerHello random from a TLS 1.3 server
/// that agreed to TLS 1.2 (last byte 01) or older (00), so that a TLS 1.3 client can tell a
/// downgrade attack (RFC 8446 section 4.1.3).
const DOWNGRADE_SENTINEL: [u8; 7] = *b"DOWNGRD";

/// A list from a message: at most [`MAX_LISTED`] entries, and how many more there were.
///
/// ```
/// use plainwire::tls_record::{Listed, NamedGroup};
///
/// let groups = Listed { items: vec![NamedGroup(0x001d), NamedGroup(0x0017)], more: 3 };
/// assert_eq!(groups.len(), 5);
/// assert_eq!(groups.to_string(), "x25519, secp256r1, and 3 more");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T> {
    /// The first entries, in wire order.
    pub items: Vec<T>,
    /// How many entries followed those and were not kept.
    pub more: usize,
}

impl<T> Listed<T> {
    fn new() -> Listed<T> {
        Listed {
            items: Vec::new(),
            more: 0,
        }
    }

    fn push(&mut self, item: T) {
        if self.items.len() < MAX_LISTED {
            self.items.push(item);
        } else {
            self.more += 1;
        }
    }

    /// How many entries the list had on the wire.
    pub fn len(&self) -> usize {
        self.items.len() + self.more
    }

    /// Whether the list was empty on the wire.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: fmt::Display> fmt::Display for Listed<T> {
    /// `a, b, c`, then `and 12 more` when entries were left out; `(none)` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("(none)");
        }
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        if self.more > 0 {
            write!(f, ", and {} more", self.more)?;
        }
        Ok(())
    }
}

/// One key share a client sends: a group and the size of its public key (RFC 8446 section
/// 4.2.8). `x25519 (32 bytes)`; a post-quantum hybrid is over a kilobyte.
///
/// ```
/// use plainwire::tls_record::{KeyShare, NamedGroup};
/// let share = KeyShare { group: NamedGroup(0x001d), key_len: 32 };
/// assert_eq!(share.to_string(), "x25519 (32 bytes)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyShare {
    /// The group.
    pub group: NamedGroup,
    /// The length of the public key in bytes.
    pub key_len: usize,
}

impl fmt::Display for KeyShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.group, Bytes(self.key_len))
    }
}

/// The fields of a ClientHello worth showing (RFC 8446 section 4.1.2).
///
/// A ClientHello built by hand, byte by byte as a TLS 1.3 client sends it, then read back:
///
/// ```
/// use plainwire::tls_record::{
///     CipherSuite, Detail, Direction, HandshakeBody, HandshakeObserver, RecordReader, TlsVersion,
/// };
///
/// let mut extensions = Vec::new();
/// extensions.extend([0, 0, 0, 16, 0, 14, 0, 0, 11]); // server_name: one host name, 11 bytes
/// extensions.extend(b"example.com");
/// extensions.extend([0, 43, 0, 5, 4, 3, 4, 3, 3]); // supported_versions: TLS 1.3, TLS 1.2
/// extensions.extend([0, 51, 0, 38, 0, 36, 0, 29, 0, 32]); // key_share: x25519, 32 bytes
/// extensions.extend([0x42; 32]);
///
/// let mut hello = vec![3, 3]; // legacy_version: TLS 1.2
/// hello.extend([0x11; 32]); // random
/// hello.push(0); // legacy_session_id: empty
/// hello.extend([0, 4, 0x13, 0x01, 0x13, 0x02]); // cipher_suites: two TLS 1.3 suites
/// hello.extend([1, 0]); // legacy_compression_methods: null only
/// hello.extend((extensions.len() as u16).to_be_bytes());
/// hello.extend(extensions);
///
/// let mut record = vec![22, 3, 1]; // handshake record, legacy_record_version TLS 1.0
/// record.extend((hello.len() as u16 + 4).to_be_bytes());
/// record.extend([1, 0]); // client_hello, then its 3-byte length
/// record.extend((hello.len() as u16).to_be_bytes());
/// record.extend(hello);
///
/// let mut reader = RecordReader::new(Direction::ClientToServer);
/// let mut records = Vec::new();
/// reader.feed(&mut HandshakeObserver::new(), &record, |r| records.push(r));
/// assert_eq!(records[0].to_string(), "TLSv1.3 (OUT), TLS handshake, Client hello (1):");
///
/// let Detail::Handshake(message) = &records[0].detail else { panic!("not a handshake") };
/// let HandshakeBody::ClientHello(hello) = &message.body else { panic!("not a ClientHello") };
/// assert_eq!(hello.server_name.as_deref(), Some("example.com")); // sent in the clear
/// assert_eq!(hello.max_version(), TlsVersion::TLS13);
/// assert_eq!(hello.cipher_suites.items, [CipherSuite(0x1301), CipherSuite(0x1302)]);
/// assert_eq!(hello.key_shares.to_string(), "x25519 (32 bytes)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// `legacy_version`: 0x0303 (TLS 1.2) from a TLS 1.3 client, which offers 1.3 in
    /// `supported_versions` instead.
    pub legacy_version: TlsVersion,
    /// The client random: what a key log line names the session by (`CLIENT_RANDOM <random> ...`).
    pub random: [u8; 32],
    /// Length of `legacy_session_id`: 32 random bytes from a TLS 1.3 client, for middleboxes
    /// (RFC 8446 appendix D.4).
    pub session_id_len: usize,
    /// The cipher suites offered, in order of preference.
    pub cipher_suites: Listed<CipherSuite>,
    /// The extensions, in wire order.
    pub extensions: Listed<ExtensionType>,
    /// The host name from `server_name` (RFC 6066 section 3), sent in the clear; non-printable
    /// bytes escaped as `\xNN`.
    pub server_name: Option<String>,
    /// The ALPN protocols offered (RFC 7301), escaped as `server_name` is.
    pub alpn: Listed<String>,
    /// `supported_versions` (RFC 8446 section 4.2.1).
    pub supported_versions: Listed<TlsVersion>,
    /// `supported_groups` (RFC 8446 section 4.2.7).
    pub supported_groups: Listed<NamedGroup>,
    /// `key_share`: the groups the client already sent a public key for (section 4.2.8).
    pub key_shares: Listed<KeyShare>,
    /// `signature_algorithms` (RFC 8446 section 4.2.3).
    pub signature_algorithms: Listed<SignatureScheme>,
    /// Whether `pre_shared_key` is present: the client offers to resume a session.
    pub offers_psk: bool,
    /// Whether `early_data` is present: 0-RTT data may follow at once (section 4.2.10).
    pub offers_early_data: bool,
}

impl ClientHello {
    /// The highest version offered: from `supported_versions` when present, otherwise
    /// `legacy_version` (RFC 8446 section 4.2.1).
    pub fn max_version(&self) -> TlsVersion {
        self.supported_versions
            .items
            .iter()
            .copied()
            .filter(|v| !is_grease(v.0))
            .max()
            .unwrap_or(self.legacy_version)
    }
}

/// The fields of a ServerHello or HelloRetryRequest worth showing (RFC 8446 section 4.1.3,
/// RFC 5246 section 7.4.1.3).
///
/// ```
/// use plainwire::tls_record::{
///     Detail, Direction, HandshakeBody, HandshakeObserver, NamedGroup, RecordReader, TlsVersion,
/// };
///
/// let mut hello = vec![3, 3]; // legacy_version: TLS 1.2
/// hello.extend([0x22; 32]); // random
/// hello.push(0); // legacy_session_id_echo: empty
/// hello.extend([0x13, 0x01, 0]); // cipher_suite TLS_AES_128_GCM_SHA256, compression null
/// hello.extend([0, 46]); // extensions:
/// hello.extend([0, 43, 0, 2, 3, 4]); // supported_versions: TLS 1.3
/// hello.extend([0, 51, 0, 36, 0, 29, 0, 32]); // key_share: x25519, 32 bytes
/// hello.extend([0x24; 32]);
///
/// let mut record = vec![22, 3, 3];
/// record.extend((hello.len() as u16 + 4).to_be_bytes());
/// record.extend([2, 0]); // server_hello, then its 3-byte length
/// record.extend((hello.len() as u16).to_be_bytes());
/// record.extend(hello);
///
/// let mut observer = HandshakeObserver::new();
/// let mut reader = RecordReader::new(Direction::ServerToClient);
/// let mut records = Vec::new();
/// reader.feed(&mut observer, &record, |r| records.push(r));
/// let Detail::Handshake(message) = &records[0].detail else { panic!("not a handshake") };
/// let HandshakeBody::ServerHello(hello) = &message.body else { panic!("not a ServerHello") };
/// assert_eq!(hello.version(), TlsVersion::TLS13); // from supported_versions, not legacy_version
/// assert_eq!(hello.key_share, Some(NamedGroup(0x001d)));
/// assert!(!hello.is_retry_request);
/// assert_eq!(observer.negotiated_version(), Some(TlsVersion::TLS13));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// `legacy_version`: always 0x0303 from a TLS 1.3 server.
    pub legacy_version: TlsVersion,
    /// The server random.
    pub random: [u8; 32],
    /// Length of the session id echoed (TLS 1.3) or chosen (TLS 1.2).
    pub session_id_len: usize,
    /// The chosen cipher suite.
    pub cipher_suite: CipherSuite,
    /// The extensions, in wire order.
    pub extensions: Listed<ExtensionType>,
    /// The version from `supported_versions`: present when TLS 1.3 was chosen.
    pub selected_version: Option<TlsVersion>,
    /// The group of the server's key share; in a HelloRetryRequest, the group the server
    /// wants a share for.
    pub key_share: Option<NamedGroup>,
    /// Whether `pre_shared_key` is present: the server resumes a session (TLS 1.3).
    pub accepts_psk: bool,
    /// The ALPN protocol chosen, when sent here (TLS 1.2; TLS 1.3 sends it encrypted).
    pub alpn: Option<String>,
    /// Whether this is a HelloRetryRequest: the special random of RFC 8446 section 4.1.3.
    pub is_retry_request: bool,
    /// The downgrade sentinel's version (`TLSv1.2` or older), if the random ends with one.
    pub downgrade_sentinel: Option<TlsVersion>,
}

impl ServerHello {
    /// The version the server chose: `supported_versions` if present, else `legacy_version`.
    pub fn version(&self) -> TlsVersion {
        self.selected_version.unwrap_or(self.legacy_version)
    }
}

/// A TLS 1.2 ServerKeyExchange for an ECDHE suite (RFC 8422 section 5.4).
///
/// ```
/// use plainwire::tls_record::{HandshakeBody, NamedGroup, ServerKeyExchange, SignatureScheme};
///
/// fn describe(body: &HandshakeBody) -> Option<String> {
///     match body {
///         HandshakeBody::ServerKeyExchange(kx) => {
///             Some(format!("{} key, {} bytes, signed with {}", kx.group, kx.key_len, kx.signature))
///         }
///         _ => None,
///     }
/// }
/// let kx = ServerKeyExchange {
///     group: NamedGroup(0x001d),
///     key_len: 32,
///     signature: SignatureScheme(0x0804),
/// };
/// assert_eq!(
///     describe(&HandshakeBody::ServerKeyExchange(kx)).unwrap(),
///     "x25519 key, 32 bytes, signed with rsa_pss_rsae_sha256"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerKeyExchange {
    /// The curve of the server's ephemeral key.
    pub group: NamedGroup,
    /// The length of that public key.
    pub key_len: usize,
    /// The signature scheme over the parameters.
    pub signature: SignatureScheme,
}

/// What a handshake message holds, as far as it is decoded.
///
/// ```
/// use plainwire::tls_record::{Detail, Direction, HandshakeBody, HandshakeObserver, RecordReader};
///
/// // A TLS 1.2 ServerHelloDone (type 14, empty), in one handshake record.
/// let record = [22, 3, 3, 0, 4, 14, 0, 0, 0];
/// let mut reader = RecordReader::new(Direction::ServerToClient);
/// let mut records = Vec::new();
/// reader.feed(&mut HandshakeObserver::new(), &record, |r| records.push(r));
/// let Detail::Handshake(message) = &records[0].detail else { panic!("not a handshake") };
/// assert_eq!(message.body, HandshakeBody::Named); // nothing in it to decode
/// assert_eq!(message.length, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandshakeBody {
    /// A ClientHello.
    ClientHello(Box<ClientHello>),
    /// A ServerHello or HelloRetryRequest.
    ServerHello(Box<ServerHello>),
    /// A TLS 1.2 Certificate: the size of each certificate, leaf first.
    Certificate(Listed<usize>),
    /// A TLS 1.2 ServerKeyExchange for ECDHE.
    ServerKeyExchange(ServerKeyExchange),
    /// A TLS 1.2 ClientKeyExchange: the length of the client's ECDHE public key, or of the
    /// RSA-encrypted premaster secret.
    ClientKeyExchange {
        /// Length of the public key or encrypted secret.
        key_len: usize,
    },
    /// A TLS 1.2 NewSessionTicket (RFC 5077 section 3.3).
    NewSessionTicket {
        /// How long the client may keep the ticket, in seconds.
        lifetime_hint: u32,
        /// The ticket's length (it is opaque to the client).
        ticket_len: usize,
    },
    /// A message named by its type only (ServerHelloDone, HelloRequest, ...), or one this
    /// reader does not decode.
    Named,
    /// A message longer than [`MAX_HANDSHAKE_MESSAGE`](super::limits::MAX_HANDSHAKE_MESSAGE): not
    /// kept, only its type and length are known.
    TooLarge,
    /// The message does not parse; the reason, for the description.
    Undecodable(&'static str),
}

/// One handshake message: its type, its length, and what is decoded of it.
///
/// ```
/// use plainwire::tls_record::{Detail, Direction, HandshakeObserver, HandshakeType, RecordReader};
///
/// // Two messages in one record: a HelloRequest (0) and a ServerHelloDone (14), both empty.
/// let record = [22, 3, 3, 0, 8, 0, 0, 0, 0, 14, 0, 0, 0];
/// let mut reader = RecordReader::new(Direction::ServerToClient);
/// let mut types = Vec::new();
/// reader.feed(&mut HandshakeObserver::new(), &record, |r| {
///     if let Detail::Handshake(message) = r.detail {
///         types.push(message.msg_type);
///     }
/// });
/// assert_eq!(types, [HandshakeType(0), HandshakeType::SERVER_HELLO_DONE]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeMessage {
    /// The message type.
    pub msg_type: HandshakeType,
    /// The length of the message body (the 4-byte message header not included).
    pub length: usize,
    /// The decoded fields.
    pub body: HandshakeBody,
}

impl HandshakeMessage {
    /// Decodes a whole message, header included (`msg_type`, a 3-byte length, the body).
    /// `message` must hold exactly one message; a shorter or longer one is `Undecodable`.
    pub(crate) fn parse(message: &[u8]) -> HandshakeMessage {
        let msg_type = HandshakeType(message.first().copied().unwrap_or(0));
        let body = message.get(4..).unwrap_or(&[]);
        let length = body.len();
        let declared = Cursor::new(message.get(1..4).unwrap_or(&[])).u24();
        let body = if declared != Some(length) {
            HandshakeBody::Undecodable("the message length does not match its header")
        } else {
            parse_body(msg_type, body)
        };
        HandshakeMessage {
            msg_type,
            length,
            body,
        }
    }

    /// A message too large to keep: its type and declared length only.
    pub(crate) fn too_large(msg_type: HandshakeType, length: usize) -> HandshakeMessage {
        HandshakeMessage {
            msg_type,
            length,
            body: HandshakeBody::TooLarge,
        }
    }

    /// The name for curl's one-line style: curl's own name for the type, except that a
    /// HelloRetryRequest, a ServerHello on the wire, is called what it is.
    pub fn curl_name(&self) -> &'static str {
        match &self.body {
            HandshakeBody::ServerHello(hello) if hello.is_retry_request => "Hello retry request",
            _ => self.msg_type.curl_name(),
        }
    }

    /// Writes the decoded fields, one `\n  name: value` line each.
    pub(crate) fn write_fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if matches!(&self.body, HandshakeBody::ServerHello(hello) if hello.is_retry_request) {
            f.write_str("\n  message: hello_retry_request, a server_hello")?;
        } else {
            write!(f, "\n  message: {}", self.msg_type)?;
        }
        write!(f, " ({}), {}", self.msg_type.0, Bytes(self.length))?;
        match &self.body {
            HandshakeBody::ClientHello(hello) => write_client_hello(f, hello),
            HandshakeBody::ServerHello(hello) => write_server_hello(f, hello),
            HandshakeBody::Certificate(sizes) => {
                write!(f, "\n  certificates: {}", sizes.len())?;
                if !sizes.is_empty() {
                    write!(f, "\n  sizes (leaf first): {sizes}")?;
                }
                Ok(())
            }
            HandshakeBody::ServerKeyExchange(ske) => write!(
                f,
                "\n  ephemeral key: {} ({})\n  signed with: {}",
                ske.group,
                Bytes(ske.key_len),
                ske.signature
            ),
            HandshakeBody::ClientKeyExchange { key_len } => {
                write!(f, "\n  key exchange: {}", Bytes(*key_len))
            }
            HandshakeBody::NewSessionTicket {
                lifetime_hint,
                ticket_len,
            } => write!(
                f,
                "\n  ticket: {}, lifetime hint {lifetime_hint} s",
                Bytes(*ticket_len)
            ),
            HandshakeBody::Named => Ok(()),
            HandshakeBody::TooLarge => write!(
                f,
                "\n  too large to decode: over {} bytes",
                super::limits::MAX_HANDSHAKE_MESSAGE
            ),
            HandshakeBody::Undecodable(reason) => write!(f, "\n  could not decode: {reason}"),
        }
    }
}

fn write_client_hello(f: &mut fmt::Formatter<'_>, hello: &ClientHello) -> fmt::Result {
    write!(f, "\n  legacy version: {}", hello.legacy_version)?;
    write!(f, "\n  random: {}", Hex(&hello.random))?;
    write!(f, "\n  session id: {}", Bytes(hello.session_id_len))?;
    write!(f, "\n  cipher suites: {}", hello.cipher_suites)?;
    if let Some(name) = &hello.server_name {
        write!(f, "\n  server name: {name}")?;
    }
    if !hello.alpn.is_empty() {
        write!(f, "\n  ALPN: {}", hello.alpn)?;
    }
    if !hello.supported_versions.is_empty() {
        write!(f, "\n  supported versions: {}", hello.supported_versions)?;
    }
    if !hello.supported_groups.is_empty() {
        write!(f, "\n  supported groups: {}", hello.supported_groups)?;
    }
    if !hello.key_shares.is_empty() {
        write!(f, "\n  key shares: {}", hello.key_shares)?;
    }
    if !hello.signature_algorithms.is_empty() {
        write!(
            f,
            "\n  signature algorithms: {}",
            hello.signature_algorithms
        )?;
    }
    if hello.offers_psk {
        f.write_str("\n  pre-shared key: offered (resumption)")?;
    }
    if hello.offers_early_data {
        f.write_str("\n  early data: offered (0-RTT)")?;
    }
    write!(f, "\n  extensions: {}", hello.extensions)
}

fn write_server_hello(f: &mut fmt::Formatter<'_>, hello: &ServerHello) -> fmt::Result {
    if hello.is_retry_request {
        f.write_str(
            "\n  hello retry request: the server asks for a new ClientHello (RFC 8446 4.1.4)",
        )?;
    }
    write!(f, "\n  legacy version: {}", hello.legacy_version)?;
    if let Some(version) = hello.selected_version {
        write!(f, "\n  selected version: {version} (supported_versions)")?;
    }
    if !hello.is_retry_request {
        write!(f, "\n  random: {}", Hex(&hello.random))?;
    }
    if let Some(version) = hello.downgrade_sentinel {
        write!(
            f,
            "\n  downgrade sentinel: a TLS 1.3 server chose {version} (RFC 8446 4.1.3)"
        )?;
    }
    write!(f, "\n  session id: {}", Bytes(hello.session_id_len))?;
    write!(f, "\n  cipher suite: {}", hello.cipher_suite)?;
    match (hello.key_share, hello.is_retry_request) {
        (Some(group), true) => write!(f, "\n  key share wanted for: {group}")?,
        (Some(group), false) => write!(f, "\n  key share: {group}")?,
        (None, _) => {}
    }
    if let Some(alpn) = &hello.alpn {
        write!(f, "\n  ALPN: {alpn}")?;
    }
    if hello.accepts_psk {
        f.write_str("\n  pre-shared key: accepted (resumed session)")?;
    }
    write!(f, "\n  extensions: {}", hello.extensions)
}

/// A byte count: `1 byte`, `2 bytes`.
pub(crate) struct Bytes(pub(crate) usize);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 byte"),
            n => write!(f, "{n} bytes"),
        }
    }
}

/// Bytes as lowercase hex.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Bytes from the wire as a printable string: ASCII graphic characters and space as they
/// are, anything else as `\xNN`, so that a peer cannot put control sequences in a trace.
fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b == b' ' || (b.is_ascii_graphic() && b != b'\\') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

fn parse_body(msg_type: HandshakeType, body: &[u8]) -> HandshakeBody {
    let parsed = match msg_type {
        HandshakeType::CLIENT_HELLO => {
            parse_client_hello(body).map(|h| HandshakeBody::ClientHello(Box::new(h)))
        }
        HandshakeType::SERVER_HELLO => {
            parse_server_hello(body).map(|h| HandshakeBody::ServerHello(Box::new(h)))
        }
        HandshakeType::CERTIFICATE => parse_certificate_tls12(body),
        HandshakeType::SERVER_KEY_EXCHANGE => parse_server_key_exchange(body),
        HandshakeType::CLIENT_KEY_EXCHANGE => parse_client_key_exchange(body),
        HandshakeType::NEW_SESSION_TICKET => parse_new_session_ticket(body),
        _ => Some(HandshakeBody::Named),
    };
    parsed.unwrap_or(HandshakeBody::Undecodable(
        "a length inside the message runs past its end",
    ))
}

/// A reader over a byte slice that never reads past its end: every read is `None` when the
/// bytes run out.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Cursor<'a> {
        Cursor { bytes }
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(taken)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    fn u24(&mut self) -> Option<usize> {
        self.take(3)
            .map(|b| usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A vector with a one-byte length (`opaque x<0..2^8-1>`).
    fn vec8(&mut self) -> Option<Cursor<'a>> {
        let len = self.u8()?;
        self.take(usize::from(len)).map(Cursor::new)
    }

    /// A vector with a two-byte length.
    fn vec16(&mut self) -> Option<Cursor<'a>> {
        let len = self.u16()?;
        self.take(usize::from(len)).map(Cursor::new)
    }

    /// A vector with a three-byte length.
    fn vec24(&mut self) -> Option<Cursor<'a>> {
        let len = self.u24()?;
        self.take(len).map(Cursor::new)
    }

    /// A list of two-byte values, which must fill the cursor exactly.
    fn u16_list<T>(mut self, wrap: impl Fn(u16) -> T) -> Option<Listed<T>> {
        let mut list = Listed::new();
        while !self.is_empty() {
            list.push(wrap(self.u16()?));
        }
        Some(list)
    }

    fn random(&mut self) -> Option<[u8; 32]> {
        self.take(32)?.try_into().ok()
    }
}

/// Walks `extensions` (RFC 8446 section 4.2: a two-byte type, then two-byte-length data),
/// handing each to `each`, which returns `None` if the data does not parse.
fn for_each_extension<'a>(
    mut extensions: Cursor<'a>,
    mut each: impl FnMut(ExtensionType, Cursor<'a>) -> Option<()>,
) -> Option<()> {
    while !extensions.is_empty() {
        let kind = ExtensionType(extensions.u16()?);
        let data = extensions.vec16()?;
        each(kind, data)?;
    }
    Some(())
}

/// RFC 8446 section 4.1.2.
fn parse_client_hello(body: &[u8]) -> Option<ClientHello> {
    let mut c = Cursor::new(body);
    let legacy_version = TlsVersion(c.u16()?);
    let random = c.random()?;
    let session_id_len = c.vec8()?.bytes.len();
    let cipher_suites = c.vec16()?.u16_list(CipherSuite)?;
    let _compression_methods = c.vec8()?;
    let mut hello = ClientHello {
        legacy_version,
        random,
        session_id_len,
        cipher_suites,
        extensions: Listed::new(),
        server_name: None,
        alpn: Listed::new(),
        supported_versions: Listed::new(),
        supported_groups: Listed::new(),
        key_shares: Listed::new(),
        signature_algorithms: Listed::new(),
        offers_psk: false,
        offers_early_data: false,
    };
    // A TLS 1.2 ClientHello may end here, without extensions (RFC 5246 section 7.4.1.2).
    if c.is_empty() {
        return Some(hello);
    }
    let extensions = c.vec16()?;
    if !c.is_empty() {
        return None;
    }
    for_each_extension(extensions, |kind, mut data| {
        hello.extensions.push(kind);
        match kind {
            ExtensionType::SERVER_NAME => {
                // ServerNameList: entries of a type (0 = host_name) and a name.
                let mut list = data.vec16()?;
                while !list.is_empty() {
                    let name_type = list.u8()?;
                    let name = list.vec16()?;
                    if name_type == 0 && hello.server_name.is_none() {
                        hello.server_name = Some(printable(name.bytes));
                    }
                }
            }
            ExtensionType::ALPN => {
                let mut list = data.vec16()?;
                while !list.is_empty() {
                    hello.alpn.push(printable(list.vec8()?.bytes));
                }
            }
            ExtensionType::SUPPORTED_VERSIONS => {
                hello.supported_versions = data.vec8()?.u16_list(TlsVersion)?;
            }
            ExtensionType::SUPPORTED_GROUPS => {
                hello.supported_groups = data.vec16()?.u16_list(NamedGroup)?;
            }
            ExtensionType::SIGNATURE_ALGORITHMS => {
                hello.signature_algorithms = data.vec16()?.u16_list(SignatureScheme)?;
            }
            ExtensionType::KEY_SHARE => {
                let mut list = data.vec16()?;
                while !list.is_empty() {
                    let group = NamedGroup(list.u16()?);
                    let key_len = list.vec16()?.bytes.len();
                    hello.key_shares.push(KeyShare { group, key_len });
                }
            }
            ExtensionType::PRE_SHARED_KEY => hello.offers_psk = true,
            ExtensionType::EARLY_DATA => hello.offers_early_data = true,
            _ => {}
        }
        Some(())
    })?;
    Some(hello)
}

/// RFC 8446 section 4.1.3 (and 4.1.4 for the HelloRetryRequest's extensions).
fn parse_server_hello(body: &[u8]) -> Option<ServerHello> {
    let mut c = Cursor::new(body);
    let legacy_version = TlsVersion(c.u16()?);
    let random = c.random()?;
    let session_id_len = c.vec8()?.bytes.len();
    let cipher_suite = CipherSuite(c.u16()?);
    let _compression_method = c.u8()?;
    let is_retry_request = random == HELLO_RETRY_REQUEST_RANDOM;
    let downgrade_sentinel = match random[24..] {
        [a, b, c, d, e, f, g, last] if [a, b, c, d, e, f, g] == DOWNGRADE_SENTINEL => match last {
            1 => Some(TlsVersion::TLS12),
            0 => Some(TlsVersion::TLS11),
            _ => None,
        },
        _ => None,
    };
    let mut hello = ServerHello {
        legacy_version,
        random,
        session_id_len,
        cipher_suite,
        extensions: Listed::new(),
        selected_version: None,
        key_share: None,
        accepts_psk: false,
        alpn: None,
        is_retry_request,
        downgrade_sentinel,
    };
    if c.is_empty() {
        return Some(hello);
    }
    let extensions = c.vec16()?;
    if !c.is_empty() {
        return None;
    }
    for_each_extension(extensions, |kind, mut data| {
        hello.extensions.push(kind);
        match kind {
            ExtensionType::SUPPORTED_VERSIONS => {
                hello.selected_version = Some(TlsVersion(data.u16()?));
            }
            // A ServerHello's KeyShareEntry starts with the group; a HelloRetryRequest's
            // extension is the group alone (RFC 8446 section 4.2.8).
            ExtensionType::KEY_SHARE => hello.key_share = Some(NamedGroup(data.u16()?)),
            ExtensionType::PRE_SHARED_KEY => hello.accepts_psk = true,
            ExtensionType::ALPN => {
                let mut list = data.vec16()?;
                hello.alpn = Some(printable(list.vec8()?.bytes));
            }
            _ => {}
        }
        Some(())
    })?;
    Some(hello)
}

/// TLS 1.2 Certificate (RFC 5246 section 7.4.2): a three-byte-length list of
/// three-byte-length certificates.
fn parse_certificate_tls12(body: &[u8]) -> Option<HandshakeBody> {
    let mut c = Cursor::new(body);
    let mut list = c.vec24()?;
    if !c.is_empty() {
        return None;
    }
    let mut sizes = Listed::new();
    while !list.is_empty() {
        sizes.push(list.vec24()?.bytes.len());
    }
    Some(HandshakeBody::Certificate(sizes))
}

/// TLS 1.2 ServerKeyExchange for ECDHE (RFC 8422 section 5.4): curve type 3 (named_curve),
/// the curve, the public point, then the signature scheme and signature. Other key
/// exchanges (DHE) are only named.
fn parse_server_key_exchange(body: &[u8]) -> Option<HandshakeBody> {
    let mut c = Cursor::new(body);
    let ecdhe = (|| {
        if c.u8()? != 3 {
            return None;
        }
        let group = NamedGroup(c.u16()?);
        let key_len = c.vec8()?.bytes.len();
        let signature = SignatureScheme(c.u16()?);
        let _signature = c.vec16()?;
        c.is_empty().then_some(ServerKeyExchange {
            group,
            key_len,
            signature,
        })
    })();
    Some(ecdhe.map_or(HandshakeBody::Named, HandshakeBody::ServerKeyExchange))
}

/// TLS 1.2 ClientKeyExchange: an ECDHE point with a one-byte length (RFC 8422 section 5.7),
/// or an RSA-encrypted premaster secret with a two-byte one (RFC 5246 section 7.4.7.1).
fn parse_client_key_exchange(body: &[u8]) -> Option<HandshakeBody> {
    let one_byte = body.first().map(|&len| usize::from(len));
    let two_bytes = body
        .get(..2)
        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    let key_len = if one_byte == Some(body.len().wrapping_sub(1)) {
        body.len() - 1
    } else if two_bytes == Some(body.len().wrapping_sub(2)) {
        body.len() - 2
    } else {
        body.len()
    };
    Some(HandshakeBody::ClientKeyExchange { key_len })
}

/// TLS 1.2 NewSessionTicket (RFC 5077 section 3.3). TLS 1.3's is always encrypted.
fn parse_new_session_ticket(body: &[u8]) -> Option<HandshakeBody> {
    let mut c = Cursor::new(body);
    let lifetime_hint = c.u32()?;
    let ticket_len = c.vec16()?.bytes.len();
    c.is_empty().then_some(HandshakeBody::NewSessionTicket {
        lifetime_hint,
        ticket_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(msg_type: u8, body: &[u8]) -> Vec<u8> {
        let len = body.len();
        let mut m = vec![msg_type, (len >> 16) as u8, (len >> 8) as u8, len as u8];
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn a_length_past_the_end_is_undecodable_not_a_panic() {
        // ClientHello whose cipher suite list claims 0xffff bytes.
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0; 32]);
        body.extend_from_slice(&[0, 0xff, 0xff, 0x13]);
        let parsed = HandshakeMessage::parse(&message(1, &body));
        assert!(matches!(parsed.body, HandshakeBody::Undecodable(_)));
    }

    #[test]
    fn a_header_that_disagrees_with_the_length_is_undecodable() {
        let mut m = message(14, &[]);
        m.push(0);
        assert!(matches!(
            HandshakeMessage::parse(&m).body,
            HandshakeBody::Undecodable(_)
        ));
        assert!(matches!(
            HandshakeMessage::parse(&[14, 0]).body,
            HandshakeBody::Undecodable(_)
        ));
    }

    #[test]
    fn a_tls12_client_hello_may_have_no_extensions() {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.extend_from_slice(&[0, 0, 2, 0xc0, 0x2b, 1, 0]);
        let parsed = HandshakeMessage::parse(&message(1, &body));
        let HandshakeBody::ClientHello(hello) = parsed.body else {
            panic!("not decoded: {parsed:?}");
        };
        assert_eq!(hello.max_version(), TlsVersion::TLS12);
        assert_eq!(
            hello.cipher_suites.to_string(),
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
        );
    }

    #[test]
    fn long_lists_are_cut_at_max_listed() {
        let mut list = Listed::new();
        for i in 0..MAX_LISTED + 3 {
            list.push(i);
        }
        assert_eq!(list.len(), MAX_LISTED + 3);
        assert!(list.to_string().ends_with(", and 3 more"));
    }

    #[test]
    fn printable_escapes_control_bytes_and_backslashes() {
        assert_eq!(printable(b"h2"), "h2");
        assert_eq!(printable(b"a\x1b[31m\\"), "a\\x1b[31m\\x5c");
    }

    #[test]
    fn the_downgrade_sentinel_is_recognised() {
        let mut body = vec![3, 3];
        let mut random = [0u8; 32];
        random[24..].copy_from_slice(b"DOWNGRD\x01");
        body.extend_from_slice(&random);
        body.extend_from_slice(&[0, 0xc0, 0x2b, 0]);
        let HandshakeBody::ServerHello(hello) = HandshakeMessage::parse(&message(2, &body)).body
        else {
            panic!("not decoded");
        };
        assert_eq!(hello.downgrade_sentinel, Some(TlsVersion::TLS12));
        assert!(!hello.is_retry_request);
    }
}
