//! Private atomic writes (the caches: [`write_private`]) and the temporary files that every
//! atomic write of the host goes through, with the removal of those a killed writer left.

use std::path::{Path, PathBuf};

use super::{fs_error, os_path};
use crate::io::FsError;

/// A temporary file of the host's atomic writes ([`write_private`], [`super::replace_shared`])
/// whose writer still runs is removed by a later write once it is this old (a write takes milliseconds; this covers a process id reused since).
pub const STALE_TEMP_SECS: u64 = 600;

/// The process id in the name of one of the host's temporary files (see `create_temp`),
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

/// Removes from `dir` the temporary files that an atomic write of the host left when its
/// process was killed between creating one and renaming it (each holds a whole cache entry or
/// shared file, credentials and all): those whose writer has exited, and any older than
/// [`STALE_TEMP_SECS`]. Only regular files named as `create_temp` names them are touched;
/// failures are ignored (the write goes on).
pub(super) fn remove_stale_temp_files(dir: &Path) {
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

/// Creates a new temporary file for replacing the file `name` in `dir`, with mode 0600 (no
/// other user can read it at any moment), open for writing; its path and the file. The name,
/// `.<name>.<pid>.<nanoseconds>.tmp`, is the one `remove_stale_temp_files` knows; a name that
/// is taken (another thread of this process in the same nanosecond) is never opened, and the
/// next nanosecond's tried instead.
pub(super) fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut attempt = 0;
    loop {
        let temp = dir.join(std::format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            nanos.wrapping_add(attempt)
        ));
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The directory that holds `target` (`.` for a bare file name).
pub(super) fn parent_dir(target: &Path) -> &Path {
    target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Creates `dir` and any missing parents with mode 0700 (on Unix; the umask may only narrow it).
pub(super) fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes `contents` to `path` atomically with mode 0600: a uniquely named temporary file in the
/// same directory (see `create_temp`), flushed to disk, then renamed over the target. Missing
/// parent directories are created with mode 0700. Readers see the old file or the new one, never
/// a mix. Temporary files that killed writers left in the directory are removed first (see
/// `remove_stale_temp_files`).
pub fn write_private(path: &str, contents: &[u8]) -> Result<(), FsError> {
    use std::io::Write;
    let os = os_path::decode(path);
    let target = Path::new(&os);
    let dir = parent_dir(target);
    create_private_dirs(dir).map_err(|e| fs_error(&e))?;
    remove_stale_temp_files(dir);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (temp, mut file) = create_temp(dir, &name).map_err(|e| fs_error(&e))?;
    let result = (|| {
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
