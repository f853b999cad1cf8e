//! Role chains executed against an in-memory STS: each hop signed with the previous hop's
//! credentials, MFA prompts, external ids, the assume-role cache shared with the AWS CLI
//! (its file names and JSON), and reuse of cached credentials without calling STS.

mod common;

use std::cell::RefCell;

use common::memory::{
    config_in_home_h, FixedClock, FixedPrompt, MemoryCommand, MemoryFs, NoPrompt,
};
use credchain_core::chain::execute::{execute, Io};
use credchain_core::chain::plan::plan;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::settings::Setting;
use credchain_core::io::{block_on, Http, HttpError, HttpRequest, HttpResponse, Prompt};

const NOW: i64 = 1_700_000_000; // 2023-11-14T22:13:20Z

/// `[profile base]` with static keys, the source of the chains here.
macro_rules! base_profile {
    () => {
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\n"
    };
}

const CONFIG: &str = concat!(
    base_profile!(),
    "\
[profile middle]
role_arn = arn:aws:iam::111111111111:role/middle
source_profile = base
external_id = ext-123
region = us-east-1

[profile top]
role_arn = arn:aws:iam::222222222222:role/top
source_profile = middle
role_session_name = my-session
mfa_serial = arn:aws:iam::111111111111:mfa/me
duration_seconds = 1800
region = eu-west-1
"
);

/// Answers every AssumeRole with credentials named after the call's number, recording the
/// requests.
#[derive(Default)]
struct MockSts {
    calls: RefCell<Vec<Call>>,
}

/// One request: URL, headers, body.
type Call = (String, Vec<(String, String)>, String);

impl Http for MockSts {
    type Body = Vec<u8>;
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let mut calls = self.calls.borrow_mut();
        let n = calls.len() + 1;
        let headers = request
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        calls.push((
            request.url.to_string(),
            headers,
            String::from_utf8_lossy(request.body).into_owned(),
        ));
        let body = format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
             <AssumedRoleUser><AssumedRoleId>AROA{n}:s</AssumedRoleId>\
             <Arn>arn:aws:sts::33333333333{n}:assumed-role/r/s</Arn></AssumedRoleUser>\
             <Credentials><AccessKeyId>ASIA{n}</AccessKeyId><SecretAccessKey>secret-{n}</SecretAccessKey>\
             <SessionToken>token-{n}</SessionToken><Expiration>2023-11-15T00:00:00Z</Expiration></Credentials>\
             </AssumeRoleResult></AssumeRoleResponse>"
        );
        Ok(HttpResponse {
            status: 200,
            content_type: Some(heapless::String::try_from("text/xml").unwrap()),
            body: body.into_bytes(),
        })
    }
}

fn run_config(
    config: &str,
    profile: &str,
    env: &[(&str, &str)],
    fs: &MemoryFs,
    sts: &MockSts,
    prompt: &impl Prompt,
) -> Result<credchain_core::credentials::Credentials, String> {
    let files = config_in_home_h(config);
    let options = Options::default().with(Setting::Profile, profile);
    let eval = Evaluator::new(&files, env, &options).map_err(|e| e.to_string())?;
    let plan = plan(&eval).map_err(|e| e.to_string())?;
    let io = Io {
        fs,
        http: sts,
        command: &MemoryCommand::default(),
        prompt,
        clock: &FixedClock(NOW),
        platform: credchain_core::config::locate::Platform::Unix,
    };
    block_on(execute(&eval, &plan, &io)).map_err(|e| e.to_string())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map_or("", |(_, v)| v)
}

const ENV: &[(&str, &str)] = &[
    ("HOME", "/h"),
    ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/"),
];

#[test]
fn three_hop_chain_signs_each_call_with_the_previous_credentials() {
    let fs = MemoryFs::default();
    let sts = MockSts::default();
    let prompt = FixedPrompt("123456".into(), RefCell::new(0));
    let c = run_config(CONFIG, "top", ENV, &fs, &sts, &prompt).unwrap();
    assert_eq!(
        (c.access_key_id(), c.session_token()),
        ("ASIA2", Some("token-2"))
    );
    assert_eq!(c.account_id(), Some("333333333332"));
    let calls = sts.calls.borrow();
    assert_eq!(calls.len(), 2);
    let (url, headers, body) = &calls[0];
    assert_eq!(url, "http://127.0.0.1:9/");
    assert!(header(headers, "authorization")
        .contains("Credential=AKIDBASE/20231114/eu-west-1/sts/aws4_request"));
    assert!(
        body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fmiddle"),
        "{body}"
    );
    assert!(
        body.contains("ExternalId=ext-123")
            && body.contains("RoleSessionName=botocore-session-1700000000")
    );
    let (_, headers, body) = &calls[1];
    let auth = header(headers, "authorization");
    assert!(
        auth.contains("Credential=ASIA1/") && auth.contains("x-amz-security-token"),
        "{auth}"
    );
    assert_eq!(header(headers, "x-amz-security-token"), "token-1");
    assert!(
        body.contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Fme")
            && body.contains("TokenCode=123456")
    );
    assert!(body.contains("DurationSeconds=1800") && body.contains("RoleSessionName=my-session"));
    assert_eq!(*prompt.1.borrow(), 1);
}

