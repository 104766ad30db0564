//! The `Link` header field (RFC 8288, Web Linking) as a list of [`Link`]s, following the parsing
//! algorithm of its Appendix B. It does not resolve the URI references: that needs the URL of
//! the response (or the link's `anchor`), which the caller has.
//!
//! ```text
//! Link       = #link-value
//! link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//! link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
//! ```
//!
//! A malformed link-value is skipped, and parsing goes on at the next comma outside quotes and
//! angle brackets: one bad entry does not hide the `next` page after it.

use std::slice;

/// The most links [`Links::parse`] keeps from one response; the rest are ignored.
///
/// Pagination sends four (`first`, `prev`, `next`, `last`) and preload hints a few dozen; a
/// response listing more is not describing links to follow, and the bound keeps the memory a
/// hostile header can claim proportional to what we use.
pub const MAX_LINKS: usize = 100;

/// The most parameters kept for one link; later ones are ignored. Registered target attributes
/// number six (RFC 8288 section 3.4.1), so a link with more is not one a client acts on.
pub const MAX_PARAMS_PER_LINK: usize = 32;

/// One link from a `Link` field: a target, its relation types and its target attributes.
///
/// ```
/// use plainwire::http1::link::Links;
///
/// let links = Links::parse(["<https://api.example/items?page=3>; rel=\"next\"; title=\"Page 3\""]);
/// let next = links.get("next").unwrap();
/// assert_eq!(next.uri_reference(), "https://api.example/items?page=3");
/// assert_eq!(next.param("title"), Some("Page 3"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    uri_reference: String,
    rel: Vec<String>,
    params: Vec<(String, String)>,
}

impl Link {
    /// The target as written between `<` and `>`: a URI reference, often relative.
    ///
    /// Resolve it against the URL of the response that carried it (RFC 8288 Appendix B.2,
    /// step 9: an `anchor` parameter changes the link's context, not the base of its target),
    /// for example with [`Url::join`](crate::Url::join); this type does not know that URL.
    /// [`Response::links`](crate::Response::links) does it for you.
    pub fn uri_reference(&self) -> &str {
        &self.uri_reference
    }

    /// The relation types from the `rel` parameter, lowercase (section 3.3: they compare without
    /// regard to case), in the order written; empty when the link has no `rel`.
    pub fn rel(&self) -> &[String] {
        &self.rel
    }

    /// Whether `rel` is one of the link's relation types, compared without regard to case.
    pub fn has_rel(&self, rel: &str) -> bool {
        self.rel.iter().any(|r| r.eq_ignore_ascii_case(rel))
    }

    /// The value of the first target attribute named `name` (without regard to case).
    ///
    /// When both `title` and `title*` were sent, `title` gives the decoded `title*`
    /// (section 3.4.1 and Appendix B.3).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target attributes and `anchor`, in order: names lowercase, values unquoted, `name*`
    /// parameters decoded (RFC 8187) and renamed to `name`. The `rel` parameter is in
    /// [`Link::rel`] instead.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }
}

/// The links of a response, from all of its `Link` field values: what requests gives as
/// `r.links`, with a lookup by relation type.
///
/// ```
/// use plainwire::http1::link::Links;
///
/// let links = Links::parse([
///     "<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", \
///      <https://api.github.com/repositories/1/issues?page=5>; rel=\"last\"",
/// ]);
/// assert_eq!(links.len(), 2);
/// assert_eq!(links.get("last").unwrap().uri_reference(), "https://api.github.com/repositories/1/issues?page=5");
/// assert!(links.get("prev").is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    links: Vec<Link>,
}

impl Links {
    /// Parses every `Link` field value of a response, in order, as text or as the bytes that
    /// came (a field value may hold bytes that are not UTF-8, in a title say; they read as
    /// U+FFFD). Malformed link-values are skipped; at most [`MAX_LINKS`] links are kept.
    pub fn parse<'a, T>(values: impl IntoIterator<Item = &'a T>) -> Links
    where
        T: AsRef<[u8]> + ?Sized + 'a,
    {
        let mut links = Vec::new();
        for value in values {
            let mut parser = Parser {
                rest: value.as_ref(),
            };
            while links.len() < MAX_LINKS {
                match parser.link_value() {
                    Step::Link(link) => links.push(link),
                    Step::Malformed => parser.skip_past_comma(),
                    Step::End => break,
                }
            }
        }
        Links { links }
    }

    /// The first link with relation type `rel` (compared without regard to case).
    pub fn get(&self, rel: &str) -> Option<&Link> {
        self.links.iter().find(|link| link.has_rel(rel))
    }

    /// The links in the order they were sent.
    pub fn iter(&self) -> slice::Iter<'_, Link> {
        self.links.iter()
    }

    /// How many links there are.
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }
}

