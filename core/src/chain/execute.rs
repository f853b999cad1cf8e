//! Execute: runs a [`Plan`] through the injected I/O and returns [`Credentials`].
//!
//! Iterative: the base step, then each AssumeRole step in order, each role's credentials signing
//! the next call. Every outcome is checked the way the AWS CLI checks it: credentials that are
//! already expired when they arrive are refused.

// Errors carry the start of a failed process's error output inline: the core has no allocator to
// box it, and the message is what tells a person what went wrong.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

use core::fmt;

use crate::chain::plan::{
    AssumeRoleStep, BaseStep, Chain, CredentialSource, Plan, StaticKeys, MAX_ROLE_CHAIN,
};
use crate::config::evaluate::Evaluator;
use crate::config::locate::Platform;
use crate::credentials::ProviderKind;
use crate::credentials::{parse_timestamp, Credentials, TooLong};
use crate::io::{
    Clock, Command, CommandError, Env, Fs, FsError, FsErrorKind, Http, Prompt, PromptError,
};
use crate::services::endpoint::{self, EndpointError, MAX_ENDPOINT_URL_LEN};
use crate::services::exchange::FailedExchange;
use crate::services::retry::{RetryConfig, RetrySettingError};
use crate::services::sts::{Operation, StsError, StsErrorKind};
use crate::Source;
use crate::Sourced;

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

/// Why a `credential_process` gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessFailure {
    /// The command is empty or its quotes do not close.
    BadCommand,
    /// The command is longer than [`MAX_COMMAND_LEN`] or has more than [`MAX_COMMAND_ARGS`]
    /// arguments.
    CommandTooLong,
    /// It could not be started or did not finish (not found, timeout, too much output).
    Run(CommandError),
    /// It exited with a failure status (`None`: ended by a signal).
    Exit {
        /// The exit code.
        code: Option<i32>,
        /// The start of its standard error.
        stderr: heapless::String<MAX_STDERR_SHOWN>,
    },
    /// Its output is not the expected JSON object.
    BadJson,
    /// The JSON's `Version` is a number other than 1.
    UnsupportedVersion(VersionNumber),
    /// `Expiration` is not an ISO 8601 time.
    BadExpiration,
}

/// The `Version` a `credential_process` printed: any JSON number (the AWS CLI compares it with
/// Python's `==`, so `1`, `1.0` and `1e0` are all Version 1).
#[derive(Debug, Clone, Copy)]
pub struct VersionNumber(pub f64);

