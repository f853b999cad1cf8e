//! The OIDC client registration `aws sso login` caches beside the tokens, in
//! `~/.aws/sso/cache` (botocore's `BaseSSOTokenFetcher._registration`).
//!
//! # The file
//! `~/.aws/sso/cache/<SHA-1 hex>.json`, the SHA-1 of
//! `json.dumps({"tool": "botocore", "startUrl": <configured URL>, "region": <resolved region>,
//! "scopes": <configured list or null>, "session_name": <name or null>}, sort_keys=True)`.
//! For session `my-sso`, `https://d-123.awsapps.com/start`, `us-east-1`, no scopes:
//! `4a61d5c0d0268ea975225ec49ec41d69c98d0633.json`, holding
//!
//! ```text
//! {"clientId": "...", "clientSecret": "...", "expiresAt": "2027-02-24T10:00:00Z",
//!  "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}
//! ```
//!
//! `scopes` is written by the device flow only when scopes are configured, by the authorization
//! code flow always (the scopes it registered with); `grantTypes` only by the authorization
//! code flow. Both flows share the one key: a registration is reused while more than
//! [`REUSE_WINDOW_SECS`] remain and its `grantTypes` suit the flow, and otherwise replaced.

use core::fmt::{self, Write as _};

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::caches::assume_role::{key_file_path, CacheKey, CachePathError};
use crate::caches::sso_token::SSO_CACHE_DIR;
use crate::config::locate::{PathBuf, Platform};
use crate::credentials::{parse_time, write_utc_z};
use crate::io::Env;
use crate::json::{unescape, write_python_str};
use crate::services::sso_oidc::{Client, MAX_CLIENT_ID_LEN, MAX_CLIENT_SECRET_LEN};

/// A cached registration is reused only while more than this many seconds remain
/// (botocore's `_EXPIRY_WINDOW`).
pub const REUSE_WINDOW_SECS: i64 = 15 * 60;
/// The longest registration file written or read, in bytes.
pub const MAX_REGISTRATION_FILE_LEN: usize = 24 * 1024;

/// The registration file's key: `scopes` is `None` when `sso_registration_scopes` is not set.
#[must_use]
pub fn registration_cache_key(
    start_url: &str,
    region: &str,
    scopes: Option<&[&str]>,
    session_name: Option<&str>,
) -> CacheKey {
    // The keys in sorted order, as `sort_keys=True` writes them, with the default separators.
    CacheKey::of_json(|w| {
        let w = &mut Adapter(w);
        w.write_str("{\"region\": ")?;
        write_python_str(w, region)?;
        w.write_str(", \"scopes\": ")?;
        match scopes {
            // `sso_registration_scopes` set, even to nothing, is a list (`[]`).
            Some(scopes) => write_list(w, scopes)?,
            None => w.write_str("null")?,
        }
        w.write_str(", \"session_name\": ")?;
        match session_name {
            Some(name) => write_python_str(w, name)?,
            None => w.write_str("null")?,
        }
        w.write_str(", \"startUrl\": ")?;
        write_python_str(w, start_url)?;
        w.write_str(", \"tool\": \"botocore\"}")
    })
}

/// The registration file's path: `~/.aws/sso/cache/<key>.json`.
///
/// # Errors
/// [`CachePathError`].
pub fn registration_path(
    env: &(impl Env + ?Sized),
    platform: Platform,
    key: &CacheKey,
) -> Result<PathBuf, CachePathError> {
    key_file_path(env, platform, SSO_CACHE_DIR, key)
}

fn write_list(out: &mut (impl fmt::Write + ?Sized), items: &[&str]) -> fmt::Result {
    out.write_char('[')?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_python_str(&mut Adapter(out), item)?;
    }
    out.write_char(']')
}

/// `write_python_str` takes a sized writer.
struct Adapter<'w, W: fmt::Write + ?Sized>(&'w mut W);

impl<W: fmt::Write + ?Sized> fmt::Write for Adapter<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write_str(s)
    }
}

/// A registration file as read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CachedRegistration {
    /// The client (Debug redacts its secret).
    pub client: Client,
    /// Whether `grantTypes` holds `authorization_code` (a registration of the authorization
    /// code flow).
    pub for_auth_code: bool,
}

