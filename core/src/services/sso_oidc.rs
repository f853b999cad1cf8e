//! SSO-OIDC, the IAM Identity Center's OAuth service: the bearer token it issues ([`Token`]),
//! the client registration a token is refreshed with ([`Registration`]), and CreateToken with a
//! refresh token ([`create_token`]), as botocore's `SSOTokenProvider` calls it. The token cache
//! that keeps these between runs is [`crate::caches::sso_token`].

use core::fmt::{self, Write as _};

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::credentials::redact::redacted_debug;
use crate::credentials::ProviderKind;
use crate::io::{Clock, Http, HttpRequest};
use crate::json::unescape;
use crate::json::{write_later_members, write_python_str};
use crate::services::exchange::{self, ServiceFailure, ServiceFailureKind, ServiceTarget};

/// The longest access token kept.
pub const MAX_ACCESS_TOKEN_LEN: usize = 8 * 1024;
/// The longest refresh token kept.
pub const MAX_REFRESH_TOKEN_LEN: usize = 8 * 1024;
/// The longest OIDC client id kept.
pub const MAX_CLIENT_ID_LEN: usize = 1024;
/// The longest OIDC client secret kept.
pub const MAX_CLIENT_SECRET_LEN: usize = 8 * 1024;
/// The longest time text (`expiresAt`, `registrationExpiresAt`) kept.
pub const MAX_TOKEN_TIME_LEN: usize = 64;
/// How long CreateToken may take, in milliseconds.
pub const OIDC_TIMEOUT_MS: u32 = 10_000;
/// The largest CreateToken answer read.
pub const MAX_OIDC_RESPONSE_BYTES: usize = 64 * 1024;
/// A bearer token: the access token and its expiry. Debug never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub(crate) access_token: heapless::String<MAX_ACCESS_TOKEN_LEN>,
    pub(crate) expires_at: i64,
}

impl Token {
    /// The access token (a secret: print it only where it is meant to go).
    #[must_use]
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// When it expires, in Unix seconds.
    #[must_use]
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The OIDC client registration and refresh token of an `sso_session` token file.
#[derive(Clone, PartialEq, Eq)]
pub struct Registration {
    pub(crate) client_id: heapless::String<MAX_CLIENT_ID_LEN>,
    pub(crate) client_secret: heapless::String<MAX_CLIENT_SECRET_LEN>,
    pub(crate) refresh_token: heapless::String<MAX_REFRESH_TOKEN_LEN>,
    /// The text, written back as it was read.
    pub(crate) expires_at_text: heapless::String<MAX_TOKEN_TIME_LEN>,
    pub(crate) expires_at: Option<i64>,
}

impl Registration {
    /// When the registration expires, in Unix seconds, when its time can be read.
    #[must_use]
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }
}

redacted_debug!(Registration {
    client_id,
    expires_at
});

/// What CreateToken gave.
#[derive(Clone, PartialEq, Eq)]
pub struct Refreshed {
    pub(crate) token: Token,
    pub(crate) refresh_token: Option<heapless::String<MAX_REFRESH_TOKEN_LEN>>,
}

redacted_debug!(Refreshed { token });

impl Refreshed {
    /// The new token.
    #[must_use]
    pub fn token(&self) -> &Token {
        &self.token
    }
}

#[derive(Deserialize)]
struct CreateTokenJson<'a> {
    #[serde(rename = "accessToken", borrow)]
    access_token: EscapedStr<'a>,
    #[serde(rename = "expiresIn")]
    expires_in: i64,
    #[serde(rename = "refreshToken", borrow, default)]
    refresh_token: Option<EscapedStr<'a>>,
}

const CREATE_TOKEN: &str = "CreateToken (refreshing the token)";
const CREATE_TOKEN_EXPECTED: &str =
    "JSON with accessToken (a string) and expiresIn (whole seconds)";

