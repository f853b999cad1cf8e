//! The SDK dialect: the files as the AWS SDKs' shared profile-file spec reads them.
//!
//! Whitespace in this grammar is only ' ' and '\t'. Accepted:
//!
//! ```ini
//! [profile dev]   ; a comment may follow the closing bracket
//! region = eu-west-1 # a comment needs whitespace before it
//! s3 =
//!   max_concurrent_requests = 20
//! [profile dev]   ; repeated sections merge, the later key wins
//! output = json
//! ```
//!
//! Skipped with a diagnostic: sections whose name has characters outside `A-Za-z0-9-_/.%@:+`
//! (with their properties), config-file sections without the `profile ` prefix (except
//! `[default]`), and properties with such names. Refused (the whole file): an unclosed section
//! header, a property or continuation before any section, a continuation before any property,
//! a property without `=` or a name, a sub-property without `=` or a name.

use super::lines::Line;
use super::Problem;
use crate::text::sdk_trim;

/// One line as the SDKs read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SdkLine<'a> {
    /// A comment or a blank line.
    Skip,
    /// A section header: the trimmed text between `[` and `]`.
    Section(&'a str),
    /// `key = value`, both trimmed, the value without its trailing comment.
    Property {
        /// The key as written.
        key: &'a str,
        /// The value on this line.
        value: &'a str,
    },
    /// A continuation (or sub-property) line, trimmed.
    Continuation(&'a str),
    /// A line the spec refuses.
    Error(Problem),
}

/// The reading state.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SdkReader {
    in_section: bool,
    in_property: bool,
    sub_properties: bool,
}

impl SdkReader {
    /// A reader positioned inside a section's body.
    pub fn in_body() -> Self {
        SdkReader {
            in_section: true,
            in_property: false,
            sub_properties: false,
        }
    }

    /// Reads one line, in file order.
    pub fn read<'a>(&mut self, line: &Line<'a>) -> SdkLine<'a> {
        if line.trivial.is_some() {
            return SdkLine::Skip;
        }
        let trimmed = sdk_trim(line.raw);
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            return SdkLine::Skip;
        }
        let indented = line.raw.starts_with([' ', '\t']);
        if indented && self.in_property {
            if self.sub_properties {
                let Some((name, _)) = trimmed.split_once('=') else {
                    return SdkLine::Error(Problem::SubPropertyWithoutEquals);
                };
                if sdk_trim(name).is_empty() {
                    return SdkLine::Error(Problem::EmptySubPropertyName);
                }
            }
            return SdkLine::Continuation(trimmed);
        }
        if let Some(inner) = trimmed.strip_prefix('[') {
            let Some((name, after)) = inner.split_once(']') else {
                return SdkLine::Error(Problem::UnterminatedSection);
            };
            let after = sdk_trim(after);
            if !(after.is_empty() || after.starts_with(['#', ';'])) {
                return SdkLine::Error(Problem::UnterminatedSection);
            }
            self.in_section = true;
            self.in_property = false;
            return SdkLine::Section(sdk_trim(name));
        }
        if !self.in_section {
            return SdkLine::Error(Problem::OutsideProfile);
        }
        if indented {
            return SdkLine::Error(Problem::ContinuationOutsideProperty);
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            return SdkLine::Error(Problem::ExpectedEquals);
        };
        let key = sdk_trim(key);
        if key.is_empty() {
            return SdkLine::Error(Problem::EmptyPropertyName);
        }
        let value = sdk_trim(strip_comment(value));
        self.in_property = true;
        self.sub_properties = value.is_empty();
        SdkLine::Property { key, value }
    }
}

/// A `#` or `;` preceded by whitespace starts a comment in a property value.
fn strip_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for i in 1..bytes.len() {
        if matches!(bytes[i], b'#' | b';') && matches!(bytes[i - 1], b' ' | b'\t') {
            return &value[..i];
        }
    }
    value
}

/// Whether a profile or property name uses only the spec's characters.
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'_' | b'/' | b'.' | b'%' | b'@' | b':' | b'+')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> heapless::Vec<SdkLine<'_>, 16> {
        super::super::lines::read_all(text, SdkReader::read)
    }

    #[test]
    fn reads_like_the_spec() {
        use SdkLine::*;
        let got = read_all("[ profile a ] ; c\nk = v # c\nx = y;z\n  more\ns3 =\n  n = 1\n  bad");
        assert_eq!(
            &got[..],
            &[
                Section("profile a"),
                Property {
                    key: "k",
                    value: "v"
                },
                Property {
                    key: "x",
                    value: "y;z"
                },
                Continuation("more"),
                Property {
                    key: "s3",
                    value: ""
                },
                Continuation("n = 1"),
                Error(Problem::SubPropertyWithoutEquals),
            ]
        );
        assert_eq!(&read_all("[a")[..], &[Error(Problem::UnterminatedSection)]);
        assert_eq!(&read_all(" x")[..], &[Error(Problem::OutsideProfile)]);
        assert_eq!(
            &read_all("[a]\n x")[1],
            &Error(Problem::ContinuationOutsideProperty)
        );
        assert!(is_valid_name("a-b_c/d.e%f@g:h+1"));
        assert!(!is_valid_name("in valid"));
    }
}
