//! The shared files' writer (`config::write`) against the AWS CLI's own writer, byte for byte.
//!
//! Generated (file, edit) pairs, from a fixed seed: comments (`# x = y` ones too), blank lines,
//! continuation lines, nested blocks, duplicate, indented, commented and quoted headers, edits
//! of the last section, keys set in place and added, nested values, names and values with a CR
//! or LF (refused by both, with the same message), LF, CRLF, CR and mixed line ends, unended
//! last lines, a BOM, and no file at all. Each edit is made by credchain's writer and by the
//! AWS CLI's `ConfigFileWriter` (tests/writerdiff/awscli_writer.py, all pairs in one Python
//! process), and the two outputs must be identical, or the disagreement must be one that
//! docs/quirks.md lists as deliberate: a rule below recognises each by rebuilding the AWS
//! CLI's output from credchain's writer (see `Rule`), and the id must be in the section "Where
//! credchain differs from the AWS CLI on purpose". Any other disagreement fails the test,
//! which prints the file, the edit and both outputs.
//!
//! The AWS CLI's writer comes from the AWS CLI v1 package on PyPI (awscli 1.46.3, pinned in
//! tests/writerdiff/requirements.txt), whose awscli/customizations/configure/writer.py is the v2
//! branch's (compared line by line: formatting, and `_insert_new_values` inserting an empty
//! string where v2 inserts nothing, which writes the same bytes) but for one thing: v1 has no
//! removal (it writes `key = None` where v2 deletes the line). So removals are not compared
//! here; the writer's removal was checked by hand against the v2 branch's writer.py (its unit
//! tests in core/src/config/write.rs), and the fuzz target `config_write` checks that a removal
//! keeps every other line and that the key no longer reads back.
//!
//! Ignored by a plain `cargo test`: it needs that Python package. tests/writerdiff/run (the
//! `writerdiff` stage of tests/run) installs it and runs this test with
//! `CREDCHAIN_WRITERDIFF_PYTHON` naming the Python to run; `CREDCHAIN_WRITERDIFF_SEED` and
//! `CREDCHAIN_WRITERDIFF_CASES` change the seed and the number of pairs for runs by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use credchain_core::config::write::{write, Change, Edit, EditError};
use credchain_test_support::env_number;
use credchain_test_support::random::Rng;
use serde_json::{json, Value};

const SEED: u64 = 0x5717_e5d1_ff00_0011;
const CASES: usize = 3000;

/// What the generator asks for one key.
#[derive(Debug, Clone)]
enum GenChange {
    Set(String),
    Nested(Vec<(String, String)>),
}

/// One generated pair: the file (`None`: there is none) and the edit.
#[derive(Debug, Clone)]
struct Case {
    text: Option<String>,
    section: String,
    changes: Vec<(String, GenChange)>,
}

const NAMES: &[&str] = &[
    "default",
    "profile dev",
    "profile prod",
    "profile a b",
    "sso-session corp",
    "services svc",
    "preview",
];
const KEYS: &[&str] = &[
    "region",
    "output",
    "s3",
    "sts",
    "sso_region",
    "aws_access_key_id",
    "cli_pager",
    "endpoint_url",
    "Region",
    "max_concurrent_requests",
    "a",
    "b",
];
const VALUES: &[&str] = &[
    "us-east-1",
    "json",
    "",
    "a b",
    "x=y",
    "#v",
    "10",
    "eu-west-1",
    "text",
    "v:w",
];
const NESTED_KEYS: &[&str] = &["s3", "sts", "ec2", "a"];
const SUB_KEYS: &[&str] = &["max_concurrent_requests", "endpoint_url", "region", "a"];

/// A section header for `name`, mostly one the writer finds, sometimes one it does not.
fn header(rng: &mut Rng, name: &str) -> String {
    match rng.below(24) {
        0 => match name.split_once(' ') {
            Some((first, rest)) => format!("[{first} \"{rest}\"]"),
            None => format!("[{name}]"),
        },
        form @ 1..=7 => {
            let (before, after) = HEADER_FORMS[form - 1];
            format!("{before}{name}{after}")
        }
        _ => format!("[{name}]"),
    }
}

/// What stands before and after a header's name in the other forms of [`header`]: indented,
/// commented out, with a comment after, with spaces inside or after the brackets.
const HEADER_FORMS: [(&str, &str); 7] = [
    ("  [", "]"),
    ("\t[", "]"),
    ("# [", "]"),
    ("; [", "]"),
    ("[", "] ; a comment"),
    ("[ ", " ]"),
    ("[", "]  "),
];

