//! Execute: runs a [`Plan`] through the injected I/O and returns [`Credentials`].
//!
//! Iterative: the base step, then each AssumeRole step in order, each role's credentials signing
//! the next call. Every outcome is checked the way the AWS CLI checks it: credentials that are
//! already expired when they arrive are refused.

// Errors carry the start of a failed process's error output inline: the core has no allocator to
// box it, and the message is what tells a person what went wrong.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

use core::fmt;

use serde::Deserialize;

use crate::cache::{self, CacheArgs, Lookup};
use crate::credentials::{
    parse_time, Credentials, TooLong, MAX_ACCOUNT_ID_LEN, MAX_SESSION_TOKEN_LEN,
};
use crate::endpoint::{self, Endpoint, EndpointError, MAX_ENDPOINT_URL_LEN};
use crate::evaluate::Evaluator;
use crate::io::{Clock, Command, CommandError, Env, Fs, FsError, Http, Prompt, PromptError};
use crate::locate::Platform;
use crate::plan::{
    AssumeRoleStep, BaseStep, CredentialSource, Plan, ProviderKind, Sourced, StaticKeys,
};
use crate::sts::{
    self, AssumeRoleParams, Mfa, Operation, StsError, StsErrorKind, StsOptions, WebIdentityParams,
};
use crate::Source;

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
}

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
    /// The JSON's `Version` is not 1.
    UnsupportedVersion(u32),
    /// `Expiration` is not an ISO 8601 time.
    BadExpiration,
}

/// Why execution failed. Each names the provider and what to do; none carries a secret.
#[derive(Debug, Clone)]
pub enum ExecuteError<'a> {
    /// The plan found no configured provider.
    NoCredentials,
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
    /// The provider arrives in a later version of credchain.
    Unsupported {
        /// The provider.
        provider: ProviderKind,
    },
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
    /// `duration_seconds` is not a number.
    BadDuration {
        /// The profile.
        profile: &'a str,
        /// The value and where it is.
        value: Sourced<'a>,
    },
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
    fn from_error(e: StsError<'_>, role_arn: &'a str, origin: endpoint::Origin<'a>) -> Self {
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
                            Timeout => write!(f, "did not finish within {} s and was stopped", PROCESS_TIMEOUT_MS / 1000),
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
            ExecuteError::Unsupported { provider } => write!(
                f,
                "{} credentials are not supported by this version of credchain yet; use the AWS CLI for this \
                 profile",
                provider.describe()
            ),
            ExecuteError::Endpoint(e) => write!(f, "{e}"),
            ExecuteError::Sts(e) => write!(f, "{e}"),
            ExecuteError::TokenFile { path, error } => {
                write!(f, "the web identity token file {} ({}) ", path.value, path.source)?;
                match error {
                    None => f.write_str("does not exist or is not text; check the path"),
                    Some(e) => write!(f, "could not be read ({:?}); check its permissions", e.kind),
                }
            }
            ExecuteError::BadDuration { profile, value } => write!(
                f,
                "profile {profile}: duration_seconds \"{}\" ({}) is not a whole number of seconds",
                value.value, value.source
            ),
            ExecuteError::Mfa { profile, serial, error } => {
                write!(f, "profile {profile}: the role needs an MFA code for {} ({}) but ", serial.value, serial.source)?;
                match error {
                    PromptError::Unavailable => f.write_str(
                        "there is no terminal to ask on; run the command in a terminal, or use cached \
                         credentials from the AWS CLI",
                    ),
                    PromptError::Cancelled => f.write_str("none was entered"),
                }
            }
        }
    }
}

/// Runs the plan and returns the credentials it yields.
pub async fn execute<'s, E, F, H, C, P, K>(
    eval: &Evaluator<'s, 's, E>,
    plan: &Plan<'s>,
    io: &Io<'_, F, H, C, P, K>,
) -> Result<Credentials, ExecuteError<'s>>
where
    E: Env + ?Sized,
    F: Fs + ?Sized,
    H: Http + ?Sized,
    C: Command + ?Sized,
    P: Prompt + ?Sized,
    K: Clock + ?Sized,
{
    let chain = plan.chain.as_ref().ok_or(ExecuteError::NoCredentials)?;
    let now = io.clock.now_unix();
    let credentials = match chain.base {
        BaseStep::Static(keys) => static_credentials(chain.provider, &keys)?,
        BaseStep::Named(CredentialSource::Environment) => {
            // The environment's keys, whatever chose the profile (botocore's credential source).
            // Partial keys read as none here: the profile names its source, which has no keys.
            let keys = crate::plan::environment_keys(eval.env())
                .ok()
                .flatten()
                .ok_or(ExecuteError::NoCredentials)?;
            static_credentials(ProviderKind::Environment, &keys)?
        }
        BaseStep::Process { profile, command } => run_process(io.command, profile, command).await?,
        BaseStep::Named(CredentialSource::Ec2InstanceMetadata) | BaseStep::InstanceMetadata => {
            return Err(ExecuteError::Unsupported {
                provider: ProviderKind::InstanceMetadata,
            })
        }
        BaseStep::Named(CredentialSource::EcsContainer) | BaseStep::Container => {
            return Err(ExecuteError::Unsupported {
                provider: ProviderKind::Container,
            })
        }
        BaseStep::WebIdentity {
            role_arn,
            token_file,
            session_name,
        } => web_identity(eval, io, role_arn, token_file, session_name, now).await?,
        BaseStep::Sso { .. } => {
            return Err(ExecuteError::Unsupported {
                provider: ProviderKind::Sso,
            })
        }
        BaseStep::Login { .. } => {
            return Err(ExecuteError::Unsupported {
                provider: ProviderKind::Login,
            })
        }
    };
    refuse_expired(&credentials, now)?;
    let mut credentials = credentials;
    if !chain.roles.is_empty() {
        let endpoint = endpoint::sts(eval).map_err(ExecuteError::Endpoint)?;
        for step in &chain.roles {
            credentials = assume_role(eval, io, &endpoint, &credentials, step, now).await?;
            refuse_expired(&credentials, now)?;
        }
    }
    Ok(credentials.with_provider(chain.provider))
}

