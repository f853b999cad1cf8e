//! `credchain configure ...`: the AWS CLI's `aws configure` commands.
//!
//! - [`read`]: `get`, `list`, `list-profiles`, which only read.
//! - [`mfa_login`]: `mfa-login`, temporary credentials from STS GetSessionToken written to a
//!   profile.
//!
//! Commands that write the shared files go through [`crate::shared_write`]; `export-credentials`
//! is the top-level command's own code.

pub mod mfa_login;
pub mod read;

use crate::args::ConfigureCommand;
use crate::commands::Context;
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;

/// Runs one `configure` subcommand.
pub fn run<M: Machine + ?Sized>(
    command: &ConfigureCommand,
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    match command {
        ConfigureCommand::Get(args) => read::get(&args.name, ctx, streams)
            // `aws configure get` fails with 255 whatever the cause.
            .map_err(Failure::configuration_as_other),
        ConfigureCommand::List => read::list(ctx, streams),
        ConfigureCommand::ListProfiles => read::list_profiles(ctx, streams),
        ConfigureCommand::ExportCredentials(args) => super::export::run(args, ctx, streams),
        ConfigureCommand::MfaLogin(args) => mfa_login::run(args, ctx, streams),
    }
}
