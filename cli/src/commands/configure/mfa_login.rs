//! `credchain configure mfa-login`: temporary credentials from STS GetSessionToken, signed with
//! the profile's long-term keys and an MFA code, written into a profile of the credentials
//! file, as the AWS CLI's `aws configure mfa-login` does
//! (awscli/customizations/configure/mfalogin.py).
//!
//! With credentials (the whole chain, as the AWS CLI's `session.get_credentials()`):
//! - The MFA device is `--serial-number`, else the profile's own `mfa_serial`, else asked for
//!   (`MFA serial number or ARN: `). The code is asked for (`MFA token code: `). An empty answer
//!   fails with status 1 (`MFA serial number or MFA device ARN is required`, `MFA token code is
//!   required`).
//! - The profile to write is `--update-profile`, else asked for with a default
//!   (`Profile to update [<default>]: `, Enter takes it): for an ARN starting
//!   `arn:aws:iam::`, `<account>-<device name>`; for anything else, `session-<serial>`.
//! - STS GetSessionToken (DurationSeconds, 43200 unless `--duration-seconds`; SerialNumber;
//!   TokenCode), at the STS endpoint the profile's settings resolve, retried as they say.
//!
//! With no credentials anywhere, `Please provide your AWS credentials:` and four prompts
//! instead: `AWS Access Key ID: `, `AWS Secret Access Key: `, `MFA serial number or ARN: ` (not
//! when `--serial-number` is given; the profile's `mfa_serial` is not read on this path) and
//! `MFA token code: `; an empty answer, or `None`, fails with status 1 (`<prompt> is required`).
//! The AWS CLI then calls STS through a new botocore session, which knows the environment and
//! the files but not `--profile` or `--region`: so does credchain here.
//!
//! Then the keys go into the credentials file's section `[<profile>]`, the name as given (no
//! `profile ` prefix, no quoting: the AWS CLI writes `target_profile` as the section itself), in
//! the order id, secret, token, with the permission warning of every credentials-file write,
//! and three lines on stdout: `Temporary credentials written to profile '<profile>'`,
//! `Credentials will expire at <time>`, `To use these credentials, specify --profile <profile>
//! when running AWS CLI commands`.
//!
//! The time is printed as the AWS CLI ends up printing it: its own session parses timestamps to
//! ISO 8601 text (`cli_timestamp_format`, default `iso8601`), on which the command's `strftime`
//! fails and it prints the text instead, `2099-01-02T03:04:05+00:00` (or, with `wire`, the text
//! STS sent); the new session of the no-credentials path parses to a datetime, which prints as
//! `2099-01-02 03:04:05 UTC`.
//!
//! Before the call, botocore's client-side check of the parameters' minimums (DurationSeconds
//! 900, SerialNumber 9 characters, TokenCode 6) fails with 252, as its ParamValidationError.
//! STS answering with an error is the AWS CLI's ClientError, printed after `An error occurred: `
//! with status 1: `An error occurred: An error occurred (AccessDenied) when calling the
//! GetSessionToken operation: <message>`. A call that gets no usable answer fails as botocore's
//! own errors do, with 255. Prompts are written to stdout and answered on stdin, from a terminal
//! or a pipe; input that ends before an answer fails with 255 and writes nothing. The secret
//! key, the session token and the code are never printed.

use credchain_core::config::evaluate::{configure_get, Evaluator, Options};
use credchain_core::config::settings::Setting;
use credchain_core::config::write::{Change, Edit};
use credchain_core::credentials::{Credentials, ProviderKind};
use credchain_core::io::{block_on, Env};
use credchain_core::services::retry::RetryConfig;
use credchain_core::services::sts::{self, Mfa, SessionCredentials, SessionTokenParams, StsError};
use credchain_core::FileKind;

use crate::args::MfaLoginArgs;
use crate::chain::{self, ChainError};
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::files::Diagnostics;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;
use crate::sts_call::{self, StsCall};

