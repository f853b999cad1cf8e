//! Colour for people at a terminal: the few styles credchain writes, and when it writes them.
//!
//! Colour follows clap's own rule for standard output (the machine's `colours`: a terminal,
//! `NO_COLOR` unset or empty (<https://no-color.org>), `TERM` not `dumb`, or `CLICOLOR_FORCE`);
//! a pipe or a file does not receive it otherwise. The styles are plain SGR sequences, and [`STYLE_SEQUENCES`] is the whole set: the terminal's
//! [`Escaping`](super::escape::Escaping) writer lets exactly these through when colour is on,
//! and escapes every other control as before.

use std::fmt;

/// Every sequence a [`Paint`] writes: what a styled `Escaping` passes through as it is.
pub const STYLE_SEQUENCES: [&str; 4] = [RESET, GREEN, YELLOW, DIM];

const RESET: &str = "\x1b[0m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";

/// Whether colour is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Colour on: standard output is a terminal that wants it.
    pub colour: bool,
}

impl Style {
    /// `text` in `paint` when colour is on, else as it is.
    #[must_use]
    pub fn paint<T: fmt::Display>(self, paint: Paint, text: T) -> Painted<T> {
        Painted {
            text,
            start: if self.colour { paint.sequence() } else { "" },
        }
    }
}

/// What a piece of text is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// What was chosen (green).
    Chosen,
    /// What was passed over, with a reason (yellow).
    Skipped,
    /// What was not reached (dim).
    Quiet,
}

impl Paint {
    fn sequence(self) -> &'static str {
        match self {
            Paint::Chosen => GREEN,
            Paint::Skipped => YELLOW,
            Paint::Quiet => DIM,
        }
    }
}

/// Text with its style, written by Display.
#[derive(Debug)]
pub struct Painted<T> {
    text: T,
    start: &'static str,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start.is_empty() {
            return self.text.fmt(f);
        }
        write!(f, "{}{}{RESET}", self.start, self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn painted_text() {
        let on = Style { colour: true };
        assert_eq!(
            on.paint(Paint::Chosen, "chosen").to_string(),
            "\x1b[32mchosen\x1b[0m"
        );
        let off = Style::default();
        assert_eq!(off.paint(Paint::Skipped, "x").to_string(), "x");
    }
}