/// What stands before the key and between it and the value in the other forms of a property
/// line of [`body_lines`]: unspaced, a colon, indented, commented out.
const PROPERTY_FORMS: [(&str, &str); 6] = [
    ("", "="),
    ("", ": "),
    ("", " ="),
    ("  ", " = "),
    ("# ", " = "),
    (";", "="),
];

/// The lines of [`body_lines`] that are no property: comments, blank and stray continuation
/// lines.
const OTHER_LINES: [&str; 5] = ["# a comment", "; another", "", "   ", "  continued"];

/// One to three body lines of a section.
fn body_lines(rng: &mut Rng, lines: &mut Vec<String>) {
    let key = rng.pick(KEYS);
    let value = rng.pick(VALUES);
    let line = match rng.below(20) {
        0..=4 => format!("{key} = {value}"),
        form @ 5..=10 => {
            let (before, between) = PROPERTY_FORMS[form - 5];
            format!("{before}{key}{between}{value}")
        }
        other @ 11..=15 => OTHER_LINES[other - 11].to_string(),
        16 | 17 => {
            // A nested block: `key =` and its indented lines.
            lines.push(format!("{} =", rng.pick(NESTED_KEYS)));
            let indent = if rng.below(2) == 0 { "  " } else { "    " };
            for _ in 0..=rng.below(3) {
                let indent = if rng.below(6) == 0 { " " } else { indent };
                lines.push(format!(
                    "{indent}{} = {}",
                    rng.pick(SUB_KEYS),
                    rng.pick(VALUES)
                ));
            }
            return;
        }
        18 => rng.pick(&["=x", ":y", "[x", "no key here"]).to_string(),
        _ => format!("{key} = {value}"),
    };
    lines.push(line);
}

/// A file's text: sections of names from `NAMES` (repeats included), then line ends.
fn file(rng: &mut Rng) -> (String, Vec<&'static str>) {
    let mut lines = Vec::new();
    let mut names = Vec::new();
    if rng.below(10) == 0 {
        lines.push("# a file comment".to_string());
        lines.push(String::new());
    }
    for _ in 0..rng.below(5) {
        let name = rng.pick(NAMES);
        names.push(name);
        lines.push(header(rng, name));
        for _ in 0..rng.below(6) {
            body_lines(rng, &mut lines);
        }
        if rng.below(4) == 0 {
            lines.push(String::new());
        }
    }
    let ends: &[&str] = match rng.below(20) {
        0..=13 => &["\n"],
        14 | 15 => &["\r\n"],
        16 => &["\r"],
        _ => &["\n", "\r\n", "\r"],
    };
    let mut text = String::new();
    if rng.below(30) == 0 {
        text.push('\u{feff}');
    }
    let unended = rng.below(7) == 0;
    for (i, line) in lines.iter().enumerate() {
        text.push_str(line);
        if !(unended && i + 1 == lines.len()) {
            text.push_str(ends[rng.below(ends.len())]);
        }
    }
    (text, names)
}

fn generate(rng: &mut Rng) -> Case {
    let (text, names) = file(rng);
    let text = if text.is_empty() && rng.below(2) == 0 {
        None
    } else {
        Some(text)
    };
    let mut section = if !names.is_empty() && rng.below(5) != 0 {
        names[rng.below(names.len())].to_string()
    } else {
        rng.pick(NAMES).to_string()
    };
    let mut changes: Vec<(String, GenChange)> = Vec::new();
    let nested = |rng: &mut Rng| {
        let mut subs: Vec<(String, String)> = Vec::new();
        for _ in 0..=rng.below(2) {
            let sub = rng.pick(SUB_KEYS);
            if subs.iter().all(|(s, _)| s != sub) {
                subs.push((sub.to_string(), rng.pick(VALUES).to_string()));
            }
        }
        (rng.pick(NESTED_KEYS).to_string(), GenChange::Nested(subs))
    };
    match rng.below(40) {
        0..=7 => changes.push(nested(rng)),
        // A nested value with another (the writer refuses; the AWS CLI drops the other).
        8 => {
            changes.push(("output".to_string(), GenChange::Set("json".to_string())));
            changes.push(nested(rng));
        }
        // Newlines, which both refuse.
        9 => {
            let (key, value) = match rng.below(4) {
                0 => ("region", "us-east-1\nx = y"),
                1 => ("re\rgion", "a"),
                2 => ("output", "a\r"),
                _ => {
                    section = "de\nfault".to_string();
                    ("region", "a")
                }
            };
            changes.push((key.to_string(), GenChange::Set(value.to_string())));
        }
        _ => {
            for _ in 0..=rng.below(3) {
                let key = rng.pick(KEYS);
                if changes.iter().all(|(k, _)| k != key) {
                    changes.push((
                        key.to_string(),
                        GenChange::Set(rng.pick(VALUES).to_string()),
                    ));
                }
            }
        }
    }
    Case {
        text,
        section,
        changes,
    }
}

