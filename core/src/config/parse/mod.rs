//! Parse: a zero-copy, validated view of the config and credentials files.
//!
//! [`ConfigFiles::parse`] reads both files in one [`Dialect`], refusing a file the dialect
//! refuses ([`ParseError`], with file and line) and skipping what the dialect skips (reported by
//! [`ConfigFiles::diagnostics`]). Every value is a slice of the file text with its line; nothing
//! is copied. The only memory owned is one section index per file (with the `alloc` feature one
//! allocation sized from the file; without it, [`MAX_SECTIONS`] entries inline).
//!
//! A profile's properties come from, highest precedence first: its credentials-file section,
//! that file's `[DEFAULT]` (AWS CLI dialect), its config-file section, that file's `[DEFAULT]`.
//! The two grammars are documented in the `awscli` and `sdk` submodules; see also
//! ../shared/spec/profile-dialects.md for where they part.

mod awscli;
mod compare;
mod file;
mod header;
mod keys;
mod lines;
mod problem;
mod property;
mod scan;
mod sdk;
mod shlex;

use core::fmt;

pub use crate::Dialect;
pub use compare::{compare_lines, LineReadings, Reading};
pub use file::{ProfileFile, Scan, SectionClass, SkipReason, MAX_DEFAULT_KEYS, MAX_SECTIONS};
pub use keys::MAX_SECTION_KEYS;
pub use problem::{ParseError, Problem};
pub use property::{Property, Value};

/// Splits `s` into words as Python's `shlex.split` does (POSIX mode), keeping each word's raw
/// text; `Err` for an unclosed quote or a trailing backslash. At most `N` words are kept; the
/// count returned is the full count. Unquote each with [`unquote_shell_word`].
pub fn shell_words<const N: usize>(
    s: &str,
) -> Result<(heapless::Vec<&str, N>, usize), UnclosedQuote> {
    shlex::split(s).map_err(|()| UnclosedQuote)
}

/// A shell command line with an unclosed quote or a trailing backslash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnclosedQuote;

/// The characters of a raw word from [`shell_words`], unquoted.
pub fn unquote_shell_word(word: &str) -> impl Iterator<Item = char> + '_ {
    shlex::unquoted(word)
}

use crate::config::load::LoadedFiles;
use crate::FileKind;
use file::Section;
use property::Properties;

/// Both files, parsed in one dialect.
#[derive(Debug, Clone)]
pub struct ConfigFiles<'a> {
    /// The config file.
    pub config: ProfileFile<'a>,
    /// The shared credentials file.
    pub credentials: ProfileFile<'a>,
    dialect: Dialect,
}

