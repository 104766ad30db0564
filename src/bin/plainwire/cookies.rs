//! The cookie engine of a run (`-b FILE`, `-c FILE`, `-j`): one [`CookieJar`] that every
//! operation turning the engine on shares, as curl's transfers share their cookies, loaded
//! before the first transfer and saved after the last. It reads and writes cookie files; the
//! library keeps and sends the cookies.
//!
//! As curl documents (docs/cmdline-opts/cookie.md, cookie-jar.md, junk-session-cookies.md):
//!
//! * `-b FILE` (a value without `=`) reads a Netscape cookie file; `-b -` reads stdin; a
//!   file that does not exist, or is a directory, is skipped without a word; `-b ''` turns
//!   the engine on with no cookies. `-b 'a=1'` (with `=`) is not this: it is sent as it is;
//! * `-c FILE` writes every cookie after the transfers, also when one failed, and even when
//!   there is none (so an old file's cookies go); `-c -` writes to stdout. A file that cannot
//!   be written is a warning, not a failure (curl only says so with `-v`);
//! * `-j` drops the session cookies (no expiry) of the files read, as a new browser session.
//!
//! Not read: the "Set-Cookie: ..." header lines curl also accepts in a `-b` file (curl
//! discourages them); plainwire reads the Netscape format only.

use std::io::Write;
use std::path::{Path, PathBuf};

use plainwire::CookieJar;

use crate::args::Operation;
use crate::console;
use crate::failure::Failure;

/// Whether `op` turns the cookie engine on.
pub fn engine_on(op: &Operation) -> bool {
    !op.cookie_files.is_empty() || op.cookie_jar.is_some()
}

/// The run's jar, loaded from every `-b FILE`, when an operation turns the engine on.
pub fn load(ops: &[Operation]) -> Result<Option<CookieJar>, Failure> {
    if !ops.iter().any(engine_on) {
        return Ok(None);
    }
    let jar = CookieJar::new();
    for path in ops.iter().flat_map(|op| &op.cookie_files) {
        load_one(&jar, path)?;
    }
    if ops.iter().any(|op| op.junk_session_cookies) {
        jar.clear_session_cookies();
    }
    Ok(Some(jar))
}

/// Reads one `-b` file into `jar`: stdin for `-`, nothing for an empty name, a missing file or
/// a directory. Anything else is read, a pipe too (`-b <(decrypt cookies.gpg)`, which keeps
/// the session off the disk). A file that exists but cannot be read is curl's 26.
fn load_one(jar: &CookieJar, path: &Path) -> Result<(), Failure> {
    if path.as_os_str().is_empty() {
        return Ok(());
    }
    if path.as_os_str() == "-" {
        jar.load_netscape(std::io::stdin().lock())
            .map_err(|e| Failure::from_error(&e))?;
        return Ok(());
    }
    if !path.exists() || path.is_dir() {
        return Ok(());
    }
    jar.load_file(path).map_err(|e| Failure::from_error(&e))?;
    Ok(())
}

/// Writes `jar` to each `-c` file of the run, once per file, in order; a failure is a
/// warning.
pub fn save(jar: &CookieJar, ops: &[Operation]) {
    let mut written: Vec<&PathBuf> = Vec::new();
    for path in ops.iter().filter_map(|op| op.cookie_jar.as_ref()) {
        if written.contains(&path) {
            continue;
        }
        written.push(path);
        let saved = if path.as_os_str() == "-" {
            let mut out = std::io::stdout().lock();
            jar.save_netscape(&mut out)
                .and_then(|()| out.flush().map_err(plainwire::Error::from))
        } else {
            jar.save_file(path)
        };
        if let Err(err) = saved {
            console::warn(&format!(
                "failed to save cookies in {}: {err}",
                path.display()
            ));
        }
    }
}
