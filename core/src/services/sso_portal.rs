//! The IAM Identity Center portal (the `sso` service): GetRoleCredentials, which trades the
//! bearer token of a signed-in user for an account role's credentials, as botocore's `SSO`
//! client calls it (a GET with the token in `x-amz-sso_bearer_token`), and Logout, which
//! `aws sso logout` calls for each cached token.

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::credentials::{
    Credentials, ProviderKind, TooLong, MAX_ACCESS_KEY_ID_LEN, MAX_SECRET_ACCESS_KEY_LEN,
    MAX_SESSION_TOKEN_LEN,
};
use crate::io::{Clock, Http, HttpErrorKind, HttpRequest};
use crate::json::unescape;
use crate::services::endpoint::Endpoint;
use crate::services::exchange::{self, ServiceFailure, ServiceFailureKind};
use crate::services::retry::RetryConfig;
use crate::signing::sigv4::uri_encode;

/// How long GetRoleCredentials may take, in milliseconds.
pub const PORTAL_TIMEOUT_MS: u32 = 10_000;
/// The largest GetRoleCredentials answer read.
pub const MAX_PORTAL_RESPONSE_BYTES: usize = 64 * 1024;

#[derive(Deserialize)]
struct RoleCredentialsJson<'a> {
    #[serde(rename = "roleCredentials", borrow)]
    role_credentials: RoleJson<'a>,
}

#[derive(Deserialize)]
struct RoleJson<'a> {
    #[serde(rename = "accessKeyId", borrow)]
    access_key_id: EscapedStr<'a>,
    #[serde(rename = "secretAccessKey", borrow)]
    secret_access_key: EscapedStr<'a>,
    #[serde(rename = "sessionToken", borrow)]
    session_token: EscapedStr<'a>,
    expiration: i64,
}

const GET_ROLE_CREDENTIALS: &str = "GetRoleCredentials";
const GET_ROLE_CREDENTIALS_EXPECTED: &str = "JSON with roleCredentials {accessKeyId, \
     secretAccessKey, sessionToken, expiration (epoch milliseconds)}";

/// What GetRoleCredentials is asked for. Debug never shows the token.
#[derive(Clone, Copy)]
pub struct RoleRequest<'a> {
    /// `sso_role_name`.
    pub role_name: &'a str,
    /// `sso_account_id`.
    pub account_id: &'a str,
    /// The bearer token of the signed-in user (a secret).
    pub access_token: &'a str,
}

impl core::fmt::Debug for RoleRequest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RoleRequest")
            .field("role_name", &self.role_name)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// Why GetRoleCredentials gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortalError {
    /// The call failed, or its answer could not be read.
    Failed(ServiceFailure),
    /// The portal refused the token (401, or an `UnauthorizedException`): sign in again.
    Unauthorized(ServiceFailure),
    /// A value of the answer is longer than credchain keeps.
    TooLong(TooLong),
}

/// Calls GetRoleCredentials at `endpoint`, retried as `retry` says.
///
/// # Errors
/// [`PortalError`], its failures naming the endpoint.
pub async fn get_role_credentials<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    endpoint: &Endpoint<'_>,
    role: &RoleRequest<'_>,
) -> Result<Credentials, PortalError> {
    let http_failure = |url: &str, kind| {
        PortalError::Failed(ServiceFailure::new(
            ProviderKind::Sso,
            GET_ROLE_CREDENTIALS,
            url,
            ServiceFailureKind::Http {
                kind,
                timeout_ms: PORTAL_TIMEOUT_MS,
                max_body_bytes: MAX_PORTAL_RESPONSE_BYTES,
            },
        ))
    };
    // botocore writes the query in the order of the operation's members: role name, account.
    let url = exchange::join_url(
        endpoint.url(),
        format_args!(
            "/federation/credentials?role_name={}&account_id={}",
            uri_encode(role.role_name),
            uri_encode(role.account_id)
        ),
    )
    .map_err(|_| http_failure(endpoint.url(), HttpErrorKind::InvalidUrl))?;
    let headers = [("x-amz-sso_bearer_token", role.access_token)];
    let request = HttpRequest {
        method: "GET",
        url: &url,
        headers: &headers,
        body: &[],
        timeout_ms: PORTAL_TIMEOUT_MS,
        max_body_bytes: MAX_PORTAL_RESPONSE_BYTES,
    };
    let response = exchange::send_retrying(
        http,
        clock,
        retry,
        ProviderKind::Sso,
        GET_ROLE_CREDENTIALS,
        &request,
    )
    .await
    .map_err(|failure| {
        let unauthorized = matches!(failure.kind, ServiceFailureKind::Status { status: 401, .. })
            || matches!(&failure.kind, ServiceFailureKind::Status { code: Some(c), .. }
                    if c.ends_with("UnauthorizedException"));
        if unauthorized {
            PortalError::Unauthorized(failure)
        } else {
            PortalError::Failed(failure)
        }
    })?;
    match parse_role_credentials(response.body.as_ref(), role.account_id) {
        Ok(credentials) => Ok(credentials),
        Err(Some(too_long)) => Err(PortalError::TooLong(too_long)),
        Err(None) => Err(PortalError::Failed(exchange::bad_json_failure(
            ProviderKind::Sso,
            GET_ROLE_CREDENTIALS,
            &url,
            response.status,
            response.content_type.as_deref(),
            GET_ROLE_CREDENTIALS_EXPECTED,
        ))),
    }
}

