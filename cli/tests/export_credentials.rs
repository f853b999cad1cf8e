//! `credchain export-credentials`: the AWS CLI's exact output in each format (the recorded
//! outputs of ../shared/conformance/export-formats, one named test per profile and format), the
//! providers behind it, and its errors and exit statuses.

mod common;

use common::{
    conformance_dir, credchain, role_sts, Home, MockServer, ACCESS_DENIED, BASE_CREDENTIALS,
};

/// A HOME laid out by the conformance data's own home.sh (it only writes files).
fn conformance_home() -> Home {
    let home = Home::empty();
    let script = conformance_dir().join("export-formats/home.sh");
    let status = std::process::Command::new("bash")
        .arg(&script)
        .arg(home.path())
        .status()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(
        status.success(),
        "{} failed (is the conformance data there? CREDCHAIN_CONFORMANCE names its directory)",
        script.display()
    );
    home.adopt(".aws/config");
    home.adopt(".aws/credentials");
    home
}

/// The AWS CLI's recorded output for a profile and format.
fn expected(profile: &str, format: &str) -> String {
    let path = conformance_dir().join(format!("export-formats/{profile}.{format}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

macro_rules! conformance {
    ($($name:ident: $profile:literal $format:literal,)*) => {$(
        #[test]
        fn $name() {
            let home = conformance_home();
            let want = expected($profile, $format);
            for args in [
                &["export-credentials", "--profile", $profile, "--format", $format][..],
                &["configure", "export-credentials", "--format", $format, "--profile", $profile],
                &["--profile", $profile, "export-credentials", "--format", $format],
            ] {
                // Printing the secret is this command's purpose: the output is asserted whole.
                let run = home.run_revealing(args, &[]);
                assert_eq!(
                    (run.code, run.stdout.as_str(), run.stderr.as_str()),
                    (0, want.as_str(), ""),
                    "{args:?}"
                );
            }
        }
    )*};
}

conformance! {
    conformance_static_process: "static" "process",
    conformance_static_env: "static" "env",
    conformance_static_env_no_export: "static" "env-no-export",
    conformance_static_powershell: "static" "powershell",
    conformance_static_windows_cmd: "static" "windows-cmd",
    conformance_static_fish: "static" "fish",
    conformance_proc_process: "proc" "process",
    conformance_proc_env: "proc" "env",
    conformance_proc_env_no_export: "proc" "env-no-export",
    conformance_proc_powershell: "proc" "powershell",
    conformance_proc_windows_cmd: "proc" "windows-cmd",
    conformance_proc_fish: "proc" "fish",
}

#[test]
fn process_is_the_default_format() {
    let home = conformance_home();
    for profile in ["static", "proc"] {
        let run = home.run_revealing(&["export-credentials", "--profile", profile], &[]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, expected(profile, "process").as_str())
        );
    }
}

#[test]
fn account_id_comes_last_in_process_when_known() {
    let home = Home::empty();
    let helper = home.process_script(
        "bin/helper",
        r#"{"Version": 1, "AccessKeyId": "ASIAHELPEREXAMPLE", "SecretAccessKey": "helperSecret0001",
            "SessionToken": "helperToken0001", "Expiration": "2099-01-02T05:04:05+02:00",
            "AccountId": "123456789012"}"#,
    );
    home.write(
        ".aws/config",
        &format!("[default]\ncredential_process = {helper}\n"),
    );
    let run = home.run_revealing(&["export-credentials"], &[]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            0,
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAHELPEREXAMPLE\",\n  \
             \"SecretAccessKey\": \"helperSecret0001\",\n  \"SessionToken\": \"helperToken0001\",\n  \
             \"Expiration\": \"2099-01-02T05:04:05+02:00\",\n  \"AccountId\": \"123456789012\"\n}\n",
            ""
        )
    );
    // The line formats have no account id, as in the AWS CLI.
    let run = home.run_revealing(&["export-credentials", "--format", "env-no-export"], &[]);
    assert_eq!(
        run.stdout,
        "AWS_ACCESS_KEY_ID=ASIAHELPEREXAMPLE\nAWS_SECRET_ACCESS_KEY=helperSecret0001\n\
         AWS_SESSION_TOKEN=helperToken0001\nAWS_CREDENTIAL_EXPIRATION=2099-01-02T05:04:05+02:00\n"
    );
}

