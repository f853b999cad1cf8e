//! The AWS sign-in federation endpoint: a console sign-in token for temporary credentials
//! (`getSigninToken`) and the console URL made with it (`login`), as AWS documents it for
//! custom identity brokers ("Enable custom identity broker access to the AWS console").
//!
//! ```text
//!   GET {endpoint}?Action=getSigninToken[&SessionDuration=N]
//!       &Session={"sessionId":AKID,"sessionKey":SECRET,"sessionToken":TOKEN}   (URL-encoded)
//!   ──▶ {"SigninToken": "..."}
//!   {endpoint}?Action=login&Destination={console URL}&SigninToken={token}      (for the browser)
//! ```
//!
//! The endpoint takes temporary credentials only: an IAM user's long-term keys are first
//! exchanged with STS GetFederationToken ([`crate::services::sts::get_federation_token`]).
//! `SessionDuration` (900 to 43,200 seconds) is for credentials of an assumed role; for a
//! federated user the console session lasts as its credentials do.
//!
//! # Secrets
//! The request's query holds the secret key and session token, and the answer's token signs in
//! as them: neither is kept in an error ([`ServiceFailure`] keeps the URL without its query),
//! and [`SigninToken`]'s Debug redacts it.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt::{self, Write as _};

use serde::Deserialize;
use serde_json_core::str::EscapedStr;

use crate::credentials::Credentials;
use crate::io::{Clock, Http, HttpRequest};
use crate::json::{unescape, write_python_str};
use crate::services::exchange::{self, bad_json_failure, ServiceFailure};
use crate::services::retry::RetryConfig;
use crate::signing::sigv4::uri_encode;

/// How long the getSigninToken call may take, in milliseconds.
pub const FEDERATION_TIMEOUT_MS: u32 = 10_000;
/// The largest getSigninToken answer read, in bytes (real ones are about 1 KB).
pub const MAX_FEDERATION_RESPONSE_BYTES: usize = 64 * 1024;
/// The longest sign-in token kept, in bytes.
pub const MAX_SIGNIN_TOKEN_LEN: usize = 16 * 1024;
/// The least and the most `SessionDuration` the endpoint takes, in seconds.
pub const SESSION_DURATION_RANGE: core::ops::RangeInclusive<i64> = 900..=43_200;

/// The operation's name in errors.
const GET_SIGNIN_TOKEN: &str = "getSigninToken";
/// What a good answer is, in errors.
const EXPECTED: &str = "JSON with SigninToken";

/// A partition's sign-in and console hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// The federation endpoint.
    pub federation: &'static str,
    /// The console's origin.
    pub console: &'static str,
}

/// The `aws` partition's hosts.
pub const AWS: Partition = Partition {
    federation: "https://signin.aws.amazon.com/federation",
    console: "https://console.aws.amazon.com",
};
/// The China partition's hosts (`cn-*` regions).
pub const AWS_CN: Partition = Partition {
    federation: "https://signin.amazonaws.cn/federation",
    console: "https://console.amazonaws.cn",
};
/// The GovCloud (US) partition's hosts (`us-gov-*` regions).
pub const AWS_US_GOV: Partition = Partition {
    federation: "https://signin.amazonaws-us-gov.com/federation",
    console: "https://console.amazonaws-us-gov.com",
};

/// The partition of `region` (by its prefix; `aws` for none).
#[must_use]
pub fn partition(region: Option<&str>) -> Partition {
    match region {
        Some(r) if r.starts_with("cn-") => AWS_CN,
        Some(r) if r.starts_with("us-gov-") => AWS_US_GOV,
        _ => AWS,
    }
}

/// The console page opened when no destination is given: the console home, in `region` when
/// one is configured.
#[must_use]
pub fn default_destination(region: Option<&str>) -> String {
    let console = partition(region).console;
    match region.filter(|r| !r.is_empty()) {
        Some(region) => {
            let mut url = String::new();
            // Writing to a String cannot fail.
            let _ = write!(url, "{console}/console/home?region={}", uri_encode(region));
            url
        }
        None => alloc::format!("{console}/"),
    }
}

