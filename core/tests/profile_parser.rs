//! The SDKs' shared profile-parser vectors, read from ../shared/conformance at test time: each
//! case is run in both dialects against its own expected output (the `.awscli.json` file holds
//! the AWS CLI's reading of the same inputs).

mod common;

use common::soup::soup;
use credchain_core::config::parse::{ConfigFiles, Value};
use credchain_core::Dialect;
use credchain_test_support::conformance::assert_no_failures;
use credchain_test_support::env_number;
use credchain_test_support::random::Rng;
use credchain_test_support::temp_home::TempHome;
use serde_json::{json, Map, Value as Json};

fn value_json(value: &Value<'_>, dialect: Dialect) -> Json {
    if dialect == Dialect::AwsCli && value.is_nested() {
        let mut map = Map::new();
        for (k, v) in value.sub_properties() {
            map.insert(k.to_string(), json!(v));
        }
        Json::Object(map)
    } else {
        json!(value.to_string())
    }
}

/// What credchain reads from a case's input, in the suite's output shape.
fn read(input: &Json, dialect: Dialect) -> Result<Json, String> {
    let config = input.get("configFile").and_then(Json::as_str);
    let creds = input.get("credentialsFile").and_then(Json::as_str);
    let files = ConfigFiles::from_texts(
        ("config", config.map(str::as_bytes)),
        ("credentials", creds.map(str::as_bytes)),
        dialect,
    )
    .map_err(|e| e.to_string())?;
    let mut profiles = Map::new();
    for name in files.profile_names() {
        let name = name.to_string();
        let profile = files.profile(&name).expect("a listed profile exists");
        let mut props = Map::new();
        for p in profile.properties() {
            props.insert(p.key.to_lowercase(), value_json(&p.value, dialect));
        }
        profiles.insert(name, Json::Object(props));
    }
    let mut sessions = Map::new();
    for name in files.sso_session_names() {
        let name = name.to_string();
        let session = files.sso_session(&name).expect("a listed session exists");
        let props = session
            .properties()
            .map(|p| (p.key.to_lowercase(), value_json(&p.value, dialect)))
            .collect();
        sessions.insert(name, Json::Object(props));
    }
    Ok(json!({"profiles": profiles, "sso_sessions": sessions}))
}

fn run_suite(file: &str, dialect: Dialect) {
    let suite = common::conformance_json(&format!("suites/{file}"));
    let mut failures = Vec::new();
    let tests = suite["tests"].as_array().expect("tests");
    for case in tests {
        let name = case["name"].as_str().unwrap();
        let expected = &case["output"];
        let got = read(&case["input"], dialect);
        let ok = match (expected.get("errorContaining"), &got) {
            (Some(needle), Err(message)) => message
                .to_lowercase()
                .contains(&needle.as_str().unwrap().to_lowercase()),
            (None, Ok(got)) => {
                let want = &expected["config"];
                // Sessions are compared only where the case states them.
                got["profiles"] == want["profiles"]
                    && want
                        .get("sso_sessions")
                        .is_none_or(|s| got["sso_sessions"] == *s)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{name}\n  input:    {}\n  expected: {expected}\n  got:      {got:?}",
                case["input"]
            ));
        }
    }
    assert_no_failures(&failures, tests.len());
}

#[test]
fn profile_parser_suite_awscli_dialect() {
    run_suite("profile-parser-tests.awscli.json", Dialect::AwsCli);
}

#[test]
fn profile_parser_suite_sdk_dialect() {
    run_suite("profile-parser-tests.json", Dialect::Sdk);
}

/// Random pairs of files (line soups of headers, properties, comments and odd lines, the
/// scanner's test inputs) read by credchain in the AWS CLI dialect and by botocore as the AWS
/// CLI reads them (tests/difftest/botoparse.py, `session.full_config`, all pairs in one Python
/// process): both refuse the pair, or both read the same profiles and sessions with the same
/// properties and sub-properties. Ignored by a plain `cargo test`: it needs botocore (the
/// difftest stage of tests/run runs it); CREDCHAIN_PARSERDIFF_CASES and
/// CREDCHAIN_PARSERDIFF_SEED change the number of pairs and the seed for runs by hand.
#[test]
#[ignore = "needs botocore: the difftest venv or CREDCHAIN_BOTOCORE_PYTHON"]
fn random_files_read_as_botocore_reads_them() {
    let cases = env_number("CREDCHAIN_PARSERDIFF_CASES").map_or(2000, |n| n as usize);
    let mut rng = Rng(env_number("CREDCHAIN_PARSERDIFF_SEED").unwrap_or(0x9a75_e7d1_ff00_0014));
    let dir = TempHome::new();
    let mut inputs = Vec::new();
    let mut pairs = Vec::new();
    for i in 0..cases {
        // Short files, so that most pairs are read (a long soup nearly always holds a line
        // that both refuse).
        let (config_lines, credentials_lines) = (rng.below(7), rng.below(3));
        let config = soup(&mut rng, config_lines);
        let credentials = soup(&mut rng, credentials_lines);
        let (c, k) = (format!("{i}/config"), format!("{i}/credentials"));
        dir.write(&c, &config);
        dir.write(&k, &credentials);
        pairs.push(json!([dir.file(&c), dir.file(&k)]));
        inputs.push(json!({"configFile": config, "credentialsFile": credentials}));
    }
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/difftest/botoparse.py");
    let python = credchain_test_support::venv_python("CREDCHAIN_BOTOCORE_PYTHON", "difftest-venv")
        .expect("no botocore: run tests/difftest/run first, or set CREDCHAIN_BOTOCORE_PYTHON");
    let mut child = std::process::Command::new(python)
        .arg(&script)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cannot run botocore's Python");
    let stdin = child.stdin.take().unwrap();
    let pairs = Json::Array(pairs);
    let writer = std::thread::spawn(move || serde_json::to_writer(stdin, &pairs).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "botoparse.py failed");
    let theirs: Vec<Json> = serde_json::from_slice(&output.stdout).expect("botoparse.py's JSON");
    assert_eq!(theirs.len(), cases);
    let mut failures = Vec::new();
    let mut refused = 0;
    for (input, theirs) in inputs.iter().zip(&theirs) {
        let ours = read(input, Dialect::AwsCli);
        let agree = match (&ours, theirs.get("error")) {
            (Err(_), Some(_)) => {
                refused += 1;
                true
            }
            (Ok(ours), None) => *ours == *theirs,
            _ => false,
        };
        if !agree {
            failures.push(format!(
                "config:      {:?}\ncredentials: {:?}\ncredchain: {ours:?}\nbotocore:  {theirs}",
                input["configFile"].as_str().unwrap(),
                input["credentialsFile"].as_str().unwrap()
            ));
        }
    }
    assert_no_failures(&failures, cases);
    // Both sides of the parser are reached: a tenth of the pairs or more refused, and read.
    assert!(
        (cases / 10..cases - cases / 10).contains(&refused),
        "{refused} of {cases} refused"
    );
}
