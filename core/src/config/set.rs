//! `configure set`'s decision: which file, which section and which key a NAME makes, as the AWS
//! CLI's `aws configure set` decides it (awscli/customizations/configure/set.py on its v2
//! branch). Pure: [`target`] takes the name, the profile in effect and an optional
//! `[sso-session]`/`[services]` section and says where the value goes; the caller makes the
//! [`super::write::Edit`] from it and stores it ([`super::store`]).
//!
//! The AWS CLI's rules, and so these:
//! - `KEY` goes to the profile in effect (`--profile`, else `AWS_PROFILE`), else `default`.
//! - `default.KEY` and `profile.NAME.KEY` name the profile; `plugins.KEY` the `[plugins]`
//!   section; any other `A.B` is the nested key `B` under `A` in the profile in effect
//!   (`s3.max_concurrent_requests`), as is `default.A.B` and `profile.NAME.A.B`.
//! - `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` and
//!   `aws_security_token` go to the credentials file, under the bare profile name, and the
//!   file's permissions are checked; everything else goes to the config file, under `default`,
//!   `plugins` or `profile NAME`, a name with whitespace shell-quoted (`profile 'my p'`).
//! - With an `[sso-session]` or `[services]` section, the key (`A` or `A.B`) goes there, in the
//!   config file; the section's name must start with a word character or one of `-/.%@:+`.
//!
//! Where credchain is deliberately stricter (docs/quirks.md, "configure set"): the AWS CLI
//! tests the first part of a name against `plugins` as a substring (so `p.x`, `in.x` and
//! `ugins.x` write into sections `[p]`, `[in]`, `[ugins]`, and a profile named `p` or `in` gets
//! a config section `[p]` that no reader takes for the profile); credchain takes only
//! `plugins` itself. A name with more parts than the form takes (`default.a.b.c`, `s3.a.b`,
//! `plugins.a.b`), which the AWS CLI silently writes as another key (`a`, `s3`, or the whole
//! name), is refused with the AWS CLI's own message for deep nesting; `profile.NAME` without
//! a key, where the AWS CLI fails with Python's IndexError, is refused saying what to write,
//! and so is a name with an empty part (`region.`, `a..b`), which the AWS CLI writes as a line
//! with no key (` = value`) that it then cannot read back.

use core::fmt;

use crate::FileKind;

/// The sections `configure set` writes by their own name rather than as a profile.
const PLUGINS: &str = "plugins";

/// The keys `configure set` writes to the credentials file.
pub const CREDENTIAL_KEYS: [&str; 4] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// A section of the config file that is not a profile, named with `--sso-session` or
/// `--services`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubsectionKind {
    /// `[sso-session NAME]` (`--sso-session`).
    SsoSession,
    /// `[services NAME]` (`--services`).
    Services,
}

impl SubsectionKind {
    /// The section type as written in the header, which is also the option's name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SubsectionKind::SsoSession => "sso-session",
            SubsectionKind::Services => "services",
        }
    }
}

/// A section header `configure set` writes, shown as it is written between the brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section<'a> {
    /// The name as it is: `default`, `plugins`, a credentials-file profile.
    Bare(&'a str),
    /// `TYPE NAME`, NAME shell-quoted when it holds whitespace (the AWS CLI's
    /// `get_section_header`): `profile dev`, `sso-session 'my corp'`.
    Typed {
        /// `profile`, `sso-session` or `services`.
        kind: &'static str,
        /// The name.
        name: &'a str,
    },
}

impl<'a> Section<'a> {
    /// The config-file section of the profile `name`: `default`, or `profile NAME` (the AWS
    /// CLI's `profile_to_section`, used by `configure` and `configure sso` too).
    #[must_use]
    pub fn profile(name: &'a str) -> Self {
        if name == "default" {
            Section::Bare(name)
        } else {
            Section::Typed {
                kind: "profile",
                name,
            }
        }
    }
}

