//! Endpoints: the URL a credential provider calls (STS now; IAM Identity Center, SSO-OIDC and
//! Sign-In later), with the region it signs for and where the URL came from, resolved as the AWS
//! CLI v2 resolves them (botocore's `ConfiguredEndpointProvider`, then the endpoint rules).
//!
//! Highest precedence first, for a [`Service`] such as [`STS`]:
//!
//! | # | where | example |
//! |---|-------|---------|
//! | 1 | the service's variable | `AWS_ENDPOINT_URL_STS=http://127.0.0.1:4566` |
//! | 2 | `endpoint_url` under the service's key in the `[services NAME]` section that the active profile names with `services = NAME` | see below |
//! | 3 | the global variable | `AWS_ENDPOINT_URL=http://127.0.0.1:4566` |
//! | 4 | the active profile's `endpoint_url` | `endpoint_url = http://127.0.0.1:4566` |
//! | 5 | the default for the region | `https://sts.eu-west-1.amazonaws.com` |
//!
//! ```ini
//! [profile dev]
//! region = eu-west-1
//! services = local
//!
//! [services local]
//! sts =
//!   endpoint_url = http://127.0.0.1:4566
//! ```
//!
//! `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or `ignore_configured_endpoint_urls = true` in the
//! profile) turns 1 to 4 off; [`Endpoint::ignored_configured`] then says where that came from.
//! The `--endpoint-url` option is not consulted: in the AWS CLI it sets the endpoint of the
//! command's own service, never that of the credential providers' clients. A variable set to the
//! empty string counts as unset (credchain's rule for every setting).
//!
//! # The default
//! `https://sts.{region}.{dns suffix}`, signed for the region, where the DNS suffix is the
//! region's partition's (`amazonaws.com`, `amazonaws.com.cn` for `cn-*`, and the ISO partitions'
//! own). With no region at all the AWS CLI calls the global endpoint `https://sts.amazonaws.com`
//! and signs for `us-east-1`; so does credchain (also for the pseudo-region `aws-global`).
//! A configured URL with no region cannot be signed for ([`Endpoint::for_signing`]; the AWS CLI
//! v2.36.7 says "You must specify a region", exit 253): the endpoint rules give a configured URL
//! no signing region of its own. Unsigned calls (AssumeRoleWithWebIdentity) still use it.
//!
//! `sts_regional_endpoints = legacy` is not honoured, because the AWS CLI v2 does not honour it:
//! its bundled botocore passes `AWS::STS::UseGlobalEndpoint = False` to the endpoint rules
//! unconditionally (`awscli/botocore/args.py`, `compute_endpoint_resolver_builtin_defaults`), and
//! unlike botocore 1.x it has no `legacy` branch for STS. So `us-east-1` gets
//! `https://sts.us-east-1.amazonaws.com` whatever that setting says.
//!
//! `use_fips_endpoint = true` and `use_dualstack_endpoint = true` select endpoint variants, built
//! as the services' endpoint rules build them: FIPS hosts `sts-fips`, `portal.sso-fips` and
//! `oidc-fips` (FIPS alone in AWS GovCloud (US) keeps the plain host, FIPS there already), and
//! dual stack the partition's dual-stack DNS suffix (`api.aws`; `api.amazonwebservices.com.cn`
//! in China): `https://sts-fips.us-east-1.api.aws` with both. Where credchain does not model a
//! variant (Sign-In, dual stack in the ISO partitions, the global endpoint with no region),
//! rather than call the plain endpoint where the AWS CLI would call the variant, resolving the
//! default is [`EndpointError::VariantUnsupported`], whose message says to configure the URL
//! instead. (A configured URL wins over both, as in the AWS CLI.)
//!
//! # URLs
//! A configured URL must be `http://` or `https://`, a host (DNS labels as botocore checks them,
//! or a bracketed IPv6 address), an optional port and an optional path; no user info, query or
//! fragment. The request path is the URL's path, `/` when it has none. [`Endpoint::host_header`]
//! is the `Host` value an HTTP client sends (the port only when it is not the scheme's default),
//! which is what SigV4 signs.

use core::fmt;

use crate::config::evaluate::{is_valid_region, EvaluateError, Evaluator};
use crate::config::settings::Setting;
use crate::io::Env;
use crate::Source;
use crate::Sourced;

/// The longest endpoint URL kept, in bytes; a longer one is [`EndpointError::UrlTooLong`].
pub const MAX_ENDPOINT_URL_LEN: usize = 512;

/// An endpoint URL, owned in a fixed-capacity string.
pub type Url = heapless::String<MAX_ENDPOINT_URL_LEN>;

/// The region the global STS endpoint signs for.
pub const GLOBAL_SIGNING_REGION: &str = "us-east-1";

/// A service's global endpoint: used when no region is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global {
    /// The URL.
    pub url: &'static str,
    /// The region requests to it are signed for.
    pub signing_region: &'static str,
}

