//! Writing the shared files: the one way a command changes `~/.aws/config` or
//! `~/.aws/credentials`.
//!
//! [`store()`] locates the file as reading does (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
//! the home directory), makes the edits with the core's writer through the machine's shared-file
//! host ([`credchain_core::config::store::store`]: atomic, the mode kept, another writer's edit
//! never lost), and then, for the credentials file, warns as the AWS CLI does when the file was
//! already there and others may read it. What goes into the file is the core writer's decision;
//! this module only says which file, and words the failures.
//!
//! The AWS CLI's rule for the warning (awscli/customizations/configure/__init__.py
//! `warn_if_permissive`, called by writer.py after a write with `check_permissions`): only a
//! credentials-file write, only when the file existed before, only when a group or other
//! permission bit is set, never on Windows. `configure import` warns once, before it writes:
//! [`warn_if_permissive`] on its own.

use credchain_core::config::locate::{self, LocatedFile, PathOrigin, Platform};
use credchain_core::config::store::{self, StoreError};
use credchain_core::config::write::Edit;
use credchain_core::io::block_on;
use credchain_core::FileKind;

use crate::commands::Context;
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;

/// What [`store()`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file's path, as located.
    pub path: String,
    /// There was no file: it was created (mode 0600).
    pub created: bool,
}

/// Makes `edits`, in order, to the shared file `kind` in one replacement, and warns, for the
/// credentials file that already existed, when its mode lets others read it (see the module
/// doc). A missing file is created with its missing directories. An edit with no changes
/// still writes its section header when the section is missing, as the AWS CLI's writer does.
///
/// # Errors
/// A [`Failure::Other`] (255, the AWS CLI's status for these): the file cannot be located
/// (no home directory, a variable set to the empty string), read, edited or replaced. An edit
/// the writer refuses (a newline in a value) fails with the AWS CLI's own words; the others
/// name the file. Nothing is written then.
pub fn store<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    kind: FileKind,
    edits: &[Edit<'_>],
    streams: &mut Streams<'_>,
) -> Result<Written, Failure> {
    let path = locate_file(ctx, kind)?.path;
    // The mode is read before the write: the file keeps it (the host's replacement keeps an
    // existing file's mode), so the answer is the same, but read first it does not depend on
    // the host.
    let mode_before = match kind {
        FileKind::Credentials => ctx.machine.shared_file_mode(&path),
        FileKind::Config => None,
    };
    let written = store_at(ctx, &path, edits)?;
    if !written.created {
        if let Some(mode) = mode_before {
            warn_if_mode_permissive(ctx, &path, mode, streams)?;
        }
    }
    Ok(written)
}

/// [`store()`] without the permission warning, for a command that gave it already
/// ([`warn_if_permissive`] before it wrote, as `configure import` does).
///
/// # Errors
/// As [`store()`].
pub fn store_without_warning<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    kind: FileKind,
    edits: &[Edit<'_>],
) -> Result<Written, Failure> {
    let path = locate_file(ctx, kind)?.path;
    store_at(ctx, &path, edits)
}

/// Stores `edits` in the shared file at `path`.
fn store_at<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    path: &str,
    edits: &[Edit<'_>],
) -> Result<Written, Failure> {
    let stored = block_on(store::store(ctx.machine.shared_files(), path, edits))
        .map_err(|error| store_failure(path, &error))?;
    Ok(Written {
        path: path.to_owned(),
        created: stored.created,
    })
}

/// Where the shared file `kind` is, located as reading locates it.
///
/// # Errors
/// A [`Failure::Other`] when there is no path to write: the path is too long, no home
/// directory is known, or the variable naming the file is set to the empty string.
pub fn locate_file<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    kind: FileKind,
) -> Result<LocatedFile, Failure> {
    let paths = locate::locate(ctx.machine.env(), ctx.machine.io().platform, ctx.dialect)
        .map_err(Failure::other)?;
    let (located, variable) = match kind {
        FileKind::Config => (paths.config, "AWS_CONFIG_FILE"),
        FileKind::Credentials => (paths.credentials, "AWS_SHARED_CREDENTIALS_FILE"),
    };
    match located.origin {
        PathOrigin::NoHome => Err(Failure::Other(format!(
            "no home directory is known, so there is no {} to write; set HOME (or {variable})",
            file_name(kind)
        ))),
        _ if located.path.is_empty() => Err(Failure::Other(format!(
            "{variable} is set to the empty string, so there is no {} to write; unset it or \
             name a file",
            file_name(kind)
        ))),
        _ => Ok(located),
    }
}

/// Warns, as the AWS CLI does, when the file at `path` exists and its mode has a group or
/// other bit set (`chmod 600` is the advice). Nothing on Windows, nor when the machine cannot
/// tell the mode.
///
/// # Errors
/// The warning cannot be written.
pub fn warn_if_permissive<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    path: &str,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    match ctx.machine.shared_file_mode(path) {
        Some(mode) => warn_if_mode_permissive(ctx, path, mode, streams),
        None => Ok(()),
    }
}

/// The warning of [`warn_if_permissive`] for a file whose permission bits are `mode`.
fn warn_if_mode_permissive<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    path: &str,
    mode: u32,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    if ctx.machine.io().platform == Platform::Windows || mode & 0o077 == 0 {
        return Ok(());
    }
    writeln!(
        streams.err,
        "credchain: [WARNING]: The file '{path}' is accessible by other users. Consider \
         running 'chmod 600 {path}' to restrict access to only your user."
    )?;
    Ok(())
}

/// The file's name in messages.
fn file_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Config => "config file",
        FileKind::Credentials => "credentials file",
    }
}

/// A store failure: the AWS CLI's words for an edit it refuses too, else the path and the
/// reason.
fn store_failure(path: &str, error: &StoreError<'_>) -> Failure {
    match error {
        StoreError::Edit(refused) => Failure::other(refused),
        other => Failure::Other(format!("{path}: {other}")),
    }
}
