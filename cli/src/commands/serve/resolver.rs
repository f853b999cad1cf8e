//! The server's long-lived resolver: the credentials it holds (as the JSON body it serves),
//! shared by every connection thread, and the one refresher that replaces them.
//!
//! The policy is the core's [`freshness`], as the C library's `credchain_resolver` and the npm
//! package's `createCredentialsResolver` use it: held credentials are served while fresh;
//! within [`REFRESH_WINDOW_SECS`](credchain_core::chain::refresh::REFRESH_WINDOW_SECS) of their
//! expiry they are still served while the refresher fetches new ones (it wakes by itself at
//! that point, so a busy server rarely has a caller notice); once expired, callers wait for the
//! refresh in flight (one refresh, however many callers). A failed refresh keeps unexpired
//! credentials; with nothing unexpired, callers get [`Unavailable`], and the refresher tries
//! again on the next request, at most once every [`RETRY_AFTER_FAILURE`].
//!
//! The refresher runs on the command's own thread (the machine, which resolves, is not shared
//! between threads); the connection threads only read [`Shared`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use credchain_core::chain::refresh::{freshness, Freshness};

/// How long after a failed refresh the next one may start.
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);
/// How long a caller waits for a refresh in flight before it is answered [`Unavailable`].
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// How often the refresher looks at its stop condition while idle.
pub const TICK: Duration = Duration::from_millis(100);

