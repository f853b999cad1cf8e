//! Lint: `credchain_lint` runs the core's pure lint of the shared files (the texts the caller
//! read, and their permission bits when it knows them) and returns the findings in an owned
//! `credchain_lint_findings`, read with `credchain_lint_findings_count` and
//! `credchain_lint_findings_get` and freed with `credchain_lint_findings_free`.
//!
//! ```text
//!   config and credentials texts ─▶ config::lint ─▶ credchain_lint_findings ─▶ C structs
//! ```
//!
//! The codes are the same kebab-case strings as in `credchain lint --format json` and the npm
//! package's `lint`.

use core::ffi::c_char;
use std::ffi::CString;

use credchain_core::config::lint::{self, Finding, LintFile};

use crate::error::{boundary, thread_call, write_new, Error};
use crate::result::credchain_result;

/// One finding, as `credchain_lint_findings_get` gives it. Every string is NUL-terminated and
/// owned by the `credchain_lint_findings` it came from: valid until that object is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct credchain_lint_finding {
    /// The stable code, such as "unknown-key" (the CLI's JSON `code`).
    pub code: *const c_char,
    /// "error" (the AWS CLI fails on it), "warning" (likely a mistake, or read differently by
    /// the SDKs) or "info" (worth knowing).
    pub severity: *const c_char,
    /// "config" or "credentials".
    pub file: *const c_char,
    /// The 1-based line; 0 for the file as a whole (its permissions).
    pub line: u32,
    /// What is wrong.
    pub message: *const c_char,
    /// What to do about it.
    pub fix: *const c_char,
}

/// One finding's strings, kept for the C structs to point into.
struct Owned {
    code: CString,
    severity: CString,
    file: CString,
    line: u32,
    message: CString,
    fix: CString,
}

/// The findings of one `credchain_lint`. Opaque; freed by `credchain_lint_findings_free`.
///
/// Immutable once made: any number of threads may read one at once.
pub struct credchain_lint_findings {
    findings: Vec<Owned>,
}

/// A C string of `s`; a NUL byte (from the file's text) is written `\0`.
fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

impl Owned {
    fn new(f: &Finding) -> Self {
        Owned {
            code: c_string(f.code.as_str()),
            severity: c_string(f.severity.as_str()),
            file: c_string(lint::file_name(f.file)),
            line: f.line,
            message: c_string(&f.message),
            fix: c_string(&f.fix),
        }
    }
}

/// The bytes `ptr`..`ptr + len`: `None` for a NULL `ptr` with `len` 0 (no such file).
///
/// # Safety
///
/// `ptr` is NULL with `len` 0, or points to `len` readable bytes that outlive the result.
unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<Option<&'a [u8]>, Error> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Error::null(what))
        };
    }
    // SAFETY: the caller guarantees ptr points to len readable bytes.
    Ok(Some(unsafe { core::slice::from_raw_parts(ptr, len) }))
}

/// Checks the shared files' texts for problems the AWS CLI is silent about or reports late
/// (`credchain lint`): lines the AWS CLI and the SDKs read differently, duplicate sections and
/// keys, unknown keys, `[profile x]` in the credentials file, references that name nothing,
/// role chains that loop, values over several lines, long-term keys in plain text, files
/// readable by group or others. Pure: it reads no file and no variable.
///
/// `config` and `credentials` are the files' bytes (`config_len`, `credentials_len` of them);
/// NULL with length 0 means the file does not exist. `config_mode` and `credentials_mode` are
/// their Unix permission bits (`st_mode`), or -1 when unknown (no permission finding then).
/// On success writes a new `credchain_lint_findings` to `*out`, the caller's to free with
/// `credchain_lint_findings_free`; the texts may be freed as soon as this returns. Thread-safe.
///
/// Returns `CREDCHAIN_RESULT_NULL_PARAMETER` for a NULL `out` or a NULL text with a length
/// (the message is kept for `credchain_thread_last_error`, as for the other calls without a handle).
///
/// # Safety
///
/// Each text pointer is NULL with length 0 or points to that many readable bytes; `out` is NULL
/// or points to a writable `credchain_lint_findings *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_lint(
    config: *const u8,
    config_len: usize,
    config_mode: i64,
    credentials: *const u8,
    credentials_len: usize,
    credentials_mode: i64,
    out: *mut *mut credchain_lint_findings,
) -> credchain_result {
    thread_call(|| {
        // SAFETY: the caller guarantees the text pointers as documented.
        let config = unsafe { text(config, config_len, "config") }?;
        // SAFETY: as above.
        let credentials = unsafe { text(credentials, credentials_len, "credentials") }?;
        let file = |text, mode: i64| LintFile {
            path: "",
            text,
            mode: u32::try_from(mode).ok(),
        };
        // SAFETY: the caller guarantees out is NULL or writable.
        unsafe {
            write_new(out, || {
                let found = lint::lint(
                    file(config, config_mode),
                    file(credentials, credentials_mode),
                );
                Ok(credchain_lint_findings {
                    findings: found.iter().map(Owned::new).collect(),
                })
            })
        }
    })
}

/// The number of findings; 0 for NULL.
///
/// # Safety
///
/// `findings` is NULL or a live `credchain_lint_findings`.
#[no_mangle]
pub unsafe extern "C" fn credchain_lint_findings_count(
    findings: *const credchain_lint_findings,
) -> usize {
    // SAFETY: the caller guarantees findings is NULL or live.
    let findings = unsafe { findings.as_ref() };
    let mut count = 0;
    let _ = boundary(|| {
        count = findings.map_or(0, |f| f.findings.len());
        credchain_result::Ok
    });
    count
}

/// Writes finding `index` (from 0, in file then line order: config file first) to `*out`. Its
/// strings belong to `findings` and stay valid until it is freed. Returns
/// `CREDCHAIN_RESULT_INDEX_OUT_OF_RANGE` (output untouched) when `index` is not below the count.
///
/// # Safety
///
/// `findings` is NULL or a live `credchain_lint_findings`; `out` is NULL or points to a
/// writable `credchain_lint_finding`.
#[no_mangle]
pub unsafe extern "C" fn credchain_lint_findings_get(
    findings: *const credchain_lint_findings,
    index: usize,
    out: *mut credchain_lint_finding,
) -> credchain_result {
    boundary(|| {
        // SAFETY: the caller guarantees findings is NULL or live.
        let Some(findings) = (unsafe { findings.as_ref() }) else {
            return credchain_result::NullParameter;
        };
        if out.is_null() {
            return credchain_result::NullParameter;
        }
        let Some(f) = findings.findings.get(index) else {
            return credchain_result::IndexOutOfRange;
        };
        let finding = credchain_lint_finding {
            code: f.code.as_ptr(),
            severity: f.severity.as_ptr(),
            file: f.file.as_ptr(),
            line: f.line,
            message: f.message.as_ptr(),
            fix: f.fix.as_ptr(),
        };
        // SAFETY: out is not NULL (checked) and the caller guarantees it is writable.
        unsafe { out.write(finding) };
        credchain_result::Ok
    })
}

/// Frees the findings and every string they hold. NULL is accepted and ignored.
///
/// # Safety
///
/// `findings` is NULL or a `credchain_lint_findings` from `credchain_lint` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credchain_lint_findings_free(findings: *mut credchain_lint_findings) {
    // SAFETY: the caller guarantees findings is NULL or from write_new in credchain_lint, freed
    // once.
    unsafe { crate::error::free_new(findings) }
}
