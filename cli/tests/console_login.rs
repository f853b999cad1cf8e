//! `credchain login` and `credchain logout` through the real binary.
//!
//! login, against the loopback Sign-In mock of tests/support (which verifies every DPoP proof
//! and the PKCE verifier): the same-device flow driven by a scripted browser (`BROWSER` is a
//! script that hands the URL over; an HTTP client follows it to the mock and on to the
//! loopback callback), then `export-credentials` giving the mock's credentials; the `--remote`
//! paste flow with the region asked and saved; the refusal of profiles with other
//! credentials; the overwrite question; a callback with another `state` refused; the bounded
//! wait; Ctrl-C; the AWS CLI's errors for a refused code. Every run is checked for leaked
//! secrets, the new key's PEM included. With botocore[crt] (tests/run's login-interop venv),
//! botocore's login provider reads and refreshes the session credchain wrote.
//!
//! logout: the profile's login cache file removed and no other, `--all` removing exactly the
//! login cache files (as `aws logout` does), the config left alone, the AWS CLI's messages.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::signin::{browse, get, home_files, refs, run_python, Running};
use common::{checked_expiry, member_names, Home, Run};
use credchain_test_support::signin_mock::{
    Behaviour, SigninMock, LOGIN_CREDENTIALS, REFRESHED_CREDENTIALS, SESSION_ARN,
};
use credchain_test_support::venv_python as python_of;

const ARN: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
/// sha256 of the ARN, the name `aws login` gives its cache file.
const CACHE: &str =
    ".aws/login/cache/4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json";
const OTHER: &str = ".aws/login/cache/other.json";
const NOT_LOGIN: &str = ".aws/login/cache/notes.json";
const NOT_JSON: &str = ".aws/login/cache/keep.json";
const NOT_JSON_NAME: &str = ".aws/login/cache/login.txt";
const CONFIG: &str = "[profile signin]\nlogin_session = arn:aws:sts::012345678910:assumed-role/Admin/admin\n\n[profile plain]\nregion = us-east-1\n";

fn home() -> Home {
    let home = Home::with_config(CONFIG);
    let login = r#"{"accessToken": {"accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "secretEXAMPLEsecret", "sessionToken": "tokenEXAMPLEtoken", "expiresAt": "2030-01-01T00:00:00Z"}, "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "refreshEXAMPLErefresh", "dpopKey": "dpopKeyEXAMPLEdpopKey"}"#;
    home.write(CACHE, login);
    home.write(OTHER, login);
    home.write(NOT_LOGIN, r#"{"accessToken": "not an object"}"#);
    home.write(NOT_JSON, "not json");
    home.write(NOT_JSON_NAME, login);
    home.secret("secretEXAMPLEsecret");
    home.secret("tokenEXAMPLEtoken");
    home
}

const NOTE: &str = "Note, any local developer tools that have already loaded the access token may continue to use it until its expiration. Access tokens expire in 15 minutes.\n";

/// `logout` with `args`, which must succeed.
#[track_caller]
fn logout(home: &Home, args: &[&str]) -> Run {
    let run = home.run(&[&["logout"], args].concat());
    assert_eq!(run.code, 0, "{run:#?}");
    run
}

/// `logout --profile PROFILE` of a profile without a login session: it succeeds, printing
/// only the AWS CLI's warning.
#[track_caller]
fn assert_logout_finds_no_session(home: &Home, profile: &str) {
    let run = logout(home, &["--profile", profile]);
    let warning = format!("warning: no login session found for profile '{profile}'\n");
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", warning.as_str()),
        "{run:#?}"
    );
}

