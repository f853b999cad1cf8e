//! Console login refreshes through the real HTTP host (ureq) against a mock Sign-In endpoint on
//! 127.0.0.1 that this test starts, reached through AWS_ENDPOINT_URL_SIGNIN. Each mock serves
//! one connection and stops by itself (accepting for at most a few seconds, every read with a
//! timeout). Bad answers of every kind must give an error naming the provider and the endpoint,
//! and leave the cache file as it was.
#![cfg(feature = "ureq")]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use common::memory::{FixedClock, MemoryCommand, MemoryFs, NoPrompt};
use credchain_core::caches::login::FileName;
use credchain_core::chain::execute::{execute, Io};
use credchain_core::chain::plan::plan;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::credentials::{parse_time, Credentials};
use credchain_core::host::UreqHttp;
use credchain_core::io::{block_on, HttpErrorKind};
use credchain_core::services::exchange::ServiceFailureKind;
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::signin;
use credchain_core::signing::dpop::DpopKey;
use credchain_core::Dialect;
use serde_json::{json, Value};

const ACCEPT_FOR: Duration = Duration::from_secs(10);
const READ_TIMEOUT: Duration = Duration::from_secs(5);
const ARN: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";

fn now() -> i64 {
    parse_time("2025-11-19T00:00:00Z").unwrap()
}

struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Starts a mock answering one connection with the raw bytes `response` after `delay`.
fn mock(response: Vec<u8>, delay: Duration) -> (String, thread::JoinHandle<Option<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + ACCEPT_FOR;
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Err(_) => return None,
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            data.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8(data[..head_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap().split(' ');
        let method = request_line.next().unwrap().to_string();
        let path = request_line.next().unwrap().to_string();
        let headers: Vec<(String, String)> = lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.trim().to_ascii_lowercase(), v.trim().to_string())
            })
            .collect();
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        while data.len() < head_end + length {
            let n = stream.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            data.extend_from_slice(&buf[..n]);
        }
        let body = String::from_utf8(data[head_end..head_end + length].to_vec()).unwrap();
        thread::sleep(delay);
        // The client may have given up (the timeout test): a failed write is expected then.
        let _ = stream.write_all(&response);
        Some(Received {
            method,
            path,
            headers,
            body,
        })
    });
    (url, handle)
}

fn response(status: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let ct = content_type.map_or(String::new(), |c| format!("content-type: {c}\r\n"));
    let mut out = format!(
        "HTTP/1.1 {status}\r\n{ct}content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
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
    let files = ConfigFiles::from_texts(
        ("/h/.aws/config", Some(config.as_bytes())),
        ("/h/.aws/credentials", None),
        Dialect::AwsCli,
    )
    .unwrap();
    let mut options = Options::default();
    options.set(Setting::Profile, "signin");
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
    let io = Io {
        fs,
        http: &http,
        command: &MemoryCommand::default(),
        prompt: &NoPrompt,
        clock: &FixedClock(now()),
        platform: credchain_core::config::locate::Platform::Unix,
    };
    block_on(execute(&eval, &plan, &io)).map_err(|e| e.to_string())
}

#[test]
fn refreshes_over_http_with_a_verified_dpop_proof() {
    let (url, server) = mock(
        response("200 OK", Some("application/json"), GOOD.as_bytes()),
        Duration::ZERO,
    );
    let fs = MemoryFs::with([(cache_path(), expired_cache())]);
    let c = resolve(&url, &fs).unwrap();
    assert_eq!(
        (c.access_key_id(), c.expiration()),
        ("NEWKEY", Some(now() + 900))
    );
    let got = server.join().unwrap().expect("a request");
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
        let (url, server) = mock(answer, Duration::ZERO);
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
        assert!(
            server.join().unwrap().is_some(),
            "{name}: the mock was asked"
        );
    }
}

#[test]
fn a_slow_endpoint_times_out() {
    let (url, server) = mock(
        response("200 OK", Some("application/json"), GOOD.as_bytes()),
        Duration::from_secs(3),
    );
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
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fs = MemoryFs::with([(cache_path(), expired_cache())]);
    let e = resolve(&format!("http://127.0.0.1:{port}"), &fs).unwrap_err();
    assert!(
        e.contains("could not be reached") && e.contains("aws login --profile signin"),
        "{e}"
    );
    assert_eq!(fs.files.borrow()[&cache_path()], expired_cache());
}
