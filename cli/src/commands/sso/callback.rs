//! The loopback callback of the authorization code flow: the browser comes back to
//! `http://127.0.0.1:<port>/oauth/callback?code=..&state=..` and this takes the code.
//!
//! It listens on 127.0.0.1 only (the listener comes from [`crate::machine::Machine`]), reads
//! one request at a time with a bounded read, answers each GET with the small page of
//! [`CALLBACK_PAGE`], and stops at the first request whose `state` is the one sent: with its
//! `code`, or with its `error`. A request with another state is answered 400 and does not end
//! the wait, so no other program on the machine can end or hijack the sign-in (the AWS CLI
//! ends it with an error; docs/quirks.md). The whole wait is bounded.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use credchain_core::signin::sso::{read_callback, Callback, CALLBACK_PAGE};

/// The longest request head read.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the listener is polled while nothing connects.
const POLL: Duration = Duration::from_millis(50);

/// How the wait ended without a code.
#[derive(Debug, PartialEq, Eq)]
pub enum NoCode {
    /// The browser came back with `error`.
    Error,
    /// Nothing came back in time.
    TimedOut,
    /// The listener failed.
    Listener(io::ErrorKind),
}

/// Waits up to `wait` for the callback carrying `state`, and returns its code.
///
/// # Errors
/// [`NoCode`].
pub fn wait_for_code(
    listener: &TcpListener,
    state: &str,
    wait: Duration,
) -> Result<String, NoCode> {
    listener
        .set_nonblocking(true)
        .map_err(|e| NoCode::Listener(e.kind()))?;
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(outcome) = serve(stream, state, deadline) {
                    return outcome;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
            // A signal, or a connection reset before it was accepted: others may still come.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted
                ) => {}
            Err(e) => return Err(NoCode::Listener(e.kind())),
        }
    }
    Err(NoCode::TimedOut)
}

/// Answers one connection; `Some` when it ends the wait.
fn serve(mut stream: TcpStream, state: &str, deadline: Instant) -> Option<Result<String, NoCode>> {
    let _ = stream.set_nonblocking(false);
    let remaining = deadline.saturating_duration_since(Instant::now());
    let _ = stream.set_read_timeout(Some(
        READ_TIMEOUT.min(remaining).max(Duration::from_millis(1)),
    ));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let head = read_head(&mut stream)?;
    let mut words = head.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (
        words.next().unwrap_or_default(),
        words.next().unwrap_or_default(),
    );
    if method != "GET" {
        respond(&mut stream, "501 Not Implemented", "");
        return None;
    }
    let ends = match read_callback(target) {
        Callback::Code { code, state: got } if got == state => Some(Ok(code)),
        Callback::Error { state: Some(got) } if got == state => Some(Err(NoCode::Error)),
        Callback::Ignored => None,
        Callback::Code { .. } | Callback::Error { .. } => {
            respond(
                &mut stream,
                "400 Bad Request",
                "This sign-in request is not the one credchain is waiting for.\n",
            );
            return None;
        }
    };
    respond(&mut stream, "200 OK", CALLBACK_PAGE);
    ends
}

/// The request head up to its blank line, as text; `None` when it is not read in time, is
/// too long or is not UTF-8.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_REQUEST_HEAD {
            return None;
        }
    }
    String::from_utf8(head).ok()
}

fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let content_type = if body.starts_with("<!DOCTYPE") {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let reply = format!(
        "HTTP/1.0 {status}\r\nServer: credchain\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser going away is not the sign-in failing.
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.flush();
}