/// Why no console URL could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FederationError {
    /// The credentials have no session token: the endpoint takes temporary credentials only.
    LongTermKeys,
    /// `SessionDuration` outside [`SESSION_DURATION_RANGE`].
    BadSessionDuration(i64),
    /// The exchange failed (the URL named without its query).
    Failed(Box<ServiceFailure>),
}

impl fmt::Display for FederationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FederationError::LongTermKeys => f.write_str(
                "the federation endpoint takes temporary credentials only (with a session \
                 token); exchange long-term keys with STS GetFederationToken first",
            ),
            FederationError::BadSessionDuration(seconds) => write!(
                f,
                "a console session of {seconds} seconds is outside what the federation \
                 endpoint takes ({} to {}); give a duration in that range",
                SESSION_DURATION_RANGE.start(),
                SESSION_DURATION_RANGE.end()
            ),
            FederationError::Failed(failure) => write!(
                f,
                "{failure}; the credentials may have expired, or (with a session duration) come \
                 from a role assumed with another role's credentials, which the console limits \
                 to one hour"
            ),
        }
    }
}

impl core::error::Error for FederationError {}

/// A console sign-in token: a secret (it signs in as the credentials). Debug redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigninToken(String);

impl SigninToken {
    /// The token.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SigninToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigninToken(<redacted>)")
    }
}

/// The getSigninToken URL for `credentials` at `endpoint`, asking for a console session of
/// `session_duration` seconds when given.
///
/// # Errors
/// [`FederationError::LongTermKeys`], [`FederationError::BadSessionDuration`].
pub fn signin_token_url(
    endpoint: &str,
    credentials: &Credentials,
    session_duration: Option<i64>,
) -> Result<String, FederationError> {
    let token = credentials
        .session_token()
        .ok_or(FederationError::LongTermKeys)?;
    if let Some(seconds) = session_duration {
        if !SESSION_DURATION_RANGE.contains(&seconds) {
            return Err(FederationError::BadSessionDuration(seconds));
        }
    }
    let mut session = String::new();
    let mut url = String::new();
    // Writing to a String cannot fail.
    let _ = (|| -> fmt::Result {
        session.write_str("{\"sessionId\":")?;
        write_python_str(&mut session, credentials.access_key_id())?;
        session.write_str(",\"sessionKey\":")?;
        write_python_str(&mut session, credentials.secret_access_key())?;
        session.write_str(",\"sessionToken\":")?;
        write_python_str(&mut session, token)?;
        session.write_char('}')?;
        write!(url, "{}?Action=getSigninToken", query_base(endpoint))?;
        if let Some(seconds) = session_duration {
            write!(url, "&SessionDuration={seconds}")?;
        }
        write!(url, "&Session={}", uri_encode(&session))
    })();
    Ok(url)
}

/// The console URL that signs in with `token` and opens `destination`.
#[must_use]
pub fn login_url(endpoint: &str, destination: &str, token: &SigninToken) -> String {
    let mut url = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        url,
        "{}?Action=login&Destination={}&SigninToken={}",
        query_base(endpoint),
        uri_encode(destination),
        uri_encode(token.as_str())
    );
    url
}

/// `endpoint` without a query or fragment of its own.
fn query_base(endpoint: &str) -> &str {
    endpoint.split(['?', '#']).next().unwrap_or(endpoint)
}

#[derive(Deserialize)]
struct AnswerJson<'a> {
    #[serde(rename = "SigninToken", borrow)]
    signin_token: EscapedStr<'a>,
}

/// Reads getSigninToken's answer body.
///
/// # Errors
/// `None` when it is not JSON with a non-empty `SigninToken` of at most
/// [`MAX_SIGNIN_TOKEN_LEN`] bytes.
#[must_use]
pub fn parse_signin_token(body: &[u8]) -> Option<SigninToken> {
    let (answer, _) = serde_json_core::from_slice::<AnswerJson<'_>>(body).ok()?;
    let token = unescape::<MAX_SIGNIN_TOKEN_LEN>(answer.signin_token, "SigninToken", "")
        .ok()
        .filter(|t| !t.is_empty())?;
    Some(SigninToken(String::from(token.as_str())))
}

