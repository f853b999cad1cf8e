//! Role chains end to end through the real binary against a mock STS on 127.0.0.1: two and
//! three hops (each call signed with the previous hop's credentials), MFA codes typed on
//! standard input, external ids, reuse of cached credentials (no second STS call), and the
//! cache shared with the AWS CLI (its file names and JSON, both ways).

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{assume_role_response, Home, MockServer, BASE_CREDENTIALS};
use credchain_test_support::text::assert_contains;

const CHAIN: &str = "\
[profile middle]
role_arn = arn:aws:iam::123456789012:role/demo
source_profile = base
region = us-east-1

[profile top]
role_arn = arn:aws:iam::210987654321:role/top
source_profile = middle
external_id = ext-123
mfa_serial = arn:aws:iam::123456789012:mfa/me
region = eu-west-1
";

fn home() -> Home {
    let home = Home::new(CHAIN, BASE_CREDENTIALS);
    home.secret("hopSecretAccessKey01");
    home.secret("hopSessionToken0001");
    home
}

fn sts() -> MockServer {
    MockServer::start(
        200,
        &assume_role_response(
            "ASIAHOPEXAMPLE01",
            "hopSecretAccessKey01",
            "hopSessionToken0001",
        ),
    )
}

/// Runs `export-credentials` with `stdin` typed in, the secrets check applied.
fn export(home: &Home, profile: &str, sts: &MockServer, stdin: &str) -> common::Run {
    let mut command = home.command(
        &[
            "export-credentials",
            "--profile",
            profile,
            "--format",
            "env-no-export",
        ],
        &[("AWS_ENDPOINT_URL_STS", &sts.url())],
    );
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // Printing the credentials is the command's purpose; its error output carries no secret.
    home.assert_no_secret(&common::Run {
        stdout: String::new(),
        stderr: stderr.clone(),
        code: 0,
    });
    common::Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        code: out.status.code().unwrap_or(-1),
    }
}

fn authorization(request: &str) -> &str {
    request
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .unwrap_or("")
}

/// `export` of `profile` in a new [`home`] against a new [`sts`], `stdin` typed: all three.
fn run_chain(profile: &str, stdin: &str) -> (Home, MockServer, common::Run) {
    let home = home();
    let sts = sts();
    let run = export(&home, profile, &sts, stdin);
    (home, sts, run)
}