/// A service whose endpoint [`resolve`] finds: the names its configuration uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The name people know it by, for messages (`STS`).
    pub name: &'static str,
    /// The key of its entry in a `[services NAME]` section: the service id in snake case
    /// (`sts`, `sso_oidc`).
    pub config_key: &'static str,
    /// Its own variable: `AWS_ENDPOINT_URL_` and the service id in upper snake case.
    pub env_var: &'static str,
    /// The default URL, with `{region}` and `{dns_suffix}` replaced by the region and its
    /// partition's DNS suffix.
    pub url_template: &'static str,
    /// The FIPS endpoint's template (`use_fips_endpoint`), like `url_template`; `None` when
    /// credchain does not model the service's FIPS variant.
    pub fips_template: Option<&'static str>,
    /// The endpoint used with no region; `None` when the service needs a region
    /// ([`EndpointError::NoRegion`]).
    pub global: Option<Global>,
}

/// AWS STS (AssumeRole, AssumeRoleWithWebIdentity).
pub const STS: Service = Service {
    name: "STS",
    config_key: "sts",
    env_var: "AWS_ENDPOINT_URL_STS",
    url_template: "https://sts.{region}.{dns_suffix}",
    fips_template: Some("https://sts-fips.{region}.{dns_suffix}"),
    global: Some(Global {
        url: "https://sts.amazonaws.com",
        signing_region: GLOBAL_SIGNING_REGION,
    }),
};

/// IAM Identity Center's portal (GetRoleCredentials), in the SSO region.
pub const SSO: Service = Service {
    name: "IAM Identity Center",
    config_key: "sso",
    env_var: "AWS_ENDPOINT_URL_SSO",
    url_template: "https://portal.sso.{region}.{dns_suffix}",
    fips_template: Some("https://portal.sso-fips.{region}.{dns_suffix}"),
    global: None,
};

/// IAM Identity Center's OIDC service (CreateToken), in the SSO region.
pub const SSO_OIDC: Service = Service {
    name: "SSO OIDC",
    config_key: "sso_oidc",
    env_var: "AWS_ENDPOINT_URL_SSO_OIDC",
    url_template: "https://oidc.{region}.{dns_suffix}",
    fips_template: Some("https://oidc-fips.{region}.{dns_suffix}"),
    global: None,
};

/// AWS Sign-In (the console login's token refresh). The template is the `aws` partition's host;
/// the other partitions' Sign-In hosts are not modelled.
pub const SIGNIN: Service = Service {
    name: "AWS Sign-In",
    config_key: "signin",
    env_var: "AWS_ENDPOINT_URL_SIGNIN",
    url_template: "https://{region}.signin.aws.amazon.com",
    fips_template: None,
    global: None,
};

/// Where an endpoint came from, for `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A variable: the service's own (`AWS_ENDPOINT_URL_STS`) or `AWS_ENDPOINT_URL`.
    EnvVar(&'static str),
    /// `endpoint_url` under the service's key in a `[services NAME]` section.
    ServicesSection {
        /// The section's name.
        section: &'a str,
        /// The service's key in it (`sts`).
        key: &'static str,
        /// The key's line.
        source: Source<'a>,
    },
    /// The active profile's `endpoint_url`.
    Profile(Source<'a>),
    /// The default for the region.
    Regional {
        /// Where the region came from.
        region_source: Source<'a>,
    },
    /// The global endpoint: no region is configured.
    Global,
}

impl Origin<'_> {
    /// Whether the URL was configured (not a default).
    #[must_use]
    pub fn is_configured(&self) -> bool {
        !matches!(self, Origin::Regional { .. } | Origin::Global)
    }
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::EnvVar(var) => f.write_str(var),
            Origin::ServicesSection {
                section,
                key,
                source,
            } => write!(
                f,
                "`{key}` endpoint_url of [services {section}] at {source}"
            ),
            Origin::Profile(source) => write!(f, "endpoint_url at {source}"),
            Origin::Regional { region_source } => {
                write!(f, "the default for the region (from {region_source})")
            }
            Origin::Global => f.write_str("the global endpoint, as no region is configured"),
        }
    }
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint<'a> {
    url: Url,
    parts: Parts,
    signing_region: &'a str,
    /// A configured URL with no region: nothing to sign with (unsigned calls still work).
    no_region: Option<&'static str>,
    origin: Origin<'a>,
    ignored: Option<Source<'a>>,
}

/// Byte ranges of a checked URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    /// The authority (`host[:port]`).
    authority: (usize, usize),
    /// The host alone (with brackets for IPv6).
    host: (usize, usize),
    /// Whether the port is given and is not the scheme's default.
    keep_port: bool,
    /// The path (may be empty).
    path: (usize, usize),
}

