//! Terminal control characters escaped on their way out (the probe's F17).
//!
//! Messages carry text from outside: a `credential_process` helper's stderr, a service's error
//! message, profile names and values from the files. A control character in them could retitle,
//! clear or recolour the terminal, or hide what is written before it. [`Escaping`] writes them
//! visibly instead: the C0 controls other than tab and newline, and DEL, as `\xNN` (ESC is
//! `\x1b`, CR `\x0d`), the C1 controls U+0080 to U+009F as `\u{NN}`, and the characters that
//! stand for a path's bytes that are not UTF-8 (`credchain_core::host::os_path`) as those bytes'
//! `\xNN`. Everything else, every other character and any byte that is not UTF-8, passes as it
//! is; on a terminal with colour on, so do the few style sequences credchain writes itself
//! ([`super::style`]). `CommandLine::run` writes stderr through it always, and stdout when the machine says
//! stdout is a terminal (a pipe or a file receives values exactly, as scripts need them).

use std::io::{self, Write};

use credchain_core::host::os_path;

use super::style::{Style, STYLE_SEQUENCES};

/// A writer that escapes terminal control characters (see the module documentation).
pub struct Escaping<W: Write> {
    inner: W,
    /// Colour is on: the sequences of [`STYLE_SEQUENCES`] pass as they are.
    styled: bool,
    /// The start of a sequence that the next write may complete (a C1 control's 0xc2, or up to
    /// three bytes of a path byte's character), held back until it is decided.
    pending: Vec<u8>,
}

/// What the bytes at some position are, for [`Escaping`].
enum Seen {
    /// An ordinary byte, written as it is.
    Plain,
    /// `len` bytes written as `\xNN` (a C0 control, DEL, or a byte of a path that is not
    /// UTF-8, which the host carries as a character: see `credchain_core::host::os_path`).
    Byte { len: usize, byte: u8 },
    /// A C1 control (two bytes), written as `\u{NN}`.
    C1(u8),
    /// One of [`STYLE_SEQUENCES`] (`len` bytes), written as it is when colour is on.
    Style { len: usize },
    /// The buffer ends inside a sequence that may be one of the above.
    Undecided,
}

/// What starts at `buf[0]` (not empty); `styled` when colour is on.
fn seen(buf: &[u8], styled: bool) -> Seen {
    match buf[0] {
        0x1b if styled => {
            for sequence in STYLE_SEQUENCES.map(str::as_bytes) {
                if buf.starts_with(sequence) {
                    return Seen::Style {
                        len: sequence.len(),
                    };
                }
                if sequence.starts_with(buf) {
                    return Seen::Undecided;
                }
            }
            Seen::Byte { len: 1, byte: 0x1b }
        }
        b'\t' | b'\n' => Seen::Plain,
        b @ (0x00..=0x1f | 0x7f) => Seen::Byte { len: 1, byte: b },
        0xc2 => match buf.get(1) {
            Some(&c @ 0x80..=0x9f) => Seen::C1(c),
            Some(_) => Seen::Plain,
            None => Seen::Undecided,
        },
        // The characters that stand for bytes are all four bytes long and start with 0xf4.
        0xf4 if buf.len() < 4 => Seen::Undecided,
        0xf4 => match std::str::from_utf8(&buf[..4])
            .ok()
            .and_then(|c| c.chars().next())
        {
            Some(c) => os_path::byte_of(c).map_or(Seen::Plain, |byte| Seen::Byte { len: 4, byte }),
            None => Seen::Plain,
        },
        _ => Seen::Plain,
    }
}

impl<W: Write> Escaping<W> {
    /// Escapes what is written to `inner`.
    pub fn new(inner: W) -> Self {
        Escaping {
            inner,
            styled: false,
            pending: Vec::new(),
        }
    }

    /// Escapes what is written to `inner`, but for the style sequences credchain writes when
    /// `style` has colour on.
    pub fn with_style(inner: W, style: Style) -> Self {
        Escaping {
            styled: style.colour,
            ..Escaping::new(inner)
        }
    }

    /// The bytes of `buf` written, escaped.
    fn escape(&mut self, buf: &[u8]) -> io::Result<()> {
        if !self.pending.is_empty() {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            return self.escape_all(&joined);
        }
        self.escape_all(buf)
    }

