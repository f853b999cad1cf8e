"""Random shared files through the binary's commands: no panic, no hang, bounded memory, no
secret where it should not be, and only the exit statuses credchain documents.

Each generated pair (a config file and a credentials file) mixes well-formed profiles of every
kind (static keys, roles, web identity, SSO, credential_process, login sessions, services
sections) with what breaks parsers: long values and names, control characters, odd headers, CRLF
and CR line ends, continuation and sub-property lines, comments in odd places, repeated keys and
sections, non-UTF-8 bytes and NUL. The files are run in both dialects through a rotation of the
commands with a --profile from the file or not.

Nothing may leave the machine: every URL the generator writes is on loopback (the mock or a
closed port), `credential_process` only runs the case's own helper scripts, and every run also
has the harness's loopback endpoints and AWS_EC2_METADATA_DISABLED=true.
"""

import concurrent.futures
import os
import random
import tempfile

import mock
from harness import CLOSED, Home, leaked_secrets, run

# What the AWS CLI and credchain exit with (docs/quirks.md, "Exit statuses"): 0, 1 for an unset
# `configure get`, 2 for usage, 252 to 255; exec passes its command's status through (here
# /bin/true, so 0), or 126 / 127.
ALLOWED_STATUSES = {0, 1, 2, 126, 127, 252, 253, 254, 255}

SETTING_KEYS = [
    "region", "output", "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
    "role_arn", "source_profile", "credential_source", "external_id", "mfa_serial",
    "role_session_name", "duration_seconds", "web_identity_token_file", "sso_session",
    "sso_start_url", "sso_region", "sso_account_id", "sso_role_name", "sso_registration_scopes",
    "credential_process", "login_session", "ca_bundle", "max_attempts", "retry_mode",
    "metadata_service_timeout", "metadata_service_num_attempts", "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode", "ec2_metadata_v1_disabled", "endpoint_url",
    "use_fips_endpoint", "use_dualstack_endpoint", "sts_regional_endpoints", "cli_pager",
    "cli_timestamp_format", "s3", "services", "aws_account_id", "parameter_validation",
]
# Keys whose values the generator must control: they run programs or name hosts.
CONTROLLED = ("credential_process", "endpoint", "ignore_configured", "url", "uri", "http")


