//! Container credentials: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the authorization token of
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read each time) or
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
//!
//! As the AWS CLI (botocore's `ContainerProvider` and `ContainerMetadataFetcher`) does it:
//!
//! - the relative URI wins over the full URI and is appended to `http://169.254.170.2` as it is;
//! - the URL's host must be a loopback address (127.0.0.0/8, `::1`), `localhost`,
//!   169.254.170.2, 169.254.170.23 or `fd00:ec2::23`, **whatever the scheme**: botocore checks
//!   the host only, so `https://example.com/creds` is refused too (the SDKs allow https
//!   anywhere; docs/quirks.md);
//! - the token file wins over the token variable, is read on every call and sent as it is
//!   (no trimming): a token holding CR or LF, a trailing newline included, is an error;
//! - `GET` with `Accept: application/json`, 2 s per attempt, 3 attempts for any failure
//!   (transport, non-200, a body that is not JSON); botocore sleeps 1 s between attempts, the
//!   core has no timer and retries at once;
//! - the answer is JSON with `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (all
//!   required) and `AccountId` (optional).

use core::fmt;

use serde::Deserialize;

use crate::chain::execute::{Detail, ExecuteError, Host, Run};
use crate::chain::plan::Secret;
use crate::credentials::ProviderKind;
use crate::credentials::{
    parse_timestamp, Credentials, MAX_ACCESS_KEY_ID_LEN, MAX_ACCOUNT_ID_LEN,
    MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN,
};
use crate::io::{Env, Fs, FsError, FsErrorKind, Http, HttpRequest};
use crate::services::endpoint::MAX_ENDPOINT_URL_LEN;
use crate::services::exchange::{self, FailedExchange, ServiceFailure, ServiceFailureKind};
use crate::Source;
use crate::Sourced;

/// The host of the ECS container endpoint, which a relative URI is appended to.
pub const CONTAINER_HOST: &str = "169.254.170.2";
/// The hosts (besides loopback addresses) that may serve container credentials.
pub const ALLOWED_HOSTS: [&str; 4] = [
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::23",
    "localhost",
];
/// Each attempt's timeout (botocore's `ContainerMetadataFetcher.TIMEOUT_SECONDS`).
pub const CONTAINER_TIMEOUT_MS: u32 = 2_000;
/// Attempts per call (botocore's `RETRY_ATTEMPTS`).
pub const CONTAINER_ATTEMPTS: u32 = 3;
/// The largest answer read (credentials are about 1.5 KB).
pub const MAX_CONTAINER_BODY: usize = 64 * 1024;
/// The largest authorization token accepted (EKS Pod Identity tokens are about 1 KB).
pub const MAX_CONTAINER_TOKEN_LEN: usize = 16 * 1024;

const RELATIVE_VAR: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN_FILE_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Where the `Authorization` header's value comes from. The token itself is never kept here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthSource<'a> {
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`: the file's path.
    File(Sourced<'a>),
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN` (Debug redacts the value).
    Variable(Secret<'a>),
}

/// The container endpoint the environment configures: the URL and where the token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerEndpoint<'a> {
    /// The URL requested.
    pub url: heapless::String<MAX_ENDPOINT_URL_LEN>,
    /// The variable that configured it, with its value.
    pub configured_by: Sourced<'a>,
    /// Where the authorization token comes from, if any.
    pub auth: Option<AuthSource<'a>>,
}

/// Why the container provider gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerError<'a> {
    /// Neither URI variable is set while a profile's `credential_source = EcsContainer` asks
    /// for container credentials (the default chain skips the provider instead).
    NotConfigured,
    /// The URI names a host the container provider may not call.
    ForbiddenHost {
        /// The URI and its variable.
        url: Sourced<'a>,
    },
    /// The full URI is not an absolute URL with a host.
    InvalidUri {
        /// The URI and its variable.
        url: Sourced<'a>,
    },
    /// The URL is longer than [`MAX_ENDPOINT_URL_LEN`].
    UriTooLong {
        /// The URI and its variable.
        url: Sourced<'a>,
    },
    /// The authorization token file could not be read.
    TokenFile {
        /// The file's path and its variable.
        path: Sourced<'a>,
        /// What went wrong: `None` when the file does not exist or is not UTF-8 text.
        error: Option<FsError>,
    },
    /// The authorization token holds a carriage return or line feed (not a legal header value).
    BadToken {
        /// Where the token came from.
        source: AuthSource<'a>,
    },
    /// The endpoint failed or answered with something that is not credentials.
    Service(ServiceFailure),
}

