//! The console login cache that `aws login` writes and the AWS CLI refreshes:
//! `~/.aws/login/cache/<sha256 hex of the trimmed session ARN>.json`, or the same name in
//! `AWS_LOGIN_CACHE_DIRECTORY` when that is set. For
//! `login_session = arn:aws:sts::012345678910:assumed-role/Admin/admin`:
//!
//! ```text
//! ~/.aws/login/cache/4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json
//! {"accessToken": {"accessKeyId": "ASIA...", "secretAccessKey": "...", "sessionToken": "...",
//!                  "accountId": "012345678910", "expiresAt": "2025-11-19T00:15:00Z"},
//!  "tokenType": "aws_sigv4", "clientId": "arn:aws:signin:::devtools/same-device",
//!  "refreshToken": "...", "idToken": "eyJ...", "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n..."}
//! ```
//!
//! [`parse`] reads the file into a [`CachedToken`]: the credentials (always needed), and what a
//! refresh needs (`clientId`, `refreshToken`, `dpopKey`), which are only required when a
//! refresh is due ([`REFRESH_WINDOW_SECS`]). [`parse_refresh_response`](crate::services::signin::parse_refresh_response) reads the Sign-In
//! token endpoint's answer, and [`write_refreshed`] writes the file back: the original object,
//! member by member, with `accessToken` and `refreshToken` replaced and every other member (the
//! id token, the key, members credchain does not know) copied as it was.

use core::fmt;

use serde::Deserialize;
use serde_json_core::str::{EscapedStr, EscapedStringFragment};
use sha2::{Digest, Sha256};

use crate::caches::DigestName;
use crate::config::locate::{home_path, PathBuf, Platform};
use crate::credentials::ProviderKind;
use crate::credentials::{
    parse_timestamp, Credentials, TooLong, MAX_ACCESS_KEY_ID_LEN, MAX_ACCOUNT_ID_LEN,
    MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN,
};
use crate::io::Env;
use crate::json::{unescape, write_later_members, StringError};
use crate::services::signin::{Refreshed, MAX_CLIENT_ID_LEN, MAX_REFRESH_TOKEN_LEN};
use crate::signing::dpop::write_json_str;
use crate::Dialect;

/// A cached session is refreshed when fewer than this many seconds remain (the AWS CLI's and
/// the SDKs' five minutes).
pub const REFRESH_WINDOW_SECS: i64 = 5 * 60;
/// The cache directory under the home directory: `~/.aws/login/cache`.
pub const CACHE_DIR: [&str; 3] = [".aws", "login", "cache"];
/// The variable that replaces the cache directory.
pub const CACHE_DIR_VAR: &str = "AWS_LOGIN_CACHE_DIRECTORY";
/// The longest cache file written back, in bytes.
pub const MAX_LOGIN_CACHE_LEN: usize = 32 * 1024;
/// The longest `dpopKey` (PEM) kept.
pub const MAX_DPOP_KEY_LEN: usize = 2048;
/// The longest `expiresAt` read.
pub const MAX_EXPIRES_AT_LEN: usize = 64;

/// A cache file's name: 64 lower-case hex digits and `.json`.
pub type FileName = DigestName<69>;

impl FileName {
    /// The name for `session_arn` (trimmed of surrounding whitespace first, as the AWS CLI does).
    #[must_use]
    pub fn of(session_arn: &str) -> Self {
        DigestName::new(&Sha256::digest(session_arn.trim().as_bytes()), b".json")
    }
}

/// Why the cache file has no path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// No home directory is known and `AWS_LOGIN_CACHE_DIRECTORY` is not set.
    NoHome,
    /// The path would be longer than [`crate::config::locate::MAX_PATH_LEN`].
    TooLong,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::NoHome => f.write_str(
                "no home directory is known, so there is no ~/.aws/login/cache; set HOME (or \
                 USERPROFILE on Windows), or AWS_LOGIN_CACHE_DIRECTORY",
            ),
            PathError::TooLong => f.write_str(
                "the login cache file's path is longer than MAX_PATH_LEN; use a shorter home \
                 directory or AWS_LOGIN_CACHE_DIRECTORY",
            ),
        }
    }
}

