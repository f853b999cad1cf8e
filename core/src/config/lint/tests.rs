use super::*;

const CLEAN_CONFIG: &str = "\
# a comment
[default]
output = text
region = us-west-2
s3 =
  addressing_style = path

[profile dev]
source_profile = base
external_id = team
role_arn = arn:aws:iam::123456789012:role/dev

[profile ops]
role_arn = arn:aws:iam::123456789012:role/ops
credential_source = Ec2InstanceMetadata

[profile self]
aws_access_key_id = ASIAEXAMPLE
aws_secret_access_key = secret
aws_session_token = token
role_arn = arn:aws:iam::123456789012:role/self
source_profile = self

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[services local]
s3 =
  endpoint_url = http://127.0.0.1:9000
";

const CLEAN_CREDENTIALS: &str = "\
[base]
aws_access_key_id = ASIAEXAMPLE
aws_secret_access_key = secret
aws_session_token = token
";

fn run(config: &str, credentials: &str) -> Vec<Finding> {
    run_modes(config, credentials, None, None)
}

fn run_modes(
    config: &str,
    credentials: &str,
    config_mode: Option<u32>,
    credentials_mode: Option<u32>,
) -> Vec<Finding> {
    lint(
        LintFile {
            path: "config",
            text: Some(config.as_bytes()),
            mode: config_mode,
        },
        LintFile {
            path: "credentials",
            text: Some(credentials.as_bytes()),
            mode: credentials_mode,
        },
    )
}

/// The (code, file, line) of each finding.
fn found(findings: &[Finding]) -> Vec<(&'static str, FileKind, u32)> {
    findings
        .iter()
        .map(|f| (f.code.as_str(), f.file, f.line))
        .collect()
}

/// Lints `planted` appended to the clean config; returns the findings.
fn in_config(planted: &str) -> Vec<(&'static str, FileKind, u32)> {
    let config = alloc::format!("{CLEAN_CONFIG}{planted}");
    found(&run(&config, CLEAN_CREDENTIALS))
}

/// Asserts that `planted`, appended to the clean config, gives exactly `expected`: each
/// finding's code and line, counted from `planted`'s first line (0).
fn expect(planted: &str, expected: &[(&str, u32)]) {
    let l = first_line();
    let want: Vec<_> = expected
        .iter()
        .map(|&(code, at)| (code, C, l + at))
        .collect();
    assert_eq!(in_config(planted), want, "{planted}");
}

/// Asserts that the config and credentials files as they are (nothing added) give exactly
/// `expected`: each finding's code, file and line.
#[track_caller]
fn expect_files(config: &str, credentials: &str, expected: &[(&str, FileKind, u32)]) {
    assert_eq!(found(&run(config, credentials)), expected);
}

/// The first line of `planted` once appended to the clean config.
fn first_line() -> u32 {
    CLEAN_CONFIG.lines().count() as u32 + 1
}

const C: FileKind = FileKind::Config;
const K: FileKind = FileKind::Credentials;

#[test]
fn clean_files_report_nothing() {
    expect_files(CLEAN_CONFIG, CLEAN_CREDENTIALS, &[]);
    assert_eq!(
        found(&run_modes(
            CLEAN_CONFIG,
            CLEAN_CREDENTIALS,
            Some(0o600),
            Some(0o100600)
        )),
        []
    );
    expect_files("", "", &[]);
}

#[test]
fn inline_comments() {
    expect(
        "[profile a]\nregion = us-east-1 # prod\noutput = json;x\n",
        &[("inline-comment", 1)],
    );
}

#[test]
fn quoting_and_other_section_differences() {
    let l = first_line();
    assert_eq!(
        in_config(
            "[profile \"my dev\"]\nregion = x\n[ profile b ]\nregion = y\n[profile c] ; see [b]\n"
        ),
        // The AWS CLI takes a header up to its last `]`: `profile c] ; see [b` is no profile.
        [
            ("quoting", C, l),
            ("dialect-difference", C, l + 2),
            ("dialect-difference", C, l + 4)
        ]
    );
}

#[test]
fn duplicate_sections_and_keys() {
    expect(
        "[profile a]\nregion = x\nREGION = y\n[profile a]\noutput = text\n",
        &[("duplicate-key", 2), ("duplicate-section", 3)],
    );
}

#[test]
fn default_section() {
    expect("[DEFAULT]\nregion = x\n", &[("default-section", 0)]);
    expect_files("", "[DEFAULT]\nregion = x\n", &[("default-section", K, 1)]);
}

#[test]
fn continuation_lines_read_differently() {
    // A line without `=` under an empty value: a continuation for configparser (botocore then
    // refuses the nested value), refused by the SDKs; an indented key under a header: a property for one, a stray continuation for the other.
    expect(
        "[profile a]\nregion =\n  foo\n  output = json\n[profile b]\n  region = x\n",
        &[
            ("multi-line-value", 1),
            ("awscli-unreadable", 2),
            ("continuation", 2),
            ("continuation", 5),
        ],
    );
}

