//! The std host against files and programs that misbehave (issue 9): FIFOs, devices and
//! directories where files should be, token files that are pipes, oversized cache files,
//! temporary files left by killed writers, and `credential_process` helpers whose background
//! children hold their output open. Every test that could hang if the host regressed runs the
//! host call on a thread and fails after a bound instead.

#![cfg(all(feature = "std", unix))]

mod common;

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use credchain_core::config::load::load_one;
use credchain_core::host::{
    read_file, read_file_at_most, read_token_file, run_command, write_private, ConfigFileFs, StdFs,
};
use credchain_core::io::{
    block_on, CommandError, CommandErrorKind, CommandOutput, CommandRequest, Fs, FsErrorKind,
};
use credchain_core::FileKind;
use credchain_test_support::temp_home::TempHome;

/// A temporary directory holding a FIFO named `fifo`, and the FIFO's path.
fn dir_with_fifo() -> (TempHome, std::path::PathBuf) {
    let home = TempHome::new();
    let fifo = home.path().join("fifo");
    mkfifo(&fifo);
    (home, fifo)
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs `f` on a thread and returns its answer, failing the test if it takes longer than
/// `secs` (the thread is then left blocked; the test process ends with the suite).
fn bounded<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, recv) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    recv.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("the host call blocked for more than {secs} s"))
}

#[test]
fn a_fifo_is_not_a_file_and_never_blocks_a_read() {
    let (_home, fifo) = dir_with_fifo();
    let path = fifo.to_str().unwrap().to_owned();
    let p = path.clone();
    let (plain, bulk, small) = bounded(10, move || {
        (
            read_file(&p).map(|_| ()).unwrap_err().kind,
            block_on(ConfigFileFs.read(&p))
                .map(|_| ())
                .unwrap_err()
                .kind,
            block_on(StdFs.read_at_most(&p, 100))
                .map(|_| ())
                .unwrap_err()
                .kind,
        )
    });
    assert_eq!(plain, FsErrorKind::NotAFile);
    assert_eq!(bulk, FsErrorKind::NotAFile);
    assert_eq!(small, FsErrorKind::NotAFile);
}

#[test]
fn devices_directories_and_fifos_load_as_no_file() {
    // botocore's raw_config_parse: `if not os.path.isfile(path): raise ConfigNotFound`, which
    // the session and the shared credentials provider read as no file (botocore 1.44.8 and the
    // AWS CLI v2.36.7 checked with /dev/null, /dev/zero, a directory and a FIFO).
    let (home, fifo) = dir_with_fifo();
    let dir = home.path();
    let paths = [
        "/dev/null".to_owned(),
        "/dev/zero".to_owned(),
        dir.to_str().unwrap().to_owned(),
        fifo.to_str().unwrap().to_owned(),
    ];
    for path in paths {
        let p = path.clone();
        let loaded = bounded(10, move || {
            let file = block_on(load_one(&ConfigFileFs, FileKind::Config, &p)).unwrap();
            (file.contents.is_some(), file.not_a_file)
        });
        assert_eq!(loaded, (false, true), "{path}");
    }
    // A regular file and a missing one are what they were.
    let file = dir.join("config");
    std::fs::write(&file, "[default]\n").unwrap();
    let f = file.to_str().unwrap();
    let loaded = block_on(load_one(&StdFs, FileKind::Config, f)).unwrap();
    assert_eq!(
        (loaded.contents.is_some(), loaded.not_a_file),
        (true, false)
    );
    let missing = dir.join("missing");
    let loaded = block_on(load_one(
        &StdFs,
        FileKind::Config,
        missing.to_str().unwrap(),
    ))
    .unwrap();
    assert_eq!(
        (loaded.contents.is_some(), loaded.not_a_file),
        (false, false)
    );
}