/// The cache file of `session_arn`: in `AWS_LOGIN_CACHE_DIRECTORY` when it is set and not
/// empty (used as it is), else in `~/.aws/login/cache` under the home directory as the AWS CLI
/// finds it.
///
/// # Errors
/// [`PathError`].
pub fn cache_path(
    env: &(impl Env + ?Sized),
    platform: Platform,
    session_arn: &str,
) -> Result<PathBuf, PathError> {
    let name = FileName::of(session_arn);
    if let Some(dir) = env.var(CACHE_DIR_VAR).filter(|d| !d.is_empty()) {
        let mut path = PathBuf::new();
        let sep = platform.separator();
        (|| {
            path.push_str(dir)?;
            if !(dir.ends_with(sep) || platform == Platform::Windows && dir.ends_with('/')) {
                path.push(sep)?;
            }
            path.push_str(name.as_str())
        })()
        .map_err(|_| PathError::TooLong)?;
        return Ok(path);
    }
    let [a, b, c] = CACHE_DIR;
    home_path(env, platform, Dialect::AwsCli, &[a, b, c, name.as_str()])
        .map_err(|_| PathError::TooLong)?
        .ok_or(PathError::NoHome)
}

/// What is wrong with a cache file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// It is not a JSON object, or a member has the wrong type.
    Json,
    /// A member is missing (`"accessToken"`, `"accessToken.expiresAt"`, `"refreshToken"`, ...).
    Missing(&'static str),
    /// A string has a bad escape.
    BadEscape,
    /// `accessToken.expiresAt` is not an RFC 3339 time.
    BadExpiresAt,
    /// A value is longer than credchain keeps.
    TooLong(TooLong),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Json => f.write_str("it is not the JSON object `aws login` writes"),
            Malformed::Missing(field) => write!(f, "it has no {field}"),
            Malformed::BadEscape => f.write_str("a string has a bad escape"),
            Malformed::BadExpiresAt => {
                f.write_str("its accessToken.expiresAt is not a time such as 2030-01-02T03:04:05Z")
            }
            Malformed::TooLong(t) => t.fmt(f),
        }
    }
}

/// A cache file's contents, owned. Debug shows no secret.
#[derive(Clone)]
pub struct CachedToken {
    credentials: Credentials,
    expires_at: i64,
    client_id: Option<heapless::String<MAX_CLIENT_ID_LEN>>,
    refresh_token: Option<heapless::String<MAX_REFRESH_TOKEN_LEN>>,
    dpop_key: Option<heapless::String<MAX_DPOP_KEY_LEN>>,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("credentials", &self.credentials)
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id.as_deref())
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("dpop_key", &self.dpop_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl CachedToken {
    /// The cached credentials (provider [`ProviderKind::Login`], with their expiry).
    #[must_use]
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// When the credentials expire, in Unix seconds.
    #[must_use]
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// Whether a refresh is due at `now`: fewer than [`REFRESH_WINDOW_SECS`] remain.
    #[must_use]
    pub fn needs_refresh(&self, now: i64) -> bool {
        self.expires_at.saturating_sub(now) <= REFRESH_WINDOW_SECS
    }

    /// `clientId`.
    #[must_use]
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// `refreshToken` (a secret).
    #[must_use]
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// `dpopKey`, the PEM private key (a secret).
    #[must_use]
    pub fn dpop_key(&self) -> Option<&str> {
        self.dpop_key.as_deref()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileJson<'a> {
    #[serde(borrow, default)]
    access_token: Option<AccessTokenJson<'a>>,
    #[serde(borrow, default)]
    client_id: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    refresh_token: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    dpop_key: Option<EscapedStr<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessTokenJson<'a> {
    #[serde(borrow, default)]
    access_key_id: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    secret_access_key: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    session_token: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    account_id: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    expires_at: Option<EscapedStr<'a>>,
}

fn need<'a>(v: Option<EscapedStr<'a>>, name: &'static str) -> Result<EscapedStr<'a>, Malformed> {
    v.ok_or(Malformed::Missing(name))
}

impl From<StringError> for Malformed {
    fn from(e: StringError) -> Self {
        match e {
            StringError::BadEscape => Malformed::BadEscape,
            StringError::TooLong(t) => Malformed::TooLong(t),
        }
    }
}

/// Reads a cache file's contents.
///
/// # Errors
/// [`Malformed`]: not JSON, `accessToken` or one of its members missing, bad escapes, a bad
/// expiry, a value over its capacity.
pub fn parse(contents: &[u8]) -> Result<CachedToken, Malformed> {
    let (file, _) =
        serde_json_core::from_slice::<FileJson<'_>>(contents).map_err(|_| Malformed::Json)?;
    let token = file.access_token.ok_or(Malformed::Missing("accessToken"))?;
    let akid = unescape::<MAX_ACCESS_KEY_ID_LEN>(
        need(token.access_key_id, "accessToken.accessKeyId")?,
        "the access key id",
        "MAX_ACCESS_KEY_ID_LEN",
    )?;
    let secret = unescape::<MAX_SECRET_ACCESS_KEY_LEN>(
        need(token.secret_access_key, "accessToken.secretAccessKey")?,
        "the secret access key",
        "MAX_SECRET_ACCESS_KEY_LEN",
    )?;
    let session = unescape::<MAX_SESSION_TOKEN_LEN>(
        need(token.session_token, "accessToken.sessionToken")?,
        "the session token",
        "MAX_SESSION_TOKEN_LEN",
    )?;
    let expires_at = unescape::<MAX_EXPIRES_AT_LEN>(
        need(token.expires_at, "accessToken.expiresAt")?,
        "accessToken.expiresAt",
        "MAX_EXPIRES_AT_LEN",
    )?;
    let written = parse_timestamp(&expires_at).ok_or(Malformed::BadExpiresAt)?;
    let expires_at = written.unix;
    let account = token
        .account_id
        .map(|a| unescape::<MAX_ACCOUNT_ID_LEN>(a, "the account id", "MAX_ACCOUNT_ID_LEN"))
        .transpose()?;
    let credentials = Credentials::new(
        ProviderKind::Login,
        &akid,
        &secret,
        Some(&session),
        Some(expires_at),
        account.as_deref(),
    )
    .map_err(Malformed::TooLong)?
    .with_expiration_form(written.form);
    Ok(CachedToken {
        credentials,
        expires_at,
        client_id: file
            .client_id
            .map(|v| unescape(v, "clientId", "MAX_CLIENT_ID_LEN"))
            .transpose()?,
        refresh_token: file
            .refresh_token
            .map(|v| unescape(v, "refreshToken", "MAX_REFRESH_TOKEN_LEN"))
            .transpose()?,
        dpop_key: file
            .dpop_key
            .map(|v| unescape(v, "dpopKey", "MAX_DPOP_KEY_LEN"))
            .transpose()?,
    })
}

/// The login cache's `accessToken` member: the session's keys, its account when known, and
/// when it expires (Unix seconds).
pub(crate) struct AccessToken<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) secret_access_key: &'a str,
    pub(crate) session_token: &'a str,
    pub(crate) account_id: Option<&'a str>,
    pub(crate) expires_at: i64,
}