#[test]
fn logout_removes_only_the_profiles_session_file() {
    let home = home();
    let run = logout(&home, &["--profile", "signin"]);
    assert_eq!(
        run.stdout,
        format!("Removed cached login credentials for profile 'signin'. {NOTE}")
    );
    assert_eq!(home.read(CACHE), None);
    for kept in [OTHER, NOT_LOGIN, NOT_JSON, NOT_JSON_NAME] {
        assert!(home.read(kept).is_some(), "{kept}");
    }
    assert_eq!(home.read(".aws/config").as_deref(), Some(CONFIG));
    home.assert_no_secret(&run);
    // Again, with the file gone: the same message, as the AWS CLI prints it.
    let again = home.run_with(&["logout"], &[("AWS_PROFILE", "signin")]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(again.stdout, run.stdout);
    let _ = ARN;
}

#[test]
fn logout_without_a_session_warns_and_removes_nothing() {
    let home = home();
    assert_logout_finds_no_session(&home, "plain");
    for kept in [CACHE, OTHER, NOT_LOGIN, NOT_JSON, NOT_JSON_NAME] {
        assert!(home.read(kept).is_some(), "{kept}");
    }
}

#[test]
fn logout_all_removes_exactly_the_login_cache_files() {
    let home = home();
    let run = logout(&home, &["--all"]);
    assert_eq!(
        run.stdout,
        "Removed 3 cached login credentials. Note, any local developer tools that have already loaded access tokens may continue to use them until their expiration. Access tokens expire in 15 minutes.\n"
    );
    assert_eq!(home.read(CACHE), None);
    assert_eq!(home.read(OTHER), None);
    // Whatever its name: logout.py reads every file of the directory as JSON.
    assert_eq!(home.read(NOT_JSON_NAME), None);
    assert!(home.read(NOT_LOGIN).is_some());
    assert!(home.read(NOT_JSON).is_some());
    assert_eq!(home.read(".aws/config").as_deref(), Some(CONFIG));
    let again = logout(&home, &["--all"]);
    assert_eq!(again.stdout, "No cached login session tokens found.\n");
    home.assert_no_secret(&run);
}

#[test]
fn logout_of_a_profile_neither_file_defines_warns() {
    let home = home();
    assert_logout_finds_no_session(&home, "nowhere");
    assert!(home.read(CACHE).is_some());
}

#[test]
fn logout_all_follows_aws_login_cache_directory() {
    let home = home();
    let dir = home.path().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("x.json"),
        r#"{"accessToken": {"accessKeyId": "ASIAEXAMPLE"}}"#,
    )
    .unwrap();
    let run = home.run_with(
        &["logout", "--all"],
        &[("AWS_LOGIN_CACHE_DIRECTORY", dir.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .starts_with("Removed 1 cached login credential. "),
        "{run:#?}"
    );
    assert!(!dir.join("x.json").exists());
    assert!(home.read(CACHE).is_some());
}

// ---- login ----

/// sha256 of the mock's SESSION_ARN: the login cache file's name.
fn session_cache() -> String {
    format!(
        ".aws/login/cache/{}",
        credchain_core::caches::login::FileName::of(SESSION_ARN).as_str()
    )
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A home with `config` whose runs may print none of the mock's secrets.
fn login_home(config: &str) -> Home {
    let home = Home::with_config(config);
    for secret in LOGIN_CREDENTIALS
        .iter()
        .chain(&REFRESHED_CREDENTIALS)
        .skip(1)
    {
        home.secret(secret);
    }
    home.secret(REFRESHED_CREDENTIALS[1]);
    home.secret("qAuthCodeqq1");
    home
}

fn login_vars(mock: &SigninMock) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL_SIGNIN", mock.url()),
        ("CREDCHAIN_LOGIN_TIMEOUT", "20".into()),
        ("BROWSER", "true".into()),
    ]
}

/// The same-device login of `profile`, the browser being a script that hands the URL over
/// and the test following it; the finished run.
fn same_device_login(home: &Home, mock: &SigninMock, args: &[&str], answers: &[&str]) -> Run {
    let opened = home.path().join("opened-url");
    let _ = std::fs::remove_file(&opened);
    let browser = home.script("browser.sh", "printf '%s' \"$1\" > \"$HOME/opened-url\"\n");
    let mut vars = login_vars(mock);
    vars.retain(|(k, _)| *k != "BROWSER");
    vars.push(("BROWSER", browser));
    let mut login = Running::start(home, args, &refs(&vars));
    for answer in answers {
        login.type_line(answer);
    }
    let printed = login.line_starting("http://127.0.0.1");
    let until = Instant::now() + Duration::from_secs(20);
    let url = loop {
        match std::fs::read_to_string(&opened) {
            Ok(url) if !url.is_empty() => break url,
            _ => assert!(Instant::now() < until, "the browser was not opened"),
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(url, printed, "the opener gets the printed URL");
    let (status, page) = browse(&url);
    assert!(status.contains(" 200 "), "{status}");
    assert!(page.contains("Sign in to AWS"), "{page}");
    finish(home, login)
}

/// The run's end, checked for leaked secrets, the new key's PEM included.
fn finish(home: &Home, login: Running) -> Run {
    let run = login.finish(home);
    if let Some(file) = home.read(&session_cache()) {
        let json: serde_json::Value = serde_json::from_str(&file).unwrap();
        for line in json["dpopKey"]
            .as_str()
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('-'))
        {
            let all = format!("{}{}", run.stdout, run.stderr);
            assert!(!common::leaks(&all, line), "the key leaked: {run:#?}");
        }
    }
    run
}

fn query_param(url: &str, name: &str) -> String {
    let query = url.split_once('?').unwrap().1;
    let value = query
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap();
    credchain_test_support::mock_server::percent_decode(value)
}

/// `export-credentials --profile dev`'s JSON, the Sign-In endpoint being the mock.
fn export_credentials(home: &Home, mock: &SigninMock) -> serde_json::Value {
    let export = home.run_revealing(
        &["export-credentials", "--profile", "dev"],
        &[("AWS_ENDPOINT_URL_SIGNIN", &mock.url())],
    );
    assert_eq!(export.code, 0, "{export:#?}");
    serde_json::from_str(&export.stdout).unwrap()
}

#[test]
fn same_device_login_then_export_credentials_gives_the_mocks_credentials() {
    let home = login_home("[profile dev]\nregion = us-east-1\n");
    let mock = SigninMock::start(Behaviour::default());
    let before = now();
    let run = same_device_login(&home, &mock, &["login", "--profile", "dev"], &[]);
    let after = now();
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.starts_with(
            "Attempting to open your default browser. If the browser does not open, open the \
             following URL.\nIf you are unable to open the URL on this device, run this command \
             again with the '--remote' option.\n\nhttp://127.0.0.1:"
        ),
        "{run:#?}"
    );
    assert!(
        run.stdout.ends_with(&format!(
            "\n\nUpdated profile dev to use {SESSION_ARN} credentials.\nUse \"--profile dev\" to \
             use the new credentials, such as \"aws sts get-caller-identity --profile dev\"\n"
        )),
        "{run:#?}"
    );
    assert_eq!(run.stderr, "");
    assert_eq!(mock.failures(), Vec::<String>::new());
    assert_eq!(mock.token_calls(), (1, 0));
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!("[profile dev]\nregion = us-east-1\nlogin_session = {SESSION_ARN}\n")
    );
    let file = home.read(&session_cache()).expect("the login cache file");
    #[cfg(unix)]
    assert_eq!(home.mode(&session_cache()), 0o600);
    assert_eq!(
        member_names(&file),
        [
            "accessToken",
            "secretAccessKey",
            "sessionToken",
            "accountId",
            "expiresAt",
            "tokenType",
            "clientId",
            "refreshToken",
            "idToken",
            "dpopKey"
        ],
        "{file}"
    );
    let json: serde_json::Value = serde_json::from_str(&file).unwrap();
    assert_eq!(json["accessToken"]["accessKeyId"], LOGIN_CREDENTIALS[0]);
    assert_eq!(json["accessToken"]["accountId"], "012345678901");
    assert_eq!(json["clientId"], "arn:aws:signin:::devtools/same-device");
    assert_eq!(json["refreshToken"], LOGIN_CREDENTIALS[3]);
    checked_expiry(
        &json["accessToken"]["expiresAt"],
        900,
        (before, after),
        &file,
    );
    let pem = json["dpopKey"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n") && pem.ends_with("-----\n"));
    assert!(!file.ends_with('\n'));

    let creds = export_credentials(&home, &mock);
    assert_eq!(creds["AccessKeyId"], LOGIN_CREDENTIALS[0]);
    assert_eq!(creds["SecretAccessKey"], LOGIN_CREDENTIALS[1]);
    assert_eq!(creds["SessionToken"], LOGIN_CREDENTIALS[2]);
    assert_eq!(mock.token_calls(), (1, 0), "no refresh of a fresh session");
}

#[test]
fn each_login_has_a_new_key_and_a_default_profile_gets_no_profile_hint() {
    let home = login_home("[default]\nregion = us-east-1\n");
    let mock = SigninMock::start(Behaviour::default());
    let key_of = |home: &Home| {
        let json: serde_json::Value =
            serde_json::from_str(&home.read(&session_cache()).unwrap()).unwrap();
        json["dpopKey"].as_str().unwrap().to_owned()
    };
    let first = same_device_login(&home, &mock, &["login"], &[]);
    assert_eq!(first.code, 0, "{first:#?}");
    assert!(first.stdout.ends_with(&format!(
        "\n\nUpdated profile default to use {SESSION_ARN} credentials.\n"
    )));
    let key = key_of(&home);
    // The same session again: no question, a new key.
    let second = same_device_login(&home, &mock, &["login"], &[]);
    assert_eq!(second.code, 0, "{second:#?}");
    assert!(!second.stdout.contains("overwrite"), "{second:#?}");
    assert_ne!(key_of(&home), key);
    assert_eq!(mock.failures(), Vec::<String>::new());
}

#[test]
fn a_profile_neither_file_defines_is_created_and_a_given_region_is_not_saved() {
    let home = login_home("[default]\nregion = us-east-1\n");
    let mock = SigninMock::start(Behaviour::default());
    let args = ["login", "--profile", "fresh", "--region", "eu-central-1"];
    let run = same_device_login(&home, &mock, &args, &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run
        .stdout
        .contains("Use \"--profile fresh\" to use the new credentials"));
    assert_eq!(
        home.read(".aws/config").unwrap(),
        // The AWS CLI's writer appends a new section with no blank line before it.
        format!("[default]\nregion = us-east-1\n[profile fresh]\nlogin_session = {SESSION_ARN}\n")
    );
    assert_eq!(mock.failures(), Vec::<String>::new());
}

#[test]
fn remote_login_asks_the_region_reads_the_pasted_code_and_saves_the_region() {
    let home = login_home("");
    let mock = SigninMock::start(Behaviour::default());
    let mut login = Running::start(&home, &["login", "--remote"], &refs(&login_vars(&mock)));
    login.type_line("eu-west-1");
    let url = login.line_starting("http://127.0.0.1");
    assert!(url.contains("client_id=arn%3Aaws%3Asignin%3A%3A%3Adevtools%2Fcross-device"));
    assert_eq!(
        query_param(&url, "redirect_uri"),
        format!("{}/v1/sessions/confirmation", mock.url())
    );
    let (status, headers, _) = get(&url);
    assert!(status.contains(" 302 "), "{status}");
    let confirmation = headers
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap();
    let (_, _, shown) = get(confirmation);
    login.type_line(&shown);
    let run = finish(&home, login);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.starts_with(
            "No AWS region has been configured. The AWS region is the geographic location of \
             your AWS resources.\n\n"
        ),
        "{run:#?}"
    );
    assert!(run.stdout.contains(
        "\"aws configure set region NEW_REGION\".\nAWS Region [us-east-1]: Browser will not be \
         automatically opened.\nPlease visit the following URL:\n\nhttp://127.0.0.1:"
    ));
    assert!(run.stdout.contains(
        "\n\nEnter the authorization code displayed in your browser: \nUpdated profile default"
    ));
    assert_eq!(mock.failures(), Vec::<String>::new());
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!("[default]\nlogin_session = {SESSION_ARN}\nregion = eu-west-1\n")
    );
    let json: serde_json::Value =
        serde_json::from_str(&home.read(&session_cache()).unwrap()).unwrap();
    assert_eq!(json["clientId"], "arn:aws:signin:::devtools/cross-device");
}