impl CachedRegistration {
    /// Whether `aws sso login` reuses it at `now` for the flow (`auth_code`: the authorization
    /// code flow): more than [`REUSE_WINDOW_SECS`] left and registered for that flow.
    #[must_use]
    pub fn suits(&self, auth_code: bool, now: i64) -> bool {
        self.client.expires_at().saturating_sub(now) >= REUSE_WINDOW_SECS
            && self.for_auth_code == auth_code
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegistrationJson<'a> {
    #[serde(borrow)]
    client_id: EscapedStr<'a>,
    #[serde(borrow)]
    client_secret: EscapedStr<'a>,
    #[serde(borrow)]
    expires_at: EscapedStr<'a>,
    #[serde(borrow, default)]
    grant_types: Option<heapless::Vec<EscapedStr<'a>, 8>>,
}

/// Reads a registration file; `None` when it is not one credchain can use (then it is
/// registered again and the file replaced, as botocore does with a file it cannot use).
#[must_use]
pub fn parse_registration(contents: &[u8]) -> Option<CachedRegistration> {
    let (json, _) = serde_json_core::from_slice::<RegistrationJson<'_>>(contents).ok()?;
    let id: heapless::String<MAX_CLIENT_ID_LEN> = unescape(json.client_id, "", "").ok()?;
    let secret: heapless::String<MAX_CLIENT_SECRET_LEN> =
        unescape(json.client_secret, "", "").ok()?;
    let expires: heapless::String<64> = unescape(json.expires_at, "", "").ok()?;
    let expires_at = parse_time(&expires)?;
    let for_auth_code = json
        .grant_types
        .iter()
        .flatten()
        .any(|g| g.0 == "authorization_code");
    Some(CachedRegistration {
        client: Client::new(&id, &secret, expires_at)?,
        for_auth_code,
    })
}

/// Writes the registration file as botocore does: `clientId`, `clientSecret`, `expiresAt`
/// (`%Y-%m-%dT%H:%M:%SZ`), then `scopes` when `scopes` is `Some` and `grantTypes` for the
/// authorization code flow.
///
/// # Errors
/// `fmt::Error` from `out`.
pub fn write_registration(
    out: &mut impl fmt::Write,
    client: &Client,
    scopes: Option<&[&str]>,
    auth_code: bool,
) -> fmt::Result {
    out.write_str("{\"clientId\": ")?;
    write_python_str(out, client.client_id())?;
    out.write_str(", \"clientSecret\": ")?;
    write_python_str(out, client.client_secret())?;
    out.write_str(", \"expiresAt\": \"")?;
    write_utc_z(out, client.expires_at())?;
    out.write_char('"')?;
    if let Some(scopes) = scopes {
        out.write_str(", \"scopes\": ")?;
        write_list(out, scopes)?;
    }
    if auth_code {
        out.write_str(", \"grantTypes\": [\"authorization_code\", \"refresh_token\"]")?;
    }
    out.write_char('}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    fn the_key_is_botocores() {
        // login-flows.md 1.4's worked example.
        assert_eq!(
            registration_cache_key(
                "https://d-123.awsapps.com/start",
                "us-east-1",
                None,
                Some("my-sso")
            )
            .as_str(),
            "4a61d5c0d0268ea975225ec49ec41d69c98d0633"
        );
    }

    #[test]
    fn written_and_read_back() {
        let client = Client::new("cid", "sec\u{e9}", 2_000_000_000).unwrap();
        let mut s = String::new();
        write_registration(&mut s, &client, Some(&["sso:account:access"]), true).unwrap();
        assert_eq!(
            s,
            r#"{"clientId": "cid", "clientSecret": "sec\u00e9", "expiresAt": "2033-05-18T03:33:20Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#
        );
        let back = parse_registration(s.as_bytes()).unwrap();
        assert_eq!(back.client, client);
        assert!(back.for_auth_code);
        assert!(back.suits(true, 2_000_000_000 - REUSE_WINDOW_SECS));
        assert!(!back.suits(true, 2_000_000_000 - REUSE_WINDOW_SECS + 1));
        assert!(!back.suits(false, 0));
        let mut d = String::new();
        write_registration(&mut d, &client, None, false).unwrap();
        let device = parse_registration(d.as_bytes()).unwrap();
        assert!(device.suits(false, 0) && !device.suits(true, 0));
        assert!(!std::format!("{back:?}").contains("sec"));
        for bad in [
            "",
            "{}",
            r#"{"clientId": "a", "clientSecret": "b", "expiresAt": "x"}"#,
        ] {
            assert!(parse_registration(bad.as_bytes()).is_none(), "{bad}");
        }
    }
}