const LOGOUT: &str = "Logout";

/// Calls the portal's Logout (`POST {portal}/logout` with the bearer token in
/// `x-amz-sso_bearer_token`), as `aws sso logout` does for each cached token. The answer's body
/// is not read: any 2xx is a success.
///
/// # Errors
/// A [`ServiceFailure`] naming the endpoint; [`ServiceFailure::is_service_error`] tells the
/// service's refusals (which `aws sso logout` ignores) from a call that did not get through.
pub async fn logout<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    endpoint: &Endpoint<'_>,
    access_token: &str,
) -> Result<(), ServiceFailure> {
    let url = exchange::join_url(endpoint.url(), format_args!("/logout")).map_err(|_| {
        ServiceFailure::new(
            ProviderKind::Sso,
            LOGOUT,
            endpoint.url(),
            ServiceFailureKind::Http {
                kind: HttpErrorKind::InvalidUrl,
                timeout_ms: PORTAL_TIMEOUT_MS,
                max_body_bytes: MAX_PORTAL_RESPONSE_BYTES,
            },
        )
    })?;
    let headers = [("x-amz-sso_bearer_token", access_token)];
    let request = HttpRequest {
        method: "POST",
        url: &url,
        headers: &headers,
        body: &[],
        timeout_ms: PORTAL_TIMEOUT_MS,
        max_body_bytes: MAX_PORTAL_RESPONSE_BYTES,
    };
    match exchange::send_retrying(http, clock, retry, ProviderKind::Sso, LOGOUT, &request).await {
        // Logout answers with no body.
        Ok(_)
        | Err(ServiceFailure {
            kind: ServiceFailureKind::EmptyBody { .. },
            ..
        }) => Ok(()),
        Err(failure) => Err(failure),
    }
}

/// Reads a GetRoleCredentials answer (`{"roleCredentials": {"accessKeyId", "secretAccessKey",
/// "sessionToken", "expiration" (epoch milliseconds)}}`) into credentials of `account_id`.
///
/// # Errors
/// `Err(None)` when it is not that JSON (or a key is empty); `Err(Some(_))` when a value is
/// longer than credchain keeps.
pub fn parse_role_credentials(
    body: &[u8],
    account_id: &str,
) -> Result<Credentials, Option<TooLong>> {
    let (json, _) =
        serde_json_core::from_slice::<RoleCredentialsJson<'_>>(body).map_err(|_| None)?;
    let role = &json.role_credentials;
    let akid = unescape::<MAX_ACCESS_KEY_ID_LEN>(role.access_key_id, "", "").map_err(|_| None)?;
    let secret =
        unescape::<MAX_SECRET_ACCESS_KEY_LEN>(role.secret_access_key, "", "").map_err(|_| None)?;
    let session =
        unescape::<MAX_SESSION_TOKEN_LEN>(role.session_token, "", "").map_err(|_| None)?;
    if akid.is_empty() || secret.is_empty() {
        return Err(None);
    }
    // botocore divides by 1000 and drops the fraction when it formats the time.
    let expiration = role.expiration.div_euclid(1000);
    Credentials::new(
        ProviderKind::Sso,
        &akid,
        &secret,
        Some(&session),
        Some(expiration),
        Some(account_id),
    )
    .map_err(Some)
}
