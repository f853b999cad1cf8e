//! A loopback mock of SSO-OIDC and the IAM Identity Center portal that behaves like the
//! services (RegisterClient, the authorize redirect, StartDeviceAuthorization, CreateToken
//! checking the PKCE verifier and the redirect URI, ListAccounts and ListAccountRoles with
//! paging, GetRoleCredentials, Logout), the scripted browser that drives the authorization
//! code flow through it, and a sign-in running in the background: shared by the tests of
//! `sso login`, `configure sso` and `sso profiles`.

use std::collections::VecDeque;
use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use credchain_core::caches::sso_token::token_cache_key;
use credchain_core::signing::pkce::challenge_of;
use credchain_test_support::mock_server::{percent_decode, Request};

use super::Home;

pub const START_URL: &str = "https://d-abc123.awsapps.com/start";
pub const CLIENT_ID: &str = "clientId-EXAMPLE-0001";
pub const CLIENT_SECRET: &str = "qCLIENTSECRETqq9";
pub const AUTH_CODE: &str = "qAUTHCODEqq9x7";
pub const DEVICE_CODE: &str = "qDEVICECODEqq3";
pub const ACCESS: &str = "qACCESSTOKENqq1";
pub const REFRESH: &str = "qREFRESHTOKENqq2";
pub const ROLE_SECRET: &str = "qROLESECRETqq4";
pub const ROLE_SESSION: &str = "qROLESESSIONqq5";

/// The time, in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What the mock knows and answers.
#[derive(Default)]
pub struct State {
    /// Every request, in order.
    requests: Vec<Request>,
    /// The authorize request's redirect URI and challenge.
    redirect_uri: Option<String>,
    challenge: Option<String>,
    /// The device grant's answers, one a CreateToken call: "pending", "slow_down",
    /// "expired", "denied"; then a token.
    device_answers: VecDeque<&'static str>,
    /// The portal's accounts, each with its roles, in the portal's order.
    accounts: Vec<MockAccount>,
    /// How many accounts or roles one ListAccounts or ListAccountRoles page holds.
    page_size: usize,
}

/// One account the mock portal lists.
#[derive(Clone)]
pub struct MockAccount {
    /// The account id.
    pub id: String,
    /// The account name (left out of the answer when `None`).
    pub name: Option<String>,
    /// The email address (left out when `None`).
    pub email: Option<String>,
    /// The roles of the account.
    pub roles: Vec<String>,
}

impl MockAccount {
    /// An account with a name and an email address made from the id.
    pub fn new(id: &str, name: &str, roles: &[&str]) -> MockAccount {
        MockAccount {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            email: Some(format!("{name}@example.com")),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        }
    }
}

/// A loopback mock of SSO-OIDC and the portal, answering until dropped (at most a minute).
pub struct Mock {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl Mock {
    /// The mock with the device grant's answers `device_answers` and one account
    /// (123456789012) with one role (ReadOnly).
    pub fn start(device_answers: &[&'static str]) -> Mock {
        let accounts = [MockAccount::new("123456789012", "dev", &["ReadOnly"])];
        Mock::with_accounts(device_answers, &accounts, 1000)
    }

    /// The mock with the portal listing `accounts`, `page_size` to a page.
    pub fn with_accounts(
        device_answers: &[&'static str],
        accounts: &[MockAccount],
        page_size: usize,
    ) -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            device_answers: device_answers.iter().copied().collect(),
            accounts: accounts.to_vec(),
            page_size,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(120);
            while !st.load(Ordering::Relaxed) && Instant::now() < until {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        stream
                            .set_read_timeout(Some(Duration::from_secs(5)))
                            .unwrap();
                        let request = Request::read_from(&mut stream);
                        let reply = answer(&mut s.lock().unwrap(), &request);
                        s.lock().unwrap().requests.push(request);
                        let _ = stream.write_all(&reply);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Mock { url, state, stop }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Every request so far as `METHOD PATH` (no query).
    pub fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path.split('?').next().unwrap()))
            .collect()
    }

