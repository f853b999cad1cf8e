//! A handle over I/O the C caller supplies: an environment lookup and a file reader, and,
//! optionally, running a process, sending an HTTP request and asking the person at the terminal.
//!
//! The environment is read into a snapshot while `credchain_config_new_callbacks` runs: the core
//! is run (locate, every setting, the credential plan) against the snapshot, every variable it
//! asks for that the snapshot lacks is fetched through the callback, and this repeats until
//! nothing new is asked. Settings queries read the snapshot alone. Resolving credentials
//! (`credchain_config_resolve_credentials`) calls back: a variable the snapshot lacks is fetched
//! then, and files other than the two shared ones (token files), processes and HTTP go through
//! the callbacks. So the handle keeps a copy of the callbacks, and `userdata` must outlive it.
//!
//! The struct is versioned by its leading `struct_size`: fields added later go at its end, and
//! a caller built against an older header passes a smaller size, so credchain reads only the
//! fields the caller knows and treats the rest as NULL.

use core::ffi::{c_char, c_void};
use core::mem::{offset_of, size_of, MaybeUninit};
use std::cell::{Cell, RefCell};
use std::ffi::CString;

use credchain_core::config::load::load;
use credchain_core::config::locate::{locate, Platform};
use credchain_core::host::SystemClock;
use credchain_core::io::{
    block_on, Clock, Command, CommandError, CommandErrorKind, CommandOutput, Env, Fs, FsError,
    FsErrorKind, Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse, Prompt, PromptError,
    MAX_CONTENT_TYPE_LEN,
};
use zeroize::{Zeroize, Zeroizing};

use crate::config::{credchain_config, credchain_options, new_handle, HandleEnv, OwnedOptions};
use crate::error::Error;
use crate::result::credchain_result;

/// What a `credchain_read_file_callback` reports: a `CREDCHAIN_READ_*` value. (A plain integer,
/// so that any value a callback returns is defined behaviour; an unknown one fails the call with
/// `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`.)
#[allow(non_camel_case_types)]
pub type credchain_read_status = i32;

/// The file was read: its bytes are in the buffer (empty if it never called
/// `credchain_file_buffer_alloc`).
pub const CREDCHAIN_READ_OK: credchain_read_status = 0;
/// Nothing exists at the path. Not an error: the file reads as empty, as in the AWS CLI.
pub const CREDCHAIN_READ_NOT_FOUND: credchain_read_status = 1;
/// The file exists but may not be read (`CREDCHAIN_RESULT_FILE_PERMISSION_DENIED`).
pub const CREDCHAIN_READ_PERMISSION_DENIED: credchain_read_status = 2;
/// The path names a directory or another non-file (`CREDCHAIN_RESULT_FILE_NOT_A_FILE`).
pub const CREDCHAIN_READ_NOT_A_FILE: credchain_read_status = 3;
/// The file is larger than the caller accepts (`CREDCHAIN_RESULT_FILE_TOO_LARGE`).
pub const CREDCHAIN_READ_TOO_LARGE: credchain_read_status = 4;
/// Any other failure (`CREDCHAIN_RESULT_FILE_READ_FAILED`).
pub const CREDCHAIN_READ_ERROR: credchain_read_status = 5;

/// What a `credchain_write_file_callback` reports: a `CREDCHAIN_WRITE_*` value (a plain integer;
/// an unknown one counts as `CREDCHAIN_WRITE_ERROR`).
#[allow(non_camel_case_types)]
pub type credchain_write_status = i32;

/// The file was written.
pub const CREDCHAIN_WRITE_OK: credchain_write_status = 0;
/// The file may not be written.
pub const CREDCHAIN_WRITE_PERMISSION_DENIED: credchain_write_status = 1;
/// Any other failure.
pub const CREDCHAIN_WRITE_ERROR: credchain_write_status = 2;

/// Replaces the file at `path` (UTF-8, NUL-terminated) with the `len` bytes at `data`: a cache
/// the AWS CLI shares (an assume-role or web identity result in ~/.aws/cli/cache, a refreshed IAM
/// Identity Center token in ~/.aws/sso/cache, a refreshed console login session in
/// ~/.aws/login/cache). Write it atomically (a temporary file in the same directory, then a
/// rename), readable and writable by the owner only (mode 0600), creating missing parent
/// directories (mode 0700), so that no reader ever sees half a file. The bytes hold secrets:
/// wipe any copy. A failure is not fatal: the credentials are still given, and the next
/// resolution calls the service again.
#[allow(non_camel_case_types)]
pub type credchain_write_file_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        path: *const c_char,
        data: *const u8,
        len: usize,
    ) -> credchain_write_status,
>;

/// The largest file credchain reads, in bytes (1 GiB); the shared files are a few kilobytes in
/// practice. `credchain_file_buffer_alloc` refuses more.
pub const CREDCHAIN_MAX_FILE_BYTES: u64 = 1 << 30;

const _: () = assert!(CREDCHAIN_MAX_FILE_BYTES == credchain_core::host::MAX_FILE_BYTES);

/// Looks up the environment variable `name` (NUL-terminated ASCII, such as "AWS_REGION").
///
/// When it is set, store a pointer to its value in `*value_out` and the value's length in bytes
/// in `*value_len_out` (no NUL needed; NULL is accepted for an empty value) and return true.
/// When it is unset, return false and leave both untouched. The value must stay valid and
/// unchanged until the callback returns to credchain and credchain calls any callback again
/// (credchain copies it at once): a pointer returned by `getenv` is fine.
///
/// A value that is not UTF-8 counts as unset (as the host environment skips such variables); a
/// value holding a NUL byte fails with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`.
#[allow(non_camel_case_types)]
pub type credchain_get_env_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        name: *const c_char,
        value_out: *mut *const c_char,
        value_len_out: *mut usize,
    ) -> bool,
>;

/// Reads the whole file at `path` (NUL-terminated UTF-8, as located from the environment).
///
/// To deliver the bytes, call `credchain_file_buffer_alloc(file, size)` and fill the `size`
/// bytes it returns (the library owns them), then return `CREDCHAIN_READ_OK`. When nothing is
/// at `path`, return `CREDCHAIN_READ_NOT_FOUND`; on failure, the matching `CREDCHAIN_READ_*`.
/// `file` is valid only until the callback returns; do not keep it.
#[allow(non_camel_case_types)]
pub type credchain_read_file_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        path: *const c_char,
        file: *mut credchain_file_buffer,
    ) -> credchain_read_status,
>;

/// What a `credchain_run_process_callback` reports: a `CREDCHAIN_RUN_*` value (a plain integer;
/// an unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
#[allow(non_camel_case_types)]
pub type credchain_run_status = i32;

