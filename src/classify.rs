//! The one table that maps a repository path to what it is and which agents load it.
//! Sources: shared/reference/agent-config-formats.md §1–6.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Agent {
    ClaudeCode,
    Codex,
    Cursor,
    Copilot,
    Gemini,
    Windsurf,
    Cline,
    Junie,
    AmazonQ,
    Aider,
    RooCode,
    Continue,
    Zed,
    Qwen,
}

impl Agent {
    pub fn name(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "Claude Code",
            Agent::Codex => "Codex",
            Agent::Cursor => "Cursor",
            Agent::Copilot => "GitHub Copilot",
            Agent::Gemini => "Gemini CLI",
            Agent::Windsurf => "Windsurf",
            Agent::Cline => "Cline",
            Agent::Junie => "Junie",
            Agent::AmazonQ => "Amazon Q",
            Agent::Aider => "Aider",
            Agent::RooCode => "Roo Code",
            Agent::Continue => "Continue",
            Agent::Zed => "Zed",
            Agent::Qwen => "Qwen Code",
        }
    }
}

/// How a file's content is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON with comments and trailing commas allowed.
    Jsonc,
    Toml,
    Yaml,
    /// Markdown whose optional YAML front matter is validated.
    Markdown,
    /// Plain text rules (`.cursorrules`, `.windsurfrules`, …).
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    ClaudeSettings,
    ClaudeLocalSettings,
    McpJson,
    ClaudeMd,
    ClaudeLocalMd,
    ClaudeAgent,
    ClaudeCommand,
    ClaudeSkill,
    ClaudeRule,
    ClaudeOutputStyle,
    ClaudePlugin,
    AgentsMd,
    CodexConfig,
    CursorRule,
    CursorRulesLegacy,
    CursorMcp,
    CopilotInstructions,
    CopilotScopedInstructions,
    CopilotPrompt,
    CopilotAgent,
    VscodeMcp,
    VscodeSettings,
    GeminiMd,
    GeminiSettings,
    QwenSettings,
    WindsurfRule,
    WindsurfRulesLegacy,
    ClineRules,
    JunieGuidelines,
    JunieMcp,
    AmazonQRule,
    AmazonQMcp,
    AiderConfig,
    RooRule,
    RooModes,
    RooMcp,
    ContinueRule,
    ContinueMcp,
    ZedSettings,
    ZedRules,
    /// Anything else: only whole-tree text rules (secrets) look at it.
    Other,
}

use Agent::*;
use FileKind::*;

/// Pattern → kind. First match wins, so specific rows come before general ones.
/// Patterns are matched against the path relative to the project root, `/`-separated.
const TABLE: &[(&str, FileKind)] = &[
    ("**/.claude/settings.json", ClaudeSettings),
    ("**/.claude/settings.local.json", ClaudeLocalSettings),
    ("**/.mcp.json", McpJson),
    ("**/.claude/agents/**/*.md", ClaudeAgent),
    ("**/.claude/commands/**/*.md", ClaudeCommand),
    ("**/.claude/skills/*/SKILL.md", ClaudeSkill),
    ("**/.claude/rules/**/*.md", ClaudeRule),
    ("**/.claude/output-styles/**/*.md", ClaudeOutputStyle),
    ("**/.claude-plugin/*.json", ClaudePlugin),
    ("**/CLAUDE.local.md", ClaudeLocalMd),
    ("**/CLAUDE.md", ClaudeMd),
    ("**/AGENTS.md", AgentsMd),
    ("**/AGENTS.override.md", AgentsMd),
    ("**/.codex/config.toml", CodexConfig),
    ("**/.cursor/rules/**/*.mdc", CursorRule),
    ("**/.cursor/rules/**/*.md", CursorRule),
    ("**/.cursorrules", CursorRulesLegacy),
    ("**/.cursor/mcp.json", CursorMcp),
    ("**/.github/copilot-instructions.md", CopilotInstructions),
    (
        "**/.github/instructions/**/*.instructions.md",
        CopilotScopedInstructions,
    ),
    ("**/.github/prompts/**/*.prompt.md", CopilotPrompt),
    ("**/.github/agents/**/*.agent.md", CopilotAgent),
    ("**/.github/chatmodes/**/*.chatmode.md", CopilotAgent),
    ("**/.vscode/mcp.json", VscodeMcp),
    ("**/.vscode/settings.json", VscodeSettings),
    ("**/GEMINI.md", GeminiMd),
    ("**/.gemini/settings.json", GeminiSettings),
    ("**/.qwen/settings.json", QwenSettings),
    ("**/.windsurf/rules/**/*.md", WindsurfRule),
    ("**/.windsurfrules", WindsurfRulesLegacy),
    ("**/.clinerules", ClineRules),
    ("**/.clinerules/**/*.md", ClineRules),
    ("**/.junie/guidelines.md", JunieGuidelines),
    ("**/.junie/mcp/mcp.json", JunieMcp),
    ("**/.amazonq/rules/**/*.md", AmazonQRule),
    ("**/.amazonq/mcp.json", AmazonQMcp),
    ("**/.aider.conf.yml", AiderConfig),
    ("**/.aider.conf.yaml", AiderConfig),
    ("**/.roo/rules/**/*.md", RooRule),
    ("**/.roo/rules-*/**/*.md", RooRule),
    ("**/.roomodes", RooModes),
    ("**/.roo/mcp.json", RooMcp),
    ("**/.continue/rules/**/*.md", ContinueRule),
    ("**/.continue/mcpServers/*.yaml", ContinueMcp),
    ("**/.continue/mcpServers/*.yml", ContinueMcp),
    ("**/.continue/mcpServers/*.json", ContinueMcp),
    ("**/.zed/settings.json", ZedSettings),
    ("**/.rules", ZedRules),
];

