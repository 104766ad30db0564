//! reqwest blocking (rustls-tls, ring): one Client (its pool keeps the connection alive); for
//! `fresh`, the same Client with no idle connections kept per host.

use plainwire_benches::{check, drain, fail, measure, Args, Mode, DOWNLOAD_BUFFER, POST_JSON};

fn main() {
    let args = Args::parse();
    let ca = reqwest::Certificate::from_pem(&args.ca_pem()).unwrap_or_else(|e| fail(e));
    let mut builder = reqwest::blocking::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca);
    if args.mode == Mode::Fresh {
        builder = builder.pool_max_idle_per_host(0);
    }
    let client = builder.build().unwrap_or_else(|e| fail(e));
    let payload: serde_json::Value = serde_json::from_str(POST_JSON).unwrap();
    let mut buf = vec![0u8; DOWNLOAD_BUFFER];

    measure(&args, || -> Result<u64, String> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh => {
                let resp = client.get(&args.url).send().map_err(|e| e.to_string())?;
                let status = resp.status().as_u16();
                check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
            }
            Mode::Post => {
                let resp = client
                    .post(&args.url)
                    .json(&payload)
                    .send()
                    .map_err(|e| e.to_string())?;
                let status = resp.status().as_u16();
                check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
            }
            Mode::Download => {
                let mut resp = client.get(&args.url).send().map_err(|e| e.to_string())?;
                if resp.status() != 200 {
                    return Err(format!("status {}", resp.status()));
                }
                drain(&mut resp, &mut buf).map_err(|e| e.to_string())
            }
        }
    });
}
