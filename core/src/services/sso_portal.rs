//! The IAM Identity Center portal (the `sso` service): GetRoleCredentials, which trades the
//! bearer token of a signed-in user for an account role's credentials, as botocore's `SSO`
//! client calls it (a GET with the token in `x-amz-sso_bearer_token`), and Logout, which
//! `aws sso logout` calls for each cached token.

use serde::Deserialize;
#[cfg(feature = "alloc")]
use serde_json_core::str::EscapedStr;

use crate::credentials::redact::redacted_debug;
use crate::credentials::{Credentials, ProviderKind, TooLong};
use crate::io::{Clock, Http, HttpErrorKind, HttpRequest};
#[cfg(feature = "alloc")]
use crate::json::unescape;
use crate::services::exchange::{
    self, CredentialsJson, ServiceFailure, ServiceFailureKind, ServiceTarget,
};
use crate::signing::sigv4::uri_encode;

/// How long GetRoleCredentials may take, in milliseconds.
pub const PORTAL_TIMEOUT_MS: u32 = 10_000;
/// The largest GetRoleCredentials answer read.
pub const MAX_PORTAL_RESPONSE_BYTES: usize = 64 * 1024;

#[derive(Deserialize)]
struct RoleCredentialsJson<'a> {
    #[serde(rename = "roleCredentials", borrow)]
    role_credentials: CredentialsJson<'a>,
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

redacted_debug!(RoleRequest<'_> { role_name, account_id });

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

/// Calls GetRoleCredentials at `to`'s endpoint, with its retries.
///
/// # Errors
/// [`PortalError`], its failures naming the endpoint.
pub async fn get_role_credentials<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
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
        to.endpoint.url(),
        format_args!(
            "/federation/credentials?role_name={}&account_id={}",
            uri_encode(role.role_name),
            uri_encode(role.account_id)
        ),
    )
    .map_err(|_| http_failure(to.endpoint.url(), HttpErrorKind::InvalidUrl))?;
    let response = with_token(to, "GET", GET_ROLE_CREDENTIALS, &url, role.access_token)
        .await
        .map_err(portal_error)?;
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

/// Sends one portal request, `method` at `url` with no body and the bearer token in
/// `x-amz-sso_bearer_token`, with `to`'s retries.
async fn with_token<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    method: &'static str,
    operation: &'static str,
    url: &str,
    access_token: &str,
) -> Result<crate::io::HttpResponse<H::Body>, ServiceFailure> {
    let headers = [("x-amz-sso_bearer_token", access_token)];
    let request = HttpRequest {
        method,
        url,
        headers: &headers,
        body: &[],
        timeout_ms: PORTAL_TIMEOUT_MS,
        max_body_bytes: MAX_PORTAL_RESPONSE_BYTES,
    };
    to.send(ProviderKind::Sso, operation, &request).await
}

/// A failed portal call: [`PortalError::Unauthorized`] for 401 or an
/// `UnauthorizedException` (sign in again), else [`PortalError::Failed`].
fn portal_error(failure: ServiceFailure) -> PortalError {
    let unauthorized = matches!(failure.kind, ServiceFailureKind::Status { status: 401, .. })
        || matches!(&failure.kind, ServiceFailureKind::Status { code: Some(c), .. }
                if c.ends_with("UnauthorizedException"));
    if unauthorized {
        PortalError::Unauthorized(failure)
    } else {
        PortalError::Failed(failure)
    }
}