/// Calls SSO-OIDC CreateToken with the registration's refresh token at `to`, with its retries.
/// `now` dates the new token's expiry.
///
/// # Errors
/// A [`ServiceFailure`] of provider SSO naming the endpoint.
pub async fn create_token<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    registration: &Registration,
    now: i64,
) -> Result<Refreshed, ServiceFailure> {
    // The members in the order of the CreateToken shape, as botocore's serializer writes them.
    let write_body = |body: &mut heapless::String<MAX_SIGN_IN_BODY_LEN>| {
        body.write_str("{\"clientId\": ")?;
        write_python_str(body, &registration.client_id)?;
        body.write_str(", \"clientSecret\": ")?;
        write_python_str(body, &registration.client_secret)?;
        body.write_str(", \"grantType\": \"refresh_token\", \"refreshToken\": ")?;
        write_python_str(body, &registration.refresh_token)?;
        body.write_char('}')
    };
    post_json(to, &REFRESH_CALL, write_body, |body| {
        parse_create_token(body, now)
    })
    .await
}

/// CREATE_TOKEN's call.
const REFRESH_CALL: SignInCall = SignInCall {
    path: "/token",
    operation: CREATE_TOKEN,
    expected: CREATE_TOKEN_EXPECTED,
};

/// The longest `expiresIn` taken from CreateToken (a year; real tokens last hours), so that
/// the expiry written back is always a time.
pub const MAX_EXPIRES_IN_SECS: i64 = 366 * 24 * 3600;

/// Reads a CreateToken answer (`{"accessToken", "expiresIn", "refreshToken"?}`); `None` when it
/// is not one credchain can use (not JSON, a field missing or of the wrong type, an empty
/// token, a value over its limit, `expiresIn` negative or over [`MAX_EXPIRES_IN_SECS`]).
#[must_use]
pub fn parse_create_token(body: &[u8], now: i64) -> Option<Refreshed> {
    let (json, _) = serde_json_core::from_slice::<CreateTokenJson<'_>>(body).ok()?;
    let access_token =
        unescape::<MAX_ACCESS_TOKEN_LEN>(json.access_token, "accessToken", "MAX_ACCESS_TOKEN_LEN")
            .ok()?;
    let refresh_token = json
        .refresh_token
        .map(|t| unescape::<MAX_REFRESH_TOKEN_LEN>(t, "refreshToken", "MAX_REFRESH_TOKEN_LEN"))
        .transpose()
        .ok()?;
    if access_token.is_empty() || !(0..=MAX_EXPIRES_IN_SECS).contains(&json.expires_in) {
        return None;
    }
    Some(Refreshed {
        token: Token {
            access_token,
            expires_at: now.saturating_add(json.expires_in),
        },
        refresh_token,
    })
}

// ---------------------------------------------------------------------------------------------
// Signing in: RegisterClient, StartDeviceAuthorization and CreateToken with the authorization
// code and device code grants, as `aws sso login` calls them (botocore's `SSOTokenFetcher` and
// `SSOTokenFetcherAuth`). Bodies are JSON as Python's `json.dumps` writes them, members in the
// order botocore's callers pass them.

/// The longest RegisterClient, StartDeviceAuthorization or CreateToken body.
pub const MAX_SIGN_IN_BODY_LEN: usize = 24 * 1024;
/// The longest device code, user code or verification URI kept from StartDeviceAuthorization.
pub const MAX_DEVICE_FIELD_LEN: usize = 2048;
/// The redirect URI registered for the authorization code flow (the port is added when the
/// browser is sent to it).
pub const REDIRECT_URI_WITHOUT_PORT: &str = "http://127.0.0.1/oauth/callback";
/// The scope the authorization code flow registers with when none is configured.
pub const DEFAULT_SCOPE: &str = "sso:account:access";

const REGISTER_CLIENT: &str = "RegisterClient";
const START_DEVICE_AUTHORIZATION: &str = "StartDeviceAuthorization";
const CREATE_TOKEN_SIGN_IN: &str = "CreateToken";

/// The authorization code flow's part of a RegisterClient request.
#[derive(Debug, Clone, Copy)]
pub struct AuthCodeRegistration<'a> {
    /// The redirect URI without its port ([`REDIRECT_URI_WITHOUT_PORT`]).
    pub redirect_uri: &'a str,
    /// The start URL as resolved (`issuerUrl`).
    pub issuer_url: &'a str,
}

/// What RegisterClient is asked for.
#[derive(Debug, Clone, Copy)]
pub struct RegisterRequest<'a> {
    /// `botocore-client-<session>`, or `botocore-client-<unix seconds>` for the legacy form.
    pub client_name: &'a str,
    /// The configured registration scopes (may be empty).
    pub scopes: &'a [&'a str],
    /// `Some` for the authorization code flow.
    pub auth_code: Option<AuthCodeRegistration<'a>>,
}

