//! [`CookieJar`]: the cookie store an agent shares between its requests and threads, with the
//! API to read, add, remove, load and save cookies; the rules themselves live in the store.

use std::fmt;
use std::fs;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use super::cookie::Cookie;
use super::limits::MAX_FILE_LINE_BYTES;
use super::netscape::{self, FILE_HEADER};
use super::refusal::Refusal;
use super::set_cookie::parse_set_cookie;
use super::store::Store;
use crate::error::{Error, ErrorKind, Result};
use crate::url::Url;

/// A cookie jar that follows RFC 6265bis: it stores what responses set and says what to send.
///
/// It takes `&self` everywhere and locks inside, so one jar can serve many threads; a clone is
/// another handle on the same cookies. What it stores and sends:
///
/// - **Scope.** A cookie without a Domain attribute goes back only to the host that set it
///   (host-only); with one, to that domain and its subdomains, and only if the host that set it
///   is inside that domain. A Domain that is a public suffix (`com`, `co.uk`, `github.io`) is
///   refused, so that no site can set a cookie for a whole registry: see the `public-suffix`
///   feature for how public suffixes are known. An IP address only ever matches itself.
///   A cookie goes to its path and the paths below it (`/app` covers `/app/x`, not `/apples`).
/// - **Secure.** A Secure cookie is sent over https only (never over `http://localhost`
///   either), and only an https response may set one, or set a non-secure cookie of the same
///   name over it.
/// - **Lifetime.** Max-Age wins over Expires; Expires dates are read as RFC 6265bis's forgiving
///   algorithm says, two-digit years included; no lifetime exceeds 400 days. A cookie whose
///   expiry is past (Max-Age=0, an old date) deletes the stored one of the same name, domain
///   and path. A cookie with neither is a session cookie, kept until
///   [`clear_session_cookies`](Self::clear_session_cookies) or the jar's end.
/// - **Prefixes.** A name starting with `__Secure-` needs Secure; one starting with `__Host-`
///   needs Secure, no Domain and `Path=/`. Prefixes match in any case (`__HOST-`), as the
///   current draft of RFC 6265bis requires.
/// - **Limits.** At most 4096 bytes of name and value per cookie, 50 cookies per domain, 180
///   per site (a registrable domain and the names under it) and 3000 in all; past those,
///   expired cookies go first, then the least recently used.
///
/// The Cookie header lists the cookies longest path first, then oldest first, and stops short
/// of 8190 bytes, as curl does.
///
/// ```
/// use plainwire::{CookieJar, Url};
///
/// let jar = CookieJar::new();
/// let login = Url::parse("https://example.com/login")?;
/// jar.store_response_cookies(&login, [&b"SID=31d4d96e407aad42; Path=/; Secure; HttpOnly"[..]]);
///
/// let home = Url::parse("https://www.example.com/")?;
/// assert_eq!(jar.cookie_header(&home), None, "host-only: not for www");
/// let account = Url::parse("https://example.com/account")?;
/// assert_eq!(jar.cookie_header(&account).as_deref(), Some("SID=31d4d96e407aad42"));
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct CookieJar {
    store: Arc<Mutex<Store>>,
}

impl CookieJar {
    /// An empty jar.
    ///
    /// ```
    /// let jar = plainwire::CookieJar::new();
    /// assert!(jar.is_empty());
    /// ```
    pub fn new() -> CookieJar {
        CookieJar::default()
    }