/// Calls the portal's Logout (`POST {portal}/logout` with the bearer token in
/// `x-amz-sso_bearer_token`), as `aws sso logout` does for each cached token. The answer's body
/// is not read: any 2xx is a success.
///
/// # Errors
/// A [`ServiceFailure`] naming the endpoint; [`ServiceFailure::is_service_error`] tells the
/// service's refusals (which `aws sso logout` ignores) from a call that did not get through.
pub async fn logout<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    access_token: &str,
) -> Result<(), ServiceFailure> {
    let url = exchange::join_url(to.endpoint.url(), format_args!("/logout")).map_err(|_| {
        ServiceFailure::new(
            ProviderKind::Sso,
            LOGOUT,
            to.endpoint.url(),
            ServiceFailureKind::Http {
                kind: HttpErrorKind::InvalidUrl,
                timeout_ms: PORTAL_TIMEOUT_MS,
                max_body_bytes: MAX_PORTAL_RESPONSE_BYTES,
            },
        )
    })?;
    match with_token(to, "POST", LOGOUT, &url, access_token).await {
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
    let expiration = role.expiration.ok_or(None)?;
    let (akid, secret, session) = role.keys().ok_or(None)?;
    // botocore divides by 1000 and drops the fraction when it formats the time.
    let expiration = expiration.div_euclid(1000);
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

/// The most accounts or roles one ListAccounts or ListAccountRoles page may hold.
pub const MAX_PORTAL_PAGE_ITEMS: usize = 1000;
/// The most pages ListAccounts or ListAccountRoles is followed for (a portal that never stops
/// handing out a `nextToken` ends here with an error).
pub const MAX_PORTAL_PAGES: usize = 1000;
/// The longest account id, account name, email address, role name or `nextToken` read.
pub const MAX_PORTAL_FIELD_LEN: usize = 2048;

/// One account the portal lists (ListAccounts' `accountList` member).
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// `accountId`.
    pub account_id: alloc::string::String,
    /// `accountName`, when the portal gives one.
    pub account_name: Option<alloc::string::String>,
    /// `emailAddress`, when the portal gives one.
    pub email_address: Option<alloc::string::String>,
}

/// One page of ListAccounts (`accountList`) or ListAccountRoles (`roleList`).
#[cfg(feature = "alloc")]
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct PageJson<'a, T> {
    #[serde(rename = "nextToken", borrow, default)]
    next_token: Option<EscapedStr<'a>>,
    #[serde(alias = "accountList", alias = "roleList", default)]
    items: heapless::Vec<T, MAX_PORTAL_PAGE_ITEMS>,
}

#[cfg(feature = "alloc")]
#[derive(Deserialize)]
struct AccountJson<'a> {
    #[serde(rename = "accountId", borrow)]
    account_id: EscapedStr<'a>,
    #[serde(rename = "accountName", borrow, default)]
    account_name: Option<EscapedStr<'a>>,
    #[serde(rename = "emailAddress", borrow, default)]
    email_address: Option<EscapedStr<'a>>,
}

#[cfg(feature = "alloc")]
#[derive(Deserialize)]
struct RoleNameJson<'a> {
    #[serde(rename = "roleName", borrow)]
    role_name: EscapedStr<'a>,
}

#[cfg(feature = "alloc")]
fn owned(s: EscapedStr<'_>) -> Option<alloc::string::String> {
    unescape::<MAX_PORTAL_FIELD_LEN>(s, "", "")
        .ok()
        .map(|text| text.as_str().into())
}

/// An optional value unescaped: `Some(None)` when absent, `None` when too long.
#[cfg(feature = "alloc")]
fn owned_option(s: Option<EscapedStr<'_>>) -> Option<Option<alloc::string::String>> {
    match s {
        Some(s) => Some(Some(owned(s)?)),
        None => Some(None),
    }
}

/// A page: its items, each read with `item`, and the `nextToken` of the next page (an empty
/// one ends too).
#[cfg(feature = "alloc")]
type Page<T> = (alloc::vec::Vec<T>, Option<alloc::string::String>);

#[cfg(feature = "alloc")]
fn parse_page<'a, J: Deserialize<'a>, T>(
    body: &'a [u8],
    item: impl Fn(&J) -> Option<T>,
) -> Option<Page<T>> {
    let (json, _) = serde_json_core::from_slice::<PageJson<'a, J>>(body).ok()?;
    let items = json.items.iter().map(item).collect::<Option<_>>()?;
    let next = owned_option(json.next_token)?.filter(|t| !t.is_empty());
    Some((items, next))
}

/// One ListAccounts page: its accounts and the `nextToken` of the next page. `None` when it
/// is not that JSON (or a value is longer than [`MAX_PORTAL_FIELD_LEN`]).
#[cfg(feature = "alloc")]
#[must_use]
pub fn parse_accounts_page(
    body: &[u8],
) -> Option<(alloc::vec::Vec<Account>, Option<alloc::string::String>)> {
    parse_page(body, |account: &AccountJson<'_>| {
        Some(Account {
            account_id: owned(account.account_id)?,
            account_name: owned_option(account.account_name)?,
            email_address: owned_option(account.email_address)?,
        })
    })
}