impl<'a> IntoIterator for &'a Links {
    type Item = &'a Link;
    type IntoIter = slice::Iter<'a, Link>;

    fn into_iter(self) -> Self::IntoIter {
        self.links.iter()
    }
}

/// What reading one link-value gave.
enum Step {
    Link(Link),
    /// Not a link-value: skip to the next comma.
    Malformed,
    /// Nothing left but whitespace and commas.
    End,
}

/// A reader over one field value, following RFC 8288 Appendix B.3 to B.5.
struct Parser<'a> {
    rest: &'a [u8],
}

impl Parser<'_> {
    /// Appendix B.3, step 3: one link-value and the comma after it.
    fn link_value(&mut self) -> Step {
        self.skip_while(|b| is_ows(b) || b == b',');
        match self.rest.first() {
            None => return Step::End,
            Some(b'<') => self.rest = &self.rest[1..],
            Some(_) => return Step::Malformed,
        }
        let Some(close) = self.rest.iter().position(|&b| b == b'>') else {
            // No '>' anywhere after: nothing later can be a link either.
            self.rest = &[];
            return Step::Malformed;
        };
        let uri_reference = String::from_utf8_lossy(&self.rest[..close]).into_owned();
        self.rest = &self.rest[close + 1..];
        let Some(raw_params) = self.parameters() else {
            return Step::Malformed;
        };
        Step::Link(link_from(uri_reference, raw_params))
    }

    /// Appendix B.4: `*( OWS ";" OWS link-param )` up to the comma that ends the link-value
    /// (consumed) or the end; `None` if something else follows a parameter.
    fn parameters(&mut self) -> Option<Vec<(String, String)>> {
        let mut params = Vec::new();
        loop {
            self.skip_while(is_ows);
            match self.rest.first() {
                None => return Some(params),
                Some(b',') => {
                    self.rest = &self.rest[1..];
                    return Some(params);
                }
                Some(b';') => self.rest = &self.rest[1..],
                Some(_) => return None,
            }
            self.skip_while(is_ows);
            let name_len = self
                .rest
                .iter()
                .position(|&b| is_ows(b) || matches!(b, b'=' | b';' | b','))
                .unwrap_or(self.rest.len());
            let name = String::from_utf8_lossy(&self.rest[..name_len]).to_ascii_lowercase();
            self.rest = &self.rest[name_len..];
            self.skip_while(is_ows);
            let value = if self.rest.first() == Some(&b'=') {
                self.rest = &self.rest[1..];
                self.skip_while(is_ows);
                if self.rest.first() == Some(&b'"') {
                    self.quoted_string()?
                } else {
                    let len = self
                        .rest
                        .iter()
                        .position(|&b| b == b';' || b == b',')
                        .unwrap_or(self.rest.len());
                    let value = String::from_utf8_lossy(&self.rest[..len])
                        .trim_end_matches([' ', '\t'])
                        .to_owned();
                    self.rest = &self.rest[len..];
                    value
                }
            } else {
                String::new()
            };
            if !name.is_empty() && params.len() < MAX_PARAMS_PER_LINK {
                params.push((name, value));
            }
        }
    }

    /// Appendix B.5: a quoted-string with its backslash escapes undone; `None` if it never
    /// closes.
    fn quoted_string(&mut self) -> Option<String> {
        let (text, rest) = crate::http1::quoted_string::read(self.rest)?;
        self.rest = rest;
        Some(text)
    }

    /// Skips a malformed link-value: everything up to and including the next comma that is
    /// outside a quoted-string and outside angle brackets.
    fn skip_past_comma(&mut self) {
        let (mut quoted, mut escaped, mut bracketed) = (false, false, false);
        for (i, &b) in self.rest.iter().enumerate() {
            match b {
                _ if escaped => escaped = false,
                b'\\' if quoted => escaped = true,
                b'"' if !bracketed => quoted = !quoted,
                b'<' if !quoted => bracketed = true,
                b'>' if !quoted => bracketed = false,
                b',' if !quoted && !bracketed => {
                    self.rest = &self.rest[i + 1..];
                    return;
                }
                _ => {}
            }
        }
        self.rest = &[];
    }

    fn skip_while(&mut self, skip: impl Fn(u8) -> bool) {
        let n = self.rest.iter().take_while(|&&b| skip(b)).count();
        self.rest = &self.rest[n..];
    }
}

