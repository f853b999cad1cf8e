//! The `Clock` adapter: a handle's time, waits and random numbers, through the `now`, `sleep`
//! and `random` callbacks where the caller set them, else the system's.

use credchain_core::host::SystemClock;
use credchain_core::io::Clock;

use super::table::Callbacks;
use crate::config::credchain_config;

impl Callbacks {
    /// The time through `now`, or the system clock when it is NULL.
    pub(crate) fn now_unix(&self) -> i64 {
        match self.now {
            // SAFETY: the caller of credchain_config_new_callbacks guarantees `now` follows
            // the contract of credchain_now_callback.
            Some(now) => unsafe { now(self.userdata) },
            None => SystemClock.now_unix(),
        }
    }

    /// The time in milliseconds: `now`'s seconds when it is set, else the system clock's.
    pub(crate) fn now_millis(&self) -> i64 {
        match self.now {
            Some(_) => self.now_unix().saturating_mul(1000),
            None => SystemClock.now_millis(),
        }
    }

    /// Waits through `sleep`, or sleeps the calling thread when it is NULL.
    pub(crate) fn sleep_ms(&self, ms: u32) {
        match self.sleep {
            // SAFETY: the caller of credchain_config_new_callbacks guarantees `sleep` follows
            // the contract of credchain_sleep_callback.
            Some(sleep) => unsafe { sleep(self.userdata, ms) },
            None => std::thread::sleep(std::time::Duration::from_millis(u64::from(ms))),
        }
    }

    /// A random number through `random`, or the library's own when it is NULL.
    pub(crate) fn random_u32(&self) -> u32 {
        match self.random {
            // SAFETY: the caller of credchain_config_new_callbacks guarantees `random` follows
            // the contract of credchain_random_callback.
            Some(random) => unsafe { random(self.userdata) },
            None => credchain_core::host::random_u32(),
        }
    }
}

/// The handle's time: its `now` callback, else the system clock.
pub(crate) struct HandleClock<'a>(pub(crate) &'a credchain_config);

impl Clock for HandleClock<'_> {
    fn now_unix(&self) -> i64 {
        self.0.now_unix()
    }
    fn now_millis(&self) -> i64 {
        match &self.0.callbacks {
            Some(cb) => cb.now_millis(),
            None => SystemClock.now_millis(),
        }
    }
    async fn sleep_ms(&self, ms: u32) {
        match &self.0.callbacks {
            Some(cb) => cb.sleep_ms(ms),
            None => SystemClock.sleep_ms(ms).await,
        }
    }
    fn random_u32(&self) -> u32 {
        match &self.0.callbacks {
            Some(cb) => cb.random_u32(),
            None => SystemClock.random_u32(),
        }
    }
}

impl credchain_config {
    /// The handle's time, in Unix seconds: the `now` callback of a callback handle that has
    /// one, else the system clock.
    pub(crate) fn now_unix(&self) -> i64 {
        match &self.callbacks {
            Some(cb) => cb.now_unix(),
            None => SystemClock.now_unix(),
        }
    }
}