/// The status of the command's own refusals and of STS's error answers: its `return 1`.
const REFUSED: u8 = 1;

/// The AWS CLI's status for parameters botocore refuses before sending (its
/// ParamValidationError).
const PARAM_VALIDATION: u8 = 252;

/// The least `DurationSeconds`, `SerialNumber` length and `TokenCode` length STS's model
/// allows: botocore checks these minimums (never the maximums, nor the patterns) before it
/// sends anything.
const MIN_DURATION_SECONDS: i64 = 900;
const MIN_SERIAL_NUMBER_LEN: usize = 9;
const MIN_TOKEN_CODE_LEN: usize = 6;

/// The ARN prefix the AWS CLI reads an account and a device name from.
const IAM_ARN_PREFIX: &str = "arn:aws:iam::";

/// What the command got from STS, and where it goes.
struct Login {
    /// The profile (and section) to write.
    target: String,
    /// STS's answer.
    session: SessionCredentials,
    /// The expiry as the command prints it.
    expires: String,
}

/// How the expiry is printed (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeFormat {
    /// Python's `isoformat()` of the parsed time (the AWS CLI's session, `iso8601`).
    Iso,
    /// The text STS sent (the AWS CLI's session, `wire`).
    Wire,
    /// `strftime('%Y-%m-%d %H:%M:%S UTC')` (a new botocore session).
    Strftime,
}

/// Runs `configure mfa-login`.
impl<M: Machine + ?Sized> Run<M> for MfaLoginArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let login = ctx.with_files(Diagnostics::Warn, streams, |shared, streams| {
            // A profile that does not exist is botocore's ProfileNotFound: 255.
            let eval = Evaluator::new(shared.files, ctx.machine.env(), ctx.options)
                .map_err(Failure::other)?;
            match chain::resolve(ctx.machine, &eval) {
                Ok((_, caller)) => with_credentials(self, ctx, &eval, &caller, streams),
                Err(ChainError::NoProvider { .. } | ChainError::NoneFound { .. }) => {
                    // The AWS CLI's `botocore.session.Session()`: the environment and the files,
                    // without the command line's `--profile` and `--region`.
                    let options = Options::default();
                    let fresh = Evaluator::new(shared.files, ctx.machine.env(), &options)
                        .map_err(Failure::other)?;
                    without_credentials(self, ctx, &fresh, streams)
                }
                Err(error) => Err(error.failure()),
            }
        })?;
        let (id, secret, token) = {
            let c = &login.session.credentials;
            (
                c.access_key_id(),
                c.secret_access_key(),
                c.session_token().unwrap_or_default(),
            )
        };
        let changes = [
            ("aws_access_key_id", Change::Set(id)),
            ("aws_secret_access_key", Change::Set(secret)),
            ("aws_session_token", Change::Set(token)),
        ];
        let edit = Edit {
            section: &login.target,
            changes: &changes,
        };
        shared_write::store(ctx, FileKind::Credentials, &[edit], streams)?;
        let target = &login.target;
        writeln!(
            streams.out,
            "Temporary credentials written to profile '{target}'"
        )?;
        writeln!(streams.out, "Credentials will expire at {}", login.expires)?;
        writeln!(
            streams.out,
            "To use these credentials, specify --profile {target} when running AWS CLI commands"
        )?;
        Ok(())
    }
}

