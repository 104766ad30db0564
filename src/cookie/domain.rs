//! Cookie domains: domain-matching (RFC 6265bis section 5.1.3) and the public-suffix rule that
//! keeps a site from setting a cookie for a whole registry (a "supercookie"); no IDNA, since
//! [`Url`](crate::url::Url) already refuses hosts that are not ASCII.
//!
//! # Which domains count as public suffixes
//!
//! With the `public-suffix` feature, the answer comes from Mozilla's Public Suffix List, compiled
//! into the `psl` crate (which is republished whenever the list changes): every entry of the
//! list, ICANN and private (`co.uk`, `github.io`, `*.ck`), and any single label (the list's
//! implicit `*` rule).
//!
//! Without the feature, a conservative built-in rule:
//!
//! - every single-label domain (`com`, `uk`, `localhost`, `internal`) is a public suffix;
//! - so is every entry of [`BUILT_IN_PUBLIC_SUFFIXES`], a short table of the multi-label suffixes
//!   most seen in practice: second-level registries such as `co.uk`, `com.au` or `co.jp`, and
//!   hosting platforms that give each customer a subdomain, such as `github.io` or
//!   `herokuapp.com`.
//!
//! It does not catch the thousands of other entries of the list (`pvt.k12.ma.us`,
//! `kawasaki.jp`'s wildcard, most hosting platforms). A response from `a.example.pvt.k12.ma.us`
//! can then set a cookie with `Domain=pvt.k12.ma.us`, which the jar will send to every other site
//! under that suffix. Turn the feature on where the jar talks to sites you do not control.
//!
//! Both rules leave a host's own name alone: a response from `localhost` may say
//! `Domain=localhost`, and gets a host-only cookie (RFC 6265bis section 5.7, step 9).

use std::net::IpAddr;

/// Whether `string` domain-matches `domain` (RFC 6265bis section 5.1.3), both canonical
/// (lowercase ASCII): they are identical, or `domain` is a suffix of `string` that starts right
/// after a `.` of it and `string` is a host name, not an IP address.
pub(crate) fn domain_matches(string: &str, domain: &str) -> bool {
    if string == domain {
        return true;
    }
    match string.strip_suffix(domain) {
        Some(head) => head.ends_with('.') && !is_ip_address(string),
        None => false,
    }
}

/// Whether `host` is an IPv4 or IPv6 address (without brackets) rather than a host name.
pub(crate) fn is_ip_address(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok()
}

/// Whether `domain` (canonical: lowercase ASCII, no leading dot) is a public suffix, by the
/// rule the module documentation describes. A trailing dot is ignored.
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.is_empty() {
        return true;
    }
    #[cfg(feature = "public-suffix")]
    {
        listed_in_psl(domain)
    }
    #[cfg(not(feature = "public-suffix"))]
    {
        is_built_in_public_suffix(domain)
    }
}

/// The site `domain` (canonical) belongs to, for the jar's limits: its registrable domain, the
/// public suffix and one label more (`evil.test` for `a.b.evil.test`, `example.co.uk` for
/// `www.example.co.uk` where `co.uk` is known), by [`is_public_suffix`]; an IP address, or a
/// domain that is itself a public suffix (a host-only cookie for `localhost`), is its own site.
pub(crate) fn site_of(domain: &str) -> &str {
    if is_ip_address(domain) {
        return domain;
    }
    // From the longest suffix down: the shortest one that is not a public suffix.
    let mut site = domain;
    while let Some((_, parent)) = site.split_once('.') {
        if is_public_suffix(parent) {
            break;
        }
        site = parent;
    }
    site
}

/// The Public Suffix List's answer: `domain` is its own public suffix.
#[cfg(feature = "public-suffix")]
fn listed_in_psl(domain: &str) -> bool {
    psl::suffix(domain.as_bytes()).is_some_and(|suffix| suffix.as_bytes() == domain.as_bytes())
}

/// The built-in rule: a single label, or an entry of [`BUILT_IN_PUBLIC_SUFFIXES`].
#[cfg_attr(all(feature = "public-suffix", not(test)), allow(dead_code))]
fn is_built_in_public_suffix(domain: &str) -> bool {
    !domain.contains('.') || BUILT_IN_PUBLIC_SUFFIXES.contains(&domain)
}

