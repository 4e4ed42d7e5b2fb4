#!/usr/bin/env bash
# Action step 3, only when no release binary exists: build the action's own source once; the
# result is cached under a key of the source's hash (scripts/action/resolve.sh).
# Outputs: bin, built (true when this run compiled it).
set -euo pipefail
root="${SOURCE_DIR:?}"
exe=agentgate
[ "${RUNNER_OS:-}" != Windows ] || exe=agentgate.exe
bin="$root/bin/$exe"
if [ -x "$bin" ]; then
  echo "agentgate built from this source earlier (cache)"
else
  command -v cargo >/dev/null || { echo "::error title=agentgate::no release binary to download, and cargo is not installed to build one (set the binary input, or install Rust first)"; exit 2; }
  cargo install --locked --quiet --root "$root" --path "${GITHUB_ACTION_PATH:?}"
  echo "built=true" >>"${GITHUB_OUTPUT:?}"
fi
echo "bin=$bin" >>"${GITHUB_OUTPUT:?}"
"$bin" --version
