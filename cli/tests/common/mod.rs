//! A temporary HOME with ~/.aws files, and the built `credchain` run in it with a clean
//! environment (no AWS_* variable leaks in from the machine running the tests).

#![allow(dead_code)] // Each test binary uses its own part of the helpers.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A temporary home directory holding `.aws/config` and `.aws/credentials`.
pub struct Home {
    dir: TempDir,
}

/// What a run printed and its exit status.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Home {
    /// A home with both files (an empty text still creates the file).
    pub fn new(config: &str, credentials: &str) -> Home {
        let home = Home::empty();
        home.write(".aws/config", config);
        home.write(".aws/credentials", credentials);
        home
    }

    /// A home without an .aws directory.
    pub fn empty() -> Home {
        Home {
            dir: tempfile::tempdir().expect("create a temporary HOME"),
        }
    }

    /// Writes `text` at `relative` under the home, creating directories.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The home directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The path of `relative` under the home, as text.
    pub fn file(&self, relative: &str) -> String {
        let path: PathBuf = self.dir.path().join(relative);
        path.to_str().unwrap().to_owned()
    }

    /// Runs `credchain ARGS` with HOME, PATH and AWS_EC2_METADATA_DISABLED only.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs `credchain ARGS` with `vars` added to the clean environment.
    pub fn run_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_credchain"));
        command
            .args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(vars.iter().copied());
        let output = command.output().expect("run credchain");
        Run {
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            code: output.status.code().expect("exited, not killed"),
        }
    }
}

impl Run {
    /// Asserts success with exactly `stdout` and nothing on stderr.
    #[track_caller]
    pub fn assert_ok(&self, stdout: &str) {
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (0, stdout, ""),
            "{self:#?}"
        );
    }

    /// Asserts exit status `code`, nothing on stdout, and stderr starting with `stderr_start`.
    #[track_caller]
    pub fn assert_error(&self, code: i32, stderr_start: &str) {
        assert_eq!(self.code, code, "{self:#?}");
        assert_eq!(self.stdout, "", "{self:#?}");
        assert!(self.stderr.starts_with(stderr_start), "{self:#?}");
    }
}
