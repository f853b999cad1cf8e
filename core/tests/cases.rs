//! The recorded default-chain and profile-provider cases (../shared/conformance/cases), each a
//! named check, through the in-memory replay host: the case's env.json as the environment, its
//! fs/ tree as the file system (fs/home/... is /home/...), its http-traffic.json replayed by
//! `ReplayHttp`, real processes for credential_process, and a clock set before every recorded
//! expiry. profile-provider cases select their profile as `--profile` would (the environment
//! provider is not part of them).
//!
//! tests/expectations/recorded_cases.json, shared with the binary's run
//! (cli/tests/recorded_cases.rs) and the npm package's (tests/js/cases.test.mjs), lists the
//! cases where the AWS CLI's answer differs from the SDKs' expectation (`awscli_differs`) and the
//! error cases whose error must name its cause (`error_causes`), each with the phrase the error
//! must contain.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::memory::{FixedClock, MemoryFs, NoPrompt, SteppingClock};
use credchain_core::chain::execute::{execute, Io};
use credchain_core::chain::plan::plan;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::load::load;
use credchain_core::config::locate::{locate, Platform};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::host::StdCommand;
use credchain_core::io::{block_on, Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse};
use credchain_core::Dialect;
use serde_json::Value;

/// 2020-09-13: before every expiry recorded in the cases but the container ones (2009), which
/// run an hour before their own expiry (`clock_for`).
const NOW: i64 = 1_600_000_000;

/// The recorded metadata headers that a request must carry with the same value: the IMDSv2
/// token and its TTL (other headers, such as the container's `Authorization`, are not
/// recorded, or are the SDK's own).
const MATCHED_HEADERS: [&str; 2] = [
    "x-aws-ec2-metadata-token",
    "x-aws-ec2-metadata-token-ttl-seconds",
];

/// A case of tests/expectations/recorded_cases.json and the phrase its error must contain.
struct Expected {
    case: String,
    error_contains: String,
}

/// The lists of tests/expectations/recorded_cases.json, read at test time.
struct Expectations {
    /// Cases where the AWS CLI's answer differs from the SDKs' expectation.
    awscli_differs: Vec<Expected>,
    /// Error cases whose error must name its cause.
    error_causes: Vec<Expected>,
}

impl Expectations {
    fn load() -> Self {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/expectations/recorded_cases.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let list = |key: &str| -> Vec<Expected> {
            let field = |entry: &Value, name: &str| {
                entry[name]
                    .as_str()
                    .unwrap_or_else(|| {
                        panic!("{}: an entry of {key} has no {name}", path.display())
                    })
                    .to_string()
            };
            json[key]
                .as_array()
                .unwrap_or_else(|| panic!("{}: no {key} list", path.display()))
                .iter()
                .map(|entry| Expected {
                    case: field(entry, "case"),
                    error_contains: field(entry, "error_contains"),
                })
                .collect()
        };
        Expectations {
            awscli_differs: list("awscli_differs"),
            error_causes: list("error_causes"),
        }
    }
}

/// The phrase `list` gives `case`, if it lists it.
fn phrase<'a>(list: &'a [Expected], case: &str) -> Option<&'a str> {
    list.iter()
        .find(|e| e.case == case)
        .map(|e| e.error_contains.as_str())
}

/// Serves the recorded responses, one connection per request, matched by method and URL.
struct ReplayHttp {
    exchanges: RefCell<Vec<Exchange>>,
    pub sent: RefCell<Vec<(String, String, String)>>,
}

