//! Host I/O for real machines (the `std` feature), shared by the CLI and the C library.

use std::string::String;
use std::vec::Vec;

use crate::io::{Clock, Env, Fs, FsError, FsErrorKind};

/// The process environment, captured once (reads never change under the core's feet).
#[derive(Debug, Clone, Default)]
pub struct StdEnv {
    vars: Vec<(String, String)>,
}

impl StdEnv {
    /// Captures the current process environment. Variables whose name or value is not UTF-8
    /// are left out.
    #[must_use]
    pub fn new() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        StdEnv { vars }
    }
}

impl Env for StdEnv {
    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The largest file the host reads (the shared files are a few kilobytes in practice).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// `std::fs`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdFs;

impl Fs for StdFs {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        read_file(path)
    }
}

/// Reads a whole file: `Ok(None)` when nothing is there.
pub fn read_file(path: &str) -> Result<Option<Vec<u8>>, FsError> {
    use std::io::ErrorKind;
    let fail = |e: std::io::Error| {
        let kind = match e.kind() {
            ErrorKind::PermissionDenied => FsErrorKind::PermissionDenied,
            ErrorKind::IsADirectory => FsErrorKind::NotAFile,
            _ => FsErrorKind::Other,
        };
        FsError {
            kind,
            os_code: e.raw_os_error(),
        }
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::NotADirectory => {
            return Ok(None)
        }
        Err(e) => return Err(fail(e)),
    };
    if !meta.is_file() {
        return Err(FsError {
            kind: FsErrorKind::NotAFile,
            os_code: None,
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(FsError {
            kind: FsErrorKind::TooLarge,
            os_code: None,
        });
    }
    std::fs::read(path).map(Some).map_err(fail)
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

#[cfg(feature = "ureq")]
pub use http::UreqHttp;

#[cfg(feature = "ureq")]
mod http {
    use std::time::Duration;
    use std::vec::Vec;

    use crate::io::{Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse};

    /// HTTP(S) over ureq: one request per call, the request's timeout over the whole exchange,
    /// no redirects, the body capped at the request's limit. No proxies are read from the
    /// environment, so a test endpoint on 127.0.0.1 is reached directly.
    #[derive(Debug, Clone)]
    pub struct UreqHttp {
        _private: (),
    }

    impl UreqHttp {
        /// A client.
        #[must_use]
        pub fn new() -> Self {
            UreqHttp { _private: () }
        }
    }

    impl Default for UreqHttp {
        fn default() -> Self {
            Self::new()
        }
    }

    fn kind_of(e: &ureq::Error) -> HttpErrorKind {
        match e {
            ureq::Error::Timeout(_) => HttpErrorKind::Timeout,
            ureq::Error::BodyExceedsLimit(_) => HttpErrorKind::TooLarge,
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => HttpErrorKind::InvalidUrl,
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound | ureq::Error::Tls(_) => {
                HttpErrorKind::Connect
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                HttpErrorKind::Timeout
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                HttpErrorKind::Connect
            }
            _ => HttpErrorKind::Other,
        }
    }

    impl Http for UreqHttp {
        type Body = Vec<u8>;

        async fn send(
            &self,
            request: &HttpRequest<'_>,
        ) -> Result<HttpResponse<Vec<u8>>, HttpError> {
            let fail = |e: ureq::Error| HttpError { kind: kind_of(&e) };
            let agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_millis(u64::from(request.timeout_ms))))
                .http_status_as_error(false)
                .max_redirects(0)
                .proxy(None)
                .build()
                .new_agent();
            let mut builder = ureq::http::Request::builder()
                .method(request.method)
                .uri(request.url);
            for (name, value) in request.headers {
                builder = builder.header(*name, *value);
            }
            let built = builder.body(request.body.to_vec()).map_err(|_| HttpError {
                kind: HttpErrorKind::InvalidUrl,
            })?;
            let mut response = agent.run(built).map_err(fail)?;
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| heapless::String::try_from(v).ok());
            let body = response
                .body_mut()
                .with_config()
                .limit(request.max_body_bytes as u64)
                .read_to_vec()
                .map_err(fail)?;
            Ok(HttpResponse {
                status,
                content_type,
                body,
            })
        }
    }
}
