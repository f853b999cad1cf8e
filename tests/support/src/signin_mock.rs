//! A loopback mock of AWS Sign-In, for console login (`credchain login`, the login provider's
//! refresh, and botocore's login provider against the files credchain wrote).
//!
//! - `GET /v1/authorize?...` checks the AWS CLI's query (response type, client id, `state`,
//!   method `SHA-256`, scope `openid`, redirect URI, a 43-character challenge), issues a
//!   one-time code and redirects (302) to the redirect URI with `code` and `state`.
//! - `GET /v1/sessions/confirmation?code=..&state=..` is the cross-device page: it shows the
//!   verification code to paste, standard base64 of `state=..&code=..`.
//! - `POST /v1/token` (CreateOAuth2Token) verifies the `DPoP` proof as a server does (its
//!   ES256 signature with the JWK it carries, `typ`, `alg`, `htm`, `htu`, a recent `iat`, a
//!   `jti` never seen before), then the grant: for `authorization_code` the code, the client
//!   id and redirect URI of its authorize request and the PKCE verifier against the challenge;
//!   for `refresh_token` the refresh token last issued and the login's key. It answers with
//!   credentials, a refresh token and an id token whose `sub` is the session's ARN.
//!
//! A request that fails a check gets a 400 `{"error": "invalid_request", "message": why}` and
//! the reason is kept in [`SigninMock::failures`], so a test can assert there were none.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest as _, Sha256};

use crate::mock_server::{percent_decode, response, Repeating, Request};

/// The same-device flow's client id.
pub const SAME_DEVICE: &str = "arn:aws:signin:::devtools/same-device";
/// The cross-device flow's client id.
pub const CROSS_DEVICE: &str = "arn:aws:signin:::devtools/cross-device";

/// The credentials a login gets: access key id, secret key, session token, refresh token.
pub const LOGIN_CREDENTIALS: [&str; 4] = [
    "ASIALOGINMOCK00001",
    "qLoginSecretAccessKeyqq1",
    "qLoginSessionTokenqq1",
    "qLoginRefreshTokenqq1",
];
/// The credentials a refresh gets, as [`LOGIN_CREDENTIALS`].
pub const REFRESHED_CREDENTIALS: [&str; 4] = [
    "ASIAREFRESHMOCK002",
    "qRefreshedSecretKeyqq2",
    "qRefreshedSessionTokqq2",
    "qRefreshedRefreshTokqq2",
];
/// The default session: the id token's `sub`.
pub const SESSION_ARN: &str = "arn:aws:sts::012345678901:assumed-role/Admin/admin";

/// How the mock behaves.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// The session's ARN (the id token's `sub`).
    pub session_arn: String,
    /// `expiresIn` of every answer, in seconds.
    pub expires_in: i64,
    /// When set, the code exchange fails with a 400 AccessDeniedException whose `error` is
    /// this (`AUTHCODE_EXPIRED`, `INSUFFICIENT_PERMISSIONS`).
    pub code_error: Option<&'static str>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            session_arn: SESSION_ARN.to_owned(),
            expires_in: 900,
            code_error: None,
        }
    }
}

/// What the mock remembers.
#[derive(Default)]
struct State {
    url: String,
    behaviour: Behaviour,
    /// Issued codes: (code, client id, redirect URI, challenge).
    codes: Vec<(String, String, String, String)>,
    jtis: HashSet<String>,
    /// The login's public key (x, y), which refreshes must use.
    login_key: Option<(Vec<u8>, Vec<u8>)>,
    refresh_token: Option<String>,
    failures: Vec<String>,
    exchanges: usize,
    refreshes: usize,
}

/// The running mock; it stops when dropped (or after a minute).
pub struct SigninMock {
    server: Repeating,
    state: Arc<Mutex<State>>,
}

impl SigninMock {
    /// Starts the mock.
    pub fn start(behaviour: Behaviour) -> SigninMock {
        let state = Arc::new(Mutex::new(State {
            behaviour,
            ..State::default()
        }));
        let shared = state.clone();
        let server = Repeating::answering(move |request| {
            let mut state = shared.lock().unwrap();
            answer(&mut state, request).unwrap_or_else(|why| {
                state.failures.push(why.clone());
                let body = serde_json::json!({"error": "invalid_request", "message": why});
                response(
                    "400 Bad Request",
                    Some("application/json"),
                    body.to_string(),
                )
            })
        });
        state.lock().unwrap().url = server.url();
        SigninMock { server, state }
    }