/// A registered OIDC client. Debug never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Client {
    pub(crate) client_id: heapless::String<MAX_CLIENT_ID_LEN>,
    pub(crate) client_secret: heapless::String<MAX_CLIENT_SECRET_LEN>,
    pub(crate) expires_at: i64,
}

impl Client {
    /// A client from its parts (a cached registration); `None` when a part is over its limit
    /// or empty.
    #[must_use]
    pub fn new(client_id: &str, client_secret: &str, expires_at: i64) -> Option<Client> {
        if client_id.is_empty() || client_secret.is_empty() {
            return None;
        }
        Some(Client {
            client_id: heapless::String::try_from(client_id).ok()?,
            client_secret: heapless::String::try_from(client_secret).ok()?,
            expires_at,
        })
    }

    /// The client id.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret (a secret: it goes to SSO-OIDC and the cache files only).
    #[must_use]
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// When the registration expires (`clientSecretExpiresAt`), in Unix seconds.
    #[must_use]
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

redacted_debug!(Client {
    client_id,
    expires_at
});

fn write_str_list(out: &mut impl fmt::Write, items: &[&str]) -> fmt::Result {
    out.write_char('[')?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_python_str(out, item)?;
    }
    out.write_char(']')
}

/// Writes the RegisterClient body: `{clientName, clientType, scopes?}` for the device flow (the
/// scopes only when configured), `{clientName, clientType, grantTypes, redirectUris, issuerUrl,
/// scopes}` for the authorization code flow (the scopes defaulting to [`DEFAULT_SCOPE`]).
///
/// # Errors
/// `fmt::Error` from `out`.
pub fn write_register_body(
    out: &mut impl fmt::Write,
    request: &RegisterRequest<'_>,
) -> fmt::Result {
    out.write_str("{\"clientName\": ")?;
    write_python_str(out, request.client_name)?;
    out.write_str(", \"clientType\": \"public\"")?;
    match request.auth_code {
        None => {
            if !request.scopes.is_empty() {
                out.write_str(", \"scopes\": ")?;
                write_str_list(out, request.scopes)?;
            }
        }
        Some(auth) => {
            out.write_str(
                ", \"grantTypes\": [\"authorization_code\", \"refresh_token\"], \"redirectUris\": ",
            )?;
            write_str_list(out, &[auth.redirect_uri])?;
            out.write_str(", \"issuerUrl\": ")?;
            write_python_str(out, auth.issuer_url)?;
            out.write_str(", \"scopes\": ")?;
            if request.scopes.is_empty() {
                write_str_list(out, &[DEFAULT_SCOPE])?;
            } else {
                write_str_list(out, request.scopes)?;
            }
        }
    }
    out.write_char('}')
}

#[derive(Deserialize)]
struct RegisterJson<'a> {
    #[serde(rename = "clientId", borrow)]
    client_id: EscapedStr<'a>,
    #[serde(rename = "clientSecret", borrow)]
    client_secret: EscapedStr<'a>,
    #[serde(rename = "clientSecretExpiresAt")]
    client_secret_expires_at: i64,
}

/// Reads a RegisterClient answer (`{"clientId", "clientSecret", "clientSecretExpiresAt"
/// (epoch seconds), ...}`); `None` when it is not one.
#[must_use]
pub fn parse_register_client(body: &[u8]) -> Option<Client> {
    let (json, _) = serde_json_core::from_slice::<RegisterJson<'_>>(body).ok()?;
    let client_id: heapless::String<MAX_CLIENT_ID_LEN> =
        unescape(json.client_id, "clientId", "MAX_CLIENT_ID_LEN").ok()?;
    let client_secret: heapless::String<MAX_CLIENT_SECRET_LEN> =
        unescape(json.client_secret, "clientSecret", "MAX_CLIENT_SECRET_LEN").ok()?;
    Client::new(&client_id, &client_secret, json.client_secret_expires_at)
}

