//! The machine a command runs on: everything the CLI takes from the outside world, in one place.
//!
//! A [`Machine`] gives the environment, the reader of the shared files, the core's execute I/O
//! (files, HTTP, processes, the prompt, the clock, the platform), the launcher of `exec`, and
//! what the CLI needs to know of its output streams (a terminal? colours?). [`StdMachine`] is
//! the real one, built by `main.rs` from the core's `std` hosts; a test or a fuzz target brings
//! its own, in memory. No other module of the CLI reaches for the operating system: they reach
//! for the machine.
//!
//! This module may use `std::process`, `std::env`, `std::io`'s terminals and the core's
//! `host` module (only [`StdMachine`] and the std environment's [`CheckedEnv`] do).

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal};

use credchain_core::chain::execute::{Host, Io};
use credchain_core::config::locate::Platform;
use credchain_core::host::{
    ConfigFileFs, FileBytes, StdCommand, StdEnv, StdFs, SystemClock, TerminalPrompt,
    UnreadableVariable, UreqHttp,
};
use credchain_core::io::{Env, Fs};

/// One of the two output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output: a command's answer, `--help` and `--version`.
    Stdout,
    /// Standard error: warnings, errors, usage errors.
    Stderr,
}

/// The command `exec` runs: its program, arguments and environment changes. Everything else
/// of the environment is inherited from credchain's own.
#[derive(Debug)]
pub struct Launch<'a> {
    /// The program, searched on `PATH` when it has no `/`.
    pub program: &'a OsStr,
    /// Its arguments, after the program.
    pub args: &'a [OsString],
    /// Variables to set: the credentials and the region.
    pub set: &'a [(&'static str, String)],
    /// Variables to remove (credentials variables the credentials have no value for, applied
    /// before `set`).
    pub unset: &'a [&'static str],
}

/// One request of a vanity `sso_start_url`'s resolution ([`Machine::probe_url`]).
#[derive(Debug, Clone, Copy)]
pub struct UrlProbe<'a> {
    /// `HEAD`, or `GET` when HEAD was refused.
    pub method: &'a str,
    /// The start URL.
    pub url: &'a str,
    /// The longest the exchange may take, in milliseconds.
    pub timeout_ms: u32,
}

/// Everything a command uses from the outside world: the core's execute I/O (the [`Host`] the
/// chain runs on) and the rest. The associated types are the core's I/O traits (each host
/// chooses its own buffers, and the core's traits are not object-safe, so the machine is a trait
/// rather than a struct of trait objects).
pub trait Machine: Host {
    /// The process environment.
    type Env: CheckedEnv + ?Sized;
    /// The buffer of one shared file, as [`Machine::SharedFiles`] reads it.
    type SharedFile: AsRef<[u8]> + Send + Sync;
    /// The reader of the shared config and credentials files (located from [`Machine::env`]).
    /// `Sync`: the files may be read on two threads (see [`Machine::shared_file_size`]).
    type SharedFiles: Fs<File = Self::SharedFile> + Sync + ?Sized;

    /// The environment. Called for every lookup (file paths, settings, the profile).
    fn env(&self) -> &Self::Env;

    /// Fails when a variable the core reads cannot be read (a value that is not UTF-8). Called
    /// once, after the command line is parsed and before any lookup; a failure is a
    /// configuration error (253).
    ///
    /// # Errors
    /// The variable that cannot be read.
    fn check_env(&self) -> Result<(), UnreadableVariable> {
        self.env().check()
    }

    /// The reader of the shared files. Called once per file per command.
    fn shared_files(&self) -> &Self::SharedFiles;

    /// The size in bytes of the shared file at `path`, 0 when there is none or the machine
    /// does not tell. Called once per file, before they are read: when both exist and together
    /// reach a megabyte they are read and parsed on two threads. A machine returning 0 keeps
    /// everything on the calling thread.
    fn shared_file_size(&self, path: &str) -> u64;

