//! The credential chain for the commands: the core's plan, executed with the machine's I/O, and
//! the exit status and message of each way it can fail.
//!
//! Every command that needs credentials (`export-credentials`, `exec`, `explain`,
//! `configure list`) goes through [`plan_chain`] and [`obtain`], so they resolve the same
//! credentials in the same way, with one place to adapt when the core's execute layer grows.

use std::fmt;

use credchain_core::chain::execute::{execute, ExecuteError};
use credchain_core::chain::plan::{
    plan, BaseStep, Chain, CredentialSource, Plan, PlanError, Skipped,
};
use credchain_core::config::evaluate::Evaluator;
use credchain_core::credentials::Credentials;
use credchain_core::io::{block_on, Env};
use credchain_core::Source;

use crate::failure::{Failure, CONFIGURATION_ERROR, SERVICE_ERROR};
use crate::machine::Machine;

/// Why no credentials came out of the chain.
#[derive(Debug)]
pub enum ChainError<'s> {
    /// The configuration cannot produce credentials (a cycle, a missing source profile, ...).
    Plan(PlanError<'s>),
    /// No provider is configured for the profile.
    NoProvider {
        /// The active profile.
        profile: &'s str,
    },
    /// `cli_timestamp_format` is neither `wire` nor `iso8601`: the AWS CLI fails every command.
    UnknownTimestampFormat {
        /// The value.
        value: &'s str,
        /// Where it is set.
        source: Source<'s>,
    },
    /// `credential_source = Environment` and the environment has no keys.
    EmptyEnvironmentSource {
        /// The profile holding `credential_source`.
        profile: &'s str,
    },
    /// Nothing was configured and the last resort, EC2 instance metadata, had no credentials
    /// (not reachable, no role, an unusable answer): the AWS CLI's "Unable to locate
    /// credentials", with every provider's reason.
    NoneFound {
        /// The active profile.
        profile: &'s str,
        /// The providers passed over, in order.
        skipped: Vec<Skipped>,
        /// What the metadata service did.
        metadata: Box<ExecuteError<'s>>,
    },
    /// The chosen provider failed (boxed: the core's error keeps a process's error output
    /// inline).
    Execute(Box<ExecuteError<'s>>),
}

impl ChainError<'_> {
    /// The exit status `aws configure export-credentials` ends with: 253 for the configuration,
    /// and for a provider that failed the core's [`ExecuteError::awscli_exit_status`].
    #[must_use]
    pub fn status(&self) -> u8 {
        match self {
            ChainError::Plan(_)
            | ChainError::UnknownTimestampFormat { .. }
            | ChainError::NoProvider { .. }
            | ChainError::NoneFound { .. }
            | ChainError::EmptyEnvironmentSource { .. } => CONFIGURATION_ERROR,
            ChainError::Execute(error) => error.awscli_exit_status(),
        }
    }

    /// The failure as `aws configure export-credentials` words it: what fails while the chain
    /// is built as `Unable to retrieve credentials: ...` (its ConfigurationError), for no
    /// credentials at all the AWS CLI's whole sentence with credchain's detail after it, and
    /// what fails when deferred credentials are used (a service call, an expiry) as it is.
    #[must_use]
    pub fn failure(&self) -> Failure {
        let message = match self {
            ChainError::NoProvider { .. } | ChainError::NoneFound { .. } => {
                format!("An error occurred (Configuration): Unable to retrieve credentials: {self}")
            }
            _ if self.status() == CONFIGURATION_ERROR => {
                format!("Unable to retrieve credentials: {self}")
            }
            _ => self.to_string(),
        };
        Failure::with_status(self.status(), message)
    }
}

/// 254 when a network provider's service call was made and failed, 253 when the provider's
/// configuration or cached login is what is wrong.
pub(crate) fn network_status(
    failure: Option<&credchain_core::services::exchange::ServiceFailure>,
) -> u8 {
    match failure {
        Some(_) => SERVICE_ERROR,
        None => CONFIGURATION_ERROR,
    }
}

