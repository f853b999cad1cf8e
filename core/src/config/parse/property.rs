//! A property and its value, read from a section's body on demand: nothing is copied.

use core::fmt;

use super::awscli::{nested_pairs, CliLine, CliReader};
use super::file::{ProfileFile, Section};
use super::lines::{self, Lines};
use super::sdk::{self, SdkLine, SdkReader};
use crate::text::{eq_lowercase, py_strip, sdk_trim};
use crate::{Dialect, FileKind};

/// A property: its key as written, its value, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property<'a> {
    /// The key as written in the file (keys compare case-insensitively).
    pub key: &'a str,
    /// The value.
    pub value: Value<'a>,
    /// Which file.
    pub kind: FileKind,
    /// The file's path.
    pub path: &'a str,
    /// The line of the key.
    pub line: u32,
}

impl<'a> Property<'a> {
    /// The value with where it is written, when it is on one line (`None` for a value
    /// continued over lines).
    #[must_use]
    pub fn sourced(self) -> Option<crate::Sourced<'a>> {
        Some(crate::Sourced {
            value: self.value.as_str()?,
            source: crate::Source::File {
                kind: self.kind,
                path: self.path,
                line: self.line,
            },
        })
    }

    /// Whether the dialect reads this property (the SDK dialect skips invalid names).
    pub(super) fn is_valid(&self) -> bool {
        self.value.dialect == Dialect::AwsCli || sdk::is_valid_name(self.key)
    }

    pub(super) fn matches(&self, key: &str) -> bool {
        eq_lowercase(self.key, key)
    }
}

/// A property value: the text on the key's line and any continuation lines after it, read on
/// demand so that nothing is copied.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Value<'a> {
    first: &'a str,
    rest: &'a str,
    dialect: Dialect,
}

impl fmt::Debug for Value<'_> {
    // Values may be secrets: Debug shows only their shape.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Value({} bytes on its line, {} continued)",
            self.first.len(),
            self.rest.len()
        )
    }
}

impl<'a> Value<'a> {
    /// A value that did not come from a file (an option or a variable).
    #[must_use]
    pub fn plain(text: &'a str) -> Self {
        Value {
            first: text,
            rest: "",
            dialect: Dialect::AwsCli,
        }
    }

    /// The value when it is a single line (the common case).
    #[must_use]
    pub fn as_str(&self) -> Option<&'a str> {
        let mut lines = self.continuation_lines();
        match lines.next() {
            None => Some(self.first),
            Some(_) => None,
        }
    }

    /// The value's lines: the first, then each continuation line.
    pub fn lines(&self) -> impl Iterator<Item = &'a str> + 'a {
        core::iter::once(self.first).chain(self.continuation_lines())
    }

    /// The continuation lines, trimmed; blank lines inside kept (AWS CLI), trailing ones dropped.
    fn continuation_lines(&self) -> impl Iterator<Item = &'a str> + 'a {
        let dialect = self.dialect;
        let mut lines = Lines::new(self.rest, 0, 1).filter_map(move |l| {
            let t = match dialect {
                Dialect::AwsCli => py_strip(l.raw),
                Dialect::Sdk => sdk_trim(l.raw),
            };
            match (t.starts_with(['#', ';']), t.is_empty(), dialect) {
                (true, _, _) | (_, true, Dialect::Sdk) => None,
                _ => Some(t),
            }
        });
        // Blank lines count only when a non-blank line follows (Python's rstrip of the value).
        let mut pending_blanks = 0usize;
        let mut held: Option<&'a str> = None;
        core::iter::from_fn(move || {
            if pending_blanks > 0 && held.is_some() {
                pending_blanks -= 1;
                return Some("");
            }
            if let Some(h) = held.take() {
                return Some(h);
            }
            loop {
                let l = lines.next()?;
                if l.is_empty() {
                    pending_blanks += 1;
                } else if pending_blanks > 0 {
                    held = Some(l);
                    pending_blanks -= 1;
                    return Some("");
                } else {
                    return Some(l);
                }
            }
        })
    }

    /// Whether the value holds sub-properties (`key =` with indented `name = value` lines).
    #[must_use]
    pub fn is_nested(&self) -> bool {
        self.first.is_empty() && self.continuation_lines().next().is_some()
    }

    /// The sub-property `name` of a nested value (exact name; the last of repeats wins).
    #[must_use]
    pub fn sub_property(&self, name: &str) -> Option<&'a str> {
        self.sub_properties()
            .filter(|(k, _)| *k == name)
            .last()
            .map(|(_, v)| v)
    }

    /// The sub-properties of a nested value, as (name, value).
    pub fn sub_properties(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let nested = self.is_nested();
        let dialect = self.dialect;
        self.continuation_lines()
            .filter(move |_| nested)
            .flat_map(move |line| {
                let (a, b) = match dialect {
                    Dialect::AwsCli => (Some(nested_pairs(line).filter_map(Result::ok)), None),
                    Dialect::Sdk => {
                        let pair = line
                            .split_once('=')
                            .map(|(k, v)| (sdk_trim(k), sdk_trim(v)));
                        (None, Some(pair.into_iter()))
                    }
                };
                a.into_iter().flatten().chain(b.into_iter().flatten())
            })
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(line)?;
        }
        Ok(())
    }
}

