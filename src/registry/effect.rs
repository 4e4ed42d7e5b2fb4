//! Rule metadata ("no effect"): configuration a client accepts and then ignores. The facts
//! (key lists, versions, sources) live in rules/no-effect.yaml.

use super::{Confidence, Docs, Family, Rule, Severity};

pub static SETTINGS_DISCARDED: Rule = Rule {
    code: "AG701",
    name: "settings-file-discarded",
    family: Family::Effect,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "Claude Code would skip this whole settings file, with every deny rule in it",
    docs: Docs {
        what: "Checks `.claude/settings.json` and `.claude/settings.local.json` the way Claude Code validates them: \
               strict JSON (no comments, no trailing commas) and values the settings schema accepts for \
               `permissions.defaultMode` and hook handler `type`.",
        why: "Claude Code validates a settings file as a whole and skips a file with errors entirely — not just the \
              invalid setting. One `// comment` removes every `deny`, `ask` and hook in the file, and nothing in a \
              headless run (`claude -p`) tells anyone.",
        example: "```jsonc\n{\n  // keep secrets out\n  \"permissions\": { \"deny\": [\"Read(./.env)\"] }\n}\n```",
        fix: "Remove the comment or trailing comma (settings files are plain JSON; put notes in CLAUDE.md), and use \
              a value the schema lists.",
        references: &[
            "https://code.claude.com/docs/en/settings",
            "https://github.com/nbplugins/NetbeansPluginClaudeCodeGui/issues/29",
            "https://json.schemastore.org/claude-code-settings.json",
        ],
    },
};

pub static UNENFORCED_PATH_RULE: Rule = Rule {
    code: "AG702",
    name: "unenforced-path-rule",
    family: Family::Effect,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A path rule on a tool whose path rules Claude Code never consults",
    docs: Docs {
        what: "Finds `Write(path)`, `MultiEdit(path)`, `NotebookEdit(path)`, `Glob(path)` and `Grep(path)` rules in \
               Claude Code permission lists.",
        why: "Only `Read(path)` and `Edit(path)` rules are checked against file paths: `Edit` covers every tool that \
              writes, `Read` every tool that reads. The others are accepted and never consulted, so \
              `deny: [\"Write(.env)\"]` protects nothing. Since 2.1.210 the client warns at startup for four of them; \
              `Grep(path)` is silent.",
        example: "```json\n{ \"permissions\": { \"deny\": [\"Write(.env)\", \"Grep(./secrets/**)\"] } }\n```",
        fix: "Write the rule on the tool that is enforced: `Edit(.env)` for writes, `Read(./secrets/**)` for reads.",
        references: &[
            "https://code.claude.com/docs/en/permissions",
            "https://qiita.com/items/7a358290f3d5f6e8967c",
        ],
    },
};

pub static PROJECT_SCOPE_IGNORED: Rule = Rule {
    code: "AG703",
    name: "ignored-in-project-settings",
    family: Family::Effect,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A Claude Code setting that does not take effect from a project settings file",
    docs: Docs {
        what: "Finds keys whose documented scope excludes the shared project file — managed-only keys \
               (`allowManagedHooksOnly`, `sandbox.network.allowManagedDomainsOnly`, …), user-or-managed keys \
               (`autoMode`, `processWrapper`, …), keys not read from shared files \
               (`skipDangerousModePermissionPrompt`, …) — and `permissions.defaultMode: \"auto\"`, which does not take \
               effect from project or local settings.",
        why: "The file reads as if it enforced something (\"only managed hooks\", \"auto mode\") while the client \
              ignores it. A guardrail that lives in the wrong scope is no guardrail.",
        example: "```json\n{ \"allowManagedHooksOnly\": true, \"permissions\": { \"defaultMode\": \"auto\" } }\n```",
        fix: "Move managed-only keys to managed settings (MDM or `managed-settings.json`) and user keys to \
              `~/.claude/settings.json`; drop the rest from the shared file.",
        references: &[
            "https://code.claude.com/docs/en/settings",
            "https://code.claude.com/docs/en/permissions",
        ],
    },
};

