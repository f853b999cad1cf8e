//! `credchain sso login` and `credchain sso logout` through the binary, against one loopback
//! mock that behaves like SSO-OIDC and the IAM Identity Center portal: RegisterClient,
//! StartDeviceAuthorization (pending and slow-down answers), CreateToken checking the PKCE
//! verifier against the challenge of the authorize request and the redirect URI, Logout and
//! GetRoleCredentials. The authorization code flow is driven end to end by a scripted
//! browser: an HTTP client that follows the printed authorize URL to the mock and its
//! redirect on to the loopback callback. No real browser is ever opened (`--no-browser`, or
//! `BROWSER` pointing at a script). Every run is checked for leaked secrets.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::signin::{home_files, run_python};
use common::sso_mock::*;
use common::{checked_expiry, member_names, Home, Run};
use credchain_core::caches::sso_registration::registration_cache_key;
use credchain_test_support::venv_python as python_of;

const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
    sso_role_name = ReadOnly\n\n[sso-session corp]\n\
    sso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n\n\
    [profile legacy]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = eu-west-1\n\
    sso_account_id = 123456789012\nsso_role_name = ReadOnly\n";
fn registration_file(region: &str, session: Option<&str>) -> String {
    format!(
        ".aws/sso/cache/{}.json",
        registration_cache_key(START_URL, region, None, session)
    )
}

/// Checks a token file's members, in the AWS CLI's order, and its expiry.
fn assert_token_file(text: &str, region: &str, before: i64, after: i64) {
    assert_eq!(
        member_names(text),
        [
            "startUrl",
            "region",
            "accessToken",
            "expiresAt",
            "clientId",
            "clientSecret",
            "registrationExpiresAt",
            "refreshToken"
        ],
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(json["startUrl"], START_URL);
    assert_eq!(json["region"], region);
    assert_eq!(json["accessToken"], ACCESS);
    assert_eq!(json["clientId"], CLIENT_ID);
    assert_eq!(json["clientSecret"], CLIENT_SECRET);
    assert_eq!(json["refreshToken"], REFRESH);
    checked_expiry(&json["expiresAt"], 28800, (before, after), text);
    assert!(json["expiresAt"].as_str().unwrap().ends_with('Z'));
    assert!(!text.contains(": \"\"") && !text.ends_with('\n'));
}

fn vars_of(mock: &Mock) -> Vec<(&'static str, String)> {
    let mut vars = mock.vars();
    vars.push(("CREDCHAIN_SSO_LOGIN_TIMEOUT", "20".into()));
    vars
}

/// `sso login` of `dev` with the device code flow, printing the code.
const DEVICE_LOGIN: [&str; 6] = [
    "sso",
    "login",
    "--profile",
    "dev",
    "--use-device-code",
    "--no-browser",
];

/// A `dev` sign-in with `--no-browser` started against a fresh mock: the home, the mock, the
/// running login and the authorize URL it printed.
fn dev_login() -> (Home, Mock, Running, String) {
    let home = with_secrets(CONFIG);
    let mock = Mock::start(&[]);
    let login = start_dev_login(&home, &mock);
    let url = login.line_starting("http://127.0.0.1");
    (home, mock, login, url)
}

/// `sso login` of `dev` with `--no-browser`, started against `mock`.
fn start_dev_login(home: &Home, mock: &Mock) -> Running {
    let vars = vars_of(mock);
    let args = ["sso", "login", "--profile", "dev", "--no-browser"];
    Running::start(home, &args, &refs(&vars))
}

/// `sso login` of `dev` through the browser against `mock`, the authorize URL followed as a
/// browser would: it must succeed.
#[track_caller]
fn log_in_dev(home: &Home, mock: &Mock) {
    let login = start_dev_login(home, mock);
    browse(&login.line_starting("http://127.0.0.1"));
    assert_eq!(login.finish(home).code, 0);
}

/// A browser script (for `BROWSER`) that writes the URL it is given to a file: the file's path
/// and the script's.
fn browser_script(home: &Home) -> (String, String) {
    let opened = home.file("opened-url");
    let browser = home.script(
        "browser.sh",
        &format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{opened}.tmp' && mv '{opened}.tmp' '{opened}'\n"
        ),
    );
    (opened, browser)
}

