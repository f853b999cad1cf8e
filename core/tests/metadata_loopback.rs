//! The container and instance metadata providers through the ureq host against servers on
//! 127.0.0.1 that this test starts and that stop by themselves (each serves a fixed number of
//! connections, accepting for at most a few seconds, every read with a timeout): the token
//! file re-read, the IMDSv2 flow, the IMDSv1 fallback and its refusal, a server that never
//! answers, and bad answers of every kind, each an error naming the provider and the endpoint.
#![cfg(feature = "ureq")]
// The fetch helpers pass the providers' errors (which keep the service's message inline) on.
#![allow(clippy::result_large_err)]

use std::time::{Duration, Instant};

use credchain_core::chain::providers::container::{self, ContainerError};
use credchain_core::chain::providers::imds::{self, ImdsConfig, ImdsError};
use credchain_core::credentials::Credentials;
use credchain_core::host::{StdFs, UreqHttp};
use credchain_core::io::{block_on, HttpErrorKind};
use credchain_core::services::exchange::ServiceFailureKind;
use credchain_core::Source;
use credchain_core::Sourced;
use credchain_test_support::mock_server::{closed_port_url, serve, Reply, Sequence, Unconnectable};
use credchain_test_support::temp_home::TempHome;
use credchain_test_support::text::{assert_contains, assert_starts_with};
use credchain_test_support::timing::{assert_took, timed};

/// A full response with status `status`.
fn answer(status: u16, content_type: Option<&'static str>, body: &str) -> Reply {
    Reply::response(&format!("{status} X"), content_type, body)
}

/// The instance metadata provider at `url` (IMDSv1 allowed), through ureq, at NOW.
fn fetch_imds(url: &str, timeout_ms: u32) -> Result<Credentials, ImdsError<'_>> {
    block_on(imds::fetch(
        &imds_config(url, timeout_ms, false),
        &UreqHttp::new(),
        NOW,
    ))
}

/// The container provider at `endpoint`, through the std file system and ureq.
fn fetch_container<'a>(
    endpoint: &container::ContainerEndpoint<'a>,
) -> Result<Credentials, ContainerError<'a>> {
    block_on(container::fetch(endpoint, &StdFs, &UreqHttp::new()))
}

/// The heads (and bodies) of the requests `server` received, lower-cased.
/// Runs `fail`, asserts it took at least `at_least_ms` and less than `less_than_ms`
/// milliseconds, and returns the error's text.
fn fails_within<E: std::fmt::Display>(
    fail: impl FnOnce() -> E,
    at_least_ms: u64,
    less_than_ms: u64,
) -> String {
    let (e, elapsed) = timed(fail);
    assert_took(
        elapsed,
        Duration::from_millis(at_least_ms),
        Duration::from_millis(less_than_ms),
    );
    e.to_string()
}

fn heads(server: Sequence) -> Vec<String> {
    server
        .join()
        .into_iter()
        .map(|r| r.raw.to_lowercase())
        .collect()
}

const CREDENTIALS: &str = r#"{"Code":"Success","LastUpdated":"2030-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIALOOPBACK","SecretAccessKey":"loopbackSecret0001","Token":"loopbackToken0001","Expiration":"2030-01-01T06:00:00Z","AccountId":"123456789012"}"#;
const NOW: i64 = 1_700_000_000;

fn imds_config(url: &str, timeout_ms: u32, v1_disabled: bool) -> ImdsConfig<'_> {
    let endpoint = imds::resolve_endpoint(
        Some(Sourced {
            value: url,
            source: Source::EnvVar("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
        }),
        None,
    )
    .unwrap();
    ImdsConfig {
        endpoint,
        timeout_ms,
        timeout_source: Source::Default,
        attempts: 1,
        attempts_source: Source::Default,
        v1_disabled: v1_disabled.then_some(Source::EnvVar("AWS_EC2_METADATA_V1_DISABLED")),
    }
}

fn container_endpoint(
    full_uri: &str,
    token_file: Option<&str>,
) -> container::ContainerEndpoint<'static> {
    let mut env: Vec<(&'static str, &'static str)> = vec![(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        Box::leak(full_uri.to_string().into_boxed_str()),
    )];
    if let Some(path) = token_file {
        env.push((
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            Box::leak(path.to_string().into_boxed_str()),
        ));
    }
    let env: &'static [(&str, &str)] = Box::leak(env.into_boxed_slice());
    container::endpoint(env).unwrap().unwrap()
}

