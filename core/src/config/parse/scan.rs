//! The AWS CLI dialect's hot loop: a byte-level scanner over the whole text.
//!
//! Validating a file is one pass over every line, and on large files that pass is most of the
//! cost of a resolution. This scanner walks the text itself, eight bytes at a time (SWAR: a
//! `u64` per step, no `unsafe`), and takes the common shapes of line without building anything
//! per line:
//!
//! ```ini
//! [profile dev]          ; `[` at column 0 and `]` ending the line: a section header
//! region = eu-west-1     ; a printable ASCII byte at column 0, then `=` or `:`: a property
//!                        ; an empty line
//! # a comment            ; `#` or `;` at column 0
//! ```
//!
//! Every other line (indented lines, continuations, non-ASCII or control bytes at column 0, a
//! line starting with `=` or `:`, `[` without a `]` ending the line, a line before any
//! section, a line with no delimiter) goes to [`CliReader`](super::awscli::CliReader), the
//! reference reading of configparser's rules, so the rules live in one place. Lines split
//! exactly where ini_core and Python's universal newlines split them: at `\n`, `\r\n` and a
//! lone `\r`.
//!
//! Why not ini_core here: driving ini_core's `Parser` returns one `Item` by value per line
//! (and a `SectionEnd` pseudo-item per section), whose reading must then be checked against
//! configparser's. On the 10,000-profile pair (2.03 MB, 100,000 lines) that loop made a parse
//! take 3.3 ms, about a third of it in ini_core; with this scanner the parse takes about
//! 1.3 ms (docs/ARCHITECTURE.md, "Performance notes"). ini_core stays the line splitter of
//! every cold path (property lookups, value lines, the SDK dialect) and of the reference pass
//! this scanner is tested against (`ProfileFile::scan_awscli_reference`: the differential
//! tests in core/tests/awscli_scanner.rs and the `awscli_scan` fuzz target).

use super::file::{CliPass, ProfileFile};
use super::lines::{Hint, Line};
use super::Problem;
use crate::text::{below, py_rstrip, py_strip, word_at, HIGHS, ONES};

/// The line that runs from `at` (or from before it): where its text ends (the first `\n` or `\r`
/// at or after `at`, or the length of the text) and where the next line starts (after `\r\n`,
/// `\n` or a lone `\r`). Bytes found in a word are read from the word, not loaded again.
#[inline(always)]
fn line_end(bytes: &[u8], mut at: usize) -> (usize, usize) {
    while let Some(word) = word_at(bytes, at) {
        // Candidates: bytes below 0x0e, which are `\n`, `\r` and rarer controls (tab).
        let candidates = below(word, 0x0e);
        if candidates == 0 {
            at += 8;
            continue;
        }
        let shift = candidates.trailing_zeros() & !7;
        let i = at + (shift / 8) as usize;
        match (word >> shift) as u8 {
            b'\n' => return (i, i + 1),
            b'\r' => {
                let after = match shift {
                    56 => bytes.get(i + 1).copied(),
                    _ => Some((word >> (shift + 8)) as u8),
                };
                return (i, if after == Some(b'\n') { i + 2 } else { i + 1 });
            }
            _ => at = i + 1,
        }
    }
    while at < bytes.len() && !matches!(bytes[at], b'\n' | b'\r') {
        at += 1;
    }
    (at, next_line(bytes, at))
}

/// The first `=`, `:`, `\n` or `\r` at or after `at`: its index, the byte (0 at the end of the
/// text), and whether every byte before it (from `at`) is ASCII.
#[inline(always)]
fn delimiter_or_line_end(bytes: &[u8], mut at: usize) -> (usize, u8, bool) {
    let mut seen = 0u64;
    while let Some(word) = word_at(bytes, at) {
        // Candidates: bytes below 0x0e as above, and bytes 0x38..=0x3f (`8 9 : ; < = > ?`).
        let candidates = below(word, 0x0e) | below(word ^ (ONES * 0x38), 0x08);
        if candidates == 0 {
            seen |= word;
            at += 8;
            continue;
        }
        let shift = candidates.trailing_zeros() & !7;
        let i = at + (shift / 8) as usize;
        // The bytes before the candidate (the candidate itself is ASCII).
        seen |= word & ((1 << shift) - 1);
        match (word >> shift) as u8 {
            found @ (b'=' | b':' | b'\n' | b'\r') => return (i, found, seen & HIGHS == 0),
            _ => at = i + 1,
        }
    }
    while at < bytes.len() {
        if let found @ (b'=' | b':' | b'\n' | b'\r') = bytes[at] {
            return (at, found, seen & HIGHS == 0);
        }
        seen |= u64::from(bytes[at]);
        at += 1;
    }
    (at, 0, seen & HIGHS == 0)
}

