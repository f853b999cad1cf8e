//! Replacing the shared config and credentials files ([`replace_shared`]), which the user owns
//! and edits by hand, other programs read, and other credchain processes may write at the same
//! moment. Unlike the caches ([`super::write_private`]), such a file keeps its mode and owner, is
//! written through a symbolic link to it, and is replaced only if it still holds what the
//! caller read.
//!
//! On Unix a replacement goes:
//! 1. follow the symbolic links from the path to the file itself (created if missing: mode
//!    0600, missing directories 0700);
//! 2. lock that file's directory (`flock(2)` on the directory, opened read-only), so that one
//!    credchain writer at a time replaces a file there; another waits up to
//!    [`SHARED_LOCK_TIMEOUT_MS`], then gives up. The lock is on the directory itself, so nothing
//!    is left in it, and it goes when the process does, killed or not;
//! 3. open the file for writing (a file the user made read-only is refused as the AWS CLI
//!    refuses it) and compare it with what the caller read: [`FsErrorKind::Changed`] if it
//!    differs;
//! 4. write a temporary file beside it (`.<name>.<pid>.<nanoseconds>.tmp`, created 0600), given
//!    the file's owner and group and then its mode (an owner that cannot be given fails the
//!    write: the file is never handed to another owner), flushed to disk;
//! 5. if the file is still the one compared, rename the temporary file over it (a new file:
//!    only if none has appeared meanwhile), and flush the directory.
//!
//! Any failure removes the temporary file and leaves the old file as it was; a writer killed
//! midway leaves its temporary file, which the next write in that directory removes.

use crate::io::{FsError, FsErrorKind};

/// How long [`replace_shared`] waits for another credchain process that is replacing a file in
/// the same directory (a replacement takes milliseconds) before it gives up.
pub const SHARED_LOCK_TIMEOUT_MS: u64 = 10_000;

/// The most symbolic links followed from the path given to the file replaced (Linux's limit).
#[cfg(unix)]
const LINKS_FOLLOWED: usize = 40;

/// Replaces the shared file at `path` with `contents` if it still holds `expected` (`None`: no
/// file there), as [`crate::io::Fs::replace_shared`] asks; see the module documentation for
/// how. Contents equal to the file's leave it untouched.
///
/// # Errors
/// [`FsErrorKind::Changed`] when the file no longer holds `expected`; [`FsErrorKind::NotAFile`]
/// for a directory, FIFO or device; [`FsErrorKind::PermissionDenied`] when the file or its
/// directory may not be written or the file's owner cannot be kept; [`FsErrorKind::Other`] for
/// any other failure, with the system's error number (`EFBIG` or `ENOSPC` when the disk or a
/// limit is full); [`FsErrorKind::Busy`] when another writer held the directory for
/// [`SHARED_LOCK_TIMEOUT_MS`]. The old file is then as it was.
pub fn replace_shared(path: &str, expected: Option<&[u8]>, contents: &[u8]) -> Result<(), FsError> {
    #[cfg(unix)]
    {
        let lock_wait = std::time::Duration::from_millis(SHARED_LOCK_TIMEOUT_MS);
        unix::replace(path, expected, contents, lock_wait)
    }
    #[cfg(not(unix))]
    {
        // Windows and the rest: no directory lock, owner or Unix mode to keep. The comparison
        // still catches an edit made before it (not one in the moment between it and the
        // rename), and write_private's rename keeps the old file whole on any failure; a
        // symbolic link at `path` is replaced rather than written through.
        if super::read_file(path)?.as_deref() != expected {
            return Err(changed());
        }
        super::write_private(path, contents)
    }
}

fn changed() -> FsError {
    FsError {
        kind: FsErrorKind::Changed,
        os_code: None,
    }
}