/// The process ran to its end: its exit code is in `*exit_code_out`, its output in the buffers.
pub const CREDCHAIN_RUN_EXITED: credchain_run_status = 0;
/// The process was ended by a signal; its output so far is in the buffers.
pub const CREDCHAIN_RUN_SIGNALLED: credchain_run_status = 1;
/// The program was not found.
pub const CREDCHAIN_RUN_NOT_FOUND: credchain_run_status = 2;
/// The program may not be run.
pub const CREDCHAIN_RUN_PERMISSION_DENIED: credchain_run_status = 3;
/// It did not finish within `timeout_ms` and was stopped.
pub const CREDCHAIN_RUN_TIMEOUT: credchain_run_status = 4;
/// It wrote more than `max_output_bytes` to a stream and was stopped.
pub const CREDCHAIN_RUN_TOO_LARGE: credchain_run_status = 5;
/// Any other failure to run it.
pub const CREDCHAIN_RUN_ERROR: credchain_run_status = 6;

/// Runs a program for `credential_process`, without a shell: `argv[0]` is the program (a path,
/// or a name to look up in `PATH`), `argv[1..argc]` its arguments, each NUL-terminated UTF-8;
/// `argv[argc]` is NULL. Give it the environment and working directory the program should have
/// and no standard input; stop it after `timeout_ms` milliseconds.
///
/// To deliver its output, call `credchain_buffer_alloc` on `stdout_buf` and `stderr_buf` and
/// fill the bytes (each refuses more than `max_output_bytes`; an empty stream needs no call).
/// When it ran to its end, store its exit code in `*exit_code_out` and return
/// `CREDCHAIN_RUN_EXITED`; otherwise return the matching `CREDCHAIN_RUN_*`. `argv` and the
/// buffers are valid only until the callback returns. Standard output holds credentials: wipe
/// any copy the callback made.
#[allow(non_camel_case_types)]
pub type credchain_run_process_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        argv: *const *const c_char,
        argc: usize,
        timeout_ms: u32,
        max_output_bytes: usize,
        exit_code_out: *mut i32,
        stdout_buf: *mut credchain_buffer,
        stderr_buf: *mut credchain_buffer,
    ) -> credchain_run_status,
>;

/// One request header: both strings NUL-terminated ASCII.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct credchain_http_header {
    /// The name, such as "Content-Type".
    pub name: *const c_char,
    /// The value.
    pub value: *const c_char,
}

/// An HTTP request for a `credchain_http_callback`. Every pointer is valid only until the
/// callback returns. Headers and body may carry signatures and tokens: do not log them.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct credchain_http_request {
    /// "GET", "PUT" or "POST", NUL-terminated.
    pub method: *const c_char,
    /// The full URL (such as `https://sts.us-east-1.amazonaws.com/`), NUL-terminated.
    pub url: *const c_char,
    /// `header_count` headers to send, in order. The callback's HTTP client adds `Host` and
    /// `Content-Length`.
    pub headers: *const credchain_http_header,
    /// How many headers `headers` holds.
    pub header_count: usize,
    /// The body: `body_len` bytes (never NULL, even when empty).
    pub body: *const u8,
    /// The body's length in bytes.
    pub body_len: usize,
    /// The whole exchange must finish within this many milliseconds.
    pub timeout_ms: u32,
    /// A longer response body is `CREDCHAIN_HTTP_TOO_LARGE`.
    pub max_body_bytes: usize,
}

/// What a `credchain_http_callback` reports: a `CREDCHAIN_HTTP_*` value (a plain integer; an
/// unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
#[allow(non_camel_case_types)]
pub type credchain_http_status = i32;

/// A response arrived, whatever its status (4xx and 5xx are responses, not failures).
pub const CREDCHAIN_HTTP_OK: credchain_http_status = 0;
/// The timeout passed.
pub const CREDCHAIN_HTTP_TIMEOUT: credchain_http_status = 1;
/// No connection could be made (refused, unreachable, DNS, TLS).
pub const CREDCHAIN_HTTP_CONNECT: credchain_http_status = 2;
/// The response body was longer than `max_body_bytes`.
pub const CREDCHAIN_HTTP_TOO_LARGE: credchain_http_status = 3;
/// The URL could not be used.
pub const CREDCHAIN_HTTP_INVALID_URL: credchain_http_status = 4;
/// Anything else (a broken connection, a malformed response).
pub const CREDCHAIN_HTTP_ERROR: credchain_http_status = 5;

/// Sends one HTTP request (no redirects, no retries: those are credchain's decisions) and
/// delivers its response: the status code (100-999) in `*status_out`, the `Content-Type`
/// header's value through `credchain_buffer_alloc(content_type, ...)` (no call when there is
/// none; one longer than `CREDCHAIN_MAX_CONTENT_TYPE_LEN` counts as none), the body through
/// `credchain_buffer_alloc(body, ...)` (it refuses more than `request->max_body_bytes`), then
/// return `CREDCHAIN_HTTP_OK`; on failure return the matching `CREDCHAIN_HTTP_*`. The buffers
/// are valid only until the callback returns. Response bodies hold credentials: wipe any copy
/// the callback made.
#[allow(non_camel_case_types)]
pub type credchain_http_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        request: *const credchain_http_request,
        status_out: *mut u16,
        content_type: *mut credchain_buffer,
        body: *mut credchain_buffer,
    ) -> credchain_http_status,
>;

/// The current time, in seconds since the Unix epoch (1970-01-01T00:00:00Z). credchain calls it
/// to judge expiries: of cached and fetched credentials, and of what a `credchain_resolver`
/// holds. For tests and programs with their own notion of time; NULL means the system clock.
#[allow(non_camel_case_types)]
pub type credchain_now_callback = Option<unsafe extern "C" fn(userdata: *mut c_void) -> i64>;

/// Waits `ms` milliseconds, then returns. credchain calls it between the attempts of a retried
/// service call (STS, the IAM Identity Center portal, SSO-OIDC, AWS Sign-In: the AWS CLI's
/// `retry_mode` and `max_attempts`), on the thread of `credchain_config_resolve_credentials`;
/// never when a call succeeds at once. For tests and programs that schedule their own waiting;
/// NULL means the library sleeps the calling thread itself.
#[allow(non_camel_case_types)]
pub type credchain_sleep_callback = Option<unsafe extern "C" fn(userdata: *mut c_void, ms: u32)>;

/// A uniformly distributed random 32-bit number, for the jitter of the waits between retried
/// attempts (nothing secret depends on it). Called once per retry. NULL means the library's own
/// source (the standard library's randomly keyed hash).
#[allow(non_camel_case_types)]
pub type credchain_random_callback = Option<unsafe extern "C" fn(userdata: *mut c_void) -> u32>;

/// The longest `Content-Type` a `credchain_http_callback` may deliver, in bytes.
pub const CREDCHAIN_MAX_CONTENT_TYPE_LEN: usize = 128;

const _: () = assert!(CREDCHAIN_MAX_CONTENT_TYPE_LEN == MAX_CONTENT_TYPE_LEN);

