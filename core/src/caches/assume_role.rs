//! The AWS CLI's assume-role cache, shared with it: `~/.aws/cli/cache/<key>.json`.
//!
//! The key is the SHA-1 hex of Python's `json.dumps(args, sort_keys=True)` over the AssumeRole
//! parameters (botocore's `BaseAssumeRoleCredentialFetcher._create_cache_key`): `RoleArn`,
//! `RoleSessionName` only when configured (a generated one is left out, so the key survives
//! it), `ExternalId`, `SerialNumber`, `DurationSeconds` (an integer) and `Policy` (credchain sends
//! none). The JSON is written as Python writes it (the separators `", "` and `": "`, `\uXXXX` for
//! everything outside printable ASCII, surrogate pairs above U+FFFF) and hashed as it is written:
//! nothing is buffered. For `role_arn = arn:aws:iam::123456789012:role/demo` alone:
//!
//! ```text
//!   {"RoleArn": "arn:aws:iam::123456789012:role/demo"}  ──SHA-1──▶  5f52c9c583acfd120a607977e4f21fe86b7fa42d.json
//! ```
//!
//! AssumeRoleWithWebIdentity uses the same key over its own parameters (`RoleArn`, a configured
//! `RoleSessionName`), as the AWS CLI does.
//!
//! # The file
//! One line of JSON, the STS answer as botocore keeps it (times in Python's `isoformat()`), with
//! the account id the AWS CLI adds:
//!
//! ```text
//! {"Credentials": {"AccessKeyId": "ASIA...", "SecretAccessKey": "...", "SessionToken": "...",
//!  "Expiration": "2099-01-02T03:04:05+00:00", "AccountId": "123456789012"},
//!  "AssumedRoleUser": {"AssumedRoleId": "AROA...:s", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/s"},
//!  "ResponseMetadata": {}}
//! ```
//!
//! written through [`Fs::write_private`] (atomic, mode 0600). Reading takes the `Credentials`
//! object (other keys are ignored) and uses it only while its expiry is at least
//! [`EXPIRY_WINDOW_SECS`] away (botocore refreshes when fewer seconds remain), judged against a
//! `now` passed in. A missing, unreadable, malformed or expiring file is a [`Miss`] with its
//! reason, for `explain`, never an error: the chain then calls STS and writes the file anew.
//! (botocore fails on a cache file that is valid JSON without `Credentials`; credchain passes it
//! over.)

// A cached entry is returned by value: the core has no allocator to box it.
#![allow(clippy::large_enum_variant)]

use core::fmt::{self, Write as _};

use serde::Deserialize;
use serde_json_core::str::EscapedStr;
use sha1::{Digest, Sha1};

use crate::caches::DigestName;
use crate::config::locate::{home_path, PathBuf, Platform};
use crate::credentials::ProviderKind;
use crate::credentials::{parse_timestamp, write_isoformat, Credentials, TooLong};
use crate::credentials::{
    MAX_ACCESS_KEY_ID_LEN, MAX_ACCOUNT_ID_LEN, MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN,
};
use crate::io::{Env, Fs, FsError};
use crate::json::{
    unescape, write_python_json, write_python_str, KeyValue, Separators, StringError,
};
use crate::services::sts::{
    account_id_of, AssumedRole, AssumedRoleUser, MAX_ARN_LEN, MAX_ASSUMED_ROLE_ID_LEN,
};
use crate::Dialect;

/// Cached credentials are used only while at least this many seconds remain before they expire
/// (botocore's `DEFAULT_EXPIRY_WINDOW_SECONDS`, 15 minutes).
pub const EXPIRY_WINDOW_SECS: i64 = 15 * 60;

/// The cache directory under the home directory: `~/.aws/cli/cache`.
pub const CACHE_DIR: [&str; 3] = [".aws", "cli", "cache"];

/// The longest cache file written, in bytes; a longer entry is [`CacheWriteError::TooLong`].
pub const MAX_CACHE_ENTRY_LEN: usize = 16 * 1024;

/// The longest `Expiration` read from a cache file.
pub const MAX_EXPIRATION_LEN: usize = 64;

/// The largest cache file read (assume-role, SSO token and login caches), in bytes. Entries are
/// a few kilobytes; a longer file is refused by its size, unread (a miss for the assume-role
/// cache), where botocore would read it whole whatever its size.
pub const MAX_CACHE_FILE_LEN: usize = 1 << 20;

