//! The real machine's browser opener ([`crate::machine::StdMachine::open_browser`]): the
//! platform's usual way, as Python's `webbrowser` finds it for the AWS CLI.
//!
//! - `$BROWSER` first: a list of commands separated by `:` (`;` on Windows), the first one
//!   used; its words split on whitespace, `%s` replaced by the URL, else the URL appended.
//! - Otherwise `xdg-open` (Linux and the BSDs), `open` (macOS), `cmd /C start "" URL`
//!   (Windows).
//!
//! The opener is started and not waited for: a browser (or a test's scripted one) may come
//! back to the loopback callback while it runs. Its output is discarded, so nothing it prints
//! mixes with credchain's.

use std::ffi::OsStr;
use std::io;
use std::process::{Command, Stdio};

/// Starts the browser on `url`; `browser` is the value of `$BROWSER`.
///
/// # Errors
/// The opener could not be started.
pub fn open(browser: Option<&OsStr>, url: &str) -> io::Result<()> {
    let separator = if cfg!(windows) { ';' } else { ':' };
    let configured = browser
        .and_then(OsStr::to_str)
        .and_then(|list| list.split(separator).map(str::trim).find(|c| !c.is_empty()));
    let mut command = match configured {
        Some(line) => {
            let mut words = line.split_whitespace();
            let Some(program) = words.next() else {
                return Err(io::Error::from(io::ErrorKind::NotFound));
            };
            let mut command = Command::new(program);
            let mut placed = false;
            for word in words {
                if word.contains("%s") {
                    placed = true;
                    command.arg(word.replace("%s", url));
                } else {
                    command.arg(word);
                }
            }
            if !placed {
                command.arg(url);
            }
            command
        }
        None => platform_opener(url),
    };
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // Reaped on a thread of its own, so that no zombie outlives a long wait.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

fn platform_opener(url: &str) -> Command {
    if cfg!(target_os = "macos") {
        let mut command = Command::new("open");
        command.arg(url);
        command
    } else if cfg!(windows) {
        let mut command = Command::new("cmd");
        command.args(["/C", "start", ""]).arg(url);
        command
    } else {
        let mut command = Command::new("xdg-open");
        command.arg(url);
        command
    }
}
