#!/usr/bin/env bash
# Whole-process timings: `credchain configure get region` on generated config files of 10 to
# 100,000 profiles (the last profile's region), with hyperfine. Prints a markdown table.
#
#   bench/process.sh            # all sizes
#   SIZES="10 10000" bench/process.sh
set -euo pipefail
. "$(dirname "$0")/common.sh"
build_release
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
  generate_profiles "$home/.aws" "$n"
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