#[test]
fn an_expiration_keeps_the_offset_and_fraction_its_source_wrote() {
    // The AWS CLI prints isoformat() of the time it parsed (checked with botocore 1.44.8:
    // `_expiry_time.isoformat()` of the process and environment providers).
    let home = Home::empty();
    for (written, printed) in [
        (
            "2099-01-02T05:04:05.25+02:00",
            "2099-01-02T05:04:05.250000+02:00",
        ),
        ("2099-01-01T23:30:00-05:00", "2099-01-01T23:30:00-05:00"),
        ("2099-01-02T03:04:05Z", "2099-01-02T03:04:05+00:00"),
    ] {
        let run = home.run_revealing(
            &["export-credentials", "--format", "env-no-export"],
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENVIRONMENT01"),
                ("AWS_SECRET_ACCESS_KEY", "environmentSecret01"),
                ("AWS_CREDENTIAL_EXPIRATION", written),
            ],
        );
        assert_eq!(run.code, 0, "{run:#?}");
        assert!(
            run.stdout
                .ends_with(&format!("AWS_CREDENTIAL_EXPIRATION={printed}\n")),
            "{written}: {run:#?}"
        );
    }
}

#[test]
fn environment_credentials_unless_profile_is_given() {
    let home = conformance_home();
    let vars = [
        ("AWS_PROFILE", "static"),
        ("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT"),
        ("AWS_SECRET_ACCESS_KEY", "environmentSecret0001"),
        ("AWS_SESSION_TOKEN", "environmentToken0001"),
        ("AWS_SECURITY_TOKEN", "legacyToken00000001"),
        ("AWS_CREDENTIAL_EXPIRATION", "2099-01-02T03:04:05Z"),
        ("AWS_ACCOUNT_ID", "210987654321"),
    ];
    let run = home.run_revealing(&["export-credentials", "--format", "env"], &vars);
    // AWS_SECURITY_TOKEN wins over AWS_SESSION_TOKEN, as in the AWS CLI.
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            0,
            "export AWS_ACCESS_KEY_ID=AKIDFROMENVIRONMENT\n\
             export AWS_SECRET_ACCESS_KEY=environmentSecret0001\n\
             export AWS_SESSION_TOKEN=legacyToken00000001\n\
             export AWS_CREDENTIAL_EXPIRATION=2099-01-02T03:04:05+00:00\n"
        ),
        "{run:#?}"
    );
    let run = home.run_revealing(&["export-credentials"], &vars);
    assert!(
        run.stdout.ends_with("\"AccountId\": \"210987654321\"\n}\n"),
        "{run:#?}"
    );
    // --profile turns the environment provider off; AWS_PROFILE does not.
    let run = home.run_revealing(&["export-credentials", "--profile", "static"], &vars);
    assert_eq!(run.stdout, expected("static", "process"));
}

#[test]
fn export_credentials_serves_as_a_credential_process() {
    let home = conformance_home();
    home.write(
        ".aws/config",
        &format!(
            "[profile via]\ncredential_process = {} export-credentials --profile proc\n",
            credchain()
        ),
    );
    home.write(
        ".aws/credentials",
        "[proc]\naws_access_key_id = AKIDNESTEDEXAMPLE\naws_secret_access_key = nestedSecret0001\n",
    );
    let run = home.run_revealing(&["export-credentials", "--profile", "via"], &[]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            0,
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKIDNESTEDEXAMPLE\",\n  \
             \"SecretAccessKey\": \"nestedSecret0001\"\n}\n",
            ""
        )
    );
}

#[test]
fn a_credential_process_that_runs_export_for_its_own_profile_is_a_loop() {
    let home = Home::new(
        &format!(
            "[profile loop]\ncredential_process = {} export-credentials --profile loop\n",
            credchain()
        ),
        "",
    );
    let config = home.file(".aws/config");
    let run = home.run(&["export-credentials", "--profile", "loop"]);
    run.assert_error(
        253,
        &format!(
            "credchain: [ERROR]: Unable to retrieve credentials: profile loop: credential_process \
             ({config}:2) exited with status 253; its error output: credchain: [ERROR]: Credential \
             process resolution detected an infinite loop, profile cycle: loop -> loop"
        ),
    );
    // The AWS CLI's own variable is honoured, so mixed aws/credchain chains stop too.
    let run = home.run_with(
        &["export-credentials", "--profile", "loop"],
        &[("_AWS_CLI_PROFILE_CHAIN", "a,b,c,d")],
    );
    run.assert_error(
        253,
        "credchain: [ERROR]: Maximum recursive credential process resolution reached (4). \
         Profiles seen: a -> b -> c -> d",
    );
}