impl PartialEq for VersionNumber {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for VersionNumber {}

impl fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Whole numbers as integers (`2`, not `2.0`): what a helper most likely printed.
        // (`f64::fract` needs std: a whole number is one that survives the round trip.)
        let whole = self.0 as i64;
        if self.0 > -1e15 && self.0 < 1e15 && whole as f64 == self.0 {
            write!(f, "{whole}")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Why execution failed. Each names the provider and what to do; none carries a secret.
#[derive(Debug, Clone)]
pub enum ExecuteError<'a> {
    /// The plan found no configured provider.
    NoCredentials,
    /// No provider but EC2 instance metadata is configured, and it had no credentials to give
    /// (not reachable, no role, an unusable answer): "no credentials", with its reason.
    NoneFromMetadata(imds::ImdsError<'a>),
    /// `credential_process` failed.
    Process {
        /// The profile that names the command.
        profile: &'a str,
        /// The command, as configured.
        command: Sourced<'a>,
        /// What went wrong.
        failure: ProcessFailure,
    },
    /// The credentials had expired when they arrived.
    Expired {
        /// The provider.
        provider: ProviderKind,
        /// The expiry, in Unix seconds.
        expiration: i64,
    },
    /// An expiry that is not an ISO 8601 time.
    BadExpiration {
        /// Where it came from.
        source: Source<'a>,
    },
    /// A credential is longer than the core keeps.
    TooLong(TooLong),
    /// The STS endpoint could not be resolved.
    Endpoint(EndpointError<'a>),
    /// An STS call failed.
    Sts(StsFailure<'a>),
    /// The web identity token file could not be read.
    TokenFile {
        /// Where the path is configured.
        path: Sourced<'a>,
        /// What went wrong: `None` when the file does not exist or is not UTF-8 text.
        error: Option<FsError>,
    },
    /// The container endpoint gave no credentials.
    Container(container::ContainerError<'a>),
    /// EC2 instance metadata gave no credentials.
    InstanceMetadata(imds::ImdsError<'a>),
    /// IAM Identity Center gave no credentials.
    Sso(sso::SsoError<'a>),
    /// A console login session gave no credentials.
    Login(login::LoginError<'a>),
    /// `retry_mode` or `max_attempts` has a value the AWS CLI v2 refuses (checked when a
    /// retried service call is about to be made, as botocore checks it when it makes the client).
    RetrySetting(RetrySettingError<'a>),
    /// No MFA code could be read for a role that needs one.
    Mfa {
        /// The profile.
        profile: &'a str,
        /// The device.
        serial: Sourced<'a>,
        /// Why.
        error: PromptError,
    },
}

/// A failed STS call, owning the endpoint's URL (the endpoint is resolved during execution).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsFailure<'a> {
    /// The operation.
    pub operation: Operation,
    /// The role asked for.
    pub role_arn: &'a str,
    /// The endpoint's URL.
    pub endpoint: heapless::String<MAX_ENDPOINT_URL_LEN>,
    /// Where the endpoint came from.
    pub origin: endpoint::Origin<'a>,
    /// What went wrong.
    pub kind: StsErrorKind,
}

impl StsFailure<'_> {
    /// Whether STS itself answered with an error (the AWS CLI's exit code 254), rather than
    /// the call failing on the way.
    #[must_use]
    pub fn is_service_error(&self) -> bool {
        matches!(self.kind, StsErrorKind::Service { .. })
    }
}

impl<'a> StsFailure<'a> {
    pub(crate) fn from_error(
        e: StsError<'_>,
        role_arn: &'a str,
        origin: endpoint::Origin<'a>,
    ) -> Self {
        let mut url = heapless::String::new();
        // The endpoint's URL already fits MAX_ENDPOINT_URL_LEN.
        let _ = url.push_str(e.endpoint);
        StsFailure {
            operation: e.operation,
            role_arn,
            endpoint: url,
            origin,
            kind: e.kind,
        }
    }
}

impl fmt::Display for StsFailure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = StsError {
            operation: self.operation,
            role_arn: self.role_arn,
            endpoint: &self.endpoint,
            origin: self.origin,
            kind: self.kind.clone(),
        };
        e.fmt(f)
    }
}

impl ExecuteError<'_> {
    /// Whether a service answered with an error status (the AWS CLI's exit code 254), rather
    /// than the configuration being wrong or the call failing on the way.
    #[must_use]
    pub fn is_service_error(&self) -> bool {
        match self {
            ExecuteError::Sts(e) => e.is_service_error(),
            ExecuteError::Container(e) => e.is_service_error(),
            ExecuteError::InstanceMetadata(e) => e.is_service_error(),
            ExecuteError::Sso(e) => e.is_service_error(),
            ExecuteError::Login(e) => e.is_service_error(),
            _ => false,
        }
    }
}

/// The AWS CLI v2's exit statuses (awscli/constants.py): what its error handlers
/// (awscli/errorhandler.py) end a command with.
pub mod exit_status {
    /// `ConfigurationError`, `NoCredentialsError`, `NoRegionError`.
    pub const CONFIGURATION: u8 = 253;
    /// A service answered with an error (botocore's `ClientError`).
    pub const CLIENT: u8 = 254;
    /// Any other failure (a connection error, an unreadable answer, a login that is over).
    pub const GENERAL: u8 = 255;
}

impl ExecuteError<'_> {
    /// The exit status `aws configure export-credentials` ends with for this failure. The AWS
    /// CLI turns what fails while the chain is built (static keys, `credential_process`, the
    /// container endpoint, instance metadata, a console login's file: botocore resolves them
    /// at once) into a `ConfigurationError` (253); what fails when deferred credentials are
    /// first used (STS, IAM Identity Center, a web identity token file, a login refresh, an
    /// expiry found on use) reaches its handlers as it is: a service's error answer 254, the
    /// rest 255.
    #[must_use]
    pub fn awscli_exit_status(&self) -> u8 {
        use exit_status::{CLIENT, CONFIGURATION, GENERAL};
        match self {
            ExecuteError::NoCredentials
            | ExecuteError::NoneFromMetadata(_)
            | ExecuteError::Process { .. }
            | ExecuteError::BadExpiration { .. }
            | ExecuteError::TooLong(_)
            | ExecuteError::Container(_)
            | ExecuteError::InstanceMetadata(_) => CONFIGURATION,
            // botocore's RefreshableCredentials raise a RuntimeError when refreshed credentials
            // are still expired; an MFA prompt with nothing to read raises EOFError.
            ExecuteError::Expired { .. }
            | ExecuteError::TokenFile { .. }
            | ExecuteError::Mfa { .. } => GENERAL,
            // botocore checks retry_mode and max_attempts when it makes a deferred call's client
            // (InvalidRetryConfigurationError, or int()'s ValueError): 255.
            ExecuteError::RetrySetting(_) => GENERAL,
            ExecuteError::Endpoint(e) => endpoint_status(e),
            ExecuteError::Sts(failure) => match &failure.kind {
                StsErrorKind::RequestTooLong | StsErrorKind::Sign(_) => CONFIGURATION,
                StsErrorKind::Http { .. } => GENERAL,
                StsErrorKind::Service { .. } => CLIENT,
                // An answer botocore cannot parse is a ClientError when its status is an
                // error, a parser error when it is a success.
                StsErrorKind::EmptyBody { status }
                | StsErrorKind::WrongContentType { status, .. }
                | StsErrorKind::NotXml { status }
                | StsErrorKind::Malformed { status, .. } => {
                    if *status >= 300 {
                        CLIENT
                    } else {
                        GENERAL
                    }
                }
            },
            ExecuteError::Sso(e) => match e {
                sso::SsoError::Service(failure) => call_status(failure),
                sso::SsoError::Endpoint(e) => endpoint_status(e),
                // UnauthorizedSSOTokenError, SSOTokenLoadError, TokenRetrievalError: SSOError.
                _ => GENERAL,
            },
            ExecuteError::Login(e) => match e {
                // The cache file is read when the chain is built: LoginTokenLoadError there.
                login::LoginError::NoCachePath { .. }
                | login::LoginError::NoSession { .. }
                | login::LoginError::Unreadable { .. }
                | login::LoginError::Malformed { .. } => CONFIGURATION,
                login::LoginError::Endpoint { error, .. } => endpoint_status(error),
                // AccessDeniedException is turned into a LoginError; other error answers stay
                // ClientErrors.
                login::LoginError::Refresh { failure, .. }
                | login::LoginError::Service(failure) => {
                    if failure
                        .code()
                        .is_some_and(|c| c.contains("AccessDenied") || login::is_refresh_refusal(c))
                    {
                        GENERAL
                    } else {
                        call_status(failure)
                    }
                }
                login::LoginError::BadKey { .. } => GENERAL,
            },
        }
    }
}

/// A deferred call that failed: an error answer is a ClientError (254), anything else (no
/// answer, an unusable one) one of botocore's own errors (255).
fn call_status(failure: &crate::services::exchange::ServiceFailure) -> u8 {
    if failure.is_service_error() {
        exit_status::CLIENT
    } else {
        exit_status::GENERAL
    }
}

/// An endpoint that cannot be resolved when a deferred client is made: no region is botocore's
/// `NoRegionError` (253), anything else 255.
fn endpoint_status(error: &EndpointError<'_>) -> u8 {
    if error.is_no_region() {
        exit_status::CONFIGURATION
    } else {
        exit_status::GENERAL
    }
}

impl From<TooLong> for ExecuteError<'_> {
    fn from(e: TooLong) -> Self {
        ExecuteError::TooLong(e)
    }
}

impl fmt::Display for ExecuteError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecuteError::NoCredentials => f.write_str(
                "unable to locate credentials: no provider is configured; run `credchain explain` to see what \
                 was tried, or configure credentials with `aws configure`",
            ),
            ExecuteError::NoneFromMetadata(e) => write!(
                f,
                "unable to locate credentials: no provider is configured, and {e}; run `credchain explain` to \
                 see what was tried, or configure credentials with `aws configure`"
            ),
            ExecuteError::Process { profile, command, failure } => {
                write!(f, "profile {profile}: credential_process ({}) ", command.source)?;
                match failure {
                    ProcessFailure::BadCommand => f.write_str("is empty or has an unclosed quote; fix the command"),
                    ProcessFailure::CommandTooLong => write!(
                        f,
                        "is longer than {MAX_COMMAND_LEN} bytes or {MAX_COMMAND_ARGS} arguments; shorten it or wrap \
                         it in a script"
                    ),
                    ProcessFailure::Run(e) => {
                        use crate::io::CommandErrorKind::*;
                        match e.kind {
                            NotFound => f.write_str("could not be started: the program was not found; check the path"),
                            PermissionDenied => {
                                f.write_str("could not be started: permission denied; make the program executable")
                            }
                            Timeout => write!(
                                f,
                                "did not finish within {} s and was stopped, with the processes it started (it \
                                 finishes when it has exited and its output is closed, by any background process too)",
                                PROCESS_TIMEOUT_MS / 1000
                            ),
                            TooLarge => write!(f, "wrote more than {MAX_PROCESS_OUTPUT} bytes and was stopped"),
                            Unsupported => f.write_str("cannot run here: this host cannot start processes"),
                            Other => f.write_str("could not be run"),
                        }
                    }
                    ProcessFailure::Exit { code, stderr } => {
                        match code {
                            Some(code) => write!(f, "exited with status {code}")?,
                            None => f.write_str("was ended by a signal")?,
                        }
                        if stderr.is_empty() {
                            Ok(())
                        } else {
                            write!(f, "; its error output: {}", stderr.trim_end())
                        }
                    }
                    ProcessFailure::BadJson => f.write_str(
                        "printed something that is not the expected JSON: {\"Version\": 1, \"AccessKeyId\": ..., \
                         \"SecretAccessKey\": ..., \"SessionToken\": ..., \"Expiration\": ...}",
                    ),
                    ProcessFailure::UnsupportedVersion(v) => {
                        write!(f, "printed Version {v}; only Version 1 is supported")
                    }
                    ProcessFailure::BadExpiration => {
                        f.write_str("printed an Expiration that is not an ISO 8601 time such as 2030-01-02T03:04:05Z")
                    }
                }
            }
            ExecuteError::Expired { provider, expiration } => {
                write!(f, "{}: the credentials expired at ", provider.describe())?;
                crate::credentials::write_isoformat(f, *expiration)?;
                f.write_str(" before they arrived (refreshed credentials are still expired); renew them at their source")
            }
            ExecuteError::BadExpiration { source } => {
                write!(f, "the expiry at {source} is not an ISO 8601 time such as 2030-01-02T03:04:05Z")
            }
            ExecuteError::TooLong(e) => write!(f, "{e}"),
            ExecuteError::Endpoint(e) => write!(f, "{e}"),
            ExecuteError::Sts(e) => write!(f, "{e}"),
            ExecuteError::Container(e) => write!(f, "{e}"),
            ExecuteError::InstanceMetadata(e) => write!(f, "{e}"),
            ExecuteError::Sso(e) => write!(f, "{e}"),
            ExecuteError::Login(e) => write!(f, "{e}"),
            ExecuteError::RetrySetting(e) => write!(f, "{e}"),
            ExecuteError::TokenFile { path, error } => {
                write!(f, "the web identity token file {} ({}) ", path.value, path.source)?;
                match error {
                    None => f.write_str("does not exist or is not text; check the path"),
                    Some(e) => match e.kind {
                        FsErrorKind::PermissionDenied => {
                            f.write_str("could not be read: permission denied; check its owner and mode")
                        }
                        FsErrorKind::NotAFile => f.write_str("is a directory, not a file; check the path"),
                        FsErrorKind::TooLarge => write!(
                            f,
                            "is too large (a token is at most {MAX_WEB_IDENTITY_TOKEN_LEN} bytes); check the path"
                        ),
                        FsErrorKind::Unsupported => f.write_str("could not be read: this host cannot read files"),
                        FsErrorKind::Other => match e.os_code {
                            Some(code) => write!(f, "could not be read (error {code} from the system)"),
                            None => f.write_str(
                                "could not be read (a pipe whose writer did not finish in time, or a failed read)",
                            ),
                        },
                    },
                }
            }
            ExecuteError::Mfa { profile, serial, error } => {
                write!(f, "profile {profile}: the role needs an MFA code for {} ({}) but ", serial.value, serial.source)?;
                match error {
                    PromptError::Unavailable => f.write_str(
                        "there is no terminal to ask on; run the command in a terminal, or use cached \
                         credentials from the AWS CLI",
                    ),
                    PromptError::Cancelled => f.write_str("none was entered"),
                    PromptError::TooLong => write!(
                        f,
                        "the code entered is longer than {MAX_MFA_CODE_LEN} characters; enter the 6-digit code the device shows"
                    ),
                }
            }
        }
    }
}

