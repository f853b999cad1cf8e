//! `credchain explain`: the plan and its outcome, for a person who has never read the AWS docs.
//!
//! The report is built here from the evaluator, the plan and the execution ([`Report`]), and
//! written by [`crate::output::explain`] as text or JSON. Nothing secret enters the report:
//! access key ids are masked on the way in, secret keys, session tokens and authorization
//! tokens are recorded only as "a secret is here", and a credential_process command line is
//! reduced to its program (its arguments may carry secrets).

use credchain_core::caches::login as login_cache;
use credchain_core::caches::sso_token;
use credchain_core::chain::plan::{
    AssumeRoleStep, BaseStep, Chain, CredentialSource, Plan, SkipReason, StaticKeys, TokenSource,
    WebIdentityStep,
};
use credchain_core::config::evaluate::{EvaluateError, Evaluator, Options};
use credchain_core::config::locate::Platform;
use credchain_core::config::settings::Setting;
use credchain_core::credentials::ProviderKind;
use credchain_core::io::{Clock, Env};
use credchain_core::services::endpoint;
use credchain_core::services::retry::{self, RetrySettings};
use credchain_core::Sourced;
use credchain_core::{FileKind, Source};

use crate::args::{ExplainArgs, ExplainFormat};
use crate::chain::{self, ChainError, CONTAINER_VARIABLES};
use crate::commands::{Context, Run};
use crate::failure::{Failure, CONFIGURATION_ERROR};
use crate::files::{Diagnostics, FileInfo, Shared};
use crate::machine::Machine;
use crate::output::explain as render;
use crate::output::secret::mask;
use crate::output::Streams;

/// Everything `explain` says.
#[derive(Debug)]
pub struct Report<'s> {
    /// The active profile.
    pub profile: ProfileReport<'s>,
    /// The two files.
    pub files: [(FileKind, FileInfo<'s>); 2],
    /// What the parser skipped.
    pub diagnostics: Vec<credchain_core::config::parse::Diagnostic<'s>>,
    /// Each provider and what became of it; `Err` with the reason when there is no plan.
    pub providers: Result<Vec<ProviderReport>, String>,
    /// The chosen chain's steps, in the order they run.
    pub steps: Vec<Step<'s>>,
    /// The region, when the profile could be evaluated.
    pub region: Option<Result<Option<Sourced<'s>>, String>>,
    /// The retry settings of the service calls, when the profile could be evaluated.
    pub retries: Option<Result<RetrySettings<'s>, String>>,
    /// Whether credentials were obtained.
    pub outcome: Outcome,
    /// The current time (Unix seconds), to say how long the credentials last.
    pub now: i64,
}

/// The active profile.
#[derive(Debug)]
pub struct ProfileReport<'s> {
    /// Its name.
    pub name: &'s str,
    /// What chose it: `--profile`, a variable, or nothing (`Source::Default`).
    pub chosen_by: Source<'static>,
    /// Whether the config file defines it.
    pub in_config: bool,
    /// Whether the credentials file defines it.
    pub in_credentials: bool,
}

/// One provider.
#[derive(Debug, Clone, Copy)]
pub struct ProviderReport {
    /// Which.
    pub kind: ProviderKind,
    /// What became of it.
    pub status: ProviderStatus,
}

/// What became of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderStatus {
    /// Passed over, and why.
    Skipped(SkipReason),
    /// It gives the credentials.
    Chosen,
    /// An earlier provider was chosen.
    NotTried,
}

/// One step of the chain.
#[derive(Debug)]
pub struct Step<'s> {
    /// A stable name for programs (`static-keys`, `credential-process`, `assume-role`, ...).
    pub action: &'static str,
    /// What the step does, in words.
    pub title: String,
    /// The profile whose settings drive it.
    pub profile: Option<&'s str>,
    /// Its settings.
    pub inputs: Vec<Input<'s>>,
    /// Anything else a person should know.
    pub note: Option<&'static str>,
}

