//! The `Fs` adapter over `read_file` and `write_file`.

use credchain_core::io::{Fs, FsError, FsErrorKind};

use super::table::Callbacks;
use super::Broken;

/// The files as read through the callback.
pub(crate) struct CallbackFs<'c> {
    cb: &'c Callbacks,
    broken: &'c Broken,
}

impl<'c> CallbackFs<'c> {
    pub(crate) fn new(cb: &'c Callbacks, broken: &'c Broken) -> Self {
        CallbackFs { cb, broken }
    }
}

impl Fs for CallbackFs<'_> {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        self.cb.read(path).unwrap_or_else(|e| {
            self.broken.set(e);
            Err(FsError {
                kind: FsErrorKind::Other,
                os_code: None,
            })
        })
    }

    /// Also the shared files' writes: `Fs::replace_shared`'s default reads them through
    /// `read_file`, compares, and writes through here (no lock; the header says so).
    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        self.cb.write(path, contents)
    }
}
