//! How a command fails, and the exit status each failure maps to.
//!
//! The statuses are the AWS CLI v2's: 253 for a configuration error (the shared files cannot be
//! located, read or parsed; a profile that does not exist; no credentials; a credential provider
//! that is misconfigured or fails locally), 254 when a service call fails (STS), 255 for any
//! other error, 2 for a usage error (clap's own status, which it reports itself), 252 for an
//! argument the AWS CLI refuses after parsing (`configure set --sso-session` with a name it
//! does not take, `configure import --csv file://` of a file that cannot be read).
//! `configure get` uses 255 for every error and 1 for an unset key, as `aws configure get`
//! does. `exec` exits with its command's status, or 126/127 when the command cannot be run, as
//! a shell does (those two are `exec`'s own, in [`crate::commands::exec`]). Messages are
//! printed as `credchain: [ERROR]: <message>`, the message being the core error's Display,
//! which names the file and line and the fix.

use std::fmt::Display;
use std::io::{self, Write};

/// The status of an argument refused after parsing (the AWS CLI's parameter validation error).
pub const PARAM_VALIDATION_ERROR: u8 = 252;
/// The status of a configuration error.
pub const CONFIGURATION_ERROR: u8 = 253;
/// The status of a failed service call (STS).
pub const SERVICE_ERROR: u8 = 254;
/// The status of any other error.
pub const OTHER_ERROR: u8 = 255;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// A configuration error (status 253).
    Configuration(String),
    /// Any other error (status 255).
    Other(String),
    /// An error with its own status: a failed service call (254), or `exec` unable to run
    /// its command (126, 127).
    WithStatus(u8, String),
    /// Nothing to report: exit with this status (`configure get` of an unset key: 1; `explain`
    /// after it has explained the failure; `exec` passing its command's status through).
    Status(u8),
    /// Writing the command's output failed.
    Output(io::Error),
}

impl Failure {
    /// A configuration error, from any error's Display.
    pub fn configuration(error: impl Display) -> Self {
        Failure::Configuration(error.to_string())
    }

    /// Another error, from any error's Display.
    pub fn other(error: impl Display) -> Self {
        Failure::Other(error.to_string())
    }

    /// An argument refused after parsing (252), from any error's Display.
    pub fn param_validation(error: impl Display) -> Self {
        Failure::WithStatus(PARAM_VALIDATION_ERROR, error.to_string())
    }

    /// An error reported with `status`.
    pub fn with_status(status: u8, error: impl Display) -> Self {
        match status {
            CONFIGURATION_ERROR => Failure::configuration(error),
            OTHER_ERROR => Failure::other(error),
            status => Failure::WithStatus(status, error.to_string()),
        }
    }

    /// The same failure with a configuration error counted as another error (for
    /// `configure get`, which the AWS CLI fails with 255 whatever the cause).
    #[must_use]
    pub fn configuration_as_other(self) -> Self {
        match self {
            Failure::Configuration(message) => Failure::Other(message),
            other => other,
        }
    }

    /// Prints the failure to `stderr` and returns the exit status. Output to a closed pipe
    /// (`credchain configure list-profiles | head -1`) is not an error.
    pub fn report(self, stderr: &mut dyn Write) -> u8 {
        let (status, message) = match self {
            Failure::Configuration(message) => (CONFIGURATION_ERROR, message),
            Failure::Other(message) => (OTHER_ERROR, message),
            Failure::WithStatus(status, message) => (status, message),
            Failure::Status(status) => return status,
            // A reader that went away (`credchain export-credentials | true`) is a failure too:
            // a script testing the status must not believe the output was taken.
            Failure::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => (
                OTHER_ERROR,
                "cannot write the output: its reader closed the pipe before reading it all"
                    .to_owned(),
            ),
            Failure::Output(e) => (OTHER_ERROR, format!("cannot write the output: {e}")),
        };
        // Nothing better can be done when stderr itself cannot be written.
        let _ = writeln!(stderr, "credchain: [ERROR]: {message}");
        status
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Output(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_messages() {
        let mut err = Vec::new();
        assert_eq!(Failure::configuration("bad file").report(&mut err), 253);
        assert_eq!(Failure::other("no profile").report(&mut err), 255);
        assert_eq!(
            Failure::with_status(254, "sts said no").report(&mut err),
            254
        );
        assert_eq!(Failure::Status(1).report(&mut err), 1);
        let broken = io::Error::from(io::ErrorKind::BrokenPipe);
        assert_eq!(Failure::Output(broken).report(&mut err), 255);
        let full = io::Error::from_raw_os_error(28);
        assert_eq!(Failure::Output(full).report(&mut err), 255);
        let text = String::from_utf8(err).unwrap();
        assert!(
            text.starts_with(
                "credchain: [ERROR]: bad file\ncredchain: [ERROR]: no profile\n\
                 credchain: [ERROR]: sts said no\n\
                 credchain: [ERROR]: cannot write the output: its reader closed the pipe \
                 before reading it all\n\
                 credchain: [ERROR]: cannot write the output: "
            ),
            "{text}"
        );
        let get = Failure::configuration("x").configuration_as_other();
        assert!(matches!(get, Failure::Other(_)));
        assert!(matches!(
            Failure::with_status(253, "x"),
            Failure::Configuration(_)
        ));
    }
}
