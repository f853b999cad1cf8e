//! HTTP servers on 127.0.0.1 standing in for AWS endpoints (STS, SSO, Sign-In, the metadata
//! services). They listen on the loopback interface only, on a port the system picks, and stop
//! by themselves: every wait for a connection and every read is bounded, and
//! [`Sequence::join`] gives up after a bound too, so a test never hangs.
//!
//! - [`Sequence`] serves a fixed list of [`Reply`]s, one a connection, in order, and then
//!   stops; [`Sequence::join`] yields the [`Request`]s it received.
//! - [`Repeating`] serves a list of responses in order and the last one again to every later
//!   request, until it is dropped; [`Repeating::requests`] is what it received so far.
//! - [`closed_port_url`] and [`Unconnectable`] are endpoints that refuse, or never complete, a
//!   connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a [`Sequence`] waits for each connection before it stops, unless told otherwise.
pub const ACCEPT_FOR: Duration = Duration::from_secs(10);
/// Every read from a client gives up after this.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a [`Repeating`] server runs, whatever the test does.
pub const REPEATING_FOR: Duration = Duration::from_secs(60);

/// A request as a server received it.
#[derive(Debug, Default, Clone)]
pub struct Request {
    /// The method of the request line.
    pub method: String,
    /// The target of the request line (path and query).
    pub path: String,
    /// The header fields, (lower-case name, trimmed value), in order.
    pub headers: Vec<(String, String)>,
    /// The body, as long as its `content-length` says (as text, lossily).
    pub body: String,
    /// Everything read from the connection (head and body), as text, lossily.
    pub raw: String,
}

impl Request {
    /// The value of the first header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body's `application/x-www-form-urlencoded` fields, percent-decoded, in order.
    pub fn form(&self) -> Vec<(String, String)> {
        self.body
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }

    /// A request read back from the text a server received, head and body (as
    /// [`Repeating::requests`] gives it).
    pub fn parse(raw: &str) -> Request {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        Request {
            body: body.to_owned(),
            raw: raw.to_owned(),
            ..Request::head(head)
        }
    }

