//! The core's refresh policy for the package's long-lived resolvers (`createCredentialsResolver`,
//! `createTokenResolver` in common.js): `freshness(expiration, now, kind)` and
//! `refreshWindowSeconds(kind)`, so that JavaScript asks the core when to refresh instead of
//! repeating its arithmetic.
//!
//! | kind          | refreshed                         | the core's decision                         |
//! |---------------|-----------------------------------|---------------------------------------------|
//! | `credentials` | 5 minutes or less before expiry   | [`refresh::freshness`]                      |
//! | `token`       | fewer than 15 minutes before it   | [`sso_token::wants_refresh`], as botocore's token provider |
//!
//! Both are `expired` from the expiry on.

use credchain_core::caches::sso_token;
use credchain_core::chain::refresh::{self, Freshness};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::errors::invalid_argument;

/// What a held value is refreshed by.
#[derive(Clone, Copy)]
enum Kind {
    /// AWS credentials: the window of the C library's and `credchain serve`'s resolvers.
    Credentials,
    /// An IAM Identity Center bearer token: the window the token cache is refreshed in.
    Token,
}

impl Kind {
    fn from_js(kind: &JsValue) -> Result<Kind, JsValue> {
        if kind.is_undefined() || kind.is_null() {
            return Ok(Kind::Credentials);
        }
        match kind.as_string().as_deref() {
            Some("credentials") => Ok(Kind::Credentials),
            Some("token") => Ok(Kind::Token),
            _ => Err(invalid_argument(
                "kind",
                "kind must be \"credentials\" or \"token\"",
            )),
        }
    }

    fn window_secs(self) -> i64 {
        match self {
            Kind::Credentials => refresh::REFRESH_WINDOW_SECS,
            Kind::Token => sso_token::REFRESH_WINDOW_SECS,
        }
    }

    fn freshness(self, expiration: Option<i64>, now: i64) -> Freshness {
        let standing = refresh::freshness(expiration, now);
        match (self, expiration) {
            (Kind::Credentials, _) | (Kind::Token, None) => standing,
            // Expired is the same instant for both; inside that, the token cache's own window.
            (Kind::Token, Some(_)) if standing == Freshness::Expired => standing,
            (Kind::Token, Some(at)) if sso_token::wants_refresh(at, now) => Freshness::Refresh,
            (Kind::Token, Some(_)) => Freshness::Fresh,
        }
    }
}

/// `freshness(expiration, now, kind?)`: `"fresh"` (serve the held value), `"refresh"` (fetch a
/// new one; the held one may still be served meanwhile) or `"expired"` (fetch; the held one
/// must not be served). `expiration` is a `Date`, Unix seconds, or `null`/`undefined` for none
/// (never refreshed); `now` is a `Date` or Unix seconds.
#[wasm_bindgen]
pub fn freshness(expiration: JsValue, now: JsValue, kind: JsValue) -> Result<JsValue, JsValue> {
    let kind = Kind::from_js(&kind)?;
    let expiration = if expiration.is_undefined() || expiration.is_null() {
        None
    } else {
        Some(seconds_of(&expiration, "expiration")?)
    };
    let now = seconds_of(&now, "now")?;
    let name = match kind.freshness(expiration, now) {
        Freshness::Fresh => "fresh",
        Freshness::Refresh => "refresh",
        Freshness::Expired => "expired",
    };
    Ok(name.into())
}

/// `refreshWindowSeconds(kind?)`: how long before its expiry a held value is refreshed (300 for
/// credentials, 900 for a token).
#[wasm_bindgen(js_name = refreshWindowSeconds)]
pub fn refresh_window_seconds(kind: JsValue) -> Result<f64, JsValue> {
    Ok(Kind::from_js(&kind)?.window_secs() as f64)
}

/// `value`, a `Date` or a number of Unix seconds, as whole Unix seconds.
fn seconds_of(value: &JsValue, argument: &str) -> Result<i64, JsValue> {
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        return seconds(date.get_time() / 1000.0, argument);
    }
    match value.as_f64() {
        Some(n) => seconds(n, argument),
        None => Err(not_a_time(argument)),
    }
}

/// `n` seconds, rounded down (a time a fraction of a second before the window is still before
/// it); not a number, or not a finite one, is refused.
fn seconds(n: f64, argument: &str) -> Result<i64, JsValue> {
    if n.is_finite() {
        // `as` saturates at the ends of i64, where the core's comparisons saturate too.
        Ok(n.floor() as i64)
    } else {
        Err(not_a_time(argument))
    }
}

fn not_a_time(argument: &str) -> JsValue {
    invalid_argument(
        argument,
        &format!("{argument} must be a Date or a number of Unix seconds"),
    )
}
