//! `credchain configure ...`: the AWS CLI's `aws configure` commands.
//!
//! - [`read`]: `get`, `list`, `list-profiles`, which only read.
//! - [`mfa_login`]: `mfa-login`, temporary credentials from STS GetSessionToken written to a
//!   profile.
//! - [`set`]: `configure set`, one value.
//! - [`interactive`]: `configure` with no subcommand, the four prompts.
//! - [`import`]: `configure import`, the IAM console's CSV.
//!
//! Commands that write the shared files go through [`crate::shared_write`]; `export-credentials`
//! is the top-level command's own code.

pub mod import;
pub mod interactive;
pub mod menu;
pub mod mfa_login;
pub mod read;
pub mod set;
pub mod sso;

use crate::args::{ConfigureArgs, ConfigureCommand};
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;

/// Writes `prompt`, then [`read_answer_line`].
fn answer(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    prompt: &str,
    what: &str,
) -> Result<String, Failure> {
    streams.out.write_all(prompt.as_bytes())?;
    read_answer_line(machine, streams, what)
}

/// Flushes the prompt already written and reads the answer line (as typed, without its line
/// end); `what` names the question in the failures: the input cannot be read, or it ended
/// first (nothing is written then).
fn read_answer_line(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    what: &str,
) -> Result<String, Failure> {
    streams.out.flush()?;
    machine
        .read_line()
        .map_err(|e| Failure::Other(format!("cannot read the answer to \"{what}\": {e}")))?
        .ok_or_else(|| {
            Failure::Other(format!(
                "standard input ended before the answer to \"{what}\"; nothing was written"
            ))
        })
}

/// Runs one `configure` subcommand, or the interactive set-up when there is none.
impl<M: Machine + ?Sized> Run<M> for ConfigureArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let Some(command) = &self.command else {
            return interactive::run(ctx, streams);
        };
        match command {
            ConfigureCommand::Get(args) => args
                .run(ctx, streams)
                // `aws configure get` fails with 255 whatever the cause.
                .map_err(Failure::configuration_as_other),
            ConfigureCommand::List => read::list(ctx, streams),
            ConfigureCommand::ListProfiles => read::list_profiles(ctx, streams),
            ConfigureCommand::ExportCredentials(args) => args.run(ctx, streams),
            ConfigureCommand::MfaLogin(args) => args.run(ctx, streams),
            ConfigureCommand::Set(args) => args.run(ctx, streams),
            ConfigureCommand::Import(args) => args.run(ctx, streams),
            ConfigureCommand::Sso(args) => args.run(ctx, streams),
            ConfigureCommand::SsoSession => sso::run_session(ctx, streams),
        }
    }
}