    /// The store, locked. A panic while another thread held the lock leaves the store
    /// consistent (every change is a few steps that cannot panic halfway), so a poisoned lock
    /// is taken over rather than passed on.
    pub(super) fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores the cookies of a response to `url`, given its Set-Cookie field values; each one
    /// the rules refuse is ignored, as RFC 6265bis says.
    ///
    /// ```
    /// # use plainwire::{CookieJar, Url};
    /// # let jar = CookieJar::new();
    /// # let url = Url::parse("http://example.com/")?;
    /// let set_cookie: [&[u8]; 2] = [b"lang=en-US; Path=/", b"theme=dark"];
    /// jar.store_response_cookies(&url, set_cookie);
    /// assert_eq!(jar.len(), 2);
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn store_response_cookies<'a>(
        &self,
        url: &Url,
        set_cookie: impl IntoIterator<Item = &'a [u8]>,
    ) {
        self.store_response_cookies_at(url, set_cookie, SystemTime::now());
    }

    /// [`store_response_cookies`](Self::store_response_cookies) with `now` in place of the
    /// system clock: for tests and for replaying recorded traffic.
    pub fn store_response_cookies_at<'a>(
        &self,
        url: &Url,
        set_cookie: impl IntoIterator<Item = &'a [u8]>,
        now: SystemTime,
    ) {
        let mut store = self.lock();
        for line in set_cookie {
            let _ignored = receive(&mut store, url, line, now);
        }
    }

    /// The value of the Cookie header for a request to `url`, or `None` when no cookie applies.
    /// The cookies it lists count as used (for eviction).
    ///
    /// ```
    /// use plainwire::{CookieJar, Url};
    ///
    /// let jar = CookieJar::new();
    /// let site = Url::parse("https://example.com/")?;
    /// jar.add(&site, "a=1; Path=/")?;
    /// jar.add(&site, "b=2; Path=/app; Secure")?;
    /// let app = Url::parse("https://example.com/app/page")?;
    /// assert_eq!(jar.cookie_header(&app).as_deref(), Some("b=2; a=1")); // longest path first
    /// // Secure cookies never go over plain http:
    /// let plain = Url::parse("http://example.com/app/page")?;
    /// assert_eq!(jar.cookie_header(&plain).as_deref(), Some("a=1"));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn cookie_header(&self, url: &Url) -> Option<String> {
        self.cookie_header_at(url, SystemTime::now())
    }

    /// [`cookie_header`](Self::cookie_header) with `now` in place of the system clock.
    pub fn cookie_header_at(&self, url: &Url, now: SystemTime) -> Option<String> {
        self.lock().cookie_header(url, now)
    }

    /// Adds a cookie written as a Set-Cookie line, as if a response to `url` had set it: the
    /// way to add one by hand with the server's own syntax (like curl's
    /// `CURLOPT_COOKIELIST` with a `Set-Cookie:` line). An expired one deletes.
    ///
    /// ```
    /// # use plainwire::{CookieJar, Url};
    /// let jar = CookieJar::new();
    /// let url = Url::parse("https://example.com/")?;
    /// jar.add(&url, "token=abc; Domain=example.com; Secure")?;
    /// assert!(jar.add(&url, "token=abc; Domain=com").is_err(), "a public suffix");
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] when the rules refuse the cookie, with the rule in the
    /// message (never the value).
    pub fn add(&self, url: &Url, set_cookie: &str) -> Result<()> {
        receive(
            &mut self.lock(),
            url,
            set_cookie.as_bytes(),
            SystemTime::now(),
        )
        .map_err(|(name, refusal)| refused(name.as_deref(), refusal))
    }

    /// Stores `cookie` as it is, replacing the one with the same name, domain, host-only flag
    /// and path. Its creation and last-access times become now; an expired one deletes.
    ///
    /// ```
    /// use plainwire::{Cookie, CookieJar};
    ///
    /// let jar = CookieJar::new();
    /// jar.insert(Cookie::new("session", "abc", "api.example.com").with_secure(true))?;
    /// assert_eq!(jar.get("api.example.com", "/", "session").unwrap().value(), "abc");
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] for a cookie that could not have come from a Set-Cookie
    /// line (a name with `=` or `;`, a control character, a tab, more than 4096 bytes, an empty
    /// domain, a path not starting with `/`) or that breaks the rules above (a domain cookie for
    /// a public suffix, a prefix without its conditions, SameSite=None without Secure).
    pub fn insert(&self, cookie: Cookie) -> Result<()> {
        let name = cookie.name.clone();
        self.lock()
            .insert(cookie, SystemTime::now())
            .map_err(|refusal| refused(Some(&name), refusal))
    }

    /// The cookie named `name` with exactly this domain and path, if it has not expired.
    ///
    /// A leading dot on `domain` (`.example.com`) asks for the domain cookie only; without
    /// one, a host-only cookie is returned if there is one, else the domain cookie.
    ///
    /// ```
    /// use plainwire::{CookieJar, Url};
    ///
    /// let jar = CookieJar::new();
    /// let url = Url::parse("https://example.com/")?;
    /// jar.add(&url, "sid=abc; Domain=example.com")?;
    /// // requests: s.cookies.get("sid", domain="example.com")
    /// let cookie = jar.get("example.com", "/", "sid").unwrap();
    /// assert_eq!((cookie.value(), cookie.host_only()), ("abc", false));
    /// assert!(jar.get("other.example", "/", "sid").is_none());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn get(&self, domain: &str, path: &str, name: &str) -> Option<Cookie> {
        let now = SystemTime::now();
        let store = self.lock();
        let found = store
            .find(domain, path, name)
            .into_iter()
            .find(|cookie| !cookie.is_expired(now))
            .cloned();
        found
    }

    /// A copy of every cookie that has not expired, oldest first.
    ///
    /// ```
    /// use plainwire::{Cookie, CookieJar};
    ///
    /// let jar = CookieJar::new();
    /// jar.insert(Cookie::new("a", "1", "example.com"))?;
    /// jar.insert(Cookie::new("b", "2", "example.org"))?;
    /// let names: Vec<String> = jar.cookies().iter().map(|c| c.name().to_string()).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn cookies(&self) -> Vec<Cookie> {
        let now = SystemTime::now();
        let mut cookies = self.lock().by_creation();
        cookies.retain(|cookie| !cookie.is_expired(now));
        cookies
    }

    /// How many cookies the jar holds (expired ones it has not evicted yet included).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the jar holds no cookie.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes the cookie named `name` with this domain and path (both the host-only and the
    /// domain cookie, unless `domain` has a leading dot); returns whether there was one.
    ///
    /// ```
    /// use plainwire::{Cookie, CookieJar};
    ///
    /// let jar = CookieJar::new();
    /// jar.insert(Cookie::new("sid", "abc", "example.com"))?;
    /// // requests: del s.cookies["sid"]
    /// assert!(jar.remove("example.com", "/", "sid"));
    /// assert!(!jar.remove("example.com", "/", "sid"));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn remove(&self, domain: &str, path: &str, name: &str) -> bool {
        self.lock().remove(domain, path, name) > 0
    }

    /// Removes every cookie.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Removes the cookies that have expired (the jar also does this as it goes).
    pub fn clear_expired(&self) {
        self.lock().remove_expired(SystemTime::now());
    }

    /// Removes the session cookies (those without Expires or Max-Age): a new session, like
    /// curl's `--junk-session-cookies` and Python's `clear_session_cookies()`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use plainwire::{Cookie, CookieJar};
    ///
    /// let jar = CookieJar::new();
    /// jar.insert(Cookie::new("session", "1", "example.com"))?;
    /// let later = SystemTime::now() + Duration::from_secs(3600);
    /// jar.insert(Cookie::new("remember", "1", "example.com").with_expires(later))?;
    /// jar.clear_session_cookies();
    /// assert_eq!(jar.cookies().len(), 1);
    /// jar.clear();
    /// assert!(jar.is_empty());
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn clear_session_cookies(&self) {
        self.lock().remove_session_cookies();
    }

    /// Reads cookies in the Netscape cookie-file format (as curl's `-b FILE` does) and adds
    /// them; returns how many it added.
    ///
    /// Each cookie is a line of seven tab-separated fields: the domain, `TRUE` if subdomains
    /// get the cookie too (`FALSE`: host-only), the path, `TRUE` if Secure, the expiry in
    /// seconds since 1970 (`0` for a session cookie), the name and the value. `#HttpOnly_`
    /// before the domain marks an HttpOnly cookie; other lines starting with `#` are comments.
    /// Also read: an empty expiry (as Python writes session cookies), a missing value field,
    /// curl's old six-field lines without a path, and CRLF line ends. Lines that are not
    /// cookies, cookies the rules refuse ([`insert`](Self::insert)'s), expired cookies and lines
    /// longer than 8 KiB are skipped. A cookie replaces one with the same name, domain and path.
    ///
    /// ```
    /// # use plainwire::{CookieJar, Url};
    /// let file = "# Netscape HTTP Cookie File\n\
    ///             .example.com\tTRUE\t/\tFALSE\t0\ttheme\tdark\n";
    /// let jar = CookieJar::new();
    /// assert_eq!(jar.load_netscape(file.as_bytes())?, 1);
    /// let url = Url::parse("http://www.example.com/")?;
    /// assert_eq!(jar.cookie_header(&url).as_deref(), Some("theme=dark"));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if reading fails.
    pub fn load_netscape(&self, reader: impl BufRead) -> Result<usize> {
        self.load_lines(reader, "reading cookies")
    }

    /// [`load_netscape`](Self::load_netscape), with `context` for the I/O error message.
    fn load_lines(&self, mut reader: impl BufRead, context: &str) -> Result<usize> {
        let now = SystemTime::now();
        let mut line = Vec::new();
        let mut added = 0;
        while let Some(fits) =
            read_bounded_line(&mut reader, &mut line).map_err(|err| Error::from_io(err, context))?
        {
            let Some(cookie) = fits
                .then(|| std::str::from_utf8(&line).ok())
                .flatten()
                .and_then(netscape::parse_line)
            else {
                continue;
            };
            if !cookie.is_expired(now) && self.lock().insert(cookie, now).is_ok() {
                added += 1;
            }
        }
        Ok(added)
    }

    /// Writes every cookie that has not expired in the Netscape cookie-file format, as curl's
    /// `-c FILE` does: curl's header, then one line per cookie, oldest first, with a dot before
    /// a domain cookie's domain and `0` as a session cookie's expiry. SameSite and the creation
    /// and last-access times are not saved: the format has no field for them.
    ///
    /// ```
    /// # use plainwire::{Cookie, CookieJar};
    /// let jar = CookieJar::new();
    /// jar.insert(Cookie::new("theme", "dark", ".example.com"))?;
    /// let mut file = Vec::new();
    /// jar.save_netscape(&mut file)?;
    /// let text = String::from_utf8(file).unwrap();
    /// assert!(text.ends_with(".example.com\tTRUE\t/\tFALSE\t0\ttheme\tdark\n"));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if writing fails.
    pub fn save_netscape(&self, writer: impl Write) -> Result<()> {
        self.save_lines(writer, "writing cookies")
    }

    /// [`save_netscape`](Self::save_netscape), with `context` for the I/O error message.
    fn save_lines(&self, mut writer: impl Write, context: &str) -> Result<()> {
        let mut text = String::from(FILE_HEADER);
        for cookie in self.cookies() {
            netscape::write_line(&mut text, &cookie);
        }
        writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
            .map_err(|err| Error::from_io(err, context))
    }

    /// A jar with the cookies of the cookie file at `path` (see
    /// [`load_netscape`](Self::load_netscape)).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be opened or read.
    ///
    /// ```no_run
    /// // curl -b cookies.txt; requests: MozillaCookieJar("cookies.txt").load()
    /// let jar = plainwire::CookieJar::from_file("cookies.txt")?;
    /// let agent = plainwire::Agent::builder().cookie_jar(jar).build()?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<CookieJar> {
        let jar = CookieJar::new();
        jar.load_file(path)?;
        Ok(jar)
    }

    /// Adds the cookies of the cookie file at `path` (see [`load_netscape`](Self::load_netscape));
    /// returns how many it added.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be opened or read.
    pub fn load_file(&self, path: impl AsRef<Path>) -> Result<usize> {
        let path = path.as_ref();
        let context = format!("reading the cookie file {}", path.display());
        let file = fs::File::open(path).map_err(|err| Error::from_io(err, &context))?;
        self.load_lines(io::BufReader::new(file), &context)
    }

    /// Writes the cookies to the file at `path` (see [`save_netscape`](Self::save_netscape)),
    /// replacing it whole: the cookies go to a new file beside it, which then takes its name, so
    /// that a reader never sees half a file. On Unix the file is readable by its owner only,
    /// since cookies are credentials. A `path` that is there and is not a regular file (a
    /// device such as `/dev/null` or `/dev/stdout`, a pipe) is written to as it is, never
    /// replaced.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be written or renamed.
    ///
    /// ```
    /// use plainwire::{Cookie, CookieJar};
    ///
    /// let jar = CookieJar::new();
    /// jar.insert(Cookie::new("theme", "dark", ".example.com"))?;
    /// let path = std::env::temp_dir().join(format!("plainwire-doc-{}.txt", std::process::id()));
    /// jar.save_file(&path)?; // curl -c FILE writes the same format
    ///
    /// let again = CookieJar::new();
    /// assert_eq!(again.load_file(&path)?, 1);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn save_file(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let context = format!("writing the cookie file {}", path.display());
        // Something that is there and not a regular file (a device such as /dev/null or
        // /dev/stdout, a FIFO) is written to, never replaced by a rename (as curl does).
        if fs::metadata(path).is_ok_and(|meta| !meta.is_file()) {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|err| Error::from_io(err, &context))?;
            return self.save_lines(io::BufWriter::new(file), &context);
        }
        let temporary = temporary_path(path);
        let written = create_private(&temporary)
            .map_err(|err| Error::from_io(err, &context))
            .and_then(|file| self.save_lines(io::BufWriter::new(file), &context))
            .and_then(|()| {
                fs::rename(&temporary, path).map_err(|err| Error::from_io(err, &context))
            });
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }
}

