//! One HTTP exchange with a credentials service that answers in JSON (the container endpoint,
//! EC2 instance metadata, the IAM Identity Center portal, SSO-OIDC, AWS Sign-In), and the ways
//! it can fail.
//!
//! Every network provider sends through [`send`], so each failure reads the same way whichever
//! provider met it: the provider, the operation, the endpoint, and what to do. Bodies and headers
//! are never part of a failure: they may hold credentials or tokens.

use core::fmt::{self, Write as _};

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::credentials::{
    ProviderKind, MAX_ACCESS_KEY_ID_LEN, MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN,
};
use crate::io::{Clock, Http, HttpErrorKind, HttpRequest, HttpResponse, MAX_CONTENT_TYPE_LEN};
use crate::json::unescape;
use crate::services::endpoint::{Endpoint, MAX_ENDPOINT_URL_LEN};
use crate::services::retry::{classify, Class, Failure, RetryConfig, Service};

/// The longest error code kept from a service's error body.
pub const MAX_SERVICE_CODE_LEN: usize = 64;
/// The longest error message kept from a service's error body.
pub const MAX_SERVICE_MESSAGE_LEN: usize = 256;

/// What went wrong in one exchange.
// The service's code and message are kept inline: the core has no allocator to box them.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceFailureKind {
    /// No response: timeout, connection failure, a body over the cap, an unusable URL.
    Http {
        /// What the host reported.
        kind: HttpErrorKind,
        /// The timeout that applied, in milliseconds.
        timeout_ms: u32,
        /// The body cap that applied, in bytes.
        max_body_bytes: usize,
    },
    /// A status outside 2xx, with the error code and message of a JSON error body when it has
    /// them (`{"code"|"Code"|"error"|"__type": ..., "message"|"Message"|"error_description": ...}`).
    Status {
        /// The HTTP status.
        status: u16,
        /// The service's error code, if the body names one.
        code: Option<heapless::String<MAX_SERVICE_CODE_LEN>>,
        /// The service's message, if the body has one (cut at [`MAX_SERVICE_MESSAGE_LEN`]).
        message: Option<heapless::String<MAX_SERVICE_MESSAGE_LEN>>,
    },
    /// A 2xx answer with an empty body.
    EmptyBody {
        /// The HTTP status.
        status: u16,
    },
    /// A 2xx answer whose content type says it is not what the operation returns.
    WrongContentType {
        /// The HTTP status.
        status: u16,
        /// The content type.
        content_type: heapless::String<MAX_CONTENT_TYPE_LEN>,
    },
    /// A 2xx answer that is not the JSON the operation returns (not JSON, truncated, a field
    /// missing or of the wrong type).
    BadBody {
        /// The HTTP status.
        status: u16,
        /// What was expected, in words (`"JSON with AccessKeyId, SecretAccessKey, ..."`).
        expected: &'static str,
    },
}

/// A failed exchange with a service: which provider, which operation, which endpoint, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFailure {
    /// The provider that called.
    pub provider: ProviderKind,
    /// The operation, in words (`"GetRoleCredentials"`, `"the IMDSv2 token request"`).
    pub operation: &'static str,
    /// The URL called (without its query, which may carry identifiers only).
    pub endpoint: heapless::String<MAX_ENDPOINT_URL_LEN>,
    /// What went wrong.
    pub kind: ServiceFailureKind,
}

impl ServiceFailure {
    /// A failure of `operation` at `url`.
    #[must_use]
    pub fn new(
        provider: ProviderKind,
        operation: &'static str,
        url: &str,
        kind: ServiceFailureKind,
    ) -> Self {
        let url = url.split('?').next().unwrap_or(url);
        let mut endpoint = heapless::String::new();
        for c in url.chars() {
            if endpoint.push(c).is_err() {
                break; // The start of the URL is enough to find the endpoint.
            }
        }
        ServiceFailure {
            provider,
            operation,
            endpoint,
            kind,
        }
    }

