//! IAM Identity Center through the real hosts (the ureq HTTP client, the std file system)
//! against a mock portal and SSO-OIDC on 127.0.0.1 that each test starts: the token cache in a
//! temporary HOME, the refresh written back (mode 0600, the AWS CLI's JSON), no refresh when the
//! token is fresh, the login advice for expired tokens, and every kind of bad answer: each a
//! clear error naming the provider, the operation and the endpoint, with nothing written to
//! any cache. Each mock serves a fixed list of connections and stops by itself (accepting for at
//! most a few seconds, every read with a timeout); requests reach it through
//! AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC.
#![cfg(feature = "ureq")]

mod common;

use std::time::{Duration, Instant};

use common::memory::{unix_io, FixedClock};
use credchain_core::caches::sso_token::token_cache_key;
use credchain_core::chain::execute::execute;
use credchain_core::chain::plan::plan;
use credchain_core::chain::token::resolve_token;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::credentials::{parse_time, Credentials};
use credchain_core::host::{StdCommand, StdFs, UreqHttp};
use credchain_core::io::block_on;
use credchain_core::Dialect;
use credchain_test_support::mock_server::{Reply, Sequence};
use credchain_test_support::temp_home::TempHome;

/// How long a mock waits for each connection before it stops.
const ACCEPT_FOR: Duration = Duration::from_secs(5);

/// 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;
const OLD_ACCESS: &str = "cachedAccessToken-EXAMPLE-0001";
const OLD_REFRESH: &str = "cachedRefreshToken-EXAMPLE-0001";
const CLIENT_SECRET: &str = "clientSecret-EXAMPLE-0001";
const NEW_ACCESS: &str = "refreshedAccessToken-EXAMPLE-0002";
const NEW_REFRESH: &str = "refreshedRefreshToken-EXAMPLE-0002";
const ROLE_SECRET: &str = "roleSecretKey/EXAMPLE+0001";
const ROLE_TOKEN: &str = "roleSessionToken/EXAMPLE+0001==";

const SESSION_CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
    sso_role_name = Read+Only\n\n[sso-session corp]\nsso_start_url = https://d-abc123.awsapps.com/start\n\
    sso_region = us-east-1\n";
const LEGACY_CONFIG: &str = "[profile dev]\nsso_start_url = https://d-abc123.awsapps.com/start\n\
    sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n";

/// Serves `replies`, one a connection, in order; a connection that does not come within
/// [`ACCEPT_FOR`] ends the mock.
fn mock(replies: Vec<Reply>) -> (String, Sequence) {
    let server = Sequence::start_within(replies, ACCEPT_FOR);
    (server.url().to_owned(), server)
}

fn http(status: &str, content_type: Option<&str>, body: &str) -> Reply {
    Reply::response(status, content_type, body)
}

fn role_json(expiration_ms: i64) -> String {
    format!(
        r#"{{"roleCredentials":{{"accessKeyId":"ASIASSOEXAMPLE","secretAccessKey":"{ROLE_SECRET}","sessionToken":"{ROLE_TOKEN}","expiration":{expiration_ms}}}}}"#
    )
}

fn portal_ok() -> Reply {
    // 2099-01-02T03:04:05.678Z
    http(
        "200 OK",
        Some("application/json"),
        &role_json(4_071_006_245_678),
    )
}

fn session_token(expires_at: &str) -> String {
    format!(
        r#"{{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "{OLD_ACCESS}", "expiresAt": "{expires_at}", "clientId": "clientId-EXAMPLE", "clientSecret": "{CLIENT_SECRET}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "{OLD_REFRESH}", "scopes": ["sso:account:access"]}}"#
    )
}

/// A temporary HOME holding one token file.
struct Home {
    dir: TempHome,
    token_file: String,
}

impl Home {
    fn new(cache_name: &str, token: Option<&str>) -> Home {
        let dir = TempHome::new();
        std::fs::create_dir_all(dir.path().join(".aws/sso/cache")).unwrap();
        let relative = format!(".aws/sso/cache/{}.json", token_cache_key(cache_name));
        if let Some(token) = token {
            dir.write(&relative, token);
        }
        let token_file = dir.file(&relative);
        Home { dir, token_file }
    }

    fn token_text(&self) -> String {
        std::fs::read_to_string(&self.token_file).unwrap()
    }

    /// Every file under the home, with its contents.
    fn files(&self) -> Vec<(std::path::PathBuf, Vec<u8>)> {
        self.dir.files()
    }
}

