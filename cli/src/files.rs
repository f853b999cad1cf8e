//! The shared files for a command: locate, load and parse them with the host I/O, and warn
//! about what the parser skipped.
//!
//! Both files are parsed before any command does its work, as the AWS CLI does: a file that
//! cannot be parsed fails every command. A missing file reads as empty.

use credchain_core::host::ConfigFileFs;
use credchain_core::io::{block_on, Env};
use credchain_core::locate::{self, PathOrigin, Platform};
use credchain_core::parse::ConfigFiles;
use credchain_core::{load, Dialect};

use crate::failure::Failure;
use crate::output::Streams;

/// The parsed files, and where each came from.
pub struct Shared<'f> {
    /// Both files, parsed.
    pub files: &'f ConfigFiles<'f>,
    /// The config file.
    pub config: FileInfo<'f>,
    /// The shared credentials file.
    pub credentials: FileInfo<'f>,
}

/// Where one file is and whether it exists.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo<'f> {
    /// The path as located (empty: no file is read).
    pub path: &'f str,
    /// What named the path: a variable, the default, or nothing (no home directory).
    pub origin: PathOrigin,
    /// Whether a file exists there.
    pub exists: bool,
}

/// What to do with the parser's diagnostics (sections it skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnostics {
    /// Print each as a warning on stderr before the command runs.
    Warn,
    /// Leave them to the command (`explain` lists them in its report).
    Keep,
}

/// Runs `then` over the parsed files, after warning on `streams` about every skipped section
/// (with [`Diagnostics::Warn`]). Failing to locate, read or parse a file is a
/// [`Failure::Configuration`].
pub fn with_files<T>(
    env: &(impl Env + ?Sized),
    dialect: Dialect,
    diagnostics: Diagnostics,
    streams: &mut Streams<'_>,
    then: impl FnOnce(&Shared<'_>, &mut Streams<'_>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let paths =
        locate::locate(env, Platform::current(), dialect).map_err(Failure::configuration)?;
    let loaded = block_on(load::load(&ConfigFileFs, &paths)).map_err(Failure::configuration)?;
    let files = ConfigFiles::parse(&loaded, dialect).map_err(Failure::configuration)?;
    if diagnostics == Diagnostics::Warn {
        let mut warned = Ok(());
        files.diagnostics(|d| {
            if warned.is_ok() {
                warned = streams.warn_skipped(&d);
            }
        });
        warned?;
    }
    let shared = Shared {
        files: &files,
        config: FileInfo {
            path: &paths.config.path,
            origin: paths.config.origin,
            exists: loaded.config.contents.is_some(),
        },
        credentials: FileInfo {
            path: &paths.credentials.path,
            origin: paths.credentials.origin,
            exists: loaded.credentials.contents.is_some(),
        },
    };
    then(&shared, streams)
}