#[test]
fn remote_login_refuses_a_code_of_another_state_or_not_base64() {
    let mock = SigninMock::start(Behaviour::default());
    let vars = login_vars(&mock);
    for (paste, error) in [
        // base64 of "state=other&code=abc"
        (
            "c3RhdGU9b3RoZXImY29kZT1hYmM=",
            "Error loading or redeeming a login authorization code: State parameter other does \
             not match expected value ",
        ),
        ("not base64!", "Failed to decode the verification code."),
        // base64 of "code=abc"
        (
            "Y29kZT1hYmM=",
            "Failed to retrieve an auth_code or state from the verification code",
        ),
        (
            "",
            "Error loading or redeeming a login authorization code: Failed to retrieve an \
             authorization code.",
        ),
    ] {
        let home = login_home("[profile dev]\nregion = us-east-1\n");
        let run = home.run_stdin(
            &["login", "--remote", "--profile", "dev"],
            &refs(&vars),
            &format!("{paste}\n"),
        );
        assert_eq!(run.code, 255, "{run:#?}");
        assert!(run.stderr.contains(error), "{error}: {run:#?}");
        assert!(home.read(&session_cache()).is_none());
        assert!(!home.read(".aws/config").unwrap().contains("login_session"));
    }
    assert_eq!(mock.token_calls(), (0, 0));
}

