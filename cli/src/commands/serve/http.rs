//! The server's HTTP/1.1, pure: the bytes of a request in, what to answer out. No I/O, no
//! clock, no allocation while reading a request; `fuzz/fuzz_targets/serve_request.rs` runs
//! [`read_request`] and [`decide`] on arbitrary bytes.
//!
//! Only what a credentials client sends is accepted: a request line `GET /... HTTP/1.1` (or
//! 1.0), header lines ending in CRLF, no body. Everything is bounded: a request head longer
//! than [`MAX_REQUEST_BYTES`] or with more than [`MAX_HEADERS`] headers is refused (431), as is
//! anything malformed (400), so a client can never make the server hold more than one buffer
//! of [`MAX_REQUEST_BYTES`] per connection.

/// The longest request head read (request line and headers, with the blank line): clients send
/// about 200 bytes; an EKS Pod Identity token in `Authorization` is about 1 KB.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// The most header lines a request may have.
pub const MAX_HEADERS: usize = 32;

/// A request the server can answer (its head was read whole and is well formed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method, as sent (case-sensitive, as HTTP says).
    pub method: &'a [u8],
    /// The request target (path and query).
    pub target: &'a [u8],
    /// The `Authorization` header's value, without surrounding blanks; `None` without one.
    /// Never shown: it is the caller's token.
    pub authorization: Option<&'a [u8]>,
    /// Whether the connection stays open after the answer: HTTP/1.1 unless `Connection:
    /// close`, HTTP/1.0 only with `Connection: keep-alive`.
    pub keep_alive: bool,
    /// The length of the head in the buffer (what the next request starts after).
    pub len: usize,
}

/// What reading the buffer gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read<'a> {
    /// The head is not complete yet and the buffer is below [`MAX_REQUEST_BYTES`]: read more.
    Incomplete,
    /// A whole request.
    Request(Request<'a>),
    /// A request refused as it stands; the connection is closed after the answer.
    Refused(Refusal),
}

/// Why a request is refused before it is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not HTTP/1.x as this server reads it: a bad request line or header line, a body, a
    /// repeated `Authorization` (400).
    Malformed,
    /// The head is longer than [`MAX_REQUEST_BYTES`] or has more than [`MAX_HEADERS`]
    /// headers (431).
    TooLarge,
    /// HTTP/2 or another version (505).
    Version,
}

/// Reads the request at the start of `buf` (which holds what the connection sent so far, at
/// most [`MAX_REQUEST_BYTES`] of it).
#[must_use]
pub fn read_request(buf: &[u8]) -> Read<'_> {
    let window = &buf[..buf.len().min(MAX_REQUEST_BYTES)];
    let Some(end) = find(window, b"\r\n\r\n") else {
        if buf.len() >= MAX_REQUEST_BYTES || count_lines(window) > MAX_HEADERS + 1 {
            return Read::Refused(Refusal::TooLarge);
        }
        return Read::Incomplete;
    };
    let len = end + 4;
    match parse_head(&buf[..end]) {
        Ok(mut request) => {
            request.len = len;
            Read::Request(request)
        }
        Err(refusal) => Read::Refused(refusal),
    }
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.windows(2).filter(|w| w == b"\r\n").count()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The head without its final CRLF CRLF.
fn parse_head(head: &[u8]) -> Result<Request<'_>, Refusal> {
    let mut lines = Lines(head);
    let request_line = lines.next().ok_or(Refusal::Malformed)?;
    let mut parts = request_line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Malformed);
    };
    if method.is_empty() || !method.iter().all(|&b| is_token(b)) {
        return Err(Refusal::Malformed);
    }
    if !target.starts_with(b"/") || !target.iter().all(|&b| b > b' ' && b < 0x7f) {
        return Err(Refusal::Malformed);
    }
    let http10 = match version {
        b"HTTP/1.1" => false,
        b"HTTP/1.0" => true,
        v if v.starts_with(b"HTTP/") => return Err(Refusal::Version),
        _ => return Err(Refusal::Malformed),
    };
    let mut authorization = None;
    let mut close = false;
    let mut keep_alive_asked = false;
    let mut headers = 0;
    for line in lines {
        headers += 1;
        if headers > MAX_HEADERS {
            return Err(Refusal::TooLarge);
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(Refusal::Malformed)?;
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        // An empty name, or one starting with a blank (an obsolete folded line), is refused.
        if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
            return Err(Refusal::Malformed);
        }
        if !value
            .iter()
            .all(|&b| b == b'\t' || (b' '..0x7f).contains(&b) || b >= 0x80)
        {
            return Err(Refusal::Malformed);
        }
        if name.eq_ignore_ascii_case(b"authorization") {
            if authorization.replace(value).is_some() {
                return Err(Refusal::Malformed);
            }
        } else if name.eq_ignore_ascii_case(b"connection") {
            for option in value.split(|&b| b == b',').map(trim) {
                close |= option.eq_ignore_ascii_case(b"close");
                keep_alive_asked |= option.eq_ignore_ascii_case(b"keep-alive");
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding")
            || (name.eq_ignore_ascii_case(b"content-length") && value != b"0")
        {
            // A GET has no body; one announced would be read as the next request.
            return Err(Refusal::Malformed);
        }
    }
    Ok(Request {
        method,
        target,
        authorization,
        keep_alive: !close && (!http10 || keep_alive_asked),
        len: 0,
    })
}

/// The lines of a head, split at CRLF (a lone CR or LF stays in its line, where every check
/// refuses it).
struct Lines<'a>(&'a [u8]);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.0.is_empty() {
            return None;
        }
        let (line, rest) = match find(self.0, b"\r\n") {
            Some(at) => (&self.0[..at], &self.0[at + 2..]),
            None => (self.0, &[][..]),
        };
        self.0 = rest;
        Some(line)
    }
}

