//! `aws login` and `aws logout` (console credentials), decided without I/O
//! (awscli/customizations/login/: login.py, utils.py, logout.py).
//!
//! # The flow
//! The host checks that the profile holds no other credentials ([`existing_credentials`]),
//! makes a fresh DPoP key ([`DpopKey::generate`](crate::signing::dpop::DpopKey::generate)), a
//! PKCE verifier and a `state`, sends the person to [`authorize_url`] and takes the code from
//! the loopback callback (same device, [`read_callback`]) or from
//! the pasted verification code ([`read_pasted_code`], `--remote`); exchanges it with
//! CreateOAuth2Token and a DPoP proof
//! ([`exchange_code`](crate::services::signin::exchange_code), whose answer [`parse_token_response`]
//! reads); names the session
//! from the id token ([`session_of_id_token`]); asks before replacing another session
//! ([`read_overwrite_answer`]); and writes the login cache file ([`write_cache_file`]) and the
//! profile's `login_session`.

use alloc::string::String;
use core::fmt::{self, Write as _};

use base64::Engine as _;
use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::caches::login::{write_access_token, AccessToken};
use crate::json::{write_later_members, write_python_str};
use crate::services::signin::{owned_text, TOKEN_PATH};
pub use crate::services::signin::{parse_token_response, NewSession};
use crate::signing::sigv4::uri_encode;

use super::sso::{read_callback, Callback};

/// The client id of the same-device flow (the loopback callback).
pub const SAME_DEVICE_CLIENT_ID: &str = "arn:aws:signin:::devtools/same-device";
/// The client id of the cross-device flow (`--remote`).
pub const CROSS_DEVICE_CLIENT_ID: &str = "arn:aws:signin:::devtools/cross-device";
/// The authorize page's path under the Sign-In endpoint.
pub const AUTHORIZE_PATH: &str = "/v1/authorize";
/// The page that shows the cross-device flow's verification code.
pub const CONFIRMATION_PATH: &str = "/v1/sessions/confirmation";
/// The longest pasted verification code read, in bytes.
pub const MAX_PASTED_CODE_LEN: usize = 8 * 1024;

/// The profile keys that mean other credentials, in the AWS CLI's order, with the style its
/// refusal names.
const OTHER_CREDENTIALS: [(&str, &str); 6] = [
    ("web_identity_token_file", "Web Identity"),
    ("sso_role_name", "SSO"),
    ("sso_account_id", "SSO"),
    ("aws_access_key_id", "Access Key"),
    ("role_arn", "Assume Role"),
    ("credential_process", "Credential Process"),
];

/// The style of the other credentials the merged profile holds (the first key `is_set`
/// says is present, in the AWS CLI's order), or `None` when login may use it.
pub fn existing_credentials(is_set: impl Fn(&str) -> bool) -> Option<&'static str> {
    OTHER_CREDENTIALS
        .iter()
        .find(|(key, _)| is_set(key))
        .map(|(_, style)| *style)
}

/// The refusal of a profile with other credentials (exit 253).
#[must_use]
pub fn already_configured_message(profile: &str, style: &str) -> String {
    alloc::format!(
        "Profile '{profile}' is already configured with {style} credentials.\n\nYou may run \
         'aws login --profile new-profile-name' to create a new profile with the specified name. \
         Otherwise you must first manually remove the existing credentials from '{profile}'."
    )
}

/// `scheme://authority` of a Sign-In endpoint (path, query and fragment dropped).
#[must_use]
pub fn origin(endpoint: &str) -> (&str, &str) {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    (scheme, authority)
}

/// The cross-device flow's `redirect_uri`: the endpoint's confirmation page.
#[must_use]
pub fn remote_redirect_uri(endpoint: &str) -> String {
    origin_url(endpoint, CONFIRMATION_PATH)
}

/// The token endpoint's URL (the DPoP proof's `htu`).
#[must_use]
pub fn token_url(endpoint: &str) -> String {
    origin_url(endpoint, TOKEN_PATH)
}

/// `path` at the [`origin`] of `endpoint` (a Sign-In or SSO-OIDC one).
pub(crate) fn origin_url(endpoint: &str, path: &str) -> String {
    let (scheme, authority) = origin(endpoint);
    alloc::format!("{scheme}://{authority}{path}")
}

