//! The internal error (a code plus its detailed message), the panic boundary, and the helpers
//! that read C strings and write C buffers.

use core::ffi::{c_char, CStr};
use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use credchain_core::chain::execute::{ExecuteError, ProcessFailure};
use credchain_core::chain::plan::PlanError;
use credchain_core::chain::providers::sso::SsoError;
use credchain_core::config::evaluate::EvaluateError;
use credchain_core::config::load::LoadError;
use credchain_core::config::locate::LocateError;
use credchain_core::config::parse::{ParseError, Problem};
use credchain_core::io::{CommandErrorKind, FsErrorKind};
use credchain_core::services::endpoint::EndpointError;
use credchain_core::services::exchange::FailedExchange;
use credchain_core::services::exchange::{ServiceFailure, ServiceFailureKind};
use credchain_core::services::sts::StsErrorKind;

use crate::result::credchain_result;

/// A failure: the code returned to C and the detailed message kept for the last-error getters,
/// with the AWS CLI's exit status for a failed credential lookup (0 for any other failure).
#[derive(Debug, Clone)]
pub(crate) struct Error {
    pub(crate) code: credchain_result,
    pub(crate) message: String,
    pub(crate) exit_status: u8,
}

impl Error {
    pub(crate) fn new(code: credchain_result, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            exit_status: 0,
        }
    }

    /// The same failure, as a credential lookup the AWS CLI would end with `status`.
    pub(crate) fn with_exit_status(mut self, status: u8) -> Self {
        self.exit_status = status;
        self
    }

    /// A required pointer argument, named `what`, is NULL.
    pub(crate) fn null(what: &str) -> Self {
        Error::new(
            credchain_result::NullParameter,
            format!("null parameter: {what} is NULL; pass a valid pointer"),
        )
    }

    /// A callback broke its contract.
    pub(crate) fn callback(detail: impl core::fmt::Display) -> Self {
        Error::new(
            credchain_result::InvalidCallbackResult,
            format!("invalid callback result: {detail}"),
        )
    }

    /// A state credchain believed impossible.
    pub(crate) fn internal(detail: impl core::fmt::Display) -> Self {
        Error::new(
            credchain_result::Internal,
            format!("internal error: {detail}; this is a bug in credchain, please report it"),
        )
    }

    pub(crate) fn panic(payload: &(dyn Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        Error::new(
            credchain_result::Panic,
            format!("panic: credchain panicked ({what}); this is a bug, please report it"),
        )
    }
}

/// A core error's stable code: the variants of each layer's error mapped onto
/// `credchain_result`. Every such error becomes an [`Error`] with its code and its Display.
trait ResultCode: core::fmt::Display {
    /// The code returned to C for this error.
    fn result_code(&self) -> credchain_result;
}

impl<E: ResultCode> From<E> for Error {
    fn from(e: E) -> Self {
        Error::new(e.result_code(), e.to_string())
    }
}

impl ResultCode for LocateError {
    fn result_code(&self) -> credchain_result {
        match self {
            LocateError::PathTooLong { .. } => credchain_result::PathTooLong,
        }
    }
}

impl ResultCode for LoadError<'_> {
    fn result_code(&self) -> credchain_result {
        match self.error.kind {
            FsErrorKind::PermissionDenied => credchain_result::FilePermissionDenied,
            FsErrorKind::NotAFile => credchain_result::FileNotAFile,
            FsErrorKind::TooLarge => credchain_result::FileTooLarge,
            FsErrorKind::Other
            | FsErrorKind::Unsupported
            | FsErrorKind::Changed
            | FsErrorKind::Busy => credchain_result::FileReadFailed,
        }
    }
}

impl ResultCode for ParseError<'_> {
    fn result_code(&self) -> credchain_result {
        use credchain_result as R;
        match self.problem {
            Problem::NotUtf8 => R::ParseNotUtf8,
            Problem::NotText => R::ParseNotText,
            Problem::ByteOrderMark => R::ParseByteOrderMark,
            Problem::TooLarge => R::ParseFileTooLarge,
            Problem::CapacityExceeded { .. } => R::ParseCapacityExceeded,
            Problem::MissingSectionHeader => R::ParseMissingSectionHeader,
            Problem::DuplicateSection { .. } => R::ParseDuplicateSection,
            Problem::DuplicateKey { .. } => R::ParseDuplicateKey,
            Problem::NotAProperty => R::ParseNotAProperty,
            Problem::EmptyKey => R::ParseEmptyKey,
            Problem::NestedWithoutEquals => R::ParseNestedWithoutEquals,
            Problem::UnterminatedSection => R::ParseUnterminatedSection,
            Problem::OutsideProfile => R::ParseOutsideProfile,
            Problem::ContinuationOutsideProperty => R::ParseContinuationOutsideProperty,
            Problem::ExpectedEquals => R::ParseExpectedEquals,
            Problem::EmptyPropertyName => R::ParseEmptyPropertyName,
            Problem::SubPropertyWithoutEquals => R::ParseSubPropertyWithoutEquals,
            Problem::EmptySubPropertyName => R::ParseEmptySubPropertyName,
        }
    }
}