#[cfg(unix)]
mod unix {
    use std::fs::{File, Metadata, OpenOptions};
    use std::io::{Read, Write};
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};
    use std::vec::Vec;

    use rustix::io::Errno;

    use super::*;
    use crate::host::fs::private::{
        create_private_dirs, create_temp, parent_dir, remove_stale_temp_files,
    };
    use crate::host::fs::{fs_error, os_path, MAX_FILE_BYTES};

    /// [`replace_shared`], waiting at most `lock_wait` for the lock.
    pub(in crate::host::fs) fn replace(
        path: &str,
        expected: Option<&[u8]>,
        contents: &[u8],
        lock_wait: Duration,
    ) -> Result<(), FsError> {
        let os = os_path::decode(path);
        let target = resolve_links(Path::new(&os))?;
        let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return Err(not_a_file());
        };
        let dir = parent_dir(&target);
        let dir_file = match open_dir(dir) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && expected.is_none() => {
                create_private_dirs(dir).map_err(|e| fs_error(&e))?;
                open_dir(dir).map_err(|e| fs_error(&e))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(changed()),
            Err(e) => return Err(fs_error(&e)),
        };
        // Held until `dir_file` is closed, at the end of this function.
        lock(&dir_file, lock_wait)?;
        let current = open_current(&target)?;
        let current_bytes = match &current {
            Some((file, meta)) => Some(read_whole(file, meta)?),
            None => None,
        };
        if current_bytes.as_deref() != expected {
            return Err(changed());
        }
        // Temporary files of writers killed midway, here as they are for the caches (the lock
        // does not cover `write_private`, so the same rule: dead writer or 10 minutes old).
        remove_stale_temp_files(dir);
        if current_bytes.as_deref() == Some(contents) {
            return Ok(());
        }
        let current_meta = current.map(|(_, meta)| meta);
        let (temp, file) = create_temp(dir, &name).map_err(|e| fs_error(&e))?;
        let result = fill_temp(file, current_meta.as_ref(), contents)
            .and_then(|()| put_in_place(&temp, &target, current_meta.as_ref()));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        // The rename is the replacement; flushing the directory makes it last through a power
        // cut. Should the flush fail, the file is replaced already and nothing can be undone,
        // so the write stands.
        let _ = dir_file.sync_all();
        Ok(())
    }

    /// The file that `path` names once the symbolic links to it are followed: a link's target is
    /// written, the link kept, as the AWS CLI (which opens the path for writing) does. A link to
    /// nothing names the file to create. Directories on the way are left to the system.
    fn resolve_links(path: &Path) -> Result<PathBuf, FsError> {
        let mut current = path.to_path_buf();
        for _ in 0..LINKS_FOLLOWED {
            match std::fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    let link = std::fs::read_link(&current).map_err(|e| fs_error(&e))?;
                    // A relative link is relative to the link's directory; joining an absolute
                    // one replaces the whole path.
                    current = match current.parent() {
                        Some(dir) => dir.join(link),
                        None => link,
                    };
                }
                Ok(_) => return Ok(current),
                Err(e)
                    if e.kind() == std::io::ErrorKind::NotFound
                        || e.kind() == std::io::ErrorKind::NotADirectory =>
                {
                    return Ok(current)
                }
                Err(e) => return Err(fs_error(&e)),
            }
        }
        Err(fs_error(&std::io::Error::from(Errno::LOOP)))
    }

    fn not_a_file() -> FsError {
        FsError {
            kind: FsErrorKind::NotAFile,
            os_code: None,
        }
    }

    /// Opens a directory read-only; `O_DIRECTORY`, so that anything else (a FIFO that would
    /// block the open) is refused at once.
    fn open_dir(dir: &Path) -> std::io::Result<File> {
        #[allow(clippy::cast_possible_wrap)] // O_DIRECTORY is a small positive flag.
        let flags = rustix::fs::OFlags::DIRECTORY.bits() as i32;
        OpenOptions::new().read(true).custom_flags(flags).open(dir)
    }

    /// Takes the exclusive `flock(2)` lock on `dir`, waiting up to `wait` for a writer that
    /// holds it.
    fn lock(dir: &File, wait: Duration) -> Result<(), FsError> {
        use rustix::fs::{flock, FlockOperation};
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(1);
        loop {
            match flock(dir, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => return Ok(()),
                Err(Errno::WOULDBLOCK) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(FsError {
                            kind: FsErrorKind::Busy,
                            os_code: Some(Errno::WOULDBLOCK.raw_os_error()),
                        });
                    }
                    std::thread::sleep(pause.min(deadline - now));
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err(Errno::INTR) => {}
                // A file system without locks (some network ones): the write goes on unlocked.
                // The comparison and the check before the rename still catch another writer's
                // change, except one made in the moment between that check and the rename.
                Err(_) => return Ok(()),
            }
        }
    }

    /// Opens the file to replace for reading and writing, with its metadata; `None` when
    /// there is none. Opening it for writing is how a file the user made read-only (or the
    /// system made immutable) is refused, as the AWS CLI's `open(path, 'w')` is; the file is
    /// neither truncated nor changed. `O_NONBLOCK`: a FIFO opens at once (and is refused).
    fn open_current(target: &Path) -> Result<Option<(File, Metadata)>, FsError> {
        #[allow(clippy::cast_possible_wrap)] // O_NONBLOCK is a small positive flag.
        let flags = rustix::fs::OFlags::NONBLOCK.bits() as i32;
        let file = match OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(flags)
            .open(target)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            // A socket, or a device with no driver.
            Err(e) if e.raw_os_error() == Some(Errno::NXIO.raw_os_error()) => {
                return Err(not_a_file())
            }
            Err(e) => return Err(fs_error(&e)),
        };
        let meta = file.metadata().map_err(|e| fs_error(&e))?;
        if !meta.is_file() {
            return Err(not_a_file());
        }
        Ok(Some((file, meta)))
    }

    /// The whole of `file`, of at most [`MAX_FILE_BYTES`].
    fn read_whole(mut file: &File, meta: &Metadata) -> Result<Vec<u8>, FsError> {
        let too_large = FsError {
            kind: FsErrorKind::TooLarge,
            os_code: None,
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(too_large);
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        (&mut file)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fs_error(&e))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large);
        }
        Ok(bytes)
    }

    /// Gives the temporary file the owner, group and mode of the file it replaces (`current`;
    /// a new file keeps the temporary file's 0600), then writes `contents` and flushes it. The
    /// owner goes first: changing it clears the set-user-ID and set-group-ID bits.
    fn fill_temp(
        mut file: File,
        current: Option<&Metadata>,
        contents: &[u8],
    ) -> Result<(), FsError> {
        if let Some(current) = current {
            let temp = file.metadata().map_err(|e| fs_error(&e))?;
            if (temp.uid(), temp.gid()) != (current.uid(), current.gid()) {
                std::os::unix::fs::fchown(&file, Some(current.uid()), Some(current.gid()))
                    .map_err(|e| fs_error(&e))?;
            }
            file.set_permissions(std::fs::Permissions::from_mode(current.mode() & 0o7777))
                .map_err(|e| fs_error(&e))?;
        }
        file.write_all(contents).map_err(|e| fs_error(&e))?;
        file.sync_all().map_err(|e| fs_error(&e))
    }

    /// Whether two looks at a file saw the same file, unchanged: the same inode, size and
    /// modification and change times. A writer that rewrites it in place (the AWS CLI) changes
    /// the times; one that renames another file over it changes the inode.
    fn same_file(a: &Metadata, b: &Metadata) -> bool {
        let identity = |m: &Metadata| {
            (
                m.dev(),
                m.ino(),
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec(),
            )
        };
        identity(a) == identity(b)
    }

    /// Renames `temp` over `target` if `target` is still the file compared (`current`; `None`:
    /// still no file). Another credchain writer cannot get in between (the lock); this catches
    /// a program that does not take it, such as the AWS CLI or an editor, that wrote the file
    /// while the temporary file was written.
    fn put_in_place(temp: &Path, target: &Path, current: Option<&Metadata>) -> Result<(), FsError> {
        match (std::fs::symlink_metadata(target), current) {
            (Ok(now), Some(then)) if same_file(&now, then) => {}
            (Err(e), None) if e.kind() == std::io::ErrorKind::NotFound => {
                return rename_new(temp, target)
            }
            (Err(e), Some(_)) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(fs_error(&e))
            }
            _ => return Err(changed()),
        }
        std::fs::rename(temp, target).map_err(|e| fs_error(&e))
    }

    /// Renames `temp` to `target`, where there was no file: on Linux only if there still is
    /// none (`RENAME_NOREPLACE`; a file that appeared is [`FsErrorKind::Changed`]). Where the
    /// system or file system has no such rename, a plain one.
    fn rename_new(temp: &Path, target: &Path) -> Result<(), FsError> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::fs::{renameat_with, RenameFlags, CWD};
            match renameat_with(CWD, temp, CWD, target, RenameFlags::NOREPLACE) {
                Ok(()) => return Ok(()),
                Err(Errno::EXIST) => return Err(changed()),
                Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => {}
                Err(e) => return Err(fs_error(&std::io::Error::from(e))),
            }
        }
        std::fs::rename(temp, target).map_err(|e| fs_error(&e))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::unix::replace;
    use crate::io::FsErrorKind;
    use std::time::{Duration, Instant};

    /// A fresh directory under the system's temporary directory, removed by the caller.
    fn temp_dir(tag: &str) -> std::path::PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(std::format!(
            "credchain-shared-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    /// A fresh directory holding `config` (`[default]\n`), and the directory's lock, held.
    fn locked_config(tag: &str) -> (std::path::PathBuf, std::path::PathBuf, std::fs::File) {
        let dir = temp_dir(tag);
        let path = dir.join("config");
        std::fs::write(&path, "[default]\n").unwrap();
        let lock = std::fs::File::open(&dir).unwrap();
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
        (dir, path, lock)
    }

    /// Replaces the `[default]\n` at `path` with a region, waiting at most `wait` for the lock.
    fn add_region(path: &std::path::Path, wait: Duration) -> Result<(), crate::io::FsError> {
        replace(
            path.to_str().unwrap(),
            Some(b"[default]\n"),
            b"[default]\nregion = x\n",
            wait,
        )
    }

    #[test]
    fn a_writer_gives_up_on_a_lock_held_too_long_and_leaves_the_file() {
        let (dir, path, _held) = locked_config("held");
        let start = Instant::now();
        let err = add_region(&path, Duration::from_millis(150)).unwrap_err();
        let waited = start.elapsed();
        assert_eq!(err.kind, FsErrorKind::Busy);
        assert_eq!(
            err.os_code,
            Some(rustix::io::Errno::WOULDBLOCK.raw_os_error())
        );
        assert!(waited >= Duration::from_millis(150), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
        assert_eq!(std::fs::read(&path).unwrap(), b"[default]\n");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_writer_waits_for_the_lock_and_then_writes() {
        let (dir, path, held) = locked_config("wait");
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            drop(held);
        });
        let start = Instant::now();
        add_region(&path, Duration::from_secs(5)).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(150));
        release.join().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"[default]\nregion = x\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
