//! `credchain configure import --csv CSV`: the access keys of the IAM console's CSV file as
//! profiles of the credentials file, as the AWS CLI's `aws configure import`
//! (awscli/customizations/configure/importer.py) reads and writes them, its errors word for
//! word.
//!
//! - `--csv file://PATH` (or `fileb://PATH`) reads the file (`~` and `$VAR` expanded, as the
//!   AWS CLI's parameter files are); a file that cannot be read is the AWS CLI's parameter error (252). Any other
//!   value is the CSV itself, but a value with no line break that names an existing path is
//!   refused: the `file://` was probably forgotten.
//! - The first line is the header: split on `,` (no quoting), each cell with a leading UTF-8
//!   BOM removed, lower-cased and trimmed; it must have `user name`, `access key id` and
//!   `secret access key` (the first of each is used); other columns are ignored, so both of the
//!   console's layouts are read.
//! - Each further line (Python's line breaks) is a row, split on `,`; the three values are
//!   trimmed and must not be empty (a blank line is a row missing its user name). A bad row
//!   fails the import, nothing written, unless `--skip-invalid` drops it.
//! - Each row sets `aws_access_key_id` and `aws_secret_access_key` in the credentials file's
//!   `[PREFIX + user name]` (the name as it is: no `profile `, no quoting). All rows are
//!   stored in one replacement of the file. The permission warning comes once, before.

use credchain_core::config::write::{Change, Edit};
use credchain_core::io::{block_on, Env, Fs, FsError, FsErrorKind};
use credchain_core::FileKind;

use crate::args::ImportArgs;
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;

/// The three columns, as the AWS CLI names them in its messages (importer.py's
/// `_EXPECTED_HEADERS`).
const HEADERS: [&str; 3] = ["User Name", "Access Key ID", "Secret Access key"];

/// The prefix of a parameter read from a file.
const FILE_PREFIX: &str = "file://";

/// One imported row: user name, access key id, secret access key.
type Row<'t> = [&'t str; 3];

/// Why the CSV cannot be imported (importer.py's `CredentialParserError`), in its words.
#[derive(Debug, PartialEq, Eq)]
enum ParseError {
    Empty,
    HeaderNotFound(&'static str),
    InvalidRow { entry: usize, header: &'static str },
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Empty => f.write_str("Provided CSV contains no contents"),
            ParseError::HeaderNotFound(header) => {
                write!(f, "Expected header \"{header}\" not found")
            }
            ParseError::InvalidRow { entry, header } => write!(
                f,
                "Failed to parse entry #{entry}: Row missing value for header \"{header}\""
            ),
        }
    }
}

/// Runs `configure import`.
impl<M: Machine + ?Sized> Run<M> for ImportArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let text = csv_text(ctx, &self.csv)?;
        if !text.contains('\n') && !text.starts_with(FILE_PREFIX) && path_exists(ctx, &text) {
            return Err(Failure::other(
            "You may be passing a file to import without the 'file://' prefix. To import a CSV \
             file, use --csv file://path/to/file.csv",
        ));
        }
        let credentials = shared_write::locate_file(ctx, FileKind::Credentials)?;
        shared_write::warn_if_permissive(ctx, &credentials.path, streams)?;
        let rows = parse(&text, !self.skip_invalid).map_err(Failure::other)?;
        let sections: Vec<String> = rows
            .iter()
            .map(|[name, ..]| format!("{}{name}", self.profile_prefix))
            .collect();
        let changes: Vec<[(&str, Change<'_>); 2]> = rows
            .iter()
            .map(|[_, id, secret]| {
                [
                    ("aws_access_key_id", Change::Set(id)),
                    ("aws_secret_access_key", Change::Set(secret)),
                ]
            })
            .collect();
        let edits: Vec<Edit<'_>> = sections
            .iter()
            .zip(&changes)
            .map(|(section, changes)| Edit { section, changes })
            .collect();
        if !edits.is_empty() {
            shared_write::store_without_warning(ctx, FileKind::Credentials, &edits)?;
        }
        writeln!(
            streams.out,
            "Successfully imported {} profile(s)",
            rows.len()
        )?;
        Ok(())
    }
}

