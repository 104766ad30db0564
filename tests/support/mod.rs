//! In-process test servers for plainwire's integration tests.
//!
//! * [`ScriptedServer`]: a raw TCP (optionally TLS) server on 127.0.0.1 that
//!   runs a closure per accepted connection, for byte-exact and misbehaving
//!   responses.
//! * [`HttpServer`]: a tiny, well-behaved HTTP/1.1 server (keep-alive,
//!   Content-Length and chunked request bodies) built on top of it, calling a
//!   `Fn(&Request) -> Reply` handler.
//! * [`fixture`], [`server_tls_config`] and friends: access to the PEM files in
//!   `fixtures/` (regenerate them with `bash fixtures/make-certs.sh`).
//! * [`TestProxy`]: a loopback HTTP proxy (absolute-form and CONNECT).
//! * [`unresolvable_name`]: a name that does not resolve, and that no DNS server hears of.
//!
//! One file per role: `tls.rs` (fixtures and TLS configurations), `conn.rs` (one accepted
//! connection, and turns between a test and its server), `scripted.rs`, `http.rs`,
//! `proxy.rs`, and `agents.rs` (the client side: agents trusting the fixtures' CA).
//!
//! Servers only ever listen on loopback addresses. Client misbehaviour never
//! panics a server thread: it is logged to stderr and the connection dropped.
//! Dropping a server stops its accept loop; connection threads end when their
//! closure returns (idle sockets time out after [`IO_TIMEOUT`]).
#![allow(dead_code, unused_imports)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};

/// Read/write timeout put on every accepted socket, so that a client that
/// goes quiet cannot keep a connection thread alive for long.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// A host name that does not resolve and that no resolver is asked about, for tests of a name
/// that does not resolve: its first label is 64 bytes, longer than DNS allows (RFC 1035
/// section 2.3.4), so the system resolver refuses it without sending a query, and the test
/// sends nothing off this machine (any other unknown name goes to the configured DNS server).
pub fn unresolvable_name() -> String {
    format!("{}.invalid", "a".repeat(64))
}

/// Largest request head [`Conn::read_request_head`] accepts.
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest line [`Conn::read_line`] accepts (chunk-size lines, trailers).
pub const MAX_LINE: usize = 8 * 1024;
/// Largest request body [`HttpServer`] accepts.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

mod agents;
mod conn;
mod http;
mod proxy;
mod scripted;
mod tls;

pub use agents::*;
pub use conn::*;
pub use http::*;
pub use proxy::*;
pub use scripted::*;
pub use tls::*;
