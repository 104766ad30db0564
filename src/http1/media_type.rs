//! The parameters of a media type (`text/html; charset="utf-8"`), read as RFC 9110 section
//! 8.3.1 writes them: `;`-separated `name=value` pairs, a value a token or a quoted-string. It
//! does not judge the media type itself, nor map a charset label to an encoding.

use crate::http1::quoted_string;

/// The value of the parameter `name` (matched without regard to case) of the media type
/// `value`, the first one given, unquoted; `None` if there is none.
///
/// A `;` inside a quoted value belongs to the value, so it cannot start a parameter of its own.
/// An unquoted value is trimmed, and stray quotes at its ends are taken off, as requests reads
/// `charset='utf-8'`. A quoted value that never closes runs to the end, as browsers read it
/// (the WHATWG MIME Sniffing standard's "collect an HTTP quoted string").
///
/// ```
/// use plainwire::http1::media_type::parameter;
/// assert_eq!(parameter("text/html; Charset=UTF-8", "charset").as_deref(), Some("UTF-8"));
/// let tricky = r#"text/plain; title="a;charset=latin1"; charset=utf-8"#;
/// assert_eq!(parameter(tricky, "charset").as_deref(), Some("utf-8"));
/// assert_eq!(parameter("text/plain", "charset"), None);
/// ```
pub fn parameter(value: &str, name: &str) -> Option<String> {
    // The media type itself holds no quotes: its parameters start after its first `;`.
    let (_, mut rest) = value.split_once(';')?;
    loop {
        let (this, value, after) = next_parameter(rest)?;
        if this.eq_ignore_ascii_case(name) {
            if let Some(value) = value {
                return Some(value);
            }
        }
        rest = after?;
    }
}

/// The parameter at the start of `rest`: its name, its value (`None` without `=`), and what
/// follows its `;`, if one does. `None` when `rest` holds nothing more.
fn next_parameter(rest: &str) -> Option<(&str, Option<String>, Option<&str>)> {
    let rest = rest.trim_start();
    if rest.is_empty() {
        return None;
    }
    let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
    let name = rest[..name_end].trim();
    let after_name = &rest[name_end..];
    let Some(value_start) = after_name.strip_prefix('=') else {
        return Some((name, None, after_name.strip_prefix(';')));
    };
    let value_start = value_start.trim_start();
    if let Some(inside) = value_start.strip_prefix('"') {
        let Some((text, after)) = quoted_string::read(value_start.as_bytes()) else {
            // Never closed: the rest is the value, and no parameter follows.
            return Some((name, Some(inside.trim_end().to_string()), None));
        };
        // What the quoted-string left is a suffix of `value_start`, so it is text too.
        let after = &value_start[value_start.len() - after.len()..];
        return Some((
            name,
            Some(text),
            after.split_once(';').map(|(_, next)| next),
        ));
    }
    let (token, next) = match value_start.split_once(';') {
        Some((token, next)) => (token, Some(next)),
        None => (value_start, None),
    };
    let token = token.trim().trim_matches(['\'', '"']);
    Some((name, Some(token.to_string()), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_read_as_the_rfc_writes_them() {
        let charset = |value: &str| parameter(value, "charset");
        assert_eq!(charset("text/html;charset=utf-8").as_deref(), Some("utf-8"));
        assert_eq!(
            charset("text/html ; CHARSET = \"ISO-8859-1\" ").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(
            charset("text/html; charset='utf-8'").as_deref(),
            Some("utf-8")
        );
        assert_eq!(
            charset(r#"text/html; charset="a\"b""#).as_deref(),
            Some("a\"b")
        );
        // The first one given, as before.
        assert_eq!(
            charset("text/html; charset=a; charset=b").as_deref(),
            Some("a")
        );
        // A name without a value, an empty piece, or a quote that never closes.
        assert_eq!(charset("text/html; flag; charset=x").as_deref(), Some("x"));
        assert_eq!(charset("text/html;; charset=x").as_deref(), Some("x"));
        assert_eq!(charset("text/html; charset"), None);
        assert_eq!(charset(r#"text/html; title="open; charset=x"#), None);
        assert_eq!(
            charset(r#"text/html; charset="iso-8859-1"#).as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(charset("text/html"), None);
        assert_eq!(charset(""), None);
    }

    proptest::proptest! {
        #[test]
        fn any_value_is_read_without_panicking(value in "[a-c/;= \"\\\\'é]{0,24}") {
            let _ = parameter(&value, "a");
        }
    }

    #[test]
    fn a_semicolon_in_a_quoted_value_starts_no_parameter() {
        let value = r#"text/html; x="a;charset=latin1"; charset=utf-8"#;
        assert_eq!(parameter(value, "charset").as_deref(), Some("utf-8"));
        assert_eq!(parameter(value, "x").as_deref(), Some("a;charset=latin1"));
    }
}