/// Where the next line starts, given where this line's text ends (`\r\n`, `\n`, a lone `\r`, or
/// the end of the text).
#[inline(always)]
fn next_line(bytes: &[u8], text_end: usize) -> usize {
    let mut at = text_end;
    if bytes.get(at) == Some(&b'\r') {
        at += 1;
    }
    if bytes.get(at) == Some(&b'\n') {
        at += 1;
    }
    at
}

/// Whether a property's value (the text after its delimiter) is empty once stripped as Python
/// strips it.
#[inline(always)]
fn value_is_empty(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut at = 0;
    while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
        at += 1;
    }
    match bytes.get(at) {
        None => true,
        Some(b'!'..=b'~') => false,
        // Other whitespace (Python's, including non-ASCII) or a control byte: the full rule.
        Some(_) => py_strip(value).is_empty(),
    }
}

/// The key of a property line whose first byte (at `start`, printable ASCII) is no whitespace
/// and whose delimiter is at `delimiter`: the text between, right-stripped as Python strips it.
#[inline(always)]
fn key_before(text: &str, start: usize, delimiter: usize) -> &str {
    let bytes = text.as_bytes();
    let mut end = delimiter;
    // The first byte is no whitespace, so the loop stops at `start + 1` at the latest.
    while end > start + 1 && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if matches!(bytes[end - 1], b'!'..=b'~') {
        &text[start..end]
    } else {
        // Other whitespace before the delimiter (Python's, including non-ASCII): the full rule.
        py_rstrip(&text[start..end])
    }
}