impl fmt::Display for ChainError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Plan(error) => write!(f, "{error}"),
            ChainError::NoProvider { profile } => write!(
                f,
                "no credentials found: no credential provider is configured for the profile \
                 {profile}; `credchain explain` shows each provider and why it was skipped"
            ),
            ChainError::UnknownTimestampFormat { value, source } => write!(
                f,
                "Unknown cli_timestamp_format value: {value} ({source}), valid values are \"wire\" \
                 or \"iso8601\""
            ),
            ChainError::EmptyEnvironmentSource { profile } => write!(
                f,
                "profile {profile}: credential_source = Environment, but AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY are not both set; set them, or change credential_source"
            ),
            ChainError::NoneFound {
                profile,
                skipped,
                metadata,
            } => {
                write!(
                    f,
                    "no credentials found for the profile {profile}; tried, in order:"
                )?;
                for s in skipped {
                    write!(f, "\n  {}: {}", s.provider.describe(), s.reason.describe())?;
                }
                // The metadata error names its provider itself.
                write!(
                    f,
                    "\n  {metadata} (off an EC2 instance this is expected: set \
                     AWS_EC2_METADATA_DISABLED=true to skip it)\n`credchain explain` shows each \
                     provider and what configures it"
                )
            }
            ChainError::Execute(error) => write!(f, "{error}"),
        }
    }
}

/// Plans the chain for the evaluator's active profile.
pub fn plan_chain<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<Plan<'s>, ChainError<'s>> {
    // The AWS CLI reads cli_timestamp_format when every command starts, and an unknown value
    // is a ConfigurationError, whichever provider would answer.
    if let Ok(Some(format)) =
        eval.resolve(credchain_core::config::settings::Setting::CliTimestampFormat)
    {
        if let Some(value) = format.value.as_str() {
            if value != "wire" && value != "iso8601" {
                return Err(ChainError::UnknownTimestampFormat {
                    value,
                    source: format.source,
                });
            }
        }
    }
    plan(eval).map_err(ChainError::Plan)
}

/// Runs `plan` with the machine's I/O: files, HTTPS, processes, the terminal (MFA codes) and
/// the clock.
pub fn obtain<'s, E: Env + ?Sized>(
    machine: &(impl Machine + ?Sized),
    eval: &Evaluator<'s, 's, E>,
    plan: &Plan<'s>,
) -> Result<Credentials, ChainError<'s>> {
    let Some(chain) = &plan.chain else {
        return Err(ChainError::NoProvider {
            profile: plan.profile,
        });
    };
    block_on(execute(eval, plan, machine)).map_err(|error| match (error, chain) {
        (
            ExecuteError::NoCredentials,
            Chain {
                base: BaseStep::Named(CredentialSource::Environment),
                base_profile: Some(profile),
                ..
            },
        ) => ChainError::EmptyEnvironmentSource { profile },
        // The metadata service, the chain's last resort, had nothing to give: the AWS CLI says
        // it found no credentials (exit 253), listing what was tried.
        (ExecuteError::NoneFromMetadata(e), _) => ChainError::NoneFound {
            profile: plan.profile,
            skipped: plan.skipped.iter().copied().collect(),
            metadata: Box::new(ExecuteError::InstanceMetadata(e)),
        },
        (error, _) => ChainError::Execute(Box::new(error)),
    })
}

