//! `credchain configure mfa-login` end to end: the real binary in a temporary HOME, its prompts
//! answered on a piped stdin, against a mock STS on 127.0.0.1 (AWS_ENDPOINT_URL_STS) whose
//! requests are checked afterwards: the SigV4 signature recomputed with the keys that should
//! have signed, and GetSessionToken's parameters. The credentials file is compared byte for
//! byte, and stdout and stderr with what the AWS CLI v2.36.7 (run from its source against the
//! same kind of mock) printed for the same input; no secret (the long-term secret key, the one
//! typed, STS's secret key and session token) may appear on stdout or stderr of any run.

mod common;

use common::{assert_sts_signed, the_one_request, vars_with, Home, MockServer, Run};

const SERIAL: &str = "arn:aws:iam::123456789012:mfa/my-device";
const KEY_ID: &str = "AKIDLONGTERMEXAMPLE";
const SECRET: &str = "longTermSecretKey0001";
const CREDENTIALS: &str =
    "[dev]\naws_access_key_id = AKIDLONGTERMEXAMPLE\naws_secret_access_key = longTermSecretKey0001\n";
const CONFIG: &str = "\
[profile dev]
region = eu-west-1
mfa_serial = arn:aws:iam::123456789012:mfa/my-device
";

const NEW_KEY_ID: &str = "ASIASESSIONEXAMPLE";
const NEW_SECRET: &str = "sessionSecretKey/EXAMPLE+01";
const NEW_TOKEN: &str = "sessionToken//EXAMPLE+token==";

/// STS's answer: the temporary credentials.
fn answer() -> String {
    format!(
        "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetSessionTokenResult><Credentials>\
         <SessionToken>{NEW_TOKEN}</SessionToken>\
         <SecretAccessKey>{NEW_SECRET}</SecretAccessKey>\
         <Expiration>2099-01-02T03:04:05Z</Expiration>\
         <AccessKeyId>{NEW_KEY_ID}</AccessKeyId>\
         </Credentials></GetSessionTokenResult>\
         <ResponseMetadata><RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId>\
         </ResponseMetadata></GetSessionTokenResponse>"
    )
}

/// The section the command writes for STS's answer.
fn written_section(name: &str) -> String {
    format!(
        "[{name}]\naws_access_key_id = {NEW_KEY_ID}\naws_secret_access_key = {NEW_SECRET}\n\
         aws_session_token = {NEW_TOKEN}\n"
    )
}

/// The three lines after the write.
fn written_lines(name: &str, expires: &str) -> String {
    format!(
        "Temporary credentials written to profile '{name}'\n\
         Credentials will expire at {expires}\n\
         To use these credentials, specify --profile {name} when running AWS CLI commands\n"
    )
}

/// A home with `config` and `credentials` (mode 0600, so that no write warns about it),
/// STS's secrets registered.
fn home(config: &str, credentials: &str) -> Home {
    let home = Home::new(config, credentials);
    #[cfg(unix)]
    home.chmod(".aws/credentials", 0o600);
    home.secret(NEW_SECRET);
    home.secret(NEW_TOKEN);
    home
}

fn sts() -> MockServer {
    MockServer::start(200, &answer())
}

/// Arguments that name the profile and the one to write, so that nothing else is asked.
const DEV_TO_X: &[&str] = &["--profile", "dev", "--update-profile", "x"];

/// A [`home`] with `config` and `credentials`, a new [`sts`], and `credchain configure mfa-login
/// ARGS` run against it with `stdin`.
fn fresh(config: &str, credentials: &str, args: &[&str], stdin: &str) -> (Home, MockServer, Run) {
    let home = home(config, credentials);
    let sts = sts();
    let run = mfa_login(&home, &sts, args, stdin);
    (home, sts, run)
}

/// Runs `credchain configure mfa-login ARGS` against `sts` with `stdin` piped in, the secrets
/// check applied to both streams.
fn mfa_login(home: &Home, sts: &MockServer, args: &[&str], stdin: &str) -> Run {
    mfa_login_with(home, sts, args, &[], stdin)
}

fn mfa_login_with(
    home: &Home,
    sts: &MockServer,
    args: &[&str],
    vars: &[(&str, &str)],
    stdin: &str,
) -> Run {
    let url = sts.url();
    let vars = vars_with(vars, "AWS_ENDPOINT_URL_STS", &url);
    home.run_stdin(&[&["configure", "mfa-login"], args].concat(), &vars, stdin)
}

/// GetSessionToken's form for `serial` and `code`, 12 hours.
fn form(serial: &str, code: &str) -> String {
    let encoded = serial.replace(':', "%3A").replace('/', "%2F");
    format!(
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=43200\
         &SerialNumber={encoded}&TokenCode={code}"
    )
}

