//! AWS Sign-In's token endpoint, which refreshes a console login session (`aws login`):
//! CreateOAuth2Token with the session's refresh token and a DPoP proof (RFC 9449) signed with
//! the session's P-256 key. The session itself is kept in [`crate::caches::login`].

use core::fmt;

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::credentials::redact::redacted_debug;
use crate::credentials::{
    ProviderKind, MAX_ACCESS_KEY_ID_LEN, MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN,
};
use crate::io::{Clock, Http, HttpErrorKind, HttpRequest};
use crate::json::unescape;
use crate::services::exchange::{self, CredentialsJson, ServiceFailure, ServiceFailureKind};
use crate::services::retry::RetryConfig;
use crate::signing::dpop::{self, write_json_str, DpopKey};

/// How long the token refresh may take.
pub const LOGIN_TIMEOUT_MS: u32 = 30_000;
/// The largest answer read from the token endpoint (a real one is about 2 KB).
pub const MAX_LOGIN_RESPONSE_BYTES: usize = 64 * 1024;
/// The operation, as failures name it.
pub const OPERATION: &str = "CreateOAuth2Token (refresh)";
/// The token endpoint's path under the Sign-In endpoint.
pub const TOKEN_PATH: &str = "/v1/token";

/// The longest client id sent.
pub const MAX_CLIENT_ID_LEN: usize = 256;
/// The longest refresh token sent and kept.
pub const MAX_REFRESH_TOKEN_LEN: usize = 4096;

/// Writes the body of a refresh request to the token endpoint (CreateOAuth2Token, whose JSON
/// body is the `tokenInput` structure): `{"clientId": ..., "grantType": "refresh_token",
/// "refreshToken": ...}`.
pub fn write_refresh_request(
    out: &mut impl fmt::Write,
    client_id: &str,
    refresh_token: &str,
) -> fmt::Result {
    write_token_input(
        out,
        client_id,
        "refresh_token",
        &[("refreshToken", refresh_token)],
    )
}

/// Writes the body of the authorization-code exchange at the token endpoint (a console
/// login's first CreateOAuth2Token): `{"clientId": ..., "grantType": "authorization_code",
/// "code": ..., "codeVerifier": ..., "redirectUri": ...}`.
pub fn write_code_request(
    out: &mut impl fmt::Write,
    client_id: &str,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> fmt::Result {
    let members = [
        ("code", code),
        ("codeVerifier", verifier),
        ("redirectUri", redirect_uri),
    ];
    write_token_input(out, client_id, "authorization_code", &members)
}

/// CreateOAuth2Token's `tokenInput`: the client, the grant, then the grant's members in order.
fn write_token_input(
    out: &mut impl fmt::Write,
    client_id: &str,
    grant_type: &str,
    members: &[(&str, &str)],
) -> fmt::Result {
    out.write_str("{\"clientId\":")?;
    write_json_str(out, client_id)?;
    out.write_str(",\"grantType\":")?;
    write_json_str(out, grant_type)?;
    for (name, value) in members {
        write!(out, ",\"{name}\":")?;
        write_json_str(out, value)?;
    }
    out.write_char('}')
}

/// A refreshed token, as the token endpoint returns it. Debug shows no secret.
#[derive(Clone)]
pub struct Refreshed {
    /// `accessToken.accessKeyId`.
    pub access_key_id: heapless::String<MAX_ACCESS_KEY_ID_LEN>,
    /// `accessToken.secretAccessKey`.
    pub secret_access_key: heapless::String<MAX_SECRET_ACCESS_KEY_LEN>,
    /// `accessToken.sessionToken`.
    pub session_token: heapless::String<MAX_SESSION_TOKEN_LEN>,
    /// `expiresIn`, in seconds.
    pub expires_in: i64,
    /// `refreshToken`: the token to use next time.
    pub refresh_token: heapless::String<MAX_REFRESH_TOKEN_LEN>,
}

redacted_debug!(Refreshed {
    access_key_id,
    expires_in
});

/// CreateOAuth2Token's `tokenOutput`, for a refresh and a code exchange alike (a refresh reads
/// no `tokenType` or `idToken`).
#[derive(Deserialize)]
struct ResponseJson<'a> {
    #[serde(rename = "accessToken", borrow)]
    access_token: CredentialsJson<'a>,
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    #[serde(rename = "tokenType", borrow, default)]
    token_type: Option<EscapedStr<'a>>,
    #[serde(rename = "expiresIn")]
    expires_in: i64,
    #[serde(rename = "refreshToken", borrow)]
    refresh_token: EscapedStr<'a>,
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    #[serde(rename = "idToken", borrow, default)]
    id_token: Option<EscapedStr<'a>>,
}