impl<'a> Endpoint<'a> {
    /// An endpoint from a URL checked as a configured one is, for tests and hosts that know
    /// their endpoint.
    ///
    /// # Errors
    /// [`EndpointError::InvalidUrl`], [`EndpointError::UrlTooLong`].
    pub fn new(
        url: &'a str,
        signing_region: &'a str,
        origin: Origin<'a>,
    ) -> Result<Self, EndpointError<'a>> {
        let parts = check_url(url).map_err(|problem| EndpointError::InvalidUrl {
            url,
            origin,
            problem,
        })?;
        let url = Url::try_from(url).map_err(|_| EndpointError::UrlTooLong { origin })?;
        Ok(Endpoint {
            url,
            parts,
            signing_region,
            no_region: None,
            origin,
            ignored: None,
        })
    }

    /// The endpoint for a signed call: a configured URL with no region has no region to sign
    /// with, which botocore's signer refuses (NoRegionError; the AWS CLI v2.36.7 says "You must
    /// specify a region"). Unsigned calls (AssumeRoleWithWebIdentity) use it as it is.
    ///
    /// # Errors
    /// [`EndpointError::NoRegion`].
    pub fn for_signing(self) -> Result<Self, EndpointError<'a>> {
        match self.no_region {
            Some(service) => Err(EndpointError::NoRegion { service }),
            None => Ok(self),
        }
    }

    /// The URL as configured (or the default).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The region requests are signed for.
    #[must_use]
    pub fn signing_region(&self) -> &'a str {
        self.signing_region
    }

    /// Where the URL came from.
    #[must_use]
    pub fn origin(&self) -> Origin<'a> {
        self.origin
    }

    /// Where `ignore_configured_endpoint_urls = true` came from, when it was set (configured
    /// URLs, if any, were then passed over).
    #[must_use]
    pub fn ignored_configured(&self) -> Option<Source<'a>> {
        self.ignored
    }

    /// The `Host` header an HTTP client sends for the URL: the host, with the port when it is
    /// not the scheme's default.
    #[must_use]
    pub fn host_header(&self) -> &str {
        let (start, end) = if self.parts.keep_port {
            self.parts.authority
        } else {
            self.parts.host
        };
        self.url.get(start..end).unwrap_or_default()
    }

    /// The request path: the URL's path, or `/` when it has none.
    #[must_use]
    pub fn path(&self) -> &str {
        let (start, end) = self.parts.path;
        match self.url.get(start..end) {
            Some(p) if !p.is_empty() => p,
            _ => "/",
        }
    }
}

impl fmt::Display for Endpoint<'_> {
    /// `URL (from ORIGIN)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {})", self.url, self.origin)
    }
}

/// Why no endpoint could be resolved.
#[derive(Debug, Clone, Copy)]
pub enum EndpointError<'a> {
    /// A configured URL is not one credchain can call.
    InvalidUrl {
        /// The URL.
        url: &'a str,
        /// Where it came from.
        origin: Origin<'a>,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The URL is longer than [`MAX_ENDPOINT_URL_LEN`].
    UrlTooLong {
        /// Where it came from.
        origin: Origin<'a>,
    },
    /// The profile's `services` key names a section the config file does not have (the AWS
    /// CLI's "services configuration does not exist").
    ServicesSectionNotFound {
        /// The name.
        section: &'a str,
        /// Where the `services` key is.
        source: Source<'a>,
    },
    /// No region is configured, and the service has no global endpoint or its endpoint URL is
    /// configured (which has no signing region of its own).
    NoRegion {
        /// The service's name.
        service: &'static str,
    },
    /// A region that is not a valid host label.
    InvalidRegion {
        /// The value.
        value: &'a str,
        /// Where it came from.
        source: Source<'a>,
    },
    /// `use_fips_endpoint` or `use_dualstack_endpoint` is true, and no URL is configured.
    VariantUnsupported {
        /// The service's name.
        service: &'static str,
        /// Its variable, to configure the URL with.
        env_var: &'static str,
        /// The setting (`use_fips_endpoint`, `use_dualstack_endpoint`).
        setting: &'static str,
        /// Where it is set.
        source: Source<'a>,
    },
    /// The region (or another setting read) could not be evaluated.
    Evaluate(EvaluateError<'a>),
}

impl EndpointError<'_> {
    /// Whether no region could be found (botocore's `NoRegionError`).
    #[must_use]
    pub fn is_no_region(&self) -> bool {
        matches!(self, EndpointError::NoRegion { .. })
    }
}

impl fmt::Display for EndpointError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            EndpointError::InvalidUrl {
                url,
                origin,
                problem,
            } => write!(
                f,
                "invalid endpoint URL \"{url}\" (from {origin}): {problem}; write it as \
                 https://HOST[:PORT][/PATH]"
            ),
            EndpointError::UrlTooLong { origin } => write!(
                f,
                "endpoint URL too long (from {origin}): more than MAX_ENDPOINT_URL_LEN \
                 ({MAX_ENDPOINT_URL_LEN}) bytes; use a shorter URL"
            ),
            EndpointError::ServicesSectionNotFound { section, source } => write!(
                f,
                "the profile is configured to use the services section \"{section}\" (at \
                 {source}) but the config file has no [services {section}] section; add it or \
                 remove the profile's services key"
            ),
            EndpointError::NoRegion { service } => write!(
                f,
                "no region for {service}: a configured endpoint URL or a service without a global \
                 endpoint needs one to sign with; set AWS_REGION or add region to the profile"
            ),
            EndpointError::InvalidRegion { value, source } => write!(
                f,
                "invalid region \"{value}\" (from {source}): a region is letters, digits and \
                 hyphens, such as us-east-1"
            ),
            EndpointError::VariantUnsupported {
                service,
                env_var,
                setting,
                source,
            } => write!(
                f,
                "{setting} is true (from {source}), and credchain does not compute that \
                 {service} endpoint variant; set {env_var} to the endpoint to call"
            ),
            EndpointError::Evaluate(e) => e.fmt(f),
        }
    }
}

