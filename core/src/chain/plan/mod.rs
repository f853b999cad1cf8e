//! Plan: which credential provider answers, and for role chains the ordered steps, decided from
//! the parsed files, the environment and the options alone (no I/O).
//!
//! The order is the AWS CLI v2's (botocore's `create_credential_resolver`):
//!
//! | # | provider | configured when |
//! |---|----------|-----------------|
//! | 1 | environment | `AWS_ACCESS_KEY_ID` is set (not when the profile came from `--profile`) |
//! | 2 | assume role | the profile has `role_arn` and no `web_identity_token_file` |
//! | 3 | web identity | `AWS_WEB_IDENTITY_TOKEN_FILE` (not when the profile came from `--profile`) or the profile's `web_identity_token_file` |
//! | 4 | IAM Identity Center | the profile has `sso_account_id` or `sso_role_name` |
//! | 5 | credentials file | the profile's credentials-file section has `aws_access_key_id` |
//! | 6 | console login | the profile has `login_session` |
//! | 7 | credential_process | the profile has `credential_process` |
//! | 8 | config file | the profile's config-file section has `aws_access_key_id` |
//! | 9 | container | `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI` is set |
//! | 10 | instance metadata | unless `AWS_EC2_METADATA_DISABLED=true` |
//!
//! The first configured provider wins; every earlier one is recorded with the reason it was
//! skipped. A role chain (`source_profile`) is walked iteratively: each source profile answers
//! through providers 3 to 8 (the environment is never consulted for a source profile) unless it
//! is itself a role profile without static keys, in which case the walk goes on. A profile may
//! name itself as its source only when it has static keys; any other revisit is a cycle.

mod error;
mod keys;
mod planner;

pub use error::PlanError;
pub use keys::environment_keys;
pub use planner::plan;

use core::fmt;

use crate::credentials::ProviderKind;
use crate::{FileKind, Source, Sourced};

/// The longest role chain (source_profile hops) planned; longer is [`PlanError::ChainTooLong`].
pub const MAX_ROLE_CHAIN: usize = 64;

/// A secret value with its provenance. Debug never shows the value; there is no Display.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Secret<'a> {
    value: &'a str,
    /// Where it came from.
    pub source: Source<'a>,
}

impl<'a> Secret<'a> {
    /// Marks a sourced value as a secret.
    #[must_use]
    pub fn from_sourced(s: Sourced<'a>) -> Self {
        Secret {
            value: s.value,
            source: s.source,
        }
    }

    /// The secret itself, for the code that must send it.
    #[must_use]
    pub fn expose(&self) -> &'a str {
        self.value
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted>, from {})", self.source)
    }
}

/// The `credential_source` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// `Environment`: the environment variables.
    Environment,
    /// `Ec2InstanceMetadata`: IMDS.
    Ec2InstanceMetadata,
    /// `EcsContainer`: the container endpoint.
    EcsContainer,
}

impl CredentialSource {
    /// The value as written in a profile.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            CredentialSource::Environment => "Environment",
            CredentialSource::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            CredentialSource::EcsContainer => "EcsContainer",
        }
    }
}

/// Static keys, from the environment or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticKeys<'a> {
    /// The access key id.
    pub access_key_id: Sourced<'a>,
    /// The secret access key.
    pub secret_access_key: Secret<'a>,
    /// The session token, if any.
    pub session_token: Option<Secret<'a>>,
    /// The expiry (environment only: `AWS_CREDENTIAL_EXPIRATION`).
    pub expiration: Option<Sourced<'a>>,
    /// The account id (`AWS_ACCOUNT_ID`, `aws_account_id`).
    pub account_id: Option<Sourced<'a>>,
}

