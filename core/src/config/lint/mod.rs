//! Lint: problems in the shared files that the AWS CLI is silent about or reports late, found
//! without I/O (the file texts and, optionally, their permission bits in; findings out).
//!
//! Three passes, one file each:
//! - `lines`: every line read by both dialects side by side ([`compare_lines`]): the lines the
//!   AWS CLI and the SDKs read differently (with the cause), duplicate sections and keys, lines
//!   a dialect refuses, unknown keys, `[profile x]` in the credentials file, values over several
//!   lines, long-term keys in plain text.
//! - `refs`: the merged profiles: a `source_profile`, `sso_session` or `credential_source` that
//!   names nothing, and role chains that never end (the planner's rule, chain/plan/planner.rs).
//! - the permission bits the host gave: a file readable by group or others.
//!
//! Each finding has a stable [`Code`] (the same kebab-case string in the CLI's JSON, the C
//! library and the npm package), a [`Severity`], the file and 1-based line, a message and a fix.
//! Every pass is linear in the size of the files.
//!
//! [`compare_lines`]: super::parse::compare_lines

mod known;
mod lines;
mod refs;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::FileKind;

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing breaks.
    Info,
    /// Likely a mistake, or read differently by some program.
    Warning,
    /// The AWS CLI fails (or will fail) on it.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The severity named `name` (`error`, `warning`, `info`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Severity::Info, Severity::Warning, Severity::Error]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// What a finding is about; [`Code::as_str`] is its stable name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of the README's table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// A line the AWS CLI refuses: it cannot read the file at all.
    AwscliUnreadable = "awscli-unreadable",
    /// A line the SDKs' profile-file spec refuses.
    SdkUnreadable = "sdk-unreadable",
    /// A section header repeated in one file: fatal for the AWS CLI, merged by the SDKs.
    DuplicateSection = "duplicate-section",
    /// A key repeated in one section: fatal for the AWS CLI, the later wins for the SDKs.
    DuplicateKey = "duplicate-key",
    /// `value # comment`: the AWS CLI keeps the comment in the value, the SDKs drop it.
    InlineComment = "inline-comment",
    /// A quoted section name: the AWS CLI unquotes it, the SDKs skip the section.
    Quoting = "quoting",
    /// `[DEFAULT]`: inherited by every section in the AWS CLI, not so in the SDKs.
    DefaultSection = "default-section",
    /// A line one dialect takes as a continuation of the value above and the other not.
    Continuation = "continuation",
    /// Any other line the two dialects read differently.
    DialectDifference = "dialect-difference",
    /// A key no reader of the files knows.
    UnknownKey = "unknown-key",
    /// `[profile x]` in the credentials file: a profile named `profile x` there.
    ProfilePrefixInCredentials = "profile-prefix-in-credentials",
    /// `source_profile` names a profile that does not exist.
    SourceProfileNotFound = "source-profile-not-found",
    /// `sso_session` names an `[sso-session]` that does not exist.
    SsoSessionNotFound = "sso-session-not-found",
    /// `credential_source` is not Environment, Ec2InstanceMetadata or EcsContainer.
    InvalidCredentialSource = "invalid-credential-source",
    /// A role chain of `source_profile`s that comes back to a profile already in it.
    RoleChainCycle = "role-chain-cycle",
    /// A value written over several lines.
    MultiLineValue = "multi-line-value",
    /// A long-term access key in plain text.
    LongTermKey = "long-term-key",
    /// A file readable by group or others.
    FilePermissions = "file-permissions",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found. Messages never hold a value of a secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is about.
    pub code: Code,
    /// How much it matters.
    pub severity: Severity,
    /// Which file.
    pub file: FileKind,
    /// The 1-based line; 0 for the file as a whole (its permissions).
    pub line: u32,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// One file given to [`lint`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LintFile<'a> {
    /// Its path (for the parser, which names it in what it reports).
    pub path: &'a str,
    /// Its bytes, or `None` when it does not exist.
    pub text: Option<&'a [u8]>,
    /// Its Unix permission bits (`st_mode`), when the host knows them.
    pub mode: Option<u32>,
}

/// The findings on the two files, config file first, each in line order.
#[must_use]
pub fn lint(config: LintFile<'_>, credentials: LintFile<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (kind, file) in [
        (FileKind::Config, config),
        (FileKind::Credentials, credentials),
    ] {
        if let Some(text) = file.text {
            lines::lint_file(kind, file.path, text, &mut out);
            if let Some(mode) = file.mode {
                permissions(kind, text, mode, &mut out);
            }
        }
    }
    refs::lint_references(config, credentials, &mut out);
    out.sort_by(|a, b| {
        (file_order(a.file), a.line, a.code).cmp(&(file_order(b.file), b.line, b.code))
    });
    out.dedup_by(|a, b| (a.file, a.line, a.code) == (b.file, b.line, b.code));
    out
}

fn file_order(kind: FileKind) -> u8 {
    match kind {
        FileKind::Config => 0,
        FileKind::Credentials => 1,
    }
}

/// A file's name in findings: `config` or `credentials` (the CLI's JSON, C and npm).
#[must_use]
pub fn file_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Config => "config",
        FileKind::Credentials => "credentials",
    }
}

/// Whether a finding at `severity` or above is present (the CLI's exit status 1).
#[must_use]
pub fn any_at_or_above(findings: &[Finding], severity: Severity) -> bool {
    findings.iter().any(|f| f.severity >= severity)
}

fn permissions(kind: FileKind, text: &[u8], mode: u32, out: &mut Vec<Finding>) {
    let readable = mode & 0o044;
    if readable == 0 {
        return;
    }
    let who = match (readable & 0o040 != 0, readable & 0o004 != 0) {
        (true, true) => "group and others",
        (true, false) => "its group",
        _ => "others",
    };
    let secret = kind == FileKind::Credentials || lines::holds_secret(text);
    out.push(Finding {
        code: Code::FilePermissions,
        severity: if secret {
            Severity::Warning
        } else {
            Severity::Info
        },
        file: kind,
        line: 0,
        message: alloc::format!(
            "the file is readable by {who} (mode {:03o}); the AWS CLI writes its files 0600",
            mode & 0o777
        ),
        fix: String::from("chmod 600 the file (readable and writable by its owner only)"),
    });
}

#[cfg(test)]
mod tests;