/// A device authorization (StartDeviceAuthorization's answer). Debug never shows the device
/// code.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceAuthorization {
    pub(crate) device_code: heapless::String<MAX_DEVICE_FIELD_LEN>,
    /// The code the person types in.
    pub user_code: heapless::String<MAX_DEVICE_FIELD_LEN>,
    /// Where the person goes.
    pub verification_uri: heapless::String<MAX_DEVICE_FIELD_LEN>,
    /// The same with the code filled in.
    pub verification_uri_complete: heapless::String<MAX_DEVICE_FIELD_LEN>,
    /// How long the authorization lasts, in seconds (recorded; the AWS CLI never checks it).
    pub expires_in: i64,
    /// The polling interval the service asks for, in seconds.
    pub interval: Option<i64>,
}

redacted_debug!(DeviceAuthorization {
    user_code,
    verification_uri,
    expires_in,
    interval
});

#[derive(Deserialize)]
struct DeviceJson<'a> {
    #[serde(rename = "deviceCode", borrow)]
    device_code: EscapedStr<'a>,
    #[serde(rename = "userCode", borrow)]
    user_code: EscapedStr<'a>,
    #[serde(rename = "verificationUri", borrow)]
    verification_uri: EscapedStr<'a>,
    #[serde(rename = "verificationUriComplete", borrow)]
    verification_uri_complete: EscapedStr<'a>,
    #[serde(rename = "expiresIn")]
    expires_in: i64,
    #[serde(default)]
    interval: Option<i64>,
}

/// Writes the StartDeviceAuthorization body `{clientId, clientSecret, startUrl}`.
///
/// # Errors
/// `fmt::Error` from `out`.
pub fn write_device_authorization_body(
    out: &mut impl fmt::Write,
    client: &Client,
    start_url: &str,
) -> fmt::Result {
    out.write_str("{\"clientId\": ")?;
    write_python_str(out, &client.client_id)?;
    let members = [
        ("clientSecret", &*client.client_secret),
        ("startUrl", start_url),
    ];
    write_later_members(out, members, write_python_str)?;
    out.write_char('}')
}

/// Reads a StartDeviceAuthorization answer; `None` when it is not one (a field missing, empty
/// or over [`MAX_DEVICE_FIELD_LEN`], a negative interval).
#[must_use]
pub fn parse_device_authorization(body: &[u8]) -> Option<DeviceAuthorization> {
    let (json, _) = serde_json_core::from_slice::<DeviceJson<'_>>(body).ok()?;
    let field = |s| {
        unescape::<MAX_DEVICE_FIELD_LEN>(s, "", "")
            .ok()
            .filter(|v| !v.is_empty())
    };
    let authorization = DeviceAuthorization {
        device_code: field(json.device_code)?,
        user_code: field(json.user_code)?,
        verification_uri: field(json.verification_uri)?,
        verification_uri_complete: field(json.verification_uri_complete)?,
        expires_in: json.expires_in,
        interval: json.interval,
    };
    if authorization
        .interval
        .is_some_and(|i| !(0..=3600).contains(&i))
    {
        return None;
    }
    Some(authorization)
}

/// The grant a sign-in CreateToken redeems.
#[derive(Clone, Copy)]
pub enum Grant<'a> {
    /// The authorization code flow (PKCE).
    AuthorizationCode {
        /// The code the loopback callback received.
        code: &'a str,
        /// The redirect URI with its port, as the browser was sent to it.
        redirect_uri: &'a str,
        /// The PKCE code verifier.
        code_verifier: &'a str,
    },
    /// The device code flow.
    DeviceCode(&'a DeviceAuthorization),
}

impl fmt::Debug for Grant<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Grant::AuthorizationCode { .. } => "Grant::AuthorizationCode(<redacted>)",
            Grant::DeviceCode(_) => "Grant::DeviceCode(<redacted>)",
        })
    }
}

