//! Console login refreshes through the real HTTP host (ureq) against a mock Sign-In endpoint on
//! 127.0.0.1 that this test starts, reached through AWS_ENDPOINT_URL_SIGNIN. Each mock serves
//! one connection and stops by itself (accepting for at most a few seconds, every read with a
//! timeout). Bad answers of every kind must give an error naming the provider and the endpoint,
//! and leave the cache file as it was.
#![cfg(feature = "ureq")]

mod common;

use std::time::{Duration, Instant};

use common::memory::{config_in_home_h, unix_io, FixedClock, MemoryCommand, MemoryFs};
use credchain_core::caches::login::FileName;
use credchain_core::chain::execute::execute;
use credchain_core::chain::plan::plan;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::settings::Setting;
use credchain_core::credentials::{parse_time, Credentials};
use credchain_core::host::UreqHttp;
use credchain_core::io::{block_on, HttpErrorKind};
use credchain_core::services::exchange::ServiceFailureKind;
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::signin;
use credchain_core::signing::dpop::DpopKey;
use credchain_test_support::mock_server::{closed_port_url, response, Reply, Sequence};
use serde_json::{json, Value};

const ARN: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";

fn now() -> i64 {
    parse_time("2025-11-19T00:00:00Z").unwrap()
}

fn cache_path() -> String {
    format!("/h/.aws/login/cache/{}", FileName::of(ARN).as_str())
}

fn expired_cache() -> Vec<u8> {
    json!({
        "accessToken": {"accessKeyId": "OLDKEY", "secretAccessKey": "oldSecret", "sessionToken": "oldToken",
                        "accountId": "012345678901", "expiresAt": "2020-01-01T00:00:00Z"},
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "refresh-1",
        "idToken": "id-token",
        "dpopKey": KEY,
    })
    .to_string()
    .into_bytes()
}

const GOOD: &str = r#"{"accessToken":{"accessKeyId":"NEWKEY","secretAccessKey":"newSecret","sessionToken":"newToken"},"tokenType":"aws_sigv4","expiresIn":900,"refreshToken":"refresh-2"}"#;

