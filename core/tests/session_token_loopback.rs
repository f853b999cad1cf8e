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
use common::sts_checks::{
    answer_once, answer_xml, assert_credentials, assert_form_post, credentials_xml, error_answer,
    service_error, sts_authorization, with_endpoint, ISSUED_KEYS,
};
use credchain_core::credentials::{Credentials, ProviderKind};
use credchain_core::host::UreqHttp;
use credchain_core::io::block_on;
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::sts::{
    self, Mfa, SessionCredentials, SessionTokenParams, StsErrorKind, StsOptions, StsTarget,
};
use credchain_test_support::mock_server::Request;
use credchain_test_support::text::assert_contains;

/// 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;
const KEY_ID: &str = "AKIDLONGTERMEXAMPLE";
const SECRET: &str = "longTermSecretKey/EXAMPLE+0001";
const SERIAL: &str = "arn:aws:iam::123456789012:mfa/my-device";
const CODE: &str = "271828";

/// STS's answer to GetSessionToken: [`ISSUED_KEYS`].
fn answer() -> String {
    let credentials = credentials_xml(ISSUED_KEYS, "2099-01-02T03:04:05Z");
    answer_xml("GetSessionToken", &credentials)
}

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
    let options = StsOptions {
        retry: RetryConfig::ONE_ATTEMPT,
        ..StsOptions::default()
    };
    with_endpoint(url, |endpoint| {
        block_on(sts::get_session_token(
            &StsTarget {
                http: &UreqHttp::new(),
                clock: &FixedClock(NOW),
                endpoint,
                caller,
                options,
            },
            &params(),
        ))
        .map_err(|e| {
            let text = e.to_string();
            for secret in [SECRET, CODE] {
                assert!(!text.contains(secret), "{text}");
                assert!(!format!("{e:?}").contains(secret), "{e:?}");
            }
            (e.kind, text)
        })
    })
}

/// The signature recomputed from the request as it arrived, with the long-term keys.
fn recomputed_authorization(got: &Request, session_token: Option<&str>) -> String {
    sts_authorization(got, (KEY_ID, SECRET, session_token), "eu-west-1")
}

#[test]
fn get_session_token_sends_the_device_and_code_signed_with_the_long_term_keys() {
    let (session, got, url) = answer_once("200 OK", &answer(), |url| {
        get_session_token(url, &long_term(None)).unwrap()
    });

    // The answer.
    assert_credentials(&session.credentials, ISSUED_KEYS, "2099-01-02T03:04:05Z");
    assert_eq!(session.expiration_text, "2099-01-02T03:04:05Z");

    // The request: the parameters in botocore's order.
    assert_form_post(&got, &url, "20231114T221320Z", None);
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
    let (_, got, _) = answer_once("200 OK", &answer(), |url| {
        get_session_token(url, &long_term(Some("callerToken//EXAMPLE"))).unwrap()
    });
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
    let body = error_answer(
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    );
    let ((kind, text), _, url) = answer_once("403 Forbidden", &body, |url| {
        get_session_token(url, &long_term(None)).unwrap_err()
    });
    assert_eq!(
        service_error(&kind),
        (
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code."
        )
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
