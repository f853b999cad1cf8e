//! AWS STS over the Query protocol: AssumeRole, GetSessionToken, GetFederationToken and
//! GetCallerIdentity (SigV4-signed with the caller's credentials) and AssumeRoleWithWebIdentity (unsigned), as the AWS CLI sends them,
//! through the injected [`Http`](crate::io::Http), with a timeout and a cap on the response body.
//!
//! ```text
//!   POST {endpoint path}                        content-type: application/x-www-form-urlencoded; charset=utf-8
//!   Action=AssumeRole&Version=2011-06-15&RoleArn=..&RoleSessionName=..[&ExternalId=..]
//!     [&SerialNumber=..&TokenCode=..][&DurationSeconds=..]
//!   ──▶ <AssumeRoleResponse><AssumeRoleResult><Credentials>
//!         <AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/></Credentials>
//!         <AssumedRoleUser><AssumedRoleId/><Arn/></AssumedRoleUser> ...
//!
//!   Action=GetSessionToken&Version=2011-06-15[&DurationSeconds=..][&SerialNumber=..&TokenCode=..]
//!   ──▶ <GetSessionTokenResponse><GetSessionTokenResult><Credentials>
//!         <AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/></Credentials> ...
//!
//!   Action=GetFederationToken&Version=2011-06-15&Name=..[&Policy=..][&DurationSeconds=..]
//!   ──▶ <GetFederationTokenResponse><GetFederationTokenResult><Credentials>...</Credentials>
//!         <FederatedUser><FederatedUserId/><Arn/></FederatedUser> ...
//!
//!   Action=GetCallerIdentity&Version=2011-06-15
//!   ──▶ <GetCallerIdentityResponse><GetCallerIdentityResult><UserId/><Account/><Arn/> ...
//! ```
//!
//! Form values are encoded with [`uri_encode`](crate::signing::sigv4::uri_encode) (every byte but the RFC 3986 unreserved set as
//! `%XX`), in the order of botocore's input shapes. The signed calls' SignedHeaders are `content-type;host;x-amz-date` plus
//! `x-amz-security-token` when the caller's credentials carry a session token; the `Host` signed
//! is [`Endpoint::host_header`](crate::services::endpoint::Endpoint::host_header), the one an HTTP client sends, so the host's own `Host` header
//! matches what was signed.
//!
//! # Responses
//! The body is read by a tiny, strict XML reader (no allocation, no entity expansion beyond the
//! five predefined entities and character references, no DOCTYPE or CDATA): tags must nest and
//! close, whitespace between elements is ignored, and anything else is an error, never a panic.
//! A `2xx` answer must be `<{Operation}Response>` with the four credential fields; an STS error
//! (`<ErrorResponse><Error><Type/><Code/><Message/></Error>`) becomes
//! [`StsErrorKind::Service`] with the HTTP status, the code and the message. Empty bodies, bodies
//! of another content type, bodies that are not XML and malformed XML are distinct kinds, as are
//! the transport's failures (timeout, connection).
//!
//! # Secrets
//! The request body holds the web identity token or the MFA code, and the signed headers the
//! session token: none of them is kept in an error, and the parameter types' Debug redacts them.
//! STS's own error messages are kept as sent (they name ARNs, never secrets).

// An STS error keeps the service's message inline: the core has no allocator to box it.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

mod error;
mod request;
mod response;
mod xml;

pub use error::{retry_class, ErrorMessage, StsError, StsErrorKind};
pub use request::{
    assume_role, assume_role_with_web_identity, get_caller_identity, get_federation_token,
    get_session_token,
};
pub use response::{parse_caller_identity_response, parse_response, parse_session_token_response};
pub use xml::XmlProblem;

use core::fmt::Write as _;

use crate::credentials::redact::redacted_debug;
use crate::credentials::{Credentials, MAX_ACCOUNT_ID_LEN};
use crate::services::retry::RetryConfig;

