//! Assertions on text (error messages, requests, output) that show the whole text on failure.

/// Asserts that `text` contains every one of `parts`; a failure names the missing part and
/// shows the whole text.
#[track_caller]
pub fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

/// Asserts that `text` starts with `start`; a failure shows the whole text.
#[track_caller]
pub fn assert_starts_with(text: &str, start: &str) {
    assert!(text.starts_with(start), "{start:?} does not start:\n{text}");
}
