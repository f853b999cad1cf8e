//! `credchain console`: the AWS Management Console, signed in with the active profile's
//! credentials, through the federation endpoint (`credchain_core::services::federation`).
//!
//! - The credentials are the whole chain's, as `export-credentials` resolves them (and fail as
//!   it fails: 253, 254). Temporary ones (a role, IAM Identity Center, a console login, a
//!   process or a container giving a session token) go to the endpoint as they are. An IAM
//!   user's long-term keys are first exchanged with STS GetFederationToken (at the STS endpoint
//!   the profile's settings resolve), named `credchain-PROFILE` and with a session policy that
//!   allows everything, so the console has the IAM user's own permissions (a federated user's
//!   are the intersection of the user's and the policy's; without a policy it would have none).
//! - The endpoint is the partition's (`signin.aws.amazon.com`, `signin.amazonaws.cn` for
//!   `cn-*` regions, `signin.amazonaws-us-gov.com` for `us-gov-*`), or
//!   `CREDCHAIN_FEDERATION_ENDPOINT`. The page opened is `--destination`, else the console home
//!   in the profile's region.
//! - `--duration SECONDS`: the console session's length, as `SessionDuration` (900 to 43,200)
//!   for temporary credentials, or GetFederationToken's `DurationSeconds` (900 to 129,600) for
//!   long-term keys. Without it the endpoint's and STS's defaults apply.
//! - The URL signs in whoever holds it: it is opened in the browser and not printed, or with
//!   `--print` printed on stdout and not opened. No error ever holds it, nor the token.

use clap::Args;
use credchain_core::config::evaluate::Evaluator;
use credchain_core::config::settings::Setting;
use credchain_core::credentials::Credentials;
use credchain_core::io::{block_on, Env};
use credchain_core::services::federation::{self, FederationError, SigninToken};
use credchain_core::services::retry;
use credchain_core::services::sts::{self, FederationTokenParams};

use crate::chain;
use crate::commands::export::unknown_profile;
use crate::commands::{Context, Run};
use crate::failure::{Failure, SERVICE_ERROR};
use crate::machine::Machine;
use crate::output::Streams;
use crate::sts_call::{self, StsCall};

/// The variable that points `console` at another federation endpoint (a test's mock).
pub const FEDERATION_ENDPOINT_VAR: &str = "CREDCHAIN_FEDERATION_ENDPOINT";

/// The session policy given to GetFederationToken: everything the IAM user may do.
const ALLOW_ALL_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The longest federated user name STS takes.
const MAX_FEDERATED_NAME_LEN: usize = 32;

/// `console`'s options.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// The console page to open (default: the console home in the profile's region).
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,
    /// Print the sign-in URL on stdout instead of opening it.
    #[arg(long)]
    pub print: bool,
    /// The console session's length in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<i64>,
}

/// `console`'s help.
pub const ABOUT: &str = "\
Open the AWS Management Console signed in with the active profile's credentials
(those the AWS CLI would use), through the AWS sign-in federation endpoint. An
IAM user's long-term keys are first exchanged with STS GetFederationToken; the
console then has the user's own permissions. With --print the sign-in URL is
printed instead of opened: it signs in whoever holds it, for as long as the
console session lasts. CREDCHAIN_FEDERATION_ENDPOINT overrides the endpoint.";

/// `console`'s examples.
pub const EXAMPLES: &str = "\
Examples:
  credchain console --profile dev
  credchain console --destination https://console.aws.amazon.com/s3/home
  credchain console --profile dev --print --duration 3600";

/// Runs `console`.
impl<M: Machine + ?Sized> Run<M> for ConsoleArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let url = ctx.with_evaluator(streams, unknown_profile, |eval, _| {
            let (_, credentials) = chain::resolve(ctx.machine, eval).map_err(|e| e.failure())?;
            let region = eval
                .resolve(Setting::Region)
                .map_err(Failure::configuration)?
                .and_then(|r| r.value.as_str().map(str::to_owned));
            let region = region.as_deref().filter(|r| !r.is_empty());
            let (credentials, session_duration) = match credentials.session_token() {
                Some(_) => (credentials, self.duration),
                None => (
                    federated(ctx.machine, eval, &credentials, self.duration)?,
                    None,
                ),
            };
            let endpoint = match ctx.machine.env().var(FEDERATION_ENDPOINT_VAR) {
                Some(url) if !url.is_empty() => url.to_owned(),
                _ => federation::partition(region).federation.to_owned(),
            };
            let retry = retry::settings(eval).map_err(Failure::other)?.config;
            let io = ctx.machine.io();
            let token: SigninToken = block_on(federation::signin_token(
                io.http,
                io.clock,
                retry,
                &endpoint,
                &credentials,
                session_duration,
            ))
            .map_err(|e| match e {
                FederationError::BadSessionDuration(_) => Failure::param_validation(e),
                e => Failure::with_status(SERVICE_ERROR, e),
            })?;
            let destination = self
                .destination
                .clone()
                .unwrap_or_else(|| federation::default_destination(region));
            Ok(federation::login_url(&endpoint, &destination, &token))
        })?;
        if self.print {
            writeln!(streams.out, "{url}")?;
            return Ok(());
        }
        ctx.machine.open_browser(&url).map_err(|e| {
            Failure::other(format!(
            "could not open a browser ({e}); run `credchain console --print` to get the sign-in \
             URL, or set BROWSER"
        ))
        })?;
        writeln!(
            streams.err,
            "Opened the AWS Management Console in your browser."
        )?;
        Ok(())
    }
}

/// An IAM user's long-term keys exchanged for a federated user's temporary credentials, with
/// the IAM user's permissions, for `duration` seconds when given.
fn federated<E: Env + ?Sized>(
    machine: &(impl Machine + ?Sized),
    eval: &Evaluator<'_, '_, E>,
    keys: &Credentials,
    duration: Option<i64>,
) -> Result<Credentials, Failure> {
    let call = StsCall::resolve(eval)?.signed()?;
    let name = federated_name(eval.active_profile().name);
    let params = FederationTokenParams {
        name: &name,
        policy: Some(ALLOW_ALL_POLICY),
        duration_seconds: duration,
    };
    let answer = block_on(sts::get_federation_token(
        &call.target(machine, keys),
        &params,
    ))
    .map_err(|error| sts_call::call_failure(&error, call.options.retry))?;
    Ok(answer.credentials)
}

/// `credchain-PROFILE` as a federated user's name: STS's characters (`[\w+=,.@-]`) kept, any
/// other one as `-`, cut at 32 characters.
fn federated_name(profile: &str) -> String {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    let name: String = format!("credchain-{profile}")
        .chars()
        .map(|c| if allowed(c) { c } else { '-' })
        .take(MAX_FEDERATED_NAME_LEN)
        .collect();
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn federated_names_are_ones_sts_takes() {
        assert_eq!(federated_name("dev"), "credchain-dev");
        assert_eq!(federated_name("a b/é"), "credchain-a-b--");
        let long = federated_name(&"x".repeat(100));
        assert_eq!(long.len(), MAX_FEDERATED_NAME_LEN);
    }
}
