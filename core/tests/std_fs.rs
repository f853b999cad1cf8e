//! The std host's file reads: StdFs and ConfigFileFs give the same bytes and the same answers
//! for missing files and directories, whatever the size (ConfigFileFs reads files of 2 MiB and
//! more into huge-page memory on Linux).

#![cfg(feature = "std")]

mod common;

use credchain_core::host::{ConfigFileFs, StdFs, HUGE_PAGE_READ_MIN};
use credchain_core::io::{block_on, Fs};
use credchain_test_support::temp_home::TempHome;

fn read_both(path: &str) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let plain = block_on(StdFs.read(path)).unwrap();
    let bulk = block_on(ConfigFileFs.read(path))
        .unwrap()
        .map(|b| b.as_ref().to_vec());
    (plain, bulk)
}

#[test]
fn small_and_large_files_read_the_same() {
    let home = TempHome::new();
    let dir = home.path();
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
}

#[test]
fn missing_files_and_directories() {
    let home = TempHome::new();
    let dir = home.path();
    let missing = dir.join("nothing");
    assert_eq!(read_both(missing.to_str().unwrap()), (None, None));
    // A path through a file is "nothing there", as the AWS CLI treats it.
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    let through = file.join("config");
    assert_eq!(read_both(through.to_str().unwrap()), (None, None));
    let d = dir.to_str().unwrap();
    common::assert_not_a_file(&StdFs, d);
    common::assert_not_a_file(&ConfigFileFs, d);
}

#[test]
fn debug_shows_only_the_size() {
    let home = TempHome::new();
    let dir = home.path();
    let path = dir.join("credentials");
    std::fs::write(&path, "aws_secret_access_key = hush").unwrap();
    let bytes = block_on(ConfigFileFs.read(path.to_str().unwrap()))
        .unwrap()
        .unwrap();
    let shown = format!("{bytes:?}");
    assert!(!shown.contains("hush"), "{shown}");
    assert!(shown.contains("28 bytes"), "{shown}");
}

#[cfg(unix)]
#[test]
fn paths_that_are_not_utf8_travel_as_text_and_reach_their_files() {
    use credchain_core::host::os_path;
    use std::ffi::OsString;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    // Every byte string round-trips; valid UTF-8 is left as it is.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for len in 0..200 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8 | 1 // no NUL: no path holds one
            })
            .collect();
        let text = os_path::encode(OsString::from_vec(bytes.clone())).unwrap();
        assert_eq!(os_path::decode(&text).as_bytes(), &bytes[..]);
        if let Ok(valid) = std::str::from_utf8(&bytes) {
            assert_eq!(text, valid);
        }
    }
    // A path holding a character that stands for a byte cannot be carried.
    assert_eq!(os_path::encode(OsString::from("/tmp/\u{10ff80}")), None);
    let mut bytes = "/tmp/\u{10ffff}".as_bytes().to_vec();
    bytes.push(0xff);
    assert_eq!(os_path::encode(OsString::from_vec(bytes)), None);
    // The std hosts read and write the file the bytes name.
    let home = TempHome::new();
    let dir = home.path();
    let odd = dir.join(std::ffi::OsStr::from_bytes(b"cfg\xff\xfe"));
    std::fs::write(&odd, b"[default]\n").unwrap();
    let path = os_path::encode(odd.into_os_string()).unwrap();
    let (plain, bulk) = read_both(&path);
    assert_eq!(
        (plain.as_deref(), bulk.as_deref()),
        (Some(&b"[default]\n"[..]), Some(&b"[default]\n"[..]))
    );
    let cache = format!("{path}.d/cache/x.json");
    block_on(StdFs.write_private(&cache, b"{}")).unwrap();
    let written = dir.join(std::ffi::OsStr::from_bytes(b"cfg\xff\xfe.d/cache/x.json"));
    assert_eq!(std::fs::read(written).unwrap(), b"{}");
}
