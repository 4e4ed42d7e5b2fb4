#!/usr/bin/env bash
# Times every install route on this machine, cold (empty caches) and warm, offline, from the
# host wheel that `maturin build --release --out target/dist` (or .ci/run) leaves in target/dist:
#   pip (fresh venv), uvx, pipx run, npx (npm tarballs built from the wheel's binary), the
#   pre-commit mirror (hook install + first run, then a run with the environment installed),
#   and the Action's installer (resolve + download + SHA256SUMS check + unpack) against the
#   release archive served from 127.0.0.1, then from its cache.
# Downloads from PyPI/npm/GitHub are left out: add the transfer of the wheel (about 5 MB) or
# the archive (about 5 MB). Building from source is timed only with --source (minutes).
# Needs: python3, node/npm, curl, unzip, and pre-commit, uv, pipx on PATH (.ci/run's venv:
# PATH=target/ci-venv/bin:$PATH). Prints a Markdown table; README's install table comes from it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(python3 packaging/version.py)
shopt -s nullglob
wheels=(target/dist/agentgate-"$version"-*.whl)
flits=(target/dist/flit_core-*.whl)
wheel=${wheels[0]:-}
[ -n "$wheel" ] || { echo "no target/dist/agentgate-$version-*.whl: run maturin build --release --out target/dist" >&2; exit 2; }
wheel="$root/$wheel"
[ ${#flits[@]} -gt 0 ] || python3 -m pip download --quiet --only-binary=:all: --dest target/dist "flit_core>=3.9,<4"
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$root/target/dist" PIP_DISABLE_PIP_VERSION_CHECK=1
printf '{\n  "permissions": {\n    "allow": ["Bash(*)"]\n  }\n}\n' >"$work/settings.json"
mkdir -p "$work/repo/.claude" && cp "$work/settings.json" "$work/repo/.claude/settings.json"

rows=()
TIMEFORMAT='%R|%U|%S'
# timed LABEL COMMAND…: runs COMMAND (its output discarded), records wall and CPU seconds.
timed() {
  local label=$1 t
  shift
  t=$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -n1) || true
  IFS='|' read -r wall user sys <<<"$t"
  rows+=("| $label | ${wall} s | $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }') s |")
}
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime; }
echo "load average before: $(load) on $(nproc) cores"

# pip, fresh venv
timed "pip: python3 -m venv (fresh)" python3 -m venv "$work/venv"
timed "pip: pip install agentgate (the wheel)" "$work/venv/bin/pip" install --quiet "$wheel"
timed "pip: agentgate check (installed)" sh -c "cd '$work/repo' && '$work/venv/bin/agentgate' check --exit-zero ."

# uvx and pipx run
export UV_CACHE_DIR="$work/uv-cache" UV_TOOL_DIR="$work/uv-tools" UV_PYTHON_DOWNLOADS=never UV_NO_CONFIG=1
timed "uvx agentgate (cold cache)" uvx --offline --from "$wheel" agentgate --version
timed "uvx agentgate (warm cache)" uvx --offline --from "$wheel" agentgate --version
export PIPX_HOME="$work/pipx-home" PIPX_BIN_DIR="$work/pipx-bin"
timed "pipx run agentgate (cold cache)" pipx run --spec "$wheel" agentgate --version
timed "pipx run agentgate (warm cache)" pipx run --spec "$wheel" agentgate --version

# npm: the two packages this machine needs, from the wheel's binary
mkdir -p "$work/npm" "$work/bin" "$work/npx"
unzip -p "$wheel" "agentgate-$version.data/scripts/agentgate" >"$work/bin/agentgate"
chmod +x "$work/bin/agentgate"
case "$(uname -m)" in aarch64 | arm64) target=aarch64-unknown-linux-musl ;; *) target=x86_64-unknown-linux-musl ;; esac
main=$(node packaging/npm/build.mjs main "$work/npm")
plat=$(node packaging/npm/build.mjs platform "$target" "$work/bin/agentgate" "$work/npm")
timed "npm pack (launcher + platform package)" npm pack --silent --pack-destination "$work/npm" "$main" "$plat" --cache "$work/npm-cache"
tarballs=()
for f in "$work"/npm/*.tgz; do tarballs+=(--package "$f"); done
timed "npx agentgate (cold cache)" sh -c "cd '$work/npx' && npx --yes --offline --cache '$work/npx-cache' ${tarballs[*]} -- agentgate --version"
timed "npx agentgate (warm cache)" sh -c "cd '$work/npx' && npx --yes --offline --cache '$work/npx-cache' ${tarballs[*]} -- agentgate --version"

# pre-commit mirror
python3 packaging/pre-commit-mirror/generate.py "$work/mirror" >/dev/null
git -C "$work/mirror" init -q && git -C "$work/mirror" add -A
git -C "$work/mirror" -c user.name=b -c user.email=b@example.com commit -qm mirror
rev=$(git -C "$work/mirror" rev-parse HEAD)
printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: agentgate\n' "$work/mirror" "$rev" >"$work/repo/.pre-commit-config.yaml"
git -C "$work/repo" init -q && git -C "$work/repo" add -A
export PRE_COMMIT_HOME="$work/pre-commit-home"
timed "pre-commit mirror: hook install + first run" sh -c "cd '$work/repo' && pre-commit run agentgate --files .claude/settings.json"
timed "pre-commit mirror: next run (installed)" sh -c "cd '$work/repo' && pre-commit run agentgate --files .claude/settings.json"

# The Action's installer against the release archive on 127.0.0.1
release="$work/release/v$version"
archive=$(python3 packaging/archive.py x86_64-unknown-linux-musl "$work/bin/agentgate" "$release")
(cd "$release" && sha256sum -- "$(basename "$archive")" >SHA256SUMS)
port=$((20000 + RANDOM % 20000))
python3 -m http.server --bind 127.0.0.1 --directory "$work/release" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
action_setup() {
  export GITHUB_OUTPUT="$work/gh-out-$RANDOM" GITHUB_ACTION_PATH="$root" RUNNER_OS=Linux RUNNER_ARCH=X64
  export RUNNER_TOOL_CACHE="$work/toolcache" AGENTGATE_RELEASE_BASE_URL="http://127.0.0.1:$port"
  bash scripts/action/resolve.sh
  set -a
  # shellcheck disable=SC1090 # resolve's outputs, as the Action passes them
  . <(sed -n 's/^\(version\|target\|asset\|url\|dir\)=/\U\1\E=/p' "$GITHUB_OUTPUT")
  set +a
  bash scripts/action/install.sh
}
timed "Action setup: download + verify + unpack ($(du -h "$archive" | cut -f1) archive)" action_setup
timed "Action setup: from the cache" action_setup

if [ "${1:-}" = --source ]; then
  timed "from source: cargo install --locked --path . (cold)" cargo install --locked --quiet --root "$work/cargo" --path . --target-dir "$work/cargo-target"
fi

echo "load average after: $(load)"
echo
echo "| route | wall | CPU (user+sys) |"
echo "|---|---|---|"
printf '%s\n' "${rows[@]}"