    /// The endpoint variables that send credchain here.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL_SSO_OIDC", self.url.clone()),
            ("AWS_ENDPOINT_URL_SSO", self.url.clone()),
        ]
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

pub fn reply(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub fn json_reply(status: &str, body: &str) -> Vec<u8> {
    reply(status, "content-type: application/json\r\n", body)
}

pub fn oidc_error(code: &str, error: &str) -> Vec<u8> {
    json_reply(
        "400 Bad Request",
        &format!(r#"{{"__type": "{code}", "error": "{error}"}}"#),
    )
}

pub fn query(path: &str) -> Vec<(String, String)> {
    path.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect()
}

pub fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

pub fn token_reply() -> Vec<u8> {
    json_reply(
        "200 OK",
        &format!(
            r#"{{"accessToken": "{ACCESS}", "tokenType": "Bearer", "expiresIn": 28800, "refreshToken": "{REFRESH}", "idToken": "idToken-EXAMPLE"}}"#
        ),
    )
}

/// The services' behaviour.
pub fn answer(state: &mut State, request: &Request) -> Vec<u8> {
    let path = request.path.split('?').next().unwrap_or_default();
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap_or_default();
    match (request.method.as_str(), path) {
        ("POST", "/client/register") => json_reply(
            "200 OK",
            &format!(
                r#"{{"clientId": "{CLIENT_ID}", "clientSecret": "{CLIENT_SECRET}", "clientIdIssuedAt": {}, "clientSecretExpiresAt": {}}}"#,
                now(),
                now() + 90 * 86400
            ),
        ),
        ("GET", "/authorize") => {
            let q = query(&request.path);
            let redirect = param(&q, "redirect_uri").unwrap_or_default();
            let state_param = param(&q, "state").unwrap_or_default();
            state.redirect_uri = Some(redirect.clone());
            state.challenge = param(&q, "code_challenge");
            // The person signs in; the service sends the browser back with a code.
            let location = format!("{redirect}?code={AUTH_CODE}&state={state_param}");
            reply("302 Found", &format!("location: {location}\r\n"), "")
        }
        ("POST", "/device_authorization") => json_reply(
            "200 OK",
            &format!(
                r#"{{"deviceCode": "{DEVICE_CODE}", "userCode": "ABCD-EFGH", "verificationUri": "https://device.sso.us-east-1.amazonaws.com/", "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH", "expiresIn": 600, "interval": 0}}"#
            ),
        ),
        ("POST", "/token") => {
            if body["clientId"] != CLIENT_ID || body["clientSecret"] != CLIENT_SECRET {
                return oidc_error("InvalidClientException", "invalid_client");
            }
            match body["grantType"].as_str() {
                Some("authorization_code") => {
                    let verifier = body["codeVerifier"].as_str().unwrap_or_default();
                    let good = body["code"] == AUTH_CODE
                        && state.redirect_uri.as_deref() == body["redirectUri"].as_str()
                        && state.challenge.as_deref() == Some(challenge_of(verifier).as_str());
                    if good {
                        token_reply()
                    } else {
                        oidc_error("InvalidGrantException", "invalid_grant")
                    }
                }
                Some("urn:ietf:params:oauth:grant-type:device_code")
                    if body["deviceCode"] == DEVICE_CODE =>
                {
                    match state.device_answers.pop_front() {
                        Some("pending") => {
                            oidc_error("AuthorizationPendingException", "authorization_pending")
                        }
                        Some("slow_down") => oidc_error("SlowDownException", "slow_down"),
                        Some("expired") => oidc_error("ExpiredTokenException", "expired_token"),
                        Some(_) => json_reply(
                            "400 Bad Request",
                            r#"{"__type": "AccessDeniedException", "error": "access_denied", "error_description": "no"}"#,
                        ),
                        None => token_reply(),
                    }
                }
                // A refresh with the refresh token the mock issued: a new access token (the
                // same one, so the portal takes either); any other refresh token is refused.
                Some("refresh_token") if body["refreshToken"] == REFRESH => token_reply(),
                _ => oidc_error("InvalidGrantException", "invalid_grant"),
            }
        }
        ("POST", "/logout") => {
            if request.header("x-amz-sso_bearer_token") == Some(ACCESS) {
                reply("200 OK", "", "")
            } else {
                json_reply(
                    "401 Unauthorized",
                    r#"{"message": "Session token not found or invalid"}"#,
                )
            }
        }
        ("GET", "/federation/credentials") => {
            if request.header("x-amz-sso_bearer_token") != Some(ACCESS) {
                return json_reply("401 Unauthorized", r#"{"message": "no"}"#);
            }
            json_reply(
                "200 OK",
                &format!(
                    r#"{{"roleCredentials": {{"accessKeyId": "ASIAEXAMPLEROLE01", "secretAccessKey": "{ROLE_SECRET}", "sessionToken": "{ROLE_SESSION}", "expiration": {}}}}}"#,
                    (now() + 3600) * 1000
                ),
            )
        }
        ("GET", "/assignment/accounts" | "/assignment/roles") => {
            if request.header("x-amz-sso_bearer_token") != Some(ACCESS) {
                return json_reply(
                    "401 Unauthorized",
                    r#"{"message": "Session token not found or invalid"}"#,
                );
            }
            let q = query(&request.path);
            let items: Vec<serde_json::Value> = if path == "/assignment/accounts" {
                state.accounts.iter().map(account_json).collect()
            } else {
                let id = param(&q, "account_id").unwrap_or_default();
                let account = state.accounts.iter().find(|a| a.id == id);
                account
                    .map(|a| &a.roles[..])
                    .unwrap_or_default()
                    .iter()
                    .map(|r| serde_json::json!({"roleName": r, "accountId": id}))
                    .collect()
            };
            let list = if path == "/assignment/accounts" {
                "accountList"
            } else {
                "roleList"
            };
            let from: usize = param(&q, "next_token")
                .and_then(|t| t.strip_prefix("page-").map(str::to_owned))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let to = (from + state.page_size).min(items.len());
            let mut page = serde_json::json!({ list: items[from.min(to)..to] });
            if to < items.len() {
                page["nextToken"] = serde_json::json!(format!("page-{to}"));
            }
            json_reply("200 OK", &page.to_string())
        }
        _ => json_reply("404 Not Found", r#"{"message": "no such operation"}"#),
    }
}

/// `export-credentials` of `profile` against `mock` gives the portal's role credentials.
#[track_caller]
pub fn assert_exports_role_credentials(home: &Home, mock: &Mock, profile: &str) {
    let export = home.run_revealing(
        &[
            "export-credentials",
            "--profile",
            profile,
            "--format",
            "env-no-export",
        ],
        &refs(&mock.vars()),
    );
    assert_eq!(
        (export.code, export.stderr.as_str()),
        (0, ""),
        "{export:#?}"
    );
    assert!(
        export.stdout.starts_with(&format!(
            "AWS_ACCESS_KEY_ID=ASIAEXAMPLEROLE01\nAWS_SECRET_ACCESS_KEY={ROLE_SECRET}\n\
             AWS_SESSION_TOKEN={ROLE_SESSION}\n"
        )),
        "{export:#?}"
    );
}

/// The session `corp` of [`START_URL`] in us-east-1, as a config file's section.
pub const CORP: &str = "[sso-session corp]\nsso_start_url = https://d-abc123.awsapps.com/start\n\
                        sso_region = us-east-1\n";

/// A token file as `sso login` leaves it for the session `corp` (no registration):
/// `access`, expiring at `expires_at` (Unix seconds).
pub fn token_json(access: &str, expires_at: i64) -> String {
    let mut at = String::new();
    credchain_core::caches::sso_token::write_utc_z(&mut at, expires_at).unwrap();
    format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{access}", "expiresAt": "{at}"}}"#
    )
}

/// Writes `corp`'s token file holding `access`, expiring `in_secs` from now.
pub fn write_cached_token(home: &Home, access: &str, in_secs: i64) {
    home.write(&token_file("corp"), &token_json(access, now() + in_secs));
}

/// An account as ListAccounts gives it.
fn account_json(account: &MockAccount) -> serde_json::Value {
    let mut json = serde_json::json!({"accountId": account.id});
    if let Some(name) = &account.name {
        json["accountName"] = serde_json::json!(name);
    }
    if let Some(email) = &account.email {
        json["emailAddress"] = serde_json::json!(email);
    }
    json
}

#[allow(unused_imports)] // The sign-in helpers, for the tests that glob-import this module.
pub use super::signin::{browse, get, refs, Running};

pub fn with_secrets(config: &str) -> Home {
    let home = Home::with_config(config);
    for secret in [
        CLIENT_SECRET,
        AUTH_CODE,
        DEVICE_CODE,
        ACCESS,
        REFRESH,
        ROLE_SECRET,
        ROLE_SESSION,
    ] {
        home.secret(secret);
    }
    home
}

pub fn token_file(name: &str) -> String {
    format!(".aws/sso/cache/{}.json", token_cache_key(name))
}
