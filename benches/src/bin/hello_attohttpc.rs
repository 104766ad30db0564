//! GET one HTTPS URL with the default roots and print the body: attohttpc.
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: hello URL")?;
    let body = attohttpc::get(url).send()?.bytes()?;
    std::io::stdout().write_all(&body)?;
    Ok(())
}
