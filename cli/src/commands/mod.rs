//! The commands: each reads the parsed files through the core and writes its answer.
//!
//! Every command comes in through [`Context`]: the machine, the global options and the dialect,
//! and the one way to the parsed files ([`Context::with_files`]) and the evaluator over them
//! ([`Context::with_evaluator`]). A command file holds only what that command decides and
//! prints.

pub mod completions;
pub mod configure;
pub mod console;
pub mod exec;
pub mod explain;
pub mod export;
pub mod export_token;
pub mod lint;
pub mod login;
pub mod serve;
pub mod signin_flow;
pub mod sso;
pub mod whoami;

use credchain_core::config::evaluate::{EvaluateError, Evaluator, Options};
use credchain_core::Dialect;

use crate::args::{Cli, Command};
use crate::failure::Failure;
use crate::files::{self, Diagnostics, Shared};
use crate::machine::Machine;
use crate::output::Streams;

/// What every command starts from.
pub struct Context<'c, M: Machine + ?Sized> {
    /// Everything taken from outside.
    pub machine: &'c M,
    /// The global options (`--profile`, `--region`...).
    pub options: &'c Options<'c>,
    /// The dialect the shared files are read in.
    pub dialect: Dialect,
    /// The path this run was started with (its first argument), for scripts that call
    /// credchain back.
    pub program: &'c str,
}

impl<M: Machine + ?Sized> Context<'_, M> {
    /// Runs `then` over the parsed shared files; `diagnostics` says whether the sections the
    /// parser skipped are warned about first. Failing to locate, read or parse a file is a
    /// configuration failure.
    pub fn with_files<T>(
        &self,
        diagnostics: Diagnostics,
        streams: &mut Streams<'_>,
        then: impl FnOnce(&Shared<'_>, &mut Streams<'_>) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        files::with_files(self.machine, self.dialect, diagnostics, streams, then)
    }

    /// Runs `then` with the evaluator of the active profile over the parsed files (skipped
    /// sections warned about first). `unknown_profile` words, as this command reports it, a
    /// profile named by an option or a variable that neither file defines.
    pub fn with_evaluator<T>(
        &self,
        streams: &mut Streams<'_>,
        unknown_profile: impl FnOnce(EvaluateError<'_>) -> Failure,
        then: impl FnOnce(&Evaluator<'_, '_, M::Env>, &mut Streams<'_>) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.with_files(Diagnostics::Warn, streams, |shared, streams| {
            let eval = Evaluator::new(shared.files, self.machine.env(), self.options)
                .map_err(unknown_profile)?;
            then(&eval, streams)
        })
    }
}

/// A command's parsed arguments, which run it: the one way every command with arguments comes
/// in (those without, such as `export-token`, are a plain function of the context).
pub trait Run<M: Machine + ?Sized> {
    /// Runs the command on `ctx`'s machine, writing its answer and warnings to `streams`.
    ///
    /// # Errors
    /// The command's [`Failure`], which sets the exit status.
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure>;
}

/// Runs the command `cli` names, on `machine`.
pub fn run(
    cli: &Cli,
    program: &str,
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let options = cli.global.options();
    let ctx = Context {
        machine,
        options: &options,
        dialect: cli.global.dialect.into(),
        program,
    };
    match &cli.command {
        Command::Configure(args) => args.run(&ctx, streams),
        Command::ExportCredentials(args) => args.run(&ctx, streams),
        Command::ExportToken => export_token::run(&ctx, streams),
        Command::Explain(args) => args.run(&ctx, streams),
        Command::Exec(args) => args.run(&ctx, streams),
        Command::Login(args) => args.run(&ctx, streams),
        Command::Logout(args) => args.run(&ctx, streams),
        Command::Serve(args) => args.run(&ctx, streams),
        Command::Sso(command) => command.run(&ctx, streams),
        Command::Whoami(args) => args.run(&ctx, streams),
        Command::Console(args) => args.run(&ctx, streams),
        Command::Lint(args) => args.run(&ctx, streams),
        Command::Completions(args) => completions::run(args, ctx.program, streams),
        Command::Man => completions::man(&<Cli as clap::CommandFactory>::command(), streams),
    }
}
