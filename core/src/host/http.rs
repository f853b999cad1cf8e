//! HTTP(S) over ureq (the `ureq` feature).

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
        // A connection that never completed is told apart from an answer that never came:
        // the instance metadata provider gives up on an unreachable service at once.
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            HttpErrorKind::Connect
        }
        ureq::Error::Timeout(_) => HttpErrorKind::Timeout,
        ureq::Error::BodyExceedsLimit(_) => HttpErrorKind::TooLarge,
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => HttpErrorKind::InvalidUrl,
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound | ureq::Error::Tls(_) => {
            HttpErrorKind::Connect
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => HttpErrorKind::Timeout,
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            HttpErrorKind::Connect
        }
        _ => HttpErrorKind::Other,
    }
}

impl Http for UreqHttp {
    type Body = Vec<u8>;

    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let fail = |e: ureq::Error| HttpError { kind: kind_of(&e) };
        let budget = Duration::from_millis(u64::from(request.timeout_ms));
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(budget))
            // A tenth short of the whole budget, so that a connection that never completes is
            // reported as such: ureq names the earliest deadline, and the connect phase starts
            // some milliseconds into the budget (more on a loaded machine).
            .timeout_connect(Some(
                budget.saturating_sub((budget / 10).max(Duration::from_millis(1))),
            ))
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
        // A body announced as over the limit is refused before any of it is read: a
        // server that announces a gigabyte and then stalls would otherwise hold the exchange
        // until the timeout.
        if response
            .body()
            .content_length()
            .is_some_and(|length| length > request.max_body_bytes as u64)
        {
            return Err(HttpError {
                kind: HttpErrorKind::TooLarge,
            });
        }
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
