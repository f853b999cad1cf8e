//! The IAM Identity Center token cache the AWS CLI shares (`~/.aws/sso/cache`), and the SSO-OIDC
//! refresh of an `sso_session`'s token, as botocore does them (`SSOTokenLoader` in
//! botocore/utils.py, `SSOTokenProvider` in botocore/tokens.py).
//!
//! # The file
//! `~/.aws/sso/cache/<SHA-1 hex of the name>.json`, where the name is the `[sso-session NAME]`
//! when the profile has `sso_session`, else the start URL (the legacy form). For
//! `sso_session = dev`: `34c6fceca75e456f25e7e99531e2425c6c1de443.json`. `aws sso login` writes
//! it:
//!
//! ```text
//! {"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1",
//!  "accessToken": "...", "expiresAt": "2026-11-26T18:00:00Z",
//!  "clientId": "...", "clientSecret": "...", "registrationExpiresAt": "2027-02-24T10:00:00Z",
//!  "refreshToken": "..."}
//! ```
//!
//! `accessToken` and `expiresAt` are required; the legacy form has only those (and `startUrl`).
//!
//! # Refresh (sso_session only)
//! When fewer than [`REFRESH_WINDOW_SECS`] (15 minutes) remain, and the file has `refreshToken`,
//! `clientId`, `clientSecret` and a `registrationExpiresAt` still in the future, botocore calls
//! SSO-OIDC CreateToken (`POST {oidc}/token`, grant `refresh_token`) and writes the file anew with
//! exactly the fields above, in that order, `expiresAt` as `now + expiresIn` in
//! `%Y-%m-%dT%H:%M:%SZ` (fields botocore does not know are dropped, as it drops them; a
//! `refreshToken` the answer lacks is dropped too). When the service answers with an error, the
//! cached token is used while it lasts; any other failure (no answer, an unusable answer) is the
//! provider's error, as in botocore. A legacy token is never refreshed.

use core::fmt;

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::caches::assume_role::{key_file_path, CacheKey, CachePathError};
use crate::config::locate::{PathBuf, Platform};
use crate::credentials::parse_time;
use crate::io::Env;
use crate::json::write_python_str;
use crate::json::{unescape, StringError};
use crate::services::sso_oidc::{
    Client, Refreshed, Registration, Token, MAX_ACCESS_TOKEN_LEN, MAX_TOKEN_TIME_LEN,
};

/// The token cache directory under the home directory: `~/.aws/sso/cache`.
pub const SSO_CACHE_DIR: [&str; 3] = [".aws", "sso", "cache"];
/// A token is refreshed when fewer seconds than this remain (botocore's `_REFRESH_WINDOW`).
pub const REFRESH_WINDOW_SECS: i64 = 15 * 60;
/// The longest token file written back, in bytes.
pub const MAX_TOKEN_FILE_LEN: usize = 32 * 1024;
/// What makes a token file unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Not a JSON object with the strings `accessToken` and `expiresAt`.
    NotJson,
    /// A string has a bad escape.
    BadEscape,
    /// `expiresAt` is not a time.
    BadExpiresAt,
    /// A value is longer than credchain keeps: the field and the limit's name.
    TooLong(&'static str, &'static str),
}

impl fmt::Display for TokenProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenProblem::NotJson => {
                f.write_str("is not JSON with the strings accessToken and expiresAt")
            }
            TokenProblem::BadEscape => f.write_str("has a string with a bad escape"),
            TokenProblem::BadExpiresAt => {
                f.write_str("has an expiresAt that is not a time such as 2030-01-02T03:04:05Z")
            }
            TokenProblem::TooLong(field, limit) => {
                write!(f, "has a {field} longer than {limit}")
            }
        }
    }
}

/// A token file as read.
#[derive(Clone, PartialEq, Eq)]
pub struct CachedToken {
    /// The token and its expiry.
    pub token: Token,
    /// Why it cannot be refreshed (botocore's reasons), or what to refresh it with.
    pub registration: Result<Registration, NoRefresh>,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("token", &self.token)
            .field("refreshable", &self.registration.is_ok())
            .finish()
    }
}

