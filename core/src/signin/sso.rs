//! `aws sso login` and `aws sso logout`, decided without I/O (awscli/customizations/sso/: login.py,
//! utils.py, resolve.py, logout.py; botocore's `SSOTokenFetcher` and `SSOTokenFetcherAuth`).
//!
//! # What login reads
//! ```ini
//! [profile dev]
//! sso_session = corp
//!
//! [sso-session corp]
//! sso_start_url = https://d-abc123.awsapps.com/start
//! sso_region = us-east-1
//! sso_registration_scopes = sso:account:access
//! ```
//! or, in the legacy form, `sso_start_url` and `sso_region` in the profile itself. The session
//! is `--sso-session`, else the profile's `sso_session` ([`login_config`]).
//!
//! # The flow
//! The authorization code flow with PKCE for a session unless `--use-device-code`, the device
//! code flow otherwise (legacy profiles always) ([`Flow::choose`]). The host then: reuses the
//! cached registration if it [suits](crate::caches::sso_registration::CachedRegistration::suits)
//! the flow, else calls RegisterClient; sends the person to [`authorize_url`] and waits for
//! the loopback callback ([`read_callback`]), or starts a device authorization and polls; and
//! at the end writes the token file ([`write_token_file`]) and the registration.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use crate::caches::assume_role::CacheKey;
use crate::caches::sso_token::token_cache_key;
/// The token file `sso login` writes at the end: the one a refresh writes, with the client
/// registered (`expiresAt` and `registrationExpiresAt` as `%Y-%m-%dT%H:%M:%SZ`).
pub use crate::caches::sso_token::write_token_file;
use crate::config::evaluate::Evaluator;
use crate::config::parse::Property;
use crate::credentials::redact::redacted_debug;
use crate::io::Env;
use crate::services::sso_oidc::DEFAULT_SCOPE;
use crate::signing::sigv4::uri_encode;
use crate::Sourced;

use super::console::origin_url;

/// The longest the loopback callback waits for the browser, in seconds (the AWS CLI's 600).
pub const CALLBACK_WAIT_SECS: u64 = 600;
/// The device flow's polling interval when the service names none, in seconds.
pub const DEFAULT_INTERVAL_SECS: i64 = 5;
/// What a `SlowDownException` adds to the polling interval, for good, in seconds.
pub const SLOW_DOWN_SECS: i64 = 5;

/// What `sso login` signs in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginConfig<'s> {
    /// The active profile's name.
    pub profile: &'s str,
    /// The `[sso-session NAME]`, or `None` in the legacy form.
    pub session: Option<&'s str>,
    /// `sso_start_url`, as configured (cache keys, the token's `startUrl`, the message).
    pub start_url: Sourced<'s>,
    /// `sso_region`.
    pub region: Sourced<'s>,
    /// `sso_registration_scopes` split on commas, trimmed, empties dropped; `None` when the
    /// session does not set it (the registration cache key tells the two apart).
    pub scopes: Option<Vec<&'s str>>,
}

impl LoginConfig<'_> {
    /// The scopes as a slice, empty when none are configured.
    #[must_use]
    pub fn scope_list(&self) -> &[&str] {
        self.scopes.as_deref().unwrap_or(&[])
    }

    /// The token file's key: the SHA-1 of the session name, or of the start URL.
    #[must_use]
    pub fn token_key(&self) -> CacheKey {
        token_cache_key(self.session.unwrap_or(self.start_url.value))
    }

    /// The OIDC client name: `botocore-client-<session>`, or `botocore-client-<now>` (Unix
    /// seconds) for the legacy form.
    #[must_use]
    pub fn client_name(&self, now: i64) -> String {
        let mut name = String::from("botocore-client-");
        match self.session {
            Some(session) => name.push_str(session),
            None => {
                let _ = write!(name, "{now}");
            }
        }
        name
    }
}

/// Why `sso login` cannot start: the AWS CLI's messages (exit status 253).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginConfigError<'s> {
    /// The named `[sso-session]` is not in the config file.
    SessionNotFound(&'s str),
    /// Keys missing from the session (or, `legacy`, from the profile).
    Missing {
        /// The missing keys, in the AWS CLI's order.
        missing: Vec<&'static str>,
        /// Whether the legacy form was read.
        legacy: bool,
    },
}

