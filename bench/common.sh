# Sourced by the bench scripts (not run by itself): the repository root as the working
# directory, hyperfine, the released binary as $bin, a scratch directory $work removed on exit,
# and the generated files.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install -y hyperfine" >&2; exit 1; }

# Builds the released binary (static, musl: see .cargo/config.toml) and names it $bin.
build_release() {
  cargo --quiet build-release
  bin=$PWD/target/x86_64-unknown-linux-musl/release/credchain
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# generate_profiles DIR N: DIR/config and DIR/credentials with N profiles each, team-000000 to
# the last, after a [default] section in the config file (as core/benches/generated makes them).
generate_profiles() {
  mkdir -p "$1"
  python3 - "$1" "$2" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(f"{d}/config", "w") as c, open(f"{d}/credentials", "w") as k:
    c.write("[default]\nregion = us-east-1\noutput = json\n\n")
    for i in range(n):
        c.write(f"[profile team-{i:06}]\nregion = eu-west-{i % 3 + 1}\noutput = json\ncli_pager =\nmax_attempts = 5\n\n")
        k.write(f"[team-{i:06}]\naws_access_key_id = AKIAEXAMPLE{i:09}\naws_secret_access_key = secret-{i:030}\n\n")
PY
}
