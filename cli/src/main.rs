//! The `credchain` binary: the library's [`credchain::run`] on the real machine, with the
//! process's arguments and standard streams. Everything else is in the library (`lib.rs`).
#![forbid(unsafe_code)]

use std::io;
use std::process::ExitCode;

use credchain::{CommandLine, StdMachine};

fn main() -> ExitCode {
    let mut command_line = CommandLine::new();
    let status = command_line.run(
        std::env::args_os(),
        &StdMachine::new(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    );
    // The process is short: freeing clap's command tree would hand its memory back to the
    // system page by page (musl unmaps each emptied group), for nothing.
    std::mem::forget(command_line);
    ExitCode::from(status)
}
