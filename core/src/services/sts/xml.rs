//! A strict, allocation-free reader of the little XML STS sends, and what it finds wrong.

use core::fmt;

use super::MAX_XML_DEPTH;
use crate::credentials::TooLong;

/// What is wrong with an STS response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlProblem {
    /// It ends inside a tag or an element.
    Truncated,
    /// It is not UTF-8.
    NotUtf8,
    /// It has a DOCTYPE, CDATA section or other markup STS never sends.
    UnsupportedMarkup,
    /// A tag, name or attribute is malformed.
    Syntax,
    /// A closing tag does not match the element it closes.
    MismatchedTag,
    /// Text or a second element outside the root element.
    OutsideRoot,
    /// Elements nest deeper than [`MAX_XML_DEPTH`].
    TooDeep,
    /// An unknown or malformed entity or character reference.
    BadReference,
    /// A field appears twice (or its text is split by markup).
    Duplicate,
    /// The root element is neither the operation's response nor `ErrorResponse`.
    UnexpectedRoot,
    /// A field the answer must have is missing.
    Missing(&'static str),
    /// `Expiration` is not an ISO 8601 time.
    BadExpiration,
    /// A field is longer than credchain keeps.
    FieldTooLong(TooLong),
}

impl fmt::Display for XmlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlProblem::Truncated => f.write_str("it ends inside an element: truncated"),
            XmlProblem::NotUtf8 => f.write_str("it is not UTF-8"),
            XmlProblem::UnsupportedMarkup => {
                f.write_str("it has a DOCTYPE, CDATA or other markup STS never sends")
            }
            XmlProblem::Syntax => f.write_str("a tag is malformed"),
            XmlProblem::MismatchedTag => f.write_str("a closing tag does not match its element"),
            XmlProblem::OutsideRoot => f.write_str("it has content outside the root element"),
            XmlProblem::TooDeep => write!(
                f,
                "elements nest deeper than MAX_XML_DEPTH ({MAX_XML_DEPTH})"
            ),
            XmlProblem::BadReference => f.write_str("it has an unknown or malformed `&` reference"),
            XmlProblem::Duplicate => f.write_str("a field appears twice"),
            XmlProblem::UnexpectedRoot => f.write_str("its root element is not an STS response"),
            XmlProblem::Missing(field) => write!(f, "{field} is missing"),
            XmlProblem::BadExpiration => f.write_str("Expiration is not an ISO 8601 time"),
            XmlProblem::FieldTooLong(t) => t.fmt(f),
        }
    }
}

pub(super) fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Copies XML text into a string, replacing the five predefined entities and character
/// references. Overflow is [`XmlProblem::FieldTooLong`] naming `field` and `limit`.
pub(super) fn unescape<const N: usize>(
    raw: &str,
    field: &'static str,
    limit: &'static str,
) -> Result<heapless::String<N>, XmlProblem> {
    let full = XmlProblem::FieldTooLong(TooLong::over::<N>(field, limit));
    let mut out = heapless::String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]).map_err(|_| full)?;
        let tail = &rest[amp + 1..];
        let semi = tail
            .find(';')
            .filter(|&i| i <= 10)
            .ok_or(XmlProblem::BadReference)?;
        let name = &tail[..semi];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    None
                };
                number
                    .filter(|&n| n != 0)
                    .and_then(char::from_u32)
                    .ok_or(XmlProblem::BadReference)?
            }
        };
        out.push(c).map_err(|_| full)?;
        rest = &tail[semi + 1..];
    }
    out.push_str(rest).map_err(|_| full)?;
    Ok(out)
}

enum Event<'x> {
    Start(&'x str),
    End(&'x str),
    Text(&'x str),
}

struct Scanner<'x> {
    text: &'x str,
    pos: usize,
    /// The end of an empty-element tag (`<a/>`), reported next.
    pending_end: Option<&'x str>,
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.')
}

fn check_name(name: &str) -> Result<(), XmlProblem> {
    let b = name.as_bytes();
    match b.first() {
        Some(&first) if is_name_start(first) && b.iter().all(|c| is_name_char(*c)) => Ok(()),
        _ => Err(XmlProblem::Syntax),
    }
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_xml_space(c as u8))
}

/// `name="value"` pairs, each after whitespace.
fn check_attributes(mut s: &str) -> Result<(), XmlProblem> {
    loop {
        let trimmed = s.trim_start_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
        if trimmed.is_empty() {
            return Ok(());
        }
        if trimmed.len() == s.len() {
            return Err(XmlProblem::Syntax);
        }
        let eq = trimmed.find('=').ok_or(XmlProblem::Syntax)?;
        check_name(trim(&trimmed[..eq]))?;
        let value =
            trimmed[eq + 1..].trim_start_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
        let quote = value.chars().next().ok_or(XmlProblem::Syntax)?;
        if quote != '"' && quote != '\'' {
            return Err(XmlProblem::Syntax);
        }
        let inner = &value[1..];
        let close = inner.find(quote).ok_or(XmlProblem::Syntax)?;
        s = &inner[close + 1..];
    }
}

