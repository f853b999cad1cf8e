//! `credchain_resolver`: a long-lived, thread-safe credentials source over a configuration
//! handle. It serves the credentials it holds until they are within
//! [`REFRESH_WINDOW_SECS`](credchain_core::chain::refresh::REFRESH_WINDOW_SECS) of their expiry, then
//! resolves again; whatever the number of threads asking, one resolution runs at a time.

use std::sync::{Condvar, Mutex, MutexGuard};

use credchain_core::chain::refresh::{freshness, Freshness};

use crate::config::credchain_config;
use crate::credentials::credchain_credentials;
use crate::error::{boundary, free_new, thread_call, write_new, Error};
use crate::result::credchain_result;

/// A long-lived credentials source: made from a configuration handle (which it takes over) by
/// `credchain_resolver_new`, asked with `credchain_resolver_credentials`, freed with
/// `credchain_resolver_free`. Opaque.
///
/// Thread-safe: any number of threads may call `credchain_resolver_credentials` on one resolver
/// at once. Credentials it holds are handed out (as copies) while they are fresh; within 5
/// minutes of their expiry the first caller resolves again while the others keep getting the
/// held, still unexpired, credentials; once they have expired the others wait for that one
/// resolution instead of starting their own.
pub struct credchain_resolver {
    /// The configuration; used by one resolution at a time (the `resolving` flag guards it).
    config: Box<credchain_config>,
    state: Mutex<State>,
    done: Condvar,
}

// SAFETY: the configuration handle is not thread-safe on its own (it records its last error in
// a RefCell and calls the caller's callbacks), but the resolver lets only the one thread that set
// `State::resolving` touch it, until it clears the flag under the mutex; the callbacks' contract
// (see credchain_resolver_new) allows them to be called from any thread, one call at a time.
unsafe impl Sync for credchain_resolver {}
// SAFETY: as above; the handle owns its data and may be freed from any thread.
unsafe impl Send for credchain_resolver {}

#[derive(Default)]
struct State {
    /// The credentials held, if any.
    held: Option<credchain_credentials>,
    /// Whether a thread is resolving now.
    resolving: bool,
    /// How many resolutions have run (for tests, through `credchain_resolver_resolutions`).
    resolutions: u64,
}

impl credchain_resolver {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock is caught at the boundary; the state stays usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The credentials to hand out now: held ones while fresh, else the result of the one
    /// resolution in flight (started here if none is).
    fn credentials(&self) -> Result<credchain_credentials, Error> {
        let mut state = self.lock();
        loop {
            if let Some(held) = &state.held {
                match freshness(held.expires_at(), self.config.now_unix()) {
                    Freshness::Fresh => return Ok(held.clone()),
                    // Another thread is refreshing: serve what is held until it expires.
                    Freshness::Refresh if state.resolving => return Ok(held.clone()),
                    Freshness::Refresh | Freshness::Expired => {}
                }
            }
            if !state.resolving {
                break;
            }
            state = self
                .done
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        state.resolving = true;
        state.resolutions += 1;
        drop(state);
        // The lock is released while resolving (the network may take seconds), so that callers
        // holding unexpired credentials are not kept waiting.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.config.resolve_credentials()
        }))
        .unwrap_or_else(|p| Err(Error::panic(&*p)));
        let mut state = self.lock();
        state.resolving = false;
        self.done.notify_all();
        match outcome {
            Ok(fresh) => {
                state.held = Some(fresh.clone());
                Ok(fresh)
            }
            // A failed refresh leaves unexpired credentials usable, as in botocore.
            Err(e) => match &state.held {
                Some(held)
                    if freshness(held.expires_at(), self.config.now_unix())
                        != Freshness::Expired =>
                {
                    Ok(held.clone())
                }
                _ => Err(e),
            },
        }
    }
}

/// Makes a resolver over `cfg`, which it takes over: on success `cfg` belongs to the resolver
/// (do not use or free it; `credchain_resolver_free` frees it), and the new resolver is written
/// to `*out`. On failure (a NULL parameter) nothing changes.
///
/// The handle's callbacks, if it has any, will then be called from whichever thread calls
/// `credchain_resolver_credentials`, one resolution at a time (never two at once); the `now`
/// callback may be called from several threads at once and must allow that.
///
/// # Safety
///
/// `cfg` is NULL or a live handle not in use by another thread; `out` is NULL or points to a
/// writable `credchain_resolver *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_resolver_new(
    cfg: *mut credchain_config,
    out: *mut *mut credchain_resolver,
) -> credchain_result {
    thread_call(|| {
        if cfg.is_null() {
            return Err(Error::null("cfg"));
        }
        let make = || {
            // SAFETY: cfg is a live handle from Box::into_raw (the caller guarantees it), now
            // owned by the resolver.
            let config = unsafe { Box::from_raw(cfg) };
            Ok(credchain_resolver {
                config,
                state: Mutex::new(State::default()),
                done: Condvar::new(),
            })
        };
        // SAFETY: the caller guarantees out is NULL or writable.
        unsafe { write_new(out, make) }
    })
}

/// Gives credentials for the resolver's profile: the ones it holds while they are more than 5
/// minutes from their expiry (or have none), else newly resolved ones (see
/// `credchain_config_resolve_credentials` for how). Safe to call from many threads at once: one
/// resolution runs at a time; callers that arrive during it get the held credentials if they
/// have not expired, else wait for its result. When a refresh fails but the held credentials
/// have not yet expired, those are given (as botocore does).
///
/// On success writes a new `credchain_credentials` (a copy, the caller's to free with
/// `credchain_credentials_free`) to `*out`. On failure `*out` is untouched; the detailed
/// message is the calling thread's `credchain_thread_last_error`.
///
/// # Safety
///
/// `resolver` is NULL or a live resolver; `out` is NULL or points to a writable
/// `credchain_credentials *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_resolver_credentials(
    resolver: *const credchain_resolver,
    out: *mut *mut credchain_credentials,
) -> credchain_result {
    thread_call(|| {
        // SAFETY: the caller guarantees resolver is NULL or live.
        let resolver = unsafe { resolver.as_ref() }.ok_or_else(|| Error::null("resolver"))?;
        // SAFETY: the caller guarantees out is NULL or writable.
        unsafe { write_new(out, || resolver.credentials()) }
    })
}

/// How many resolutions the resolver has started (for tests and diagnostics: a caller can see
/// that concurrent requests shared one refresh). NULL gives 0.
///
/// # Safety
///
/// `resolver` is NULL or a live resolver.
#[no_mangle]
pub unsafe extern "C" fn credchain_resolver_resolutions(
    resolver: *const credchain_resolver,
) -> u64 {
    // SAFETY: the caller guarantees resolver is NULL or live.
    let Some(resolver) = (unsafe { resolver.as_ref() }) else {
        return 0;
    };
    let mut count = 0;
    let _ = boundary(|| {
        count = resolver.lock().resolutions;
        credchain_result::Ok
    });
    count
}

/// Frees a resolver, the configuration handle it took over and the credentials it holds (wiped).
/// NULL is accepted and ignored. No other thread may be using it.
///
/// # Safety
///
/// `resolver` is NULL or a resolver from `credchain_resolver_new` not yet freed and not in use.
#[no_mangle]
pub unsafe extern "C" fn credchain_resolver_free(resolver: *mut credchain_resolver) {
    // SAFETY: the caller guarantees resolver is NULL or a resolver from write_new (in
    // credchain_resolver_new), used by no one else.
    unsafe { free_new(resolver) }
}