#[test]
fn no_credentials_exits_253_in_the_aws_cli_s_words() {
    let home = Home::with_config("[default]\nregion = us-east-1\n");
    home.run(&["export-credentials"]).assert_error(
        253,
        "credchain: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: \
         no credentials found: no credential provider is configured for the profile default; \
         `credchain explain` shows each provider and why it was skipped\n",
    );
    // No files at all.
    Home::empty().run(&["export-credentials"]).assert_error(
        253,
        "credchain: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: \
         no credentials found",
    );
}

#[test]
fn a_missing_profile_exits_253() {
    let home = conformance_home();
    home.run(&["export-credentials", "--profile", "nope"])
        .assert_error(
            253,
            "credchain: [ERROR]: Unable to retrieve credentials: the config profile (nope) could \
             not be found (named by --profile); profiles that exist: proc, static",
        );
    home.run_with(&["export-credentials"], &[("AWS_PROFILE", "nope")])
        .assert_error(
            253,
            "credchain: [ERROR]: Unable to retrieve credentials: the config profile (nope) could \
             not be found (named by AWS_PROFILE)",
        );
}

#[test]
fn configuration_errors_exit_253_naming_the_place() {
    let home = Home::empty();
    let failing = home.script("bin/failing", "echo 'vault: locked' >&2\nexit 4\n");
    let garbage = home.script("bin/garbage", "echo 'not json'\n");
    let expired =
        home.expired_process_script("bin/expired", "ASIAEXPIREDEXAMPLE", "expiredSecret001");
    home.write(
        ".aws/config",
        &format!(
            "[profile failing]\ncredential_process = {failing}\n\
             [profile garbage]\ncredential_process = {garbage}\n\
             [profile expired]\ncredential_process = {expired}\n\
             [profile partial]\naws_access_key_id = AKIDPARTIALEXAMPLE\n\
             [profile orphan]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = ghost\n"
        ),
    );
    home.write(".aws/credentials", "");
    let config = home.file(".aws/config");
    let cases = [
        (
            "failing",
            format!(
                "Unable to retrieve credentials: profile failing: credential_process ({config}:2) \
                 exited with status 4; its error output: vault: locked\n"
            ),
        ),
        (
            "garbage",
            format!(
                "Unable to retrieve credentials: profile garbage: credential_process ({config}:4) \
                 printed something that is not the expected JSON"
            ),
        ),
        (
            "partial",
            "Unable to retrieve credentials: profile partial: partial credentials".to_owned(),
        ),
        (
            "orphan",
            format!(
                "Unable to retrieve credentials: profile orphan: source_profile \"ghost\" \
                 ({config}:11) does not exist"
            ),
        ),
    ];
    for (profile, message) in cases {
        home.run(&["export-credentials", "--profile", profile])
            .assert_error(253, &format!("credchain: [ERROR]: {message}"));
    }
    // Expired on arrival is found when the credentials are first used: the AWS CLI v2.36.7
    // says "Credentials were refreshed, but the refreshed credentials are still expired." and
    // exits 255.
    home.run(&["export-credentials", "--profile", "expired"]).assert_error(
        255,
        "credchain: [ERROR]: credential_process: the credentials expired at 2001-01-01T00:00:00+00:00",
    );
    // A file that does not parse.
    let broken = Home::with_config("[default]\nregion = a\nregion = b\n");
    broken.run(&["export-credentials"]).assert_error(
        253,
        &format!(
            "credchain: [ERROR]: unable to parse config file: {}:3: ",
            broken.file(".aws/config")
        ),
    );
}