#[test]
fn two_hops_sign_with_the_source_profile_s_keys() {
    let (_home, sts, run) = run_chain("middle", "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_access_key(&run, "ASIAHOPEXAMPLE01");
    let requests = sts.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        authorization(&requests[0]).contains("Credential=AKIDBASEEXAMPLE/"),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"));
    assert!(requests[0].contains("RoleSessionName=botocore-session-"));
}

#[test]
fn three_hops_with_mfa_and_external_id() {
    let (_home, sts, run) = run_chain("top", "123456\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_stderr_has(&["Enter MFA code for arn:aws:iam::123456789012:mfa/me: "]);
    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    // The second hop is signed with the first hop's credentials, in the profile's region.
    let auth = authorization(&requests[1]);
    assert!(
        auth.contains("Credential=ASIAHOPEXAMPLE01/") && auth.contains("/eu-west-1/sts/"),
        "{auth}"
    );
    assert!(auth.contains("x-amz-security-token"), "{auth}");
    let body = &requests[1];
    assert!(
        body.contains("ExternalId=ext-123") && body.contains("TokenCode=123456"),
        "{body}"
    );
    assert!(
        body.contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme"),
        "{body}"
    );
    // The typed code is a secret too.
    assert!(!run.stdout.contains("123456") && !run.stderr.contains("123456\n"));
}

#[test]
fn mfa_without_an_answer_is_a_clear_error() {
    let (_home, _sts, run) = run_chain("top", "");
    // The AWS CLI v2.36.7 with standard input at its end: getpass's EOFError, exit 255.
    assert_eq!(run.code, 255, "{}", run.stderr);
    run.assert_stderr_has(&["MFA code", "none was entered"]);
}

#[test]
fn cached_credentials_are_reused_and_written_as_the_aws_cli_writes_them() {
    let home = home();
    let sts = sts();
    assert_eq!(export(&home, "middle", &sts, "").code, 0);
    // RoleArn alone (the session name is generated): the name the AWS CLI v2.36.7 gives it.
    let cache = ".aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json";
    let entry = home
        .read(cache)
        .expect("the cache file the AWS CLI would read");
    home.adopt(cache);
    assert!(
        entry.starts_with(
            "{\"Credentials\": {\"AccessKeyId\": \"ASIAHOPEXAMPLE01\", \"SecretAccessKey\": "
        ),
        "{entry}"
    );
    assert!(
        entry.contains("\"Expiration\": \"2099-01-02T03:04:05+00:00\"") && !entry.contains('\n'),
        "{entry}"
    );
    #[cfg(unix)]
    assert_eq!(home.mode(cache), 0o600);
    // The second run takes the cached credentials: no second STS call.
    let run = export(&home, "middle", &sts, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_access_key(&run, "ASIAHOPEXAMPLE01");
    assert_eq!(sts.requests().len(), 1);
}

#[test]
fn a_cache_written_by_the_aws_cli_is_used() {
    assert_served_from_the_aws_cli_cache(&home(), "middle", "");
}

/// Writes the AWS CLI's cache entry for role demo into `home` and asserts that `profile` is
/// served from it: its credentials, no STS call (`context` leads a failure's message). The
/// mock STS is returned for more runs.
fn assert_served_from_the_aws_cli_cache(home: &Home, profile: &str, context: &str) -> MockServer {
    home.write(CACHED_DEMO_ROLE_FILE, CACHED_DEMO_ROLE);
    let sts = sts();
    let run = export(home, profile, &sts, "");
    assert_eq!(run.code, 0, "{context}\n{}", run.stderr);
    assert_access_key(&run, "ASIAFROMAWSCLI01");
    assert!(sts.requests().is_empty());
    sts
}

/// A home whose config (`TOKEN` standing for the token file's path) names a web identity token
/// file that exists, with the token and the hop's secrets registered.
fn web_identity_home(config: &str) -> Home {
    let home = Home::new("", "");
    let token_file = home.file("token");
    std::fs::write(&token_file, "eyJ-web-identity-token").unwrap();
    home.write(".aws/config", &config.replace("TOKEN", &token_file));
    home.secret("hopSecretAccessKey01");
    home.secret("hopSessionToken0001");
    home.secret("eyJ-web-identity-token");
    home
}

/// STS's AssumeRoleWithWebIdentity answer with the hop's credentials.
fn web_identity_response() -> String {
    assume_role_response(
        "ASIAHOPEXAMPLE01",
        "hopSecretAccessKey01",
        "hopSessionToken0001",
    )
    .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
    .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult")
}

#[test]
fn web_identity_results_are_cached_as_the_aws_cli_caches_them() {
    // The AWS CLI gives AssumeRoleWithWebIdentity the same cache as AssumeRole, keyed by the
    // role (and a configured session name), never by the token.
    let home = web_identity_home(
        "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/demo\n\
         web_identity_token_file = TOKEN\nregion = us-east-1\n",
    );
    let sts = MockServer::start(200, &web_identity_response());
    for _ in 0..2 {
        let run = export(&home, "web", &sts, "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_access_key(&run, "ASIAHOPEXAMPLE01");
    }
    assert_eq!(
        sts.requests().len(),
        1,
        "the second run is served by the cache"
    );
    // {"RoleArn": "arn:aws:iam::123456789012:role/demo"}: the same name as AssumeRole's.
    let cache = ".aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json";
    assert!(
        home.read(cache).is_some(),
        "the cache file the AWS CLI would read"
    );
    home.adopt(cache);
    // A run with the token file gone is still served by the cache, as in botocore, which
    // reads the token only to call STS.
    std::fs::remove_file(home.file("token")).unwrap();
    assert_eq!(export(&home, "web", &sts, "").code, 0);
    assert_eq!(sts.requests().len(), 1);
}

/// Checks that `run` printed the credentials of `access_key_id` first.
#[track_caller]
fn assert_access_key(run: &common::Run, access_key_id: &str) {
    let line = format!("AWS_ACCESS_KEY_ID={access_key_id}\n");
    assert!(run.stdout.starts_with(&line), "{}", run.stdout);
}

/// An AWS CLI cache entry (the AssumeRole response as JSONFileCache writes it), valid until 2099.
const CACHED_DEMO_ROLE: &str = "{\"Credentials\": {\"AccessKeyId\": \"ASIAFROMAWSCLI01\", \
     \"SecretAccessKey\": \"cliSecretAccessKey01\", \"SessionToken\": \"cliSessionToken0001\", \
     \"Expiration\": \"2099-01-02T03:04:05+00:00\", \"AccountId\": \"123456789012\"}, \
     \"AssumedRoleUser\": {\"AssumedRoleId\": \"AROA:x\", \
     \"Arn\": \"arn:aws:sts::123456789012:assumed-role/demo/x\"}, \"ResponseMetadata\": {}}";
/// Its file: the cache key of `arn:aws:iam::123456789012:role/demo` with no other arguments.
const CACHED_DEMO_ROLE_FILE: &str = ".aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json";

#[test]
fn a_chain_naming_one_role_twice_calls_sts_twice_and_returns_the_outer_answer() {
    // botocore looks up the outer role's cache first (a miss), then resolves the inner role,
    // which calls STS and caches its answer under the same key; the outer role then calls STS
    // itself. Checked with botocore 1.44.8 against a mock STS: two calls, the second answer.
    let home = Home::new(
        "[profile outer]\nrole_arn = arn:aws:iam::123456789012:role/same\nsource_profile = inner\n\
         region = us-east-1\n\
         [profile inner]\nrole_arn = arn:aws:iam::123456789012:role/same\nsource_profile = base\n",
        BASE_CREDENTIALS,
    );
    for secret in [
        "firstSecretAccess01",
        "firstSessionToken01",
        "secondSecretAccess1",
        "secondSessionTok01",
    ] {
        home.secret(secret);
    }
    let sts = MockServer::sequence(&[
        (
            200,
            assume_role_response(
                "ASIAFIRSTCALL001",
                "firstSecretAccess01",
                "firstSessionToken01",
            ),
        ),
        (
            200,
            assume_role_response(
                "ASIASECONDCALL01",
                "secondSecretAccess1",
                "secondSessionTok01",
            ),
        ),
    ]);
    let run = export(&home, "outer", &sts, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_access_key(&run, "ASIASECONDCALL01");
    let requests = sts.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    // The second call is signed with the first call's credentials.
    assert_contains(&requests[0], &["Credential=AKIDBASEEXAMPLE/"]);
    assert_contains(&requests[1], &["Credential=ASIAFIRSTCALL001/"]);
    // A second run is served by the outer role's cache entry: the second answer, no call.
    let again = export(&home, "outer", &sts, "");
    assert_access_key(&again, "ASIASECONDCALL01");
    assert_eq!(sts.requests().len(), 2);
}

#[test]
fn a_cached_outer_role_leaves_a_deferred_source_untouched() {
    // IAM Identity Center and web identity sources are resolved only when a call needs them:
    // with the outer role cached, a missing SSO token and an unreadable token file do not matter
    // (checked with botocore 1.44.8: the cached credentials, no call).
    for source in [
        "[profile src]\nsso_session = s\nsso_account_id = 123456789012\nsso_role_name = r\n\
         [sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n",
        "[profile src]\nrole_arn = arn:aws:iam::123456789012:role/web\n\
         web_identity_token_file = /nonexistent/token\n",
    ] {
        let config = format!(
            "[profile top]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = src\n{source}"
        );
        let home = Home::with_config(&config);
        let sts = assert_served_from_the_aws_cli_cache(&home, "top", source);
        // Without the cache entry the source is needed, and its failure is the answer (a
        // deferred one: the AWS CLI v2.36.7 exits 255 for a missing token or token file).
        std::fs::remove_file(home.file(CACHED_DEMO_ROLE_FILE)).unwrap();
        let run = export(&home, "top", &sts, "");
        assert_eq!(run.code, 255, "{source}\n{}", run.stderr);
    }
}

#[test]
fn an_eager_source_runs_even_when_the_outer_role_is_cached() {
    // botocore resolves static keys and credential_process when it builds the role's provider,
    // so a failing process fails the lookup although the role is cached (checked with botocore
    // 1.44.8: CredentialRetrievalError).
    let home = Home::with_config(
        "[profile top]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = src\n\
         [profile src]\ncredential_process = false\n",
    );
    home.write(CACHED_DEMO_ROLE_FILE, CACHED_DEMO_ROLE);
    let sts = sts();
    let run = export(&home, "top", &sts, "");
    assert_eq!(run.code, 253, "{}", run.stderr);
    run.assert_stderr_has(&["credential_process"]);
    assert!(sts.requests().is_empty());
}

#[test]
fn a_duration_that_is_not_a_whole_number_is_left_out_as_the_aws_cli_leaves_it_out() {
    // botocore's `int(duration_seconds)` fails and the value is dropped: no DurationSeconds in
    // the call, none in the cache key (checked with the AWS CLI v2.36.7: the call succeeds).
    let home = Home::new(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = base\n\
         duration_seconds = 3600 # one hour\nregion = us-east-1\n",
        BASE_CREDENTIALS,
    );
    home.secret("hopSecretAccessKey01");
    home.secret("hopSessionToken0001");
    let sts = sts();
    let run = export(&home, "r", &sts, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = sts.requests();
    assert_eq!(requests.len(), 1);
    assert!(!requests[0].contains("DurationSeconds"), "{}", requests[0]);
    // The cache key is the role's alone.
    assert!(home.read(CACHED_DEMO_ROLE_FILE).is_some());
    let explained = home.run_with(
        &["explain", "--profile", "r"],
        &[("AWS_ENDPOINT_URL_STS", &sts.url())],
    );
    assert!(
        explained.stdout.contains(
            "duration_seconds = 3600 # one hour is not a whole number: ignored, as the AWS CLI \
             ignores it (1 hour is asked for) (~/.aws/config:4)"
        ),
        "{explained:#?}"
    );
}

#[test]
fn a_chain_s_web_identity_source_does_not_use_the_file_cache() {
    // The AWS CLI gives ~/.aws/cli/cache to the active profile's assume-role and web identity
    // providers only; a source profile's web identity provider caches in memory.
    let home = web_identity_home(
        "[profile top]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = web\n\
         region = us-east-1\n\
         [profile web]\nrole_arn = arn:aws:iam::123456789012:role/web\n\
         web_identity_token_file = TOKEN\n",
    );
    let answer = assume_role_response(
        "ASIAHOPEXAMPLE01",
        "hopSecretAccessKey01",
        "hopSessionToken0001",
    );
    let sts = MockServer::sequence(&[(200, web_identity_response()), (200, answer)]);
    let run = export(&home, "top", &sts, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(sts.requests().len(), 2);
    // One entry: the outer role's.
    let entries: Vec<_> = std::fs::read_dir(home.file(".aws/cli/cache"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["5f52c9c583acfd120a607977e4f21fe86b7fa42d.json"]);
}

#[test]
fn eager_source_credentials_a_cached_role_makes_unnecessary_are_never_judged() {
    // botocore runs the process when it builds the chain but judges its answer's expiry only
    // on first use, which a cached role spares (checked with botocore 1.44.8).
    let home = Home::empty();
    let helper =
        home.expired_process_script("bin/expired", "ASIAEXPIREDPROC1", "expiredSecret0001");
    home.write(
        ".aws/config",
        &format!(
            "[profile top]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = src\n\
             [profile src]\ncredential_process = {helper}\n"
        ),
    );
    home.write(CACHED_DEMO_ROLE_FILE, CACHED_DEMO_ROLE);
    let sts = sts();
    let run = export(&home, "top", &sts, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_access_key(&run, "ASIAFROMAWSCLI01");
    // Needed, they are judged: still expired after the second run of the helper.
    std::fs::remove_file(home.file(CACHED_DEMO_ROLE_FILE)).unwrap();
    let run = export(&home, "top", &sts, "");
    assert_eq!(run.code, 255, "{}", run.stderr);
    run.assert_stderr_has(&["expired"]);
}
