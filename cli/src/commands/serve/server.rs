//! The server's connections: a fixed pool of [`MAX_CONNECTIONS`] + 1 threads, std only, each
//! accepting on the listener for itself and serving what it accepted (no hand-over from an
//! acceptor thread: a new connection costs one wake-up, not two, which is most of a short
//! connection's time on loopback).
//!
//! Every bound is here or in [`super::http`]: a connection past the cap (it finds all but the
//! spare thread busy) is answered 503 at once and closed, so the spare thread is always free to
//! do that; a request head must arrive whole within [`READ_TIMEOUT`] of its first byte being
//! awaited (a client sending a byte a second is cut off, not waited for forever), an idle
//! keep-alive connection is closed after the same time, and an answer that cannot be written
//! within [`WRITE_TIMEOUT`] closes the connection. One slow or hostile client holds one
//! connection thread, never the others.

use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::http::{self, Answer, Read, MAX_REQUEST_BYTES};
use super::resolver::Shared;

/// The most connections served at once; one more is answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 64;
/// How long a request head may take to arrive, and an idle keep-alive connection may wait.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long writing one answer may take.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// The stack of a connection thread (it holds one request buffer).
const STACK_BYTES: usize = 64 * 1024;
/// The connection threads: one per connection served at once, and the spare that answers 503.
const THREADS: usize = MAX_CONNECTIONS + 1;

/// A running server: stopped by [`Running::stop`].
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

/// Starts serving `shared`'s credentials on `listener` to callers holding `token`.
///
/// # Errors
/// The listener cannot be shared between threads, or a thread cannot be started.
pub fn start(listener: TcpListener, shared: Arc<Shared>, token: String) -> io::Result<Running> {
    let addr = listener.local_addr()?;
    let listener = Arc::new(listener);
    let token: Arc<[u8]> = Arc::from(token.into_bytes());
    let active = Arc::new(AtomicUsize::new(0));
    for _ in 0..THREADS {
        let (listener, shared, token, active) = (
            listener.clone(),
            shared.clone(),
            token.clone(),
            active.clone(),
        );
        std::thread::Builder::new()
            .name("credchain-serve".into())
            .stack_size(STACK_BYTES)
            .spawn(move || worker(&listener, &shared, &token, &active))?;
    }
    Ok(Running { addr, shared })
}

impl Running {
    /// The address listened on (127.0.0.1 and the port).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections: a connection accepted from now on is closed unanswered,
    /// and the ones open close after their current answer or when their read times out.
    pub fn stop(self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wakes the threads blocked in accept, one connection each; a thread busy now sees
        // the flag before it accepts again.
        for _ in 0..THREADS {
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_err() {
                break;
            }
        }
    }
}

/// 503 to a connection past the cap, without waiting on it.
fn refuse_busy(stream: TcpStream) {
    let mut out = Vec::new();
    http::write_response(
        &mut out,
        Answer::Busy,
        Answer::Busy.error_body().as_bytes(),
        false,
    );
    if stream.set_nonblocking(true).is_ok() {
        let _ = (&stream).write(&out);
    }
}

fn worker(listener: &TcpListener, shared: &Shared, token: &[u8], active: &AtomicUsize) {
    let mut buf = vec![0u8; MAX_REQUEST_BYTES];
    let mut out = Vec::with_capacity(4096);
    while !shared.stopping.load(Ordering::SeqCst) {
        let Ok((stream, _)) = listener.accept() else {
            // Out of descriptors, say: try again shortly rather than spin.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            refuse_busy(stream);
        } else {
            let _ = serve_connection(stream, shared, token, &mut buf, &mut out);
        }
        active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers the requests of one connection until it closes, errs, times out or asks to close.
fn serve_connection(
    mut stream: TcpStream,
    shared: &Shared,
    token: &[u8],
    buf: &mut [u8],
    out: &mut Vec<u8>,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let mut filled = 0;
    loop {
        let deadline = Instant::now() + READ_TIMEOUT;
        let (answer, keep_alive, used) = loop {
            match http::read_request(&buf[..filled]) {
                Read::Incomplete => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() || shared.stopping.load(Ordering::SeqCst) {
                        return Ok(());
                    }
                    stream.set_read_timeout(Some(left))?;
                    let n = stream.read(&mut buf[filled..])?;
                    if n == 0 {
                        return Ok(());
                    }
                    filled += n;
                }
                Read::Refused(refusal) => break (Answer::Refused(refusal), false, filled),
                Read::Request(request) => {
                    let keep = request.keep_alive && !shared.stopping.load(Ordering::SeqCst);
                    break (http::decide(&request, token), keep, request.len);
                }
            }
        };
        out.clear();
        match answer {
            Answer::Credentials => match shared.credentials() {
                Ok(body) => http::write_response(out, Answer::Credentials, &body, keep_alive),
                Err(_) => {
                    let body = Answer::Unavailable.error_body().as_bytes();
                    http::write_response(out, Answer::Unavailable, body, keep_alive);
                }
            },
            // Only a request read whole, with the token, keeps its connection after an error.
            Answer::NotFound | Answer::MethodNotAllowed => {
                http::write_response(out, answer, answer.error_body().as_bytes(), keep_alive);
            }
            _ => http::write_response(out, answer, answer.error_body().as_bytes(), false),
        }
        stream.write_all(out)?;
        let keeps = keep_alive
            && !matches!(
                answer,
                Answer::Unauthorized | Answer::Forbidden | Answer::Refused(_)
            );
        if !keeps {
            let _ = stream.shutdown(std::net::Shutdown::Write);
            return Ok(());
        }
        buf.copy_within(used..filled, 0);
        filled -= used;
    }
}
