"""The reproducers of ../shared/reports/hostile-input-probe.md, run through the binary.

Each case is one finding (F1 to F20) or one row of the report's probe table, set up as the
report sets it up, and asserts the answer credchain gives now: the AWS CLI's answer or a clear
error, never a wrong answer, a hang, a panic or a secret where it should not be. Every case runs
under a deadline and a memory limit (harness.run), in a temporary HOME of its own.
"""

import json
import os
import signal
import subprocess
import time

import mock
from harness import CLOSED, Home, leaked_secrets, process_alive, run

CASES = []

STATIC = (
    "[default]\naws_access_key_id = AKIADEFAULTACCOUNT01\n"
    "aws_secret_access_key = HOSTILESECRET_default\n"
    "[prod]\naws_access_key_id = AKIAPRODACCOUNT00001\naws_secret_access_key = HOSTILESECRET_prod\n"
)
ROLE = (
    "[profile base]\naws_access_key_id = AKIABASEKEY123456789\n"
    "aws_secret_access_key = HOSTILESECRET_base\n"
    "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/test\nsource_profile = base\n"
    "region = us-east-1\n"
)
MFA = ROLE + "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/test\n" \
    "source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
ENV_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAENV0000000000001", "AWS_SECRET_ACCESS_KEY": "HOSTILESECRET_env"}


def case(finding, slow=False, netns=False):
    """Registers a case; `slow` ones start first; `netns` ones need the loopback-only namespace
    (they hand credchain non-loopback addresses it must refuse without connecting)."""

    def register(fn):
        CASES.append((finding, fn.__name__, fn, slow, netns))
        return fn

    return register


def expect(result, status, err=None, out=None, max_seconds=None, max_rss_mib=64):
    """The common assertions: the status, words on stderr / stdout, time and memory, no panic,
    no abort and no secret on stderr."""
    assert not result.timed_out, "hung: " + result.describe()
    assert b"panicked" not in result.err, "panic: " + result.describe()
    assert result.status == status, f"expected status {status}: " + result.describe()
    for text in [err] if isinstance(err, str) else (err or []):
        assert text.encode() in result.err, f"expected {text!r} on stderr: " + result.describe()
    for text in [out] if isinstance(out, str) else (out or []):
        assert text.encode() in result.out, f"expected {text!r} on stdout: " + result.describe()
    if max_seconds is not None:
        assert result.seconds <= max_seconds, f"took over {max_seconds} s: " + result.describe()
    assert result.max_rss_kib <= max_rss_mib * 1024, (
        f"used over {max_rss_mib} MiB: " + result.describe()
    )
    assert not leaked_secrets(result.err), "a secret on stderr: " + result.describe()


# F1: variables that are not UTF-8 are errors naming the variable, never read as unset.


@case("F1")
def non_utf8_profile_variable_is_refused(ctx, home):
    home.file(".aws/credentials", STATIC)
    for args in (["exec", "--", "sh", "-c", "echo ran $AWS_ACCESS_KEY_ID"], ["explain"],
                 ["export-credentials"], ["configure", "list"]):
        r = ctx.run(args, home, env={"AWS_PROFILE": b"prod\xff"})
        expect(r, 253, err="AWS_PROFILE")
        assert b"AKIADEFAULT" not in r.out and b"ran" not in r.out, r.describe()


@case("F1")
def non_utf8_key_variables_are_refused_and_paths_read(ctx, home):
    home.file(".aws/config", "[default]\nregion = us-east-1\n")
    home.file(".aws/credentials", STATIC)
    r = ctx.run(["export-credentials"], home,
                env={"AWS_ACCESS_KEY_ID": b"AKIA\xff", "AWS_SECRET_ACCESS_KEY": "HOSTILESECRET_x"})
    expect(r, 253, err="AWS_ACCESS_KEY_ID")
    assert r.out == b"", r.describe()
    # Paths may be any bytes: the file they name is read, as the AWS CLI reads it.
    odd = os.path.join(os.fsencode(home.path), b"cfg\xffdir")
    os.makedirs(os.path.join(odd, b".aws"))
    with open(os.path.join(odd, b"config"), "w") as f:
        f.write("[default]\nregion = intended-1\n")
    with open(os.path.join(odd, b".aws", b"config"), "w") as f:
        f.write("[default]\nregion = home-1\n")
    r = ctx.run(["configure", "get", "region"], home,
                env={"AWS_CONFIG_FILE": os.path.join(odd, b"config")})
    expect(r, 0, out="intended-1")
    expect(ctx.run(["configure", "get", "region"], odd), 0, out="home-1")
    r = ctx.run(["configure", "list"], home, env={"AWS_CONFIG_FILE": os.path.join(odd, b"nope")})
    expect(r, 0)


