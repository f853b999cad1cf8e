//! The C side of the callbacks: the function types a caller implements, the `CREDCHAIN_*`
//! statuses they report and the limits they keep, and `credchain_callbacks`, the table of them.

use core::ffi::{c_char, c_void};

use credchain_core::io::MAX_CONTENT_TYPE_LEN;

use super::buffer::{credchain_buffer, credchain_file_buffer};

/// What a `credchain_read_file_callback` reports: a `CREDCHAIN_READ_*` value. (A plain integer,
/// so that any value a callback returns is defined behaviour; an unknown one fails the call with
/// `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`.)
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
pub type credchain_read_file_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        path: *const c_char,
        file: *mut credchain_file_buffer,
    ) -> credchain_read_status,
>;

/// What a `credchain_run_process_callback` reports: a `CREDCHAIN_RUN_*` value (a plain integer;
/// an unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
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
pub type credchain_now_callback = Option<unsafe extern "C" fn(userdata: *mut c_void) -> i64>;

/// Waits `ms` milliseconds, then returns. credchain calls it between the attempts of a retried
/// service call (STS, the IAM Identity Center portal, SSO-OIDC, AWS Sign-In: the AWS CLI's
/// `retry_mode` and `max_attempts`), on the thread of `credchain_config_resolve_credentials`;
/// never when a call succeeds at once. For tests and programs that schedule their own waiting;
/// NULL means the library sleeps the calling thread itself.
pub type credchain_sleep_callback = Option<unsafe extern "C" fn(userdata: *mut c_void, ms: u32)>;

/// A uniformly distributed random 32-bit number, for the jitter of the waits between retried
/// attempts (nothing secret depends on it). Called once per retry. NULL means the library's own
/// source (the standard library's randomly keyed hash).
pub type credchain_random_callback = Option<unsafe extern "C" fn(userdata: *mut c_void) -> u32>;

/// The longest `Content-Type` a `credchain_http_callback` may deliver, in bytes.
pub const CREDCHAIN_MAX_CONTENT_TYPE_LEN: usize = 128;

const _: () = assert!(CREDCHAIN_MAX_CONTENT_TYPE_LEN == MAX_CONTENT_TYPE_LEN);

/// What a `credchain_prompt_callback` reports: a `CREDCHAIN_PROMPT_*` value (a plain integer; an
/// unknown one fails the call with `CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT`).
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
