//! `credchain configure import --csv`: both of the IAM console's CSV layouts, the header rules
//! (BOM, case, blanks, any column order), rows trimmed, `--profile-prefix`, `--skip-invalid`,
//! every error of the AWS CLI word for word with its status, and the imported keys working.

mod common;

use common::{Home, Run};

const SECRET_A: &str = "aliceSecretAccessKeyEXAMPLE0000000000001";
const SECRET_B: &str = "bobSecretAccessKeyEXAMPLE000000000000002";

fn import(home: &Home, args: &[&str]) -> Run {
    let mut all = vec!["configure", "import"];
    all.extend_from_slice(args);
    home.run(&all)
}

/// A home with an empty, private credentials file and the CSV at ~/keys.csv.
fn home_with_csv(csv: &str) -> (Home, String) {
    let home = Home::new("", "");
    home.secret(SECRET_A);
    home.secret(SECRET_B);
    home.chmod(".aws/credentials", 0o600);
    home.write("keys.csv", csv);
    let uri = format!("file://{}", home.file("keys.csv"));
    (home, uri)
}

#[test]
fn the_five_column_layout_with_a_bom_and_crlf_is_imported() {
    let csv = format!(
        "\u{feff}User name,Password,Access key ID,Secret access key,Console login link\r\n\
         alice,pw1,AKIDALICE,{SECRET_A},https://123.signin.aws.amazon.com/console\r\n\
         \u{20}bob ,pw2, AKIDBOB ,{SECRET_B}\t,https://123.signin.aws.amazon.com/console\r\n"
    );
    let (home, uri) = home_with_csv(&csv);
    import(&home, &["--csv", &uri]).assert_ok("Successfully imported 2 profile(s)\n");
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!(
            "[alice]\naws_access_key_id = AKIDALICE\naws_secret_access_key = {SECRET_A}\n\
             [bob]\naws_access_key_id = AKIDBOB\naws_secret_access_key = {SECRET_B}\n"
        )
    );
    let run = home.run_revealing(&["export-credentials", "--profile", "bob"], &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains("\"AccessKeyId\": \"AKIDBOB\""),
        "{run:#?}"
    );
}

#[test]
fn the_three_column_layout_in_any_order_and_case_with_a_prefix() {
    let csv = format!("SECRET ACCESS KEY , user name,Access Key Id\n{SECRET_A},alice,AKIDALICE\n");
    let (home, uri) = home_with_csv(&csv);
    // Existing profiles are updated in place; others are kept.
    home.write(
        ".aws/credentials",
        "[test-alice]\naws_access_key_id = OLD\nregion = x\n[other]\nk = v\n",
    );
    home.chmod(".aws/credentials", 0o600);
    import(&home, &["--csv", &uri, "--profile-prefix", "test-"])
        .assert_ok("Successfully imported 1 profile(s)\n");
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!(
            "[test-alice]\naws_access_key_id = AKIDALICE\nregion = x\n\
             aws_secret_access_key = {SECRET_A}\n[other]\nk = v\n"
        )
    );
}

#[test]
fn the_csv_may_be_given_as_text() {
    let home = Home::empty();
    home.secret(SECRET_A);
    let csv = format!("User Name,Access Key ID,Secret Access Key\nme,AKIDME,{SECRET_A}");
    import(&home, &["--csv", &csv]).assert_ok("Successfully imported 1 profile(s)\n");
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!("[me]\naws_access_key_id = AKIDME\naws_secret_access_key = {SECRET_A}\n")
    );
    assert_eq!(home.mode(".aws/credentials"), 0o600);
}

#[test]
fn skip_invalid_drops_bad_rows() {
    let csv = format!(
        "User name,Access key ID,Secret access key\n\
         alice,AKIDALICE,{SECRET_A}\n\
         \n\
         nokey,,x\n\
         bob,AKIDBOB,{SECRET_B}\n"
    );
    let (home, uri) = home_with_csv(&csv);
    let run = import(&home, &["--csv", &uri]);
    run.assert_error(
        255,
        "credchain: [ERROR]: Failed to parse entry #2: Row missing value for header \"User Name\"\n",
    );
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        "",
        "nothing written"
    );
    import(&home, &["--csv", &uri, "--skip-invalid"])
        .assert_ok("Successfully imported 2 profile(s)\n");
    let written = home.read(".aws/credentials").unwrap();
    assert!(
        written.starts_with("[alice]\n") && written.contains("[bob]\n"),
        "{written}"
    );
    assert!(!written.contains("nokey"), "{written}");
}

