//! IAM Identity Center through the binary: `export-token` on the recorded token cases and
//! against a loopback SSO-OIDC (refresh written back), `export-credentials` against a loopback
//! portal, and `explain` of an SSO profile. Every run is checked for leaked secrets; only
//! `export-token`'s stdout may show the bearer token it prints.

mod common;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{checked_expiry, conformance_dir, Home, MockServer};
use credchain_core::caches::sso_token::{token_cache_key, write_utc_z};

const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
    sso_role_name = ReadOnly\n\n[profile plain]\nregion = us-east-1\n\n\
    [sso-session corp]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n";
const ACCESS: &str = "cachedAccessToken-EXAMPLE-0001";
const NEW_ACCESS: &str = "refreshedAccessToken-EXAMPLE-0002";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn utc(t: i64) -> String {
    let mut s = String::new();
    write_utc_z(&mut s, t).unwrap();
    s
}

fn token_file() -> String {
    format!(".aws/sso/cache/{}.json", token_cache_key("corp"))
}

fn cached(expires_at: i64) -> String {
    format!(
        r#"{{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "{ACCESS}", "expiresAt": "{}", "clientId": "clientId-EXAMPLE", "clientSecret": "clientSecret-EXAMPLE-0001", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "refreshToken-EXAMPLE-0001"}}"#,
        utc(expires_at)
    )
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_recorded_token_cases() {
    let root = conformance_dir()
        .join("cases")
        .join("default-token-provider-chain");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 2);
    for dir in dirs {
        let home = Home::empty();
        copy_tree(&dir.join("fs/home"), home.path());
        let env: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("env.json")).unwrap()).unwrap();
        let vars: Vec<(&str, &str)> = env
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "HOME")
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap())
                .unwrap();
        let ok = &expected["result"]["Ok"];
        let run = home.run_export_token(&[], &vars);
        run.assert_ok(&format!(
            "{{\"accessToken\": \"{}\", \"expiresAt\": \"{}\"}}\n",
            ok["token"].as_str().unwrap(),
            ok["expiration"].as_str().unwrap()
        ));
    }
}

#[test]
fn export_token_refreshes_a_near_expiry_token_and_writes_it_back() {
    let home = Home::with_config(CONFIG);
    home.write(&token_file(), &cached(now() + 300));
    home.secret(NEW_ACCESS);
    home.secret("refreshedRefresh-EXAMPLE-0002");
    let server = MockServer::start(
        200,
        &format!(
            r#"{{"accessToken":"{NEW_ACCESS}","tokenType":"Bearer","expiresIn":28800,"refreshToken":"refreshedRefresh-EXAMPLE-0002"}}"#
        ),
    );
    let before = now();
    let run = home.run_export_token(
        &["--profile", "dev"],
        &[("AWS_ENDPOINT_URL_SSO_OIDC", &server.url())],
    );
    let after = now();
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed["accessToken"], NEW_ACCESS);
    let expires = checked_expiry(
        &printed["expiresAt"],
        28800,
        (before, after),
        &format!("{run:#?}"),
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].starts_with("POST /token HTTP/1.1\r\n"),
        "{requests:?}"
    );
    let written = home.read(&token_file()).unwrap();
    assert!(
        written.contains(&format!(
            r#""accessToken": "{NEW_ACCESS}", "expiresAt": "{}""#,
            utc(expires)
        )),
        "{written}"
    );
    assert!(written.ends_with(r#""refreshToken": "refreshedRefresh-EXAMPLE-0002"}"#));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.path().join(token_file()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn export_token_errors_and_their_exit_statuses() {
    let home = Home::with_config(CONFIG);
    // A profile that does not exist.
    let run = home.run_export_token(&["--profile", "nope"], &[]);
    run.assert_error(253, "credchain: [ERROR]: Unable to retrieve a token: ");
    assert!(run.stderr.contains("nope"), "{run:#?}");
    // No sso_session: no token.
    let run = home.run_export_token(&["--profile", "plain"], &[]);
    run.assert_error(
        253,
        "credchain: [ERROR]: Unable to retrieve a token: IAM Identity Center (SSO): profile plain \
         has no sso_session",
    );
    // No token file: log in.
    let run = home.run_export_token(&["--profile", "dev"], &[]);
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(
        run.stderr.contains(&format!(
            "no cached token for sso-session corp at {}; run `aws sso login --profile dev`",
            home.file(&token_file())
        )),
        "{run:#?}"
    );
    // Expired, and SSO-OIDC refuses the refresh: log in (253), the file untouched.
    let expired = cached(now() - 60);
    home.write(&token_file(), &expired);
    let server = MockServer::sequence(&[(
        400,
        r#"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#.to_string(),
    )]);
    let run = home.run_export_token(
        &["--profile", "dev"],
        &[("AWS_ENDPOINT_URL_SSO_OIDC", &server.url())],
    );
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains("and the refresh failed"), "{run:#?}");
    assert!(
        run.stderr.contains("answered HTTP 400 invalid_grant"),
        "{run:#?}"
    );
    assert!(run
        .stderr
        .trim_end()
        .ends_with("run `aws sso login --profile dev`"));
    assert_eq!(home.read(&token_file()).unwrap(), expired);
    // Near expiry and SSO-OIDC unreachable: a failed call (254), as botocore fails it.
    home.write(&token_file(), &cached(now() + 300));
    let run = home.run_export_token(
        &["--profile", "dev"],
        &[("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9")],
    );
    assert_eq!(run.code, 254, "{run:#?}");
    assert!(
        run.stderr.contains(
            "IAM Identity Center (SSO): CreateToken (refreshing the token) at \
             http://127.0.0.1:9/token could not be reached"
        ),
        "{run:#?}"
    );
}

