//! Files: reading the shared files (huge-page memory for large ones) and token files that may
//! be pipes, here; private atomic writes of the caches ([`write_private`], `private.rs`); and
//! replacing the shared config and credentials files, locked against other credchain writers,
//! keeping their mode and owner and writing through symbolic links ([`replace_shared`],
//! `shared.rs`).

use std::vec::Vec;

use super::os_path;
use crate::io::{Fs, FsError, FsErrorKind, Replacement};

mod private;
mod shared;

pub use private::{write_private, STALE_TEMP_SECS};
pub use shared::{replace_shared, SHARED_LOCK_TIMEOUT_MS};

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

    async fn read_at_most(&self, path: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, FsError> {
        read_file_at_most(path, max_bytes as u64)
    }

    async fn read_token(&self, path: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, FsError> {
        read_token_file(path, max_bytes)
    }

    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        write_private(path, contents)
    }

    async fn replace_shared(&self, path: &str, with: Replacement<'_>) -> Result<(), FsError> {
        replace_shared(path, with.expected, with.contents)
    }
}

fn fs_error(e: &std::io::Error) -> FsError {
    let kind = match e.kind() {
        std::io::ErrorKind::PermissionDenied => FsErrorKind::PermissionDenied,
        std::io::ErrorKind::IsADirectory => FsErrorKind::NotAFile,
        _ => FsErrorKind::Other,
    };
    FsError {
        kind,
        os_code: e.raw_os_error(),
    }
}

/// Reads a whole regular file: `Ok(None)` when nothing is there, [`FsErrorKind::NotAFile`]
/// for a directory, FIFO, device or socket (never opened in a way that can block: see
/// `open_file`).
pub fn read_file(path: &str) -> Result<Option<Vec<u8>>, FsError> {
    read_file_at_most(path, MAX_FILE_BYTES)
}

/// [`read_file`] of a file that may hold at most `max_bytes`: a longer one is
/// [`FsErrorKind::TooLarge`], found from its size before anything is read, and never read past
/// `max_bytes + 1` bytes should it grow meanwhile.
pub fn read_file_at_most(path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, FsError> {
    let Some((file, len)) = open_file(path)? else {
        return Ok(None);
    };
    if len > max_bytes {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, max_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| fs_error(&e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    Ok(Some(bytes))
}

fn too_large() -> FsError {
    FsError {
        kind: FsErrorKind::TooLarge,
        os_code: None,
    }
}

fn not_a_file() -> FsError {
    FsError {
        kind: FsErrorKind::NotAFile,
        os_code: None,
    }
}

/// Opens `path` for reading without waiting: with `O_NONBLOCK` on Unix, so that a FIFO opens at
/// once even with no writer (a plain `open(2)` of a FIFO waits for one, for ever). On a regular
/// file the flag changes nothing.
fn open_nonblocking(path: &str) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        #[allow(clippy::cast_possible_wrap)] // O_NONBLOCK is a small positive flag.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(os_path::decode(path))
}

/// How an open that failed reads: `Ok(None)` for nothing there (also a path through a file, as
/// Python's `os.path.isfile` sees it), [`FsErrorKind::NotAFile`] for a socket or a device with
/// no driver (`ENXIO`: `open(2)` cannot open them, `stat(2)` shows they are no regular file).
fn open_failure<T>(e: &std::io::Error) -> Result<Option<T>, FsError> {
    use std::io::ErrorKind;
    if e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::NotADirectory {
        return Ok(None);
    }
    #[cfg(unix)]
    if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) {
        return Err(not_a_file());
    }
    Err(fs_error(e))
}

/// Opens a regular file for reading, with its length: `Ok(None)` when nothing is there,
/// [`FsErrorKind::NotAFile`] for anything else that is there. The open cannot block (see
/// [`open_nonblocking`]); the file kind is checked on the open file, so no rename between a
/// check and the open can slip a FIFO in.
fn open_file(path: &str) -> Result<Option<(std::fs::File, u64)>, FsError> {
    let file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(e) => return open_failure(&e),
    };
    let meta = file.metadata().map_err(|e| fs_error(&e))?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(Some((file, meta.len())))
}

/// How long [`read_token_file`] waits for a pipe's writer to finish.
pub const TOKEN_PIPE_TIMEOUT_MS: u64 = 10_000;

/// Reads a token file (`web_identity_token_file`, `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`) the
/// way botocore reads it, `open(path).read()`, whatever the path names: a regular file, or a
/// pipe, FIFO or character device (`<(get-token)`, `/dev/stdin`), read to its end. At most
/// `max_bytes` are accepted (a longer file is [`FsErrorKind::TooLarge`], read no further than
/// `max_bytes + 1`), and a pipe is read for at most [`TOKEN_PIPE_TIMEOUT_MS`]: botocore would
/// wait for ever on a FIFO with no writer; credchain then reads it as empty, and a writer that
/// has not finished by then is [`FsErrorKind::Other`]. A directory is [`FsErrorKind::NotAFile`].
pub fn read_token_file(path: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, FsError> {
    use std::io::{ErrorKind, Read};
    use std::time::{Duration, Instant};
    let mut file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(e) => return open_failure(&e),
    };
    let meta = file.metadata().map_err(|e| fs_error(&e))?;
    if meta.is_dir() {
        return Err(not_a_file());
    }
    if meta.is_file() {
        return read_file_at_most(path, max_bytes as u64);
    }
    #[cfg(unix)]
    let fifo = std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type());
    #[cfg(not(unix))]
    let fifo = false;
    let deadline = Instant::now() + Duration::from_millis(TOKEN_PIPE_TIMEOUT_MS);
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match file.read(&mut chunk) {
            // A FIFO that no writer has opened yet reads as its end: wait for one.
            Ok(0) if fifo && bytes.is_empty() && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(0) => break,
            Ok(n) => {
                bytes.extend_from_slice(&chunk[..n]);
                if bytes.len() > max_bytes {
                    return Err(too_large());
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(FsError {
                        kind: FsErrorKind::Other,
                        os_code: None,
                    });
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(fs_error(&e)),
        }
    }
    Ok(Some(bytes))
}