/// The authorize URL: `<origin>/v1/authorize?response_type=code&client_id=..&state=..&
/// code_challenge_method=SHA-256&scope=openid&redirect_uri=..&code_challenge=..`, values
/// percent-encoded with only `-._~` kept, the challenge last and raw.
#[must_use]
pub fn authorize_url(
    endpoint: &str,
    client_id: &str,
    state: &str,
    redirect_uri: &str,
    challenge: &str,
) -> String {
    let mut url = origin_url(endpoint, AUTHORIZE_PATH);
    let _ = write!(
        url,
        "?response_type=code&client_id={}&state={}&code_challenge_method=SHA-256&scope=openid\
         &redirect_uri={}&code_challenge={challenge}",
        uri_encode(client_id),
        uri_encode(state),
        uri_encode(redirect_uri),
    );
    url
}

/// Why a pasted verification code was not read (exit 255).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasteError {
    /// Not standard base64 of UTF-8 text.
    Undecodable,
    /// Decoded, but without both `code` and `state`.
    Incomplete,
}

impl fmt::Display for PasteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PasteError::Undecodable => "Failed to decode the verification code.",
            PasteError::Incomplete => {
                "Failed to retrieve an auth_code or state from the verification code"
            }
        })
    }
}

/// The code and state of the cross-device flow's pasted verification code: standard base64
/// of a query string with `code=` and `state=` (surrounding whitespace ignored).
///
/// # Errors
/// [`PasteError`].
pub fn read_pasted_code(text: &str) -> Result<(String, String), PasteError> {
    let text = text.trim();
    if text.len() > MAX_PASTED_CODE_LEN {
        return Err(PasteError::Undecodable);
    }
    let mut bytes = alloc::vec![0u8; text.len()];
    let len = base64::engine::general_purpose::STANDARD
        .decode_slice(text, &mut bytes)
        .map_err(|_| PasteError::Undecodable)?;
    bytes.truncate(len);
    let query = String::from_utf8(bytes).map_err(|_| PasteError::Undecodable)?;
    let mut target = String::from("?");
    target.push_str(&query);
    match read_callback(&target) {
        Callback::Code { code, state } => Ok((code, state)),
        _ => Err(PasteError::Incomplete),
    }
}

#[derive(Deserialize)]
struct ClaimsJson<'a> {
    #[serde(borrow)]
    sub: EscapedStr<'a>,
}

/// The session's name: the unverified `sub` claim of the id token (a JWT), e.g.
/// `arn:aws:sts::012345678901:assumed-role/Admin/admin`; `None` when it has none.
#[must_use]
pub fn session_of_id_token(id_token: &str) -> Option<String> {
    let payload = id_token.split('.').nth(1)?;
    let mut bytes = alloc::vec![0u8; payload.len()];
    let len = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    )
    .decode_slice(payload, &mut bytes)
    .ok()?;
    bytes.truncate(len);
    let (claims, _) = serde_json_core::from_slice::<ClaimsJson<'_>>(&bytes).ok()?;
    owned_text(claims.sub).filter(|s| !s.is_empty())
}

/// The account of an ARN (its fifth `:`-separated field), when it has one.
#[must_use]
pub fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Writes the login cache file as the AWS CLI does (one line of Python `json.dumps`):
/// `accessToken{accessKeyId, secretAccessKey, sessionToken, accountId, expiresAt}`,
/// `tokenType` (when given), `clientId`, `refreshToken`, `idToken`, `dpopKey`.
///
/// # Errors
/// `fmt::Error` when `out` is full.
pub fn write_cache_file(
    out: &mut impl fmt::Write,
    session: &NewSession,
    account_id: Option<&str>,
    expires_at: i64,
    client_id: &str,
    dpop_pem: &str,
) -> fmt::Result {
    out.write_str("{\"accessToken\": ")?;
    let keys = AccessToken {
        access_key_id: &session.access_key_id,
        secret_access_key: &session.secret_access_key,
        session_token: &session.session_token,
        account_id,
        expires_at,
    };
    write_access_token(out, &keys, write_python_str)?;
    let token_type = session.token_type.as_deref().map(|t| ("tokenType", t));
    let members = [
        ("clientId", client_id),
        ("refreshToken", &*session.refresh_token),
        ("idToken", &*session.id_token),
        ("dpopKey", dpop_pem),
    ];
    write_later_members(out, token_type.into_iter().chain(members), write_python_str)?;
    out.write_char('}')
}

/// The overwrite question, asked when the profile has another `login_session`.
#[must_use]
pub fn overwrite_question(profile: &str, old: &str, new: &str) -> String {
    alloc::format!(
        "\nProfile {profile} is already configured to use session {old}. Do you want to \
         overwrite it to use {new} instead? (y/n): "
    )
}