#[test]
fn a_token_file_may_be_a_fifo_a_pipe_or_a_device() {
    // botocore's FileWebIdentityTokenLoader: `open(path).read()`, whatever the path names.
    let (home, fifo) = dir_with_fifo();
    let dir = home.path();
    // The writer comes after the reader has opened the FIFO, as `get-token > fifo &` may.
    let w = fifo.clone();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&w, "eyJ-token-from-a-fifo").unwrap();
    });
    let p = fifo.to_str().unwrap().to_owned();
    let token = bounded(10, move || read_token_file(&p, 1024));
    writer.join().unwrap();
    assert_eq!(
        token.unwrap().as_deref(),
        Some(&b"eyJ-token-from-a-fifo"[..])
    );

    // A pipe, as `<(get-token)` gives one: /dev/fd/N of a child's standard output.
    let mut child = std::process::Command::new("sh")
        .args(["-c", "printf eyJ-token-from-a-pipe"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&stdout);
    let token = bounded(10, move || read_token_file(&format!("/dev/fd/{fd}"), 1024));
    drop(stdout);
    child.wait().unwrap();
    assert_eq!(
        token.unwrap().as_deref(),
        Some(&b"eyJ-token-from-a-pipe"[..])
    );

    // A device that never ends is refused once past the limit, not read until memory runs out.
    let zero = bounded(10, || read_token_file("/dev/zero", 1024));
    assert_eq!(zero.unwrap_err().kind, FsErrorKind::TooLarge);
    assert_eq!(
        read_token_file("/dev/null", 1024).unwrap(),
        Some(Vec::new())
    );
    // A directory is still not a token file; a missing path is still nothing.
    let d = dir.to_str().unwrap();
    assert_eq!(
        read_token_file(d, 1024).unwrap_err().kind,
        FsErrorKind::NotAFile
    );
    assert_eq!(
        read_token_file(dir.join("none").to_str().unwrap(), 1024).unwrap(),
        None
    );
    // Through the trait: StdFs reads pipes for tokens, and its plain read still refuses them.
    assert_eq!(
        block_on(StdFs.read_token("/dev/null", 10)).unwrap(),
        Some(Vec::new())
    );
    common::assert_not_a_file(&StdFs, "/dev/null");
}

#[test]
fn oversized_cache_files_are_refused_unread() {
    let home = TempHome::new();
    let dir = home.path();
    let path = dir.join("cache.json");
    // Sparse: 4 GiB that take no disk and would take 4 GiB of memory to read.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(4 << 30).unwrap();
    drop(file);
    let p = path.to_str().unwrap();
    let started = Instant::now();
    assert_eq!(
        read_file_at_most(p, 1 << 20).unwrap_err().kind,
        FsErrorKind::TooLarge
    );
    assert_eq!(
        block_on(StdFs.read_at_most(p, 1 << 20)).unwrap_err().kind,
        FsErrorKind::TooLarge
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "read, not refused"
    );
    // At the limit it is read.
    std::fs::write(&path, b"{}").unwrap();
    assert_eq!(
        read_file_at_most(p, 2).unwrap().as_deref(),
        Some(&b"{}"[..])
    );
    assert_eq!(
        read_file_at_most(p, 1).unwrap_err().kind,
        FsErrorKind::TooLarge
    );
}

/// The id of a process that has exited.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn temporary_files_of_killed_writers_are_removed_by_the_next_write() {
    let home = TempHome::new();
    let dir = home.path();
    let target = dir.join("abc.json");
    let name = |pid: u32, nanos: u32| dir.join(format!(".abc.json.{pid}.{nanos}.tmp"));
    let dead = name(dead_pid(), 123_456_789);
    let other_dead = dir.join(format!(".other.json.{}.42.tmp", dead_pid()));
    // A live writer's (this process's) fresh temporary file is left alone...
    let live = name(std::process::id(), 7);
    // ... unless it is too old to be a write in progress.
    let old = name(std::process::id(), 8);
    // Files of other naming are never touched.
    let foreign = dir.join(format!(".abc.json.{}.x.tmp", dead_pid()));
    let botocore = dir.join("tmpa1b2c3.tmp");
    for path in [&dead, &other_dead, &live, &old, &foreign, &botocore] {
        std::fs::write(path, "{\"Credentials\": {}}").unwrap();
    }
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    write_private(target.to_str().unwrap(), b"{}").unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"{}");
    for (path, kept) in [
        (&dead, false),
        (&other_dead, false),
        (&live, true),
        (&old, false),
        (&foreign, true),
        (&botocore, true),
    ] {
        assert_eq!(path.exists(), kept, "{}", path.display());
    }
    // The file written is the owner's alone, and no temporary file of its own is left.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let temps = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_str().unwrap();
            n.starts_with(".abc.json.") && n.ends_with(".tmp")
        })
        .count();
    assert_eq!(temps, 2, "the live writer's file and the foreign one");
}