impl<'a> From<EvaluateError<'a>> for EndpointError<'a> {
    fn from(e: EvaluateError<'a>) -> Self {
        EndpointError::Evaluate(e)
    }
}

/// The STS endpoint for the active profile, in the region the evaluator resolves
/// ([`Setting::Region`]).
///
/// # Errors
/// Those of [`resolve`].
pub fn sts<'s, 'a: 's, E: Env + ?Sized>(
    eval: &Evaluator<'s, 'a, E>,
) -> Result<Endpoint<'s>, EndpointError<'s>> {
    let region = eval.resolve(Setting::Region)?.and_then(|r| {
        Some(Sourced {
            value: r.value.as_str()?,
            source: r.source,
        })
    });
    resolve(eval, &STS, region)
}

/// The endpoint of `service` for the active profile: the configured URL with the highest
/// precedence (see the module docs), else the default for `region` (else the service's global
/// endpoint). `region` is the one the service's client uses: the resolved region for STS, the
/// SSO region for IAM Identity Center.
///
/// # Errors
/// [`EndpointError::InvalidUrl`] and [`EndpointError::UrlTooLong`] for a configured URL,
/// [`EndpointError::ServicesSectionNotFound`], [`EndpointError::NoRegion`],
/// [`EndpointError::InvalidRegion`], [`EndpointError::VariantUnsupported`],
/// [`EndpointError::Evaluate`].
pub fn resolve<'s, 'a: 's, E: Env + ?Sized>(
    eval: &Evaluator<'s, 'a, E>,
    service: &Service,
    region: Option<Sourced<'s>>,
) -> Result<Endpoint<'s>, EndpointError<'s>> {
    if let Some(r) = region {
        if !is_valid_region(r.value) {
            return Err(EndpointError::InvalidRegion {
                value: r.value,
                source: r.source,
            });
        }
    }
    let pseudo_global = region.is_some_and(|r| r.value == "aws-global") && service.global.is_some();
    let region = region.filter(|_| !pseudo_global);
    let ignore = eval
        .resolve(Setting::IgnoreConfiguredEndpointUrls)?
        .filter(|r| {
            r.value
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        });
    if ignore.is_none() {
        if let Some((url, origin)) = configured(eval, service)? {
            let (signing_region, no_region) = match (region, service.global) {
                (Some(r), _) => (r.value, None),
                (None, Some(g)) if pseudo_global => (g.signing_region, None),
                (None, Some(g)) => (g.signing_region, Some(service.name)),
                (None, None) => {
                    return Err(EndpointError::NoRegion {
                        service: service.name,
                    })
                }
            };
            let mut endpoint = Endpoint::new(url, signing_region, origin)?;
            endpoint.no_region = no_region;
            return Ok(endpoint);
        }
    }
    let ignored = ignore.map(|r| r.source);
    let mut variant = Variant::default();
    for (setting, name) in [
        (Setting::UseFipsEndpoint, "use_fips_endpoint"),
        (Setting::UseDualstackEndpoint, "use_dualstack_endpoint"),
    ] {
        if let Some(r) = eval.resolve(setting)? {
            if r.value
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            {
                let unsupported = EndpointError::VariantUnsupported {
                    service: service.name,
                    env_var: service.env_var,
                    setting: name,
                    source: r.source,
                };
                match setting {
                    Setting::UseFipsEndpoint => variant.fips = Some(unsupported),
                    _ => variant.dualstack = Some(unsupported),
                }
            }
        }
    }
    if variant.fips.is_some() || variant.dualstack.is_some() {
        let mut endpoint = variant_endpoint(service, region, &variant)?;
        endpoint.ignored = ignored;
        return Ok(endpoint);
    }
    let mut endpoint = match (region, service.global) {
        (Some(r), _) => regional(service.url_template, r, dns_suffix(r.value))?,
        (None, Some(g)) => Endpoint::new(g.url, g.signing_region, Origin::Global)?,
        (None, None) => {
            return Err(EndpointError::NoRegion {
                service: service.name,
            })
        }
    };
    endpoint.ignored = ignored;
    Ok(endpoint)
}

