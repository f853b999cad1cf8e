//! EC2 instance metadata (IMDS): the IMDSv2 session token (PUT), the role name, the role's
//! credentials; IMDSv1 when the token request fails, unless `ec2_metadata_v1_disabled`.
//!
//! As the AWS CLI (botocore's `InstanceMetadataFetcher`) does it:
//!
//! - the endpoint: `ec2_metadata_service_endpoint` (`AWS_EC2_METADATA_SERVICE_ENDPOINT`) wins,
//!   else `ec2_metadata_service_endpoint_mode` (`IPv4`: `http://169.254.169.254/`, `IPv6`:
//!   `http://[fd00:ec2::254]/`, any case); a mode that is neither is an error even when an
//!   endpoint is set, since botocore checks it first; paths are appended after a `/`;
//! - `PUT latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600`: 200 gives the
//!   token; 403, 404, 405, an empty answer or a timeout fall back to IMDSv1 at once; 400 is an
//!   error; anything else is retried up to `metadata_service_num_attempts`, then falls back;
//! - without a token and with `ec2_metadata_v1_disabled = true`, an error;
//! - `GET latest/meta-data/iam/security-credentials/` (the role name) and then
//!   `.../<role>` (JSON: `Code`, `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`), each
//!   retried on any failure up to `metadata_service_num_attempts`, with
//!   `x-aws-ec2-metadata-token` when a token came;
//! - each request waits `metadata_service_timeout` seconds (default 1);
//! - static stability: credentials that expire within 17 minutes (botocore: 15 minutes plus a
//!   random 2 to 10) are given an expiry 17 minutes from now, so an instance whose metadata
//!   service serves stale credentials keeps working, as with the AWS CLI.
//!
//! Off an instance the provider fails when the token request cannot connect (at once when the
//! connection is refused, after `metadata_service_timeout` when nothing answers), without the
//! IMDSv1 requests botocore then still makes; a service that accepts the connection but never
//! answers costs the token request's timeout plus `attempts` role-name timeouts (botocore's
//! order).

use core::fmt;

use serde::Deserialize;

use crate::chain::execute::{Detail, ExecuteError, Host, Run};
use crate::credentials::ProviderKind;
use crate::credentials::{
    parse_timestamp, Credentials, TimeForm, MAX_ACCESS_KEY_ID_LEN, MAX_SECRET_ACCESS_KEY_LEN,
    MAX_SESSION_TOKEN_LEN,
};
use crate::io::{Env, Http, HttpErrorKind, HttpRequest, HttpResponse};
use crate::services::endpoint::MAX_ENDPOINT_URL_LEN;
use crate::services::exchange::{self, FailedExchange, ServiceFailure, ServiceFailureKind};
use crate::Source;
use crate::Sourced;

mod settings;

pub use settings::{
    check_before_the_chain, config, resolve_endpoint, EndpointMode, EndpointOrigin, ImdsConfig,
    ImdsEndpoint,
};

/// The IPv4 endpoint (endpoint mode `IPv4`, the default).
pub const IPV4_ENDPOINT: &str = "http://169.254.169.254/";
/// The IPv6 endpoint (endpoint mode `IPv6`).
pub const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]/";
/// The IMDSv2 token path.
pub const TOKEN_PATH: &str = "latest/api/token";
/// The role-name path; the role's credentials are under it.
pub const CREDENTIALS_PATH: &str = "latest/meta-data/iam/security-credentials/";
/// The token's lifetime asked for, in seconds (botocore's `_TOKEN_TTL`).
pub const TOKEN_TTL_SECONDS: &str = "21600";
/// The largest answer read (credentials are about 1.5 KB).
pub const MAX_IMDS_BODY: usize = 64 * 1024;
/// The longest IMDSv2 token kept (they are about 60 bytes).
pub const MAX_IMDS_TOKEN_LEN: usize = 1024;
/// The longest role name kept (IAM allows 64 characters).
pub const MAX_ROLE_NAME_LEN: usize = 128;
/// The longest error message kept from a credentials answer that is not `Success`.
pub const MAX_IMDS_MESSAGE_LEN: usize = 512;
/// How close to its expiry a credential is extended, and by how much, in seconds: botocore's
/// 15-minute refresh window plus the least of its 2-to-10-minute jitter (the core has no
/// randomness, and the least never promises more than botocore would).
pub const STATIC_STABILITY_SECONDS: i64 = 15 * 60 + 2 * 60;
/// The most `metadata_service_num_attempts` accepted: more is an error naming the setting
/// (botocore takes any integer, and 4,294,967,295 refused connections take hours).
pub const MAX_METADATA_ATTEMPTS: u32 = 100;
/// The longest `metadata_service_timeout` accepted, in seconds.
pub const MAX_TIMEOUT_SECONDS: u32 = 3_600;

