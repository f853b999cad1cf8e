//! The std host's replacement of the shared config and credentials files (`replace_shared`, and
//! `config::store::store` over `StdFs`): an existing file keeps its mode and owner, a new one is
//! 0600 in 0700 directories, a symbolic link is written through, a file that changed since it
//! was read is left alone, and no failure (a full disk, a denied permission, a kill at any
//! moment) loses the old file or leaves a temporary file behind for good. Writers in parallel,
//! processes and threads, all land their edits.
//!
//! The failures are made in child processes: this test binary run again with `child_writer`
//! (ignored in a normal run) and `SHARED_WRITES_CHILD` naming what it does. A denied permission
//! needs a writer that is not root (the sandbox and CI run as root, and root passes every mode
//! check): as root the child runs as `nobody` (65534) through `setpriv` (util-linux); a full
//! disk is a file size limit (`prlimit --fsize`, util-linux) with `SIGXFSZ` ignored, so that the
//! write fails with `EFBIG`. A missing tool fails the test.

#![cfg(all(feature = "std", unix))]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use credchain_core::config::store::store;
use credchain_core::config::write::{Change, Edit};
use credchain_core::host::{replace_shared, StdFs};
use credchain_core::io::{block_on, FsErrorKind};
use credchain_test_support::random::Rng;
use credchain_test_support::temp_home::TempHome;

/// What the child process does (see `child_writer`).
const CHILD: &str = "SHARED_WRITES_CHILD";
/// The file the child writes.
const CHILD_PATH: &str = "SHARED_WRITES_PATH";
/// The child's number, for the keys it stores.
const CHILD_ID: &str = "SHARED_WRITES_ID";
/// The child prints its outcome on a line starting with this.
const OUTCOME: &str = "outcome: ";

/// Keys each parallel writer stores, one store each.
const KEYS_PER_WRITER: usize = 8;

/// The child process of the other tests, run by them (see the file's documentation).
#[test]
#[ignore = "the writer process of the other tests of this file, which run it"]
fn child_writer() {
    let mode = std::env::var(CHILD).expect("run by the other tests of this file, not alone");
    let path = std::env::var(CHILD_PATH).unwrap();
    match mode.as_str() {
        // Replaces the file, as read, with 2 MiB.
        "replace" => {
            let current = std::fs::read(&path).ok();
            let result = replace_shared(&path, current.as_deref(), &new_text(2 << 20));
            println!("{OUTCOME}{}", describe(result));
        }
        // Replaces the file with the other of the two big texts, over and over, until killed.
        "flip" => {
            let (a, b) = (big_text(b'a'), big_text(b'b'));
            loop {
                let current = std::fs::read(&path).unwrap();
                let next = if current == a { &b } else { &a };
                replace_shared(&path, Some(&current), next).unwrap();
            }
        }
        // Stores its keys, one store each.
        "store" => {
            let id: usize = std::env::var(CHILD_ID).unwrap().parse().unwrap();
            let outcome = store_keys(&path, &format!("process{id}"));
            println!("{OUTCOME}{outcome}");
        }
        other => panic!("no child mode {other}"),
    }
}

/// The outcome of a replacement, as the child prints it.
fn describe(result: Result<(), credchain_core::io::FsError>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("{:?} {:?}", e.kind, e.os_code),
    }
}

/// Stores `KEYS_PER_WRITER` keys `<writer>_<n>` in `[default]`, one store each: "ok", or the
/// first failure.
fn store_keys(path: &str, writer: &str) -> String {
    for n in 0..KEYS_PER_WRITER {
        let key = format!("{writer}_{n}");
        let changes = [(key.as_str(), Change::Set("x"))];
        let edit = Edit {
            section: "default",
            changes: &changes,
        };
        if let Err(e) = block_on(store(&StdFs, path, &[edit])) {
            return format!("{key}: {e}");
        }
    }
    "ok".to_owned()
}

fn new_text(len: usize) -> Vec<u8> {
    let mut text = b"[default]\nregion = new\n#".to_vec();
    text.resize(len, b'n');
    text
}

/// One of the two multi-megabyte texts the killed writers flip between (of different lengths,
/// so that a file cut short or mixed is seen).
fn big_text(fill: u8) -> Vec<u8> {
    let len = if fill == b'a' { 3 << 20 } else { 5 << 19 };
    let mut text = format!("[default]\nregion = {}\n#", fill as char).into_bytes();
    text.resize(len, fill);
    text
}

/// This test binary run as `child_writer` in `mode` on `path`.
fn child(program: &Path, mode: &str, path: &str) -> Command {
    let mut command = Command::new(program);
    child_args(&mut command, mode, path);
    command
}

