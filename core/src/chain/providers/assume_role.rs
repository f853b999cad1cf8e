//! AssumeRole steps, in the order botocore takes them: each role's cache (the one the AWS CLI
//! shares) is looked up from the outermost role inwards, each missed role asks for its MFA code
//! on the way, and STS is then called from the innermost missed role outwards.

use core::fmt;

use crate::caches::assume_role::{self as cache, CacheArgs, Lookup};
use crate::chain::execute::{Detail, ExecuteError, Host, Run, StsFailure, MAX_MFA_CODE_LEN};
use crate::chain::plan::AssumeRoleStep;
use crate::credentials::Credentials;
use crate::credentials::ProviderKind;
use crate::io::{Env, Prompt, PromptError};
use crate::services::endpoint::{Endpoint, MAX_ENDPOINT_URL_LEN};
use crate::services::sts::{self, AssumeRoleParams, Mfa, StsOptions, StsTarget};

/// An MFA code as typed (empty when the role needs none).
pub(crate) type MfaCode = heapless::String<MAX_MFA_CODE_LEN>;

/// The cache key of a step: its role, configured session name, external id, MFA device and
/// duration, as the AWS CLI computes it. A `duration_seconds` that Python's `int()` cannot
/// read is left out, as botocore leaves it out (it then asks STS for the default hour).
pub(crate) fn cache_args<'s>(step: &AssumeRoleStep<'s>) -> CacheArgs<'s> {
    CacheArgs {
        role_arn: step.role_arn.value,
        role_session_name: step.session_name.map(|s| s.value),
        external_id: step.external_id.map(|s| s.value),
        serial_number: step.mfa_serial.map(|s| s.value),
        duration_seconds: step
            .duration_seconds
            .and_then(|d| sts::parse_duration_seconds(d.value)),
    }
}

/// The step's credentials from the cache the AWS CLI shares, when they have more than 15
/// minutes left.
pub(crate) async fn cached<E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, '_, E, I>,
    args: &CacheArgs<'_>,
) -> Option<Credentials> {
    let Run { eval, io, now } = run;
    match cache::load(
        io.fs(),
        eval.env(),
        io.platform(),
        args,
        now,
        ProviderKind::AssumeRole,
    )
    .await
    {
        Lookup::Hit(role) => Some(role.credentials),
        Lookup::Miss(_) => None,
    }
}

/// The MFA code of a step whose profile has `mfa_serial` (asked for before its source's
/// credentials are resolved, as botocore builds the AssumeRole arguments first).
pub(crate) async fn mfa_code<'s, I: Host + ?Sized>(
    io: &I,
    step: &AssumeRoleStep<'s>,
) -> Result<MfaCode, ExecuteError<'s>> {
    let mut code = MfaCode::new();
    let Some(serial) = step.mfa_serial else {
        return Ok(code);
    };
    let mut question = heapless::String::<{ MAX_ENDPOINT_URL_LEN + 32 }>::new();
    let _ = fmt::Write::write_fmt(
        &mut question,
        format_args!("Enter MFA code for {}: ", serial.value),
    );
    let answer = io
        .prompt()
        .ask(&question)
        .await
        .map_err(|error| ExecuteError::Mfa {
            profile: step.profile,
            serial,
            error,
        })?;
    let typed = answer.as_ref().trim();
    let problem = if typed.is_empty() {
        Some(PromptError::Cancelled)
    } else if code.push_str(typed).is_err() {
        Some(PromptError::TooLong)
    } else {
        None
    };
    if let Some(error) = problem {
        return Err(ExecuteError::Mfa {
            profile: step.profile,
            serial,
            error,
        });
    }
    Ok(code)
}

/// STS AssumeRole for one step, signed with `caller`, and the result written to the cache.
#[allow(clippy::too_many_arguments)] // The step's parts, each computed once by the caller.
pub(crate) async fn call<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    endpoint: &Endpoint<'s>,
    caller: &Credentials,
    step: &AssumeRoleStep<'s>,
    args: &CacheArgs<'s>,
    code: &str,
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, now } = run;
    let generated = sts::generated_session_name(now);
    let params = AssumeRoleParams {
        role_arn: step.role_arn.value,
        role_session_name: args.role_session_name.unwrap_or(&generated),
        external_id: args.external_id,
        mfa: step.mfa_serial.map(|serial| Mfa {
            serial_number: serial.value,
            token_code: code,
        }),
        duration_seconds: args.duration_seconds,
    };
    let options = StsOptions {
        retry: crate::chain::execute::retry_config(eval)?,
        ..StsOptions::default()
    };
    let to = StsTarget {
        http: io.http(),
        clock: io.clock(),
        endpoint,
        caller,
        options,
    };
    let role = sts::assume_role(&to, &params).await.map_err(|e| {
        ExecuteError::Sts(Detail::new(StsFailure::from_error(
            e,
            step.role_arn.value,
            endpoint.origin(),
        )))
    })?;
    // A cache that cannot be written costs a call next time, nothing more.
    let _ = cache::store(io.fs(), eval.env(), io.platform(), args, &role).await;
    Ok(role.credentials)
}