# F2: no panic on values of any length.


@case("F2")
def configure_list_shows_huge_values(ctx, home):
    home.file(".aws/config", "[default]\nregion = us-east-1\nca_bundle = " + "b" * 65536 + "\n")
    expect(ctx.run(["configure", "list"], home), 0, out="us-east-1")
    for name in ("AWS_REGION", "AWS_ENDPOINT_URL"):
        r = ctx.run(["configure", "list"], home, env={name: "http://" + "x" * 131000})
        assert r.status in (0, 253, 255), r.describe()
        expect(r, r.status)


# F3: /dev/null, a directory or a device as a shared file reads as no file.


@case("F3")
def dev_null_directories_and_devices_read_as_no_file(ctx, home):
    r = ctx.run(["export-credentials"], home,
                env=dict(ENV_KEYS, AWS_SHARED_CREDENTIALS_FILE="/dev/null"))
    expect(r, 0, out="AKIAENV0000000000001")
    expect(ctx.run(["configure", "list-profiles"], home, env={"AWS_CONFIG_FILE": "/dev/null"}), 0)
    for path in (home.path, "/dev/zero", "/dev/urandom"):
        r = ctx.run(["configure", "get", "region"], home, env={"AWS_CONFIG_FILE": path})
        expect(r, 1)
    r = ctx.run(["explain"], home, env=dict(ENV_KEYS, AWS_CONFIG_FILE="/dev/null"))
    expect(r, 0, out="not a regular file")


# F4: a FIFO never blocks a read.


@case("F4")
def fifos_as_any_file_never_block(ctx, home):
    fifo = os.path.join(home.path, "fifo")
    os.mkfifo(fifo)
    expect(ctx.run(["configure", "list"], home, env={"AWS_CONFIG_FILE": fifo}, deadline=5), 0)
    r = ctx.run(["export-credentials"], home,
                env=dict(ENV_KEYS, AWS_SHARED_CREDENTIALS_FILE=fifo), deadline=5)
    expect(r, 0, out="AKIAENV0000000000001")
    expect(ctx.run(["explain"], home, env={"AWS_CONFIG_FILE": fifo}, deadline=5), 253)


@case("F4")
def a_fifo_at_the_cache_path_never_blocks(ctx, home):
    home.file(".aws/config", ROLE)
    with mock.sts() as sts:
        r = ctx.run(["export-credentials", "--profile", "role"], home,
                    env={"AWS_ENDPOINT_URL_STS": sts.url})
        expect(r, 0, out="ASIAMOCKACCESSKEY123")
        cache = os.path.join(home.path, ".aws/cli/cache")
        (name,) = [n for n in os.listdir(cache) if n.endswith(".json")]
        os.unlink(os.path.join(cache, name))
        os.mkfifo(os.path.join(cache, name))
        r = ctx.run(["export-credentials", "--profile", "role"], home,
                    env={"AWS_ENDPOINT_URL_STS": sts.url}, deadline=5)
        expect(r, 0, out="ASIAMOCKACCESSKEY123")


@case("F4")
def fifo_token_files_never_block(ctx, home):
    fifo = os.path.join(home.path, "fifo")
    os.mkfifo(fifo)
    env = {"AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/w", "AWS_WEB_IDENTITY_TOKEN_FILE": fifo}
    r = ctx.run(["export-credentials"], home, env=env, deadline=20)
    assert r.status in (253, 254, 255), r.describe()
    expect(r, r.status)
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds",
           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": fifo}
    r = ctx.run(["export-credentials"], home, env=env, deadline=20)
    assert r.status in (253, 254, 255), r.describe()
    expect(r, r.status)


