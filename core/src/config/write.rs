//! The shared files' writer: a file's text and an [`Edit`] in, the new text out, as the AWS
//! CLI's `ConfigFileWriter` (awscli/customizations/configure/writer.py on its v2 branch) edits
//! it for `aws configure`, `configure set` and `configure import`. Pure, and no allocation: the
//! caller gives the output ([`max_len`] bounds its size up front).
//!
//! What the AWS CLI does, and so this writer:
//! - The section is the first line that reads exactly `[NAME]` (or `[first "rest"]` for a name
//!   with a space) from column 0, full-line `#`/`;` comments skipped: an indented header never
//!   matches, and a section that is not found is appended at the end (after a newline when the
//!   file lacks one), as `[NAME]` and one `key = value` line per value.
//! - In the section, every line with `=` or `:` is a key line, comments such as `# x = y`
//!   included. A key line of a key being set is replaced by `key = value` (its indentation
//!   dropped); [`Change::Remove`] deletes it.
//! - Keys not found go after the section's last key line when another section follows, so the
//!   blank lines and comments above the next header stay below them; in the file's last section
//!   they land one line lower (after the line that follows the last key line), and a missing
//!   final newline is added first.
//! - A nested value (`a.b`) replaces `b` under `a =` or goes at the end of `a`'s block, indented
//!   four spaces; an `a` not yet there is written as `a =` and its indented lines.
//! - A CR or LF in the section name, a key or a value is refused with the AWS CLI's message (a
//!   value's message names its key only: values may be secrets).
//!
//! Where credchain is deliberately better (docs/quirks.md, "Writing the shared files"): every
//! line not edited comes out byte for byte, CRLF and CR line ends included, and new lines take
//! the file's own line end (the AWS CLI rewrites every line end as LF; a line ending in a lone
//! CR that the edit puts right above an empty LF line gets an LF after it, so that the two
//! do not read as one CRLF); a UTF-8 BOM is kept and
//! the first header after it is found (the AWS CLI sees no header there and appends a second
//! section of the same name); a line is ended before anything is written after it (the AWS CLI
//! writes a new key onto the end of an unterminated last line); and a nested value whose key is
//! followed by a line that is no key line, or ends the file, is written under it (the AWS CLI
//! fails there with Python's UnboundLocalError).

use core::fmt;

use crate::text::{is_py_space, py_indent, py_strip};

/// What an [`Edit`] does to one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change<'a> {
    /// `key = value`.
    Set(&'a str),
    /// The key's line deleted.
    Remove,
    /// Sub-keys under `key =`, each `    sub = value` (the nested form of `[services]` and
    /// `[sso-session]` sections, `s3.max_concurrent_requests`).
    Nested(&'a [(&'a str, &'a str)]),
}

/// One edit of one section: its keys changed in the order given (a nested change comes alone,
/// as `configure set` makes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit<'a> {
    /// The section's name as written between the brackets (`default`, `profile dev`,
    /// `sso-session corp`); the caller quotes a name with whitespace as the AWS CLI does.
    pub section: &'a str,
    /// The keys, each once, and what to do with each.
    pub changes: &'a [(&'a str, Change<'a>)],
}

/// The most changes in one edit.
pub const MAX_CHANGES: usize = 64;

