//! The recorded default-chain and profile-provider cases (../shared/conformance/cases) through
//! the real binary: each case's fs/ tree is laid out in a temporary directory (absolute paths in
//! its env.json and config files are moved under it), its recorded responses are served in order
//! by a mock on 127.0.0.1 (AWS_ENDPOINT_URL_STS, _SSO and _SSO_OIDC, which outrank every other
//! endpoint setting;
//! AWS_EC2_METADATA_SERVICE_ENDPOINT; the container URI rewritten to AWS_CONTAINER_CREDENTIALS_FULL_URI
//! on the mock with the recorded path; so no request ever leaves the machine), and
//! `credchain export-credentials` runs under faketime at 2021-08-01, before the recorded expiries
//! (the AWS CLI refuses credentials expired on arrival), or a day before an earlier expected
//! expiry (the container cases expire in 2009). For cases with container or metadata traffic,
//! the requests the mock saw must be the recorded ones: method, path, and the IMDSv2 headers.
//! credchain's own cases (tests/cases, same format) run too, with the request count they
//! name. Expectations match core/tests/cases.rs: the cases where the AWS CLI's answer differs
//! (`awscli_differs`) come from tests/expectations/recorded_cases.json, which both read.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{conformance_dir, credchain, MockServer};
use serde_json::Value;

const FAKE_TIME: &str = "2021-08-01 00:00:00";

/// The cases where the AWS CLI's answer differs from the SDKs' expectation, each with the phrase
/// its error must contain: `awscli_differs` of tests/expectations/recorded_cases.json, read at
/// test time.
fn awscli_differs() -> Vec<(String, String)> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/expectations/recorded_cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    json["awscli_differs"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no awscli_differs list", path.display()))
        .iter()
        .map(|entry| {
            let field = |name: &str| {
                entry[name]
                    .as_str()
                    .unwrap_or_else(|| {
                        panic!("{}: an awscli_differs entry has no {name}", path.display())
                    })
                    .to_string()
            };
            (field("case"), field("error_contains"))
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path, root: &Path) {
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target, root);
        } else {
            // Absolute paths in the files (`web_identity_token_file = /token.jwt`) move under
            // the case's root.
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let moved = text.replace("= /", &format!("= {}/", root.display()));
            std::fs::write(&target, moved).unwrap();
        }
    }
}

/// The recorded responses (status and body), one a connection, in connection order.
fn recorded_responses(traffic: &Value) -> Vec<(u16, String)> {
    let mut by_connection = std::collections::BTreeMap::<u64, (u16, String)>::new();
    for event in traffic["events"].as_array().into_iter().flatten() {
        let id = event["connection_id"].as_u64().unwrap_or(0);
        let action = &event["action"];
        if let Some(r) = action.get("Response") {
            let status = r["response"]["Ok"]["status"].as_u64().unwrap_or(0) as u16;
            by_connection.entry(id).or_default().0 = status;
        } else if let Some(d) = action.get("Data") {
            if d["direction"] == "Response" {
                by_connection
                    .entry(id)
                    .or_default()
                    .1
                    .push_str(d["data"]["Utf8"].as_str().unwrap_or(""));
            }
        }
    }
    by_connection.into_values().collect()
}

/// A recorded request: method, path and query, IMDSv2 headers.
type Recorded = (String, String, Vec<(String, String)>);

/// The recorded requests, in connection order.
fn recorded_requests(traffic: &Value) -> Vec<Recorded> {
    let mut by_connection = std::collections::BTreeMap::new();
    for event in traffic["events"].as_array().into_iter().flatten() {
        if let Some(r) = event["action"].get("Request") {
            let uri = r["request"]["uri"].as_str().unwrap_or("");
            let path = uri
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
                .unwrap_or_else(|| "/".into());
            let headers = [
                "x-aws-ec2-metadata-token",
                "x-aws-ec2-metadata-token-ttl-seconds",
            ]
            .iter()
            .filter_map(|name| {
                r["request"]["headers"][*name][0]
                    .as_str()
                    .map(|v| (name.to_string(), v.to_string()))
            })
            .collect();
            by_connection.insert(
                event["connection_id"].as_u64().unwrap_or(0),
                (
                    r["request"]["method"].as_str().unwrap_or("").to_string(),
                    path,
                    headers,
                ),
            );
        }
    }
    by_connection.into_values().collect()
}