/// One AssumeRole step: the cache the AWS CLI shares first, then STS (prompting for an MFA code
/// when the profile has `mfa_serial`), then the cache written back.
async fn assume_role<'s, E, F, H, C, P, K>(
    eval: &Evaluator<'s, 's, E>,
    io: &Io<'_, F, H, C, P, K>,
    endpoint: &Endpoint<'s>,
    caller: &Credentials,
    step: &AssumeRoleStep<'s>,
    now: i64,
) -> Result<Credentials, ExecuteError<'s>>
where
    E: Env + ?Sized,
    F: Fs + ?Sized,
    H: Http + ?Sized,
    C: Command + ?Sized,
    P: Prompt + ?Sized,
    K: Clock + ?Sized,
{
    let duration_seconds = match step.duration_seconds {
        Some(value) => Some(sts::parse_duration_seconds(value.value).ok_or(
            ExecuteError::BadDuration {
                profile: step.profile,
                value,
            },
        )?),
        None => None,
    };
    let configured_name = step.session_name.map(|s| s.value);
    let args = CacheArgs {
        role_arn: step.role_arn.value,
        role_session_name: configured_name,
        external_id: step.external_id.map(|s| s.value),
        serial_number: step.mfa_serial.map(|s| s.value),
        duration_seconds,
    };
    let platform = Platform::current();
    if let Lookup::Hit(role) = cache::load(
        io.fs,
        eval.env(),
        platform,
        &args,
        now,
        ProviderKind::AssumeRole,
    )
    .await
    {
        return Ok(role.credentials);
    }
    let mut code = heapless::String::<MAX_MFA_CODE_LEN>::new();
    if let Some(serial) = step.mfa_serial {
        let mut question = heapless::String::<{ MAX_ENDPOINT_URL_LEN + 32 }>::new();
        let _ = fmt::Write::write_fmt(
            &mut question,
            format_args!("Enter MFA code for {}: ", serial.value),
        );
        let answer = io
            .prompt
            .ask(&question)
            .await
            .map_err(|error| ExecuteError::Mfa {
                profile: step.profile,
                serial,
                error,
            })?;
        let typed = answer.as_ref().trim();
        if typed.is_empty() || code.push_str(typed).is_err() {
            return Err(ExecuteError::Mfa {
                profile: step.profile,
                serial,
                error: PromptError::Cancelled,
            });
        }
    }
    let generated = sts::generated_session_name(now);
    let params = AssumeRoleParams {
        role_arn: step.role_arn.value,
        role_session_name: configured_name.unwrap_or(&generated),
        external_id: args.external_id,
        mfa: step.mfa_serial.map(|serial| Mfa {
            serial_number: serial.value,
            token_code: &code,
        }),
        duration_seconds,
    };
    let role = sts::assume_role(
        io.http,
        endpoint,
        caller,
        &params,
        now,
        &StsOptions::default(),
    )
    .await
    .map_err(|e| {
        ExecuteError::Sts(StsFailure::from_error(
            e,
            step.role_arn.value,
            endpoint.origin(),
        ))
    })?;
    // A cache that cannot be written costs a call next time, nothing more.
    let _ = cache::store(io.fs, eval.env(), platform, &args, &role).await;
    Ok(role.credentials)
}