const TOKEN_OPERATION: &str = "the IMDSv2 token request";
const ROLE_OPERATION: &str = "the role name request";
const CREDENTIALS_OPERATION: &str = "the role credentials request";

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
        /// What would be valid, in words.
        expected: &'static str,
    },
    /// `AWS_EC2_METADATA_DISABLED=true` while a profile's `credential_source` asks for instance
    /// metadata (the default chain skips the provider instead).
    Disabled,
    /// No IMDSv2 token came and `ec2_metadata_v1_disabled` forbids IMDSv1.
    V1Disabled {
        /// Where `ec2_metadata_v1_disabled` is set.
        setting: Source<'a>,
        /// How the token request failed.
        token: ServiceFailure,
    },
    /// The instance has no IAM role (the role-name request answered 404).
    NoRole(ServiceFailure),
    /// The credentials answer is an error (`Code` other than `Success`), such as a role that
    /// does not trust EC2.
    Refused {
        /// The URL called.
        endpoint: heapless::String<MAX_ENDPOINT_URL_LEN>,
        /// The answer's `Code`.
        code: heapless::String<64>,
        /// The answer's `Message`, if any.
        message: Option<heapless::String<MAX_IMDS_MESSAGE_LEN>>,
    },
    /// The metadata service failed or answered with something that is not credentials.
    Service(ServiceFailure),
}

impl ImdsError<'_> {
    /// Whether the metadata service simply had no credentials to give (not reachable, no role,
    /// an unusable answer): the AWS CLI then reports "Unable to locate credentials" for the
    /// default chain, rather than an error. Setting errors and a forbidden IMDSv1 are errors.
    #[must_use]
    pub fn is_no_credentials(&self) -> bool {
        matches!(
            self,
            ImdsError::NoRole(_) | ImdsError::Refused { .. } | ImdsError::Service(_)
        )
    }
}

impl FailedExchange for ImdsError<'_> {
    fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            ImdsError::Service(f) | ImdsError::NoRole(f) => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for ImdsError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImdsError::BadSetting {
                name,
                value,
                expected,
            } => write!(
                f,
                "EC2 instance metadata: {name} \"{}\" ({}) is not valid; use {expected}",
                value.value, value.source
            ),
            ImdsError::Disabled => f.write_str(
                "EC2 instance metadata: AWS_EC2_METADATA_DISABLED is true, so the instance's credentials cannot \
                 be fetched; unset it, or change the profile's credential_source",
            ),
            // The token failure already names the provider and the endpoint.
            ImdsError::V1Disabled { setting, token } => write!(
                f,
                "{token}; IMDSv1, which needs no token, is disabled by ec2_metadata_v1_disabled ({setting}); \
                 check that the instance allows IMDSv2 (and its hop limit, in a container), or allow IMDSv1"
            ),
            ImdsError::NoRole(failure) => write!(
                f,
                "{failure}: the instance has no IAM role; attach an instance profile to the instance"
            ),
            ImdsError::Refused {
                endpoint,
                code,
                message,
            } => {
                write!(
                    f,
                    "EC2 instance metadata: the role credentials request at {endpoint} answered Code {code}"
                )?;
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                f.write_str("; check the instance profile's role and its trust policy")
            }
            ImdsError::Service(e) => write!(f, "{e}"),
        }
    }
}

