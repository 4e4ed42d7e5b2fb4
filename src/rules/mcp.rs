//! MCP server definitions across agents.

use super::{Confidence, Docs, Emitter, Family, FileCtx, Rule};
use crate::syntax::Node;

pub static MCP_UNPINNED_NPX: Rule = Rule {
    code: "AG201",
    name: "mcp-unpinned-package",
    family: Family::Mcp,
    severity: crate::report::diagnostic::Severity::Error,
    confidence: Confidence::Exact,
    summary: "An MCP server runs an npm package without an exact version",
    docs: Docs {
        what: "Finds MCP servers launched through an npm package runner — `npx` (usually with `-y`), `bunx`, \
               `pnpm dlx`, `yarn dlx`, `npm exec` — whose package has no exact version (`pkg`, `pkg@latest`, \
               `pkg@^1.2`). Checked in every MCP file: `.mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json`, \
               `.gemini/settings.json`, `.codex/config.toml`, `.amazonq/mcp.json`, `.roo/mcp.json`, \
               `.junie/mcp/mcp.json`, `.qwen/settings.json` and `.zed/settings.json`. Local paths \
               (`./server`) and git sources are not registry packages and are not reported.",
        why: "`npx -y pkg` downloads and runs whatever version of `pkg` is newest at that moment, with the \
              developer's credentials and any tokens in the server's `env`. One compromised or hijacked \
              release (a \"rug pull\") runs on every machine at the next agent start, with no review.",
        example: "```json\n{\n  \"mcpServers\": {\n    \"fs\": { \"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \".\"] }\n  }\n}\n```",
        fix: "Pin an exact version: `\"@modelcontextprotocol/server-filesystem@2025.8.21\"`, and update it \
              deliberately (Renovate and Dependabot can bump pinned versions in these files).",
        references: &[
            "https://code.claude.com/docs/en/mcp",
            "https://docs.npmjs.com/cli/commands/npx",
        ],
    },
    check: Some(check_unpinned),
};

fn check_unpinned(ctx: &FileCtx<'_>, emit: &mut Emitter<'_>) {
    let (Some(keys), Some(tree)) = (ctx.kind.mcp_servers_key(), ctx.tree()) else {
        return;
    };
    for key in keys {
        for server in tree.get(key).map_or(&[][..], Node::members) {
            // Zed's older form nests `{ "command": { "path", "args" } }`.
            let launcher = server.value.get("command").map(|c| {
                if c.get("path").is_some() {
                    c
                } else {
                    &server.value
                }
            });
            let Some(launcher) = launcher else { continue };
            let command = launcher.get("command").or_else(|| launcher.get("path"));
            let args: Vec<&Node> = launcher
                .get("args")
                .map(|a| a.as_array().iter().collect())
                .unwrap_or_default();
            let Some(command) = command.and_then(Node::as_str) else {
                continue;
            };
            let mut argv: Vec<(&str, Option<&Node>)> =
                command.split_whitespace().map(|w| (w, None)).collect();
            argv.extend(args.iter().filter_map(|a| Some((a.as_str()?, Some(*a)))));
            if let Some((package, node, auto_yes)) = unpinned_package(&argv) {
                let range = node.map_or(command_span(launcher), |n| n.span.clone());
                let yes = if auto_yes {
                    " and installs it without asking (`-y`)"
                } else {
                    ""
                };
                emit.emit(
                    &MCP_UNPINNED_NPX,
                    Some(range),
                    format!(
                        "MCP server `{}` runs `{package}` without an exact version{yes}",
                        server.key
                    ),
                )
                .help = Some(format!(
                    "pin it: \"{}@<exact version>\"",
                    strip_version(package)
                ));
            }
        }
    }
}

fn command_span(launcher: &Node) -> std::ops::Range<usize> {
    launcher
        .get("command")
        .or_else(|| launcher.get("path"))
        .map_or(launcher.span.clone(), |n| n.span.clone())
}

