#!/usr/bin/env bash
# Whole-process `credchain export-credentials --profile LAST` (a static profile, the last of the
# file) against botocore resolving the same profile, on generated files of 10 to 100,000
# profiles, measured in one run with hyperfine; peak memory with GNU time. Prints a markdown
# table with the ratios. botocore comes from PyPI into a throwaway venv; when it cannot be
# installed, the comparison is skipped with a message and credchain alone is measured.
#
#   bench/export-credentials.sh
#   SIZES="10 10000" bench/export-credentials.sh
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install -y time" >&2; exit 1; }
build_release

botocore=""
if python3 -m venv "$work/venv" >/dev/null 2>&1 && "$work/venv/bin/pip" install -q botocore >/dev/null 2>&1; then
  botocore="$work/venv/bin/python"
  echo "botocore $("$botocore" -c 'import botocore; print(botocore.__version__)') (python $("$botocore" -c 'import platform; print(platform.python_version())'))"
else
  echo "botocore could not be installed (no PyPI?): measuring credchain alone" >&2
fi
cat > "$work/boto.py" <<'PY'
import sys
import botocore.session
creds = botocore.session.Session(profile=sys.argv[1]).get_credentials().get_frozen_credentials()
assert creds.access_key
PY

peak_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo
echo "| profiles | credchain median | credchain mean | credchain peak RSS | botocore mean | botocore peak RSS | ratio (means) |"
echo "|---|---|---|---|---|---|---|"
for n in ${SIZES:-10 1000 10000 100000}; do
  home=$work/home-$n
  generate_profiles "$home/.aws" "$n"
  last=$(printf 'team-%06d' $((n - 1)))
  export HOME="$home" AWS_EC2_METADATA_DISABLED=true
  # credchain alone with many runs (single runs on a VM move by a millisecond), then botocore.
  hyperfine -N --warmup 10 --min-runs 100 --export-json "$work/$n.json" \
    "$bin export-credentials --profile $last" >/dev/null 2>&1
  if [ -n "$botocore" ]; then
    hyperfine -N --warmup 2 --min-runs 10 --export-json "$work/$n.boto.json" \
      "$botocore $work/boto.py $last" >/dev/null 2>&1
  fi
  rss_c=$(peak_kib $bin export-credentials --profile "$last")
  rss_b=""
  [ -n "$botocore" ] && rss_b=$(peak_kib "$botocore" "$work/boto.py" "$last")
  python3 - "$work/$n.json" "$work/$n.boto.json" "$n" "$rss_c" "$rss_b" <<'PY'
import json, os, sys
c = json.load(open(sys.argv[1]))["results"][0]
n, rss_c, rss_b = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ms = lambda s: f"{s * 1000:.2f} ms"
mib = lambda k: f"{int(k) / 1024:.1f} MiB"
if os.path.exists(sys.argv[2]):
    b = json.load(open(sys.argv[2]))["results"][0]["mean"]
    print(f"| {n:,} | {ms(c['median'])} | {ms(c['mean'])} | {mib(rss_c)} | {ms(b)} | {mib(rss_b)} | {b / c['mean']:.0f}x |")
else:
    print(f"| {n:,} | {ms(c['median'])} | {ms(c['mean'])} | {mib(rss_c)} | - | - | - |")
PY
done
