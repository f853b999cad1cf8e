//! The choice list of `configure sso` (its accounts and roles), decided without I/O: which
//! keys move the cursor, which rows are shown, and the text that draws them. The machine
//! ([`crate::machine::Machine::choose_on_terminal`]) reads the keys and writes the text.
//!
//! As the AWS CLI's menu: at most [`MENU_ROWS`] rows at a time, the cursor's row marked, the
//! list scrolled to keep the cursor in view, and erased once a row is chosen.

/// The most rows shown at once (the AWS CLI's `max_height`).
pub const MENU_ROWS: usize = 10;

/// A key the menu acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Up arrow (or `k`).
    Up,
    /// Down arrow (or `j`).
    Down,
    /// Enter: choose the cursor's row.
    Enter,
    /// Ctrl-C: give up (exit 130).
    Interrupt,
    /// Anything else: ignored.
    Other,
}

/// Reads one key from the start of `bytes` (what one read of a raw terminal gave): the key
/// and how many bytes it took. Arrow keys are `ESC [ A` / `ESC O A` (up) and `B` (down).
#[must_use]
pub fn read_key(bytes: &[u8]) -> (Key, usize) {
    match bytes {
        [] => (Key::Other, 0),
        [0x1b, b'[' | b'O', b'A', ..] => (Key::Up, 3),
        [0x1b, b'[' | b'O', b'B', ..] => (Key::Down, 3),
        [0x1b, b'[' | b'O', _, ..] => (Key::Other, 3),
        [b'\r' | b'\n', ..] => (Key::Enter, 1),
        [0x03, ..] => (Key::Interrupt, 1),
        [b'k', ..] => (Key::Up, 1),
        [b'j', ..] => (Key::Down, 1),
        _ => (Key::Other, 1),
    }
}

/// Where the cursor is and which rows are in view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Menu {
    len: usize,
    cursor: usize,
    top: usize,
}

impl Menu {
    /// A menu of `len` rows, the cursor on the first.
    #[must_use]
    pub fn new(len: usize) -> Self {
        Menu {
            len,
            cursor: 0,
            top: 0,
        }
    }

    /// The cursor's row.
    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Moves the cursor (it stops at either end) and scrolls to keep it in view.
    pub fn key(&mut self, key: Key) {
        match key {
            Key::Up => self.cursor = self.cursor.saturating_sub(1),
            Key::Down if self.cursor + 1 < self.len => self.cursor += 1,
            _ => {}
        }
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + MENU_ROWS {
            self.top = self.cursor + 1 - MENU_ROWS;
        }
    }

    /// How many rows are drawn.
    #[must_use]
    pub fn shown(&self) -> usize {
        self.len.min(MENU_ROWS)
    }

    /// The text that draws the rows in view, one a line (each ended by `\r\n`, the cursor's
    /// marked `> `); `labels` are the menu's rows.
    #[must_use]
    pub fn render(&self, labels: &[String]) -> String {
        let mut out = String::new();
        for (i, label) in labels.iter().enumerate().skip(self.top).take(MENU_ROWS) {
            out.push_str(if i == self.cursor { "> " } else { "  " });
            out.push_str(label);
            // Clear what a longer row left there, then the line end of a raw terminal.
            out.push_str("\x1b[K\r\n");
        }
        out
    }

    /// The text that moves back up over the drawn rows and clears them (before a redraw, and
    /// once a row is chosen).
    #[must_use]
    pub fn erase(&self) -> String {
        match self.shown() {
            0 => String::new(),
            n => format!("\x1b[{n}A\r\x1b[J"),
        }
    }
}

/// The prompt of the numbered list used without a terminal: each row `N. label`, then
/// `Choose a number (1-N): `.
#[must_use]
pub fn numbered(labels: &[String]) -> String {
    let mut out = String::new();
    for (i, label) in labels.iter().enumerate() {
        out.push_str(&format!("{}. {label}\n", i + 1));
    }
    out.push_str(&format!("Choose a number (1-{}): ", labels.len()));
    out
}

/// The row an answer to [`numbered`] names, `None` when it is not a number from 1 to `len`.
#[must_use]
pub fn parse_choice(answer: &str, len: usize) -> Option<usize> {
    let n: usize = answer.trim().parse().ok()?;
    (1..=len).contains(&n).then(|| n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_raw_bytes() {
        assert_eq!(read_key(b"\x1b[A"), (Key::Up, 3));
        assert_eq!(read_key(b"\x1bOB\x1b[A"), (Key::Down, 3));
        assert_eq!(read_key(b"\r"), (Key::Enter, 1));
        assert_eq!(read_key(b"\n"), (Key::Enter, 1));
        assert_eq!(read_key(b"\x03"), (Key::Interrupt, 1));
        assert_eq!(read_key(b"\x1b[C"), (Key::Other, 3));
        assert_eq!(read_key(b"x"), (Key::Other, 1));
    }

    #[test]
    fn the_cursor_stops_at_the_ends_and_the_view_follows_it() {
        let labels: Vec<String> = (0..25).map(|i| format!("row {i}")).collect();
        let mut menu = Menu::new(labels.len());
        menu.key(Key::Up);
        assert_eq!(menu.cursor(), 0);
        for _ in 0..12 {
            menu.key(Key::Down);
        }
        assert_eq!(menu.cursor(), 12);
        let drawn = menu.render(&labels);
        assert_eq!(drawn.lines().count(), MENU_ROWS);
        assert!(drawn.starts_with("  row 3\x1b[K"), "{drawn:?}");
        assert!(drawn.contains("> row 12\x1b[K"));
        for _ in 0..30 {
            menu.key(Key::Down);
        }
        assert_eq!(menu.cursor(), 24);
        for _ in 0..20 {
            menu.key(Key::Up);
        }
        assert!(menu.render(&labels).starts_with("> row 4"));
        assert_eq!(menu.erase(), "\x1b[10A\r\x1b[J");
        assert_eq!(Menu::new(3).erase(), "\x1b[3A\r\x1b[J");
    }

    #[test]
    fn numbered_choices() {
        let labels = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(numbered(&labels), "1. a\n2. b\nChoose a number (1-2): ");
        assert_eq!(parse_choice(" 2 ", 2), Some(1));
        assert_eq!(parse_choice("0", 2), None);
        assert_eq!(parse_choice("3", 2), None);
        assert_eq!(parse_choice("x", 2), None);
    }
}