/// One setting of a step.
#[derive(Debug)]
pub struct Input<'s> {
    /// The key or variable.
    pub name: &'s str,
    /// The value as shown.
    pub value: Shown,
    /// Where it came from (none when it is not set).
    pub source: Option<Source<'s>>,
}

/// How a value is shown.
#[derive(Debug, PartialEq, Eq)]
pub enum Shown {
    /// As it is.
    Plain(String),
    /// Masked like `configure list` (an access key id).
    Masked(String),
    /// A secret: only its presence is shown.
    Secret,
    /// Not set, and what happens then.
    NotSet(&'static str),
}

/// Whether credentials were obtained.
#[derive(Debug)]
pub enum Outcome {
    /// They were.
    Obtained(Obtained),
    /// They were not: why, and the exit status.
    Failed {
        /// The reason, with the fix.
        message: String,
        /// The exit status (253, 254).
        status: u8,
    },
}

/// What the report shows of credentials obtained.
#[derive(Debug)]
pub struct Obtained {
    /// The provider of the active profile that answered.
    pub provider: ProviderKind,
    /// The access key id, masked.
    pub access_key_id: String,
    /// Whether a session token came with them (temporary credentials).
    pub temporary: bool,
    /// When they expire (Unix seconds).
    pub expiration: Option<i64>,
    /// The account, when known.
    pub account_id: Option<String>,
}

/// Whether `--output json` was given on the command line (the setting's other sources, the
/// AWS CLI's default output format, do not turn a report for people into JSON).
pub fn wants_json(options: &Options<'_>) -> bool {
    options.get(Setting::Output) == Some("json")
}

/// Runs `explain`.
impl<M: Machine + ?Sized> Run<M> for ExplainArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        // The skipped sections are part of the report, not warnings.
        ctx.with_files(Diagnostics::Keep, streams, |shared, streams| {
            let report = build(shared, ctx.machine, ctx.options);
            let home = ctx.machine.env().var("HOME").filter(|h| !h.is_empty());
            match self.format.unwrap_or(if wants_json(ctx.options) {
                ExplainFormat::Json
            } else {
                ExplainFormat::Text
            }) {
                ExplainFormat::Text => render::text(&report, home, streams.style, streams.out)?,
                ExplainFormat::Json => {
                    writeln!(streams.out, "{}", render::json(&report).pretty())?;
                }
            }
            match report.outcome {
                Outcome::Obtained(_) => Ok(()),
                Outcome::Failed { status, .. } => Err(Failure::Status(status)),
            }
        })
    }
}

