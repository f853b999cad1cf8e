//! The I/O the core asks its host for, as small traits, plus [`block_on`] for sync hosts.
//!
//! Every frontend implements these: the `std` feature's [`crate::host`] for real machines (shared
//! by the CLI and the C library), the wasm crate over JavaScript, the C library over caller
//! callbacks, and tests in memory. Methods that may wait on the outside world are `async`, so a
//! Node or browser host can back them with promises; a sync host returns ready futures and drives
//! them with [`block_on`]. Reading the environment never waits in any host, so [`Env`] is sync.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// Every environment variable the core reads: the settings' variables, the providers', and the
/// home directory's. A host that cannot give one of them as text (a value that is not UTF-8)
/// must say so rather than leave it out (see `host::StdEnv::check`): left out, it would read as
/// unset, and another profile or file would be used.
pub const VARIABLES_READ: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCOUNT_ID",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE",
    "AWS_AUTH_SCHEME_PREFERENCE",
    "AWS_CA_BUNDLE",
    "AWS_CLI_AUTO_PROMPT",
    "AWS_CONFIG_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_DEFAULT_OUTPUT",
    "AWS_DEFAULT_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_DISABLE_REQUEST_COMPRESSION",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_EC2_METADATA_V1_DISABLED",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SIGNIN",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_LOGIN_CACHE_DIRECTORY",
    "AWS_MAX_ATTEMPTS",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    "AWS_METADATA_SERVICE_TIMEOUT",
    "AWS_PAGER",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_REQUEST_CHECKSUM_CALCULATION",
    "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
    "AWS_RESPONSE_CHECKSUM_VALIDATION",
    "AWS_RETRY_MODE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_SDK_UA_APP_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_TOKEN",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_SIGV4A_SIGNING_REGION_SET",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "HOME",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
];

/// The process environment.
pub trait Env {
    /// The value of the variable `name`, or `None` when it is unset. Called by locate (file
    /// paths, home directory) and evaluate (every setting's variables, the profile).
    fn var(&self, name: &str) -> Option<&str>;
}

impl<E: Env + ?Sized> Env for &E {
    fn var(&self, name: &str) -> Option<&str> {
        (**self).var(name)
    }
}

/// An environment given as name/value pairs (tests, embedded hosts, the in-memory JS host).
impl Env for [(&str, &str)] {
    fn var(&self, name: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsErrorKind {
    /// The process may not read it.
    PermissionDenied,
    /// The path names a directory or another non-file (a FIFO, a device, a socket). The shared
    /// config and credentials files read as absent then, as the AWS CLI reads them.
    NotAFile,
    /// The file is larger than the host accepts.
    TooLarge,
    /// The host cannot do this (a read-only or in-memory host asked to write).
    Unsupported,
    /// The file is no longer what the caller read: another writer changed it in between
    /// (see [`Fs::replace_shared`]). Read it again.
    Changed,
    /// Another writer kept the file locked for longer than the host waits (see
    /// [`Fs::replace_shared`]). Try again.
    Busy,
    /// Any other failure the host reports.
    Other,
}

/// A failure to read or write a file, as a host reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FsError {
    /// What went wrong.
    pub kind: FsErrorKind,
    /// The operating system's error number, when there is one.
    pub os_code: Option<i32>,
}

/// Read access to files.
#[allow(async_fn_in_trait)] // Hosts choose their own futures; the core never needs `Send`.
pub trait Fs {
    /// The host's buffer holding a file's bytes. The core borrows it and never copies it.
    type File: AsRef<[u8]>;

    /// Reads the whole file at `path`; `Ok(None)` when nothing exists there. Called by load for
    /// the config and credentials files (and, later in the chain, token and cache files).
    async fn read(&self, path: &str) -> Result<Option<Self::File>, FsError>;

    /// Reads a file that holds at most `max_bytes` (a cache entry: the assume-role, SSO token and
    /// login caches); a longer one is [`FsErrorKind::TooLarge`]. Hosts that can tell a file's
    /// size before reading it should refuse it unread; the default reads it with
    /// [`Fs::read`] and then checks.
    async fn read_at_most(
        &self,
        path: &str,
        max_bytes: usize,
    ) -> Result<Option<Self::File>, FsError> {
        match self.read(path).await? {
            Some(file) if file.as_ref().len() > max_bytes => Err(FsError {
                kind: FsErrorKind::TooLarge,
                os_code: None,
            }),
            other => Ok(other),
        }
    }

