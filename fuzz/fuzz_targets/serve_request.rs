//! `credchain serve`'s request reader on any bytes: `read_request` and `decide` may not panic;
//! a request read lies inside the input and within `MAX_REQUEST_BYTES`; credentials are given
//! only to a request whose `Authorization` is exactly the token; every answer is written as a
//! response with the status line first and a Content-Length that is the body's.
#![no_main]

use credchain_cli::serve_http::{decide, read_request, write_response, Answer, Read, MAX_REQUEST_BYTES};
use libfuzzer_sys::fuzz_target;

const TOKEN: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fuzz_target!(|data: &[u8]| {
    let answer = match read_request(data) {
        Read::Incomplete => {
            assert!(data.len() < MAX_REQUEST_BYTES);
            return;
        }
        Read::Refused(refusal) => Answer::Refused(refusal),
        Read::Request(request) => {
            assert!(request.len <= data.len() && request.len <= MAX_REQUEST_BYTES);
            assert!(data[..request.len].ends_with(b"\r\n\r\n"));
            let answer = decide(&request, TOKEN);
            if answer == Answer::Credentials {
                assert_eq!(request.authorization, Some(TOKEN));
                assert_eq!(request.method, b"GET");
            }
            // A near miss of the token is never enough.
            if let Some(given) = request.authorization {
                if given != TOKEN {
                    assert_ne!(answer, Answer::Credentials);
                }
            }
            answer
        }
    };
    let mut out = Vec::new();
    let body = answer.error_body().as_bytes();
    write_response(&mut out, answer, body, false);
    assert!(out.starts_with(b"HTTP/1.1 "));
    let length = format!("Content-Length: {}\r\n", body.len());
    assert!(out.windows(length.len()).any(|w| w == length.as_bytes()));
    assert!(out.ends_with(body));
});
