//! ureq 3 (rustls, ring): one Agent (its pool keeps the connection alive); for `fresh`, the same
//! Agent with no idle connections kept, so every request connects and shakes hands anew.

use plainwire_benches::{check, drain, fail, measure, Args, Mode, DOWNLOAD_BUFFER, POST_JSON};
use ureq::tls::{parse_pem, PemItem, RootCerts, TlsConfig};

fn main() {
    let args = Args::parse();
    let pem = args.ca_pem();
    let certs: Vec<_> = parse_pem(&pem)
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
    let agent: ureq::Agent = config.build().into();
    let payload: serde_json::Value = serde_json::from_str(POST_JSON).unwrap();
    let mut buf = vec![0u8; DOWNLOAD_BUFFER];

    measure(&args, || -> Result<u64, ureq::Error> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh => {
                let mut resp = agent.get(&args.url).call()?;
                let status = resp.status().as_u16();
                let body = resp.body_mut().read_to_vec()?;
                Ok(check(status, &body, args.mode).unwrap_or_else(|e| fail(e)))
            }
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
