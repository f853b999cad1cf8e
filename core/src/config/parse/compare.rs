//! Both dialects' reading of every line of one file, side by side: what `credchain lint` compares
//! to find the lines the AWS CLI and the SDKs read differently.
//!
//! Each line is read once by each dialect's line reader (the same readers the parsers use), so
//! the walk is linear in the file and never refuses a file: a line a dialect refuses is a
//! [`Reading::Error`] and the walk goes on.

use super::awscli::{CliLine, CliReader};
use super::header::classify;
use super::lines::Lines;
use super::sdk::{SdkLine, SdkReader};
use super::{Problem, SectionClass};
use crate::{Dialect, FileKind};

/// How one dialect reads one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading<'a> {
    /// A comment or a blank line.
    Skip,
    /// A section header.
    Section {
        /// The text between the brackets, as the dialect takes it.
        header: &'a str,
        /// What the section is.
        class: SectionClass,
        /// The section's raw name (for an AWS CLI quoted name, still quoted).
        name: &'a str,
    },
    /// `key = value` (`key` as written; the AWS CLI lower-cases it when it reads it).
    Property {
        /// The key.
        key: &'a str,
        /// The value on this line, as the dialect takes it.
        value: &'a str,
    },
    /// A line that continues the value above it (or a sub-property), trimmed.
    Continuation(&'a str),
    /// A line the dialect refuses (the whole file with it).
    Error(Problem),
}

/// One physical line and both readings of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineReadings<'a> {
    /// The 1-based line number.
    pub line: u32,
    /// The line without its line ending.
    pub raw: &'a str,
    /// How the AWS CLI reads it.
    pub awscli: Reading<'a>,
    /// How the SDKs read it.
    pub sdk: Reading<'a>,
}

/// Every line of `text` (a file of kind `kind`) with both dialects' readings, in file order.
pub fn compare_lines(kind: FileKind, text: &str) -> impl Iterator<Item = LineReadings<'_>> + '_ {
    let mut cli = CliReader::default();
    let mut sdk = SdkReader::default();
    Lines::new(text, 0, 1).map(move |line| {
        let awscli = match cli.read(&line) {
            CliLine::Skip | CliLine::Blank => Reading::Skip,
            CliLine::Continuation(c) => Reading::Continuation(c),
            CliLine::Section(header) => section(kind, Dialect::AwsCli, header),
            CliLine::Property { key, value } => Reading::Property { key, value },
            CliLine::Error(p) => Reading::Error(p),
        };
        let sdk = match sdk.read(&line) {
            SdkLine::Skip => Reading::Skip,
            SdkLine::Continuation(c) => Reading::Continuation(c),
            SdkLine::Section(header) => section(kind, Dialect::Sdk, header),
            SdkLine::Property { key, value } => Reading::Property { key, value },
            SdkLine::Error(p) => Reading::Error(p),
        };
        LineReadings {
            line: line.number,
            raw: line.raw,
            awscli,
            sdk,
        }
    })
}

fn section(kind: FileKind, dialect: Dialect, header: &str) -> Reading<'_> {
    let (class, name) = classify(kind, dialect, header);
    Reading::Section {
        header,
        class,
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_line_in_both_dialects() {
        let text = "[profile a]\nregion = x # c\n[DEFAULT]\nk: v\n";
        let got: heapless::Vec<LineReadings, 8> = compare_lines(FileKind::Config, text).collect();
        assert_eq!(
            got[0].awscli,
            Reading::Section {
                header: "profile a",
                class: SectionClass::Profile,
                name: "a"
            }
        );
        assert_eq!(
            got[1].awscli,
            Reading::Property {
                key: "region",
                value: "x # c"
            }
        );
        assert_eq!(
            got[1].sdk,
            Reading::Property {
                key: "region",
                value: "x"
            }
        );
        assert!(matches!(
            got[2].awscli,
            Reading::Section {
                class: SectionClass::Defaults,
                ..
            }
        ));
        assert!(matches!(
            got[2].sdk,
            Reading::Section {
                class: SectionClass::Skipped(_),
                ..
            }
        ));
        assert_eq!(got[3].sdk, Reading::Error(Problem::ExpectedEquals));
        assert_eq!(got[3].line, 4);
    }
}
