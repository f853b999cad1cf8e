//! The instance metadata settings, read and checked as botocore reads them before the chain is
//! built: the endpoint (`ec2_metadata_service_endpoint`, else the mode's default), the timeout,
//! the number of attempts and `ec2_metadata_v1_disabled`. Pure: no request is made here.

use super::{ImdsError, IPV4_ENDPOINT, IPV6_ENDPOINT, MAX_METADATA_ATTEMPTS, MAX_TIMEOUT_SECONDS};
use crate::config::evaluate::Evaluator;
use crate::config::settings::Setting;
use crate::io::Env;
use crate::services::endpoint::MAX_ENDPOINT_URL_LEN;
use crate::{Source, Sourced};

/// `ec2_metadata_service_endpoint_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointMode {
    /// `http://169.254.169.254`.
    IPv4,
    /// `http://[fd00:ec2::254]`.
    IPv6,
}

/// How the endpoint was chosen, for `explain` and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointOrigin<'a> {
    /// `ec2_metadata_service_endpoint`.
    Configured(Sourced<'a>),
    /// The endpoint mode, and where it was set (`Source::Default` when it was not).
    Mode(EndpointMode, Source<'a>),
}

/// The metadata service's base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImdsEndpoint<'a> {
    /// The base URL, paths appended after a `/`.
    pub base: &'a str,
    /// How it was chosen.
    pub origin: EndpointOrigin<'a>,
}

impl ImdsEndpoint<'_> {
    /// The URL of `path` under the base (botocore's `_construct_url`).
    pub fn url(&self, path: &str) -> Option<heapless::String<MAX_ENDPOINT_URL_LEN>> {
        let mut url = heapless::String::new();
        url.push_str(self.base).ok()?;
        if !self.base.ends_with('/') {
            url.push('/').ok()?;
        }
        url.push_str(path).ok()?;
        Some(url)
    }
}

/// Everything the provider needs from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImdsConfig<'a> {
    /// The endpoint.
    pub endpoint: ImdsEndpoint<'a>,
    /// Each request's timeout, in milliseconds.
    pub timeout_ms: u32,
    /// Where the timeout was set.
    pub timeout_source: Source<'a>,
    /// Attempts per request.
    pub attempts: u32,
    /// Where the attempts were set.
    pub attempts_source: Source<'a>,
    /// Where `ec2_metadata_v1_disabled = true` was set, when it is.
    pub v1_disabled: Option<Source<'a>>,
}

/// The endpoint from `ec2_metadata_service_endpoint` and `ec2_metadata_service_endpoint_mode`
/// (each `None` when unset): the endpoint wins; the mode is checked either way.
pub fn resolve_endpoint<'a>(
    endpoint: Option<Sourced<'a>>,
    mode: Option<Sourced<'a>>,
) -> Result<ImdsEndpoint<'a>, ImdsError<'a>> {
    let mode = match mode {
        None => (EndpointMode::IPv4, Source::Default),
        Some(m) if m.value.eq_ignore_ascii_case("ipv4") => (EndpointMode::IPv4, m.source),
        Some(m) if m.value.eq_ignore_ascii_case("ipv6") => (EndpointMode::IPv6, m.source),
        Some(m) => {
            return Err(ImdsError::BadSetting {
                name: "ec2_metadata_service_endpoint_mode",
                value: m,
                expected: "IPv4 or IPv6",
            })
        }
    };
    if let Some(endpoint) = endpoint {
        if !is_valid_endpoint(endpoint.value) || endpoint.value.len() > MAX_ENDPOINT_URL_LEN - 64 {
            return Err(ImdsError::BadSetting {
                name: "ec2_metadata_service_endpoint",
                value: endpoint,
                expected: "an http:// or https:// URL with a host name or IP address, such as http://169.254.169.254",
            });
        }
        return Ok(ImdsEndpoint {
            base: endpoint.value,
            origin: EndpointOrigin::Configured(endpoint),
        });
    }
    let base = match mode.0 {
        EndpointMode::IPv4 => IPV4_ENDPOINT,
        EndpointMode::IPv6 => IPV6_ENDPOINT,
    };
    Ok(ImdsEndpoint {
        base,
        origin: EndpointOrigin::Mode(mode.0, mode.1),
    })
}

