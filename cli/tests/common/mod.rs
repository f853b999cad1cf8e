//! A temporary HOME with ~/.aws files, and the built `credchain` run in it with a clean
//! environment (no AWS_* variable leaks in from the machine running the tests), checking every
//! run for leaked secrets.
//!
//! The secrets check: every secret a test sets up is registered with its [`Home`]: the values
//! of `aws_secret_access_key`, `aws_session_token` and `aws_security_token` in any file written
//! through it, `"SecretAccessKey"` and `"SessionToken"` in any JSON written through it (a
//! credential_process script or a cache), the secret variables passed to a run, and anything
//! given to [`Home::secret`]. [`Home::run`] and [`Home::run_with`] assert that none of them
//! appears in stdout or stderr, whole or in part (any 12 characters of it). Only
//! [`Home::run_revealing`] skips the check, for the two commands whose purpose is to print a
//! secret (`export-credentials`, `configure get aws_secret_access_key`); those tests assert
//! the exact output instead. [`Home::run_export_token`] allows exactly one secret, the
//! printed bearer token, and only as the `accessToken` of `export-token`'s stdout.

#![allow(dead_code)] // Each test binary uses its own part of the helpers.

pub mod signin;

use std::cell::RefCell;
use std::path::Path;
use std::process::Command;

#[allow(unused_imports)] // Not every test binary reads the conformance data.
pub use credchain_test_support::conformance::conformance_dir;

/// The STS checks the core tests use: the signature recomputed from what arrived.
#[path = "../../../core/tests/common/sts_checks.rs"]
pub mod sts_checks;
use credchain_test_support::mock_server::{response, Repeating, Request};
use credchain_test_support::temp_home::TempHome;

pub mod sso_mock;

/// The shortest secret a test may register: a shorter one would match unrelated output.
pub const MIN_SECRET_LEN: usize = 8;

/// How many consecutive characters of a secret count as a leak.
pub const LEAK_WINDOW: usize = 12;

/// Keys whose values in a file are secrets.
const SECRET_KEYS: [&str; 3] = [
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// JSON fields whose values are secrets.
const SECRET_FIELDS: [&str; 5] = [
    "SecretAccessKey",
    "SessionToken",
    "accessToken",
    "refreshToken",
    "clientSecret",
];

/// Variables whose values are secrets.
const SECRET_VARS: [&str; 4] = [
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/// A temporary home directory holding `.aws/config` and `.aws/credentials`.
pub struct Home {
    dir: TempHome,
    secrets: RefCell<Vec<String>>,
}

/// What a run printed and its exit status.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// The binary under test: the one cargo built beside these tests, or the one
/// `CREDCHAIN_TEST_BINARY` names (tests/run's release stage points it at the static release
/// build, so the same tests check the binary as released without building every test in
/// release mode).
pub fn credchain() -> &'static str {
    static BINARY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| match std::env::var("CREDCHAIN_TEST_BINARY") {
        Ok(path) if !path.is_empty() => path,
        _ => env!("CARGO_BIN_EXE_credchain").to_owned(),
    })
}

impl Home {
    /// A home with `config` and an empty credentials file.
    pub fn with_config(config: &str) -> Home {
        Home::new(config, "")
    }

    /// An empty home with the executable script `relative` (`body`) and `config` as its
    /// ~/.aws/config, `HELPER` in it standing for the script's path.
    pub fn with_helper(relative: &str, body: &str, config: &str) -> Home {
        let home = Home::empty();
        let helper = home.script(relative, body);
        home.write(".aws/config", &config.replace("HELPER", &helper));
        home
    }

    /// A home with the common [`CONFIG`] and [`CREDENTIALS`].
    pub fn with_common_files() -> Home {
        Home::new(CONFIG, CREDENTIALS)
    }

    /// A home with both files (an empty text still creates the file).
    pub fn new(config: &str, credentials: &str) -> Home {
        let home = Home::empty();
        home.write(".aws/config", config);
        home.write(".aws/credentials", credentials);
        home
    }

