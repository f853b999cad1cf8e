//! `credchain sso login` and `credchain sso logout`: signing in to IAM Identity Center and out,
//! as `aws sso login` and `aws sso logout` do, with the same files, messages and exit
//! statuses (docs/quirks.md, "sso login and logout", for where credchain differs on purpose);
//! and `credchain sso profiles`, a profile for every account and role (not in the AWS CLI).

pub mod browser;
pub mod callback;
pub mod login;
pub mod logout;
pub mod profiles;

use clap::{Args, Subcommand};
use credchain_core::config::evaluate::EvaluateError;

use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;

/// `credchain sso ...`.
#[derive(Debug, Subcommand)]
pub enum SsoCommand {
    /// Sign in to IAM Identity Center and cache the token, as `aws sso login` does.
    #[command(long_about = LOGIN_ABOUT)]
    Login(LoginArgs),
    /// Sign out: end every cached IAM Identity Center session and delete its files, as
    /// `aws sso logout` does.
    #[command(long_about = LOGOUT_ABOUT)]
    Logout,
    /// List every account and role the signed-in user can reach; with --write, add a
    /// profile for each to the config file.
    #[command(long_about = PROFILES_ABOUT, after_help = PROFILES_EXAMPLES)]
    Profiles(ProfilesArgs),
}

/// `sso profiles`' options.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// The `[sso-session NAME]` whose cached token is used, instead of the profile's
    /// `sso_session`.
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,
    /// Add the profiles to the config file (without it, only print what would be added).
    #[arg(long)]
    pub write: bool,
    /// The profile name template: {account_name}, {account_id}, {role_name} and
    /// {sso_session} are replaced (default {account_name}.{role_name}).
    #[arg(long, value_name = "TEMPLATE")]
    pub name: Option<String>,
    /// Replace the keys of profiles that already exist (they are left alone otherwise).
    #[arg(long)]
    pub force: bool,
}

const PROFILES_ABOUT: &str = "\
List every AWS account and role the signed-in IAM Identity Center user can
reach (ListAccounts and ListAccountRoles with the cached token of the
profile's sso_session, or of --sso-session), and with --write add one profile
per account and role to the config file (sso_session, sso_account_id,
sso_role_name), all in one write. Without --write nothing is written: each
line says what would be added. Names come from --name (default
{account_name}.{role_name}), made into valid profile names (runs of other
characters become `-`); a name given twice gets -2, -3, ... Profiles that
exist are left alone unless --force. Not part of the AWS CLI.";

const PROFILES_EXAMPLES: &str = "\
Examples:
  credchain sso profiles --sso-session corp
  credchain sso profiles --sso-session corp --write
  credchain sso profiles --profile dev --name '{account_id}-{role_name}' --write";

/// `sso login`'s options.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Sign in to this `[sso-session NAME]` instead of the profile's `sso_session`.
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,
    /// Use the device code flow (a code typed in on any device) instead of the browser on
    /// this machine.
    #[arg(long)]
    pub use_device_code: bool,
    /// Do not open a browser: only print the URL.
    #[arg(long)]
    pub no_browser: bool,
}

const LOGIN_ABOUT: &str = "\
Sign in to IAM Identity Center and write the token file that the AWS CLI, the
SDKs and credchain read (~/.aws/sso/cache), as `aws sso login` does. A profile
with `sso_session` signs in in the browser on this machine (the authorization
code flow, with a callback on 127.0.0.1); `--use-device-code`, and profiles
of the legacy form (`sso_start_url` in the profile), use the device code flow.
The URL is always printed; the browser is `$BROWSER`, else the platform's
opener. The wait for the browser is at most 600 seconds
(CREDCHAIN_SSO_LOGIN_TIMEOUT shortens it). Nothing is written unless the
sign-in succeeds.";

const LOGOUT_ABOUT: &str = "\
Sign out of every IAM Identity Center session, as `aws sso logout` does: each
cached token in ~/.aws/sso/cache is ended at the portal (when the file names
its region) and deleted, and every SSO role credential cached in
~/.aws/cli/cache is deleted. Client registrations, assume-role cache entries
and other files are kept. Prints nothing.";

/// Runs `sso login`, `sso logout` or `sso profiles`.
impl<M: Machine + ?Sized> Run<M> for SsoCommand {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        match self {
            SsoCommand::Login(args) => args.run(ctx, streams),
            SsoCommand::Logout => logout::run(ctx, streams),
            SsoCommand::Profiles(args) => args.run(ctx, streams),
        }
    }
}

/// A profile named by `--profile` or a variable that does not exist: the AWS CLI's
/// ProfileNotFound, exit status 255.
fn profile_not_found(error: EvaluateError<'_>) -> Failure {
    Failure::other(error)
}