/// What the server serves: the credentials' JSON and when they expire.
#[derive(Clone)]
pub struct Held {
    /// The answer's body. Never shown: it holds the secret key and token.
    pub body: Arc<[u8]>,
    /// Unix seconds; `None` for credentials without an expiry.
    pub expiration: Option<i64>,
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Held")
            .field("body", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// No credentials to serve now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

/// The state every connection thread shares with the refresher.
#[derive(Debug)]
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Set when the server stops.
    pub stopping: AtomicBool,
}

#[derive(Debug)]
struct State {
    held: Option<Held>,
    /// A caller asked for a refresh.
    wanted: bool,
    /// Refreshes finished (success or failure).
    finished: u64,
    /// When the last refresh failed, if it did.
    failed_at: Option<Instant>,
}

/// The time now, in Unix seconds (the system clock, which faketime moves in tests).
#[must_use]
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Shared {
    /// The state with `first`, the credentials of the first resolution.
    #[must_use]
    pub fn new(first: Held) -> Shared {
        Shared {
            state: Mutex::new(State {
                held: Some(first),
                wanted: false,
                finished: 0,
                failed_at: None,
            }),
            changed: Condvar::new(),
            stopping: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The body to serve now (see the module doc).
    ///
    /// # Errors
    /// Nothing unexpired is held and the refresh failed, or took longer than [`MAX_WAIT`].
    pub fn credentials(&self) -> Result<Arc<[u8]>, Unavailable> {
        let mut state = self.lock();
        let mut waited_for = None;
        let deadline = Instant::now() + MAX_WAIT;
        loop {
            if let Some(held) = &state.held {
                match freshness(held.expiration, now_unix()) {
                    Freshness::Fresh => return Ok(held.body.clone()),
                    Freshness::Refresh => {
                        let body = held.body.clone();
                        if !state.wanted {
                            state.wanted = true;
                            self.changed.notify_all();
                        }
                        return Ok(body);
                    }
                    Freshness::Expired => {}
                }
            }
            // Nothing to serve: one refresh finished since this caller came is its answer.
            if waited_for.is_some_and(|seen| state.finished > seen)
                || state
                    .failed_at
                    .is_some_and(|at| at.elapsed() < RETRY_AFTER_FAILURE)
                || self.stopping.load(Ordering::SeqCst)
            {
                return Err(Unavailable);
            }
            waited_for.get_or_insert(state.finished);
            if !state.wanted {
                state.wanted = true;
                self.changed.notify_all();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Unavailable);
            }
            state = self
                .changed
                .wait_timeout(state, left.min(TICK))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Runs the refresher until `stop` says so: waits until a caller wants a refresh or the
    /// held credentials enter the refresh window, calls `resolve` (without the lock) and
    /// stores its answer. `stop` is asked at least every [`TICK`]; `failed` is told of each
    /// failed refresh (to report it).
    pub fn refresh_until<E>(
        &self,
        mut resolve: impl FnMut() -> Result<Held, E>,
        mut stop: impl FnMut() -> bool,
        mut failed: impl FnMut(E),
    ) {
        loop {
            let mut state = self.lock();
            loop {
                if stop() {
                    return;
                }
                let due = state
                    .held
                    .as_ref()
                    .is_some_and(|held| freshness(held.expiration, now_unix()) != Freshness::Fresh);
                let backing_off = state
                    .failed_at
                    .is_some_and(|at| at.elapsed() < RETRY_AFTER_FAILURE);
                // After a failure, a held credential in the window waits for a caller to ask.
                if !backing_off && (state.wanted || (due && state.failed_at.is_none())) {
                    break;
                }
                state = self
                    .changed
                    .wait_timeout(state, TICK)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
            state.wanted = false;
            drop(state);
            let outcome = resolve();
            let mut state = self.lock();
            state.finished += 1;
            // What was asked during the refresh is answered by it.
            state.wanted = false;
            match outcome {
                Ok(held) => {
                    state.held = Some(held);
                    state.failed_at = None;
                }
                Err(e) => {
                    state.failed_at = Some(Instant::now());
                    // Expired credentials are never served again.
                    if state
                        .held
                        .as_ref()
                        .is_some_and(|h| freshness(h.expiration, now_unix()) == Freshness::Expired)
                    {
                        state.held = None;
                    }
                    drop(state);
                    failed(e);
                    self.changed.notify_all();
                    continue;
                }
            }
            drop(state);
            self.changed.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    fn held(text: &str, expiration: Option<i64>) -> Held {
        Held {
            body: Arc::from(text.as_bytes()),
            expiration,
        }
    }

    /// Runs `body` while a refresher with `resolve` and `failed` runs on another thread.
    fn with_refresher<E: Send>(
        shared: &Shared,
        resolve: impl FnMut() -> Result<Held, E> + Send,
        failed: impl FnMut(E) + Send,
        body: impl FnOnce(),
    ) {
        let done = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| shared.refresh_until(resolve, || done.load(Ordering::SeqCst), failed));
            body();
            done.store(true, Ordering::SeqCst);
        });
    }

    #[test]
    fn many_callers_wait_for_one_refresh() {
        let shared = Shared::new(held("old", Some(now_unix() - 1)));
        let refreshes = AtomicU32::new(0);
        let resolve = || {
            refreshes.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(200));
            Ok::<_, ()>(held("new", None))
        };
        with_refresher(
            &shared,
            resolve,
            |()| {},
            || {
                std::thread::scope(|s| {
                    let callers: Vec<_> =
                        (0..8).map(|_| s.spawn(|| shared.credentials())).collect();
                    for c in callers {
                        assert_eq!(&*c.join().unwrap().unwrap(), b"new");
                    }
                });
            },
        );
        assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failed_refresh_keeps_what_is_unexpired() {
        let shared = Shared::new(held("held", Some(now_unix() + 60)));
        let failures = AtomicU32::new(0);
        let failed = |_| {
            failures.fetch_add(1, Ordering::SeqCst);
        };
        with_refresher(
            &shared,
            || Err::<Held, _>("no"),
            failed,
            || {
                while failures.load(Ordering::SeqCst) == 0 {
                    std::thread::sleep(Duration::from_millis(10));
                }
                assert_eq!(&*shared.credentials().unwrap(), b"held");
            },
        );
        // Only one attempt within RETRY_AFTER_FAILURE.
        assert_eq!(failures.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn nothing_valid_and_a_failed_refresh_is_unavailable() {
        let shared = Shared::new(held("gone", Some(now_unix() - 5)));
        with_refresher(
            &shared,
            || Err::<Held, _>(()),
            |()| {},
            || {
                assert_eq!(shared.credentials(), Err(Unavailable));
                // Within the back-off, at once.
                assert_eq!(shared.credentials(), Err(Unavailable));
            },
        );
    }
}
