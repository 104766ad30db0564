//! Moving bytes: name resolution, TCP, TLS, timeouts, and the pool of idle connections.
//!
//! Nothing here knows HTTP syntax; [`crate::http1`] does, and never touches a socket.
//!
//! - [`deadline`]: the time budget of a call, applied to the socket before every operation.
//! - [`connect`]: resolve a host and connect to one of its addresses.
//! - [`local_end`]: the local address and interface a socket is bound to (feature `bind`;
//!   without it, the system's choice).
//! - [`socket`]: a TCP socket that remembers its timeouts.
//! - [`trust`] (feature `tls`): which certificates we trust; the rustls client configuration.
//! - [`tls`] (feature `tls`): a TLS session driven by hand over the socket; [`record_boundary`]
//!   tells whether its incoming bytes stop at the end of a record.
//! - [`tls_tap`] (feature `tls`): the trace's view of the TLS records, when someone traces.
//! - [`key_log`] (feature `tls`): the TLS secrets to a key log file, for Wireshark.
//! - [`stream`]: plain or TLS, one interface.
//! - [`connection`]: a stream with an input buffer, as the HTTP layer sees it.
//! - [`pool`]: idle keep-alive connections by origin.
//! - [`tls_info`] and [`x509`]: what a handshake settled on, and a summary of the certificates.

pub mod connect;
pub mod connection;
pub mod deadline;
#[cfg(feature = "tls")]
pub mod key_log;
#[cfg(feature = "bind")]
pub mod local_end;
#[cfg(not(feature = "bind"))]
#[path = "local_end_off.rs"]
pub mod local_end;
pub mod pool;
#[cfg(feature = "tls")]
pub mod record_boundary;
pub mod socket;
pub mod stream;
#[cfg(feature = "tls")]
pub mod tls;
pub mod tls_info;
#[cfg(all(feature = "tls", feature = "inspect"))]
pub mod tls_tap;
#[cfg(all(feature = "tls", not(feature = "inspect")))]
#[path = "tls_tap_off.rs"]
pub mod tls_tap;
#[cfg(feature = "tls")]
pub mod trust;
#[cfg(any(feature = "tls", feature = "inspect"))]
pub mod x509;