/// Builds the report: evaluates, plans and runs the chain.
fn build<'s, M: Machine + ?Sized>(
    shared: &Shared<'s>,
    machine: &'s M,
    options: &'s Options<'s>,
) -> Report<'s> {
    let env = machine.env();
    let platform = machine.io().platform;
    let mut diagnostics = Vec::new();
    shared.files.diagnostics(|d| diagnostics.push(d));
    let now = machine.io().clock.now_unix();
    let mut report = Report {
        profile: ProfileReport {
            name: "default",
            chosen_by: Source::Default,
            in_config: false,
            in_credentials: false,
        },
        files: [
            (FileKind::Config, shared.config),
            (FileKind::Credentials, shared.credentials),
        ],
        diagnostics,
        providers: Err(String::new()),
        steps: Vec::new(),
        region: None,
        retries: None,
        outcome: Outcome::Failed {
            message: String::new(),
            status: CONFIGURATION_ERROR,
        },
        now,
    };
    let eval = match Evaluator::new(shared.files, env, options) {
        Ok(eval) => eval,
        Err(error) => {
            if let EvaluateError::ProfileNotFound { name, source, .. } = error {
                report.profile.name = name;
                report.profile.chosen_by = source;
            }
            let message = error.to_string();
            report.providers = Err(message.clone());
            report.outcome = Outcome::Failed {
                message,
                status: CONFIGURATION_ERROR,
            };
            return report;
        }
    };
    let active = eval.active_profile();
    report.profile = ProfileReport {
        name: active.name,
        chosen_by: active.source,
        in_config: active.profile.is_some_and(|p| p.in_config()),
        in_credentials: active.profile.is_some_and(|p| p.in_credentials()),
    };
    report.region = Some(match eval.resolve(Setting::Region) {
        Ok(Some(r)) => Ok(Some(Sourced {
            value: r.value.as_str().unwrap_or_default(),
            source: r.source,
        })),
        Ok(None) => Ok(None),
        Err(error) => Err(error.to_string()),
    });
    report.retries = Some(retry::settings(&eval).map_err(|e| e.to_string()));
    let plan = match chain::plan_chain(&eval) {
        Ok(plan) => plan,
        Err(error) => {
            let message = error.to_string();
            report.providers = Err(message.clone());
            report.outcome = Outcome::Failed {
                message,
                status: error.status(),
            };
            return report;
        }
    };
    report.providers = Ok(providers(&plan));
    if let Some(chain) = &plan.chain {
        report.steps = steps(chain, &eval, platform);
    }
    report.outcome = match chain::obtain(machine, &eval, &plan) {
        Ok(credentials) => Outcome::Obtained(Obtained {
            provider: credentials.provider(),
            access_key_id: mask(credentials.access_key_id()),
            temporary: credentials.session_token().is_some(),
            expiration: credentials.expiration(),
            account_id: credentials.account_id().map(str::to_owned),
        }),
        Err(error) => Outcome::Failed {
            message: match &error {
                // The report already shows every provider and why it was skipped.
                ChainError::NoProvider { .. } => no_provider(&eval),
                ChainError::NoneFound { metadata, .. } => format!(
                    "no credentials: nothing else is configured, and the metadata service had none. {metadata}"
                ),
                error => error.to_string(),
            },
            status: error.status(),
        },
    };
    report
}

/// Why nothing answered, and the ways to get credentials.
fn no_provider<E: Env + ?Sized>(eval: &Evaluator<'_, '_, E>) -> String {
    let profile = eval.active_profile().name;
    let names: Vec<String> = eval
        .files()
        .profile_names()
        .map(|n| n.to_string())
        .filter(|n| n != profile)
        .collect();
    let others = if names.is_empty() {
        String::new()
    } else {
        format!(
            ", or choose another profile with --profile or AWS_PROFILE ({})",
            names.join(", ")
        )
    };
    format!(
        "no credential provider is configured for the profile {profile}. To get \
         credentials: write keys for it with `aws configure --profile {profile}`, set \
         AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY{others}"
    )
}

/// Every provider in order: the skipped ones with their reason, the chosen one, the rest.
fn providers(plan: &Plan<'_>) -> Vec<ProviderReport> {
    let chosen = plan.chain.as_ref().map(|c| c.provider);
    ProviderKind::ALL
        .into_iter()
        .map(|kind| {
            let status = match plan.skipped.iter().find(|s| s.provider == kind) {
                Some(skipped) => ProviderStatus::Skipped(skipped.reason),
                None if chosen == Some(kind) => ProviderStatus::Chosen,
                None => ProviderStatus::NotTried,
            };
            ProviderReport { kind, status }
        })
        .collect()
}

/// The chain's steps in the order they run: the base credentials, then each role.
fn steps<'s, E: Env + ?Sized>(
    chain: &Chain<'s>,
    eval: &Evaluator<'s, 's, E>,
    platform: Platform,
) -> Vec<Step<'s>> {
    let mut steps = vec![base_step(chain, eval, platform)];
    for (i, role) in chain.roles.iter().enumerate() {
        steps.push(role_step(role, i + 1));
    }
    steps
}

fn input<'s>(name: &'s str, value: Shown, source: Option<Source<'s>>) -> Input<'s> {
    Input {
        name,
        value,
        source,
    }
}