/// The AssumeRole parameters that name a cache file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheArgs<'a> {
    /// `RoleArn`.
    pub role_arn: &'a str,
    /// `RoleSessionName`, only when configured (never a generated one).
    pub role_session_name: Option<&'a str>,
    /// `ExternalId`.
    pub external_id: Option<&'a str>,
    /// `SerialNumber` (`mfa_serial`).
    pub serial_number: Option<&'a str>,
    /// `DurationSeconds`, as the integer sent.
    pub duration_seconds: Option<i64>,
}

/// A cache file's name without `.json`: 40 lower-case hex digits.
pub type CacheKey = DigestName<40>;

impl CacheKey {
    /// The SHA-1 hex of `json`'s bytes (what botocore names a cache file by).
    #[must_use]
    pub fn of_json(write_json: impl FnOnce(&mut dyn fmt::Write) -> fmt::Result) -> Self {
        let mut hasher = Sha1Writer(Sha1::new());
        // Writing into a hasher never fails.
        let _ = write_json(&mut hasher);
        DigestName::new(&hasher.0.finalize(), b"")
    }
}

struct Sha1Writer(Sha1);

impl fmt::Write for Sha1Writer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Writes the JSON that [`cache_key`] hashes: `{"DurationSeconds": 1800, "ExternalId": ...}`.
pub fn write_args_json(out: &mut (impl fmt::Write + ?Sized), args: &CacheArgs<'_>) -> fmt::Result {
    let mut entries = [("", KeyValue::Int(0)); 5];
    let mut n = 0;
    let mut add = |name, value| {
        entries[n] = (name, value);
        n += 1;
    };
    add("RoleArn", KeyValue::Str(args.role_arn));
    if let Some(v) = args.role_session_name {
        add("RoleSessionName", KeyValue::Str(v));
    }
    if let Some(v) = args.external_id {
        add("ExternalId", KeyValue::Str(v));
    }
    if let Some(v) = args.serial_number {
        add("SerialNumber", KeyValue::Str(v));
    }
    if let Some(v) = args.duration_seconds {
        add("DurationSeconds", KeyValue::Int(v));
    }
    write_python_json(&mut Dyn(out), &mut entries[..n], Separators::Python)
}

/// `fmt::Write` through a possibly unsized writer.
struct Dyn<'w, W: ?Sized>(&'w mut W);

impl<W: fmt::Write + ?Sized> fmt::Write for Dyn<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write_str(s)
    }
}

/// The cache key of an AssumeRole (or AssumeRoleWithWebIdentity) call with `args`.
#[must_use]
pub fn cache_key(args: &CacheArgs<'_>) -> CacheKey {
    CacheKey::of_json(|w| write_args_json(w, args))
}

/// Why the cache file has no path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePathError {
    /// No home directory is known.
    NoHome,
    /// The path would be longer than [`crate::config::locate::MAX_PATH_LEN`].
    TooLong,
}

impl fmt::Display for CachePathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CachePathError::NoHome => f.write_str(
                "no home directory is known, so there is no ~/.aws/cli/cache; set HOME (or \
                 USERPROFILE on Windows) to use the cache",
            ),
            CachePathError::TooLong => f.write_str(
                "the cache file's path is longer than MAX_PATH_LEN; use a shorter home directory",
            ),
        }
    }
}

/// The path of the cache file for `key`: `~/.aws/cli/cache/<key>.json`, the home directory as
/// the AWS CLI finds it.
///
/// # Errors
/// [`CachePathError`].
pub fn cache_path(
    env: &(impl Env + ?Sized),
    platform: Platform,
    key: &CacheKey,
) -> Result<PathBuf, CachePathError> {
    key_file_path(env, platform, CACHE_DIR, key)
}

/// `~/<dir>/<key>.json`, the home directory as the AWS CLI finds it: the file of a cache named
/// by SHA-1 keys (the assume-role cache, the IAM Identity Center token cache).
///
/// # Errors
/// [`CachePathError`].
pub fn key_file_path(
    env: &(impl Env + ?Sized),
    platform: Platform,
    dir: [&str; 3],
    key: &CacheKey,
) -> Result<PathBuf, CachePathError> {
    let mut name = heapless::String::<45>::new();
    // 40 hex digits and ".json" fill it exactly.
    let _ = write!(name, "{key}.json");
    let [a, b, c] = dir;
    home_path(env, platform, Dialect::AwsCli, &[a, b, c, &name])
        .map_err(|_| CachePathError::TooLong)?
        .ok_or(CachePathError::NoHome)
}