impl<'a> ConfigFiles<'a> {
    /// Parses both loaded files. Both are parsed before anything is resolved, as the AWS CLI
    /// does: a file it cannot read fails every command.
    pub fn parse<F: AsRef<[u8]>>(
        files: &'a LoadedFiles<'a, F>,
        dialect: Dialect,
    ) -> Result<Self, ParseError<'a>> {
        Self::from_texts(
            (
                files.config.path,
                files.config.contents.as_ref().map(AsRef::as_ref),
            ),
            (
                files.credentials.path,
                files.credentials.contents.as_ref().map(AsRef::as_ref),
            ),
            dialect,
        )
    }

    /// Parses two files given as (path, bytes); `None` bytes mean the file does not exist.
    pub fn from_texts(
        config: (&'a str, Option<&'a [u8]>),
        credentials: (&'a str, Option<&'a [u8]>),
        dialect: Dialect,
    ) -> Result<Self, ParseError<'a>> {
        Ok(ConfigFiles {
            config: ProfileFile::parse(FileKind::Config, config.0, config.1, dialect)?,
            credentials: ProfileFile::parse(
                FileKind::Credentials,
                credentials.0,
                credentials.1,
                dialect,
            )?,
            dialect,
        })
    }

    /// The pair of two files parsed apart (each with [`ProfileFile::parse`] in `dialect`, the
    /// config file as [`FileKind::Config`]): for hosts that parse them at once, on two threads.
    #[must_use]
    pub fn from_parsed(
        config: ProfileFile<'a>,
        credentials: ProfileFile<'a>,
        dialect: Dialect,
    ) -> Self {
        ConfigFiles {
            config,
            credentials,
            dialect,
        }
    }

    /// The dialect the files were read in.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The profile named `name`, when either file defines it.
    #[must_use]
    pub fn profile<'s>(&'s self, name: &'s str) -> Option<Profile<'s, 'a>> {
        let in_config = self
            .config
            .find(SectionClass::Profile, name)
            .next()
            .is_some();
        let in_credentials = self
            .credentials
            .find(SectionClass::Profile, name)
            .next()
            .is_some();
        (in_config || in_credentials).then_some(Profile {
            files: self,
            name,
            in_config,
            in_credentials,
        })
    }

    /// The `[sso-session NAME]` section named `name` (config file only).
    #[must_use]
    pub fn sso_session<'s>(&'s self, name: &'s str) -> Option<SectionView<'s, 'a>> {
        self.config_section(SectionClass::SsoSession, name)
    }

    /// The `[services NAME]` section named `name` (config file only).
    #[must_use]
    pub fn services<'s>(&'s self, name: &'s str) -> Option<SectionView<'s, 'a>> {
        self.config_section(SectionClass::Services, name)
    }

    fn config_section<'s>(
        &'s self,
        class: SectionClass,
        name: &'s str,
    ) -> Option<SectionView<'s, 'a>> {
        self.config.find(class, name).next()?;
        Some(SectionView {
            file: &self.config,
            class,
            name,
        })
    }

    /// Every profile name, config-file profiles first, then credentials-file ones, each once,
    /// in the order they first appear (the order of `aws configure list-profiles`).
    pub fn profile_names<'s>(&'s self) -> impl Iterator<Item = Name<'a>> + 's {
        let config = &self.config;
        let creds = &self.credentials;
        // A name is listed at the first section that carries it.
        let first_in = |file: &'s ProfileFile<'a>, s: &'s Section| {
            let name = file.name_chars(s);
            let first = file.find_name(SectionClass::Profile, name).next();
            first.is_some_and(|f| core::ptr::eq(f, s)).then_some(name)
        };
        let profiles = |file: &'s ProfileFile<'a>| {
            file.sections
                .iter()
                .filter(|s| s.class == SectionClass::Profile)
                .filter_map(move |s| first_in(file, s))
        };
        profiles(config).chain(
            profiles(creds)
                .filter(move |n| config.find_name(SectionClass::Profile, *n).next().is_none()),
        )
    }

    /// Every `[sso-session NAME]` name in the config file, each once, in file order.
    pub fn sso_session_names<'s>(&'s self) -> impl Iterator<Item = Name<'a>> + 's {
        let config = &self.config;
        config
            .sections
            .iter()
            .filter(|s| s.class == SectionClass::SsoSession)
            .filter_map(move |s| {
                let name = config.name_chars(s);
                let first = config.find_name(SectionClass::SsoSession, name).next();
                first.is_some_and(|f| core::ptr::eq(f, s)).then_some(name)
            })
    }

    /// Calls `each` with every skipped section (and, in the SDK dialect, skipped property).
    pub fn diagnostics(&self, mut each: impl FnMut(Diagnostic<'a>)) {
        for file in [&self.config, &self.credentials] {
            for s in file.sections.iter() {
                if let SectionClass::Skipped(reason) = s.class {
                    let what = file.header_of(s);
                    each(Diagnostic {
                        kind: file.kind,
                        path: file.path,
                        line: s.line,
                        reason,
                        what,
                    });
                }
                if self.dialect == Dialect::Sdk {
                    for p in Properties::new(file, s) {
                        if !sdk::is_valid_name(p.key) {
                            let reason = SkipReason::InvalidName;
                            each(Diagnostic {
                                kind: file.kind,
                                path: file.path,
                                line: p.line,
                                reason,
                                what: p.key,
                            });
                        }
                    }
                }
            }
        }
    }
}

/// Something the dialect skipped, with where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diagnostic<'a> {
    /// Which file.
    pub kind: FileKind,
    /// Its path.
    pub path: &'a str,
    /// The line.
    pub line: u32,
    /// Why it was skipped.
    pub reason: SkipReason,
    /// The section header or property name skipped.
    pub what: &'a str,
}

impl fmt::Display for Diagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: `{}`: {}",
            self.path,
            self.line,
            self.what,
            self.reason.describe()
        )
    }
}

/// A section name as a slice of the file: usually the name itself; for an AWS CLI
/// `[profile "quoted name"]`, the quoted shell word, unquoted by [`Name::chars`] and `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'a> {
    pub(crate) raw: &'a str,
    pub(crate) plain: bool,
}

impl<'a> Name<'a> {
    /// The name as a slice, when it needs no unquoting.
    #[must_use]
    pub fn as_str(&self) -> Option<&'a str> {
        self.plain.then_some(self.raw)
    }

    /// The name's characters.
    pub fn chars(&self) -> impl Iterator<Item = char> + 'a {
        let (raw, plain) = (self.raw, self.plain);
        let (a, b) = if plain {
            (Some(raw.chars()), None)
        } else {
            (None, Some(shlex::unquoted(raw)))
        };
        a.into_iter().flatten().chain(b.into_iter().flatten())
    }
}

