//! Directory trees read whole: every file under a directory, with its contents.

use std::path::{Path, PathBuf};

/// Every file under `root` (recursively) with its contents, by path (`root` joined), sorted.
/// A missing `root` has none.
pub fn files_under(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out.sort();
    out
}

/// Every file under the directory `root` (recursively) as text, by path, sorted; panics if
/// `root` is not a readable directory or a file is not UTF-8 (source trees, for checks that
/// read the code).
pub fn texts_under(root: &Path) -> Vec<(PathBuf, String)> {
    assert!(
        std::fs::read_dir(root).is_ok(),
        "{} is not a readable directory",
        root.display()
    );
    files_under(root)
        .into_iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()));
            (path, text)
        })
        .collect()
}
