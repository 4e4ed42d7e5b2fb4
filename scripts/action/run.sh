#!/usr/bin/env bash
# Action step 2: run the check with annotations and a job summary, write SARIF, and set the
# outputs. Never fails the step itself: the action's last step does, after the SARIF upload.
set -uo pipefail
bin="${AGENTGATE_BIN:-agentgate}"
read -ra paths <<<"${INPUT_PATHS:-.}"
read -ra extra <<<"${INPUT_ARGS:-}"

mode=()
base="${INPUT_DIFF_BASE:-}"
if [ -z "$base" ] && [[ "${GITHUB_EVENT_NAME:-}" == pull_request* ]] && [ -f "${GITHUB_EVENT_PATH:-}" ]; then
  # The pull request's base commit, from the event payload.
  base=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pull_request"]["base"]["sha"])' "$GITHUB_EVENT_PATH" 2>/dev/null || true)
fi
if [ -n "$base" ] && [ "$base" != none ]; then
  mode=(--diff "$base")
fi

fail=()
case "${INPUT_FAIL_ON:-error}" in
  never) fail=(--exit-zero) ;;
  error | warning | note) fail=(--fail-on "${INPUT_FAIL_ON:-error}") ;;
  *) echo "::error title=agentgate::fail-on must be error, warning, note or never"; echo "exit-code=2" >>"$GITHUB_OUTPUT"; exit 0 ;;
esac

# Annotations and the job summary ($GITHUB_STEP_SUMMARY); the exit code decides the outcome.
"$bin" check "${paths[@]}" "${mode[@]}" "${extra[@]}" --format github "${fail[@]}"
rc=$?

sarif="${INPUT_SARIF_FILE:-}"
if [ -n "$sarif" ]; then
  "$bin" check "${paths[@]}" "${mode[@]}" "${extra[@]}" --format sarif --output "$sarif" --exit-zero --quiet || rc=2
  findings=$(grep -c '"ruleId"' "$sarif" || true)
else
  findings=$("$bin" check "${paths[@]}" "${mode[@]}" "${extra[@]}" --format concise --quiet --exit-zero | grep -c ': AG' || true)
fi
{
  echo "findings=${findings:-0}"
  echo "sarif-file=$sarif"
  echo "exit-code=$rc"
} >>"${GITHUB_OUTPUT:?}"
exit 0
