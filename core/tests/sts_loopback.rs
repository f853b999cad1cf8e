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
use common::sts_signature::sts_authorization;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::credentials::ProviderKind;
use credchain_core::credentials::{parse_time, Credentials};
use credchain_core::host::UreqHttp;
use credchain_core::io::{block_on, HttpErrorKind};
use credchain_core::services::endpoint::{self, Origin};
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::sts::{
    self, AssumeRoleParams, ErrorMessage, Mfa, StsErrorKind, StsOptions, WebIdentityParams,
    FORM_CONTENT_TYPE,
};
use credchain_core::Dialect;
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

const ASSUMED: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROA3XFRBF23EXAMPLE:my-session</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/my-session</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAROLEEXAMPLE</AccessKeyId>
      <SecretAccessKey>roleSecret/Key+EXAMPLE</SecretAccessKey>
      <SessionToken>roleSessionToken//EXAMPLE==</SessionToken>
      <Expiration>2099-01-02T03:04:05Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;

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

/// Runs `f` with the STS endpoint resolved for `url` through AWS_ENDPOINT_URL_STS.
fn with_endpoint<R>(url: &str, f: impl FnOnce(&endpoint::Endpoint<'_>) -> R) -> R {
    let config = b"[default]\nregion = eu-west-1\n";
    let files =
        ConfigFiles::from_texts(("/config", Some(config)), ("/creds", None), Dialect::AwsCli)
            .unwrap();
    let env: &[(&str, &str)] = &[("AWS_ENDPOINT_URL_STS", url)];
    let options = Options::default();
    let eval = Evaluator::new(&files, env, &options).unwrap();
    let endpoint = endpoint::sts(&eval).unwrap();
    assert_eq!(endpoint.origin(), Origin::EnvVar("AWS_ENDPOINT_URL_STS"));
    assert_eq!(endpoint.signing_region(), "eu-west-1");
    f(&endpoint)
}

fn assume(url: &str, options: StsOptions) -> Result<sts::AssumedRole, (StsErrorKind, String)> {
    with_endpoint(url, |endpoint| {
        let caller = caller();
        let params = params();
        block_on(sts::assume_role(
            &UreqHttp::new(),
            &STOPPED,
            endpoint,
            &caller,
            &params,
            &options,
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
    let server = Sequence::once(response("200 OK", Some("text/xml"), ASSUMED));
    let url = server.url().to_owned();
    let role = assume(&url, one_attempt()).unwrap();
    let got = server.join_one().expect("a request");

    // The answer.
    let c = &role.credentials;
    assert_eq!(c.access_key_id(), "ASIAROLEEXAMPLE");
    assert_eq!(c.secret_access_key(), "roleSecret/Key+EXAMPLE");
    assert_eq!(c.session_token(), Some("roleSessionToken//EXAMPLE=="));
    assert_eq!(c.expiration(), parse_time("2099-01-02T03:04:05Z"));
    assert_eq!(c.account_id(), Some("123456789012"));
    let user = role.user.unwrap();
    assert_eq!(user.assumed_role_id, "AROA3XFRBF23EXAMPLE:my-session");

    // The request.
    assert_eq!((got.method.as_str(), got.path.as_str()), ("POST", "/"));
    let host = url.trim_start_matches("http://");
    assert_eq!(got.header("host"), Some(host));
    assert_eq!(got.header("content-type"), Some(FORM_CONTENT_TYPE));
    assert_eq!(got.header("x-amz-date"), Some("20231114T221320Z"));
    assert_eq!(got.header("x-amz-security-token"), Some(TOKEN));
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
    let body = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo</Message>
  </Error>
  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
</ErrorResponse>"#;
    let server = Sequence::once(response("403 Forbidden", Some("text/xml"), body));
    let url = server.url().to_owned();
    let (kind, text) = assume(&url, one_attempt()).unwrap_err();
    server.join_one().expect("a request");
    let StsErrorKind::Service {
        status,
        code,
        message,
    } = kind
    else {
        panic!("{kind:?}")
    };
    assert_eq!((status, code.as_str()), (403, "AccessDenied"));
    let ErrorMessage::Text(message) = message else {
        panic!("{message:?}")
    };
    assert!(message.starts_with("User: arn:aws:iam::123456789012:user/dev is not authorized"));
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
fn a_500_without_a_body() {
    assert_refused_once(
        response("500 Internal Server Error", None, ""),
        StsErrorKind::EmptyBody { status: 500 },
        "HTTP 500 with an empty body; STS may be unavailable",
    );
}

#[test]
fn a_200_that_is_not_xml() {
    let (kind, _) = refused_once(response(
        "200 OK",
        Some("application/json"),
        "{\"ok\": true}",
    ));
    assert!(
        matches!(kind, StsErrorKind::WrongContentType { status: 200, ref content_type } if content_type == "application/json"),
        "{kind:?}"
    );
    // Without a content type, the body itself is judged.
    assert_refused_once(
        response("200 OK", None, "hello, world"),
        StsErrorKind::NotXml { status: 200 },
        "not XML; check that the endpoint is an STS endpoint",
    );
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let server = Sequence::once(
        Reply::bytes(response("200 OK", Some("text/xml"), ASSUMED))
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
    let body = ASSUMED
        .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
        .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult");
    let server = Sequence::once(response("200 OK", Some("text/xml"), &body));
    let url = server.url().to_owned();
    let role = with_endpoint(&url, |endpoint| {
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
    .unwrap();
    let got = server.join_one().expect("a request");
    assert_eq!(role.credentials.provider(), ProviderKind::WebIdentity);
    assert_eq!(role.credentials.access_key_id(), "ASIAROLEEXAMPLE");
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
        Reply::response("200 OK", Some("text/xml"), ASSUMED),
    ]);
    let url = server.url().to_owned();
    let role = assume(&url, StsOptions::default()).unwrap();
    let got = server.join();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body);
    assert!(got[1].header("authorization").is_some());
    assert_eq!(role.credentials.provider(), ProviderKind::AssumeRole);
}
