//! The process environment: captured once, with the path variables that may hold bytes that
//! are not UTF-8.

use std::string::String;
use std::vec::Vec;

use super::os_path;
use crate::io::Env;

/// The variables that name files or directories. On Unix a path is any bytes: these keep bytes
/// that are not UTF-8 through [`os_path`], and the AWS CLI reads the file they name.
pub const PATH_VARIABLES: &[&str] = &[
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "HOME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_LOGIN_CACHE_DIRECTORY",
    "AWS_CA_BUNDLE",
];

/// The process environment, captured once (reads never change under the core's feet).
#[derive(Debug, Clone, Default)]
pub struct StdEnv {
    vars: Vec<(String, String)>,
    /// Variables set to a value that is not UTF-8 (their names).
    unreadable: Vec<String>,
}

/// A variable the core reads is set to a value that is not UTF-8 text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableVariable {
    /// The variable.
    pub name: String,
}

impl core::fmt::Display for UnreadableVariable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if cfg!(unix) && PATH_VARIABLES.contains(&self.name.as_str()) {
            // On Unix any bytes are carried: only the characters that stand for bytes are not.
            return write!(
                f,
                "the environment variable {} names a path holding a character from U+10FF80 to \
                 U+10FFFF, which credchain uses to carry the bytes of paths that are not UTF-8; \
                 rename the file or directory, or unset the variable",
                self.name
            );
        }
        write!(
            f,
            "the environment variable {} is set to a value that is not UTF-8 text, which \
             credchain cannot read (treating it as unset would use another profile or file); set \
             it to UTF-8 text or unset it",
            self.name
        )
    }
}

impl StdEnv {
    /// Captures the current process environment. A variable whose value is not UTF-8 is kept
    /// aside by name, for [`StdEnv::check`]. When `HOME` is unset on Unix, it is taken from the
    /// user database, as the AWS CLI's Python does when it expands `~`.
    #[must_use]
    pub fn new() -> Self {
        let mut unreadable = Vec::new();
        let mut vars: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| {
                let k = k.into_string().ok()?;
                let text = if PATH_VARIABLES.contains(&k.as_str()) {
                    os_path::encode(v)
                } else {
                    v.into_string().ok()
                };
                match text {
                    Some(v) => Some((k, v)),
                    None => {
                        unreadable.push(k);
                        None
                    }
                }
            })
            .collect();
        if cfg!(unix) && !vars.iter().any(|(k, _)| k == "HOME") {
            #[allow(deprecated)]
            // Deprecated for its Windows behaviour; on Unix it reads getpwuid_r.
            let home = std::env::home_dir().and_then(|h| os_path::encode(h.into_os_string()));
            if let Some(home) = home {
                vars.push(("HOME".into(), home));
            }
        }
        StdEnv { vars, unreadable }
    }

    /// An environment from pairs, with `unreadable` naming variables set to values that are not
    /// UTF-8 (for tests of hosts).
    #[must_use]
    pub fn from_parts(vars: Vec<(String, String)>, unreadable: Vec<String>) -> Self {
        StdEnv { vars, unreadable }
    }

    /// Fails on the first variable the core reads ([`crate::io::VARIABLES_READ`]) whose value
    /// is not UTF-8: the AWS CLI would use such a value (Python keeps its bytes), so reading it
    /// as unset would give another profile's credentials or another file's settings. Hosts call
    /// it once, before any lookup.
    ///
    /// # Errors
    /// [`UnreadableVariable`] naming the variable.
    pub fn check(&self) -> Result<(), UnreadableVariable> {
        match self
            .unreadable
            .iter()
            .find(|name| crate::io::VARIABLES_READ.contains(&name.as_str()))
        {
            Some(name) => Err(UnreadableVariable { name: name.clone() }),
            None => Ok(()),
        }
    }
}

impl Env for StdEnv {
    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