    /// Reads a token file (`web_identity_token_file`, the container's authorization token
    /// file) of at most `max_bytes`, as botocore reads one: whatever the path names, a pipe or
    /// a character device too (`<(get-token)`, `/dev/stdin`), where [`Fs::read`] reads regular
    /// files only. The default is [`Fs::read_at_most`].
    async fn read_token(
        &self,
        path: &str,
        max_bytes: usize,
    ) -> Result<Option<Self::File>, FsError> {
        self.read_at_most(path, max_bytes).await
    }

    /// Replaces the file at `path` with `contents` atomically (a temporary file in the same
    /// directory, then a rename), readable and writable by the owner only (mode 0600), creating
    /// missing parent directories (mode 0700). Called when a cache (assume-role, SSO token,
    /// login token) is written. Hosts that cannot write keep the default, which reports
    /// [`FsErrorKind::Unsupported`]; the core then goes on without caching.
    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        let _ = (path, contents);
        Err(FsError {
            kind: FsErrorKind::Unsupported,
            os_code: None,
        })
    }

    /// Replaces the shared file at `path` (the config or credentials file) with
    /// `with.contents`, provided it still holds `with.expected`, which is what the caller read
    /// before editing it; otherwise [`FsErrorKind::Changed`], and the caller reads and edits
    /// again, so that no other writer's edit is lost. Atomic: a reader sees the old file or the
    /// new one, and a failure at any point leaves the old file as it was. An existing file
    /// keeps its mode and owner; a new one is created with mode 0600, missing parent
    /// directories with 0700. Called by [`crate::config::store`].
    ///
    /// The default reads the file, compares, and writes with [`Fs::write_private`]: no lock
    /// (another writer in the moment between the comparison and the write is not seen) and
    /// the new file private (mode 0600) whatever the old one's mode; a host without writes
    /// reports [`FsErrorKind::Unsupported`] through it. The std host does all of the above.
    async fn replace_shared(&self, path: &str, with: Replacement<'_>) -> Result<(), FsError> {
        if self.read(path).await?.as_ref().map(AsRef::as_ref) != with.expected {
            return Err(FsError {
                kind: FsErrorKind::Changed,
                os_code: None,
            });
        }
        self.write_private(path, with.contents).await
    }
}

/// One replacement of a shared file ([`Fs::replace_shared`]): what the caller read and edited,
/// and what goes in its place. Two byte strings that must not be swapped, so they are named.
/// Debug shows only their lengths: the credentials file holds secrets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Replacement<'a> {
    /// What the file must still hold: what the caller read (`None`: there was no file).
    pub expected: Option<&'a [u8]>,
    /// The new contents.
    pub contents: &'a [u8],
}

impl core::fmt::Debug for Replacement<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Replacement")
            .field("expected_len", &self.expected.map(<[u8]>::len))
            .field("contents_len", &self.contents.len())
            .finish()
    }
}

impl<F: Fs + ?Sized> Fs for &F {
    type File = F::File;
    async fn read(&self, path: &str) -> Result<Option<Self::File>, FsError> {
        (**self).read(path).await
    }
    async fn read_at_most(
        &self,
        path: &str,
        max_bytes: usize,
    ) -> Result<Option<Self::File>, FsError> {
        (**self).read_at_most(path, max_bytes).await
    }
    async fn read_token(
        &self,
        path: &str,
        max_bytes: usize,
    ) -> Result<Option<Self::File>, FsError> {
        (**self).read_token(path, max_bytes).await
    }
    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        (**self).write_private(path, contents).await
    }
    async fn replace_shared(&self, path: &str, with: Replacement<'_>) -> Result<(), FsError> {
        (**self).replace_shared(path, with).await
    }
}

