//! AWS STS over the Query protocol: AssumeRole (SigV4-signed with the caller's credentials) and
//! AssumeRoleWithWebIdentity (unsigned), as the AWS CLI sends them, through the injected
//! [`Http`], with a timeout and a cap on the response body.
//!
//! ```text
//!   POST {endpoint path}                        content-type: application/x-www-form-urlencoded; charset=utf-8
//!   Action=AssumeRole&Version=2011-06-15&RoleArn=..&RoleSessionName=..[&ExternalId=..]
//!     [&SerialNumber=..&TokenCode=..][&DurationSeconds=..]
//!   ──▶ <AssumeRoleResponse><AssumeRoleResult><Credentials>
//!         <AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/></Credentials>
//!         <AssumedRoleUser><AssumedRoleId/><Arn/></AssumedRoleUser> ...
//! ```
//!
//! Form values are encoded with [`uri_encode`] (every byte but the RFC 3986 unreserved set as
//! `%XX`). AssumeRole's SignedHeaders are `content-type;host;x-amz-date` plus
//! `x-amz-security-token` when the caller's credentials carry a session token; the `Host` signed
//! is [`Endpoint::host_header`], the one an HTTP client sends, so the host's own `Host` header
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

use core::fmt::{self, Write as _};

use crate::credentials::ProviderKind;
use crate::credentials::{parse_timestamp, Credentials, TooLong};
use crate::credentials::{MAX_ACCESS_KEY_ID_LEN, MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN};
use crate::io::{Clock, Http, HttpErrorKind, HttpRequest, MAX_CONTENT_TYPE_LEN};
use crate::services::endpoint::{Endpoint, Origin};
use crate::services::retry::{classify, Class, Failure, RetryConfig, Service};
use crate::signing::sigv4::{
    sign, uri_encode, Request, SignError, SigningOptions, SigningParams, Timestamp,
};

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
/// The longest `AssumedRoleUser/AssumedRoleId` kept (a role id, `:` and a 64-character session
/// name).
pub const MAX_ASSUMED_ROLE_ID_LEN: usize = 256;
/// The deepest element nesting the XML reader follows (STS's answers nest 4 deep).
pub const MAX_XML_DEPTH: usize = 16;
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

/// The two STS operations credchain calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `AssumeRole`.
    AssumeRole,
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
}

impl Operation {
    /// The operation's name (the `Action`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Operation::AssumeRole => "AssumeRole",
            Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
        }
    }

    fn provider(self) -> ProviderKind {
        match self {
            Operation::AssumeRole => ProviderKind::AssumeRole,
            Operation::AssumeRoleWithWebIdentity => ProviderKind::WebIdentity,
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

impl fmt::Debug for Mfa<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mfa")
            .field("serial_number", &self.serial_number)
            .field("token_code", &"<redacted>")
            .finish()
    }
}

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

impl fmt::Debug for WebIdentityParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityParams")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &"<redacted>")
            .finish()
    }
}

/// Limits of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StsOptions {
    /// The whole exchange must finish within this many milliseconds.
    pub timeout_ms: u32,
    /// A longer response body is [`HttpErrorKind::TooLarge`].
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

/// What is wrong with an STS response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlProblem {
    /// It ends inside a tag or an element.
    Truncated,
    /// It is not UTF-8.
    NotUtf8,
    /// It has a DOCTYPE, CDATA section or other markup STS never sends.
    UnsupportedMarkup,
    /// A tag, name or attribute is malformed.
    Syntax,
    /// A closing tag does not match the element it closes.
    MismatchedTag,
    /// Text or a second element outside the root element.
    OutsideRoot,
    /// Elements nest deeper than [`MAX_XML_DEPTH`].
    TooDeep,
    /// An unknown or malformed entity or character reference.
    BadReference,
    /// A field appears twice (or its text is split by markup).
    Duplicate,
    /// The root element is neither the operation's response nor `ErrorResponse`.
    UnexpectedRoot,
    /// A field the answer must have is missing.
    Missing(&'static str),
    /// `Expiration` is not an ISO 8601 time.
    BadExpiration,
    /// A field is longer than credchain keeps.
    FieldTooLong(TooLong),
}

