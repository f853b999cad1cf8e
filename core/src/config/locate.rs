//! Locate: the paths of the config and credentials files, from the environment alone.
//!
//! `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` override `~/.aws/config` and
//! `~/.aws/credentials`. The AWS CLI (botocore) then expands `$VAR`/`${VAR}` and a leading `~`
//! in either path, as Python's `os.path.expandvars` and `os.path.expanduser` do. The SDKs expand
//! only the leading `~`. The home directory:
//!
//! | platform | [`Dialect::AwsCli`]                          | [`Dialect::Sdk`]                               |
//! |----------|----------------------------------------------|------------------------------------------------|
//! | Unix     | `HOME`                                       | `HOME`                                         |
//! | Windows  | `USERPROFILE`, else `HOMEDRIVE`+`HOMEPATH`   | `HOME`, else `USERPROFILE`, else `HOMEDRIVE`+`HOMEPATH` |
//!
//! (Python 3.8 and later, which the AWS CLI v2 ships, ignore `HOME` on Windows.) A variable set
//! to the empty string names no file, as in the AWS CLI, where it makes the file absent. With no
//! home directory at all, the default paths name no file ([`PathOrigin::NoHome`]): the AWS CLI
//! never fails for want of one (Python falls back to the user database, which the `std` host's
//! `StdEnv` does too; elsewhere the files are simply absent).

use core::fmt;

use crate::io::Env;
use crate::Dialect;

/// The longest path locate produces, in bytes. A longer one is [`LocateError::PathTooLong`].
pub const MAX_PATH_LEN: usize = 4096;

/// A located path: an owned, fixed-capacity string.
pub type PathBuf = heapless::String<MAX_PATH_LEN>;

type Full = heapless::CapacityError;

/// The operating-system family, which decides the home directory variables and separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux, macOS and other Unix systems.
    Unix,
    /// Windows.
    Windows,
}

impl Platform {
    /// The platform this code was compiled for (Unix for targets without an OS).
    #[must_use]
    pub fn current() -> Self {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    pub(crate) fn separator(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

/// Where a located path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathOrigin {
    /// The variable named here (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`).
    EnvVar(&'static str),
    /// The default under the home directory.
    Default,
    /// The default, but no home directory is known: no file is read.
    NoHome,
}

/// One located file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedFile {
    /// The expanded path; empty when the variable was set to the empty string (no file).
    pub path: PathBuf,
    /// Where the path came from.
    pub origin: PathOrigin,
}

/// The two shared files' locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePaths {
    /// The config file.
    pub config: LocatedFile,
    /// The shared credentials file.
    pub credentials: LocatedFile,
}

/// Why the files could not be located.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocateError {
    /// An expanded path is longer than [`MAX_PATH_LEN`].
    PathTooLong {
        /// The variable the path came from, or `None` for the default path.
        variable: Option<&'static str>,
    },
}

impl fmt::Display for LocateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocateError::PathTooLong { variable: Some(v) } => write!(
                f,
                "path too long: {v} expands to more than {MAX_PATH_LEN} bytes; use a shorter path"
            ),
            LocateError::PathTooLong { variable: None } => write!(
                f,
                "path too long: the home directory makes the default path longer than \
                 {MAX_PATH_LEN} bytes; set AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE"
            ),
        }
    }
}

/// Locates both files.
pub fn locate(
    env: &(impl Env + ?Sized),
    platform: Platform,
    dialect: Dialect,
) -> Result<FilePaths, LocateError> {
    Ok(FilePaths {
        config: locate_one(env, platform, dialect, "AWS_CONFIG_FILE", "config")?,
        credentials: locate_one(
            env,
            platform,
            dialect,
            "AWS_SHARED_CREDENTIALS_FILE",
            "credentials",
        )?,
    })
}

/// The home directory by the dialect's rules, as a `(first, second)` pair to concatenate
/// (`HOMEDRIVE` + `HOMEPATH` is the one case with a second part).
fn home(env: &(impl Env + ?Sized), platform: Platform, dialect: Dialect) -> Option<(&str, &str)> {
    let home = env.var("HOME");
    match platform {
        Platform::Unix => home.map(|h| (h, "")),
        Platform::Windows => {
            let home = if dialect == Dialect::Sdk { home } else { None };
            home.or_else(|| env.var("USERPROFILE"))
                .map(|h| (h, ""))
                .or_else(|| Some((env.var("HOMEDRIVE")?, env.var("HOMEPATH")?)))
        }
    }
}

