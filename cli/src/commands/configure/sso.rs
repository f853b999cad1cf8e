//! `credchain configure sso-session`: the AWS CLI's prompts for an `[sso-session NAME]`
//! section (awscli/customizations/configure/sso.py), answered on standard input.
//!
//! - `SSO session name: ` (required), then `SSO start URL [CURRENT]: `, `SSO region
//!   [CURRENT]: ` and `SSO registration scopes [CURRENT]: `, CURRENT being the existing
//!   session's value (`None` when unset; the scopes default to `sso:account:access`). Answers
//!   are stripped; an empty one keeps the current value, and a required value with none is
//!   asked again.
//! - It writes the three keys to `[sso-session NAME]` (other keys there are kept), does not
//!   sign in, and prints how to.
//!
//! Not yet: `configure sso` itself, and the vanity start URL's region resolution (the region
//! is always asked).

use credchain_core::config::set::Section;
use credchain_core::config::write::{Change, Edit};
use credchain_core::FileKind;

use crate::commands::Context;
use crate::failure::Failure;
use crate::files::Diagnostics;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;

/// The scopes asked for when the session has none.
const DEFAULT_SCOPES: &str = "sso:account:access";

/// Runs `configure sso-session`.
pub fn run_session<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let name = ask(ctx.machine, streams, "SSO session name: ", None)?;
    let current = ctx.with_files(Diagnostics::Warn, streams, |shared, _| {
        let session = shared.files.sso_session(&name);
        let value = |key: &str| {
            session
                .and_then(|s| s.get(key))
                .map(|p| p.value.to_string())
                .filter(|v| !v.is_empty())
        };
        Ok([
            value("sso_start_url"),
            value("sso_region"),
            value("sso_registration_scopes"),
        ])
    })?;
    let [url, region, scopes] = current;
    let url = ask_with_current(ctx.machine, streams, "SSO start URL", url)?;
    let region = ask_with_current(ctx.machine, streams, "SSO region", region)?;
    let scopes = ask_with_current(
        ctx.machine,
        streams,
        "SSO registration scopes",
        Some(scopes.unwrap_or_else(|| DEFAULT_SCOPES.to_owned())),
    )?;
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

/// `TEXT [CURRENT]: `, the current value (`None` when unset) kept on an empty answer.
fn ask_with_current(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    text: &str,
    current: Option<String>,
) -> Result<String, Failure> {
    let prompt = format!("{text} [{}]: ", current.as_deref().unwrap_or("None"));
    ask(machine, streams, &prompt, current)
}

/// Asks `prompt` until the stripped answer, or else `current`, is not empty.
fn ask(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    prompt: &str,
    current: Option<String>,
) -> Result<String, Failure> {
    loop {
        streams.out.write_all(prompt.as_bytes())?;
        streams.out.flush()?;
        let answer = machine
            .read_line()
            .map_err(|e| Failure::Other(format!("cannot read the answer to \"{prompt}\": {e}")))?
            .ok_or_else(|| {
                Failure::Other(format!(
                    "standard input ended before the answer to \"{}\"; nothing was written",
                    prompt.trim_end()
                ))
            })?;
        let answer = answer.trim();
        if !answer.is_empty() {
            return Ok(answer.to_owned());
        }
        if let Some(current) = &current {
            return Ok(current.clone());
        }
    }
}