/// The step that produces the first credentials of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseStep<'a> {
    /// Static keys (environment, credentials file or config file).
    Static(StaticKeys<'a>),
    /// Run `credential_process`.
    Process {
        /// The profile that names it.
        profile: &'a str,
        /// The command line.
        command: Sourced<'a>,
        /// The profile's `aws_account_id`: the account when the process prints none (botocore's
        /// `ProcessProvider._get_account_id`).
        account_id: Option<Sourced<'a>>,
    },
    /// AssumeRoleWithWebIdentity.
    WebIdentity(WebIdentityStep<'a>),
    /// IAM Identity Center.
    Sso(SsoStep<'a>),
    /// A console login session.
    Login {
        /// The profile.
        profile: &'a str,
        /// The session ARN.
        session: Sourced<'a>,
    },
    /// A `credential_source` of a role profile.
    Named(CredentialSource),
    /// The container endpoint (configured by the environment).
    Container,
    /// EC2 instance metadata.
    InstanceMetadata,
}

/// A web identity step's settings: AssumeRoleWithWebIdentity with the token read from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebIdentityStep<'a> {
    /// The role.
    pub role_arn: Sourced<'a>,
    /// The token file's path.
    pub token_file: Sourced<'a>,
    /// A configured session name.
    pub session_name: Option<Sourced<'a>>,
}

/// Where an IAM Identity Center token comes from: the profile, its session (or none: the
/// legacy form), the start URL and the SSO region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSource<'a> {
    /// The profile (named in the `aws sso login` advice).
    pub profile: &'a str,
    /// The `[sso-session]` name; `None` for the legacy form.
    pub session: Option<Sourced<'a>>,
    /// The start URL.
    pub start_url: Sourced<'a>,
    /// The SSO region (of the portal and of SSO-OIDC).
    pub region: Sourced<'a>,
}

impl<'a> TokenSource<'a> {
    /// The name the token file is keyed by: the session's, else the start URL.
    #[must_use]
    pub fn cache_name(&self) -> &'a str {
        self.session.map_or(self.start_url.value, |s| s.value)
    }
}

/// The settings of an IAM Identity Center profile, as the plan found them: where its token
/// comes from, and the account and role whose credentials it is traded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SsoStep<'a> {
    /// The token's profile, session, start URL and SSO region.
    pub token: TokenSource<'a>,
    /// The account.
    pub account_id: Sourced<'a>,
    /// The role name.
    pub role_name: Sourced<'a>,
}

/// One AssumeRole call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssumeRoleStep<'a> {
    /// The profile holding `role_arn`.
    pub profile: &'a str,
    /// The role.
    pub role_arn: Sourced<'a>,
    /// `source_profile`, when the role's credentials come from another profile.
    pub source_profile: Option<Sourced<'a>>,
    /// `role_session_name`.
    pub session_name: Option<Sourced<'a>>,
    /// `external_id`.
    pub external_id: Option<Sourced<'a>>,
    /// `mfa_serial` (prompt for a code).
    pub mfa_serial: Option<Sourced<'a>>,
    /// `duration_seconds`.
    pub duration_seconds: Option<Sourced<'a>>,
}

/// The chosen provider and its steps: `base`, then each of `roles` in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain<'a> {
    /// The provider of the active profile that answers.
    pub provider: ProviderKind,
    /// The profile whose configuration produced `base` (the last source profile of a chain).
    pub base_profile: Option<&'a str>,
    /// The first credentials.
    pub base: BaseStep<'a>,
    /// AssumeRole calls, applied in order after `base`.
    pub roles: heapless::Vec<AssumeRoleStep<'a>, MAX_ROLE_CHAIN>,
}

/// Why a provider was passed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The profile was chosen with `--profile`, which turns the environment provider off.
    ProfileFromOption,
    /// `AWS_ACCESS_KEY_ID` is not set.
    NoEnvironmentKeys,
    /// The profile has no `role_arn`.
    NoRoleArn,
    /// The profile has `role_arn` with `web_identity_token_file`: web identity handles it.
    RoleIsWebIdentity,
    /// Neither `AWS_WEB_IDENTITY_TOKEN_FILE` nor `web_identity_token_file` is set.
    NoWebIdentityToken,
    /// The profile has no `web_identity_token_file`, and `AWS_WEB_IDENTITY_TOKEN_FILE` is not
    /// read because the profile came from `--profile` (botocore's `disable_env_vars`).
    WebIdentityEnvFromOption,
    /// Neither `sso_account_id` nor `sso_role_name` is set.
    NoSsoRole,
    /// The credentials file has no section for the profile.
    NotInCredentialsFile,
    /// The profile's section in that file has no `aws_access_key_id`.
    NoAccessKey(FileKind),
    /// The profile has no `login_session`.
    NoLoginSession,
    /// The profile has no `credential_process`.
    NoCredentialProcess,
    /// The config file has no section for the profile.
    NotInConfigFile,
    /// Neither container variable is set.
    NoContainerEndpoint,
    /// `AWS_EC2_METADATA_DISABLED=true`.
    InstanceMetadataDisabled,
}