/// What a `credchain_prompt_callback` reports: a `CREDCHAIN_PROMPT_*` value (a plain integer; an
/// unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
#[allow(non_camel_case_types)]
pub type credchain_prompt_status = i32;

/// The person answered: the answer is in the buffer.
pub const CREDCHAIN_PROMPT_OK: credchain_prompt_status = 0;
/// There is nobody to ask.
pub const CREDCHAIN_PROMPT_UNAVAILABLE: credchain_prompt_status = 1;
/// The person gave up.
pub const CREDCHAIN_PROMPT_CANCELLED: credchain_prompt_status = 2;

/// The longest answer a `credchain_prompt_callback` may deliver, in bytes.
pub const CREDCHAIN_MAX_ANSWER_LEN: usize = 1024;

/// Asks the person at the terminal: shows `question` (NUL-terminated UTF-8, such as "Enter MFA
/// code for arn:aws:iam::123456789012:mfa/alice: ") and delivers the line typed through
/// `credchain_buffer_alloc(answer, ...)` as UTF-8 (a trailing "\n" or "\r\n" is removed; at
/// most `CREDCHAIN_MAX_ANSWER_LEN` bytes), then returns `CREDCHAIN_PROMPT_OK`; or returns
/// `CREDCHAIN_PROMPT_UNAVAILABLE` or `CREDCHAIN_PROMPT_CANCELLED`. Called during
/// `credchain_config_resolve_credentials`, on its thread, for the MFA code of a role with
/// `mfa_serial` when no cached credentials serve. The buffer is valid only until the callback
/// returns. Set with `credchain_config_set_prompt`.
#[allow(non_camel_case_types)]
pub type credchain_prompt_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        question: *const c_char,
        answer: *mut credchain_buffer,
    ) -> credchain_prompt_status,
>;

/// The I/O a caller supplies to `credchain_config_new_callbacks`, in place of the process's
/// environment, file system, processes and network (for tests, sandboxes, or a program with its
/// own view). Asking the person for an MFA code is set apart, for either kind of handle, with
/// `credchain_config_set_prompt`. Start from a zeroed struct and set `struct_size`:
///
/// ```c
/// credchain_callbacks cb = {0};
/// cb.struct_size = sizeof cb;
/// cb.userdata = &my_state;
/// cb.get_env = my_get_env;
/// cb.read_file = my_read_file;
/// ```
///
/// Versioning: `struct_size` is `sizeof(credchain_callbacks)` as the caller compiled it. New
/// fields are only ever added at the end; credchain reads the fields that lie wholly within
/// `struct_size` and treats later ones as NULL, so a program built against an older header keeps
/// working. A size too small to hold `read_file` fails with `CREDCHAIN_RESULT_INVALID_STRUCT_SIZE`.
///
/// Contract: credchain calls back only while `credchain_config_new_callbacks` or
/// `credchain_config_resolve_credentials` runs on the handle it made, on the calling thread, one
/// call at a time. The handle keeps a copy of this struct (the struct itself may be discarded
/// after `credchain_config_new_callbacks`), so `userdata` and the functions must stay valid
/// until the handle is freed, or at least until the last `credchain_config_resolve_credentials`
/// on it. Callbacks must return normally (no `longjmp` or C++ exception across credchain).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct credchain_callbacks {
    /// `sizeof(credchain_callbacks)`, as the caller compiled it (see above).
    pub struct_size: usize,
    /// Passed unchanged as the first argument of each callback; credchain never reads it.
    pub userdata: *mut c_void,
    /// The environment lookup. Required.
    pub get_env: credchain_get_env_callback,
    /// The file reader: the shared files when the handle is made; token and cache files when
    /// credentials are resolved. Required.
    pub read_file: credchain_read_file_callback,
    /// Runs `credential_process`. NULL: a profile with `credential_process` fails with
    /// `CREDCHAIN_RESULT_PROCESS_NOT_STARTED` ("this host cannot start processes").
    pub run_process: credchain_run_process_callback,
    /// Sends HTTP requests (STS). NULL: a provider that needs the network fails with
    /// `CREDCHAIN_RESULT_SERVICE_UNREACHABLE`.
    pub http: credchain_http_callback,
    /// The time. NULL: the system clock. (Added in 0.2; a caller built against an earlier
    /// header gets the system clock.)
    pub now: credchain_now_callback,
    /// Writes the caches shared with the AWS CLI. NULL: nothing is written (every resolution
    /// calls the services; refreshed tokens are used but not kept). (Added in 0.2.)
    pub write_file: credchain_write_file_callback,
    /// Waits between retried attempts of a service call (`retry_mode`, `max_attempts`). NULL:
    /// the library sleeps the calling thread. (Added after `write_file`; a caller built against
    /// an earlier header gets the library's sleep.)
    pub sleep: credchain_sleep_callback,
    /// The random numbers of the waits' jitter. NULL: the library's own. (Added after
    /// `write_file`.)
    pub random: credchain_random_callback,
}

/// A buffer credchain owns that a callback fills with bytes it delivers (a process's output, an
/// HTTP response's body or content type, an answer). Opaque; valid only during the callback it
/// is passed to. Each has a limit, documented with its callback.
#[allow(non_camel_case_types)]
pub struct credchain_buffer {
    data: Vec<u8>,
    limit: usize,
    over_limit: bool,
    out_of_memory: bool,
}

impl credchain_buffer {
    pub(crate) fn new(limit: usize) -> Self {
        credchain_buffer {
            data: Vec::new(),
            limit,
            over_limit: false,
            out_of_memory: false,
        }
    }

    /// The bytes delivered, to be wiped when dropped.
    fn take(&mut self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(core::mem::take(&mut self.data))
    }
}

impl Drop for credchain_buffer {
    fn drop(&mut self) {
        self.data.zeroize();
    }
}

/// Allocates `len` bytes (zeroed) in `buf` and returns a pointer to them, for the running
/// callback to fill. The library owns the bytes; the pointer is valid until the callback returns
/// or calls this function again on `buf` (a second call replaces the bytes, wiping the earlier
/// ones). When the callback returns success, what it delivered is the `len` bytes of the last
/// call (nothing when it made none).
///
/// Returns NULL when `buf` is NULL, when `len` exceeds the buffer's limit (the callback's
/// result then counts as "too large", or for a content type as absent), or when memory runs out
/// (the callback's result then counts as a failure).
///
/// # Safety
///
/// `buf` is NULL or a buffer passed to the running callback.
#[no_mangle]
pub unsafe extern "C" fn credchain_buffer_alloc(buf: *mut credchain_buffer, len: usize) -> *mut u8 {
    // SAFETY: the caller guarantees buf is NULL or a live buffer of the running callback, which
    // credchain does not touch until the callback returns.
    let Some(buf) = (unsafe { buf.as_mut() }) else {
        return core::ptr::null_mut();
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        buf.data.zeroize();
        buf.data = Vec::new();
        if len > buf.limit {
            buf.over_limit = true;
            return core::ptr::null_mut();
        }
        // At least one byte of capacity, so that even an empty delivery gets a real pointer.
        if buf.data.try_reserve_exact(len.max(1)).is_err() {
            buf.out_of_memory = true;
            return core::ptr::null_mut();
        }
        buf.data.resize(len, 0);
        buf.over_limit = false;
        buf.out_of_memory = false;
        buf.data.as_mut_ptr()
    }))
    .unwrap_or(core::ptr::null_mut())
}

