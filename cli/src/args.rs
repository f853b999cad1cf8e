//! The command line: what credchain accepts, as clap derive types.
//!
//! Names and shapes follow the AWS CLI v2 (`configure` and its `get`, `list`, `list-profiles`,
//! `set`, `import`, the global `--profile`, `--region`, `--output`), so a command that
//! works with `aws` works with `credchain`. `--dialect` is credchain's own: which grammar reads the
//! shared files. Global options may come before or after the subcommand.

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use credchain_core::config::evaluate::Options;
use credchain_core::config::settings::{Kind, Setting};
use credchain_core::Dialect;

const ABOUT: &str = "Which AWS settings and credentials a program will get, and why";

const LONG_ABOUT: &str = "\
Which AWS settings and credentials a program will get, and why.

credchain reads ~/.aws/config, ~/.aws/credentials and the AWS_* environment
variables exactly as the AWS CLI v2 does, and tells you which value every
setting takes and where it came from: the option, the variable, or the file
and line. Its commands mirror `aws configure`, so a script written for the
AWS CLI runs unchanged.";

const EXAMPLES: &str = "\
Examples:
  credchain explain                             which credentials you get, and why
  credchain explain --profile dev               the same for the profile dev
  credchain export-credentials --format env     the credentials as `export` lines
  credchain export-token --profile dev          the IAM Identity Center bearer token
  eval \"$(credchain export-credentials --profile dev --format env)\"
  credchain exec --profile dev -- terraform plan
                                                run a program with the credentials
  credchain configure list                      every setting in effect, with its source
  credchain configure get region --profile dev  one value, as `aws configure get` prints it
  credchain configure list-profiles             the profiles both files define
  credchain --dialect sdk configure list        read the files as the AWS SDKs do
  credchain configure                           set up a profile's keys, region, output
  credchain configure set region eu-west-1      write one value, as `aws configure set`
  credchain configure import --csv file://keys.csv
                                                the IAM console's CSV as profiles

Exit status:
  0    success
  1    `configure get` of a key that is not set
  2    usage error
  126  `exec`: the command was found but cannot be run
  127  `exec`: the command was not found
       (otherwise `exec` exits with the command's own status)
  252  an argument the AWS CLI refuses once parsed (`configure set
       --sso-session`, `configure import --csv file://` of a file that cannot
       be read)
  253  configuration error: a file that cannot be located, read or parsed, a
       profile that does not exist, no credentials, a credential_process that
       fails, expired credentials
  254  a service call failed (AWS STS, IAM Identity Center, SSO-OIDC)
  255  any other error (`configure get` uses 255 for every error)";

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "credchain",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    arg_required_else_help = true,
    propagate_version = true
)]
pub struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts, before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Use this profile instead of AWS_PROFILE, AWS_DEFAULT_PROFILE or `default`.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Use this region instead of AWS_REGION, AWS_DEFAULT_REGION or the profile's `region`.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Use this output format instead of AWS_DEFAULT_OUTPUT or the profile's `output`.
    #[arg(long, global = true, value_name = "FORMAT", value_parser = output_formats())]
    pub output: Option<String>,

    /// How to read the shared files: as the AWS CLI v2 does, or as the AWS SDKs do.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "DIALECT",
        default_value_t
    )]
    pub dialect: DialectArg,
}

impl GlobalArgs {
    /// The options as the evaluator takes them (`--profile ""` is passed on; the evaluator
    /// treats it as not given, as the AWS CLI does).
    #[must_use]
    pub fn options(&self) -> Options<'_> {
        let mut options = Options::default();
        let given = [
            (Setting::Profile, &self.profile),
            (Setting::Region, &self.region),
            (Setting::Output, &self.output),
        ];
        for (setting, value) in given {
            if let Some(value) = value {
                options.set(setting, value);
            }
        }
        options
    }
}

/// The accepted `--output` values: the settings table's words for `output`.
fn output_formats() -> PossibleValuesParser {
    let words: &'static [&'static str] = match Setting::Output.spec().kind {
        Kind::Enum(words) => words,
        Kind::Str | Kind::Int | Kind::Bool => &[],
    };
    PossibleValuesParser::new(words.iter().copied())
}

