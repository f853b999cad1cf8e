//! `credchain console` through the real binary: the sign-in token asked of a mock federation
//! endpoint on 127.0.0.1 (CREDCHAIN_FEDERATION_ENDPOINT) with the chain's temporary
//! credentials, or with a federated user's after STS GetFederationToken (a mock STS,
//! AWS_ENDPOINT_URL_STS) for long-term keys; the console URL printed with `--print` or given
//! to the browser (BROWSER pointing at a script), never both; no secret in any error.

mod common;

use common::{vars_with, Home, MockServer, Run};

/// The federation endpoint's answer.
const TOKEN: &str = "SIGNINtoken/EXAMPLE+1==";
/// The STS GetFederationToken answer's credentials.
const FED: (&str, &str, &str) = (
    "ASIAFEDERATEDEXAMPLE",
    "federatedSecret0001",
    "federatedToken0001",
);

fn federation() -> MockServer {
    MockServer::json(&[(
        200,
        format!("{{\"SigninToken\":\"{}\"}}", TOKEN.replace('/', "\\/")),
    )])
}

/// The query parameter `name` of `request` (its first line), decoded.
fn param(request: &str, name: &str) -> String {
    let target = request.split(' ').nth(1).unwrap();
    let query = target.split_once('?').unwrap().1;
    let raw = query
        .split('&')
        .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {name} in {target}"));
    credchain_test_support::mock_server::percent_decode(raw)
}

fn console(home: &Home, fed: &MockServer, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let url = fed.url();
    let vars = vars_with(vars, "CREDCHAIN_FEDERATION_ENDPOINT", &url);
    home.run_revealing(&[&["console"], args].concat(), &vars)
}

fn home() -> Home {
    Home::with_common_files()
}

