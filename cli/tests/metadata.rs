//! The container and EC2 instance metadata providers through the binary, against mocks on
//! 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_EC2_METADATA_SERVICE_ENDPOINT): the
//! credentials they give, `credential_source` role chains, the forbidden-host error, `explain`
//! without the authorization token, and the chain with nothing configured: "no credentials"
//! with every provider's reason, quickly, whether the metadata endpoint refuses the connection
//! or never answers.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{assume_role_response, Home, MockServer};
use credchain_test_support::mock_server::{closed_port_url, serve, Reply, Unconnectable};
use credchain_test_support::timing::{assert_took, timed};

const CREDENTIALS: &str = r#"{"Code":"Success","AccessKeyId":"ASIAMETADATA","SecretAccessKey":"metadataSecret0001","Token":"metadataToken0001","Expiration":"2099-01-02T03:04:05Z","AccountId":"123456789012"}"#;

/// An empty home whose secrets are the metadata credentials'.
fn metadata_home() -> Home {
    let home = Home::empty();
    home.secret("metadataSecret0001");
    home.secret("metadataToken0001");
    home
}

/// An instance metadata mock: the IMDSv2 token, the role name, the credentials.
fn instance_metadata() -> MockServer {
    MockServer::sequence(&[
        (200, "session-token-abc".into()),
        (200, "instance-role".into()),
        (200, CREDENTIALS.into()),
    ])
}

/// A container endpoint mock answering once with the credentials, and its URL with `path`.
fn container_endpoint(path: &str) -> (MockServer, String) {
    let server = MockServer::sequence(&[(200, CREDENTIALS.into())]);
    let uri = format!("{}{path}", server.url());
    (server, uri)
}

/// The command with the metadata service enabled and pointed at `endpoint`.
fn with_imds(home: &Home, args: &[&str], endpoint: &str, vars: &[(&str, &str)]) -> Command {
    let mut command = home.command(args, vars);
    command
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint);
    command
}

#[test]
fn nothing_configured_lists_every_reason_quickly() {
    let home = Home::empty();
    let started = Instant::now();
    let run = home.run_command(with_imds(
        &home,
        &["export-credentials"],
        &closed_port_url(),
        &[],
    ));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    run.assert_error(
        253,
        "credchain: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: no credentials found",
    );
    for reason in [
        "environment variables: AWS_ACCESS_KEY_ID is not set",
        "credentials file: the credentials file has no section for the profile",
        "container endpoint: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "EC2 instance metadata: the IMDSv2 token request at http://127.0.0.1:",
        "could not be reached",
    ] {
        assert!(run.stderr.contains(reason), "{reason}: {}", run.stderr);
    }
}

#[test]
fn an_unreachable_metadata_service_costs_one_timeout() {
    // A listener whose accept queue is full drops new connection attempts, as a network does
    // with packets to 169.254.169.254 off an instance. The default timeout is one second; the
    // AWS CLI then also tries IMDSv1 and waits a second more.
    let unconnectable = Unconnectable::new();
    let home = Home::empty();
    let (run, elapsed) = timed(|| {
        home.run_command(with_imds(
            &home,
            &["export-credentials"],
            &unconnectable.url(),
            &[],
        ))
    });
    // One connection attempt of nine tenths of the 1 s timeout (the host's connect budget).
    assert_took(
        elapsed,
        Duration::from_millis(850),
        Duration::from_millis(1500),
    );
    run.assert_error(
        253,
        "credchain: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: no credentials found",
    );
    run.assert_stderr_has(&["could not be reached"]);
    drop(unconnectable);
}

#[test]
fn a_silent_metadata_service_is_bounded_by_its_timeout() {
    // Reads each request and never answers, for longer than the test waits.
    let silence = Reply::silence(Duration::from_secs(3));
    let (url, holder) = serve(vec![silence.clone(), silence]);
    let home = Home::empty();
    let (run, elapsed) =
        timed(|| home.run_command(with_imds(&home, &["export-credentials"], &url, &[])));
    // One second for the token request, one for the IMDSv1 role request (botocore's order).
    assert_took(
        elapsed,
        Duration::from_millis(1900),
        Duration::from_millis(4000),
    );
    assert_eq!(run.code, 253, "{run:#?}");
    run.assert_stderr_has(&["did not answer within 1000 ms"]);
    holder.join();
}

