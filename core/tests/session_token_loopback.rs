//! STS GetSessionToken (`credchain configure mfa-login`'s call) through the ureq host against a
//! mock STS on 127.0.0.1 that this test starts: the form's parameters (DurationSeconds,
//! SerialNumber, TokenCode) as they arrive, the SigV4 signature recomputed from what arrived
//! with the long-term keys (the unit tests in core/src/services/sts/tests.rs compare a fixed
//! request's signature with botocore's), the answer read, and STS's AccessDenied for a wrong
//! code. Each mock serves a fixed number of
//! connections and stops by itself; requests reach it through AWS_ENDPOINT_URL_STS in an
//! in-memory environment, resolved by `endpoint::sts`.
#![cfg(feature = "ureq")]
// The tests pass STS errors (which keep the service's message inline) around by value.
#![allow(clippy::result_large_err)]

mod common;

use common::memory::FixedClock;
use common::sts_signature::sts_authorization;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::credentials::{parse_time, Credentials, ProviderKind};
use credchain_core::host::UreqHttp;
use credchain_core::io::block_on;
use credchain_core::services::endpoint::{self, Origin};
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::sts::{
    self, ErrorMessage, Mfa, SessionCredentials, SessionTokenParams, StsErrorKind, StsOptions,
    FORM_CONTENT_TYPE,
};
use credchain_core::Dialect;
use credchain_test_support::mock_server::{response, Request, Sequence};
use credchain_test_support::text::assert_contains;

/// 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;
const KEY_ID: &str = "AKIDLONGTERMEXAMPLE";
const SECRET: &str = "longTermSecretKey/EXAMPLE+0001";
const SERIAL: &str = "arn:aws:iam::123456789012:mfa/my-device";
const CODE: &str = "271828";

const ANSWER: &str = r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <AccessKeyId>ASIASESSIONEXAMPLE</AccessKeyId>
      <SecretAccessKey>sessionSecret/Key+EXAMPLE</SecretAccessKey>
      <SessionToken>sessionToken//EXAMPLE==</SessionToken>
      <Expiration>2099-01-02T03:04:05Z</Expiration>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata><RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId></ResponseMetadata>
</GetSessionTokenResponse>"#;

fn long_term(session_token: Option<&str>) -> Credentials {
    Credentials::new(
        ProviderKind::SharedCredentialsFile,
        KEY_ID,
        SECRET,
        session_token,
        None,
        None,
    )
    .unwrap()
}

fn params() -> SessionTokenParams<'static> {
    SessionTokenParams {
        duration_seconds: Some(43200),
        mfa: Some(Mfa {
            serial_number: SERIAL,
            token_code: CODE,
        }),
    }
}

/// GetSessionToken at `url` (through AWS_ENDPOINT_URL_STS, region eu-west-1), one attempt:
/// the answer, or the error's kind and text (checked for the secrets).
fn get_session_token(
    url: &str,
    caller: &Credentials,
) -> Result<SessionCredentials, (StsErrorKind, String)> {
    let config = b"[default]\nregion = eu-west-1\n";
    let files =
        ConfigFiles::from_texts(("/config", Some(config)), ("/creds", None), Dialect::AwsCli)
            .unwrap();
    let env: &[(&str, &str)] = &[("AWS_ENDPOINT_URL_STS", url)];
    let options = Options::default();
    let eval = Evaluator::new(&files, env, &options).unwrap();
    let endpoint = endpoint::sts(&eval).unwrap().for_signing().unwrap();
    assert_eq!(endpoint.origin(), Origin::EnvVar("AWS_ENDPOINT_URL_STS"));
    let options = StsOptions {
        retry: RetryConfig::ONE_ATTEMPT,
        ..StsOptions::default()
    };
    block_on(sts::get_session_token(
        &UreqHttp::new(),
        &FixedClock(NOW),
        &endpoint,
        caller,
        &params(),
        &options,
    ))
    .map_err(|e| {
        let text = e.to_string();
        for secret in [SECRET, CODE] {
            assert!(!text.contains(secret), "{text}");
            assert!(!format!("{e:?}").contains(secret), "{e:?}");
        }
        (e.kind, text)
    })
}