static MATCHER: LazyLock<GlobSet> = LazyLock::new(|| {
    let mut builder = GlobSetBuilder::new();
    for (pattern, _) in TABLE {
        builder.add(Glob::new(pattern).expect("classification patterns are valid globs"));
    }
    builder.build().expect("classification table compiles")
});

/// Classifies a project-relative, `/`-separated path.
pub fn classify(path: &str) -> FileKind {
    // Cheap reject: every agent file has one of these in its name or a parent directory.
    const HINTS: &[&str] = &[
        "claude", "CLAUDE", "mcp", "AGENTS", "codex", "cursor", "github", "vscode", "GEMINI",
        "gemini", "qwen", "windsurf", "cline", "junie", "amazonq", "aider", "roo", "continue",
        "zed", ".rules",
    ];
    if !HINTS.iter().any(|h| path.contains(h)) {
        return Other;
    }
    MATCHER
        .matches(path)
        .into_iter()
        .min()
        .map_or(Other, |i| TABLE[i].1)
}

impl FileKind {
    pub fn format(self) -> Format {
        match self {
            ClaudeSettings | ClaudeLocalSettings | McpJson | ClaudePlugin | CursorMcp
            | VscodeMcp | VscodeSettings | GeminiSettings | QwenSettings | JunieMcp
            | AmazonQMcp | RooMcp | ZedSettings => Format::Jsonc,
            CodexConfig => Format::Toml,
            AiderConfig | RooModes => Format::Yaml,
            CursorRulesLegacy | WindsurfRulesLegacy | ZedRules => Format::Text,
            ContinueMcp => Format::Yaml,
            _ => Format::Markdown,
        }
    }

    /// Agents that load this file from a repository.
    pub fn agents(self) -> &'static [Agent] {
        match self {
            ClaudeSettings | ClaudeLocalSettings | ClaudeLocalMd | ClaudeAgent | ClaudeCommand
            | ClaudeSkill | ClaudeOutputStyle | ClaudePlugin | McpJson => &[ClaudeCode],
            ClaudeMd => &[ClaudeCode, Copilot, Zed],
            ClaudeRule => &[ClaudeCode, Copilot],
            AgentsMd => &[Codex, Cursor, Copilot, Windsurf, Continue, Zed, Junie],
            CodexConfig => &[Codex],
            CursorRule | CursorMcp => &[Cursor],
            CursorRulesLegacy => &[Cursor, Zed],
            CopilotInstructions => &[Copilot, Zed],
            CopilotScopedInstructions
            | CopilotPrompt
            | CopilotAgent
            | VscodeMcp
            | VscodeSettings => &[Copilot],
            GeminiMd => &[Gemini, Zed],
            GeminiSettings => &[Gemini],
            QwenSettings => &[Qwen],
            WindsurfRule => &[Windsurf],
            WindsurfRulesLegacy => &[Windsurf, Zed],
            ClineRules => &[Cline, Zed],
            JunieGuidelines | JunieMcp => &[Junie],
            AmazonQRule | AmazonQMcp => &[AmazonQ],
            AiderConfig => &[Aider],
            RooRule | RooModes | RooMcp => &[RooCode],
            ContinueRule | ContinueMcp => &[Continue],
            ZedSettings | ZedRules => &[Zed],
            Other => &[],
        }
    }

    pub fn is_agent_file(self) -> bool {
        self != Other
    }

    /// Files whose front matter is YAML that the agent parses (so a syntax error matters).
    pub fn has_front_matter(self) -> bool {
        matches!(
            self,
            ClaudeAgent
                | ClaudeCommand
                | ClaudeSkill
                | ClaudeRule
                | ClaudeOutputStyle
                | CursorRule
                | CopilotScopedInstructions
                | CopilotPrompt
                | CopilotAgent
                | WindsurfRule
                | ContinueRule
                | AmazonQRule
                | RooRule
                | ClineRules
        )
    }

    /// Files that declare MCP servers under a key; `None` for other kinds.
    pub fn mcp_servers_key(self) -> Option<&'static [&'static str]> {
        match self {
            McpJson | CursorMcp | GeminiSettings | QwenSettings | JunieMcp | AmazonQMcp
            | RooMcp => Some(&["mcpServers"]),
            VscodeMcp => Some(&["servers"]),
            CodexConfig => Some(&["mcp_servers"]),
            ZedSettings => Some(&["context_servers"]),
            _ => None,
        }
    }

    /// Claude Code settings files: committed project scope.
    pub fn is_claude_settings(self) -> bool {
        matches!(self, ClaudeSettings | ClaudeLocalSettings)
    }
}

