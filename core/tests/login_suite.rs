//! Console login (`login_session`) through the in-memory host: every case of
//! ../shared/conformance/suites/login-provider-test-cases.json as a named test, then the errors
//! the suite does not cover. The clock stands at 2025-11-19T00:00:00Z, the time the suite's
//! refreshed expiry (`expiresIn` 900 -> 2025-11-19T00:15:00Z) implies. Each refresh request is
//! checked as the Sign-In service would check it: POST to /v1/token, the JSON body, and the DPoP
//! proof, parsed and verified with the public key it carries, which must be the cached key's.
//! The suite's profiles have no region, which a refresh needs to find its endpoint (`aws login`
//! records one), so the replay sets AWS_REGION=us-east-1.

mod common;

use std::cell::RefCell;
use std::collections::VecDeque;

use common::memory::{config_in_home_h, unix_io, FailingFs, FixedClock, MemoryCommand, MemoryFs};
use credchain_core::caches::login::FileName;
use credchain_core::chain::execute::{execute, ExecuteError};
use credchain_core::chain::plan::plan;
use credchain_core::chain::providers::login::LoginError;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::settings::Setting;
use credchain_core::credentials::ProviderKind;
use credchain_core::credentials::{parse_time, Credentials};
use credchain_core::io::{block_on, Fs, FsError, FsErrorKind, Http, HttpError, HttpErrorKind};
use credchain_core::io::{HttpRequest, HttpResponse};
use credchain_core::signing::dpop::DpopKey;
use serde_json::{json, Value};

const SUITE: &str = "suites/login-provider-test-cases.json";
const HOME: &str = "/h";
const CACHE_DIR: &str = "/h/.aws/login/cache";
const TOKEN_URL: &str = "https://us-east-1.signin.aws.amazon.com/v1/token";

fn now() -> i64 {
    parse_time("2025-11-19T00:00:00Z").unwrap()
}

/// A scripted answer: status, content type, body.
type Answer = (u16, Option<&'static str>, String);

/// A request as the in-memory HTTP saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
    timeout_ms: u32,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// HTTP answering from a queue of (status, content type, body), recording each request; an
/// empty queue is a connection failure.
#[derive(Default)]
struct ScriptedHttp {
    answers: RefCell<VecDeque<Answer>>,
    seen: RefCell<Vec<Seen>>,
}

impl ScriptedHttp {
    fn answering(answers: Vec<Answer>) -> Self {
        ScriptedHttp {
            answers: RefCell::new(answers.into()),
            seen: RefCell::default(),
        }
    }
}

impl Http for ScriptedHttp {
    type Body = Vec<u8>;
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        self.seen.borrow_mut().push(Seen {
            method: request.method.to_string(),
            url: request.url.to_string(),
            headers: request
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: String::from_utf8(request.body.to_vec()).unwrap(),
            timeout_ms: request.timeout_ms,
        });
        let Some((status, content_type, body)) = self.answers.borrow_mut().pop_front() else {
            return Err(HttpError {
                kind: HttpErrorKind::Connect,
            });
        };
        Ok(HttpResponse {
            status,
            content_type: content_type.map(|c| c.try_into().unwrap()),
            body: body.into_bytes(),
        })
    }
}

struct Run {
    result: Result<Credentials, String>,
    /// The error's Debug too, to check that no secret is in it.
    debug: String,
    service_error: bool,
    fs: MemoryFs,
    seen: Vec<Seen>,
}

fn run_with<F: Fs>(
    config: &str,
    env: &[(&str, &str)],
    fs: F,
    http: ScriptedHttp,
    now: i64,
) -> (Result<Credentials, String>, String, bool, F, Vec<Seen>) {
    let files = config_in_home_h(config);
    let options = Options::default().with(Setting::Profile, "signin");
    let mut vars = vec![("HOME", HOME), ("AWS_EC2_METADATA_DISABLED", "true")];
    vars.extend_from_slice(env);
    let vars = vars.as_slice();
    let eval = Evaluator::new(&files, vars, &options).unwrap();
    let plan = plan(&eval).unwrap();
    let command = MemoryCommand::default();
    let clock = FixedClock(now);
    let io = unix_io(&fs, &http, &command, &clock);
    let outcome = block_on(execute(&eval, &plan, &io));
    let (result, debug, service_error) = match outcome {
        Ok(c) => (Ok(c), String::new(), false),
        Err(e) => {
            let service = e.is_service_error();
            if let ExecuteError::Login(login) = &e {
                if let LoginError::Refresh { failure, .. } = &**login {
                    assert_eq!(failure.provider, ProviderKind::Login);
                }
            }
            (Err(e.to_string()), format!("{e:?}"), service)
        }
    };
    let seen = http.seen.borrow().clone();
    (result, debug, service_error, fs, seen)
}