/// The buffer a `credchain_read_file_callback` fills with a file's bytes. Opaque; owned by
/// credchain and valid only during the callback it is passed to.
#[allow(non_camel_case_types)]
pub struct credchain_file_buffer {
    data: Vec<u8>,
    failure: Option<FsErrorKind>,
}

/// Allocates `len` bytes (zeroed) for the file being read and returns a pointer to them, for a
/// `credchain_read_file_callback` to fill. The library owns the bytes; the pointer is valid
/// until the callback returns or calls this function again (a second call replaces the buffer;
/// the earlier bytes are dropped). When the callback returns `CREDCHAIN_READ_OK`, the file's
/// contents are the `len` bytes of the last call.
///
/// Returns NULL when `file` is NULL, when `len` exceeds `CREDCHAIN_MAX_FILE_BYTES` (the read
/// then fails with `CREDCHAIN_RESULT_FILE_TOO_LARGE` whatever the callback returns), or when
/// memory runs out (`CREDCHAIN_RESULT_FILE_READ_FAILED`).
///
/// # Safety
///
/// `file` is NULL or the buffer passed to the running `credchain_read_file_callback`.
#[no_mangle]
pub unsafe extern "C" fn credchain_file_buffer_alloc(
    file: *mut credchain_file_buffer,
    len: usize,
) -> *mut u8 {
    // SAFETY: the caller guarantees file is NULL or the live buffer of the running callback,
    // which credchain does not touch until the callback returns.
    let Some(file) = (unsafe { file.as_mut() }) else {
        return core::ptr::null_mut();
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        file.data = Vec::new();
        if u64::try_from(len).map_or(true, |l| l > CREDCHAIN_MAX_FILE_BYTES) {
            file.failure = Some(FsErrorKind::TooLarge);
            return core::ptr::null_mut();
        }
        // At least one byte of capacity, so that even an empty file gets a real pointer.
        if file.data.try_reserve_exact(len.max(1)).is_err() {
            file.failure = Some(FsErrorKind::Other);
            return core::ptr::null_mut();
        }
        file.data.resize(len, 0);
        file.failure = None;
        file.data.as_mut_ptr()
    }))
    .unwrap_or(core::ptr::null_mut())
}

/// The checked callbacks, as the handle keeps them.
#[derive(Clone, Copy)]
pub(crate) struct Callbacks {
    userdata: *mut c_void,
    get_env:
        unsafe extern "C" fn(*mut c_void, *const c_char, *mut *const c_char, *mut usize) -> bool,
    read_file: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *mut credchain_file_buffer,
    ) -> credchain_read_status,
    run_process: credchain_run_process_callback,
    http: credchain_http_callback,
    now: credchain_now_callback,
    write_file: credchain_write_file_callback,
    sleep: credchain_sleep_callback,
    random: credchain_random_callback,
}

/// The end of each field of `credchain_callbacks`, in order: a caller's `struct_size` covers a
/// prefix of them.
const FIELD_ENDS: [usize; 10] = [
    offset_of!(credchain_callbacks, struct_size) + size_of::<usize>(),
    offset_of!(credchain_callbacks, userdata) + size_of::<*mut c_void>(),
    offset_of!(credchain_callbacks, get_env) + size_of::<credchain_get_env_callback>(),
    offset_of!(credchain_callbacks, read_file) + size_of::<credchain_read_file_callback>(),
    offset_of!(credchain_callbacks, run_process) + size_of::<credchain_run_process_callback>(),
    offset_of!(credchain_callbacks, http) + size_of::<credchain_http_callback>(),
    offset_of!(credchain_callbacks, now) + size_of::<credchain_now_callback>(),
    offset_of!(credchain_callbacks, write_file) + size_of::<credchain_write_file_callback>(),
    offset_of!(credchain_callbacks, sleep) + size_of::<credchain_sleep_callback>(),
    offset_of!(credchain_callbacks, random) + size_of::<credchain_random_callback>(),
];

/// The smallest `struct_size` accepted: every version has the fields up to `read_file`.
const MIN_STRUCT_SIZE: usize = FIELD_ENDS[3];