#[test]
fn instance_metadata_credentials_and_explain() {
    let home = metadata_home();
    let server = instance_metadata();
    let mut command = with_imds(&home, &["export-credentials"], &server.url(), &[]);
    let out = command.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["AccessKeyId"], "ASIAMETADATA");
    assert_eq!(json["SessionToken"], "metadataToken0001");
    let requests = server.requests();
    assert!(
        requests[0].starts_with("PUT /latest/api/token HTTP/1.1\r\n"),
        "{}",
        requests[0]
    );
    assert!(requests[0]
        .to_lowercase()
        .contains("x-aws-ec2-metadata-token-ttl-seconds: 21600"));
    assert!(requests[2]
        .starts_with("GET /latest/meta-data/iam/security-credentials/instance-role HTTP/1.1"));
    assert!(requests[2]
        .to_lowercase()
        .contains("x-aws-ec2-metadata-token: session-token-abc"));
    drop(server);

    let run = home.run_command(with_imds(
        &home,
        &["explain"],
        &closed_port_url(),
        &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2")],
    ));
    assert!(
        run.stdout
            .contains("ec2_metadata_service_endpoint = http://127.0.0.1:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("metadata_service_num_attempts = 2 (AWS_METADATA_SERVICE_NUM_ATTEMPTS)"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 253);
}

#[test]
fn invalid_metadata_settings_are_errors_naming_the_setting() {
    let home = Home::with_config("[default]\nmetadata_service_timeout = soon\n");
    let run = home.run_command(with_imds(
        &home,
        &["export-credentials"],
        &closed_port_url(),
        &[],
    ));
    assert_eq!(run.code, 253, "{run:#?}");
    run.assert_stderr_has(&["metadata_service_timeout \"soon\"", ".aws/config:2"]);
}

#[test]
fn container_credentials_with_a_token_that_is_never_shown() {
    let home = metadata_home();
    let (server, uri) = container_endpoint("/v2/credentials/abc");
    let vars = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "Bearer containerToken0001",
        ),
    ];
    let run = home.run_revealing(&["export-credentials", "--format", "env-no-export"], &vars);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains("AWS_ACCESS_KEY_ID=ASIAMETADATA"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("containerToken0001"));
    let request = &server.requests()[0];
    assert!(
        request.starts_with("GET /v2/credentials/abc HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        request
            .to_lowercase()
            .contains("authorization: bearer containertoken0001"),
        "{request}"
    );
    // explain shows the URL and only the token's presence (the secrets check covers it).
    let run = home.run_with(&["explain"], &vars);
    assert!(
        run.stdout.contains(&format!("url = {uri}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("AWS_CONTAINER_AUTHORIZATION_TOKEN = (secret"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_forbidden_container_host_is_refused_without_a_request() {
    let home = Home::empty();
    let run = home.run_with(
        &["export-credentials"],
        &[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://192.0.2.10/creds",
        )],
    );
    assert_eq!(run.code, 253, "{run:#?}");
    run.assert_stderr_has(&[
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://192.0.2.10/creds",
        "loopback",
        "169.254.170.23",
        "[fd00:ec2::23]",
    ]);
}

#[test]
fn credential_source_ecs_container_assumes_the_role() {
    let home = Home::with_config(
        "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/demo\ncredential_source = EcsContainer\nregion = us-east-1\n",
    );
    home.secret("metadataSecret0001");
    let server = MockServer::sequence(&[
        (200, CREDENTIALS.into()),
        (
            200,
            assume_role_response("ASIAROLE", "roleSecret0000001", "roleToken0000001"),
        ),
    ]);
    let uri = format!("{}/creds", server.url());
    let run = home.run_revealing(
        &["export-credentials", "--profile", "app"],
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
            ("AWS_ENDPOINT_URL_STS", &server.url()),
        ],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("ASIAROLE"), "{}", run.stdout);
    let requests = server.requests();
    assert!(requests[0].starts_with("GET /creds "), "{}", requests[0]);
    assert!(requests[1].starts_with("POST / "), "{}", requests[1]);
    assert!(
        requests[1].contains("Credential=ASIAMETADATA/"),
        "the role call is signed with the container's keys"
    );
}

#[test]
fn credential_sources_without_their_provider_are_errors_that_say_so() {
    let home = Home::with_config(
        "[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/demo\ncredential_source = EcsContainer\n\
         [profile ec2]\nrole_arn = arn:aws:iam::123456789012:role/demo\ncredential_source = Ec2InstanceMetadata\n",
    );
    let run = home.run(&["export-credentials", "--profile", "ecs"]);
    assert_eq!(run.code, 253, "{run:#?}");
    run.assert_stderr_has(&["neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor"]);
    // AWS_EC2_METADATA_DISABLED=true (set by every test): nothing is asked of 169.254.169.254.
    let started = Instant::now();
    let run = home.run(&["export-credentials", "--profile", "ec2"]);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(run.code, 253, "{run:#?}");
    run.assert_stderr_has(&["AWS_EC2_METADATA_DISABLED is true"]);
}

#[test]
fn configure_list_shows_the_network_providers_type_and_location() {
    let home = metadata_home();
    // The container endpoint: type container-role, located by its variable.
    let (server, uri) = container_endpoint("/creds");
    let run = home.run_with(
        &["configure", "list"],
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str())],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let access = run.row("access_key").unwrap_or_default();
    assert!(
        access.contains("****************DATA")
            && access.contains("container-role")
            && access.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        "{access}"
    );
    drop(server);
    // Instance metadata: type iam-role.
    let server = instance_metadata();
    let run = home.run_command(with_imds(&home, &["configure", "list"], &server.url(), &[]));
    assert_eq!(run.code, 0, "{run:#?}");
    let access = run.row("access_key").unwrap_or_default();
    assert!(
        access.contains("****************DATA") && access.contains("iam-role"),
        "{access}"
    );
}
