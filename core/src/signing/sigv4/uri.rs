//! URI encoding and the canonical path.

use core::fmt::{self, Write};

use super::SigningOptions;

pub(super) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// The bytes of `s` URI-encoded (RFC 3986 unreserved kept, upper-case hex), for comparing.
pub(super) fn encoded(s: &str) -> impl Iterator<Item = u8> + '_ {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    s.bytes().flat_map(|b| {
        let (bytes, len) = if is_unreserved(b) {
            ([b, 0, 0], 1)
        } else {
            (
                [
                    b'%',
                    DIGITS[usize::from(b >> 4)],
                    DIGITS[usize::from(b & 15)],
                ],
                3,
            )
        };
        bytes.into_iter().take(len)
    })
}

/// `s` URI-encoded as SigV4 wants query names and values: every byte but the RFC 3986
/// unreserved set (`A-Z a-z 0-9 - . _ ~`) as `%XX` with upper-case hex (so `/` is `%2F`, a space
/// `%20`). Write query strings with it so that what is sent is what was signed.
#[must_use]
pub fn uri_encode(s: &str) -> UriEncoded<'_> {
    UriEncoded {
        text: s,
        slash: false,
    }
}

/// [`uri_encode`]'s value: Display writes the encoding.
#[derive(Debug, Clone, Copy)]
pub struct UriEncoded<'a> {
    text: &'a str,
    /// Keep `/` (paths).
    slash: bool,
}

impl fmt::Display for UriEncoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        encode_into(f, self.text, self.slash)
    }
}

pub(super) fn encode_into(w: &mut (impl Write + ?Sized), s: &str, keep_slash: bool) -> fmt::Result {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    // `start..i` is a run of bytes kept as they are: unreserved ASCII only, so a non-empty run
    // begins and ends on char boundaries (every byte of a multi-byte char is escaped).
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        if start < i {
            w.write_str(&s[start..i])?;
        }
        let escaped = [
            '%',
            char::from(DIGITS[usize::from(b >> 4)]),
            char::from(DIGITS[usize::from(b & 15)]),
        ];
        for c in escaped {
            w.write_char(c)?;
        }
        start = i + 1;
    }
    if start < bytes.len() {
        w.write_str(&s[start..])?;
    }
    Ok(())
}

/// A `fmt::Write` that URI-encodes what goes through it (query values made of parts).
pub(super) struct Encoder<'w, W: ?Sized>(pub(super) &'w mut W);

impl<W: Write + ?Sized> Write for Encoder<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        encode_into(self.0, s, false)
    }
}

/// The canonical path: normalised and encoded again as the options say; `/` when empty.
pub(super) fn write_path<W: Write + ?Sized>(
    w: &mut W,
    path: &str,
    options: &SigningOptions,
) -> fmt::Result {
    let put = |w: &mut W, s: &str| {
        if options.double_encode_path {
            encode_into(w, s, true)
        } else {
            w.write_str(s)
        }
    };
    if path.is_empty() {
        return w.write_char('/');
    }
    if !options.normalize_path {
        return put(w, path);
    }
    // RFC 3986 remove_dot_segments, also dropping empty segments, as botocore and aws-c-auth do:
    // "/" + the kept segments joined by "/" + "/" when the path ends with one and any is kept.
    w.write_char('/')?;
    let mut any = false;
    for (i, segment) in path.split('/').enumerate() {
        if !kept(path, i, segment) {
            continue;
        }
        if any {
            w.write_char('/')?;
        }
        put(w, segment)?;
        any = true;
    }
    if any && path.ends_with('/') {
        w.write_char('/')?;
    }
    Ok(())
}

/// Whether the `i`th segment of `path` survives normalisation: a name that no later `..` takes
/// away. The stack of kept names below it is never popped past it before it goes, so counting
/// the names and `..` after it is enough.
pub(super) fn kept(path: &str, i: usize, segment: &str) -> bool {
    if matches!(segment, "" | "." | "..") {
        return false;
    }
    let mut depth = 0usize;
    for later in path.split('/').skip(i + 1) {
        match later {
            "" | "." => {}
            ".." if depth == 0 => return false,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    true
}
