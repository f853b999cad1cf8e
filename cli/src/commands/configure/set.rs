//! `credchain configure set NAME VALUE`: one value written to the file and section the AWS
//! CLI's `aws configure set` (awscli/customizations/configure/set.py) writes it to.
//!
//! Where the value goes:
//! - `--sso-session S` / `--services S`: the config file's `[sso-session S]` / `[services S]`;
//!   `a.b` is the nested `a =` / `    b = VALUE`, three parts are refused (252).
//! - `KEY`: the active profile (`--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`);
//!   `KEY.SUB`: nested under `KEY` in it.
//! - `default.KEY[.SUB]`, `profile.NAME.KEY[.SUB]`: that profile.
//! - `plugins.KEY`: the `[plugins]` section.
//! - The four credential keys (`aws_access_key_id`, `aws_secret_access_key`,
//!   `aws_session_token`, `aws_security_token`) go to the credentials file under `[PROFILE]`;
//!   anything else to the config file under `[default]` or `[profile PROFILE]`.
//!
//! A deliberate difference (docs/quirks.md): the AWS CLI tests a section name against
//! `'plugins'` as a substring, so a profile named `plug`, `in` or `s` is written as `[plug]`
//! rather than `[profile plug]`, where no reader finds it; credchain compares the whole name.

use credchain_core::config::evaluate::select_profile;
use credchain_core::config::write::{Change, Edit};
use credchain_core::{FileKind, Source};

use super::{profile_section, section_header};
use crate::args::SetArgs;
use crate::commands::Context;
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;

/// The keys `configure set` writes to the credentials file (set.py's `_WRITE_TO_CREDS_FILE`).
pub const CREDENTIAL_KEYS: [&str; 4] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// The one section that is neither a profile nor a subsection (set.py's
/// `PREDEFINED_SECTION_NAMES`).
const PLUGINS: &str = "plugins";

/// Where one value goes.
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    file: FileKind,
    section: String,
    key: &'a str,
    /// The sub-key of a nested value.
    sub: Option<&'a str>,
}

/// Runs `configure set`.
pub fn run<M: Machine + ?Sized>(
    args: &SetArgs,
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let target = match subsection(args)? {
        Some((kind, name)) => subsection_target(kind, name, &args.name)?,
        None => {
            let (active, source) = select_profile(ctx.options, ctx.machine.env());
            let session_profile = (source != Source::Default).then_some(active);
            profile_target(&args.name, session_profile)?
        }
    };
    let nested = target.sub.map(|sub| [(sub, args.value.as_str())]);
    let change = match &nested {
        Some(nested) => Change::Nested(nested),
        None => Change::Set(&args.value),
    };
    let edit = Edit {
        section: &target.section,
        changes: &[(target.key, change)],
    };
    shared_write::store(ctx, target.file, &[edit], streams)?;
    Ok(())
}

/// The `--sso-session` or `--services` section named, checked as the AWS CLI checks it.
fn subsection(args: &SetArgs) -> Result<Option<(&'static str, &str)>, Failure> {
    match (&args.sso_session, &args.services) {
        (Some(_), Some(_)) => Err(Failure::param_validation(
            "The key \"services\" cannot be specified when one of the following keys are also \
             specified: sso_session",
        )),
        (Some(name), None) => checked_subsection("sso-session", name).map(Some),
        (None, Some(name)) => checked_subsection("services", name).map(Some),
        (None, None) => Ok(None),
    }
}

/// The AWS CLI's check of a subsection name, `re.match(r"[\w\d_\-/.%@:\+]+", name)`: only
/// its first character is tested (the pattern is anchored at the start alone).
fn checked_subsection<'a>(
    kind: &'static str,
    name: &'a str,
) -> Result<(&'static str, &'a str), Failure> {
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || "_-/.%@:+".contains(c));
    if first_ok {
        Ok((kind, name))
    } else {
        Err(Failure::param_validation(format_args!(
            "Invalid value for --{kind}."
        )))
    }
}

/// The target in a subsection: its header, and `a.b` as a nested value.
fn subsection_target<'a>(kind: &str, name: &str, varname: &'a str) -> Result<Target<'a>, Failure> {
    let mut parts = varname.split('.');
    let key = parts.next().unwrap_or_default();
    let sub = parts.next();
    if parts.next().is_some() {
        return Err(Failure::param_validation(
            "Found more than two parts in the property to set. Deep nesting of properties is \
             not supported.",
        ));
    }
    Ok(Target {
        file: FileKind::Config,
        section: section_header(kind, name),
        key,
        sub,
    })
}

