#!/usr/bin/env node
// The `agentgate` command of the npm package: runs the native binary from the platform
// package npm installed next to it. Each @agentgate/cli-<os>-<cpu> package is an optional
// dependency with `os`/`cpu` fields, so npm installs only the one for this machine (the
// esbuild/biome pattern: no install script, no download at install time).
"use strict";
const { spawnSync } = require("node:child_process");
const platforms = require("./platforms.json");

function fail(message) {
  process.stderr.write(`agentgate: ${message}\n`);
  process.exit(2);
}

function binary() {
  // An explicit binary wins (a distinct name: AGENTGATE_BIN is what the git hook runs, and may
  // point at this script).
  if (process.env.AGENTGATE_BINARY_PATH) return process.env.AGENTGATE_BINARY_PATH;
  const key = `${process.platform}-${process.arch}`;
  const pkg = platforms[key];
  if (!pkg) {
    fail(
      `no prebuilt binary for ${key}; install from source instead: ` +
        "cargo install --locked --git https://github.com/agentgate/agentgate",
    );
  }
  const exe = process.platform === "win32" ? "agentgate.exe" : "agentgate";
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch {
    fail(
      `${pkg} is not installed. npm installs it as an optional dependency: reinstall without ` +
        "--omit=optional / --no-optional (and with the same npm for install and run).",
    );
  }
}

const result = spawnSync(binary(), process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (result.error) fail(`cannot run ${result.error.path || "the binary"}: ${result.error.message}`);
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 2);
