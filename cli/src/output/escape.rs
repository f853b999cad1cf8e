//! Terminal control characters escaped on their way out (the probe's F17).
//!
//! Messages carry text from outside: a `credential_process` helper's stderr, a service's error
//! message, profile names and values from the files. A control character in them could retitle,
//! clear or recolour the terminal, or hide what is written before it. [`Escaping`] writes them
//! visibly instead: the C0 controls other than tab and newline, and DEL, as `\xNN` (ESC is
//! `\x1b`, CR `\x0d`), the C1 controls U+0080 to U+009F as `\u{NN}`. Everything else, every
//! other character and any byte that is not UTF-8, passes as it is. The main function writes
//! stderr through it always, and stdout when stdout is a terminal (a pipe or a file receives
//! values exactly, as scripts need them).

use std::io::{self, Write};

/// A writer that escapes terminal control characters (see the module documentation).
pub struct Escaping<W: Write> {
    inner: W,
    /// The first byte of a two-byte UTF-8 sequence (0xc2) ending the last write, which a C1
    /// control would continue.
    pending: bool,
}

impl<W: Write> Escaping<W> {
    /// Escapes what is written to `inner`.
    pub fn new(inner: W) -> Self {
        Escaping {
            inner,
            pending: false,
        }
    }

    /// The bytes of `buf` written, escaped.
    fn escape(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut start = 0;
        let mut i = 0;
        if self.pending {
            self.pending = false;
            match buf.first() {
                Some(&b @ 0x80..=0x9f) => {
                    write!(self.inner, "\\u{{{b:x}}}")?;
                    start = 1;
                    i = 1;
                }
                _ => self.inner.write_all(&[0xc2])?,
            }
        }
        while i < buf.len() {
            let b = buf[i];
            let escaped = match b {
                b'\t' | b'\n' => None,
                0x00..=0x1f | 0x7f => Some((1, u32::from(b), false)),
                0xc2 => match buf.get(i + 1) {
                    Some(&c @ 0x80..=0x9f) => Some((2, u32::from(c), true)),
                    Some(_) => None,
                    None => {
                        // Decided by the next write (or by flush).
                        self.inner.write_all(&buf[start..i])?;
                        self.pending = true;
                        return Ok(());
                    }
                },
                _ => None,
            };
            match escaped {
                None => i += 1,
                Some((len, code, c1)) => {
                    self.inner.write_all(&buf[start..i])?;
                    if c1 {
                        write!(self.inner, "\\u{{{code:x}}}")?;
                    } else {
                        write!(self.inner, "\\x{code:02x}")?;
                    }
                    i += len;
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
        if self.pending {
            self.pending = false;
            self.inner.write_all(&[0xc2])?;
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
}
