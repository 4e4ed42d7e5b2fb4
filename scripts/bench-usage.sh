#!/usr/bin/env bash
# Benchmark: `agentgate fleet usage` over ROWS generated usage rows (default 10 million; see
# scripts/gen-usage.py for the mix) — wall time and peak RSS (/usr/bin/time -v) of a run
# writing the JSON report, and of one writing the normalized rows as NDJSON too. Report the
# CPU times with the wall time: on a shared machine the wall time depends on the other load.
#
#   scripts/bench-usage.sh [--rows N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=10000000
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--rows N] [--runs N]" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet
bin="$PWD/target/release/agentgate"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/agentgate-bench-usage}"
input="$work/rows-$rows"
if [ ! -f "$input/.done" ]; then
  rm -rf "$input"
  python3 scripts/gen-usage.py "$input" "$rows"
  touch "$input/.done"
fi
echo "input: $(du -sh "$input" | cut -f1) in $(ls "$input" | wc -l) files; $(nproc) cores"
measure() { # label, args…
  local label="$1"; shift
  for i in $(seq "$runs"); do
    /usr/bin/time -v "$bin" "$@" 2> "$work/time.txt" > /dev/null || { cat "$work/time.txt"; exit 1; }
    wall=$(grep "Elapsed (wall" "$work/time.txt" | awk '{print $NF}')
    rss=$(grep "Maximum resident" "$work/time.txt" | awk '{print $NF}')
    user=$(grep "User time" "$work/time.txt" | awk '{print $NF}')
    sys=$(grep "System time" "$work/time.txt" | awk '{print $NF}')
    rows_read=$(grep -o '^usage: [0-9]* rows' "$work/time.txt" | awk '{print $2}')
    echo "$label run $i: wall $wall, CPU ${user} s user + ${sys} s system, peak RSS $((rss / 1024)) MiB, $rows_read rows in the report"
  done
}
measure "report" fleet usage "$input" --json "$work/report.json"
measure "report+rows" fleet usage "$input" --json "$work/report.json" --rows "$work/rows.ndjson"
