//! `credchain configure list`: the AWS CLI's four rows, then every setting that is set. The
//! key rows come from the credential chain.

mod common;

use common::{role_sts, Home, Run, BASE_CREDENTIALS};

/// The warning when no provider is configured for the profile `default`.
const NO_CREDENTIALS: &str = "credchain: warning: no credentials found: no credential provider \
    is configured for the profile default; `credchain explain` shows each provider and why it was \
    skipped\n";

/// A line without its LOCATION cell (credchain's is more precise than the AWS CLI's).
fn without_location(line: &str) -> &str {
    line.rfind(" : ").map_or(line, |i| &line[..i])
}

/// Asserts that the first lines of `run`'s table are the AWS CLI's `expected` lines but for
/// LOCATION, and that the LOCATION cells are `locations`.
#[track_caller]
fn assert_rows(run: &Run, expected: &str, locations: &[&str]) {
    assert_eq!(run.code, 0, "{run:#?}");
    let got: Vec<&str> = run.stdout.lines().collect();
    let want: Vec<&str> = expected.lines().collect();
    assert!(got.len() >= want.len(), "{run:#?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(without_location(g), without_location(w), "{run:#?}");
    }
    let got_locations: Vec<&str> = got
        .iter()
        .skip(1)
        .take(locations.len())
        .map(|l| &l[l.rfind(" : ").unwrap() + 3..])
        .collect();
    assert_eq!(got_locations, locations, "{run:#?}");
}

#[test]
fn aws_cli_example_with_profile_option() {
    let home = Home::with_common_files();
    let run = home.run(&["configure", "list", "--profile", "static"]);
    // Observed from `aws configure list --profile static` (awscli-commands.md).
    let aws = "\
NAME       : VALUE                    : TYPE             : LOCATION
profile    : static                   : manual           : --profile
access_key : ****************ATIC     : shared-credentials-file : 
secret_key : ****************EKEY     : shared-credentials-file : 
region     : eu-west-1                : config-file      : ~/.aws/config
";
    let creds = home.file(".aws/credentials");
    let config = home.file(".aws/config");
    assert_rows(
        &run,
        aws,
        &[
            "--profile",
            &format!("{creds}:2"),
            &format!("{creds}:3"),
            &format!("{config}:5"),
        ],
    );
    // Nothing else is set, and nothing is wrong.
    assert_eq!(run.stdout.lines().count(), 5, "{run:#?}");
    assert_eq!(run.stderr, "", "{run:#?}");
}

#[test]
fn aws_cli_example_with_region_variable_and_no_default_profile() {
    let home = Home::with_common_files();
    let run = home.run_with(&["configure", "list"], &[("AWS_REGION", "us-east-2")]);
    let aws = "\
NAME       : VALUE                    : TYPE             : LOCATION
profile    : <not set>                : None             : None
access_key : <not set>                : None             : None
secret_key : <not set>                : None             : None
region     : us-east-2                : env              : ['AWS_REGION', 'AWS_DEFAULT_REGION']
";
    assert_rows(&run, aws, &["None", "None", "None", "AWS_REGION"]);
    // With short cells the whole table is the AWS CLI's, but for the variable actually set.
    assert_eq!(
        run.stdout,
        aws.replace("['AWS_REGION', 'AWS_DEFAULT_REGION']", "AWS_REGION")
    );
    // Why the keys are not set.
    assert_eq!(run.stderr, NO_CREDENTIALS, "{run:#?}");
}

#[test]
fn profile_row_names_the_variable_that_was_set() {
    let home = Home::with_common_files();
    let run = home.run_with(
        &["configure", "list"],
        &[
            ("AWS_DEFAULT_PROFILE", "static"),
            ("AWS_DEFAULT_REGION", "sa-east-1"),
        ],
    );
    let aws = "\
NAME       : VALUE                    : TYPE             : LOCATION
profile    : static                   : env              : ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']
access_key : ****************ATIC     : shared-credentials-file : 
secret_key : ****************EKEY     : shared-credentials-file : 
region     : sa-east-1                : env              : ['AWS_REGION', 'AWS_DEFAULT_REGION']
";
    let creds = home.file(".aws/credentials");
    assert_rows(
        &run,
        aws,
        &[
            "AWS_DEFAULT_PROFILE",
            &format!("{creds}:2"),
            &format!("{creds}:3"),
            "AWS_DEFAULT_REGION",
        ],
    );
}

#[test]
fn every_other_setting_that_is_set_follows_with_its_source() {
    let home =
        Home::with_config("[default]\noutput = text\nretry_mode = standard\nmax_attempts = 5\n");
    let run = home.run_with(
        &[
            "configure",
            "list",
            "--output",
            "yaml",
            "--region",
            "us-east-1",
        ],
        &[("AWS_MAX_ATTEMPTS", "7"), ("AWS_USE_FIPS_ENDPOINT", "true")],
    );
    let config = home.file(".aws/config");
    assert_eq!(
        run.stdout,
        format!(
            "\
NAME              : VALUE                    : TYPE             : LOCATION
profile           : <not set>                : None             : None
access_key        : <not set>                : None             : None
secret_key        : <not set>                : None             : None
region            : us-east-1                : manual           : --region
output            : yaml                     : manual           : --output
use_fips_endpoint : true                     : env              : AWS_USE_FIPS_ENDPOINT
retry_mode        : standard                 : config-file      : {config}:3
max_attempts      : 7                        : env              : AWS_MAX_ATTEMPTS
"
        ),
        "{run:#?}"
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, NO_CREDENTIALS));
}

