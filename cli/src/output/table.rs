//! The `configure list` table, shaped like `aws configure list`:
//!
//! ```text
//! NAME       : VALUE                    : TYPE             : LOCATION
//! profile    : dev                      : manual           : --profile
//! access_key : ****************ATIC     : shared-credentials-file : /home/me/.aws/credentials:2
//! region     : eu-west-1                : config-file      : /home/me/.aws/config:7
//! ```
//!
//! The AWS CLI pads the first three columns to 10, 24 and 16 characters and lets a longer cell
//! push the rest of its row to the right. credchain pads to the same widths, which gives the
//! AWS CLI's exact layout for rows whose cells fit, and widens the NAME and VALUE columns to
//! their longest cell, so that the extra settings rows (`request_min_compression_size_bytes`,
//! an endpoint URL) stay aligned. TYPE keeps the AWS CLI's width: its one long word,
//! `shared-credentials-file`, pushes its row as it does in the AWS CLI.
//!
//! A column widens only up to [`MAX_WIDTH`]: a longer cell (a huge value from a file or a
//! variable) pushes the rest of its row as it does in the AWS CLI, rather than padding every
//! other row to its length. Padding is written space by space, so no cell is too wide for it
//! (Rust's format widths stop at 65,535, and used to panic on a wider value).
//!
//! TYPE and LOCATION come from the value's [`Source`]: `manual` and the option for a
//! command-line option, `env` and the variable actually set, `config-file` or
//! `shared-credentials-file` and `FILE:LINE` for a file. An unset row reads
//! `<not set>`, `None`, `None`.

use std::io::{self, Write};

use credchain_core::config::parse::Value;
use credchain_core::Source;

use super::json::Json;

/// The AWS CLI's column widths: NAME, VALUE, TYPE.
pub const MIN_WIDTHS: [usize; 3] = [10, 24, 16];

/// The widest a column grows to fit its longest cell.
pub const MAX_WIDTH: usize = 80;

/// The value of an unset row.
pub const NOT_SET: &str = "<not set>";

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The setting's name (`profile`, `access_key`, `region`, `max_attempts`, ...).
    pub name: &'static str,
    /// The value as displayed (already masked for keys).
    pub value: String,
    /// What set it: `manual`, `env`, `config-file`, `shared-credentials-file`, `None`.
    pub kind: &'static str,
    /// Exactly where: the option, the variable, `FILE:LINE`, or `None`.
    pub location: String,
}

impl Row {
    /// A row for a value that nothing sets.
    #[must_use]
    pub fn not_set(name: &'static str) -> Self {
        Row {
            name,
            value: NOT_SET.to_owned(),
            kind: "None",
            location: "None".to_owned(),
        }
    }

    /// A row with its TYPE and LOCATION given (the credential rows: the provider, and where
    /// it was configured).
    #[must_use]
    pub fn with_type(
        name: &'static str,
        value: String,
        kind: &'static str,
        location: String,
    ) -> Self {
        Row {
            name,
            value,
            kind,
            location,
        }
    }

    /// A row for `value` (displayed as given) set by `source`.
    #[must_use]
    pub fn new(name: &'static str, value: String, source: Source<'_>) -> Self {
        let (kind, location) = describe(source);
        Row::with_type(name, value, kind, location)
    }
}

/// TYPE and LOCATION of a source.
#[must_use]
pub fn describe(source: Source<'_>) -> (&'static str, String) {
    match source {
        Source::Option(option) => ("manual", option.to_owned()),
        Source::EnvVar(variable) => ("env", variable.to_owned()),
        Source::File { kind, path, line } => (kind.awscli_type(), format!("{path}:{line}")),
        Source::Default => ("default", "default".to_owned()),
    }
}

/// A value on one line: continuation lines are joined with a visible `\n`.
#[must_use]
pub fn one_line(value: &Value<'_>) -> String {
    match value.as_str() {
        Some(line) => line.to_owned(),
        None => value.lines().collect::<Vec<_>>().join("\\n"),
    }
}

/// Writes the header and `rows`.
pub fn write(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let header = Row {
        name: "NAME",
        value: "VALUE".to_owned(),
        kind: "TYPE",
        location: "LOCATION".to_owned(),
    };
    let width = |cell: fn(&Row) -> &str, min: usize| {
        rows.iter()
            .map(|r| cell(r).chars().count().min(MAX_WIDTH))
            .fold(min, usize::max)
    };
    let name_width = width(|r| r.name, MIN_WIDTHS[0]);
    let value_width = width(|r| &r.value, MIN_WIDTHS[1]);
    let kind_width = MIN_WIDTHS[2];
    for row in std::iter::once(&header).chain(rows) {
        padded(out, row.name, name_width)?;
        out.write_all(b" : ")?;
        padded(out, &row.value, value_width)?;
        out.write_all(b" : ")?;
        padded(out, row.kind, kind_width)?;
        writeln!(out, " : {}", row.location)?;
    }
    Ok(())
}

