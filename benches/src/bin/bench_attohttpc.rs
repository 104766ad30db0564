//! attohttpc (rustls, ring): one Session for the settings; attohttpc keeps no connections, so
//! every request (in every mode) connects and shakes hands anew. For `agent`, a new Session for
//! every request; for `threads`, one Session shared by every thread.

use plainwire_benches::{
    check, drain, fail, measure, measure_threads, Args, Mode, DOWNLOAD_BUFFER, POST_JSON, THREADS,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

fn session(ca_pem: &[u8]) -> attohttpc::Session {
    let mut session = attohttpc::Session::new();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        session.add_root_certificate(cert.unwrap_or_else(|e| fail(e)));
    }
    session
}

fn get(session: &attohttpc::Session, args: &Args) -> Result<u64, String> {
    let resp = session.get(&args.url).send().map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
}

fn main() {
    let args = Args::parse();
    let ca_pem = args.ca_pem();
    let session = session(&ca_pem);
    let payload: serde_json::Value = serde_json::from_str(POST_JSON).unwrap();
    let mut buf = vec![0u8; DOWNLOAD_BUFFER];

    if args.mode == Mode::Threads {
        measure_threads(&args, THREADS, |_| || get(&session, &args));
        return;
    }
    measure(&args, || -> Result<u64, String> {
        match args.mode {
            Mode::KeepAlive | Mode::Fresh | Mode::Threads => get(&session, &args),
            Mode::Agent => get(&self::session(&ca_pem), &args),
            Mode::Post => {
                let resp = session
                    .post(&args.url)
                    .json(&payload)
                    .and_then(|r| r.send())
                    .map_err(|e| e.to_string())?;
                let status = resp.status().as_u16();
                check(status, &resp.bytes().map_err(|e| e.to_string())?, args.mode)
            }
            Mode::Download => {
                let resp = session.get(&args.url).send().map_err(|e| e.to_string())?;
                if resp.status().as_u16() != 200 {
                    return Err(format!("status {}", resp.status()));
                }
                let (_, _, mut reader) = resp.split();
                drain(&mut reader, &mut buf).map_err(|e| e.to_string())
            }
        }
    });
}
