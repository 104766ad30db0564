//! plainwire: one Agent (its pool keeps the connection alive); for `fresh`, the same Agent with
//! `max_idle_per_host(0)`, so every request connects anew (resuming the TLS session where the
//! server offers it); for `agent`, a new Agent for every request; for `threads`, one Agent
//! shared by every thread.

use plainwire_benches::{
    check, drain, fail, measure, measure_threads, Args, Mode, DOWNLOAD_BUFFER, POST_JSON, THREADS,
};

fn agent(args: &Args, ca_pem: &[u8]) -> plainwire::Agent {
    let mut builder = plainwire::Agent::builder()
        .ca_pem(ca_pem)
        .unwrap_or_else(|e| fail(e));
    if args.mode == Mode::Fresh {
        builder = builder.max_idle_per_host(0);
    }
    builder.build().unwrap_or_else(|e| fail(e))
}

fn get(agent: &plainwire::Agent, args: &Args) -> Result<u64, String> {
    let resp = agent.get(&args.url).send().map_err(|e| e.to_string())?;
    let status = resp.status();
    check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
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
    measure(&args, || -> Result<u64, String> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh | Mode::Threads => get(&agent, &args),
            Mode::Agent => get(&self::agent(&args, &ca_pem), &args),
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
