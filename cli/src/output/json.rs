//! JSON written as Python's `json.dumps(value, indent=2, separators=(',', ': '))` writes it,
//! which is how the AWS CLI prints `export-credentials --format process`: keys in the order
//! given, two spaces per level, non-ASCII and control characters escaped as `\uXXXX`.

use std::fmt::Write;

/// A JSON value whose objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in order.
    Object(Vec<(&'static str, Json)>),
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::Str(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::Str(s)
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(value: Option<T>) -> Self {
        value.map_or(Json::Null, Into::into)
    }
}

/// How Python's `json.dumps` is called.
#[derive(Debug, Clone, Copy)]
struct Layout {
    /// One level's indent.
    indent: &'static str,
    /// `ensure_ascii`: every character outside ' '..='~' escaped, not only the controls.
    ensure_ascii: bool,
}

impl Json {
    /// The value as Python's `json.dumps(indent=2)` writes it, without a trailing newline.
    #[must_use]
    pub fn pretty(&self) -> String {
        self.laid_out(Layout {
            indent: "  ",
            ensure_ascii: true,
        })
    }

    /// The value as the AWS CLI's `json` output writes a response (`json.dumps(indent=4,
    /// ensure_ascii=False)`), without a trailing newline.
    #[must_use]
    pub fn aws_output(&self) -> String {
        self.laid_out(Layout {
            indent: "    ",
            ensure_ascii: false,
        })
    }

    fn laid_out(&self, layout: Layout) -> String {
        let mut out = String::new();
        self.write(&mut out, 0, layout);
        out
    }

    fn write(&self, out: &mut String, depth: usize, layout: Layout) {
        let indent = |out: &mut String, depth: usize| {
            out.push('\n');
            out.extend(std::iter::repeat_n(layout.indent, depth));
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Json::Str(s) => write_string(out, s, layout.ensure_ascii),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, depth + 1);
                    item.write(out, depth + 1, layout);
                }
                indent(out, depth);
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, depth + 1);
                    write_string(out, key, layout.ensure_ascii);
                    out.push_str(": ");
                    value.write(out, depth + 1, layout);
                }
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

/// A JSON string as Python writes it: `"` and `\` escaped, `\n`, `\r`, `\t`, `\b`, `\f` by
/// name, and as `\uXXXX` (UTF-16) the other controls below U+0020 and, with `ensure_ascii`,
/// every other character outside ' '..='~'.
fn write_string(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ if !ensure_ascii && c >= ' ' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_like_python() {
        let value = Json::Object(vec![
            ("Version", Json::Int(1)),
            ("Key", "a\"b\\c\nd\u{7f}é😀".into()),
            ("List", Json::Array(vec![Json::Bool(true), Json::Null])),
            ("Empty", Json::Array(vec![])),
            ("Nested", Json::Object(vec![("x", Json::Int(-2))])),
        ]);
        // json.dumps(value, indent=2, separators=(',', ': ')) in Python 3.
        assert_eq!(
            value.pretty(),
            "{\n  \"Version\": 1,\n  \"Key\": \"a\\\"b\\\\c\\nd\\u007f\\u00e9\\ud83d\\ude00\",\n  \
             \"List\": [\n    true,\n    null\n  ],\n  \"Empty\": [],\n  \"Nested\": {\n    \
             \"x\": -2\n  }\n}"
        );
    }
}
