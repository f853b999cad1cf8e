//! `credchain configure set NAME VALUE`: one value written to the file and section the AWS
//! CLI's `aws configure set` (awscli/customizations/configure/set.py) writes it to.
//!
//! Where the value goes is the core's decision (`credchain_core::config::set`, shared with the
//! C library and the npm package; its rules and its deliberate differences are documented
//! there and in docs/quirks.md); this command reads the options, words the refusals with the
//! AWS CLI's statuses (252 for its parameter errors) and writes through
//! [`crate::shared_write`].

use credchain_core::config::evaluate::select_profile;
use credchain_core::config::set::{self, SetError, SubsectionKind};
use credchain_core::config::write::{Change, Edit};
use credchain_core::Source;

use crate::args::SetArgs;
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;

/// Runs `configure set`.
impl<M: Machine + ?Sized> Run<M> for SetArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let (active, source) = select_profile(ctx.options, ctx.machine.env());
        let session_profile = (source != Source::Default).then_some(active);
        let target = set::target(&self.name, session_profile, subsection(self)?)
            .map_err(|e| set_failure(&e))?;
        let section = target.section.to_string();
        let nested = target.sub_key.map(|sub| [(sub, self.value.as_str())]);
        let change = match &nested {
            Some(nested) => Change::Nested(nested),
            None => Change::Set(&self.value),
        };
        let edit = Edit {
            section: &section,
            changes: &[(target.key, change)],
        };
        shared_write::store(ctx, target.file, &[edit], streams)?;
        Ok(())
    }
}

/// The `--sso-session` or `--services` section named (the two exclude each other, in the AWS
/// CLI's words).
fn subsection(args: &SetArgs) -> Result<Option<(SubsectionKind, &str)>, Failure> {
    match (&args.sso_session, &args.services) {
        (Some(_), Some(_)) => Err(Failure::param_validation(
            "The key \"services\" cannot be specified when one of the following keys are also \
             specified: sso_session",
        )),
        (Some(name), None) => Ok(Some((SubsectionKind::SsoSession, name))),
        (None, Some(name)) => Ok(Some((SubsectionKind::Services, name))),
        (None, None) => Ok(None),
    }
}

/// A name the core refuses, with the AWS CLI's status: 252 for its parameter errors and for
/// names it would write as a key no reader takes; 255 for `profile.NAME` without a key (the
/// AWS CLI's IndexError).
fn set_failure(error: &SetError<'_>) -> Failure {
    match error {
        SetError::ProfileWithoutKey(_) => Failure::Other(error.to_string()),
        _ => Failure::param_validation(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_take_the_aws_clis_statuses() {
        let status = |e: SetError<'_>| set_failure(&e).report(&mut Vec::new());
        assert_eq!(status(SetError::DeepNesting), 252);
        assert_eq!(status(SetError::EmptyPart("a.")), 252);
        assert_eq!(
            status(SetError::InvalidSubsectionName(SubsectionKind::Services)),
            252
        );
        assert_eq!(status(SetError::ProfileWithoutKey("dev")), 255);
    }
}
