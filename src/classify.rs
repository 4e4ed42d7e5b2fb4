//! The one table that maps a repository path to what it is and which agents load it. The
//! table is data (rules/kinds.yaml: glob, kind, source, checked version); this file holds the
//! kinds and what each means (format, agents, front matter, MCP key).

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::sync::{LazyLock, OnceLock};

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
    Antigravity,
    OpenCode,
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
            Agent::Antigravity => "Antigravity",
            Agent::OpenCode => "OpenCode",
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
    /// `.claude-plugin/plugin.json`: a plugin manifest.
    ClaudePlugin,
    /// `.claude-plugin/marketplace.json`: a plugin catalog.
    ClaudeMarketplace,
    AgentsMd,
    CodexConfig,
    /// `.codex/agents/*.toml`: a Codex custom agent.
    CodexAgent,
    CursorRule,
    CursorRulesLegacy,
    CursorMcp,
    CursorAgent,
    CopilotInstructions,
    CopilotScopedInstructions,
    CopilotPrompt,
    CopilotAgent,
    /// `.github/skills/<name>/SKILL.md`.
    CopilotSkill,
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
    /// `.agents/skills/<name>/SKILL.md`: Agent Skills read by Codex, Copilot and Antigravity.
    AgentsSkill,
    /// `.agents/mcp_config.json` (remote servers use `serverUrl`).
    AntigravityMcp,
    /// `.agents/workflows/*.md`: saved prompts run as slash commands.
    AntigravityWorkflow,
    OpenCodeAgent,
    /// `opencode.json` / `opencode.jsonc`.
    OpenCodeConfig,
    // Runtime policy files, committed in a platform or `.github-private` repository
    // (rules/vendor-policy.yaml): Claude Code managed settings and their drop-ins, Copilot's
    // enterprise managed settings, Codex requirements.
    ClaudeManagedSettings,
    CopilotManagedSettings,
    /// `.github/copilot/settings.json` outside `.github-private`: Copilot CLI's repository
    /// settings (a closed set of keys; others are silently ignored).
    CopilotRepoSettings,
    CodexRequirements,
    /// Anything else: only whole-tree text rules (secrets) look at it.
    Other,
}

use Agent::*;
use FileKind::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[allow(dead_code)]
    version: u32,
    hints: Vec<String>,
    rows: Vec<Row>,
    #[cfg_attr(not(test), allow(dead_code))]
    examples: Vec<Example>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    glob: String,
    kind: FileKind,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    checked: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct Example {
    path: String,
    kind: FileKind,
}

/// Path → kind: the built-in table, and rows an organisation's packs add
/// (`knowledge/kinds.yaml`, checked first: a pack names its own locations).
pub struct Classifier {
    table: &'static Rows,
    /// The packs' rows and their glob set (empty without packs).
    extra: Vec<FileKind>,
    extra_matcher: GlobSet,
}

/// The built-in rows, each with the literals its paths must hold and end with, and its glob
/// compiled on first need: a glob set compiles a regex for most of these rows (about 30, over
/// a millisecond at every start), and each compiled glob costs about 40 µs, while a commit
/// hook meets one or two of them. A `**/name` row needs no glob at all.
struct Rows {
    table: Table,
    suffixes: Vec<String>,
    /// Literal runs of each glob (outside `[…]` and `{…}`) that every match contains.
    pieces: Vec<Vec<String>>,
    /// For a `**/<literal>` row, the literal: a path matches when it is it or ends in `/` it.
    basenames: Vec<Option<String>>,
    matchers: Vec<OnceLock<globset::GlobMatcher>>,
}

impl Rows {
    fn new(table: Table) -> Self {
        let suffixes = table.rows.iter().map(|r| literal_suffix(&r.glob)).collect();
        let pieces = table.rows.iter().map(|r| literal_pieces(&r.glob)).collect();
        let basenames = table
            .rows
            .iter()
            .map(|r| {
                r.glob
                    .strip_prefix("**/")
                    .filter(|rest| !rest.contains(['*', '?', '[', ']', '{', '}', '\\']))
                    .map(str::to_string)
            })
            .collect();
        let matchers = table.rows.iter().map(|_| OnceLock::new()).collect();
        Rows {
            table,
            suffixes,
            pieces,
            basenames,
            matchers,
        }
    }

