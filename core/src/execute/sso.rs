//! IAM Identity Center: the token cache the AWS CLI shares (~/.aws/sso/cache), the SSO-OIDC
//! refresh of an `sso_session`'s token, and GetRoleCredentials from the portal.

use core::fmt;

use super::{ExecuteError, Io};
use crate::credentials::Credentials;
use crate::evaluate::Evaluator;
use crate::io::{Clock, Command, Env, Fs, Http, Prompt};
use crate::plan::{ProviderKind, Sourced};
use crate::service::ServiceFailure;

/// The settings of an IAM Identity Center profile, as the plan found them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SsoStep<'a> {
    /// The profile.
    pub profile: &'a str,
    /// The `[sso-session]` name, when the profile uses one.
    pub session: Option<Sourced<'a>>,
    /// The start URL.
    pub start_url: Sourced<'a>,
    /// The region of the portal.
    pub region: Sourced<'a>,
    /// The account.
    pub account_id: Sourced<'a>,
    /// The role name.
    pub role_name: Sourced<'a>,
}

/// Why IAM Identity Center gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoError<'a> {
    /// No usable token in the cache: the user has to log in.
    NoToken {
        /// The profile.
        profile: &'a str,
    },
    /// The portal or SSO-OIDC failed or answered with something unusable.
    Service(ServiceFailure),
}

impl SsoError<'_> {
    /// The failed exchange, when a service call is what failed.
    #[must_use]
    pub fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            SsoError::Service(f) => Some(f),
            _ => None,
        }
    }

    /// Whether a service answered with an error status (the AWS CLI's exit code 254).
    #[must_use]
    pub fn is_service_error(&self) -> bool {
        self.service_failure()
            .is_some_and(ServiceFailure::is_service_error)
    }
}

impl fmt::Display for SsoError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SsoError::NoToken { profile } => write!(
                f,
                "profile {profile}: the IAM Identity Center token is missing or expired; run `aws sso login \
                 --profile {profile}`"
            ),
            SsoError::Service(e) => write!(f, "{e}"),
        }
    }
}

/// The role credentials of an IAM Identity Center profile.
pub(super) async fn credentials<'s, E, F, H, C, P, K>(
    eval: &Evaluator<'s, 's, E>,
    io: &Io<'_, F, H, C, P, K>,
    step: &SsoStep<'s>,
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
    let _ = (eval, io, step, now);
    Err(ExecuteError::Unsupported {
        provider: ProviderKind::Sso,
    })
}
