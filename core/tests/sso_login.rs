//! `sso login` and `sso logout` in the core, with no network: the configuration read as the
//! AWS CLI reads it (`signin::sso::login_config`), and the SSO-OIDC and portal calls' requests
//! and answers through a scripted in-memory HTTP (RegisterClient, StartDeviceAuthorization,
//! CreateToken with both grants and the failures the flows tell apart, Logout).
//! The binary's end-to-end tests against loopback mocks are cli/tests/sso_login.rs.

mod common;

use common::memory::{FixedClock, ScriptedHttp};
use common::{oidc_endpoint, portal_endpoint, ONE_ATTEMPT};
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::io::block_on;
use credchain_core::services::exchange::ServiceTarget;
use credchain_core::services::sso_oidc::{
    self, AuthCodeRegistration, Client, Grant, GrantFailure, RegisterRequest,
    REDIRECT_URI_WITHOUT_PORT,
};
use credchain_core::services::sso_portal;
use credchain_core::signin::sso::{login_config, Flow, LoginConfigError};

/// What `login_config` read: session, start URL, region, scopes, and the flow chosen.
type Read = (Option<String>, String, String, Option<Vec<String>>, Flow);

#[test]
fn register_client_for_both_flows() {
    let http = ScriptedHttp::answering(&[
        (
            200,
            r#"{"clientId":"cid","clientSecret":"csecret","clientIdIssuedAt":1,"clientSecretExpiresAt":2000000000}"#,
        ),
        (
            200,
            r#"{"clientId":"cid2","clientSecret":"csecret2","clientSecretExpiresAt":2000000001}"#,
        ),
        (200, r#"{"clientId":"cid3"}"#),
    ]);
    let device = RegisterRequest {
        client_name: "botocore-client-corp",
        scopes: &["sso:account:access", "x:y"],
        auth_code: None,
    };
    let client = block_on(sso_oidc::register_client(
        &ServiceTarget {
            http: &http,
            clock: &FixedClock(0),
            retry: ONE_ATTEMPT,
            endpoint: &oidc_endpoint(),
        },
        &device,
    ))
    .unwrap();
    assert_eq!(
        (
            client.client_id(),
            client.client_secret(),
            client.expires_at()
        ),
        ("cid", "csecret", 2_000_000_000)
    );
    assert!(!format!("{client:?}").contains("csecret"));
    let pkce = RegisterRequest {
        client_name: "botocore-client-corp",
        scopes: &[],
        auth_code: Some(AuthCodeRegistration {
            redirect_uri: REDIRECT_URI_WITHOUT_PORT,
            issuer_url: "https://d-1.awsapps.com/start",
        }),
    };
    block_on(sso_oidc::register_client(
        &ServiceTarget {
            http: &http,
            clock: &FixedClock(0),
            retry: ONE_ATTEMPT,
            endpoint: &oidc_endpoint(),
        },
        &pkce,
    ))
    .unwrap();
    let failure = block_on(sso_oidc::register_client(
        &ServiceTarget {
            http: &http,
            clock: &FixedClock(0),
            retry: ONE_ATTEMPT,
            endpoint: &oidc_endpoint(),
        },
        &pkce,
    ))
    .unwrap_err();
    assert!(!failure.is_service_error(), "{failure}");
    let seen = http.sent.borrow();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(
        seen[0].url,
        "https://oidc.us-east-1.amazonaws.com/client/register"
    );
    assert_eq!(
        seen[0].body,
        r#"{"clientName": "botocore-client-corp", "clientType": "public", "scopes": ["sso:account:access", "x:y"]}"#
    );
    assert_eq!(
        seen[1].body,
        r#"{"clientName": "botocore-client-corp", "clientType": "public", "grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": "https://d-1.awsapps.com/start", "scopes": ["sso:account:access"]}"#
    );
    assert!(seen[0]
        .headers
        .contains(&("content-type".to_owned(), "application/json".to_owned())));
}

#[test]
fn device_authorization_and_the_grants() {
    let http = ScriptedHttp::answering(&[
        (
            200,
            r#"{"deviceCode":"dc","userCode":"UC-1","verificationUri":"https://v/","verificationUriComplete":"https://v/?c=UC-1","expiresIn":600,"interval":1}"#,
        ),
        (
            400,
            r#"{"error":"authorization_pending","error_description":null}"#,
        ),
        (400, r#"{"__type":"SlowDownException"}"#),
        (400, r#"{"error":"expired_token"}"#),
        (400, r#"{"error":"access_denied"}"#),
        (
            200,
            r#"{"accessToken":"at","tokenType":"Bearer","expiresIn":3600,"refreshToken":"rt"}"#,
        ),
        (200, r#"{"accessToken":"at2","expiresIn":60}"#),
    ]);
    let client = Client::new("cid", "csecret", 2_000_000_000).unwrap();
    let (clock, ep) = (FixedClock(100), oidc_endpoint());
    let authorization = block_on(sso_oidc::start_device_authorization(
        &ServiceTarget {
            http: &http,
            clock: &clock,
            retry: ONE_ATTEMPT,
            endpoint: &ep,
        },
        &client,
        "https://d-1.awsapps.com/start",
    ))
    .unwrap();
    assert_eq!(
        (
            authorization.user_code.as_str(),
            authorization.interval,
            authorization.expires_in
        ),
        ("UC-1", Some(1), 600)
    );
    assert!(!format!("{authorization:?}").contains("\"dc\""));
    let grant = Grant::DeviceCode(&authorization);
    // The failure boxed: it is large.
    let redeem = |grant: &Grant<'_>| {
        block_on(sso_oidc::redeem(
            &ServiceTarget {
                http: &http,
                clock: &clock,
                retry: ONE_ATTEMPT,
                endpoint: &ep,
            },
            &client,
            grant,
            100,
        ))
        .map_err(Box::new)
    };
    let mut kinds = Vec::new();
    for _ in 0..4 {
        let failure = redeem(&grant).unwrap_err();
        assert!(failure.is_service_error());
        kinds.push(sso_oidc::grant_failure(&failure));
    }
    assert_eq!(
        kinds,
        [
            GrantFailure::Pending,
            GrantFailure::SlowDown,
            GrantFailure::Expired,
            GrantFailure::Other
        ]
    );
    let token = redeem(&grant).unwrap();
    assert_eq!(
        (
            token.token().access_token(),
            token.token().expires_at(),
            token.refresh_token()
        ),
        ("at", 3700, Some("rt"))
    );
    let code = Grant::AuthorizationCode {
        code: "the-code",
        redirect_uri: "http://127.0.0.1:5555/oauth/callback",
        code_verifier: "v".repeat(64).leak(),
    };
    let token = redeem(&code).unwrap();
    assert_eq!(token.refresh_token(), None);
    let seen = http.sent.borrow();
    assert_eq!(
        seen[0].url,
        "https://oidc.us-east-1.amazonaws.com/device_authorization"
    );
    assert_eq!(
        seen[0].body,
        r#"{"clientId": "cid", "clientSecret": "csecret", "startUrl": "https://d-1.awsapps.com/start"}"#
    );
    assert_eq!(seen[1].url, "https://oidc.us-east-1.amazonaws.com/token");
    assert_eq!(
        seen[1].body,
        r#"{"grantType": "urn:ietf:params:oauth:grant-type:device_code", "clientId": "cid", "clientSecret": "csecret", "deviceCode": "dc"}"#
    );
    assert_eq!(
        seen[6].body,
        format!(
            r#"{{"grantType": "authorization_code", "clientId": "cid", "clientSecret": "csecret", "redirectUri": "http://127.0.0.1:5555/oauth/callback", "codeVerifier": "{}", "code": "the-code"}}"#,
            "v".repeat(64)
        )
    );
    // Failures name the operation and endpoint, never the secrets.
    drop(seen);
    let failure = redeem(&grant).unwrap_err();
    let text = failure.to_string();
    assert!(
        text.contains("CreateToken") && !text.contains("csecret") && !text.contains("dc\""),
        "{text}"
    );
}

#[test]
fn portal_logout() {
    let http = ScriptedHttp::answering(&[
        (200, ""),
        (401, r#"{"message":"Session token not found or invalid"}"#),
    ]);
    let ep = portal_endpoint();
    let logout = || {
        block_on(sso_portal::logout(
            &ServiceTarget {
                http: &http,
                clock: &FixedClock(0),
                retry: ONE_ATTEMPT,
                endpoint: &ep,
            },
            "the-token",
        ))
        .map_err(Box::new)
    };
    logout().unwrap();
    let refused = logout().unwrap_err();
    assert!(refused.is_service_error());
    let unreachable = logout().unwrap_err();
    assert!(!unreachable.is_service_error());
    let seen = http.sent.borrow();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].url.as_str()),
        ("POST", "https://portal.sso.us-east-1.amazonaws.com/logout")
    );
    assert_eq!(
        seen[0].headers,
        [("x-amz-sso_bearer_token".to_owned(), "the-token".to_owned())]
    );
}

const CONFIG: &str = "[default]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n\n\
    [profile dev]\nsso_session = corp\n\n[profile blank]\nsso_session =\nsso_start_url = https://legacy/start\n\n\
    [sso-session corp]\nsso_start_url = https://d-2.awsapps.com/start\nsso_region = us-east-1\n\
    sso_registration_scopes = sso:account:access, ,x:y\n\n\
    [sso-session empty]\nsso_start_url = https://d-3.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes =\n";

fn config_of(profile: Option<&str>, session: Option<&'static str>) -> Result<Read, String> {
    let files = common::memory::config_in_home_h(CONFIG);
    let mut options = Options::default();
    if let Some(p) = profile {
        options.set(credchain_core::config::settings::Setting::Profile, p);
    }
    let env: &[(&str, &str)] = &[("HOME", "/h")];
    let eval = Evaluator::new(&files, env, &options).map_err(|e| e.to_string())?;
    let c = login_config(&eval, session).map_err(|e: LoginConfigError<'_>| e.to_string())?;
    Ok((
        c.session.map(str::to_owned),
        c.start_url.value.to_owned(),
        c.region.value.to_owned(),
        c.scopes
            .as_ref()
            .map(|s| s.iter().map(|x| (*x).to_owned()).collect()),
        Flow::choose(&c, false),
    ))
}

#[test]
fn the_configuration_as_the_aws_cli_reads_it() {
    assert_eq!(
        config_of(Some("dev"), None).unwrap(),
        (
            Some("corp".into()),
            "https://d-2.awsapps.com/start".into(),
            "us-east-1".into(),
            Some(vec!["sso:account:access".into(), "x:y".into()]),
            Flow::AuthorizationCode
        )
    );
    assert_eq!(
        config_of(None, None).unwrap(),
        (
            None,
            "https://d-1.awsapps.com/start".into(),
            "eu-west-1".into(),
            None,
            Flow::DeviceCode
        )
    );
    // --sso-session wins over the profile's; an empty `sso_registration_scopes` is a list.
    assert_eq!(
        config_of(Some("dev"), Some("empty")).unwrap().3,
        Some(vec![])
    );
    // An empty `sso_session` is the legacy form, and the legacy profile lacks its region.
    assert_eq!(
        config_of(Some("blank"), None).unwrap_err(),
        "Missing the following required SSO configuration values: sso_region. To make sure this profile is properly configured to use SSO, please run: aws configure sso"
    );
    assert_eq!(
        config_of(None, Some("nope")).unwrap_err(),
        "The specified sso-session does not exist: \"nope\""
    );
}
