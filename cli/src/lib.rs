//! `credchain`: which AWS settings and credentials a program will get, and why, resolved as the
//! AWS CLI v2 resolves them.
//!
//! A thin frontend over credchain-core. The binary (`main.rs`) builds the real machine and
//! calls [`run`]; everything else is this library, which reaches the outside world only through
//! the [`Machine`] it is given and the two writers. The steps, in order:
//!
//! ```text
//!   lib.rs ──▶ args.rs ──▶ files.rs ──────────────────▶ commands/ ──────────▶ output/
//!   run        (clap)      locate, load, parse, warn    evaluate, answer       table, masking, export
//!                                                         └─▶ chain.rs          formats, explain, JSON
//!                                                             plan, execute  └──▶ failure.rs: exit status
//!   machine.rs: env, files, HTTP, processes, prompt, stdin, clock, exec (used by files, chain,
//!   commands, shared_write)
//! ```
//!
//! - `machine`: [`Machine`], everything taken from outside; [`StdMachine`], the real one.
//! - `args`: the command line (clap derive), mirroring the AWS CLI's names.
//! - `files`: the shared files through the core's locate, load and parse, read by the machine.
//! - `chain`: the credential chain (the core's plan and execute) with the machine's I/O,
//!   shared by every command that needs credentials.
//! - `commands`: `configure`, `export-credentials`, `export-token`, `explain`, `exec`,
//!   `serve` (the local credentials endpoint; its threads are the only ones besides `files`').
//! - `shared_write`: writing the shared files (locate, store through the machine, the AWS
//!   CLI's warning about a credentials file others may read), for the commands that write.
//! - `output`: the table, masking of keys, the export formats, the explain report, warnings.
//! - `failure`: errors and the AWS CLI's exit statuses (253, 254, 255; clap's 2 for usage;
//!   `exec`'s 126, 127 and pass-through).
//!
//! No module but `machine` may use `std::fs`, `std::env`, `std::process`, the standard streams
//! or the core's `host` module; threads only in `files` (two large files at once) and
//! `commands/serve` (the server's acceptor and connection threads).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod chain;
mod commands;
mod failure;
mod files;
mod machine;
mod output;
mod shared_write;
mod sts_call;

use std::ffi::OsString;
use std::io::{BufWriter, Write};

use clap::{ArgMatches, CommandFactory, FromArgMatches};
use credchain_core::io::Env as _;

pub use crate::machine::{
    CheckedEnv, Child, Launch, Machine, MachineIo, StdMachine, Stream, UrlProbe,
};

/// `credchain serve`'s HTTP reading and answering, pure (for the `serve_request` fuzz target).
#[doc(hidden)]
pub use crate::commands::serve::http as serve_http;

use crate::args::Cli;
use crate::failure::Failure;
use crate::output::escape::Escaping;
use crate::output::style::Style;
use crate::output::Streams;

/// The command line's parser, built once and kept for any number of runs (building clap's
/// command tree costs more than most commands).
pub struct CommandLine {
    command: clap::Command,
    /// The last run's parsed arguments, kept until the next run, so that a process that ends
    /// after one run can skip freeing them along with the parser (see `main.rs`).
    matches: Option<ArgMatches>,
}

impl CommandLine {
    /// Builds the parser.
    #[must_use]
    pub fn new() -> Self {
        CommandLine {
            command: Cli::command(),
            matches: None,
        }
    }