/// Why an edit cannot be made. Display gives the AWS CLI's message where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditError<'a> {
    /// The section name holds a CR or LF.
    SectionNewline(&'a str),
    /// A key holds a CR or LF.
    KeyNewline(&'a str),
    /// The value of `key` (or of one of its sub-keys) holds a CR or LF.
    ValueNewline(&'a str),
    /// A nested change came with other changes (the AWS CLI would drop the others).
    NestedNotAlone,
    /// More than [`MAX_CHANGES`] changes, or sub-keys of one nested change.
    TooManyChanges,
    /// A key named twice in one edit.
    RepeatedKey(&'a str),
    /// The output is full: it was given less than [`max_len`].
    Full,
}

impl fmt::Display for EditError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refused = "newline characters and carriage returns are not allowed";
        match self {
            EditError::SectionNewline(name) => {
                write!(f, "Invalid section name: {refused}: ")?;
                write_py_repr(f, name)
            }
            EditError::KeyNewline(key) => {
                write!(f, "Invalid key: {refused}: ")?;
                write_py_repr(f, key)
            }
            EditError::ValueNewline(key) => write!(f, "Invalid value for key {key}: {refused}."),
            EditError::NestedNotAlone => f.write_str(
                "a nested value is written in an edit of its own (the AWS CLI drops the other \
                 values of such an edit)",
            ),
            EditError::TooManyChanges => {
                write!(
                    f,
                    "more than {MAX_CHANGES} values in one edit (MAX_CHANGES)"
                )
            }
            EditError::RepeatedKey(key) => write!(f, "the key {key} is set twice in one edit"),
            EditError::Full => f.write_str("the edited file is longer than the room given for it"),
        }
    }
}

/// Python's `repr()` of a string, as the AWS CLI's messages quote names: single quotes unless
/// the text holds one and no double quote, `\n`, `\r`, `\t` and other control characters
/// escaped.
fn write_py_repr(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    write!(f, "{quote}")?;
    for c in s.chars() {
        match c {
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\\' => f.write_str("\\\\")?,
            c if c == quote => write!(f, "\\{c}")?,
            c if (c as u32) < 0x100 && c.is_control() => write!(f, "\\x{:02x}", c as u32)?,
            c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    write!(f, "{quote}")
}

/// An upper bound of the edited text's length in bytes, for the output buffer.
#[must_use]
pub fn max_len(text: &str, edit: &Edit<'_>) -> usize {
    // A new section's header, a newline before it and after each line, and each value's line
    // with the widest indentation a nested line takes, line ends of two bytes.
    let mut len = text.len() + edit.section.len() + 8;
    for (key, change) in edit.changes {
        len += key.len() + 12;
        match change {
            Change::Set(value) => len += value.len(),
            Change::Remove => {}
            Change::Nested(subs) => {
                for (sub, value) in *subs {
                    len += sub.len() + value.len() + 16;
                }
            }
        }
    }
    len
}

/// One line of the text: where it starts, where its content ends and where its line end ends.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    content_end: usize,
    end: usize,
}

impl Line {
    fn content<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.content_end]
    }

    fn is_ended(&self) -> bool {
        self.end > self.content_end
    }
}

/// The lines of `text` from `from`, split at LF, CRLF and CR (Python's universal newlines).
fn lines(text: &str, from: usize) -> impl Iterator<Item = Line> + '_ {
    let bytes = text.as_bytes();
    let mut at = from;
    core::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let mut i = at;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let content_end = i;
        if i < bytes.len() {
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        at = i;
        Some(Line {
            start,
            content_end,
            end: i,
        })
    })
}

/// `^\s*\[[^]]+\]`: the header's text from the line's start through its `]`, when the line has
/// one.
fn header_match(content: &str) -> Option<&str> {
    let open = content.len() - content.trim_start_matches(is_py_space).len();
    let rest = content[open..].strip_prefix('[')?;
    let close = rest.find(']')?;
    (close > 0).then(|| &content[..open + 1 + close + 1])
}

/// `(?P<option>[^:=][^:=]*)\s*[:=]` searched in the line: the option's raw text (its leading
/// whitespace kept), when the line has a key.
fn option_match(content: &str) -> Option<&str> {
    let is_delimiter = |c: char| c == ':' || c == '=';
    let start = content.find(|c: char| !is_delimiter(c))?;
    let length = content[start..].find(is_delimiter)?;
    Some(&content[start..start + length])
}

/// Whether a header's matched text names `section` as the AWS CLI compares it.
fn names_section(matched: &str, section: &str) -> bool {
    let Some(inner) = matched.strip_prefix('[').and_then(|m| m.strip_suffix(']')) else {
        return false;
    };
    if inner == section {
        return true;
    }
    match section.split_once(' ') {
        Some((first, rest)) => {
            inner
                .strip_prefix(first)
                .and_then(|r| r.strip_prefix(" \""))
                .and_then(|r| r.strip_suffix('"'))
                == Some(rest)
        }
        None => false,
    }
}

fn has_newline(s: &str) -> bool {
    s.contains(['\n', '\r'])
}