/// A configured value, shown as it is.
fn plain<'s>(name: &'s str, value: Sourced<'s>) -> Input<'s> {
    input(
        name,
        Shown::Plain(value.value.to_owned()),
        Some(value.source),
    )
}

/// An optional value: as it is, or what happens when it is not set.
fn optional<'s>(name: &'s str, value: Option<Sourced<'s>>, unset: &'static str) -> Input<'s> {
    match value {
        Some(value) => plain(name, value),
        None => input(name, Shown::NotSet(unset), None),
    }
}

/// The name of a value: its variable when it came from one, else `key`.
fn name_of<'s>(source: Source<'s>, key: &'s str) -> &'s str {
    match source {
        Source::EnvVar(var) => var,
        _ => key,
    }
}

fn base_step<'s, E: Env + ?Sized>(
    chain: &Chain<'s>,
    eval: &Evaluator<'s, 's, E>,
    platform: Platform,
) -> Step<'s> {
    let profile = chain.base_profile;
    let named = |name: &str| profile.map_or(String::new(), |p| format!("{name}{p}"));
    let step = |action, title: String, inputs, note| Step {
        action,
        title,
        profile,
        inputs,
        note,
    };
    match chain.base {
        BaseStep::Static(keys) => {
            let title = match keys.access_key_id.source {
                Source::File {
                    kind: FileKind::Credentials,
                    ..
                } => format!(
                    "use the keys written in the credentials file{}",
                    named(", profile ")
                ),
                Source::File { .. } => format!(
                    "use the keys written in the config file{}",
                    named(", profile ")
                ),
                _ => "use the keys in the environment variables".to_owned(),
            };
            step(
                "static-keys",
                title,
                static_inputs(&keys, profile, eval),
                None,
            )
        }
        BaseStep::Process {
            profile, command, ..
        } => step(
            "credential-process",
            format!("run the credential_process of profile {profile}"),
            vec![input(
                "credential_process",
                Shown::Plain(describe_command(command.value)),
                Some(command.source),
            )],
            Some("it prints the keys as JSON ({\"Version\": 1, \"AccessKeyId\": ...})"),
        ),
        BaseStep::WebIdentity(WebIdentityStep {
            role_arn,
            token_file,
            session_name,
        }) => step(
            "web-identity",
            "exchange the web identity token in a file for a role's credentials \
             (AWS STS AssumeRoleWithWebIdentity)"
                .to_owned(),
            vec![
                plain(name_of(role_arn.source, "role_arn"), role_arn),
                plain(
                    name_of(token_file.source, "web_identity_token_file"),
                    token_file,
                ),
                optional(
                    "role_session_name",
                    session_name,
                    "a name like botocore-session-1700000000 is made up",
                ),
            ],
            Some("the token itself is read from the file when the call is made; it is not shown"),
        ),
        BaseStep::Sso(sso) => {
            let TokenSource {
                session,
                start_url,
                region,
                ..
            } = sso.token;
            let mut inputs = Vec::new();
            if let Some(session) = session {
                inputs.push(plain("sso_session", session));
            }
            inputs.extend([
                plain("sso_start_url", start_url),
                plain("sso_region", region),
                plain("sso_account_id", sso.account_id),
                plain("sso_role_name", sso.role_name),
            ]);
            // The file the token is read from (its name is the SHA-1 of the session name, or of
            // the start URL in the legacy form), never the token itself.
            let name = sso.token.cache_name();
            let cache = match sso_token::token_path(eval.env(), platform, name) {
                Ok(path) => Shown::Plain(path.as_str().to_owned()),
                Err(_) => Shown::NotSet("no home directory is known, so there is no token cache"),
            };
            inputs.push(input("token cache file", cache, None));
            let portal = match endpoint::resolve(eval, &endpoint::SSO, Some(region)) {
                Ok(e) if e.origin().is_configured() => {
                    Shown::Plain(format!("{} (from {})", e.url(), e.origin()))
                }
                Ok(e) => Shown::Plain(format!("{} (the default for the SSO region)", e.url())),
                Err(e) => Shown::Plain(format!("cannot be resolved: {e}")),
            };
            inputs.push(input("portal endpoint", portal, None));
            let note = if session.is_some() {
                "the token that `aws sso login` cached is used (it is not shown); when fewer than \
                 15 minutes remain it is refreshed through SSO-OIDC and the file is written back"
            } else {
                "the token that `aws sso login` cached is used (it is not shown); this legacy form \
                 (no sso_session) is never refreshed: run `aws sso login` again when it expires"
            };
            step(
                "sso",
                format!(
                    "get the role's credentials from IAM Identity Center (SSO){}",
                    named(", profile ")
                ),
                inputs,
                Some(note),
            )
        }
        BaseStep::Login { session, .. } => {
            // The cache file the session is read from (never its contents: they are tokens).
            let env = eval.env();
            let cache_file = match login_cache::cache_path(env, platform, session.value) {
                Ok(path) => Shown::Plain(path.as_str().to_owned()),
                Err(_) => Shown::NotSet("no home directory: this step fails"),
            };
            let cache_source = match env.var(login_cache::CACHE_DIR_VAR) {
                Some(dir) if !dir.is_empty() => Source::EnvVar(login_cache::CACHE_DIR_VAR),
                _ => Source::Default,
            };
            step(
                "login",
                format!(
                    "use the credentials of a console login session (`aws login`){}",
                    named(", profile ")
                ),
                vec![
                    plain("login_session", session),
                    input("cache file", cache_file, Some(cache_source)),
                ],
                Some(
                    "`aws login` caches the session there; within 5 minutes of expiry it is \
                     refreshed through AWS Sign-In and written back",
                ),
            )
        }
        BaseStep::Named(source) => named_source_step(source, chain, eval),
        BaseStep::Container => step(
            "container",
            "ask the container credentials endpoint (ECS, EKS Pod Identity)".to_owned(),
            container_inputs(eval),
            None,
        ),
        BaseStep::InstanceMetadata => step(
            "instance-metadata",
            "ask the EC2 instance metadata service for the instance role's credentials".to_owned(),
            imds_inputs(eval),
            Some(
                "nothing else is configured, so the AWS CLI asks the metadata service of the \
                 EC2 instance it may be running on; AWS_EC2_METADATA_DISABLED=true turns this off",
            ),
        ),
    }
}

