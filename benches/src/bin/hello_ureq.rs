//! GET one HTTPS URL with the default roots and print the body: ureq 3.
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: hello URL")?;
    let body = ureq::get(&url).call()?.body_mut().read_to_vec()?;
    std::io::stdout().write_all(&body)?;
    Ok(())
}
