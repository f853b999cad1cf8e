//! Console login (`login_session`) through the real `credchain` binary: a session near expiry is
//! refreshed through a Sign-In mock on 127.0.0.1 (AWS_ENDPOINT_URL_SIGNIN) and the cache file
//! rewritten with mode 0600; failures keep the file and exit as the AWS CLI does; `explain`
//! shows the session and its cache file, never a token.

mod common;

use common::{Home, MockServer};
use credchain_test_support::base64url::decode_json;
use serde_json::{json, Value};

const ARN: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
/// sha256 of the ARN, the name `aws login` gives its cache file.
const CACHE: &str =
    ".aws/login/cache/4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json";
const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";
/// Parts of the key's body, which no output may show.
const KEY_PARTS: [&str; 2] = [
    "MHcCAQEEIPt/u8InPLpQeQLJTvVX",
    "AwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP",
];

fn home(expires_at: &str) -> Home {
    let home = Home::with_config(&format!(
        "[profile signin]\nlogin_session = {ARN}\nregion = us-east-1\n"
    ));
    let cache = json!({
        "accessToken": {"accessKeyId": "ASIAOLDEXAMPLE", "secretAccessKey": "oldSecretAccessKeyEXAMPLE",
                        "sessionToken": "oldSessionTokenEXAMPLE", "accountId": "012345678901",
                        "expiresAt": expires_at},
        "tokenType": "aws_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "oldRefreshTokenEXAMPLE",
        "idToken": "eyJraWQiOiJleGFtcGxlIn0.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl",
        "dpopKey": KEY,
    });
    home.write(CACHE, &serde_json::to_string_pretty(&cache).unwrap());
    for secret in [
        "oldSecretAccessKeyEXAMPLE",
        "oldSessionTokenEXAMPLE",
        "oldRefreshTokenEXAMPLE",
        "eyJraWQiOiJleGFtcGxlIn0.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl",
        "newSecretAccessKeyEXAMPLE",
        "newSessionTokenEXAMPLE",
        "newRefreshTokenEXAMPLE",
    ]
    .into_iter()
    .chain(KEY_PARTS)
    {
        home.secret(secret);
    }
    home
}

const REFRESHED: &str = r#"{"accessToken":{"accessKeyId":"ASIANEWEXAMPLE","secretAccessKey":"newSecretAccessKeyEXAMPLE","sessionToken":"newSessionTokenEXAMPLE"},"tokenType":"aws_sigv4","expiresIn":900,"refreshToken":"newRefreshTokenEXAMPLE"}"#;

fn header<'r>(request: &'r str, name: &str) -> Option<&'r str> {
    let head = request.split("\r\n\r\n").next()?;
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

#[test]
fn export_credentials_refreshes_and_rewrites_the_cache_0600() {
    let home = home("2020-01-01T00:00:00Z");
    let signin = MockServer::json(&[(200, REFRESHED.to_string())]);
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let run = home.run_revealing(
        &["export-credentials", "--profile", "signin"],
        &[("AWS_ENDPOINT_URL_SIGNIN", &signin.url())],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(out["AccessKeyId"], "ASIANEWEXAMPLE");
    assert_eq!(out["SecretAccessKey"], "newSecretAccessKeyEXAMPLE");
    assert_eq!(out["SessionToken"], "newSessionTokenEXAMPLE");
    assert!(out["Expiration"].is_string());

    // One refresh: POST /v1/token with the JSON body and a three-part DPoP proof for this URL.
    let requests = signin.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert!(
        request.starts_with("POST /v1/token HTTP/1.1\r\n"),
        "{request}"
    );
    assert_eq!(header(request, "content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(request.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"clientId": "arn:aws:signin:::devtools/same-device", "grantType": "refresh_token",
               "refreshToken": "oldRefreshTokenEXAMPLE"})
    );
    let proof = header(request, "dpop").expect("a DPoP header");
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3);
    // (The core's tests verify the signature; here, the claims the binary put in.)
    let claims = decode_json(parts[1]);
    assert_eq!(claims["htm"], "POST");
    assert_eq!(claims["htu"], format!("{}/v1/token", signin.url()));
    let iat = claims["iat"].as_i64().unwrap();
    assert!(
        (started - 5..=started + 60).contains(&iat),
        "iat {iat} near {started}"
    );
    assert_eq!(decode_json(parts[0])["typ"], "dpop+jwt");

    // The cache rewritten, owner-only, with the new token and everything else kept.
    let written: Value = serde_json::from_str(&home.read(CACHE).unwrap()).unwrap();
    assert_eq!(written["accessToken"]["accessKeyId"], "ASIANEWEXAMPLE");
    assert_eq!(written["accessToken"]["accountId"], "012345678901");
    assert_eq!(written["refreshToken"], "newRefreshTokenEXAMPLE");
    assert_eq!(written["dpopKey"], KEY);
    assert_eq!(written["tokenType"], "aws_sigv4");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.path().join(CACHE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    // The next run uses the refreshed session without calling Sign-In.
    let run = home.run_revealing(
        &["export-credentials", "--profile", "signin"],
        &[("AWS_ENDPOINT_URL_SIGNIN", &signin.url())],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("ASIANEWEXAMPLE"));
    assert_eq!(signin.requests().len(), 1);
}

#[test]
fn a_refused_refresh_exits_255_and_keeps_the_cache() {
    let home = home("2020-01-01T00:00:00Z");
    let before = home.read(CACHE).unwrap();
    let signin = MockServer::json(&[(
        401,
        r#"{"error":"TOKEN_EXPIRED","message":"The refresh token has expired"}"#.to_string(),
    )]);
    let run = home.run_with(
        &["export-credentials", "--profile", "signin"],
        &[("AWS_ENDPOINT_URL_SIGNIN", &signin.url())],
    );
    // botocore turns TOKEN_EXPIRED into LoginRefreshTokenExpired, which the AWS CLI ends with
    // its general error status.
    assert_eq!(run.code, 255, "{run:#?}");
    for part in [
        "HTTP 401 TOKEN_EXPIRED: The refresh token has expired",
        &signin.url(),
        "aws login --profile signin",
        CACHE,
    ] {
        assert!(run.stderr.contains(part), "{part:?}: {run:#?}");
    }
    assert_eq!(home.read(CACHE).unwrap(), before);
}

#[test]
fn no_session_exits_253_naming_the_cache_file() {
    let home = Home::with_config(&format!(
        "[profile signin]\nlogin_session = {ARN}\nregion = us-east-1\n"
    ));
    let run = home.run(&["export-credentials", "--profile", "signin"]);
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains(CACHE), "{run:#?}");
    assert!(
        run.stderr.contains("aws login --profile signin"),
        "{run:#?}"
    );
}

#[test]
fn explain_shows_the_session_and_its_cache_file_without_tokens() {
    let home = home("2099-01-01T00:00:00Z");
    let run = home.run(&["explain", "--profile", "signin"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains(&format!("login_session = {ARN}")),
        "{}",
        run.stdout
    );
    let cache = home.file(CACHE);
    assert!(
        run.stdout.contains(&format!("cache file = {cache}")),
        "{}",
        run.stdout
    );
    // `run` has checked that no token, key or secret is printed; nor is the key's PEM at all.
    assert!(!run.stdout.contains("BEGIN EC PRIVATE KEY"));
}