#[test]
fn every_error_is_the_aws_clis() {
    let (home, _) = home_with_csv("");
    home.write("empty.csv", " \n\n");
    home.write("keys-only.csv", "Access key ID,Secret access key\nAKID,x\n");
    home.write("no-secret.csv", "User name,Access key ID\nu,AKID\n");
    home.write(
        "short.csv",
        "User name,Access key ID,Secret access key\nu,AKID\n",
    );
    home.write("not-text.csv", "");
    std::fs::write(home.file("not-text.csv"), b"User name\xff\n").unwrap();
    let at = |name: &str| format!("file://{}", home.file(name));
    let path = |name: &str| home.file(name);
    let cases = [
        (
            at("empty.csv"),
            255,
            "Provided CSV contains no contents".to_owned(),
        ),
        (
            at("keys-only.csv"),
            255,
            "Expected header \"User Name\" not found".to_owned(),
        ),
        (
            at("no-secret.csv"),
            255,
            "Expected header \"Secret Access key\" not found".to_owned(),
        ),
        (
            at("short.csv"),
            255,
            "Failed to parse entry #1: Row missing value for header \"Secret Access key\""
                .to_owned(),
        ),
        (
            path("short.csv"),
            255,
            "You may be passing a file to import without the 'file://' prefix. To import a CSV \
             file, use --csv file://path/to/file.csv"
                .to_owned(),
        ),
        (
            at("missing.csv"),
            252,
            format!(
                "Error parsing parameter '--csv': Unable to load paramfile {}: [Errno 2] No such \
                 file or directory: '{}'",
                at("missing.csv"),
                path("missing.csv")
            ),
        ),
        (
            at(".aws"),
            252,
            format!(
                "Error parsing parameter '--csv': Unable to load paramfile {}: [Errno 21] Is a \
                 directory: '{}'",
                at(".aws"),
                path(".aws")
            ),
        ),
        (
            at("not-text.csv"),
            252,
            format!(
                "Error parsing parameter '--csv': Unable to load paramfile ({}), text contents \
                 could not be decoded.  If this is a binary file, please use the fileb:// prefix \
                 instead of the file:// prefix.",
                path("not-text.csv")
            ),
        ),
        (
            String::new(),
            255,
            "Provided CSV contains no contents".to_owned(),
        ),
    ];
    for (csv, code, message) in cases {
        let run = import(&home, &["--csv", &csv]);
        run.assert_failed(code, &message);
    }
    assert_eq!(home.read(".aws/credentials").unwrap(), "");
    // --csv is required: a usage error.
    assert_eq!(import(&home, &[]).code, 2);
}

#[test]
fn a_file_path_is_expanded_as_the_aws_cli_expands_it() {
    let csv = format!("User name,Access key ID,Secret access key\nalice,AKIDALICE,{SECRET_A}\n");
    let (home, _) = home_with_csv(&csv);
    import(&home, &["--csv", "file://~/keys.csv"])
        .assert_ok("Successfully imported 1 profile(s)\n");
    import(&home, &["--csv", "fileb://$HOME/keys.csv"])
        .assert_ok("Successfully imported 1 profile(s)\n");
}

#[test]
fn a_credentials_file_others_may_read_is_warned_about_once() {
    let csv = format!(
        "User name,Access key ID,Secret access key\nalice,AKIDALICE,{SECRET_A}\n\
         bob,AKIDBOB,{SECRET_B}\n"
    );
    let (home, uri) = home_with_csv(&csv);
    let creds = home.file(".aws/credentials");
    home.chmod(".aws/credentials", 0o604);
    let run = import(&home, &["--csv", &uri]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr),
        (
            0,
            "Successfully imported 2 profile(s)\n",
            format!(
                "credchain: [WARNING]: The file '{creds}' is accessible by other users. Consider \
                 running 'chmod 600 {creds}' to restrict access to only your user.\n"
            )
        )
    );
}
