//! The lint's role-chain loops agree with the planner: on generated configs of a few profiles
//! (role or not, static keys or not, `source_profile` anywhere, `credential_source`), a profile
//! is reported as `role-chain-cycle` exactly when planning it fails with `PlanError::Cycle`.

use credchain_core::chain::plan::{plan, PlanError};
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::lint::{lint, Code, Finding, LintFile};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::Dialect;
use std::collections::BTreeSet;
use std::fmt::Write;

const PROFILES: usize = 5;

/// A deterministic number below `n` (a 64-bit LCG).
fn below(seed: &mut u64, n: u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 33) % n
}

/// A config of `PROFILES` profiles and, for each, the line of its `source_profile`.
fn generate(seed: &mut u64) -> (String, Vec<Option<u32>>) {
    let mut text = String::new();
    let mut lines = Vec::new();
    let mut line = 0u32;
    let mut add = |text: &mut String, s: &str| {
        text.push_str(s);
        text.push('\n');
        line += 1;
        line
    };
    for i in 0..PROFILES {
        add(&mut text, &format!("[profile p{i}]"));
        if below(seed, 4) != 0 {
            add(&mut text, "role_arn = arn:aws:iam::123456789012:role/r");
        }
        if below(seed, 3) == 0 {
            add(&mut text, "aws_access_key_id = AKID");
            add(&mut text, "aws_secret_access_key = secret");
        }
        if below(seed, 8) == 0 {
            add(&mut text, "credential_source = Environment");
        }
        let source = (below(seed, 5) != 0).then(|| below(seed, PROFILES as u64));
        lines.push(source.map(|s| add(&mut text, &format!("source_profile = p{s}"))));
    }
    (text, lines)
}

/// The findings on `text` as the config file, with no credentials file.
fn lint_config(text: &str) -> Vec<Finding> {
    let config = LintFile {
        path: "config",
        text: Some(text.as_bytes()),
        mode: None,
    };
    lint(config, LintFile::default())
}

#[test]
fn role_chain_loops_are_the_planners() {
    let mut seed = 7u64;
    let env: &[(&str, &str)] = &[];
    for case in 0..1_500 {
        let (text, lines) = generate(&mut seed);
        let files = ConfigFiles::from_texts(
            ("config", Some(text.as_bytes())),
            ("credentials", None),
            Dialect::AwsCli,
        )
        .unwrap();
        let planner: BTreeSet<usize> = (0..PROFILES)
            .filter(|i| {
                let name = format!("p{i}");
                let options = Options::default().with(Setting::Profile, &name);
                let eval = Evaluator::new(&files, env, &options).unwrap();
                let planned = plan(&eval);
                matches!(planned, Err(PlanError::Cycle { .. }))
            })
            .collect();
        let findings = lint_config(&text);
        let linted: BTreeSet<usize> = findings
            .iter()
            .filter(|f| f.code == Code::RoleChainCycle)
            .map(|f| lines.iter().position(|l| *l == Some(f.line)).unwrap())
            .collect();
        assert_eq!(linted, planner, "case {case}:\n{text}");
    }
}

#[test]
fn a_long_chain_and_many_profiles_stay_linear() {
    // 10,000 profiles in one chain ending in a loop, and a [DEFAULT] every profile inherits:
    // each profile's walk is shared, so this takes a moment, not hours.
    let mut text = String::from("[DEFAULT]\nregion = eu-west-1\n");
    for i in 0..10_000 {
        let _ = write!(
            text,
            "[profile p{i}]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p{}\n",
            (i + 1) % 10_000
        );
    }
    let start = std::time::Instant::now();
    let findings = lint_config(&text);
    let loops = findings
        .iter()
        .filter(|f| f.code == Code::RoleChainCycle)
        .count();
    assert_eq!(loops, 10_000);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}
