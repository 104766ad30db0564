//! `http` and `https` URLs: parsing, resolving references, and the pieces a request needs. It
//! resolves no names and decides nothing about where a request goes.
//!
//! The rules are on [`Url::parse`].

#![warn(clippy::pedantic)]
// Getters and predicates: ignoring one is harmless, and `#[must_use]` on each is noise.
#![allow(clippy::must_use_candidate)]

use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};
use crate::http1::write::decimal;
use crate::printable::escape_for_terminal;

/// The scheme of a [`Url`].
///
/// ```
/// use plainwire::{Scheme, Url};
/// let url = Url::parse("HTTPS://example.com/")?;
/// assert_eq!(url.scheme(), Scheme::Https);
/// assert_eq!((Scheme::Https.as_str(), Scheme::Https.default_port()), ("https", 443));
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http`, port 80 by default.
    Http,
    /// `https`, port 443 by default.
    Https,
}

impl Scheme {
    /// The scheme's name in lowercase: `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// The port used when the URL names none: 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    /// The scheme called `name`, in any case.
    fn from_name(name: &str) -> Option<Scheme> {
        if name.eq_ignore_ascii_case("http") {
            Some(Scheme::Http)
        } else if name.eq_ignore_ascii_case("https") {
            Some(Scheme::Https)
        } else {
            None
        }
    }
}

/// What kind of host a [`Url`] names.
///
/// ```
/// use plainwire::{HostKind, Url};
/// assert_eq!(Url::parse("http://example.com/")?.host_kind(), HostKind::Domain);
/// assert_eq!(Url::parse("http://10.0.0.1/")?.host_kind(), HostKind::Ipv4);
/// let v6 = Url::parse("http://[::1]:8080/")?;
/// assert_eq!((v6.host_kind(), v6.host()), (HostKind::Ipv6, "::1"));
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostKind {
    /// A domain name, to be resolved through DNS.
    Domain,
    /// An IPv4 address in dotted decimal.
    Ipv4,
    /// An IPv6 address (bracketed in the URL).
    Ipv6,
}

/// A parsed `http` or `https` URL; [`Url::parse`] says what it accepts.
///
/// `Display`, `Debug` and [`Url::as_str`] never show the userinfo.
///
/// ```
/// use plainwire::Url;
///
/// let url = Url::parse("https://ana:s3cret@api.example.com:8443/v1/items?page=2#top")?;
/// assert_eq!(url.host(), "api.example.com");
/// assert_eq!(url.port(), 8443);
/// assert_eq!(url.host_header(), "api.example.com:8443");
/// assert_eq!(url.path(), "/v1/items");
/// assert_eq!(url.query(), Some("page=2"));
/// assert_eq!((url.username(), url.password()), (Some("ana"), Some("s3cret")));
/// // No credentials and no fragment in what is shown or sent:
/// assert_eq!(url.to_string(), "https://api.example.com:8443/v1/items?page=2");
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Url {
    /// `scheme://host[:port]/path[?query]`: no userinfo, no fragment, no default port.
    serialization: String,
    scheme: Scheme,
    host_kind: HostKind,
    /// `serialization[host_start..host_end]` is [`Url::host`] (inside the brackets for IPv6).
    host_start: usize,
    host_end: usize,
    /// Index of the path's leading `/`.
    path_start: usize,
    /// Index of the `?`, if there is a query.
    query_start: Option<usize>,
    /// The effective port.
    port: u16,
    username: Option<String>,
    password: Option<String>,
}

impl Url {
    /// Parses an absolute `http` or `https` URL.
    ///
    /// It accepts `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`
    /// and keeps one normalised string, `scheme://host[:port]/path[?query]`, plus offsets into it:
    ///
    /// - the scheme is lowercased; only `http` and `https` are accepted;
    /// - a domain name is lowercased; an IPv6 literal is written in its canonical form;
    /// - the port is left out when it is the scheme's default;
    /// - the path is at least `/`, with `.` and `..` segments removed (as curl and browsers do),
    ///   also when their dots are written `%2e` (RFC 3986 §6.2.2.2, as browsers do);
    /// - in the path and query, non-ASCII characters, `` "<>\^`{|} `` and a `%` that does not start a
    ///   `%XX` escape are percent-encoded; existing `%XX` escapes are kept as they are;
    /// - the fragment is dropped: it is never sent to a server;
    /// - the userinfo is percent-decoded and kept apart, so that it never shows in
    ///   [`Url::as_str`], `Display` or `Debug`.
    ///
    /// ASCII whitespace at either end of the input is trimmed, like a browser's address bar does;
    /// a space or ASCII control character anywhere else is an error, not silently encoded.
    ///
    /// Deliberately not supported:
    ///
    /// - schemes other than `http` and `https` ([`ErrorKind::UnsupportedScheme`]);
    /// - internationalised domain names (no IDNA): a non-ASCII host is an error, write it as `xn--…`;
    /// - IPv6 zone identifiers (`[fe80::1%25eth0]`);
    /// - the shorthand and hexadecimal IPv4 forms (`127.1`, `0x7f.0.0.1`): a host whose last label
    ///   is a number must be four decimal numbers from 0 to 255, so that no resolver reads it
    ///   differently from us;
    /// - backslashes as path separators: in the path and query they are percent-encoded, and in the
    ///   authority they are an error (browsers read `http://a\@b/` as host `a`, RFC 3986 as host `b`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedScheme`] for another scheme, and [`ErrorKind::InvalidUrl`] for
    /// anything else that is wrong. No message quotes any part of the userinfo, also when a
    /// malformed URL makes it hard to tell where the userinfo ends: then the scheme, host or
    /// port is not quoted either.
    ///
    /// ```
    /// use plainwire::{ErrorKind, Url};
    ///
    /// let url = Url::parse("  HTTP://Example.COM:80/a/./b/../c  ")?;
    /// assert_eq!(url.as_str(), "http://example.com/a/c");
    ///
    /// assert_eq!(Url::parse("ftp://example.com/").unwrap_err().kind(), ErrorKind::UnsupportedScheme);
    /// assert_eq!(Url::parse("http://exa mple.com/").unwrap_err().kind(), ErrorKind::InvalidUrl);
    /// assert_eq!(Url::parse("http://127.1/").unwrap_err().kind(), ErrorKind::InvalidUrl);
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn parse(input: &str) -> Result<Url> {
        match Url::parse_normal_form(input) {
            Some(url) => Ok(url),
            None => Url::parse_any(input),
        }
    }