/// The URL the browser script wrote to `opened` (it renames the file into place), waiting
/// at most 20 seconds for it.
fn opened_url(opened: &str) -> String {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(url) = std::fs::read_to_string(opened) {
            return url;
        }
        assert!(Instant::now() < until, "the browser script was not run");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn pkce_login_end_to_end_then_export_credentials_uses_the_token() {
    let home = with_secrets(CONFIG);
    let mock = Mock::start(&[]);
    let vars = vars_of(&mock);
    let before = now();
    let login = Running::start(
        &home,
        &["sso", "login", "--profile", "dev", "--no-browser"],
        &refs(&vars),
    );
    let url = login.line_starting("http://127.0.0.1");
    let (status, page) = browse(&url);
    let run = login.finish(&home);
    let after = now();
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert!(status.contains(" 200 "), "{status}");
    assert!(page.contains("Sign in to AWS") && page.contains("You can now close this tab."));
    assert_eq!(
        run.stdout,
        format!(
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}\n\
             Successfully logged into Start URL: {START_URL}\n"
        )
    );
    // The authorize URL, parameter by parameter, in the AWS CLI's order.
    let q = query(&url);
    let names: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "response_type",
            "client_id",
            "redirect_uri",
            "state",
            "code_challenge_method",
            "scopes",
            "code_challenge"
        ]
    );
    assert!(url.starts_with(&format!("{}/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri=http%3A%2F%2F127.0.0.1%3A", mock.url)));
    assert_eq!(param(&q, "scopes").unwrap(), "sso:account:access");
    assert_eq!(param(&q, "code_challenge").unwrap().len(), 43);
    let state = param(&q, "state").unwrap();
    assert_eq!(state.len(), 36);
    assert_eq!(&state[14..15], "4");
    let redirect = param(&q, "redirect_uri").unwrap();
    assert!(redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/oauth/callback"));
    // The calls: RegisterClient for the authorization code flow, then CreateToken.
    assert_eq!(
        mock.paths(),
        ["POST /client/register", "GET /authorize", "POST /token"]
    );
    let requests = mock.requests();
    let register: serde_json::Value = serde_json::from_str(&requests[0].body).unwrap();
    assert_eq!(
        requests[0].body,
        format!(
            r#"{{"clientName": "botocore-client-corp", "clientType": "public", "grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": "{START_URL}", "scopes": ["sso:account:access"]}}"#
        ),
        "{register}"
    );
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    let create: serde_json::Value = serde_json::from_str(&requests[2].body).unwrap();
    assert_eq!(
        member_names(&requests[2].body),
        [
            "grantType",
            "clientId",
            "clientSecret",
            "redirectUri",
            "codeVerifier",
            "code"
        ]
    );
    assert_eq!(create["redirectUri"], redirect.as_str());
    let verifier = create["codeVerifier"].as_str().unwrap();
    assert_eq!(verifier.len(), 64);
    assert!(verifier
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
    // The files: the token as the AWS CLI writes it, the registration beside it, both 0600.
    let token = home.read(&token_file("corp")).expect("the token file");
    assert_token_file(&token, "us-east-1", before, after);
    let registration = home
        .read(&registration_file("us-east-1", Some("corp")))
        .expect("the registration file");
    let reg: serde_json::Value = serde_json::from_str(&registration).unwrap();
    assert_eq!(reg["clientId"], CLIENT_ID);
    assert_eq!(reg["clientSecret"], CLIENT_SECRET);
    assert_eq!(reg["scopes"], serde_json::json!(["sso:account:access"]));
    assert_eq!(
        reg["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert!(registration.starts_with(&format!(r#"{{"clientId": "{CLIENT_ID}", "clientSecret": "#)));
    #[cfg(unix)]
    {
        assert_eq!(home.mode(&token_file("corp")), 0o600);
        assert_eq!(
            home.mode(&registration_file("us-east-1", Some("corp"))),
            0o600
        );
    }
    // credchain's own chain reads the token it wrote and gets role credentials from the portal.
    assert_exports_role_credentials(&home, &mock, "dev");
    let federation = mock.requests().last().cloned().unwrap();
    assert_eq!(
        federation.path,
        "/federation/credentials?role_name=ReadOnly&account_id=123456789012"
    );
}

#[test]
fn a_second_login_reuses_the_cached_registration_and_the_browser_script_gets_the_url() {
    let home = with_secrets(CONFIG);
    let mock = Mock::start(&[]);
    let (opened, browser) = browser_script(&home);
    let mut vars = vars_of(&mock);
    vars.push(("BROWSER", browser));
    for round in 0..2 {
        let _ = std::fs::remove_file(&opened);
        let login = Running::start(&home, &["sso", "login", "--profile", "dev"], &refs(&vars));
        let printed = login.line_starting("http://127.0.0.1");
        let url = opened_url(&opened);
        assert_eq!(url, printed);
        browse(&url);
        let run = login.finish(&home);
        assert_eq!(run.code, 0, "round {round}: {run:#?}");
        assert!(run.stdout.starts_with(
            "Attempting to open your default browser. If the browser does not open, open the following URL.\n\
             If you are unable to open the URL on this device, run this command again with the '--use-device-code' option.\n\nhttp://"
        ), "{run:#?}");
        assert!(run.stdout.ends_with(&format!(
            "\n\nSuccessfully logged into Start URL: {START_URL}\n"
        )));
    }
    let registers = mock
        .paths()
        .iter()
        .filter(|p| *p == "POST /client/register")
        .count();
    assert_eq!(registers, 1, "{:?}", mock.paths());
}

#[test]
fn the_callback_waits_for_its_own_state_and_a_timeout_changes_no_file() {
    let home = with_secrets(CONFIG);
    let old_token = token_json("oldAccessToken-EXAMPLE", 1_577_836_800);
    home.write(&token_file("corp"), &old_token);
    let mock = Mock::start(&[]);
    let mut vars = mock.vars();
    vars.push(("CREDCHAIN_SSO_LOGIN_TIMEOUT", "2".into()));
    let login = Running::start(
        &home,
        &["sso", "login", "--profile", "dev", "--no-browser"],
        &refs(&vars),
    );
    let url = login.line_starting("http://127.0.0.1");
    let redirect = param(&query(&url), "redirect_uri").unwrap();
    // Another program's request, with a state of its own, neither ends nor hijacks the wait.
    let (status, _, _) = get(&format!(
        "{redirect}?code=stolen-code-EXAMPLE&state=not-the-state"
    ));
    assert!(status.contains(" 400 "), "{status}");
    let (status, _, _) = get(&format!(
        "{redirect}?error=access_denied&state=not-the-state"
    ));
    assert!(status.contains(" 400 "), "{status}");
    let (status, _, page) = get(&format!(
        "{}/favicon.ico",
        redirect.trim_end_matches("/oauth/callback")
    ));
    assert!(
        status.contains(" 200 ") && page.contains("Sign in to AWS"),
        "{status}"
    );
    let run = login.finish(&home);
    assert_eq!(run.code, 255, "{run:#?}");
    assert_eq!(
        run.stderr,
        "credchain: [ERROR]: The pending authorization to retrieve an SSO token has expired. \
         The login flow to retrieve an SSO token must be restarted.\n"
    );
    assert_eq!(home.read(&token_file("corp")).unwrap(), old_token);
    assert!(home
        .read(&registration_file("us-east-1", Some("corp")))
        .is_none());
    assert!(!mock.paths().contains(&"POST /token".to_owned()));
}

#[test]
fn an_error_from_the_browser_ends_the_login() {
    let (home, _mock, login, url) = dev_login();
    let q = query(&url);
    let redirect = param(&q, "redirect_uri").unwrap();
    let state = param(&q, "state").unwrap();
    let (status, _, _) = get(&format!("{redirect}?error=access_denied&state={state}"));
    assert!(status.contains(" 200 "), "{status}");
    let run = login.finish(&home);
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(run.stderr.contains(
        "[ERROR]: Error loading authorization code: Failed to retrieve an authorization code.\n"
    ));
    assert!(home.read(&token_file("corp")).is_none());
}

#[test]
fn device_code_flow_polls_through_pending_and_slow_down() {
    let home = with_secrets(CONFIG);
    // The first attempt (before the code is shown), then one right away, then slow down.
    let mock = Mock::start(&["pending", "pending", "slow_down"]);
    let before = now();
    let run = home.run_with(&DEVICE_LOGIN, &refs(&mock.vars()));
    let after = now();
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stdout,
        format!(
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n\
             https://device.sso.us-east-1.amazonaws.com/\n\nThen enter the code:\n\nABCD-EFGH\n\n\
             Alternatively, you may visit the following URL which will autofill the code upon loading:\n\
             https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH\n\
             Successfully logged into Start URL: {START_URL}\n"
        )
    );
    // slow_down adds 5 seconds to the interval (0 here).
    assert!(after - before >= 5, "{}", after - before);
    assert_eq!(
        mock.paths(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "POST /token",
            "POST /token",
            "POST /token"
        ]
    );
    let requests = mock.requests();
    assert_eq!(
        requests[0].body,
        r#"{"clientName": "botocore-client-corp", "clientType": "public"}"#
    );
    assert_eq!(
        requests[1].body,
        format!(
            r#"{{"clientId": "{CLIENT_ID}", "clientSecret": "{CLIENT_SECRET}", "startUrl": "{START_URL}"}}"#
        )
    );
    assert_eq!(
        requests[2].body,
        format!(
            r#"{{"grantType": "urn:ietf:params:oauth:grant-type:device_code", "clientId": "{CLIENT_ID}", "clientSecret": "{CLIENT_SECRET}", "deviceCode": "{DEVICE_CODE}"}}"#
        )
    );
    assert_token_file(
        &home.read(&token_file("corp")).unwrap(),
        "us-east-1",
        before,
        after,
    );
    let registration = home
        .read(&registration_file("us-east-1", Some("corp")))
        .unwrap();
    assert!(
        !registration.contains("grantTypes") && !registration.contains("scopes"),
        "{registration}"
    );
    // A device registration does not suit the authorization code flow: it registers again.
    log_in_dev(&home, &mock);
    let registers = mock
        .paths()
        .iter()
        .filter(|p| *p == "POST /client/register")
        .count();
    assert_eq!(registers, 2);
}

#[test]
fn legacy_profiles_use_the_device_flow_and_a_start_url_token_file() {
    let home = with_secrets(CONFIG);
    let mock = Mock::start(&[]);
    let before = now();
    let run = home.run_with(
        &["sso", "login", "--profile", "legacy", "--no-browser"],
        &refs(&mock.vars()),
    );
    let after = now();
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        mock.paths(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token"
        ]
    );
    let register: serde_json::Value = serde_json::from_str(&mock.requests()[0].body).unwrap();
    let name = register["clientName"].as_str().unwrap();
    let stamp: i64 = name
        .strip_prefix("botocore-client-")
        .unwrap()
        .parse()
        .unwrap();
    assert!((before..=after).contains(&stamp));
    assert_token_file(
        &home.read(&token_file(START_URL)).unwrap(),
        "eu-west-1",
        before,
        after,
    );
    assert!(home.read(&registration_file("eu-west-1", None)).is_some());
}

#[test]
fn device_flow_failures() {
    for (answers, code, message) in [
        (
            &["pending", "expired"][..],
            255,
            "[ERROR]: The pending authorization to retrieve an SSO token has expired.",
        ),
        (
            &["pending", "denied"][..],
            254,
            "CreateToken at http://127.0.0.1",
        ),
    ] {
        let home = with_secrets(CONFIG);
        let mock = Mock::start(answers);
        let run = home.run_with(&DEVICE_LOGIN, &refs(&mock.vars()));
        assert_eq!(run.code, code, "{run:#?}");
        assert!(run.stderr.contains(message), "{run:#?}");
        assert!(home.read(&token_file("corp")).is_none());
        assert!(home
            .read(&registration_file("us-east-1", Some("corp")))
            .is_none());
    }
}

#[test]
fn configuration_errors() {
    let config =
        "[profile nosession]\nsso_session = gone\n\n[profile partial]\nsso_session = half\n\n\
        [sso-session half]\nsso_region = us-east-1\n\n[profile nothing]\nregion = us-east-1\n\n\
        [profile plain]\nsso_session = insecure\n\n[sso-session insecure]\n\
        sso_start_url = http://d-abc123.awsapps.com/start\nsso_region = us-east-1\n";
    let home = Home::with_config(config);
    let closed = credchain_test_support::mock_server::closed_port_url();
    let vars = [("AWS_ENDPOINT_URL_SSO_OIDC", closed.as_str())];
    for (args, code, message) in [
        (&["--profile", "nosession"][..], 253, "The specified sso-session does not exist: \"gone\""),
        (&["--profile", "partial"][..], 253, "Missing the following required SSO configuration values: sso_start_url."),
        (&["--profile", "nothing"][..], 253, "Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this profile is properly configured to use SSO, please run: aws configure sso"),
        (&["--profile", "plain"][..], 253, "The sso_start_url must use the https scheme."),
        (&["--profile", "nothing", "--sso-session", "half"][..], 253, "values: sso_start_url."),
        (&["--profile", "missing"][..], 255, "could not be found"),
    ] {
        let mut all = vec!["sso", "login", "--no-browser"];
        all.extend_from_slice(args);
        let run = home.run_with(&all, &vars);
        assert_eq!(run.code, code, "{args:?}: {run:#?}");
        assert!(run.stderr.contains(message), "{args:?}: {run:#?}");
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn logout_ends_each_session_and_deletes_only_the_aws_cli_files() {
    let home = with_secrets(CONFIG);
    let token = format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{ACCESS}", "expiresAt": "2099-01-01T00:00:00Z"}}"#
    );
    let stale = r#"{"startUrl": "x", "region": "us-east-1", "accessToken": "staleAccessToken-EXAMPLE", "expiresAt": "2020-01-01T00:00:00Z"}"#;
    let no_region =
        r#"{"accessToken": "regionlessToken-EXAMPLE", "expiresAt": "2020-01-01T00:00:00Z"}"#;
    let registration = r#"{"clientId": "c", "clientSecret": "registrationSecret-EXAMPLE", "expiresAt": "2099-01-01T00:00:00Z"}"#;
    home.write(".aws/sso/cache/aaaa.json", &token);
    home.write(".aws/sso/cache/bbbb.json", stale);
    home.write(".aws/sso/cache/cccc.json", no_region);
    home.write(".aws/sso/cache/dddd.json", registration);
    home.write(".aws/sso/cache/notes.txt", "not json, accessToken");
    home.write(".aws/cli/cache/role.json", r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "roleCacheSecret-EXAMPLE"}}"#);
    home.write(".aws/cli/cache/assumed.json", r#"{"Credentials": {"AccessKeyId": "ASIAEXAMPLE2", "SecretAccessKey": "assumeCacheSecret-EXAMPLE"}, "AssumedRoleUser": {}}"#);
    let mock = Mock::start(&[]);
    let run = home.run_with(&["sso", "logout"], &refs(&mock.vars()));
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", ""),
        "{run:#?}"
    );
    // Logout for each token with a region (the stale one answered 401, ignored).
    assert_eq!(mock.paths(), ["POST /logout", "POST /logout"]);
    let bearers: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| {
            r.header("x-amz-sso_bearer_token")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(bearers, [ACCESS, "staleAccessToken-EXAMPLE"]);
    for gone in [
        "sso/cache/aaaa.json",
        "sso/cache/bbbb.json",
        "sso/cache/cccc.json",
        "cli/cache/role.json",
    ] {
        assert!(home.read(&format!(".aws/{gone}")).is_none(), "{gone}");
    }
    for kept in [
        "sso/cache/dddd.json",
        "sso/cache/notes.txt",
        "cli/cache/assumed.json",
    ] {
        assert!(home.read(&format!(".aws/{kept}")).is_some(), "{kept}");
    }
    // Nothing left to do, and no directories at all: still success.
    assert_eq!(
        home.run_with(&["sso", "logout"], &refs(&mock.vars())).code,
        0
    );
    let empty = Home::with_config("");
    let run = empty.run(&["sso", "logout"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn logout_stops_when_the_portal_cannot_be_reached() {
    let home = with_secrets(CONFIG);
    let token = format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{ACCESS}", "expiresAt": "2099-01-01T00:00:00Z"}}"#
    );
    home.write(".aws/sso/cache/aaaa.json", &token);
    let closed = credchain_test_support::mock_server::closed_port_url();
    let run = home.run_with(
        &["sso", "logout"],
        &[
            ("AWS_ENDPOINT_URL_SSO", closed.as_str()),
            ("AWS_MAX_ATTEMPTS", "1"),
        ],
    );
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(run.stderr.contains("Logout"), "{run:#?}");
    assert_eq!(home.read(".aws/sso/cache/aaaa.json").unwrap(), token);
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_and_leaves_every_file_as_it_was() {
    let home = with_secrets(CONFIG);
    let old_token = token_json("oldAccessToken-EXAMPLE", 1_577_836_800);
    home.write(&token_file("corp"), &old_token);
    let before = home_files(&home);
    let mock = Mock::start(&[]);
    let login = start_dev_login(&home, &mock);
    login.line_starting("http://127.0.0.1");
    // RegisterClient has answered: the registration is held, not yet written.
    assert_eq!(mock.paths(), ["POST /client/register"]);
    // The shell's own `kill`, so no procps is needed.
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {}", login.child.id())])
        .status()
        .unwrap();
    assert!(status.success());
    let run = login.finish(&home);
    assert_eq!(run.code, 130, "{run:#?}");
    assert_eq!(home_files(&home), before);
}

/// botocore resolves role credentials from the token file `credchain sso login` wrote,
/// against the same portal mock. Ignored by default: it needs botocore (run it with
/// `-- --ignored` after tests/difftest/run has made its venv, or with
/// CREDCHAIN_BOTOCORE_PYTHON); when run, a missing botocore is a failure.
#[test]
#[ignore = "needs botocore: the difftest venv or CREDCHAIN_BOTOCORE_PYTHON"]
fn botocore_resolves_role_credentials_from_the_token_file_credchain_wrote() {
    let python = python_of("CREDCHAIN_BOTOCORE_PYTHON", "difftest-venv")
        .expect("no Python with botocore: set CREDCHAIN_BOTOCORE_PYTHON");
    let home = with_secrets(CONFIG);
    let mock = Mock::start(&[]);
    log_in_dev(&home, &mock);
    let script = "import botocore.session\n\
        c = botocore.session.Session(profile='dev').get_credentials().get_frozen_credentials()\n\
        print(c.access_key, c.secret_key == 'qROLESECRETqq4', c.token == 'qROLESESSIONqq5')\n";
    let stdout = run_python(
        &python,
        script,
        &home,
        &[("AWS_ENDPOINT_URL_SSO", &mock.url)],
    );
    assert_eq!(stdout, "ASIAEXAMPLEROLE01 True True\n");
    let federation = mock.requests().last().cloned().unwrap();
    assert_eq!(federation.header("x-amz-sso_bearer_token"), Some(ACCESS));
}

#[test]
fn a_vanity_start_url_that_cannot_be_resolved_is_a_configuration_error() {
    let closed = credchain_test_support::mock_server::closed_port_url();
    let port = closed.rsplit(':').next().unwrap().trim_end_matches('/');
    let config = format!(
        "[profile v]\nsso_session = vanity\n\n[sso-session vanity]\n\
         sso_start_url = https://127.0.0.1:{port}/start\nsso_region = us-east-1\n"
    );
    let home = Home::with_config(&config);
    let run = home.run_with(
        &["sso", "login", "--profile", "v", "--no-browser"],
        &[("AWS_ENDPOINT_URL_SSO_OIDC", closed.as_str())],
    );
    assert_eq!((run.code, run.stdout.as_str()), (253, ""), "{run:#?}");
    assert!(
        run.stderr
            .starts_with("credchain: [ERROR]: Failed to resolve start URL: "),
        "{run:#?}"
    );
    assert!(home.read(".aws/sso/cache").is_none());
}

#[test]
fn the_callback_listens_on_127_0_0_1_only() {
    let (home, _mock, login, url) = dev_login();
    let redirect = param(&query(&url), "redirect_uri").unwrap();
    let port: u16 = redirect
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/oauth/callback")
        .parse()
        .unwrap();
    // Another address of the loopback range: a listener on every interface would accept it.
    let other = std::net::SocketAddr::from(([127, 0, 0, 2], port));
    assert!(TcpStream::connect_timeout(&other, Duration::from_secs(2)).is_err());
    let (status, page) = browse(&url);
    assert!(status.contains(" 200 "), "{status}");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(login.finish(&home).code, 0);
}

#[test]
fn device_flow_with_the_browser_opens_the_complete_url() {
    let home = with_secrets(CONFIG);
    let mock = Mock::start(&["pending"]);
    let (opened, browser) = browser_script(&home);
    let mut vars = mock.vars();
    vars.push(("BROWSER", browser));
    let run = home.run_with(
        &["sso", "login", "--profile", "dev", "--use-device-code"],
        &refs(&vars),
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stdout,
        format!(
            "Attempting to open your default browser.\nIf the browser does not open or you wish to use a \
             different device to authorize this request, open the following URL:\n\n\
             https://device.sso.us-east-1.amazonaws.com/\n\nThen enter the code:\n\nABCD-EFGH\n\
             Successfully logged into Start URL: {START_URL}\n"
        )
    );
    assert_eq!(
        opened_url(&opened),
        "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"
    );
}

/// The real machine with its own environment and a vanity start URL's answer: the HEAD probe
/// is the one request the loopback mocks cannot serve (it must be https).
struct VanityMachine {
    env: credchain_core::host::StdEnv,
    http: credchain_core::host::UreqHttp,
    real: credchain_cli::StdMachine,
    probes: RefCellVec,
}

type RefCellVec = std::cell::RefCell<Vec<(String, String)>>;

/// The real machine's host, but for its own HTTP.
impl credchain_core::chain::execute::Host for VanityMachine {
    type Fs = credchain_core::host::StdFs;
    type Http = credchain_core::host::UreqHttp;
    type Command = credchain_core::host::StdCommand;
    type Prompt = credchain_core::host::TerminalPrompt;
    type Clock = credchain_core::host::SystemClock;
    fn fs(&self) -> &Self::Fs {
        self.real.fs()
    }
    fn http(&self) -> &Self::Http {
        &self.http
    }
    fn command(&self) -> &Self::Command {
        self.real.command()
    }
    fn prompt(&self) -> &Self::Prompt {
        self.real.prompt()
    }
    fn clock(&self) -> &Self::Clock {
        self.real.clock()
    }
    fn platform(&self) -> credchain_core::config::locate::Platform {
        self.real.platform()
    }
}

impl credchain_cli::Machine for VanityMachine {
    type Env = credchain_core::host::StdEnv;
    type SharedFile = credchain_core::host::FileBytes;
    type SharedFiles = credchain_core::host::ConfigFileFs;

    fn env(&self) -> &Self::Env {
        &self.env
    }
    fn shared_files(&self) -> &Self::SharedFiles {
        &credchain_core::host::ConfigFileFs
    }
    fn shared_file_size(&self, _: &str) -> u64 {
        0
    }
    fn set_for_children(&self, _: &str, _: &str) {}
    fn launch(&self, _: &credchain_cli::Launch<'_>) -> std::io::Result<u8> {
        Err(std::io::ErrorKind::Unsupported.into())
    }
    fn stdout_is_terminal(&self) -> bool {
        false
    }
    fn colours(&self, _: credchain_cli::Stream) -> bool {
        false
    }
    fn read_line(&self) -> std::io::Result<Option<String>> {
        Ok(None)
    }
    fn shared_file_mode(&self, path: &str) -> Option<u32> {
        self.real.shared_file_mode(path)
    }
    fn fill_random(&self, buf: &mut [u8]) -> std::io::Result<()> {
        self.real.fill_random(buf)
    }
    fn probe_url(
        &self,
        probe: &credchain_cli::UrlProbe<'_>,
    ) -> std::io::Result<(u16, Option<String>)> {
        self.probes
            .borrow_mut()
            .push((probe.method.to_owned(), probe.url.to_owned()));
        // HEAD is refused, the GET redirects once (the target is not fetched).
        Ok(match probe.method {
            "HEAD" => (405, None),
            _ => (
                302,
                Some("https://ssoins-1234.portal.eu-west-1.app.aws/start/".to_owned()),
            ),
        })
    }
}

#[test]
fn a_vanity_start_url_resolves_to_its_region_which_is_written_back() {
    let config = "[profile v]\nsso_session = vanity\n\n[sso-session vanity]\n\
        sso_start_url = https://sso.example.com/start\nsso_region = us-east-1\n";
    let home = with_secrets(config);
    let mock = Mock::start(&[]);
    let mut vars: Vec<(String, String)> = mock
        .vars()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    vars.push(("HOME".into(), home.path().to_str().unwrap().into()));
    let machine = VanityMachine {
        env: credchain_core::host::StdEnv::from_parts(vars, Vec::new()),
        http: credchain_core::host::UreqHttp::new(),
        real: credchain_cli::StdMachine::new(),
        probes: RefCellVec::default(),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = [
        "credchain",
        "sso",
        "login",
        "--profile",
        "v",
        "--use-device-code",
        "--no-browser",
    ];
    let status = credchain_cli::run(
        args.iter().map(std::ffi::OsString::from),
        &machine,
        &mut out,
        &mut err,
    );
    let run = Run {
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
        code: i32::from(status),
    };
    home.assert_no_secret(&run);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert_eq!(
        *machine.probes.borrow(),
        [
            (
                "HEAD".to_owned(),
                "https://sso.example.com/start".to_owned()
            ),
            ("GET".to_owned(), "https://sso.example.com/start".to_owned())
        ]
    );
    assert!(
        run.stdout.ends_with(
            "SSO region updated to eu-west-1\nSuccessfully logged into Start URL: https://sso.example.com/start\n"
        ),
        "{run:#?}"
    );
    // The resolved URL goes to StartDeviceAuthorization; the configured one names the files.
    let device: serde_json::Value = serde_json::from_str(&mock.requests()[1].body).unwrap();
    assert_eq!(
        device["startUrl"],
        "https://ssoins-1234.portal.eu-west-1.app.aws/start"
    );
    let token: serde_json::Value =
        serde_json::from_str(&home.read(&token_file("vanity")).unwrap()).unwrap();
    assert_eq!(
        (token["startUrl"].as_str(), token["region"].as_str()),
        (Some("https://sso.example.com/start"), Some("eu-west-1"))
    );
    let key = registration_cache_key(
        "https://sso.example.com/start",
        "eu-west-1",
        None,
        Some("vanity"),
    );
    assert!(home.read(&format!(".aws/sso/cache/{key}.json")).is_some());
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "[profile v]\nsso_session = vanity\n\n[sso-session vanity]\n\
         sso_start_url = https://sso.example.com/start\nsso_region = eu-west-1\n"
    );
}