/// A writer's answer: the output, or the error's name and message.
type Answer = Result<String, (String, String)>;

fn credchain(text: &str, case: &Case) -> Answer {
    let subs: Vec<Vec<(&str, &str)>> = case
        .changes
        .iter()
        .map(|(_, c)| match c {
            GenChange::Set(_) => Vec::new(),
            GenChange::Nested(subs) => subs.iter().map(|(s, v)| (s.as_str(), v.as_str())).collect(),
        })
        .collect();
    let changes: Vec<(&str, Change<'_>)> = case
        .changes
        .iter()
        .zip(&subs)
        .map(|((key, c), subs)| {
            let change = match c {
                GenChange::Set(v) => Change::Set(v),
                GenChange::Nested(_) => Change::Nested(subs),
            };
            (key.as_str(), change)
        })
        .collect();
    let edit = Edit {
        section: &case.section,
        changes: &changes,
    };
    let mut out = String::new();
    match write(text, &edit, &mut out) {
        Ok(()) => Ok(out),
        Err(e) => {
            let name = match e {
                EditError::NestedNotAlone => "NestedNotAlone",
                _ => "EditError",
            };
            Err((name.to_string(), e.to_string()))
        }
    }
}

/// A deliberate difference (docs/quirks.md), as a rebuilding of the AWS CLI's output from
/// credchain's writer. A disagreement is explained when some of the rules that apply to the
/// case, together, rebuild the AWS CLI's output exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// `differs:writer-bom`: the AWS CLI reads the BOM as part of the first line, so a header
    /// there is no header: its output is credchain's on the text with the BOM replaced by a
    /// character with no meaning to either writer (U+2060), the BOM put back.
    Bom,
    /// `differs:writer-unended-line`: a new key that lands after a last line without a line
    /// end: the AWS CLI writes it onto that line's end and adds an LF, a line of its own, after
    /// it; credchain ends the line first. Rebuilt by moving credchain's line end after the new
    /// lines (as that LF).
    UnendedLine,
    /// `differs:writer-unended-line`, for a nested value's sub-keys that land after such a
    /// line: the AWS CLI writes them onto its end and adds nothing; credchain ends the line
    /// first. Rebuilt by taking credchain's line end out.
    UnendedSubKeys,
    /// `differs:writer-line-ends`: a file with a CR. When the section is found the AWS CLI
    /// rewrites every line end as LF; when it is not, it appends to the file as it is (after an
    /// LF when the last byte is not one) and writes the new lines with LF; credchain keeps the
    /// file's line ends and writes its own.
    LineEnds,
}

impl Rule {
    const ALL: [Rule; 4] = [
        Rule::Bom,
        Rule::UnendedLine,
        Rule::UnendedSubKeys,
        Rule::LineEnds,
    ];

    fn id(self) -> &'static str {
        match self {
            Rule::Bom => "differs:writer-bom",
            Rule::UnendedLine | Rule::UnendedSubKeys => "differs:writer-unended-line",
            Rule::LineEnds => "differs:writer-line-ends",
        }
    }

    fn applies(self, text: &str, case: &Case) -> bool {
        let unended = !text.is_empty() && !text.ends_with(['\n', '\r']);
        match self {
            Rule::Bom => text.starts_with('\u{feff}'),
            Rule::UnendedLine => unended,
            Rule::UnendedSubKeys => {
                unended && matches!(case.changes.as_slice(), [(_, GenChange::Nested(_))])
            }
            Rule::LineEnds => text.contains('\r'),
        }
    }
}

/// Every line end as LF.
fn lf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The line end credchain's writer gives new lines: the first line's, or LF.
fn file_eol(text: &str) -> &str {
    match text.find(['\n', '\r']) {
        Some(i) if text[i..].starts_with("\r\n") => "\r\n",
        Some(i) => &text[i..=i],
        None => "\n",
    }
}