/// Writes a sign-in CreateToken body: `{grantType: "authorization_code", clientId,
/// clientSecret, redirectUri, codeVerifier, code}` or `{grantType:
/// "urn:ietf:params:oauth:grant-type:device_code", clientId, clientSecret, deviceCode}`.
///
/// # Errors
/// `fmt::Error` from `out`.
pub fn write_grant_body(
    out: &mut impl fmt::Write,
    client: &Client,
    grant: &Grant<'_>,
) -> fmt::Result {
    out.write_str("{\"grantType\": ")?;
    write_python_str(
        out,
        match grant {
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::DeviceCode(_) => "urn:ietf:params:oauth:grant-type:device_code",
        },
    )?;
    out.write_str(", \"clientId\": ")?;
    write_python_str(out, &client.client_id)?;
    out.write_str(", \"clientSecret\": ")?;
    write_python_str(out, &client.client_secret)?;
    match grant {
        Grant::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            out.write_str(", \"redirectUri\": ")?;
            write_python_str(out, redirect_uri)?;
            out.write_str(", \"codeVerifier\": ")?;
            write_python_str(out, code_verifier)?;
            out.write_str(", \"code\": ")?;
            write_python_str(out, code)?;
        }
        Grant::DeviceCode(authorization) => {
            out.write_str(", \"deviceCode\": ")?;
            write_python_str(out, &authorization.device_code)?;
        }
    }
    out.write_char('}')
}

/// How a failed sign-in CreateToken reads, by the service's error code (the exception name, or
/// the OAuth error of the body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantFailure {
    /// `AuthorizationPendingException`: the person has not approved yet; poll again.
    Pending,
    /// `SlowDownException`: poll again, 5 seconds more apart from now on.
    SlowDown,
    /// `ExpiredTokenException`: the authorization expired; sign in again.
    Expired,
    /// Anything else.
    Other,
}

/// What a failed sign-in CreateToken means for the flow.
#[must_use]
pub fn grant_failure(failure: &ServiceFailure) -> GrantFailure {
    match failure.code() {
        Some("AuthorizationPendingException" | "authorization_pending") => GrantFailure::Pending,
        Some("SlowDownException" | "slow_down") => GrantFailure::SlowDown,
        Some("ExpiredTokenException" | "expired_token") => GrantFailure::Expired,
        _ => GrantFailure::Other,
    }
}

/// One SSO-OIDC call: its path, its name in failures, and what its answer must hold.
struct SignInCall {
    path: &'static str,
    operation: &'static str,
    expected: &'static str,
}

/// REGISTER_CLIENT's call.
const REGISTER_CALL: SignInCall = SignInCall {
    path: "/client/register",
    operation: REGISTER_CLIENT,
    expected: "JSON with clientId, clientSecret and clientSecretExpiresAt",
};
/// START_DEVICE_AUTHORIZATION's call.
const DEVICE_AUTHORIZATION_CALL: SignInCall = SignInCall {
    path: "/device_authorization",
    operation: START_DEVICE_AUTHORIZATION,
    expected:
        "JSON with deviceCode, userCode, verificationUri, verificationUriComplete and expiresIn",
};
/// CREATE_TOKEN_SIGN_IN's call.
const CREATE_TOKEN_CALL: SignInCall = SignInCall {
    path: "/token",
    operation: CREATE_TOKEN_SIGN_IN,
    expected: CREATE_TOKEN_EXPECTED,
};

/// POSTs the body `write_body` writes (JSON) to `{endpoint}{path}` with the retries, for every
/// SSO-OIDC call, and reads the answer with `parse` (`None`: not the JSON `call` expects).
async fn post_json<H: Http + ?Sized, K: Clock + ?Sized, T>(
    to: &ServiceTarget<'_, H, K>,
    call: &SignInCall,
    write_body: impl FnOnce(&mut heapless::String<MAX_SIGN_IN_BODY_LEN>) -> fmt::Result,
    parse: impl FnOnce(&[u8]) -> Option<T>,
) -> Result<T, ServiceFailure> {
    let endpoint = to.endpoint;
    let (path, operation) = (call.path, call.operation);
    let fail = |url: &str, kind| {
        ServiceFailure::new(
            ProviderKind::Sso,
            operation,
            url,
            ServiceFailureKind::Http {
                kind,
                timeout_ms: OIDC_TIMEOUT_MS,
                max_body_bytes: MAX_OIDC_RESPONSE_BYTES,
            },
        )
    };
    let url = exchange::join_url(endpoint.url(), format_args!("{path}"))
        .map_err(|_| fail(endpoint.url(), crate::io::HttpErrorKind::InvalidUrl))?;
    let mut body = heapless::String::<MAX_SIGN_IN_BODY_LEN>::new();
    // Every value fits its limit and the limits fit the body; a failure is reported, not a panic.
    write_body(&mut body).map_err(|_| fail(&url, crate::io::HttpErrorKind::Other))?;
    let headers = [("content-type", "application/json")];
    let request = HttpRequest {
        method: "POST",
        url: &url,
        headers: &headers,
        body: body.as_bytes(),
        timeout_ms: OIDC_TIMEOUT_MS,
        max_body_bytes: MAX_OIDC_RESPONSE_BYTES,
    };
    let response = to.send(ProviderKind::Sso, operation, &request).await?;
    parse(response.body.as_ref()).ok_or_else(|| {
        exchange::bad_json_failure(
            ProviderKind::Sso,
            operation,
            &url,
            response.status,
            response.content_type.as_deref(),
            call.expected,
        )
    })
}

