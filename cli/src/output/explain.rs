//! `explain`'s report as text for people and as JSON for programs.
//!
//! The text, for a profile whose keys are in the credentials file:
//!
//! ```text
//! Profile: static
//!   chosen by the --profile option
//!   defined in the config file and the credentials file
//!
//! Files:
//!   config file       ~/.aws/config (the default location)
//!   credentials file  ~/.aws/credentials (the default location)
//!
//! Credential providers, in the order the AWS CLI tries them (the first one that is
//! configured gives the credentials):
//!    1. environment variables       skipped: --profile was given (the AWS CLI then ignores AWS_ACCESS_KEY_ID)
//!    ...
//!    5. credentials file            chosen
//!    6. console login session       not tried
//!    ...
//!
//! How the credentials are obtained:
//!   1. use the keys written in the credentials file, profile static
//!        aws_access_key_id = ****************ATIC (~/.aws/credentials:2)
//!        aws_secret_access_key = (secret, not shown) (~/.aws/credentials:3)
//!
//! Region: eu-west-1 (from ~/.aws/config:5)
//!
//! Result: credentials obtained
//!   provider        5. credentials file (shared-credentials-file)
//!   access key id   ****************ATIC
//!   session token   none: long-term keys
//!   expires         not stated by the source
//! ```
//!
//! Paths under the home directory are written with `~`; the JSON has them in full.

use std::io::{self, Write};

use credchain_core::config::locate::PathOrigin;
use credchain_core::credentials::ProviderKind;
use credchain_core::{FileKind, Source};

use crate::commands::explain::{Outcome, ProviderStatus, Report, Shown};
use crate::output::json::Json;
use crate::output::style::{Paint, Style};

/// The width of the provider column.
const PROVIDER_WIDTH: usize = 28;

