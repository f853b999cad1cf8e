//! What can be wrong with a profile file, and the error that carries it.

use core::fmt;

use crate::{Dialect, FileKind};

/// One problem that makes a dialect refuse a whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The bytes are not UTF-8.
    NotUtf8,
    /// The file holds NUL bytes: it is not a text file.
    NotText,
    /// The file starts with a UTF-8 byte-order mark, which the AWS CLI cannot read.
    ByteOrderMark,
    /// The file is larger than offsets in the index can address (4 GiB).
    TooLarge,
    /// AWS CLI: a property or other line comes before the first section header.
    MissingSectionHeader,
    /// AWS CLI: a section header repeats an earlier one in the same file.
    DuplicateSection {
        /// The line of the earlier header.
        first_line: u32,
    },
    /// AWS CLI: a key repeats an earlier key of the same section (keys are case-insensitive).
    DuplicateKey {
        /// The line of the earlier key.
        first_line: u32,
    },
    /// AWS CLI: a line that is no section, property (`=` or `:`), comment or continuation.
    NotAProperty,
    /// AWS CLI: a property line with nothing before its `=` or `:`.
    EmptyKey,
    /// AWS CLI: a line of a nested value (after `key =` with nothing on its line) has no `=`.
    NestedWithoutEquals,
    /// SDK: a section header without its closing `]` (or with text after it).
    UnterminatedSection,
    /// SDK: a property or continuation before the first section header.
    OutsideProfile,
    /// SDK: an indented line directly under a section header.
    ContinuationOutsideProperty,
    /// SDK: a property line without `=`.
    ExpectedEquals,
    /// SDK: a property line with nothing before its `=`.
    EmptyPropertyName,
    /// SDK: a sub-property line without `=`.
    SubPropertyWithoutEquals,
    /// SDK: a sub-property line with nothing before its `=`.
    EmptySubPropertyName,
    /// A fixed capacity of the core was exceeded (only without the `alloc` feature, or for
    /// limits that hold in every build).
    CapacityExceeded {
        /// The named constant that was exceeded.
        limit: &'static str,
        /// Its value.
        value: usize,
    },
}

impl Problem {
    /// The problem's stable name, in lowerCamelCase (`duplicateSection`): the variant's name
    /// without its fields, as the JavaScript API reports it.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name_and_what().0
    }

    /// What is wrong, in words (the SDK problems use the SDK spec's wording).
    #[must_use]
    pub fn what(&self) -> &'static str {
        self.name_and_what().1
    }

    /// [`Problem::name`] and [`Problem::what`], side by side so that a new variant gets both.
    fn name_and_what(&self) -> (&'static str, &'static str) {
        match self {
            Problem::NotUtf8 => (
                "notUtf8",
                "the file is not UTF-8 text",
            ),
            Problem::NotText => (
                "notText",
                "the file holds NUL bytes and is not a text file",
            ),
            Problem::ByteOrderMark => (
                "byteOrderMark",
                "the file starts with a UTF-8 byte-order mark",
            ),
            Problem::TooLarge => (
                "tooLarge",
                "the file is larger than 4 GiB",
            ),
            Problem::MissingSectionHeader => (
                "missingSectionHeader",
                "a line comes before the first [section] header",
            ),
            Problem::DuplicateSection { .. } => (
                "duplicateSection",
                "this section header repeats one above it",
            ),
            Problem::DuplicateKey { .. } => (
                "duplicateKey",
                "this key repeats one above it in the same section",
            ),
            Problem::NotAProperty => (
                "notAProperty",
                "the line is not a [section], a `key = value` property, a comment or an indented continuation",
            ),
            Problem::EmptyKey => (
                "emptyKey",
                "the property has no name before its `=`",
            ),
            Problem::NestedWithoutEquals => (
                "nestedWithoutEquals",
                "a nested setting has no `=`",
            ),
            Problem::UnterminatedSection => (
                "unterminatedSection",
                "Profile definition must end with ']'",
            ),
            Problem::OutsideProfile => (
                "outsideProfile",
                "Expected a profile definition",
            ),
            Problem::ContinuationOutsideProperty => (
                "continuationOutsideProperty",
                "Expected a property definition, found continuation",
            ),
            Problem::ExpectedEquals => (
                "expectedEquals",
                "Expected an '=' sign defining a property",
            ),
            Problem::EmptyPropertyName => (
                "emptyPropertyName",
                "Property did not have a name",
            ),
            Problem::SubPropertyWithoutEquals => (
                "subPropertyWithoutEquals",
                "Expected an '=' sign defining a sub-property",
            ),
            Problem::EmptySubPropertyName => (
                "emptySubPropertyName",
                "Sub-property did not have a name",
            ),
            Problem::CapacityExceeded { .. } => (
                "capacityExceeded",
                "a fixed capacity was exceeded",
            ),
        }
    }

    /// What to do about it.
    #[must_use]
    pub fn fix(&self) -> &'static str {
        match self {
            Problem::NotUtf8 | Problem::NotText => "save it as UTF-8 text",
            Problem::ByteOrderMark => "save it as UTF-8 without a byte-order mark (BOM)",
            Problem::TooLarge => "split or shrink the file",
            Problem::MissingSectionHeader | Problem::OutsideProfile => {
                "put it under a [profile NAME] or [default] header, or delete it"
            }
            Problem::DuplicateSection { .. } => {
                "merge the two sections into one; the AWS CLI refuses files with repeated sections"
            }
            Problem::DuplicateKey { .. } => {
                "keep one of the two; the AWS CLI refuses repeated keys"
            }
            Problem::NotAProperty | Problem::ExpectedEquals => {
                "write it as `key = value`, comment it out with `#`, or delete it"
            }
            Problem::EmptyKey | Problem::EmptyPropertyName | Problem::EmptySubPropertyName => {
                "write the setting's name before the `=`"
            }
            Problem::NestedWithoutEquals | Problem::SubPropertyWithoutEquals => {
                "write each indented line under `key =` as `name = value`"
            }
            Problem::UnterminatedSection => "close the header with `]`",
            Problem::ContinuationOutsideProperty => {
                "remove the indentation or put it under a `key = value` line"
            }
            Problem::CapacityExceeded { .. } => {
                "use fewer sections or build with the `alloc` feature"
            }
        }
    }
}