/// Finds the package an npm runner would fetch. Returns it when it is not pinned exactly,
/// with the node it came from and whether auto-install (`-y`/`--yes`) is on.
fn unpinned_package<'a>(
    argv: &[(&'a str, Option<&'a Node>)],
) -> Option<(&'a str, Option<&'a Node>, bool)> {
    let start = argv.iter().position(|(w, _)| {
        let base = w
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(w)
            .trim_end_matches(".cmd")
            .trim_end_matches(".exe");
        matches!(base, "npx" | "bunx")
    });
    let rest = match start {
        Some(i) => &argv[i + 1..],
        None => {
            // `pnpm dlx`, `yarn dlx`, `npm exec`, `bun x`.
            let i = argv.windows(2).position(|w| {
                matches!(
                    (w[0].0, w[1].0),
                    ("pnpm" | "yarn", "dlx") | ("npm", "exec" | "x") | ("bun", "x")
                )
            })?;
            &argv[i + 2..]
        }
    };
    let mut auto_yes = false;
    let mut explicit: Vec<(&str, Option<&Node>)> = Vec::new();
    let mut positional = None;
    let mut i = 0;
    while i < rest.len() {
        let (word, node) = rest[i];
        match word {
            "-y" | "--yes" => auto_yes = true,
            "-p" | "--package" => {
                if let Some(next) = rest.get(i + 1) {
                    explicit.push(*next);
                    i += 1;
                }
            }
            "--" => {
                positional = rest.get(i + 1).copied();
                break;
            }
            w if w.starts_with("--package=") => explicit.push((&w["--package=".len()..], node)),
            w if w.starts_with('-') => {}
            _ => {
                positional = Some((word, node));
                break;
            }
        }
        i += 1;
    }
    let candidates = if explicit.is_empty() {
        positional.into_iter().collect()
    } else {
        explicit
    };
    candidates
        .into_iter()
        .find(|(pkg, _)| is_registry_package(pkg) && !is_exact(pkg))
        .map(|(pkg, node)| (pkg, node, auto_yes))
}

fn is_registry_package(spec: &str) -> bool {
    !spec.is_empty()
        && !spec.starts_with(['.', '/', '~', '$'])
        && !spec.contains(':')
        && !spec.contains('\\')
        && !spec.ends_with(".tgz")
}

/// `pkg@1.2.3` or `@scope/pkg@1.2.3-rc.1`: the version after the name's last `@` is exact semver.
fn is_exact(spec: &str) -> bool {
    let name_start = usize::from(spec.starts_with('@'));
    let Some(at) = spec[name_start..].rfind('@').map(|i| i + name_start) else {
        return false;
    };
    let version = &spec[at + 1..];
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn strip_version(spec: &str) -> &str {
    let name_start = usize::from(spec.starts_with('@'));
    spec[name_start..]
        .rfind('@')
        .map_or(spec, |i| &spec[..i + name_start])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::run;

    #[test]
    fn unpinned_npx_across_files() {
        let mcp = "{\n  \"mcpServers\": {\n    \"fs\": {\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \".\"]\n    }\n  }\n}\n";
        let d = run(".mcp.json", mcp);
        assert_eq!(d.len(), 1, "{d:?}");
        let s = d[0].span.as_ref().unwrap();
        assert_eq!((s.line, s.col), (5, 22));
        assert!(d[0].message.contains("`-y`"));

        let vscode = "{\"servers\": {\"p\": {\"type\": \"stdio\", \"command\": \"npx\", \"args\": [\"server-perplexity-ask@latest\"]}}}";
        assert_eq!(run(".vscode/mcp.json", vscode).len(), 1);

        let codex = "[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"mcp-docs@^1.2.0\"]\n";
        let d = run(".codex/config.toml", codex);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.as_ref().unwrap().line, 3);

        let pnpm = "{\"mcpServers\": {\"x\": {\"command\": \"pnpm\", \"args\": [\"dlx\", \"some-server\"]}}}";
        assert_eq!(run(".cursor/mcp.json", pnpm).len(), 1);
    }

    #[test]
    fn pinned_and_local_servers_are_fine() {
        for args in [
            "[\"-y\", \"@modelcontextprotocol/server-filesystem@2025.8.21\", \".\"]",
            "[\"-y\", \"server-x@1.2.3-beta.1\"]",
            "[\"./local/server.js\"]",
            "[\"-y\", \"github:org/repo#abc123\"]",
            "[\"-y\", \"-p\", \"tool@1.0.0\", \"tool-cli\"]",
        ] {
            let text = format!(
                "{{\"mcpServers\": {{\"s\": {{\"command\": \"npx\", \"args\": {args}}}}}}}"
            );
            assert!(run(".mcp.json", &text).is_empty(), "{args}");
        }
        let node = "{\"mcpServers\": {\"s\": {\"command\": \"node\", \"args\": [\"server.js\"]}}}";
        assert!(run(".mcp.json", node).is_empty());
        // An MCP-shaped object in a file no agent reads as MCP config.
        let other = "{\"mcpServers\": {\"s\": {\"command\": \"npx\", \"args\": [\"x\"]}}}";
        assert!(run("config/mcp.json", other).is_empty());
    }

    #[test]
    fn exact_versions() {
        assert!(is_exact("a@1.2.3"));
        assert!(is_exact("@s/a@10.0.0+build"));
        for spec in [
            "a", "@s/a", "a@latest", "a@1", "a@1.2", "a@^1.2.3", "a@1.2.x",
        ] {
            assert!(!is_exact(spec), "{spec}");
        }
        assert_eq!(strip_version("@s/a@latest"), "@s/a");
    }
}