/// Why a token is not refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRefresh {
    /// The profile uses the legacy form (no `sso_session`): botocore never refreshes it.
    Legacy,
    /// The file lacks `refreshToken`, `clientId`, `clientSecret` or `registrationExpiresAt`.
    MissingKeys,
    /// The client registration has expired (or its time cannot be read).
    RegistrationExpired,
}

impl fmt::Display for NoRefresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoRefresh::Legacy => {
                "a token of the legacy form (sso_start_url in the profile, no sso_session) is never refreshed"
            }
            NoRefresh::MissingKeys => {
                "it cannot be refreshed: the file lacks refreshToken, clientId, clientSecret or registrationExpiresAt"
            }
            NoRefresh::RegistrationExpired => {
                "it cannot be refreshed: the client registration (registrationExpiresAt) has expired"
            }
        })
    }
}

/// The cache file's name for `name` (the session name, or the start URL in the legacy form):
/// the SHA-1 hex of its UTF-8 bytes.
#[must_use]
pub fn token_cache_key(name: &str) -> CacheKey {
    CacheKey::of_json(|w| w.write_str(name))
}

/// The path of the token file for `name`: `~/.aws/sso/cache/<key>.json`, the home directory as
/// the AWS CLI finds it.
///
/// # Errors
/// [`CachePathError`].
pub fn token_path(
    env: &(impl Env + ?Sized),
    platform: Platform,
    name: &str,
) -> Result<PathBuf, CachePathError> {
    key_file_path(env, platform, SSO_CACHE_DIR, &token_cache_key(name))
}

/// A time of a token file: RFC 3339, or botocore's own `strftime('%Y-%m-%dT%H:%M:%S%Z')` form
/// (`...UTC`) that older AWS CLI versions wrote on refresh (dateutil reads both).
#[must_use]
pub fn parse_token_time(text: &str) -> Option<i64> {
    parse_time(text)
}

/// `expiresAt`'s format (`%Y-%m-%dT%H:%M:%SZ`), kept here for callers of this module.
pub use crate::credentials::write_utc_z;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenJson<'a> {
    #[serde(borrow)]
    access_token: EscapedStr<'a>,
    #[serde(borrow)]
    expires_at: EscapedStr<'a>,
    #[serde(borrow, default)]
    refresh_token: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    client_id: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    client_secret: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    registration_expires_at: Option<EscapedStr<'a>>,
}

impl From<StringError> for TokenProblem {
    fn from(e: StringError) -> Self {
        match e {
            StringError::BadEscape => TokenProblem::BadEscape,
            StringError::TooLong(t) => TokenProblem::TooLong(t.field, t.limit),
        }
    }
}

/// Reads a token file's contents. `legacy` says whether the profile uses the legacy form
/// (then the token is never refreshed); `now` judges the registration's expiry.
///
/// # Errors
/// [`TokenProblem`].
pub fn parse_token(contents: &[u8], legacy: bool, now: i64) -> Result<CachedToken, TokenProblem> {
    let (json, _) = serde_json_core::from_slice::<TokenJson<'_>>(contents)
        .map_err(|_| TokenProblem::NotJson)?;
    let access_token =
        unescape::<MAX_ACCESS_TOKEN_LEN>(json.access_token, "accessToken", "MAX_ACCESS_TOKEN_LEN")?;
    let expires_text =
        unescape::<MAX_TOKEN_TIME_LEN>(json.expires_at, "expiresAt", "MAX_TOKEN_TIME_LEN")
            .map_err(|_| TokenProblem::BadExpiresAt)?;
    let expires_at = parse_token_time(&expires_text).ok_or(TokenProblem::BadExpiresAt)?;
    let registration = if legacy {
        Err(NoRefresh::Legacy)
    } else {
        match (
            json.refresh_token,
            json.client_id,
            json.client_secret,
            json.registration_expires_at,
        ) {
            (Some(refresh), Some(id), Some(secret), Some(expiry)) => {
                let expires_at_text = unescape::<MAX_TOKEN_TIME_LEN>(
                    expiry,
                    "registrationExpiresAt",
                    "MAX_TOKEN_TIME_LEN",
                )?;
                let registration_expiry = parse_token_time(&expires_at_text);
                let registration = Registration {
                    client_id: unescape(id, "clientId", "MAX_CLIENT_ID_LEN")?,
                    client_secret: unescape(secret, "clientSecret", "MAX_CLIENT_SECRET_LEN")?,
                    refresh_token: unescape(refresh, "refreshToken", "MAX_REFRESH_TOKEN_LEN")?,
                    expires_at_text,
                    expires_at: registration_expiry,
                };
                match registration_expiry {
                    Some(t) if t > now => Ok(registration),
                    _ => Err(NoRefresh::RegistrationExpired),
                }
            }
            _ => Err(NoRefresh::MissingKeys),
        }
    };
    Ok(CachedToken {
        token: Token {
            access_token,
            expires_at,
        },
        registration,
    })
}