impl fmt::Display for Section<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Section::Bare(name) => f.write_str(name),
            Section::Typed { kind, name } => {
                write!(f, "{kind} ")?;
                if name.contains([' ', '\t']) {
                    write_shell_quoted(f, name)
                } else {
                    f.write_str(name)
                }
            }
        }
    }
}

/// Python's `shlex.quote` of a text that needs quoting: in single quotes, each `'` written as
/// `'"'"'`.
fn write_shell_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("'")?;
    for (i, part) in text.split('\'').enumerate() {
        if i > 0 {
            f.write_str("'\"'\"'")?;
        }
        f.write_str(part)?;
    }
    f.write_str("'")
}

/// Where `configure set NAME VALUE` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The file.
    pub file: FileKind,
    /// The section.
    pub section: Section<'a>,
    /// The key.
    pub key: &'a str,
    /// For a nested value (`s3.max_concurrent_requests`): the sub-key written under `key =`.
    pub sub_key: Option<&'a str>,
}

impl Target<'_> {
    /// Whether the AWS CLI checks the file's permissions after this write (a credentials-file
    /// write: it warns when others may read the file).
    #[must_use]
    pub fn checks_permissions(&self) -> bool {
        self.file == FileKind::Credentials
    }
}

/// Why a name cannot be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetError<'a> {
    /// The `--sso-session` or `--services` name does not start with a word character or one
    /// of `-/.%@:+`.
    InvalidSubsectionName(SubsectionKind),
    /// The name has more parts than `configure set` writes.
    DeepNesting,
    /// `profile.NAME` with no key after it.
    ProfileWithoutKey(&'a str),
    /// The key or a part of the name is empty (`region.`, `.x`, `profile.dev.`, or `""`).
    EmptyPart(&'a str),
}

impl fmt::Display for SetError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The AWS CLI's message (which it prints with its "aws: [ERROR]: " prefix twice).
            SetError::InvalidSubsectionName(kind) => {
                write!(f, "Invalid value for --{}.", kind.name())
            }
            SetError::DeepNesting => f.write_str(
                "Found more than two parts in the property to set. Deep nesting of properties \
                 is not supported.",
            ),
            SetError::ProfileWithoutKey(name) => write!(
                f,
                "profile.{name} names a profile but no key to set; write profile.{name}.KEY"
            ),
            SetError::EmptyPart(name) => write!(
                f,
                "the name {name:?} has an empty key or part; write KEY, KEY.SUBKEY, \
                 default.KEY or profile.NAME.KEY"
            ),
        }
    }
}

/// Where `configure set NAME` writes, for the profile in effect `profile` (`--profile`, else
/// `AWS_PROFILE`; `None`: `default`) or, with `subsection`, in that `[sso-session]` or
/// `[services]` section.
///
/// # Errors
/// [`SetError`].
pub fn target<'a>(
    name: &'a str,
    profile: Option<&'a str>,
    subsection: Option<(SubsectionKind, &'a str)>,
) -> Result<Target<'a>, SetError<'a>> {
    if let Some((kind, section)) = subsection {
        if !section.chars().next().is_some_and(starts_subsection_name) {
            return Err(SetError::InvalidSubsectionName(kind));
        }
        if name.is_empty() || name.starts_with('.') || name.ends_with('.') {
            return Err(SetError::EmptyPart(name));
        }
        let (key, sub_key) = key_and_sub_key(name)?;
        return Ok(Target {
            file: FileKind::Config,
            section: Section::Typed {
                kind: kind.name(),
                name: section,
            },
            key,
            sub_key,
        });
    }
    if name.is_empty() || name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return Err(SetError::EmptyPart(name));
    }
    let in_effect = profile.unwrap_or("default");
    let (profile, key, sub_key) = match name.split_once('.') {
        None => (in_effect, name, None),
        Some(("default", rest)) => {
            let (key, sub_key) = key_and_sub_key(rest)?;
            ("default", key, sub_key)
        }
        Some(("profile", rest)) => {
            let Some((named, rest)) = rest.split_once('.') else {
                return Err(SetError::ProfileWithoutKey(rest));
            };
            let (key, sub_key) = key_and_sub_key(rest)?;
            (named, key, sub_key)
        }
        Some((PLUGINS, key)) if !key.contains('.') => (PLUGINS, key, None),
        Some((PLUGINS, _)) => return Err(SetError::DeepNesting),
        Some(_) => {
            let (key, sub_key) = key_and_sub_key(name)?;
            (in_effect, key, sub_key)
        }
    };
    let (file, section) = if CREDENTIAL_KEYS.contains(&key) {
        (FileKind::Credentials, Section::Bare(profile))
    } else if profile == PLUGINS && name.starts_with("plugins.") {
        (FileKind::Config, Section::Bare(profile))
    } else {
        (FileKind::Config, Section::profile(profile))
    };
    Ok(Target {
        file,
        section,
        key,
        sub_key,
    })
}