impl fmt::Display for LoginConfigError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginConfigError::SessionNotFound(name) => {
                write!(f, "The specified sso-session does not exist: \"{name}\"")
            }
            LoginConfigError::Missing { missing, legacy } => {
                f.write_str("Missing the following required SSO configuration values: ")?;
                for (i, key) in missing.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(key)?;
                }
                f.write_char('.')?;
                if *legacy {
                    f.write_str(
                        " To make sure this profile is properly configured to use SSO, please run: aws configure sso",
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// The configuration `sso login` signs in with: `--sso-session` (`session_option`), else the
/// active profile's `sso_session`, else the profile's own `sso_start_url` and `sso_region`.
/// A multi-line value counts as missing.
///
/// # Errors
/// [`LoginConfigError`].
pub fn login_config<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
    session_option: Option<&'s str>,
) -> Result<LoginConfig<'s>, LoginConfigError<'s>> {
    let active = eval.active_profile();
    let from_profile = || {
        active
            .profile
            .and_then(|p| p.get("sso_session"))
            .and_then(Property::sourced)
            .map(|s| s.value)
    };
    // An empty `sso_session` is falsy in Python: the legacy form.
    let session = session_option
        .or_else(from_profile)
        .filter(|s| !s.is_empty());
    let required = |get: &dyn Fn(&'static str) -> Option<Sourced<'s>>, legacy: bool| {
        let start_url = get("sso_start_url");
        let region = get("sso_region");
        match (start_url, region) {
            (Some(start_url), Some(region)) => Ok((start_url, region)),
            (start_url, region) => Err(LoginConfigError::Missing {
                missing: [
                    ("sso_start_url", start_url.is_none()),
                    ("sso_region", region.is_none()),
                ]
                .iter()
                .filter(|(_, missing)| *missing)
                .map(|(key, _)| *key)
                .collect(),
                legacy,
            }),
        }
    };
    match session {
        Some(name) => {
            let section = eval
                .files()
                .sso_session(name)
                .ok_or(LoginConfigError::SessionNotFound(name))?;
            let (start_url, region) =
                required(&|key| section.get(key).and_then(Property::sourced), false)?;
            let scopes = section
                .get("sso_registration_scopes")
                .and_then(Property::sourced)
                .map(|raw| split_scopes(raw.value));
            Ok(LoginConfig {
                profile: active.name,
                session: Some(name),
                start_url,
                region,
                scopes,
            })
        }
        None => {
            let (start_url, region) = required(
                &|key| {
                    active
                        .profile
                        .and_then(|p| p.get(key))
                        .and_then(Property::sourced)
                },
                true,
            )?;
            Ok(LoginConfig {
                profile: active.name,
                session: None,
                start_url,
                region,
                scopes: None,
            })
        }
    }
}

/// `sso_registration_scopes` as the AWS CLI splits it: on commas, trimmed, empties dropped.
#[must_use]
pub fn split_scopes(raw: &str) -> Vec<&str> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Which OAuth flow signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The authorization code flow with PKCE and a loopback callback.
    AuthorizationCode,
    /// The device code flow.
    DeviceCode,
}

impl Flow {
    /// The authorization code flow for a session unless `--use-device-code`; the device code
    /// flow otherwise (legacy profiles always).
    #[must_use]
    pub fn choose(config: &LoginConfig<'_>, use_device_code: bool) -> Flow {
        if config.session.is_some() && !use_device_code {
            Flow::AuthorizationCode
        } else {
            Flow::DeviceCode
        }
    }
}

/// How the start URL is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartUrlKind {
    /// An AWS-owned host: used as it is, with the configured region.
    AwsOwned,
    /// Any other host (a "vanity" URL), which the AWS CLI resolves with one HEAD request.
    Vanity,
}

/// Why a start URL cannot be used (exit status 253).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartUrlError<'a> {
    /// Not `https`.
    NotHttps,
    /// No host.
    Invalid(&'a str),
}

