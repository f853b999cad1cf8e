//! The binary against a hostile host (issue 9): `/dev/null`, directories and FIFOs as the
//! shared files, token files that are pipes, and MFA codes that never end. Every run is bounded
//! in time: a run that hangs is killed and fails its test, so a regression cannot hang the
//! suite. Each behaviour was checked against botocore 1.44.8 and the AWS CLI v2.36.7.

#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{assume_role_response, Home, MockServer, Run};

/// Runs `command` with `stdin` (bytes written on a thread, or a file), its output read on
/// threads, killing it and failing the test if it has not ended within `secs`.
fn bounded(mut command: Command, stdin: Input, secs: u64) -> Run {
    let (stdin_bytes, stdin_stdio) = match stdin {
        Input::None => (None, Stdio::null()),
        Input::Bytes(b) => (Some(b), Stdio::piped()),
        Input::File(f) => (None, Stdio::from(f)),
    };
    command
        .stdin(stdin_stdio)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run credchain");
    if let (Some(bytes), Some(mut pipe)) = (stdin_bytes, child.stdin.take()) {
        // credchain may stop reading early: a broken pipe is no failure here.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let read = |mut stream: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stream.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("credchain did not finish within {secs} s (killed)");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        code: status.code().expect("exited, not killed by a signal"),
    }
}

enum Input {
    None,
    Bytes(Vec<u8>),
    File(std::fs::File),
}

fn mkfifo(path: &str) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

const ENV_KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001"),
    ("AWS_SECRET_ACCESS_KEY", "envSecretNotShown01"),
];

#[test]
fn dev_null_directories_and_fifos_as_the_shared_files_read_as_no_file() {
    // botocore 1.44.8 (and the AWS CLI v2.36.7) read a config or credentials file that is not
    // a regular file as no file: `AWS_SHARED_CREDENTIALS_FILE=/dev/null` is a CI idiom.
    let home = Home::with_config("[default]\nregion = from-the-file\n");
    let dir = home.file("a-directory");
    std::fs::create_dir(&dir).unwrap();
    let fifo = home.file("a-fifo");
    mkfifo(&fifo);
    for path in ["/dev/null", "/dev/zero", dir.as_str(), fifo.as_str()] {
        for var in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
            let mut vars = ENV_KEYS.to_vec();
            vars.push((var, path));
            vars.push(("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001"));
            let run = bounded(
                home.command(&["export-credentials", "--format", "env-no-export"], &vars),
                Input::None,
                20,
            );
            assert_eq!(run.code, 0, "{var}={path}: {run:#?}");
            assert!(
                run.stdout
                    .starts_with("AWS_ACCESS_KEY_ID=AKIAENV0000000000001\n"),
                "{var}={path}: {run:#?}"
            );
        }
        // The AWS CLI v2.36.7: `aws configure get region` prints nothing and exits 1.
        let run = bounded(
            home.command(
                &["configure", "get", "region"],
                &[("AWS_CONFIG_FILE", path)],
            ),
            Input::None,
            20,
        );
        home.assert_no_secret(&run);
        assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{path}: {run:#?}");
    }
}

#[test]
fn explain_says_that_a_path_is_not_a_regular_file() {
    let home = Home::new("", "");
    let run = bounded(
        home.command(
            &["explain"],
            &[
                ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
                ("AWS_REGION", "us-east-1"),
            ],
        ),
        Input::None,
        20,
    );
    home.assert_no_secret(&run);
    assert!(
        run.stdout.contains(
            "/dev/null (from AWS_SHARED_CREDENTIALS_FILE; not a regular file, read as no file"
        ),
        "{run:#?}"
    );
    let run = bounded(
        home.command(
            &["explain", "--format", "json"],
            &[
                ("AWS_CONFIG_FILE", "/dev/null"),
                ("AWS_REGION", "us-east-1"),
            ],
        ),
        Input::None,
        20,
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["files"][0]["path"], "/dev/null", "{run:#?}");
    assert_eq!(json["files"][0]["exists"], false);
    assert_eq!(json["files"][0]["not_a_file"], true);
    assert_eq!(json["files"][1]["not_a_file"], false);
}