/// The CSV: the value itself, or the file a `file://` value names, read as the AWS CLI reads
/// a parameter file (text, universal line ends).
fn csv_text<M: Machine + ?Sized>(ctx: &Context<'_, M>, value: &str) -> Result<String, Failure> {
    // `fileb://` too: the AWS CLI reads it as bytes and then fails on them (a TypeError).
    let Some(path) = value
        .strip_prefix(FILE_PREFIX)
        .or_else(|| value.strip_prefix("fileb://"))
    else {
        return Ok(value.to_owned());
    };
    let path = expand(path, ctx.machine.env());
    let unloadable = |reason: String| {
        Failure::param_validation(format_args!(
            "Error parsing parameter '--csv': Unable to load paramfile {value}: {reason}"
        ))
    };
    let bytes = match block_on(ctx.machine.io().fs.read(&path)) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(unloadable(format!(
                "[Errno 2] No such file or directory: '{path}'"
            )))
        }
        Err(error) => return Err(unloadable(os_error(&error, &path))),
    };
    let text = std::str::from_utf8(bytes.as_ref()).map_err(|_| {
        Failure::param_validation(format_args!(
            "Error parsing parameter '--csv': Unable to load paramfile ({path}), text contents \
             could not be decoded.  If this is a binary file, please use the fileb:// prefix \
             instead of the file:// prefix."
        ))
    })?;
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// A read failure as Python's `OSError` prints it, for the common cases.
fn os_error(error: &FsError, path: &str) -> String {
    match error.kind {
        FsErrorKind::PermissionDenied => format!("[Errno 13] Permission denied: '{path}'"),
        FsErrorKind::NotAFile => format!("[Errno 21] Is a directory: '{path}'"),
        _ => match error.os_code {
            Some(code) => format!(
                "[Errno {code}] {}: '{path}'",
                std::io::Error::from_raw_os_error(code)
            ),
            None => format!("cannot read '{path}'"),
        },
    }
}

/// Whether something is at `path` (`os.path.exists`): a file, or anything the reader refuses
/// for what it is rather than for being absent.
fn path_exists<M: Machine + ?Sized>(ctx: &Context<'_, M>, path: &str) -> bool {
    match block_on(ctx.machine.io().fs.read(path)) {
        Ok(found) => found.is_some(),
        Err(error) => matches!(
            error.kind,
            FsErrorKind::PermissionDenied | FsErrorKind::NotAFile | FsErrorKind::TooLarge
        ),
    }
}

