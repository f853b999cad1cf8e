//! Evaluate: every setting resolved by precedence, with the [`Source`] of its value.
//!
//! Precedence, highest first: the command-line option, the environment variables in the table's
//! order, the key in the active profile (credentials file over config file), the default. The
//! active profile is chosen the same way: `--profile` > `AWS_PROFILE` > `AWS_DEFAULT_PROFILE` >
//! `default`. A profile named by any of the first three must exist, as in the AWS CLI
//! (`ProfileNotFound`); an absent `default` profile is an empty one.
//!
//! AWS CLI details matched: `--profile ""` counts as not given, while `AWS_PROFILE=""` names a
//! profile called "" (which does not exist). Other variables set to the empty string count as
//! unset (the AWS CLI does so for `AWS_REGION` and `AWS_DEFAULT_REGION`; credchain extends it to
//! every setting, since an empty value is never valid for them). A region that is not a valid
//! host label is [`EvaluateError::InvalidRegion`], before anything uses it.

use core::fmt;

use crate::config::parse::{ConfigFiles, Profile, Value};
use crate::config::settings::{Setting, SETTINGS};
use crate::io::Env;
use crate::Source;

/// Command-line options, by setting.
#[derive(Debug, Clone, Default)]
pub struct Options<'o> {
    values: [Option<&'o str>; SETTING_COUNT],
}

const SETTING_COUNT: usize = 31;
const _: () = assert!(SETTINGS.len() == SETTING_COUNT);

impl<'o> Options<'o> {
    /// Sets the option of `setting` (its `cli_option`) to `value`.
    #[must_use]
    pub fn with(mut self, setting: Setting, value: &'o str) -> Self {
        self.set(setting, value);
        self
    }

    /// Sets the option of `setting` to `value`.
    pub fn set(&mut self, setting: Setting, value: &'o str) {
        self.values[setting as usize] = Some(value);
    }

    /// The option given for `setting`.
    #[must_use]
    pub fn get(&self, setting: Setting) -> Option<&'o str> {
        self.values[setting as usize]
    }
}

/// A resolved value with where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The value (possibly multi-line when it comes from a file).
    pub value: Value<'a>,
    /// Where it came from.
    pub source: Source<'a>,
}

/// The active profile and why it is active.
#[derive(Debug, Clone, Copy)]
pub struct ActiveProfile<'s, 'a> {
    /// The profile's name.
    pub name: &'s str,
    /// Where the name came from (`Source::Default` for the implicit `default`).
    pub source: Source<'static>,
    /// The profile's sections, when either file defines it.
    pub profile: Option<Profile<'s, 'a>>,
}

/// The most profile names a ProfileNotFound message lists; it says how many more there are.
pub const MAX_LISTED_PROFILES: usize = 20;

/// Why evaluation failed.
#[derive(Debug, Clone, Copy)]
pub enum EvaluateError<'s> {
    /// The profile named by an option or variable exists in neither file.
    ProfileNotFound {
        /// The name asked for.
        name: &'s str,
        /// Where the name came from.
        source: Source<'static>,
        /// The files, to list the profiles that do exist.
        files: &'s ConfigFiles<'s>,
    },
    /// The region is not a valid host label.
    InvalidRegion {
        /// The value.
        value: &'s str,
        /// Where it came from.
        source: Source<'s>,
    },
}

impl fmt::Display for EvaluateError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            EvaluateError::ProfileNotFound { name, source, files } => {
                write!(f, "the config profile ({name}) could not be found (named by {source}); ")?;
                let mut names = files.profile_names().peekable();
                if names.peek().is_none() {
                    return f.write_str("no profiles are defined; create one with `aws configure --profile NAME`");
                }
                f.write_str("profiles that exist: ")?;
                for (i, n) in names.by_ref().take(MAX_LISTED_PROFILES).enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{n}")?;
                }
                match names.count() {
                    0 => Ok(()),
                    more => write!(f, " and {more} more (`aws configure list-profiles` lists them all)"),
                }
            }
            EvaluateError::InvalidRegion { value, source } => write!(
                f,
                "invalid region \"{value}\" (from {source}): a region is letters, digits and hyphens, \
                 such as us-east-1"
            ),
        }
    }
}

