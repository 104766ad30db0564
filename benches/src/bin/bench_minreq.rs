//! minreq 3 (rustls): minreq keeps no connections, so every request (in every mode) connects and
//! shakes hands anew. It trusts extra CAs only through the platform verifier, which reads
//! SSL_CERT_FILE; its rustls comes with aws-lc-rs, so ring is installed as the process default
//! to run the same cryptography as the other clients. With no agent, `agent` is `fresh`; in
//! `threads`, every thread makes its own requests.

use plainwire_benches::{
    check, drain, measure, measure_threads, Args, Mode, DOWNLOAD_BUFFER, POST_JSON, THREADS,
};

fn get(args: &Args) -> Result<u64, String> {
    let resp = minreq::get(&args.url).send().map_err(|e| e.to_string())?;
    check(resp.status_code as u16, resp.as_bytes(), args.mode)
}

fn main() {
    let args = Args::parse();
    // Set before the first request, while the process has a single thread.
    std::env::set_var("SSL_CERT_FILE", &args.ca_file);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let payload: serde_json::Value = serde_json::from_str(POST_JSON).unwrap();
    let mut buf = vec![0u8; DOWNLOAD_BUFFER];

    if args.mode == Mode::Threads {
        measure_threads(&args, THREADS, |_| || get(&args));
        return;
    }
    measure(&args, || -> Result<u64, String> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh | Mode::Agent | Mode::Threads => get(&args),
            Mode::Post => {
                let resp = minreq::post(&args.url)
                    .with_json(&payload)
                    .and_then(|r| r.send())
                    .map_err(|e| e.to_string())?;
                check(resp.status_code as u16, resp.as_bytes(), args.mode)
            }
            Mode::Download => {
                let mut resp = minreq::get(&args.url)
                    .send_lazy()
                    .map_err(|e| e.to_string())?;
                if resp.status_code != 200 {
                    return Err(format!("status {}", resp.status_code));
                }
                drain(&mut resp, &mut buf).map_err(|e| e.to_string())
            }
        }
    });
}
