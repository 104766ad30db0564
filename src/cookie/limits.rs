//! Every limit the cookie jar keeps, with the rule or the reason behind it; none of them can be
//! configured yet, since each is what the RFC and browsers use.
//!
//! What a cookie "size" counts: RFC 6265 section 6.1 asks a user agent to store cookies of at
//! least 4096 bytes, "as measured by the sum of the length of the cookie's name, value, and
//! attributes"; RFC 6265bis section 5.6 makes that precise as two limits, which are the ones
//! enforced here: the name and the value together at most [`MAX_NAME_VALUE_BYTES`], and each
//! attribute value at most [`MAX_ATTRIBUTE_VALUE_BYTES`]. So every cookie whose name, value and
//! attributes add up to 4096 bytes or fewer is stored, as 6.1 asks.

use std::time::Duration;

/// The longest name plus value, in bytes, that a cookie may have: RFC 6265bis section 5.6 step 5
/// ignores a longer Set-Cookie line entirely (and RFC 6265 section 6.1 asks for at least 4096
/// bytes). Browsers and curl use the same number.
pub(crate) const MAX_NAME_VALUE_BYTES: usize = 4096;

/// The longest attribute value, in bytes: RFC 6265bis section 5.6 ignores a longer attribute
/// (only the attribute: the cookie is kept without it). This bounds the Domain and Path of
/// every stored cookie.
pub(crate) const MAX_ATTRIBUTE_VALUE_BYTES: usize = 1024;

/// The most cookies kept for one domain (the cookie's domain field, exactly): RFC 6265 section
/// 6.1 asks for at least 50 (Chrome and Firefox keep up to 180). A site that sets more pushes
/// out only its own least recently used cookies for that domain.
pub(crate) const MAX_COOKIES_PER_DOMAIN: usize = 50;

/// The most cookies kept for one site: a registrable domain and every name under it
/// ([`site_of`](super::domain::site_of)), as Chrome counts them (180 per "eTLD+1"). Without it,
/// one host with many labels (`a.b.c.evil.test`) could keep [`MAX_COOKIES_PER_DOMAIN`] for each
/// of its parent domains, fill the jar past [`MAX_COOKIES`], and so push every other site's
/// cookies out. A site that sets more pushes out only its own least recently used ones.
pub(crate) const MAX_COOKIES_PER_SITE: usize = 180;

/// The most cookies kept in all: RFC 6265 section 6.1 asks for at least 3000. With
/// [`MAX_NAME_VALUE_BYTES`] and [`MAX_ATTRIBUTE_VALUE_BYTES`] this bounds the jar's memory to
/// about 3000 × 6 KiB = 18 MiB, whatever servers send.
pub(crate) const MAX_COOKIES: usize = 3000;

/// The longest lifetime an Expires or Max-Age attribute can give: RFC 6265bis section 5.5
/// ("SHOULD NOT be greater than 400 days"); a longer one is cut to this, as browsers and curl do.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);

/// The longest Cookie header value the jar produces, in bytes: the default limit of a request
/// header field in Apache httpd (`LimitRequestFieldSize`), and curl's limit. Servers answer a
/// longer one with 400 and no hint why, so cookies that do not fit are left out, the least
/// specific (shortest path) ones first.
pub(crate) const MAX_COOKIE_HEADER_BYTES: usize = 8190;

/// The longest line read from a cookie file, in bytes: longer than any line the jar writes
/// (name and value, a domain and a path within the limits above, and the other fields). A longer
/// line is skipped, so a hostile file cannot make the reader hold more than this.
pub(crate) const MAX_FILE_LINE_BYTES: usize = 8192;