/// Profile `profile` of `config` resolved in `env` through the real hosts (ureq, the std file
/// system, processes) at NOW; `check_error` sees a failed resolution's text and debug form
/// before its text is returned.
fn resolve(
    config: &str,
    env: &[(&str, &str)],
    profile: &str,
    check_error: impl FnOnce(&str, &str),
) -> Result<Credentials, String> {
    let files = ConfigFiles::from_texts(
        ("/config", Some(config.as_bytes())),
        ("/credentials", None),
        Dialect::AwsCli,
    )
    .unwrap();
    let options = Options::default().with(Setting::Profile, profile);
    let eval = Evaluator::new(&files, env, &options).unwrap();
    let plan = plan(&eval).map_err(|e| e.to_string())?;
    let http = UreqHttp::new();
    let clock = FixedClock(NOW);
    let io = unix_io(&StdFs, &http, &StdCommand, &clock);
    block_on(execute(&eval, &plan, &io)).map_err(|e| {
        let text = e.to_string();
        check_error(&text, &format!("{e:?}"));
        text
    })
}

/// The credentials of profile dev (or the error's text), through the real hosts, with both
/// SSO endpoints at `url`. No error shows a token or the client secret.
fn credentials(home: &Home, config: &str, url: &str) -> Result<serde_json::Value, String> {
    let env: &[(&str, &str)] = &[
        ("HOME", home.dir.path_str()),
        ("AWS_ENDPOINT_URL_SSO", url),
        ("AWS_ENDPOINT_URL_SSO_OIDC", url),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        // The mock answers one request per exchange; retries are tested with in-memory hosts.
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let c = resolve(config, env, "dev", |text, debug| {
        for secret in [
            OLD_ACCESS,
            OLD_REFRESH,
            CLIENT_SECRET,
            NEW_ACCESS,
            NEW_REFRESH,
        ] {
            assert!(
                !text.contains(secret) && !debug.contains(secret),
                "{text} {debug}"
            );
        }
    })?;
    Ok(serde_json::json!({
        "access_key_id": c.access_key_id(),
        "secret_access_key": c.secret_access_key(),
        "session_token": c.session_token(),
        "account_id": c.account_id(),
        "expiration": c.expiration(),
    }))
}

fn iso(t: &str) -> i64 {
    parse_time(t).unwrap()
}

#[test]
fn a_near_expiry_token_is_refreshed_and_written_back_as_the_aws_cli_writes_it() {
    // Five minutes left: inside botocore's 15-minute window.
    let home = Home::new("corp", Some(&session_token("2023-11-14T22:18:20Z")));
    let create_token = format!(
        r#"{{"accessToken":"{NEW_ACCESS}","tokenType":"Bearer","expiresIn":28800,"refreshToken":"{NEW_REFRESH}"}}"#
    );
    let (url, mock) = mock(vec![
        http("200 OK", Some("application/json"), &create_token),
        portal_ok(),
    ]);
    let got = credentials(&home, SESSION_CONFIG, &url).unwrap();
    let requests = mock.join();
    assert_eq!(requests.len(), 2);
    let refresh = &requests[0];
    assert_eq!(
        (refresh.method.as_str(), refresh.path.as_str()),
        ("POST", "/token")
    );
    assert_eq!(refresh.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&refresh.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "grantType": "refresh_token",
            "clientId": "clientId-EXAMPLE",
            "clientSecret": CLIENT_SECRET,
            "refreshToken": OLD_REFRESH,
        })
    );
    let portal = &requests[1];
    assert_eq!(
        (portal.method.as_str(), portal.path.as_str()),
        (
            "GET",
            "/federation/credentials?role_name=Read%2BOnly&account_id=123456789012"
        )
    );
    assert_eq!(portal.header("x-amz-sso_bearer_token"), Some(NEW_ACCESS));
    assert_eq!(
        got,
        serde_json::json!({
            "access_key_id": "ASIASSOEXAMPLE",
            "secret_access_key": ROLE_SECRET,
            "session_token": ROLE_TOKEN,
            "account_id": "123456789012",
            // Milliseconds, the fraction dropped as botocore drops it.
            "expiration": iso("2099-01-02T03:04:05Z"),
        })
    );
    // The file botocore writes: its fields in its order, expiresAt = now + expiresIn in
    // %Y-%m-%dT%H:%M:%SZ, the registration kept, unknown fields (scopes) dropped.
    assert_eq!(
        home.token_text(),
        format!(
            r#"{{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "{NEW_ACCESS}", "expiresAt": "2023-11-15T06:13:20Z", "clientId": "clientId-EXAMPLE", "clientSecret": "{CLIENT_SECRET}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "{NEW_REFRESH}"}}"#
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&home.token_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No temporary file is left beside it, and nothing else was cached.
    assert_eq!(home.files().len(), 1, "{:?}", home.files());
}

#[test]
fn the_token_provider_refreshes_the_same_way() {
    let home = Home::new("corp", Some(&session_token("2023-11-14T22:18:20Z")));
    let create_token = format!(r#"{{"accessToken":"{NEW_ACCESS}","expiresIn":3600}}"#);
    let (url, mock) = mock(vec![http("200 OK", None, &create_token)]);
    let files = ConfigFiles::from_texts(
        ("/config", Some(SESSION_CONFIG.as_bytes())),
        ("/credentials", None),
        Dialect::AwsCli,
    )
    .unwrap();
    let env: &[(&str, &str)] = &[
        ("HOME", home.dir.path_str()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", &url),
    ];
    let options = Options::default().with(Setting::Profile, "dev");
    let eval = Evaluator::new(&files, env, &options).unwrap();
    let token = block_on(resolve_token(
        &eval,
        &StdFs,
        &UreqHttp::new(),
        &FixedClock(NOW),
        credchain_core::config::locate::Platform::Unix,
    ))
    .unwrap();
    assert_eq!(token.access_token(), NEW_ACCESS);
    assert_eq!(token.expires_at(), NOW + 3600);
    assert_eq!(mock.join().len(), 1);
    // The answer had no refreshToken: botocore then writes none.
    let text = home.token_text();
    assert!(!text.contains("refreshToken"), "{text}");
    assert!(
        text.contains(r#""expiresAt": "2023-11-14T23:13:20Z""#),
        "{text}"
    );
}

#[test]
fn a_fresh_token_is_used_as_it_is() {
    let cached = session_token("2023-11-15T00:13:20Z");
    let home = Home::new("corp", Some(&cached));
    let (url, mock) = mock(vec![portal_ok()]);
    credentials(&home, SESSION_CONFIG, &url).unwrap();
    // Only GetRoleCredentials.
    assert_portal_used_the_cached_token(&home, mock, 1, &cached);
}

/// Asserts that `mock` got `count` requests, the last (GetRoleCredentials) sent with the cached
/// access token, and that the token file still holds `cached`.
#[track_caller]
fn assert_portal_used_the_cached_token(home: &Home, mock: Sequence, count: usize, cached: &str) {
    let requests = mock.join();
    assert_eq!(requests.len(), count, "{requests:?}");
    assert_eq!(
        requests[count - 1].header("x-amz-sso_bearer_token"),
        Some(OLD_ACCESS)
    );
    assert_eq!(home.token_text(), cached);
}

#[test]
fn a_legacy_token_is_never_refreshed() {
    let cached = format!(
        r#"{{"startUrl": "https://d-abc123.awsapps.com/start", "accessToken": "{OLD_ACCESS}", "expiresAt": "2023-11-14T22:18:20Z", "clientId": "c", "clientSecret": "{CLIENT_SECRET}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "{OLD_REFRESH}"}}"#
    );
    let home = Home::new("https://d-abc123.awsapps.com/start", Some(&cached));
    let (url, mock) = mock(vec![portal_ok()]);
    credentials(&home, LEGACY_CONFIG, &url).unwrap();
    let requests = mock.join();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].path.split('?').next(),
        Some("/federation/credentials")
    );
    assert_eq!(home.token_text(), cached);
}

#[test]
fn an_expired_legacy_token_asks_for_a_login_without_a_call() {
    let cached = format!(
        r#"{{"startUrl": "https://d-abc123.awsapps.com/start", "accessToken": "{OLD_ACCESS}", "expiresAt": "2023-11-14T22:00:00Z"}}"#
    );
    let home = Home::new("https://d-abc123.awsapps.com/start", Some(&cached));
    let (url, mock) = mock(vec![]);
    let e = credentials(&home, LEGACY_CONFIG, &url).unwrap_err();
    assert!(e.contains("IAM Identity Center"), "{e}");
    assert!(e.contains(home.token_file.as_str()), "{e}");
    assert!(e.contains("expired at 2023-11-14T22:00:00Z"), "{e}");
    assert!(e.contains("never refreshed"), "{e}");
    assert!(e.ends_with("run `aws sso login --profile dev`"), "{e}");
    assert!(mock.join().is_empty());
    assert_eq!(home.token_text(), cached);
}

#[test]
fn a_missing_token_file_names_the_file_and_the_login() {
    let home = Home::new("corp", None);
    let e = credentials(&home, SESSION_CONFIG, "http://127.0.0.1:9").unwrap_err();
    assert_eq!(
        e,
        format!(
            "IAM Identity Center (SSO): profile dev: no cached token for sso-session corp at {}; \
             run `aws sso login --profile dev`",
            home.token_file
        )
    );
    assert!(home.files().is_empty());
}

#[test]
fn a_refresh_the_service_refuses_keeps_a_token_that_is_still_valid() {
    let cached = session_token("2023-11-14T22:18:20Z");
    let home = Home::new("corp", Some(&cached));
    let (url, mock) = mock(vec![
        http(
            "400 Bad Request",
            Some("application/json"),
            r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#,
        ),
        portal_ok(),
    ]);
    credentials(&home, SESSION_CONFIG, &url).unwrap();
    assert_portal_used_the_cached_token(&home, mock, 2, &cached);
}

#[test]
fn an_expired_token_whose_refresh_fails_asks_for_a_login() {
    let cached = session_token("2023-11-14T22:00:00Z");
    for (status, body) in [
        (
            "400 Bad Request",
            r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#,
        ),
        ("500 Internal Server Error", ""),
    ] {
        let home = Home::new("corp", Some(&cached));
        let (url, mock) = mock(vec![http(status, Some("application/json"), body)]);
        let e = credentials(&home, SESSION_CONFIG, &url).unwrap_err();
        assert_eq!(mock.join().len(), 1, "no GetRoleCredentials");
        assert!(e.contains(home.token_file.as_str()), "{e}");
        assert!(
            e.contains("expired at 2023-11-14T22:00:00Z and the refresh failed"),
            "{e}"
        );
        assert!(
            e.contains(&format!(
                "CreateToken (refreshing the token) at {url}/token"
            )),
            "{e}"
        );
        assert!(e.contains(&status[..3]), "{e}");
        assert!(e.ends_with("run `aws sso login --profile dev`"), "{e}");
        assert_eq!(home.token_text(), cached);
        assert_eq!(home.files().len(), 1);
    }
}

/// A response whose body is cut short of its Content-Length.
fn truncated(body: &str) -> Reply {
    let raw = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{}",
        body.len(),
        &body[..body.len() / 2]
    );
    Reply::bytes(raw)
}

fn huge() -> Reply {
    let body = format!(
        r#"{{"roleCredentials":{{"padding":"{}"}}}}"#,
        "x".repeat(200_000)
    );
    http("200 OK", Some("application/json"), &body)
}

#[test]
fn bad_answers_from_the_portal() {
    let cached = session_token("2023-11-15T00:13:20Z");
    let cases: Vec<(Reply, &str)> = vec![
        (
            truncated(&role_json(4_071_006_245_000)),
            "failed mid-exchange",
        ),
        (
            http(
                "200 OK",
                Some("text/html"),
                "<html>Sign in to the Wi-Fi</html>",
            ),
            "with content type text/html, not JSON",
        ),
        (
            http("200 OK", Some("application/json"), "not json at all"),
            "with a body that is not JSON with roleCredentials",
        ),
        (
            http(
                "200 OK",
                Some("application/json"),
                r#"{"roleCredentials":{"accessKeyId":"A"}}"#,
            ),
            "with a body that is not JSON with roleCredentials",
        ),
        (huge(), "answered with a body over 65536 bytes"),
        (
            http("200 OK", Some("application/json"), ""),
            "with an empty body",
        ),
        (
            http(
                "401 Unauthorized",
                Some("application/json"),
                r#"{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}"#,
            ),
            "answered HTTP 401 com.amazonaws.switchboard.portal#UnauthorizedException: Session \
             token not found or invalid; the IAM Identity Center session of profile dev has \
             expired or is otherwise invalid; run `aws sso login --profile dev`",
        ),
        (http("403 Forbidden", None, ""), "answered HTTP 403"),
        (
            http(
                "429 Too Many Requests",
                Some("application/json"),
                r#"{"message":"Rate exceeded","__type":"TooManyRequestsException"}"#,
            ),
            "answered HTTP 429 TooManyRequestsException: Rate exceeded",
        ),
        (
            http("500 Internal Server Error", None, ""),
            "answered HTTP 500",
        ),
        (
            http(
                "503 Service Unavailable",
                Some("text/html"),
                "<html>down</html>",
            ),
            "answered HTTP 503",
        ),
    ];
    for (response, expected) in cases {
        let home = Home::new("corp", Some(&cached));
        let (url, mock) = mock(vec![response]);
        let e = credentials(&home, SESSION_CONFIG, &url).unwrap_err();
        assert_eq!(mock.join().len(), 1);
        assert!(
            e.starts_with(&format!(
                "IAM Identity Center (SSO): GetRoleCredentials at {url}/federation/credentials "
            )),
            "{e}"
        );
        assert!(e.contains(expected), "expected {expected:?} in {e}");
        assert!(!e.contains(ROLE_SECRET) && !e.contains("role_name"), "{e}");
        // Nothing written: the token file alone, as it was.
        assert_eq!(home.token_text(), cached);
        assert_eq!(home.files().len(), 1, "{:?}", home.files());
    }
}

#[test]
fn bad_answers_from_sso_oidc_fail_the_refresh_and_write_nothing() {
    // Still valid for five minutes: botocore keeps the cached token only when the service
    // answers with an error; anything else fails the provider.
    let cached = session_token("2023-11-14T22:18:20Z");
    let good = format!(r#"{{"accessToken":"{NEW_ACCESS}","expiresIn":28800}}"#);
    let cases: Vec<(Reply, &str)> = vec![
        (truncated(&good), "failed mid-exchange"),
        (
            http("200 OK", Some("text/html"), "<html>proxy</html>"),
            "with content type text/html, not JSON",
        ),
        (
            http("200 OK", Some("application/json"), "{\"accessToken\": 5}"),
            "with a body that is not JSON with accessToken",
        ),
        (
            http("200 OK", Some("application/json"), r#"{"accessToken":"x"}"#),
            "with a body that is not JSON with accessToken",
        ),
        (huge(), "answered with a body over 65536 bytes"),
        (http("200 OK", None, ""), "with an empty body"),
    ];
    for (response, expected) in cases {
        let home = Home::new("corp", Some(&cached));
        let (url, mock) = mock(vec![response]);
        let e = credentials(&home, SESSION_CONFIG, &url).unwrap_err();
        assert_eq!(mock.join().len(), 1, "no GetRoleCredentials after it");
        assert!(
            e.starts_with(&format!(
                "IAM Identity Center (SSO): CreateToken (refreshing the token) at {url}/token "
            )),
            "{e}"
        );
        assert!(e.contains(expected), "expected {expected:?} in {e}");
        assert_eq!(home.token_text(), cached);
        assert_eq!(home.files().len(), 1, "{:?}", home.files());
    }
}

#[test]
fn a_slow_portal_times_out() {
    let cached = session_token("2023-11-15T00:13:20Z");
    let home = Home::new("corp", Some(&cached));
    let (url, mock) = mock(vec![portal_ok().after(Duration::from_secs(11))]);
    let started = Instant::now();
    let e = credentials(&home, SESSION_CONFIG, &url).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(11),
        "{:?}",
        started.elapsed()
    );
    assert!(
        e.starts_with(&format!(
            "IAM Identity Center (SSO): GetRoleCredentials at {url}/federation/credentials did \
             not answer within 10000 ms"
        )),
        "{e}"
    );
    mock.join();
    assert_eq!(home.token_text(), cached);
}

#[test]
fn sso_credentials_sign_the_assume_role_call_of_a_role_chain() {
    let config = format!(
        "{SESSION_CONFIG}\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/demo\n\
         source_profile = dev\nrole_session_name = s\nregion = us-east-1\n"
    );
    let home = Home::new("corp", Some(&session_token("2023-11-15T00:13:20Z")));
    let assumed = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
        <AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\
        <Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn></AssumedRoleUser>\
        <Credentials><AccessKeyId>ASIAROLEEXAMPLE</AccessKeyId>\
        <SecretAccessKey>roleSecret/EXAMPLE</SecretAccessKey>\
        <SessionToken>roleToken/EXAMPLE</SessionToken>\
        <Expiration>2099-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleResult>\
        </AssumeRoleResponse>";
    let (url, mock) = mock(vec![portal_ok(), http("200 OK", Some("text/xml"), assumed)]);
    let env: &[(&str, &str)] = &[
        ("HOME", home.dir.path_str()),
        ("AWS_ENDPOINT_URL_SSO", &url),
        ("AWS_ENDPOINT_URL_STS", &url),
    ];
    let c = resolve(&config, env, "role", |_, _| {}).unwrap();
    assert_eq!(c.access_key_id(), "ASIAROLEEXAMPLE");
    let requests = mock.join();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].path.starts_with("/federation/credentials?"));
    // The role is assumed with the SSO role's credentials.
    let sts = &requests[1];
    assert_eq!(sts.method, "POST");
    assert!(
        sts.header("authorization")
            .is_some_and(|a| a.contains("Credential=ASIASSOEXAMPLE/")),
        "{sts:?}"
    );
    assert_eq!(sts.header("x-amz-security-token"), Some(ROLE_TOKEN));
    // The assumed role is cached as the AWS CLI caches it; the SSO token file is unchanged.
    assert_eq!(home.files().len(), 2, "{:?}", home.files());
}