/// The index of the `>` that ends a tag, skipping quoted attribute values.
fn tag_end(s: &str) -> Result<usize, XmlProblem> {
    let mut quote = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (None, b'>') => return Ok(i),
            (None, b'<') => return Err(XmlProblem::Syntax),
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (Some(_), b'<') => return Err(XmlProblem::Syntax),
            _ => {}
        }
    }
    Err(XmlProblem::Truncated)
}

impl<'x> Scanner<'x> {
    fn next(&mut self) -> Result<Option<Event<'x>>, XmlProblem> {
        if let Some(name) = self.pending_end.take() {
            return Ok(Some(Event::End(name)));
        }
        loop {
            let rest = self.text.get(self.pos..).unwrap_or_default();
            if rest.is_empty() {
                return Ok(None);
            }
            if !rest.starts_with('<') {
                let len = rest.find('<').unwrap_or(rest.len());
                self.pos += len;
                return Ok(Some(Event::Text(&rest[..len])));
            }
            if let Some(after) = rest.strip_prefix("<?") {
                let end = after.find("?>").ok_or(XmlProblem::Truncated)?;
                self.pos += 2 + end + 2;
                continue;
            }
            if let Some(after) = rest.strip_prefix("<!--") {
                let end = after.find("-->").ok_or(XmlProblem::Truncated)?;
                self.pos += 4 + end + 3;
                continue;
            }
            if rest.starts_with("<!") {
                return Err(XmlProblem::UnsupportedMarkup);
            }
            if let Some(after) = rest.strip_prefix("</") {
                let close = after.find('>').ok_or(XmlProblem::Truncated)?;
                let name = &after[..close];
                let name = name.trim_end_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
                check_name(name)?;
                self.pos += 2 + close + 1;
                return Ok(Some(Event::End(name)));
            }
            let after = &rest[1..];
            let close = tag_end(after)?;
            let inner = &after[..close];
            let (inner, empty) = match inner.strip_suffix('/') {
                Some(i) => (i, true),
                None => (inner, false),
            };
            let name_len = inner
                .find(|c: char| c.is_ascii() && is_xml_space(c as u8))
                .unwrap_or(inner.len());
            let name = &inner[..name_len];
            check_name(name)?;
            check_attributes(&inner[name_len..])?;
            self.pos += 1 + close + 1;
            if empty {
                self.pending_end = Some(name);
            }
            return Ok(Some(Event::Start(name)));
        }
    }
}

fn matching<const N: usize>(paths: &[&[&str]; N], stack: &[&str]) -> Option<usize> {
    paths.iter().position(|p| *p == stack)
}

/// Reads the whole document and returns its root element's name and, for each path, the
/// trimmed text of the element at that path (`Some("")` for an element with no text).
pub(super) fn extract<'x, const N: usize>(
    text: &'x str,
    paths: &[&[&str]; N],
) -> Result<(&'x str, [Option<&'x str>; N]), XmlProblem> {
    let mut scanner = Scanner {
        text,
        pos: 0,
        pending_end: None,
    };
    let mut stack = heapless::Vec::<&str, MAX_XML_DEPTH>::new();
    let mut root = None;
    let mut values = [None; N];
    let mut has_text = [false; N];
    while let Some(event) = scanner.next()? {
        match event {
            Event::Start(name) => {
                if stack.is_empty() {
                    if root.is_some() {
                        return Err(XmlProblem::OutsideRoot);
                    }
                    root = Some(name);
                }
                stack.push(name).map_err(|_| XmlProblem::TooDeep)?;
                if let Some(i) = matching(paths, &stack) {
                    if values[i].is_some() {
                        return Err(XmlProblem::Duplicate);
                    }
                    values[i] = Some("");
                }
            }
            Event::End(name) => {
                if stack.pop() != Some(name) {
                    return Err(XmlProblem::MismatchedTag);
                }
            }
            Event::Text(t) => {
                let t = trim(t);
                if t.is_empty() {
                    continue;
                }
                if stack.is_empty() {
                    return Err(XmlProblem::OutsideRoot);
                }
                if let Some(i) = matching(paths, &stack) {
                    if has_text[i] {
                        return Err(XmlProblem::Duplicate);
                    }
                    has_text[i] = true;
                    values[i] = Some(t);
                }
            }
        }
    }
    if !stack.is_empty() {
        return Err(XmlProblem::Truncated);
    }
    let root = root.ok_or(XmlProblem::Truncated)?;
    Ok((root, values))
}