fn child_args(command: &mut Command, mode: &str, path: &str) {
    command
        .args(["child_writer", "--exact", "--ignored", "--nocapture"])
        .args(["--test-threads=1", "-q"])
        .env(CHILD, mode)
        .env(CHILD_PATH, path)
        .stdin(Stdio::null());
}

fn this_binary() -> std::path::PathBuf {
    std::env::current_exe().unwrap()
}

/// Runs `command` (a child writer) to its end: the outcome it printed.
fn outcome(command: &mut Command) -> String {
    let output = command.output().expect("run the child writer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix(OUTCOME));
    match line {
        Some(line) if output.status.success() => line.to_owned(),
        _ => panic!(
            "the child writer failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn is_root() -> bool {
    let home = TempHome::new();
    home.write("me", "");
    std::fs::metadata(home.path().join("me")).unwrap().uid() == 0
}

/// A child writer that is not root. As root: `nobody` through `setpriv`, running a copy of this
/// binary that `nobody` may run, in a directory (under `home`, made 0755) it may enter. Not as
/// root: this binary, as this user.
fn child_not_root(home: &TempHome, mode: &str, path: &str) -> Command {
    if !is_root() {
        return child(&this_binary(), mode, path);
    }
    set_mode(home.path(), 0o755);
    let copy = home.path().join("writer");
    // Copied by `cp`, so that this process never holds the program open for writing while a
    // thread of it forks (running the copy would then fail with "text file busy").
    let copied = Command::new("cp")
        .arg(this_binary())
        .arg(&copy)
        .status()
        .unwrap();
    assert!(copied.success());
    set_mode(&copy, 0o755);
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&copy);
    child_args(&mut command, mode, path);
    command
}

/// The text a failed write must leave.
const OLD: &[u8] = b"[default]\nregion = old\n";

/// A new home's `aws/config` holding [`OLD`], the file given `file_mode` and its directory
/// `dir_mode`: the home, the directory and the file.
fn old_config(file_mode: u32, dir_mode: u32) -> (TempHome, PathBuf, PathBuf) {
    let home = TempHome::new();
    home.write("aws/config", OLD);
    let dir = home.path().join("aws");
    let path = dir.join("config");
    set_mode(&path, file_mode);
    set_mode(&dir, dir_mode);
    (home, dir, path)
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The temporary files of the host's writes in `dir`.
fn temp_files(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect()
}

fn replace(path: &Path, expected: Option<&[u8]>, contents: &[u8]) -> Result<(), FsErrorKind> {
    replace_shared(path.to_str().unwrap(), expected, contents).map_err(|e| e.kind)
}

#[test]
fn an_existing_files_mode_is_kept() {
    let home = TempHome::new();
    for mode in [0o640, 0o644, 0o600, 0o604] {
        let path = home.path().join(format!("config{mode:o}"));
        std::fs::write(&path, "[default]\n").unwrap();
        set_mode(&path, mode);
        replace(&path, Some(b"[default]\n"), b"[default]\nregion = x\n").unwrap();
        assert_eq!(mode_of(&path), mode, "{mode:o}");
        assert_eq!(std::fs::read(&path).unwrap(), b"[default]\nregion = x\n");
    }
    assert_eq!(names(home.path()).len(), 4, "nothing else is left");
}

#[test]
fn an_existing_files_owner_and_group_are_kept() {
    assert!(
        is_root(),
        "a file of another owner needs root to make (the sandbox and CI run as root)"
    );
    let home = TempHome::new();
    let path = home.path().join("credentials");
    std::fs::write(&path, "[default]\n").unwrap();
    std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
    set_mode(&path, 0o640);
    replace(&path, Some(b"[default]\n"), b"[default]\nregion = x\n").unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    assert_eq!(std::fs::read(&path).unwrap(), b"[default]\nregion = x\n");
}

#[test]
fn a_new_file_is_0600_in_new_0700_directories() {
    let home = TempHome::new();
    let path = home.path().join("a/b/config");
    replace(&path, None, b"[default]\n").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"[default]\n");
    assert_eq!(mode_of(&path), 0o600);
    assert_eq!(mode_of(&home.path().join("a")), 0o700);
    assert_eq!(mode_of(&home.path().join("a/b")), 0o700);
    assert_eq!(names(&home.path().join("a/b")), ["config"]);
}

#[test]
fn a_symbolic_link_is_written_through_and_kept() {
    let home = TempHome::new();
    home.write("dotfiles/aws-config", "[default]\n");
    let real = home.path().join("dotfiles/aws-config");
    set_mode(&real, 0o644);
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    let link = home.path().join(".aws/config");
    std::os::unix::fs::symlink("../dotfiles/aws-config", &link).unwrap();
    // A link to the link: both followed.
    let link2 = home.path().join("config-link");
    std::os::unix::fs::symlink(&link, &link2).unwrap();
    replace(&link2, Some(b"[default]\n"), b"[default]\nregion = x\n").unwrap();
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("../dotfiles/aws-config")
    );
    assert_eq!(std::fs::read_link(&link2).unwrap(), link);
    assert_eq!(std::fs::read(&real).unwrap(), b"[default]\nregion = x\n");
    assert_eq!(mode_of(&real), 0o644);
    assert_eq!(names(&home.path().join(".aws")), ["config"]);
    assert_eq!(names(&home.path().join("dotfiles")), ["aws-config"]);
}

#[test]
fn a_link_to_nothing_creates_the_file_it_names() {
    let home = TempHome::new();
    let link = home.path().join("config");
    std::os::unix::fs::symlink("dotfiles/aws-config", &link).unwrap();
    replace(&link, None, b"[default]\n").unwrap();
    let real = home.path().join("dotfiles/aws-config");
    assert_eq!(std::fs::read(&real).unwrap(), b"[default]\n");
    assert_eq!(mode_of(&real), 0o600);
    assert_eq!(mode_of(&home.path().join("dotfiles")), 0o700);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_hard_link_is_parted_and_the_other_name_keeps_the_old_text() {
    // As docs/quirks.md says: the name written gets the new file (an atomic rename), the other
    // name of the old one keeps the old text.
    let home = TempHome::new();
    home.write("config", "[default]\n");
    let path = home.path().join("config");
    let other = home.path().join("other-name");
    std::fs::hard_link(&path, &other).unwrap();
    replace(&path, Some(b"[default]\n"), b"[default]\nregion = x\n").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"[default]\nregion = x\n");
    assert_eq!(std::fs::read(&other).unwrap(), b"[default]\n");
}

#[test]
fn a_file_that_changed_since_it_was_read_is_left_alone() {
    let home = TempHome::new();
    let path = home.path().join("config");
    std::fs::write(&path, "[default]\nregion = theirs\n").unwrap();
    let ours = b"[default]\nregion = ours\n";
    assert_eq!(
        replace(&path, Some(b"[default]\n"), ours),
        Err(FsErrorKind::Changed)
    );
    // Read as missing, created meanwhile.
    assert_eq!(replace(&path, None, ours), Err(FsErrorKind::Changed));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"[default]\nregion = theirs\n"
    );
    // Read as there, removed meanwhile; also its directory.
    let gone = home.path().join("gone");
    assert_eq!(
        replace(&gone, Some(b"[default]\n"), ours),
        Err(FsErrorKind::Changed)
    );
    let gone_dir = home.path().join("no-dir/config");
    assert_eq!(
        replace(&gone_dir, Some(b"[default]\n"), ours),
        Err(FsErrorKind::Changed)
    );
    assert_eq!(names(home.path()), ["config"]);
}