/// The `--dialect` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DialectArg {
    /// The AWS CLI v2's: `region = x # c` reads `x # c`.
    #[default]
    Awscli,
    /// The AWS SDKs' shared config spec: `region = x # c` reads `x`.
    Sdk,
}

impl From<DialectArg> for Dialect {
    fn from(arg: DialectArg) -> Dialect {
        match arg {
            DialectArg::Awscli => Dialect::AwsCli,
            DialectArg::Sdk => Dialect::Sdk,
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read or write the configuration, as `aws configure` does.
    #[command(long_about = CONFIGURE_ABOUT, after_help = CONFIGURE_EXAMPLES)]
    Configure(ConfigureArgs),

    /// Print the credentials, as `aws configure export-credentials` does.
    #[command(long_about = EXPORT_ABOUT, after_help = EXPORT_EXAMPLES)]
    ExportCredentials(ExportArgs),

    /// Print the profile's IAM Identity Center bearer token as JSON.
    #[command(long_about = EXPORT_TOKEN_ABOUT, after_help = EXPORT_TOKEN_EXAMPLES)]
    ExportToken,
    /// Explain which credentials you get and why: the profile, each provider, each step.
    #[command(
        long_about = "\
Explain, step by step, which credentials a program run here would get and why:
which profile is active and what chose it; each credential provider in the
order the AWS CLI tries them, with the reason it was skipped or the note that
it was chosen; for the chosen one, each step (the first credentials, then each
role assumed with them) with its settings and the file and line, or the
variable, each came from; the region; and whether credentials were actually
obtained (the chain is run: a credential_process runs, STS is called, an MFA
code may be asked for). Access key ids are masked; no secret key, session
token, web identity token or MFA code is ever printed.

Exits with 0 when credentials were obtained, otherwise with the status
`export-credentials` would exit with (253, 254).",
        after_help = "\
Examples:
  credchain explain
  credchain explain --profile dev
  AWS_PROFILE=dev credchain explain --format json"
    )]
    Explain(ExplainArgs),

    /// Print the completion script for a shell.
    #[command(long_about = crate::commands::completions::ABOUT)]
    Completions(crate::commands::completions::CompletionsArgs),

    /// Print the manual page (roff), made from these definitions.
    Man,

    /// Check the shared files for problems, with file, line and the fix.
    #[command(
        long_about = crate::commands::lint::ABOUT,
        after_help = crate::commands::lint::EXAMPLES
    )]
    Lint(crate::commands::lint::LintArgs),

    /// Open the AWS Management Console signed in with the credentials.
    #[command(
        long_about = crate::commands::console::ABOUT,
        after_help = crate::commands::console::EXAMPLES
    )]
    Console(crate::commands::console::ConsoleArgs),

    /// Print who the credentials belong to, as `aws sts get-caller-identity` does.
    #[command(
        long_about = crate::commands::whoami::ABOUT,
        after_help = crate::commands::whoami::EXAMPLES
    )]
    Whoami(crate::commands::whoami::WhoamiArgs),

    /// Sign in with console credentials, as `aws login` does.
    #[command(long_about = crate::commands::login::LOGIN_ABOUT)]
    Login(crate::commands::login::LoginArgs),

    /// Remove cached console login credentials, as `aws logout` does.
    #[command(long_about = crate::commands::login::LOGOUT_ABOUT)]
    Logout(crate::commands::login::LogoutArgs),

    /// Serve the credentials on 127.0.0.1 in the container credentials format.
    #[command(
        long_about = crate::commands::serve::ABOUT,
        after_help = crate::commands::serve::EXAMPLES
    )]
    Serve(crate::commands::serve::ServeArgs),

    /// Sign in to IAM Identity Center, or out, as `aws sso login` and `aws sso logout` do.
    #[command(subcommand, arg_required_else_help = true)]
    Sso(crate::commands::sso::SsoCommand),

    /// Run a command with the credentials and region in its environment.
    #[command(
        long_about = "\
Run CMD with the active profile's credentials in its environment:
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (removed when the
credentials have none), AWS_CREDENTIAL_EXPIRATION (when known, else removed),
and AWS_REGION and AWS_DEFAULT_REGION when a region is configured.
AWS_SECURITY_TOKEN is removed: the AWS CLI would prefer it to the new session
token. Every other variable is passed on as it is.

