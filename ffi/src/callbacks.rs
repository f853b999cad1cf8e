//! A handle over I/O the C caller supplies: an environment lookup and a file reader.
//!
//! The callbacks run only inside `credchain_config_new_callbacks`. The environment is read into
//! a snapshot there: the core is run (locate, then every setting) against the snapshot, every
//! variable it asks for that the snapshot lacks is fetched through the callback, and this repeats
//! until nothing new is asked. Later queries read the snapshot alone, so the handle never calls
//! back and `userdata` need not outlive the call.

use core::ffi::{c_char, c_void};
use std::cell::RefCell;
use std::ffi::CString;

use credchain_core::io::{block_on, Env, Fs, FsError, FsErrorKind};
use credchain_core::load::load;
use credchain_core::locate::{locate, Platform};

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

/// The I/O a caller supplies to `credchain_config_new_callbacks`, in place of the process's
/// environment and file system (for tests, sandboxes, or a program with its own view).
///
/// Contract: credchain calls `get_env` and `read_file` only while
/// `credchain_config_new_callbacks` runs, on the calling thread, one call at a time, and keeps
/// neither the functions nor `userdata` afterwards. The struct itself is read during that call
/// only. Callbacks must return normally (no `longjmp` or C++ exception across credchain).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct credchain_callbacks {
    /// Passed unchanged as the first argument of each callback; credchain never reads it.
    pub userdata: *mut c_void,
    /// The environment lookup. Required.
    pub get_env: credchain_get_env_callback,
    /// The file reader. Required.
    pub read_file: credchain_read_file_callback,
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

/// The checked callbacks.
#[derive(Clone, Copy)]
struct Callbacks {
    userdata: *mut c_void,
    get_env:
        unsafe extern "C" fn(*mut c_void, *const c_char, *mut *const c_char, *mut usize) -> bool,
    read_file: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *mut credchain_file_buffer,
    ) -> credchain_read_status,
}

impl Callbacks {
    fn new(cb: &credchain_callbacks) -> Result<Self, Error> {
        Ok(Callbacks {
            userdata: cb.userdata,
            get_env: cb
                .get_env
                .ok_or_else(|| Error::null("callbacks->get_env"))?,
            read_file: cb
                .read_file
                .ok_or_else(|| Error::null("callbacks->read_file"))?,
        })
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

/// The files as read through the callback.
struct CallbackFs {
    cb: Callbacks,
    broken: RefCell<Option<Error>>,
}

impl Fs for CallbackFs {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        self.cb.read(path).unwrap_or_else(|e| {
            *self.broken.borrow_mut() = Some(e);
            Err(FsError {
                kind: FsErrorKind::Other,
                os_code: None,
            })
        })
    }
}

/// How many rounds of "run the core, fetch what it asked for" a snapshot may take. Each round
/// fetches at least one new variable and the core reads a few dozen, so this is never reached.
const MAX_ROUNDS: usize = 256;

/// Makes a handle over I/O the caller supplies (see `credchain_callbacks` for the contract):
/// the variables the resolution consults are fetched through `get_env` and kept, the config and
/// credentials files are located from them (as `credchain_config_new_host` does from the
/// process), read through `read_file` and parsed. A missing file is not an error.
///
/// On success writes the new handle to `*out`; free it with `credchain_config_free`. No callback
/// is called after this function returns. On failure `*out` is untouched and
/// `credchain_thread_last_error` gives the detailed message.
///
/// # Safety
///
/// `callbacks` is NULL or points to a valid `credchain_callbacks` whose functions follow their
/// contracts; `opts` is NULL or points to a valid `credchain_options`; `out` is NULL or points
/// to a writable `credchain_config *`.
#[no_mangle]
pub unsafe extern "C" fn credchain_config_new_callbacks(
    callbacks: *const credchain_callbacks,
    opts: *const credchain_options,
    out: *mut *mut credchain_config,
) -> credchain_result {
    new_handle(out, || {
        // SAFETY: the caller guarantees callbacks is NULL or valid for reads.
        let cb = unsafe { callbacks.as_ref() }.ok_or_else(|| Error::null("callbacks"))?;
        let cb = Callbacks::new(cb)?;
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
        let fs = CallbackFs {
            cb,
            broken: RefCell::new(None),
        };
        let loaded = block_on(load(&fs, &paths));
        if let Some(e) = fs.broken.take() {
            return Err(e);
        }
        let mut handle = credchain_config::new(HandleEnv::Snapshot(env), options, loaded?)?;
        for _ in 0..MAX_ROUNDS {
            handle.resolve_all();
            let HandleEnv::Snapshot(env) = &mut handle.env else {
                return Err(Error::internal("a callback handle without a snapshot"));
            };
            if env.fetch_missed(&cb)? == 0 {
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
}
