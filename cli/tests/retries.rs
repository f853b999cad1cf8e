//! Retries through the binary: STS calls retried as the AWS CLI's `retry_mode` and
//! `max_attempts` say, non-retryable answers sent once, bad settings refused with the setting
//! and its source named, and `explain` showing the settings in effect. The STS endpoint is a
//! mock on 127.0.0.1; the waits are real (at most a second and two, with standard's jitter).

mod common;

use common::{assume_role_response, Home, MockServer, BASE_CREDENTIALS};

const ROLE: &str = "\
[profile role]
role_arn = arn:aws:iam::123456789012:role/demo
source_profile = base
region = us-east-1
";

const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
                         <Message>Rate exceeded</Message></Error></ErrorResponse>";
const DENIED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                      <Message>not allowed</Message></Error></ErrorResponse>";
const UNAVAILABLE: &str = "<ErrorResponse><Error><Type>Receiver</Type>\
                           <Code>ServiceUnavailable</Code><Message>busy</Message></Error>\
                           </ErrorResponse>";

/// [`export`] against a new STS mock answering every call with `status` and `body`: asserts
/// that the run fails with exit status 254 after `calls` calls, its stderr holding each of
/// `stderr_has`.
#[track_caller]
fn assert_refused_after(
    home: &Home,
    (status, body): (u16, &str),
    vars: &[(&str, &str)],
    calls: usize,
    stderr_has: &[&str],
) {
    let sts = MockServer::start(status, body);
    let run = export(home, &sts, vars);
    assert_eq!(run.code, 254, "{run:#?}");
    run.assert_stderr_has(stderr_has);
    assert_eq!(sts.requests().len(), calls, "{run:#?}");
}

fn export(home: &Home, sts: &MockServer, vars: &[(&str, &str)]) -> common::Run {
    let url = sts.url();
    let mut all = vec![("AWS_ENDPOINT_URL_STS", url.as_str())];
    all.extend_from_slice(vars);
    // Printing the credentials is the point: the secrets check does not apply.
    home.run_revealing(
        &[
            "export-credentials",
            "--profile",
            "role",
            "--format",
            "env-no-export",
        ],
        &all,
    )
}

#[test]
fn a_503_then_200_gives_the_credentials() {
    let home = Home::new(ROLE, BASE_CREDENTIALS);
    home.secret("retriedSecret0001");
    let sts = MockServer::sequence(&[
        (503, UNAVAILABLE.to_string()),
        (
            200,
            assume_role_response("ASIARETRIED0001", "retriedSecret0001", "retriedToken0001"),
        ),
    ]);
    let run = export(&home, &sts, &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains("AWS_ACCESS_KEY_ID=ASIARETRIED0001"),
        "{run:#?}"
    );
    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    // Each attempt is signed on its own.
    assert!(requests
        .iter()
        .all(|r| r.to_lowercase().contains("authorization: aws4-hmac-sha256")));
}

#[test]
fn throttling_is_tried_three_times_then_reported() {
    let home = Home::new(ROLE, BASE_CREDENTIALS);
    assert_refused_after(&home, (400, THROTTLED), &[], 3, &["Throttling"]);
}

#[test]
fn max_attempts_sets_the_attempts_and_access_denied_is_sent_once() {
    let home = Home::new(&format!("{ROLE}max_attempts = 2\n"), BASE_CREDENTIALS);
    assert_refused_after(&home, (503, UNAVAILABLE), &[], 2, &[]);

    // The environment outranks the profile.
    let once = [("AWS_MAX_ATTEMPTS", "1")];
    assert_refused_after(&home, (503, UNAVAILABLE), &once, 1, &[]);

    let adaptive = [("AWS_RETRY_MODE", "adaptive")];
    assert_refused_after(&home, (403, DENIED), &adaptive, 1, &["AccessDenied"]);
}

#[test]
fn bad_retry_settings_name_the_setting_and_its_source() {
    let home = Home::new(&format!("{ROLE}max_attempts = 0\n"), BASE_CREDENTIALS);
    let sts = MockServer::start(403, DENIED);
    let run = export(&home, &sts, &[]);
    assert_eq!(run.code, 255, "{run:#?}");
    run.assert_stderr_has(&["invalid max_attempts 0", ".aws/config", "1 or more"]);
    let run = export(&home, &sts, &[("AWS_MAX_ATTEMPTS", "three")]);
    assert_eq!(run.code, 255, "{run:#?}");
    run.assert_stderr_has(&["invalid max_attempts \"three\" (from AWS_MAX_ATTEMPTS)"]);
    let run = export(
        &home,
        &sts,
        &[("AWS_RETRY_MODE", "legacy"), ("AWS_MAX_ATTEMPTS", "2")],
    );
    assert_eq!(run.code, 255, "{run:#?}");
    run.assert_stderr_has(&[
        "invalid retry_mode \"legacy\" (from AWS_RETRY_MODE)",
        "no legacy mode",
    ]);
    // No call was made.
    assert!(sts.requests().is_empty());
    // Keys that need no service call do not read the retry settings, as in the AWS CLI.
    let run = home.run_revealing(
        &[
            "export-credentials",
            "--profile",
            "base",
            "--format",
            "env-no-export",
        ],
        &[("AWS_RETRY_MODE", "legacy")],
    );
    assert_eq!(run.code, 0, "{run:#?}");
}

#[test]
fn explain_shows_the_retry_settings_and_their_sources() {
    let home = Home::new(&format!("{ROLE}retry_mode = adaptive\n"), BASE_CREDENTIALS);
    let sts = MockServer::start(
        200,
        &assume_role_response("ASIAEXPLAIN00001", "explainSecret0001", "explainToken0001"),
    );
    home.secret("explainSecret0001");
    let url = sts.url();
    let run = home.run_with(
        &["explain", "--profile", "role"],
        &[("AWS_ENDPOINT_URL_STS", &url), ("AWS_MAX_ATTEMPTS", "4")],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains(
            "Retries: retry_mode adaptive (from ~/.aws/config:5), max_attempts 4 (from \
             AWS_MAX_ATTEMPTS)"
        ),
        "{}",
        run.stdout
    );
    let run = home.run_with(
        &["explain", "--profile", "base", "--format", "json"],
        &[("AWS_RETRY_MODE", "Standard")],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["retries"], serde_json::Value::Null);
    assert!(
        json["retries_error"]
            .as_str()
            .is_some_and(|e| e.contains("invalid retry_mode \"Standard\"")),
        "{json}"
    );
    let run = home.run_with(&["explain", "--profile", "base", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["retries"],
        serde_json::json!({
            "retry_mode": {"value": "standard", "source": null},
            "max_attempts": {"value": 3, "source": null},
        })
    );
}