/// Writes the `accessToken` object as the AWS CLI does: `accessKeyId`, `secretAccessKey`,
/// `sessionToken`, `accountId` (when known), `expiresAt` (`YYYY-MM-DDTHH:MM:SSZ`), each string
/// written by `write_value` (a new file escapes as Python does, a refresh as plain JSON).
pub(crate) fn write_access_token<W: fmt::Write>(
    out: &mut W,
    keys: &AccessToken<'_>,
    write_value: fn(&mut W, &str) -> fmt::Result,
) -> fmt::Result {
    out.write_str("{\"accessKeyId\": ")?;
    write_value(out, keys.access_key_id)?;
    let members = [
        ("secretAccessKey", keys.secret_access_key),
        ("sessionToken", keys.session_token),
    ];
    let account = keys.account_id.map(|account| ("accountId", account));
    write_later_members(out, members.into_iter().chain(account), write_value)?;
    out.write_str(", \"expiresAt\": \"")?;
    crate::credentials::write_utc_z(out, keys.expires_at)?;
    out.write_str("\"}")
}

/// Writes the cache file after a refresh: `original`'s members in order, with `accessToken`
/// replaced by the refreshed keys (keeping `account_id`) and an `expiresAt` of `expires_at`,
/// and `refreshToken` by the new one; every other member is copied as it was written. Python's
/// `json.dumps` separators (`", "`, `": "`) join the members.
///
/// # Errors
/// `fmt::Error` when `original` is not a JSON object or `out` is full.
pub fn write_refreshed(
    out: &mut impl fmt::Write,
    original: &str,
    refreshed: &Refreshed,
    account_id: Option<&str>,
    expires_at: i64,
) -> fmt::Result {
    let mut members = Members::new(original).ok_or(fmt::Error)?;
    out.write_char('{')?;
    let mut first = true;
    while let Some(member) = members.next_member() {
        let (key, value) = member.ok_or(fmt::Error)?;
        if !first {
            out.write_str(", ")?;
        }
        first = false;
        out.write_str(key)?;
        out.write_str(": ")?;
        match key {
            k if key_is(k, "accessToken") => {
                let keys = AccessToken {
                    access_key_id: &refreshed.access_key_id,
                    secret_access_key: &refreshed.secret_access_key,
                    session_token: &refreshed.session_token,
                    account_id,
                    expires_at,
                };
                write_access_token(out, &keys, write_json_str)?;
            }
            k if key_is(k, "refreshToken") => write_json_str(out, &refreshed.refresh_token)?,
            _ => out.write_str(value)?,
        }
    }
    out.write_char('}')
}

