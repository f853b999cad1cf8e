//! `Callbacks`: the checked copy of the caller's `credchain_callbacks` a handle keeps, read by
//! its `struct_size` (fields past it count as NULL), and the raw calls through it: the
//! environment, files, the clock, sleep and random numbers.

use core::ffi::{c_char, c_void};
use core::mem::{offset_of, size_of, MaybeUninit};
use std::ffi::CString;

use credchain_core::io::{FsError, FsErrorKind};

use super::buffer::credchain_file_buffer;
use super::types::*;
use super::unknown_status;
use crate::error::Error;
use crate::result::credchain_result;

/// The checked callbacks, as the handle keeps them.
#[derive(Clone, Copy)]
pub(crate) struct Callbacks {
    pub(super) userdata: *mut c_void,
    pub(super) get_env:
        unsafe extern "C" fn(*mut c_void, *const c_char, *mut *const c_char, *mut usize) -> bool,
    pub(super) read_file: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *mut credchain_file_buffer,
    ) -> credchain_read_status,
    pub(super) run_process: credchain_run_process_callback,
    pub(super) http: credchain_http_callback,
    pub(super) now: credchain_now_callback,
    pub(super) write_file: credchain_write_file_callback,
    pub(super) sleep: credchain_sleep_callback,
    pub(super) random: credchain_random_callback,
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
pub(super) const MIN_STRUCT_SIZE: usize = FIELD_ENDS[3];

impl Callbacks {
    /// Reads the caller's struct: the fields within its `struct_size`, the rest as NULL.
    ///
    /// # Safety
    ///
    /// `cb` points to a readable `size_t` holding `struct_size`, followed by the rest of a
    /// `credchain_callbacks` of that size.
    pub(super) unsafe fn from_raw(cb: *const credchain_callbacks) -> Result<Self, Error> {
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
    pub(super) fn write(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
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

    /// The variable `name` through `get_env`, copied.
    pub(super) fn var(&self, name: &str) -> Result<Option<String>, Error> {
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
    pub(super) fn read(&self, path: &str) -> Result<Result<Option<Vec<u8>>, FsError>, Error> {
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
            other => Err(unknown_status(
                "read_file",
                format_args!("{other} for {path}"),
                "READ",
            )),
        }
    }
}