/// An HTTP token character (RFC 9110's `tchar`).
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// What the server answers a request with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200 with the credentials.
    Credentials,
    /// 401: no `Authorization` header.
    Unauthorized,
    /// 403: an `Authorization` header that is not the server's token.
    Forbidden,
    /// 404: a path other than [`PATH`].
    NotFound,
    /// 405: a method other than GET.
    MethodNotAllowed,
    /// A request refused before it was looked at.
    Refused(Refusal),
    /// 503: no credentials to serve (the last resolution failed and nothing unexpired is
    /// held).
    Unavailable,
    /// 503: every connection the server allows is in use.
    Busy,
}

/// The path credentials are served at (`AWS_CONTAINER_CREDENTIALS_FULL_URI` ends with it).
pub const PATH: &str = "/";

/// Who may have what: the token first (so nothing else about the server is told to a caller
/// without it), then the method, then the path (a query is allowed, and ignored).
#[must_use]
pub fn decide(request: &Request<'_>, token: &[u8]) -> Answer {
    let Some(given) = request.authorization else {
        return Answer::Unauthorized;
    };
    if !same_secret(given, token) {
        return Answer::Forbidden;
    }
    if request.method != b"GET" {
        return Answer::MethodNotAllowed;
    }
    let path = request
        .target
        .split(|&b| b == b'?')
        .next()
        .unwrap_or_default();
    if path != PATH.as_bytes() {
        return Answer::NotFound;
    }
    Answer::Credentials
}

/// Whether `given` is `secret`, in a time that depends on their lengths only (the server's
/// token has a fixed length, which is no secret).
#[must_use]
pub fn same_secret(given: &[u8], secret: &[u8]) -> bool {
    if given.len() != secret.len() {
        return false;
    }
    let difference = given
        .iter()
        .zip(secret)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    std::hint::black_box(difference) == 0
}

impl Answer {
    /// The status line's code and reason.
    #[must_use]
    pub fn status(self) -> (u16, &'static str) {
        match self {
            Answer::Credentials => (200, "OK"),
            Answer::Unauthorized => (401, "Unauthorized"),
            Answer::Forbidden => (403, "Forbidden"),
            Answer::NotFound => (404, "Not Found"),
            Answer::MethodNotAllowed => (405, "Method Not Allowed"),
            Answer::Refused(Refusal::Malformed) => (400, "Bad Request"),
            Answer::Refused(Refusal::TooLarge) => (431, "Request Header Fields Too Large"),
            Answer::Refused(Refusal::Version) => (505, "HTTP Version Not Supported"),
            Answer::Unavailable | Answer::Busy => (503, "Service Unavailable"),
        }
    }

    /// The JSON body of an error answer: a code and a fixed sentence, nothing from the
    /// request or the credentials.
    #[must_use]
    pub fn error_body(self) -> &'static str {
        match self {
            Answer::Credentials => "",
            Answer::Unauthorized => {
                r#"{"code":"Unauthorized","message":"send the server's token in the Authorization header"}"#
            }
            Answer::Forbidden => {
                r#"{"code":"Forbidden","message":"the Authorization header is not the server's token"}"#
            }
            Answer::NotFound => r#"{"code":"NotFound","message":"credentials are served at /"}"#,
            Answer::MethodNotAllowed => {
                r#"{"code":"MethodNotAllowed","message":"only GET is served"}"#
            }
            Answer::Refused(_) => {
                r#"{"code":"BadRequest","message":"the request is not one this server reads"}"#
            }
            Answer::Unavailable => {
                r#"{"code":"CredentialsUnavailable","message":"no credentials: the last refresh failed; the server's output says why"}"#
            }
            Answer::Busy => {
                r#"{"code":"Busy","message":"every connection the server allows is in use"}"#
            }
        }
    }
}

/// The whole response: the status line, the headers and `body`. `keep_alive` says whether the
/// connection stays open (`Connection: close` otherwise).
pub fn write_response(out: &mut Vec<u8>, answer: Answer, body: &[u8], keep_alive: bool) {
    let (code, reason) = answer.status();
    let mut number = [0u8; 20];
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(decimal(u64::from(code), &mut number));
    out.push(b' ');
    out.extend_from_slice(reason.as_bytes());
    out.extend_from_slice(b"\r\nContent-Type: application/json\r\nContent-Length: ");
    out.extend_from_slice(decimal(body.len() as u64, &mut number));
    out.extend_from_slice(b"\r\nCache-Control: no-store\r\n");
    if answer == Answer::Unauthorized {
        out.extend_from_slice(b"WWW-Authenticate: Bearer\r\n");
    }
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
}

fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> Request<'_> {
        match read_request(text.as_bytes()) {
            Read::Request(r) => r,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    fn refused(text: &[u8]) -> Refusal {
        match read_request(text) {
            Read::Refused(r) => r,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(text)),
        }
    }

    #[test]
    fn what_botocore_and_the_javascript_sdk_send() {
        let text = "GET / HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nAccept-Encoding: identity\r\n\
                    Accept: application/json\r\nAuthorization: tok\r\nUser-Agent: x\r\n\r\nGET";
        let r = request(text);
        assert_eq!(r.method, b"GET");
        assert_eq!(r.target, b"/");
        assert_eq!(r.authorization, Some(&b"tok"[..]));
        assert!(r.keep_alive);
        assert_eq!(&text[r.len..], "GET");
        assert_eq!(decide(&r, b"tok"), Answer::Credentials);
    }

    #[test]
    fn incomplete_until_the_blank_line() {
        assert_eq!(read_request(b""), Read::Incomplete);
        assert_eq!(
            read_request(b"GET / HTTP/1.1\r\nHost: x\r\n"),
            Read::Incomplete
        );
    }

    #[test]
    fn the_token_is_checked_first() {
        let r = request("POST /x HTTP/1.1\r\n\r\n");
        assert_eq!(decide(&r, b"tok"), Answer::Unauthorized);
        let r = request("POST /x HTTP/1.1\r\nauthorization:  tok2 \r\n\r\n");
        assert_eq!(decide(&r, b"tok"), Answer::Forbidden);
        assert_eq!(decide(&r, b"tok2"), Answer::MethodNotAllowed);
        let r = request("GET /x HTTP/1.1\r\nAuthorization: tok\r\n\r\n");
        assert_eq!(decide(&r, b"tok"), Answer::NotFound);
        let r = request("GET /?a=b HTTP/1.1\r\nAuthorization: tok\r\n\r\n");
        assert_eq!(decide(&r, b"tok"), Answer::Credentials);
        // A prefix, a longer value, "Bearer tok": all wrong.
        for given in ["to", "tokk", "Bearer tok", ""] {
            let text = format!("GET / HTTP/1.1\r\nAuthorization: {given}\r\n\r\n");
            assert_eq!(
                decide(&request(&text), b"tok"),
                Answer::Forbidden,
                "{given}"
            );
        }
    }

    #[test]
    fn keep_alive_by_version_and_connection() {
        assert!(!request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
        assert!(!request("GET / HTTP/1.1\r\nConnection: TE, Close\r\n\r\n").keep_alive);
        assert!(!request("GET / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
    }

    #[test]
    fn bounds() {
        let mut big = b"GET / HTTP/1.1\r\nX: ".to_vec();
        big.resize(MAX_REQUEST_BYTES, b'a');
        assert_eq!(refused(&big), Refusal::TooLarge);
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"X: y\r\n");
        }
        let mut complete = many.clone();
        complete.extend_from_slice(b"\r\n");
        assert_eq!(refused(&complete), Refusal::TooLarge);
        // Refused as soon as there are too many lines, before the head ends.
        assert_eq!(refused(&many), Refusal::TooLarge);
        let mut enough = b"GET / HTTP/1.1\r\n".to_vec();
        for _ in 0..MAX_HEADERS {
            enough.extend_from_slice(b"X: y\r\n");
        }
        enough.extend_from_slice(b"\r\n");
        assert!(matches!(read_request(&enough), Read::Request(_)));
    }

    #[test]
    fn malformed_heads() {
        for text in [
            &b"GET /\r\n\r\n"[..],
            b"GET  / HTTP/1.1\r\n\r\n",
            b"GET http://x/ HTTP/1.1\r\n\r\n",
            b"G\x01T / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\n folded\r\n\r\n",
            b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            b"GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
            b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: a\r\n\r\n",
            b"GET / FTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                refused(text),
                Refusal::Malformed,
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
        assert_eq!(refused(b"GET / HTTP/2.0\r\n\r\n"), Refusal::Version);
        assert!(matches!(
            read_request(b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
            Read::Request(_)
        ));
    }

    #[test]
    fn responses() {
        let mut out = Vec::new();
        write_response(&mut out, Answer::Credentials, b"{}", true);
        assert_eq!(
            out,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\
              Cache-Control: no-store\r\n\r\n{}"
        );
        out.clear();
        let body = Answer::Unauthorized.error_body().as_bytes();
        write_response(&mut out, Answer::Unauthorized, body, false);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 401 Unauthorized\r\n"), "{text}");
        assert!(text.contains("\r\nConnection: close\r\n"), "{text}");
        assert!(text.contains(&format!("Content-Length: {}\r\n", body.len())));
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
    }
}
