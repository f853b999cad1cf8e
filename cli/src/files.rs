//! The shared files for a command: locate, load and parse them with the machine's reader, and
//! warn about what the parser skipped.
//!
//! Both files are parsed before any command does its work, as the AWS CLI does: a file that
//! cannot be parsed fails every command. A missing file reads as empty.
//!
//! This module reads files only through [`Machine::shared_files`]; it is the one module that
//! starts threads (two large files are read and parsed at once).

use credchain_core::config::load;
use credchain_core::config::load::{LoadError, LoadedFile, LoadedFiles};
use credchain_core::config::locate::{self, FilePaths, PathOrigin};
use credchain_core::config::parse::{ConfigFiles, ParseError, ProfileFile};
use credchain_core::io::block_on;
use credchain_core::{Dialect, FileKind};

use crate::failure::Failure;
use crate::machine::Machine;
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
    /// Something other than a regular file is there (`/dev/null`, a directory, a FIFO): read
    /// as no file, as the AWS CLI reads it.
    pub not_a_file: bool,
}

/// What to do with the parser's diagnostics (sections it skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnostics {
    /// Print each as a warning on stderr before the command runs.
    Warn,
    /// Leave them to the command (`explain` lists them in its report).
    Keep,
}

/// Files this large together are read and parsed on two threads, one each: starting a thread
/// costs some tens of microseconds, and a megabyte takes about a millisecond.
const AT_ONCE_FROM_BYTES: u64 = 1 << 20;

/// Whether to read and parse both files at once: when each exists and together they are large.
fn at_once(machine: &(impl Machine + ?Sized), paths: &FilePaths) -> bool {
    let size = |path: &str| machine.shared_file_size(path);
    let (config, credentials) = (size(&paths.config.path), size(&paths.credentials.path));
    config > 0 && credentials > 0 && config + credentials >= AT_ONCE_FROM_BYTES
}

/// Reads both files, on two threads when `at_once`. Errors come as reading them in turn gives
/// them: the config file's first.
fn load_files<'p, M: Machine + ?Sized>(
    machine: &M,
    paths: &'p FilePaths,
    at_once: bool,
) -> Result<LoadedFiles<'p, M::SharedFile>, LoadError<'p>> {
    let fs = machine.shared_files();
    let read = |kind, path| block_on(load::load_one(fs, kind, path));
    let (config, credentials) = if at_once {
        std::thread::scope(|s| {
            let credentials = s.spawn(|| read(FileKind::Credentials, &paths.credentials.path));
            let config = read(FileKind::Config, &paths.config.path);
            let credentials = credentials
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (config, credentials)
        })
    } else {
        let config = read(FileKind::Config, &paths.config.path);
        (config, read(FileKind::Credentials, &paths.credentials.path))
    };
    Ok(LoadedFiles {
        config: config?,
        credentials: credentials?,
    })
}

/// Parses both files, on two threads when `at_once`; the config file's error comes first.
fn parse_files<'a, B: AsRef<[u8]> + Sync>(
    loaded: &'a LoadedFiles<'a, B>,
    dialect: Dialect,
    at_once: bool,
) -> Result<ConfigFiles<'a>, ParseError<'a>> {
    if !at_once {
        return ConfigFiles::parse(loaded, dialect);
    }
    let parse = |file: &'a LoadedFile<'a, B>| {
        let bytes = file.contents.as_ref().map(AsRef::as_ref);
        ProfileFile::parse(file.kind, file.path, bytes, dialect)
    };
    let (config, credentials) = std::thread::scope(|s| {
        let credentials = s.spawn(|| parse(&loaded.credentials));
        let config = parse(&loaded.config);
        let credentials = credentials
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (config, credentials)
    });
    Ok(ConfigFiles::from_parsed(config?, credentials?, dialect))
}

/// Runs `then` over the parsed files, after warning on `streams` about every skipped section
/// (with [`Diagnostics::Warn`]). Failing to locate, read or parse a file is a
/// [`Failure::Configuration`].
pub fn with_files<T>(
    machine: &(impl Machine + ?Sized),
    dialect: Dialect,
    diagnostics: Diagnostics,
    streams: &mut Streams<'_>,
    then: impl FnOnce(&Shared<'_>, &mut Streams<'_>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let paths = locate::locate(machine.env(), machine.io().platform, dialect)
        .map_err(Failure::configuration)?;
    let both_at_once = at_once(machine, &paths);
    let loaded = load_files(machine, &paths, both_at_once).map_err(Failure::configuration)?;
    let files = parse_files(&loaded, dialect, both_at_once).map_err(Failure::configuration)?;
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
            not_a_file: loaded.config.not_a_file,
        },
        credentials: FileInfo {
            path: &paths.credentials.path,
            origin: paths.credentials.origin,
            exists: loaded.credentials.contents.is_some(),
            not_a_file: loaded.credentials.not_a_file,
        },
    };
    then(&shared, streams)
}

/// Runs `then` over both files as located and read, before any parsing (what `lint` reads: it
/// reports a file the parser refuses instead of failing on it). Failing to locate or read a
/// file is a [`Failure::Configuration`].
pub fn with_loaded<T, M: Machine + ?Sized>(
    machine: &M,
    dialect: Dialect,
    then: impl FnOnce(&FilePaths, &LoadedFiles<'_, M::SharedFile>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let paths = locate::locate(machine.env(), machine.io().platform, dialect)
        .map_err(Failure::configuration)?;
    let loaded =
        load_files(machine, &paths, at_once(machine, &paths)).map_err(Failure::configuration)?;
    then(&paths, &loaded)
}
