//! In-memory hosts for tests: files, processes, HTTP replay, prompts, a fixed clock. The core's
//! unit tests include this file too (see `core/src/lib.rs`), where the crate is `no_std`: hence
//! the std prelude's import.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::prelude::rust_2021::*;

use credchain_core::io::{
    Clock, Command, CommandError, CommandErrorKind, CommandOutput, CommandRequest, Fs, FsError,
    Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse, Prompt, PromptError,
};

/// Files by path; writes land in the same map.
#[derive(Default)]
pub struct MemoryFs {
    pub files: RefCell<BTreeMap<String, Vec<u8>>>,
}

impl MemoryFs {
    pub fn with(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Self {
        MemoryFs {
            files: RefCell::new(files.into_iter().collect()),
        }
    }
}

impl Fs for MemoryFs {
    type File = Vec<u8>;
    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        Ok(self.files.borrow().get(path).cloned())
    }
    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        self.files
            .borrow_mut()
            .insert(path.to_string(), contents.to_vec());
        Ok(())
    }
}

/// A file system whose every read fails with this error.
pub struct FailingFs(pub FsError);

impl Fs for FailingFs {
    type File = Vec<u8>;
    async fn read(&self, _path: &str) -> Result<Option<Vec<u8>>, FsError> {
        Err(self.0)
    }
}

/// A process that answers with fixed output and records its argv.
#[derive(Default)]
pub struct MemoryCommand {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub argv: RefCell<Vec<String>>,
    /// How many times it ran.
    pub runs: RefCell<u32>,
}

impl MemoryCommand {
    pub fn answering(status: i32, stdout: &str, stderr: &str) -> Self {
        MemoryCommand {
            status,
            stdout: stdout.into(),
            stderr: stderr.into(),
            argv: RefCell::default(),
            runs: RefCell::default(),
        }
    }
    pub fn last_argv(&self) -> Vec<String> {
        self.argv.borrow().clone()
    }
}

impl Command for MemoryCommand {
    type Output = Vec<u8>;
    async fn run(
        &self,
        request: &CommandRequest<'_>,
    ) -> Result<CommandOutput<Vec<u8>>, CommandError> {
        *self.argv.borrow_mut() = request.argv.iter().map(|s| s.to_string()).collect();
        *self.runs.borrow_mut() += 1;
        if self.stdout.is_empty() && self.stderr.is_empty() && self.status == 0 {
            return Err(CommandError::new(CommandErrorKind::NotFound));
        }
        Ok(CommandOutput {
            status: Some(self.status),
            stdout: self.stdout.as_bytes().to_vec(),
            stderr: self.stderr.as_bytes().to_vec(),
        })
    }
}

/// A request as [`RecordingHttp`] received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The header fields, in order.
    pub headers: Vec<(String, String)>,
    /// The body, as text (lossily).
    pub body: String,
}

impl Sent {
    /// `request`, kept.
    pub fn of(request: &HttpRequest<'_>) -> Self {
        Sent {
            method: request.method.to_owned(),
            url: request.url.to_owned(),
            headers: request
                .headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: String::from_utf8_lossy(request.body).into_owned(),
        }
    }

    /// Whether a header field `name` has the value `value`.
    pub fn has_header(&self, name: &str, value: &str) -> bool {
        self.headers.iter().any(|(k, v)| k == name && v == value)
    }
}

/// HTTP that records every request and answers each the same way: with a status and a JSON
/// body, or by refusing the connection.
pub struct RecordingHttp {
    answer: Option<(u16, String)>,
    /// The requests so far.
    pub sent: RefCell<Vec<Sent>>,
}

impl RecordingHttp {
    /// Answers every request with `status` and the JSON `body`.
    pub fn answering(status: u16, body: &str) -> Self {
        RecordingHttp {
            answer: Some((status, body.to_owned())),
            sent: RefCell::default(),
        }
    }

    /// Refuses every connection.
    pub fn refusing() -> Self {
        RecordingHttp {
            answer: None,
            sent: RefCell::default(),
        }
    }
}

impl Http for RecordingHttp {
    type Body = Vec<u8>;
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        self.sent.borrow_mut().push(Sent::of(request));
        json_answer(
            self.answer
                .as_ref()
                .map(|(status, body)| (*status, body.as_str())),
        )
    }
}

/// HTTP that answers from a queue of (status, JSON body), one answer a request, recording every
/// request; an empty queue refuses the connection.
#[derive(Default)]
pub struct ScriptedHttp {
    answers: RefCell<VecDeque<(u16, String)>>,
    /// The requests so far.
    pub sent: RefCell<Vec<Sent>>,
}