/// A file the dialect refuses as a whole, with where and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError<'a> {
    /// Which file.
    pub kind: FileKind,
    /// Its path.
    pub path: &'a str,
    /// The 1-based line of the problem.
    pub line: u32,
    /// The dialect that refused it.
    pub dialect: Dialect,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for ParseError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ParseError {
            path,
            line,
            problem,
            ..
        } = *self;
        match self.dialect {
            Dialect::AwsCli => write!(f, "unable to parse config file: {path}:{line}: ")?,
            Dialect::Sdk => write!(f, "invalid profile file: {path}:{line}: ")?,
        }
        f.write_str(problem.what())?;
        match problem {
            Problem::DuplicateSection { first_line } | Problem::DuplicateKey { first_line } => {
                write!(f, " (line {first_line})")?
            }
            Problem::CapacityExceeded { limit, value } => write!(f, " ({limit} = {value})")?,
            _ => {}
        }
        write!(f, "; {}", problem.fix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_variants_in_lower_camel_case() {
        let all = [
            Problem::NotUtf8,
            Problem::NotText,
            Problem::ByteOrderMark,
            Problem::TooLarge,
            Problem::MissingSectionHeader,
            Problem::DuplicateSection { first_line: 1 },
            Problem::DuplicateKey { first_line: 2 },
            Problem::NotAProperty,
            Problem::EmptyKey,
            Problem::NestedWithoutEquals,
            Problem::UnterminatedSection,
            Problem::OutsideProfile,
            Problem::ContinuationOutsideProperty,
            Problem::ExpectedEquals,
            Problem::EmptyPropertyName,
            Problem::SubPropertyWithoutEquals,
            Problem::EmptySubPropertyName,
            Problem::CapacityExceeded {
                limit: "MAX_SECTIONS",
                value: 1,
            },
        ];
        for problem in all {
            // The variant's name, as Debug spells it.
            let debug = std::format!("{problem:?}");
            let variant = debug.split([' ', '(', '{']).next().unwrap_or_default();
            let name = problem.name();
            let first = variant.as_bytes()[0].to_ascii_lowercase();
            assert_eq!(name.as_bytes()[0], first, "{variant}");
            assert_eq!(name[1..], variant[1..], "{variant}");
        }
        assert_eq!(
            Problem::DuplicateSection { first_line: 3 }.name(),
            "duplicateSection"
        );
    }
}
