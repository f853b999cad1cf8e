//! Execute: runs a [`Plan`] through the injected I/O and returns [`Credentials`].
//!
//! Iterative: the base step, then each AssumeRole step in order, each role's credentials signing
//! the next call. Every outcome is checked the way the AWS CLI checks it: credentials that are
//! already expired when they arrive are refused.

// Errors carry the start of a failed process's error output inline: the core has no allocator to
// box it, and the message is what tells a person what went wrong.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

use crate::chain::plan::{
    AssumeRoleStep, BaseStep, Chain, CredentialSource, Plan, StaticKeys, MAX_ROLE_CHAIN,
};
use crate::config::evaluate::Evaluator;
use crate::config::locate::Platform;
use crate::credentials::ProviderKind;
use crate::credentials::{parse_timestamp, Credentials};
use crate::io::{Clock, Command, Env, Fs, Http, Prompt};
use crate::services::endpoint::{self};
use crate::services::retry::RetryConfig;

pub use super::failure::{
    exit_status, Detail, ExecuteError, ProcessFailure, StsFailure, VersionNumber,
};
use super::providers::{assume_role, container, imds, login, process, sso, web_identity};

/// How long `credential_process` may run (the AWS CLI waits forever; a hung helper should not
/// hang every tool that asks for credentials).
pub const PROCESS_TIMEOUT_MS: u32 = 60_000;
/// The most output read from `credential_process`, per stream.
pub const MAX_PROCESS_OUTPUT: usize = 64 * 1024;
/// The longest `credential_process` command line, once unquoted.
pub const MAX_COMMAND_LEN: usize = 4096;
/// The most arguments of a `credential_process` command.
pub const MAX_COMMAND_ARGS: usize = 64;
/// How much of a failed process's standard error is kept for the message.
pub const MAX_STDERR_SHOWN: usize = 1024;
/// The largest web identity token file read.
pub const MAX_WEB_IDENTITY_TOKEN_LEN: usize = 16 * 1024;
/// The longest MFA code accepted at the prompt.
pub const MAX_MFA_CODE_LEN: usize = 64;

/// A provider's future (or the chain's walk, which holds them), on the heap when the core has
/// an allocator. The providers' futures hold their fixed-size buffers (tokens, answers, signing
/// state), and an `async fn` holds the largest of the futures it awaits: inline, every
/// resolution's future was over 300 KB, copied whole each time it moved (most of a static
/// profile's resolution in the npm package) and a risk to small thread stacks. Boxed, each one
/// costs an allocation only when it runs.
#[cfg(feature = "alloc")]
pub(crate) fn outlined<F: core::future::Future>(future: F) -> core::pin::Pin<alloc::boxed::Box<F>> {
    alloc::boxed::Box::pin(future)
}

/// Without an allocator the futures stay inline (see the `alloc` version).
#[cfg(not(feature = "alloc"))]
pub(crate) fn outlined<F: core::future::Future>(future: F) -> F {
    future
}

/// The host I/O that execution uses.
pub struct Io<'i, F: ?Sized, H: ?Sized, C: ?Sized, P: ?Sized, K: ?Sized> {
    /// Files: token files and caches.
    pub fs: &'i F,
    /// HTTP: STS and the other services.
    pub http: &'i H,
    /// Processes: `credential_process`.
    pub command: &'i C,
    /// The person at the terminal: MFA codes.
    pub prompt: &'i P,
    /// The time.
    pub clock: &'i K,
    /// The host's platform: where the caches under the home directory are (the AWS CLI's home
    /// rules differ on Windows). A JavaScript host on Windows is not the wasm module's own.
    pub platform: Platform,
}

/// The host I/O of a resolution as one type: the functions that pass it on name one bound, not
/// five. [`Io`] is the implementation every frontend uses.
pub trait Host {
    /// Files.
    type Fs: Fs + ?Sized;
    /// HTTP.
    type Http: Http + ?Sized;
    /// Processes.
    type Command: Command + ?Sized;
    /// The person at the terminal.
    type Prompt: Prompt + ?Sized;
    /// The time.
    type Clock: Clock + ?Sized;
    /// Files: token files and caches.
    fn fs(&self) -> &Self::Fs;
    /// HTTP: STS and the other services.
    fn http(&self) -> &Self::Http;
    /// Processes: `credential_process`.
    fn command(&self) -> &Self::Command;
    /// The person at the terminal: MFA codes.
    fn prompt(&self) -> &Self::Prompt;
    /// The time.
    fn clock(&self) -> &Self::Clock;
    /// Where the caches under the home directory are.
    fn platform(&self) -> Platform;
}