/// Runs the chain for profile `signin` with the Sign-In endpoint at `url`, through ureq.
fn resolve(url: &str, fs: &MemoryFs) -> Result<Credentials, String> {
    let config = format!("[profile signin]\nlogin_session = {ARN}\nregion = us-east-1\n");
    let files = config_in_home_h(&config);
    let options = Options::default().with(Setting::Profile, "signin");
    let env: &[(&str, &str)] = &[
        ("HOME", "/h"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_ENDPOINT_URL_SIGNIN", url),
        // The mock answers one request; retries are tested with in-memory hosts.
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let eval = Evaluator::new(&files, env, &options).unwrap();
    let plan = plan(&eval).unwrap();
    let http = UreqHttp::new();
    let command = MemoryCommand::default();
    let clock = FixedClock(now());
    let io = unix_io(fs, &http, &command, &clock);
    block_on(execute(&eval, &plan, &io)).map_err(|e| e.to_string())
}

#[test]
fn refreshes_over_http_with_a_verified_dpop_proof() {
    let server = Sequence::once(response(
        "200 OK",
        Some("application/json"),
        GOOD.as_bytes(),
    ));
    let url = server.url().to_owned();
    let fs = MemoryFs::with([(cache_path(), expired_cache())]);
    let c = resolve(&url, &fs).unwrap();
    assert_eq!(
        (c.access_key_id(), c.expiration()),
        ("NEWKEY", Some(now() + 900))
    );
    let got = server.join_one().expect("a request");
    assert_eq!(
        (got.method.as_str(), got.path.as_str()),
        ("POST", "/v1/token")
    );
    assert_eq!(got.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(
        body,
        json!({"clientId": "arn:aws:signin:::devtools/same-device", "grantType": "refresh_token", "refreshToken": "refresh-1"})
    );
    let token_url = format!("{url}/v1/token");
    let checked = common::dpop::verify(got.header("dpop").unwrap(), "POST", &token_url, now());
    let (x, y) = DpopKey::from_pem(KEY).unwrap().public_coordinates();
    assert_eq!((checked.x, checked.y), (x.to_vec(), y.to_vec()));
    let written: Value = serde_json::from_slice(&fs.files.borrow()[&cache_path()]).unwrap();
    assert_eq!(written["refreshToken"], "refresh-2");
    assert_eq!(written["accessToken"]["expiresAt"], "2025-11-19T00:15:00Z");
    assert_eq!(written["dpopKey"], KEY);
}

#[test]
fn bad_answers_are_errors_naming_the_endpoint_and_write_nothing() {
    let huge = vec![b'{'; 100 * 1024];
    let mut truncated = response("200 OK", Some("application/json"), GOOD.as_bytes());
    truncated.truncate(truncated.len() - 40);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated body", truncated, "failed mid-exchange"),
        (
            "wrong content type",
            response("200 OK", Some("text/html"), b"<html>sign in</html>"),
            "content type text/html, not JSON",
        ),
        (
            "not JSON",
            response("200 OK", Some("application/json"), b"this is not json"),
            "not JSON with accessToken",
        ),
        (
            "JSON of the wrong shape",
            response("200 OK", Some("application/json"), b"{\"accessToken\": 5}"),
            "not JSON with accessToken",
        ),
        (
            "huge body",
            response("200 OK", Some("application/json"), &huge),
            "body over 65536 bytes",
        ),
        (
            "empty body",
            response("200 OK", Some("application/json"), b""),
            "empty body",
        ),
        (
            "400 with an error body",
            response(
                "400 Bad Request",
                Some("application/json"),
                br#"{"error":"TOKEN_EXPIRED","message":"The refresh token has expired"}"#,
            ),
            "answered HTTP 400 TOKEN_EXPIRED: The refresh token has expired",
        ),
        (
            "401 without a body",
            response("401 Unauthorized", None, b""),
            "answered HTTP 401",
        ),
        (
            "500 with an error body",
            response(
                "500 Internal Server Error",
                Some("application/json"),
                br#"{"error":"SERVER_ERROR","message":"try later"}"#,
            ),
            "answered HTTP 500 SERVER_ERROR: try later",
        ),
        (
            "503 with an HTML body",
            response(
                "503 Service Unavailable",
                Some("text/html"),
                b"<html>busy</html>",
            ),
            "answered HTTP 503",
        ),
    ];
    for (name, answer, expected) in cases {
        let server = Sequence::once(answer);
        let url = server.url().to_owned();
        let fs = MemoryFs::with([(cache_path(), expired_cache())]);
        let e = resolve(&url, &fs).expect_err(name);
        let token_url = format!("{url}/v1/token");
        for part in [
            expected,
            "console login session",
            token_url.as_str(),
            "aws login --profile signin",
            cache_path().as_str(),
        ] {
            assert!(e.contains(part), "{name}: {part:?} in {e}");
        }
        for secret in [
            "oldSecret",
            "oldToken",
            "refresh-1",
            "newSecret",
            "MHcCAQEE",
        ] {
            assert!(!e.contains(secret), "{name}: {secret} in {e}");
        }
        assert_eq!(
            fs.files.borrow()[&cache_path()],
            expired_cache(),
            "{name}: the cache file is left as it was"
        );
        assert!(server.join_one().is_some(), "{name}: the mock was asked");
    }
}

#[test]
fn a_slow_endpoint_times_out() {
    let server = Sequence::once(
        Reply::bytes(response(
            "200 OK",
            Some("application/json"),
            GOOD.as_bytes(),
        ))
        .after(Duration::from_secs(3)),
    );
    let url = server.url().to_owned();
    let token_url = format!("{url}/v1/token");
    let key = DpopKey::from_pem(KEY).unwrap();
    let started = Instant::now();
    let e = block_on(signin::refresh(
        &UreqHttp::new(),
        &FixedClock(now()),
        RetryConfig::ONE_ATTEMPT,
        &token_url,
        "arn:aws:signin:::devtools/same-device",
        "refresh-1",
        &key,
        now(),
        300,
    ))
    .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(
        e.kind,
        ServiceFailureKind::Http {
            kind: HttpErrorKind::Timeout,
            timeout_ms: 300,
            ..
        }
    ));
    let text = e.to_string();
    assert!(
        text.contains("did not answer within 300 ms") && text.contains(&token_url),
        "{text}"
    );
    let _ = server.join();
}

#[test]
fn refused_connections_are_errors_too() {
    // A port nobody listens on: bind one, note it, close it.
    let url = closed_port_url();
    let fs = MemoryFs::with([(cache_path(), expired_cache())]);
    let e = resolve(&url, &fs).unwrap_err();
    assert!(
        e.contains("could not be reached") && e.contains("aws login --profile signin"),
        "{e}"
    );
    assert_eq!(fs.files.borrow()[&cache_path()], expired_cache());
}
