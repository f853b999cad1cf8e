//! The AWS CLI's file rules beyond the shared vectors (../shared/spec/awscli-quirks.md, "The
//! files"), each a test.

mod common;

use credchain_core::config::parse::{ConfigFiles, ParseError, Problem};
use credchain_core::Dialect;

fn parse<'a>(config: &'a str, creds: &'a str) -> Result<ConfigFiles<'a>, ParseError<'a>> {
    ConfigFiles::from_texts(
        ("/h/.aws/config", Some(config.as_bytes())),
        ("/h/.aws/credentials", Some(creds.as_bytes())),
        Dialect::AwsCli,
    )
}

fn get(files: &ConfigFiles<'_>, profile: &str, key: &str) -> Option<String> {
    files
        .profile(profile)?
        .get(key)
        .map(|p| p.value.to_string())
}

/// Parses the two texts and asserts each `(profile, key, value)`: the key of that profile has
/// that value. Returns the files.
#[track_caller]
fn assert_values<'a>(
    config: &'a str,
    creds: &'a str,
    expected: &[(&str, &str, &str)],
) -> ConfigFiles<'a> {
    let files = parse(config, creds).unwrap();
    for &(profile, key, value) in expected {
        let got = get(&files, profile, key);
        assert_eq!(got.as_deref(), Some(value), "[{profile}] {key}");
    }
    files
}

/// The profile names, in order.
fn names(files: &ConfigFiles<'_>) -> Vec<String> {
    files.profile_names().map(|n| n.to_string()).collect()
}

#[test]
fn upper_case_default_section_is_inherited_not_a_profile() {
    let f = assert_values(
        "[DEFAULT]\nregion = r0\noutput = json\n[profile a]\nregion = r1\n",
        "[DEFAULT]\nx = 1\n[a]\n",
        &[
            ("a", "region", "r1"),
            ("a", "output", "json"),
            ("a", "x", "1"),
        ],
    );
    assert!(f.profile("DEFAULT").is_none());
    assert_eq!(names(&f), ["a"]);
}

#[test]
fn indented_comment_is_a_comment_and_indented_header_continues() {
    let f = parse("[default]\nk = a\n  # not part\n  [b]\n\n  c\n", "").unwrap();
    assert_eq!(get(&f, "default", "k").as_deref(), Some("a\n[b]\n\nc"));
}

#[test]
fn colon_delimiter_and_inline_comments_are_values() {
    let f = parse("[default]\nsource_profile = x # c\nregion: us-east-1\n", "").unwrap();
    assert_eq!(
        get(&f, "default", "source_profile").as_deref(),
        Some("x # c")
    );
    assert_eq!(get(&f, "default", "region").as_deref(), Some("us-east-1"));
}

#[test]
fn byte_order_mark_refuses_the_file() {
    let e = parse("\u{feff}[default]\n", "").unwrap_err();
    assert_eq!(
        (e.problem, e.line, e.path),
        (Problem::ByteOrderMark, 1, "/h/.aws/config")
    );
    assert!(e.to_string().contains("byte-order mark"));
}

#[test]
fn quoted_profile_names() {
    let f = assert_values(
        "[profile \"dev\"]\nregion = r\n[profile 'my profile']\nregion = s\n",
        "",
        &[("dev", "region", "r"), ("my profile", "region", "s")],
    );
    assert_eq!(names(&f), ["dev", "my profile"]);
}

#[test]
fn duplicates_refuse_the_file_with_both_lines() {
    let e = parse("[default]\na = 1\n\n[default]\n", "").unwrap_err();
    assert_eq!(
        (e.problem, e.line),
        (Problem::DuplicateSection { first_line: 1 }, 4)
    );
    let e = parse("", "[x]\nKey = 1\nkey = 2\n").unwrap_err();
    assert_eq!(
        (e.problem, e.line, e.path),
        (
            Problem::DuplicateKey { first_line: 2 },
            3,
            "/h/.aws/credentials"
        )
    );
    let msg = e.to_string();
    assert!(
        msg.contains("/h/.aws/credentials:3") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn many_keys_in_one_section_are_still_checked() {
    let mut text = String::from("[default]\n");
    for i in 0..200 {
        text.push_str(&format!("k{i} = {i}\n"));
    }
    assert!(parse(&text, "").is_ok());
    text.push_str("K7 = again\n");
    let e = parse(&text, "").unwrap_err();
    assert_eq!(e.problem, Problem::DuplicateKey { first_line: 9 });
}

#[test]
fn credentials_file_keys_win_over_config_for_every_key() {
    assert_values(
        "[profile a]\nregion = r1\noutput = text\n",
        "[a]\nregion = r2\n",
        &[("a", "region", "r2"), ("a", "output", "text")],
    );
}

#[test]
fn non_text_files_are_errors_naming_the_file_and_line() {
    let e = common::c_and_k(Some(b"[default]\nregion = \xff\n"), None).unwrap_err();
    assert_eq!((e.problem, e.line, e.path), (Problem::NotUtf8, 2, "/c"));
    let bad = common::c_and_k(None, Some(b"[a]\n\0"));
    assert_eq!(bad.unwrap_err().problem, Problem::NotText);
}

#[test]
fn nested_value_line_without_equals_refuses_the_file() {
    let e = parse("[default]\ns3 =\n  max = 1\n  oops\n", "").unwrap_err();
    assert_eq!((e.problem, e.line), (Problem::NestedWithoutEquals, 4));
}

#[test]
fn skipped_sections_are_reported() {
    let f = parse("[foo]\n[profile a b]\n[profile \"x]\n[default]\n", "").unwrap();
    let mut lines = Vec::new();
    f.diagnostics(|d| lines.push(d.line));
    assert_eq!(lines, [1, 2, 3]);
}

#[test]
fn missing_files_read_as_empty() {
    let f = common::c_and_k(None, None).unwrap();
    assert!(f.profile("default").is_none());
    assert!(!f.config.is_present());
}

#[test]
fn credentials_section_names_are_taken_whole_even_with_quotes() {
    let f = parse("", "[a\"b]\nx = 1\n['q']\ny = 2\n").unwrap();
    assert_eq!(get(&f, "a\"b", "x").as_deref(), Some("1"));
    assert_eq!(get(&f, "'q'", "y").as_deref(), Some("2"));
    assert!(f.profile("q").is_none());
}
