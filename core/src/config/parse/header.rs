//! Section headers: what class a header is and which slice of it is the name, in each dialect.

use super::file::{SectionClass, SkipReason};
use super::sdk::is_valid_name;
use super::shlex;
use crate::text::{below, word_at, ONES};
use crate::{Dialect, FileKind};

/// [`classify`] for an AWS CLI config-file header, with whether the name is plain (needs no
/// unquoting). A header without quotes or backslashes (nearly every one) is split by shlex on
/// whitespace alone, so it is split here without shlex; the others go through shlex.
pub(super) fn classify_cli_config(header: &str) -> (SectionClass, &str, bool) {
    use SectionClass::*;
    let (class, prefix) = if header == "DEFAULT" {
        return (Defaults, header, true);
    } else if header.starts_with("profile") {
        (Profile, "profile".len())
    } else if header.starts_with("sso-session") {
        (SsoSession, "sso-session".len())
    } else if header.starts_with("services") {
        (Services, "services".len())
    } else if header == "default" {
        return (Profile, header, true);
    } else {
        return (
            Skipped(SkipReason::NoPrefix),
            header,
            shlex::is_plain(header),
        );
    };
    // shlex's whitespace ends a word; a quote or a backslash anywhere sends the header to
    // shlex. The prefix is part of the first word.
    let bytes = header.as_bytes();
    let through_shlex = || {
        let (class, name) = classify(FileKind::Config, Dialect::AwsCli, header);
        (class, name, shlex::is_plain(name))
    };
    let skip_spaces = |mut i: usize| {
        while i < bytes.len() && HEADER_BYTES[usize::from(bytes[i])] == SPACE {
            i += 1;
        }
        i
    };
    let is_quote = |i: usize| i < bytes.len() && HEADER_BYTES[usize::from(bytes[i])] == QUOTE;
    let first_end = next_special(bytes, prefix);
    if is_quote(first_end) {
        return through_shlex();
    }
    let name_start = skip_spaces(first_end);
    let name_end = next_special(bytes, name_start);
    if is_quote(name_end) {
        return through_shlex();
    }
    let mut rest = skip_spaces(name_end);
    if name_start == bytes.len() || rest < bytes.len() {
        // One word, or three or more: shlex would still refuse an unclosed quote first.
        while rest < bytes.len() {
            rest = next_special(bytes, rest);
            if is_quote(rest) {
                return through_shlex();
            }
            rest += 1;
        }
        return (Skipped(SkipReason::NotTwoWords), header, true);
    }
    // Whitespace bytes are ASCII: these are char boundaries.
    (class, &header[name_start..name_end], true)
}

/// The index of the first byte at or after `at` that is shlex whitespace, a quote or a
/// backslash, or the length of `bytes`; eight bytes at a time.
#[inline(always)]
fn next_special(bytes: &[u8], mut at: usize) -> usize {
    while let Some(word) = word_at(bytes, at) {
        // Candidates: bytes below 0x21 (space and controls), 0x20..=0x27 (`"`, `'`) and 0x5c.
        let candidates = below(word, 0x21)
            | below(word ^ (ONES * 0x20), 0x08)
            | below(word ^ (ONES * u64::from(b'\\')), 0x01);
        if candidates == 0 {
            at += 8;
            continue;
        }
        let i = at + (candidates.trailing_zeros() / 8) as usize;
        if HEADER_BYTES[usize::from(bytes[i])] != WORD {
            return i;
        }
        at = i + 1;
    }
    while at < bytes.len() && HEADER_BYTES[usize::from(bytes[at])] == WORD {
        at += 1;
    }
    at
}

/// Byte classes of a section header for [`classify_cli_config`].
const WORD: u8 = 0;
const SPACE: u8 = 1;
const QUOTE: u8 = 2;
const HEADER_BYTES: [u8; 256] = {
    let mut classes = [WORD; 256];
    classes[b' ' as usize] = SPACE;
    classes[b'\t' as usize] = SPACE;
    classes[b'\r' as usize] = SPACE;
    classes[b'\n' as usize] = SPACE;
    classes[b'"' as usize] = QUOTE;
    classes[b'\'' as usize] = QUOTE;
    classes[b'\\' as usize] = QUOTE;
    classes
};

/// The class and raw name of a section header.
pub(super) fn classify(kind: FileKind, dialect: Dialect, header: &str) -> (SectionClass, &str) {
    use SectionClass::*;
    match (dialect, kind) {
        (Dialect::AwsCli, _) if header == "DEFAULT" => (Defaults, header),
        (Dialect::AwsCli, FileKind::Credentials) => (Profile, header),
        (Dialect::AwsCli, FileKind::Config) => {
            let class = if header.starts_with("profile") {
                Profile
            } else if header.starts_with("sso-session") {
                SsoSession
            } else if header.starts_with("services") {
                Services
            } else if header == "default" {
                return (Profile, header);
            } else {
                return (Skipped(SkipReason::NoPrefix), header);
            };
            match shlex::split::<2>(header) {
                Err(()) => (Skipped(SkipReason::UnbalancedQuotes), header),
                Ok((words, 2)) => (class, words[1]),
                Ok(_) => (Skipped(SkipReason::NotTwoWords), header),
            }
        }
        (Dialect::Sdk, FileKind::Credentials) => {
            if is_valid_name(header) {
                (Profile, header)
            } else {
                (Skipped(SkipReason::InvalidName), header)
            }
        }
        (Dialect::Sdk, FileKind::Config) => {
            if header == "default" {
                return (Profile, header);
            }
            let prefixed = |prefix: &str| {
                let rest = header.strip_prefix(prefix)?;
                rest.starts_with([' ', '\t'])
                    .then(|| crate::text::sdk_trim(rest))
            };
            let (class, name) = if let Some(name) = prefixed("profile") {
                (Profile, name)
            } else if let Some(name) = prefixed("sso-session") {
                (SsoSession, name)
            } else if let Some(name) = prefixed("services") {
                (Services, name)
            } else {
                return (Skipped(SkipReason::NoPrefix), header);
            };
            if is_valid_name(name) {
                (class, name)
            } else {
                (Skipped(SkipReason::InvalidName), header)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_headers_classify_as_through_shlex() {
        // classify_cli_config splits unquoted headers itself; it must agree with classify
        // (shlex) on the class, the very slice of the name, and whether it is plain.
        fn through_shlex(header: &str) -> (SectionClass, &str, bool) {
            let (class, name) = classify(FileKind::Config, Dialect::AwsCli, header);
            let plain = class == SectionClass::Defaults || shlex::is_plain(name);
            (class, name, plain)
        }
        let parts = [
            "profile",
            "sso-session",
            "services",
            "default",
            "DEFAULT",
            "a",
            "b c",
            " ",
            "  ",
            "\t",
            "\"",
            "'",
            "\\",
            "\u{a0}",
            "\u{3000}",
            "é",
            "x",
            "p",
            "-",
            "team-000001",
            "\x0b",
            "\x01",
            "\x7f",
            "\r",
            "\n",
            "!",
            "&",
            "#",
            "8",
        ];
        let mut next = super::super::lines::numbers_below(1);
        for _ in 0..40_000 {
            let mut header = std::string::String::new();
            for _ in 0..1 + next(7) {
                header.push_str(parts[next(parts.len())]);
            }
            let (class, name, plain) = classify_cli_config(&header);
            let (want_class, want_name, want_plain) = through_shlex(&header);
            assert_eq!(
                (class, name.as_ptr(), name.len(), plain),
                (want_class, want_name.as_ptr(), want_name.len(), want_plain),
                "{header:?}"
            );
        }
    }
}
