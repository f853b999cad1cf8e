//! The recorded cases: directories in the conformance cases' format (`env.json`, `fs/`,
//! `http-traffic.json`, `test-case.json`), from the shared conformance data
//! (`cases/<tree>/<case>`) and credchain's own (`tests/cases/<tree>/<case>`); the recorded HTTP
//! exchanges a replay serves; and tests/expectations/recorded_cases.json.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::conformance::{conformance_dir, read_json};

/// The trees of credential cases, in the order they run.
pub const CREDENTIAL_TREES: [&str; 2] = ["default-credential-provider-chain", "profile-provider"];

/// The tree of bearer-token cases.
pub const TOKEN_TREE: &str = "default-token-provider-chain";

/// The recorded metadata headers that a request must carry with the same value: the IMDSv2
/// token and its TTL (other headers, such as the container's `Authorization`, are not
/// recorded, or are the SDK's own).
pub const MATCHED_HEADERS: [&str; 2] = [
    "x-aws-ec2-metadata-token",
    "x-aws-ec2-metadata-token-ttl-seconds",
];

/// One recorded case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its tree (`profile-provider`, ...).
    pub tree: &'static str,
    /// Its directory.
    pub dir: PathBuf,
}

impl Case {
    /// The case's directory name.
    pub fn dir_name(&self) -> String {
        self.dir.file_name().unwrap().to_string_lossy().into_owned()
    }

    /// `tree/case`, as the expectations file names it.
    pub fn name(&self) -> String {
        format!("{}/{}", self.tree, self.dir_name())
    }

    /// Its `env.json`, as (name, value) pairs (a value that is not a string is empty).
    pub fn env(&self) -> Vec<(String, String)> {
        read_json(&self.dir.join("env.json"))
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect()
    }

    /// Its `http-traffic.json`.
    pub fn traffic(&self) -> Value {
        read_json(&self.dir.join("http-traffic.json"))
    }

    /// Its `test-case.json`.
    pub fn test_case(&self) -> Value {
        read_json(&self.dir.join("test-case.json"))
    }

    /// Its `fs/` tree, each file by its absolute path in the case (`fs/home/x` is `/home/x`).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let root = self.dir.join("fs");
        crate::file_tree::files_under(&root)
            .into_iter()
            .map(|(path, contents)| {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (format!("/{relative}"), contents)
            })
            .collect()
    }
}

/// Borrowed (name, value) pairs, the environment shape core's functions take.
pub fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The case directories of `root/tree`, sorted; none if it does not exist.
fn cases_in(root: &Path, tree: &'static str) -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(tree))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.into_iter().map(|dir| Case { tree, dir }).collect()
}

/// The shared conformance data's cases of `trees`, tree by tree, each sorted.
pub fn conformance_cases(trees: &[&'static str]) -> Vec<Case> {
    let root = conformance_dir().join("cases");
    trees
        .iter()
        .flat_map(|tree| cases_in(&root, tree))
        .collect()
}

/// credchain's own credential cases (`tests/cases/<tree>/<case>`), tree by tree, each sorted.
pub fn project_cases() -> Vec<Case> {
    let root = crate::repository_root().join("tests/cases");
    CREDENTIAL_TREES
        .iter()
        .flat_map(|tree| cases_in(&root, tree))
        .collect()
}

/// Every credential case: the conformance data's (at least the 31 recorded ones) and then
/// credchain's own (at least one); panics if either is missing.
pub fn credential_cases() -> Vec<Case> {
    let mut cases = conformance_cases(&CREDENTIAL_TREES);
    assert!(
        cases.len() >= 31,
        "expected the recorded cases under {}",
        conformance_dir().join("cases").display()
    );
    let own = project_cases();
    assert!(
        !own.is_empty(),
        "expected credchain's own cases under tests/cases"
    );
    cases.extend(own);
    cases
}

/// Runs `check` on every credential case ([`credential_cases`]) and asserts that none failed,
/// listing every failure as `name: why`. `check` is given the case, its name, its whole
/// `test-case.json` and the expectations file, and returns why the case failed (nothing when
/// it passed).
#[track_caller]
pub fn check_credential_cases(check: impl Fn(&Case, &str, &Value, &Expectations) -> Vec<String>) {
    let expectations = Expectations::load();
    let cases = credential_cases();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.name();
        let whys = check(case, &name, &case.test_case(), &expectations);
        failures.extend(whys.into_iter().map(|why| format!("{name}: {why}")));
    }
    crate::conformance::assert_no_failures(&failures, cases.len());
}

