#!/usr/bin/env bash
# Benchmark: full check of a 50,000-file tree with ~200 agent files, and `--staged` with
# 10 staged files in a 50,000-file git repository. Prints wall time (best and median of N
# warm runs) and peak RSS, and writes the table to docs/benchmarks.md with --write.
#
#   scripts/bench.sh [--runs N] [--write]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=10
write=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --write) write=1; shift ;;
    *) echo "usage: $0 [--runs N] [--write]" >&2; exit 2 ;;
  esac
done

cargo build --release --quiet
bin="$PWD/target/release/agentgate"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/agentgate-bench}"

gen_tree() { # $1 = dir: 50,000 files, 200 of them agent files (1 in 10 with a finding)
  python3 - "$1" <<'PY'
import os, sys
root = sys.argv[1]
os.makedirs(root, exist_ok=True)
src = "export function f{i}(x) {{ return x * {i}; }}\n"
n = 0
for pkg in range(100):
    for mod in range(498):
        d = os.path.join(root, f"packages/p{pkg}/src/m{mod % 20}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{mod}.ts"), "w") as fh:
            fh.write(src.format(i=mod) * 20)
        n += 1
    # Two agent files per package: 200 in all.
    p = os.path.join(root, f"packages/p{pkg}")
    os.makedirs(os.path.join(p, ".claude"), exist_ok=True)
    allow = '"Bash(*)"' if pkg % 10 == 0 else '"Bash(npm test)"'
    with open(os.path.join(p, ".claude/settings.json"), "w") as fh:
        fh.write('{\n  "permissions": {\n    "allow": [%s, "Read(src/**)"],\n    "deny": ["Read(./.env)"]\n  }\n}\n' % allow)
    with open(os.path.join(p, "AGENTS.md"), "w") as fh:
        fh.write("# Package %d\n\nRun `npm test`. See @../../README.md.\n" % pkg)
    n += 2
with open(os.path.join(root, "README.md"), "w") as fh:
    fh.write("# bench\n")
print(n + 1, "files")
PY
}

measure() { # label, dir, args...: prints "label|best|median|rss"
  local label="$1" dir="$2"; shift 2
  local times=() rss=0 t0 t1
  (cd "$dir" && "$bin" "$@" >/dev/null 2>&1 || true) # warm the cache
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    (cd "$dir" && "$bin" "$@" >/dev/null 2>&1 || true)
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  rss=$(cd "$dir" && /usr/bin/time -f '%M' "$bin" "$@" 2>&1 >/dev/null | tail -1)
  local sorted best median
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  best=$(echo "$sorted" | head -1)
  median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  echo "$label|$best|$median|$((rss / 1024))"
}

tree="$work/tree"
repo="$work/repo"
if [ ! -f "$tree/README.md" ]; then gen_tree "$tree"; fi
if [ ! -d "$repo/.git" ]; then
  gen_tree "$repo"
  (cd "$repo" && git init -q && git add -A && git -c user.name=b -c user.email=b@example.com commit -qm init)
fi
# 10 staged changes (2 agent files, 8 source files); reset first so reruns are identical.
(cd "$repo" && git reset -q --hard && for i in 1 2 3 4 5 6 7 8; do echo "// edit" >> "packages/p$i/src/m0/f0.ts"; done \
  && sed -i 's/npm test/npm run lint/' packages/p1/.claude/settings.json packages/p2/.claude/settings.json && git add -A)

rows=()
rows+=("$(measure 'check . (50,000 files, 200 agent files)' "$tree" check .)")
rows+=("$(measure 'check --format sarif' "$tree" check . --format sarif)")
rows+=("$(measure 'check --staged (10 staged of 50,000)' "$repo" check --staged)")
# The native pre-commit hook's whole cost with 1 staged file (shell + agentgate).
(cd "$repo" && git reset -q --hard && echo "// edit" >>packages/p1/src/m0/f0.ts && git add -A)
"$bin" --version >/dev/null
hook=$(mktemp)
printf '#!/bin/sh\nexec "%s" check --staged\n' "$bin" >"$hook" && chmod +x "$hook"
rows+=("$(measure 'check --staged (1 staged of 50,000)' "$repo" check --staged)")
mean=$(cd "$repo" && t0=$(date +%s%N) && for _ in $(seq "$runs"); do "$hook" >/dev/null 2>&1 || true; done && t1=$(date +%s%N) && echo $(((t1 - t0) / 1000000 / runs)))
rows+=("pre-commit hook script, 1 staged (mean of $runs)|$mean|$mean|-")

table="| scenario | best (ms) | median (ms) | peak RSS (MiB) |
|---|---:|---:|---:|"
for r in "${rows[@]}"; do
  IFS='|' read -r label best median rss <<<"$r"
  table+=$'\n'"| $label | $best | $median | $rss |"
done
echo "$table"

if [ "$write" = 1 ]; then
  {
    echo "# Benchmarks"
    echo
    echo "Produced by \`scripts/bench.sh --write\` on $(date -u +%Y-%m-%d), $(nproc) cores, warm cache,"
    echo "$runs runs each; agentgate $("$bin" --version | cut -d' ' -f2), $(rustc --version | cut -d' ' -f1-2)."
    echo "Targets (issue #2): full check under 1 s, staged check under 50 ms."
    echo
    echo "$table"
  } > docs/benchmarks.md
  echo "wrote docs/benchmarks.md"
fi