/// Appendix B.3, steps 9 to 16: the relation types from the first `rel`, and the target
/// attributes with duplicates of single-valued ones dropped and `name*` decoded.
fn link_from(uri_reference: String, raw_params: Vec<(String, String)>) -> Link {
    let rel = raw_params
        .iter()
        .find(|(name, _)| name == "rel")
        .map(|(_, value)| {
            value
                .split([' ', '\t'])
                .filter(|r| !r.is_empty())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in raw_params {
        // Section 3.3 (rel) and 3.4.1 (the rest): occurrences after the first are ignored.
        let single = matches!(
            name.as_str(),
            "rel" | "anchor" | "media" | "title" | "title*" | "type"
        );
        if name == "rel" || (single && params.iter().any(|(n, _)| *n == name)) {
            continue;
        }
        params.push((name, value));
    }
    // Step 16: a `name*` parameter that decodes replaces `name`; one that does not is dropped.
    // Each name once: a second pass over a name already decoded would find none of it left,
    // and take that for "all decode" and drop the base values it had just made.
    let mut star_names: Vec<String> = Vec::new();
    for (name, _) in &params {
        if name.len() > 1 && name.ends_with('*') && !star_names.contains(name) {
            star_names.push(name.clone());
        }
    }
    for star_name in star_names {
        let base = &star_name[..star_name.len() - 1];
        let decoded: Vec<Option<String>> = params
            .iter()
            .filter(|(name, _)| *name == star_name)
            .map(|(_, value)| decode_ext_value(value))
            .collect();
        if decoded.iter().all(Option::is_some) {
            params.retain(|(name, _)| name != base);
            let mut decoded = decoded.into_iter().flatten();
            for (name, value) in params.iter_mut().filter(|(name, _)| *name == star_name) {
                base.clone_into(name);
                *value = decoded.next().unwrap_or_default();
            }
        } else {
            params.retain(|(name, _)| *name != star_name);
        }
    }
    Link {
        uri_reference,
        rel,
        params,
    }
}

/// RFC 8187 section 3.2: `ext-value = charset "'" [ language ] "'" value-chars`, in UTF-8 or
/// ISO-8859-1 (the two charsets the section names); `None` for anything else.
fn decode_ext_value(value: &str) -> Option<String> {
    let (charset, rest) = value.split_once('\'')?;
    let (_language, encoded) = rest.split_once('\'')?;
    let bytes = encoded.as_bytes();
    let mut octets = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let high = hex_value(*bytes.get(i + 1)?)?;
            let low = hex_value(*bytes.get(i + 2)?)?;
            octets.push(high << 4 | low);
            i += 3;
        } else if is_attr_char(b) {
            octets.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    if charset.eq_ignore_ascii_case("UTF-8") {
        String::from_utf8(octets).ok()
    } else if charset.eq_ignore_ascii_case("ISO-8859-1") {
        Some(octets.into_iter().map(char::from).collect())
    } else {
        None
    }
}

/// RFC 8187 section 3.2.1: ``attr-char = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" /
/// "." / "^" / "_" / "`" / "|" / "~"``.
fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// `OWS = *( SP / HTAB )`.
fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Vec<Link> {
        Links::parse([value]).links
    }

    fn one(value: &str) -> Link {
        let mut links = parse(value);
        assert_eq!(links.len(), 1, "{value}: {links:?}");
        links.remove(0)
    }

    fn pairs(link: &Link) -> Vec<(&str, &str)> {
        link.params()
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn rfc_8288_3_5_first_example() {
        let link = one(
            r#"<http://example.com/TheBook/chapter2>; rel="previous"; title="previous chapter""#,
        );
        assert_eq!(link.uri_reference(), "http://example.com/TheBook/chapter2");
        assert_eq!(link.rel(), ["previous"]);
        assert_eq!(pairs(&link), [("title", "previous chapter")]);
    }

    #[test]
    fn rfc_8288_3_5_relative_reference_with_empty_target() {
        let link = one(r#"</>; rel="http://example.net/foo""#);
        assert_eq!(link.uri_reference(), "/");
        assert_eq!(link.rel(), ["http://example.net/foo"]);
    }

    #[test]
    fn rfc_8288_3_5_anchor() {
        let link = one(r##"</terms>; rel="copyright"; anchor="#foo""##);
        assert_eq!(link.rel(), ["copyright"]);
        assert_eq!(link.param("anchor"), Some("#foo"));
    }

    #[test]
    fn rfc_8288_3_5_title_star_in_two_links() {
        let links = parse(
            "</TheBook/chapter2>; rel=\"previous\"; title*=UTF-8'de'letztes%20Kapitel, \
             </TheBook/chapter4>; rel=\"next\"; title*=UTF-8'de'n%c3%a4chstes%20Kapitel",
        );
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].uri_reference(), "/TheBook/chapter2");
        assert_eq!(links[0].param("title"), Some("letztes Kapitel"));
        assert_eq!(links[1].uri_reference(), "/TheBook/chapter4");
        assert_eq!(links[1].param("title"), Some("nächstes Kapitel"));
    }

    #[test]
    fn rfc_8288_3_5_several_relation_types() {
        let link = one(r#"<http://example.org/>; rel="start http://example.net/relation/other""#);
        assert_eq!(link.rel(), ["start", "http://example.net/relation/other"]);
        assert!(link.has_rel("start"));
        assert!(link.has_rel("http://example.net/relation/other"));
    }

    #[test]
    fn rfc_8288_3_5_two_links_in_one_value() {
        let links = parse(
            r#"<https://example.org/>; rel="start", <https://example.org/index>; rel="index""#,
        );
        assert_eq!(links.len(), 2);
        assert!(links[0].has_rel("start"));
        assert!(links[1].has_rel("index"));
    }

    #[test]
    fn relation_types_are_lowercased_and_looked_up_without_case() {
        let links = Links::parse(["<a>; rel=\"NEXT Last\""]);
        let link = links.get("next").unwrap();
        assert_eq!(link.rel(), ["next", "last"]);
        assert!(links.get("LAST").is_some());
    }

    #[test]
    fn rel_may_be_a_token() {
        assert_eq!(one("<a>; rel=next").rel(), ["next"]);
        assert_eq!(one("<a>;rel=next;title=x").param("title"), Some("x"));
    }

    #[test]
    fn a_link_without_rel_has_none() {
        let link = one("<a>; title=\"x\"");
        assert!(link.rel().is_empty());
    }

    #[test]
    fn only_the_first_rel_counts() {
        // Section 3.3: occurrences after the first MUST be ignored.
        let link = one("<a>; rel=next; rel=prev");
        assert_eq!(link.rel(), ["next"]);
        assert_eq!(pairs(&link), []);
    }

    #[test]
    fn single_valued_attributes_keep_their_first_value() {
        // Section 3.4.1 for title, title*, media and type; hreflang may repeat.
        let link = one("<a>; title=one; title=two; type=a/b; type=c/d; hreflang=en; hreflang=de");
        assert_eq!(
            pairs(&link),
            [
                ("title", "one"),
                ("type", "a/b"),
                ("hreflang", "en"),
                ("hreflang", "de")
            ]
        );
    }

    #[test]
    fn title_star_replaces_title_wherever_it_is() {
        let link = one("<a>; title*=UTF-8''caf%C3%A9; title=\"cafe\"");
        assert_eq!(pairs(&link), [("title", "café")]);
    }

    #[test]
    fn a_repeated_star_parameter_keeps_every_value() {
        let link = one("<a>; x*=UTF-8''a; x*=UTF-8''b; rel=next");
        assert_eq!(pairs(&link), [("x", "a"), ("x", "b")]);
    }

    #[test]
    fn iso_8859_1_ext_values_decode() {
        let link = one("<a>; title*=iso-8859-1'en'%A3%20rates");
        assert_eq!(link.param("title"), Some("£ rates"));
    }

    #[test]
    fn undecodable_title_star_is_dropped_and_title_kept() {
        for bad in [
            "title*=UTF-8''%FF",  // not UTF-8
            "title*=KOI8-R''abc", // charset we do not read
            "title*=UTF-8''a%2",  // truncated escape
            "title*=UTF-8''a b",  // space is not an attr-char
            "title*=no-quotes",   // not an ext-value
        ] {
            let link = one(&format!("<a>; title=plain; {bad}"));
            assert_eq!(pairs(&link), [("title", "plain")], "{bad}");
        }
    }

    #[test]
    fn names_are_lowercased_and_values_unquoted() {
        let link = one(r#"<a>; Title="Chapter \"2\"\\"; TYPE=text/html"#);
        assert_eq!(
            pairs(&link),
            [("title", r#"Chapter "2"\"#), ("type", "text/html")]
        );
        assert_eq!(link.param("TITLE"), Some(r#"Chapter "2"\"#));
    }

    #[test]
    fn a_parameter_without_a_value_is_empty() {
        let link = one("<a>; crossorigin; rel=preload");
        assert_eq!(pairs(&link), [("crossorigin", "")]);
        assert!(link.has_rel("preload"));
    }

    #[test]
    fn whitespace_around_the_equals_sign_is_allowed() {
        // link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
        let link = one("<a> ; rel = \"next\" ; title = x ");
        assert_eq!(link.rel(), ["next"]);
        assert_eq!(link.param("title"), Some("x"));
    }

    #[test]
    fn commas_and_semicolons_inside_quotes_and_brackets_do_not_split() {
        let links = parse(
            r#"<https://h/a,b;c>; rel="next"; title="one, two; three", <https://h/d>; rel=last"#,
        );
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].uri_reference(), "https://h/a,b;c");
        assert_eq!(links[0].param("title"), Some("one, two; three"));
        assert_eq!(links[1].uri_reference(), "https://h/d");
    }

    #[test]
    fn several_field_values_are_one_list() {
        let links = Links::parse(["<a>; rel=first", "<b>; rel=next, <c>; rel=last"]);
        let targets: Vec<&str> = links.iter().map(Link::uri_reference).collect();
        assert_eq!(targets, ["a", "b", "c"]);
    }

    #[test]
    fn empty_list_elements_are_ignored() {
        let links = parse(" , <a>; rel=next ,, <b>; rel=last , ");
        assert_eq!(links.len(), 2);
    }

    #[test]
    fn malformed_entries_are_skipped_not_fatal() {
        let links = parse(
            r#"garbage; rel=x, <a>; rel=next, "quoted, with comma" <b>; rel=bad, <c>; rel=last"#,
        );
        let targets: Vec<&str> = links.iter().map(Link::uri_reference).collect();
        assert_eq!(targets, ["a", "c"]);
    }

    #[test]
    fn junk_after_a_quoted_value_drops_that_link_only() {
        let links = parse(r#"<a>; title="x" junk; rel=next, <b>; rel=last"#);
        let targets: Vec<&str> = links.iter().map(Link::uri_reference).collect();
        assert_eq!(targets, ["b"]);
    }

    #[test]
    fn junk_after_the_target_drops_that_link_only() {
        let links = parse("<a> rel=next, <b>; rel=last");
        let targets: Vec<&str> = links.iter().map(Link::uri_reference).collect();
        assert_eq!(targets, ["b"]);
    }

    #[test]
    fn an_unterminated_quote_drops_the_link() {
        assert!(parse(r#"<a>; title="never closed, <b>; rel=next"#).is_empty());
        assert!(parse(r#"<a>; title="ends in a backslash\"#).is_empty());
    }

    #[test]
    fn an_unclosed_bracket_ends_the_value() {
        let links = parse("<a>; rel=next, <b; rel=last");
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].uri_reference(), "a");
    }

    #[test]
    fn no_links_from_an_empty_or_blank_value() {
        assert!(Links::parse([""]).is_empty());
        assert!(Links::parse(["  ,  "]).is_empty());
        assert!(Links::parse(std::iter::empty::<&str>()).is_empty());
    }

    #[test]
    fn the_number_of_links_is_bounded() {
        let value = "<a>; rel=item, ".repeat(MAX_LINKS * 3);
        assert_eq!(Links::parse([value.as_str()]).len(), MAX_LINKS);
        let values = vec!["<a>; rel=item"; MAX_LINKS + 5];
        assert_eq!(Links::parse(values).len(), MAX_LINKS);
    }

    #[test]
    fn the_number_of_parameters_is_bounded() {
        let value = format!("<a>{}; rel=next", "; p=1".repeat(MAX_PARAMS_PER_LINK * 2));
        let link = one(&value);
        assert_eq!(link.params().len(), MAX_PARAMS_PER_LINK);
    }

    #[test]
    fn github_pagination() {
        let links = Links::parse([
            "<https://api.github.com/repositories/1300192/issues?page=2>; rel=\"prev\", \
             <https://api.github.com/repositories/1300192/issues?page=4>; rel=\"next\", \
             <https://api.github.com/repositories/1300192/issues?page=515>; rel=\"last\", \
             <https://api.github.com/repositories/1300192/issues?page=1>; rel=\"first\"",
        ]);
        assert_eq!(links.len(), 4);
        assert_eq!(
            links.get("next").map(Link::uri_reference),
            Some("https://api.github.com/repositories/1300192/issues?page=4")
        );
        assert_eq!(
            links.get("first").map(Link::uri_reference),
            Some("https://api.github.com/repositories/1300192/issues?page=1")
        );
    }

    #[test]
    fn non_ascii_bytes_do_not_break_parsing() {
        let links = parse("<https://h/é>; rel=next; title=\"ü\", <b>; rel=last");
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].uri_reference(), "https://h/é");
        assert_eq!(links[0].param("title"), Some("ü"));
    }
}