/// The faketime of a case: [`FAKE_TIME`], or a day before an expected expiry that is earlier.
fn fake_time_for(expected: &Value) -> String {
    let fake = credchain_core::credentials::parse_time("2021-08-01T00:00:00Z").unwrap();
    match expected["Ok"]["expiry"].as_i64() {
        Some(expiry) if expiry - 86_400 < fake => {
            let mut text = String::new();
            credchain_core::credentials::write_isoformat(&mut text, expiry - 86_400).unwrap();
            // 2009-02-12T23:31:30+00:00 -> 2009-02-12 23:31:30
            text[..19].replace('T', " ")
        }
        _ => FAKE_TIME.to_string(),
    }
}

fn run_case(dir: &Path, tree: &str, fake_time: &str) -> (i32, String, String, Option<String>) {
    let root = tempfile::tempdir().unwrap();
    copy_tree(&dir.join("fs"), root.path(), root.path());
    let env: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("env.json")).unwrap()).unwrap();
    let traffic: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("http-traffic.json")).unwrap())
            .unwrap();
    let responses = recorded_responses(&traffic);
    let server = (!responses.is_empty()).then(|| MockServer::sequence(&responses));
    let mut command = Command::new("faketime");
    command
        .arg(fake_time)
        .arg(credchain())
        .arg("export-credentials")
        .env_clear();
    command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    let mut profile = "default".to_string();
    // Every call goes to the loopback mock; with no recording, to a closed loopback port.
    let url = server
        .as_ref()
        .map_or("http://127.0.0.1:9".to_string(), |s| s.url());
    for (k, v) in env.as_object().unwrap() {
        let v = v.as_str().unwrap_or("");
        if k == "AWS_PROFILE" {
            profile = v.to_string();
        }
        // The container endpoint moves to the mock, keeping the recorded path: the relative
        // URI (always on 169.254.170.2) becomes a full URI on 127.0.0.1.
        if k == "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" {
            command.env("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{url}{v}"));
            continue;
        }
        if k == "AWS_CONTAINER_CREDENTIALS_FULL_URI" {
            let path = v
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                .unwrap_or("/");
            command.env(k, format!("{url}{path}"));
            continue;
        }
        let v = if v.starts_with('/') {
            format!("{}{v}", root.path().display())
        } else {
            v.to_string()
        };
        command.env(k, v);
    }
    if tree == "profile-provider" {
        command.args(["--profile", &profile]);
    }
    command.env("AWS_ENDPOINT_URL_STS", &url);
    command.env("AWS_ENDPOINT_URL_SSO", &url);
    command.env("AWS_ENDPOINT_URL_SSO_OIDC", &url);
    if !env
        .as_object()
        .unwrap()
        .contains_key("AWS_EC2_METADATA_DISABLED")
    {
        // Never reach for 169.254.169.254: the metadata service is the mock too.
        command.env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url);
    }
    let out = command
        .output()
        .expect("faketime runs (tests/run installs it: apt-get install faketime)");
    // With container or metadata traffic, the requests must be the recorded ones.
    let traffic_text = traffic.to_string();
    let mismatch = match &server {
        Some(server) if traffic_text.contains("http://169.254.") => {
            let expected = recorded_requests(&traffic);
            let seen = server.requests();
            let same = seen.len() == expected.len()
                && seen
                    .iter()
                    .zip(&expected)
                    .all(|(request, (method, path, headers))| {
                        let head = request.to_lowercase();
                        request.starts_with(&format!("{method} {path} HTTP/1.1\r\n"))
                            && headers
                                .iter()
                                .all(|(k, v)| head.contains(&format!("{k}: {}", v.to_lowercase())))
                    });
            (!same).then(|| format!("expected requests {expected:?}, the mock saw {seen:?}"))
        }
        _ => None,
    };
    // credchain's own cases say how many requests are made (retries included).
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap())
            .unwrap();
    let mismatch = mismatch.or_else(|| {
        let want = case["credchain"]["requests"].as_u64()?;
        let seen = server.as_ref().map_or(0, |s| s.requests().len()) as u64;
        (seen != want).then(|| format!("expected {want} requests, the mock saw {seen}"))
    });
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        mismatch,
    )
}