/// The path with credentials: the device from the option or the profile (or asked for), the
/// code, the profile to write, then STS signed with `caller`.
fn with_credentials<M: Machine + ?Sized>(
    args: &MfaLoginArgs,
    ctx: &Context<'_, M>,
    eval: &Evaluator<'_, '_, M::Env>,
    caller: &Credentials,
    streams: &mut Streams<'_>,
) -> Result<Login, Failure> {
    // The profile's own value, as botocore's scoped config has it (both files, never the
    // environment); an empty one counts as none, as Python's `or` takes it.
    let configured = configure_get(eval, "mfa_serial")
        .ok()
        .flatten()
        .and_then(|v| v.value.as_str())
        .filter(|s| !s.is_empty());
    let serial = match given(args.serial_number.as_deref()).or(configured) {
        Some(serial) => serial.to_owned(),
        None => {
            let answer = ask(ctx.machine, streams, "MFA serial number or ARN")?;
            if answer.is_empty() {
                return Err(required("MFA serial number or MFA device ARN"));
            }
            answer
        }
    };
    let code = ask(ctx.machine, streams, "MFA token code")?;
    if code.is_empty() {
        return Err(required("MFA token code"));
    }
    let target = target_profile(args, ctx.machine, &serial, streams)?;
    let session = get_session_token(ctx, eval, caller, args.duration_seconds, &serial, &code)?;
    let format = match eval.resolve(Setting::CliTimestampFormat) {
        Ok(Some(format)) if format.value.as_str() == Some("wire") => TimeFormat::Wire,
        _ => TimeFormat::Iso,
    };
    let expires = expiry(&session, format);
    Ok(Login {
        target,
        session,
        expires,
    })
}

/// The path without credentials: the keys, the device (unless given) and the code asked for,
/// the profile to write, then STS signed with the keys typed, through `fresh` (the settings a
/// new botocore session has).
fn without_credentials<M: Machine + ?Sized>(
    args: &MfaLoginArgs,
    ctx: &Context<'_, M>,
    fresh: &Evaluator<'_, '_, M::Env>,
    streams: &mut Streams<'_>,
) -> Result<Login, Failure> {
    writeln!(streams.out, "Please provide your AWS credentials:")?;
    let answer = |prompt: &str, streams: &mut Streams<'_>| -> Result<String, Failure> {
        let answer = ask(ctx.machine, streams, prompt)?;
        if answer.is_empty() || answer == "None" {
            return Err(required(prompt));
        }
        Ok(answer)
    };
    let key_id = answer("AWS Access Key ID", streams)?;
    let secret = answer("AWS Secret Access Key", streams)?;
    let serial = match given(args.serial_number.as_deref()) {
        Some(serial) => serial.to_owned(),
        None => answer("MFA serial number or ARN", streams)?,
    };
    let code = answer("MFA token code", streams)?;
    let target = target_profile(args, ctx.machine, &serial, streams)?;
    // The provider is only a label here: these keys are used to sign, never reported.
    let caller = Credentials::new(
        ProviderKind::SharedCredentialsFile,
        &key_id,
        &secret,
        None,
        None,
        None,
    )
    .map_err(Failure::other)?;
    let session = get_session_token(ctx, fresh, &caller, args.duration_seconds, &serial, &code)?;
    let expires = expiry(&session, TimeFormat::Strftime);
    Ok(Login {
        target,
        session,
        expires,
    })
}