/// Asks the federation endpoint at `endpoint` for a sign-in token for `credentials`
/// (temporary ones), retried as `retry` says.
///
/// # Errors
/// [`FederationError`]: the request's, or the exchange's (naming the endpoint, never the
/// query).
pub async fn signin_token<H: Http + ?Sized, K: Clock + ?Sized>(
    http: &H,
    clock: &K,
    retry: RetryConfig,
    endpoint: &str,
    credentials: &Credentials,
    session_duration: Option<i64>,
) -> Result<SigninToken, FederationError> {
    let url = signin_token_url(endpoint, credentials, session_duration)?;
    let request = HttpRequest {
        method: "GET",
        url: &url,
        headers: &[],
        body: &[],
        timeout_ms: FEDERATION_TIMEOUT_MS,
        max_body_bytes: MAX_FEDERATION_RESPONSE_BYTES,
    };
    let provider = credentials.provider();
    let response =
        exchange::send_retrying(http, clock, retry, provider, GET_SIGNIN_TOKEN, &request)
            .await
            .map_err(|failure| FederationError::Failed(Box::new(failure)))?;
    parse_signin_token(response.body.as_ref()).ok_or_else(|| {
        FederationError::Failed(Box::new(bad_json_failure(
            provider,
            GET_SIGNIN_TOKEN,
            endpoint,
            response.status,
            response.content_type.as_deref(),
            EXPECTED,
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::ProviderKind;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            ProviderKind::AssumeRole,
            "ASIAEXAMPLE",
            "sec/ret+key",
            token,
            None,
            None,
        )
        .unwrap()
    }

    /// The query parameter `name`'s value, decoded.
    fn param(url: &str, name: &str) -> Option<String> {
        let query = url.split_once('?')?.1;
        let raw = query
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))?;
        Some(credchain_test_support::mock_server::percent_decode(raw))
    }

    #[test]
    fn the_token_request_carries_the_session_as_json() {
        let url = signin_token_url(AWS.federation, &creds(Some("to\"ken")), Some(3600)).unwrap();
        assert!(url.starts_with(
            "https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B"
        ));
        assert_eq!(
            param(&url, "Session").unwrap(),
            r#"{"sessionId":"ASIAEXAMPLE","sessionKey":"sec/ret+key","sessionToken":"to\"ken"}"#
        );
        let url = signin_token_url("http://127.0.0.1:1/f?x=1", &creds(Some("t")), None).unwrap();
        assert!(url.starts_with("http://127.0.0.1:1/f?Action=getSigninToken&Session="));
    }

    #[test]
    fn long_term_keys_and_durations_out_of_range_are_refused() {
        let e = signin_token_url(AWS.federation, &creds(None), None).unwrap_err();
        assert_eq!(e, FederationError::LongTermKeys);
        for seconds in [899, 43_201, -1] {
            let e = signin_token_url(AWS.federation, &creds(Some("t")), Some(seconds));
            assert_eq!(e, Err(FederationError::BadSessionDuration(seconds)));
        }
        let text = std::format!("{}", FederationError::BadSessionDuration(5));
        assert!(text.contains("900 to 43200"), "{text}");
    }

    #[test]
    fn the_login_url_and_the_destination_per_partition() {
        let token = SigninToken(String::from("tok/en+="));
        let url = login_url(
            AWS.federation,
            &default_destination(Some("eu-west-1")),
            &token,
        );
        assert_eq!(
            url,
            "https://signin.aws.amazon.com/federation?Action=login&Destination=\
             https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1\
             &SigninToken=tok%2Fen%2B%3D"
        );
        assert_eq!(default_destination(None), "https://console.aws.amazon.com/");
        assert_eq!(
            default_destination(Some("cn-north-1")),
            "https://console.amazonaws.cn/console/home?region=cn-north-1"
        );
        assert_eq!(partition(Some("us-gov-west-1")), AWS_US_GOV);
        assert_eq!(partition(Some("eu-west-1")), AWS);
        assert_eq!(std::format!("{token:?}"), "SigninToken(<redacted>)");
    }

    #[test]
    fn answers() {
        let token = parse_signin_token(br#"{"SigninToken":"a\/b"}"#).unwrap();
        assert_eq!(token.as_str(), "a/b");
        for bad in [
            &b""[..],
            b"{}",
            br#"{"SigninToken":""}"#,
            b"<html>",
            br#"{"SigninToken":1}"#,
        ] {
            assert!(parse_signin_token(bad).is_none(), "{bad:?}");
        }
    }
}