fn locate_one(
    env: &(impl Env + ?Sized),
    platform: Platform,
    dialect: Dialect,
    variable: &'static str,
    file_name: &str,
) -> Result<LocatedFile, LocateError> {
    let too_long = |v| LocateError::PathTooLong { variable: v };
    let mut path = PathBuf::new();
    if let Some(configured) = env.var(variable) {
        let origin = PathOrigin::EnvVar(variable);
        if configured.is_empty() {
            return Ok(LocatedFile { path, origin });
        }
        let mut expanded = PathBuf::new();
        if dialect == Dialect::AwsCli {
            expand_vars(env, platform, configured, &mut expanded)
                .map_err(|_| too_long(Some(variable)))?;
        } else {
            expanded
                .push_str(configured)
                .map_err(|_| too_long(Some(variable)))?;
        }
        expand_home(env, platform, dialect, &expanded, &mut path)?
            .map_err(|_| too_long(Some(variable)))?;
        return Ok(LocatedFile { path, origin });
    }
    let sep = platform.separator();
    let Some((a, b)) = home(env, platform, dialect) else {
        return Ok(LocatedFile {
            path,
            origin: PathOrigin::NoHome,
        });
    };
    let home = join_home(a, b, sep);
    (|| {
        push_all(&mut path, &[home.0, home.1])?;
        path.push(sep)?;
        path.push_str(".aws")?;
        path.push(sep)?;
        path.push_str(file_name)
    })()
    .map_err(|_| too_long(None))?;
    Ok(LocatedFile {
        path,
        origin: PathOrigin::Default,
    })
}

/// The home directory without a trailing separator (Python strips it before joining).
fn join_home<'h>(a: &'h str, b: &'h str, sep: char) -> (&'h str, &'h str) {
    if b.is_empty() {
        (a.trim_end_matches(sep), "")
    } else {
        (a, b.trim_end_matches(sep))
    }
}

fn push_all(path: &mut PathBuf, parts: &[&str]) -> Result<(), Full> {
    parts.iter().try_for_each(|p| path.push_str(p))
}

/// Expands a leading `~` (alone, or followed by a separator). `~user` forms are left as they
/// are: the core has no user database. The outer result is the home lookup, the inner one the
/// capacity.
fn expand_home(
    env: &(impl Env + ?Sized),
    platform: Platform,
    dialect: Dialect,
    path: &str,
    out: &mut PathBuf,
) -> Result<Result<(), Full>, LocateError> {
    let is_sep = |c: char| c == '/' || (platform == Platform::Windows && c == '\\');
    let rest = match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with(is_sep) => rest,
        _ => return Ok(out.push_str(path)),
    };
    // Without a home directory `~` stays as written, as Python leaves it.
    let Some((a, b)) = home(env, platform, dialect) else {
        return Ok(out.push_str(path));
    };
    let (a, b) = join_home(a, b, platform.separator());
    Ok(push_all(out, &[a, b, rest]))
}

/// Python's `os.path.expandvars`: `$NAME` and `${NAME}` (and `%NAME%` on Windows) are replaced
/// by the variable's value; unknown variables are left as written.
fn expand_vars(
    env: &(impl Env + ?Sized),
    platform: Platform,
    s: &str,
    out: &mut PathBuf,
) -> Result<(), Full> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut rest = s;
    while let Some(pos) = rest.find(|c| c == '$' || (platform == Platform::Windows && c == '%')) {
        out.push_str(&rest[..pos])?;
        let tail = &rest[pos..];
        let (name, written) = if let Some(inner) = tail.strip_prefix("${") {
            match inner.find('}') {
                Some(end) => (&inner[..end], &tail[..end + 3]),
                None => ("", &tail[..1]),
            }
        } else if let Some(inner) = tail.strip_prefix('%') {
            match inner.find('%') {
                Some(end) if end > 0 => (&inner[..end], &tail[..end + 2]),
                _ => ("", &tail[..1]),
            }
        } else {
            let inner = &tail[1..];
            let end = inner.find(|c: char| !is_name(c)).unwrap_or(inner.len());
            (&inner[..end], &tail[..end + 1])
        };
        match env.var(name).filter(|_| !name.is_empty()) {
            Some(value) => out.push_str(value)?,
            None => out.push_str(written)?,
        }
        rest = &tail[written.len()..];
    }
    out.push_str(rest)
}

