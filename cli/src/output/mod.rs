//! Present: how results are written for a person (and for scripts that read `aws` output).
//!
//! - [`table`]: the `configure list` table and how a value's source reads in it.
//! - [`secret`]: masking of keys, so that no secret is printed where it is not asked for.
//! - [`export`]: `export-credentials`' formats, the AWS CLI's byte for byte.
//! - [`explain`]: `explain`'s report as text and JSON.
//! - [`json`]: JSON written as Python's `json.dumps(indent=2)` writes it.
//! - [`escape`]: terminal control characters escaped on stderr (and a terminal's stdout).
//! - [`style`]: colour on a terminal that wants it (`NO_COLOR`).

pub mod escape;
pub mod explain;
pub mod export;
pub mod json;
pub mod secret;
pub mod style;
pub mod table;

use std::io::Write;

use credchain_core::config::parse::Diagnostic;

/// Where a command writes: its output and its warnings.
pub struct Streams<'w> {
    /// The command's output (stdout).
    pub out: &'w mut dyn Write,
    /// Warnings and errors (stderr).
    pub err: &'w mut dyn Write,
    /// Whether the output is coloured.
    pub style: style::Style,
}

impl Streams<'_> {
    /// Writes `credchain: warning: <what>` to the warnings stream.
    pub fn warn(&mut self, what: impl std::fmt::Display) -> std::io::Result<()> {
        writeln!(self.err, "credchain: warning: {what}")
    }

    /// Warns about something the parser skipped (`credchain: warning: FILE:LINE: ...`).
    pub fn warn_skipped(&mut self, diagnostic: &Diagnostic<'_>) -> std::io::Result<()> {
        self.warn(diagnostic)
    }
}
