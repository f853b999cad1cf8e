//! `credchain configure list-profiles`, exit statuses, help, and that no secret is printed.

mod common;

use std::path::Path;

use common::{leaks, Home, Run};

#[test]
fn list_profiles_config_first_then_credentials_only_each_once() {
    let home = Home::new(
        "[profile b]\n[default]\n[sso-session s]\n[profile a]\n[services x]\n",
        "[c]\n[a]\n[default]\n[d]\n",
    );
    home.run(&["configure", "list-profiles"])
        .assert_ok("b\ndefault\na\nc\nd\n");
}

#[test]
fn list_profiles_unquotes_names_and_ignores_the_active_profile() {
    let home = Home::with_config("[profile \"with space\"]\n[profile plain]\n");
    home.run_with(&["configure", "list-profiles"], &[("AWS_PROFILE", "nope")])
        .assert_ok("with space\nplain\n");
}

#[test]
fn no_files_no_profiles() {
    Home::empty()
        .run(&["configure", "list-profiles"])
        .assert_ok("");
}

#[test]
fn a_parse_error_exits_253_naming_file_and_line() {
    let home = Home::new("[default]\nregion = us-east-1\n", "[a]\nx = 1\n[a]\n");
    let creds = home.file(".aws/credentials");
    let expected = format!(
        "credchain: [ERROR]: unable to parse config file: {creds}:3: this section header repeats"
    );
    home.run(&["configure", "list"])
        .assert_error(253, &expected);
    home.run(&["configure", "list-profiles"])
        .assert_error(253, &expected);
    // Even when the environment would have answered.
    home.run_with(
        &["configure", "list"],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDX"),
            ("AWS_SECRET_ACCESS_KEY", "environmentSecret0009"),
        ],
    )
    .assert_error(253, &expected);
}

#[test]
fn a_line_before_any_section_names_line_1() {
    let home = Home::with_config("region = us-east-1\n[default]\n");
    let config = home.file(".aws/config");
    home.run(&["configure", "list-profiles"]).assert_error(
        253,
        &format!("credchain: [ERROR]: unable to parse config file: {config}:1: "),
    );
}

#[test]
fn locate_and_load_errors_exit_253() {
    let home = Home::empty();
    // A configured path that is a directory is no file, as the AWS CLI reads it (botocore
    // checks os.path.isfile; cli/tests/hostile_host.rs has the other kinds of non-file).
    let dir = home.file("");
    let run = home.run_with(&["configure", "list"], &[("AWS_CONFIG_FILE", &dir)]);
    assert_eq!(run.code, 0, "{run:#?}");
    // A file that exists but cannot be read fails every command: here one over the 1 GiB
    // the host reads (sparse: it takes no disk).
    let large = home.file("large");
    std::fs::File::create(&large)
        .unwrap()
        .set_len((1 << 30) + 1)
        .unwrap();
    home.run_with(&["configure", "list"], &[("AWS_CONFIG_FILE", &large)])
        .assert_error(253, &format!("credchain: [ERROR]: cannot read {large}"));
    home.run_with(
        &["export-credentials"],
        &[("AWS_SHARED_CREDENTIALS_FILE", &large)],
    )
    .assert_error(253, &format!("credchain: [ERROR]: cannot read {large}"));
}

#[test]
fn no_home_directory_is_not_an_error() {
    // As in the AWS CLI, a missing HOME only makes the default files absent (credchain then
    // asks the user database, so both files are named here to keep the real ~/.aws out).
    let home = Home::with_config("[profile x]\nregion = ca-central-1\n");
    let mut command = home.command(
        &["configure", "get", "region", "--profile", "x"],
        &[
            ("AWS_CONFIG_FILE", &home.file(".aws/config")),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                &home.file(".aws/credentials"),
            ),
        ],
    );
    command.env_remove("HOME");
    home.run_command(command).assert_ok("ca-central-1\n");
}

