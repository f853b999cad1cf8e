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

use core::fmt;

use crate::config::evaluate::Evaluator;
use crate::config::parse::{ConfigFiles, Profile, Property};
use crate::credentials::ProviderKind;
use crate::io::Env;
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
    WebIdentity {
        /// The role.
        role_arn: Sourced<'a>,
        /// The token file.
        token_file: Sourced<'a>,
        /// The session name, if configured.
        session_name: Option<Sourced<'a>>,
    },
    /// IAM Identity Center.
    Sso {
        /// The profile.
        profile: &'a str,
        /// The `[sso-session]` name, when the profile uses one.
        session: Option<Sourced<'a>>,
        /// The start URL.
        start_url: Sourced<'a>,
        /// The region of the portal.
        region: Sourced<'a>,
        /// The account.
        account_id: Sourced<'a>,
        /// The role name.
        role_name: Sourced<'a>,
    },
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

/// A configuration that cannot produce credentials. Each names the profiles involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanError<'a> {
    /// `source_profile` names a profile that exists in neither file.
    SourceProfileNotFound {
        /// The profile holding `source_profile`.
        profile: &'a str,
        /// The missing profile.
        source_profile: Sourced<'a>,
    },
    /// The chain of `source_profile`s comes back to a profile already in it.
    Cycle {
        /// The profile whose `source_profile` closes the loop.
        profile: &'a str,
        /// The profile named again.
        source_profile: Sourced<'a>,
    },
    /// `role_arn` with neither `source_profile` nor `credential_source`.
    RoleWithoutSource {
        /// The profile.
        profile: &'a str,
        /// Where `role_arn` is.
        role_arn: Sourced<'a>,
    },
    /// Both `source_profile` and `credential_source`.
    BothSources {
        /// The profile.
        profile: &'a str,
    },
    /// A `credential_source` that is not Environment, Ec2InstanceMetadata or EcsContainer.
    UnknownCredentialSource {
        /// The profile.
        profile: &'a str,
        /// The value.
        value: Sourced<'a>,
    },
    /// An access key without its secret (or the reverse for the environment).
    PartialCredentials {
        /// The profile, or `None` for the environment.
        profile: Option<&'a str>,
        /// The key that is present.
        present: Sourced<'a>,
        /// The key that is missing.
        missing: &'static str,
    },
    /// A source profile that yields no credentials.
    SourceProfileWithoutCredentials {
        /// The profile that names it.
        profile: &'a str,
        /// The source profile.
        source_profile: &'a str,
    },
    /// A web identity token without a role ARN.
    WebIdentityWithoutRole {
        /// The profile.
        profile: &'a str,
        /// Where the token file is configured.
        token_file: Sourced<'a>,
    },
    /// An SSO profile missing a setting.
    SsoIncomplete {
        /// The profile.
        profile: &'a str,
        /// The missing key.
        missing: &'static str,
    },
    /// `sso_session` names a section that does not exist.
    SsoSessionNotFound {
        /// The profile.
        profile: &'a str,
        /// The name.
        session: Sourced<'a>,
    },
    /// A key set differently in the profile and its `[sso-session]`.
    SsoInconsistent {
        /// The profile.
        profile: &'a str,
        /// The key.
        key: &'a str,
    },
    /// A value the chain needs spans several lines.
    MultiLineValue {
        /// The profile.
        profile: &'a str,
        /// The key.
        key: &'static str,
        /// Where.
        source: Source<'a>,
    },
    /// More than [`MAX_ROLE_CHAIN`] roles.
    ChainTooLong {
        /// The profile at which the limit was reached.
        profile: &'a str,
    },
}

