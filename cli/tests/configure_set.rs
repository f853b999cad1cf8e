//! `credchain configure set`: the AWS CLI's observed sequence byte for byte, where each form of
//! NAME goes, subsections, the permission warning, every error and its status, and a value read
//! back by `configure get`, `configure list` and `explain` at its new file and line.

mod common;

use common::{Home, Run};

/// The files awscli-commands.md's observed `configure set` sequence starts from (shared with
/// the npm package's tests, tests/js/configure-set.test.mjs).
const CONFIG: &str = include_str!("../../tests/fixtures/configure-set/config");
const CREDENTIALS: &str = include_str!("../../tests/fixtures/configure-set/credentials");

/// The sequence's commands: name, value and profile (tests/fixtures/README.md).
fn observed_steps() -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    include_str!("../../tests/fixtures/configure-set/steps.tsv")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let mut fields = line.split('\t');
            let mut next = || fields.next().unwrap_or_default();
            let (name, value, profile) = (next(), next(), next());
            (name, value, Some(profile).filter(|p| !p.is_empty()))
        })
        .collect()
}

/// A home with both files, private (mode 0600), as the AWS CLI leaves them.
fn private_home(config: &str, credentials: &str) -> Home {
    let home = Home::new(config, credentials);
    home.chmod(".aws/config", 0o600);
    home.chmod(".aws/credentials", 0o600);
    home
}

fn set(home: &Home, args: &[&str]) -> Run {
    let mut all = vec!["configure", "set"];
    all.extend_from_slice(args);
    home.run(&all)
}

fn permission_warning(home: &Home) -> String {
    let path = home.file(".aws/credentials");
    format!(
        "credchain: [WARNING]: The file '{path}' is accessible by other users. Consider running \
         'chmod 600 {path}' to restrict access to only your user.\n"
    )
}

#[test]
fn the_observed_sequence_gives_the_aws_clis_files_byte_for_byte() {
    let home = private_home(CONFIG, CREDENTIALS);
    home.secret("newsecret-value");
    let steps = observed_steps();
    assert_eq!(steps.len(), 7, "{steps:?}");
    for (name, value, profile) in steps {
        let mut args = vec![name, value];
        args.extend(profile.iter().flat_map(|p| ["--profile", p]));
        // Readable by others: each write to the credentials file (its keys) warns, and nothing
        // else does. Set again each time: keeping the mode is the host's replacement's
        // business (and tested with it), the warning is this command's.
        home.chmod(".aws/credentials", 0o644);
        let run = set(&home, &args);
        let stderr = if name.starts_with("aws_") {
            permission_warning(&home)
        } else {
            String::new()
        };
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (0, "", stderr.as_str()),
            "{args:?}: {run:#?}"
        );
    }
    assert_eq!(
        home.read(".aws/config").unwrap(),
        include_str!("../../tests/fixtures/configure-set/config.expected")
    );
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        include_str!("../../tests/fixtures/configure-set/credentials.expected")
    );
}

#[test]
fn a_private_credentials_file_is_not_warned_about() {
    let home = private_home("", CREDENTIALS);
    set(&home, &["aws_access_key_id", "AKIDNEW"]).assert_ok("");
    // An owner's execute bit is no other user's access.
    home.chmod(".aws/credentials", 0o700);
    set(&home, &["aws_access_key_id", "AKIDNEW2"]).assert_ok("");
    // Only the credentials file is checked.
    home.chmod(".aws/config", 0o666);
    set(&home, &["region", "eu-west-1"]).assert_ok("");
    // Group bits alone warn.
    home.chmod(".aws/credentials", 0o640);
    let run = set(&home, &["aws_access_key_id", "AKIDNEW3"]);
    assert_eq!(run.stderr, permission_warning(&home), "{run:#?}");
}