impl ScriptedHttp {
    /// Answers the requests with `answers`, in order, then refuses the connection.
    pub fn answering(answers: &[(u16, &str)]) -> Self {
        ScriptedHttp {
            answers: RefCell::new(answers.iter().map(|(s, b)| (*s, (*b).to_owned())).collect()),
            sent: RefCell::default(),
        }
    }
}

impl Http for ScriptedHttp {
    type Body = Vec<u8>;
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        self.sent.borrow_mut().push(Sent::of(request));
        let answer = self.answers.borrow_mut().pop_front();
        json_answer(
            answer
                .as_ref()
                .map(|(status, body)| (*status, body.as_str())),
        )
    }
}

/// The response with `status` and the JSON body, or (`None`) a refused connection.
fn json_answer(answer: Option<(u16, &str)>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
    let (status, body) = answer.ok_or(HttpError {
        kind: HttpErrorKind::Connect,
    })?;
    Ok(HttpResponse {
        status,
        content_type: Some("application/json".try_into().unwrap()),
        body: body.as_bytes().to_vec(),
    })
}

/// HTTP that fails every request (tests that must not reach the network).
pub struct NoHttp;

impl Http for NoHttp {
    type Body = Vec<u8>;
    async fn send(&self, _request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        Err(HttpError {
            kind: HttpErrorKind::Connect,
        })
    }
}

/// No terminal.
pub struct NoPrompt;

impl Prompt for NoPrompt {
    type Answer = String;
    async fn ask(&self, _question: &str) -> Result<String, PromptError> {
        Err(PromptError::Unavailable)
    }
}

/// Answers every question with the same line and counts the questions.
pub struct FixedPrompt(pub String, pub RefCell<u32>);

impl Prompt for FixedPrompt {
    type Answer = String;
    async fn ask(&self, _question: &str) -> Result<String, PromptError> {
        *self.1.borrow_mut() += 1;
        Ok(self.0.clone())
    }
}

/// A clock stopped at a Unix time: sleeps return at once, and the jitter is always 0, so a
/// retried call retries without waiting.
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        self.0
    }
    async fn sleep_ms(&self, _ms: u32) {}
    fn random_u32(&self) -> u32 {
        0
    }
}

/// A clock that moves only when slept on, recording each sleep, with a fixed random number.
pub struct SteppingClock {
    pub now_ms: std::cell::Cell<i64>,
    pub sleeps: RefCell<Vec<u32>>,
    pub random: u32,
}

impl SteppingClock {
    /// At `unix` seconds; jitter `random` (2^31 makes every wait half its ceiling).
    pub fn new(unix: i64, random: u32) -> Self {
        SteppingClock {
            now_ms: std::cell::Cell::new(unix * 1000),
            sleeps: RefCell::default(),
            random,
        }
    }
}

impl Clock for SteppingClock {
    fn now_unix(&self) -> i64 {
        self.now_ms.get().div_euclid(1000)
    }
    fn now_millis(&self) -> i64 {
        self.now_ms.get()
    }
    async fn sleep_ms(&self, ms: u32) {
        self.sleeps.borrow_mut().push(ms);
        self.now_ms.set(self.now_ms.get() + i64::from(ms));
    }
    fn random_u32(&self) -> u32 {
        self.random
    }
}

/// The hosts most tests run the chain with: these files, HTTP, processes and clock, no
/// terminal, on Unix.
pub fn unix_io<'i, F: ?Sized, H: ?Sized, C: ?Sized, K: ?Sized>(
    fs: &'i F,
    http: &'i H,
    command: &'i C,
    clock: &'i K,
) -> credchain_core::chain::execute::Io<'i, F, H, C, NoPrompt, K> {
    credchain_core::chain::execute::Io {
        fs,
        http,
        command,
        prompt: &NoPrompt,
        clock,
        platform: credchain_core::config::locate::Platform::Unix,
    }
}

/// `config` as ~/.aws/config of the home /h, with no credentials file, read as the AWS CLI
/// reads them.
pub fn config_in_home_h(config: &str) -> credchain_core::config::parse::ConfigFiles<'_> {
    credchain_core::config::parse::ConfigFiles::from_texts(
        ("/h/.aws/config", Some(config.as_bytes())),
        ("/h/.aws/credentials", None),
        credchain_core::Dialect::AwsCli,
    )
    .unwrap()
}