The exit status is CMD's own. On Unix credchain replaces itself with CMD, so
signals reach CMD directly and a CMD killed by a signal is reported by the
shell as 128+N, as if it had been run directly. A CMD that cannot be found
exits with 127, one that cannot be run with 126; credentials that cannot be
resolved exit as `export-credentials` does (253, 254), without running CMD.

With --server, CMD gets no keys: credchain serves the credentials on 127.0.0.1
(as `credchain serve` does, refreshed before they expire) and sets
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN (the
key variables, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE removed), so a CMD that runs for hours
keeps valid credentials. credchain then runs CMD as a child and stays until it
exits, passing a SIGTERM on to it, and exits with CMD's status.",
        after_help = "\
Examples:
  credchain exec --profile dev -- aws s3 ls
  credchain exec -- terraform plan
  credchain exec --profile prod --region eu-west-1 -- ./deploy.sh --dry-run
  credchain exec --server --profile dev -- ./long-running-job"
    )]
    Exec(ExecArgs),
}

const EXPORT_ABOUT: &str = "\
Print the active profile's credentials in one of the formats of
`aws configure export-credentials`, byte for byte as the AWS CLI prints them:
the JSON a credential_process prints (the default), or lines that set
environment variables in a shell. The credentials are resolved as the AWS CLI
resolves them (environment, roles, credential_process, files, ...). The output
holds the secret key: send it only where it is meant to go.";

const EXPORT_EXAMPLES: &str = "\
Examples:
  credchain export-credentials --profile dev
  eval \"$(credchain export-credentials --profile dev --format env)\"
  credchain export-credentials --format fish | source
  credchain configure export-credentials --format powershell | Invoke-Expression

  # Any tool that reads credential_process can use credchain's resolution:
  [profile via-credchain]
  credential_process = credchain export-credentials --profile dev";

const EXPORT_TOKEN_ABOUT: &str = "\
Print the bearer token of the active profile's IAM Identity Center session, as
the AWS CLI's token provider resolves it, as one line of JSON:
{\"accessToken\": \"...\", \"expiresAt\": \"2026-11-26T18:00:00Z\"}
The profile needs `sso_session = NAME` and an [sso-session NAME] section with
sso_start_url and sso_region; the token is the one `aws sso login` cached in
~/.aws/sso/cache. When fewer than 15 minutes remain it is refreshed through
SSO-OIDC and the cache file is written back, so the AWS CLI sees the new token.
A missing or expired token exits with 253 and says to run `aws sso login`; a
failed call to SSO-OIDC exits with 254. The output is a secret: send it only
where it is meant to go.";

const EXPORT_TOKEN_EXAMPLES: &str = "\
Examples:
  credchain export-token
  credchain export-token --profile dev
  TOKEN=$(credchain export-token --profile dev | jq -r .accessToken)";

/// The arguments of `export-credentials`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The output format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    pub format: ExportFormat,
}

/// `export-credentials --format` values, the AWS CLI's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ExportFormat {
    /// JSON, as a credential_process prints it: {"Version": 1, "AccessKeyId": ...}
    #[default]
    Process,
    /// POSIX shell: export AWS_ACCESS_KEY_ID=...
    Env,
    /// POSIX shell, not exported: AWS_ACCESS_KEY_ID=...
    EnvNoExport,
    /// PowerShell: $Env:AWS_ACCESS_KEY_ID="..."
    Powershell,
    /// Windows cmd.exe: set AWS_ACCESS_KEY_ID=...
    WindowsCmd,
    /// fish: set -gx AWS_ACCESS_KEY_ID "..."
    Fish,
}

/// The arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Plain text for people, or JSON for programs (default: text, or json with `--output
    /// json`).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ExplainFormat>,
}

/// `explain --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ExplainFormat {
    /// Plain text.
    #[default]
    Text,
    /// One JSON object.
    Json,
}

