//! Host I/O for real machines (the `std` feature), shared by the CLI and the C library.

use std::string::String;
use std::vec::Vec;

use crate::io::{Clock, Env, Fs, FsError, FsErrorKind};

/// The process environment, captured once (reads never change under the core's feet).
#[derive(Debug, Clone, Default)]
pub struct StdEnv {
    vars: Vec<(String, String)>,
}

impl StdEnv {
    /// Captures the current process environment. Variables whose name or value is not UTF-8
    /// are left out.
    #[must_use]
    pub fn new() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        StdEnv { vars }
    }
}

impl Env for StdEnv {
    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The largest file the host reads (the shared files are a few kilobytes in practice).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// `std::fs`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdFs;

impl Fs for StdFs {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        read_file(path)
    }
}

/// Reads a whole file: `Ok(None)` when nothing is there.
pub fn read_file(path: &str) -> Result<Option<Vec<u8>>, FsError> {
    use std::io::ErrorKind;
    let fail = |e: std::io::Error| {
        let kind = match e.kind() {
            ErrorKind::PermissionDenied => FsErrorKind::PermissionDenied,
            ErrorKind::IsADirectory => FsErrorKind::NotAFile,
            _ => FsErrorKind::Other,
        };
        FsError {
            kind,
            os_code: e.raw_os_error(),
        }
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::NotADirectory => {
            return Ok(None)
        }
        Err(e) => return Err(fail(e)),
    };
    if !meta.is_file() {
        return Err(FsError {
            kind: FsErrorKind::NotAFile,
            os_code: None,
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(FsError {
            kind: FsErrorKind::TooLarge,
            os_code: None,
        });
    }
    std::fs::read(path).map(Some).map_err(fail)
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}
