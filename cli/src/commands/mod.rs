//! The commands: each reads the parsed files through the core and writes its answer.

pub mod configure;
pub mod exec;
pub mod explain;
pub mod export;
pub mod export_token;

use credchain_core::io::Env;

use crate::args::{Cli, Command};
use crate::failure::Failure;
use crate::output::Streams;

/// Runs the command `cli` names, in the environment `env`.
pub fn run<E: Env + ?Sized>(cli: &Cli, env: &E, streams: &mut Streams<'_>) -> Result<(), Failure> {
    let options = cli.global.options();
    let dialect = cli.global.dialect.into();
    match &cli.command {
        Command::Configure(command) => configure::run(command, env, &options, dialect, streams),
        Command::ExportCredentials(args) => export::run(args, env, &options, dialect, streams),
        Command::ExportToken => export_token::run(env, &options, dialect, streams),
        Command::Explain(args) => explain::run(args, env, &options, dialect, streams),
        Command::Exec(args) => exec::run(args, env, &options, dialect, streams),
    }
}