/// What the overwrite question was answered: y/yes/n/no in any case (around whitespace
/// ignored); `None` asks again after [`INVALID_ANSWER`].
#[must_use]
pub fn read_overwrite_answer(line: &str) -> Option<bool> {
    let answer = line.trim();
    if answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if answer.eq_ignore_ascii_case("n") || answer.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

/// Printed after an answer [`read_overwrite_answer`] does not take.
pub const INVALID_ANSWER: &str = "Invalid response. Please enter \"y\" or \"n\"\n";

/// The message after a login.
#[must_use]
pub fn updated_profile_message(profile: &str, session: &str) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\nUpdated profile {profile} to use {session} credentials."
    );
    if profile != "default" {
        let _ = writeln!(
            text,
            "Use \"--profile {profile}\" to use the new credentials, such as \"aws sts \
             get-caller-identity --profile {profile}\""
        );
    }
    text
}

/// `logout`'s message for one profile (printed whether or not the file was there).
#[must_use]
pub fn logout_message(profile: &str) -> String {
    alloc::format!(
        "Removed cached login credentials for profile '{profile}'. Note, any local developer \
         tools that have already loaded the access token may continue to use it until its \
         expiration. Access tokens expire in 15 minutes.\n"
    )
}

/// `logout`'s warning (stderr) for a profile without `login_session`.
#[must_use]
pub fn no_session_warning(profile: &str) -> String {
    alloc::format!("warning: no login session found for profile '{profile}'\n")
}

/// `logout --all`'s message after removing `removed` files.
#[must_use]
pub fn logout_all_message(removed: usize) -> String {
    if removed == 0 {
        return String::from("No cached login session tokens found.\n");
    }
    let s = if removed == 1 { "" } else { "s" };
    alloc::format!(
        "Removed {removed} cached login credential{s}. Note, any local developer tools that have \
         already loaded access tokens may continue to use them until their expiration. Access \
         tokens expire in 15 minutes.\n"
    )
}

#[derive(Deserialize)]
struct CacheProbeJson<'a> {
    #[serde(rename = "accessToken", borrow, default)]
    access_token: Option<CacheProbeAccess<'a>>,
}

#[derive(Deserialize)]
struct CacheProbeAccess<'a> {
    #[serde(rename = "accessKeyId", borrow, default)]
    access_key_id: Option<EscapedStr<'a>>,
}

