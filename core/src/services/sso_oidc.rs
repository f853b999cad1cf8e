//! SSO-OIDC, the IAM Identity Center's OAuth service: the bearer token it issues ([`Token`]),
//! the client registration a token is refreshed with ([`Registration`]), and CreateToken with a
//! refresh token ([`create_token`]), as botocore's `SSOTokenProvider` calls it. The token cache
//! that keeps these between runs is [`crate::caches::sso_token`].

use core::fmt::{self, Write as _};

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::credentials::ProviderKind;
use crate::io::{Clock, Http, HttpRequest};
use crate::json::unescape;
use crate::json::write_python_str;
use crate::services::endpoint::Endpoint;
use crate::services::exchange::{self, ServiceFailure, ServiceFailureKind};
use crate::services::retry::RetryConfig;

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
/// The longest CreateToken request body.
pub const MAX_CREATE_TOKEN_BODY_LEN: usize = 20 * 1024;
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

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("client_id", &self.client_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What CreateToken gave.
#[derive(Clone, PartialEq, Eq)]
pub struct Refreshed {
    pub(crate) token: Token,
    pub(crate) refresh_token: Option<heapless::String<MAX_REFRESH_TOKEN_LEN>>,
}

impl fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refreshed")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

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

/// Calls SSO-OIDC CreateToken with the registration's refresh token, retried as `retry` says.
/// `now` dates the new token's expiry.
///
/// # Errors
/// A [`ServiceFailure`] of provider SSO naming the endpoint.
pub async fn create_token<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    endpoint: &Endpoint<'_>,
    registration: &Registration,
    now: i64,
) -> Result<Refreshed, ServiceFailure> {
    let fail_at = |url: &str, kind| ServiceFailure::new(ProviderKind::Sso, CREATE_TOKEN, url, kind);
    let url = exchange::join_url(endpoint.url(), format_args!("/token")).map_err(|_| {
        fail_at(
            endpoint.url(),
            ServiceFailureKind::Http {
                kind: crate::io::HttpErrorKind::InvalidUrl,
                timeout_ms: OIDC_TIMEOUT_MS,
                max_body_bytes: MAX_OIDC_RESPONSE_BYTES,
            },
        )
    })?;
    let mut body = heapless::String::<MAX_CREATE_TOKEN_BODY_LEN>::new();
    // The members in the order of the CreateToken shape, as botocore's serializer writes them.
    let written = (|| -> fmt::Result {
        body.write_str("{\"clientId\": ")?;
        write_python_str(&mut body, &registration.client_id)?;
        body.write_str(", \"clientSecret\": ")?;
        write_python_str(&mut body, &registration.client_secret)?;
        body.write_str(", \"grantType\": \"refresh_token\", \"refreshToken\": ")?;
        write_python_str(&mut body, &registration.refresh_token)?;
        body.write_char('}')
    })();
    if written.is_err() {
        // The three values fit their limits, and the limits fit the body: unreachable, but
        // reported as a failure rather than a panic.
        return Err(fail_at(
            &url,
            ServiceFailureKind::Http {
                kind: crate::io::HttpErrorKind::Other,
                timeout_ms: OIDC_TIMEOUT_MS,
                max_body_bytes: MAX_OIDC_RESPONSE_BYTES,
            },
        ));
    }
    let headers = [("content-type", "application/json")];
    let request = HttpRequest {
        method: "POST",
        url: &url,
        headers: &headers,
        body: body.as_bytes(),
        timeout_ms: OIDC_TIMEOUT_MS,
        max_body_bytes: MAX_OIDC_RESPONSE_BYTES,
    };
    let response = exchange::send_retrying(
        http,
        clock,
        retry,
        ProviderKind::Sso,
        CREATE_TOKEN,
        &request,
    )
    .await?;
    let status = response.status;
    let bad = || {
        exchange::bad_json_failure(
            ProviderKind::Sso,
            CREATE_TOKEN,
            &url,
            status,
            response.content_type.as_deref(),
            CREATE_TOKEN_EXPECTED,
        )
    };
    parse_create_token(response.body.as_ref(), now).ok_or_else(bad)
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