    /// Runs one command line (`args`, the program's name first) on `machine`, writing its
    /// answer to `out` and its warnings and errors to `err`, and returns the exit status, as
    /// the `credchain` binary does: usage errors are clap's message on `err` and 2, `--help`
    /// and `--version` go to `out` with 0; otherwise the statuses of `failure.rs` (0, 1, 126,
    /// 127, 253, 254, 255, or `exec`'s command's own).
    ///
    /// Terminal control characters from outside are escaped on `err`, and on `out` when the
    /// machine says standard output is a terminal. `out` is buffered here and flushed before
    /// `exec` starts its command and at the end.
    pub fn run(
        &mut self,
        args: impl IntoIterator<Item = OsString>,
        machine: &(impl Machine + ?Sized),
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> u8 {
        self.matches = None;
        let args: Vec<OsString> = args.into_iter().collect();
        if let Some(shell) = machine.env().var(commands::completions::COMPLETE_VAR) {
            if !shell.is_empty() && shell != "0" {
                return commands::completions::complete(shell, &self.command, args, machine, out);
            }
        }
        let program = args.first().map_or_else(
            || "credchain".to_owned(),
            |p| p.to_string_lossy().into_owned(),
        );
        let cli = match self.parse(args) {
            Ok(cli) => cli,
            Err(error) => return usage(&error, machine, out, err),
        };
        let style = Style {
            colour: machine.colours(Stream::Stdout),
        };
        let mut out: Box<dyn Write + '_> = if machine.stdout_is_terminal() {
            Box::new(BufWriter::new(Escaping::with_style(out, style)))
        } else {
            Box::new(BufWriter::new(out))
        };
        let mut err = Escaping::new(err);
        let result = machine
            .check_env()
            .map_err(Failure::configuration)
            .and_then(|()| {
                commands::run(
                    &cli,
                    &program,
                    machine,
                    &mut Streams {
                        out: &mut out,
                        err: &mut err,
                        style,
                    },
                )
            });
        let flushed = out.flush().map_err(Failure::from);
        let status = match result.and(flushed) {
            Ok(()) => 0,
            Err(failure) => failure.report(&mut err),
        };
        let _ = err.flush();
        status
    }

    fn parse(&mut self, args: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
        let matches = self
            .matches
            .insert(self.command.try_get_matches_from_mut(args)?);
        Cli::from_arg_matches_mut(matches).map_err(|e| e.format(&mut self.command))
    }
}

impl Default for CommandLine {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs one command line on `machine` with a parser of its own: [`CommandLine::run`].
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    machine: &(impl Machine + ?Sized),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    CommandLine::new().run(args, machine, out, err)
}

/// What clap's `Error::exit` does, on the given writers: the message (help and version on
/// `out`, errors on `err`), coloured as the machine says, and clap's status (0 or 2).
fn usage(
    error: &clap::Error,
    machine: &(impl Machine + ?Sized),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (stream, writer): (Stream, &mut dyn Write) = if error.use_stderr() {
        (Stream::Stderr, &mut *err)
    } else {
        (Stream::Stdout, &mut *out)
    };
    let rendered = error.render();
    // Nothing better can be done when the stream itself cannot be written.
    let _ = if machine.colours(stream) {
        write!(writer, "{}", rendered.ansi())
    } else {
        write!(writer, "{rendered}")
    };
    let _ = writer.flush();
    u8::try_from(error.exit_code()).unwrap_or(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_args(line: &mut CommandLine, args: &[&str]) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = std::iter::once("credchain").chain(args.iter().copied());
        let status = line.run(
            args.map(OsString::from),
            &StdMachine::new(),
            &mut out,
            &mut err,
        );
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (status, text(out), text(err))
    }

    #[test]
    fn clap_answers_on_the_given_writers_and_the_parser_serves_again() {
        let mut line = CommandLine::new();
        let (status, out, err) = run_args(&mut line, &["--version"]);
        assert_eq!((status, err.as_str()), (0, ""));
        assert_eq!(out, format!("credchain {}\n", env!("CARGO_PKG_VERSION")));
        let (status, out, err) = run_args(&mut line, &["no-such-command"]);
        assert_eq!((status, out.as_str()), (2, ""));
        assert!(err.contains("no-such-command"), "{err}");
        let (status, out, _) = run_args(&mut line, &["configure", "--help"]);
        assert_eq!(status, 0);
        assert!(out.contains("credchain configure"), "{out}");
        let (status, _, err) = run_args(&mut line, &[]);
        assert_eq!(status, 2);
        assert!(err.contains("Usage:"), "{err}");
    }
}
