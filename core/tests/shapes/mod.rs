//! Adversarial file shapes for the linear-time checks: each grows with `n` in one direction
//! that a quadratic pass would pay for (shared by core/tests/linear_parse.rs and the
//! `adversarial` bench).

use credchain_core::config::parse::ConfigFiles;
use credchain_core::Dialect;
use std::fmt::Write;

/// One shape: a name, the dialect it is read in, and its generator.
pub struct Shape {
    /// Shown by the bench and in failures.
    pub name: &'static str,
    /// The dialect the file is parsed in.
    pub dialect: Dialect,
    /// A config file of about `n` lines whose profile `default` resolves `region` to `last`.
    pub generate: fn(usize) -> String,
}

/// Every shape.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "keys_per_section",
        dialect: Dialect::AwsCli,
        generate: keys_per_section,
    },
    Shape {
        name: "keys_per_section_sdk",
        dialect: Dialect::Sdk,
        generate: keys_per_section,
    },
    Shape {
        name: "sections",
        dialect: Dialect::AwsCli,
        generate: |n| {
            repeated(
                "",
                n,
                |s, i| {
                    let _ = write!(s, "[profile p{i}]\nregion = r\n");
                },
                "[default]\nregion = last\n",
            )
        },
    },
    Shape {
        name: "repeated_sections_sdk",
        dialect: Dialect::Sdk,
        generate: |n| {
            repeated(
                "",
                n,
                |s, i| {
                    let _ = write!(s, "[default]\nk{i} = r\n");
                },
                "[default]\nregion = last\n",
            )
        },
    },
    Shape {
        name: "repeated_defaults",
        dialect: Dialect::AwsCli,
        generate: |n| {
            repeated(
                "",
                n,
                |s, i| {
                    let _ = write!(s, "[DEFAULT]\nk{i} = r\n");
                },
                "[default]\nregion = last\n",
            )
        },
    },
    Shape {
        name: "continuation_lines",
        dialect: Dialect::AwsCli,
        generate: |n| {
            repeated(
                "[default]\ns3 =\n",
                n,
                |s, i| {
                    let _ = writeln!(s, "  k{i} = v");
                },
                "region = last\n",
            )
        },
    },
    Shape {
        name: "comments",
        dialect: Dialect::AwsCli,
        generate: |n| {
            repeated(
                "[default]\n",
                n,
                |s, i| {
                    let _ = writeln!(s, "# comment {i}");
                },
                "region = last\n",
            )
        },
    },
    Shape {
        name: "sso_session_keys",
        dialect: Dialect::AwsCli,
        generate: |n| {
            // A profile and its sso-session setting the same keys: the consistency check looks
            // each of the session's keys up in the profile.
            let mut s = String::from("[default]\nsso_session = s\n");
            for i in 0..n / 2 {
                let _ = writeln!(s, "k{i} = v");
            }
            s.push_str("region = last\n[sso-session s]\n");
            for i in 0..n / 2 {
                let _ = writeln!(s, "k{i} = v");
            }
            s
        },
    },
];

/// `head`, then `line` written for each of 0..n, then `tail`.
fn repeated(head: &str, n: usize, line: impl Fn(&mut String, usize), tail: &str) -> String {
    let mut s = String::from(head);
    for i in 0..n {
        line(&mut s, i);
    }
    s + tail
}

/// `[default]` with `n` keys before `region`.
fn keys_per_section(n: usize) -> String {
    repeated(
        "[default]\n",
        n,
        |s, i| {
            let _ = writeln!(s, "k{i} = v");
        },
        "region = last\n",
    )
}

/// `text` as the config file of the home /h (no credentials file), parsed.
fn parse(text: &str, dialect: Dialect) -> ConfigFiles<'_> {
    ConfigFiles::from_texts(
        ("/h/.aws/config", Some(text.as_bytes())),
        ("/h/.aws/credentials", None),
        dialect,
    )
    .expect("the shape parses")
}

/// Parses `text` as the config file, resolves `region` of `default` and counts the profile
/// names (what `configure get` and a ProfileNotFound message do); returns the region's length.
pub fn work(text: &str, dialect: Dialect) -> usize {
    let files = parse(text, dialect);
    let region = files
        .profile("default")
        .and_then(|p| p.get("region"))
        .map(|p| p.value.to_string())
        .expect("region is set");
    assert_eq!(region, "last");
    region.len() + files.profile_names().count()
}

/// [`work`], then every property of `default` listed and the keys it shares with the
/// sso-session `s` (what the SSO consistency check reads); returns their count.
pub fn list_work(text: &str, dialect: Dialect) -> usize {
    let files = parse(text, dialect);
    let default = files.profile("default").expect("default is defined");
    let listed = default.properties().count();
    let shared = files
        .sso_session("s")
        .map_or(0, |session| session.shared_with(&default).count());
    listed + shared
}

/// `credchain lint` on the file (as the config file; the dialect is the lint's own choice);
/// returns the number of findings.
pub fn lint_work(text: &str, _dialect: Dialect) -> usize {
    use credchain_core::config::lint::{lint, LintFile};
    let config = LintFile {
        path: "/h/.aws/config",
        text: Some(text.as_bytes()),
        mode: Some(0o600),
    };
    lint(config, LintFile::default()).len()
}
