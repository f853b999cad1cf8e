//! Test helpers shared by credchain's test suites (core, cli, ffi). Nothing here is part of a
//! release: the crate is a workspace member but not a default member, and only a
//! dev-dependency.
//!
//! - [`mock_server`]: HTTP servers on 127.0.0.1 that serve canned replies, record the requests
//!   and stop by themselves.
//! - [`temp_home`]: a temporary HOME (or any temporary directory) with files written into it.
//! - [`recorded`]: the recorded cases (conformance and credchain's own): where they are, their
//!   environment, files and HTTP traffic, and the expectations file.
//! - [`conformance`]: the shared conformance directory and its JSON vectors, and a runner
//!   reporting every failing vector at once.
//! - [`file_tree`]: every file under a directory, with its contents.
//! - [`signin_mock`]: a loopback mock of AWS Sign-In (authorize, CreateOAuth2Token verifying
//!   DPoP proofs and PKCE) for console login.
//! - [`generated`]: large generated config and credentials files.
//! - [`base64url`]: base64url decoding, for checking JWTs and DPoP proofs.
//! - [`dpop`]: a DPoP proof checked as a server checks it.
//! - [`text`]: assertions on text that show it whole when they fail.
//! - [`timing`]: how long a call took, and bounds on it.
//! - [`random`]: a small deterministic PRNG for generated inputs.

pub mod base64url;
pub mod conformance;
pub mod dpop;
pub mod file_tree;
pub mod generated;
pub mod mock_server;
pub mod random;
pub mod recorded;
pub mod signin_mock;
pub mod temp_home;
pub mod text;
pub mod timing;

use std::path::PathBuf;

/// The repository's root directory.
pub fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A Python of the interop venvs: the variable `variable` when set, else `venv`'s under the
/// target directory (CARGO_TARGET_DIR, else target/; tests/run's stages make them:
/// `difftest-venv` with botocore, `login-interop-venv` with `botocore[crt]`), when it exists.
pub fn venv_python(variable: &str, venv: &str) -> Option<PathBuf> {
    if let Some(python) = std::env::var_os(variable) {
        return Some(python.into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository_root().join("target"));
    let python = target.join(venv).join("bin/python");
    python.exists().then_some(python)
}

/// The number a variable holds (decimal, or hex after `0x`), for the seeds and case counts of
/// runs by hand; `None` when it is unset. Panics, naming it, when it is not a number.
pub fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => value.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={value:?} is not a number")))
}
