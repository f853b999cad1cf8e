//! Running `credential_process` helpers, each in a process group of its own.

use std::boxed::Box;
use std::vec::Vec;

/// Runs programs with `std::process` (no shell), each in a process group of its own on Unix,
/// killing the group at the timeout or when an output stream passes the limit. The timeout
/// bounds the whole exchange: the helper's exit and the end of both its output streams. A
/// helper that exits but leaves a background child holding its stdout or stderr open has not
/// finished until that child closes them or the deadline passes; then the group is killed.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdCommand;

impl crate::io::Command for StdCommand {
    type Output = Vec<u8>;

    async fn run(
        &self,
        request: &crate::io::CommandRequest<'_>,
    ) -> Result<crate::io::CommandOutput<Vec<u8>>, crate::io::CommandError> {
        run_command(request)
    }
}

/// Kills `child` and, on Unix, every process left in its process group (it leads one of its
/// own: see [`run_command`]), then reaps it. A descendant that left the group (`setsid`) is
/// beyond reach; the drains of its output are then abandoned, not waited for.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = rustix::process::kill_process_group(
            rustix::process::Pid::from_child(child),
            rustix::process::Signal::KILL,
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// See [`StdCommand`].
pub fn run_command(
    request: &crate::io::CommandRequest<'_>,
) -> Result<crate::io::CommandOutput<Vec<u8>>, crate::io::CommandError> {
    use crate::io::{CommandError, CommandErrorKind, CommandOutput};
    use std::io::Read;
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let fail = CommandError::new;
    let (program, args) = request
        .argv
        .split_first()
        .ok_or(fail(CommandErrorKind::NotFound))?;
    let deadline = Instant::now() + Duration::from_millis(u64::from(request.timeout_ms));
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // A group of its own, so that the helper's children can be killed with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => CommandErrorKind::NotFound,
            std::io::ErrorKind::PermissionDenied => CommandErrorKind::PermissionDenied,
            _ => CommandErrorKind::Other,
        };
        CommandError {
            kind,
            os_code: e.raw_os_error(),
        }
    })?;
    // Each stream is drained on its own thread so that neither pipe can fill and block the
    // child. A drain sends its bytes when its stream ends or passes the limit; one that never
    // ends (a process outside the group holds the pipe) is left behind at the deadline.
    let limit = request.max_output_bytes as u64;
    let (sender, received) = mpsc::channel::<(bool, Vec<u8>)>();
    let drain = |is_stdout: bool, stream: Option<Box<dyn Read + Send>>| {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(stream) = stream {
                let _ = stream.take(limit + 1).read_to_end(&mut buf);
            }
            let _ = sender.send((is_stdout, buf));
        });
    };
    drain(
        true,
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    drain(
        false,
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    drop(sender);
    let (mut stdout, mut stderr) = (None, None);
    let mut status = None;
    while status.is_none() || stdout.is_none() || stderr.is_none() {
        if status.is_none() {
            match child.try_wait() {
                Ok(done) => status = done,
                Err(e) => {
                    kill_group(&mut child);
                    return Err(CommandError {
                        kind: CommandErrorKind::Other,
                        os_code: e.raw_os_error(),
                    });
                }
            }
        }
        match received.recv_timeout(Duration::from_millis(2)) {
            Ok((is_stdout, bytes)) => {
                if bytes.len() > request.max_output_bytes {
                    kill_group(&mut child);
                    return Err(fail(CommandErrorKind::TooLarge));
                }
                *(if is_stdout { &mut stdout } else { &mut stderr }) = Some(bytes);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Both drains have sent: nothing more will come.
            Err(mpsc::RecvTimeoutError::Disconnected) if status.is_none() => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if Instant::now() >= deadline && (status.is_none() || stdout.is_none() || stderr.is_none())
        {
            kill_group(&mut child);
            return Err(fail(CommandErrorKind::Timeout));
        }
    }
    let Some(status) = status else {
        return Err(fail(CommandErrorKind::Other));
    };
    Ok(CommandOutput {
        status: status.code(),
        stdout: stdout.unwrap_or_default(),
        stderr: stderr.unwrap_or_default(),
    })
}