    /// A 2xx answer that is not the expected JSON.
    #[must_use]
    pub fn bad_body(
        provider: ProviderKind,
        operation: &'static str,
        url: &str,
        status: u16,
        expected: &'static str,
    ) -> Self {
        Self::new(
            provider,
            operation,
            url,
            ServiceFailureKind::BadBody { status, expected },
        )
    }

    /// Whether the service itself answered with an error status (the AWS CLI's exit code 254),
    /// rather than the call failing on the way or the answer being unusable.
    #[must_use]
    pub fn is_service_error(&self) -> bool {
        matches!(self.kind, ServiceFailureKind::Status { .. })
    }

    /// The service's error code, when it answered with one.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ServiceFailureKind::Status { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when one came.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            ServiceFailureKind::Http { .. } => None,
            ServiceFailureKind::Status { status, .. }
            | ServiceFailureKind::EmptyBody { status }
            | ServiceFailureKind::WrongContentType { status, .. }
            | ServiceFailureKind::BadBody { status, .. } => Some(status),
        }
    }
}

impl fmt::Display for ServiceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} at {} ",
            self.provider.describe(),
            self.operation,
            self.endpoint
        )?;
        let check_endpoint =
            "check that the endpoint is the right service (a proxy, captive portal or wrong URL \
                              answers this way)";
        match &self.kind {
            ServiceFailureKind::Http {
                kind,
                timeout_ms,
                max_body_bytes,
            } => match kind {
                HttpErrorKind::Timeout => write!(
                    f,
                    "did not answer within {timeout_ms} ms; check the network and the endpoint, and try again"
                ),
                HttpErrorKind::Connect => f.write_str(
                    "could not be reached (a connection refused or not made in time, DNS or TLS failure); check the network and the endpoint",
                ),
                HttpErrorKind::TooLarge => {
                    write!(f, "answered with a body over {max_body_bytes} bytes; {check_endpoint}")
                }
                HttpErrorKind::InvalidUrl => {
                    f.write_str("has a URL the HTTP client cannot use; correct the endpoint URL")
                }
                HttpErrorKind::Other => f.write_str(
                    "failed mid-exchange (a broken connection or a malformed HTTP answer); try again, and check \
                     the endpoint",
                ),
            },
            ServiceFailureKind::Status {
                status,
                code,
                message,
            } => {
                write!(f, "answered HTTP {status}")?;
                if let Some(code) = code {
                    write!(f, " {code}")?;
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            ServiceFailureKind::EmptyBody { status } => {
                write!(f, "answered HTTP {status} with an empty body; {check_endpoint}")
            }
            ServiceFailureKind::WrongContentType {
                status,
                content_type,
            } => write!(
                f,
                "answered HTTP {status} with content type {content_type}, not JSON; {check_endpoint}"
            ),
            ServiceFailureKind::BadBody { status, expected } => write!(
                f,
                "answered HTTP {status} with a body that is not {expected}; {check_endpoint}"
            ),
        }
    }
}

/// Sends `request` and returns a 2xx response with a non-empty body; anything else is a
/// [`ServiceFailure`] naming `provider`, `operation` and the request's URL. Content types are
/// the caller's to judge (instance metadata answers `text/plain`).
pub async fn send<H: Http + ?Sized>(
    http: &H,
    provider: ProviderKind,
    operation: &'static str,
    request: &HttpRequest<'_>,
) -> Result<HttpResponse<H::Body>, ServiceFailure> {
    let fail = |kind| ServiceFailure::new(provider, operation, request.url, kind);
    let response = http.send(request).await.map_err(|e| {
        fail(ServiceFailureKind::Http {
            kind: e.kind,
            timeout_ms: request.timeout_ms,
            max_body_bytes: request.max_body_bytes,
        })
    })?;
    let status = response.status;
    if !(200..300).contains(&status) {
        let (code, message) = error_fields(response.body.as_ref());
        return Err(fail(ServiceFailureKind::Status {
            status,
            code,
            message,
        }));
    }
    if response.body.as_ref().is_empty() {
        return Err(fail(ServiceFailureKind::EmptyBody { status }));
    }
    Ok(response)
}