fn web_identity_sts() -> MockServer {
    let body = assume_role_response(
        "ASIAWEBEXAMPLE0001",
        "webSecretAccessKey01",
        "webSessionToken0001",
    )
    .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
    .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult");
    MockServer::start(200, &body)
}

/// `export-credentials` with the environment's web identity, the token file at `token_file`.
fn web_identity(home: &Home, sts: &MockServer, token_file: &str) -> Command {
    home.secret("webSecretAccessKey01");
    home.secret("webSessionToken0001");
    home.command(
        &["export-credentials", "--format", "env-no-export"],
        &[
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file),
            ("AWS_ROLE_SESSION_NAME", "s"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL_STS", &sts.url()),
        ],
    )
}

#[test]
fn a_web_identity_token_file_may_be_a_pipe() {
    // botocore's FileWebIdentityTokenLoader opens and reads the path whatever it names:
    // `AWS_WEB_IDENTITY_TOKEN_FILE=/dev/stdin` and `<(get-token)` work with the AWS CLI.
    let home = Home::new("", "");
    let sts = web_identity_sts();
    let run = bounded(
        web_identity(&home, &sts, "/dev/stdin"),
        Input::Bytes(b"eyJ-token-on-stdin".to_vec()),
        20,
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run
        .stdout
        .starts_with("AWS_ACCESS_KEY_ID=ASIAWEBEXAMPLE0001\n"));
    let requests = sts.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].contains("WebIdentityToken=eyJ-token-on-stdin"),
        "{}",
        requests[0]
    );

    // A FIFO whose writer comes later, as `mkfifo t; get-token > t &` gives.
    let home = Home::new("", "");
    let sts = web_identity_sts();
    let fifo = home.file("token-fifo");
    mkfifo(&fifo);
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&writer_path, "eyJ-token-in-a-fifo").unwrap();
    });
    let run = bounded(web_identity(&home, &sts, &fifo), Input::None, 20);
    writer.join().unwrap();
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(sts.requests()[0].contains("WebIdentityToken=eyJ-token-in-a-fifo"));
}

#[test]
fn a_web_identity_token_that_never_ends_is_refused() {
    let home = Home::new("", "");
    let sts = web_identity_sts();
    let run = bounded(web_identity(&home, &sts, "/dev/zero"), Input::None, 20);
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(
        run.stderr.contains("/dev/zero") && run.stderr.contains("too large"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("TooLarge"), "no Debug names: {run:#?}");
    assert!(sts.requests().is_empty());
}

const MFA_CONFIG: &str = "\
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/test
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/me
";
const MFA_CREDENTIALS: &str =
    "[base]\naws_access_key_id = AKIABASEKEY123456789\naws_secret_access_key = baseSecret000001\n";

fn mfa_run(stdin: Input) -> Run {
    let home = Home::new(MFA_CONFIG, MFA_CREDENTIALS);
    let command = home.command(
        &["export-credentials", "--profile", "mfa"],
        &[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")],
    );
    let run = bounded(command, stdin, 20);
    home.assert_no_secret(&run);
    run
}

#[test]
fn an_mfa_code_that_never_ends_is_refused_as_too_long() {
    // Python's getpass would read `< /dev/zero` until memory runs out; credchain reads a
    // bounded line (it aborted on a failed 4 GiB allocation before).
    let run = mfa_run(Input::File(std::fs::File::open("/dev/zero").unwrap()));
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(run.stderr.contains("longer than 64 characters"), "{run:#?}");
}

#[test]
fn an_mfa_code_over_64_characters_is_too_long_not_missing() {
    let mut line = "1".repeat(1000).into_bytes();
    line.push(b'\n');
    let run = mfa_run(Input::Bytes(line));
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(
        run.stderr.contains("longer than 64 characters")
            && !run.stderr.contains("none was entered"),
        "{run:#?}"
    );
    let mut line = "1".repeat(65).into_bytes();
    line.push(b'\n');
    let run = mfa_run(Input::Bytes(line));
    assert!(run.stderr.contains("longer than 64 characters"), "{run:#?}");
    // No code at all is still "none was entered".
    let run = mfa_run(Input::Bytes(Vec::new()));
    assert!(run.stderr.contains("none was entered"), "{run:#?}");
}