/// `path` with a leading `~` (alone or before `/`) replaced by `HOME`, and each `$NAME` or
/// `${NAME}` of a variable that is set replaced by its value (Python's `expanduser` and
/// `expandvars`, as the AWS CLI expands a parameter file's path).
fn expand(path: &str, env: &(impl Env + ?Sized)) -> String {
    let path = match (path.strip_prefix('~'), env.var("HOME")) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            format!("{}{rest}", home.trim_end_matches('/'))
        }
        _ => path.to_owned(),
    };
    let mut out = String::with_capacity(path.len());
    let mut rest = path.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, end) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(close) => (&braced[..close], close + 2),
                None => ("", 0),
            },
            None => {
                let len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..len], len)
            }
        };
        match env.var(name).filter(|_| !name.is_empty()) {
            Some(value) => {
                out.push_str(value);
                rest = &after[end..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Python's `str.isspace`: Unicode white space and the four separators `\x1c`-`\x1f`.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.splitlines`: lines broken at `\n`, `\r`, `\r\n`, `\v`, `\f`, `\x1c`-`\x1e`,
/// `\x85`, U+2028 and U+2029, a last break ending the last line.
fn split_lines(text: &str) -> Vec<&str> {
    let is_break = |c: char| {
        matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !is_break(c) {
            continue;
        }
        lines.push(&text[start..at]);
        start = at + c.len_utf8();
        if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
            chars.next();
            start += 1;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A header cell as the AWS CLI compares it: a leading BOM removed, lower-cased, trimmed.
fn header_cell(cell: &str) -> String {
    let cell = cell.strip_prefix('\u{feff}').unwrap_or(cell);
    cell.to_lowercase().trim_matches(is_py_space).to_owned()
}

/// The rows of `text`; `strict`: a bad row fails the whole import (else it is dropped).
fn parse(text: &str, strict: bool) -> Result<Vec<Row<'_>>, ParseError> {
    if text.trim_matches(is_py_space).is_empty() {
        return Err(ParseError::Empty);
    }
    let lines = split_lines(text);
    let header: Vec<String> = lines[0].split(',').map(header_cell).collect();
    let mut columns = [0; 3];
    for (column, name) in columns.iter_mut().zip(HEADERS) {
        let wanted = header_cell(name);
        *column = header
            .iter()
            .position(|cell| *cell == wanted)
            .ok_or(ParseError::HeaderNotFound(name))?;
    }
    let mut rows = Vec::new();
    for (entry, line) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let mut row: Row<'_> = [""; 3];
        let mut missing = None;
        for ((value, &column), header) in row.iter_mut().zip(&columns).zip(HEADERS) {
            *value = cells
                .get(column)
                .map_or("", |c| c.trim_matches(is_py_space));
            if value.is_empty() {
                missing = Some(header);
                break;
            }
        }
        match missing {
            None => rows.push(row),
            Some(_) if !strict => {}
            Some(header) => {
                return Err(ParseError::InvalidRow {
                    entry: entry + 1,
                    header,
                })
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_where_python_breaks_them() {
        assert_eq!(
            split_lines("a\nb\r\nc\rd\x0be\u{2028}f\n"),
            ["a", "b", "c", "d", "e", "f"]
        );
        assert_eq!(split_lines("a\n\nb"), ["a", "", "b"]);
        assert_eq!(split_lines("a\n"), ["a"]);
    }

    #[test]
    fn both_console_layouts_are_read() {
        let five = "User name,Password,Access key ID,Secret access key,Console login link\n\
                    alice,pw,AKIDA,SA,https://x\n";
        assert_eq!(parse(five, true).unwrap(), [["alice", "AKIDA", "SA"]]);
        let three = "\u{feff}User Name , ACCESS KEY ID,Secret access key\r\n bob , AKIDB ,SB\r\n";
        assert_eq!(parse(three, true).unwrap(), [["bob", "AKIDB", "SB"]]);
    }

    #[test]
    fn errors_are_the_aws_clis() {
        let msg = |text: &str| parse(text, true).unwrap_err().to_string();
        assert_eq!(msg(" \n "), "Provided CSV contains no contents");
        assert_eq!(
            msg("Access key ID,Secret access key\nA,S"),
            "Expected header \"User Name\" not found"
        );
        assert_eq!(
            msg("User name,Secret access key\nA,S"),
            "Expected header \"Access Key ID\" not found"
        );
        assert_eq!(
            msg("User name,Access key ID\nA,S"),
            "Expected header \"Secret Access key\" not found"
        );
        assert_eq!(
            msg("User name,Access key ID,Secret access key\na,b,c\n\nd,e,f"),
            "Failed to parse entry #2: Row missing value for header \"User Name\""
        );
        assert_eq!(
            msg("User name,Access key ID,Secret access key\na,b"),
            "Failed to parse entry #1: Row missing value for header \"Secret Access key\""
        );
        let skipped = parse(
            "User name,Access key ID,Secret access key\na,,c\nd,e,f",
            false,
        );
        assert_eq!(skipped.unwrap(), [["d", "e", "f"]]);
    }

    #[test]
    fn paths_are_expanded_as_python_expands_them() {
        let env = credchain_core::host::StdEnv::from_parts(
            vec![
                ("HOME".to_owned(), "/h/".to_owned()),
                ("D".to_owned(), "dir".to_owned()),
            ],
            vec![],
        );
        assert_eq!(expand("~/a.csv", &env), "/h/a.csv");
        assert_eq!(expand("~x/a", &env), "~x/a");
        assert_eq!(expand("$D/${D}/$NOPE/$", &env), "dir/dir/$NOPE/$");
    }
}