/// botocore's `is_valid_uri`: a host of DNS labels (letters, digits, inner hyphens; IPv4
/// addresses are such labels) or a bracketed IPv6 address; credchain also requires the http
/// or https scheme, the only ones the metadata service answers on.
pub(super) fn is_valid_endpoint(url: &str) -> bool {
    // `get`, not indexing: a multi-byte character may straddle the scheme's length.
    let rest = if url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        &url[7..]
    } else if url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        &url[8..]
    } else {
        return false;
    };
    if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((host, after)) = bracketed.split_once(']') else {
            return false;
        };
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return false;
        }
        (None, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(authority), None),
        }
    };
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    match host {
        None => true,
        Some(host) => {
            let host = host.strip_suffix('.').unwrap_or(host);
            !host.is_empty()
                && host.len() <= 255
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        }
    }
}

/// A setting as a single-line value with its source; `None` when unset.
fn setting<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
    setting: Setting,
    expected: &'static str,
) -> Result<Option<Sourced<'s>>, ImdsError<'s>> {
    let Some(resolved) = eval.resolve(setting).ok().flatten() else {
        return Ok(None);
    };
    match resolved.value.as_str() {
        Some(value) => Ok(Some(Sourced {
            value,
            source: resolved.source,
        })),
        None => Err(ImdsError::BadSetting {
            name: setting.spec().name,
            value: Sourced {
                value: resolved.value.lines().next().unwrap_or(""),
                source: resolved.source,
            },
            expected,
        }),
    }
}

/// A whole number setting of the provider: which, the range the provider takes, and what it
/// must be, in words.
struct NumberSetting {
    which: Setting,
    range: core::ops::RangeInclusive<u32>,
    expected: &'static str,
}

/// `metadata_service_timeout`.
const TIMEOUT: NumberSetting = NumberSetting {
    which: Setting::MetadataServiceTimeout,
    range: 1..=MAX_TIMEOUT_SECONDS,
    expected: "a whole number of seconds from 1 to 3600",
};

/// `metadata_service_num_attempts`.
const ATTEMPTS: NumberSetting = NumberSetting {
    which: Setting::MetadataServiceNumAttempts,
    range: 1..=MAX_METADATA_ATTEMPTS,
    expected: "a whole number of attempts from 1 to 100",
};

/// A whole number setting (Python's `int()`: surrounding whitespace allowed) within its range.
fn number<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
    number: &NumberSetting,
) -> Result<(u32, Source<'s>), ImdsError<'s>> {
    let NumberSetting {
        which,
        range,
        expected,
    } = number;
    match setting(eval, *which, expected)? {
        None => Ok((*range.start(), Source::Default)),
        Some(value) => value
            .value
            .trim()
            .strip_prefix('+')
            .unwrap_or(value.value.trim())
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n))
            .map(|n| (n, value.source))
            .ok_or(ImdsError::BadSetting {
                name: which.spec().name,
                value,
                expected,
            }),
    }
}

/// The endpoint the settings give: the endpoint mode (its table default counting as unset, so
/// that the source reads "default") and the endpoint URL.
fn endpoint<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<ImdsEndpoint<'s>, ImdsError<'s>> {
    let mode = setting(
        eval,
        Setting::Ec2MetadataServiceEndpointMode,
        "IPv4 or IPv6",
    )?
    .filter(|m| m.source != Source::Default);
    let endpoint = setting(eval, Setting::Ec2MetadataServiceEndpoint, "a URL")?;
    resolve_endpoint(endpoint, mode)
}

/// The provider's settings, checked: endpoint, endpoint mode, timeout, attempts, IMDSv1.
pub fn config<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<ImdsConfig<'s>, ImdsError<'s>> {
    let endpoint = endpoint(eval)?;
    let (timeout, timeout_source) = number(eval, &TIMEOUT)?;
    let (attempts, attempts_source) = number(eval, &ATTEMPTS)?;
    let v1_disabled = setting(eval, Setting::Ec2MetadataV1Disabled, "true or false")?
        .filter(|v| v.value.eq_ignore_ascii_case("true"))
        .map(|v| v.source);
    Ok(ImdsConfig {
        endpoint,
        timeout_ms: timeout * 1000,
        timeout_source,
        attempts,
        attempts_source,
        v1_disabled,
    })
}

/// The checks botocore makes of the metadata settings before any provider runs (it builds the
/// metadata fetcher with the credential chain): the endpoint mode, the endpoint URL, and the
/// timeout and attempts as integers. Ranges are judged only when the provider runs, since
/// botocore accepts any integer here.
pub fn check_before_the_chain<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<(), ImdsError<'s>> {
    endpoint(eval)?;
    for NumberSetting {
        which, expected, ..
    } in [TIMEOUT, ATTEMPTS]
    {
        let value = setting(eval, which, expected)?;
        if let Some(value) = value.filter(|v| v.value.trim().parse::<i64>().is_err()) {
            let name = which.spec().name;
            return Err(ImdsError::BadSetting {
                name,
                value,
                expected,
            });
        }
    }
    Ok(())
}
