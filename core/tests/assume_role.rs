//! The SDKs' assume-role vectors (../shared/conformance/suites/assume-role-tests.json) through the
//! plan layer: each case's profiles become a config file, the selected profile is given as
//! `--profile`, and the planned chain (or error) is compared. Where the AWS CLI and the SDKs
//! disagree, the AWS CLI wins and the case is listed in `AWSCLI_DIFFERS` with the reason.

mod common;

use credchain_core::chain::plan::{plan, BaseStep, CredentialSource, Plan};
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::Dialect;
use credchain_test_support::conformance::assert_no_failures;
use serde_json::{json, Map, Value};

/// Cases where the AWS CLI's answer differs from the SDKs' expectation, with the AWS CLI's.
const AWSCLI_DIFFERS: &[(&str, &str)] = &[(
    "SSO token profile selected",
    // botocore's SSO credential provider needs sso_account_id/sso_role_name; a profile with only
    // sso_session is a bearer-token profile, so the AWS CLI finds no credentials in it.
    "no credentials",
)];

fn config_text(input: &Value) -> String {
    let mut text = String::new();
    for (section, prefix) in [("profiles", "profile"), ("sso_sessions", "sso-session")] {
        for (name, props) in input[section].as_object().into_iter().flatten() {
            text.push_str(&format!("[{prefix} {name}]\n"));
            for (k, v) in props.as_object().unwrap() {
                text.push_str(&format!("{k} = {}\n", v.as_str().unwrap()));
            }
        }
    }
    text
}

fn opt(v: Option<credchain_core::Sourced<'_>>) -> Option<&str> {
    v.map(|s| s.value)
}

/// The plan in the suite's `ProfileChain` shape.
fn chain_json(plan: &Plan<'_>) -> Value {
    let Some(chain) = &plan.chain else {
        return json!("no credentials");
    };
    let mut steps = Vec::new();
    let put = |map: &mut Map<String, Value>, key: &str, v: Option<&str>| {
        if let Some(v) = v {
            map.insert(key.into(), json!(v));
        }
    };
    let mut base = Map::new();
    let base = match chain.base {
        BaseStep::Static(keys) => {
            put(&mut base, "access_key_id", Some(keys.access_key_id.value));
            put(
                &mut base,
                "secret_access_key",
                Some(keys.secret_access_key.expose()),
            );
            put(&mut base, "account_id", opt(keys.account_id));
            json!({ "AccessKey": base })
        }
        BaseStep::Named(source) => json!({ "NamedSource": match source {
            CredentialSource::Environment => "Environment",
            CredentialSource::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            CredentialSource::EcsContainer => "EcsContainer",
        }}),
        BaseStep::WebIdentity(step) => {
            put(&mut base, "role_arn", Some(step.role_arn.value));
            put(
                &mut base,
                "web_identity_token_file",
                Some(step.token_file.value),
            );
            put(&mut base, "role_session_name", opt(step.session_name));
            json!({ "WebIdentityToken": base })
        }
        BaseStep::Sso(step) => {
            put(&mut base, "sso_session", opt(step.token.session));
            put(&mut base, "sso_start_url", Some(step.token.start_url.value));
            put(&mut base, "sso_region", Some(step.token.region.value));
            put(&mut base, "sso_account_id", Some(step.account_id.value));
            put(&mut base, "sso_role_name", Some(step.role_name.value));
            json!({ "Sso": base })
        }
        other => json!(format!("{other:?}")),
    };
    steps.push(base);
    for role in &chain.roles {
        let mut r = Map::new();
        put(&mut r, "role_arn", Some(role.role_arn.value));
        put(&mut r, "external_id", opt(role.external_id));
        put(&mut r, "role_session_name", opt(role.session_name));
        steps.push(json!({ "AssumeRole": r }));
    }
    json!({ "ProfileChain": steps })
}

#[test]
fn assume_role_suite() {
    let suite = common::conformance_json("suites/assume-role-tests.json");
    let cases = suite.as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["docs"].as_str().unwrap();
        let text = config_text(&case["input"]);
        let selected = case["input"]["selected_profile"].as_str().unwrap();
        let files = ConfigFiles::from_texts(
            ("config", Some(text.as_bytes())),
            ("credentials", None),
            Dialect::AwsCli,
        )
        .expect("generated config parses");
        let env: &[(&str, &str)] = &[("AWS_EC2_METADATA_DISABLED", "true")];
        let options = Options::default().with(Setting::Profile, selected);
        let got = match Evaluator::new(&files, env, &options) {
            Err(e) => Err(e.to_string()),
            Ok(eval) => match plan(&eval) {
                Err(e) => Err(e.to_string()),
                Ok(p) => Ok(chain_json(&p)),
            },
        };
        let expected = &case["output"];
        let ok = match (AWSCLI_DIFFERS.iter().find(|(n, _)| *n == name), &got) {
            (Some((_, awscli)), Ok(got)) => got == &json!(awscli),
            (None, Ok(got)) => expected.get("ProfileChain").is_some() && got == expected,
            // The error wording is credchain's own; an error where one is expected is the match,
            // and "no credentials" is an error to the AWS CLI too.
            (None, Err(_)) => expected.get("Error").is_some(),
            (Some(_), Err(_)) => false,
        };
        let got_ok_none = matches!(&got, Ok(v) if v == &json!("no credentials"));
        let ok = ok
            || (got_ok_none
                && expected.get("Error").is_some()
                && AWSCLI_DIFFERS.iter().all(|(n, _)| *n != name));
        if !ok {
            failures.push(format!(
                "{name}\n  expected: {expected}\n  got:      {got:?}"
            ));
        }
    }
    assert_no_failures(&failures, cases.len());
}