impl ResultCode for EvaluateError<'_> {
    fn result_code(&self) -> credchain_result {
        match self {
            EvaluateError::ProfileNotFound { .. } => credchain_result::ProfileNotFound,
            EvaluateError::InvalidRegion { .. } => credchain_result::InvalidRegion,
        }
    }
}

impl ResultCode for PlanError<'_> {
    fn result_code(&self) -> credchain_result {
        use credchain_result as R;
        match self {
            PlanError::SourceProfileNotFound { .. } => R::SourceProfileNotFound,
            PlanError::Cycle { .. } => R::SourceProfileCycle,
            PlanError::RoleWithoutSource { .. } => R::RoleWithoutSource,
            PlanError::BothSources { .. } => R::ConflictingRoleSources,
            PlanError::UnknownCredentialSource { .. } => R::UnknownCredentialSource,
            PlanError::PartialCredentials { .. } => R::PartialCredentials,
            PlanError::SourceProfileWithoutCredentials { .. } => R::SourceProfileWithoutCredentials,
            PlanError::WebIdentityWithoutRole { .. } => R::WebIdentityWithoutRole,
            PlanError::SsoIncomplete { .. }
            | PlanError::SsoSessionNotFound { .. }
            | PlanError::SsoInconsistent { .. } => R::InvalidSsoConfig,
            PlanError::MultiLineValue { .. } => R::MultiLineCredentialValue,
            PlanError::ChainTooLong { .. } => R::RoleChainTooLong,
        }
    }
}

/// The code of a failed exchange with a JSON credentials service.
fn service_code(failure: &ServiceFailure) -> credchain_result {
    match failure.kind {
        ServiceFailureKind::Status { .. } => credchain_result::ServiceError,
        ServiceFailureKind::Http { .. } => credchain_result::ServiceUnreachable,
        ServiceFailureKind::EmptyBody { .. }
        | ServiceFailureKind::WrongContentType { .. }
        | ServiceFailureKind::BadBody { .. } => credchain_result::ServiceBadResponse,
    }
}

impl ResultCode for ExecuteError<'_> {
    fn result_code(&self) -> credchain_result {
        use credchain_result as R;
        match self {
            ExecuteError::NoCredentials | ExecuteError::NoneFromMetadata(_) => {
                R::CredentialsNotFound
            }
            ExecuteError::Process { failure, .. } => match &**failure {
                ProcessFailure::BadCommand | ProcessFailure::CommandTooLong => R::ProcessNotStarted,
                ProcessFailure::Run(run) => match run.kind {
                    CommandErrorKind::Timeout => R::ProcessTimeout,
                    CommandErrorKind::TooLarge => R::ProcessBadOutput,
                    CommandErrorKind::NotFound
                    | CommandErrorKind::PermissionDenied
                    | CommandErrorKind::Unsupported
                    | CommandErrorKind::Other => R::ProcessNotStarted,
                },
                ProcessFailure::Exit { .. } => R::ProcessFailed,
                ProcessFailure::BadJson
                | ProcessFailure::UnsupportedVersion(_)
                | ProcessFailure::BadExpiration => R::ProcessBadOutput,
            },
            ExecuteError::Expired { .. } => R::CredentialsExpired,
            ExecuteError::BadExpiration { .. } => R::InvalidExpiration,
            ExecuteError::TooLong(_) => R::InvalidCredential,
            ExecuteError::Endpoint(endpoint) => match endpoint {
                EndpointError::InvalidRegion { .. } => R::InvalidRegion,
                EndpointError::Evaluate(e) => e.result_code(),
                EndpointError::InvalidUrl { .. }
                | EndpointError::UrlTooLong { .. }
                | EndpointError::ServicesSectionNotFound { .. }
                | EndpointError::NoRegion { .. }
                | EndpointError::VariantUnsupported { .. } => R::InvalidEndpoint,
            },
            ExecuteError::Sts(failure) => match failure.kind {
                StsErrorKind::Service { .. } => R::ServiceError,
                StsErrorKind::Http { .. } => R::ServiceUnreachable,
                StsErrorKind::EmptyBody { .. }
                | StsErrorKind::WrongContentType { .. }
                | StsErrorKind::NotXml { .. }
                | StsErrorKind::Malformed { .. } => R::ServiceBadResponse,
                StsErrorKind::RequestTooLong | StsErrorKind::Sign(_) => R::ServiceRequestNotSent,
            },
            ExecuteError::TokenFile { .. } => R::TokenFileUnreadable,
            ExecuteError::Mfa { .. } => R::MfaCodeUnavailable,
            ExecuteError::RetrySetting(_) => R::InvalidRetryConfig,
            ExecuteError::Container(e) => e
                .service_failure()
                .map_or(R::InvalidContainerEndpoint, service_code),
            ExecuteError::InstanceMetadata(e) => e
                .service_failure()
                .map_or(R::InvalidInstanceMetadataConfig, service_code),
            ExecuteError::Sso(e) => match &**e {
                SsoError::RetrySetting(_) => R::InvalidRetryConfig,
                // The portal refusing the token means the session is over: log in again.
                SsoError::Unauthorized { .. } => R::SsoLoginRequired,
                e => e
                    .service_failure()
                    .map_or(R::SsoLoginRequired, service_code),
            },
            ExecuteError::Login(e) => e.service_failure().map_or(R::LoginRequired, service_code),
        }
    }
}

