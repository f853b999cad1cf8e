//! Why a resolution failed ([`ExecuteError`], each variant naming the provider and what to do,
//! none carrying a secret), and the exit status the AWS CLI ends with for each
//! ([`ExecuteError::awscli_exit_status`]): one decision for the CLI, the C library and npm.

#![allow(clippy::large_enum_variant, clippy::result_large_err)]

use core::fmt;

use crate::credentials::ProviderKind;
use crate::credentials::TooLong;
use crate::io::{CommandError, FsError, FsErrorKind, PromptError};
use crate::services::endpoint::{self, EndpointError, MAX_ENDPOINT_URL_LEN};
use crate::services::exchange::FailedExchange;
use crate::services::retry::RetrySettingError;
use crate::services::sts::{Operation, StsError, StsErrorKind};
use crate::Source;
use crate::Sourced;

use super::execute::{
    MAX_COMMAND_ARGS, MAX_COMMAND_LEN, MAX_MFA_CODE_LEN, MAX_PROCESS_OUTPUT, MAX_STDERR_SHOWN,
    MAX_WEB_IDENTITY_TOKEN_LEN, PROCESS_TIMEOUT_MS,
};
use super::providers::{container, imds, login, sso};

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

/// A large part of an [`ExecuteError`] (a provider's error, an STS failure), boxed where the
/// core has an allocator: every `Result` that may carry the error, and every future holding
/// one, is then the size of the small variants instead of the largest (kilobytes of URLs and
/// messages), which the npm package and small thread stacks pay for on every call. Without
/// an allocator it is held inline. It reads as the `T` it holds (Deref, Debug, Display).
#[derive(Clone, PartialEq, Eq)]
pub struct Detail<T>(
    #[cfg(feature = "alloc")] alloc::boxed::Box<T>,
    #[cfg(not(feature = "alloc"))] T,
);

impl<T> Detail<T> {
    /// Holds `value`.
    pub fn new(value: T) -> Self {
        #[cfg(feature = "alloc")]
        return Detail(alloc::boxed::Box::new(value));
        #[cfg(not(feature = "alloc"))]
        return Detail(value);
    }

    /// The value held.
    pub fn into_inner(self) -> T {
        #[cfg(feature = "alloc")]
        return *self.0;
        #[cfg(not(feature = "alloc"))]
        return self.0;
    }
}

impl<T> From<T> for Detail<T> {
    fn from(value: T) -> Self {
        Detail::new(value)
    }
}

impl<T> core::ops::Deref for Detail<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Detail<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Detail<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// Why execution failed. Each names the provider and what to do; none carries a secret.
#[derive(Debug, Clone)]
pub enum ExecuteError<'a> {
    /// The plan found no configured provider.
    NoCredentials,
    /// No provider but EC2 instance metadata is configured, and it had no credentials to give
    /// (not reachable, no role, an unusable answer): "no credentials", with its reason.
    NoneFromMetadata(Detail<imds::ImdsError<'a>>),
    /// `credential_process` failed.
    Process {
        /// The profile that names the command.
        profile: &'a str,
        /// The command, as configured.
        command: Sourced<'a>,
        /// What went wrong.
        failure: Detail<ProcessFailure>,
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
    Sts(Detail<StsFailure<'a>>),
    /// The web identity token file could not be read.
    TokenFile {
        /// Where the path is configured.
        path: Sourced<'a>,
        /// What went wrong: `None` when the file does not exist or is not UTF-8 text.
        error: Option<FsError>,
    },
    /// The container endpoint gave no credentials.
    Container(Detail<container::ContainerError<'a>>),
    /// EC2 instance metadata gave no credentials.
    InstanceMetadata(Detail<imds::ImdsError<'a>>),
    /// IAM Identity Center gave no credentials.
    Sso(Detail<sso::SsoError<'a>>),
    /// A console login session gave no credentials.
    Login(Detail<login::LoginError<'a>>),
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
            ExecuteError::Sso(e) => match &**e {
                sso::SsoError::Service(failure) => call_status(failure),
                sso::SsoError::Endpoint(e) => endpoint_status(e),
                // UnauthorizedSSOTokenError, SSOTokenLoadError, TokenRetrievalError: SSOError.
                _ => GENERAL,
            },
            ExecuteError::Login(e) => match &**e {
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
                match &**failure {
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
                        FsErrorKind::Changed | FsErrorKind::Busy | FsErrorKind::Other => match e.os_code {
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