/// The configured URL with the highest precedence, with its origin.
fn configured<'s, 'a: 's, E: Env + ?Sized>(
    eval: &Evaluator<'s, 'a, E>,
    service: &Service,
) -> Result<Option<(&'s str, Origin<'s>)>, EndpointError<'s>> {
    let env = eval.env();
    let var = |name: &'static str| {
        env.var(name)
            .filter(|v| !v.is_empty())
            .map(|v| (v, Origin::EnvVar(name)))
    };
    if let Some(found) = var(service.env_var) {
        return Ok(Some(found));
    }
    let profile = eval.active_profile().profile;
    if let Some(p) = profile.and_then(|p| p.get("services")) {
        let source = Source::File {
            kind: p.kind,
            path: p.path,
            line: p.line,
        };
        let name = p.value.lines().next().unwrap_or_default();
        let section = p
            .value
            .as_str()
            .and_then(|n| eval.files().services(n))
            .ok_or(EndpointError::ServicesSectionNotFound {
                section: name,
                source,
            })?;
        if let Some(entry) = section.get(service.config_key) {
            if let Some(url) = entry.value.sub_property("endpoint_url") {
                let origin = Origin::ServicesSection {
                    section: name,
                    key: service.config_key,
                    source: Source::File {
                        kind: entry.kind,
                        path: entry.path,
                        line: entry.line,
                    },
                };
                return Ok(Some((url, origin)));
            }
        }
    }
    if let Some(found) = var("AWS_ENDPOINT_URL") {
        return Ok(Some(found));
    }
    if let Some(p) = profile.and_then(|p| p.get("endpoint_url")) {
        let origin = Origin::Profile(Source::File {
            kind: p.kind,
            path: p.path,
            line: p.line,
        });
        // A value continued over several lines cannot be a URL: check its first line, which
        // fails the URL check as the whole would.
        let url = p.value.as_str().unwrap_or(" ");
        return Ok(Some((url, origin)));
    }
    Ok(None)
}

/// The DNS suffix of the region's partition (botocore's partitions.json, by region prefix).
fn dns_suffix(region: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 6] = [
        ("cn-", "amazonaws.com.cn"),
        ("us-isob-", "sc2s.sgov.gov"),
        ("us-isof-", "csp.hci.ic.gov"),
        ("us-iso-", "c2s.ic.gov"),
        ("eu-isoe-", "cloud.adc-e.uk"),
        ("eusc-", "amazonaws.eu"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("amazonaws.com", |(_, suffix)| suffix)
}

fn fill_template(out: &mut Url, template: &str, region: &str, suffix: &str) -> Result<(), ()> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]).map_err(drop)?;
        let tail = &rest[open..];
        let (value, len) = if tail.starts_with("{region}") {
            (region, "{region}".len())
        } else if tail.starts_with("{dns_suffix}") {
            (suffix, "{dns_suffix}".len())
        } else {
            ("{", 1)
        };
        out.push_str(value).map_err(drop)?;
        rest = &tail[len..];
    }
    out.push_str(rest).map_err(drop)
}

/// The FIPS and dual-stack settings that are on, each as the error to give when the variant
/// cannot be computed.
#[derive(Default)]
struct Variant<'a> {
    fips: Option<EndpointError<'a>>,
    dualstack: Option<EndpointError<'a>>,
}

/// The dual-stack DNS suffix of the region's partition (botocore's partitions.json), `None`
/// for the partitions without dual-stack endpoints.
fn dualstack_suffix(region: &str) -> Option<&'static str> {
    if region.starts_with("cn-") {
        Some("api.amazonwebservices.com.cn")
    } else if ["us-iso", "eu-isoe-", "eusc-"]
        .iter()
        .any(|p| region.starts_with(p))
    {
        None
    } else {
        Some("api.aws")
    }
}

/// The FIPS and/or dual-stack endpoint, as the endpoint rules of STS, IAM Identity Center and
/// SSO-OIDC build it: FIPS hosts are `sts-fips`, `portal.sso-fips`, `oidc-fips`; dual stack
/// swaps the DNS suffix for the partition's dual-stack one (`api.aws`); FIPS alone in
/// AWS GovCloud (US) is the plain regional host, which is already FIPS there.
fn variant_endpoint<'s>(
    service: &Service,
    region: Option<Sourced<'s>>,
    variant: &Variant<'s>,
) -> Result<Endpoint<'s>, EndpointError<'s>> {
    // Either error names a setting that is on; the first one explains a refusal.
    let refuse = |e: &Option<EndpointError<'s>>| {
        e.or(variant.fips)
            .or(variant.dualstack)
            .unwrap_or(EndpointError::NoRegion {
                service: service.name,
            })
    };
    let (Some(r), Some(fips_template)) = (region, service.fips_template) else {
        return Err(refuse(&variant.fips));
    };
    let suffix = if variant.dualstack.is_some() {
        dualstack_suffix(r.value).ok_or_else(|| refuse(&variant.dualstack))?
    } else {
        dns_suffix(r.value)
    };
    let template = match (variant.fips.is_some(), variant.dualstack.is_some()) {
        (true, false) if r.value.starts_with("us-gov-") => service.url_template,
        (true, _) => fips_template,
        (false, _) => service.url_template,
    };
    regional(template, r, suffix)
}

/// The regional endpoint of `template` in the region `r`, under the DNS `suffix`.
fn regional<'s>(
    template: &str,
    r: Sourced<'s>,
    suffix: &str,
) -> Result<Endpoint<'s>, EndpointError<'s>> {
    let origin = Origin::Regional {
        region_source: r.source,
    };
    let mut url = Url::new();
    fill_template(&mut url, template, r.value, suffix)
        .map_err(|_| EndpointError::UrlTooLong { origin })?;
    let parts = check_url(&url).map_err(|_| EndpointError::InvalidRegion {
        value: r.value,
        source: r.source,
    })?;
    Ok(Endpoint {
        url,
        parts,
        signing_region: r.value,
        no_region: None,
        origin,
        ignored: None,
    })
}

