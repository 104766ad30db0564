//! [`Timings`]: where the time of a call went, phase by phase, as curl's `--write-out` reports it.
//! It only records instants the call hands it; it reads no clock of its own.

use std::time::Duration;

/// The time each phase of a call took.
///
/// The phases of the final request are measured separately; [`Timings::redirect`] holds the
/// time of any earlier requests in a redirect chain. On a reused connection `dns`, `connect`
/// and `tls` are zero, as in curl. The `time_*` methods add the phases up the way curl's
/// `--write-out` variables do, each measured from the start of the call.
///
/// ```
/// use std::time::Duration;
///
/// // What resp.timings() might say of an HTTPS call (see Response::timings).
/// let mut t = plainwire::Timings::default();
/// t.dns = Duration::from_millis(4);
/// t.connect = Duration::from_millis(10);
/// t.tls = Duration::from_millis(25);
/// t.wait = Duration::from_millis(60);
/// t.body = Some(Duration::from_millis(100));
///
/// // curl -w '%{time_namelookup} %{time_connect} %{time_appconnect} ...'
/// assert_eq!(t.time_namelookup(), Duration::from_millis(4));
/// assert_eq!(t.time_connect(), Duration::from_millis(14));
/// assert_eq!(t.time_appconnect(), Duration::from_millis(39));
/// assert_eq!(t.time_starttransfer(), Duration::from_millis(99));
/// assert_eq!(t.time_total(), Duration::from_millis(199));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timings {
    /// Earlier requests of a redirect chain.
    pub redirect: Duration,
    /// Resolving the host name.
    pub dns: Duration,
    /// Opening the TCP connection.
    pub connect: Duration,
    /// The TLS handshake (and any proxy tunnel before it).
    pub tls: Duration,
    /// From the connection being ready to the response head having arrived: sending the
    /// request, and the server's thinking time.
    pub wait: Duration,
    /// Reading the body, once it has been read to its end.
    pub body: Option<Duration>,
}

impl Timings {
    /// curl's `time_namelookup`.
    pub fn time_namelookup(&self) -> Duration {
        self.redirect + self.dns
    }

    /// curl's `time_connect`.
    pub fn time_connect(&self) -> Duration {
        self.time_namelookup() + self.connect
    }

    /// curl's `time_appconnect`: through the TLS handshake (zero for plain HTTP, as in curl).
    pub fn time_appconnect(&self) -> Duration {
        if self.tls.is_zero() {
            Duration::ZERO
        } else {
            self.time_connect() + self.tls
        }
    }

    /// curl's `time_starttransfer`: until the response began.
    pub fn time_starttransfer(&self) -> Duration {
        self.time_connect() + self.tls + self.wait
    }

    /// curl's `time_total`: until the body ended, or until the head arrived if the body has
    /// not been read to its end.
    pub fn time_total(&self) -> Duration {
        self.time_starttransfer() + self.body.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_variables_are_cumulative() {
        let ms = Duration::from_millis;
        let t = Timings {
            redirect: ms(0),
            dns: ms(1),
            connect: ms(2),
            tls: ms(3),
            wait: ms(4),
            body: Some(ms(5)),
        };
        assert_eq!(t.time_namelookup(), ms(1));
        assert_eq!(t.time_connect(), ms(3));
        assert_eq!(t.time_appconnect(), ms(6));
        assert_eq!(t.time_starttransfer(), ms(10));
        assert_eq!(t.time_total(), ms(15));
    }
}
