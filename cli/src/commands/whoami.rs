//! `credchain whoami`: STS GetCallerIdentity signed with the active profile's credentials,
//! printed as `aws sts get-caller-identity` prints it.
//!
//! - The credentials are the whole chain's, as `export-credentials` resolves them (and fail as
//!   it fails: 253, 254). The STS endpoint is the one the profile's settings resolve
//!   (`sts_regional_endpoints`, `AWS_ENDPOINT_URL_STS`, `endpoint_url`...), retried as they say.
//! - The answer is printed in the `output` format (`--output`, `AWS_DEFAULT_OUTPUT`, the
//!   profile's `output`; `json` by default) as the AWS CLI's formatters print a response:
//!   `json` as Python's `json.dumps(indent=4, ensure_ascii=False)` with the members in the
//!   answer's order (UserId, Account, Arn); `text` as one line of the values in the order of
//!   their sorted names (Account, Arn, UserId), tab separated. `table`, `yaml` and
//!   `yaml-stream` are printed as `json`, with a note on stderr (docs/quirks.md).
//! - STS answering with an error is the AWS CLI's ClientError, status 254: `An error occurred
//!   (CODE) when calling the GetCallerIdentity operation: MESSAGE`.
//! - `--explain` adds, on stderr, which provider gave the credentials and for which profile.

use clap::Args;
use credchain_core::config::evaluate::Evaluator;
use credchain_core::config::settings::Setting;
use credchain_core::io::{block_on, Env};
use credchain_core::services::sts::{self, CallerIdentity};

use crate::chain;
use crate::commands::export::unknown_profile;
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::json::Json;
use crate::output::Streams;
use crate::sts_call::{self, StsCall};

/// `whoami`'s options.
#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// Also say, on stderr, which provider gave the credentials.
    #[arg(long)]
    pub explain: bool,
}

/// `whoami`'s help.
pub const ABOUT: &str = "\
Print who the active profile's credentials belong to: STS GetCallerIdentity,
signed with the credentials the AWS CLI would use, printed as
`aws sts get-caller-identity` prints it (UserId, Account, Arn; in the `output`
format, json or text). With --explain, stderr also names the provider that
gave the credentials. Exits as export-credentials does when there are no
credentials (253, 254), and with 254 when STS refuses them.";

/// `whoami`'s examples.
pub const EXAMPLES: &str = "\
Examples:
  credchain whoami
  credchain whoami --profile dev --explain
  credchain whoami --output text";

/// How the answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Text,
    /// A format credchain does not write for this command (table, yaml): JSON, with a note.
    JsonInstead,
}

/// Runs `whoami`.
impl<M: Machine + ?Sized> Run<M> for WhoamiArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        ctx.with_evaluator(streams, unknown_profile, |eval, streams| {
            let format = format(eval)?;
            let (_, credentials) = chain::resolve(ctx.machine, eval).map_err(|e| e.failure())?;
            // GetCallerIdentity at the endpoint the settings resolve, retried as they say.
            let call = StsCall::resolve(eval)?.signed()?;
            let identity = block_on(sts::get_caller_identity(
                &call.target(ctx.machine, &credentials),
            ))
            .map_err(|error| sts_call::call_failure(&error, call.options.retry))?;
            if format == Format::JsonInstead {
                streams.warn(
                    "whoami prints json or text; the configured output format is printed as json",
                )?;
            }
            let text = match format {
                Format::Text => text(&identity),
                Format::Json | Format::JsonInstead => json(&identity),
            };
            streams.out.write_all(text.as_bytes())?;
            if self.explain {
                writeln!(
                    streams.err,
                    "The credentials came from the {} provider (profile {}).",
                    credentials.provider().describe(),
                    eval.active_profile().name
                )?;
            }
            Ok(())
        })
    }
}

/// The `output` format the settings resolve.
fn format<E: Env + ?Sized>(eval: &Evaluator<'_, '_, E>) -> Result<Format, Failure> {
    let resolved = eval
        .resolve(Setting::Output)
        .map_err(Failure::configuration)?;
    Ok(match resolved.as_ref().and_then(|r| r.value.as_str()) {
        None | Some("json") => Format::Json,
        Some("text") => Format::Text,
        Some(_) => Format::JsonInstead,
    })
}

/// The AWS CLI's `json` output of the answer.
fn json(identity: &CallerIdentity) -> String {
    let value = Json::Object(vec![
        ("UserId", identity.user_id.as_str().into()),
        ("Account", identity.account.as_str().into()),
        ("Arn", identity.arn.as_str().into()),
    ]);
    let mut text = value.aws_output();
    text.push('\n');
    text
}

/// The AWS CLI's `text` output of the answer: the values by their sorted names.
fn text(identity: &CallerIdentity) -> String {
    format!(
        "{}\t{}\t{}\n",
        identity.account, identity.arn, identity.user_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(user_id: &str, account: &str, arn: &str) -> CallerIdentity {
        CallerIdentity {
            user_id: user_id.try_into().unwrap(),
            account: account.try_into().unwrap(),
            arn: arn.try_into().unwrap(),
        }
    }

    #[test]
    fn json_as_the_aws_cli_prints_it() {
        let who = identity(
            "AIDAEXAMPLE",
            "123456789012",
            "arn:aws:iam::123456789012:user/d\u{e9}v\"x",
        );
        assert_eq!(
            json(&who),
            "{\n    \"UserId\": \"AIDAEXAMPLE\",\n    \"Account\": \"123456789012\",\n    \
             \"Arn\": \"arn:aws:iam::123456789012:user/d\u{e9}v\\\"x\"\n}\n"
        );
    }

    #[test]
    fn text_in_the_order_of_the_sorted_names() {
        let who = identity("AROA1:s", "1", "arn:aws:sts::1:assumed-role/r/s");
        assert_eq!(text(&who), "1\tarn:aws:sts::1:assumed-role/r/s\tAROA1:s\n");
    }
}