/// Runs `f` behind the panic boundary: a panic becomes `CREDCHAIN_RESULT_PANIC`.
pub(crate) fn boundary(f: impl FnOnce() -> credchain_result) -> credchain_result {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(credchain_result::Panic)
}

/// Runs `f` behind the panic boundary and turns its outcome into a code, handing the detailed
/// message and the exit status of a failure (or a panic) to `record`.
pub(crate) fn run(
    record: impl FnOnce(String, u8),
    f: impl FnOnce() -> Result<(), Error>,
) -> credchain_result {
    let outcome = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(Error::panic(&*p)));
    match outcome {
        Ok(()) => credchain_result::Ok,
        Err(Error {
            code,
            message,
            exit_status,
        }) => {
            // Recording allocates nothing new and cannot panic in practice; guard it anyway.
            let _ = catch_unwind(AssertUnwindSafe(|| record(message, exit_status)));
            code
        }
    }
}

/// Runs `f` behind the panic boundary and returns its outcome's code, recording no message:
/// for the calls whose codes say everything (the accessors, the message getters).
pub(crate) fn code_only(f: impl FnOnce() -> Result<(), Error>) -> credchain_result {
    boundary(|| match f() {
        Ok(()) => credchain_result::Ok,
        Err(e) => e.code,
    })
}

/// Runs `f` behind the panic boundary, recording the message of a failure for the calling
/// thread (for the calls without a handle to keep it in: `credchain_config_new_*`,
/// `credchain_resolver_*`).
pub(crate) fn thread_call(f: impl FnOnce() -> Result<(), Error>) -> credchain_result {
    boundary(|| run(record_thread_error, f))
}

/// Makes a value with `make` and writes it, boxed, to the out-pointer `out` (checked for NULL
/// first, before `make` runs): a new handle, the caller's to free with its `credchain_*_free`.
///
/// # Safety
///
/// `out` is NULL or points to a writable `*mut T`.
pub(crate) unsafe fn write_new<T>(
    out: *mut *mut T,
    make: impl FnOnce() -> Result<T, Error>,
) -> Result<(), Error> {
    // SAFETY: the caller guarantees out is NULL or writable.
    unsafe { write_out(out, "out", || Ok(Box::into_raw(Box::new(make()?)))) }
}

/// Makes a value with `make` and writes it to the out-pointer `out`, the argument `name`
/// (checked for NULL first, before `make` runs); nothing is written when `make` fails.
///
/// # Safety
///
/// `out` is NULL or points to a writable `T`.
pub(crate) unsafe fn write_out<T>(
    out: *mut T,
    name: &'static str,
    make: impl FnOnce() -> Result<T, Error>,
) -> Result<(), Error> {
    if out.is_null() {
        return Err(Error::null(name));
    }
    let value = make()?;
    // SAFETY: out is not NULL (checked) and the caller guarantees it is writable.
    unsafe { out.write(value) };
    Ok(())
}

/// Frees a handle that [`write_new`] made, behind the panic boundary; NULL is ignored.
///
/// # Safety
///
/// `ptr` is NULL or a handle from [`write_new`] not yet freed and used by no one else.
pub(crate) unsafe fn free_new<T>(ptr: *mut T) {
    if ptr.is_null() {
        return;
    }
    let _ = boundary(|| {
        // SAFETY: the caller guarantees a live handle from Box::into_raw in write_new, freed
        // once.
        drop(unsafe { Box::from_raw(ptr) });
        credchain_result::Ok
    });
}

thread_local! {
    /// The detailed message of the last failed `credchain_config_new_*` or resolver call on
    /// this thread.
    static THREAD_LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
    /// Its AWS CLI exit status (0: not a failed credential lookup).
    static THREAD_LAST_EXIT_STATUS: core::cell::Cell<u8> = const { core::cell::Cell::new(0) };
}