/// The arguments of `exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Give CMD a local credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI and
    /// AWS_CONTAINER_AUTHORIZATION_TOKEN) that refreshes them, instead of static keys.
    #[arg(long)]
    pub server: bool,
    /// The command to run and its arguments (after `--`).
    #[arg(
        value_name = "CMD",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<std::ffi::OsString>,
}

const CONFIGURE_ABOUT: &str = "\
Read or write the AWS configuration as the AWS CLI v2 does.

With no subcommand, ask for the four values a profile needs, as `aws configure`
does: the access key id, the secret access key (and the session token, for a
temporary ASIA... key), the region and the output format. Each prompt shows the
current value in brackets (keys masked); Enter keeps it. Only what changed is
written: the keys to the credentials file, the region and output to the config
file. When standard input is not a terminal, the answers are read from it, one
a line.

The subcommands read one value (`get`), every setting with its source
(`list`), the profiles (`list-profiles`) or the credentials
(`export-credentials`), or write a value (`set`) or the keys of an IAM
console CSV file (`import`).";

const CONFIGURE_EXAMPLES: &str = "\
Examples:
  credchain configure                             set up the default profile
  credchain configure --profile dev               set up (or change) the profile dev
  printf '%s\\n' AKIA... SECRET us-east-1 json | credchain configure
                                                  the same, the answers piped in
  credchain configure set region eu-west-1 --profile dev
  credchain configure import --csv file://credentials.csv";

/// The arguments of `configure`: a subcommand, or none for the interactive set-up.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ConfigureArgs {
    /// What to do; nothing: ask for the profile's keys, region and output format.
    #[command(subcommand)]
    pub command: Option<ConfigureCommand>,
}

/// The `configure` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigureCommand {
    /// Print one value of the active profile, as `aws configure get` does.
    #[command(
        long_about = "\
Print one value from the shared files, as `aws configure get` does: the
profile's own value only (an environment variable such as AWS_REGION does not
count). NAME is a key of the active profile (`region`), a nested key
(`s3.max_concurrent_requests`), or a key of another profile
(`profile.dev.region`). A nested value prints its sub-settings as
`name = value` lines. An unset key prints nothing and exits with status 1; a
profile that does not exist exits with status 255.",
        after_help = "\
Examples:
  credchain configure get region
  credchain configure get region --profile dev
  credchain configure get s3.max_concurrent_requests
  credchain configure get profile.dev.output"
    )]
    Get(GetArgs),

    /// Show every setting in effect, its value, and where it came from.
    #[command(
        long_about = "\
Show the settings in effect as a table shaped like `aws configure list`: the
profile, the access key, the secret key and the region first, then every other
setting that is set (defaults are left out). TYPE says what set it (manual for
an option, env, config-file, shared-credentials-file) and LOCATION says
exactly where: the option, the variable, or the file and line.

The access_key and secret_key rows show the credentials the AWS CLI would use:
the credential chain is run (a credential_process runs, a role is assumed), and
TYPE names the provider that answered (env, shared-credentials-file,
config-file, custom-process, assume-role, ...). Keys are masked: only their
last four characters are shown. When no credentials can be resolved the rows
read <not set> and the reason is printed as a warning; `credchain explain`
tells the whole story.",
        after_help = "\
Examples:
  credchain configure list
  credchain configure list --profile dev
  AWS_PROFILE=dev credchain configure list --region eu-west-1"
    )]
    List,

    /// Print the name of every profile, one a line.
    #[command(
        long_about = "\
Print the name of every profile, one a line, as `aws configure list-profiles`
does: the config file's profiles in file order, then the profiles that only
the credentials file defines. Each name is printed once.",
        after_help = "\
Examples:
  credchain configure list-profiles
  for p in $(credchain configure list-profiles); do credchain configure get region --profile \"$p\"; done"
    )]
    ListProfiles,

    /// Configure a profile that signs in with IAM Identity Center, as `aws configure sso`
    /// does: the session, the sign-in, the account and role, the profile written.
    #[command(long_about = CONFIGURE_SSO_ABOUT)]
    Sso(ConfigureSsoArgs),

    /// Configure an `[sso-session NAME]` section, as `aws configure sso-session` does.
    SsoSession,

    /// Print the credentials, as `aws configure export-credentials` does.
    #[command(long_about = EXPORT_ABOUT, after_help = EXPORT_EXAMPLES)]
    ExportCredentials(ExportArgs),

    /// Get temporary credentials with an MFA code and write them to a profile.
    #[command(long_about = MFA_LOGIN_ABOUT, after_help = MFA_LOGIN_EXAMPLES)]
    MfaLogin(MfaLoginArgs),

    /// Write one value to the shared files, as `aws configure set` does.
    #[command(long_about = SET_ABOUT, after_help = SET_EXAMPLES)]
    Set(SetArgs),

    /// Import access keys from the CSV file the IAM console gives, as `aws configure import`.
    #[command(long_about = IMPORT_ABOUT, after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
}