/// What is wrong with a cache file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// It is not a JSON object with a `Credentials` object of four strings.
    Json,
    /// A string has a bad escape.
    BadEscape,
    /// `Expiration` is not an ISO 8601 time.
    BadExpiration,
    /// A value is longer than credchain keeps.
    TooLong(TooLong),
}

/// Why the cache gave nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// The file's path could not be made.
    NoPath(CachePathError),
    /// There is no such file.
    NotFound,
    /// The file could not be read.
    Unreadable(FsError),
    /// The file is not a cache entry credchain can read.
    Malformed(Malformed),
    /// The credentials expire in less than [`EXPIRY_WINDOW_SECS`] (or have expired).
    Expiring {
        /// When they expire, in Unix seconds.
        expiration: i64,
    },
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Miss::NoPath(e) => write!(f, "the cache is not used: {e}"),
            Miss::NotFound => f.write_str("no cached credentials"),
            Miss::Unreadable(e) => write!(
                f,
                "the cache file could not be read ({:?}); it is ignored",
                e.kind
            ),
            Miss::Malformed(m) => {
                f.write_str("the cache file is ignored: ")?;
                match m {
                    Malformed::Json => f.write_str("it is not the JSON the AWS CLI writes"),
                    Malformed::BadEscape => f.write_str("a string has a bad escape"),
                    Malformed::BadExpiration => {
                        f.write_str("its Expiration is not an ISO 8601 time")
                    }
                    Malformed::TooLong(t) => t.fmt(f),
                }
            }
            Miss::Expiring { expiration } => {
                f.write_str("the cached credentials expire at ")?;
                write_isoformat(f, *expiration)?;
                f.write_str(", less than 15 minutes from now")
            }
        }
    }
}

/// What a cache lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Credentials to use.
    Hit(AssumedRole),
    /// Nothing usable, and why.
    Miss(Miss),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EntryJson<'a> {
    #[serde(borrow)]
    credentials: CredentialsJson<'a>,
    #[serde(rename = "AssumedRoleUser", borrow, default)]
    user: Option<UserJson<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CredentialsJson<'a> {
    #[serde(borrow)]
    access_key_id: EscapedStr<'a>,
    #[serde(borrow)]
    secret_access_key: EscapedStr<'a>,
    #[serde(borrow)]
    session_token: EscapedStr<'a>,
    #[serde(borrow)]
    expiration: EscapedStr<'a>,
    #[serde(borrow, default)]
    account_id: Option<EscapedStr<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserJson<'a> {
    #[serde(borrow, default)]
    assumed_role_id: Option<EscapedStr<'a>>,
    #[serde(borrow, default)]
    arn: Option<EscapedStr<'a>>,
}

impl From<StringError> for Malformed {
    fn from(e: StringError) -> Self {
        match e {
            StringError::BadEscape => Malformed::BadEscape,
            StringError::TooLong(t) => Malformed::TooLong(t),
        }
    }
}