/// Writes the report as text. `home` abbreviates paths under it to `~`.
pub fn text(
    report: &Report<'_>,
    home: Option<&str>,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let place = |source: Source<'_>| place(source, home);

    // The profile.
    let profile = &report.profile;
    writeln!(out, "Profile: {}", profile.name)?;
    let chosen = match profile.chosen_by {
        Source::Option(option) => format!("chosen by the {option} option"),
        Source::EnvVar(var) => format!("chosen by the {var} environment variable"),
        _ => "the default: neither --profile, AWS_PROFILE nor AWS_DEFAULT_PROFILE names \
              another profile"
            .to_owned(),
    };
    writeln!(out, "  {chosen}")?;
    let defined = match (profile.in_config, profile.in_credentials) {
        (true, true) => "defined in the config file and the credentials file",
        (true, false) => "defined in the config file",
        (false, true) => "defined in the credentials file",
        (false, false) if report.region.is_some() => {
            "defined in neither file: it has no settings of its own"
        }
        (false, false) => "defined in neither file",
    };
    writeln!(out, "  {defined}")?;

    // The files.
    writeln!(out, "\nFiles:")?;
    for (kind, file) in &report.files {
        let label = match kind {
            FileKind::Config => "config file",
            FileKind::Credentials => "credentials file",
        };
        let origin = match file.origin {
            PathOrigin::EnvVar(var) => format!("from {var}"),
            PathOrigin::Default => "the default location".to_owned(),
            PathOrigin::NoHome => "no home directory is known".to_owned(),
        };
        let path = if file.path.is_empty() {
            "(none)".to_owned()
        } else {
            abbreviate(file.path, home)
        };
        let missing = if file.exists || file.path.is_empty() {
            ""
        } else if file.not_a_file {
            "; not a regular file, read as no file (as the AWS CLI does)"
        } else {
            "; no file there, read as empty"
        };
        writeln!(out, "  {label:<17} {path} ({origin}{missing})")?;
    }
    if !report.diagnostics.is_empty() {
        writeln!(out, "  skipped by the parser:")?;
        for d in &report.diagnostics {
            writeln!(
                out,
                "    {}:{}: `{}`: {}",
                abbreviate(d.path, home),
                d.line,
                d.what,
                d.reason.describe()
            )?;
        }
    }

    // The providers.
    writeln!(
        out,
        "\nCredential providers, in the order the AWS CLI tries them (the first one that is\n\
         configured gives the credentials):"
    )?;
    match &report.providers {
        Ok(providers) => {
            for (i, p) in providers.iter().enumerate() {
                let status = match p.status {
                    ProviderStatus::Skipped(reason) => style
                        .paint(Paint::Skipped, format!("skipped: {}", reason_text(reason)))
                        .to_string(),
                    ProviderStatus::Chosen => style.paint(Paint::Chosen, "chosen").to_string(),
                    ProviderStatus::NotTried => style.paint(Paint::Quiet, "not tried").to_string(),
                };
                writeln!(
                    out,
                    "  {:>2}. {:<PROVIDER_WIDTH$}{status}",
                    i + 1,
                    p.kind.describe()
                )?;
            }
        }
        Err(_) => writeln!(
            out,
            "  none is tried: the configuration cannot give credentials (see the result below)"
        )?,
    }

    // The steps.
    if !report.steps.is_empty() {
        writeln!(out, "\nHow the credentials are obtained:")?;
        for (i, step) in report.steps.iter().enumerate() {
            writeln!(out, "  {}. {}", i + 1, step.title)?;
            for input in &step.inputs {
                let value = match &input.value {
                    Shown::Plain(v) | Shown::Masked(v) => v.clone(),
                    Shown::Secret => "(secret, not shown)".to_owned(),
                    Shown::NotSet(then) => format!("not set: {then}"),
                };
                write!(out, "       {} = {value}", input.name)?;
                match input.source {
                    Some(Source::EnvVar(var)) if var == input.name => writeln!(out)?,
                    Some(source) => writeln!(out, " ({})", place(source))?,
                    None => writeln!(out)?,
                }
            }
            if let Some(note) = step.note {
                writeln!(out, "     note: {note}")?;
            }
        }
    }

    // The region.
    match &report.region {
        Some(Ok(Some(region))) => {
            let from = match region.source {
                Source::Option(option) => format!("the {option} option"),
                Source::EnvVar(var) => format!("the {var} environment variable"),
                source => place(source),
            };
            writeln!(out, "\nRegion: {} (from {from})", region.value)?;
        }
        Some(Ok(None)) => writeln!(
            out,
            "\nRegion: not set (no --region, AWS_REGION, AWS_DEFAULT_REGION or region in the \
             profile)\n  most AWS commands need one: set AWS_REGION, or add region to the profile"
        )?,
        Some(Err(error)) => writeln!(out, "\nRegion: {error}")?,
        None => {}
    }

    // The retries.
    match &report.retries {
        Some(Ok(r)) => {
            let from = |source: Source<'_>| match source {
                Source::Default => "default".to_string(),
                Source::EnvVar(var) => format!("from {var}"),
                source => format!("from {}", place(source)),
            };
            writeln!(
                out,
                "\nRetries: retry_mode {} ({}), max_attempts {} ({})\n  a failed STS, IAM Identity \
                 Center, SSO-OIDC or Sign-In call is tried at most {} time{} in all, waiting between \
                 attempts{}",
                r.config.mode.name(),
                from(r.mode_source),
                r.config.max_attempts,
                from(r.max_attempts_source),
                r.config.max_attempts,
                if r.config.max_attempts == 1 { "" } else { "s" },
                match r.config.mode {
                    credchain_core::services::retry::RetryMode::Standard => "",
                    credchain_core::services::retry::RetryMode::Adaptive => {
                        ", and for the client rate limiter after a throttling answer"
                    }
                }
            )?;
        }
        Some(Err(error)) => writeln!(out, "\nRetries: {error}")?,
        None => {}
    }

    // The result.
    match &report.outcome {
        Outcome::Obtained(obtained) => {
            let number = ProviderKind::ALL
                .iter()
                .position(|p| *p == obtained.provider)
                .map_or(0, |i| i + 1);
            writeln!(out, "\nResult: credentials obtained")?;
            writeln!(
                out,
                "  provider        {number}. {} ({})",
                obtained.provider.describe(),
                obtained.provider.awscli_name()
            )?;
            writeln!(out, "  access key id   {}", obtained.access_key_id)?;
            let token = if obtained.temporary {
                "yes: temporary credentials"
            } else {
                "none: long-term keys"
            };
            writeln!(out, "  session token   {token}")?;
            match obtained.expiration {
                Some(at) => writeln!(
                    out,
                    "  expires         {} ({})",
                    isoformat(at),
                    relative(at - report.now)
                )?,
                None => writeln!(out, "  expires         not stated by the source")?,
            }
            if let Some(account) = &obtained.account_id {
                writeln!(out, "  account         {account}")?;
            }
        }
        Outcome::Failed { message, status } => {
            writeln!(out, "\nResult: no credentials (exit status {status})")?;
            writeln!(out, "  {message}")?;
        }
    }
    Ok(())
}