    /// The request line and header fields of `head`; no body.
    fn head(head: &str) -> Request {
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let mut request = Request {
            method: request_line.next().unwrap_or_default().into(),
            path: request_line.next().unwrap_or_default().into(),
            ..Request::default()
        };
        for line in lines.filter(|l| !l.is_empty()) {
            if let Some((k, v)) = line.split_once(':') {
                request
                    .headers
                    .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        request
    }

    /// Reads one request from `stream`: the head, then the body its `content-length`
    /// announces. A client that closes early, or a read that times out, ends the reading with
    /// what has come.
    pub fn read_from(stream: &mut TcpStream) -> Request {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut buf) {
                Ok(n @ 1..) => data.extend_from_slice(&buf[..n]),
                _ => {
                    return Request {
                        raw: String::from_utf8_lossy(&data).into_owned(),
                        ..Request::default()
                    }
                }
            }
        };
        let mut request = Request::head(&String::from_utf8_lossy(&data[..head_end]));
        let length: usize = request
            .header("content-length")
            .map_or(0, |v| v.parse().unwrap_or(0));
        while data.len() < head_end + length {
            match stream.read(&mut buf) {
                Ok(n @ 1..) => data.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
        let end = data.len().min(head_end + length);
        request.body = String::from_utf8_lossy(&data[head_end..end]).into_owned();
        request.raw = String::from_utf8_lossy(&data).into_owned();
        request
    }
}

/// `%XX` sequences decoded (a `+` stays a `+`); panics on text that is not UTF-8 once decoded.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A whole HTTP/1.1 response: `status` is the status line's rest (`"200 OK"`), then the
/// content type if any, the content length and `connection: close`, then `body`.
pub fn response(status: &str, content_type: Option<&str>, body: impl AsRef<[u8]>) -> Vec<u8> {
    let body = body.as_ref();
    let ct = content_type.map_or(String::new(), |c| format!("content-type: {c}\r\n"));
    let mut out = format!(
        "HTTP/1.1 {status}\r\n{ct}content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// What a [`Sequence`] does with one connection: read the request, wait, write some bytes,
/// keep the connection open a while, close it.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// Written after the request is read and [`Reply::delay`] has passed (a failed write is
    /// ignored: the client may have given up).
    pub bytes: Vec<u8>,
    /// How long to wait before writing.
    pub delay: Duration,
    /// How long to keep the connection open after writing.
    pub hold: Duration,
}

impl Reply {
    /// Writes `bytes` at once (a whole response, or anything else), then closes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply {
            bytes: bytes.into(),
            ..Reply::default()
        }
    }

    /// [`response`] at once.
    pub fn response(status: &str, content_type: Option<&str>, body: impl AsRef<[u8]>) -> Reply {
        Reply::bytes(response(status, content_type, body))
    }

    /// Reads the request and says nothing for `hold`, then closes.
    pub fn silence(hold: Duration) -> Reply {
        Reply {
            hold,
            ..Reply::default()
        }
    }

    /// The same reply, written after `delay`.
    pub fn after(self, delay: Duration) -> Reply {
        Reply { delay, ..self }
    }

    /// The same reply, the connection then held open for `hold` before it closes.
    pub fn then_hold(self, hold: Duration) -> Reply {
        Reply { hold, ..self }
    }
}

impl From<Vec<u8>> for Reply {
    fn from(bytes: Vec<u8>) -> Reply {
        Reply::bytes(bytes)
    }
}

/// Binds 127.0.0.1 on a free port, non-blocking; the listener and its `http://` URL.
fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

/// The next connection, or `None` once `until` has passed.
fn accept_until(listener: &TcpListener, until: Instant) -> Option<TcpStream> {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
                return Some(stream);
            }
            Err(_) if Instant::now() < until => thread::sleep(Duration::from_millis(5)),
            Err(_) => return None,
        }
    }
}

/// A server answering one connection with each [`Reply`] in turn; it stops after the last,
/// or when a connection does not come within its accept window.
#[derive(Debug)]
pub struct Sequence {
    url: String,
    received: mpsc::Receiver<Vec<Request>>,
    bound: Duration,
}

impl Sequence {
    /// Serves `replies`, waiting up to [`ACCEPT_FOR`] for each connection.
    pub fn start(replies: Vec<Reply>) -> Sequence {
        Sequence::start_within(replies, ACCEPT_FOR)
    }

    /// One connection answered with `reply`.
    pub fn once(reply: impl Into<Reply>) -> Sequence {
        Sequence::start(vec![reply.into()])
    }

    /// Serves `replies`, waiting up to `accept_for` for each connection.
    pub fn start_within(replies: Vec<Reply>, accept_for: Duration) -> Sequence {
        let (listener, addr) = bind();
        let bound = replies
            .iter()
            .map(|r| accept_for + 2 * READ_TIMEOUT + r.delay + r.hold)
            .sum::<Duration>()
            + Duration::from_secs(5);
        let (send, received) = mpsc::channel();
        thread::spawn(move || {
            let mut all = Vec::new();
            for reply in replies {
                let Some(mut stream) = accept_until(&listener, Instant::now() + accept_for) else {
                    break;
                };
                all.push(Request::read_from(&mut stream));
                thread::sleep(reply.delay);
                // The client may have given up (the timeout tests): a failed write is expected.
                let _ = stream.write_all(&reply.bytes);
                thread::sleep(reply.hold);
            }
            let _ = send.send(all);
        });
        Sequence {
            url: format!("http://{addr}"),
            received,
            bound,
        }
    }

    /// The server's URL (`http://127.0.0.1:PORT`, no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Waits for the server to stop and yields the requests it received, in order (fewer than
    /// the replies if connections did not come). Panics if the server has not stopped within
    /// the longest it can take.
    pub fn join(self) -> Vec<Request> {
        self.received
            .recv_timeout(self.bound)
            .unwrap_or_else(|e| panic!("the mock server did not stop within {:?}: {e}", self.bound))
    }

