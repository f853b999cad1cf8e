//! `credchain sso profiles`: every account and role the signed-in IAM Identity Center user can
//! reach, and with `--write` one profile for each (beyond the AWS CLI, which configures one
//! profile at a time with `aws configure sso`).
//!
//! The token is the cached one of the profile's session, or of `--sso-session` (refreshed as
//! the credential chain refreshes it); the accounts come from ListAccounts and each account's
//! roles from ListAccountRoles, every page, in `configure sso`'s order. The names, the
//! profiles already there and `--force` are the core's plan
//! ([`credchain_core::signin::profiles::plan_profiles`]); every profile is written in one
//! replacement of the config file. Without `--write` nothing is written: the plan is printed.

use credchain_core::chain::plan::TokenSource;
use credchain_core::chain::providers::sso::token;
use credchain_core::config::set::Section;
use credchain_core::config::write::{Change, Edit};
use credchain_core::io::block_on;
use credchain_core::services::endpoint;
use credchain_core::services::exchange::{FailedExchange, ServiceTarget};
use credchain_core::services::retry;
use credchain_core::services::sso_portal::{self, Account, PortalError};
use credchain_core::signin::profiles::{
    check_template, plan_profiles, sort_accounts, sort_roles, sso_profile_keys, PlanAction,
    PlannedProfile, SsoProfile, SsoSource, DEFAULT_NAME_TEMPLATE,
};
use credchain_core::signin::sso::login_config;
use credchain_core::{FileKind, Source, Sourced};

use crate::chain::network_status;
use crate::commands::signin_flow::service_failure;
use crate::commands::sso::{profile_not_found, ProfilesArgs};
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;

/// Runs `sso profiles`.
impl<M: Machine + ?Sized> Run<M> for ProfilesArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let template = self.name.as_deref().unwrap_or(DEFAULT_NAME_TEMPLATE);
        check_template(template).map_err(|e| Failure::param_validation(format!("--name: {e}")))?;
        ctx.with_evaluator(streams, profile_not_found, |eval, streams| {
            let config =
                login_config(eval, self.sso_session.as_deref()).map_err(Failure::configuration)?;
            let login_hint = match config.session {
                Some(session) => format!("credchain sso login --sso-session {session}"),
                None => format!("credchain sso login --profile {}", config.profile),
            };
            let source = TokenSource {
                profile: config.profile,
                session: config.session.map(|value| Sourced {
                    value,
                    source: Source::Default,
                }),
                start_url: config.start_url,
                region: config.region,
            };
            let io = ctx.machine.io();
            let token = block_on(token(eval, io.fs, io.http, io.clock, &source, io.platform))
                .map_err(|e| {
                    Failure::with_status(
                        network_status(e.service_failure()),
                        format!("{e}\nTo sign in with credchain: {login_hint}"),
                    )
                })?;
            let endpoint = endpoint::resolve(eval, &endpoint::SSO, Some(config.region))
                .map_err(Failure::configuration)?;
            let to = ServiceTarget {
                http: io.http,
                clock: io.clock,
                retry: retry::settings(eval).map_err(Failure::other)?.config,
                endpoint: &endpoint,
            };
            let portal = |e: PortalError| match e {
                PortalError::Unauthorized(f) => Failure::with_status(
                    crate::failure::SERVICE_ERROR,
                    format!("{f}; the session has expired or was ended: {login_hint}"),
                ),
                PortalError::Failed(f) => service_failure(&f),
                PortalError::TooLong(too_long) => Failure::other(too_long),
            };
            let mut accounts =
                block_on(sso_portal::list_accounts(&to, token.access_token())).map_err(portal)?;
            sort_accounts(&mut accounts);
            let mut roles: Vec<(Account, Vec<String>)> = Vec::with_capacity(accounts.len());
            for account in accounts {
                let mut names = block_on(sso_portal::list_account_roles(
                    &to,
                    token.access_token(),
                    &account.account_id,
                ))
                .map_err(portal)?;
                sort_roles(&mut names);
                roles.push((account, names));
            }
            let pairs = roles
                .iter()
                .flat_map(|(account, names)| names.iter().map(move |r| (account, r.as_str())));
            let files = eval.files();
            let existing = |name: &str| files.profile(name).is_some();
            let plan = plan_profiles(
                pairs,
                config.session.unwrap_or(""),
                template,
                &existing,
                self.force,
            )
            .map_err(|e| Failure::param_validation(format!("--name: {e}")))?;
            let sso_source = match config.session {
                Some(session) => SsoSource::Session(session),
                None => SsoSource::Legacy {
                    start_url: config.start_url.value,
                    sso_region: config.region.value,
                },
            };
            if self.write {
                write_plan(ctx, &plan, sso_source, streams)?;
            }
            report(&plan, self.write, streams)
        })
    }
}