class Generator:
    """Makes one file pair from a seed; `helpers` are the case's safe credential_process
    commands."""

    def __init__(self, seed, helpers, mock_url):
        self.r = random.Random(seed)
        self.helpers = helpers
        self.mock_url = mock_url
        self.names = []
        self.headers = set()
        # How hostile this pair is: half are well-formed files with odd values, so that the
        # runs reach the chain and not only the parser's errors.
        self.hostility = self.r.choice([0.0, 0.0, 0.1, 1.0])

    def name(self):
        r = self.r
        pick = r.random()
        if pick < 0.6 or not self.names:
            name = r.choice(["default", "dev", "prod", "a", "b", "role", "sso", "p%d" % r.randrange(50)])
        elif pick < 0.8:
            name = r.choice(self.names)
        elif pick < 0.9:
            name = "".join(r.choice("abc-_.@ \t:/\\\"'[]=#;$~") for _ in range(r.randrange(1, 12)))
        else:
            name = "n" * r.choice([1, 255, 4096, 70000 if r.random() < 0.1 else 300])
        self.names.append(name)
        return name

    def value(self, key):
        r = self.r
        if key == "credential_process":
            return r.choice(self.helpers)
        if key in ("endpoint_url", "ec2_metadata_service_endpoint"):
            return r.choice([self.mock_url, CLOSED, "http://127.0.0.1:1", "http://[::1]:9", ""])
        if key == "source_profile":
            return r.choice(self.names or ["default"])
        if key == "role_arn":
            return r.choice(["arn:aws:iam::123456789012:role/r%d" % r.randrange(5), "nope", ""])
        if key == "region":
            return r.choice(["us-east-1", "eu-west-1", "", "us east", "x" * r.choice([3, 300, 3, 70000])])
        if key in ("aws_secret_access_key", "aws_session_token"):
            return r.choice(["HOSTILESECRET", "HOSTILETOKEN"]) + "_" + str(r.randrange(10**6))
        if key == "aws_access_key_id":
            return r.choice(["AKIAGEN0000000000001", "AKIA", "", "A" * 5000])
        if key == "credential_source":
            return r.choice(["Environment", "EcsContainer", "Ec2InstanceMetadata", "nope", ""])
        if key == "web_identity_token_file":
            return r.choice(["/dev/null", "/nonexistent", "~/token", "/dev/zero"])
        if key in ("duration_seconds", "max_attempts", "metadata_service_timeout",
                   "metadata_service_num_attempts"):
            return r.choice(["1", "0", "-1", "3600", "1.5", "abc", "99999999999999999999", ""])
        if key in ("s3", "services"):
            return ""  # a sub-property block follows
        return self.junk()

    def junk(self):
        r = self.r
        pick = r.random()
        if pick < 0.5:
            return r.choice(["true", "false", "standard", "adaptive", "legacy", "json", "text",
                             "iso8601", "wire", "IPv6", "IPv4", "regional", "legacy", "x"])
        if pick < 0.7:
            return "".join(r.choice("ab =#;[]\\\"'$~%{}\t\x1b\x07\u00e9\u202e")
                           for _ in range(r.randrange(40)))
        if pick < 0.97:
            return "".join(r.choice("abcxyz019") for _ in range(r.randrange(1, 12)))
        if pick < 0.99:
            return "v" * r.choice([100, 4096])
        if pick < 0.995:
            return "v" * r.choice([65536, 70000])
        if r.random() < self.hostility:
            return "".join(chr(r.randrange(1, 0x2FF)) for _ in range(r.randrange(30)))
        return "".join(chr(r.randrange(0xA0, 0x2FF)) for _ in range(r.randrange(30)))

    def safe(self, line):
        # A line the generator did not write with a controlled value must not name a program or
        # a host: drop anything that might.
        lowered = line.lower()
        return not any(word in lowered for word in CONTROLLED)

    def section(self, kind):
        r = self.r
        out = []
        header = r.random()
        name = self.name()
        while name in self.headers and r.random() > self.hostility:
            name = self.name() + str(r.randrange(1000))
        self.headers.add(name)
        if kind == "config" and header < 0.8:
            prefix = r.choice(["profile ", "profile ", "sso-session ", "services ", "", "profile  ",
                               "Profile ", "login-session "])
            head = "[%s%s]" % (prefix if name != "default" or r.random() < 0.2 else "", name)
        else:
            head = "[%s]" % name
        if r.random() < 0.05 * self.hostility:
            head = r.choice(["[", "[]", "[[x]]", "[ x ] ; c", "[x] junk", "  [x]", "[x]\x00"])
        out.append((head, True))
        used = set()
        for _ in range(r.choice([0, 1, 2, 3, 5, 8, 20] * 3 + [100, 300])):
            key = r.choice(SETTING_KEYS) if r.random() > 0.2 * self.hostility else self.junk()[:20]
            # The AWS CLI refuses a key repeated in a section: keep that for hostile pairs.
            if key in used and r.random() > self.hostility:
                continue
            used.add(key)
            value = self.value(key)
            controlled = key in SETTING_KEYS
            sep = r.choice([" = ", "=", " =", "= ", " =\t"])
            if r.random() < 0.1 * self.hostility:
                sep = r.choice([" : ", ":", " ", ""])
            out.append(("%s%s%s" % (key, sep, value), controlled))
            if key in ("s3", "services") or r.random() < 0.05 * self.hostility:
                for _ in range(r.randrange(4)):
                    subs = ["endpoint_url = " + self.mock_url, "max_attempts = 3",
                            "addressing_style = path", "x = " + self.junk()]
                    if r.random() < self.hostility:
                        subs.append(self.junk())
                    sub = r.choice(subs)
                    out.append((r.choice(["  ", "\t", " "]) + sub, sub.startswith("endpoint_url = " + self.mock_url)))
            if r.random() < 0.1:
                out.append((r.choice(["# c", "; c", "  # indented", "#", ";;;"]), False))
            if r.random() < 0.03:
                out.append((r.choice(["", "   ", "\t"]), False))
        return out

    def file(self, kind):
        r = self.r
        self.headers = set()
        lines = []
        for _ in range(r.choice([0, 1, 2, 3, 5, 10, 40])):
            lines.extend(self.section(kind))
        text_lines = [line for line, controlled in lines if controlled or self.safe(line)]
        end = r.choice(["\n"] * 8 + ["\r\n", "\r"])
        text = end.join(text_lines) + (end if r.random() < 0.9 else "")
        data = text.encode("utf-8", "surrogatepass")
        if r.random() < 0.03 * self.hostility:
            at = r.randrange(len(data) + 1)
            data = data[:at] + r.choice([b"\xff", b"\x00", b"\xef\xbb\xbf", b"\xc3"]) + data[at:]
        if r.random() < 0.02 * self.hostility:
            data = b"\xef\xbb\xbf" + data
        return data


