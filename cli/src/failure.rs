//! How a command fails, and the exit status each failure maps to.
//!
//! The statuses are the AWS CLI v2's: 253 for a configuration error (here: the shared files
//! cannot be located, read or parsed), 255 for any other error, 2 for a usage error (clap's own
//! status, which it reports itself). `configure get` uses 255 for every error and 1 for an unset
//! key, as `aws configure get` does. Messages are printed as `credchain: [ERROR]: <message>`,
//! the message being the core error's Display, which names the file and line and the fix.

use std::fmt::Display;
use std::io::{self, Write};

/// The status of a configuration error.
pub const CONFIGURATION_ERROR: u8 = 253;
/// The status of any other error.
pub const OTHER_ERROR: u8 = 255;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The shared files cannot be located, read or parsed (status 253).
    Configuration(String),
    /// Any other error (status 255).
    Other(String),
    /// Nothing to report: exit with this status (`configure get` of an unset key: 1).
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
            Failure::Status(status) => return status,
            Failure::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => return 0,
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
        assert_eq!(Failure::Status(1).report(&mut err), 1);
        let broken = io::Error::from(io::ErrorKind::BrokenPipe);
        assert_eq!(Failure::Output(broken).report(&mut err), 0);
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "credchain: [ERROR]: bad file\ncredchain: [ERROR]: no profile\n"
        );
        let get = Failure::configuration("x").configuration_as_other();
        assert!(matches!(get, Failure::Other(_)));
    }
}
