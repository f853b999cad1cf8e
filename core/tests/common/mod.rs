//! Shared by the core tests: the in-memory hosts, the DPoP proof check, the STS signature
//! check, and (from the test
//! support crate) where ../shared/conformance is.
#![allow(dead_code)]

use credchain_core::config::parse::{ConfigFiles, ParseError};
use credchain_core::io::{block_on, Fs, FsErrorKind};
use credchain_core::services::endpoint::{Endpoint, Origin};
use credchain_core::services::retry::{RetryConfig, RetryMode};
use credchain_core::Dialect;

pub mod dpop;
pub mod memory;
pub mod soup;
pub mod sts_checks;

#[allow(unused_imports)] // Not every test binary reads the conformance data.
pub use credchain_test_support::conformance::{conformance_dir, conformance_json};

/// The files /c (config) and /k (credentials), `None` for a missing one, read as the AWS CLI
/// reads them.
pub fn c_and_k<'a>(
    config: Option<&'a [u8]>,
    credentials: Option<&'a [u8]>,
) -> Result<ConfigFiles<'a>, ParseError<'a>> {
    ConfigFiles::from_texts(("/c", config), ("/k", credentials), Dialect::AwsCli)
}

/// Asserts that `fs` refuses to read `path` because it is not a file.
#[track_caller]
pub fn assert_not_a_file(fs: &impl Fs, path: &str) {
    let kind = block_on(fs.read(path)).err().map(|e| e.kind);
    assert_eq!(kind, Some(FsErrorKind::NotAFile), "{path}");
}

/// One attempt, no retry: the service tests script every answer.
pub const ONE_ATTEMPT: RetryConfig = RetryConfig {
    mode: RetryMode::Standard,
    max_attempts: 1,
};

/// The SSO-OIDC endpoint of us-east-1, as `AWS_ENDPOINT_URL_SSO_OIDC` would name it.
pub fn oidc_endpoint() -> Endpoint<'static> {
    us_east_1_endpoint(
        "https://oidc.us-east-1.amazonaws.com",
        "AWS_ENDPOINT_URL_SSO_OIDC",
    )
}

/// The SSO portal endpoint of us-east-1, as `AWS_ENDPOINT_URL_SSO` would name it.
pub fn portal_endpoint() -> Endpoint<'static> {
    us_east_1_endpoint(
        "https://portal.sso.us-east-1.amazonaws.com",
        "AWS_ENDPOINT_URL_SSO",
    )
}

/// The endpoint `url` signing for us-east-1, from the environment variable `variable`.
fn us_east_1_endpoint(url: &'static str, variable: &'static str) -> Endpoint<'static> {
    Endpoint::new(url, "us-east-1", Origin::EnvVar(variable)).unwrap()
}
