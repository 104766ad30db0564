//! The credentials a call finds of its own: from the URL's user information, or from the
//! agent's `.netrc`; sent as Basic, or handed to Digest by the caller. Pure. It does not answer challenges
//! ([`auth_challenge`](super::auth_challenge) does), and an Authorization field of the
//! caller's (the request's or the agent's default) replaces this one when the head is built.

use crate::auth::netrc::Netrc;
use crate::error::Result;
use crate::url::Url;

/// The `Authorization` value for `url`, if the call has credentials of its own for it
/// ([`own_credentials`]), as Basic.
pub(crate) fn basic_for(
    url: &Url,
    netrc: Option<&Netrc>,
    left_origin: bool,
) -> Option<Result<String>> {
    let (user, password) = own_credentials(url, netrc, left_origin)?;
    // A user name with a '%3A' decodes to one with a ':', which Basic cannot carry.
    Some(crate::auth::basic(user, password))
}

/// The user and password the call has of its own for `url`:
///
/// 1. the URL's user and password (`https://user:pass@host/`);
/// 2. a URL user without a password, and the `.netrc` entry for the host and that login: its
///    password, as curl does; with no such entry, an empty password;
/// 3. no URL user: the `.netrc` entry for the host (a `machine` entry, else `default`), if it
///    has a login and a password.
///
/// `.netrc` credentials go only to the call's first origin: `left_origin` is set once a
/// redirect has led elsewhere, as for the agent's default credentials.
pub(crate) fn own_credentials<'a>(
    url: &'a Url,
    netrc: Option<&'a Netrc>,
    left_origin: bool,
) -> Option<(&'a str, &'a str)> {
    let netrc = netrc.filter(|_| !left_origin);
    match (url.username(), url.password()) {
        (Some(user), Some(password)) => Some((user, password)),
        (Some(user), None) => {
            let password = netrc
                .and_then(|netrc| netrc.lookup(url.host(), Some(user)))
                .and_then(|entry| entry.password())
                .unwrap_or("");
            Some((user, password))
        }
        (None, _) => {
            let entry = netrc?.lookup(url.host(), None)?;
            Some((entry.login()?, entry.password()?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth;

    /// The Basic value of `user` and `password`, which are valid.
    fn basic(user: &str, password: &str) -> Option<String> {
        Some(auth::basic(user, password).unwrap())
    }

    /// What [`basic_for`] found, unwrapped.
    fn found(url: &Url, netrc: Option<&Netrc>, left_origin: bool) -> Option<String> {
        super::basic_for(url, netrc, left_origin).map(Result::unwrap)
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn netrc() -> Netrc {
        Netrc::parse(
            "machine api.example login alice password wonder\n\
             machine api.example login bob password builder\n\
             machine half.example login carol\n\
             default login anon password guest\n",
        )
        .unwrap()
    }

    #[test]
    fn the_urls_user_and_password_come_first() {
        let netrc = netrc();
        let found = found(&url("http://u:p@api.example/"), Some(&netrc), false);
        assert_eq!(found, basic("u", "p"));
    }

    #[test]
    fn without_netrc_only_the_url_counts() {
        assert_eq!(found(&url("http://api.example/"), None, false), None);
        assert_eq!(
            found(&url("http://u@api.example/"), None, false),
            basic("u", "")
        );
    }

    #[test]
    fn the_netrc_entry_for_the_host() {
        let netrc = netrc();
        let found = found(&url("http://API.example/x"), Some(&netrc), false);
        assert_eq!(found, basic("alice", "wonder"));
    }

    #[test]
    fn a_url_login_picks_the_netrc_entry_for_that_login() {
        let netrc = netrc();
        let found = found(&url("http://bob@api.example/"), Some(&netrc), false);
        assert_eq!(found, basic("bob", "builder"));
    }

    #[test]
    fn another_host_gets_the_default_entry() {
        let netrc = netrc();
        let found = found(&url("http://elsewhere.example/"), Some(&netrc), false);
        assert_eq!(found, basic("anon", "guest"));
    }

    #[test]
    fn an_entry_without_a_password_gives_nothing() {
        let netrc = Netrc::parse("machine half.example login carol\n").unwrap();
        assert_eq!(
            found(&url("http://half.example/"), Some(&netrc), false),
            None
        );
    }

    #[test]
    fn after_leaving_the_origin_netrc_gives_nothing() {
        let netrc = netrc();
        assert_eq!(found(&url("http://api.example/"), Some(&netrc), true), None);
    }
}
