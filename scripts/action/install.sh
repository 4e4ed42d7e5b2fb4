#!/usr/bin/env bash
# Action step 2: use the `binary` input, the cached release binary, or download the release
# archive for this runner and verify it against the release's SHA256SUMS before unpacking.
# A checksum mismatch, a missing SHA256SUMS line or an unexpected HTTP status fails the step.
# Only when the release or its asset does not exist (HTTP 404), or this runner has no prebuilt
# target, does it set `build=true` so the next step builds from source (and it says so).
# Outputs: bin (the binary), downloaded (true when this run fetched it), build.
set -euo pipefail
out="${GITHUB_OUTPUT:?}"
fail() { echo "::error title=agentgate::$*"; exit 2; }

if [ -n "${INPUT_BINARY:-}" ]; then
  [ -x "$INPUT_BINARY" ] || fail "binary input '$INPUT_BINARY' is not an executable file"
  echo "bin=$INPUT_BINARY" >>"$out"
  "$INPUT_BINARY" --version
  exit 0
fi

version="${VERSION:?}"
build_from_source() {
  echo "::notice title=agentgate::$1; building agentgate from source instead (needs cargo, takes minutes)"
  echo "build=true" >>"$out"
  exit 0
}
[ "$version" != source ] || build_from_source "version: source was asked for"
[ -n "${TARGET:-}" ] || build_from_source "no prebuilt agentgate for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"

dir="${DIR:?}"
exe=agentgate
[ "${RUNNER_OS:-}" != Windows ] || exe=agentgate.exe
bin="$dir/$exe"
if [ -x "$bin" ]; then
  echo "bin=$bin" >>"$out"
  echo "agentgate $version from the cache"
  "$bin" --version
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# fetch NAME: 0 on 200, 1 on 404 (not released), fails on anything else.
fetch() {
  local code
  code=$(curl -sSL --retry 3 --connect-timeout 10 --max-time 120 -o "$tmp/$1" -w '%{http_code}' "${URL:?}/$1") ||
    fail "downloading $URL/$1 failed (curl exit $?)"
  case "$code" in
    200) return 0 ;;
    404) return 1 ;;
    *) fail "downloading $URL/$1: HTTP $code" ;;
  esac
}
fetch SHA256SUMS || build_from_source "no release v$version at $URL"
fetch "$ASSET" || build_from_source "release v$version has no asset $ASSET"

# SHA256SUMS lines are `<sha256>  <name>` (`*<name>` in binary mode).
expected=$(awk -v f="$ASSET" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "$ASSET is not listed in the release's SHA256SUMS"
sha=(sha256sum)
command -v sha256sum >/dev/null || sha=(shasum -a 256) # macOS
actual=$("${sha[@]}" "$tmp/$ASSET" | cut -d' ' -f1)
[ "$actual" = "$expected" ] || fail "checksum mismatch for $ASSET: SHA256SUMS says $expected, the download is $actual"

mkdir -p "$tmp/x"
case "$ASSET" in
  *.zip) unzip -q "$tmp/$ASSET" -d "$tmp/x" ;;
  *) tar -xzf "$tmp/$ASSET" -C "$tmp/x" ;;
esac
stem="${ASSET%.zip}"
stem="${stem%.tar.gz}"
[ -f "$tmp/x/$stem/$exe" ] || fail "$ASSET does not contain $stem/$exe"
chmod +x "$tmp/x/$stem/$exe"
reported=$("$tmp/x/$stem/$exe" --version)
[ "$reported" = "agentgate $version" ] || fail "$ASSET holds '$reported', expected agentgate $version"
mkdir -p "$dir"
mv "$tmp/x/$stem/$exe" "$bin"
{
  echo "bin=$bin"
  echo "downloaded=true"
} >>"$out"
echo "agentgate $version downloaded from $URL/$ASSET (sha256 $actual verified)"
