//! `export-credentials`' output formats, byte for byte the AWS CLI's
//! (`awscli/customizations/configure/exportcreds.py`, observed with v2.36.7 in
//! ../shared/conformance/export-formats):
//!
//! | format | a line |
//! |---|---|
//! | `process` | `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ..., "AccountId": ...}`, indented by two spaces |
//! | `env` | `export AWS_ACCESS_KEY_ID=AKID` |
//! | `env-no-export` | `AWS_ACCESS_KEY_ID=AKID` |
//! | `powershell` | `$Env:AWS_ACCESS_KEY_ID="AKID"` |
//! | `windows-cmd` | `set AWS_ACCESS_KEY_ID=AKID` |
//! | `fish` | `set -gx AWS_ACCESS_KEY_ID "AKID"` |
//!
//! The line formats print AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, then AWS_SESSION_TOKEN and
//! AWS_CREDENTIAL_EXPIRATION when known; `process` adds `AccountId` when known. The expiry is
//! written as Python's `isoformat()` of a UTC time (`2099-01-02T03:04:05+00:00`).
//!
//! One difference, for values no AWS credential holds: the AWS CLI writes every value as it
//! is, so a `credential_process` that returns a key with a space, a quote or `$(...)` makes
//! `eval "$(aws configure export-credentials --format env)"` run part of it. credchain quotes
//! such a value so that the shell reads back exactly the value (single quotes for `env` and
//! `env-no-export`, escapes inside the double quotes of `fish` and `powershell`), and refuses
//! to print one that `cmd.exe` cannot read back (`windows-cmd` with `%`, `^`, `&`, `|`, `<`,
//! `>`, `"` or a control character). Real keys, tokens and times are printed as the AWS CLI
//! prints them.

use std::fmt;

use credchain_core::credentials::Credentials;

use crate::args::ExportFormat;
use crate::output::json::Json;

/// A value that `windows-cmd` cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unrepresentable {
    /// The variable whose value it is.
    pub variable: &'static str,
}

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the value of {} holds a character that cmd.exe cannot read back from \
             `set NAME=value` (%, ^, &, |, <, >, \" or a control character); use \
             --format powershell or --format process",
            self.variable
        )
    }
}

/// The expiry as the AWS CLI prints it: `isoformat()` of the time it parsed, so the offset and
/// fraction the source wrote are kept (`+02:00` stays `+02:00`).
#[must_use]
pub fn expiration(credentials: &Credentials) -> Option<String> {
    credentials.expiration()?;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = credentials.write_expiration(&mut out);
    Some(out)
}

/// The environment variables the credentials set, in the AWS CLI's order.
#[must_use]
pub fn variables(credentials: &Credentials) -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().to_owned(),
        ),
    ];
    if let Some(token) = credentials.session_token() {
        vars.push(("AWS_SESSION_TOKEN", token.to_owned()));
    }
    if let Some(expiration) = expiration(credentials) {
        vars.push(("AWS_CREDENTIAL_EXPIRATION", expiration));
    }
    vars
}

