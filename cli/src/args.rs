//! The command line: what credchain accepts, as clap derive types.
//!
//! Names and shapes follow the AWS CLI v2 (`configure get`, `configure list`,
//! `configure list-profiles`, the global `--profile`, `--region`, `--output`), so a command that
//! works with `aws` works with `credchain`. `--dialect` is credchain's own: which grammar reads the
//! shared files. Global options may come before or after the subcommand.

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use credchain_core::evaluate::Options;
use credchain_core::settings::{Kind, Setting};
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
  credchain configure list                      every setting in effect, with its source
  credchain configure list --profile dev        the same for the profile dev
  credchain configure get region --profile dev  one value, as `aws configure get` prints it
  credchain configure list-profiles             the profiles both files define
  credchain --dialect sdk configure list        read the files as the AWS SDKs do

Exit status: 0 success, 1 `configure get` of an unset key, 2 usage error,
253 configuration error (a file that cannot be located, read or parsed), 255 other errors.";

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
    /// Read the configuration: one value, every value with its source, or the profiles.
    #[command(
        subcommand,
        long_about = "\
Read the AWS configuration as the AWS CLI v2 sees it: one value (`get`), a
table of every setting in effect with where it came from (`list`), or the
names of the profiles (`list-profiles`). Nothing is written and no network
call is made.",
        arg_required_else_help = true
    )]
    Configure(ConfigureCommand),
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
exactly where: the option, the variable, or the file and line. Keys are
masked: only their last four characters are shown.",
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
