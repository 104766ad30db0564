//! A TLS session over a TCP socket, driven by hand so that every socket read obeys the budget.
//!
//! rustls is itself sans-IO: a `ClientConnection` takes TLS bytes in (`read_tls`), hands
//! plaintext out (`reader()`), takes plaintext in (`writer()`) and hands TLS bytes out
//! (`write_tls`). rustls' own `StreamOwned` loops over the socket internally until a whole
//! record has arrived, which would let a server that drips a record byte by byte outlast our
//! deadline. So we run that loop here, and re-arm the socket timeout before every read.
//!
//! Since every TLS byte crosses this file, a trace can see them: with a [`TlsTap`], each
//! record is described as it is read or written (see [`crate::tls_record`]). Without one
//! (no trace hook), nothing is looked at.

use std::io::{BufRead, Read, Write};
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{CertificateError, ClientConfig, ClientConnection};

use crate::error::{Error, ErrorKind, Result};
use crate::tls_record::Direction;
use crate::transport::deadline::IoBudget;
use crate::transport::record_boundary::RecordBoundary;
use crate::transport::socket::TimedSocket;
use crate::transport::tls_tap::TlsTap;

/// Whole records without data (session tickets, key updates) that may restart the idle limit
/// within one read (see [`TlsStream::read`]): a server sends two tickets after a handshake,
/// and a key update now and then; more than 8 in one wait for data is a peer keeping us busy.
pub const MAX_EMPTY_RECORDS: u64 = 8;

/// Reads of TLS housekeeping an idle session may take when it is checked for reuse (see
/// [`TlsStream::poll_idle`]): a ticket or two fit in one. A session that has more waiting is
/// not reused, rather than read for as long as its server keeps sending (no timeout bounds
/// that check, which must never wait, and rustls does not cap the tickets it takes).
pub const MAX_IDLE_READS: usize = 8;

/// A TLS client session and the socket under it.
pub struct TlsStream {
    session: ClientConnection,
    socket: TimedSocket,
    /// Where the bytes handed to rustls stand in the record framing: rustls cannot tell us
    /// whether it holds part of a record, so we count.
    incoming: RecordBoundary,
    /// The peer closed TCP without a TLS close_notify: what was read may have been cut short.
    closed_without_notify: bool,
    /// The trace's view of the records, when a trace hook listens.
    tap: Option<Box<TlsTap>>,
    /// With a tap only: the client's last handshake flight (TLS 1.3's Finished), taken from
    /// rustls at the end of the handshake so that the trace describes it before the request,
    /// as curl does; it still goes out in one write with the request's first record.
    held: Vec<u8>,
}

/// The socket as rustls reads it: every byte also goes through the record counter, and to
/// the tap if there is one.
struct CountedSocket<'a> {
    socket: &'a mut TimedSocket,
    incoming: &'a mut RecordBoundary,
    tap: Option<&'a mut TlsTap>,
}

impl Read for CountedSocket<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.socket.read(buf)?;
        self.incoming.feed(&buf[..n]);
        if let Some(tap) = &mut self.tap {
            tap.feed(Direction::ServerToClient, &buf[..n]);
        }
        Ok(n)
    }
}

/// Where rustls writes, as the tap sees it: the socket, or the held bytes.
struct TappedWriter<'a, W: Write> {
    out: &'a mut W,
    tap: Option<&'a mut TlsTap>,
}