impl PartialEq<str> for Name<'_> {
    fn eq(&self, other: &str) -> bool {
        self.chars().eq(other.chars())
    }
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.as_str() {
            return f.write_str(s);
        }
        self.chars().try_for_each(|c| fmt::Write::write_char(f, c))
    }
}

/// One profile, merged across both files.
#[derive(Debug, Clone, Copy)]
pub struct Profile<'s, 'a> {
    files: &'s ConfigFiles<'a>,
    name: &'s str,
    in_config: bool,
    in_credentials: bool,
}

impl<'s, 'a> Profile<'s, 'a> {
    /// The profile's name.
    #[must_use]
    pub fn name(&self) -> &'s str {
        self.name
    }

    /// Whether the config file defines the profile.
    #[must_use]
    pub fn in_config(&self) -> bool {
        self.in_config
    }

    /// Whether the credentials file defines the profile.
    #[must_use]
    pub fn in_credentials(&self) -> bool {
        self.in_credentials
    }

    /// The property `key` (case-insensitive), from the highest-precedence place that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Property<'a>> {
        let creds = &self.files.credentials;
        let config = &self.files.config;
        self.in_credentials
            .then(|| get_in(creds, SectionClass::Profile, self.name, key))
            .flatten()
            .or_else(|| {
                self.in_config
                    .then(|| get_in(config, SectionClass::Profile, self.name, key))
                    .flatten()
            })
    }

    /// Every property in effect for the profile, each key once, with the value that wins.
    pub fn properties(&self) -> impl Iterator<Item = Property<'a>> + '_ {
        let files = self.files;
        let sources = [
            (&files.credentials, self.in_credentials),
            (&files.config, self.in_config),
        ];
        let this = *self;
        #[cfg(feature = "alloc")]
        let winners = {
            let of = |file, present| {
                if present {
                    Winners::of(file, SectionClass::Profile, this.name)
                } else {
                    Winners::default()
                }
            };
            (
                of(&files.credentials, self.in_credentials),
                of(&files.config, self.in_config),
            )
        };
        sources
            .into_iter()
            .filter(|(_, present)| *present)
            .flat_map(move |(file, _)| all_in(file, SectionClass::Profile, this.name))
            .filter(move |p| {
                // The credentials file's value of a key beats the config file's.
                #[cfg(feature = "alloc")]
                return match p.kind {
                    FileKind::Credentials => winners.0.is_winner(p),
                    FileKind::Config => {
                        winners.0.line_of(p.key).is_none() && winners.1.is_winner(p)
                    }
                };
                #[cfg(not(feature = "alloc"))]
                return this.get(p.key).as_ref() == Some(p);
            })
    }

    /// The property `key` from one file only (the AWS CLI reads static keys from one file's
    /// section as a whole).
    #[must_use]
    pub fn get_in_file(&self, kind: FileKind, key: &str) -> Option<Property<'a>> {
        let (file, present) = match kind {
            FileKind::Config => (&self.files.config, self.in_config),
            FileKind::Credentials => (&self.files.credentials, self.in_credentials),
        };
        present
            .then(|| get_in(file, SectionClass::Profile, self.name, key))
            .flatten()
    }
}

/// An `[sso-session]` or `[services]` section.
#[derive(Debug, Clone, Copy)]
pub struct SectionView<'s, 'a> {
    file: &'s ProfileFile<'a>,
    class: SectionClass,
    name: &'s str,
}

impl<'a> SectionView<'_, 'a> {
    /// Every property of the section, each key once, with the value that wins.
    pub fn properties(&self) -> impl Iterator<Item = Property<'a>> + '_ {
        #[cfg(feature = "alloc")]
        let winners = Winners::of(self.file, self.class, self.name);
        all_in(self.file, self.class, self.name).filter(move |p| {
            #[cfg(feature = "alloc")]
            return winners.is_winner(p);
            #[cfg(not(feature = "alloc"))]
            return self.get(p.key).as_ref() == Some(p);
        })
    }

    /// The property `key` (case-insensitive).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Property<'a>> {
        get_in(self.file, self.class, self.name, key)
    }

    /// The keys both this section and `profile` set: (the section's property, the profile's),
    /// in the section's order, in time linear in both (with `alloc`).
    pub fn shared_with<'p>(
        &'p self,
        profile: &'p Profile<'p, 'a>,
    ) -> impl Iterator<Item = (Property<'a>, Property<'a>)> + 'p {
        // The profile's properties, each found by its key through the set's index.
        #[cfg(feature = "alloc")]
        let own = {
            let listed: alloc::vec::Vec<Property<'a>> = profile.properties().collect();
            let mut index = keys::KeySet::default();
            for (i, p) in listed.iter().enumerate() {
                let _ = index.insert(p.key, i as u32, p.key.is_ascii());
            }
            (listed, index)
        };
        self.properties().filter_map(move |shared| {
            #[cfg(feature = "alloc")]
            let mine = own
                .1
                .get(shared.key, shared.key.is_ascii())
                .map(|i| own.0[i as usize]);
            #[cfg(not(feature = "alloc"))]
            let mine = profile.get(shared.key);
            mine.map(|mine| (shared, mine))
        })
    }
}

