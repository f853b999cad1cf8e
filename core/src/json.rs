//! JSON as the AWS CLI writes it and as its answers are read: objects and strings written the way
//! Python's `json.dumps` writes them (the cache keys and files shared with the AWS CLI, the
//! request bodies botocore sends), and strings as serde-json-core hands them over (still
//! escaped) read into owned strings of a fixed capacity. Shared by the caches and the service
//! clients.

use core::fmt;

use serde_json_core::str::{EscapedStr, EscapedStringFragment};

use crate::credentials::TooLong;

/// Why a JSON string could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringError {
    /// An escape that is not JSON's.
    BadEscape,
    /// Longer than the capacity: the field and the limit's name, for the message.
    TooLong(TooLong),
}

/// The text of `s` with its escapes read; `field` and `limit` name it when it is too long.
pub(crate) fn unescape<const N: usize>(
    s: EscapedStr<'_>,
    field: &'static str,
    limit: &'static str,
) -> Result<heapless::String<N>, StringError> {
    let full = StringError::TooLong(TooLong::over::<N>(field, limit));
    let mut out = heapless::String::new();
    for fragment in s.fragments() {
        match fragment.map_err(|_| StringError::BadEscape)? {
            EscapedStringFragment::NotEscaped(text) => out.push_str(text).map_err(|_| full)?,
            EscapedStringFragment::Escaped(c) => out.push(c).map_err(|_| full)?,
        }
    }
    Ok(out)
}

/// Python's `json.dumps` separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separators {
    /// The default, `", "` and `": "` (the assume-role cache keys).
    Python,
    /// `(",", ":")` (botocore's SSO credential cache keys).
    Compact,
}

/// A JSON value in a cache key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyValue<'a> {
    /// A string.
    Str(&'a str),
    /// An integer.
    Int(i64),
}

/// Writes `entries` as one JSON object the way Python's `json.dumps(obj, sort_keys=True)` writes
/// it with `separators`: keys sorted by code point (the entries are sorted in place), strings
/// escaped as with `ensure_ascii`. For cache keys; see
/// [`cache_key`](crate::caches::assume_role::cache_key).
pub fn write_python_json(
    out: &mut impl fmt::Write,
    entries: &mut [(&str, KeyValue<'_>)],
    separators: Separators,
) -> fmt::Result {
    // UTF-8 byte order is code point order.
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let (item, key) = match separators {
        Separators::Python => (", ", ": "),
        Separators::Compact => (",", ":"),
    };
    out.write_char('{')?;
    for (i, (name, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.write_str(item)?;
        }
        write_python_str(out, name)?;
        out.write_str(key)?;
        match value {
            KeyValue::Str(s) => write_python_str(out, s)?,
            KeyValue::Int(n) => write!(out, "{n}")?,
        }
    }
    out.write_char('}')
}

/// Writes each of `members` as `, "name": value`: the members after an object's first one,
/// with Python's default separators, each value written by `write_value` (the escaping the
/// file asks for). The names are written as they are: they are the callers' own constants.
pub(crate) fn write_later_members<'m, W: fmt::Write>(
    out: &mut W,
    members: impl IntoIterator<Item = (&'m str, &'m str)>,
    write_value: fn(&mut W, &str) -> fmt::Result,
) -> fmt::Result {
    for (name, value) in members {
        write!(out, ", \"{name}\": ")?;
        write_value(out, value)?;
    }
    Ok(())
}

/// Writes `s` as a JSON string as Python's `json.dumps` does with `ensure_ascii=True`: `"` and
/// `\` escaped, `\b \f \n \r \t` short, everything else outside ` `..=`~` as `\uXXXX` (lower-case
/// hex), with surrogate pairs above U+FFFF.
pub fn write_python_str(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if (' '..='~').contains(&c) && c != '"' && c != '\\' {
            continue;
        }
        out.write_str(s.get(start..i).unwrap_or_default())?;
        start = i + c.len_utf8();
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            '\u{8}' => out.write_str("\\b")?,
            '\u{c}' => out.write_str("\\f")?,
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(out, "\\u{unit:04x}")?;
                }
            }
        }
    }
    out.write_str(s.get(start..).unwrap_or_default())?;
    out.write_char('"')
}
