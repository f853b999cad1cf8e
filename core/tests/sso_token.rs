//! The bearer token of a profile (`token::resolve_token`, the AWS CLI's token provider chain)
//! through in-memory hosts: which profiles have one, and the error of each way the
//! configuration or the cache file can be wrong. No request is ever sent (`NoHttp` fails
//! every one, and a fresh or unrefreshable token needs none).

mod common;

use common::memory::{FixedClock, MemoryFs, NoHttp};
use credchain_core::caches::sso_token::token_cache_key;
use credchain_core::chain::token::resolve_token;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::io::block_on;
use credchain_core::Dialect;

const NOW: i64 = 1_700_000_000; // 2023-11-14T22:13:20Z

/// Profiles with and without a usable sso-session (shared with the npm package's tests,
/// tests/js/token.test.mjs; see tests/fixtures/README.md).
const CONFIG: &str = include_str!("../../tests/fixtures/sso-token/config");

fn path(name: &str) -> String {
    format!("/home/u/.aws/sso/cache/{}.json", token_cache_key(name))
}

/// The token of `profile` (or the error's text) with `files` as the cache.
fn token(profile: &str, files: Vec<(String, Vec<u8>)>) -> Result<(String, i64), String> {
    let parsed = ConfigFiles::from_texts(
        ("/home/u/.aws/config", Some(CONFIG.as_bytes())),
        ("/home/u/.aws/credentials", None),
        Dialect::AwsCli,
    )
    .unwrap();
    let env: &[(&str, &str)] = &[("HOME", "/home/u")];
    let options = Options::default().with(Setting::Profile, profile);
    let eval = Evaluator::new(&parsed, env, &options).unwrap();
    let fs = MemoryFs::with(files);
    let before = fs.files.borrow().clone();
    let got = block_on(resolve_token(
        &eval,
        &fs,
        &NoHttp,
        &FixedClock(NOW),
        credchain_core::config::locate::Platform::Unix,
    ))
    .map(|t| (t.access_token().to_owned(), t.expires_at()))
    .map_err(|e| e.to_string());
    assert_eq!(*fs.files.borrow(), before, "nothing is written");
    if let Err(e) = &got {
        assert!(!e.contains("secretToken"), "{e}");
    }
    got
}

fn file(name: &str, json: &str) -> Vec<(String, Vec<u8>)> {
    vec![(path(name), json.as_bytes().to_vec())]
}

#[test]
fn a_session_token_that_is_fresh() {
    let json = r#"{"accessToken": "secretToken-0001", "expiresAt": "2023-11-15T00:00:00Z"}"#;
    assert_eq!(
        token("ok", file("corp", json)),
        Ok(("secretToken-0001".to_owned(), 1_700_006_400))
    );
}

#[test]
fn profiles_without_a_usable_session() {
    let e = token("legacy", vec![]).unwrap_err();
    assert!(
        e.starts_with("IAM Identity Center (SSO): profile legacy has no sso_session"),
        "{e}"
    );
    let e = token("ghost", vec![]).unwrap_err();
    assert!(
        e.contains("sso_session \"nowhere\" (/home/u/.aws/config:15) does not exist"),
        "{e}"
    );
    let e = token("half", vec![]).unwrap_err();
    assert!(
        e.contains("[sso-session half] has no single-line sso_start_url"),
        "{e}"
    );
}

/// The error of profile ok's token when corp's cache file holds `json`.
fn corp_token_error(json: &str) -> String {
    token("ok", file("corp", json)).unwrap_err()
}

/// A cached token with a refresh token and a client registration, expiring at `expires_at`,
/// the registration at `registration_expires_at`.
fn refreshable(expires_at: &str, registration_expires_at: &str) -> String {
    format!(
        r#"{{"accessToken": "secretToken-0001", "expiresAt": "{expires_at}", "refreshToken": "secretToken-r", "clientId": "c", "clientSecret": "secretToken-c", "registrationExpiresAt": "{registration_expires_at}"}}"#
    )
}

#[test]
fn cache_files_that_cannot_serve() {
    let e = token("ok", vec![]).unwrap_err();
    assert_eq!(
        e,
        format!(
            "IAM Identity Center (SSO): profile ok: no cached token for sso-session corp at {}; \
             run `aws sso login --profile ok`",
            path("corp")
        )
    );
    let e = corp_token_error("<html>");
    assert!(
        e.contains(&format!(
            "the cached token {} is not JSON with the strings accessToken and expiresAt",
            path("corp")
        )),
        "{e}"
    );
    let e = corp_token_error(r#"{"accessToken": "secretToken-0001", "expiresAt": "tomorrow"}"#);
    assert!(e.contains("expiresAt that is not a time"), "{e}");
    // Expired, and nothing to refresh it with: no call is made.
    let e = corp_token_error(
        r#"{"accessToken": "secretToken-0001", "expiresAt": "2023-11-14T22:00:00Z"}"#,
    );
    assert!(e.contains("expired at 2023-11-14T22:00:00Z"), "{e}");
    assert!(e.contains("lacks refreshToken"), "{e}");
    assert!(e.ends_with("run `aws sso login --profile ok`"), "{e}");
    // Expired with a registration that has expired too.
    let e = corp_token_error(&refreshable("2023-11-14T22:00:00Z", "2023-01-01T00:00:00Z"));
    assert!(
        e.contains("client registration (registrationExpiresAt) has expired"),
        "{e}"
    );
    // Near expiry, and the refresh cannot be reached: the provider fails (botocore fails on
    // anything but a service error).
    let e = corp_token_error(&refreshable("2023-11-14T22:20:00Z", "2099-01-01T00:00:00Z"));
    assert!(
        e.starts_with(
            "IAM Identity Center (SSO): CreateToken (refreshing the token) at \
             https://oidc.us-east-1.amazonaws.com/token could not be reached"
        ),
        "{e}"
    );
}