/// What [`parse_refresh_response`] expects, in words, for error messages.
pub const REFRESH_RESPONSE_SHAPE: &str = "JSON with accessToken {accessKeyId, secretAccessKey, \
     sessionToken}, expiresIn and refreshToken";

/// Reads the token endpoint's answer to a refresh (CreateOAuth2Token's `tokenOutput`);
/// `None` when it is not that JSON (or a value is over its capacity).
#[must_use]
pub fn parse_refresh_response(body: &[u8]) -> Option<Refreshed> {
    let (r, _) = serde_json_core::from_slice::<ResponseJson<'_>>(body).ok()?;
    let (access_key_id, secret_access_key, session_token) = r.access_token.keys()?;
    let refresh_token: heapless::String<MAX_REFRESH_TOKEN_LEN> =
        unescape(r.refresh_token, "", "").ok()?;
    (!refresh_token.is_empty()).then_some(Refreshed {
        access_key_id,
        secret_access_key,
        session_token,
        expires_in: r.expires_in,
        refresh_token,
    })
}

/// One refresh through the Sign-In token endpoint at `url` (`.../v1/token`): the request with
/// its DPoP proof made at `now`, the answer checked (a 2xx, JSON, the token's shape) and read.
/// Nothing is written: the caller writes the cache back.
///
/// # Errors
/// A [`ServiceFailure`] naming the login provider, [`OPERATION`] and `url`.
#[allow(clippy::too_many_arguments)] // The call's inputs, each needed; no secret is bundled.
pub async fn refresh<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    url: &str,
    client_id: &str,
    refresh_token: &str,
    key: &DpopKey,
    now: i64,
    timeout_ms: u32,
) -> Result<Refreshed, ServiceFailure> {
    let failure = |kind| ServiceFailure::new(ProviderKind::Login, OPERATION, url, kind);
    let jti = dpop::derive_jti(key, now, refresh_token.as_bytes());
    // Room for both values escaped at worst (`\u00XX`, six bytes a byte) and the JSON around.
    let mut body =
        heapless::String::<{ (MAX_REFRESH_TOKEN_LEN + MAX_CLIENT_ID_LEN) * 6 + 64 }>::new();
    write_refresh_request(&mut body, client_id, refresh_token)
        .map_err(|_| unusable_url(OPERATION, url, timeout_ms))?;
    let call = TokenCall(OPERATION, url, &body, key, &jti, now, timeout_ms);
    let (status, response) = post_token(http, clock, retry, &call).await?;
    parse_refresh_response(response.as_ref()).ok_or_else(|| {
        failure(ServiceFailureKind::BadBody {
            status,
            expected: REFRESH_RESPONSE_SHAPE,
        })
    })
}

/// One call to the token endpoint: the operation's name (for failures), the URL, the body, the
/// DPoP proof's key, `jti` and time, and the timeout in milliseconds.
struct TokenCall<'a>(
    &'static str,
    &'a str,
    &'a str,
    &'a DpopKey,
    &'a str,
    i64,
    u32,
);

/// Only an over-long URL makes a proof or a body fail; said as the HTTP client would.
fn unusable_url(operation: &'static str, url: &str, timeout_ms: u32) -> ServiceFailure {
    ServiceFailure::new(
        ProviderKind::Login,
        operation,
        url,
        ServiceFailureKind::Http {
            kind: HttpErrorKind::InvalidUrl,
            timeout_ms,
            max_body_bytes: MAX_LOGIN_RESPONSE_BYTES,
        },
    )
}

