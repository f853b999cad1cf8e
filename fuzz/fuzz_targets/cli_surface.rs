//! The whole CLI on any command line, environment, files and answers: the input is decoded into
//! an argv, environment variables, a config file, a credentials file, other files (caches,
//! token files), HTTP answers, `credential_process` outputs and prompt answers, and the CLI's
//! library entry point runs over an in-memory machine serving them (no process is run, no
//! socket opened, `exec` is recorded, the clock is fixed).
//!
//! Any panic is a crash, and so is a broken invariant:
//! - the exit status is one the CLI documents (0, 1, 2, 126, 127, 252, 253, 254, 255), or the status
//!   the recorded `exec` launcher returned;
//! - no secret planted by the target appears on stderr, nor on stdout except for the commands
//!   that print credentials on purpose (`export-credentials`, `export-token`, `exec`, and
//!   `configure get`, which prints a stored value as it is, as `aws configure get` does).
//!
//! Secrets are planted by rewriting: the value of every column-0 `aws_secret_access_key`,
//! `aws_session_token` or `aws_security_token` line of both files, and the environment's
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` and `AWS_SECURITY_TOKEN`, become
//! `FUZZSECRET...` values. Inputs that contain the marker themselves are skipped.
//!
//! The input: a flags byte (bit 0: the Windows platform; bit 1: stdout is a terminal; bit 2:
//! colours; bits 3-7: what `exec`'s launcher does), then sections separated by 0xFF: the
//! arguments (separated by 0x00, any bytes), the environment (`NAME=VALUE` entries separated by
//! 0x00; values may be any bytes), the config file, the credentials file (a missing section is
//! a missing file), other files, HTTP answers, process outputs, prompt answers and standard input's
//! lines (each list separated by 0xFE; the first byte of an entry may choose an error or a
//! status). The shared files may be written (`configure set`, `configure`, `configure import`):
//! they are replaced in memory.
//! `CLI_SURFACE_SHOW=1` prints each run's status, stdout and stderr.
#![no_main]

use std::cell::{Cell, RefCell};
use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::sync::Mutex;

use credchain_cli::{CommandLine, Launch, Machine, Stream};
use credchain_core::chain::execute::Host;
use credchain_core::config::locate::Platform;
use credchain_core::host::StdEnv;
use credchain_core::io::{
    Clock, Command, CommandError, CommandErrorKind, CommandOutput, CommandRequest, Fs, FsError, FsErrorKind, Http,
    HttpError, HttpErrorKind, HttpRequest, HttpResponse, Prompt, PromptError, Replacement,
};
use libfuzzer_sys::fuzz_target;

/// The fixed time: 2026-12-01T00:00:00Z.
const NOW: i64 = 1_796_083_200;

/// The home directory unless the input sets `HOME`.
const HOME: &str = "/home/fuzz";
const CONFIG: &str = "/home/fuzz/.aws/config";
const CREDENTIALS: &str = "/home/fuzz/.aws/credentials";

/// What every planted secret starts with.
const MARKER: &[u8] = b"FUZZSECRET";

/// The keys whose values the target replaces with secrets.
const SECRET_KEYS: [&str; 3] = [
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// The statuses the CLI documents.
const STATUSES: [u8; 9] = [0, 1, 2, 126, 127, 252, 253, 254, 255];

thread_local! {
    /// clap's command tree, built once (building it costs more than most runs).
    static COMMAND_LINE: RefCell<CommandLine> = RefCell::new(CommandLine::new());
}

/// Serves entries in order; `None` once they run out.
struct Queue<'d> {
    left: RefCell<std::slice::Iter<'d, &'d [u8]>>,
}

impl<'d> Queue<'d> {
    fn new(entries: &'d [&'d [u8]]) -> Self {
        Queue {
            left: RefCell::new(entries.iter()),
        }
    }

    fn next(&self) -> Option<&'d [u8]> {
        self.left.borrow_mut().next().copied()
    }
}

/// The chain's file system: every path read gets the next "other file" (the first byte may
/// say: 0 missing, 1 permission denied, 2 not a file, 3 too large), and files written are read
/// back.
struct MemoryFs<'d> {
    others: Queue<'d>,
    written: RefCell<Vec<(String, Vec<u8>)>>,
}

fn fs_error(kind: FsErrorKind) -> FsError {
    FsError {
        kind,
        os_code: None,
    }
}

impl Fs for MemoryFs<'_> {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        if let Some((_, contents)) = self.written.borrow().iter().rev().find(|(p, _)| p == path) {
            return Ok(Some(contents.clone()));
        }
        match self.others.next() {
            None | Some([0, ..]) => Ok(None),
            Some([1, ..]) => Err(fs_error(FsErrorKind::PermissionDenied)),
            Some([2, ..]) => Err(fs_error(FsErrorKind::NotAFile)),
            Some([3, ..]) => Err(fs_error(FsErrorKind::TooLarge)),
            Some(contents) => Ok(Some(contents.to_vec())),
        }
    }

    async fn write_private(&self, path: &str, contents: &[u8]) -> Result<(), FsError> {
        self.written
            .borrow_mut()
            .push((path.to_owned(), contents.to_vec()));
        Ok(())
    }
}

/// HTTP: the answers in order (first byte 0-4: an error; 5-31: a status from a table, the
/// rest the body; otherwise 200 with the whole entry), then no connection.
struct MemoryHttp<'d> {
    answers: Queue<'d>,
}

const HTTP_STATUSES: [u16; 12] = [200, 400, 401, 403, 404, 429, 500, 502, 503, 504, 301, 201];

impl Http for MemoryHttp<'_> {
    type Body = Vec<u8>;

    async fn send(&self, _: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let error = |kind| Err(HttpError { kind });
        let (status, body) = match self.answers.next() {
            None => return error(HttpErrorKind::Connect),
            Some([0, ..]) => return error(HttpErrorKind::Timeout),
            Some([1, ..]) => return error(HttpErrorKind::Connect),
            Some([2, ..]) => return error(HttpErrorKind::TooLarge),
            Some([3, ..]) => return error(HttpErrorKind::InvalidUrl),
            Some([4, ..]) => return error(HttpErrorKind::Other),
            Some([b @ 5..=31, rest @ ..]) => (HTTP_STATUSES[usize::from(*b) % 12], rest),
            Some(all) => (200, all),
        };
        let content_type = if body.first() == Some(&b'<') {
            "text/xml"
        } else {
            "application/json"
        };
        Ok(HttpResponse {
            status,
            content_type: heapless::String::try_from(content_type).ok(),
            body: body.to_vec(),
        })
    }
}

/// Processes: the outputs in order (first byte 0-3: an error; 4-15: exit status `b - 4` with
/// the rest on stderr; otherwise status 0 and the whole entry on stdout), then not found.
struct MemoryCommand<'d> {
    outputs: Queue<'d>,
}

impl Command for MemoryCommand<'_> {
    type Output = Vec<u8>;

    async fn run(
        &self,
        request: &CommandRequest<'_>,
    ) -> Result<CommandOutput<Vec<u8>>, CommandError> {
        let error = |kind| Err(CommandError::new(kind));
        let (status, stdout, stderr) = match self.outputs.next() {
            None | Some([0, ..]) => return error(CommandErrorKind::NotFound),
            Some([1, ..]) => return error(CommandErrorKind::PermissionDenied),
            Some([2, ..]) => return error(CommandErrorKind::Timeout),
            Some([3, ..]) => return error(CommandErrorKind::Other),
            Some([b @ 4..=15, rest @ ..]) => (Some(i32::from(*b) - 4), &[][..], rest),
            Some(all) => (Some(0), all, &[][..]),
        };
        if stdout.len() > request.max_output_bytes || stderr.len() > request.max_output_bytes {
            return error(CommandErrorKind::TooLarge);
        }
        Ok(CommandOutput {
            status,
            stdout: stdout.to_vec(),
            stderr: stderr.to_vec(),
        })
    }
}

/// The prompt: the answers in order (an empty entry: cancelled), then unavailable.
struct MemoryPrompt<'d> {
    answers: Queue<'d>,
}

impl Prompt for MemoryPrompt<'_> {
    type Answer = String;

    async fn ask(&self, _: &str) -> Result<String, PromptError> {
        match self.answers.next() {
            None => Err(PromptError::Unavailable),
            Some([]) => Err(PromptError::Cancelled),
            Some(answer) => Ok(String::from_utf8_lossy(answer).into_owned()),
        }
    }
}

/// A fixed clock; waits return at once.
struct FixedClock {
    random: Cell<u32>,
}

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        NOW
    }

    async fn sleep_ms(&self, _: u32) {}

    fn random_u32(&self) -> u32 {
        let next = self
            .random
            .get()
            .wrapping_mul(1_664_525)
            .wrapping_add(1_013_904_223);
        self.random.set(next);
        next
    }
}

/// The in-memory machine.
struct FuzzMachine<'d> {
    env: StdEnv,
    shared: SharedFiles,
    fs: MemoryFs<'d>,
    http: MemoryHttp<'d>,
    command: MemoryCommand<'d>,
    prompt: MemoryPrompt<'d>,
    /// Standard input's lines (prompts of `configure`), then its end.
    stdin: Queue<'d>,
    clock: FixedClock,
    platform: Platform,
    flags: u8,
    /// The status the launcher returned, when `exec` launched its command.
    launched: Cell<Option<u8>>,
}

/// The shared files at their default paths (`Sync`, as the trait asks; the machine reports no
/// sizes, so the CLI never reads them on two threads). Writes replace them in memory (checking
/// `expected` as a real host does); a write to another path is refused as permission denied.
struct SharedFiles {
    config: Mutex<Option<Vec<u8>>>,
    credentials: Mutex<Option<Vec<u8>>>,
}

impl SharedFiles {
    fn file(&self, path: &str) -> Option<&Mutex<Option<Vec<u8>>>> {
        match path {
            CONFIG => Some(&self.config),
            CREDENTIALS => Some(&self.credentials),
            _ => None,
        }
    }
}

impl Fs for SharedFiles {
    type File = Vec<u8>;

    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        Ok(self
            .file(path)
            .and_then(|f| f.lock().unwrap_or_else(|e| e.into_inner()).clone()))
    }

    async fn replace_shared(&self, path: &str, with: Replacement<'_>) -> Result<(), FsError> {
        let file = self
            .file(path)
            .ok_or(fs_error(FsErrorKind::PermissionDenied))?;
        let mut bytes = file.lock().unwrap_or_else(|e| e.into_inner());
        if bytes.as_deref() != with.expected {
            return Err(fs_error(FsErrorKind::Changed));
        }
        *bytes = Some(with.contents.to_vec());
        Ok(())
    }
}

impl<'d> Host for FuzzMachine<'d> {
    type Fs = MemoryFs<'d>;
    type Http = MemoryHttp<'d>;
    type Command = MemoryCommand<'d>;
    type Prompt = MemoryPrompt<'d>;
    type Clock = FixedClock;

    fn fs(&self) -> &MemoryFs<'d> {
        &self.fs
    }

    fn http(&self) -> &MemoryHttp<'d> {
        &self.http
    }

    fn command(&self) -> &MemoryCommand<'d> {
        &self.command
    }

    fn prompt(&self) -> &MemoryPrompt<'d> {
        &self.prompt
    }

    fn clock(&self) -> &FixedClock {
        &self.clock
    }

    fn platform(&self) -> Platform {
        self.platform
    }
}

impl<'d> Machine for FuzzMachine<'d> {
    type Env = StdEnv;
    type SharedFile = Vec<u8>;
    type SharedFiles = SharedFiles;

    fn env(&self) -> &StdEnv {
        &self.env
    }

    fn shared_files(&self) -> &SharedFiles {
        &self.shared
    }

    fn shared_file_size(&self, _: &str) -> u64 {
        0
    }

    fn set_for_children(&self, _: &str, _: &str) {}

    fn launch(&self, launch: &Launch<'_>) -> io::Result<u8> {
        let _ = (launch.program, launch.args, launch.set, launch.unset);
        let result = match self.flags >> 3 {
            0 => Err(io::Error::from(io::ErrorKind::NotFound)),
            1 => Err(io::Error::from(io::ErrorKind::PermissionDenied)),
            2 => Err(io::Error::other("exec format error")),
            n => Ok(n.wrapping_mul(37)),
        };
        if let Ok(status) = result {
            self.launched.set(Some(status));
        }
        result
    }

    fn stdout_is_terminal(&self) -> bool {
        self.flags & 2 != 0
    }

    fn colours(&self, _: Stream) -> bool {
        self.flags & 4 != 0
    }

    fn read_line(&self) -> io::Result<Option<String>> {
        match self.stdin.next() {
            None => Ok(None),
            Some(line) => String::from_utf8(line.to_vec())
                .map(Some)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidData)),
        }
    }

    fn shared_file_mode(&self, path: &str) -> Option<u32> {
        // Group-readable, so the permission warning is reached.
        self.shared.file(path).map(|_| 0o640)
    }
}

/// Replaces the value of every column-0 line setting a secret key (`KEY =` or `KEY:`, any
/// case) with a planted secret.
fn plant_in_file(text: &[u8], count: &mut u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 32);
    for line in text.split_inclusive(|&b| b == b'\n') {
        match value_start(line) {
            Some(at) => {
                *count += 1;
                out.extend_from_slice(&line[..at]);
                out.extend_from_slice(format!(" FUZZSECRETFILE{count:04}").as_bytes());
                if line.ends_with(b"\r\n") {
                    out.push(b'\r');
                }
                if line.ends_with(b"\n") {
                    out.push(b'\n');
                }
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

/// Where the value of a secret key's line starts (after its delimiter).
fn value_start(line: &[u8]) -> Option<usize> {
    let key = SECRET_KEYS.iter().find(|key| {
        line.get(..key.len())
            .is_some_and(|k| k.eq_ignore_ascii_case(key.as_bytes()))
    })?;
    let blanks = line[key.len()..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let delimiter = key.len() + blanks;
    matches!(line.get(delimiter), Some(b'=' | b':')).then_some(delimiter + 1)
}

/// Whether `needle` occurs in `haystack`. Compared by hand: a slice comparison per window would
/// call `memcmp` for each, which libFuzzer intercepts (and traces) every time.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    haystack.iter().enumerate().any(|(i, &b)| {
        b == first
            && haystack.len() - i > rest.len()
            && rest.iter().zip(&haystack[i + 1..]).all(|(x, y)| x == y)
    })
}

/// Whether to print each run's status and output (`CLI_SURFACE_SHOW=1`, to read what an input
/// does).
fn show() -> bool {
    static SHOW: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SHOW.get_or_init(|| std::env::var_os("CLI_SURFACE_SHOW").is_some())
}

/// The next section, when there is one.
fn section(parts: &mut std::slice::Iter<'_, &[u8]>) -> Option<Vec<u8>> {
    parts.next().map(|p| p.to_vec())
}

/// The next section as a list of entries separated by 0xFE.
fn list<'d>(parts: &mut std::slice::Iter<'_, &'d [u8]>) -> Vec<&'d [u8]> {
    parts
        .next()
        .map(|p| p.split(|&b| b == 0xFE).collect())
        .unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    if contains(data, MARKER) {
        return;
    }
    let parts: Vec<&[u8]> = rest.split(|&b| b == 0xFF).collect();
    let mut parts = parts.iter();
    let argv_part = parts.next().copied().unwrap_or_default();
    let env_part = parts.next().copied().unwrap_or_default();
    let mut planted = 0;
    let config = section(&mut parts).map(|f| plant_in_file(&f, &mut planted));
    let credentials = section(&mut parts).map(|f| plant_in_file(&f, &mut planted));
    let others = list(&mut parts);
    let answers = list(&mut parts);
    let outputs = list(&mut parts);
    let prompts = list(&mut parts);
    let stdin = list(&mut parts);

    let mut argv = vec![OsString::from("credchain")];
    if !argv_part.is_empty() {
        argv.extend(
            argv_part
                .split(|&b| b == 0)
                .map(|a| OsString::from_vec(a.to_vec())),
        );
    }
    let argv_text: Vec<&[u8]> = argv_part.split(|&b| b == 0).collect();

    let mut vars = vec![("HOME".to_owned(), HOME.to_owned())];
    let mut unreadable = Vec::new();
    for entry in env_part.split(|&b| b == 0) {
        let Some(eq) = entry.iter().position(|&b| b == b'=') else {
            continue;
        };
        let Ok(name) = std::str::from_utf8(&entry[..eq]) else {
            continue;
        };
        vars.retain(|(n, _)| n != name);
        unreadable.retain(|n| n != name);
        match std::str::from_utf8(&entry[eq + 1..]) {
            Ok(value) => {
                let value = match name {
                    "AWS_SECRET_ACCESS_KEY" | "AWS_SESSION_TOKEN" | "AWS_SECURITY_TOKEN"
                        if !value.is_empty() =>
                    {
                        planted += 1;
                        format!("FUZZSECRETENV{planted:04}")
                    }
                    _ => value.to_owned(),
                };
                vars.push((name.to_owned(), value));
            }
            Err(_) => unreadable.push(name.to_owned()),
        }
    }

    let machine = FuzzMachine {
        env: StdEnv::from_parts(vars, unreadable),
        shared: SharedFiles {
            config: Mutex::new(config),
            credentials: Mutex::new(credentials),
        },
        fs: MemoryFs {
            others: Queue::new(&others),
            written: RefCell::new(Vec::new()),
        },
        http: MemoryHttp {
            answers: Queue::new(&answers),
        },
        command: MemoryCommand {
            outputs: Queue::new(&outputs),
        },
        prompt: MemoryPrompt {
            answers: Queue::new(&prompts),
        },
        stdin: Queue::new(&stdin),
        clock: FixedClock {
            random: Cell::new(u32::from(flags)),
        },
        platform: if flags & 1 != 0 {
            Platform::Windows
        } else {
            Platform::Unix
        },
        flags,
        launched: Cell::new(None),
    };

    let mut out = Vec::new();
    let mut err = Vec::new();
    let status =
        COMMAND_LINE.with(|line| line.borrow_mut().run(argv, &machine, &mut out, &mut err));

    if show() {
        eprintln!(
            "status {status}\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        );
    }
    let launched = machine.launched.get();
    assert!(
        STATUSES.contains(&status) || launched == Some(status),
        "exit status {status} (launched: {launched:?})\nstderr: {}",
        String::from_utf8_lossy(&err)
    );
    assert!(
        !contains(&err, MARKER),
        "a planted secret on stderr:\n{}",
        String::from_utf8_lossy(&err)
    );
    let prints_secrets = argv_text.iter().any(|a| {
        matches!(
            *a,
            b"export-credentials" | b"export-token" | b"exec" | b"get"
        )
    });
    assert!(
        prints_secrets || !contains(&out, MARKER),
        "a planted secret on stdout:\n{}",
        String::from_utf8_lossy(&out)
    );
});
