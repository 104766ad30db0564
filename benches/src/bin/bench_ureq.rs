//! ureq 3 (rustls, ring): one Agent (its pool keeps the connection alive); for `fresh`, the same
//! Agent with no idle connections kept, so every request connects anew; for `agent`, a new
//! Agent for every request; for `threads`, one Agent shared by every thread.

use plainwire_benches::{
    check, drain, fail, measure, measure_threads, Args, Mode, DOWNLOAD_BUFFER, POST_JSON, THREADS,
};
use ureq::tls::{parse_pem, PemItem, RootCerts, TlsConfig};

fn agent(args: &Args, ca_pem: &[u8]) -> ureq::Agent {
    let certs: Vec<_> = parse_pem(ca_pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect();
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&certs))
        .build();
    let mut config = ureq::Agent::config_builder().tls_config(tls);
    if args.mode == Mode::Fresh {
        config = config
            .max_idle_connections(0)
            .max_idle_connections_per_host(0);
    }
    config.build().into()
}

fn get(agent: &ureq::Agent, args: &Args) -> Result<u64, ureq::Error> {
    let mut resp = agent.get(&args.url).call()?;
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_vec()?;
    Ok(check(status, &body, args.mode).unwrap_or_else(|e| fail(e)))
}

fn main() {
    let args = Args::parse();
    let ca_pem = args.ca_pem();
    let agent = agent(&args, &ca_pem);
    let payload: serde_json::Value = serde_json::from_str(POST_JSON).unwrap();
    let mut buf = vec![0u8; DOWNLOAD_BUFFER];

    if args.mode == Mode::Threads {
        measure_threads(&args, THREADS, |_| || get(&agent, &args));
        return;
    }
    measure(&args, || -> Result<u64, ureq::Error> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh | Mode::Threads => get(&agent, &args),
            Mode::Agent => get(&self::agent(&args, &ca_pem), &args),
            Mode::Post => {
                let mut resp = agent.post(&args.url).send_json(&payload)?;
                let status = resp.status().as_u16();
                let body = resp.body_mut().read_to_vec()?;
                Ok(check(status, &body, args.mode).unwrap_or_else(|e| fail(e)))
            }
            Mode::Download => {
                let resp = agent.get(&args.url).call()?;
                if resp.status() != 200 {
                    fail(format!("status {}", resp.status()));
                }
                let mut reader = resp.into_body().into_reader();
                Ok(drain(&mut reader, &mut buf)?)
            }
        }
    });
}
