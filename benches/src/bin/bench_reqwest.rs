//! reqwest blocking (rustls-tls, ring): one Client (its pool keeps the connection alive); for
//! `fresh`, the same Client with no idle connections kept per host; for `agent`, a new Client
//! for every request; for `threads`, one Client shared by every thread.

use plainwire_benches::{
    check, drain, fail, measure, measure_threads, Args, Mode, DOWNLOAD_BUFFER, POST_JSON, THREADS,
};

fn client(args: &Args, ca_pem: &[u8]) -> reqwest::blocking::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem).unwrap_or_else(|e| fail(e));
    let mut builder = reqwest::blocking::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca);
    if args.mode == Mode::Fresh {
        builder = builder.pool_max_idle_per_host(0);
    }
    builder.build().unwrap_or_else(|e| fail(e))
}

fn get(client: &reqwest::blocking::Client, args: &Args) -> Result<u64, String> {
    let resp = client.get(&args.url).send().map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
}

fn main() {
    let args = Args::parse();
    let ca_pem = args.ca_pem();
    let client = client(&args, &ca_pem);
    let payload: serde_json::Value = serde_json::from_str(POST_JSON).unwrap();
    let mut buf = vec![0u8; DOWNLOAD_BUFFER];

    if args.mode == Mode::Threads {
        measure_threads(&args, THREADS, |_| || get(&client, &args));
        return;
    }
    measure(&args, || -> Result<u64, String> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh | Mode::Threads => get(&client, &args),
            Mode::Agent => get(&self::client(&args, &ca_pem), &args),
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
