//! Bearer tokens: the AWS CLI's token provider chain (botocore's `SSOTokenProvider`), which
//! gives services that take an IAM Identity Center token (CodeCatalyst, Amazon Q) the token of
//! the active profile's `sso_session`.
//!
//! ```ini
//! [profile default]
//! sso_session = corp
//!
//! [sso-session corp]
//! sso_start_url = https://d-abc123.awsapps.com/start
//! sso_region = us-east-1
//! ```
//!
//! The profile needs only `sso_session` (no account or role); `sso_start_url` and `sso_region`
//! are read from the session's section. The token is the one in
//! `~/.aws/sso/cache/<sha1 of "corp">.json`, refreshed through SSO-OIDC when fewer than 15
//! minutes remain, exactly as for credentials ([`crate::chain::providers::sso::token`]). A profile without
//! `sso_session` has no token (the legacy form is not part of the token chain, as in botocore).

// Errors carry the token file's path inline: the core has no allocator to box it.
#![allow(clippy::result_large_err)]

use crate::chain::providers::sso::{self, SsoError, TokenSource};
use crate::config::evaluate::Evaluator;
use crate::config::locate::Platform;
use crate::config::parse::Property;
use crate::io::{Clock, Env, Fs, Http};
use crate::services::sso_oidc::Token;
use crate::Source;

/// Where the active profile's bearer token comes from: its `sso_session` and that section's
/// start URL and region.
///
/// # Errors
/// [`SsoError::NoSession`], [`SsoError::SessionMultiLine`], [`SsoError::SessionNotFound`],
/// [`SsoError::SessionIncomplete`].
pub fn token_source<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<TokenSource<'s>, SsoError<'s>> {
    let active = eval.active_profile();
    let profile = active.name;
    let property = active
        .profile
        .and_then(|p| p.get("sso_session"))
        .ok_or(SsoError::NoSession { profile })?;
    let session = property.sourced().ok_or(SsoError::SessionMultiLine {
        profile,
        source: Source::File {
            kind: property.kind,
            path: property.path,
            line: property.line,
        },
    })?;
    let section = eval
        .files()
        .sso_session(session.value)
        .ok_or(SsoError::SessionNotFound { profile, session })?;
    let key = |missing: &'static str| {
        section
            .get(missing)
            .and_then(Property::sourced)
            .ok_or(SsoError::SessionIncomplete {
                profile,
                session: session.value,
                missing,
            })
    };
    Ok(TokenSource {
        profile,
        session: Some(session),
        start_url: key("sso_start_url")?,
        region: key("sso_region")?,
    })
}

/// The active profile's bearer token, refreshed when botocore would refresh it.
///
/// # Errors
/// [`SsoError`]: no session, no token (log in), an expired token, a failed refresh.
pub async fn resolve_token<'s, E, F, H, K>(
    eval: &Evaluator<'s, 's, E>,
    fs: &F,
    http: &H,
    clock: &K,
    platform: Platform,
) -> Result<Token, SsoError<'s>>
where
    E: Env + ?Sized,
    F: Fs + ?Sized,
    H: Http + ?Sized,
    K: Clock + ?Sized,
{
    let source = token_source(eval)?;
    sso::token(eval, fs, http, clock, &source, platform).await
}
