//! Files: reading the shared files (huge-page memory for large ones), token files that may be
//! pipes, and private atomic writes.

use std::vec::Vec;

use super::os_path;
use crate::io::{Fs, FsError, FsErrorKind};

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

    async fn replace_shared(
        &self,
        path: &str,
        expected: Option<&[u8]>,
        contents: &[u8],
    ) -> Result<(), FsError> {
        replace_shared(path, expected, contents)
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

/// A temporary file of [`write_private`] whose writer still runs is removed by a later write
/// once it is this old (a write takes milliseconds; this covers a process id reused since).
pub const STALE_TEMP_SECS: u64 = 600;

/// The process id in the name of one of [`write_private`]'s temporary files,
/// `.<target>.<pid>.<nanoseconds>.tmp`; `None` for any other name.
fn temp_file_pid(name: &str) -> Option<u32> {
    let stem = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = stem.rsplitn(3, '.');
    let nanos = parts.next()?;
    let pid = parts.next()?;
    let target = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(nanos) || !digits(pid) || target.is_empty() {
        return None;
    }
    pid.parse().ok()
}

/// Whether the process `pid` may still be running (on other systems than Unix: always).
fn may_be_running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        // Permission denied means it runs, as another user.
        !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        )
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes from `dir` the temporary files [`write_private`] left when its process was killed
/// between creating one and renaming it (each holds a whole cache entry, credentials and all):
/// those whose writer has exited, and any older than [`STALE_TEMP_SECS`]. Only regular files
/// named as `write_private` names them are touched; failures are ignored (the write goes on).
fn remove_stale_temp_files(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_file_pid) else {
            continue;
        };
        // The entry itself, not what a symbolic link points at.
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age.as_secs() >= STALE_TEMP_SECS);
        if old || (pid != std::process::id() && !may_be_running(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `contents` to `path` atomically with mode 0600: a uniquely named temporary file in the
/// same directory (`.<name>.<pid>.<nanoseconds>.tmp`, created with mode 0600, so that no other
/// user can read it at any moment), flushed to disk, then renamed over the target. Missing
/// parent directories are created with mode 0700. Readers see the old file or the new one, never
/// a mix. Temporary files that killed writers left in the directory are removed first (see
/// `remove_stale_temp_files`).
pub fn write_private(path: &str, contents: &[u8]) -> Result<(), FsError> {
    use std::io::Write;
    let os = os_path::decode(path);
    let target = std::path::Path::new(&os);
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| fs_error(&e))?;
    remove_stale_temp_files(dir);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(std::format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&temp, target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(fs_error(&e));
    }
    Ok(())
}

/// Replaces the shared file at `path` with `contents` if it still holds `expected` (see
/// [`Fs::replace_shared`]).
pub fn replace_shared(path: &str, expected: Option<&[u8]>, contents: &[u8]) -> Result<(), FsError> {
    let current = read_file(path)?;
    if current.as_deref() != expected {
        return Err(FsError {
            kind: FsErrorKind::Changed,
            os_code: None,
        });
    }
    write_private(path, contents)
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

    async fn replace_shared(
        &self,
        path: &str,
        expected: Option<&[u8]>,
        contents: &[u8],
    ) -> Result<(), FsError> {
        replace_shared(path, expected, contents)
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