#[test]
fn files_named_by_variables_are_read_and_listed() {
    let home = Home::empty();
    home.write("elsewhere/c", "[profile x]\nregion = ca-central-1\n");
    let config = home.file("elsewhere/c");
    let run = home.run_with(
        &["configure", "list", "--profile", "x"],
        &[("AWS_CONFIG_FILE", &config)],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let cells = |name: &str| -> Vec<String> {
        let line = run.row(name).unwrap();
        line.split(" : ").map(|c| c.trim().to_owned()).collect()
    };
    let location = format!("{config}:2");
    assert_eq!(
        cells("region "),
        ["region", "ca-central-1", "config-file", &location],
        "{run:#?}"
    );
    assert_eq!(
        cells("config_file "),
        ["config_file", &config, "env", "AWS_CONFIG_FILE"],
        "{run:#?}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let home = Home::new("", "");
    for args in [
        &["configure", "nope"][..],
        &["--output", "xml", "configure", "list"],
        &["--dialect", "python", "configure", "list"],
        &["configure", "get"],
        &["export-credentials", "--format", "yaml"],
        &["explain", "--format", "yaml"],
        &["exec"],
        &["exec", "--"],
        &[],
    ] {
        let run = home.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert_eq!(run.stdout, "", "{args:?}: {run:#?}");
    }
}

#[test]
fn help_reads_well() {
    let home = Home::new("", "");
    let run = home.run(&["--help"]);
    assert_eq!(run.code, 0);
    for want in [
        "Which AWS settings and credentials",
        "configure",
        "export-credentials",
        "explain",
        "exec",
        "--profile <NAME>",
        "--region <REGION>",
        "--output <FORMAT>",
        "--dialect <DIALECT>",
        "Examples:",
        "Exit status:",
        "253  configuration error",
        "254  a service call failed",
        "127  `exec`: the command was not found",
    ] {
        assert!(run.stdout.contains(want), "{want}: {}", run.stdout);
    }
    for sub in [
        &["configure", "get"][..],
        &["configure", "list"],
        &["configure", "list-profiles"],
        &["configure", "export-credentials"],
        &["export-credentials"],
        &["explain"],
        &["exec"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let run = home.run(&args);
        assert_eq!(run.code, 0, "{sub:?}");
        assert!(run.stdout.contains("Examples:"), "{sub:?}: {}", run.stdout);
        assert!(
            run.stdout.contains(&format!("credchain {}", sub.join(" "))),
            "{sub:?}: {}",
            run.stdout
        );
    }
    let run = home.run(&["export-credentials", "--help"]);
    for format in [
        "process",
        "env",
        "env-no-export",
        "powershell",
        "windows-cmd",
        "fish",
    ] {
        assert!(run.stdout.contains(format), "{format}: {}", run.stdout);
    }
}

#[test]
fn the_secrets_check_finds_secrets_and_their_parts() {
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    assert!(leaks(secret, secret));
    assert!(leaks("key: wJalrXUtnFEMI/K7...", secret));
    assert!(!leaks("****************EKEY", secret));
    assert!(leaks("a procsecret b", "procsecret"));
    assert!(!leaks("procsecre", "procsecret"));
    let home = Home::empty();
    home.write(
        "x",
        "[a]\naws_secret_access_key = fileSecret001\n\
         {\"SessionToken\": \"jsonToken001\", \"AccessKeyId\": \"AKIDNOTSECRET\"}\n",
    );
    assert_eq!(home.secrets(), ["fileSecret001", "jsonToken001"]);
    // Variables passed to a run count too.
    let _ = home.run_with(
        &["configure", "list-profiles"],
        &[("AWS_SESSION_TOKEN", "variableToken001")],
    );
    assert!(home.secrets().contains(&"variableToken001".to_owned()));
}

#[test]
#[should_panic(expected = "a secret")]
fn the_secrets_check_fails_a_run_that_prints_one() {
    let home = Home::new("", "[default]\naws_secret_access_key = printedSecret01\n");
    // `configure get` prints it on purpose; run through the checked path, it must fail.
    home.run(&["configure", "get", "aws_secret_access_key"]);
}

/// Secrets that must appear in no output of any command but `export-credentials` and an
/// explicit `configure get aws_secret_access_key`, which print them on purpose.
const SECRETS: [&str; 5] = [
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
    "configFileSecretValue0001",
    "environmentSecretValue0002",
    "environmentToken0003",
];

#[test]
fn no_secret_in_any_output() {
    let home = Home::new(
        "[default]\nregion = us-east-1\n\
         [profile cfg]\naws_access_key_id = AKIDCONFIGEXAMPLE\n\
         aws_secret_access_key = configFileSecretValue0001\n\
         [skipped]\naws_secret_access_key = configFileSecretValue0001\n\
         [profile partial]\naws_access_key_id = AKIDPARTIALEXAMPLE\n\
         [profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = cfg\n",
        "[default]\naws_access_key_id = AKIDEXAMPLESTATIC\n\
         aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n\
         aws_session_token = IQoJb3JpZ2luX2VjEXAMPLETOKEN\n",
    );
    for secret in SECRETS {
        home.secret(secret);
    }
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDENVEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "environmentSecretValue0002"),
        ("AWS_SESSION_TOKEN", "environmentToken0003"),
    ];
    // Every run checks the registered secrets; each command, succeeding or failing.
    let runs: Vec<Run> = vec![
        home.run(&["configure", "list"]),
        home.run(&["configure", "list", "--profile", "cfg"]),
        home.run(&["configure", "list", "--profile", "default"]),
        home.run(&["configure", "list", "--profile", "partial"]),
        home.run(&["configure", "list", "--profile", "role"]),
        home.run_with(&["configure", "list"], &env),
        home.run_with(&["--dialect", "sdk", "configure", "list"], &env),
        home.run(&["configure", "list-profiles"]),
        home.run(&["configure", "get", "region"]),
        home.run(&["configure", "get", "nope"]),
        home.run(&["configure", "get", "region", "--profile", "nope"]),
        home.run_with(&["configure", "list"], &[("AWS_PROFILE", "nope")]),
        home.run(&["explain"]),
        home.run(&["explain", "--profile", "cfg"]),
        home.run(&["explain", "--profile", "partial"]),
        home.run(&["explain", "--profile", "role"]),
        home.run(&["explain", "--format", "json"]),
        home.run_with(&["explain"], &env),
        home.run_with(&["explain", "--format", "json"], &env),
        home.run(&["export-credentials", "--profile", "partial"]),
        home.run(&["export-credentials", "--profile", "role"]),
        home.run(&["exec", "--profile", "partial", "--", "true"]),
        home.run_with(&["exec", "--", "true"], &env),
        home.run(&["exec", "--", "no-such-command-here"]),
    ];
    for run in &runs {
        // Nor a whole access key id: only its last four characters.
        for key in ["AKIDCONFIGEXAMPLE", "AKIDEXAMPLESTATIC", "AKIDENVEXAMPLE"] {
            assert!(!run.stdout.contains(key), "{key} printed: {run:#?}");
        }
    }
    // A file that does not parse: the error names file and line, never the line's text.
    let broken = Home::new(
        "",
        "[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n\
         aws_secret_access_key = configFileSecretValue0001\n",
    );
    for args in [
        &["configure", "list"][..],
        &["configure", "get", "region"],
        &["export-credentials"],
        &["explain"],
        &["exec", "--", "true"],
    ] {
        let run = broken.run(args);
        assert!(run.code == 253 || run.code == 255, "{run:#?}");
    }
    // Asked for by name, the secret is printed, as `aws configure get` does.
    let run = home.run_revealing(&["configure", "get", "aws_secret_access_key"], &[]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"),
        "{run:#?}"
    );
    assert!(!leaks(&run.stderr, SECRETS[0]), "{run:#?}");
}

#[cfg(unix)]
#[test]
fn a_variable_that_is_not_utf8_is_an_error_naming_it_never_unset() {
    // Python keeps such a value as it is (the AWS CLI then finds no profile `prod\xff`);
    // reading it as unset would hand out the default profile's keys.
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let home = Home::new(
        "[default]\nregion = us-east-1\n",
        "[default]\naws_access_key_id = AKIADEFAULTACCOUNT01\naws_secret_access_key = defaultSecret0001\n\
         [prod]\naws_access_key_id = AKIAPRODACCOUNT00001\naws_secret_access_key = prodSecretKey00001\n",
    );
    for name in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_REGION",
    ] {
        let mut command = home.command(&["export-credentials"], &[]);
        command.env(name, OsStr::from_bytes(b"prod\xff"));
        let run = home.run_command(command);
        assert_eq!(run.code, 253, "{name}: {run:#?}");
        assert!(
            run.stderr.contains(&format!(
                "the environment variable {name} is set to a value that is not UTF-8"
            )),
            "{name}: {run:#?}"
        );
        assert!(run.stdout.is_empty(), "{name}: {run:#?}");
    }
    // A variable credchain does not read may hold anything.
    let mut command = home.command(&["configure", "get", "region"], &[]);
    command.env("SOME_OTHER_TOOL", OsStr::from_bytes(b"\xff\xfe"));
    let run = home.run_command(command);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "us-east-1\n"),
        "{run:#?}"
    );
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_names_the_file_it_names() {
    // On Unix a path is any bytes, and the AWS CLI reads the file such a path names (Python
    // keeps the bytes): so does credchain, for every variable that names a file.
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let home = Home::with_config("[default]\nregion = us-east-1\n");
    let dir = home.path().join(OsStr::from_bytes(b"odd\xffdir"));
    std::fs::create_dir_all(dir.join(".aws")).unwrap();
    std::fs::write(dir.join("config"), "[default]\nregion = intended-1\n").unwrap();
    std::fs::write(
        dir.join("credentials"),
        "[default]\naws_access_key_id = AKIAODDPATH000000001\naws_secret_access_key = oddSecret0001\n",
    )
    .unwrap();
    std::fs::write(dir.join(".aws/config"), "[default]\nregion = home-1\n").unwrap();
    let run_with = |args: &[&str], name: &str, value: &Path| {
        let mut command = home.command(args, &[]);
        command.env(name, value);
        home.run_command(command)
    };
    let run = run_with(
        &["configure", "get", "region"],
        "AWS_CONFIG_FILE",
        &dir.join("config"),
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "intended-1\n"),
        "{run:#?}"
    );
    let run = run_with(&["configure", "get", "region"], "HOME", &dir);
    assert_eq!((run.code, run.stdout.as_str()), (0, "home-1\n"), "{run:#?}");
    let mut command = home.command(&["configure", "list"], &[]);
    command.env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
    let run = home.run_command(command);
    assert!(
        run.code == 0 && run.stdout.contains("****************0001"),
        "{run:#?}"
    );
    // Messages show the bytes as bytes.
    std::fs::write(dir.join("broken"), "[default\n").unwrap();
    let run = run_with(
        &["configure", "list"],
        "AWS_CONFIG_FILE",
        &dir.join("broken"),
    );
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains("odd\\xffdir/broken:1:"), "{run:#?}");
    // A path holding, as text, a character that stands for a byte would be read as another
    // path: refused, naming the variable.
    let run = home.run_with(
        &["configure", "get", "region"],
        &[("AWS_CONFIG_FILE", "/tmp/\u{10ffff}")],
    );
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains("AWS_CONFIG_FILE"), "{run:#?}");
}

#[cfg(unix)]
#[test]
fn system_errors_are_given_in_words() {
    let home = Home::empty();
    let (a, b) = (home.file("loopA"), home.file("loopB"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let run = home.run_with(&["configure", "list"], &[("AWS_CONFIG_FILE", a.as_str())]);
    assert_ne!(run.code, 0, "{run:#?}");
    // The C library's words: glibc says "Too many levels of symbolic links", musl (the
    // release build) "Symbolic link loop".
    assert!(
        (run.stderr.contains("Too many levels of symbolic links")
            || run.stderr.contains("Symbolic link loop"))
            && !run.stderr.contains("from the system"),
        "{run:#?}"
    );
}
