//! Parsing takes linear time on every input shape (issue 9, item 5; the probe's F5), and the
//! checks that used to be quadratic still find what they must.
//!
//! The million-line check is `#[ignore]`d: debug builds are too slow for its bound. tests/run's
//! `release` stage runs it with `--release -- --ignored`.

mod shapes;

use credchain_core::config::parse::{ConfigFiles, ParseError, Problem};
use credchain_core::Dialect;
use std::fmt::Write;
use std::time::{Duration, Instant};

fn parse(config: &str, dialect: Dialect) -> Result<ConfigFiles<'_>, ParseError<'_>> {
    ConfigFiles::from_texts(
        ("/h/.aws/config", Some(config.as_bytes())),
        ("/h/.aws/credentials", None),
        dialect,
    )
}

#[test]
fn a_repeated_key_is_found_far_past_the_key_array() {
    let mut text = String::from("[default]\n");
    for i in 0..10_000 {
        let _ = writeln!(text, "key{i} = v");
    }
    // Line 2 + 7,000 holds key7000; its repeat, in another case, is refused naming it.
    text.push_str("KEY7000 = again\n");
    let e = parse(&text, Dialect::AwsCli).unwrap_err();
    assert_eq!(
        (e.problem, e.line),
        (Problem::DuplicateKey { first_line: 7002 }, 10_002)
    );
    // Unicode lowering, as Python's str.lower(): KELVIN SIGN is a k.
    let mut text = String::from("[default]\n");
    for i in 0..1_000 {
        let _ = writeln!(text, "key{i} = v");
    }
    text.push_str("\u{212a}ey5 = again\n");
    let e = parse(&text, Dialect::AwsCli).unwrap_err();
    assert_eq!(e.problem, Problem::DuplicateKey { first_line: 7 });
    // The next section starts afresh, however large the last one was.
    let mut text = String::from("[default]\n");
    for i in 0..1_000 {
        let _ = writeln!(text, "key{i} = v");
    }
    text.push_str("[profile b]\nkey5 = v\n");
    let f = parse(&text, Dialect::AwsCli).unwrap();
    let key = |p: &str, k: &str| f.profile(p).unwrap().get(k).map(|p| p.value.to_string());
    assert_eq!(key("b", "key5").as_deref(), Some("v"));
    assert_eq!(key("default", "key999").as_deref(), Some("v"));
}

#[test]
fn defaults_hold_any_number_of_keys_and_refuse_repeats_across_sections() {
    let mut text = String::new();
    for i in 0..500 {
        let _ = write!(text, "[DEFAULT]\nk{i} = d{i}\n");
    }
    text.push_str("[default]\nregion = r\n");
    let f = parse(&text, Dialect::AwsCli).unwrap();
    let p = f.profile("default").unwrap();
    assert_eq!(p.get("k499").unwrap().value.to_string(), "d499");
    assert_eq!(p.get("k0").unwrap().value.to_string(), "d0");
    // configparser's DuplicateOptionError across [DEFAULT] sections: k3 is on line 8.
    text.push_str("[DEFAULT]\nK3 = x\n");
    let e = parse(&text, Dialect::AwsCli).unwrap_err();
    assert_eq!(e.problem, Problem::DuplicateKey { first_line: 8 });
}