impl Callbacks {
    /// Reads the caller's struct: the fields within its `struct_size`, the rest as NULL.
    ///
    /// # Safety
    ///
    /// `cb` points to a readable `size_t` holding `struct_size`, followed by the rest of a
    /// `credchain_callbacks` of that size.
    unsafe fn from_raw(cb: *const credchain_callbacks) -> Result<Self, Error> {
        // SAFETY: the caller guarantees a readable, aligned struct_size at the start.
        let size = unsafe { cb.cast::<usize>().read() };
        if size < MIN_STRUCT_SIZE {
            return Err(Error::new(
                credchain_result::InvalidStructSize,
                format!(
                    "invalid struct size: callbacks->struct_size is {size}, and a \
                     credchain_callbacks holds at least {MIN_STRUCT_SIZE} bytes; set it to \
                     sizeof(credchain_callbacks) (is the struct zeroed and struct_size set?)"
                ),
            ));
        }
        let known = FIELD_ENDS.iter().copied().filter(|&end| end <= size).max();
        let known = known.unwrap_or(MIN_STRUCT_SIZE);
        let mut copy = MaybeUninit::<credchain_callbacks>::zeroed();
        // SAFETY: the caller guarantees `size` readable bytes at cb, and known <= size and
        // known <= size_of::<credchain_callbacks>(); the two do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(cb.cast::<u8>(), copy.as_mut_ptr().cast::<u8>(), known);
        }
        // SAFETY: every field is an integer, a pointer or an optional function pointer, for
        // which all-zero bytes are valid (0, NULL, None), and the copied prefix holds whole
        // fields the caller initialised.
        let cb = unsafe { copy.assume_init() };
        Ok(Callbacks {
            userdata: cb.userdata,
            get_env: cb
                .get_env
                .ok_or_else(|| Error::null("callbacks->get_env"))?,
            read_file: cb
                .read_file
                .ok_or_else(|| Error::null("callbacks->read_file"))?,
            run_process: cb.run_process,
            http: cb.http,
            now: cb.now,
            write_file: cb.write_file,
            sleep: cb.sleep,
            random: cb.random,
        })
    }

    /// Writes a cache file through `write_file`; `Unsupported` when it is NULL.
    fn write(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        let fail = |kind| FsError {
            kind,
            os_code: None,
        };
        let Some(write_file) = self.write_file else {
            return Err(fail(FsErrorKind::Unsupported));
        };
        let Ok(c_path) = CString::new(path) else {
            return Err(fail(FsErrorKind::Other)); // No cache path holds a NUL.
        };
        // SAFETY: the caller of credchain_config_new_callbacks guarantees write_file follows the
        // contract of credchain_write_file_callback; the path and the bytes are valid for the
        // call.
        let status = unsafe {
            write_file(
                self.userdata,
                c_path.as_ptr(),
                contents.as_ptr(),
                contents.len(),
            )
        };
        match status {
            CREDCHAIN_WRITE_OK => Ok(()),
            CREDCHAIN_WRITE_PERMISSION_DENIED => Err(fail(FsErrorKind::PermissionDenied)),
            _ => Err(fail(FsErrorKind::Other)),
        }
    }

    /// The time through `now`, or the system clock when it is NULL.
    pub(crate) fn now_unix(&self) -> i64 {
        match self.now {
            // SAFETY: the caller of credchain_config_new_callbacks guarantees `now` follows
            // the contract of credchain_now_callback.
            Some(now) => unsafe { now(self.userdata) },
            None => SystemClock.now_unix(),
        }
    }

    /// The time in milliseconds: `now`'s seconds when it is set, else the system clock's.
    pub(crate) fn now_millis(&self) -> i64 {
        match self.now {
            Some(_) => self.now_unix().saturating_mul(1000),
            None => SystemClock.now_millis(),
        }
    }

    /// Waits through `sleep`, or sleeps the calling thread when it is NULL.
    pub(crate) fn sleep_ms(&self, ms: u32) {
        match self.sleep {
            // SAFETY: the caller of credchain_config_new_callbacks guarantees `sleep` follows
            // the contract of credchain_sleep_callback.
            Some(sleep) => unsafe { sleep(self.userdata, ms) },
            None => std::thread::sleep(std::time::Duration::from_millis(u64::from(ms))),
        }
    }

    /// A random number through `random`, or the library's own when it is NULL.
    pub(crate) fn random_u32(&self) -> u32 {
        match self.random {
            // SAFETY: the caller of credchain_config_new_callbacks guarantees `random` follows
            // the contract of credchain_random_callback.
            Some(random) => unsafe { random(self.userdata) },
            None => credchain_core::host::random_u32(),
        }
    }

    /// The variable `name` through `get_env`, copied.
    fn var(&self, name: &str) -> Result<Option<String>, Error> {
        let Ok(c_name) = CString::new(name) else {
            return Ok(None); // No variable's name holds a NUL.
        };
        let mut value: *const c_char = core::ptr::null();
        let mut len: usize = 0;
        // SAFETY: the caller of credchain_config_new_callbacks guarantees get_env follows the
        // contract of credchain_get_env_callback; the name and out-pointers are valid for the
        // call.
        let found = unsafe { (self.get_env)(self.userdata, c_name.as_ptr(), &mut value, &mut len) };
        if !found {
            return Ok(None);
        }
        if value.is_null() {
            return match len {
                0 => Ok(Some(String::new())),
                _ => Err(Error::callback(format!(
                    "get_env gave a NULL value of length {len} for {name}"
                ))),
            };
        }
        if isize::try_from(len).is_err() {
            return Err(Error::callback(format!(
                "get_env gave an impossible length {len} for {name}"
            )));
        }
        // SAFETY: by the contract, value points to len readable bytes that stay valid and
        // unchanged until credchain calls a callback again; they are copied before that.
        let bytes = unsafe { core::slice::from_raw_parts(value.cast::<u8>(), len) };
        if bytes.contains(&0) {
            return Err(Error::callback(format!(
                "get_env gave a value holding a NUL byte for {name}"
            )));
        }
        Ok(core::str::from_utf8(bytes).ok().map(String::from))
    }

    /// The file at `path` through `read_file`: the outer error is a broken contract, the inner
    /// one a failure the core reports as a load error.
    #[allow(clippy::type_complexity)]
    fn read(&self, path: &str) -> Result<Result<Option<Vec<u8>>, FsError>, Error> {
        let c_path = CString::new(path)
            .map_err(|_| Error::internal(format!("the path {path:?} holds a NUL byte")))?;
        let mut file = credchain_file_buffer {
            data: Vec::new(),
            failure: None,
        };
        // SAFETY: the caller of credchain_config_new_callbacks guarantees read_file follows the
        // contract of credchain_read_file_callback; path and file are valid for the call.
        let status = unsafe { (self.read_file)(self.userdata, c_path.as_ptr(), &mut file) };
        let fail = |kind| {
            Ok(Err(FsError {
                kind,
                os_code: None,
            }))
        };
        match status {
            CREDCHAIN_READ_OK => match file.failure {
                Some(kind) => fail(kind),
                None => Ok(Ok(Some(file.data))),
            },
            CREDCHAIN_READ_NOT_FOUND => Ok(Ok(None)),
            CREDCHAIN_READ_PERMISSION_DENIED => fail(FsErrorKind::PermissionDenied),
            CREDCHAIN_READ_NOT_A_FILE => fail(FsErrorKind::NotAFile),
            CREDCHAIN_READ_TOO_LARGE => fail(FsErrorKind::TooLarge),
            CREDCHAIN_READ_ERROR => fail(FsErrorKind::Other),
            other => Err(Error::callback(format!(
                "read_file returned {other} for {path}, which is no CREDCHAIN_READ_* value"
            ))),
        }
    }
}

/// The environment as read through the callback: each variable the core asked for, set or not.
/// A variable not yet fetched reads as unset and is remembered, to be fetched by
/// [`SnapshotEnv::fetch_missed`].
#[derive(Debug, Default)]
pub(crate) struct SnapshotEnv {
    vars: Vec<(String, Option<String>)>,
    missed: RefCell<Vec<String>>,
}

impl Env for SnapshotEnv {
    fn var(&self, name: &str) -> Option<&str> {
        if let Some((_, value)) = self.vars.iter().find(|(k, _)| k == name) {
            return value.as_deref();
        }
        let mut missed = self.missed.borrow_mut();
        if !missed.iter().any(|m| m == name) {
            missed.push(String::from(name));
        }
        None
    }
}

impl SnapshotEnv {
    /// The variable `name` when it was fetched (`Some(None)`: fetched and unset), or `None`
    /// when it never was. Records nothing.
    pub(crate) fn lookup(&self, name: &str) -> Option<Option<&str>> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_deref())
    }

    /// Fetches every variable asked for but not yet fetched; returns how many there were.
    fn fetch_missed(&mut self, cb: &Callbacks) -> Result<usize, Error> {
        let missed = self.missed.take();
        let n = missed.len();
        for name in missed {
            let value = cb.var(&name)?;
            self.vars.push((name, value));
        }
        Ok(n)
    }
}

/// The first contract a callback broke during a call: the core sees an I/O failure, and the
/// call then fails with this error instead.
#[derive(Default)]
pub(crate) struct Broken(RefCell<Option<Error>>);