impl fmt::Display for StartUrlError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartUrlError::NotHttps => f.write_str("The sso_start_url must use the https scheme."),
            StartUrlError::Invalid(url) => write!(f, "Invalid sso_start_url: '{url}'"),
        }
    }
}

/// The host of an absolute URL (`scheme://[user@]host[:port]/...`), without its port; `None`
/// when there is none. IPv6 literals keep their brackets off.
#[must_use]
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// Checks `sso_start_url` as the AWS CLI does before signing in.
///
/// # Errors
/// [`StartUrlError`].
pub fn check_start_url(url: &str) -> Result<StartUrlKind, StartUrlError<'_>> {
    // urlparse lower-cases the scheme.
    let scheme = url.split_once(':').map(|(s, _)| s);
    if !scheme.is_some_and(|s| s.eq_ignore_ascii_case("https")) {
        return Err(StartUrlError::NotHttps);
    }
    let host = url_host(url).ok_or(StartUrlError::Invalid(url))?;
    Ok(if is_aws_owned_host(host) {
        StartUrlKind::AwsOwned
    } else {
        StartUrlKind::Vanity
    })
}

const AWS_OWNED_SUFFIXES: [&str; 8] = [
    ".app.aws",
    ".portal.amazonaws.com",
    ".portal.amazonaws.com.cn",
    ".app.amazonwebservices.com.cn",
    ".portal.amazonaws.eu",
    ".api.amazonwebservices.eu",
    ".awsapps.com",
    ".awsapps.cn",
];

const AWS_OWNED_EXACT: [&str; 4] = [
    "identitycenter.amazonaws.com",
    "identitycenter.amazonaws.com.cn",
    "identitycenter.amazonaws.eu",
    "identitycenter.us-gov.amazonaws.com",
];

/// Whether the AWS CLI takes `host` as AWS-owned (resolve.py's list; case-insensitive, a
/// trailing dot ignored).
#[must_use]
pub fn is_aws_owned_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let lower = |s: &str| s.to_ascii_lowercase();
    let host = lower(host);
    AWS_OWNED_EXACT.contains(&host.as_str())
        || AWS_OWNED_SUFFIXES
            .iter()
            .any(|suffix| host.ends_with(suffix) || host == suffix[1..])
}

/// The region in an AWS-owned portal host (`<id>.portal.<r>.app.aws`,
/// `<id>.<r>.portal.amazonaws.com(.cn)`, `<id>.portal.<r>.app.amazonwebservices.com.cn`,
/// `<id>.<r>.portal.amazonaws.eu`, `<id>.portal.<r>.api.amazonwebservices.eu`).
#[must_use]
pub fn region_from_host(host: &str) -> Option<String> {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let region_ok = |r: &str| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let shapes: [(&[&str], usize, usize); 6] = [
        // (the labels after the region, where the region is, how many labels in all)
        (&["app", "aws"], 2, 5),
        (&["portal", "amazonaws", "com"], 1, 5),
        (&["portal", "amazonaws", "com", "cn"], 1, 6),
        (&["app", "amazonwebservices", "com", "cn"], 2, 7),
        (&["portal", "amazonaws", "eu"], 1, 5),
        (&["api", "amazonwebservices", "eu"], 2, 6),
    ];
    for (tail, at, count) in shapes {
        if labels.len() != count || !labels.ends_with(tail) {
            continue;
        }
        if at == 2 && labels[1] != "portal" {
            continue;
        }
        if labels[0].is_empty() || !region_ok(labels[at]) {
            continue;
        }
        return Some(String::from(labels[at]));
    }
    None
}

/// The next step of resolving a vanity start URL (resolve.py's `_follow_redirect`: one HEAD,
/// a GET instead when HEAD is refused, exactly one redirect hop, whose target is not fetched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeStep {
    /// The URL the probing ends at (the one probed, or the redirect's target).
    Done(String),
    /// HEAD was refused (405, 501): ask again with GET.
    RetryAsGet,
    /// The AWS CLI's configuration error (253).
    Failed(String),
}