    fn escape_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut start = 0;
        let mut i = 0;
        while i < buf.len() {
            match seen(&buf[i..], self.styled) {
                Seen::Plain => i += 1,
                Seen::Style { len } => i += len,
                Seen::Undecided => {
                    // Decided by the next write (or by flush).
                    self.inner.write_all(&buf[start..i])?;
                    self.pending.extend_from_slice(&buf[i..]);
                    return Ok(());
                }
                Seen::Byte { len, byte } => {
                    self.inner.write_all(&buf[start..i])?;
                    write!(self.inner, "\\x{byte:02x}")?;
                    i += len;
                    start = i;
                }
                Seen::C1(code) => {
                    self.inner.write_all(&buf[start..i])?;
                    write!(self.inner, "\\u{{{code:x}}}")?;
                    i += 2;
                    start = i;
                }
            }
        }
        self.inner.write_all(&buf[start..])
    }
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.escape(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // An unfinished sequence is no control: it passes as it is, but for the escape of an
        // unfinished style, which is still an escape.
        let pending = std::mem::take(&mut self.pending);
        match pending.split_first() {
            Some((0x1b, rest)) => {
                self.inner.write_all(b"\\x1b")?;
                self.inner.write_all(rest)?;
            }
            _ => self.inner.write_all(&pending)?,
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(pieces: &[&[u8]]) -> String {
        let mut out = Escaping::new(Vec::new());
        for piece in pieces {
            out.write_all(piece).unwrap();
        }
        out.flush().unwrap();
        String::from_utf8(out.inner).unwrap()
    }

    #[test]
    fn controls_are_written_visibly_and_text_is_not_changed() {
        assert_eq!(
            escaped(&[b"\x1b]0;PWNED-TITLE\x07\x1b[2J after\r\n"]),
            "\\x1b]0;PWNED-TITLE\\x07\\x1b[2J after\\x0d\n"
        );
        assert_eq!(escaped(&[b"a\tb\x7fc\0"]), "a\tb\\x7fc\\x00");
        assert_eq!(
            escaped(&["\u{9b}31m \u{85} é ü ¢ 日本".as_bytes()]),
            "\\u{9b}31m \\u{85} é ü ¢ 日本"
        );
    }

    #[test]
    fn the_bytes_of_a_path_that_is_not_utf8_are_shown_as_bytes() {
        let raw: std::ffi::OsString =
            std::os::unix::ffi::OsStringExt::from_vec(b"/tmp/cfg\xffdir/\x80x".to_vec());
        let path = credchain_core::host::os_path::encode(raw).unwrap();
        assert_eq!(escaped(&[path.as_bytes()]), "/tmp/cfg\\xffdir/\\x80x");
        // Split anywhere across writes, the same.
        let bytes = path.as_bytes();
        for at in 0..bytes.len() {
            assert_eq!(
                escaped(&[&bytes[..at], &bytes[at..]]),
                "/tmp/cfg\\xffdir/\\x80x"
            );
        }
        // Other characters of the plane pass; a sequence cut short passes as it is.
        assert_eq!(
            escaped(&["\u{10ff7f}\u{10000}".as_bytes()]),
            "\u{10ff7f}\u{10000}"
        );
        let mut out = Escaping::new(Vec::new());
        out.write_all(b"a\xf4\x8f").unwrap();
        out.flush().unwrap();
        assert_eq!(out.inner, b"a\xf4\x8f");
    }

    #[test]
    fn a_c1_control_split_across_writes_is_escaped() {
        let csi = "x\u{9b}y".as_bytes();
        assert_eq!(escaped(&[&csi[..2], &csi[2..]]), "x\\u{9b}y");
        let cent = "x¢".as_bytes();
        assert_eq!(escaped(&[&cent[..2], &cent[2..]]), "x¢");
        // A lone 0xc2 (not UTF-8) passes as it is, before the next write's escape.
        let mut out = Escaping::new(Vec::new());
        out.write_all(&cent[..2]).unwrap();
        out.write_all(b"\x1b").unwrap();
        out.flush().unwrap();
        assert_eq!(out.inner, b"x\xc2\\x1b");
        let mut out = Escaping::new(Vec::new());
        out.write_all(&cent[..2]).unwrap();
        out.flush().unwrap();
        assert_eq!(out.inner, b"x\xc2");
    }

    #[test]
    fn with_colour_on_only_credchain_s_own_styles_pass() {
        let styled = |pieces: &[&[u8]]| {
            let mut out = Escaping::with_style(Vec::new(), Style { colour: true });
            for piece in pieces {
                out.write_all(piece).unwrap();
            }
            out.flush().unwrap();
            String::from_utf8(out.inner).unwrap()
        };
        assert_eq!(styled(&[b"\x1b[32mchosen\x1b[0m"]), "\x1b[32mchosen\x1b[0m");
        // Split across writes, a style is still one.
        assert_eq!(styled(&[b"a\x1b[3", b"3mb"]), "a\x1b[33mb");
        // Any other sequence is escaped as without colour.
        assert_eq!(styled(&[b"\x1b[31mred\x1b[2J"]), "\\x1b[31mred\\x1b[2J");
        assert_eq!(styled(&[b"\x1b]0;t\x07"]), "\\x1b]0;t\\x07");
        // An unfinished style at the end is escaped.
        assert_eq!(styled(&[b"x\x1b[3"]), "x\\x1b[3");
        // Without colour, the styles are escaped too.
        assert_eq!(escaped(&[b"\x1b[32m"]), "\\x1b[32m");
    }
}
