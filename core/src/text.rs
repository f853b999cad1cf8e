//! Small text rules shared by the parsers: whitespace as Python sees it (the AWS CLI's engine is
//! Python), ASCII whitespace as the SDKs see it, and case-insensitive key comparison.

/// Whitespace as Python's `str.isspace()` and the regex `\s` see it: Unicode White_Space plus the
/// four ASCII separators U+001C..U+001F, which Python also counts.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    py_rstrip(py_lstrip(s))
}

/// ASCII bytes Python counts as whitespace.
fn is_ascii_py_space(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' | b'\x1c'..=b'\x1f'
    )
}

fn py_lstrip(s: &str) -> &str {
    let b = s.as_bytes();
    let mut start = 0;
    // Printable ASCII (the common first byte) ends the loop at once.
    while start < b.len() && b[start] <= b' ' && is_ascii_py_space(b[start]) {
        start += 1;
    }
    let s = &s[start..];
    // Non-ASCII whitespace (U+0085, U+00A0, U+3000, ...) takes the char path.
    if s.as_bytes().first().is_some_and(|&b| b >= 0x80) {
        s.trim_start_matches(is_py_space)
    } else {
        s
    }
}

/// Python's `str.rstrip()`.
pub(crate) fn py_rstrip(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 && b[end - 1] <= b' ' && is_ascii_py_space(b[end - 1]) {
        end -= 1;
    }
    let s = &s[..end];
    if s.as_bytes().last().is_some_and(|&b| b >= 0x80) {
        s.trim_end_matches(is_py_space)
    } else {
        s
    }
}

/// The number of leading whitespace characters (code points, as Python indexes strings).
pub(crate) fn py_indent(s: &str) -> usize {
    let bytes = s.as_bytes();
    // Fast path: leading ASCII whitespace counts one per byte.
    let mut i = 0;
    while i < bytes.len()
        && matches!(
            bytes[i],
            b' ' | b'\t' | b'\x0b' | b'\x0c' | b'\x1c'..=b'\x1f'
        )
    {
        i += 1;
    }
    if i == bytes.len() || bytes[i] < 0x80 {
        return i;
    }
    i + s[i..].chars().take_while(|&c| is_py_space(c)).count()
}

/// The profile grammar of the SDKs' spec knows only ' ' and '\t' as whitespace.
pub(crate) fn is_sdk_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Trims the SDKs' whitespace (' ' and '\t') from both ends.
pub(crate) fn sdk_trim(s: &str) -> &str {
    s.trim_matches(is_sdk_space)
}

/// Compares two keys as Python's `str.lower()` would make them equal.
pub(crate) fn eq_lowercase(a: &str, b: &str) -> bool {
    if a.len() == b.len() && a.eq_ignore_ascii_case(b) {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return false;
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// FNV-1a over bytes: a small, stable, dependency-free hash for the section index.
pub(crate) fn fnv1a(init: u32, bytes: impl IntoIterator<Item = u8>) -> u32 {
    let mut h = init;
    for b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The FNV-1a offset basis.
pub(crate) const FNV_INIT: u32 = 0x811c_9dc5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_whitespace() {
        assert_eq!(py_strip("\u{a0} a b\t\u{1c}"), "a b");
        assert_eq!(py_indent("  \tx"), 3);
        assert_eq!(py_indent("\u{a0}\u{a0}x"), 2);
        assert_eq!(py_indent(""), 0);
        assert!(eq_lowercase("Name", "name"));
        assert!(eq_lowercase("ÉTÉ", "été"));
        assert!(!eq_lowercase("a", "b"));
    }
}