/// What a probe of `url` (a HEAD, or the GET after it when `was_get`) answering `status`,
/// with `location`, means.
#[must_use]
pub fn after_probe(url: &str, was_get: bool, status: u16, location: Option<&str>) -> ProbeStep {
    match status {
        200..=299 => ProbeStep::Done(String::from(url)),
        405 | 501 if !was_get => ProbeStep::RetryAsGet,
        301 | 302 | 303 | 307 | 308 => match location.filter(|l| !l.is_empty()) {
            Some(location) => ProbeStep::Done(url_join(url, location)),
            None => ProbeStep::Failed(String::from("Redirect response missing Location header.")),
        },
        _ => ProbeStep::Failed(alloc::format!("Failed to resolve start URL: HTTP {status}")),
    }
}

/// `location` read against `base`, as `urllib.parse.urljoin` reads the common forms: an
/// absolute URL, `//host/..`, `/path`, `?query`, or a path relative to the base's directory.
#[must_use]
pub fn url_join(base: &str, location: &str) -> String {
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let has_scheme = location.split_once("://").is_some_and(|(s, _)| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    if has_scheme {
        String::from(location)
    } else if let Some(net) = location.strip_prefix("//") {
        alloc::format!("{scheme}://{net}")
    } else if location.starts_with('/') {
        alloc::format!("{scheme}://{authority}{location}")
    } else {
        let path = &rest[authority.len()..];
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if location.starts_with('?') {
            return alloc::format!("{scheme}://{authority}{path}{location}");
        }
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        alloc::format!("{scheme}://{authority}{dir}/{location}")
    }
}

/// resolve.py's `_normalize_url`: the scheme, the host in lower case, a port other than the
/// scheme's default, and the path without the `/`s that end it (no query, no fragment).
#[must_use]
pub fn normalize_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let path = rest[authority.len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    let host = url_host(url).unwrap_or_default().to_ascii_lowercase();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let port = host_port
        .rsplit_once(':')
        .filter(|(h, _)| !h.ends_with(']') || host_port.starts_with('['))
        .and_then(|(_, p)| p.parse::<u16>().ok());
    let default = match scheme.as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    };
    let mut out = alloc::format!("{scheme}://{host}");
    if let Some(port) = port.filter(|p| Some(*p) != default && *p != 0) {
        let _ = write!(out, ":{port}");
    }
    out.push_str(path.trim_end_matches('/'));
    out
}

/// A vanity start URL resolved: the URL the sign-in sends (`issuerUrl`,
/// StartDeviceAuthorization's `startUrl`) and the region it signs in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The resolved start URL.
    pub url: String,
    /// The region: from the resolved host when it names one, else the configured one.
    pub region: String,
}

/// The end of a vanity URL's resolution: `final_url` (where the probing ended) normalised,
/// refused unless it is an AWS-owned https URL.
///
/// # Errors
/// The AWS CLI's configuration error (253).
pub fn resolved(
    start_url: &str,
    final_url: &str,
    configured_region: &str,
) -> Result<Resolved, String> {
    let url = normalize_url(final_url);
    let host = url_host(&url).unwrap_or_default();
    if host.is_empty() || !is_aws_owned_host(host) {
        return Err(alloc::format!(
            "Could not resolve start URL '{start_url}' to an AWS-owned endpoint. Final URL: '{url}'"
        ));
    }
    if !url.starts_with("https://") {
        return Err(alloc::format!("Resolved URL must use https. Got: '{url}'"));
    }
    let region = region_from_host(host).unwrap_or_else(|| String::from(configured_region));
    Ok(Resolved { url, region })
}

/// The browser URL of the authorization code flow: `<oidc scheme://host>/authorize?
/// response_type=code&client_id=..&redirect_uri=..&state=..&code_challenge_method=S256&
/// scopes=..&code_challenge=..`, the values percent-encoded with only `-._~` left as they are,
/// the scopes space-joined ([`DEFAULT_SCOPE`] when none are configured), the challenge last
/// and raw.
#[must_use]
pub fn authorize_url(
    oidc_endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    scopes: &[&str],
    challenge: &str,
) -> String {
    let joined = if scopes.is_empty() {
        String::from(DEFAULT_SCOPE)
    } else {
        scopes.join(" ")
    };
    let mut url = origin_url(oidc_endpoint, "/authorize");
    let _ = write!(
        url,
        "?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256\
         &scopes={}&code_challenge={challenge}",
        uri_encode(client_id),
        uri_encode(redirect_uri),
        uri_encode(state),
        uri_encode(&joined),
    );
    url
}