#[test]
fn an_empty_home_gets_both_files_created_private() {
    let home = Home::empty();
    home.secret("wJalrXUtnFEMIK7MDENG");
    set(&home, &["aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"]).assert_ok("");
    set(&home, &["aws_secret_access_key", "wJalrXUtnFEMIK7MDENG"]).assert_ok("");
    set(&home, &["region", "us-west-2"]).assert_ok("");
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
         aws_secret_access_key = wJalrXUtnFEMIK7MDENG\n"
    );
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "[default]\nregion = us-west-2\n"
    );
    assert_eq!(home.mode(".aws/credentials"), 0o600);
    assert_eq!(home.mode(".aws/config"), 0o600);
    let run = home.run_revealing(&["export-credentials", "--format", "env"], &[]);
    assert_eq!(
        run.stdout,
        "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n\
         export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG\n",
        "{run:#?}"
    );
}

#[test]
fn each_form_of_name_goes_where_the_aws_cli_puts_it() {
    let home = private_home("", "");
    home.secret("a-session-token-value");
    home.secret("a-security-token-value");
    set(&home, &["region", "eu-west-1", "--profile", "my dev"]).assert_ok("");
    set(&home, &["default.output", "json", "--profile", "dev"]).assert_ok("");
    set(&home, &["profile.other.s3.max_concurrent_requests", "20"]).assert_ok("");
    set(&home, &["plugins.cli_legacy_plugin_path", "/opt/p"]).assert_ok("");
    set(&home, &["cli_pager", "", "--profile", "in"]).assert_ok("");
    set(
        &home,
        &[
            "aws_session_token",
            "a-session-token-value",
            "--profile",
            "my dev",
        ],
    )
    .assert_ok("");
    set(
        &home,
        &["profile.x.aws_security_token", "a-security-token-value"],
    )
    .assert_ok("");
    // A variable names the profile as --profile does.
    let run = home.run_with(
        &["configure", "set", "output", "text"],
        &[("AWS_PROFILE", "fromenv")],
    );
    run.assert_ok("");
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "\
[profile 'my dev']
region = eu-west-1
[default]
output = json
[profile other]
s3 =
    max_concurrent_requests = 20
[plugins]
cli_legacy_plugin_path = /opt/p
[profile in]
cli_pager = 
[profile fromenv]
output = text
"
    );
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        "\
[my dev]
aws_session_token = a-session-token-value
[x]
aws_security_token = a-security-token-value
"
    );
}

#[test]
fn subsections_take_nested_values_in_the_config_file() {
    let home = private_home("", "");
    let args = ["sso_region", "us-east-1", "--sso-session", "corp"];
    set(&home, &args).assert_ok("");
    set(
        &home,
        &["sso_start_url", "https://x/start", "--sso-session", "corp"],
    )
    .assert_ok("");
    set(
        &home,
        &[
            "s3.endpoint_url",
            "http://localhost:9000",
            "--services",
            "local dev",
        ],
    )
    .assert_ok("");
    // Credential keys stay in the config file there.
    set(&home, &["aws_access_key_id", "AKIDX", "--services", "s"]).assert_ok("");
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "\
[sso-session corp]
sso_region = us-east-1
sso_start_url = https://x/start
[services 'local dev']
s3 =
    endpoint_url = http://localhost:9000
[services s]
aws_access_key_id = AKIDX
"
    );
    assert_eq!(home.read(".aws/credentials").unwrap(), "");
    let run = home.run(&["configure", "get", "sso_region"]);
    assert_eq!(
        run.code, 1,
        "the default profile has no sso_region: {run:#?}"
    );
}