/// [`send`] with the retries of the AWS CLI (see [`crate::services::retry`]): for the AWS services
/// (the IAM Identity Center portal, SSO-OIDC, AWS Sign-In), not for the container endpoint or
/// instance metadata, which keep their own attempt rules. The request is the same at every
/// attempt, as botocore's is for these operations (a DPoP proof is made once per call).
///
/// # Errors
/// The last attempt's [`ServiceFailure`].
pub async fn send_retrying<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    provider: ProviderKind,
    operation: &'static str,
    request: &HttpRequest<'_>,
) -> Result<HttpResponse<H::Body>, ServiceFailure> {
    crate::services::retry::run(clock, retry, retry_class, || {
        send(http, provider, operation, request)
    })
    .await
}

/// Where a call to one of the AWS JSON services (the IAM Identity Center portal, SSO-OIDC)
/// goes, and how it is sent: the caller builds it once and passes it to each call.
pub struct ServiceTarget<'a, H: ?Sized, K: ?Sized> {
    /// The HTTP client the calls go through.
    pub http: &'a H,
    /// The clock the retries wait on.
    pub clock: &'a K,
    /// How each call is retried.
    pub retry: RetryConfig,
    /// The service's endpoint.
    pub endpoint: &'a Endpoint<'a>,
}

impl<'a, H: Http + ?Sized, K: Clock + ?Sized> ServiceTarget<'a, H, K> {
    /// Sends `request` to this target's service with its retries ([`send_retrying`]).
    ///
    /// # Errors
    /// The last attempt's [`ServiceFailure`].
    pub async fn send(
        &self,
        provider: ProviderKind,
        operation: &'static str,
        request: &HttpRequest<'_>,
    ) -> Result<HttpResponse<H::Body>, ServiceFailure> {
        send_retrying(
            self.http, self.clock, self.retry, provider, operation, request,
        )
        .await
    }
}

/// How the retry rules see a failed exchange.
#[must_use]
pub fn retry_class(failure: &ServiceFailure) -> Class {
    match &failure.kind {
        ServiceFailureKind::Http { kind, .. } => {
            classify(Failure::Transport(*kind), Service::Other)
        }
        ServiceFailureKind::Status { status, code, .. } => classify(
            Failure::Status {
                status: *status,
                code: code.as_deref(),
            },
            Service::Other,
        ),
        // A 2xx answer that cannot be used: botocore does not retry a parse failure.
        ServiceFailureKind::EmptyBody { .. }
        | ServiceFailureKind::WrongContentType { .. }
        | ServiceFailureKind::BadBody { .. } => Class::Fatal,
    }
}

/// Whether a content type is JSON (`application/json`, `application/x-amz-json-1.1`,
/// `application/problem+json`, with or without parameters), or absent (many container and
/// mock endpoints send none).
#[must_use]
pub fn is_json_content_type(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            // `get`, not indexing: the content type is the network's and may not be ASCII.
            || subtype
                .len()
                .checked_sub(5)
                .and_then(|at| subtype.get(at..))
                .is_some_and(|end| end.eq_ignore_ascii_case("+json"))
            || subtype
                .get(..10)
                .is_some_and(|p| p.eq_ignore_ascii_case("x-amz-json")))
}

/// The error code and message of a JSON error body, when it is one. Unknown shapes give
/// `(None, None)`: the status alone then tells the story.
fn error_fields(
    body: &[u8],
) -> (
    Option<heapless::String<MAX_SERVICE_CODE_LEN>>,
    Option<heapless::String<MAX_SERVICE_MESSAGE_LEN>>,
) {
    let Ok(text) = core::str::from_utf8(body) else {
        return (None, None);
    };
    let code = ["code", "Code", "error", "__type"]
        .iter()
        .find_map(|k| json_string_field(text, k));
    let message = ["message", "Message", "error_description"]
        .iter()
        .find_map(|k| json_string_field(text, k));
    (code.map(clipped), message.map(clipped))
}

