//! Console login sessions (`aws login`): the token cache in ~/.aws/login/cache
//! ([`crate::caches::login`]), refreshed within five minutes of expiry through the AWS Sign-In
//! token endpoint with a DPoP proof (RFC 9449, ES256, [`crate::signing::dpop`]) signed with the cached
//! P-256 key, and written back. The profile names the session by its ARN (`aws login` writes
//! it, with the region it signed in to):
//!
//! ```ini
//! [profile signin]
//! login_session = arn:aws:sts::012345678910:assumed-role/Admin/admin
//! region = us-east-1
//! ```
//!
//! The refresh is Sign-In's CreateOAuth2Token (REST-JSON, unsigned):
//!
//! ```text
//! POST {signin endpoint}/v1/token
//! Content-Type: application/json
//! DPoP: <proof for POST and this URL>
//!
//! {"clientId":"arn:aws:signin:::devtools/same-device","grantType":"refresh_token","refreshToken":"..."}
//! ```
//!
//! answered with `{"accessToken": {"accessKeyId", "secretAccessKey", "sessionToken"},
//! "tokenType", "expiresIn", "refreshToken"}`. The new keys expire `expiresIn` seconds from now;
//! the account id is the cached one. The file is written back only after a good answer, so a
//! failed refresh leaves it as it was.

use core::fmt;

use crate::caches::login::{
    self as login_cache, CachedToken, Malformed, PathError, MAX_LOGIN_CACHE_LEN,
};
use crate::chain::execute::{Detail, ExecuteError, Host, Run};
use crate::config::evaluate::Evaluator;
use crate::config::locate::PathBuf;
use crate::config::settings::Setting;
use crate::credentials::ProviderKind;
use crate::credentials::{write_isoformat, Credentials};
use crate::io::{Env, Fs, FsError};
use crate::services::endpoint::{self, EndpointError};
use crate::services::exchange::{self, FailedExchange, ServiceFailure};
use crate::services::signin::{self, LOGIN_TIMEOUT_MS};
use crate::signing::dpop::{DpopKey, KeyError};
use crate::Sourced;

/// Why a console login session gave no credentials. Each names the profile and the cache file
/// and says what to do; none carries a token or key.
#[derive(Debug, Clone)]
pub enum LoginError<'a> {
    /// The cache file has no path (no home directory).
    NoCachePath {
        /// The profile.
        profile: &'a str,
        /// Why.
        error: PathError,
    },
    /// No cached session: the user has to log in.
    NoSession {
        /// The profile.
        profile: &'a str,
        /// The session ARN and where it is configured.
        session: Sourced<'a>,
        /// The cache file that does not exist.
        path: PathBuf,
    },
    /// The cache file could not be read.
    Unreadable {
        /// The profile.
        profile: &'a str,
        /// The file.
        path: PathBuf,
        /// What the host reported.
        error: FsError,
    },
    /// The cache file is not what `aws login` writes.
    Malformed {
        /// The profile.
        profile: &'a str,
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: Malformed,
    },
    /// The session needs a refresh and `dpopKey` is not a P-256 private key.
    BadKey {
        /// The profile.
        profile: &'a str,
        /// The file.
        path: PathBuf,
        /// What is wrong.
        error: KeyError,
    },
    /// The Sign-In endpoint could not be resolved.
    Endpoint {
        /// The profile.
        profile: &'a str,
        /// Why.
        error: EndpointError<'a>,
    },
    /// The session expires within five minutes and the refresh failed.
    Refresh {
        /// The profile.
        profile: &'a str,
        /// The cache file, left as it was.
        path: PathBuf,
        /// When the cached credentials expire(d), in Unix seconds.
        expires_at: i64,
        /// The failed exchange.
        failure: ServiceFailure,
    },
    /// The Sign-In service failed or answered with something unusable.
    Service(ServiceFailure),
}

