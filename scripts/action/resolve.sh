#!/usr/bin/env bash
# Action step 1: decide what to install, before the cache is restored (the cache key needs it).
# Outputs: version, target (empty when no prebuilt binary exists for this runner), asset,
# url (of the release directory), dir (where the binary lives once installed), key (cache key),
# source-dir and source-key (for the build fallback).
set -euo pipefail
action_path="${GITHUB_ACTION_PATH:?}"
out="${GITHUB_OUTPUT:?}"

# The action's own version: its Cargo.toml, the one source of truth (the release tag is
# v<version>). An explicit `version` input picks another release; `source` always builds.
own=$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n1)
version="${INPUT_VERSION:-}"
version="${version#v}"
[ -n "$version" ] || version="$own"
[ -n "$version" ] || { echo "::error title=agentgate::cannot read the version from $action_path/Cargo.toml"; exit 2; }
if [ "$version" != source ] && ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "::error title=agentgate::version must be X.Y.Z, vX.Y.Z, source or empty (got '$version')"
  exit 2
fi

# runner.os/runner.arch -> the release target (.github/workflows/release.yml builds these).
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target= ;;
esac
asset=
[ -z "$target" ] || asset="agentgate-$version-$target.$([ "${RUNNER_OS:-}" = Windows ] && echo zip || echo tar.gz)"

# Releases of the repository the action was taken from (a fork or a GHES mirror gets its own),
# or AGENTGATE_RELEASE_BASE_URL (tests serve a fake release from 127.0.0.1).
repo="${GITHUB_ACTION_REPOSITORY:-}"
[ -n "$repo" ] || repo=agentgate/agentgate
base="${AGENTGATE_RELEASE_BASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}"

cache="${RUNNER_TOOL_CACHE:-${HOME:?}/.cache}/agentgate"
os_arch="${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}"
# The build fallback is keyed by the action's source, so `@main` and `uses: ./` rebuild only
# when the code changes and never keep a stale binary.
sha=(sha256sum)
command -v sha256sum >/dev/null || sha=(shasum -a 256) # macOS
src_hash=$(cd "$action_path" && find Cargo.toml Cargo.lock src rules -type f -print0 2>/dev/null |
  LC_ALL=C sort -z | xargs -0 "${sha[@]}" | "${sha[@]}" | cut -c1-16)
{
  echo "version=$version"
  echo "target=$target"
  echo "asset=$asset"
  echo "url=$base/v$version"
  echo "dir=$cache/$version/$target"
  echo "key=agentgate-release-$os_arch-$target-$version"
  echo "source-dir=$cache/source-$src_hash"
  echo "source-key=agentgate-source-$os_arch-$src_hash"
} >>"$out"
