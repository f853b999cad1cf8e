//! The STS calls the commands make themselves (`whoami`, `console`, `configure mfa-login`):
//! the endpoint and the retries the active profile's settings resolve, and STS's failures as
//! the AWS CLI reports them.

use credchain_core::config::evaluate::Evaluator;
use credchain_core::credentials::Credentials;
use credchain_core::io::Env;
use credchain_core::services::endpoint::{self, Endpoint, EndpointError};
use credchain_core::services::retry::{self, Class, RetryConfig};
use credchain_core::services::sts::{
    self, ErrorMessage, StsError, StsErrorKind, StsOptions, StsTarget,
};

use crate::failure::{Failure, CONFIGURATION_ERROR, OTHER_ERROR, SERVICE_ERROR};
use crate::machine::Machine;

/// Where a command's STS call goes and how it is retried.
#[derive(Debug)]
pub struct StsCall<'e> {
    endpoint: Endpoint<'e>,
    /// The active profile's retry settings.
    pub retry: RetryConfig,
}

impl<'e> StsCall<'e> {
    /// The STS endpoint and the retries `eval`'s settings resolve (the endpoint not yet checked
    /// for a region to sign with: botocore finds that only when it signs).
    ///
    /// # Errors
    /// The endpoint or the retry settings cannot be resolved.
    pub fn resolve<E: Env + ?Sized>(eval: &Evaluator<'e, 'e, E>) -> Result<Self, Failure> {
        let endpoint = endpoint::sts(eval).map_err(endpoint_failure)?;
        let retry = retry::settings(eval).map_err(Failure::other)?.config;
        Ok(StsCall { endpoint, retry })
    }

    /// The call with its endpoint checked for signing, and its options.
    ///
    /// # Errors
    /// No region to sign with (botocore's NoRegionError, 253).
    pub fn signed(self) -> Result<SignedCall<'e>, Failure> {
        let endpoint = self.endpoint.for_signing().map_err(endpoint_failure)?;
        let options = StsOptions {
            retry: self.retry,
            ..StsOptions::default()
        };
        Ok(SignedCall { endpoint, options })
    }
}

/// A command's signed STS call: the endpoint to sign for and the call's options.
#[derive(Debug)]
pub struct SignedCall<'e> {
    endpoint: Endpoint<'e>,
    /// The call's limits and the active profile's retries.
    pub options: StsOptions,
}

impl SignedCall<'_> {
    /// Where the call goes, through `machine`'s HTTP client and clock, signed with `caller`.
    pub fn target<'a, M: Machine + ?Sized>(
        &'a self,
        machine: &'a M,
        caller: &'a Credentials,
    ) -> StsTarget<'a, 'a, M::Http, M::Clock> {
        let io = machine.io();
        StsTarget {
            http: io.http,
            clock: io.clock,
            endpoint: &self.endpoint,
            caller,
            options: self.options,
        }
    }
}

/// STS's error answer as botocore words its ClientError: `An error occurred (CODE) when calling
/// the OPERATION operation[ (reached max retries: N)]: MESSAGE`; `None` when STS did not answer
/// with an error (then the core's own words say what happened).
#[must_use]
pub fn client_error(error: &StsError<'_>, retry: RetryConfig) -> Option<String> {
    let StsErrorKind::Service { code, message, .. } = &error.kind else {
        return None;
    };
    // botocore notes "reached max retries" when the last attempt was the last allowed: a
    // retryable error answered every attempt, or only one attempt was allowed.
    let retry_info = if retry.max_attempts <= 1 || sts::retry_class(&error.kind) != Class::Fatal {
        format!(
            " (reached max retries: {})",
            retry.max_attempts.saturating_sub(1)
        )
    } else {
        String::new()
    };
    let message = match message {
        ErrorMessage::None => "Unknown".to_owned(),
        ErrorMessage::Text(text) => text.to_string(),
        ErrorMessage::TooLong { len } => format!("(a message of {len} bytes, too long to keep)"),
    };
    Some(format!(
        "An error occurred ({code}) when calling the {} operation{retry_info}: {message}",
        error.operation.name()
    ))
}

/// A failed STS call of a command that calls STS itself (`whoami`, `console`): STS's error
/// answer as botocore's ClientError, anything else in the core's words; status 254.
#[must_use]
pub fn call_failure(error: &StsError<'_>, retry: RetryConfig) -> Failure {
    match client_error(error, retry) {
        Some(text) => Failure::WithStatus(SERVICE_ERROR, text),
        None => Failure::with_status(SERVICE_ERROR, error),
    }
}

/// An endpoint that cannot be resolved: botocore's NoRegionError is a configuration error
/// (253), the others 255.
#[must_use]
pub fn endpoint_failure(error: EndpointError<'_>) -> Failure {
    let status = if error.is_no_region() {
        CONFIGURATION_ERROR
    } else {
        OTHER_ERROR
    };
    Failure::with_status(status, error)
}