#[test]
fn profiles_with_other_credentials_are_refused_before_any_call() {
    let mock = SigninMock::start(Behaviour::default());
    let vars = login_vars(&mock);
    for (config, credentials, style) in [
        ("[profile dev]\nregion = us-east-1\n", "[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = qSecretKeyEXAMPLEqq\n", "Access Key"),
        ("[profile dev]\nregion = us-east-1\nsso_session = corp\nsso_account_id = 1\n", "", "SSO"),
        ("[profile dev]\nregion = us-east-1\nrole_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = /t\n", "", "Web Identity"),
        ("[profile dev]\nregion = us-east-1\ncredential_process = /bin/true\n", "", "Credential Process"),
    ] {
        let home = Home::new(config, credentials);
        let run = home.run_with(&["login", "--profile", "dev"], &refs(&vars));
        run.assert_error(
            253,
            &format!(
                "credchain: [ERROR]: Profile 'dev' is already \
                 configured with {style} credentials.\n\nYou may run 'aws login --profile \
                 new-profile-name' to create a new profile with the specified name. Otherwise \
                 you must first manually remove the existing credentials from 'dev'.\n"
            ),
        );
        assert_eq!(home.read(".aws/config").unwrap(), config);
    }
    assert_eq!(mock.requests(), Vec::<String>::new());
}