    /// [`Url::parse`] of a URL already in the normal form it keeps
    /// (`scheme://host[:port]/path[?query]`, as [`Url::as_str`] gives it back), in one pass and
    /// one allocation; `None` for anything else, which [`Url::parse_any`] then reads. Most URLs
    /// a program sends are written so, and this runs for every request.
    ///
    /// It answers only when the whole input needs nothing done to it: a lowercase `http` or
    /// `https` scheme; a host of lowercase letters, digits, `-`, `_` and `.` with no empty label
    /// and no trailing dot, or a dotted IPv4 address; a port with no leading zero that is not
    /// the scheme's default; a path that starts with `/` and has no `.` or `..` segment; and
    /// in path and query, nothing that is percent-encoded or would be (no `%`, no space,
    /// control, non-ASCII or `` "<>\^`{|} `` byte), no `#`, no userinfo. A property test
    /// checks that whatever it answers, [`Url::parse_any`] answers the same.
    fn parse_normal_form(input: &str) -> Option<Url> {
        let (scheme, rest) = if let Some(rest) = input.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else {
            (Scheme::Http, input.strip_prefix("http://")?)
        };
        let host_start = input.len() - rest.len();
        let bytes = rest.as_bytes();

        // The host: up to ':' or '/'. A URL without a path is not in normal form.
        let host_len = bytes
            .iter()
            .position(|&b| !matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.'))?;
        let host = &rest[..host_len];
        if host.is_empty()
            || host.len() > 253
            || host.starts_with('.')
            || host.ends_with('.')
            || host.contains("..")
        {
            return None;
        }
        let host_kind = if ends_in_number(host) {
            if !is_dotted_quad(host) {
                return None;
            }
            HostKind::Ipv4
        } else {
            HostKind::Domain
        };

        let mut at = host_len;
        let port = if bytes[at] == b':' {
            let digits = bytes[at + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 0 || digits > 5 || bytes[at + 1] == b'0' {
                return None;
            }
            let port = rest[at + 1..at + 1 + digits].parse::<u16>().ok()?;
            if port == scheme.default_port() {
                return None;
            }
            at += 1 + digits;
            port
        } else {
            scheme.default_port()
        };

        // The path, then the query.
        if bytes.get(at) != Some(&b'/') {
            return None;
        }
        let path_start = host_start + at;
        let mut query_start = None;
        let mut segment_start = at + 1;
        for (i, &b) in bytes.iter().enumerate().skip(at + 1) {
            match b {
                b'/' | b'?' if query_start.is_none() => {
                    if matches!(&rest[segment_start..i], "." | "..") {
                        return None;
                    }
                    segment_start = i + 1;
                    if b == b'?' {
                        query_start = Some(host_start + i);
                    }
                }
                b'!'
                | b'$'
                | b'&'..=b';'
                | b'='
                | b'?'
                | b'@'..=b'['
                | b']'
                | b'_'
                | b'a'..=b'z'
                | b'~' => {}
                _ => return None,
            }
        }
        if query_start.is_none() && matches!(&rest[segment_start..], "." | "..") {
            return None;
        }

        Some(Url {
            serialization: input.to_owned(),
            scheme,
            host_kind,
            host_start,
            host_end: host_start + host_len,
            path_start,
            query_start,
            port,
            username: None,
            password: None,
        })
    }

    /// [`Url::parse`] of any input: the full parser.
    fn parse_any(input: &str) -> Result<Url> {
        let (input, offset) = trim(input);
        check_chars(input, offset)?;
        let Some((name, after_colon)) = split_scheme(input) else {
            return Err(invalid(
                "the URL has no scheme: it must start with \"http://\" or \"https://\"",
            ));
        };
        let scheme = Scheme::from_name(name).ok_or_else(|| {
            // `user:password@host` without a scheme reads as the scheme `user`: with an '@'
            // anywhere, what precedes the first ':' may be a user name, and is not quoted.
            let message = if input.contains('@') {
                "unsupported URL scheme (not quoted, as it may be a user name): only http and \
                 https are supported, so write http://user:password@host"
                    .to_string()
            } else {
                format!("unsupported URL scheme \"{name}\": only http and https are supported")
            };
            Error::new(ErrorKind::UnsupportedScheme, message)
        })?;
        let Some(rest) = after_colon.strip_prefix("//") else {
            return Err(invalid(format!(
                "missing \"//\" after \"{name}:\": the URL must start with \"{}://\"",
                scheme.as_str()
            )));
        };

        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        if authority.contains('\\') {
            // Not quoted: the authority may hold a password.
            return Err(invalid(
                "a backslash is not allowed in the URL's authority (between \"//\" and the path)",
            ));
        }
        let (userinfo, host_and_port) = match authority.rfind('@') {
            Some(at) => (&authority[..at], &authority[at + 1..]),
            None => ("", authority),
        };
        let (username, password) = if userinfo.is_empty() {
            (None, None)
        } else {
            match userinfo.split_once(':') {
                Some((user, pass)) => (
                    Some(percent_decode(user, "user name")?),
                    Some(percent_decode(pass, "password")?),
                ),
                None => (Some(percent_decode(userinfo, "user name")?), None),
            }
        };

        // A '/', '?' or '#' inside a password ends the authority early, and what is left of the
        // userinfo then reads as host and port; an '@' after the authority says it may have
        // happened, and then an error about the host or port quotes neither.
        let userinfo_cut_short = tail.contains('@');
        let unquoted = |err: Error| {
            if userinfo_cut_short {
                invalid(
                    "invalid host or port (not quoted, as it may hold part of a password): a \
                     '/', '?' or '#' in the user name or password must be percent-encoded",
                )
            } else {
                err
            }
        };
        let mut s = String::with_capacity(input.len() + 8);
        s.push_str(scheme.as_str());
        s.push_str("://");
        let host = push_host(&mut s, host_and_port).map_err(unquoted)?;
        let port = parse_port(host.port, scheme).map_err(unquoted)?;
        if port != scheme.default_port() {
            s.push(':');
            s.push_str(decimal(u64::from(port), &mut [0; 20]));
        }

        let path_start = s.len();
        let tail = tail
            .split_once('#')
            .map_or(tail, |(before, _fragment)| before);
        let (path, query) = match tail.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (tail, None),
        };
        remove_dot_segments(&mut s, path_start, path);
        if s.len() == path_start {
            s.push('/');
        }
        let query_start = query.map(|query| {
            let at = s.len();
            s.push('?');
            percent_encode(&mut s, query);
            at
        });

        Ok(Url {
            serialization: s,
            scheme,
            host_kind: host.kind,
            host_start: host.start,
            host_end: host.end,
            path_start,
            query_start,
            port,
            username,
            password,
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Host as used for DNS/SNI: lowercase domain, dotted IPv4, or IPv6 WITHOUT brackets.
    ///
    /// A domain keeps a trailing dot if the URL has one.
    pub fn host(&self) -> &str {
        &self.serialization[self.host_start..self.host_end]
    }

    /// Whether the host is a domain name, an IPv4 or an IPv6 address.
    pub fn host_kind(&self) -> HostKind {
        self.host_kind
    }

    /// Effective port (explicit, or the scheme's default).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Value for the Host header: host (IPv6 in brackets) plus ":port" only when the port is not
    /// the scheme default.
    pub fn host_header(&self) -> String {
        self.host_and_port().to_owned()
    }

    /// [`Url::host_header`], borrowed: the authority as the URL holds it, which never holds a
    /// space or control character (so that it goes on the wire without another check).
    pub(crate) fn host_and_port(&self) -> &str {
        &self.serialization[self.scheme.as_str().len() + 3..self.path_start]
    }

    /// "host:port" always with port, IPv6 bracketed — the CONNECT request target.
    pub fn authority(&self) -> String {
        crate::transport::connect::HostPort(self.host(), self.port).to_string()
    }

    /// Origin-form request target: path (at least "/") plus "?query" if any. Never contains a
    /// fragment.
    pub fn path_and_query(&self) -> &str {
        &self.serialization[self.path_start..]
    }

    /// The path, percent-encoded as sent; at least `"/"`.
    pub fn path(&self) -> &str {
        let end = self.query_start.unwrap_or(self.serialization.len());
        &self.serialization[self.path_start..end]
    }

    /// The query without its `?`, percent-encoded as sent; `Some("")` for a bare `?`.
    pub fn query(&self) -> Option<&str> {
        self.query_start.map(|at| &self.serialization[at + 1..])
    }

    /// The user name from the userinfo, percent-decoded, if there is userinfo.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The password from the userinfo, percent-decoded, if there is a `:` in the userinfo.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// A copy with userinfo removed.
    #[must_use]
    pub fn without_credentials(&self) -> Url {
        self.clone().into_without_credentials()
    }

    /// This URL with the userinfo of `other` in place of its own (none if `other` has none).
    pub(crate) fn with_credentials_of(mut self, other: &Url) -> Url {
        self.username.clone_from(&other.username);
        self.password.clone_from(&other.password);
        self
    }

    /// [`Url::without_credentials`] of a URL that is not needed again: moved, not copied.
    pub(crate) fn into_without_credentials(mut self) -> Url {
        self.username = None;
        self.password = None;
        self
    }

    /// True when scheme, host and port are equal: the rule by which credentials stay behind
    /// on a redirect.
    ///
    /// ```
    /// use plainwire::Url;
    /// let a = Url::parse("https://example.com/a")?;
    /// assert!(a.same_origin(&Url::parse("https://example.com:443/b?c")?));
    /// assert!(!a.same_origin(&Url::parse("http://example.com/a")?));
    /// assert!(!a.same_origin(&Url::parse("https://www.example.com/a")?));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn same_origin(&self, other: &Url) -> bool {
        self.scheme == other.scheme && self.port == other.port && self.host() == other.host()
    }

    /// Resolves `reference` (such as a `Location` header value) against this URL, per
    /// RFC 3986 §5.2 with `remove_dot_segments` (§5.2.4).
    ///
    /// The fragment is dropped, and the result is validated exactly like [`Url::parse`].
    /// An absolute reference with a scheme other than http or https fails with
    /// [`ErrorKind::UnsupportedScheme`]. A network-path reference (`//host/path`) takes this
    /// URL's scheme. A reference of the form `http:path`, with this URL's own scheme and no
    /// `//`, is read as the relative `path` (RFC 3986 §5.4.2 "for backward compatibility",
    /// as browsers do). When the result takes this URL's authority, it keeps its userinfo too,
    /// as RFC 3986 says; use [`Url::without_credentials`] to drop it.
    ///
    /// # Errors
    ///
    /// Those of [`Url::parse`], for the reference and for the URL it resolves to.
    ///
    /// ```
    /// use plainwire::Url;
    /// let base = Url::parse("https://example.com/docs/guide/intro.html")?;
    /// assert_eq!(base.join("setup.html")?.as_str(), "https://example.com/docs/guide/setup.html");
    /// assert_eq!(base.join("../api/")?.as_str(), "https://example.com/docs/api/");
    /// assert_eq!(base.join("/search?q=1")?.as_str(), "https://example.com/search?q=1");
    /// assert_eq!(base.join("//cdn.example.net/x")?.as_str(), "https://cdn.example.net/x");
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn join(&self, reference: &str) -> Result<Url> {
        let (whole, offset) = trim(reference);
        check_chars(whole, offset)?;
        let mut reference = whole
            .split_once('#')
            .map_or(whole, |(before, _fragment)| before);

        // An absolute reference is parsed whole, fragment and all: `Url::parse` drops the
        // fragment itself, and needs it to see a password cut short by a '#'.
        if let Some((name, after_colon)) = split_scheme(reference) {
            if after_colon.starts_with("//") || !name.eq_ignore_ascii_case(self.scheme.as_str()) {
                return Url::parse(whole);
            }
            reference = after_colon;
        }
        if reference.starts_with("//") {
            let mut absolute = String::with_capacity(self.scheme.as_str().len() + 1 + whole.len());
            absolute.push_str(self.scheme.as_str());
            absolute.push(':');
            absolute.push_str(whole);
            return Url::parse(&absolute);
        }

        let (path, query) = match reference.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (reference, None),
        };
        let mut target = String::with_capacity(self.serialization.len() + reference.len() + 1);
        target.push_str(&self.serialization[..self.path_start]);
        if path.is_empty() {
            target.push_str(self.path());
        } else if path.starts_with('/') {
            target.push_str(path);
        } else {
            // Merge (§5.2.3): the base path up to and including its last '/', then the reference.
            let base = self.path();
            target.push_str(&base[..base.rfind('/').map_or(0, |slash| slash + 1)]);
            target.push_str(path);
        }
        if let Some(query) = query.or(if path.is_empty() { self.query() } else { None }) {
            target.push('?');
            target.push_str(query);
        }
        let mut url = Url::parse(&target)?;
        url.username.clone_from(&self.username);
        url.password.clone_from(&self.password);
        Ok(url)
    }

    /// Appends `key=value` to the query, both encoded with [`form_urlencode`] rules, adding '?'
    /// or '&' as needed.
    ///
    /// ```
    /// let mut url = plainwire::Url::parse("https://example.com/search?lang=en")?;
    /// url.append_query_pair("q", "rust & http");
    /// assert_eq!(url.query(), Some("lang=en&q=rust+%26+http"));
    /// # Ok::<(), plainwire::Error>(())
    /// ```
    pub fn append_query_pair(&mut self, key: &str, value: &str) {
        match self.query_start {
            None => {
                self.query_start = Some(self.serialization.len());
                self.serialization.push('?');
            }
            Some(at) => {
                let query = &self.serialization[at + 1..];
                if !query.is_empty() && !query.ends_with('&') {
                    self.serialization.push('&');
                }
            }
        }
        form_urlencode(&mut self.serialization, key);
        self.serialization.push('=');
        form_urlencode(&mut self.serialization, value);
    }

    /// The full URL as a string WITHOUT userinfo (credentials never shown), e.g.
    /// `"https://example.com:8443/a?b=c"`.
    pub fn as_str(&self) -> &str {
        &self.serialization
    }
}

impl fmt::Display for Url {
    /// The same as [`Url::as_str`]: no userinfo.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Url {
    /// The same as [`Url::as_str`]: no userinfo.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Url {
    type Err = Error;

    /// The same as [`Url::parse`].
    fn from_str(input: &str) -> Result<Url> {
        Url::parse(input)
    }
}

/// Appends `input` to `out` percent-encoded for application/x-www-form-urlencoded: ASCII
/// alphanumerics and `*-._` kept, space -> '+', every other byte -> %XX (uppercase hex). Used
/// for query pairs and form bodies.
///
/// ```
/// let mut body = String::from("q=");
/// plainwire::form_urlencode(&mut body, "café & crème");
/// assert_eq!(body, "q=caf%C3%A9+%26+cr%C3%A8me");
/// ```
pub fn form_urlencode(out: &mut String, input: &str) {
    out.reserve(input.len());
    for byte in input.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => push_escape(out, byte),
        }
    }
}