impl<F, H, C, P, K> Host for Io<'_, F, H, C, P, K>
where
    F: Fs + ?Sized,
    H: Http + ?Sized,
    C: Command + ?Sized,
    P: Prompt + ?Sized,
    K: Clock + ?Sized,
{
    type Fs = F;
    type Http = H;
    type Command = C;
    type Prompt = P;
    type Clock = K;
    fn fs(&self) -> &F {
        self.fs
    }
    fn http(&self) -> &H {
        self.http
    }
    fn command(&self) -> &C {
        self.command
    }
    fn prompt(&self) -> &P {
        self.prompt
    }
    fn clock(&self) -> &K {
        self.clock
    }
    fn platform(&self) -> Platform {
        self.platform
    }
}

/// One resolution in progress: the settings it reads, the host's I/O and the time it started
/// (Unix seconds). Handed from step to step and to each provider.
pub(crate) struct Run<'r, 's, E: ?Sized, I: ?Sized> {
    pub(crate) eval: &'r Evaluator<'s, 's, E>,
    pub(crate) io: &'r I,
    pub(crate) now: i64,
}

impl<E: ?Sized, I: ?Sized> Clone for Run<'_, '_, E, I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E: ?Sized, I: ?Sized> Copy for Run<'_, '_, E, I> {}

/// Runs the plan and returns the credentials it yields, with the host's I/O (an [`Io`]).
pub async fn execute<'s, E: Env + ?Sized, I: Host + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
    plan: &Plan<'s>,
    io: &I,
) -> Result<Credentials, ExecuteError<'s>> {
    let chain = plan.chain.as_ref().ok_or(ExecuteError::NoCredentials)?;
    // botocore reads the metadata settings when it builds the chain, so a bad one fails every
    // lookup, whichever provider would answer.
    imds::check_before_the_chain(eval)
        .map_err(|e| ExecuteError::InstanceMetadata(Detail::new(e)))?;
    let now = io.clock().now_unix();
    let run = Run { eval, io, now };
    let credentials = outlined(run_chain(run, chain)).await?;
    Ok(credentials.with_provider(chain.provider))
}

/// The base step, then the chain's roles as botocore walks them. A role's source is resolved
/// when the chain is built, but only static keys, `credential_process`, the environment and the
/// metadata providers answer then (a console login's file is read then, refreshed only when
/// used); web identity, IAM Identity Center and inner roles are deferred. The outermost role's
/// cache is looked up first: a hit ends the walk, so nothing deferred below it runs; a miss
/// asks for its MFA code and goes one role inwards. STS is then called from the innermost
/// missed role outwards.
async fn run_chain<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    chain: &Chain<'s>,
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, now } = run;
    let roles = &chain.roles;
    let deferred = !matches!(
        chain.base,
        BaseStep::Static(_) | BaseStep::Named(_) | BaseStep::Process { .. }
    );
    if let (BaseStep::Login { profile, session }, false) = (chain.base, roles.is_empty()) {
        outlined(login::check(eval, io, profile, session)).await?;
    }
    let mut codes = MfaCodes::new();
    // One call site for the base step: its future is the largest of all.
    let cached = if deferred {
        outermost_cached(run, roles, &mut codes).await?
    } else {
        None
    };
    let (mut first, mut credentials) = match cached {
        Some(hit) => hit,
        None => (0, base(run, chain).await?),
    };
    let mut base_used = first == 0;
    if !deferred {
        if let Some(hit) = outermost_cached(run, roles, &mut codes).await? {
            (first, credentials) = hit;
            base_used = false;
        }
    }
    if base_used {
        // First use of the base credentials: botocore refreshes refreshable ones that expire
        // within 15 minutes, then refuses them if they are still expired. Eager credentials a
        // cached role makes unnecessary are never used, so never judged.
        if let Some(window) = refresh_due(&credentials, now) {
            if let Some(refetched) = refetch(run, chain).await {
                credentials = window.settle(credentials, refetched)?;
            }
        }
        refuse_expired(&credentials, now)?;
    }
    if first == roles.len() {
        return Ok(credentials);
    }
    before_a_client(eval)?;
    let endpoint = endpoint::sts(eval)
        .and_then(endpoint::Endpoint::for_signing)
        .map_err(ExecuteError::Endpoint)?;
    // `codes` holds the missed roles' codes outermost first: role `i`'s is at `len - 1 - i`.
    for (i, step) in roles.iter().enumerate().skip(first) {
        let args = assume_role::cache_args(step);
        let code = codes.get(roles.len() - 1 - i).map_or("", |c| c.as_str());
        credentials = outlined(assume_role::call(
            run,
            &endpoint,
            &credentials,
            step,
            &args,
            code,
        ))
        .await?;
        refuse_expired(&credentials, now)?;
    }
    Ok(credentials)
}