const MFA_LOGIN_ABOUT: &str = "\
Get temporary credentials from AWS STS GetSessionToken, signed with the
profile's long-term keys and a code from its MFA device (a virtual TOTP or
hardware OTP device; passkeys and U2F keys cannot be used), and write them to a
profile of the credentials file, as `aws configure mfa-login` does.

The device is --serial-number, else the profile's mfa_serial, else asked for;
the code is always asked for. The profile written is --update-profile, else
asked for, offering ACCOUNT-DEVICE for a device ARN and session-SERIAL for a
serial number. With no credentials configured at all, the access key id and
secret key are asked for first. Answers are read from standard input, so they
can be piped. Exits with 1 when an answer is missing or STS refuses the code,
252 when botocore would refuse the parameters (a duration under 900 seconds, a
serial number under 9 characters, a code under 6).";

const MFA_LOGIN_EXAMPLES: &str = "\
Examples:
  credchain configure mfa-login
  credchain configure mfa-login --profile dev --update-profile dev-mfa
  credchain configure mfa-login --serial-number arn:aws:iam::123456789012:mfa/me --duration-seconds 3600
  printf '123456\\n\\n' | credchain configure mfa-login --profile dev";

/// The arguments of `configure mfa-login`.
/// `configure sso`'s options.
#[derive(Debug, Args)]
pub struct ConfigureSsoArgs {
    /// Do not open a browser: only print the URL.
    #[arg(long)]
    pub no_browser: bool,
    /// Use the device code flow instead of the browser on this machine.
    #[arg(long)]
    pub use_device_code: bool,
}

const CONFIGURE_SSO_ABOUT: &str = "\
Configure a profile that gets its credentials from IAM Identity Center, as
`aws configure sso` does. It asks for an SSO session name (none: the legacy
form, start URL and region in the profile), the start URL, region and
registration scopes of a new session, then signs in as `credchain sso login`
does, lists the accounts and roles you can reach (one is taken without asking;
several are a list: arrow keys and Enter on a terminal, a number otherwise),
asks for the default region, output format and (without --profile or
AWS_PROFILE) the profile name, and writes the profile and the session to the
config file. Nothing is written unless every step succeeds.";

#[derive(Debug, Args)]
pub struct MfaLoginArgs {
    /// The profile to write the temporary credentials to (asked for when not given).
    #[arg(long, value_name = "PROFILE")]
    pub update_profile: Option<String>,

    /// How long the credentials last, in seconds: 900 (15 minutes) to 129600 (36 hours).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 43200,
        allow_negative_numbers = true
    )]
    pub duration_seconds: i64,

    /// The MFA device's ARN or serial number (else the profile's mfa_serial, else asked for).
    #[arg(long, value_name = "SERIAL")]
    pub serial_number: Option<String>,
}

const SET_ABOUT: &str = "\
Write one value to the shared files, as `aws configure set` does, byte for
byte. NAME is a key of the active profile (`region`), a nested key
(`s3.max_concurrent_requests`, written as `s3 =` and an indented line), a key
of another profile (`profile.dev.region`, `default.region`), or a key of the
[plugins] section (`plugins.NAME`). aws_access_key_id, aws_secret_access_key,
aws_session_token and aws_security_token go to the credentials file under
[PROFILE]; every other key goes to the config file under [default] or
[profile PROFILE] (a name with a space or tab is quoted, as the AWS CLI quotes
it). With --sso-session or --services the value goes to that section of the
config file instead, and `a.b` is the nested form.

