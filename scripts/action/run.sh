#!/usr/bin/env bash
# Action step: run the check with annotations and a job summary, write SARIF, and set the
# outputs. Never fails the step itself: the action's last step does, after the SARIF upload.
#   1. annotations + job summary, in diff mode on pull requests: the exit code decides;
#   2. the count of unsuppressed findings in that same scope (the `findings` output);
#   3. SARIF for code scanning over the whole repository, never diff-limited: code scanning
#      compares a pull request's full results with its base branch's, and diff-limited SARIF
#      would make every alert outside the diff look fixed.
set -uo pipefail
bin="${AGENTGATE_BIN:-agentgate}"
read -ra paths <<<"${INPUT_PATHS:-.}"
read -ra extra <<<"${INPUT_ARGS:-}"
py=python3
command -v python3 >/dev/null || py=python # Windows runners

mode=()
base="${INPUT_DIFF_BASE:-}"
if [ -z "$base" ] && [[ "${GITHUB_EVENT_NAME:-}" == pull_request* ]] && [ -f "${GITHUB_EVENT_PATH:-}" ]; then
  # The pull request's base commit, from the event payload.
  base=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pull_request"]["base"]["sha"])' "$GITHUB_EVENT_PATH" 2>/dev/null || true)
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

"$bin" check "${paths[@]}" "${mode[@]}" "${extra[@]}" --format github "${fail[@]}"
rc=$?

# JSON `diagnostics` holds unsuppressed findings only (baselined, excepted and inline-allowed
# ones are left out), so its length is the count.
findings=$("$bin" check "${paths[@]}" "${mode[@]}" "${extra[@]}" --format json --exit-zero --quiet |
  "$py" -c 'import json,sys; print(len(json.load(sys.stdin)["diagnostics"]))') || { findings=; rc=2; }

sarif="${INPUT_SARIF_FILE:-}"
if [ -n "$sarif" ]; then
  "$bin" check "${paths[@]}" "${extra[@]}" --format sarif --output "$sarif" --exit-zero --quiet || rc=2
fi
{
  echo "findings=${findings}"
  echo "sarif-file=$sarif"
  echo "exit-code=$rc"
} >>"${GITHUB_OUTPUT:?}"
exit 0