#[test]
fn container_token_file_is_read_on_every_call() {
    let dir = TempHome::new();
    let token = dir.path().join("token");
    let ok = answer(200, Some("application/json"), CREDENTIALS);
    let (url, server) = serve(vec![ok.clone(), ok]);
    let endpoint = container_endpoint(
        &format!("{url}/v1/credentials"),
        Some(token.to_str().unwrap()),
    );
    std::fs::write(&token, "first-token").unwrap();
    let c = fetch_container(&endpoint).unwrap();
    assert_eq!(c.access_key_id(), "ASIALOOPBACK");
    assert_eq!(c.account_id(), Some("123456789012"));
    std::fs::write(&token, "second-token").unwrap();
    fetch_container(&endpoint).unwrap();
    let heads = heads(server);
    assert!(
        heads[0].starts_with("get /v1/credentials http/1.1\r\n"),
        "{}",
        heads[0]
    );
    assert!(
        heads[0].contains("authorization: first-token")
            && heads[0].contains("accept: application/json")
    );
    assert!(
        heads[1].contains("authorization: second-token"),
        "{}",
        heads[1]
    );
}

#[test]
fn imds_v2_flow() {
    let (url, server) = serve(vec![
        answer(200, Some("text/plain"), "v2-session-token=="),
        answer(200, Some("text/plain"), "my-instance-role"),
        answer(200, Some("text/plain"), CREDENTIALS),
    ]);
    let config = imds_config(&url, 2000, false);
    let c = block_on(imds::fetch(&config, &UreqHttp::new(), NOW)).unwrap();
    assert_eq!(c.access_key_id(), "ASIALOOPBACK");
    assert_eq!(c.session_token(), Some("loopbackToken0001"));
    assert_eq!(
        c.expiration(),
        credchain_core::credentials::parse_time("2030-01-01T06:00:00Z")
    );
    let heads = heads(server);
    assert_starts_with(&heads[0], "put /latest/api/token http/1.1\r\n");
    assert_contains(&heads[0], &["x-aws-ec2-metadata-token-ttl-seconds: 21600"]);
    assert!(heads[1].starts_with("get /latest/meta-data/iam/security-credentials/ http/1.1"));
    assert!(heads[2]
        .starts_with("get /latest/meta-data/iam/security-credentials/my-instance-role http/1.1"));
    for head in &heads[1..] {
        assert!(
            head.contains("x-aws-ec2-metadata-token: v2-session-token=="),
            "{head}"
        );
    }
}

#[test]
fn imds_falls_back_to_v1_when_the_token_is_refused() {
    for status in [403, 404, 405] {
        let (url, server) = serve(vec![
            answer(status, None, ""),
            answer(200, Some("text/plain"), "role"),
            answer(200, Some("text/plain"), CREDENTIALS),
        ]);
        let config = imds_config(&url, 2000, false);
        block_on(imds::fetch(&config, &UreqHttp::new(), NOW)).unwrap();
        let heads = heads(server);
        assert_eq!(heads.len(), 3);
        assert!(
            heads[1..]
                .iter()
                .all(|h| !h.contains("x-aws-ec2-metadata-token:")),
            "{heads:?}"
        );
    }
}

