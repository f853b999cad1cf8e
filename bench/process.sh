#!/usr/bin/env bash
# Whole-process timings: `credchain configure get region` on generated config files of 10 to
# 100,000 profiles (the last profile's region), with hyperfine. Prints a markdown table.
#
#   bench/process.sh            # all sizes
#   SIZES="10 10000" bench/process.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install -y hyperfine" >&2; exit 1; }
cargo --quiet build-release  # the released binary: static, musl (see .cargo/config.toml)
bin=$PWD/target/x86_64-unknown-linux-musl/release/credchain
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=${SIZES:-"10 1000 10000 100000"}
# For scale: the cost of starting any process on this machine.
true_json=$work/true.json
hyperfine -N --warmup 20 --min-runs 300 --export-json "$true_json" /bin/true >/dev/null
python3 - "$true_json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"/bin/true: median {r['median'] * 1000:.2f} ms, mean {r['mean'] * 1000:.2f} ms")
PY
echo "| profiles | files (bytes) | median | mean | min | max |"
echo "|---|---|---|---|---|---|"
for n in $sizes; do
  home=$work/home-$n
  mkdir -p "$home/.aws"
  python3 - "$home/.aws" "$n" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(f"{d}/config", "w") as c, open(f"{d}/credentials", "w") as k:
    c.write("[default]\nregion = us-east-1\noutput = json\n\n")
    for i in range(n):
        c.write(f"[profile team-{i:06}]\nregion = eu-west-{i % 3 + 1}\noutput = json\ncli_pager =\nmax_attempts = 5\n\n")
        k.write(f"[team-{i:06}]\naws_access_key_id = AKIAEXAMPLE{i:09}\naws_secret_access_key = secret-{i:030}\n\n")
PY
  bytes=$(( $(stat -c %s "$home/.aws/config") + $(stat -c %s "$home/.aws/credentials") ))
  last=$(printf 'team-%06d' $((n - 1)))
  json=$work/$n.json
  env -i HOME="$home" PATH="$PATH" AWS_EC2_METADATA_DISABLED=true AWS_PROFILE="$last" \
    hyperfine -N --warmup 5 --min-runs 100 --export-json "$json" "$bin configure get region" >/dev/null
  python3 - "$json" "$n" "$bytes" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
ms = lambda s: f"{s * 1000:.2f} ms"
print(f"| {int(sys.argv[2]):,} | {int(sys.argv[3]):,} | {ms(r['median'])} | {ms(r['mean'])} | {ms(r['min'])} | {ms(r['max'])} |")
PY
done