impl fmt::Display for PlanError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PlanError::SourceProfileNotFound { profile, source_profile } => write!(
                f,
                "profile {profile}: source_profile \"{}\" ({}) does not exist; create [profile {}] or fix the name",
                source_profile.value, source_profile.source, source_profile.value
            ),
            PlanError::Cycle { profile, source_profile } => write!(
                f,
                "profile {profile}: source_profile \"{}\" ({}) forms an infinite loop; a profile may name itself \
                 only when it has its own aws_access_key_id and aws_secret_access_key",
                source_profile.value, source_profile.source
            ),
            PlanError::RoleWithoutSource { profile, role_arn } => write!(
                f,
                "profile {profile}: role_arn ({}) needs source_profile or credential_source; add one of them",
                role_arn.source
            ),
            PlanError::BothSources { profile } => write!(
                f,
                "profile {profile}: contains both source_profile and credential_source; keep only one"
            ),
            PlanError::UnknownCredentialSource { profile, value } => write!(
                f,
                "profile {profile}: credential_source \"{}\" ({}) is not supported; use Environment, \
                 Ec2InstanceMetadata or EcsContainer",
                value.value, value.source
            ),
            PlanError::PartialCredentials { profile, present, missing } => {
                match profile {
                    Some(p) => write!(f, "profile {p}: ")?,
                    None => f.write_str("environment: ")?,
                }
                write!(f, "partial credentials: {} is set ({}) but {missing} is missing; set both", present_name(present), present.source)
            }
            PlanError::SourceProfileWithoutCredentials { profile, source_profile } => write!(
                f,
                "profile {profile}: the source profile \"{source_profile}\" must have credentials; give it \
                 aws_access_key_id and aws_secret_access_key, a role, SSO or credential_process"
            ),
            PlanError::WebIdentityWithoutRole { profile, token_file } => write!(
                f,
                "profile {profile}: a web identity token file is configured ({}) but no role ARN; set role_arn in \
                 the profile or AWS_ROLE_ARN",
                token_file.source
            ),
            PlanError::SsoIncomplete { profile, missing } => write!(
                f,
                "profile {profile}: configured to use SSO but missing {missing}; run `aws configure sso --profile \
                 {profile}` or add it"
            ),
            PlanError::SsoSessionNotFound { profile, session } => write!(
                f,
                "profile {profile}: sso_session \"{}\" ({}) does not exist; add [sso-session {}] to the config file",
                session.value, session.source, session.value
            ),
            PlanError::SsoInconsistent { profile, key } => write!(
                f,
                "profile {profile}: {key} differs between the profile and its sso-session; keep one value"
            ),
            PlanError::MultiLineValue { profile, key, source } => write!(
                f,
                "profile {profile}: {key} ({source}) spans several lines; write it on one line"
            ),
            PlanError::ChainTooLong { profile } => write!(
                f,
                "profile {profile}: the role chain is longer than {MAX_ROLE_CHAIN} profiles, \
                 credchain's limit (MAX_ROLE_CHAIN; the AWS CLI has none); shorten the chain"
            ),
        }
    }
}

/// The name of the key a `Sourced` was read from, for messages (the variable or a key name).
fn present_name(s: Sourced<'_>) -> &'static str {
    match s.source {
        Source::EnvVar(v) => v,
        _ => "the key",
    }
}

/// Plans the chain for the evaluator's active profile.
pub fn plan<'s, E: Env + ?Sized>(eval: &Evaluator<'s, 's, E>) -> Result<Plan<'s>, PlanError<'s>> {
    let active = eval.active_profile();
    let env = eval.env();
    let mut planner = Planner {
        files: eval.files(),
        env,
        skipped: heapless::Vec::new(),
    };
    let name = active.name;
    let chain = planner.top(
        name,
        active.source == Source::Option("--profile"),
        active.profile,
    )?;
    Ok(Plan {
        profile: name,
        skipped: planner.skipped,
        chain,
    })
}

struct Planner<'s, E: ?Sized> {
    files: &'s ConfigFiles<'s>,
    env: &'s E,
    skipped: heapless::Vec<Skipped, 10>,
}

fn chain<'a>(
    provider: ProviderKind,
    base_profile: Option<&'a str>,
    base: BaseStep<'a>,
) -> Chain<'a> {
    Chain {
        provider,
        base_profile,
        base,
        roles: heapless::Vec::new(),
    }
}

