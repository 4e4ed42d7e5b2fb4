#!/usr/bin/env bash
# Fuzz every parser and the secrets engine for a bounded time each, one target after another
# (libFuzzer via cargo-fuzz; not part of CI). Crashes are saved under fuzz/artifacts/<target>/;
# the committed seeds are in fuzz/corpus/<target>/seed-*. See docs/hardening.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 60 s, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). With only a stable toolchain, the -Z flags
# cargo-fuzz passes are unlocked with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(json toml yaml markdown permission config secrets check_file)
fi
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
if ! rustc --version | grep -q nightly; then export RUSTC_BOOTSTRAP=1; fi
failed=()
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${secs}s"
  # Run on a scratch copy of the seeds, so the committed corpus stays small.
  work="fuzz/corpus/$t.run"
  rm -rf "$work" && mkdir -p "$work" && cp fuzz/corpus/"$t"/seed-* "$work"/ 2>/dev/null || true
  if ! cargo fuzz run --fuzz-dir fuzz "$t" "$work" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1; then
    failed+=("$t")
  fi
  rm -rf "$work"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "no crashes"
