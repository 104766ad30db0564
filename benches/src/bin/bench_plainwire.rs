//! plainwire: one Agent (its pool keeps the connection alive); for `fresh`, the same Agent with
//! `max_idle_per_host(0)`, so every request connects and shakes hands anew.

use plainwire_benches::{check, drain, fail, measure, Args, Mode, DOWNLOAD_BUFFER, POST_JSON};

fn main() {
    let args = Args::parse();
    let mut builder = plainwire::Agent::builder()
        .ca_pem(&args.ca_pem())
        .unwrap_or_else(|e| fail(e));
    if args.mode == Mode::Fresh {
        builder = builder.max_idle_per_host(0);
    }
    let agent = builder.build().unwrap_or_else(|e| fail(e));
    let payload: serde_json::Value = serde_json::from_str(POST_JSON).unwrap();
    let mut buf = vec![0u8; DOWNLOAD_BUFFER];

    measure(&args, || -> Result<u64, String> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh => {
                let resp = agent.get(&args.url).send().map_err(|e| e.to_string())?;
                let status = resp.status();
                check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
            }
            Mode::Post => {
                let resp = agent
                    .post(&args.url)
                    .json(&payload)
                    .and_then(|r| r.send())
                    .map_err(|e| e.to_string())?;
                let status = resp.status();
                check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
            }
            Mode::Download => {
                let mut resp = agent.get(&args.url).send().map_err(|e| e.to_string())?;
                if resp.status() != 200 {
                    return Err(format!("status {}", resp.status()));
                }
                drain(&mut resp, &mut buf).map_err(|e| e.to_string())
            }
        }
    });
}