    fn row_matches(&self, i: usize, path: &str) -> bool {
        if !path.ends_with(self.suffixes[i].as_str()) {
            return false;
        }
        if let Some(name) = &self.basenames[i] {
            return path.strip_suffix(name.as_str()) == Some("")
                || path
                    .strip_suffix(name.as_str())
                    .is_some_and(|d| d.ends_with('/'));
        }
        self.pieces[i].iter().all(|p| path.contains(p.as_str()))
            && self.matchers[i]
                .get_or_init(|| {
                    Glob::new(&self.table.rows[i].glob)
                        .expect("classification patterns are valid globs (tested)")
                        .compile_matcher()
                })
                .is_match(path)
    }

    /// The first row whose glob matches.
    fn classify(&self, path: &str) -> FileKind {
        // Cheap reject: every built-in agent file has one of these in its name or a parent
        // directory.
        if !self.table.hints.iter().any(|h| path.contains(h.as_str())) {
            return Other;
        }
        (0..self.table.rows.len())
            .find(|&i| self.row_matches(i, path))
            .map_or(Other, |i| self.table.rows[i].kind)
    }
}

/// The literal a glob's matches end with: what follows its last special character, less a
/// leading `/` (`**/AGENTS.md` matches `AGENTS.md`).
fn literal_suffix(glob: &str) -> String {
    let special = |c: char| matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\');
    let tail = glob.rsplit(special).next().unwrap_or_default();
    tail.trim_start_matches('/').to_string()
}

/// The literal runs of a glob that any path it matches contains: the text between its
/// special characters, less `/` at either end (`**/` and `/**` match empty too). Nothing for
/// a glob with `[…]`, `{…}` or escapes, whose literal text is not all literal.
fn literal_pieces(glob: &str) -> Vec<String> {
    if glob.contains(['[', ']', '{', '}', '\\']) {
        return Vec::new();
    }
    glob.split(['*', '?'])
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A pack's `knowledge/kinds.yaml`: rows in the built-in format (`source`, `checked`
/// optional) and examples the extended table must classify as recorded.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackTable {
    #[serde(default)]
    #[allow(dead_code)]
    version: u32,
    #[serde(default)]
    rows: Vec<PackRow>,
    #[serde(default)]
    examples: Vec<Example>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackRow {
    glob: String,
    kind: FileKind,
    #[serde(default)]
    #[allow(dead_code)]
    source: String,
    #[serde(default)]
    #[allow(dead_code)]
    checked: String,
}

static ROWS: LazyLock<Rows> = LazyLock::new(|| Rows::new(crate::builtin::KINDS.load()));

static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(|| Classifier {
    table: &ROWS,
    extra: Vec::new(),
    extra_matcher: GlobSet::empty(),
});

/// Classifies a project-relative, `/`-separated path by the built-in table.
pub fn classify(path: &str) -> FileKind {
    CLASSIFIER.classify(path)
}

impl Classifier {
    /// The built-in table.
    pub fn builtin() -> &'static Classifier {
        &CLASSIFIER
    }

    /// The built-in table with the rows of the packs' `kinds.yaml` files ((path, text)) in
    /// front. `None` without any; an invalid glob or key, or an example the extended table
    /// does not classify as recorded, is an error naming the file.
    pub fn extended(packs: &[(String, String)]) -> Result<Option<Classifier>, String> {
        if packs.is_empty() {
            return Ok(None);
        }
        let mut builder = GlobSetBuilder::new();
        let mut extra = Vec::new();
        let mut examples = Vec::new();
        for (file, text) in packs {
            let t: PackTable = serde_saphyr::from_str(text).map_err(|e| format!("{file}: {e}"))?;
            for row in t.rows {
                let glob = Glob::new(&row.glob)
                    .map_err(|e| format!("{file}: `{}` is not a glob: {e}", row.glob))?;
                builder.add(glob);
                extra.push(row.kind);
            }
            examples.extend(t.examples.into_iter().map(|e| (file, e)));
        }
        let c = Classifier {
            table: &ROWS,
            extra,
            extra_matcher: builder.build().map_err(|e| e.to_string())?,
        };
        for (file, e) in examples {
            let got = c.classify(&e.path);
            if got != e.kind {
                return Err(format!(
                    "{file}: `{}` is classified {got:?}, the example says {:?}",
                    e.path, e.kind
                ));
            }
        }
        Ok(Some(c))
    }

    pub fn classify(&self, path: &str) -> FileKind {
        if !self.extra.is_empty()
            && let Some(i) = self.extra_matcher.matches(path).into_iter().min()
        {
            return self.extra[i];
        }
        self.table.classify(path)
    }
}