/// Reads a cache file's contents: the credentials (attributed to `provider`) when they are
/// good for at least [`EXPIRY_WINDOW_SECS`] more at `now_unix`.
///
/// # Errors
/// [`Miss::Malformed`] or [`Miss::Expiring`]: reasons, not failures.
pub fn parse_entry(
    contents: &[u8],
    now_unix: i64,
    provider: ProviderKind,
) -> Result<AssumedRole, Miss> {
    let bad = Miss::Malformed;
    let (entry, _) =
        serde_json_core::from_slice::<EntryJson<'_>>(contents).map_err(|_| bad(Malformed::Json))?;
    let c = &entry.credentials;
    let expiration =
        unescape::<MAX_EXPIRATION_LEN>(c.expiration, "Expiration", "MAX_EXPIRATION_LEN")
            .map_err(|e| bad(e.into()))?;
    let written = parse_timestamp(&expiration).ok_or(bad(Malformed::BadExpiration))?;
    let expiration = written.unix;
    if expiration.saturating_sub(now_unix) < EXPIRY_WINDOW_SECS {
        return Err(Miss::Expiring { expiration });
    }
    let read = || -> Result<AssumedRole, Malformed> {
        let akid = unescape::<MAX_ACCESS_KEY_ID_LEN>(
            c.access_key_id,
            "the access key id",
            "MAX_ACCESS_KEY_ID_LEN",
        )?;
        let secret = unescape::<MAX_SECRET_ACCESS_KEY_LEN>(
            c.secret_access_key,
            "the secret access key",
            "MAX_SECRET_ACCESS_KEY_LEN",
        )?;
        let token = unescape::<MAX_SESSION_TOKEN_LEN>(
            c.session_token,
            "the session token",
            "MAX_SESSION_TOKEN_LEN",
        )?;
        let user = match entry.user.as_ref().map(|u| (u.assumed_role_id, u.arn)) {
            Some((Some(id), Some(arn))) => Some(AssumedRoleUser {
                assumed_role_id: unescape::<MAX_ASSUMED_ROLE_ID_LEN>(
                    id,
                    "AssumedRoleUser/AssumedRoleId",
                    "MAX_ASSUMED_ROLE_ID_LEN",
                )?,
                arn: unescape::<MAX_ARN_LEN>(arn, "AssumedRoleUser/Arn", "MAX_ARN_LEN")?,
            }),
            _ => None,
        };
        let account = c
            .account_id
            .map(|a| unescape::<MAX_ACCOUNT_ID_LEN>(a, "the account id", "MAX_ACCOUNT_ID_LEN"))
            .transpose()?;
        let account = account
            .as_deref()
            .or_else(|| user.as_ref().and_then(|u| account_id_of(&u.arn)));
        let credentials = Credentials::new(
            provider,
            &akid,
            &secret,
            Some(&token),
            Some(expiration),
            account,
        )
        .map_err(Malformed::TooLong)?
        .with_expiration_form(written.form);
        Ok(AssumedRole { credentials, user })
    };
    read().map_err(bad)
}

/// Reads the cache file at `path`.
pub async fn read<F: Fs + ?Sized>(
    fs: &F,
    path: &str,
    now_unix: i64,
    provider: ProviderKind,
) -> Lookup {
    match fs.read_at_most(path, MAX_CACHE_FILE_LEN).await {
        Ok(Some(file)) => match parse_entry(file.as_ref(), now_unix, provider) {
            Ok(role) => Lookup::Hit(role),
            Err(miss) => Lookup::Miss(miss),
        },
        Ok(None) => Lookup::Miss(Miss::NotFound),
        Err(e) => Lookup::Miss(Miss::Unreadable(e)),
    }
}

/// Looks `args` up in the cache under the home directory that `env` names.
pub async fn load<F: Fs + ?Sized>(
    fs: &F,
    env: &(impl Env + ?Sized),
    platform: Platform,
    args: &CacheArgs<'_>,
    now_unix: i64,
    provider: ProviderKind,
) -> Lookup {
    match cache_path(env, platform, &cache_key(args)) {
        Ok(path) => read(fs, &path, now_unix, provider).await,
        Err(e) => Lookup::Miss(Miss::NoPath(e)),
    }
}

/// Why an entry was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheWriteError {
    /// The file's path could not be made.
    NoPath(CachePathError),
    /// The credentials have no expiry (STS always gives one; nothing is cached without it).
    NoExpiration,
    /// The entry would be longer than [`MAX_CACHE_ENTRY_LEN`].
    TooLong,
    /// The host could not write it (or cannot write at all).
    Fs(FsError),
}

impl fmt::Display for CacheWriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the assumed role's credentials were not cached: ")?;
        match self {
            CacheWriteError::NoPath(e) => e.fmt(f),
            CacheWriteError::NoExpiration => f.write_str("they have no expiry"),
            CacheWriteError::TooLong => write!(
                f,
                "the entry is longer than MAX_CACHE_ENTRY_LEN ({MAX_CACHE_ENTRY_LEN}) bytes"
            ),
            CacheWriteError::Fs(e) => write!(
                f,
                "the file could not be written ({:?}); check that ~/.aws/cli/cache is writable",
                e.kind
            ),
        }
    }
}