impl FailedExchange for ContainerError<'_> {
    fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            ContainerError::Service(f) => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for ContainerError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerError::NotConfigured => f.write_str(
                "container credentials: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor \
                 AWS_CONTAINER_CREDENTIALS_FULL_URI is set; set one (ECS and EKS Pod Identity set them in the \
                 container), or change the profile's credential_source",
            ),
            ContainerError::ForbiddenHost { url } => write!(
                f,
                "container credentials: {} \"{}\" names a host the AWS CLI does not fetch container \
                 credentials from; the host must be a loopback address (127.0.0.0/8, [::1]), localhost, \
                 169.254.170.2, 169.254.170.23 or [fd00:ec2::23], over http or https",
                url.source, url.value
            ),
            ContainerError::InvalidUri { url } => write!(
                f,
                "container credentials: {} \"{}\" is not a URL: the URI did not specify a host; set it to an \
                 absolute URL such as http://127.0.0.1:8080/credentials",
                url.source, url.value
            ),
            ContainerError::UriTooLong { url } => write!(
                f,
                "container credentials: the URL from {} is longer than {MAX_ENDPOINT_URL_LEN} bytes \
                 (MAX_ENDPOINT_URL_LEN); shorten it",
                url.source
            ),
            ContainerError::TokenFile { path, error } => {
                write!(
                    f,
                    "container credentials: the authorization token file {} ({}) ",
                    path.value, path.source
                )?;
                match error {
                    None => f.write_str("does not exist or is not text; check the path"),
                    Some(FsError {
                        kind: FsErrorKind::TooLarge,
                        ..
                    }) => write!(
                        f,
                        "is larger than {MAX_CONTAINER_TOKEN_LEN} bytes (MAX_CONTAINER_TOKEN_LEN); check that it \
                         is the token file"
                    ),
                    Some(FsError {
                        kind: FsErrorKind::PermissionDenied,
                        ..
                    }) => f.write_str("could not be read: permission denied; check its owner and mode"),
                    Some(FsError {
                        kind: FsErrorKind::NotAFile,
                        ..
                    }) => f.write_str("is a directory, not a file; check the path"),
                    Some(FsError { os_code: Some(code), .. }) => {
                        write!(f, "could not be read (error {code} from the system)")
                    }
                    Some(_) => f.write_str(
                        "could not be read (a pipe whose writer did not finish in time, or a failed read)",
                    ),
                }
            }
            ContainerError::BadToken { source } => {
                f.write_str("container credentials: the authorization token ")?;
                match source {
                    AuthSource::File(path) => write!(f, "in the file {} ({})", path.value, path.source)?,
                    AuthSource::Variable(token) => write!(f, "in {}", token.source)?,
                }
                f.write_str(
                    " holds a carriage return or line feed, which a header value may not; remove the line \
                     breaks (a trailing newline counts)",
                )
            }
            ContainerError::Service(e) => write!(f, "{e}"),
        }
    }
}