#[test]
fn repeated_sections_merge_in_file_order_in_the_sdk_dialect() {
    let mut text = String::new();
    for i in 0..3_000 {
        let _ = write!(
            text,
            "[default]\nregion = r{i}\nk{i} = v{i}\n[profile p{}]\n",
            i % 7
        );
    }
    let f = parse(&text, Dialect::Sdk).unwrap();
    let p = f.profile("default").unwrap();
    assert_eq!(p.get("region").unwrap().value.to_string(), "r2999");
    assert_eq!(p.get("k0").unwrap().value.to_string(), "v0");
    assert_eq!(p.get("region").unwrap().line, 4 * 2_999 + 2);
    let names: Vec<String> = f.profile_names().map(|n| n.to_string()).collect();
    assert_eq!(names, ["default", "p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
}

#[test]
fn the_aws_cli_reads_only_the_last_of_differently_written_headers() {
    // configparser keeps `profile a` and `profile "a"` apart (different header text), and
    // botocore then reads the last; the very same header twice is DuplicateSectionError.
    let text = "[profile a]\nregion = 1\n[profile \"a\"]\nregion = 2\n[profile  a]\nregion = 3\n";
    let f = parse(text, Dialect::AwsCli).unwrap();
    let region = f.profile("a").unwrap().get("region").unwrap();
    assert_eq!((region.value.to_string().as_str(), region.line), ("3", 6));
    let names: Vec<String> = f.profile_names().map(|n| n.to_string()).collect();
    assert_eq!(names, ["a"]);
    for (again, first_line) in [
        ("[profile \"a\"]", 3),
        ("[profile a]", 1),
        ("[profile  a]", 5),
    ] {
        let text = format!("{text}[profile b]\n{again}\n");
        let e = parse(&text, Dialect::AwsCli).unwrap_err();
        assert_eq!(
            (e.problem, e.line),
            (Problem::DuplicateSection { first_line }, 8),
            "{again}"
        );
    }
}

/// What is timed on a shape: [`shapes::work`] or [`shapes::list_work`].
type Work = fn(&str, Dialect) -> usize;

/// Seconds per byte of `work` on a shape of `n` lines, the best of `runs`.
fn time_per_byte(shape: &shapes::Shape, work: Work, n: usize, runs: usize) -> (f64, Duration) {
    let text = (shape.generate)(n);
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(work(std::hint::black_box(&text), shape.dialect));
        best = best.min(start.elapsed());
    }
    (best.as_secs_f64() / text.len() as f64, best)
}

#[test]
#[ignore = "a timing bound for release builds: tests/run's release stage runs it"]
fn a_million_lines_of_any_shape_take_well_under_a_second() {
    for shape in shapes::SHAPES {
        // What a command does (parse, a lookup, the names) within the bound; listing every
        // property (explain, the SSO check) linear too, though it costs a hash per key.
        let works: [(&str, Work, bool); 3] = [
            ("lookup", shapes::work, true),
            ("listing", shapes::list_work, false),
            ("lint", shapes::lint_work, false),
        ];
        for (what, work, bounded) in works {
            let (big, elapsed) = time_per_byte(shape, work, 1_000_000, 3);
            assert!(
                !bounded || elapsed < Duration::from_millis(700),
                "{} ({what}): 1,000,000 lines took {elapsed:?}",
                shape.name
            );
            // Time per byte stays flat: a quadratic pass would make it 100 times larger (a
            // factor of a few is the caches: 10,000 lines fit in them, 1,000,000 do not).
            let (small, _) = time_per_byte(shape, work, 10_000, 20);
            assert!(
                big < 10.0 * small,
                "{} ({what}): {:.2} ns/byte at 1,000,000 lines, {:.2} at 10,000",
                shape.name,
                big * 1e9,
                small * 1e9
            );
        }
    }
}

/// `properties()` lists exactly what `get` gives: each key once, the winning property, and
/// every key that `get` finds. Checked on files that exercise every rule of the choice.
#[test]
fn properties_list_what_get_gives_each_key_once() {
    let texts = [
        // Repeated sections (the AWS CLI reads the last, the SDK merges), keys differing in case
        // and by Unicode lowering, [DEFAULT] under and over a section's own keys.
        "[DEFAULT]\nregion = d\nextra = d\n[default]\nRegion = a\nk = 1\n[default]\nK = 2\nregion = b\n",
        "[profile a]\nregion = 1\n[profile  a]\n\u{212a}ey = k\nkey = 2\n[DEFAULT]\nzz = d\n",
        "[profile a]\nk = 1\nk = 2\nK = 3\n[profile a]\nk = 4\n[default]\nk=5\n",
        "[default]\nsso_session = s\nsso_region = r\nk0 = v\n[sso-session s]\nk0 = v\nsso_region = x\nq = 1\n",
    ];
    for text in texts {
        for dialect in [Dialect::AwsCli, Dialect::Sdk] {
            for (config, creds) in [
                (Some(text), None),
                (Some(text), Some(text)),
                (None, Some(text)),
            ] {
                let Ok(files) = ConfigFiles::from_texts(
                    ("/h/.aws/config", config.map(str::as_bytes)),
                    ("/h/.aws/credentials", creds.map(str::as_bytes)),
                    dialect,
                ) else {
                    continue;
                };
                let names: Vec<String> = files.profile_names().map(|n| n.to_string()).collect();
                for name in &names {
                    let profile = files.profile(name).unwrap();
                    let listed: Vec<_> = profile.properties().collect();
                    let mut keys: Vec<String> =
                        listed.iter().map(|p| p.key.to_lowercase()).collect();
                    keys.sort();
                    let before = keys.len();
                    keys.dedup();
                    assert_eq!(before, keys.len(), "{name}: a key twice in {listed:?}");
                    for p in &listed {
                        assert_eq!(profile.get(p.key).as_ref(), Some(p), "{name} in {text:?}");
                    }
                    // Every key of the text that `get` finds is listed.
                    for key in text
                        .lines()
                        .filter_map(|l| l.split_once('='))
                        .map(|(k, _)| k.trim())
                    {
                        if profile.get(key).is_some() {
                            assert!(
                                listed
                                    .iter()
                                    .any(|p| p.key.to_lowercase() == key.to_lowercase()
                                        || profile.get(p.key) == profile.get(key)),
                                "{name}: {key} is not listed in {listed:?}"
                            );
                        }
                    }
                }
                if let Some(session) = files.sso_session("s") {
                    let profile = files.profile("default").unwrap();
                    let shared: Vec<_> = session.shared_with(&profile).collect();
                    for (theirs, mine) in &shared {
                        assert_eq!(session.get(theirs.key).as_ref(), Some(theirs));
                        assert_eq!(profile.get(theirs.key).as_ref(), Some(mine));
                    }
                    let expected = session
                        .properties()
                        .filter(|p| profile.get(p.key).is_some())
                        .count();
                    assert_eq!(shared.len(), expected);
                }
            }
        }
    }
}
