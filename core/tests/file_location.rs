//! The SDKs' shared file-location vectors (../shared/conformance/suites/file-location-tests.json),
//! one named check per case. They are the SDKs' rules, so they run in the SDK dialect; the AWS
//! CLI differs on Windows only (Python ignores HOME there), which `windows_home_differs` pins.

mod common;

use credchain_core::config::evaluate::{select_profile, Options};
use credchain_core::config::locate::{locate, Platform};
use credchain_core::Dialect;
use credchain_test_support::conformance::assert_no_failures;

fn env_of(case: &serde_json::Value) -> Vec<(String, String)> {
    case["environment"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn file_location_suite() {
    let suite = common::conformance_json("suites/file-location-tests.json");
    let tests = suite["tests"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in tests {
        let name = case["name"].as_str().unwrap();
        let owned = env_of(case);
        let env: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let platform = match case["platform"].as_str() {
            Some("windows") => Platform::Windows,
            _ => Platform::Unix,
        };
        let paths = locate(env.as_slice(), platform, Dialect::Sdk).unwrap();
        let mut problems = Vec::new();
        if paths.config.path != case["configLocation"].as_str().unwrap() {
            problems.push(format!("config {}", paths.config.path));
        }
        if paths.credentials.path != case["credentialsLocation"].as_str().unwrap() {
            problems.push(format!("credentials {}", paths.credentials.path));
        }
        if let Some(profile) = case["profile"].as_str() {
            let (got, _) = select_profile(&Options::default(), env.as_slice());
            if got != profile {
                problems.push(format!("profile {got}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join(", ")));
        }
    }
    assert_no_failures(&failures, tests.len());
}

/// A documented difference: the AWS CLI (Python 3.8+) ignores HOME on Windows.
#[test]
fn windows_home_differs() {
    let env: &[(&str, &str)] = &[("HOME", "C:\\users\\user"), ("USERPROFILE", "C:\\profile")];
    let sdk = locate(env, Platform::Windows, Dialect::Sdk).unwrap();
    let cli = locate(env, Platform::Windows, Dialect::AwsCli).unwrap();
    assert_eq!(sdk.config.path, "C:\\users\\user\\.aws\\config");
    assert_eq!(cli.config.path, "C:\\profile\\.aws\\config");
}
