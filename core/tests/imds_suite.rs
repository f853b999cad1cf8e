//! The SDKs' IMDS endpoint vectors (../shared/conformance/suites/imds-endpoint-tests.json), one
//! named check per case: environment + config file -> the token URL, or an error. The cases'
//! `endpoint_override` and `mode_override` are an SDK builder's arguments; they are given to
//! the core's pure resolution in their place (an explicit endpoint over everything, an explicit
//! mode over the configured mode). Cases without overrides also go through the provider's
//! settings (`imds::config`) and a fetch from a recording host, whose first request must be the
//! token PUT at the expected URL.

mod common;

use common::memory::{MemoryFs, RecordingHttp};
use credchain_core::chain::providers::imds::{self, ImdsError};
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::load::load;
use credchain_core::config::locate::{locate, Platform};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::io::block_on;
use credchain_core::Sourced;
use credchain_core::{Dialect, Source};
use credchain_test_support::conformance::check_suite;

fn check(case: &serde_json::Value) -> Result<(), String> {
    let owned: Vec<(String, String)> = case["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .chain([("HOME".to_string(), "/home".to_string())])
        .collect();
    let env: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let fs = MemoryFs::with(
        case["fs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().as_bytes().to_vec())),
    );
    let paths = locate(env.as_slice(), Platform::Unix, Dialect::AwsCli).unwrap();
    let loaded = block_on(load(&fs, &paths)).unwrap();
    let files = ConfigFiles::parse(&loaded, Dialect::AwsCli).unwrap();
    let options = Options::default();
    let eval = Evaluator::new(&files, env.as_slice(), &options).unwrap();
    let resolved = |setting| {
        eval.resolve(setting)
            .unwrap()
            .filter(|r| r.source != Source::Default)
            .map(|r| Sourced {
                value: r.value.as_str().unwrap(),
                source: r.source,
            })
    };
    let override_of = |key: &str| {
        case[key].as_str().map(|value| Sourced {
            value,
            source: Source::Option("override"),
        })
    };
    let endpoint =
        override_of("endpoint_override").or(resolved(Setting::Ec2MetadataServiceEndpoint));
    let mode = override_of("mode_override").or(resolved(Setting::Ec2MetadataServiceEndpointMode));
    let got = imds::resolve_endpoint(endpoint, mode);
    let overridden = case.get("endpoint_override").is_some() || case.get("mode_override").is_some();
    if !overridden {
        let through_settings = imds::config(&eval).map(|c| c.endpoint);
        if through_settings != got {
            return Err(format!(
                "settings give {through_settings:?}, resolution {got:?}"
            ));
        }
    }
    let result = &case["result"];
    if let Some(url) = result["Ok"].as_str() {
        let endpoint = got.map_err(|e| format!("expected {url}, got {e}"))?;
        let token_url = endpoint.url(imds::TOKEN_PATH).unwrap();
        if token_url != url {
            return Err(format!("expected {url}, got {token_url}"));
        }
        if !overridden {
            let config = imds::config(&eval).unwrap();
            let http = RecordingHttp::refusing();
            let _ = block_on(imds::fetch(&config, &http, 0));
            let sent = http.sent.borrow();
            let first = sent.first().map(|s| (s.method.as_str(), s.url.as_str()));
            if first != Some(("PUT", url)) {
                return Err(format!("sent {sent:?}"));
            }
        }
        return Ok(());
    }
    let phrase = result["Err"].as_str().unwrap();
    match got {
        // The SDK's wording is its own; the error must name the setting and quote the value.
        Err(e @ ImdsError::BadSetting { .. }) => {
            let text = e.to_string();
            let value = phrase.split('`').nth(1);
            let setting = if phrase.contains("endpoint mode") {
                "ec2_metadata_service_endpoint_mode"
            } else {
                "ec2_metadata_service_endpoint"
            };
            if !text.contains(setting) || value.is_some_and(|v| !text.contains(v)) {
                return Err(format!(
                    "expected an error like \"{phrase}\", got \"{text}\""
                ));
            }
            Ok(())
        }
        other => Err(format!(
            "expected an error like \"{phrase}\", got {other:?}"
        )),
    }
}

#[test]
fn imds_endpoint_suite() {
    check_suite("suites/imds-endpoint-tests.json", 14, check);
}

fn config_error(env: &[(&str, &str)], config: &str) -> String {
    let fs = MemoryFs::with([("/home/.aws/config".to_string(), config.as_bytes().to_vec())]);
    let mut owned = env.to_vec();
    owned.push(("HOME", "/home"));
    let paths = locate(owned.as_slice(), Platform::Unix, Dialect::AwsCli).unwrap();
    let loaded = block_on(load(&fs, &paths)).unwrap();
    let files = ConfigFiles::parse(&loaded, Dialect::AwsCli).unwrap();
    let options = Options::default();
    let eval = Evaluator::new(&files, owned.as_slice(), &options).unwrap();
    imds::config(&eval).unwrap_err().to_string()
}

#[test]
fn invalid_settings_name_the_setting_and_its_source() {
    let e = config_error(&[("AWS_METADATA_SERVICE_TIMEOUT", "1.5")], "");
    assert!(
        e.contains("metadata_service_timeout \"1.5\" (AWS_METADATA_SERVICE_TIMEOUT)"),
        "{e}"
    );
    let e = config_error(&[], "[default]\nmetadata_service_num_attempts = 0\n");
    assert!(
        e.contains("metadata_service_num_attempts \"0\" (/home/.aws/config:2)"),
        "{e}"
    );
    // A sane upper bound, said in the message (4294967296 used to be "1 or more").
    for big in ["101", "4294967296"] {
        let e = config_error(&[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", big)], "");
        assert!(
            e.contains(&format!("metadata_service_num_attempts \"{big}\""))
                && e.contains("from 1 to 100"),
            "{e}"
        );
    }
    let e = config_error(&[], "[default]\nmetadata_service_timeout = -1\n");
    assert!(e.contains("metadata_service_timeout \"-1\""), "{e}");
    let e = config_error(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://a b")], "");
    assert!(
        e.contains(
            "ec2_metadata_service_endpoint \"http://a b\" (AWS_EC2_METADATA_SERVICE_ENDPOINT)"
        ),
        "{e}"
    );
    // botocore checks the mode even when an endpoint is set.
    let e = config_error(
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"),
        ],
        "",
    );
    assert!(
        e.contains("ec2_metadata_service_endpoint_mode \"IPv5\""),
        "{e}"
    );
}