/// The raw text of the top-level string field `key` of a flat JSON object, escapes left as they
/// are (error bodies are small, flat objects; this is for messages, not for data).
fn json_string_field<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let text = text.trim();
    if !text.starts_with('{') {
        return None;
    }
    let mut rest = text;
    while let Some(at) = rest.find('"') {
        let after = &rest[at + 1..];
        let end = string_end(after)?;
        let name = &after[..end];
        let tail = after[end + 1..].trim_start();
        let Some(tail) = tail.strip_prefix(':') else {
            rest = &after[end + 1..];
            continue;
        };
        let tail = tail.trim_start();
        if name == key {
            let value = tail.strip_prefix('"')?;
            return Some(&value[..string_end(value)?]);
        }
        rest = tail;
        if let Some(value) = tail.strip_prefix('"') {
            // Skip the value so that a string value is never read as a key.
            rest = &value[string_end(value)? + 1..];
        }
    }
    None
}

/// The index of the quote that ends a JSON string starting at `s` (just after its opening quote).
fn string_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// `s` cut to fit `N` bytes on a character boundary.
fn clipped<const N: usize>(s: &str) -> heapless::String<N> {
    let mut out = heapless::String::new();
    for c in s.chars() {
        if out.push(c).is_err() {
            break;
        }
    }
    out
}

/// The credentials of a JSON answer, as the IAM Identity Center portal (GetRoleCredentials'
/// `roleCredentials`) and AWS Sign-In (CreateOAuth2Token's `accessToken`) both write them:
/// `accessKeyId`, `secretAccessKey`, `sessionToken`, and the portal's `expiration` (epoch
/// milliseconds; Sign-In gives `expiresIn` beside the object instead).
#[derive(Deserialize)]
pub(crate) struct CredentialsJson<'a> {
    #[serde(rename = "accessKeyId", borrow)]
    pub(crate) access_key_id: EscapedStr<'a>,
    #[serde(rename = "secretAccessKey", borrow)]
    pub(crate) secret_access_key: EscapedStr<'a>,
    #[serde(rename = "sessionToken", borrow)]
    pub(crate) session_token: EscapedStr<'a>,
    #[serde(default)]
    pub(crate) expiration: Option<i64>,
}

/// The access key id, secret access key and session token, unescaped.
pub(crate) type UnescapedKeys = (
    heapless::String<MAX_ACCESS_KEY_ID_LEN>,
    heapless::String<MAX_SECRET_ACCESS_KEY_LEN>,
    heapless::String<MAX_SESSION_TOKEN_LEN>,
);

impl CredentialsJson<'_> {
    /// The three keys unescaped; `None` when one is longer than credchain keeps, or the access
    /// key id or the secret access key is empty.
    pub(crate) fn keys(&self) -> Option<UnescapedKeys> {
        let akid = unescape(self.access_key_id, "", "").ok()?;
        let secret = unescape(self.secret_access_key, "", "").ok()?;
        let session = unescape(self.session_token, "", "").ok()?;
        (!akid.is_empty() && !secret.is_empty()).then_some((akid, secret, session))
    }
}

/// The longest URL built for a call (`{endpoint}/token`, GetRoleCredentials with its query).
pub const MAX_CALL_URL_LEN: usize = crate::services::endpoint::MAX_ENDPOINT_URL_LEN + 512;

/// `{url}{path}` with any `/` ending the URL left out.
pub(crate) fn join_url(
    base: &str,
    path: fmt::Arguments<'_>,
) -> Result<heapless::String<MAX_CALL_URL_LEN>, fmt::Error> {
    let mut url = heapless::String::new();
    url.push_str(base.trim_end_matches('/'))
        .map_err(|_| fmt::Error)?;
    url.write_fmt(path)?;
    Ok(url)
}

