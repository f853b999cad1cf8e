//! Editing the shared files: `credchain_config_set` sets a value as `aws configure set NAME
//! VALUE` does (the core's `config::set` chooses the file, section and key), and
//! `credchain_config_edit` sets or deletes one key of a section the caller names; both edit the
//! file as the AWS CLI's writer does, through the handle's I/O.
//!
//! The file is read again when the call is made (not the handle's copy), edited by the core's
//! writer (`config::write`: every other line kept byte for byte), and stored through the core's
//! `config::store`, which replaces the file only if it still holds what was read and otherwise
//! reads and edits it again.

use core::ffi::c_char;

use credchain_core::config::evaluate::select_profile;
use credchain_core::config::set::{self, SetError};
use credchain_core::config::store::{store, StoreError};
use credchain_core::config::write::{Change, Edit, EditError};
use credchain_core::host::StdFs;
use credchain_core::io::{block_on, FsError, FsErrorKind};
use credchain_core::FileKind;

use crate::callbacks::{Broken, CallbackFs};
use crate::config::{credchain_config, HandleEnv};
use crate::error::{opt_str, req_str, Error};
use crate::result::credchain_result;

/// Which shared file to edit: a `CREDCHAIN_FILE_*` value. (A plain integer rather than a C
/// enum, so that any value a caller stores is defined behaviour; others are refused with
/// `CREDCHAIN_RESULT_INVALID_EDIT`.)
pub type credchain_file = u32;

/// The config file (`~/.aws/config`, or `AWS_CONFIG_FILE`).
pub const CREDCHAIN_FILE_CONFIG: credchain_file = 0;

/// The credentials file (`~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`).
pub const CREDCHAIN_FILE_CREDENTIALS: credchain_file = 1;

/// Sets `key` to `value` in the section `section` of one of the shared files the handle was
/// made from (`file`: `CREDCHAIN_FILE_CONFIG` or `CREDCHAIN_FILE_CREDENTIALS`, at the paths
/// located when the handle was made), as the AWS CLI's writer does for `aws configure set`; with
/// `value` NULL, deletes the key's line instead. All strings are NUL-terminated UTF-8.
///
/// `section` is the name as written between the brackets: `default`, `profile dev` or
/// `sso-session corp` in the config file, the bare profile name in the credentials file. Quote
/// a name holding whitespace as the AWS CLI does (`profile 'my profile'`). A section that is not
/// there is added at the end of the file, and a missing file is created.
///
/// What is written: the key's line is replaced by `key = value` where the section has it, and
/// otherwise the line goes after the section's last key; every other line is kept byte for
/// byte (comments, blank lines, line ends). The file is read when this is called, not taken
/// from the handle; the handle's own copy is not updated: make a new handle to read the edit.
///
/// How: with a `credchain_config_new_host` handle, the file is replaced atomically (a
/// temporary file in the same directory, then a rename), keeping an existing file's mode and
/// owner; a new file gets mode 0600 and missing directories 0700; other credchain processes
/// writing the same file wait their turn, and an edit made by another program between the read
/// and the replacement is kept (the file is read and edited again). With a
/// `credchain_config_new_callbacks` handle, the file is read through `read_file` and written
/// through `write_file`, which should then be as atomic and private as it is for caches; the
/// file is read once more just before the write, and edited again if it changed, but nothing
/// serialises writers beyond that.
///
/// Returns `CREDCHAIN_RESULT_INVALID_EDIT` for a line break in `section`, `key` or `value`
/// (the AWS CLI's rule) or an unknown `file`; 21x when the file cannot be read; 300 when it is
/// not UTF-8; 61x when it cannot be written (the file is then as it was). The detailed message
/// (`credchain_config_last_error`) names the file; it never holds the value, which may be a
/// secret.
///
/// Uses the handle as `credchain_config_resolve` does: one thread at a time.
///
/// # Safety
///
/// `cfg` is NULL or a live handle; `section` and `key` are NULL or NUL-terminated; `value` is
/// NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_edit(
    cfg: *const credchain_config,
    file: credchain_file,
    section: *const c_char,
    key: *const c_char,
    value: *const c_char,
) -> credchain_result {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    credchain_config::call(unsafe { cfg.as_ref() }, |cfg| {
        let kind = match file {
            CREDCHAIN_FILE_CONFIG => FileKind::Config,
            CREDCHAIN_FILE_CREDENTIALS => FileKind::Credentials,
            other => {
                return Err(Error::new(
                    credchain_result::InvalidEdit,
                    format!(
                        "invalid edit: file is {other}; use CREDCHAIN_FILE_CONFIG (0) or \
                         CREDCHAIN_FILE_CREDENTIALS (1)"
                    ),
                ))
            }
        };
        // SAFETY: the caller guarantees each string is NULL or NUL-terminated.
        let section = unsafe { req_str(section, "section") }?;
        // SAFETY: as above.
        let key = unsafe { req_str(key, "key") }?;
        // SAFETY: as above.
        let value = unsafe { opt_str(value, "value") }?;
        let change = value.map_or(Change::Remove, Change::Set);
        cfg.store_edit(kind, section, &[(key, change)])
    })
}