/// `bytes` as URL text: ASCII as it is, every other byte as `%XX` (uppercase hex). For bytes
/// that need not be UTF-8 and are to become part of a URL (a Latin-1 `Location`, command-line
/// data for a query): UTF-8 comes out as the URL parser encodes its characters, and any other
/// byte keeps its value, where reading it as text would replace it. ASCII that a URL cannot
/// hold is left to the parser.
///
/// ```
/// assert_eq!(plainwire::percent_encode_non_ascii(b"/caf\xe9?q=\xc3\xa9"), "/caf%E9?q=%C3%A9");
/// assert_eq!(plainwire::percent_encode_non_ascii(b"/plain"), "/plain");
/// ```
pub fn percent_encode_non_ascii(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.is_ascii() => std::borrow::Cow::Borrowed(text),
        _ => {
            let mut text = String::with_capacity(bytes.len() + 16);
            for &byte in bytes {
                if byte.is_ascii() {
                    text.push(char::from(byte));
                } else {
                    push_escape(&mut text, byte);
                }
            }
            std::borrow::Cow::Owned(text)
        }
    }
}

/// An [`ErrorKind::InvalidUrl`] error. Its message quotes the URL, which may be a peer's (a
/// redirect's `Location`): what a terminal would obey in it is escaped.
fn invalid(message: impl Into<String>) -> Error {
    let message = message.into();
    Error::new(
        ErrorKind::InvalidUrl,
        escape_for_terminal(&message).into_owned(),
    )
}

/// `input` without ASCII whitespace at either end, and how many bytes were cut from the front.
fn trim(input: &str) -> (&str, usize) {
    let start = input.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let offset = input.len() - start.len();
    (
        start.trim_end_matches(|c: char| c.is_ascii_whitespace()),
        offset,
    )
}

/// Rejects a space or an ASCII control character; `offset` is added to positions in messages.
fn check_chars(input: &str, offset: usize) -> Result<()> {
    match input
        .bytes()
        .position(|b| b == b' ' || b.is_ascii_control())
    {
        None => Ok(()),
        Some(at) if input.as_bytes()[at] == b' ' => Err(invalid(format!(
            "the URL contains a space at byte {}: write it as %20",
            at + offset
        ))),
        Some(at) => Err(invalid(format!(
            "the URL contains the control character 0x{:02X} at byte {}",
            input.as_bytes()[at],
            at + offset
        ))),
    }
}

/// Splits `scheme:rest` where the scheme matches RFC 3986's `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let bytes = input.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    let end = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))?;
    if bytes[end] != b':' {
        return None;
    }
    Some((&input[..end], &input[end + 1..]))
}

/// Where [`push_host`] wrote the host, and the port text that followed it.
struct HostSpan<'a> {
    kind: HostKind,
    start: usize,
    end: usize,
    port: Option<&'a str>,
}

/// Validates `host[:port]`, appends the host in normal form (IPv6 bracketed) to `s`.
fn push_host<'a>(s: &mut String, host_and_port: &'a str) -> Result<HostSpan<'a>> {
    if let Some(bracketed) = host_and_port.strip_prefix('[') {
        let Some((literal, after)) = bracketed.split_once(']') else {
            return Err(invalid(format!(
                "the IPv6 address \"{host_and_port}\" has no closing ']'"
            )));
        };
        let port = if after.is_empty() {
            None
        } else if let Some(port) = after.strip_prefix(':') {
            Some(port)
        } else {
            return Err(invalid(format!(
                "unexpected \"{after}\" after the IPv6 address \"[{literal}]\": expected ':' and a port"
            )));
        };
        if literal.contains('%') {
            return Err(invalid(format!(
                "IPv6 zone identifiers are not supported: \"[{literal}]\""
            )));
        }
        let addr: Ipv6Addr = literal
            .parse()
            .map_err(|_| invalid(format!("invalid IPv6 address \"[{literal}]\"")))?;
        s.push('[');
        let start = s.len();
        let _ = write!(s, "{addr}");
        let end = s.len();
        s.push(']');
        return Ok(HostSpan {
            kind: HostKind::Ipv6,
            start,
            end,
            port,
        });
    }

    let (host, port) = match host_and_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_and_port, None),
    };
    if host.is_empty() {
        return Err(invalid("the URL has no host"));
    }
    if !host.is_ascii() {
        return Err(invalid(format!(
            "the host \"{host}\" is not ASCII: internationalised domain names (IDNA) are not \
             supported, write it in its \"xn--\" form"
        )));
    }
    if let Some(bad) = host
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(invalid(format!(
            "invalid character '{bad}' in the host \"{host}\""
        )));
    }
    let start = s.len();
    let name = host.strip_suffix('.').unwrap_or(host);
    let kind = if ends_in_number(name) {
        let _: Ipv4Addr = host.parse().map_err(|_| {
            invalid(format!(
                "invalid IPv4 address \"{host}\": expected four decimal numbers from 0 to 255"
            ))
        })?;
        // std accepts exactly four decimal numbers without leading zeros: already canonical.
        s.push_str(host);
        HostKind::Ipv4
    } else {
        if name.is_empty() || name.split('.').any(str::is_empty) {
            return Err(invalid(format!("the host \"{host}\" has an empty label")));
        }
        if name.len() > 253 {
            return Err(invalid(format!(
                "the host name is {} characters long: at most 253 are allowed",
                name.len()
            )));
        }
        s.extend(host.chars().map(|c| c.to_ascii_lowercase()));
        HostKind::Domain
    };
    Ok(HostSpan {
        kind,
        start,
        end: s.len(),
        port,
    })
}

/// Whether the last label of `name` is a decimal or `0x` hexadecimal number, which makes the
/// whole name an IPv4 address to resolvers (WHATWG URL "ends in a number").
fn ends_in_number(name: &str) -> bool {
    let last = &name[name
        .bytes()
        .rposition(|b| b == b'.')
        .map_or(0, |dot| dot + 1)..];
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x").or_else(|| last.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// Whether `host` is four decimal numbers from 0 to 255 without leading zeros, separated by
/// dots: an IPv4 address that std's parser takes and writes back unchanged (the short way of
/// [`Url::parse_normal_form`] accepts no other).
fn is_dotted_quad(host: &str) -> bool {
    let mut parts = 0;
    let mut value: u16 = 0;
    let mut digits = 0;
    for &b in host.as_bytes().iter().chain(b".") {
        match b {
            b'0'..=b'9' if digits == 0 || value > 0 => {
                value = value * 10 + u16::from(b - b'0');
                digits += 1;
                if value > 255 {
                    return false;
                }
            }
            b'.' if digits > 0 && parts < 4 => {
                parts += 1;
                value = 0;
                digits = 0;
            }
            _ => return false,
        }
    }
    parts == 4
}

/// The port from the text after ':' (none or empty: the scheme's default).
fn parse_port(text: Option<&str>, scheme: Scheme) -> Result<u16> {
    let text = match text {
        None | Some("") => return Ok(scheme.default_port()),
        Some(text) => text,
    };
    if text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(port @ 1..=65535) = text.parse::<u32>() {
            // In range, so the conversion cannot fail.
            return u16::try_from(port).map_err(|_| invalid("unreachable"));
        }
    }
    // Anything but a number a port could be is described by its length, not quoted: in
    // `http://user:secret` (an `@` forgotten) it is a password, perhaps of digits.
    let shown = if text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("\"{text}\"")
    } else {
        format!(
            "of {} characters that are not all digits",
            text.chars().count()
        )
    };
    Err(invalid(format!(
        "invalid port {shown}: expected a number from 1 to 65535"
    )))
}

/// Percent-decodes one half of the userinfo; `what` names it in the error, which never quotes it.
fn percent_decode(raw: &str, what: &str) -> Result<String> {
    if !raw.contains('%') {
        return Ok(raw.to_owned());
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(high), Some(low)) = (
                bytes.get(i + 1).and_then(|&b| hex_value(b)),
                bytes.get(i + 2).and_then(|&b| hex_value(b)),
            ) {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        invalid(format!(
            "the {what} in the URL is not valid UTF-8 once percent-decoded"
        ))
    })
}

/// The value of an ASCII hex digit.
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Appends `%XX` for `byte`, in uppercase hex.
fn push_escape(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xF)]));
}

/// Appends path or query text to `out`, percent-encoding non-ASCII bytes, `` "<>\^`{|} `` and a `%`
/// that does not start a `%XX` escape.
fn percent_encode(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = match byte {
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' => true,
            b'%' => {
                !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            }
            _ => !byte.is_ascii(),
        };
        if escape {
            push_escape(out, byte);
        } else {
            out.push(char::from(byte));
        }
    }
}