/// The AWS CLI's output as the `rules` rebuild it from credchain's writer.
fn rebuilt(text: &str, case: &Case, rules: &[Rule]) -> Option<String> {
    let word_joiner = "\u{2060}";
    // The LF the AWS CLI adds after an unended last line, kept apart from the line ends that
    // `LineEnds` rewrites (a CR before it must stay a line end of its own).
    let own_line = "\u{e000}";
    let bom = rules.contains(&Rule::Bom);
    let text = match bom {
        true => format!("{word_joiner}{}", text.strip_prefix('\u{feff}')?),
        false => text.to_string(),
    };
    let mut out = credchain(&text, case).ok()?;
    for (rule, added) in [(Rule::UnendedLine, own_line), (Rule::UnendedSubKeys, "")] {
        if rules.contains(&rule) {
            let last = &text[text.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
            let eol = file_eol(&text);
            let at = out.rfind(&format!("{last}{eol}"))? + last.len();
            out = format!("{}{}{added}", &out[..at], &out[at + eol.len()..]);
        }
    }
    if rules.contains(&Rule::LineEnds) {
        let ended = text.is_empty() || text.ends_with(['\n', '\r']);
        let tail = out.strip_prefix(text.as_str()).map(|tail| match ended {
            true => tail,
            false => tail.strip_prefix(file_eol(&text)).unwrap_or(tail),
        });
        out = match tail {
            // The section was not found: the file is appended to as it is.
            Some(tail) if tail.starts_with(&format!("[{}]", case.section)) => {
                let newline = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                format!("{text}{newline}{}", lf(tail))
            }
            _ => lf(&out),
        };
    }
    if bom {
        out = format!("\u{feff}{}", out.strip_prefix(word_joiner)?);
    }
    Some(out.replace(own_line, "\n"))
}

/// The deliberate differences that explain the disagreement, or `None`.
fn classify(text: &str, case: &Case, ours: &Answer, theirs: &Answer) -> Option<Vec<&'static str>> {
    match (ours, theirs) {
        // The AWS CLI writes the nested value, or fails on it as below, and drops the others.
        (Err((name, _)), Ok(_)) if name == "NestedNotAlone" => {
            Some(vec!["differs:writer-nested-alone"])
        }
        (Err((name, _)), Err((theirs, _)))
            if name == "NestedNotAlone" && theirs == "UnboundLocalError" =>
        {
            Some(vec![
                "differs:writer-nested-alone",
                "differs:writer-nested-crash",
            ])
        }
        (Ok(_), Err((name, _)))
            if name == "UnboundLocalError"
                && matches!(case.changes.as_slice(), [(_, GenChange::Nested(_))]) =>
        {
            Some(vec!["differs:writer-nested-crash"])
        }
        (Ok(_), Ok(aws)) => {
            let applying: Vec<Rule> = Rule::ALL
                .into_iter()
                .filter(|r| r.applies(text, case))
                .collect();
            // Fewest rules first: each subset of the rules that apply, by size.
            let mut subsets: Vec<Vec<Rule>> = (1..1u32 << applying.len())
                .map(|bits| {
                    (0..applying.len())
                        .filter(|i| bits >> i & 1 == 1)
                        .map(|i| applying[i])
                        .collect()
                })
                .collect();
            subsets.sort_by_key(Vec::len);
            subsets
                .into_iter()
                .find(|rules| rebuilt(text, case, rules).as_deref() == Some(aws.as_str()))
                .map(|rules| rules.iter().map(|r| r.id()).collect())
        }
        _ => None,
    }
}

/// The ids listed in docs/quirks.md's section of deliberate differences.
fn documented_ids(quirks: &str) -> Vec<String> {
    let heading = "## Where credchain differs from the AWS CLI on purpose";
    let start = quirks
        .find(heading)
        .expect("docs/quirks.md has the section")
        + heading.len();
    let section = &quirks[start..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("differs:"))
        .map(str::to_string)
        .collect()
}

fn case_json(case: &Case) -> Value {
    let changes: Vec<Value> = case
        .changes
        .iter()
        .map(|(key, c)| match c {
            GenChange::Set(v) => json!([key, v]),
            // As pairs: a JSON object's members would come out sorted, not in order.
            GenChange::Nested(subs) => json!([key, subs]),
        })
        .collect();
    json!({"text": case.text, "section": case.section, "changes": changes})
}

