//! The keys `configure list` shows: an interim reading of static keys, to be replaced by the
//! credential chain (plan and execute) when the core has it. Everything that decides which keys
//! are shown lives in [`static_keys`].
//!
//! The rules are the static-key providers of the AWS CLI, in its order:
//! 1. the environment: `AWS_ACCESS_KEY_ID` (when set and not empty) with
//!    `AWS_SECRET_ACCESS_KEY`, unless `--profile` was given (an explicit profile turns the
//!    environment provider off in the AWS CLI; `AWS_PROFILE` does not);
//! 2. the credentials file: the profile's section, when it has `aws_access_key_id`;
//! 3. the config file: the profile's section, when it has `aws_access_key_id`.
//!
//! Keys come from one place as a whole, never mixed across files: a secret that only the other
//! file has is not used (the AWS CLI reports partial credentials there).

use credchain_core::evaluate::{Evaluator, Resolved};
use credchain_core::io::Env;
use credchain_core::parse::{Property, Value};
use credchain_core::{FileKind, Source};

/// The access key id and secret access key in effect, with where each came from.
#[derive(Debug, Clone, Copy, Default)]
pub struct StaticKeys<'s> {
    /// The access key id.
    pub access_key: Option<Resolved<'s>>,
    /// The secret access key.
    pub secret_key: Option<Resolved<'s>>,
}

const ACCESS_KEY_VAR: &str = "AWS_ACCESS_KEY_ID";
const SECRET_KEY_VAR: &str = "AWS_SECRET_ACCESS_KEY";
const ACCESS_KEY: &str = "aws_access_key_id";
const SECRET_KEY: &str = "aws_secret_access_key";

/// The static keys of the active profile, or of the environment.
#[must_use]
pub fn static_keys<'s, 'a: 's, E: Env + ?Sized>(
    eval: &Evaluator<'s, 'a, E>,
    env: &'s E,
) -> StaticKeys<'s> {
    let active = eval.active_profile();
    let explicit_profile = matches!(active.source, Source::Option(_));
    if !explicit_profile {
        if let Some(access) = env.var(ACCESS_KEY_VAR).filter(|v| !v.is_empty()) {
            let from_env = |var: &'static str, value: &'s str| Resolved {
                value: Value::plain(value),
                source: Source::EnvVar(var),
            };
            return StaticKeys {
                access_key: Some(from_env(ACCESS_KEY_VAR, access)),
                secret_key: env
                    .var(SECRET_KEY_VAR)
                    .filter(|v| !v.is_empty())
                    .map(|v| from_env(SECRET_KEY_VAR, v)),
            };
        }
    }
    let Some(profile) = active.profile else {
        return StaticKeys::default();
    };
    [FileKind::Credentials, FileKind::Config]
        .into_iter()
        .find_map(|kind| {
            let access = profile.get_in_file(kind, ACCESS_KEY)?;
            let from_file = |p: Property<'a>| Resolved {
                value: p.value,
                source: Source::File {
                    kind: p.kind,
                    path: p.path,
                    line: p.line,
                },
            };
            Some(StaticKeys {
                access_key: Some(from_file(access)),
                secret_key: profile.get_in_file(kind, SECRET_KEY).map(from_file),
            })
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use credchain_core::evaluate::Options;
    use credchain_core::parse::ConfigFiles;
    use credchain_core::settings::Setting;
    use credchain_core::Dialect;

    fn files<'a>(config: &'a str, creds: &'a str) -> ConfigFiles<'a> {
        ConfigFiles::from_texts(
            ("c", Some(config.as_bytes())),
            ("k", Some(creds.as_bytes())),
            Dialect::AwsCli,
        )
        .unwrap()
    }

    fn sources(keys: StaticKeys<'_>) -> (Option<Source<'_>>, Option<Source<'_>>) {
        (
            keys.access_key.map(|k| k.source),
            keys.secret_key.map(|k| k.source),
        )
    }

    fn file(kind: FileKind, line: u32) -> Option<Source<'static>> {
        let path = match kind {
            FileKind::Config => "c",
            FileKind::Credentials => "k",
        };
        Some(Source::File { kind, path, line })
    }

    #[test]
    fn one_file_as_a_whole_credentials_first() {
        let f = files(
            "[default]\naws_access_key_id = A1\naws_secret_access_key = S1\n\
             [profile c]\naws_access_key_id = A2\naws_secret_access_key = S2\n",
            "[default]\naws_access_key_id = A3\n",
        );
        let env: &[(&str, &str)] = &[];
        let options = Options::default();
        let eval = Evaluator::new(&f, env, &options).unwrap();
        // The credentials file's section wins, even without its secret.
        assert_eq!(
            sources(static_keys(&eval, env)),
            (file(FileKind::Credentials, 2), None)
        );
        let options = Options::default().with(Setting::Profile, "c");
        let eval = Evaluator::new(&f, env, &options).unwrap();
        assert_eq!(
            sources(static_keys(&eval, env)),
            (file(FileKind::Config, 5), file(FileKind::Config, 6))
        );
    }

    #[test]
    fn environment_unless_profile_option() {
        let f = files("[profile p]\n", "[p]\naws_access_key_id = A\n");
        let env: &[(&str, &str)] = &[
            ("AWS_PROFILE", "p"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ];
        let options = Options::default();
        let eval = Evaluator::new(&f, env, &options).unwrap();
        assert_eq!(
            sources(static_keys(&eval, env)),
            (
                Some(Source::EnvVar("AWS_ACCESS_KEY_ID")),
                Some(Source::EnvVar("AWS_SECRET_ACCESS_KEY"))
            )
        );
        let options = Options::default().with(Setting::Profile, "p");
        let eval = Evaluator::new(&f, env, &options).unwrap();
        assert_eq!(
            sources(static_keys(&eval, env)),
            (file(FileKind::Credentials, 2), None)
        );
    }

    #[test]
    fn nothing_anywhere() {
        let f = files("", "");
        let env: &[(&str, &str)] = &[("AWS_ACCESS_KEY_ID", "")];
        let options = Options::default();
        let eval = Evaluator::new(&f, env, &options).unwrap();
        assert_eq!(sources(static_keys(&eval, env)), (None, None));
    }
}
