//! The ureq host against servers on 127.0.0.1 that this test starts and that stop by
//! themselves: statuses, content types, the body cap, timeouts, refused connections.
#![cfg(feature = "ureq")]

use std::time::{Duration, Instant};

use credchain_core::host::UreqHttp;
use credchain_core::io::{block_on, Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse};
use credchain_test_support::mock_server::{closed_port_url, Reply, Sequence};

/// Serves one connection: reads the request head, waits `delay`, writes `response`; the URL
/// to ask (`/path?x=1` on the server).
fn serve_once(response: &'static [u8], delay: Duration) -> (String, Sequence) {
    let server = Sequence::once(Reply::bytes(response).after(delay));
    (format!("{}/path?x=1", server.url()), server)
}

fn request(url: &str, timeout_ms: u32, max_body_bytes: usize) -> HttpRequest<'_> {
    HttpRequest {
        method: "GET",
        url,
        headers: &[("x-test", "1")],
        body: b"",
        timeout_ms,
        max_body_bytes,
    }
}

/// Sends [`request`] to `url` through a new ureq host.
fn send(
    url: &str,
    timeout_ms: u32,
    max_body_bytes: usize,
) -> Result<HttpResponse<Vec<u8>>, HttpError> {
    block_on(UreqHttp::new().send(&request(url, timeout_ms, max_body_bytes)))
}

/// Asserts that a request to `server` at `url` (timeout and body cap as given) fails with
/// `kind` in less than `within_ms` milliseconds, and that the server saw the request.
#[track_caller]
fn assert_fails_within(
    server: Sequence,
    url: &str,
    (timeout_ms, max_body_bytes): (u32, usize),
    kind: HttpErrorKind,
    within_ms: u64,
) {
    let started = Instant::now();
    let err = send(url, timeout_ms, max_body_bytes).unwrap_err();
    assert_eq!(err.kind, kind);
    let took = started.elapsed();
    assert!(took < Duration::from_millis(within_ms), "{took:?}");
    server.join_one().expect("a request");
}

/// What a request (2 s timeout, `max_body_bytes` body cap) gets from a server that answers
/// `response` at once; the server, for what it received.
fn answer_at_once(
    response: &'static [u8],
    max_body_bytes: usize,
) -> (Result<HttpResponse<Vec<u8>>, HttpError>, Sequence) {
    let (url, server) = serve_once(response, Duration::ZERO);
    (send(&url, 2000, max_body_bytes), server)
}

#[test]
fn returns_status_content_type_and_body() {
    let (response, server) = answer_at_once(
        b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
        1024,
    );
    let response = response.unwrap();
    assert_eq!(response.status, 404);
    assert_eq!(response.content_type.as_deref(), Some("application/json"));
    assert_eq!(response.body, b"{}");
    let head = server.join_one().expect("a request").raw;
    assert!(
        head.starts_with("GET /path?x=1 HTTP/1.1\r\n") && head.to_lowercase().contains("x-test: 1"),
        "{head}"
    );
}

#[test]
fn caps_the_body() {
    let (response, server) = answer_at_once(
        b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123456789",
        4,
    );
    assert_eq!(response.unwrap_err().kind, HttpErrorKind::TooLarge);
    server.join_one().expect("a request");
}

#[test]
fn refuses_a_body_announced_over_the_cap_without_waiting_for_it() {
    // The server announces a gigabyte, sends three bytes and stalls: the answer is refused at
    // once, not at the timeout.
    let server = Sequence::once(
        Reply::bytes(&b"HTTP/1.1 200 OK\r\ncontent-length: 1073741824\r\n\r\n<a>"[..])
            .then_hold(Duration::from_secs(3)),
    );
    let url = format!("{}/", server.url());
    assert_fails_within(
        server,
        &url,
        (10_000, 65_536),
        HttpErrorKind::TooLarge,
        2000,
    );
}

#[test]
fn times_out_on_a_slow_server() {
    let (url, server) = serve_once(
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
        Duration::from_millis(1500),
    );
    assert_fails_within(server, &url, (200, 1024), HttpErrorKind::Timeout, 1200);
}

#[test]
fn refused_connection_is_a_connect_error() {
    let url = format!("{}/", closed_port_url());
    let err = send(&url, 1000, 1024).unwrap_err();
    assert_eq!(err.kind, HttpErrorKind::Connect);
}