/// One recorded connection: the request and the response.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    /// Whether a request was recorded on this connection.
    pub requested: bool,
    /// Whether a response (its status or any of its body) was recorded.
    pub responded: bool,
    /// The request's method.
    pub method: String,
    /// The request's full URI.
    pub uri: String,
    /// The request's [`MATCHED_HEADERS`] that were recorded, (name, value).
    pub headers: Vec<(String, String)>,
    /// The response's status.
    pub status: u16,
    /// The response's content type, if recorded.
    pub content_type: Option<String>,
    /// The response's body.
    pub body: Vec<u8>,
}

impl Exchange {
    /// The path and query of the request's URI.
    pub fn path(&self) -> &str {
        path_of(&self.uri)
    }
}

/// The path and query of an absolute URL (`/` if it has none).
pub fn path_of(url: &str) -> &str {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/")
}

/// The exchanges of a recorded `http-traffic.json`, one a connection, in connection order.
pub fn exchanges(traffic: &Value) -> Vec<Exchange> {
    let mut by_connection: BTreeMap<u64, Exchange> = BTreeMap::new();
    for event in traffic["events"].as_array().into_iter().flatten() {
        let id = event["connection_id"].as_u64().unwrap_or(0);
        let action = &event["action"];
        if let Some(request) = action.get("Request") {
            let entry = by_connection.entry(id).or_default();
            let request = &request["request"];
            entry.requested = true;
            entry.method = request["method"].as_str().unwrap_or("").into();
            entry.uri = request["uri"].as_str().unwrap_or("").into();
            for name in MATCHED_HEADERS {
                if let Some(v) = request["headers"][name][0].as_str() {
                    entry.headers.push((name.into(), v.into()));
                }
            }
        } else if let Some(response) = action.get("Response") {
            let entry = by_connection.entry(id).or_default();
            let ok = &response["response"]["Ok"];
            entry.responded = true;
            entry.status = ok["status"].as_u64().unwrap_or(0) as u16;
            entry.content_type = ok["headers"]["content-type"][0].as_str().map(Into::into);
        } else if let Some(data) = action.get("Data") {
            let entry = by_connection.entry(id).or_default();
            if data["direction"] == "Response" {
                entry.responded = true;
                let text = data["data"]["Utf8"].as_str().unwrap_or("");
                entry.body.extend_from_slice(text.as_bytes());
            }
        }
    }
    by_connection.into_values().collect()
}

/// The same URL, with the query's parameters in any order: botocore writes GetRoleCredentials'
/// query as `role_name=..&account_id=..`, some recordings (made with the Rust SDK) the other way.
pub fn same_uri(recorded: &str, sent: &str) -> bool {
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

/// A case of tests/expectations/recorded_cases.json and the phrase its error must contain.
#[derive(Debug, Clone)]
pub struct Expected {
    /// `tree/case`.
    pub case: String,
    /// The phrase.
    pub error_contains: String,
}

/// The lists of tests/expectations/recorded_cases.json, read at test time (shared by the core
/// replay, the binary's run and the npm package's).
#[derive(Debug, Clone)]
pub struct Expectations {
    /// Cases where the AWS CLI's answer differs from the SDKs' expectation.
    pub awscli_differs: Vec<Expected>,
    /// Error cases whose error must name its cause.
    pub error_causes: Vec<Expected>,
}

impl Expectations {
    /// Reads tests/expectations/recorded_cases.json; panics naming the file on a bad entry.
    pub fn load() -> Expectations {
        let path = crate::repository_root().join("tests/expectations/recorded_cases.json");
        let json = read_json(&path);
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
pub fn phrase<'a>(list: &'a [Expected], case: &str) -> Option<&'a str> {
    list.iter()
        .find(|e| e.case == case)
        .map(|e| e.error_contains.as_str())
}

/// A file an expected error names in backticks (an absolute path), if any: an error must then
/// name it too.
pub fn named_file(expected: &Value) -> Option<&str> {
    expected["ErrorContains"]
        .as_str()
        .and_then(|t| t.split('`').nth(1))
        .filter(|p| p.starts_with('/'))
}