#[test]
fn a_directory_or_fifo_is_not_a_file() {
    let home = TempHome::new();
    std::fs::create_dir(home.path().join("dir")).unwrap();
    let fifo = home.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for path in [home.path().join("dir"), fifo] {
        assert_eq!(
            replace(&path, Some(b""), b"[default]\n"),
            Err(FsErrorKind::NotAFile),
            "{}",
            path.display()
        );
    }
    assert_eq!(names(home.path()), ["dir", "fifo"]);
}

#[test]
fn a_full_disk_leaves_the_old_file() {
    let home = TempHome::new();
    let path = home.path().join("config");
    std::fs::write(&path, OLD).unwrap();
    set_mode(&path, 0o644);
    // A limit of 1 MiB on the size of any file the child writes: its 2 MiB write fails with
    // EFBIG as a full disk fails with ENOSPC. SIGXFSZ, which would kill it, is ignored (and stays
    // ignored across exec).
    let mut command = Command::new("sh");
    command
        .args([
            "-c",
            "trap '' XFSZ; exec prlimit --fsize=1048576 \"$0\" \"$@\"",
        ])
        .arg(this_binary());
    child_args(&mut command, "replace", path.to_str().unwrap());
    assert_eq!(outcome(&mut command), "Other Some(27)", "EFBIG");
    assert_eq!(std::fs::read(&path).unwrap(), OLD);
    assert_eq!(mode_of(&path), 0o644);
    assert_eq!(names(home.path()), ["config"], "no temporary file is left");
}

#[test]
fn a_directory_that_may_not_be_written_leaves_the_old_file() {
    let (home, dir, path) = old_config(0o666, 0o555);
    let mut command = child_not_root(&home, "replace", path.to_str().unwrap());
    let result = outcome(&mut command);
    set_mode(&dir, 0o755);
    assert_eq!(result, "PermissionDenied Some(13)", "EACCES");
    assert_eq!(std::fs::read(&path).unwrap(), OLD);
    assert_eq!(names(&dir), ["config"]);
}