    /// A home without an .aws directory.
    pub fn empty() -> Home {
        Home {
            dir: TempHome::new(),
            secrets: RefCell::new(Vec::new()),
        }
    }

    /// Writes `text` at `relative` under the home, creating directories, and registers the
    /// secrets it holds.
    pub fn write(&self, relative: &str, text: &str) {
        self.dir.write(relative, text);
        self.register_in(text);
    }

    /// Registers the secrets of a file something else wrote under the home (home.sh).
    pub fn adopt(&self, relative: &str) {
        let text = self.dir.read(relative).unwrap();
        self.register_in(&text);
    }

    /// Writes an executable shell script at `relative` and returns its path. Its secrets are
    /// registered like any file's (JSON fields, keys).
    pub fn script(&self, relative: &str, body: &str) -> String {
        self.register_in(body);
        self.dir.script(relative, body)
    }

    /// A credential_process script printing `json`; returns its path.
    pub fn process_script(&self, name: &str, json: &str) -> String {
        self.script(name, &format!("cat <<'EOF'\n{json}\nEOF\n"))
    }

    /// A credential_process script printing credentials (`access_key_id`, `secret`) that
    /// expired in 2001; returns its path.
    pub fn expired_process_script(&self, name: &str, access_key_id: &str, secret: &str) -> String {
        self.process_script(
            name,
            &format!(
                r#"{{"Version": 1, "AccessKeyId": "{access_key_id}", "SecretAccessKey": "{secret}",
            "Expiration": "2001-01-01T00:00:00Z"}}"#
            ),
        )
    }

    /// Registers a secret that no output may show.
    pub fn secret(&self, secret: &str) {
        assert!(
            secret.chars().count() >= MIN_SECRET_LEN,
            "test secrets must be at least {MIN_SECRET_LEN} characters, to be told apart from \
             other output: {secret:?}"
        );
        let mut secrets = self.secrets.borrow_mut();
        if !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_owned());
        }
    }

    /// The secrets registered so far.
    pub fn secrets(&self) -> Vec<String> {
        self.secrets.borrow().clone()
    }

    fn register_in(&self, text: &str) {
        for line in text.lines() {
            let Some((key, value)) = line.split_once(['=', ':']) else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            if SECRET_KEYS.contains(&key.as_str()) && !value.is_empty() {
                self.secret(value);
            }
        }
        for field in SECRET_FIELDS {
            let quoted = format!("\"{field}\"");
            for (at, _) in text.match_indices(&quoted) {
                let rest = text[at + quoted.len()..].trim_start();
                let Some(rest) = rest.strip_prefix(':') else {
                    continue;
                };
                let Some(rest) = rest.trim_start().strip_prefix('"') else {
                    continue;
                };
                if let Some(end) = rest.find('"') {
                    self.secret(&rest[..end]);
                }
            }
        }
    }

    /// The home directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The path of `relative` under the home, as text.
    pub fn file(&self, relative: &str) -> String {
        self.dir.file(relative)
    }

    /// The text of the file at `relative`, if it exists.
    pub fn read(&self, relative: &str) -> Option<String> {
        self.dir.read(relative)
    }

    /// The permission bits (`0o777`) of the file at `relative`.
    #[cfg(unix)]
    pub fn mode(&self, relative: &str) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        let metadata = std::fs::metadata(self.path().join(relative)).unwrap();
        metadata.permissions().mode() & 0o777
    }

    /// Sets the permission bits of the file at `relative` to `mode`.
    #[cfg(unix)]
    pub fn chmod(&self, relative: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::Permissions::from_mode(mode);
        std::fs::set_permissions(self.path().join(relative), permissions).unwrap();
    }

    /// `credchain ARGS` with HOME, PATH and AWS_EC2_METADATA_DISABLED only, plus `vars`.
    pub fn command(&self, args: &[&str], vars: &[(&str, &str)]) -> Command {
        for (name, value) in vars {
            if SECRET_VARS.contains(name) {
                self.secret(value);
            }
        }
        let mut command = Command::new(credchain());
        command
            .args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(vars.iter().copied());
        command
    }

    /// Runs `credchain ARGS` and checks that no secret is printed.
    #[track_caller]
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs `credchain ARGS` with `vars` added to the clean environment and checks that no
    /// secret is printed.
    #[track_caller]
    pub fn run_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let command = self.command(args, vars);
        self.run_command(command)
    }

    /// Runs a command built with [`Home::command`] and checks that no secret is printed.
    #[track_caller]
    pub fn run_command(&self, mut command: Command) -> Run {
        let run = output(&mut command);
        self.assert_no_secret(&run);
        run
    }

    /// Runs `credchain ARGS` with `vars` and `stdin` piped in as its standard input (not a
    /// terminal), and checks that no secret is printed.
    #[track_caller]
    pub fn run_stdin(&self, args: &[&str], vars: &[(&str, &str)], stdin: &str) -> Run {
        let child = spawn_with_input(self.command(args, vars), stdin);
        let output = child.wait_with_output().expect("wait for credchain");
        let run = Run {
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            code: output.status.code().expect("exited, not killed"),
        };
        self.assert_no_secret(&run);
        run
    }

    /// Runs `credchain ARGS` without the secrets check, for a command whose purpose is to
    /// print a secret; the caller asserts the output exactly.
    pub fn run_revealing(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        output(&mut self.command(args, vars))
    }

    /// Runs `credchain export-token ARGS`, whose purpose is to print the bearer token: the
    /// token may appear only as the `accessToken` value of its stdout; every other secret
    /// (refresh tokens, client secrets, other tokens) is checked for on both streams, and the
    /// token itself on stderr.
    #[track_caller]
    pub fn run_export_token(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut all = vec!["export-token"];
        all.extend_from_slice(args);
        let run = output(&mut self.command(&all, vars));
        let printed = run
            .stdout
            .strip_prefix("{\"accessToken\": \"")
            .and_then(|rest| rest.split_once('"'))
            .map(|(token, rest)| (token.to_owned(), rest.to_owned()));
        let (token, rest) = printed.unwrap_or_default();
        let checked = Run {
            stdout: rest,
            stderr: run.stderr.clone(),
            code: run.code,
        };
        self.assert_no_secret(&checked);
        if !token.is_empty() {
            assert!(
                !run.stderr.contains(&token),
                "the token is printed on stderr: {run:#?}"
            );
        }
        run
    }

    /// Asserts that no registered secret appears in `run`'s output.
    #[track_caller]
    pub fn assert_no_secret(&self, run: &Run) {
        for secret in self.secrets.borrow().iter() {
            for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                assert!(
                    !leaks(text, secret),
                    "a secret ({secret:?}) or part of it is printed on {stream}: {run:#?}"
                );
            }
        }
    }
}