/// Writes the one-line JSON the AWS CLI keeps for `role` (see the module docs).
///
/// # Errors
/// [`CacheWriteError::NoExpiration`]; `fmt::Error` from `out` is [`CacheWriteError::TooLong`].
pub fn write_entry(out: &mut impl fmt::Write, role: &AssumedRole) -> Result<(), CacheWriteError> {
    let c = &role.credentials;
    c.expiration().ok_or(CacheWriteError::NoExpiration)?;
    let mut write = || -> fmt::Result {
        out.write_str("{\"Credentials\": {\"AccessKeyId\": ")?;
        write_python_str(out, c.access_key_id())?;
        out.write_str(", \"SecretAccessKey\": ")?;
        write_python_str(out, c.secret_access_key())?;
        out.write_str(", \"SessionToken\": ")?;
        write_python_str(out, c.session_token().unwrap_or_default())?;
        // The AWS CLI keeps STS's time as `isoformat()` of what it parsed (its fraction too).
        out.write_str(", \"Expiration\": \"")?;
        c.write_expiration(out)?;
        out.write_char('"')?;
        if let Some(account) = c.account_id() {
            out.write_str(", \"AccountId\": ")?;
            write_python_str(out, account)?;
        }
        out.write_char('}')?;
        if let Some(user) = &role.user {
            out.write_str(", \"AssumedRoleUser\": {\"AssumedRoleId\": ")?;
            write_python_str(out, &user.assumed_role_id)?;
            out.write_str(", \"Arn\": ")?;
            write_python_str(out, &user.arn)?;
            out.write_char('}')?;
        }
        out.write_str(", \"ResponseMetadata\": {}}")
    };
    write().map_err(|_| CacheWriteError::TooLong)
}

/// Writes `role`'s entry to the cache file at `path` (atomically, mode 0600).
///
/// # Errors
/// [`CacheWriteError`]; the caller goes on without the cache.
pub async fn write<F: Fs + ?Sized>(
    fs: &F,
    path: &str,
    role: &AssumedRole,
) -> Result<(), CacheWriteError> {
    let mut text = heapless::String::<MAX_CACHE_ENTRY_LEN>::new();
    write_entry(&mut text, role)?;
    fs.write_private(path, text.as_bytes())
        .await
        .map_err(CacheWriteError::Fs)
}