impl FileKind {
    pub fn format(self) -> Format {
        match self {
            ClaudeSettings
            | ClaudeLocalSettings
            | McpJson
            | ClaudePlugin
            | ClaudeMarketplace
            | CursorMcp
            | VscodeMcp
            | VscodeSettings
            | GeminiSettings
            | QwenSettings
            | JunieMcp
            | AmazonQMcp
            | RooMcp
            | ZedSettings
            | AntigravityMcp
            | OpenCodeConfig
            | ClaudeManagedSettings
            | CopilotManagedSettings
            | CopilotRepoSettings => Format::Jsonc,
            CodexConfig | CodexAgent | CodexRequirements => Format::Toml,
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
            | ClaudeOutputStyle | ClaudePlugin | ClaudeMarketplace | McpJson => &[ClaudeCode],
            ClaudeSkill => &[ClaudeCode, Copilot],
            ClaudeMd => &[ClaudeCode, Copilot, Zed],
            ClaudeRule => &[ClaudeCode, Copilot],
            AgentsMd => &[Codex, Cursor, Copilot, Windsurf, Continue, Zed, Junie],
            CodexConfig | CodexAgent => &[Codex],
            CursorRule | CursorMcp | CursorAgent => &[Cursor],
            CursorRulesLegacy => &[Cursor, Zed],
            CopilotInstructions => &[Copilot, Zed],
            CopilotScopedInstructions
            | CopilotPrompt
            | CopilotAgent
            | CopilotSkill
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
            AgentsSkill => &[Codex, Copilot, Antigravity],
            AntigravityMcp | AntigravityWorkflow => &[Antigravity],
            OpenCodeAgent | OpenCodeConfig => &[OpenCode],
            ClaudeManagedSettings => &[ClaudeCode],
            CopilotManagedSettings | CopilotRepoSettings => &[Copilot],
            CodexRequirements => &[Codex],
            Other => &[],
        }
    }

    pub fn is_agent_file(self) -> bool {
        self != Other
    }

    /// The project's always-loaded context file (CLAUDE.md, AGENTS.md, GEMINI.md, Copilot's
    /// repository instructions): the file whose staleness and presence the gate measures.
    pub fn is_context(self) -> bool {
        matches!(self, ClaudeMd | AgentsMd | GeminiMd | CopilotInstructions)
    }

