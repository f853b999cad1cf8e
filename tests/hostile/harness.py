"""Running the credchain binary as a hostile or unlucky user would, with every run bounded.

Each run gets a deadline (the whole process group is killed when it passes), an address-space
limit (RLIMIT_AS), and its peak resident memory measured (wait4). The environment is built from
nothing: no variable of the caller reaches the binary, and every run has the metadata service
turned off and every AWS endpoint pointed at loopback unless the case says otherwise.
"""

import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

# Markers planted as secrets by the cases and the generator: none may appear where it should not.
SECRET_MARKERS = (b"HOSTILESECRET", b"HOSTILETOKEN", b"PROCSECRET", b"MOCKSECRET", b"MOCKTOKEN")

# GNU time (Debian's package `time`; tests/run installs it), for the peak memory of a run.
TIME = "/usr/bin/time"

# A port on loopback where nothing listens (the discard port; refused at once).
CLOSED = "http://127.0.0.1:9"

# The variables every run starts from: no metadata service, every service endpoint on loopback.
SAFE_ENV = {
    "PATH": "/usr/bin:/bin",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT": CLOSED,
    "AWS_ENDPOINT_URL": CLOSED,
    "AWS_ENDPOINT_URL_STS": CLOSED,
    "AWS_ENDPOINT_URL_SSO": CLOSED,
    "AWS_ENDPOINT_URL_SSO_OIDC": CLOSED,
    "AWS_ENDPOINT_URL_SIGNIN": CLOSED,
}


@dataclass
class Result:
    """What one run did."""

    argv: list
    status: int  # the exit status; 128 + N for a signal N; -1 when the deadline killed it
    out: bytes
    err: bytes
    max_rss_kib: int
    seconds: float

    @property
    def timed_out(self):
        return self.status == -1

    def describe(self):
        def cut(b):
            text = b[:600].decode("utf-8", "backslashreplace")
            return text + ("..." if len(b) > 600 else "")

        return (
            f"argv {self.argv!r}: status {self.status}, {self.seconds:.2f} s, "
            f"{self.max_rss_kib} KiB\n  stdout: {cut(self.out)}\n  stderr: {cut(self.err)}"
        )


class Home:
    """A temporary HOME with an empty ~/.aws, removed by `close`."""

    def __init__(self, root):
        self.path = tempfile.mkdtemp(prefix="home.", dir=root)
        os.mkdir(os.path.join(self.path, ".aws"))

    def file(self, relative, text, mode=None):
        path = os.path.join(self.path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text.encode() if isinstance(text, str) else text)
        if mode is not None:
            os.chmod(path, mode)
        return path

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


def _read_all(stream, into, limit):
    # Keep at most `limit` bytes but read to the end, so the child never blocks on a full pipe.
    size = 0
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        size += len(chunk)
        if size <= limit:
            into.append(chunk)
    stream.close()


def environment(home=None, env=None):
    """SAFE_ENV with HOME set to `home` (a Home or a path), plus `env` (a None value removes a
    variable), as bytes for exec."""
    full_env = dict(SAFE_ENV)
    if home is not None:
        full_env["HOME"] = home.path if isinstance(home, Home) else home
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    return {
        (k.encode() if isinstance(k, str) else k): (v.encode() if isinstance(v, str) else v)
        for k, v in full_env.items()
    }


def run(
    binary,
    args,
    home=None,
    env=None,
    stdin=b"",
    deadline=10.0,
    memory_bytes=1 << 30,
    close_stdout=False,
    pass_fds=(),
    keep_bytes=64 << 20,
):
    """Runs `binary args` and returns its Result. `env` adds to (or, with None values, removes
    from) SAFE_ENV; `stdin` is bytes, or a path to read from."""
    environ = environment(home, env)

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if close_stdout:
            os.close(1)

    stdin_file = None
    if isinstance(stdin, str):
        stdin_file = open(stdin, "rb")
        stdin_arg = stdin_file
    else:
        stdin_arg = subprocess.PIPE
    argv = [binary] + list(args)
    # The peak memory of a process forked from this (large) Python process would count this
    # process's pages too (the kernel carries the high-water mark across exec), so GNU time,
    # small itself, runs the binary and reports its peak alone.
    rss_fd, rss_path = tempfile.mkstemp(prefix="rss.")
    os.close(rss_fd)
    # (Not with a closed stdout: time's own output file would take descriptor 1.)
    measured = argv if close_stdout else [TIME, "-f", "%M", "-o", rss_path] + argv
    started = time.monotonic()
    proc = subprocess.Popen(
        measured,
        env=environ,
        stdin=stdin_arg,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=limits,
        pass_fds=pass_fds,
    )
    if stdin_file is not None:
        stdin_file.close()
    out, err = [], []
    readers = [
        threading.Thread(target=_read_all, args=(proc.stdout, out, keep_bytes), daemon=True),
        threading.Thread(target=_read_all, args=(proc.stderr, err, keep_bytes), daemon=True),
    ]
    for r in readers:
        r.start()
    if stdin_arg is subprocess.PIPE:
        try:
            proc.stdin.write(stdin)
        except BrokenPipeError:
            pass
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
    killed = threading.Event()

    def kill():
        killed.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(deadline, kill)
    timer.start()
    _, wait_status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    seconds = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(wait_status)
    # The group may hold children that keep the pipes open: give them the deadline too.
    for r in readers:
        r.join(max(0.0, deadline - seconds) + 1.0)
        if r.is_alive():
            kill()
            r.join(5)
    status = -1 if killed.is_set() else proc.returncode
    if status < 0 and status != -1:
        status = 128 - status
    with open(rss_path) as f:
        lines = f.read().split()
    os.unlink(rss_path)
    # GNU time writes "Command exited with non-zero status N" (or "terminated by signal")
    # before the figure; a run killed at the deadline has none.
    max_rss_kib = int(lines[-1]) if lines and lines[-1].isdigit() else usage.ru_maxrss
    return Result(argv, status, b"".join(out), b"".join(err), max_rss_kib, seconds)


def leaked_secrets(data, allowed=()):
    """The secret markers in `data` other than those in `allowed`."""
    return [m for m in SECRET_MARKERS if m in data and m not in allowed]


def process_alive(pid):
    """Whether `pid` runs (zombies count as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return not stat.rsplit(")", 1)[-1].lstrip().startswith("Z")