#[test]
fn the_profile_s_device_its_keys_and_the_default_name() {
    let (home, sts, run) = fresh(CONFIG, CREDENTIALS, &["--profile", "dev"], "123456\n\n");
    let target = "123456789012-my-device";
    run.assert_ok(&format!(
        "MFA token code: Profile to update [{target}]: {}",
        written_lines(target, "2099-01-02T03:04:05+00:00")
    ));
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!("{CREDENTIALS}{}", written_section(target))
    );
    let request = the_one_request(&sts);
    assert_eq!(request.body, form(SERIAL, "123456"));
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_sts_signed(&request, (KEY_ID, SECRET, None), "eu-west-1");
    // The new profile is read back with STS's keys.
    let check = home.run(&["configure", "list", "--profile", target]);
    assert!(
        check
            .row("access_key")
            .is_some_and(|r| r.contains("****************MPLE")),
        "{check:#?}"
    );
}

#[test]
fn serial_number_and_update_profile_options() {
    let home = home(CONFIG, CREDENTIALS);
    let sts = sts();
    let other = "arn:aws:iam::210987654321:mfa/other";
    // --serial-number wins over the profile's mfa_serial; --update-profile asks nothing.
    let run = mfa_login(
        &home,
        &sts,
        &[
            "--profile",
            "dev",
            "--serial-number",
            other,
            "--update-profile",
            "dev-mfa",
            "--duration-seconds",
            "900",
        ],
        "654321\n",
    );
    run.assert_ok(&format!(
        "MFA token code: {}",
        written_lines("dev-mfa", "2099-01-02T03:04:05+00:00")
    ));
    let request = the_one_request(&sts);
    assert_eq!(
        request.body,
        form(other, "654321").replace("DurationSeconds=43200", "DurationSeconds=900")
    );
    assert_sts_signed(&request, (KEY_ID, SECRET, None), "eu-west-1");
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!("{CREDENTIALS}{}", written_section("dev-mfa"))
    );
}

#[test]
fn a_serial_number_asked_for_and_a_profile_name_typed() {
    // The profile has keys but no mfa_serial: it is asked for. A serial number that is no
    // ARN offers `session-<serial>`; a name typed is taken instead, as written.
    let (home, sts, run) = fresh(
        "[profile dev]\nregion = eu-west-1\n",
        CREDENTIALS,
        &["--profile", "dev"],
        "GAHT12345678\n123456\nmy temp\n",
    );
    run.assert_ok(&format!(
        "MFA serial number or ARN: MFA token code: Profile to update [session-GAHT12345678]: {}",
        written_lines("my temp", "2099-01-02T03:04:05+00:00")
    ));
    assert_eq!(the_one_request(&sts).body, form("GAHT12345678", "123456"));
    // The section is the name as typed: no `profile ` prefix, no quoting.
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!("{CREDENTIALS}{}", written_section("my temp"))
    );

    // Enter takes the default.
    let (home, _, run) = fresh(
        "[profile dev]\nregion = eu-west-1\n",
        CREDENTIALS,
        &["--profile", "dev"],
        "GAHT12345678\n123456\n\n",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(home
        .read(".aws/credentials")
        .unwrap()
        .ends_with(&written_section("session-GAHT12345678")));
}

#[test]
fn an_existing_target_is_updated_in_place() {
    let credentials = format!(
        "{CREDENTIALS}\n[dev-mfa]\naws_access_key_id = ASIAOLDEXAMPLE\n\
         aws_secret_access_key = oldSessionSecret01\naws_session_token = oldSessionToken01\n\
         region = us-west-2\n\n[later]\naws_access_key_id = AKIDLATER\n"
    );
    let (home, _, run) = fresh(
        CONFIG,
        &credentials,
        &["--profile", "dev", "--update-profile", "dev-mfa"],
        "123456\n",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        format!(
            "{CREDENTIALS}\n[dev-mfa]\naws_access_key_id = {NEW_KEY_ID}\n\
             aws_secret_access_key = {NEW_SECRET}\naws_session_token = {NEW_TOKEN}\n\
             region = us-west-2\n\n[later]\naws_access_key_id = AKIDLATER\n"
        )
    );
}

#[test]
fn sts_access_denied_is_printed_as_the_aws_cli_prints_it() {
    let denied = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
        <Error><Type>Sender</Type><Code>AccessDenied</Code>\
        <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>\
        </Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>";
    let home = home(CONFIG, CREDENTIALS);
    let sts = MockServer::start(403, denied);
    let run = mfa_login(&home, &sts, &["--profile", "dev"], "000000\n\n");
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            1,
            "MFA token code: Profile to update [123456789012-my-device]: ",
            "credchain: [ERROR]: An error occurred: An error occurred (AccessDenied) when calling \
             the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA \
             one time pass code.\n"
        ),
        "{run:#?}"
    );
    // Not retried, and nothing written.
    assert_eq!(sts.requests().len(), 1);
    assert_eq!(home.read(".aws/credentials").unwrap(), CREDENTIALS);
}

