//! The std host's file reads: StdFs and ConfigFileFs give the same bytes and the same answers
//! for missing files and directories, whatever the size (ConfigFileFs reads files of 2 MiB and
//! more into huge-page memory on Linux).

#![cfg(feature = "std")]

use credchain_core::host::{ConfigFileFs, StdFs, HUGE_PAGE_READ_MIN};
use credchain_core::io::{block_on, Fs, FsErrorKind};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("credchain-std-fs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read_both(path: &str) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let plain = block_on(StdFs.read(path)).unwrap();
    let bulk = block_on(ConfigFileFs.read(path))
        .unwrap()
        .map(|b| b.as_ref().to_vec());
    (plain, bulk)
}

#[test]
fn small_and_large_files_read_the_same() {
    let dir = temp_dir("sizes");
    let min = usize::try_from(HUGE_PAGE_READ_MIN).unwrap();
    for size in [0, 1, 4095, min - 1, min, min + 12_345, 3 * min] {
        let path = dir.join(format!("f{size}"));
        let text: Vec<u8> = (0..size)
            .map(|i| b"[profile x]\nregion = y\n"[i % 23])
            .collect();
        std::fs::write(&path, &text).unwrap();
        let (plain, bulk) = read_both(path.to_str().unwrap());
        assert_eq!(
            plain.as_deref(),
            Some(text.as_slice()),
            "StdFs, {size} bytes"
        );
        assert_eq!(
            bulk.as_deref(),
            Some(text.as_slice()),
            "ConfigFileFs, {size} bytes"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_files_and_directories() {
    let dir = temp_dir("missing");
    let missing = dir.join("nothing");
    assert_eq!(read_both(missing.to_str().unwrap()), (None, None));
    // A path through a file is "nothing there", as the AWS CLI treats it.
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    let through = file.join("config");
    assert_eq!(read_both(through.to_str().unwrap()), (None, None));
    let d = dir.to_str().unwrap();
    assert_eq!(
        block_on(StdFs.read(d)).unwrap_err().kind,
        FsErrorKind::NotAFile
    );
    assert_eq!(
        block_on(ConfigFileFs.read(d)).unwrap_err().kind,
        FsErrorKind::NotAFile
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn debug_shows_only_the_size() {
    let dir = temp_dir("debug");
    let path = dir.join("credentials");
    std::fs::write(&path, "aws_secret_access_key = hush").unwrap();
    let bytes = block_on(ConfigFileFs.read(path.to_str().unwrap()))
        .unwrap()
        .unwrap();
    let shown = format!("{bytes:?}");
    assert!(!shown.contains("hush"), "{shown}");
    assert!(shown.contains("28 bytes"), "{shown}");
    std::fs::remove_dir_all(&dir).unwrap();
}
