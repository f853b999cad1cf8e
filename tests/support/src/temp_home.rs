//! Temporary directories for tests: a HOME (or any root) that files are written into and read
//! back from, removed when dropped. Tests never touch the real `~/.aws`.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// A temporary directory, removed on drop, addressed by paths relative to it.
#[derive(Debug)]
pub struct TempHome {
    dir: TempDir,
}

impl TempHome {
    /// A new, empty directory.
    pub fn new() -> TempHome {
        TempHome {
            dir: tempfile::tempdir().expect("create a temporary HOME"),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The directory, as text.
    pub fn path_str(&self) -> &str {
        self.dir.path().to_str().expect("a UTF-8 temporary path")
    }

    /// The path of `relative` under the directory, as text.
    pub fn file(&self, relative: &str) -> String {
        let path: PathBuf = self.dir.path().join(relative);
        path.to_str().expect("a UTF-8 temporary path").to_owned()
    }

    /// Writes `contents` at `relative`, creating the directories above it.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// Writes an executable shell script (`#!/bin/sh` and `body`) at `relative`; its path.
    pub fn script(&self, relative: &str, body: &str) -> String {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        write_executable(&path, &format!("#!/bin/sh\n{body}"));
        self.file(relative)
    }

    /// The text of the file at `relative`, if it exists.
    pub fn read(&self, relative: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join(relative)).ok()
    }

    /// Every file under the directory with its contents, by absolute path, sorted.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        crate::file_tree::files_under(self.dir.path())
    }
}

impl Default for TempHome {
    fn default() -> TempHome {
        TempHome::new()
    }
}

/// Writes an executable file (mode 0755) at `path` from a child process, so that this test
/// process never holds the file open for writing. A test binary runs its tests on many threads:
/// a file this process had open for writing while another thread forked would be open in that
/// child until it calls exec, and running the file then fails with "text file busy" (ETXTBSY).
pub fn write_executable(path: &std::path::Path, contents: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut writer = Command::new("/bin/sh")
        .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
        .arg(path)
        .stdin(Stdio::piped())
        .spawn()
        .expect("/bin/sh runs");
    writer
        .stdin
        .take()
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    assert!(
        writer.wait().unwrap().success(),
        "writing {}",
        path.display()
    );
}