#[test]
fn imds_v1_disabled_is_an_error() {
    let (url, server) = serve(vec![answer(403, None, "")]);
    let config = imds_config(&url, 2000, true);
    let e = block_on(imds::fetch(&config, &UreqHttp::new(), NOW)).unwrap_err();
    assert!(matches!(e, ImdsError::V1Disabled { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("AWS_EC2_METADATA_V1_DISABLED") && text.contains("HTTP 403"),
        "{text}"
    );
    assert!(text.contains(&format!("{url}/latest/api/token")), "{text}");
    assert_eq!(server.join().len(), 1, "no IMDSv1 request");
}

#[test]
fn imds_400_on_the_token_is_an_error_without_fallback() {
    let (url, server) = serve(vec![answer(400, None, "")]);
    let e = fetch_imds(&url, 2000).unwrap_err();
    assert!(e.to_string().contains("HTTP 400"), "{e}");
    assert_eq!(server.join().len(), 1);
}

#[test]
fn imds_silent_server_is_bounded_by_the_timeout() {
    // The token request times out, IMDSv1 is tried (botocore's order) and times out too.
    let (url, _server) = serve(vec![
        Reply::silence(Duration::from_secs(3)),
        Reply::silence(Duration::from_secs(3)),
    ]);
    let text = fails_within(|| fetch_imds(&url, 500).unwrap_err(), 900, 2500);
    let place = format!("{url}/latest/meta-data/iam/security-credentials/");
    assert_contains(
        &text,
        &[
            "EC2 instance metadata",
            "did not answer within 500 ms",
            &place,
        ],
    );
}

#[test]
fn imds_refused_connection_fails_at_once() {
    let url = closed_port_url();
    let started = Instant::now();
    let e = fetch_imds(&url, 1000).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(900));
    assert!(e.to_string().contains("could not be reached"), "{e}");
    assert!(e.is_no_credentials());
}

#[test]
fn imds_unconnectable_service_fails_after_one_timeout() {
    // A listener whose accept queue is full drops new connection attempts, as a network does
    // with packets to 169.254.169.254 off an instance: the connection is never made.
    let unconnectable = Unconnectable::new();
    let url = unconnectable.url();
    let (e, elapsed) = timed(|| fetch_imds(&url, 500).unwrap_err());
    // One timeout, not two: IMDSv1 is not tried on a service that cannot be reached. The host
    // gives the connection nine tenths of the 500 ms.
    assert_took(
        elapsed,
        Duration::from_millis(400),
        Duration::from_millis(900),
    );
    assert!(e.to_string().contains("could not be reached"), "{e}");
    assert!(e.is_no_credentials());
    drop(unconnectable);
}

#[test]
fn container_silent_server_is_bounded_by_three_attempts() {
    let silence = Reply::silence(Duration::from_secs(3));
    let (url, _server) = serve(vec![silence.clone(), silence.clone(), silence]);
    let endpoint = container_endpoint(&format!("{url}/creds"), None);
    let text = fails_within(|| fetch_container(&endpoint).unwrap_err(), 5900, 7500);
    let place = format!("{url}/creds");
    assert_contains(
        &text,
        &[
            "container endpoint",
            "did not answer within 2000 ms",
            &place,
        ],
    );
}

/// A bad answer: what it is, the reply, the kind it must be reported as, a phrase of the
/// message.
type BadAnswer = (
    &'static str,
    Reply,
    fn(&ServiceFailureKind) -> bool,
    &'static str,
);

fn bad_answers() -> Vec<BadAnswer> {
    vec![
        (
            "truncated body",
            Reply::bytes(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"AccessKeyId\":".to_vec()),
            |k| matches!(k, ServiceFailureKind::Http { kind: HttpErrorKind::Other, .. }),
            "failed mid-exchange",
        ),
        (
            "wrong content type",
            answer(200, Some("text/html"), "<html><body>sign in here</body></html>"),
            |k| matches!(k, ServiceFailureKind::WrongContentType { .. }),
            "content type text/html",
        ),
        (
            "not JSON",
            answer(200, Some("application/json"), "this is not json"),
            |k| matches!(k, ServiceFailureKind::BadBody { .. }),
            "not JSON with AccessKeyId",
        ),
        (
            "JSON without the keys",
            answer(200, Some("application/json"), r#"{"hello":"world"}"#),
            |k| matches!(k, ServiceFailureKind::BadBody { .. }),
            "not JSON with AccessKeyId",
        ),
        (
            "huge body",
            answer(200, Some("application/json"), &"x".repeat(200 * 1024)),
            |k| matches!(k, ServiceFailureKind::Http { kind: HttpErrorKind::TooLarge, .. }),
            "body over 65536 bytes",
        ),
        (
            "4xx with an error body",
            answer(403, Some("application/json"), r#"{"code":"AccessDenied","message":"token rejected"}"#),
            |k| matches!(k, ServiceFailureKind::Status { status: 403, code: Some(_), .. }),
            "answered HTTP 403 AccessDenied: token rejected",
        ),
        (
            "4xx without a body",
            answer(401, None, ""),
            |k| matches!(k, ServiceFailureKind::Status { status: 401, code: None, .. }),
            "answered HTTP 401",
        ),
        (
            "5xx with an HTML body",
            answer(503, Some("text/html"), "<h1>busy</h1>"),
            |k| matches!(k, ServiceFailureKind::Status { status: 503, code: None, .. }),
            "answered HTTP 503",
        ),
        (
            "empty 200",
            answer(200, Some("application/json"), ""),
            |k| matches!(k, ServiceFailureKind::EmptyBody { .. }),
            "empty body",
        ),
    ]
}

#[test]
fn container_bad_answers_are_clear_errors() {
    for (what, reply, kind_ok, phrase) in bad_answers() {
        // Three attempts, as botocore makes.
        let (url, server) = serve(vec![reply.clone(), reply.clone(), reply]);
        let endpoint = container_endpoint(&format!("{url}/creds"), None);
        let e = fetch_container(&endpoint).unwrap_err();
        let ContainerError::Service(failure) = &e else {
            panic!("{what}: {e:?}")
        };
        assert!(kind_ok(&failure.kind), "{what}: {:?}", failure.kind);
        let text = e.to_string();
        assert!(
            text.contains("container endpoint") && text.contains(&format!("{url}/creds")),
            "{what}: {text}"
        );
        assert!(text.contains(phrase), "{what}: {text}");
        assert!(
            !text.contains("sign in here") && !text.contains("<h1>"),
            "{what}: {text}"
        );
        assert_eq!(server.join().len(), 3, "{what}: three attempts");
    }
}

#[test]
fn imds_bad_credentials_answers_are_clear_errors() {
    for (what, reply, kind_ok, phrase) in bad_answers() {
        let (url, server) = serve(vec![
            answer(200, Some("text/plain"), "token"),
            answer(200, Some("text/plain"), "role"),
            reply,
        ]);
        let e = fetch_imds(&url, 2000).unwrap_err();
        let ImdsError::Service(failure) = &e else {
            panic!("{what}: {e:?}")
        };
        assert!(kind_ok(&failure.kind), "{what}: {:?}", failure.kind);
        let text = e.to_string();
        let endpoint = format!("{url}/latest/meta-data/iam/security-credentials/role");
        assert!(
            text.contains("EC2 instance metadata") && text.contains(&endpoint),
            "{what}: {text}"
        );
        assert!(text.contains(phrase), "{what}: {text}");
        assert!(e.is_no_credentials());
        assert_eq!(server.join().len(), 3, "{what}");
    }
}

#[test]
fn imds_error_answer_and_missing_role() {
    let (url, server) = serve(vec![
        answer(200, Some("text/plain"), "token"),
        answer(200, Some("text/plain"), "role"),
        answer(
            200,
            Some("text/plain"),
            r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role","LastUpdated":"2030-01-01T00:00:00Z"}"#,
        ),
    ]);
    let e = fetch_imds(&url, 2000).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("AssumeRoleUnauthorizedAccess: EC2 cannot assume the role"),
        "{text}"
    );
    server.join();

    let (url, server) = serve(vec![
        answer(200, Some("text/plain"), "token"),
        answer(404, Some("text/html"), "<html>404 - Not Found</html>"),
    ]);
    let e = fetch_imds(&url, 2000).unwrap_err();
    assert!(matches!(e, ImdsError::NoRole(_)), "{e:?}");
    assert!(
        e.to_string().contains("the instance has no IAM role"),
        "{e}"
    );
    server.join();
}

#[test]
fn imds_expired_credentials_get_a_static_stability_expiry() {
    let stale = CREDENTIALS.replace("2030-01-01T06:00:00Z", "2020-01-01T00:00:00Z");
    let (url, server) = serve(vec![
        answer(200, Some("text/plain"), "token"),
        answer(200, Some("text/plain"), "role"),
        answer(200, Some("text/plain"), &stale),
    ]);
    let c = fetch_imds(&url, 2000).unwrap();
    assert_eq!(c.expiration(), Some(NOW + imds::STATIC_STABILITY_SECONDS));
    server.join();
}