#[test]
fn another_session_is_replaced_only_when_the_person_says_yes() {
    const OLD: &str = "arn:aws:sts::012345678901:assumed-role/Old/old";
    let config = format!("[profile dev]\nregion = us-east-1\nlogin_session = {OLD}\n");
    let question = format!(
        "\nProfile dev is already configured to use session {OLD}. Do you want to overwrite it \
         to use {SESSION_ARN} instead? (y/n): "
    );
    let mock = SigninMock::start(Behaviour::default());
    let home = login_home(&config);
    let run = same_device_login(
        &home,
        &mock,
        &["login", "--profile", "dev"],
        &["maybe", "N"],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.ends_with(&format!(
            "{question}Invalid response. Please enter \"y\" or \"n\"\n{question}\n"
        )),
        "{run:#?}"
    );
    assert_eq!(home.read(".aws/config").unwrap(), config);
    assert!(home.read(&session_cache()).is_none());

    let run = same_device_login(&home, &mock, &["login", "--profile", "dev"], &["yes"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run
        .stdout
        .contains(&format!("{question}\nUpdated profile dev")));
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!("[profile dev]\nregion = us-east-1\nlogin_session = {SESSION_ARN}\n")
    );
    assert!(home.read(&session_cache()).is_some());
    assert_eq!(mock.failures(), Vec::<String>::new());
}