/// Runs the plan and returns the credentials it yields, with the host's I/O (an [`Io`]).
pub async fn execute<'s, E: Env + ?Sized, I: Host + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
    plan: &Plan<'s>,
    io: &I,
) -> Result<Credentials, ExecuteError<'s>> {
    let chain = plan.chain.as_ref().ok_or(ExecuteError::NoCredentials)?;
    // botocore reads the metadata settings when it builds the chain, so a bad one fails every
    // lookup, whichever provider would answer.
    imds::check_before_the_chain(eval).map_err(ExecuteError::InstanceMetadata)?;
    let now = io.clock().now_unix();
    let run = Run { eval, io, now };
    let credentials = run_chain(run, chain).await?;
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
        login::check(eval, io, profile, session).await?;
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
        credentials = assume_role::call(run, &endpoint, &credentials, step, &args, code).await?;
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
        Err(e) => Err(ExecuteError::Sso(e)),
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
        if let Some(cached) = assume_role::cached(run, &args).await {
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
        } => Some(process::run(io.command(), profile, command, account_id).await),
        BaseStep::Named(CredentialSource::EcsContainer) | BaseStep::Container => {
            Some(container::credentials(run).await)
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
        } => process::run(io.command(), profile, command, account_id).await?,
        BaseStep::Named(CredentialSource::Ec2InstanceMetadata) => imds::credentials(run).await?,
        // The metadata service is the default chain's last resort: when it has nothing to give
        // (not there, no role, an unusable answer), the AWS CLI says it found no credentials,
        // not that a service failed.
        BaseStep::InstanceMetadata => match imds::credentials(run).await {
            Err(ExecuteError::InstanceMetadata(e)) if e.is_no_credentials() => {
                return Err(ExecuteError::NoneFromMetadata(e))
            }
            other => other?,
        },
        BaseStep::Named(CredentialSource::EcsContainer) | BaseStep::Container => {
            container::credentials(run).await?
        }
        BaseStep::WebIdentity {
            role_arn,
            token_file,
            session_name,
        } => {
            let file_cache = chain.roles.is_empty();
            let step = web_identity::WebIdentityStep {
                role_arn,
                token_file,
                session_name,
            };
            web_identity::credentials(run, &step, file_cache).await?
        }
        BaseStep::Sso {
            profile,
            session,
            start_url,
            region,
            account_id,
            role_name,
        } => {
            let step = sso::SsoStep {
                token: sso::TokenSource {
                    profile,
                    session,
                    start_url,
                    region,
                },
                account_id,
                role_name,
            };
            sso::credentials(run, &step).await?
        }
        BaseStep::Login { profile, session } => login::credentials(run, profile, session).await?,
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
