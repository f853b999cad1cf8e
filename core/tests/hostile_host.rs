//! The std host against files and programs that misbehave (issue 9): FIFOs, devices and
//! directories where files should be, token files that are pipes, oversized cache files,
//! temporary files left by killed writers, and `credential_process` helpers whose background
//! children hold their output open. Every test that could hang if the host regressed runs the
//! host call on a thread and fails after a bound instead.

#![cfg(all(feature = "std", unix))]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use credchain_core::host::{read_file, read_file_at_most, read_token_file, ConfigFileFs, StdFs};
use credchain_core::io::{block_on, Fs, FsErrorKind};
use credchain_core::load::load_one;
use credchain_core::FileKind;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credchain-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
    let dir = temp_dir("fifo");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
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
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn devices_directories_and_fifos_load_as_no_file() {
    // botocore's raw_config_parse: `if not os.path.isfile(path): raise ConfigNotFound`, which
    // the session and the shared credentials provider read as no file (botocore 1.44.8 and the
    // AWS CLI v2.36.7 checked with /dev/null, /dev/zero, a directory and a FIFO).
    let dir = temp_dir("load");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
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
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_token_file_may_be_a_fifo_a_pipe_or_a_device() {
    // botocore's FileWebIdentityTokenLoader: `open(path).read()`, whatever the path names.
    let dir = temp_dir("token");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
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
    assert_eq!(
        block_on(StdFs.read("/dev/null")).unwrap_err().kind,
        FsErrorKind::NotAFile
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn oversized_cache_files_are_refused_unread() {
    let dir = temp_dir("large");
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
    std::fs::remove_dir_all(&dir).unwrap();
}
