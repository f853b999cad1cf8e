//! A mock STS answering once, and what is checked around it: the SigV4 signature of the request
//! it received, recomputed from what arrived, the form POST's head, the temporary credentials
//! read from its answer and the service error read from its error answer. Shared by
//! the core tests and (through `#[path]`) the CLI's, so that every STS mock checks them the same
//! way.

use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::credentials::{parse_time, Credentials};
use credchain_core::services::endpoint::{self, Endpoint, Origin};
use credchain_core::services::sts::{ErrorMessage, StsErrorKind, FORM_CONTENT_TYPE};
use credchain_core::signing::sigv4::{self, SigningOptions, SigningParams, Timestamp};
use credchain_core::Dialect;
use credchain_test_support::mock_server::{response, Request, Sequence};

/// Who signs: the access key id, the secret access key and the session token, if any.
pub type Keys<'a> = (&'a str, &'a str, Option<&'a str>);

/// The temporary credentials the mock STS answers hand out.
pub const ISSUED_KEYS: Keys = (
    "ASIAISSUEDEXAMPLE",
    "issuedSecret/Key+EXAMPLE",
    Some("issuedSessionToken//EXAMPLE=="),
);

/// The `authorization` header that `keys` give `got` for STS in `region`: its method, path
/// and body, and its `content-type`, `host` and `x-amz-date` as they arrived.
#[track_caller]
pub fn sts_authorization(got: &Request, keys: Keys<'_>, region: &str) -> String {
    let (access_key_id, secret_access_key, session_token) = keys;
    let date = got.header("x-amz-date").expect("an x-amz-date header");
    let time = Timestamp::from_amz_date(date).expect("an x-amz-date");
    let headers = [
        ("content-type", got.header("content-type").unwrap()),
        ("host", got.header("host").unwrap()),
    ];
    let request = sigv4::Request {
        method: &got.method,
        path: &got.path,
        query: &[],
        headers: &headers,
        body: got.body.as_bytes(),
    };
    let signing = SigningParams {
        access_key_id,
        secret_access_key,
        session_token,
        region,
        service: "sts",
        time,
    };
    sigv4::sign(&signing, &request, &SigningOptions::for_service("sts"))
        .unwrap()
        .authorization()
        .to_owned()
}

/// Asserts that `got` is the form POST to `/` of the mock at `url` that an STS client sends
/// at `amz_date` (an `x-amz-date`), with `session_token` (the caller's) sent or not.
#[track_caller]
pub fn assert_form_post(got: &Request, url: &str, amz_date: &str, session_token: Option<&str>) {
    assert_eq!((got.method.as_str(), got.path.as_str()), ("POST", "/"));
    let host = url.trim_start_matches("http://");
    assert_eq!(got.header("host"), Some(host));
    assert_eq!(got.header("content-type"), Some(FORM_CONTENT_TYPE));
    assert_eq!(got.header("x-amz-date"), Some(amz_date));
    assert_eq!(got.header("x-amz-security-token"), session_token);
}

/// Asserts that `c` holds `keys` (the access key id, the secret access key and the session
/// token) and expires at `expiration` (RFC 3339).
#[track_caller]
pub fn assert_credentials(c: &Credentials, keys: Keys<'_>, expiration: &str) {
    assert_eq!(c.access_key_id(), keys.0);
    assert_eq!(c.secret_access_key(), keys.1);
    assert_eq!(c.session_token(), keys.2);
    assert_eq!(c.expiration(), parse_time(expiration));
}

/// Calls `call` with the URL of a mock STS that answers `status` (such as "200 OK") with the
/// XML `body` once: what `call` returned, the request the mock received and its URL.
#[track_caller]
pub fn answer_once<T>(
    status: &str,
    body: &str,
    call: impl FnOnce(&str) -> T,
) -> (T, Request, String) {
    let server = Sequence::once(response(status, Some("text/xml"), body));
    let url = server.url().to_owned();
    let out = call(&url);
    let got = server.join_one().expect("a request");
    (out, got, url)
}

/// STS's error answer: a `Sender` fault with `code` and `message`.
pub fn error_answer(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    \
         <Type>Sender</Type>\n    <Code>{code}</Code>\n    <Message>{message}</Message>\n  \
         </Error>\n  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\n</ErrorResponse>"
    )
}

/// The status, code and message of a service error; panics on any other kind.
#[track_caller]
pub fn service_error(kind: &StsErrorKind) -> (u16, &str, &str) {
    match kind {
        StsErrorKind::Service {
            status,
            code,
            message: ErrorMessage::Text(message),
        } => (*status, code, message),
        _ => panic!("not a service error with a message: {kind:?}"),
    }
}

/// Runs `f` with the STS endpoint resolved for `url` through AWS_ENDPOINT_URL_STS, the region
/// eu-west-1 (checked, and ready for signing).
pub fn with_endpoint<R>(url: &str, f: impl FnOnce(&Endpoint<'_>) -> R) -> R {
    let config = b"[default]\nregion = eu-west-1\n";
    let files =
        ConfigFiles::from_texts(("/config", Some(config)), ("/creds", None), Dialect::AwsCli)
            .unwrap();
    let env: &[(&str, &str)] = &[("AWS_ENDPOINT_URL_STS", url)];
    let options = Options::default();
    let eval = Evaluator::new(&files, env, &options).unwrap();
    let endpoint = endpoint::sts(&eval).unwrap().for_signing().unwrap();
    assert_eq!(endpoint.origin(), Origin::EnvVar("AWS_ENDPOINT_URL_STS"));
    assert_eq!(endpoint.signing_region(), "eu-west-1");
    f(&endpoint)
}

/// The `<Credentials>` element of an STS answer: `keys` (with a session token) and
/// `expiration`.
pub fn credentials_xml(keys: Keys<'_>, expiration: &str) -> String {
    let (id, secret, token) = keys;
    let token = token.expect("temporary credentials have a session token");
    format!(
        "<Credentials>\n      <AccessKeyId>{id}</AccessKeyId>\n      \
         <SecretAccessKey>{secret}</SecretAccessKey>\n      \
         <SessionToken>{token}</SessionToken>\n      \
         <Expiration>{expiration}</Expiration>\n    </Credentials>"
    )
}

/// STS's answer to `operation` (such as "AssumeRole") with `result` inside its
/// `<{operation}Result>`.
pub fn answer_xml(operation: &str, result: &str) -> String {
    format!(
        "<{operation}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
         <{operation}Result>\n    {result}\n  </{operation}Result>\n  <ResponseMetadata>\
         <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>\n\
         </{operation}Response>"
    )
}