/// The container endpoint the environment configures; `Ok(None)` when neither URI variable is
/// set (the provider is not enabled). No I/O: the token file is read when credentials are
/// fetched.
pub fn endpoint<E: Env + ?Sized>(
    env: &E,
) -> Result<Option<ContainerEndpoint<'_>>, ContainerError<'_>> {
    let var = |name: &'static str| {
        env.var(name)
            .filter(|v| !v.is_empty())
            .map(|value| Sourced {
                value,
                source: Source::EnvVar(name),
            })
    };
    let mut url = heapless::String::<MAX_ENDPOINT_URL_LEN>::new();
    let configured_by = if let Some(relative) = var(RELATIVE_VAR) {
        url.push_str("http://")
            .and_then(|()| url.push_str(CONTAINER_HOST))
            .and_then(|()| url.push_str(relative.value))
            .map_err(|_| ContainerError::UriTooLong { url: relative })?;
        relative
    } else if let Some(full) = var(FULL_VAR) {
        url.push_str(full.value)
            .map_err(|_| ContainerError::UriTooLong { url: full })?;
        full
    } else {
        return Ok(None);
    };
    let host = url_host(&url).ok_or(ContainerError::InvalidUri { url: configured_by })?;
    if !host_allowed(host) {
        return Err(ContainerError::ForbiddenHost { url: configured_by });
    }
    let auth = if let Some(path) = var(TOKEN_FILE_VAR) {
        Some(AuthSource::File(path))
    } else {
        var(TOKEN_VAR).map(|t| AuthSource::Variable(Secret::from_sourced(t)))
    };
    Ok(Some(ContainerEndpoint {
        url,
        configured_by,
        auth,
    }))
}

/// The host of an absolute `scheme://[userinfo@]host[:port]/...` URL, as Python's `urlparse`
/// gives `hostname` (lower-cased, IPv6 without brackets); `None` without one.
fn url_host(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let valid_scheme = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid_scheme {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(bracketed) = hostport.strip_prefix('[') {
        bracketed.split(']').next()?
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    (!host.is_empty()).then_some(host)
}

/// [`url_host`] and [`host_allowed`] for the other module's arbitrary-input test.
#[cfg(test)]
pub(crate) fn url_host_for_tests(url: &str) -> bool {
    url_host(url).is_some_and(host_allowed)
}

/// botocore's rule: a loopback IP address, or one of [`ALLOWED_HOSTS`] (compared after
/// lower-casing, as `urlparse` lower-cases `hostname`).
fn host_allowed(host: &str) -> bool {
    if is_loopback(host) {
        return true;
    }
    ALLOWED_HOSTS
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(host))
}

/// Whether `host` is a loopback IP literal (Python's `ip_address(host).is_loopback`):
/// 127.0.0.0/8 in dotted-quad form, or `::1` in any IPv6 spelling.
fn is_loopback(host: &str) -> bool {
    if let Some(first) = ipv4(host) {
        return first == 127;
    }
    ipv6_is_loopback(host)
}

/// The first octet of a strict dotted-quad IPv4 address (Python rejects leading zeros).
fn ipv4(host: &str) -> Option<u8> {
    let mut first = None;
    let mut count = 0;
    for part in host.split('.') {
        count += 1;
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && !(part.len() > 1 && part.starts_with('0'));
        let value: u16 = if ok { part.parse().ok()? } else { return None };
        if value > 255 {
            return None;
        }
        if first.is_none() {
            first = Some(value as u8);
        }
    }
    (count == 4).then_some(first?)
}

/// Whether an IPv6 literal is `::1` (all groups zero but the last, which is one).
fn ipv6_is_loopback(host: &str) -> bool {
    if !host.contains(':') || !host.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
        return false;
    }
    let mut groups = heapless::Vec::<u16, 8>::new();
    let (head, tail, compressed) = match host.split_once("::") {
        Some((h, t)) => (h, t, true),
        None => (host, "", false),
    };
    let parse = |part: &str, out: &mut heapless::Vec<u16, 8>| -> Option<()> {
        if part.is_empty() {
            return Some(());
        }
        for g in part.split(':') {
            if g.is_empty() || g.len() > 4 {
                return None;
            }
            out.push(u16::from_str_radix(g, 16).ok()?).ok()?;
        }
        Some(())
    };
    let mut tail_groups = heapless::Vec::<u16, 8>::new();
    if parse(head, &mut groups).is_none() || parse(tail, &mut tail_groups).is_none() {
        return false;
    }
    let total = groups.len() + tail_groups.len();
    if (compressed && total > 7) || (!compressed && total != 8) {
        return false;
    }
    // The eight groups, `::` expanded to the zeros it stands for.
    let expanded = groups
        .iter()
        .copied()
        .chain(core::iter::repeat_n(0, 8 - total))
        .chain(tail_groups.iter().copied());
    expanded.eq([0, 0, 0, 0, 0, 0, 0, 1])
}