/// Files whose text the context rules need although no agent reads them.
pub fn is_support_file(path: &str) -> bool {
    !path.contains("node_modules/")
        && SUPPORT_NAMES
            .iter()
            .flat_map(|(_, names)| names.iter())
            .any(|n| path.rsplit('/').next() == Some(*n))
}

pub const SUPPORT_NAMES: &[(&str, &[&str])] = &[
    ("package.json", &["package.json"]),
    ("Makefile", &["Makefile", "makefile", "GNUmakefile"]),
    ("justfile", &["justfile", "Justfile", ".justfile"]),
    ("Taskfile.yml", &["Taskfile.yml", "Taskfile.yaml"]),
    ("Cargo.toml", &["Cargo.toml"]),
    ("pnpm-workspace.yaml", &["pnpm-workspace.yaml"]),
    ("go.work", &["go.work"]),
    ("agentgate.lock", &["agentgate.lock"]),
];

/// Why a tracked path must not be tracked, if it must not.
pub fn must_stay_local(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path == ".claude/settings.local.json" || path.ends_with("/.claude/settings.local.json") {
        return Some("personal Claude Code settings");
    }
    if name == "CLAUDE.local.md" {
        return Some("personal Claude Code instructions");
    }
    if name == ".env" {
        return Some("an environment file with credentials");
    }
    if let Some(suffix) = name.strip_prefix(".env.") {
        const TEMPLATES: &[&str] = &[
            "example", "sample", "template", "dist", "defaults", "default", "schema", "tmpl",
            "tpl", "ci",
        ];
        if !TEMPLATES.contains(&suffix.to_ascii_lowercase().as_str())
            && !suffix.ends_with(".example")
        {
            return Some("an environment file with credentials");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_covers_the_reference_inventory() {
        let cases = [
            (".claude/settings.json", ClaudeSettings),
            ("svc/.claude/settings.local.json", ClaudeLocalSettings),
            (".mcp.json", McpJson),
            ("CLAUDE.md", ClaudeMd),
            (".claude/CLAUDE.md", ClaudeMd),
            ("pkg/a/CLAUDE.md", ClaudeMd),
            ("CLAUDE.local.md", ClaudeLocalMd),
            (".claude/agents/review.md", ClaudeAgent),
            (".claude/commands/ops/deploy.md", ClaudeCommand),
            (".claude/skills/pdf/SKILL.md", ClaudeSkill),
            (".claude/rules/api/style.md", ClaudeRule),
            ("AGENTS.md", AgentsMd),
            ("services/api/AGENTS.md", AgentsMd),
            (".codex/config.toml", CodexConfig),
            (".cursor/rules/rpc.mdc", CursorRule),
            (".cursorrules", CursorRulesLegacy),
            (".cursor/mcp.json", CursorMcp),
            (".github/copilot-instructions.md", CopilotInstructions),
            (
                ".github/instructions/py.instructions.md",
                CopilotScopedInstructions,
            ),
            (".github/prompts/form.prompt.md", CopilotPrompt),
            (".vscode/mcp.json", VscodeMcp),
            (".vscode/settings.json", VscodeSettings),
            ("GEMINI.md", GeminiMd),
            (".gemini/settings.json", GeminiSettings),
            (".windsurf/rules/style.md", WindsurfRule),
            (".windsurfrules", WindsurfRulesLegacy),
            (".clinerules", ClineRules),
            (".clinerules/01-style.md", ClineRules),
            (".junie/guidelines.md", JunieGuidelines),
            (".amazonq/rules/a.md", AmazonQRule),
            (".aider.conf.yml", AiderConfig),
            (".roomodes", RooModes),
            ("src/main.rs", Other),
            ("docs/claude-notes.md", Other),
            (".claude/skills/pdf/reference.md", Other),
        ];
        for (path, kind) in cases {
            assert_eq!(classify(path), kind, "{path}");
        }
        assert!(ClaudeMd.agents().contains(&ClaudeCode));
        assert_eq!(CodexConfig.format(), Format::Toml);
    }
}