#[test]
fn temporary_credentials_go_to_the_endpoint_and_the_url_is_printed() {
    let home = home();
    let fed = federation();
    let run = console(&home, &fed, &["--profile", "static", "--print"], &[]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    let base = fed.url();
    assert_eq!(
        run.stdout,
        format!(
            "{base}?Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2F\
             home%3Fregion%3Deu-west-1&SigninToken=SIGNINtoken%2FEXAMPLE%2B1%3D%3D\n"
        )
    );
    let requests = fed.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert!(
        requests[0].starts_with("GET /?Action=getSigninToken&Session="),
        "{}",
        requests[0]
    );
    let session: serde_json::Value = serde_json::from_str(&param(&requests[0], "Session")).unwrap();
    assert_eq!(
        session,
        serde_json::json!({
            "sessionId": "AKIDEXAMPLESTATIC",
            "sessionKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+="
        })
    );
    // Nothing secret but the URL asked for: no key, and the token only inside the URL.
    for secret in ["wJalrXUtnFEMI", "IQoJb3JpZ2lu"] {
        assert!(!run.stdout.contains(secret), "{run:#?}");
    }
}

#[test]
fn a_destination_and_a_session_duration() {
    let home = home();
    let fed = federation();
    let args = [
        "--profile",
        "static",
        "--print",
        "--destination",
        "https://console.aws.amazon.com/s3/home?x=1",
        "--duration",
        "3600",
    ];
    let run = console(&home, &fed, &args, &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fx%3D1&"),
        "{run:#?}"
    );
    assert_eq!(param(&fed.requests()[0], "SessionDuration"), "3600");
    // Out of the endpoint's range: refused before any call, as a parameter error.
    let fed = federation();
    let run = console(
        &home,
        &fed,
        &["--profile", "static", "--print", "--duration", "60"],
        &[],
    );
    run.assert_error(252, "credchain: [ERROR]: a console session of 60 seconds");
    assert!(fed.requests().is_empty());
}

#[test]
fn long_term_keys_become_a_federated_user_first() {
    let home = Home::new(
        "[profile user]\nregion = us-east-1\n",
        "[user]\naws_access_key_id = AKIDLONGTERMEXAMPLE\naws_secret_access_key = longTermSecret0001\n",
    );
    let (key, secret, token) = FED;
    home.secret(secret);
    home.secret(token);
    let sts = MockServer::start(
        200,
        &format!(
            "<GetFederationTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetFederationTokenResult><Credentials><SessionToken>{token}</SessionToken>\
             <SecretAccessKey>{secret}</SecretAccessKey>\
             <Expiration>2099-01-02T03:04:05Z</Expiration><AccessKeyId>{key}</AccessKeyId>\
             </Credentials><FederatedUser><Arn>arn:aws:sts::123456789012:federated-user/\
             credchain-user</Arn><FederatedUserId>123456789012:credchain-user</FederatedUserId>\
             </FederatedUser><PackedPolicySize>6</PackedPolicySize></GetFederationTokenResult>\
             </GetFederationTokenResponse>"
        ),
    );
    let fed = federation();
    let sts_url = sts.url();
    let vars = [("AWS_ENDPOINT_URL_STS", sts_url.as_str())];
    let run = console(
        &home,
        &fed,
        &["--profile", "user", "--print", "--duration", "7200"],
        &vars,
    );
    assert_eq!(run.code, 0, "{run:#?}");
    home.assert_no_secret(&run);
    let sts_requests = sts.requests();
    assert_eq!(sts_requests.len(), 1);
    let body = sts_requests[0].split("\r\n\r\n").nth(1).unwrap();
    let form: Vec<(String, String)> = body
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (
                k.to_owned(),
                credchain_test_support::mock_server::percent_decode(v),
            )
        })
        .collect();
    let policy =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let expected: Vec<(String, String)> = [
        ("Action", "GetFederationToken"),
        ("Version", "2011-06-15"),
        ("Name", "credchain-user"),
        ("Policy", policy),
        ("DurationSeconds", "7200"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(form, expected);
    assert!(
        sts_requests[0].contains("Credential=AKIDLONGTERMEXAMPLE/"),
        "{}",
        sts_requests[0]
    );
    // The federated user's credentials go to the endpoint, with no SessionDuration.
    let request = &fed.requests()[0];
    let session: serde_json::Value = serde_json::from_str(&param(request, "Session")).unwrap();
    assert_eq!(session["sessionId"], key);
    assert_eq!(session["sessionToken"], token);
    assert!(!request.contains("SessionDuration"), "{request}");
}

#[test]
fn without_print_the_browser_gets_the_url_and_nothing_is_printed() {
    let home = home();
    let fed = federation();
    let seen = home.file("browser-saw");
    let browser = home.script("browser.sh", &format!("printf '%s' \"$1\" > '{seen}'\n"));
    home.secret(TOKEN);
    let run = console(
        &home,
        &fed,
        &["--profile", "static"],
        &[("BROWSER", &browser)],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    home.assert_no_secret(&run);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "Opened the AWS Management Console in your browser.\n"
    );
    // The opener runs on its own: wait for it a little.
    let mut opened = None;
    for _ in 0..100 {
        opened = std::fs::read_to_string(&seen)
            .ok()
            .filter(|s| !s.is_empty());
        if opened.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let opened = opened.expect("the browser was started");
    assert!(
        opened.starts_with(&format!("{}?Action=login&", fed.url())),
        "{opened}"
    );
    assert!(
        opened.ends_with("&SigninToken=SIGNINtoken%2FEXAMPLE%2B1%3D%3D"),
        "{opened}"
    );
}

#[test]
fn a_refusal_names_the_endpoint_and_nothing_secret() {
    let home = home();
    let fed = MockServer::json(&[(400, "{\"message\":\"bad\"}".to_owned())]);
    let run = console(&home, &fed, &["--profile", "static", "--print"], &[]);
    assert_eq!(run.code, 254, "{run:#?}");
    home.assert_no_secret(&run);
    assert!(
        run.stderr.contains(&format!(
            "getSigninToken at {} answered HTTP 400",
            fed.url()
        )),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("Session="), "{run:#?}");
    // No credentials at all: as export-credentials fails.
    let empty = Home::with_config("[profile none]\n");
    let run = console(&empty, &fed, &["--profile", "none", "--print"], &[]);
    assert_eq!(run.code, 253, "{run:#?}");
}
