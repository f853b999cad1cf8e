//! The shared files' writer (`config::write`) on any file text and any edit.
//!
//! Input: byte 0 picks the section, byte 1 the shape of the edit (one to three `Set`/`Remove`
//! changes, or one `Nested` change of one or two sub-keys), then one byte per key, sub-key and
//! value: below 0xF0 an entry of the target's tables, else `b & 0x0F` raw bytes taken from the
//! input (read as UTF-8, invalid bytes replaced). What is left is the file's text (UTF-8, invalid
//! bytes replaced; the writer takes text).
//!
//! Checked on every input:
//! - no panic; the write fails only where the edit is refused (a CR or LF in a name or value, a
//!   key named twice, a nested change with others), never for room (the output is a `String`),
//!   and the output is no longer than `max_len`;
//! - lines kept: every line of the input except the key lines of a key or sub-key the edit
//!   names (a line whose text before its first `=`/`:`, stripped, is that key: the lines the
//!   writer may replace or delete) appears in the output in order, byte for byte with its line
//!   end (a last line without one: its text, then the end or a line end), each where a line
//!   starts for a reader (never right after a CR that it would make a CRLF of); a leading BOM
//!   stays;
//! - nothing else: every output line between the kept ones is a line the edit writes
//!   (`key = value`, `key =`, `sub = value` after spaces, none when the writer replaces a
//!   sub-key's line at the key's own indentation, `[section]`), an empty line, or a copy of
//!   one of the input's edited key lines;
//! - line ends: no CR in the output unless the input has one, no LF unless the input has one or
//!   has no line end at all.
//!
//! Checked when the edit is plain and the section reachable (`read_back_applies`), in both
//! dialects, for a file that parses as a config file in that dialect before the edit:
//! - the output parses, except where a new nested block lands right above an indented line
//!   without `=` (the writer takes it into the block, as the AWS CLI's does: the parser then
//!   reports a nested line without `=`);
//! - the edit reads back from the section: a set key's value (its first line: a continuation
//!   below the insertion point joins the new key, as in the AWS CLI) is the value given, a
//!   nested key's sub-keys have their values, and a removed key is gone.
//!
//! "Plain": the section is `default`, `profile dev`, `sso-session corp` or `services svc`;
//! keys and sub-keys are `[a-z0-9_]+` (the sub-keys of a nested change distinct, as the AWS
//! CLI's dict has them), values `[A-Za-z0-9_./+-]+`. "Reachable": every line of
//! the file whose stripped text starts with `[` is, at column 0, `[NAME]` with NAME made of
//! `[A-Za-z0-9_-]` words joined by single spaces (so the writer and both parsers see the same
//! sections), no section is `[DEFAULT]` (in the AWS CLI dialect every other section inherits
//! its keys, and botocore reads its nested values only through another section, so a file
//! holding just `[DEFAULT]` may parse and stop parsing once a section is added), the edited
//! section's header appears at most once, no other header names the same profile, session or
//! services section for botocore (`[profileX dev]` names `dev` as `[profile dev]` does, and
//! `[profile default]` stands for `[default]`: see `shadows`), and the text has no lone CR (a precaution: where a lone CR ends
//! a line for each reader is the parsers' tests' business, not this target's). Every line that the writer reads as a key line of an edited key (compared as the
//! parsers do, case-insensitively) must be that key written exactly at column 0, so that the
//! line the writer replaces is the parsers' property, and a removed key's line must not be
//! followed (past blank and comment lines) by an indented line: its continuation, which the
//! removal leaves under nothing, as the AWS CLI's removal does; a nested change needs a key and
//! sub-keys no line names. In the SDK dialect, where repeated sections merge and the later key
//! wins, a key on more than one line of the file is not read back.
#![no_main]

use credchain_core::config::parse::{ConfigFiles, Problem};
use credchain_core::config::write::{max_len, write, Change, Edit, EditError};
use credchain_core::Dialect;
use libfuzzer_sys::fuzz_target;

const SECTIONS: &[&str] = &[
    "default",
    "profile dev",
    "sso-session corp",
    "services svc",
    "profile a b",
    "dev",
    "DEFAULT",
];
const KEYS: &[&str] = &[
    "region",
    "output",
    "a",
    "b",
    "s3",
    "Region",
    "sso_region",
    "x",
    "# a",
    "a b",
    "",
    "[a]",
    " a",
    "a=b",
    "k",
    "endpoint_url",
];
const SUBS: &[&str] = &[
    "endpoint_url",
    "a",
    "max_concurrent_requests",
    "region",
    "b",
    "",
    " a",
];
const VALUES: &[&str] = &[
    "v",
    "us-east-1",
    "json",
    "1",
    "",
    " x ",
    "a b",
    "#",
    "a = b",
    "x\ny",
];