impl<'s, E: Env + ?Sized> Planner<'s, E> {
    fn skip(&mut self, provider: ProviderKind, reason: SkipReason) {
        // Ten providers, ten slots: cannot overflow.
        let _ = self.skipped.push(Skipped { provider, reason });
    }

    fn var(&self, name: &'static str) -> Option<Sourced<'s>> {
        env_var(self.env, name)
    }

    fn top(
        &mut self,
        name: &'s str,
        from_option: bool,
        profile: Option<Profile<'s, 's>>,
    ) -> Result<Option<Chain<'s>>, PlanError<'s>> {
        if from_option {
            self.skip(ProviderKind::Environment, SkipReason::ProfileFromOption);
        } else if let Some(keys) = environment_keys(self.env)? {
            return Ok(Some(chain(
                ProviderKind::Environment,
                None,
                BaseStep::Static(keys),
            )));
        } else {
            self.skip(ProviderKind::Environment, SkipReason::NoEnvironmentKeys);
        }
        if let Some(profile) = profile {
            match self.role_config(profile)? {
                Some(_) => return self.role_chain(profile).map(Some),
                None => {
                    let reason = if value(profile, "role_arn")?.is_some() {
                        SkipReason::RoleIsWebIdentity
                    } else {
                        SkipReason::NoRoleArn
                    };
                    self.skip(ProviderKind::AssumeRole, reason);
                }
            }
        } else {
            self.skip(ProviderKind::AssumeRole, SkipReason::NoRoleArn);
        }
        // A profile given with --profile turns off the environment's web identity too (botocore's
        // `disable_env_vars`), not only the environment's keys.
        if let Some(found) = self.profile_providers(name, profile, !from_option)? {
            return Ok(Some(found));
        }
        if self.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
            || self.var("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
        {
            return Ok(Some(chain(
                ProviderKind::Container,
                None,
                BaseStep::Container,
            )));
        }
        self.skip(ProviderKind::Container, SkipReason::NoContainerEndpoint);
        if self
            .var("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.value.eq_ignore_ascii_case("true"))
        {
            self.skip(
                ProviderKind::InstanceMetadata,
                SkipReason::InstanceMetadataDisabled,
            );
            return Ok(None);
        }
        Ok(Some(chain(
            ProviderKind::InstanceMetadata,
            None,
            BaseStep::InstanceMetadata,
        )))
    }

    /// The role settings of a profile that the assume-role provider handles.
    fn role_config(&self, profile: Profile<'s, 's>) -> Result<Option<Sourced<'s>>, PlanError<'s>> {
        let role_arn = value(profile, "role_arn")?;
        if value(profile, "web_identity_token_file")?.is_some() {
            return Ok(None);
        }
        Ok(role_arn)
    }

    /// Walks `source_profile` links from a role profile down to the base credentials.
    fn role_chain(&mut self, top: Profile<'s, 's>) -> Result<Chain<'s>, PlanError<'s>> {
        let mut roles: heapless::Vec<AssumeRoleStep<'s>, MAX_ROLE_CHAIN> = heapless::Vec::new();
        let mut visited: heapless::Vec<&'s str, { MAX_ROLE_CHAIN + 1 }> = heapless::Vec::new();
        let _ = visited.push(top.name());
        let mut current = top;
        let (base_profile, base) = loop {
            let name = current.name();
            let role_arn =
                value(current, "role_arn")?.ok_or(PlanError::ChainTooLong { profile: name })?;
            let source_profile = value(current, "source_profile")?;
            let credential_source = value(current, "credential_source")?;
            let step = AssumeRoleStep {
                profile: name,
                role_arn,
                source_profile,
                session_name: value(current, "role_session_name")?,
                external_id: value(current, "external_id")?,
                mfa_serial: value(current, "mfa_serial")?,
                duration_seconds: value(current, "duration_seconds")?,
            };
            roles
                .push(step)
                .map_err(|_| PlanError::ChainTooLong { profile: name })?;
            match (source_profile, credential_source) {
                (Some(_), Some(_)) => return Err(PlanError::BothSources { profile: name }),
                (None, None) => {
                    return Err(PlanError::RoleWithoutSource {
                        profile: name,
                        role_arn,
                    })
                }
                (None, Some(source)) => {
                    let named = match source.value {
                        "Environment" => CredentialSource::Environment,
                        "Ec2InstanceMetadata" => CredentialSource::Ec2InstanceMetadata,
                        "EcsContainer" => CredentialSource::EcsContainer,
                        _ => {
                            return Err(PlanError::UnknownCredentialSource {
                                profile: name,
                                value: source,
                            })
                        }
                    };
                    break (Some(name), BaseStep::Named(named));
                }
                (Some(source), None) => {
                    let Some(next) = self.files.profile(source.value) else {
                        return Err(PlanError::SourceProfileNotFound {
                            profile: name,
                            source_profile: source,
                        });
                    };
                    if visited.contains(&next.name())
                        && (next.name() != name || !has_static_keys(next))
                    {
                        return Err(PlanError::Cycle {
                            profile: name,
                            source_profile: source,
                        });
                    }
                    visited
                        .push(next.name())
                        .map_err(|_| PlanError::ChainTooLong { profile: name })?;
                    if has_static_keys(next) || self.role_config(next)?.is_none() {
                        // The source profile answers through the profile providers, without the
                        // environment; its own skips are not the active profile's, so they are
                        // not recorded.
                        let mut inner = Planner {
                            files: self.files,
                            env: self.env,
                            skipped: heapless::Vec::new(),
                        };
                        let found = inner.profile_providers(next.name(), Some(next), false)?;
                        let found = found.ok_or(PlanError::SourceProfileWithoutCredentials {
                            profile: name,
                            source_profile: next.name(),
                        })?;
                        break (found.base_profile, found.base);
                    }
                    current = next;
                }
            }
        };
        roles.reverse();
        Ok(Chain {
            provider: ProviderKind::AssumeRole,
            base_profile,
            base,
            roles,
        })
    }

    /// Providers 3 to 8 for one profile. `with_env`: the web identity variables count (only for
    /// the active profile, and not when it came from `--profile`).
    fn profile_providers(
        &mut self,
        name: &'s str,
        profile: Option<Profile<'s, 's>>,
        with_env: bool,
    ) -> Result<Option<Chain<'s>>, PlanError<'s>> {
        let get = |key| profile.map_or(Ok(None), |p| value(p, key));
        // 3. Web identity: each variable overrides its profile key.
        let env_or = |var: &'static str, key| -> Result<Option<Sourced<'s>>, PlanError<'s>> {
            match self.var(var).filter(|_| with_env) {
                Some(v) => Ok(Some(v)),
                None => get(key),
            }
        };
        if let Some(token_file) = env_or("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file")?
        {
            let role_arn =
                env_or("AWS_ROLE_ARN", "role_arn")?.ok_or(PlanError::WebIdentityWithoutRole {
                    profile: name,
                    token_file,
                })?;
            let session_name = env_or("AWS_ROLE_SESSION_NAME", "role_session_name")?;
            let base = BaseStep::WebIdentity {
                role_arn,
                token_file,
                session_name,
            };
            return Ok(Some(chain(ProviderKind::WebIdentity, Some(name), base)));
        }
        let reason = if !with_env && self.var("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
            SkipReason::WebIdentityEnvFromOption
        } else {
            SkipReason::NoWebIdentityToken
        };
        self.skip(ProviderKind::WebIdentity, reason);
        let Some(profile) = profile else {
            for (provider, reason) in [
                (ProviderKind::Sso, SkipReason::NoSsoRole),
                (
                    ProviderKind::SharedCredentialsFile,
                    SkipReason::NotInCredentialsFile,
                ),
                (ProviderKind::Login, SkipReason::NoLoginSession),
                (
                    ProviderKind::CredentialProcess,
                    SkipReason::NoCredentialProcess,
                ),
                (ProviderKind::ConfigFile, SkipReason::NotInConfigFile),
            ] {
                self.skip(provider, reason);
            }
            return Ok(None);
        };
        // 4. IAM Identity Center: a role name or account id makes it a credentials profile.
        if let Some(base) = self.sso(profile)? {
            return Ok(Some(chain(ProviderKind::Sso, Some(name), base)));
        }
        self.skip(ProviderKind::Sso, SkipReason::NoSsoRole);
        // 5. Static keys in the credentials file (that file's section as a whole).
        match static_keys(profile, FileKind::Credentials)? {
            Ok(keys) => {
                return Ok(Some(chain(
                    ProviderKind::SharedCredentialsFile,
                    Some(name),
                    BaseStep::Static(keys),
                )))
            }
            Err(reason) => self.skip(ProviderKind::SharedCredentialsFile, reason),
        }
        // 6. Console login.
        if let Some(session) = value(profile, "login_session")? {
            return Ok(Some(chain(
                ProviderKind::Login,
                Some(name),
                BaseStep::Login {
                    profile: name,
                    session,
                },
            )));
        }
        self.skip(ProviderKind::Login, SkipReason::NoLoginSession);
        // 7. credential_process.
        if let Some(command) = value(profile, "credential_process")? {
            let base = BaseStep::Process {
                profile: name,
                command,
                account_id: value(profile, "aws_account_id")?,
            };
            return Ok(Some(chain(
                ProviderKind::CredentialProcess,
                Some(name),
                base,
            )));
        }
        self.skip(
            ProviderKind::CredentialProcess,
            SkipReason::NoCredentialProcess,
        );
        // 8. Static keys in the config file.
        match static_keys(profile, FileKind::Config)? {
            Ok(keys) => Ok(Some(chain(
                ProviderKind::ConfigFile,
                Some(name),
                BaseStep::Static(keys),
            ))),
            Err(reason) => {
                self.skip(ProviderKind::ConfigFile, reason);
                Ok(None)
            }
        }
    }

    /// The SSO settings of a credentials profile (legacy form, or through `sso_session`).
    fn sso(&self, profile: Profile<'s, 's>) -> Result<Option<BaseStep<'s>>, PlanError<'s>> {
        let name = profile.name();
        let account_id = value(profile, "sso_account_id")?;
        let role_name = value(profile, "sso_role_name")?;
        if account_id.is_none() && role_name.is_none() {
            return Ok(None);
        }
        let session = value(profile, "sso_session")?;
        let section = match session {
            Some(s) => Some(self.files.sso_session(s.value).ok_or(
                PlanError::SsoSessionNotFound {
                    profile: name,
                    session: s,
                },
            )?),
            None => None,
        };
        // botocore refuses any key the profile and its sso-session both set to different values
        // (SSOProvider._resolve_sso_session_reference), not only the start URL and region.
        if let Some(section) = section {
            for (shared, own) in section.shared_with(&profile) {
                if !own.value.lines().eq(shared.value.lines()) {
                    return Err(PlanError::SsoInconsistent {
                        profile: name,
                        key: shared.key,
                    });
                }
            }
        }
        let setting = |key: &'static str| -> Result<Sourced<'s>, PlanError<'s>> {
            let own = value(profile, key)?;
            let shared = match section {
                Some(section) => section
                    .get(key)
                    .map(|p| sourced(name, key, p))
                    .transpose()?,
                None => None,
            };
            match (own, shared) {
                (Some(a), Some(b)) if a.value != b.value => {
                    Err(PlanError::SsoInconsistent { profile: name, key })
                }
                (_, Some(v)) | (Some(v), None) => Ok(v),
                (None, None) => Err(PlanError::SsoIncomplete {
                    profile: name,
                    missing: key,
                }),
            }
        };
        let start_url = setting("sso_start_url")?;
        let region = setting("sso_region")?;
        let role_name = role_name.ok_or(PlanError::SsoIncomplete {
            profile: name,
            missing: "sso_role_name",
        })?;
        let account_id = account_id.ok_or(PlanError::SsoIncomplete {
            profile: name,
            missing: "sso_account_id",
        })?;
        Ok(Some(BaseStep::Sso {
            profile: name,
            session,
            start_url,
            region,
            account_id,
            role_name,
        }))
    }
}

/// A variable of the environment; blank values count as unset.
fn env_var<'e, E: Env + ?Sized>(env: &'e E, name: &'static str) -> Option<Sourced<'e>> {
    let value = env.var(name).filter(|v| !v.is_empty())?;
    Some(Sourced {
        value,
        source: Source::EnvVar(name),
    })
}

/// The environment provider's keys: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (an access
/// key without its secret is [`PlanError::PartialCredentials`]), the session token
/// (`AWS_SECURITY_TOKEN` wins over `AWS_SESSION_TOKEN`, as in the AWS CLI),
/// `AWS_CREDENTIAL_EXPIRATION` and `AWS_ACCOUNT_ID`. Blank values count as unset.
pub fn environment_keys<E: Env + ?Sized>(env: &E) -> Result<Option<StaticKeys<'_>>, PlanError<'_>> {
    let var = |name| env_var(env, name);
    let (access, secret) = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (None, _) => return Ok(None),
        (Some(present), None) => {
            return Err(PlanError::PartialCredentials {
                profile: None,
                present,
                missing: "AWS_SECRET_ACCESS_KEY",
            })
        }
        (Some(a), Some(s)) => (a, s),
    };
    let token = var("AWS_SECURITY_TOKEN").or_else(|| var("AWS_SESSION_TOKEN"));
    Ok(Some(StaticKeys {
        access_key_id: access,
        secret_access_key: secret_of(secret),
        session_token: token.map(secret_of),
        expiration: var("AWS_CREDENTIAL_EXPIRATION"),
        account_id: var("AWS_ACCOUNT_ID"),
    }))
}

