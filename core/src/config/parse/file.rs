//! One parsed file: the validation pass and the section index it builds.
//!
//! The AWS CLI dialect's pass is the byte-level scanner of the `scan` module; the line-by-line
//! pass it replaced, ini_core's lines read by `CliReader`, stays here as its reference
//! (`scan_awscli_reference`), and both feed the same per-line rules (`cli_section`,
//! `cli_property`, `CliPass`). The SDK dialect's pass reads ini_core's lines with `SdkReader`.

use super::awscli::{nested_pairs, CliLine, CliReader};
use super::header::{classify, classify_cli_config};
use super::keys::{KeySet, MAX_SECTION_KEYS};
use super::lines::{Hint, Line, Lines};
use super::sdk::{SdkLine, SdkReader};
use super::{shlex, ParseError, Problem};
use crate::text::WordHasher;
use crate::{Dialect, FileKind};

/// Sections one file may hold when the core is built without the `alloc` feature. With `alloc`
/// the index grows with the file.
pub const MAX_SECTIONS: usize = 128;

/// Keys of the `[DEFAULT]` sections, checked together for repeats (AWS CLI dialect), that a
/// core built without the `alloc` feature holds; with `alloc` there is no limit.
pub const MAX_DEFAULT_KEYS: usize = MAX_SECTION_KEYS;

#[cfg(feature = "alloc")]
type List<T> = alloc::vec::Vec<T>;
#[cfg(not(feature = "alloc"))]
type List<T> = heapless::Vec<T, MAX_SECTIONS>;
#[cfg(feature = "alloc")]
type Table = alloc::vec::Vec<u32>;
#[cfg(not(feature = "alloc"))]
type Table = heapless::Vec<u32, { 2 * MAX_SECTIONS }>;

/// An empty slot of the name table.
const EMPTY: u32 = 0;

/// The name table's size for `sections` sections: a power of two, more slots than sections
/// (so that an index + 1 fits in the low bits) and at most two-thirds full.
fn table_size(sections: usize) -> usize {
    let size = (sections + sections / 2 + 1).next_power_of_two().max(8);
    #[cfg(not(feature = "alloc"))]
    let size = size.min(2 * MAX_SECTIONS);
    size
}

/// Which pass validates an AWS CLI dialect file (see [`ProfileFile::parse_with`]).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Scan {
    /// The byte-level scanner (scan.rs), used by [`ProfileFile::parse`].
    Fast,
    /// The reference pass (ini_core lines read one by one by configparser's rules); `hints`
    /// lets the reader take ini_core's reading of column-0 lines.
    Reference {
        /// Whether ini_core's hints are taken.
        hints: bool,
    },
}

/// What a section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionClass {
    /// A profile (`[profile NAME]` or `[default]` in the config file, `[NAME]` in credentials).
    Profile,
    /// `[sso-session NAME]`.
    SsoSession,
    /// `[services NAME]`.
    Services,
    /// `[DEFAULT]`, whose keys every section of the file inherits (AWS CLI dialect).
    Defaults,
    /// A section the dialect skips; see [`SkipReason`].
    Skipped(SkipReason),
}

/// Why a section is skipped (reported as a diagnostic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipReason {
    /// A config-file section that is not `[default]` and has no `profile `, `sso-session ` or
    /// `services ` prefix.
    NoPrefix,
    /// The name has unbalanced quotes or a trailing backslash (AWS CLI).
    UnbalancedQuotes,
    /// The header does not split into exactly two words (AWS CLI).
    NotTwoWords,
    /// The name has characters outside `A-Za-z0-9-_/.%@:+` (SDK).
    InvalidName,
    /// `[default]` without prefix, when the file also has `[profile default]` (SDK).
    ShadowedDefault,
}

