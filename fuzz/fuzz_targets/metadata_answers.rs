//! The container and instance metadata providers on any answers: the input is split at 0xFF
//! bytes into response bodies (and, from the first byte of each, a status), served in order by
//! an in-memory host, and both providers' whole `fetch` runs over them. Neither may panic.
#![no_main]

use std::cell::RefCell;

use credchain_core::chain::providers::{container, imds};
use credchain_core::io::{
    block_on, Fs, FsError, Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse,
};
use credchain_core::Source;
use credchain_core::Sourced;
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;

/// Serves the answers in order; once they run out, no connection.
struct Answers<'d> {
    left: RefCell<std::vec::IntoIter<&'d [u8]>>,
}

impl Http for Answers<'_> {
    type Body = Vec<u8>;

    async fn send(&self, _: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let Some(answer) = self.left.borrow_mut().next() else {
            return Err(HttpError {
                kind: HttpErrorKind::Connect,
            });
        };
        let (status, body) = match answer.split_first() {
            Some((&b, rest)) if b < 0x40 => (200 + u16::from(b % 8) * 50, rest),
            _ => (200, answer),
        };
        Ok(HttpResponse {
            status,
            content_type: None,
            body: body.to_vec(),
        })
    }
}

/// No files: the container provider is configured without a token file.
struct NoFiles;

impl Fs for NoFiles {
    type File = Vec<u8>;

    async fn read(&self, _: &str) -> Result<Option<Vec<u8>>, FsError> {
        Ok(None)
    }
}

fuzz_target!(|data: &[u8]| {
    let answers: Vec<&[u8]> = data.split(|&b| b == 0xFF).collect();
    let http = Answers {
        left: RefCell::new(answers.clone().into_iter()),
    };
    let endpoint = imds::resolve_endpoint(
        Some(Sourced {
            value: "http://127.0.0.1:1338",
            source: Source::EnvVar("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
        }),
        None,
    )
    .expect("a valid endpoint");
    let config = imds::ImdsConfig {
        endpoint,
        timeout_ms: 1000,
        timeout_source: Source::Default,
        attempts: 2,
        attempts_source: Source::Default,
        v1_disabled: None,
    };
    let _ = block_on(imds::fetch(&config, &http, NOW));
    let env: &[(&str, &str)] = &[
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://127.0.0.1:8080/creds",
        ),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "fuzz-token"),
    ];
    let endpoint = container::endpoint(env)
        .expect("a valid endpoint")
        .expect("configured");
    let http = Answers {
        left: RefCell::new(answers.into_iter()),
    };
    let _ = block_on(container::fetch(&endpoint, &NoFiles, &http));
});