impl fmt::Debug for CookieJar {
    /// The number of cookies only: names, domains and values stay private.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieJar")
            .field("cookies", &self.len())
            .finish()
    }
}

/// Parses one Set-Cookie line and stores the cookie; on refusal, says why, with the cookie's
/// name if the line got that far.
pub(crate) fn receive(
    store: &mut Store,
    url: &Url,
    line: &[u8],
    now: SystemTime,
) -> std::result::Result<(), (Option<String>, Refusal)> {
    let set = parse_set_cookie(line, now).map_err(|refusal| (None, refusal))?;
    let name = set.name.clone();
    store
        .receive(url, set, now)
        .map_err(|refusal| (Some(name), refusal))
}

/// The error for a refused cookie: its name (shortened) and the rule, never its value.
fn refused(name: Option<&str>, refusal: Refusal) -> Error {
    const SHOWN: usize = 64;
    let subject = match name {
        Some("") => "the nameless cookie".to_owned(),
        Some(name) if name.chars().count() > SHOWN => {
            let head: String = name.chars().take(SHOWN).collect();
            format!("the cookie \"{head}...\"")
        }
        Some(name) => format!("the cookie \"{name}\""),
        None => "the cookie".to_owned(),
    };
    Error::new(
        ErrorKind::InvalidRequest,
        format!("{subject} was refused: {refusal}"),
    )
}