#[test]
fn export_credentials_of_an_sso_profile() {
    let home = Home::with_config(CONFIG);
    home.write(&token_file(), &cached(now() + 7200));
    let server = MockServer::start(
        200,
        r#"{"roleCredentials":{"accessKeyId":"ASIASSOEXAMPLE","secretAccessKey":"ssoSecretKey/EXAMPLE","sessionToken":"ssoSessionToken/EXAMPLE","expiration":4071006245000}}"#,
    );
    home.secret("ssoSecretKey/EXAMPLE");
    home.secret("ssoSessionToken/EXAMPLE");
    let run = home.run_revealing(
        &["export-credentials", "--profile", "dev"],
        &[("AWS_ENDPOINT_URL_SSO", &server.url())],
    );
    run.assert_ok(
        "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIASSOEXAMPLE\",\n  \"SecretAccessKey\": \
         \"ssoSecretKey/EXAMPLE\",\n  \"SessionToken\": \"ssoSessionToken/EXAMPLE\",\n  \
         \"Expiration\": \"2099-01-02T03:04:05+00:00\",\n  \"AccountId\": \"123456789012\"\n}\n",
    );
    let requests = server.requests();
    assert!(
        requests[0].starts_with(
            "GET /federation/credentials?role_name=ReadOnly&account_id=123456789012 HTTP/1.1\r\n"
        ),
        "{requests:?}"
    );
    assert!(requests[0].to_ascii_lowercase().contains(&format!(
        "x-amz-sso_bearer_token: {}",
        ACCESS.to_ascii_lowercase()
    )));
    // A portal that refuses the token: 254, with the login advice.
    let refused = MockServer::start(
        401,
        r#"{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}"#,
    );
    let run = home.run_with(
        &["export-credentials", "--profile", "dev"],
        &[("AWS_ENDPOINT_URL_SSO", &refused.url())],
    );
    // UnauthorizedSSOTokenError: the AWS CLI's general error status.
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(
        run.stderr.contains("UnauthorizedException")
            && run
                .stderr
                .trim_end()
                .ends_with("run `aws sso login --profile dev`"),
        "{run:#?}"
    );
}

#[test]
fn explain_shows_the_sso_inputs_but_never_the_token() {
    let home = Home::with_config(CONFIG);
    home.write(&token_file(), &cached(now() + 7200));
    let run = home.run_with(
        &["explain", "--profile", "dev"],
        &[("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9")],
    );
    // A portal that cannot be reached: botocore's EndpointConnectionError, exit 255.
    assert_eq!(run.code, 255, "{run:#?}");
    run.assert_stdout_has(&[
        "  1. get the role's credentials from IAM Identity Center (SSO), profile dev\n",
        "       sso_session = corp (~/.aws/config:2)\n",
        "       sso_start_url = https://d-abc123.awsapps.com/start (~/.aws/config:10)\n",
        "       sso_region = us-east-1 (~/.aws/config:11)\n",
        "       sso_account_id = 123456789012 (~/.aws/config:3)\n",
        "       sso_role_name = ReadOnly (~/.aws/config:4)\n",
        "       portal endpoint = http://127.0.0.1:9 (from AWS_ENDPOINT_URL_SSO)\n",
    ]);
    assert!(
        run.stdout.contains(&format!(
            "       token cache file = {}\n",
            home.file(&token_file())
        )),
        "{run:#?}"
    );
    assert!(
        run.stdout.contains("refreshed through SSO-OIDC"),
        "{run:#?}"
    );
}