/// Resolves settings for one profile.
#[derive(Debug, Clone, Copy)]
pub struct Evaluator<'s, 'a, E: ?Sized> {
    files: &'s ConfigFiles<'a>,
    env: &'s E,
    options: &'s Options<'s>,
    active: ActiveProfile<'s, 'a>,
}

impl<'s, 'a: 's, E: Env + ?Sized> Evaluator<'s, 'a, E> {
    /// Chooses the active profile; fails when an explicitly named profile does not exist.
    pub fn new(
        files: &'s ConfigFiles<'a>,
        env: &'s E,
        options: &'s Options<'s>,
    ) -> Result<Self, EvaluateError<'s>> {
        let evaluator = Self::new_allowing_missing(files, env, options);
        let ActiveProfile {
            name,
            source,
            profile,
        } = evaluator.active;
        if profile.is_none() && source != Source::Default {
            return Err(EvaluateError::ProfileNotFound {
                name,
                source,
                files,
            });
        }
        Ok(evaluator)
    }

    /// As [`Evaluator::new`], but a named profile neither file defines is taken as an empty
    /// one instead of failing: `login` signs a new profile in (the AWS CLI adds it to the
    /// session's profiles before it resolves anything).
    #[must_use]
    pub fn new_allowing_missing(
        files: &'s ConfigFiles<'a>,
        env: &'s E,
        options: &'s Options<'s>,
    ) -> Self {
        let (name, source) = select_profile(options, env);
        Evaluator {
            files,
            env,
            options,
            active: ActiveProfile {
                name,
                source,
                profile: files.profile(name),
            },
        }
    }

    /// The evaluator of the `default` profile (when there is one), whatever `--profile` and
    /// the variables select: `configure sso` creates its clients so (the AWS CLI unsets the
    /// session's profile first), since the profile it configures may not exist yet.
    #[must_use]
    pub fn for_default_profile(
        files: &'s ConfigFiles<'a>,
        env: &'s E,
        options: &'s Options<'s>,
    ) -> Self {
        Evaluator {
            files,
            env,
            options,
            active: ActiveProfile {
                name: "default",
                source: Source::Default,
                profile: files.profile("default"),
            },
        }
    }

    /// The active profile.
    #[must_use]
    pub fn active_profile(&self) -> ActiveProfile<'s, 'a> {
        self.active
    }

    /// The parsed files.
    #[must_use]
    pub fn files(&self) -> &'s ConfigFiles<'a> {
        self.files
    }

    /// The environment.
    #[must_use]
    pub fn env(&self) -> &'s E {
        self.env
    }

    /// Resolves `setting`; `Ok(None)` when nothing sets it and it has no default.
    pub fn resolve(&self, setting: Setting) -> Result<Option<Resolved<'s>>, EvaluateError<'s>> {
        let resolved = self.resolve_raw(setting);
        if let (Setting::Region, Some(r)) = (setting, resolved) {
            let value = r.value.as_str().unwrap_or_default();
            if r.value.as_str().is_none() || !is_valid_region(value) {
                return Err(EvaluateError::InvalidRegion {
                    value: r.value.lines().next().unwrap_or(""),
                    source: r.source,
                });
            }
        }
        Ok(resolved)
    }

    fn resolve_raw(&self, setting: Setting) -> Option<Resolved<'s>> {
        let spec = setting.spec();
        if setting == Setting::Profile {
            let value = Value::plain(self.active.name);
            return Some(Resolved {
                value,
                source: self.active.source,
            });
        }
        if let (Some(value), Some(option)) = (self.options.get(setting), spec.cli_option) {
            // `--no-cli-pager` sets an empty pager.
            let value = if setting == Setting::CliPager {
                ""
            } else {
                value
            };
            return Some(Resolved {
                value: Value::plain(value),
                source: Source::Option(option),
            });
        }
        let from_env = |vars: &'static [&'static str]| {
            vars.iter().find_map(|&var| {
                let value = self.env.var(var).filter(|v| !v.is_empty())?;
                Some(Resolved {
                    value: Value::plain(value),
                    source: Source::EnvVar(var),
                })
            })
        };
        from_env(spec.env_vars)
            .or_else(|| {
                let key = spec.config_key?;
                let p = self.active.profile?.get(key)?;
                Some(Resolved {
                    value: p.value,
                    source: Source::File {
                        kind: p.kind,
                        path: p.path,
                        line: p.line,
                    },
                })
            })
            .or_else(|| from_env(spec.env_after_profile))
            .or_else(|| {
                Some(Resolved {
                    value: Value::plain(spec.default?),
                    source: Source::Default,
                })
            })
    }
}

