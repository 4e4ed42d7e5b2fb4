//! Rule metadata (schema): keys and value types checked against versioned schemas kept as data
//! (rules/schemas/).

use super::{Confidence, Docs, Family, Rule, Severity};

pub static UNKNOWN_KEY: Rule = Rule {
    code: "AG111",
    name: "unknown-key",
    family: Family::Syntax,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A key the agent's schema does not know (as of the version agentgate was checked against)",
    docs: Docs {
        what: "Checks the objects whose key set is closed — Claude Code `permissions`, `sandbox`, `statusLine`, \
               hook groups and handlers, `.mcp.json` server entries; Codex `.codex/config.toml` `[mcp_servers.*]` \
               and `[sandbox_workspace_write]`; Gemini CLI `.gemini/settings.json` `mcpServers`; VS Code \
               `.vscode/mcp.json` `servers` (with their `sandbox` and `dev` objects) and `inputs`; the top level of \
               Copilot CLI's repository settings `.github/copilot/settings.json` (a closed set of keys: \
               `permissions` there is silently ignored) — against the \
               schema in rules/schemas/, which records the client version or source commit it was taken from. \
               Unknown keys get a did-you-mean.",
        why: "A misspelt key (`denyInsteadOfPromting`) or an invented one (`allowNetworkAccess`) does nothing: the \
              protection the author meant is not there. The finding is a warning and names the version, because \
              a newer client may have added the key since.",
        example: "```json\n{ \"permissions\": { \"denyInsteadOfPromting\": true } }\n```",
        fix: "Correct the spelling, or remove the key. If the client added it after the version named in the \
              message, update agentgate (or record an exception).",
        references: &[
            "https://json.schemastore.org/claude-code-settings.json",
            "https://code.claude.com/docs/en/settings",
            "https://developers.openai.com/codex/config-reference",
            "https://github.com/google-gemini/gemini-cli/blob/main/schemas/settings.schema.json",
            "https://code.visualstudio.com/docs/agents/reference/mcp-configuration",
        ],
    },
};

pub static WRONG_TYPE: Rule = Rule {
    code: "AG112",
    name: "wrong-value-type",
    family: Family::Syntax,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A value of the wrong type, so the agent rejects the setting (Claude Code: the whole file)",
    docs: Docs {
        what: "Checks value types (string, number, boolean, array, object) of the keys listed in rules/schemas/ \
               (Claude Code settings and `.mcp.json`, Codex `.codex/config.toml`, Gemini CLI \
               `.gemini/settings.json`, VS Code `.vscode/mcp.json`).",
        why: "Claude Code validates settings and skips a file that fails validation entirely, with every deny \
              rule in it: `\"allow\": \"Bash(npm test)\"` (a string, not a list) or `\"timeout\": \"60\"` turns the \
              file off. Codex refuses to load a `config.toml` whose `[mcp_servers.*]` table has a value of the \
              wrong type (`args = \"--stdio\"`).",
        example: "```json\n{ \"permissions\": { \"allow\": \"Bash(npm test)\" } }\n```",
        fix: "Use the type the schema expects: a list for rule lists, a number for timeouts, `true`/`false` \
              unquoted.",
        references: &[
            "https://json.schemastore.org/claude-code-settings.json",
            "https://code.claude.com/docs/en/settings",
        ],
    },
};

/// The version each agent's schema in rules/schemas/ was taken from (`known_as_of`), read here
/// so the config layer can compare declared client versions with it.
pub fn known_as_of(agent: &str) -> Option<&'static str> {
    #[derive(serde::Deserialize)]
    struct Head {
        agent: String,
        known_as_of: String,
    }
    static HEADS: std::sync::LazyLock<Vec<Head>> =
        std::sync::LazyLock::new(|| crate::builtin::SCHEMAS.iter().map(|t| t.load()).collect());
    HEADS
        .iter()
        .find(|h| h.agent == agent)
        .map(|h| h.known_as_of.as_str())
}