impl FailedExchange for LoginError<'_> {
    fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            LoginError::Service(f) | LoginError::Refresh { failure: f, .. } => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for LoginError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let relogin = |f: &mut fmt::Formatter<'_>, profile: &str| {
            write!(f, "; run `aws login --profile {profile}` to sign in again")
        };
        match self {
            LoginError::NoCachePath { profile, error } => {
                write!(f, "profile {profile}: console login: {error}")
            }
            LoginError::NoSession {
                profile,
                session,
                path,
            } => {
                write!(
                    f,
                    "profile {profile}: no cached console login session for {} ({}): {path} does not \
                     exist",
                    session.value, session.source
                )?;
                write!(f, "; run `aws login --profile {profile}` to sign in")
            }
            LoginError::Unreadable {
                profile,
                path,
                error,
            } => {
                write!(
                    f,
                    "profile {profile}: the console login cache file {path} could not be read ({:?}); \
                     check its permissions, or",
                    error.kind
                )?;
                write!(f, " run `aws login --profile {profile}` to write it anew")
            }
            LoginError::Malformed {
                profile,
                path,
                problem,
            } => {
                write!(
                    f,
                    "profile {profile}: the console login cache file {path} is not usable: {problem}"
                )?;
                relogin(f, profile)
            }
            LoginError::BadKey {
                profile,
                path,
                error,
            } => {
                write!(
                    f,
                    "profile {profile}: the console login session in {path} needs a refresh, but its \
                     dpopKey is not usable: {error}"
                )?;
                relogin(f, profile)
            }
            LoginError::Endpoint { profile, error } => write!(
                f,
                "profile {profile}: the console login session needs a refresh, and the AWS Sign-In \
                 endpoint could not be resolved: {error}"
            ),
            LoginError::Refresh {
                profile,
                path,
                expires_at,
                failure,
            } => {
                write!(
                    f,
                    "{failure}; the console login session in {path} (profile {profile}, credentials valid until "
                )?;
                write_isoformat(f, *expires_at)?;
                f.write_str(") could not be refreshed and was left as it was")?;
                relogin(f, profile)
            }
            LoginError::Service(e) => write!(f, "{e}"),
        }
    }
}

/// Whether a Sign-In error code is one of the refusals botocore turns into its own login errors
/// (`LoginRefreshTokenExpired`, `LoginRefreshPasswordChanged`, `LoginInsufficientPermissions`):
/// the person has to sign in again.
#[must_use]
pub fn is_refresh_refusal(code: &str) -> bool {
    matches!(
        code,
        "TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED" | "INSUFFICIENT_PERMISSIONS"
    )
}

/// Reads a console login session's cache file and checks it as botocore's `LoginProvider` does
/// when the chain is built: the file must exist and hold `accessToken`, `refreshToken`,
/// `dpopKey` and `clientId`, whether or not a refresh is due. A role whose source is this
/// profile checks it even when the role's own credentials come from the cache.
pub(crate) async fn check<'s, E: Env + ?Sized, I: Host + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
    io: &I,
    profile: &'s str,
    session: Sourced<'s>,
) -> Result<(), ExecuteError<'s>> {
    let (path, file) = read(eval, io, profile, session).await?;
    checked(&path, file.as_ref(), profile).map(|_| ())
}

/// The session's cache file: its path and its bytes.
async fn read<'s, E: Env + ?Sized, I: Host + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
    io: &I,
    profile: &'s str,
    session: Sourced<'s>,
) -> Result<(PathBuf, <I::Fs as Fs>::File), ExecuteError<'s>> {
    let fail = |e| ExecuteError::Login(Detail::new(e));
    let path = login_cache::cache_path(eval.env(), io.platform(), session.value)
        .map_err(|error| fail(LoginError::NoCachePath { profile, error }))?;
    match io
        .fs()
        .read_at_most(&path, crate::caches::assume_role::MAX_CACHE_FILE_LEN)
        .await
    {
        Ok(Some(file)) => Ok((path, file)),
        Ok(None) => Err(fail(LoginError::NoSession {
            profile,
            session,
            path,
        })),
        Err(error) => Err(fail(LoginError::Unreadable {
            profile,
            path,
            error,
        })),
    }
}

