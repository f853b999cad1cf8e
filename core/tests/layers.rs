//! The core's layers, checked: each folder of core/src may use only the layers below it (the
//! rule each folder's module doc states and docs/ARCHITECTURE.md draws). A `use crate::...` or a
//! `crate::...` path in code (not in comments, not in a file's unit tests) that points up or
//! sideways fails this test, naming the file and line.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers, each with the layers it may use besides itself and the shared root files.
const LAYERS: &[(&str, &[&str])] = &[
    ("chain", &["caches", "services", "signing", "config"]),
    ("signin", &["caches", "services", "signing", "config"]),
    ("caches", &["services", "signing", "config"]),
    ("services", &["signing", "config"]),
    ("signing", &[]),
    ("config", &[]),
    ("host", &[]),
];

/// The root modules every layer shares: the I/O traits, the values every layer passes, the
/// JSON forms, text rules, the test inputs and the tests' in-memory hosts.
const SHARED: &[&str] = &[
    "io",
    "credentials",
    "json",
    "text",
    "random_input",
    "memory",
    "Source",
    "Sourced",
    "FileKind",
    "Dialect",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer of a file under core/src: its first folder, or `None` for a root file.
fn layer_of(relative: &Path) -> Option<String> {
    let mut parts = relative.components();
    let first = parts.next()?.as_os_str().to_str()?.to_owned();
    parts.next().map(|_| first)
}

/// The first path segment after each `crate::` in the code part of `line`.
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `credchain_core::`, not `crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            let names = group.split('}').next().unwrap_or_default();
            found.extend(names.split(',').map(|n| segment(n.trim())));
        } else {
            found.push(segment(rest));
        }
    }
    found
}

fn segment(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let Some(layer) = layer_of(relative) else {
            continue;
        };
        let allowed = LAYERS
            .iter()
            .find(|(name, _)| *name == layer)
            .unwrap_or_else(|| panic!("core/src/{layer} is not a known layer: add it to LAYERS"))
            .1;
        let text = fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("#[cfg(test)]") || trimmed.starts_with("#[cfg(all(test") {
                break; // a file's unit tests may reach further, for their fixtures
            }
            if trimmed.starts_with("//") {
                continue;
            }
            for used in crate_paths(line) {
                checked += 1;
                if used.is_empty() || used == layer || SHARED.contains(&used.as_str()) {
                    continue;
                }
                if !allowed.contains(&used.as_str()) {
                    wrong.push(format!(
                        "core/src/{}:{}: the {layer} layer uses crate::{used}, which it may not \
                         (it may use {allowed:?} and the shared root modules)",
                        relative.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} crate paths were found: is the scan broken?"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_scan_finds_paths_and_groups() {
    assert_eq!(
        crate_paths("use crate::services::sts::StsError;"),
        ["services"]
    );
    assert_eq!(
        crate_paths("use crate::{io::Env, Source};"),
        ["io", "Source"]
    );
    assert_eq!(
        crate_paths("let x = crate::chain::plan::plan(e); // crate::host"),
        ["chain"]
    );
    assert!(crate_paths("use credchain_core::chain::plan;").is_empty());
    assert_eq!(
        layer_of(Path::new("chain/providers/sso.rs")).as_deref(),
        Some("chain")
    );
    assert_eq!(layer_of(Path::new("io.rs")), None);
}
