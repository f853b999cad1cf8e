//! `credchain export-credentials` (also `credchain configure export-credentials`): the
//! credentials in one of the AWS CLI's formats.
//!
//! As the AWS CLI does, a profile whose `credential_process` runs `export-credentials` again is
//! caught before it recurses forever: each run adds its profile to `_AWS_CLI_PROFILE_CHAIN` (the
//! AWS CLI's own variable, as CSV, so chains mixing `aws` and `credchain` are caught too) in the
//! environment its credential_process inherits, and refuses to run for a profile already in
//! it, or when four runs are already nested.

use credchain_core::config::evaluate::{EvaluateError, Evaluator};
use credchain_core::credentials::Credentials;
use credchain_core::io::Env;

use crate::args::ExportArgs;
use crate::chain;
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::export::render;
use crate::output::Streams;

/// The AWS CLI's variable holding the profiles being resolved by nested runs.
pub const RECURSION_VAR: &str = "_AWS_CLI_PROFILE_CHAIN";

/// The AWS CLI's limit of nested runs.
pub const MAX_RECURSION: usize = 4;

/// Runs `export-credentials`.
impl<M: Machine + ?Sized> Run<M> for ExportArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let machine = ctx.machine;
        let ((), credentials) = resolve_credentials(ctx, streams, |eval| {
            let chain = enter(eval.active_profile().name, machine.env().var(RECURSION_VAR))?;
            // The credential_process of this run inherits the chain.
            machine.set_for_children(RECURSION_VAR, &chain);
            Ok(())
        })?;
        let text = render(self.format, &credentials).map_err(Failure::other)?;
        streams.out.write_all(text.as_bytes())?;
        Ok(())
    }
}

/// The active profile's credentials from the chain, as `export-credentials` and `exec` get
/// them: `first` runs with the evaluator before any provider does (what must fail or be set
/// before then), and a profile that cannot be evaluated (it does not exist) is worded as the
/// AWS CLI's `export-credentials` words it.
pub fn resolve_credentials<M: Machine + ?Sized, T>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
    first: impl FnOnce(&Evaluator<'_, '_, M::Env>) -> Result<T, Failure>,
) -> Result<(T, Credentials), Failure> {
    ctx.with_evaluator(streams, unknown_profile, |eval, _| {
        let first = first(eval)?;
        let (_, credentials) = chain::resolve(ctx.machine, eval).map_err(|e| e.failure())?;
        Ok((first, credentials))
    })
}

/// A profile named by an option or a variable that neither file defines, as the AWS CLI's
/// `export-credentials` words it (and every command that needs credentials, after it).
pub fn unknown_profile(error: EvaluateError<'_>) -> Failure {
    Failure::configuration(format!("Unable to retrieve credentials: {error}"))
}

/// Checks the recursion barrier for `profile` and returns the chain to pass on.
fn enter(profile: &str, chain: Option<&str>) -> Result<String, Failure> {
    let mut seen = csv_fields(chain.unwrap_or_default());
    if seen.len() >= MAX_RECURSION {
        return Err(Failure::configuration(format!(
            "Maximum recursive credential process resolution reached ({MAX_RECURSION}). \
             Profiles seen: {}; a credential_process runs `export-credentials` again",
            seen.join(" -> ")
        )));
    }
    if seen.iter().any(|p| p == profile) {
        seen.push(profile.to_owned());
        return Err(Failure::configuration(format!(
            "Credential process resolution detected an infinite loop, profile cycle: {}; the \
             credential_process of a profile runs `export-credentials` for a profile already \
             being resolved",
            seen.join(" -> ")
        )));
    }
    seen.push(profile.to_owned());
    Ok(csv_row(&seen))
}

/// The fields of one CSV line, as Python's `csv.reader` reads them (an empty line has none).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    if line.is_empty() {
        return fields;
    }
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// One CSV line as Python's `csv.writer` writes it (minimal quoting).
fn csv_row(fields: &[String]) -> String {
    let quote = |f: &String| {
        if f.contains([',', '"', '\r', '\n']) || (fields.len() == 1 && f.is_empty()) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.clone()
        }
    };
    fields.iter().map(quote).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_like_python() {
        let fields: Vec<String> = ["a", "b,c", "d\"e", ""].map(String::from).to_vec();
        let row = csv_row(&fields);
        assert_eq!(row, "a,\"b,c\",\"d\"\"e\",");
        assert_eq!(csv_fields(&row), fields);
        assert!(csv_fields("").is_empty());
    }

    #[test]
    fn the_recursion_barrier() {
        assert_eq!(enter("a", None).unwrap(), "a");
        assert_eq!(enter("b", Some("a")).unwrap(), "a,b");
        let Err(Failure::Configuration(cycle)) = enter("a", Some("a,b")) else {
            panic!("a cycle");
        };
        assert!(
            cycle.starts_with(
                "Credential process resolution detected an infinite loop, profile cycle: \
                 a -> b -> a"
            ),
            "{cycle}"
        );
        let Err(Failure::Configuration(deep)) = enter("e", Some("a,b,c,d")) else {
            panic!("too deep");
        };
        assert!(deep.starts_with("Maximum recursive credential process resolution reached (4)"));
    }
}