/// The active profile's name and where it came from.
#[must_use]
pub fn select_profile<'s, E: Env + ?Sized>(
    options: &Options<'s>,
    env: &'s E,
) -> (&'s str, Source<'static>) {
    if let Some(name) = options.get(Setting::Profile).filter(|p| !p.is_empty()) {
        return (name, Source::Option("--profile"));
    }
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        if let Some(name) = env.var(var) {
            return (name, Source::EnvVar(var));
        }
    }
    ("default", Source::Default)
}

/// botocore's region check: `^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$`.
#[must_use]
pub fn is_valid_region(region: &str) -> bool {
    let b = region.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

/// The answer of `configure get NAME`: the profile's value only (never the environment), for
/// `key`, `section.key` (a sub-property), `profile.NAME.key[.sub]` and `NAME.key[.sub]` where
/// NAME is a profile. `Ok(None)` when unset.
pub fn configure_get<'s, 'a: 's, E: Env + ?Sized>(
    eval: &Evaluator<'s, 'a, E>,
    name: &'s str,
) -> Result<Option<ConfigValue<'a>>, EvaluateError<'s>> {
    let files = eval.files;
    let mut parts = name.split('.');
    let first = parts.next().unwrap_or("");
    // An explicitly named active profile exists: `Evaluator::new` refused it otherwise.
    let (profile, key, sub) = if !name.contains('.') {
        (eval.active.profile, first, None)
    } else if first == "profile" {
        let (Some(profile), Some(key)) = (parts.next(), parts.next()) else {
            return Ok(None);
        };
        (files.profile(profile), key, parts.next())
    } else if let Some(p) = files.profile(first) {
        let key = parts.next().unwrap_or("");
        (Some(p), key, parts.next())
    } else {
        (eval.active.profile, first, parts.next())
    };
    let Some(property) = profile.and_then(|p| p.get(key)) else {
        return Ok(None);
    };
    Ok(match sub {
        None => Some(ConfigValue {
            value: property.value,
            source: source_of(&property),
        }),
        Some(sub) => property.value.sub_property(sub).map(|v| ConfigValue {
            value: Value::plain(v),
            source: source_of(&property),
        }),
    })
}

fn source_of<'a>(p: &crate::config::parse::Property<'a>) -> Source<'a> {
    Source::File {
        kind: p.kind,
        path: p.path,
        line: p.line,
    }
}