#[test]
fn cached_credentials_are_reused_without_calling_sts_or_prompting() {
    let fs = MemoryFs::default();
    let sts = MockSts::default();
    let prompt = FixedPrompt("123456".into(), RefCell::new(0));
    run_config(CONFIG, "top", ENV, &fs, &sts, &prompt).unwrap();
    // Both roles were cached under the AWS CLI's names; the middle role's key has no session
    // name (generated names are left out).
    let files = fs.files.borrow().keys().cloned().collect::<Vec<_>>();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files
        .iter()
        .all(|f| f.starts_with("/h/.aws/cli/cache/") && f.ends_with(".json")));
    let entry = fs.files.borrow().values().next().unwrap().clone();
    let entry = String::from_utf8(entry).unwrap();
    assert!(
        entry.starts_with("{\"Credentials\": {\"AccessKeyId\": \"ASIA"),
        "{entry}"
    );
    assert!(
        entry.contains("\"Expiration\": \"2023-11-15T00:00:00+00:00\""),
        "{entry}"
    );
    // A second run: no STS call, no MFA prompt.
    assert_served_from_the_cache(CONFIG, "top", ENV, &fs, "ASIA2");
}

#[test]
fn a_cache_written_by_the_aws_cli_is_used() {
    // The file name the AWS CLI v2.36.7 gave RoleArn arn:aws:iam::123456789012:role/demo alone.
    let config = "[profile demo]\nrole_arn = arn:aws:iam::123456789012:role/demo\ncredential_source = Environment\n";
    let fs = MemoryFs::default();
    fs.files.borrow_mut().insert(
        "/h/.aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json".into(),
        br#"{"Credentials": {"AccessKeyId": "ASIAFROMCLI", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-02T03:04:05+00:00", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "AROA:x", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/x"}, "ResponseMetadata": {}}"#.to_vec(),
    );
    let env: &[(&str, &str)] = &[
        ("HOME", "/h"),
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
    ];
    assert_served_from_the_cache(config, "demo", env, &fs, "ASIAFROMCLI");
}

/// Asserts that `profile` resolves to the access key `access_key_id` from the cache in `fs`:
/// no STS call, no prompt.
#[track_caller]
fn assert_served_from_the_cache(
    config: &str,
    profile: &str,
    env: &[(&str, &str)],
    fs: &MemoryFs,
    access_key_id: &str,
) {
    let sts = MockSts::default();
    let c = run_config(config, profile, env, fs, &sts, &NoPrompt).unwrap();
    assert_eq!(c.access_key_id(), access_key_id);
    assert!(sts.calls.borrow().is_empty());
}

#[test]
fn mfa_without_a_terminal_is_a_clear_error() {
    let e = run_config(
        CONFIG,
        "top",
        ENV,
        &MemoryFs::default(),
        &MockSts::default(),
        &NoPrompt,
    )
    .unwrap_err();
    assert!(
        e.contains("profile top") && e.contains("MFA code") && e.contains("no terminal"),
        "{e}"
    );
}

/// Answers each question with a code made from its number, recording the questions.
#[derive(Default)]
struct RecordingPrompt(RefCell<Vec<String>>);

impl Prompt for RecordingPrompt {
    type Answer = String;
    async fn ask(&self, question: &str) -> Result<String, credchain_core::io::PromptError> {
        let mut asked = self.0.borrow_mut();
        asked.push(question.to_string());
        Ok(format!("00000{}", asked.len()))
    }
}

#[test]
fn mfa_codes_are_asked_outermost_first_and_sent_with_their_own_role() {
    // botocore builds a role's AssumeRole arguments (the MFA prompt) before it resolves the
    // role's source, so the outer role asks first; the calls still go innermost first.
    let config = concat!(
        base_profile!(),
        "\
[profile inner]
role_arn = arn:aws:iam::111111111111:role/inner
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/inner

[profile outer]
role_arn = arn:aws:iam::222222222222:role/outer
source_profile = inner
mfa_serial = arn:aws:iam::111111111111:mfa/outer
region = us-east-1
"
    );
    let (fs, sts, prompt) = (
        MemoryFs::default(),
        MockSts::default(),
        RecordingPrompt::default(),
    );
    let c = run_config(config, "outer", ENV, &fs, &sts, &prompt).unwrap();
    assert_eq!(c.access_key_id(), "ASIA2");
    assert_eq!(
        *prompt.0.borrow(),
        [
            "Enter MFA code for arn:aws:iam::111111111111:mfa/outer: ",
            "Enter MFA code for arn:aws:iam::111111111111:mfa/inner: ",
        ]
    );
    let calls = sts.calls.borrow();
    assert!(
        calls[0].2.contains("role%2Finner") && calls[0].2.contains("TokenCode=000002"),
        "{}",
        calls[0].2
    );
    assert!(
        calls[1].2.contains("role%2Fouter") && calls[1].2.contains("TokenCode=000001"),
        "{}",
        calls[1].2
    );
}