/// Writes every added or replaced profile of `plan` in one replacement of the config file.
fn write_plan<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    plan: &[PlannedProfile],
    source: SsoSource<'_>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let written: Vec<&PlannedProfile> = plan
        .iter()
        .filter(|p| matches!(p.action, PlanAction::Add | PlanAction::Replace))
        .collect();
    if written.is_empty() {
        return Ok(());
    }
    // Each profile's section and keys, then the edits borrowing them.
    let keys: Vec<(String, Vec<(&str, Change<'_>)>)> = written
        .iter()
        .map(|p| {
            let profile = SsoProfile {
                source,
                account_id: Some(&p.account_id),
                role_name: Some(&p.role_name),
                region: None,
                output: None,
            };
            let changes = sso_profile_keys(&profile)
                .into_iter()
                .map(|(key, value)| (key, Change::Set(value)))
                .collect();
            (Section::profile(&p.name).to_string(), changes)
        })
        .collect();
    let edits: Vec<Edit<'_>> = keys
        .iter()
        .map(|(section, changes)| Edit { section, changes })
        .collect();
    shared_write::store(ctx, FileKind::Config, &edits, streams)?;
    Ok(())
}

/// One line per account and role, then the totals.
fn report(plan: &[PlannedProfile], wrote: bool, streams: &mut Streams<'_>) -> Result<(), Failure> {
    let (mut added, mut replaced, mut kept, mut unnamed) = (0usize, 0usize, 0usize, 0usize);
    for p in plan {
        let what = format!("account {}, role {}", p.account_id, p.role_name);
        let line = match (p.action, wrote) {
            (PlanAction::Add, true) => format!("added     {}  ({what})", p.name),
            (PlanAction::Add, false) => format!("would add {}  ({what})", p.name),
            (PlanAction::Replace, true) => format!("replaced  {}  ({what})", p.name),
            (PlanAction::Replace, false) => format!("would replace {}  ({what})", p.name),
            (PlanAction::KeepExisting, _) => {
                format!(
                    "kept      {}  ({what}): the profile exists; --force replaces it",
                    p.name
                )
            }
            (PlanAction::NoName, _) => {
                format!("skipped   ({what}): the name template gives no usable profile name")
            }
        };
        match p.action {
            PlanAction::Add => added += 1,
            PlanAction::Replace => replaced += 1,
            PlanAction::KeepExisting => kept += 1,
            PlanAction::NoName => unnamed += 1,
        }
        writeln!(streams.out, "{line}")?;
    }
    let verb = if wrote { "" } else { "would be " };
    write!(
        streams.out,
        "{} accounts and roles: {added} profiles {verb}added, {replaced} {verb}replaced, {kept} \
         kept, {unnamed} without a name.",
        plan.len()
    )?;
    if wrote {
        writeln!(streams.out)?;
    } else {
        writeln!(
            streams.out,
            " Nothing was written: add --write to write them."
        )?;
    }
    Ok(())
}