/// What one request to the loopback callback said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// `code` and `state` (the state still to be compared).
    Code {
        /// The authorization code (a secret).
        code: String,
        /// The state the browser brought back.
        state: String,
    },
    /// An `error` parameter: the sign-in failed in the browser.
    Error {
        /// The state the browser brought back, if any.
        state: Option<String>,
    },
    /// Neither: keep waiting (a favicon request, a stray visit).
    Ignored,
}

/// Reads a request target (`/oauth/callback?code=..&state=..`) as the AWS CLI's handler does
/// with `parse_qs`: `&`-separated pairs, `+` as a space, percent escapes decoded, pairs without
/// `=` or with an empty value dropped, the first value of a name used; `error` wins (with the
/// state, which the host compares before it believes the error).
#[must_use]
pub fn read_callback(target: &str) -> Callback {
    let query = target
        .split('#')
        .next()
        .unwrap_or_default()
        .split_once('?')
        .map_or("", |(_, q)| q);
    let mut code = None;
    let mut state = None;
    let mut error = false;
    for pair in query.split('&') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let value = form_decode(value);
        if value.is_empty() {
            continue;
        }
        match form_decode(name).as_str() {
            "error" => error = true,
            "code" if code.is_none() => code = Some(value),
            "state" if state.is_none() => state = Some(value),
            _ => {}
        }
    }
    if error {
        return Callback::Error { state };
    }
    match (code, state) {
        (Some(code), Some(state)) => Callback::Code { code, state },
        _ => Callback::Ignored,
    }
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space; bad UTF-8 replaced).
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |c: u8| char::from(c).to_digit(16);
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let high = bytes.get(i + 1).and_then(|&c| hex(c));
                let low = bytes.get(i + 2).and_then(|&c| hex(c));
                match (high, low) {
                    (Some(h), Some(l)) => {
                        // Two hex digits make one byte.
                        out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The page the loopback callback answers every request with.
pub const CALLBACK_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Amazon Web Services Sign-in</title></head><body><h1>Sign in to AWS</h1>\
<p>Your credentials have been shared successfully and can be used until your session expires. \
You can now close this tab.</p></body></html>\n";

/// A token file as `sso logout` sees it.
#[derive(Clone, PartialEq, Eq)]
pub struct LogoutToken {
    /// The access token, when it is a string (a secret).
    pub access_token: Option<String>,
    /// The region the portal's Logout is called in, when the file names one.
    pub region: Option<String>,
}

redacted_debug!(LogoutToken { region });

/// Whether the members are there, whatever their values.
#[derive(serde::Deserialize)]
struct LogoutPresence {
    #[serde(rename = "accessToken", default)]
    access_token: Option<serde::de::IgnoredAny>,
}

/// The members as strings (a file where they are not strings has none).
#[derive(serde::Deserialize)]
struct LogoutStrings<'a> {
    #[serde(rename = "accessToken", borrow, default)]
    access_token: Option<serde_json_core::str::EscapedStr<'a>>,
    #[serde(borrow, default)]
    region: Option<serde_json_core::str::EscapedStr<'a>>,
}

#[derive(serde::Deserialize)]
struct ProviderJson<'a> {
    #[serde(rename = "ProviderType", borrow, default)]
    provider_type: Option<serde_json_core::str::EscapedStr<'a>>,
}

