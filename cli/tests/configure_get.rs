//! `credchain configure get`: the forms of NAME, unset keys, missing profiles, dialects.

mod common;

use common::Home;

const CONFIG: &str = "\
[default]
region = us-west-2
s3 =
  max_concurrent_requests = 10
  addressing_style = path

[profile dev]
region = eu-west-1
output = text
";

const CREDENTIALS: &str = "\
[dev]
region = eu-central-1
aws_access_key_id = AKIDDEVEXAMPLE00
aws_secret_access_key = devSecretValueNotForPrinting
";

fn home() -> Home {
    Home::new(CONFIG, CREDENTIALS)
}

/// `configure get NAME` in one home for each (NAME, what it prints); `None`: nothing, exit 1.
#[track_caller]
fn assert_gets(cases: &[(&str, Option<&str>)]) {
    let home = home();
    for (name, printed) in cases {
        let run = home.run(&["configure", "get", name]);
        match printed {
            Some(stdout) => run.assert_ok(stdout),
            None => run.assert_error(1, ""),
        }
    }
}

#[test]
fn plain_key_of_the_default_profile() {
    home()
        .run(&["configure", "get", "region"])
        .assert_ok("us-west-2\n");
}

#[test]
fn plain_key_of_a_named_profile_credentials_file_first() {
    let home = home();
    home.run(&["configure", "get", "region", "--profile", "dev"])
        .assert_ok("eu-central-1\n");
    home.run(&["configure", "get", "output", "--profile", "dev"])
        .assert_ok("text\n");
    // The global option before the subcommand works too.
    home.run(&["--profile", "dev", "configure", "get", "output"])
        .assert_ok("text\n");
}

#[test]
fn the_profile_comes_from_aws_profile() {
    home()
        .run_with(&["configure", "get", "output"], &[("AWS_PROFILE", "dev")])
        .assert_ok("text\n");
}

#[test]
fn the_environment_does_not_answer() {
    // As `aws configure get region`: the profile's value only.
    home()
        .run_with(
            &["configure", "get", "region"],
            &[("AWS_REGION", "ap-south-1")],
        )
        .assert_ok("us-west-2\n");
    home()
        .run_with(
            &["configure", "get", "output"],
            &[("AWS_DEFAULT_OUTPUT", "yaml")],
        )
        .assert_error(1, "");
}

#[test]
fn nested_sub_property() {
    assert_gets(&[
        ("s3.max_concurrent_requests", Some("10\n")),
        ("s3.addressing_style", Some("path\n")),
        ("s3.nope", None),
    ]);
}

#[test]
fn nested_value_prints_its_sub_properties() {
    home()
        .run(&["configure", "get", "s3"])
        .assert_ok("max_concurrent_requests = 10\naddressing_style = path\n");
}

#[test]
fn profile_dot_name_dot_key() {
    assert_gets(&[
        ("profile.dev.region", Some("eu-central-1\n")),
        ("profile.dev.output", Some("text\n")),
        ("profile.default.s3.addressing_style", Some("path\n")),
        ("profile.nope.region", None),
    ]);
}

#[test]
fn unset_key_prints_nothing_and_exits_1() {
    let run = home().run(&["configure", "get", "ca_bundle"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (1, "", "")
    );
    // An absent implicit default profile is empty, not an error.
    let run = Home::new("", "").run(&["configure", "get", "region"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (1, "", "")
    );
}

#[test]
fn missing_profile_exits_255_and_lists_the_profiles() {
    let run = home().run(&["configure", "get", "region", "--profile", "nope"]);
    run.assert_error(
        255,
        "credchain: [ERROR]: the config profile (nope) could not be found",
    );
    assert!(run.stderr.contains("default, dev"), "{run:#?}");
    let run = home().run_with(&["configure", "get", "region"], &[("AWS_PROFILE", "nope")]);
    run.assert_error(
        255,
        "credchain: [ERROR]: the config profile (nope) could not be found",
    );
    assert!(run.stderr.contains("AWS_PROFILE"), "{run:#?}");
}

#[test]
fn a_file_that_does_not_parse_exits_255_for_get() {
    let home = Home::with_config("[default]\nregion = a\nregion = b\n");
    let config = home.file(".aws/config");
    home.run(&["configure", "get", "region"]).assert_error(
        255,
        &format!("credchain: [ERROR]: unable to parse config file: {config}:3: "),
    );
}

#[test]
fn dialect_decides_inline_comments() {
    let home = Home::with_config("[default]\nregion = us-east-1 # c\n");
    home.run(&["configure", "get", "region"])
        .assert_ok("us-east-1 # c\n");
    home.run(&["--dialect", "awscli", "configure", "get", "region"])
        .assert_ok("us-east-1 # c\n");
    home.run(&["configure", "get", "region", "--dialect", "sdk"])
        .assert_ok("us-east-1\n");
}