/// Checks a URL and finds its parts; the error says what is wrong.
fn check_url(url: &str) -> Result<Parts, &'static str> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("it does not start with http:// or https://")?;
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else if scheme.eq_ignore_ascii_case("http") {
        "80"
    } else {
        return Err("the scheme is not http or https");
    };
    let start = scheme.len() + 3;
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let tail = &rest[authority_len..];
    if tail.contains(['?', '#']) {
        return Err("it has a query or a fragment");
    }
    if authority.contains('@') {
        return Err("it has user information");
    }
    let (host, port) = if authority.starts_with('[') {
        let close = authority
            .find(']')
            .ok_or("the IPv6 address has no closing ]")?;
        let inner = &authority[1..close];
        if inner.is_empty()
            || !inner.contains(':')
            || !inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err("the IPv6 address is not valid");
        }
        let after = &authority[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err("the host is not valid"),
        };
        (&authority[..=close], port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if !host.starts_with('[') && !is_valid_host(host) {
        return Err("the host is not a valid host name");
    }
    if let Some(p) = port {
        let valid = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65535);
        if !valid {
            return Err("the port is not a number from 0 to 65535");
        }
    }
    Ok(Parts {
        authority: (start, start + authority_len),
        host: (start, start + host.len()),
        keep_port: port.is_some_and(|p| p != default_port),
        path: (start + authority_len, url.len()),
    })
}

/// botocore's host check: dot-separated labels of 1 to 63 letters, digits and hyphens, not
/// starting or ending with a hyphen (a trailing dot allowed), at most 255 bytes.
fn is_valid_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.len() <= 255
        && host.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::evaluate::Options;
    use crate::config::parse::ConfigFiles;
    use crate::Dialect;

    const CONFIG: &str = "\
[default]
region = eu-west-1

[profile svc]
region = us-west-2
services = local
endpoint_url = http://profile.example:9000

[profile plain]
endpoint_url = https://profile.example

[profile missing]
services = nope

[profile ignoring]
region = us-west-2
ignore_configured_endpoint_urls = TRUE
endpoint_url = https://profile.example

[profile other-service]
services = local2

[services local]
sts =
  endpoint_url = http://127.0.0.1:4566/sts
s3 =
  endpoint_url = http://s3.local

[services local2]
s3 =
  endpoint_url = http://s3.local
