//! `credchain whoami` through the real binary against a mock STS on 127.0.0.1
//! (AWS_ENDPOINT_URL_STS): GetCallerIdentity signed with the chain's credentials, and the
//! answer printed as `aws sts get-caller-identity` prints it (checked by hand against the AWS
//! CLI 1.46.3 from PyPI, whose formatters the AWS CLI v2 shares, over the same kind of mock).

mod common;

use common::{
    assert_contains_all, assert_sts_signed, the_one_request, vars_with, Home, MockServer, Run,
    CREDENTIALS,
};

/// STS's answer, its members in another order than the model's (the output follows the
/// model: UserId, Account, Arn), with an escaped character and a non-ASCII one.
const ANSWER: &str =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
     <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/d&#233;v&quot;x</Arn>\
     <UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
     <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\
     </ResponseMetadata></GetCallerIdentityResponse>";

/// What the AWS CLI prints for [`ANSWER`] with `--output json`.
const JSON: &str = "{\n    \"UserId\": \"AIDAEXAMPLE\",\n    \"Account\": \"123456789012\",\n    \
                    \"Arn\": \"arn:aws:iam::123456789012:user/d\u{e9}v\\\"x\"\n}\n";

/// A home whose `[profile static]` has keys with a session token, region eu-west-1.
fn home() -> Home {
    Home::new(common::CONFIG, CREDENTIALS)
}

fn whoami(home: &Home, sts: &MockServer, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let url = sts.url();
    let vars = vars_with(vars, "AWS_ENDPOINT_URL_STS", &url);
    home.run_with(&[&["whoami"], args].concat(), &vars)
}

#[test]
fn the_answer_as_json_signed_with_the_profile_s_keys() {
    let home = home();
    let sts = MockServer::start(200, ANSWER);
    let run = whoami(&home, &sts, &["--profile", "static"], &[]);
    run.assert_ok(JSON);
    let request = the_one_request(&sts);
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/")
    );
    assert_eq!(request.body, "Action=GetCallerIdentity&Version=2011-06-15");
    // Signed with the profile's keys and session token for the profile's region: the
    // signature recomputed from what arrived is the one sent.
    let keys = (
        "AKIDEXAMPLESTATIC",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("IQoJb3JpZ2luX2VjEXAMPLETOKEN/+="),
    );
    assert_sts_signed(&request, keys, "eu-west-1");
    let authorization = request.header("authorization").unwrap();
    assert_contains_all(
        authorization,
        &["SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"],
    );
}

#[test]
fn text_output_is_one_line_in_the_order_of_the_sorted_names() {
    let home = home();
    let sts = MockServer::start(200, ANSWER);
    let run = whoami(
        &home,
        &sts,
        &["--profile", "static", "--output", "text"],
        &[],
    );
    run.assert_ok("123456789012\tarn:aws:iam::123456789012:user/d\u{e9}v\"x\tAIDAEXAMPLE\n");
    // The profile's `output` and AWS_DEFAULT_OUTPUT choose it too.
    let vars = [("AWS_DEFAULT_OUTPUT", "text")];
    let run = whoami(&home, &sts, &["--profile", "static"], &vars);
    assert!(run.stdout.starts_with("123456789012\t"), "{run:#?}");
}

#[test]
fn formats_whoami_does_not_write_are_printed_as_json_with_a_note() {
    let home = Home::new(
        "[profile static]\nregion = eu-west-1\noutput = table\n",
        CREDENTIALS,
    );
    let sts = MockServer::start(200, ANSWER);
    let run = whoami(&home, &sts, &["--profile", "static"], &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stdout, JSON);
    assert!(run.stderr.contains("printed as json"), "{run:#?}");
}

#[test]
fn explain_names_the_provider_on_stderr() {
    let home = home();
    let sts = MockServer::start(200, ANSWER);
    let explained = |home: &Home, sts: &MockServer, profile: &str| {
        let run = whoami(home, sts, &["--profile", profile, "--explain"], &[]);
        assert_eq!((run.code, run.stdout.as_str()), (0, JSON), "{run:#?}");
        run.stderr
    };
    assert_eq!(
        explained(&home, &sts, "static"),
        "The credentials came from the credentials file provider (profile static).\n"
    );
    // An assumed role's credentials are the role's.
    let home = Home::new(
        "[profile role]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = base\n",
        common::BASE_CREDENTIALS,
    );
    let (key, secret, token) = common::ROLE_CREDENTIALS;
    home.secret(secret);
    home.secret(token);
    // One mock for both calls: AssumeRole's answer first, then GetCallerIdentity's.
    let both = MockServer::sequence(&[
        (200, common::assume_role_response(key, secret, token)),
        (200, ANSWER.to_owned()),
    ]);
    assert_eq!(
        explained(&home, &both, "role"),
        "The credentials came from the assume role (role_arn) provider (profile role).\n"
    );
    let requests = both.requests();
    assert!(
        requests[1].contains(&format!("Credential={key}/")),
        "{requests:#?}"
    );
}

#[test]
fn sts_refusing_the_credentials_is_the_aws_cli_s_client_error() {
    let home = home();
    let refusal = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                   <Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security \
                   token included in the request is invalid.</Message></Error>\
                   <RequestId>x</RequestId></ErrorResponse>";
    let sts = MockServer::start(403, refusal);
    let run = whoami(&home, &sts, &["--profile", "static"], &[]);
    run.assert_error(
        254,
        "credchain: [ERROR]: An error occurred (InvalidClientTokenId) when calling the \
         GetCallerIdentity operation: The security token included in the request is invalid.\n",
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn no_credentials_fail_as_export_credentials_fails() {
    let home = Home::with_config("[profile empty]\nregion = us-east-1\n");
    let sts = MockServer::start(200, ANSWER);
    let run = whoami(&home, &sts, &["--profile", "empty"], &[]);
    let export = home.run(&["export-credentials", "--profile", "empty"]);
    assert_eq!(run.code, 253, "{run:#?}");
    assert_eq!((run.code, &run.stderr), (export.code, &export.stderr));
    assert!(sts.requests().is_empty());
    let run = whoami(&home, &sts, &["--profile", "missing"], &[]);
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains("missing"), "{run:#?}");
}

#[test]
fn a_malformed_answer_names_the_endpoint() {
    let home = home();
    let sts = MockServer::start(
        200,
        "<GetCallerIdentityResponse><GetCallerIdentityResult>\
                                       <Arn>a</Arn></GetCallerIdentityResult>\
                                       </GetCallerIdentityResponse>",
    );
    let run = whoami(&home, &sts, &["--profile", "static"], &[]);
    assert_eq!(run.code, 254, "{run:#?}");
    assert!(run.stderr.contains(&sts.url()), "{run:#?}");
    assert!(run.stderr.contains("UserId"), "{run:#?}");
}
