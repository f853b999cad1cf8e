"""The hostile-input suite: the report's reproducers, then random shared files, through the
binary. See tests/hostile/README.md.

    python3 tests/hostile/hostile.py BINARY [--random N] [--seed S] [--only NAME] [--no-netns]
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402
import random_configs  # noqa: E402
import reproducers  # noqa: E402


class Context:
    """What a case needs: the binary and a way to run it."""

    def __init__(self, binary, root, netns):
        self.binary = binary
        self.root = root
        self.netns = netns

    def run(self, args, home, **kwargs):
        return harness.run(self.binary, args, home, **kwargs)

    def environ(self, home, env):
        return harness.environment(home, env)


def in_loopback_namespace():
    """Re-runs this script in a new network namespace with only loopback, where it can be made
    (unshare -rn and ip): then nothing can reach another host even if credchain tried."""
    if os.environ.get("CREDCHAIN_HOSTILE_NETNS") or not shutil.which("unshare") \
            or not shutil.which("ip"):
        return False
    probe = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up"],
                           capture_output=True)
    if probe.returncode != 0:
        return False
    env = dict(os.environ, CREDCHAIN_HOSTILE_NETNS="1")
    argv = ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
            sys.executable] + sys.argv
    os.execvpe("unshare", argv, env)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--random", type=int, default=10_000, help="random file pairs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--no-netns", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not args.no_netns:
        in_loopback_namespace()
    netns = bool(os.environ.get("CREDCHAIN_HOSTILE_NETNS"))
    print("hostile: " + ("in a loopback-only network namespace" if netns else
                         "no network namespace (unshare -rn unavailable): loopback endpoints only"),
          flush=True)
    root = tempfile.mkdtemp(prefix="credchain-hostile.")
    ctx = Context(binary, root, netns)
    failed = []
    try:
        cases = [c for c in reproducers.CASES if not args.only or args.only in c[1]]
        skipped = [c for c in cases if c[4] and not netns]
        cases = [c for c in cases if not (c[4] and not netns)]
        cases.sort(key=lambda c: not c[3])  # slow ones first: they wait, in parallel
        started = time.monotonic()

        def one(c):
            finding, name, fn, _, _ = c
            home = harness.Home(root)
            t = time.monotonic()
            try:
                fn(ctx, home)
                return finding, name, None, time.monotonic() - t
            except Exception:
                return finding, name, traceback.format_exc(), time.monotonic() - t
            finally:
                home.close()

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for finding, name, error, took in pool.map(one, cases):
                print(f"{'ok  ' if error is None else 'FAIL'} {finding:5} {name} ({took:.1f} s)",
                      flush=True)
                if error:
                    print(error, flush=True)
                    failed.append(name)
        for c in skipped:
            print(f"skip {c[0]:5} {c[1]} (needs the loopback-only namespace)")
        print(f"hostile: {len(cases) - len(failed)} of {len(cases)} reproducer cases passed "
              f"in {time.monotonic() - started:.0f} s", flush=True)

        if args.random and not args.only:
            started = time.monotonic()
            failures = random_configs.run_random(
                binary, root, args.random, args.seed, workers=2,
                progress=lambda s: print("hostile: " + s, flush=True))
            for i, problem, description in failures[:20]:
                print(f"FAIL random pair {i} (seed {args.seed}): {problem}\n  {description}")
            print(f"hostile: {args.random} random file pairs, one run each, "
                  f"{len(failures)} failures, {time.monotonic() - started:.0f} s", flush=True)
            if failures:
                failed.append("random configs")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if failed:
        print("hostile: failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
