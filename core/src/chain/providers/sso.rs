//! IAM Identity Center: the token from the cache the AWS CLI shares (~/.aws/sso/cache, see
//! [`crate::caches::sso_token`]), refreshed through SSO-OIDC for an `sso_session`, then
//! GetRoleCredentials from the portal.
//!
//! ```ini
//! [profile dev]
//! sso_session = corp
//! sso_account_id = 123456789012
//! sso_role_name = ReadOnly
//!
//! [sso-session corp]
//! sso_start_url = https://d-abc123.awsapps.com/start
//! sso_region = us-east-1
//! ```
//!
//! The legacy form puts `sso_start_url` and `sso_region` in the profile itself; its token is
//! never refreshed. GetRoleCredentials is
//! `GET {portal}/federation/credentials?role_name=R&account_id=A` with the token in the header
//! `x-amz-sso_bearer_token`, unsigned; the portal is `https://portal.sso.{sso_region}.amazonaws.com`
//! unless `AWS_ENDPOINT_URL_SSO` (or another endpoint setting) says otherwise. The answer's
//! `expiration` is in epoch milliseconds. The account id of the credentials is the profile's.

use core::fmt;

use crate::caches::assume_role::CachePathError;
use crate::caches::sso_token::{self, NoRefresh, TokenProblem, MAX_TOKEN_FILE_LEN};
use crate::chain::execute::{Detail, ExecuteError, Host, Run};
use crate::config::evaluate::Evaluator;
use crate::config::locate::{PathBuf, Platform};
use crate::credentials::Credentials;
use crate::io::{Clock, Env, Fs, FsError, Http};
use crate::services::endpoint::{self, EndpointError};
use crate::services::exchange::{FailedExchange, ServiceFailure, ServiceTarget};
use crate::services::retry::RetrySettingError;
use crate::services::sso_oidc::{self, Token};
use crate::services::sso_portal::{self, PortalError};
use crate::Sourced;

pub use crate::chain::plan::{SsoStep, TokenSource};

/// What a token file is named after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenName<'a> {
    /// The `[sso-session NAME]`.
    Session(&'a str),
    /// The start URL (the legacy form).
    StartUrl(&'a str),
}

impl fmt::Display for TokenName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenName::Session(s) => write!(f, "sso-session {s}"),
            TokenName::StartUrl(u) => write!(f, "start URL {u}"),
        }
    }
}

/// Why an expired token was not renewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRenewed {
    /// No refresh was possible.
    NoRefresh(NoRefresh),
    /// SSO-OIDC answered the refresh with an error.
    RefreshFailed(ServiceFailure),
    /// SSO-OIDC gave a token that had already expired.
    RefreshedExpired,
}