impl<W: Write> Write for TappedWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        if let Some(tap) = &mut self.tap {
            tap.feed(Direction::ClientToServer, &buf[..n]);
        }
        Ok(n)
    }

    /// rustls hands over all its queued records at once: one `writev`, as without a tap.
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        let n = self.out.write_vectored(bufs)?;
        if let Some(tap) = &mut self.tap {
            let mut left = n;
            for buf in bufs {
                let part = left.min(buf.len());
                tap.feed(Direction::ClientToServer, &buf[..part]);
                left -= part;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl TlsStream {
    /// Runs the handshake with `host` over `socket` within `budget`. The host is sent as SNI
    /// unless it is an IP address, and is the name the certificate must be valid for. With a
    /// `tap`, every record of the connection is described to it, from the ClientHello on.
    pub fn handshake(
        config: Arc<ClientConfig>,
        host: &str,
        socket: TimedSocket,
        budget: &IoBudget,
        tap: Option<TlsTap>,
    ) -> Result<TlsStream> {
        let name = ServerName::try_from(host.to_string()).map_err(|e| {
            Error::new(
                ErrorKind::InvalidUrl,
                format!("{host:?} is not a valid TLS server name"),
            )
            .with_source(e)
        })?;
        let session = ClientConnection::new(config, name).map_err(|e| {
            Error::new(
                ErrorKind::Tls,
                format!("{host}: could not start a TLS session"),
            )
            .with_source(e)
        })?;
        let mut stream = TlsStream {
            session,
            socket,
            incoming: RecordBoundary::new(),
            closed_without_notify: false,
            tap: tap.map(Box::new),
            held: Vec::new(),
        };
        while stream.session.is_handshaking() {
            let step = if stream.session.wants_write() {
                stream.flush(budget).map(|()| 1)
            } else {
                stream.read_records(budget)
            };
            match step {
                Ok(0) => {
                    return Err(Error::new(
                        ErrorKind::Tls,
                        format!(
                            "{}: the server closed the connection during the TLS handshake",
                            stream.socket.peer()
                        ),
                    ))
                }
                Ok(_) => {}
                // A reset instead of a ServerHello is a failed handshake, as a close is
                // (curl reports both as exit 35, an SSL connect error).
                Err(err) if err.kind() == ErrorKind::ConnectionReset => {
                    return Err(stream.explain(err).with_kind(ErrorKind::Tls))
                }
                Err(err) => return Err(err),
            }
        }
        // Our last handshake message (TLS 1.3's Finished) stays queued: it goes out with the
        // request, in one write and one segment, and `write_all` explains a failure to send it.
        // A trace describes it now, in the order curl shows it; the bytes wait in `held`.
        if stream.tap.is_some() {
            while stream.session.wants_write() {
                let mut held = TappedWriter {
                    out: &mut stream.held,
                    tap: stream.tap.as_deref_mut(),
                };
                if stream.session.write_tls(&mut held).is_err() {
                    break;
                }
            }
        }
        Ok(stream)
    }

    /// After a failed write: the server may have hung up after saying why in an alert (that it
    /// wants a client certificate, say), which says more than the broken pipe that followed.
    /// Reads whatever has already arrived, without waiting, and returns the alert's error if
    /// there is one, `err` otherwise.
    fn explain(&mut self, err: Error) -> Error {
        if self.socket.set_nonblocking(true).is_err() {
            return err;
        }
        let mut explained = None;
        while let Ok(n) = self.read_tls() {
            if let Err(alert) = self.session.process_new_packets() {
                explained = Some(tls_error(alert, self.socket.peer()));
                break;
            }
            if n == 0 {
                break;
            }
        }
        let _ = self.socket.set_nonblocking(false);
        explained.unwrap_or(err)
    }

    /// Names the peer anew, for messages (see [`TimedSocket::rename_peer`]).
    pub fn rename_peer(&mut self, peer: String) {
        self.socket.rename_peer(peer);
    }

    /// The rustls session, for what was negotiated.
    pub fn session(&self) -> &ClientConnection {
        &self.session
    }

    /// Reads plaintext into `out`; `Ok(0)` at the end of the stream. A peer that closes TCP
    /// without a TLS close_notify also reads as the end, and is remembered
    /// ([`TlsStream::closed_without_notify`]): a Content-Length or chunked body can tell
    /// whether that end came too soon, but a body delimited by the close cannot (RFC 9112
    /// section 9.8).
    ///
    /// Bytes of a record count as the peer not being silent: a large record may rightly take
    /// a while on a slow link. Whole records that carry no data (TLS 1.3 session tickets, key
    /// updates) count only [`MAX_EMPTY_RECORDS`] times in one read; after that the idle limit
    /// runs on from there and nothing restarts it for the rest of this read, not even the
    /// bytes of a data record that follows, or a peer could send empty records for ever and
    /// the read never end. rustls caps key updates, empty records and warning alerts itself,
    /// but not session tickets.
    pub fn read(&mut self, out: &mut [u8], budget: &IoBudget) -> Result<usize> {
        let mut empty_records = 0;
        let mut fixed: Option<IoBudget> = None;
        // Records completed before the last wait on the socket, if there was one.
        let mut before: Option<u64> = None;
        loop {
            match self.session.reader().read(out) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    self.closed_without_notify = true;
                    return Ok(0);
                }
                Err(e) => return Err(budget.io_error(e, self.socket.peer())),
            }
            // No plaintext after a wait: every record that wait completed carried none,
            // however the peer cut its bytes into reads.
            if let Some(before) = before {
                empty_records += self.incoming.records_completed() - before;
                if fixed.is_none() && empty_records >= MAX_EMPTY_RECORDS {
                    fixed = Some(budget.idle_from_now());
                }
            }
            // Pending TLS writes (a key update, an alert) go out before we wait for more.
            self.flush(budget)?;
            before = Some(self.incoming.records_completed());
            self.read_records(fixed.as_ref().unwrap_or(budget))?;
        }
    }

    /// Whether the stream ended with a TCP close that no TLS close_notify announced: anyone on
    /// the path can cause that, so it proves nothing about where the data was meant to end.
    pub fn closed_without_notify(&self) -> bool {
        self.closed_without_notify
    }

    /// Encrypts and sends all of `data`, as much at a time as the session takes: rustls holds
    /// at most 64 KiB of TLS data not yet sent (its default buffer limit) and takes nothing
    /// more until that is flushed, so a larger body goes out in turns of encrypting and
    /// sending.
    pub fn write_all(&mut self, mut data: &[u8], budget: &IoBudget) -> Result<()> {
        loop {
            let taken = self
                .session
                .writer()
                .write(data)
                .map_err(|e| budget.io_error(e, self.socket.peer()))?;
            data = &data[taken..];
            match self.flush(budget) {
                Err(err) if err.kind() == ErrorKind::ConnectionReset => {
                    return Err(self.explain(err))
                }
                other => other?,
            }
            if data.is_empty() {
                return Ok(());
            }
            if taken == 0 {
                // With nothing left unsent, the session takes at least a byte: this is not
                // reached, but a loop that could spin must not rest on that.
                let zero = std::io::Error::from(std::io::ErrorKind::WriteZero);
                return Err(budget.io_error(zero, self.socket.peer()));
            }
        }
    }

    /// Sends every TLS byte the session has ready (after the held handshake bytes, if any, in
    /// the same write).
    fn flush(&mut self, budget: &IoBudget) -> Result<()> {
        let peer = |this: &Self, e| budget.io_error(e, this.socket.peer());
        if !self.held.is_empty() {
            while self.session.wants_write() {
                let mut held = TappedWriter {
                    out: &mut self.held,
                    tap: self.tap.as_deref_mut(),
                };
                self.session
                    .write_tls(&mut held)
                    .map_err(|e| peer(self, e))?;
            }
            let held = std::mem::take(&mut self.held);
            return self.socket.write_all_within(&held, budget);
        }
        while self.session.wants_write() {
            self.socket.arm_write(budget)?;
            self.write_tls().map_err(|e| peer(self, e))?;
        }
        Ok(())
    }

    /// One `write_tls` to the socket, shown to the tap.
    fn write_tls(&mut self) -> std::io::Result<usize> {
        self.session.write_tls(&mut TappedWriter {
            out: &mut self.socket,
            tap: self.tap.as_deref_mut(),
        })
    }

    /// One socket read into the session, then record processing. Returns the bytes read.
    fn read_records(&mut self, budget: &IoBudget) -> Result<usize> {
        self.socket.arm_read(budget)?;
        let n = self
            .read_tls()
            .map_err(|e| budget.io_error(e, self.socket.peer()))?;
        if let Err(err) = self.session.process_new_packets() {
            // Tell the server why we are leaving, if it still listens.
            let _ = self.write_tls();
            return Err(tls_error(err, self.socket.peer()));
        }
        Ok(n)
    }

    /// One socket read into the session, counted.
    fn read_tls(&mut self) -> std::io::Result<usize> {
        self.session.read_tls(&mut CountedSocket {
            socket: &mut self.socket,
            incoming: &mut self.incoming,
            tap: self.tap.as_deref_mut(),
        })
    }

    /// Whether the session holds nothing of the peer's: no plaintext waiting to be read, no
    /// close (clean or not) seen, and no part of a record. Makes no system call.
    pub fn is_quiet(&mut self) -> bool {
        let nothing_pending = matches!(
            self.session.reader().fill_buf(),
            Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock
        );
        nothing_pending && self.incoming.at_boundary()
    }

    /// Checks an idle session without blocking, on a socket in non-blocking mode: `true` if the
    /// server has neither closed it nor sent anything but TLS housekeeping (a session ticket, a
    /// key update) while it waited. One `recv(MSG_PEEK)` when nothing arrived, which is the
    /// common case; when bytes did arrive they are read into the session and looked at.
    pub fn poll_idle(&mut self) -> bool {
        if !self.is_quiet() {
            return false;
        }
        let mut probe = [0u8; 1];
        match self.socket.peek(&mut probe) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return true,
            Ok(n) if n > 0 => {}
            // A close, or a socket error.
            _ => return false,
        }
        for _ in 0..MAX_IDLE_READS {
            match self.read_tls() {
                Ok(0) => return false,
                Ok(_) => {
                    if self.session.process_new_packets().is_err() {
                        return false;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return self.is_quiet(),
                Err(_) => return false,
            }
        }
        // Still more: a server that keeps an idle connection busy is not one to reuse.
        false
    }

    /// Switches the socket between blocking (for a call) and non-blocking (while idle).
    pub fn set_nonblocking(&mut self, nonblocking: bool) -> std::io::Result<()> {
        self.socket.set_nonblocking(nonblocking)
    }
}

impl Drop for TlsStream {
    /// Says goodbye before the socket closes: RFC 8446 section 6.1 has each side send a
    /// close_notify before it closes its write side, so that the server can tell our close
    /// from a cut connection. Best effort and never a wait: the socket is made non-blocking
    /// first, so a server that does not read costs the alert, not the time of a write timeout.
    fn drop(&mut self) {
        if self.socket.set_nonblocking(true).is_err() {
            return;
        }
        self.session.send_close_notify();
        let _ = self.write_tls();
    }
}

/// Maps a rustls error to [`ErrorKind::Certificate`] when the server's certificate was the
/// problem, and to [`ErrorKind::Tls`] otherwise.
pub fn tls_error(err: rustls::Error, peer: &str) -> Error {
    match &err {
        rustls::Error::InvalidCertificate(CertificateError::Other(other))
            if other.0.is::<crate::transport::trust::PinMismatch>() =>
        {
            Error::new(
                ErrorKind::PinnedKey,
                format!("{peer}: the server's public key is not one of the pinned keys"),
            )
            .with_source(err)
        }
        rustls::Error::InvalidCertificate(reason) => Error::new(
            ErrorKind::Certificate,
            format!(
                "{peer}: the server's certificate was not accepted: {}",
                describe_certificate_error(reason)
            ),
        )
        .with_source(err),
        rustls::Error::AlertReceived(alert) if is_client_auth_alert(*alert) => Error::new(
            ErrorKind::Tls,
            format!(
                "{peer}: the server refused the TLS session ({alert:?}): it requires client \
                 authentication, and no client certificate it accepts was sent"
            ),
        )
        .with_source(err),
        rustls::Error::AlertReceived(alert) => Error::new(
            ErrorKind::Tls,
            format!("{peer}: the server ended the TLS session with the alert {alert:?}"),
        )
        .with_source(err),
        _ => Error::new(ErrorKind::Tls, format!("{peer}: TLS failure")).with_source(err),
    }
}

/// Alerts a server sends when it wanted a client certificate and got none, or one it rejects.
fn is_client_auth_alert(alert: rustls::AlertDescription) -> bool {
    use rustls::AlertDescription as A;
    matches!(
        alert,
        A::CertificateRequired
            | A::BadCertificate
            | A::UnknownCA
            | A::CertificateUnknown
            | A::AccessDenied
    )
}

fn describe_certificate_error(reason: &CertificateError) -> String {
    match reason {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "it has expired".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "it is not valid yet".into()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "it is not valid for this host name".into()
        }
        CertificateError::UnknownIssuer => {
            "it was not issued by a trusted certificate authority".into()
        }
        CertificateError::BadSignature => "its signature is invalid".into(),
        // A trusted certificate bears the issuer's name (the snakeoil "CN=localhost" of
        // Debian's ssl-cert) but has another kind of key, so it did not sign this one: webpki
        // reports the key that does not fit, rather than the issuer it did not find.
        CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext {
            signature_algorithm_id,
            public_key_algorithm_id,
        } if crate::transport::x509::cannot_have_signed(
            signature_algorithm_id,
            public_key_algorithm_id,
        ) =>
        {
            "it was not issued by a trusted certificate authority (a trusted root has the same \
             name as its issuer, but a different kind of key)"
                .into()
        }
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "its signature algorithm is not supported, or does not match its issuer's key".into()
        }
        CertificateError::Revoked => "it has been revoked".into(),
        // rustls passes on webpki's error as `Other`, and webpki is no dependency of ours to
        // name its type: its name is matched instead (a test pins it).
        CertificateError::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "it is a CA certificate (basicConstraints CA:TRUE) presented as the server's own; \
             `openssl req -x509` makes a self-signed certificate a CA unless given \
             `-addext basicConstraints=critical,CA:FALSE`"
                .into()
        }
        other => format!("{other:?}"),
    }
}