/// Whether botocore would try to refresh a token expiring at `expires_at` at `now`.
#[must_use]
pub fn wants_refresh(expires_at: i64, now: i64) -> bool {
    expires_at.saturating_sub(now) < REFRESH_WINDOW_SECS
}

/// How a token file's `registrationExpiresAt` is written.
enum RegistrationExpiry<'a> {
    /// The text read from the file, written back as it was.
    Text(&'a str),
    /// A time, as `%Y-%m-%dT%H:%M:%SZ`.
    Time(i64),
}

/// The client members of a token file: from the registration a refresh used (its
/// `registrationExpiresAt` written back as read), or from the client `sso login` registered.
pub struct TokenClient<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    expires_at: RegistrationExpiry<'a>,
}

impl<'a> From<&'a Registration> for TokenClient<'a> {
    fn from(registration: &'a Registration) -> Self {
        TokenClient {
            client_id: &registration.client_id,
            client_secret: &registration.client_secret,
            expires_at: RegistrationExpiry::Text(&registration.expires_at_text),
        }
    }
}

impl<'a> From<&'a Client> for TokenClient<'a> {
    fn from(client: &'a Client) -> Self {
        TokenClient {
            client_id: client.client_id(),
            client_secret: client.client_secret(),
            expires_at: RegistrationExpiry::Time(client.expires_at()),
        }
    }
}