/// POSTs `call.body` to the token endpoint with a DPoP proof and checks the answer is a JSON
/// 2xx: its status and body.
async fn post_token<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    call: &TokenCall<'_>,
) -> Result<(u16, H::Body), ServiceFailure> {
    let &TokenCall(operation, url, body, key, jti, now, timeout_ms) = call;
    let claims = dpop::Claims {
        jti,
        htm: "POST",
        htu: url,
        iat: now,
    };
    let proof = dpop::proof(key, &claims).map_err(|_| unusable_url(operation, url, timeout_ms))?;
    let headers = [
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("DPoP", proof.as_str()),
    ];
    let request = HttpRequest {
        method: "POST",
        url,
        headers: &headers,
        body: body.as_bytes(),
        timeout_ms,
        max_body_bytes: MAX_LOGIN_RESPONSE_BYTES,
    };
    // One proof for every attempt: botocore adds the DPoP header once per call (a before-call
    // handler), and each retry resends that request.
    let response =
        exchange::send_retrying(http, clock, retry, ProviderKind::Login, operation, &request)
            .await?;
    let status = response.status;
    let content_type = response.content_type.as_deref();
    if !exchange::is_json_content_type(content_type) {
        let mut ct = heapless::String::new();
        let _ = ct.push_str(content_type.unwrap_or_default());
        return Err(ServiceFailure::new(
            ProviderKind::Login,
            operation,
            url,
            ServiceFailureKind::WrongContentType {
                status,
                content_type: ct,
            },
        ));
    }
    Ok((status, response.body))
}

/// CreateOAuth2Token's answer to a code exchange, as a console login reads it.
#[cfg(feature = "alloc")]
mod token_output {
    use alloc::string::String;

    use serde::Deserialize;
    use serde_json_core::str::EscapedStr;

    use super::ResponseJson;
    use crate::credentials::redact::redacted_debug;
    use crate::json::unescape;

    /// A new session from CreateOAuth2Token's `tokenOutput`. Debug shows no secret.
    #[derive(Clone)]
    pub struct NewSession {
        /// `accessToken.accessKeyId`.
        pub access_key_id: String,
        /// `accessToken.secretAccessKey`.
        pub secret_access_key: String,
        /// `accessToken.sessionToken`.
        pub session_token: String,
        /// `tokenType`, when present.
        pub token_type: Option<String>,
        /// `expiresIn`, in seconds.
        pub expires_in: i64,
        /// `refreshToken`.
        pub refresh_token: String,
        /// `idToken` (its `sub` names the session).
        pub id_token: String,
    }

    redacted_debug!(NewSession {
        access_key_id,
        expires_in
    });

    #[derive(Deserialize)]
    struct WrappedJson<'a> {
        #[serde(rename = "tokenOutput", borrow)]
        token_output: ResponseJson<'a>,
    }

    pub(crate) fn owned_text(s: EscapedStr<'_>) -> Option<String> {
        let value: heapless::String<{ 16 * 1024 }> = unescape(s, "", "").ok()?;
        Some(String::from(value.as_str()))
    }

    /// Reads CreateOAuth2Token's answer (its `tokenOutput`, bare or wrapped in a `tokenOutput`
    /// member); `None` when it is not that shape or a value is empty or too long.
    #[must_use]
    pub fn parse_token_response(body: &[u8]) -> Option<NewSession> {
        let json = match serde_json_core::from_slice::<WrappedJson<'_>>(body) {
            Ok((wrapped, _)) => wrapped.token_output,
            Err(_) => {
                serde_json_core::from_slice::<ResponseJson<'_>>(body)
                    .ok()?
                    .0
            }
        };
        let a = &json.access_token;
        let session = NewSession {
            access_key_id: owned_text(a.access_key_id)?,
            secret_access_key: owned_text(a.secret_access_key)?,
            session_token: owned_text(a.session_token)?,
            token_type: match json.token_type {
                Some(t) => Some(owned_text(t)?),
                None => None,
            },
            expires_in: json.expires_in,
            refresh_token: owned_text(json.refresh_token)?,
            id_token: owned_text(json.id_token?)?,
        };
        let empty = session.access_key_id.is_empty()
            || session.secret_access_key.is_empty()
            || session.refresh_token.is_empty();
        (!empty).then_some(session)
    }
}

#[cfg(feature = "alloc")]
pub(crate) use token_output::owned_text;
#[cfg(feature = "alloc")]
pub use token_output::{parse_token_response, NewSession};

/// The operation of a login's code exchange, as failures name it.
pub const CODE_OPERATION: &str = "CreateOAuth2Token";

