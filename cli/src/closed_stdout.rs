//! Whether standard output was closed when the process started (`credchain ... >&-`).
//!
//! Before `main`, Rust's runtime reopens a closed descriptor 0, 1 or 2 on `/dev/null`, so by
//! the time `main` runs a closed standard output cannot be told from `> /dev/null`, and every
//! write to it would succeed: a script testing `$?` would believe the export worked. A function
//! in `.init_array` runs before that runtime start-up (glibc and musl both run the array before
//! `main`'s caller) and records whether descriptor 1 was open. Writes to standard output then
//! fail, as they would on the closed descriptor, and the command exits with 255 like any other
//! output that cannot be written.

use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Records whether descriptor 1 is open; only the process's start-up calls it.
extern "C" fn record_stdout() {
    // SAFETY: fcntl(F_GETFD) only asks the kernel about the descriptor number; it reads and
    // writes no memory, and a closed descriptor makes it fail with EBADF, which is the answer.
    let fd = unsafe { rustix::fd::BorrowedFd::borrow_raw(1) };
    if rustix::io::fcntl_getfd(fd) == Err(rustix::io::Errno::BADF) {
        CLOSED_AT_START.store(true, Ordering::Relaxed);
    }
}

#[cfg(target_os = "linux")]
#[used]
// SAFETY: the entry is a plain `extern "C" fn()`, the shape both C libraries call.
#[unsafe(link_section = ".init_array")]
static RECORD_STDOUT: extern "C" fn() = record_stdout;

/// Whether descriptor 1 was closed when the process started (always false off Linux, where
/// nothing records it).
pub fn closed_at_start() -> bool {
    CLOSED_AT_START.load(Ordering::Relaxed)
}

/// Standard output as it was at the start: closed, so every write fails.
pub struct ClosedStdout;

impl std::io::Write for ClosedStdout {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other(
            "standard output is closed; redirect it to a file, or to /dev/null to discard it",
        ))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
