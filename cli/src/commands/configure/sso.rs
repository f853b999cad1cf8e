//! `credchain configure sso` and `credchain configure sso-session`: the AWS CLI's prompts
//! (awscli/customizations/configure/sso_commands.py and sso.py), answered on standard input.
//!
//! Prompts are `TEXT [CURRENT]: ` (`None` when unset). Answers are stripped; an empty one
//! keeps the current value, and a value that is required, or that the AWS CLI's validator
//! refuses (`Not a valid Start URL`, `A value is required`, `Scope values must be separated
//! by commas`, printed on standard error), is asked again.
//!
//! `configure sso-session`: `SSO session name: ` (required), `SSO start URL`, `SSO region`
//! (skipped when a vanity start URL resolves) and `SSO registration scopes`; it writes the
//! three keys to `[sso-session NAME]` (other keys there are kept), does not sign in, and
//! prints how to.
//!
//! `configure sso`, in the AWS CLI's order:
//! 1. `SSO session name (Recommended): ` (`[CURRENT]` when the profile has `sso_session`). No
//!    name: the legacy form (a warning, then start URL and region into the profile). A name
//!    of an existing `[sso-session]`: its values, no more questions. A new name: start URL,
//!    region, scopes.
//! 2. The sign-in, as `sso login` signs in ([`crate::commands::sso::login::sign_in`]); an
//!    existing session or the legacy form reuses a cached token with more than 15 minutes
//!    left, a new session always signs in.
//! 3. The accounts (ListAccounts, every page) and the chosen account's roles
//!    (ListAccountRoles, every page): one is taken without asking, several are a choice list
//!    (arrow keys on a terminal, a numbered list without one).
//! 4. `Default client Region`, `CLI default output format (json if not specified)`, and
//!    `Profile name [ROLE-ACCOUNT]: ` unless `--profile` or `AWS_PROFILE` names it.
//! 5. Only then the writes, in one replacement of the config file: the profile's keys in the
//!    AWS CLI's order ([`credchain_core::signin::profiles::sso_profile_keys`]), then the
//!    `[sso-session NAME]` section; and the AWS CLI's closing words.

use credchain_core::caches::sso_token::{
    parse_token, token_path, wants_refresh, MAX_TOKEN_FILE_LEN,
};
use credchain_core::config::evaluate::{select_profile, Evaluator};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::set::Section;
use credchain_core::config::write::{Change, Edit};
use credchain_core::io::{block_on, Clock, Fs};
use credchain_core::services::endpoint;
use credchain_core::services::exchange::ServiceTarget;
use credchain_core::services::retry;
use credchain_core::services::sso_oidc::Token;
use credchain_core::services::sso_portal::{self, PortalError};
use credchain_core::signin::profiles::{
    account_label, conclusion, default_profile_name, is_valid_scopes, is_valid_start_url,
    session_name_prompt, sort_accounts, sort_roles, sso_profile_keys, SsoProfile, SsoSource,
    LEGACY_WARNING,
};
use credchain_core::signin::sso::{
    is_aws_owned_host, login_config, split_scopes, url_host, Flow, LoginConfig,
};
use credchain_core::{FileKind, Source, Sourced};

use crate::args::ConfigureSsoArgs;
use crate::commands::configure::menu;
use crate::commands::signin_flow::service_failure;
use crate::commands::sso::login::{resolve_vanity, sign_in, SignIn};
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::files::Diagnostics;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;

/// The scopes asked for when the session has none.
const DEFAULT_SCOPES: &str = "sso:account:access";

/// The keys of an `[sso-session]` section that `configure sso-session` asks for, in the order
/// it asks.
const SESSION_KEYS: [&str; 3] = ["sso_start_url", "sso_region", "sso_registration_scopes"];

