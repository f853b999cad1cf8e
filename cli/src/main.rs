//! `credchain`: which AWS settings and credentials a program will get, and why, resolved as the
//! AWS CLI v2 resolves them.
//!
//! A thin frontend over credchain-core; the steps, in order:
//!
//! ```text
//!   args.rs ──▶ files.rs ──────────────────▶ commands/ ──────────▶ output/
//!   (clap)      locate, load, parse, warn    evaluate, answer       table, masking, export
//!                                              └─▶ chain.rs          formats, explain, JSON
//!                                                  plan, execute  └──▶ failure.rs: exit status
//! ```
//!
//! - [`args`]: the command line (clap derive), mirroring the AWS CLI's names.
//! - [`files`]: the shared files through the core's locate, load and parse, with the host I/O.
//! - [`chain`]: the credential chain (the core's plan and execute) with the machine's I/O,
//!   shared by every command that needs credentials.
//! - [`commands`]: `configure`, `export-credentials`, `explain`, `exec`.
//! - [`output`]: the table, masking of keys, the export formats, the explain report, warnings.
//! - [`failure`]: errors and the AWS CLI's exit statuses (253, 254, 255; clap's 2 for usage;
//!   `exec`'s 126, 127 and pass-through).
//! - [`closed_stdout`]: a standard output closed at start-up (`>&-`) fails every write.
#![deny(unsafe_code)]

mod args;
mod chain;
#[allow(unsafe_code)] // the one start-up hook: see its module doc
mod closed_stdout;
mod commands;
mod failure;
mod files;
mod output;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use credchain_core::host::StdEnv;

use crate::args::Cli;
use crate::failure::Failure;
use crate::output::escape::Escaping;
use crate::output::Streams;

fn main() -> ExitCode {
    let mut command = Cli::command();
    let mut matches = command.get_matches_mut();
    let cli = Cli::from_arg_matches_mut(&mut matches)
        .map_err(|e| e.format(&mut command))
        .unwrap_or_else(|e| e.exit());
    // The process is short: freeing clap's command tree would hand its memory back to the
    // system page by page (musl unmaps each emptied group), for nothing.
    std::mem::forget((command, matches));
    let env = StdEnv::new();
    // Terminal control characters from outside (a helper's stderr, a service's message, names
    // and values from the files) are escaped on stderr, and on stdout when it is a terminal.
    let stdout = io::stdout().lock();
    let mut out: Box<dyn Write> = if closed_stdout::closed_at_start() {
        Box::new(closed_stdout::ClosedStdout)
    } else if stdout.is_terminal() {
        Box::new(BufWriter::new(Escaping::new(stdout)))
    } else {
        Box::new(BufWriter::new(stdout))
    };
    let mut err = Escaping::new(io::stderr().lock());
    let result = env.check().map_err(Failure::configuration).and_then(|()| {
        commands::run(
            &cli,
            &env,
            &mut Streams {
                out: &mut out,
                err: &mut err,
            },
        )
    });
    let flushed = out.flush().map_err(Failure::from);
    let status = match result.and(flushed) {
        Ok(()) => 0,
        Err(failure) => failure.report(&mut err),
    };
    let _ = err.flush();
    ExitCode::from(status)
}