impl SkipReason {
    /// The reason in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::NoPrefix => {
                "section skipped: config-file profiles are written [profile NAME] (only [default] needs no prefix)"
            }
            SkipReason::UnbalancedQuotes => "section skipped: its name has an unclosed quote",
            SkipReason::NotTwoWords => {
                "section skipped: the header must be a prefix and one name (quote a name with spaces)"
            }
            SkipReason::InvalidName => {
                "skipped: names may hold only letters, digits and - _ / . % @ : +"
            }
            SkipReason::ShadowedDefault => "section skipped: [profile default] takes precedence over [default]",
        }
    }
}

/// One section in the index: 20 bytes, since on large files the index's pages cost more than
/// the scan (each fresh page is a fault). The name and the body are not stored but derived
/// from the header when a lookup needs them ([`ProfileFile::name_of`],
/// [`ProfileFile::body_of`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Section {
    /// The name hash ([`name_hash`]).
    pub hash: u32,
    /// The header text (between `[` and `]`): byte offset and length.
    pub header: (u32, u32),
    /// The header's line number.
    pub line: u32,
    pub class: SectionClass,
    /// Whether the name needs no unquoting.
    pub plain: bool,
}

/// A parsed, validated file. The text is borrowed; only the section index is owned.
#[derive(Debug, Clone)]
pub struct ProfileFile<'a> {
    pub(crate) kind: FileKind,
    pub(crate) path: &'a str,
    pub(crate) text: &'a str,
    pub(crate) present: bool,
    pub(crate) dialect: Dialect,
    /// Sections in file order.
    pub(crate) sections: List<Section>,
    /// An open-addressing hash table (linear probing, at most two-thirds full) of the sections
    /// by name hash; sections of one name sit along one probe run in file order. For a table
    /// of 2^k slots a slot holds the section's index + 1 in its low k bits (0: empty) and the
    /// high 32 - k bits of its hash, so that a probe compares hashes without reading the
    /// section.
    pub(crate) by_name: Table,
    /// Empty while every name is distinct; otherwise, for each section, the index of the next
    /// section of its name, the last linking back to the first (see `build_index`).
    pub(crate) ring: List<u32>,
}

fn slice(text: &str, (start, len): (u32, u32)) -> &str {
    &text[start as usize..(start + len) as usize]
}