/// A 2xx answer that could not be read: a wrong content type when it names one that is not JSON
/// (botocore ignores content types, so a good body is accepted whatever it says), else a body
/// that is not what `expected` says.
pub(crate) fn bad_json_failure(
    provider: ProviderKind,
    operation: &'static str,
    url: &str,
    status: u16,
    content_type: Option<&str>,
    expected: &'static str,
) -> ServiceFailure {
    match content_type {
        Some(c) if !is_json_content_type(Some(c)) => ServiceFailure::new(
            provider,
            operation,
            url,
            ServiceFailureKind::WrongContentType {
                status,
                content_type: heapless::String::try_from(c).unwrap_or_default(),
            },
        ),
        _ => ServiceFailure::bad_body(provider, operation, url, status, expected),
    }
}

/// A provider's error that may be a failed exchange with its service, with one rule for which
/// of those are the service's own error answers (the AWS CLI's exit status 254).
pub trait FailedExchange {
    /// The failed exchange, when a service call is what failed.
    fn service_failure(&self) -> Option<&ServiceFailure>;

    /// Whether the service answered with an error status (the AWS CLI's exit code 254).
    fn is_service_error(&self) -> bool {
        self.service_failure()
            .is_some_and(ServiceFailure::is_service_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_fields_of_the_services_error_shapes() {
        let (code, message) = error_fields(br#"{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}"#);
        assert_eq!(
            code.as_deref(),
            Some("com.amazonaws.switchboard.portal#UnauthorizedException")
        );
        assert_eq!(
            message.as_deref(),
            Some("Session token not found or invalid")
        );
        let (code, message) =
            error_fields(br#"{"error":"invalid_grant","error_description":"expired"}"#);
        assert_eq!(code.as_deref(), Some("invalid_grant"));
        assert_eq!(message.as_deref(), Some("expired"));
        // A string value that looks like a key is not read as one.
        let (code, _) = error_fields(br#"{"message":"code","Code":"Throttled"}"#);
        assert_eq!(code.as_deref(), Some("Throttled"));
        assert_eq!(error_fields(b"<html>oops</html>"), (None, None));
        assert_eq!(error_fields(b"{\"code\":\"unterminated"), (None, None));
        assert_eq!(error_fields(&[0xff, 0xfe]), (None, None));
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type(None));
        assert!(is_json_content_type(Some("application/json")));
        assert!(is_json_content_type(Some(
            "application/json; charset=utf-8"
        )));
        assert!(is_json_content_type(Some("application/x-amz-json-1.1")));
        assert!(is_json_content_type(Some("Application/Problem+JSON")));
        assert!(!is_json_content_type(Some("text/html")));
        assert!(!is_json_content_type(Some("application/xml")));
        assert!(!is_json_content_type(Some("json")));
        assert!(!is_json_content_type(Some("application/jsoné")));
        assert!(!is_json_content_type(Some("application/éé")));
    }

    #[test]
    fn failure_names_provider_operation_and_endpoint_without_query() {
        let f = ServiceFailure::new(
            ProviderKind::Sso,
            "GetRoleCredentials",
            "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=r&account_id=1",
            ServiceFailureKind::Status {
                status: 401,
                code: None,
                message: None,
            },
        );
        let text = alloc_free_display(&f);
        assert!(text.contains("GetRoleCredentials"), "{text}");
        assert!(
            text.contains("https://portal.sso.us-east-1.amazonaws.com/federation/credentials "),
            "{text}"
        );
        assert!(!text.contains("role_name"), "{text}");
        assert!(f.is_service_error());
        assert_eq!(f.status(), Some(401));
    }

    fn alloc_free_display(f: &ServiceFailure) -> heapless::String<1024> {
        let mut s = heapless::String::new();
        fmt::Write::write_fmt(&mut s, format_args!("{f}")).unwrap();
        s
    }
}