/// The endpoint's JSON. Every field is optional here so that a missing one is reported as such
/// rather than as "not JSON".
#[derive(Deserialize)]
#[allow(non_snake_case)] // The JSON's own field names.
struct ContainerJson {
    AccessKeyId: Option<heapless::String<MAX_ACCESS_KEY_ID_LEN>>,
    SecretAccessKey: Option<heapless::String<MAX_SECRET_ACCESS_KEY_LEN>>,
    Token: Option<heapless::String<MAX_SESSION_TOKEN_LEN>>,
    Expiration: Option<heapless::String<64>>,
    AccountId: Option<heapless::String<MAX_ACCOUNT_ID_LEN>>,
}

const OPERATION: &str = "the credentials request";
/// The container endpoint's credentials.
pub(crate) async fn credentials<'s, E: Env + ?Sized, I: Host + ?Sized>(
    run: Run<'_, 's, E, I>,
) -> Result<Credentials, ExecuteError<'s>> {
    let Run { eval, io, now } = run;
    let _ = now; // Expired answers are refused by the caller, as for every provider.
    let endpoint = endpoint(eval.env())
        .map_err(|e| ExecuteError::Container(Detail::new(e)))?
        .ok_or(ExecuteError::Container(Detail::new(
            ContainerError::NotConfigured,
        )))?;
    fetch(&endpoint, io.fs(), io.http())
        .await
        .map_err(|e| ExecuteError::Container(Detail::new(e)))
}

/// Fetches credentials from `endpoint`: the token read (each time), then up to
/// [`CONTAINER_ATTEMPTS`] requests.
pub async fn fetch<'a, F, H>(
    endpoint: &ContainerEndpoint<'a>,
    fs: &F,
    http: &H,
) -> Result<Credentials, ContainerError<'a>>
where
    F: Fs + ?Sized,
    H: Http + ?Sized,
{
    // The file's buffer lives as long as this call; the header borrows it.
    let file = match endpoint.auth {
        Some(AuthSource::File(path)) => {
            let unreadable = |error| ContainerError::TokenFile { path, error };
            let file = fs
                .read_token(path.value, MAX_CONTAINER_TOKEN_LEN)
                .await
                .map_err(|e| unreadable(Some(e)))?
                .ok_or(unreadable(None))?;
            if file.as_ref().len() > MAX_CONTAINER_TOKEN_LEN {
                return Err(unreadable(Some(FsError {
                    kind: FsErrorKind::TooLarge,
                    os_code: None,
                })));
            }
            Some(file)
        }
        _ => None,
    };
    let token = match (endpoint.auth, &file) {
        (Some(AuthSource::File(path)), Some(file)) => Some(
            core::str::from_utf8(file.as_ref())
                .map_err(|_| ContainerError::TokenFile { path, error: None })?,
        ),
        (Some(AuthSource::Variable(token)), _) => Some(token.expose()),
        _ => None,
    };
    if let (Some(token), Some(source)) = (token, endpoint.auth) {
        if token.contains(['\r', '\n']) {
            return Err(ContainerError::BadToken { source });
        }
    }
    let mut headers: heapless::Vec<(&str, &str), 2> = heapless::Vec::new();
    let _ = headers.push(("Accept", "application/json"));
    if let Some(token) = token {
        let _ = headers.push(("Authorization", token));
    }
    let request = HttpRequest {
        method: "GET",
        url: &endpoint.url,
        headers: &headers,
        body: b"",
        timeout_ms: CONTAINER_TIMEOUT_MS,
        max_body_bytes: MAX_CONTAINER_BODY,
    };
    let mut attempt = 1;
    loop {
        // botocore retries every failure alike: no answer, an error status, a body that is not
        // credentials.
        let outcome = match exchange::send(http, ProviderKind::Container, OPERATION, &request).await
        {
            Ok(response) => parse(
                response.body.as_ref(),
                response.content_type.as_deref(),
                &endpoint.url,
                response.status,
            ),
            Err(failure) => Err(failure),
        };
        match outcome {
            Ok(credentials) => return Ok(credentials),
            Err(failure) if attempt >= CONTAINER_ATTEMPTS => {
                return Err(ContainerError::Service(failure))
            }
            Err(_) => attempt += 1,
        }
    }
}