/// Writes the token file, after a refresh (botocore) and after `sso login` (the AWS CLI) alike:
/// `startUrl`, `region`, `accessToken`, `expiresAt`, `clientId`, `clientSecret`,
/// `registrationExpiresAt`, then `refreshToken` when the answer had one, as Python's
/// `json.dumps` writes them.
///
/// # Errors
/// `fmt::Error` from `out` (the file is longer than it takes).
pub fn write_token_file<'a>(
    out: &mut impl fmt::Write,
    start_url: &str,
    region: &str,
    refreshed: &Refreshed,
    client: impl Into<TokenClient<'a>>,
) -> fmt::Result {
    let client = client.into();
    out.write_str("{\"startUrl\": ")?;
    write_python_str(out, start_url)?;
    out.write_str(", \"region\": ")?;
    write_python_str(out, region)?;
    out.write_str(", \"accessToken\": ")?;
    write_python_str(out, &refreshed.token.access_token)?;
    out.write_str(", \"expiresAt\": \"")?;
    write_utc_z(out, refreshed.token.expires_at)?;
    out.write_str("\", \"clientId\": ")?;
    write_python_str(out, client.client_id)?;
    out.write_str(", \"clientSecret\": ")?;
    write_python_str(out, client.client_secret)?;
    out.write_str(", \"registrationExpiresAt\": ")?;
    match client.expires_at {
        RegistrationExpiry::Text(text) => write_python_str(out, text)?,
        RegistrationExpiry::Time(at) => {
            out.write_char('"')?;
            write_utc_z(out, at)?;
            out.write_char('"')?;
        }
    }
    if let Some(refresh) = &refreshed.refresh_token {
        out.write_str(", \"refreshToken\": ")?;
        write_python_str(out, refresh)?;
    }
    out.write_char('}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    fn file_names_are_the_sha1_of_the_session_or_the_start_url() {
        // From ../shared/conformance/cases (sso_credentials, sso_assume_role, profile_name).
        assert_eq!(
            token_cache_key("dev").as_str(),
            "34c6fceca75e456f25e7e99531e2425c6c1de443"
        );
        assert_eq!(
            token_cache_key("https://ssotest.awsapps.com/start").as_str(),
            "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12"
        );
        assert_eq!(
            token_cache_key("correct-sso").as_str(),
            "29faa2f70ab0f58f60e284d585d95865572f5cbd"
        );
        let env: &[(&str, &str)] = &[("HOME", "/home/u")];
        assert_eq!(
            token_path(env, Platform::Unix, "dev").unwrap(),
            "/home/u/.aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json"
        );
    }

    const FULL: &str = r#"{"accessToken": "at", "expiresAt": "2099-01-01T00:00:00Z", "refreshToken": "rt", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2099-06-01T00:00:00Z", "region": "us-east-1", "startUrl": "https://x/start"}"#;

    #[test]
    fn parse_and_refresh_decisions() {
        let now = parse_time("2098-12-31T23:50:00Z").unwrap();
        let t = parse_token(FULL.as_bytes(), false, now).unwrap();
        assert_eq!(t.token.access_token(), "at");
        assert!(t.registration.is_ok());
        assert!(wants_refresh(t.token.expires_at(), now));
        let e = t.token.expires_at();
        assert!(!wants_refresh(e, e - REFRESH_WINDOW_SECS));
        assert!(wants_refresh(e, e - REFRESH_WINDOW_SECS + 1));
        let legacy = parse_token(FULL.as_bytes(), true, now).unwrap();
        assert_eq!(legacy.registration, Err(NoRefresh::Legacy));
        let later = parse_time("2099-07-01T00:00:00Z").unwrap();
        assert_eq!(
            parse_token(FULL.as_bytes(), false, later)
                .unwrap()
                .registration,
            Err(NoRefresh::RegistrationExpired)
        );
        let bare = r#"{"accessToken": "a", "expiresAt": "2080-10-16T03:56:45Z", "startUrl": "u"}"#;
        assert_eq!(
            parse_token(bare.as_bytes(), false, now)
                .unwrap()
                .registration,
            Err(NoRefresh::MissingKeys)
        );
        // botocore's own refresh wrote `...UTC` for a while; dateutil reads it.
        let utc = r#"{"accessToken": "a", "expiresAt": "2080-10-16T03:56:45UTC"}"#;
        assert_eq!(
            parse_token(utc.as_bytes(), true, now)
                .unwrap()
                .token
                .expires_at(),
            parse_time("2080-10-16T03:56:45Z").unwrap()
        );
        for bad in [
            "",
            "{}",
            "[]",
            r#"{"accessToken": "a"}"#,
            r#"{"expiresAt": "2080-10-16T03:56:45Z"}"#,
            r#"{"accessToken": 1, "expiresAt": "2080-10-16T03:56:45Z"}"#,
        ] {
            assert_eq!(
                parse_token(bad.as_bytes(), false, now).unwrap_err(),
                TokenProblem::NotJson,
                "{bad}"
            );
        }
        assert_eq!(
            parse_token(br#"{"accessToken": "a", "expiresAt": "soon"}"#, false, now).unwrap_err(),
            TokenProblem::BadExpiresAt
        );
        for end in 0..FULL.len() {
            assert!(parse_token(&FULL.as_bytes()[..end], false, now).is_err());
        }
        let d = std::format!("{t:?}");
        assert!(
            !d.contains("\"at\"") && !d.contains("rt") && !d.contains("cs"),
            "{d}"
        );
    }

    #[test]
    fn the_refreshed_file_is_the_one_botocore_writes() {
        let now = parse_time("2098-12-31T23:50:00Z").unwrap();
        let t = parse_token(FULL.as_bytes(), false, now).unwrap();
        let registration = t.registration.unwrap();
        let refreshed = Refreshed {
            token: Token {
                access_token: heapless::String::try_from("new\u{e9}").unwrap(),
                expires_at: now + 3600,
            },
            refresh_token: Some(heapless::String::try_from("rt2").unwrap()),
        };
        let mut s = String::new();
        write_token_file(
            &mut s,
            "https://x/start",
            "us-east-1",
            &refreshed,
            &registration,
        )
        .unwrap();
        assert_eq!(
            s,
            r#"{"startUrl": "https://x/start", "region": "us-east-1", "accessToken": "new\u00e9", "expiresAt": "2099-01-01T00:50:00Z", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2099-06-01T00:00:00Z", "refreshToken": "rt2"}"#
        );
        let back = parse_token(s.as_bytes(), false, now).unwrap();
        assert_eq!(back.token.access_token(), "new\u{e9}");
        assert_eq!(back.token.expires_at(), now + 3600);
    }
}
