//! `credchain lint`: the core's findings on the shared files ([`credchain_core::config::lint`]),
//! with the files' real permission bits, as text or JSON.
//!
//! Text, one finding per entry, in file then line order:
//!
//! ```text
//! /home/me/.aws/config:12: warning: unknown key `regoin`: did you mean `region`? [unknown-key]
//!     fix: rename it to `region`
//! /home/me/.aws/credentials: warning: the file is readable by others (mode 644); ... [file-permissions]
//!     fix: chmod 600 the file (readable and writable by its owner only)
//! ```
//!
//! (no line number for a finding about the whole file). JSON: an array of objects with `code`,
//! `severity`, `file` (`config` or `credentials`), `path`, `line` (`null` for the whole file),
//! `message` and `fix`. Every finding is shown; `--severity` (default `warning`) sets the exit
//! status: 1 when a finding at or above it is present, 0 otherwise. A file that cannot be
//! located or read fails as in every command (253); one the AWS CLI cannot parse is a finding.

use clap::{Args, ValueEnum};
use credchain_core::config::lint::{self, Finding, LintFile, Severity};
use credchain_core::config::load::LoadedFile;
use credchain_core::FileKind;

use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::files;
use crate::machine::Machine;
use crate::output::json::Json;
use crate::output::Streams;

/// `lint`'s options.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Plain text for people, or a JSON array for programs.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    pub format: LintFormat,
    /// Exit with status 1 when a finding at or above this severity is present.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t)]
    pub severity: LintSeverity,
}

/// `lint --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LintFormat {
    /// `FILE:LINE: SEVERITY: MESSAGE [CODE]`, then the fix on an indented line.
    #[default]
    Text,
    /// One JSON array of findings.
    Json,
}

/// `lint --severity` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LintSeverity {
    /// Only errors fail.
    Error,
    /// Warnings and errors fail.
    #[default]
    Warning,
    /// Every finding fails.
    Info,
}

impl From<LintSeverity> for Severity {
    fn from(s: LintSeverity) -> Self {
        match s {
            LintSeverity::Error => Severity::Error,
            LintSeverity::Warning => Severity::Warning,
            LintSeverity::Info => Severity::Info,
        }
    }
}

/// `lint`'s help.
pub const ABOUT: &str = "\
Check the shared config and credentials files for problems the AWS CLI is
silent about or reports late: lines the AWS CLI and the AWS SDKs read
differently (inline comments, quoting, duplicate sections and keys, [DEFAULT],
continuation lines), unknown keys (with a \"did you mean\"), [profile x]
sections in the credentials file, source_profile, sso_session and
credential_source that name nothing, role chains that loop, values over
several lines, long-term keys in plain text and files readable by group or
others. Each finding has a file and line, a severity, a stable code and the
fix. Exits with 1 when a finding at or above --severity (default warning) is
present, 0 otherwise; 253 when a file cannot be read.";

/// `lint`'s examples.
pub const EXAMPLES: &str = "\
Examples:
  credchain lint
  credchain lint --format json
  credchain lint --severity error    # in CI: fail only on what breaks the AWS CLI";

/// Runs `lint`: fails with 253 when a file cannot be located or read, with
/// [`Failure::Status`] 1 for findings at or above `--severity`.
impl<M: Machine + ?Sized> Run<M> for LintArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let machine = ctx.machine;
        files::with_loaded(machine, ctx.dialect, |_, loaded| {
            let file = |f| lint_file(machine, f);
            let findings = lint::lint(file(&loaded.config), file(&loaded.credentials));
            let path = |kind| match kind {
                FileKind::Config => loaded.config.path,
                FileKind::Credentials => loaded.credentials.path,
            };
            let written = match self.format {
                LintFormat::Text => findings
                    .iter()
                    .try_for_each(|f| write_text(streams, path(f.file), f)),
                LintFormat::Json => {
                    let all = findings.iter().map(|f| to_json(path(f.file), f)).collect();
                    writeln!(streams.out, "{}", Json::Array(all).pretty())
                }
            };
            written.map_err(Failure::Output)?;
            if lint::any_at_or_above(&findings, self.severity.into()) {
                return Err(Failure::Status(1));
            }
            Ok(())
        })
    }
}

/// One loaded file for the core, with its permission bits when it exists.
fn lint_file<'a, M: Machine + ?Sized>(
    machine: &M,
    f: &'a LoadedFile<'a, M::SharedFile>,
) -> LintFile<'a> {
    let text = f.contents.as_ref().map(AsRef::as_ref);
    LintFile {
        path: f.path,
        text,
        mode: text.and_then(|_| machine.shared_file_mode(f.path)),
    }
}

fn write_text(streams: &mut Streams<'_>, path: &str, f: &Finding) -> std::io::Result<()> {
    let at = if f.line == 0 {
        String::new()
    } else {
        format!(":{}", f.line)
    };
    writeln!(
        streams.out,
        "{path}{at}: {}: {} [{}]\n    fix: {}",
        f.severity, f.message, f.code, f.fix
    )
}

/// One finding as JSON (the same members as the C library's accessors and the npm objects).
fn to_json(path: &str, f: &Finding) -> Json {
    Json::Object(vec![
        ("code", f.code.as_str().into()),
        ("severity", f.severity.as_str().into()),
        ("file", lint::file_name(f.file).into()),
        ("path", path.into()),
        (
            "line",
            if f.line == 0 {
                Json::Null
            } else {
                Json::Int(i64::from(f.line))
            },
        ),
        ("message", f.message.as_str().into()),
        ("fix", f.fix.as_str().into()),
    ])
}