# F5: linear parsing.


@case("F5")
def many_keys_in_a_section_parse_in_linear_time(ctx, home):
    lines = ["[default]"] + [f"k{i} = v" for i in range(200_000)] + ["region = last-key", ""]
    path = home.file("k.cfg", "\n".join(lines))
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        args = ["configure", "get", "region"]
        if name == "AWS_SHARED_CREDENTIALS_FILE":
            args = ["configure", "list"]
        expect(ctx.run(args, home, env={name: path}), 0, max_seconds=2, max_rss_mib=256)
    expect(ctx.run(["configure", "get", "region"], home, env={"AWS_CONFIG_FILE": path}), 0,
           out="last-key", max_seconds=2, max_rss_mib=256)


@case("F5")
def repeated_sections_parse_in_linear_time(ctx, home):
    text = "".join(f"[default]\nregion = r{i}\n" for i in range(500_000))
    path = home.file("r.cfg", text)
    r = ctx.run(["--dialect", "sdk", "configure", "get", "region"], home,
                env={"AWS_CONFIG_FILE": path})
    expect(r, 0, out="r499999", max_seconds=2, max_rss_mib=256)
    # The AWS CLI refuses a repeated section at its second header.
    r = ctx.run(["configure", "get", "region"], home, env={"AWS_CONFIG_FILE": path})
    expect(r, 255, err=":3:", max_seconds=2, max_rss_mib=256)


# F6: credential_process is bounded by its 60 s deadline, and leaves no process behind.


def _pids_written(path):
    with open(path) as f:
        return f.read().split()


@case("F6", slow=True)
def a_helper_s_background_child_cannot_hang_the_exchange(ctx, home):
    pid_file = os.path.join(home.path, "pid")
    helper = home.file("bin/bg.sh", (
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCBG1234567890\", "
        "\"SecretAccessKey\": \"PROCSECRET\"}'\nsleep 1000 &\necho $! > " + pid_file + "\nexit 0\n"
    ), mode=0o755)
    home.file(".aws/config", f"[profile bg]\ncredential_process = {helper}\n")
    r = ctx.run(["export-credentials", "--profile", "bg"], home, deadline=75)
    expect(r, 253, err="60 s", max_seconds=70)
    (pid,) = _pids_written(pid_file)
    assert not process_alive(pid), f"the helper's background child {pid} still runs"


@case("F6", slow=True)
def a_timeout_kills_the_helper_s_children(ctx, home):
    pid_file = os.path.join(home.path, "pid")
    helper = home.file("bin/child.sh",
                       f"#!/bin/sh\nsleep 1000 &\necho $! > {pid_file}\nwait\n", mode=0o755)
    home.file(".aws/config", f"[profile child]\ncredential_process = {helper}\n")
    r = ctx.run(["export-credentials", "--profile", "child"], home, deadline=75)
    expect(r, 253, err="60 s", max_seconds=70)
    (pid,) = _pids_written(pid_file)
    assert not process_alive(pid), f"the helper's child {pid} still runs"


# F7: STS is retried as the AWS CLI retries it.


@case("F7")
def sts_is_retried_after_a_transient_failure(ctx, home):
    home.file(".aws/config", ROLE)
    failures = {
        "503": lambda n, a: mock.sts_error(503, "ServiceUnavailable", "busy") if n == 1 else None,
        "close": lambda n, a: mock.CLOSE if n == 1 else None,
        "throttling": lambda n, a: mock.sts_error(400, "Throttling", "slow down") if n == 1 else None,
    }
    for kind, failure in failures.items():
        with mock.sts(failure) as sts:
            r = ctx.run(["export-credentials", "--profile", "role"], home,
                        env={"AWS_ENDPOINT_URL_STS": sts.url, "AWS_CONFIG_FILE": None})
            expect(r, 0, out="ASIAMOCKACCESSKEY123")
            assert sts.count == 2, f"{kind}: {sts.count} requests"
        for name in os.listdir(os.path.join(home.path, ".aws/cli/cache")):
            os.unlink(os.path.join(home.path, ".aws/cli/cache", name))


