//! The `bind` feature: `AgentBuilder::local_address` and `AgentBuilder::interface` choose the
//! local end of each connection, as the server sees it; a local end that cannot be had is a
//! `Bind` error before any packet leaves. Servers on 127.0.0.1 only: Linux answers to all of
//! 127.0.0.0/8 on the loopback interface, so 127.0.0.2 is a second local address to bind to.
#![cfg(feature = "bind")]

mod support;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use plainwire::{Agent, ErrorKind};
use support::*;

const SECOND_LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
/// TEST-NET-1 (RFC 5737): on no machine, so binding to it fails before anything is sent.
const NOT_HERE: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));

#[cfg(target_os = "linux")]
#[test]
fn the_server_sees_the_local_address_asked_for() {
    let server = ScriptedServer::echo_peer();
    let agent = Agent::builder()
        .local_address(SECOND_LOOPBACK)
        .build()
        .unwrap();
    let resp = agent.get(&server.url("/")).send().unwrap();
    assert_eq!(resp.local_addr().map(|a| a.ip()), Some(SECOND_LOOPBACK));
    assert_eq!(resp.text().unwrap(), "127.0.0.2");
}

#[cfg(target_os = "linux")]
#[test]
fn the_connection_to_a_proxy_comes_from_the_local_address_too() {
    // The "proxy" answers the forwarded request itself: nothing goes past it.
    let proxy = ScriptedServer::echo_peer();
    let agent = Agent::builder()
        .proxy(&proxy.url("/"))
        .local_address(SECOND_LOOPBACK)
        .build()
        .unwrap();
    let body = agent
        .get("http://origin.test/")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "127.0.0.2");
    assert_eq!(proxy.connections(), 1);
}

#[test]
fn no_local_address_is_the_systems_choice() {
    let server = ScriptedServer::echo_peer();
    let agent = Agent::builder().local_address(None).build().unwrap();
    let body = agent.get(&server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(body, "127.0.0.1");
}

#[test]
fn an_address_not_on_this_machine_is_a_bind_error_and_sends_nothing() {
    let server = ScriptedServer::echo_peer();
    let agent = Agent::builder().local_address(NOT_HERE).build().unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Bind, "{err}");
    assert_eq!(err.kind().curl_exit_code(), 45);
    assert!(err.to_string().contains("192.0.2.1"), "{err}");
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_local_address_of_the_other_family_is_a_bind_error() {
    let server = ScriptedServer::echo_peer();
    let agent = Agent::builder()
        .local_address(IpAddr::V6(Ipv6Addr::LOCALHOST))
        .build()
        .unwrap();
    let err = agent.get(&server.url("/")).send().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Bind, "{err}");
    assert!(err.to_string().contains("IPv6"), "{err}");
    assert_eq!(server.connections(), 0);
}

#[test]
fn only_the_addresses_of_the_local_addresss_family_are_tried() {
    // The name resolves to ::1 first: an IPv4-bound socket cannot even try it (binding it
    // would fail), so the IPv4 address is the one reached.
    let server = ScriptedServer::echo_peer();
    let agent = Agent::builder()
        .resolve("dual.test", server.port(), IpAddr::V6(Ipv6Addr::LOCALHOST))
        .resolve("dual.test", server.port(), IpAddr::V4(Ipv4Addr::LOCALHOST))
        .local_address(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .build()
        .unwrap();
    let url = server.url_with_host("dual.test", "/");
    let body = agent.get(&url).send().unwrap().text().unwrap();
    assert_eq!(body, "127.0.0.1");
}

#[cfg(target_os = "linux")]
mod interface {
    use super::*;

    /// SO_BINDTODEVICE needs CAP_NET_RAW on kernels before 5.7: without it, the documented
    /// error, a `Bind` one that names the interface.
    fn sent_or_refused(result: Result<String, plainwire::Error>, expected: &str) {
        match result {
            Ok(body) => assert_eq!(body, expected),
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::Bind, "{err}");
                assert!(err.to_string().contains("interface 'lo'"), "{err}");
                assert!(err.to_string().contains("ermitted"), "{err}");
            }
        }
    }

    #[test]
    fn the_loopback_interface_reaches_a_loopback_server() {
        let server = ScriptedServer::echo_peer();
        let agent = Agent::builder().interface("lo").build().unwrap();
        let result = agent.get(&server.url("/")).send().and_then(|r| r.text());
        sent_or_refused(result, "127.0.0.1");
    }

    #[test]
    fn an_interface_and_an_address_together() {
        let server = ScriptedServer::echo_peer();
        let agent = Agent::builder()
            .interface("lo")
            .local_address(SECOND_LOOPBACK)
            .build()
            .unwrap();
        let result = agent.get(&server.url("/")).send().and_then(|r| r.text());
        sent_or_refused(result, "127.0.0.2");
    }

    #[test]
    fn an_interface_that_does_not_exist_is_a_bind_error() {
        let server = ScriptedServer::echo_peer();
        let agent = Agent::builder().interface("nosuchif0").build().unwrap();
        let err = agent.get(&server.url("/")).send().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Bind, "{err}");
        assert!(err.to_string().contains("'nosuchif0'"), "{err}");
        assert_eq!(server.connections(), 0);
    }

    #[test]
    fn a_name_the_kernel_would_misread_fails_the_build() {
        for name in ["", "sixteen-bytes-xx", "lo\0x"] {
            let err = Agent::builder().interface(name).build().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{name:?}: {err}");
        }
        // Fifteen bytes is the longest name there can be, and is accepted.
        Agent::builder()
            .interface("fifteen-bytes-x")
            .build()
            .unwrap();
    }
}