/// Reads through the next `\n` into `line` (cleared first), holding at most
/// [`MAX_FILE_LINE_BYTES`]: `Some(true)` for a line, `Some(false)` for a line that was too long
/// (and was skipped), `None` at the end of the input.
fn read_bounded_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Option<bool>> {
    line.clear();
    let mut fits = true;
    let mut read_any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            return Ok(read_any.then_some(fits));
        }
        read_any = true;
        let (chunk, ends_line) = match available.iter().position(|&b| b == b'\n') {
            Some(newline) => (&available[..=newline], true),
            None => (available, false),
        };
        if fits && line.len() + chunk.len() <= MAX_FILE_LINE_BYTES {
            line.extend_from_slice(chunk);
        } else {
            fits = false;
            line.clear();
        }
        let used = chunk.len();
        reader.consume(used);
        if ends_line {
            return Ok(Some(fits));
        }
    }
}

/// A name for the file that [`CookieJar::save_file`] writes before renaming it to `path`: in
/// the same directory (a rename across file systems would fail), and not to be guessed. In a
/// directory others may write to (`-c /tmp/cookies.txt`), a name made of the process id alone
/// could be taken first by another user, and every save would fail.
fn temporary_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "cookies".into(), |name| name.to_string_lossy());
    let [random] = crate::random::words::<1>();
    path.with_file_name(format!(".{name}.{random:016x}.tmp"))
}