/// The credentials JSON. Every field is optional so that an error answer (`Code`, `Message`)
/// and a missing field are told apart from a body that is not JSON.
#[derive(Deserialize)]
#[allow(non_snake_case)] // The JSON's own field names.
struct ImdsJson {
    Code: Option<heapless::String<64>>,
    Message: Option<heapless::String<MAX_IMDS_MESSAGE_LEN>>,
    AccessKeyId: Option<heapless::String<MAX_ACCESS_KEY_ID_LEN>>,
    SecretAccessKey: Option<heapless::String<MAX_SECRET_ACCESS_KEY_LEN>>,
    Token: Option<heapless::String<MAX_SESSION_TOKEN_LEN>>,
    Expiration: Option<heapless::String<64>>,
}

/// The instance role's credentials from the metadata service.
pub(crate) async fn credentials<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, now } = run;
    // The plan skips the provider when it is disabled, but a `credential_source` names it
    // directly; botocore's fetcher then finds nothing without asking.
    let disabled = eval
        .env()
        .var("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if disabled {
        return Err(ExecuteError::InstanceMetadata(Detail::new(
            ImdsError::Disabled,
        )));
    }
    let config = config(eval).map_err(|e| ExecuteError::InstanceMetadata(Detail::new(e)))?;
    fetch(&config, io.http(), now)
        .await
        .map_err(|e| ExecuteError::InstanceMetadata(Detail::new(e)))
}

/// A URL under the endpoint; the endpoint's length was checked with room for the paths, so
/// only a long role name can overflow.
fn url_of<'a>(
    endpoint: &ImdsEndpoint<'a>,
    path: &str,
    operation: &'static str,
) -> Result<heapless::String<MAX_ENDPOINT_URL_LEN>, ImdsError<'a>> {
    endpoint.url(path).ok_or_else(|| {
        ImdsError::Service(ServiceFailure::new(
            ProviderKind::InstanceMetadata,
            operation,
            endpoint.base,
            ServiceFailureKind::Http {
                kind: HttpErrorKind::InvalidUrl,
                timeout_ms: 0,
                max_body_bytes: MAX_IMDS_BODY,
            },
        ))
    })
}

/// Fetches the role's credentials with `config`: token, role name, credentials.
pub async fn fetch<'a, H: Http + ?Sized>(
    config: &ImdsConfig<'a>,
    http: &H,
    now: i64,
) -> Result<Credentials, ImdsError<'a>> {
    let token_url = url_of(&config.endpoint, TOKEN_PATH, TOKEN_OPERATION)?;
    let token = match fetch_token(config, http, &token_url).await? {
        Ok(token) => Some(token),
        // No connection could be made (refused, unreachable, or not made within the timeout):
        // off an instance, IMDSv1 on the same host would wait just as long for nothing.
        // botocore tries it anyway; credchain answers "no credentials" a timeout sooner.
        Err(failure)
            if matches!(
                failure.kind,
                ServiceFailureKind::Http {
                    kind: HttpErrorKind::Connect,
                    ..
                }
            ) =>
        {
            return Err(ImdsError::Service(failure))
        }
        Err(failure) => match config.v1_disabled {
            Some(setting) => {
                return Err(ImdsError::V1Disabled {
                    setting,
                    token: failure,
                })
            }
            None => None,
        },
    };
    let mut headers: heapless::Vec<(&str, &str), 1> = heapless::Vec::new();
    if let Some(token) = &token {
        let _ = headers.push(("x-aws-ec2-metadata-token", token.as_str()));
    }
    let role_url = url_of(&config.endpoint, CREDENTIALS_PATH, ROLE_OPERATION)?;
    let role = get(
        config,
        http,
        &role_url,
        &headers,
        ROLE_OPERATION,
        |response| {
            role_name(response.body.as_ref()).ok_or_else(|| {
                ServiceFailure::bad_body(
                    ProviderKind::InstanceMetadata,
                    ROLE_OPERATION,
                    &role_url,
                    response.status,
                    "an IAM role name",
                )
            })
        },
    )
    .await
    .map_err(|failure| match failure.status() {
        Some(404) => ImdsError::NoRole(failure),
        _ => ImdsError::Service(failure),
    })?;
    let mut credentials_url = role_url.clone();
    credentials_url
        .push_str(&role)
        .map_err(|_| too_long(&role_url))?;
    let json = get(
        config,
        http,
        &credentials_url,
        &headers,
        CREDENTIALS_OPERATION,
        |response| parse_json(response, &credentials_url),
    )
    .await
    .map_err(ImdsError::Service)?;
    credentials_of(&json, &credentials_url, now)
}