/// Runs `configure sso-session`.
pub fn run_session<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let name = ask(
        ctx.machine,
        streams,
        "SSO session name: ",
        None,
        Check::Required,
    )?;
    let [url, region, scopes] = ctx.with_files(Diagnostics::Warn, streams, |shared, _| {
        let session = shared.files.sso_session(&name);
        Ok(SESSION_KEYS.map(|key| {
            let property = session.and_then(|s| s.get(key));
            Some(property?.value.to_string()).filter(|v| !v.is_empty())
        }))
    })?;
    let url = ask_start_url(ctx.machine, streams, url)?;
    let region = match resolve_region(ctx.machine, &url, region.as_deref()) {
        Some((_, region)) => region,
        None => ask_with_current(ctx.machine, streams, "SSO region", region, Check::Required)?,
    };
    let scopes = ask_scopes(ctx.machine, streams, scopes)?;
    let changes = [
        ("sso_start_url", Change::Set(&url)),
        ("sso_region", Change::Set(&region)),
        ("sso_registration_scopes", Change::Set(&scopes)),
    ];
    let section = Section::Typed {
        kind: "sso-session",
        name: &name,
    }
    .to_string();
    let edit = Edit {
        section: &section,
        changes: &changes,
    };
    shared_write::store(ctx, FileKind::Config, &[edit], streams)?;
    write!(
        streams.out,
        "\nCompleted configuring SSO session: {name}\nRun the following to login and refresh \
         access token for this session:\n\naws sso login --sso-session {name}\n"
    )?;
    Ok(())
}

/// What an answer must be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Not empty (the AWS CLI's `A value is required`).
    Required,
    /// A start URL (`Not a valid Start URL`).
    StartUrl,
    /// Comma-separated scopes (`Scope values must be separated by commas`).
    Scopes,
    /// Anything, empty too.
    Optional,
}

impl Check {
    /// The AWS CLI validator's message for an answer it refuses; `None` when it takes it.
    fn refuse(self, answer: &str) -> Option<&'static str> {
        match self {
            Check::Required if answer.is_empty() => Some("A value is required"),
            Check::StartUrl if !is_valid_start_url(answer) => Some("Not a valid Start URL"),
            Check::Scopes if answer.is_empty() || !is_valid_scopes(answer) => {
                Some("Scope values must be separated by commas")
            }
            _ => None,
        }
    }
}

/// `TEXT [CURRENT]: `, the current value (`None` when unset) kept on an empty answer.
fn ask_with_current(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    text: &str,
    current: Option<String>,
    check: Check,
) -> Result<String, Failure> {
    let prompt = format!("{text} [{}]: ", current.as_deref().unwrap_or("None"));
    ask(machine, streams, &prompt, current.as_deref(), check)
}

/// `SSO start URL [CURRENT]: `.
fn ask_start_url(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    current: Option<String>,
) -> Result<String, Failure> {
    ask_with_current(machine, streams, "SSO start URL", current, Check::StartUrl)
}

/// `SSO registration scopes [CURRENT]: `, `sso:account:access` when the session has none:
/// the raw answer, as the file keeps it.
fn ask_scopes(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    current: Option<String>,
) -> Result<String, Failure> {
    let current = Some(current.unwrap_or_else(|| DEFAULT_SCOPES.to_owned()));
    ask_with_current(
        machine,
        streams,
        "SSO registration scopes",
        current,
        Check::Scopes,
    )
}

/// The resolved URL and region of a vanity start URL, as the AWS CLI resolves it before it
/// asks for the region; `None` for an AWS-owned URL, and when the resolution fails (the
/// region is then asked for, as the AWS CLI falls back).
fn resolve_region(
    machine: &(impl Machine + ?Sized),
    start_url: &str,
    configured_region: Option<&str>,
) -> Option<(String, String)> {
    let host = url_host(start_url)?;
    if host.is_empty() || is_aws_owned_host(host) {
        return None;
    }
    let resolved = resolve_vanity(machine, start_url, configured_region.unwrap_or("")).ok()?;
    Some((resolved.url, resolved.region))
}

/// Asks `prompt` until the stripped answer, or else `current`, is one `check` takes (its
/// message on standard error otherwise).
fn ask(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    prompt: &str,
    current: Option<&str>,
    check: Check,
) -> Result<String, Failure> {
    loop {
        let answer = read_answer(machine, streams, prompt)?;
        let answer = match (answer.is_empty(), current) {
            (true, Some(current)) => current.to_owned(),
            _ => answer,
        };
        match check.refuse(&answer) {
            None => return Ok(answer),
            Some(message) => writeln!(streams.err, "{message}")?,
        }
    }
}

/// Writes `prompt` and reads the stripped answer.
fn read_answer(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    prompt: &str,
) -> Result<String, Failure> {
    let what = prompt.trim_end().trim_end_matches(':');
    let what = what.split(" [").next().unwrap_or(what);
    Ok(super::answer(machine, streams, prompt, what)?
        .trim()
        .to_owned())
}