struct Exchange {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl ReplayHttp {
    fn from_traffic(traffic: &Value) -> Self {
        let mut by_connection: BTreeMap<u64, Exchange> = BTreeMap::new();
        for event in traffic["events"].as_array().into_iter().flatten() {
            let id = event["connection_id"].as_u64().unwrap_or(0);
            let entry = by_connection.entry(id).or_insert(Exchange {
                method: String::new(),
                uri: String::new(),
                headers: Vec::new(),
                status: 0,
                content_type: None,
                body: Vec::new(),
            });
            let action = &event["action"];
            if let Some(request) = action.get("Request") {
                entry.method = request["request"]["method"].as_str().unwrap_or("").into();
                entry.uri = request["request"]["uri"].as_str().unwrap_or("").into();
                for name in MATCHED_HEADERS {
                    if let Some(v) = request["request"]["headers"][name][0].as_str() {
                        entry.headers.push((name.into(), v.into()));
                    }
                }
            } else if let Some(response) = action.get("Response") {
                let ok = &response["response"]["Ok"];
                entry.status = ok["status"].as_u64().unwrap_or(0) as u16;
                entry.content_type = ok["headers"]["content-type"][0].as_str().map(Into::into);
            } else if let Some(data) = action.get("Data") {
                if data["direction"] == "Response" {
                    let text = data["data"]["Utf8"].as_str().unwrap_or("");
                    entry.body.extend_from_slice(text.as_bytes());
                }
            }
        }
        ReplayHttp {
            exchanges: RefCell::new(by_connection.into_values().collect()),
            sent: RefCell::default(),
        }
    }
}

impl Http for ReplayHttp {
    type Body = Vec<u8>;
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let body = String::from_utf8_lossy(request.body).into_owned();
        self.sent
            .borrow_mut()
            .push((request.method.into(), request.url.into(), body));
        let mut exchanges = self.exchanges.borrow_mut();
        let carries = |name: &str| {
            request
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        };
        let position = exchanges.iter().position(|e| {
            e.method == request.method
                && same_uri(&e.uri, request.url)
                && MATCHED_HEADERS.iter().all(|name| {
                    carries(name)
                        == e.headers
                            .iter()
                            .find(|(k, _)| k == name)
                            .map(|(_, v)| v.as_str())
                })
        });
        let exchange = position.map(|i| exchanges.remove(i)).ok_or(HttpError {
            kind: HttpErrorKind::Connect,
        })?;
        Ok(HttpResponse {
            status: exchange.status,
            content_type: exchange
                .content_type
                .and_then(|c| heapless::String::try_from(c.as_str()).ok()),
            body: exchange.body,
        })
    }
}

/// The same URL, with the query's parameters in any order: botocore writes GetRoleCredentials'
/// query as `role_name=..&account_id=..`, some recordings (made with the Rust SDK) the other way.
fn same_uri(recorded: &str, sent: &str) -> bool {
    let split = |u: &str| {
        let (path, query) = u.split_once('?').unwrap_or((u, ""));
        let mut params: Vec<String> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect();
        params.sort();
        (path.trim_end_matches('/').to_string(), params)
    };
    split(recorded) == split(sent)
}

/// The clock of a case: [`NOW`], or an hour before an expected expiry that is earlier (the
/// SDKs' runner fixes the clock; credchain, like the AWS CLI, refuses credentials that are
/// expired when they arrive).
fn case_now(expected: &Value) -> i64 {
    match expected["Ok"]["expiry"].as_i64() {
        Some(expiry) if expiry - 3600 < NOW => expiry - 3600,
        _ => NOW,
    }
}

fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((format!("/{relative}"), std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// Runs one case; `Ok` holds the credentials as the suite's JSON shape. Also the requests sent
/// and the waits between retried attempts (the clock's jitter is one half).
fn run_case(dir: &Path, tree: &str, now: i64) -> (Result<Value, String>, usize, Vec<u32>) {
    let clock = SteppingClock::new(now, 1 << 31);
    let mut sent = 0;
    let result = run_case_with(dir, tree, &clock, &mut sent);
    (result, sent, clock.sleeps.take())
}

fn run_case_with(
    dir: &Path,
    tree: &str,
    clock: &SteppingClock,
    sent: &mut usize,
) -> Result<Value, String> {
    let env_json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("env.json")).unwrap()).unwrap();
    let owned: Vec<(String, String)> = env_json
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    let env: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let fs = MemoryFs::with(files_under(&dir.join("fs")));
    let traffic: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("http-traffic.json")).unwrap())
            .unwrap();
    let http = ReplayHttp::from_traffic(&traffic);
    let paths =
        locate(env.as_slice(), Platform::Unix, Dialect::AwsCli).map_err(|e| e.to_string())?;
    let loaded = block_on(load(&fs, &paths)).map_err(|e| e.to_string())?;
    let files = ConfigFiles::parse(&loaded, Dialect::AwsCli).map_err(|e| e.to_string())?;
    let mut options = Options::default();
    let profile = env
        .iter()
        .find(|(k, _)| *k == "AWS_PROFILE")
        .map_or("default", |(_, v)| *v);
    if tree == "profile-provider" {
        options.set(Setting::Profile, profile);
    }
    let eval = Evaluator::new(&files, env.as_slice(), &options).map_err(|e| e.to_string())?;
    let plan = plan(&eval).map_err(|e| e.to_string())?;
    let io = Io {
        fs: &fs,
        http: &http,
        command: &StdCommand,
        prompt: &NoPrompt,
        clock,
        platform: credchain_core::config::locate::Platform::Unix,
    };
    let result = block_on(execute(&eval, &plan, &io));
    *sent = http.sent.borrow().len();
    let c = result.map_err(|e| e.to_string())?;
    let mut out = serde_json::json!({
        "access_key_id": c.access_key_id(),
        "secret_access_key": c.secret_access_key(),
    });
    if let Some(t) = c.session_token() {
        out["session_token"] = t.into();
    }
    if let Some(a) = c.account_id() {
        out["account_id"] = a.into();
    }
    if let Some(e) = c.expiration() {
        out["expiry"] = e.into();
    }
    Ok(out)
}