fn answer_json(answer: &Value) -> Answer {
    let field = |name: &str| answer[name].as_str().unwrap_or_default().to_string();
    match answer["ok"].as_bool() {
        Some(true) => Ok(field("out")),
        _ => Err((field("type"), field("error"))),
    }
}

#[test]
#[ignore = "needs the AWS CLI's writer from PyPI: run tests/writerdiff/run"]
fn the_writer_matches_the_aws_cli_writer() {
    let python = std::env::var("CREDCHAIN_WRITERDIFF_PYTHON")
        .expect("CREDCHAIN_WRITERDIFF_PYTHON names the Python with awscli (tests/writerdiff/run)");
    let seed = env_number("CREDCHAIN_WRITERDIFF_SEED").unwrap_or(SEED);
    let count = env_number("CREDCHAIN_WRITERDIFF_CASES").map_or(CASES, |n| n as usize);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let quirks = std::fs::read_to_string(root.join("docs/quirks.md")).unwrap();
    let documented = documented_ids(&quirks);

    let mut rng = Rng(seed);
    let cases: Vec<Case> = (0..count).map(|_| generate(&mut rng)).collect();
    let dir = tempfile::tempdir().unwrap();
    let cases_path = dir.path().join("cases.json");
    let results_path = dir.path().join("results.json");
    let all: Vec<Value> = cases.iter().map(case_json).collect();
    std::fs::write(&cases_path, serde_json::to_vec(&all).unwrap()).unwrap();
    let status = Command::new(&python)
        .args(["-X", "utf8", "-B"])
        .arg(root.join("tests/writerdiff/awscli_writer.py"))
        .arg(&cases_path)
        .arg(&results_path)
        .env_remove("PYTHONPATH")
        .status()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(status.success(), "awscli_writer.py failed: {status}");
    let results: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&results_path).unwrap()).unwrap();
    assert_eq!(results.len(), cases.len());

    let mut agreed = 0;
    let mut refused = 0;
    let mut explained: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (n, (case, result)) in cases.iter().zip(&results).enumerate() {
        let text = case.text.as_deref().unwrap_or("");
        let ours = credchain(text, case);
        let theirs = answer_json(result);
        // A refusal (a newline in a name or value) must come with the AWS CLI's message.
        let same = match (&ours, &theirs) {
            (Ok(a), Ok(b)) => a == b,
            (Err((_, a)), Err((_, b))) => a == b,
            _ => false,
        };
        if same {
            agreed += 1;
            refused += usize::from(ours.is_err());
            continue;
        }
        match classify(text, case, &ours, &theirs) {
            Some(ids) => {
                for id in ids {
                    assert!(
                        documented.iter().any(|d| d == id),
                        "{id} explains case {n} but docs/quirks.md does not list it"
                    );
                    *explained.entry(id).or_default() += 1;
                }
            }
            None => failures.push((n, case, ours, theirs)),
        }
    }
    println!(
        "writerdiff: seed {seed:#x}, {count} pairs: {agreed} identical ({refused} of them refused \
         by both with the same message), {} explained by docs/quirks.md, {} undocumented",
        count - agreed - failures.len(),
        failures.len()
    );
    for (id, n) in &explained {
        println!("  {id}: {n}");
    }
    let mut report = String::new();
    for (n, case, ours, theirs) in failures.iter().take(20) {
        let _ = write!(
            report,
            "\ncase {n}:\n  file:      {:?}\n  section:   {:?}\n  changes:   {:?}\n  credchain: {ours:?}\n  AWS CLI:   {theirs:?}\n",
            case.text, case.section, case.changes
        );
    }
    assert!(
        failures.is_empty(),
        "{} pairs where credchain's writer and the AWS CLI's disagree, not as docs/quirks.md \
         lists (the first 20):{report}",
        failures.len()
    );
    // The generator reaches every deliberate difference the rules know, and the classes of
    // cases that matter: a change of the generator that loses one fails here.
    for id in [
        "differs:writer-line-ends",
        "differs:writer-bom",
        "differs:writer-unended-line",
        "differs:writer-nested-crash",
        "differs:writer-nested-alone",
    ] {
        assert!(explained.contains_key(id), "no pair shows {id}");
    }
    assert!(refused > 0, "no pair is refused by both");
}