/// The target of `varname` outside subsections; `session_profile` is the profile named by
/// `--profile` or a variable, `None` when none is.
fn profile_target<'a>(
    varname: &'a str,
    session_profile: Option<&'a str>,
) -> Result<Target<'a>, Failure> {
    let session = session_profile.unwrap_or("default");
    let parts: Vec<&'a str> = varname.split('.').collect();
    let (profile, key, sub) = match parts.as_slice() {
        [key] => (session, *key, None),
        ["default", remaining @ ..] => in_profile(varname, "default", remaining)?,
        ["profile", profile, remaining @ ..] => in_profile(varname, profile, remaining)?,
        [PLUGINS, key] => (PLUGINS, *key, None),
        // `plugins.a.b`: the AWS CLI writes the whole name as the key of the default profile.
        [PLUGINS, ..] => ("default", varname, None),
        [key, rest @ ..] => (session, *key, (rest.len() == 1).then(|| rest[0])),
        [] => (session, varname, None),
    };
    let (file, section) = if CREDENTIAL_KEYS.contains(&key) {
        (FileKind::Credentials, profile.to_owned())
    } else if profile == PLUGINS {
        (FileKind::Config, profile.to_owned())
    } else {
        (FileKind::Config, profile_section(profile))
    };
    Ok(Target {
        file,
        section,
        key,
        sub,
    })
}

/// The profile, key and sub-key of `default.KEY[.SUB]` or `profile.NAME.KEY[.SUB]`: as the
/// AWS CLI reads them, a part after the sub-key is dropped.
fn in_profile<'a>(
    varname: &str,
    profile: &'a str,
    remaining: &[&'a str],
) -> Result<(&'a str, &'a str, Option<&'a str>), Failure> {
    match remaining {
        [] => Err(no_key(varname)),
        [key, sub] => Ok((profile, key, Some(sub))),
        [key, ..] => Ok((profile, key, None)),
    }
}

/// `profile.NAME` with no key after the profile (the AWS CLI fails there with
/// Python's IndexError).
fn no_key(varname: &str) -> Failure {
    Failure::Other(format!(
        "{varname} names a profile but no key; write profile.NAME.KEY (or default.KEY)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(varname: &str, session: Option<&str>) -> (FileKind, String, String, Option<String>) {
        let t = profile_target(varname, session).unwrap();
        (
            t.file,
            t.section,
            t.key.to_owned(),
            t.sub.map(str::to_owned),
        )
    }

    fn config(
        section: &str,
        key: &str,
        sub: Option<&str>,
    ) -> (FileKind, String, String, Option<String>) {
        (
            FileKind::Config,
            section.to_owned(),
            key.to_owned(),
            sub.map(str::to_owned),
        )
    }

    #[test]
    fn names_go_where_the_aws_cli_puts_them() {
        assert_eq!(target("region", None), config("default", "region", None));
        assert_eq!(
            target("region", Some("dev")),
            config("profile dev", "region", None)
        );
        assert_eq!(
            target("region", Some("my dev")),
            config("profile 'my dev'", "region", None)
        );
        assert_eq!(
            target("s3.addressing_style", Some("dev")),
            config("profile dev", "s3", Some("addressing_style"))
        );
        assert_eq!(
            target("default.region", Some("dev")),
            config("default", "region", None)
        );
        assert_eq!(
            target("profile.other.s3.x", None),
            config("profile other", "s3", Some("x"))
        );
        assert_eq!(
            target("profile.other.a.b.c", None),
            config("profile other", "a", None)
        );
        assert_eq!(
            target("plugins.cli_legacy_plugin_path", Some("dev")),
            config("plugins", "cli_legacy_plugin_path", None)
        );
        assert_eq!(
            target("plugins.a.b", None),
            config("default", "plugins.a.b", None)
        );
        assert_eq!(target("a.b.c", None), config("default", "a", None));
        // The whole name, not a substring of "plugins".
        assert_eq!(
            target("region", Some("in")),
            config("profile in", "region", None)
        );
    }

    #[test]
    fn credential_keys_go_to_the_credentials_file_under_the_bare_name() {
        for key in CREDENTIAL_KEYS {
            let t = profile_target(key, Some("my dev")).unwrap();
            assert_eq!(
                (t.file, t.section.as_str()),
                (FileKind::Credentials, "my dev")
            );
        }
        let t = profile_target("profile.x.aws_security_token", None).unwrap();
        assert_eq!((t.file, t.section.as_str()), (FileKind::Credentials, "x"));
        let t = profile_target("AWS_ACCESS_KEY_ID", None).unwrap();
        assert_eq!(t.file, FileKind::Config);
    }

    #[test]
    fn a_profile_with_no_key_is_refused() {
        assert!(profile_target("profile.x", None).is_err());
        assert!(profile_target("profile.", None).is_err());
        assert!(profile_target("default.", None).is_ok());
        assert!(profile_target("default", None).is_ok());
    }

    #[test]
    fn subsection_names_are_checked_at_their_first_character() {
        assert!(checked_subsection("sso-session", "corp").is_ok());
        assert!(checked_subsection("sso-session", "é x!").is_ok());
        assert!(checked_subsection("sso-session", "c!!").is_ok());
        assert!(checked_subsection("sso-session", "!c").is_err());
        assert!(checked_subsection("services", "").is_err());
        assert!(checked_subsection("services", " a").is_err());
    }
}