/// Why IAM Identity Center gave no credentials (or no token). Each names the profile and the file
/// or endpoint; none carries a token.
#[derive(Debug, Clone)]
pub enum SsoError<'a> {
    /// There is no token file: the user has to log in.
    NoToken {
        /// The profile.
        profile: &'a str,
        /// What the file is named after: the `[sso-session]`, or the start URL (legacy form).
        name: TokenName<'a>,
        /// The file looked for.
        path: PathBuf,
    },
    /// The token file has no path (no home directory, or too long a path).
    NoPath {
        /// The profile.
        profile: &'a str,
        /// Why.
        error: CachePathError,
    },
    /// The token file could not be read.
    Unreadable {
        /// The profile.
        profile: &'a str,
        /// The file.
        path: PathBuf,
        /// What the host reported.
        error: FsError,
    },
    /// The token file is not one credchain can use.
    BadToken {
        /// The profile.
        profile: &'a str,
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: TokenProblem,
    },
    /// The token has expired and was not renewed: the user has to log in again.
    Expired {
        /// The profile.
        profile: &'a str,
        /// The file.
        path: PathBuf,
        /// When it expired, in Unix seconds.
        expired_at: i64,
        /// Why it was not refreshed.
        why: NotRenewed,
    },
    /// The portal refused the token (HTTP 401, UnauthorizedException): the session is over.
    Unauthorized {
        /// The profile.
        profile: &'a str,
        /// The exchange.
        failure: ServiceFailure,
    },
    /// The portal's or SSO-OIDC's endpoint could not be resolved.
    Endpoint(EndpointError<'a>),
    /// A bearer token was asked for, and the profile has no `sso_session`.
    NoSession {
        /// The profile.
        profile: &'a str,
    },
    /// `sso_session` is written over several lines (botocore looks for a section of that name,
    /// newline and all, and finds none).
    SessionMultiLine {
        /// The profile.
        profile: &'a str,
        /// Where it is set.
        source: crate::Source<'a>,
    },
    /// `sso_session` names a section the config file does not have.
    SessionNotFound {
        /// The profile.
        profile: &'a str,
        /// The name and where it is set.
        session: Sourced<'a>,
    },
    /// The `[sso-session]` section lacks a key (or has it over several lines).
    SessionIncomplete {
        /// The profile.
        profile: &'a str,
        /// The session.
        session: &'a str,
        /// The key.
        missing: &'static str,
    },
    /// The portal or SSO-OIDC failed or answered with something unusable.
    Service(ServiceFailure),
    /// `retry_mode` or `max_attempts` has a value the AWS CLI v2 refuses (checked when the portal
    /// or SSO-OIDC is about to be called).
    RetrySetting(RetrySettingError<'a>),
}

const PROVIDER: &str = "IAM Identity Center (SSO)";

impl FailedExchange for SsoError<'_> {
    fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            SsoError::Service(f) | SsoError::Unauthorized { failure: f, .. } => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for SsoError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let login = |f: &mut fmt::Formatter<'_>, profile: &str| {
            write!(f, "; run `aws sso login --profile {profile}`")
        };
        match self {
            SsoError::NoToken {
                profile,
                name,
                path,
            } => {
                write!(
                    f,
                    "{PROVIDER}: profile {profile}: no cached token for {name} at {path}"
                )?;
                login(f, profile)
            }
            SsoError::NoPath { profile, error } => {
                write!(f, "{PROVIDER}: profile {profile}: the token cache (~/.aws/sso/cache) has no path: ")?;
                match error {
                    CachePathError::NoHome => {
                        f.write_str("no home directory is known; set HOME (or USERPROFILE on Windows)")
                    }
                    CachePathError::TooLong => {
                        f.write_str("it is longer than MAX_PATH_LEN; use a shorter home directory")
                    }
                }
            }
            SsoError::Unreadable {
                profile,
                path,
                error,
            } => write!(
                f,
                "{PROVIDER}: profile {profile}: the cached token {path} could not be read ({:?}); check its \
                 permissions",
                error.kind
            ),
            SsoError::BadToken {
                profile,
                path,
                problem,
            } => {
                write!(f, "{PROVIDER}: profile {profile}: the cached token {path} {problem}")?;
                login(f, profile)
            }
            SsoError::Expired {
                profile,
                path,
                expired_at,
                why,
            } => {
                write!(f, "{PROVIDER}: profile {profile}: the cached token {path} expired at ")?;
                sso_token::write_utc_z(f, *expired_at)?;
                match why {
                    NotRenewed::NoRefresh(reason) => write!(f, " ({reason})")?,
                    NotRenewed::RefreshFailed(e) => write!(f, " and the refresh failed ({e})")?,
                    NotRenewed::RefreshedExpired => f.write_str(" (the refreshed token had expired too)")?,
                }
                login(f, profile)
            }
            SsoError::Unauthorized { profile, failure } => {
                write!(
                    f,
                    "{failure}; the IAM Identity Center session of profile {profile} has expired or is \
                     otherwise invalid"
                )?;
                login(f, profile)
            }
            SsoError::Endpoint(e) => write!(f, "{PROVIDER}: {e}"),
            SsoError::NoSession { profile } => write!(
                f,
                "{PROVIDER}: profile {profile} has no sso_session, so it has no bearer token; add \
                 `sso_session = NAME` and an [sso-session NAME] section, then run `aws sso login --profile \
                 {profile}`"
            ),
            SsoError::SessionMultiLine { profile, source } => write!(
                f,
                "{PROVIDER}: profile {profile}: sso_session ({source}) is written over several lines, so it \
                 names no [sso-session] section; write it on one line"
            ),
            SsoError::SessionNotFound { profile, session } => write!(
                f,
                "{PROVIDER}: profile {profile}: sso_session \"{}\" ({}) does not exist; add [sso-session {}] \
                 to the config file",
                session.value, session.source, session.value
            ),
            SsoError::SessionIncomplete {
                profile,
                session,
                missing,
            } => write!(
                f,
                "{PROVIDER}: profile {profile}: [sso-session {session}] has no single-line {missing}; add it \
                 (`aws configure sso-session` writes it)"
            ),
            SsoError::Service(e) => write!(f, "{e}"),
            SsoError::RetrySetting(e) => write!(f, "{e}"),
        }
    }
}

