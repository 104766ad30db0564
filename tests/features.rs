//! What a build without a default feature does instead: asking for what the feature brings is
//! an error when the agent is built, never a setting silently ignored. These tests run only in
//! such a build (`cargo test --no-default-features --features tls --test features`).

#[cfg(not(feature = "env"))]
mod without_env {
    use plainwire::{Agent, ErrorKind};

    fn refused(builder: plainwire::AgentBuilder, what: &str) {
        let err = builder.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let message = err.to_string();
        assert!(
            message.contains(what) && message.contains("`env` feature"),
            "{message}"
        );
    }

    #[test]
    fn the_environment_is_read_by_no_agent_by_default() {
        // The variables may be set (cargo sets SSL_CERT_DIR here); nothing reads them.
        Agent::builder().build().unwrap();
        let _ = Agent::new();
    }

    #[test]
    fn proxies_from_the_environment_are_refused() {
        refused(Agent::builder().proxy_from_env(true), "proxy_from_env");
    }

    #[test]
    fn a_netrc_is_refused() {
        refused(Agent::builder().netrc(true), ".netrc");
        refused(Agent::builder().netrc_file("/nonexistent/netrc"), ".netrc");
    }

    #[cfg(feature = "tls")]
    #[test]
    fn roots_and_key_logs_from_the_environment_are_refused() {
        refused(Agent::builder().roots_from_env(true), "roots_from_env");
        refused(Agent::builder().key_log_from_env(true), "key_log_from_env");
    }
}