/// Plans and runs the chain.
pub fn resolve<'s, E: Env + ?Sized>(
    machine: &(impl Machine + ?Sized),
    eval: &Evaluator<'s, 's, E>,
) -> Result<(Plan<'s>, Credentials), ChainError<'s>> {
    let plan = plan_chain(eval)?;
    let credentials = obtain(machine, eval, &plan)?;
    Ok((plan, credentials))
}

/// Where the chain's credentials come from, for `configure list`'s LOCATION: for static keys
/// the place of each key (the variable, or FILE:LINE); for a provider that fetches them, the
/// key that configures it and its profile.
#[must_use]
pub fn key_locations<E: Env + ?Sized>(chain: &Chain<'_>, env: &E) -> (String, String) {
    if let Some(role) = chain.roles.last() {
        let place = format!("{} (profile {})", role.role_arn.source, role.profile);
        return (place.clone(), place);
    }
    let profile = chain.base_profile.unwrap_or_default();
    let place = match chain.base {
        BaseStep::Static(keys) => {
            return (
                keys.access_key_id.source.to_string(),
                keys.secret_access_key.source.to_string(),
            )
        }
        BaseStep::Process { command, .. } => configured_by(command.source, profile),
        BaseStep::WebIdentity(step) => configured_by(step.token_file.source, profile),
        BaseStep::Sso(step) => configured_by(step.role_name.source, profile),
        BaseStep::Login { session, .. } => configured_by(session.source, profile),
        BaseStep::Container => CONTAINER_VARIABLES
            .into_iter()
            .find(|v| env.var(v).is_some_and(|v| !v.is_empty()))
            .unwrap_or(CONTAINER_VARIABLES[0])
            .to_owned(),
        BaseStep::InstanceMetadata => "instance metadata".to_owned(),
        // Only a role step names a credential source, and roles were handled above.
        BaseStep::Named(source) => source.name().to_owned(),
    };
    (place.clone(), place)
}

/// The variables that configure the container provider, in the AWS CLI's order.
pub const CONTAINER_VARIABLES: [&str; 2] = [
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

fn configured_by(source: Source<'_>, profile: &str) -> String {
    match source {
        Source::File { .. } => format!("{source} (profile {profile})"),
        _ => source.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credchain_core::config::evaluate::Options;
    use credchain_core::config::parse::ConfigFiles;
    use credchain_core::config::settings::Setting;
    use credchain_core::Dialect;

    #[test]
    fn locations_of_static_keys_and_roles() {
        let config = b"[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n\
            source_profile = b\n[profile p]\ncredential_process = /bin/helper --flag\n";
        let creds = b"[b]\naws_access_key_id = AKIDBASE\naws_secret_access_key = baseSecret0001\n";
        let (config, creds) = (("c", Some(&config[..])), ("k", Some(&creds[..])));
        let f = ConfigFiles::from_texts(config, creds, Dialect::AwsCli).unwrap();
        let env: &[(&str, &str)] = &[];
        let locations = |profile| {
            let options = Options::default().with(Setting::Profile, profile);
            let eval = Evaluator::new(&f, env, &options).unwrap();
            let plan = plan_chain(&eval).unwrap();
            key_locations(plan.chain.as_ref().unwrap(), env)
        };
        assert_eq!(locations("b"), ("k:2".to_owned(), "k:3".to_owned()));
        let role = "c:2 (profile r)".to_owned();
        assert_eq!(locations("r"), (role.clone(), role));
        let process = "c:5 (profile p)".to_owned();
        assert_eq!(locations("p"), (process.clone(), process));
    }

    #[test]
    fn statuses_and_the_aws_cli_wording() {
        let none = ChainError::NoProvider { profile: "default" };
        assert_eq!(none.status(), 253);
        let Failure::Configuration(message) = none.failure() else {
            panic!("a configuration error");
        };
        assert!(
            message.starts_with(
                "An error occurred (Configuration): Unable to retrieve credentials: \
                 no credentials found: "
            ),
            "{message}"
        );
        let expired = ChainError::Execute(Box::new(ExecuteError::Expired {
            provider: credchain_core::credentials::ProviderKind::CredentialProcess,
            expiration: 0,
        }));
        // Checked with the AWS CLI v2.36.7: "Credentials were refreshed, but the refreshed
        // credentials are still expired." exits 255.
        assert_eq!(expired.status(), 255);
        let Failure::Other(message) = expired.failure() else {
            panic!("another error");
        };
        assert!(
            message.starts_with("credential_process: the credentials expired"),
            "{message}"
        );
    }
}