fn secret_of(s: Sourced<'_>) -> Secret<'_> {
    Secret {
        value: s.value,
        source: s.source,
    }
}

fn sourced<'a>(
    profile: &'a str,
    key: &'static str,
    p: Property<'a>,
) -> Result<Sourced<'a>, PlanError<'a>> {
    let source = Source::File {
        kind: p.kind,
        path: p.path,
        line: p.line,
    };
    let value = p.value.as_str().ok_or(PlanError::MultiLineValue {
        profile,
        key,
        source,
    })?;
    Ok(Sourced { value, source })
}

/// A single-line key of the merged profile.
fn value<'a>(
    profile: Profile<'a, 'a>,
    key: &'static str,
) -> Result<Option<Sourced<'a>>, PlanError<'a>> {
    profile
        .get(key)
        .map(|p| sourced(profile.name(), key, p))
        .transpose()
}

/// botocore's `_has_static_credentials`: any of the three keys, in either file.
fn has_static_keys(profile: Profile<'_, '_>) -> bool {
    [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
    ]
    .iter()
    .any(|k| profile.get(k).is_some())
}

/// Static keys from one file's section, or why there are none.
fn static_keys<'a>(
    profile: Profile<'a, 'a>,
    kind: FileKind,
) -> Result<Result<StaticKeys<'a>, SkipReason>, PlanError<'a>> {
    let present = match kind {
        FileKind::Config => profile.in_config(),
        FileKind::Credentials => profile.in_credentials(),
    };
    if !present {
        return Ok(Err(match kind {
            FileKind::Config => SkipReason::NotInConfigFile,
            FileKind::Credentials => SkipReason::NotInCredentialsFile,
        }));
    }
    let name = profile.name();
    let get = |key: &'static str| {
        profile
            .get_in_file(kind, key)
            .map(|p| sourced(name, key, p))
            .transpose()
    };
    let Some(access) = get("aws_access_key_id")? else {
        return Ok(Err(SkipReason::NoAccessKey(kind)));
    };
    let secret = get("aws_secret_access_key")?.ok_or(PlanError::PartialCredentials {
        profile: Some(name),
        present: access,
        missing: "aws_secret_access_key",
    })?;
    let token = get("aws_security_token")?.or(get("aws_session_token")?);
    Ok(Ok(StaticKeys {
        access_key_id: access,
        secret_access_key: secret_of(secret),
        session_token: token.map(secret_of),
        expiration: None,
        account_id: get("aws_account_id")?,
    }))
}
