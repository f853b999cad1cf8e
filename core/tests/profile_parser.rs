//! The SDKs' shared profile-parser vectors, read from ../shared/conformance at test time: each
//! case is run in both dialects against its own expected output (the `.awscli.json` file holds
//! the AWS CLI's reading of the same inputs).

mod common;

use credchain_core::config::parse::{ConfigFiles, Value};
use credchain_core::Dialect;
use credchain_test_support::conformance::assert_no_failures;
use serde_json::{json, Map, Value as Json};

fn value_json(value: &Value<'_>, dialect: Dialect) -> Json {
    if dialect == Dialect::AwsCli && value.is_nested() {
        let mut map = Map::new();
        for (k, v) in value.sub_properties() {
            map.insert(k.to_string(), json!(v));
        }
        Json::Object(map)
    } else {
        json!(value.to_string())
    }
}

/// What credchain reads from a case's input, in the suite's output shape.
fn read(input: &Json, dialect: Dialect) -> Result<Json, String> {
    let config = input.get("configFile").and_then(Json::as_str);
    let creds = input.get("credentialsFile").and_then(Json::as_str);
    let files = ConfigFiles::from_texts(
        ("config", config.map(str::as_bytes)),
        ("credentials", creds.map(str::as_bytes)),
        dialect,
    )
    .map_err(|e| e.to_string())?;
    let mut profiles = Map::new();
    for name in files.profile_names() {
        let name = name.to_string();
        let profile = files.profile(&name).expect("a listed profile exists");
        let mut props = Map::new();
        for p in profile.properties() {
            props.insert(p.key.to_lowercase(), value_json(&p.value, dialect));
        }
        profiles.insert(name, Json::Object(props));
    }
    let mut sessions = Map::new();
    for name in files.sso_session_names() {
        let name = name.to_string();
        let session = files.sso_session(&name).expect("a listed session exists");
        let props = session
            .properties()
            .map(|p| (p.key.to_lowercase(), value_json(&p.value, dialect)))
            .collect();
        sessions.insert(name, Json::Object(props));
    }
    Ok(json!({"profiles": profiles, "sso_sessions": sessions}))
}

fn run_suite(file: &str, dialect: Dialect) {
    let suite = common::conformance_json(&format!("suites/{file}"));
    let mut failures = Vec::new();
    let tests = suite["tests"].as_array().expect("tests");
    for case in tests {
        let name = case["name"].as_str().unwrap();
        let expected = &case["output"];
        let got = read(&case["input"], dialect);
        let ok = match (expected.get("errorContaining"), &got) {
            (Some(needle), Err(message)) => message
                .to_lowercase()
                .contains(&needle.as_str().unwrap().to_lowercase()),
            (None, Ok(got)) => {
                let want = &expected["config"];
                // Sessions are compared only where the case states them.
                got["profiles"] == want["profiles"]
                    && want
                        .get("sso_sessions")
                        .is_none_or(|s| got["sso_sessions"] == *s)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{name}\n  input:    {}\n  expected: {expected}\n  got:      {got:?}",
                case["input"]
            ));
        }
    }
    assert_no_failures(&failures, tests.len());
}

#[test]
fn profile_parser_suite_awscli_dialect() {
    run_suite("profile-parser-tests.awscli.json", Dialect::AwsCli);
}

#[test]
fn profile_parser_suite_sdk_dialect() {
    run_suite("profile-parser-tests.json", Dialect::Sdk);
}
