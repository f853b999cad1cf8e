"""The differential test: credchain against botocore driven as the AWS CLI v2 drives it.

    difftest.py --binary target/debug/credchain --seeds 1-10 --cases 500 --out DIR [--replay DIR...]

For each case (generated from a seed, made by credchain's writing commands with written.py, or
read from a case directory): write its files into two
fresh homes, one per tool; run `credchain ... export-credentials --format process`,
`configure get region` and `configure list` (its region row); run botocore in this process;
compare success or failure, AccessKeyId, SecretAccessKey, SessionToken, the region that
`configure get region` prints and the region the commands would use. Each disagreement is
printed and written to DIR/<case>/ (case.json replays it; config, credentials, env.json,
argv.json and answers.json are there to read). A disagreement is deliberate when
classify.py maps it to an id listed in docs/quirks.md's deliberate-difference section; the exit
status is 1 when any other disagreement was found.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import botodrive  # noqa: E402
import classify  # noqa: E402
import gen  # noqa: E402
import written  # noqa: E402
from mock import Mock  # noqa: E402

TIMEOUT = 20  # seconds for each credchain run
BAD_SECRET_TAGS = {
    "wrong-secret",
    "syntax:inline-comment-in-credential",
    "syntax:multiline-credential",
}


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        seeds += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return seeds


def substitute(text, home, mock_url):
    return text.replace("@HOME@", home).replace("@MOCK@", mock_url)


def materialize(case, home, mock_url):
    os.makedirs(home)
    for rel, f in case["files"].items():
        path = os.path.join(home, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(substitute(f["text"], home, mock_url))
        os.chmod(path, f.get("mode", 0o600))
    env = {k: substitute(v, home, mock_url) for k, v in case["env"].items()}
    # Whatever a case says, nothing leaves the machine: no instance metadata, and the services
    # a case does not point at the mock (SSO-OIDC, Sign-In) go to it too.
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.setdefault("AWS_ENDPOINT_URL_SSO_OIDC", mock_url)
    env.setdefault("AWS_ENDPOINT_URL_SIGNIN", mock_url)
    env.setdefault("AWS_ENDPOINT_URL_SSO", mock_url)
    if "AWS_ENDPOINT_URL" not in env:
        env.setdefault("AWS_ENDPOINT_URL_STS", mock_url)
    for name, value in env.items():
        if name.startswith("AWS_ENDPOINT_URL") and not value.startswith(mock_url):
            raise ValueError(f"the case sets {name} to {value!r}, not the mock")
    if "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" in env or not env.get(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", mock_url
    ).startswith(mock_url):
        raise ValueError("the case's container endpoint is not the mock")
    env["HOME"] = home
    env["PATH"] = "/usr/bin:/bin"
    env["LC_ALL"] = "C.UTF-8"
    return env


def run_credchain(binary, env, argv):
    def call(args):
        try:
            p = subprocess.run(
                [binary] + argv + args,
                env=env,
                capture_output=True,
                timeout=TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            return None, "", "timed out"
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    out = {}
    rc, stdout, stderr = call(["export-credentials", "--format", "process"])
    if rc == 0:
        try:
            j = json.loads(stdout)
            out["credentials"] = {
                "ok": True,
                "AccessKeyId": j.get("AccessKeyId"),
                "SecretAccessKey": j.get("SecretAccessKey"),
                "SessionToken": j.get("SessionToken"),
            }
        except ValueError:
            out["credentials"] = {"ok": False, "error": "unreadable output: " + stdout[:200]}
    else:
        out["credentials"] = {"ok": False, "error": f"exit {rc}: {stderr.strip()[:500]}"}
    rc, stdout, stderr = call(["configure", "get", "region"])
    if rc == 0:
        out["region_get"] = {"ok": True, "value": stdout[:-1] if stdout.endswith("\n") else stdout}
    elif rc == 1 and not stdout:
        out["region_get"] = {"ok": True, "value": None}
    else:
        out["region_get"] = {"ok": False, "error": f"exit {rc}: {stderr.strip()[:500]}"}
    rc, stdout, stderr = call(["configure", "list"])
    region = {"ok": False, "error": f"exit {rc}: {stderr.strip()[:500]}"}
    if rc == 0:
        for line in stdout.splitlines():
            cols = line.split(" : ")
            if cols[0].strip() == "region" and len(cols) >= 2:
                value = cols[1].strip()
                region = {"ok": True, "value": None if value == "<not set>" else value}
    out["region"] = region
    return out


def compare(a, b):
    """The fields on which credchain's answer a and botocore's answer b disagree."""
    fields = []
    ca, cb = a["credentials"], b["credentials"]
    if ca["ok"] != cb["ok"] or (
        ca["ok"]
        and any(ca[k] != cb[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
    ):
        fields.append("credentials")
    ra, rb = a["region_get"], b["region_get"]
    if ra["ok"] != rb["ok"] or (ra["ok"] and ra["value"] != rb["value"]):
        fields.append("region_get")
    # The region the commands would use, when both could tell.
    # configure list is a table: a value over several lines shows its first line there.
    ra, rb = a["region"], b["region"]
    if rb.get("harness"):
        fields.append("driver")
    vb = rb.get("value")
    if vb is not None and "\n" in vb:
        vb = vb.split("\n")[0].strip() or None
    if ra["ok"] and rb["ok"] and ra["value"] != vb:
        fields.append("region")
    return fields


def write_case_dir(path, case, answers):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    with open(os.path.join(path, "case.json"), "w") as f:
        json.dump(case, f, indent=1, sort_keys=True)
        f.write("\n")
    for rel, name in ((".aws/config", "config"), (".aws/credentials", "credentials")):
        if rel in case["files"]:
            with open(os.path.join(path, name), "w", newline="") as f:
                f.write(case["files"][rel]["text"])
    with open(os.path.join(path, "env.json"), "w") as f:
        json.dump(case["env"], f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(path, "argv.json"), "w") as f:
        json.dump(case["argv"], f)
        f.write("\n")
    if answers is not None:
        with open(os.path.join(path, "answers.json"), "w") as f:
            json.dump(answers, f, indent=1, sort_keys=True)
            f.write("\n")


def load_case_dir(path):
    with open(os.path.join(path, "case.json")) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seeds", default="")
    ap.add_argument("--cases", type=int, default=0, help="total generated cases, over the seeds")
    ap.add_argument(
        "--written", type=int, default=0, help="cases whose files credchain wrote (written.py)"
    )
    ap.add_argument("--replay", nargs="*", default=[], help="case directories to run as well")
    ap.add_argument("--out", required=True, help="where disagreements are written")
    ap.add_argument("--quirks", required=True, help="docs/quirks.md")
    ap.add_argument("--deadline", type=int, default=1800, help="seconds before giving up")
    args = ap.parse_args()

    signal.signal(signal.SIGALRM, lambda *_: sys.exit("difftest: deadline passed, stopping"))
    signal.alarm(args.deadline)
    with open(args.quirks) as f:
        documented = classify.documented_ids(f.read())

    work = []
    for d in args.replay:
        work.append(("case-" + os.path.basename(os.path.normpath(d)), lambda d=d: load_case_dir(d)))
    seeds = parse_seeds(args.seeds) if args.seeds else []
    if seeds and args.cases:
        per_seed, extra = divmod(args.cases, len(seeds))
        for n, seed in enumerate(seeds):
            for i in range(per_seed + (1 if n < extra else 0)):
                work.append((f"s{seed}-{i}", lambda s=seed, i=i: gen.generate(s, i)))

    binary = os.path.abspath(args.binary)
    for i in range(args.written):
        work.append((f"w{i}", lambda i=i: written.make(binary, i)))
    mock = Mock(lifetime=args.deadline + 60)
    tmp_root = tempfile.mkdtemp(prefix="difftest.")
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    counts = {"cases": 0, "agree": 0, "deliberate": 0, "undocumented": 0}
    # How strong the agreement is: both answered with credentials, or both failed; and the
    # mock's calls (signature refusals included).
    outcomes = {"both have credentials": 0, "both fail": 0}
    traffic = {}
    by_id = {}
    failed = []
    try:
        for name, make in work:
            case = make()
            counts["cases"] += 1
            tmp = tempfile.mkdtemp(dir=tmp_root)
            env_c = materialize(case, os.path.join(tmp, "credchain"), mock.url)
            env_b = materialize(case, os.path.join(tmp, "botocore"), mock.url)
            mock.take_log()
            a = run_credchain(binary, env_c, case["argv"])
            calls_c = mock.take_log()
            try:
                b = botodrive.run(env_b, case["argv"])
            except Exception as e:  # a fault of the driver, not an answer: fails the case
                f = {"ok": False, "error": f"the driver failed: {type(e).__name__}: {e}"}
                b = {"credentials": f, "region_get": f, "region": dict(f, harness=True)}
            calls_b = mock.take_log()
            shutil.rmtree(tmp, ignore_errors=True)
            for tool, calls in (("credchain", calls_c), ("botocore", calls_b)):
                for c in calls:
                    k = f"{tool} {c['action']}" + (" refused: bad signature" if c.get("refused") else "")
                    traffic[k] = traffic.get(k, 0) + 1
            fields = compare(a, b)
            # The harness checks itself: the mock refuses a signature only when the case has a
            # bad secret (a wrong one, or one an inline comment or a continuation changed).
            refused = any(c.get("refused") for c in calls_c + calls_b)
            if refused and not set(case["tags"]) & BAD_SECRET_TAGS:
                fields.append("signature")
            if a["credentials"]["ok"] and b["credentials"]["ok"]:
                outcomes["both have credentials"] += 1
            elif not a["credentials"]["ok"] and not b["credentials"]["ok"]:
                outcomes["both fail"] += 1
            if not fields:
                counts["agree"] += 1
                continue
            answers = {
                "credchain": a,
                "botocore": b,
                "disagree": fields,
                "sts_calls": {"credchain": calls_c, "botocore": calls_b},
            }
            verdicts = {}
            for field in fields:
                ids = classify.classify(case["tags"], answers, field)
                known = [i for i in ids if i in documented]
                verdicts[field] = known[0] if known else None
                if ids and not known:
                    answers.setdefault("would_be", {})[field] = ids
            answers["deliberate"] = verdicts
            if all(verdicts.values()):
                counts["deliberate"] += 1
                for v in verdicts.values():
                    by_id[v] = by_id.get(v, 0) + 1
                continue
            counts["undocumented"] += 1
            failed.append(name)
            write_case_dir(os.path.join(args.out, name), case, answers)
            print(f"DISAGREE {name}: {', '.join(f for f in fields if not verdicts[f])}")
            for field, ids in answers.get("would_be", {}).items():
                print(f"    {field}: matches {', '.join(ids)}, not listed in {args.quirks}")
            for field in fields:
                if not verdicts[field]:
                    if field == "driver":
                        print(f"    {b['credentials']['error']}")
                        continue
                    if field == "signature":
                        print("    the mock refused a signature made with good keys (answers.json: sts_calls)")
                        continue
                    print(f"    credchain {field}: {json.dumps(a[field])}")
                    print(f"    botocore  {field}: {json.dumps(b[field])}")
            print(f"    case directory: {os.path.join(args.out, name)}")
    finally:
        mock.stop()
        shutil.rmtree(tmp_root, ignore_errors=True)
    took = time.time() - started
    print(
        f"difftest: {counts['cases']} cases in {took:.1f}s: {counts['agree']} agree, "
        f"{counts['deliberate']} differ on purpose, {counts['undocumented']} undocumented disagreements"
    )
    for i, n in sorted(by_id.items()):
        print(f"    {i}: {n}")
    print("    " + ", ".join(f"{k}: {n}" for k, n in outcomes.items()))
    for k, n in sorted(traffic.items()):
        print(f"    mock: {k}: {n}")
    return 1 if counts["undocumented"] else 0


if __name__ == "__main__":
    sys.exit(main())
