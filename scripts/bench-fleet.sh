#!/usr/bin/env bash
# Benchmark: `agentgate fleet scan` over N generated repositories (default 200), each a git
# clone with 5 commits, ~30 files and a mix of agent configurations (1 in 5 with dangerous
# permissions, 1 in 4 with a stale context file, 1 in 10 with a broken .agentgate.yaml).
# Measures wall time and peak RSS (/usr/bin/time -v) of a full scan writing JSON, HTML and
# Markdown, of one shard of 4, and of merging the 4 shards. With --write, replaces the fleet
# section of docs/benchmarks.md.
#
#   scripts/bench-fleet.sh [--repos N] [--runs N] [--write]
set -euo pipefail
cd "$(dirname "$0")/.."
repos=200
runs=3
write=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repos) repos="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --write) write=1; shift ;;
    *) echo "usage: $0 [--repos N] [--runs N] [--write]" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet
bin="$PWD/target/release/agentgate"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/agentgate-bench-fleet}"
fleet="$work/fleet-$repos"

gen_fleet() { # $1 = dir, $2 = number of repositories
  python3 - "$1" "$2" <<'PY'
import os, subprocess, sys
root, n = sys.argv[1], int(sys.argv[2])
env = dict(os.environ, GIT_AUTHOR_NAME="B", GIT_AUTHOR_EMAIL="b@example.com",
           GIT_COMMITTER_NAME="B", GIT_COMMITTER_EMAIL="b@example.com")
env.pop("GIT_DIR", None); env.pop("GIT_INDEX_FILE", None)
def git(d, *args, date=None):
    e = dict(env)
    if date:
        e["GIT_AUTHOR_DATE"] = e["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                   cwd=d, env=e, check=True, stdout=subprocess.DEVNULL)
def put(d, rel, text):
    p = os.path.join(d, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as fh:
        fh.write(text)
for i in range(n):
    d = os.path.join(root, f"repo-{i:03d}")
    os.makedirs(d)
    git(d, "init", "-q")
    allow = '"Bash(*)"' if i % 5 == 0 else '"Bash(npm test)"'
    put(d, ".claude/settings.json",
        '{\n  "model": "%s",\n  "permissions": {\n    "allow": [%s],\n    "deny": ["Read(./.env)"]\n  }\n}\n'
        % (["sonnet", "opus", "haiku"][i % 3], allow))
    put(d, "CLAUDE.md", f"# Repo {i}\n\nKeep changes small; run the tests.\n")
    put(d, "AGENTS.md", f"# Repo {i}\n\nConventions.\n")
    version = "2025.4.8" if i % 3 else "latest"
    put(d, ".mcp.json", '{"mcpServers": {"github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@%s"]}}}\n' % version)
    if i % 2 == 0:
        put(d, ".codex/config.toml", 'model = "gpt-5-codex"\n')
    if i % 4 == 0:
        put(d, ".agentgate.yaml", "context:\n  stale_commits: 2\n  stale_days: 10\n")
    if i % 10 == 9:
        put(d, ".agentgate.yaml", "rules: [broken\n")
    for f in range(25):
        put(d, f"src/mod{f % 5}/file{f}.ts", f"export const v{f} = {f};\n" * 20)
    git(d, "add", "-A")
    git(d, "commit", "-qm", "init", date="2026-01-05T10:00:00Z")
    for c in range(4):
        put(d, f"src/mod{c}/file{c}.ts", f"export const changed = {c};\n")
        git(d, "commit", "-qam", f"change {c}", date=f"2026-0{c + 2}-05T10:00:00Z")
print(n, "repositories")
PY
}

if [ ! -d "$fleet" ]; then
  mkdir -p "$work"
  echo "generating $repos repositories in $fleet" >&2
  gen_fleet "$fleet" "$repos" >&2
fi

measure() { # label, args...: prints "label|best s|median s|peak RSS MiB" (best/median of $runs)
  local label="$1"; shift
  local times=() rss=() out tf
  tf=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$tf" "$bin" "$@" >/dev/null 2>&1 || true
    out=$(cat "$tf")
    times+=("$(echo "$out" | awk -F': ' '/Elapsed \(wall clock\)/ {split($2, a, ":"); print a[1] * 60 + a[2]}')")
    rss+=("$(echo "$out" | awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}')")
  done
  rm -f "$tf"
  local best median peak
  best=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  echo "$label|$best|$median|$peak"
}

cd "$work"
rows=()
rows+=("$(measure "fleet scan, $repos repos → JSON + HTML + Markdown" fleet scan "$fleet" --json full.json --html full.html --markdown full.md)")
rows+=("$(measure "fleet scan --shard 1/4" fleet scan "$fleet" --shard 1/4 --json s1.json)")
for i in 2 3 4; do "$bin" fleet scan "$fleet" --shard "$i/4" --json "s$i.json" 2>/dev/null; done
rows+=("$(measure "fleet merge of 4 shards → JSON + HTML" fleet merge s1.json s2.json s3.json s4.json --json merged.json --html merged.html)")
html_kib=$(( $(stat -c %s full.html) / 1024 ))
json_kib=$(( $(stat -c %s full.json) / 1024 ))

cores=$(nproc)
load=$(cut -d' ' -f1 /proc/loadavg)
table="| scenario | best (s) | median (s) | peak RSS (MiB) |
|---|---:|---:|---:|"
for r in "${rows[@]}"; do
  IFS='|' read -r label best median peak <<<"$r"
  table+="
| $label | $best | $median | $peak |"
done
section="### Fleet: $repos repositories ($(date -u +%Y-%m-%d), $cores cores, warm cache, $runs runs)

$table

Each repository: a git clone with 5 commits, ~30 files, Claude Code settings, CLAUDE.md,
AGENTS.md and .mcp.json (1 in 5 with \`Bash(*)\`, 1 in 4 with stale-context thresholds, 1 in
10 with a broken \`.agentgate.yaml\`, recorded as failed). Report sizes: JSON ${json_kib} KiB,
HTML ${html_kib} KiB. Load average when measured: ${load} (other jobs share the machine).
Generated by \`scripts/bench-fleet.sh\`; the merge measures only JSON parsing and rendering."
echo "$section"

if [ "$write" = 1 ]; then
  cd - >/dev/null
  python3 - docs/benchmarks.md "$section" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2]
start, end = "<!-- fleet-bench:start -->", "<!-- fleet-bench:end -->"
text = open(path).read()
block = f"{start}\n{section}\n{end}"
if start in text:
    a = text.index(start); b = text.index(end) + len(end)
    text = text[:a] + block + text[b:]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
  echo "wrote docs/benchmarks.md" >&2
fi
