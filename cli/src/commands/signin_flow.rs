//! What `sso login` and `login` share around their browser sign-ins: the PKCE verifier and
//! `state` drawn from the OS's random source, the bounded wait for the loopback callback, the
//! browser announced and opened, the private files written, and service failures given the
//! AWS CLI's exit statuses. The callback server itself is [`crate::commands::sso::callback`],
//! the opener [`crate::commands::sso::browser`].

use std::time::Duration;

use credchain_core::io::{block_on, Fs};
use credchain_core::services::exchange::ServiceFailure;
use credchain_core::signin::sso::CALLBACK_WAIT_SECS;
use credchain_core::signing::pkce::{uuid4, Verifier};

use crate::failure::{Failure, OTHER_ERROR, SERVICE_ERROR};
use crate::machine::{Machine, MachineIo};
use crate::output::Streams;

/// The AWS CLI's message when the authorization expired or the wait ran out (`aws sso login`
/// and `aws login` alike).
pub const PENDING_EXPIRED: &str = "The pending authorization to retrieve an SSO token has \
     expired. The login flow to retrieve an SSO token must be restarted.";

/// One sign-in's PKCE verifier and `state` (a random UUID), both from the OS's random source.
pub struct Pkce {
    /// The `state` sent in the authorize URL and expected back.
    pub state: String,
    /// The verifier whose challenge the authorize URL carries.
    pub verifier: Verifier,
}

impl Pkce {
    /// Draws a new verifier and state.
    ///
    /// # Errors
    /// The machine has no random source (255).
    pub fn draw<M: Machine + ?Sized>(machine: &M) -> Result<Pkce, Failure> {
        let mut random = [0u8; 16 + 256];
        machine
            .fill_random(&mut random)
            .map_err(|e| Failure::other(format!("no random source for the sign-in: {e}")))?;
        let mut state_bytes = [0u8; 16];
        state_bytes.copy_from_slice(&random[..16]);
        let verifier = Verifier::from_random(&random[16..])
            .ok_or_else(|| Failure::other("the random source gave unusable bytes; try again"))?;
        Ok(Pkce {
            state: uuid4(state_bytes).as_str().to_owned(),
            verifier,
        })
    }
}

/// The wait for the browser: `variable` when it is a number of seconds up to the AWS CLI's
/// 600, else 600.
pub fn callback_wait<M: Machine + ?Sized>(machine: &M, variable: &str) -> Duration {
    let secs = credchain_core::io::Env::var(machine.env(), variable)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s <= CALLBACK_WAIT_SECS)
        .unwrap_or(CALLBACK_WAIT_SECS);
    Duration::from_secs(secs)
}

/// Prints the AWS CLI's text before it opens the browser (`fallback` is the option that
/// does without one: `--use-device-code`, `--remote`), then opens it; a browser that does not
/// start is not an error, the URL is printed.
///
/// # Errors
/// Standard output cannot be written.
pub fn open_browser<M: Machine + ?Sized>(
    machine: &M,
    url: &str,
    fallback: &str,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    write!(
        streams.out,
        "Attempting to open your default browser. If the browser does not open, open the \
         following URL.\nIf you are unable to open the URL on this device, run this command \
         again with the '{fallback}' option.\n\n{url}\n\n"
    )?;
    streams.out.flush()?;
    let _ = machine.open_browser(url);
    Ok(())
}

/// Prints the AWS CLI's text for a URL it does not open (`--no-browser`, `--remote`).
///
/// # Errors
/// Standard output cannot be written.
pub fn print_url(url: &str, streams: &mut Streams<'_>) -> Result<(), Failure> {
    write!(
        streams.out,
        "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}\n"
    )?;
    Ok(())
}

/// Writes a private file (atomically, mode 0600); `what` names it in the failure.
///
/// # Errors
/// The file cannot be written (255).
pub fn write_private<M: Machine + ?Sized>(
    io: &MachineIo<'_, M>,
    path: &str,
    text: &str,
    what: &str,
) -> Result<(), Failure> {
    block_on(io.fs.write_private(path, text.as_bytes())).map_err(|e| {
        let why = match e.os_code {
            Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
            None => format!("{:?}", e.kind),
        };
        Failure::other(format!("could not write the {what} {path}: {why}"))
    })
}

/// A failed service call: 254 when the service answered with an error, 255 when the call did
/// not get through or its answer could not be read (the AWS CLI's statuses).
pub fn service_failure(failure: &ServiceFailure) -> Failure {
    let status = if failure.is_service_error() {
        SERVICE_ERROR
    } else {
        OTHER_ERROR
    };
    Failure::with_status(status, failure)
}
