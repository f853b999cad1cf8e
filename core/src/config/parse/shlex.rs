//! Words of a section header, split the way Python's `shlex.split` (POSIX mode) splits them.
//!
//! The AWS CLI splits `[profile "my profile"]` into `profile` and `my profile`; credchain keeps
//! each word as a slice of the file text and unquotes it on the fly, so nothing is copied.

/// Splits `s` into raw words (quotes and escapes still in place). `Err(())` is Python's
/// `ValueError` ("No closing quotation", "No escaped character"). At most `N` words are kept; the
/// count returned is the full count.
pub(crate) fn split<const N: usize>(s: &str) -> Result<(heapless::Vec<&str, N>, usize), ()> {
    let mut words = heapless::Vec::new();
    let mut count = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_space(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_space(bytes[i]) {
            match bytes[i] {
                b'\\' => i += 2,
                quote @ (b'\'' | b'"') => {
                    i += 1;
                    loop {
                        match bytes.get(i) {
                            None => return Err(()),
                            Some(&b) if b == quote => break,
                            Some(b'\\') if quote == b'"' => i += 2,
                            Some(_) => i += 1,
                        }
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        if i > bytes.len() {
            return Err(()); // a trailing backslash escapes nothing
        }
        count += 1;
        // Word boundaries are ASCII bytes, so these are char boundaries.
        let _ = words.push(&s[start..i]);
    }
    Ok((words, count))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether a raw word needs unquoting.
pub(crate) fn is_plain(word: &str) -> bool {
    !word.bytes().any(|b| matches!(b, b'\\' | b'\'' | b'"'))
}

/// The characters of a raw word once unquoted (the word must come from [`split`]).
pub(crate) fn unquoted(word: &str) -> impl Iterator<Item = char> + '_ {
    let mut chars = word.chars();
    let mut quote: Option<char> = None;
    core::iter::from_fn(move || loop {
        let c = chars.next()?;
        match (quote, c) {
            (None, '\\') => return chars.next(),
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                let mut ahead = chars.clone();
                match ahead.next() {
                    Some(n @ ('"' | '\\')) => {
                        chars = ahead;
                        return Some(n);
                    }
                    _ => return Some('\\'),
                }
            }
            _ => return Some(c),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Result<(heapless::Vec<heapless::String<32>, 4>, usize), ()> {
        let (raw, n) = split::<4>(s)?;
        Ok((raw.iter().map(|w| unquoted(w).collect()).collect(), n))
    }

    #[test]
    fn splits_like_python() {
        let (w, n) = words("profile \"my profile\"").unwrap();
        assert_eq!(
            (w[0].as_str(), w[1].as_str(), n),
            ("profile", "my profile", 2)
        );
        let (w, n) = words(" profile\tfoo ").unwrap();
        assert_eq!((w[1].as_str(), n), ("foo", 2));
        let (w, _) = words(r#"profile a\ b'c d'"e\"f\g""#).unwrap();
        assert_eq!(w[1].as_str(), r#"a bc de"f\g"#);
        let (w, n) = words("profile ''").unwrap();
        assert_eq!((w[1].as_str(), n), ("", 2));
        assert_eq!(words("profile \"open").map(|_| ()), Err(()));
        assert_eq!(words("profile x\\").map(|_| ()), Err(()));
        assert_eq!(words("a b c d e").unwrap().1, 5);
    }
}
