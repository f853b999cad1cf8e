//! `credchain logout [--all]`: the profile's `login_session` file of the login cache deleted
//! (the message printed whether or not it was there), or with `--all` every file of the
//! cache directory that is a login cache file (JSON with `accessToken.accessKeyId`, whatever
//! its name). The config is not touched.

use credchain_core::caches::login::cache_path;
use credchain_core::config::evaluate::select_profile;
use credchain_core::io::{block_on, Fs};
use credchain_core::signin::console::{
    is_login_cache, logout_all_message, logout_message, no_session_warning,
};

use super::LogoutArgs;
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::files::Diagnostics;
use crate::machine::Machine;
use crate::output::Streams;

/// The largest file read by `--all`; a larger one is no login cache file.
const MAX_CACHE_FILE: usize = 1024 * 1024;

/// Runs `logout`.
impl<M: Machine + ?Sized> Run<M> for LogoutArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        if self.all {
            return all(ctx, streams);
        }
        // As logout.py: the profile is looked up in the loaded files, so a profile neither file
        // defines is one without a session (a warning), not ProfileNotFound.
        ctx.with_files(Diagnostics::Warn, streams, |shared, streams| {
            let (name, _) = select_profile(ctx.options, ctx.machine.env());
            let session = shared
                .files
                .profile(name)
                .and_then(|p| p.get("login_session"))
                .and_then(|p| p.value.as_str());
            let Some(session) = session else {
                let _ = streams.err.write_all(no_session_warning(name).as_bytes());
                return Ok(());
            };
            let path = cache_path(ctx.machine.env(), ctx.machine.io().platform, session)
                .map_err(Failure::other)?;
            remove_if_present(ctx, path.as_str())?;
            let _ = streams.out.write_all(logout_message(name).as_bytes());
            Ok(())
        })
    }
}

fn all<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let any =
        cache_path(ctx.machine.env(), ctx.machine.io().platform, "").map_err(Failure::other)?;
    let dir = any
        .as_str()
        .rsplit_once(['/', '\\'])
        .map_or(String::new(), |(dir, _)| dir.to_owned());
    let separator = any.as_str()[dir.len()..].chars().next().unwrap_or('/');
    let names = ctx
        .machine
        .list_dir(&dir)
        .map_err(|e| Failure::other(format!("could not list {dir}: {e}")))?
        .unwrap_or_default();
    let io = ctx.machine.io();
    let mut removed = 0;
    for name in &names {
        let path = format!("{dir}{separator}{name}");
        let Ok(Some(file)) = block_on(io.fs.read_at_most(&path, MAX_CACHE_FILE)) else {
            continue;
        };
        if is_login_cache(file.as_ref()) {
            remove_if_present(ctx, &path)?;
            removed += 1;
        }
    }
    let _ = streams
        .out
        .write_all(logout_all_message(removed).as_bytes());
    Ok(())
}

fn remove_if_present<M: Machine + ?Sized>(ctx: &Context<'_, M>, path: &str) -> Result<(), Failure> {
    match ctx.machine.remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Failure::other(format!("could not delete {path}: {e}")))
        }
        _ => Ok(()),
    }
}