impl<'a> ProfileFile<'a> {
    /// Parses one file's bytes (`None`: the file does not exist, which reads as empty).
    pub fn parse(
        kind: FileKind,
        path: &'a str,
        bytes: Option<&'a [u8]>,
        dialect: Dialect,
    ) -> Result<Self, ParseError<'a>> {
        Self::parse_with(kind, path, bytes, dialect, Scan::Fast)
    }

    /// Parses as [`ProfileFile::parse`] does, an AWS CLI dialect file validated by the pass
    /// `scan`. Not part of the API: it exists so that tests and the fuzz target can check that
    /// the byte-level scanner and the reference pass give the same result (same error, same
    /// section index).
    #[doc(hidden)]
    pub fn parse_with(
        kind: FileKind,
        path: &'a str,
        bytes: Option<&'a [u8]>,
        dialect: Dialect,
        scan: Scan,
    ) -> Result<Self, ParseError<'a>> {
        let error = |line, problem| ParseError {
            kind,
            path,
            line,
            dialect,
            problem,
        };
        let present = bytes.is_some();
        let bytes = bytes.unwrap_or_default();
        if u32::try_from(bytes.len()).is_err() {
            return Err(error(1, Problem::TooLarge));
        }
        let text = match core::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => return Err(error(line_of(bytes, e.valid_up_to()), Problem::NotUtf8)),
        };
        // One pass for both: NUL bytes (not text) and '[' bytes (a bound on the sections).
        let (nuls, brackets) = count_nul_and_brackets(bytes);
        #[cfg(not(feature = "alloc"))]
        let _ = brackets;
        if nuls > 0 {
            let pos = bytes.iter().position(|&b| b == 0).unwrap_or(0);
            return Err(error(line_of(bytes, pos), Problem::NotText));
        }
        if dialect == Dialect::AwsCli && text.starts_with('\u{feff}') {
            return Err(error(1, Problem::ByteOrderMark));
        }
        let mut file = ProfileFile {
            kind,
            path,
            text,
            present,
            dialect,
            sections: List::new(),
            by_name: Table::new(),
            ring: List::new(),
        };
        #[cfg(feature = "alloc")]
        {
            // One allocation each: '[' bytes bound the number of sections.
            file.sections.reserve_exact(brackets);
        }
        let scanned = match (dialect, scan) {
            (Dialect::AwsCli, Scan::Fast) => file.scan_awscli(),
            (Dialect::AwsCli, Scan::Reference { hints }) => file.scan_awscli_reference(hints),
            (Dialect::Sdk, _) => file.scan_sdk(),
        };
        scanned.map_err(|(line, problem)| error(line, problem))?;
        file.classify_sections();
        if dialect == Dialect::Sdk {
            file.shadow_defaults();
        }
        file.build_index()
            .map_err(|(line, problem)| error(line, problem))?;
        Ok(file)
    }

    /// The path the file was read from.
    #[must_use]
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// Whether the file exists.
    #[must_use]
    pub fn is_present(&self) -> bool {
        self.present
    }

    /// Which file this is.
    #[must_use]
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The number of sections (all classes).
    #[must_use]
    pub fn section_count(&self) -> usize {
        self.sections.len()
    }

    /// The text of a section's header (between `[` and `]`).
    pub(crate) fn header_of(&self, s: &Section) -> &'a str {
        slice(self.text, s.header)
    }

    /// The raw text of a section's name: for AWS CLI config-file profiles a shell word that
    /// may need unquoting (see [`Section::plain`]); for skipped sections the header.
    pub(crate) fn name_of(&self, s: &Section) -> &'a str {
        let header = self.header_of(s);
        match (s.class, self.dialect, self.kind) {
            (SectionClass::Skipped(_), _, _) => header,
            (_, Dialect::AwsCli, FileKind::Config) => classify_cli_config(header).1,
            _ => classify(self.kind, self.dialect, header).1,
        }
    }

    /// A section's body: from the end of its header line to the start of the next section's
    /// header line (or the end of the text), as a byte range and the body's first line number.
    pub(crate) fn body_of(&self, s: &Section) -> (usize, usize, u32) {
        let bytes = self.text.as_bytes();
        // The header line holds no line break after the header's end.
        let header_end = (s.header.0 + s.header.1) as usize;
        let start = match bytes[header_end..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            None => bytes.len(),
            Some(at) if bytes[header_end + at..].starts_with(b"\r\n") => header_end + at + 2,
            Some(at) => header_end + at + 1,
        };
        let end = match self.next_section(s) {
            // The next header's line starts after the last line break before its header.
            Some(next) => bytes[..next.header.0 as usize]
                .iter()
                .rposition(|&b| b == b'\n' || b == b'\r')
                .map_or(0, |at| at + 1),
            None => bytes.len(),
        };
        (start, end.max(start), s.line.saturating_add(1))
    }

    /// The section after `s` (a section of this file) in file order.
    fn next_section(&self, s: &Section) -> Option<&Section> {
        // `s` is an element of `self.sections`: its index from its address.
        let base = self.sections.as_ptr() as usize;
        let index = (s as *const Section as usize).wrapping_sub(base) / size_of::<Section>();
        debug_assert!(self
            .sections
            .get(index)
            .is_some_and(|t| core::ptr::eq(t, s)));
        self.sections.get(index + 1)
    }

    fn push(&mut self, header: &'a str, line: &Line<'a>) -> Result<(), (u32, Problem)> {
        self.push_at(header, line.start, line.end, line.number)
    }

    /// Records a section whose header line spans `start..end` and is line `number`.
    fn push_at(
        &mut self,
        header: &'a str,
        start: usize,
        end: usize,
        number: u32,
    ) -> Result<(), (u32, Problem)> {
        let offset = header.as_ptr() as usize - self.text.as_ptr() as usize;
        let _ = (start, end); // the body is derived when needed (`body_of`)
                              // Classified and hashed after the pass (`classify_sections`), in a loop of its own.
        let section = Section {
            hash: 0,
            header: (offset as u32, header.len() as u32),
            line: number,
            class: SectionClass::Profile,
            plain: true,
        };
        #[cfg(feature = "alloc")]
        self.sections.push(section);
        #[cfg(not(feature = "alloc"))]
        self.sections.push(section).map_err(|_| {
            (
                number,
                Problem::CapacityExceeded {
                    limit: "MAX_SECTIONS",
                    value: MAX_SECTIONS,
                },
            )
        })?;
        Ok(())
    }

    /// Each section's class, whether its name is plain, and its name hash, from its header.
    fn classify_sections(&mut self) {
        let (text, kind, dialect) = (self.text, self.kind, self.dialect);
        for s in self.sections.iter_mut() {
            let header = slice(text, s.header);
            // Only the AWS CLI's config-file names are shell words that may need unquoting.
            let (class, name, plain) = match (dialect, kind) {
                (Dialect::AwsCli, FileKind::Config) => classify_cli_config(header),
                _ => {
                    let (class, name) = classify(kind, dialect, header);
                    (class, name, true)
                }
            };
            s.class = class;
            s.plain = plain;
            s.hash = if plain {
                let offset = name.as_ptr() as usize - text.as_ptr() as usize;
                name_hash_in(class, text, offset, name.len())
            } else {
                name_hash(class, name, false)
            };
        }
    }

    /// The AWS CLI dialect's reference pass: every line split by ini_core ([`Lines`]) and read
    /// by [`CliReader`], configparser's rules line by line. The pass that runs is the byte-level
    /// scanner `scan_awscli` (scan.rs); this one is the oracle it is tested against (the
    /// differential tests and the fuzz target). With `hints`, the reader takes ini_core's
    /// reading of column-0 lines (as [`Properties`](super::Properties) does); without, it reads
    /// every line in full.
    pub(super) fn scan_awscli_reference(&mut self, hints: bool) -> Result<(), (u32, Problem)> {
        let mut pass = CliPass::default();
        for line in Lines::new(self.text, 0, 1) {
            let line = if hints {
                line
            } else {
                Line {
                    trivial: None,
                    hint: Hint::None,
                    ..line
                }
            };
            let read = pass.reader.read(&line);
            self.cli_line(&mut pass, read, line.start, line.end, line.number)?;
        }
        pass.finish()
    }

    /// Takes one line as [`CliReader`] read it (the line spans `start..end`).
    pub(super) fn cli_line(
        &mut self,
        pass: &mut CliPass<'a>,
        read: CliLine<'a>,
        start: usize,
        end: usize,
        number: u32,
    ) -> Result<(), (u32, Problem)> {
        match read {
            CliLine::Skip | CliLine::Blank => Ok(()),
            CliLine::Section(header) => self.cli_section(pass, header, start, end, number),
            CliLine::Property { key, value } => {
                let ascii = key.is_ascii();
                self.cli_property(pass, key, ascii, value.is_empty(), number)
            }
            CliLine::Continuation(part) => pass.continuation(part, number),
            CliLine::Error(problem) => Err((number, problem)),
        }
    }

    /// A section header (the reader has already taken it).
    #[inline]
    pub(super) fn cli_section(
        &mut self,
        pass: &mut CliPass<'a>,
        header: &'a str,
        start: usize,
        end: usize,
        number: u32,
    ) -> Result<(), (u32, Problem)> {
        pass.in_defaults = header == "DEFAULT";
        pass.has_sections |= !pass.in_defaults;
        pass.keys.clear();
        pass.nested = false;
        self.push_at(header, start, end, number)
    }

    /// A property: `ascii` when the key is known to be ASCII; `empty` when its value on this
    /// line is empty (a nested value may follow).
    #[inline(always)]
    pub(super) fn cli_property(
        &mut self,
        pass: &mut CliPass<'a>,
        key: &'a str,
        ascii: bool,
        empty: bool,
        number: u32,
    ) -> Result<(), (u32, Problem)> {
        let set = if pass.in_defaults {
            &mut pass.default_keys
        } else {
            &mut pass.keys
        };
        match set.insert(key, number, ascii) {
            Ok(None) => {
                pass.nested = empty;
                Ok(())
            }
            seen => Self::cli_repeated_key(pass, seen, number),
        }
    }

    /// A key the key set found repeated (`Ok(Some(line))`) or could not hold (`Err(())`).
    #[cold]
    #[inline(never)]
    fn cli_repeated_key(
        pass: &CliPass<'a>,
        seen: Result<Option<u32>, ()>,
        number: u32,
    ) -> Result<(), (u32, Problem)> {
        match seen {
            Ok(Some(first_line)) => Err((number, Problem::DuplicateKey { first_line })),
            Ok(None) => Ok(()),
            // Only without `alloc`: the key set holds MAX_SECTION_KEYS keys.
            Err(()) => {
                let limit = if pass.in_defaults {
                    "MAX_DEFAULT_KEYS"
                } else {
                    "MAX_SECTION_KEYS"
                };
                let value = MAX_SECTION_KEYS;
                Err((number, Problem::CapacityExceeded { limit, value }))
            }
        }
    }

    /// The SDK dialect's pass.
    fn scan_sdk(&mut self) -> Result<(), (u32, Problem)> {
        let mut reader = SdkReader::default();
        for line in Lines::new(self.text, 0, 1) {
            match reader.read(&line) {
                SdkLine::Section(header) => self.push(header, &line)?,
                SdkLine::Error(problem) => return Err((line.number, problem)),
                SdkLine::Skip | SdkLine::Property { .. } | SdkLine::Continuation(_) => {}
            }
        }
        Ok(())
    }

    /// SDK dialect: `[profile default]` anywhere shadows every unprefixed `[default]`.
    fn shadow_defaults(&mut self) {
        if self.kind == FileKind::Config {
            let text = self.text;
            let prefixed = self.sections.iter().any(|s| {
                s.class == SectionClass::Profile
                    && slice(text, s.header) != "default"
                    && self.name_of(s) == "default"
            });
            if prefixed {
                for s in self.sections.iter_mut() {
                    if s.class == SectionClass::Profile && slice(text, s.header) == "default" {
                        s.class = SectionClass::Skipped(SkipReason::ShadowedDefault);
                        s.hash = name_hash(s.class, slice(text, s.header), true);
                    }
                }
            }
        }
    }

    /// Builds the name table and, in the AWS CLI dialect, refuses repeated section headers.
    ///
    /// The table holds one slot per distinct (class, name): the last section of that name.
    /// Sections sharing a name are linked in a ring (`ring`, made only once a name repeats), so
    /// that adding one is O(1) and not a walk past every earlier one (the SDK dialect merges
    /// repeated sections, and `[DEFAULT]` may repeat in both dialects). In the AWS CLI dialect
    /// a repeated header (the very same text) is an error; the headers of repeated names go in
    /// a table of their own, keyed by the header's text, so that finding one is O(1) too.
    fn build_index(&mut self) -> Result<(), (u32, Problem)> {
        let size = table_size(self.sections.len());
        #[cfg(feature = "alloc")]
        {
            // Zeroed memory (empty slots) straight from the allocator.
            self.by_name = alloc::vec![EMPTY; size];
        }
        #[cfg(not(feature = "alloc"))]
        let _ = self.by_name.resize(size, EMPTY); // sections <= MAX_SECTIONS
        let mask = self.by_name.len() - 1;
        // The AWS CLI's repeated-header check: section index + 1 by header hash.
        let mut headers = Table::new();
        for i in 0..self.sections.len() {
            let section = self.sections[i];
            let tag = section.hash & !(mask as u32);
            let mut slot = section.hash as usize & mask;
            let mut group = None;
            while self.by_name[slot] != EMPTY {
                let entry = self.by_name[slot];
                if entry & !(mask as u32) == tag {
                    let last = (entry & mask as u32) as usize - 1;
                    let other = &self.sections[last];
                    if other.hash == section.hash && self.same_name(other, &section) {
                        group = Some(last);
                        break;
                    }
                }
                slot = (slot + 1) & mask;
            }
            if let Some(last) = group {
                if self.dialect == Dialect::AwsCli && section.class != SectionClass::Defaults {
                    if headers.is_empty() {
                        #[cfg(feature = "alloc")]
                        {
                            headers = alloc::vec![EMPTY; size];
                        }
                        #[cfg(not(feature = "alloc"))]
                        let _ = headers.resize(size, EMPTY);
                    }
                    if self.ring.is_empty() || self.ring[last] as usize == last {
                        // The name's first repeat: its first section joins the header table.
                        self.insert_header(&mut headers, last)?;
                    }
                    self.insert_header(&mut headers, i)?;
                }
                if self.ring.is_empty() {
                    self.ring = (0..self.sections.len() as u32).collect();
                }
                // `last` is the ring's tail and links to its head: `i` goes between them.
                self.ring[i] = self.ring[last];
                self.ring[last] = i as u32;
            }
            self.by_name[slot] = tag | (i as u32 + 1);
        }
        Ok(())
    }

    /// Adds section `i` to the AWS CLI's table of repeated headers, refusing a header already
    /// there (configparser's DuplicateSectionError).
    fn insert_header(&self, headers: &mut Table, i: usize) -> Result<(), (u32, Problem)> {
        let section = &self.sections[i];
        let header = slice(self.text, section.header);
        let mut h = WordHasher::new(0xff);
        h.write(header.as_bytes());
        let mask = headers.len() - 1;
        let mut slot = h.finish() as usize & mask;
        while headers[slot] != EMPTY {
            let other = &self.sections[headers[slot] as usize - 1];
            if slice(self.text, other.header) == header {
                let first_line = other.line;
                return Err((section.line, Problem::DuplicateSection { first_line }));
            }
            slot = (slot + 1) & mask;
        }
        headers[slot] = i as u32 + 1;
        Ok(())
    }

    /// Whether two sections have the same class and name (the key of the name table).
    fn same_name(&self, a: &Section, b: &Section) -> bool {
        a.class == b.class
            && if a.plain && b.plain {
                self.name_of(a) == self.name_of(b)
            } else {
                self.name_chars(a).chars().eq(self.name_chars(b).chars())
            }
    }

    /// The first section of each name whose name hash is `hash` (then filtered by the caller).
    fn probe(&self, hash: u32) -> impl Iterator<Item = usize> + '_ {
        let mask = self.by_name.len().wrapping_sub(1);
        let tag = hash & !(mask as u32);
        let mut slot = hash as usize & mask;
        core::iter::from_fn(move || loop {
            let &entry = self.by_name.get(slot)?;
            if entry == EMPTY {
                return None;
            }
            slot = (slot + 1) & mask;
            if entry & !(mask as u32) != tag {
                continue;
            }
            let last = (entry & mask as u32) as usize - 1;
            if self.sections[last].hash == hash {
                return Some(self.ring.get(last).map_or(last, |&head| head as usize));
            }
        })
    }

    /// The sections of the name whose first section is `first`, in file order.
    fn group(&self, first: usize) -> impl Iterator<Item = &Section> + '_ {
        let mut at = Some(first);
        core::iter::from_fn(move || {
            let i = at?;
            at = self
                .ring
                .get(i)
                .map(|&next| next as usize)
                .filter(|&next| next != first);
            self.sections.get(i)
        })
    }

    /// The sections of `class` named `name`, in file order.
    pub(crate) fn find<'s>(
        &'s self,
        class: SectionClass,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Section> + 's {
        self.probe(name_hash(class, name, true))
            .find(move |&i| {
                let s = &self.sections[i];
                s.class == class && self.name_eq(s, name)
            })
            .into_iter()
            .flat_map(move |first| self.group(first))
    }

    fn name_eq(&self, s: &Section, name: &str) -> bool {
        let raw = self.name_of(s);
        if s.plain {
            raw == name
        } else {
            shlex::unquoted(raw).eq(name.chars())
        }
    }

    /// The sections of `class` with the same name as `name` (which may be quoted), in file order.
    pub(crate) fn find_name<'s>(
        &'s self,
        class: SectionClass,
        name: super::Name<'s>,
    ) -> impl Iterator<Item = &'s Section> + 's {
        self.probe(name_hash(class, name.raw, name.plain))
            .find(move |&i| {
                let s = &self.sections[i];
                s.class == class && self.name_chars(s).chars().eq(name.chars())
            })
            .into_iter()
            .flat_map(move |first| self.group(first))
    }

    /// The `[DEFAULT]` sections (AWS CLI dialect).
    pub(crate) fn defaults(&self) -> impl Iterator<Item = &Section> + '_ {
        self.find(SectionClass::Defaults, "DEFAULT")
    }

    /// The characters of a section's name (unquoted).
    pub(crate) fn name_chars(&self, s: &Section) -> super::Name<'a> {
        super::Name {
            raw: self.name_of(s),
            plain: s.plain,
        }
    }
}