/// RFC 3986 §5.2.4 `remove_dot_segments`: appends `input` to `out` without its `.` and `..`
/// segments, percent-encoding each segment as it goes. `..` never removes anything before
/// `out[floor..]`.
///
/// A dot segment may be written with `%2e` for a dot (`%2e`, `.%2E`, `%2e%2e`, ...): RFC 3986
/// §6.2.2.2 normalises those escapes to `.`, and the WHATWG URL standard counts them as "single-dot"
/// and "double-dot path segments", so browsers and servers that decode before routing read
/// them so too. Removing them here makes [`Url::path`] name what the server will serve.
/// Other escapes are kept as they are.
///
/// Encoding and removing dot segments commute: encoding changes neither `/`, `.` nor `%2e`.
fn remove_dot_segments(out: &mut String, floor: usize, mut input: &str) {
    while !input.is_empty() {
        // The first segment, with its leading '/' if any; `after` is empty or starts with '/'.
        let (slash, rest) = match input.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let (segment, after) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        match (dot_segment(segment), slash) {
            // A and D: a leading "./" or "../", or a lone "." or "..", goes.
            (Some(_), false) => input = after.strip_prefix('/').unwrap_or(after),
            // B: "/./" becomes "/", and so does a final "/.".
            (Some(Dots::One), true) => input = if after.is_empty() { "/" } else { after },
            // C: as B, and the last output segment goes too.
            (Some(Dots::Two), true) => {
                input = if after.is_empty() { "/" } else { after };
                pop_segment(out, floor);
            }
            // E: move the segment, with its leading '/' if any, to the output.
            (None, _) => {
                let end = input.len() - after.len();
                percent_encode(out, &input[..end]);
                input = after;
            }
        }
    }
}

/// A dot segment: `.` or `..`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dots {
    One,
    Two,
}

/// Whether `segment` is a dot segment, each dot written as `.` or as `%2e` in either case.
fn dot_segment(segment: &str) -> Option<Dots> {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        if rest[0] == b'.' {
            rest = &rest[1..];
        } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%2e") {
            rest = &rest[3..];
        } else {
            return None;
        }
        dots += 1;
    }
    match dots {
        1 => Some(Dots::One),
        2 => Some(Dots::Two),
        _ => None,
    }
}