";

    fn with<R>(
        env: &[(&str, &str)],
        options: Options<'_>,
        f: impl FnOnce(Result<Endpoint<'_>, EndpointError<'_>>) -> R,
    ) -> R {
        let files = ConfigFiles::from_texts(
            ("/c", Some(CONFIG.as_bytes())),
            ("/k", None),
            Dialect::AwsCli,
        )
        .unwrap();
        let eval = Evaluator::new(&files, env, &options).unwrap();
        f(sts(&eval))
    }

    fn url_of(env: &[(&str, &str)]) -> std::string::String {
        with(env, Options::default(), |r| {
            let e = r.unwrap();
            std::format!("{} {} {}", e.url(), e.signing_region(), e.origin())
        })
    }

    /// Whether the URL `env` gives is the configured `http://x`.
    fn configured_x_wins(env: &[(&str, &str)]) -> bool {
        url_of(env).starts_with("http://x ")
    }

    /// The error `env` gives, as shown.
    fn error_of(env: &[(&str, &str)]) -> std::string::String {
        with(env, Options::default(), |r| {
            std::format!("{}", r.unwrap_err())
        })
    }

    #[test]
    fn regional_default_for_the_resolved_region() {
        assert_eq!(
            url_of(&[]),
            "https://sts.eu-west-1.amazonaws.com eu-west-1 the default for the region (from /c:2)"
        );
        assert_eq!(
            url_of(&[("AWS_REGION", "cn-north-1")]),
            "https://sts.cn-north-1.amazonaws.com.cn cn-north-1 the default for the region (from \
             AWS_REGION)"
        );
        // sts_regional_endpoints=legacy is not honoured by the AWS CLI v2.
        assert_eq!(
            url_of(&[
                ("AWS_REGION", "us-east-1"),
                ("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
            ]),
            "https://sts.us-east-1.amazonaws.com us-east-1 the default for the region (from \
             AWS_REGION)"
        );
    }

    #[test]
    fn no_region_is_the_global_endpoint_signed_for_us_east_1() {
        let r = url_of(&[
            ("AWS_PROFILE", "plain"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        assert_eq!(
            r,
            "https://sts.amazonaws.com us-east-1 the global endpoint, as no region is configured"
        );
        with(&[("AWS_REGION", "aws-global")], Options::default(), |r| {
            assert_eq!(r.unwrap().url(), "https://sts.amazonaws.com");
        });
    }

    #[test]
    fn precedence_of_configured_urls() {
        let env = |extra: &[(&'static str, &'static str)]| {
            let mut v = std::vec![("AWS_PROFILE", "svc")];
            v.extend_from_slice(extra);
            v
        };
        let both = [
            ("AWS_ENDPOINT_URL_STS", "http://env-sts:1"),
            ("AWS_ENDPOINT_URL", "http://env-all:2"),
        ];
        assert_eq!(
            url_of(&env(&both)),
            "http://env-sts:1 us-west-2 AWS_ENDPOINT_URL_STS"
        );
        // The services section beats AWS_ENDPOINT_URL and the profile's endpoint_url.
        assert_eq!(
            url_of(&env(&both[1..])),
            "http://127.0.0.1:4566/sts us-west-2 `sts` endpoint_url of [services local] at /c:24"
        );
        // A services section without an sts entry falls through to AWS_ENDPOINT_URL.
        let e = [
            ("AWS_PROFILE", "other-service"),
            ("AWS_ENDPOINT_URL", "http://env-all:2"),
        ];
        let with_region = [e[0], e[1], ("AWS_REGION", "eu-north-1")];
        assert_eq!(
            url_of(&with_region),
            "http://env-all:2 eu-north-1 AWS_ENDPOINT_URL"
        );
        assert_eq!(
            url_of(&[("AWS_PROFILE", "plain"), ("AWS_REGION", "eu-north-1")]),
            "https://profile.example eu-north-1 endpoint_url at /c:10"
        );
        // Without a region a configured URL has nothing to sign with: the AWS CLI v2.36.7 says
        // "You must specify a region" (NoRegionError) for a signed call.
        for env in [&e[..], &[("AWS_PROFILE", "plain")][..]] {
            with(env, Options::default(), |r| {
                let signed = r.unwrap().for_signing();
                assert!(
                    matches!(signed, Err(EndpointError::NoRegion { service: "STS" })),
                    "{signed:?}"
                );
            });
        }
        // Empty variables count as unset.
        assert_eq!(
            url_of(&[
                ("AWS_PROFILE", "plain"),
                ("AWS_ENDPOINT_URL", ""),
                ("AWS_REGION", "eu-north-1")
            ]),
            "https://profile.example eu-north-1 endpoint_url at /c:10"
        );
    }

    #[test]
    fn ignore_configured_endpoint_urls() {
        with(
            &[
                ("AWS_PROFILE", "ignoring"),
                ("AWS_ENDPOINT_URL_STS", "http://x"),
            ],
            Options::default(),
            |r| {
                let e = r.unwrap();
                assert_eq!(e.url(), "https://sts.us-west-2.amazonaws.com");
                assert!(matches!(
                    e.ignored_configured(),
                    Some(Source::File { line: 17, .. })
                ));
            },
        );
        let env = [
            ("AWS_PROFILE", "svc"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ];
        assert_eq!(
            url_of(&env),
            "https://sts.us-west-2.amazonaws.com us-west-2 the default for the region (from /c:5)"
        );
        // Anything but "true" does not ignore.
        assert!(configured_x_wins(&[
            ("AWS_ENDPOINT_URL_STS", "http://x"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "1"),
        ]));
    }

    #[test]
    fn the_region_option_counts() {
        with(
            &[],
            Options::default().with(Setting::Region, "ap-south-1"),
            |r| assert_eq!(r.unwrap().url(), "https://sts.ap-south-1.amazonaws.com"),
        );
        // --endpoint-url is the command's, not the credential provider's.
        with(
            &[],
            Options::default().with(Setting::EndpointUrl, "http://cli-option"),
            |r| assert_eq!(r.unwrap().url(), "https://sts.eu-west-1.amazonaws.com"),
        );
    }

    #[test]
    fn errors() {
        with(&[("AWS_PROFILE", "missing")], Options::default(), |r| {
            let e = r.unwrap_err();
            assert!(matches!(
                e,
                EndpointError::ServicesSectionNotFound {
                    section: "nope",
                    ..
                }
            ));
            let text = std::format!("{e}");
            assert!(
                text.contains("[services nope]") && text.contains("/c:13"),
                "{text}"
            );
        });
        for (url, problem) in [
            ("localhost:4566", "http:// or https://"),
            ("ftp://x", "scheme"),
            ("http://", "host"),
            ("http://a_b", "host"),
            ("http://-a.com", "host"),
            ("http://h:99999", "port"),
            ("http://h:", "port"),
            ("http://h/?q=1", "query"),
            ("http://u:p@h", "user"),
            ("http://[zz::1]", "IPv6"),
            ("http://[::1", "IPv6"),
        ] {
            let text = error_of(&[("AWS_ENDPOINT_URL_STS", url)]);
            assert!(
                text.contains(problem) && text.contains("AWS_ENDPOINT_URL_STS"),
                "{url}: {text}"
            );
        }
        let long = "p".repeat(MAX_ENDPOINT_URL_LEN);
        let long = std::format!("http://a.example/{long}");
        let text = error_of(&[("AWS_ENDPOINT_URL_STS", &long)]);
        assert!(text.contains("MAX_ENDPOINT_URL_LEN"), "{text}");
        // Dual stack where the partition has none: refused, naming the setting and the variable.
        let text = error_of(&[
            ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
            ("AWS_REGION", "us-iso-east-1"),
        ]);
        assert!(
            text.contains("use_dualstack_endpoint") && text.contains("AWS_ENDPOINT_URL_STS"),
            "{text}"
        );
        // A configured URL wins over the variants.
        assert!(configured_x_wins(&[
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_ENDPOINT_URL", "http://x"),
        ]));
    }

    #[test]
    fn fips_and_dual_stack_variants() {
        // The hosts of the recorded e2e_fips_and_dual_stack cases, and the endpoint rules'
        // other branches.
        let sts_url = |env: &[(&str, &str)]| {
            std::string::String::from(url_of(env).split(' ').next().unwrap())
        };
        let on = "true";
        for (region, fips, dual, want) in [
            ("us-east-1", on, on, "https://sts-fips.us-east-1.api.aws"),
            (
                "us-east-1",
                on,
                "false",
                "https://sts-fips.us-east-1.amazonaws.com",
            ),
            ("eu-west-1", "false", on, "https://sts.eu-west-1.api.aws"),
            (
                "us-gov-west-1",
                on,
                "false",
                "https://sts.us-gov-west-1.amazonaws.com",
            ),
            (
                "us-gov-west-1",
                on,
                on,
                "https://sts-fips.us-gov-west-1.api.aws",
            ),
            (
                "cn-north-1",
                "false",
                on,
                "https://sts.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "cn-north-1",
                on,
                "false",
                "https://sts-fips.cn-north-1.amazonaws.com.cn",
            ),
        ] {
            let env = [
                ("AWS_REGION", region),
                ("AWS_USE_FIPS_ENDPOINT", fips),
                ("AWS_USE_DUALSTACK_ENDPOINT", dual),
            ];
            assert_eq!(sts_url(&env), want, "{env:?}");
        }
        let files = ConfigFiles::from_texts(
            (
                "/c",
                Some(b"[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n"),
            ),
            ("/k", None),
            Dialect::AwsCli,
        )
        .unwrap();
        let env: &[(&str, &str)] = &[];
        let options = Options::default();
        let eval = Evaluator::new(&files, env, &options).unwrap();
        let region = Some(Sourced {
            value: "us-east-2",
            source: Source::EnvVar("AWS_REGION"),
        });
        let sso = resolve(&eval, &SSO, region).unwrap();
        assert_eq!(sso.url(), "https://portal.sso-fips.us-east-2.api.aws");
        let oidc = resolve(&eval, &SSO_OIDC, region).unwrap();
        assert_eq!(oidc.url(), "https://oidc-fips.us-east-2.api.aws");
        // Sign-In's variants are not modelled: refused, not guessed.
        let text = std::format!("{}", resolve(&eval, &SIGNIN, region).unwrap_err());
        assert!(
            text.contains("use_fips_endpoint") && text.contains("AWS_ENDPOINT_URL_SIGNIN"),
            "{text}"
        );
        // No region: no variant of the global endpoint.
        let text = std::format!("{}", resolve(&eval, &STS, None).unwrap_err());
        assert!(text.contains("use_fips_endpoint"), "{text}");
    }

    #[test]
    fn host_header_and_path() {
        let cases = [
            ("http://127.0.0.1:4566", "127.0.0.1:4566", "/"),
            ("https://Example.com:443/a/b", "Example.com", "/a/b"),
            ("http://example.com:80/", "example.com", "/"),
            ("https://example.com:80", "example.com:80", "/"),
            ("http://[::1]:8080/x", "[::1]:8080", "/x"),
            ("http://[fd00:ec2::254]", "[fd00:ec2::254]", "/"),
            ("HTTPS://host.", "host.", "/"),
        ];
        for (url, host, path) in cases {
            let e = Endpoint::new(url, "us-east-1", Origin::Global).unwrap();
            assert_eq!((e.host_header(), e.path()), (host, path), "{url}");
        }
    }

    #[test]
    fn other_services_need_a_region() {
        let files =
            ConfigFiles::from_texts(("/c", Some(b"[default]\n")), ("/k", None), Dialect::AwsCli)
                .unwrap();
        let env: &[(&str, &str)] = &[("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:1")];
        let options = Options::default();
        let eval = Evaluator::new(&files, env, &options).unwrap();
        let region = Some(Sourced {
            value: "eu-central-1",
            source: Source::Default,
        });
        let sso = resolve(&eval, &SSO, region).unwrap();
        assert_eq!(sso.url(), "https://portal.sso.eu-central-1.amazonaws.com");
        let oidc = resolve(&eval, &SSO_OIDC, region).unwrap();
        assert_eq!(
            (oidc.url(), oidc.signing_region()),
            ("http://127.0.0.1:1", "eu-central-1")
        );
        let signin = resolve(&eval, &SIGNIN, region).unwrap();
        assert_eq!(signin.url(), "https://eu-central-1.signin.aws.amazon.com");
        assert!(matches!(
            resolve(&eval, &SSO, None),
            Err(EndpointError::NoRegion { .. })
        ));
        let bad = Some(Sourced {
            value: "eu central",
            source: Source::Default,
        });
        assert!(matches!(
            resolve(&eval, &SSO, bad),
            Err(EndpointError::InvalidRegion { .. })
        ));
    }
}
