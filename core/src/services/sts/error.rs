//! Why an STS call failed: the error kinds, their messages and the retry class of each.

// An STS error keeps the service's message inline: the core has no allocator to box it.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

use core::fmt;

use super::xml::XmlProblem;
use super::{Operation, MAX_ERROR_CODE_LEN, MAX_ERROR_MESSAGE_LEN, MAX_REQUEST_BODY_LEN};
use crate::io::{HttpErrorKind, MAX_CONTENT_TYPE_LEN};
use crate::services::endpoint::Origin;
use crate::services::retry::{classify, Class, Failure, Service};
use crate::signing::sigv4::SignError;

/// The message of an STS error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorMessage {
    /// The answer had no `Message`.
    None,
    /// The message, whole.
    Text(heapless::String<MAX_ERROR_MESSAGE_LEN>),
    /// A message longer than [`MAX_ERROR_MESSAGE_LEN`] bytes: not kept (never cut).
    TooLong {
        /// Its length as sent, in bytes.
        len: usize,
    },
}

/// Why an STS call gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StsErrorKind {
    /// The form-encoded request is longer than [`MAX_REQUEST_BODY_LEN`].
    RequestTooLong,
    /// The request could not be signed.
    Sign(SignError),
    /// No response: timeout, connection failure, a body over the cap, an unusable URL.
    Http {
        /// What the host reported.
        kind: HttpErrorKind,
        /// The timeout that applied, in milliseconds.
        timeout_ms: u32,
        /// The body cap that applied, in bytes.
        max_body_bytes: usize,
    },
    /// STS answered with an error.
    Service {
        /// The HTTP status.
        status: u16,
        /// The error code (`AccessDenied`, `ExpiredToken`, ...).
        code: heapless::String<MAX_ERROR_CODE_LEN>,
        /// The message.
        message: ErrorMessage,
    },
    /// The answer has no body.
    EmptyBody {
        /// The HTTP status.
        status: u16,
    },
    /// The answer's content type is not XML.
    WrongContentType {
        /// The HTTP status.
        status: u16,
        /// The content type.
        content_type: heapless::String<MAX_CONTENT_TYPE_LEN>,
    },
    /// The body is not XML.
    NotXml {
        /// The HTTP status.
        status: u16,
    },
    /// The body is XML that is malformed or not an STS answer.
    Malformed {
        /// The HTTP status.
        status: u16,
        /// What is wrong.
        problem: XmlProblem,
    },
}

/// A failed STS call: the operation, the role and the endpoint, and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsError<'e> {
    /// The operation.
    pub operation: Operation,
    /// The role asked for; for [`Operation::GetSessionToken`], the MFA device's serial number
    /// or ARN (empty without one); for [`Operation::GetFederationToken`], the federated user's
    /// name; empty for [`Operation::GetCallerIdentity`].
    pub role_arn: &'e str,
    /// The endpoint's URL.
    pub endpoint: &'e str,
    /// Where the endpoint came from.
    pub origin: Origin<'e>,
    /// What went wrong.
    pub kind: StsErrorKind,
}