/// Where `configure sso` signs in: the legacy keys, an existing session or a new one, with
/// what the prompts gave.
struct Registration {
    /// The session's name (`None`: the legacy form).
    session: Option<String>,
    /// Whether the session is a new one (written, and signed in to afresh).
    new_session: bool,
    start_url: String,
    region: String,
    /// The start URL a vanity URL resolved to.
    resolved_url: Option<String>,
    /// The raw scopes answer of a new session; an existing one's from its section.
    scopes: Option<String>,
}

/// Runs `configure sso`.
impl<M: Machine + ?Sized> Run<M> for ConfigureSsoArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        // Ctrl-C exits with 130 at any point before the config file is written (the sign-in
        // holds it off only while it writes the token files).
        ctx.machine.exit_on_interrupt(true);
        ctx.with_files(Diagnostics::Warn, streams, |shared, streams| {
            // The profile named by `--profile` or a variable is the one configured; without one,
            // its name is asked for, and the current values are the `default` profile's.
            let (name, source) = select_profile(ctx.options, ctx.machine.env());
            let named = (source != Source::Default).then_some(name);
            let files = shared.files;
            let profile = files.profile(name);
            let current = |key: &str| {
                profile
                    .and_then(|p| p.get(key))
                    .and_then(|p| p.value.as_str())
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
            };
            let registration = ask_registration(ctx.machine, files, streams, &current)?;
            let eval = Evaluator::for_default_profile(files, ctx.machine.env(), ctx.options);
            let token = registration_token(ctx, &eval, &registration, self, streams)?;
            ctx.machine.exit_on_interrupt(true);
            let chosen = choose_account_and_role(streams, ctx, &eval, &registration, &token)?;
            let region = ask_with_current(
                ctx.machine,
                streams,
                "Default client Region",
                current("region"),
                Check::Optional,
            )?;
            let output = ask_with_current(
                ctx.machine,
                streams,
                "CLI default output format (json if not specified)",
                current("output"),
                Check::Optional,
            )?;
            let profile_name = match named {
                Some(name) => name.to_owned(),
                None => {
                    let default = chosen
                        .as_ref()
                        .map(|(account, role)| default_profile_name(role, account));
                    ask_with_current(
                        ctx.machine,
                        streams,
                        "Profile name",
                        default,
                        Check::Required,
                    )?
                }
            };
            let source = match &registration.session {
                Some(name) => SsoSource::Session(name),
                None => SsoSource::Legacy {
                    start_url: &registration.start_url,
                    sso_region: &registration.region,
                },
            };
            let profile = SsoProfile {
                source,
                account_id: chosen.as_ref().map(|(a, _)| a.as_str()),
                role_name: chosen.as_ref().map(|(_, r)| r.as_str()),
                region: Some(&region),
                output: Some(&output),
            };
            ctx.machine.exit_on_interrupt(false);
            write_profile(ctx, &profile_name, &profile, &registration, streams)?;
            streams
                .out
                .write_all(conclusion(chosen.is_some(), &profile_name, "aws").as_bytes())?;
            Ok(())
        })
    }
}

/// Step 1: the session name and, as the answer says, the legacy keys, an existing session's
/// values or a new session's.
fn ask_registration(
    machine: &(impl Machine + ?Sized),
    files: &ConfigFiles<'_>,
    streams: &mut Streams<'_>,
    current: &dyn Fn(&str) -> Option<String>,
) -> Result<Registration, Failure> {
    let current_session = current("sso_session");
    let prompt = session_name_prompt(current_session.as_deref());
    let answer = read_answer(machine, streams, &prompt)?;
    let session = Some(answer).filter(|a| !a.is_empty()).or(current_session);
    let existing = session
        .as_deref()
        .and_then(|name| files.sso_session(name).map(|s| (name, s)));
    if let Some((name, section)) = existing {
        let value = |key: &str| {
            section
                .get(key)
                .and_then(|p| p.value.as_str())
                .map(str::to_owned)
        };
        let missing: Vec<&str> = ["sso_start_url", "sso_region"]
            .into_iter()
            .filter(|key| value(key).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(Failure::configuration(format!(
                "Missing the following required SSO configuration values: {}. ",
                missing.join(", ")
            )));
        }
        return Ok(Registration {
            session: Some(name.to_owned()),
            new_session: false,
            start_url: value("sso_start_url").unwrap_or_default(),
            region: value("sso_region").unwrap_or_default(),
            resolved_url: None,
            scopes: value("sso_registration_scopes"),
        });
    }
    if session.is_none() {
        streams.out.write_all(LEGACY_WARNING.as_bytes())?;
    }
    // The profile's legacy keys are the defaults of a new session's and the legacy form's.
    let start_url = ask_start_url(machine, streams, current("sso_start_url"))?;
    let resolved = resolve_region(machine, &start_url, current("sso_region").as_deref());
    let (resolved_url, region) = match resolved {
        Some((url, region)) => (Some(url), region),
        None => {
            let region = current("sso_region");
            let region = ask_with_current(machine, streams, "SSO region", region, Check::Required)?;
            (None, region)
        }
    };
    let scopes = match session {
        Some(_) => Some(ask_scopes(machine, streams, None)?),
        None => None,
    };
    Ok(Registration {
        new_session: session.is_some(),
        session,
        start_url,
        region,
        resolved_url,
        scopes,
    })
}