/// Multi-label public suffixes refused as a Domain attribute when the `public-suffix` feature is
/// off: the second-level registries of the largest country-code domains and the hosting
/// platforms most used for customer subdomains. Each one is an entry of the Public Suffix List
/// (a test checks this when the feature is on). A short list by design: see the module
/// documentation for what it does not catch.
#[cfg_attr(all(feature = "public-suffix", not(test)), allow(dead_code))]
#[rustfmt::skip]
pub(crate) const BUILT_IN_PUBLIC_SUFFIXES: &[&str] = &[
    // Country-code second-level registries.
    "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk", "nhs.uk",
    "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
    "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
    "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
    "co.kr", "or.kr",
    "com.br", "net.br", "org.br", "gov.br",
    "com.cn", "net.cn", "org.cn", "gov.cn",
    "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in",
    "co.za", "org.za",
    "com.mx", "org.mx", "gob.mx",
    "co.il", "org.il", "co.id", "co.th", "co.ke", "com.ng",
    "com.ar", "com.tr", "com.tw", "com.hk", "com.sg", "com.my", "com.ph", "com.vn", "com.pk",
    "com.eg", "com.sa", "com.ua", "com.co", "com.pe",
    "com.pl", "net.pl", "org.pl", "co.at", "or.at", "com.es", "com.gr", "com.pt", "com.ru",
    // Hosting platforms that give each customer a subdomain.
    "github.io", "githubusercontent.com", "gitlab.io", "codeberg.page", "bitbucket.io",
    "readthedocs.io", "herokuapp.com", "appspot.com", "blogspot.com", "netlify.app",
    "vercel.app", "pages.dev", "workers.dev", "azurewebsites.net", "cloudfront.net",
    "s3.amazonaws.com", "firebaseapp.com", "web.app", "fly.dev", "onrender.com", "ngrok.io",
    "ngrok-free.app", "duckdns.org", "dyndns.org",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_the_registrable_domain() {
        assert_eq!(site_of("a.b.example.com"), "example.com");
        assert_eq!(site_of("example.com"), "example.com");
        assert_eq!(site_of("www.example.co.uk"), "example.co.uk");
        assert_eq!(site_of("user.github.io"), "user.github.io");
        assert_eq!(site_of("localhost"), "localhost");
        assert_eq!(site_of("127.0.0.1"), "127.0.0.1");
    }

    #[test]
    fn identical_domains_match() {
        assert!(domain_matches("example.com", "example.com"));
        assert!(domain_matches("127.0.0.1", "127.0.0.1"));
        assert!(domain_matches("::1", "::1"));
    }

    #[test]
    fn a_subdomain_matches_its_parent() {
        assert!(domain_matches("www.example.com", "example.com"));
        assert!(domain_matches("a.b.example.com", "example.com"));
    }

    #[test]
    fn a_suffix_inside_a_label_does_not_match() {
        assert!(!domain_matches("badexample.com", "example.com"));
        assert!(!domain_matches("example.com", "www.example.com"));
    }

    #[test]
    fn ip_addresses_match_only_themselves() {
        assert!(!domain_matches("10.0.0.1", "0.0.1"));
        assert!(!domain_matches("1.2.3.4", "3.4"));
    }

    #[test]
    fn single_labels_are_public_suffixes() {
        assert!(is_public_suffix("com"));
        assert!(is_public_suffix("com."));
        assert!(is_public_suffix("localhost"));
        assert!(is_public_suffix(""));
    }

    #[test]
    fn common_multi_label_suffixes_are_public_suffixes() {
        assert!(is_public_suffix("co.uk"));
        assert!(is_public_suffix("github.io"));
        assert!(is_public_suffix("com.au"));
    }

    #[test]
    fn registrable_domains_are_not_public_suffixes() {
        assert!(!is_public_suffix("example.com"));
        assert!(!is_public_suffix("example.co.uk"));
        assert!(!is_public_suffix("someone.github.io"));
        assert!(!is_public_suffix("www.example.com."));
    }

    #[test]
    fn the_built_in_rule_is_what_the_docs_say() {
        assert!(is_built_in_public_suffix("internal"));
        assert!(is_built_in_public_suffix("herokuapp.com"));
        assert!(!is_built_in_public_suffix("example.com"));
        // Documented as not caught without the feature.
        assert!(!is_built_in_public_suffix("pvt.k12.ma.us"));
    }

    #[test]
    fn the_built_in_table_is_lowercase_and_without_duplicates() {
        let mut seen = std::collections::HashSet::new();
        for suffix in BUILT_IN_PUBLIC_SUFFIXES {
            assert_eq!(*suffix, suffix.to_ascii_lowercase());
            assert!(
                suffix.contains('.'),
                "{suffix}: single labels need no entry"
            );
            assert!(seen.insert(suffix), "{suffix} twice");
        }
    }

    #[cfg(feature = "public-suffix")]
    #[test]
    fn every_built_in_entry_is_on_the_public_suffix_list() {
        for suffix in BUILT_IN_PUBLIC_SUFFIXES {
            assert!(listed_in_psl(suffix), "{suffix} is not on the list");
        }
    }

    #[cfg(feature = "public-suffix")]
    #[test]
    fn the_list_knows_more_than_the_built_in_table() {
        assert!(is_public_suffix("pvt.k12.ma.us"));
        assert!(is_public_suffix("anything.ck"), "wildcard rule *.ck");
        assert!(!is_public_suffix("example.pvt.k12.ma.us"));
    }
}