impl Broken {
    fn set(&self, e: Error) {
        let mut slot = self.0.borrow_mut();
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    /// The error, when a callback broke its contract.
    pub(crate) fn take(&self) -> Option<Error> {
        self.0.take()
    }
}

/// The files as read through the callback.
pub(crate) struct CallbackFs<'c> {
    cb: &'c Callbacks,
    broken: &'c Broken,
}

impl<'c> CallbackFs<'c> {
    pub(crate) fn new(cb: &'c Callbacks, broken: &'c Broken) -> Self {
        CallbackFs { cb, broken }
    }
}

impl Fs for CallbackFs<'_> {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        self.cb.read(path).unwrap_or_else(|e| {
            self.broken.set(e);
            Err(FsError {
                kind: FsErrorKind::Other,
                os_code: None,
            })
        })
    }

    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        self.cb.write(path, contents)
    }
}

/// The environment while credentials are resolved: the snapshot taken when the handle was made,
/// and any variable it lacks fetched through `get_env` on first use and kept for the call.
pub(crate) struct ResolveEnv<'c> {
    snapshot: &'c SnapshotEnv,
    cb: &'c Callbacks,
    broken: &'c Broken,
    /// Fetched during this call. Entries are only ever appended, never changed or removed, so
    /// each value's heap bytes stay where they are for as long as `self` lives.
    fetched: RefCell<Vec<Fetched>>,
}

/// A variable fetched while credentials are resolved: its name and value (`None`: unset).
type Fetched = (String, Option<String>);

impl<'c> ResolveEnv<'c> {
    pub(crate) fn new(snapshot: &'c SnapshotEnv, cb: &'c Callbacks, broken: &'c Broken) -> Self {
        ResolveEnv {
            snapshot,
            cb,
            broken,
            fetched: RefCell::new(Vec::new()),
        }
    }
}

impl Env for ResolveEnv<'_> {
    fn var(&self, name: &str) -> Option<&str> {
        if let Some(value) = self.snapshot.lookup(name) {
            return value;
        }
        let known = self.fetched.borrow().iter().any(|(k, _)| k == name);
        if !known {
            let value = self.cb.var(name).unwrap_or_else(|e| {
                self.broken.set(e);
                None
            });
            self.fetched.borrow_mut().push((String::from(name), value));
        }
        let fetched = self.fetched.borrow();
        let value = fetched
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
            .map(|v| v as *const str);
        drop(fetched);
        // SAFETY: the pointer is to the heap bytes of a String held in `fetched`, which is
        // append-only (no entry is ever changed or removed) for the life of self: growing the
        // Vec moves the Strings' headers, not the bytes they own. So the str is valid and
        // unchanged for as long as &self, and nothing takes a mutable borrow of those bytes.
        value.map(|v| unsafe { &*v })
    }
}

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
        argv: &[&str],
        timeout_ms: u32,
        max_output_bytes: usize,
    ) -> Result<CommandOutput<Self::Output>, CommandError> {
        let fail = |kind| {
            Err(CommandError {
                kind,
                os_code: None,
            })
        };
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
                self.broken.set(Error::callback(format!(
                    "run_process returned {other}, which is no CREDCHAIN_RUN_* value"
                )));
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

/// HTTP through the `http` callback.
pub(crate) struct CallbackHttp<'c> {
    cb: &'c Callbacks,
    broken: &'c Broken,
    /// Set when a request was made and there is no `http` callback.
    pub(crate) missing: Cell<bool>,
}

impl<'c> CallbackHttp<'c> {
    pub(crate) fn new(cb: &'c Callbacks, broken: &'c Broken) -> Self {
        CallbackHttp {
            cb,
            broken,
            missing: Cell::new(false),
        }
    }
}

impl Http for CallbackHttp<'_> {
    type Body = Zeroizing<Vec<u8>>;

    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Self::Body>, HttpError> {
        let fail = |kind| Err(HttpError { kind });
        let Some(send) = self.cb.http else {
            self.missing.set(true);
            return fail(HttpErrorKind::Connect);
        };
        let c = |s: &str| {
            CString::new(s).map_err(|_| HttpError {
                kind: HttpErrorKind::InvalidUrl,
            })
        };
        let method = c(request.method)?;
        let url = c(request.url)?;
        let names_values = request
            .headers
            .iter()
            .map(|(k, v)| Ok((c(k)?, c(v)?)))
            .collect::<Result<Vec<_>, HttpError>>()?;
        let headers: Vec<credchain_http_header> = names_values
            .iter()
            .map(|(k, v)| credchain_http_header {
                name: k.as_ptr(),
                value: v.as_ptr(),
            })
            .collect();
        let c_request = credchain_http_request {
            method: method.as_ptr(),
            url: url.as_ptr(),
            headers: headers.as_ptr(),
            header_count: headers.len(),
            body: request.body.as_ptr(),
            body_len: request.body.len(),
            timeout_ms: request.timeout_ms,
            max_body_bytes: request.max_body_bytes,
        };
        let mut status: u16 = 0;
        let mut content_type = credchain_buffer::new(CREDCHAIN_MAX_CONTENT_TYPE_LEN);
        let mut body = credchain_buffer::new(request.max_body_bytes);
        // SAFETY: the caller of credchain_config_new_callbacks guarantees http follows the
        // contract of credchain_http_callback and stays valid while the handle is used; the
        // request and everything it points to, and the outputs, are valid for the call.
        let result = unsafe {
            send(
                self.cb.userdata,
                &c_request,
                &mut status,
                &mut content_type,
                &mut body,
            )
        };
        match result {
            CREDCHAIN_HTTP_OK => {}
            CREDCHAIN_HTTP_TIMEOUT => return fail(HttpErrorKind::Timeout),
            CREDCHAIN_HTTP_CONNECT => return fail(HttpErrorKind::Connect),
            CREDCHAIN_HTTP_TOO_LARGE => return fail(HttpErrorKind::TooLarge),
            CREDCHAIN_HTTP_INVALID_URL => return fail(HttpErrorKind::InvalidUrl),
            CREDCHAIN_HTTP_ERROR => return fail(HttpErrorKind::Other),
            other => {
                self.broken.set(Error::callback(format!(
                    "http returned {other}, which is no CREDCHAIN_HTTP_* value"
                )));
                return fail(HttpErrorKind::Other);
            }
        }
        if !(100..=999).contains(&status) {
            self.broken.set(Error::callback(format!(
                "http returned CREDCHAIN_HTTP_OK with the status {status}, which is no HTTP \
                 status (100-999)"
            )));
            return fail(HttpErrorKind::Other);
        }
        if body.over_limit {
            return fail(HttpErrorKind::TooLarge);
        }
        if body.out_of_memory {
            return fail(HttpErrorKind::Other);
        }
        // No call, an empty one, one over the limit or not UTF-8: no content type.
        let content_type = core::str::from_utf8(&content_type.data)
            .ok()
            .filter(|t| !t.is_empty())
            .and_then(|t| t.try_into().ok());
        Ok(HttpResponse {
            status,
            content_type,
            body: body.take(),
        })
    }
}

