//! AssumeRole steps: the cache the AWS CLI shares, the MFA prompt, STS.

use core::fmt;

use super::{ExecuteError, Io, StsFailure, MAX_MFA_CODE_LEN};
use crate::cache::{self, CacheArgs, Lookup};
use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, MAX_ENDPOINT_URL_LEN};
use crate::evaluate::Evaluator;
use crate::io::{Clock, Command, Env, Fs, Http, Prompt, PromptError};
use crate::plan::{AssumeRoleStep, ProviderKind};
use crate::sts::{self, AssumeRoleParams, Mfa, StsOptions};

/// One AssumeRole step: the cache the AWS CLI shares first, then STS (prompting for an MFA code
/// when the profile has `mfa_serial`), then the cache written back.
pub(super) async fn assume_role<'s, E, F, H, C, P, K>(
    eval: &Evaluator<'s, 's, E>,
    io: &Io<'_, F, H, C, P, K>,
    endpoint: &Endpoint<'s>,
    caller: &Credentials,
    step: &AssumeRoleStep<'s>,
    now: i64,
) -> Result<Credentials, ExecuteError<'s>>
where
    E: Env + ?Sized,
    F: Fs + ?Sized,
    H: Http + ?Sized,
    C: Command + ?Sized,
    P: Prompt + ?Sized,
    K: Clock + ?Sized,
{
    let duration_seconds = match step.duration_seconds {
        Some(value) => Some(sts::parse_duration_seconds(value.value).ok_or(
            ExecuteError::BadDuration {
                profile: step.profile,
                value,
            },
        )?),
        None => None,
    };
    let configured_name = step.session_name.map(|s| s.value);
    let args = CacheArgs {
        role_arn: step.role_arn.value,
        role_session_name: configured_name,
        external_id: step.external_id.map(|s| s.value),
        serial_number: step.mfa_serial.map(|s| s.value),
        duration_seconds,
    };
    let platform = io.platform;
    if let Lookup::Hit(role) = cache::load(
        io.fs,
        eval.env(),
        platform,
        &args,
        now,
        ProviderKind::AssumeRole,
    )
    .await
    {
        return Ok(role.credentials);
    }
    let mut code = heapless::String::<MAX_MFA_CODE_LEN>::new();
    if let Some(serial) = step.mfa_serial {
        let mut question = heapless::String::<{ MAX_ENDPOINT_URL_LEN + 32 }>::new();
        let _ = fmt::Write::write_fmt(
            &mut question,
            format_args!("Enter MFA code for {}: ", serial.value),
        );
        let answer = io
            .prompt
            .ask(&question)
            .await
            .map_err(|error| ExecuteError::Mfa {
                profile: step.profile,
                serial,
                error,
            })?;
        let typed = answer.as_ref().trim();
        if typed.is_empty() || code.push_str(typed).is_err() {
            return Err(ExecuteError::Mfa {
                profile: step.profile,
                serial,
                error: PromptError::Cancelled,
            });
        }
    }
    let generated = sts::generated_session_name(now);
    let params = AssumeRoleParams {
        role_arn: step.role_arn.value,
        role_session_name: configured_name.unwrap_or(&generated),
        external_id: args.external_id,
        mfa: step.mfa_serial.map(|serial| Mfa {
            serial_number: serial.value,
            token_code: &code,
        }),
        duration_seconds,
    };
    let role = sts::assume_role(
        io.http,
        endpoint,
        caller,
        &params,
        now,
        &StsOptions::default(),
    )
    .await
    .map_err(|e| {
        ExecuteError::Sts(StsFailure::from_error(
            e,
            step.role_arn.value,
            endpoint.origin(),
        ))
    })?;
    // A cache that cannot be written costs a call next time, nothing more.
    let _ = cache::store(io.fs, eval.env(), platform, &args, &role).await;
    Ok(role.credentials)
}