#[test]
fn a_value_cmd_exe_cannot_read_back_is_refused() {
    let home = Home::empty();
    let helper = home.process_script(
        "bin/helper",
        r#"{"Version": 1, "AccessKeyId": "AKIDODDEXAMPLE", "SecretAccessKey": "odd%PATH%secret&x"}"#,
    );
    home.write(
        ".aws/config",
        &format!("[default]\ncredential_process = {helper}\n"),
    );
    home.run(&["export-credentials", "--format", "windows-cmd"])
        .assert_error(
            255,
            "credchain: [ERROR]: the value of AWS_SECRET_ACCESS_KEY holds a character that cmd.exe \
             cannot read back",
        );
    // POSIX shells read it back exactly from single quotes.
    let run = home.run_revealing(&["export-credentials", "--format", "env"], &[]);
    assert_eq!(
        run.stdout,
        "export AWS_ACCESS_KEY_ID=AKIDODDEXAMPLE\n\
         export AWS_SECRET_ACCESS_KEY='odd%PATH%secret&x'\n"
    );
}

/// A role whose source profile has keys, with STS at `sts`.
fn role_home() -> Home {
    let home = Home::new(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n",
        BASE_CREDENTIALS,
    );
    home.secret("roleSecretAccessKey0001");
    home.secret("roleSessionToken0001");
    home
}

#[test]
fn a_role_s_credentials_are_the_assumed_role_s() {
    let home = role_home();
    let sts = role_sts(&home);
    let run = home.run_revealing(
        &["export-credentials", "--profile", "dev"],
        &[
            ("AWS_ENDPOINT_URL_STS", &sts.url()),
            ("AWS_REGION", "us-east-1"),
        ],
    );
    // The account id, when the core takes it from the assumed role's ARN, comes last.
    let stdout = run
        .stdout
        .replace(",\n  \"AccountId\": \"123456789012\"", "");
    assert_eq!(
        (run.code, stdout.as_str(), run.stderr.as_str()),
        (
            0,
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAROLEEXAMPLE1\",\n  \
             \"SecretAccessKey\": \"roleSecretAccessKey0001\",\n  \
             \"SessionToken\": \"roleSessionToken0001\",\n  \
             \"Expiration\": \"2099-01-02T03:04:05+00:00\"\n}\n",
            ""
        )
    );
    assert_eq!(sts.requests().len(), 1);
}

#[test]
fn a_failed_sts_call_exits_254() {
    // The AWS CLI v2.36.7 against a mock answering 403 AccessDenied: exit 254, the ClientError
    // as it is (no "Unable to retrieve credentials": the role is assumed when first used);
    // against nothing listening: exit 255.
    let home = role_home();
    let sts = MockServer::start(403, ACCESS_DENIED);
    let run = home.run_with(
        &["export-credentials", "--profile", "dev"],
        &[
            ("AWS_ENDPOINT_URL_STS", &sts.url()),
            ("AWS_REGION", "us-east-1"),
        ],
    );
    run.assert_error(254, "credchain: [ERROR]: assuming role ");
    assert!(run.stderr.contains("AccessDenied"), "{run:#?}");
    let url = credchain_test_support::mock_server::closed_port_url();
    let run = home.run_with(
        &["export-credentials", "--profile", "dev"],
        &[("AWS_ENDPOINT_URL_STS", &url), ("AWS_REGION", "us-east-1")],
    );
    run.assert_error(255, "credchain: [ERROR]: assuming role ");
}

#[test]
fn an_unknown_cli_timestamp_format_fails_as_every_aws_cli_command_does() {
    // The AWS CLI v2.36.7: "Unknown cli_timestamp_format value: ISO8601, valid values are
    // "wire" or "iso8601"", exit 253, even for a profile with static keys.
    let home = Home::with_config(
        "[default]\ncli_timestamp_format = ISO8601\naws_access_key_id = AKIDSTATICEXAMPLE\n\
         aws_secret_access_key = staticSecretKey0001\n",
    );
    let run = home.run(&["export-credentials"]);
    run.assert_error(
        253,
        "credchain: [ERROR]: Unable to retrieve credentials: Unknown cli_timestamp_format value: ISO8601",
    );
    for good in ["wire", "iso8601"] {
        home.write(
            ".aws/config",
            &format!(
                "[default]\ncli_timestamp_format = {good}\naws_access_key_id = AKIDSTATICEXAMPLE\n\
                 aws_secret_access_key = staticSecretKey0001\n"
            ),
        );
        assert_eq!(
            home.run_revealing(&["export-credentials"], &[]).code,
            0,
            "{good}"
        );
    }
}