/// What botocore checks each time it makes a client (an STS, portal or Sign-In call): its
/// `create_client` loads the active profile's bearer token provider, which refuses an
/// `sso_session` that names no `[sso-session]` section or one without `sso_start_url` and
/// `sso_region`, whichever provider is answering. Providers that make no call (keys,
/// `credential_process`, the metadata providers) and cache hits are not affected.
pub(crate) fn before_a_client<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<(), ExecuteError<'s>> {
    match crate::chain::token::token_source(eval) {
        Ok(_) | Err(sso::SsoError::NoSession { .. }) => Ok(()),
        Err(e) => Err(ExecuteError::Sso(Detail::new(e))),
    }
}

/// The MFA codes of a chain's roles.
type MfaCodes = heapless::Vec<assume_role::MfaCode, MAX_ROLE_CHAIN>;

/// The outermost role whose cache serves, as the index of the first role still to call and the
/// cached credentials; each role missed on the way has its MFA code asked for (into `codes`).
async fn outermost_cached<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    roles: &[AssumeRoleStep<'s>],
    codes: &mut MfaCodes,
) -> Result<Option<(usize, Credentials)>, ExecuteError<'s>> {
    let io = run.io;
    for (i, step) in roles.iter().enumerate().rev() {
        let args = assume_role::cache_args(step);
        if let Some(cached) = outlined(assume_role::cached(run, &args)).await {
            return Ok(Some((i + 1, cached)));
        }
        // `codes` has room for every role of a chain.
        let _ = codes.push(assume_role::mfa_code(io, step).await?);
    }
    Ok(None)
}

/// A second fetch of base credentials that botocore refreshes on first use (`credential_process`
/// and the container endpoint, whose `RefreshableCredentials` fetch again); `None` for the others,
/// whose refresh gives what they gave (the environment) or that refresh themselves.
async fn refetch<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    chain: &Chain<'s>,
) -> Option<Result<Credentials, ExecuteError<'s>>> {
    let io = run.io;
    match chain.base {
        BaseStep::Process {
            profile,
            command,
            account_id,
        } => Some(outlined(process::run(io.command(), profile, command, account_id)).await),
        BaseStep::Named(CredentialSource::EcsContainer) | BaseStep::Container => {
            Some(outlined(container::credentials(run)).await)
        }
        _ => None,
    }
}

