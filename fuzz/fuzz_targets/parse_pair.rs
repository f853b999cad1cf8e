//! The parser on a (config, credentials) pair, in both dialects, then every read the frontends
//! make of the result: no input may panic, and listing a profile's or section's properties must
//! give what looking each key up gives. The AWS CLI dialect's byte-level scanner must also
//! agree with its reference pass on both files (see the `awscli_scan` target). The lint reads
//! the same pair (with a mode taken from the split byte) without panicking.
#![no_main]

use credchain_core::config::evaluate::{configure_get, Evaluator, Options};
use credchain_core::config::lint::{lint, LintFile};
use credchain_core::config::parse::{ConfigFiles, ProfileFile, Scan};
use credchain_core::config::settings::SETTINGS;
use credchain_core::{Dialect, FileKind};
use libfuzzer_sys::fuzz_target;

/// The scanner and the reference pass give the same error or the same index.
fn same_as_reference(kind: FileKind, bytes: &[u8]) {
    let fast = ProfileFile::parse(kind, "f", Some(bytes), Dialect::AwsCli);
    let reference = ProfileFile::parse_with(kind, "f", Some(bytes), Dialect::AwsCli, Scan::Reference { hints: true });
    match (&fast, &reference) {
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("{kind:?}: the scanner gives {fast:?}, the reference {reference:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte splits the rest into the two files.
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = rest.len() * usize::from(split) / 255;
    let (config, creds) = rest.split_at(at);
    same_as_reference(FileKind::Config, config);
    same_as_reference(FileKind::Credentials, creds);
    let file = |text| LintFile {
        path: "f",
        text: Some(text),
        mode: Some(u32::from(split) * 0o101),
    };
    for finding in lint(file(config), file(creds)) {
        assert!(finding.line <= u32::try_from(data.len() + 1).unwrap_or(u32::MAX));
    }
    for dialect in [Dialect::AwsCli, Dialect::Sdk] {
        let Ok(files) = ConfigFiles::from_texts(("c", Some(config)), ("k", Some(creds)), dialect)
        else {
            let _ = ConfigFiles::from_texts(("c", Some(config)), ("k", Some(creds)), dialect)
                .map_err(|e| e.to_string());
            continue;
        };
        files.diagnostics(|d| drop(d.to_string()));
        let names: Vec<String> = files.profile_names().map(|n| n.to_string()).collect();
        for name in names
            .iter()
            .chain(core::iter::once(&String::from("default")))
        {
            if let Some(profile) = files.profile(name) {
                // The listing is what `get` gives: each key once, each the winner.
                let mut keys = Vec::new();
                for p in profile.properties() {
                    let _ = p.value.to_string();
                    let _ = p.value.sub_properties().count();
                    assert_eq!(
                        profile.get(p.key),
                        Some(p),
                        "{name}: listed but not the winner"
                    );
                    keys.push(
                        p.key
                            .chars()
                            .flat_map(char::to_lowercase)
                            .collect::<String>(),
                    );
                }
                let listed = keys.len();
                keys.sort();
                keys.dedup();
                assert_eq!(listed, keys.len(), "{name}: a key listed twice");
            }
            let env: &[(&str, &str)] = &[("AWS_PROFILE", name.as_str())];
            let options = Options::default();
            if let Ok(eval) = Evaluator::new(&files, env, &options) {
                for spec in SETTINGS {
                    let _ = eval
                        .resolve(spec.setting)
                        .map(|r| r.map(|r| r.value.to_string()));
                }
                for key in [
                    "region",
                    "s3.max_concurrent_requests",
                    "profile.a.b",
                    "a.b.c",
                ] {
                    let _ = configure_get(&eval, key);
                }
            }
        }
        for name in files
            .sso_session_names()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
        {
            if let Some(s) = files.sso_session(&name) {
                for p in s.properties() {
                    assert_eq!(s.get(p.key), Some(p), "sso-session {name}: not the winner");
                }
                if let Some(profile) = files.profile("default") {
                    for (theirs, mine) in s.shared_with(&profile) {
                        assert_eq!(s.get(theirs.key), Some(theirs));
                        assert_eq!(profile.get(theirs.key), Some(mine));
                    }
                    let both = s
                        .properties()
                        .filter(|p| profile.get(p.key).is_some())
                        .count();
                    assert_eq!(s.shared_with(&profile).count(), both);
                }
            }
        }
    }
});