/// Every property of the sections of `class` named `name` and of the file's `[DEFAULT]`.
fn all_in<'s, 'a>(
    file: &'s ProfileFile<'a>,
    class: SectionClass,
    name: &'s str,
) -> impl Iterator<Item = Property<'a>> + 's {
    let defaults = (file.dialect == Dialect::AwsCli)
        .then(|| file.defaults())
        .into_iter()
        .flatten();
    file.find(class, name)
        .chain(defaults)
        .flat_map(move |s| Properties::new(file, s))
        .filter(Property::is_valid)
}

/// `key` in the sections of `class` named `name`, then in the file's `[DEFAULT]`.
fn get_in<'a>(
    file: &ProfileFile<'a>,
    class: SectionClass,
    name: &str,
    key: &str,
) -> Option<Property<'a>> {
    let mut found = None;
    let mut any = false;
    // AWS CLI: only the last section of that name counts; SDK: the sections merge, and the
    // last occurrence of the key wins.
    let last_only = file.dialect == Dialect::AwsCli;
    let mut sections = file.find(class, name).peekable();
    while let Some(s) = sections.next() {
        any = true;
        if last_only && sections.peek().is_some() {
            continue;
        }
        if let Some(p) = Properties::new(file, s)
            .filter(|p| p.is_valid() && p.matches(key))
            .last()
        {
            found = Some(p);
        }
    }
    if found.is_none() && any && file.dialect == Dialect::AwsCli {
        found = file
            .defaults()
            .find_map(|s| Properties::new(file, s).find(|p| p.matches(key)));
    }
    found
}

/// The property [`get_in`] gives for each key of the sections of `class` named `name`, found in
/// one pass: listing every property stays linear in the section's size, where asking
/// [`get_in`] for each key would re-read the section per key. The keys are held as the parser
/// holds them to refuse repeats ([`keys::KeySet`]: hashed once a section outgrows the array),
/// each with the line of its winning property. Without `alloc` sections hold at most
/// [`MAX_SECTION_KEYS`] keys, and the callers ask [`get_in`] instead.
#[cfg(feature = "alloc")]
#[derive(Default)]
struct Winners<'a> {
    lines: keys::KeySet<'a>,
}

#[cfg(feature = "alloc")]
impl<'a> Winners<'a> {
    /// The same choices as [`get_in`]: the AWS CLI reads only the last section of the name and
    /// the last of a key in it, the SDK every section and the last of a key in all of them;
    /// then (AWS CLI) the first of a key in `[DEFAULT]` for keys the section does not set.
    /// The set keeps the first line given for a key, so the sections are read last to first.
    fn of(file: &ProfileFile<'a>, class: SectionClass, name: &str) -> Self {
        let mut lines = keys::KeySet::default();
        let sections: alloc::vec::Vec<_> = file.find(class, name).collect();
        let read = match (file.dialect, sections.split_last()) {
            (Dialect::AwsCli, Some((last, _))) => core::slice::from_ref(last),
            _ => &sections[..],
        };
        let mut keys = alloc::vec::Vec::new();
        for &section in read.iter().rev() {
            keys.clear();
            keys.extend(
                Properties::new(file, section)
                    .filter(Property::is_valid)
                    .map(|p| (p.key, p.line)),
            );
            for &(key, line) in keys.iter().rev() {
                let _ = lines.insert(key, line, key.is_ascii());
            }
        }
        if !sections.is_empty() && file.dialect == Dialect::AwsCli {
            for section in file.defaults() {
                for p in Properties::new(file, section) {
                    let _ = lines.insert(p.key, p.line, p.key.is_ascii());
                }
            }
        }
        Winners { lines }
    }

    /// Whether `p` (a property of the same file) is the property its key gives.
    fn is_winner(&self, p: &Property<'a>) -> bool {
        self.lines.get(p.key, p.key.is_ascii()) == Some(p.line)
    }

    /// The line of the property `key` gives, if any.
    fn line_of(&self, key: &str) -> Option<u32> {
        self.lines.get(key, key.is_ascii())
    }
}