/// The container provider's variables and the URL they make; the authorization token only
/// as present (the token file's path is shown, never its contents).
fn container_inputs<'s, E: Env + ?Sized>(eval: &Evaluator<'s, 's, E>) -> Vec<Input<'s>> {
    let env = eval.env();
    let mut inputs: Vec<Input<'s>> = CONTAINER_VARIABLES
        .into_iter()
        .chain(["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"])
        .filter_map(|var| {
            let value = env.var(var).filter(|v| !v.is_empty())?;
            Some(input(
                var,
                Shown::Plain(value.to_owned()),
                Some(Source::EnvVar(var)),
            ))
        })
        .collect();
    let token = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    if env.var(token).is_some_and(|v| !v.is_empty()) {
        inputs.push(input(token, Shown::Secret, Some(Source::EnvVar(token))));
    }
    inputs.push(
        match credchain_core::chain::providers::container::endpoint(env) {
            Ok(Some(endpoint)) => input("url", Shown::Plain(endpoint.url.to_string()), None),
            Ok(None) => input(
                "url",
                Shown::NotSet("no container variable is set: this step fails"),
                None,
            ),
            Err(e) => input("url", Shown::Plain(format!("unusable: {e}")), None),
        },
    );
    inputs
}

/// The metadata service's endpoint (and how it was chosen), timeout, attempts and IMDSv1.
fn imds_inputs<'s, E: Env + ?Sized>(eval: &Evaluator<'s, 's, E>) -> Vec<Input<'s>> {
    use credchain_core::chain::providers::imds::{self, EndpointOrigin};
    let config = match imds::config(eval) {
        Ok(config) => config,
        Err(e) => {
            return vec![input(
                "settings",
                Shown::Plain(format!("unusable: {e}")),
                None,
            )]
        }
    };
    let endpoint = match config.endpoint.origin {
        EndpointOrigin::Configured(value) => plain("ec2_metadata_service_endpoint", value),
        EndpointOrigin::Mode(mode, source) => input(
            "ec2_metadata_service_endpoint_mode",
            Shown::Plain(format!("{mode:?}: {}", config.endpoint.base)),
            Some(source),
        ),
    };
    vec![
        endpoint,
        input(
            "metadata_service_timeout",
            Shown::Plain(format!("{} s per request", config.timeout_ms / 1000)),
            Some(config.timeout_source),
        ),
        input(
            "metadata_service_num_attempts",
            Shown::Plain(config.attempts.to_string()),
            Some(config.attempts_source),
        ),
        match config.v1_disabled {
            Some(source) => input(
                "ec2_metadata_v1_disabled",
                Shown::Plain("true: IMDSv2 only".to_owned()),
                Some(source),
            ),
            None => input(
                "ec2_metadata_v1_disabled",
                Shown::NotSet("IMDSv1 is used when no IMDSv2 token comes"),
                None,
            ),
        },
    ]
}

