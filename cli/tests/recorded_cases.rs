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

use std::path::Path;
use std::process::Command;

use common::{credchain, MockServer};
use credchain_test_support::recorded::{self, named_file, path_of, phrase, Case};
use serde_json::Value;

const FAKE_TIME: &str = "2021-08-01 00:00:00";

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

fn run_case(case: &Case, fake_time: &str) -> (i32, String, String, Option<String>) {
    let root = tempfile::tempdir().unwrap();
    copy_tree(&case.dir.join("fs"), root.path(), root.path());
    let env = case.env();
    let traffic = case.traffic();
    let exchanges = recorded::exchanges(&traffic);
    // The recorded responses (status and body), one a connection, in connection order.
    let responses: Vec<(u16, String)> = exchanges
        .iter()
        .filter(|e| e.responded)
        .map(|e| (e.status, String::from_utf8_lossy(&e.body).into_owned()))
        .collect();
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
    for (k, v) in &env {
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
            command.env(k, format!("{url}{}", path_of(v)));
            continue;
        }
        let v = if v.starts_with('/') {
            format!("{}{v}", root.path().display())
        } else {
            v.to_string()
        };
        command.env(k, v);
    }
    if case.tree == "profile-provider" {
        command.args(["--profile", &profile]);
    }
    command.env("AWS_ENDPOINT_URL_STS", &url);
    command.env("AWS_ENDPOINT_URL_SSO", &url);
    command.env("AWS_ENDPOINT_URL_SSO_OIDC", &url);
    if !env.iter().any(|(k, _)| k == "AWS_EC2_METADATA_DISABLED") {
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
            // The recorded requests: method, path and query, IMDSv2 headers.
            let expected: Vec<_> = exchanges
                .iter()
                .filter(|e| e.requested)
                .map(|e| (e.method.clone(), e.path().to_string(), e.headers.clone()))
                .collect();
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
    let test_case = case.test_case();
    let mismatch = mismatch.or_else(|| {
        let want = test_case["credchain"]["requests"].as_u64()?;
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
    // The conformance cases, then credchain's own (tests/cases), in the same format.
    recorded::check_credential_cases(|case, name, test_case, expectations| {
        let expected = &test_case["result"];
        let (code, stdout, stderr, mismatch) = run_case(case, &fake_time_for(expected));
        let verdict = if let Some(mismatch) = mismatch {
            Err(mismatch)
        } else if let Some(awscli) = phrase(&expectations.awscli_differs, name) {
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
            match named_file(expected) {
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
        verdict.err().into_iter().collect()
    });
}
