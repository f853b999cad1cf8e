//! Lines of a profile file, split by ini_core.
//!
//! ini_core's tokenizer splits lines exactly where Python's universal newlines do (`\n`, `\r\n`
//! and a lone `\r`), with a vectorised newline search, and its `Comment` and `Blank` items are
//! taken as they are. It cannot express the rest of the AWS profile grammar: indentation
//! (continuation lines, indented comments), `#` comments beside `;`, the `:` delimiter, text
//! after a section's `]`. For every other line the dialect reads the raw line itself.
//!
//! These lines feed every path but one: property lookups and value lines in both dialects, the
//! SDK dialect's validation pass, and the AWS CLI dialect's reference pass. The exception is the
//! AWS CLI dialect's validation pass over the whole file, the hot loop of every resolution: it
//! scans the bytes itself (see the `scan` module), because one ini_core item returned per line
//! cost about a third of the parse (docs/ARCHITECTURE.md, "Performance notes", has the figures).

use ini_core::{Item, Parser};

/// One physical line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// The line without its line ending.
    pub raw: &'a str,
    /// The byte offset of the line's first byte in the file.
    pub start: usize,
    /// The byte offset just past the line ending.
    pub end: usize,
    /// The 1-based line number.
    pub number: u32,
    /// ini_core's own reading: `Some(true)` for a `;` comment, `Some(false)` for an empty
    /// line, `None` when the dialect must read the raw line.
    pub trivial: Option<bool>,
    /// ini_core's reading of a line that starts at column 0 with a printable character, where it
    /// agrees with configparser's: a `[section]` that ends the line, or `key = value` whose key
    /// has no `:`. The AWS CLI reader takes these without re-reading the line.
    pub hint: Hint<'a>,
}

/// See [`Line::hint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint<'a> {
    /// No fast reading; read the raw line.
    None,
    /// `[name]` with nothing after the `]` (name not empty).
    Section(&'a str),
    /// `key=value` at column 0; both as ini_core split them (untrimmed).
    Property(&'a str, &'a str),
}

/// An iterator over the lines of a text (or of a part of it, with `base` its offset).
pub(crate) struct Lines<'a> {
    parser: Parser<'a>,
    text: &'a str,
    base: usize,
    number: u32,
}

impl<'a> Lines<'a> {
    /// The lines of `text`, which starts at byte `base` and line `first_line` of its file.
    pub fn new(text: &'a str, base: usize, first_line: u32) -> Self {
        Lines {
            parser: Parser::new(text),
            text,
            base,
            number: first_line.saturating_sub(1),
        }
    }
}

impl<'a> Lines<'a> {
    /// The next ini_core item with the byte range it covers, skipping `SectionEnd` pseudo
    /// items (which cover nothing).
    fn next_item(&mut self) -> Option<(Item<'a>, usize, usize)> {
        loop {
            let start = self.text.len() - self.parser.remainder().len();
            let item = self.parser.next()?;
            let end = self.text.len() - self.parser.remainder().len();
            if end != start {
                self.number = self.number.saturating_add(1);
                return Some((item, start, end));
            }
        }
    }

    /// The [`Line`] of an item returned by [`Lines::next_item`].
    fn line(&self, item: Item<'a>, start: usize, end: usize) -> Line<'a> {
        // The line ending is "\r\n", "\n" or a lone "\r" (or nothing at the end).
        let bytes = self.text.as_bytes();
        let mut raw_end = end;
        if raw_end > start && bytes[raw_end - 1] == b'\n' {
            raw_end -= 1;
        }
        if raw_end > start && bytes[raw_end - 1] == b'\r' {
            raw_end -= 1;
        }
        let raw = &self.text[start..raw_end];
        let (trivial, hint) = match item {
            Item::Comment(_) => (Some(true), Hint::None),
            Item::Blank => (Some(false), Hint::None),
            Item::Section(name) if !name.is_empty() => (None, Hint::Section(name)),
            Item::Property(key, Some(value)) if is_plain_key(key) => {
                (None, Hint::Property(key, value))
            }
            _ => (None, Hint::None),
        };
        Line {
            raw,
            start: self.base + start,
            end: self.base + end,
            number: self.number,
            trivial,
            hint,
        }
    }
}

/// A key ini_core split at its first `=` that configparser splits at the same place: it starts
/// with a printable character that is not `#`, and holds no `:`.
pub(crate) fn is_plain_key(key: &str) -> bool {
    key.as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_graphic() && b != b'#')
        && !key.bytes().any(|b| b == b':')
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let (item, start, end) = self.next_item()?;
        Some(self.line(item, start, end))
    }
}

/// A deterministic source of numbers below each `n` asked for (a 64-bit LCG from `seed`), for
/// the tests that generate files.
#[cfg(test)]
pub(crate) fn numbers_below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    }
}

/// Every line of `text` as a fresh reader `R` reads it with `read` (the readers' tests).
#[cfg(test)]
pub(crate) fn read_all<'a, R: Default, T>(
    text: &'a str,
    read: fn(&mut R, &Line<'a>) -> T,
) -> heapless::Vec<T, 16> {
    let mut reader = R::default();
    Lines::new(text, 0, 1)
        .map(|l| read(&mut reader, &l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_universal_newlines() {
        let lines: heapless::Vec<(&str, u32), 8> = Lines::new("a\r\nb\rc\n\n;x\n[s]", 0, 1)
            .map(|l| (l.raw, l.number))
            .collect();
        assert_eq!(
            &lines[..],
            &[("a", 1), ("b", 2), ("c", 3), ("", 4), (";x", 5), ("[s]", 6)]
        );
        let l: heapless::Vec<Line, 4> = Lines::new("x\n y", 10, 5).collect();
        assert_eq!((l[1].start, l[1].end, l[1].number), (12, 14, 6));
    }
}
