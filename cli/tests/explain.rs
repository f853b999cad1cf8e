//! `credchain explain`: the profile and why, each provider in order, each step with the source
//! of its settings, the region, and the outcome; text and JSON; never a secret (every run is
//! checked by the common helper).

mod common;

use common::{role_sts, Home, MockServer, BASE_CREDENTIALS};

#[test]
fn the_whole_story_of_a_static_profile() {
    let home = Home::with_common_files();
    let run = home.run(&["explain", "--profile", "static"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert_eq!(
        run.stdout,
        "\
Profile: static
  chosen by the --profile option
  defined in the config file and the credentials file

Files:
  config file       ~/.aws/config (the default location)
  credentials file  ~/.aws/credentials (the default location)

Credential providers, in the order the AWS CLI tries them (the first one that is
configured gives the credentials):
   1. environment variables       skipped: --profile was given (the AWS CLI then ignores AWS_ACCESS_KEY_ID)
   2. assume role (role_arn)      skipped: the profile has no role_arn
   3. web identity token          skipped: neither AWS_WEB_IDENTITY_TOKEN_FILE nor web_identity_token_file is set
   4. IAM Identity Center (SSO)   skipped: the profile has neither sso_account_id nor sso_role_name
   5. credentials file            chosen
   6. console login session       not tried
   7. credential_process          not tried
   8. config file                 not tried
   9. container endpoint          not tried
  10. EC2 instance metadata       not tried

How the credentials are obtained:
  1. use the keys written in the credentials file, profile static
       aws_access_key_id = ****************ATIC (~/.aws/credentials:2)
       aws_secret_access_key = (secret, not shown) (~/.aws/credentials:3)
       aws_session_token = (secret, not shown) (~/.aws/credentials:4)

Region: eu-west-1 (from ~/.aws/config:5)

Retries: retry_mode standard (default), max_attempts 3 (default)
  a failed STS, IAM Identity Center, SSO-OIDC or Sign-In call is tried at most 3 times in all, waiting between attempts

Result: credentials obtained
  provider        5. credentials file (shared-credentials-file)
  access key id   ****************ATIC
  session token   yes: temporary credentials
  expires         not stated by the source
"
    );
}

#[test]
fn a_credential_process_is_shown_without_its_arguments() {
    let home = Home::with_common_files();
    let run = home.run(&["explain", "--profile", "proc"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    for want in [
        "   5. credentials file            skipped: the credentials file has no section for the profile\n",
        "   7. credential_process          chosen\n",
        "  1. run the credential_process of profile proc\n       credential_process = `printf` \
         with 1 argument (not shown: arguments may hold secrets) (~/.aws/config:2)\n",
        "Result: credentials obtained\n  provider        7. credential_process (custom-process)\n  \
         access key id   ****************MPLE\n  session token   yes: temporary credentials\n  \
         expires         2099-01-02T03:04:05+00:00 (in ",
        "Region: not set",
    ] {
        assert!(run.stdout.contains(want), "{want}\n{run:#?}");
    }
}

#[test]
fn environment_keys_and_what_chose_the_profile() {
    let home = Home::with_common_files();
    let run = home.run_with(
        &["explain"],
        &[
            ("AWS_PROFILE", "static"),
            ("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT1"),
            ("AWS_SECRET_ACCESS_KEY", "environmentSecret0001"),
            ("AWS_CREDENTIAL_EXPIRATION", "2099-01-02T03:04:05Z"),
            ("AWS_REGION", "ap-south-1"),
        ],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    for want in [
        "Profile: static\n  chosen by the AWS_PROFILE environment variable\n",
        "   1. environment variables       chosen\n   2. assume role (role_arn)      not tried\n",
        "  1. use the keys in the environment variables\n       \
         AWS_ACCESS_KEY_ID = ****************ENT1\n       \
         AWS_SECRET_ACCESS_KEY = (secret, not shown)\n       \
         AWS_CREDENTIAL_EXPIRATION = 2099-01-02T03:04:05Z\n",
        "Region: ap-south-1 (from the AWS_REGION environment variable)\n",
        "Result: credentials obtained\n  provider        1. environment variables (env)\n",
        "  session token   none: long-term keys\n  expires         2099-01-02T03:04:05+00:00",
    ] {
        assert!(run.stdout.contains(want), "{want}\n{run:#?}");
    }
}

#[test]
fn nothing_configured_exits_253_and_says_what_to_do() {
    let home = Home::with_common_files();
    let run = home.run(&["explain"]);
    assert_eq!((run.code, run.stderr.as_str()), (253, ""), "{run:#?}");
    for want in [
        "Profile: default\n  the default: neither --profile, AWS_PROFILE nor AWS_DEFAULT_PROFILE \
         names another profile\n  defined in neither file: it has no settings of its own\n",
        "   1. environment variables       skipped: AWS_ACCESS_KEY_ID is not set\n",
        "  10. EC2 instance metadata       skipped: AWS_EC2_METADATA_DISABLED is true\n",
        "Result: no credentials (exit status 253)\n  no credential provider is configured for \
         the profile default. To get credentials: write keys for it with `aws configure \
         --profile default`, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose another \
         profile with --profile or AWS_PROFILE (proc, static)\n",
    ] {
        assert!(run.stdout.contains(want), "{want}\n{run:#?}");
    }
    assert!(!run.stdout.contains("How the credentials"), "{run:#?}");
}

#[test]
fn a_missing_profile_is_explained() {
    let home = Home::with_common_files();
    let run = home.run_with(&["explain"], &[("AWS_DEFAULT_PROFILE", "nope")]);
    assert_eq!((run.code, run.stderr.as_str()), (253, ""), "{run:#?}");
    for want in [
        "Profile: nope\n  chosen by the AWS_DEFAULT_PROFILE environment variable\n  \
         defined in neither file\n",
        "none is tried: the configuration cannot give credentials",
        "Result: no credentials (exit status 253)\n  the config profile (nope) could not be \
         found (named by AWS_DEFAULT_PROFILE); profiles that exist: proc, static\n",
    ] {
        assert!(run.stdout.contains(want), "{want}\n{run:#?}");
    }
}

#[test]
fn a_configuration_that_cannot_work_names_the_place() {
    let home = Home::with_config(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n",
    );
    let config = home.file(".aws/config");
    let run = home.run(&["explain", "--profile", "a"]);
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(
        run.stdout.contains(&format!(
            "Result: no credentials (exit status 253)\n  profile b: source_profile \"a\" \
             ({config}:6) forms an infinite loop"
        )),
        "{run:#?}"
    );
}

#[test]
fn a_role_chain_step_by_step() {
    let home = Home::new(
        "[profile base]\nregion = eu-west-1\n\n\
         [profile mid]\nrole_arn = arn:aws:iam::123456789012:role/mid\nsource_profile = base\n\
         external_id = ext-123\n\n\
         [profile top]\nrole_arn = arn:aws:iam::210987654321:role/top\nsource_profile = mid\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nrole_session_name = my-session\n\
         duration_seconds = 1800\n",
        BASE_CREDENTIALS,
    );
    let sts = role_sts(&home);
    let vars = [
        ("AWS_ENDPOINT_URL_STS", sts.url()),
        ("AWS_REGION", "us-east-1".to_owned()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = home.run_with(&["explain", "--profile", "top"], &vars);
    let steps = "\
How the credentials are obtained:
  1. use the keys written in the credentials file, profile base
       aws_access_key_id = ****************MPLE (~/.aws/credentials:2)
       aws_secret_access_key = (secret, not shown) (~/.aws/credentials:3)
  2. assume the role of profile mid (an AWS STS AssumeRole call), signed with the credentials of step 1
       role_arn = arn:aws:iam::123456789012:role/mid (~/.aws/config:5)
       source_profile = base (~/.aws/config:6)
       role_session_name = not set: a name like botocore-session-1700000000 is made up
       external_id = ext-123 (~/.aws/config:7)
       duration_seconds = not set: 1 hour (3600 seconds)
  3. assume the role of profile top (an AWS STS AssumeRole call), signed with the credentials of step 2
       role_arn = arn:aws:iam::210987654321:role/top (~/.aws/config:10)
       source_profile = mid (~/.aws/config:11)
       role_session_name = my-session (~/.aws/config:13)
       mfa_serial = arn:aws:iam::123456789012:mfa/me (~/.aws/config:12)
       duration_seconds = 1800 (~/.aws/config:14)
     note: mfa_serial is set: an MFA code is asked for on the terminal (unless cached credentials of this role are still valid)
";
    assert!(run.stdout.contains(steps), "{run:#?}");
    assert!(
        run.stdout
            .contains("   2. assume role (role_arn)      chosen\n"),
        "{run:#?}"
    );
    // No MFA code is entered (stdin is empty): no credentials, and no STS call, since the
    // outer role asks for its code before its source is resolved (as botocore does). The AWS
    // CLI's getpass fails on the end of input: its general error, 255.
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(run.stdout.contains("MFA"), "{run:#?}");
    assert_eq!(sts.requests().len(), 0, "{run:#?}");
    // Without MFA, the chain gives the role's credentials.
    let run = home.run_with(&["explain", "--profile", "mid"], &vars);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains(
            "Result: credentials obtained\n  provider        2. assume role (role_arn) (assume-role)\n  \
             access key id   ****************PLE1\n  session token   yes: temporary credentials\n  \
             expires         2099-01-02T03:04:05+00:00"
        ),
        "{run:#?}"
    );
}

#[test]
fn credential_source_environment_and_a_container_token() {
    let home = Home::with_config(
        "[profile e]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = Environment\n",
    );
    let run = home.run_with(
        &["explain", "--profile", "e"],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDENVSOURCE001"),
            ("AWS_SECRET_ACCESS_KEY", "environmentSecret0002"),
        ],
    );
    assert!(
        run.stdout.contains(
            "  1. use the keys in the environment variables (credential_source = Environment)\n       \
             credential_source = Environment (~/.aws/config:3)\n       \
             AWS_ACCESS_KEY_ID = ****************E001\n  \
             2. assume the role of profile e"
        ),
        "{run:#?}"
    );
    // The container provider: its URI is shown, its authorization token never.
    let endpoint = MockServer::start(500, "");
    let uri = format!("{}/creds", endpoint.url());
    let run = home.run_with(
        &["explain"],
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "containerAuthToken0001",
            ),
        ],
    );
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains(&format!(
            "  1. ask the container credentials endpoint (ECS, EKS Pod Identity)\n       \
             AWS_CONTAINER_CREDENTIALS_FULL_URI = {uri}\n       \
             AWS_CONTAINER_AUTHORIZATION_TOKEN = (secret, not shown)\n"
        )),
        "{run:#?}"
    );
}

#[test]
fn skipped_sections_are_listed_not_warned() {
    let home = Home::with_config("[default]\nregion = us-east-1\n\n[dev]\nregion = x\n");
    let run = home.run(&["explain"]);
    assert_eq!((run.code, run.stderr.as_str()), (253, ""), "{run:#?}");
    assert!(
        run.stdout.contains(
            "  skipped by the parser:\n    ~/.aws/config:4: `dev`: section skipped: \
             config-file profiles are written [profile NAME]"
        ),
        "{run:#?}"
    );
    assert!(
        run.stdout
            .contains("Region: us-east-1 (from ~/.aws/config:2)\n"),
        "{run:#?}"
    );
}

#[test]
fn json_for_programs() {
    let home = Home::with_common_files();
    let run = home.run(&["explain", "--profile", "static", "--format", "json"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let config = home.file(".aws/config");
    let creds = home.file(".aws/credentials");
    assert_eq!(json["profile"]["name"], "static");
    assert_eq!(json["profile"]["chosen_by"], "--profile");
    assert_eq!(json["files"][0]["path"], config.as_str());
    assert_eq!(json["files"][1]["exists"], true);
    let providers = json["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 10);
    assert_eq!(providers[0]["provider"], "env");
    assert_eq!(providers[0]["status"], "skipped");
    assert_eq!(providers[4]["provider"], "shared-credentials-file");
    assert_eq!(providers[4]["status"], "chosen");
    assert_eq!(providers[5]["status"], "not-tried");
    let step = &json["steps"][0];
    assert_eq!(step["action"], "static-keys");
    assert_eq!(step["inputs"][0]["name"], "aws_access_key_id");
    assert_eq!(step["inputs"][0]["value"], "****************ATIC");
    assert_eq!(step["inputs"][0]["source"], format!("{creds}:2"));
    assert_eq!(step["inputs"][1]["secret"], true);
    assert_eq!(step["inputs"][1]["value"], serde_json::Value::Null);
    assert_eq!(json["region"]["value"], "eu-west-1");
    assert_eq!(json["region"]["source"], format!("{config}:5"));
    assert_eq!(json["credentials"]["obtained"], true);
    assert_eq!(json["credentials"]["provider"], "shared-credentials-file");
    assert_eq!(json["credentials"]["session_token"], true);
    // A failure carries its status.
    let run = home.run(&["explain", "--format", "json"]);
    assert_eq!(run.code, 253);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["credentials"]["obtained"], false);
    assert_eq!(json["credentials"]["status"], 253);
}

#[test]
fn the_environment_s_web_identity_is_ignored_for_a_profile_from_the_option() {
    let home = Home::with_common_files();
    let env = [
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/env"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"),
    ];
    let run = home.run_with(&["explain", "--profile", "static"], &env);
    assert_eq!(run.code, 0, "{run:#?}");
    for want in [
        "   3. web identity token          skipped: the profile has no web_identity_token_file, and \
         AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME are ignored because \
         --profile was given (as the AWS CLI ignores them)\n",
        "   5. credentials file            chosen\n",
    ] {
        assert!(run.stdout.contains(want), "{want}\n{run:#?}");
    }
    // Chosen by AWS_PROFILE instead, the environment's web identity still wins.
    let run = home.run_with(&["explain"], &[env[0], env[1], ("AWS_PROFILE", "static")]);
    assert!(
        run.stdout
            .contains("   3. web identity token          chosen\n"),
        "{run:#?}"
    );
}