fn run(
    config: &str,
    env: &[(&str, &str)],
    files: Vec<(String, Vec<u8>)>,
    http: ScriptedHttp,
) -> Run {
    let (result, debug, service_error, fs, seen) =
        run_with(config, env, MemoryFs::with(files), http, now());
    Run {
        result,
        debug,
        service_error,
        fs,
        seen,
    }
}

/// Checks a refresh request: method, URL, headers, JSON body, and its DPoP proof signed by
/// the key in `pem`.
fn check_refresh_request(seen: &Seen, url: &str, expected_body: &Value, pem: &str) {
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.url, url);
    assert!(seen.timeout_ms > 0);
    assert_eq!(seen.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(&body, expected_body);
    let proof = seen.header("dpop").expect("a DPoP header");
    let checked = common::dpop::verify(proof, "POST", url, now());
    let (x, y) = DpopKey::from_pem(pem).unwrap().public_coordinates();
    assert_eq!(
        (checked.x, checked.y),
        (x.to_vec(), y.to_vec()),
        "the cached key signed it"
    );
}

fn suite_case(index: usize, documentation: &str) {
    let cases = common::conformance_json(SUITE);
    let case = &cases.as_array().unwrap()[index];
    assert_eq!(case["documentation"], documentation, "the suite changed");
    let config = case["configContents"].as_str().unwrap();
    let mut files = vec![];
    for (name, contents) in case["cacheContents"].as_object().unwrap() {
        files.push((
            format!("{CACHE_DIR}/{name}"),
            serde_json::to_vec(contents).unwrap(),
        ));
    }
    let before = files.clone();
    let calls = case["mockApiCalls"].as_array().cloned().unwrap_or_default();
    let answers = calls
        .iter()
        .map(|call| match call.get("responseCode") {
            Some(code) => (code.as_u64().unwrap() as u16, None, String::new()),
            None => (
                200,
                Some("application/json"),
                serde_json::to_string(&call["response"]["tokenOutput"]).unwrap(),
            ),
        })
        .collect();
    let r = run(
        config,
        &[("AWS_REGION", "us-east-1")],
        files,
        ScriptedHttp::answering(answers),
    );

    // Each recorded call was made, as recorded, with a DPoP proof by the cached key.
    assert_eq!(r.seen.len(), calls.len(), "refresh calls: {:?}", r.seen);
    for (seen, call) in r.seen.iter().zip(&calls) {
        let pem = before[0].1.clone();
        let cached: Value = serde_json::from_slice(&pem).unwrap();
        check_refresh_request(
            seen,
            TOKEN_URL,
            &call["request"]["tokenInput"],
            cached["dpopKey"].as_str().unwrap(),
        );
    }

    for outcome in case["outcomes"].as_array().unwrap() {
        match outcome["result"].as_str().unwrap() {
            "credentials" => {
                let c = r.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(c.access_key_id(), outcome["accessKeyId"]);
                assert_eq!(c.secret_access_key(), outcome["secretAccessKey"]);
                assert_eq!(c.session_token(), outcome["sessionToken"].as_str());
                assert_eq!(c.account_id(), outcome["accountId"].as_str());
                assert_eq!(
                    c.expiration(),
                    parse_time(outcome["expiresAt"].as_str().unwrap())
                );
                assert_eq!(c.provider(), ProviderKind::Login);
            }
            "cacheContents" => {
                for (name, want) in outcome.as_object().unwrap() {
                    if name == "result" {
                        continue;
                    }
                    let files = r.fs.files.borrow();
                    let got = files
                        .get(&format!("{CACHE_DIR}/{name}"))
                        .unwrap_or_else(|| panic!("{name} written"));
                    let got: Value = serde_json::from_slice(got).unwrap();
                    assert_eq!(&got, want);
                }
            }
            "error" => {
                let e = r.result.as_ref().expect_err("an error");
                assert!(e.contains("aws login --profile signin"), "{e}");
                assert!(
                    e.contains(
                        "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json"
                    ),
                    "names the cache file: {e}"
                );
                // Nothing written on failure.
                let files = r.fs.files.borrow();
                let after: Vec<(String, Vec<u8>)> =
                    files.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                assert_eq!(after, before);
                // No secret of the cache file in the message or its Debug.
                for (_, contents) in &before {
                    let v: Value = serde_json::from_slice(contents).unwrap();
                    for secret in [
                        &v["accessToken"]["secretAccessKey"],
                        &v["accessToken"]["sessionToken"],
                        &v["refreshToken"],
                        &v["idToken"],
                    ] {
                        if let Some(s) = secret.as_str() {
                            assert!(!e.contains(s) && !r.debug.contains(s), "{e}");
                        }
                    }
                }
            }
            other => panic!("unknown outcome {other}"),
        }
    }
}

