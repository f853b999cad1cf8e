//! STS AssumeRole and AssumeRoleWithWebIdentity through the ureq host against a mock STS on
//! 127.0.0.1 that this test starts. Each mock serves a fixed number of connections and stops by
//! itself (accepting for at most a few seconds, every read with a timeout). Requests reach it
//! through AWS_ENDPOINT_URL_STS in an in-memory environment, resolved by `endpoint::sts`.
#![cfg(feature = "ureq")]
// The tests pass STS errors (which keep the service's message inline) around by value.
#![allow(clippy::result_large_err)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::credentials::ProviderKind;
use credchain_core::credentials::{parse_time, Credentials};
use credchain_core::host::UreqHttp;
use credchain_core::io::{block_on, Clock, HttpErrorKind};
use credchain_core::services::endpoint::{self, Origin};
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::sts::{
    self, AssumeRoleParams, ErrorMessage, Mfa, StsErrorKind, StsOptions, WebIdentityParams,
    FORM_CONTENT_TYPE,
};
use credchain_core::signing::sigv4::{self, SigningOptions, SigningParams, Timestamp};
use credchain_core::Dialect;

/// How long a mock waits for a connection before it stops.
const ACCEPT_FOR: Duration = Duration::from_secs(10);
/// Every read from a client gives up after this.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// A request as the mock received it.
#[derive(Debug, Default)]
struct Received {
    method: String,
    path: String,
    /// (lower-case name, value), in order.
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The form body's fields, decoded.
    fn form(&self) -> Vec<(String, String)> {
        self.body
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Starts a mock that answers one connection with `response` after `delay`, and returns its
/// URL and a handle that yields the request it received.
fn mock(response: String, delay: Duration) -> (String, thread::JoinHandle<Received>) {
    let (url, handle) = mock_sequence(vec![response], delay);
    (url, thread::spawn(move || handle.join().unwrap().remove(0)))
}

/// Answers one connection with each response in turn; the requests, in order.
fn mock_sequence(
    responses: Vec<String>,
    delay: Duration,
) -> (String, thread::JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        responses
            .iter()
            .map(|response| serve_one(&listener, response, delay))
            .collect()
    });
    (url, handle)
}

