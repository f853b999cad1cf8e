//! The `Env` adapters over `get_env`: the snapshot a handle takes when it is made, and the
//! environment while credentials are resolved (the snapshot, plus what it lacks fetched then).

use std::cell::RefCell;

use credchain_core::io::Env;

use super::table::Callbacks;
use super::Broken;
use crate::error::Error;

/// The environment as read through the callback: each variable the core asked for, set or not.
/// A variable not yet fetched reads as unset and is remembered, to be fetched by
/// [`SnapshotEnv::fetch_missed`].
#[derive(Debug, Default)]
pub(crate) struct SnapshotEnv {
    pub(super) vars: Vec<(String, Option<String>)>,
    pub(super) missed: RefCell<Vec<String>>,
}

impl Env for SnapshotEnv {
    fn var(&self, name: &str) -> Option<&str> {
        if let Some((_, value)) = self.vars.iter().find(|(k, _)| k == name) {
            return value.as_deref();
        }
        let mut missed = self.missed.borrow_mut();
        if !missed.iter().any(|m| m == name) {
            missed.push(String::from(name));
        }
        None
    }
}

impl SnapshotEnv {
    /// The variable `name` when it was fetched (`Some(None)`: fetched and unset), or `None`
    /// when it never was. Records nothing.
    pub(crate) fn lookup(&self, name: &str) -> Option<Option<&str>> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_deref())
    }

    /// Fetches every variable asked for but not yet fetched; returns how many there were.
    pub(super) fn fetch_missed(&mut self, cb: &Callbacks) -> Result<usize, Error> {
        let missed = self.missed.take();
        let n = missed.len();
        for name in missed {
            let value = cb.var(&name)?;
            self.vars.push((name, value));
        }
        Ok(n)
    }
}

/// The environment while credentials are resolved: the snapshot taken when the handle was made,
/// and any variable it lacks fetched through `get_env` on first use and kept for the call.
pub(crate) struct ResolveEnv<'c> {
    snapshot: &'c SnapshotEnv,
    cb: &'c Callbacks,
    broken: &'c Broken,
    /// Fetched during this call. Entries are only ever appended, never changed or removed, so
    /// each value's heap bytes stay where they are for as long as `self` lives.
    pub(super) fetched: RefCell<Vec<Fetched>>,
}

/// A variable fetched while credentials are resolved: its name and value (`None`: unset).
type Fetched = (String, Option<String>);

impl<'c> ResolveEnv<'c> {
    pub(crate) fn new(snapshot: &'c SnapshotEnv, cb: &'c Callbacks, broken: &'c Broken) -> Self {
        ResolveEnv {
            snapshot,
            cb,
            broken,
            fetched: RefCell::new(Vec::new()),
        }
    }
}

impl Env for ResolveEnv<'_> {
    fn var(&self, name: &str) -> Option<&str> {
        if let Some(value) = self.snapshot.lookup(name) {
            return value;
        }
        let known = self.fetched.borrow().iter().any(|(k, _)| k == name);
        if !known {
            let value = self.cb.var(name).unwrap_or_else(|e| {
                self.broken.set(e);
                None
            });
            self.fetched.borrow_mut().push((String::from(name), value));
        }
        let fetched = self.fetched.borrow();
        let value = fetched
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
            .map(|v| v as *const str);
        drop(fetched);
        // SAFETY: the pointer is to the heap bytes of a String held in `fetched`, which is
        // append-only (no entry is ever changed or removed) for the life of self: growing the
        // Vec moves the Strings' headers, not the bytes they own. So the str is valid and
        // unchanged for as long as &self, and nothing takes a mutable borrow of those bytes.
        value.map(|v| unsafe { &*v })
    }
}