/// Creates a new file at `path` that only its owner can read (on Unix).
fn create_private(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_another_user_made_first_does_not_stop_the_save() {
        // The temporary names a save used to take: the process id and a count of calls, which
        // anyone on the machine could create first in a shared directory.
        let dir = std::env::temp_dir().join(format!("plainwire-jar-taken-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for call in 0..64 {
            let taken = format!(".cookies.txt.{}-{call}.tmp", std::process::id());
            fs::write(dir.join(taken), "").unwrap();
        }
        let jar = CookieJar::new();
        jar.insert(crate::Cookie::new("a", "1", "example.com"))
            .unwrap();
        jar.save_file(dir.join("cookies.txt")).unwrap();
        assert!(fs::read_to_string(dir.join("cookies.txt"))
            .unwrap()
            .contains("\ta\t1"));
        assert_ne!(temporary_path(&dir), temporary_path(&dir));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn saving_to_a_pipe_writes_to_it_and_leaves_it_a_pipe() {
        // What `-c /dev/stdout` or `-c /dev/null` is to the jar: not a regular file. (The test
        // makes its own FIFO rather than touch /dev.)
        use std::os::unix::fs::FileTypeExt;
        let dir = std::env::temp_dir().join(format!("plainwire-jar-fifo-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("cookies");
        let _ = fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            return; // no mkfifo here: nothing to test with
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        let jar = CookieJar::new();
        jar.insert(crate::Cookie::new("a", "1", "example.com"))
            .unwrap();
        jar.save_file(&fifo).unwrap();
        // Checked before the reader is joined: a FIFO replaced by a file leaves it waiting.
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(reader.join().unwrap().contains("\ta\t1"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_overlong_line_is_skipped_without_being_held() {
        let mut input = vec![b'x'; 3 * MAX_FILE_LINE_BYTES];
        input.extend_from_slice(b"\nnext\n");
        let mut reader = io::BufReader::with_capacity(64, &input[..]);
        let mut line = Vec::new();
        assert_eq!(
            read_bounded_line(&mut reader, &mut line).unwrap(),
            Some(false)
        );
        assert!(
            line.capacity() <= 2 * MAX_FILE_LINE_BYTES,
            "{}",
            line.capacity()
        );
        assert_eq!(
            read_bounded_line(&mut reader, &mut line).unwrap(),
            Some(true)
        );
        assert_eq!(line, b"next\n");
        assert_eq!(read_bounded_line(&mut reader, &mut line).unwrap(), None);
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_read() {
        let mut input = vec![b'x'; MAX_FILE_LINE_BYTES - 1];
        input.push(b'\n');
        let mut line = Vec::new();
        let result = read_bounded_line(&mut &input[..], &mut line).unwrap();
        assert_eq!((result, line.len()), (Some(true), MAX_FILE_LINE_BYTES));
    }

    #[test]
    fn the_last_line_needs_no_newline() {
        let mut line = Vec::new();
        let mut input: &[u8] = b"a\nb";
        assert_eq!(
            read_bounded_line(&mut input, &mut line).unwrap(),
            Some(true)
        );
        assert_eq!(
            read_bounded_line(&mut input, &mut line).unwrap(),
            Some(true)
        );
        assert_eq!(line, b"b");
        assert_eq!(read_bounded_line(&mut input, &mut line).unwrap(), None);
    }
}
