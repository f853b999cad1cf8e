//! The shared files for a command: locate, load and parse them with the host I/O, and warn
//! about what the parser skipped.
//!
//! Both files are parsed before any command does its work, as the AWS CLI does: a file that
//! cannot be parsed fails every command. A missing file reads as empty.

use credchain_core::host::StdFs;
use credchain_core::io::{block_on, Env};
use credchain_core::locate::{self, Platform};
use credchain_core::parse::ConfigFiles;
use credchain_core::{load, Dialect};

use crate::failure::Failure;
use crate::output::Streams;

/// Runs `then` over the parsed files, after warning on `streams` about every skipped section.
/// Failing to locate, read or parse a file is a [`Failure::Configuration`].
pub fn with_files<T>(
    env: &(impl Env + ?Sized),
    dialect: Dialect,
    streams: &mut Streams<'_>,
    then: impl FnOnce(&ConfigFiles<'_>, &mut Streams<'_>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let paths =
        locate::locate(env, Platform::current(), dialect).map_err(Failure::configuration)?;
    let loaded = block_on(load::load(&StdFs, &paths)).map_err(Failure::configuration)?;
    let files = ConfigFiles::parse(&loaded, dialect).map_err(Failure::configuration)?;
    let mut warned = Ok(());
    files.diagnostics(|d| {
        if warned.is_ok() {
            warned = streams.warn_skipped(&d);
        }
    });
    warned?;
    then(&files, streams)
}