/// The version of `configure list --output json`'s schema (docs/json-output.md).
pub const LIST_SCHEMA: i64 = 1;

/// The rows as `configure list --output json` writes them: the schema, then one member per
/// row in the table's order, each `{"value", "type", "location"}` (all `null` for a value that
/// nothing sets; keys masked as in the table).
#[must_use]
pub fn json(rows: &[Row]) -> Json {
    let mut members = vec![("schema", Json::Int(LIST_SCHEMA))];
    for row in rows {
        let unset = row.value == NOT_SET && row.kind == "None";
        let cell = |text: &str| if unset { Json::Null } else { text.into() };
        members.push((
            row.name,
            Json::Object(vec![
                ("value", cell(&row.value)),
                ("type", cell(row.kind)),
                ("location", cell(&row.location)),
            ]),
        ));
    }
    Json::Object(members)
}

/// Writes `cell` and spaces up to `width` characters (none when it is as wide or wider).
fn padded(out: &mut dyn Write, cell: &str, width: usize) -> io::Result<()> {
    const SPACES: &str = "                                ";
    out.write_all(cell.as_bytes())?;
    let mut missing = width.saturating_sub(cell.chars().count());
    while missing > 0 {
        let n = missing.min(SPACES.len());
        out.write_all(&SPACES.as_bytes()[..n])?;
        missing -= n;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use credchain_core::FileKind;

    fn render(rows: &[Row]) -> String {
        let mut out = Vec::new();
        write(rows, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn short_cells_give_the_aws_cli_layout() {
        let rows = [
            Row::not_set("profile"),
            Row::new(
                "region",
                "us-east-2".to_owned(),
                Source::EnvVar("AWS_REGION"),
            ),
        ];
        assert_eq!(
            render(&rows),
            "NAME       : VALUE                    : TYPE             : LOCATION\n\
             profile    : <not set>                : None             : None\n\
             region     : us-east-2                : env              : AWS_REGION\n"
        );
    }

    #[test]
    fn long_names_and_values_widen_their_column() {
        let file = Source::File {
            kind: FileKind::Config,
            path: "/h/.aws/config",
            line: 3,
        };
        let rows = [
            Row::new("profile", "dev".to_owned(), Source::Option("--profile")),
            Row::new(
                "request_min_compression_size_bytes",
                "https://example.com/a/very/long/endpoint".to_owned(),
                file,
            ),
        ];
        let text = render(&rows);
        let columns: Vec<usize> = text.lines().map(|l| l.find(" : ").unwrap()).collect();
        assert!(columns.iter().all(|&c| c == 34), "{text}");
        let second: Vec<usize> = text
            .lines()
            .map(|l| l.match_indices(" : ").nth(1).unwrap().0)
            .collect();
        assert!(second.iter().all(|&c| c == second[0]), "{text}");
        assert!(
            text.ends_with(": config-file      : /h/.aws/config:3\n"),
            "{text}"
        );
    }

    #[test]
    fn huge_cells_push_their_row_and_pad_no_other() {
        // 70,000 characters: wider than a format width may be (65,535), which used to panic.
        let huge = "b".repeat(70_000);
        let rows = [
            Row::new("region", "eu-west-1".to_owned(), Source::Option("--region")),
            Row::new("ca_bundle", huge.clone(), Source::EnvVar("AWS_CA_BUNDLE")),
            Row::new(
                "output",
                "\u{e9}".repeat(100),
                Source::EnvVar("AWS_DEFAULT_OUTPUT"),
            ),
        ];
        let text = render(&rows);
        let lines: Vec<&str> = text.lines().collect();
        // The VALUE column is MAX_WIDTH wide: short values are padded to it, longer ones not.
        assert_eq!(
            lines[1],
            format!(
                "region     : eu-west-1{} : manual           : --region",
                " ".repeat(71)
            )
        );
        assert_eq!(
            lines[2],
            format!("ca_bundle  : {huge} : env              : AWS_CA_BUNDLE")
        );
        assert!(lines[3].starts_with(&format!("output     : {} : env ", "\u{e9}".repeat(100))));
        assert_eq!(lines.len(), 4);
    }
}
