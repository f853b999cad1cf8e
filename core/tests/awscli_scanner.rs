//! The AWS CLI dialect's byte-level scanner against its reference: on every input, the fast
//! pass (`ProfileFile::parse`) and the reference pass (ini_core lines read one by one by
//! configparser's rules, `ProfileFile::parse_with` with `Scan::Reference`, with and without
//! ini_core's hints) must agree exactly: the same error (line and problem) or the same section
//! index (class, name, header, body ranges, line numbers, hashes).
//!
//! Inputs: every file of the shared profile-parser suites, hand-written edge cases, and a few
//! thousand random line soups (indentation, tabs, `\r`, `\r\n`, lone `\r`, U+00A0, U+3000 and
//! U+0085, `:` and `=`, comments, quotes, `[DEFAULT]`, repeats, nested values) from a fixed seed.

mod common;

use common::soup::soup;
use credchain_core::config::parse::{ProfileFile, Scan};
use credchain_core::{Dialect, FileKind};
use credchain_test_support::random::Rng;

/// The outcome of one pass, in a comparable form (the Debug of the whole file holds the index).
fn outcome(file: Result<ProfileFile<'_>, credchain_core::config::parse::ParseError<'_>>) -> String {
    match file {
        Ok(file) => format!("Ok({file:?})"),
        Err(e) => format!("Err({e:?})"),
    }
}

/// Checks one text as both files; panics with the input when the passes disagree.
fn check(bytes: &[u8]) {
    for kind in [FileKind::Config, FileKind::Credentials] {
        let fast = outcome(ProfileFile::parse(kind, "f", Some(bytes), Dialect::AwsCli));
        for hints in [true, false] {
            let reference = outcome(ProfileFile::parse_with(
                kind,
                "f",
                Some(bytes),
                Dialect::AwsCli,
                Scan::Reference { hints },
            ));
            assert_eq!(
                fast,
                reference,
                "\nthe scanner and the reference (hints: {hints}) disagree on this {kind:?} file:\n{:?}\n",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

#[test]
fn scanner_agrees_with_the_reference_on_the_suite_inputs() {
    let mut n = 0;
    for suite in [
        "profile-parser-tests.json",
        "profile-parser-tests.awscli.json",
    ] {
        let suite = common::conformance_json(&format!("suites/{suite}"));
        for case in suite["tests"].as_array().expect("tests") {
            for field in ["configFile", "credentialsFile"] {
                if let Some(text) = case["input"][field].as_str() {
                    check(text.as_bytes());
                    n += 1;
                }
            }
        }
    }
    assert!(n > 60, "only {n} suite inputs");
}

#[test]
fn scanner_agrees_with_the_reference_on_edge_cases() {
    let cases: &[&str] = &[
        "",
        "\n",
        "\r",
        "\r\n",
        "\n\r",
        "[",
        "[]",
        "[a]",
        "[a",
        "a",
        "=",
        ":",
        "#",
        ";",
        "x=1",
        "[a]\nk=v",
        "[a]\nk=v\n",
        "[a]\r\nk=v\r\n",
        "[a]\rk=v\r",
        "[a]\nk=\n  x = 1\n  y\n",
        "[DEFAULT]\nk=\n  y\n",
        "[DEFAULT]\nk=\n  y\n[a]\n",
        "[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n",
        "[a]\nk=1\nK=2\n",
        "[a]\nk=1\n[b]\nk=2\n[a]\n",
        "[a]\nk = 1\n\n\n  cont\n",
        "[a]\n  k = 1\n",
        "[a]\nk = v\n  [b]\n",
        "[a]\nk = v\n\u{a0}[b]\n",
        "[a]\nk = v\n\u{3000}x\n",
        "[a]\nk\u{a0}= v\n",
        "[a]\nk = v\u{a0}\n",
        "[a]\n\u{85}k = v\n",
        "[a]\nk = v\u{85}\n",
        "[a]\n\x0bk = v\n",
        "[a]\nk = \x0c\n  y\n",
        "[a]\n#k = v\n;x\n",
        "[a]\n  #k\n  ;x\n",
        "[a]\n=v\n",
        "[a]\n:v\n",
        "[a]\nno delimiter\n",
        "[profile \"a b\"]\n[profile 'a b']\n",
        "[profile a]\n[profile \"a\"]\n",
        "[profile a b c]\n[profile]\n[profile\tx]\n",
        "[a]\nk = v\n[a]",
        "\u{feff}[a]",
        "[a]\nk=v\0",
        "[a]\nk=v\r\r\n\n\r",
    ];
    for case in cases {
        check(case.as_bytes());
    }
    // Sections with more keys than the key set holds, in a profile and in [DEFAULT].
    for (header, keys, repeat) in [("[a]", 70, 3), ("[a]", 70, 69), ("[DEFAULT]", 70, 5)] {
        let mut text = format!("{header}\n");
        for i in 0..keys {
            text.push_str(&format!("key{i} = {i}\n"));
        }
        text.push_str(&format!("KEY{repeat} = again\n"));
        check(text.as_bytes());
    }
    // A long run of lines, to cross the scanner's eight-byte words at every offset.
    let mut text = String::from("[a]\n");
    for i in 0..40 {
        text.push_str(&format!("{}{} = {}\n", "k".repeat(i + 1), i, "v".repeat(i)));
    }
    check(text.as_bytes());
}

#[test]
fn scanner_agrees_with_the_reference_on_random_line_soups() {
    let mut rng = Rng(0x00c0_ffee_cafe_f00d);
    for case in 0..6000 {
        let lines = 1 + rng.below(if case % 10 == 0 { 60 } else { 12 });
        check(soup(&mut rng, lines).as_bytes());
    }
}

#[test]
fn scanner_agrees_with_the_reference_on_byte_mutations() {
    // Well-formed files with random bytes replaced, inserted or removed.
    let base = "[default]\nregion = us-east-1\ns3 =\n  max = 1\n\n[profile a]\n# c\nregion: x\n\
                [profile \"b c\"]\nk = v\n  more\n[DEFAULT]\no = 1\n";
    let alphabet = [
        b'[', b']', b'=', b':', b'#', b';', b' ', b'\t', b'\r', b'\n', b'"', b'\'', b'\\', b'a',
        b'A', b'0', 0x7f, 0x0b,
    ];
    let mut rng = Rng(7);
    for _ in 0..4000 {
        let mut bytes = base.as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len() + 1);
            let b = alphabet[rng.below(alphabet.len())];
            match rng.below(3) {
                0 if at < bytes.len() => bytes[at] = b,
                1 if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b),
            }
        }
        check(&bytes);
    }
}