    /// Files whose text an agent reads as instructions (every Markdown kind and the legacy
    /// one-file rule formats): what the prompt-injection and import rules read.
    pub fn is_instructions(self) -> bool {
        self.format() == Format::Markdown
            || matches!(self, CursorRulesLegacy | WindsurfRulesLegacy | ZedRules)
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
                | CursorAgent
                | CopilotSkill
                | AgentsSkill
                | AntigravityWorkflow
                | OpenCodeAgent
        )
    }

    /// Agent Skills (`<dir>/<name>/SKILL.md`): the open spec's `name` and `description` rules.
    pub fn is_skill(self) -> bool {
        matches!(self, ClaudeSkill | CopilotSkill | AgentsSkill)
    }

    /// Files that declare MCP servers under a key; `None` for other kinds.
    pub fn mcp_servers_key(self) -> Option<&'static [&'static str]> {
        match self {
            McpJson | CursorMcp | GeminiSettings | QwenSettings | JunieMcp | AmazonQMcp
            | RooMcp | AntigravityMcp => Some(&["mcpServers"]),
            VscodeMcp => Some(&["servers"]),
            CodexConfig | CodexAgent => Some(&["mcp_servers"]),
            OpenCodeConfig => Some(&["mcp"]),
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
    fn suffix_prefilter_keeps_the_glob_set_answer() {
        let rows = &*ROWS;
        let mut set = GlobSetBuilder::new();
        for r in &rows.table.rows {
            set.add(Glob::new(&r.glob).unwrap());
        }
        let set = set.build().unwrap();
        let mut paths: Vec<String> = Vec::new();
        for e in &rows.table.examples {
            for p in [
                e.path.clone(),
                format!("a/b/{}", e.path),
                format!("x{}", e.path),
            ] {
                paths.push(p.replace("SKILL", "skill"));
                paths.push(p);
            }
        }
        assert!(paths.len() > 150);
        for p in &paths {
            let want = set
                .matches(p)
                .into_iter()
                .min()
                .map_or(Other, |i| rows.table.rows[i].kind);
            let want = if rows.table.hints.iter().any(|h| p.contains(h.as_str())) {
                want
            } else {
                Other
            };
            assert_eq!(rows.classify(p), want, "{p}");
        }
        assert_eq!(literal_suffix("**/AGENTS.md"), "AGENTS.md");
        assert_eq!(
            literal_suffix("**/.github/agents/**/*.agent.md"),
            ".agent.md"
        );
        assert_eq!(literal_suffix("**/x.{yml,yaml}"), "");
        assert_eq!(
            literal_pieces("**/.github/agents/**/*.agent.md"),
            [".github/agents", ".agent.md"]
        );
        assert!(literal_pieces("**/x.{yml,yaml}").is_empty());
        // The `**/name` shortcut, as globset reads such a glob.
        for p in [
            "AGENTS.md",
            "a/AGENTS.md",
            "xAGENTS.md",
            "a/xAGENTS.md",
            "AGENTS.md/b",
        ] {
            let want = Glob::new("**/AGENTS.md")
                .unwrap()
                .compile_matcher()
                .is_match(p);
            let i = rows
                .table
                .rows
                .iter()
                .position(|r| r.glob == "**/AGENTS.md")
                .unwrap();
            assert!(rows.basenames[i].is_some());
            assert_eq!(rows.row_matches(i, p), want, "{p}");
        }
    }

    #[test]
    fn table_examples_classify_as_recorded() {
        let c = &*CLASSIFIER;
        assert!(c.table.table.examples.len() >= 40, "examples went missing");
        for ex in &c.table.table.examples {
            assert_eq!(classify(&ex.path), ex.kind, "{}", ex.path);
        }
        // Every row is reachable: some example lands on each kind the table names.
        for row in &c.table.table.rows {
            assert!(
                c.table.table.examples.iter().any(|e| e.kind == row.kind),
                "no example for {:?}",
                row.kind
            );
            assert!(row.source.contains("http") || row.source.contains("reference"));
        }
        assert!(ClaudeMd.agents().contains(&ClaudeCode));
        assert_eq!(CodexConfig.format(), Format::Toml);
        assert_eq!(CodexAgent.format(), Format::Toml);
        assert_eq!(OpenCodeConfig.mcp_servers_key(), Some(&["mcp"][..]));
    }

    #[test]
    fn packs_add_locations_in_front_of_the_table() {
        let pack = |t: &str| Classifier::extended(&[("p/knowledge/kinds.yaml".into(), t.into())]);
        let c = pack("rows:\n  - {glob: \"docs/agents/*.md\", kind: ClaudeRule}\n  - {glob: \"**/ACME.md\", kind: AgentsMd}\nexamples:\n  - {path: docs/agents/style.md, kind: ClaudeRule}\n")
            .unwrap()
            .unwrap();
        assert_eq!(c.classify("docs/agents/style.md"), ClaudeRule);
        assert_eq!(c.classify("svc/ACME.md"), AgentsMd);
        assert_eq!(c.classify("CLAUDE.md"), ClaudeMd);
        assert_eq!(classify("docs/agents/style.md"), Other);
        let e = pack("examples:\n  - {path: docs/x.md, kind: ClaudeRule}\n")
            .err()
            .unwrap();
        assert!(
            e.starts_with("p/knowledge/kinds.yaml: `docs/x.md` is classified Other"),
            "{e}"
        );
        assert!(pack("rows:\n  - {glob: \"a\", kind: NoSuchKind}\n").is_err());
        assert!(Classifier::extended(&[]).unwrap().is_none());
    }
}