/// The properties of one section's body, in file order.
pub(crate) struct Properties<'a> {
    lines: core::iter::Peekable<Lines<'a>>,
    reader: Reader,
    file_kind: FileKind,
    path: &'a str,
    text: &'a str,
    dialect: Dialect,
}

enum Reader {
    Cli(CliReader),
    Sdk(SdkReader),
}

enum Kind<'a> {
    Property(&'a str, &'a str),
    Continuation,
    Other,
}

impl Reader {
    fn read<'a>(&mut self, line: &lines::Line<'a>) -> Kind<'a> {
        match self {
            Reader::Cli(r) => match r.read(line) {
                CliLine::Property { key, value } => Kind::Property(key, value),
                CliLine::Continuation(_) | CliLine::Blank => Kind::Continuation,
                _ => Kind::Other,
            },
            Reader::Sdk(r) => match r.read(line) {
                SdkLine::Property { key, value } => Kind::Property(key, value),
                SdkLine::Continuation(_) => Kind::Continuation,
                _ => Kind::Other,
            },
        }
    }
}

impl<'a> Properties<'a> {
    pub(super) fn new(file: &ProfileFile<'a>, s: &Section) -> Self {
        let (start, end, first_line) = file.body_of(s);
        let body = &file.text[start..end];
        let reader = match file.dialect {
            Dialect::AwsCli => Reader::Cli(CliReader::in_body()),
            Dialect::Sdk => Reader::Sdk(SdkReader::in_body()),
        };
        Properties {
            lines: Lines::new(body, start, first_line).peekable(),
            reader,
            file_kind: file.kind,
            path: file.path,
            text: file.text,
            dialect: file.dialect,
        }
    }
}

impl<'a> Iterator for Properties<'a> {
    type Item = Property<'a>;

    fn next(&mut self) -> Option<Property<'a>> {
        loop {
            let line = self.lines.next()?;
            let Kind::Property(key, first) = self.reader.read(&line) else {
                continue;
            };
            // The value continues over following continuation, blank and comment lines; it ends
            // at the last continuation line.
            let rest_start = line.end;
            let mut rest_end = line.end;
            while let Some(next) = self.lines.peek() {
                let mut probe = match &self.reader {
                    Reader::Cli(r) => Reader::Cli(*r),
                    Reader::Sdk(r) => Reader::Sdk(*r),
                };
                match probe.read(next) {
                    Kind::Continuation => {
                        rest_end = next.end;
                        self.reader = probe;
                        self.lines.next();
                    }
                    Kind::Other => {
                        self.reader = probe;
                        self.lines.next();
                    }
                    Kind::Property(..) => break,
                }
            }
            let rest = &self.text[rest_start..rest_end];
            let value = Value {
                first,
                rest,
                dialect: self.dialect,
            };
            return Some(Property {
                key,
                value,
                kind: self.file_kind,
                path: self.path,
                line: line.number,
            });
        }
    }
}