/// `A` or `A.B`; more parts are [`SetError::DeepNesting`].
fn key_and_sub_key(name: &str) -> Result<(&str, Option<&str>), SetError<'static>> {
    match name.split_once('.') {
        None => Ok((name, None)),
        Some((_, sub)) if sub.contains('.') => Err(SetError::DeepNesting),
        Some((key, sub)) => Ok((key, Some(sub))),
    }
}

/// The first character of a `--sso-session`/`--services` name, by the AWS CLI's
/// `re.match(r"[\w\d_\-/.%@:\+]+", name)` (anchored at the start only, so only the first
/// character counts): a word character (a letter, digit or underscore, Unicode ones included)
/// or one of `-/.%@:+`.
fn starts_subsection_name(c: char) -> bool {
    c.is_alphanumeric() || "_-/.%@:+".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn shown<'a>(t: &Target<'a>) -> (FileKind, std::string::String, &'a str, Option<&'a str>) {
        (t.file, t.section.to_string(), t.key, t.sub_key)
    }

    #[test]
    fn names_go_where_the_aws_cli_puts_them() {
        use FileKind::{Config, Credentials};
        // (name, profile in effect, (file, section, key, sub-key))
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            (FileKind, &'a str, &'a str, Option<&'a str>),
        );
        let cases: &[Case<'_>] = &[
            ("region", None, (Config, "default", "region", None)),
            (
                "region",
                Some("dev"),
                (Config, "profile dev", "region", None),
            ),
            (
                "region",
                Some("default"),
                (Config, "default", "region", None),
            ),
            (
                "region",
                Some("my dev"),
                (Config, "profile 'my dev'", "region", None),
            ),
            (
                "region",
                Some("it's me"),
                (Config, "profile 'it'\"'\"'s me'", "region", None),
            ),
            (
                "aws_access_key_id",
                Some("dev"),
                (Credentials, "dev", "aws_access_key_id", None),
            ),
            (
                "aws_security_token",
                None,
                (Credentials, "default", "aws_security_token", None),
            ),
            // Case counts, as in the AWS CLI.
            (
                "AWS_ACCESS_KEY_ID",
                None,
                (Config, "default", "AWS_ACCESS_KEY_ID", None),
            ),
            (
                "aws_session_token",
                Some("my dev"),
                (Credentials, "my dev", "aws_session_token", None),
            ),
            (
                "default.region",
                Some("dev"),
                (Config, "default", "region", None),
            ),
            (
                "default.s3.addressing_style",
                Some("dev"),
                (Config, "default", "s3", Some("addressing_style")),
            ),
            (
                "profile.other.region",
                Some("dev"),
                (Config, "profile other", "region", None),
            ),
            (
                "profile.other.aws_secret_access_key",
                None,
                (Credentials, "other", "aws_secret_access_key", None),
            ),
            (
                "profile.other.s3.x",
                None,
                (Config, "profile other", "s3", Some("x")),
            ),
            (
                "s3.max_concurrent_requests",
                Some("dev"),
                (Config, "profile dev", "s3", Some("max_concurrent_requests")),
            ),
            (
                "s3.max_concurrent_requests",
                None,
                (Config, "default", "s3", Some("max_concurrent_requests")),
            ),
            (
                "plugins.cli_legacy_plugin_path",
                Some("dev"),
                (Config, "plugins", "cli_legacy_plugin_path", None),
            ),
            // Only `plugins` itself is the plugins section (the AWS CLI tests a substring).
            ("p.x", Some("dev"), (Config, "profile dev", "p", Some("x"))),
            ("region", Some("p"), (Config, "profile p", "region", None)),
            (
                "region",
                Some("plugins"),
                (Config, "profile plugins", "region", None),
            ),
        ];
        for (name, profile, want) in cases {
            let got = target(name, *profile, None).unwrap();
            let (file, section, key, sub) = shown(&got);
            assert_eq!(
                (file, section.as_str(), key, sub),
                *want,
                "{name} {profile:?}"
            );
            assert_eq!(got.checks_permissions(), file == Credentials);
        }
    }

    #[test]
    fn subsections_take_the_key_and_one_nested_part() {
        let got = target(
            "sso_region",
            Some("dev"),
            Some((SubsectionKind::SsoSession, "corp")),
        )
        .unwrap();
        assert_eq!(
            shown(&got),
            (
                FileKind::Config,
                "sso-session corp".into(),
                "sso_region",
                None
            )
        );
        let got = target(
            "s3.endpoint_url",
            None,
            Some((SubsectionKind::Services, "my services")),
        )
        .unwrap();
        assert_eq!(
            shown(&got),
            (
                FileKind::Config,
                "services 'my services'".into(),
                "s3",
                Some("endpoint_url")
            )
        );
        // Credential keys stay in the config file there.
        let got = target(
            "aws_access_key_id",
            None,
            Some((SubsectionKind::Services, "x")),
        )
        .unwrap();
        assert_eq!(got.file, FileKind::Config);
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let sso = Some((SubsectionKind::SsoSession, "corp"));
        assert_eq!(target("a.b.c", None, sso), Err(SetError::DeepNesting));
        for name in ["default.a.b.c", "s3.a.b", "plugins.a.b", "profile.p.a.b.c"] {
            assert_eq!(
                target(name, None, None),
                Err(SetError::DeepNesting),
                "{name}"
            );
        }
        assert_eq!(
            target("profile.dev", None, None),
            Err(SetError::ProfileWithoutKey("dev"))
        );
        for name in [
            "",
            ".x",
            "region.",
            "profile.dev.",
            "a..b",
            "profile..region",
        ] {
            assert_eq!(
                target(name, None, None),
                Err(SetError::EmptyPart(name)),
                "{name}"
            );
        }
        assert_eq!(target("a.", None, sso), Err(SetError::EmptyPart("a.")));
        for bad in ["", " corp", "!x", "[x"] {
            let err = target("k", None, Some((SubsectionKind::Services, bad))).unwrap_err();
            assert_eq!(
                err,
                SetError::InvalidSubsectionName(SubsectionKind::Services)
            );
            assert_eq!(err.to_string(), "Invalid value for --services.");
        }
        // Only the first character counts, as in the AWS CLI's unanchored-at-the-end match.
        for good in [
            "corp", "_x", "-x", "/x", ".x", "%x", "@x", ":x", "+x", "ß", "1 2!",
        ] {
            assert!(
                target("k", None, Some((SubsectionKind::SsoSession, good))).is_ok(),
                "{good}"
            );
        }
        assert_eq!(
            SetError::DeepNesting.to_string(),
            "Found more than two parts in the property to set. Deep nesting of properties is not \
             supported."
        );
    }
}
