//! The `Http` adapter over the `http` callback: the request laid out as a
//! `credchain_http_request`, the response read back from its buffers.

use std::cell::Cell;
use std::ffi::CString;

use credchain_core::io::{Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse};
use zeroize::Zeroizing;

use super::buffer::credchain_buffer;
use super::table::Callbacks;
use super::types::*;
use super::Broken;
use crate::error::Error;

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
        if result != CREDCHAIN_HTTP_OK {
            let kind = failure_kind(result).unwrap_or_else(|| {
                self.broken.unknown_status("http", result, "HTTP");
                HttpErrorKind::Other
            });
            return fail(kind);
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

/// The failure a `CREDCHAIN_HTTP_*` status other than `CREDCHAIN_HTTP_OK` reports; `None` for
/// a value that is none of them.
fn failure_kind(status: credchain_http_status) -> Option<HttpErrorKind> {
    Some(match status {
        CREDCHAIN_HTTP_TIMEOUT => HttpErrorKind::Timeout,
        CREDCHAIN_HTTP_CONNECT => HttpErrorKind::Connect,
        CREDCHAIN_HTTP_TOO_LARGE => HttpErrorKind::TooLarge,
        CREDCHAIN_HTTP_INVALID_URL => HttpErrorKind::InvalidUrl,
        CREDCHAIN_HTTP_ERROR => HttpErrorKind::Other,
        _ => return None,
    })
}
