//! The buffers credchain owns and a running callback fills with the bytes it delivers:
//! `credchain_buffer` (a process's output, an HTTP response, an answer) and
//! `credchain_file_buffer` (a file), with their `_alloc` functions. Bytes that may carry secrets
//! are wiped when dropped.

use credchain_core::io::FsErrorKind;
use zeroize::{Zeroize, Zeroizing};

use super::types::CREDCHAIN_MAX_FILE_BYTES;

/// A buffer credchain owns that a callback fills with bytes it delivers (a process's output, an
/// HTTP response's body or content type, an answer). Opaque; valid only during the callback it
/// is passed to. Each has a limit, documented with its callback.
pub struct credchain_buffer {
    pub(super) data: Vec<u8>,
    limit: usize,
    pub(super) over_limit: bool,
    pub(super) out_of_memory: bool,
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
    pub(super) fn take(&mut self) -> Zeroizing<Vec<u8>> {
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
pub struct credchain_file_buffer {
    pub(super) data: Vec<u8>,
    pub(super) failure: Option<FsErrorKind>,
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