/// Removes the last segment of `out[floor..]` and the '/' before it, if any.
fn pop_segment(out: &mut String, floor: usize) {
    let end = out[floor..].rfind('/').map_or(floor, |slash| floor + slash);
    out.truncate(end);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(input: &str) -> Url {
        match Url::parse(input) {
            Ok(url) => url,
            Err(err) => panic!("{input:?} should parse: {err}"),
        }
    }

    fn parse_err(input: &str) -> Error {
        match Url::parse(input) {
            Ok(url) => panic!("{input:?} should not parse, got {url}"),
            Err(err) => err,
        }
    }

    fn kind(input: &str) -> ErrorKind {
        parse_err(input).kind()
    }

    const BASE: &str = "http://a/b/c/d;p?q";

    fn resolve(reference: &str) -> String {
        match url(BASE).join(reference) {
            Ok(url) => url.to_string(),
            Err(err) => panic!("{reference:?} should resolve: {err}"),
        }
    }

    // ---- Scheme ----

    #[test]
    fn scheme_names_and_default_ports() {
        assert_eq!(Scheme::Http.as_str(), "http");
        assert_eq!(Scheme::Https.as_str(), "https");
        assert_eq!(Scheme::Http.default_port(), 80);
        assert_eq!(Scheme::Https.default_port(), 443);
    }

    #[test]
    fn scheme_is_case_insensitive_and_stored_lowercase() {
        let u = url("HTTPS://example.com/");
        assert_eq!(u.scheme(), Scheme::Https);
        assert_eq!(u.as_str(), "https://example.com/");

        assert_eq!(url("hTtP://example.com").scheme(), Scheme::Http);
    }

    #[test]
    fn other_schemes_are_unsupported_and_named() {
        let err = parse_err("ftp://example.com/file");
        assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
        assert!(err.message().contains("\"ftp\""), "{err}");

        assert_eq!(kind("file:///etc/passwd"), ErrorKind::UnsupportedScheme);
        assert_eq!(
            kind("mailto:someone@example.com"),
            ErrorKind::UnsupportedScheme
        );
        assert_eq!(kind("ws://example.com/"), ErrorKind::UnsupportedScheme);
        assert_eq!(kind("httpx://example.com/"), ErrorKind::UnsupportedScheme);
        assert_eq!(kind("javascript:alert(1)"), ErrorKind::UnsupportedScheme);
    }

    #[test]
    fn a_host_and_port_without_scheme_reads_as_an_unknown_scheme() {
        // RFC 3986 reads "localhost:" as a scheme; there is no guessing of "http://".
        let err = parse_err("localhost:8080/path");
        assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
        assert!(err.message().contains("\"localhost\""), "{err}");
    }

    #[test]
    fn missing_scheme_is_invalid() {
        assert_eq!(kind("example.com/path"), ErrorKind::InvalidUrl);
        assert_eq!(kind("//example.com/path"), ErrorKind::InvalidUrl);
        assert_eq!(kind("/path"), ErrorKind::InvalidUrl);
        assert_eq!(kind("://example.com"), ErrorKind::InvalidUrl);
        assert_eq!(kind("1http://example.com"), ErrorKind::InvalidUrl);
        assert_eq!(kind(""), ErrorKind::InvalidUrl);
        assert_eq!(kind("   "), ErrorKind::InvalidUrl);
    }

    #[test]
    fn missing_slashes_after_scheme_is_invalid() {
        let err = parse_err("http:example.com");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("\"//\""), "{err}");

        assert_eq!(kind("http:/example.com"), ErrorKind::InvalidUrl);
        assert_eq!(kind("https:"), ErrorKind::InvalidUrl);
    }

    // ---- Whole URL ----

    #[test]
    fn a_plain_url() {
        let u = url("http://example.com/index.html");
        assert_eq!(u.scheme(), Scheme::Http);
        assert_eq!(u.host(), "example.com");
        assert_eq!(u.host_kind(), HostKind::Domain);
        assert_eq!(u.port(), 80);
        assert_eq!(u.path(), "/index.html");
        assert_eq!(u.query(), None);
        assert_eq!(u.path_and_query(), "/index.html");
        assert_eq!(u.username(), None);
        assert_eq!(u.password(), None);
        assert_eq!(u.as_str(), "http://example.com/index.html");
    }

    #[test]
    fn every_part() {
        let u = url("https://user:pw@Example.COM:8443/a/b?x=1&y=2#frag");
        assert_eq!(u.scheme(), Scheme::Https);
        assert_eq!(u.username(), Some("user"));
        assert_eq!(u.password(), Some("pw"));
        assert_eq!(u.host(), "example.com");
        assert_eq!(u.port(), 8443);
        assert_eq!(u.path(), "/a/b");
        assert_eq!(u.query(), Some("x=1&y=2"));
        assert_eq!(u.path_and_query(), "/a/b?x=1&y=2");
        assert_eq!(u.host_header(), "example.com:8443");
        assert_eq!(u.authority(), "example.com:8443");
        assert_eq!(u.as_str(), "https://example.com:8443/a/b?x=1&y=2");
    }

    #[test]
    fn from_str_and_display() {
        let u: Url = "http://example.com/a".parse().unwrap();
        assert_eq!(u.to_string(), "http://example.com/a");
        assert_eq!(format!("{u:?}"), "http://example.com/a");

        let err = "nope".parse::<Url>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
    }

    #[test]
    fn surrounding_ascii_whitespace_is_trimmed() {
        assert_eq!(
            url("  http://example.com/a \r\n").as_str(),
            "http://example.com/a"
        );
        assert_eq!(url("\thttp://example.com/").as_str(), "http://example.com/");
    }

    #[test]
    fn inner_space_is_invalid_and_located() {
        let err = parse_err("http://example.com/a b");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("space at byte 20"), "{err}");

        // The position counts the trimmed whitespace too.
        let err = parse_err("  http://example.com/a b");
        assert!(err.message().contains("space at byte 22"), "{err}");

        assert_eq!(kind("http://exa mple.com/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com/?q=a b"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com/#a b"), ErrorKind::InvalidUrl);
    }

    #[test]
    fn control_characters_are_invalid_and_located() {
        let err = parse_err("http://example.com/a\nb");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("0x0A at byte 20"), "{err}");

        let err = parse_err("http://example.com/\x7f");
        assert!(err.message().contains("0x7F at byte 19"), "{err}");

        assert_eq!(kind("http://example.com/\0"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com/?a=\tb"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://exa\rmple.com/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("\0http://example.com/"), ErrorKind::InvalidUrl);
    }

    // ---- Host ----

    #[test]
    fn domain_is_lowercased() {
        assert_eq!(url("http://WWW.Example.COM/").host(), "www.example.com");
    }

    #[test]
    fn domain_characters() {
        assert_eq!(url("http://a-b_c.d1.example/").host(), "a-b_c.d1.example");
        assert_eq!(url("http://localhost/").host(), "localhost");
        assert_eq!(url("http://x/").host(), "x");
    }

    #[test]
    fn domain_may_end_in_one_dot() {
        let u = url("http://example.com./");
        assert_eq!(u.host(), "example.com.");
        assert_eq!(u.host_kind(), HostKind::Domain);
    }

    #[test]
    fn domain_with_empty_label_is_invalid() {
        assert_eq!(kind("http://example..com/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://.example.com/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com../"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://./"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://../"), ErrorKind::InvalidUrl);
    }

    #[test]
    fn domain_of_253_characters_is_the_limit() {
        let label = "a".repeat(63);
        let name = format!("{label}.{label}.{label}.{}", "b".repeat(61));
        assert_eq!(name.len(), 253);
        assert_eq!(url(&format!("http://{name}/")).host(), name);
        assert_eq!(url(&format!("http://{name}./")).host(), format!("{name}."));

        let err = parse_err(&format!("http://{name}b/"));
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("254"), "{err}");
    }

    #[test]
    fn invalid_host_characters_are_named() {
        let err = parse_err("http://exa!mple.com/");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("'!'"), "{err}");
        assert!(err.message().contains("\"exa!mple.com\""), "{err}");

        assert_eq!(kind("http://exa%41mple.com/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://a]b/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://a[b/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://a<b/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://a*b/"), ErrorKind::InvalidUrl);
    }

    #[test]
    fn non_ascii_host_says_idna_is_not_supported() {
        let err = parse_err("http://bücher.example/");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("IDNA"), "{err}");

        assert_eq!(
            url("http://xn--bcher-kva.example/").host(),
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn empty_host_is_invalid() {
        let err = parse_err("http:///path");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("no host"), "{err}");

        assert_eq!(kind("http://"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://:80/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://user@/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://?q"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://#f"), ErrorKind::InvalidUrl);
    }

    #[test]
    fn ipv4_address() {
        let u = url("http://192.168.0.1:8080/");
        assert_eq!(u.host(), "192.168.0.1");
        assert_eq!(u.host_kind(), HostKind::Ipv4);
        assert_eq!(u.host_header(), "192.168.0.1:8080");

        assert_eq!(url("http://0.0.0.0/").host(), "0.0.0.0");
        assert_eq!(url("http://255.255.255.255/").host(), "255.255.255.255");
    }

    #[test]
    fn ipv4_out_of_range_is_invalid() {
        let err = parse_err("http://256.1.1.1/");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("\"256.1.1.1\""), "{err}");
    }

    #[test]
    fn ipv4_shorthand_and_other_forms_are_invalid() {
        assert_eq!(kind("http://127.1/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://1.2.3/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://1.2.3.4.5/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://2130706433/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://0x7f.0.0.1/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://127.0.0.0x1/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.0x/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://010.0.0.1/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://1.2.3.4./"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://foo.123/"), ErrorKind::InvalidUrl);
    }

    #[test]
    fn numbers_inside_a_domain_are_fine() {
        assert_eq!(url("http://1.2.3.example/").host_kind(), HostKind::Domain);
        assert_eq!(url("http://123abc/").host_kind(), HostKind::Domain);
        assert_eq!(url("http://0xg/").host_kind(), HostKind::Domain);
    }

    #[test]
    fn ipv6_address() {
        let u = url("http://[::1]/");
        assert_eq!(u.host(), "::1");
        assert_eq!(u.host_kind(), HostKind::Ipv6);
        assert_eq!(u.port(), 80);
        assert_eq!(u.host_header(), "[::1]");
        assert_eq!(u.authority(), "[::1]:80");
        assert_eq!(u.as_str(), "http://[::1]/");
    }

    #[test]
    fn ipv6_address_with_port() {
        let u = url("https://[2001:db8::7]:8443/x");
        assert_eq!(u.host(), "2001:db8::7");
        assert_eq!(u.port(), 8443);
        assert_eq!(u.host_header(), "[2001:db8::7]:8443");
        assert_eq!(u.authority(), "[2001:db8::7]:8443");
        assert_eq!(u.as_str(), "https://[2001:db8::7]:8443/x");
    }

    #[test]
    fn ipv6_address_is_written_in_canonical_form() {
        let u = url("http://[2001:DB8:0:0:0:0:0:1]/");
        assert_eq!(u.host(), "2001:db8::1");
        assert_eq!(u.as_str(), "http://[2001:db8::1]/");

        assert_eq!(url("http://[::FFFF:192.0.2.1]/").host(), "::ffff:192.0.2.1");
    }

    #[test]
    fn ipv6_zone_id_is_refused_clearly() {
        let err = parse_err("http://[fe80::1%25eth0]/");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("zone"), "{err}");

        assert_eq!(kind("http://[fe80::1%eth0]/"), ErrorKind::InvalidUrl);
    }

    #[test]
    fn malformed_ipv6_is_invalid() {
        let err = parse_err("http://[::1/");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("']'"), "{err}");

        assert_eq!(kind("http://[]/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://[1:2:3]/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://[::g]/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://[127.0.0.1]/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://[example.com]/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://[::1]x/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://[::1]]/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://::1/"), ErrorKind::InvalidUrl);
    }

    #[test]
    fn ipv6_with_empty_port_uses_default() {
        let u = url("http://[::1]:/");
        assert_eq!(u.port(), 80);
        assert_eq!(u.as_str(), "http://[::1]/");
    }

    // ---- Port ----

    #[test]
    fn default_port_is_the_schemes() {
        assert_eq!(url("http://example.com/").port(), 80);
        assert_eq!(url("https://example.com/").port(), 443);
    }

    #[test]
    fn explicit_default_port_is_omitted() {
        let u = url("http://example.com:80/");
        assert_eq!(u.port(), 80);
        assert_eq!(u.host_header(), "example.com");
        assert_eq!(u.authority(), "example.com:80");
        assert_eq!(u.as_str(), "http://example.com/");

        let u = url("https://example.com:443/");
        assert_eq!(u.host_header(), "example.com");
        assert_eq!(u.authority(), "example.com:443");
    }

    #[test]
    fn other_schemes_default_is_kept() {
        let u = url("https://example.com:80/");
        assert_eq!(u.port(), 80);
        assert_eq!(u.host_header(), "example.com:80");
        assert_eq!(u.as_str(), "https://example.com:80/");

        assert_eq!(
            url("http://example.com:443/").host_header(),
            "example.com:443"
        );
    }

    #[test]
    fn empty_port_means_default() {
        let u = url("http://example.com:/a");
        assert_eq!(u.port(), 80);
        assert_eq!(u.as_str(), "http://example.com/a");
    }

    #[test]
    fn port_range() {
        assert_eq!(url("http://example.com:1/").port(), 1);
        assert_eq!(url("http://example.com:65535/").port(), 65535);
        assert_eq!(url("http://example.com:00080/").port(), 80);
    }

    #[test]
    fn bad_ports_are_invalid_and_only_digits_are_quoted() {
        let err = parse_err("http://example.com:99999/");
        assert!(err.message().contains("port \"99999\""), "{err}");
        let err = parse_err("http://admin:12345678");
        assert!(!err.to_string().contains("12345678"), "{err}");
        // A password whose user forgot the '@' is not quoted.
        let err = parse_err("http://user:s3krit");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(!err.to_string().contains("s3krit"), "{err}");
        assert!(err.message().contains("port of 6 characters"), "{err}");

        assert_eq!(kind("http://example.com:0/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com:65536/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com:99999/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com:000080/"), ErrorKind::InvalidUrl);
        assert_eq!(
            kind("http://example.com:18446744073709551697/"),
            ErrorKind::InvalidUrl
        );
        assert_eq!(kind("http://example.com:-1/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com:+80/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com:8a/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com:80:80/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com:٣/"), ErrorKind::InvalidUrl);
    }

    // ---- Userinfo ----

    #[test]
    fn user_and_password() {
        let u = url("http://alice:secret@example.com/");
        assert_eq!(u.username(), Some("alice"));
        assert_eq!(u.password(), Some("secret"));
        assert_eq!(u.host(), "example.com");
    }

    #[test]
    fn user_without_password() {
        let u = url("http://alice@example.com/");
        assert_eq!(u.username(), Some("alice"));
        assert_eq!(u.password(), None);
    }

    #[test]
    fn empty_password_and_empty_user() {
        let u = url("http://alice:@example.com/");
        assert_eq!(u.username(), Some("alice"));
        assert_eq!(u.password(), Some(""));

        let u = url("http://:secret@example.com/");
        assert_eq!(u.username(), Some(""));
        assert_eq!(u.password(), Some("secret"));
    }

    #[test]
    fn empty_userinfo_is_no_userinfo() {
        let u = url("http://@example.com/");
        assert_eq!(u.username(), None);
        assert_eq!(u.password(), None);
    }

    #[test]
    fn userinfo_is_percent_decoded() {
        let u = url("http://al%69ce%40home:p%3Ass%25w%C3%B6rd@example.com/");
        assert_eq!(u.username(), Some("alice@home"));
        assert_eq!(u.password(), Some("p:ss%wörd"));
    }

    #[test]
    fn userinfo_stray_percent_is_kept() {
        let u = url("http://a%:b%4@example.com/");
        assert_eq!(u.username(), Some("a%"));
        assert_eq!(u.password(), Some("b%4"));
    }

    #[test]
    fn userinfo_decoding_to_bad_utf8_is_invalid_without_quoting_it() {
        let err = parse_err("http://user:s3cr%FFt@example.com/");
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("password"), "{err}");
        assert!(!err.message().contains("s3cr"), "{err}");
    }

    #[test]
    fn last_at_sign_separates_userinfo() {
        let u = url("http://a@b:c@d@example.com/");
        assert_eq!(u.username(), Some("a@b"));
        assert_eq!(u.password(), Some("c@d"));
        assert_eq!(u.host(), "example.com");
    }

    #[test]
    fn at_sign_after_the_authority_is_path_or_query() {
        let u = url("http://example.com/a@b");
        assert_eq!(u.username(), None);
        assert_eq!(u.path(), "/a@b");

        let u = url("http://example.com?x@evil.com");
        assert_eq!(u.host(), "example.com");
        assert_eq!(u.query(), Some("x@evil.com"));

        let u = url("http://example.com#@evil.com");
        assert_eq!(u.host(), "example.com");
    }

    #[test]
    fn userinfo_with_port() {
        let u = url("https://u:p@example.com:8443/");
        assert_eq!(u.port(), 8443);
        assert_eq!(u.username(), Some("u"));

        let u = url("http://u:p@[::1]:81/");
        assert_eq!(u.host(), "::1");
        assert_eq!(u.port(), 81);
        assert_eq!(u.password(), Some("p"));
    }

    #[test]
    fn credentials_never_shown() {
        let u = url("https://alice:hunter2@example.com/a?b");
        assert_eq!(u.as_str(), "https://example.com/a?b");
        assert_eq!(u.to_string(), "https://example.com/a?b");
        assert!(!format!("{u:?}").contains("hunter2"));
        assert!(!format!("{u:?}").contains("alice"));
        assert!(!u.host_header().contains("alice"));
        assert!(!u.authority().contains("alice"));
        assert!(!u.path_and_query().contains("alice"));
    }

    #[test]
    fn credentials_never_in_error_messages() {
        for input in [
            "http://alice:hunter2@/",
            "http://alice:hunter2@exa!mple/",
            "http://alice:hunter2@example.com:99999/",
            "http://alice:hunter2\\@example.com/",
            "http://alice:hunter2%FF@example.com/",
            "alice:hunter2@example.com",
            "http://alice:hun/ter2@example.com/",
            "http://alice:hun#ter2@example.com/",
        ] {
            let err = parse_err(input);
            assert!(!err.to_string().contains("hunter2"), "{input:?}: {err}");
            assert!(!err.to_string().contains("alice"), "{input:?}: {err}");
        }
    }

    #[test]
    fn without_credentials() {
        let u = url("https://alice:hunter2@example.com:8443/a?b");
        let bare = u.without_credentials();
        assert_eq!(bare.username(), None);
        assert_eq!(bare.password(), None);
        assert_eq!(bare.as_str(), u.as_str());
        assert_eq!(bare, url("https://example.com:8443/a?b"));
        assert_ne!(bare, u);
    }

    #[test]
    fn backslash_in_authority_is_invalid() {
        assert_eq!(kind("http://evil.com\\@good.com/"), ErrorKind::InvalidUrl);
        assert_eq!(kind("http://example.com\\path"), ErrorKind::InvalidUrl);
    }

    // ---- Path, query and fragment ----

    #[test]
    fn empty_path_is_slash() {
        assert_eq!(url("http://example.com").path(), "/");
        assert_eq!(url("http://example.com").as_str(), "http://example.com/");
        assert_eq!(url("http://example.com:8080").path_and_query(), "/");
    }

    #[test]
    fn empty_path_with_query() {
        let u = url("http://example.com?a=b");
        assert_eq!(u.path(), "/");
        assert_eq!(u.query(), Some("a=b"));
        assert_eq!(u.path_and_query(), "/?a=b");
        assert_eq!(u.as_str(), "http://example.com/?a=b");
    }

    #[test]
    fn empty_query_is_kept() {
        let u = url("http://example.com/a?");
        assert_eq!(u.query(), Some(""));
        assert_eq!(u.path_and_query(), "/a?");
    }

    #[test]
    fn question_marks_after_the_first_belong_to_the_query() {
        let u = url("http://example.com/a?b?c/../d");
        assert_eq!(u.path(), "/a");
        assert_eq!(u.query(), Some("b?c/../d"));
    }

    #[test]
    fn fragment_is_dropped() {
        let u = url("http://example.com/a?b=c#section-2");
        assert_eq!(u.path_and_query(), "/a?b=c");
        assert_eq!(u.as_str(), "http://example.com/a?b=c");

        assert_eq!(
            url("http://example.com#top").as_str(),
            "http://example.com/"
        );
        assert_eq!(url("http://example.com/a#b?c").query(), None);
        assert_eq!(url("http://example.com/a#").path_and_query(), "/a");
    }

    #[test]
    fn reserved_characters_are_kept() {
        let path = "/a;b=c/d,e/f:g/@h/!$&'()*+/~-._";
        assert_eq!(url(&format!("http://example.com{path}")).path(), path);
        let query = "a=1&b=/?:@!$'()*+,;~[]";
        assert_eq!(
            url(&format!("http://example.com/?{query}")).query(),
            Some(query)
        );
    }

    #[test]
    fn unsafe_ascii_is_percent_encoded() {
        let u = url("http://example.com/\"<>\\^`{|}?\"<>\\^`{|}");
        assert_eq!(u.path(), "/%22%3C%3E%5C%5E%60%7B%7C%7D");
        assert_eq!(u.query(), Some("%22%3C%3E%5C%5E%60%7B%7C%7D"));
    }

    #[test]
    fn backslash_in_path_is_encoded_not_a_separator() {
        let u = url("http://example.com/a\\..\\b");
        assert_eq!(u.path(), "/a%5C..%5Cb");
    }

    #[test]
    fn non_ascii_is_percent_encoded_as_utf8() {
        let u = url("http://example.com/caf\u{e9}?q=\u{1F600}");
        assert_eq!(u.path(), "/caf%C3%A9");
        assert_eq!(u.query(), Some("q=%F0%9F%98%80"));
    }

    #[test]
    fn existing_escapes_are_kept_as_they_are() {
        let u = url("http://example.com/a%20b%2fc%2Fd?x=%7e%7E");
        assert_eq!(u.path(), "/a%20b%2fc%2Fd");
        assert_eq!(u.query(), Some("x=%7e%7E"));
    }

    #[test]
    fn stray_percent_is_encoded() {
        let u = url("http://example.com/100%/%4/%zz/%?%");
        assert_eq!(u.path(), "/100%25/%254/%25zz/%25");
        assert_eq!(u.query(), Some("%25"));
    }

    #[test]
    fn parsing_is_idempotent_on_encoding() {
        let once = url("http://example.com/\u{e9}%\"?%zz%41");
        let twice = url(once.as_str());
        assert_eq!(once.as_str(), twice.as_str());
    }

    // ---- Dot segments in parse ----

    #[test]
    fn dot_segments_are_removed_from_the_path() {
        assert_eq!(url("http://example.com/a/./b").path(), "/a/b");
        assert_eq!(url("http://example.com/a/../b").path(), "/b");
        assert_eq!(url("http://example.com/a/b/..").path(), "/a/");
        assert_eq!(url("http://example.com/a/b/.").path(), "/a/b/");
        assert_eq!(url("http://example.com/..").path(), "/");
        assert_eq!(url("http://example.com/../../x").path(), "/x");
        assert_eq!(url("http://example.com/.").path(), "/");
    }

    #[test]
    fn dot_like_segments_are_ordinary() {
        assert_eq!(url("http://example.com/.../a").path(), "/.../a");
        assert_eq!(url("http://example.com/..a/a..").path(), "/..a/a..");
        assert_eq!(url("http://example.com/%2e%2e%2e/a").path(), "/%2e%2e%2e/a");
        assert_eq!(
            url("http://example.com/%2e%2ea/a%2e").path(),
            "/%2e%2ea/a%2e"
        );
        assert_eq!(
            url("http://example.com/%2/%2e%2/a").path(),
            "/%252/%2e%252/a"
        );
    }

    #[test]
    fn percent_encoded_double_dots_are_removed() {
        // RFC 3986 §6.2.2.2 and the WHATWG URL standard's "double-dot path segment".
        assert_eq!(url("http://h/api/%2e%2e/admin").path(), "/admin");
        assert_eq!(url("http://h/api/%2E%2E/admin").path(), "/admin");
        assert_eq!(url("http://h/api/.%2e/admin").path(), "/admin");
        assert_eq!(url("http://h/api/%2e./admin").path(), "/admin");
        assert_eq!(url("http://h/api/.%2E/admin").path(), "/admin");
        assert_eq!(url("http://h/a/b/%2e%2e").path(), "/a/");
        assert_eq!(
            url("http://h/%2e%2e/%2e%2e/etc/passwd").path(),
            "/etc/passwd"
        );
    }

    #[test]
    fn percent_encoded_single_dots_are_removed() {
        assert_eq!(url("http://h/a/%2e/b").path(), "/a/b");
        assert_eq!(url("http://h/a/%2E/b").path(), "/a/b");
        assert_eq!(url("http://h/a/b/%2e").path(), "/a/b/");
    }

    #[test]
    fn other_escapes_are_kept_as_they_are() {
        assert_eq!(url("http://h/a%2fb/%2e%2e/c").path(), "/c");
        assert_eq!(url("http://h/a/%2F/%41").path(), "/a/%2F/%41");
        assert_eq!(url("http://h/a/%2e%2f/b").path(), "/a/%2e%2f/b");
    }

    #[test]
    fn percent_encoded_dots_in_the_query_are_kept() {
        let u = url("http://h/a/%2e%2e/b?c/%2e%2e/d");
        assert_eq!(u.path_and_query(), "/b?c/%2e%2e/d");
    }

    #[test]
    fn join_removes_percent_encoded_dot_segments_too() {
        let base = url("http://h/api/v1/items");
        assert_eq!(base.join("%2e%2e/admin").unwrap().path(), "/api/admin");
        assert_eq!(base.join("/x/%2E%2e/y").unwrap().path(), "/y");
    }

    #[test]
    fn dot_segments_in_the_query_are_kept() {
        let u = url("http://example.com/a/../b?c/../d");
        assert_eq!(u.path_and_query(), "/b?c/../d");
    }

    #[test]
    fn empty_segments_are_kept() {
        assert_eq!(url("http://example.com//a//b/").path(), "//a//b/");
        assert_eq!(url("http://example.com//../a").path(), "/a");
    }

    #[test]
    fn remove_dot_segments_rfc_3986_5_2_4_examples() {
        let run = |input: &str| {
            let mut out = String::new();
            remove_dot_segments(&mut out, 0, input);
            out
        };
        assert_eq!(run("/a/b/c/./../../g"), "/a/g");
        assert_eq!(run("mid/content=5/../6"), "mid/6");
        assert_eq!(run("../a"), "a");
        assert_eq!(run("./a"), "a");
        assert_eq!(run(".."), "");
        assert_eq!(run("."), "");
        assert_eq!(run("%2e%2e/a"), "a");
        assert_eq!(run("%2E/a"), "a");
        assert_eq!(run("mid/content=5/%2e%2e/6"), "mid/6");
    }

    #[test]
    fn remove_dot_segments_stays_above_its_floor() {
        let mut out = String::from("http://h");
        remove_dot_segments(&mut out, 8, "/../../a");
        assert_eq!(out, "http://h/a");
    }

    // ---- join: RFC 3986 §5.4.1 normal examples, base "http://a/b/c/d;p?q" ----

    #[test]
    fn rfc3986_normal_g_colon_h() {
        // "g:h" -> "g:h": another scheme.
        let err = url(BASE).join("g:h").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
        assert!(err.message().contains("\"g\""), "{err}");
    }

    #[test]
    fn rfc3986_normal_g() {
        assert_eq!(resolve("g"), "http://a/b/c/g");
    }

    #[test]
    fn rfc3986_normal_dot_slash_g() {
        assert_eq!(resolve("./g"), "http://a/b/c/g");
    }

    #[test]
    fn rfc3986_normal_g_slash() {
        assert_eq!(resolve("g/"), "http://a/b/c/g/");
    }

    #[test]
    fn rfc3986_normal_slash_g() {
        assert_eq!(resolve("/g"), "http://a/g");
    }

    #[test]
    fn rfc3986_normal_network_path() {
        // RFC: "http://g"; the empty path becomes "/".
        assert_eq!(resolve("//g"), "http://g/");
    }

    #[test]
    fn rfc3986_normal_query_only() {
        assert_eq!(resolve("?y"), "http://a/b/c/d;p?y");
    }

    #[test]
    fn rfc3986_normal_g_query() {
        assert_eq!(resolve("g?y"), "http://a/b/c/g?y");
    }

    #[test]
    fn rfc3986_normal_fragment_only() {
        // RFC: "http://a/b/c/d;p?q#s"; the fragment is dropped.
        assert_eq!(resolve("#s"), "http://a/b/c/d;p?q");
    }

    #[test]
    fn rfc3986_normal_g_fragment() {
        assert_eq!(resolve("g#s"), "http://a/b/c/g");
    }

    #[test]
    fn rfc3986_normal_g_query_fragment() {
        assert_eq!(resolve("g?y#s"), "http://a/b/c/g?y");
    }

    #[test]
    fn rfc3986_normal_semicolon_x() {
        assert_eq!(resolve(";x"), "http://a/b/c/;x");
    }

    #[test]
    fn rfc3986_normal_g_semicolon_x() {
        assert_eq!(resolve("g;x"), "http://a/b/c/g;x");
    }

    #[test]
    fn rfc3986_normal_g_semicolon_x_query_fragment() {
        assert_eq!(resolve("g;x?y#s"), "http://a/b/c/g;x?y");
    }

    #[test]
    fn rfc3986_normal_empty() {
        assert_eq!(resolve(""), "http://a/b/c/d;p?q");
    }

    #[test]
    fn rfc3986_normal_dot() {
        assert_eq!(resolve("."), "http://a/b/c/");
    }

    #[test]
    fn rfc3986_normal_dot_slash() {
        assert_eq!(resolve("./"), "http://a/b/c/");
    }

    #[test]
    fn rfc3986_normal_dot_dot() {
        assert_eq!(resolve(".."), "http://a/b/");
    }

    #[test]
    fn rfc3986_normal_dot_dot_slash() {
        assert_eq!(resolve("../"), "http://a/b/");
    }

    #[test]
    fn rfc3986_normal_dot_dot_slash_g() {
        assert_eq!(resolve("../g"), "http://a/b/g");
    }

    #[test]
    fn rfc3986_normal_dot_dot_twice() {
        assert_eq!(resolve("../.."), "http://a/");
    }

    #[test]
    fn rfc3986_normal_dot_dot_twice_slash() {
        assert_eq!(resolve("../../"), "http://a/");
    }

    #[test]
    fn rfc3986_normal_dot_dot_twice_g() {
        assert_eq!(resolve("../../g"), "http://a/g");
    }

    // ---- join: RFC 3986 §5.4.2 abnormal examples ----

    #[test]
    fn rfc3986_abnormal_more_dot_dots_than_segments() {
        assert_eq!(resolve("../../../g"), "http://a/g");
        assert_eq!(resolve("../../../../g"), "http://a/g");
    }

    #[test]
    fn rfc3986_abnormal_dot_segments_in_absolute_path() {
        assert_eq!(resolve("/./g"), "http://a/g");
        assert_eq!(resolve("/../g"), "http://a/g");
    }

    #[test]
    fn rfc3986_abnormal_dots_that_are_not_segments() {
        assert_eq!(resolve("g."), "http://a/b/c/g.");
        assert_eq!(resolve(".g"), "http://a/b/c/.g");
        assert_eq!(resolve("g.."), "http://a/b/c/g..");
        assert_eq!(resolve("..g"), "http://a/b/c/..g");
    }

    #[test]
    fn rfc3986_abnormal_unnecessary_dot_segments() {
        assert_eq!(resolve("./../g"), "http://a/b/g");
        assert_eq!(resolve("./g/."), "http://a/b/c/g/");
        assert_eq!(resolve("g/./h"), "http://a/b/c/g/h");
        assert_eq!(resolve("g/../h"), "http://a/b/c/h");
        assert_eq!(resolve("g;x=1/./y"), "http://a/b/c/g;x=1/y");
        assert_eq!(resolve("g;x=1/../y"), "http://a/b/c/y");
    }

    #[test]
    fn rfc3986_abnormal_dot_segments_in_query_are_kept() {
        assert_eq!(resolve("g?y/./x"), "http://a/b/c/g?y/./x");
        assert_eq!(resolve("g?y/../x"), "http://a/b/c/g?y/../x");
    }

    #[test]
    fn rfc3986_abnormal_dot_segments_in_fragment_are_dropped() {
        // RFC: "http://a/b/c/g#s/./x" and "http://a/b/c/g#s/../x".
        assert_eq!(resolve("g#s/./x"), "http://a/b/c/g");
        assert_eq!(resolve("g#s/../x"), "http://a/b/c/g");
    }

    #[test]
    fn rfc3986_abnormal_same_scheme_without_slashes() {
        // RFC: "http:" for strict parsers, "http://a/b/c/g" for backward compatibility (ours).
        assert_eq!(resolve("http:g"), "http://a/b/c/g");
        assert_eq!(resolve("HTTP:g"), "http://a/b/c/g");
        assert_eq!(resolve("http:?y"), "http://a/b/c/d;p?y");
        assert_eq!(resolve("http:"), "http://a/b/c/d;p?q");
    }

    // ---- join: beyond the RFC examples ----

    #[test]
    fn join_absolute_reference() {
        assert_eq!(
            resolve("https://other.example/x?y#z"),
            "https://other.example/x?y"
        );
        assert_eq!(resolve("HTTP://A/./b/../c"), "http://a/c");
    }

    #[test]
    fn join_other_scheme_without_slashes_is_not_relative() {
        assert_eq!(
            url(BASE).join("https:g").unwrap_err().kind(),
            ErrorKind::InvalidUrl
        );
    }

    #[test]
    fn join_unsupported_schemes() {
        let base = url(BASE);
        for reference in ["ftp://a/b", "mailto:x@y", "javascript:alert(1)", "data:,hi"] {
            let err = base.join(reference).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::UnsupportedScheme, "{reference:?}");
        }
    }

    #[test]
    fn join_network_path_keeps_the_scheme() {
        let base = url("https://a.example/x");
        assert_eq!(
            base.join("//b.example:8443/y?z").unwrap().as_str(),
            "https://b.example:8443/y?z"
        );
    }

    #[test]
    fn join_network_path_takes_its_own_userinfo() {
        let base = url("http://user:pw@a/x");
        let joined = base.join("//b/y").unwrap();
        assert_eq!(joined.username(), None);

        let joined = base.join("//other:secret@b/y").unwrap();
        assert_eq!(joined.username(), Some("other"));
        assert_eq!(joined.password(), Some("secret"));
    }

    #[test]
    fn join_relative_keeps_the_base_userinfo() {
        let joined = url("http://user:p%40ss@a/b/c").join("d").unwrap();
        assert_eq!(joined.as_str(), "http://a/b/d");
        assert_eq!(joined.username(), Some("user"));
        assert_eq!(joined.password(), Some("p@ss"));
    }

    #[test]
    fn join_keeps_the_base_port_and_ipv6_host() {
        let base = url("http://[::1]:8080/a/b");
        let joined = base.join("../c").unwrap();
        assert_eq!(joined.as_str(), "http://[::1]:8080/c");
        assert_eq!(joined.port(), 8080);
        assert_eq!(joined.host_kind(), HostKind::Ipv6);
    }

    #[test]
    fn join_encodes_like_parse() {
        let joined = url("http://a/b/").join("caf\u{e9}?q=\"1\"&p=%").unwrap();
        assert_eq!(joined.path_and_query(), "/b/caf%C3%A9?q=%221%22&p=%25");
        assert_eq!(url("http://a/b/").join("x\\y").unwrap().path(), "/b/x%5Cy");
    }

    #[test]
    fn join_trims_and_rejects_like_parse() {
        assert_eq!(resolve("  /g\r\n"), "http://a/g");

        let err = url(BASE).join("/a b").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidUrl);
        assert!(err.message().contains("space at byte 2"), "{err}");

        assert_eq!(
            url(BASE).join("/a\nb").unwrap_err().kind(),
            ErrorKind::InvalidUrl
        );
        assert_eq!(
            url(BASE).join("//").unwrap_err().kind(),
            ErrorKind::InvalidUrl
        );
        assert_eq!(
            url(BASE).join("//a:0/").unwrap_err().kind(),
            ErrorKind::InvalidUrl
        );
        assert_eq!(
            url(BASE).join("//[::1/").unwrap_err().kind(),
            ErrorKind::InvalidUrl
        );
    }

    #[test]
    fn join_a_colon_after_the_first_slash_is_a_path() {
        assert_eq!(resolve("./g:h"), "http://a/b/c/g:h");
        assert_eq!(resolve("/g:h"), "http://a/g:h");
        assert_eq!(resolve("1g:h"), "http://a/b/c/1g:h");
        assert_eq!(resolve("g?x:y"), "http://a/b/c/g?x:y");
    }

    #[test]
    fn join_a_reference_against_a_root_base() {
        let base = url("http://a");
        assert_eq!(base.join("g").unwrap().as_str(), "http://a/g");
        assert_eq!(base.join("../g").unwrap().as_str(), "http://a/g");
        assert_eq!(base.join("?q").unwrap().as_str(), "http://a/?q");
    }

    // ---- Origins ----

    #[test]
    fn same_origin() {
        let a = url("http://Example.com/a");
        assert!(a.same_origin(&url("http://example.com:80/b?c")));
        assert!(a.same_origin(&url("http://user:pw@example.com/")));
        assert!(!a.same_origin(&url("https://example.com/")));
        assert!(!a.same_origin(&url("http://example.com:8080/")));
        assert!(!a.same_origin(&url("http://www.example.com/")));
        assert!(url("http://[::1]/").same_origin(&url("http://[0:0::1]:80/x")));
    }

    // ---- Query pairs and form encoding ----

    #[test]
    fn form_urlencode_rules() {
        let mut out = String::new();
        form_urlencode(&mut out, "aZ09*-._ ~!/?&=+%\u{e9}");
        assert_eq!(out, "aZ09*-._+%7E%21%2F%3F%26%3D%2B%25%C3%A9");
    }

    #[test]
    fn form_urlencode_appends() {
        let mut out = String::from("a=");
        form_urlencode(&mut out, "b c");
        assert_eq!(out, "a=b+c");
    }

    #[test]
    fn append_query_pair_without_query() {
        let mut u = url("http://example.com/search");
        u.append_query_pair("q", "rust & c++");
        assert_eq!(u.query(), Some("q=rust+%26+c%2B%2B"));
        assert_eq!(u.as_str(), "http://example.com/search?q=rust+%26+c%2B%2B");
        assert_eq!(u.path(), "/search");
    }

    #[test]
    fn append_query_pair_to_existing_query() {
        let mut u = url("http://example.com/?a=1");
        u.append_query_pair("b", "2");
        u.append_query_pair("", "");
        assert_eq!(u.path_and_query(), "/?a=1&b=2&=");
    }

    #[test]
    fn append_query_pair_after_empty_query_or_trailing_ampersand() {
        let mut u = url("http://example.com/?");
        u.append_query_pair("a", "1");
        assert_eq!(u.path_and_query(), "/?a=1");

        let mut u = url("http://example.com/?a=1&");
        u.append_query_pair("b", "2");
        assert_eq!(u.path_and_query(), "/?a=1&b=2");
    }

    #[test]
    fn append_query_pair_result_reparses_equal() {
        let mut u = url("https://u:p@example.com:8443/a?x=%20");
        u.append_query_pair("k\u{e9}y", "v/a?l#ue");
        let again = url(u.as_str());
        assert_eq!(again, u.without_credentials());
    }

    // ---- Robustness ----

    const NASTY: &[&str] = &[
        "",
        " ",
        ":",
        "::",
        ":///",
        "http",
        "http:",
        "http:/",
        "http://",
        "http:///",
        "http://:",
        "http://:/",
        "http://@",
        "http://@@",
        "http://@:@",
        "http://:@:",
        "http://[",
        "http://]",
        "http://[]",
        "http://[:]",
        "http://[::]",
        "http://[::]:",
        "http://[::]:0",
        "http://[::1]:65536",
        "http://[%]",
        "http://[%25]",
        "http://[[::1]]",
        "http://[::1]@",
        "http://a:b:c:d",
        "http://a.",
        "http://.",
        "http://-",
        "http://_",
        "http://0",
        "http://0x",
        "http://0X",
        "http://1.",
        "http://..1",
        "http://%",
        "http://%%",
        "http://a/%",
        "http://a/%%%%",
        "http://a/%e",
        "http://a/%\u{e9}",
        "http://a/%\u{e9}\u{e9}",
        "http://a/.",
        "http://a/..",
        "http://a/...",
        "http://a/./",
        "http://a/../",
        "http://a/.//..",
        "http://a//..//..//",
        "http://a?",
        "http://a#",
        "http://a?#",
        "http://a#?",
        "http://\u{e9}",
        "http://a\u{e9}:80",
        "http://a:\u{e9}",
        "http://\u{e9}@a",
        "http://\u{e9}:\u{e9}@a",
        "http://%C3@a",
        "http://:%C3@a",
        "http://a:99999999999999999999999999",
        "http://a:-0",
        "http://\\",
        "\u{feff}http://a/",
        "http://a/\u{feff}",
        "http://a/\u{200b}",
        "http://a/\u{10ffff}",
        "https://a/\u{0}",
        "h\u{e9}ttp://a",
        "\u{e9}://a",
        "a:",
        "a+b-c.d://x",
        "?",
        "#",
        "/",
        "//",
        "///",
        "../",
        "\\\\a\\b",
    ];

    fn exercise(u: &Url) {
        let _ = (u.scheme(), u.host(), u.host_kind(), u.port());
        let _ = (u.host_header(), u.authority(), u.path_and_query());
        let _ = (u.path(), u.query(), u.username(), u.password());
        let _ = (u.to_string(), format!("{u:?}"), u.without_credentials());
        assert!(u.path().starts_with('/'), "{u}");
        assert!(!u.as_str().contains('#'), "{u}");
        assert!(u.same_origin(u));
        // What parse produced parses again to the same URL.
        let again = Url::parse(u.as_str()).unwrap_or_else(|e| panic!("{u} reparses: {e}"));
        assert_eq!(again, u.without_credentials(), "reparsing {u}");
    }

    #[test]
    fn nasty_inputs_do_not_panic() {
        let bases = [
            url("http://a/b/c/d;p?q"),
            url("https://[::1]:8443/"),
            url("http://a"),
        ];
        for input in NASTY {
            if let Ok(u) = Url::parse(input) {
                exercise(&u);
                let mut u = u;
                u.append_query_pair(input, input);
                exercise(&u);
            }
            for base in &bases {
                if let Ok(joined) = base.join(input) {
                    exercise(&joined);
                }
            }
        }
    }

    #[test]
    fn generated_inputs_do_not_panic_and_reparse_equal() {
        const PIECES: &[&str] = &[
            "http://",
            "https://",
            "HTTP:",
            "//",
            "/",
            "a",
            "B",
            ".",
            "..",
            ":",
            "::",
            "@",
            "?",
            "#",
            "&",
            "=",
            "%",
            "%2",
            "%41",
            "%25",
            "%e9",
            "[",
            "]",
            "::1",
            "1",
            "0",
            "255",
            "256",
            "65535",
            "65536",
            "0x",
            "\u{e9}",
            "\u{1F600}",
            "\\",
            " ",
            "\t",
            "\"",
            "{",
            "-",
            "_",
            "~",
        ];
        let bases = [url("http://a/b/c/d;p?q"), url("https://u:p@[::1]:8443/x/")];
        // A small xorshift generator, so the test is deterministic and needs no dependency.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut input = String::new();
        for _ in 0..20_000 {
            input.clear();
            // Half the inputs start well, so that parse gets past the scheme often.
            if next() % 2 == 0 {
                input.push_str("http://");
            }
            let len = next() % 8 + 1;
            for _ in 0..len {
                let piece =
                    usize::try_from(next() % PIECES.len() as u64).expect("below the length");
                input.push_str(PIECES[piece]);
            }
            if let Ok(u) = Url::parse(&input) {
                exercise(&u);
            }
            for base in &bases {
                if let Ok(joined) = base.join(&input) {
                    exercise(&joined);
                }
            }
        }
    }

    #[test]
    fn urls_in_normal_form_take_the_short_way() {
        for input in [
            "http://127.0.0.1:18080/small",
            "https://example.com/",
            "https://api.example.com:8443/v1/items?page=2&sort=name",
            "http://a_b.example/~user/file.tar.gz?q=a/b?c",
        ] {
            let fast = Url::parse_normal_form(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(fast.as_str(), input);
            assert_eq!(Url::parse_any(input).unwrap(), fast);
        }
        for input in [
            "HTTP://example.com/",
            "http://Example.com/",
            "http://example.com",
            "http://example.com:80/",
            "http://example.com:080/",
            "http://example.com./",
            "http://u@example.com/",
            "http://[::1]/",
            "http://example.com/a/../b",
            "http://example.com/a/.",
            "http://example.com/%41",
            "http://example.com/a b",
            "http://example.com/a#b",
            "http://example.com/a|b",
            " http://example.com/",
        ] {
            assert!(Url::parse_normal_form(input).is_none(), "{input}");
        }
    }

    mod normal_form {
        use super::*;
        use proptest::prelude::*;

        /// URLs put together from pieces that are in normal form, or nearly.
        fn pieces() -> impl Strategy<Value = String> {
            let scheme = prop_oneof![
                4 => Just("http://"),
                4 => Just("https://"),
                1 => Just("HTTP://"),
                1 => Just("https:/"),
                1 => Just(" http://"),
            ];
            let userinfo = prop_oneof![8 => Just(""), 1 => Just("u@"), 1 => Just("u:p@")];
            let host = prop_oneof![
                4 => "[a-z][a-z0-9_-]{0,4}(\\.[a-z0-9_-]{1,4}){0,2}",
                2 => "[a-z0-9._-]{0,10}",
                1 => "[a-zA-Z0-9.]{1,8}",
                3 => "[0-9]{1,3}(\\.[0-9]{1,3}){0,4}\\.?",
                1 => "0[xX][0-9a-f]{0,3}",
                1 => "\\[::1\\]",
                1 => "[a-z]{250,256}",
                1 => "\\.?[a-z]{1,3}\\.{1,2}([a-z]{1,3})?",
            ];
            let port = prop_oneof![
                6 => Just(String::new()),
                1 => Just(":".to_string()),
                3 => ":[0-9]{1,6}",
                1 => ":0[0-9]{0,3}",
                1 => Just(":80".to_string()),
                1 => Just(":443".to_string()),
            ];
            let segment = prop_oneof![
                12 => "[a-zA-Z0-9._~!$&'()*+,;=:@\\[\\]-]{0,5}",
                1 => Just(".".to_string()),
                1 => Just("..".to_string()),
                2 => "[%\"<>\\\\^`{|} #\u{e9}\t]",
                1 => "%[0-9a-fA-F]{0,2}",
            ];
            let path = proptest::collection::vec(segment, 0..4).prop_map(|segments| {
                segments
                    .iter()
                    .map(|s| ["/", s].concat())
                    .collect::<String>()
            });
            let query = prop_oneof![
                4 => Just(String::new()),
                3 => "\\?[a-zA-Z0-9=&/?.-]{0,8}",
                1 => "\\?[a-z%#\\\\|]{0,4}",
            ];
            let end = prop_oneof![6 => Just(""), 1 => Just("#f"), 1 => Just(" ")];
            (scheme, userinfo, host, port, path, query, end).prop_map(
                |(scheme, userinfo, host, port, path, query, end)| {
                    format!("{scheme}{userinfo}{host}{port}{path}{query}{end}")
                },
            )
        }

        fn same(input: &str) {
            if let Some(fast) = Url::parse_normal_form(input) {
                match Url::parse_any(input) {
                    Ok(full) => assert_eq!(fast, full, "{input:?}"),
                    Err(err) => {
                        panic!("{input:?}: the short way parsed it, the full parser: {err}")
                    }
                }
            }
            let shown = |result: Result<Url>| result.map_err(|e| (e.kind(), e.to_string()));
            assert_eq!(shown(Url::parse(input)), shown(Url::parse_any(input)));
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn the_short_way_agrees_with_the_full_parser(input in pieces()) {
                same(&input);
            }

            #[test]
            fn on_any_text_too(input in "\\PC{0,40}") {
                same(&input);
                same(&format!("http://{input}"));
            }
        }
    }
}
