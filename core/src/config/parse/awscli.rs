//! The AWS CLI dialect: the files as the AWS CLI v2 reads them.
//!
//! Its engine, botocore, reads both files with Python's `configparser.RawConfigParser` (strict,
//! delimiters `=` and `:`, full-line comments `#` and `;`, no inline comments, keys
//! lower-cased, `[DEFAULT]` inherited by every section), then splits config-file section names
//! like a shell. Accepted:
//!
//! ```ini
//! [DEFAULT]                  # not a profile: its keys are inherited by every section
//! output = json
//!
//! [profile "my dev"]         # a profile named `my dev`; the text after `]` is ignored
//! region: eu-west-1          # `:` is a delimiter; this whole line after `:` is the value
//! s3 =
//!     max_concurrent_requests = 20
//!   ; an indented comment is a comment
//!     addressing_style = path
//! ```
//!
//! Refused, as the AWS CLI refuses them (the whole file): a duplicate section or key, a line
//! that is no section, property, comment or continuation, a property before any section, an
//! empty key, a sub-property line without `=`, a byte-order mark.

use super::lines::{Hint, Line};
use super::Problem;
use crate::text::{py_indent, py_rstrip, py_strip};

/// One line as configparser reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CliLine<'a> {
    /// A comment, or a blank line outside a value.
    Skip,
    /// A blank line inside a value (kept: a multi-line value may contain blank lines).
    Blank,
    /// A continuation of the current value, stripped.
    Continuation(&'a str),
    /// A section header: the text between `[` and the last `]`.
    Section(&'a str),
    /// `key = value` or `key: value`; `key` as written, `value` stripped.
    Property {
        /// The key, not yet lower-cased.
        key: &'a str,
        /// The value on this line.
        value: &'a str,
    },
    /// A line configparser refuses.
    Error(Problem),
}

/// configparser's reading state.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CliReader {
    in_section: bool,
    in_property: bool,
    indent_level: usize,
}

impl CliReader {
    /// Takes a column-0 section header read by ini_core (see [`Hint`]).
    pub fn section_at_column_0(&mut self) {
        self.in_section = true;
        self.in_property = false;
        self.indent_level = 0;
    }

    /// Takes a column-0 property read by ini_core; `false` when there is no section yet (the
    /// line must then be read in full).
    pub fn property_at_column_0(&mut self) -> bool {
        if self.in_section {
            self.in_property = true;
            self.indent_level = 0;
        }
        self.in_section
    }

    /// A reader positioned inside a section's body.
    pub fn in_body() -> Self {
        CliReader {
            in_section: true,
            in_property: false,
            indent_level: 0,
        }
    }

    /// Reads one line, in file order.
    pub fn read<'a>(&mut self, line: &Line<'a>) -> CliLine<'a> {
        // Lines at column 0 can be neither continuations nor indented comments.
        match line.hint {
            Hint::Section(header) => {
                self.in_section = true;
                self.in_property = false;
                self.indent_level = 0;
                return CliLine::Section(header);
            }
            Hint::Property(key, value) if self.in_section => {
                self.in_property = true;
                self.indent_level = 0;
                return CliLine::Property {
                    key: py_rstrip(key),
                    value: py_strip(value),
                };
            }
            _ => {}
        }
        let stripped = match line.trivial {
            Some(true) => return CliLine::Skip,
            Some(false) => "",
            None => py_strip(line.raw),
        };
        if stripped.starts_with(['#', ';']) {
            return CliLine::Skip;
        }
        if stripped.is_empty() {
            return if self.in_property {
                CliLine::Blank
            } else {
                CliLine::Skip
            };
        }
        let indent = match line.raw.as_bytes().first() {
            Some(b) if b.is_ascii_graphic() => 0,
            _ => py_indent(line.raw),
        };
        if self.in_property && indent > self.indent_level {
            return CliLine::Continuation(stripped);
        }
        self.indent_level = indent;
        // `\[(?P<header>.+)\]` matched at the start: the header runs to the last `]`.
        if let Some(inner) = stripped.strip_prefix('[') {
            if let Some(close) = inner.rfind(']') {
                if close > 0 {
                    self.in_section = true;
                    self.in_property = false;
                    return CliLine::Section(&inner[..close]);
                }
            }
        }
        if !self.in_section {
            return CliLine::Error(Problem::MissingSectionHeader);
        }
        // `(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$`: the first delimiter wins.
        let Some(pos) = stripped.bytes().position(|b| b == b'=' || b == b':') else {
            self.in_property = false;
            return CliLine::Error(Problem::NotAProperty);
        };
        let key = py_rstrip(&stripped[..pos]);
        if key.is_empty() {
            self.in_property = false;
            return CliLine::Error(Problem::EmptyKey);
        }
        self.in_property = true;
        CliLine::Property {
            key,
            value: py_strip(&stripped[pos + 1..]),
        }
    }
}

/// Characters Python's `str.splitlines()` splits on (botocore splits nested values with it).
pub(crate) fn is_py_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The `key = value` pairs of one continuation line of a nested value, as botocore's
/// `_parse_nested` reads them. `Err` when a part has no `=`.
pub(crate) fn nested_pairs(line: &str) -> impl Iterator<Item = Result<(&str, &str), ()>> {
    line.split(is_py_line_break)
        .map(py_strip)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').ok_or(())?;
            Ok((py_strip(k), py_strip(v)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> heapless::Vec<CliLine<'_>, 16> {
        super::super::lines::read_all(text, CliReader::read)
    }

    #[test]
    fn reads_like_configparser() {
        use CliLine::*;
        let got = read_all("# c\n[a] x]  ; y\nk : v = w\n  cont\n\n  ; c\n\tmore\nk2=\n[]");
        assert_eq!(
            &got[..],
            &[
                Skip,
                Section("a] x"),
                Property {
                    key: "k",
                    value: "v = w"
                },
                Continuation("cont"),
                Blank,
                Skip,
                Continuation("more"),
                Property {
                    key: "k2",
                    value: ""
                },
                Error(Problem::NotAProperty),
            ]
        );
        assert_eq!(
            &read_all("x=1")[..],
            &[Error(Problem::MissingSectionHeader)]
        );
        assert_eq!(
            &read_all("[s]\n = v")[..],
            &[Section("s"), Error(Problem::EmptyKey)]
        );
        // A header indented deeper than its property is a continuation.
        assert_eq!(&read_all("[s]\nk=v\n  [t]")[2], &Continuation("[t]"));
    }

    #[test]
    fn nested_values() {
        let pairs: heapless::Vec<_, 4> = nested_pairs("a = 1\u{0b}b=2").collect();
        assert_eq!(&pairs[..], &[Ok(("a", "1")), Ok(("b", "2"))]);
        assert!(nested_pairs("x").any(|p| p.is_err()));
    }
}