/// The credentials in `format`, ending with a newline.
pub fn render(format: ExportFormat, credentials: &Credentials) -> Result<String, Unrepresentable> {
    if format == ExportFormat::Process {
        return Ok(process_json(credentials).pretty() + "\n");
    }
    let mut out = String::new();
    for (name, value) in variables(credentials) {
        let line = match format {
            ExportFormat::Process => unreachable!("handled above"),
            ExportFormat::Env => format!("export {name}={}", posix_word(&value)),
            ExportFormat::EnvNoExport => format!("{name}={}", posix_word(&value)),
            ExportFormat::Powershell => {
                format!("$Env:{name}=\"{}\"", escape(&value, '`', &['`', '"', '$']))
            }
            ExportFormat::WindowsCmd => {
                if value
                    .chars()
                    .any(|c| c.is_control() || "%^&|<>\"".contains(c))
                {
                    return Err(Unrepresentable { variable: name });
                }
                format!("set {name}={value}")
            }
            ExportFormat::Fish => {
                format!(
                    "set -gx {name} \"{}\"",
                    escape(&value, '\\', &['\\', '"', '$'])
                )
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// The `credential_process` JSON: Version 1, the keys, and what is known of the rest.
fn process_json(credentials: &Credentials) -> Json {
    let mut fields = vec![
        ("Version", Json::Int(1)),
        ("AccessKeyId", credentials.access_key_id().into()),
        ("SecretAccessKey", credentials.secret_access_key().into()),
    ];
    if let Some(token) = credentials.session_token() {
        fields.push(("SessionToken", token.into()));
    }
    if let Some(expiration) = expiration(credentials) {
        fields.push(("Expiration", expiration.into()));
    }
    if let Some(account) = credentials.account_id() {
        fields.push(("AccountId", account.into()));
    }
    Json::Object(fields)
}

/// A value as a POSIX shell word: as it is when every character is one no shell treats
/// specially (every real key, token and time), else in single quotes.
fn posix_word(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/+=_.,:@%-".contains(c));
    if plain {
        return value.to_owned();
    }
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// `value` with each of `special` preceded by `escape`.
fn escape(value: &str, escape: char, special: &[char]) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if special.contains(&c) {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use credchain_core::credentials::ProviderKind;

    fn creds(key: &str, secret: &str, token: Option<&str>) -> Credentials {
        Credentials::new(
            ProviderKind::CredentialProcess,
            key,
            secret,
            token,
            Some(4_071_006_245),
            Some("123456789012"),
        )
        .unwrap()
    }

    #[test]
    fn process_json_in_the_aws_cli_order_with_account_id_last() {
        let out = render(
            ExportFormat::Process,
            &creds("AKID", "sec/ret+", Some("t==")),
        )
        .unwrap();
        assert_eq!(
            out,
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKID\",\n  \"SecretAccessKey\": \
             \"sec/ret+\",\n  \"SessionToken\": \"t==\",\n  \"Expiration\": \
             \"2099-01-02T03:04:05+00:00\",\n  \"AccountId\": \"123456789012\"\n}\n"
        );
    }

    #[test]
    fn real_values_are_printed_as_they_are() {
        let c = creds("AKID", "wJalr/K7+EKEY", Some("IQo/+="));
        for (format, line) in [
            (ExportFormat::Env, "export AWS_SESSION_TOKEN=IQo/+=\n"),
            (ExportFormat::EnvNoExport, "AWS_SESSION_TOKEN=IQo/+=\n"),
            (
                ExportFormat::Powershell,
                "$Env:AWS_SESSION_TOKEN=\"IQo/+=\"\n",
            ),
            (ExportFormat::WindowsCmd, "set AWS_SESSION_TOKEN=IQo/+=\n"),
            (ExportFormat::Fish, "set -gx AWS_SESSION_TOKEN \"IQo/+=\"\n"),
        ] {
            let out = render(format, &c).unwrap();
            assert!(out.contains(line), "{format:?}: {out}");
            assert_eq!(out.lines().count(), 4, "{format:?}: {out}");
        }
    }

    #[test]
    fn odd_values_read_back_exactly() {
        let c = creds("AKID", "it's $(rm -rf ~) \"x\"`", None);
        let line = |format| {
            render(format, &c)
                .unwrap()
                .lines()
                .nth(1)
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            line(ExportFormat::Env),
            r#"export AWS_SECRET_ACCESS_KEY='it'\''s $(rm -rf ~) "x"`'"#
        );
        assert_eq!(
            line(ExportFormat::Fish),
            r#"set -gx AWS_SECRET_ACCESS_KEY "it's \$(rm -rf ~) \"x\"`""#
        );
        assert_eq!(
            line(ExportFormat::Powershell),
            r#"$Env:AWS_SECRET_ACCESS_KEY="it's `$(rm -rf ~) `"x`"``""#
        );
        assert_eq!(
            render(ExportFormat::WindowsCmd, &c),
            Err(Unrepresentable {
                variable: "AWS_SECRET_ACCESS_KEY"
            })
        );
        assert_eq!(posix_word(""), "");
    }
}
