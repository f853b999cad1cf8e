//! The server's connections: an acceptor thread and a fixed pool of [`MAX_CONNECTIONS`]
//! connection threads, std only.
//!
//! Every bound is here or in [`super::http`]: a connection past the cap is answered 503 at
//! once (without blocking the acceptor) and closed; a request head must arrive whole within
//! [`READ_TIMEOUT`] of its first byte being awaited (a client sending a byte a second is cut
//! off, not waited for forever), an idle keep-alive connection is closed after the same time,
//! and an answer that cannot be written within [`WRITE_TIMEOUT`] closes the connection. One
//! slow or hostile client holds one connection thread, never the others.

use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
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

/// A running server: stopped by [`Running::stop`].
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

/// Starts serving `shared`'s credentials on `listener` to callers holding `token`.
///
/// # Errors
/// A thread cannot be started.
pub fn start(listener: TcpListener, shared: Arc<Shared>, token: String) -> io::Result<Running> {
    let addr = listener.local_addr()?;
    let token: Arc<[u8]> = Arc::from(token.into_bytes());
    let active = Arc::new(AtomicUsize::new(0));
    let (send, receive) = mpsc::channel::<TcpStream>();
    let receive = Arc::new(Mutex::new(receive));
    for _ in 0..MAX_CONNECTIONS {
        let (receive, shared, token, active) = (
            receive.clone(),
            shared.clone(),
            token.clone(),
            active.clone(),
        );
        std::thread::Builder::new()
            .name("credchain-serve".into())
            .stack_size(STACK_BYTES)
            .spawn(move || worker(&receive, &shared, &token, &active))?;
    }
    let stopping = shared.clone();
    let acceptor = std::thread::Builder::new()
        .name("credchain-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if stopping.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    active.fetch_sub(1, Ordering::SeqCst);
                    refuse_busy(stream);
                    continue;
                }
                if send.send(stream).is_err() {
                    break;
                }
            }
        })?;
    Ok(Running {
        addr,
        shared,
        acceptor: Some(acceptor),
    })
}

impl Running {
    /// The address listened on (127.0.0.1 and the port).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections; the ones open close after their current answer or when
    /// their read times out.
    pub fn stop(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wakes the acceptor, blocked in accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
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

fn worker(
    receive: &Mutex<Receiver<TcpStream>>,
    shared: &Shared,
    token: &[u8],
    active: &AtomicUsize,
) {
    let mut buf = vec![0u8; MAX_REQUEST_BYTES];
    let mut out = Vec::with_capacity(4096);
    loop {
        let next = receive.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok(stream) = next else { return };
        let _ = serve_connection(stream, shared, token, &mut buf, &mut out);
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