fn too_long<'a>(url: &str) -> ImdsError<'a> {
    ImdsError::Service(ServiceFailure::new(
        ProviderKind::InstanceMetadata,
        CREDENTIALS_OPERATION,
        url,
        ServiceFailureKind::Http {
            kind: HttpErrorKind::InvalidUrl,
            timeout_ms: 0,
            max_body_bytes: MAX_IMDS_BODY,
        },
    ))
}

/// The IMDSv2 token: `Ok(Ok(token))`, `Ok(Err(why))` when IMDSv1 is to be used, `Err` when the
/// service refused the request as malformed (400).
async fn fetch_token<'a, H: Http + ?Sized>(
    config: &ImdsConfig<'a>,
    http: &H,
    url: &str,
) -> Result<Result<heapless::String<MAX_IMDS_TOKEN_LEN>, ServiceFailure>, ImdsError<'a>> {
    let request = HttpRequest {
        method: "PUT",
        url,
        headers: &[("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)],
        body: b"",
        timeout_ms: config.timeout_ms,
        max_body_bytes: MAX_IMDS_BODY,
    };
    let mut last = None;
    for _ in 0..config.attempts {
        let failure = match exchange::send(
            http,
            ProviderKind::InstanceMetadata,
            TOKEN_OPERATION,
            &request,
        )
        .await
        {
            Ok(response) if response.status == 200 => {
                return header_value(response.body.as_ref()).map(Ok).ok_or_else(|| {
                    ImdsError::Service(ServiceFailure::bad_body(
                        ProviderKind::InstanceMetadata,
                        TOKEN_OPERATION,
                        url,
                        response.status,
                        "an IMDSv2 token (printable text)",
                    ))
                });
            }
            Ok(response) => ServiceFailure::new(
                ProviderKind::InstanceMetadata,
                TOKEN_OPERATION,
                url,
                ServiceFailureKind::Status {
                    status: response.status,
                    code: None,
                    message: None,
                },
            ),
            Err(failure) => failure,
        };
        match &failure.kind {
            ServiceFailureKind::Status { status: 400, .. } => {
                return Err(ImdsError::Service(failure))
            }
            // Instances with IMDSv2 off answer these; a container past the hop limit never
            // sees the answer (a timeout); either way IMDSv1 may still answer.
            ServiceFailureKind::Status {
                status: 403..=405, ..
            }
            | ServiceFailureKind::EmptyBody { .. }
            | ServiceFailureKind::Http {
                kind: HttpErrorKind::Timeout,
                ..
            } => return Ok(Err(failure)),
            _ => last = Some(failure),
        }
    }
    // At least one attempt was made (`attempts` is 1 or more).
    Ok(Err(last.unwrap_or_else(|| {
        ServiceFailure::new(
            ProviderKind::InstanceMetadata,
            TOKEN_OPERATION,
            url,
            ServiceFailureKind::EmptyBody { status: 0 },
        )
    })))
}

/// One GET, retried on any failure (no answer, an error status, an empty or unusable body) up
/// to the configured attempts; `accept` turns a 2xx answer into the value wanted.
async fn get<'r, H, T>(
    config: &ImdsConfig<'_>,
    http: &H,
    url: &'r str,
    headers: &'r [(&'r str, &'r str)],
    operation: &'static str,
    accept: impl Fn(&HttpResponse<H::Body>) -> Result<T, ServiceFailure>,
) -> Result<T, ServiceFailure>
where
    H: Http + ?Sized,
{
    let request = HttpRequest {
        method: "GET",
        url,
        headers,
        body: b"",
        timeout_ms: config.timeout_ms,
        max_body_bytes: MAX_IMDS_BODY,
    };
    let mut attempt = 1;
    loop {
        let outcome =
            match exchange::send(http, ProviderKind::InstanceMetadata, operation, &request).await {
                Ok(response) => accept(&response),
                Err(failure) => Err(failure),
            };
        match outcome {
            Ok(value) => return Ok(value),
            Err(failure) if attempt >= config.attempts => return Err(failure),
            Err(_) => attempt += 1,
        }
    }
}