/// Files of this many bytes or more are read by [`ConfigFileFs`] into huge-page memory.
pub const HUGE_PAGE_READ_MIN: u64 = 512 << 10;

/// The size of a transparent huge page on x86-64 and (with 4 KiB base pages) AArch64.
const HUGE_PAGE: usize = 2 << 20;

/// The bytes of a file read by [`ConfigFileFs`].
pub enum FileBytes {
    /// On the heap.
    Heap(Vec<u8>),
    /// In anonymous memory advised for transparent huge pages; the first `len` bytes.
    #[cfg(target_os = "linux")]
    Mapped {
        /// The memory.
        map: memmap2::MmapMut,
        /// How much of it the file filled.
        len: usize,
    },
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            FileBytes::Heap(bytes) => bytes,
            #[cfg(target_os = "linux")]
            FileBytes::Mapped { map, len } => &map[..*len],
        }
    }
}

impl core::fmt::Debug for FileBytes {
    // The bytes may be a credentials file: only the size is shown.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "FileBytes({} bytes)", self.as_ref().len())
    }
}

/// The file system for a short-lived process that reads the shared files once (the CLI): like
/// [`StdFs`], except that on Linux a file of [`HUGE_PAGE_READ_MIN`] bytes or more is read into
/// anonymous memory advised for transparent huge pages, in whole 2 MiB pages. Reading a 20 MB
/// pair of files into fresh 4 KiB pages costs some 5,000 page faults, about a third of the
/// whole process; with huge pages it is a few dozen. Where the kernel offers none, the memory
/// is ordinary pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConfigFileFs;

impl Fs for ConfigFileFs {
    type File = FileBytes;

    async fn read(&self, path: &str) -> Result<Option<FileBytes>, FsError> {
        read_file_bytes(path)
    }

    async fn read_at_most(
        &self,
        path: &str,
        max_bytes: usize,
    ) -> Result<Option<FileBytes>, FsError> {
        read_file_at_most(path, max_bytes as u64).map(|b| b.map(FileBytes::Heap))
    }

    async fn read_token(&self, path: &str, max_bytes: usize) -> Result<Option<FileBytes>, FsError> {
        read_token_file(path, max_bytes).map(|b| b.map(FileBytes::Heap))
    }

    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        write_private(path, contents)
    }

    async fn replace_shared(&self, path: &str, with: Replacement<'_>) -> Result<(), FsError> {
        replace_shared(path, with.expected, with.contents)
    }
}

/// [`ConfigFileFs`]'s read.
fn read_file_bytes(path: &str) -> Result<Option<FileBytes>, FsError> {
    #[cfg(target_os = "linux")]
    {
        let Some((mut file, len)) = open_file(path)? else {
            return Ok(None);
        };
        if len >= HUGE_PAGE_READ_MIN {
            if let Some(bytes) = read_into_huge_pages(&mut file, len)? {
                return Ok(Some(bytes));
            }
        }
    }
    // Small, not Linux, or it grew while being read: the heap, from the start.
    read_file(path).map(|b| b.map(FileBytes::Heap))
}

/// Reads `file` (of `len` bytes when opened) into huge-page memory; `None` when the memory
/// cannot be had or the file turns out longer than `len` (the caller then reads it afresh).
#[cfg(target_os = "linux")]
fn read_into_huge_pages(file: &mut std::fs::File, len: u64) -> Result<Option<FileBytes>, FsError> {
    use std::io::Read;
    let Ok(size) = usize::try_from(len) else {
        return Ok(None);
    };
    // Whole huge pages: the kernel backs only an aligned 2 MiB range with one, and zeroing one
    // costs less than faulting in the 4 KiB pages of even a quarter of it.
    let Some(mapped) = size.checked_next_multiple_of(HUGE_PAGE) else {
        return Ok(None);
    };
    let Ok(mut map) = memmap2::MmapMut::map_anon(mapped) else {
        return Ok(None);
    };
    // Advice only: without transparent huge pages the memory is ordinary pages.
    let _ = map.advise(memmap2::Advice::HugePage);
    let mut filled = 0;
    while filled < size {
        match file.read(&mut map[filled..size]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(fs_error(&e)),
        }
    }
    if filled == size {
        let mut probe = [0u8; 1];
        if file.read(&mut probe).map_err(|e| fs_error(&e))? != 0 {
            return Ok(None);
        }
    }
    Ok(Some(FileBytes::Mapped { map, len: filled }))
}