/// Records the message and exit status of a failed call without a handle, for this thread.
pub(crate) fn record_thread_error(message: String, exit_status: u8) {
    THREAD_LAST_ERROR.with(|e| *e.borrow_mut() = message);
    THREAD_LAST_EXIT_STATUS.with(|s| s.set(exit_status));
}

/// The exit status recorded by [`record_thread_error`] on this thread.
pub(crate) fn thread_exit_status() -> u8 {
    THREAD_LAST_EXIT_STATUS.with(core::cell::Cell::get)
}

/// The message recorded by [`record_thread_error`] on this thread.
pub(crate) fn with_thread_error<T>(f: impl FnOnce(&str) -> T) -> T {
    THREAD_LAST_ERROR.with(|e| f(&e.borrow()))
}

/// Reads an optional NUL-terminated UTF-8 string argument named `what`.
///
/// # Safety
///
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and unchanged for `'a`.
pub(crate) unsafe fn opt_str<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string valid for 'a.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map(Some).map_err(|e| {
        Error::new(
            credchain_result::InvalidUtf8,
            format!(
                "invalid UTF-8: {what} is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads a required NUL-terminated UTF-8 string argument named `what`.
///
/// # Safety
///
/// As [`opt_str`].
pub(crate) unsafe fn req_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, Error> {
    // SAFETY: the caller's contract is opt_str's.
    unsafe { opt_str(ptr, what) }?.ok_or_else(|| Error::null(what))
}

/// Checks the `(buf, len, out_len)` triple of a string output before any work is done.
pub(crate) fn check_buffer(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    names: (&str, &str),
) -> Result<(), Error> {
    if out_len.is_null() {
        return Err(Error::null(names.1));
    }
    if buf.is_null() && len != 0 {
        return Err(Error::null(names.0));
    }
    Ok(())
}

/// Writes `s` and a NUL into `buf` (`len` bytes), and its length (without the NUL) to
/// `*out_len`. When it does not fit, writes the size needed (with the NUL) to `*out_len`, leaves
/// `buf` untouched and fails with `BufferTooSmall`. `out_len_name` names `out_len` in the error.
///
/// # Safety
///
/// `buf` is NULL with `len` 0, or points to `len` writable bytes; `out_len` is NULL or points
/// to a writable `usize`. Neither overlaps `s`.
pub(crate) unsafe fn write_str(
    s: &str,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    out_len_name: &str,
) -> Result<(), Error> {
    check_buffer(buf, len, out_len, ("buf", out_len_name))?;
    let needed = s.len() + 1;
    if needed > len {
        // SAFETY: out_len is not NULL (checked) and points to a writable usize.
        unsafe { out_len.write(needed) };
        return Err(Error::new(
            credchain_result::BufferTooSmall,
            format!(
                "buffer too small: the output needs {needed} bytes with its NUL and the buffer \
                 holds {len}; call again with a buffer of {needed} bytes"
            ),
        ));
    }
    // SAFETY: buf is not NULL (len >= needed > 0 and check_buffer passed) and holds len >=
    // s.len() + 1 writable bytes that do not overlap s.
    unsafe {
        core::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
        buf.add(s.len()).write(0);
        out_len.write(s.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_str_two_call_pattern() {
        let mut n = 0usize;
        // SAFETY: NULL buffer with length 0, and a valid out_len.
        let e = unsafe { write_str("abc", core::ptr::null_mut(), 0, &mut n, "n") }.unwrap_err();
        assert_eq!((e.code, n), (credchain_result::BufferTooSmall, 4));
        let mut buf = [b'x' as c_char; 4];
        // SAFETY: buf holds 3 (less than its 4) writable bytes.
        let e = unsafe { write_str("abc", buf.as_mut_ptr(), 3, &mut n, "n") }.unwrap_err();
        assert_eq!(
            (e.code, n, buf[0]),
            (credchain_result::BufferTooSmall, 4, b'x' as c_char)
        );
        // SAFETY: buf holds 4 writable bytes.
        unsafe { write_str("abc", buf.as_mut_ptr(), 4, &mut n, "n") }.unwrap();
        assert_eq!((n, buf[3]), (3, 0));
        // SAFETY: a non-zero length with a NULL buffer is refused before any write.
        let e = unsafe { write_str("abc", core::ptr::null_mut(), 4, &mut n, "n") }.unwrap_err();
        assert_eq!(e.code, credchain_result::NullParameter);
    }

    #[test]
    fn panics_become_codes_with_messages() {
        let mut seen = String::new();
        let code = run(|m, _| seen = m, || panic!("boom"));
        assert_eq!(code, credchain_result::Panic);
        assert!(seen.contains("boom"), "{seen}");
    }
}