macro_rules! suite {
    ($($name:ident: $index:expr, $doc:expr;)*) => {
        $(#[test] fn $name() { suite_case($index, $doc); })*

        #[test]
        fn the_suite_has_exactly_these_cases() {
            let cases = common::conformance_json(SUITE);
            let docs: Vec<&str> = cases.as_array().unwrap().iter()
                .map(|c| c["documentation"].as_str().unwrap()).collect();
            assert_eq!(docs, [$($doc),*]);
        }
    };
}

suite! {
    valid_credentials_are_returned_immediately: 0, "Success - Valid credentials are returned immediately";
    no_cache_file: 1, "Failure - No cache file";
    missing_access_token: 2, "Failure - Missing accessToken";
    missing_refresh_token: 3, "Failure - Missing refreshToken";
    missing_client_id: 4, "Failure - Missing clientId in cache";
    missing_dpop_key: 5, "Failure - Missing dpopKey";
    expired_token_is_refreshed: 6, "Success - Expired token triggers successful refresh";
    expired_token_failed_refresh: 7, "Failure - Expired token triggers failed refresh";
}

// ---- Beyond the suite -------------------------------------------------------------------------

const CONFIG: &str =
    "[profile signin]\nlogin_session = arn:aws:sts::012345678910:assumed-role/Admin/admin\nregion = eu-west-1\n";

fn cache_name() -> String {
    FileName::of("arn:aws:sts::012345678910:assumed-role/Admin/admin")
        .as_str()
        .to_string()
}

/// The suite's key.
fn suite_key() -> String {
    let cases = common::conformance_json(SUITE);
    let case = &cases.as_array().unwrap()[0];
    let file = case["cacheContents"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    file["dpopKey"].as_str().unwrap().to_string()
}

fn cache_file(expires_at: &str, key: &str) -> Value {
    json!({
        "accessToken": {"accessKeyId": "OLDKEY", "secretAccessKey": "oldSecret", "sessionToken": "oldToken",
                        "accountId": "012345678901", "expiresAt": expires_at},
        "tokenType": "aws_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "refresh-1",
        "idToken": "id-token",
        "dpopKey": key,
    })
}

/// The file system's one file: `cache` as JSON at `path`.
fn cache_at(path: &str, cache: &Value) -> Vec<(String, Vec<u8>)> {
    vec![(path.to_string(), serde_json::to_vec(cache).unwrap())]
}

/// Runs the profile of [`CONFIG`] with `cache` as JSON at `path`, the only file.
fn run_cached(env: &[(&str, &str)], path: &str, cache: &Value, http: ScriptedHttp) -> Run {
    run(CONFIG, env, cache_at(path, cache), http)
}

/// The refresh request's body for the cache of [`cache_file`].
fn refresh_request_body() -> Value {
    json!({"clientId": "arn:aws:signin:::devtools/same-device", "grantType": "refresh_token", "refreshToken": "refresh-1"})
}

fn refreshed_body() -> String {
    json!({"accessToken": {"accessKeyId": "NEWKEY", "secretAccessKey": "newSecret", "sessionToken": "newToken"},
           "tokenType": "aws_sigv4", "expiresIn": 900, "refreshToken": "refresh-2"})
    .to_string()
}

#[test]
fn refreshes_within_five_minutes_of_expiry_not_before() {
    let key = suite_key();
    let path = format!("{CACHE_DIR}/{}", cache_name());
    // 301 seconds left: used as it is.
    let fresh = cache_file("2025-11-19T00:05:01Z", &key);
    let r = run_cached(&[], &path, &fresh, ScriptedHttp::default());
    assert_eq!(r.result.unwrap().access_key_id(), "OLDKEY");
    assert!(r.seen.is_empty());
    // 300 seconds left: refreshed, from the profile's region's endpoint.
    let due = cache_file("2025-11-19T00:05:00Z", &key);
    let answer = (200, Some("application/json"), refreshed_body());
    let r = run_cached(&[], &path, &due, ScriptedHttp::answering(vec![answer]));
    let c = r.result.unwrap();
    assert_eq!(
        (c.access_key_id(), c.account_id(), c.expiration()),
        ("NEWKEY", Some("012345678901"), Some(now() + 900))
    );
    let url = "https://eu-west-1.signin.aws.amazon.com/v1/token";
    check_refresh_request(&r.seen[0], url, &refresh_request_body(), &key);
    let written: Value = serde_json::from_slice(&r.fs.files.borrow()[&path]).unwrap();
    let mut want = due.clone();
    want["accessToken"] = json!({"accessKeyId": "NEWKEY", "secretAccessKey": "newSecret", "sessionToken": "newToken",
                                 "accountId": "012345678901", "expiresAt": "2025-11-19T00:15:00Z"});
    want["refreshToken"] = "refresh-2".into();
    assert_eq!(written, want, "tokenType, idToken and dpopKey kept");
}

#[test]
fn cache_directory_and_endpoint_overrides() {
    let key = suite_key();
    let path = format!("/elsewhere/{}", cache_name());
    let due = cache_file("2020-01-01T00:00:00Z", &key);
    let env = [
        ("AWS_LOGIN_CACHE_DIRECTORY", "/elsewhere"),
        ("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:9/base/"),
    ];
    let answer = (200, None, refreshed_body());
    let r = run_cached(&env, &path, &due, ScriptedHttp::answering(vec![answer]));
    assert_eq!(r.result.unwrap().access_key_id(), "NEWKEY");
    assert_eq!(r.seen[0].url, "http://127.0.0.1:9/base/v1/token");
    check_refresh_request(
        &r.seen[0],
        "http://127.0.0.1:9/base/v1/token",
        &refresh_request_body(),
        &key,
    );
    assert!(r.fs.files.borrow()[&path]
        .windows(9)
        .any(|w| w == b"refresh-2"));
}

#[test]
fn a_fresh_session_without_refresh_material_is_refused() {
    // botocore's LoginCredentialFetcher.load_cached_credentials requires accessToken,
    // refreshToken, dpopKey and clientId when the provider loads, whether or not a refresh is due.
    let file = json!({"accessToken": {"accessKeyId": "A", "secretAccessKey": "S", "sessionToken": "T",
                                      "expiresAt": "2025-11-19T01:00:00Z"}});
    let r = run(
        CONFIG,
        &[],
        vec![(
            format!("{CACHE_DIR}/{}", cache_name()),
            file.to_string().into_bytes(),
        )],
        ScriptedHttp::default(),
    );
    expect_error(&r, &["clientId"]);
}

fn expect_error(r: &Run, parts: &[&str]) {
    let e = r.result.as_ref().expect_err("an error");
    for part in parts {
        assert!(e.contains(part), "{part:?} in {e}");
    }
    for secret in ["oldSecret", "oldToken", "refresh-1", "id-token", "MHcCAQEE"] {
        assert!(
            !e.contains(secret) && !r.debug.contains(secret),
            "{secret} leaked: {e} / {}",
            r.debug
        );
    }
}

#[test]
fn unusable_cache_files_name_the_file_and_the_fix() {
    let path = format!("{CACHE_DIR}/{}", cache_name());
    for (text, problem) in [
        ("not json".to_string(), "not the JSON object"),
        (
            "{\"accessToken\": {\"accessKeyId\": \"A\"}}".to_string(),
            "no accessToken.secretAccessKey",
        ),
        (
            cache_file("tomorrow", "k").to_string(),
            "expiresAt is not a time",
        ),
    ] {
        let r = run(
            CONFIG,
            &[],
            vec![(path.clone(), text.into_bytes())],
            ScriptedHttp::default(),
        );
        expect_error(&r, &[&path, problem, "aws login --profile signin"]);
        assert!(!r.service_error);
    }
    // A key that is not P-256, or not a key at all: only found when a refresh is due.
    let p384 = "-----BEGIN EC PRIVATE KEY-----\nMD4CAQEEMAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHB6AHBgUrgQQAIg==\n-----END EC PRIVATE KEY-----\n";
    for (key, problem) in [(p384, "not a P-256"), ("garbage", "not a PEM private key")] {
        let file = cache_file("2020-01-01T00:00:00Z", key);
        let r = run(
            CONFIG,
            &[],
            vec![(path.clone(), file.to_string().into_bytes())],
            ScriptedHttp::default(),
        );
        expect_error(
            &r,
            &[&path, "dpopKey", problem, "aws login --profile signin"],
        );
        assert!(r.seen.is_empty(), "no request without a key");
    }
    // A file that cannot be read.
    let (result, debug, _, _, _) = run_with(
        CONFIG,
        &[],
        FailingFs(FsError {
            kind: FsErrorKind::PermissionDenied,
            os_code: Some(13),
        }),
        ScriptedHttp::default(),
        now(),
    );
    let e = result.unwrap_err();
    assert!(
        e.contains("could not be read (PermissionDenied)") && e.contains(&path),
        "{e}"
    );
    assert!(!debug.is_empty());
    // No session at all.
    let r = run(CONFIG, &[], vec![], ScriptedHttp::default());
    expect_error(
        &r,
        &[
            &path,
            "does not exist",
            "arn:aws:sts::012345678910:assumed-role/Admin/admin",
            "aws login --profile signin",
        ],
    );
}

#[test]
fn failed_refreshes_keep_the_file_and_say_why() {
    let key = suite_key();
    let path = format!("{CACHE_DIR}/{}", cache_name());
    let due = serde_json::to_vec(&cache_file("2020-01-01T00:00:00Z", &key)).unwrap();
    let huge = "x".repeat(10);
    let cases: Vec<(Answer, &[&str], bool)> = vec![
        (
            (
                400,
                Some("application/json"),
                r#"{"error":"invalid_grant","message":"refresh token expired"}"#.into(),
            ),
            &[
                "HTTP 400 invalid_grant: refresh token expired",
                "CreateOAuth2Token",
            ],
            true,
        ),
        ((401, None, String::new()), &["HTTP 401"], true),
        (
            (500, Some("text/html"), "<html>".into()),
            &["HTTP 500"],
            true,
        ),
        (
            (200, Some("text/html"), "<html>".into()),
            &["content type text/html"],
            false,
        ),
        (
            (200, None, "{\"accessToken\": {".into()),
            &["not JSON with accessToken"],
            false,
        ),
        ((200, None, huge), &["not JSON with accessToken"], false),
        ((200, None, String::new()), &["empty body"], false),
    ];
    for (answer, parts, service_error) in cases {
        // A 5xx is retried: three attempts in all (standard mode), each answered alike.
        let attempts = if answer.0 >= 500 { 3 } else { 1 };
        let r = run(
            CONFIG,
            &[],
            vec![(path.clone(), due.clone())],
            ScriptedHttp::answering(vec![answer; attempts]),
        );
        assert_eq!(r.seen.len(), attempts, "{:?}", r.result);
        let mut all = vec![
            path.as_str(),
            "https://eu-west-1.signin.aws.amazon.com/v1/token",
            "aws login --profile signin",
            "console login",
        ];
        all.extend_from_slice(parts);
        expect_error(&r, &all);
        assert_eq!(r.service_error, service_error, "{:?}", r.result);
        assert_eq!(
            r.fs.files.borrow()[&path],
            due,
            "the file is left as it was"
        );
    }
    // No connection.
    let r = run(
        CONFIG,
        &[],
        vec![(path.clone(), due.clone())],
        ScriptedHttp::default(),
    );
    expect_error(&r, &["could not be reached", "aws login --profile signin"]);
}

#[test]
fn refreshed_credentials_already_expired_are_refused() {
    let key = suite_key();
    let path = format!("{CACHE_DIR}/{}", cache_name());
    let due = serde_json::to_vec(&cache_file("2020-01-01T00:00:00Z", &key)).unwrap();
    let body = refreshed_body().replace("900", "0");
    let r = run(
        CONFIG,
        &[],
        vec![(path, due)],
        ScriptedHttp::answering(vec![(200, None, body)]),
    );
    assert!(r.result.unwrap_err().contains("expired"));
}

#[test]
fn no_region_and_no_endpoint_is_an_endpoint_error() {
    let key = suite_key();
    let path = format!("{CACHE_DIR}/{}", cache_name());
    let due = serde_json::to_vec(&cache_file("2020-01-01T00:00:00Z", &key)).unwrap();
    let config =
        "[profile signin]\nlogin_session = arn:aws:sts::012345678910:assumed-role/Admin/admin\n";
    let r = run(config, &[], vec![(path, due)], ScriptedHttp::default());
    expect_error(&r, &["AWS Sign-In", "region"]);
    assert!(r.seen.is_empty());
}