/// The prompt a handle was given: the callback and its `userdata`.
#[derive(Clone, Copy)]
pub(crate) struct PromptCallback {
    pub(crate) ask: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *mut credchain_buffer,
    ) -> credchain_prompt_status,
    pub(crate) userdata: *mut c_void,
}

/// Questions asked through the handle's prompt callback, when it has one.
pub(crate) struct CallbackPrompt<'c> {
    prompt: Option<PromptCallback>,
    broken: &'c Broken,
}

impl<'c> CallbackPrompt<'c> {
    pub(crate) fn new(prompt: Option<PromptCallback>, broken: &'c Broken) -> Self {
        CallbackPrompt { prompt, broken }
    }
}

impl Prompt for CallbackPrompt<'_> {
    type Answer = Zeroizing<String>;

    async fn ask(&self, question: &str) -> Result<Self::Answer, PromptError> {
        let Some(PromptCallback { ask, userdata }) = self.prompt else {
            return Err(PromptError::Unavailable);
        };
        let question = CString::new(question.replace('\0', "")).unwrap_or_default();
        let mut answer = credchain_buffer::new(CREDCHAIN_MAX_ANSWER_LEN);
        // SAFETY: the caller of credchain_config_set_prompt guarantees the callback follows the
        // contract of credchain_prompt_callback and stays valid while the handle is used; the
        // question and the buffer are valid for the call.
        let status = unsafe { ask(userdata, question.as_ptr(), &mut answer) };
        let broke = |detail: String| {
            self.broken.set(Error::callback(detail));
            Err(PromptError::Unavailable)
        };
        match status {
            CREDCHAIN_PROMPT_OK => {}
            CREDCHAIN_PROMPT_UNAVAILABLE => return Err(PromptError::Unavailable),
            CREDCHAIN_PROMPT_CANCELLED => return Err(PromptError::Cancelled),
            other => {
                return broke(format!(
                    "prompt returned {other}, which is no CREDCHAIN_PROMPT_* value"
                ))
            }
        }
        if answer.over_limit {
            return broke(format!(
                "prompt gave an answer longer than CREDCHAIN_MAX_ANSWER_LEN \
                 ({CREDCHAIN_MAX_ANSWER_LEN}) bytes"
            ));
        }
        if answer.out_of_memory {
            return Err(PromptError::Unavailable);
        }
        let bytes = answer.take();
        let Ok(text) = core::str::from_utf8(&bytes) else {
            return broke(String::from("prompt gave an answer that is not UTF-8"));
        };
        let line = text.strip_suffix('\n').unwrap_or(text);
        let line = line.strip_suffix('\r').unwrap_or(line);
        Ok(Zeroizing::new(String::from(line)))
    }
}

/// How many rounds of "run the core, fetch what it asked for" a snapshot may take. Each round
/// fetches at least one new variable and the core reads a few dozen, so this is never reached.
const MAX_ROUNDS: usize = 256;