#[test]
fn recorded_cases_through_the_binary() {
    let differs = awscli_differs();
    let root = conformance_dir().join("cases");
    let mut dirs: Vec<(&str, PathBuf)> = Vec::new();
    for tree in ["default-credential-provider-chain", "profile-provider"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(tree))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        found.sort();
        dirs.extend(found.into_iter().map(|d| (tree, d)));
    }
    assert!(dirs.len() >= 31);
    // And credchain's own cases (tests/cases), in the same format.
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases");
    let before = dirs.len();
    for tree in ["default-credential-provider-chain", "profile-provider"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(own.join(tree))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        found.sort();
        dirs.extend(found.into_iter().map(|d| (tree, d)));
    }
    assert!(
        dirs.len() > before,
        "expected credchain's own cases under tests/cases"
    );
    let mut failures = Vec::new();
    for (tree, dir) in &dirs {
        let name = format!("{tree}/{}", dir.file_name().unwrap().to_string_lossy());
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap())
                .unwrap();
        let expected = &expected["result"];
        let (code, stdout, stderr, mismatch) = run_case(dir, tree, &fake_time_for(expected));
        let verdict = if let Some(mismatch) = mismatch {
            Err(mismatch)
        } else if let Some((_, awscli)) = differs.iter().find(|(n, _)| *n == name) {
            if code == 253 && stderr.contains(awscli) {
                Ok(())
            } else {
                Err(format!(
                    "the AWS CLI says \"{awscli}\": exit {code}, {stderr}"
                ))
            }
        } else if let Some(ok) = expected.get("Ok") {
            match serde_json::from_str::<Value>(&stdout) {
                Ok(got) if code == 0 => {
                    let same = got["AccessKeyId"] == ok["access_key_id"]
                        && got["SecretAccessKey"] == ok["secret_access_key"]
                        && got.get("SessionToken") == ok.get("session_token")
                        && (ok.get("account_id").is_none()
                            || got.get("AccountId") == ok.get("account_id"));
                    let expiry_ok = match ok.get("expiry").and_then(Value::as_i64) {
                        None => got.get("Expiration").is_none(),
                        Some(e) => {
                            got["Expiration"]
                                .as_str()
                                .and_then(credchain_core::credentials::parse_time)
                                == Some(e)
                        }
                    };
                    if same && expiry_ok {
                        Ok(())
                    } else {
                        Err(format!("expected {ok}, got {got}"))
                    }
                }
                _ => Err(format!(
                    "expected {ok}: exit {code}, stdout {stdout}, stderr {stderr}"
                )),
            }
        } else if (253..=255).contains(&code) {
            // A file the expectation names in backticks must be named too (under the case's
            // temporary root).
            match expected["ErrorContains"]
                .as_str()
                .and_then(|t| t.split('`').nth(1))
                .filter(|p| p.starts_with('/'))
            {
                Some(file) if !stderr.contains(file) => {
                    Err(format!("the error should name {file}: {stderr}"))
                }
                _ => Ok(()),
            }
        } else {
            Err(format!(
                "expected an error ({expected}): exit {code}, {stdout}"
            ))
        };
        if let Err(why) = verdict {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
