//! Paths that are not UTF-8, carried through the core (which reads text).
//!
//! On Unix a path may hold any bytes but NUL, and Python keeps such bytes (surrogateescape), so
//! the AWS CLI reads a file whose name is not UTF-8. The core's paths are `&str`: each byte
//! that is not part of valid UTF-8 (always 0x80 to 0xFF) travels as one character of the last
//! private-use block, U+10FF80 to U+10FFFF, and the std hosts turn those back into the bytes
//! just before a system call ([`decode`]); messages show them as `\xNN`. A
//! path that holds such a character as text is refused (the variable is unreadable), so no path
//! is taken for another.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::string::String;

/// The first of the characters that stand for bytes: U+10FF80 is byte 0x80.
const FIRST: u32 = 0x10_FF80;

/// The byte a character stands for, if it stands for one.
#[must_use]
pub fn byte_of(c: char) -> Option<u8> {
    let c = u32::from(c);
    (c >= FIRST).then(|| u8::try_from(c - FIRST + 0x80).unwrap_or(u8::MAX))
}

/// `path` as text, bytes that are not UTF-8 standing as characters; `None` for a path that
/// cannot be carried (it holds such characters already, or, off Unix, is not UTF-8).
#[must_use]
pub fn encode(path: OsString) -> Option<String> {
    let text = match path.into_string() {
        Ok(text) => text,
        #[cfg(unix)]
        Err(path) => {
            use std::os::unix::ffi::OsStrExt;
            let mut text = String::new();
            for chunk in path.as_bytes().utf8_chunks() {
                if chunk.valid().chars().any(|c| byte_of(c).is_some()) {
                    return None;
                }
                text.push_str(chunk.valid());
                for &b in chunk.invalid() {
                    text.push(char::from_u32(FIRST + u32::from(b) - 0x80)?);
                }
            }
            return Some(text);
        }
        #[cfg(not(unix))]
        Err(_) => return None,
    };
    (!text.chars().any(|c| byte_of(c).is_some())).then_some(text)
}

/// The path the system is given for `path`: its bytes back where [`encode`] stood them as
/// characters.
#[must_use]
pub fn decode(path: &str) -> Cow<'_, OsStr> {
    if !path.chars().any(|c| byte_of(c).is_some()) {
        return Cow::Borrowed(OsStr::new(path));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let mut bytes = std::vec::Vec::with_capacity(path.len());
        for c in path.chars() {
            match byte_of(c) {
                Some(b) => bytes.push(b),
                None => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            }
        }
        Cow::Owned(OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    Cow::Borrowed(OsStr::new(path))
}