/// An IMDSv2 token that can be sent as a header value (visible ASCII and spaces).
fn header_value(body: &[u8]) -> Option<heapless::String<MAX_IMDS_TOKEN_LEN>> {
    let text = core::str::from_utf8(body).ok()?;
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) || b == b'\t')
    {
        return None;
    }
    heapless::String::try_from(text).ok()
}

/// The role name: IAM's characters (letters, digits, `+=,.@_-`); trailing whitespace is
/// dropped, since a line ending would otherwise end up in the next URL.
fn role_name(body: &[u8]) -> Option<heapless::String<MAX_ROLE_NAME_LEN>> {
    let text = core::str::from_utf8(body).ok()?.trim_end();
    let valid = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !valid {
        return None;
    }
    heapless::String::try_from(text).ok()
}

/// The credentials JSON of a 2xx answer. The metadata service labels it `text/plain`, so only
/// a body that is not JSON and a content type that is neither JSON nor plain text blame the
/// content type.
fn parse_json<B: AsRef<[u8]>>(
    response: &HttpResponse<B>,
    url: &str,
) -> Result<ImdsJson, ServiceFailure> {
    let mut unescape = [0u8; MAX_SESSION_TOKEN_LEN];
    match serde_json_core::from_slice_escaped::<ImdsJson>(response.body.as_ref(), &mut unescape) {
        Ok((json, _)) => Ok(json),
        Err(_) => {
            let content_type = response.content_type.as_deref();
            let plain = content_type.is_some_and(|c| {
                c.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("text/plain")
            });
            let kind = match &response.content_type {
                Some(ct) if !plain && !exchange::is_json_content_type(content_type) => {
                    ServiceFailureKind::WrongContentType {
                        status: response.status,
                        content_type: ct.clone(),
                    }
                }
                _ => ServiceFailureKind::BadBody {
                    status: response.status,
                    expected: super::ENDPOINT_CREDENTIALS_JSON,
                },
            };
            Err(ServiceFailure::new(
                ProviderKind::InstanceMetadata,
                CREDENTIALS_OPERATION,
                url,
                kind,
            ))
        }
    }
}