/// The token of `source`, from its cache file, refreshed through SSO-OIDC when botocore would
/// (see [`crate::caches::sso_token`]), and refused when expired.
///
/// # Errors
/// [`SsoError`].
pub async fn token<'s, E, F, H, K>(
    eval: &Evaluator<'s, 's, E>,
    fs: &F,
    http: &H,
    clock: &K,
    source: &TokenSource<'s>,
    platform: Platform,
) -> Result<Token, SsoError<'s>>
where
    E: Env + ?Sized,
    F: Fs + ?Sized,
    H: Http + ?Sized,
    K: Clock + ?Sized,
{
    let now = clock.now_unix();
    let profile = source.profile;
    let path = sso_token::token_path(eval.env(), platform, source.cache_name())
        .map_err(|error| SsoError::NoPath { profile, error })?;
    let file = match fs
        .read_at_most(&path, crate::caches::assume_role::MAX_CACHE_FILE_LEN)
        .await
    {
        Ok(Some(file)) => file,
        Ok(None) => {
            let name = match source.session {
                Some(s) => TokenName::Session(s.value),
                None => TokenName::StartUrl(source.start_url.value),
            };
            return Err(SsoError::NoToken {
                profile,
                name,
                path,
            });
        }
        Err(error) => {
            return Err(SsoError::Unreadable {
                profile,
                path,
                error,
            })
        }
    };
    let cached = sso_token::parse_token(file.as_ref(), source.session.is_none(), now).map_err(
        |problem| SsoError::BadToken {
            profile,
            path: path.clone(),
            problem,
        },
    )?;
    drop(file);
    let mut token = cached.token;
    let mut why = None;
    if sso_token::wants_refresh(token.expires_at(), now) {
        match &cached.registration {
            Err(reason) => why = Some(NotRenewed::NoRefresh(*reason)),
            Ok(registration) => {
                let endpoint = endpoint::resolve(eval, &endpoint::SSO_OIDC, Some(source.region))
                    .map_err(SsoError::Endpoint)?;
                // botocore makes the SSO-OIDC client, and so reads its retry settings, only to
                // refresh.
                let retry =
                    crate::services::retry::settings(eval).map_err(SsoError::RetrySetting)?;
                let to = ServiceTarget {
                    http,
                    clock,
                    retry: retry.config,
                    endpoint: &endpoint,
                };
                match sso_oidc::create_token(&to, registration, now).await {
                    Ok(refreshed) => {
                        let mut text = heapless::String::<MAX_TOKEN_FILE_LEN>::new();
                        if sso_token::write_token_file(
                            &mut text,
                            source.start_url.value,
                            source.region.value,
                            &refreshed,
                            registration,
                        )
                        .is_ok()
                        {
                            // A cache that cannot be written costs a refresh next time; the
                            // new token serves this run either way.
                            let _ = fs.write_private(&path, text.as_bytes()).await;
                        }
                        token = refreshed.token().clone();
                    }
                    // botocore keeps the cached token when SSO-OIDC answers with an error (a
                    // ClientError), and fails on anything else.
                    Err(e) if e.is_service_error() => why = Some(NotRenewed::RefreshFailed(e)),
                    Err(e) => return Err(SsoError::Service(e)),
                }
            }
        }
    }
    if token.expires_at() <= now {
        return Err(SsoError::Expired {
            profile,
            path,
            expired_at: token.expires_at(),
            why: why.unwrap_or(NotRenewed::RefreshedExpired),
        });
    }
    Ok(token)
}

/// GetRoleCredentials with `token`.
async fn role_credentials<'s, E, H, K>(
    eval: &Evaluator<'s, 's, E>,
    http: &H,
    clock: &K,
    step: &SsoStep<'s>,
    token: &Token,
) -> Result<Credentials, ExecuteError<'s>>
where
    E: Env + ?Sized,
    H: Http + ?Sized,
    K: Clock + ?Sized,
{
    let endpoint = endpoint::resolve(eval, &endpoint::SSO, Some(step.token.region))
        .map_err(|e| ExecuteError::Sso(Detail::new(SsoError::Endpoint(e))))?;
    let retry = crate::services::retry::settings(eval)
        .map_err(|e| ExecuteError::Sso(Detail::new(SsoError::RetrySetting(e))))?
        .config;
    let role = sso_portal::RoleRequest {
        role_name: step.role_name.value,
        account_id: step.account_id.value,
        access_token: token.access_token(),
    };
    let to = ServiceTarget {
        http,
        clock,
        retry,
        endpoint: &endpoint,
    };
    sso_portal::get_role_credentials(&to, &role)
        .await
        .map_err(|e| match e {
            PortalError::Failed(failure) => {
                ExecuteError::Sso(Detail::new(SsoError::Service(failure)))
            }
            PortalError::Unauthorized(failure) => {
                ExecuteError::Sso(Detail::new(SsoError::Unauthorized {
                    profile: step.token.profile,
                    failure,
                }))
            }
            PortalError::TooLong(too_long) => ExecuteError::TooLong(too_long),
        })
}

/// The role credentials of an IAM Identity Center profile.
pub(crate) async fn credentials<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    step: &SsoStep<'s>,
    // The token is judged at the clock's time, as export-token judges it.
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, .. } = run;
    let token = token(
        eval,
        io.fs(),
        io.http(),
        io.clock(),
        &step.token,
        io.platform(),
    )
    .await
    .map_err(|e| ExecuteError::Sso(Detail::new(e)))?;
    role_credentials(eval, io.http(), io.clock(), step, &token).await
}