/// What a finished process left.
#[derive(Debug, Clone)]
pub struct CommandOutput<B> {
    /// The exit code; `None` when the process was ended by a signal.
    pub status: Option<i32>,
    /// Standard output.
    pub stdout: B,
    /// Standard error.
    pub stderr: B,
}

/// Why a process could not be run to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandErrorKind {
    /// The program was not found.
    NotFound,
    /// The program may not be run.
    PermissionDenied,
    /// It did not finish within the timeout (it was killed): it had not exited, or something
    /// (a background child) still held its output open.
    Timeout,
    /// It wrote more than the output limit (it was killed).
    TooLarge,
    /// The host cannot run processes (a browser).
    Unsupported,
    /// Any other failure.
    Other,
}

/// A process that could not be run to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandError {
    /// What went wrong.
    pub kind: CommandErrorKind,
    /// The operating system's error number, when there is one.
    pub os_code: Option<i32>,
}

impl CommandError {
    /// A failure of `kind` with no operating system error number.
    pub const fn new(kind: CommandErrorKind) -> Self {
        CommandError {
            kind,
            os_code: None,
        }
    }
}

/// One program to run ([`Command::run`]): what to run and the bounds of the run. Debug shows
/// only the number of arguments: a `credential_process` line may hold secrets.
#[derive(Clone, Copy)]
pub struct CommandRequest<'a> {
    /// The program (`argv[0]`) and its arguments (`argv[1..]`), passed as they are (no shell).
    pub argv: &'a [&'a str],
    /// How long the whole run may take, in milliseconds, before the process is killed.
    pub timeout_ms: u32,
    /// The most bytes each output stream may hold before the process is killed.
    pub max_output_bytes: usize,
}

impl core::fmt::Debug for CommandRequest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CommandRequest")
            .field("argc", &self.argv.len())
            .field("timeout_ms", &self.timeout_ms)
            .field("max_output_bytes", &self.max_output_bytes)
            .finish()
    }
}

/// Running programs (`credential_process`).
#[allow(async_fn_in_trait)] // Hosts choose their own futures; the core never needs `Send`.
pub trait Command {
    /// The host's buffer holding an output stream.
    type Output: AsRef<[u8]>;

    /// Runs `request.argv[0]` with the arguments `request.argv[1..]` (no shell), with the
    /// host's environment and working directory and no standard input; waits at most
    /// `request.timeout_ms` and reads at most `request.max_output_bytes` of each stream.
    /// Called once per `credential_process` run.
    async fn run(
        &self,
        request: &CommandRequest<'_>,
    ) -> Result<CommandOutput<Self::Output>, CommandError>;
}

/// Why no answer came from the person at the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptError {
    /// There is nobody to ask (no terminal, or a host without prompts).
    Unavailable,
    /// The person gave up (end of input, interrupt).
    Cancelled,
    /// The answer is longer than the question allows (an MFA code is at most
    /// [`crate::chain::execute::MAX_MFA_CODE_LEN`] characters). Hosts may report it themselves when
    /// they stop reading a line at a bound; the core reports it for an answer too long to keep.
    TooLong,
}

/// Asking the person at the terminal (the MFA code of a role).
#[allow(async_fn_in_trait)] // Hosts choose their own futures; the core never needs `Send`.
pub trait Prompt {
    /// The answer's buffer.
    type Answer: AsRef<str>;

    /// Shows `question` and returns the line typed, without its line ending. Called once per
    /// AssumeRole step whose profile has `mfa_serial`, only when no cached credentials serve.
    async fn ask(&self, question: &str) -> Result<Self::Answer, PromptError>;
}

/// The longest `Content-Type` a response keeps, in bytes.
pub const MAX_CONTENT_TYPE_LEN: usize = 128;

/// An HTTP request the core asks a host to send.
#[derive(Clone, Copy)]
pub struct HttpRequest<'a> {
    /// `GET`, `PUT`, `POST`.
    pub method: &'a str,
    /// The full URL.
    pub url: &'a str,
    /// Headers to send, in order (the host adds `Host` and `Content-Length`).
    pub headers: &'a [(&'a str, &'a str)],
    /// The body (empty for none).
    pub body: &'a [u8],
    /// The whole exchange must finish within this many milliseconds.
    pub timeout_ms: u32,
    /// A longer response body is [`HttpErrorKind::TooLarge`].
    pub max_body_bytes: usize,
}