    /// [`Sequence::join`] for a server of one reply: the request, if one came.
    pub fn join_one(self) -> Option<Request> {
        self.join().into_iter().next()
    }
}

/// [`Sequence::start`], with its URL first: `let (url, server) = serve(replies);`.
pub fn serve(replies: Vec<Reply>) -> (String, Sequence) {
    let server = Sequence::start(replies);
    (server.url().to_owned(), server)
}

/// A server answering every connection: the responses in order, the last one again to every
/// request after. It records the requests, runs until dropped (at most [`REPEATING_FOR`]) and
/// is stopped by the test that started it.
#[derive(Debug)]
pub struct Repeating {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Repeating {
    /// Serves `responses` (whole responses, see [`response`]); at least one.
    pub fn start(responses: Vec<Vec<u8>>) -> Repeating {
        assert!(!responses.is_empty(), "a repeating server needs a response");
        let mut served = 0;
        Repeating::answering(move |_| {
            served += 1;
            responses[(served - 1).min(responses.len() - 1)].clone()
        })
    }

    /// Serves what `answer` makes of each request (a whole response, see [`response`]).
    pub fn answering(mut answer: impl FnMut(&Request) -> Vec<u8> + Send + 'static) -> Repeating {
        let (listener, addr) = bind();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (requests.clone(), stop.clone());
        let thread = thread::spawn(move || {
            let deadline = Instant::now() + REPEATING_FOR;
            while !stopped.load(Ordering::SeqCst) {
                let until = (Instant::now() + Duration::from_millis(50)).min(deadline);
                let Some(mut stream) = accept_until(&listener, until) else {
                    if Instant::now() >= deadline {
                        break;
                    }
                    continue;
                };
                let request = Request::read_from(&mut stream);
                let response = answer(&request);
                seen.lock().unwrap().push(request.raw);
                let _ = stream.write_all(&response);
            }
        });
        Repeating {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// The server's URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests served so far, each as the text received (head and body).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Repeating {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The URL of a loopback port with nothing listening: connections to it are refused.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// A loopback listener whose accept queue is full: new connection attempts are dropped, as a
/// network drops packets to 169.254.169.254 off an instance, so a connection is never made.
/// The queue stays full while this lives.
#[derive(Debug)]
pub struct Unconnectable {
    address: SocketAddr,
    _listener: TcpListener,
    _held: Vec<TcpStream>,
}

impl Unconnectable {
    /// Fills a new listener's accept queue; panics if it never fills.
    pub fn new() -> Unconnectable {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let mut held = Vec::new();
        let full = (0..1024).any(|_| {
            match TcpStream::connect_timeout(&address, Duration::from_millis(100)) {
                Ok(stream) => {
                    held.push(stream);
                    false
                }
                Err(_) => true,
            }
        });
        assert!(full, "the accept queue never filled");
        Unconnectable {
            address,
            _listener: listener,
            _held: held,
        }
    }

    /// Its URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Default for Unconnectable {
    fn default() -> Unconnectable {
        Unconnectable::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequence_records_and_answers() {
        let server = Sequence::once(Reply::response("200 OK", Some("text/plain"), "hi"));
        let mut stream = TcpStream::connect(server.url().trim_start_matches("http://")).unwrap();
        stream
            .write_all(b"POST /a?b HTTP/1.1\r\nContent-Length: 7\r\nX-Y: z\r\n\r\nk=a%2Fb")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.ends_with("\r\n\r\nhi"), "{answer}");
        let request = server.join_one().unwrap();
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/a?b")
        );
        assert_eq!(request.header("x-y"), Some("z"));
        assert_eq!(request.form(), vec![("k".into(), "a/b".into())]);
    }

    #[test]
    fn a_sequence_without_connections_stops() {
        let server = Sequence::start_within(vec![Reply::default()], Duration::from_millis(50));
        assert!(server.join().is_empty());
    }
}
