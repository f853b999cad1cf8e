//! `credchain configure get | list | list-profiles`: the AWS CLI's `aws configure` read
//! commands, over the core's evaluator. Nothing here writes.

use std::io::Write;

use credchain_core::config::evaluate::{configure_get, EvaluateError, Evaluator};
use credchain_core::config::parse::Value;
use credchain_core::config::settings::{Setting, SETTINGS};
use credchain_core::io::Env;
use credchain_core::Source;

use crate::args::GetArgs;
use crate::chain;
use crate::commands::explain::wants_json;
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::files::Diagnostics;
use crate::machine::Machine;
use crate::output::secret::mask;
use crate::output::table::{self, one_line, Row};
use crate::output::Streams;

/// A profile that neither file defines, as `configure get` and `configure list` report it: a
/// plain failure (255).
fn unknown_profile(error: EvaluateError<'_>) -> Failure {
    Failure::other(error)
}

/// `configure get NAME`: the profile's value (never the environment's), or status 1 when unset.
impl<M: Machine + ?Sized> Run<M> for GetArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        ctx.with_evaluator(streams, unknown_profile, |eval, streams| {
            let value = configure_get(eval, &self.name)
                .map_err(Failure::other)?
                .ok_or(Failure::Status(1))?;
            write_value(&value.value, streams.out)?;
            Ok(())
        })
    }
}

/// Writes a value as `configure get` prints it: a nested value as its `name = value` lines,
/// any other value as it is (continuation lines on lines of their own).
fn write_value(value: &Value<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    if value.is_nested() {
        for (name, value) in value.sub_properties() {
            writeln!(out, "{name} = {value}")?;
        }
        return Ok(());
    }
    writeln!(out, "{value}")
}

/// `configure list`: the AWS CLI's four rows, then every other setting that is set.
pub fn list<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    ctx.with_evaluator(streams, unknown_profile, |eval, streams| {
        let active = eval.active_profile();
        let profile = match active.source {
            Source::Default => Row::not_set("profile"),
            source => Row::new("profile", active.name.to_owned(), source),
        };
        let [access_key, secret_key] = key_rows(ctx.machine, eval, streams)?;
        let mut rows = vec![
            profile,
            access_key,
            secret_key,
            setting_row(eval, Setting::Region, streams)?.unwrap_or(Row::not_set("region")),
        ];
        for spec in SETTINGS {
            if matches!(spec.setting, Setting::Profile | Setting::Region) {
                continue;
            }
            rows.extend(setting_row(eval, spec.setting, streams)?);
        }
        if wants_json(ctx.options) {
            writeln!(streams.out, "{}", table::json(&rows).pretty())?;
        } else {
            table::write(&rows, streams.out)?;
        }
        Ok(())
    })
}

/// The access_key and secret_key rows, from the credential chain (plan and execute, as
/// `aws configure list` resolves them): masked, with the provider as TYPE and the place that
/// configured it as LOCATION. Credentials that cannot be resolved read `<not set>`, and the
/// reason is a warning.
fn key_rows<'s, E: Env + ?Sized>(
    machine: &(impl Machine + ?Sized),
    eval: &Evaluator<'s, 's, E>,
    streams: &mut Streams<'_>,
) -> Result<[Row; 2], Failure> {
    let rows = match chain::resolve(machine, eval) {
        Ok((plan, credentials)) => {
            let provider = credentials.provider().awscli_name();
            let (access_at, secret_at) = plan
                .chain
                .as_ref()
                .map(|chain| chain::key_locations(chain, eval.env()))
                .unwrap_or_default();
            [
                Row::with_type(
                    "access_key",
                    mask(credentials.access_key_id()),
                    provider,
                    access_at,
                ),
                Row::with_type(
                    "secret_key",
                    mask(credentials.secret_access_key()),
                    provider,
                    secret_at,
                ),
            ]
        }
        Err(error @ chain::ChainError::NoProvider { .. }) => {
            streams.warn(error)?;
            [Row::not_set("access_key"), Row::not_set("secret_key")]
        }
        Err(error) => {
            streams.warn(format_args!("cannot resolve credentials: {error}"))?;
            [Row::not_set("access_key"), Row::not_set("secret_key")]
        }
    };
    Ok(rows)
}

/// The row of a setting that is set (not by its default). An invalid region is shown as it is
/// written, with a warning: `configure list` reports, it does not refuse.
fn setting_row<E: Env + ?Sized>(
    eval: &Evaluator<'_, '_, E>,
    setting: Setting,
    streams: &mut Streams<'_>,
) -> Result<Option<Row>, Failure> {
    let name = setting.spec().name;
    match eval.resolve(setting) {
        Ok(Some(resolved)) if resolved.source != Source::Default => Ok(Some(Row::new(
            name,
            one_line(&resolved.value),
            resolved.source,
        ))),
        Ok(_) => Ok(None),
        Err(error @ EvaluateError::InvalidRegion { value, source }) => {
            streams.warn(error)?;
            Ok(Some(Row::new(name, value.to_owned(), source)))
        }
        Err(error) => Err(Failure::other(error)),
    }
}

/// `configure list-profiles`: config-file profiles, then credentials-only ones, each once.
pub fn list_profiles<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    ctx.with_files(Diagnostics::Warn, streams, |shared, streams| {
        for name in shared.files.profile_names() {
            writeln!(streams.out, "{name}")?;
        }
        Ok(())
    })
}