impl fmt::Display for StsError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.operation {
            Operation::AssumeRole => write!(f, "assuming role {} failed", self.role_arn)?,
            Operation::AssumeRoleWithWebIdentity => write!(
                f,
                "assuming role {} with a web identity token failed",
                self.role_arn
            )?,
            Operation::GetSessionToken if self.role_arn.is_empty() => {
                f.write_str("getting a session token failed")?;
            }
            Operation::GetSessionToken => write!(
                f,
                "getting a session token with the MFA device {} failed",
                self.role_arn
            )?,
            Operation::GetCallerIdentity => f.write_str("asking who the credentials are failed")?,
            Operation::GetFederationToken => write!(
                f,
                "getting console credentials for the federated user {} failed",
                self.role_arn
            )?,
        }
        write!(
            f,
            ": STS {} at {} (from {}) ",
            self.operation.name(),
            self.endpoint,
            self.origin
        )?;
        let check_endpoint = "check that the endpoint is an STS endpoint (a proxy, captive portal \
                              or wrong URL answers this way)";
        match &self.kind {
            StsErrorKind::RequestTooLong => write!(
                f,
                "was not called: the request is longer than MAX_REQUEST_BODY_LEN \
                 ({MAX_REQUEST_BODY_LEN}) bytes; shorten the parameters (the token, the session \
                 name, the external id)"
            ),
            StsErrorKind::Sign(e) => write!(f, "was not called: {e}"),
            StsErrorKind::Http {
                kind,
                timeout_ms,
                max_body_bytes,
            } => match kind {
                HttpErrorKind::Timeout => write!(
                    f,
                    "did not answer within {timeout_ms} ms; check the network and the endpoint, \
                     and try again"
                ),
                HttpErrorKind::Connect => f.write_str(
                    "could not be reached (a connection refused or not made in time, DNS or TLS failure); check the network \
                     and the endpoint URL",
                ),
                HttpErrorKind::TooLarge => write!(
                    f,
                    "answered with a body over {max_body_bytes} bytes; {check_endpoint}"
                ),
                HttpErrorKind::InvalidUrl => {
                    f.write_str("has a URL the HTTP client cannot use; correct the endpoint URL")
                }
                HttpErrorKind::Other => f.write_str(
                    "failed mid-exchange (a broken connection or a malformed HTTP answer); try \
                     again, and check the endpoint",
                ),
            },
            StsErrorKind::Service {
                status,
                code,
                message,
            } => {
                write!(f, "answered HTTP {status} {code}")?;
                match message {
                    ErrorMessage::None => {}
                    ErrorMessage::Text(m) => write!(f, ": {m}")?,
                    ErrorMessage::TooLong { len } => write!(
                        f,
                        " (its message, {len} bytes, is longer than MAX_ERROR_MESSAGE_LEN and \
                         was not kept)"
                    )?,
                }
                write!(f, "; {}", service_fix(code, self.operation))
            }
            StsErrorKind::EmptyBody { status } if *status >= 500 => write!(
                f,
                "answered HTTP {status} with an empty body; STS may be unavailable: try again \
                 later"
            ),
            StsErrorKind::EmptyBody { status } => write!(
                f,
                "answered HTTP {status} with an empty body; {check_endpoint}"
            ),
            StsErrorKind::WrongContentType {
                status,
                content_type,
            } => write!(
                f,
                "answered HTTP {status} with content type {content_type}, not XML; \
                 {check_endpoint}"
            ),
            StsErrorKind::NotXml { status } => write!(
                f,
                "answered HTTP {status} with a body that is not XML; {check_endpoint}"
            ),
            // A field over a capacity is credchain's limit, not the endpoint's fault.
            StsErrorKind::Malformed {
                status,
                problem: XmlProblem::FieldTooLong(t),
            } => write!(f, "answered HTTP {status}, and {t}"),
            StsErrorKind::Malformed { status, problem } => write!(
                f,
                "answered HTTP {status} with a response credchain cannot read ({problem}); \
                 {check_endpoint}"
            ),
        }
    }
}

impl core::error::Error for StsError<'_> {}

/// What to do about an STS error code.
fn service_fix(code: &str, operation: Operation) -> &'static str {
    let session_token = operation == Operation::GetSessionToken;
    match code {
        "AccessDenied" if session_token => {
            "check the MFA code (a current one from the device) and the device's serial number \
             or ARN, and that the long-term keys belong to the device's IAM user"
        }
        "AccessDenied" if operation == Operation::AssumeRoleWithWebIdentity => {
            "check the role's trust policy: it must trust the token's identity provider and \
             audience"
        }
        "AccessDenied" => {
            "check the role's trust policy and that the source credentials may call \
             sts:AssumeRole on it (and external_id, mfa_serial if the policy requires them)"
        }
        "ExpiredToken" | "ExpiredTokenException"
            if operation != Operation::AssumeRoleWithWebIdentity =>
        {
            "the source credentials have expired: refresh them and try again"
        }
        "ExpiredToken" | "ExpiredTokenException" => {
            "the web identity token has expired: refresh the token file and try again"
        }
        "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "UnrecognizedClientException" => {
            "check the source credentials (access key id, secret key and session token)"
        }
        "InvalidIdentityToken" | "IDPRejectedClaim" | "IDPCommunicationError" => {
            "check the web identity token and the identity provider configured for the role"
        }
        "RegionDisabledException" => {
            "activate STS for this region in the account's IAM settings, or use another region"
        }
        "ValidationError" if session_token => {
            "check the duration (900 to 129600 seconds) and the MFA serial number and code"
        }
        "ValidationError" | "MalformedPolicyDocument" | "PackedPolicyTooLarge" => {
            "check the role's settings (role_arn, role_session_name, duration_seconds, \
             external_id)"
        }
        "Throttling"
        | "ThrottlingException"
        | "ServiceUnavailable"
        | "InternalFailure"
        | "InternalError" => "STS is busy or failing: try again later",
        _ => "see STS's message above",
    }
}

/// How the retry rules see a failed STS attempt: by status and code when STS answered with an
/// error status (whatever its body), by the host's error when no answer came.
#[must_use]
pub fn retry_class(kind: &StsErrorKind) -> Class {
    let status = |status: u16, code: Option<&str>| {
        if (200..300).contains(&status) {
            // A 2xx answer that cannot be read: botocore does not retry a parse failure.
            Class::Fatal
        } else {
            classify(Failure::Status { status, code }, Service::Sts)
        }
    };
    match kind {
        StsErrorKind::RequestTooLong | StsErrorKind::Sign(_) => Class::Fatal,
        StsErrorKind::Http { kind, .. } => classify(Failure::Transport(*kind), Service::Sts),
        StsErrorKind::Service {
            status: s, code, ..
        } => status(*s, Some(code)),
        StsErrorKind::EmptyBody { status: s }
        | StsErrorKind::WrongContentType { status: s, .. }
        | StsErrorKind::NotXml { status: s }
        | StsErrorKind::Malformed { status: s, .. } => status(*s, None),
    }
}