fn class_tag(class: SectionClass) -> u8 {
    match class {
        SectionClass::Profile => 1,
        SectionClass::SsoSession => 2,
        SectionClass::Services => 3,
        SectionClass::Defaults => 4,
        SectionClass::Skipped(_) => 5,
    }
}

fn name_hash(class: SectionClass, name: &str, plain: bool) -> u32 {
    let mut h = WordHasher::new(class_tag(class));
    if plain {
        h.write(name.as_bytes());
    } else {
        let mut buf = [0u8; 4];
        for c in shlex::unquoted(name) {
            h.write(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    h.finish()
}

/// [`name_hash`] of a plain name that is `text[start..start + len]`, reading its last partial
/// word from the text around it.
#[inline(always)]
fn name_hash_in(class: SectionClass, text: &str, start: usize, len: usize) -> u32 {
    let mut h = WordHasher::new(class_tag(class));
    h.write_in(text.as_bytes(), start, len);
    h.finish()
}

/// What the AWS CLI dialect's pass carries from line to line: configparser's reading state, the
/// keys of the current section and of `[DEFAULT]`, and the nested-value checks.
#[derive(Default)]
pub(super) struct CliPass<'a> {
    /// configparser's reading state.
    pub reader: CliReader,
    keys: KeySet<'a>,
    default_keys: KeySet<'a>,
    in_defaults: bool,
    /// Whether the current property's value is nested (`key =` with nothing after it).
    nested: bool,
    /// botocore checks nested values of `[DEFAULT]` only through the sections inheriting them.
    defaults_nested_error: Option<u32>,
    has_sections: bool,
}

impl<'a> CliPass<'a> {
    /// A continuation line of the current value.
    pub fn continuation(&mut self, part: &'a str, number: u32) -> Result<(), (u32, Problem)> {
        if self.nested && nested_pairs(part).any(|p| p.is_err()) {
            if !self.in_defaults {
                return Err((number, Problem::NestedWithoutEquals));
            }
            self.defaults_nested_error.get_or_insert(number);
        }
        Ok(())
    }

    /// The end of the file.
    pub fn finish(self) -> Result<(), (u32, Problem)> {
        match (self.defaults_nested_error, self.has_sections) {
            (Some(line), true) => Err((line, Problem::NestedWithoutEquals)),
            _ => Ok(()),
        }
    }
}

/// Counts NUL and '[' bytes in one pass, in blocks the compiler vectorises (whole blocks of a
/// multiple of the vector width, with byte counters that cannot overflow).
fn count_nul_and_brackets(bytes: &[u8]) -> (usize, usize) {
    let mut nuls = 0usize;
    let mut brackets = 0usize;
    let mut blocks = bytes.chunks_exact(128);
    for block in &mut blocks {
        let (mut n, mut b) = (0u8, 0u8);
        for &byte in block {
            n += u8::from(byte == 0);
            b += u8::from(byte == b'[');
        }
        nuls += usize::from(n);
        brackets += usize::from(b);
    }
    for &byte in blocks.remainder() {
        nuls += usize::from(byte == 0);
        brackets += usize::from(byte == b'[');
    }
    (nuls, brackets)
}

/// The 1-based line holding byte `pos`.
fn line_of(bytes: &[u8], pos: usize) -> u32 {
    let before = &bytes[..pos.min(bytes.len())];
    let newlines = before.iter().filter(|&&b| b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_and_bodies_match_the_lines() {
        // Sections store their header only; the name and the body are derived. Check them
        // against the lines ini_core splits, on generated files.
        let pieces = [
            "[profile a]",
            "[profile \"b c\"]",
            "[default]",
            "[DEFAULT]",
            "[a]",
            "  [b]",
            "\u{a0}[c] x",
            "[ profile  d ]",
            "[sso-session s]",
            "[services t]",
            "[x",
            "k = v",
            "k2 =",
            "  sub = 1",
            "",
            "# c",
            "[profile a b]",
            "[profile 'q]",
        ];
        let endings = ["\n", "\r\n", "\r", "\n\r"];
        let mut next = super::super::lines::numbers_below(7);
        let mut checked = 0;
        for _ in 0..3000 {
            let mut text = std::string::String::new();
            for _ in 0..1 + next(10) {
                text.push_str(pieces[next(pieces.len())]);
                text.push_str(endings[next(endings.len())]);
            }
            for (kind, dialect) in [
                (FileKind::Config, Dialect::AwsCli),
                (FileKind::Credentials, Dialect::AwsCli),
                (FileKind::Config, Dialect::Sdk),
            ] {
                let bytes = Some(text.as_bytes());
                let Ok(file) = ProfileFile::parse_with(
                    kind,
                    "f",
                    bytes,
                    dialect,
                    Scan::Reference { hints: true },
                ) else {
                    continue;
                };
                let lines: std::vec::Vec<Line<'_>> = Lines::new(&text, 0, 1).collect();
                for (i, s) in file.sections.iter().enumerate() {
                    let header_line = &lines[s.line as usize - 1];
                    let end = file
                        .sections
                        .get(i + 1)
                        .map_or(text.len(), |n| lines[n.line as usize - 1].start);
                    assert_eq!(
                        file.body_of(s),
                        (header_line.end, end, s.line + 1),
                        "{text:?}"
                    );
                    let header = file.header_of(s);
                    let name = match (s.class, dialect, kind) {
                        (SectionClass::Skipped(_), _, _) => header,
                        _ => classify(kind, dialect, header).1,
                    };
                    assert_eq!(file.name_of(s), name, "{text:?}");
                    assert!(header_line.raw.contains(header));
                    checked += 1;
                }
            }
        }
        assert!(checked > 3000, "only {checked} sections checked");
    }

    #[test]
    fn counts_exactly() {
        let mut text = b"[a]\0[b][\x80\xff\x5b\x00\x01[[[".repeat(40);
        text.extend_from_slice(&[b'['; 300]);
        for len in 0..text.len() {
            let text = &text[..len];
            let want = (
                text.iter().filter(|&&b| b == 0).count(),
                text.iter().filter(|&&b| b == b'[').count(),
            );
            assert_eq!(count_nul_and_brackets(text), want);
        }
    }
}