/// A path under the home directory, as Python's `os.path.expanduser(os.path.join('~', *parts))`
/// makes it: the home directory by the dialect's rules (without a trailing separator), then each
/// of `parts` after the platform's separator. `Ok(None)` when no home directory is known. The
/// AWS CLI's caches live there (`~/.aws/cli/cache`, `~/.aws/sso/cache`).
///
/// # Errors
/// [`LocateError::PathTooLong`] (with no variable) when the path is longer than
/// [`MAX_PATH_LEN`].
pub fn home_path(
    env: &(impl Env + ?Sized),
    platform: Platform,
    dialect: Dialect,
    parts: &[&str],
) -> Result<Option<PathBuf>, LocateError> {
    let Some((a, b)) = home(env, platform, dialect) else {
        return Ok(None);
    };
    let sep = platform.separator();
    let (a, b) = join_home(a, b, sep);
    let mut path = PathBuf::new();
    (|| {
        push_all(&mut path, &[a, b])?;
        parts.iter().try_for_each(|p| {
            path.push(sep)?;
            path.push_str(p)
        })
    })()
    .map_err(|_| LocateError::PathTooLong { variable: None })?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(
        env: &[(&str, &str)],
        platform: Platform,
        dialect: Dialect,
    ) -> Result<FilePaths, LocateError> {
        locate(env, platform, dialect)
    }

    /// The config file's path in each dialect: (AWS CLI, SDK).
    fn config_paths(env: &[(&str, &str)], platform: Platform) -> (PathBuf, PathBuf) {
        let path = |dialect| loc(env, platform, dialect).unwrap().config.path;
        (path(Dialect::AwsCli), path(Dialect::Sdk))
    }

    #[test]
    fn defaults_under_home() {
        let p = loc(&[("HOME", "/home/u/")], Platform::Unix, Dialect::AwsCli).unwrap();
        assert_eq!(p.config.path, "/home/u/.aws/config");
        assert_eq!(p.credentials.path, "/home/u/.aws/credentials");
        assert_eq!(p.config.origin, PathOrigin::Default);
    }

    #[test]
    fn awscli_expands_variables_and_tilde() {
        let env = [
            ("HOME", "/h"),
            ("X", "dir"),
            ("AWS_CONFIG_FILE", "~/$X/${X}/$NOPE/c"),
        ];
        let (awscli, sdk) = config_paths(&env, Platform::Unix);
        assert_eq!(awscli, "/h/dir/dir/$NOPE/c");
        assert_eq!(sdk, "/h/$X/${X}/$NOPE/c");
    }

    #[test]
    fn empty_variable_names_no_file() {
        let p = loc(
            &[("HOME", "/h"), ("AWS_CONFIG_FILE", "")],
            Platform::Unix,
            Dialect::AwsCli,
        )
        .unwrap();
        assert_eq!(p.config.path, "");
        assert_eq!(p.config.origin, PathOrigin::EnvVar("AWS_CONFIG_FILE"));
    }

    #[test]
    fn awscli_on_windows_ignores_home() {
        let env = [("HOME", "C:\\h"), ("USERPROFILE", "C:\\u")];
        let (awscli, sdk) = config_paths(&env, Platform::Windows);
        assert_eq!(awscli, "C:\\u\\.aws\\config");
        assert_eq!(sdk, "C:\\h\\.aws\\config");
    }

    #[test]
    fn no_home_names_no_default_file() {
        let p = loc(&[], Platform::Unix, Dialect::AwsCli).unwrap();
        assert_eq!(
            (p.config.path.as_str(), p.config.origin),
            ("", PathOrigin::NoHome)
        );
        // Configured files need no home; `~` stays as written without one.
        let env = [
            ("AWS_CONFIG_FILE", "/c"),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/k"),
        ];
        let p = loc(&env, Platform::Unix, Dialect::AwsCli).unwrap();
        assert_eq!(
            (p.config.path.as_str(), p.credentials.path.as_str()),
            ("/c", "~/k")
        );
    }

    #[test]
    fn paths_under_home() {
        let parts = [".aws", "cli", "cache"];
        let home =
            |env: &[(&str, &str)], platform| home_path(env, platform, Dialect::AwsCli, &parts);
        let p = home(&[("HOME", "/h/")], Platform::Unix);
        assert_eq!(p.unwrap().unwrap(), "/h/.aws/cli/cache");
        let env = [("HOMEDRIVE", "C:"), ("HOMEPATH", "\\u")];
        let p = home(&env, Platform::Windows);
        assert_eq!(p.unwrap().unwrap(), "C:\\u\\.aws\\cli\\cache");
        assert_eq!(home(&[], Platform::Unix), Ok(None));
        let long = [b'a'; MAX_PATH_LEN];
        let long = core::str::from_utf8(&long).unwrap();
        let p = home(&[("HOME", long)], Platform::Unix);
        assert_eq!(p, Err(LocateError::PathTooLong { variable: None }));
    }

    #[test]
    fn overlong_paths_are_errors() {
        let long = [b'a'; MAX_PATH_LEN + 1];
        let long = core::str::from_utf8(&long).unwrap();
        let env = [("HOME", "/h"), ("AWS_CONFIG_FILE", long)];
        let e = loc(&env, Platform::Unix, Dialect::AwsCli).unwrap_err();
        assert_eq!(
            e,
            LocateError::PathTooLong {
                variable: Some("AWS_CONFIG_FILE")
            }
        );
    }

    #[test]
    fn paths_as_long_as_real_systems_make_them_are_kept() {
        // A 3,000-byte home directory (deep CI work trees reach a few hundred; PATH_MAX is 4,096).
        let home = std::format!("/{}", "d/".repeat(1500));
        let env = [("HOME", home.as_str())];
        let paths = loc(&env, Platform::Unix, Dialect::AwsCli).unwrap();
        assert!(paths.config.path.ends_with("/.aws/config"));
        assert!(paths.config.path.len() > 3000);
    }
}
