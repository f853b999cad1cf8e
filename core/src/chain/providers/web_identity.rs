//! Web identity: AssumeRoleWithWebIdentity with a token read from its file.

use crate::caches::assume_role::{self as cache, CacheArgs, Lookup};
use crate::chain::execute::{
    Detail, ExecuteError, Host, Run, StsFailure, MAX_WEB_IDENTITY_TOKEN_LEN,
};
use crate::credentials::Credentials;
use crate::credentials::ProviderKind;
use crate::io::{Env, Fs, FsError};
use crate::services::endpoint;
use crate::services::sts::{self, StsOptions, WebIdentityParams};

pub use crate::chain::plan::WebIdentityStep;

/// AssumeRoleWithWebIdentity: with `file_cache`, the cache the AWS CLI shares first (it caches
/// these results in ~/.aws/cli/cache like AssumeRole's, keyed by the role and a configured
/// session name, not by the token), then STS with the token read from its file (read each
/// time: tokens rotate), then the cache written back.
pub(crate) async fn credentials<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
    step: &WebIdentityStep<'s>,
    file_cache: bool,
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, now } = run;
    let WebIdentityStep {
        role_arn,
        token_file,
        session_name,
    } = *step;
    let args = CacheArgs {
        role_arn: role_arn.value,
        role_session_name: session_name.map(|s| s.value),
        external_id: None,
        serial_number: None,
        duration_seconds: None,
    };
    if file_cache {
        let lookup = cache::load(
            io.fs(),
            eval.env(),
            io.platform(),
            &args,
            now,
            ProviderKind::WebIdentity,
        );
        if let Lookup::Hit(role) = lookup.await {
            return Ok(role.credentials);
        }
    }
    let unreadable = |error| ExecuteError::TokenFile {
        path: token_file,
        error,
    };
    let file = io
        .fs()
        .read_token(token_file.value, MAX_WEB_IDENTITY_TOKEN_LEN)
        .await
        .map_err(|e| unreadable(Some(e)))?
        .ok_or(unreadable(None))?;
    let bytes = file.as_ref();
    if bytes.len() > MAX_WEB_IDENTITY_TOKEN_LEN {
        return Err(unreadable(Some(FsError {
            kind: crate::io::FsErrorKind::TooLarge,
            os_code: None,
        })));
    }
    let token = core::str::from_utf8(bytes).map_err(|_| unreadable(None))?;
    crate::chain::execute::before_a_client(eval)?;
    let endpoint = endpoint::sts(eval).map_err(ExecuteError::Endpoint)?;
    let generated = sts::generated_session_name(now);
    let params = WebIdentityParams {
        role_arn: role_arn.value,
        role_session_name: session_name.map_or(generated.as_str(), |s| s.value),
        web_identity_token: token,
    };
    let options = StsOptions {
        retry: crate::chain::execute::retry_config(eval)?,
        ..StsOptions::default()
    };
    let role =
        sts::assume_role_with_web_identity(io.http(), io.clock(), &endpoint, &params, &options)
            .await
            .map_err(|e| {
                ExecuteError::Sts(Detail::new(StsFailure::from_error(
                    e,
                    role_arn.value,
                    endpoint.origin(),
                )))
            })?;
    if file_cache {
        // A cache that cannot be written costs a call next time, nothing more.
        let _ = cache::store(io.fs(), eval.env(), io.platform(), &args, &role).await;
    }
    Ok(role.credentials)
}
