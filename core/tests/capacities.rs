//! Every capacity the core has (`pub const MAX_*`) is listed in the README's "Capacities"
//! section, with its value as the source writes it.

use credchain_test_support::file_tree::texts_under;

#[test]
fn every_capacity_is_listed_in_the_readme() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
    let section = readme
        .split("## Capacities")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README.md has a Capacities section");
    let mut missing = Vec::new();
    let mut seen = 0;
    for (_, text) in texts_under(&root.join("src")) {
        for line in text.lines() {
            let Some(rest) = line.trim().strip_prefix("pub const MAX_") else {
                continue;
            };
            let (name, value) = rest.split_once(':').unwrap();
            let value = value
                .split_once('=')
                .unwrap()
                .1
                .trim()
                .trim_end_matches(';');
            let value = value.replace("crate::services::endpoint::", "");
            seen += 1;
            let row = format!("| `MAX_{name}` | {value} |");
            if !section.contains(&row) {
                missing.push(row);
            }
        }
    }
    assert!(seen > 50, "found only {seen} capacities");
    assert!(
        missing.is_empty(),
        "not in README.md's Capacities: {missing:#?}"
    );
}