/// One ListAccountRoles page: its role names and the `nextToken` of the next page. `None` when
/// it is not that JSON (or a value is longer than [`MAX_PORTAL_FIELD_LEN`]).
#[cfg(feature = "alloc")]
#[must_use]
pub fn parse_roles_page(
    body: &[u8],
) -> Option<(
    alloc::vec::Vec<alloc::string::String>,
    Option<alloc::string::String>,
)> {
    parse_page(body, |role: &RoleNameJson<'_>| owned(role.role_name))
}

#[cfg(feature = "alloc")]
const LIST_ACCOUNTS: &str = "ListAccounts";
#[cfg(feature = "alloc")]
const LIST_ACCOUNT_ROLES: &str = "ListAccountRoles";

#[cfg(feature = "alloc")]
fn list_failure(operation: &'static str, url: &str, kind: ServiceFailureKind) -> PortalError {
    PortalError::Failed(ServiceFailure::new(ProviderKind::Sso, operation, url, kind))
}

/// Calls ListAccounts (`GET {portal}/assignment/accounts`) and follows every `nextToken`, as
/// `aws configure sso` does (no page size asked).
///
/// # Errors
/// [`PortalError`]; more than [`MAX_PORTAL_PAGES`] pages is a failure.
#[cfg(feature = "alloc")]
pub async fn list_accounts<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    access_token: &str,
) -> Result<alloc::vec::Vec<Account>, PortalError> {
    let call = PagedCall {
        operation: LIST_ACCOUNTS,
        access_token,
        path: "/assignment/accounts",
        account_id: None,
    };
    every_page(to, &call, parse_accounts_page).await
}

/// Calls ListAccountRoles (`GET {portal}/assignment/roles?account_id=...`) and follows every
/// `nextToken`; the role names in the portal's order.
///
/// # Errors
/// [`PortalError`]; more than [`MAX_PORTAL_PAGES`] pages is a failure.
#[cfg(feature = "alloc")]
pub async fn list_account_roles<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    access_token: &str,
    account_id: &str,
) -> Result<alloc::vec::Vec<alloc::string::String>, PortalError> {
    let call = PagedCall {
        operation: LIST_ACCOUNT_ROLES,
        access_token,
        path: "/assignment/roles",
        account_id: Some(account_id),
    };
    every_page(to, &call, parse_roles_page).await
}

/// A URL of one call, as `exchange::join_url` builds it.
#[cfg(feature = "alloc")]
type CallUrl = heapless::String<{ exchange::MAX_CALL_URL_LEN }>;

/// One paged portal call: which operation, with which token.
#[cfg(feature = "alloc")]
struct PagedCall<'a> {
    operation: &'static str,
    access_token: &'a str,
    /// The path under the portal's URL.
    path: &'static str,
    /// The `account_id` query parameter (ListAccountRoles).
    account_id: Option<&'a str>,
}

#[cfg(feature = "alloc")]
impl PagedCall<'_> {
    /// The URL at `base` of the page after `next` (the first page without one). botocore
    /// writes the query in the order of the request's members: `next_token`, then `account_id`.
    fn url(&self, base: &str, next: Option<&str>) -> Result<CallUrl, core::fmt::Error> {
        let path = self.path;
        match (next, self.account_id) {
            (None, None) => exchange::join_url(base, format_args!("{path}")),
            (Some(token), None) => exchange::join_url(
                base,
                format_args!("{path}?next_token={}", uri_encode(token)),
            ),
            (None, Some(id)) => {
                exchange::join_url(base, format_args!("{path}?account_id={}", uri_encode(id)))
            }
            (Some(token), Some(id)) => exchange::join_url(
                base,
                format_args!(
                    "{path}?next_token={}&account_id={}",
                    uri_encode(token),
                    uri_encode(id)
                ),
            ),
        }
    }
}

