//! The `Command` adapter over `run_process`, for `credential_process`.

use core::ffi::c_char;
use std::ffi::CString;

use credchain_core::io::{Command, CommandError, CommandErrorKind, CommandOutput, CommandRequest};
use zeroize::Zeroizing;

use super::buffer::credchain_buffer;
use super::table::Callbacks;
use super::types::*;
use super::Broken;

/// Processes run through the `run_process` callback.
pub(crate) struct CallbackCommand<'c> {
    cb: &'c Callbacks,
    broken: &'c Broken,
}

impl<'c> CallbackCommand<'c> {
    pub(crate) fn new(cb: &'c Callbacks, broken: &'c Broken) -> Self {
        CallbackCommand { cb, broken }
    }

    /// Whether the caller supplied `run_process`.
    pub(crate) fn supported(&self) -> bool {
        self.cb.run_process.is_some()
    }
}

impl Command for CallbackCommand<'_> {
    type Output = Zeroizing<Vec<u8>>;

    async fn run(
        &self,
        request: &CommandRequest<'_>,
    ) -> Result<CommandOutput<Self::Output>, CommandError> {
        let fail = |kind| Err(CommandError::new(kind));
        let CommandRequest {
            argv,
            timeout_ms,
            max_output_bytes,
        } = *request;
        let Some(run) = self.cb.run_process else {
            return fail(CommandErrorKind::Unsupported);
        };
        // A shell word from a text file never holds NUL; if one did, it could not be passed.
        let Ok(args) = argv
            .iter()
            .map(|a| CString::new(*a))
            .collect::<Result<Vec<_>, _>>()
        else {
            return fail(CommandErrorKind::Other);
        };
        let mut pointers: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
        pointers.push(core::ptr::null());
        let mut exit_code: i32 = 0;
        let mut stdout = credchain_buffer::new(max_output_bytes);
        let mut stderr = credchain_buffer::new(max_output_bytes);
        // SAFETY: the caller of credchain_config_new_callbacks guarantees run_process follows
        // the contract of credchain_run_process_callback and stays valid while the handle is
        // used; argv holds argc NUL-terminated strings and a NULL, and every pointer is valid
        // for the call.
        let status = unsafe {
            run(
                self.cb.userdata,
                pointers.as_ptr(),
                args.len(),
                timeout_ms,
                max_output_bytes,
                &mut exit_code,
                &mut stdout,
                &mut stderr,
            )
        };
        let ended = match status {
            CREDCHAIN_RUN_EXITED => Some(exit_code),
            CREDCHAIN_RUN_SIGNALLED => None,
            CREDCHAIN_RUN_NOT_FOUND => return fail(CommandErrorKind::NotFound),
            CREDCHAIN_RUN_PERMISSION_DENIED => return fail(CommandErrorKind::PermissionDenied),
            CREDCHAIN_RUN_TIMEOUT => return fail(CommandErrorKind::Timeout),
            CREDCHAIN_RUN_TOO_LARGE => return fail(CommandErrorKind::TooLarge),
            CREDCHAIN_RUN_ERROR => return fail(CommandErrorKind::Other),
            other => {
                self.broken.unknown_status("run_process", other, "RUN");
                return fail(CommandErrorKind::Other);
            }
        };
        if stdout.over_limit || stderr.over_limit {
            return fail(CommandErrorKind::TooLarge);
        }
        if stdout.out_of_memory || stderr.out_of_memory {
            return fail(CommandErrorKind::Other);
        }
        Ok(CommandOutput {
            status: ended,
            stdout: stdout.take(),
            stderr: stderr.take(),
        })
    }
}