fn check<'a>(edit: &Edit<'a>) -> Result<(), EditError<'a>> {
    if has_newline(edit.section) {
        return Err(EditError::SectionNewline(edit.section));
    }
    for (key, change) in edit.changes {
        if has_newline(key) {
            return Err(EditError::KeyNewline(key));
        }
        match change {
            Change::Set(value) if has_newline(value) => return Err(EditError::ValueNewline(key)),
            Change::Nested(subs) => {
                for (sub, value) in *subs {
                    if has_newline(sub) {
                        return Err(EditError::KeyNewline(sub));
                    }
                    if has_newline(value) {
                        return Err(EditError::ValueNewline(key));
                    }
                }
            }
            _ => {}
        }
    }
    let too_many = edit.changes.len() > MAX_CHANGES
        || edit
            .changes
            .iter()
            .any(|(_, c)| matches!(c, Change::Nested(subs) if subs.len() > MAX_CHANGES));
    if too_many {
        return Err(EditError::TooManyChanges);
    }
    for (i, (key, _)) in edit.changes.iter().enumerate() {
        if edit.changes[..i].iter().any(|(k, _)| k == key) {
            return Err(EditError::RepeatedKey(key));
        }
    }
    let nested = edit
        .changes
        .iter()
        .any(|(_, c)| matches!(c, Change::Nested(_)));
    if nested && edit.changes.len() > 1 {
        return Err(EditError::NestedNotAlone);
    }
    Ok(())
}

/// What is written before the line of an index (or at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Insert {
    /// The changes not yet made, as top-level lines.
    Keys,
    /// The sub-keys not yet replaced, indented four spaces.
    SubKeys,
}

/// The edit's plan over the lines: which lines are replaced or deleted, and what goes where.
struct Plan {
    /// Per change: the line replaced (or deleted), if one was.
    replaced: [Option<usize>; MAX_CHANGES],
    /// Per sub-key of a nested change: the line replaced, and that line's indentation.
    sub_replaced: [Option<(usize, usize)>; MAX_CHANGES],
    /// Before which line (the line count: at the end) what is left is written, and as what.
    insert: Option<(usize, Insert)>,
    /// Whether the section was found (else it is appended).
    found: bool,
    /// Whether the last line gets the line end it lacks.
    end_last_line: bool,
    /// How many lines the text has.
    lines: usize,
}

fn plan(text: &str, body: usize, edit: &Edit<'_>) -> Plan {
    let mut plan = Plan {
        replaced: [None; MAX_CHANGES],
        sub_replaced: [None; MAX_CHANGES],
        insert: None,
        found: false,
        end_last_line: false,
        lines: lines(text, body).count(),
    };
    let count = plan.lines;
    let Some(start) = lines(text, body).position(|line| {
        let content = line.content(text);
        !py_strip(content).starts_with(['#', ';'])
            && header_match(content).is_some_and(|m| names_section(m, edit.section))
    }) else {
        return plan;
    };
    plan.found = true;
    let mut last_key = start;
    for (j, line) in lines(text, body).enumerate().skip(start + 1) {
        let content = line.content(text);
        if header_match(content).is_some() {
            plan.insert = Some((last_key + 1, Insert::Keys));
            return plan;
        }
        let Some(option) = option_match(content) else {
            continue;
        };
        last_key = j;
        let key = py_strip(option);
        let Some(c) = edit
            .changes
            .iter()
            .enumerate()
            .position(|(c, (k, _))| *k == key && plan.replaced[c].is_none())
        else {
            continue;
        };
        plan.replaced[c] = Some(j);
        if let Change::Nested(subs) = edit.changes[c].1 {
            let indent = py_indent(option);
            plan.insert = Some((
                sub_keys(text, body, j, subs, indent, &mut plan),
                Insert::SubKeys,
            ));
            return plan;
        }
    }
    let left = edit
        .changes
        .iter()
        .zip(plan.replaced.iter())
        .any(|(_, r)| r.is_none());
    if left {
        // The AWS CLI ends an unterminated last line, then inserts two lines below the last
        // key line: one lower than in a section followed by another.
        plan.end_last_line = true;
        plan.insert = Some(((last_key + 2).min(count), Insert::Keys));
    }
    plan
}