/// The signature recomputed from the request as it arrived, with the long-term keys.
fn recomputed_authorization(got: &Request, session_token: Option<&str>) -> String {
    sts_authorization(got, (KEY_ID, SECRET, session_token), "eu-west-1")
}

#[test]
fn get_session_token_sends_the_device_and_code_signed_with_the_long_term_keys() {
    let server = Sequence::once(response("200 OK", Some("text/xml"), ANSWER));
    let url = server.url().to_owned();
    let session = get_session_token(&url, &long_term(None)).unwrap();
    let got = server.join_one().expect("a request");

    // The answer.
    let c = &session.credentials;
    assert_eq!(c.access_key_id(), "ASIASESSIONEXAMPLE");
    assert_eq!(c.secret_access_key(), "sessionSecret/Key+EXAMPLE");
    assert_eq!(c.session_token(), Some("sessionToken//EXAMPLE=="));
    assert_eq!(c.expiration(), parse_time("2099-01-02T03:04:05Z"));
    assert_eq!(session.expiration_text, "2099-01-02T03:04:05Z");

    // The request: the parameters in botocore's order.
    assert_eq!((got.method.as_str(), got.path.as_str()), ("POST", "/"));
    let host = url.trim_start_matches("http://");
    assert_eq!(got.header("host"), Some(host));
    assert_eq!(got.header("content-type"), Some(FORM_CONTENT_TYPE));
    assert_eq!(got.header("x-amz-date"), Some("20231114T221320Z"));
    assert_eq!(got.header("x-amz-security-token"), None);
    let form = got.form();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        form,
        [
            ("Action", "GetSessionToken"),
            ("Version", "2011-06-15"),
            ("DurationSeconds", "43200"),
            ("SerialNumber", SERIAL),
            ("TokenCode", CODE),
        ]
    );
    assert_eq!(
        got.body,
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=43200\
         &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fmy-device&TokenCode=271828"
    );

    // The signature, recomputed from what arrived.
    let authorization = got.header("authorization").unwrap();
    assert!(
        authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDLONGTERMEXAMPLE/20231114/eu-west-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature="
        ),
        "{authorization}"
    );
    assert_eq!(authorization, recomputed_authorization(&got, None));
    // A request changed on the way would not verify: the check can fail.
    let mut tampered = got.clone();
    tampered.body = tampered.body.replace(CODE, "000000");
    assert_ne!(authorization, recomputed_authorization(&tampered, None));
}

#[test]
fn a_caller_with_a_session_token_signs_it_too() {
    let server = Sequence::once(response("200 OK", Some("text/xml"), ANSWER));
    let url = server.url().to_owned();
    get_session_token(&url, &long_term(Some("callerToken//EXAMPLE"))).unwrap();
    let got = server.join_one().expect("a request");
    assert_eq!(
        got.header("x-amz-security-token"),
        Some("callerToken//EXAMPLE")
    );
    let authorization = got.header("authorization").unwrap();
    assert!(
        authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"),
        "{authorization}"
    );
    assert_eq!(
        authorization,
        recomputed_authorization(&got, Some("callerToken//EXAMPLE"))
    );
}

#[test]
fn a_wrong_code_is_sts_access_denied() {
    let body = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>
  </Error>
  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
</ErrorResponse>"#;
    let server = Sequence::once(response("403 Forbidden", Some("text/xml"), body));
    let url = server.url().to_owned();
    let (kind, text) = get_session_token(&url, &long_term(None)).unwrap_err();
    server.join_one().expect("a request");
    let StsErrorKind::Service {
        status,
        code,
        message: ErrorMessage::Text(message),
    } = kind
    else {
        panic!("{kind:?}")
    };
    assert_eq!((status, code.as_str()), (403, "AccessDenied"));
    assert_eq!(
        message,
        "MultiFactorAuthentication failed with invalid MFA one time pass code."
    );
    assert_contains(
        &text,
        &[
            SERIAL,
            &url,
            "AWS_ENDPOINT_URL_STS",
            "GetSessionToken",
            "HTTP 403 AccessDenied: MultiFactorAuthentication failed",
            "check the MFA code",
        ],
    );
}