    /// The endpoint (`http://127.0.0.1:PORT`), for AWS_ENDPOINT_URL_SIGNIN.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The checks requests failed, in order; empty when every request was right.
    pub fn failures(&self) -> Vec<String> {
        self.state.lock().unwrap().failures.clone()
    }

    /// How many codes were exchanged, and how many refreshes answered.
    pub fn token_calls(&self) -> (usize, usize) {
        let state = self.state.lock().unwrap();
        (state.exchanges, state.refreshes)
    }

    /// Every request, as received.
    pub fn requests(&self) -> Vec<String> {
        self.server.requests()
    }
}

/// The query of a request target, percent-decoded.
fn query(target: &str) -> Vec<(String, String)> {
    let Some((_, query)) = target.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Result<&'a str, String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| format!("the query has no {name}"))
}

fn answer(state: &mut State, request: &Request) -> Result<Vec<u8>, String> {
    let path = request.path.split('?').next().unwrap_or_default();
    match (request.method.as_str(), path) {
        ("GET", "/v1/authorize") => authorize(state, &query(&request.path)),
        ("GET", "/v1/sessions/confirmation") => {
            let q = query(&request.path);
            let text = format!("state={}&code={}", param(&q, "state")?, param(&q, "code")?);
            let shown = base64::engine::general_purpose::STANDARD.encode(text);
            Ok(response("200 OK", Some("text/plain"), shown))
        }
        ("POST", "/v1/token") => token(state, request),
        _ => Err(format!("no such operation: {} {path}", request.method)),
    }
}

fn authorize(state: &mut State, q: &[(String, String)]) -> Result<Vec<u8>, String> {
    let expect = |name: &str, value: &str| -> Result<(), String> {
        let got = param(q, name)?;
        (got == value)
            .then_some(())
            .ok_or_else(|| format!("{name} is {got}, not {value}"))
    };
    expect("response_type", "code")?;
    expect("code_challenge_method", "SHA-256")?;
    expect("scope", "openid")?;
    let names: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
    if names.last() != Some(&"code_challenge") {
        return Err(format!("code_challenge is not last: {names:?}"));
    }
    let client_id = param(q, "client_id")?;
    let redirect_uri = param(q, "redirect_uri")?;
    let state_param = param(q, "state")?;
    let challenge = param(q, "code_challenge")?;
    if challenge.len() != 43 {
        return Err(format!("the challenge has {} characters", challenge.len()));
    }
    let confirmation = format!("{}/v1/sessions/confirmation", state.url);
    let redirect_ok = match client_id {
        SAME_DEVICE => {
            redirect_uri.starts_with("http://127.0.0.1:")
                && redirect_uri.ends_with("/oauth/callback")
        }
        CROSS_DEVICE => redirect_uri == confirmation,
        other => return Err(format!("unknown client id {other}")),
    };
    if !redirect_ok {
        return Err(format!(
            "redirect_uri {redirect_uri} does not suit {client_id}"
        ));
    }
    let code = format!("qAuthCodeqq{}", state.codes.len() + 1);
    state.codes.push((
        code.clone(),
        client_id.to_owned(),
        redirect_uri.to_owned(),
        challenge.to_owned(),
    ));
    let location = format!("{redirect_uri}?code={code}&state={state_param}");
    Ok(format!(
        "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
    .into_bytes())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn b64url(text: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("not base64url: {e}"))
}

/// Verifies the request's DPoP proof; the key's coordinates.
fn verify_proof(state: &mut State, request: &Request) -> Result<(Vec<u8>, Vec<u8>), String> {
    let proof = request.header("dpop").ok_or("no DPoP header")?;
    let parts: Vec<&str> = proof.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err("the proof is not a compact JWS".to_owned());
    };
    let json = |part: &str| -> Result<serde_json::Value, String> {
        serde_json::from_slice(&b64url(part)?).map_err(|e| format!("not JSON: {e}"))
    };
    let (header, claims) = (json(h)?, json(p)?);
    let check = |ok: bool, what: &str| ok.then_some(()).ok_or_else(|| what.to_owned());
    check(header["typ"] == "dpop+jwt", "typ is not dpop+jwt")?;
    check(header["alg"] == "ES256", "alg is not ES256")?;
    let jwk = &header["jwk"];
    check(
        jwk["kty"] == "EC" && jwk["crv"] == "P-256",
        "the jwk is not a P-256 key",
    )?;
    check(jwk.get("d").is_none(), "the jwk carries the private key")?;
    let coordinate = |name: &str| b64url(jwk[name].as_str().unwrap_or_default());
    let (x, y) = (coordinate("x")?, coordinate("y")?);
    let mut point = vec![4u8];
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    let key = VerifyingKey::from_sec1_bytes(&point).map_err(|_| "the jwk is not on P-256")?;
    let signature = Signature::from_slice(&b64url(s)?).map_err(|_| "not a raw r||s signature")?;
    key.verify(format!("{h}.{p}").as_bytes(), &signature)
        .map_err(|_| "the signature does not verify with the jwk")?;
    check(claims["htm"] == "POST", "htm is not POST")?;
    let htu = format!("{}/v1/token", state.url);
    check(claims["htu"] == htu.as_str(), &format!("htu is not {htu}"))?;
    let iat = claims["iat"].as_i64().ok_or("iat is not an integer")?;
    check((iat - now()).abs() <= 300, "iat is not now")?;
    let jti = claims["jti"].as_str().ok_or("no jti")?;
    check(jti.len() == 36, "the jti is not a UUID")?;
    check(state.jtis.insert(jti.to_owned()), "the jti was used before")?;
    Ok((x, y))
}

