//! The line pass: one file's lines, each read by both dialects.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::known::{did_you_mean, is_known};
use super::{Code, Finding, Severity};
use crate::config::parse::{
    compare_lines, unquote_shell_word, Problem, ProfileFile, Reading, SectionClass,
};
use crate::{Dialect, FileKind};

/// Whether the file's text holds a secret key or a session token (for the permissions finding).
pub(super) fn holds_secret(text: &[u8]) -> bool {
    let Ok(text) = core::str::from_utf8(text) else {
        return false;
    };
    compare_lines(FileKind::Config, text).any(|l| {
        matches!(l.awscli, Reading::Property { key, .. }
            if key.eq_ignore_ascii_case("aws_secret_access_key")
                || key.eq_ignore_ascii_case("aws_session_token"))
    })
}

/// The property being read: its line, key and what followed it.
struct Open<'a> {
    line: u32,
    key: String,
    first: &'a str,
    continuations: u32,
    all_pairs: bool,
}

/// The section being read.
#[derive(Default)]
struct Section {
    class: Option<SectionClass>,
    name: String,
    keys: BTreeMap<String, u32>,
    access_key: Option<u32>,
    has_token: bool,
}

struct Walk<'a, 'o> {
    kind: FileKind,
    out: &'o mut Vec<Finding>,
    headers: BTreeMap<&'a str, u32>,
    section: Section,
    open: Option<Open<'a>>,
    awscli_refuses: bool,
    sdk_refuses: bool,
}

/// Lints one file's lines into `out`.
pub(super) fn lint_file(kind: FileKind, path: &str, bytes: &[u8], out: &mut Vec<Finding>) {
    let text = match core::str::from_utf8(bytes) {
        Ok(text) => text,
        // Not text: the parser's own error says so; nothing else can be read.
        Err(_) => return unreadable_file(kind, path, bytes, out),
    };
    let mut walk = Walk {
        kind,
        out,
        headers: BTreeMap::new(),
        section: Section::default(),
        open: None,
        awscli_refuses: false,
        sdk_refuses: false,
    };
    if text.starts_with('\u{feff}') {
        walk.refuses(Dialect::AwsCli, 1, Problem::ByteOrderMark);
    }
    for l in compare_lines(kind, text) {
        walk.line(l.line, l.awscli, l.sdk);
    }
    walk.close_property();
    walk.close_section();
    if !walk.awscli_refuses {
        // What the line readers cannot see (a byte-order mark, a nested value without `=`, a
        // capacity): the parser's verdict.
        unreadable_file(kind, path, bytes, walk.out);
    }
}

fn unreadable_file(kind: FileKind, path: &str, bytes: &[u8], out: &mut Vec<Finding>) {
    if let Err(e) = ProfileFile::parse(kind, path, Some(bytes), Dialect::AwsCli) {
        out.push(Finding {
            code: Code::AwscliUnreadable,
            severity: Severity::Error,
            file: kind,
            line: e.line.max(1),
            message: format!("the AWS CLI cannot read this file: {}", e.problem.what()),
            fix: e.problem.fix().to_string(),
        });
    }
}

fn describe(class: SectionClass, name: &str) -> String {
    match class {
        SectionClass::Profile => format!("the profile `{name}`"),
        SectionClass::SsoSession => format!("the sso-session `{name}`"),
        SectionClass::Services => format!("the services section `{name}`"),
        SectionClass::Defaults => String::from("defaults inherited by every section"),
        SectionClass::Skipped(_) => String::from("a section it skips"),
    }
}

fn same_class(a: SectionClass, b: SectionClass) -> bool {
    matches!((a, b), (SectionClass::Skipped(_), SectionClass::Skipped(_))) || a == b
}

