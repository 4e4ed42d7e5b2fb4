#!/usr/bin/env bash
# Action step 1: use a given binary, or build the action's own source once (cached).
set -euo pipefail
if [ -n "${INPUT_BINARY:-}" ]; then
  bin="$INPUT_BINARY"
  [ -x "$bin" ] || { echo "::error title=agentgate::binary input '$bin' is not an executable file"; exit 2; }
else
  root="$HOME/.cargo/agentgate-action"
  bin="$root/bin/agentgate"
  if [ ! -x "$bin" ]; then
    command -v cargo >/dev/null || { echo "::error title=agentgate::cargo is needed to build agentgate (or set the binary input)"; exit 2; }
    cargo install --locked --quiet --root "$root" --path "${GITHUB_ACTION_PATH:?}"
  fi
fi
echo "bin=$bin" >> "${GITHUB_OUTPUT:?}"
"$bin" --version
