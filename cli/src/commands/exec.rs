//! `credchain exec -- CMD ARGS...`: runs a command with the credentials and the region in its
//! environment.
//!
//! The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
//! AWS_CREDENTIAL_EXPIRATION as `export-credentials --format env` would set them (the last two
//! removed when the credentials have none, so a stale value cannot pair with new keys),
//! AWS_REGION and AWS_DEFAULT_REGION when a region resolves, and no AWS_SECURITY_TOKEN (the AWS
//! CLI prefers it to AWS_SESSION_TOKEN). Everything else is inherited.
//!
//! The command is started by the machine's launcher ([`Machine::launch`]). On Unix the real
//! machine replaces credchain with the command (`execvp`), as aws-vault does: the exit
//! status is the command's own, signals (Ctrl-C, a supervisor's SIGTERM) reach the command
//! directly with no process in between to forward them, and a command killed by signal N is
//! reported by the shell as 128+N, exactly as if it had been run directly. Elsewhere the
//! command runs as a child and its exit code is passed through. A command that cannot be found
//! exits with 127, one that cannot be run with 126, as a shell reports them.

use std::ffi::OsString;
use std::io;

use credchain_core::config::settings::Setting;

use crate::args::ExecArgs;
use crate::commands::export::resolve_credentials;
use crate::commands::Context;
use crate::failure::{Failure, CANNOT_EXECUTE, COMMAND_NOT_FOUND};
use crate::machine::{Launch, Machine};
use crate::output::export::variables;
use crate::output::Streams;

/// The variables `exec` sets or removes; the ones not set are removed.
pub const MANAGED: [&str; 7] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];

/// The region variables, set together.
const REGION_VARIABLES: [&str; 2] = ["AWS_REGION", "AWS_DEFAULT_REGION"];

/// Runs `exec`. The real machine on Unix returns only when the command could not be started.
pub fn run<M: Machine + ?Sized>(
    args: &ExecArgs,
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let (region, credentials) = resolve_credentials(ctx, streams, |eval| {
        // An invalid region fails before anything runs, as in the AWS CLI.
        Ok(eval
            .resolve(Setting::Region)
            .map_err(Failure::configuration)?
            .and_then(|r| r.value.as_str())
            .map(str::to_owned))
    })?;
    let mut vars = variables(&credentials);
    if let Some(region) = region {
        vars.extend(REGION_VARIABLES.map(|var| (var, region.clone())));
    }
    streams.out.flush()?;
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Failure::other("no command to run"))?;
    let unset: Vec<&'static str> = MANAGED
        .into_iter()
        .filter(|var| !vars.iter().any(|(name, _)| name == var))
        .collect();
    let launch = Launch {
        program,
        args: rest,
        set: &vars,
        unset: &unset,
    };
    match ctx.machine.launch(&launch) {
        Ok(0) => Ok(()),
        Ok(status) => Err(Failure::Status(status)),
        Err(error) => Err(cannot_run(program, &error)),
    }
}

/// The failure of a command that could not be started: 127 when it was not found, else 126.
fn cannot_run(program: &OsString, error: &io::Error) -> Failure {
    let name = program.to_string_lossy();
    match error.kind() {
        io::ErrorKind::NotFound => Failure::with_status(
            COMMAND_NOT_FOUND,
            format!(
                "cannot run {name}: command not found; check the name, or give its path \
                 (PATH is searched for names without a /)"
            ),
        ),
        io::ErrorKind::PermissionDenied => Failure::with_status(
            CANNOT_EXECUTE,
            format!("cannot run {name}: permission denied; make it executable"),
        ),
        _ => Failure::with_status(CANNOT_EXECUTE, format!("cannot run {name}: {error}")),
    }
}