/// The version of the JSON report's schema (docs/json-output.md): raised when a member changes
/// meaning or goes; members may be added without it.
pub const EXPLAIN_SCHEMA: i64 = 1;

/// The report as one JSON object (docs/json-output.md). Paths are written in full.
#[must_use]
pub fn json(report: &Report<'_>) -> Json {
    let source = |s: Option<Source<'_>>| Json::from(s.map(|s| s.to_string()));
    let profile = &report.profile;
    let chosen_by = match profile.chosen_by {
        Source::Default => Json::Null,
        source => Json::from(source.to_string()),
    };
    let files = report
        .files
        .iter()
        .map(|(kind, file)| {
            let origin = match file.origin {
                PathOrigin::EnvVar(var) => var,
                PathOrigin::Default => "default",
                PathOrigin::NoHome => "no-home",
            };
            Json::Object(vec![
                ("kind", kind.awscli_type().into()),
                ("path", file.path.into()),
                ("origin", origin.into()),
                ("exists", Json::Bool(file.exists)),
                ("not_a_file", Json::Bool(file.not_a_file)),
            ])
        })
        .collect();
    let warnings = report
        .diagnostics
        .iter()
        .map(|d| d.to_string().into())
        .collect();
    let (providers, plan_error) = match &report.providers {
        Ok(providers) => {
            let list = providers
                .iter()
                .map(|p| {
                    let (status, reason, code) = match p.status {
                        ProviderStatus::Skipped(r) => {
                            ("skipped", Json::from(reason_text(r)), Json::from(r.code()))
                        }
                        ProviderStatus::Chosen => ("chosen", Json::Null, Json::Null),
                        ProviderStatus::NotTried => ("not-tried", Json::Null, Json::Null),
                    };
                    Json::Object(vec![
                        ("provider", p.kind.awscli_name().into()),
                        ("description", p.kind.describe().into()),
                        ("status", status.into()),
                        ("reason", reason),
                        ("reason_code", code),
                    ])
                })
                .collect();
            (Json::Array(list), Json::Null)
        }
        Err(error) => (Json::Array(Vec::new()), Json::from(error.as_str())),
    };
    let steps = report
        .steps
        .iter()
        .map(|step| {
            let inputs = step
                .inputs
                .iter()
                .map(|input| {
                    let (value, secret) = match &input.value {
                        Shown::Plain(v) | Shown::Masked(v) => (Json::from(v.as_str()), false),
                        Shown::Secret => (Json::Null, true),
                        Shown::NotSet(_) => (Json::Null, false),
                    };
                    let unset = match &input.value {
                        Shown::NotSet(then) => Json::from(*then),
                        _ => Json::Null,
                    };
                    Json::Object(vec![
                        ("name", input.name.into()),
                        ("value", value),
                        ("secret", Json::Bool(secret)),
                        ("source", source(input.source)),
                        ("when_not_set", unset),
                    ])
                })
                .collect();
            Json::Object(vec![
                ("action", step.action.into()),
                ("description", step.title.as_str().into()),
                ("profile", step.profile.into()),
                ("inputs", Json::Array(inputs)),
                ("note", step.note.into()),
            ])
        })
        .collect();
    let (region, region_error) = match &report.region {
        Some(Ok(Some(r))) => (
            Json::Object(vec![
                ("value", r.value.into()),
                ("source", r.source.to_string().into()),
            ]),
            Json::Null,
        ),
        Some(Err(error)) => (Json::Null, Json::from(error.as_str())),
        Some(Ok(None)) | None => (Json::Null, Json::Null),
    };
    let (retries, retries_error) = match &report.retries {
        Some(Ok(r)) => (
            Json::Object(vec![
                (
                    "retry_mode",
                    Json::Object(vec![
                        ("value", r.config.mode.name().into()),
                        ("source", setting_source(r.mode_source)),
                    ]),
                ),
                (
                    "max_attempts",
                    Json::Object(vec![
                        ("value", Json::Int(i64::from(r.config.max_attempts))),
                        ("source", setting_source(r.max_attempts_source)),
                    ]),
                ),
            ]),
            Json::Null,
        ),
        Some(Err(error)) => (Json::Null, Json::from(error.as_str())),
        None => (Json::Null, Json::Null),
    };
    let credentials = match &report.outcome {
        Outcome::Obtained(obtained) => Json::Object(vec![
            ("obtained", Json::Bool(true)),
            ("provider", obtained.provider.awscli_name().into()),
            ("access_key_id", obtained.access_key_id.as_str().into()),
            ("session_token", Json::Bool(obtained.temporary)),
            ("expiration", obtained.expiration.map(isoformat).into()),
            ("account_id", obtained.account_id.as_deref().into()),
        ]),
        Outcome::Failed { message, status } => Json::Object(vec![
            ("obtained", Json::Bool(false)),
            ("error", message.as_str().into()),
            ("status", Json::Int(i64::from(*status))),
        ]),
    };
    Json::Object(vec![
        ("schema", Json::Int(EXPLAIN_SCHEMA)),
        (
            "profile",
            Json::Object(vec![
                ("name", profile.name.into()),
                ("chosen_by", chosen_by),
                ("in_config", Json::Bool(profile.in_config)),
                ("in_credentials", Json::Bool(profile.in_credentials)),
            ]),
        ),
        ("files", Json::Array(files)),
        ("warnings", Json::Array(warnings)),
        ("providers", providers),
        ("plan_error", plan_error),
        ("steps", Json::Array(steps)),
        ("region", region),
        ("region_error", region_error),
        ("retries", retries),
        ("retries_error", retries_error),
        ("credentials", credentials),
    ])
}

