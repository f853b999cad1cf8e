//! The commands: each reads the parsed files through the core and writes its answer.

pub mod configure;
pub mod exec;
pub mod explain;
pub mod export;
pub mod export_token;

use crate::args::{Cli, Command};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;

/// Runs the command `cli` names, on `machine`.
pub fn run<M: Machine + ?Sized>(
    cli: &Cli,
    machine: &M,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let options = cli.global.options();
    let dialect = cli.global.dialect.into();
    match &cli.command {
        Command::Configure(command) => configure::run(command, machine, &options, dialect, streams),
        Command::ExportCredentials(args) => export::run(args, machine, &options, dialect, streams),
        Command::ExportToken => export_token::run(machine, &options, dialect, streams),
        Command::Explain(args) => explain::run(args, machine, &options, dialect, streams),
        Command::Exec(args) => exec::run(args, machine, &options, dialect, streams),
    }
}