#[test]
fn throttling_that_outlasts_the_retries_says_so() {
    let throttled = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
        <Message>Rate exceeded</Message></Error></ErrorResponse>";
    let home = home(CONFIG, CREDENTIALS);
    let sts = MockServer::start(400, throttled);
    let run = mfa_login_with(
        &home,
        &sts,
        &["--profile", "dev", "--update-profile", "t"],
        &[("AWS_MAX_ATTEMPTS", "2")],
        "123456\n",
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        run.stderr,
        "credchain: [ERROR]: An error occurred: An error occurred (Throttling) when calling the \
         GetSessionToken operation (reached max retries: 1): Rate exceeded\n"
    );
    assert_eq!(sts.requests().len(), 2);
}

#[test]
fn empty_answers_are_refused_with_status_1() {
    let (home, sts, run) = fresh(CONFIG, CREDENTIALS, &["--profile", "dev"], "\n");
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            1,
            "MFA token code: ",
            "credchain: [ERROR]: MFA token code is required\n"
        )
    );
    let no_device = self::home("[profile dev]\n", CREDENTIALS);
    let run = mfa_login(&no_device, &sts, &["--profile", "dev"], "\n");
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            1,
            "MFA serial number or ARN: ",
            "credchain: [ERROR]: MFA serial number or MFA device ARN is required\n"
        )
    );
    // Input that ends before the answer: 255.
    let run = mfa_login(&home, &sts, &["--profile", "dev"], "");
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(run
        .stderr
        .contains("standard input ended before the answer to \"MFA token code\""));
    // STS was never called, nothing was written.
    assert!(sts.requests().is_empty());
    assert_eq!(home.read(".aws/credentials").unwrap(), CREDENTIALS);
}

#[test]
fn with_no_credentials_the_keys_are_asked_for() {
    // No keys anywhere. The AWS CLI calls STS through a new botocore session, which does not
    // know --profile: the signing region is the default profile's, not eu-west-1.
    let home = Home::empty();
    home.write(
        ".aws/config",
        "[default]\nregion = us-east-2\n[profile nokeys]\nregion = eu-west-1\n",
    );
    home.secret(NEW_SECRET);
    home.secret(NEW_TOKEN);
    home.secret("typedSecretKey0001");
    let sts = sts();
    let run = mfa_login(
        &home,
        &sts,
        &["--profile", "nokeys"],
        "AKIDTYPEDEXAMPLE\ntypedSecretKey0001\narn:aws:iam::123456789012:mfa/me\n123456\n\n",
    );
    let target = "123456789012-me";
    run.assert_ok(&format!(
        "Please provide your AWS credentials:\nAWS Access Key ID: AWS Secret Access Key: MFA \
         serial number or ARN: MFA token code: Profile to update [{target}]: {}",
        written_lines(target, "2099-01-02 03:04:05 UTC")
    ));
    let request = the_one_request(&sts);
    assert_eq!(
        request.body,
        form("arn:aws:iam::123456789012:mfa/me", "123456")
    );
    assert_sts_signed(
        &request,
        ("AKIDTYPEDEXAMPLE", "typedSecretKey0001", None),
        "us-east-2",
    );
    // A new credentials file, private.
    assert_eq!(
        home.read(".aws/credentials").unwrap(),
        written_section(target)
    );
    #[cfg(unix)]
    assert_eq!(home.mode(".aws/credentials"), 0o600);
}

#[test]
fn with_no_credentials_each_answer_is_required() {
    let home = Home::with_config("[default]\nregion = us-east-1\n");
    let sts = sts();
    let cases = [
        ("\n", "AWS Access Key ID is required", 1),
        ("None\n", "AWS Access Key ID is required", 1),
        ("AKIDTYPED\n\n", "AWS Secret Access Key is required", 2),
        (
            "AKIDTYPED\ntypedSecret\n\n",
            "MFA serial number or ARN is required",
            3,
        ),
        (
            "AKIDTYPED\ntypedSecret\nGAHT1\n\n",
            "MFA token code is required",
            4,
        ),
    ];
    let prompts = [
        "AWS Access Key ID: ",
        "AWS Secret Access Key: ",
        "MFA serial number or ARN: ",
        "MFA token code: ",
    ];
    for (stdin, message, asked) in cases {
        let run = mfa_login(&home, &sts, &[], stdin);
        let stdout = format!(
            "Please provide your AWS credentials:\n{}",
            prompts[..asked].concat()
        );
        let stderr = format!("credchain: [ERROR]: {message}\n");
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (1, stdout.as_str(), stderr.as_str()),
            "{stdin:?}"
        );
    }
    // --serial-number skips its prompt.
    let run = mfa_login(
        &home,
        &sts,
        &["--serial-number", "GAHT1"],
        "AKIDTYPED\ntypedSecret\n\n",
    );
    assert_eq!(
        run.stdout,
        "Please provide your AWS credentials:\nAWS Access Key ID: AWS Secret Access Key: MFA \
         token code: "
    );
    assert!(sts.requests().is_empty());
    assert_eq!(home.read(".aws/credentials").unwrap(), "");
}