/// Sets `name` to `value` as `aws configure set NAME VALUE` does, for the handle's profile
/// (its `credchain_options.profile`, else `AWS_PROFILE`, else `default`): `region` goes to the
/// profile's section of the config file, `default.KEY` and `profile.NAME.KEY` to that profile,
/// `plugins.KEY` to `[plugins]`, a nested `A.B` (`s3.max_concurrent_requests`) under `A =`,
/// and `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` and
/// `aws_security_token` to the credentials file under the bare profile name. A profile name
/// with whitespace is quoted as the AWS CLI quotes it (`[profile 'my profile']`). Both strings
/// are NUL-terminated UTF-8. For `[sso-session]` and `[services]` sections, and to delete a key,
/// use `credchain_config_edit`.
///
/// How the file is written, what the handle sees afterwards, threading and the results are as
/// for `credchain_config_edit`; a name `aws configure set` refuses (`a.b.c`: "Deep nesting of
/// properties is not supported") is `CREDCHAIN_RESULT_INVALID_EDIT`. Unlike the AWS CLI, no
/// warning is printed for a credentials file others may read: the library prints nothing.
///
/// # Safety
///
/// `cfg` is NULL or a live handle; `name` and `value` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_set(
    cfg: *const credchain_config,
    name: *const c_char,
    value: *const c_char,
) -> credchain_result {
    // SAFETY: the caller guarantees cfg is NULL or a live handle.
    credchain_config::call(unsafe { cfg.as_ref() }, |cfg| {
        // SAFETY: the caller guarantees each string is NULL or NUL-terminated.
        let name = unsafe { req_str(name, "name") }?;
        // SAFETY: as above.
        let value = unsafe { req_str(value, "value") }?;
        let profile = cfg.profile_in_effect()?;
        let target = set::target(name, Some(&profile), None).map_err(|e| set_error(&e))?;
        let section = target.section.to_string();
        let nested;
        let change = match target.sub_key {
            Some(sub) => {
                nested = [(sub, value)];
                Change::Nested(&nested)
            }
            None => Change::Set(value),
        };
        cfg.store_edit(target.file, &section, &[(target.key, change)])
    })
}

/// A name `configure set` refuses.
fn set_error(e: &SetError<'_>) -> Error {
    Error::new(credchain_result::InvalidEdit, format!("invalid name: {e}"))
}

impl credchain_config {
    /// Makes one edit of `section` in the shared file `kind` through the handle's I/O.
    fn store_edit(
        &self,
        kind: FileKind,
        section: &str,
        changes: &[(&str, Change<'_>)],
    ) -> Result<(), Error> {
        let edit = Edit { section, changes };
        let path = self.path_of(kind);
        let stored = match (&self.env, &self.callbacks) {
            (HandleEnv::Host(_), _) => block_on(store(&StdFs, path, &[edit])),
            (HandleEnv::Snapshot(_), Some(cb)) => {
                let broken = Broken::default();
                let stored = block_on(store(&CallbackFs::new(cb, &broken), path, &[edit]));
                if let Some(e) = broken.take() {
                    return Err(e);
                }
                stored
            }
            (HandleEnv::Snapshot(_), None) => {
                return Err(Error::internal("a callbacks handle without its callbacks"))
            }
        };
        stored.map(|_| ()).map_err(|e| store_error(&e, path))
    }

    /// The profile in effect, by name (`default` when nothing names one); it need not exist
    /// yet (`configure set` makes it).
    fn profile_in_effect(&self) -> Result<String, Error> {
        let options = self.options.core();
        Ok(select_profile(&options, &self.env).0.to_owned())
    }
}

/// The code and message of a failed store of an edit to the file at `path`.
fn store_error(e: &StoreError<'_>, path: &str) -> Error {
    use credchain_result as R;
    let read = |e: &FsError| match e.kind {
        FsErrorKind::PermissionDenied => R::FilePermissionDenied,
        FsErrorKind::NotAFile => R::FileNotAFile,
        FsErrorKind::TooLarge => R::FileTooLarge,
        _ => R::FileReadFailed,
    };
    let code = match e {
        StoreError::Read(fs) => read(fs),
        StoreError::NotText { .. } => R::ParseNotUtf8,
        StoreError::Edit(EditError::Full) => R::Internal,
        StoreError::Edit(_) => R::InvalidEdit,
        StoreError::Replace(fs) => match fs.kind {
            FsErrorKind::PermissionDenied => R::FileWritePermissionDenied,
            FsErrorKind::Unsupported => R::WriteUnsupported,
            FsErrorKind::NotAFile => R::FileNotAFile,
            FsErrorKind::Busy | FsErrorKind::Changed => R::FileKeptChanging,
            _ => R::FileWriteFailed,
        },
        StoreError::KeptChanging => R::FileKeptChanging,
    };
    let mut message = format!("cannot edit {path}: {e}");
    if code == R::WriteUnsupported {
        message.push_str(" (credchain_callbacks.write_file is NULL: set it to write files)");
    }
    Error::new(code, message)
}