    /// The machine's [`Host`] parts as one struct of borrows, for the code that takes the core's
    /// [`Io`] (the token provider, the sign-in flows) or reads one part (the platform).
    fn io(&self) -> MachineIo<'_, Self> {
        Io {
            fs: self.fs(),
            http: self.http(),
            command: self.command(),
            prompt: self.prompt(),
            clock: self.clock(),
            platform: self.platform(),
        }
    }

    /// Sets `name` to `value` in the environment of the processes credchain starts later (a
    /// `credential_process`), not in [`Machine::env`]. Called by `export-credentials` for the
    /// AWS CLI's recursion guard, `_AWS_CLI_PROFILE_CHAIN`.
    fn set_for_children(&self, name: &str, value: &str);

    /// Runs `exec`'s command. Returns the command's exit status when the machine waits for it;
    /// the real machine on Unix replaces the process instead and returns only when that fails.
    ///
    /// # Errors
    /// Why the command could not be started (not found: 127; otherwise 126).
    fn launch(&self, launch: &Launch<'_>) -> io::Result<u8>;

    /// Whether standard output is a terminal: terminal control characters from outside are
    /// then escaped on it, as they always are on standard error.
    fn stdout_is_terminal(&self) -> bool;

    /// Whether clap's messages (usage errors, `--help`) on `stream` are coloured.
    fn colours(&self, stream: Stream) -> bool;

    /// Reads one line of standard input, without its line end (`\n` or `\r\n`): the answer to
    /// a prompt the command has already written and flushed to its output, as the AWS CLI's
    /// `input()` reads it, from a terminal or from a pipe alike. `None` once the input has
    /// ended (nothing left, not even an unended last line).
    ///
    /// # Errors
    /// The input cannot be read, or the line is not UTF-8 ([`io::ErrorKind::InvalidData`]).
    fn read_line(&self) -> io::Result<Option<String>>;

    /// The permission bits (`mode & 0o777`) of the regular file at `path`, `None` when there
    /// is none, it cannot be examined, or the platform has no such bits (Windows). Asked before
    /// the credentials file is written (it keeps its mode), for the AWS CLI's warning about a
    /// credentials file that others may read.
    fn shared_file_mode(&self, path: &str) -> Option<u32>;

    /// Fills `buf` from the operating system's random source (the PKCE verifier and `state`
    /// of `sso login`). The default has none and fails, so a machine without one cannot sign
    /// in rather than sign in with guessable values.
    ///
    /// # Errors
    /// No random source.
    fn fill_random(&self, buf: &mut [u8]) -> io::Result<()> {
        let _ = buf;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }

    /// Opens `url` in the person's browser (`$BROWSER`, else the platform's opener) without
    /// waiting for it. Called by `sso login` unless `--no-browser`; a failure is not an error
    /// (the URL is printed too). The default opens nothing.
    ///
    /// # Errors
    /// No browser could be started.
    fn open_browser(&self, url: &str) -> io::Result<()> {
        let _ = url;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }

    /// A TCP listener on 127.0.0.1, on a port the system picks: the loopback callback of
    /// `sso login`'s authorization code flow. The default has no network.
    ///
    /// # Errors
    /// The port cannot be bound.
    fn listen_loopback(&self) -> io::Result<std::net::TcpListener> {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }

    /// The names of the entries of the directory at `path` (`sso logout` sweeps the caches);
    /// `Ok(None)` when there is no directory there. The default has none.
    ///
    /// # Errors
    /// The directory cannot be read.
    fn list_dir(&self, path: &str) -> io::Result<Option<Vec<String>>> {
        let _ = path;
        Ok(None)
    }

    /// Deletes the file at `path` (`sso logout`). The default cannot.
    ///
    /// # Errors
    /// The file cannot be deleted.
    fn remove_file(&self, path: &str) -> io::Result<()> {
        let _ = path;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }

    /// Whether Ctrl-C (SIGINT) ends the process at once with status 130, as the AWS CLI exits
    /// on KeyboardInterrupt (`true`), or is held off (`false`). `sso login` arms it while it
    /// waits for the person and the services, and holds it off while it writes its files, so
    /// an interrupted sign-in leaves every file as it was. The default does nothing.
    fn exit_on_interrupt(&self, exits: bool) {
        let _ = exits;
    }

    /// Lets the person choose one of `labels` with the arrow keys (up and down, Enter) when
    /// standard input and output are a terminal: the list is drawn on standard output as
    /// `commands::configure::menu::Menu` says and erased once a row is chosen; Ctrl-C
    /// exits with 130. `Ok(None)` without a terminal: the caller asks for a number instead.
    /// The default has no terminal.
    ///
    /// # Errors
    /// The terminal cannot be read or set.
    fn choose_on_terminal(&self, labels: &[String]) -> io::Result<Option<usize>> {
        let _ = labels;
        Ok(None)
    }

    /// A TCP listener on 127.0.0.1 port `port` (0: one the system picks), for `serve`. The
    /// default has no network.
    ///
    /// # Errors
    /// The port cannot be bound.
    fn listen_loopback_on(&self, port: u16) -> io::Result<std::net::TcpListener> {
        let _ = port;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }

    /// A flag that SIGINT and SIGTERM set to their signal number (instead of ending the
    /// process) from now on: `serve` stops cleanly on either. The default never sets it.
    fn stop_signals(&self) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
        std::sync::Arc::default()
    }

    /// Starts `exec --server`'s command as a child (not replacing credchain, which serves it
    /// credentials while it runs). The default cannot.
    ///
    /// # Errors
    /// Why the command could not be started (as [`Machine::launch`]).
    fn spawn(&self, launch: &Launch<'_>) -> io::Result<Box<dyn Child>> {
        let _ = launch;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }

    /// One request to a vanity `sso_start_url` (`HEAD`, or `GET` when HEAD is refused), with
    /// no redirect followed: the status and the `Location` header. `sso login` resolves such
    /// a URL to the AWS-owned one it stands for. The default has no network.
    ///
    /// # Errors
    /// No answer (the reason, for the AWS CLI's "Failed to resolve start URL: ...").
    fn probe_url(&self, probe: &UrlProbe<'_>) -> io::Result<(u16, Option<String>)> {
        let _ = probe;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// A command started by [`Machine::spawn`].
pub trait Child {
    /// Its exit status once it has exited (128+N when a signal N ended it), without waiting.
    ///
    /// # Errors
    /// Its status cannot be read.
    fn try_status(&mut self) -> io::Result<Option<u8>>;

    /// Sends it SIGTERM (a supervisor's stop, passed on); elsewhere, ends it.
    fn terminate(&mut self);
}

/// An environment that can tell, before any lookup, that a variable the core reads cannot be
/// read (its value is not UTF-8): [`Machine::check_env`] asks it.
pub trait CheckedEnv: Env {
    /// Fails naming the first variable the core reads that cannot be read.
    ///
    /// # Errors
    /// The variable that cannot be read.
    fn check(&self) -> Result<(), UnreadableVariable>;
}

impl CheckedEnv for StdEnv {
    fn check(&self) -> Result<(), UnreadableVariable> {
        StdEnv::check(self)
    }
}

/// The core's execute I/O of the machine `M`, borrowed for `'m`.
pub type MachineIo<'m, M> = Io<
    'm,
    <M as Host>::Fs,
    <M as Host>::Http,
    <M as Host>::Command,
    <M as Host>::Prompt,
    <M as Host>::Clock,
>;

/// The real machine: the process environment (captured once), `std::fs` and the CLI's reader
/// of the shared files, ureq, `std::process`, the terminal and the system clock.
#[derive(Debug)]
pub struct StdMachine {
    env: StdEnv,
    http: UreqHttp,
}

impl StdMachine {
    /// Captures the environment ([`StdEnv::new`]).
    #[must_use]
    pub fn new() -> Self {
        StdMachine {
            env: StdEnv::new(),
            http: UreqHttp::new(),
        }
    }
}

impl Default for StdMachine {
    fn default() -> Self {
        Self::new()
    }
}

impl Host for StdMachine {
    type Fs = StdFs;
    type Http = UreqHttp;
    type Command = StdCommand;
    type Prompt = TerminalPrompt;
    type Clock = SystemClock;

    fn fs(&self) -> &StdFs {
        &StdFs
    }

    fn http(&self) -> &UreqHttp {
        &self.http
    }

    fn command(&self) -> &StdCommand {
        &StdCommand
    }

    fn prompt(&self) -> &TerminalPrompt {
        &TerminalPrompt
    }

    fn clock(&self) -> &SystemClock {
        &SystemClock
    }

    fn platform(&self) -> Platform {
        Platform::current()
    }
}

impl Machine for StdMachine {
    type Env = StdEnv;
    type SharedFile = FileBytes;
    type SharedFiles = ConfigFileFs;

    fn env(&self) -> &StdEnv {
        &self.env
    }

    fn shared_files(&self) -> &ConfigFileFs {
        &ConfigFileFs
    }

    fn shared_file_size(&self, path: &str) -> u64 {
        std::fs::metadata(credchain_core::host::os_path::decode(path)).map_or(0, |m| m.len())
    }

    fn set_for_children(&self, name: &str, value: &str) {
        // The process is single-threaded whenever a command calls this: before any process or
        // thread is started.
        std::env::set_var(name, value);
    }

    fn launch(&self, launch: &Launch<'_>) -> io::Result<u8> {
        let mut command = std::process::Command::new(launch.program);
        command.args(launch.args);
        for var in launch.unset {
            command.env_remove(var);
        }
        command.envs(launch.set.iter().map(|(name, value)| (name, value)));
        run_replacing(command)
    }

    fn stdout_is_terminal(&self) -> bool {
        io::stdout().is_terminal()
    }

    fn colours(&self, stream: Stream) -> bool {
        // clap's own rule: anstream's choice for the stream (NO_COLOR, CLICOLOR_FORCE, TERM, a
        // terminal).
        let choice = match stream {
            Stream::Stdout => anstream::AutoStream::choice(&io::stdout()),
            Stream::Stderr => anstream::AutoStream::choice(&io::stderr()),
        };
        choice != anstream::ColorChoice::Never
    }

    fn read_line(&self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if io::stdin().read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        Ok(Some(line))
    }

    fn shared_file_mode(&self, path: &str) -> Option<u32> {
        file_mode(path)
    }

    fn fill_random(&self, buf: &mut [u8]) -> io::Result<()> {
        getrandom::getrandom(buf).map_err(|e| io::Error::other(e.to_string()))
    }

    fn open_browser(&self, url: &str) -> io::Result<()> {
        crate::commands::sso::browser::open(std::env::var_os("BROWSER").as_deref(), url)
    }

    fn listen_loopback(&self) -> io::Result<std::net::TcpListener> {
        // 127.0.0.1 only: the AWS CLI binds every interface (docs/quirks.md).
        std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
    }

    fn list_dir(&self, path: &str) -> io::Result<Option<Vec<String>>> {
        let entries = match std::fs::read_dir(credchain_core::host::os_path::decode(path)) {
            Ok(entries) => entries,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            // Names that are not UTF-8 are not files the AWS CLI or credchain wrote.
            if let Ok(name) = entry?.file_name().into_string() {
                names.push(name);
            }
        }
        names.sort();
        Ok(Some(names))
    }

    fn remove_file(&self, path: &str) -> io::Result<()> {
        std::fs::remove_file(credchain_core::host::os_path::decode(path))
    }

    fn exit_on_interrupt(&self, exits: bool) {
        interrupt_flag().store(exits, std::sync::atomic::Ordering::SeqCst);
    }

    fn choose_on_terminal(&self, labels: &[String]) -> io::Result<Option<usize>> {
        choose_on_terminal(labels)
    }

    fn listen_loopback_on(&self, port: u16) -> io::Result<std::net::TcpListener> {
        std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port))
    }

    fn stop_signals(&self) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        #[cfg(unix)]
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // usize::try_from: signal numbers are small and positive.
            let value = usize::try_from(signal).unwrap_or(usize::MAX);
            let _ = signal_hook::flag::register_usize(signal, flag.clone(), value);
        }
        flag
    }

    fn spawn(&self, launch: &Launch<'_>) -> io::Result<Box<dyn Child>> {
        let mut command = std::process::Command::new(launch.program);
        command.args(launch.args);
        for var in launch.unset {
            command.env_remove(var);
        }
        command.envs(launch.set.iter().map(|(name, value)| (name, value)));
        Ok(Box::new(StdChild(command.spawn()?)))
    }

    fn probe_url(&self, probe: &UrlProbe<'_>) -> io::Result<(u16, Option<String>)> {
        // As the core's HTTP host: rustls, no proxy from the environment, no redirects.
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_millis(u64::from(
                probe.timeout_ms,
            ))))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .build()
            .new_agent();
        let request = ureq::http::Request::builder()
            .method(probe.method)
            .uri(probe.url)
            .body(())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let response = agent
            .run(request)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok((response.status().as_u16(), location))
    }
}