pub static CODEX_PROJECT_KEY_IGNORED: Rule = Rule {
    code: "AG704",
    name: "codex-project-key-ignored",
    family: Family::Effect,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A credential-routing key Codex ignores in a project .codex/config.toml",
    docs: Docs {
        what: "Finds `openai_base_url`, `chatgpt_base_url`, `model_provider`, `model_providers`, `profile`, `profiles` \
               and `experimental_realtime_ws_base_url` in a repository's `.codex/config.toml`.",
        why: "Codex strips these keys from project layers (openai/codex#20098) and warns at startup: the project \
              does not get the provider or profile it names. Older releases honoured them, so the same file \
              reroutes every request — and the API key — on a developer who has not upgraded. Version-aware: \
              when `agents:` in .agentgate.yaml declares a Codex range that starts before 0.129.0 (the first \
              release line that drops the keys), the finding is an error naming the releases that honour \
              them; with no declaration, or a range from 0.129.0 on, it is a warning (the key does nothing).",
        example: "```toml\nmodel_provider = \"proxy\"\n[model_providers.proxy]\nbase_url = \"https://llm.example.net/v1\"\n```",
        fix: "Set providers and profiles in `~/.codex/config.toml` (or managed config); keep the project file to \
              project settings.",
        references: &[
            "https://github.com/openai/codex/commit/9ddb267e",
            "https://developers.openai.com/codex/config-basic",
            "https://github.com/openai/codex/issues/22222",
        ],
    },
};

pub static HOOK_MATCHER_NEVER_FIRES: Rule = Rule {
    code: "AG705",
    name: "hook-matcher-never-fires",
    family: Family::Effect,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A hook matcher names nothing the event can match, so the hook never runs",
    docs: Docs {
        what: "Reads each hook group's `matcher` in Claude Code settings. A matcher made only of letters, digits, \
               `_`, `-`, spaces, commas and `|` is an exact list of names (since 2.1.195); for tool events \
               (`PreToolUse`, `PostToolUse`, …) every name must be a Claude Code tool or an `mcp__` tool, for \
               `SessionStart` and `PreCompact` one of the documented values.",
        why: "Names are case-sensitive and exact: `bash`, `Shell` or `write_file` never match, so a formatting, \
              audit or blocking hook silently never runs.",
        example: "```json\n{ \"hooks\": { \"PreToolUse\": [ { \"matcher\": \"bash\", \"hooks\": [ { \"type\": \"command\", \"command\": \"./guard.sh\" } ] } ] } }\n```",
        fix: "Use the tool's exact name (`Bash`, `Edit|Write`), or a regex when a pattern is intended.",
        references: &["https://code.claude.com/docs/en/hooks"],
    },
};

pub static WRONG_SERVERS_KEY: Rule = Rule {
    code: "AG706",
    name: "mcp-servers-wrong-key",
    family: Family::Effect,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "MCP servers under a key this client does not read, so none of them start",
    docs: Docs {
        what: "Finds `servers` in `.mcp.json` or `.cursor/mcp.json` (they read `mcpServers`), `mcpServers` in \
               `.vscode/mcp.json` (it reads `servers`) and `mcpServers` in `.claude/settings.json` (Claude Code \
               reads project servers from `.mcp.json`).",
        why: "The file looks configured, and the security review of it passes, while the client starts none of the \
              servers — or a teammate \"fixes\" it by copying the block somewhere less reviewed.",
        example: "```json\n// .vscode/mcp.json\n{ \"mcpServers\": { \"docs\": { \"type\": \"http\", \"url\": \"https://mcp.example.com\" } } }\n```",
        fix: "Rename the key to the one the client reads, or move the servers to `.mcp.json`.",
        references: &[
            "https://code.claude.com/docs/en/mcp",
            "https://code.visualstudio.com/docs/copilot/reference/mcp-configuration",
        ],
    },
};

pub static REMOTE_SERVER_NO_TYPE: Rule = Rule {
    code: "AG707",
    name: "remote-server-missing-type",
    family: Family::Effect,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A remote MCP server without the `type` the client needs to connect to it",
    docs: Docs {
        what: "Finds servers that have a `url` and no `command` but no `type` in `.mcp.json` and \
               `.vscode/mcp.json`.",
        why: "Claude Code defaults `type` to `stdio`, so an entry with only a `url` is read as a local command and \
              fails to start; VS Code needs the type to pick a transport.",
        example: "```json\n{ \"mcpServers\": { \"docs\": { \"url\": \"https://mcp.example.com/mcp\" } } }\n```",
        fix: "Add `\"type\": \"http\"` (or `\"sse\"` for an SSE endpoint).",
        references: &[
            "https://code.claude.com/docs/en/mcp",
            "https://code.visualstudio.com/docs/copilot/reference/mcp-configuration",
        ],
    },
};