def commands(r, names):
    """A rotation of the binary's commands over the generated names."""
    profile = []
    if names and r.random() < 0.7:
        profile = ["--profile", r.choice(names)]
    elif r.random() < 0.2:
        profile = ["--profile", "missing"]
    dialect = ["--dialect", "sdk"] if r.random() < 0.25 else []
    command = r.choice([
        ["configure", "get", "region"],
        ["configure", "get", r.choice(["aws_access_key_id", "s3.max_attempts", "nope", "profile.dev.region"])],
        ["configure", "list"],
        ["configure", "list-profiles"],
        ["explain"],
        ["explain", "--format", "json"],
        ["export-credentials"],
        ["export-credentials", "--format", r.choice(["env", "env-no-export", "powershell", "windows-cmd", "process"])],
        ["export-token"],
        ["exec", "--", "/bin/true"],
    ])
    return dialect + profile + command


def run_random(binary, root, count, seed, workers, progress, runs_per_pair=1):
    """Runs `count` generated file pairs through `runs_per_pair` commands each, and returns the
    failures."""
    helpers_dir = tempfile.mkdtemp(prefix="helpers.", dir=root)
    helpers = []
    for name, body in {
        "ok.sh": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC000000000001\", \"SecretAccessKey\": \"PROCSECRET\"}'\n",
        "bad.sh": "#!/bin/sh\necho 'not json'; echo 'the helper failed' >&2; exit 3\n",
        "expired.sh": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC000000000002\", \"SecretAccessKey\": \"PROCSECRET\", \"Expiration\": \"2000-01-01T00:00:00Z\"}'\n",
    }.items():
        path = os.path.join(helpers_dir, name)
        with open(path, "w") as f:
            f.write(body)
        os.chmod(path, 0o755)
        helpers.append(path)
    helpers += ["/bin/false", "/nonexistent/helper", '"%s" arg' % helpers[0], "'unclosed"]
    sts = mock.sts()
    failures = []

    def one(i):
        r = random.Random(seed * 1_000_003 + i)
        gen = Generator(seed * 1_000_003 + i, helpers, sts.url)
        config, credentials = gen.file("config"), gen.file("credentials")
        home = Home(root)
        try:
            home.file(".aws/config", config)
            home.file(".aws/credentials", credentials)
            found = []
            # Peak memory may grow with the files (they are read whole), never past this.
            memory_kib = 16 * 1024 + 6 * (len(config) + len(credentials)) // 1024
            for _ in range(runs_per_pair):
                args = commands(r, gen.names)
                env = {"AWS_ENDPOINT_URL": sts.url, "AWS_ENDPOINT_URL_STS": sts.url}
                if r.random() < 0.2:
                    env.update({"AWS_ACCESS_KEY_ID": "AKIAENV0000000000001",
                                "AWS_SECRET_ACCESS_KEY": "HOSTILESECRET_env"})
                if r.random() < 0.1:
                    env["AWS_PROFILE"] = r.choice(gen.names or ["x"])
                res = run(binary, args, home, env=env, deadline=10, memory_bytes=1 << 30)
                problem = None
                if res.timed_out:
                    problem = "no answer within 10 s"
                elif b"panicked" in res.err or res.status in (101, 134):
                    problem = "a panic or abort"
                elif res.status not in ALLOWED_STATUSES:
                    problem = f"exit status {res.status}"
                elif res.max_rss_kib > memory_kib:
                    problem = f"{res.max_rss_kib} KiB of memory (bound {memory_kib} KiB)"
                elif leaked_secrets(res.err):
                    problem = "a secret on stderr"
                elif args[-1] not in ("export-credentials", "process", "env", "env-no-export",
                                      "powershell", "windows-cmd", "export-token") \
                        and leaked_secrets(res.out):
                    problem = "a secret on stdout"
                if problem:
                    found.append((i, problem, res.describe()))
            return found
        finally:
            home.close()

    try:
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            for n, found in enumerate(pool.map(one, range(count)), 1):
                failures.extend(found)
                if progress and n % 2000 == 0:
                    progress(f"random configs: {n} of {count} pairs, {len(failures)} failures")
    finally:
        sts.stop()
    return failures

