//! The provider behaviours of ../shared/spec/awscli-quirks.md ("Profile selection and
//! environment", "Providers"), each a test through the plan layer (no I/O).

mod common;

use credchain_core::chain::plan::{plan, BaseStep, Plan, SkipReason, WebIdentityStep};
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::credentials::ProviderKind;
use credchain_core::{FileKind, Source};
use credchain_test_support::text::assert_contains;

fn planned<'a>(
    files: &'a ConfigFiles<'a>,
    env: &'a [(&'a str, &'a str)],
    options: &'a Options<'a>,
) -> Result<Plan<'a>, String> {
    let eval = Evaluator::new(files, env, options).map_err(|e| e.to_string())?;
    plan(&eval).map_err(|e| e.to_string())
}

fn files<'a>(config: &'a str, creds: &'a str) -> ConfigFiles<'a> {
    common::c_and_k(Some(config.as_bytes()), Some(creds.as_bytes())).unwrap()
}

/// The step of a chain whose base is web identity (a panic for any other base).
fn web_identity_step(base: BaseStep<'_>) -> WebIdentityStep<'_> {
    match base {
        BaseStep::WebIdentity(step) => step,
        other => panic!("{other:?}"),
    }
}

/// The error planning `profile` (chosen by the option, no environment variables) gives.
fn plan_error(files: &ConfigFiles<'_>, profile: &str) -> String {
    let options = Options::default().with(Setting::Profile, profile);
    planned(files, &[], &options).unwrap_err()
}

#[test]
fn a_missing_named_profile_is_an_error_even_with_environment_credentials() {
    let f = files("[default]\n", "");
    let env: &[(&str, &str)] = &[
        ("AWS_PROFILE", "nope"),
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
    ];
    let e = planned(&f, env, &Options::default()).unwrap_err();
    assert!(e.contains("(nope) could not be found"), "{e}");
}

#[test]
fn a_file_that_fails_to_parse_fails_even_with_environment_credentials() {
    // Parsing happens before any provider runs: the error comes first.
    let bad = common::c_and_k(Some(b"[default]\nregion\n"), None);
    assert!(bad.unwrap_err().to_string().contains("/c:2"));
}

#[test]
fn the_environment_is_skipped_only_when_the_profile_comes_from_the_option() {
    let f = files(
        "[profile p]\naws_access_key_id = F\naws_secret_access_key = s\n",
        "",
    );
    let env: &[(&str, &str)] = &[
        ("AWS_PROFILE", "p"),
        ("AWS_ACCESS_KEY_ID", "E"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ];
    let options = Options::default();
    let p = planned(&f, env, &options).unwrap();
    assert_eq!(p.chain.unwrap().provider, ProviderKind::Environment);
    let options = Options::default().with(Setting::Profile, "p");
    let p = planned(&f, env, &options).unwrap();
    assert_eq!(p.chain.unwrap().provider, ProviderKind::ConfigFile);
    assert_eq!(p.skipped[0].provider, ProviderKind::Environment);
}

#[test]
fn static_keys_come_from_one_file_s_section_as_a_whole() {
    // The secret only in the other file: partial credentials.
    let f = files(
        "[profile p]\naws_secret_access_key = s\n",
        "[p]\naws_access_key_id = A\n",
    );
    let e = plan_error(&f, "p");
    assert_contains(&e, &["profile p", "aws_secret_access_key is missing"]);
}

#[test]
fn credentials_file_keys_then_credential_process_then_config_file_keys() {
    let config = "[profile p]\ncredential_process = helper\naws_access_key_id = C\naws_secret_access_key = c\n";
    let options = Options::default().with(Setting::Profile, "p");
    let with_creds = files(
        config,
        "[p]\naws_access_key_id = K\naws_secret_access_key = k\n",
    );
    let chain = planned(&with_creds, &[], &options).unwrap().chain.unwrap();
    assert_eq!(chain.provider, ProviderKind::SharedCredentialsFile);
    let without = files(config, "");
    let chain = planned(&without, &[], &options).unwrap().chain.unwrap();
    assert_eq!(chain.provider, ProviderKind::CredentialProcess);
    // The same order for a source profile of a role.
    let role = "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p\n";
    let text = format!("{role}{config}");
    let f = files(&text, "");
    let options = Options::default().with(Setting::Profile, "r");
    let chain = planned(&f, &[], &options).unwrap().chain.unwrap();
    assert!(
        matches!(chain.base, BaseStep::Process { profile: "p", .. }),
        "{:?}",
        chain.base
    );
}

#[test]
fn web_identity_from_the_environment_comes_before_files_and_overrides_the_profile() {
    let f = files(
        "[profile p]\nweb_identity_token_file = /profile.jwt\nrole_arn = arn:aws:iam::1:role/profile\n\
         credential_process = helper\n",
        "[p]\naws_access_key_id = K\naws_secret_access_key = k\n",
    );
    let env: &[(&str, &str)] = &[
        ("AWS_PROFILE", "p"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/env.jwt"),
    ];
    let options = Options::default();
    let chain = planned(&f, env, &options).unwrap().chain.unwrap();
    assert_eq!(chain.provider, ProviderKind::WebIdentity);
    let WebIdentityStep {
        token_file,
        role_arn,
        ..
    } = web_identity_step(chain.base);
    assert_eq!(
        (token_file.value, token_file.source),
        ("/env.jwt", Source::EnvVar("AWS_WEB_IDENTITY_TOKEN_FILE"))
    );
    // The role ARN still comes from the profile when AWS_ROLE_ARN is unset.
    assert_eq!(role_arn.value, "arn:aws:iam::1:role/profile");
    assert!(matches!(
        role_arn.source,
        Source::File {
            kind: FileKind::Config,
            ..
        }
    ));
}

#[test]
fn a_profile_from_the_option_turns_the_environment_s_web_identity_off() {
    // botocore passes `disable_env_vars` to the web identity provider as well as dropping the
    // environment provider when the profile came from --profile.
    let env: &[(&str, &str)] = &[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/env.jwt"),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/env"),
        ("AWS_ROLE_SESSION_NAME", "env-session"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let statics = files(
        "[default]\n",
        "[default]\naws_access_key_id = K\naws_secret_access_key = k\n",
    );
    let option = Options::default().with(Setting::Profile, "default");
    let p = planned(&statics, env, &option).unwrap();
    assert_eq!(
        p.chain.unwrap().provider,
        ProviderKind::SharedCredentialsFile
    );
    let web = p
        .skipped
        .iter()
        .find(|s| s.provider == ProviderKind::WebIdentity)
        .unwrap();
    assert_eq!(web.reason, SkipReason::WebIdentityEnvFromOption);
    // Without the option (AWS_PROFILE or nothing) the environment's web identity still wins.
    let no_option = Options::default();
    let chain = planned(&statics, env, &no_option).unwrap().chain.unwrap();
    assert_eq!(chain.provider, ProviderKind::WebIdentity);
    // With the option, the profile's own web identity is used, and none of its keys come from
    // the environment (not even AWS_ROLE_SESSION_NAME).
    let own = files(
        "[default]\nweb_identity_token_file = /profile.jwt\nrole_arn = arn:aws:iam::1:role/profile\n",
        "",
    );
    let chain = planned(&own, env, &option).unwrap().chain.unwrap();
    let WebIdentityStep {
        token_file,
        role_arn,
        session_name,
    } = web_identity_step(chain.base);
    assert_eq!(
        (token_file.value, role_arn.value, session_name),
        ("/profile.jwt", "arn:aws:iam::1:role/profile", None)
    );
    // A profile without any web identity key and no other credentials: nothing from the
    // environment's token.
    let none = files("[default]\nregion = us-east-1\n", "");
    let p = planned(&none, env, &option).unwrap();
    assert_eq!(p.chain, None);
}

#[test]
fn role_chains_of_64_hops_are_planned_and_longer_ones_named() {
    let chain = |hops: usize| {
        let mut config =
            String::from("[profile r0]\naws_access_key_id = K\naws_secret_access_key = k\n");
        for i in 1..=hops {
            config.push_str(&format!(
                "[profile r{i}]\nrole_arn = arn:aws:iam::1:role/r{i}\nsource_profile = r{}\n",
                i - 1
            ));
        }
        config
    };
    let text = chain(64);
    let f = files(&text, "");
    let options = Options::default().with(Setting::Profile, "r64");
    let planned_chain = planned(&f, &[], &options).unwrap().chain.unwrap();
    assert_eq!(planned_chain.roles.len(), 64);
    let text = chain(65);
    let f = files(&text, "");
    let e = plan_error(&f, "r65");
    assert_contains(&e, &["longer than 64 profiles", "MAX_ROLE_CHAIN"]);
}

#[test]
fn security_token_key_wins_over_session_token_key() {
    let f = files("", "[p]\naws_access_key_id = K\naws_secret_access_key = k\naws_session_token = st\naws_security_token = sec\n");
    let options = Options::default().with(Setting::Profile, "p");
    let chain = planned(&f, &[], &options).unwrap().chain.unwrap();
    let BaseStep::Static(keys) = chain.base else {
        panic!()
    };
    assert_eq!(keys.session_token.unwrap().expose(), "sec");
}