/// Credentials from the JSON, with the static-stability expiry.
fn credentials_of<'a>(json: &ImdsJson, url: &str, now: i64) -> Result<Credentials, ImdsError<'a>> {
    let bad = || {
        ImdsError::Service(ServiceFailure::bad_body(
            ProviderKind::InstanceMetadata,
            CREDENTIALS_OPERATION,
            url,
            200,
            super::ENDPOINT_CREDENTIALS_JSON,
        ))
    };
    let Some((keys, expiration)) = super::all_four(
        json.AccessKeyId.as_deref(),
        json.SecretAccessKey.as_deref(),
        json.Token.as_deref(),
        json.Expiration.as_deref(),
    ) else {
        return Err(match &json.Code {
            Some(code) if code.as_str() != "Success" => ImdsError::Refused {
                endpoint: heapless::String::try_from(url.split('?').next().unwrap_or(url))
                    .unwrap_or_default(),
                code: code.clone(),
                message: json.Message.clone(),
            },
            _ => bad(),
        });
    };
    let mut expiration = parse_timestamp(expiration).ok_or_else(bad)?;
    if now >= expiration.unix.saturating_sub(STATIC_STABILITY_SECONDS) {
        // botocore writes the extended expiry with strftime: UTC, whole seconds.
        expiration.unix = now.saturating_add(STATIC_STABILITY_SECONDS);
        expiration.form = TimeForm::default();
    }
    super::answered(ProviderKind::InstanceMetadata, keys, expiration, None).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::settings::is_valid_endpoint;
    use super::*;

    #[test]
    fn endpoint_urls_join_with_one_slash() {
        let e = resolve_endpoint(None, None).unwrap();
        assert_eq!(
            e.url(TOKEN_PATH).unwrap().as_str(),
            "http://169.254.169.254/latest/api/token"
        );
        let configured = Sourced {
            value: "http://127.0.0.1:9/prefix",
            source: Source::EnvVar("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
        };
        let e = resolve_endpoint(Some(configured), None).unwrap();
        assert_eq!(
            e.url(TOKEN_PATH).unwrap().as_str(),
            "http://127.0.0.1:9/prefix/latest/api/token"
        );
    }

    #[test]
    fn endpoint_validity() {
        assert!(is_valid_endpoint("http://override:456"));
        assert!(is_valid_endpoint("https://custom"));
        assert!(is_valid_endpoint("http://[fd00:ec2::254]/"));
        assert!(!is_valid_endpoint("not a uri"));
        assert!(!is_valid_endpoint("http://"));
        assert!(!is_valid_endpoint("http://a b/"));
        assert!(!is_valid_endpoint("http://-bad-/"));
        assert!(!is_valid_endpoint("ftp://host/"));
        assert!(!is_valid_endpoint("http://host:port/"));
        assert!(!is_valid_endpoint("http:/é/x"));
        assert!(!is_valid_endpoint("https:/éé"));
    }

    #[test]
    fn role_names_and_tokens() {
        assert_eq!(role_name(b"my-role\n").as_deref(), Some("my-role"));
        assert_eq!(role_name(b"a/b"), None);
        assert_eq!(role_name(b""), None);
        assert_eq!(header_value(b"tok==").as_deref(), Some("tok=="));
        assert_eq!(header_value(b"tok\r\nX: 1"), None);
    }

    /// Arbitrary bytes never panic any reader of the network's answers or of the settings.
    #[test]
    fn arbitrary_input_never_panics() {
        let alphabet =
            b"{}[]\":,0123456789 abcAccessKeyIdTokenExpirationCode\\u00e9/:@.-[]\r\n\t\xc3\xa9\xff";
        crate::random_input::for_each_soup(0x9e37_79b9_7f4a_7c15, alphabet, 20_000, |bytes| {
            let _ = role_name(bytes);
            let _ = header_value(bytes);
            let response = HttpResponse {
                status: 200,
                content_type: None,
                body: heapless::Vec::<u8, 64>::from_slice(bytes).unwrap_or_default(),
            };
            if let Ok(json) = parse_json(&response, "http://x/") {
                let _ = credentials_of(&json, "http://x/", i64::MAX);
                let _ = credentials_of(&json, "http://x/", i64::MIN);
            }
            if let Ok(text) = core::str::from_utf8(bytes) {
                let _ = is_valid_endpoint(text);
                let _ = crate::chain::providers::container::url_host_for_tests(text);
            }
        });
    }
}
