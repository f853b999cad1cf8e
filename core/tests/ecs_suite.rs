//! The SDKs' container-credentials vectors (../shared/conformance/suites/ecs-tests.json), one
//! named check per case: the environment -> the URL requested (checked by fetching it from a
//! recording host), or an error.
//!
//! The AWS CLI differs from the SDKs on two cases: botocore checks the host of the full URI
//! whatever its scheme, so `https://mypersonalsite/...` is refused (the SDKs allow https to any
//! host). Those cases expect the forbidden-host error here (docs/quirks.md).

mod common;

use common::memory::RecordingHttp;
use credchain_core::chain::providers::container::{self, ContainerError};
use credchain_core::io::block_on;
use credchain_test_support::conformance::check_suite;

/// Cases where the AWS CLI refuses what the SDKs accept, with why.
const AWSCLI_DIFFERS: &[(&str, &str)] = &[
    (
        "full uri HTTPS",
        "botocore allows only loopback and the container hosts, even over https",
    ),
    (
        "full uri HTTPS with port",
        "botocore allows only loopback and the container hosts, even over https",
    ),
];

/// The credentials the mock endpoint hands out.
const ANSWER: &str = r#"{"AccessKeyId":"AKID","SecretAccessKey":"secret","Token":"tok","Expiration":"2030-01-01T00:00:00Z"}"#;

/// HTTP answering every request with [`ANSWER`], recording what was asked.
fn endpoint_mock() -> RecordingHttp {
    RecordingHttp::answering(200, ANSWER)
}