/// [`Machine::choose_on_terminal`] on Unix: the terminal in raw mode (no echo, one key at a
/// time, Ctrl-C read as a key) for as long as the menu is up, and set back as it was after.
#[cfg(unix)]
fn choose_on_terminal(labels: &[String]) -> io::Result<Option<usize>> {
    use crate::commands::configure::menu::{read_key, Key, Menu};
    use io::{Read, Write};
    use rustix::termios::{tcgetattr, tcsetattr, OptionalActions};

    let stdin = io::stdin();
    if !stdin.is_terminal() || !io::stdout().is_terminal() {
        return Ok(None);
    }
    let saved = tcgetattr(&stdin)?;
    let mut raw = saved.clone();
    raw.make_raw();
    tcsetattr(&stdin, OptionalActions::Now, &raw)?;
    let restore = || tcsetattr(io::stdin(), OptionalActions::Now, &saved);
    let mut out = io::stdout().lock();
    let mut menu = Menu::new(labels.len());
    let chosen = (|| -> io::Result<Option<usize>> {
        // The cursor hidden while the menu is up.
        write!(out, "\x1b[?25l{}", menu.render(labels))?;
        out.flush()?;
        let mut input = stdin.lock();
        let mut buf = [0u8; 64];
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                return Ok(None);
            }
            let mut at = 0;
            while at < n {
                let (key, used) = read_key(&buf[at..n]);
                at += used.max(1);
                match key {
                    Key::Enter => return Ok(Some(menu.cursor())),
                    Key::Interrupt => return Err(io::Error::from(io::ErrorKind::Interrupted)),
                    key => menu.key(key),
                }
            }
            write!(out, "{}{}", menu.erase(), menu.render(labels))?;
            out.flush()?;
        }
    })();
    let _ = write!(out, "{}\x1b[?25h", menu.erase());
    let _ = out.flush();
    restore()?;
    match chosen {
        // Ctrl-C, as the AWS CLI's KeyboardInterrupt: exit 130, the terminal set back first.
        Err(e) if e.kind() == io::ErrorKind::Interrupted => std::process::exit(130),
        // The input ended: no choice.
        Ok(None) => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
        other => other,
    }
}

