//! What the sign-in tests share (`sso login`, `login`): one loopback GET, the scripted
//! browser that follows an authorize URL through its redirect to the loopback callback, a
//! login run whose stdout is read as it comes, the files of a home, and the Python with
//! botocore the interop tests use.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Home, Run};

/// One HTTP/1.0 GET to a loopback URL: the status line, the headers, the body.
pub fn get(url: &str) -> (String, String, String) {
    let rest = url.strip_prefix("http://").expect("a loopback http URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    assert!(authority.starts_with("127.0.0.1:"), "{url}");
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {authority}\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status.to_owned(), headers.to_owned(), body.to_owned())
}

/// The scripted browser: follows the authorize URL to the mock, then its redirect to the
/// loopback callback, and returns the callback's answer.
pub fn browse(authorize_url: &str) -> (String, String) {
    let (status, headers, _) = get(authorize_url);
    assert!(status.contains(" 302 "), "{status}");
    let location = headers
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("a redirect")
        .to_owned();
    let (status, _, body) = get(&location);
    (status, body)
}

/// A login in progress: its stdout read line by line as it comes.
pub struct Running {
    /// The running binary.
    pub child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    stdout: Arc<Mutex<String>>,
}

impl Running {
    /// Starts `credchain args` in `home` with `vars`, its stdout and stderr piped.
    pub fn start(home: &Home, args: &[&str], vars: &[(&str, &str)]) -> Running {
        let mut command = home.command(args, vars);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = Arc::new(Mutex::new(String::new()));
        let all = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                all.lock().unwrap().push_str(&line);
                all.lock().unwrap().push('\n');
                let _ = tx.send(line);
            }
        });
        Running {
            child,
            lines,
            stdout,
        }
    }

    /// Starts `credchain args` in `home` with `vars` and `input` as its whole standard input.
    pub fn start_with_input(
        home: &Home,
        args: &[&str],
        vars: &[(&str, &str)],
        input: &str,
    ) -> Running {
        let mut running = Running::start(home, args, vars);
        let mut stdin = running.child.stdin.take().expect("stdin is piped");
        // The run may stop reading early: a closed pipe is no failure.
        let _ = stdin.write_all(input.as_bytes());
        running
    }

    /// Writes `line` and a newline to the run's standard input (kept open until the run ends).
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin is piped");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Sends SIGINT (Ctrl-C) with the shell's own `kill` (no procps needed) and waits for the
    /// run, which must exit with 130.
    #[cfg(unix)]
    pub fn interrupt(self, home: &Home) -> Run {
        let status = std::process::Command::new("sh")
            .args(["-c", &format!("kill -INT {}", self.child.id())])
            .status()
            .unwrap();
        assert!(status.success());
        let run = self.finish(home);
        assert_eq!(run.code, 130, "{run:#?}");
        run
    }

    /// The first printed line starting with `prefix`.
    pub fn line_starting(&self, prefix: &str) -> String {
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                if line.starts_with(prefix) {
                    return line;
                }
            }
        }
        panic!(
            "no line starting with {prefix:?}: {}",
            self.stdout.lock().unwrap()
        );
    }

    /// Waits for the end (at most 30 s); the run, checked for leaked secrets.
    pub fn finish(mut self, home: &Home) -> Run {
        // End of input: a run still asking gets no answer instead of waiting for ever.
        drop(self.child.stdin.take());
        let until = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < until, "the login did not end");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        // Let the reader thread drain what is left.
        std::thread::sleep(Duration::from_millis(100));
        let run = Run {
            stdout: self.stdout.lock().unwrap().clone(),
            stderr,
            code: status.code().expect("exited, not killed"),
        };
        home.assert_no_secret(&run);
        run
    }
}

/// Every file under the home, with its contents.
pub fn home_files(home: &Home) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    credchain_test_support::file_tree::files_under(home.path())
}

/// Borrowed variables, as [`Home::command`] takes them.
pub fn refs<'v>(vars: &'v [(&'static str, String)]) -> Vec<(&'static str, &'v str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Runs `script` with `python` in `home` with only `vars` (and metadata disabled) set; its
/// stdout, after asserting it succeeded.
pub fn run_python(
    python: &std::path::Path,
    script: &str,
    home: &Home,
    vars: &[(&str, &str)],
) -> String {
    let output = std::process::Command::new(python)
        .args(["-c", script])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}