/// The chain's base credentials (judged for expiry by the caller, on first use). A web identity
/// base of a role chain skips the file cache: the AWS CLI gives that cache to the active
/// profile's web identity provider only.
async fn base<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    chain: &Chain<'s>,
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, .. } = run;
    let credentials = match chain.base {
        BaseStep::Static(keys) => static_credentials(chain.provider, &keys)?,
        BaseStep::Named(CredentialSource::Environment) => {
            // The environment's keys, whatever chose the profile (botocore's credential source).
            // Partial keys read as none here: the profile names its source, which has no keys.
            let keys = crate::chain::plan::environment_keys(eval.env())
                .ok()
                .flatten()
                .ok_or(ExecuteError::NoCredentials)?;
            static_credentials(ProviderKind::Environment, &keys)?
        }
        BaseStep::Process {
            profile,
            command,
            account_id,
        } => outlined(process::run(io.command(), profile, command, account_id)).await?,
        BaseStep::Named(CredentialSource::Ec2InstanceMetadata) => {
            outlined(imds::credentials(run)).await?
        }
        // The metadata service is the default chain's last resort: when it has nothing to give
        // (not there, no role, an unusable answer), the AWS CLI says it found no credentials,
        // not that a service failed.
        BaseStep::InstanceMetadata => match outlined(imds::credentials(run)).await {
            Err(ExecuteError::InstanceMetadata(e)) if e.is_no_credentials() => {
                return Err(ExecuteError::NoneFromMetadata(e))
            }
            other => other?,
        },
        BaseStep::Named(CredentialSource::EcsContainer) | BaseStep::Container => {
            outlined(container::credentials(run)).await?
        }
        BaseStep::WebIdentity(step) => {
            let file_cache = chain.roles.is_empty();
            outlined(web_identity::credentials(run, &step, file_cache)).await?
        }
        BaseStep::Sso(step) => outlined(sso::credentials(run, &step)).await?,
        BaseStep::Login { profile, session } => {
            outlined(login::credentials(run, profile, session)).await?
        }
    };
    Ok(credentials)
}

/// How long before their expiry botocore's refreshable credentials (`credential_process`, the
/// container endpoint) are fetched again when used: the advisory window (a failed refetch keeps
/// the first answer) and the mandatory one (a failed refetch is an error).
const ADVISORY_REFRESH_SECS: i64 = 15 * 60;
const MANDATORY_REFRESH_SECS: i64 = 10 * 60;

/// A refetch that botocore's `RefreshableCredentials` makes, and how a failure of it counts.
#[derive(Clone, Copy)]
enum RefreshWindow {
    Advisory,
    Mandatory,
}

/// Whether credentials just fetched are fetched again before use: botocore's first use of
/// refreshable credentials refreshes them when fewer than 15 minutes remain, so a helper whose
/// answer expires soon runs twice and its second answer is the one used.
fn refresh_due(credentials: &Credentials, now: i64) -> Option<RefreshWindow> {
    let remaining = credentials.expiration()?.saturating_sub(now);
    if remaining < MANDATORY_REFRESH_SECS {
        Some(RefreshWindow::Mandatory)
    } else if remaining < ADVISORY_REFRESH_SECS {
        Some(RefreshWindow::Advisory)
    } else {
        None
    }
}

impl RefreshWindow {
    /// The credentials to use after the refetch.
    fn settle<'a>(
        self,
        first: Credentials,
        refetched: Result<Credentials, ExecuteError<'a>>,
    ) -> Result<Credentials, ExecuteError<'a>> {
        match (refetched, self) {
            (Ok(credentials), _) => Ok(credentials),
            (Err(e), RefreshWindow::Mandatory) => Err(e),
            (Err(_), RefreshWindow::Advisory) => Ok(first),
        }
    }
}

/// The active profile's retry settings, for a retried call.
pub(crate) fn retry_config<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<RetryConfig, ExecuteError<'s>> {
    crate::services::retry::settings(eval)
        .map(|s| s.config)
        .map_err(ExecuteError::RetrySetting)
}

/// The AWS CLI refuses credentials whose expiry has passed when they arrive.
fn refuse_expired<'a>(credentials: &Credentials, now: i64) -> Result<(), ExecuteError<'a>> {
    match credentials.expiration() {
        Some(expiration) if expiration <= now => Err(ExecuteError::Expired {
            provider: credentials.provider(),
            expiration,
        }),
        _ => Ok(()),
    }
}

fn static_credentials<'a>(
    provider: ProviderKind,
    keys: &StaticKeys<'a>,
) -> Result<Credentials, ExecuteError<'a>> {
    let expiration = match keys.expiration {
        Some(e) => {
            Some(parse_timestamp(e.value).ok_or(ExecuteError::BadExpiration { source: e.source })?)
        }
        None => None,
    };
    let credentials = Credentials::new(
        provider,
        keys.access_key_id.value,
        keys.secret_access_key.expose(),
        keys.session_token.map(|t| t.expose()),
        expiration.map(|e| e.unix),
        keys.account_id.map(|a| a.value),
    )?;
    Ok(match expiration {
        Some(e) => credentials.with_expiration_form(e.form),
        None => credentials,
    })
}
