//! `credential_process`: run a helper program and read its Version 1 JSON.

use serde::Deserialize;

use crate::chain::execute::{
    Detail, ExecuteError, ProcessFailure, VersionNumber, MAX_COMMAND_ARGS, MAX_COMMAND_LEN,
    MAX_PROCESS_OUTPUT, PROCESS_TIMEOUT_MS,
};
use crate::credentials::ProviderKind;
use crate::credentials::{parse_timestamp, Credentials, MAX_ACCOUNT_ID_LEN, MAX_SESSION_TOKEN_LEN};
use crate::io::{Command, CommandRequest};
use crate::Sourced;

/// `credential_process`'s output, Version 1.
#[derive(Deserialize)]
#[allow(non_snake_case)] // The JSON's own field names.
struct ProcessJson {
    // A number, not an integer: botocore accepts any JSON number equal to 1 (`1.0 == 1`).
    Version: f64,
    AccessKeyId: heapless::String<{ crate::credentials::MAX_ACCESS_KEY_ID_LEN }>,
    SecretAccessKey: heapless::String<{ crate::credentials::MAX_SECRET_ACCESS_KEY_LEN }>,
    SessionToken: Option<heapless::String<MAX_SESSION_TOKEN_LEN>>,
    Expiration: Option<heapless::String<64>>,
    AccountId: Option<heapless::String<MAX_ACCOUNT_ID_LEN>>,
}

/// Splits the command like a POSIX shell (the AWS CLI uses Python's `shlex.split`) and runs it
/// without a shell.
pub(crate) async fn run<'a, C: Command + ?Sized>(
    command: &C,
    profile: &'a str,
    line: Sourced<'a>,
    profile_account_id: Option<Sourced<'a>>,
) -> Result<Credentials, ExecuteError<'a>> {
    let fail = |failure| ExecuteError::Process {
        profile,
        command: line,
        failure: Detail::new(failure),
    };
    let mut unquoted = heapless::String::<MAX_COMMAND_LEN>::new();
    let mut ends = heapless::Vec::<usize, MAX_COMMAND_ARGS>::new();
    let (words, count) = crate::config::parse::shell_words::<MAX_COMMAND_ARGS>(line.value)
        .map_err(|_| fail(ProcessFailure::BadCommand))?;
    if count == 0 {
        return Err(fail(ProcessFailure::BadCommand));
    }
    if count > MAX_COMMAND_ARGS {
        return Err(fail(ProcessFailure::CommandTooLong));
    }
    for word in &words {
        for c in crate::config::parse::unquote_shell_word(word) {
            unquoted
                .push(c)
                .map_err(|_| fail(ProcessFailure::CommandTooLong))?;
        }
        let _ = ends.push(unquoted.len()); // `ends` has room for every word
    }
    let mut argv = heapless::Vec::<&str, MAX_COMMAND_ARGS>::new();
    let mut start = 0;
    for &end in &ends {
        let _ = argv.push(&unquoted[start..end]);
        start = end;
    }
    let output = command
        .run(&CommandRequest {
            argv: &argv,
            timeout_ms: PROCESS_TIMEOUT_MS,
            max_output_bytes: MAX_PROCESS_OUTPUT,
        })
        .await
        .map_err(|e| fail(ProcessFailure::Run(e)))?;
    if output.status != Some(0) {
        let mut stderr = heapless::String::new();
        let text = core::str::from_utf8(output.stderr.as_ref()).unwrap_or("(not UTF-8)");
        for c in text.chars() {
            if stderr.push(c).is_err() {
                break; // The start of the error output is enough to point at the cause.
            }
        }
        return Err(fail(ProcessFailure::Exit {
            code: output.status,
            stderr,
        }));
    }
    let mut unescape = [0u8; MAX_SESSION_TOKEN_LEN];
    let (json, _): (ProcessJson, usize) =
        serde_json_core::from_slice_escaped(output.stdout.as_ref(), &mut unescape)
            .map_err(|_| fail(ProcessFailure::BadJson))?;
    if json.Version != 1.0 {
        return Err(fail(ProcessFailure::UnsupportedVersion(VersionNumber(
            json.Version,
        ))));
    }
    let expiration = match &json.Expiration {
        Some(e) => Some(parse_timestamp(e).ok_or(fail(ProcessFailure::BadExpiration))?),
        None => None,
    };
    let credentials = Credentials::new(
        ProviderKind::CredentialProcess,
        &json.AccessKeyId,
        &json.SecretAccessKey,
        json.SessionToken.as_deref(),
        expiration.map(|e| e.unix),
        // An empty or missing AccountId falls back to the profile's (Python's `or`).
        json.AccountId
            .as_deref()
            .filter(|a| !a.is_empty())
            .or(profile_account_id.map(|a| a.value)),
    )?;
    Ok(match expiration {
        Some(e) => credentials.with_expiration_form(e.form),
        None => credentials,
    })
}