#[test]
fn keys_come_from_the_environment_unless_profile_is_given() {
    let home = Home::with_common_files();
    let vars = [
        ("AWS_PROFILE", "static"),
        ("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT1"),
        ("AWS_SECRET_ACCESS_KEY", "environmentSecretNotForPrinting"),
    ];
    let run = home.run_with(&["configure", "list"], &vars);
    let rows: Vec<&str> = run.stdout.lines().skip(2).take(2).collect();
    assert_eq!(
        rows,
        [
            "access_key : ****************ENT1     : env              : AWS_ACCESS_KEY_ID",
            "secret_key : ****************ting     : env              : AWS_SECRET_ACCESS_KEY",
        ],
        "{run:#?}"
    );
    let run = home.run_with(&["configure", "list", "--profile", "static"], &vars);
    let rows: Vec<&str> = run.stdout.lines().skip(2).take(2).collect();
    let creds = home.file(".aws/credentials");
    assert_eq!(
        rows,
        [
            format!("access_key : ****************ATIC     : shared-credentials-file : {creds}:2"),
            format!("secret_key : ****************EKEY     : shared-credentials-file : {creds}:3"),
        ],
        "{run:#?}"
    );
}

#[test]
fn keys_from_the_config_file_when_the_credentials_file_has_none() {
    let home = Home::new(
        "[profile c]\naws_access_key_id = AKIDINCONFIGFILE\naws_secret_access_key = configSecretXYZW\n",
        "[c]\nregion = us-east-1\n",
    );
    let run = home.run(&["configure", "list", "--profile", "c"]);
    let config = home.file(".aws/config");
    let rows: Vec<&str> = run.stdout.lines().skip(2).take(2).collect();
    assert_eq!(
        rows,
        [
            format!("access_key : ****************FILE     : config-file      : {config}:2"),
            format!("secret_key : ****************XYZW     : config-file      : {config}:3"),
        ],
        "{run:#?}"
    );
}

#[test]
fn skipped_sections_are_warnings_with_file_and_line() {
    let home = Home::with_config("[default]\nregion = us-east-1\n\n[dev]\nregion = x\n");
    let run = home.run(&["configure", "list"]);
    let config = home.file(".aws/config");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr.starts_with(&format!(
            "credchain: warning: {config}:4: `dev`: section skipped"
        )),
        "{run:#?}"
    );
    assert_eq!(run.stderr.lines().count(), 2, "{run:#?}");
    assert!(run.stderr.ends_with(NO_CREDENTIALS), "{run:#?}");
    assert!(run.stdout.contains("region     : us-east-1"), "{run:#?}");
}

