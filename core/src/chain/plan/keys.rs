//! Static keys and single-line values, from the environment or a profile.

use super::*;
use crate::config::parse::{Profile, Property};
use crate::io::Env;
use crate::{FileKind, Source, Sourced};

/// A variable of the environment; blank values count as unset.
pub(super) fn env_var<'e, E: Env + ?Sized>(env: &'e E, name: &'static str) -> Option<Sourced<'e>> {
    let value = env.var(name).filter(|v| !v.is_empty())?;
    Some(Sourced {
        value,
        source: Source::EnvVar(name),
    })
}

/// The environment provider's keys: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (an access
/// key without its secret is [`PlanError::PartialCredentials`]), the session token
/// (`AWS_SECURITY_TOKEN` wins over `AWS_SESSION_TOKEN`, as in the AWS CLI),
/// `AWS_CREDENTIAL_EXPIRATION` and `AWS_ACCOUNT_ID`. Blank values count as unset.
pub fn environment_keys<E: Env + ?Sized>(env: &E) -> Result<Option<StaticKeys<'_>>, PlanError<'_>> {
    let var = |name| env_var(env, name);
    let (access, secret) = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (None, _) => return Ok(None),
        (Some(present), None) => {
            return Err(PlanError::PartialCredentials {
                profile: None,
                present,
                missing: "AWS_SECRET_ACCESS_KEY",
            })
        }
        (Some(a), Some(s)) => (a, s),
    };
    let token = var("AWS_SECURITY_TOKEN").or_else(|| var("AWS_SESSION_TOKEN"));
    Ok(Some(StaticKeys {
        access_key_id: access,
        secret_access_key: secret_of(secret),
        session_token: token.map(secret_of),
        expiration: var("AWS_CREDENTIAL_EXPIRATION"),
        account_id: var("AWS_ACCOUNT_ID"),
    }))
}

pub(super) fn secret_of(s: Sourced<'_>) -> Secret<'_> {
    Secret {
        value: s.value,
        source: s.source,
    }
}

pub(super) fn sourced<'a>(
    profile: &'a str,
    key: &'static str,
    p: Property<'a>,
) -> Result<Sourced<'a>, PlanError<'a>> {
    let source = Source::File {
        kind: p.kind,
        path: p.path,
        line: p.line,
    };
    let value = p.value.as_str().ok_or(PlanError::MultiLineValue {
        profile,
        key,
        source,
    })?;
    Ok(Sourced { value, source })
}

/// A single-line key of the merged profile.
pub(super) fn value<'a>(
    profile: Profile<'a, 'a>,
    key: &'static str,
) -> Result<Option<Sourced<'a>>, PlanError<'a>> {
    profile
        .get(key)
        .map(|p| sourced(profile.name(), key, p))
        .transpose()
}

/// botocore's `_has_static_credentials`: any of the three keys, in either file.
pub(super) fn has_static_keys(profile: Profile<'_, '_>) -> bool {
    [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
    ]
    .iter()
    .any(|k| profile.get(k).is_some())
}

/// Static keys from one file's section, or why there are none.
pub(super) fn static_keys<'a>(
    profile: Profile<'a, 'a>,
    kind: FileKind,
) -> Result<Result<StaticKeys<'a>, SkipReason>, PlanError<'a>> {
    let present = match kind {
        FileKind::Config => profile.in_config(),
        FileKind::Credentials => profile.in_credentials(),
    };
    if !present {
        return Ok(Err(match kind {
            FileKind::Config => SkipReason::NotInConfigFile,
            FileKind::Credentials => SkipReason::NotInCredentialsFile,
        }));
    }
    let name = profile.name();
    let get = |key: &'static str| {
        profile
            .get_in_file(kind, key)
            .map(|p| sourced(name, key, p))
            .transpose()
    };
    let Some(access) = get("aws_access_key_id")? else {
        return Ok(Err(SkipReason::NoAccessKey(kind)));
    };
    let secret = get("aws_secret_access_key")?.ok_or(PlanError::PartialCredentials {
        profile: Some(name),
        present: access,
        missing: "aws_secret_access_key",
    })?;
    let token = get("aws_security_token")?.or(get("aws_session_token")?);
    Ok(Ok(StaticKeys {
        access_key_id: access,
        secret_access_key: secret_of(secret),
        session_token: token.map(secret_of),
        expiration: None,
        account_id: get("aws_account_id")?,
    }))
}