/// The inputs of static keys: the key id masked, the secrets only as present.
fn static_inputs<'s, E: Env + ?Sized>(
    keys: &StaticKeys<'s>,
    profile: Option<&'s str>,
    eval: &Evaluator<'s, 's, E>,
) -> Vec<Input<'s>> {
    let access = keys.access_key_id;
    let mut inputs = vec![
        input(
            name_of(access.source, "aws_access_key_id"),
            Shown::Masked(mask(access.value)),
            Some(access.source),
        ),
        input(
            name_of(keys.secret_access_key.source, "aws_secret_access_key"),
            Shown::Secret,
            Some(keys.secret_access_key.source),
        ),
    ];
    if let Some(token) = keys.session_token {
        inputs.push(input(
            token_key(token.source, profile, eval),
            Shown::Secret,
            Some(token.source),
        ));
    }
    if let Some(expiration) = keys.expiration {
        inputs.push(plain(name_of(expiration.source, "expiration"), expiration));
    }
    if let Some(account) = keys.account_id {
        inputs.push(plain(name_of(account.source, "aws_account_id"), account));
    }
    inputs
}

/// Which key a file's session token was read from (`aws_security_token` wins when both are
/// there, as in the AWS CLI).
fn token_key<'s, E: Env + ?Sized>(
    source: Source<'s>,
    profile: Option<&'s str>,
    eval: &Evaluator<'s, 's, E>,
) -> &'s str {
    let Source::File { kind, line, .. } = source else {
        return name_of(source, "aws_session_token");
    };
    let legacy = profile
        .and_then(|p| eval.files().profile(p))
        .and_then(|p| p.get_in_file(kind, "aws_security_token"))
        .is_some_and(|p| p.line == line);
    if legacy {
        "aws_security_token"
    } else {
        "aws_session_token"
    }
}