/// Whether a file of the login cache directory is a login cache file (`accessToken` an object
/// with `accessKeyId`), which `logout --all` deletes.
#[must_use]
pub fn is_login_cache(contents: &[u8]) -> bool {
    serde_json_core::from_slice::<CacheProbeJson<'_>>(contents)
        .ok()
        .and_then(|(json, _)| json.access_token)
        .is_some_and(|a| a.access_key_id.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caches::login::parse;

    #[test]
    fn other_credentials_are_named_in_the_aws_cli_order() {
        assert_eq!(existing_credentials(|_| false), None);
        assert_eq!(
            existing_credentials(|k| k == "role_arn" || k == "aws_access_key_id"),
            Some("Access Key")
        );
        assert_eq!(existing_credentials(|k| k == "sso_account_id"), Some("SSO"));
        assert!(already_configured_message("dev", "SSO")
            .starts_with("Profile 'dev' is already configured with SSO credentials.\n\n"));
    }

    #[test]
    fn authorize_url_in_the_aws_cli_order() {
        let url = authorize_url(
            "http://127.0.0.1:4000/ignored?x",
            SAME_DEVICE_CLIENT_ID,
            "st",
            "http://127.0.0.1:5000/oauth/callback",
            "CH",
        );
        assert_eq!(
            url,
            "http://127.0.0.1:4000/v1/authorize?response_type=code&client_id=arn%3Aaws%3Asignin%3A%3A%3Adevtools%2Fsame-device&state=st&code_challenge_method=SHA-256&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Foauth%2Fcallback&code_challenge=CH"
        );
        assert_eq!(
            remote_redirect_uri("https://us-east-1.signin.aws.amazon.com"),
            "https://us-east-1.signin.aws.amazon.com/v1/sessions/confirmation"
        );
        assert_eq!(
            token_url("https://us-east-1.signin.aws.amazon.com/"),
            "https://us-east-1.signin.aws.amazon.com/v1/token"
        );
    }

    #[test]
    fn pasted_codes() {
        // base64 of "code=abc&state=xyz"
        assert_eq!(
            read_pasted_code(" Y29kZT1hYmMmc3RhdGU9eHl6\n"),
            Ok((String::from("abc"), String::from("xyz")))
        );
        assert_eq!(read_pasted_code("!!"), Err(PasteError::Undecodable));
        // base64 of "code=abc"
        assert_eq!(
            read_pasted_code("Y29kZT1hYmM="),
            Err(PasteError::Incomplete)
        );
        // base64 of the bytes ff fe
        assert_eq!(read_pasted_code("//4="), Err(PasteError::Undecodable));
    }

    #[test]
    fn session_from_the_id_token() {
        // {"sub":"arn:aws:sts::012345678901:assumed-role/Admin/admin"}
        let token = "e30.eyJzdWIiOiJhcm46YXdzOnN0czo6MDEyMzQ1Njc4OTAxOmFzc3VtZWQtcm9sZS9BZG1pbi9hZG1pbiJ9.sig";
        let arn = session_of_id_token(token).unwrap();
        assert_eq!(arn, "arn:aws:sts::012345678901:assumed-role/Admin/admin");
        assert_eq!(account_of_arn(&arn), Some("012345678901"));
        assert_eq!(session_of_id_token("e30.e30.x"), None);
        assert_eq!(session_of_id_token("nodots"), None);
    }

    #[test]
    fn answers() {
        assert_eq!(read_overwrite_answer("YES\n"), Some(true));
        assert_eq!(read_overwrite_answer("n"), Some(false));
        assert_eq!(read_overwrite_answer("maybe"), None);
        assert_eq!(read_overwrite_answer(""), None);
        assert!(updated_profile_message("default", "a").ends_with("a credentials.\n"));
        assert!(updated_profile_message("dev", "a").contains("--profile dev\"\n"));
        assert_eq!(
            logout_all_message(0),
            "No cached login session tokens found.\n"
        );
        assert!(logout_all_message(1).starts_with("Removed 1 cached login credential. "));
        assert!(logout_all_message(2).starts_with("Removed 2 cached login credentials. "));
    }

    #[test]
    fn token_response_to_cache_file_read_back_by_the_login_provider() {
        let body = br#"{"tokenOutput":{"accessToken":{"accessKeyId":"AKID","secretAccessKey":"SECRET","sessionToken":"TOKEN"},"tokenType":"aws_sigv4","expiresIn":900,"refreshToken":"REFRESH","idToken":"e30.e30.x"}}"#;
        let session = parse_token_response(body).unwrap();
        assert!(!alloc::format!("{session:?}").contains("SECRET"));
        let mut file = String::new();
        write_cache_file(
            &mut file,
            &session,
            Some("012345678901"),
            1_700_000_000,
            SAME_DEVICE_CLIENT_ID,
            "-----BEGIN EC PRIVATE KEY-----\nAA\n-----END EC PRIVATE KEY-----\n",
        )
        .unwrap();
        assert!(
            file.starts_with(
                "{\"accessToken\": {\"accessKeyId\": \"AKID\", \"secretAccessKey\": \"SECRET\", \
             \"sessionToken\": \"TOKEN\", \"accountId\": \"012345678901\", \"expiresAt\": \
             \"2023-11-14T22:13:20Z\"}, \"tokenType\": \"aws_sigv4\", \"clientId\": "
            ),
            "{file}"
        );
        assert!(file.ends_with("\"dpopKey\": \"-----BEGIN EC PRIVATE KEY-----\\nAA\\n-----END EC PRIVATE KEY-----\\n\"}"));
        let cached = parse(file.as_bytes()).unwrap();
        assert_eq!(cached.expires_at(), 1_700_000_000);
        assert_eq!(cached.refresh_token(), Some("REFRESH"));
        assert_eq!(cached.client_id(), Some(SAME_DEVICE_CLIENT_ID));
        assert!(is_login_cache(file.as_bytes()));
        assert!(!is_login_cache(b"{\"accessToken\": \"x\"}"));
        assert!(!is_login_cache(b"{\"other\": 1}"));
        assert!(parse_token_response(b"{}").is_none());
        let mut request = String::new();
        crate::services::signin::write_code_request(&mut request, "c", "k", "v", "r").unwrap();
        assert_eq!(
            request,
            r#"{"clientId":"c","grantType":"authorization_code","code":"k","codeVerifier":"v","redirectUri":"r"}"#
        );
    }
}