/// Calls RegisterClient (`POST {oidc}/client/register`).
///
/// # Errors
/// A [`ServiceFailure`] naming the endpoint.
pub async fn register_client<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    request: &RegisterRequest<'_>,
) -> Result<Client, ServiceFailure> {
    post_json(
        to,
        &REGISTER_CALL,
        |b| write_register_body(b, request),
        parse_register_client,
    )
    .await
}

/// Calls StartDeviceAuthorization (`POST {oidc}/device_authorization`) for `start_url` (the
/// resolved one).
///
/// # Errors
/// A [`ServiceFailure`] naming the endpoint.
pub async fn start_device_authorization<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    client: &Client,
    start_url: &str,
) -> Result<DeviceAuthorization, ServiceFailure> {
    post_json(
        to,
        &DEVICE_AUTHORIZATION_CALL,
        |b| write_device_authorization_body(b, client, start_url),
        parse_device_authorization,
    )
    .await
}

/// Calls CreateToken (`POST {oidc}/token`) redeeming `grant`; `now` dates the token's expiry.
/// [`grant_failure`] reads a failure.
///
/// # Errors
/// A [`ServiceFailure`] naming the endpoint.
pub async fn redeem<H: Http + ?Sized, K: Clock + ?Sized>(
    to: &ServiceTarget<'_, H, K>,
    client: &Client,
    grant: &Grant<'_>,
    now: i64,
) -> Result<Refreshed, ServiceFailure> {
    post_json(
        to,
        &CREATE_TOKEN_CALL,
        |b| write_grant_body(b, client, grant),
        |body| parse_create_token(body, now),
    )
    .await
}

impl Refreshed {
    /// The refresh token the answer carried, if any (a secret).
    #[must_use]
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_token_or_secret() {
        let refreshed = parse_create_token(
            br#"{"accessToken":"access-secret","expiresIn":60,"refreshToken":"refresh-secret"}"#,
            0,
        )
        .unwrap();
        let registration = Registration {
            client_id: heapless::String::try_from("cid").unwrap(),
            client_secret: heapless::String::try_from("client-secret").unwrap(),
            refresh_token: heapless::String::try_from("refresh-secret").unwrap(),
            expires_at_text: heapless::String::new(),
            expires_at: None,
        };
        let text = std::format!("{refreshed:?} {registration:?}");
        assert!(text.contains("cid"), "{text}");
        for secret in ["access-secret", "refresh-secret", "client-secret"] {
            assert!(!text.contains(secret), "{text}");
        }
    }

    #[test]
    fn create_token_answers() {
        let r = parse_create_token(
            br#"{"accessToken":"a\/b","tokenType":"Bearer","expiresIn":28800,"refreshToken":"r","idToken":"i"}"#,
            100,
        )
        .unwrap();
        assert_eq!(r.token().access_token(), "a/b");
        assert_eq!(r.token().expires_at(), 28900);
        assert_eq!(r.refresh_token.as_deref(), Some("r"));
        for bad in [
            &b""[..],
            b"null",
            b"{}",
            br#"{"accessToken":"a"}"#,
            br#"{"accessToken":"","expiresIn":1}"#,
            br#"{"accessToken":"a","expiresIn":-1}"#,
            br#"{"accessToken":"a","expiresIn":99999999999}"#,
            br#"{"accessToken":"a","expiresIn":"1"}"#,
        ] {
            assert!(parse_create_token(bad, 0).is_none(), "{bad:?}");
        }
    }
}