#[test]
fn wire_timestamps_print_as_sts_sent_them() {
    let config = format!("{CONFIG}cli_timestamp_format = wire\n");
    let (_, _, run) = fresh(&config, CREDENTIALS, DEV_TO_X, "123456\n");
    run.assert_ok(&format!(
        "MFA token code: {}",
        written_lines("x", "2099-01-02T03:04:05Z")
    ));
}

#[test]
#[cfg(unix)]
fn a_credentials_file_others_may_read_is_warned_about() {
    let home = home(CONFIG, CREDENTIALS);
    let path = home.file(".aws/credentials");
    home.chmod(".aws/credentials", 0o644);
    let sts = sts();
    let run = mfa_login(&home, &sts, DEV_TO_X, "123456\n");
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stderr,
        format!(
            "credchain: [WARNING]: The file '{path}' is accessible by other users. Consider \
             running 'chmod 600 {path}' to restrict access to only your user.\n"
        )
    );
    assert!(run
        .stdout
        .ends_with(&written_lines("x", "2099-01-02T03:04:05+00:00")));
}

#[test]
fn a_profile_that_does_not_exist_fails_before_any_prompt() {
    let (_, sts, run) = fresh(CONFIG, CREDENTIALS, &["--profile", "nope"], "123456\n\n");
    assert_eq!(run.code, 255, "{run:#?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("credchain: [ERROR]: the config profile (nope) could not be found"),
        "{run:#?}"
    );
    assert!(sts.requests().is_empty());
}

#[test]
fn parameters_botocore_refuses_are_never_sent() {
    // As the AWS CLI v2.36.7 answers `--duration-seconds 100` with the serial GAHT1 and the
    // code 1: status 252, every minimum that is not met, lengths rather than values.
    let (home, sts, run) = fresh(
        "[profile dev]\n",
        CREDENTIALS,
        &[
            "--profile",
            "dev",
            "--update-profile",
            "x",
            "--duration-seconds",
            "100",
        ],
        "GAHT1\n1\n",
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            252,
            "MFA serial number or ARN: MFA token code: ",
            "credchain: [ERROR]: An error occurred (ParamValidation): Parameter validation \
             failed:\nInvalid value for parameter DurationSeconds, value: 100, valid min value: \
             900\nInvalid length for parameter SerialNumber, value: 5, valid min length: 9\n\
             Invalid length for parameter TokenCode, value: 1, valid min length: 6\n"
        ),
        "{run:#?}"
    );
    // With them right, the missing region (the endpoint is configured, the profile has no
    // region) is found when the request would be signed: 253, as botocore's NoRegionError.
    let run = mfa_login(&home, &sts, DEV_TO_X, "GAHT12345\n123456\n");
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains("no region for STS"), "{run:#?}");
    assert!(sts.requests().is_empty());
    assert_eq!(home.read(".aws/credentials").unwrap(), CREDENTIALS);
}

#[test]
fn the_chain_s_credentials_sign_whatever_gives_them() {
    // Environment keys with a session token, as `session.get_credentials()` would find them:
    // the token is sent and signed (STS refuses session credentials for GetSessionToken, but
    // that is STS's answer to give). The file named by AWS_SHARED_CREDENTIALS_FILE is written.
    let home = home("[default]\nregion = eu-central-1\n", "");
    let elsewhere = home.file("elsewhere/credentials");
    let sts = sts();
    let run = mfa_login_with(
        &home,
        &sts,
        &["--serial-number", SERIAL, "--update-profile", "temp"],
        &[
            ("AWS_ACCESS_KEY_ID", "ASIAENVEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "envSecretKey0001"),
            ("AWS_SESSION_TOKEN", "envSessionToken0001"),
            ("AWS_SHARED_CREDENTIALS_FILE", &elsewhere),
        ],
        "123456\n",
    );
    run.assert_ok(&format!(
        "MFA token code: {}",
        written_lines("temp", "2099-01-02T03:04:05+00:00")
    ));
    assert_sts_signed(
        &the_one_request(&sts),
        (
            "ASIAENVEXAMPLE",
            "envSecretKey0001",
            Some("envSessionToken0001"),
        ),
        "eu-central-1",
    );
    assert_eq!(
        home.read("elsewhere/credentials").unwrap(),
        written_section("temp")
    );
    assert_eq!(home.read(".aws/credentials").unwrap(), "");
}