/// How long one STS call may take, end to end, in milliseconds (the default of
/// [`StsOptions::timeout_ms`]).
pub const STS_TIMEOUT_MS: u32 = 10_000;
/// The largest STS response body read, in bytes (the default of [`StsOptions::max_body_bytes`]);
/// real ones are 1 to 3 KB.
pub const MAX_STS_RESPONSE_BYTES: usize = 64 * 1024;
/// The longest request body, in bytes, once form-encoded. A web identity token may be up to
/// 20,000 characters (STS's limit), and JWTs need no encoding.
pub const MAX_REQUEST_BODY_LEN: usize = 24 * 1024;
/// The longest STS error code kept.
pub const MAX_ERROR_CODE_LEN: usize = 128;
/// The longest STS error message kept, in bytes, once unescaped. A longer message is not cut:
/// it is reported as [`ErrorMessage::TooLong`] with its length.
pub const MAX_ERROR_MESSAGE_LEN: usize = 2048;
/// The longest `AssumedRoleUser/Arn` kept (IAM's limit for ARNs).
pub const MAX_ARN_LEN: usize = 2048;
/// The longest GetCallerIdentity `UserId` kept (an assumed role's is a role id, `:` and a
/// session name of up to 64 characters; a federated user's, an account and a name).
pub const MAX_USER_ID_LEN: usize = 256;
/// The longest `AssumedRoleUser/AssumedRoleId` kept (a role id, `:` and a 64-character session
/// name).
pub const MAX_ASSUMED_ROLE_ID_LEN: usize = 256;
/// The deepest element nesting the XML reader follows (STS's answers nest 4 deep).
pub const MAX_XML_DEPTH: usize = 16;
/// The longest `Expiration` kept as STS wrote it, for [`SessionCredentials::expiration_text`]
/// (an RFC 3339 time is 20 to 35 bytes).
pub const MAX_EXPIRATION_TEXT_LEN: usize = 64;
/// The capacity of a generated session name (`botocore-session-` and up to 20 digits).
pub const MAX_GENERATED_SESSION_NAME_LEN: usize = 40;

/// The STS API version every request names.
pub const API_VERSION: &str = "2011-06-15";
/// The request body's content type.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// A session name that credchain made up.
pub type GeneratedSessionName = heapless::String<MAX_GENERATED_SESSION_NAME_LEN>;

/// The session name the AWS CLI uses when none is configured: `botocore-session-<unix seconds>`.
/// (A generated name is left out of the cache key; see [`crate::caches::assume_role`].)
#[must_use]
pub fn generated_session_name(now_unix: i64) -> GeneratedSessionName {
    let mut name = GeneratedSessionName::new();
    // 17 bytes of prefix and at most 20 of digits: it always fits.
    let _ = write!(name, "botocore-session-{now_unix}");
    name
}

/// Reads `duration_seconds` as the AWS CLI does (Python's `int()`): optional surrounding
/// whitespace, an optional sign, ASCII digits with single `_` between them. `None` when it is not
/// a number, in which case the AWS CLI leaves DurationSeconds out.
#[must_use]
pub fn parse_duration_seconds(text: &str) -> Option<i64> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c));
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let b = digits.as_bytes();
    let ok = !b.is_empty()
        && b[0].is_ascii_digit()
        && b[b.len() - 1].is_ascii_digit()
        && !digits.contains("__")
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'_');
    if !ok {
        return None;
    }
    let mut value: i64 = 0;
    for &c in b.iter().filter(|c| c.is_ascii_digit()) {
        let d = i64::from(c - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(d)?
        } else {
            value.checked_add(d)?
        };
    }
    Some(value)
}

/// The STS operations credchain calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `AssumeRole`.
    AssumeRole,
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
    /// `GetSessionToken` (`credchain configure mfa-login`; no provider of the chain calls it).
    GetSessionToken,
    /// `GetCallerIdentity` (`credchain whoami`): who the signing credentials belong to.
    GetCallerIdentity,
    /// `GetFederationToken` (`credchain console` with an IAM user's long-term keys, which the
    /// federation endpoint does not take).
    GetFederationToken,
}

impl Operation {
    /// The operation's name (the `Action`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Operation::AssumeRole => "AssumeRole",
            Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            Operation::GetSessionToken => "GetSessionToken",
            Operation::GetCallerIdentity => "GetCallerIdentity",
            Operation::GetFederationToken => "GetFederationToken",
        }
    }
}

/// An MFA device and the code read from it. Debug redacts the code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Mfa<'p> {
    /// The device's serial number or ARN (`mfa_serial`).
    pub serial_number: &'p str,
    /// The code typed: a secret.
    pub token_code: &'p str,
}

redacted_debug!(Mfa<'_> { serial_number } redacted { token_code });

/// AssumeRole's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssumeRoleParams<'p> {
    /// `RoleArn`.
    pub role_arn: &'p str,
    /// `RoleSessionName`: the configured one, or [`generated_session_name`].
    pub role_session_name: &'p str,
    /// `ExternalId`.
    pub external_id: Option<&'p str>,
    /// `SerialNumber` and `TokenCode`.
    pub mfa: Option<Mfa<'p>>,
    /// `DurationSeconds` (see [`parse_duration_seconds`]).
    pub duration_seconds: Option<i64>,
}

/// AssumeRoleWithWebIdentity's parameters. Debug redacts the token.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct WebIdentityParams<'p> {
    /// `RoleArn`.
    pub role_arn: &'p str,
    /// `RoleSessionName`: the configured one, or [`generated_session_name`].
    pub role_session_name: &'p str,
    /// `WebIdentityToken`: the token file's contents, a secret.
    pub web_identity_token: &'p str,
}

