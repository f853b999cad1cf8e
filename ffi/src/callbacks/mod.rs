//! A handle over I/O the C caller supplies: an environment lookup and a file reader, and,
//! optionally, running a process, sending an HTTP request and asking the person at the terminal.
//!
//! The environment is read into a snapshot while `credchain_config_new_callbacks` runs: the core
//! is run (locate, every setting, the credential plan) against the snapshot, every variable it
//! asks for that the snapshot lacks is fetched through the callback, and this repeats until
//! nothing new is asked. Settings queries read the snapshot alone. Resolving credentials
//! (`credchain_config_resolve_credentials`) calls back: a variable the snapshot lacks is fetched
//! then, and files other than the two shared ones (token files), processes and HTTP go through
//! the callbacks. So the handle keeps a copy of the callbacks, and `userdata` must outlive it.
//!
//! The struct is versioned by its leading `struct_size`: fields added later go at its end, and
//! a caller built against an older header passes a smaller size, so credchain reads only the
//! fields the caller knows and treats the rest as NULL.
//!
//! The parts, where a reader looks for them:
//!
//! - [`types`]: the C side: the callback function types, their `CREDCHAIN_*` status codes and
//!   limits, and the `credchain_callbacks` table.
//! - [`buffer`]: the buffers credchain owns and a callback fills (`credchain_buffer`,
//!   `credchain_file_buffer`) and their `_alloc` functions.
//! - `table`: the checked copy of the caller's table a handle keeps (`struct_size`
//!   versioning), and the raw calls through it.
//! - One adapter per core I/O trait over the callbacks: `env` (`Env`), `fs` (`Fs`),
//!   `command` (`Command`), `http` (`Http`), `prompt` (`Prompt`), `clock` (`Clock`, for
//!   either kind of handle).
//! - [`handle`]: `credchain_config_new_callbacks`, which makes the handle.
//!
//! The modules are declared in the order of the header's declarations.

use std::cell::RefCell;

use crate::error::Error;

pub mod types;

pub mod buffer;

pub mod handle;

mod clock;
mod command;
mod env;
mod fs;
mod http;
mod prompt;
mod table;

#[cfg(test)]
mod tests;

pub use buffer::*;
pub use handle::*;
pub use types::*;

pub(crate) use clock::HandleClock;
pub(crate) use command::CallbackCommand;
pub(crate) use env::{ResolveEnv, SnapshotEnv};
pub(crate) use fs::CallbackFs;
pub(crate) use http::CallbackHttp;
pub(crate) use prompt::{CallbackPrompt, PromptCallback};
pub(crate) use table::Callbacks;

/// The first contract a callback broke during a call: the core sees an I/O failure, and the
/// call then fails with this error instead.
#[derive(Default)]
pub(crate) struct Broken(RefCell<Option<Error>>);

impl Broken {
    fn set(&self, e: Error) {
        let mut slot = self.0.borrow_mut();
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    /// Records that `callback` returned `status`, none of the `CREDCHAIN_<family>_*` values.
    fn unknown_status(&self, callback: &str, status: impl core::fmt::Display, family: &str) {
        self.set(unknown_status(callback, status, family));
    }

    /// The error, when a callback broke its contract.
    pub(crate) fn take(&self) -> Option<Error> {
        self.0.take()
    }
}

/// The error of a callback that returned `status`, none of the `CREDCHAIN_<family>_*` values.
fn unknown_status(callback: &str, status: impl core::fmt::Display, family: &str) -> Error {
    Error::callback(format!(
        "{callback} returned {status}, which is no CREDCHAIN_{family}_* value"
    ))
}