/// Starts `command` with its stdout and stderr piped and `input` written to its standard
/// input, which is then closed.
pub fn spawn_with_input(mut command: Command, input: &str) -> std::process::Child {
    use std::io::Write;
    use std::process::Stdio;
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run credchain");
    let mut stdin = child.stdin.take().expect("piped stdin");
    // credchain may exit before reading it all (an error): a closed pipe is no failure.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child
}

/// Whether `text` shows `secret`, or any [`LEAK_WINDOW`] characters of it.
pub fn leaks(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= LEAK_WINDOW {
        return text.contains(secret);
    }
    chars.windows(LEAK_WINDOW).any(|w| {
        let part: String = w.iter().collect();
        text.contains(&part)
    })
}

fn output(command: &mut Command) -> Run {
    let output = command.output().expect("run credchain");
    Run {
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        code: output.status.code().expect("exited, not killed"),
    }
}

impl Run {
    /// The first line of stdout that starts with `prefix` (a `configure list` row), if any.
    pub fn row(&self, prefix: &str) -> Option<&str> {
        self.stdout.lines().find(|l| l.starts_with(prefix))
    }

    /// Asserts success with exactly `stdout` and nothing on stderr.
    #[track_caller]
    pub fn assert_ok(&self, stdout: &str) {
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (0, stdout, ""),
            "{self:#?}"
        );
    }

    /// Asserts that stdout contains each of `parts`.
    #[track_caller]
    pub fn assert_stdout_has(&self, parts: &[&str]) {
        for part in parts {
            assert!(self.stdout.contains(part), "{part:?} in {self:#?}");
        }
    }

    /// Asserts that stderr contains each of `parts`.
    #[track_caller]
    pub fn assert_stderr_has(&self, parts: &[&str]) {
        for part in parts {
            assert!(self.stderr.contains(part), "{part:?} in {}", self.stderr);
        }
    }

    /// Asserts exit status `code`, nothing on stdout, and on stderr only the error `message`
    /// (`credchain: [ERROR]: MESSAGE`).
    #[track_caller]
    pub fn assert_failed(&self, code: i32, message: &str) {
        let stderr = format!("credchain: [ERROR]: {message}\n");
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (code, "", stderr.as_str()),
            "{self:#?}"
        );
    }

    /// Asserts exit status `code`, nothing on stdout, and stderr starting with `stderr_start`.
    #[track_caller]
    pub fn assert_error(&self, code: i32, stderr_start: &str) {
        assert_eq!(self.code, code, "{self:#?}");
        assert_eq!(self.stdout, "", "{self:#?}");
        assert!(self.stderr.starts_with(stderr_start), "{self:#?}");
    }
}

