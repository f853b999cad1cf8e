//! Where a value came from, as a C struct.

use core::ffi::{c_char, CStr};
use std::ffi::CString;
use std::sync::{Mutex, PoisonError};

use credchain_core::{FileKind, Source};

/// Where a resolved value came from.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credchain_source_kind {
    /// A command-line option of the options struct; `name` is the option, such as "--region".
    Option = 1,
    /// An environment variable; `name` is the variable, such as "AWS_REGION".
    EnvVar = 2,
    /// A property of the config file; `path` and `line` say where.
    ConfigFile = 3,
    /// A property of the shared credentials file; `path` and `line` say where.
    CredentialsFile = 4,
    /// The setting's documented default.
    Default = 5,
}

/// Where a resolved value came from. Written by `credchain_config_resolve` and
/// `credchain_config_get` on success only.
///
/// No member ever needs freeing, and no string member is ever NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct credchain_source {
    /// The kind of source.
    pub kind: credchain_source_kind,
    /// For `OPTION` and `ENV_VAR`, the option or variable name; otherwise "". NUL-terminated;
    /// static lifetime: valid for the life of the process, whatever is freed.
    pub name: *const c_char,
    /// For `CONFIG_FILE` and `CREDENTIALS_FILE`, the file's path as located; otherwise "".
    /// NUL-terminated; points into the handle: valid until `credchain_config_free` on it.
    pub path: *const c_char,
    /// The length of `path` in bytes, without the NUL.
    pub path_len: usize,
    /// For `CONFIG_FILE` and `CREDENTIALS_FILE`, the 1-based line of the property; otherwise 0.
    pub line: u32,
}

/// The two file paths of a handle, NUL-terminated, that `path` members point into.
pub(crate) struct Paths<'h> {
    pub(crate) config: &'h CStr,
    pub(crate) credentials: &'h CStr,
}

impl credchain_source {
    /// The C view of `source`; file paths point into `paths`.
    pub(crate) fn new(source: Source<'_>, paths: &Paths<'_>) -> Self {
        let empty = c"".as_ptr();
        let (kind, name, path, line) = match source {
            Source::Option(o) => (credchain_source_kind::Option, static_name(o), None, 0),
            Source::EnvVar(v) => (credchain_source_kind::EnvVar, static_name(v), None, 0),
            Source::File {
                kind: FileKind::Config,
                line,
                ..
            } => (
                credchain_source_kind::ConfigFile,
                empty,
                Some(paths.config),
                line,
            ),
            Source::File {
                kind: FileKind::Credentials,
                line,
                ..
            } => (
                credchain_source_kind::CredentialsFile,
                empty,
                Some(paths.credentials),
                line,
            ),
            Source::Default => (credchain_source_kind::Default, empty, None, 0),
        };
        let path = path.unwrap_or(c"");
        credchain_source {
            kind,
            name,
            path: path.as_ptr(),
            path_len: path.to_bytes().len(),
            line,
        }
    }
}

/// A NUL-terminated copy of a static name (an option or variable of the core's tables) that
/// lives as long as the process: each distinct name is copied once and kept.
fn static_name(name: &'static str) -> *const c_char {
    static NAMES: Mutex<Vec<(&'static str, &'static CStr)>> = Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, c)) = names.iter().find(|(n, _)| *n == name) {
        return c.as_ptr();
    }
    // The core's names never hold NUL; if one did, "" is the honest fallback.
    let c: &'static CStr = match CString::new(name) {
        Ok(c) => Box::leak(c.into_boxed_c_str()),
        Err(_) => c"",
    };
    names.push((name, c));
    c.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_interned() {
        let a = static_name("AWS_REGION");
        let b = static_name("AWS_REGION");
        assert_eq!(a, b);
        // SAFETY: static_name returns a NUL-terminated string that lives forever.
        assert_eq!(unsafe { CStr::from_ptr(a) }, c"AWS_REGION");
        let paths = Paths {
            config: c"/c",
            credentials: c"/k",
        };
        let s = credchain_source::new(
            Source::File {
                kind: FileKind::Credentials,
                path: "/k",
                line: 4,
            },
            &paths,
        );
        assert_eq!(
            (s.kind, s.path, s.path_len, s.line),
            (
                credchain_source_kind::CredentialsFile,
                paths.credentials.as_ptr(),
                2,
                4
            )
        );
    }
}