/// Makes a handle over I/O the caller supplies (see `credchain_callbacks` for the contract):
/// the variables that locating the files, every setting and the credential plan consult are
/// fetched through `get_env` and kept, the config and credentials files are located from them
/// (as `credchain_config_new_host` does from the process), read through `read_file` and parsed.
/// A missing file is not an error.
///
/// On success writes the new handle to `*out`; free it with `credchain_config_free`. Later,
/// only `credchain_config_resolve_credentials` calls back. On failure `*out` is untouched and
/// `credchain_thread_last_error` gives the detailed message.
///
/// # Safety
///
/// `callbacks` is NULL or points to a valid `credchain_callbacks` of its `struct_size`, whose
/// functions follow their contracts; `opts` is NULL or points to a valid `credchain_options`;
/// `out` is NULL or points to a writable `credchain_config *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_new_callbacks(
    callbacks: *const credchain_callbacks,
    opts: *const credchain_options,
    out: *mut *mut credchain_config,
) -> credchain_result {
    new_handle(out, || {
        if callbacks.is_null() {
            return Err(Error::null("callbacks"));
        }
        // SAFETY: not NULL, and the caller guarantees a valid credchain_callbacks of the size
        // its struct_size gives.
        let cb = unsafe { Callbacks::from_raw(callbacks) }?;
        // SAFETY: the caller guarantees opts is NULL or valid.
        let options = unsafe { OwnedOptions::read(opts) }?;
        let mut env = SnapshotEnv::default();
        let mut located = None;
        for _ in 0..MAX_ROUNDS {
            let paths = locate(&env, Platform::current(), options.dialect);
            if env.fetch_missed(&cb)? == 0 {
                located = Some(paths?);
                break;
            }
        }
        let paths = located.ok_or_else(|| Error::internal("locate never settled"))?;
        let broken = Broken::default();
        let loaded = block_on(load(&CallbackFs::new(&cb, &broken), &paths));
        if let Some(e) = broken.take() {
            return Err(e);
        }
        let mut handle = credchain_config::new(HandleEnv::Snapshot(env), options, loaded?)?;
        for _ in 0..MAX_ROUNDS {
            handle.resolve_all();
            let HandleEnv::Snapshot(env) = &mut handle.env else {
                return Err(Error::internal("a callback handle without a snapshot"));
            };
            if env.fetch_missed(&cb)? == 0 {
                handle.callbacks = Some(cb);
                return Ok(handle);
            }
        }
        Err(Error::internal("the environment snapshot never settled"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_records_misses_once() {
        let env = SnapshotEnv::default();
        assert_eq!(env.var("A"), None);
        assert_eq!(env.var("A"), None);
        assert_eq!(env.missed.borrow().len(), 1);
    }

    #[test]
    fn file_buffer_limits() {
        let mut file = credchain_file_buffer {
            data: Vec::new(),
            failure: None,
        };
        // SAFETY: file is a live buffer.
        let p = unsafe { credchain_file_buffer_alloc(&mut file, 0) };
        assert!(!p.is_null());
        // SAFETY: as above.
        let p = unsafe { credchain_file_buffer_alloc(&mut file, usize::MAX) };
        assert!(p.is_null());
        assert_eq!(file.failure, Some(FsErrorKind::TooLarge));
        // SAFETY: NULL is accepted.
        assert!(unsafe { credchain_file_buffer_alloc(core::ptr::null_mut(), 1) }.is_null());
    }

    unsafe extern "C" fn no_env(
        _: *mut c_void,
        _: *const c_char,
        _: *mut *const c_char,
        _: *mut usize,
    ) -> bool {
        false
    }

    unsafe extern "C" fn no_file(
        _: *mut c_void,
        _: *const c_char,
        _: *mut credchain_file_buffer,
    ) -> credchain_read_status {
        CREDCHAIN_READ_NOT_FOUND
    }

    unsafe extern "C" fn echo_process(
        _: *mut c_void,
        argv: *const *const c_char,
        argc: usize,
        _: u32,
        _: usize,
        exit_code_out: *mut i32,
        stdout_buf: *mut credchain_buffer,
        _: *mut credchain_buffer,
    ) -> credchain_run_status {
        // SAFETY: credchain passes argc strings and a NULL.
        let last = unsafe { *argv.add(argc) };
        assert!(last.is_null());
        // SAFETY: as above; argv[0] is NUL-terminated.
        let program = unsafe { core::ffi::CStr::from_ptr(*argv) }.to_bytes();
        // SAFETY: stdout_buf is the live buffer of this call.
        let p = unsafe { credchain_buffer_alloc(stdout_buf, program.len()) };
        if !p.is_null() {
            // SAFETY: p holds program.len() bytes.
            unsafe { core::ptr::copy_nonoverlapping(program.as_ptr(), p, program.len()) };
        }
        // SAFETY: exit_code_out is writable. (Over the limit, the result is TooLarge whatever
        // the status says.)
        unsafe { *exit_code_out = 7 };
        CREDCHAIN_RUN_EXITED
    }

    fn callbacks() -> credchain_callbacks {
        credchain_callbacks {
            struct_size: size_of::<credchain_callbacks>(),
            userdata: core::ptr::null_mut(),
            get_env: Some(no_env),
            read_file: Some(no_file),
            run_process: Some(echo_process),
            http: None,
            now: Some(fixed_now),
            write_file: None,
            sleep: None,
            random: None,
        }
    }

    unsafe extern "C" fn fixed_now(_: *mut c_void) -> i64 {
        1_234_567_890
    }

    #[test]
    fn the_clock_is_the_callback_or_the_system() {
        let full = callbacks();
        // SAFETY: a whole struct of its struct_size.
        let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
        assert_eq!(cb.now_unix(), 1_234_567_890);
        // A caller built before `now` existed gets the system clock.
        let old = credchain_callbacks {
            struct_size: offset_of!(credchain_callbacks, now),
            ..full
        };
        // SAFETY: the struct is larger than its struct_size says.
        let cb = unsafe { Callbacks::from_raw(&old) }.unwrap();
        assert!(cb.now_unix() > 1_700_000_000);
    }

    unsafe extern "C" fn no_sleep(_: *mut c_void, _: u32) {}

    unsafe extern "C" fn fixed_random(_: *mut c_void) -> u32 {
        7
    }

    #[test]
    fn sleep_and_random_are_the_callbacks_or_the_library() {
        let full = credchain_callbacks {
            sleep: Some(no_sleep),
            random: Some(fixed_random),
            ..callbacks()
        };
        // SAFETY: a whole struct of its struct_size.
        let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
        assert!(cb.sleep.is_some());
        assert_eq!(cb.random_u32(), 7);
        // `now` is set: milliseconds are its seconds.
        assert_eq!(cb.now_millis(), 1_234_567_890_000);
        // A caller built before sleep and random existed gets the library's.
        let old = credchain_callbacks {
            struct_size: offset_of!(credchain_callbacks, sleep),
            ..full
        };
        // SAFETY: the struct is larger than its struct_size says.
        let cb = unsafe { Callbacks::from_raw(&old) }.unwrap();
        assert!(cb.sleep.is_none() && cb.random.is_none());
        let started = std::time::Instant::now();
        cb.sleep_ms(20);
        assert!(started.elapsed() >= std::time::Duration::from_millis(20));
    }

    #[test]
    fn struct_size_selects_the_fields_read() {
        let full = callbacks();
        // SAFETY: a whole struct of its struct_size.
        let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
        assert!(cb.run_process.is_some());
        // A caller built before run_process existed: the field is not read.
        let old = credchain_callbacks {
            struct_size: MIN_STRUCT_SIZE,
            ..full
        };
        // SAFETY: the struct is larger than its struct_size says.
        let cb = unsafe { Callbacks::from_raw(&old) }.unwrap();
        assert!(cb.run_process.is_none());
        let small = credchain_callbacks {
            struct_size: MIN_STRUCT_SIZE - 1,
            ..full
        };
        // SAFETY: as above.
        let e = unsafe { Callbacks::from_raw(&small) }.err().unwrap();
        assert_eq!(e.code, credchain_result::InvalidStructSize);
    }

    #[test]
    fn processes_run_through_the_callback() {
        let full = callbacks();
        // SAFETY: a whole struct of its struct_size.
        let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
        let broken = Broken::default();
        let command = CallbackCommand::new(&cb, &broken);
        let out = block_on(command.run(&["/bin/helper", "x"], 1000, 64)).unwrap();
        assert_eq!(out.status, Some(7));
        assert_eq!(&**out.stdout, b"/bin/helper");
        assert!(out.stderr.is_empty());
        // Output over the limit is TooLarge.
        let e = block_on(command.run(&["/bin/helper"], 1000, 3)).unwrap_err();
        assert_eq!(e.kind, CommandErrorKind::TooLarge);
        assert!(broken.take().is_none());
    }

    unsafe extern "C" fn answer(
        _: *mut c_void,
        _: *const c_char,
        answer: *mut credchain_buffer,
    ) -> credchain_prompt_status {
        // SAFETY: answer is the live buffer of this call.
        let p = unsafe { credchain_buffer_alloc(answer, 8) };
        // SAFETY: p holds 8 bytes.
        unsafe { core::ptr::copy_nonoverlapping(b"123456\r\n".as_ptr(), p, 8) };
        CREDCHAIN_PROMPT_OK
    }

    #[test]
    fn prompts_strip_the_line_ending() {
        let broken = Broken::default();
        let prompt = CallbackPrompt::new(
            Some(PromptCallback {
                ask: answer,
                userdata: core::ptr::null_mut(),
            }),
            &broken,
        );
        assert_eq!(block_on(prompt.ask("code: ")).unwrap().as_str(), "123456");
        let none = CallbackPrompt::new(None, &broken);
        assert_eq!(
            block_on(none.ask("code: ")).unwrap_err(),
            PromptError::Unavailable
        );
    }

    #[test]
    fn resolve_env_fetches_once_and_keeps_values_in_place() {
        let full = callbacks();
        // SAFETY: a whole struct of its struct_size.
        let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
        let broken = Broken::default();
        let snapshot = SnapshotEnv {
            vars: vec![(String::from("A"), Some(String::from("1")))],
            missed: RefCell::default(),
        };
        let env = ResolveEnv::new(&snapshot, &cb, &broken);
        let a = env.var("A");
        for i in 0..100 {
            assert_eq!(env.var(&format!("V{i}")), None);
        }
        assert_eq!((a, env.var("A")), (Some("1"), Some("1")));
        assert_eq!(env.fetched.borrow().len(), 100);
    }
}
