//! Files of a megabyte and more are read and parsed on two threads (cli/src/files.rs): the
//! answers, and which error comes first, are those of reading them in turn.

mod common;

use common::Home;
use credchain_test_support::generated::team_profiles;

/// One secret for every profile: the harness checks every command's output for each secret
/// in the files, and thousands of them would make that the test's whole cost.
const SECRET: &str = "secretSharedByEveryProfile0001";

/// A config and a credentials file with `n` profiles each, over a megabyte together from
/// n = 6,000.
fn generate(n: usize) -> (String, String) {
    team_profiles(n, "[default]\nregion = us-east-1\n\n", |_| {
        SECRET.to_string()
    })
}

#[test]
fn large_files_resolve_as_small_ones() {
    let (config, creds) = generate(8_000);
    assert!(config.len() + creds.len() > 1 << 20);
    let home = Home::new(&config, &creds);
    let run = home.run(&["configure", "get", "region", "--profile", "team-007999"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "eu-west-2\n"),
        "{run:#?}"
    );
    let run = home.run(&["configure", "list-profiles"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stdout.lines().count(), 8_001);
    let run = home.run_revealing(&["export-credentials", "--profile", "team-004321"], &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("\"AccessKeyId\": \"AKIAEXAMPLE000004321\""),
        "{run:#?}"
    );
}

#[test]
fn with_errors_in_both_the_config_files_comes_first() {
    let (mut config, mut creds) = generate(8_000);
    config.push_str("[profile team-000001]\n");
    creds.push_str("[team-000002]\n");
    let home = Home::new(&config, &creds);
    let run = home.run(&["configure", "list"]);
    let path = home.file(".aws/config");
    let line = config.lines().count();
    run.assert_error(
        253,
        &format!("credchain: [ERROR]: unable to parse config file: {path}:{line}: this section header repeats"),
    );
    // With only the credentials file broken, its error.
    let (config, mut creds) = generate(8_000);
    creds.push_str("[team-000002]\n");
    let home = Home::new(&config, &creds);
    let path = home.file(".aws/credentials");
    let line = creds.lines().count();
    home.run(&["configure", "list"]).assert_error(
        253,
        &format!("credchain: [ERROR]: unable to parse config file: {path}:{line}: this section header repeats"),
    );
}