#[test]
fn every_error_has_the_aws_clis_words_and_status_and_writes_nothing() {
    let home = private_home(CONFIG, CREDENTIALS);
    let cases: [(&[&str], i32, &str); 10] = [
        (
            &["x", "y", "--sso-session", "!corp"],
            252,
            "Invalid value for --sso-session.",
        ),
        (
            &["x", "y", "--services", ""],
            252,
            "Invalid value for --services.",
        ),
        (
            &["a.b.c", "y", "--services", "s"],
            252,
            "Found more than two parts in the property to set. Deep nesting of properties is \
             not supported.",
        ),
        (
            &["x", "y", "--sso-session", "a", "--services", "b"],
            252,
            "The key \"services\" cannot be specified when one of the following keys are also \
             specified: sso_session",
        ),
        (
            &["region", "a\nb"],
            255,
            "Invalid value for key region: newline characters and carriage returns are not \
             allowed.",
        ),
        (
            &["aws_secret_access_key", "line1\rline2"],
            255,
            "Invalid value for key aws_secret_access_key: newline characters and carriage \
             returns are not allowed.",
        ),
        (
            &["profile.dev", "y"],
            255,
            "profile.dev names a profile but no key to set; write profile.dev.KEY",
        ),
        // Refused where the AWS CLI writes another key than the one named (docs/quirks.md).
        (
            &["s3.a.b", "y"],
            252,
            "Found more than two parts in the property to set. Deep nesting of properties is \
             not supported.",
        ),
        (
            &["default.a.b.c", "y"],
            252,
            "Found more than two parts in the property to set. Deep nesting of properties is \
             not supported.",
        ),
        (
            &["region.", "y"],
            252,
            "the name \"region.\" has an empty key or part; write KEY, KEY.SUBKEY, default.KEY \
             or profile.NAME.KEY",
        ),
    ];
    for (args, code, message) in cases {
        let run = set(&home, args);
        run.assert_failed(code, message);
    }
    assert_eq!(home.read(".aws/config").unwrap(), CONFIG);
    assert_eq!(home.read(".aws/credentials").unwrap(), CREDENTIALS);
    // A missing value is a usage error.
    assert_eq!(set(&home, &["region"]).code, 2);
}

#[test]
fn a_file_that_cannot_be_written_fails_naming_it() {
    let home = private_home(CONFIG, CREDENTIALS);
    let run = home.run_with(
        &["configure", "set", "region", "x"],
        &[("AWS_CONFIG_FILE", "")],
    );
    run.assert_error(
        255,
        "credchain: [ERROR]: AWS_CONFIG_FILE is set to the empty string, so there is no config \
         file to write",
    );
    let dir = home.file(".aws");
    let run = home.run_with(
        &["configure", "set", "region", "x"],
        &[("AWS_CONFIG_FILE", &dir)],
    );
    run.assert_error(255, &format!("credchain: [ERROR]: {dir}: "));
}

#[test]
fn a_value_just_written_is_read_back_at_its_new_line() {
    let home = private_home(CONFIG, CREDENTIALS);
    set(&home, &["region", "eu-north-1", "--profile", "dev"]).assert_ok("");
    let config = home.file(".aws/config");
    // The new key is line 10 of the edited file.
    assert_eq!(
        home.read(".aws/config").unwrap().lines().nth(9),
        Some("region = eu-north-1")
    );
    home.run(&["configure", "get", "region", "--profile", "dev"])
        .assert_ok("eu-north-1\n");
    let list = home.run(&["configure", "list", "--profile", "dev"]);
    let row = list.row("region").expect("a region row");
    assert!(
        row.starts_with("region     : eu-north-1 ")
            && row.ends_with(&format!(": config-file      : {config}:10")),
        "{list:#?}"
    );
    let explain = home.run(&["explain", "--profile", "dev"]);
    assert!(
        explain
            .stdout
            .contains("Region: eu-north-1 (from ~/.aws/config:10)"),
        "{explain:#?}"
    );
    // A changed line stays where it was.
    set(&home, &["region", "us-east-2"]).assert_ok("");
    let list = home.run(&["configure", "list"]);
    let row = list.row("region").expect("a region row");
    assert!(row.ends_with(&format!("{config}:3")), "{list:#?}");
}