impl SkipReason {
    /// A stable code for programs (`explain`'s JSON `reason_code`, the npm package's skip
    /// reasons), kebab-case.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            SkipReason::ProfileFromOption => "profile-from-option",
            SkipReason::NoEnvironmentKeys => "no-environment-keys",
            SkipReason::NoRoleArn => "no-role-arn",
            SkipReason::RoleIsWebIdentity => "role-is-web-identity",
            SkipReason::NoWebIdentityToken => "no-web-identity-token",
            SkipReason::WebIdentityEnvFromOption => "web-identity-env-ignored-for-option",
            SkipReason::NoSsoRole => "no-sso-role",
            SkipReason::NotInCredentialsFile => "not-in-credentials-file",
            SkipReason::NoAccessKey(FileKind::Credentials) => "no-access-key-in-credentials-file",
            SkipReason::NoAccessKey(FileKind::Config) => "no-access-key-in-config-file",
            SkipReason::NoLoginSession => "no-login-session",
            SkipReason::NoCredentialProcess => "no-credential-process",
            SkipReason::NotInConfigFile => "not-in-config-file",
            SkipReason::NoContainerEndpoint => "no-container-endpoint",
            SkipReason::InstanceMetadataDisabled => "instance-metadata-disabled",
        }
    }

    /// The reason in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::ProfileFromOption => "skipped because --profile was given (the AWS CLI then ignores AWS_ACCESS_KEY_ID)",
            SkipReason::NoEnvironmentKeys => "AWS_ACCESS_KEY_ID is not set",
            SkipReason::NoRoleArn => "the profile has no role_arn",
            SkipReason::RoleIsWebIdentity => "role_arn is used with web_identity_token_file",
            SkipReason::NoWebIdentityToken => "neither AWS_WEB_IDENTITY_TOKEN_FILE nor web_identity_token_file is set",
            SkipReason::WebIdentityEnvFromOption => {
                "the profile has no web_identity_token_file, and AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and \
                 AWS_ROLE_SESSION_NAME are ignored because --profile was given (as the AWS CLI ignores them)"
            }
            SkipReason::NoSsoRole => "the profile has neither sso_account_id nor sso_role_name",
            SkipReason::NotInCredentialsFile => "the credentials file has no section for the profile",
            SkipReason::NoAccessKey(FileKind::Credentials) => "the profile's credentials-file section has no aws_access_key_id",
            SkipReason::NoAccessKey(FileKind::Config) => "the profile's config-file section has no aws_access_key_id",
            SkipReason::NoLoginSession => "the profile has no login_session",
            SkipReason::NoCredentialProcess => "the profile has no credential_process",
            SkipReason::NotInConfigFile => "the config file has no section for the profile",
            SkipReason::NoContainerEndpoint => {
                "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set"
            }
            SkipReason::InstanceMetadataDisabled => "AWS_EC2_METADATA_DISABLED is true",
        }
    }
}

/// A provider passed over, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skipped {
    /// The provider.
    pub provider: ProviderKind,
    /// Why.
    pub reason: SkipReason,
}

/// The plan: the providers passed over, then the chain that answers (or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<'a> {
    /// The active profile.
    pub profile: &'a str,
    /// Providers passed over, in order.
    pub skipped: heapless::Vec<Skipped, 10>,
    /// The chain that answers; `None` when no provider is configured.
    pub chain: Option<Chain<'a>>,
}
