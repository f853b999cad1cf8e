//! Timing checks for the tests that bound how long a call may take (timeouts, refusals).

use std::time::{Duration, Instant};

/// Runs `f`: its result and how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let result = f();
    (result, started.elapsed())
}

/// Asserts that `elapsed` is at least `at_least` and less than `less_than`.
#[track_caller]
pub fn assert_took(elapsed: Duration, at_least: Duration, less_than: Duration) {
    assert!(elapsed >= at_least && elapsed < less_than, "{elapsed:?}");
}