/// Whether the raw key `raw` (with its quotes) is `name`, escapes decoded (`"refresh\u0054oken"`
/// names the refresh token as much as `"refreshToken"` does).
fn key_is(raw: &str, name: &str) -> bool {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    if !inner.contains('\\') {
        return inner == name;
    }
    let mut rest = name;
    for fragment in EscapedStr(inner).fragments() {
        match fragment {
            Ok(EscapedStringFragment::NotEscaped(text)) => match rest.strip_prefix(text) {
                Some(r) => rest = r,
                None => return false,
            },
            Ok(EscapedStringFragment::Escaped(c)) => match rest.strip_prefix(c) {
                Some(r) => rest = r,
                None => return false,
            },
            Err(_) => return false,
        }
    }
    rest.is_empty()
}

/// The members of a JSON object's text, each as its raw key (with quotes) and raw value.
struct Members<'t> {
    text: &'t str,
    at: usize,
    done: bool,
}

impl<'t> Members<'t> {
    fn new(text: &'t str) -> Option<Self> {
        let at = skip_ws(text.as_bytes(), 0);
        (text.as_bytes().get(at) == Some(&b'{')).then_some(Members {
            text,
            at: at + 1,
            done: false,
        })
    }

    /// The next member; `Some(None)` when the text is not a well-formed object there.
    fn next_member(&mut self) -> Option<Option<(&'t str, &'t str)>> {
        if self.done {
            return None;
        }
        let b = self.text.as_bytes();
        let mut i = skip_ws(b, self.at);
        match b.get(i) {
            Some(b'}') => {
                self.done = true;
                return None;
            }
            Some(b',') => i = skip_ws(b, i + 1),
            _ => {}
        }
        let member = (|| {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let key_end = string_end(b, i)?;
            let key = self.text.get(i..key_end)?;
            let colon = skip_ws(b, key_end);
            if b.get(colon) != Some(&b':') {
                return None;
            }
            let start = skip_ws(b, colon + 1);
            let end = value_end(b, start)?;
            self.at = end;
            Some((key, self.text.get(start..end)?))
        })();
        if member.is_none() {
            self.done = true;
        }
        Some(member)
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// The index just past the string that starts (with its quote) at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The index just past the JSON value that starts at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::parse_time;
    use crate::services::signin::parse_refresh_response;
    use std::string::String;

    const ARN: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";

    #[test]
    fn file_names_are_the_sha256_of_the_trimmed_arn() {
        // The name the conformance suite's cache files carry.
        let name = "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json";
        assert_eq!(FileName::of(ARN).as_str(), name);
        assert_eq!(
            FileName::of(" \tarn:aws:sts::012345678910:assumed-role/Admin/admin\n").as_str(),
            name
        );
        let env: &[(&str, &str)] = &[("HOME", "/home/u")];
        assert_eq!(
            cache_path(env, Platform::Unix, ARN).unwrap().as_str(),
            std::format!("/home/u/.aws/login/cache/{name}")
        );
        let env: &[(&str, &str)] = &[("HOME", "/home/u"), (CACHE_DIR_VAR, "/tmp/lc/")];
        assert_eq!(
            cache_path(env, Platform::Unix, ARN).unwrap().as_str(),
            std::format!("/tmp/lc/{name}")
        );
        let env: &[(&str, &str)] = &[(CACHE_DIR_VAR, "")];
        assert_eq!(cache_path(env, Platform::Unix, ARN), Err(PathError::NoHome));
    }

    const FILE: &str = r#"{"accessToken": {"accessKeyId": "AKID", "secretAccessKey": "SECRET", "sessionToken": "TOKEN", "accountId": "012345678901", "expiresAt": "2025-11-19T00:10:00Z"}, "tokenType": "aws_sigv4", "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "r1", "idToken": "id.tok.en", "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "extra": [1, {"a": "}"}]}"#;

    #[test]
    fn parses_the_file_and_redacts_its_secrets() {
        let t = parse(FILE.as_bytes()).unwrap();
        assert_eq!(t.credentials().access_key_id(), "AKID");
        assert_eq!(t.credentials().account_id(), Some("012345678901"));
        assert_eq!(t.expires_at(), parse_time("2025-11-19T00:10:00Z").unwrap());
        assert_eq!(t.client_id(), Some("arn:aws:signin:::devtools/same-device"));
        assert!(t.dpop_key().unwrap().contains("\nAAAA\n"));
        let d = std::format!("{t:?}");
        assert!(
            !d.contains("SECRET")
                && !d.contains("TOKEN")
                && !d.contains("r1")
                && !d.contains("AAAA"),
            "{d}"
        );
        assert!(t.needs_refresh(t.expires_at() - 300));
        assert!(!t.needs_refresh(t.expires_at() - 301));
    }

    #[test]
    fn malformed_files_say_what_is_wrong() {
        assert_eq!(parse(b"not json").unwrap_err(), Malformed::Json);
        assert_eq!(parse(b"{}").unwrap_err(), Malformed::Missing("accessToken"));
        assert_eq!(
            parse(br#"{"accessToken": {"accessKeyId": "a", "secretAccessKey": "b", "sessionToken": "c"}}"#).unwrap_err(),
            Malformed::Missing("accessToken.expiresAt")
        );
        assert_eq!(
            parse(br#"{"accessToken": {"accessKeyId": "a", "secretAccessKey": "b", "sessionToken": "c", "expiresAt": "soon"}}"#).unwrap_err(),
            Malformed::BadExpiresAt
        );
        assert_eq!(
            parse(br#"{"accessToken": 5}"#).unwrap_err(),
            Malformed::Json
        );
        // Every prefix of a good file is refused without a panic.
        for n in 0..FILE.len() {
            assert!(parse(&FILE.as_bytes()[..n]).is_err());
        }
    }

    #[test]
    fn writes_back_the_refreshed_token_keeping_every_other_member() {
        let refreshed = Refreshed {
            access_key_id: "NEW".try_into().unwrap(),
            secret_access_key: "NEWSECRET".try_into().unwrap(),
            session_token: "NEWTOKEN".try_into().unwrap(),
            expires_in: 900,
            refresh_token: "r2".try_into().unwrap(),
        };
        let mut out = String::new();
        let at = parse_time("2025-11-19T00:15:00Z").unwrap();
        write_refreshed(&mut out, FILE, &refreshed, Some("012345678901"), at).unwrap();
        let got: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut want: serde_json::Value = serde_json::from_str(FILE).unwrap();
        want["accessToken"] = serde_json::json!({"accessKeyId": "NEW", "secretAccessKey": "NEWSECRET",
            "sessionToken": "NEWTOKEN", "accountId": "012345678901", "expiresAt": "2025-11-19T00:15:00Z"});
        want["refreshToken"] = "r2".into();
        assert_eq!(got, want);
        // The new file reads back.
        let t = parse(out.as_bytes()).unwrap();
        assert_eq!(
            (
                t.credentials().access_key_id(),
                t.refresh_token(),
                t.expires_at()
            ),
            ("NEW", Some("r2"), at)
        );
        // Escaped keys name the same members.
        let escaped = FILE.replace("\"refreshToken\"", "\"refresh\\u0054oken\"");
        let mut out = String::new();
        write_refreshed(&mut out, &escaped, &refreshed, None, at).unwrap();
        assert!(out.contains(r#""refresh\u0054oken": "r2""#), "{out}");
        // Not an object: nothing is written.
        let mut out = String::new();
        assert!(write_refreshed(&mut out, "[1]", &refreshed, None, at).is_err());
        let mut out = String::new();
        assert!(write_refreshed(&mut out, "{\"a\": ", &refreshed, None, at).is_err());
    }

    #[test]
    fn mutated_files_never_panic() {
        let refreshed = Refreshed {
            access_key_id: "NEW".try_into().unwrap(),
            secret_access_key: "S".try_into().unwrap(),
            session_token: "T".try_into().unwrap(),
            expires_in: 900,
            refresh_token: "r2".try_into().unwrap(),
        };
        let mut random = crate::random_input::Xorshift64::new(0x2545_f491_4f6c_dd1d);
        let mut next = || random.next();
        for _ in 0..5000 {
            let mut bytes = FILE.as_bytes().to_vec();
            for _ in 0..=next() % 4 {
                let at = next() as usize % bytes.len();
                let alphabet: &[u8] = b"{}[]\",:\\ a0";
                bytes[at] = alphabet[next() as usize % alphabet.len()];
            }
            let _ = parse(&bytes);
            let _ = parse_refresh_response(&bytes);
            if let Ok(text) = core::str::from_utf8(&bytes) {
                let mut out = String::new();
                let _ = write_refreshed(&mut out, text, &refreshed, None, 0);
            }
        }
    }
}