/// `credential_source` of the first role's profile.
fn named_source_step<'s, E: Env + ?Sized>(
    source: CredentialSource,
    chain: &Chain<'s>,
    eval: &Evaluator<'s, 's, E>,
) -> Step<'s> {
    let profile = chain.base_profile;
    let configured = profile
        .and_then(|p| eval.files().profile(p))
        .and_then(|p| p.get("credential_source"))
        .map(|p| Source::File {
            kind: p.kind,
            path: p.path,
            line: p.line,
        });
    let mut inputs = vec![input(
        "credential_source",
        Shown::Plain(source.name().to_owned()),
        configured,
    )];
    let (action, title) = match source {
        CredentialSource::Environment => {
            let env = eval.env();
            let key = "AWS_ACCESS_KEY_ID";
            inputs.push(match env.var(key).filter(|v| !v.is_empty()) {
                Some(id) => input(key, Shown::Masked(mask(id)), Some(Source::EnvVar(key))),
                None => input(key, Shown::NotSet("no keys: this step fails"), None),
            });
            (
                "environment",
                "use the keys in the environment variables (credential_source = Environment)",
            )
        }
        CredentialSource::Ec2InstanceMetadata => (
            {
                inputs.extend(imds_inputs(eval));
                "instance-metadata"
            },
            "ask the EC2 instance metadata service for the instance role's credentials \
             (credential_source = Ec2InstanceMetadata)",
        ),
        CredentialSource::EcsContainer => (
            {
                inputs.extend(container_inputs(eval));
                "container"
            },
            "ask the container credentials endpoint (credential_source = EcsContainer)",
        ),
    };
    Step {
        action,
        title: title.to_owned(),
        profile,
        inputs,
        note: None,
    }
}

fn role_step<'s>(role: &AssumeRoleStep<'s>, previous: usize) -> Step<'s> {
    let mut inputs = vec![plain("role_arn", role.role_arn)];
    // A role without source_profile has credential_source, which step 1 shows.
    if let Some(source) = role.source_profile {
        inputs.push(plain("source_profile", source));
    }
    inputs.push(optional(
        "role_session_name",
        role.session_name,
        "a name like botocore-session-1700000000 is made up",
    ));
    if let Some(external_id) = role.external_id {
        inputs.push(plain("external_id", external_id));
    }
    if let Some(mfa) = role.mfa_serial {
        inputs.push(plain("mfa_serial", mfa));
    }
    inputs.push(match role.duration_seconds {
        // botocore drops a value Python's int() cannot read, and so does credchain.
        Some(d) if credchain_core::services::sts::parse_duration_seconds(d.value).is_none() => input(
            "duration_seconds",
            Shown::Plain(format!(
                "{} is not a whole number: ignored, as the AWS CLI ignores it (1 hour is asked for)",
                d.value
            )),
            Some(d.source),
        ),
        other => optional("duration_seconds", other, "1 hour (3600 seconds)"),
    });
    Step {
        action: "assume-role",
        title: format!(
            "assume the role of profile {} (an AWS STS AssumeRole call), signed with the \
             credentials of step {previous}",
            role.profile
        ),
        profile: Some(role.profile),
        inputs,
        note: role.mfa_serial.map(|_| {
            "mfa_serial is set: an MFA code is asked for on the terminal (unless cached \
             credentials of this role are still valid)"
        }),
    }
}

/// A credential_process command line without its arguments, which may hold secrets.
fn describe_command(line: &str) -> String {
    let Ok((words, count)) = credchain_core::config::parse::shell_words::<1>(line) else {
        return "(a command line with an unclosed quote)".to_owned();
    };
    let Some(program) = words.first() else {
        return "(an empty command)".to_owned();
    };
    let program: String = credchain_core::config::parse::unquote_shell_word(program).collect();
    match count - 1 {
        0 => format!("`{program}`"),
        1 => format!("`{program}` with 1 argument (not shown: arguments may hold secrets)"),
        n => format!("`{program}` with {n} arguments (not shown: arguments may hold secrets)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_show_their_program_only() {
        assert_eq!(
            describe_command("printf '{\"SecretAccessKey\": \"x\"}'"),
            "`printf` with 1 argument (not shown: arguments may hold secrets)"
        );
        assert_eq!(describe_command("'/opt/my tool'"), "`/opt/my tool`");
        assert_eq!(
            describe_command("helper --user me --password hunter2"),
            "`helper` with 4 arguments (not shown: arguments may hold secrets)"
        );
        assert_eq!(
            describe_command("helper 'unclosed"),
            "(a command line with an unclosed quote)"
        );
        assert_eq!(describe_command("  "), "(an empty command)");
    }
}