fn token(state: &mut State, request: &Request) -> Result<Vec<u8>, String> {
    let key = verify_proof(state, request)?;
    let body: serde_json::Value =
        serde_json::from_str(&request.body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    let (client_id, grant) = (field("clientId"), field("grantType"));
    let credentials = match grant.as_str() {
        "authorization_code" => {
            let code = field("code");
            let at = state
                .codes
                .iter()
                .position(|c| c.0 == code)
                .ok_or("the code was not issued, or was used before")?;
            let (_, issued_client, redirect_uri, challenge) = state.codes.remove(at);
            if client_id != issued_client || field("redirectUri") != redirect_uri {
                return Err("the client id or redirect URI is not the authorize request's".into());
            }
            let digest = Sha256::digest(field("codeVerifier").as_bytes());
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
            if computed != challenge {
                return Err("the code verifier does not match the challenge".into());
            }
            if let Some(error) = state.behaviour.code_error {
                let body = serde_json::json!({"error": error, "message": "denied by the mock"});
                return Ok(format!(
                    "HTTP/1.1 400 Bad Request\r\nx-amzn-errortype: AccessDeniedException\r\n\
                     content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.to_string().len()
                )
                .into_bytes());
            }
            state.exchanges += 1;
            state.login_key = Some(key);
            LOGIN_CREDENTIALS
        }
        "refresh_token" => {
            if state.login_key.as_ref() != Some(&key) {
                return Err("the refresh is not signed with the login's key".into());
            }
            if state.refresh_token.as_deref() != Some(field("refreshToken").as_str())
                || ![SAME_DEVICE, CROSS_DEVICE].contains(&client_id.as_str())
            {
                return Err("the refresh token or client id is not the one issued".into());
            }
            state.refreshes += 1;
            REFRESHED_CREDENTIALS
        }
        other => return Err(format!("unknown grant type {other}")),
    };
    state.refresh_token = Some(credentials[3].to_owned());
    let claims = serde_json::json!({"sub": state.behaviour.session_arn}).to_string();
    let id_token = format!(
        "eyJhbGciOiJFUzI1NiJ9.{}.c2lnbmF0dXJl",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims)
    );
    let body = serde_json::json!({
        "accessToken": {
            "accessKeyId": credentials[0],
            "secretAccessKey": credentials[1],
            "sessionToken": credentials[2],
        },
        "tokenType": "aws_sigv4",
        "expiresIn": state.behaviour.expires_in,
        "refreshToken": credentials[3],
        "idToken": id_token,
    });
    Ok(response(
        "200 OK",
        Some("application/json"),
        body.to_string(),
    ))
}