A line setting the key is replaced where it is (an inline comment goes with the
old value); a new key goes at the end of its section; a missing section or file
is created (a new file with mode 0600). Every other line is kept as it is. A
credentials file that others may read is warned about (`chmod 600`), as the AWS
CLI warns; its mode is not changed.

Exit status: 0 written; 252 an invalid --sso-session or --services name, both
given, or a nested key of more than two parts in such a section; 255 a value,
key or section name with a line break, or a file that cannot be written.";

const SET_EXAMPLES: &str = "\
Examples:
  credchain configure set region eu-west-1
  credchain configure set region eu-west-1 --profile dev
  credchain configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE --profile dev
  credchain configure set profile.dev.output json
  credchain configure set s3.max_concurrent_requests 20
  credchain configure set sso_region us-east-1 --sso-session corp
  credchain configure set s3.endpoint_url http://localhost:9000 --services local";

const IMPORT_ABOUT: &str = "\
Import the access keys of an IAM user from the CSV file the IAM console offers
for download, as `aws configure import` does: each row becomes a profile of the
credentials file named after the user (with --profile-prefix before it), with
its aws_access_key_id and aws_secret_access_key. Both of the console's layouts
are read (`User name,Password,Access key ID,Secret access key,Console login
link` and `User name,Access key ID,Secret access key`): the header must have
the three columns `User name`, `Access key ID` and `Secret access key`, in any
order and case; other columns are ignored. CSV is the text itself, or
file://PATH to read a file.

A row missing one of the three values fails the import (nothing is written),
unless --skip-invalid leaves it out. Prints `Successfully imported N
profile(s)`. A credentials file that others may read is warned about.

Exit status: 0 imported; 252 the file cannot be read; 255 an empty CSV, a
missing header, an invalid row, a path given without file://.";

const IMPORT_EXAMPLES: &str = "\
Examples:
  credchain configure import --csv file://credentials.csv
  credchain configure import --csv file://credentials.csv --skip-invalid
  credchain configure import --csv file://credentials.csv --profile-prefix test-
  credchain configure import --csv \"$(cat new_user_credentials.csv)\"";

/// The arguments of `configure set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The key: `region`, `s3.max_concurrent_requests`, `profile.NAME.region`, `plugins.NAME`.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The value.
    #[arg(value_name = "VALUE", allow_hyphen_values = true)]
    pub value: String,
    /// Write to the config file's [sso-session NAME] section.
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,
    /// Write to the config file's [services NAME] section.
    #[arg(long, value_name = "NAME")]
    pub services: Option<String>,
}

/// The arguments of `configure import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV text, or file://PATH.
    #[arg(long, value_name = "CSV", required = true, allow_hyphen_values = true)]
    pub csv: String,
    /// Leave out rows missing a value instead of failing.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Put PREFIX before each profile name.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub profile_prefix: String,
}

/// The arguments of `configure get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The key: `region`, `s3.max_concurrent_requests`, `profile.NAME.region`.
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_after_the_subcommand_too() {
        let cli = Cli::try_parse_from([
            "credchain",
            "configure",
            "get",
            "region",
            "--profile",
            "dev",
            "--dialect",
            "sdk",
        ])
        .unwrap();
        assert_eq!(cli.global.profile.as_deref(), Some("dev"));
        assert_eq!(cli.global.dialect, DialectArg::Sdk);
        assert_eq!(cli.global.options().get(Setting::Profile), Some("dev"));
        assert_eq!(cli.global.options().get(Setting::Region), None);
    }

    #[test]
    fn output_takes_the_settings_table_words() {
        assert!(
            Cli::try_parse_from(["credchain", "--output", "yaml", "configure", "list"]).is_ok()
        );
        let err =
            Cli::try_parse_from(["credchain", "--output", "xml", "configure", "list"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
