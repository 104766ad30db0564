//! Cookie paths (RFC 6265bis section 5.1.4): the default path of a cookie and path-matching;
//! no percent-decoding and no dot-segment removal, as the RFC compares paths byte for byte.

/// The default-path of a cookie set by a response to a request for `uri_path`: the directory
/// of the path, without its trailing `/`.
///
/// `/` for an empty path, a path not starting with `/`, or a path with only one `/`.
pub(crate) fn default_path(uri_path: &str) -> &str {
    if !uri_path.starts_with('/') {
        return "/";
    }
    match uri_path.rfind('/') {
        Some(0) | None => "/",
        Some(last_slash) => &uri_path[..last_slash],
    }
}

/// Whether `request_path` path-matches `cookie_path`: they are identical, or `cookie_path` is a
/// prefix of `request_path` that ends in `/` or is followed in it by `/`.
pub(crate) fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    match request_path.strip_prefix(cookie_path) {
        None => false,
        Some(rest) => rest.is_empty() || cookie_path.ends_with('/') || rest.starts_with('/'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_is_the_directory_without_its_slash() {
        assert_eq!(default_path("/docs/web/index.html"), "/docs/web");
        assert_eq!(default_path("/docs/web/"), "/docs/web");
        assert_eq!(default_path("/docs"), "/");
        assert_eq!(default_path("/"), "/");
    }

    #[test]
    fn default_path_of_an_empty_or_relative_path_is_root() {
        assert_eq!(default_path(""), "/");
        assert_eq!(default_path("docs/web"), "/");
    }

    #[test]
    fn identical_paths_match() {
        assert!(path_matches("/docs", "/docs"));
        assert!(path_matches("/", "/"));
    }

    #[test]
    fn a_prefix_ending_in_slash_matches() {
        assert!(path_matches("/docs/web", "/docs/"));
        assert!(path_matches("/anything", "/"));
    }

    #[test]
    fn a_prefix_followed_by_slash_matches() {
        assert!(path_matches("/docs/web", "/docs"));
    }

    #[test]
    fn a_prefix_inside_a_segment_does_not_match() {
        assert!(!path_matches("/docsearch", "/docs"));
        assert!(!path_matches("/doc", "/docs"));
    }

    #[test]
    fn matching_is_case_sensitive_and_byte_for_byte() {
        assert!(!path_matches("/Docs", "/docs"));
        assert!(!path_matches("/a%2Fb", "/a/b"));
    }
}