fn serve_one(listener: &TcpListener, response: &str, delay: Duration) -> Received {
    {
        let deadline = Instant::now() + ACCEPT_FOR;
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Err(e) => panic!("no request within {ACCEPT_FOR:?}: {e}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut buf).expect("reading the request head");
            assert!(n > 0, "the client closed before the head ended");
            data.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8(data[..head_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap().split(' ');
        let mut received = Received {
            method: request_line.next().unwrap().into(),
            path: request_line.next().unwrap().into(),
            ..Received::default()
        };
        for line in lines.filter(|l| !l.is_empty()) {
            let (k, v) = line.split_once(':').unwrap();
            received
                .headers
                .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        let length: usize = received
            .header("content-length")
            .map_or(0, |v| v.parse().unwrap());
        while data.len() < head_end + length {
            let n = stream.read(&mut buf).expect("reading the request body");
            assert!(n > 0, "the client closed before the body ended");
            data.extend_from_slice(&buf[..n]);
        }
        received.body = String::from_utf8(data[head_end..head_end + length].to_vec()).unwrap();
        thread::sleep(delay);
        // The client may have given up (the timeout test): a failed write is expected then.
        let _ = stream.write_all(response.as_bytes());
        received
    }
}

fn http_response(status: &str, content_type: Option<&str>, body: &str) -> String {
    let ct = content_type.map_or(String::new(), |c| format!("content-type: {c}\r\n"));
    format!(
        "HTTP/1.1 {status}\r\n{ct}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";
const NOW: i64 = 1_700_000_000;

/// The time stopped at NOW: retries do not wait, and their jitter is 0.
struct Stopped;

impl Clock for Stopped {
    fn now_unix(&self) -> i64 {
        NOW
    }
    async fn sleep_ms(&self, _ms: u32) {}
    fn random_u32(&self) -> u32 {
        0
    }
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
            &Stopped,
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
    let (url, server) = mock(
        http_response("200 OK", Some("text/xml"), ASSUMED),
        Duration::ZERO,
    );
    let role = assume(&url, one_attempt()).unwrap();
    let got = server.join().unwrap();

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
    let date = got.header("x-amz-date").unwrap();
    let n = |r: std::ops::Range<usize>| date[r].parse::<u8>().unwrap();
    let time = Timestamp::new(
        date[0..4].parse().unwrap(),
        n(4..6),
        n(6..8),
        n(9..11),
        n(11..13),
        n(13..15),
    )
    .unwrap();
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
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: SECRET,
        session_token: Some(TOKEN),
        region: "eu-west-1",
        service: "sts",
        time,
    };
    let expected = sigv4::sign(&signing, &request, &SigningOptions::for_service("sts")).unwrap();
    assert_eq!(authorization, expected.authorization());
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
    let (url, server) = mock(
        http_response("403 Forbidden", Some("text/xml"), body),
        Duration::ZERO,
    );
    let (kind, text) = assume(&url, one_attempt()).unwrap_err();
    server.join().unwrap();
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
    assert!(
        text.contains(ROLE)
            && text.contains(&url)
            && text.contains("AWS_ENDPOINT_URL_STS")
            && text.contains("HTTP 403 AccessDenied: User:")
            && text.contains("trust policy"),
        "{text}"
    );
}

#[test]
fn a_500_without_a_body() {
    let (url, server) = mock(
        http_response("500 Internal Server Error", None, ""),
        Duration::ZERO,
    );
    let (kind, text) = assume(&url, one_attempt()).unwrap_err();
    server.join().unwrap();
    assert_eq!(kind, StsErrorKind::EmptyBody { status: 500 });
    assert!(
        text.contains("HTTP 500 with an empty body; STS may be unavailable"),
        "{text}"
    );
}

#[test]
fn a_200_that_is_not_xml() {
    let (url, server) = mock(
        http_response("200 OK", Some("application/json"), "{\"ok\": true}"),
        Duration::ZERO,
    );
    let (kind, _) = assume(&url, one_attempt()).unwrap_err();
    server.join().unwrap();
    assert!(
        matches!(kind, StsErrorKind::WrongContentType { status: 200, ref content_type } if content_type == "application/json"),
        "{kind:?}"
    );
    // Without a content type, the body itself is judged.
    let (url, server) = mock(
        http_response("200 OK", None, "hello, world"),
        Duration::ZERO,
    );
    let (kind, text) = assume(&url, one_attempt()).unwrap_err();
    server.join().unwrap();
    assert_eq!(kind, StsErrorKind::NotXml { status: 200 });
    assert!(
        text.contains("not XML; check that the endpoint is an STS endpoint"),
        "{text}"
    );
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let (url, server) = mock(
        http_response("200 OK", Some("text/xml"), ASSUMED),
        Duration::from_millis(1500),
    );
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
    server.join().unwrap();
}

#[test]
fn web_identity_is_unsigned() {
    let body = ASSUMED
        .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
        .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult");
    let (url, server) = mock(
        http_response("200 OK", Some("text/xml"), &body),
        Duration::ZERO,
    );
    let role = with_endpoint(&url, |endpoint| {
        let params = WebIdentityParams {
            role_arn: ROLE,
            role_session_name: &sts::generated_session_name(NOW),
            web_identity_token: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
        };
        block_on(sts::assume_role_with_web_identity(
            &UreqHttp::new(),
            &Stopped,
            endpoint,
            &params,
            &StsOptions::default(),
        ))
        .map_err(|e| e.to_string())
    })
    .unwrap();
    let got = server.join().unwrap();
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
    let (url, server) = mock_sequence(
        vec![
            http_response(
                "503 Service Unavailable",
                Some("text/xml"),
                "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>\
                 <Message>busy</Message></Error></ErrorResponse>",
            ),
            http_response("200 OK", Some("text/xml"), ASSUMED),
        ],
        Duration::ZERO,
    );
    let role = assume(&url, StsOptions::default()).unwrap();
    let got = server.join().unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body);
    assert!(got[1].header("authorization").is_some());
    assert_eq!(role.credentials.provider(), ProviderKind::AssumeRole);
}