/// Waits up to 5 s for `pid` to be gone (or a zombie waiting for its new parent to reap it).
fn gone(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z') =>
            {
                return true
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    false
}

fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    credchain_test_support::temp_home::write_executable(&path, body);
    path.to_str().unwrap().to_owned()
}

/// A helper script in a temporary directory of its own that runs `before`, starts `child` in
/// the background writing its pid to a file, then runs `after`.
struct BackgroundChild {
    dir: TempHome,
    helper: String,
    pid_file: std::path::PathBuf,
}

impl BackgroundChild {
    fn new(name: &str, before: &str, child: &str, after: &str) -> BackgroundChild {
        let dir = TempHome::new();
        let pid_file = dir.path().join("pid");
        let helper = script(
            dir.path(),
            name,
            &format!(
                "#!/bin/sh\n{before}{child} &\necho $! > {}\n{after}\n",
                pid_file.display()
            ),
        );
        BackgroundChild {
            dir,
            helper,
            pid_file,
        }
    }

    /// The pid the child wrote.
    fn pid(&self) -> String {
        std::fs::read_to_string(&self.pid_file).unwrap()
    }

    /// Asserts that the child is no longer running (`what` names it in a failure).
    #[track_caller]
    fn assert_gone(&self, what: &str) {
        let pid = self.pid();
        assert!(gone(pid.trim()), "{what} {pid} is still running");
    }
}

/// Runs the program at `path` (no arguments) with the std host, waiting at most `timeout_ms`
/// and keeping at most 1024 bytes of each stream.
fn run_helper(path: &str, timeout_ms: u32) -> Result<CommandOutput<Vec<u8>>, CommandError> {
    run_command(&CommandRequest {
        argv: &[path],
        timeout_ms,
        max_output_bytes: 1024,
    })
}

#[test]
fn the_timeout_covers_a_background_child_holding_the_output() {
    // The helper answers and exits at once, but leaves a child holding its stdout: the
    // exchange ends at the deadline, and the child is killed with the helper's group.
    let child = BackgroundChild::new("bg.sh", "echo '{\"Version\": 1}'\n", "sleep 1000", "exit 0");
    let helper = child.helper.clone();
    let started = Instant::now();
    let result = bounded(20, move || run_helper(&helper, 1500));
    let took = started.elapsed();
    assert_eq!(result.unwrap_err().kind, CommandErrorKind::Timeout);
    assert!(took < Duration::from_secs(5), "{took:?}");
    child.assert_gone("the background child");
}

#[test]
fn a_timeout_kills_the_helper_s_children_too() {
    let child = BackgroundChild::new("child.sh", "", "sleep 1000", "wait");
    let helper = child.helper.clone();
    let result = bounded(20, move || run_helper(&helper, 1000));
    assert_eq!(result.unwrap_err().kind, CommandErrorKind::Timeout);
    child.assert_gone("the helper's child");
}

#[test]
fn a_helper_that_finishes_is_answered_at_once() {
    // A background child that closes its output does not hold the answer up, and is left
    // running (a helper may start an agent on purpose).
    let child = BackgroundChild::new(
        "ok.sh",
        "echo out; echo err >&2\n",
        "sleep 3 >/dev/null 2>&1",
        "exit 3",
    );
    let helper = child.helper.clone();
    let started = Instant::now();
    let out = bounded(20, move || run_helper(&helper, 10_000)).unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        (out.status, out.stdout.as_slice(), out.stderr.as_slice()),
        (Some(3), &b"out\n"[..], &b"err\n"[..])
    );
    let pid = child.pid();
    assert!(Path::new(&format!("/proc/{}", pid.trim())).exists());
    // Output past the limit stops the helper at once, not at the deadline.
    let loud = script(
        child.dir.path(),
        "loud.sh",
        "#!/bin/sh\nexec cat /dev/zero\n",
    );
    let started = Instant::now();
    let result = bounded(20, move || run_helper(&loud, 10_000));
    assert_eq!(result.unwrap_err().kind, CommandErrorKind::TooLarge);
    assert!(started.elapsed() < Duration::from_secs(5));
}
