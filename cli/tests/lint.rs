//! `credchain lint` through the binary: a config with every planted problem is reported with
//! file and line and nothing on its clean parts, as text and as JSON; exit statuses by
//! `--severity`; the files' real modes; unreadable files fail as in every command.

mod common;

use common::Home;
use std::os::unix::fs::PermissionsExt;

/// Clean parts first and last, each planted problem marked by its line's comment.
const CONFIG: &str = "\
[default]
region = eu-west-1
output = json
s3 =
  max_concurrent_requests = 20

[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = base

[profile inline]
region = us-east-1 # prod
[profile \"quoted\"]
region = eu-west-1
[profile twice]
region = a
Region = b
[profile twice]
output = json
[DEFAULT]
cli_pager =
[profile typo]
regoin = x
colour = blue
[profile lost]   ; its source names nothing
role_arn = arn:aws:iam::123456789012:role/lost
source_profile = nowhere
[profile nosession] ; no such sso-session
sso_session = none
[profile badsource]   ; not a credential source
role_arn = arn:aws:iam::123456789012:role/b
credential_source = Ec2
[profile loop1]  ; loop1 -> loop2 -> loop1
role_arn = arn:aws:iam::123456789012:role/l1
source_profile = loop2
[profile loop2]	; the other half of the loop
source_profile = loop1
role_arn = arn:aws:iam::123456789012:role/l2
[profile split]
credential_process = /bin/get-credentials
    --profile split

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
";

const CREDENTIALS: &str = "\
[base]
aws_access_key_id = ASIAEXAMPLEBASE
aws_secret_access_key = base-secret-value-1
aws_session_token = base-token-value-1
[profile prefixed]
aws_access_key_id = ASIAEXAMPLEPREF
aws_secret_access_key = pref-secret-value-2
aws_session_token = pref-token-value-2
[longterm]
aws_access_key_id = AKIAEXAMPLELONG
aws_secret_access_key = long-secret-value-3
";

/// Every finding expected: (code, file, line).
const EXPECTED: &[(&str, &str, u32)] = &[
    ("inline-comment", "config", 12),
    ("quoting", "config", 13),
    ("duplicate-key", "config", 17),
    ("duplicate-section", "config", 18),
    ("default-section", "config", 20),
    ("unknown-key", "config", 23),
    ("unknown-key", "config", 24),
    ("source-profile-not-found", "config", 27),
    ("sso-session-not-found", "config", 29),
    ("invalid-credential-source", "config", 32),
    ("role-chain-cycle", "config", 35),
    ("role-chain-cycle", "config", 37),
    ("multi-line-value", "config", 40),
    ("file-permissions", "credentials", 0),
    ("profile-prefix-in-credentials", "credentials", 5),
    ("long-term-key", "credentials", 10),
];

fn planted() -> Home {
    let home = Home::new(CONFIG, CREDENTIALS);
    chmod(&home, ".aws/config", 0o600);
    chmod(&home, ".aws/credentials", 0o640);
    home
}

/// A home with both files, readable by their owner only.
fn private(config: &str, credentials: &str) -> Home {
    let home = Home::new(config, credentials);
    chmod(&home, ".aws/config", 0o600);
    chmod(&home, ".aws/credentials", 0o600);
    home
}

fn chmod(home: &Home, relative: &str, mode: u32) {
    std::fs::set_permissions(home.file(relative), std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The findings and exit status of `lint` on two private files.
fn findings_of(config: &str, credentials: &str) -> (Vec<serde_json::Value>, i32) {
    json_findings(&private(config, credentials), &[])
}

fn json_findings(home: &Home, args: &[&str]) -> (Vec<serde_json::Value>, i32) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let run = home.run(&all);
    assert_eq!(run.stderr, "", "{run:#?}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    (value.as_array().expect("an array").clone(), run.code)
}

#[test]
fn every_planted_problem_is_found_and_nothing_else() {
    let home = planted();
    let (findings, code) = json_findings(&home, &[]);
    let got: Vec<(String, String, u32)> = findings
        .iter()
        .map(|f| {
            let line = f["line"].as_u64().map_or(0, |l| l as u32);
            (
                f["code"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                line,
            )
        })
        .collect();
    let expected: Vec<(String, String, u32)> = EXPECTED
        .iter()
        .map(|(c, f, l)| ((*c).to_owned(), (*f).to_owned(), *l))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(code, 1);
    for f in &findings {
        for member in ["severity", "path", "message", "fix"] {
            assert!(f[member].is_string(), "{member} in {f}");
        }
    }
    let typo = &findings[5];
    assert_eq!(typo["severity"], "warning");
    assert!(typo["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `region`"));
    assert_eq!(findings[6]["severity"], "info");
    assert_eq!(findings[0]["path"], home.file(".aws/config").as_str());
    let mode = findings
        .iter()
        .find(|f| f["code"] == "file-permissions")
        .unwrap();
    assert_eq!(mode["line"], serde_json::Value::Null);
}

#[test]
fn text_names_file_line_severity_and_code_then_the_fix() {
    let home = planted();
    let run = home.run(&["lint"]);
    assert_eq!(run.code, 1, "{run:#?}");
    let config = home.file(".aws/config");
    let credentials = home.file(".aws/credentials");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2 * EXPECTED.len(), "{}", run.stdout);
    for (pair, (code, file, line)) in lines.chunks(2).zip(EXPECTED) {
        let path = if *file == "config" {
            &config
        } else {
            &credentials
        };
        let at = if *line == 0 {
            format!("{path}: ")
        } else {
            format!("{path}:{line}: ")
        };
        assert!(pair[0].starts_with(&at), "{at} in {pair:?}");
        assert!(pair[0].ends_with(&format!(" [{code}]")), "{pair:?}");
        assert!(pair[1].starts_with("    fix: "), "{pair:?}");
    }
    assert!(lines[0].starts_with(&format!("{config}:12: warning: ")));
}

#[test]
fn lines_the_sdks_refuse_are_found_too() {
    // (Kept apart: when both dialects refuse the file, the references cannot be checked.)
    let (findings, code) = findings_of(
        "[default]\nregion = eu-west-1\n[profile indented]\n  region = x\n",
        "",
    );
    let got: Vec<_> = findings
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["line"].as_u64()))
        .collect();
    assert_eq!((got, code), (vec![("continuation", Some(4))], 1));
}

#[test]
fn exit_status_follows_severity() {
    // Only an info finding (a long-term key): 0 by default and with error, 1 with info.
    let home = private(
        "[default]\nregion = eu-west-1\n",
        "[default]\naws_access_key_id = AKIAEXAMPLEONLY\naws_secret_access_key = only-secret-value-4\n",
    );
    let (findings, code) = json_findings(&home, &[]);
    assert_eq!((findings.len(), code), (1, 0));
    assert_eq!(json_findings(&home, &["--severity", "error"]).1, 0);
    assert_eq!(json_findings(&home, &["--severity", "info"]).1, 1);
    // The planted files hold errors: 1 at every threshold.
    let home = planted();
    assert_eq!(json_findings(&home, &["--severity", "error"]).1, 1);
}

#[test]
fn clean_files_report_nothing() {
    let home = private(
        "[default]\nregion = eu-west-1\n[profile dev]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n",
        "",
    );
    home.run(&["lint"]).assert_ok("");
    home.run(&["lint", "--format", "json"]).assert_ok("[]\n");
    // No files at all: nothing to say.
    Home::empty().run(&["lint"]).assert_ok("");
}

#[test]
fn modes_are_the_files_own() {
    let home = Home::new("[default]\nregion = eu-west-1\n", "");
    for (mode, expected) in [(0o600, None), (0o640, Some("info")), (0o604, Some("info"))] {
        chmod(&home, ".aws/config", mode);
        chmod(&home, ".aws/credentials", 0o600);
        let (findings, _) = json_findings(&home, &[]);
        assert_eq!(
            findings.first().map(|f| f["severity"].as_str().unwrap()),
            expected,
            "{mode:o}"
        );
    }
    // A credentials file readable by others is a warning, and fails the default threshold.
    chmod(&home, ".aws/config", 0o600);
    chmod(&home, ".aws/credentials", 0o644);
    let (findings, code) = json_findings(&home, &[]);
    assert_eq!(findings[0]["code"], "file-permissions");
    assert_eq!(
        (findings[0]["severity"].as_str(), code),
        (Some("warning"), 1)
    );
}

#[test]
fn a_file_that_cannot_be_read_fails_as_every_command_does() {
    let home = private("[default]\n", "");
    std::fs::remove_file(home.file(".aws/config")).unwrap();
    std::fs::create_dir(home.file(".aws/config")).unwrap();
    let dir = home.run(&["lint"]);
    // A directory reads as no file, as in the AWS CLI; unreadable bytes are 253.
    assert_eq!(dir.code, 0, "{dir:#?}");
    let home = private("[default]\nregion = x\n", "");
    chmod(&home, ".aws/config", 0o000);
    let run = home.run(&["lint"]);
    if run.code != 0 {
        // Not root: the file cannot be read.
        assert_eq!(run.code, 253, "{run:#?}");
        assert!(run.stderr.contains(".aws/config"), "{run:#?}");
    }
    // A file the AWS CLI cannot parse is a finding, not a failure.
    let (findings, code) = findings_of("region = x\n", "");
    assert_eq!(
        (findings[0]["code"].as_str(), code),
        (Some("awscli-unreadable"), 1)
    );
}
