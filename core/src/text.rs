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

/// The byte `0x01` in every lane of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every lane of a word.
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit set in the byte lanes of `word` whose byte is below `n` (`n` at most 0x80).
/// The lowest lane flagged is always right; lanes above it may be flagged wrongly (a borrow
/// crosses from a lane that is below `n`), so callers read only the lowest one.
#[inline(always)]
pub(crate) fn below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS
}

/// The eight bytes at `at` as a little-endian word, when there are eight.
#[inline(always)]
pub(crate) fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..)?.first_chunk::<8>()?;
    Some(u64::from_le_bytes(*chunk))
}

/// A small, stable, dependency-free hash for the section index, eight bytes at a time: each
/// little-endian word of the input is mixed in with a rotate, xor and multiply, and the end is
/// avalanched (MurmurHash3's finaliser) so that every bit of the result depends on every input
/// byte. Bytes may arrive in pieces; the hash depends only on the whole sequence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordHasher {
    state: u64,
    /// Bytes waiting for a full word, little-endian, and how many.
    pending: u64,
    pending_len: u32,
    len: u64,
}

impl WordHasher {
    /// A hasher seeded with `seed`.
    pub fn new(seed: u8) -> Self {
        WordHasher {
            state: 0x243f_6a88_85a3_08d3 ^ u64::from(seed),
            pending: 0,
            pending_len: 0,
            len: 0,
        }
    }

    #[inline(always)]
    fn mix(&mut self, word: u64) {
        self.state = (self.state.rotate_left(26) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    /// Feeds `bytes`.
    #[inline]
    pub fn write(&mut self, mut bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len() as u64);
        if self.pending_len == 0 {
            while let Some((word, rest)) = bytes.split_first_chunk::<8>() {
                self.mix(u64::from_le_bytes(*word));
                bytes = rest;
            }
        }
        for &b in bytes {
            self.pending |= u64::from(b) << (8 * self.pending_len);
            self.pending_len += 1;
            if self.pending_len == 8 {
                let word = self.pending;
                self.mix(word);
                self.pending = 0;
                self.pending_len = 0;
            }
        }
    }

    /// Feeds `text[start..start + len]` as [`WordHasher::write`] would, loading a last partial
    /// word from the text around the slice (masked) rather than byte by byte.
    #[inline]
    pub fn write_in(&mut self, text: &[u8], start: usize, len: usize) {
        let bytes = &text[start..start + len];
        let whole = len & !7;
        if self.pending_len != 0 || whole == len {
            return self.write(bytes);
        }
        self.write(&bytes[..whole]);
        let (at, rest) = (start + whole, len - whole);
        let tail = if let Some(word) = word_at(text, at) {
            word & (u64::MAX >> (8 * (8 - rest)))
        } else if let Some(word) = (at + rest).checked_sub(8).and_then(|s| word_at(text, s)) {
            word >> (8 * (8 - rest))
        } else {
            return self.write(&bytes[whole..]);
        };
        self.pending = tail;
        self.pending_len = rest as u32;
        self.len = self.len.wrapping_add(rest as u64);
    }

    /// The hash of everything fed.
    #[inline]
    pub fn finish(mut self) -> u32 {
        // The last word holds at most seven bytes: its top byte takes the length. Then one
        // more multiply of the folded state spreads every input bit over the high half.
        let last = self.pending ^ (self.len << 56);
        self.mix(last);
        let h = self.state ^ (self.state >> 32);
        (h.wrapping_mul(0xff51_afd7_ed55_8ccd) >> 32) as u32
    }
}

/// Writes `bytes` as lower-case hex digits into the start of `out` (two digits a byte; bytes
/// beyond `out`'s room are left out). Digests named in hex: cache file names, SigV4 values.
pub(crate) fn write_lower_hex(bytes: &[u8], out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 15)];
    }
}

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

    #[test]
    fn word_hash_depends_on_the_bytes_not_the_pieces() {
        let text = b"profile team-000123 and some more bytes";
        let whole = |bytes: &[u8]| {
            let mut h = WordHasher::new(1);
            h.write(bytes);
            h.finish()
        };
        for cut in 0..text.len() {
            for cut2 in cut..text.len() {
                let mut h = WordHasher::new(1);
                h.write(&text[..cut]);
                h.write(&text[cut..cut2]);
                h.write(&text[cut2..]);
                assert_eq!(h.finish(), whole(text));
            }
        }
        // Slices read in place hash as the same bytes fed in pieces.
        for text in [&text[..], b"abc", b"abcdefgh", b"abcdefghi"] {
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    let mut a = WordHasher::new(3);
                    a.write_in(text, start, end - start);
                    let mut b = WordHasher::new(3);
                    b.write(&text[start..end]);
                    assert_eq!(a.finish(), b.finish(), "{start}..{end} of {}", text.len());
                }
            }
        }
        // The seed, the length and every byte count.
        let mut seeded = WordHasher::new(2);
        seeded.write(text);
        assert_ne!(seeded.finish(), whole(text));
        assert_ne!(whole(b"a"), whole(b"a\0"));
        assert_ne!(whole(b"team-000123"), whole(b"team-000124"));
        assert_ne!(whole(b""), whole(b"\0"));
    }
}