/// Fetches the pages of `call` (each page after the previous page's `nextToken`) until a page
/// has no token, reading each with `parse`; more than [`MAX_PORTAL_PAGES`] pages is a failure.
#[cfg(feature = "alloc")]
async fn every_page<H, K, T>(
    to: &ServiceTarget<'_, H, K>,
    call: &PagedCall<'_>,
    parse: impl Fn(&[u8]) -> Option<(alloc::vec::Vec<T>, Option<alloc::string::String>)>,
) -> Result<alloc::vec::Vec<T>, PortalError>
where
    H: Http + ?Sized,
    K: Clock + ?Sized,
{
    let (operation, base) = (call.operation, to.endpoint.url());
    let mut all = alloc::vec::Vec::new();
    let mut next: Option<alloc::string::String> = None;
    for _ in 0..MAX_PORTAL_PAGES {
        let url = call
            .url(base, next.as_deref())
            .map_err(|_| invalid_url(operation, base))?;
        let response = with_token(to, "GET", operation, &url, call.access_token)
            .await
            .map_err(portal_error)?;
        let (items, token) =
            parse(response.body.as_ref()).ok_or_else(|| bad_page(operation, &url))?;
        all.extend(items);
        match token {
            Some(token) => next = Some(token),
            None => return Ok(all),
        }
    }
    Err(too_many_pages(operation, base))
}

#[cfg(feature = "alloc")]
fn invalid_url(operation: &'static str, url: &str) -> PortalError {
    list_failure(
        operation,
        url,
        ServiceFailureKind::Http {
            kind: HttpErrorKind::InvalidUrl,
            timeout_ms: PORTAL_TIMEOUT_MS,
            max_body_bytes: MAX_PORTAL_RESPONSE_BYTES,
        },
    )
}

/// A page whose answer is not the JSON of a page.
#[cfg(feature = "alloc")]
fn bad_page(operation: &'static str, url: &str) -> PortalError {
    page_failure(
        operation,
        url,
        "JSON with accountList [{accountId, accountName, emailAddress}] or roleList \
         [{roleName}], and nextToken",
    )
}

/// A portal that never stops handing out a `nextToken`.
#[cfg(feature = "alloc")]
fn too_many_pages(operation: &'static str, url: &str) -> PortalError {
    page_failure(
        operation,
        url,
        "a last page (no nextToken) within MAX_PORTAL_PAGES pages",
    )
}

#[cfg(feature = "alloc")]
fn page_failure(operation: &'static str, url: &str, expected: &'static str) -> PortalError {
    let json = Some("application/json");
    let failure =
        exchange::bad_json_failure(ProviderKind::Sso, operation, url, 200, json, expected);
    PortalError::Failed(failure)
}

#[cfg(all(test, feature = "alloc"))]
mod list_tests {
    use super::*;

    #[test]
    fn role_request_debug_shows_no_token() {
        let role = RoleRequest {
            role_name: "Admin",
            account_id: "111",
            access_token: "bearer-secret",
        };
        let text = std::format!("{role:?}");
        assert!(text.contains("Admin") && text.contains("111"), "{text}");
        assert!(!text.contains("bearer-secret"), "{text}");
    }

    #[test]
    fn accounts_pages_read_with_their_next_token() {
        let body = br#"{"nextToken":"t\/2","accountList":[{"accountId":"111","accountName":"prod","emailAddress":"p@x.com"},{"accountId":"222"}]}"#;
        let (accounts, next) = parse_accounts_page(body).unwrap();
        assert_eq!(next.as_deref(), Some("t/2"));
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[0].account_name.as_deref(), Some("prod"));
        assert_eq!(accounts[1].account_id, "222");
        assert_eq!(accounts[1].email_address, None);
        let (accounts, next) =
            parse_accounts_page(br#"{"nextToken":null,"accountList":[]}"#).unwrap();
        assert!(accounts.is_empty());
        assert_eq!(next, None);
        assert!(parse_accounts_page(br#"{"accountList":[{"accountName":"x"}]}"#).is_none());
        assert!(parse_accounts_page(b"not json").is_none());
    }

    #[test]
    fn roles_pages_read_with_their_next_token() {
        let body = br#"{"nextToken":"","roleList":[{"roleName":"Admin","accountId":"1"},{"roleName":"Read","accountId":"1"}]}"#;
        let (roles, next) = parse_roles_page(body).unwrap();
        assert_eq!(roles, ["Admin", "Read"]);
        assert_eq!(next, None, "an empty nextToken ends the paging");
    }
}