/// A value read by [`configure_get`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigValue<'a> {
    /// The value.
    pub value: Value<'a>,
    /// The file and line.
    pub source: Source<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dialect, FileKind};

    fn files<'a>(config: &'a str, creds: &'a str) -> ConfigFiles<'a> {
        ConfigFiles::from_texts(
            ("c", Some(config.as_bytes())),
            ("k", Some(creds.as_bytes())),
            Dialect::AwsCli,
        )
        .unwrap()
    }

    #[test]
    fn precedence_option_env_profile_default() {
        let f = files("[profile p]\nregion = eu-west-1\noutput = text\n", "");
        let env: &[(&str, &str)] = &[
            ("AWS_PROFILE", "p"),
            ("AWS_DEFAULT_REGION", "us-east-2"),
            ("AWS_REGION", ""),
        ];
        let opts = Options::default();
        let e = Evaluator::new(&f, env, &opts).unwrap();
        let r = e.resolve(Setting::Region).unwrap().unwrap();
        assert_eq!(
            (r.value.as_str(), r.source),
            (Some("us-east-2"), Source::EnvVar("AWS_DEFAULT_REGION"))
        );
        let r = e.resolve(Setting::Output).unwrap().unwrap();
        assert_eq!(
            r.source,
            Source::File {
                kind: FileKind::Config,
                path: "c",
                line: 3
            }
        );
        let r = e.resolve(Setting::MaxAttempts).unwrap().unwrap();
        assert_eq!((r.value.as_str(), r.source), (Some("3"), Source::Default));
        assert!(e.resolve(Setting::CaBundle).unwrap().is_none());
        let opts = Options::default().with(Setting::Region, "ap-south-1");
        let e = Evaluator::new(&f, env, &opts).unwrap();
        assert_eq!(
            e.resolve(Setting::Region).unwrap().unwrap().source,
            Source::Option("--region")
        );
    }

    #[test]
    fn profile_selection() {
        let f = files("[profile a]\n[profile b]\n", "[c]\n");
        let env: &[(&str, &str)] = &[("AWS_PROFILE", "b"), ("AWS_DEFAULT_PROFILE", "a")];
        let opts = Options::default().with(Setting::Profile, "");
        let e = Evaluator::new(&f, env, &opts).unwrap();
        assert_eq!(
            (e.active_profile().name, e.active_profile().source),
            ("b", Source::EnvVar("AWS_PROFILE"))
        );
        let opts = Options::default().with(Setting::Profile, "nope");
        let err = Evaluator::new(&f, env, &opts).unwrap_err();
        let msg = std::format!("{err}");
        assert!(
            msg.contains("(nope) could not be found") && msg.contains("a, b, c"),
            "{msg}"
        );
        let env: &[(&str, &str)] = &[("AWS_PROFILE", "")];
        assert!(Evaluator::new(&f, env, &Options::default()).is_err());
        // An absent implicit default profile is empty, not an error.
        let env: &[(&str, &str)] = &[];
        assert!(Evaluator::new(&f, env, &Options::default()).is_ok());
    }

    #[test]
    fn invalid_region_is_an_error() {
        let f = files("[default]\nregion = us east\n", "");
        let env: &[(&str, &str)] = &[];
        let opts = Options::default();
        let e = Evaluator::new(&f, env, &opts).unwrap();
        assert!(matches!(
            e.resolve(Setting::Region),
            Err(EvaluateError::InvalidRegion {
                value: "us east",
                ..
            })
        ));
        assert!(
            is_valid_region("us-east-1") && !is_valid_region("-x") && !is_valid_region("\"a\"")
        );
    }

    #[test]
    fn configure_get_forms() {
        let f = files(
            "[default]\nregion = r0\ns3 =\n  max = 10\n[profile dev]\nregion = r1\n",
            "[dev]\nregion = r2\n",
        );
        let env: &[(&str, &str)] = &[("AWS_REGION", "ignored")];
        let opts = Options::default();
        let e = Evaluator::new(&f, env, &opts).unwrap();
        let get = |n| {
            configure_get(&e, n)
                .unwrap()
                .map(|v| std::format!("{}", v.value))
        };
        assert_eq!(get("region").as_deref(), Some("r0"));
        assert_eq!(get("s3.max").as_deref(), Some("10"));
        assert_eq!(get("profile.dev.region").as_deref(), Some("r2"));
        assert_eq!(get("dev.region").as_deref(), Some("r2"));
        assert_eq!(get("nokey"), None);
        assert_eq!(get("profile.nope.region"), None);
    }
}