/// Step 2: the token, reused from the cache (an existing session, the legacy form) or from a
/// new sign-in.
fn registration_token<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    eval: &Evaluator<'_, '_, M::Env>,
    registration: &Registration,
    args: &ConfigureSsoArgs,
    streams: &mut Streams<'_>,
) -> Result<Token, Failure> {
    let config = match (&registration.session, registration.new_session) {
        (Some(name), false) => {
            login_config(eval, Some(name.as_str())).map_err(Failure::configuration)?
        }
        (session, _) => LoginConfig {
            profile: "default",
            session: session.as_deref(),
            start_url: Sourced {
                value: &registration.start_url,
                source: Source::Default,
            },
            region: Sourced {
                value: &registration.region,
                source: Source::Default,
            },
            scopes: registration.scopes.as_deref().map(split_scopes),
        },
    };
    if !registration.new_session {
        if let Some(token) = cached_token(ctx, &config) {
            return Ok(token);
        }
    }
    let sign = SignIn {
        config: &config,
        issuer_url: registration
            .resolved_url
            .as_deref()
            .unwrap_or(&registration.start_url),
        region: &registration.region,
        flow: Flow::choose(&config, args.use_device_code),
        no_browser: args.no_browser,
    };
    sign_in(ctx, eval, &sign, streams)
}

/// The cached token of `config` when it has more than 15 minutes left (botocore's
/// `SSOTokenFetcher` without `force_refresh`).
fn cached_token<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    config: &LoginConfig<'_>,
) -> Option<Token> {
    let io = ctx.machine.io();
    let name = config.session.unwrap_or(config.start_url.value);
    let path = token_path(ctx.machine.env(), io.platform, name).ok()?;
    let file = block_on(io.fs.read_at_most(&path, MAX_TOKEN_FILE_LEN)).ok()??;
    let now = io.clock.now_unix();
    let cached = parse_token(file.as_ref(), config.session.is_none(), now).ok()?;
    (!wants_refresh(cached.token.expires_at(), now)).then_some(cached.token)
}

/// Step 3: the account and the role, `None` when the portal refuses to list them.
fn choose_account_and_role<M: Machine + ?Sized>(
    streams: &mut Streams<'_>,
    ctx: &Context<'_, M>,
    eval: &Evaluator<'_, '_, M::Env>,
    registration: &Registration,
    token: &Token,
) -> Result<Option<(String, String)>, Failure> {
    let region = Sourced {
        value: registration.region.as_str(),
        source: Source::Default,
    };
    let endpoint =
        endpoint::resolve(eval, &endpoint::SSO, Some(region)).map_err(Failure::configuration)?;
    let io = ctx.machine.io();
    let portal = ServiceTarget {
        http: io.http,
        clock: io.clock,
        retry: retry::settings(eval).map_err(Failure::other)?.config,
        endpoint: &endpoint,
    };
    let access_token = token.access_token();
    let listed = block_on(sso_portal::list_accounts(&portal, access_token));
    let Some(mut accounts) = listing(listed)? else {
        return skip_listing(streams);
    };
    sort_accounts(&mut accounts);
    let Some(first) = accounts.first() else {
        return Err(Failure::other("No AWS accounts are available to you."));
    };
    let only = format!(
        "The only AWS account available to you is: {}",
        first.account_id
    );
    let labels: Vec<String> = accounts.iter().map(account_label).collect();
    let chosen = pick(ctx.machine, streams, &labels, &only, "AWS accounts")?;
    let account_id = accounts[chosen].account_id.clone();
    writeln!(streams.out, "Using the account ID {account_id}")?;
    let roles = block_on(sso_portal::list_account_roles(
        &portal,
        access_token,
        &account_id,
    ));
    let Some(mut roles) = listing(roles)? else {
        return skip_listing(streams);
    };
    sort_roles(&mut roles);
    let Some(first) = roles.first() else {
        return Err(Failure::other(format!(
            "No roles are available for the account {account_id}"
        )));
    };
    let only = format!("The only role available to you is: {first}");
    let role = roles[pick(ctx.machine, streams, &roles, &only, "roles")?].clone();
    writeln!(streams.out, "Using the role name \"{role}\"")?;
    Ok(Some((account_id, role)))
}