redacted_debug!(WebIdentityParams<'_> { role_arn, role_session_name } redacted { web_identity_token });

/// GetSessionToken's parameters, as `aws configure mfa-login` passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTokenParams<'p> {
    /// `DurationSeconds` (the AWS CLI's default for `mfa-login` is 43200).
    pub duration_seconds: Option<i64>,
    /// `SerialNumber` and `TokenCode`.
    pub mfa: Option<Mfa<'p>>,
}

impl<'p> SessionTokenParams<'p> {
    /// What an error names the call by: the MFA device, or nothing without one.
    fn subject(&self) -> &'p str {
        self.mfa.map_or("", |mfa| mfa.serial_number)
    }
}

/// GetFederationToken's parameters, as `credchain console` passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FederationTokenParams<'p> {
    /// `Name`: the federated user's name (2 to 32 characters of `[\w+=,.@-]`).
    pub name: &'p str,
    /// `Policy`: an inline session policy (JSON). The federated user's permissions are the
    /// intersection of the IAM user's and this policy's; without one it has none.
    pub policy: Option<&'p str>,
    /// `DurationSeconds` (900 to 129,600; STS's default is 43,200).
    pub duration_seconds: Option<i64>,
}

/// What a successful GetSessionToken returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCredentials {
    /// The temporary credentials (attributed to the credentials file, where they are written).
    pub credentials: Credentials,
    /// `Expiration` exactly as STS wrote it (the AWS CLI prints it so with
    /// `cli_timestamp_format = wire`).
    pub expiration_text: heapless::String<MAX_EXPIRATION_TEXT_LEN>,
}

/// Limits of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StsOptions {
    /// The whole exchange must finish within this many milliseconds.
    pub timeout_ms: u32,
    /// A longer response body is
    /// [`HttpErrorKind::TooLarge`](crate::io::HttpErrorKind::TooLarge).
    pub max_body_bytes: usize,
    /// How the call is retried (the active profile's [`crate::services::retry::settings`]).
    pub retry: RetryConfig,
}

impl Default for StsOptions {
    fn default() -> Self {
        StsOptions {
            timeout_ms: STS_TIMEOUT_MS,
            max_body_bytes: MAX_STS_RESPONSE_BYTES,
            retry: RetryConfig::default(),
        }
    }
}

/// Where a signed STS call goes and what it is sent with: the HTTP client, the clock the
/// requests are signed at and the retries wait on, the endpoint, the caller whose credentials
/// sign it, and the call's limits. The caller builds it once and passes it to each call.
pub struct StsTarget<'c, 'e, H: ?Sized, K: ?Sized> {
    /// The HTTP client the call goes through.
    pub http: &'c H,
    /// The clock each attempt is signed at.
    pub clock: &'c K,
    /// The STS endpoint (one for signing: see
    /// [`Endpoint::for_signing`](crate::services::endpoint::Endpoint::for_signing)).
    pub endpoint: &'e crate::services::endpoint::Endpoint<'e>,
    /// The credentials that sign the call.
    pub caller: &'c Credentials,
    /// The call's limits and retries.
    pub options: StsOptions,
}

/// What GetCallerIdentity answers: who the signing credentials belong to, as `aws sts
/// get-caller-identity` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// `UserId`: an IAM user's id (`AIDA...`), or an assumed role's `AROA...:session`.
    pub user_id: heapless::String<MAX_USER_ID_LEN>,
    /// `Account`: the account id.
    pub account: heapless::String<MAX_ACCOUNT_ID_LEN>,
    /// `Arn`: the user's, the assumed role session's or the federated user's ARN.
    pub arn: heapless::String<MAX_ARN_LEN>,
}

/// `AssumedRoleUser`: who the credentials act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRoleUser {
    /// `AssumedRoleId` (`AROA...:session`).
    pub assumed_role_id: heapless::String<MAX_ASSUMED_ROLE_ID_LEN>,
    /// `Arn` (`arn:aws:sts::123456789012:assumed-role/NAME/session`).
    pub arn: heapless::String<MAX_ARN_LEN>,
}

/// What a successful call returns (and what the assume-role cache holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRole {
    /// The role's credentials, with the account id taken from the assumed role's ARN.
    pub credentials: Credentials,
    /// `AssumedRoleUser`, when the answer has it.
    pub user: Option<AssumedRoleUser>,
}

/// The account id in an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`), as botocore's
/// ArnParser reads it.
#[must_use]
pub fn account_id_of(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(_), Some(_), Some(account), Some(_)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    (!account.is_empty()).then_some(account)
}

#[cfg(test)]
mod tests;
