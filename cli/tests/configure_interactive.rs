//! `credchain configure` with its answers piped in (standard input not a terminal), as the AWS
//! CLI reads them: the prompts and the Tip, Enter keeping a value, the session token prompt of
//! a temporary key and the token's deletion on a new long-term key, quoted section names, only
//! what changed written, and an empty home set up from nothing to working credentials.

mod common;

use std::os::unix::fs::MetadataExt;

use common::{Home, Run};

const TIP: &str = "\nTip: You can deliver temporary credentials to the AWS CLI using your AWS \
                   Console session by running the command 'aws login'.\n\n";

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// `configure` of the default profile, `answers` piped in.
fn configure(home: &Home, answers: &str) -> Run {
    home.run_stdin(&["configure"], &[], answers)
}

/// `configure --profile PROFILE`, `answers` piped in.
fn configure_profile(home: &Home, profile: &str, answers: &str) -> Run {
    home.run_stdin(&["configure", "--profile", profile], &[], answers)
}

/// The file's inode: a replacement (any write) gives it a new one.
fn inode(home: &Home, relative: &str) -> u64 {
    std::fs::metadata(home.path().join(relative)).unwrap().ino()
}

fn private(home: &Home) {
    for file in [".aws/config", ".aws/credentials"] {
        home.chmod(file, 0o600);
    }
}

#[test]
fn an_empty_home_is_set_up_to_working_credentials() {
    let home = Home::empty();
    home.secret(SECRET);
    let run = configure(&home, &format!("{KEY_ID}\n{SECRET}\nus-west-2\njson\n"));
    run.assert_ok(&format!(
        "{TIP}AWS Access Key ID [None]: AWS Secret Access Key [None]: \
         Default region name [None]: Default output format [None]: "
    ));
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!("[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    );
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "[default]\nregion = us-west-2\noutput = json\n"
    );
    let run = home.run_revealing(&["export-credentials", "--format", "env"], &[]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            0,
            format!("export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\n")
                .as_str()
        ),
        "{run:#?}"
    );
    home.run(&["configure", "get", "region"])
        .assert_ok("us-west-2\n");

    // Enter keeps every value: the prompts show them (keys masked), nothing is written.
    let (config, credentials) = (
        inode(&home, ".aws/config"),
        inode(&home, ".aws/credentials"),
    );
    let run = configure(&home, "\n\n\n\n");
    run.assert_ok(
        "AWS Access Key ID [****************MPLE]: AWS Secret Access Key [****************EKEY]: \
         Default region name [us-west-2]: Default output format [json]: ",
    );
    // An answer equal to the current value changes nothing either.
    configure(&home, &format!("{KEY_ID}\n\nus-west-2\njson\n"));
    assert_eq!(inode(&home, ".aws/config"), config);
    assert_eq!(inode(&home, ".aws/credentials"), credentials);
}

#[test]
fn only_what_changed_is_written_where_it_belongs() {
    let config = "# mine\n[default]\nregion = us-east-1 # home\noutput = json\n\n[profile x]\n";
    let credentials =
        format!("[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n");
    let home = Home::new(config, &credentials);
    private(&home);
    let before = inode(&home, ".aws/credentials");
    let run = configure(&home, "\n\neu-west-1\n\n");
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert!(
        run.stdout
            .contains("Default region name [us-east-1 # home]: "),
        "{run:#?}"
    );
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "# mine\n[default]\nregion = eu-west-1\noutput = json\n\n[profile x]\n"
    );
    assert_eq!(inode(&home, ".aws/credentials"), before, "not rewritten");
}

#[test]
fn a_temporary_key_asks_for_its_token_and_a_long_term_key_deletes_it() {
    let home = Home::empty();
    let token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
    home.secret(SECRET);
    home.secret(token);
    let run = configure(
        &home,
        &format!("ASIAEXAMPLETEMPKEY01\n{SECRET}\n{token}\n\n\n"),
    );
    run.assert_ok(&format!(
        "{TIP}AWS Access Key ID [None]: AWS Secret Access Key [None]: AWS Session Token [None]: \
         Default region name [None]: Default output format [None]: "
    ));
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!(
            "[default]\naws_access_key_id = ASIAEXAMPLETEMPKEY01\n\
             aws_secret_access_key = {SECRET}\naws_session_token = {token}\n"
        )
    );
    // Only keys changed: the config file still gets the profile's section, as the AWS CLI
    // writes it.
    assert_eq!(home.read(".aws/config").unwrap(), "[default]\n");

    // No new key: the token there is asked about (masked).
    let run = configure(&home, "\n\n\n\n\n");
    run.assert_ok(
        "AWS Access Key ID [****************EY01]: AWS Secret Access Key [****************EKEY]: \
         AWS Session Token [****************OKEN]: Default region name [None]: \
         Default output format [None]: ",
    );

    // A new long-term key: no token prompt, and the token goes.
    let run = configure(&home, &format!("{KEY_ID}\n\n\n\n"));
    run.assert_ok(
        "AWS Access Key ID [****************EY01]: AWS Secret Access Key [****************EKEY]: \
         Default region name [None]: Default output format [None]: ",
    );
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!("[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    );
}

#[test]
fn a_named_profile_gets_quoted_sections() {
    let home = Home::new("[default]\nregion = us-east-1\n", "");
    private(&home);
    home.secret(SECRET);
    let run = configure_profile(
        &home,
        "my dev",
        &format!("{KEY_ID}\n{SECRET}\nap-south-1\ntext\n"),
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.starts_with(TIP), "the profile is new: {run:#?}");
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "[default]\nregion = us-east-1\n[profile 'my dev']\nregion = ap-south-1\noutput = text\n"
    );
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!("[my dev]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    );
    // A variable names the profile as --profile does; the default profile has a value, so
    // no Tip.
    let run = home.run_stdin(
        &["configure"],
        &[("AWS_PROFILE", "envp")],
        "\n\neu-west-3\n\n",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.starts_with(TIP), "envp is new: {run:#?}");
    let run = configure(&home, "\n\n\n\n");
    assert!(
        run.stdout.starts_with("AWS Access Key ID [None]: "),
        "{run:#?}"
    );
    assert!(home
        .read(".aws/config")
        .unwrap()
        .ends_with("[profile envp]\nregion = eu-west-3\n"));
}

#[test]
fn input_ending_early_fails_and_writes_nothing() {
    let home = Home::empty();
    home.secret(SECRET);
    let run = configure(&home, &format!("{KEY_ID}\n{SECRET}\n"));
    assert_eq!(run.code, 255, "{run:#?}");
    assert_eq!(
        run.stderr,
        "credchain: [ERROR]: standard input ended before the answer to \"Default region \
         name\"; nothing was written\n"
    );
    assert!(home.read(".aws/credentials").is_none());
    assert!(home.read(".aws/config").is_none());
    // An unended last line is an answer.
    let run = configure(&home, "\n\n\njson");
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "[default]\noutput = json\n"
    );
}

#[test]
fn a_credentials_file_others_may_read_is_warned_about() {
    let home = Home::new("", "[default]\n");
    let path = home.file(".aws/credentials");
    home.chmod(".aws/credentials", 0o644);
    let run = configure(&home, &format!("{KEY_ID}\n\n\n\n"));
    assert_eq!(
        (run.code, run.stderr),
        (
            0,
            format!(
                "credchain: [WARNING]: The file '{path}' is accessible by other users. Consider \
                 running 'chmod 600 {path}' to restrict access to only your user.\n"
            )
        )
    );
}
