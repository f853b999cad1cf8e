//! Execution of planned chains through in-memory hosts: environment and file keys,
//! credential_process (its JSON, failures, expiry), and refusals.

mod common;

use common::memory::{unix_io, FixedClock, MemoryCommand, MemoryFs, NoHttp};
use credchain_core::chain::execute::{execute, ExecuteError, ProcessFailure};
use credchain_core::chain::plan::plan;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::credentials::ProviderKind;
use credchain_core::io::block_on;
use credchain_core::Dialect;
use credchain_test_support::file_tree::texts_under;

struct Case<'a> {
    config: &'a str,
    creds: &'a str,
    env: Vec<(&'a str, &'a str)>,
    profile: Option<&'a str>,
    command: MemoryCommand,
    now: i64,
}

impl<'a> Case<'a> {
    fn new(config: &'a str, creds: &'a str) -> Self {
        Case {
            config,
            creds,
            env: vec![],
            profile: None,
            command: MemoryCommand::default(),
            now: 1_700_000_000,
        }
    }

    fn run(&self) -> Result<credchain_core::credentials::Credentials, String> {
        let files = ConfigFiles::from_texts(
            ("/h/.aws/config", Some(self.config.as_bytes())),
            ("/h/.aws/credentials", Some(self.creds.as_bytes())),
            Dialect::AwsCli,
        )
        .unwrap();
        let mut options = Options::default();
        if let Some(p) = self.profile {
            options.set(Setting::Profile, p);
        }
        let env = self.env.as_slice();
        let eval = Evaluator::new(&files, env, &options).map_err(|e| e.to_string())?;
        let plan = plan(&eval).map_err(|e| e.to_string())?;
        let fs = MemoryFs::default();
        let clock = FixedClock(self.now);
        let io = unix_io(&fs, &NoHttp, &self.command, &clock);
        block_on(execute(&eval, &plan, &io)).map_err(|e| e.to_string())
    }
}

#[test]
fn environment_keys_win_unless_the_profile_is_an_option() {
    let mut case = Case::new(
        "[profile p]\naws_access_key_id = FILE\naws_secret_access_key = s\n",
        "",
    );
    case.env = vec![
        ("AWS_ACCESS_KEY_ID", "ENV"),
        ("AWS_SECRET_ACCESS_KEY", "e"),
        ("AWS_SESSION_TOKEN", "t"),
        ("AWS_PROFILE", "p"),
    ];
    let c = case.run().unwrap();
    assert_eq!(
        (c.access_key_id(), c.session_token(), c.provider()),
        ("ENV", Some("t"), ProviderKind::Environment)
    );
    case.profile = Some("p");
    let c = case.run().unwrap();
    assert_eq!(
        (c.access_key_id(), c.provider()),
        ("FILE", ProviderKind::ConfigFile)
    );
}

#[test]
fn security_token_wins_and_expired_environment_keys_are_refused() {
    let mut case = Case::new("", "");
    case.env = vec![
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_SESSION_TOKEN", "session"),
        ("AWS_SECURITY_TOKEN", "security"),
        ("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z"),
        ("AWS_ACCOUNT_ID", "123456789012"),
    ];
    let c = case.run().unwrap();
    assert_eq!(
        (c.session_token(), c.account_id()),
        (Some("security"), Some("123456789012"))
    );
    assert_eq!(c.expiration(), Some(1_893_456_000));
    case.now = 1_893_456_000;
    let e = case.run().unwrap_err();
    assert!(e.contains("expired at 2030-01-01T00:00:00+00:00"), "{e}");
}

#[test]
fn credentials_file_keys_beat_config_file_keys_as_whole_sections() {
    let case = Case::new(
        "[default]\naws_access_key_id = CONFIG\naws_secret_access_key = c\naws_session_token = only-in-config\n",
        "[default]\naws_access_key_id = CREDS\naws_secret_access_key = k\n",
    );
    let c = case.run().unwrap();
    assert_eq!((c.access_key_id(), c.session_token()), ("CREDS", None));
    assert_eq!(c.provider(), ProviderKind::SharedCredentialsFile);
}

