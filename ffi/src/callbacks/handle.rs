//! `credchain_config_new_callbacks`: the handle over the caller's I/O, its environment snapshot
//! taken in rounds until the core asks for nothing new.

use credchain_core::config::load::load;
use credchain_core::config::locate::{locate, Platform};
use credchain_core::io::block_on;

use super::env::SnapshotEnv;
use super::fs::CallbackFs;
use super::table::Callbacks;
use super::types::credchain_callbacks;
use super::Broken;
use crate::config::{credchain_config, credchain_options, new_handle, HandleEnv, OwnedOptions};
use crate::error::Error;
use crate::result::credchain_result;

/// How many rounds of "run the core, fetch what it asked for" a snapshot may take. Each round
/// fetches at least one new variable and the core reads a few dozen, so this is never reached.
const MAX_ROUNDS: usize = 256;

/// Makes a handle over I/O the caller supplies (see `credchain_callbacks` for the contract):
/// the variables that locating the files, every setting and the credential plan consult are
/// fetched through `get_env` and kept, the config and credentials files are located from them
/// (as `credchain_config_new_host` does from the process), read through `read_file` and parsed.
/// A missing file is not an error.
///
/// On success writes the new handle to `*out`; free it with `credchain_config_free`. Later,
/// only `credchain_config_resolve_credentials` calls back. On failure `*out` is untouched and
/// `credchain_thread_last_error` gives the detailed message.
///
/// # Safety
///
/// `callbacks` is NULL or points to a valid `credchain_callbacks` of its `struct_size`, whose
/// functions follow their contracts; `opts` is NULL or points to a valid `credchain_options`;
/// `out` is NULL or points to a writable `credchain_config *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_new_callbacks(
    callbacks: *const credchain_callbacks,
    opts: *const credchain_options,
    out: *mut *mut credchain_config,
) -> credchain_result {
    new_handle(out, || {
        if callbacks.is_null() {
            return Err(Error::null("callbacks"));
        }
        // SAFETY: not NULL, and the caller guarantees a valid credchain_callbacks of the size
        // its struct_size gives.
        let cb = unsafe { Callbacks::from_raw(callbacks) }?;
        // SAFETY: the caller guarantees opts is NULL or valid.
        let options = unsafe { OwnedOptions::read(opts) }?;
        let mut env = SnapshotEnv::default();
        let mut located = None;
        for _ in 0..MAX_ROUNDS {
            let paths = locate(&env, Platform::current(), options.dialect);
            if env.fetch_missed(&cb)? == 0 {
                located = Some(paths?);
                break;
            }
        }
        let paths = located.ok_or_else(|| Error::internal("locate never settled"))?;
        let broken = Broken::default();
        let loaded = block_on(load(&CallbackFs::new(&cb, &broken), &paths));
        if let Some(e) = broken.take() {
            return Err(e);
        }
        let mut handle = credchain_config::new(HandleEnv::Snapshot(env), options, loaded?)?;
        for _ in 0..MAX_ROUNDS {
            handle.resolve_all();
            let HandleEnv::Snapshot(env) = &mut handle.env else {
                return Err(Error::internal("a callback handle without a snapshot"));
            };
            if env.fetch_missed(&cb)? == 0 {
                handle.callbacks = Some(cb);
                return Ok(handle);
            }
        }
        Err(Error::internal("the environment snapshot never settled"))
    })
}
