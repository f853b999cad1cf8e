//! Shared by the conformance tests: where ../shared/conformance is.
#![allow(dead_code)]

pub mod dpop;
pub mod memory;

use std::path::PathBuf;

/// The shared conformance directory (../shared/conformance from the repository root), or
/// CREDCHAIN_CONFORMANCE when set.
pub fn conformance_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CREDCHAIN_CONFORMANCE") {
        return PathBuf::from(dir);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    root.join("../shared/conformance")
}

/// credchain's own recorded cases (tests/cases/<tree>/<case>, in the conformance cases' format),
/// as (tree, directory), sorted.
pub fn project_cases() -> Vec<(&'static str, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/cases");
    let mut out = Vec::new();
    for tree in ["default-credential-provider-chain", "profile-provider"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(tree))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        dirs.sort();
        out.extend(dirs.into_iter().map(|d| (tree, d)));
    }
    out
}

/// A conformance JSON file, parsed.
pub fn conformance_json(relative: &str) -> serde_json::Value {
    let path = conformance_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}