fn check(case: &serde_json::Value) -> Result<(), String> {
    let name = case["docs"].as_str().unwrap();
    let owned: Vec<(String, String)> = case["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let env: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let got = container::endpoint(env.as_slice());
    let result = &case["result"];
    if AWSCLI_DIFFERS.iter().any(|(n, _)| *n == name) {
        return match got {
            Err(ContainerError::ForbiddenHost { .. }) => Ok(()),
            other => Err(format!("the AWS CLI refuses the host; got {other:?}")),
        };
    }
    if let Some(url) = result["Ok"].as_str() {
        let endpoint = got
            .map_err(|e| format!("expected {url}, got the error {e}"))?
            .ok_or(format!("expected {url}, got no provider"))?;
        if endpoint.url != url {
            return Err(format!("expected {url}, got {}", endpoint.url));
        }
        let http = endpoint_mock();
        let fs = common::memory::MemoryFs::default();
        let credentials = block_on(container::fetch(&endpoint, &fs, &http))
            .map_err(|e| format!("fetching: {e}"))?;
        assert_eq!(credentials.access_key_id(), "AKID");
        let sent = http.sent.borrow();
        let first = &sent[0];
        if first.method != "GET" || first.url != url || sent.len() != 1 {
            return Err(format!("sent {sent:?}"));
        }
        if !first.has_header("Accept", "application/json") {
            return Err(format!("no Accept header: {:?}", first.headers));
        }
        return Ok(());
    }
    let phrase = result["ErrorContains"].as_str().unwrap();
    match got {
        // The SDKs' "not enabled" is the plan's skip: no endpoint configured.
        Ok(None) if phrase.contains("No environment variables") => Ok(()),
        Err(e @ ContainerError::InvalidUri { .. }) if e.to_string().contains(phrase) => Ok(()),
        other => Err(format!(
            "expected an error containing \"{phrase}\", got {other:?}"
        )),
    }
}

#[test]
fn ecs_suite() {
    check_suite("suites/ecs-tests.json", 11, check);
}

#[test]
fn forbidden_host_error_lists_the_allowed_hosts() {
    let env: &[(&str, &str)] = &[(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://169.254.169.254/creds",
    )];
    let e = container::endpoint(env).unwrap_err();
    let text = e.to_string();
    for needed in [
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://169.254.169.254/creds",
        "loopback",
        "localhost",
        "169.254.170.2",
        "169.254.170.23",
        "[fd00:ec2::23]",
    ] {
        assert!(text.contains(needed), "{needed} missing from: {text}");
    }
}

#[test]
fn loopback_hosts_as_botocore_judges_them() {
    let allowed = [
        "http://127.0.0.1:8080/c",
        "http://127.1.2.3/c",
        "http://[::1]:80/c",
        "http://[0:0:0:0:0:0:0:1]/c",
        "http://LOCALHOST/c",
        "http://user@localhost/c",
        "https://169.254.170.2/c",
        "http://169.254.170.23/c",
        "http://[fd00:ec2::23]/c",
    ];
    assert_full_uris(&allowed, |got| matches!(got, Ok(Some(_))));
    let refused = [
        "http://128.0.0.1/c",
        "http://127.0.0.01/c",
        "http://localhost.example.com/c",
        "http://[::2]/c",
        "http://169.254.170.3/c",
        "https://example.com/c",
        "http://127.0.0.1.nip.io/c",
    ];
    assert_full_uris(&refused, |got| {
        matches!(got, Err(ContainerError::ForbiddenHost { .. }))
    });
    let invalid = ["/credentials", "127.0.0.1/creds", "http:///c", "://x"];
    assert_full_uris(&invalid, |got| {
        matches!(got, Err(ContainerError::InvalidUri { .. }))
    });
}

/// What [`container::endpoint`] makes of one `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
type Judged<'a> = Result<Option<container::ContainerEndpoint<'a>>, ContainerError<'a>>;

/// Asserts that `expected` holds for what [`container::endpoint`] makes of each of `urls` as
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`; a failure names the URL.
#[track_caller]
fn assert_full_uris(urls: &[&str], expected: impl Fn(&Judged<'_>) -> bool) {
    for url in urls {
        let env: &[(&str, &str)] = &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)];
        assert!(expected(&container::endpoint(env)), "{url}");
    }
}

#[test]
fn token_variable_is_sent_and_never_shown() {
    let env: &[(&str, &str)] = &[
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "Basic c2VjcmV0dG9rZW4=",
        ),
    ];
    let endpoint = container::endpoint(env).unwrap().unwrap();
    assert!(!format!("{endpoint:?}").contains("c2VjcmV0dG9rZW4"));
    let http = endpoint_mock();
    let fs = common::memory::MemoryFs::default();
    block_on(container::fetch(&endpoint, &fs, &http)).unwrap();
    let sent = http.sent.borrow();
    assert!(sent[0].has_header("Authorization", "Basic c2VjcmV0dG9rZW4="));

    let env: &[(&str, &str)] = &[
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "secrettoken\r\nX-Evil: 1",
        ),
    ];
    let endpoint = container::endpoint(env).unwrap().unwrap();
    let e = block_on(container::fetch(&endpoint, &fs, &http)).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, ContainerError::BadToken { .. }));
    assert!(
        text.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN") && !text.contains("secrettoken"),
        "{text}"
    );
    assert!(!format!("{e:?}").contains("secrettoken"));
    assert_eq!(http.sent.borrow().len(), 1, "a bad token is not sent");
}

#[test]
fn token_file_wins_and_a_trailing_newline_is_refused() {
    let env: &[(&str, &str)] = &[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/token"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-variable"),
    ];
    let endpoint = container::endpoint(env).unwrap().unwrap();
    let http = endpoint_mock();
    let fs = common::memory::MemoryFs::with([("/token".to_string(), b"from-file".to_vec())]);
    block_on(container::fetch(&endpoint, &fs, &http)).unwrap();
    assert!(http.sent.borrow()[0].has_header("Authorization", "from-file"));
    fs.files
        .borrow_mut()
        .insert("/token".into(), b"from-file\n".to_vec());
    let e = block_on(container::fetch(&endpoint, &fs, &http)).unwrap_err();
    assert!(
        e.to_string().contains("/token") && e.to_string().contains("trailing newline"),
        "{e}"
    );
    fs.files.borrow_mut().remove("/token");
    let e = block_on(container::fetch(&endpoint, &fs, &http)).unwrap_err();
    assert!(
        e.to_string().contains("/token") && e.to_string().contains("does not exist"),
        "{e}"
    );
}