impl fmt::Display for XmlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlProblem::Truncated => f.write_str("it ends inside an element: truncated"),
            XmlProblem::NotUtf8 => f.write_str("it is not UTF-8"),
            XmlProblem::UnsupportedMarkup => {
                f.write_str("it has a DOCTYPE, CDATA or other markup STS never sends")
            }
            XmlProblem::Syntax => f.write_str("a tag is malformed"),
            XmlProblem::MismatchedTag => f.write_str("a closing tag does not match its element"),
            XmlProblem::OutsideRoot => f.write_str("it has content outside the root element"),
            XmlProblem::TooDeep => write!(
                f,
                "elements nest deeper than MAX_XML_DEPTH ({MAX_XML_DEPTH})"
            ),
            XmlProblem::BadReference => f.write_str("it has an unknown or malformed `&` reference"),
            XmlProblem::Duplicate => f.write_str("a field appears twice"),
            XmlProblem::UnexpectedRoot => f.write_str("its root element is not an STS response"),
            XmlProblem::Missing(field) => write!(f, "{field} is missing"),
            XmlProblem::BadExpiration => f.write_str("Expiration is not an ISO 8601 time"),
            XmlProblem::FieldTooLong(t) => t.fmt(f),
        }
    }
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
    /// The role asked for.
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
        let with = match self.operation {
            Operation::AssumeRole => "",
            Operation::AssumeRoleWithWebIdentity => " with a web identity token",
        };
        write!(
            f,
            "assuming role {}{with} failed: STS {} at {} (from {}) ",
            self.role_arn,
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
    match code {
        "AccessDenied" if operation == Operation::AssumeRoleWithWebIdentity => {
            "check the role's trust policy: it must trust the token's identity provider and \
             audience"
        }
        "AccessDenied" => {
            "check the role's trust policy and that the source credentials may call \
             sts:AssumeRole on it (and external_id, mfa_serial if the policy requires them)"
        }
        "ExpiredToken" | "ExpiredTokenException" if operation == Operation::AssumeRole => {
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

/// Calls AssumeRole at `endpoint`, signed with `caller`'s credentials, retried as
/// `options.retry` says; each attempt is signed anew at `clock`'s time, as botocore signs each.
///
/// # Errors
/// [`StsError`], naming the role and the endpoint: the last attempt's.
pub async fn assume_role<'e, H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    endpoint: &'e Endpoint<'e>,
    caller: &Credentials,
    params: &AssumeRoleParams<'e>,
    options: &StsOptions,
) -> Result<AssumedRole, StsError<'e>> {
    let operation = Operation::AssumeRole;
    let fail = |kind| StsError {
        operation,
        role_arn: params.role_arn,
        endpoint: endpoint.url(),
        origin: endpoint.origin(),
        kind,
    };
    let mut body = heapless::String::<MAX_REQUEST_BODY_LEN>::new();
    write_assume_role_body(&mut body, params).map_err(|_| fail(StsErrorKind::RequestTooLong))?;
    let body = &body;
    crate::services::retry::run(clock, options.retry, retry_class, move || async move {
        signed_assume_role(http, clock.now_unix(), endpoint, caller, body, options).await
    })
    .await
    .map_err(fail)
}

/// One AssumeRole attempt, signed at `now_unix`.
async fn signed_assume_role<H: Http + ?Sized>(
    http: &H,
    now_unix: i64,
    endpoint: &Endpoint<'_>,
    caller: &Credentials,
    body: &str,
    options: &StsOptions,
) -> Result<AssumedRole, StsErrorKind> {
    let time = Timestamp::from_unix(now_unix).map_err(StsErrorKind::Sign)?;
    let signing = SigningParams {
        access_key_id: caller.access_key_id(),
        secret_access_key: caller.secret_access_key(),
        session_token: caller.session_token(),
        region: endpoint.signing_region(),
        service: "sts",
        time,
    };
    let to_sign = [
        ("content-type", FORM_CONTENT_TYPE),
        ("host", endpoint.host_header()),
    ];
    let request = Request {
        method: "POST",
        path: endpoint.path(),
        query: &[],
        headers: &to_sign,
        body: body.as_bytes(),
    };
    let signed = sign(&signing, &request, &SigningOptions::for_service("sts"))
        .map_err(StsErrorKind::Sign)?;
    let mut headers = [("", ""); 5];
    headers[0] = ("content-type", FORM_CONTENT_TYPE);
    let mut count = 1;
    for (slot, header) in headers[1..].iter_mut().zip(signed.iter()) {
        *slot = header;
        count += 1;
    }
    call(
        http,
        endpoint,
        &headers[..count],
        body,
        Operation::AssumeRole,
        options,
    )
    .await
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

/// Calls AssumeRoleWithWebIdentity at `endpoint`, unsigned, retried as `options.retry` says.
///
/// # Errors
/// [`StsError`], naming the role and the endpoint: the last attempt's.
pub async fn assume_role_with_web_identity<'e, H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    endpoint: &'e Endpoint<'e>,
    params: &WebIdentityParams<'e>,
    options: &StsOptions,
) -> Result<AssumedRole, StsError<'e>> {
    let operation = Operation::AssumeRoleWithWebIdentity;
    let fail = |kind| StsError {
        operation,
        role_arn: params.role_arn,
        endpoint: endpoint.url(),
        origin: endpoint.origin(),
        kind,
    };
    let mut body = heapless::String::<MAX_REQUEST_BODY_LEN>::new();
    write_web_identity_body(&mut body, params).map_err(|_| fail(StsErrorKind::RequestTooLong))?;
    let headers = [("content-type", FORM_CONTENT_TYPE)];
    let (headers, body) = (&headers, &body);
    crate::services::retry::run(clock, options.retry, retry_class, move || {
        call(http, endpoint, headers, body, operation, options)
    })
    .await
    .map_err(fail)
}

/// Writes AssumeRole's form body.
fn write_assume_role_body(out: &mut impl fmt::Write, p: &AssumeRoleParams<'_>) -> fmt::Result {
    write!(
        out,
        "Action=AssumeRole&Version={API_VERSION}&RoleArn={}&RoleSessionName={}",
        uri_encode(p.role_arn),
        uri_encode(p.role_session_name)
    )?;
    if let Some(id) = p.external_id {
        write!(out, "&ExternalId={}", uri_encode(id))?;
    }
    if let Some(mfa) = p.mfa {
        write!(
            out,
            "&SerialNumber={}&TokenCode={}",
            uri_encode(mfa.serial_number),
            uri_encode(mfa.token_code)
        )?;
    }
    if let Some(seconds) = p.duration_seconds {
        write!(out, "&DurationSeconds={seconds}")?;
    }
    Ok(())
}

/// Writes AssumeRoleWithWebIdentity's form body.
fn write_web_identity_body(out: &mut impl fmt::Write, p: &WebIdentityParams<'_>) -> fmt::Result {
    write!(
        out,
        "Action=AssumeRoleWithWebIdentity&Version={API_VERSION}&RoleArn={}&RoleSessionName={}\
         &WebIdentityToken={}",
        uri_encode(p.role_arn),
        uri_encode(p.role_session_name),
        uri_encode(p.web_identity_token)
    )
}

async fn call<H: Http + ?Sized>(
    http: &H,
    endpoint: &Endpoint<'_>,
    headers: &[(&str, &str)],
    body: &str,
    operation: Operation,
    options: &StsOptions,
) -> Result<AssumedRole, StsErrorKind> {
    let request = HttpRequest {
        method: "POST",
        url: endpoint.url(),
        headers,
        body: body.as_bytes(),
        timeout_ms: options.timeout_ms,
        max_body_bytes: options.max_body_bytes,
    };
    let response = http.send(&request).await.map_err(|e| StsErrorKind::Http {
        kind: e.kind,
        timeout_ms: options.timeout_ms,
        max_body_bytes: options.max_body_bytes,
    })?;
    parse_response(
        operation,
        response.status,
        response.content_type.as_deref(),
        response.body.as_ref(),
    )
}