/// `vars` and one more variable, `name` set to `value`: the environment of a command pointed
/// at a mock (`AWS_ENDPOINT_URL_STS`, `CREDCHAIN_FEDERATION_ENDPOINT`).
pub fn vars_with<'v>(
    vars: &[(&'v str, &'v str)],
    name: &'v str,
    value: &'v str,
) -> Vec<(&'v str, &'v str)> {
    let mut all = vars.to_vec();
    all.push((name, value));
    all
}

/// Asserts that `text` contains each of `parts`, showing `text` when one is missing.
#[track_caller]
pub fn assert_contains_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} in {text}");
    }
}

/// The names of a JSON object's members in the order `text` writes them (the AWS CLI's files
/// keep botocore's order, which a parsed `serde_json::Value` does not show).
pub fn member_names(text: &str) -> Vec<&str> {
    text.split(", \"")
        .map(|m| m.trim_start_matches("{\"").split('"').next().unwrap())
        .collect()
}

/// The time `expires_at` (an RFC 3339 time, a JSON string) names, in seconds since the epoch,
/// asserted to lie `lifetime` seconds after a moment between `before` and `after` (the clock
/// read around the run that wrote it); `context` is shown when it does not.
#[track_caller]
pub fn checked_expiry(
    expires_at: &serde_json::Value,
    lifetime: i64,
    (before, after): (i64, i64),
    context: &str,
) -> i64 {
    let expires = credchain_core::credentials::parse_time(expires_at.as_str().unwrap()).unwrap();
    assert!(
        (before + lifetime..=after + lifetime).contains(&expires),
        "{context}"
    );
    expires
}

/// Asserts that `got` is signed with `keys` for `region`: the signature recomputed from what
/// arrived must be the one sent, and the session token sent must be the keys' own.
#[track_caller]
pub fn assert_sts_signed(got: &Request, keys: sts_checks::Keys<'_>, region: &str) {
    let authorization = got.header("authorization").expect("signed");
    assert_eq!(got.header("x-amz-security-token"), keys.2);
    assert_eq!(
        authorization,
        sts_checks::sts_authorization(got, keys, region)
    );
    assert!(
        authorization.contains(&format!("/{region}/sts/aws4_request, ")),
        "{authorization}"
    );
}

/// The one request `mock` got, parsed.
#[track_caller]
pub fn the_one_request(mock: &MockServer) -> Request {
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    Request::parse(&requests[0])
}

/// A loopback HTTP server standing in for AWS STS (or any endpoint): it answers every request
/// with one canned response and records the requests. It listens on 127.0.0.1 only, serves
/// until dropped, and is stopped by the test that started it.
pub struct MockServer(Repeating);

