//! STS AssumeRole and AssumeRoleWithWebIdentity through the ureq host against a mock STS on
//! 127.0.0.1 that this test starts. Each mock serves a fixed number of connections and stops by
//! itself (accepting for at most a few seconds, every read with a timeout). Requests reach it
//! through AWS_ENDPOINT_URL_STS in an in-memory environment, resolved by `endpoint::sts`.
#![cfg(feature = "ureq")]
// The tests pass STS errors (which keep the service's message inline) around by value.
#![allow(clippy::result_large_err)]

mod common;

use std::time::{Duration, Instant};

use common::memory::FixedClock;
use common::sts_checks::{
    answer_once, answer_xml, assert_credentials, assert_form_post, credentials_xml, error_answer,
    service_error, sts_authorization, with_endpoint, ISSUED_KEYS,
};
use credchain_core::credentials::Credentials;
use credchain_core::credentials::ProviderKind;
use credchain_core::host::UreqHttp;
use credchain_core::io::{block_on, HttpErrorKind};
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::sts::{
    self, AssumeRoleParams, Mfa, StsErrorKind, StsOptions, StsTarget, WebIdentityParams,
};
use credchain_test_support::mock_server::{response, Reply, Sequence};
use credchain_test_support::text::assert_contains;

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";
const NOW: i64 = 1_700_000_000;

/// The time stopped at NOW: retries do not wait, and their jitter is 0.
const STOPPED: FixedClock = FixedClock(NOW);

/// AssumeRole, one attempt, against a mock answering `reply` once: the error (the mock must
/// have been asked).
fn refused_once(reply: impl Into<Reply>) -> (StsErrorKind, String) {
    let server = Sequence::once(reply);
    let err = assume(server.url(), one_attempt()).unwrap_err();
    server.join_one().expect("a request");
    err
}

/// Asserts that STS answering `reply` once is refused as `kind`, the message holding `phrase`.
#[track_caller]
fn assert_refused_once(reply: impl Into<Reply>, kind: StsErrorKind, phrase: &str) {
    let (got, text) = refused_once(reply);
    assert_eq!(got, kind);
    assert_contains(&text, &[phrase]);
}

/// The defaults with one attempt: the mock answers one request.
fn one_attempt() -> StsOptions {
    StsOptions {
        retry: RetryConfig::ONE_ATTEMPT,
        ..StsOptions::default()
    }
}
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN//+==";

/// STS's answer to `operation` (AssumeRole or AssumeRoleWithWebIdentity): [`ISSUED_KEYS`].
fn assumed_by(operation: &str) -> String {
    let user = "<AssumedRoleUser>\n      \
                <AssumedRoleId>AROA3XFRBF23EXAMPLE:my-session</AssumedRoleId>\n      \
                <Arn>arn:aws:sts::123456789012:assumed-role/demo/my-session</Arn>\n    \
                </AssumedRoleUser>";
    let credentials = credentials_xml(ISSUED_KEYS, "2099-01-02T03:04:05Z");
    answer_xml(operation, &format!("{user}\n    {credentials}"))
}

/// STS's answer to AssumeRole.
fn assumed() -> String {
    assumed_by("AssumeRole")
}

fn caller() -> Credentials {
    Credentials::new(
        ProviderKind::SharedCredentialsFile,
        "AKIDEXAMPLE",
        SECRET,
        Some(TOKEN),
        None,
        None,
    )
    .unwrap()
}

fn params() -> AssumeRoleParams<'static> {
    AssumeRoleParams {
        role_arn: ROLE,
        role_session_name: "my-session",
        external_id: Some("ext-123"),
        mfa: Some(Mfa {
            serial_number: "arn:aws:iam::123456789012:mfa/me",
            token_code: "271828",
        }),
        duration_seconds: Some(1800),
    }
}

fn assume(url: &str, options: StsOptions) -> Result<sts::AssumedRole, (StsErrorKind, String)> {
    with_endpoint(url, |endpoint| {
        let caller = caller();
        let params = params();
        block_on(sts::assume_role(
            &StsTarget {
                http: &UreqHttp::new(),
                clock: &STOPPED,
                endpoint,
                caller: &caller,
                options,
            },
            &params,
        ))
        .map_err(|e| {
            let text = e.to_string();
            for secret in [SECRET, TOKEN, "271828"] {
                assert!(!text.contains(secret), "{text}");
                assert!(!format!("{e:?}").contains(secret), "{e:?}");
            }
            (e.kind, text)
        })
    })
}