/// What [`exchange_code`] expects, in words, for error messages.
pub const CODE_RESPONSE_SHAPE: &str = "JSON with accessToken {accessKeyId, secretAccessKey, \
     sessionToken}, expiresIn, refreshToken and idToken";

/// A login's authorization code, as it is redeemed.
#[derive(Clone, Copy)]
pub struct CodeExchange<'a> {
    /// The flow's client id (same-device or cross-device).
    pub client_id: &'a str,
    /// The authorization code.
    pub code: &'a str,
    /// The PKCE verifier whose challenge the authorize URL carried.
    pub verifier: &'a str,
    /// The redirect URI the authorize URL carried.
    pub redirect_uri: &'a str,
}

redacted_debug!(CodeExchange<'_> { client_id, redirect_uri });

/// A console login's first CreateOAuth2Token at `url` (`.../v1/token`): the authorization
/// code redeemed with its PKCE verifier and a DPoP proof signed with the login's new key,
/// made at `now` with the random `jti`; the answer checked and read.
///
/// # Errors
/// A [`ServiceFailure`] naming [`CODE_OPERATION`] and `url`; a service error keeps its
/// `error` member as its code (`AUTHCODE_EXPIRED`, `INSUFFICIENT_PERMISSIONS`).
#[cfg(feature = "alloc")]
#[allow(clippy::too_many_arguments)] // The call's inputs, each needed.
pub async fn exchange_code<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    url: &str,
    exchange: &CodeExchange<'_>,
    key: &DpopKey,
    jti: &str,
    now: i64,
) -> Result<NewSession, ServiceFailure> {
    let mut body = alloc::string::String::new();
    write_code_request(
        &mut body,
        exchange.client_id,
        exchange.code,
        exchange.verifier,
        exchange.redirect_uri,
    )
    .map_err(|_| unusable_url(CODE_OPERATION, url, LOGIN_TIMEOUT_MS))?;
    let call = TokenCall(CODE_OPERATION, url, &body, key, jti, now, LOGIN_TIMEOUT_MS);
    let (status, response) = post_token(http, clock, retry, &call).await?;
    parse_token_response(response.as_ref()).ok_or_else(|| {
        ServiceFailure::bad_body(
            ProviderKind::Login,
            CODE_OPERATION,
            url,
            status,
            CODE_RESPONSE_SHAPE,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    #[cfg(feature = "alloc")]
    fn code_exchange_and_new_session_debug_show_no_secret() {
        let exchange = CodeExchange {
            client_id: "client",
            code: "code-secret",
            verifier: "verifier-secret",
            redirect_uri: "http://127.0.0.1/cb",
        };
        let text = std::format!("{exchange:?}");
        assert!(text.contains("client"), "{text}");
        assert!(!text.contains("code-secret") && !text.contains("verifier-secret"));
        let session = parse_token_response(br#"{"accessToken": {"accessKeyId": "A", "secretAccessKey": "key-secret", "sessionToken": "token-secret"}, "expiresIn": 900, "refreshToken": "refresh-secret", "idToken": "id-secret"}"#).unwrap();
        let text = std::format!("{session:?}");
        for secret in ["key-secret", "token-secret", "refresh-secret", "id-secret"] {
            assert!(!text.contains(secret), "{text}");
        }
    }

    #[test]
    fn refresh_requests_and_responses() {
        let mut body = String::new();
        write_refresh_request(&mut body, "arn:aws:signin:::devtools/same-device", "r\"1").unwrap();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"clientId": "arn:aws:signin:::devtools/same-device", "grantType": "refresh_token", "refreshToken": "r\"1"})
        );
        let r = parse_refresh_response(br#"{"accessToken": {"accessKeyId": "A", "secretAccessKey": "S", "sessionToken": "T"}, "tokenType": "aws_sigv4", "expiresIn": 900, "refreshToken": "n"}"#).unwrap();
        assert_eq!(
            (
                r.access_key_id.as_str(),
                r.expires_in,
                r.refresh_token.as_str()
            ),
            ("A", 900, "n")
        );
        assert!(!std::format!("{r:?}").contains('S'));
        assert!(parse_refresh_response(
            br#"{"accessToken": {"accessKeyId": "A"}, "expiresIn": 900}"#
        )
        .is_none());
        assert!(parse_refresh_response(b"<html>").is_none());
        assert!(parse_refresh_response(br#"{"tokenOutput": {}}"#).is_none());
    }
}