impl<'a> ProfileFile<'a> {
    /// The AWS CLI dialect's pass: configparser's rules, every fatal case, the index. Gives the
    /// same result as `scan_awscli_reference` on every input (tested).
    pub(super) fn scan_awscli(&mut self) -> Result<(), (u32, Problem)> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut pass = CliPass::default();
        let mut at = 0;
        let mut number = 0u32;
        while let Some(&first) = bytes.get(at) {
            let start = at;
            number = number.saturating_add(1);
            match first {
                // An empty line (outside a value or inside one, it changes nothing).
                b'\n' => at += 1,
                b'\r' => at = next_line(bytes, start),
                // A comment at column 0.
                b'#' | b';' => at = line_end(bytes, start + 1).1,
                b'[' => {
                    let text_end;
                    (text_end, at) = line_end(bytes, start + 1);
                    // `[header]` with the `]` last: configparser's header is the text between.
                    if text_end - start >= 3 && bytes[text_end - 1] == b']' {
                        pass.reader.section_at_column_0();
                        let header = &text[start + 1..text_end - 1];
                        self.cli_section(&mut pass, header, start, at, number)?;
                    } else {
                        self.cli_read(&mut pass, start, text_end, at, number)?;
                    }
                }
                // A printable ASCII byte at column 0 that is no delimiter: a property when a
                // delimiter follows on the line and a section is open.
                b'!'..=b'~' if first != b'=' && first != b':' => {
                    let (delimiter, found, ascii) = delimiter_or_line_end(bytes, start + 1);
                    let is_delimiter = found == b'=' || found == b':';
                    if is_delimiter && pass.reader.property_at_column_0() {
                        let text_end;
                        (text_end, at) = line_end(bytes, delimiter + 1);
                        // Delimiters and line ends are ASCII: these are char boundaries.
                        let key = key_before(text, start, delimiter);
                        let empty = value_is_empty(&text[delimiter + 1..text_end]);
                        self.cli_property(&mut pass, key, ascii, empty, number)?;
                    } else {
                        let text_end;
                        (text_end, at) = match is_delimiter {
                            true => line_end(bytes, delimiter + 1),
                            false => (delimiter, next_line(bytes, delimiter)),
                        };
                        self.cli_read(&mut pass, start, text_end, at, number)?;
                    }
                }
                // Indentation, other whitespace, control or non-ASCII bytes at column 0.
                _ => {
                    let text_end;
                    (text_end, at) = line_end(bytes, start);
                    self.cli_read(&mut pass, start, text_end, at, number)?;
                }
            }
        }
        pass.finish()
    }

    /// A line the scanner does not take itself, read in full by [`CliReader`]: its text is
    /// `start..text_end`, its line ending runs to `end`.
    ///
    /// [`CliReader`]: super::awscli::CliReader
    #[inline(never)]
    fn cli_read(
        &mut self,
        pass: &mut CliPass<'a>,
        start: usize,
        text_end: usize,
        end: usize,
        number: u32,
    ) -> Result<(), (u32, Problem)> {
        let line = Line {
            raw: &self.text[start..text_end],
            start,
            end,
            number,
            trivial: None,
            hint: Hint::None,
        };
        let read = pass.reader.read(&line);
        self.cli_line(pass, read, start, end, number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_find_exactly_the_bytes_asked_for() {
        // Each byte at each offset of five words, after near misses (every byte the candidate
        // tests let through, and the same bytes with the high bit set) and with near misses
        // after it.
        let near = [
            b'\t', 0x0b, 0x0c, 0x00, b'8', b'9', b';', b'<', b'>', b'?', 0x8a, 0xbd,
        ];
        let mut text = [b'x'; 40];
        for i in 0..text.len() {
            for byte in [b'\n', b'\r', b'=', b':'] {
                text.fill(b'x');
                for (j, &n) in near.iter().enumerate() {
                    text[(i + 1 + j) % 40] = n;
                }
                for j in 0..i.min(near.len()) {
                    text[i - 1 - j] = near[j];
                }
                text[i] = byte;
                let newline = byte == b'\n' || byte == b'\r';
                let want = if newline { (i, i + 1) } else { (40, 40) };
                assert_eq!(line_end(&text, 0), want, "{byte} at {i}");
                let ascii = text[..i].is_ascii();
                assert_eq!(
                    delimiter_or_line_end(&text, 0),
                    (i, byte, ascii),
                    "{byte} at {i}"
                );
                assert_eq!(delimiter_or_line_end(&text, i.min(3)).0, i);
                text[i] = byte | 0x80;
                assert_eq!(
                    delimiter_or_line_end(&text, 0),
                    (40, 0, false),
                    "{byte} at {i}"
                );
                assert_eq!(line_end(&text, 0), (40, 40), "{byte} at {i}");
                // `\r\n` at every offset, and within and across words.
                if byte == b'\r' && i + 1 < 40 {
                    text[i] = b'\r';
                    text[i + 1] = b'\n';
                    assert_eq!(line_end(&text, 0), (i, i + 2), "crlf at {i}");
                    assert_eq!(line_end(&text[..i + 1], 0), (i, i + 1), "cr at the end");
                }
            }
        }
        assert_eq!(next_line(b"a\r\nb", 1), 3);
        assert_eq!(next_line(b"a\n\rb", 1), 2);
        assert_eq!(next_line(b"a\rb", 1), 2);
        assert_eq!(next_line(b"a", 1), 1);
        assert_eq!(line_end(b"a\n\rb", 0), (1, 2));
        assert_eq!(line_end(b"abcdefg\n\rb", 0), (7, 8));
        assert_eq!(line_end(b"abcdefg\r\nb", 0), (7, 9));
    }

    #[test]
    fn keys_as_python_strips_them() {
        for (line, key) in [
            ("k=", "k"),
            ("key =", "key"),
            ("key \t \t=", "key"),
            ("key\u{a0} =", "key"),
            ("key \u{3000}=", "key"),
            ("k\x0b=", "k"),
            ("k\x7f =", "k\x7f"),
            ("ké =", "ké"),
        ] {
            assert_eq!(key_before(line, 0, line.len() - 1), key, "{line:?}");
            assert_eq!(py_rstrip(&line[..line.len() - 1]), key);
        }
    }

    #[test]
    fn empty_values_as_python_strips_them() {
        for (value, empty) in [
            ("", true),
            (" \t ", true),
            (" x", false),
            ("\u{a0}\u{3000}", true),
            (" \u{a0}x", false),
            ("\x0b\x0c\x1c", true),
            ("\x01", false),
            ("\x7f", false),
        ] {
            assert_eq!(value_is_empty(value), empty, "{value:?}");
            assert_eq!(py_strip(value).is_empty(), empty, "{value:?}");
        }
    }
}