#[test]
fn assume_role_is_signed_and_its_answer_read() {
    let (role, got, url) = answer_once("200 OK", &assumed(), |url| {
        assume(url, one_attempt()).unwrap()
    });

    // The answer.
    assert_credentials(&role.credentials, ISSUED_KEYS, "2099-01-02T03:04:05Z");
    assert_eq!(role.credentials.account_id(), Some("123456789012"));
    let user = role.user.unwrap();
    assert_eq!(user.assumed_role_id, "AROA3XFRBF23EXAMPLE:my-session");

    // The request.
    assert_form_post(&got, &url, "20231114T221320Z", Some(TOKEN));
    assert_eq!(
        got.header("content-length"),
        Some(got.body.len().to_string().as_str())
    );
    let form = got.form();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("Action"), Some("AssumeRole"));
    assert_eq!(field("Version"), Some("2011-06-15"));
    assert_eq!(field("RoleArn"), Some(ROLE));
    assert_eq!(field("RoleSessionName"), Some("my-session"));
    assert_eq!(field("ExternalId"), Some("ext-123"));
    assert_eq!(
        field("SerialNumber"),
        Some("arn:aws:iam::123456789012:mfa/me")
    );
    assert_eq!(field("TokenCode"), Some("271828"));
    assert_eq!(field("DurationSeconds"), Some("1800"));
    assert_eq!(form.len(), 8, "{form:?}");

    // The signature, recomputed from what arrived.
    let authorization = got.header("authorization").unwrap();
    assert!(
        authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/eu-west-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
        ),
        "{authorization}"
    );
    assert_eq!(
        authorization,
        sts_authorization(&got, ("AKIDEXAMPLE", SECRET, Some(TOKEN)), "eu-west-1")
    );
}

#[test]
fn access_denied_surfaces_code_and_message() {
    let message = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: \
                   sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo";
    let body = error_answer("AccessDenied", message);
    let ((kind, text), _, url) = answer_once("403 Forbidden", &body, |url| {
        assume(url, one_attempt()).unwrap_err()
    });
    assert_eq!(service_error(&kind), (403, "AccessDenied", message));
    assert_contains(
        &text,
        &[
            ROLE,
            &url,
            "AWS_ENDPOINT_URL_STS",
            "HTTP 403 AccessDenied: User:",
            "trust policy",
        ],
    );
}

#[test]
fn answers_that_are_not_sts_answers() {
    let (kind, _) = refused_once(response(
        "200 OK",
        Some("application/json"),
        "{\"ok\": true}",
    ));
    assert!(
        matches!(kind, StsErrorKind::WrongContentType { status: 200, ref content_type } if content_type == "application/json"),
        "{kind:?}"
    );
    let refusals = [
        (
            response("500 Internal Server Error", None, ""),
            StsErrorKind::EmptyBody { status: 500 },
            "HTTP 500 with an empty body; STS may be unavailable",
        ),
        // Without a content type, the body itself is judged.
        (
            response("200 OK", None, "hello, world"),
            StsErrorKind::NotXml { status: 200 },
            "not XML; check that the endpoint is an STS endpoint",
        ),
    ];
    for (answer, kind, phrase) in refusals {
        assert_refused_once(answer, kind, phrase);
    }
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let server = Sequence::once(
        Reply::bytes(response("200 OK", Some("text/xml"), assumed()))
            .after(Duration::from_millis(1500)),
    );
    let url = server.url().to_owned();
    let started = Instant::now();
    let options = StsOptions {
        timeout_ms: 300,
        ..one_attempt()
    };
    let (kind, text) = assume(&url, options).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            kind,
            StsErrorKind::Http {
                kind: HttpErrorKind::Timeout,
                timeout_ms: 300,
                ..
            }
        ),
        "{kind:?}"
    );
    assert!(text.contains("did not answer within 300 ms"), "{text}");
    server.join_one().expect("a request");
}

#[test]
fn web_identity_is_unsigned() {
    let body = assumed_by("AssumeRoleWithWebIdentity");
    let (role, got, _) = answer_once("200 OK", &body, |url| {
        with_endpoint(url, |endpoint| {
            let params = WebIdentityParams {
                role_arn: ROLE,
                role_session_name: &sts::generated_session_name(NOW),
                web_identity_token: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            };
            block_on(sts::assume_role_with_web_identity(
                &UreqHttp::new(),
                &STOPPED,
                endpoint,
                &params,
                &StsOptions::default(),
            ))
            .map_err(|e| e.to_string())
        })
        .unwrap()
    });
    assert_eq!(role.credentials.provider(), ProviderKind::WebIdentity);
    assert_eq!(role.credentials.access_key_id(), ISSUED_KEYS.0);
    assert_eq!((got.method.as_str(), got.path.as_str()), ("POST", "/"));
    for unsigned in ["authorization", "x-amz-date", "x-amz-security-token"] {
        assert_eq!(got.header(unsigned), None, "{unsigned}");
    }
    let form = got.form();
    let expect = [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", ROLE),
        ("RoleSessionName", "botocore-session-1700000000"),
        (
            "WebIdentityToken",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
        ),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(form, expect);
}

#[test]
fn a_503_is_retried_on_a_new_connection_and_the_200_read() {
    let server = Sequence::start(vec![
        Reply::response(
            "503 Service Unavailable",
            Some("text/xml"),
            "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>\
                 <Message>busy</Message></Error></ErrorResponse>",
        ),
        Reply::response("200 OK", Some("text/xml"), assumed()),
    ]);
    let url = server.url().to_owned();
    let role = assume(&url, StsOptions::default()).unwrap();
    let got = server.join();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body);
    assert!(got[1].header("authorization").is_some());
    assert_eq!(role.credentials.provider(), ProviderKind::AssumeRole);
}