/// Windows: no raw terminal here; the numbered list is used.
#[cfg(not(unix))]
fn choose_on_terminal(_: &[String]) -> io::Result<Option<usize>> {
    Ok(None)
}

/// A child process of `std::process`.
struct StdChild(std::process::Child);

impl Child for StdChild {
    fn try_status(&mut self) -> io::Result<Option<u8>> {
        Ok(self.0.try_wait()?.map(exit_status))
    }

    fn terminate(&mut self) {
        #[cfg(unix)]
        {
            if let Some(pid) = i32::try_from(self.0.id())
                .ok()
                .and_then(rustix::process::Pid::from_raw)
            {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
            }
        }
        #[cfg(not(unix))]
        {
            let _ = self.0.kill();
        }
    }
}

/// An exit status as a shell reports it: the code, or 128+N for a signal N.
fn exit_status(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(u8::MAX);
        }
    }
    status
        .code()
        .map_or(1, |code| u8::try_from(code).unwrap_or(1))
}

/// The flag of the SIGINT handler that exits with 130 while it is set, registered once.
fn interrupt_flag() -> &'static std::sync::Arc<std::sync::atomic::AtomicBool> {
    static FLAG: std::sync::OnceLock<std::sync::Arc<std::sync::atomic::AtomicBool>> =
        std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        #[cfg(unix)]
        {
            // Without a handler the default SIGINT stays (the process ends by the signal).
            let _ = signal_hook::flag::register_conditional_shutdown(
                signal_hook::consts::SIGINT,
                130,
                flag.clone(),
            );
        }
        flag
    })
}

/// The permission bits of the regular file at `path` (Unix).
#[cfg(unix)]
fn file_mode(path: &str) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(credchain_core::host::os_path::decode(path)).ok()?;
    metadata
        .is_file()
        .then(|| metadata.permissions().mode() & 0o777)
}

/// Windows has no permission bits the AWS CLI looks at.
#[cfg(not(unix))]
fn file_mode(_: &str) -> Option<u32> {
    None
}

/// On Unix, `execvp`: the process becomes the command, so its status and signals are the
/// command's own. Returns only when the command cannot be started.
#[cfg(unix)]
fn run_replacing(mut command: std::process::Command) -> io::Result<u8> {
    use std::os::unix::process::CommandExt;
    Err(command.exec())
}

/// Elsewhere, the command runs as a child; credchain exits with its status (the whole of it:
/// Windows statuses do not fit in a byte).
#[cfg(not(unix))]
fn run_replacing(mut command: std::process::Command) -> io::Result<u8> {
    let status = command.status()?;
    if status.success() {
        return Ok(0);
    }
    std::process::exit(status.code().unwrap_or(1))
}
