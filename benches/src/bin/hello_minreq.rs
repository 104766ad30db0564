//! GET one HTTPS URL with the default roots and print the body: minreq 3.
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: hello URL")?;
    let resp = minreq::get(url).send()?;
    std::io::stdout().write_all(resp.as_bytes())?;
    Ok(())
}
