//! The `Link` header of a response as links whose targets are URLs, resolved against the URL
//! of the response (RFC 8288 Appendix B.2, step 9): what requests gives as `r.links`. Parsing
//! the field is [`crate::http1::link`]'s job; this file only resolves, and it does not follow
//! any link.

use std::slice;

use crate::http1::link::{Link, Links};
use crate::url::Url;

/// One link of a response: its target as a [`Url`], its relation types and its attributes.
///
/// ```no_run
/// let resp = plainwire::get("https://api.example.com/items").send()?;
/// if let Some(next) = resp.links().get("next") {
///     println!("next page: {}", next.url());
/// }
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLink {
    url: Url,
    link: Link,
}

impl WebLink {
    /// The target, resolved against the URL of the response (not against an `anchor`, which
    /// changes the link's context, not its target: RFC 8288 section 3.2). Any fragment is
    /// dropped, as [`Url::join`] does.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The relation types from the `rel` parameter, lowercase, in the order written.
    pub fn rel(&self) -> &[String] {
        self.link.rel()
    }

    /// Whether `rel` is one of the link's relation types, compared without regard to case.
    pub fn has_rel(&self, rel: &str) -> bool {
        self.link.has_rel(rel)
    }

    /// The value of the first target attribute named `name` (`title`, `type`, `anchor`, ...),
    /// without regard to case.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.link.param(name)
    }

    /// The link as parsed: its target as written (often relative), and all its parameters.
    pub fn link(&self) -> &Link {
        &self.link
    }
}

/// The links of a response with a lookup by relation type: requests' `r.links["next"]["url"]`
/// is `resp.links().get("next")` and then [`WebLink::url`].
///
/// A link whose target does not resolve to an `http` or `https` URL (a `mailto:`, a `urn:`, a
/// malformed reference) is left out; [`Links::parse`] over
/// [`Response::headers_all("link")`](crate::Response::headers_all) gives every link as written.
///
/// ```no_run
/// let resp = plainwire::get("https://api.example.com/items?page=2").send()?;
/// let links = resp.links();
/// for link in &links {
///     println!("{:?} -> {}", link.rel(), link.url());
/// }
/// let last_page = links.get("last").map(|link| link.url().clone());
/// # Ok::<(), plainwire::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebLinks {
    links: Vec<WebLink>,
}

impl WebLinks {
    /// The `links` of the response from `base`, their targets resolved against it.
    pub(crate) fn resolve(links: &Links, base: &Url) -> WebLinks {
        let links = links
            .iter()
            .filter_map(|link| {
                let url = base.join(link.uri_reference()).ok()?;
                Some(WebLink {
                    url,
                    link: link.clone(),
                })
            })
            .collect();
        WebLinks { links }
    }

    /// The first link with relation type `rel` (compared without regard to case).
    pub fn get(&self, rel: &str) -> Option<&WebLink> {
        self.links.iter().find(|link| link.has_rel(rel))
    }

    /// The links in the order they were sent.
    pub fn iter(&self) -> slice::Iter<'_, WebLink> {
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

impl<'a> IntoIterator for &'a WebLinks {
    type Item = &'a WebLink;
    type IntoIter = slice::Iter<'a, WebLink>;

    fn into_iter(self) -> Self::IntoIter {
        self.links.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(value: &str, base: &str) -> WebLinks {
        WebLinks::resolve(&Links::parse([value]), &Url::parse(base).unwrap())
    }

    #[test]
    fn a_relative_target_resolves_against_the_response_url() {
        let links = resolve(
            "<?page=3>; rel=next, <../all>; rel=up",
            "http://h/api/items?page=2",
        );
        assert_eq!(
            links.get("next").unwrap().url().as_str(),
            "http://h/api/items?page=3"
        );
        assert_eq!(links.get("UP").unwrap().url().as_str(), "http://h/all");
    }

    #[test]
    fn the_anchor_does_not_change_the_target() {
        // RFC 8288 section 3.2: the anchor sets the context; the target resolves against the base.
        let links = resolve("<b>; rel=x; anchor=\"http://other/dir/\"", "http://h/a/");
        let link = links.get("x").unwrap();
        assert_eq!(link.url().as_str(), "http://h/a/b");
        assert_eq!(link.param("anchor"), Some("http://other/dir/"));
    }

    #[test]
    fn a_target_that_is_no_http_url_is_left_out() {
        let links = resolve(
            "<mailto:a@h>; rel=author, <https://h/n>; rel=next",
            "http://h/",
        );
        assert_eq!(links.len(), 1);
        assert!(links.get("author").is_none());
        assert_eq!(
            links.iter().next().unwrap().link().uri_reference(),
            "https://h/n"
        );
    }
}
