//! `credchain sso logout`: as `aws sso logout`, across every profile. Each file of
//! `~/.aws/sso/cache` that is a JSON object with `accessToken` is a token: when it names its
//! `region`, the portal's Logout ends the session first (an error answer is ignored, as the
//! AWS CLI ignores it; a call that does not get through stops here and keeps the file), then
//! the file is deleted. Then each file of `~/.aws/cli/cache` holding SSO role credentials
//! (`"ProviderType": "sso"`) is deleted. Registrations, assume-role entries, files that are
//! not JSON: kept. Prints nothing; missing directories are not an error.

use credchain_core::caches::assume_role::{key_file_path, CacheKey, CACHE_DIR};
use credchain_core::caches::sso_token::SSO_CACHE_DIR;
use credchain_core::config::evaluate::Evaluator;
use credchain_core::io::{block_on, Fs};
use credchain_core::services::endpoint;
use credchain_core::services::exchange::ServiceTarget;
use credchain_core::services::retry;
use credchain_core::services::sso_portal;
use credchain_core::signin::sso::{is_sso_role_cache, read_logout_token};
use credchain_core::{Source, Sourced};

use crate::commands::signin_flow::service_failure;
use crate::commands::sso::profile_not_found;
use crate::commands::Context;
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;

/// The largest cache file read; a larger one is no file credchain or the AWS CLI wrote.
const MAX_CACHE_FILE: usize = 1024 * 1024;

/// Runs `sso logout`.
pub fn run<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    ctx.with_evaluator(streams, profile_not_found, |eval, _| {
        if let Some(dir) = cache_dir(ctx, SSO_CACHE_DIR)? {
            for (path, contents) in files(ctx, &dir)? {
                let Some(token) = read_logout_token(&contents) else {
                    continue;
                };
                if let (Some(region), Some(access_token)) = (&token.region, &token.access_token) {
                    logout(ctx, eval, region, access_token)?;
                }
                remove(ctx, &path)?;
            }
        }
        if let Some(dir) = cache_dir(ctx, CACHE_DIR)? {
            for (path, contents) in files(ctx, &dir)? {
                if is_sso_role_cache(&contents) {
                    remove(ctx, &path)?;
                }
            }
        }
        Ok(())
    })
}

/// The portal's Logout for one token.
fn logout<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    eval: &Evaluator<'_, '_, M::Env>,
    region: &str,
    access_token: &str,
) -> Result<(), Failure> {
    let io = ctx.machine.io();
    let region = Sourced {
        value: region,
        source: Source::Default,
    };
    let endpoint = endpoint::resolve(eval, &endpoint::SSO, Some(region)).map_err(Failure::other)?;
    let portal = ServiceTarget {
        http: io.http,
        clock: io.clock,
        retry: retry::settings(eval).map_err(Failure::other)?.config,
        endpoint: &endpoint,
    };
    match block_on(sso_portal::logout(&portal, access_token)) {
        Ok(()) => Ok(()),
        // The token may have expired or been ended already.
        Err(failure) if failure.is_service_error() => Ok(()),
        Err(failure) => Err(service_failure(&failure)),
    }
}

/// The directory `~/.aws/<..>/cache`, located as the cache files are; `None` without a home.
fn cache_dir<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    dir: [&str; 3],
) -> Result<Option<String>, Failure> {
    let any = CacheKey::of_json(|w| w.write_str(""));
    let Ok(file) = key_file_path(ctx.machine.env(), ctx.machine.io().platform, dir, &any) else {
        return Ok(None);
    };
    Ok(file
        .as_str()
        .rsplit_once(['/', '\\'])
        .map(|(dir, _)| dir.to_owned()))
}

/// Each readable file of `dir`, with its contents, in name order.
fn files<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    dir: &str,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let names = ctx
        .machine
        .list_dir(dir)
        .map_err(|e| Failure::other(format!("could not list {dir}: {e}")))?;
    let io = ctx.machine.io();
    let separator = if dir.contains('\\') && !dir.contains('/') {
        '\\'
    } else {
        '/'
    };
    let mut out = Vec::new();
    for name in names.into_iter().flatten() {
        let path = format!("{dir}{separator}{name}");
        // A file that cannot be read is skipped, as the AWS CLI skips it.
        if let Ok(Some(file)) = block_on(io.fs.read_at_most(&path, MAX_CACHE_FILE)) {
            out.push((path, file.as_ref().to_vec()));
        }
    }
    Ok(out)
}

fn remove<M: Machine + ?Sized>(ctx: &Context<'_, M>, path: &str) -> Result<(), Failure> {
    ctx.machine
        .remove_file(path)
        .map_err(|e| Failure::other(format!("could not delete {path}: {e}")))
}