#[test]
fn credential_process_output_is_read() {
    let mut case = Case::new(
        "[default]\ncredential_process = /bin/helper --profile 'a b' \"c\\\"d\"\n",
        "",
    );
    case.command = MemoryCommand::answering(
        0,
        r#"{"Version": 1, "AccessKeyId": "AKP", "SecretAccessKey": "S\/lash", "SessionToken": "T",
            "Expiration": "2030-01-01T00:00:00Z", "AccountId": "210987654321", "Extra": [1, {"x": null}]}"#,
        "",
    );
    let c = case.run().unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.account_id()),
        ("AKP", "S/lash", Some("210987654321"))
    );
    assert_eq!(c.provider(), ProviderKind::CredentialProcess);
    assert_eq!(
        case.command.last_argv(),
        vec!["/bin/helper", "--profile", "a b", "c\"d"]
    );
}

#[test]
fn credential_process_failures_name_the_profile_and_show_stderr() {
    let mut case = Case::new("[profile p]\ncredential_process = helper\n", "");
    case.profile = Some("p");
    case.command = MemoryCommand::answering(3, "", "token expired: run helper login\n");
    let e = case.run().unwrap_err();
    assert!(
        e.contains("profile p") && e.contains("status 3") && e.contains("run helper login"),
        "{e}"
    );
    case.command = MemoryCommand::answering(0, "not json", "");
    assert!(case.run().unwrap_err().contains("not the expected JSON"));
    case.command = MemoryCommand::answering(
        0,
        r#"{"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "b"}"#,
        "",
    );
    assert!(case.run().unwrap_err().contains("Version 2"));
    case.command = MemoryCommand::answering(
        0,
        r#"{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "Expiration": "2001-01-01T00:00:00Z"}"#,
        "",
    );
    assert!(case.run().unwrap_err().contains("still expired"));
    let bad = Case::new("[default]\ncredential_process = helper 'unclosed\n", "");
    assert!(bad.run().unwrap_err().contains("unclosed quote"));
}