/// Where a setting came from, for JSON: `null` for its default.
fn setting_source(source: Source<'_>) -> Json {
    match source {
        Source::Default => Json::Null,
        source => source.to_string().into(),
    }
}

/// A skip reason without the core's leading "skipped because", which the report says itself.
fn reason_text(reason: credchain_core::chain::plan::SkipReason) -> &'static str {
    let text = reason.describe();
    text.strip_prefix("skipped because ").unwrap_or(text)
}

/// Where a value came from, with the home directory as `~`.
fn place(source: Source<'_>, home: Option<&str>) -> String {
    match source {
        Source::File { path, line, .. } => format!("{}:{line}", abbreviate(path, home)),
        source => source.to_string(),
    }
}

/// `path` with a leading home directory written as `~`.
fn abbreviate(path: &str, home: Option<&str>) -> String {
    let home = home
        .map(|h| h.trim_end_matches('/'))
        .filter(|h| !h.is_empty());
    if let Some(rest) = home.and_then(|h| path.strip_prefix(h)) {
        if rest.starts_with('/') {
            return format!("~{rest}");
        }
    }
    path.to_owned()
}

/// How far away a time is, roughly.
fn relative(seconds: i64) -> String {
    match seconds {
        s if s <= 0 => "already passed".to_owned(),
        s if s < 120 => format!("in {s} seconds"),
        s if s < 2 * 3600 => format!("in {} minutes", s / 60),
        s if s < 2 * 86400 => format!("in {} hours", s / 3600),
        s => format!("in {} days", s / 86400),
    }
}

/// An expiry in UTC, as the AWS CLI writes UTC times (`2099-01-02T03:04:05+00:00`).
fn isoformat(unix: i64) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = credchain_core::credentials::write_isoformat(&mut out, unix);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_is_written_as_a_tilde() {
        assert_eq!(
            abbreviate("/h/me/.aws/config", Some("/h/me")),
            "~/.aws/config"
        );
        assert_eq!(
            abbreviate("/h/me/.aws/config", Some("/h/me/")),
            "~/.aws/config"
        );
        assert_eq!(
            abbreviate("/h/mex/.aws/config", Some("/h/me")),
            "/h/mex/.aws/config"
        );
        assert_eq!(abbreviate("/etc/aws", Some("/")), "/etc/aws");
        assert_eq!(abbreviate("/etc/aws", None), "/etc/aws");
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(-5), "already passed");
        assert_eq!(relative(59), "in 59 seconds");
        assert_eq!(relative(3600), "in 60 minutes");
        assert_eq!(relative(5 * 3600), "in 5 hours");
        assert_eq!(relative(3 * 86400 + 1), "in 3 days");
    }
}
