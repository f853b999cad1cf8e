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

const INDENTS: &[&str] = &[
    "", "", "", "", " ", "  ", "    ", "\t", " \t", "\u{a0}", "\u{3000}", "\u{85}", "\x0b", "\x0c",
    "\x1c", "\x1f",
];

const LINES: &[&str] = &[
    "[profile a]",
    "[profile b]",
    "[profile A]",
    "[default]",
    "[DEFAULT]",
    "[default] ; comment",
    "[a]",
    "[b]",
    "[profile \"x y\"]",
    "[profile 'x y']",
    "[profile \"a\"]",
    "[profile 'q]",
    "[profile a\\]",
    "[ profile  b ]",
    "[profile a b]",
    "[profile]",
    "[profilea b]",
    "[sso-session s]",
    "[services t]",
    "[other]",
    "[]",
    "[",
    "]",
    "[x] trailing",
    "[a]]",
    "[[a]",
    "[a]\u{a0}",
    "[\u{a0}]",
    "[é]",
    "region = eu-west-1",
    "region=us-east-1",
    "Region = x",
    "REGION: y",
    "key: v",
    "key :v = w",
    "k = v : w",
    "key =",
    "key = ",
    "key =\t",
    "key = \u{a0}",
    "key =\u{3000}",
    "key = \x0b",
    "key = \x01",
    "s3 =",
    "sub = 1",
    "sub=2",
    "sub",
    "sub = ",
    "=v",
    ":v",
    " = v",
    "a\u{a0}= v",
    "a\u{a0}\u{a0} : v",
    "ключ = значение",
    "é=1",
    "É = 2",
    "\u{212a} = kelvin",
    "k\u{212a} = kelvin",
    "kk = 1",
    "KK = 2",
    "x\u{130} = 1",
    "xi\u{307} = 2",
    "k = 1",
    "K = 2",
    "\u{130} = 1",
    "i\u{307} = 2",
    "aws_access_key_id = a",
    "AWS_ACCESS_KEY_ID = b",
    "aws_secret_access_key = c",
    "x\x7f = 1",
    "\x7f = 1",
    "#c",
    "# c = d",
    ";c",
    "; [profile a]",
    "",
    "",
    "   ",
    "no delimiter",
    "a#b = c",
    "a;b = c",
    "'q' = \"v\"",
    "k = \"unclosed",
    "x",
];

const ENDINGS: &[&str] = &["\n", "\n", "\n", "\r\n", "\r", "\n\r", "\r\r\n"];

/// A random file of `lines` lines.
fn soup(rng: &mut Rng, lines: usize) -> String {
    let mut text = String::new();
    // Most files start with a section, so that the scan goes past the first line.
    if rng.below(4) != 0 {
        text.push_str(rng.pick(&["[default]\n", "[profile a]\n", "[a]\n", "[DEFAULT]\n"]));
    }
    for _ in 0..lines {
        // Mostly column 0, the shapes the scanner takes itself.
        if rng.below(3) == 0 {
            text.push_str(rng.pick(INDENTS));
        }
        text.push_str(rng.pick(LINES));
        if rng.below(8) == 0 {
            // A random byte run inside or after the line.
            for _ in 0..rng.below(4) {
                text.push_str(rng.pick(&[
                    "[", "]", "=", ":", "#", ";", " ", "\t", "\r", "\"", "'", "\\", "a", "A",
                    "\u{a0}", "\u{85}", "\u{2028}", "\x0c",
                ]));
            }
        }
        text.push_str(rng.pick(ENDINGS));
    }
    if rng.below(4) == 0 {
        // No line ending at the end.
        while text.ends_with(['\n', '\r']) {
            text.pop();
        }
    }
    text
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