impl<'a> Walk<'a, '_> {
    fn push(&mut self, code: Code, severity: Severity, line: u32, message: String, fix: &str) {
        self.out.push(Finding {
            code,
            severity,
            file: self.kind,
            line,
            message,
            fix: fix.to_string(),
        });
    }

    /// Reports `message`, something the AWS CLI refuses the whole file for, as an error.
    fn awscli_refused(&mut self, code: Code, line: u32, message: String, fix: &str) {
        self.awscli_refuses = true;
        self.push(code, Severity::Error, line, message, fix);
    }

    fn line(&mut self, line: u32, awscli: Reading<'a>, sdk: Reading<'a>) {
        match (awscli, sdk) {
            (Reading::Continuation(c), sdk) => {
                if let Some(open) = &mut self.open {
                    open.continuations += 1;
                    open.all_pairs &= c.contains('=');
                }
                if !matches!(sdk, Reading::Continuation(_)) {
                    self.differ_on_continuation(line, true, sdk);
                }
            }
            (Reading::Skip, Reading::Skip) => {}
            (Reading::Error(problem), _) => {
                self.close_property();
                self.refuses(Dialect::AwsCli, line, problem);
            }
            (
                Reading::Section {
                    header,
                    class,
                    name,
                },
                sdk,
            ) => {
                self.close_property();
                self.close_section();
                self.section_header(line, header, class, name, sdk);
            }
            (Reading::Property { key, value }, sdk) => {
                self.close_property();
                self.property(line, key, value, sdk);
            }
            (Reading::Skip, Reading::Continuation(_)) => {
                self.differ_on_continuation(line, false, sdk);
            }
            (Reading::Skip, other) => self.differ(line, "a comment or blank line", other),
        }
    }

    fn differ_on_continuation(&mut self, line: u32, awscli: bool, other: Reading<'_>) {
        let (cli, sdk) = match (awscli, other) {
            (true, other) => ("a continuation of the value above", reading_words(other)),
            (false, Reading::Error(p)) => (
                "a property",
                format!("a continuation it refuses ({})", p.what()),
            ),
            (false, _) => (
                "a property or comment",
                String::from("a continuation of the value above"),
            ),
        };
        self.push(
            Code::Continuation,
            Severity::Warning,
            line,
            format!("the AWS CLI reads this line as {cli}; the SDKs read it as {sdk}"),
            "indent continuation lines deeper than their key, and start every other line at column 0",
        );
    }

    fn differ(&mut self, line: u32, cli: &str, other: Reading<'_>) {
        match other {
            Reading::Error(Problem::ContinuationOutsideProperty) => {
                return self.differ_on_continuation(line, false, other)
            }
            Reading::Error(problem) => return self.refuses(Dialect::Sdk, line, problem),
            _ => {}
        }
        self.push(
            Code::DialectDifference,
            Severity::Warning,
            line,
            format!(
                "the AWS CLI reads this line as {cli}; the SDKs read it as {}",
                reading_words(other)
            ),
            "rewrite the line in the form both read alike: `[profile NAME]` headers and `key = value` properties",
        );
    }

    /// A line `dialect` refuses. Only the first is reported: the reader stops there, and the
    /// lines after it often fail only because of it.
    fn refuses(&mut self, dialect: Dialect, line: u32, problem: Problem) {
        let (flag, code, severity, message) = match dialect {
            Dialect::AwsCli => (
                &mut self.awscli_refuses,
                Code::AwscliUnreadable,
                Severity::Error,
                format!("the AWS CLI cannot read this file: {}", problem.what()),
            ),
            Dialect::Sdk => (
                &mut self.sdk_refuses,
                Code::SdkUnreadable,
                Severity::Warning,
                format!(
                    "the AWS SDKs cannot read this file: {} (the AWS CLI can)",
                    problem.what()
                ),
            ),
        };
        if !core::mem::replace(flag, true) {
            self.push(code, severity, line, message, problem.fix());
        }
    }

    fn section_header(
        &mut self,
        line: u32,
        header: &'a str,
        class: SectionClass,
        name: &'a str,
        sdk: Reading<'_>,
    ) {
        let unquoted: String = unquote_shell_word(name).collect();
        self.section = Section {
            class: Some(class),
            name: unquoted.clone(),
            ..Section::default()
        };
        if let Some(first) = self.headers.get(header) {
            let message = format!(
                "[{header}] repeats the section at line {first}: the AWS CLI refuses the whole file, the SDKs merge the two"
            );
            self.awscli_refused(
                Code::DuplicateSection,
                line,
                message,
                "merge the two sections into one",
            );
        } else {
            self.headers.insert(header, line);
        }
        if self.kind == FileKind::Credentials
            && class == SectionClass::Profile
            && header.starts_with("profile ")
        {
            let message = format!(
                "in the credentials file [{header}] is a profile named `{header}`, not `{}`",
                header["profile ".len()..].trim()
            );
            return self.push(
                Code::ProfilePrefixInCredentials,
                Severity::Warning,
                line,
                message,
                "write the credentials file's sections without the prefix: [NAME]",
            );
        }
        let Reading::Section {
            class: sdk_class,
            name: sdk_name,
            ..
        } = sdk
        else {
            return self.differ(line, &describe(class, &unquoted), sdk);
        };
        if class == SectionClass::Defaults {
            let sdk_words = describe(sdk_class, sdk_name);
            let message = format!(
                "the AWS CLI reads [DEFAULT] as defaults inherited by every section of this file; the SDKs read it as {sdk_words}"
            );
            return self.push(
                Code::DefaultSection,
                Severity::Warning,
                line,
                message,
                "copy its keys into the profiles that need them and remove [DEFAULT]",
            );
        }
        if same_class(class, sdk_class)
            && (unquoted == sdk_name
                || !matches!(
                    class,
                    SectionClass::Profile | SectionClass::SsoSession | SectionClass::Services
                ))
        {
            return;
        }
        let (cli_words, sdk_words) = (describe(class, &unquoted), describe(sdk_class, sdk_name));
        let message =
            format!("the AWS CLI reads [{header}] as {cli_words}; the SDKs read it as {sdk_words}");
        if header.contains(['"', '\'']) {
            self.push(
                Code::Quoting,
                Severity::Warning,
                line,
                message,
                "use a name without quotes or spaces (letters, digits and - _ / . % @ : +)",
            );
        } else {
            self.push(
                Code::DialectDifference,
                Severity::Warning,
                line,
                message,
                "write the header as [profile NAME] (config file) or [NAME] (credentials file), without extra spaces",
            );
        }
    }

    fn property(&mut self, line: u32, key: &'a str, value: &'a str, sdk: Reading<'_>) {
        let lower = key.to_lowercase();
        if let Some(&first) = self.section.keys.get(&lower) {
            let message = format!(
                "`{lower}` repeats the key at line {first} in this section: the AWS CLI refuses the whole file, the SDKs take the later value"
            );
            self.awscli_refused(Code::DuplicateKey, line, message, "keep one of the two");
        } else {
            self.section.keys.insert(lower.clone(), line);
        }
        match lower.as_str() {
            "aws_access_key_id" => self.section.access_key = Some(line),
            "aws_session_token" | "aws_security_token" => self.section.has_token = true,
            _ => {}
        }
        match sdk {
            Reading::Property {
                key: sdk_key,
                value: sdk_value,
            } if sdk_key == key => {
                if sdk_value != value {
                    self.values_differ(line, &lower, value, sdk_value);
                }
            }
            Reading::Continuation(_) => self.differ_on_continuation(line, false, sdk),
            other => self.differ(line, &format!("the property `{lower}`"), other),
        }
        self.open = Some(Open {
            line,
            key: lower,
            first: value,
            continuations: 0,
            all_pairs: true,
        });
    }

    fn values_differ(&mut self, line: u32, key: &str, value: &str, sdk_value: &str) {
        let inline = value.strip_prefix(sdk_value).is_some_and(|rest| {
            rest.trim_start_matches([' ', '\t']).starts_with(['#', ';'])
                && rest.starts_with([' ', '\t'])
        });
        let secret = matches!(
            key,
            "aws_secret_access_key" | "aws_session_token" | "aws_security_token"
        );
        if inline {
            let shown = if secret { "the value" } else { value };
            self.push(
                Code::InlineComment,
                Severity::Warning,
                line,
                format!(
                    "`{key}`: the AWS CLI keeps the inline comment in the value (`{shown}`); the SDKs drop it"
                ),
                "move the comment to a line of its own",
            );
        } else {
            self.push(
                Code::DialectDifference,
                Severity::Warning,
                line,
                format!("`{key}`: the AWS CLI and the SDKs read different values on this line"),
                "write the value plainly, without comments or characters one reader treats specially",
            );
        }
    }

    fn close_property(&mut self) {
        let Some(open) = self.open.take() else {
            return;
        };
        let nested = open.first.is_empty() && open.continuations > 0 && open.all_pairs;
        if open.continuations > 0 && !nested {
            let message = format!(
                "`{}` is written over {} lines; most readers want one line",
                open.key,
                open.continuations + 1
            );
            self.push(
                Code::MultiLineValue,
                Severity::Warning,
                open.line,
                message,
                "write the value on the key's line, or indent only `name = value` lines under an empty key",
            );
        }
        let sso = match self.section.class {
            Some(SectionClass::Profile | SectionClass::Defaults) => false,
            Some(SectionClass::SsoSession) => true,
            _ => return,
        };
        if nested || is_known(&open.key, sso) {
            return;
        }
        let (severity, message, fix) = match did_you_mean(&open.key, sso) {
            Some(near) => (
                Severity::Warning,
                format!("unknown key `{}`: did you mean `{near}`?", open.key),
                format!("rename it to `{near}`"),
            ),
            None => (
                Severity::Info,
                format!("`{}` is not a key the AWS CLI or credchain reads", open.key),
                String::from(
                    "check the key's spelling in the AWS CLI's documentation, or remove it",
                ),
            ),
        };
        self.push(Code::UnknownKey, severity, open.line, message, &fix);
    }

    fn close_section(&mut self) {
        let section = core::mem::take(&mut self.section);
        if let (Some(line), false) = (section.access_key, section.has_token) {
            let what = match section.class {
                Some(SectionClass::Profile) => format!("profile `{}`", section.name),
                _ => String::from("this section"),
            };
            self.push(
                Code::LongTermKey,
                Severity::Info,
                line,
                format!("{what} holds a long-term access key in plain text"),
                "use short-lived credentials instead: IAM Identity Center (`aws configure sso`) or a credential_process that reads a secret store",
            );
        }
    }
}

fn reading_words(r: Reading<'_>) -> String {
    match r {
        Reading::Skip => String::from("a comment or blank line"),
        Reading::Section { class, name, .. } => describe(class, name),
        Reading::Property { key, .. } => format!("the property `{key}`"),
        Reading::Continuation(_) => String::from("a continuation of the value above"),
        Reading::Error(p) => format!("an error ({})", p.what()),
    }
}
