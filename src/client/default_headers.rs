//! [`DefaultHeaders`]: the header fields an agent adds to every request, and the names of our
//! own defaults it leaves out; one entry per name, compared without regard to case (RFC 9110
//! section 5.1). It does not build heads: [`request_head`](super::request_head) does.

use crate::error::Result;
use crate::http1::write::check_header;

/// An agent's default header fields, set and removed by name.
///
/// Setting a name twice keeps one field, in the place of the first and with the last name and
/// value, as requests' `session.headers` (a case-insensitive dict) does. Removing a name drops
/// its default field and marks the name, so that our own field of that name (User-Agent,
/// Accept, ...) is left out of every request too; setting it again undoes the removal.
#[derive(Clone, Default)]
pub(crate) struct DefaultHeaders {
    fields: Vec<(String, String)>,
    removed: Vec<String>,
}

impl DefaultHeaders {
    /// Sets the default field `name` to `value`, after checking both as a request's own field
    /// is checked ([`check_header`]). A field refused here makes the agent's `build` fail, so
    /// every field an agent holds has passed the check once, and a request head writes them
    /// without checking them again.
    pub(crate) fn set(&mut self, name: &str, value: String) -> Result<()> {
        check_header(name, &value)?;
        self.removed.retain(|r| !r.eq_ignore_ascii_case(name));
        match self
            .fields
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(field) => *field = (name.to_string(), value),
            None => self.fields.push((name.to_string(), value)),
        }
        Ok(())
    }

    /// Sends no field named `name` by default: neither one set here nor our own.
    pub(crate) fn remove(&mut self, name: &str) {
        self.fields.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if !self.removes(name) {
            self.removed.push(name.to_string());
        }
    }

    /// Undoes a removal of `name` without setting a field: our own default comes back.
    pub(crate) fn restore(&mut self, name: &str) {
        self.removed.retain(|r| !r.eq_ignore_ascii_case(name));
    }

    /// The fields, in the order their names were first set.
    pub(crate) fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// Whether any name was removed.
    pub(crate) fn removes_any(&self) -> bool {
        !self.removed.is_empty()
    }

    /// Whether `name` was removed.
    pub(crate) fn removes(&self, name: &str) -> bool {
        self.removed.iter().any(|r| r.eq_ignore_ascii_case(name))
    }
}

/// The values of the field `name` that the caller gave: the request's own fields of that name
/// if it has any, else the agent's `defaults` of that name (never some of each), in their
/// order. Names compare without regard to case (RFC 9110 section 5.1).
pub(crate) fn caller_values<'a>(
    defaults: &'a [(String, String)],
    headers: &'a [(String, String)],
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    let has =
        |fields: &[(String, String)]| fields.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let fields = if has(headers) { headers } else { defaults };
    fields
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_requests_own_fields_of_a_name_replace_the_agents() {
        let fields = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let defaults = fields(&[("Expect", "a"), ("X-Other", "o"), ("expect", "b")]);
        let own = fields(&[("EXPECT", "c"), ("Expect", "d")]);
        let values = |headers: &[(String, String)], name: &str| -> Vec<String> {
            caller_values(&defaults, headers, name)
                .map(str::to_string)
                .collect()
        };
        assert_eq!(values(&own, "expect"), ["c", "d"]);
        assert_eq!(values(&[], "expect"), ["a", "b"]);
        assert_eq!(values(&own, "x-other"), ["o"]);
        assert!(values(&own, "connection").is_empty());
    }

    #[test]
    fn one_field_per_name_in_the_first_place_with_the_last_value() {
        let mut headers = DefaultHeaders::default();
        headers.set("ACCEPT", "text/html".into()).unwrap();
        headers.set("X-Other", "1".into()).unwrap();
        headers.set("accept", "application/json".into()).unwrap();
        assert_eq!(
            headers.fields(),
            [
                ("accept".to_string(), "application/json".to_string()),
                ("X-Other".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn a_field_that_fails_the_check_is_refused_and_changes_nothing() {
        let mut headers = DefaultHeaders::default();
        headers.remove("X-A");
        for (name, value) in [
            ("X-A", "a\r\nb"),
            ("X-A", "nul\0"),
            ("Bad Name", "v"),
            ("", "v"),
        ] {
            let err = headers.set(name, value.into()).unwrap_err();
            assert_eq!(
                err.kind(),
                crate::ErrorKind::InvalidRequest,
                "{name:?} {value:?}"
            );
        }
        assert!(headers.fields().is_empty());
        assert!(headers.removes("x-a"));
    }

    #[test]
    fn a_removal_drops_the_field_and_marks_the_name_until_set_again() {
        let mut headers = DefaultHeaders::default();
        headers.set("X-A", "1".into()).unwrap();
        headers.remove("x-a");
        headers.remove("User-Agent");
        headers.remove("user-agent");
        assert!(headers.fields().is_empty());
        assert!(headers.removes("X-A") && headers.removes("USER-AGENT"));
        headers.set("User-Agent", "mine".into()).unwrap();
        assert!(!headers.removes("user-agent"));
        assert_eq!(
            headers.fields(),
            [("User-Agent".to_string(), "mine".to_string())]
        );
        headers.restore("x-a");
        assert!(!headers.removes("x-a"));
    }
}