/// An option's value as Python tests it: given and not empty.
fn given(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

/// The AWS CLI's refusal of an empty answer (status 1).
fn required(what: &str) -> Failure {
    Failure::WithStatus(REFUSED, format!("{what} is required"))
}

/// Writes `<prompt>: ` to stdout and reads the answer, as typed (only the line end removed).
fn ask(
    machine: &(impl Machine + ?Sized),
    streams: &mut Streams<'_>,
    prompt: &str,
) -> Result<String, Failure> {
    super::answer(machine, streams, &format!("{prompt}: "), prompt)
}

/// The profile to write: `--update-profile`, else the answer to `Profile to update
/// [<default>]: ` (Enter takes the default).
fn target_profile(
    args: &MfaLoginArgs,
    machine: &(impl Machine + ?Sized),
    serial: &str,
    streams: &mut Streams<'_>,
) -> Result<String, Failure> {
    if let Some(target) = given(args.update_profile.as_deref()) {
        return Ok(target.to_owned());
    }
    let default = default_profile_name(serial)?;
    write!(streams.out, "Profile to update [{default}]: ")?;
    let answer = super::read_answer_line(machine, streams, "Profile to update")?;
    Ok(if answer.is_empty() { default } else { answer })
}

/// The AWS CLI's name for the profile of a device: `<account>-<device name>` for an
/// `arn:aws:iam::` ARN (the fifth and sixth `:` fields, the name after the last `/`), else
/// `session-<serial>`.
///
/// # Errors
/// An `arn:aws:iam::` ARN with fewer than six fields (the AWS CLI fails on it too, with 255).
fn default_profile_name(serial: &str) -> Result<String, Failure> {
    if !serial.starts_with(IAM_ARN_PREFIX) {
        return Ok(format!("session-{serial}"));
    }
    let fields: Vec<&str> = serial.split(':').collect();
    match (fields.get(4), fields.get(5)) {
        (Some(account), Some(resource)) => {
            let device = resource.rsplit('/').next().unwrap_or_default();
            Ok(format!("{account}-{device}"))
        }
        _ => Err(Failure::Other(format!(
            "the MFA device ARN {serial} has no resource part, so no profile name can be made \
             from it; give the ARN whole (arn:aws:iam::ACCOUNT:mfa/NAME) or --update-profile"
        ))),
    }
}

/// STS GetSessionToken at the endpoint `eval`'s settings resolve, retried as they say, signed
/// with `caller`.
fn get_session_token<M: Machine + ?Sized, E: Env + ?Sized>(
    ctx: &Context<'_, M>,
    eval: &Evaluator<'_, '_, E>,
    caller: &Credentials,
    duration_seconds: i64,
    serial: &str,
    code: &str,
) -> Result<SessionCredentials, Failure> {
    let call = StsCall::resolve(eval)?;
    check_parameters(duration_seconds, serial, code)?;
    // botocore finds it has no region to sign with only when it signs, after the check.
    let call = call.signed()?;
    let params = SessionTokenParams {
        duration_seconds: Some(duration_seconds),
        mfa: Some(Mfa {
            serial_number: serial,
            token_code: code,
        }),
    };
    block_on(sts::get_session_token(
        &call.target(ctx.machine, caller),
        &params,
    ))
    .map_err(|error| sts_failure(&error, call.options.retry))
}

/// botocore's check of the parameters against STS's model, before anything is sent: each
/// minimum that is not met, in the order the parameters are passed, as its
/// ParamValidationError words them (a length is printed as the length, never the value).
fn check_parameters(duration_seconds: i64, serial: &str, code: &str) -> Result<(), Failure> {
    let mut problems = Vec::new();
    if duration_seconds < MIN_DURATION_SECONDS {
        problems.push(format!(
            "Invalid value for parameter DurationSeconds, value: {duration_seconds}, valid min \
             value: {MIN_DURATION_SECONDS}"
        ));
    }
    // Python's len(): characters, not bytes.
    let lengths = [
        ("SerialNumber", serial, MIN_SERIAL_NUMBER_LEN),
        ("TokenCode", code, MIN_TOKEN_CODE_LEN),
    ];
    for (name, value, min) in lengths {
        let len = value.chars().count();
        if len < min {
            problems.push(format!(
                "Invalid length for parameter {name}, value: {len}, valid min length: {min}"
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::WithStatus(
        PARAM_VALIDATION,
        format!(
            "An error occurred (ParamValidation): Parameter validation failed:\n{}",
            problems.join("\n")
        ),
    ))
}

/// STS's error answer as the AWS CLI prints its ClientError, after `An error occurred: `
/// (status 1); any other failure in credchain's words (255).
fn sts_failure(error: &StsError<'_>, retry: RetryConfig) -> Failure {
    match sts_call::client_error(error, retry) {
        Some(text) => Failure::WithStatus(REFUSED, format!("An error occurred: {text}")),
        None => Failure::other(error),
    }
}

/// The expiry as the AWS CLI prints it in `format`.
fn expiry(session: &SessionCredentials, format: TimeFormat) -> String {
    if format == TimeFormat::Wire {
        return session.expiration_text.to_string();
    }
    let mut iso = String::new();
    // Writing to a String cannot fail.
    let _ = session.credentials.write_expiration(&mut iso);
    match format {
        // `YYYY-MM-DDTHH:MM:SS...`: the date and the wall time in the offset STS wrote, as
        // `strftime` prints an aware datetime (its fraction dropped).
        TimeFormat::Strftime if iso.len() >= 19 && iso.as_bytes()[10] == b'T' => {
            format!("{} {} UTC", &iso[..10], &iso[11..19])
        }
        _ => iso,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_names() {
        let name = |serial| default_profile_name(serial).unwrap();
        assert_eq!(
            name("arn:aws:iam::123456789012:mfa/my-device"),
            "123456789012-my-device"
        );
        assert_eq!(
            name("arn:aws:iam::123456789012:mfa/path/to/dev"),
            "123456789012-dev"
        );
        // Python's split(':')[5]: a further colon ends the field.
        assert_eq!(name("arn:aws:iam::123456789012:mfa/a:b"), "123456789012-a");
        // Only the aws partition's prefix is read as an ARN.
        assert_eq!(
            name("arn:aws-cn:iam::123456789012:mfa/x"),
            "session-arn:aws-cn:iam::123456789012:mfa/x"
        );
        assert_eq!(name("GAHT12345678"), "session-GAHT12345678");
        assert!(matches!(
            default_profile_name("arn:aws:iam::123456789012"),
            Err(Failure::Other(_))
        ));
    }

    #[test]
    fn parameters_below_the_model_s_minimums() {
        assert!(check_parameters(900, "GAHT12345", "123456").is_ok());
        // Maximums are STS's to check, not botocore's.
        assert!(check_parameters(200_000, "GAHT12345", "1234567").is_ok());
        let Err(Failure::WithStatus(252, message)) = check_parameters(100, "GAHT1", "1") else {
            panic!("refused with 252");
        };
        assert_eq!(
            message,
            "An error occurred (ParamValidation): Parameter validation failed:\n\
             Invalid value for parameter DurationSeconds, value: 100, valid min value: 900\n\
             Invalid length for parameter SerialNumber, value: 5, valid min length: 9\n\
             Invalid length for parameter TokenCode, value: 1, valid min length: 6"
        );
        // Characters, as Python counts them.
        assert!(check_parameters(900, "ééééééééé", "123456").is_ok());
    }

    #[test]
    fn expiry_formats() {
        let session = |text: &str| {
            let answer = format!(
                "<GetSessionTokenResponse><GetSessionTokenResult><Credentials>\
                 <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
                 <SessionToken>t</SessionToken><Expiration>{text}</Expiration>\
                 </Credentials></GetSessionTokenResult></GetSessionTokenResponse>"
            );
            sts::parse_session_token_response(200, None, answer.as_bytes()).unwrap()
        };
        let z = session("2099-01-02T03:04:05Z");
        assert_eq!(expiry(&z, TimeFormat::Iso), "2099-01-02T03:04:05+00:00");
        assert_eq!(expiry(&z, TimeFormat::Wire), "2099-01-02T03:04:05Z");
        assert_eq!(expiry(&z, TimeFormat::Strftime), "2099-01-02 03:04:05 UTC");
        let fraction = session("2099-07-11T19:55:29.611+02:00");
        assert_eq!(
            expiry(&fraction, TimeFormat::Iso),
            "2099-07-11T19:55:29.611000+02:00"
        );
        // strftime prints the wall time of the offset, labelled UTC, as the AWS CLI does.
        assert_eq!(
            expiry(&fraction, TimeFormat::Strftime),
            "2099-07-11 19:55:29 UTC"
        );
    }
}