/// Caches `role` under `args`'s key in the home directory that `env` names.
///
/// # Errors
/// [`CacheWriteError`]; the caller goes on without the cache.
pub async fn store<F: Fs + ?Sized>(
    fs: &F,
    env: &(impl Env + ?Sized),
    platform: Platform,
    args: &CacheArgs<'_>,
    role: &AssumedRole,
) -> Result<(), CacheWriteError> {
    let path = cache_path(env, platform, &cache_key(args)).map_err(CacheWriteError::NoPath)?;
    write(fs, &path, role).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{block_on, FsErrorKind};
    use crate::memory::{FailingFs, MemoryFs};
    use std::string::String;
    use std::vec::Vec;

    const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

    fn json(args: &CacheArgs<'_>) -> String {
        let mut s = String::new();
        write_args_json(&mut s, args).unwrap();
        s
    }

    #[test]
    fn keys_match_the_names_the_awscli_wrote() {
        // Observed with the AWS CLI v2.36.7 (../shared/spec/credential-chain.md).
        let alone = CacheArgs {
            role_arn: ROLE,
            ..CacheArgs::default()
        };
        assert_eq!(
            json(&alone),
            r#"{"RoleArn": "arn:aws:iam::123456789012:role/demo"}"#
        );
        assert_eq!(
            cache_key(&alone).as_str(),
            "5f52c9c583acfd120a607977e4f21fe86b7fa42d"
        );
        let more = CacheArgs {
            role_arn: ROLE,
            role_session_name: Some("my-session"),
            external_id: Some("ext-123"),
            serial_number: None,
            duration_seconds: Some(1800),
        };
        assert_eq!(
            json(&more),
            r#"{"DurationSeconds": 1800, "ExternalId": "ext-123", "RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "my-session"}"#
        );
        assert_eq!(
            cache_key(&more).as_str(),
            "12c013179caa0d9af459cb04b694120063a3f028"
        );
    }

    #[test]
    fn strings_escape_as_python_does() {
        // Expected texts and hashes computed with CPython 3's json.dumps and hashlib.sha1.
        let args = CacheArgs {
            role_arn: "arn:aws:iam::1:role/\u{e9}\u{2603}\u{1f600}\u{1}\u{7f}\"\\\n/",
            serial_number: Some("x"),
            ..CacheArgs::default()
        };
        assert_eq!(
            json(&args),
            r#"{"RoleArn": "arn:aws:iam::1:role/\u00e9\u2603\ud83d\ude00\u0001\u007f\"\\\n/", "SerialNumber": "x"}"#
        );
        assert_eq!(
            cache_key(&args).as_str(),
            "a03bff025305dd8abe29729164f37581adbbad20"
        );
        // The SSO credential cache's key form: compact separators.
        let mut entries = [
            ("startUrl", KeyValue::Str("u")),
            ("roleName", KeyValue::Str("r")),
            ("accountId", KeyValue::Str("1")),
        ];
        let key = CacheKey::of_json(|w| {
            write_python_json(&mut Dyn(w), &mut entries, Separators::Compact)
        });
        assert_eq!(key.as_str(), "b809296235cfdf511b4763beec7d4a67566d2231");
        let mut s = String::new();
        write_python_str(&mut s, "\u{8}\u{c}\t\r~ ").unwrap();
        assert_eq!(s, r#""\b\f\t\r~ ""#);
    }

    #[test]
    fn paths_under_home() {
        let key = cache_key(&CacheArgs {
            role_arn: ROLE,
            ..CacheArgs::default()
        });
        let env: &[(&str, &str)] = &[("HOME", "/home/u")];
        assert_eq!(
            cache_path(env, Platform::Unix, &key).unwrap(),
            "/home/u/.aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json"
        );
        let env: &[(&str, &str)] = &[("USERPROFILE", "C:\\Users\\u"), ("HOME", "/ignored")];
        assert_eq!(
            cache_path(env, Platform::Windows, &key).unwrap(),
            "C:\\Users\\u\\.aws\\cli\\cache\\5f52c9c583acfd120a607977e4f21fe86b7fa42d.json"
        );
        let env: &[(&str, &str)] = &[];
        assert_eq!(
            cache_path(env, Platform::Unix, &key),
            Err(CachePathError::NoHome)
        );
    }

    fn role(expiration: i64) -> AssumedRole {
        AssumedRole {
            credentials: Credentials::new(
                ProviderKind::AssumeRole,
                "ASIAEXAMPLE",
                "secret/+key",
                Some("token/+=="),
                Some(expiration),
                Some("123456789012"),
            )
            .unwrap(),
            user: Some(AssumedRoleUser {
                assumed_role_id: heapless::String::try_from("AROAEXAMPLE:s").unwrap(),
                arn: heapless::String::try_from("arn:aws:sts::123456789012:assumed-role/demo/s")
                    .unwrap(),
            }),
        }
    }

    const EXPIRES: i64 = 4_071_006_245; // 2099-01-02T03:04:05Z

    #[test]
    fn writes_the_awscli_line_and_reads_it_back() {
        let r = role(EXPIRES);
        let mut text = String::new();
        write_entry(&mut text, &r).unwrap();
        assert_eq!(
            text,
            r#"{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret/+key", "SessionToken": "token/+==", "Expiration": "2099-01-02T03:04:05+00:00", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:s", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/s"}, "ResponseMetadata": {}}"#
        );
        let back = parse_entry(text.as_bytes(), EXPIRES - 3600, ProviderKind::AssumeRole).unwrap();
        assert_eq!(back, r);
        // The same file, as botocore writes it (with its ResponseMetadata and fractional times).
        let botocore = r#"{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret/+key", "SessionToken": "token\/+==", "Expiration": "2099-01-02T03:04:05.000000+00:00"}, "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:s", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/s"}, "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {"x-amzn-requestid": "r", "content-length": "1"}, "RetryAttempts": 0}}"#;
        let back = parse_entry(botocore.as_bytes(), 0, ProviderKind::WebIdentity).unwrap();
        assert_eq!(back.credentials.session_token(), Some("token/+=="));
        assert_eq!(back.credentials.account_id(), Some("123456789012"));
        assert_eq!(back.credentials.provider(), ProviderKind::WebIdentity);
    }

    #[test]
    fn the_fifteen_minute_window() {
        let mut text = String::new();
        write_entry(&mut text, &role(EXPIRES)).unwrap();
        let at = |now| parse_entry(text.as_bytes(), now, ProviderKind::AssumeRole);
        assert!(at(EXPIRES - EXPIRY_WINDOW_SECS).is_ok());
        assert_eq!(
            at(EXPIRES - EXPIRY_WINDOW_SECS + 1),
            Err(Miss::Expiring {
                expiration: EXPIRES
            })
        );
        assert!(at(EXPIRES + 1).is_err());
        let text = std::format!("{}", at(EXPIRES).unwrap_err());
        assert_eq!(
            text,
            "the cached credentials expire at 2099-01-02T03:04:05+00:00, less than 15 minutes \
             from now"
        );
    }

    #[test]
    fn malformed_files_are_misses() {
        for (body, want) in [
            ("", Malformed::Json),
            ("not json", Malformed::Json),
            ("{}", Malformed::Json),
            (r#"{"Credentials": "x"}"#, Malformed::Json),
            (r#"{"Credentials": {"AccessKeyId": "a"}}"#, Malformed::Json),
            (
                r#"{"Credentials": {"AccessKeyId": "a", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "soon"}}"#,
                Malformed::BadExpiration,
            ),
            (
                r#"{"Credentials": {"AccessKeyId": "a\q", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-02T03:04:05Z"}}"#,
                Malformed::BadEscape,
            ),
        ] {
            assert_eq!(
                parse_entry(body.as_bytes(), 0, ProviderKind::AssumeRole),
                Err(Miss::Malformed(want)),
                "{body}"
            );
        }
        let long = "k".repeat(MAX_ACCESS_KEY_ID_LEN + 1);
        let body = std::format!(
            r#"{{"Credentials": {{"AccessKeyId": "{long}", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-02T03:04:05Z"}}}}"#
        );
        let e = parse_entry(body.as_bytes(), 0, ProviderKind::AssumeRole).unwrap_err();
        assert!(std::format!("{e}").contains("MAX_ACCESS_KEY_ID_LEN"));
        // No panic on any prefix of a good file.
        let mut text = String::new();
        write_entry(&mut text, &role(EXPIRES)).unwrap();
        for end in 0..text.len() {
            assert!(parse_entry(&text.as_bytes()[..end], 0, ProviderKind::AssumeRole).is_err());
        }
    }

    #[test]
    fn store_then_load() {
        let fs = MemoryFs::default();
        let env: &[(&str, &str)] = &[("HOME", "/h")];
        let args = CacheArgs {
            role_arn: ROLE,
            ..CacheArgs::default()
        };
        let now = EXPIRES - 3600;
        let load_now = || {
            block_on(load(
                &fs,
                env,
                Platform::Unix,
                &args,
                now,
                ProviderKind::AssumeRole,
            ))
        };
        assert_eq!(load_now(), Lookup::Miss(Miss::NotFound));
        block_on(store(&fs, env, Platform::Unix, &args, &role(EXPIRES))).unwrap();
        assert!(fs
            .files
            .borrow()
            .contains_key("/h/.aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json"));
        assert_eq!(load_now(), Lookup::Hit(role(EXPIRES)));
        let no_home: &[(&str, &str)] = &[];
        assert_eq!(
            block_on(load(
                &fs,
                no_home,
                Platform::Unix,
                &args,
                now,
                ProviderKind::AssumeRole
            )),
            Lookup::Miss(Miss::NoPath(CachePathError::NoHome))
        );
        let failing = FailingFs(FsError {
            kind: FsErrorKind::PermissionDenied,
            os_code: None,
        });
        let miss = block_on(read(&failing, "/x", now, ProviderKind::AssumeRole));
        assert!(matches!(miss, Lookup::Miss(Miss::Unreadable(_))));
        // A host that cannot write: the error says so, and nothing else happens.
        struct ReadOnly;
        impl Fs for ReadOnly {
            type File = Vec<u8>;
            async fn read(&self, _: &str) -> Result<Option<Vec<u8>>, FsError> {
                Ok(None)
            }
        }
        let e = block_on(write(&ReadOnly, "/x", &role(EXPIRES))).unwrap_err();
        assert!(matches!(e, CacheWriteError::Fs(_)));
    }

    #[test]
    fn debug_of_a_hit_hides_secrets() {
        let d = std::format!("{:?}", Lookup::Hit(role(EXPIRES)));
        assert!(
            !d.contains("secret/+key") && !d.contains("token/+=="),
            "{d}"
        );
    }
}