/// The credentials in a 2xx answer; a content type is blamed only when the body is not the
/// JSON expected (botocore reads the body whatever the content type says).
fn parse(
    body: &[u8],
    content_type: Option<&str>,
    url: &str,
    status: u16,
) -> Result<Credentials, ServiceFailure> {
    let bad = |kind| ServiceFailure::new(ProviderKind::Container, OPERATION, url, kind);
    let mut unescape = [0u8; MAX_SESSION_TOKEN_LEN];
    let parsed = serde_json_core::from_slice_escaped::<ContainerJson>(body, &mut unescape);
    let Ok((json, _)) = parsed else {
        if !exchange::is_json_content_type(content_type) {
            let mut ct = heapless::String::new();
            for c in content_type.unwrap_or("").chars() {
                if ct.push(c).is_err() {
                    break;
                }
            }
            return Err(bad(ServiceFailureKind::WrongContentType {
                status,
                content_type: ct,
            }));
        }
        return Err(bad(ServiceFailureKind::BadBody {
            status,
            expected: super::ENDPOINT_CREDENTIALS_JSON,
        }));
    };
    let bad_body = || {
        bad(ServiceFailureKind::BadBody {
            status,
            expected: super::ENDPOINT_CREDENTIALS_JSON,
        })
    };
    let (keys, expiration) = super::all_four(
        json.AccessKeyId.as_deref(),
        json.SecretAccessKey.as_deref(),
        json.Token.as_deref(),
        json.Expiration.as_deref(),
    )
    .ok_or_else(bad_body)?;
    let expiration = parse_timestamp(expiration).ok_or_else(bad_body)?;
    super::answered(
        ProviderKind::Container,
        keys,
        expiration,
        json.AccountId.as_deref(),
    )
    .map_err(|_| bad_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arbitrary bytes never panic the answer's reader or the URL checks.
    #[test]
    fn arbitrary_input_never_panics() {
        let alphabet =
            b"{}[]\":,0123456789 AccessKeyIdSecretTokenExpiration\\u00e9/:@.-[]\r\n\xc3\xa9\xff";
        crate::random_input::for_each_soup(0x2545_f491_4f6c_dd1d, alphabet, 20_000, |bytes| {
            let _ = parse(bytes, Some("application/json"), "http://x/", 200);
            let _ = parse(bytes, Some("text/é"), "http://x/", 200);
            if let Ok(text) = core::str::from_utf8(bytes) {
                let _ = url_host(text).map(host_allowed);
                let _ = ipv6_is_loopback(text);
            }
        });
        assert!(ipv6_is_loopback("::1") && ipv6_is_loopback("0::0:1") && !ipv6_is_loopback("::"));
        assert!(!ipv6_is_loopback("1::1") && !ipv6_is_loopback(":::1"));
        assert!(
            !ipv6_is_loopback("1::")
                && !ipv6_is_loopback("::1:0")
                && !ipv6_is_loopback("1:0:0:0:0:0:0:0")
        );
        assert!(
            ipv6_is_loopback("0:0:0:0:0:0:0:1")
                && ipv6_is_loopback("0::1")
                && ipv6_is_loopback("::0:1")
        );
    }
}