/// Reads an STS answer: the credentials of a `2xx` `<{Operation}Response>`, or the error it
/// carries. Public for the fuzz targets and for hosts that replay recorded answers.
///
/// # Errors
/// Every [`StsErrorKind`] that an answer can cause (all but [`StsErrorKind::RequestTooLong`],
/// [`StsErrorKind::Sign`] and [`StsErrorKind::Http`]).
pub fn parse_response(
    operation: Operation,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<AssumedRole, StsErrorKind> {
    let malformed = |problem| StsErrorKind::Malformed { status, problem };
    if body.iter().all(|b| is_xml_space(*b)) {
        return Err(StsErrorKind::EmptyBody { status });
    }
    if let Some(ct) = content_type {
        if !contains_ignore_ascii_case(ct, "xml") {
            let mut content_type = heapless::String::new();
            // Content types are at most MAX_CONTENT_TYPE_LEN bytes in an HttpResponse.
            let _ = content_type.push_str(ct);
            return Err(StsErrorKind::WrongContentType {
                status,
                content_type,
            });
        }
    }
    let first = body.iter().find(|b| !is_xml_space(**b));
    if first != Some(&b'<') {
        return Err(StsErrorKind::NotXml { status });
    }
    let text = core::str::from_utf8(body).map_err(|_| malformed(XmlProblem::NotUtf8))?;
    let (root, r) = xml::extract(text, &PATHS).map_err(malformed)?;
    let response_root = match operation {
        Operation::AssumeRole => "AssumeRoleResponse",
        Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentityResponse",
    };
    if root == "ErrorResponse" {
        let code = r[F_CODE].unwrap_or_default();
        let code = unescape::<MAX_ERROR_CODE_LEN>(code, "Error/Code", "MAX_ERROR_CODE_LEN")
            .map_err(malformed)?;
        if code.is_empty() {
            return Err(malformed(XmlProblem::Missing("Error/Code")));
        }
        let message = match r[F_MESSAGE] {
            None => ErrorMessage::None,
            Some(raw) => match unescape::<MAX_ERROR_MESSAGE_LEN>(raw, "", "") {
                Ok(m) => ErrorMessage::Text(m),
                Err(XmlProblem::FieldTooLong(_)) => ErrorMessage::TooLong { len: raw.len() },
                Err(e) => return Err(malformed(e)),
            },
        };
        return Err(StsErrorKind::Service {
            status,
            code,
            message,
        });
    }
    if root != response_root {
        return Err(malformed(XmlProblem::UnexpectedRoot));
    }
    if !(200..300).contains(&status) {
        return Err(malformed(XmlProblem::Missing("ErrorResponse")));
    }
    // Fields are under `{Operation}Result`; the paths name AssumeRole's, so check the other's.
    let offset = match operation {
        Operation::AssumeRole => 0,
        Operation::AssumeRoleWithWebIdentity => F_WEB_OFFSET,
    };
    let field = |i: usize, name: &'static str| r[i + offset].ok_or(XmlProblem::Missing(name));
    let read = || -> Result<AssumedRole, XmlProblem> {
        let akid = unescape::<MAX_ACCESS_KEY_ID_LEN>(
            field(F_ACCESS_KEY, "Credentials/AccessKeyId")?,
            "the access key id",
            "MAX_ACCESS_KEY_ID_LEN",
        )?;
        let secret = unescape::<MAX_SECRET_ACCESS_KEY_LEN>(
            field(F_SECRET, "Credentials/SecretAccessKey")?,
            "the secret access key",
            "MAX_SECRET_ACCESS_KEY_LEN",
        )?;
        let token = unescape::<MAX_SESSION_TOKEN_LEN>(
            field(F_TOKEN, "Credentials/SessionToken")?,
            "the session token",
            "MAX_SESSION_TOKEN_LEN",
        )?;
        let expiration = field(F_EXPIRATION, "Credentials/Expiration")?;
        let expiration = parse_timestamp(expiration).ok_or(XmlProblem::BadExpiration)?;
        let user = match (r[F_ROLE_ID + offset], r[F_ARN + offset]) {
            (Some(id), Some(arn)) => Some(AssumedRoleUser {
                assumed_role_id: unescape(
                    id,
                    "AssumedRoleUser/AssumedRoleId",
                    "MAX_ASSUMED_ROLE_ID_LEN",
                )?,
                arn: unescape(arn, "AssumedRoleUser/Arn", "MAX_ARN_LEN")?,
            }),
            _ => None,
        };
        let account = user.as_ref().and_then(|u| account_id_of(&u.arn));
        let credentials = Credentials::new(
            operation.provider(),
            &akid,
            &secret,
            Some(&token),
            Some(expiration.unix),
            account,
        )
        .map_err(XmlProblem::FieldTooLong)?
        .with_expiration_form(expiration.form);
        Ok(AssumedRole { credentials, user })
    };
    read().map_err(malformed)
}

// The fields read, as element paths from the root. AssumeRole's six come first, then the same six
// for AssumeRoleWithWebIdentity, then the error's.
const F_ACCESS_KEY: usize = 0;
const F_SECRET: usize = 1;
const F_TOKEN: usize = 2;
const F_EXPIRATION: usize = 3;
const F_ROLE_ID: usize = 4;
const F_ARN: usize = 5;
const F_WEB_OFFSET: usize = 6;
const F_CODE: usize = 12;
const F_MESSAGE: usize = 13;

macro_rules! result_paths {
    ($root:literal, $result:literal) => {
        [
            &[$root, $result, "Credentials", "AccessKeyId"],
            &[$root, $result, "Credentials", "SecretAccessKey"],
            &[$root, $result, "Credentials", "SessionToken"],
            &[$root, $result, "Credentials", "Expiration"],
            &[$root, $result, "AssumedRoleUser", "AssumedRoleId"],
            &[$root, $result, "AssumedRoleUser", "Arn"],
        ]
    };
}

const PATHS: [&[&str]; 14] = {
    let a: [&[&str]; 6] = result_paths!("AssumeRoleResponse", "AssumeRoleResult");
    let w: [&[&str]; 6] = result_paths!(
        "AssumeRoleWithWebIdentityResponse",
        "AssumeRoleWithWebIdentityResult"
    );
    [
        a[0],
        a[1],
        a[2],
        a[3],
        a[4],
        a[5],
        w[0],
        w[1],
        w[2],
        w[3],
        w[4],
        w[5],
        &["ErrorResponse", "Error", "Code"],
        &["ErrorResponse", "Error", "Message"],
    ]
};

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Copies XML text into a string, replacing the five predefined entities and character
/// references. Overflow is [`XmlProblem::FieldTooLong`] naming `field` and `limit`.
fn unescape<const N: usize>(
    raw: &str,
    field: &'static str,
    limit: &'static str,
) -> Result<heapless::String<N>, XmlProblem> {
    let full = XmlProblem::FieldTooLong(TooLong {
        field,
        limit,
        max: N,
    });
    let mut out = heapless::String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]).map_err(|_| full)?;
        let tail = &rest[amp + 1..];
        let semi = tail
            .find(';')
            .filter(|&i| i <= 10)
            .ok_or(XmlProblem::BadReference)?;
        let name = &tail[..semi];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    None
                };
                number
                    .filter(|&n| n != 0)
                    .and_then(char::from_u32)
                    .ok_or(XmlProblem::BadReference)?
            }
        };
        out.push(c).map_err(|_| full)?;
        rest = &tail[semi + 1..];
    }
    out.push_str(rest).map_err(|_| full)?;
    Ok(out)
}