/// The input, read front to back.
struct Input<'d>(&'d [u8]);

impl<'d> Input<'d> {
    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }

    /// An entry of `table`, or raw bytes from the input.
    fn text(&mut self, table: &[&str]) -> String {
        let b = self.byte();
        if b < 0xF0 {
            return table[usize::from(b) % table.len()].to_string();
        }
        let n = usize::from(b & 0x0F).min(self.0.len());
        let (raw, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8_lossy(raw).into_owned()
    }
}

/// What the test builds the edit from (owned, then borrowed into an `Edit`).
enum Planned {
    Set(String),
    Remove,
    Nested(Vec<(String, String)>),
}

fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

fn lowercase(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// The lines of `text` with their line ends (LF, CRLF, CR).
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..=i]);
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.push(&text[start..i + 2]);
                i += 1;
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..=i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        out.push(&text[start..]);
    }
    out
}

fn content(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// The key the writer reads on a line (its `[^:=][^:=]*` before a `:`/`=`, stripped).
fn writer_key(content: &str) -> Option<&str> {
    let is_delimiter = |c: char| c == ':' || c == '=';
    let start = content.find(|c: char| !is_delimiter(c))?;
    let length = content[start..].find(is_delimiter)?;
    Some(py_strip(&content[start..start + length]))
}

fn is_plain_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_plain_value(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./+-".contains(&b))
}

fn is_plain_header(inner: &str) -> bool {
    !inner.is_empty()
        && inner.split(' ').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

/// Whether the read-back checks apply (see the module documentation), and whether a key on
/// several lines rules the SDK dialect out.
/// Whether the header `[inner]` names the same profile, session or services section as the
/// edited `section` for botocore without being its header: botocore maps every section whose
/// name starts with `profile` (or `sso-session`, `services`) and splits into two words to the
/// second word, so `[profileX dev]` after `[profile dev]` replaces it, and `[profile default]`
/// or `[profileX default]` stands for `[default]`.
fn shadows(inner: &str, section: &str) -> bool {
    let (kind, name) = section.split_once(' ').unwrap_or(("profile", section));
    let words: Vec<&str> = inner.split_whitespace().collect();
    inner != section && words.len() == 2 && words[0].starts_with(kind) && words[1] == name
}

fn read_back_applies(text: &str, section: &str, changes: &[(&str, Change<'_>)]) -> Option<bool> {
    if !["default", "profile dev", "sso-session corp", "services svc"].contains(&section) {
        return None;
    }
    let mut keys: Vec<&str> = Vec::new();
    let mut fresh_only: Vec<&str> = Vec::new();
    let mut removed: Vec<&str> = Vec::new();
    for (key, change) in changes {
        keys.push(key);
        match change {
            Change::Remove => removed.push(key),
            Change::Set(v) if !is_plain_value(v) => return None,
            Change::Nested(subs) => {
                fresh_only.push(key);
                for (sub, v) in *subs {
                    if !is_plain_key(sub) || !is_plain_value(v) || fresh_only[1..].contains(sub) {
                        return None;
                    }
                    fresh_only.push(sub);
                }
            }
            _ => {}
        }
    }
    if !keys.iter().all(|k| is_plain_key(k)) {
        return None;
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'\r' && w[1] != b'\n')
        || body.ends_with('\r')
    {
        return None;
    }
    let header = format!("[{section}]");
    let mut headers = 0;
    let mut repeated = false;
    let mut seen: Vec<String> = Vec::new();
    let all = lines(body);
    for (n, line) in all.iter().enumerate() {
        let content = content(line);
        let stripped = py_strip(content);
        if stripped.starts_with('[') {
            let inner = content
                .strip_prefix('[')
                .and_then(|c| c.strip_suffix(']'))?;
            let shadowed = shadows(inner, section);
            if !is_plain_header(inner) || shadowed || inner == "DEFAULT" {
                return None;
            }
            headers += usize::from(content == header);
            continue;
        }
        let Some(found) = writer_key(content) else {
            continue;
        };
        let found_lower = lowercase(found);
        for key in &keys {
            if found_lower != *key {
                continue;
            }
            let exact = content
                .strip_prefix(*key)
                .is_some_and(|rest| rest.trim_start_matches(is_py_space).starts_with(['=', ':']));
            // A removed key's continuation lines would be left under the key before it.
            let continued = || {
                all[n + 1..]
                    .iter()
                    .map(|l| l.trim_end_matches(['\n', '\r']))
                    .find(|c| !py_strip(c).is_empty() && !py_strip(c).starts_with(['#', ';']))
                    .is_some_and(|c| c.starts_with(is_py_space))
            };
            if !exact || (removed.contains(key) && continued()) {
                return None;
            }
            if seen.iter().any(|s| s == key) {
                repeated = true;
            }
            seen.push(key.to_string());
        }
        if fresh_only.iter().any(|k| found_lower == lowercase(k)) {
            return None;
        }
    }
    (headers <= 1).then_some(repeated)
}

/// Checks the lines kept and the lines written.
fn check_lines(text: &str, out: &str, edit: &Edit<'_>) {
    // The BOM stays in front; the lines are compared after it.
    let (text, out) = match text.strip_prefix('\u{feff}') {
        Some(body) => (body, out.strip_prefix('\u{feff}').expect("the BOM is kept")),
        None => (text, out),
    };
    let mut names: Vec<&str> = Vec::new();
    for (key, change) in edit.changes {
        names.push(key);
        if let Change::Nested(subs) = change {
            names.extend(subs.iter().map(|(s, _)| *s));
        }
    }
    let is_edited = |line: &str| writer_key(content(line)).is_some_and(|k| names.contains(&k));
    let input = lines(text);
    let edited: Vec<&str> = input
        .iter()
        .filter(|l| is_edited(l))
        .map(|l| content(l))
        .collect();
    let written_ok = |line: &str| {
        let c = content(line);
        if c.is_empty() || edited.contains(&c) || c == format!("[{}]", edit.section) {
            return true;
        }
        edit.changes.iter().any(|(key, change)| match change {
            Change::Set(v) => c == format!("{key} = {v}"),
            Change::Remove => false,
            Change::Nested(subs) => {
                c == format!("{key} =")
                    || subs.iter().any(|(sub, v)| {
                        c.strip_suffix(&format!("{sub} = {v}"))
                            .is_some_and(|indent| indent.bytes().all(|b| b == b' '))
                    })
            }
        })
    };
    let bytes = out.as_bytes();
    // Where a line starts for every reader: not between the CR and the LF of a CRLF, so a
    // kept empty LF line may not follow a CR-ended line (the two would read as one line end).
    let at_line_start = |p: usize| {
        p == 0 || bytes[p - 1] == b'\n' || (bytes[p - 1] == b'\r' && bytes.get(p) != Some(&b'\n'))
    };
    let mut cursor = 0;
    let count = input.len();
    for (n, line) in input.iter().enumerate() {
        if is_edited(line) {
            continue;
        }
        let ended = line.ends_with(['\n', '\r']);
        let found = (cursor..=out.len()).find(|&p| {
            at_line_start(p)
                && out[p..].starts_with(line)
                && (ended || matches!(bytes.get(p + line.len()), None | Some(b'\n' | b'\r')))
        });
        let Some(p) = found else {
            panic!(
                "input line {} of {count} ({line:?}) is not kept in order:\n{out:?}",
                n + 1
            );
        };
        for gap in lines(&out[cursor..p]) {
            assert!(
                written_ok(gap),
                "an unexpected line {gap:?} before input line {}:\n{out:?}",
                n + 1
            );
        }
        cursor = p + line.len();
    }
    for gap in lines(&out[cursor..]) {
        assert!(
            written_ok(gap),
            "an unexpected line {gap:?} at the end:\n{out:?}"
        );
    }
    if !text.contains('\r') {
        assert!(
            !out.contains('\r'),
            "a CR in the output of a file without one"
        );
    }
    if !text.contains('\n') && text.contains('\r') {
        assert!(!out.contains('\n'), "an LF in the output of a CR file");
    }
}

/// The section's value of `key` in the parsed files, as (first line, sub-key lookup).
fn check_read_back(out: &str, edit: &Edit<'_>, dialect: Dialect) {
    let files = match ConfigFiles::from_texts(("c", Some(out.as_bytes())), ("k", None), dialect) {
        Ok(files) => files,
        Err(e) => {
            let nested = matches!(edit.changes, [(_, Change::Nested(_))]);
            let taken_in = matches!(
                e.problem,
                Problem::NestedWithoutEquals | Problem::SubPropertyWithoutEquals
            );
            assert!(
                nested && taken_in,
                "{dialect:?}: the output does not parse: {e}\n{out:?}"
            );
            return;
        }
    };
    let (kind, name) = edit
        .section
        .split_once(' ')
        .unwrap_or(("profile", edit.section));
    let get = |key: &str| match kind {
        "profile" => files.profile(name).and_then(|p| p.get(key)),
        "sso-session" => files.sso_session(name).and_then(|s| s.get(key)),
        "services" => files.services(name).and_then(|s| s.get(key)),
        _ => unreachable!(),
    };
    for (key, change) in edit.changes {
        let found = get(key);
        match change {
            Change::Set(v) => {
                let Some(p) = found else {
                    panic!("{dialect:?}: {key} is not in [{}]:\n{out:?}", edit.section);
                };
                assert_eq!(
                    p.value.lines().next(),
                    Some(*v),
                    "{dialect:?}: {key}:\n{out:?}"
                );
            }
            Change::Remove => {
                assert!(
                    found.is_none(),
                    "{dialect:?}: {key} is still there:\n{out:?}"
                );
            }
            Change::Nested(subs) => {
                let Some(p) = found else {
                    panic!("{dialect:?}: {key} is not in [{}]:\n{out:?}", edit.section);
                };
                for (sub, v) in *subs {
                    assert_eq!(
                        p.value.sub_property(sub),
                        Some(*v),
                        "{dialect:?}: {key}.{sub}:\n{out:?}"
                    );
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let section = input.text(SECTIONS);
    let shape = input.byte();
    let mut planned: Vec<(String, Planned)> = Vec::new();
    if shape & 3 == 3 {
        let key = input.text(KEYS);
        let mut subs = Vec::new();
        for _ in 0..1 + usize::from(shape >> 2 & 1) {
            subs.push((input.text(SUBS), input.text(VALUES)));
        }
        planned.push((key, Planned::Nested(subs)));
    } else {
        for i in 0..=usize::from(shape & 3) {
            let key = input.text(KEYS);
            if shape >> (2 + i) & 1 == 1 {
                planned.push((key, Planned::Remove));
            } else {
                planned.push((key, Planned::Set(input.text(VALUES))));
            }
        }
        // A nested change beside others: the writer refuses it.
        if shape & 0x80 != 0 {
            planned.push((
                "s3".to_string(),
                Planned::Nested(vec![("a".into(), "1".into())]),
            ));
        }
    }
    let text = String::from_utf8_lossy(input.0).into_owned();
    let subs_of: Vec<Vec<(&str, &str)>> = planned
        .iter()
        .map(|(_, p)| match p {
            Planned::Nested(subs) => subs.iter().map(|(s, v)| (s.as_str(), v.as_str())).collect(),
            _ => Vec::new(),
        })
        .collect();
    let changes: Vec<(&str, Change<'_>)> = planned
        .iter()
        .zip(&subs_of)
        .map(|((key, p), subs)| {
            let change = match p {
                Planned::Set(v) => Change::Set(v),
                Planned::Remove => Change::Remove,
                Planned::Nested(_) => Change::Nested(subs),
            };
            (key.as_str(), change)
        })
        .collect();
    let edit = Edit {
        section: &section,
        changes: &changes,
    };

    let mut out = String::new();
    let result = write(&text, &edit, &mut out);
    let newline = |s: &str| s.contains(['\n', '\r']);
    let refusable = newline(&section)
        || changes.iter().any(|(k, c)| {
            newline(k)
                || match c {
                    Change::Set(v) => newline(v),
                    Change::Remove => false,
                    Change::Nested(subs) => subs.iter().any(|(s, v)| newline(s) || newline(v)),
                }
        })
        || changes
            .iter()
            .enumerate()
            .any(|(i, (k, _))| changes[..i].iter().any(|(j, _)| j == k))
        || (changes.len() > 1 && changes.iter().any(|(_, c)| matches!(c, Change::Nested(_))));
    match result {
        Err(EditError::Full) => panic!("a String is never full"),
        Err(_) => {
            assert!(refusable, "refused: {result:?}");
            return;
        }
        Ok(()) => assert!(!refusable, "an edit the writer refuses was made"),
    }
    assert!(out.len() <= max_len(&text, &edit), "longer than max_len");
    check_lines(&text, &out, &edit);

    let Some(repeated) = read_back_applies(&text, &section, &changes) else {
        return;
    };
    for dialect in [Dialect::AwsCli, Dialect::Sdk] {
        if dialect == Dialect::Sdk && repeated {
            continue;
        }
        if ConfigFiles::from_texts(("c", Some(text.as_bytes())), ("k", None), dialect).is_err() {
            continue;
        }
        check_read_back(&out, &edit, dialect);
    }
});