/// Where the sub-keys not replaced go, the key line being `key_line` at `indent`; records the
/// replaced ones in the plan.
fn sub_keys(
    text: &str,
    body: usize,
    key_line: usize,
    subs: &[(&str, &str)],
    indent: usize,
    plan: &mut Plan,
) -> usize {
    let mut current: Option<usize> = None;
    let mut last = key_line;
    for (i, line) in lines(text, body).enumerate().skip(key_line + 1) {
        last = i;
        let content = line.content(text);
        if let Some(option) = option_match(content) {
            let width = py_indent(option);
            current = Some(width);
            let key = py_strip(option);
            if let Some(s) = subs
                .iter()
                .enumerate()
                .position(|(s, (k, _))| *k == key && plan.sub_replaced[s].is_none())
            {
                plan.sub_replaced[s] = Some((i, width));
            }
        }
        // A line that is no key line straight after the key has no indentation to compare
        // (the AWS CLI fails there): the block ends at it.
        if current.is_none_or(|c| c == indent) || header_match(content).is_some() {
            return i;
        }
    }
    last + 1
}

/// Writes `text` with `edit` made to `out`.
///
/// # Errors
/// [`EditError`]: a newline in a name or value, an edit the writer does not take, or an output
/// shorter than [`max_len`].
pub fn write<'a>(
    text: &str,
    edit: &Edit<'a>,
    out: &mut impl fmt::Write,
) -> Result<(), EditError<'a>> {
    check(edit)?;
    let body = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let plan = plan(text, body, edit);
    // New lines end as the file's first line does.
    let eol = lines(text, body)
        .find(Line::is_ended)
        .map_or("\n", |l| &text[l.content_end..l.end]);
    let mut out = Output {
        out,
        after_cr: false,
    };
    written(text, body, edit, &plan, eol, &mut out).map_err(|_| EditError::Full)
}

/// The output, where a line ending in a lone CR never runs into an LF that follows it: a CR
/// then an LF read as one line end (CRLF), so the empty line the LF ended would be lost to
/// every reader. In the input no CR-ended line is followed by an LF, so this happens only
/// where lines meet that were apart in the input: a new line ending in the file's CR written
/// above an empty LF line, or a line deleted between the two. An LF is written between them,
/// so the CR-ended line reads as CRLF-ended and the empty line stays.
struct Output<'o, W> {
    out: &'o mut W,
    after_cr: bool,
}

impl<W: fmt::Write> fmt::Write for Output<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // A piece is a whole line of the input, or part of a new line (whose name and value
        // hold no CR or LF), or a whole line end: a CRLF is never split across two.
        if s.is_empty() {
            return Ok(());
        }
        if self.after_cr && s.starts_with('\n') {
            self.out.write_char('\n')?;
        }
        self.after_cr = s.ends_with('\r');
        self.out.write_str(s)
    }
}

fn written(
    text: &str,
    body: usize,
    edit: &Edit<'_>,
    plan: &Plan,
    eol: &str,
    out: &mut impl fmt::Write,
) -> fmt::Result {
    out.write_str(&text[..body])?;
    if !plan.found {
        out.write_str(&text[body..])?;
        if !text[body..].is_empty() && !text.ends_with(['\n', '\r']) {
            out.write_str(eol)?;
        }
        write!(out, "[{}]{eol}", edit.section)?;
        return new_keys(edit, plan, eol, out);
    }
    let mut ended = true;
    let mut last_deleted = false;
    for (i, line) in lines(text, body).enumerate() {
        last_deleted = false;
        if let Some((_, what)) = plan.insert.filter(|(at, _)| *at == i) {
            insert(edit, plan, what, &mut ended, eol, out)?;
        }
        let own_eol = if line.is_ended() {
            &text[line.content_end..line.end]
        } else {
            eol
        };
        if let Some(c) = plan.replaced.iter().position(|r| *r == Some(i)) {
            let (key, change) = edit.changes[c];
            match change {
                Change::Set(value) => write!(out, "{key} = {value}{own_eol}")?,
                Change::Remove => last_deleted = true,
                Change::Nested(_) => out.write_str(&text[line.start..line.end])?,
            }
            ended = !matches!(change, Change::Nested(_)) || line.is_ended();
            continue;
        }
        if let Some(s) = plan
            .sub_replaced
            .iter()
            .position(|r| r.is_some_and(|(l, _)| l == i))
        {
            // Sub-key lines are planned only for a nested change, which comes alone.
            let Change::Nested(subs) = edit.changes[0].1 else {
                out.write_str(&text[line.start..line.end])?;
                continue;
            };
            let (sub, value) = subs[s];
            let width = plan.sub_replaced[s].map_or(0, |(_, w)| w);
            write!(out, "{:width$}{sub} = {value}{own_eol}", "")?;
            ended = true;
            continue;
        }
        out.write_str(&text[line.start..line.end])?;
        ended = line.is_ended();
    }
    // The AWS CLI ends its last line when a value is left to write, and a deleted last line
    // leaves it an empty one to end: a blank line.
    if plan.end_last_line && (!ended || last_deleted) {
        out.write_str(eol)?;
        ended = true;
    }
    if let Some((at, what)) = plan.insert {
        if at >= plan.lines {
            insert(edit, plan, what, &mut ended, eol, out)?;
        }
    }
    Ok(())
}