#[test]
fn a_file_made_read_only_is_refused_and_left() {
    // The directory may be written, so a rename could replace the file; but the user made the
    // file itself read-only, and the AWS CLI's open for writing fails there too.
    let (home, dir, path) = old_config(0o444, 0o777);
    let mut command = child_not_root(&home, "replace", path.to_str().unwrap());
    assert_eq!(outcome(&mut command), "PermissionDenied Some(13)", "EACCES");
    assert_eq!(std::fs::read(&path).unwrap(), OLD);
    assert_eq!(mode_of(&path), 0o444);
    assert_eq!(names(&dir), ["config"]);
}

#[test]
fn an_owner_that_cannot_be_kept_fails_the_write() {
    // nobody may write root's file (0666) in a directory open to all, but a file it wrote
    // would be nobody's: the write fails rather than hand the file to another owner.
    assert!(
        is_root(),
        "a file of another owner needs root to make (the sandbox and CI run as root)"
    );
    let (home, dir, path) = old_config(0o666, 0o777);
    let mut command = child_not_root(&home, "replace", path.to_str().unwrap());
    assert_eq!(outcome(&mut command), "PermissionDenied Some(1)", "EPERM");
    assert_eq!(std::fs::read(&path).unwrap(), OLD);
    assert_eq!(std::fs::metadata(&path).unwrap().uid(), 0);
    assert_eq!(names(&dir), ["config"], "no temporary file is left");
}

#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    let home = TempHome::new();
    let path = home.path().join("config");
    let (a, b) = (big_text(b'a'), big_text(b'b'));
    std::fs::write(&path, &a).unwrap();
    set_mode(&path, 0o640);
    let mut rng = Rng(0x5eed_c0de);
    let (mut kills_mid_write, mut texts_seen) = (0, [false, false]);
    for _ in 0..24 {
        let mut writer = child(&this_binary(), "flip", path.to_str().unwrap())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(10 + rng.below(140) as u64));
        writer.kill().unwrap();
        let status = writer.wait().unwrap();
        assert_eq!(status.code(), None, "killed, not ended: {status}");
        let text = std::fs::read(&path).unwrap();
        assert!(
            text == a || text == b,
            "the file is neither text, {} bytes",
            text.len()
        );
        texts_seen[usize::from(text == b)] = true;
        assert_eq!(mode_of(&path), 0o640);
        kills_mid_write += temp_files(home.path()).len();
    }
    assert!(
        kills_mid_write > 0,
        "no kill landed while a temporary file was being written"
    );
    assert_eq!(texts_seen, [true, true], "the writers replaced the file");
    let last = std::fs::read(&path).unwrap();
    replace(&path, Some(&last), b"[default]\n").unwrap();
    assert_eq!(names(home.path()), ["config"], "the leftovers are removed");
}

/// The keys `store_keys` stored for `writer`, each in `text`.
fn assert_all_keys(text: &str, writers: impl Iterator<Item = String>) {
    for writer in writers {
        for n in 0..KEYS_PER_WRITER {
            let line = format!("{writer}_{n} = x\n");
            assert!(text.contains(&line), "{line:?} lost");
        }
    }
}

#[test]
fn parallel_processes_all_land_their_edits() {
    let home = TempHome::new();
    let path = home.file(".aws/credentials");
    let writers: Vec<_> = (0..4)
        .map(|id| {
            child(&this_binary(), "store", &path)
                .env(CHILD_ID, id.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for writer in writers {
        let output = writer.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains(&format!("{OUTCOME}ok")), "{stdout}");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert_all_keys(&text, (0..4).map(|id| format!("process{id}")));
    assert_eq!(text.matches("[default]").count(), 1);
    assert_eq!(names(&home.path().join(".aws")), ["credentials"]);
}

#[test]
fn parallel_threads_all_land_their_edits() {
    let home = TempHome::new();
    home.write(".aws/config", "[default]\nregion = eu-west-1\n");
    let path = home.file(".aws/config");
    std::thread::scope(|scope| {
        for id in 0..4 {
            let path = &path;
            scope.spawn(move || {
                assert_eq!(store_keys(path, &format!("thread{id}")), "ok");
            });
        }
    });
    let text = std::fs::read_to_string(&path).unwrap();
    assert_all_keys(&text, (0..4).map(|id| format!("thread{id}")));
    assert!(text.starts_with("[default]\nregion = eu-west-1\n"));
    assert_eq!(names(&home.path().join(".aws")), ["config"]);
}