#[test]
fn credential_process_account_id_falls_back_to_the_profile_s() {
    let mut case = Case::new(
        "[default]\ncredential_process = helper\naws_account_id = 111122223333\n",
        "",
    );
    for printed in ["", r#", "AccountId": """#] {
        let json =
            format!(r#"{{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b"{printed}}}"#);
        case.command = MemoryCommand::answering(0, &json, "");
        assert_eq!(case.run().unwrap().account_id(), Some("111122223333"));
    }
    case.command = MemoryCommand::answering(
        0,
        r#"{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "AccountId": "444455556666"}"#,
        "",
    );
    assert_eq!(case.run().unwrap().account_id(), Some("444455556666"));
}

#[test]
fn credential_process_answers_that_expire_soon_are_fetched_again() {
    // botocore's RefreshableCredentials refresh on first use when fewer than 15 minutes remain:
    // the helper runs a second time and that answer is used (still expired: an error).
    let mut case = Case::new("[default]\ncredential_process = helper\n", "");
    let at = |secs: i64| {
        let mut t = String::new();
        credchain_core::credentials::write_utc_z(&mut t, 1_700_000_000 + secs).unwrap();
        format!(
            r#"{{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "Expiration": "{t}"}}"#
        )
    };
    for (secs, runs) in [(3600, 1), (15 * 60, 1), (15 * 60 - 1, 2), (60, 2)] {
        case.command = MemoryCommand::answering(0, &at(secs), "");
        assert!(case.run().is_ok(), "{secs}");
        assert_eq!(*case.command.runs.borrow(), runs, "expiring in {secs} s");
    }
    case.command = MemoryCommand::answering(0, &at(-60), "");
    assert!(case.run().unwrap_err().contains("still expired"));
    assert_eq!(*case.command.runs.borrow(), 2);
}

#[test]
fn credential_process_version_is_any_number_equal_to_one() {
    // botocore compares the parsed JSON with Python's `version != 1`, so 1.0 and 1e0 are 1;
    // a string "1" and other numbers are refused.
    let mut case = Case::new("[default]\ncredential_process = helper\n", "");
    for version in ["1", "1.0", "1e0", "10e-1", "1.000"] {
        let json =
            format!(r#"{{"Version": {version}, "AccessKeyId": "a", "SecretAccessKey": "b"}}"#);
        case.command = MemoryCommand::answering(0, &json, "");
        let c = case
            .run()
            .unwrap_or_else(|e| panic!("Version {version}: {e}"));
        assert_eq!(c.access_key_id(), "a");
    }
    for (version, shown) in [
        ("2", "Version 2;"),
        ("1.5", "Version 1.5;"),
        ("0", "Version 0;"),
    ] {
        let json =
            format!(r#"{{"Version": {version}, "AccessKeyId": "a", "SecretAccessKey": "b"}}"#);
        case.command = MemoryCommand::answering(0, &json, "");
        let e = case.run().unwrap_err();
        assert!(e.contains(shown), "{version}: {e}");
    }
    case.command = MemoryCommand::answering(
        0,
        r#"{"Version": "1", "AccessKeyId": "a", "SecretAccessKey": "b"}"#,
        "",
    );
    assert!(case.run().unwrap_err().contains("not the expected JSON"));
}

#[test]
fn no_provider_is_no_credentials() {
    let mut case = Case::new("[default]\nregion = us-east-1\n", "");
    case.env = vec![("AWS_EC2_METADATA_DISABLED", "true")];
    let e = case.run().unwrap_err();
    assert!(e.contains("unable to locate credentials"), "{e}");
    let _ = ExecuteError::NoCredentials;
    let _ = ProcessFailure::BadJson;
}

#[test]
fn bad_metadata_settings_fail_every_lookup_as_in_botocore() {
    // botocore builds the metadata fetcher with the chain, so these fail even when the
    // environment's keys would answer.
    for (setting, value, name) in [
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "IPv7",
            "ec2_metadata_service_endpoint_mode",
        ),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "not a uri",
            "ec2_metadata_service_endpoint",
        ),
        (
            "AWS_METADATA_SERVICE_TIMEOUT",
            "1.5",
            "metadata_service_timeout",
        ),
        (
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "two",
            "metadata_service_num_attempts",
        ),
    ] {
        let mut case = Case::new("", "");
        case.env = vec![
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            (setting, value),
        ];
        let e = case.run().unwrap_err();
        assert!(
            e.contains(&format!("{name} \"{value}\" ({setting})")),
            "{e}"
        );
    }
    // Integers out of the provider's range are judged only when it runs.
    let mut case = Case::new("", "");
    case.env = vec![
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"),
    ];
    assert_eq!(case.run().unwrap().access_key_id(), "A");
}

/// The execute future lives on the caller's stack (`block_on` pins it there), and the C
/// header promises that resolving fits in 512 KiB of stack: the future must leave room for
/// the frames around it.
#[test]
fn the_execute_future_fits_the_documented_stack() {
    let files = ConfigFiles::from_texts(
        (
            "/h/.aws/config",
            Some(b"[default]\nregion = us-east-1\n".as_slice()),
        ),
        ("/h/.aws/credentials", None),
        Dialect::AwsCli,
    )
    .unwrap();
    let options = Options::default();
    let env: &[(&str, &str)] = &[];
    let eval = Evaluator::new(&files, env, &options).unwrap();
    let plan = plan(&eval).unwrap();
    let fs = MemoryFs::default();
    let command = MemoryCommand::default();
    let clock = FixedClock(0);
    let io = unix_io(&fs, &NoHttp, &command, &clock);
    let future = execute(&eval, &plan, &io);
    let size = core::mem::size_of_val(&future);
    eprintln!("the execute future: {size} bytes");
    assert!(size <= 160 * 1024, "the execute future is {size} bytes");
    drop(future);
}

#[test]
fn every_variable_the_core_reads_is_listed_for_the_hosts_check() {
    // Hosts refuse a non-UTF-8 value of a listed variable instead of reading it as unset; a
    // variable read but not listed would slip through.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    for (path, text) in texts_under(&src) {
        for part in text.split('"').skip(1).step_by(2) {
            let is_var = part.starts_with("AWS_")
                && part.len() > 4
                && part
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if is_var && !credchain_core::io::VARIABLES_READ.contains(&part) {
                missing.push(format!("{part} ({})", path.display()));
            }
        }
    }
    assert!(missing.is_empty(), "not in VARIABLES_READ: {missing:?}");
}
