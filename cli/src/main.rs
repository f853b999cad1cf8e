//! The `credchain` binary: the library's [`credchain_cli::run`] on the real machine, with the
//! process's arguments and standard streams. Everything else is in the library (`lib.rs`),
//! but for [`closed_stdout`], the start-up hook that must live in the binary.
#![deny(unsafe_code)]

#[allow(unsafe_code)] // the one start-up hook: see its module doc
mod closed_stdout;

use std::io::{self, Write};
use std::process::ExitCode;

use credchain_cli::{CommandLine, StdMachine};

fn main() -> ExitCode {
    let mut command_line = CommandLine::new();
    let stdout = io::stdout();
    // A standard output closed at start-up (`>&-`) fails every write, as the closed
    // descriptor would: the runtime has put /dev/null in its place.
    let mut out: Box<dyn Write> = if closed_stdout::closed_at_start() {
        Box::new(closed_stdout::ClosedStdout)
    } else {
        Box::new(stdout.lock())
    };
    let status = command_line.run(
        std::env::args_os(),
        &StdMachine::new(),
        &mut out,
        &mut io::stderr().lock(),
    );
    // The process is short: freeing clap's command tree would hand its memory back to the
    // system page by page (musl unmaps each emptied group), for nothing.
    std::mem::forget(command_line);
    ExitCode::from(status)
}
