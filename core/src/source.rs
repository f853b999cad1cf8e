//! Where a value came from: the answer `explain` and `configure list` give for every value.

use core::fmt;

/// Which of the two shared files a value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// The config file (`~/.aws/config`, `AWS_CONFIG_FILE`).
    Config,
    /// The shared credentials file (`~/.aws/credentials`, `AWS_SHARED_CREDENTIALS_FILE`).
    Credentials,
}

impl FileKind {
    /// The name the AWS CLI uses for this file in `configure list` (`config-file`,
    /// `shared-credentials-file`).
    #[must_use]
    pub fn awscli_type(self) -> &'static str {
        match self {
            FileKind::Config => "config-file",
            FileKind::Credentials => "shared-credentials-file",
        }
    }
}

/// The provenance of a resolved value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// A command-line option, such as `--region`.
    Option(&'static str),
    /// An environment variable, by name.
    EnvVar(&'static str),
    /// A property in one of the shared files.
    File {
        /// Which file.
        kind: FileKind,
        /// The file's path as located.
        path: &'a str,
        /// The 1-based line of the property.
        line: u32,
    },
    /// The setting's documented default.
    Default,
}

impl fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Option(name) => f.write_str(name),
            Source::EnvVar(name) => f.write_str(name),
            Source::File { path, line, .. } => write!(f, "{path}:{line}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value with its provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sourced<'a> {
    /// The value.
    pub value: &'a str,
    /// Where it came from.
    pub source: Source<'a>,
}