/// Reads a file of `~/.aws/sso/cache` for `sso logout`: `Some` when it is a JSON object with
/// `accessToken` (of any type: the file is deleted), `None` otherwise (kept: registrations,
/// files that are not JSON).
#[must_use]
pub fn read_logout_token(contents: &[u8]) -> Option<LogoutToken> {
    let (presence, _) = serde_json_core::from_slice::<LogoutPresence>(contents).ok()?;
    presence.access_token?;
    let text = |v: Option<serde_json_core::str::EscapedStr<'_>>| {
        v.and_then(|s| crate::json::unescape::<{ 16 * 1024 }>(s, "", "").ok())
            .map(|s| String::from(s.as_str()))
    };
    let (access_token, region) = match serde_json_core::from_slice::<LogoutStrings<'_>>(contents) {
        Ok((json, _)) => (text(json.access_token), text(json.region)),
        Err(_) => (None, None),
    };
    Some(LogoutToken {
        access_token,
        // An empty region is falsy in Python: no Logout call.
        region: region.filter(|r| !r.is_empty()),
    })
}

/// Whether a file of `~/.aws/cli/cache` holds SSO role credentials (`"ProviderType": "sso"`),
/// which `sso logout` deletes; assume-role entries are kept.
#[must_use]
pub fn is_sso_role_cache(contents: &[u8]) -> bool {
    serde_json_core::from_slice::<ProviderJson<'_>>(contents)
        .ok()
        .and_then(|(json, _)| json.provider_type)
        .is_some_and(|s| s.0 == "sso")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_owned_hosts_and_regions() {
        for host in [
            "d-123.awsapps.com",
            "D-123.AWSAPPS.com.",
            "identitycenter.amazonaws.com",
            "x.portal.us-east-1.app.aws",
            "awsapps.com",
        ] {
            assert!(is_aws_owned_host(host), "{host}");
        }
        for host in [
            "example.com",
            "awsapps.com.evil.com",
            "identitycenter.amazonaws.com.x",
            "xawsapps.com",
        ] {
            assert!(!is_aws_owned_host(host), "{host}");
        }
        for (host, region) in [
            ("ssoins-1.portal.eu-west-1.app.aws", Some("eu-west-1")),
            ("x.us-west-2.portal.amazonaws.com", Some("us-west-2")),
            ("x.cn-north-1.portal.amazonaws.com.cn", Some("cn-north-1")),
            ("d-123.awsapps.com", None),
        ] {
            assert_eq!(region_from_host(host).as_deref(), region, "{host}");
        }
        for (url, want) in [
            ("http://d-1.awsapps.com/start", Err(StartUrlError::NotHttps)),
            ("https://d-1.awsapps.com/start", Ok(StartUrlKind::AwsOwned)),
            ("HTTPS://sso.example.com/", Ok(StartUrlKind::Vanity)),
            ("https:///x", Err(StartUrlError::Invalid("https:///x"))),
        ] {
            assert_eq!(check_start_url(url), want, "{url}");
        }
    }

    #[test]
    fn the_authorize_url() {
        let url = authorize_url(
            "http://127.0.0.1:4444/ignored",
            "cid/1",
            "http://127.0.0.1:5555/oauth/callback",
            "st",
            &[],
            "CH",
        );
        assert_eq!(
            url,
            "http://127.0.0.1:4444/authorize?response_type=code&client_id=cid%2F1&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Foauth%2Fcallback&state=st&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=CH"
        );
        assert!(
            authorize_url("https://oidc.x", "c", "r", "s", &["a", "b c"], "h")
                .contains("&scopes=a%20b%20c&")
        );
    }

    #[test]
    fn callbacks() {
        assert_eq!(
            read_callback("/oauth/callback?code=a%2Bb+c&state=s1&code=other"),
            Callback::Code {
                code: "a+b c".into(),
                state: "s1".into()
            }
        );
        assert_eq!(
            read_callback("/oauth/callback?state=s&error=access_denied&code=c"),
            Callback::Error {
                state: Some("s".into())
            }
        );
        assert_eq!(read_callback("/favicon.ico"), Callback::Ignored);
        assert_eq!(
            read_callback("/oauth/callback?code=&state=s"),
            Callback::Ignored
        );
        assert_eq!(read_callback("/?code=c&state"), Callback::Ignored);
        assert_eq!(read_callback("/?error="), Callback::Ignored);
        assert_eq!(read_callback("/?error=x"), Callback::Error { state: None });
        assert_eq!(
            read_callback("/?code=%zz&state=%e9"),
            Callback::Code {
                code: "%zz".into(),
                state: "\u{fffd}".into()
            }
        );
    }

    #[test]
    fn scopes_split_as_the_aws_cli_does() {
        assert_eq!(split_scopes(" a , ,b,"), ["a", "b"]);
        assert!(split_scopes("").is_empty());
    }

    #[test]
    fn logout_reads() {
        let t = read_logout_token(
            br#"{"accessToken": "at", "region": "us-east-1", "x": [1, {"y": null}]}"#,
        )
        .unwrap();
        assert_eq!(t.access_token.as_deref(), Some("at"));
        assert_eq!(t.region.as_deref(), Some("us-east-1"));
        assert!(!std::format!("{t:?}").contains("at\""));
        let odd = read_logout_token(br#"{"accessToken": 5, "region": ""}"#).unwrap();
        assert_eq!((odd.access_token, odd.region), (None, None));
        assert!(read_logout_token(
            br#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2030-01-01T00:00:00Z"}"#
        )
        .is_none());
        assert!(read_logout_token(b"not json").is_none());
        assert!(is_sso_role_cache(
            br#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "a"}}"#
        ));
        assert!(!is_sso_role_cache(
            br#"{"Credentials": {"AccessKeyId": "a"}, "AssumedRoleUser": {}}"#
        ));
        assert!(!is_sso_role_cache(b"[]"));
    }

    #[test]
    fn vanity_resolution_steps() {
        let u = "https://sso.example.com/start";
        assert_eq!(after_probe(u, false, 200, None), ProbeStep::Done(u.into()));
        assert_eq!(after_probe(u, false, 405, None), ProbeStep::RetryAsGet);
        assert_eq!(
            after_probe(u, true, 405, None),
            ProbeStep::Failed("Failed to resolve start URL: HTTP 405".into())
        );
        assert_eq!(
            after_probe(u, false, 404, None),
            ProbeStep::Failed("Failed to resolve start URL: HTTP 404".into())
        );
        assert_eq!(
            after_probe(u, false, 302, None),
            ProbeStep::Failed("Redirect response missing Location header.".into())
        );
        assert_eq!(
            after_probe(u, true, 307, Some("https://d-1.awsapps.com/start/")),
            ProbeStep::Done("https://d-1.awsapps.com/start/".into())
        );
        assert_eq!(url_join(u, "/other"), "https://sso.example.com/other");
        assert_eq!(url_join(u, "//h.example/x"), "https://h.example/x");
        assert_eq!(url_join(u, "next"), "https://sso.example.com/next");
        assert_eq!(
            url_join("https://a.example/x/y?q", "z"),
            "https://a.example/x/z"
        );
        assert_eq!(
            normalize_url("HTTPS://D-1.AwsApps.com:443/start//?x=1#f"),
            "https://d-1.awsapps.com/start"
        );
        assert_eq!(
            normalize_url("https://x.portal.eu-west-1.app.aws:8443/"),
            "https://x.portal.eu-west-1.app.aws:8443"
        );
        assert_eq!(
            resolved(
                u,
                "https://ssoins-1.portal.eu-west-1.app.aws/start/",
                "us-east-1"
            ),
            Ok(Resolved {
                url: "https://ssoins-1.portal.eu-west-1.app.aws/start".into(),
                region: "eu-west-1".into()
            })
        );
        assert_eq!(
            resolved(u, "https://d-1.awsapps.com/start", "us-east-1")
                .unwrap()
                .region,
            "us-east-1"
        );
        assert_eq!(
            resolved(u, "https://evil.example/start", "us-east-1"),
            Err("Could not resolve start URL 'https://sso.example.com/start' to an AWS-owned endpoint. Final URL: 'https://evil.example/start'".into())
        );
        assert_eq!(
            resolved(u, "http://d-1.awsapps.com/start", "us-east-1"),
            Err("Resolved URL must use https. Got: 'http://d-1.awsapps.com/start'".into())
        );
    }
}