#[test]
fn a_callback_with_another_state_is_refused_and_the_wait_is_bounded() {
    let home = login_home("[profile dev]\nregion = us-east-1\n");
    let before = home_files(&home);
    let mock = SigninMock::start(Behaviour::default());
    let mut vars = login_vars(&mock);
    vars.retain(|(k, _)| *k != "CREDCHAIN_LOGIN_TIMEOUT");
    vars.push(("CREDCHAIN_LOGIN_TIMEOUT", "2".into()));
    let started = Instant::now();
    let login = Running::start(&home, &["login", "--profile", "dev"], &refs(&vars));
    let url = login.line_starting("http://127.0.0.1");
    let callback = query_param(&url, "redirect_uri");
    let (status, _, _) = get(&format!("{callback}?code=qAuthCodeqq1&state=not-the-state"));
    assert!(status.contains(" 400 "), "{status}");
    let run = finish(&home, login);
    assert!(started.elapsed() < Duration::from_secs(15));
    run.assert_stderr_has(&["The pending authorization to retrieve an SSO token has expired."]);
    assert_eq!(run.code, 255, "{run:#?}");
    assert_eq!(home_files(&home), before);
    assert_eq!(mock.token_calls(), (0, 0));
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_login_exits_130_and_leaves_every_file_as_it_was() {
    let home = login_home("[profile dev]\nregion = us-east-1\n");
    let before = home_files(&home);
    let mock = SigninMock::start(Behaviour::default());
    let login = Running::start(
        &home,
        &["login", "--profile", "dev"],
        &refs(&login_vars(&mock)),
    );
    login.line_starting("http://127.0.0.1");
    login.interrupt(&home);
    assert_eq!(home_files(&home), before);
}

#[test]
fn refused_codes_give_the_aws_cli_errors() {
    for (error, message) in [
        (
            "AUTHCODE_EXPIRED",
            "Error loading or redeeming a login authorization code: Unable to complete the login \
             process due to an expired authorization code. Please reauthenticate using 'aws login'.",
        ),
        (
            "INSUFFICIENT_PERMISSIONS",
            "Unable to create or refresh login credentials due to insufficient permissions. You \
             may be missing permission for the 'signin:CreateOAuth2Token' action.",
        ),
    ] {
        let home = login_home("[profile dev]\nregion = us-east-1\n");
        let mock = SigninMock::start(Behaviour {
            code_error: Some(error),
            ..Behaviour::default()
        });
        let run = same_device_login(&home, &mock, &["login", "--profile", "dev"], &[]);
        assert_eq!(run.code, 255, "{run:#?}");
        assert!(run.stderr.contains(message), "{run:#?}");
        assert!(home.read(&session_cache()).is_none());
        assert_eq!(mock.failures(), Vec::<String>::new());
    }
}

/// botocore's login provider (PyPI botocore with awscrt, in a venv of its own) resolves the
/// session `credchain login` wrote, and refreshes it at the same mock with the key credchain
/// saved. Ignored by default: it needs botocore[crt] (tests/run's difftest stage makes the
/// venv, or set CREDCHAIN_LOGIN_INTEROP_PYTHON); when run, a missing botocore is a failure.
#[test]
#[ignore = "needs botocore[crt]: the login-interop venv or CREDCHAIN_LOGIN_INTEROP_PYTHON"]
fn botocore_login_provider_reads_and_refreshes_the_session_credchain_wrote() {
    let python = python_of("CREDCHAIN_LOGIN_INTEROP_PYTHON", "login-interop-venv")
        .expect("no Python with botocore[crt]: set CREDCHAIN_LOGIN_INTEROP_PYTHON");
    let home = login_home("[profile dev]\nregion = us-east-1\n");
    // A session that expires within botocore's refresh window, so it refreshes at once.
    let mock = SigninMock::start(Behaviour {
        expires_in: 60,
        ..Behaviour::default()
    });
    let run = same_device_login(&home, &mock, &["login", "--profile", "dev"], &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    let script = "import botocore.session\n\
        c = botocore.session.Session(profile='dev').get_credentials()\n\
        print(c.method)\n\
        f = c.get_frozen_credentials()\n\
        print(f.access_key, f.secret_key == 'qRefreshedSecretKeyqq2', f.token == 'qRefreshedSessionTokqq2')\n";
    let stdout = run_python(
        &python,
        script,
        &home,
        &[("AWS_ENDPOINT_URL_SIGNIN", &mock.url())],
    );
    assert_eq!(
        stdout,
        format!("login\n{} True True\n", REFRESHED_CREDENTIALS[0])
    );
    assert_eq!(mock.failures(), Vec::<String>::new());
    assert_eq!(mock.token_calls(), (1, 1));
    // botocore wrote the refreshed session back; credchain reads it.
    let creds = export_credentials(&home, &mock);
    assert_eq!(creds["AccessKeyId"], REFRESHED_CREDENTIALS[0]);
}