impl MockServer {
    /// Serves `status` with the XML `body` to every request.
    pub fn start(status: u16, body: &str) -> MockServer {
        Self::sequence(&[(status, body.to_string())])
    }

    /// Serves the XML responses in order, one a request (the last one to every request after).
    pub fn sequence(responses: &[(u16, String)]) -> MockServer {
        Self::typed("text/xml", responses)
    }

    /// Serves the JSON responses in order, one a request (the last one to every request after).
    pub fn json(responses: &[(u16, String)]) -> MockServer {
        Self::typed("application/json", responses)
    }

    fn typed(content_type: &str, responses: &[(u16, String)]) -> MockServer {
        let responses = responses
            .iter()
            .map(|(status, body)| response(&format!("{status} X"), Some(content_type), body))
            .collect();
        MockServer(Repeating::start(responses))
    }

    /// The server's URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        self.0.url()
    }

    /// The requests served so far, as text.
    pub fn requests(&self) -> Vec<String> {
        self.0.requests()
    }
}

/// A credentials file with the keys of `[base]`, the source profile of the role tests.
pub const BASE_CREDENTIALS: &str =
    "[base]\naws_access_key_id = AKIDBASEEXAMPLE\naws_secret_access_key = baseSecretKey0001\n";

/// The access key ID, secret and session token [`role_sts`] hands out.
pub const ROLE_CREDENTIALS: (&str, &str, &str) = (
    "ASIAROLEEXAMPLE1",
    "roleSecretAccessKey0001",
    "roleSessionToken0001",
);

/// An STS mock answering every AssumeRole with [`ROLE_CREDENTIALS`], whose secret and token are
/// registered as secrets of `home`.
pub fn role_sts(home: &Home) -> MockServer {
    let (access_key_id, secret, token) = ROLE_CREDENTIALS;
    home.secret(secret);
    home.secret(token);
    MockServer::start(200, &assume_role_response(access_key_id, secret, token))
}

/// `[profile proc]`, a credential_process printing fixed credentials (ASIAPROCEXAMPLE), as
/// conformance/export-formats/home.sh writes it.
pub const PROC_PROFILE: &str = r#"[profile proc]
credential_process = printf '{"Version": 1, "AccessKeyId": "ASIAPROCEXAMPLE", "SecretAccessKey": "procsecret", "SessionToken": "proctoken", "Expiration": "2099-01-02T03:04:05Z"}'
"#;

/// conformance/export-formats/home.sh's config plus `[profile static]`, as in
/// shared/spec/awscli-commands.md.
pub const CONFIG: &str = r#"[profile proc]
credential_process = printf '{"Version": 1, "AccessKeyId": "ASIAPROCEXAMPLE", "SecretAccessKey": "procsecret", "SessionToken": "proctoken", "Expiration": "2099-01-02T03:04:05Z"}'

[profile static]
region = eu-west-1
"#;

/// The credentials file of [`CONFIG`]: the keys of `[static]`, with a session token.
pub const CREDENTIALS: &str = "\
[static]
aws_access_key_id = AKIDEXAMPLESTATIC
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
aws_session_token = IQoJb3JpZ2luX2VjEXAMPLETOKEN/+=
";

/// An STS AssumeRole response with these credentials, expiring in 2099.
pub fn assume_role_response(access_key_id: &str, secret: &str, token: &str) -> String {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleResult><AssumedRoleUser>\
         <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>\
         <Arn>arn:aws:sts::123456789012:assumed-role/demo/session</Arn></AssumedRoleUser>\
         <Credentials><AccessKeyId>{access_key_id}</AccessKeyId>\
         <SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>\
         <Expiration>2099-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleResult>\
         <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\
         </ResponseMetadata></AssumeRoleResponse>"
    )
}

/// An STS error response (HTTP 403).
pub const ACCESS_DENIED: &str =
    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
    <Error><Type>Sender</Type><Code>AccessDenied</Code>\
    <Message>User is not authorized to perform: sts:AssumeRole</Message></Error>\
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>";
