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
//!
//! With `--server` the command gets a local credentials endpoint instead of keys
//! ([`crate::commands::serve`], started in this process on a port the system picks):
//! AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN are set, the key
//! variables of [`MANAGED`] and the container variables that would win over the two
//! (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) removed,
//! the region set as without it. credchain cannot replace itself then: it runs the command as
//! a child ([`Machine::spawn`]), refreshes the credentials while it runs, passes a SIGTERM on
//! to it (a SIGINT from the terminal reaches the child's process group already), stops the
//! server when it exits and exits with its status (128+N when a signal N ended it).

use std::ffi::OsString;
use std::io;
use std::sync::atomic::Ordering;

use credchain_core::config::settings::Setting;

use crate::args::ExecArgs;
use crate::chain::CONTAINER_VARIABLES;
use crate::commands::export::{resolve_credentials, unknown_profile};
use crate::commands::serve;
use crate::commands::{Context, Run};
use crate::failure::Failure;
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

/// The token variable `exec --server` sets.
const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// The container variables `exec --server` removes besides [`MANAGED`]: the SDKs prefer
/// them to the two it sets.
const CONTAINER_OVERRIDES: [&str; 2] = [
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// How often `exec --server` looks whether its command has exited.
const CHILD_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// The command was found but cannot be run (a shell's status for it).
pub const CANNOT_EXECUTE: u8 = 126;
/// The command was not found (a shell's status for it).
pub const COMMAND_NOT_FOUND: u8 = 127;

/// The region variables, set together.
const REGION_VARIABLES: [&str; 2] = ["AWS_REGION", "AWS_DEFAULT_REGION"];

/// Runs `exec`. The real machine on Unix returns only when the command could not be started.
impl<M: Machine + ?Sized> Run<M> for ExecArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        if self.server {
            return run_served(self, ctx, streams);
        }
        let (region, credentials) = resolve_credentials(ctx, streams, region)?;
        let mut vars = variables(&credentials);
        if let Some(region) = region {
            vars.extend(REGION_VARIABLES.map(|var| (var, region.clone())));
        }
        streams.out.flush()?;
        let (program, rest) = self
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
}

/// The region, resolved before any provider runs: an invalid one fails before anything runs,
/// as in the AWS CLI.
fn region<E: credchain_core::io::Env + ?Sized>(
    eval: &credchain_core::config::evaluate::Evaluator<'_, '_, E>,
) -> Result<Option<String>, Failure> {
    Ok(eval
        .resolve(Setting::Region)
        .map_err(Failure::configuration)?
        .and_then(|r| r.value.as_str())
        .map(str::to_owned))
}

/// `exec --server`: the server started, the command run as a child while the credentials are
/// refreshed, the server stopped, the command's status returned.
fn run_served<M: Machine + ?Sized>(
    args: &ExecArgs,
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let region = ctx.with_evaluator(streams, unknown_profile, |eval, _| region(eval))?;
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Failure::other("no command to run"))?;
    // Registered before the server starts: from here on, SIGINT and SIGTERM do not end
    // credchain while its command runs.
    let signals = ctx.machine.stop_signals();
    let started = serve::start(ctx, streams, 0)?;
    let mut vars = vec![
        (CONTAINER_VARIABLES[1], started.url.clone()),
        (TOKEN_VARIABLE, started.token.clone()),
    ];
    if let Some(region) = region {
        vars.extend(REGION_VARIABLES.map(|var| (var, region.clone())));
    }
    let unset: Vec<&'static str> = MANAGED
        .into_iter()
        .chain(CONTAINER_OVERRIDES)
        .filter(|var| !vars.iter().any(|(name, _)| name == var))
        .collect();
    streams.out.flush()?;
    let launch = Launch {
        program,
        args: rest,
        set: &vars,
        unset: &unset,
    };
    let mut child = match ctx.machine.spawn(&launch) {
        Ok(child) => child,
        Err(error) => {
            started.running.stop();
            return Err(cannot_run(program, &error));
        }
    };
    let mut status = None;
    let mut last_poll = std::time::Instant::now();
    serve::refresh(ctx, streams, &started.shared, || {
        if signals.swap(0, Ordering::SeqCst) == SIGTERM {
            child.terminate();
        }
        if last_poll.elapsed() >= CHILD_POLL {
            last_poll = std::time::Instant::now();
            // A status that cannot be read ends the wait as a failure.
            status = Some(child.try_status().unwrap_or(Some(CANNOT_EXECUTE)));
        }
        status.flatten().is_some()
    });
    started.running.stop();
    match status.flatten() {
        Some(0) => Ok(()),
        Some(code) => Err(Failure::Status(code)),
        None => Err(Failure::Status(CANNOT_EXECUTE)),
    }
}

/// SIGTERM's number, as [`Machine::stop_signals`] records it.
#[cfg(unix)]
const SIGTERM: usize = 15;
#[cfg(not(unix))]
const SIGTERM: usize = usize::MAX;

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