#[test]
fn lines_a_dialect_refuses() {
    // `key: value` is a property for the AWS CLI only.
    expect("[profile a]\nregion: x\n", &[("sdk-unreadable", 1)]);
    expect("[profile a]\nnot a property\n", &[("awscli-unreadable", 1)]);
    expect_files(
        "\u{feff}[default]\nregion = x\n",
        "",
        &[("awscli-unreadable", C, 1)],
    );
}

#[test]
fn unknown_keys() {
    let l = first_line();
    let got = run(
        &alloc::format!("{CLEAN_CONFIG}[profile a]\nregoin = x\ncolour = blue\n"),
        "",
    );
    let unknown: Vec<_> = got.iter().filter(|f| f.code == Code::UnknownKey).collect();
    assert_eq!(unknown.len(), 2);
    assert_eq!(
        (unknown[0].line, unknown[0].severity),
        (l + 1, Severity::Warning)
    );
    assert!(unknown[0].message.contains("did you mean `region`"));
    assert_eq!(
        (unknown[1].line, unknown[1].severity),
        (l + 2, Severity::Info)
    );
    // In an [sso-session], its own keys.
    expect(
        "[sso-session x]\nsso_start_ur = https://x\nsso_region = us-east-1\n",
        &[("unknown-key", 1)],
    );
    // Nested sections and [services] keys are not flagged.
    expect("[profile a]\ndynamodb =\n  endpoint_url = http://x\n[services b]\nsqs =\n  endpoint_url = http://y\n", &[]);
}

#[test]
fn profile_prefix_in_credentials() {
    let creds = alloc::format!("{CLEAN_CREDENTIALS}[profile x]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\n");
    expect_files(
        CLEAN_CONFIG,
        &creds,
        &[("profile-prefix-in-credentials", K, 5)],
    );
}

#[test]
fn references_that_name_nothing() {
    expect("[profile a]\nrole_arn = r\nsource_profile = nowhere\n[profile b]\nsso_session = none\n[profile c]\nrole_arn = r\ncredential_source = Ec2\n", &[("source-profile-not-found", 2), ("sso-session-not-found", 4), ("invalid-credential-source", 7)]);
}

#[test]
fn role_chain_cycles() {
    expect("[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n[profile c]\nrole_arn = r\nsource_profile = c\n[profile d]\nrole_arn = r\nsource_profile = a\n", &[("role-chain-cycle", 2), ("role-chain-cycle", 5), ("role-chain-cycle", 8), ("role-chain-cycle", 11)]);
    // A profile with static keys that names itself is valid; a chain ending at one is too.
    expect("[profile e]\nrole_arn = r\nsource_profile = self\n", &[]);
}

#[test]
fn values_over_several_lines() {
    expect(
        "[profile a]\ncredential_process = /bin/get\n    --profile a\n",
        &[("multi-line-value", 1)],
    );
}

#[test]
fn long_term_keys_and_permissions() {
    let creds = "[a]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n";
    let got = run_modes("", creds, Some(0o644), Some(0o640));
    assert_eq!(
        found(&got),
        [
            ("file-permissions", C, 0),
            ("file-permissions", K, 0),
            ("long-term-key", K, 2)
        ]
    );
    // The config file holds no secret: info; the credentials file: warning.
    assert_eq!(got[0].severity, Severity::Info);
    assert_eq!(got[1].severity, Severity::Warning);
    assert!(got
        .iter()
        .all(|f| !f.message.contains("AKIAEXAMPLE") || f.code != Code::LongTermKey));
}

#[test]
fn secrets_never_reach_messages() {
    let creds = "[a]\naws_access_key_id = AKIA\naws_secret_access_key = hunter2 # x\naws_secret_access_key = hunter2\n";
    for f in run("", creds) {
        assert!(!f.message.contains("hunter2"), "{f:?}");
    }
}

#[test]
fn codes_are_kebab_case_and_distinct() {
    let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert!(names
        .iter()
        .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Code::ALL.len());
    assert_eq!(Severity::from_name("warning"), Some(Severity::Warning));
    assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
}

#[test]
fn hostile_input_never_panics() {
    let inputs = [
        "[",
        "]\n[[[\n = \n:\n  \n\t[x]\n",
        "[profile \"a\n",
        "[profile a]\nk =\n  =\n  x\n\u{2028}y\r\rz",
        "\r\n\r\n[default]\r\nregion=x\r\n  y\r\n",
    ];
    for text in inputs {
        let _ = run(text, text);
    }
    let _ = lint(
        LintFile {
            path: "c",
            text: Some(&[0xff, 0xfe, b'[', 0]),
            mode: Some(u32::MAX),
        },
        LintFile::default(),
    );
}