#[test]
fn recorded_cases() {
    let expectations = Expectations::load();
    let root = common::conformance_dir().join("cases");
    let mut names = Vec::new();
    for tree in ["default-credential-provider-chain", "profile-provider"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(tree))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        dirs.sort();
        for dir in dirs {
            names.push((tree, dir));
        }
    }
    assert!(
        names.len() >= 31,
        "expected the recorded cases under {}",
        root.display()
    );
    let own = common::project_cases();
    assert!(
        !own.is_empty(),
        "expected credchain's own cases under tests/cases"
    );
    names.extend(own);
    let mut failures = Vec::new();
    for (tree, dir) in &names {
        let name = format!("{tree}/{}", dir.file_name().unwrap().to_string_lossy());
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap())
                .unwrap();
        let expected_all = &expected;
        let expected = &expected["result"];
        let (got, sent, sleeps) = run_case(dir, tree, case_now(expected));
        // credchain's own cases say how many requests are made (retries included).
        let requests = expected_all["credchain"]["requests"].as_u64();
        if requests.is_some_and(|n| n != sent as u64) {
            failures.push(format!(
                "{name}: expected {} requests, {sent} were sent (waits {sleeps:?})",
                requests.unwrap_or(0)
            ));
        }
        let verdict = if let Some(awscli) = phrase(&expectations.awscli_differs, &name) {
            match &got {
                Err(e) if e.contains(awscli) => Ok(()),
                other => Err(format!("the AWS CLI answers \"{awscli}\"; got {other:?}")),
            }
        } else if let Some(ok) = expected.get("Ok") {
            match &got {
                Ok(v) if v == ok => Ok(()),
                other => Err(format!("expected {ok}, got {other:?}")),
            }
        } else {
            // The error wording is credchain's own; an error where one is expected is the match,
            // a file the expectation names in backticks must be named too, and where the cause
            // is known, the error must name it.
            let named_file = expected["ErrorContains"]
                .as_str()
                .and_then(|t| t.split('`').nth(1))
                .filter(|p| p.starts_with('/'));
            let cause = phrase(&expectations.error_causes, &name);
            match &got {
                Err(e) if named_file.is_some_and(|p| !e.contains(p)) => Err(format!(
                    "the error should name {}: {e}",
                    named_file.unwrap_or_default()
                )),
                Err(e) if cause.is_some_and(|c| !e.contains(c)) => Err(format!(
                    "expected an error naming \"{}\", got {e}",
                    cause.unwrap_or("")
                )),
                Err(_) => Ok(()),
                Ok(v) => Err(format!("expected an error ({}), got {v}", expected)),
            }
        };
        if let Err(why) = verdict {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

/// The bearer-token cases (../shared/conformance/cases/default-token-provider-chain) through
/// `token::resolve_token`: the token and its expiry, or an error where one is expected.
#[test]
fn token_cases() {
    let root = common::conformance_dir()
        .join("cases")
        .join("default-token-provider-chain");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 2,
        "expected the token cases under {}",
        root.display()
    );
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let env_json: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("env.json")).unwrap()).unwrap();
        let owned: Vec<(String, String)> = env_json
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
        let env: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let fs = MemoryFs::with(files_under(&dir.join("fs")));
        let traffic: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("http-traffic.json")).unwrap())
                .unwrap();
        let http = ReplayHttp::from_traffic(&traffic);
        let paths = locate(env.as_slice(), Platform::Unix, Dialect::AwsCli).unwrap();
        let loaded = block_on(load(&fs, &paths)).unwrap();
        let files = ConfigFiles::parse(&loaded, Dialect::AwsCli).unwrap();
        let options = Options::default();
        let eval = Evaluator::new(&files, env.as_slice(), &options).unwrap();
        let got = block_on(credchain_core::chain::token::resolve_token(
            &eval,
            &fs,
            &http,
            &FixedClock(NOW),
            credchain_core::config::locate::Platform::Unix,
        ));
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap())
                .unwrap();
        match (&expected["result"]["Ok"], got) {
            (Value::Null, got) => assert!(got.is_err(), "{name}: expected an error, got {got:?}"),
            (ok, Ok(token)) => {
                assert_eq!(ok["token"], token.access_token(), "{name}");
                let expiry =
                    credchain_core::credentials::parse_time(ok["expiration"].as_str().unwrap());
                assert_eq!(expiry, Some(token.expires_at()), "{name}");
            }
            (ok, Err(e)) => panic!("{name}: expected {ok}, got the error {e}"),
        }
        // Nothing in these cases asks for a refresh: no request may be sent.
        assert!(
            http.sent.borrow().is_empty(),
            "{name}: {:?}",
            http.sent.borrow()
        );
    }
}
