//! `credchain configure` with no subcommand: the AWS CLI's four prompts
//! (awscli/customizations/configure/configure.py), answered on standard input, from a terminal
//! or a pipe alike.
//!
//! - When the profile has no value in either file, the AWS CLI's Tip comes first.
//! - Each prompt is `TEXT [CURRENT]: ` on stdout, the current value from the profile as both
//!   files give it (`None` when unset; the keys masked). The answer is the line as typed: an
//!   empty one, or one equal to the current value, changes nothing.
//! - `AWS Session Token` is asked only after a new access key id starting with `ASIA` (a
//!   temporary key), or, when no new key id was given, when the profile has a session token.
//!   A new key id that is not temporary deletes the profile's session token.
//! - Only when something changed: the keys go to the credentials file's `[PROFILE]` (id,
//!   secret, token, in that order), then the region and output to the config file's
//!   `[default]` or `[profile PROFILE]`, which is written even when only keys changed (so a
//!   missing config file is created with the section's header alone, as the AWS CLI does).
//! - Standard input ending before the last prompt is answered fails (255) and writes nothing
//!   (the AWS CLI fails there too, with Python's empty EOFError).

use credchain_core::config::evaluate::select_profile;
use credchain_core::config::write::{Change, Edit};
use credchain_core::{FileKind, Source};

use crate::commands::Context;
use crate::failure::Failure;
use crate::files::Diagnostics;
use crate::machine::Machine;
use crate::output::secret::mask;
use crate::output::Streams;
use crate::shared_write;
use credchain_core::config::set::Section;

/// The AWS CLI's Tip for a profile with no value yet (printed as it prints it: with a blank
/// line before and after).
const TIP: &str = "\nTip: You can deliver temporary credentials to the AWS CLI using your AWS \
                   Console session by running the command 'aws login'.\n\n";

/// The values asked for, in order: the key and the prompt's text.
const PROMPTS: [(&str, &str); 5] = [
    (ACCESS_KEY_ID, "AWS Access Key ID"),
    (SECRET_ACCESS_KEY, "AWS Secret Access Key"),
    (SESSION_TOKEN, "AWS Session Token"),
    ("region", "Default region name"),
    ("output", "Default output format"),
];

const ACCESS_KEY_ID: &str = "aws_access_key_id";
const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
const SESSION_TOKEN: &str = "aws_session_token";

/// What the answers change: each key once, in prompt order; `None` deletes the key.
type Changes = Vec<(&'static str, Option<String>)>;

/// Runs the interactive `configure`.
pub fn run<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let (name, source) = select_profile(ctx.options, ctx.machine.env());
    let name = name.to_owned();
    let changes = ctx.with_files(Diagnostics::Warn, streams, |shared, streams| {
        let profile = shared.files.profile(&name);
        let current = |key: &str| {
            profile
                .and_then(|p| p.get(key))
                .map(|p| p.value.to_string())
        };
        if profile.is_none_or(|p| p.properties().next().is_none()) {
            streams.out.write_all(TIP.as_bytes())?;
        }
        ask_all(ctx.machine, streams, &current)
    })?;
    if changes.is_empty() {
        return Ok(());
    }
    // `configure` names the section by the profile the session has (`--profile`, a variable);
    // none is `default`.
    let profile = if source == Source::Default {
        "default"
    } else {
        name.as_str()
    };
    let (keys, settings): (Vec<_>, Vec<_>) = changes
        .iter()
        .map(|(key, value)| (*key, change(value.as_deref())))
        .partition(|(key, _)| [ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN].contains(key));
    if !keys.is_empty() {
        let edit = Edit {
            section: profile,
            changes: &keys,
        };
        shared_write::store(ctx, FileKind::Credentials, &[edit], streams)?;
    }
    let section = Section::profile(profile).to_string();
    let edit = Edit {
        section: &section,
        changes: &settings,
    };
    shared_write::store(ctx, FileKind::Config, &[edit], streams)?;
    Ok(())
}

/// The change an answer makes: `None` deletes the key.
fn change(value: Option<&str>) -> Change<'_> {
    value.map_or(Change::Remove, Change::Set)
}

/// Asks each prompt in turn and returns what the answers change; `current` gives the
/// profile's value of a key.
fn ask_all(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    current: &dyn Fn(&str) -> Option<String>,
) -> Result<Changes, Failure> {
    let has_token = current(SESSION_TOKEN).is_some_and(|t| !t.is_empty());
    let mut changes: Changes = Vec::new();
    for (key, text) in PROMPTS {
        let new_key_id = changes
            .iter()
            .find(|(k, _)| *k == ACCESS_KEY_ID)
            .and_then(|(_, v)| v.as_deref());
        if key == SESSION_TOKEN && !asks_for_token(new_key_id, has_token) {
            continue;
        }
        let value = current(key);
        let shown = match (&value, key) {
            (None, _) => "None".to_owned(),
            (Some(v), ACCESS_KEY_ID | SECRET_ACCESS_KEY | SESSION_TOKEN) => mask(v),
            (Some(v), _) => v.clone(),
        };
        let prompt = format!("{text} [{shown}]: ");
        let answer = super::answer(machine, streams, &prompt, text)?;
        if !answer.is_empty() && Some(&answer) != value.as_ref() {
            changes.push((key, Some(answer)));
        }
    }
    let new_key_id = changes
        .iter()
        .find(|(k, _)| *k == ACCESS_KEY_ID)
        .and_then(|(_, v)| v.as_deref());
    if new_key_id.is_some_and(|id| !is_temporary(id)) && has_token {
        changes.retain(|(k, _)| *k != SESSION_TOKEN);
        changes.push((SESSION_TOKEN, None));
    }
    Ok(changes)
}

/// Whether to ask for the session token: after a new temporary key id, or, with no new key
/// id, when the profile has a token.
fn asks_for_token(new_key_id: Option<&str>, has_token: bool) -> bool {
    match new_key_id {
        Some(id) => is_temporary(id),
        None => has_token,
    }
}

/// A temporary (STS) access key id.
fn is_temporary(key_id: &str) -> bool {
    key_id.starts_with("ASIA")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_asked_for_as_the_aws_cli_asks() {
        assert!(asks_for_token(Some("ASIAEXAMPLE"), false));
        assert!(!asks_for_token(Some("AKIAEXAMPLE"), true));
        assert!(asks_for_token(None, true));
        assert!(!asks_for_token(None, false));
    }
}
