//! One accepted connection, plain or TLS, as a scripted server's closure drives it; and the
//! helpers that let a test and its server take turns.

use super::*;

pub(super) enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Stream {
    pub(super) fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

/// One accepted connection, handed to a [`ScriptedServer`] closure.
///
/// Reads are buffered (bytes past a request head stay available to the next
/// read). Reading methods never fail loudly: on EOF they return what they
/// have (possibly nothing), on errors they also log to stderr. `write_all`
/// puts the bytes on the wire before returning. When the closure returns,
/// the connection is closed gracefully (see [`Conn::close`]) unless the
/// closure already closed or aborted it.
pub struct Conn {
    pub(super) stream: Stream,
    pub(super) buf: Vec<u8>,
    pub(super) index: usize,
    pub(super) peer: SocketAddr,
    pub(super) local: SocketAddr,
    pub(super) tls: Option<TlsInfo>,
    pub(super) shared: Arc<Shared>,
    pub(super) write_failed: bool,
    pub(super) closed: bool,
}

impl Conn {
    /// 0-based number of this connection, in accept order.
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Handshake details when this is a TLS connection.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.tls.as_ref()
    }

    /// The underlying socket, e.g. to change timeouts.
    pub fn tcp(&self) -> &TcpStream {
        self.stream.tcp()
    }

    /// Changes the read timeout (default [`IO_TIMEOUT`]; `None` = forever).
    pub fn set_read_timeout(&self, timeout: Option<Duration>) {
        let _ = self.tcp().set_read_timeout(timeout);
    }

    pub fn sleep(&self, duration: Duration) {
        thread::sleep(duration);
    }

    /// Reads up to and including the first CRLFCRLF and records it in
    /// [`ScriptedServer::requests`]. Returns an empty vec on EOF before a
    /// complete head, on errors, or if the head exceeds [`MAX_HEAD`].
    pub fn read_request_head(&mut self) -> Vec<u8> {
        match self.try_read_head() {
            Ok(Some(head)) => head,
            Ok(None) => Vec::new(),
            Err(e) => {
                self.log(format_args!("reading request head: {e}"));
                Vec::new()
            }
        }
    }

    /// Reads exactly `n` bytes, or fewer if the client closes or errors first.
    pub fn read_exact_body(&mut self, n: usize) -> Vec<u8> {
        if let Err(e) = self.fill_to(n) {
            self.log(format_args!("reading {n} body bytes: {e}"));
        }
        let n = n.min(self.buf.len());
        self.buf.drain(..n).collect()
    }

    /// Reads one line including its `\n` (or whatever came before EOF/error).
    pub fn read_line(&mut self) -> Vec<u8> {
        match self.try_read_line(MAX_LINE) {
            Ok(line) => line,
            Err(e) => {
                self.log(format_args!("reading line: {e}"));
                std::mem::take(&mut self.buf)
            }
        }
    }

    /// Reads until the client closes its side (or the read times out).
    pub fn read_to_end(&mut self) -> Vec<u8> {
        loop {
            match self.fill() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.log(format_args!("reading to end: {e}"));
                    break;
                }
            }
        }
        std::mem::take(&mut self.buf)
    }

    /// Writes and flushes `bytes`. Returns false (after logging) if the write
    /// failed or an earlier one did; the result may be ignored.
    pub fn write_all(&mut self, bytes: &[u8]) -> bool {
        if self.write_failed || self.closed {
            return false;
        }
        let result = match &mut self.stream {
            Stream::Plain(s) => s.write_all(bytes).and_then(|_| s.flush()),
            Stream::Tls(s) => s.write_all(bytes).and_then(|_| s.flush()),
        };
        if let Err(e) = result {
            self.log(format_args!("writing {} bytes: {e}", bytes.len()));
            self.write_failed = true;
        }
        !self.write_failed
    }

    /// Over TLS 1.3: sends a KeyUpdate, a record that carries no data. Returns false over
    /// plain TCP or if it could not be sent.
    pub fn tls_key_update(&mut self) -> bool {
        match &mut self.stream {
            Stream::Tls(s) => s.conn.refresh_traffic_keys().is_ok() && s.flush().is_ok(),
            Stream::Plain(_) => false,
        }
    }

    /// Over TLS 1.3: sends key updates, records that carry no data, `pause` apart, each cut
    /// one byte past its end (the next one's first byte goes with it), so that no read of
    /// the client's ends at a record's end; until a write fails or `most` have gone.
    pub fn tls_key_updates_cut_across_reads(&mut self, most: usize, pause: Duration) {
        let Stream::Tls(s) = &mut self.stream else {
            return;
        };
        let mut wire = Vec::new();
        let mut ends = Vec::new();
        for _ in 0..most {
            if s.conn.refresh_traffic_keys().is_err() {
                return;
            }
            while s.conn.wants_write() {
                if s.conn.write_tls(&mut wire).is_err() {
                    return;
                }
            }
            ends.push(wire.len());
        }
        let mut sent = 0;
        for end in ends {
            let cut = (end + 1).min(wire.len());
            if s.sock.write_all(&wire[sent..cut]).is_err() {
                return;
            }
            sent = cut;
            thread::sleep(pause);
        }
    }

    /// Over TLS: encrypts `data` (at most 16 KiB, so one record) and sends the record's bytes
    /// `piece` at a time, `pause` apart: a record that takes a while to arrive, though its
    /// bytes come steadily. Returns false over plain TCP or if a write failed.
    pub fn write_slowly_as_one_record(
        &mut self,
        data: &[u8],
        piece: usize,
        pause: Duration,
    ) -> bool {
        let Stream::Tls(s) = &mut self.stream else {
            return false;
        };
        if s.conn.writer().write_all(data).is_err() {
            return false;
        }
        let mut wire = Vec::new();
        while s.conn.wants_write() {
            if s.conn.write_tls(&mut wire).is_err() {
                return false;
            }
        }
        for chunk in wire.chunks(piece) {
            if s.sock.write_all(chunk).is_err() {
                return false;
            }
            thread::sleep(pause);
        }
        true
    }

    /// Flushes pending output (`write_all` already flushes; kept for scripts
    /// that like to be explicit).
    pub fn flush(&mut self) -> bool {
        if self.write_failed || self.closed {
            return false;
        }
        let result = match &mut self.stream {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        };
        if let Err(e) = result {
            self.log(format_args!("flushing: {e}"));
            self.write_failed = true;
        }
        !self.write_failed
    }

    /// Graceful close: TLS close_notify (over TLS), TCP FIN, then a short
    /// drain of whatever the client still sends so that the kernel does not
    /// answer unread data with an RST (which can destroy a response the client
    /// has not read yet). Later reads return nothing and writes fail.
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        if let Stream::Tls(s) = &mut self.stream {
            s.conn.send_close_notify();
            let _ = s.flush();
        }
        let tcp = self.stream.tcp();
        let _ = tcp.shutdown(Shutdown::Write);
        let _ = tcp.set_read_timeout(Some(Duration::from_millis(100)));
        let deadline = Instant::now() + Duration::from_millis(500);
        let mut scratch = [0u8; 4096];
        let mut tcp = tcp;
        while Instant::now() < deadline {
            match tcp.read(&mut scratch) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) => {}
                Err(_) => break,
            }
        }
    }

    /// Abrupt close: shuts the TCP connection down at once, without a TLS
    /// close_notify (a "truncated" TLS stream) and without draining (unread
    /// client data may turn the FIN into an RST).
    pub fn abort(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        let _ = self.stream.tcp().shutdown(Shutdown::Both);
    }

    // -- internals ----------------------------------------------------------

    pub(super) fn log(&self, msg: std::fmt::Arguments<'_>) {
        eprintln!(
            "[test server conn #{} from {}] {msg}",
            self.index, self.peer
        );
    }

    /// Reads more bytes into `buf`. Ok(false) on EOF (a TLS peer closing
    /// without close_notify also counts as EOF here).
    pub(super) fn fill(&mut self) -> io::Result<bool> {
        if self.closed {
            return Ok(false);
        }
        let mut chunk = [0u8; 8192];
        loop {
            let result = match &mut self.stream {
                Stream::Plain(s) => s.read(&mut chunk),
                Stream::Tls(s) => s.read(&mut chunk),
            };
            return match result {
                Ok(0) => Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    Ok(true)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && self.tls.is_some() => {
                    Ok(false)
                }
                Err(e) => Err(e),
            };
        }
    }

    /// Fills `buf` to at least `n` bytes; UnexpectedEof if the client closes.
    pub(super) fn fill_to(&mut self, n: usize) -> io::Result<()> {
        while self.buf.len() < n {
            if !self.fill()? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("client closed after {} of {n} bytes", self.buf.len()),
                ));
            }
        }
        Ok(())
    }

    /// Ok(None) on a clean EOF before any byte of a new head.
    pub(super) fn try_read_head(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut searched = 0;
        loop {
            if let Some(pos) = find(&self.buf[searched..], b"\r\n\r\n") {
                let head: Vec<u8> = self.buf.drain(..searched + pos + 4).collect();
                lock(&self.shared.requests).push(head.clone());
                return Ok(Some(head));
            }
            searched = self.buf.len().saturating_sub(3);
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("request head longer than {MAX_HEAD} bytes"),
                ));
            }
            if !self.fill()? {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "client closed inside a request head ({} bytes)",
                        self.buf.len()
                    ),
                ));
            }
        }
    }

    pub(super) fn try_read_line(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut searched = 0;
        loop {
            if let Some(pos) = self.buf[searched..].iter().position(|&b| b == b'\n') {
                return Ok(self.buf.drain(..searched + pos + 1).collect());
            }
            searched = self.buf.len();
            if self.buf.len() > max {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("line longer than {max} bytes"),
                ));
            }
            if !self.fill()? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "client closed inside a line",
                ));
            }
        }
    }

    pub(super) fn try_read_exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        self.fill_to(n)?;
        Ok(self.buf.drain(..n).collect())
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.close();
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Locks a mutex, ignoring poisoning (a panicking test closure must not make
/// every later assertion panic too).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns
/// its last value. For server-side facts that can lag the client's view,
/// e.g. `handshake_errors()` after the *client* rejected the certificate.
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// How long either side of [`turns`] waits for the other before going on alone: it bounds a
/// broken run; a passing run never waits for it.
pub const TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// Two one-way signals between a test and its scripted server, so that "later" means "after
/// the other side has done X" instead of "after some milliseconds": the test says when it has
/// read a response ([`ClientTurns::response_read`]), the server when it has written all it
/// meant to ([`ServerTurns::written`]).
pub fn turns() -> (ClientTurns, ServerTurns) {
    let (read, read_rx) = std::sync::mpsc::channel();
    let (written_tx, written) = std::sync::mpsc::channel();
    (
        ClientTurns { read, written },
        ServerTurns {
            read: Mutex::new(read_rx),
            written: Mutex::new(written_tx),
        },
    )
}

/// The test's side of [`turns`].
pub struct ClientTurns {
    read: std::sync::mpsc::Sender<()>,
    written: std::sync::mpsc::Receiver<()>,
}

impl ClientTurns {
    /// Tells the server the response has been read to its end.
    pub fn response_read(&self) {
        let _ = self.read.send(());
    }

    /// Waits until the server says it has written everything it meant to.
    pub fn await_server(&self) -> Result<(), String> {
        self.written
            .recv_timeout(TURN_TIMEOUT)
            .map_err(|_| format!("the server did not finish its writes within {TURN_TIMEOUT:?}"))
    }
}

/// The server's side of [`turns`]; share it between connections in an `Arc`.
pub struct ServerTurns {
    read: Mutex<std::sync::mpsc::Receiver<()>>,
    written: Mutex<std::sync::mpsc::Sender<()>>,
}

impl ServerTurns {
    /// Waits until the test has read the response (or has gone, or [`TURN_TIMEOUT`] passed).
    pub fn await_client(&self) {
        let _ = lock(&self.read).recv_timeout(TURN_TIMEOUT);
    }

    /// Tells the test everything is written.
    pub fn written(&self) {
        let _ = lock(&self.written).send(());
    }
}
