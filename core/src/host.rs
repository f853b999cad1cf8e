//! Host I/O for real machines (the `std` feature), shared by the CLI and the C library.

use std::boxed::Box;
use std::string::String;
use std::vec::Vec;

use crate::io::{Clock, Env, Fs, FsError, FsErrorKind};

/// The variables that name files or directories. On Unix a path is any bytes: these keep bytes
/// that are not UTF-8 through [`os_path`], and the AWS CLI reads the file they name.
pub const PATH_VARIABLES: &[&str] = &[
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "HOME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_LOGIN_CACHE_DIRECTORY",
    "AWS_CA_BUNDLE",
];

/// Paths that are not UTF-8, carried through the core (which reads text).
///
/// On Unix a path may hold any bytes but NUL, and Python keeps such bytes (surrogateescape), so
/// the AWS CLI reads a file whose name is not UTF-8. The core's paths are `&str`: each byte
/// that is not part of valid UTF-8 (always 0x80 to 0xFF) travels as one character of the last
/// private-use block, U+10FF80 to U+10FFFF, and the std hosts turn those back into the bytes
/// just before a system call ([`decode`](os_path::decode)); messages show them as `\xNN`. A
/// path that holds such a character as text is refused (the variable is unreadable), so no path
/// is taken for another.
pub mod os_path {
    use std::borrow::Cow;
    use std::ffi::{OsStr, OsString};
    use std::string::String;

    /// The first of the characters that stand for bytes: U+10FF80 is byte 0x80.
    const FIRST: u32 = 0x10_FF80;

    /// The byte a character stands for, if it stands for one.
    #[must_use]
    pub fn byte_of(c: char) -> Option<u8> {
        let c = u32::from(c);
        (c >= FIRST).then(|| u8::try_from(c - FIRST + 0x80).unwrap_or(u8::MAX))
    }

    /// `path` as text, bytes that are not UTF-8 standing as characters; `None` for a path that
    /// cannot be carried (it holds such characters already, or, off Unix, is not UTF-8).
    #[must_use]
    pub fn encode(path: OsString) -> Option<String> {
        let text = match path.into_string() {
            Ok(text) => text,
            #[cfg(unix)]
            Err(path) => {
                use std::os::unix::ffi::OsStrExt;
                let mut text = String::new();
                for chunk in path.as_bytes().utf8_chunks() {
                    if chunk.valid().chars().any(|c| byte_of(c).is_some()) {
                        return None;
                    }
                    text.push_str(chunk.valid());
                    for &b in chunk.invalid() {
                        text.push(char::from_u32(FIRST + u32::from(b) - 0x80)?);
                    }
                }
                return Some(text);
            }
            #[cfg(not(unix))]
            Err(_) => return None,
        };
        (!text.chars().any(|c| byte_of(c).is_some())).then_some(text)
    }

    /// The path the system is given for `path`: its bytes back where [`encode`] stood them as
    /// characters.
    #[must_use]
    pub fn decode(path: &str) -> Cow<'_, OsStr> {
        if !path.chars().any(|c| byte_of(c).is_some()) {
            return Cow::Borrowed(OsStr::new(path));
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let mut bytes = std::vec::Vec::with_capacity(path.len());
            for c in path.chars() {
                match byte_of(c) {
                    Some(b) => bytes.push(b),
                    None => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                }
            }
            Cow::Owned(OsString::from_vec(bytes))
        }
        #[cfg(not(unix))]
        Cow::Borrowed(OsStr::new(path))
    }
}

/// The process environment, captured once (reads never change under the core's feet).
#[derive(Debug, Clone, Default)]
pub struct StdEnv {
    vars: Vec<(String, String)>,
    /// Variables set to a value that is not UTF-8 (their names).
    unreadable: Vec<String>,
}

/// A variable the core reads is set to a value that is not UTF-8 text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableVariable {
    /// The variable.
    pub name: String,
}

impl core::fmt::Display for UnreadableVariable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if cfg!(unix) && PATH_VARIABLES.contains(&self.name.as_str()) {
            // On Unix any bytes are carried: only the characters that stand for bytes are not.
            return write!(
                f,
                "the environment variable {} names a path holding a character from U+10FF80 to \
                 U+10FFFF, which credchain uses to carry the bytes of paths that are not UTF-8; \
                 rename the file or directory, or unset the variable",
                self.name
            );
        }
        write!(
            f,
            "the environment variable {} is set to a value that is not UTF-8 text, which \
             credchain cannot read (treating it as unset would use another profile or file); set \
             it to UTF-8 text or unset it",
            self.name
        )
    }
}

