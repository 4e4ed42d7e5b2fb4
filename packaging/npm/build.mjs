// Generates the npm packages from a built binary; the version comes from Cargo.toml.
//
//   node packaging/npm/build.mjs main OUTDIR
//       OUTDIR/agentgate: the `agentgate` package (launcher + optionalDependencies on every
//       platform package, at exactly this version)
//   node packaging/npm/build.mjs platform TARGET BINARY OUTDIR
//       OUTDIR/cli-<os>-<cpu>: @agentgate/cli-<os>-<cpu> holding the binary for TARGET
//
// Then `npm pack DIR` (CI) or `npm publish DIR --provenance` (the release workflow).
// The pattern (per-platform packages selected by npm through `os`/`cpu`, no install script):
// https://github.com/evanw/esbuild/blob/main/lib/npm/node-platform.ts and
// https://docs.npmjs.com/cli/v11/configuring-npm/package-json#optionaldependencies (os, cpu).
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
export const SCOPE = "@agentgate";
export const platforms = JSON.parse(readFileSync(join(here, "platforms.json"), "utf8"));

export function cargoVersion() {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const pkg = toml.split(/^\[/m).find((s) => s.startsWith("package]"));
  const m = pkg && pkg.match(/^version\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error("no [package] version in Cargo.toml");
  return m[1];
}

const version = cargoVersion();
const common = {
  version,
  license: "MIT OR Apache-2.0",
  homepage: "https://github.com/agentgate/agentgate#readme",
  repository: { type: "git", url: "git+https://github.com/agentgate/agentgate.git" },
};
const platformName = ({ os, cpu }) => `${SCOPE}/cli-${os}-${cpu}`;

function write(dir, files) {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

function main(outdir) {
  const dir = join(outdir, "agentgate");
  const byNode = {};
  const optional = {};
  for (const p of Object.values(platforms)) {
    byNode[`${p.os}-${p.cpu}`] = platformName(p);
    optional[platformName(p)] = version;
  }
  const manifest = {
    name: "agentgate",
    ...common,
    description: "Lint and gate AI-coding-agent configuration: permissions, MCP servers, context files, secrets",
    keywords: ["lint", "security", "mcp", "claude-code", "ai-agents", "pre-commit", "secrets"],
    bin: { agentgate: "bin/agentgate.js" },
    files: ["bin/"],
    engines: { node: ">=18" },
    optionalDependencies: optional,
  };
  write(dir, {
    "package.json": JSON.stringify(manifest, null, 2) + "\n",
    "bin/platforms.json": JSON.stringify(byNode, null, 2) + "\n",
    "bin/agentgate.js": readFileSync(join(here, "agentgate.js")),
    "README.md": readFileSync(join(root, "README.md")),
  });
  chmodSync(join(dir, "bin/agentgate.js"), 0o755);
  return dir;
}

function platform(target, binary, outdir) {
  const p = platforms[target];
  if (!p) throw new Error(`unknown target ${target} (packaging/npm/platforms.json)`);
  const dir = join(outdir, `cli-${p.os}-${p.cpu}`);
  const exe = p.os === "win32" ? "agentgate.exe" : "agentgate";
  const manifest = {
    name: platformName(p),
    ...common,
    description: `The agentgate binary for ${p.os} ${p.cpu} (${target}); installed by the agentgate package.`,
    os: [p.os],
    cpu: [p.cpu],
    files: ["bin/"],
    preferUnplugged: true,
  };
  write(dir, {
    "package.json": JSON.stringify(manifest, null, 2) + "\n",
    "README.md": `# ${manifest.name}\n\nThe \`agentgate\` ${version} binary for ${target}. Install \`agentgate\` instead: it depends on this package.\n`,
  });
  mkdirSync(join(dir, "bin"), { recursive: true });
  copyFileSync(binary, join(dir, "bin", exe));
  chmodSync(join(dir, "bin", exe), 0o755);
  return dir;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "main" && args.length === 1) console.log(main(args[0]));
else if (mode === "platform" && args.length === 3) console.log(platform(...args));
else if (mode === "version" && args.length === 0) console.log(version);
else {
  console.error("usage: build.mjs main OUTDIR | platform TARGET BINARY OUTDIR | version");
  process.exit(2);
}
