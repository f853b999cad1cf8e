"""Cases whose files credchain's writing commands made: does botocore read what credchain wrote
as credchain reads it?

    written.make(binary, n)  ->  a case, as gen.generate returns one

Each case starts from a generated one (gen.generate with the seeds 1000 + n), writes its files
into a scratch home, and runs one to four of credchain's writing commands there, as a person
would, with the case's own environment (AWS_CONFIG_FILE, AWS_PROFILE, ...):
- `configure set NAME VALUE [--profile P]`: the region, output, a nested s3 value, new static
  keys (the secret and, for an ASIA key, the token the mock accepts with it: mock.secret_for,
  mock.token_for), another profile's region (`profile.P.region`);
- `configure import --csv TEXT [--profile-prefix P]`: one or two users, named after profiles of
  the case, in either of the IAM console's layouts;
- `configure [--profile P]` with the answers piped in: new keys or Enter, a region, an output.
The files as credchain left them (every file under the home, the home's path put back as
@HOME@) are the case; difftest.py then runs both tools over them as over any case. A command
that fails (a file it cannot write) is left out; what ran is in the case's "written" list.
"""

import os
import random
import shutil
import subprocess
import tempfile

import gen
from mock import secret_for, token_for

# The scratch home's files hold no mock URL: nothing here calls a service, and a case's
# @MOCK@ is kept as it is (materialize checks only that endpoints start with it).
MOCK_TOKEN = "@MOCK@"
TIMEOUT = 20


def _active_profile(case):
    argv = case["argv"]
    if "--profile" in argv:
        i = argv.index("--profile")
        if i + 1 < len(argv) and argv[i + 1]:
            return argv[i + 1]
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        if var in case["env"]:
            return case["env"][var]
    return None


def _ops(rng, case):
    """One to four writing commands: (argv after the binary, standard input or None, tag)."""
    active = _active_profile(case)
    names = [n for n in gen.NAMES if n != "my team"] + ([active] if active else [])
    ops = []
    for _ in range(rng.randint(1, 4)):
        target = active if rng.random() < 0.7 else rng.choice(names)
        profile = ["--profile", target] if target else []
        kind = rng.choice(["region", "keys", "output", "nested", "other", "import", "configure"])
        if kind == "region":
            value = rng.choice(gen.REGIONS + [" us-east-1", "eu-west-1 # note"])
            ops.append((["configure", "set", "region", value] + profile, None, "set:region"))
        elif kind == "keys":
            key = gen._key(rng, rng.choice(["AKIA", "ASIA"]))
            ops.append((["configure", "set", "aws_access_key_id", key] + profile, None, "set:keys"))
            ops.append(
                (["configure", "set", "aws_secret_access_key", secret_for(key)] + profile, None, "set:keys")
            )
            if key.startswith("ASIA"):
                name = rng.choice(["aws_session_token", "aws_security_token"])
                ops.append((["configure", "set", name, token_for(key)] + profile, None, "set:token"))
        elif kind == "output":
            ops.append((["configure", "set", "output", rng.choice(["json", "text"])] + profile, None, "set:output"))
        elif kind == "nested":
            ops.append(
                (["configure", "set", "s3.addressing_style", "path"] + profile, None, "set:nested")
            )
        elif kind == "other":
            other = rng.choice(names) or "default"
            ops.append(
                (["configure", "set", f"profile.{other}.region", rng.choice(gen.REGIONS)], None, "set:other")
            )
        elif kind == "import":
            users = rng.sample(names, rng.randint(1, 2))
            header = rng.choice(
                [
                    "User name,Password,Access key ID,Secret access key,Console login link",
                    "\ufeffUser Name,Access Key ID,Secret Access Key",
                ]
            )
            rows = []
            for user in users:
                key = gen._key(rng)
                if header.startswith("User name,Password"):
                    rows.append(f"{user},pw,{key},{secret_for(key)},https://console")
                else:
                    rows.append(f" {user} , {key} ,{secret_for(key)}")
            csv = "\r\n".join([header] + rows) + "\n"
            ops.append((["configure", "import", "--csv", csv], None, "import"))
        else:
            key = gen._key(rng, rng.choice(["AKIA", "ASIA"]))
            fresh = rng.random() < 0.6
            answers = [key if fresh else "", secret_for(key) if fresh else ""]
            if fresh and key.startswith("ASIA"):
                answers.append(token_for(key))
            answers += [rng.choice(gen.REGIONS + [""]), rng.choice(["json", ""])]
            # One spare line: a token prompt the answers did not expect takes it.
            ops.append((["configure"] + profile, "\n".join(answers) + "\n\n", "configure"))
    return ops


def _read_back(home):
    files = {}
    for root, _, names in os.walk(home):
        for name in names:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, home)
            with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
                text = f.read()
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                continue
            files[rel] = {"text": text.replace(home, "@HOME@"), "mode": os.stat(path).st_mode & 0o777}
    return files


def make(binary, n):
    """The n-th written case."""
    import difftest  # the harness's materialize; imported here, difftest imports this module

    base = gen.generate(1000 + n, n)
    rng = random.Random(f"difftest-written:{n}")
    scratch = tempfile.mkdtemp(prefix="difftest-written.")
    try:
        home = os.path.join(scratch, "home")
        env = difftest.materialize(base, home, MOCK_TOKEN)
        ran = []
        for argv, stdin, tag in _ops(rng, base):
            p = subprocess.run(
                [binary] + argv,
                env=env,
                input=(stdin or "").encode(),
                capture_output=True,
                timeout=TIMEOUT,
            )
            if p.returncode == 0:
                ran.append(argv[:2] if argv[1:2] == ["import"] else argv)
                base["tags"].append("written:" + tag)
        files = _read_back(home)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "argv": base["argv"],
        "env": base["env"],
        "files": files,
        "tags": sorted(set(base["tags"])),
        "written": ran,
    }
