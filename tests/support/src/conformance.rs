//! The shared conformance data (`../shared/conformance` beside the repository, or
//! `CREDCHAIN_CONFORMANCE`): where it is, its JSON vectors, and one assertion that reports every
//! failing vector of a suite at once.

use std::path::PathBuf;

use serde_json::Value;

/// The shared conformance directory (../shared/conformance from the repository root), or
/// CREDCHAIN_CONFORMANCE when set.
pub fn conformance_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CREDCHAIN_CONFORMANCE") {
        return PathBuf::from(dir);
    }
    crate::repository_root().join("../shared/conformance")
}

/// A JSON file, parsed; panics naming the file if it cannot be read or parsed.
pub fn read_json(path: &std::path::Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// A conformance JSON file (`relative` to [`conformance_dir`]), parsed.
pub fn conformance_json(relative: &str) -> Value {
    read_json(&conformance_dir().join(relative))
}

/// Asserts that no case of `total` failed, listing every failure (one a line) if any did.
#[track_caller]
pub fn assert_no_failures(failures: &[String], total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}

/// Runs `check` on every case of `tests` and asserts that none failed; a failure is reported
/// as `label(case): why`.
#[track_caller]
pub fn check_every(
    tests: &[Value],
    label: impl Fn(&Value) -> String,
    check: impl Fn(&Value) -> Result<(), String>,
) {
    let failures: Vec<String> = tests
        .iter()
        .filter_map(|case| check(case).err().map(|e| format!("{}: {e}", label(case))))
        .collect();
    assert_no_failures(&failures, tests.len());
}

/// Runs `check` on every case of the suite at `relative` in the conformance directory (its
/// `tests`, each named by its `docs`), asserting that it has at least `at_least` cases and
/// that none failed.
#[track_caller]
pub fn check_suite(relative: &str, at_least: usize, check: impl Fn(&Value) -> Result<(), String>) {
    let suite = conformance_json(relative);
    let tests = suite["tests"].as_array().unwrap();
    assert!(tests.len() >= at_least, "{relative}: {} cases", tests.len());
    check_every(tests, |case| case["docs"].to_string(), check);
}