/// The AWS CLI's words when the portal refuses the listing: the profile is written without
/// account and role.
fn skip_listing(streams: &mut Streams<'_>) -> Result<Option<(String, String)>, Failure> {
    streams.out.write_all(
        b"Unable to list AWS accounts and/or roles. Skipping configuring AWS credential \
          provider for profile.\n",
    )?;
    Ok(None)
}

/// A listing's result: `None` when the portal refused the token (the listing is skipped);
/// a failure is 254 when the portal answered with an error, 255 otherwise.
fn listing<T>(listed: Result<T, PortalError>) -> Result<Option<T>, Failure> {
    match listed {
        Ok(list) => Ok(Some(list)),
        Err(PortalError::Unauthorized(_)) => Ok(None),
        Err(PortalError::Failed(f)) => Err(service_failure(&f)),
        Err(PortalError::TooLong(too_long)) => Err(Failure::other(too_long)),
    }
}

/// One of `labels` (at least one): the only one without asking (`only` says so), else, after
/// `There are N WHAT available to you.`, the one chosen from the list.
fn pick(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    labels: &[String],
    only: &str,
    what: &str,
) -> Result<usize, Failure> {
    if labels.len() == 1 {
        writeln!(streams.out, "{only}")?;
        return Ok(0);
    }
    writeln!(
        streams.out,
        "There are {} {what} available to you.",
        labels.len()
    )?;
    choose(machine, streams, labels)
}

/// One of `labels`, chosen with the arrow keys on a terminal, else by its number.
fn choose(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    labels: &[String],
) -> Result<usize, Failure> {
    streams.out.flush()?;
    if let Some(chosen) = machine
        .choose_on_terminal(labels)
        .map_err(|e| Failure::other(format!("cannot read the choice from the terminal: {e}")))?
    {
        return Ok(chosen);
    }
    let prompt = menu::numbered(labels);
    let mut shown = prompt.as_str();
    loop {
        let answer = read_answer(machine, streams, shown)?;
        if let Some(chosen) = menu::parse_choice(&answer, labels.len()) {
            return Ok(chosen);
        }
        writeln!(
            streams.err,
            "Not a choice: answer with a number from 1 to {}",
            labels.len()
        )?;
        // The list once; the question again.
        shown = &prompt[prompt.rfind('\n').map_or(0, |i| i + 1)..];
    }
}

/// Step 5: the profile's keys, then the session's, in one replacement of the config file.
fn write_profile<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    profile_name: &str,
    profile: &SsoProfile<'_>,
    registration: &Registration,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let keys = sso_profile_keys(profile);
    let changes: Vec<(&str, Change<'_>)> = keys
        .iter()
        .map(|(key, value)| (*key, Change::Set(value)))
        .collect();
    let profile_section = Section::profile(profile_name).to_string();
    let mut edits = Vec::new();
    if !changes.is_empty() {
        edits.push(Edit {
            section: &profile_section,
            changes: &changes,
        });
    }
    let session_changes;
    let session_section;
    if let (Some(name), true) = (&registration.session, registration.new_session) {
        session_changes = [
            ("sso_start_url", Change::Set(&registration.start_url)),
            ("sso_region", Change::Set(&registration.region)),
            (
                "sso_registration_scopes",
                Change::Set(registration.scopes.as_deref().unwrap_or(DEFAULT_SCOPES)),
            ),
        ];
        session_section = Section::Typed {
            kind: "sso-session",
            name,
        }
        .to_string();
        edits.push(Edit {
            section: &session_section,
            changes: &session_changes,
        });
    }
    shared_write::store(ctx, FileKind::Config, &edits, streams)?;
    Ok(())
}
