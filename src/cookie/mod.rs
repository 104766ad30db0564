//! Cookies: a jar that stores what responses set and says what requests send, by RFC 6265bis,
//! and reads and writes curl's cookie files; it sends nothing and hears nothing itself (the agent
//! asks it for a Cookie header and hands it Set-Cookie lines), and it has no cookie policy
//! beyond the RFC's (no third-party blocking: an HTTP client has no first party).
//!
//! # Sessions, as in requests
//!
//! The free functions keep no cookies; an [`Agent`](crate::Agent) keeps them when asked, in a
//! [`CookieJar`] that stores every response's cookies (redirects included) and sends them with
//! each request they apply to, whatever the origin. The jar is a handle: read it, add to it,
//! save it, share it between agents.
//!
//! | requests | plainwire |
//! |---|---|
//! | `s = requests.Session()` | `let agent = Agent::builder().cookie_store(true).build()?;` |
//! | `s.cookies` | `agent.cookie_jar()` (an `Option`: only an agent that keeps cookies has one) |
//! | `s.cookies.get("SID", domain="example.com")` | `jar.get("example.com", "/", "SID")` |
//! | `s.cookies.set("SID", "abc", domain="example.com")` | `jar.insert(Cookie::new("SID", "abc", "example.com"))?` |
//! | `del s.cookies["SID"]` | `jar.remove("example.com", "/", "SID")` |
//! | `s.cookies.clear()` | `jar.clear()` |
//! | `s.cookies.clear_session_cookies()` | `jar.clear_session_cookies()` |
//! | `list(s.cookies)` | `jar.cookies()` |
//! | `MozillaCookieJar("c.txt").load()` / `.save()` | `CookieJar::from_file("c.txt")?` / `jar.save_file("c.txt")?` |
//!
//! and with curl: `curl -b c.txt -c c.txt URL` reads and writes the same file format as
//! [`CookieJar::load_file`] and [`CookieJar::save_file`].
//!
//! ```text
//! // A login that sets a cookie on a redirect, then a page that needs it.
//! let agent = Agent::builder().cookie_store(true).build()?;
//! agent.post("https://example.com/login").form([("user", "ann"), ("password", pw)]).send()?;
//! let page = agent.get("https://example.com/account").send()?;   // sends the session cookie
//! if let Some(jar) = agent.cookie_jar() {
//!     jar.save_file("cookies.txt")?;                               // curl -c cookies.txt
//! }
//! ```
//!
//! # The rules, and where each lives
//!
//! - [`set_cookie`]: a Set-Cookie line into a name, a value and attributes (section 5.6), with
//!   [`date`] for Expires (section 5.1.1);
//! - [`store`]: keeping, replacing, refusing and evicting (section 5.7), and the Cookie header
//!   (section 5.8), with [`domain`] and [`path`] for matching (sections 5.1.3 and 5.1.4) and the
//!   public-suffix rule;
//! - [`limits`]: every limit and its reason;
//! - [`netscape`]: the cookie file format;
//! - [`jar`]: the thread-safe handle and its API; [`cookie`] the type it hands out.
//!
//! Section numbers are those of the current editors' draft of draft-ietf-httpbis-rfc6265bis, in
//! which 5.6 parses a Set-Cookie line, 5.7 is the storage model and 5.8 the retrieval model
//! (RFC 6265 numbers them 5.2, 5.3 and 5.4).
//!
//! What is deliberately not here: SameSite enforcement (every request of an HTTP client is
//! same-site, see [`SameSite`]), the non-HTTP API rules for scripts (there are none), and cookie
//! partitioning (CHIPS).

#[allow(clippy::module_inception)]
mod cookie;
mod date;
mod domain;
mod jar;
mod limits;
mod netscape;
mod path;
mod refusal;
mod set_cookie;
mod store;
#[cfg(test)]
mod tests;

pub use cookie::{Cookie, SameSite};
pub use jar::CookieJar;