/// A strict, allocation-free reader of the little XML STS sends.
mod xml {
    use super::{is_xml_space, XmlProblem, MAX_XML_DEPTH};

    enum Event<'x> {
        Start(&'x str),
        End(&'x str),
        Text(&'x str),
    }

    struct Scanner<'x> {
        text: &'x str,
        pos: usize,
        /// The end of an empty-element tag (`<a/>`), reported next.
        pending_end: Option<&'x str>,
    }

    fn is_name_start(b: u8) -> bool {
        b.is_ascii_alphabetic() || b == b'_' || b == b':'
    }

    fn is_name_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.')
    }

    fn check_name(name: &str) -> Result<(), XmlProblem> {
        let b = name.as_bytes();
        match b.first() {
            Some(&first) if is_name_start(first) && b.iter().all(|c| is_name_char(*c)) => Ok(()),
            _ => Err(XmlProblem::Syntax),
        }
    }

    fn trim(s: &str) -> &str {
        s.trim_matches(|c: char| c.is_ascii() && is_xml_space(c as u8))
    }

    /// `name="value"` pairs, each after whitespace.
    fn check_attributes(mut s: &str) -> Result<(), XmlProblem> {
        loop {
            let trimmed = s.trim_start_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
            if trimmed.is_empty() {
                return Ok(());
            }
            if trimmed.len() == s.len() {
                return Err(XmlProblem::Syntax);
            }
            let eq = trimmed.find('=').ok_or(XmlProblem::Syntax)?;
            check_name(trim(&trimmed[..eq]))?;
            let value = trimmed[eq + 1..]
                .trim_start_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
            let quote = value.chars().next().ok_or(XmlProblem::Syntax)?;
            if quote != '"' && quote != '\'' {
                return Err(XmlProblem::Syntax);
            }
            let inner = &value[1..];
            let close = inner.find(quote).ok_or(XmlProblem::Syntax)?;
            s = &inner[close + 1..];
        }
    }

    /// The index of the `>` that ends a tag, skipping quoted attribute values.
    fn tag_end(s: &str) -> Result<usize, XmlProblem> {
        let mut quote = None;
        for (i, b) in s.bytes().enumerate() {
            match (quote, b) {
                (None, b'>') => return Ok(i),
                (None, b'<') => return Err(XmlProblem::Syntax),
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if q == b => quote = None,
                (Some(_), b'<') => return Err(XmlProblem::Syntax),
                _ => {}
            }
        }
        Err(XmlProblem::Truncated)
    }