/// AssumeRoleWithWebIdentity with the token read from its file (read each time: tokens rotate).
async fn web_identity<'s, E, F, H, C, P, K>(
    eval: &Evaluator<'s, 's, E>,
    io: &Io<'_, F, H, C, P, K>,
    role_arn: Sourced<'s>,
    token_file: Sourced<'s>,
    session_name: Option<Sourced<'s>>,
    now: i64,
) -> Result<Credentials, ExecuteError<'s>>
where
    E: Env + ?Sized,
    F: Fs + ?Sized,
    H: Http + ?Sized,
    C: Command + ?Sized,
    P: Prompt + ?Sized,
    K: Clock + ?Sized,
{
    let unreadable = |error| ExecuteError::TokenFile {
        path: token_file,
        error,
    };
    let file = io
        .fs
        .read(token_file.value)
        .await
        .map_err(|e| unreadable(Some(e)))?
        .ok_or(unreadable(None))?;
    let bytes = file.as_ref();
    if bytes.len() > MAX_WEB_IDENTITY_TOKEN_LEN {
        return Err(unreadable(Some(FsError {
            kind: crate::io::FsErrorKind::TooLarge,
            os_code: None,
        })));
    }
    let token = core::str::from_utf8(bytes).map_err(|_| unreadable(None))?;
    let endpoint = endpoint::sts(eval).map_err(ExecuteError::Endpoint)?;
    let generated = sts::generated_session_name(now);
    let params = WebIdentityParams {
        role_arn: role_arn.value,
        role_session_name: session_name.map_or(generated.as_str(), |s| s.value),
        web_identity_token: token,
    };
    let role =
        sts::assume_role_with_web_identity(io.http, &endpoint, &params, &StsOptions::default())
            .await
            .map_err(|e| {
                ExecuteError::Sts(StsFailure::from_error(e, role_arn.value, endpoint.origin()))
            })?;
    Ok(role.credentials)
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
            Some(parse_time(e.value).ok_or(ExecuteError::BadExpiration { source: e.source })?)
        }
        None => None,
    };
    Ok(Credentials::new(
        provider,
        keys.access_key_id.value,
        keys.secret_access_key.expose(),
        keys.session_token.map(|t| t.expose()),
        expiration,
        keys.account_id.map(|a| a.value),
    )?)
}

/// `credential_process`'s output, Version 1.
#[derive(Deserialize)]
#[allow(non_snake_case)] // The JSON's own field names.
struct ProcessJson {
    Version: u32,
    AccessKeyId: heapless::String<{ crate::credentials::MAX_ACCESS_KEY_ID_LEN }>,
    SecretAccessKey: heapless::String<{ crate::credentials::MAX_SECRET_ACCESS_KEY_LEN }>,
    SessionToken: Option<heapless::String<MAX_SESSION_TOKEN_LEN>>,
    Expiration: Option<heapless::String<64>>,
    AccountId: Option<heapless::String<MAX_ACCOUNT_ID_LEN>>,
}

/// Splits the command like a POSIX shell (the AWS CLI uses Python's `shlex.split`) and runs it
/// without a shell.
async fn run_process<'a, C: Command + ?Sized>(
    command: &C,
    profile: &'a str,
    line: Sourced<'a>,
) -> Result<Credentials, ExecuteError<'a>> {
    let fail = |failure| ExecuteError::Process {
        profile,
        command: line,
        failure,
    };
    let mut unquoted = heapless::String::<MAX_COMMAND_LEN>::new();
    let mut ends = heapless::Vec::<usize, MAX_COMMAND_ARGS>::new();
    let (words, count) = crate::parse::shell_words::<MAX_COMMAND_ARGS>(line.value)
        .map_err(|_| fail(ProcessFailure::BadCommand))?;
    if count == 0 {
        return Err(fail(ProcessFailure::BadCommand));
    }
    if count > MAX_COMMAND_ARGS {
        return Err(fail(ProcessFailure::CommandTooLong));
    }
    for word in &words {
        for c in crate::parse::unquote_shell_word(word) {
            unquoted
                .push(c)
                .map_err(|_| fail(ProcessFailure::CommandTooLong))?;
        }
        let _ = ends.push(unquoted.len()); // `ends` has room for every word
    }
    let mut argv = heapless::Vec::<&str, MAX_COMMAND_ARGS>::new();
    let mut start = 0;
    for &end in &ends {
        let _ = argv.push(&unquoted[start..end]);
        start = end;
    }
    let output = command
        .run(&argv, PROCESS_TIMEOUT_MS, MAX_PROCESS_OUTPUT)
        .await
        .map_err(|e| fail(ProcessFailure::Run(e)))?;
    if output.status != Some(0) {
        let mut stderr = heapless::String::new();
        let text = core::str::from_utf8(output.stderr.as_ref()).unwrap_or("(not UTF-8)");
        for c in text.chars() {
            if stderr.push(c).is_err() {
                break; // The start of the error output is enough to point at the cause.
            }
        }
        return Err(fail(ProcessFailure::Exit {
            code: output.status,
            stderr,
        }));
    }
    let mut unescape = [0u8; MAX_SESSION_TOKEN_LEN];
    let (json, _): (ProcessJson, usize) =
        serde_json_core::from_slice_escaped(output.stdout.as_ref(), &mut unescape)
            .map_err(|_| fail(ProcessFailure::BadJson))?;
    if json.Version != 1 {
        return Err(fail(ProcessFailure::UnsupportedVersion(json.Version)));
    }
    let expiration = match &json.Expiration {
        Some(e) => Some(parse_time(e).ok_or(fail(ProcessFailure::BadExpiration))?),
        None => None,
    };
    Ok(Credentials::new(
        ProviderKind::CredentialProcess,
        &json.AccessKeyId,
        &json.SecretAccessKey,
        json.SessionToken.as_deref(),
        expiration,
        json.AccountId.as_deref(),
    )?)
}