impl core::fmt::Debug for HttpRequest<'_> {
    // Header values and bodies carry signatures and tokens: Debug shows only their names and size.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("HttpRequest");
        d.field("method", &self.method).field("url", &self.url);
        d.field("header_names", &HeaderNames(self.headers))
            .field("body_bytes", &self.body.len());
        d.finish()
    }
}

struct HeaderNames<'a>(&'a [(&'a str, &'a str)]);

impl core::fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

/// A response: any status (4xx and 5xx are responses, not errors).
#[derive(Debug, Clone)]
pub struct HttpResponse<B> {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, when present and at most [`MAX_CONTENT_TYPE_LEN`] bytes.
    pub content_type: Option<heapless::String<MAX_CONTENT_TYPE_LEN>>,
    /// The body.
    pub body: B,
}

/// Why no response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpErrorKind {
    /// The timeout passed.
    Timeout,
    /// No connection could be made (refused, unreachable, DNS, TLS).
    Connect,
    /// The body was longer than `max_body_bytes`.
    TooLarge,
    /// The URL could not be used.
    InvalidUrl,
    /// Anything else (a broken connection, a malformed response).
    Other,
}

/// A failed exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpError {
    /// What went wrong.
    pub kind: HttpErrorKind,
}

/// HTTP(S) for the network providers (STS, SSO, IMDS, the container endpoint).
#[allow(async_fn_in_trait)] // Hosts choose their own futures; the core never needs `Send`.
pub trait Http {
    /// The host's buffer holding a response body.
    type Body: AsRef<[u8]>;

    /// Sends one request and returns its response, whatever its status. Called once per
    /// provider call; retries are the core's decision, not the host's.
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Self::Body>, HttpError>;
}

/// The current time, waiting, and the random numbers of the retries' jitter.
#[allow(async_fn_in_trait)] // Hosts choose their own futures; the core never needs `Send`.
pub trait Clock {
    /// Seconds since the Unix epoch. Called when a cached or fetched credential's expiry is judged.
    fn now_unix(&self) -> i64;

    /// Milliseconds since the Unix epoch. Called by the retries (the adaptive mode's rate
    /// limiter measures the send rate in half seconds). Hosts with a finer clock than
    /// [`Clock::now_unix`] should give it; the default is whole seconds.
    fn now_millis(&self) -> i64 {
        self.now_unix().saturating_mul(1000)
    }

    /// Waits `ms` milliseconds. Called between the attempts of a retried service call (STS,
    /// the IAM Identity Center portal, SSO-OIDC, AWS Sign-In); never for a call that succeeds
    /// at once. There is no default: the core has no timer, and a host that returned at once
    /// would retry a failing service without the backoff.
    async fn sleep_ms(&self, ms: u32);

    /// A uniformly distributed random number, for the jitter of the retries' waits (no secret
    /// depends on it). Called once per retry.
    fn random_u32(&self) -> u32;
}

impl<K: Clock + ?Sized> Clock for &K {
    fn now_unix(&self) -> i64 {
        (**self).now_unix()
    }
    fn now_millis(&self) -> i64 {
        (**self).now_millis()
    }
    async fn sleep_ms(&self, ms: u32) {
        (**self).sleep_ms(ms).await;
    }
    fn random_u32(&self) -> u32 {
        (**self).random_u32()
    }
}

/// Drives a future to completion on the current thread, for hosts whose I/O completes
/// synchronously (every `std` host, C callbacks, tests). There is no executor: the future is
/// polled with a no-op waker until it is ready, so a future that waits on something outside
/// the calling thread spins; asynchronous hosts (Node, browsers) await the future instead.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        core::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_runs_ready_futures() {
        assert_eq!(block_on(async { 40 + 2 }), 42);
    }

    #[test]
    fn pair_env() {
        let env: &[(&str, &str)] = &[("A", "1"), ("B", "")];
        assert_eq!(env.var("A"), Some("1"));
        assert_eq!(env.var("B"), Some(""));
        assert_eq!(env.var("C"), None);
    }
}
