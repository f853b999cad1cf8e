//! `exportToken(options)`: the bearer token of the active profile's `sso_session`, as
//! `credchain export-token` prints it, through the core's token chain
//! ([`resolve_token`]): the token cache read through the host's `readFile`, refreshed through
//! SSO-OIDC (the host's `fetch`) when fewer than 15 minutes remain, the refreshed file written
//! back through `writeFile`.
//!
//! Resolves to `{ token, expiration }`: the access token (a secret, as `resolveCredentials`'s
//! keys are: it is in the result and nowhere else, never in an error or a message) and its
//! expiry as a `Date`.

use credchain_core::chain::providers::sso::SsoError;
use credchain_core::chain::token::resolve_token;
use credchain_core::services::sso_oidc::Token;
use wasm_bindgen::prelude::*;

use crate::errors::{endpoint_error, error, sso_error};
use crate::objects::{date, Obj};
use crate::request::Request;
use crate::{check_clock, with_evaluator};

/// `exportToken(options)`: the active profile's IAM Identity Center bearer token, `{ token,
/// expiration }`.
#[wasm_bindgen(js_name = exportToken)]
pub async fn export_token(options: JsValue) -> Result<JsValue, JsValue> {
    with_evaluator(&options, async |req, eval| {
        let result = resolve_token(eval, &req.fs, &req.http, &req.clock, req.platform).await;
        check_clock(req)?;
        match result {
            Ok(token) => Ok(token_object(&token)),
            Err(e) => Err(token_error(&e, req)),
        }
    })
    .await
}

/// `{ token, expiration }`.
fn token_object(token: &Token) -> JsValue {
    Obj::new()
        .set("token", token.access_token())
        .set("expiration", date(token.expires_at()))
        .into()
}

/// Why there is no token. A profile or session that cannot have one is named by the code of
/// the plan's error for the same configuration (`SsoSessionNotFound`, `SsoIncomplete`,
/// `MultiLineValue`), or `NoSsoSession` when the profile has no `sso_session`; an SSO-OIDC
/// endpoint that cannot be resolved has the endpoint's codes; the rest (no token, an expired
/// one, a failed refresh) are the credential chain's IAM Identity Center errors.
fn token_error(e: &SsoError<'_>, req: &Request) -> JsValue {
    let (code, fields) = match e {
        SsoError::NoSession { profile } => ("NoSsoSession", Obj::new().set("profile", *profile)),
        SsoError::SessionMultiLine { profile, source } => (
            "MultiLineValue",
            Obj::new()
                .set("profile", *profile)
                .set("key", "sso_session")
                .set_source(*source),
        ),
        SsoError::SessionNotFound { profile, session } => (
            "SsoSessionNotFound",
            Obj::new()
                .set("profile", *profile)
                .set_with_source("session", *session),
        ),
        SsoError::SessionIncomplete {
            profile,
            session,
            missing,
        } => (
            "SsoIncomplete",
            Obj::new()
                .set("profile", *profile)
                .set("session", *session)
                .set("missing", *missing),
        ),
        SsoError::Endpoint(endpoint) => return endpoint_error(endpoint),
        _ => return sso_error(e, e, req),
    };
    error(code, e, fields, false)
}