#[test]
fn an_invalid_region_is_shown_with_a_warning() {
    // The AWS CLI dialect keeps the inline comment: the region is not a host label.
    let home = Home::with_config("[default]\nregion = us-east-1 # c\n");
    let config = home.file(".aws/config");
    let run = home.run(&["configure", "list"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains(&format!(
            "region     : us-east-1 # c            : config-file      : {config}:2"
        )),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("credchain: warning: invalid region \"us-east-1 # c\""),
        "{run:#?}"
    );
    // The SDK dialect reads ` #` as a comment.
    let run = home.run(&["--dialect", "sdk", "configure", "list"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, NO_CREDENTIALS),
        "{run:#?}"
    );
    assert!(run
        .stdout
        .contains("region     : us-east-1                : config-file"));
}

#[test]
fn missing_profile_exits_255() {
    let home = Home::with_common_files();
    home.run(&["configure", "list", "--profile", "nope"])
        .assert_error(
            255,
            "credchain: [ERROR]: the config profile (nope) could not be found",
        );
}

/// The key rows of a run: (VALUE, TYPE, LOCATION) of access_key and secret_key.
fn key_cells(run: &Run) -> Vec<[String; 3]> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with("access_key ") || l.starts_with("secret_key "))
        .map(|l| {
            let cells: Vec<String> = l.split(" : ").map(|c| c.trim().to_owned()).collect();
            [cells[1].clone(), cells[2].clone(), cells[3].clone()]
        })
        .collect()
}

/// Asserts a clean run whose key rows show `masked` (the access key and the secret), of type
/// `kind`, located at `location` in ~/.aws/config (`LINE (profile NAME)`).
#[track_caller]
fn assert_keys(run: &Run, home: &Home, location: &str, masked: [&str; 2], kind: &str) {
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    let at = format!("{}:{location}", home.file(".aws/config"));
    assert_eq!(
        key_cells(run),
        [cells(masked[0], kind, &at), cells(masked[1], kind, &at)],
        "{run:#?}"
    );
}

fn cells(value: &str, kind: &str, location: &str) -> [String; 3] {
    [value.to_owned(), kind.to_owned(), location.to_owned()]
}

#[test]
fn keys_from_a_credential_process_run_it() {
    let home = Home::with_common_files();
    let run = home.run(&["configure", "list", "--profile", "proc"]);
    assert_keys(
        &run,
        &home,
        "2 (profile proc)",
        ["****************MPLE", "****************cret"],
        "custom-process",
    );
}

#[test]
fn credentials_that_cannot_be_resolved_read_not_set_with_the_reason() {
    let home = Home::with_helper(
        "bin/failing",
        "echo 'helper: the vault is locked' >&2\nexit 3\n",
        "[profile broken]\ncredential_process = HELPER\n\
         [profile partial]\naws_access_key_id = AKIDPARTIAL0001\n\
         [profile cycle]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = cycle\n",
    );
    let config = home.file(".aws/config");
    let not_set = || {
        vec![
            cells("<not set>", "None", "None"),
            cells("<not set>", "None", "None"),
        ]
    };
    let run = home.run(&["configure", "list", "--profile", "broken"]);
    assert_eq!((run.code, key_cells(&run)), (0, not_set()), "{run:#?}");
    assert_eq!(
        run.stderr,
        format!(
            "credchain: warning: cannot resolve credentials: profile broken: credential_process \
             ({config}:2) exited with status 3; its error output: helper: the vault is locked\n"
        ),
        "{run:#?}"
    );
    let run = home.run(&["configure", "list", "--profile", "partial"]);
    assert_eq!((run.code, key_cells(&run)), (0, not_set()), "{run:#?}");
    assert!(
        run.stderr.starts_with(
            "credchain: warning: cannot resolve credentials: profile partial: partial credentials"
        ),
        "{run:#?}"
    );
    let run = home.run(&["configure", "list", "--profile", "cycle"]);
    assert_eq!((run.code, key_cells(&run)), (0, not_set()), "{run:#?}");
    assert!(
        run.stderr.contains("infinite loop") && run.stderr.contains(&format!("{config}:7")),
        "{run:#?}"
    );
}

#[test]
fn keys_of_a_role_are_the_assumed_role_s() {
    let home = Home::new(
        "[profile base]\n\
         [profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n",
        BASE_CREDENTIALS,
    );
    let sts = role_sts(&home);
    let run = home.run_with(
        &["configure", "list", "--profile", "dev"],
        &[
            ("AWS_ENDPOINT_URL_STS", &sts.url()),
            ("AWS_REGION", "us-east-1"),
        ],
    );
    assert_keys(
        &run,
        &home,
        "3 (profile dev)",
        ["****************PLE1", "****************0001"],
        "assume-role",
    );
    assert_eq!(sts.requests().len(), 1);
}
