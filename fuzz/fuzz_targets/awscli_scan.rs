//! The AWS CLI dialect's byte-level scanner against its reference pass (ini_core lines read one
//! by one by configparser's rules, with and without ini_core's hints): on every input, as a
//! config file and as a credentials file, both must give the same error (line and problem) or
//! the same section index. core/tests/awscli_scanner.rs makes the same check on generated
//! inputs.
#![no_main]

use credchain_core::config::parse::{ProfileFile, Scan};
use credchain_core::{Dialect, FileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [FileKind::Config, FileKind::Credentials] {
        let fast = ProfileFile::parse(kind, "f", Some(data), Dialect::AwsCli);
        for hints in [true, false] {
            let reference =
                ProfileFile::parse_with(kind, "f", Some(data), Dialect::AwsCli, Scan::Reference { hints });
            match (&fast, &reference) {
                (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{kind:?}"),
                (Err(a), Err(b)) => assert_eq!(a, b, "{kind:?}"),
                _ => panic!("{kind:?}: the scanner gives {fast:?}, the reference {reference:?}"),
            }
        }
    }
});