    impl<'x> Scanner<'x> {
        fn next(&mut self) -> Result<Option<Event<'x>>, XmlProblem> {
            if let Some(name) = self.pending_end.take() {
                return Ok(Some(Event::End(name)));
            }
            loop {
                let rest = self.text.get(self.pos..).unwrap_or_default();
                if rest.is_empty() {
                    return Ok(None);
                }
                if !rest.starts_with('<') {
                    let len = rest.find('<').unwrap_or(rest.len());
                    self.pos += len;
                    return Ok(Some(Event::Text(&rest[..len])));
                }
                if let Some(after) = rest.strip_prefix("<?") {
                    let end = after.find("?>").ok_or(XmlProblem::Truncated)?;
                    self.pos += 2 + end + 2;
                    continue;
                }
                if let Some(after) = rest.strip_prefix("<!--") {
                    let end = after.find("-->").ok_or(XmlProblem::Truncated)?;
                    self.pos += 4 + end + 3;
                    continue;
                }
                if rest.starts_with("<!") {
                    return Err(XmlProblem::UnsupportedMarkup);
                }
                if let Some(after) = rest.strip_prefix("</") {
                    let close = after.find('>').ok_or(XmlProblem::Truncated)?;
                    let name = &after[..close];
                    let name =
                        name.trim_end_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
                    check_name(name)?;
                    self.pos += 2 + close + 1;
                    return Ok(Some(Event::End(name)));
                }
                let after = &rest[1..];
                let close = tag_end(after)?;
                let inner = &after[..close];
                let (inner, empty) = match inner.strip_suffix('/') {
                    Some(i) => (i, true),
                    None => (inner, false),
                };
                let name_len = inner
                    .find(|c: char| c.is_ascii() && is_xml_space(c as u8))
                    .unwrap_or(inner.len());
                let name = &inner[..name_len];
                check_name(name)?;
                check_attributes(&inner[name_len..])?;
                self.pos += 1 + close + 1;
                if empty {
                    self.pending_end = Some(name);
                }
                return Ok(Some(Event::Start(name)));
            }
        }
    }

    fn matching<const N: usize>(paths: &[&[&str]; N], stack: &[&str]) -> Option<usize> {
        paths.iter().position(|p| *p == stack)
    }

    /// Reads the whole document and returns its root element's name and, for each path, the
    /// trimmed text of the element at that path (`Some("")` for an element with no text).
    pub(super) fn extract<'x, const N: usize>(
        text: &'x str,
        paths: &[&[&str]; N],
    ) -> Result<(&'x str, [Option<&'x str>; N]), XmlProblem> {
        let mut scanner = Scanner {
            text,
            pos: 0,
            pending_end: None,
        };
        let mut stack = heapless::Vec::<&str, MAX_XML_DEPTH>::new();
        let mut root = None;
        let mut values = [None; N];
        let mut has_text = [false; N];
        while let Some(event) = scanner.next()? {
            match event {
                Event::Start(name) => {
                    if stack.is_empty() {
                        if root.is_some() {
                            return Err(XmlProblem::OutsideRoot);
                        }
                        root = Some(name);
                    }
                    stack.push(name).map_err(|_| XmlProblem::TooDeep)?;
                    if let Some(i) = matching(paths, &stack) {
                        if values[i].is_some() {
                            return Err(XmlProblem::Duplicate);
                        }
                        values[i] = Some("");
                    }
                }
                Event::End(name) => {
                    if stack.pop() != Some(name) {
                        return Err(XmlProblem::MismatchedTag);
                    }
                }
                Event::Text(t) => {
                    let t = trim(t);
                    if t.is_empty() {
                        continue;
                    }
                    if stack.is_empty() {
                        return Err(XmlProblem::OutsideRoot);
                    }
                    if let Some(i) = matching(paths, &stack) {
                        if has_text[i] {
                            return Err(XmlProblem::Duplicate);
                        }
                        has_text[i] = true;
                        values[i] = Some(t);
                    }
                }
            }
        }
        if !stack.is_empty() {
            return Err(XmlProblem::Truncated);
        }
        let root = root.ok_or(XmlProblem::Truncated)?;
        Ok((root, values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{block_on, HttpError, HttpResponse};
    use core::cell::RefCell;
    use std::string::{String, ToString};
    use std::vec::Vec;

    const OK: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
      </SessionToken>
      <Expiration>2099-01-02T03:04:05Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"#;

    const DENIED: &str = r#"<?xml version="1.0"?>
<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo &amp; &quot;more&quot;</Message>
  </Error>
  <RequestId>4a1b</RequestId>
</ErrorResponse>"#;

    fn parse(status: u16, ct: Option<&str>, body: &str) -> Result<AssumedRole, StsErrorKind> {
        parse_response(Operation::AssumeRole, status, ct, body.as_bytes())
    }

    #[test]
    fn reads_credentials_and_the_account_from_the_arn() {
        let r = parse(200, Some("text/xml"), OK).unwrap();
        let c = &r.credentials;
        assert_eq!(c.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
        assert_eq!(
            c.secret_access_key(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
        );
        assert_eq!(
            c.session_token(),
            Some("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW")
        );
        assert_eq!(
            c.expiration(),
            crate::credentials::parse_time("2099-01-02T03:04:05Z")
        );
        assert_eq!(c.account_id(), Some("123456789012"));
        assert_eq!(c.provider(), ProviderKind::AssumeRole);
        let user = r.user.unwrap();
        assert_eq!(user.assumed_role_id, "ARO123EXAMPLE123:TestAR");
        assert_eq!(
            user.arn,
            "arn:aws:sts::123456789012:assumed-role/demo/TestAR"
        );
        // No content type at all is accepted; so is application/xml.
        assert!(parse(200, None, OK).is_ok());
        assert!(parse(200, Some("Application/XML; charset=utf-8"), OK).is_ok());
    }

    #[test]
    fn web_identity_answers() {
        let body = OK
            .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
            .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult");
        let r = parse_response(
            Operation::AssumeRoleWithWebIdentity,
            200,
            None,
            body.as_bytes(),
        )
        .unwrap();
        assert_eq!(r.credentials.provider(), ProviderKind::WebIdentity);
        // An AssumeRole answer is not a web identity answer.
        let e = parse_response(
            Operation::AssumeRoleWithWebIdentity,
            200,
            None,
            OK.as_bytes(),
        );
        assert!(matches!(
            e,
            Err(StsErrorKind::Malformed {
                problem: XmlProblem::UnexpectedRoot,
                ..
            })
        ));
    }

    #[test]
    fn error_responses_carry_status_code_and_message() {
        let e = parse(403, Some("text/xml"), DENIED).unwrap_err();
        let StsErrorKind::Service {
            status,
            code,
            message,
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!((*status, code.as_str()), (403, "AccessDenied"));
        let ErrorMessage::Text(m) = message else {
            panic!("{message:?}")
        };
        assert!(m.ends_with("role/demo & \"more\""), "{m}");
        // A message over the capacity is reported with its length, never cut.
        let long = "x".repeat(MAX_ERROR_MESSAGE_LEN + 1);
        let body = DENIED.replace("User:", &long);
        let e = parse(403, None, &body).unwrap_err();
        assert!(matches!(
            e,
            StsErrorKind::Service {
                message: ErrorMessage::TooLong { .. },
                ..
            }
        ));
    }

    #[test]
    fn bodies_that_are_not_sts_answers() {
        assert_eq!(
            parse(500, None, "").unwrap_err(),
            StsErrorKind::EmptyBody { status: 500 }
        );
        assert_eq!(
            parse(200, None, "  \n").unwrap_err(),
            StsErrorKind::EmptyBody { status: 200 }
        );
        assert!(matches!(
            parse(200, Some("text/html"), "<html></html>").unwrap_err(),
            StsErrorKind::WrongContentType { status: 200, .. }
        ));
        assert_eq!(
            parse(200, None, "{\"json\": true}").unwrap_err(),
            StsErrorKind::NotXml { status: 200 }
        );
        let truncated = &OK[..OK.len() / 2];
        assert_eq!(
            parse(200, None, truncated).unwrap_err(),
            StsErrorKind::Malformed {
                status: 200,
                problem: XmlProblem::Truncated
            }
        );
        let cases: &[(&str, XmlProblem)] = &[
            ("<a><b></a></b>", XmlProblem::MismatchedTag),
            ("<a></a><b></b>", XmlProblem::OutsideRoot),
            ("<a></a>text", XmlProblem::OutsideRoot),
            ("<!DOCTYPE a><a/>", XmlProblem::UnsupportedMarkup),
            ("<a><![CDATA[x]]></a>", XmlProblem::UnsupportedMarkup),
            ("<a x=1></a>", XmlProblem::Syntax),
            ("<1a></1a>", XmlProblem::Syntax),
            ("<a", XmlProblem::Truncated),
            ("<a><!-- x", XmlProblem::Truncated),
            (
                "<AssumeRoleResponse/>",
                XmlProblem::Missing("ErrorResponse"),
            ),
            ("<Other/>", XmlProblem::UnexpectedRoot),
        ];
        for (body, problem) in cases {
            let status = if body.starts_with("<Assume") {
                500
            } else {
                200
            };
            assert_eq!(
                parse(status, None, body).unwrap_err(),
                StsErrorKind::Malformed {
                    status,
                    problem: *problem
                },
                "{body}"
            );
        }
        let deep = "<a>".repeat(MAX_XML_DEPTH + 1);
        assert!(matches!(
            parse(200, None, &deep).unwrap_err(),
            StsErrorKind::Malformed {
                problem: XmlProblem::TooDeep,
                ..
            }
        ));
        let twice = OK.replace(
            "<Expiration>",
            "<AccessKeyId>AKID2</AccessKeyId><Expiration>",
        );
        assert!(matches!(
            parse(200, None, &twice).unwrap_err(),
            StsErrorKind::Malformed {
                problem: XmlProblem::Duplicate,
                ..
            }
        ));
        let no_token = OK
            .replace("<SessionToken>", "<Other>")
            .replace("</SessionToken>", "</Other>");
        assert!(matches!(
            parse(200, None, &no_token).unwrap_err(),
            StsErrorKind::Malformed {
                problem: XmlProblem::Missing("Credentials/SessionToken"),
                ..
            }
        ));
        let bad_time = OK.replace("2099-01-02T03:04:05Z", "soon");
        assert!(matches!(
            parse(200, None, &bad_time).unwrap_err(),
            StsErrorKind::Malformed {
                problem: XmlProblem::BadExpiration,
                ..
            }
        ));
        let bad_entity = OK.replace("ASIAIOSFODNN7EXAMPLE", "A&bogus;");
        assert!(matches!(
            parse(200, None, &bad_entity).unwrap_err(),
            StsErrorKind::Malformed {
                problem: XmlProblem::BadReference,
                ..
            }
        ));
        let long = "k".repeat(MAX_ACCESS_KEY_ID_LEN + 1);
        let too_long = OK.replace("ASIAIOSFODNN7EXAMPLE", &long);
        let e = parse(200, None, &too_long).unwrap_err();
        let text = std::format!("{e:?}");
        assert!(text.contains("MAX_ACCESS_KEY_ID_LEN"), "{text}");
    }

    #[test]
    fn no_panic_on_any_prefix_or_byte_flip() {
        for body in [OK, DENIED] {
            for end in 0..=body.len() {
                if let Some(prefix) = body.get(..end) {
                    let _ = parse(200, None, prefix);
                }
            }
            let bytes = body.as_bytes();
            for i in 0..bytes.len() {
                for b in [b'<', b'>', b'&', b'/', b'"', 0xff, b' '] {
                    let mut v = bytes.to_vec();
                    v[i] = b;
                    let _ = parse_response(Operation::AssumeRole, 200, None, &v);
                }
            }
        }
    }

    #[test]
    fn unescapes_references() {
        let s: heapless::String<32> = unescape("a&lt;&#x41;&#66;&apos;", "f", "L").unwrap();
        assert_eq!(s, "a<AB'");
        for bad in ["&", "&#0;", "&#xD800;", "&nbsp;", "&#;"] {
            assert_eq!(
                unescape::<8>(bad, "f", "L"),
                Err(XmlProblem::BadReference),
                "{bad}"
            );
        }
    }

    #[test]
    fn session_names_durations_and_arns() {
        assert_eq!(
            generated_session_name(1_700_000_000),
            "botocore-session-1700000000"
        );
        assert_eq!(
            generated_session_name(i64::MIN).len(),
            "botocore-session--9223372036854775808".len()
        );
        for (text, want) in [
            ("1800", Some(1800)),
            (" 900\n", Some(900)),
            ("+60", Some(60)),
            ("-5", Some(-5)),
            ("1_800", Some(1800)),
            ("1__800", None),
            ("_1", None),
            ("1h", None),
            ("", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(parse_duration_seconds(text), want, "{text:?}");
        }
        assert_eq!(
            account_id_of("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("123456789012")
        );
        assert_eq!(account_id_of("arn:aws:sts::123"), None);
        assert_eq!(account_id_of("not an arn"), None);
    }

    /// A request as sent: method, URL, headers, body, timeout.
    type Sent = (String, String, Vec<(String, String)>, String, u32);

    /// Answers every request with one canned response and records what it was sent.
    struct Canned {
        response: Result<(u16, Option<&'static str>, &'static str), HttpErrorKind>,
        sent: RefCell<Vec<Sent>>,
    }

    impl Http for Canned {
        type Body = Vec<u8>;
        async fn send(&self, r: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
            self.sent.borrow_mut().push((
                r.method.to_string(),
                r.url.to_string(),
                r.headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                String::from_utf8(r.body.to_vec()).unwrap(),
                r.timeout_ms,
            ));
            let (status, ct, body) = self.response.map_err(|kind| HttpError { kind })?;
            Ok(HttpResponse {
                status,
                content_type: ct.map(|c| heapless::String::try_from(c).unwrap()),
                body: body.as_bytes().to_vec(),
            })
        }
    }

    /// A clock that moves only when slept on, recording the sleeps; its random numbers are
    /// always one half (2^31).
    struct TestClock {
        now_ms: core::cell::Cell<i64>,
        sleeps: RefCell<Vec<u32>>,
    }

    impl TestClock {
        fn at(unix: i64) -> Self {
            TestClock {
                now_ms: core::cell::Cell::new(unix * 1000),
                sleeps: RefCell::default(),
            }
        }
    }

    impl crate::io::Clock for TestClock {
        fn now_unix(&self) -> i64 {
            self.now_ms.get().div_euclid(1000)
        }
        fn now_millis(&self) -> i64 {
            self.now_ms.get()
        }
        async fn sleep_ms(&self, ms: u32) {
            self.sleeps.borrow_mut().push(ms);
            self.now_ms.set(self.now_ms.get() + i64::from(ms));
        }
        fn random_u32(&self) -> u32 {
            1 << 31
        }
    }

    /// Answers with each response in turn (the last one again when they run out).
    struct Sequence {
        responses: Vec<(u16, &'static str)>,
        sent: RefCell<Vec<Vec<(String, String)>>>,
    }

    impl Http for Sequence {
        type Body = Vec<u8>;
        async fn send(&self, r: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
            let mut sent = self.sent.borrow_mut();
            sent.push(
                r.headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            );
            let (status, body) = self.responses[(sent.len() - 1).min(self.responses.len() - 1)];
            Ok(HttpResponse {
                status,
                content_type: Some(heapless::String::try_from("text/xml").unwrap()),
                body: body.as_bytes().to_vec(),
            })
        }
    }

    const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
        <Message>Rate exceeded</Message></Error></ErrorResponse>";

    #[test]
    fn a_503_then_200_is_retried_and_each_attempt_signed_anew() {
        let endpoint =
            Endpoint::new("https://sts.amazonaws.com", "us-east-1", Origin::Global).unwrap();
        let params = AssumeRoleParams {
            role_arn: "arn:aws:iam::123456789012:role/demo",
            role_session_name: "s",
            external_id: None,
            mfa: None,
            duration_seconds: None,
        };
        // One AssumeRole against canned answers, with the default (standard) retries.
        let call = |responses: std::vec::Vec<(u16, &'static str)>| {
            let http = Sequence {
                responses,
                sent: RefCell::default(),
            };
            let clock = TestClock::at(1_440_938_160);
            let result = block_on(assume_role(
                &http,
                &clock,
                &endpoint,
                &caller(None),
                &params,
                &StsOptions::default(),
            ));
            (result, http, clock)
        };
        let date = |headers: &Vec<(String, String)>| {
            headers
                .iter()
                .find(|(k, _)| k == "x-amz-date")
                .map(|(_, v)| v.clone())
                .unwrap()
        };

        let (result, http, clock) = call(std::vec![(503, ""), (200, OK)]);
        let role = result.unwrap();
        assert_eq!(role.credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
        assert_eq!(*clock.sleeps.borrow(), [500]);
        let sent = http.sent.borrow();
        assert_eq!(sent.len(), 2);
        // Signed at 00:36:00 and, after the 500 ms wait moved the clock, at 00:36:00.5 -> :00.
        assert_eq!(date(&sent[0]), "20150830T123600Z");
        assert_eq!(date(&sent[1]), "20150830T123600Z");

        // Throttled three times: three attempts, waits of 0.5 and 1 s, and the last error.
        let (result, http, clock) = call(std::vec![(400, THROTTLED)]);
        let e = result.unwrap_err();
        assert!(matches!(e.kind, StsErrorKind::Service { status: 400, .. }));
        assert_eq!(http.sent.borrow().len(), 3);
        assert_eq!(*clock.sleeps.borrow(), [500, 1000]);
        // The second attempt was signed after the first wait: 1.5 s in all crosses a second.
        let sent = http.sent.borrow();
        assert_eq!(date(&sent[2]), "20150830T123601Z");

        // AccessDenied is not retried.
        let (result, http, clock) = call(std::vec![(403, DENIED)]);
        assert!(result.is_err());
        assert_eq!(http.sent.borrow().len(), 1);
        assert!(clock.sleeps.borrow().is_empty());
    }

    #[test]
    fn retry_classes_of_sts_answers() {
        let service = |status, code: &str| StsErrorKind::Service {
            status,
            code: heapless::String::try_from(code).unwrap(),
            message: ErrorMessage::None,
        };
        assert_eq!(
            retry_class(&service(400, "IDPCommunicationError")),
            Class::Transient
        );
        assert_eq!(retry_class(&service(400, "Throttling")), Class::Throttling);
        assert_eq!(retry_class(&service(403, "AccessDenied")), Class::Fatal);
        assert_eq!(
            retry_class(&StsErrorKind::NotXml { status: 502 }),
            Class::Transient
        );
        assert_eq!(
            retry_class(&StsErrorKind::NotXml { status: 200 }),
            Class::Fatal
        );
        assert_eq!(
            retry_class(&StsErrorKind::EmptyBody { status: 503 }),
            Class::Transient
        );
        assert_eq!(retry_class(&StsErrorKind::RequestTooLong), Class::Fatal);
    }

    fn canned(
        response: Result<(u16, Option<&'static str>, &'static str), HttpErrorKind>,
    ) -> Canned {
        Canned {
            response,
            sent: RefCell::default(),
        }
    }

    fn caller(token: Option<&str>) -> Credentials {
        Credentials::new(
            ProviderKind::SharedCredentialsFile,
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token,
            None,
            None,
        )
        .unwrap()
    }

    #[test]
    fn assume_role_request_is_form_encoded_and_signed() {
        let http = canned(Ok((200, Some("text/xml"), OK)));
        let endpoint = Endpoint::new(
            "https://sts.eu-west-1.amazonaws.com",
            "eu-west-1",
            Origin::Global,
        )
        .unwrap();
        let params = AssumeRoleParams {
            role_arn: "arn:aws:iam::123456789012:role/demo",
            role_session_name: "my session",
            external_id: Some("ext/1"),
            mfa: Some(Mfa {
                serial_number: "arn:aws:iam::123456789012:mfa/me",
                token_code: "123456",
            }),
            duration_seconds: Some(1800),
        };
        let creds = caller(Some("SESSIONTOKEN"));
        let r = block_on(assume_role(
            &http,
            &TestClock::at(1_440_938_160),
            &endpoint,
            &creds,
            &params,
            &StsOptions::default(),
        ))
        .unwrap();
        assert_eq!(r.credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
        let sent = http.sent.borrow();
        let (method, url, headers, body, timeout) = &sent[0];
        assert_eq!(
            (method.as_str(), url.as_str(), *timeout),
            (
                "POST",
                "https://sts.eu-west-1.amazonaws.com",
                STS_TIMEOUT_MS
            )
        );
        assert_eq!(
            body,
            "Action=AssumeRole&Version=2011-06-15\
             &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
             &RoleSessionName=my%20session&ExternalId=ext%2F1\
             &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&TokenCode=123456\
             &DurationSeconds=1800"
        );
        let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "content-type",
                "x-amz-date",
                "x-amz-security-token",
                "authorization"
            ]
        );
        assert_eq!(headers[1].1, "20150830T123600Z");
        assert_eq!(headers[2].1, "SESSIONTOKEN");
        assert!(
            headers[3].1.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
            ),
            "{}",
            headers[3].1
        );
        // Without a session token, no token header is signed or sent.
        let http = canned(Ok((200, None, OK)));
        block_on(assume_role(
            &http,
            &TestClock::at(1_440_938_160),
            &endpoint,
            &caller(None),
            &params,
            &StsOptions::default(),
        ))
        .unwrap();
        let sent = http.sent.borrow();
        assert!(sent[0].2[2]
            .1
            .contains("SignedHeaders=content-type;host;x-amz-date,"));
    }

    #[test]
    fn web_identity_is_unsigned() {
        let body = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
                    <Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>\
                    <SessionToken>T</SessionToken><Expiration>2099-01-02T03:04:05Z</Expiration>\
                    </Credentials></AssumeRoleWithWebIdentityResult>\
                    </AssumeRoleWithWebIdentityResponse>";
        let http = canned(Ok((200, Some("text/xml"), body)));
        let endpoint = Endpoint::new("http://127.0.0.1:9", "us-east-1", Origin::Global).unwrap();
        let params = WebIdentityParams {
            role_arn: "arn:aws:iam::1:role/r",
            role_session_name: "s",
            web_identity_token: "eyJ.tok.en",
        };
        let debug = std::format!("{params:?}");
        assert!(!debug.contains("eyJ"), "{debug}");
        let r = block_on(assume_role_with_web_identity(
            &http,
            &TestClock::at(0),
            &endpoint,
            &params,
            &StsOptions::default(),
        ))
        .unwrap();
        assert_eq!(r.credentials.account_id(), None);
        let sent = http.sent.borrow();
        assert_eq!(
            sent[0].2,
            [("content-type".into(), FORM_CONTENT_TYPE.into())]
        );
        assert_eq!(
            sent[0].3,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15\
             &RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=s\
             &WebIdentityToken=eyJ.tok.en"
        );
    }

    #[test]
    fn a_field_over_a_capacity_names_the_limit_not_the_endpoint() {
        let start = OK.find("<SessionToken>").unwrap() + "<SessionToken>".len();
        let end = OK.find("</SessionToken>").unwrap();
        let long = "t".repeat(MAX_SESSION_TOKEN_LEN + 1);
        let body = std::format!("{}{long}{}", &OK[..start], &OK[end..]);
        let e = parse(200, Some("text/xml"), &body).unwrap_err();
        let endpoint = Endpoint::new("http://127.0.0.1:9", "us-east-1", Origin::Global).unwrap();
        let text = std::format!(
            "{}",
            StsError {
                operation: Operation::AssumeRole,
                role_arn: "arn:aws:iam::1:role/r",
                endpoint: endpoint.url(),
                origin: endpoint.origin(),
                kind: e,
            }
        );
        assert!(
            text.contains("the session token is longer than the 16384 bytes credchain can hold (MAX_SESSION_TOKEN_LEN)")
                && !text.contains("check that the endpoint"),
            "{text}"
        );
        assert!(!text.contains(&long[..64]), "{text}");
    }

    #[test]
    fn errors_name_role_and_endpoint_and_hide_secrets() {
        let endpoint = Endpoint::new(
            "http://127.0.0.1:9",
            "us-east-1",
            Origin::EnvVar("AWS_ENDPOINT_URL_STS"),
        )
        .unwrap();
        let params = AssumeRoleParams {
            role_arn: "arn:aws:iam::1:role/r",
            role_session_name: "s",
            external_id: None,
            mfa: Some(Mfa {
                serial_number: "serial",
                token_code: "987654",
            }),
            duration_seconds: None,
        };
        let creds = caller(Some("SESSIONTOKEN"));
        let run = |http: &Canned| {
            let e = block_on(assume_role(
                http,
                &TestClock::at(1_440_938_160),
                &endpoint,
                &creds,
                &params,
                &StsOptions {
                    timeout_ms: 250,
                    max_body_bytes: 100,
                    retry: RetryConfig::ONE_ATTEMPT,
                },
            ))
            .unwrap_err();
            let text = std::format!("{e}");
            let debug = std::format!("{e:?}");
            for secret in ["987654", "SESSIONTOKEN", "wJalr"] {
                assert!(!text.contains(secret) && !debug.contains(secret), "{text}");
            }
            assert!(
                text.starts_with(
                    "assuming role arn:aws:iam::1:role/r failed: STS AssumeRole at \
                     http://127.0.0.1:9 (from AWS_ENDPOINT_URL_STS) "
                ),
                "{text}"
            );
            (e.kind, text)
        };
        let (kind, text) = run(&canned(Err(HttpErrorKind::Timeout)));
        assert!(matches!(
            kind,
            StsErrorKind::Http {
                kind: HttpErrorKind::Timeout,
                ..
            }
        ));
        assert!(text.contains("within 250 ms"), "{text}");
        let (kind, _) = run(&canned(Err(HttpErrorKind::Connect)));
        assert!(matches!(
            kind,
            StsErrorKind::Http {
                kind: HttpErrorKind::Connect,
                ..
            }
        ));
        let (_, text) = run(&canned(Ok((403, Some("text/xml"), DENIED))));
        assert!(
            text.contains("HTTP 403 AccessDenied: User: arn:aws:iam::123456789012:user/x")
                && text.contains("trust policy"),
            "{text}"
        );
        let (_, text) = run(&canned(Ok((503, None, ""))));
        assert!(
            text.contains("HTTP 503 with an empty body; STS may be unavailable"),
            "{text}"
        );
        let mut long = params;
        let token = "t".repeat(MAX_REQUEST_BODY_LEN);
        long.mfa = Some(Mfa {
            serial_number: "s",
            token_code: &token,
        });
        let e = block_on(assume_role(
            &canned(Ok((200, None, OK))),
            &TestClock::at(0),
            &endpoint,
            &creds,
            &long,
            &StsOptions::default(),
        ))
        .unwrap_err();
        assert_eq!(e.kind, StsErrorKind::RequestTooLong);
        assert!(std::format!("{e}").contains("MAX_REQUEST_BODY_LEN"));
    }
}
