//! `credchain exec -- CMD ARGS...`: the command's environment, its exit status, and the
//! failures before it runs. The commands under test write what they see to a file in the
//! temporary home, so that no secret reaches the output the common helper checks.

mod common;

use common::{credchain, Home, PROC_PROFILE};

/// `[profile proc]` (with a region) and `[profile static]`.
fn config() -> String {
    format!("{PROC_PROFILE}region = ca-central-1\n\n[profile static]\nregion = eu-west-1\n")
}

const CREDENTIALS: &str = "\
[static]
aws_access_key_id = AKIDEXAMPLESTATIC
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

[default]
aws_access_key_id = AKIDDEFAULTEXAMPLE
aws_secret_access_key = defaultSecret0001
";

/// A home with [`config`] and [`CREDENTIALS`], and its [`recorder`].
fn recording_home() -> (Home, String) {
    let home = Home::new(&config(), CREDENTIALS);
    let record = recorder(&home);
    (home, record)
}

/// A script that writes its AWS_* variables, sorted, to `seen` in the home and exits with
/// its first argument.
fn recorder(home: &Home) -> String {
    let seen = home.file("seen");
    home.script(
        "bin/record",
        &format!("env | grep '^AWS_' | LC_ALL=C sort > '{seen}'\nexit \"${{1:-0}}\"\n"),
    )
}

#[test]
fn the_command_gets_the_credentials_and_the_region() {
    let (home, record) = recording_home();
    let run = home.run(&["exec", "--profile", "proc", "--", &record]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    assert_eq!(
        home.read("seen").unwrap(),
        "AWS_ACCESS_KEY_ID=ASIAPROCEXAMPLE\n\
         AWS_CREDENTIAL_EXPIRATION=2099-01-02T03:04:05+00:00\n\
         AWS_DEFAULT_REGION=ca-central-1\n\
         AWS_EC2_METADATA_DISABLED=true\n\
         AWS_REGION=ca-central-1\n\
         AWS_SECRET_ACCESS_KEY=procsecret\n\
         AWS_SESSION_TOKEN=proctoken\n"
    );
}

#[test]
fn stale_variables_are_replaced_or_removed() {
    let (home, record) = recording_home();
    // Long-term keys: no session token, no expiry; the old ones must not pair with them. The
    // region comes from --region, over the variables.
    let run = home.run_with(
        &[
            "exec",
            "--profile",
            "static",
            "--region",
            "us-west-1",
            "--",
            &record,
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDSTALEEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "staleSecret00001"),
            ("AWS_SESSION_TOKEN", "staleToken000001"),
            ("AWS_SECURITY_TOKEN", "staleLegacyToken01"),
            ("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"),
            ("AWS_REGION", "sa-east-1"),
            ("AWS_PROFILE", "static"),
        ],
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert_eq!(
        home.read("seen").unwrap(),
        "AWS_ACCESS_KEY_ID=AKIDEXAMPLESTATIC\n\
         AWS_DEFAULT_REGION=us-west-1\n\
         AWS_EC2_METADATA_DISABLED=true\n\
         AWS_PROFILE=static\n\
         AWS_REGION=us-west-1\n\
         AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"
    );
}

#[test]
fn no_region_sets_no_region_variable() {
    let (home, record) = recording_home();
    let run = home.run(&["exec", "--", &record]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        home.read("seen").unwrap(),
        "AWS_ACCESS_KEY_ID=AKIDDEFAULTEXAMPLE\n\
         AWS_EC2_METADATA_DISABLED=true\n\
         AWS_SECRET_ACCESS_KEY=defaultSecret0001\n"
    );
}

#[test]
fn arguments_and_exit_status_pass_through() {
    let (home, record) = recording_home();
    for code in [1, 42, 255] {
        let run = home.run(&[
            "exec",
            "--profile",
            "static",
            "--",
            &record,
            &code.to_string(),
        ]);
        assert_eq!((run.code, run.stderr.as_str()), (code, ""), "{run:#?}");
    }
    // Arguments that look like options belong to the command; stdout is the command's.
    let run = home.run(&[
        "exec",
        "--profile",
        "static",
        "--",
        "printf",
        "%s|",
        "--profile",
        "-x",
        "a b",
    ]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "--profile|-x|a b|"),
        "{run:#?}"
    );
    // Without `--` the command starts at the first word that is not an option of exec.
    let run = home.run(&["exec", "--profile", "static", "printf", "%s", "-v"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "-v"), "{run:#?}");
}

#[cfg(unix)]
#[test]
fn a_signal_reads_as_128_plus_its_number_in_the_shell() {
    let home = Home::new(&config(), CREDENTIALS);
    // credchain becomes the command, so the shell that started it sees the signal itself.
    let script = format!(
        "'{}' exec --profile static -- sh -c 'kill -TERM $$'; echo \"status $?\"",
        credchain()
    );
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(&script)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let run = home.run_command(command);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "status 143\n"),
        "{run:#?}"
    );
}

#[test]
fn a_command_that_cannot_run_exits_127_or_126() {
    let home = Home::new(&config(), CREDENTIALS);
    home.run(&[
        "exec",
        "--profile",
        "static",
        "--",
        "no-such-command-anywhere",
    ])
    .assert_error(
        127,
        "credchain: [ERROR]: cannot run no-such-command-anywhere: command not found",
    );
    home.write("bin/not-executable", "#!/bin/sh\necho hi\n");
    let path = home.file("bin/not-executable");
    home.run(&["exec", "--profile", "static", "--", &path])
        .assert_error(
            126,
            &format!("credchain: [ERROR]: cannot run {path}: permission denied"),
        );
}

#[test]
fn no_credentials_no_command() {
    let home = Home::new(&config(), CREDENTIALS);
    let marker = home.file("ran");
    let touch = home.script("bin/touch", &format!("touch '{marker}'\n"));
    home.run(&["exec", "--profile", "nope", "--", &touch])
        .assert_error(
            253,
            "credchain: [ERROR]: Unable to retrieve credentials: the config profile (nope) could \
             not be found",
        );
    let empty = Home::with_config("[default]\nregion = us-east-1\n");
    let touch = empty.script("bin/touch", &format!("touch '{marker}'\n"));
    empty.run(&["exec", "--", &touch]).assert_error(
        253,
        "credchain: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: \
         no credentials found",
    );
    // An invalid region fails before anything runs, as in the AWS CLI.
    home.run(&[
        "exec",
        "--profile",
        "static",
        "--region",
        "a b",
        "--",
        &touch,
    ])
    .assert_error(253, "credchain: [ERROR]: invalid region \"a b\"");
    assert!(home.read("ran").is_none(), "the command ran");
}