/// The parsed session, every member botocore requires present.
fn checked<'s>(
    path: &PathBuf,
    file: &[u8],
    profile: &'s str,
) -> Result<CachedToken, ExecuteError<'s>> {
    let malformed = |problem| {
        ExecuteError::Login(Detail::new(LoginError::Malformed {
            profile,
            path: path.clone(),
            problem,
        }))
    };
    let token = login_cache::parse(file).map_err(malformed)?;
    refresh_material(&token).map_err(malformed)?;
    Ok(token)
}

/// The client id, refresh token and DPoP key (PEM) of a session.
fn refresh_material(token: &CachedToken) -> Result<(&str, &str, &str), Malformed> {
    Ok((
        token.client_id().ok_or(Malformed::Missing("clientId"))?,
        token
            .refresh_token()
            .ok_or(Malformed::Missing("refreshToken"))?,
        token.dpop_key().ok_or(Malformed::Missing("dpopKey"))?,
    ))
}

/// The credentials of a console login session: the cached ones while more than five minutes
/// remain, else refreshed ones (written back to the cache).
pub(crate) async fn credentials<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    profile: &'s str,
    session: Sourced<'s>,
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, now } = run;
    let fail = |e| ExecuteError::Login(Detail::new(e));
    let (path, file) = read(eval, io, profile, session).await?;
    let malformed = |path: &PathBuf, problem| {
        fail(LoginError::Malformed {
            profile,
            path: path.clone(),
            problem,
        })
    };
    let token = checked(&path, file.as_ref(), profile)?;
    if !token.needs_refresh(now) {
        return Ok(token.credentials().clone());
    }
    let (client_id, refresh_token, pem) =
        refresh_material(&token).map_err(|p| malformed(&path, p))?;

    let key = DpopKey::from_pem(pem).map_err(|error| {
        fail(LoginError::BadKey {
            profile,
            path: path.clone(),
            error,
        })
    })?;
    let original =
        core::str::from_utf8(file.as_ref()).map_err(|_| malformed(&path, Malformed::Json))?;

    crate::chain::execute::before_a_client(eval)?;
    let region = eval
        .resolve(Setting::Region)
        .map_err(|e| {
            fail(LoginError::Endpoint {
                profile,
                error: EndpointError::Evaluate(e),
            })
        })?
        .and_then(|r| {
            Some(Sourced {
                value: r.value.as_str()?,
                source: r.source,
            })
        });
    let endpoint = endpoint::resolve(eval, &endpoint::SIGNIN, region)
        .map_err(|error| fail(LoginError::Endpoint { profile, error }))?;
    // An endpoint URL (at most MAX_ENDPOINT_URL_LEN) and the path always fit a call's URL; an
    // empty one would fail the refresh as an unusable URL.
    let url = exchange::join_url(endpoint.url(), format_args!("{}", signin::TOKEN_PATH))
        .unwrap_or_default();

    // botocore makes the Sign-In client, and so reads its retry settings, only to refresh.
    let retry = crate::chain::execute::retry_config(eval)?;
    let refreshed = signin::refresh(
        io.http(),
        io.clock(),
        retry,
        &url,
        client_id,
        refresh_token,
        &key,
        now,
        LOGIN_TIMEOUT_MS,
    )
    .await
    .map_err(|failure| {
        fail(LoginError::Refresh {
            profile,
            path: path.clone(),
            expires_at: token.expires_at(),
            failure,
        })
    })?;
    let expires_at = now.saturating_add(refreshed.expires_in);
    let account = token.credentials().account_id();
    let credentials = Credentials::new(
        ProviderKind::Login,
        &refreshed.access_key_id,
        &refreshed.secret_access_key,
        Some(&refreshed.session_token),
        Some(expires_at),
        account,
    )?;

    // Write the refreshed token back. A failed write loses nothing the next run needs (the old
    // refresh token stays valid for a while, and it will refresh again), so the credentials are
    // still returned, as the AWS CLI does.
    let mut text = heapless::String::<MAX_LOGIN_CACHE_LEN>::new();
    if login_cache::write_refreshed(&mut text, original, &refreshed, account, expires_at).is_ok() {
        let _ = io.fs().write_private(&path, text.as_bytes()).await;
    }
    Ok(credentials)
}