# F8, F20: the MFA prompt reads a bounded line and says what is wrong.


@case("F8")
def an_mfa_code_that_never_ends_is_refused(ctx, home):
    home.file(".aws/config", MFA)
    r = ctx.run(["export-credentials", "--profile", "mfa"], home, stdin="/dev/zero",
                memory_bytes=256 << 20)
    expect(r, 255, err="longer than 64", max_rss_mib=32)
    r = ctx.run(["export-credentials", "--profile", "mfa"], home, stdin=b"7" * 5_000_000,
                memory_bytes=256 << 20)
    expect(r, 255, err="longer than 64", max_rss_mib=32)


@case("F20")
def a_long_mfa_code_is_too_long_not_missing(ctx, home):
    home.file(".aws/config", MFA)
    r = ctx.run(["export-credentials", "--profile", "mfa"], home, stdin=b"1" * 1000 + b"\n")
    expect(r, 255, err="longer than 64")
    assert b"none was entered" not in r.err, r.describe()
    r = ctx.run(["export-credentials", "--profile", "mfa"], home, stdin="/dev/null")
    expect(r, 255, err="none was entered")


# F9: a killed cache write leaves nothing behind once the next write has run.


@case("F9")
def temporary_cache_files_of_killed_writers_are_removed(ctx, home):
    home.file(".aws/config", ROLE)
    cache = os.path.join(home.path, ".aws/cli/cache")
    killed = 0
    with mock.sts(lambda n, a: (time.sleep(0.02), None)[1]) as sts:
        env = {"AWS_ENDPOINT_URL_STS": sts.url}
        for _ in range(20):
            for name in os.listdir(cache) if os.path.isdir(cache) else []:
                if name.endswith(".json"):
                    os.unlink(os.path.join(cache, name))
            proc = subprocess.Popen(
                [ctx.binary, "export-credentials", "--profile", "role"],
                env=ctx.environ(home, env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while proc.poll() is None and time.monotonic() < deadline:
                if os.path.isdir(cache) and any(n.endswith(".tmp") for n in os.listdir(cache)):
                    proc.send_signal(signal.SIGKILL)
                    killed += 1
                    break
            proc.wait()
        left = [n for n in os.listdir(cache) if n.endswith(".tmp")] if os.path.isdir(cache) else []
        for name in os.listdir(cache) if os.path.isdir(cache) else []:
            if name.endswith(".json"):
                os.unlink(os.path.join(cache, name))
        r = ctx.run(["export-credentials", "--profile", "role"], home, env=env)
        expect(r, 0, out="ASIAMOCKACCESSKEY123")
    after = [n for n in os.listdir(cache) if n.endswith(".tmp")]
    assert after == [], f"{len(after)} temporary files left after the next write: {after}"
    (name,) = os.listdir(cache)
    with open(os.path.join(cache, name)) as f:
        json.load(f)
    # The kills must have caught writers mid-write for the case to mean anything.
    assert killed > 0 and (left or killed), f"no writer was caught mid-write ({killed} kills)"
    assert os.stat(os.path.join(cache, name)).st_mode & 0o077 == 0


# F10: long paths work, and a long HOME keeps the cache.


@case("F10")
def paths_of_real_length_are_read(ctx, home):
    deep = home.path
    for _ in range(9):
        deep = os.path.join(deep, "d" * 199)
    os.makedirs(deep)
    path = os.path.join(deep, "config")
    with open(path, "w") as f:
        f.write("[default]\nregion = deep-1\n")
    assert len(path) > 1800
    expect(ctx.run(["configure", "get", "region"], home, env={"AWS_CONFIG_FILE": path}), 0,
           out="deep-1")
    # A path over the limit is a clear error naming the variable and the limit.
    r = ctx.run(["configure", "get", "region"], home,
                env={"AWS_CONFIG_FILE": "/" + "x" * 10000})
    expect(r, 255, err=["AWS_CONFIG_FILE", "4096"])


@case("F10")
def a_long_home_keeps_the_assume_role_cache(ctx, home):
    long_home = home.path
    while len(long_home) < 968:
        long_home = os.path.join(long_home, "h" * 100)
    os.makedirs(os.path.join(long_home, ".aws"))
    with open(os.path.join(long_home, ".aws/config"), "w") as f:
        f.write(ROLE)
    with mock.sts() as sts:
        for _ in range(2):
            r = ctx.run(["export-credentials", "--profile", "role"], long_home,
                        env={"AWS_ENDPOINT_URL_STS": sts.url})
            expect(r, 0, out="ASIAMOCKACCESSKEY123")
        assert sts.count == 1, f"{sts.count} STS calls: the cache was not used"


# F11: session tokens of real sizes.


@case("F11")
def long_session_tokens_are_used(ctx, home):
    home.file(".aws/config", ROLE)
    token = "MOCKTOKEN" + "t" * 8000
    with mock.sts(lambda n, a: mock.sts_ok(a, token=token)) as sts:
        r = ctx.run(["export-credentials", "--profile", "role", "--format", "process"], home,
                    env={"AWS_ENDPOINT_URL_STS": sts.url})
        expect(r, 0)
        assert json.loads(r.out)["SessionToken"] == token
    r = ctx.run(["export-credentials"], home,
                env=dict(ENV_KEYS, AWS_SESSION_TOKEN="HOSTILETOKEN" + "x" * 131000))
    expect(r, 253, err="16384 bytes")


# F12: a web identity token file may be a pipe.


@case("F12")
def a_web_identity_token_may_come_from_a_pipe(ctx, home):
    read_end, write_end = os.pipe()
    os.write(write_end, b"HOSTILETOKEN_web")
    os.close(write_end)
    try:
        with mock.sts() as sts:
            env = {"AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web",
                   "AWS_WEB_IDENTITY_TOKEN_FILE": f"/dev/fd/{read_end}",
                   "AWS_ENDPOINT_URL_STS": sts.url}
            r = ctx.run(["export-credentials"], home, env=env, pass_fds=(read_end,))
            expect(r, 0, out="ASIAMOCKACCESSKEY123")
    finally:
        os.close(read_end)


# F13: system errors in words, limits stated.


@case("F13")
def system_errors_are_in_words(ctx, home):
    a, b = os.path.join(home.path, "loopA"), os.path.join(home.path, "loopB")
    os.symlink(b, a)
    os.symlink(a, b)
    r = ctx.run(["configure", "get", "region"], home, env={"AWS_CONFIG_FILE": a})
    # The C library's words: glibc "Too many levels of symbolic links" and "File name too
    # long", musl (the release build) "Symbolic link loop" and "Filename too long".
    expect(r, 255, err="loopA")
    assert b"symbolic link" in r.err.lower(), r.describe()
    r = ctx.run(["configure", "get", "region"], home,
                env={"AWS_CONFIG_FILE": os.path.join(home.path, "n" * 300, "c")})
    expect(r, 255)
    assert b"name too long" in r.err.lower(), r.describe()
    sparse = os.path.join(home.path, "sparse")
    with open(sparse, "wb") as f:
        f.truncate(2 << 30)
    r = ctx.run(["configure", "get", "region"], home, env={"AWS_CONFIG_FILE": sparse})
    expect(r, 255, err="1 GiB", max_seconds=1)
    for r in (ctx.run(["configure", "get", "region"], home, env={"AWS_CONFIG_FILE": x})
              for x in (a, sparse)):
        assert b"from the system" not in r.err, r.describe()


# F14: errors of bounded size.


@case("F14")
def a_missing_profile_lists_a_screenful(ctx, home):
    path = home.file("many.cfg", "".join(f"[profile p{i}]\nregion = r\n" for i in range(1_000_000)))
    r = ctx.run(["configure", "get", "region", "--profile", "nope"], home,
                env={"AWS_CONFIG_FILE": path})
    expect(r, 255, err="more", max_rss_mib=256)
    assert len(r.err) < 4096, f"{len(r.err)} bytes of error"
    r = ctx.run(["explain", "--profile", "nope"], home, env={"AWS_CONFIG_FILE": path})
    expect(r, 253, max_rss_mib=256)
    assert len(r.out) + len(r.err) < 64 * 1024, f"{len(r.out) + len(r.err)} bytes of explain"


# F15: role chains up to 64 profiles; longer ones are a clear error.


@case("F15")
def role_chains_of_real_length_work(ctx, home):
    def chain(n):
        text = "[profile c0]\naws_access_key_id = AKIABASEKEY123456789\n" \
               "aws_secret_access_key = HOSTILESECRET_c0\n"
        for i in range(1, n + 1):
            text += (f"[profile c{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\n"
                     f"source_profile = c{i - 1}\n")
        return text

    home.file(".aws/config", chain(40))
    with mock.sts() as sts:
        r = ctx.run(["export-credentials", "--profile", "c40"], home,
                    env={"AWS_ENDPOINT_URL_STS": sts.url, "AWS_REGION": "us-east-1"})
        expect(r, 0, out="ASIAMOCKACCESSKEY123")
        assert sts.count == 40, f"{sts.count} STS calls for 40 roles"
    home.file(".aws/config", chain(10_000))
    r = ctx.run(["export-credentials", "--profile", "c10000"], home)
    expect(r, 253, err="64", max_seconds=1)


# F16: counts have a sane upper bound, stated.


@case("F16")
def metadata_attempts_are_bounded_and_the_bound_stated(ctx, home):
    for value in ("4294967296", "101"):
        r = ctx.run(["export-credentials"], home,
                    env={"AWS_EC2_METADATA_DISABLED": None,
                         "AWS_METADATA_SERVICE_NUM_ATTEMPTS": value})
        expect(r, 253, err=["AWS_METADATA_SERVICE_NUM_ATTEMPTS", "from 1 to 100"], max_seconds=2)


# F17: terminal control characters from outside are escaped.


@case("F17")
def control_characters_from_outside_are_escaped(ctx, home):
    evil = "\x1b]0;PWNED-TITLE\x07\x1b[2J"
    helper = home.file("bin/evil.sh", f"#!/bin/sh\nprintf '{evil}' >&2\nexit 3\n", mode=0o755)
    home.file(".aws/config", ROLE + f"[profile evil]\ncredential_process = {helper}\n")
    runs = [ctx.run(["export-credentials", "--profile", "evil"], home),
            ctx.run(["configure", "get", "region", "--profile", evil + "x"], home)]
    with mock.sts(lambda n, a: mock.sts_error(403, "AccessDenied", "no \x1b[31mRED\x1b[0m")) as sts:
        runs.append(ctx.run(["export-credentials", "--profile", "role"], home,
                            env={"AWS_ENDPOINT_URL_STS": sts.url}))
    for r in runs:
        assert r.status in (253, 254, 255), r.describe()
        expect(r, r.status)
        assert b"\x1b" not in r.err and b"\x07" not in r.err, "a raw control: " + r.describe()
        assert b"\\x1b" in r.err or b"\\u{1b}" in r.err or b"\\e" in r.err, r.describe()


# F18: oversized cache files are refused without being read.


@case("F18")
def huge_cache_files_are_not_read(ctx, home):
    home.file(".aws/config", ROLE)
    with mock.sts() as sts:
        env = {"AWS_ENDPOINT_URL_STS": sts.url}
        expect(ctx.run(["export-credentials", "--profile", "role"], home, env=env), 0)
        cache = os.path.join(home.path, ".aws/cli/cache")
        (name,) = os.listdir(cache)
        with open(os.path.join(cache, name), "r+b") as f:
            f.truncate(1000 << 20)
        r = ctx.run(["export-credentials", "--profile", "role"], home, env=env)
        expect(r, 0, out="ASIAMOCKACCESSKEY123", max_seconds=2, max_rss_mib=32)
        assert sts.count == 2


# F19: an output that cannot be written is a failure.


@case("F19")
def a_closed_stdout_is_a_failure(ctx, home):
    for args in (["export-credentials"], ["configure", "list"], ["explain"]):
        r = ctx.run(args, home, env=ENV_KEYS, close_stdout=True)
        assert r.status not in (0, 101, 134) and not r.timed_out, r.describe()
    r = ctx.run(["export-credentials"], home, env=ENV_KEYS, close_stdout=False)
    expect(r, 0)


# Rows of the probe table that held; kept so that they keep holding.


@case("1.3")
def a_nul_byte_names_the_line_and_echoes_nothing(ctx, home):
    home.file(".aws/config", b"[default]\nregion\x00 = x\nfoo = bar\naws_secret_access_key = HOSTILESECRET_n\n")
    r = ctx.run(["configure", "get", "region"], home)
    expect(r, 255, err=[":2:", "NUL"])


@case("1.23")
def a_dangling_symlink_reads_as_no_file(ctx, home):
    os.symlink("/nonexistent/credchain", os.path.join(home.path, ".aws/config"))
    expect(ctx.run(["configure", "get", "region"], home), 1)
    expect(ctx.run(["configure", "list"], home), 0)


@case("2.21")
def a_helper_flooding_its_output_is_stopped(ctx, home):
    helper = home.file("bin/flood.sh", "#!/bin/sh\nhead -c 100000000 /dev/zero | tr '\\0' x\n",
                       mode=0o755)
    home.file(".aws/config", f"[profile flood]\ncredential_process = {helper}\n")
    r = ctx.run(["export-credentials", "--profile", "flood"], home)
    expect(r, 253, err="65536 bytes", max_seconds=5, max_rss_mib=32)


@case("2.26")
def truncated_helper_json_never_shows_the_secret(ctx, home):
    helper = home.file("bin/trunc.sh", "#!/bin/sh\nprintf '{\"Version\": 1, \"SecretAccessKey\": \"PROCSECRET'\n",
                       mode=0o755)
    home.file(".aws/config", f"[profile trunc]\ncredential_process = {helper}\n")
    expect(ctx.run(["export-credentials", "--profile", "trunc"], home), 253, err="JSON")


@case("5.x")
def evil_sts_answers_are_refused_quickly(ctx, home):
    home.file(".aws/config", ROLE)
    answers = {
        "1 GB body": (200, {"Content-Type": "text/xml", "Content-Length": str(1 << 30)}, b"<a>"),
        "billion laughs": (200, {"Content-Type": "text/xml"},
                           b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l "lol">]><a>&l;</a>'),
        "truncated": (200, {"Content-Type": "text/xml"}, b"<AssumeRoleResponse><AssumeRoleResult>"),
        "html 500": (500, {"Content-Type": "text/html"}, b"<html>oops</html>"),
        "redirect": (302, {"Location": CLOSED + "/redirected"}, b""),
    }
    for what, answer in answers.items():
        with mock.sts(lambda n, a, answer=answer: answer) as sts:
            r = ctx.run(["export-credentials", "--profile", "role"], home,
                        env={"AWS_ENDPOINT_URL_STS": sts.url, "AWS_RETRY_MODE": "standard",
                             "AWS_MAX_ATTEMPTS": "1"})
            # 254 for a service's bad answer, 255 where the AWS CLI's HTTP layer fails first
            # (docs/quirks.md "Exit statuses").
            assert r.status in (254, 255), f"{what}: " + r.describe()
            expect(r, r.status, max_seconds=5)
            assert all(path != "/redirected" for _, path in sts.requests), what


@case("2.20", netns=True)
def forbidden_container_hosts_are_refused(ctx, home):
    for url in ("http://169.254.169.254/x", "http://example.com/x", "https://10.0.0.1/x",
                "http://127.0.0.1.nip.io/x", "http://0x7f000001/x", "http://[::ffff:127.0.0.1]/x",
                "http://169.254.170.2.example.com/x", "http://0.0.0.0/x", "file:///etc/passwd"):
        r = ctx.run(["export-credentials"], home,
                    env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "HOSTILETOKEN_container"},
                    deadline=10)
        assert r.status in (253, 254), f"{url}: " + r.describe()
        expect(r, r.status, max_seconds=2)
