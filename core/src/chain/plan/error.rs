//! Why a configuration cannot produce credentials.

use core::fmt;

use super::*;
use crate::{Source, Sourced};

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
pub(super) fn present_name(s: Sourced<'_>) -> &'static str {
    match s.source {
        Source::EnvVar(v) => v,
        _ => "the key",
    }
}