impl StdEnv {
    /// Captures the current process environment. A variable whose value is not UTF-8 is kept
    /// aside by name, for [`StdEnv::check`]. When `HOME` is unset on Unix, it is taken from the
    /// user database, as the AWS CLI's Python does when it expands `~`.
    #[must_use]
    pub fn new() -> Self {
        let mut unreadable = Vec::new();
        let mut vars: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| {
                let k = k.into_string().ok()?;
                let text = if PATH_VARIABLES.contains(&k.as_str()) {
                    os_path::encode(v)
                } else {
                    v.into_string().ok()
                };
                match text {
                    Some(v) => Some((k, v)),
                    None => {
                        unreadable.push(k);
                        None
                    }
                }
            })
            .collect();
        if cfg!(unix) && !vars.iter().any(|(k, _)| k == "HOME") {
            #[allow(deprecated)]
            // Deprecated for its Windows behaviour; on Unix it reads getpwuid_r.
            let home = std::env::home_dir().and_then(|h| os_path::encode(h.into_os_string()));
            if let Some(home) = home {
                vars.push(("HOME".into(), home));
            }
        }
        StdEnv { vars, unreadable }
    }

    /// An environment from pairs, with `unreadable` naming variables set to values that are not
    /// UTF-8 (for tests of hosts).
    #[must_use]
    pub fn from_parts(vars: Vec<(String, String)>, unreadable: Vec<String>) -> Self {
        StdEnv { vars, unreadable }
    }

    /// Fails on the first variable the core reads ([`crate::io::VARIABLES_READ`]) whose value
    /// is not UTF-8: the AWS CLI would use such a value (Python keeps its bytes), so reading it
    /// as unset would give another profile's credentials or another file's settings. Hosts call
    /// it once, before any lookup.
    ///
    /// # Errors
    /// [`UnreadableVariable`] naming the variable.
    pub fn check(&self) -> Result<(), UnreadableVariable> {
        match self
            .unreadable
            .iter()
            .find(|name| crate::io::VARIABLES_READ.contains(&name.as_str()))
        {
            Some(name) => Err(UnreadableVariable { name: name.clone() }),
            None => Ok(()),
        }
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

    async fn read_at_most(&self, path: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, FsError> {
        read_file_at_most(path, max_bytes as u64)
    }

    async fn read_token(&self, path: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, FsError> {
        read_token_file(path, max_bytes)
    }

    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        write_private(path, contents)
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

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    fn now_millis(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }

    /// Blocks the calling thread (the std hosts are synchronous).
    async fn sleep_ms(&self, ms: u32) {
        std::thread::sleep(std::time::Duration::from_millis(u64::from(ms)));
    }

    /// [`random_u32`]: jitter needs no cryptographic randomness.
    fn random_u32(&self) -> u32 {
        random_u32()
    }
}

/// A random number from the standard library's randomly keyed SipHash (`RandomState`, whose
/// keys come from the operating system once per thread and then advance), mixed with the time
/// and a counter. It is for the retries' jitter only; no dependency is needed for that.
#[must_use]
pub fn random_u32() -> u32 {
    use std::hash::{BuildHasher, Hash, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    COUNTER.fetch_add(1, Ordering::Relaxed).hash(&mut hasher);
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
        .hash(&mut hasher);
    let h = hasher.finish();
    // Both halves: truncation is the point.
    #[allow(clippy::cast_possible_truncation)]
    let folded = (h ^ (h >> 32)) as u32;
    folded
}

#[cfg(feature = "ureq")]
pub use http::UreqHttp;

#[cfg(feature = "ureq")]
mod http {
    use std::time::Duration;
    use std::vec::Vec;

    use crate::io::{Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse};

    /// HTTP(S) over ureq: one request per call, the request's timeout over the whole exchange,
    /// no redirects, the body capped at the request's limit. No proxies are read from the
    /// environment, so a test endpoint on 127.0.0.1 is reached directly.
    #[derive(Debug, Clone)]
    pub struct UreqHttp {
        _private: (),
    }

    impl UreqHttp {
        /// A client.
        #[must_use]
        pub fn new() -> Self {
            UreqHttp { _private: () }
        }
    }

    impl Default for UreqHttp {
        fn default() -> Self {
            Self::new()
        }
    }

    fn kind_of(e: &ureq::Error) -> HttpErrorKind {
        match e {
            // A connection that never completed is told apart from an answer that never came:
            // the instance metadata provider gives up on an unreachable service at once.
            ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
                HttpErrorKind::Connect
            }
            ureq::Error::Timeout(_) => HttpErrorKind::Timeout,
            ureq::Error::BodyExceedsLimit(_) => HttpErrorKind::TooLarge,
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => HttpErrorKind::InvalidUrl,
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound | ureq::Error::Tls(_) => {
                HttpErrorKind::Connect
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                HttpErrorKind::Timeout
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                HttpErrorKind::Connect
            }
            _ => HttpErrorKind::Other,
        }
    }

    impl Http for UreqHttp {
        type Body = Vec<u8>;

        async fn send(
            &self,
            request: &HttpRequest<'_>,
        ) -> Result<HttpResponse<Vec<u8>>, HttpError> {
            let fail = |e: ureq::Error| HttpError { kind: kind_of(&e) };
            let budget = Duration::from_millis(u64::from(request.timeout_ms));
            let agent = ureq::Agent::config_builder()
                .timeout_global(Some(budget))
                // A tenth short of the whole budget, so that a connection that never completes is
                // reported as such: ureq names the earliest deadline, and the connect phase starts
                // some milliseconds into the budget (more on a loaded machine).
                .timeout_connect(Some(
                    budget.saturating_sub((budget / 10).max(Duration::from_millis(1))),
                ))
                .http_status_as_error(false)
                .max_redirects(0)
                .proxy(None)
                .build()
                .new_agent();
            let mut builder = ureq::http::Request::builder()
                .method(request.method)
                .uri(request.url);
            for (name, value) in request.headers {
                builder = builder.header(*name, *value);
            }
            let built = builder.body(request.body.to_vec()).map_err(|_| HttpError {
                kind: HttpErrorKind::InvalidUrl,
            })?;
            let mut response = agent.run(built).map_err(fail)?;
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| heapless::String::try_from(v).ok());
            // A body announced as over the limit is refused before any of it is read: a
            // server that announces a gigabyte and then stalls would otherwise hold the exchange
            // until the timeout.
            if response
                .body()
                .content_length()
                .is_some_and(|length| length > request.max_body_bytes as u64)
            {
                return Err(HttpError {
                    kind: HttpErrorKind::TooLarge,
                });
            }
            let body = response
                .body_mut()
                .with_config()
                .limit(request.max_body_bytes as u64)
                .read_to_vec()
                .map_err(fail)?;
            Ok(HttpResponse {
                status,
                content_type,
                body,
            })
        }
    }
}

/// Runs programs with `std::process` (no shell), each in a process group of its own on Unix,
/// killing the group at the timeout or when an output stream passes the limit. The timeout
/// bounds the whole exchange: the helper's exit and the end of both its output streams. A
/// helper that exits but leaves a background child holding its stdout or stderr open has not
/// finished until that child closes them or the deadline passes; then the group is killed.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdCommand;

impl crate::io::Command for StdCommand {
    type Output = Vec<u8>;

    async fn run(
        &self,
        argv: &[&str],
        timeout_ms: u32,
        max_output_bytes: usize,
    ) -> Result<crate::io::CommandOutput<Vec<u8>>, crate::io::CommandError> {
        run_command(argv, timeout_ms, max_output_bytes)
    }
}

/// Kills `child` and, on Unix, every process left in its process group (it leads one of its
/// own: see [`run_command`]), then reaps it. A descendant that left the group (`setsid`) is
/// beyond reach; the drains of its output are then abandoned, not waited for.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = rustix::process::kill_process_group(
            rustix::process::Pid::from_child(child),
            rustix::process::Signal::KILL,
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// See [`StdCommand`].
pub fn run_command(
    argv: &[&str],
    timeout_ms: u32,
    max_output_bytes: usize,
) -> Result<crate::io::CommandOutput<Vec<u8>>, crate::io::CommandError> {
    use crate::io::{CommandError, CommandErrorKind, CommandOutput};
    use std::io::Read;
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let fail = |kind| CommandError {
        kind,
        os_code: None,
    };
    let (program, args) = argv.split_first().ok_or(fail(CommandErrorKind::NotFound))?;
    let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // A group of its own, so that the helper's children can be killed with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => CommandErrorKind::NotFound,
            std::io::ErrorKind::PermissionDenied => CommandErrorKind::PermissionDenied,
            _ => CommandErrorKind::Other,
        };
        CommandError {
            kind,
            os_code: e.raw_os_error(),
        }
    })?;
    // Each stream is drained on its own thread so that neither pipe can fill and block the
    // child. A drain sends its bytes when its stream ends or passes the limit; one that never
    // ends (a process outside the group holds the pipe) is left behind at the deadline.
    let limit = max_output_bytes as u64;
    let (sender, received) = mpsc::channel::<(bool, Vec<u8>)>();
    let drain = |is_stdout: bool, stream: Option<Box<dyn Read + Send>>| {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(stream) = stream {
                let _ = stream.take(limit + 1).read_to_end(&mut buf);
            }
            let _ = sender.send((is_stdout, buf));
        });
    };
    drain(
        true,
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    drain(
        false,
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    drop(sender);
    let (mut stdout, mut stderr) = (None, None);
    let mut status = None;
    while status.is_none() || stdout.is_none() || stderr.is_none() {
        if status.is_none() {
            match child.try_wait() {
                Ok(done) => status = done,
                Err(e) => {
                    kill_group(&mut child);
                    return Err(CommandError {
                        kind: CommandErrorKind::Other,
                        os_code: e.raw_os_error(),
                    });
                }
            }
        }
        match received.recv_timeout(Duration::from_millis(2)) {
            Ok((is_stdout, bytes)) => {
                if bytes.len() > max_output_bytes {
                    kill_group(&mut child);
                    return Err(fail(CommandErrorKind::TooLarge));
                }
                *(if is_stdout { &mut stdout } else { &mut stderr }) = Some(bytes);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Both drains have sent: nothing more will come.
            Err(mpsc::RecvTimeoutError::Disconnected) if status.is_none() => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if Instant::now() >= deadline && (status.is_none() || stdout.is_none() || stderr.is_none())
        {
            kill_group(&mut child);
            return Err(fail(CommandErrorKind::Timeout));
        }
    }
    let Some(status) = status else {
        return Err(fail(CommandErrorKind::Other));
    };
    Ok(CommandOutput {
        status: status.code(),
        stdout: stdout.unwrap_or_default(),
        stderr: stderr.unwrap_or_default(),
    })
}

/// The most [`TerminalPrompt`] reads of one answer, in bytes (an MFA code is at most 64
/// characters; this leaves room to say that a longer one is too long).
pub const MAX_PROMPT_ANSWER_BYTES: u64 = 1024;

/// Asks on the terminal: the question on standard error, the answer from standard input. Like
/// Python's `getpass` (which the AWS CLI uses for MFA codes), it reads a piped standard input
/// when there is no terminal; end of input is [`crate::io::PromptError::Cancelled`]. At most
/// [`MAX_PROMPT_ANSWER_BYTES`] are read: a line that runs past them (`< /dev/zero`) is
/// [`crate::io::PromptError::TooLong`], where Python would read until memory runs out.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalPrompt;

impl crate::io::Prompt for TerminalPrompt {
    type Answer = String;

    async fn ask(&self, question: &str) -> Result<String, crate::io::PromptError> {
        use std::io::{BufRead, Write};
        let mut err = std::io::stderr();
        let _ = write!(err, "{question}");
        let _ = err.flush();
        let mut line = Vec::new();
        let read = std::io::Read::take(std::io::stdin().lock(), MAX_PROMPT_ANSWER_BYTES)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) | Err(_) => Err(crate::io::PromptError::Cancelled),
            Ok(_) if !line.ends_with(b"\n") && line.len() as u64 >= MAX_PROMPT_ANSWER_BYTES => {
                Err(crate::io::PromptError::TooLong)
            }
            Ok(_) => String::from_utf8(line)
                .map(|l| l.trim_end_matches(['\n', '\r']).into())
                .map_err(|_| crate::io::PromptError::Cancelled),
        }
    }
}