fn insert(
    edit: &Edit<'_>,
    plan: &Plan,
    what: Insert,
    ended: &mut bool,
    eol: &str,
    out: &mut impl fmt::Write,
) -> fmt::Result {
    // Nothing is written onto the end of a line: it is ended first.
    let wants = match what {
        Insert::Keys => edit
            .changes
            .iter()
            .zip(plan.replaced.iter())
            .any(|((_, c), r)| r.is_none() && !matches!(c, Change::Remove)),
        Insert::SubKeys => match edit.changes.first() {
            Some((_, Change::Nested(subs))) => {
                (0..subs.len()).any(|s| plan.sub_replaced[s].is_none())
            }
            _ => false,
        },
    };
    if !wants {
        return Ok(());
    }
    if !*ended {
        out.write_str(eol)?;
        *ended = true;
    }
    match what {
        Insert::Keys => new_keys(edit, plan, eol, out),
        Insert::SubKeys => {
            if let Some((_, Change::Nested(subs))) = edit.changes.first() {
                for (s, (sub, value)) in subs.iter().enumerate() {
                    if plan.sub_replaced[s].is_none() {
                        write!(out, "    {sub} = {value}{eol}")?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// The changes not made in place, as `_insert_new_values` writes them.
fn new_keys(edit: &Edit<'_>, plan: &Plan, eol: &str, out: &mut impl fmt::Write) -> fmt::Result {
    for (c, (key, change)) in edit.changes.iter().enumerate() {
        if plan.replaced[c].is_some() {
            continue;
        }
        match change {
            Change::Set(value) => write!(out, "{key} = {value}{eol}")?,
            Change::Remove => {}
            Change::Nested(subs) => {
                write!(out, "{key} ={eol}")?;
                for (sub, value) in *subs {
                    write!(out, "    {sub} = {value}{eol}")?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    fn edited(text: &str, section: &str, changes: &[(&str, Change<'_>)]) -> String {
        let edit = Edit { section, changes };
        let mut out = String::new();
        write(text, &edit, &mut out).unwrap();
        assert!(out.len() <= max_len(text, &edit), "{text:?}");
        out
    }

    fn set<'a>(key: &'a str, value: &'a str) -> (&'a str, Change<'a>) {
        (key, Change::Set(value))
    }

    #[test]
    fn a_key_line_is_replaced_in_place_and_its_indentation_dropped() {
        let text = "[default]\nregion = a\n  output: text\n\n[profile dev]\nregion = b\n";
        assert_eq!(
            edited(text, "default", &[set("output", "json")]),
            "[default]\nregion = a\noutput = json\n\n[profile dev]\nregion = b\n"
        );
        assert_eq!(
            edited(text, "profile dev", &[set("region", "c")]),
            "[default]\nregion = a\n  output: text\n\n[profile dev]\nregion = c\n"
        );
    }

    #[test]
    fn new_keys_go_after_the_last_key_line_or_one_lower_in_the_last_section() {
        let text = "[default]\nregion = a\n\n# next\n[profile dev]\nregion = b\n\n# end\n";
        assert_eq!(
            edited(text, "default", &[set("output", "json"), set("cli_pager", "")]),
            "[default]\nregion = a\noutput = json\ncli_pager = \n\n# next\n[profile dev]\nregion = b\n\n# end\n"
        );
        assert_eq!(
            edited(text, "profile dev", &[set("output", "json")]),
            "[default]\nregion = a\n\n# next\n[profile dev]\nregion = b\n\noutput = json\n# end\n"
        );
        assert_eq!(
            edited("[default]\n", "default", &[set("a", "1")]),
            "[default]\na = 1\n"
        );
    }

    #[test]
    fn a_missing_section_is_appended_and_a_missing_file_made() {
        assert_eq!(
            edited("", "default", &[set("region", "a")]),
            "[default]\nregion = a\n"
        );
        assert_eq!(
            edited(
                "[default]\nregion = a",
                "profile 'a b'",
                &[set("output", "json")]
            ),
            "[default]\nregion = a\n[profile 'a b']\noutput = json\n"
        );
        // An indented header is no header to the AWS CLI's writer, nor a commented one.
        assert_eq!(
            edited(
                "  [default]\n# [default]\nregion = a\n",
                "default",
                &[set("b", "1")]
            ),
            "  [default]\n# [default]\nregion = a\n[default]\nb = 1\n"
        );
    }

    #[test]
    fn a_name_with_a_space_matches_its_quoted_form() {
        assert_eq!(
            edited(
                "[profile \"a b\"]\nregion = x\n",
                "profile a b",
                &[set("region", "y")]
            ),
            "[profile \"a b\"]\nregion = y\n"
        );
    }

    #[test]
    fn a_removed_key_loses_its_line_and_a_removed_last_line_leaves_a_blank_one() {
        let text = "[default]\nregion = a\noutput = json\n";
        assert_eq!(
            edited(text, "default", &[("region", Change::Remove)]),
            "[default]\noutput = json\n"
        );
        // As the AWS CLI: the emptied last line is ended before the new key.
        assert_eq!(
            edited(
                text,
                "default",
                &[("output", Change::Remove), set("a", "1")]
            ),
            "[default]\nregion = a\n\na = 1\n"
        );
        assert_eq!(
            edited("", "default", &[("region", Change::Remove)]),
            "[default]\n"
        );
    }

    #[test]
    fn nested_values_replace_their_line_or_join_their_block() {
        let text = "[services dev]\ns3 =\n  endpoint_url = a\nsts =\n  endpoint_url = b\n";
        let subs = [("endpoint_url", "c")];
        assert_eq!(
            edited(text, "services dev", &[("sts", Change::Nested(&subs))]),
            "[services dev]\ns3 =\n  endpoint_url = a\nsts =\n  endpoint_url = c\n"
        );
        let subs = [("region", "r")];
        assert_eq!(
            edited(text, "services dev", &[("s3", Change::Nested(&subs))]),
            "[services dev]\ns3 =\n  endpoint_url = a\n    region = r\nsts =\n  endpoint_url = b\n"
        );
        assert_eq!(
            edited(text, "services dev", &[("ec2", Change::Nested(&subs))]),
            "[services dev]\ns3 =\n  endpoint_url = a\nsts =\n  endpoint_url = b\nec2 =\n    region = r\n"
        );
        // Where the AWS CLI fails (UnboundLocalError), the value goes under its key.
        assert_eq!(
            edited(
                "[default]\ns3 =\n\n",
                "default",
                &[("s3", Change::Nested(&subs))]
            ),
            "[default]\ns3 =\n    region = r\n\n"
        );
        assert_eq!(
            edited(
                "[default]\ns3 =",
                "default",
                &[("s3", Change::Nested(&subs))]
            ),
            "[default]\ns3 =\n    region = r\n"
        );
    }

    #[test]
    fn line_ends_a_bom_and_an_unended_last_line_are_kept_safe() {
        assert_eq!(
            edited(
                "[default]\r\nregion = a\r\n",
                "default",
                &[set("output", "json")]
            ),
            "[default]\r\nregion = a\r\noutput = json\r\n"
        );
        assert_eq!(
            edited(
                "\u{feff}[default]\nregion = a\n",
                "default",
                &[set("region", "b")]
            ),
            "\u{feff}[default]\nregion = b\n"
        );
        // The AWS CLI writes the new key onto the comment's end here ("# cnew = n").
        assert_eq!(
            edited("[default]\nregion = a\n# c", "default", &[set("new", "n")]),
            "[default]\nregion = a\n# c\nnew = n\n"
        );
    }

    #[test]
    fn newlines_in_names_and_values_are_refused_with_the_aws_cli_s_words() {
        let refuse = |section: &str, changes: &[(&str, Change<'_>)]| {
            let edit = Edit { section, changes };
            let mut out = String::new();
            let error = write("", &edit, &mut out).unwrap_err();
            std::format!("{error}")
        };
        assert_eq!(
            refuse("default", &[set("region", "a\nb")]),
            "Invalid value for key region: newline characters and carriage returns are not allowed."
        );
        assert_eq!(
            refuse("default", &[set("re\rgion", "a")]),
            "Invalid key: newline characters and carriage returns are not allowed: 're\\rgion'"
        );
        assert_eq!(
            refuse("it's\n", &[set("a", "b")]),
            "Invalid section name: newline characters and carriage returns are not allowed: \"it's\\n\""
        );
        let subs = [("endpoint_url", "x\ny")];
        assert!(refuse("s", &[("sts", Change::Nested(&subs))])
            .starts_with("Invalid value for key sts:"));
    }

    #[test]
    fn a_cr_ended_line_never_runs_into_an_empty_lf_line_after_it() {
        // The file's line end is CR (its first line's); the empty line after the new keys
        // would read as the second half of a CRLF.
        assert_eq!(
            edited("[a]\rregion = x\r\n\n[b]\r", "a", &[set("output", "json")]),
            "[a]\rregion = x\r\noutput = json\r\n\n[b]\r"
        );
        // A deleted line between a CR-ended line and an empty LF line.
        assert_eq!(
            edited(
                "[a]\rregion = x\routput = y\n\n[b]\n",
                "a",
                &[("output", Change::Remove)]
            ),
            "[a]\rregion = x\r\n\n[b]\n"
        );
        // The input's CRLFs are written as they are.
        assert_eq!(
            edited("[a]\r\nc = 2\r\n\r\n[b]\r\n", "a", &[set("b", "1")]),
            "[a]\r\nc = 2\r\nb = 1\r\n\r\n[b]\r\n"
        );
    }

    #[test]
    fn edits_past_the_room_given_fail_cleanly() {
        let edit = Edit {
            section: "default",
            changes: &[set("region", "eu-west-1")],
        };
        let mut out = heapless::String::<8>::new();
        assert_eq!(write("[default]\n", &edit, &mut out), Err(EditError::Full));
    }

    #[test]
    fn edits_beyond_the_limits_are_refused_not_cut() {
        let subs = [("k", "v"); MAX_CHANGES + 1];
        let mut out = String::new();
        let nested = [("s3", Change::Nested(&subs))];
        let edit = Edit {
            section: "default",
            changes: &nested,
        };
        assert_eq!(write("", &edit, &mut out), Err(EditError::TooManyChanges));
        let twice = [set("a", "1"), set("a", "2")];
        let edit = Edit {
            section: "default",
            changes: &twice,
        };
        assert_eq!(write("", &edit, &mut out), Err(EditError::RepeatedKey("a")));
    }

    /// Random files and edits: no panic, and the output within [`max_len`].
    #[test]
    fn random_edits_stay_within_the_bound() {
        let alphabet = b"[]=:# \n\r\tabprofile\"'";
        let subs = [("a", "1"), ("p", "")];
        crate::random_input::for_each_soup(0x51f1_5eed_0bad_cafe, alphabet, 20_000, |bytes| {
            let Ok(text) = core::str::from_utf8(bytes) else {
                return;
            };
            for changes in [
                &[set("a", "v"), ("b", Change::Remove)][..],
                &[("a", Change::Nested(&subs))][..],
                &[set("p", ""), set("a b", "x")][..],
            ] {
                for section in ["a", "profile a", "b"] {
                    let edit = Edit { section, changes };
                    let mut out = String::new();
                    write(text, &edit, &mut out).unwrap();
                    assert!(out.len() <= max_len(text, &edit), "{text:?}");
                }
            }
        });
    }
}
